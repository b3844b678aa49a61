/* stats.c - the numbers `brig events` reports, read from v1 or v2 files
 * as runc reads them (libcontainer/cgroups/fs and fs2 GetStats).
 */
#include "helpers/cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/xalloc.h"

#define STAT_BUF 16384

static void
cpu_v1(struct cg_layout *l, struct cg_stats *s)
{
	struct cg_hier *acct = cg_find(l, CG_CPUACCT), *cpu = cg_find(l, CG_CPU);
	char buf[STAT_BUF];
	long tck = sysconf(_SC_CLK_TCK);
	uint64_t v;

	if (acct != NULL) {
		cg_read_u64(acct, "cpuacct.usage", &s->cpu_total);
		/* cpuacct.stat counts USER_HZ ticks. */
		if (tck > 0 && cg_read_key(acct, "cpuacct.stat", "user", &v) == 0)
			s->cpu_user = v * (1000000000ull / (uint64_t) tck);
		if (tck > 0 && cg_read_key(acct, "cpuacct.stat", "system", &v) == 0)
			s->cpu_kernel = v * (1000000000ull / (uint64_t) tck);
		if (cg_read(acct, "cpuacct.usage_percpu", buf, sizeof(buf)) >= 0) {
			char *p = buf, *end;
			s->percpu = xcalloc(CGMSG_MAX_LIST, sizeof(*s->percpu));
			while (s->n_percpu < CGMSG_MAX_LIST) {
				v = strtoull(p, &end, 10);
				if (end == p)
					break;
				s->percpu[s->n_percpu++] = v;
				p = end;
			}
		}
	}
	if (cpu != NULL) {
		cg_read_key(cpu, "cpu.stat", "nr_periods", &s->throttle_periods);
		cg_read_key(cpu, "cpu.stat", "nr_throttled", &s->throttled_periods);
		cg_read_key(cpu, "cpu.stat", "throttled_time", &s->throttled_time);
	}
}

static void
cpu_v2(struct cg_hier *h, struct cg_stats *s)
{
	uint64_t v;

	if (cg_read_key(h, "cpu.stat", "usage_usec", &v) == 0)
		s->cpu_total = v * 1000;
	if (cg_read_key(h, "cpu.stat", "user_usec", &v) == 0)
		s->cpu_user = v * 1000;
	if (cg_read_key(h, "cpu.stat", "system_usec", &v) == 0)
		s->cpu_kernel = v * 1000;
	cg_read_key(h, "cpu.stat", "nr_periods", &s->throttle_periods);
	cg_read_key(h, "cpu.stat", "nr_throttled", &s->throttled_periods);
	if (cg_read_key(h, "cpu.stat", "throttled_usec", &v) == 0)
		s->throttled_time = v * 1000;
}

/* memory.stat as "raw": every "key value" line. */
static void
mem_raw(struct cg_hier *h, struct cg_stats *s)
{
	char buf[STAT_BUF], *save = NULL;

	if (cg_read(h, "memory.stat", buf, sizeof(buf)) < 0)
		return;
	s->mem_raw = xcalloc(CGMSG_MAX_LIST, sizeof(*s->mem_raw));
	for (char *line = strtok_r(buf, "\n", &save); line && s->n_mem_raw < CGMSG_MAX_LIST;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (sp == NULL)
			continue;
		*sp = '\0';
		s->mem_raw[s->n_mem_raw].key = xstrdup(line);
		s->mem_raw[s->n_mem_raw++].value = strtoull(sp + 1, NULL, 10);
		if (strcmp(line, h->v2 ? "file" : "cache") == 0)
			s->mem_cache = strtoull(sp + 1, NULL, 10);
	}
}

static void
usage_v1(struct cg_hier *h, const char *prefix, struct cg_mem_usage *u)
{
	static const char *const names[4] = {"usage_in_bytes", "max_usage_in_bytes",
	                                     "limit_in_bytes", "failcnt"};
	uint64_t *v[4] = {&u->usage, &u->max, &u->limit, &u->failcnt};

	for (int i = 0; i < 4; i++) {
		char file[96];
		snprintf(file, sizeof(file), "%s%s", prefix, names[i]);
		cg_read_u64(h, file, v[i]);
	}
}

static void
memory(struct cg_layout *l, struct cg_stats *s)
{
	struct cg_hier *h = cg_find(l, CG_MEMORY);

	if (h == NULL)
		return;
	mem_raw(h, s);
	if (!h->v2) {
		usage_v1(h, "memory.", &s->mem);
		usage_v1(h, "memory.memsw.", &s->swap);
		usage_v1(h, "memory.kmem.", &s->kernel);
		usage_v1(h, "memory.kmem.tcp.", &s->kernel_tcp);
		cg_read_key(h, "memory.oom_control", "oom_kill", &s->oom_kill);
		s->oom_events = s->oom_kill;
		return;
	}
	cg_read_u64(h, "memory.current", &s->mem.usage);
	cg_read_u64(h, "memory.peak", &s->mem.max);
	cg_read_u64(h, "memory.max", &s->mem.limit);
	cg_read_key(h, "memory.events", "max", &s->mem.failcnt);
	cg_read_u64(h, "memory.swap.current", &s->swap.usage);
	cg_read_u64(h, "memory.swap.max", &s->swap.limit);
	/* runc reports memory+swap in "swap" for v1 compatibility. */
	s->swap.usage += s->mem.usage;
	cg_read_key(h, "memory.events", "oom", &s->oom_events);
	cg_read_key(h, "memory.events", "oom_kill", &s->oom_kill);
}

