/* plan_cgroup.c - linux.resources into brig-cgroup's typed request, and
 * the client side of the brig-cgroup session. */
#include "front/plan_cgroup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ipc/io.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"
#include "lib/xalloc.h"

#define HELPER "brig-cgroup"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

bool
cgroup_wanted(bool rootless, const char *cgroups_path)
{
	struct statfs sfs;

	if (!rootless)
		return true;
	return cgroups_path != NULL && statfs("/sys/fs/cgroup", &sfs) == 0 &&
	       sfs.f_type == CGROUP2_SUPER_MAGIC;
}

static void
plan_memory(const struct cfg_resources *r, struct cg_memory *m)
{
	m->has = (r->memory.has_limit ? CGM_LIMIT : 0) |
		 (r->memory.has_reservation ? CGM_RESERVATION : 0) |
		 (r->memory.has_swap ? CGM_SWAP : 0) | (r->memory.has_kernel ? CGM_KERNEL : 0) |
		 (r->memory.has_kernel_tcp ? CGM_KERNEL_TCP : 0) |
		 (r->memory.has_swappiness ? CGM_SWAPPINESS : 0) |
		 (r->memory.has_disable_oom_killer ? CGM_DISABLE_OOM_KILLER : 0) |
		 (r->memory.has_use_hierarchy ? CGM_USE_HIERARCHY : 0) |
		 (r->memory.has_check_before_update ? CGM_CHECK_BEFORE_UPDATE : 0);
	m->limit = r->memory.limit;
	m->reservation = r->memory.reservation;
	m->swap = r->memory.swap;
	m->kernel = r->memory.kernel;
	m->kernel_tcp = r->memory.kernel_tcp;
	m->swappiness = r->memory.swappiness;
	m->disable_oom_killer = r->memory.disable_oom_killer;
	m->use_hierarchy = r->memory.use_hierarchy;
	m->check_before_update = r->memory.check_before_update;
}

static void
plan_cpu(const struct cfg_resources *r, struct cg_cpu *c)
{
	c->has = (r->cpu.has_shares ? CGC_SHARES : 0) | (r->cpu.has_quota ? CGC_QUOTA : 0) |
		 (r->cpu.has_burst ? CGC_BURST : 0) | (r->cpu.has_period ? CGC_PERIOD : 0) |
		 (r->cpu.has_realtime_runtime ? CGC_RT_RUNTIME : 0) |
		 (r->cpu.has_realtime_period ? CGC_RT_PERIOD : 0) | (r->cpu.has_idle ? CGC_IDLE : 0);
	c->shares = r->cpu.shares;
	c->quota = r->cpu.quota;
	c->burst = r->cpu.burst;
	c->period = r->cpu.period;
	c->realtime_runtime = r->cpu.realtime_runtime;
	c->realtime_period = r->cpu.realtime_period;
	c->idle = r->cpu.idle;
	c->cpus = r->cpu.cpus;
	c->mems = r->cpu.mems;
}

static struct cg_throttle_device *
plan_throttle(const struct cfg_throttle_device *d, size_t n)
{
	struct cg_throttle_device *out = xcalloc(n, sizeof(*out));

	for (size_t i = 0; i < n; i++) {
		out[i].major = d[i].major;
		out[i].minor = d[i].minor;
		out[i].rate = d[i].rate;
	}
	return out;
}

static void
plan_blkio(const struct cfg_resources *r, struct cg_blkio *b)
{
	const struct cfg_throttle_device *thr[4] = {
		r->block_io.throttle_read_bps, r->block_io.throttle_write_bps,
		r->block_io.throttle_read_iops, r->block_io.throttle_write_iops
	};
	const size_t nthr[4] = { r->block_io.n_throttle_read_bps, r->block_io.n_throttle_write_bps,
				 r->block_io.n_throttle_read_iops,
				 r->block_io.n_throttle_write_iops };

	b->has = (r->block_io.has_weight ? CGB_WEIGHT : 0) |
		 (r->block_io.has_leaf_weight ? CGB_LEAF_WEIGHT : 0);
	b->weight = r->block_io.weight;
	b->leaf_weight = r->block_io.leaf_weight;
	b->n_weight_device = (uint32_t) r->block_io.n_weight_device;
	b->weight_device = xcalloc(r->block_io.n_weight_device, sizeof(*b->weight_device));
	for (size_t i = 0; i < r->block_io.n_weight_device; i++) {
		const struct cfg_weight_device *w = &r->block_io.weight_device[i];
		b->weight_device[i].major = w->major;
		b->weight_device[i].minor = w->minor;
		b->weight_device[i].has_weight = w->has_weight;
		b->weight_device[i].has_leaf_weight = w->has_leaf_weight;
		b->weight_device[i].weight = w->weight;
		b->weight_device[i].leaf_weight = w->leaf_weight;
	}
	for (int k = 0; k < 4; k++) {
		b->n_throttle[k] = (uint32_t) nthr[k];
		b->throttle[k] = plan_throttle(thr[k], nthr[k]);
	}
}

