/* create_cgroup.c - brig-cgroup's part of creating a container.
 *
 * brig-cgroup makes the cgroup (and writes linux.resources) before the
 * init exists (IPC_CGROUP_PREPARE), and hands back what lets the init
 * enter it without anyone writing its pid: the cgroup2 directory, which
 * clone3 puts the init into (CLONE_INTO_CGROUP), and the v1 "tasks"
 * files, to which the init writes "0" first thing.  Writing a pid to
 * cgroup.procs takes the kernel's global threadgroup lock, whose first
 * taker waits for an RCU grace period: 11-22 ms measured here, more than
 * a whole container start.  A thread moving itself skips that lock.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/container.h"
#include "ipc/wire.h"
#include "lib/xalloc.h"

/* runc's systemd form "slice:prefix:name". */
static bool
is_systemd_path(const char *p)
{
	const char *c1 = p ? strchr(p, ':') : NULL;
	return c1 != NULL && strchr(c1 + 1, ':') != NULL;
}

static int
check_systemd(const struct container *c, struct brig_err *err)
{
	struct stat st;
	bool wants = c->g->systemd_cgroup || is_systemd_path(c->cfg->linux.cgroups_path);

	if (!wants)
		return 0;
	if (stat("/run/systemd/system", &st) < 0)
		return brig_err_set(err, 0, "%s: systemd is not running on this host (no "
					    "/run/systemd/system); use a cgroupfs path",
				    c->g->systemd_cgroup ? "--systemd-cgroup"
							 : "config.json: linux.cgroupsPath");
	return brig_err_set(err, 0, "%s: the systemd cgroup driver is not supported yet",
			    c->g->systemd_cgroup ? "--systemd-cgroup" : "config.json: linux.cgroupsPath");
}

static bool
is_denied(int errnum)
{
	return errnum == EACCES || errnum == EPERM || errnum == EROFS;
}

int
ctr_cgroup_begin(struct container *c, struct brig_err *err)
{
	struct cg_target t = { .path = c->cfg->linux.cgroups_path, .id = (char *) c->opts->id };
	struct cg_resources res;
	int ret;

	c->cg_active = false;
	c->cg_entry.v2_dir = -1;
	c->cg_entry.n_tasks = 0;
	if (check_systemd(c, err) < 0)
		return -1;
	/* A user served by a privileged brig-cgroup: the policy decides,
	 * delegation or not, and the cgroup is made after the clone
	 * (ctr_cgroup_attach). */
	if (c->g->rootless_mode && geteuid() != 0 && cgroup_helper_privileged(c->g->helper_dir)) {
		if (cgs_start(&c->cg, c->g->helper_dir, err) < 0)
			return -1;
		c->cg_active = true;
		return 0;
	}
	if (!cgroup_wanted(c->g->rootless_mode, t.path)) {
		if (c->cfg->linux.resources.present && c->g->nested_userns)
			/* An engine running us in its user namespace (rootless
			 * podman) knows; its container's log must not carry it. */
			brig_log_debugf("rootless: linux.resources ignored (no cgroup "
					"delegated)");
		else if (c->cfg->linux.resources.present)
			brig_log_warnf("rootless: linux.resources ignored (no cgroup delegated to "
				       "this user: give a linux.cgroupsPath in a cgroup v2 subtree "
				       "the user owns)");
		return 0;
	}
	if (cgs_start(&c->cg, c->g->helper_dir, err) < 0)
		return -1;
	c->cg_active = true;
	plan_cgroup_for_config(c->cfg, &res);
	if (c->is_vm) {
		/* The memory limit is the guest's RAM (create_vm.c): qemu's own
		 * memory on top of it must not be OOM-killed.  The device rules
		 * are the guest's business; qemu needs /dev/kvm. */
		res.memory.has = 0;
		res.n_devices = 0;
	}
	ret = cgs_prepare(&c->cg, &t, &res, &c->cg_entry, err);
	plan_cgroup_resources_free(&res);
	if (ret < 0 && c->g->rootless_mode && is_denied(err->errnum)) {
		/* Not delegated: run without a cgroup, as runc does rootless. */
		brig_log_warnf("rootless: no cgroup (%s)%s", err->msg,
			       c->cfg->linux.resources.present ? "; linux.resources ignored" : "");
		cgs_finish(&c->cg);
		c->cg_active = false;
		return 0;
	}
	if (ret < 0)
		return -1;
	c->st.has_cgroup = true;
	c->st.cgroup_depth = c->cg_entry.depth;
	c->st.cgroups_path =
		c->cfg->linux.cgroups_path ? xstrdup(c->cfg->linux.cgroups_path) : NULL;
	return 0;
}

/* Rootless on a host with no cgroup delegation (v1, hybrid), when
 * brig-cgroup is installed privileged: it makes the cgroup, as the policy
 * allows, and moves the init in by its pidfd.  Called after the clone and
 * before the init goes on (it unshares its cgroup namespace later), so
 * the init never runs outside its cgroup.  Nothing to do otherwise. */
int
ctr_cgroup_attach(struct container *c, struct brig_err *err)
{
	struct cg_target t = { .path = c->cfg->linux.cgroups_path, .id = (char *) c->opts->id };
	struct cg_resources res;
	uint32_t depth = 0;
	int ret;

	if (!c->cg_active || c->st.has_cgroup)
		return 0;
	plan_cgroup_for_config(c->cfg, &res);
	ret = cgs_create(&c->cg, &t, &res, c->pidfd, &depth, err);
	plan_cgroup_resources_free(&res);
	if (ret < 0 && err->errnum == EPERM) {
		/* The policy gives this user no cgroup (or not these kinds of
		 * limits): as where nothing is delegated, run without one.
		 * Limits above what it allows (EDQUOT) stay an error. */
		brig_log_warnf("rootless: no cgroup (%s)%s", err->msg,
			       c->cfg->linux.resources.present ? "; linux.resources ignored" : "");
		brig_err_clear(err);
		return 0;
	}
	if (ret < 0)
		return brig_err_wrap(err, "rootless cgroup (privileged brig-cgroup)");
	c->st.has_cgroup = true;
	c->st.cgroup_depth = depth;
	c->st.cgroups_path =
		c->cfg->linux.cgroups_path ? xstrdup(c->cfg->linux.cgroups_path) : NULL;
	return 0;
}

/* After a failed create: the init is dead; remove the cgroup it had. */
void
ctr_cgroup_abort(struct container *c)
{
	struct brig_err err;

	cg_entry_close(&c->cg_entry);
	if (!c->cg_active)
		return;
	if (c->st.has_cgroup) {
		struct cg_request req;
		memset(&req, 0, sizeof(req));
		cgroup_target_of(&c->st, &req.target);
		req.target.created_depth = c->st.cgroup_depth;
		if (cgs_request(&c->cg, IPC_CGROUP_DELETE, &req, &err) < 0)
			brig_log_warnf("%s", err.msg);
	}
	cgs_finish(&c->cg);
	c->cg_active = false;
}

/* create keeps no session; run keeps it for the delete at its end. */
void
ctr_cgroup_end(struct container *c)
{
	cg_entry_close(&c->cg_entry);
	if (c->cg_active && !c->opts->run_mode) {
		cgs_finish(&c->cg);
		c->cg_active = false;
	}
}
