/* cgroupmsg_reply.c - the data replies of brig-cgroup (created, stats,
 * pids) and the memfd that carries them. */
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

/* ---- replies ---- */

void
cgmsg_encode_created(struct ipc_writer *w, const struct cg_created *c)
{
	ipc_put_u32(w, c->depth);
	ipc_put_u32(w, c->has_v2_dir);
	ipc_put_u32(w, c->n_tasks);
}

int
cgmsg_decode_created(struct ipc_reader *r, struct cg_created *c, struct brig_err *err)
{
	ipc_get_u32(r, &c->depth);
	ipc_get_u32(r, &c->has_v2_dir);
	ipc_get_u32(r, &c->n_tasks);
	if (ipc_reader_end(r) < 0)
		return cgmsg_malformed(r, "cgroup create reply", err);
	if (c->has_v2_dir > 1 || c->n_tasks + c->has_v2_dir + 1 > IPC_MAX_FDS)
		return brig_err_set(err, EBADMSG, "cgroup create reply: fd counts");
	if (c->depth > CGMSG_MAX_DEPTH)
		return brig_err_set(err, EBADMSG, "cgroup create reply: depth %u", c->depth);
	return 0;
}

static void
put_usage(struct ipc_writer *w, const struct cg_mem_usage *u)
{
	ipc_put_u64(w, u->usage);
	ipc_put_u64(w, u->max);
	ipc_put_u64(w, u->limit);
	ipc_put_u64(w, u->failcnt);
}

static void
get_usage(struct ipc_reader *r, struct cg_mem_usage *u)
{
	ipc_get_u64(r, &u->usage);
	ipc_get_u64(r, &u->max);
	ipc_get_u64(r, &u->limit);
	ipc_get_u64(r, &u->failcnt);
}

static void
put_io(struct ipc_writer *w, uint32_t n, const struct cg_blkio_entry *e)
{
	ipc_put_u32(w, n);
	for (uint32_t i = 0; i < n; i++) {
		ipc_put_u32(w, e[i].major);
		ipc_put_u32(w, e[i].minor);
		ipc_put_str(w, e[i].op);
		ipc_put_u64(w, e[i].value);
	}
}

static struct cg_blkio_entry *
get_io(struct ipc_reader *r, uint32_t *n)
{
	struct cg_blkio_entry *e = cgmsg_get_array(r, n, CGMSG_MAX_LIST, sizeof(*e));

	for (uint32_t i = 0; i < *n && !r->bad; i++) {
		ipc_get_u32(r, &e[i].major);
		ipc_get_u32(r, &e[i].minor);
		ipc_get_str(r, &e[i].op, false);
		ipc_get_u64(r, &e[i].value);
	}
	return e;
}

void
cgmsg_encode_stats(struct ipc_writer *w, const struct cg_stats *s)
{
	ipc_put_u64(w, s->cpu_total);
	ipc_put_u64(w, s->cpu_user);
	ipc_put_u64(w, s->cpu_kernel);
	ipc_put_u32(w, s->n_percpu);
	for (uint32_t i = 0; i < s->n_percpu; i++)
		ipc_put_u64(w, s->percpu[i]);
	ipc_put_u64(w, s->throttle_periods);
	ipc_put_u64(w, s->throttled_periods);
	ipc_put_u64(w, s->throttled_time);
	put_usage(w, &s->mem);
	put_usage(w, &s->swap);
	put_usage(w, &s->kernel);
	put_usage(w, &s->kernel_tcp);
	ipc_put_u64(w, s->mem_cache);
	ipc_put_u32(w, s->n_mem_raw);
	for (uint32_t i = 0; i < s->n_mem_raw; i++) {
		ipc_put_str(w, s->mem_raw[i].key);
		ipc_put_u64(w, s->mem_raw[i].value);
	}
	ipc_put_u64(w, s->oom_events);
	ipc_put_u64(w, s->oom_kill);
	ipc_put_u64(w, s->pids_current);
	ipc_put_u64(w, s->pids_limit);
	put_io(w, s->n_io_bytes, s->io_bytes);
	put_io(w, s->n_io_ops, s->io_ops);
	ipc_put_u32(w, s->n_hugetlb);
	for (uint32_t i = 0; i < s->n_hugetlb; i++) {
		ipc_put_str(w, s->hugetlb[i].page_size);
		ipc_put_u64(w, s->hugetlb[i].usage);
		ipc_put_u64(w, s->hugetlb[i].max);
		ipc_put_u64(w, s->hugetlb[i].failcnt);
	}
}

