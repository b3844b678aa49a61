/* cgroupmsg.c - encoding, decoding and checking of the brig-cgroup messages. */
#include "ipc/cgroupmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/cgroupmsg_int.h"
#include "ipc/wire.h"

/* ---- encoding ---- */

static void
put_i64(struct ipc_writer *w, int64_t v)
{
	ipc_put_u64(w, (uint64_t) v);
}

static void
encode_target(struct ipc_writer *w, const struct cg_target *t)
{
	ipc_put_str(w, t->path);
	ipc_put_str(w, t->id);
	ipc_put_u32(w, t->flags);
	ipc_put_u32(w, t->created_depth);
}

static void
encode_memory(struct ipc_writer *w, const struct cg_memory *m)
{
	ipc_put_u32(w, m->has);
	put_i64(w, m->limit);
	put_i64(w, m->reservation);
	put_i64(w, m->swap);
	put_i64(w, m->kernel);
	put_i64(w, m->kernel_tcp);
	ipc_put_u64(w, m->swappiness);
	ipc_put_u32(w, m->disable_oom_killer);
	ipc_put_u32(w, m->use_hierarchy);
	ipc_put_u32(w, m->check_before_update);
}

static void
encode_cpu(struct ipc_writer *w, const struct cg_cpu *c)
{
	ipc_put_u32(w, c->has);
	ipc_put_u64(w, c->shares);
	ipc_put_u64(w, c->burst);
	ipc_put_u64(w, c->period);
	ipc_put_u64(w, c->realtime_period);
	put_i64(w, c->quota);
	put_i64(w, c->realtime_runtime);
	put_i64(w, c->idle);
	ipc_put_str(w, c->cpus);
	ipc_put_str(w, c->mems);
}

static void
encode_blkio(struct ipc_writer *w, const struct cg_blkio *b)
{
	ipc_put_u32(w, b->has);
	ipc_put_u32(w, b->weight);
	ipc_put_u32(w, b->leaf_weight);
	ipc_put_u32(w, b->n_weight_device);
	for (uint32_t i = 0; i < b->n_weight_device; i++) {
		const struct cg_weight_device *d = &b->weight_device[i];
		put_i64(w, d->major);
		put_i64(w, d->minor);
		ipc_put_u32(w, d->has_weight);
		ipc_put_u32(w, d->has_leaf_weight);
		ipc_put_u32(w, d->weight);
		ipc_put_u32(w, d->leaf_weight);
	}
	for (int k = 0; k < 4; k++) {
		ipc_put_u32(w, b->n_throttle[k]);
		for (uint32_t i = 0; i < b->n_throttle[k]; i++) {
			put_i64(w, b->throttle[k][i].major);
			put_i64(w, b->throttle[k][i].minor);
			ipc_put_u64(w, b->throttle[k][i].rate);
		}
	}
}

static void
encode_resources(struct ipc_writer *w, const struct cg_resources *r)
{
	ipc_put_u32(w, r->present);
	ipc_put_u32(w, r->n_devices);
	for (uint32_t i = 0; i < r->n_devices; i++) {
		ipc_put_u32(w, r->devices[i].allow);
		ipc_put_u32(w, r->devices[i].type);
		put_i64(w, r->devices[i].major);
		put_i64(w, r->devices[i].minor);
		ipc_put_str(w, r->devices[i].access);
	}
	encode_memory(w, &r->memory);
	encode_cpu(w, &r->cpu);
	ipc_put_u32(w, r->pids.has);
	put_i64(w, r->pids.limit);
	encode_blkio(w, &r->blkio);
	ipc_put_u32(w, r->n_hugepages);
	for (uint32_t i = 0; i < r->n_hugepages; i++) {
		ipc_put_str(w, r->hugepages[i].page_size);
		ipc_put_u64(w, r->hugepages[i].limit);
	}
	ipc_put_u32(w, r->has_class_id);
	ipc_put_u32(w, r->class_id);
	ipc_put_u32(w, r->n_priorities);
	for (uint32_t i = 0; i < r->n_priorities; i++) {
		ipc_put_str(w, r->priorities[i].name);
		ipc_put_u32(w, r->priorities[i].priority);
	}
	ipc_put_u32(w, r->n_rdma);
	for (uint32_t i = 0; i < r->n_rdma; i++) {
		ipc_put_str(w, r->rdma[i].device);
		ipc_put_u32(w, r->rdma[i].has_hca_handles);
		ipc_put_u32(w, r->rdma[i].has_hca_objects);
		ipc_put_u32(w, r->rdma[i].hca_handles);
		ipc_put_u32(w, r->rdma[i].hca_objects);
	}
	ipc_put_u32(w, r->n_unified);
	for (uint32_t i = 0; i < r->n_unified; i++) {
		ipc_put_str(w, r->unified[i].key);
		ipc_put_str(w, r->unified[i].value);
	}
}

