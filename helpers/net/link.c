/* link.c - brig-net's netlink work, through libnl-route-3.
 *
 * Privilege: CAP_NET_ADMIN (links, addresses, routes in both network
 * namespaces) and CAP_SYS_ADMIN (setns into the container's netns, once,
 * to open a netlink socket that stays bound there).  Nothing here decides
 * whether a request may be done: main.c and user.c have checked it.
 *
 * Moving a link to another netns closes it and drops its addresses: they
 * are read first and added again on the other side, and the link is set
 * up again if it was up (runtime-spec: the device keeps its attributes).
 */
#include "helpers/net/net.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ADDRS 64

static void
cleanup_link_fn(struct rtnl_link **l)
{
	if (*l != NULL)
		rtnl_link_put(*l);
}
#define cleanup_link __attribute__((cleanup(cleanup_link_fn)))

static int
nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_EXIST:
		return EEXIST;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return ENODEV;
	case NLE_PERM:
		return EPERM;
	case NLE_BUSY:
		return EBUSY;
	case NLE_INVAL:
		return EINVAL;
	case NLE_NOMEM:
		return ENOMEM;
	default:
		return EIO;
	}
}

/* "WHAT: libnl's reason", with an errno for the front (libnl's codes are
 * not errnos). */
static int __attribute__((format(printf, 3, 4)))
nl_fail(struct brig_err *err, int nlerr, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	brig_err_set(err, 0, "%s: %s", what, nl_geterror(nlerr));
	err->errnum = nl_errno(nlerr);
	return -1;
}

static struct nl_sock *
sock_open(struct brig_err *err)
{
	struct nl_sock *s = nl_socket_alloc();
	int ret;

	if (s == NULL) {
		brig_err_set(err, ENOMEM, "netlink socket");
		return NULL;
	}
	ret = nl_connect(s, NETLINK_ROUTE);
	if (ret < 0) {
		nl_fail(err, ret, "netlink socket");
		nl_socket_free(s);
		return NULL;
	}
	return s;
}

int
net_socks_open(struct net_socks *s, int hostns, int nsfd, struct brig_err *err)
{
	s->host = s->ctr = NULL;
	s->host = sock_open(err);
	if (s->host == NULL)
		return -1;
	if (nsfd < 0)
		return 0;
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return brig_err_set(err, errno, "enter the container's network namespace");
	s->ctr = sock_open(err);
	/* Never go on in the wrong namespace. */
	if (setns(hostns, CLONE_NEWNET) < 0) {
		fprintf(stderr, "brig-net: cannot return to the host network namespace\n");
		_exit(2);
	}
	return s->ctr == NULL ? -1 : 0;
}

void
net_socks_close(struct net_socks *s)
{
	if (s->host != NULL)
		nl_socket_free(s->host);
	if (s->ctr != NULL)
		nl_socket_free(s->ctr);
	s->host = s->ctr = NULL;
}

/* ---- addresses ---- */

struct saved_addrs {
	unsigned n;
	struct rtnl_addr *a[MAX_ADDRS];
};

static void
saved_free(struct saved_addrs *s)
{
	for (unsigned i = 0; i < s->n; i++)
		rtnl_addr_put(s->a[i]);
	s->n = 0;
}

/* IPv6 link-local addresses come back by themselves when the link goes
 * up in its new namespace. */
static bool
is_link_local6(struct rtnl_addr *a)
{
	struct nl_addr *l = rtnl_addr_get_local(a);
	const uint8_t *b;

	if (rtnl_addr_get_family(a) != AF_INET6 || l == NULL || nl_addr_get_len(l) != 16)
		return false;
	b = nl_addr_get_binary_addr(l);
	return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

static int
addrs_save(struct nl_sock *s, int ifindex, struct saved_addrs *out, struct brig_err *err)
{
	struct nl_cache *cache = NULL;
	int ret = rtnl_addr_alloc_cache(s, &cache);

	out->n = 0;
	if (ret < 0)
		return nl_fail(err, ret, "read addresses");
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *) o;
		if (rtnl_addr_get_ifindex(a) != ifindex || is_link_local6(a))
			continue;
		if (out->n == MAX_ADDRS)
			break;
		nl_object_get(o);
		out->a[out->n++] = a;
	}
	nl_cache_free(cache);
	return 0;
}

