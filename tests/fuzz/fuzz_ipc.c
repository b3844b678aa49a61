/* fuzz_ipc.c - libFuzzer target for everything that reads a message from a
 * peer: the payload codec with the mount plan decoder and check, the
 * envelope checks of ipc_recv, and the reply decoding of ipc_call.
 *
 * Input: byte 0 picks the target, byte 1 the number of fds to attach (and
 * whether to fix up the reply's request id); the rest is the payload or
 * the whole datagram.  Beyond "no crash", the target checks two
 * properties and aborts when they break:
 *  - a decoded mount plan encodes back to exactly the input bytes (the
 *    encoding is canonical, so decode cannot have skipped or invented
 *    anything);
 *  - no fd outlives an iteration (a refused message closes its fds).
 *
 * Built with -DFUZZ_IPC_SEEDS instead, main() writes a seed corpus of
 * well-formed inputs into the directory given as argument.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipc/codec.h"
#include "ipc/io.h"
#include "ipc/cgroupmsg.h"
#include "ipc/mountplan.h"
#include "ipc/wire.h"
#include "lib/err.h"

enum fz_target { FZ_MOUNTPLAN, FZ_RECV, FZ_REPLY, FZ_CGROUP, FZ_TARGETS };

#define FZ_MAX_FDS (IPC_MAX_FDS + 2) /* a few more than a message may carry */
#define FZ_FIX_ID 0x80               /* byte 1: patch the reply's request id */

static void
fz_mountplan(const uint8_t *data, size_t size)
{
	struct mount_plan p = { 0 };
	struct ipc_reader r;
	struct ipc_writer w;
	struct brig_err err;

	ipc_reader_init(&r, data, size);
	if (mountplan_decode(&r, &p, &err) < 0)
		return;
	(void) mountplan_check(&p, &err);
	ipc_writer_init(&w);
	mountplan_encode(&w, &p);
	if (w.failed || w.len != size || memcmp(w.buf, data, size) != 0) {
		fprintf(stderr, "fuzz_ipc: decoded mount plan does not encode back to its input\n");
		abort();
	}
	ipc_writer_free(&w);
	mountplan_free(&p);
}

/* brig-cgroup's decoders: every request type (first byte picks it) and
 * the three data replies; a request that decodes must pass or fail the
 * check without crashing. */
static void
fz_cgroup(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { IPC_CGROUP_CREATE, IPC_CGROUP_UPDATE, IPC_CGROUP_FREEZE,
					  IPC_CGROUP_THAW,   IPC_CGROUP_STATS,  IPC_CGROUP_PIDS,
					  IPC_CGROUP_KILL,   IPC_CGROUP_DELETE };
	struct cg_request req;
	struct cg_stats st;
	struct cg_pids_reply pids;
	struct cg_created cr;
	struct ipc_reader r;
	struct brig_err err;
	uint16_t type;

	if (size < 1)
		return;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	memset(&req, 0, sizeof(req));
	ipc_reader_init(&r, data + 1, size - 1);
	if (cgmsg_decode(&r, type, &req, &err) == 0) {
		(void) cgmsg_check(type, &req, &err);
		cgmsg_free(&req);
	}
	memset(&st, 0, sizeof(st));
	ipc_reader_init(&r, data + 1, size - 1);
	if (cgmsg_decode_stats(&r, &st, &err) == 0)
		cgmsg_stats_free(&st);
	memset(&pids, 0, sizeof(pids));
	ipc_reader_init(&r, data + 1, size - 1);
	if (cgmsg_decode_pids(&r, &pids, &err) == 0)
		cgmsg_pids_free(&pids);
	ipc_reader_init(&r, data + 1, size - 1);
	(void) cgmsg_decode_created(&r, &cr, &err);
}

/* The lowest free fd: equal before and after an iteration unless an fd
 * leaked (libFuzzer itself opens nothing in between). */
static int
lowest_free_fd(void)
{
	int fd = dup(0);
	if (fd >= 0)
		close(fd);
	return fd;
}

/* Queue DATA as one datagram on SOCK with NFDS fds of /dev/null. */
static bool
fz_send_raw(int sock, const uint8_t *data, size_t size, unsigned nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * FZ_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *) data, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[FZ_MAX_FDS];
	unsigned opened = 0;
	bool sent;

	for (; opened < nfds; opened++) {
		fds[opened] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fds[opened] < 0)
			break;
	}
	if (opened > 0) {
		struct cmsghdr *c;
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * opened);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * opened);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * opened);
	}
	sent = sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t) size;
	for (unsigned i = 0; i < opened; i++)
		close(fds[i]);
	return sent;
}

static void
fz_recv(const uint8_t *data, size_t size, unsigned nfds)
{
	static struct ipc_msg msg;
	struct brig_err err;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	/* An empty datagram without fds would read as "peer closed"; the
	 * kernel still delivers it, which is fine to exercise. */
	if (fz_send_raw(sv[0], data, size, nfds) && ipc_recv(sv[1], &msg, &err) == 0)
		ipc_msg_close_fds(&msg);
	close(sv[0]);
	close(sv[1]);
}

/* ipc_call numbers its requests 1, 2, ...: with FIX_ID the reply carries
 * the id of the coming call, so the decoder past the id check is reached. */
