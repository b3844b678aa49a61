/* user.c - brig-cgroup acting for an unprivileged user (a privileged
 * install: setuid root or file capabilities, meson -Dhelper_privilege).
 *
 * Privilege: as main.c's; used for a user only as far as the policy's
 * cgroup.limit rule for that user allows.  The user is who the kernel
 * says is at the other end of the socket (SO_PEERCRED, SO_PEERGROUPS),
 * never what a message says.  For such a caller:
 *
 *   - the container's cgroup is <root>/<uid>/<name> in every hierarchy,
 *     <root> from the rule's root=, <name> the last component of the
 *     requested path (or the container id); the rest of the path is
 *     ignored, so no request can name a cgroup outside the user's subtree
 *     and no reply can tell whether one exists;
 *   - CREATE must make the leaf (an existing one is refused), with
 *     creates serialised by a lock so that two racing for one name end
 *     with exactly one winner; the init's pidfd must name a live process
 *     whose real and effective uid are the caller's; max= bounds the
 *     number of cgroups under <root>/<uid>;
 *   - resources are limited to a known set, each within the rule's
 *     memory=, pids= and cpus=; on CREATE a rule's memory= and pids= (and
 *     cpus=) apply when the config asks none.
 * Directories are made by us, root-owned, mode 0755: the user never gets
 * to write a cgroup file.
 */
#include "helpers/cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipc/peer.h"
#include "ipc/pidfd.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#ifndef BRIG_POLICY_PATH
#define BRIG_POLICY_PATH POLICY_PATH
#endif

#define CG_MOUNT_PREFIX "/sys/fs/cgroup"
#define CPU_PERIOD_DEFAULT 100000u

/* The resources a user may set: each only restricts the container itself.
 * Not allowed: real-time budget, idle, disabling the OOM killer,
 * use_hierarchy, blkio weights (a share taken from others), net_cls and
 * net_prio (tc classes and priorities are the host's), unified files. */
#define USER_MEMORY_OK (CGM_LIMIT | CGM_RESERVATION | CGM_SWAP | CGM_KERNEL | CGM_KERNEL_TCP | \
                        CGM_SWAPPINESS | CGM_CHECK_BEFORE_UPDATE)
#define USER_CPU_OK (CGC_SHARES | CGC_QUOTA | CGC_PERIOD | CGC_BURST)

int
cg_user_init(struct cg_user *u, bool privileged, struct brig_err *err)
{
	memset(u, 0, sizeof(*u));
	if (ipc_peer_subject(IPC_HELPER_FD, &u->who, err) < 0)
		return -1;
	u->active = privileged && u->who.uid != 0;
	if (u->active && policy_subject_add_account_groups(&u->who, NULL, NULL, err) < 0)
		return -1;
	return 0;
}

void
cg_user_free(struct cg_user *u)
{
	ipc_peer_subject_free(&u->who);
	free(u->root);
	u->root = NULL;
}

static bool
name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 255 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("_.-", s[i]) != NULL))
			return false;
	return true;
}

/* root= as a cgroup path: "/brig-users", or the same below the cgroup
 * mount ("/sys/fs/cgroup/brig-users").  Absolute, every component a plain
 * name. */
static int
parse_root(const char *v, char **out, struct brig_err *err)
{
	const char *p = v;
	size_t pl = strlen(CG_MOUNT_PREFIX);

	if (strncmp(p, CG_MOUNT_PREFIX, pl) == 0 && p[pl] == '/')
		p += pl;
	if (p[0] != '/' || p[1] == '\0')
		return brig_err_set(err, EINVAL, "policy: cgroup.limit root=%s: not a cgroup path", v);
	for (const char *c = p + 1; *c;) {
		size_t n = strcspn(c, "/");
		if (!name_ok(c, n))
			return brig_err_set(err, EINVAL, "policy: cgroup.limit root=%s: bad component",
			                    v);
		c += n + (c[n] == '/');
	}
	if (p[strlen(p) - 1] == '/')
		return brig_err_set(err, EINVAL, "policy: cgroup.limit root=%s: trailing /", v);
	*out = xstrdup(p);
	return 0;
}

static int
parse_u64(const char *v, const char *key, uint64_t *out, struct brig_err *err)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || v[0] == '-')
		return brig_err_set(err, EINVAL, "policy: cgroup.limit %s=%s: not a number", key, v);
	return 0;
}

