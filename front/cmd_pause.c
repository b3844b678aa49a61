/* cmd_pause.c - `brig pause ID` and `brig resume ID`: freeze and thaw every
 * process of the container's cgroup (v1 freezer, v2 cgroup.freeze). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "ipc/wire.h"

static int
freeze_or_thaw(struct brig_global *g, int argc, char **argv, bool freeze)
{
	const char *name = freeze ? "pause" : "resume";
	struct cg_request req;
	struct ctr_state st;
	struct brig_err err;
	int rootfd, dirfd, ret = 1;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: brig %s ID\n", name);
		return 0;
	}
	if (argc != 2) {
		brig_log_errorf("%s: expects exactly one container id", name);
		return 1;
	}
	if (ctr_open(g, argv[1], &rootfd, &dirfd, &st, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	if (!st.has_cgroup) {
		brig_log_errorf("%s: container \"%s\" has no cgroup (rootless without a "
				"delegated cgroup)", name, st.id);
	} else if (freeze && st.status != CTR_RUNNING && st.status != CTR_CREATED) {
		brig_log_errorf("container \"%s\" is not running", st.id);
	} else if (!freeze && st.status != CTR_PAUSED) {
		brig_log_errorf("container \"%s\" is not paused", st.id);
	} else {
		memset(&req, 0, sizeof(req));
		cgroup_target_of(&st, &req.target);
		if (cgroup_oneshot(g->helper_dir, freeze ? IPC_CGROUP_FREEZE : IPC_CGROUP_THAW, &req,
				   &err) < 0) {
			brig_log_error(&err);
		} else {
			st.paused = freeze;
			if (state_write(dirfd, &st, &err) < 0)
				brig_log_error(&err);
			else
				ret = 0;
		}
	}
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return ret;
}

int
cmd_pause(struct brig_global *g, int argc, char **argv)
{
	return freeze_or_thaw(g, argc, argv, true);
}

int
cmd_resume(struct brig_global *g, int argc, char **argv)
{
	return freeze_or_thaw(g, argc, argv, false);
}
