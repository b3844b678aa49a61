/* test_codec.c - unit tests of the IPC codec (ipc/codec.c), message
 * transport (ipc/io.c) and the mount plan message (ipc/mountplan.c).
 *
 * The receiving side of every helper trusts these functions to refuse
 * whatever a hostile peer sends, so most tests here are refusals: short,
 * long, lying and trailing input, and fds that do not match the header.
 * Prints "ok N - name" / "not ok N - name"; exits 1 if anything failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/codec.h"
#include "ipc/io.h"
#include "ipc/mountplan.h"
#include "ipc/wire.h"
#include "lib/err.h"
#include "tests/unit/tap.h"

/* ---- fd bookkeeping: a refused message must leave no fd behind ---- */

#define FD_SCAN 256

struct fdset {
	bool open[FD_SCAN];
};

static void
fds_snapshot(struct fdset *s)
{
	for (int fd = 0; fd < FD_SCAN; fd++)
		s->open[fd] = fcntl(fd, F_GETFD) >= 0;
}

static bool
fds_same(const struct fdset *before)
{
	struct fdset now;

	fds_snapshot(&now);
	return memcmp(before->open, now.open, sizeof(now.open)) == 0;
}

/* ---- codec ---- */

static void
test_roundtrip(void)
{
	char *longest = malloc(IPC_STR_MAX + 1);
	struct ipc_writer w;
	struct ipc_reader r;
	uint32_t u32a = 1, u32b = 1;
	uint64_t u64 = 0;
	int32_t i32a = 0, i32b = 0;
	char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;

	memset(longest, 'x', IPC_STR_MAX);
	longest[IPC_STR_MAX] = '\0';
	ipc_writer_init(&w);
	ipc_put_u32(&w, 0);
	ipc_put_u32(&w, UINT32_MAX);
	ipc_put_u64(&w, UINT64_MAX - 1);
	ipc_put_i32(&w, INT32_MIN);
	ipc_put_i32(&w, -1);
	ipc_put_str(&w, "/proc/self");
	ipc_put_str(&w, "");
	ipc_put_str(&w, NULL);
	ipc_put_str(&w, longest);
	ok(!w.failed, "writer: every field type fits");

	ipc_reader_init(&r, w.buf, w.len);
	ipc_get_u32(&r, &u32a);
	ipc_get_u32(&r, &u32b);
	ipc_get_u64(&r, &u64);
	ipc_get_i32(&r, &i32a);
	ipc_get_i32(&r, &i32b);
	ipc_get_str(&r, &s1, false);
	ipc_get_str(&r, &s2, false);
	ipc_get_str(&r, &s3, true);
	ipc_get_str(&r, &s4, false);
	ok(ipc_reader_end(&r) == 0, "reader: round trip consumes every byte");
	ok(u32a == 0 && u32b == UINT32_MAX, "round trip: u32 0 and UINT32_MAX");
	ok(u64 == UINT64_MAX - 1, "round trip: u64");
	ok(i32a == INT32_MIN && i32b == -1, "round trip: negative i32");
	ok(s1 && strcmp(s1, "/proc/self") == 0, "round trip: string");
	ok(s2 && s2[0] == '\0', "round trip: empty string is not absent");
	ok(s3 == NULL, "round trip: absent string");
	ok(s4 && strlen(s4) == IPC_STR_MAX, "round trip: string of IPC_STR_MAX bytes");
	free(s1);
	free(s2);
	free(s4);

	/* Every strict prefix of the message must fail somewhere. */
	{
		bool all_fail = true;
		for (size_t len = 0; len < w.len; len++) {
			char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
			ipc_reader_init(&r, w.buf, len);
			ipc_get_u32(&r, &u32a);
			ipc_get_u32(&r, &u32b);
			ipc_get_u64(&r, &u64);
			ipc_get_i32(&r, &i32a);
			ipc_get_i32(&r, &i32b);
			ipc_get_str(&r, &a, false);
			ipc_get_str(&r, &b, false);
			ipc_get_str(&r, &c, true);
			ipc_get_str(&r, &d, false);
			if (ipc_reader_end(&r) == 0 || r.why == NULL)
				all_fail = false;
			free(a);
			free(b);
			free(c);
			free(d);
		}
		ok(all_fail, "truncated: every prefix is refused with a reason");
	}
	ipc_writer_free(&w);
	free(longest);
}

