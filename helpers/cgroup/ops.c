/* ops.c - attach the init, freeze and thaw, list and signal the
 * container's processes.
 */
#include "helpers/cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/pidfd.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#define CG_RESOLVE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* Same check as brig-mount's (ipc/pidfd.c): we never move a pid we were
 * not given a handle on (a pid number alone could be reused). */
long
cg_verify_pidfd(int fd, struct brig_err *err)
{
	return ipc_pidfd_check(fd, "cgroup create", err);
}

/* Undo a partial attach: back into the cgroups the init came from, which
 * are brig's, and so ours (the helper is brig's child), so that the
 * cgroups just made can be removed. */
static void
move_back(struct cg_layout *l, unsigned n, const char *pid)
{
	for (unsigned i = 0; i < n; i++) {
		struct cg_hier back = l->h[i];
		const char *self = back.self ? back.self : "/";
		if (l->h[i].dirfd < 0)
			continue;
		back.dirfd = self[1] == '\0'
		                 ? fcntl(back.rootfd, F_DUPFD_CLOEXEC, 3)
		                 : sys_openat2(back.rootfd, self + 1,
		                               O_PATH | O_DIRECTORY | O_CLOEXEC, 0, CG_RESOLVE);
		if (back.dirfd >= 0) {
			struct brig_err ignored;
			cg_write(&back, "cgroup.procs", pid, &ignored);
			close(back.dirfd);
		}
	}
}

int
cg_attach(struct cg_layout *l, int pidfd, struct brig_err *err)
{
	long pid = cg_verify_pidfd(pidfd, err);
	char buf[32];

	if (pid < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%ld", pid);
	for (unsigned i = 0; i < l->n; i++)
		if (l->h[i].dirfd >= 0 && cg_write(&l->h[i], "cgroup.procs", buf, err) < 0) {
			move_back(l, i, buf);
			return brig_err_wrap(err, "move the container init into its cgroup");
		}
	/* Had it died meanwhile, the number might name another process now. */
	if (ipc_pidfd_pid(pidfd) != pid)
		return brig_err_set(err, ESRCH, "cgroup create: the container init exited");
	return 0;
}

static void
pause_ms(long ms)
{
	nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000}, NULL);
}

/* The hierarchy whose cgroup.freeze / freezer.state we use. */
static struct cg_hier *
freezer(struct cg_layout *l)
{
	struct cg_hier *h = cg_find(l, CG_FREEZER);

	if (h == NULL && l->pure_v2)
		h = cg_unified(l);
	return h;
}

static int
freeze_v1(struct cg_hier *h, bool freeze, struct brig_err *err)
{
	const char *want = freeze ? "FROZEN" : "THAWED";
	char cur[32];

	/* FREEZING can stall on a task in an uninterruptible sleep; runc
	 * rewrites FROZEN until the state settles.  About 5 s in all. */
	for (int i = 0; i < 500; i++) {
		if (cg_write(h, "freezer.state", want, err) < 0)
			return -1;
		if (cg_read(h, "freezer.state", cur, sizeof(cur)) < 0)
			return brig_err_set(err, errno, "%s: freezer.state", h->mnt);
		if (strncmp(cur, want, strlen(want)) == 0)
			return 0;
		pause_ms(10);
	}
	return brig_err_set(err, ETIMEDOUT, "%s: freezer.state stays %s", h->mnt, cur);
}

