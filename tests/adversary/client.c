/* client.c - the adversary: speaks the helper protocol directly, as an
 * unprivileged user, to helpers installed setuid (tests/adversary/).
 *
 *   adv-client HELPER MODE [ARG] [options]
 *
 * The client starts HELPER itself with its end of a socketpair as fd 3
 * (so the kernel names the client's user as the peer), sends one attack,
 * and prints the helper's answer.  Exit status: 0 the request succeeded,
 * 1 it was refused (a reply with an errno), 2 the helper ended without a
 * reply, 3 the client itself failed.
 *
 * Modes:
 *   cgroup OP        OP: create update delete freeze thaw stats kill prepare
 *                    --path P --id ID --memory BYTES --pids N --cpu-quota N
 *                    --unified FILE=VALUE (a cgroup file to write)
 *                    --pid N (pidfd of N; default: a child of ours, sleeping)
 *                    --fd exited|regular|netns|none|extra (wrong fds)
 *                    --keep (leave the child alive: print its pid)
 *   raw KIND         oversize truncated magic version unknown nfds-extra nfds-missing
 *   stream           fd 3 is a SOCK_STREAM socket
 *   race NAME        two helpers CREATE NAME at once: exit 0 when exactly one wins
 *   hold             start the helper with fds 4 and 5 open, print its pid,
 *                    wait for a line on stdin (the test inspects it), end
 *   ptrace           start the helper and try PTRACE_ATTACH on it
 *   mount ROOTFS DEST  a mount plan with one tmpfs at DEST (brig-mount)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/cgroupmsg.h"
#include "ipc/codec.h"
#include "ipc/io.h"
#include "ipc/mountplan.h"
#include "ipc/wire.h"

extern char **environ;

struct opts {
	const char *path, *id, *fd_kind, *unified;
	long pid;
	bool keep, has_memory, has_pids, has_quota;
	long long memory, pids, quota;
};

static pid_t helper_pid = -1;

static void __attribute__((noreturn))
fail(const char *what)
{
	perror(what);
	exit(3);
}

/* Start HELPER with SOCK as fd 3; with STRAY, fds 4 and 5 stay open. */
static int
spawn(const char *helper, int type, bool stray)
{
	int sv[2];

	if (socketpair(AF_UNIX, type, 0, sv) < 0)
		fail("socketpair");
	helper_pid = fork();
	if (helper_pid < 0)
		fail("fork");
	if (helper_pid == 0) {
		if (dup2(sv[1], IPC_HELPER_FD) < 0)
			_exit(126);
		if (stray) {
			if (open("/dev/null", O_RDONLY) < 0)
				_exit(126);
			dup2(IPC_HELPER_FD + 1, 5);
			dup2(IPC_HELPER_FD + 1, 4);
			syscall(SYS_close_range, 6, ~0u, 0);
		} else {
			syscall(SYS_close_range, IPC_HELPER_FD + 1, ~0u, 0);
		}
		execve(helper, (char *[]){ (char *) helper, NULL }, environ);
		_exit(127);
	}
	close(sv[1]);
	return sv[0];
}

static int
helper_status(void)
{
	int st = 0;

	if (helper_pid > 0)
		while (waitpid(helper_pid, &st, 0) < 0 && errno == EINTR)
			;
	helper_pid = -1;
	return st;
}