/* A payload made of raw little pieces, for the reader's refusals. */
static size_t
raw_str(uint8_t *buf, uint32_t declared, const char *bytes, size_t n)
{
	memcpy(buf, &declared, 4);
	memcpy(buf + 4, bytes, n);
	return 4 + n;
}

static void
test_reader_refusals(void)
{
	uint8_t buf[64];
	struct ipc_reader r;
	char *s = (char *) 1;
	uint32_t n, v;
	size_t len;

	len = raw_str(buf, 100, "0123456789", 10);
	ipc_reader_init(&r, buf, len);
	ok(ipc_get_str(&r, &s, false) < 0 && s == NULL, "string length past the end");

	len = raw_str(buf, 5, "ab\0cd", 5);
	ipc_reader_init(&r, buf, len);
	ok(ipc_get_str(&r, &s, false) < 0 && s == NULL &&
		   strstr(r.why, "NUL") != NULL,
	   "string with an embedded NUL");

	len = raw_str(buf, 0xffffffffu, "", 0);
	ipc_reader_init(&r, buf, len);
	ok(ipc_get_str(&r, &s, false) < 0, "absent string where one is required");

	len = raw_str(buf, IPC_STR_MAX + 1, "", 0);
	ipc_reader_init(&r, buf, len);
	ok(ipc_get_str(&r, &s, false) < 0, "string longer than IPC_STR_MAX");

	ipc_reader_init(&r, buf, 3);
	ok(ipc_get_u32(&r, &v) < 0, "u32 from 3 bytes");
	ipc_reader_init(&r, buf, 7);
	ok(ipc_get_u64(&r, &(uint64_t){ 0 }) < 0, "u64 from 7 bytes");

	/* List counts: over the caller's maximum, or more entries than the
	 * remaining bytes could hold (each entry takes at least 4). */
	n = 11;
	memcpy(buf, &n, 4);
	ipc_reader_init(&r, buf, sizeof(buf));
	ok(ipc_get_count(&r, &n, 10) < 0, "list count over its maximum");
	n = 16; /* 60 bytes left: room for 15 */
	memcpy(buf, &n, 4);
	ipc_reader_init(&r, buf, sizeof(buf));
	ok(ipc_get_count(&r, &n, 1000) < 0, "list count larger than the message");
	n = 15;
	memcpy(buf, &n, 4);
	ipc_reader_init(&r, buf, sizeof(buf));
	ok(ipc_get_count(&r, &n, 1000) == 0 && n == 15, "list count that fits");

	memset(buf, 0, sizeof(buf));
	ipc_reader_init(&r, buf, 9);
	ipc_get_u64(&r, &(uint64_t){ 0 });
	ok(ipc_reader_end(&r) < 0 && strstr(r.why, "trailing") != NULL, "trailing byte");

	/* The first failure sticks: later, well-formed reads fail too. */
	ipc_reader_init(&r, buf, sizeof(buf));
	r.len = 2;
	ipc_get_u32(&r, &v);
	r.len = sizeof(buf);
	ok(ipc_get_u32(&r, &v) < 0 && ipc_reader_end(&r) < 0, "reader stays bad after a failure");
}

