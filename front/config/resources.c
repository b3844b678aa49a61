/* resources.c - linux.resources: parsed and range-checked here, applied by
 * brig-cgroup later. */
#include "front/config/parse.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* Walk array member KEY of OBJ, calling FN on each element with the path
 * at "key[i]".  *ARR is set to a zeroed array of ELEM-sized slots and *N
 * counts the elements handed to FN (so config_free sees partial work). */
typedef int (*res_elem_fn)(struct cfgp *p, yajl_val v, void *slot);

static int
res_array(struct cfgp *p, yajl_val obj, const char *key, size_t elem, res_elem_fn fn, void **arr,
          size_t *n)
{
	yajl_val a = NULL;
	size_t old;

	if (cfgp_array(p, obj, key, false, &a) < 0)
		return -1;
	if (a == NULL)
		return 0;
	old = cfgp_push_key(p, key);
	*arr = xcalloc(a->u.array.len + 1, elem);
	for (size_t i = 0; i < a->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		(*n)++;
		if (!YAJL_IS_OBJECT(a->u.array.values[i]))
			return cfgp_fail(p, a->u.array.values[i], "must be an object");
		if (fn(p, a->u.array.values[i], (char *) *arr + i * elem) < 0)
			return -1;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
res_required(struct cfgp *p, yajl_val v, const char *key)
{
	if (cfgp_member(v, key) != NULL)
		return 0;
	cfgp_push_key(p, key);
	return cfgp_fail(p, NULL, "required");
}

static int
res_device_rule(struct cfgp *p, yajl_val v, void *slot)
{
	struct cfg_device_rule *r = slot;
	char *type = NULL;
	bool has;

	r->type = 'a';
	r->major = r->minor = -1;
	if (res_required(p, v, "allow") < 0 || cfgp_bool(p, v, "allow", &r->allow, NULL) < 0 ||
	    cfgp_string(p, v, "type", false, &type) < 0)
		return -1;
	if (type != NULL) {
		r->type = type[0];
		if (strlen(type) != 1 || strchr("acb", type[0]) == NULL) {
			cfgp_push_key(p, "type");
			cfgp_fail_str(p, type, "unknown device type (a, c or b)");
			free(type);
			return -1;
		}
		free(type);
	}
	if (cfgp_i64(p, v, "major", -1, INT64_MAX, &r->major, &has) < 0 ||
	    cfgp_i64(p, v, "minor", -1, INT64_MAX, &r->minor, &has) < 0 ||
	    cfgp_string(p, v, "access", false, &r->access) < 0)
		return -1;
	if (r->access != NULL) {
		const char *a = r->access;
		bool bad = false;
		for (; *a != '\0'; a++)
			if (strchr("rwm", *a) == NULL || strchr(a + 1, *a) != NULL)
				bad = true;
		if (bad) {
			cfgp_push_key(p, "access");
			return cfgp_fail_str(p, r->access, "must be a subset of \"rwm\"");
		}
	}
	return 0;
}

/* runc reads 0 as "not set" in these fields and writes nothing (docker's
 * update sends every field, 0 for those it does not change). */
static void
res_zero_unset(int64_t v, bool *has)
{
	if (v == 0)
		*has = false;
}

static int
res_memory(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	yajl_val m = NULL;
	size_t old;

	if (cfgp_object(p, res, "memory", false, &m) < 0)
		return -1;
	if (m == NULL)
		return 0;
	old = cfgp_push_key(p, "memory");
	/* -1 means unlimited, as in the cgroup files. */
	if (cfgp_i64(p, m, "limit", -1, INT64_MAX, &out->memory.limit, &out->memory.has_limit) <
	        0 ||
	    cfgp_i64(p, m, "reservation", -1, INT64_MAX, &out->memory.reservation,
	             &out->memory.has_reservation) < 0 ||
	    cfgp_i64(p, m, "swap", -1, INT64_MAX, &out->memory.swap, &out->memory.has_swap) < 0 ||
	    cfgp_i64(p, m, "kernel", -1, INT64_MAX, &out->memory.kernel, &out->memory.has_kernel) <
	        0 ||
	    cfgp_i64(p, m, "kernelTCP", -1, INT64_MAX, &out->memory.kernel_tcp,
	             &out->memory.has_kernel_tcp) < 0 ||
	    cfgp_u64(p, m, "swappiness", 0, 100, &out->memory.swappiness,
	             &out->memory.has_swappiness) < 0 ||
	    cfgp_bool(p, m, "disableOOMKiller", &out->memory.disable_oom_killer,
	              &out->memory.has_disable_oom_killer) < 0 ||
	    cfgp_bool(p, m, "useHierarchy", &out->memory.use_hierarchy,
	              &out->memory.has_use_hierarchy) < 0 ||
	    cfgp_bool(p, m, "checkBeforeUpdate", &out->memory.check_before_update,
	              &out->memory.has_check_before_update) < 0)
		return -1;
	res_zero_unset(out->memory.limit, &out->memory.has_limit);
	res_zero_unset(out->memory.reservation, &out->memory.has_reservation);
	res_zero_unset(out->memory.swap, &out->memory.has_swap);
	res_zero_unset(out->memory.kernel, &out->memory.has_kernel);
	res_zero_unset(out->memory.kernel_tcp, &out->memory.has_kernel_tcp);
	cfgp_pop(p, old);
	return 0;
}

static bool
res_cpulist_ok(const char *s)
{
	if (*s == '\0')
		return true; /* empty: not set */
	for (;;) {
		char *end;
		unsigned long a, b;
		if (*s < '0' || *s > '9')
			return false;
		a = strtoul(s, &end, 10);
		s = end;
		b = a;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return false;
			b = strtoul(s, &end, 10);
			s = end;
		}
		if (b < a || b > 65535)
			return false;
		if (*s == '\0')
			return true;
		if (*s != ',')
			return false;
		s++;
	}
}

int
cfgp_cpulist(struct cfgp *p, yajl_val obj, const char *key, char **out)
{
	if (cfgp_string(p, obj, key, false, out) < 0)
		return -1;
	if (*out == NULL || res_cpulist_ok(*out))
		return 0;
	cfgp_push_key(p, key);
	return cfgp_fail_str(p, *out, "invalid list (like \"0-3,5\")");
}

static int
res_cpu(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	yajl_val c = NULL;
	size_t old;

	if (cfgp_object(p, res, "cpu", false, &c) < 0)
		return -1;
	if (c == NULL)
		return 0;
	old = cfgp_push_key(p, "cpu");
	/* shares 0 means unset, as runc reads it: docker sends {"shares": 0} */
	if (cfgp_u64(p, c, "shares", 0, UINT64_MAX, &out->cpu.shares, &out->cpu.has_shares) < 0 ||
	    cfgp_i64(p, c, "quota", -1, INT64_MAX, &out->cpu.quota, &out->cpu.has_quota) < 0 ||
	    cfgp_u64(p, c, "burst", 0, UINT64_MAX, &out->cpu.burst, &out->cpu.has_burst) < 0 ||
	    cfgp_u64(p, c, "period", 0, UINT64_MAX, &out->cpu.period, &out->cpu.has_period) < 0 ||
	    cfgp_i64(p, c, "realtimeRuntime", -1, INT64_MAX, &out->cpu.realtime_runtime,
	             &out->cpu.has_realtime_runtime) < 0 ||
	    cfgp_u64(p, c, "realtimePeriod", 0, UINT64_MAX, &out->cpu.realtime_period,
	             &out->cpu.has_realtime_period) < 0 ||
	    cfgp_i64(p, c, "idle", 0, 1, &out->cpu.idle, &out->cpu.has_idle) < 0 ||
	    cfgp_cpulist(p, c, "cpus", &out->cpu.cpus) < 0 ||
	    cfgp_cpulist(p, c, "mems", &out->cpu.mems) < 0)
		return -1;
	if (out->cpu.shares == 0)
		out->cpu.has_shares = false;
	res_zero_unset(out->cpu.quota, &out->cpu.has_quota);
	if (out->cpu.period == 0)
		out->cpu.has_period = false;
	res_zero_unset(out->cpu.realtime_runtime, &out->cpu.has_realtime_runtime);
	if (out->cpu.realtime_period == 0)
		out->cpu.has_realtime_period = false;
	cfgp_pop(p, old);
	return 0;
}

static int
res_pids(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	yajl_val v = NULL;
	size_t old;

	if (cfgp_object(p, res, "pids", false, &v) < 0)
		return -1;
	if (v == NULL)
		return 0;
	old = cfgp_push_key(p, "pids");
	if (cfgp_i64(p, v, "limit", -1, INT64_MAX, &out->pids.limit, &out->pids.has_limit) < 0)
		return -1;
	res_zero_unset(out->pids.limit, &out->pids.has_limit);
	cfgp_pop(p, old);
	return 0;
}

static int
res_weight(struct cfgp *p, yajl_val v, const char *key, uint16_t *out, bool *has)
{
	uint64_t w = 0;

	/* 0 means unset, as runc reads it: docker sends {"weight": 0} */
	if (cfgp_u64(p, v, key, 0, 1000, &w, has) < 0)
		return -1;
	if (w == 0) {
		if (has != NULL)
			*has = false;
		return 0;
	}
	if (w < 10) {
		cfgp_push_key(p, key);
		return cfgp_fail(p, cfgp_member(v, key), "out of range 10..1000");
	}
	*out = (uint16_t) w;
	return 0;
}

static int
res_weight_device(struct cfgp *p, yajl_val v, void *slot)
{
	struct cfg_weight_device *d = slot;

	if (res_required(p, v, "major") < 0 || res_required(p, v, "minor") < 0 ||
	    cfgp_i64(p, v, "major", 0, INT64_MAX, &d->major, NULL) < 0 ||
	    cfgp_i64(p, v, "minor", 0, INT64_MAX, &d->minor, NULL) < 0 ||
	    res_weight(p, v, "weight", &d->weight, &d->has_weight) < 0 ||
	    res_weight(p, v, "leafWeight", &d->leaf_weight, &d->has_leaf_weight) < 0)
		return -1;
	return 0;
}

static int
res_throttle_device(struct cfgp *p, yajl_val v, void *slot)
{
	struct cfg_throttle_device *d = slot;

	if (res_required(p, v, "major") < 0 || res_required(p, v, "minor") < 0 ||
	    res_required(p, v, "rate") < 0 ||
	    cfgp_i64(p, v, "major", 0, INT64_MAX, &d->major, NULL) < 0 ||
	    cfgp_i64(p, v, "minor", 0, INT64_MAX, &d->minor, NULL) < 0 ||
	    cfgp_u64(p, v, "rate", 0, UINT64_MAX, &d->rate, NULL) < 0)
		return -1;
	return 0;
}

static int
res_block_io(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	yajl_val b = NULL;
	size_t old;

	if (cfgp_object(p, res, "blockIO", false, &b) < 0)
		return -1;
	if (b == NULL)
		return 0;
	old = cfgp_push_key(p, "blockIO");
	if (res_weight(p, b, "weight", &out->block_io.weight, &out->block_io.has_weight) < 0 ||
	    res_weight(p, b, "leafWeight", &out->block_io.leaf_weight,
	               &out->block_io.has_leaf_weight) < 0 ||
	    res_array(p, b, "weightDevice", sizeof(struct cfg_weight_device), res_weight_device,
	              (void **) &out->block_io.weight_device, &out->block_io.n_weight_device) < 0 ||
	    res_array(p, b, "throttleReadBpsDevice", sizeof(struct cfg_throttle_device),
	              res_throttle_device, (void **) &out->block_io.throttle_read_bps,
	              &out->block_io.n_throttle_read_bps) < 0 ||
	    res_array(p, b, "throttleWriteBpsDevice", sizeof(struct cfg_throttle_device),
	              res_throttle_device, (void **) &out->block_io.throttle_write_bps,
	              &out->block_io.n_throttle_write_bps) < 0 ||
	    res_array(p, b, "throttleReadIOPSDevice", sizeof(struct cfg_throttle_device),
	              res_throttle_device, (void **) &out->block_io.throttle_read_iops,
	              &out->block_io.n_throttle_read_iops) < 0 ||
	    res_array(p, b, "throttleWriteIOPSDevice", sizeof(struct cfg_throttle_device),
	              res_throttle_device, (void **) &out->block_io.throttle_write_iops,
	              &out->block_io.n_throttle_write_iops) < 0)
		return -1;
	cfgp_pop(p, old);
	return 0;
}

/* "2MB", "1GB", "64KB": a number and a unit, as the hugetlb files name them. */
static bool
res_page_size_ok(const char *s)
{
	if (*s < '1' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	return strcmp(s, "KB") == 0 || strcmp(s, "MB") == 0 || strcmp(s, "GB") == 0 ||
	       strcmp(s, "TB") == 0 || strcmp(s, "PB") == 0;
}

static int
res_hugepage(struct cfgp *p, yajl_val v, void *slot)
{
	struct cfg_hugepage *h = slot;

	if (cfgp_string(p, v, "pageSize", true, &h->page_size) < 0)
		return -1;
	if (!res_page_size_ok(h->page_size)) {
		cfgp_push_key(p, "pageSize");
		return cfgp_fail_str(p, h->page_size, "invalid page size (like \"2MB\")");
	}
	if (res_required(p, v, "limit") < 0 ||
	    cfgp_u64(p, v, "limit", 0, UINT64_MAX, &h->limit, NULL) < 0)
		return -1;
	return 0;
}

static int
res_net_priority(struct cfgp *p, yajl_val v, void *slot)
{
	struct cfg_net_priority *n = slot;
	uint64_t prio = 0;

	if (cfgp_string(p, v, "name", true, &n->name) < 0 || res_required(p, v, "priority") < 0 ||
	    cfgp_u64(p, v, "priority", 0, UINT32_MAX, &prio, NULL) < 0)
		return -1;
	n->priority = (uint32_t) prio;
	return 0;
}

static int
res_network(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	yajl_val n = NULL;
	uint64_t id = 0;
	size_t old;

	if (cfgp_object(p, res, "network", false, &n) < 0)
		return -1;
	if (n == NULL)
		return 0;
	old = cfgp_push_key(p, "network");
	if (cfgp_u64(p, n, "classID", 0, UINT32_MAX, &id, &out->network.has_class_id) < 0 ||
	    res_array(p, n, "priorities", sizeof(struct cfg_net_priority), res_net_priority,
	              (void **) &out->network.priorities, &out->network.n_priorities) < 0)
		return -1;
	out->network.class_id = (uint32_t) id;
	cfgp_pop(p, old);
	return 0;
}

static int
res_rdma(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	yajl_val obj = NULL;
	size_t old;

	if (cfgp_object(p, res, "rdma", false, &obj) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	old = cfgp_push_key(p, "rdma");
	out->rdma = xcalloc(obj->u.object.len + 1, sizeof(*out->rdma));
	for (size_t i = 0; i < obj->u.object.len; i++) {
		struct cfg_rdma *r = &out->rdma[out->n_rdma];
		yajl_val v = obj->u.object.values[i];
		uint64_t a = 0, b = 0;
		size_t o2 = cfgp_push_map_key(p, obj->u.object.keys[i]);
		if (!YAJL_IS_OBJECT(v))
			return cfgp_fail(p, v, "must be an object");
		r->device = xstrdup(obj->u.object.keys[i]);
		out->n_rdma++;
		if (cfgp_u64(p, v, "hcaHandles", 0, UINT32_MAX, &a, &r->has_hca_handles) < 0 ||
		    cfgp_u64(p, v, "hcaObjects", 0, UINT32_MAX, &b, &r->has_hca_objects) < 0)
			return -1;
		r->hca_handles = (uint32_t) a;
		r->hca_objects = (uint32_t) b;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

/* "controller.file": one dot-separated name with no path in it, so that the
 * cgroup helper can only ever write a file of the container's own cgroup. */
static bool
res_unified_key_ok(const char *k)
{
	const char *dot = strchr(k, '.');

	return dot != NULL && dot != k && dot[1] != '\0' && strchr(k, '/') == NULL &&
	       strstr(k, "..") == NULL;
}

static int
res_unified(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	yajl_val obj = NULL;
	size_t old;

	if (cfgp_object(p, res, "unified", false, &obj) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	old = cfgp_push_key(p, "unified");
	out->unified = xcalloc(obj->u.object.len + 1, sizeof(*out->unified));
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];
		yajl_val v = obj->u.object.values[i];
		size_t o2 = cfgp_push_map_key(p, k);
		if (!res_unified_key_ok(k))
			return cfgp_fail_str(p, k, "invalid cgroup file name (controller.file)");
		if (!YAJL_IS_STRING(v))
			return cfgp_fail(p, v, "must be a string");
		out->unified[out->n_unified].key = xstrdup(k);
		out->unified[out->n_unified].value = xstrdup(v->u.string);
		out->n_unified++;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

int
cfgp_resources(struct cfgp *p, yajl_val res, struct cfg_resources *out)
{
	size_t old = cfgp_push_key(p, "resources");

	out->present = true;
	if (res_array(p, res, "devices", sizeof(struct cfg_device_rule), res_device_rule,
	              (void **) &out->devices, &out->n_devices) < 0 ||
	    res_memory(p, res, out) < 0 || res_cpu(p, res, out) < 0 || res_pids(p, res, out) < 0 ||
	    res_block_io(p, res, out) < 0 ||
	    res_array(p, res, "hugepageLimits", sizeof(struct cfg_hugepage), res_hugepage,
	              (void **) &out->hugepage_limits, &out->n_hugepage_limits) < 0 ||
	    res_network(p, res, out) < 0 || res_rdma(p, res, out) < 0 ||
	    res_unified(p, res, out) < 0)
		return -1;
	cfgp_pop(p, old);
	return 0;
}