/* cpus= as a decimal number of CPUs ("1.5"), kept in millicpus. */
static int
parse_cpus(const char *v, uint64_t *milli, struct brig_err *err)
{
	uint64_t whole = 0, frac = 0, scale = 100;
	const char *c = v;

	if (*c < '0' || *c > '9')
		goto bad;
	for (; *c >= '0' && *c <= '9'; c++)
		if ((whole = whole * 10 + (uint64_t) (*c - '0')) > 1000000)
			goto bad;
	if (*c == '.')
		for (c++; *c >= '0' && *c <= '9'; c++, scale /= 10)
			frac += scale * (uint64_t) (*c - '0');
	if (*c != '\0' || whole * 1000 + frac == 0)
		goto bad;
	*milli = whole * 1000 + frac;
	return 0;
bad:
	return brig_err_set(err, EINVAL, "policy: cgroup.limit cpus=%s: not a number of CPUs", v);
}

static int
read_limits(struct cg_user *u, const struct policy_rule *r, struct brig_err *err)
{
	const char *root = policy_limit(r, "root"), *v;

	if (root == NULL)
		return brig_err_set(err, EPERM, "policy line %u: cgroup.limit without root=", r->line);
	if (parse_root(root, &u->root, err) < 0)
		return -1;
	if ((v = policy_limit(r, "memory")) != NULL) {
		if (policy_parse_size(v, &u->memory) < 0 || u->memory == 0)
			return brig_err_set(err, EINVAL, "policy: cgroup.limit memory=%s", v);
		u->has_memory = true;
	}
	if ((v = policy_limit(r, "pids")) != NULL) {
		if (parse_u64(v, "pids", &u->pids, err) < 0)
			return -1;
		u->has_pids = true;
	}
	if ((v = policy_limit(r, "cpus")) != NULL) {
		if (parse_cpus(v, &u->millicpus, err) < 0)
			return -1;
		u->has_cpus = true;
	}
	if ((v = policy_limit(r, "max")) != NULL) {
		if (parse_u64(v, "max", &u->max, err) < 0)
			return -1;
		u->has_max = true;
	}
	return 0;
}

/* The policy is read afresh for every request: an edit takes effect at
 * once, and nothing of it is kept between requests. */
static int
decide(struct cg_user *u, struct brig_err *err)
{
	struct policy p;
	struct policy_decision d;
	int ret;

	memset(&p, 0, sizeof(p));
	if (policy_load(BRIG_POLICY_PATH, NULL, NULL, &p, err) < 0)
		return brig_err_wrap(err, "cgroup for uid %u: refused", (unsigned) u->who.uid);
	policy_decide(&p, &u->who, POLICY_CGROUP_LIMIT, &d);
	if (!d.allow)
		ret = d.rule ? brig_err_set(err, EPERM, "cgroup for uid %u: denied by %s line %u",
		                            (unsigned) u->who.uid, BRIG_POLICY_PATH, d.rule->line)
		             : brig_err_set(err, EPERM,
		                            "cgroup for uid %u: no " POLICY_CGROUP_LIMIT
		                            " line in %s allows it",
		                            (unsigned) u->who.uid, BRIG_POLICY_PATH);
	else if (d.rule == NULL)
		ret = brig_err_set(err, EPERM, "cgroup for uid %u: no rule", (unsigned) u->who.uid);
	else
		ret = read_limits(u, d.rule, err);
	policy_free(&p);
	return ret;
}

/* <root>/<uid>/<name>: the only cgroup a user's request can name. */
static int
rewrite_target(struct cg_user *u, struct cg_target *t, struct brig_err *err)
{
	const char *path = t->path ? t->path : t->id;
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *full;

	if (!name_ok(name, strlen(name)))
		return brig_err_set(err, EINVAL,
		                    "cgroupsPath: the last component must be a name of "
		                    "[A-Za-z0-9_.-] (unprivileged caller)");
	full = xasprintf("%s/%u/%s", u->root, (unsigned) u->who.uid, name);
	free(t->path);
	t->path = full;
	/* Only the leaf is ever removed: <root>/<uid> stays. */
	if (t->created_depth > 1)
		t->created_depth = 1;
	return 0;
}

static int
check_memory(const struct cg_user *u, struct cg_memory *m, bool create, struct brig_err *err)
{
	if (m->has & ~(uint32_t) USER_MEMORY_OK)
		return brig_err_set(err, EPERM, "linux.resources.memory: only limit, reservation, "
		                                "swap, kernel, kernelTCP and swappiness (unprivileged)");
	if (!u->has_memory)
		return 0;
	if (!(m->has & CGM_LIMIT) && create) {
		m->has |= CGM_LIMIT;
		m->limit = (int64_t) u->memory;
	}
	if ((m->has & CGM_LIMIT) && (m->limit <= 0 || (uint64_t) m->limit > u->memory))
		return brig_err_set(err, EDQUOT,
		                    "linux.resources.memory.limit: above the policy's memory=%" PRIu64,
		                    u->memory);
	return 0;
}