/* Print the reply and turn it into the exit status. */
static int
answer(int sock)
{
	struct ipc_msg *msg = malloc(sizeof(*msg));
	struct ipc_reader r;
	struct brig_err err;
	int32_t errnum = 0;
	char *text = NULL;
	int ret;

	if (msg == NULL)
		fail("malloc");
	if (ipc_recv(sock, msg, &err) < 0 || msg->hdr.type != IPC_REPLY) {
		int st;
		close(sock);
		st = helper_status();
		printf("no reply (helper %s %d)\n", WIFEXITED(st) ? "exit" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		free(msg);
		return 2;
	}
	ipc_reader_init(&r, msg->payload, msg->hdr.payload_len);
	if (ipc_get_i32(&r, &errnum) < 0 || ipc_get_str(&r, &text, false) < 0)
		fail("bad reply");
	printf("reply errno=%d: %s\n", errnum, text);
	ret = errnum == 0 ? 0 : 1;
	ipc_msg_close_fds(msg);
	free(text);
	free(msg);
	return ret;
}

static pid_t
sleeper(void)
{
	pid_t p = fork();

	if (p < 0)
		fail("fork");
	if (p == 0) {
		/* Not holding the caller's output open: a test reads it to its end. */
		int null = open("/dev/null", O_RDWR);
		for (int fd = 0; null >= 0 && fd <= 2; fd++)
			dup2(null, fd);
		syscall(SYS_close_range, 3, ~0u, 0);
		for (;;)
			pause();
	}
	return p;
}

/* The fd(s) the attack sends where a pidfd belongs. */
static unsigned
pick_fds(const struct opts *o, pid_t child, int *fds)
{
	const char *k = o->fd_kind ? o->fd_kind : "pidfd";
	pid_t target = o->pid > 0 ? (pid_t) o->pid : child;

	if (strcmp(k, "none") == 0)
		return 0;
	if (strcmp(k, "regular") == 0) {
		fds[0] = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	} else if (strcmp(k, "netns") == 0) {
		fds[0] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	} else if (strcmp(k, "exited") == 0) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		fds[0] = (int) syscall(SYS_pidfd_open, p, 0);
		waitpid(p, NULL, 0);
	} else {
		fds[0] = (int) syscall(SYS_pidfd_open, target, 0);
	}
	if (fds[0] < 0)
		fail(k);
	if (strcmp(k, "extra") == 0) {
		fds[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		return 2;
	}
	return 1;
}

static uint16_t
op_type(const char *op)
{
	static const struct {
		const char *name;
		uint16_t type;
	} t[] = {
		{ "create", IPC_CGROUP_CREATE }, { "update", IPC_CGROUP_UPDATE },
		{ "delete", IPC_CGROUP_DELETE }, { "freeze", IPC_CGROUP_FREEZE },
		{ "thaw", IPC_CGROUP_THAW },     { "stats", IPC_CGROUP_STATS },
		{ "kill", IPC_CGROUP_KILL },     { "prepare", IPC_CGROUP_PREPARE },
		{ "pids", IPC_CGROUP_PIDS },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(op, t[i].name) == 0)
			return t[i].type;
	fprintf(stderr, "unknown op %s\n", op);
	exit(3);
}

static void
fill_request(const struct opts *o, uint16_t type, struct cg_request *req)
{
	memset(req, 0, sizeof(*req));
	req->target.path = (char *) o->path;
	req->target.id = (char *) (o->id ? o->id : "adv");
	if (type == IPC_CGROUP_DELETE)
		req->target.created_depth = 1;
	if (type == IPC_CGROUP_KILL)
		req->signal = SIGKILL;
	if (o->has_memory || o->has_pids || o->has_quota || o->unified)
		req->res.present = 1;
	if (o->unified) {
		static struct cg_kv kv;
		char *eq = strchr(o->unified, '=');
		kv.key = strndup(o->unified, eq ? (size_t) (eq - o->unified) : strlen(o->unified));
		kv.value = (char *) (eq ? eq + 1 : "1");
		req->res.n_unified = 1;
		req->res.unified = &kv;
	}
	if (o->has_memory) {
		req->res.memory.has = CGM_LIMIT;
		req->res.memory.limit = o->memory;
	}
	if (o->has_pids) {
		req->res.pids.has = 1;
		req->res.pids.limit = o->pids;
	}
	if (o->has_quota) {
		req->res.cpu.has = CGC_QUOTA | CGC_PERIOD;
		req->res.cpu.quota = o->quota;
		req->res.cpu.period = 100000;
	}
}

static int
send_cgroup(int sock, const struct opts *o, uint16_t type, pid_t child)
{
	struct cg_request req;
	struct ipc_writer w;
	struct brig_err err;
	int fds[2] = { -1, -1 };
	unsigned nfds = 0;
	int ret;

	fill_request(o, type, &req);
	if (type == IPC_CGROUP_CREATE || (o->fd_kind && strcmp(o->fd_kind, "none") != 0))
		nfds = pick_fds(o, child, fds);
	ipc_writer_init(&w);
	cgmsg_encode(&w, type, &req);
	ret = ipc_send(sock, type, 1, w.buf, w.len, fds, nfds, &err);
	ipc_writer_free(&w);
	for (unsigned i = 0; i < nfds; i++)
		close(fds[i]);
	/* A helper that refused to start has closed its end: the answer
	 * (none) says so. */
	if (ret < 0)
		printf("send: %s\n", err.msg);
	return ret;
}

static int
mode_cgroup(const char *helper, const char *op, const struct opts *o)
{
	uint16_t type = op_type(op);
	pid_t child = type == IPC_CGROUP_CREATE && o->pid <= 0 ? sleeper() : -1;
	int sock = spawn(helper, SOCK_SEQPACKET, false);
	int ret;

	send_cgroup(sock, o, type, child);
	ret = answer(sock);
	close(sock);
	helper_status();
	if (child > 0 && o->keep && ret == 0)
		printf("child %d\n", (int) child);
	else if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	return ret;
}

/* Malformed envelopes, sent by hand. */
static int
mode_raw(const char *helper, const char *kind)
{
	int sock = spawn(helper, SOCK_SEQPACKET, false);
	static uint8_t buf[IPC_MAX_MSG + 4096];
	struct ipc_hdr h = { IPC_MAGIC, IPC_VERSION, IPC_CGROUP_STATS, 1, 0, 0 };
	size_t len = IPC_HDR_SIZE;
	int fds[2] = { -1, -1 }, nfds = 0;

	memset(buf, 'A', sizeof(buf));
	if (strcmp(kind, "oversize") == 0) {
		h.payload_len = IPC_MAX_MSG;
		len = IPC_HDR_SIZE + IPC_MAX_MSG;
	} else if (strcmp(kind, "truncated") == 0) {
		h.payload_len = 100; /* declared, not sent */
		len = IPC_HDR_SIZE + 10;
	} else if (strcmp(kind, "magic") == 0) {
		h.magic = 0x44434241;
	} else if (strcmp(kind, "version") == 0) {
		h.version = IPC_VERSION + 1;
	} else if (strcmp(kind, "unknown") == 0) {
		h.type = 999;
	} else if (strcmp(kind, "nfds-extra") == 0) {
		h.nfds = 1; /* one declared, two sent */
		fds[0] = open("/dev/null", O_RDONLY);
		fds[1] = open("/dev/null", O_RDONLY);
		nfds = 2;
	} else if (strcmp(kind, "nfds-missing") == 0) {
		h.nfds = 2; /* declared, none sent */
	} else {
		fprintf(stderr, "unknown raw kind %s\n", kind);
		return 3;
	}
	memcpy(buf + 0, &h.magic, 4);
	memcpy(buf + 4, &h.version, 2);
	memcpy(buf + 6, &h.type, 2);
	memcpy(buf + 8, &h.request_id, 4);
	memcpy(buf + 12, &h.payload_len, 4);
	memcpy(buf + 16, &h.nfds, 4);
	{
		struct iovec iov = { buf, len };
		union {
			char b[CMSG_SPACE(2 * sizeof(int))];
			struct cmsghdr align;
		} u;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (nfds > 0) {
			struct cmsghdr *c;
			mh.msg_control = u.b;
			mh.msg_controllen = CMSG_SPACE((size_t) nfds * sizeof(int));
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN((size_t) nfds * sizeof(int));
			memcpy(CMSG_DATA(c), fds, (size_t) nfds * sizeof(int));
		}
		if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
			printf("send refused by the kernel: %s\n", strerror(errno));
	}
	return answer(sock);
}

static int
mode_stream(const char *helper)
{
	int sock = spawn(helper, SOCK_STREAM, false);
	struct opts o = { 0 };

	send_cgroup(sock, &o, IPC_CGROUP_STATS, -1);
	return answer(sock);
}

/* Two helpers, two CREATEs of one name, sent before either reply. */
static int
mode_race(const char *helper, const char *name)
{
	struct opts o = { .path = name, .pid = 0 };
	pid_t kids[2];
	int socks[2], wins = 0;

	for (int i = 0; i < 2; i++) {
		kids[i] = sleeper();
		socks[i] = spawn(helper, SOCK_SEQPACKET, false);
	}
	for (int i = 0; i < 2; i++)
		send_cgroup(socks[i], &o, IPC_CGROUP_CREATE, kids[i]);
	for (int i = 0; i < 2; i++) {
		wins += answer(socks[i]) == 0;
		close(socks[i]);
	}
	for (int i = 0; i < 2; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	while (wait(NULL) > 0)
		;
	printf("winners %d\n", wins);
	return wins == 1 ? 0 : 1;
}

static int
mode_hold(const char *helper)
{
	int sock = spawn(helper, SOCK_SEQPACKET, true);
	char line[16];

	printf("helper %d\n", (int) helper_pid);
	fflush(stdout);
	/* A line, or end of input: the test is done looking. */
	(void) !fgets(line, sizeof(line), stdin);
	close(sock);
	helper_status();
	return 0;
}

static int
mode_ptrace(const char *helper)
{
	int sock = spawn(helper, SOCK_SEQPACKET, false);
	int ret;

	usleep(100 * 1000); /* let it exec and harden */
	if (ptrace(PTRACE_ATTACH, helper_pid, NULL, NULL) == 0) {
		printf("ptrace attached\n");
		ptrace(PTRACE_DETACH, helper_pid, NULL, NULL);
		ret = 0;
	} else {
		printf("ptrace refused: %s\n", strerror(errno));
		ret = 1;
	}
	close(sock);
	helper_status();
	return ret;
}

static int
mode_mount(const char *helper, const char *rootfs, const char *dest)
{
	struct mp_mount m = { .kind = MP_FS, .dest = (char *) dest, .fstype = (char *) "tmpfs",
			      .source = (char *) "tmpfs" };
	struct mount_plan p = { .rootfs = (char *) rootfs, .n_mounts = 1, .mounts = &m };
	pid_t child = sleeper();
	int sock = spawn(helper, SOCK_SEQPACKET, false);
	int pidfd = (int) syscall(SYS_pidfd_open, child, 0);
	struct ipc_writer w;
	struct brig_err err;
	int ret;

	ipc_writer_init(&w);
	mountplan_encode(&w, &p);
	if (ipc_send(sock, IPC_MOUNT_PLAN, 1, w.buf, w.len, &pidfd, 1, &err) < 0) {
		fprintf(stderr, "send: %s\n", err.msg);
		return 3;
	}
	ipc_writer_free(&w);
	ret = answer(sock);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return ret;
}

static void
parse_opts(int argc, char **argv, int first, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = first; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--keep") == 0) {
			o->keep = true;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "%s: needs a value\n", argv[i]);
			exit(3);
		}
		if (strcmp(argv[i], "--path") == 0)
			o->path = v;
		else if (strcmp(argv[i], "--id") == 0)
			o->id = v;
		else if (strcmp(argv[i], "--unified") == 0)
			o->unified = v;
		else if (strcmp(argv[i], "--fd") == 0)
			o->fd_kind = v;
		else if (strcmp(argv[i], "--pid") == 0)
			o->pid = atol(v);
		else if (strcmp(argv[i], "--memory") == 0)
			o->has_memory = true, o->memory = atoll(v);
		else if (strcmp(argv[i], "--pids") == 0)
			o->has_pids = true, o->pids = atoll(v);
		else if (strcmp(argv[i], "--cpu-quota") == 0)
			o->has_quota = true, o->quota = atoll(v);
		else {
			fprintf(stderr, "unknown option %s\n", argv[i]);
			exit(3);
		}
		i++;
	}
}

int
main(int argc, char **argv)
{
	struct opts o;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: adv-client HELPER MODE [ARG] [options]\n");
		return 3;
	}
	if (strcmp(argv[2], "cgroup") == 0 && argc >= 4) {
		parse_opts(argc, argv, 4, &o);
		return mode_cgroup(argv[1], argv[3], &o);
	}
	if (strcmp(argv[2], "raw") == 0 && argc >= 4)
		return mode_raw(argv[1], argv[3]);
	if (strcmp(argv[2], "stream") == 0)
		return mode_stream(argv[1]);
	if (strcmp(argv[2], "race") == 0 && argc >= 4)
		return mode_race(argv[1], argv[3]);
	if (strcmp(argv[2], "hold") == 0)
		return mode_hold(argv[1]);
	if (strcmp(argv[2], "ptrace") == 0)
		return mode_ptrace(argv[1]);
	if (strcmp(argv[2], "mount") == 0 && argc >= 5)
		return mode_mount(argv[1], argv[3], argv[4]);
	fprintf(stderr, "adv-client: unknown mode %s\n", argv[2]);
	return 3;
}