static bool
has_resources(uint16_t type)
{
	return type == IPC_CGROUP_CREATE || type == IPC_CGROUP_PREPARE || type == IPC_CGROUP_UPDATE;
}

void
cgmsg_encode(struct ipc_writer *w, uint16_t type, const struct cg_request *req)
{
	encode_target(w, &req->target);
	if (has_resources(type))
		encode_resources(w, &req->res);
	if (type == IPC_CGROUP_KILL)
		ipc_put_u32(w, req->signal);
}

/* ---- decoding ---- */

static int
get_i64(struct ipc_reader *r, int64_t *v)
{
	uint64_t u = 0;
	int ret = ipc_get_u64(r, &u);
	*v = (int64_t) u;
	return ret;
}

/* Allocate an array of N entries of SIZE (one when N is 0, so that the
 * pointer says "decoded"); a failure makes the reader bad. */
void *
cgmsg_get_array(struct ipc_reader *r, uint32_t *n, uint32_t max, size_t size)
{
	void *p;

	if (ipc_get_count(r, n, max) < 0) {
		*n = 0;
		return NULL;
	}
	p = calloc(*n ? *n : 1, size);
	if (p == NULL) {
		r->bad = true;
		r->why = "out of memory";
		*n = 0;
	}
	return p;
}

static void
decode_target(struct ipc_reader *r, struct cg_target *t)
{
	ipc_get_str(r, &t->path, true);
	ipc_get_str(r, &t->id, false);
	ipc_get_u32(r, &t->flags);
	ipc_get_u32(r, &t->created_depth);
}

static void
decode_memory(struct ipc_reader *r, struct cg_memory *m)
{
	ipc_get_u32(r, &m->has);
	get_i64(r, &m->limit);
	get_i64(r, &m->reservation);
	get_i64(r, &m->swap);
	get_i64(r, &m->kernel);
	get_i64(r, &m->kernel_tcp);
	ipc_get_u64(r, &m->swappiness);
	ipc_get_u32(r, &m->disable_oom_killer);
	ipc_get_u32(r, &m->use_hierarchy);
	ipc_get_u32(r, &m->check_before_update);
}

static void
decode_cpu(struct ipc_reader *r, struct cg_cpu *c)
{
	ipc_get_u32(r, &c->has);
	ipc_get_u64(r, &c->shares);
	ipc_get_u64(r, &c->burst);
	ipc_get_u64(r, &c->period);
	ipc_get_u64(r, &c->realtime_period);
	get_i64(r, &c->quota);
	get_i64(r, &c->realtime_runtime);
	get_i64(r, &c->idle);
	ipc_get_str(r, &c->cpus, true);
	ipc_get_str(r, &c->mems, true);
}

static void
decode_blkio(struct ipc_reader *r, struct cg_blkio *b)
{
	ipc_get_u32(r, &b->has);
	ipc_get_u32(r, &b->weight);
	ipc_get_u32(r, &b->leaf_weight);
	b->weight_device =
	    cgmsg_get_array(r, &b->n_weight_device, CGMSG_MAX_LIST, sizeof(*b->weight_device));
	for (uint32_t i = 0; i < b->n_weight_device && !r->bad; i++) {
		struct cg_weight_device *d = &b->weight_device[i];
		get_i64(r, &d->major);
		get_i64(r, &d->minor);
		ipc_get_u32(r, &d->has_weight);
		ipc_get_u32(r, &d->has_leaf_weight);
		ipc_get_u32(r, &d->weight);
		ipc_get_u32(r, &d->leaf_weight);
	}
	for (int k = 0; k < 4 && !r->bad; k++) {
		b->throttle[k] =
		    cgmsg_get_array(r, &b->n_throttle[k], CGMSG_MAX_LIST, sizeof(*b->throttle[k]));
		for (uint32_t i = 0; i < b->n_throttle[k] && !r->bad; i++) {
			get_i64(r, &b->throttle[k][i].major);
			get_i64(r, &b->throttle[k][i].minor);
			ipc_get_u64(r, &b->throttle[k][i].rate);
		}
	}
}

