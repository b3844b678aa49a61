/* netmsg.c - encoding, decoding and checking of the brig-net messages. */
#include "ipc/netmsg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipc/wire.h"
#include "lib/sha256.h"

/* ---- encoding ---- */

void
netmsg_encode(struct ipc_writer *w, uint16_t type, const struct net_request *req)
{
	ipc_put_str(w, req->id);
	ipc_put_u32(w, req->n_devices);
	for (uint32_t i = 0; i < req->n_devices; i++) {
		ipc_put_str(w, req->devices[i].host_name);
		ipc_put_str(w, req->devices[i].name);
	}
	if (type != IPC_NET_SETUP)
		return;
	ipc_put_u32(w, req->has_veth);
	if (!req->has_veth)
		return;
	ipc_put_str(w, req->veth.bridge);
	ipc_put_str(w, req->veth.peer_name);
	ipc_put_str(w, req->veth.address);
	ipc_put_str(w, req->veth.gateway);
}

void
netmsg_encode_made(struct ipc_writer *w, const struct net_made *m)
{
	ipc_put_str(w, m->host_ifname);
	ipc_put_u32(w, m->host_ifindex);
	ipc_put_u32(w, m->n_moved);
}

/* ---- decoding ---- */

static int
malformed(struct ipc_reader *r, const char *what, struct brig_err *err)
{
	return brig_err_set(err, EBADMSG, "malformed %s: %s", what,
			    r->why ? r->why : "trailing bytes");
}

int
netmsg_decode(struct ipc_reader *r, uint16_t type, struct net_request *req,
	      struct brig_err *err)
{
	if (type != IPC_NET_SETUP && type != IPC_NET_RETURN && type != IPC_NET_RELEASE)
		return brig_err_set(err, EBADMSG, "net request: unknown type %u", (unsigned) type);
	ipc_get_str(r, &req->id, false);
	if (ipc_get_count(r, &req->n_devices, NETMSG_MAX_DEVICES) == 0) {
		req->devices = calloc(req->n_devices ? req->n_devices : 1, sizeof(*req->devices));
		if (req->devices == NULL) {
			req->n_devices = 0;
			netmsg_free(req);
			return brig_err_set(err, ENOMEM, "net request");
		}
	} else {
		req->n_devices = 0;
	}
	for (uint32_t i = 0; i < req->n_devices; i++) {
		ipc_get_str(r, &req->devices[i].host_name, false);
		ipc_get_str(r, &req->devices[i].name, false);
	}
	if (type == IPC_NET_SETUP && ipc_get_u32(r, &req->has_veth) == 0 && req->has_veth) {
		ipc_get_str(r, &req->veth.bridge, false);
		ipc_get_str(r, &req->veth.peer_name, false);
		ipc_get_str(r, &req->veth.address, true);
		ipc_get_str(r, &req->veth.gateway, true);
	}
	if (ipc_reader_end(r) < 0) {
		netmsg_free(req);
		return malformed(r, "net request", err);
	}
	return 0;
}

int
netmsg_decode_made(struct ipc_reader *r, struct net_made *m, struct brig_err *err)
{
	ipc_get_str(r, &m->host_ifname, true);
	ipc_get_u32(r, &m->host_ifindex);
	ipc_get_u32(r, &m->n_moved);
	if (ipc_reader_end(r) < 0) {
		netmsg_made_free(m);
		return malformed(r, "net reply", err);
	}
	if (m->host_ifname != NULL && !net_ifname_ok(m->host_ifname)) {
		netmsg_made_free(m);
		return brig_err_set(err, EBADMSG, "net reply: bad interface name");
	}
	return 0;
}

void
netmsg_free(struct net_request *req)
{
	free(req->id);
	for (uint32_t i = 0; i < req->n_devices; i++) {
		free(req->devices[i].host_name);
		free(req->devices[i].name);
	}
	free(req->devices);
	free(req->veth.bridge);
	free(req->veth.peer_name);
	free(req->veth.address);
	free(req->veth.gateway);
	memset(req, 0, sizeof(*req));
}

void
netmsg_made_free(struct net_made *m)
{
	free(m->host_ifname);
	memset(m, 0, sizeof(*m));
}

/* ---- checks ---- */

/* As the kernel's dev_valid_name(), plus ':' (alias syntax) refused. */
bool
net_ifname_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= NETMSG_IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];
		if (c == '/' || c == ':' || c <= ' ' || c >= 0x7f)
			return false;
	}
	return true;
}

bool
net_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 1024 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("_+.-", s[i]) != NULL))
			return false;
	return true;
}

