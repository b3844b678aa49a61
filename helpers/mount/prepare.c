/* prepare.c - everything brig-mount does while it still sees the host:
 * check the pidfd, open the host objects the plan names, then join the
 * container's namespaces.
 *
 * Privilege: host root (or root of the rootless user's namespace) with the
 * capability set main() keeps.  Host paths are looked up only here, before
 * setns: a bind source is a path the front was given by the user, and it
 * must mean what it means on the host, not what a container could make of
 * it later.
 */
#include "helpers/mount/mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/pidfd.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define HOST_CGROUP "/sys/fs/cgroup"

void
mnt_state_init(struct mnt_state *s)
{
	memset(s, 0, sizeof(*s));
	s->rootfs_host = -1;
	s->rootfs_ct = -1;
	s->rootfd = -1;
	s->devnull = -1;
}

static void
close_all(int *fds, uint32_t n)
{
	if (fds == NULL)
		return;
	for (uint32_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

void
mnt_state_free(struct mnt_state *s)
{
	close_all(s->pre, s->plan.n_mounts);
	close_all(s->dev_trees, s->plan.n_devices);
	for (unsigned i = 0; i < s->n_ctls; i++) {
		free(s->ctls[i].name);
		free(s->ctls[i].link);
		if (s->ctls[i].tree >= 0)
			close(s->ctls[i].tree);
	}
	free(s->ctls);
	if (s->rootfs_host >= 0)
		close(s->rootfs_host);
	if (s->rootfs_ct >= 0)
		close(s->rootfs_ct);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->devnull >= 0)
		close(s->devnull);
	mountplan_free(&s->plan);
	mnt_state_init(s);
}

int
mnt_verify_pidfd(int fd, struct brig_err *err)
{
	/* setns below cannot be pointed at an arbitrary namespace file. */
	return ipc_pidfd_check(fd, "mount plan", err) < 0 ? -1 : 0;
}

static int
open_binds(struct mnt_state *s, struct brig_err *err)
{
	const struct mount_plan *p = &s->plan;

	for (uint32_t i = 0; i < p->n_mounts; i++) {
		const struct mp_mount *m = &p->mounts[i];
		unsigned rec = m->kind == MP_RBIND ? AT_RECURSIVE : 0;
		struct mount_attr attr = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};

		if (m->kind == MP_FS)
			continue;
		s->pre[i] =
		    open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
		if (s->pre[i] < 0)
			return brig_err_set(err, errno, "mount %s: source %s", m->dest, m->source);
		/* Attributes go on while the tree is detached: nothing can see
		 * it half-configured. */
		if ((attr.attr_set | attr.attr_clr) &&
		    mount_setattr(s->pre[i], "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0)
			return brig_err_set(err, errno, "mount %s: mount_setattr", m->dest);
	}
	return 0;
}

/* sysfs belongs to a network namespace: in a user namespace (the
 * container's or the one brig runs in) sharing a network namespace it does
 * not own, it cannot be mounted, so the container gets the
 * host's /sys, recursively bound, as runc and crun give it. */
static int
open_sysfs_fallback(struct mnt_state *s, struct brig_err *err)
{
	const struct mount_plan *p = &s->plan;

	bool userns = (p->ns_flags & CLONE_NEWUSER) || (p->flags & MPLAN_NESTED_USERNS);

	if (!userns || (p->ns_flags & CLONE_NEWNET))
		return 0;
	for (uint32_t i = 0; i < p->n_mounts; i++) {
		const struct mp_mount *m = &p->mounts[i];
		struct mount_attr attr = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};

		if (m->kind != MP_FS || strcmp(m->fstype, "sysfs") != 0)
			continue;
		s->pre[i] =
		    open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (s->pre[i] < 0)
			return brig_err_set(err, errno, "mount %s: bind of the host's /sys",
			                    m->dest);
		if ((attr.attr_set | attr.attr_clr) &&
		    mount_setattr(s->pre[i], "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		                  sizeof(attr)) < 0)
			return brig_err_set(err, errno, "mount %s: mount_setattr", m->dest);
	}
	return 0;
}

/* Device nodes are bound from the host when asked, and always in a user
 * namespace (ours or the one brig runs in), where mknod is refused. */
static int
open_devices(struct mnt_state *s, struct brig_err *err)
{
	const struct mount_plan *p = &s->plan;
	bool asked = p->flags & (MPLAN_BIND_DEVICES | MPLAN_NESTED_USERNS);

	if (!asked && !(p->ns_flags & CLONE_NEWUSER))
		return 0;
	for (uint32_t i = 0; i < p->n_devices; i++) {
		const char *path = p->devices[i].path;

		s->dev_trees[i] = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (s->dev_trees[i] < 0)
			return brig_err_set(err, errno, "device %s: host node %s", path, path);
	}
	return 0;
}

static bool
wants_v1_cgroup(const struct mount_plan *p)
{
	for (uint32_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].kind == MP_FS && strcmp(p->mounts[i].fstype, "cgroup") == 0)
			return true;
	return false;
}

/* Does the hierarchy list CTLS of a /proc/PID/cgroup line name the
 * /sys/fs/cgroup entry NAME?  "memory", "cpu,cpuacct" as they are;
 * "name=systemd" is "systemd"; "" (cgroup2) is "unified" of the hybrid
 * layout. */
static bool
hierarchy_is(const char *ctls, size_t len, const char *name)
{
	if (len == 0)
		return strcmp(name, "unified") == 0;
	if (len > 5 && strncmp(ctls, "name=", 5) == 0) {
		ctls += 5;
		len -= 5;
	}
	return strlen(name) == len && strncmp(ctls, name, len) == 0;
}

/* The init's cgroup in hierarchy NAME, from /proc/PID/cgroup (written by
 * the kernel; the init has entered its cgroups before it asks for the
 * mounts), without the leading '/': "" for the root.  False when PID is
 * unknown or the hierarchy is not listed. */
static bool
init_cgroup(long pid, const char *name, char *out, size_t outlen)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *ctls = strchr(line, ':'), *cg;
		size_t n;
		if (ctls == NULL || (cg = strchr(++ctls, ':')) == NULL || cg[1] != '/')
			continue;
		if (!hierarchy_is(ctls, (size_t) (cg - ctls), name))
			continue;
		n = strcspn(cg + 2, "\n");
		if (n < outlen) {
			memcpy(out, cg + 2, n);
			out[n] = '\0';
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* A clone of the container's own cgroup directory in hierarchy NAME, as
 * runc binds it (the container sees its limits at /sys/fs/cgroup/NAME and
 * nothing of the host's tree); the hierarchy's root when the init's
 * cgroup there is not known. */
static int
open_controller(int dirfd, const char *name, long pid)
{
	cleanup_close int hier = -1;
	cleanup_close int dir = -1;
	char sub[PATH_MAX];

	if (!init_cgroup(pid, name, sub, sizeof(sub)) || sub[0] == '\0')
		return open_tree(dirfd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	hier = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (hier < 0)
		return -1;
	dir = sys_openat2(hier, sub, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
	                  RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (dir < 0)
		return -1;
	return open_tree(dir, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
}

static int
add_controller(struct mnt_state *s, int dirfd, const struct dirent *de, struct brig_err *err)
{
	struct mnt_cgroup_ctl *c;
	char link[256];
	ssize_t n = -1;

	if (de->d_type == DT_LNK) {
		n = readlinkat(dirfd, de->d_name, link, sizeof(link) - 1);
		if (n < 0 || memchr(link, '/', (size_t) n) != NULL)
			return 0; /* not a controller alias: leave it out */
		link[n] = '\0';
	} else if (de->d_type != DT_DIR) {
		return 0;
	}
	s->ctls = xrealloc(s->ctls, (s->n_ctls + 1) * sizeof(*s->ctls));
	c = &s->ctls[s->n_ctls++];
	c->name = xstrdup(de->d_name);
	c->link = n >= 0 ? xstrdup(link) : NULL;
	c->tree = -1;
	if (n >= 0)
		return 0;
	c->tree = open_controller(dirfd, de->d_name, s->init_pid);
	if (c->tree < 0)
		return brig_err_set(err, errno, "cgroup controller %s/%s", HOST_CGROUP, de->d_name);
	return 0;
}

/* A "cgroup" mount: cgroup2 when the host is unified; otherwise a tmpfs
 * holding a bind of the container's cgroup directory in each host
 * hierarchy (see mounts.c). */
static int
open_cgroups(struct mnt_state *s, struct brig_err *err)
{
	struct statfs sfs;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (!wants_v1_cgroup(&s->plan))
		return 0;
	if (statfs(HOST_CGROUP, &sfs) < 0)
		return brig_err_set(err, errno, "%s", HOST_CGROUP);
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		s->cgroup2 = true;
		return 0;
	}
	d = opendir(HOST_CGROUP);
	if (d == NULL)
		return brig_err_set(err, errno, "%s", HOST_CGROUP);
	while (ret == 0 && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			ret = add_controller(s, dirfd(d), de, err);
	closedir(d);
	return ret;
}

static int *
fd_array(uint32_t n)
{
	int *a = xcalloc(n ? n : 1, sizeof(int));

	for (uint32_t i = 0; i < n; i++)
		a[i] = -1;
	return a;
}

int
mnt_open_rootfs(struct mnt_state *s, struct brig_err *err)
{
	const struct mount_plan *p = &s->plan;

	s->rootfs_host = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfs_host < 0)
		return brig_err_set(err, errno, "rootfs %s", p->rootfs);
	s->pre = fd_array(p->n_mounts);
	s->dev_trees = fd_array(p->n_devices);
	return 0;
}

/* Bind sources, the host's /sys and device nodes, cgroup directories.
 * With host privilege this runs before setns; rootless (no capability
 * outside) it runs right after, in the container's new mount namespace:
 * a copy of the user's own, not yet touched by the container, where the
 * user is root and open_tree is allowed (main.c). */
int
mnt_open_host(struct mnt_state *s, struct brig_err *err)
{
	const struct mount_plan *p = &s->plan;

	if (open_binds(s, err) < 0 || open_sysfs_fallback(s, err) < 0 || open_devices(s, err) < 0 ||
	    open_cgroups(s, err) < 0)
		return -1;
	if (p->n_masked > 0) {
		s->devnull = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (s->devnull < 0)
			return brig_err_set(err, errno, "maskedPaths: host /dev/null");
	}
	return 0;
}

/* ---- procfs inside the container's pid namespace ---- */

struct proc_job {
	struct mnt_state *s;
	int errnum;
};

/* Runs in a CLONE_VM|CLONE_VFORK|CLONE_FILES child, the first process we
 * make after setns(CLONE_NEWPID): proc takes the pid namespace of the
 * process calling fsopen, so only a child can create the container's
 * procfs.  The fds it opens land in our shared fd table. */
static int
proc_child(void *arg)
{
	struct proc_job *job = arg;
	const struct mount_plan *p = &job->s->plan;

	for (uint32_t i = 0; i < p->n_mounts; i++) {
		const struct mp_mount *m = &p->mounts[i];
		if (m->kind != MP_FS || strcmp(m->fstype, "proc") != 0)
			continue;
		job->s->pre[i] = fsopen("proc", FSOPEN_CLOEXEC);
		if (job->s->pre[i] < 0) {
			job->errnum = errno;
			_exit(1);
		}
	}
	_exit(0);
}

static bool
plan_has_proc(const struct mount_plan *p)
{
	for (uint32_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].kind == MP_FS && strcmp(p->mounts[i].fstype, "proc") == 0)
			return true;
	return false;
}

static int
open_procfs(struct mnt_state *s, struct brig_err *err)
{
	const size_t stack_size = 64 * 1024;
	cleanup_free char *stack = xmalloc(stack_size);
	struct proc_job job = {.s = s, .errnum = 0};
	int status = 0;
	pid_t pid;

	pid = clone(proc_child, stack + stack_size, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD,
	            &job);
	if (pid < 0)
		return brig_err_set(err, errno,
		                    "mount /proc: start a process in the container's "
		                    "pid namespace");
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (job.errnum != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return brig_err_set(err, job.errnum ? job.errnum : ECHILD, "mount proc: fsopen");
	return 0;
}

static bool
same_inode(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The rootfs as the container's mount namespace sees it.  Looked up with
 * our host ids still in place: in a user namespace the container's root
 * may not be able to search the directories above a root-owned bundle.
 * It must be the directory the host lookup found, or someone swapped it. */
static int
open_rootfs(struct mnt_state *s, struct brig_err *err)
{
	const char *rootfs = s->plan.rootfs;

	s->rootfs_ct = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfs_ct < 0)
		return brig_err_set(err, errno, "rootfs %s", rootfs);
	if (!same_inode(s->rootfs_ct, s->rootfs_host))
		return brig_err_set(err, EXDEV, "rootfs %s changed while mounting", rootfs);
	return 0;
}

int
mnt_enter(struct mnt_state *s, int pidfd, struct brig_err *err)
{
	const struct mount_plan *p = &s->plan;

	/* One setns joins every namespace at once: the kernel enters the user
	 * namespace first and checks the rest against the init as one set, so
	 * no step depends on capabilities a previous join changed.  The pid
	 * namespace applies to our children only (see open_procfs). */
	if (setns(pidfd, (int) p->ns_flags) < 0)
		return brig_err_set(err, errno, "join the container's namespaces (setns)");
	s->in_userns = p->ns_flags & CLONE_NEWUSER;
	if (chdir("/") < 0)
		return brig_err_set(err, errno, "chdir / in the container's mount namespace");
	if (open_rootfs(s, err) < 0 || mnt_caps_joined(s->in_userns, err) < 0)
		return -1;
	if (!(p->ns_flags & CLONE_NEWPID))
		return 0;
	if (plan_has_proc(p))
		return open_procfs(s, err);
	return 0;
}
