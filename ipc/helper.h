/* helper.h - the common skeleton of every helper program.
 *
 * A helper's main() calls helper_harden() first, then helper_serve() with
 * its dispatch table.  The table is the only way a request reaches code:
 * a type not in it, or with the wrong number of fds, ends the session.
 */
#ifndef BRIG_IPC_HELPER_H
#define BRIG_IPC_HELPER_H

#include <stdint.h>

#include "ipc/io.h"

struct helper_reply {
	struct brig_err err; /* err.msg[0] != 0 or errnum != 0: failure */
	int fds[IPC_MAX_FDS];
	uint32_t nfds;
	int done; /* set by a handler: end the session after replying */
};

typedef int (*helper_handler)(struct ipc_msg *req, struct helper_reply *reply, void *state);

struct helper_op {
	uint16_t type;
	uint32_t nfds;    /* exact number of fds the request must carry */
	helper_handler fn;
};

/* Make the process fit to act on requests: check that IPC_HELPER_FD is a
 * SOCK_SEQPACKET unix socket, clear the environment, close every other fd
 * above stderr, and make the process non-dumpable.  Exits 2 on failure. */
void helper_harden(const char *name);

/* Serve requests until the peer closes or a handler sets done.  Returns
 * the process exit status. */
int helper_serve(const char *name, const struct helper_op *ops, unsigned n_ops, void *state);

#endif
