/* cmd_events.c - `brig events [--stats] [--interval 5s] ID`.
 *
 * JSON lines as runc prints them: {"type":"stats","id":...,"data":{...}}
 * every interval (once with --stats), and {"type":"oom","id":...} when
 * the cgroup's OOM kill count grows.  Stops when the container stops.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "front/cmd_common.h"

static void
key(yajl_gen y, const char *k)
{
	yajl_gen_string(y, (const unsigned char *) k, strlen(k));
}

static void
kv_u64(yajl_gen y, const char *k, uint64_t v)
{
	key(y, k);
	yajl_gen_integer(y, (long long) v);
}

static void
gen_usage(yajl_gen y, const char *k, const struct cg_mem_usage *u)
{
	key(y, k);
	yajl_gen_map_open(y);
	kv_u64(y, "limit", u->limit);
	kv_u64(y, "usage", u->usage);
	kv_u64(y, "max", u->max);
	kv_u64(y, "failcnt", u->failcnt);
	yajl_gen_map_close(y);
}

static void
gen_cpu(yajl_gen y, const struct cg_stats *s)
{
	key(y, "cpu");
	yajl_gen_map_open(y);
	key(y, "usage");
	yajl_gen_map_open(y);
	kv_u64(y, "total", s->cpu_total);
	key(y, "percpu");
	yajl_gen_array_open(y);
	for (uint32_t i = 0; i < s->n_percpu; i++)
		yajl_gen_integer(y, (long long) s->percpu[i]);
	yajl_gen_array_close(y);
	kv_u64(y, "kernel", s->cpu_kernel);
	kv_u64(y, "user", s->cpu_user);
	yajl_gen_map_close(y);
	key(y, "throttling");
	yajl_gen_map_open(y);
	kv_u64(y, "periods", s->throttle_periods);
	kv_u64(y, "throttledPeriods", s->throttled_periods);
	kv_u64(y, "throttledTime", s->throttled_time);
	yajl_gen_map_close(y);
	yajl_gen_map_close(y);
}

static void
gen_memory(yajl_gen y, const struct cg_stats *s)
{
	key(y, "memory");
	yajl_gen_map_open(y);
	kv_u64(y, "cache", s->mem_cache);
	gen_usage(y, "usage", &s->mem);
	gen_usage(y, "swap", &s->swap);
	gen_usage(y, "kernel", &s->kernel);
	gen_usage(y, "kernelTCP", &s->kernel_tcp);
	key(y, "raw");
	yajl_gen_map_open(y);
	for (uint32_t i = 0; i < s->n_mem_raw; i++)
		kv_u64(y, s->mem_raw[i].key, s->mem_raw[i].value);
	yajl_gen_map_close(y);
	yajl_gen_map_close(y);
}

static void
gen_blkio_list(yajl_gen y, const char *k, const struct cg_blkio_entry *e, uint32_t n)
{
	key(y, k);
	yajl_gen_array_open(y);
	for (uint32_t i = 0; i < n; i++) {
		yajl_gen_map_open(y);
		kv_u64(y, "major", e[i].major);
		kv_u64(y, "minor", e[i].minor);
		key(y, "op");
		yajl_gen_string(y, (const unsigned char *) e[i].op, strlen(e[i].op));
		kv_u64(y, "value", e[i].value);
		yajl_gen_map_close(y);
	}
	yajl_gen_array_close(y);
}

static void
gen_rest(yajl_gen y, const struct cg_stats *s)
{
	key(y, "pids");
	yajl_gen_map_open(y);
	kv_u64(y, "current", s->pids_current);
	kv_u64(y, "limit", s->pids_limit);
	yajl_gen_map_close(y);
	key(y, "blkio");
	yajl_gen_map_open(y);
	gen_blkio_list(y, "ioServiceBytesRecursive", s->io_bytes, s->n_io_bytes);
	gen_blkio_list(y, "ioServicedRecursive", s->io_ops, s->n_io_ops);
	yajl_gen_map_close(y);
	key(y, "hugetlb");
	yajl_gen_map_open(y);
	for (uint32_t i = 0; i < s->n_hugetlb; i++) {
		key(y, s->hugetlb[i].page_size);
		yajl_gen_map_open(y);
		kv_u64(y, "usage", s->hugetlb[i].usage);
		kv_u64(y, "max", s->hugetlb[i].max);
		kv_u64(y, "failcnt", s->hugetlb[i].failcnt);
		yajl_gen_map_close(y);
	}
	yajl_gen_map_close(y);
}

static void
print_event(const char *type, const char *id, const struct cg_stats *s)
{
	yajl_gen y = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	yajl_gen_map_open(y);
	key(y, "type");
	yajl_gen_string(y, (const unsigned char *) type, strlen(type));
	key(y, "id");
	yajl_gen_string(y, (const unsigned char *) id, strlen(id));
	if (s != NULL) {
		key(y, "data");
		yajl_gen_map_open(y);
		gen_cpu(y, s);
		gen_memory(y, s);
		gen_rest(y, s);
		yajl_gen_map_close(y);
	}
	yajl_gen_map_close(y);
	yajl_gen_get_buf(y, &buf, &len);
	printf("%.*s\n", (int) len, buf);
	fflush(stdout);
	yajl_gen_free(y);
}

/* "5s", "500ms", "1m" or a plain number of seconds. */
static int
parse_interval(const char *s, long *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		*ms = (long) (v * 1000);
	else if (strcmp(end, "ms") == 0)
		*ms = (long) v;
	else if (strcmp(end, "m") == 0)
		*ms = (long) (v * 60000);
	else
		return -1;
	return *ms > 0 ? 0 : -1;
}

