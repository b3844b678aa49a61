/* io.c - one datagram per message over SOCK_SEQPACKET, fds by SCM_RIGHTS. */
#include "ipc/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipc/codec.h"

static void
hdr_encode(uint8_t out[IPC_HDR_SIZE], const struct ipc_hdr *h)
{
	memcpy(out + 0, &h->magic, 4);
	memcpy(out + 4, &h->version, 2);
	memcpy(out + 6, &h->type, 2);
	memcpy(out + 8, &h->request_id, 4);
	memcpy(out + 12, &h->payload_len, 4);
	memcpy(out + 16, &h->nfds, 4);
}

static void
hdr_decode(struct ipc_hdr *h, const uint8_t in[IPC_HDR_SIZE])
{
	memcpy(&h->magic, in + 0, 4);
	memcpy(&h->version, in + 4, 2);
	memcpy(&h->type, in + 6, 2);
	memcpy(&h->request_id, in + 8, 4);
	memcpy(&h->payload_len, in + 12, 4);
	memcpy(&h->nfds, in + 16, 4);
}

int
ipc_send(int sock, uint16_t type, uint32_t request_id, const void *payload,
	 size_t len, const int *fds, uint32_t nfds, struct brig_err *err)
{
	uint8_t hdrbuf[IPC_HDR_SIZE];
	struct ipc_hdr h = {
		.magic = IPC_MAGIC,
		.version = IPC_VERSION,
		.type = type,
		.request_id = request_id,
		.payload_len = (uint32_t) len,
		.nfds = nfds,
	};
	struct iovec iov[2] = {
		{ .iov_base = hdrbuf, .iov_len = sizeof(hdrbuf) },
		{ .iov_base = (void *) payload, .iov_len = len },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * IPC_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	if (len > IPC_MAX_PAYLOAD)
		return brig_err_set(err, EMSGSIZE, "message of %zu bytes too large", len);
	if (nfds > IPC_MAX_FDS)
		return brig_err_set(err, EINVAL, "too many fds (%u) for one message", nfds);
	hdr_encode(hdrbuf, &h);
	if (nfds > 0) {
		struct cmsghdr *c;
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return brig_err_set(err, errno, "send message");
	if ((size_t) n != sizeof(hdrbuf) + len)
		return brig_err_set(err, EIO, "short send of message");
	return 0;
}

void
ipc_msg_close_fds(struct ipc_msg *msg)
{
	for (uint32_t i = 0; i < msg->nfds; i++) {
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
		msg->fds[i] = -1;
	}
	msg->nfds = 0;
}

/* Collect every fd of every SCM_RIGHTS header; extra ones beyond
 * IPC_MAX_FDS are closed at once.  Returns the number of fds seen. */
static uint32_t
collect_fds(struct msghdr *mh, struct ipc_msg *msg, bool *bad)
{
	uint32_t seen = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		size_t n;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			*bad = true;
			continue;
		}
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (msg->nfds < IPC_MAX_FDS)
				msg->fds[msg->nfds++] = fd;
			else
				close(fd);
			seen++;
		}
	}
	return seen;
}

