/* monitor.c - brig-vm after IPC_VM_CREATE: the container's process as
 * brig and the engines see it.
 *
 * brig records this process's pid as the container's: engines wait for
 * it (conmon and containerd's shim reap it as the container's init), and
 * brig kill signals it.  So it behaves like a container's init:
 *   - it waits for the release byte (brig start writes exec.fifo, brig
 *     run a pipe), then tells the guest to exec the process;
 *   - every signal it gets but SIGCHLD goes to the guest's process;
 *     SIGKILL cannot be caught and ends it, and qemu with it
 *     (PR_SET_PDEATHSIG), as SIGKILL ends a container's init;
 *   - it exits with the process's status: the exit code, or 128 + the
 *     signal that ended it.  A guest that failed to run the process says
 *     why on our stderr, and we exit 127 (not found) or 255.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "helpers/vm/spec.h"
#include "helpers/vm/vm.h"

/* A signal byte for the guest.  The pipe is non-blocking: a guest that
 * does not read its port loses the signal rather than hang us. */
static void
to_guest(struct vm_state *s, unsigned char b)
{
	if (write(s->qemu.signal_wr, &b, 1) != 1)
		fprintf(stderr, "brig-vm: signal %u not passed to the guest: %s\n", b,
		        strerror(errno));
}

static void
on_signal(struct vm_state *s, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t) sizeof(si))
		if (si.ssi_signo != SIGCHLD && si.ssi_signo < 256)
			to_guest(s, (unsigned char) si.ssi_signo);
}

/* The release fd: one byte lets the process exec.  End of file (brig run
 * went away before releasing it) stops the VM. */
static void
on_release(struct vm_state *s)
{
	char b;
	ssize_t n;

	do
		n = read(s->release_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		to_guest(s, SPEC_GO);
	else
		vm_stop_qemu(s);
	/* Closing our end tells brig start, polling its end, that we took it. */
	close(s->release_fd);
	s->release_fd = -1;
}

/* Status bytes after "ready"; returns 0 at end of file (qemu ended). */
static int
on_status(struct vm_state *s)
{
	ssize_t n = vm_status_read(s);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	return n > 0;
}

static int
exit_code(struct vm_state *s)
{
	struct brig_err err;
	uint32_t code;

	vm_reap(s);
	if (vm_parse_status(s, &code, &err) == 0)
		return code > 255 ? 255 : (int) code;
	fprintf(stderr, "brig-vm: %s\n", err.msg);
	return strstr(err.msg, "guest: exec ") != NULL ? 127 : 255;
}

int
vm_monitor(struct vm_state *s)
{
	sigset_t all;
	int sfd;

	/* Not in brig's process group: a terminal's ^C reaches brig run, which
	 * passes it on once, not twice. */
	setsid();
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		perror("brig-vm: signalfd");
		vm_stop_qemu(s);
		return 255;
	}
	for (;;) {
		struct pollfd p[3] = {{.fd = s->qemu.status_rd, .events = POLLIN},
		                      {.fd = sfd, .events = POLLIN},
		                      {.fd = s->release_fd, .events = POLLIN}};

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN)
			on_signal(s, sfd);
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			on_release(s);
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && on_status(s) == 0)
			break;
	}
	close(sfd);
	return exit_code(s);
}
