/* spawn.c - start a helper without waiting for its exec.
 *
 * glibc's posix_spawn uses CLONE_VFORK: the parent sleeps until the
 * child's execve has loaded the helper (~1-2 ms here), and its child
 * resets every signal disposition first (~120 system calls).  brig starts
 * up to three helpers per container, so it clones with CLONE_VM alone:
 * the child runs on a stack of its own, makes three raw system calls
 * (dup3, close_range, execve) that touch no shared state, not even errno,
 * and brig goes on at once.  The stack and arguments stay allocated until
 * ipc_helper_finish() has reaped the helper.
 */
#include "ipc/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/wire.h"
#include "lib/rawsys.h"

#define SPAWN_STACK (64 * 1024)

struct ipc_helper_exec {
	char path[PATH_MAX];
	char *argv[2];
	char *envp[1];
	int child_sock;
	void *stack;
};

static int
spawn_child(void *arg)
{
	struct ipc_helper_exec *x = arg;

	if (raw_syscall3(SYS_dup3, x->child_sock, IPC_HELPER_FD, 0) < 0)
		raw_syscall3(SYS_exit, 126, 0, 0);
	raw_syscall3(SYS_close_range, IPC_HELPER_FD + 1, ~0u, 0);
	raw_syscall3(SYS_execve, (long) x->path, (long) x->argv, (long) x->envp);
	raw_syscall3(SYS_exit, 127, 0, 0);
	return 127;
}

static void
exec_free(struct ipc_helper_exec *x)
{
	if (x == NULL)
		return;
	if (x->stack != NULL && x->stack != MAP_FAILED)
		munmap(x->stack, SPAWN_STACK);
	free(x);
}

int
ipc_helper_spawn(struct ipc_helper *h, const char *dir, const char *name,
		 struct brig_err *err)
{
	struct ipc_helper_exec *x;
	int sv[2];
	pid_t pid;

	h->name = name;
	h->pid = -1;
	h->sock = -1;
	h->exec = NULL;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return brig_err_set(err, ENOMEM, "start helper %s", name);
	if ((size_t) snprintf(x->path, sizeof(x->path), "%s/%s", dir, name) >= sizeof(x->path)) {
		free(x);
		return brig_err_set(err, ENAMETOOLONG, "helper path %s/%s", dir, name);
	}
	/* The one check the child cannot report back: say it here. */
	if (access(x->path, X_OK) < 0) {
		int e = errno;
		free(x);
		return brig_err_set(err, e, "start helper %s/%s", dir, name);
	}
	x->argv[0] = (char *) name;
	x->stack = mmap(NULL, SPAWN_STACK, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (x->stack == MAP_FAILED) {
		exec_free(x);
		return brig_err_set(err, errno, "start helper %s", name);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		exec_free(x);
		return brig_err_set(err, errno, "socketpair for %s", name);
	}
	x->child_sock = sv[1];
	pid = clone(spawn_child, (char *) x->stack + SPAWN_STACK, CLONE_VM | SIGCHLD, x);
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		exec_free(x);
		return brig_err_set(err, e, "start helper %s", name);
	}
	/* Our copy of the child's end: the child has its own fd table. */
	close(sv[1]);
	h->pid = pid;
	h->sock = sv[0];
	h->exec = x;
	return 0;
}

void
ipc_helper_detach(struct ipc_helper *h)
{
	if (h->sock >= 0)
		close(h->sock);
	h->sock = -1;
	h->pid = -1;
	exec_free(h->exec);
	h->exec = NULL;
}

int
ipc_helper_finish(struct ipc_helper *h)
{
	int status = 0;

	if (h->sock >= 0) {
		close(h->sock);
		h->sock = -1;
	}
	if (h->pid > 0) {
		while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
			;
		h->pid = -1;
	}
	exec_free(h->exec);
	h->exec = NULL;
	return status;
}
