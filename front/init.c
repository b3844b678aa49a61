/* init.c - the container's init, between clone and exec.
 *
 * It runs as a clone of the front in the container's new namespaces.  It
 * never mounts and never writes cgroup files: brig-mount builds its root
 * while the init waits.  It only sets up its own process: namespaces
 * joined by path, hostname, loopback, sysctl, rlimits, user, groups,
 * capabilities, cwd, fds; then it waits for start and execs.
 *
 * Every host fd except the ones the spec asks for is closed before the
 * init touches anything inside the container (runc CVE-2024-21626: a
 * leaked host directory fd used as process.cwd escapes the rootfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/container.h"
#include "front/init_process.h"
#include "front/tty.h"
#include "lib/xalloc.h"

static void __attribute__((noreturn))
init_fail(struct container *c, int fd, struct brig_err *err)
{
	if (fd >= 0 && sync_send_error(fd, err) == 0)
		_exit(1);
	/* No front to tell (after create returned): the container's stderr
	 * is the only place left. */
	dprintf(STDERR_FILENO, "brig: %s\n", err->msg);
	(void) c;
	_exit(1);
}

static int
join_namespaces(struct container *c, struct brig_err *err)
{
	/* The user namespace first: joining it grants the capabilities the
	 * other joins need inside it. */
	static const enum cfg_ns_type order[] = { CFG_NS_USER, CFG_NS_MOUNT, CFG_NS_NETWORK,
						  CFG_NS_IPC,  CFG_NS_UTS,   CFG_NS_CGROUP,
						  CFG_NS_TIME };
	bool joined = false;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int fd = c->ns_fds[order[i]];
		if (fd < 0)
			continue;
		if (setns(fd, 0) < 0)
			return brig_err_set(err, errno, "config.json: linux.namespaces: join %s",
					    config_namespace(c->cfg, order[i])->path);
		close(fd);
		c->ns_fds[order[i]] = -1;
		joined = true;
	}
	if (c->ns_fds[CFG_NS_PID] >= 0) {
		close(c->ns_fds[CFG_NS_PID]);
		c->ns_fds[CFG_NS_PID] = -1;
	}
	return joined ? 1 : 0;
}

/* Move into the container's v1 cgroups by writing "0" (this thread) to
 * the "tasks" files brig-cgroup opened for us (see create_cgroup.c), then
 * make the new cgroup namespace, rooted there.  Nothing else is written. */
static int
enter_cgroup(struct container *c, struct brig_err *err)
{
	struct cg_entry *e = &c->cg_entry;
	int ret = 0;

	for (uint32_t i = 0; i < e->n_tasks; i++) {
		if (ret == 0 && write(e->tasks[i], "0", 1) != 1)
			ret = brig_err_set(err, errno, "enter the container's cgroup");
		close(e->tasks[i]);
	}
	if (e->v2_dir >= 0)
		close(e->v2_dir);
	if (ret < 0)
		return -1;
	if (e->n_tasks > 0 && (c->clone_flags & CLONE_NEWCGROUP) &&
	    !(c->clone_flags & CLONE_NEWUSER) && unshare(CLONE_NEWCGROUP) < 0)
		return brig_err_set(err, errno, "create the cgroup namespace");
	return 0;
}

/* Become root of the new user namespace (its maps are written now), then
 * make the other new namespaces from there (see clone_flags_now). */