static void
plan_lists(const struct cfg_resources *r, struct cg_resources *out)
{
	out->n_devices = (uint32_t) r->n_devices;
	out->devices = xcalloc(r->n_devices, sizeof(*out->devices));
	for (size_t i = 0; i < r->n_devices; i++) {
		out->devices[i].allow = r->devices[i].allow;
		out->devices[i].type = (uint32_t) (unsigned char) r->devices[i].type;
		out->devices[i].major = r->devices[i].major;
		out->devices[i].minor = r->devices[i].minor;
		out->devices[i].access = r->devices[i].access;
	}
	out->n_hugepages = (uint32_t) r->n_hugepage_limits;
	out->hugepages = xcalloc(r->n_hugepage_limits, sizeof(*out->hugepages));
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		out->hugepages[i].page_size = r->hugepage_limits[i].page_size;
		out->hugepages[i].limit = r->hugepage_limits[i].limit;
	}
	out->has_class_id = r->network.has_class_id;
	out->class_id = r->network.class_id;
	out->n_priorities = (uint32_t) r->network.n_priorities;
	out->priorities = xcalloc(r->network.n_priorities, sizeof(*out->priorities));
	for (size_t i = 0; i < r->network.n_priorities; i++) {
		out->priorities[i].name = r->network.priorities[i].name;
		out->priorities[i].priority = r->network.priorities[i].priority;
	}
	out->n_rdma = (uint32_t) r->n_rdma;
	out->rdma = xcalloc(r->n_rdma, sizeof(*out->rdma));
	for (size_t i = 0; i < r->n_rdma; i++) {
		out->rdma[i].device = r->rdma[i].device;
		out->rdma[i].has_hca_handles = r->rdma[i].has_hca_handles;
		out->rdma[i].has_hca_objects = r->rdma[i].has_hca_objects;
		out->rdma[i].hca_handles = r->rdma[i].hca_handles;
		out->rdma[i].hca_objects = r->rdma[i].hca_objects;
	}
	out->n_unified = (uint32_t) r->n_unified;
	out->unified = xcalloc(r->n_unified, sizeof(*out->unified));
	for (size_t i = 0; i < r->n_unified; i++) {
		out->unified[i].key = r->unified[i].key;
		out->unified[i].value = r->unified[i].value;
	}
}

void
plan_cgroup_resources(const struct cfg_resources *r, struct cg_resources *out)
{
	memset(out, 0, sizeof(*out));
	out->present = r->present;
	plan_memory(r, &out->memory);
	plan_cpu(r, &out->cpu);
	out->pids.has = r->pids.has_limit;
	out->pids.limit = r->pids.limit;
	plan_blkio(r, &out->blkio);
	plan_lists(r, out);
}

/* The devices every container may use, which runc and crun allow after a
 * config's own rules (so the usual "deny all" rule of `spec` still leaves
 * /dev/null usable): mknod of anything, the standard nodes, ptys, tun. */
static const struct {
	char type;
	int64_t major, minor;
	const char *access;
} default_allowed[] = {
	{'c', -1, -1, "m"},     {'b', -1, -1, "m"},    {'c', 1, 3, "rwm"},
	{'c', 1, 8, "rwm"},     {'c', 1, 7, "rwm"},    {'c', 5, 0, "rwm"},
	{'c', 1, 5, "rwm"},     {'c', 1, 9, "rwm"},    {'c', 5, 1, "rwm"},
	{'c', 136, -1, "rwm"},  {'c', 5, 2, "rwm"},    {'c', 10, 200, "rwm"},
};

/* A rule of the config that denies exactly this device: brig keeps it
 * (runc would let the default allow win; a deny naming one device means
 * what it says). */
static bool
denied_by_config(const struct cfg_resources *r, char type, int64_t major, int64_t minor)
{
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct cfg_device_rule *d = &r->devices[i];
		if (!d->allow && d->type == type && d->major == major && d->minor == minor)
			return true;
	}
	return false;
}

static void
add_rule(struct cg_resources *out, char type, int64_t major, int64_t minor, const char *access)
{
	struct cg_device_rule *d = &out->devices[out->n_devices++];

	d->allow = 1;
	d->type = (uint32_t) (unsigned char) type;
	d->major = major;
	d->minor = minor;
	d->access = (char *) access;
}

/* After the config's own rules: the defaults above and an allow rule for
 * each of linux.devices.  Only when the config has rules at all: without a
 * deny every device is allowed already, and writing allows would cost
 * syscalls on the start path for nothing. */