static void
test_writer_limits(void)
{
	struct ipc_writer w;
	char *s = malloc(IPC_STR_MAX + 2);
	uint32_t i;

	memset(s, 'y', IPC_STR_MAX + 1);
	s[IPC_STR_MAX + 1] = '\0';
	ipc_writer_init(&w);
	ipc_put_str(&w, s);
	ok(w.failed, "writer refuses a string over IPC_STR_MAX");
	ipc_writer_free(&w);

	ipc_writer_init(&w);
	for (i = 0; i < IPC_MAX_PAYLOAD / 8 && !w.failed; i++)
		ipc_put_u64(&w, i);
	ok(!w.failed && w.len == IPC_MAX_PAYLOAD / 8 * 8, "writer fills up to IPC_MAX_PAYLOAD");
	ipc_put_u64(&w, 0);
	ok(w.failed && w.len <= IPC_MAX_PAYLOAD, "writer fails past IPC_MAX_PAYLOAD");
	ipc_writer_free(&w);
	free(s);
}

/* ---- transport over a real SOCK_SEQPACKET socketpair ---- */

static void
seqpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("socketpair");
		exit(1);
	}
}

static void
hdr_put(uint8_t *buf, uint32_t magic, uint16_t version, uint16_t type, uint32_t id,
	uint32_t plen, uint32_t nfds)
{
	memcpy(buf + 0, &magic, 4);
	memcpy(buf + 4, &version, 2);
	memcpy(buf + 6, &type, 2);
	memcpy(buf + 8, &id, 4);
	memcpy(buf + 12, &plen, 4);
	memcpy(buf + 16, &nfds, 4);
}

/* Send LEN raw bytes with NFDS fds, bypassing ipc_send's own checks. */
static void
raw_send(int sock, const void *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * (IPC_MAX_FDS + 8))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds > 0) {
		struct cmsghdr *c;
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != (ssize_t) len) {
		perror("sendmsg");
		exit(1);
	}
}

static struct ipc_msg *
msg_new(void)
{
	struct ipc_msg *m = malloc(sizeof(*m));
	if (m == NULL)
		exit(1);
	return m;
}

static void
test_send_recv_fds(void)
{
	struct ipc_msg *m = msg_new();
	struct brig_err err;
	int sv[2], p[2];
	char c = 0;
	const char payload[] = "payload bytes";

	seqpair(sv);
	if (pipe2(p, O_CLOEXEC) < 0)
		exit(1);
	ok(ipc_send(sv[0], IPC_MOUNT_PLAN, 42, payload, sizeof(payload), p, 2, &err) == 0,
	   "send: message with 2 fds");
	ok(ipc_recv(sv[1], m, &err) == 0, "recv: message with 2 fds");
	ok(m->hdr.type == IPC_MOUNT_PLAN && m->hdr.request_id == 42 &&
		   m->hdr.payload_len == sizeof(payload) &&
		   memcmp(m->payload, payload, sizeof(payload)) == 0,
	   "recv: type, id and payload as sent");
	ok(m->nfds == 2 && write(p[1], "z", 1) == 1 && read(m->fds[0], &c, 1) == 1 && c == 'z',
	   "recv: fds refer to the sent pipe");
	ok((fcntl(m->fds[0], F_GETFD) & FD_CLOEXEC) != 0, "recv: received fds are close-on-exec");
	ipc_msg_close_fds(m);
	ok(m->nfds == 0, "close_fds: forgets the fds");

	ok(ipc_send(sv[0], IPC_MOUNT_PIVOT, 7, NULL, 0, NULL, 0, &err) == 0 &&
		   ipc_recv(sv[1], m, &err) == 0 && m->hdr.type == IPC_MOUNT_PIVOT &&
		   m->hdr.payload_len == 0 && m->nfds == 0,
	   "empty message without fds");

	ok(ipc_send(sv[0], IPC_REPLY, 1, NULL, IPC_MAX_PAYLOAD + 1, NULL, 0, &err) < 0 &&
		   err.errnum == EMSGSIZE,
	   "send: payload over IPC_MAX_PAYLOAD refused");
	ok(ipc_send(sv[0], IPC_REPLY, 1, NULL, 0, p, IPC_MAX_FDS + 1, &err) < 0 &&
		   err.errnum == EINVAL,
	   "send: more than IPC_MAX_FDS fds refused");

	close(sv[0]);
	ok(ipc_recv(sv[1], m, &err) == 0 && m->hdr.type == 0, "recv: peer closed");
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	free(m);
}

