/* spawn.h - starting a helper with its end of a socketpair as fd 3. */
#ifndef BRIG_IPC_SPAWN_H
#define BRIG_IPC_SPAWN_H

#include <sys/types.h>

#include "lib/err.h"

struct ipc_helper {
	const char *name; /* "brig-mount", for messages */
	pid_t pid;
	int sock; /* our end, SOCK_SEQPACKET, CLOEXEC */
};

/* Start DIR/NAME with posix_spawn (vfork-style: no copy of our address
 * space), an empty environment and only fds 0-2 and IPC_HELPER_FD. */
int ipc_helper_spawn(struct ipc_helper *h, const char *dir, const char *name,
		     struct brig_err *err);

/* Close our end and reap the helper.  Returns its exit status (0 = clean). */
int ipc_helper_finish(struct ipc_helper *h);

#endif
