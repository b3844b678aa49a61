/* hooks.c - run one kind of hooks with the state on stdin. */
#include "front/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/proc.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

struct hook_child {
	const struct cfg_hook *hook;
	int stdin_fd;
	int ns_pidfd;
	int ns_flags;
	char *const *argv;
	char *const *envp;
};

static char *empty_env[] = { NULL };

char **
strv_null_terminated(const struct cfg_strv *v)
{
	char **out = xcalloc(v->n + 1, sizeof(char *));

	for (size_t i = 0; i < v->n; i++)
		out[i] = v->v[i];
	return out;
}

/* Runs in a vfork-style child sharing our memory: only async-signal-safe
 * calls, and _exit.  setns() changes only this task's namespaces. */
static int
hook_child_fn(void *arg)
{
	struct hook_child *hc = arg;

	if (dup2(hc->stdin_fd, STDIN_FILENO) < 0)
		_exit(126);
	if (hc->ns_pidfd >= 0 && setns(hc->ns_pidfd, hc->ns_flags) < 0)
		_exit(126);
	execve(hc->hook->path, hc->argv, hc->envp);
	_exit(127);
}

static int
hook_wait(const char *kind, size_t i, const struct cfg_hook *h, pid_t pid, struct brig_err *err)
{
	int pidfd = sys_pidfd_open(pid, 0);
	int status = 0;

	if (pidfd >= 0 && h->has_timeout) {
		if (proc_wait_exit(pidfd, h->timeout * 1000) < 0) {
			sys_pidfd_send_signal(pidfd, SIGKILL, 0);
			waitpid(pid, &status, 0);
			close(pidfd);
			return brig_err_set(err, 0, "hook %s[%zu] %s: timed out after %d s", kind,
					    i, h->path, h->timeout);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return brig_err_set(err, errno, "hook %s[%zu] %s: wait", kind, i, h->path);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return brig_err_set(err, 0, "hook %s[%zu] %s: cannot be executed", kind, i, h->path);
	if (WIFEXITED(status))
		return brig_err_set(err, 0, "hook %s[%zu] %s: exit status %d", kind, i, h->path,
				    WEXITSTATUS(status));
	return brig_err_set(err, 0, "hook %s[%zu] %s: killed by signal %d", kind, i, h->path,
			    WTERMSIG(status));
}

static int
hook_run_one(const char *kind, size_t i, const struct cfg_hook *h, const char *state_json,
	     int ns_pidfd, int ns_flags, struct brig_err *err)
{
	static char stack[16384] __attribute__((aligned(16)));
	char *default_argv[] = { h->path, NULL };
	cleanup_free char **argv = h->args.n ? strv_null_terminated(&h->args) : NULL;
	cleanup_free char **envp = h->env.n ? strv_null_terminated(&h->env) : NULL;
	struct hook_child hc = {
		.hook = h,
		.ns_pidfd = ns_pidfd,
		.ns_flags = ns_flags,
		.argv = argv ? argv : default_argv,
		.envp = envp ? envp : empty_env,
	};
	size_t len = strlen(state_json);
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return brig_err_set(err, errno, "hook %s[%zu]: pipe", kind, i);
	hc.stdin_fd = p[0];
	pid = clone(hook_child_fn, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &hc);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return brig_err_set(err, errno, "hook %s[%zu] %s: start", kind, i, h->path);
	}
	/* The state is far smaller than a pipe's buffer: one write, no wait
	 * on a hook that never reads its stdin. */
	if (write(p[1], state_json, len) < 0 && errno != EPIPE) {
		/* the hook may have exited without reading: not an error */
	}
	close(p[1]);
	return hook_wait(kind, i, h, pid, err);
}

int
hooks_run(const char *kind, const struct cfg_hook *hooks, size_t n, const char *state_json,
	  int ns_pidfd, int ns_flags, struct brig_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (hook_run_one(kind, i, &hooks[i], state_json, ns_pidfd, ns_flags, err) < 0)
			return -1;
	return 0;
}