static void
add_io(struct cg_blkio_entry **e, uint32_t *n, uint32_t maj, uint32_t min, const char *op,
       uint64_t v)
{
	if (*n >= CGMSG_MAX_LIST)
		return;
	if (*e == NULL)
		*e = xcalloc(CGMSG_MAX_LIST, sizeof(**e));
	(*e)[*n].major = maj;
	(*e)[*n].minor = min;
	(*e)[*n].op = xstrdup(op);
	(*e)[(*n)++].value = v;
}

/* "8:0 Read 4096" lines; the trailing "Total N" has no device. */
static void
io_v1(struct cg_hier *h, const char *file, struct cg_blkio_entry **e, uint32_t *n)
{
	char buf[STAT_BUF], *save = NULL;

	if (cg_read(h, file, buf, sizeof(buf)) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		char op[16];
		unsigned long long v;
		if (sscanf(line, "%u:%u %15s %llu", &maj, &min, op, &v) == 4)
			add_io(e, n, maj, min, op, v);
	}
}

/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
static void
io_v2(struct cg_hier *h, struct cg_stats *s)
{
	char buf[STAT_BUF], *save = NULL;

	if (cg_read(h, "io.stat", buf, sizeof(buf)) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		unsigned long long rb = 0, wb = 0, ri = 0, wi = 0;
		char *p;
		if (sscanf(line, "%u:%u", &maj, &min) != 2)
			continue;
		if ((p = strstr(line, "rbytes=")))
			rb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(line, "wbytes=")))
			wb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(line, "rios=")))
			ri = strtoull(p + 5, NULL, 10);
		if ((p = strstr(line, "wios=")))
			wi = strtoull(p + 5, NULL, 10);
		add_io(&s->io_bytes, &s->n_io_bytes, maj, min, "Read", rb);
		add_io(&s->io_bytes, &s->n_io_bytes, maj, min, "Write", wb);
		add_io(&s->io_ops, &s->n_io_ops, maj, min, "Read", ri);
		add_io(&s->io_ops, &s->n_io_ops, maj, min, "Write", wi);
	}
}

/* Page sizes from /sys/kernel/mm/hugepages/hugepages-2048kB -> "2MB". */
static void
hugetlb(struct cg_layout *l, struct cg_stats *s)
{
	struct cg_hier *h = cg_find(l, CG_HUGETLB);
	DIR *d;
	struct dirent *e;

	if (h == NULL || (d = opendir("/sys/kernel/mm/hugepages")) == NULL)
		return;
	s->hugetlb = xcalloc(16, sizeof(*s->hugetlb));
	while ((e = readdir(d)) != NULL && s->n_hugetlb < 16) {
		unsigned long kb;
		char size[32], file[96];
		struct cg_hugetlb_stat *t = &s->hugetlb[s->n_hugetlb];
		if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		if (kb >= 1024 * 1024)
			snprintf(size, sizeof(size), "%luGB", kb / (1024 * 1024));
		else if (kb >= 1024)
			snprintf(size, sizeof(size), "%luMB", kb / 1024);
		else
			snprintf(size, sizeof(size), "%luKB", kb);
		snprintf(file, sizeof(file), "hugetlb.%s.%s", size,
		         h->v2 ? "current" : "usage_in_bytes");
		if (cg_read_u64(h, file, &t->usage) < 0)
			continue;
		snprintf(file, sizeof(file), "hugetlb.%s.%s", size,
		         h->v2 ? "max" : "max_usage_in_bytes");
		cg_read_u64(h, file, &t->max);
		if (h->v2) {
			snprintf(file, sizeof(file), "hugetlb.%s.events", size);
			cg_read_key(h, file, "max", &t->failcnt);
		} else {
			snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
			cg_read_u64(h, file, &t->failcnt);
		}
		t->page_size = xstrdup(size);
		s->n_hugetlb++;
	}
	closedir(d);
}

int
cg_stats(struct cg_layout *l, struct cg_stats *s, struct brig_err *err)
{
	struct cg_hier *h;

	(void) err;
	h = cg_find(l, CG_CPU);
	if (h != NULL && h->v2)
		cpu_v2(h, s);
	else
		cpu_v1(l, s);
	memory(l, s);
	if ((h = cg_find(l, CG_PIDS)) != NULL) {
		cg_read_u64(h, "pids.current", &s->pids_current);
		cg_read_u64(h, "pids.max", &s->pids_limit);
	}
	if ((h = cg_find(l, CG_BLKIO)) != NULL) {
		if (h->v2) {
			io_v2(h, s);
		} else {
			io_v1(h, "blkio.throttle.io_service_bytes_recursive", &s->io_bytes,
			      &s->n_io_bytes);
			io_v1(h, "blkio.throttle.io_serviced_recursive", &s->io_ops, &s->n_io_ops);
		}
	}
	hugetlb(l, s);
	return 0;
}
