/* virtiofs.c - the rootfs over virtiofs: qemu's virtiofsd serves it.
 *
 * virtio-9p is qemu's own server; virtiofs puts a FUSE server outside
 * qemu (virtiofsd, shipped with Debian's qemu) and maps the guest's page
 * cache onto shared memory: faster for a guest that reads much.  It needs
 * root (virtiofsd sandboxes itself in namespaces), so it is the choice of
 * root only.
 *
 * The vhost-user socket is never reachable by name: it is bound in the
 * cache directory (ours alone), connected at once from our side, and
 * unlinked; virtiofsd gets the listening socket and accepts the one
 * connection waiting, qemu gets the connected end (-chardev socket,fd=).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/vm/vm.h"
#include "lib/cleanup.h"

#define VIRTIOFSD "/usr/lib/qemu/virtiofsd"
#define FSD_LISTEN_FD 4

/* A listening socket and a client connected to it, with no name left. */
static int
socket_pair_by_name(int cache_dfd, int *listen_fd, int *client_fd, struct brig_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char name[64];
	int l, c;

	snprintf(name, sizeof(name), "vfs-%d.sock", (int) getpid());
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", cache_dfd, name);
	unlinkat(cache_dfd, name, 0);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
	    listen(l, 1) < 0 || connect(c, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
		int e = errno;
		if (l >= 0)
			close(l);
		if (c >= 0)
			close(c);
		unlinkat(cache_dfd, name, 0);
		return brig_err_set(err, e, "virtiofs: vhost-user socket");
	}
	unlinkat(cache_dfd, name, 0);
	*listen_fd = l;
	*client_fd = c;
	return 0;
}

/* In the child, between fork and exec.  SOURCE_OPT is "source=PATH". */
static void __attribute__((noreturn))
fsd_exec(char *source_opt, int listen_fd, int log)
{
	char *const argv[] = {"virtiofsd", "--fd=4", "-o", source_opt, "-o", "cache=auto",
	                      "-o", "sandbox=namespace", NULL};
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(0);
	if (open("/dev/null", O_RDONLY) != 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
	    dup2(listen_fd, FSD_LISTEN_FD) < 0)
		_exit(127);
	execve(VIRTIOFSD, argv, (char *[]){"PATH=/usr/bin:/bin", NULL});
	_exit(127);
}

int
vm_virtiofsd_start(int cache_dfd, int rootfs, int log, pid_t *pid, struct brig_err *err)
{
	cleanup_close int l = -1, lhigh = -1;
	char source[PATH_MAX + 16], fdpath[32];
	ssize_t n;
	int c = -1;

	*pid = -1;
	if (geteuid() != 0)
		return brig_err_set(err, EPERM, "virtiofs: virtiofsd needs root (9p does not)");
	if (access(VIRTIOFSD, X_OK) < 0)
		return brig_err_set(err, errno, "virtiofs: %s", VIRTIOFSD);
	/* virtiofsd takes a path: it reopens it inside the mount namespace
	 * it sandboxes itself in, where our fds' /proc/self/fd is gone.  The
	 * rootfs is root's (virtiofs is root's only): its path is as good
	 * as the fd brig opened. */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", rootfs);
	memcpy(source, "source=", 7);
	n = readlink(fdpath, source + 7, sizeof(source) - 8);
	if (n <= 0 || (size_t) n >= sizeof(source) - 8 || source[7] != '/' || memchr(source + 7, ',', (size_t) n))
		return brig_err_set(err, n < 0 ? errno : EINVAL, "virtiofs: the rootfs's path");
	source[7 + n] = '\0';
	if (socket_pair_by_name(cache_dfd, &l, &c, err) < 0)
		return -1;
	/* Above the number the child moves it to. */
	lhigh = fcntl(l, F_DUPFD_CLOEXEC, 10);
	if (lhigh < 0) {
		close(c);
		return brig_err_set(err, errno, "virtiofs: dup");
	}
	*pid = fork();
	if (*pid < 0) {
		close(c);
		return brig_err_set(err, errno, "virtiofs: fork");
	}
	if (*pid == 0)
		fsd_exec(source, lhigh, log);
	return c;
}

void
vm_virtiofsd_stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGKILL);
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = -1;
}
