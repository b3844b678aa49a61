/* main.c - brig-net: network devices and veth pairs for a container.
 *
 * Started by brig only when a container has network work beyond loopback
 * (linux.netDevices, or the run.brig.net.* annotations), with its socket
 * as fd 3; serves the IPC_NET_* requests of ipc/netmsg.h.  Every request
 * is decoded, checked field by field (netmsg_check), and for a caller
 * that is not root, served by a privileged install, allowed only as the
 * policy says (user.c).  The container's network namespace comes as an
 * nsfs fd, checked (fstatfs NSFS_MAGIC, NS_GET_NSTYPE) before use.
 *
 * Privilege (net_caps_init): CAP_NET_ADMIN and CAP_SYS_ADMIN (setns into
 * the container's netns), nothing else.  A setuid or file-capability
 * install first sets its fs ids to root, so that the quota files under
 * /run/brig-net are root's, then drops CAP_SETUID/CAP_SETGID with the rest.
 */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers/net/net.h"
#include "ipc/cgroupmsg.h"
#include "ipc/helper.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"

#define NAME "brig-net"

struct net_state {
	struct net_user user;
	int hostns; /* our own netns, to come back to after setns */
};

int
net_caps_init(struct brig_err *err)
{
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0; /* nothing to drop; requests fail with EPERM */
	if (helper_own_files_as_root(err) < 0)
		return -1;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			  CAP_NET_ADMIN, CAP_SYS_ADMIN, -1) != 0 ||
	    capng_apply(CAPNG_SELECT_BOTH) != 0)
		return brig_err_set(err, EPERM, "cannot drop capabilities");
	return 0;
}

static int
decode(struct ipc_msg *msg, struct net_request *req, struct brig_err *err)
{
	struct ipc_reader r;

	memset(req, 0, sizeof(*req));
	ipc_reader_init(&r, msg->payload, msg->hdr.payload_len);
	if (netmsg_decode(&r, msg->hdr.type, req, err) < 0)
		return -1;
	if (netmsg_check(msg->hdr.type, req, err) < 0) {
		netmsg_free(req);
		return -1;
	}
	return 0;
}

/* Undo the first N moves of REQ (a failed SETUP). */
static void
return_devices(struct net_socks *s, int hostns, const struct net_request *req, uint32_t n)
{
	struct brig_err ignored;

	while (n-- > 0)
		net_link_move(s->ctr, s->host, hostns, req->devices[n].name,
			      req->devices[n].host_name, &ignored);
}

static int
move_in(struct net_socks *s, int nsfd, int hostns, const struct net_request *req,
	struct brig_err *err)
{
	for (uint32_t i = 0; i < req->n_devices; i++) {
		const struct net_device_move *d = &req->devices[i];
		if (net_link_move(s->host, s->ctr, nsfd, d->host_name, d->name, err) < 0) {
			return_devices(s, hostns, req, i);
			return brig_err_wrap(err, "linux.netDevices: %s", d->host_name);
		}
	}
	return 0;
}

/* The veth, counted against the caller's quota under the lock. */
static int
make_veth(struct net_state *st, struct net_socks *s, int nsfd, uint64_t ctr_ino,
	  const struct net_request *req, struct net_made *made, struct brig_err *err)
{
	struct net_user *u = &st->user;
	char host[NETMSG_IFNAMSIZ];
	int bridge, ifindex, ret;

	net_host_ifname(u->who.uid, req->id, host);
	if (net_bridge_index(s->host, req->veth.bridge, &bridge, err) < 0)
		return -1;
	if (net_user_lock(u, s->host, err) < 0)
		return -1;
	ret = net_user_quota(u, err);
	if (ret == 0)
		ret = net_veth_make(s, nsfd, host, bridge, &req->veth, &ifindex, err);
	if (ret == 0 && net_user_record(u, ctr_ino, ifindex, host, err) < 0) {
		struct brig_err ignored;
		net_veth_delete(s->host, host, &ignored);
		ret = -1;
	}
	net_user_unlock(u);
	if (ret < 0)
		return brig_err_wrap(err, "veth on %s", req->veth.bridge);
	made->host_ifname = strdup(host);
	made->host_ifindex = (uint32_t) ifindex;
	return made->host_ifname ? 0 : brig_err_set(err, ENOMEM, "veth");
}

static int
reply_made(struct helper_reply *reply, const struct net_made *m)
{
	struct ipc_writer w;
	int fd;

	ipc_writer_init(&w);
	netmsg_encode_made(&w, m);
	fd = cgmsg_reply_memfd(&w, &reply->err);
	ipc_writer_free(&w);
	if (fd < 0)
		return -1;
	reply->fds[0] = fd;
	reply->nfds = 1;
	return 0;
}

/* IPC_NET_SETUP: move the devices in, make the veth.  All or nothing: a
 * failure puts back what was moved and deletes the veth. */