int
ipc_recv(int sock, struct ipc_msg *msg, struct brig_err *err)
{
	uint8_t hdrbuf[IPC_HDR_SIZE];
	struct iovec iov[2] = {
		{ .iov_base = hdrbuf, .iov_len = sizeof(hdrbuf) },
		{ .iov_base = msg->payload, .iov_len = sizeof(msg->payload) },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * IPC_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct msghdr mh = {
		.msg_iov = iov,
		.msg_iovlen = 2,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	bool bad_cmsg = false;
	uint32_t seen;
	ssize_t n;

	memset(&msg->hdr, 0, sizeof(msg->hdr));
	msg->nfds = 0;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return brig_err_set(err, errno, "receive message");
	seen = collect_fds(&mh, msg, &bad_cmsg);
	if (n == 0 && seen == 0)
		return 0; /* peer closed */
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		ipc_msg_close_fds(msg);
		return brig_err_set(err, EMSGSIZE, "message or its fds truncated");
	}
	if (bad_cmsg) {
		ipc_msg_close_fds(msg);
		return brig_err_set(err, EBADMSG, "message carries unexpected control data");
	}
	if ((size_t) n < IPC_HDR_SIZE) {
		ipc_msg_close_fds(msg);
		return brig_err_set(err, EBADMSG, "message shorter than its header (%zd bytes)", n);
	}
	hdr_decode(&msg->hdr, hdrbuf);
	if (msg->hdr.magic != IPC_MAGIC || msg->hdr.version != IPC_VERSION) {
		ipc_msg_close_fds(msg);
		return brig_err_set(err, EBADMSG, "bad magic or protocol version");
	}
	if (msg->hdr.payload_len != (size_t) n - IPC_HDR_SIZE) {
		ipc_msg_close_fds(msg);
		return brig_err_set(err, EBADMSG, "declared payload length %u but received %zd",
				    msg->hdr.payload_len, n - (ssize_t) IPC_HDR_SIZE);
	}
	if (msg->hdr.nfds != seen) {
		ipc_msg_close_fds(msg);
		return brig_err_set(err, EBADMSG, "declared %u fds but received %u",
				    msg->hdr.nfds, seen);
	}
	if (msg->hdr.type == 0) {
		ipc_msg_close_fds(msg);
		return brig_err_set(err, EBADMSG, "message type 0 is not valid");
	}
	return 0;
}

int
ipc_reply(int sock, uint32_t request_id, int errnum, const char *message,
	  const int *fds, uint32_t nfds)
{
	struct brig_err err;
	struct ipc_writer w;
	int ret;

	ipc_writer_init(&w);
	ipc_put_i32(&w, errnum);
	ipc_put_str(&w, message ? message : "");
	if (w.failed) {
		ipc_writer_free(&w);
		ipc_writer_init(&w);
		ipc_put_i32(&w, errnum ? errnum : EIO);
		ipc_put_str(&w, "reply too long");
	}
	ret = ipc_send(sock, IPC_REPLY, request_id, w.buf, w.len, fds, nfds, &err);
	ipc_writer_free(&w);
	return ret;
}

int
ipc_call_send(int sock, const char *helper, uint16_t type, const void *payload, size_t len,
	      const int *fds, uint32_t nfds, uint32_t *id, struct brig_err *err)
{
	static uint32_t next_id = 1;

	*id = next_id++;
	if (ipc_send(sock, type, *id, payload, len, fds, nfds, err) < 0)
		return brig_err_wrap(err, "%s", helper);
	return 0;
}

int
ipc_call_wait(int sock, const char *helper, uint32_t id, int *reply_fds, uint32_t max_reply_fds,
	      struct brig_err *err)
{
	struct ipc_msg *msg;
	struct ipc_reader r;
	int32_t errnum = 0;
	char *text = NULL;
	int ret;

	msg = malloc(sizeof(*msg));
	if (msg == NULL)
		return brig_err_set(err, ENOMEM, "%s", helper);
	ret = ipc_recv(sock, msg, err);
	if (ret < 0) {
		free(msg);
		return brig_err_wrap(err, "%s", helper);
	}
	if (msg->hdr.type == 0) {
		free(msg);
		return brig_err_set(err, EPIPE, "%s: helper exited without replying", helper);
	}
	if (msg->hdr.type != IPC_REPLY || msg->hdr.request_id != id) {
		ipc_msg_close_fds(msg);
		free(msg);
		return brig_err_set(err, EBADMSG, "%s: unexpected reply", helper);
	}
	ipc_reader_init(&r, msg->payload, msg->hdr.payload_len);
	ipc_get_i32(&r, &errnum);
	ipc_get_str(&r, &text, false);
	if (ipc_reader_end(&r) < 0 || msg->nfds > max_reply_fds ||
	    (errnum != 0 && msg->nfds > 0)) {
		ipc_msg_close_fds(msg);
		free(text);
		free(msg);
		return brig_err_set(err, EBADMSG, "%s: malformed reply", helper);
	}
	for (uint32_t i = 0; i < msg->nfds; i++)
		reply_fds[i] = msg->fds[i];
	free(msg);
	if (errnum != 0) {
		/* The helper's message already names what failed; its errno
		 * has been rendered into the text by the helper. */
		ret = brig_err_set(err, 0, "%s: %s", helper, text ? text : "failed");
		err->errnum = errnum;
		free(text);
		return ret;
	}
	free(text);
	return 0;
}

int
ipc_call(int sock, const char *helper, uint16_t type, const void *payload, size_t len,
	 const int *fds, uint32_t nfds, int *reply_fds, uint32_t max_reply_fds,
	 struct brig_err *err)
{
	uint32_t id;

	if (ipc_call_send(sock, helper, type, payload, len, fds, nfds, &id, err) < 0)
		return -1;
	return ipc_call_wait(sock, helper, id, reply_fds, max_reply_fds, err);
}
