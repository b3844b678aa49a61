/* vminit_proc.c - the container's process inside the guest.
 *
 * The process gets the virtio serial ports themselves as stdout and
 * stderr: nothing relays its output, and a write returns only once qemu
 * took the bytes (virtio_console waits for the host to use the buffer),
 * so all of it is out before vminit reports the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/vm/vminit.h"

extern char **environ;

/* The child's failure: the step and errno go up the pipe, then exit. */
static void __attribute__((noreturn)) child_fail(int pipefd, const char *step)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "%s: %s", step, strerror(errno));

	if (n > 0 && write(pipefd, msg, (size_t) n) < 0) {
		/* nothing more to tell anyone */
	}
	_exit(127);
}

static void
child_limits(const struct vmi_spec *s, int pipefd)
{
	for (size_t i = 0; i < s->nrlimits; i++) {
		struct rlimit rl = {.rlim_cur = s->rlimits[i].soft, .rlim_max = s->rlimits[i].hard};

		if (setrlimit(s->rlimits[i].type, &rl) < 0)
			child_fail(pipefd, "setrlimit");
	}
	umask(s->umask);
}

/* Groups, gid, uid: in this order, while we may still change them. */
static void
child_user(const struct vmi_spec *s, int pipefd)
{
	if (setgroups(s->ngroups, s->groups) < 0)
		child_fail(pipefd, "setgroups");
	if (setresgid(s->gid, s->gid, s->gid) < 0)
		child_fail(pipefd, "setgid");
	if (setresuid(s->uid, s->uid, s->uid) < 0)
		child_fail(pipefd, "setuid");
}

static void __attribute__((noreturn))
child_run(const struct vmi_spec *s, int nul, int out, int err, int pipefd)
{
	sigset_t none;
	char step[300];

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (dup2(nul, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		child_fail(pipefd, "stdio");
	child_limits(s, pipefd);
	if (chdir(s->cwd) < 0) {
		snprintf(step, sizeof(step), "chdir %s", s->cwd);
		child_fail(pipefd, step);
	}
	child_user(s, pipefd);
	/* execvp looks PATH up in our environment: make it the process's. */
	environ = (char **) s->envp;
	execvp(s->argv[0], s->argv);
	snprintf(step, sizeof(step), "exec %s", s->argv[0]);
	child_fail(pipefd, step);
}

pid_t
vmi_spawn(const struct vmi_spec *s, int nul, int out, int err, char *why, size_t whylen)
{
	int p[2];
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child_run(s, nul, out, err, p[1]);
	}
	close(p[1]);
	/* EOF: the exec happened (the pipe is close-on-exec). */
	do
		n = read(p[0], why, whylen - 1);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n > 0) {
		why[n] = '\0';
		return -1; /* the child has exited: we power off unreaped */
	}
	return pid;
}