static int
addrs_restore(struct nl_sock *s, int ifindex, struct saved_addrs *saved, const char *name,
	      struct brig_err *err)
{
	for (unsigned i = 0; i < saved->n; i++) {
		struct rtnl_addr *old = saved->a[i], *a = rtnl_addr_alloc();
		int ret;
		if (a == NULL)
			return brig_err_set(err, ENOMEM, "%s: address", name);
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_family(a, rtnl_addr_get_family(old));
		rtnl_addr_set_local(a, rtnl_addr_get_local(old));
		if (rtnl_addr_get_peer(old) != NULL)
			rtnl_addr_set_peer(a, rtnl_addr_get_peer(old));
		if (rtnl_addr_get_broadcast(old) != NULL)
			rtnl_addr_set_broadcast(a, rtnl_addr_get_broadcast(old));
		rtnl_addr_set_prefixlen(a, rtnl_addr_get_prefixlen(old));
		rtnl_addr_set_scope(a, rtnl_addr_get_scope(old));
		ret = rtnl_addr_add(s, a, 0);
		rtnl_addr_put(a);
		if (ret < 0 && ret != -NLE_EXIST)
			return nl_fail(err, ret, "%s: keep its address", name);
	}
	return 0;
}

/* ---- links ---- */

static int
link_get(struct nl_sock *s, const char *name, struct rtnl_link **l, struct brig_err *err)
{
	int ret = rtnl_link_get_kernel(s, 0, name, l);

	if (ret < 0) {
		*l = NULL;
		return brig_err_set(err, ENODEV, "%s", name);
	}
	return 0;
}

static int
link_set_up(struct nl_sock *s, struct rtnl_link *l, int master, const char *name,
	    struct brig_err *err)
{
	cleanup_link struct rtnl_link *c = rtnl_link_alloc();
	int ret;

	if (c == NULL)
		return brig_err_set(err, ENOMEM, "%s", name);
	rtnl_link_set_flags(c, IFF_UP);
	if (master > 0)
		rtnl_link_set_master(c, master);
	ret = rtnl_link_change(s, l, c, 0);
	return ret < 0 ? nl_fail(err, ret, "%s: set up", name) : 0;
}

int
net_link_move(struct nl_sock *from, struct nl_sock *to, int to_nsfd, const char *name,
	      const char *newname, struct brig_err *err)
{
	cleanup_link struct rtnl_link *l = NULL, *moved = NULL;
	cleanup_link struct rtnl_link *c = NULL;
	struct saved_addrs saved = { 0 };
	bool was_up;
	int ret;

	if (link_get(from, name, &l, err) < 0)
		return -1;
	was_up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
	if (addrs_save(from, rtnl_link_get_ifindex(l), &saved, err) < 0)
		return brig_err_wrap(err, "%s", name);
	c = rtnl_link_alloc();
	if (c == NULL) {
		saved_free(&saved);
		return brig_err_set(err, ENOMEM, "%s", name);
	}
	rtnl_link_set_ns_fd(c, to_nsfd);
	if (strcmp(name, newname) != 0)
		rtnl_link_set_name(c, newname);
	ret = rtnl_link_change(from, l, c, 0);
	if (ret < 0) {
		saved_free(&saved);
		return nl_fail(err, ret, "%s: move", name);
	}
	ret = link_get(to, newname, &moved, err);
	if (ret == 0)
		ret = addrs_restore(to, rtnl_link_get_ifindex(moved), &saved, newname, err);
	if (ret == 0 && was_up)
		ret = link_set_up(to, moved, 0, newname, err);
	saved_free(&saved);
	return ret;
}

int
net_bridge_index(struct nl_sock *s, const char *name, int *ifindex, struct brig_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	const char *type;

	if (rtnl_link_get_kernel(s, 0, name, &l) < 0 || (type = rtnl_link_get_type(l)) == NULL ||
	    strcmp(type, "bridge") != 0)
		return brig_err_set(err, ENODEV, "bridge %s: no such bridge", name);
	*ifindex = rtnl_link_get_ifindex(l);
	return 0;
}

bool
net_link_alive(struct nl_sock *s, int ifindex, const char *name)
{
	cleanup_link struct rtnl_link *l = NULL;

	if (rtnl_link_get_kernel(s, ifindex, NULL, &l) < 0)
		return false;
	return strcmp(rtnl_link_get_name(l), name) == 0;
}

int
net_veth_delete(struct nl_sock *s, const char *name, struct brig_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	const char *type;
	int ret;

	if (rtnl_link_get_kernel(s, 0, name, &l) < 0)
		return brig_err_set(err, ENODEV, "%s", name);
	type = rtnl_link_get_type(l);
	if (type == NULL || strcmp(type, "veth") != 0)
		return brig_err_set(err, ENODEV, "%s: not a veth", name);
	ret = rtnl_link_delete(s, l);
	if (ret < 0 && ret != -NLE_OBJ_NOTFOUND && ret != -NLE_NODEV)
		return nl_fail(err, ret, "%s: delete", name);
	return 0;
}