/* Send one raw datagram with NFDS copies of a pipe fd; the receiver must
 * refuse it and keep no fd of it. */
static void
expect_refused(const char *name, const void *buf, size_t len, unsigned nfds, int errnum)
{
	struct ipc_msg *m = msg_new();
	struct brig_err err;
	struct fdset before;
	int sv[2], p[2], fds[IPC_MAX_FDS + 8];
	bool refused;

	seqpair(sv);
	if (pipe2(p, O_CLOEXEC) < 0)
		exit(1);
	for (unsigned i = 0; i < nfds; i++)
		fds[i] = p[i % 2];
	fds_snapshot(&before);
	raw_send(sv[0], buf, len, fds, nfds);
	refused = ipc_recv(sv[1], m, &err) < 0 && err.errnum == errnum;
	ok(refused && fds_same(&before), name);
	if (!refused)
		printf("# got: %s\n", m->hdr.type ? "accepted" : err.msg);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	free(m);
}

static void
test_recv_refusals(void)
{
	uint8_t *buf = calloc(1, IPC_MAX_MSG + 16);

	hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY, 1, 4, 1);
	expect_refused("fds: declared 1, sent 2: refused, both closed", buf, 24, 2, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY, 1, 4, 3);
	expect_refused("fds: declared 3, sent 1: refused, closed", buf, 24, 1, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY, 1, 4, 0);
	expect_refused("fds: declared 0, sent 1: refused, closed", buf, 24, 1, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY, 1, 4, IPC_MAX_FDS + 4);
	expect_refused("fds: IPC_MAX_FDS + 4 sent, more than fit: refused, all closed", buf, 24,
		       IPC_MAX_FDS + 4, EMSGSIZE);
	hdr_put(buf, IPC_MAGIC ^ 1, IPC_VERSION, IPC_REPLY, 1, 4, 1);
	expect_refused("bad magic: refused, fd closed", buf, 24, 1, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION + 1, IPC_REPLY, 1, 4, 1);
	expect_refused("bad version: refused, fd closed", buf, 24, 1, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY, 1, 5, 0);
	expect_refused("declared payload length longer than sent", buf, 24, 0, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY, 1, 3, 0);
	expect_refused("declared payload length shorter than sent", buf, 24, 0, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION, 0, 1, 4, 1);
	expect_refused("type 0: refused, fd closed", buf, 24, 1, EBADMSG);
	expect_refused("datagram shorter than the header", buf, IPC_HDR_SIZE - 1, 1, EBADMSG);
	hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY, 1, IPC_MAX_PAYLOAD + 1, 1);
	expect_refused("oversize datagram: refused, fd closed", buf, IPC_MAX_MSG + 1, 1,
		       EMSGSIZE);
	free(buf);
}

/* ---- reply and call: a forked child plays the helper ---- */

enum peer_mode { PEER_OK, PEER_ERRNO, PEER_TRAILING, PEER_WRONG_ID, PEER_SILENT };

static void
peer_run(int sock, enum peer_mode mode)
{
	struct ipc_msg *m = msg_new();
	struct brig_err err;
	uint8_t buf[64];
	int32_t zero = 0;
	size_t len;

	if (ipc_recv(sock, m, &err) < 0 || m->hdr.type != IPC_MOUNT_PIVOT)
		_exit(2);
	switch (mode) {
	case PEER_OK:
		ipc_reply(sock, m->hdr.request_id, 0, NULL, NULL, 0);
		break;
	case PEER_ERRNO:
		ipc_reply(sock, m->hdr.request_id, EPERM, "mount /proc: permission denied", NULL, 0);
		break;
	case PEER_TRAILING:
	case PEER_WRONG_ID:
		/* i32 0, empty string, then (for TRAILING) one stray byte. */
		len = IPC_HDR_SIZE;
		memcpy(buf + len, &zero, 4);
		memcpy(buf + len + 4, &zero, 4);
		len += 8 + (mode == PEER_TRAILING);
		hdr_put(buf, IPC_MAGIC, IPC_VERSION, IPC_REPLY,
			m->hdr.request_id + (mode == PEER_WRONG_ID),
			(uint32_t) (len - IPC_HDR_SIZE), 0);
		raw_send(sock, buf, len, NULL, 0);
		break;
	case PEER_SILENT:
	default:
		break;
	}
	_exit(0);
}

