/* create_cgroup.c - brig-cgroup's part of creating a container.
 *
 * brig-cgroup is started with brig-mount (both execs overlap the clone),
 * its CREATE is sent as soon as the init exists and collected after the
 * mount plan, so cgroup and mount work run side by side.  The init joins
 * its cgroup before it execs anything: brig-cgroup writes its pid into
 * the cgroup while the init still waits for SYNC_MOUNTED.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

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

int
ctr_cgroup_begin(struct container *c, struct brig_err *err)
{
	c->cg_active = false;
	c->cg_sent = false;
	if (check_systemd(c, err) < 0)
		return -1;
	if (!cgroup_wanted()) {
		if (c->cfg->linux.resources.present)
			brig_log_warnf("rootless: linux.resources ignored (no cgroup delegated to "
				       "this user)");
		return 0;
	}
	if (cgs_start(&c->cg, c->g->helper_dir, err) < 0)
		return -1;
	c->cg_active = true;
	return 0;
}

int
ctr_cgroup_send(struct container *c, struct brig_err *err)
{
	struct cg_resources res;
	struct cg_target t = { .path = c->cfg->linux.cgroups_path, .id = (char *) c->opts->id };
	int ret;

	if (!c->cg_active)
		return 0;
	plan_cgroup_resources(&c->cfg->linux.resources, &res);
	ret = cgs_create_send(&c->cg, &t, &res, c->pidfd, err);
	plan_cgroup_resources_free(&res);
	if (ret == 0)
		c->cg_sent = true;
	return ret;
}

int
ctr_cgroup_collect(struct container *c, struct brig_err *err)
{
	uint32_t depth = 0;

	if (!c->cg_sent)
		return 0;
	c->cg_sent = false;
	if (cgs_create_wait(&c->cg, &depth, err) < 0)
		return -1;
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

	if (!c->cg_active)
		return;
	if (c->cg_sent)
		ctr_cgroup_collect(c, &err);
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
	if (c->cg_active && !c->opts->run_mode) {
		cgs_finish(&c->cg);
		c->cg_active = false;
	}
}