static int
check_cpu(const struct cg_user *u, struct cg_cpu *c, bool create, struct brig_err *err)
{
	uint64_t period;

	if (c->has & ~(uint32_t) USER_CPU_OK)
		return brig_err_set(err, EPERM, "linux.resources.cpu: only shares, quota, period, "
		                                "burst, cpus and mems (unprivileged)");
	if (!u->has_cpus)
		return 0;
	period = (c->has & CGC_PERIOD) && c->period ? c->period : CPU_PERIOD_DEFAULT;
	if (!(c->has & CGC_QUOTA) && create) {
		c->has |= CGC_QUOTA | CGC_PERIOD;
		c->period = period;
		c->quota = (int64_t) (period * u->millicpus / 1000);
	}
	if ((c->has & CGC_QUOTA) &&
	    (c->quota <= 0 || (uint64_t) c->quota * 1000 > period * u->millicpus))
		return brig_err_set(err, EDQUOT, "linux.resources.cpu.quota: above the policy's cpus=");
	if (!(c->has & CGC_QUOTA) && (c->has & CGC_PERIOD))
		return brig_err_set(err, EDQUOT, "linux.resources.cpu.period without quota "
		                                 "(the policy sets cpus=)");
	return 0;
}

static int
check_pids(const struct cg_user *u, struct cg_pids *p, bool create, struct brig_err *err)
{
	if (!u->has_pids)
		return 0;
	if (!p->has && create) {
		p->has = 1;
		p->limit = (int64_t) u->pids;
	}
	if (p->has && (p->limit <= 0 || (uint64_t) p->limit > u->pids))
		return brig_err_set(err, EDQUOT,
		                    "linux.resources.pids.limit: above the policy's pids=%" PRIu64,
		                    u->pids);
	return 0;
}

static int
check_resources(const struct cg_user *u, struct cg_resources *r, bool create,
                struct brig_err *err)
{
	if (r->blkio.has || r->blkio.n_weight_device)
		return brig_err_set(err, EPERM, "linux.resources.blockIO: weights (unprivileged)");
	if (r->has_class_id || r->n_priorities)
		return brig_err_set(err, EPERM, "linux.resources.network (unprivileged)");
	if (r->n_unified)
		return brig_err_set(err, EPERM, "linux.resources.unified (unprivileged)");
	if (!r->present && create && (u->has_memory || u->has_pids || u->has_cpus))
		r->present = 1;
	if (check_memory(u, &r->memory, create, err) < 0 || check_cpu(u, &r->cpu, create, err) < 0 ||
	    check_pids(u, &r->pids, create, err) < 0)
		return -1;
	return 0;
}

int
cg_user_begin(struct cg_user *u, uint16_t type, struct cg_request *req, struct brig_err *err)
{
	bool create = type == IPC_CGROUP_CREATE;

	if (!u->active)
		return 0;
	switch (type) {
	case IPC_CGROUP_CREATE:
	case IPC_CGROUP_UPDATE:
	case IPC_CGROUP_FREEZE:
	case IPC_CGROUP_THAW:
	case IPC_CGROUP_STATS:
	case IPC_CGROUP_PIDS:
	case IPC_CGROUP_KILL:
	case IPC_CGROUP_DELETE:
		break;
	default:
		return brig_err_set(err, EPERM, "request %u: not for unprivileged callers",
		                    (unsigned) type);
	}
	free(u->root);
	u->root = NULL;
	u->has_memory = u->has_pids = u->has_cpus = u->has_max = false;
	if (decide(u, err) < 0 || rewrite_target(u, &req->target, err) < 0)
		return -1;
	if ((create || type == IPC_CGROUP_UPDATE) &&
	    check_resources(u, &req->res, create, err) < 0)
		return -1;
	return 0;
}

/* Whether all four ids of a /proc/PID/status "Uid:" or "Gid:" line are
 * WANT (or, WANT == -1, equal to each other): a setuid or setgid program
 * the user started (its saved or effective id another's) is not the
 * user's to confine. */
