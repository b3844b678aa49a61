/* main.c - brig-vm: runs a container's process in a qemu micro-VM.
 *
 * Started by brig with its socket as fd 3.  Requests (ipc/vmmsg.h):
 *   IPC_VM_START (3 fds) - build the initramfs, start qemu; reply: a
 *                          pidfd of qemu.  Once per session.
 *   IPC_VM_KILL  (0 fds) - forward a signal to the guest's process.
 *   IPC_VM_WAIT  (0 fds) - the guest's exit status (memfd), once qemu
 *                          has ended; or an error saying why there is none.
 *   IPC_VM_STOP  (0 fds) - kill qemu; ends the session.
 * When the session ends however it ends, qemu is killed and reaped: no
 * guest outlives its brig-vm (qemu also has PR_SET_PDEATHSIG).
 *
 * Privilege: the caller's.  qemu needs /dev/kvm (or nothing, with TCG);
 * with security_model=passthrough the guest's file ownership changes need
 * the caller to be root (rootless: files are created as the caller).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/vm/spec.h"
#include "helpers/vm/vm.h"
#include "ipc/helper.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"

#define NAME "brig-vm"
/* How long create waits for the guest to be ready (a TCG boot on a busy
 * 2-core host takes seconds, not minutes). */
#define READY_WAIT_MS 300000

/* ---- START ---- */

/* stdout and stderr: what qemu can open by /dev/fd/N for writing. */
static int
check_out_fd(int fd, const char *what, struct brig_err *err)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "%s fd", what);
	if (!S_ISFIFO(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		return brig_err_set(err, EINVAL, "%s fd: not a pipe, file or character device",
		                    what);
	if ((fl & O_ACCMODE) == O_RDONLY || (fl & O_PATH))
		return brig_err_set(err, EBADF, "%s fd: not open for writing", what);
	return 0;
}

/* CREATE's release fd: a FIFO (exec.fifo or a pipe) we can read. */
static int
check_release_fd(int fd, struct brig_err *err)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "release fd");
	if (!S_ISFIFO(st.st_mode))
		return brig_err_set(err, EINVAL, "release fd: not a FIFO or pipe");
	if ((fl & O_ACCMODE) == O_WRONLY || (fl & O_PATH))
		return brig_err_set(err, EBADF, "release fd: not open for reading");
	return 0;
}

static int
check_fds(const struct ipc_msg *req, struct brig_err *err)
{
	struct stat st;

	if (fstat(req->fds[0], &st) < 0)
		return brig_err_set(err, errno, "rootfs fd");
	if (!S_ISDIR(st.st_mode))
		return brig_err_set(err, ENOTDIR, "rootfs fd: not a directory");
	if (check_out_fd(req->fds[1], "stdout", err) < 0 ||
	    check_out_fd(req->fds[2], "stderr", err) < 0)
		return -1;
	if (req->nfds > 3 && check_release_fd(req->fds[3], err) < 0)
		return -1;
	return 0;
}

static int
open_kernel(const char *path, char *rel, size_t len, struct brig_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "kernel %s", path);
	if (!S_ISREG(st.st_mode))
		return brig_err_set(err, EINVAL, "kernel %s: not a regular file", path);
	if (vm_kernel_release(fd, rel, len, err) < 0)
		return brig_err_wrap(err, "kernel %s", path);
	return steal_fd(&fd);
}

/* The shared directories, opened here with the caller's privilege (as
 * the caller could open them) and handed to qemu as fds. */
static int
open_mounts(const struct vm_request *q, struct vm_fds *fds, struct brig_err *err)
{
	for (fds->n_mounts = 0; fds->n_mounts < q->n_mounts; fds->n_mounts++) {
		const char *src = q->mounts[fds->n_mounts].source;
		int fd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return brig_err_set(err, errno, "mount source %s", src);
		fds->mounts[fds->n_mounts] = fd;
	}
	return 0;
}

static void
close_mounts(struct vm_fds *fds)
{
	for (uint32_t i = 0; i < fds->n_mounts; i++)
		close(fds->mounts[i]);
	fds->n_mounts = 0;
}

