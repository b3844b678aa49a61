/* helper.c - hardening and the request loop shared by all helpers. */
#include "ipc/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ipc/wire.h"

extern char **environ;

/* Computed by helper_harden before anything can change it: whether this
 * process holds privilege its real user does not (setuid or file caps). */
static bool helper_privileged;

static void __attribute__((noreturn))
die(const char *name, const char *what)
{
	fprintf(stderr, "%s: %s\n", name, what);
	exit(2);
}

/* A setuid program may be started with 0, 1 or 2 closed, so that the first
 * file it opens lands there and its messages go into that file: fill them
 * with /dev/null first. */
static void
open_stdio(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int got;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		got = open("/dev/null", O_RDWR | O_NOCTTY);
		if (got != fd)
			_exit(2); /* no stderr to say it on */
	}
}

/* The effective and permitted capability sets, as two 64-bit masks. */
static int
caps_now(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	*eff = (uint64_t) data[1].effective << 32 | data[0].effective;
	*perm = (uint64_t) data[1].permitted << 32 | data[0].permitted;
	*inh = (uint64_t) data[1].inheritable << 32 | data[0].inheritable;
	return 0;
}

static bool
detect_privilege(void)
{
	uint64_t eff = 0, perm = 0, inh = 0;
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return true; /* cannot tell: assume the worst */
	if (r != e || r != s || rg != eg || rg != sg)
		return true;
	/* File capabilities leave the uids alone. */
	if (r != 0 && (caps_now(&eff, &perm, &inh) < 0 || eff != 0 || perm != 0))
		return true;
	return false;
}

/* Signal dispositions survive exec only as "ignored"; an ignored SIGPIPE
 * or SIGCHLD would change how we fail.  Back to the defaults, and none
 * blocked: brig run blocks every signal while it starts helpers, and a
 * helper must stay killable. */
static void
reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void) sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
check_socket(const char *name)
{
	struct stat st;
	int type = 0, domain = 0;
	socklen_t len = sizeof(type);

	if (fstat(IPC_HELPER_FD, &st) < 0 || !S_ISSOCK(st.st_mode))
		die(name, "fd 3 is not a socket: run me through brig");
	if (getsockopt(IPC_HELPER_FD, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET)
		die(name, "fd 3 is not a SOCK_SEQPACKET socket");
	len = sizeof(domain);
	if (getsockopt(IPC_HELPER_FD, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    domain != AF_UNIX)
		die(name, "fd 3 is not a unix socket");
}

/* clearenv() only forgets the strings: zero them too, so that nothing the
 * caller put there stays in our memory (or in /proc/PID/environ). */
static void
scrub_environ(void)
{
	char buf[2048], *p;
	unsigned long start = 0, end = 0;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	for (char **e = environ; e != NULL && *e != NULL; e++)
		explicit_bzero(*e, strlen(*e));
	/* The whole block, also what glibc's secure mode unset (LD_*): its
	 * strings stay in the block though environ no longer names them.
	 * env_start and env_end are fields 50 and 51, counted from field 3
	 * after the command name's ')'. */
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (int field = 2; p != NULL && field < 50; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %lu %lu", &start, &end) != 2 || start == 0 || end <= start)
		return;
	explicit_bzero((void *) start, end - start);
}

void
helper_harden(const char *name)
{
	open_stdio();
	helper_privileged = detect_privilege();
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die(name, "cannot make the process non-dumpable");
	reset_signals();
	umask(022);
	/* Nothing from the caller's environment reaches our decisions.  For a
	 * setuid start glibc's secure mode has already ignored LD_PRELOAD and
	 * friends (and a static helper loads nothing); the rest goes here. */
	scrub_environ();
	if (clearenv() != 0)
		environ = NULL;
	check_socket(name);
	if (close_range(IPC_HELPER_FD + 1, ~0u, 0) < 0)
		die(name, "cannot close inherited fds");
	if (fcntl(IPC_HELPER_FD, F_SETFD, FD_CLOEXEC) < 0)
		die(name, "cannot set close-on-exec on the socket");
}

bool
helper_is_privileged_for_user(void)
{
	return helper_privileged;
}

/* Every capability out of the bounding set (needs CAP_SETPCAP: done while
 * we may still hold it) and out of the ambient set. */
static void
drop_bounding(void)
{
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break; /* past the last capability this kernel knows */
	(void) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

static int
clear_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	return (int) syscall(SYS_capset, &hdr, data);
}

/* After the drop nothing may bring privilege back. */
static int
verify_dropped(uid_t uid, gid_t gid)
{
	uint64_t eff, perm, inh;
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid)
		return -1;
	if (getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid)
		return -1;
	if (caps_now(&eff, &perm, &inh) < 0 || eff != 0 || perm != 0 || inh != 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SYS_ADMIN, 0, 0) > 0)
		return -1;
	if (uid != 0 && (setresuid((uid_t) -1, 0, (uid_t) -1) == 0 || setuid(0) == 0))
		return -1;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return -1;
	return 0;
}

bool
helper_has_caps(void)
{
	uint64_t eff = 0, perm = 0, inh = 0;

	return caps_now(&eff, &perm, &inh) < 0 || eff != 0;
}

int
helper_own_files_as_root(struct brig_err *err)
{
	uint64_t eff = 0, perm = 0, inh = 0;

	if (caps_now(&eff, &perm, &inh) < 0)
		return brig_err_set(err, errno, "capget");
	/* All ids, not only the fs ones: a process whose real or saved uid
	 * is the caller's can be stopped and killed by the caller, between a
	 * check and the act it allows (a pid reused meanwhile, a quota record
	 * never written). */
	if (eff & (1ull << CAP_SETGID)) {
		if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0)
			return brig_err_set(err, errno, "cannot become gid 0");
	}
	if (eff & (1ull << CAP_SETUID)) {
		if (setresuid(0, 0, 0) < 0)
			return brig_err_set(err, errno, "cannot become uid 0");
	}
	return 0;
}

