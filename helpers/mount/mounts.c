/* mounts.c - the rootfs bind and the plan's mounts, with the new mount API.
 *
 * Privilege: inside the container's user and mount namespaces (root there),
 * after prepare.c.  Destinations are resolved from rootfd in root
 * (lib/path.h); sources are fds opened on the host side or new
 * filesystems, so no string path of the host is looked up here except the
 * rootfs itself, which is checked against the fd opened on the host.
 */
#include "helpers/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/path.h"
#include "lib/xalloc.h"

/* What fsmount accepts of the plan's attributes. */
#define FSMOUNT_ATTRS                                                                              \
	(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |            \
	 MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW)

int
mnt_attach(int tree, int destfd, const char *what, struct brig_err *err)
{
	if (move_mount(tree, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return brig_err_set(err, errno, "%s: move_mount", what);
	return 0;
}

static int
set_propagation(int tree, uint32_t prop, bool recursive, const char *what, struct brig_err *err)
{
	struct mount_attr attr = {.propagation = prop};

	if (prop == 0)
		return 0;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
	                  sizeof(attr)) < 0)
		return brig_err_set(err, errno, "%s: set propagation", what);
	return 0;
}

/* ---- the rootfs ---- */

static uint64_t
mount_id(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return 0;
	return stx.stx_mnt_id;
}

/* The root of the mount holding FD's directory: climb ".." until the next
 * step would leave that mount (or stays put, at "/"). */