static void
plan_default_devices(const struct config *cfg, struct cg_resources *out)
{
	const struct cfg_resources *r = &cfg->linux.resources;
	size_t max = r->n_devices + sizeof(default_allowed) / sizeof(default_allowed[0]) +
		     cfg->linux.n_devices;

	if (r->n_devices == 0)
		return;
	out->devices = xrealloc(out->devices, max * sizeof(*out->devices));
	for (size_t i = 0; i < sizeof(default_allowed) / sizeof(default_allowed[0]); i++) {
		if (!denied_by_config(r, default_allowed[i].type, default_allowed[i].major,
				      default_allowed[i].minor))
			add_rule(out, default_allowed[i].type, default_allowed[i].major,
				 default_allowed[i].minor, default_allowed[i].access);
	}
	for (size_t i = 0; i < cfg->linux.n_devices; i++) {
		const struct cfg_device *d = &cfg->linux.devices[i];
		char type = d->type == 'u' ? 'c' : d->type;
		if ((type == 'c' || type == 'b') && !denied_by_config(r, type, d->major, d->minor))
			add_rule(out, type, d->major, d->minor, "rwm");
	}
}

void
plan_cgroup_for_config(const struct config *cfg, struct cg_resources *out)
{
	plan_cgroup_resources(&cfg->linux.resources, out);
	plan_default_devices(cfg, out);
}

void
plan_cgroup_resources_free(struct cg_resources *out)
{
	free(out->devices);
	free(out->blkio.weight_device);
	for (int k = 0; k < 4; k++)
		free(out->blkio.throttle[k]);
	free(out->hugepages);
	free(out->priorities);
	free(out->rdma);
	free(out->unified);
	memset(out, 0, sizeof(*out));
}

void
cgroup_target_of(const struct ctr_state *st, struct cg_target *t)
{
	memset(t, 0, sizeof(*t));
	t->path = st->cgroups_path;
	t->id = st->id;
	/* created_depth is for DELETE only (ctr_destroy sets it). */
}

int
cgs_start(struct cg_session *s, const char *helper_dir, struct brig_err *err)
{
	s->pending = 0;
	return ipc_helper_spawn(&s->h, helper_dir, HELPER, err);
}

void
cgs_finish(struct cg_session *s)
{
	if (s->h.pid > 0 || s->h.sock >= 0)
		ipc_helper_finish(&s->h);
}

static int
send_request(struct cg_session *s, uint16_t type, const struct cg_request *req, const int *fds,
	     uint32_t nfds, uint32_t *id, struct brig_err *err)
{
	struct ipc_writer w;
	int ret;

	ipc_writer_init(&w);
	cgmsg_encode(&w, type, req);
	if (w.failed) {
		ipc_writer_free(&w);
		return brig_err_set(err, EMSGSIZE, "linux.resources: too large for one request");
	}
	ret = ipc_call_send(s->h.sock, HELPER, type, w.buf, w.len, fds, nfds, id, err);
	ipc_writer_free(&w);
	return ret;
}

/* Read and decode the memfd a data reply carries. */
static int
read_reply(int fd, struct ipc_reader *r, uint8_t **buf, struct brig_err *err)
{
	uint32_t len;
	int ret = cgmsg_read_reply(fd, buf, &len, err);

	close(fd);
	if (ret < 0)
		return -1;
	ipc_reader_init(r, *buf, len);
	return 0;
}

bool
cgroup_helper_privileged(const char *helper_dir)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t) snprintf(path, sizeof(path), "%s/" HELPER, helper_dir) >= sizeof(path) ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if ((st.st_mode & S_ISUID) && st.st_uid == 0)
		return true;
	return getxattr(path, "security.capability", NULL, 0) > 0;
}

int
cgs_create(struct cg_session *s, const struct cg_target *t, const struct cg_resources *res,
	   int pidfd, uint32_t *depth, struct brig_err *err)
{
	struct cg_request req = { .target = *t, .res = *res };
	cleanup_free uint8_t *buf = NULL;
	struct cg_created c = { 0 };
	struct ipc_reader r;
	uint32_t id;
	int fd = -1;

	if (send_request(s, IPC_CGROUP_CREATE, &req, &pidfd, 1, &id, err) < 0 ||
	    ipc_call_wait(s->h.sock, HELPER, id, &fd, 1, err) < 0)
		return -1;
	if (fd < 0)
		return brig_err_set(err, EBADMSG, HELPER ": create: reply without data");
	if (read_reply(fd, &r, &buf, err) < 0 || cgmsg_decode_created(&r, &c, err) < 0)
		return -1;
	*depth = c.depth;
	return 0;
}

/* Collect the reply of PREPARE or ENTER (request ID): a memfd with a
 * struct cg_created, then the entry fds it announces. */