/* ---- the veth's container end ---- */

static int
add_address(struct nl_sock *s, int ifindex, const char *cidr, struct brig_err *err)
{
	struct nl_addr *local = NULL;
	struct rtnl_addr *a;
	int ret = nl_addr_parse(cidr, AF_UNSPEC, &local);

	if (ret < 0)
		return brig_err_set(err, EINVAL, "address %s", cidr);
	a = rtnl_addr_alloc();
	if (a == NULL) {
		nl_addr_put(local);
		return brig_err_set(err, ENOMEM, "address %s", cidr);
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, (int) nl_addr_get_prefixlen(local));
	ret = rtnl_addr_add(s, a, 0);
	rtnl_addr_put(a);
	nl_addr_put(local);
	return ret < 0 ? nl_fail(err, ret, "address %s", cidr) : 0;
}

static int
add_default_route(struct nl_sock *s, int ifindex, const char *gateway, struct brig_err *err)
{
	struct nl_addr *gw = NULL, *dst = NULL;
	struct rtnl_route *r = NULL;
	struct rtnl_nexthop *nh = NULL;
	int ret = nl_addr_parse(gateway, AF_UNSPEC, &gw);

	if (ret < 0)
		return brig_err_set(err, EINVAL, "gateway %s", gateway);
	ret = nl_addr_parse("default", nl_addr_get_family(gw), &dst);
	r = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	if (ret < 0 || r == NULL || nh == NULL) {
		ret = brig_err_set(err, ENOMEM, "default route");
		goto out;
	}
	rtnl_route_set_family(r, (uint8_t) nl_addr_get_family(gw));
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_protocol(r, RTPROT_BOOT);
	rtnl_route_set_dst(r, dst);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL; /* the route owns it now */
	ret = rtnl_route_add(s, r, NLM_F_CREATE | NLM_F_EXCL);
	if (ret < 0)
		ret = nl_fail(err, ret, "default route via %s", gateway);
out:
	if (nh != NULL)
		rtnl_route_nh_free(nh);
	if (r != NULL)
		rtnl_route_put(r);
	if (dst != NULL)
		nl_addr_put(dst);
	nl_addr_put(gw);
	return ret;
}

static int
veth_container_end(struct nl_sock *s, const struct net_veth *v, struct brig_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	int idx;

	if (link_get(s, v->peer_name, &l, err) < 0)
		return brig_err_wrap(err, "the container's end");
	idx = rtnl_link_get_ifindex(l);
	if (v->address != NULL && add_address(s, idx, v->address, err) < 0)
		return -1;
	if (link_set_up(s, l, 0, v->peer_name, err) < 0)
		return -1;
	if (v->gateway != NULL && add_default_route(s, idx, v->gateway, err) < 0)
		return -1;
	return 0;
}

static int
veth_add(struct nl_sock *s, int nsfd, const char *host, const char *peer_name,
	 struct brig_err *err)
{
	struct rtnl_link *l = rtnl_link_veth_alloc(), *peer;
	int ret;

	if (l == NULL)
		return brig_err_set(err, ENOMEM, "veth %s", host);
	rtnl_link_set_name(l, host);
	peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(peer, peer_name);
	/* The peer is born in the container's netns: it never shows up in
	 * the host's under a name someone else could race for. */
	rtnl_link_set_ns_fd(peer, nsfd);
	rtnl_link_put(peer);
	ret = rtnl_link_add(s, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(l);
	return ret < 0 ? nl_fail(err, ret, "veth %s: create", host) : 0;
}

int
net_veth_make(struct net_socks *s, int nsfd, const char *host, int bridge_idx,
	      const struct net_veth *v, int *ifindex, struct brig_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	struct brig_err ignored;

	if (veth_add(s->host, nsfd, host, v->peer_name, err) < 0)
		return -1;
	if (link_get(s->host, host, &l, err) < 0 ||
	    link_set_up(s->host, l, bridge_idx, host, err) < 0 ||
	    veth_container_end(s->ctr, v, err) < 0) {
		/* Deleting one end deletes the pair. */
		net_veth_delete(s->host, host, &ignored);
		return -1;
	}
	*ifindex = rtnl_link_get_ifindex(l);
	return 0;
}
