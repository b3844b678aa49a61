/* apply_io.c - linux.resources blockIO, hugepageLimits, network, rdma,
 * unified and devices.
 */
#include "helpers/cgroup/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const thr_v1[4] = {
    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
static const char *const thr_v2[4] = {"rbps", "wbps", "riops", "wiops"};

static int
blkio_v1(struct cg_hier *h, const struct cg_blkio *b, struct brig_err *err)
{
	char buf[96];

	/* Without CFQ the weight lives in blkio.bfq.weight, as runc falls back. */
	if (b->has & CGB_WEIGHT) {
		snprintf(buf, sizeof(buf), "%u", b->weight);
		if (cg_write(h, "blkio.weight", buf, err) < 0 &&
		    cg_write(h, "blkio.bfq.weight", buf, err) < 0)
			return -1;
	}
	if (b->has & CGB_LEAF_WEIGHT) {
		snprintf(buf, sizeof(buf), "%u", b->leaf_weight);
		if (cg_write(h, "blkio.leaf_weight", buf, err) < 0)
			return -1;
	}
	for (uint32_t i = 0; i < b->n_weight_device; i++) {
		const struct cg_weight_device *d = &b->weight_device[i];
		if (d->has_weight) {
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
			         d->weight);
			if (cg_write(h, "blkio.weight_device", buf, err) < 0)
				return -1;
		}
		if (d->has_leaf_weight) {
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
			         d->leaf_weight);
			if (cg_write(h, "blkio.leaf_weight_device", buf, err) < 0)
				return -1;
		}
	}
	for (int k = 0; k < 4; k++)
		for (uint32_t i = 0; i < b->n_throttle[k]; i++) {
			const struct cg_throttle_device *t = &b->throttle[k][i];
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, t->major,
			         t->minor, t->rate);
			if (cg_write(h, thr_v1[k], buf, err) < 0)
				return -1;
		}
	return 0;
}

static int
blkio_v2(struct cg_hier *h, const struct cg_blkio *b, struct brig_err *err)
{
	char buf[96];

	if (b->has & CGB_WEIGHT) {
		/* io.bfq.weight takes the v1 range as is; io.weight the converted one. */
		snprintf(buf, sizeof(buf), "%u", b->weight);
		if (cg_write(h, "io.bfq.weight", buf, err) < 0) {
			snprintf(buf, sizeof(buf), "%" PRIu64, cg_blkio_to_io_weight(b->weight));
			if (cg_write_changed(h, "io.weight", buf, err) < 0)
				return -1;
		}
	}
	for (uint32_t i = 0; i < b->n_weight_device; i++) {
		const struct cg_weight_device *d = &b->weight_device[i];
		if (!d->has_weight)
			continue;
		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
		         d->weight);
		if (cg_write(h, "io.bfq.weight", buf, err) < 0)
			return -1;
	}
	for (int k = 0; k < 4; k++)
		for (uint32_t i = 0; i < b->n_throttle[k]; i++) {
			const struct cg_throttle_device *t = &b->throttle[k][i];
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major,
			         t->minor, thr_v2[k], t->rate);
			if (cg_write(h, "io.max", buf, err) < 0)
				return -1;
		}
	return 0;
}

int
cg_apply_blkio(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err)
{
	const struct cg_blkio *b = &r->blkio;
	struct cg_hier *h;

	if (b->has == 0 && b->n_weight_device == 0 && b->n_throttle[0] == 0 &&
	    b->n_throttle[1] == 0 && b->n_throttle[2] == 0 && b->n_throttle[3] == 0)
		return 0;
	h = cg_find(l, CG_BLKIO);
	if (h == NULL)
		return brig_err_set(err, ENOTSUP,
		                    "linux.resources.blockIO: no blkio/io controller");
	if (h->v2 ? blkio_v2(h, b, err) : blkio_v1(h, b, err))
		return brig_err_wrap(err, "linux.resources.blockIO");
	return 0;
}

static int
hugetlb(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err)
{
	struct cg_hier *h;

	if (r->n_hugepages == 0)
		return 0;
	h = cg_find(l, CG_HUGETLB);
	if (h == NULL)
		return brig_err_set(err, ENOTSUP,
		                    "linux.resources.hugepageLimits: no hugetlb controller");
	for (uint32_t i = 0; i < r->n_hugepages; i++) {
		char file[64], val[32];
		if (!cg_pagesize_ok(r->hugepages[i].page_size))
			return brig_err_set(err, EINVAL,
			                    "linux.resources.hugepageLimits[%u].pageSize \"%s\"", i,
			                    r->hugepages[i].page_size);
		snprintf(file, sizeof(file), "hugetlb.%s.%s", r->hugepages[i].page_size,
		         h->v2 ? "max" : "limit_in_bytes");
		snprintf(val, sizeof(val), "%" PRIu64, r->hugepages[i].limit);
		if (cg_write_changed(h, file, val, err) < 0)
			return brig_err_wrap(err, "linux.resources.hugepageLimits[%u]", i);
	}
	return 0;
}