static void
decode_resources(struct ipc_reader *r, struct cg_resources *res)
{
	ipc_get_u32(r, &res->present);
	res->devices = cgmsg_get_array(r, &res->n_devices, CGMSG_MAX_LIST, sizeof(*res->devices));
	for (uint32_t i = 0; i < res->n_devices && !r->bad; i++) {
		ipc_get_u32(r, &res->devices[i].allow);
		ipc_get_u32(r, &res->devices[i].type);
		get_i64(r, &res->devices[i].major);
		get_i64(r, &res->devices[i].minor);
		ipc_get_str(r, &res->devices[i].access, false);
	}
	decode_memory(r, &res->memory);
	decode_cpu(r, &res->cpu);
	ipc_get_u32(r, &res->pids.has);
	get_i64(r, &res->pids.limit);
	decode_blkio(r, &res->blkio);
	if (r->bad)
		return;
	res->hugepages = cgmsg_get_array(r, &res->n_hugepages, CGMSG_MAX_LIST, sizeof(*res->hugepages));
	for (uint32_t i = 0; i < res->n_hugepages && !r->bad; i++) {
		ipc_get_str(r, &res->hugepages[i].page_size, false);
		ipc_get_u64(r, &res->hugepages[i].limit);
	}
	ipc_get_u32(r, &res->has_class_id);
	ipc_get_u32(r, &res->class_id);
	if (r->bad)
		return;
	res->priorities =
	    cgmsg_get_array(r, &res->n_priorities, CGMSG_MAX_LIST, sizeof(*res->priorities));
	for (uint32_t i = 0; i < res->n_priorities && !r->bad; i++) {
		ipc_get_str(r, &res->priorities[i].name, false);
		ipc_get_u32(r, &res->priorities[i].priority);
	}
	if (r->bad)
		return;
	res->rdma = cgmsg_get_array(r, &res->n_rdma, CGMSG_MAX_LIST, sizeof(*res->rdma));
	for (uint32_t i = 0; i < res->n_rdma && !r->bad; i++) {
		ipc_get_str(r, &res->rdma[i].device, false);
		ipc_get_u32(r, &res->rdma[i].has_hca_handles);
		ipc_get_u32(r, &res->rdma[i].has_hca_objects);
		ipc_get_u32(r, &res->rdma[i].hca_handles);
		ipc_get_u32(r, &res->rdma[i].hca_objects);
	}
	if (r->bad)
		return;
	res->unified = cgmsg_get_array(r, &res->n_unified, CGMSG_MAX_LIST, sizeof(*res->unified));
	for (uint32_t i = 0; i < res->n_unified && !r->bad; i++) {
		ipc_get_str(r, &res->unified[i].key, false);
		ipc_get_str(r, &res->unified[i].value, false);
	}
}

int
cgmsg_malformed(struct ipc_reader *r, const char *what, struct brig_err *err)
{
	brig_err_set(err, 0, "malformed %s: %s", what, r->why ? r->why : "out of memory");
	err->errnum = EBADMSG;
	return -1;
}

int
cgmsg_decode(struct ipc_reader *r, uint16_t type, struct cg_request *req, struct brig_err *err)
{
	decode_target(r, &req->target);
	if (has_resources(type) && !r->bad)
		decode_resources(r, &req->res);
	if (type == IPC_CGROUP_KILL)
		ipc_get_u32(r, &req->signal);
	if (ipc_reader_end(r) < 0) {
		cgmsg_free(req);
		return cgmsg_malformed(r, "cgroup request", err);
	}
	return 0;
}

/* ---- checking ---- */

static int
check_id(const char *id, struct brig_err *err)
{
	size_t n = strlen(id);

	if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return brig_err_set(err, EINVAL, "container id \"%s\": not a valid id", id);
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("_+-.", *c) != NULL))
			return brig_err_set(err, EINVAL, "container id \"%s\": bad character", id);
	return 0;
}

/* No "..", "." or empty component, no control character, bounded depth.
 * A leading '/' is allowed (absolute form); a trailing one is not. */