static int
freeze_v2(struct cg_hier *h, bool freeze, struct brig_err *err)
{
	uint64_t frozen = 0;

	if (cg_write(h, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
		return -1;
	for (int i = 0; i < 500; i++) {
		if (cg_read_key(h, "cgroup.events", "frozen", &frozen) < 0)
			return brig_err_set(err, errno, "%s: cgroup.events", h->mnt);
		if (frozen == (freeze ? 1u : 0u))
			return 0;
		pause_ms(10);
	}
	return brig_err_set(err, ETIMEDOUT, "%s: cgroup does not %s", h->mnt,
	                    freeze ? "freeze" : "thaw");
}

int
cg_freeze(struct cg_layout *l, bool freeze, struct brig_err *err)
{
	struct cg_hier *h = freezer(l);

	if (h == NULL)
		return brig_err_set(err, ENOTSUP, "no freezer for cgroup %s", l->path);
	return h->v2 ? freeze_v2(h, freeze, err) : freeze_v1(h, freeze, err);
}

static void
add_pid(struct cg_pids_reply *p, int32_t pid)
{
	if (p->n >= CGMSG_MAX_PIDS)
		return;
	/* Capacity: 16, then doubled each time n reaches a power of two. */
	if (p->n == 0 || (p->n >= 16 && (p->n & (p->n - 1)) == 0))
		p->pids = xrealloc(p->pids, (p->n ? p->n * 2 : 16) * sizeof(*p->pids));
	p->pids[p->n++] = pid;
}

/* cgroup.procs of DIRFD and of every cgroup below it: a container may
 * make its own sub-cgroups. */
static int
collect(int dirfd, struct cg_pids_reply *p, unsigned depth)
{
	char buf[65536];
	DIR *d;
	struct dirent *e;
	int dfd;

	if (cg_read_at(dirfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	for (char *s = buf; *s;) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		if (v > 0)
			add_pid(p, (int32_t) v);
		s = end + (*end == '\n');
	}
	if (depth >= CGMSG_MAX_DEPTH)
		return 0;
	dfd = sys_openat2(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, CG_RESOLVE);
	if (dfd < 0 || (d = fdopendir(dfd)) == NULL) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		int sub;
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sub = sys_openat2(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0,
		                  CG_RESOLVE);
		if (sub < 0)
			continue;
		collect(sub, p, depth + 1);
		close(sub);
	}
	closedir(d);
	return 0;
}

static struct cg_hier *
procs_hier(struct cg_layout *l)
{
	struct cg_hier *h = freezer(l);

	if (h == NULL)
		h = cg_find(l, CG_PIDS | CG_MEMORY | CG_CPU);
	for (unsigned i = 0; h == NULL && i < l->n; i++)
		if (l->h[i].dirfd >= 0)
			h = &l->h[i];
	return h;
}

int
cg_pids(struct cg_layout *l, struct cg_pids_reply *p, struct brig_err *err)
{
	struct cg_hier *h = procs_hier(l);

	if (h == NULL || collect(h->dirfd, p, 0) < 0)
		return brig_err_set(err, errno ? errno : ENOENT, "cgroup %s: cgroup.procs",
		                    l->path);
	return 0;
}

int
cg_kill(struct cg_layout *l, int sig, struct brig_err *err)
{
	struct cg_hier *u = cg_unified(l);
	struct cg_pids_reply p = {0};
	bool frozen;
	int ret = 0;

	/* cgroup.kill: one write, no race with forks (pure v2, kernel 5.14+). */
	if (sig == SIGKILL && l->pure_v2 && u != NULL) {
		struct brig_err tmp;
		if (cg_write(u, "cgroup.kill", "1", &tmp) == 0)
			return 0;
	}
	/* Frozen, the processes can neither fork nor exit while we signal
	 * them by number: the pids we read stay theirs. */
	frozen = freezer(l) != NULL && cg_freeze(l, true, err) == 0;
	if (cg_pids(l, &p, err) < 0)
		ret = -1;
	for (uint32_t i = 0; ret == 0 && i < p.n; i++)
		if (kill(p.pids[i], sig) < 0 && errno != ESRCH)
			ret = brig_err_set(err, errno, "signal %d to pid %d", sig, p.pids[i]);
	if (frozen && cg_freeze(l, false, ret < 0 ? &(struct brig_err){0} : err) < 0 && ret == 0)
		ret = -1;
	cgmsg_pids_free(&p);
	return ret;
}
