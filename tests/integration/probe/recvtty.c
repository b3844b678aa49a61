/* recvtty.c - the other end of --console-socket, for tests (as runc's
 * contrib/cmd/recvtty): listen on PATH, print "ready", accept one
 * connection, take the pty master it carries (SCM_RIGHTS) and the name
 * sent with it, print "name: NAME", write INPUT (if given) to the master,
 * then copy everything the master gives to stdout until the pty closes.
 *
 *   recvtty PATH [INPUT]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
take_master(int conn, char *name, size_t namelen)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = name, .iov_len = namelen - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t n = recvmsg(conn, &mh, 0);
	int fd = -1;

	if (n < 0)
		return -1;
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&mh);
	if (c != NULL && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char name[256], buf[4096];
	int sock, conn, master;
	ssize_t n;

	if (argc < 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: recvtty PATH [INPUT]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
	    listen(sock, 1) < 0) {
		perror("recvtty: listen");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	conn = accept(sock, NULL, NULL);
	master = conn < 0 ? -1 : take_master(conn, name, sizeof(name));
	if (master < 0) {
		fprintf(stderr, "recvtty: no fd received\n");
		return 1;
	}
	printf("name: %s\n", name);
	fflush(stdout);
	if (argc > 2 && write(master, argv[2], strlen(argv[2])) < 0)
		perror("recvtty: write");
	while ((n = read(master, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && fwrite(buf, 1, (size_t) n, stdout) != (size_t) n)
			break;
	return 0;
}
