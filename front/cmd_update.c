/* cmd_update.c - `brig update [options] ID`: change the resource limits
 * of a running container (runc's flags, or -r FILE with a JSON
 * linux.resources object, "-" for stdin). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"
#include "lib/xalloc.h"

enum { OPT_MEMORY = 256, OPT_MEMORY_SWAP, OPT_MEMORY_RESERVATION, OPT_CPU_SHARES, OPT_CPU_QUOTA,
       OPT_CPU_PERIOD, OPT_CPU_RT_RUNTIME, OPT_CPU_RT_PERIOD, OPT_CPUSET_CPUS, OPT_CPUSET_MEMS,
       OPT_PIDS_LIMIT, OPT_BLKIO_WEIGHT, OPT_KERNEL_MEMORY };

static const struct option update_options[] = {
	{ "resources", required_argument, NULL, 'r' },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
	{ "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
	{ "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
	{ "cpu-share", required_argument, NULL, OPT_CPU_SHARES }, /* runc's spelling */
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
	{ "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
	{ "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
	{ "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
	{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
	{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
	{ "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *
option_name(int val)
{
	for (const struct option *o = update_options; o->name != NULL; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

static void
update_usage(FILE *f)
{
	fprintf(f, "usage: brig update [options] ID\n"
		   "  -r, --resources FILE      JSON linux.resources (\"-\": stdin)\n"
		   "      --memory BYTES        memory limit (k, m, g suffixes; -1: none)\n"
		   "      --memory-swap BYTES   memory + swap limit\n"
		   "      --memory-reservation BYTES\n"
		   "      --cpu-shares N        --cpu-quota US   --cpu-period US\n"
		   "      --cpu-rt-runtime US   --cpu-rt-period US\n"
		   "      --cpuset-cpus LIST    --cpuset-mems LIST\n"
		   "      --pids-limit N        --blkio-weight 10..1000\n");
}

/* "64m", "1g", "4096" or "-1" (unlimited) as in runc's RAMInBytes. */
static int
parse_bytes(const char *opt, const char *s, int64_t *out)
{
	char *end;
	long long v;
	int64_t mult = 1;

	errno = 0;
	v = strtoll(s, &end, 10);
	(void) opt;
	if (errno != 0 || end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		mult = 1024;
	else if (*end == 'm' || *end == 'M')
		mult = 1024 * 1024;
	else if (*end == 'g' || *end == 'G')
		mult = 1024LL * 1024 * 1024;
	else if (*end != '\0' && *end != 'b' && *end != 'B')
		return -1;
	if (mult > 1 && end[1] != '\0' && !((end[1] == 'b' || end[1] == 'B') && end[2] == '\0'))
		return -1;
	if (v == -1) {
		*out = -1;
		return 0;
	}
	if (v < 0 || v > INT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int
parse_i64(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' ? 0 : -1;
}

static int
read_resources_file(const char *path, struct cfg_resources *r, struct brig_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 65536;
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return brig_err_set(err, errno, "update: -r %s", path);
	buf = xmalloc(cap + 1);
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t) n;
		if (len == cap) {
			if (cap >= (4u << 20))
				break;
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	buf[len] = '\0';
	if (config_parse_resources(buf, len, r, err) < 0) {
		/* The parser speaks of config.json; here the file is ours. */
		char msg[BRIG_ERR_MSG_MAX];
		const char *m = strncmp(err->msg, "config.json: ", 13) == 0 ? err->msg + 13 : err->msg;
		memcpy(msg, m, strlen(m) + 1);
		return brig_err_set(err, 0, "update: -r %.200s: %.800s", path, msg);
	}
	return 0;
}

static int
apply_flag(int ch, const char *arg, struct cfg_resources *r)
{
	int64_t v;

	r->present = true;
	switch (ch) {
	case OPT_MEMORY:
		r->memory.has_limit = true;
		return parse_bytes("--memory", arg, &r->memory.limit);
	case OPT_MEMORY_SWAP:
		r->memory.has_swap = true;
		return parse_bytes("--memory-swap", arg, &r->memory.swap);
	case OPT_MEMORY_RESERVATION:
		r->memory.has_reservation = true;
		return parse_bytes("--memory-reservation", arg, &r->memory.reservation);
	case OPT_KERNEL_MEMORY:
		r->memory.has_kernel = true;
		return parse_bytes("--kernel-memory", arg, &r->memory.kernel);
	case OPT_CPU_SHARES:
		r->cpu.has_shares = true;
		return parse_i64(arg, &v) < 0 || v <= 0 ? -1 : (r->cpu.shares = (uint64_t) v, 0);
	case OPT_CPU_QUOTA:
		r->cpu.has_quota = true;
		return parse_i64(arg, &r->cpu.quota);
	case OPT_CPU_PERIOD:
		r->cpu.has_period = true;
		return parse_i64(arg, &v) < 0 || v <= 0 ? -1 : (r->cpu.period = (uint64_t) v, 0);
	case OPT_CPU_RT_RUNTIME:
		r->cpu.has_realtime_runtime = true;
		return parse_i64(arg, &r->cpu.realtime_runtime);
	case OPT_CPU_RT_PERIOD:
		r->cpu.has_realtime_period = true;
		return parse_i64(arg, &v) < 0 || v <= 0 ? -1 : (r->cpu.realtime_period = (uint64_t) v, 0);
	case OPT_CPUSET_CPUS:
		free(r->cpu.cpus);
		r->cpu.cpus = xstrdup(arg);
		return 0;
	case OPT_CPUSET_MEMS:
		free(r->cpu.mems);
		r->cpu.mems = xstrdup(arg);
		return 0;
	case OPT_PIDS_LIMIT:
		r->pids.has_limit = true;
		return parse_i64(arg, &r->pids.limit);
	case OPT_BLKIO_WEIGHT:
		r->block_io.has_weight = true;
		return parse_i64(arg, &v) < 0 || v < 10 || v > 1000
			       ? -1
			       : (r->block_io.weight = (uint16_t) v, 0);
	default:
		return -1;
	}
}

static int
do_update(struct brig_global *g, const char *id, struct cfg_resources *r)
{
	struct cg_request req;
	struct ctr_state st;
	struct brig_err err;
	int rootfd, dirfd, ret = 1;

	if (ctr_open(g, id, &rootfd, &dirfd, &st, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	if (!st.has_cgroup) {
		brig_log_errorf("update: container \"%s\" has no cgroup", st.id);
	} else if (st.status == CTR_STOPPED) {
		brig_log_errorf("container \"%s\" is not running", st.id);
	} else {
		memset(&req, 0, sizeof(req));
		cgroup_target_of(&st, &req.target);
		plan_cgroup_resources(r, &req.res);
		if (cgroup_oneshot(g->helper_dir, IPC_CGROUP_UPDATE, &req, &err) < 0)
			brig_log_error(&err);
		else
			ret = 0;
		plan_cgroup_resources_free(&req.res);
	}
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return ret;
}

int
cmd_update(struct brig_global *g, int argc, char **argv)
{
	struct cfg_resources r;
	const char *file = NULL;
	struct brig_err err;
	int ch, ret;

	memset(&r, 0, sizeof(r));
	while ((ch = getopt_long(argc, argv, "+r:h", update_options, NULL)) != -1) {
		if (ch == 'r') {
			file = optarg;
		} else if (ch == 'h') {
			update_usage(stdout);
			return 0;
		} else if (ch == '?' || apply_flag(ch, optarg, &r) < 0) {
			if (ch != '?')
				brig_log_errorf("update: --%s: bad value \"%s\"", option_name(ch),
						optarg);
			else
				update_usage(stderr);
			config_free_resources(&r);
			return 1;
		}
	}
	if (optind != argc - 1) {
		brig_log_errorf("update: expects exactly one container id");
		config_free_resources(&r);
		return 1;
	}
	if (file != NULL) {
		/* runc: a resources file replaces the flags. */
		config_free_resources(&r);
		if (read_resources_file(file, &r, &err) < 0) {
			brig_log_error(&err);
			return 1;
		}
	}
	ret = do_update(g, argv[optind], &r);
	config_free_resources(&r);
	return ret;
}
