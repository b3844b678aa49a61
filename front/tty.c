/* tty.c - see tty.h. */
#include "front/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "front/container.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/unixsock.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The slave is opened through the master (TIOCGPTPEER), never by a path
 * the container could have swapped. */
static int
open_pair(int *master, int *slave, struct brig_err *err)
{
	int unlock = 0;

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return brig_err_set(err, errno, "process.terminal: open /dev/ptmx in the container");
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0)
		return brig_err_set(err, errno, "process.terminal: unlock the pty");
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (*slave < 0)
		return brig_err_set(err, errno, "process.terminal: open the pty's slave");
	return 0;
}

int
tty_setup_in_container(const struct cfg_process *p, struct brig_err *err)
{
	int master = -1, slave = -1;

	if (open_pair(&master, &slave, err) < 0)
		goto fail;
	/* The user may not have been switched to yet: give it the slave. */
	(void) !fchown(slave, p->user.uid, (gid_t) -1);
	if (p->console_height || p->console_width) {
		struct winsize ws = {.ws_row = (unsigned short) p->console_height,
				     .ws_col = (unsigned short) p->console_width};
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	if (setsid() < 0 && errno != EPERM) {
		brig_err_set(err, errno, "process.terminal: new session");
		goto fail;
	}
	if (ioctl(slave, TIOCSCTTY, 0) < 0) {
		brig_err_set(err, errno, "process.terminal: make the pty the controlling terminal");
		goto fail;
	}
	for (int fd = 0; fd <= 2; fd++) {
		if (dup2(slave, fd) < 0) {
			brig_err_set(err, errno, "process.terminal: pty as stdio");
			goto fail;
		}
	}
	if (slave > 2)
		close(slave);
	return master;
fail:
	if (slave > 2)
		close(slave);
	if (master >= 0)
		close(master);
	return -1;
}

int
tty_pass_to_front(const struct cfg_process *p, int sock, struct brig_err *err)
{
	int master = tty_setup_in_container(p, err);
	int ret = 0;

	if (master < 0)
		return -1;
	if (sync_send_fd(sock, SYNC_CONSOLE, master) < 0)
		ret = brig_err_set(err, errno, "process.terminal: pass the pty to brig");
	close(master);
	return ret;
}

int
tty_send_console(const char *path, int master, struct brig_err *err)
{
	static const char name[] = "/dev/ptmx";
	cleanup_close int sock = unix_connect(path, "--console-socket", err);

	if (sock < 0)
		return -1;
	if (unix_send_fd(sock, name, sizeof(name) - 1, master) < 0)
		return brig_err_set(err, errno, "--console-socket: send to %s", path);
	return 0;
}

/* ---- the foreground relay ---- */

static void
copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static bool
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t) n;
	}
	return true;
}

/* Copy what FROM has now to TO; false at end of file or error. */
static bool
pump(int from, int to)
{
	char buf[8192];
	ssize_t n;

	do
		n = read(from, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return false;
	return write_all(to, buf, (size_t) n);
}

/* After the process exited: what the pty still holds. */
static void
drain(int master)
{
	int fl = fcntl(master, F_GETFL);

	if (fl >= 0)
		fcntl(master, F_SETFL, fl | O_NONBLOCK);
	while (pump(master, STDOUT_FILENO))
		;
}

static void
on_signal(int sfd, int master, int pidfd, bool stdin_tty)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo == SIGCHLD)
		return;
	if (si.ssi_signo == SIGWINCH) {
		if (stdin_tty)
			copy_winsize(STDIN_FILENO, master);
		return;
	}
	sys_pidfd_send_signal(pidfd, (int) si.ssi_signo, 0);
}

int
tty_relay(int master, pid_t pid, int pidfd, const sigset_t *mask)
{
	bool stdin_tty = isatty(STDIN_FILENO);
	struct termios saved, raw;
	int sfd = signalfd(-1, mask, SFD_CLOEXEC);
	struct pollfd p[4] = {
		{.fd = pidfd, .events = POLLIN},
		{.fd = master, .events = POLLIN},
		{.fd = sfd, .events = POLLIN},
		{.fd = STDIN_FILENO, .events = POLLIN},
	};
	int status = 0;

	if (stdin_tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		copy_winsize(STDIN_FILENO, master);
	} else {
		stdin_tty = false;
	}
	for (;;) {
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[2].revents & POLLIN)
			on_signal(sfd, master, pidfd, stdin_tty);
		if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(master, STDOUT_FILENO))
			p[1].fd = -1; /* the slave is closed: output is over */
		if ((p[3].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(STDIN_FILENO, master))
			p[3].fd = -1; /* our stdin ended: stop reading it */
		if (p[0].revents & POLLIN)
			break;
	}
	drain(master);
	if (stdin_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (sfd >= 0)
		close(sfd);
	return status;
}
