/* net.h - what the files of brig-net share.
 *
 * main.c   dispatch, capabilities, the three requests
 * link.c   netlink work through libnl-route-3: move a link between
 *          network namespaces keeping its addresses, make a veth pair,
 *          address and default route, delete
 * user.c   acting for an unprivileged caller: policy net.veth, netns
 *          ownership, the per-user veth quota under a lock
 */
#ifndef BRIG_HELPERS_NET_H
#define BRIG_HELPERS_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/netmsg.h"
#include "lib/err.h"
#include "policy/policy.h"

struct nl_sock;

/* Two netlink sockets: one in our (the host's) netns, one opened inside
 * the container's and bound to it for good. */
struct net_socks {
	struct nl_sock *host;
	struct nl_sock *ctr;
};

/* ---- link.c ---- */

/* Open S->host in our netns and S->ctr inside NSFD's (setns there and
 * back to HOSTNS). */
int net_socks_open(struct net_socks *s, int hostns, int nsfd, struct brig_err *err);
void net_socks_close(struct net_socks *s);

/* Move FROM's link NAME into the netns TO_NSFD as NEWNAME, its
 * addresses and up state kept (re-added through TO). */
int net_link_move(struct nl_sock *from, struct nl_sock *to, int to_nsfd, const char *name,
		  const char *newname, struct brig_err *err);

/* The index of bridge NAME in S's netns; ENODEV when absent or not a
 * bridge. */
int net_bridge_index(struct nl_sock *s, const char *name, int *ifindex, struct brig_err *err);

/* A veth pair: HOST in S->host's netns, enslaved to BRIDGE_IDX and up;
 * PEER made directly in NSFD's netns, given ADDRESS (CIDR or NULL), a
 * default route via GATEWAY (or NULL), and up.  The host end is deleted
 * again on failure.  *IFINDEX gets the host end's index. */
int net_veth_make(struct net_socks *s, int nsfd, const char *host, int bridge_idx,
		  const struct net_veth *v, int *ifindex, struct brig_err *err);

/* Delete link NAME of S's netns if it is a veth (ENODEV: none). */
int net_veth_delete(struct nl_sock *s, const char *name, struct brig_err *err);

/* Whether link IFINDEX of S's netns exists and is named NAME. */
bool net_link_alive(struct nl_sock *s, int ifindex, const char *name);

/* ---- user.c ---- */

struct net_user {
	bool active; /* a privileged install serving a caller who is not root */
	struct policy_subject who;
	char *bridge;  /* the rule's bridge= */
	uint64_t max;  /* the rule's max= */
	int lockfd;    /* held from net_user_lock to net_user_unlock */
	uint64_t hostns_ino;
};

int net_user_init(struct net_user *u, bool privileged, struct brig_err *err);
void net_user_free(struct net_user *u);

/* Policy for a SETUP: a net.veth rule, its bridge= equal to the
 * request's, no netDevices.  Root callers pass untouched. */
int net_user_allow(struct net_user *u, const struct net_request *req, struct brig_err *err);

/* NSFD must be a network namespace (nsfs, CLONE_NEWNET), not our own;
 * for a user, one whose owning user namespace the caller owns. */
int net_check_netns(const struct net_user *u, int nsfd, int hostns, uint64_t *ino,
		    struct brig_err *err);

/* The quota, under the lock of /run/brig-net/<host netns>.lock: prune
 * records of veths that are gone, refuse when the caller holds max=. */
int net_user_lock(struct net_user *u, struct nl_sock *host, struct brig_err *err);
int net_user_record(struct net_user *u, uint64_t ctr_ino, int ifindex, const char *ifname,
		    struct brig_err *err);
/* Under the lock, before a create: EDQUOT when the caller holds max=. */
int net_user_quota(struct net_user *u, struct brig_err *err);
/* Whether the caller holds a record of IFNAME; removes it when FORGET. */
bool net_user_owns(struct net_user *u, const char *ifname, bool forget);
void net_user_unlock(struct net_user *u);

/* ---- main.c ---- */
int net_caps_init(struct brig_err *err);

#endif
