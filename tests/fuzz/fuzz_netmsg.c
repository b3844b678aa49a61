/* fuzz_netmsg.c - libFuzzer target for brig-net's request and reply
 * decoders and the helper's check (ipc/netmsg.c).
 *
 * Input: byte 0 picks the message type (SETUP, RETURN, RELEASE, or the
 * SETUP reply), the rest is the payload.  Beyond "no crash": a decoded
 * request encodes back to exactly the input bytes (the encoding is
 * canonical, so decode cannot have skipped or invented anything), and a
 * request that passes netmsg_check has only valid interface names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/codec.h"
#include "ipc/netmsg.h"
#include "ipc/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t types[] = { IPC_NET_SETUP, IPC_NET_RETURN, IPC_NET_RELEASE };

static void
fuzz_request(uint16_t type, const uint8_t *p, size_t n)
{
	struct net_request req;
	struct ipc_reader r;
	struct ipc_writer w;
	struct brig_err err;

	memset(&req, 0, sizeof(req));
	ipc_reader_init(&r, p, n);
	if (netmsg_decode(&r, type, &req, &err) < 0)
		return;
	ipc_writer_init(&w);
	netmsg_encode(&w, type, &req);
	if (w.failed || w.len != n || memcmp(w.buf, p, n) != 0)
		abort();
	ipc_writer_free(&w);
	if (netmsg_check(type, &req, &err) == 0) {
		for (uint32_t i = 0; i < req.n_devices; i++)
			if (!net_ifname_ok(req.devices[i].host_name) ||
			    !net_ifname_ok(req.devices[i].name))
				abort();
		if (req.has_veth && !net_ifname_ok(req.veth.bridge))
			abort();
	}
	netmsg_free(&req);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_made m;
	struct ipc_reader r;
	struct brig_err err;

	if (size < 1)
		return 0;
	if (data[0] % 4 < 3) {
		fuzz_request(types[data[0] % 4], data + 1, size - 1);
		return 0;
	}
	memset(&m, 0, sizeof(m));
	ipc_reader_init(&r, data + 1, size - 1);
	if (netmsg_decode_made(&r, &m, &err) == 0)
		netmsg_made_free(&m);
	return 0;
}
