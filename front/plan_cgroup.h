/* plan_cgroup.h - config.json's linux.resources -> brig-cgroup requests,
 * and the small client the commands use to talk to brig-cgroup. */
#ifndef BRIG_FRONT_PLAN_CGROUP_H
#define BRIG_FRONT_PLAN_CGROUP_H

#include <stdbool.h>

#include "front/config.h"
#include "front/state.h"
#include "ipc/cgroupmsg.h"
#include "ipc/spawn.h"
#include "ipc/wire.h"

/* Copy (sharing strings, not owning them) R into OUT. */
void plan_cgroup_resources(const struct cfg_resources *r, struct cg_resources *out);
/* For create: the config's resources, and after its device rules the
 * default device allows of runc and crun (see plan_cgroup.c). */
void plan_cgroup_for_config(const struct config *cfg, struct cg_resources *out);
/* Free what plan_cgroup_resources allocated (the arrays, not the strings). */
void plan_cgroup_resources_free(struct cg_resources *out);

struct cg_session {
	struct ipc_helper h;
	uint32_t pending; /* request id of a CREATE sent but not yet collected */
};

/* Whether brig manages a cgroup for the container: as root, always;
 * rootless, only for a linux.cgroupsPath on a pure cgroup v2 host, where
 * a subtree can be delegated to the user (cgroups(7), "Delegation"); the
 * kernel then decides whether the user may write it (see brig(8)). */
bool cgroup_wanted(bool rootless, const char *cgroups_path);

/* The installed brig-cgroup holds privilege to act for this user (setuid
 * root, or file capabilities): on hosts where the kernel delegates no
 * cgroup (v1, hybrid) it makes one as /etc/brig/policy allows. */
bool cgroup_helper_privileged(const char *helper_dir);

int cgs_start(struct cg_session *s, const char *helper_dir, struct brig_err *err);
void cgs_finish(struct cg_session *s);

/* How the init enters its cgroup (IPC_CGROUP_PREPARE's reply). */
struct cg_entry {
	uint32_t depth;   /* path components brig-cgroup created */
	int v2_dir;       /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
	int tasks[IPC_MAX_FDS]; /* v1 "tasks" files: the init writes "0" to each */
	uint32_t n_tasks;
};

/* Make the container's cgroup before its init exists and get the fds the
 * init enters it with (no pid is ever written: see struct cg_created). */
int cgs_prepare(struct cg_session *s, const struct cg_target *t, const struct cg_resources *res,
		struct cg_entry *out, struct brig_err *err);
/* brig exec: the entry fds of the container's existing cgroup. */
int cgs_enter(struct cg_session *s, const struct cg_target *t, struct cg_entry *out,
	      struct brig_err *err);
void cg_entry_close(struct cg_entry *e);

/* IPC_CGROUP_CREATE: make the cgroup and move the process PIDFD names into
 * it (the privileged helper's path for unprivileged users, after the
 * clone); *DEPTH as struct cg_entry's. */
int cgs_create(struct cg_session *s, const struct cg_target *t, const struct cg_resources *res,
	       int pidfd, uint32_t *depth, struct brig_err *err);

int cgs_request(struct cg_session *s, uint16_t type, const struct cg_request *req,
		struct brig_err *err);
int cgs_stats(struct cg_session *s, const struct cg_target *t, struct cg_stats *out,
	      struct brig_err *err);
int cgs_pids(struct cg_session *s, const struct cg_target *t, struct cg_pids_reply *out,
	     struct brig_err *err);

/* The target of a container from its state. */
void cgroup_target_of(const struct ctr_state *st, struct cg_target *t);

/* One request on a session of its own (spawn, call, finish): for the
 * commands that only need one thing of brig-cgroup. */
int cgroup_oneshot(const char *helper_dir, uint16_t type, const struct cg_request *req,
		   struct brig_err *err);

#endif
