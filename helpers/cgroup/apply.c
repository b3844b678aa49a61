/* apply.c - linux.resources memory, cpu, cpuset and pids, with runc's
 * file names, order and numbers for v1 and v2; v2 controller enabling;
 * v1 cpuset initialisation of the cgroups we create.
 */
#include "helpers/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
missing(const char *field, const char *ctrl, struct brig_err *err)
{
	return brig_err_set(err, ENOTSUP, "linux.resources.%s: no %s controller on this host",
	                    field, ctrl);
}

/* "-1" stays "-1" on v1; v2 says "max". */
static void
fmt_limit(char *buf, size_t size, int64_t v, bool v2)
{
	if (v < 0 && v2)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v < 0 ? (int64_t) -1 : v);
}

static int
write_i64(struct cg_hier *h, const char *file, int64_t v, struct brig_err *err)
{
	char buf[32];

	fmt_limit(buf, sizeof(buf), v, h->v2);
	return cg_write_changed(h, file, buf, err);
}

static int
write_u64(struct cg_hier *h, const char *file, uint64_t v, struct brig_err *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cg_write_changed(h, file, buf, err);
}

/* v1 memory and memory+swap: when both change, the order must keep
 * memory <= memsw at every step (runc's setMemoryAndSwap). */
static int
memory_v1(struct cg_hier *h, const struct cg_memory *m, struct brig_err *err)
{
	int64_t limit = (m->has & CGM_LIMIT) ? m->limit : 0;
	int64_t swap = (m->has & CGM_SWAP) ? m->swap : 0;
	uint64_t cur = 0;
	char buf[8];
	bool have_memsw = cg_read(h, "memory.memsw.limit_in_bytes", buf, sizeof(buf)) >= 0;

	if (limit == -1 && swap == 0 && have_memsw)
		swap = -1;
	if (limit != 0 && swap != 0 &&
	    (swap == -1 ||
	     (cg_read_u64(h, "memory.limit_in_bytes", &cur) == 0 && cur < (uint64_t) swap))) {
		if (write_i64(h, "memory.memsw.limit_in_bytes", swap, err) < 0 ||
		    write_i64(h, "memory.limit_in_bytes", limit, err) < 0)
			return -1;
	} else {
		if (limit != 0 && write_i64(h, "memory.limit_in_bytes", limit, err) < 0)
			return -1;
		if (swap != 0 && write_i64(h, "memory.memsw.limit_in_bytes", swap, err) < 0)
			return -1;
	}
	if ((m->has & CGM_RESERVATION) &&
	    write_i64(h, "memory.soft_limit_in_bytes", m->reservation, err) < 0)
		return -1;
	if ((m->has & CGM_KERNEL_TCP) &&
	    write_i64(h, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, err) < 0)
		return -1;
	if ((m->has & CGM_SWAPPINESS) && write_u64(h, "memory.swappiness", m->swappiness, err) < 0)
		return -1;
	if ((m->has & CGM_DISABLE_OOM_KILLER) && m->disable_oom_killer &&
	    cg_write(h, "memory.oom_control", "1", err) < 0)
		return -1;
	if ((m->has & CGM_USE_HIERARCHY) &&
	    write_u64(h, "memory.use_hierarchy", m->use_hierarchy, err) < 0)
		return -1;
	return 0;
}

static int
memory_v2(struct cg_hier *h, const struct cg_memory *m, struct brig_err *err)
{
	int64_t limit = (m->has & CGM_LIMIT) ? m->limit : 0;
	int64_t swap = (m->has & CGM_SWAP) ? m->swap : 0;
	int64_t v2swap = 0;

	if (cg_swap_to_v2(swap, limit, &v2swap) < 0)
		return brig_err_set(
		    err, EINVAL, "linux.resources.memory.swap %" PRId64 ": %s", swap,
		    errno == ERANGE ? "below memory.limit" : "a swap limit needs a memory limit");
	/* swap first: memory.max alone must never leave swap unlimited. */
	if (v2swap != 0 && write_i64(h, "memory.swap.max", v2swap, err) < 0)
		return -1;
	if (limit != 0 && write_i64(h, "memory.max", limit, err) < 0)
		return -1;
	if ((m->has & CGM_RESERVATION) && m->reservation != 0 &&
	    write_i64(h, "memory.low", m->reservation, err) < 0)
		return -1;
	/* swappiness, kernel, disableOOMKiller: no v2 file; runc ignores them. */
	return 0;
}

