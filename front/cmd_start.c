/* cmd_start.c - `brig start`: release a created container's init.
 *
 * The init blocks reading exec.fifo (opened read-write, so it has a
 * writer and the read waits).  start writes one byte, removes the fifo
 * (status becomes "running") and waits until the init's end of the fifo
 * is closed, which happens at its exec (close-on-exec) or its death;
 * then the poststart hooks run.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "front/hooks.h"
#include "front/proc.h"
#include "lib/cleanup.h"

static int
release_init(int dirfd, const char *id, struct brig_err *err)
{
	cleanup_close int fd = -1;
	struct pollfd p;
	char b = '0';

	fd = openat(dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return brig_err_set(err, errno, "start container \"%s\": exec fifo", id);
	if (write(fd, &b, 1) != 1)
		return brig_err_set(err, errno, "start container \"%s\"", id);
	unlinkat(dirfd, "exec.fifo", 0);
	/* POLLERR on a FIFO's write end: no reader left (the init exec'd). */
	p.fd = fd;
	p.events = 0;
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	return 0;
}

/* startContainer hooks run in the container's namespaces (joined through
 * the init's pidfd) before the process is released; a failure fails
 * start and the process never runs. */
static int
run_start_container(const struct config *cfg, struct ctr_state *st, struct brig_err *err)
{
	int pidfd, ret;
	char *json;

	if (cfg == NULL || cfg->hooks.n_start_container == 0)
		return 0;
	pidfd = proc_pidfd_checked(st->pid, st->start_time);
	if (pidfd < 0)
		return brig_err_set(err, 0, "container \"%s\" is not running", st->id);
	json = state_to_json(st, "created", false);
	ret = hooks_run("startContainer", cfg->hooks.start_container, cfg->hooks.n_start_container,
			json, pidfd, proc_ns_flags_differing(st->pid), err);
	free(json);
	close(pidfd);
	return ret;
}

static void
run_poststart(const struct config *cfg, struct ctr_state *st)
{
	struct brig_err err;
	char *json;

	if (cfg == NULL || cfg->hooks.n_poststart == 0)
		return;
	json = state_to_json(st, "running", false);
	if (hooks_run("poststart", cfg->hooks.poststart, cfg->hooks.n_poststart, json, -1, 0,
		      &err) < 0)
		brig_log_warnf("%s", err.msg);
	free(json);
}

static int
start_created(int dirfd, struct ctr_state *st, struct brig_err *err)
{
	struct config *cfg = NULL;
	int ret;

	if (st->has_hooks && ctr_load_config(dirfd, &cfg, err) < 0)
		return -1;
	ret = run_start_container(cfg, st, err);
	if (ret == 0)
		ret = release_init(dirfd, st->id, err);
	if (ret == 0)
		run_poststart(cfg, st);
	if (cfg != NULL)
		config_free(cfg);
	return ret;
}

int
cmd_start(struct brig_global *g, int argc, char **argv)
{
	struct ctr_state st;
	struct brig_err err;
	int rootfd, dirfd, ret = 1;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: brig start ID\n");
		return 0;
	}
	if (argc != 2) {
		brig_log_errorf("start: expects exactly one container id");
		return 1;
	}
	if (ctr_open(g, argv[1], &rootfd, &dirfd, &st, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	if (st.status == CTR_CREATED) {
		if (start_created(dirfd, &st, &err) == 0)
			ret = 0;
		else
			brig_log_error(&err);
	} else if (st.status == CTR_STOPPED) {
		brig_log_errorf("cannot start a container that has stopped");
	} else {
		brig_log_errorf("cannot start an already %s container",
				state_status_name(st.status));
	}
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return ret;
}
