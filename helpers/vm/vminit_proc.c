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
#include <stdlib.h>
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

/* PATH lookup as execvp will do it, so that a held process can report a
 * missing executable before it is released (runc's create fails then too). */
static int
child_find(const char *file)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(file, '/') != NULL)
		return access(file, X_OK);
	if (path == NULL)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path != '\0') {
		size_t len = strcspn(path, ":");
		int n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int) len, path, len ? "/" : "", file);

		if (n > 0 && (size_t) n < sizeof(buf) && access(buf, X_OK) == 0)
			return 0;
		path += len;
		path += *path == ':';
	}
	errno = ENOENT;
	return -1;
}

/* Held: tell the parent we are ready (one NUL byte: error texts are never
 * empty), then wait for its go.  End of file without a go: give up. */
static void
child_hold(const struct vmi_spec *s, int pipefd, int gofd)
{
	char step[300], b;

	snprintf(step, sizeof(step), "exec %s", s->argv[0]);
	if (child_find(s->argv[0]) < 0)
		child_fail(pipefd, step);
	if (write(pipefd, "", 1) != 1)
		_exit(127);
	if (read(gofd, &b, 1) != 1)
		_exit(127);
	close(gofd);
}

static void __attribute__((noreturn))
child_run(const struct vmi_spec *s, int nul, int out, int err, int pipefd, int gofd)
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
	if (gofd >= 0)
		child_hold(s, pipefd, gofd);
	execvp(s->argv[0], s->argv);
	snprintf(step, sizeof(step), "exec %s", s->argv[0]);
	child_fail(pipefd, step);
}

/* The child's report: end of file (it exec'd: the pipe is close-on-exec),
 * one NUL byte (held and ready), or the text of its failure.  Returns 0,
 * or -1 with WHY set. */
static int
read_report(int fd, int *ready, char *why, size_t whylen)
{
	ssize_t n;

	do
		n = read(fd, why, whylen - 1);
	while (n < 0 && errno == EINTR);
	*ready = n == 1 && why[0] == '\0';
	if (n > 0 && !*ready) {
		why[n] = '\0';
		return -1; /* the child has exited: we power off unreaped */
	}
	return 0;
}

int
vmi_spawn(const struct vmi_spec *s, int nul, int out, int err, struct vmi_child *c, char *why,
          size_t whylen)
{
	int p[2], g[2] = {-1, -1}, ready;

	c->go = c->report = -1;
	if (pipe2(p, O_CLOEXEC) < 0 || (s->hold && pipe2(g, O_CLOEXEC) < 0)) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (c->pid == 0) {
		close(p[0]);
		if (g[1] >= 0)
			close(g[1]);
		child_run(s, nul, out, err, p[1], g[0]);
	}
	close(p[1]);
	if (g[0] >= 0)
		close(g[0]);
	c->report = p[0];
	c->go = g[1];
	if (read_report(c->report, &ready, why, whylen) < 0)
		return -1;
	if (!s->hold) {
		close(c->report);
		c->report = -1;
	}
	return 0;
}

int
vmi_release(struct vmi_child *c, char *why, size_t whylen)
{
	int ready;

	if (write(c->go, "g", 1) != 1) {
		snprintf(why, whylen, "release the process: %s", strerror(errno));
		return -1;
	}
	close(c->go);
	c->go = -1;
	if (read_report(c->report, &ready, why, whylen) < 0)
		return -1;
	close(c->report);
	c->report = -1;
	return 0;
}
