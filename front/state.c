/* state.c - state directories, state.json, status. */
#include "front/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "front/proc.h"
#include "lib/cleanup.h"
#include "lib/xalloc.h"

#define STATE_FILE "state.json"
#define STATE_MAX (1024 * 1024)

int
state_check_id(const char *id, struct brig_err *err)
{
	size_t n = strlen(id);

	if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return brig_err_set(err, 0, "invalid container id \"%s\"", id);
	for (const char *c = id; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' || *c == '-' ||
		      *c == '.'))
			return brig_err_set(err, 0,
					    "invalid container id \"%s\": use letters, digits, _ + - .",
					    id);
	}
	return 0;
}

int
state_root_open(const char *root, bool create, struct brig_err *err)
{
	cleanup_free char *p = NULL;
	int fd;

	/* rootless_setup leaves no default when XDG_RUNTIME_DIR is unset:
	 * only commands that keep state need one. */
	if (root == NULL)
		return brig_err_set(err, 0, "rootless: XDG_RUNTIME_DIR is not set (or not an "
					    "absolute path): give the state directory with --root DIR");
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return brig_err_set(err, errno, "state root %s", root);
	/* Create missing parents too, as runc does for --root. */
	p = xstrdup(root);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0711) < 0 && errno != EEXIST)
			return brig_err_set(err, errno, "create state root %s", p);
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "create state root %s", root);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return brig_err_set(err, errno, "state root %s", root);
	return fd;
}

static int
lock_dir(int dirfd, const char *id, struct brig_err *err)
{
	if (flock(dirfd, LOCK_EX) < 0)
		return brig_err_set(err, errno, "lock container \"%s\"", id);
	return 0;
}

int
state_dir_create(int rootfd, const char *id, struct brig_err *err)
{
	int fd;

	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			return brig_err_set(err, 0, "container \"%s\" already exists", id);
		return brig_err_set(err, errno, "create state directory for \"%s\"", id);
	}
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int e = errno;
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return brig_err_set(err, e, "open state directory for \"%s\"", id);
	}
	if (lock_dir(fd, id, err) < 0) {
		close(fd);
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return -1;
	}
	return fd;
}

int
state_dir_open(int rootfd, const char *id, struct brig_err *err)
{
	int fd;

	if (state_check_id(id, err) < 0)
		return -1;
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return brig_err_set(err, 0, "container \"%s\" does not exist", id);
		return brig_err_set(err, errno, "open state of \"%s\"", id);
	}
	if (lock_dir(fd, id, err) < 0) {
		close(fd);
		return -1;
	}
	/* A concurrent delete may have removed the directory while we
	 * waited for the lock: an unlinked directory has no links left. */
	{
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_nlink == 0) {
			close(fd);
			return brig_err_set(err, 0, "container \"%s\" does not exist", id);
		}
	}
	return fd;
}

void
state_dir_remove(int rootfd, int dirfd, const char *id)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			unlinkat(dirfd, de->d_name, 0);
		}
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	unlinkat(rootfd, id, AT_REMOVEDIR);
}

static void
gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static void
gen_kv(yajl_gen g, const char *k, const char *v)
{
	gen_str(g, k);
	gen_str(g, v ? v : "");
}

static void
gen_annotations(yajl_gen g, const struct ctr_state *st)
{
	gen_str(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->n_annotations; i++)
		gen_kv(g, st->annotations[i].key, st->annotations[i].value);
	yajl_gen_map_close(g);
}

/* Close the top-level map and return the text (freeing the generator). */
static char *
gen_finish(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	char *out;

	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	out = xstrndup((const char *) buf, len);
	yajl_gen_free(g);
	return out;
}

char *
state_to_json(const struct ctr_state *st, const char *status, bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		return NULL;
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_map_open(g);
	gen_kv(g, "ociVersion", "1.2.0");
	gen_kv(g, "id", st->id);
	gen_kv(g, "status", status);
	gen_str(g, "pid");
	yajl_gen_integer(g, strcmp(status, "stopped") == 0 ? 0 : st->pid);
	gen_kv(g, "bundle", st->bundle);
	gen_kv(g, "rootfs", st->rootfs);
	gen_kv(g, "created", st->created);
	gen_kv(g, "owner", "");
	if (st->vm_pid > 0 && strcmp(status, "stopped") != 0) {
		/* runc's fields first; engines ignore what they do not know. */
		gen_kv(g, "handler", "vm");
		gen_str(g, "vmPid");
		yajl_gen_integer(g, st->vm_pid);
	}
	if (st->n_annotations > 0)
		gen_annotations(g, st);
	return gen_finish(g);
}

