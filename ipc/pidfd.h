/* pidfd.h - the check every helper makes of a pidfd it is handed. */
#ifndef BRIG_IPC_PIDFD_H
#define BRIG_IPC_PIDFD_H

#include "lib/err.h"

/* FD must be a pidfd (an anonymous "[pidfd]" inode; kernels with pidfs say
 * "pidfd:[ino]") whose fdinfo names a live process.  Nothing else passes
 * both checks, so a helper cannot be pointed at a namespace file or at a
 * pid number that was reused.  Returns the pid, or -1 with ERR set
 * ("WHAT: the fd is not a pidfd"). */
long ipc_pidfd_check(int fd, const char *what, struct brig_err *err);

/* The "Pid:" line of a pidfd's fdinfo: > 0 while the process lives. */
long ipc_pidfd_pid(int fd);

#endif