int
helper_drop_to_caller(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	drop_bounding();
	/* Groups first: after the uid change we could no longer. */
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -1;
	if (clear_caps() < 0)
		return -1;
	/* No exec can give privilege back either. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	/* A uid change re-reads the dumpable flag from fs.suid_dumpable. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
	if (verify_dropped(uid, gid) < 0) {
		errno = EPERM;
		return -1;
	}
	helper_privileged = false;
	return 0;
}

static const struct helper_op *
find_op(const struct helper_op *ops, unsigned n_ops, uint16_t type)
{
	for (unsigned i = 0; i < n_ops; i++)
		if (ops[i].type == type)
			return &ops[i];
	return NULL;
}

static int
reply_error(const struct ipc_msg *msg, const char *text)
{
	ipc_reply(IPC_HELPER_FD, msg->hdr.request_id, EBADMSG, text, NULL, 0);
	return 1;
}

int
helper_serve(const char *name, const struct helper_op *ops, unsigned n_ops, void *state)
{
	struct ipc_msg *msg = malloc(sizeof(*msg));
	struct brig_err err;

	if (msg == NULL)
		die(name, "out of memory");
	for (;;) {
		struct helper_reply reply;
		const struct helper_op *op;
		int errnum;

		if (ipc_recv(IPC_HELPER_FD, msg, &err) < 0) {
			/* A malformed envelope: say why, then end the session. */
			ipc_reply(IPC_HELPER_FD, 0, EBADMSG, err.msg, NULL, 0);
			free(msg);
			return 1;
		}
		if (msg->hdr.type == 0) {
			free(msg);
			return 0; /* the front closed: normal end */
		}
		op = find_op(ops, n_ops, msg->hdr.type);
		if (op == NULL) {
			ipc_msg_close_fds(msg);
			reply_error(msg, "unknown message type");
			free(msg);
			return 1;
		}
		if (msg->nfds != op->nfds) {
			ipc_msg_close_fds(msg);
			reply_error(msg, "wrong number of fds for this message type");
			free(msg);
			return 1;
		}
		memset(&reply, 0, sizeof(reply));
		/* The handler's return value decides: a failed attempt it
		 * recovered from may have left text in reply.err. */
		if (op->fn(msg, &reply, state) < 0) {
			errnum = reply.err.errnum ? reply.err.errnum : EINVAL;
			if (reply.err.msg[0] == '\0')
				snprintf(reply.err.msg, sizeof(reply.err.msg), "request failed");
			for (uint32_t i = 0; i < reply.nfds; i++)
				close(reply.fds[i]);
			reply.nfds = 0;
		} else {
			errnum = 0;
		}
		ipc_msg_close_fds(msg); /* handlers take what they keep (set -1) */
		ipc_reply(IPC_HELPER_FD, msg->hdr.request_id, errnum,
			  errnum ? reply.err.msg : "", reply.nfds ? reply.fds : NULL, reply.nfds);
		for (uint32_t i = 0; i < reply.nfds; i++)
			close(reply.fds[i]);
		if (reply.done || errnum != 0) {
			free(msg);
			return errnum ? 1 : 0;
		}
	}
}