/* What brig-net made, for delete (front/plan_net.c). */
static void
gen_net(yajl_gen g, const struct ctr_state *st)
{
	if (st->net_veth != NULL)
		gen_kv(g, "net_veth", st->net_veth);
	if (st->n_net_devices == 0)
		return;
	gen_str(g, "net_devices");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->n_net_devices; i++)
		gen_kv(g, st->net_devices[i].key, st->net_devices[i].value);
	yajl_gen_map_close(g);
}

/* Our own fields ride along in state.json under "brig". */
static char *
state_file_json(const struct ctr_state *st)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		return NULL;
	yajl_gen_map_open(g);
	gen_kv(g, "id", st->id);
	gen_str(g, "pid");
	yajl_gen_integer(g, st->pid);
	gen_str(g, "start_time");
	yajl_gen_integer(g, (long long) st->start_time);
	gen_kv(g, "bundle", st->bundle);
	gen_kv(g, "rootfs", st->rootfs);
	gen_kv(g, "created", st->created);
	gen_str(g, "owner");
	yajl_gen_integer(g, st->owner);
	gen_str(g, "has_hooks");
	yajl_gen_bool(g, st->has_hooks);
	gen_str(g, "has_cgroup");
	yajl_gen_bool(g, st->has_cgroup);
	if (st->cgroups_path != NULL)
		gen_kv(g, "cgroups_path", st->cgroups_path);
	gen_str(g, "cgroup_depth");
	yajl_gen_integer(g, st->cgroup_depth);
	gen_str(g, "paused");
	yajl_gen_bool(g, st->paused);
	if (st->vm_pid > 0) {
		gen_str(g, "vm_pid");
		yajl_gen_integer(g, st->vm_pid);
	}
	gen_net(g, st);
	gen_annotations(g, st);
	return gen_finish(g);
}

int
state_write(int dirfd, const struct ctr_state *st, struct brig_err *err)
{
	cleanup_free char *json = state_file_json(st);
	cleanup_close int fd = -1;
	size_t len;

	if (json == NULL)
		return brig_err_set(err, ENOMEM, "encode state of \"%s\"", st->id);
	len = strlen(json);
	fd = openat(dirfd, STATE_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return brig_err_set(err, errno, "write state of \"%s\"", st->id);
	if (write(fd, json, len) != (ssize_t) len)
		return brig_err_set(err, errno ? errno : EIO, "write state of \"%s\"", st->id);
	/* state.json lives on tmpfs (/run) in every real setup; fdatasync is
	 * cheap there and keeps the rename atomic on a disk too. */
	if (fdatasync(fd) < 0)
		return brig_err_set(err, errno, "sync state of \"%s\"", st->id);
	if (renameat(dirfd, STATE_FILE ".tmp", dirfd, STATE_FILE) < 0)
		return brig_err_set(err, errno, "commit state of \"%s\"", st->id);
	return 0;
}

static char *
tree_str(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);
	return xstrdup(v ? YAJL_GET_STRING(v) : "");
}

static long long
tree_int(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_number);
	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static bool
tree_bool(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);
	return v != NULL && YAJL_IS_TRUE(v);
}

static void
read_net(yajl_val root, struct ctr_state *st)
{
	const char *vp[] = { "net_veth", NULL }, *dp[] = { "net_devices", NULL };
	yajl_val v = yajl_tree_get(root, vp, yajl_t_string);
	yajl_val d = yajl_tree_get(root, dp, yajl_t_object);

	st->net_veth = v ? xstrdup(YAJL_GET_STRING(v)) : NULL;
	if (d == NULL || d->u.object.len == 0)
		return;
	st->net_devices = xcalloc(d->u.object.len, sizeof(*st->net_devices));
	for (size_t i = 0; i < d->u.object.len; i++) {
		yajl_val x = d->u.object.values[i];
		if (!YAJL_IS_STRING(x))
			continue;
		st->net_devices[st->n_net_devices].key = xstrdup(d->u.object.keys[i]);
		st->net_devices[st->n_net_devices++].value = xstrdup(YAJL_GET_STRING(x));
	}
}

