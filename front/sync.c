/* sync.c - the few fixed messages between the front and the init. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "front/container.h"

int
sync_send(int fd, uint32_t type, const char *payload)
{
	struct sync_msg m;
	size_t len = payload ? strnlen(payload, SYNC_PAYLOAD_MAX - 1) : 0;
	ssize_t n;

	memset(&m, 0, offsetof(struct sync_msg, payload));
	m.type = type;
	if (len)
		memcpy(m.payload, payload, len);
	m.payload[len] = '\0';
	do
		n = send(fd, &m, offsetof(struct sync_msg, payload) + len + 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

int
sync_send_error(int fd, const struct brig_err *err)
{
	return sync_send(fd, SYNC_ERROR, err->msg);
}

int
sync_expect(int fd, uint32_t want, struct sync_msg *msg, struct brig_err *err)
{
	ssize_t n;

	do
		n = recv(fd, msg, sizeof(*msg) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return brig_err_set(err, errno, "container init");
	if (n == 0)
		return brig_err_set(err, 0, "container init exited during setup");
	if ((size_t) n < offsetof(struct sync_msg, payload) + 1)
		return brig_err_set(err, EBADMSG, "container init: short message");
	((char *) msg)[n] = '\0';
	msg->payload[SYNC_PAYLOAD_MAX - 1] = '\0';
	if (msg->type == SYNC_ERROR)
		return brig_err_set(err, 0, "%s", msg->payload);
	if (msg->type != want)
		return brig_err_set(err, EBADMSG, "container init: unexpected message %u", msg->type);
	return 0;
}

int
sync_send_fd(int fd, uint32_t type, int passed)
{
	struct sync_msg m;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = &m, .iov_len = offsetof(struct sync_msg, payload) + 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *c;
	ssize_t n;

	memset(&m, 0, offsetof(struct sync_msg, payload) + 1);
	m.type = type;
	memset(&cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &passed, sizeof(int));
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

int
sync_expect_fd(int fd, uint32_t want, int *passed, struct brig_err *err)
{
	struct sync_msg m;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *c;
	ssize_t n;

	*passed = -1;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return brig_err_set(err, n < 0 ? errno : 0, "container init exited during setup");
	c = CMSG_FIRSTHDR(&mh);
	if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(passed, CMSG_DATA(c), sizeof(int));
	((char *) &m)[n] = '\0';
	m.payload[SYNC_PAYLOAD_MAX - 1] = '\0';
	if (m.type == SYNC_ERROR)
		return brig_err_set(err, 0, "%s", m.payload);
	if (m.type != want || *passed < 0)
		return brig_err_set(err, EBADMSG, "container init: expected a listener fd");
	return 0;
}
