/* cmd_common.h - option parsing shared by create and run, and the
 * "open a container's state" step shared by the other commands. */
#ifndef BRIG_FRONT_CMD_COMMON_H
#define BRIG_FRONT_CMD_COMMON_H

#include <stdio.h>

#include "front/container.h"

struct run_extra {
	bool detach;
	bool keep;
};

/* Parse create/run options into O (and, for run, EXTRA).  Prints the
 * error and returns -1 on bad usage; exits 0 after --help. */
int parse_create_opts(int argc, char **argv, struct create_opts *o, bool is_run,
		      struct run_extra *extra, void (*usage)(FILE *));

/* --preserve-fds: make sure fds 3..3+N-1 exist, so none of brig's own
 * fds lands in that range and leaks into the container. */
int create_fill_preserved(const struct create_opts *o, struct brig_err *err);

/* Open, lock and read the state of ID; computes st->status. */
int ctr_open(struct brig_global *g, const char *id, int *rootfd, int *dirfd,
	     struct ctr_state *st, struct brig_err *err);

/* Load the kept config copy (for poststart/poststop hooks). */
int ctr_load_config(int dirfd, struct config **cfg, struct brig_err *err);

/* Kill the container with SIGKILL (every process of its cgroup when it
 * has one, else its init) and wait until the init is gone. */
void ctr_kill_and_wait(struct brig_global *g, struct ctr_state *st, struct cg_session *cg);

/* Remove the cgroup (through CG, or a session of its own when NULL), run
 * the poststop hooks (warnings only) and remove the state directory. */
void ctr_destroy(struct brig_global *g, int rootfd, int dirfd, struct ctr_state *st,
		 struct cg_session *cg);

/* Send REQ of TYPE to brig-cgroup through CG, or a session of its own. */
int ctr_cgroup_call(struct brig_global *g, struct cg_session *cg, uint16_t type,
		    struct cg_request *req, struct brig_err *err);

#endif