int
state_read(int dirfd, const char *id, struct ctr_state *st, struct brig_err *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	char ebuf[256];
	const char *annp[] = { "annotations", NULL };
	yajl_val root, ann;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	fd = openat(dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* A create still in progress has no state.json yet. */
		if (errno == ENOENT)
			return brig_err_set(err, 0, "container \"%s\" does not exist", id);
		return brig_err_set(err, errno, "read state of \"%s\"", id);
	}
	buf = xmalloc(STATE_MAX);
	n = read(fd, buf, STATE_MAX - 1);
	if (n < 0)
		return brig_err_set(err, errno, "read state of \"%s\"", id);
	buf[n] = '\0';
	root = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (root == NULL)
		return brig_err_set(err, 0, "state of \"%s\" is corrupt: %s", id, ebuf);
	st->id = tree_str(root, "id");
	st->pid = (pid_t) tree_int(root, "pid");
	st->start_time = (uint64_t) tree_int(root, "start_time");
	st->bundle = tree_str(root, "bundle");
	st->rootfs = tree_str(root, "rootfs");
	st->created = tree_str(root, "created");
	st->owner = (uid_t) tree_int(root, "owner");
	st->has_hooks = tree_bool(root, "has_hooks");
	st->has_cgroup = tree_bool(root, "has_cgroup");
	st->paused = tree_bool(root, "paused");
	st->vm_pid = (pid_t) tree_int(root, "vm_pid");
	st->cgroup_depth = (uint32_t) tree_int(root, "cgroup_depth");
	{
		const char *cp[] = { "cgroups_path", NULL };
		yajl_val v = yajl_tree_get(root, cp, yajl_t_string);
		st->cgroups_path = v ? xstrdup(YAJL_GET_STRING(v)) : NULL;
	}
	read_net(root, st);
	ann = yajl_tree_get(root, annp, yajl_t_object);
	if (ann != NULL && ann->u.object.len > 0) {
		size_t len = ann->u.object.len;
		st->annotations = xcalloc(len, sizeof(*st->annotations));
		for (size_t i = 0; i < len; i++) {
			yajl_val v = ann->u.object.values[i];
			st->annotations[i].key = xstrdup(ann->u.object.keys[i]);
			st->annotations[i].value = xstrdup(YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "");
		}
		st->n_annotations = len;
	}
	yajl_tree_free(root);
	return 0;
}

void
state_free(struct ctr_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroups_path);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	free(st->net_veth);
	for (size_t i = 0; i < st->n_net_devices; i++) {
		free(st->net_devices[i].key);
		free(st->net_devices[i].value);
	}
	free(st->net_devices);
	memset(st, 0, sizeof(*st));
}

void
state_refresh(int dirfd, struct ctr_state *st)
{
	struct stat sb;
	char pstate = '?';

	/* Gone, reused by another process, or an exited init not reaped
	 * yet (a zombie keeps its pid): stopped. */
	if (st->pid <= 0 || proc_stat(st->pid, &pstate) != st->start_time || pstate == 'Z' ||
	    pstate == 'X') {
		st->status = CTR_STOPPED;
		return;
	}
	if (st->paused)
		st->status = CTR_PAUSED;
	else if (fstatat(dirfd, "exec.fifo", &sb, AT_SYMLINK_NOFOLLOW) == 0)
		st->status = CTR_CREATED;
	else
		st->status = CTR_RUNNING;
}

const char *
state_status_name(enum ctr_status s)
{
	switch (s) {
	case CTR_CREATING:
		return "creating";
	case CTR_CREATED:
		return "created";
	case CTR_RUNNING:
		return "running";
	case CTR_PAUSED:
		return "paused";
	case CTR_STOPPED:
		return "stopped";
	default:
		return "unknown";
	}
}