static int
memory(struct cg_layout *l, const struct cg_memory *m, struct brig_err *err)
{
	struct cg_hier *h;

	if ((m->has & ~(CGM_KERNEL | CGM_CHECK_BEFORE_UPDATE)) == 0)
		return 0;
	h = cg_find(l, CG_MEMORY);
	if (h == NULL)
		return missing("memory", "memory", err);
	if ((m->has & CGM_CHECK_BEFORE_UPDATE) && m->check_before_update && (m->has & CGM_LIMIT) &&
	    m->limit > 0) {
		uint64_t usage = 0;
		if (cg_read_u64(h, h->v2 ? "memory.current" : "memory.usage_in_bytes", &usage) ==
		        0 &&
		    usage > (uint64_t) m->limit)
			return brig_err_set(err, EBUSY,
			                    "linux.resources.memory.limit %" PRId64
			                    ": below the current usage %" PRIu64,
			                    m->limit, usage);
	}
	if (h->v2 ? memory_v2(h, m, err) : memory_v1(h, m, err))
		return brig_err_wrap(err, "linux.resources.memory");
	return 0;
}

/* v1 gives a new cgroup no real-time budget, and a child can never have
 * more than its parent: hand the ancestors this call created (and only
 * those) the budget the container asks for, from the top down. */
static int
rt_budget_for_parents(struct cg_hier *h, const struct cg_cpu *c, struct brig_err *err)
{
	char buf[32];

	if (h->created < 2)
		return 0;
	for (unsigned i = h->nchain - h->created; i + 1 < h->nchain; i++) {
		const struct {
			const char *file;
			long long v;
			bool want;
		} w[2] = {
			{ "cpu.rt_period_us", (long long) c->realtime_period,
			  (c->has & CGC_RT_PERIOD) && c->realtime_period },
			{ "cpu.rt_runtime_us", (long long) c->realtime_runtime, true },
		};
		for (int k = 0; k < 2; k++) {
			int fd, n;
			if (!w[k].want)
				continue;
			n = snprintf(buf, sizeof(buf), "%lld", w[k].v);
			fd = openat(h->chain[i], w[k].file, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, buf, (size_t) n) != n) {
				int e = errno;
				if (fd >= 0)
					close(fd);
				return brig_err_set(err, e, "realtime budget of a parent cgroup (%s)",
						    w[k].file);
			}
			close(fd);
		}
	}
	return 0;
}

static int
cpu_v1(struct cg_hier *h, const struct cg_cpu *c, struct brig_err *err)
{
	if ((c->has & CGC_SHARES) && write_u64(h, "cpu.shares", c->shares, err) < 0)
		return -1;
	if ((c->has & CGC_PERIOD) && c->period &&
	    write_u64(h, "cpu.cfs_period_us", c->period, err) < 0)
		return -1;
	if ((c->has & CGC_QUOTA) && c->quota && write_i64(h, "cpu.cfs_quota_us", c->quota, err) < 0)
		return -1;
	if ((c->has & CGC_BURST) && write_u64(h, "cpu.cfs_burst_us", c->burst, err) < 0)
		return -1;
	/* rt period before runtime, as the kernel checks runtime <= period. */
	if ((c->has & CGC_RT_PERIOD) && c->realtime_period &&
	    write_u64(h, "cpu.rt_period_us", c->realtime_period, err) < 0)
		return -1;
	if ((c->has & CGC_RT_RUNTIME) && c->realtime_runtime &&
	    (rt_budget_for_parents(h, c, err) < 0 ||
	     write_i64(h, "cpu.rt_runtime_us", c->realtime_runtime, err) < 0))
		return -1;
	if ((c->has & CGC_IDLE) && write_i64(h, "cpu.idle", c->idle, err) < 0)
		return -1;
	return 0;
}

