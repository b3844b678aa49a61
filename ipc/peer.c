/* peer.c - the calling user of a helper, from the kernel. */
#include "ipc/peer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Groups beyond this are refused rather than cut: a cut list could drop
 * the group a deny line names. */
#define PEER_MAX_GROUPS 65536u

static int
peer_groups(int sock, struct policy_subject *s, struct brig_err *err)
{
	socklen_t len = 32 * sizeof(gid_t);
	gid_t *g = NULL;

	for (;;) {
		gid_t *n = realloc(g, len ? len : sizeof(gid_t));
		if (n == NULL) {
			free(g);
			return brig_err_set(err, ENOMEM, "peer groups");
		}
		g = n;
		if (getsockopt(sock, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0)
			break;
		/* ERANGE: LEN now holds the size needed. */
		if (errno != ERANGE || len / sizeof(gid_t) > PEER_MAX_GROUPS) {
			int e = errno == ERANGE ? E2BIG : errno;
			free(g);
			return brig_err_set(err, e, "SO_PEERGROUPS of the caller's socket");
		}
	}
	s->groups = g;
	s->ngroups = len / sizeof(gid_t);
	return 0;
}

int
ipc_peer_subject(int sock, struct policy_subject *s, struct brig_err *err)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	memset(s, 0, sizeof(*s));
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || len != sizeof(cr))
		return brig_err_set(err, errno, "SO_PEERCRED of the caller's socket");
	/* An unmapped id reads as the overflow id: never a real user's. */
	s->uid = cr.uid;
	s->gid = cr.gid;
	return peer_groups(sock, s, err);
}

void
ipc_peer_subject_free(struct policy_subject *s)
{
	free((void *) s->groups);
	s->groups = NULL;
	s->ngroups = 0;
}
