/* notify-listener.c - a seccomp agent for the tests, on the host.
 *
 *   notify-listener SOCKET STATEFILE VALUE
 *
 * Listens on the unix socket SOCKET (linux.seccomp.listenerPath), takes
 * one connection, reads the containerProcessState JSON and the seccomp
 * listener fd that comes with it (SCM_RIGHTS), writes the JSON to
 * STATEFILE, then answers every notification with success and return
 * value VALUE until the container's filter is gone.  Prints "ready" on
 * stdout once it listens.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
recv_state(int conn, char *buf, size_t len, int *fd)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {buf, len - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			    .msg_controllen = sizeof(u.b)};
	struct cmsghdr *c;
	size_t off;
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);

	if (n <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (c == NULL || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(fd, CMSG_DATA(c), sizeof(int));
	/* The rest of a long message follows on the stream. */
	for (off = (size_t) n; off < len - 1; off += (size_t) n) {
		n = recv(conn, buf + off, len - 1 - off, 0);
		if (n <= 0)
			break;
	}
	buf[off] = '\0';
	return 0;
}

static int
serve(int nfd, long long value)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		struct pollfd p = {.fd = nfd, .events = POLLIN};

		if (poll(&p, 1, -1) < 0)
			return errno == EINTR ? 0 : 1;
		if (p.revents & (POLLHUP | POLLERR))
			return 0; /* the container's filter is gone */
		memset(&req, 0, sizeof(req));
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return 1;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = value;
		ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* ENOENT: caller died */
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	static char buf[65536];
	int ls, conn, nfd = -1;
	FILE *f;

	if (argc != 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: notify-listener SOCKET STATEFILE VALUE\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(argv[1]);
	if (ls < 0 || bind(ls, (struct sockaddr *) &addr, sizeof(addr)) < 0 || listen(ls, 1) < 0) {
		perror("notify-listener: listen");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0 || recv_state(conn, buf, sizeof(buf), &nfd) < 0) {
		fprintf(stderr, "notify-listener: no state and fd received\n");
		return 1;
	}
	close(conn);
	close(ls);
	f = fopen(argv[2], "w");
	if (f != NULL) {
		fprintf(f, "%s\n", buf);
		fclose(f);
	}
	return serve(nfd, strtoll(argv[3], NULL, 0));
}
