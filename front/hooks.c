/* hooks.c - run one kind of hooks with the state on stdin. */
#include "front/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
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

static int
hook_exec_fn(void *arg)
{
	struct hook_child *hc = arg;

	/* A hook in a pid namespace runs below a waiting child of ours: if
	 * that child is killed (timeout), the hook goes with it. */
	if (hc->ns_pidfd >= 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	execve(hc->hook->path, hc->argv, hc->envp);
	_exit(127);
}

/* Runs in a vfork-style child sharing our memory (plain hooks) or in a
 * forked child (hooks in the container's namespaces): setns() changes only
 * this task's namespaces.  A pid namespace holds only the children of
 * whoever joined it, so there the hook is started one level down and its
 * status passed up. */
static int
hook_child_fn(void *arg)
{
	static char stack2[16384] __attribute__((aligned(16)));
	struct hook_child *hc = arg;
	int status;
	pid_t pid;

	if (dup2(hc->stdin_fd, STDIN_FILENO) < 0)
		_exit(126);
	if (hc->ns_pidfd >= 0 && setns(hc->ns_pidfd, hc->ns_flags) < 0)
		_exit(126);
	if (hc->ns_pidfd < 0 || !(hc->ns_flags & CLONE_NEWPID))
		return hook_exec_fn(hc);
	pid = clone(hook_exec_fn, stack2 + sizeof(stack2), CLONE_VM | CLONE_VFORK | SIGCHLD, hc);
	if (pid < 0)
		_exit(126);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(126);
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
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

/* The state goes into the pipe before the hook starts, so nothing of
 * ours holds the write end once it runs (it sees end of file), and a hook
 * that never reads cannot block us. */
static int
state_pipe(const char *state_json, struct brig_err *err)
{
	size_t len = strlen(state_json);
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return brig_err_set(err, errno, "pipe for a hook's stdin");
	if (len > 65536)
		fcntl(p[1], F_SETPIPE_SZ, (int) len);
	if (write(p[1], state_json, len) != (ssize_t) len) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return brig_err_set(err, e, "write the state for a hook");
	}
	close(p[1]);
	return p[0];
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
	pid_t pid;

	hc.stdin_fd = state_pipe(state_json, err);
	if (hc.stdin_fd < 0)
		return brig_err_wrap(err, "hook %s[%zu] %s", kind, i, h->path);
	if (ns_pidfd >= 0) {
		/* Its own copy of us: it may wait for the hook while we keep
		 * time for the timeout. */
		pid = fork();
		if (pid == 0)
			_exit(hook_child_fn(&hc));
	} else {
		pid = clone(hook_child_fn, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD,
			    &hc);
	}
	close(hc.stdin_fd);
	if (pid < 0)
		return brig_err_set(err, errno, "hook %s[%zu] %s: start", kind, i, h->path);
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
