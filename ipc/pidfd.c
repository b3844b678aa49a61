/* pidfd.c - checking a pidfd received over the socket. */
#include "ipc/pidfd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"

long
ipc_pidfd_pid(int fd)
{
	char path[64], line[128];
	cleanup_fclose FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Pid:", 4) == 0)
			return strtol(line + 4, NULL, 10);
	return -1;
}

long
ipc_pidfd_check(int fd, const char *what, struct brig_err *err)
{
	char path[64], target[64];
	ssize_t n;
	long pid;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return brig_err_set(err, errno, "%s: cannot inspect the fd", what);
	target[n] = '\0';
	if (strcmp(target, "anon_inode:[pidfd]") != 0 && strncmp(target, "pidfd:", 6) != 0)
		return brig_err_set(err, EBADF, "%s: the fd is not a pidfd (%s)", what, target);
	pid = ipc_pidfd_pid(fd);
	if (pid <= 0)
		return brig_err_set(err, ESRCH, "%s: the container init", what);
	return pid;
}