static int
check_path(const char *path, struct brig_err *err)
{
	const char *p = path[0] == '/' ? path + 1 : path;
	uint32_t depth = 0;

	if (*p == '\0')
		return brig_err_set(err, EINVAL, "cgroupsPath \"%s\": names no cgroup", path);
	if (strchr(path, ':') != NULL)
		return brig_err_set(err, ENOTSUP,
		                    "cgroupsPath \"%s\": the systemd form slice:prefix:name needs "
		                    "systemd, which is not running on this host",
		                    path);
	for (const char *c = path; *c; c++)
		if ((unsigned char) *c < 0x20 || *c == 0x7f)
			return brig_err_set(err, EINVAL, "cgroupsPath \"%s\": bad character", path);
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t) (slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return brig_err_set(err, EINVAL,
			                    "cgroupsPath \"%s\": empty, \".\" or \"..\" component",
			                    path);
		if (n > 255)
			return brig_err_set(err, ENAMETOOLONG, "cgroupsPath \"%s\"", path);
		if (++depth > CGMSG_MAX_DEPTH)
			return brig_err_set(err, EINVAL, "cgroupsPath \"%s\": too deep", path);
		if (slash == NULL)
			break;
		p = slash + 1;
		if (*p == '\0')
			return brig_err_set(err, EINVAL, "cgroupsPath \"%s\": trailing '/'", path);
	}
	return 0;
}

static int
check_target(uint16_t type, const struct cg_target *t, struct brig_err *err)
{
	if (t->flags & ~CGT_FLAGS_ALL)
		return brig_err_set(err, EINVAL, "unknown cgroup flags 0x%x", t->flags);
	if (t->flags & CGT_SYSTEMD)
		return brig_err_set(err, ENOTSUP,
		                    "systemd cgroup driver: systemd is not running on this host");
	if (check_id(t->id, err) < 0)
		return -1;
	if (t->path != NULL && check_path(t->path, err) < 0)
		return -1;
	if (t->created_depth > CGMSG_MAX_DEPTH || (type != IPC_CGROUP_DELETE && t->created_depth))
		return brig_err_set(err, EINVAL, "created depth %u", t->created_depth);
	return 0;
}

/* Kernel-file values are written as text: a string that could add a line
 * or a second field to what we write is refused. */
static int
check_word(const char *what, const char *s, const char *extra, struct brig_err *err)
{
	if (s[0] == '\0')
		return brig_err_set(err, EINVAL, "%s: empty", what);
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr(extra, *c) != NULL))
			return brig_err_set(err, EINVAL, "%s \"%s\": bad character", what, s);
	return 0;
}

static int
check_devices(const struct cg_resources *r, struct brig_err *err)
{
	for (uint32_t i = 0; i < r->n_devices; i++) {
		const struct cg_device_rule *d = &r->devices[i];
		if (d->allow > 1 || (d->type != 'a' && d->type != 'b' && d->type != 'c'))
			return brig_err_set(err, EINVAL, "linux.resources.devices[%u]: bad type",
			                    i);
		if (d->major < -1 || d->minor < -1 || d->major > 0xfffffff || d->minor > 0xfffffff)
			return brig_err_set(err, EINVAL, "linux.resources.devices[%u]: bad number",
			                    i);
		if (d->access[0] == '\0' || strspn(d->access, "rwm") != strlen(d->access) ||
		    strlen(d->access) > 3)
			return brig_err_set(
			    err, EINVAL, "linux.resources.devices[%u].access \"%s\"", i, d->access);
	}
	return 0;
}

static int
check_dev_number(const char *what, uint32_t i, int64_t major, int64_t minor, struct brig_err *err)
{
	if (major < 0 || minor < 0 || major > 0xfffffff || minor > 0xfffffff)
		return brig_err_set(err, EINVAL, "%s[%u]: bad device number", what, i);
	return 0;
}