static int
start(const struct vm_request *q, struct ipc_msg *req, struct vm_state *s, struct brig_err *err)
{
	const char *cache_dir = q->cache_dir ? q->cache_dir : VM_DEFAULT_CACHE;
	char rel[128];
	cleanup_close int kernel = -1, vmlinux = -1, initrd = -1, cache = -1;
	struct vm_fds fds;
	int ret;

	if (check_fds(req, err) < 0)
		return -1;
	kernel = open_kernel(q->kernel, rel, sizeof(rel), err);
	if (kernel < 0)
		return -1;
	cache = vm_cache_open(cache_dir, err);
	if (cache < 0)
		return -1;
	vmlinux = vm_kernel_vmlinux(kernel, cache, err);
	if (vmlinux == -1)
		return brig_err_wrap(err, "kernel %s", q->kernel);
	initrd = vm_initramfs(q, cache, rel, err);
	if (initrd < 0)
		return brig_err_wrap(err, "cache %s", cache_dir);
	fds = (struct vm_fds){.rootfs = req->fds[0],
	                      .out = req->fds[1],
	                      .err = req->fds[2],
	                      .kernel = vmlinux >= 0 ? vmlinux : kernel,
	                      .initrd = initrd,
	                      .cache = cache};
	ret = open_mounts(q, &fds, err);
	if (ret == 0)
		ret = vm_qemu_start(q, rel, &fds, &s->qemu, err);
	close_mounts(&fds);
	if (ret < 0) {
		if (s->qemu.pid > 0)
			waitpid(s->qemu.pid, NULL, 0);
		vm_virtiofsd_stop(&s->qemu.fsd_pid);
		return -1;
	}
	return 0;
}

/* START and CREATE.  Every field is checked here (vmmsg_check) and every
 * fd by its type before qemu sees any of them. */
static int
start_request(struct ipc_msg *req, struct helper_reply *reply, struct vm_state *s, int hold)
{
	struct vm_request q = {0};
	struct ipc_reader r;
	int ret;

	if (s->started)
		return brig_err_set(&reply->err, EBUSY, "the VM was started already");
	ipc_reader_init(&r, req->payload, req->hdr.payload_len);
	if (vmmsg_decode(&r, &q, &reply->err) < 0)
		return -1;
	q.hold = (uint32_t) hold;
	ret = vmmsg_check(&q, &reply->err);
	if (ret == 0)
		ret = start(&q, req, s, &reply->err);
	vmmsg_free(&q);
	if (ret < 0)
		return -1;
	s->started = 1;
	return 0;
}

static int
reply_pidfd(struct vm_state *s, struct helper_reply *reply)
{
	reply->fds[0] = fcntl(s->qemu.pidfd, F_DUPFD_CLOEXEC, 3);
	if (reply->fds[0] < 0)
		return brig_err_set(&reply->err, errno, "dup pidfd");
	reply->nfds = 1;
	return 0;
}

/* IPC_VM_START.  Privilege: the caller's. */
static int
handle_start(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	if (start_request(req, reply, state, 0) < 0)
		return -1;
	return reply_pidfd(state, reply);
}

/* IPC_VM_CREATE.  Privilege: the caller's.  Replies once the guest holds
 * the process before its exec; then this process is the monitor. */
static int
handle_create(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	struct vm_state *s = state;

	if (start_request(req, reply, s, 1) < 0)
		return -1;
	if (vm_wait_ready(s, READY_WAIT_MS, &reply->err) < 0 || reply_pidfd(s, reply) < 0)
		return -1;
	s->release_fd = fcntl(req->fds[3], F_DUPFD_CLOEXEC, 3);
	if (s->release_fd < 0)
		return brig_err_set(&reply->err, errno, "dup release fd");
	s->monitor = 1;
	reply->done = 1;
	return 0;
}

/* ---- WAIT ---- */

/* Read the status port until qemu closes it (it has ended) or TIMEOUT_MS
 * passes (0: no limit).  Returns 0, or -1 with ETIMEDOUT. */
