/* waiter.h - the init's exec into brig-wait from a sealed memfd. */
#ifndef BRIG_FRONT_WAITER_H
#define BRIG_FRONT_WAITER_H

#include "lib/err.h"

/* Exec brig-wait (embedded bytes, in a sealed memfd) so the created
 * container waits for start without a host binary behind /proc/1/exe.
 * It reads one byte from FIFO_FD, then execs PATH with ARGV and ENVP;
 * with FIFO_FD -1 it execs at once (run, exec: the container's process is
 * never exec'd by a process whose /proc/self/exe is the host's brig).
 * Returns only on failure. */
int waiter_exec(int fifo_fd, const char *path, char *const argv[], char *const envp[],
		struct brig_err *err);

#endif