static int
cpu_v2(struct cg_hier *h, const struct cg_cpu *c, struct brig_err *err)
{
	if ((c->has & (CGC_RT_PERIOD | CGC_RT_RUNTIME)) &&
	    (c->realtime_period || c->realtime_runtime))
		return brig_err_set(err, ENOTSUP,
		                    "realtimeRuntime/realtimePeriod: not supported on cgroup v2");
	if ((c->has & CGC_IDLE) && write_i64(h, "cpu.idle", c->idle, err) < 0)
		return -1;
	if ((c->has & CGC_SHARES) && c->shares &&
	    write_u64(h, "cpu.weight", cg_shares_to_weight(c->shares), err) < 0)
		return -1;
	if (((c->has & CGC_QUOTA) && c->quota) || ((c->has & CGC_PERIOD) && c->period)) {
		char buf[64] = "max";
		int n;
		if ((c->has & CGC_QUOTA) && c->quota > 0)
			snprintf(buf, sizeof(buf), "%" PRId64, c->quota);
		n = (int) strlen(buf);
		if ((c->has & CGC_PERIOD) && c->period)
			snprintf(buf + n, sizeof(buf) - (size_t) n, " %" PRIu64, c->period);
		if (cg_write_changed(h, "cpu.max", buf, err) < 0)
			return -1;
	}
	if ((c->has & CGC_BURST) && write_u64(h, "cpu.max.burst", c->burst, err) < 0)
		return -1;
	return 0;
}

static int
cpu(struct cg_layout *l, const struct cg_cpu *c, struct brig_err *err)
{
	struct cg_hier *h, *hs;

	if (c->has) {
		h = cg_find(l, CG_CPU);
		if (h == NULL)
			return missing("cpu", "cpu", err);
		if (h->v2 ? cpu_v2(h, c, err) : cpu_v1(h, c, err))
			return brig_err_wrap(err, "linux.resources.cpu");
	}
	if ((c->cpus && c->cpus[0]) || (c->mems && c->mems[0])) {
		hs = cg_find(l, CG_CPUSET);
		if (hs == NULL)
			return missing("cpu.cpus", "cpuset", err);
		if (c->cpus && c->cpus[0] && cg_write_changed(hs, "cpuset.cpus", c->cpus, err) < 0)
			return brig_err_wrap(err, "linux.resources.cpu.cpus");
		if (c->mems && c->mems[0] && cg_write_changed(hs, "cpuset.mems", c->mems, err) < 0)
			return brig_err_wrap(err, "linux.resources.cpu.mems");
	}
	return 0;
}

static int
pids(struct cg_layout *l, const struct cg_pids *p, struct brig_err *err)
{
	struct cg_hier *h;
	char buf[32] = "max";

	if (!p->has)
		return 0;
	h = cg_find(l, CG_PIDS);
	if (h == NULL)
		return missing("pids", "pids", err);
	/* runc: 0 or less means no limit. */
	if (p->limit > 0)
		snprintf(buf, sizeof(buf), "%" PRId64, p->limit);
	if (cg_write_changed(h, "pids.max", buf, err) < 0)
		return brig_err_wrap(err, "linux.resources.pids.limit");
	return 0;
}

/* v1 cpuset: a new cgroup starts with empty cpus and mems and no task can
 * join it; copy each created level's values from its parent, top down. */
static int
cg_cpuset_init(struct cg_layout *l, struct brig_err *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	struct cg_hier *h = cg_find(l, CG_CPUSET);

	if (h == NULL || h->v2 || h->created == 0)
		return 0;
	for (unsigned k = h->nchain - h->created; k < h->nchain; k++) {
		for (int f = 0; f < 2; f++) {
			char val[1024], cur[1024];
			struct cg_hier tmp = *h;
			if (cg_read_at(h->chain[k - 1], files[f], val, sizeof(val)) < 0 ||
			    cg_read_at(h->chain[k], files[f], cur, sizeof(cur)) < 0)
				return brig_err_set(err, errno, "%s: %s", h->mnt, files[f]);
			if (cur[0] != '\n' && cur[0] != '\0')
				continue;
			val[strcspn(val, "\n")] = '\0';
			tmp.dirfd = h->chain[k];
			if (val[0] != '\0' && cg_write(&tmp, files[f], val, err) < 0)
				return -1;
		}
	}
	return 0;
}

