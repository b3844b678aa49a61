/* proc.c - process start times, checked pidfds, signal names. */
#include "front/proc.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/err.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

uint64_t
proc_stat(pid_t pid, char *state)
{
	char path[64], buf[1024];
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and parentheses: skip
	 * to the last ')'; field 3 (the state) follows it. */
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return 0;
	if (state != NULL)
		*state = p[2];
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return 0;
	}
	return strtoull(p + 1, NULL, 10);
}

uint64_t
proc_start_time(pid_t pid)
{
	return proc_stat(pid, NULL);
}

int
proc_pidfd_checked(pid_t pid, uint64_t start_time)
{
	int fd;

	if (pid <= 0)
		return -1;
	fd = sys_pidfd_open(pid, 0);
	if (fd < 0)
		return -1;
	/* Read the start time after opening the pidfd: if it still matches,
	 * the pidfd is bound to our process, whatever happens next. */
	if (proc_start_time(pid) != start_time) {
		close(fd);
		return -1;
	}
	return fd;
}

int
proc_wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

int
proc_ns_flags_differing(pid_t pid)
{
	static const struct {
		const char *name;
		int flag;
	} kinds[] = {
		{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },   { "pid", CLONE_NEWPID },
		{ "net", CLONE_NEWNET },   { "ipc", CLONE_NEWIPC },  { "uts", CLONE_NEWUTS },
		{ "cgroup", CLONE_NEWCGROUP },
	};
	int flags = 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char path[64];
		struct stat a, b;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) pid, kinds[i].name);
		if (stat(path, &a) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", kinds[i].name);
		if (stat(path, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			flags |= kinds[i].flag;
	}
	return flags;
}

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int
proc_signal_parse(const char *s)
{
	char *end;
	long n;

	if (s == NULL || *s == '\0')
		return -1;
	if (isdigit((unsigned char) s[0])) {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0' || n <= 0 || n > SIGRTMAX)
			return -1;
		return (int) n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (strcasecmp(s, signal_names[i].name) == 0)
			return signal_names[i].sig;
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		bool min = strncasecmp(s, "RTMIN", 5) == 0;
		long off = 0;
		if (s[5] != '\0') {
			off = strtol(s + 5, &end, 10);
			if (*end != '\0')
				return -1;
		}
		n = min ? SIGRTMIN + off : SIGRTMAX + off;
		return (n >= SIGRTMIN && n <= SIGRTMAX) ? (int) n : -1;
	}
	return -1;
}

void
proc_block_signals(sigset_t *all, sigset_t *saved)
{
	sigfillset(all);
	sigdelset(all, SIGSEGV);
	sigdelset(all, SIGBUS);
	sigdelset(all, SIGFPE);
	sigdelset(all, SIGILL);
	sigprocmask(SIG_BLOCK, all, saved);
}

int
proc_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int
proc_forward_and_wait(pid_t pid, int pidfd, const sigset_t *mask)
{
	int sfd = signalfd(-1, mask, SFD_CLOEXEC);
	struct pollfd p[2] = {
		{ .fd = pidfd, .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	int status = 0;

	for (;;) {
		if (poll(p, sfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD)
				sys_pidfd_send_signal(pidfd, (int) si.ssi_signo, 0);
		}
		if (p[0].revents & POLLIN)
			break;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (sfd >= 0)
		close(sfd);
	return status;
}

int
proc_write_pid_file(const char *path, pid_t pid, struct brig_err *err)
{
	cleanup_free char *tmp = xasprintf("%s.brig-tmp", path);
	char buf[32];
	int fd, n;

	n = snprintf(buf, sizeof(buf), "%d", (int) pid);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return brig_err_set(err, errno, "--pid-file %s", path);
	if (write(fd, buf, (size_t) n) != n) {
		close(fd);
		unlink(tmp);
		return brig_err_set(err, errno, "--pid-file %s", path);
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return brig_err_set(err, errno, "--pid-file %s", path);
	}
	return 0;
}
