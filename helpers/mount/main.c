/* main.c - brig-mount: builds a container's root from a mount plan.
 *
 * Started by brig with its socket as fd 3.  Requests:
 *   IPC_MOUNT_PLAN  (1 fd: pidfd of the container init) - do the plan; if
 *                   it says MPLAN_STOP_BEFORE_PIVOT, reply and wait;
 *   IPC_MOUNT_PIVOT (0 fds) - finish a stopped plan.
 * The helper exits after the final reply or the first error.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "helpers/mount/mount.h"
#include "ipc/helper.h"
#include "ipc/pidfd.h"
#include "ipc/wire.h"

#define NAME "brig-mount"

static int
perform(struct mnt_state *s, int pidfd, struct brig_err *err)
{
	/* Inside another user namespace our capabilities may not cover the
	 * mount namespace we start in: open host objects after setns too. */
	if (s->plan.flags & MPLAN_NESTED_USERNS)
		s->host_priv = false;
	s->init_pid = ipc_pidfd_pid(pidfd);
	if (mnt_open_rootfs(s, err) < 0)
		return -1;
	if (s->host_priv && mnt_open_host(s, err) < 0)
		return -1;
	if (mnt_enter(s, pidfd, err) < 0 || (!s->host_priv && mnt_open_host(s, err) < 0))
		return -1;
	if (mnt_root_setup(s, err) < 0 || mnt_do_mounts(s, err) < 0 || mnt_do_devices(s, err) < 0 ||
	    mnt_do_masked(s, err) < 0 || mnt_do_readonly(s, err) < 0)
		return -1;
	return 0;
}

/* IPC_MOUNT_PLAN.  Privilege: the kept capabilities of the host (or of the
 * rootless user's namespace) until setns, then root in the container's
 * user namespace.  The request is untrusted: decoded and checked field by
 * field, the fd checked to be a pidfd, before anything is done. */
static int
handle_plan(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	struct mnt_state *s = state;
	struct ipc_reader r;

	if (s->have_plan)
		return brig_err_set(&reply->err, EPROTO, "a mount plan was already performed");
	s->have_plan = true;
	ipc_reader_init(&r, req->payload, req->hdr.payload_len);
	if (mountplan_decode(&r, &s->plan, &reply->err) < 0)
		return -1;
	if (mountplan_check(&s->plan, &reply->err) < 0 ||
	    mnt_verify_pidfd(req->fds[0], &reply->err) < 0)
		return -1;
	if (perform(s, req->fds[0], &reply->err) < 0)
		return -1;
	if (s->plan.flags & MPLAN_STOP_BEFORE_PIVOT) {
		s->pending = true;
		return 0;
	}
	reply->done = 1;
	return mnt_pivot(s, &reply->err);
}

/* IPC_MOUNT_PIVOT.  Privilege: root in the container's user namespace
 * (entered by the plan this finishes). */
static int
handle_pivot(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	struct mnt_state *s = state;

	(void) req;
	if (!s->pending)
		return brig_err_set(&reply->err, EPROTO, "no mount plan is waiting for pivot_root");
	s->pending = false;
	reply->done = 1;
	return mnt_pivot(s, &reply->err);
}

static const struct helper_op ops[] = {
    {IPC_MOUNT_PLAN, 1, handle_plan},
    {IPC_MOUNT_PIVOT, 0, handle_pivot},
};

int
main(void)
{
	struct mnt_state state;
	struct brig_err err;
	int status;

	bool had_caps;

	helper_harden(NAME);
	/* A setuid install: host privilege is never used for a user. */
	if (getuid() != 0 && helper_drop_to_caller() < 0) {
		perror(NAME ": drop privilege");
		return 2;
	}
	if (mnt_caps_init(&had_caps, &err) < 0) {
		fprintf(stderr, NAME ": %s\n", err.msg);
		return 2;
	}
	/* Device nodes and directories get exactly the mode asked for. */
	umask(0);
	mnt_state_init(&state);
	state.host_priv = had_caps;
	status = helper_serve(NAME, ops, sizeof(ops) / sizeof(ops[0]), &state);
	mnt_state_free(&state);
	return status;
}