/* net_cls, net_prio and rdma are skipped where the host has no such
 * controller, as runc skips a v1 subsystem that is not mounted. */
static int
network(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err)
{
	struct cg_hier *h;
	char buf[128];

	if (r->has_class_id && (h = cg_find(l, CG_NET_CLS)) != NULL && !h->v2) {
		snprintf(buf, sizeof(buf), "%u", r->class_id);
		if (cg_write_changed(h, "net_cls.classid", buf, err) < 0)
			return brig_err_wrap(err, "linux.resources.network.classID");
	}
	if (r->n_priorities && (h = cg_find(l, CG_NET_PRIO)) != NULL && !h->v2)
		for (uint32_t i = 0; i < r->n_priorities; i++) {
			snprintf(buf, sizeof(buf), "%s %u", r->priorities[i].name,
			         r->priorities[i].priority);
			if (cg_write(h, "net_prio.ifpriomap", buf, err) < 0)
				return brig_err_wrap(err, "linux.resources.network.priorities[%u]",
				                     i);
		}
	return 0;
}

static int
rdma(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err)
{
	struct cg_hier *h = cg_find(l, CG_RDMA);

	for (uint32_t i = 0; h != NULL && i < r->n_rdma; i++) {
		const struct cg_rdma *d = &r->rdma[i];
		char buf[256];
		int n = snprintf(buf, sizeof(buf), "%s", d->device);
		if (d->has_hca_handles)
			n += snprintf(buf + n, sizeof(buf) - (size_t) n, " hca_handle=%u",
			              d->hca_handles);
		if (d->has_hca_objects)
			snprintf(buf + n, sizeof(buf) - (size_t) n, " hca_object=%u",
			         d->hca_objects);
		if (cg_write(h, "rdma.max", buf, err) < 0)
			return brig_err_wrap(err, "linux.resources.rdma[\"%s\"]", d->device);
	}
	return 0;
}

static int
unified(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err)
{
	struct cg_hier *h = cg_unified(l);

	if (r->n_unified == 0)
		return 0;
	/* As runc: the keys are cgroup v2 files, meaningless beside v1 controllers. */
	if (!l->pure_v2 || h == NULL)
		return brig_err_set(err, ENOTSUP,
		                    "linux.resources.unified: needs cgroup v2 (this host has "
		                    "cgroup v1 controllers)");
	for (uint32_t i = 0; i < r->n_unified; i++)
		if (cg_write(h, r->unified[i].key, r->unified[i].value, err) < 0)
			return brig_err_wrap(err, "linux.resources.unified[\"%s\"]",
			                     r->unified[i].key);
	return 0;
}

static bool
deny_all(const struct cg_device_rule *d)
{
	return !d->allow && d->type == 'a' && d->major == -1 && d->minor == -1 &&
	       strlen(d->access) == 3;
}

static void
fmt_num(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		snprintf(buf, size, "*");
	else
		snprintf(buf, size, "%" PRId64, v);
}

/* v1: each rule in order; a deny-all rule is "a" to devices.deny (which
 * also drops every allowed entry), an allow-all one "a" to devices.allow. */
int
cg_devices_v1(struct cg_hier *h, const struct cg_device_rule *rules, uint32_t n,
              struct brig_err *err)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct cg_device_rule *d = &rules[i];
		const char *file = d->allow ? "devices.allow" : "devices.deny";
		char buf[96], maj[24], min[24];
		if (deny_all(d) || (d->allow && d->type == 'a' && d->major == -1 &&
		                    d->minor == -1 && strlen(d->access) == 3)) {
			snprintf(buf, sizeof(buf), "a");
		} else {
			fmt_num(maj, sizeof(maj), d->major);
			fmt_num(min, sizeof(min), d->minor);
			snprintf(buf, sizeof(buf), "%c %s:%s %s", (char) d->type, maj, min,
			         d->access);
		}
		if (cg_write(h, file, buf, err) < 0)
			return brig_err_wrap(err, "linux.resources.devices[%u]", i);
	}
	return 0;
}

static int
devices(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err)
{
	struct cg_hier *h;

	if (r->n_devices == 0)
		return 0;
	h = cg_find(l, CG_DEVICES);
	if (h != NULL && !h->v2)
		return cg_devices_v1(h, r->devices, r->n_devices, err);
	h = cg_unified(l);
	if (h == NULL)
		return brig_err_set(err, ENOTSUP, "linux.resources.devices: no devices controller");
	return cg_devices_bpf(h, r->devices, r->n_devices, err);
}

int
cg_apply_misc(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err)
{
	if (hugetlb(l, r, err) < 0 || network(l, r, err) < 0 || rdma(l, r, err) < 0 ||
	    unified(l, r, err) < 0 || devices(l, r, err) < 0)
		return -1;
	return 0;
}