static int
collect(struct vm_state *s, uint32_t timeout_ms, struct brig_err *err)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (s->qemu.status_rd >= 0) {
		/* The socket too: a brig that goes away while we wait takes
		 * its VM with it (main stops qemu when the session ends). */
		struct pollfd p[2] = {{.fd = s->qemu.status_rd, .events = POLLIN},
		                      {.fd = IPC_HELPER_FD, .events = POLLRDHUP}};
		long left = -1;
		ssize_t n;

		if (timeout_ms > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = (long) timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000L +
			                            (now.tv_nsec - t0.tv_nsec) / 1000000L);
			if (left <= 0) {
				brig_err_set(err, 0, "the guest still runs after %u ms",
				             timeout_ms);
				err->errnum = ETIMEDOUT;
				return -1;
			}
		}
		if (poll(p, 2, (int) left) < 0 && errno != EINTR)
			return brig_err_set(err, errno, "poll");
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return brig_err_set(err, ECONNRESET, "the caller went away");
		if (p[0].revents == 0)
			continue;
		n = vm_status_read(s);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(s->qemu.status_rd);
			s->qemu.status_rd = -1;
			break;
		}
	}
	vm_reap(s);
	return 0;
}

ssize_t
vm_status_read(struct vm_state *s)
{
	size_t room = sizeof(s->status) - 1 - s->status_len;
	char sink[256];
	ssize_t n;

	/* More than a status line is no status at all: keep what fits. */
	n = read(s->qemu.status_rd, room ? s->status + s->status_len : sink,
	         room ? room : sizeof(sink));
	if (n > 0 && room)
		s->status_len += (size_t) n;
	return n;
}

void
vm_reap(struct vm_state *s)
{
	while (!s->reaped && waitpid(s->qemu.pid, &s->wait_status, 0) < 0 && errno == EINTR)
		;
	s->reaped = 1;
	vm_virtiofsd_stop(&s->qemu.fsd_pid);
}

/* "exit N\n" -> N; "error TEXT\n" -> the guest's error; anything else,
 * or nothing, -> qemu's or the console's last words. */
int
vm_parse_status(struct vm_state *s, uint32_t *code, struct brig_err *err)
{
	char tail[256], *nl;
	unsigned long v;
	int used = 0;

	s->status[s->status_len] = '\0';
	nl = strchr(s->status, '\n');
	if (nl != NULL && nl[1] == '\0' && sscanf(s->status, "exit %lu%n", &v, &used) == 1 &&
	    s->status + used == nl && v <= 255 + 128)
		return *code = (uint32_t) v, 0;
	if (nl != NULL && strncmp(s->status, "error ", 6) == 0) {
		*nl = '\0';
		/* The guest's text says why; no errno text after it. */
		brig_err_set(err, 0, "guest: %s", s->status + 6);
		err->errnum = EIO;
		return -1;
	}
	vm_log_tail(s->qemu.qemu_log, tail, sizeof(tail));
	if (tail[0] == '\0')
		vm_log_tail(s->qemu.console, tail, sizeof(tail));
	brig_err_set(err, 0, "the guest ended without an exit status (qemu %s %d)%s%s",
	             WIFSIGNALED(s->wait_status) ? "killed by signal" : "exit status",
	             WIFSIGNALED(s->wait_status) ? WTERMSIG(s->wait_status)
	                                         : WEXITSTATUS(s->wait_status),
	             tail[0] ? ": " : "", tail);
	err->errnum = EIO;
	return -1;
}

/* CREATE: the guest's first status line must be SPEC_READY.  Anything
 * else (an error line, qemu ending, no line in TIMEOUT_MS) fails, with
 * the guest's reason where it gave one. */
int
vm_wait_ready(struct vm_state *s, uint32_t timeout_ms, struct brig_err *err)
{
	size_t len = strlen(SPEC_READY);
	uint32_t code;

	while (s->status_len < len || memchr(s->status, '\n', s->status_len) == NULL) {
		struct pollfd p[2] = {{.fd = s->qemu.status_rd, .events = POLLIN},
		                      {.fd = IPC_HELPER_FD, .events = POLLRDHUP}};
		ssize_t n;
		int ready = poll(p, 2, (int) timeout_ms);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			char tail[256];

			vm_log_tail(s->qemu.qemu_log, tail, sizeof(tail));
			return brig_err_set(err, ETIMEDOUT, "the guest was not ready in %u s%s%s",
			                    timeout_ms / 1000, tail[0] ? "; qemu: " : "", tail);
		}
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return brig_err_set(err, ECONNRESET, "the caller went away");
		n = vm_status_read(s);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || s->status_len >= sizeof(s->status) - 1) {
			/* qemu has ended, or the guest says too much: why? */
			collect(s, 1000, err);
			if (vm_parse_status(s, &code, err) == 0)
				brig_err_set(err, EIO, "the guest ended (status %u) before the process", code);
			return -1;
		}
	}
	if (memcmp(s->status, SPEC_READY, len) != 0) {
		collect(s, 1000, err);
		vm_parse_status(s, &code, err);
		return -1;
	}
	s->status_len -= len;
	memmove(s->status, s->status + len, s->status_len);
	return 0;
}

