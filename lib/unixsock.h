/* unixsock.h - connecting to a unix socket path and sending an fd with a
 * message: what the seccomp listenerPath and the --console-socket
 * protocols both are. */
#ifndef BRIG_LIB_UNIXSOCK_H
#define BRIG_LIB_UNIXSOCK_H

#include <stddef.h>

#include "lib/err.h"

/* A SOCK_STREAM connection to PATH; WHAT names it in errors
 * ("--console-socket", "linux.seccomp.listenerPath").  Returns the socket
 * or -1. */
int unix_connect(const char *path, const char *what, struct brig_err *err);

/* Send FD by SCM_RIGHTS with the first bytes of MSG (LEN > 0), then the
 * rest of MSG on the same stream.  Returns 0 or -1 with errno set. */
int unix_send_fd(int sock, const void *msg, size_t len, int fd);

#endif