static const struct {
	uint32_t bit;
	const char *name;
} v2_names[] = {
    {CG_CPU, "cpu"},   {CG_CPUSET, "cpuset"},   {CG_MEMORY, "memory"}, {CG_BLKIO, "io"},
    {CG_PIDS, "pids"}, {CG_HUGETLB, "hugetlb"}, {CG_RDMA, "rdma"},     {CG_OTHER, "misc"},
};

static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* The controllers the resources R write to. */
static uint32_t
needed(const struct cg_resources *r)
{
	const struct cg_blkio *b = &r->blkio;
	uint32_t m = 0;

	if (!r->present)
		return 0;
	if (r->memory.has)
		m |= CG_MEMORY;
	if (r->cpu.has)
		m |= CG_CPU;
	if ((r->cpu.cpus && r->cpu.cpus[0]) || (r->cpu.mems && r->cpu.mems[0]))
		m |= CG_CPUSET;
	if (r->pids.has)
		m |= CG_PIDS;
	if (b->has || b->n_weight_device || b->n_throttle[0] || b->n_throttle[1] ||
	    b->n_throttle[2] || b->n_throttle[3])
		m |= CG_BLKIO;
	if (r->n_hugepages)
		m |= CG_HUGETLB;
	if (r->n_rdma)
		m |= CG_RDMA;
	return m;
}

/* v2: controllers are usable in a cgroup only when every ancestor lists
 * them in cgroup.subtree_control.  Pure v2 at create: every available one
 * (as runc), so that later updates and stats find their files; otherwise
 * the ones the resources need, and in the hybrid layout only those no v1
 * hierarchy holds (the cgroup2 root is the host's: it is written only
 * when a limit needs it, and "+hugetlb" there is what that takes). */
static int
enable_v2(struct cg_layout *l, const struct cg_resources *r, bool create, struct brig_err *err)
{
	struct cg_hier *h = cg_unified(l);
	uint32_t mask = l->pure_v2 && create ? ~0u : needed(r);

	if (h == NULL || (h->ctrls & mask) == 0)
		return 0;
	for (unsigned k = 0; k + 1 < h->nchain; k++) {
		char cur[512];
		bool ours = k >= h->nchain - h->created;
		if (cg_read_at(h->chain[k], "cgroup.subtree_control", cur, sizeof(cur)) < 0)
			return brig_err_set(err, errno, "%s: cgroup.subtree_control", h->mnt);
		for (size_t i = 0; i < sizeof(v2_names) / sizeof(v2_names[0]); i++) {
			struct cg_hier tmp = *h;
			char word[32];
			if (!(h->ctrls & mask & v2_names[i].bit) ||
			    (!l->pure_v2 && cg_find(l, v2_names[i].bit) != h))
				continue;
			if (has_word(cur, v2_names[i].name))
				continue;
			snprintf(word, sizeof(word), "+%s", v2_names[i].name);
			tmp.dirfd = h->chain[k];
			/* An ancestor we did not create may hold processes
			 * (EBUSY); a missing file later names the resource. */
			if (cg_write(&tmp, "cgroup.subtree_control", word, err) < 0 && ours)
				return -1;
		}
	}
	return 0;
}

int
cg_apply(struct cg_layout *l, const struct cg_resources *r, bool create, struct brig_err *err)
{
	if (create && cg_cpuset_init(l, err) < 0)
		return -1;
	if (enable_v2(l, r, create, err) < 0)
		return -1;
	if (!r->present)
		return 0;
	if (memory(l, &r->memory, err) < 0 || cpu(l, &r->cpu, err) < 0 ||
	    pids(l, &r->pids, err) < 0)
		return -1;
	if (cg_apply_blkio(l, r, err) < 0 || cg_apply_misc(l, r, err) < 0)
		return -1;
	return 0;
}