/* IPC_VM_WAIT.  Privilege: the caller's. */
static int
handle_wait(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	struct vm_state *s = state;
	struct ipc_reader r;
	uint32_t timeout_ms = 0, code = 0;

	ipc_reader_init(&r, req->payload, req->hdr.payload_len);
	if (ipc_get_u32(&r, &timeout_ms) < 0 || ipc_reader_end(&r) < 0)
		return brig_err_set(&reply->err, EBADMSG, "wait: %s", r.why ? r.why : "malformed");
	if (!s->started)
		return brig_err_set(&reply->err, EINVAL, "wait: no VM started");
	if (collect(s, timeout_ms, &reply->err) < 0 || vm_parse_status(s, &code, &reply->err) < 0)
		return -1;
	reply->fds[0] = vmmsg_status_memfd(code, &reply->err);
	if (reply->fds[0] < 0)
		return -1;
	reply->nfds = 1;
	return 0;
}

/* ---- KILL and STOP ---- */

static int
signal_allowed(uint32_t sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
	case SIGKILL:
	case SIGHUP:
	case SIGQUIT:
	case SIGUSR1:
	case SIGUSR2:
		return 1;
	default:
		return 0;
	}
}

/* IPC_VM_KILL.  Privilege: the caller's; acts inside the guest only. */
static int
handle_kill(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	struct vm_state *s = state;
	struct ipc_reader r;
	uint32_t sig = 0;
	unsigned char b;

	ipc_reader_init(&r, req->payload, req->hdr.payload_len);
	if (ipc_get_u32(&r, &sig) < 0 || ipc_reader_end(&r) < 0)
		return brig_err_set(&reply->err, EBADMSG, "kill: %s", r.why ? r.why : "malformed");
	if (!signal_allowed(sig))
		return brig_err_set(&reply->err, EINVAL, "kill: signal %u is not forwarded", sig);
	if (!s->started || s->qemu.signal_wr < 0)
		return brig_err_set(&reply->err, ESRCH, "kill: no VM running");
	b = (unsigned char) sig;
	/* qemu reads the pipe when the guest reads its port: a full pipe
	 * means the guest is not listening; do not block on it. */
	if (write(s->qemu.signal_wr, &b, 1) != 1)
		return brig_err_set(&reply->err, errno, "kill: signal port");
	return 0;
}

void
vm_stop_qemu(struct vm_state *s)
{
	if (!s->started || s->reaped)
		return;
	kill(s->qemu.pid, SIGKILL);
	vm_reap(s);
}

/* IPC_VM_STOP.  Privilege: the caller's; kills only the qemu it started. */
static int
handle_stop(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	if (req->hdr.payload_len != 0)
		return brig_err_set(&reply->err, EBADMSG, "stop: payload not empty");
	vm_stop_qemu(state);
	reply->done = 1;
	return 0;
}

static const struct helper_op ops[] = {
    {IPC_VM_START, 3, handle_start},
    {IPC_VM_WAIT, 0, handle_wait},
    {IPC_VM_KILL, 0, handle_kill},
    {IPC_VM_STOP, 0, handle_stop},
    {IPC_VM_CREATE, 4, handle_create},
};

int
main(void)
{
	static struct vm_state s;
	int ret;

	s.release_fd = -1;
	helper_harden(NAME);
	/* A setuid install: host privilege is never used for a user. */
	if (getuid() != 0 && helper_drop_to_caller() < 0) {
		perror(NAME ": drop privilege");
		return 2;
	}
	ret = helper_serve(NAME, ops, sizeof(ops) / sizeof(ops[0]), &s);
	if (ret == 0 && s.monitor)
		return vm_monitor(&s);
	vm_stop_qemu(&s);
	return ret;
}