static int
enter_user_namespace(struct container *c, struct brig_err *err)
{
	unsigned long rest = c->clone_flags & ~(unsigned long) (CLONE_NEWUSER | CLONE_NEWPID);

	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return brig_err_set(err, errno, "become root in the container's user namespace");
	if (rest != 0 && unshare((int) rest) < 0)
		return brig_err_set(err, errno, "create namespaces in the container's user namespace");
	return 0;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

/* Close every fd except 0-2, the preserved ones and KEEP[]. */
static void
close_all_but(int first_free, int *keep, size_t nkeep)
{
	int lo = first_free;

	qsort(keep, nkeep, sizeof(int), cmp_int);
	for (size_t i = 0; i < nkeep; i++) {
		if (keep[i] < lo)
			continue;
		if (keep[i] > lo)
			close_range((unsigned) lo, (unsigned) keep[i] - 1, 0);
		lo = keep[i] + 1;
	}
	close_range((unsigned) lo, ~0u, 0);
}

static int
preserved_count(const struct container *c)
{
	const char *lf = getenv("LISTEN_FDS");
	int n = c->opts->preserve_fds;

	if (lf != NULL && atoi(lf) > 0)
		n += atoi(lf);
	return n;
}

static int
set_hostnames(const struct config *cfg, struct brig_err *err)
{
	if (cfg->hostname != NULL && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return brig_err_set(err, errno, "config.json: hostname: \"%s\"", cfg->hostname);
	if (cfg->domainname != NULL &&
	    setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return brig_err_set(err, errno, "config.json: domainname: \"%s\"", cfg->domainname);
	return 0;
}

/* A new network namespace has only a down "lo": bring it up (the kernel
 * then gives it 127.0.0.1/8 and ::1).  One ioctl; no helper needed. */
static int
loopback_up(struct brig_err *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return brig_err_set(err, errno, "loopback: socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)) {
		int e = errno;
		close(fd);
		return brig_err_set(err, e, "loopback: bring lo up");
	}
	close(fd);
	return 0;
}

static int
apply_sysctl(const struct config *cfg, struct brig_err *err)
{
	for (size_t i = 0; i < cfg->linux.n_sysctl; i++) {
		const struct cfg_sysctl *s = &cfg->linux.sysctl[i];
		char path[512];
		size_t len = strlen(s->value);
		int fd, n;

		n = snprintf(path, sizeof(path), "/proc/sys/%s", s->key);
		if (n < 0 || (size_t) n >= sizeof(path))
			return brig_err_set(err, ENAMETOOLONG, "config.json: linux.sysctl: \"%s\"",
					    s->key);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || write(fd, s->value, len) != (ssize_t) len) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return brig_err_set(err, e, "config.json: linux.sysctl: \"%s\"", s->key);
		}
		close(fd);
	}
	return 0;
}

static int
setup_time_namespace(const struct config *cfg, struct brig_err *err)
{
	const struct cfg_namespace *ns = config_namespace(cfg, CFG_NS_TIME);
	int fd;

	if (ns == NULL || ns->path != NULL)
		return 0;
	/* The init's exec moves it into the namespace made for children. */
	if (unshare(CLONE_NEWTIME) < 0)
		return brig_err_set(err, errno, "config.json: linux.namespaces: new time namespace");
	if (cfg->linux.n_time_offsets == 0)
		return 0;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return brig_err_set(err, errno, "config.json: linux.timeOffsets");
	for (size_t i = 0; i < cfg->linux.n_time_offsets; i++) {
		const struct cfg_time_offset *t = &cfg->linux.time_offsets[i];
		char line[128];
		int n = snprintf(line, sizeof(line), "%s %lld %u\n", t->clock,
				 (long long) t->secs, t->nanosecs);
		if (write(fd, line, (size_t) n) != n) {
			int e = errno;
			close(fd);
			return brig_err_set(err, e, "config.json: linux.timeOffsets.%s", t->clock);
		}
	}
	close(fd);
	return 0;
}

static int
setup_namespaced(struct container *c, struct brig_err *err)
{
	const struct config *cfg = c->cfg;
	const struct cfg_namespace *net = config_namespace(cfg, CFG_NS_NETWORK);

	if (set_hostnames(cfg, err) < 0)
		return -1;
	if (net != NULL && net->path == NULL && loopback_up(err) < 0)
		return -1;
	if (apply_sysctl(cfg, err) < 0)
		return -1;
	return setup_time_namespace(cfg, err);
}

static void
reset_signals(struct container *c)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL);
	if (c->opts->has_saved_mask)
		sigprocmask(SIG_SETMASK, &c->opts->saved_mask, NULL);
}