static bool
ids_are(const char *line, const char *key, long long want)
{
	unsigned long v[4];

	if (sscanf(line + strlen(key), "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4)
		return false;
	if (want < 0)
		want = (long long) v[0];
	for (int i = 0; i < 4; i++)
		if ((long long) v[i] != want)
			return false;
	return true;
}

/* The process is UID's through and through: Uid real, effective, saved
 * and fs all UID, and its Gid line one group throughout. */
static bool
proc_is_users(long pid, uid_t uid)
{
	char path[64], line[256];
	cleanup_fclose FILE *f = NULL;
	int seen = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Uid:", 4) == 0) {
			if (!ids_are(line, "Uid:", (long long) uid))
				return false;
			seen++;
		} else if (strncmp(line, "Gid:", 4) == 0) {
			if (!ids_are(line, "Gid:", -1))
				return false;
			seen++;
		}
	}
	return seen == 2;
}

int
cg_user_check_pidfd(const struct cg_user *u, int pidfd, struct brig_err *err)
{
	long pid;

	if (!u->active)
		return 0;
	pid = ipc_pidfd_check(pidfd, "cgroup create", err);
	if (pid < 0)
		return -1;
	/* A uid mapped in a user namespace reads as the host's here: a
	 * rootless init (root in its namespace) is the user. */
	if (!proc_is_users(pid, u->who.uid))
		return brig_err_set(err, EPERM, "cgroup create: the process is not the caller's");
	/* Still the process we read: the number was not reused meanwhile. */
	if (sys_pidfd_send_signal(pidfd, 0, 0) < 0 || ipc_pidfd_pid(pidfd) != pid)
		return brig_err_set(err, ESRCH, "cgroup create: the container init exited");
	return 0;
}

#define USER_LOCK_DIR "/run/brig-cgroup"

/* The lock directory: root's, closed to everyone else, so that no user
 * can take another's lock.  Made when missing; refused when it is not
 * root's own (a symlink is not followed). */
static int
lock_dir(struct brig_err *err)
{
	struct stat st;
	int fd;

	if (mkdir(USER_LOCK_DIR, 0700) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "%s", USER_LOCK_DIR);
	fd = open(USER_LOCK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return brig_err_set(err, errno, "%s", USER_LOCK_DIR);
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077) != 0) {
		close(fd);
		return brig_err_set(err, EPERM, "%s: not root's own directory (mode 0700)",
				    USER_LOCK_DIR);
	}
	return fd;
}

/* A user's CREATEs run under the user's own lock (/run/brig-cgroup/UID,
 * root-only), so that two racing for the same name under <root>/<uid>, or
 * for the last of max=, cannot both win, and no other user can hold it.
 * The caller cannot stop its helper (every id of ours is root's), but the
 * wait is bounded all the same. */
int
cg_user_lock(const struct cg_user *u, struct cg_layout *l, int *lockfd, struct brig_err *err)
{
	char name[32];
	int dirfd;

	(void) l;
	*lockfd = -1;
	if (!u->active)
		return 0;
	dirfd = lock_dir(err);
	if (dirfd < 0)
		return -1;
	snprintf(name, sizeof(name), "%u", (unsigned) u->who.uid);
	*lockfd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(dirfd);
	if (*lockfd < 0)
		return brig_err_set(err, errno, "%s/%s: lock", USER_LOCK_DIR, name);
	for (int i = 0; i < 500; i++) {
		if (flock(*lockfd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	close(*lockfd);
	*lockfd = -1;
	return brig_err_set(err, EAGAIN, "cgroup create: another create holds the lock");
}

static unsigned
count_children(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned n = 0;
	struct dirent *e;
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return ~0u; /* cannot count: count as full */
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* After cg_layout_open(create): the leaf must be new in every hierarchy
 * (an existing one belongs to another container of this user), and with
 * it the user may not hold more than max= cgroups. */
int
cg_user_created(const struct cg_user *u, struct cg_layout *l, struct brig_err *err)
{
	if (!u->active)
		return 0;
	for (unsigned i = 0; i < l->n; i++) {
		struct cg_hier *h = &l->h[i];
		if (h->dirfd < 0 || h->nchain < 2)
			continue;
		if (h->created == 0)
			return brig_err_set(err, EEXIST, "cgroup %s: exists", l->comp[l->ncomp - 1]);
		if (u->has_max && count_children(h->chain[h->nchain - 2]) > u->max)
			return brig_err_set(err, EDQUOT,
			                    "cgroup create: the policy's max=%" PRIu64 " reached",
			                    u->max);
	}
	return 0;
}