static int
handle_setup(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct net_state *st = state;
	struct net_request req;
	struct net_socks s = { 0 };
	struct net_made made = { 0 };
	uint64_t ino;
	int nsfd = msg->fds[0], ret;

	if (decode(msg, &req, &reply->err) < 0)
		return -1;
	ret = net_user_allow(&st->user, &req, &reply->err);
	if (ret == 0)
		ret = net_check_netns(&st->user, nsfd, st->hostns, &ino, &reply->err);
	if (ret == 0)
		ret = net_socks_open(&s, st->hostns, nsfd, &reply->err);
	if (ret == 0)
		ret = move_in(&s, nsfd, st->hostns, &req, &reply->err);
	if (ret == 0 && req.has_veth &&
	    make_veth(st, &s, nsfd, ino, &req, &made, &reply->err) < 0) {
		return_devices(&s, st->hostns, &req, req.n_devices);
		ret = -1;
	}
	made.n_moved = ret == 0 ? req.n_devices : 0;
	if (ret == 0)
		ret = reply_made(reply, &made);
	net_socks_close(&s);
	netmsg_made_free(&made);
	netmsg_free(&req);
	return ret;
}

/* IPC_NET_RETURN (root only): the devices back to the host under their
 * own names, before the container's netns goes away (a virtual device
 * would die with it).  Each one is tried; the first failure is told. */
static int
handle_return(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct net_state *st = state;
	struct net_request req;
	struct net_socks s = { 0 };
	struct brig_err one;
	uint64_t ino;
	int ret;

	if (decode(msg, &req, &reply->err) < 0)
		return -1;
	ret = st->user.active ? brig_err_set(&reply->err, EPERM, "linux.netDevices: only for root")
			      : 0;
	if (ret == 0)
		ret = net_check_netns(&st->user, msg->fds[0], st->hostns, &ino, &reply->err);
	if (ret == 0)
		ret = net_socks_open(&s, st->hostns, msg->fds[0], &reply->err);
	for (uint32_t i = 0; ret == 0 && i < req.n_devices; i++)
		if (net_link_move(s.ctr, s.host, st->hostns, req.devices[i].name,
				  req.devices[i].host_name, &one) < 0 && one.errnum != ENODEV &&
		    reply->err.msg[0] == '\0')
			reply->err = one;
	net_socks_close(&s);
	netmsg_free(&req);
	return ret < 0 || reply->err.msg[0] != '\0' ? -1 : 0;
}

/* IPC_NET_RELEASE: delete the host end of the container's veth (the
 * pair goes with it) if it is still there.  A user's is deleted only
 * when the quota records say it is theirs; one that is not is treated as
 * absent, as a missing one is. */
static int
handle_release(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct net_state *st = state;
	struct net_user *u = &st->user;
	struct net_request req;
	struct net_socks s = { 0 };
	char host[NETMSG_IFNAMSIZ];
	int ret;

	if (decode(msg, &req, &reply->err) < 0)
		return -1;
	net_host_ifname(u->who.uid, req.id, host);
	ret = net_socks_open(&s, st->hostns, -1, &reply->err);
	if (ret == 0)
		ret = net_user_lock(u, s.host, &reply->err);
	/* The record goes only once the veth is gone: a delete that fails
	 * leaves it counted against the user's max=. */
	if (ret == 0 && (!u->active || net_user_owns(u, host, false)) &&
	    net_veth_delete(s.host, host, &reply->err) < 0 && reply->err.errnum != ENODEV)
		ret = -1;
	if (ret == 0) {
		brig_err_clear(&reply->err);
		if (u->active)
			net_user_owns(u, host, true);
	}
	net_user_unlock(u);
	net_socks_close(&s);
	netmsg_free(&req);
	return ret;
}

static const struct helper_op ops[] = {
	{ IPC_NET_SETUP, 1, handle_setup },
	{ IPC_NET_RETURN, 1, handle_return },
	{ IPC_NET_RELEASE, 0, handle_release },
};

int
main(void)
{
	struct net_state st;
	struct brig_err err;
	bool privileged;
	int status;

	helper_harden(NAME);
	privileged = helper_is_privileged_for_user() || geteuid() == 0;
	if (net_caps_init(&err) < 0 || net_user_init(&st.user, privileged, &err) < 0) {
		fprintf(stderr, NAME ": %s\n", err.msg);
		return 2;
	}
	if (!privileged) {
		/* Rootless, not installed privileged: no host network to touch. */
		fprintf(stderr, NAME ": not installed privileged: a veth or netDevices needs root "
				    "or a setuid/file-capability brig-net (brig-net(8))\n");
		net_user_free(&st.user);
		return 2;
	}
	st.hostns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (st.hostns < 0) {
		fprintf(stderr, NAME ": open our network namespace: %s\n", strerror(errno));
		return 2;
	}
	status = helper_serve(NAME, ops, sizeof(ops) / sizeof(ops[0]), &st);
	net_user_free(&st.user);
	close(st.hostns);
	return status;
}
