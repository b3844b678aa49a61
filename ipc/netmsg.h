/* netmsg.h - the requests brig sends to brig-net, and its reply.
 *
 *   IPC_NET_SETUP    fds [the container's netns (an nsfs fd)]
 *                    devices to move in (and rename), the veth to make;
 *                    reply fds [memfd: struct net_made]
 *   IPC_NET_RETURN   fds [the container's netns]
 *                    devices to move back out (container name -> host name)
 *   IPC_NET_RELEASE  no fds; the container id: remove the host end of its
 *                    veth (and, for a user, its quota record)
 *
 * The host end of a veth is named by the helper, never by the request:
 * "brg" and 12 hex digits of a hash of the caller's uid and the container
 * id (net_host_ifname), so a request cannot name another user's veth.
 * Everything is checked again by the helper (netmsg_check): interface
 * names as the kernel takes them (1..15 bytes, no '/', ':' or white
 * space, not "." or ".."), addresses as CIDR, the gateway inside the
 * address's subnet.
 */
#ifndef BRIG_IPC_NETMSG_H
#define BRIG_IPC_NETMSG_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/codec.h"
#include "lib/err.h"

#define NETMSG_IFNAMSIZ 16 /* IFNAMSIZ: 15 bytes and the NUL */
#define NETMSG_MAX_DEVICES 64u

/* linux.netDevices: host_name moved into the container as name. */
struct net_device_move {
	char *host_name;
	char *name; /* the name in the container (= host_name when not renamed) */
};

struct net_veth {
	char *bridge;    /* an existing bridge of the host netns */
	char *peer_name; /* the container end's name ("eth0") */
	char *address;   /* "10.200.0.2/24" (or v6 "fd00::2/64"); NULL: none */
	char *gateway;   /* default route via; NULL: none (needs an address) */
};

struct net_request {
	char *id; /* container id: [A-Za-z0-9_+.-], not "." or ".." */
	uint32_t n_devices;
	struct net_device_move *devices;
	uint32_t has_veth; /* SETUP only */
	struct net_veth veth;
};

/* The reply of SETUP: what was made, for delete. */
struct net_made {
	char *host_ifname;      /* the host end of the veth, or NULL */
	uint32_t host_ifindex;  /* its index in the host netns */
	uint32_t n_moved;       /* devices moved in (all of the request's) */
};

void netmsg_encode(struct ipc_writer *w, uint16_t type, const struct net_request *req);
/* Decode into REQ (zeroed by the caller); on failure REQ is freed. */
int netmsg_decode(struct ipc_reader *r, uint16_t type, struct net_request *req,
		  struct brig_err *err);
/* The helper's check of every field. */
int netmsg_check(uint16_t type, const struct net_request *req, struct brig_err *err);
void netmsg_free(struct net_request *req);

void netmsg_encode_made(struct ipc_writer *w, const struct net_made *m);
int netmsg_decode_made(struct ipc_reader *r, struct net_made *m, struct brig_err *err);
void netmsg_made_free(struct net_made *m);

/* The checks netmsg_check makes, for the front's messages too. */
bool net_ifname_ok(const char *s);
bool net_id_ok(const char *s);
/* Parse "ADDR/PREFIX" (v4 or v6): FAMILY AF_INET or AF_INET6, ADDR 4 or
 * 16 bytes.  Returns 0 or -1. */
int net_parse_cidr(const char *s, int *family, uint8_t addr[16], unsigned *prefix);
/* GATEWAY (a plain address) inside the subnet of CIDR, and not the
 * address itself.  Returns 0 or -1 with ERR naming WHAT. */
int net_check_gateway(const char *cidr, const char *gateway, struct brig_err *err);

/* "brg" + 12 hex digits of sha256("UID:ID"): 15 bytes, the longest valid
 * ifname (48 bits: no user can search out another's name). */
void net_host_ifname(uint32_t uid, const char *id, char out[NETMSG_IFNAMSIZ]);

#endif