static int
mount_root_of(int dirfd)
{
	int fd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	uint64_t id = fd >= 0 ? mount_id(fd) : 0;

	while (fd >= 0 && id != 0) {
		int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct stat a, b;

		if (up < 0 || mount_id(up) != id || fstat(up, &a) < 0 || fstat(fd, &b) < 0 ||
		    (a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
			if (up >= 0)
				close(up);
			return fd;
		}
		close(fd);
		fd = up;
	}
	return fd;
}

static int
make_private(int dirfd, const char *what, struct brig_err *err)
{
	struct mount_attr attr = {.propagation = MS_PRIVATE};
	cleanup_close int root = mount_root_of(dirfd);

	if (root < 0 || mount_setattr(root, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return brig_err_set(err, errno, "rootfs: make %s private", what);
	return 0;
}

/* pivot_root refuses shared mounts at the new root, its parent and the
 * old root.  As runc does, those are made private before the rootfs is
 * cloned (a clone of a shared mount would join its peer group); the
 * mounts below keep the shared propagation asked for. */
static int
unshare_pivot_mounts(int rootfs_ct, struct brig_err *err)
{
	cleanup_close int slash = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int parent = openat(rootfs_ct, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (slash < 0 || parent < 0)
		return brig_err_set(err, errno, "rootfs: open the mounts above it");
	if (make_private(slash, "the old root", err) < 0 ||
	    make_private(parent, "the parent mount", err) < 0 ||
	    make_private(rootfs_ct, "its mount", err) < 0)
		return -1;
	return 0;
}

int
mnt_root_setup(struct mnt_state *s, struct brig_err *err)
{
	const struct mount_plan *p = &s->plan;
	uint32_t prop = p->root_propagation ? p->root_propagation : MS_PRIVATE | MS_REC;
	cleanup_close int tree = -1;

	/* Nothing we mount may propagate back to the host (runc: rprivate
	 * unless linux.rootfsPropagation says otherwise).  Before the clone
	 * below, which would otherwise be a peer of the host's mount. */
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return brig_err_set(err, errno, "rootfs propagation");
	if ((prop & MS_SHARED) && unshare_pivot_mounts(s->rootfs_ct, err) < 0)
		return -1;
	tree = open_tree(s->rootfs_ct, "",
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return brig_err_set(err, errno, "rootfs %s: open_tree", p->rootfs);
	if (mnt_attach(tree, s->rootfs_ct, "rootfs: bind onto itself", err) < 0)
		return -1;
	/* The attached tree's fd is the rootfs mount's root: our anchor. */
	s->rootfd = steal_fd(&tree);
	return 0;
}

/* ---- filesystems ---- */

/* Append the fs context's last error line ("e tmpfs: Bad value for
 * 'size'") to ERR: the kernel's words say more than EINVAL. */
static void
append_fs_log(int fsfd, struct brig_err *err)
{
	char buf[512], last[512] = "";
	ssize_t n;

	while ((n = read(fsfd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (n > 2 && (buf[0] == 'e' || buf[0] == 'w') && buf[1] == ' ')
			snprintf(last, sizeof(last), "%s", buf + 2);
	}
	if (last[0] != '\0') {
		size_t used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used, " (%s)", last);
	}
}

static int
fs_fail(int fsfd, int errnum, struct brig_err *err, const char *what, const char *step)
{
	brig_err_set(err, errnum, "%s: %s", what, step);
	append_fs_log(fsfd, err);
	return -1;
}

/* devpts's gid= names a group (tty, 5) that a rootless user namespace
 * often does not map; the kernel says EINVAL.  crun and runc then mount it
 * without the option: the ptys keep the opener's group. */
static bool
skippable_option(const char *fstype, const char *key, int errnum)
{
	return errnum == EINVAL && strcmp(fstype, "devpts") == 0 && strcmp(key, "gid") == 0;
}

static int
fs_options(int fsfd, const char *fstype, const char *data, const char *what,
           struct brig_err *err)
{
	cleanup_free char *copy = xstrdup(data);
	char *save = NULL;

	for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		int ret;

		if (eq != NULL) {
			*eq = '\0';
			ret = fsconfig(fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
			if (ret < 0 && skippable_option(fstype, opt, errno))
				ret = 0;
			*eq = '=';
		} else {
			ret = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
		}
		if (ret < 0) {
			char step[IPC_STR_MAX + 16];
			snprintf(step, sizeof(step), "fsconfig %s", opt);
			return fs_fail(fsfd, errno, err, what, step);
		}
	}
	return 0;
}

int
mnt_fs_create(int fsfd, const char *fstype, const char *source, const char *data, unsigned attr,
              const char *what, struct brig_err *err)
{
	cleanup_close int fd = fsfd >= 0 ? fsfd : fsopen(fstype, FSOPEN_CLOEXEC);
	int mnt;

	if (fd < 0)
		return brig_err_set(err, errno, "%s: fsopen", what);
	if (fsconfig(fd, FSCONFIG_SET_STRING, "source", source ? source : fstype, 0) < 0)
		return fs_fail(fd, errno, err, what, "fsconfig source");
	if (data != NULL && fs_options(fd, fstype, data, what, err) < 0)
		return -1;
	if (fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(fd, errno, err, what, "create the filesystem");
	mnt = fsmount(fd, FSMOUNT_CLOEXEC, attr & FSMOUNT_ATTRS);
	if (mnt < 0)
		return fs_fail(fd, errno, err, what, "fsmount");
	return mnt;
}

/* In a user namespace these filesystems need the matching namespace to
 * be owned by it; EPERM alone would not tell the user that. */
static void
explain_eperm(const struct mnt_state *s, const struct mp_mount *m, struct brig_err *err)
{
	static const struct {
		const char *fs, *ns;
	} needs[] = {{"sysfs", "network"}, {"proc", "pid"}, {"mqueue", "ipc"}};

	if (err->errnum != EPERM || !s->in_userns)
		return;
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (strcmp(m->fstype, needs[i].fs) == 0) {
			size_t used = strlen(err->msg);
			snprintf(err->msg + used, sizeof(err->msg) - used,
			         " (in a user namespace, %s needs a new %s namespace for the "
			         "container)",
			         needs[i].fs, needs[i].ns);
			return;
		}
	}
	if (!s->host_priv) {
		size_t used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used,
		         " (rootless: mounting %s needs host privilege; a user namespace may "
		         "mount only tmpfs, proc, sysfs, devpts, mqueue, overlay, fuse and binds)",
		         m->fstype);
	}
}

/* ---- cgroup on a v1 or hybrid host ---- */

static int
cgroup_controller(const struct mp_mount *m, int tmpfs, struct mnt_cgroup_ctl *c, const char *what,
                  struct brig_err *err)
{
	struct mount_attr attr = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};
	cleanup_close int dir = -1;

	if (c->link != NULL) {
		if (symlinkat(c->link, tmpfs, c->name) < 0 && errno != EEXIST)
			return brig_err_set(err, errno, "%s: symlink %s", what, c->name);
		return 0;
	}
	if (mkdirat(tmpfs, c->name, 0755) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "%s: mkdir %s", what, c->name);
	dir = openat(tmpfs, c->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return brig_err_set(err, errno, "%s: %s", what, c->name);
	if ((attr.attr_set | attr.attr_clr) &&
	    mount_setattr(c->tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return brig_err_set(err, errno, "%s: %s: mount_setattr", what, c->name);
	if (mnt_attach(c->tree, dir, what, err) < 0)
		return -1;
	close(c->tree);
	c->tree = -1;
	return 0;
}

/* runc's layout for cgroup v1: a tmpfs with one directory per controller,
 * here a bind of the container's own cgroup in that hierarchy (prepare.c:
 * open_controller; the container sees its limits and nothing above), and
 * the aliases (cpu -> cpu,cpuacct) as symlinks.  Read-only as asked,
 * applied to the tmpfs once it is filled. */
static int
cgroup_v1(struct mnt_state *s, const struct mp_mount *m, int destfd, const char *what,
          struct brig_err *err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	cleanup_close int tmpfs = -1;

	tmpfs = mnt_fs_create(-1, "tmpfs", "tmpfs", "mode=755",
	                      (unsigned) (m->attr_set & ~MOUNT_ATTR_RDONLY), what, err);
	if (tmpfs < 0 || mnt_attach(tmpfs, destfd, what, err) < 0)
		return -1;
	for (unsigned i = 0; i < s->n_ctls; i++)
		if (cgroup_controller(m, tmpfs, &s->ctls[i], what, err) < 0)
			return -1;
	if ((m->attr_set & MOUNT_ATTR_RDONLY) &&
	    mount_setattr(tmpfs, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return brig_err_set(err, errno, "%s: make read-only", what);
	return set_propagation(tmpfs, m->propagation, m->prop_recursive, what, err);
}

/* ---- one mount of the plan ---- */

static int
do_fs(struct mnt_state *s, uint32_t i, int destfd, const char *what, struct brig_err *err)
{
	const struct mp_mount *m = &s->plan.mounts[i];
	const char *fstype = m->fstype;
	cleanup_close int mnt = -1;

	if (strcmp(fstype, "cgroup") == 0) {
		if (!s->cgroup2)
			return cgroup_v1(s, m, destfd, what, err);
		fstype = "cgroup2";
	}
	if (strcmp(fstype, "sysfs") == 0 && s->pre[i] >= 0) {
		/* the host's /sys, bound (prepare.c: open_sysfs_fallback) */
		mnt = steal_fd(&s->pre[i]);
		return mnt_attach(mnt, destfd, what, err);
	}
	mnt =
	    mnt_fs_create(s->pre[i], fstype, m->source, m->data, (unsigned) m->attr_set, what, err);
	s->pre[i] = -1; /* taken by mnt_fs_create */
	if (mnt < 0) {
		explain_eperm(s, m, err);
		return -1;
	}
	if (mnt_attach(mnt, destfd, what, err) < 0)
		return -1;
	return set_propagation(mnt, m->propagation, m->prop_recursive, what, err);
}

static int
do_bind(struct mnt_state *s, uint32_t i, const char *what, struct brig_err *err)
{
	const struct mp_mount *m = &s->plan.mounts[i];
	cleanup_close int destfd = -1;
	cleanup_close int tree = steal_fd(&s->pre[i]);
	struct stat st;

	if (fstat(tree, &st) < 0)
		return brig_err_set(err, errno, "%s: source %s", what, m->source);
	/* A file is bound onto an empty file, a directory onto a directory. */
	destfd = path_ensure_in_root(s->rootfd, m->dest, S_ISDIR(st.st_mode), err);
	if (destfd < 0)
		return brig_err_wrap(err, "%s", what);
	if (mnt_attach(tree, destfd, what, err) < 0)
		return -1;
	return set_propagation(tree, m->propagation, m->prop_recursive, what, err);
}

int
mnt_do_mounts(struct mnt_state *s, struct brig_err *err)
{
	for (uint32_t i = 0; i < s->plan.n_mounts; i++) {
		const struct mp_mount *m = &s->plan.mounts[i];
		char what[IPC_STR_MAX + 64];
		cleanup_close int destfd = -1;

		if (m->kind != MP_FS) {
			snprintf(what, sizeof(what), "mount %s", m->dest);
			if (do_bind(s, i, what, err) < 0)
				return -1;
			continue;
		}
		snprintf(what, sizeof(what), "mount %s (%s)", m->dest, m->fstype);
		destfd = path_ensure_in_root(s->rootfd, m->dest, true, err);
		if (destfd < 0)
			return brig_err_wrap(err, "%s", what);
		if (do_fs(s, i, destfd, what, err) < 0)
			return -1;
	}
	return 0;
}