static int
parse_addr(const char *s, int *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int
net_parse_cidr(const char *s, int *family, uint8_t addr[16], unsigned *prefix)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	char *end;
	unsigned long p;

	if (slash == NULL || (size_t) (slash - s) >= sizeof(buf) || slash[1] < '0' ||
	    slash[1] > '9')
		return -1;
	memcpy(buf, s, (size_t) (slash - s));
	buf[slash - s] = '\0';
	if (parse_addr(buf, family, addr) < 0)
		return -1;
	errno = 0;
	p = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end - (slash + 1) > 3 ||
	    p > (*family == AF_INET ? 32u : 128u))
		return -1;
	*prefix = (unsigned) p;
	return 0;
}

static bool
same_prefix(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t) (0xff << (8 - rest))) == 0;
}

int
net_check_gateway(const char *cidr, const char *gateway, struct brig_err *err)
{
	uint8_t a[16], g[16];
	int fa, fg;
	unsigned prefix;

	if (net_parse_cidr(cidr, &fa, a, &prefix) < 0)
		return brig_err_set(err, EINVAL, "address \"%s\": not ADDRESS/PREFIX", cidr);
	if (parse_addr(gateway, &fg, g) < 0)
		return brig_err_set(err, EINVAL, "gateway \"%s\": not an address", gateway);
	if (fa != fg)
		return brig_err_set(err, EINVAL, "gateway \"%s\": not of the address's family",
				    gateway);
	if (!same_prefix(a, g, prefix))
		return brig_err_set(err, EINVAL, "gateway \"%s\": outside the subnet of %s", gateway,
				    cidr);
	if (memcmp(a, g, 16) == 0)
		return brig_err_set(err, EINVAL, "gateway \"%s\": is the address itself", gateway);
	return 0;
}

static int
check_veth(const struct net_veth *v, struct brig_err *err)
{
	uint8_t a[16];
	int family;
	unsigned prefix;

	if (!net_ifname_ok(v->bridge))
		return brig_err_set(err, EINVAL, "bridge: not an interface name (1-15 bytes, "
						 "no '/', ':' or space)");
	if (!net_ifname_ok(v->peer_name))
		return brig_err_set(err, EINVAL, "veth peer: not an interface name");
	if (v->address != NULL && net_parse_cidr(v->address, &family, a, &prefix) < 0)
		return brig_err_set(err, EINVAL, "address \"%s\": not ADDRESS/PREFIX", v->address);
	if (v->gateway != NULL && v->address == NULL)
		return brig_err_set(err, EINVAL, "gateway without an address");
	if (v->gateway != NULL && net_check_gateway(v->address, v->gateway, err) < 0)
		return -1;
	return 0;
}

int
netmsg_check(uint16_t type, const struct net_request *req, struct brig_err *err)
{
	if (!net_id_ok(req->id))
		return brig_err_set(err, EINVAL, "net request: bad container id");
	for (uint32_t i = 0; i < req->n_devices; i++) {
		const struct net_device_move *d = &req->devices[i];
		if (!net_ifname_ok(d->host_name) || !net_ifname_ok(d->name))
			return brig_err_set(err, EINVAL, "netDevices[%u]: not an interface name", i);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(req->devices[j].host_name, d->host_name) == 0 ||
			    strcmp(req->devices[j].name, d->name) == 0)
				return brig_err_set(err, EINVAL, "netDevices: \"%s\" twice",
						    d->host_name);
	}
	if (type == IPC_NET_SETUP && req->has_veth > 1)
		return brig_err_set(err, EINVAL, "net request: has_veth not 0 or 1");
	if (type == IPC_NET_SETUP && req->has_veth) {
		if (check_veth(&req->veth, err) < 0)
			return brig_err_wrap(err, "veth");
		for (uint32_t i = 0; i < req->n_devices; i++)
			if (strcmp(req->devices[i].name, req->veth.peer_name) == 0)
				return brig_err_set(err, EINVAL, "netDevices: \"%s\" is the veth's name",
						    req->veth.peer_name);
	}
	return 0;
}

void
net_host_ifname(uint32_t uid, const char *id, char out[NETMSG_IFNAMSIZ])
{
	char key[1100], hex[2 * SHA256_LEN + 1];
	uint8_t d[SHA256_LEN];
	int n = snprintf(key, sizeof(key), "%u:%s", (unsigned) uid, id);

	sha256(key, n > 0 ? (size_t) n < sizeof(key) ? (size_t) n : sizeof(key) - 1 : 0, d);
	sha256_hex(d, hex);
	snprintf(out, NETMSG_IFNAMSIZ, "brg%.12s", hex);
}
