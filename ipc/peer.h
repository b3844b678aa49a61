/* peer.h - who is at the other end of a helper's socket.
 *
 * A privileged helper decides what it does for a caller from the kernel's
 * word only: SO_PEERCRED (the uid and gid the front had when it made the
 * socketpair) and SO_PEERGROUPS (its supplementary groups).  Nothing a
 * message says about its sender is ever believed.
 */
#ifndef BRIG_IPC_PEER_H
#define BRIG_IPC_PEER_H

#include "lib/err.h"
#include "policy/policy.h"

/* Fill S (groups malloc'd) from socket SOCK.  Returns 0 or -1 with ERR. */
int ipc_peer_subject(int sock, struct policy_subject *s, struct brig_err *err);
void ipc_peer_subject_free(struct policy_subject *s);

#endif
