/* spawn.h - starting a helper with its end of a socketpair as fd 3. */
#ifndef BRIG_IPC_SPAWN_H
#define BRIG_IPC_SPAWN_H

#include <sys/types.h>

#include "lib/err.h"

struct ipc_helper_exec; /* what the starting child reads: private to spawn.c */

struct ipc_helper {
	const char *name; /* "brig-mount", for messages */
	pid_t pid;
	int sock; /* our end, SOCK_SEQPACKET, CLOEXEC */
	struct ipc_helper_exec *exec; /* kept until the helper is reaped */
};

/* Start DIR/NAME with an empty environment and only fds 0-2 and
 * IPC_HELPER_FD.  The child shares our memory until its exec (no copy of
 * our address space) but, unlike vfork or posix_spawn, we do not wait for
 * that exec: two helpers start side by side while brig goes on.  An exec
 * that fails shows as the helper closing its socket unanswered. */
int ipc_helper_spawn(struct ipc_helper *h, const char *dir, const char *name,
		     struct brig_err *err);

/* Close our end and let the helper go on without us (brig-vm becomes a
 * container's monitor, reaped by whoever reaps containers).  Only once it
 * answered a request: it has exec'd, so its start-up memory is free. */
void ipc_helper_detach(struct ipc_helper *h);

/* Close our end and reap the helper.  Returns its exit status (0 = clean). */
int ipc_helper_finish(struct ipc_helper *h);

#endif
