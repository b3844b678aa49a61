/* test_netmsg.c - unit tests of the brig-net messages (ipc/netmsg.c):
 * round trips, the decoder's refusals, and the checks brig-net relies on
 * (interface names, CIDR, gateway in the subnet, the host ifname).
 * Prints "ok N - name" / "not ok N - name"; exits 1 if anything failed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ipc/codec.h"
#include "ipc/netmsg.h"
#include "ipc/wire.h"
#include "tests/unit/tap.h"

static struct net_device_move devs[2] = { { "nd0", "eth1" }, { "nd1", "nd1" } };

static struct net_request
sample(void)
{
	struct net_request r = {
		.id = "c1", .n_devices = 2, .devices = devs, .has_veth = 1,
		.veth = { .bridge = "br0", .peer_name = "eth0", .address = "10.200.0.2/24",
			  .gateway = "10.200.0.1" },
	};
	return r;
}

static int
decode_bytes(const struct ipc_writer *w, size_t len, uint16_t type, struct net_request *out)
{
	struct ipc_reader r;
	struct brig_err err;

	memset(out, 0, sizeof(*out));
	ipc_reader_init(&r, w->buf, len);
	return netmsg_decode(&r, type, out, &err);
}

static void
test_roundtrip(void)
{
	struct net_request in = sample(), out;
	struct ipc_writer w;
	struct brig_err err;
	bool same;

	ipc_writer_init(&w);
	netmsg_encode(&w, IPC_NET_SETUP, &in);
	ok(!w.failed && decode_bytes(&w, w.len, IPC_NET_SETUP, &out) == 0, "setup decodes");
	same = strcmp(out.id, "c1") == 0 && out.n_devices == 2 &&
	       strcmp(out.devices[0].name, "eth1") == 0 && out.has_veth &&
	       strcmp(out.veth.gateway, "10.200.0.1") == 0;
	ok(same, "setup round trip");
	ok(netmsg_check(IPC_NET_SETUP, &out, &err) == 0, "setup passes the check");
	netmsg_free(&out);
	/* Every shorter prefix is refused, and one trailing byte too. */
	bool all = true;
	for (size_t n = 0; n < w.len; n++)
		if (decode_bytes(&w, n, IPC_NET_SETUP, &out) == 0)
			all = false;
	ok(all, "every truncation refused");
	ipc_put_u32(&w, 0);
	ok(decode_bytes(&w, w.len - 3, IPC_NET_SETUP, &out) < 0, "trailing bytes refused");
	ok(decode_bytes(&w, w.len - 4, 99, &out) < 0, "unknown type refused");
	ipc_writer_free(&w);

	ipc_writer_init(&w);
	netmsg_encode(&w, IPC_NET_RELEASE, &in);
	ok(decode_bytes(&w, w.len, IPC_NET_RELEASE, &out) == 0 && !out.has_veth,
	   "release carries no veth");
	netmsg_free(&out);
	ipc_writer_free(&w);
}

static void
test_made(void)
{
	struct net_made m = { .host_ifname = "brg01234567", .host_ifindex = 7, .n_moved = 1 }, o;
	struct ipc_writer w;
	struct ipc_reader r;
	struct brig_err err;

	ipc_writer_init(&w);
	netmsg_encode_made(&w, &m);
	ipc_reader_init(&r, w.buf, w.len);
	memset(&o, 0, sizeof(o));
	ok(netmsg_decode_made(&r, &o, &err) == 0 && strcmp(o.host_ifname, m.host_ifname) == 0 &&
		   o.host_ifindex == 7,
	   "made round trip");
	netmsg_made_free(&o);
	ipc_writer_free(&w);
	m.host_ifname = "a/b";
	ipc_writer_init(&w);
	netmsg_encode_made(&w, &m);
	ipc_reader_init(&r, w.buf, w.len);
	ok(netmsg_decode_made(&r, &o, &err) < 0, "made with a bad name refused");
	ipc_writer_free(&w);
}

static void
test_checks(void)
{
	struct net_request r = sample();
	struct brig_err err;
	uint8_t a[16];
	int f;
	unsigned p;
	char name[NETMSG_IFNAMSIZ], name2[NETMSG_IFNAMSIZ];

	ok(net_ifname_ok("eth0") && net_ifname_ok("abcdefghijklmno"), "15-byte name ok");
	ok(!net_ifname_ok("abcdefghijklmnop") && !net_ifname_ok("") && !net_ifname_ok("a/b") &&
		   !net_ifname_ok("..") && !net_ifname_ok(".") && !net_ifname_ok("a b") &&
		   !net_ifname_ok("a:1"),
	   "bad interface names refused");
	ok(!net_id_ok("../x") && net_id_ok("a.b+c_d-e"), "container ids");
	ok(net_parse_cidr("10.0.0.1/8", &f, a, &p) == 0 && f == AF_INET && p == 8, "v4 CIDR");
	ok(net_parse_cidr("fd00::2/64", &f, a, &p) == 0 && f == AF_INET6 && p == 64, "v6 CIDR");
	ok(net_parse_cidr("10.0.0.1", &f, a, &p) < 0 && net_parse_cidr("10.0.0.1/33", &f, a, &p) < 0 &&
		   net_parse_cidr("10.0.0.1/", &f, a, &p) < 0 &&
		   net_parse_cidr("10.0.0.1/-1", &f, a, &p) < 0 &&
		   net_parse_cidr("x/8", &f, a, &p) < 0,
	   "bad CIDR refused");
	ok(net_check_gateway("10.200.0.2/24", "10.200.0.1", &err) == 0, "gateway in the subnet");
	ok(net_check_gateway("10.200.0.2/24", "10.200.1.1", &err) < 0 &&
		   net_check_gateway("10.200.0.2/24", "10.200.0.2", &err) < 0 &&
		   net_check_gateway("10.200.0.2/24", "fd00::1", &err) < 0,
	   "gateway outside, itself, other family refused");
	ok(net_check_gateway("10.200.0.130/25", "10.200.0.129", &err) == 0 &&
		   net_check_gateway("10.200.0.130/25", "10.200.0.1", &err) < 0,
	   "partial-byte prefix");
	r.devices[1].name = "eth0";
	ok(netmsg_check(IPC_NET_SETUP, &r, &err) < 0, "a device named as the veth refused");
	r.devices[1].name = "eth1";
	ok(netmsg_check(IPC_NET_SETUP, &r, &err) < 0, "two devices with one name refused");
	r.devices[1].name = "nd1";
	r.veth.gateway = "10.200.0.1";
	r.veth.address = NULL;
	ok(netmsg_check(IPC_NET_SETUP, &r, &err) < 0, "gateway without an address refused");
	net_host_ifname(1000, "c1", name);
	net_host_ifname(1001, "c1", name2);
	ok(strlen(name) == 15 && strncmp(name, "brg", 3) == 0 && net_ifname_ok(name) &&
		   strcmp(name, name2) != 0,
	   "host ifname: brg + 12 hex, per uid");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_roundtrip();
	test_made();
	test_checks();
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
