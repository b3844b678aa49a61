/* helper.h - the common skeleton of every helper program.
 *
 * A helper's main() calls helper_harden() first, then helper_serve() with
 * its dispatch table.  The table is the only way a request reaches code:
 * a type not in it, or with the wrong number of fds, ends the session.
 */
#ifndef BRIG_IPC_HELPER_H
#define BRIG_IPC_HELPER_H

#include <stdbool.h>
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

/* Make the process fit to act on requests, as a setuid program must be:
 * fds 0-2 open (/dev/null where closed), IPC_HELPER_FD a SOCK_SEQPACKET
 * AF_UNIX socket, every other fd closed, environment cleared, signal
 * dispositions and mask reset, umask 022, not dumpable.  Also notes
 * whether the helper was started with privilege its real user lacks.
 * Exits 2 on failure. */
void helper_harden(const char *name);

/* True when helper_harden found a privileged install acting for a user:
 * real and effective (or saved) ids differ (setuid/setgid), or the real
 * uid is not 0 and the process holds capabilities (file capabilities). */
bool helper_is_privileged_for_user(void);

/* Become the real user and nothing more: gids and uids set to the real
 * ones, every capability cleared (effective, permitted, inheritable,
 * ambient, and the bounding set where we may), no_new_privs set, and
 * checked that none of it can be regained.  Helpers that never use host
 * privilege for a user (brig-mount, brig-seccomp) call it first thing
 * when the real uid is not 0.  Returns 0, or -1 with errno. */
int helper_drop_to_caller(void);

/* Serve requests until the peer closes or a handler sets done.  Returns
 * the process exit status. */
int helper_serve(const char *name, const struct helper_op *ops, unsigned n_ops, void *state);

/* Whether this process holds any effective capability (a failing capget
 * counts as yes: the caller then keeps its stricter path). */
bool helper_has_caps(void);

/* A setuid start leaves our gids the caller's, file capabilities our uids
 * too: files we create would be the caller's, and the caller could signal
 * us (stop us between a check and an act).  With CAP_SETUID/CAP_SETGID,
 * make every id root's (before those capabilities are dropped). */
int helper_own_files_as_root(struct brig_err *err);

#endif
