/* net_client.c - the adversary against brig-net: speaks its protocol
 * directly, as an unprivileged user, to a brig-net installed setuid
 * (tests/adversary/net.bats).
 *
 *   adv-net-client HELPER setup [options]
 *   adv-net-client HELPER release --id ID
 *
 * setup options:
 *   --id ID            container id (default c1)
 *   --bridge B         ask a veth on bridge B; --address CIDR, --gateway G,
 *                      --peer NAME (default eth0)
 *   --device HOST=NAME a netDevices entry
 *   --netns own        a netns of our own: a child unshares a user and a
 *                      network namespace and sleeps (the default)
 *   --netns PATH       open PATH and send it as the netns (another user's
 *                      netns, a regular file, a mount namespace...)
 *   --keep             leave the child alive; print "child PID"
 * Exit status: 0 the request succeeded, 1 it was refused (the reply's
 * message on stdout), 2 the helper ended without a reply, 3 the client
 * failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/io.h"
#include "ipc/netmsg.h"
#include "ipc/spawn.h"
#include "ipc/wire.h"

#define MAX_DEV 8

static void __attribute__((noreturn))
die(const char *what)
{
	perror(what);
	exit(3);
}

/* A child in a user and network namespace of its own, sleeping. */
static pid_t
own_netns_child(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
			_exit(1);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		close(p[1]);
		close(p[0]);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		die("child: unshare");
	close(p[0]);
	return pid;
}

static int
send_request(const char *helper, uint16_t type, const struct net_request *req, int nsfd)
{
	struct ipc_helper h = { .sock = -1, .pid = -1 };
	struct brig_err err;
	struct ipc_writer w;
	char *dir = strdup(helper), *slash = strrchr(dir, '/');
	int reply = -1, ret;

	if (slash == NULL)
		die("HELPER must be a path");
	*slash = '\0';
	ipc_writer_init(&w);
	netmsg_encode(&w, type, req);
	if (ipc_helper_spawn(&h, dir, slash + 1, &err) < 0) {
		printf("%s\n", err.msg);
		return 3;
	}
	ret = ipc_call(h.sock, "brig-net", type, w.buf, w.len, &nsfd, nsfd >= 0 ? 1 : 0, &reply,
		       type == IPC_NET_SETUP ? 1 : 0, &err);
	ipc_helper_finish(&h);
	if (ret < 0) {
		printf("%s\n", err.msg);
		/* ipc_call says "closed" when no reply came. */
		return strstr(err.msg, "closed") || strstr(err.msg, "without") ? 2 : 1;
	}
	printf("ok\n");
	return 0;
}

int
main(int argc, char **argv)
{
	struct net_device_move dev[MAX_DEV];
	struct net_request req = { .id = "c1", .devices = dev };
	const char *netns = "own";
	int keep = 0, nsfd = -1, status;
	pid_t child = -1;

	if (argc < 3)
		die("usage: adv-net-client HELPER setup|release [options]");
	req.veth.peer_name = "eth0";
	for (int i = 3; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "--keep") == 0) {
			keep = 1;
			continue;
		}
		if (v == NULL)
			die(o);
		i++;
		if (strcmp(o, "--id") == 0)
			req.id = (char *) v;
		else if (strcmp(o, "--bridge") == 0)
			req.veth.bridge = (char *) v, req.has_veth = 1;
		else if (strcmp(o, "--address") == 0)
			req.veth.address = (char *) v;
		else if (strcmp(o, "--gateway") == 0)
			req.veth.gateway = (char *) v;
		else if (strcmp(o, "--peer") == 0)
			req.veth.peer_name = (char *) v;
		else if (strcmp(o, "--netns") == 0)
			netns = v;
		else if (strcmp(o, "--device") == 0 && req.n_devices < MAX_DEV && strchr(v, '=')) {
			char *s = strdup(v);
			dev[req.n_devices].name = strchr(s, '=') + 1;
			*strchr(s, '=') = '\0';
			dev[req.n_devices++].host_name = s;
		} else {
			die(o);
		}
	}
	if (strcmp(argv[2], "release") == 0)
		return send_request(argv[1], IPC_NET_RELEASE, &req, -1);
	if (strcmp(argv[2], "setup") != 0)
		die(argv[2]);
	if (strcmp(netns, "own") == 0) {
		char path[64];
		child = own_netns_child();
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int) child);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
	} else {
		nsfd = open(netns, O_RDONLY | O_CLOEXEC);
	}
	if (nsfd < 0)
		die(netns);
	status = send_request(argv[1], IPC_NET_SETUP, &req, nsfd);
	if (child > 0 && keep && status == 0) {
		printf("child %d\n", (int) child);
	} else if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	return status;
}