static bool
still_there(int dirfd, struct ctr_state *st)
{
	state_refresh(dirfd, st);
	return st->status != CTR_STOPPED;
}

static int
events_loop(struct brig_global *g, int dirfd, struct ctr_state *st, bool once, long ms)
{
	struct cg_session s;
	struct cg_target t;
	struct brig_err err;
	uint64_t ooms = 0;
	bool first = true;
	int ret = 0;

	cgroup_target_of(st, &t);
	if (cgs_start(&s, g->helper_dir, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	for (;;) {
		struct cg_stats stats;
		struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
		if (cgs_stats(&s, &t, &stats, &err) < 0) {
			if (still_there(dirfd, st)) {
				brig_log_error(&err);
				ret = 1;
			}
			break;
		}
		if (!first && stats.oom_kill + stats.oom_events > ooms)
			print_event("oom", st->id, NULL);
		ooms = stats.oom_kill + stats.oom_events;
		first = false;
		if (once || ms > 0)
			print_event("stats", st->id, &stats);
		cgmsg_stats_free(&stats);
		if (once || !still_there(dirfd, st))
			break;
		nanosleep(&ts, NULL);
	}
	cgs_finish(&s);
	return ret;
}

int
cmd_events(struct brig_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_state st;
	struct brig_err err;
	bool once = false;
	long ms = 5000;
	int rootfd, dirfd, ch, ret;

	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (ch == 's')
			once = true;
		else if (ch == 'i' && parse_interval(optarg, &ms) == 0)
			continue;
		else {
			if (ch == 'i')
				brig_log_errorf("events: --interval: not a duration: \"%s\"", optarg);
			else
				printf("usage: brig events [--stats] [--interval 5s] ID\n");
			return ch == 'h' ? 0 : 1;
		}
	}
	if (optind != argc - 1) {
		brig_log_errorf("events: expects exactly one container id");
		return 1;
	}
	if (ctr_open(g, argv[optind], &rootfd, &dirfd, &st, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	/* Do not hold the container's lock for a stream that may last. */
	flock(dirfd, LOCK_UN);
	if (!st.has_cgroup) {
		brig_log_errorf("events: container \"%s\" has no cgroup", st.id);
		ret = 1;
	} else if (st.status == CTR_STOPPED) {
		brig_log_errorf("container \"%s\" is not running", st.id);
		ret = 1;
	} else {
		ret = events_loop(g, dirfd, &st, once, ms);
	}
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return ret;
}
