/* waiter.c - copy brig-wait into a sealed memfd and exec it. */
#include "front/waiter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/xalloc.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern const unsigned char brig_wait_bytes[];
extern const size_t brig_wait_bytes_len;

static int
sealed_memfd(struct brig_err *err)
{
	int fd = memfd_create("brig-wait", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	size_t off = 0;

	/* Kernels before 6.3 do not know MFD_EXEC (every memfd is
	 * executable there). */
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("brig-wait", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return brig_err_set(err, errno, "memfd for the waiting init");
	while (off < brig_wait_bytes_len) {
		ssize_t n = write(fd, brig_wait_bytes + off, brig_wait_bytes_len - off);
		if (n <= 0) {
			close(fd);
			return brig_err_set(err, errno ? errno : EIO, "write the waiting init");
		}
		off += (size_t) n;
	}
	/* Nobody, not even root through /proc/1/exe, can change it now. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		close(fd);
		return brig_err_set(err, errno, "seal the waiting init");
	}
	return fd;
}

int
waiter_exec(int fifo_fd, const char *path, char *const argv[], char *const envp[],
	    struct brig_err *err)
{
	char fdbuf[16];
	size_t argc = 0;
	char **wargv;
	int mfd;

	while (argv[argc] != NULL)
		argc++;
	mfd = sealed_memfd(err);
	if (mfd < 0)
		return -1;
	if (fifo_fd >= 0 && fcntl(fifo_fd, F_SETFD, 0) < 0) {
		close(mfd);
		return brig_err_set(err, errno, "pass the exec fifo to the waiting init");
	}
	if (fifo_fd >= 0)
		snprintf(fdbuf, sizeof(fdbuf), "%d", fifo_fd);
	else
		snprintf(fdbuf, sizeof(fdbuf), "-");
	wargv = xcalloc(argc + 4, sizeof(char *));
	wargv[0] = "brig-wait";
	wargv[1] = fdbuf;
	wargv[2] = (char *) path;
	memcpy(wargv + 3, argv, argc * sizeof(char *));
	execveat(mfd, "", wargv, envp, AT_EMPTY_PATH);
	brig_err_set(err, errno, "exec the waiting init");
	free(wargv);
	close(mfd);
	return -1;
}