static int
call_peer(enum peer_mode mode, struct brig_err *err)
{
	int sv[2], ret, status;
	pid_t pid;

	seqpair(sv);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		close(sv[0]);
		peer_run(sv[1], mode);
	}
	close(sv[1]);
	brig_err_clear(err);
	ret = ipc_call(sv[0], "brig-test", IPC_MOUNT_PIVOT, NULL, 0, NULL, 0, NULL, 0, err);
	close(sv[0]);
	waitpid(pid, &status, 0);
	return ret;
}

static void
test_call(void)
{
	struct brig_err err;

	ok(call_peer(PEER_OK, &err) == 0, "call: success reply");
	ok(call_peer(PEER_ERRNO, &err) < 0 && err.errnum == EPERM &&
		   strcmp(err.msg, "brig-test: mount /proc: permission denied") == 0,
	   "call: helper error becomes \"helper: message\" with its errno");
	ok(call_peer(PEER_TRAILING, &err) < 0 && strstr(err.msg, "malformed reply") != NULL,
	   "call: reply with trailing bytes refused");
	ok(call_peer(PEER_WRONG_ID, &err) < 0 && strstr(err.msg, "unexpected reply") != NULL,
	   "call: reply to another request refused");
	ok(call_peer(PEER_SILENT, &err) < 0 && err.errnum == EPIPE,
	   "call: helper exits without replying");
}

/* ---- mount plan ---- */

static void
plan_sample(struct mount_plan *p)
{
	static struct mp_mount mounts[3];
	static struct mp_device devices[2];
	static char *masked[] = { "/proc/kcore", "/sys/firmware" };
	static char *readonly[] = { "/proc/sys" };

	memset(p, 0, sizeof(*p));
	mounts[0] = (struct mp_mount){ .kind = MP_FS, .attr_set = MOUNT_ATTR_NOSUID,
				       .source = "proc", .dest = "/proc", .fstype = "proc" };
	mounts[1] = (struct mp_mount){ .kind = MP_BIND, .attr_set = MOUNT_ATTR_RDONLY,
				       .attr_clr = MOUNT_ATTR_NOEXEC,
				       .propagation = MS_SLAVE, .prop_recursive = 1,
				       .source = "/etc/hosts", .dest = "/etc/hosts" };
	mounts[2] = (struct mp_mount){ .kind = MP_FS, .source = NULL, .dest = "/dev",
				       .fstype = "tmpfs", .data = "mode=755,size=65536k" };
	devices[0] = (struct mp_device){ .path = "/dev/null", .type = S_IFCHR, .major = 1,
					 .minor = 3, .mode = 0666 };
	devices[1] = (struct mp_device){ .path = "/dev/loop0", .type = S_IFBLK, .major = 7,
					 .minor = 0, .mode = 0660, .uid = 0, .gid = 6 };
	p->ns_flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS;
	p->root_propagation = MS_PRIVATE | MS_REC;
	p->flags = MPLAN_READONLY_ROOT | MPLAN_DEFAULT_DEV;
	p->rootfs = "/var/lib/bundle/rootfs";
	p->n_mounts = 3;
	p->mounts = mounts;
	p->n_devices = 2;
	p->devices = devices;
	p->n_masked = 2;
	p->masked = masked;
	p->n_readonly = 1;
	p->readonly = readonly;
}

