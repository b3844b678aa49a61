/* cmd_common.c - pieces shared by several commands. */
#include "front/cmd_common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/hooks.h"
#include "front/plan_net.h"
#include "front/proc.h"
#include "ipc/wire.h"
#include "lib/sys.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE_SOCKET, OPT_NO_PIVOT, OPT_NO_NEW_KEYRING,
       OPT_PRESERVE_FDS, OPT_KEEP, OPT_NO_SUBREAPER };

static const struct option create_options[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
	{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
	{ "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ "detach", no_argument, NULL, 'd' },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
parse_create_opts(int argc, char **argv, struct create_opts *o, bool is_run,
		  struct run_extra *extra, void (*usage)(FILE *))
{
	int ch;

	while ((ch = getopt_long(argc, argv, is_run ? "+b:dh" : "+b:h", create_options, NULL)) !=
	       -1) {
		switch (ch) {
		case 'b':
			o->bundle = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_CONSOLE_SOCKET:
			o->console_socket = optarg;
			break;
		case OPT_NO_PIVOT:
			o->no_pivot = true;
			break;
		case OPT_NO_NEW_KEYRING:
			o->no_new_keyring = true;
			break;
		case OPT_PRESERVE_FDS: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 0 || n > 1024) {
				brig_log_errorf("--preserve-fds: not a count of fds: \"%s\"", optarg);
				return -1;
			}
			o->preserve_fds = (int) n;
			break;
		}
		case 'd':
		case OPT_KEEP:
		case OPT_NO_SUBREAPER:
			if (!is_run) {
				usage(stderr);
				return -1;
			}
			if (ch == 'd')
				extra->detach = o->detach = true;
			else if (ch == OPT_KEEP)
				extra->keep = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		brig_log_errorf("%s: expects exactly one container id", argv[0]);
		return -1;
	}
	o->id = argv[optind];
	o->run_mode = is_run;
	return 0;
}

int
create_fill_preserved(const struct create_opts *o, struct brig_err *err)
{
	for (int fd = 3; fd < 3 + o->preserve_fds; fd++) {
		int nfd;
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		nfd = open("/dev/null", O_RDWR);
		if (nfd < 0)
			return brig_err_set(err, errno, "--preserve-fds: fill fd %d", fd);
		if (nfd != fd) {
			dup2(nfd, fd);
			close(nfd);
		}
	}
	return 0;
}

int
ctr_open(struct brig_global *g, const char *id, int *rootfd, int *dirfd, struct ctr_state *st,
	 struct brig_err *err)
{
	*dirfd = -1;
	*rootfd = state_root_open(g->root, false, err);
	if (*rootfd < 0 && g->root == NULL)
		return -1; /* no state root at all: err says why */
	if (*rootfd < 0)
		return brig_err_set(err, 0, "container \"%s\" does not exist", id);
	*dirfd = state_dir_open(*rootfd, id, err);
	if (*dirfd < 0)
		goto fail;
	if (state_read(*dirfd, id, st, err) < 0)
		goto fail;
	state_refresh(*dirfd, st);
	return 0;
fail:
	if (*dirfd >= 0)
		close(*dirfd);
	close(*rootfd);
	*rootfd = *dirfd = -1;
	return -1;
}

int
ctr_load_config(int dirfd, struct config **cfg, struct brig_err *err)
{
	*cfg = NULL;
	return config_load(dirfd, cfg, err);
}

int
ctr_cgroup_call(struct brig_global *g, struct cg_session *cg, uint16_t type,
		struct cg_request *req, struct brig_err *err)
{
	if (cg != NULL)
		return cgs_request(cg, type, req, err);
	return cgroup_oneshot(g->helper_dir, type, req, err);
}

void
ctr_kill_and_wait(struct brig_global *g, struct ctr_state *st, struct cg_session *cg)
{
	int pidfd;
	struct brig_err err;

	/* Before the kill: a moved device still has a netns to leave. */
	ctr_net_return(g, st);
	pidfd = proc_pidfd_checked(st->pid, st->start_time);
	if (st->has_cgroup) {
		/* Every process, also those that left the init's pid namespace
		 * view (no pid namespace) or were forked at this moment. */
		struct cg_request req;
		memset(&req, 0, sizeof(req));
		cgroup_target_of(st, &req.target);
		req.signal = SIGKILL;
		if (ctr_cgroup_call(g, cg, IPC_CGROUP_KILL, &req, &err) < 0)
			brig_log_warnf("%s", err.msg);
	}
	if (pidfd < 0)
		return;
	sys_pidfd_send_signal(pidfd, SIGKILL, 0);
	proc_wait_exit(pidfd, 10000);
	close(pidfd);
}

void
ctr_destroy(struct brig_global *g, int rootfd, int dirfd, struct ctr_state *st,
	    struct cg_session *cg)
{
	struct config *cfg = NULL;
	struct brig_err err;

	ctr_net_release(g, st);
	if (st->has_cgroup) {
		struct cg_request req;
		memset(&req, 0, sizeof(req));
		cgroup_target_of(st, &req.target);
		req.target.created_depth = st->cgroup_depth;
		if (ctr_cgroup_call(g, cg, IPC_CGROUP_DELETE, &req, &err) < 0)
			brig_log_warnf("%s", err.msg);
	}
	if (st->has_hooks && ctr_load_config(dirfd, &cfg, &err) == 0) {
		char *json = state_to_json(st, "stopped", false);
		if (hooks_run("poststop", cfg->hooks.poststop, cfg->hooks.n_poststop, json, -1, 0,
			      &err) < 0)
			brig_log_warnf("%s", err.msg);
		free(json);
		config_free(cfg);
	}
	state_dir_remove(rootfd, dirfd, st->id);
}
