/* spawn.c - posix_spawn of a helper (glibc uses CLONE_VM|CLONE_VFORK). */
#include "ipc/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/wire.h"

int
ipc_helper_spawn(struct ipc_helper *h, const char *dir, const char *name,
		 struct brig_err *err)
{
	char path[PATH_MAX];
	char *argv[] = { (char *) name, NULL };
	char *envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	int sv[2];
	int ret;

	h->name = name;
	h->pid = -1;
	h->sock = -1;
	if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return brig_err_set(err, ENAMETOOLONG, "helper path %s/%s", dir, name);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return brig_err_set(err, errno, "socketpair for %s", name);
	posix_spawn_file_actions_init(&fa);
	/* dup2 onto IPC_HELPER_FD clears CLOEXEC on the copy; every other fd
	 * above it is closed, whatever the caller had open. */
	posix_spawn_file_actions_adddup2(&fa, sv[1], IPC_HELPER_FD);
	posix_spawn_file_actions_addclosefrom_np(&fa, IPC_HELPER_FD + 1);
	ret = posix_spawn(&h->pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (ret != 0) {
		close(sv[0]);
		h->pid = -1;
		return brig_err_set(err, ret, "start helper %s", path);
	}
	h->sock = sv[0];
	return 0;
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
	return status;
}