static bool
streq_null(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static bool
plan_equal(const struct mount_plan *a, const struct mount_plan *b)
{
	if (a->ns_flags != b->ns_flags || a->root_propagation != b->root_propagation ||
	    a->flags != b->flags || !streq_null(a->rootfs, b->rootfs) ||
	    a->n_mounts != b->n_mounts || a->n_devices != b->n_devices ||
	    a->n_masked != b->n_masked || a->n_readonly != b->n_readonly)
		return false;
	for (uint32_t i = 0; i < a->n_mounts; i++) {
		const struct mp_mount *x = &a->mounts[i], *y = &b->mounts[i];
		if (x->kind != y->kind || x->attr_set != y->attr_set ||
		    x->attr_clr != y->attr_clr || x->propagation != y->propagation ||
		    x->prop_recursive != y->prop_recursive || !streq_null(x->source, y->source) ||
		    !streq_null(x->dest, y->dest) || !streq_null(x->fstype, y->fstype) ||
		    !streq_null(x->data, y->data))
			return false;
	}
	for (uint32_t i = 0; i < a->n_devices; i++)
		if (memcmp(&a->devices[i].type, &b->devices[i].type, 6 * sizeof(uint32_t)) != 0 ||
		    !streq_null(a->devices[i].path, b->devices[i].path))
			return false;
	for (uint32_t i = 0; i < a->n_masked; i++)
		if (!streq_null(a->masked[i], b->masked[i]))
			return false;
	for (uint32_t i = 0; i < a->n_readonly; i++)
		if (!streq_null(a->readonly[i], b->readonly[i]))
			return false;
	return true;
}

static void
test_mountplan_roundtrip(void)
{
	struct mount_plan in, out = { 0 };
	struct ipc_writer w;
	struct ipc_reader r;
	struct brig_err err;
	bool all_fail = true;

	plan_sample(&in);
	ok(mountplan_check(&in, &err) == 0, "mountplan: sample plan passes the check");
	ipc_writer_init(&w);
	mountplan_encode(&w, &in);
	ok(!w.failed, "mountplan: encode");
	ipc_reader_init(&r, w.buf, w.len);
	ok(mountplan_decode(&r, &out, &err) == 0 && plan_equal(&in, &out),
	   "mountplan: decode gives back what was encoded");
	ok(mountplan_check(&out, &err) == 0, "mountplan: decoded plan passes the check");
	mountplan_free(&out);
	ok(out.mounts == NULL && out.rootfs == NULL, "mountplan: free clears the plan");

	for (size_t len = 0; len < w.len; len++) {
		memset(&out, 0, sizeof(out));
		ipc_reader_init(&r, w.buf, len);
		if (mountplan_decode(&r, &out, &err) == 0 || err.errnum != EBADMSG ||
		    out.mounts != NULL) {
			all_fail = false;
			mountplan_free(&out);
		}
	}
	ok(all_fail, "mountplan: every truncation refused, plan freed");

	{
		uint8_t *longer = malloc(w.len + 1);
		memcpy(longer, w.buf, w.len);
		longer[w.len] = 0;
		memset(&out, 0, sizeof(out));
		ipc_reader_init(&r, longer, w.len + 1);
		ok(mountplan_decode(&r, &out, &err) < 0 && strstr(err.msg, "trailing") != NULL,
		   "mountplan: trailing byte refused");
		free(longer);
	}
	ipc_writer_free(&w);

	/* A count over the protocol's maximum, with room for the entries. */
	{
		struct mount_plan big;
		plan_sample(&big);
		big.n_mounts = 0;
		ipc_writer_init(&w);
		mountplan_encode(&w, &big);
		for (uint32_t i = 0; i < (MPLAN_MAX_MOUNTS + 1) * 16; i++)
			ipc_put_u32(&w, 0);
		/* n_mounts is the u32 after ns_flags, propagation, flags, rootfs. */
		{
			uint32_t n = MPLAN_MAX_MOUNTS + 1;
			memcpy(w.buf + 12 + 4 + strlen(big.rootfs), &n, 4);
		}
		memset(&out, 0, sizeof(out));
		ipc_reader_init(&r, w.buf, w.len);
		ok(mountplan_decode(&r, &out, &err) < 0 && strstr(err.msg, "list longer") != NULL,
		   "mountplan: more mounts than MPLAN_MAX_MOUNTS refused");
		ipc_writer_free(&w);
	}
}

/* Apply one change to the sample plan; mountplan_check must refuse it
 * with a message containing WANT. */
#define REFUSE(name, want, change)                                                  \
	do {                                                                        \
		struct mount_plan p;                                                \
		struct mp_mount mnt[3];                                             \
		struct mp_device dev[2];                                            \
		char *paths[2];                                                     \
		plan_sample(&p);                                                    \
		memcpy(mnt, p.mounts, sizeof(mnt));                                 \
		memcpy(dev, p.devices, sizeof(dev));                                \
		memcpy(paths, p.masked, sizeof(paths));                             \
		p.mounts = mnt;                                                     \
		p.devices = dev;                                                    \
		p.masked = paths;                                                   \
		change;                                                             \
		ok(mountplan_check(&p, &err) < 0 && strstr(err.msg, want) != NULL,  \
		   "mountplan_check refuses " name);                                \
	} while (0)

static void
test_mountplan_check(void)
{
	struct brig_err err;

	REFUSE("a plan without a mount namespace", "namespaces", p.ns_flags = CLONE_NEWPID);
	REFUSE("an unknown namespace flag", "namespaces", p.ns_flags |= CLONE_VM);
	REFUSE("unknown plan flags", "unknown flags", p.flags |= 1u << 31);
	REFUSE("a bad rootfs propagation", "rootfs propagation",
	       p.root_propagation = MS_BIND);
	REFUSE("a relative rootfs", "rootfs", p.rootfs = "rootfs");
	REFUSE("an absent rootfs", "rootfs", p.rootfs = NULL);
	REFUSE("an unknown mount kind", "unknown kind", mnt[0].kind = 3);
	REFUSE("unknown mount attributes", "attributes", mnt[1].attr_set |= 1ull << 40);
	REFUSE("unknown attributes to clear", "attributes", mnt[1].attr_clr = 1ull << 33);
	REFUSE("a bad mount propagation", "propagation", mnt[1].propagation = MS_REC);
	REFUSE("a relative destination", "not an absolute path", mnt[0].dest = "proc");
	REFUSE("an absent destination", "not an absolute path", mnt[0].dest = NULL);
	REFUSE("a control character in a destination", "control character",
	       mnt[0].dest = "/pr\noc");
	REFUSE("a relative bind source", "bind source", mnt[1].source = "etc/hosts");
	REFUSE("an absent bind source", "bind source", mnt[1].source = NULL);
	REFUSE("a filesystem without a type", "filesystem type", mnt[2].fstype = NULL);
	REFUSE("an empty filesystem type", "filesystem type", mnt[2].fstype = "");
	REFUSE("a device of a bad type", "bad type", dev[0].type = S_IFREG);
	REFUSE("a device mode over 07777", "bad mode", dev[0].mode = 010000);
	REFUSE("a relative device path", "device path", dev[1].path = "dev/loop0");
	REFUSE("a relative masked path", "masked path", paths[1] = "sys/firmware");
	REFUSE("a DEL character in a masked path", "control character", paths[0] = "/a\x7f");
	REFUSE("a relative readonly path", "readonly path",
	       p.readonly = (char *[]){ "proc/sys" });
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_roundtrip();
	test_reader_refusals();
	test_writer_limits();
	test_send_recv_fds();
	test_recv_refusals();
	test_call();
	test_mountplan_roundtrip();
	test_mountplan_check();
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
