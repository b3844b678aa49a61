/* unixsock.c - see unixsock.h. */
#include "lib/unixsock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
unix_connect(const char *path, const char *what, struct brig_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int sock;

	if (path == NULL || path[0] == '\0')
		return brig_err_set(err, EINVAL, "%s: empty path", what);
	if (strlen(path) >= sizeof(addr.sun_path))
		return brig_err_set(err, ENAMETOOLONG, "%s %s", what, path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return brig_err_set(err, errno, "%s: socket", what);
	if (connect(sock, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
		int e = errno;
		close(sock);
		return brig_err_set(err, e, "%s: connect to %s", what, path);
	}
	return sock;
}

int
unix_send_fd(int sock, const void *msg, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *) msg, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	const char *p = msg;
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (size_t off = (size_t) n; off < len; off += (size_t) n) {
		n = send(sock, p + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			return -1;
	}
	return 0;
}