static void
fz_reply(const uint8_t *data, size_t size, unsigned nfds, bool fix_id)
{
	static uint32_t next_id = 1;
	uint8_t *copy = NULL;
	struct brig_err err;
	int reply_fds[2] = { -1, -1 };
	int sv[2];
	uint32_t id = next_id;

	if (fix_id && size >= 12) {
		copy = malloc(size);
		if (copy == NULL)
			return;
		memcpy(copy, data, size);
		memcpy(copy + 8, &id, 4);
		data = copy;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		free(copy);
		return;
	}
	/* The reply is queued before the request is sent: ipc_call reads it
	 * as the peer's answer.  Closing our end makes a missing reply EOF. */
	if (fz_send_raw(sv[1], data, size, nfds)) {
		shutdown(sv[1], SHUT_WR);
		next_id++;
		if (ipc_call(sv[0], "fuzz", IPC_MOUNT_PIVOT, NULL, 0, NULL, 0, reply_fds, 2,
			     &err) == 0) {
			for (int i = 0; i < 2; i++)
				if (reply_fds[i] >= 0)
					close(reply_fds[i]);
		}
	}
	close(sv[0]);
	close(sv[1]);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int free_before;
	unsigned nfds;
	bool fix_id;

	if (size < 2)
		return 0;
	nfds = (data[1] & 0x7f) % (FZ_MAX_FDS + 1);
	fix_id = (data[1] & FZ_FIX_ID) != 0;
	free_before = lowest_free_fd();
	switch (data[0] % FZ_TARGETS) {
	case FZ_MOUNTPLAN:
		fz_mountplan(data + 2, size - 2);
		break;
	case FZ_RECV:
		fz_recv(data + 2, size - 2, nfds);
		break;
	case FZ_REPLY:
		fz_reply(data + 2, size - 2, nfds, fix_id);
		break;
	case FZ_CGROUP:
		fz_cgroup(data + 2, size - 2);
		break;
	default:
		break;
	}
	if (lowest_free_fd() != free_before) {
		fprintf(stderr, "fuzz_ipc: fd %d leaked\n", free_before);
		abort();
	}
	return 0;
}

#ifdef FUZZ_IPC_SEEDS
/* ---- seed corpus: one well-formed input per target ---- */

static void
seed_write(const char *dir, const char *name, uint8_t target, uint8_t b1,
	   const void *body, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "we");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputc(target, f);
	fputc(b1, f);
	fwrite(body, 1, len, f);
	fclose(f);
}

/* A datagram: header + payload, as ipc_send would frame it. */
static size_t
seed_frame(uint8_t *out, uint16_t type, uint32_t id, const void *payload, uint32_t len,
	   uint32_t nfds)
{
	uint32_t magic = IPC_MAGIC;
	uint16_t version = IPC_VERSION;

	memcpy(out + 0, &magic, 4);
	memcpy(out + 4, &version, 2);
	memcpy(out + 6, &type, 2);
	memcpy(out + 8, &id, 4);
	memcpy(out + 12, &len, 4);
	memcpy(out + 16, &nfds, 4);
	memcpy(out + IPC_HDR_SIZE, payload, len);
	return IPC_HDR_SIZE + len;
}

int
main(int argc, char **argv)
{
	static uint8_t frame[IPC_MAX_MSG];
	struct mp_mount mounts[2] = {
		{ .kind = MP_FS, .source = "proc", .dest = "/proc", .fstype = "proc" },
		{ .kind = MP_BIND, .attr_set = 1, .source = "/etc/hosts", .dest = "/etc/hosts" },
	};
	struct mp_device dev = { .path = "/dev/null", .type = S_IFCHR, .major = 1, .minor = 3,
				 .mode = 0666 };
	char *paths[] = { "/proc/kcore" };
	struct mount_plan p = {
		.ns_flags = CLONE_NEWNS,
		.rootfs = "/rootfs",
		.n_mounts = 2, .mounts = mounts,
		.n_devices = 1, .devices = &dev,
		.n_masked = 1, .masked = paths,
		.n_readonly = 1, .readonly = paths,
	};
	struct ipc_writer w;
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
		return 2;
	}
	ipc_writer_init(&w);
	mountplan_encode(&w, &p);
	seed_write(argv[1], "mountplan", FZ_MOUNTPLAN, 0, w.buf, w.len);
	n = seed_frame(frame, IPC_MOUNT_PLAN, 1, w.buf, (uint32_t) w.len, 1);
	seed_write(argv[1], "recv-plan", FZ_RECV, 1, frame, n);
	ipc_writer_free(&w);

	ipc_writer_init(&w);
	ipc_put_i32(&w, 0);
	ipc_put_str(&w, "");
	n = seed_frame(frame, IPC_REPLY, 0, w.buf, (uint32_t) w.len, 0);
	seed_write(argv[1], "reply-ok", FZ_REPLY, FZ_FIX_ID, frame, n);
	ipc_writer_free(&w);

	ipc_writer_init(&w);
	ipc_put_i32(&w, 13);
	ipc_put_str(&w, "mount /proc: permission denied");
	n = seed_frame(frame, IPC_REPLY, 0, w.buf, (uint32_t) w.len, 1);
	seed_write(argv[1], "reply-err", FZ_REPLY, FZ_FIX_ID | 1, frame, n);
	ipc_writer_free(&w);
	return 0;
}
#endif