void
init_main(struct container *c)
{
	struct brig_err err;
	struct sync_msg msg;
	int keep[2];
	int fd = c->init_fd;

	brig_err_clear(&err);
	c->sync_fd = fd;
	/* No PR_SET_PDEATHSIG: the init spends its setup blocked on the
	 * sync socket, and end of file there (the front died) ends it. */
	/* Host fds: none may survive into the container but stdio, the
	 * preserved ones, our sync socket and the exec fifo. */
	if (enter_cgroup(c, &err) < 0 || join_namespaces(c, &err) < 0)
		init_fail(c, fd, &err);
	keep[0] = fd;
	keep[1] = c->fifo_fd >= 0 ? c->fifo_fd : fd;
	close_all_but(3 + preserved_count(c), keep, 2);
	if ((c->clone_flags & CLONE_NEWUSER) && sync_expect(fd, SYNC_MAPPED, &msg, &err) < 0)
		_exit(1);
	if ((c->clone_flags & CLONE_NEWUSER) && enter_user_namespace(c, &err) < 0)
		init_fail(c, fd, &err);
	/* Before brig-mount runs: /proc here is still the host's, whose
	 * sys/net and sys/kernel entries show the opener's namespaces, and it
	 * is writable (readonlyPaths are not applied yet). */
	if (setup_namespaced(c, &err) < 0)
		init_fail(c, fd, &err);
	if (sync_send(fd, SYNC_EARLY, NULL) < 0)
		_exit(1);
	if (c->opts->no_pivot) {
		if (sync_expect(fd, SYNC_CHDIR, &msg, &err) < 0)
			_exit(1);
		if (chdir(c->rootfs) < 0) {
			brig_err_set(&err, errno, "chdir to the rootfs");
			init_fail(c, fd, &err);
		}
		sync_send(fd, SYNC_CHDIR_DONE, NULL);
	}
	if (sync_expect(fd, SYNC_MOUNTED, &msg, &err) < 0)
		_exit(1);
	if (c->opts->no_pivot && chroot(".") < 0) {
		brig_err_set(&err, errno, "chroot into the rootfs");
		init_fail(c, fd, &err);
	}
	if (chdir("/") < 0) {
		brig_err_set(&err, errno, "chdir to the new root");
		init_fail(c, fd, &err);
	}
	/* From here a process joining the container must not reach our
	 * memory or /proc/1/exe (the host's brig). */
	/* Rootless, the user owns everything the init could reach (and can
	 * not write the host's brig binary), and the init must stay readable
	 * to the user's own brig: hooks read its /proc/PID/ns. */
	if (!c->g->rootless_mode)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* The pty comes from the container's /dev/ptmx: the root is its now. */
	if (c->cfg->process.terminal && tty_pass_to_front(&c->cfg->process, fd, &err) < 0)
		init_fail(c, fd, &err);
	if (init_process_setup(c, &err) < 0)
		init_fail(c, fd, &err);
	/* SCMP_ACT_NOTIFY: the front hands the listener to listenerPath. */
	if (c->listener_fd >= 0) {
		if (sync_send_fd(fd, SYNC_LISTENER, c->listener_fd) < 0)
			_exit(1);
		close(c->listener_fd);
	}
	if (sync_send(fd, SYNC_READY, NULL) < 0 || sync_expect(fd, SYNC_COMMIT, &msg, &err) < 0)
		_exit(1);
	if (c->opts->run_mode) {
		/* run: the front runs startContainer hooks, then says go. */
		if (sync_expect(fd, SYNC_GO, &msg, &err) < 0)
			_exit(1);
		reset_signals(c);
		init_process_exec(c, &err);
		init_fail(c, fd, &err);
	}
	/* create: wait for start as brig-wait (see front/waiter/brig-wait.c),
	 * not as a clone of the host's brig binary. */
	close(fd);
	reset_signals(c);
	init_process_wait_and_exec(c, &err);
	init_fail(c, -1, &err);
}