static int
check_blkio(const struct cg_blkio *b, struct brig_err *err)
{
	static const char *const names[4] = {"throttleReadBpsDevice", "throttleWriteBpsDevice",
	                                     "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};

	if ((b->has & CGB_WEIGHT) && (b->weight < 10 || b->weight > 1000))
		return brig_err_set(err, EINVAL, "linux.resources.blockIO.weight %u", b->weight);
	if ((b->has & CGB_LEAF_WEIGHT) && (b->leaf_weight < 10 || b->leaf_weight > 1000))
		return brig_err_set(err, EINVAL, "linux.resources.blockIO.leafWeight %u",
		                    b->leaf_weight);
	for (uint32_t i = 0; i < b->n_weight_device; i++) {
		const struct cg_weight_device *d = &b->weight_device[i];
		if (check_dev_number("linux.resources.blockIO.weightDevice", i, d->major, d->minor,
		                     err) < 0)
			return -1;
		if ((d->has_weight && (d->weight < 10 || d->weight > 1000)) ||
		    (d->has_leaf_weight && (d->leaf_weight < 10 || d->leaf_weight > 1000)))
			return brig_err_set(err, EINVAL,
			                    "linux.resources.blockIO.weightDevice[%u]: weight", i);
	}
	for (int k = 0; k < 4; k++)
		for (uint32_t i = 0; i < b->n_throttle[k]; i++)
			if (check_dev_number(names[k], i, b->throttle[k][i].major,
			                     b->throttle[k][i].minor, err) < 0)
				return -1;
	return 0;
}

static int
check_lists(const struct cg_resources *r, struct brig_err *err)
{
	for (uint32_t i = 0; i < r->n_hugepages; i++)
		if (check_word("linux.resources.hugepageLimits.pageSize", r->hugepages[i].page_size,
		               "", err) < 0)
			return -1;
	for (uint32_t i = 0; i < r->n_priorities; i++)
		if (check_word("linux.resources.network.priorities.name", r->priorities[i].name,
		               "_.-@:", err) < 0)
			return -1;
	for (uint32_t i = 0; i < r->n_rdma; i++)
		if (check_word("linux.resources.rdma", r->rdma[i].device, "_.-:", err) < 0)
			return -1;
	for (uint32_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key;
		const char *dot = strchr(k, '.');
		if (check_word("linux.resources.unified key", k, "._", err) < 0)
			return -1;
		if (dot == NULL || dot == k || dot[1] == '\0' || strncmp(k, "cgroup.", 7) == 0)
			return brig_err_set(
			    err, EINVAL,
			    "linux.resources.unified: key \"%s\": not a controller file", k);
	}
	return 0;
}

static int
check_resources(const struct cg_resources *r, struct brig_err *err)
{
	const struct cg_cpu *c = &r->cpu;

	if (r->present > 1 || (r->memory.has & ~CGM_ALL) || (r->cpu.has & ~CGC_ALL) ||
	    r->pids.has > 1 || (r->blkio.has & ~(CGB_WEIGHT | CGB_LEAF_WEIGHT)) ||
	    r->has_class_id > 1)
		return brig_err_set(err, EINVAL, "linux.resources: unknown flags");
	if ((r->memory.has & CGM_SWAPPINESS) && r->memory.swappiness > 100)
		return brig_err_set(err, EINVAL, "linux.resources.memory.swappiness %llu",
		                    (unsigned long long) r->memory.swappiness);
	if ((c->has & CGC_SHARES) && (c->shares < 2 || c->shares > 262144))
		return brig_err_set(err, EINVAL, "linux.resources.cpu.shares %llu",
		                    (unsigned long long) c->shares);
	if ((c->has & CGC_PERIOD) && (c->period < 1000 || c->period > 1000000))
		return brig_err_set(err, EINVAL, "linux.resources.cpu.period %llu",
		                    (unsigned long long) c->period);
	if ((c->has & CGC_IDLE) && c->idle != 0 && c->idle != 1)
		return brig_err_set(err, EINVAL, "linux.resources.cpu.idle %lld",
		                    (long long) c->idle);
	if (c->cpus != NULL && c->cpus[0] != '\0' &&
	    check_word("linux.resources.cpu.cpus", c->cpus, ",-", err) < 0)
		return -1;
	if (c->mems != NULL && c->mems[0] != '\0' &&
	    check_word("linux.resources.cpu.mems", c->mems, ",-", err) < 0)
		return -1;
	if (check_devices(r, err) < 0 || check_blkio(&r->blkio, err) < 0)
		return -1;
	return check_lists(r, err);
}

int
cgmsg_check(uint16_t type, const struct cg_request *req, struct brig_err *err)
{
	if (check_target(type, &req->target, err) < 0)
		return -1;
	if (has_resources(type) && check_resources(&req->res, err) < 0)
		return -1;
	if (type == IPC_CGROUP_KILL && (req->signal < 1 || req->signal > 64))
		return brig_err_set(err, EINVAL, "signal %u", req->signal);
	return 0;
}

void
cgmsg_free(struct cg_request *req)
{
	struct cg_resources *r = &req->res;

	free(req->target.path);
	free(req->target.id);
	for (uint32_t i = 0; i < r->n_devices; i++)
		free(r->devices[i].access);
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_device);
	for (int k = 0; k < 4; k++)
		free(r->blkio.throttle[k]);
	for (uint32_t i = 0; i < r->n_hugepages; i++)
		free(r->hugepages[i].page_size);
	free(r->hugepages);
	for (uint32_t i = 0; i < r->n_priorities; i++)
		free(r->priorities[i].name);
	free(r->priorities);
	for (uint32_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	for (uint32_t i = 0; i < r->n_unified; i++) {
		free(r->unified[i].key);
		free(r->unified[i].value);
	}
	free(r->unified);
	memset(req, 0, sizeof(*req));
}