int
cgmsg_decode_stats(struct ipc_reader *r, struct cg_stats *s, struct brig_err *err)
{
	ipc_get_u64(r, &s->cpu_total);
	ipc_get_u64(r, &s->cpu_user);
	ipc_get_u64(r, &s->cpu_kernel);
	s->percpu = cgmsg_get_array(r, &s->n_percpu, CGMSG_MAX_LIST, sizeof(*s->percpu));
	for (uint32_t i = 0; i < s->n_percpu && !r->bad; i++)
		ipc_get_u64(r, &s->percpu[i]);
	ipc_get_u64(r, &s->throttle_periods);
	ipc_get_u64(r, &s->throttled_periods);
	ipc_get_u64(r, &s->throttled_time);
	get_usage(r, &s->mem);
	get_usage(r, &s->swap);
	get_usage(r, &s->kernel);
	get_usage(r, &s->kernel_tcp);
	ipc_get_u64(r, &s->mem_cache);
	if (!r->bad)
		s->mem_raw = cgmsg_get_array(r, &s->n_mem_raw, CGMSG_MAX_LIST, sizeof(*s->mem_raw));
	for (uint32_t i = 0; i < s->n_mem_raw && !r->bad; i++) {
		ipc_get_str(r, &s->mem_raw[i].key, false);
		ipc_get_u64(r, &s->mem_raw[i].value);
	}
	ipc_get_u64(r, &s->oom_events);
	ipc_get_u64(r, &s->oom_kill);
	ipc_get_u64(r, &s->pids_current);
	ipc_get_u64(r, &s->pids_limit);
	if (!r->bad)
		s->io_bytes = get_io(r, &s->n_io_bytes);
	if (!r->bad)
		s->io_ops = get_io(r, &s->n_io_ops);
	if (!r->bad)
		s->hugetlb = cgmsg_get_array(r, &s->n_hugetlb, CGMSG_MAX_LIST, sizeof(*s->hugetlb));
	for (uint32_t i = 0; i < s->n_hugetlb && !r->bad; i++) {
		ipc_get_str(r, &s->hugetlb[i].page_size, false);
		ipc_get_u64(r, &s->hugetlb[i].usage);
		ipc_get_u64(r, &s->hugetlb[i].max);
		ipc_get_u64(r, &s->hugetlb[i].failcnt);
	}
	if (ipc_reader_end(r) < 0) {
		cgmsg_stats_free(s);
		return cgmsg_malformed(r, "cgroup stats reply", err);
	}
	return 0;
}

static void
free_io(struct cg_blkio_entry *e, uint32_t n)
{
	for (uint32_t i = 0; e != NULL && i < n; i++)
		free(e[i].op);
	free(e);
}

void
cgmsg_stats_free(struct cg_stats *s)
{
	free(s->percpu);
	for (uint32_t i = 0; s->mem_raw != NULL && i < s->n_mem_raw; i++)
		free(s->mem_raw[i].key);
	free(s->mem_raw);
	free_io(s->io_bytes, s->n_io_bytes);
	free_io(s->io_ops, s->n_io_ops);
	for (uint32_t i = 0; s->hugetlb != NULL && i < s->n_hugetlb; i++)
		free(s->hugetlb[i].page_size);
	free(s->hugetlb);
	memset(s, 0, sizeof(*s));
}

void
cgmsg_encode_pids(struct ipc_writer *w, const struct cg_pids_reply *p)
{
	ipc_put_u32(w, p->n);
	for (uint32_t i = 0; i < p->n; i++)
		ipc_put_i32(w, p->pids[i]);
}

int
cgmsg_decode_pids(struct ipc_reader *r, struct cg_pids_reply *p, struct brig_err *err)
{
	p->pids = cgmsg_get_array(r, &p->n, CGMSG_MAX_PIDS, sizeof(*p->pids));
	for (uint32_t i = 0; i < p->n && !r->bad; i++)
		ipc_get_i32(r, &p->pids[i]);
	if (ipc_reader_end(r) < 0) {
		cgmsg_pids_free(p);
		return cgmsg_malformed(r, "cgroup pids reply", err);
	}
	return 0;
}

void
cgmsg_pids_free(struct cg_pids_reply *p)
{
	free(p->pids);
	memset(p, 0, sizeof(*p));
}

int
cgmsg_reply_memfd(const struct ipc_writer *w, struct brig_err *err)
{
	int fd;
	size_t off = 0;

	if (w->failed)
		return brig_err_set(err, E2BIG, "reply too large");
	fd = memfd_create("brig-cgroup-reply", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return brig_err_set(err, errno, "memfd_create");
	while (off < w->len) {
		ssize_t n = write(fd, w->buf + off, w->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			brig_err_set(err, n < 0 ? errno : EIO, "write reply memfd");
			close(fd);
			return -1;
		}
		off += (size_t) n;
	}
	/* Sealed: the reader sees exactly what was encoded. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		brig_err_set(err, errno, "seal reply memfd");
		close(fd);
		return -1;
	}
	return fd;
}

int
cgmsg_read_reply(int fd, uint8_t **buf, uint32_t *len, struct brig_err *err)
{
	struct stat st;
	uint8_t *b;
	size_t off = 0;

	if (fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "brig-cgroup reply");
	if (!S_ISREG(st.st_mode) || st.st_size < 0 || (uint64_t) st.st_size > CGMSG_REPLY_MAX)
		return brig_err_set(err, EBADMSG, "brig-cgroup reply: not a small regular file");
	b = malloc(st.st_size ? (size_t) st.st_size : 1);
	if (b == NULL)
		return brig_err_set(err, ENOMEM, "brig-cgroup reply");
	while (off < (size_t) st.st_size) {
		ssize_t n = pread(fd, b + off, (size_t) st.st_size - off, (off_t) off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(b);
			return brig_err_set(err, n < 0 ? errno : EBADMSG,
			                    "brig-cgroup reply: short read");
		}
		off += (size_t) n;
	}
	*buf = b;
	*len = (uint32_t) off;
	return 0;
}