static int
collect_entry(struct cg_session *s, uint32_t id, const char *what, struct cg_entry *out,
	      struct brig_err *err)
{
	cleanup_free uint8_t *buf = NULL;
	struct cg_created c = { 0 };
	int fds[IPC_MAX_FDS];
	struct ipc_reader r;
	uint32_t nfds;

	for (uint32_t i = 0; i < IPC_MAX_FDS; i++)
		fds[i] = -1;
	if (ipc_call_wait(s->h.sock, HELPER, id, fds, IPC_MAX_FDS, err) < 0)
		return -1;
	for (nfds = 0; nfds < IPC_MAX_FDS && fds[nfds] >= 0; nfds++)
		;
	if (nfds == 0)
		return brig_err_set(err, EBADMSG, HELPER ": %s: reply without data", what);
	if (read_reply(fds[0], &r, &buf, err) < 0 || cgmsg_decode_created(&r, &c, err) < 0 ||
	    nfds != 1 + c.has_v2_dir + c.n_tasks) {
		for (uint32_t i = 1; i < nfds; i++)
			close(fds[i]);
		return err->msg[0] ? -1 : brig_err_set(err, EBADMSG, HELPER ": %s: fd count", what);
	}
	out->depth = c.depth;
	out->v2_dir = c.has_v2_dir ? fds[1] : -1;
	for (uint32_t i = 0; i < c.n_tasks; i++)
		out->tasks[out->n_tasks++] = fds[1 + c.has_v2_dir + i];
	return 0;
}

int
cgs_prepare(struct cg_session *s, const struct cg_target *t, const struct cg_resources *res,
	    struct cg_entry *out, struct brig_err *err)
{
	struct cg_request req = { .target = *t, .res = *res };
	uint32_t id;

	out->v2_dir = -1;
	out->n_tasks = 0;
	brig_err_clear(err);
	if (send_request(s, IPC_CGROUP_PREPARE, &req, NULL, 0, &id, err) < 0)
		return -1;
	return collect_entry(s, id, "prepare", out, err);
}

int
cgs_enter(struct cg_session *s, const struct cg_target *t, struct cg_entry *out,
	  struct brig_err *err)
{
	struct cg_request req = { .target = *t };
	uint32_t id;

	out->v2_dir = -1;
	out->n_tasks = 0;
	brig_err_clear(err);
	if (send_request(s, IPC_CGROUP_ENTER, &req, NULL, 0, &id, err) < 0)
		return -1;
	return collect_entry(s, id, "enter", out, err);
}

void
cg_entry_close(struct cg_entry *e)
{
	if (e->v2_dir >= 0)
		close(e->v2_dir);
	e->v2_dir = -1;
	for (uint32_t i = 0; i < e->n_tasks; i++)
		close(e->tasks[i]);
	e->n_tasks = 0;
}

int
cgs_request(struct cg_session *s, uint16_t type, const struct cg_request *req,
	    struct brig_err *err)
{
	uint32_t id;

	if (send_request(s, type, req, NULL, 0, &id, err) < 0)
		return -1;
	return ipc_call_wait(s->h.sock, HELPER, id, NULL, 0, err);
}

static int
data_request(struct cg_session *s, uint16_t type, const struct cg_target *t, uint8_t **buf,
	     struct ipc_reader *r, struct brig_err *err)
{
	struct cg_request req = { .target = *t };
	uint32_t id;
	int fd = -1;

	if (send_request(s, type, &req, NULL, 0, &id, err) < 0 ||
	    ipc_call_wait(s->h.sock, HELPER, id, &fd, 1, err) < 0)
		return -1;
	if (fd < 0)
		return brig_err_set(err, EBADMSG, HELPER ": reply without data");
	return read_reply(fd, r, buf, err);
}

int
cgs_stats(struct cg_session *s, const struct cg_target *t, struct cg_stats *out,
	  struct brig_err *err)
{
	cleanup_free uint8_t *buf = NULL;
	struct ipc_reader r;

	memset(out, 0, sizeof(*out));
	if (data_request(s, IPC_CGROUP_STATS, t, &buf, &r, err) < 0)
		return -1;
	return cgmsg_decode_stats(&r, out, err);
}

int
cgs_pids(struct cg_session *s, const struct cg_target *t, struct cg_pids_reply *out,
	 struct brig_err *err)
{
	cleanup_free uint8_t *buf = NULL;
	struct ipc_reader r;

	memset(out, 0, sizeof(*out));
	if (data_request(s, IPC_CGROUP_PIDS, t, &buf, &r, err) < 0)
		return -1;
	return cgmsg_decode_pids(&r, out, err);
}

int
cgroup_oneshot(const char *helper_dir, uint16_t type, const struct cg_request *req,
	       struct brig_err *err)
{
	struct cg_session s;
	int ret;

	if (cgs_start(&s, helper_dir, err) < 0)
		return -1;
	ret = cgs_request(&s, type, req, err);
	cgs_finish(&s);
	return ret;
}
