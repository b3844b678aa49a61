/* cmd_kill.c - `brig kill [--all] ID [SIGNAL]`.
 *
 * The signal goes through a pidfd opened and checked against the init's
 * start time, so a pid reused by another process is never signalled.
 * --all signals every process in the container's pid namespace (the
 * cgroup-based form comes with brig-cgroup).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "front/proc.h"
#include "ipc/wire.h"
#include "lib/sys.h"

static int
ns_ino_of(pid_t pid, const char *ns, ino_t *ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) pid, ns);
	if (stat(path, &st) < 0)
		return -1;
	*ino = st.st_ino;
	return 0;
}

/* Signal every process of the container: those in the init's pid
 * namespace when it has its own, else those in its mount namespace (every
 * container has one).  brig-cgroup's cgroup.procs is the finer tool. */
static void
kill_all(const struct ctr_state *st, int initfd, int sig)
{
	const char *kind = "pid";
	ino_t init_ns, self_ns, ns;
	DIR *d;
	struct dirent *de;

	if (ns_ino_of(st->pid, kind, &init_ns) < 0 || ns_ino_of(getpid(), kind, &self_ns) < 0)
		return;
	if (init_ns == self_ns) {
		kind = "mnt";
		if (ns_ino_of(st->pid, kind, &init_ns) < 0 ||
		    ns_ino_of(getpid(), kind, &self_ns) < 0 || init_ns == self_ns)
			return;
	}
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = (pid_t) atoi(de->d_name);
		int fd;
		if (pid <= 0 || pid == st->pid)
			continue;
		fd = sys_pidfd_open(pid, 0);
		if (fd < 0)
			continue;
		/* Check after opening the pidfd, so the check holds for it. */
		if (ns_ino_of(pid, kind, &ns) == 0 && ns == init_ns)
			sys_pidfd_send_signal(fd, sig, 0);
		close(fd);
	}
	closedir(d);
	(void) initfd;
}

static const struct option kill_options[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
cmd_kill(struct brig_global *g, int argc, char **argv)
{
	struct ctr_state st;
	struct brig_err err;
	bool all = false;
	int rootfd, dirfd, sig = SIGTERM, ch, pidfd, ret = 0;

	while ((ch = getopt_long(argc, argv, "+ah", kill_options, NULL)) != -1) {
		if (ch == 'a')
			all = true;
		else {
			printf("usage: brig kill [--all] ID [SIGNAL]\n");
			return ch == 'h' ? 0 : 1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		brig_log_errorf("kill: expects a container id and an optional signal");
		return 1;
	}
	if (argc - optind == 2 && (sig = proc_signal_parse(argv[optind + 1])) < 0) {
		brig_log_errorf("kill: unknown signal \"%s\"", argv[optind + 1]);
		return 1;
	}
	if (ctr_open(g, argv[optind], &rootfd, &dirfd, &st, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	pidfd = st.status == CTR_STOPPED ? -1 : proc_pidfd_checked(st.pid, st.start_time);
	/* --all reaches what is left in the cgroup even after the init
	 * exited (runc answers 0 there; containerd's shim sends it so). */
	if (all && st.has_cgroup) {
		struct cg_request req;
		memset(&req, 0, sizeof(req));
		cgroup_target_of(&st, &req.target);
		req.signal = (uint32_t) sig;
		if (cgroup_oneshot(g->helper_dir, IPC_CGROUP_KILL, &req, &err) < 0) {
			brig_log_error(&err);
			ret = 1;
		}
	}
	if (pidfd < 0 && !(all && st.has_cgroup)) {
		/* runc's words: containerd's shim and podman look for the
		 * string "container not running" to take it as "already gone" */
		brig_log_errorf("%s: container not running", st.id);
		ret = 1;
	} else if (pidfd >= 0) {
		if (all && !st.has_cgroup)
			kill_all(&st, pidfd, sig);
		if (sys_pidfd_send_signal(pidfd, sig, 0) < 0 && errno != ESRCH) {
			brig_log_errorf("kill container \"%s\": %s", st.id, strerror(errno));
			ret = 1;
		}
		close(pidfd);
	}
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return ret;
}
