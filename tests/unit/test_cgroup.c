/* test_cgroup.c - brig-cgroup: the runc conversions, the message codec
 * and its refusals, then (root only) the real helper end to end: a child
 * process put in a new cgroup under a test-owned parent
 * "/brig-test-PID", every value read back from /sys/fs/cgroup, update,
 * freeze/thaw, stats, pids, kill, delete, and the requests it must refuse.
 * Everything made is removed on every path.  Exit 77 when not root (after
 * the pure checks).  Prints TAP-ish lines.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/cgroup/cgroup.h"
#include "ipc/cgroupmsg.h"
#include "ipc/codec.h"
#include "ipc/io.h"
#include "ipc/spawn.h"
#include "ipc/wire.h"
#include "lib/sys.h"
#include "tests/unit/tap.h"

static const char *helper_dir;
static char parent[64], leaf[128]; /* "/brig-test-PID", "/brig-test-PID/c1" */

/* ---- pure checks ---- */

static void
test_conversions(void)
{
	int64_t v = 0;

	ok(cg_shares_to_weight(1024) == 39, "shares 1024 -> weight 39");
	ok(cg_shares_to_weight(2) == 1, "shares 2 -> weight 1");
	ok(cg_shares_to_weight(262144) == 10000, "shares 262144 -> weight 10000");
	ok(cg_shares_to_weight(512) == 20, "shares 512 -> weight 20");
	ok(cg_shares_to_weight(0) == 0, "shares 0 -> unset");
	ok(cg_blkio_to_io_weight(10) == 1, "blkio 10 -> io 1");
	ok(cg_blkio_to_io_weight(500) == 4950, "blkio 500 -> io 4950");
	ok(cg_blkio_to_io_weight(1000) == 10000, "blkio 1000 -> io 10000");
	ok(cg_blkio_to_io_weight(100) == 910, "blkio 100 -> io 910");
	ok(cg_swap_to_v2(200, 100, &v) == 0 && v == 100, "swap 200 limit 100 -> swap.max 100");
	ok(cg_swap_to_v2(-1, 100, &v) == 0 && v == -1, "swap -1 -> max");
	ok(cg_swap_to_v2(0, -1, &v) == 0 && v == -1, "limit -1 no swap -> max");
	ok(cg_swap_to_v2(50, 100, &v) < 0, "swap below limit refused");
	ok(cg_swap_to_v2(50, 0, &v) < 0, "swap without limit refused");
	ok(cg_pagesize_ok("2MB") && cg_pagesize_ok("1GB") && cg_pagesize_ok("64KB"), "page sizes");
	ok(!cg_pagesize_ok("2M") && !cg_pagesize_ok("MB") && !cg_pagesize_ok("2MB/x"),
	   "bad page sizes");
}

static struct cg_device_rule rules[3] = {
    {0, 'a', -1, -1, "rwm"},
    {1, 'c', 1, 3, "rwm"},
    {1, 'c', 1, 5, "rw"},
};
static struct cg_throttle_device thr = {254, 0, 10485760};
static struct cg_hugepage huge = {"2MB", 4194304};

/* The resources CREATE applies. */
static void
fill_resources(struct cg_resources *r)
{
	memset(r, 0, sizeof(*r));
	r->present = 1;
	r->memory.has = CGM_LIMIT | CGM_SWAP | CGM_RESERVATION | CGM_SWAPPINESS;
	r->memory.limit = 64 << 20;
	r->memory.swap = 128 << 20;
	r->memory.reservation = 32 << 20;
	r->memory.swappiness = 10;
	r->cpu.has = CGC_SHARES | CGC_QUOTA | CGC_PERIOD;
	r->cpu.shares = 512;
	r->cpu.quota = 50000;
	r->cpu.period = 100000;
	r->cpu.cpus = "0";
	r->cpu.mems = "0";
	r->pids.has = 1;
	r->pids.limit = 20;
	r->n_devices = 3;
	r->devices = rules;
	r->blkio.n_throttle[CG_THR_READ_BPS] = 1;
	r->blkio.throttle[CG_THR_READ_BPS] = &thr;
	r->n_hugepages = 1;
	r->hugepages = &huge;
}

static int
roundtrip(uint16_t type, const struct cg_request *in, struct cg_request *out, struct brig_err *err)
{
	struct ipc_writer w;
	struct ipc_reader r;
	int ret;

	ipc_writer_init(&w);
	cgmsg_encode(&w, type, in);
	memset(out, 0, sizeof(*out));
	ipc_reader_init(&r, w.buf, w.len);
	ret = cgmsg_decode(&r, type, out, err);
	if (ret == 0)
		ret = cgmsg_check(type, out, err);
	ipc_writer_free(&w);
	return ret;
}

static bool
refused(const char *path, const char *id, uint32_t flags)
{
	struct cg_request in = {0}, out;
	struct brig_err err = {0};
	bool r;

	in.target.path = (char *) path;
	in.target.id = (char *) id;
	in.target.flags = flags;
	r = roundtrip(IPC_CGROUP_UPDATE, &in, &out, &err) < 0;
	cgmsg_free(&out);
	return r;
}

static void
test_codec(void)
{
	struct cg_request in = {0}, out;
	struct brig_err err = {0};
	struct cg_kv kv = {"cgroup.procs", "1"};

	in.target.path = leaf;
	in.target.id = "c1";
	fill_resources(&in.res);
	ok(roundtrip(IPC_CGROUP_CREATE, &in, &out, &err) == 0, "create request round trip");
	ok(out.res.memory.limit == 64 << 20 && out.res.cpu.shares == 512 &&
	       out.res.n_devices == 3 && strcmp(out.res.devices[2].access, "rw") == 0 &&
	       out.res.blkio.throttle[0][0].rate == 10485760 &&
	       strcmp(out.res.hugepages[0].page_size, "2MB") == 0 &&
	       strcmp(out.target.path, leaf) == 0,
	   "create request fields survive");
	cgmsg_free(&out);
	ok(refused("../x", "c1", 0), "refused: ../x");
	ok(refused("/a/../b", "c1", 0), "refused: /a/../b");
	ok(refused("/a//b", "c1", 0), "refused: empty component");
	ok(refused("/a/./b", "c1", 0), "refused: . component");
	ok(refused("/a/b/", "c1", 0), "refused: trailing /");
	ok(refused("/", "c1", 0), "refused: /");
	ok(refused("slice:prefix:name", "c1", 0), "refused: systemd form");
	ok(refused(NULL, "..", 0), "refused: id ..");
	ok(refused(NULL, "a/b", 0), "refused: id with /");
	ok(refused(NULL, "c1", CGT_SYSTEMD), "refused: systemd driver");
	ok(!refused(NULL, "c1", 0) && !refused("a/b", "c1", 0), "accepted: default and relative");
	memset(&in, 0, sizeof(in));
	in.target.id = "c1";
	in.res.present = 1;
	in.res.n_unified = 1;
	in.res.unified = &kv;
	ok(roundtrip(IPC_CGROUP_UPDATE, &in, &out, &err) < 0, "refused: unified cgroup.procs");
	cgmsg_free(&out);
	in.res.n_unified = 0;
	in.res.memory.has = CGM_SWAPPINESS;
	in.res.memory.swappiness = 101;
	ok(roundtrip(IPC_CGROUP_UPDATE, &in, &out, &err) < 0, "refused: swappiness 101");
	cgmsg_free(&out);
	in.signal = 0;
	ok(roundtrip(IPC_CGROUP_KILL, &in, &out, &err) < 0, "refused: signal 0");
	cgmsg_free(&out);
}

/* ---- end to end ---- */

static struct ipc_helper helper;

static bool
start_helper(void)
{
	struct brig_err err = {0};

	if (ipc_helper_spawn(&helper, helper_dir, "brig-cgroup", &err) < 0) {
		fprintf(stderr, "spawn: %s\n", err.msg);
		return false;
	}
	return true;
}

/* One request; *REPLY_FD gets the memfd of a reply with data. */
static int
call(uint16_t type, const struct cg_request *req, const int *fds, uint32_t nfds, int *reply_fd,
     struct brig_err *err)
{
	struct ipc_writer w;
	int rfd[1] = {-1}, ret;

	ipc_writer_init(&w);
	cgmsg_encode(&w, type, req);
	ret = ipc_call(helper.sock, "brig-cgroup", type, w.buf, w.len, fds, nfds, rfd, 1, err);
	ipc_writer_free(&w);
	if (reply_fd != NULL)
		*reply_fd = rfd[0];
	else if (rfd[0] >= 0)
		close(rfd[0]);
	return ret;
}

static bool
read_file(const char *ctrl, const char *path, const char *file, char *buf, size_t size)
{
	char full[512];
	FILE *f;
	size_t n;

	snprintf(full, sizeof(full), "/sys/fs/cgroup/%s%s/%s", ctrl, path, file);
	f = fopen(full, "r");
	if (f == NULL)
		return false;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return true;
}

static bool
file_is(const char *ctrl, const char *file, const char *want)
{
	char buf[4096];

	if (!read_file(ctrl, leaf, file, buf, sizeof(buf)))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "# %s/%s: \"%s\", want \"%s\"\n", ctrl, file, buf, want);
	return strcmp(buf, want) == 0;
}

static bool
exists(const char *ctrl, const char *path)
{
	char full[512];
	struct stat st;

	snprintf(full, sizeof(full), "/sys/fs/cgroup/%s%s", ctrl, path);
	return stat(full, &st) == 0;
}

static const char *const ctrls[] = {"memory",  "cpu",   "cpuacct", "cpuset",  "devices",
                                    "freezer", "blkio", "pids",    "systemd", "unified"};
#define N_CTRLS (sizeof(ctrls) / sizeof(ctrls[0]))

static bool
gone_everywhere(const char *path)
{
	for (size_t i = 0; i < N_CTRLS; i++)
		if (exists(ctrls[i], path))
			return false;
	return true;
}

/* Best effort: whatever a failed run left under our parent. */
static void
cleanup_dirs(void)
{
	char full[512];

	for (size_t i = 0; i < N_CTRLS; i++) {
		snprintf(full, sizeof(full), "/sys/fs/cgroup/%s%s", ctrls[i], leaf);
		/* A process just reaped may keep the cgroup busy a moment. */
		for (int n = 0; n < 100 && rmdir(full) < 0 && errno == EBUSY; n++)
			usleep(10000);
		snprintf(full, sizeof(full), "/sys/fs/cgroup/%s%s", ctrls[i], parent);
		rmdir(full);
	}
}

static pid_t
start_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static bool
in_cgroup(pid_t pid, const char *needle)
{
	char path[64], buf[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

static void
test_create(pid_t child, int pidfd, struct cg_request *req, uint32_t *depth)
{
	struct brig_err err = {0};
	int rfd = -1;
	char buf[4096], needle[160];
	uint8_t *data = NULL;
	uint32_t len = 0;
	struct cg_created created = {0};
	struct ipc_reader r;
	struct timespec t0, t1;

	fill_resources(&req->res);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(call(IPC_CGROUP_CREATE, req, &pidfd, 1, &rfd, &err) == 0, "create");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# create with resources in %d hierarchies: %.2f ms\n", 10,
	       (double) (t1.tv_sec - t0.tv_sec) * 1e3 + (double) (t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (err.msg[0] && rfd < 0)
		fprintf(stderr, "# %s\n", err.msg);
	ok(rfd >= 0 && cgmsg_read_reply(rfd, &data, &len, &err) == 0, "create reply memfd");
	ipc_reader_init(&r, data, len);
	ok(data != NULL && cgmsg_decode_created(&r, &created, &err) == 0 && created.depth == 2,
	   "created depth 2 (parent and leaf)");
	*depth = created.depth;
	free(data);
	if (rfd >= 0)
		close(rfd);
	ok(file_is("memory", "memory.limit_in_bytes", "67108864"), "memory.limit_in_bytes");
	ok(file_is("memory", "memory.soft_limit_in_bytes", "33554432"),
	   "memory.soft_limit_in_bytes");
	ok(!exists("memory", "/x") &&
	       (file_is("memory", "memory.memsw.limit_in_bytes", "134217728") ||
	        !exists("memory", "/memory.memsw.limit_in_bytes")),
	   "memory.memsw.limit_in_bytes");
	ok(file_is("memory", "memory.swappiness", "10"), "memory.swappiness");
	ok(file_is("cpu", "cpu.shares", "512"), "cpu.shares");
	ok(file_is("cpu", "cpu.cfs_quota_us", "50000"), "cpu.cfs_quota_us");
	ok(file_is("cpu", "cpu.cfs_period_us", "100000"), "cpu.cfs_period_us");
	ok(file_is("cpuset", "cpuset.cpus", "0"), "cpuset.cpus");
	ok(file_is("pids", "pids.max", "20"), "pids.max");
	ok(read_file("devices", leaf, "devices.list", buf, sizeof(buf)) &&
	       strstr(buf, "c 1:3 rwm") && strstr(buf, "c 1:5 rw\n") && !strstr(buf, "a *:*"),
	   "devices.list: deny all, allow null rwm and zero rw");
	ok(read_file("blkio", leaf, "blkio.throttle.read_bps_device", buf, sizeof(buf)) &&
	       strstr(buf, "254:0 10485760"),
	   "blkio.throttle.read_bps_device");
	ok(file_is("unified", "hugetlb.2MB.max", "4194304"),
	   "hugetlb.2MB.max in the cgroup2 mount");
	snprintf(needle, sizeof(needle), "memory:%s\n", leaf);
	ok(in_cgroup(child, needle), "child in memory cgroup");
	snprintf(needle, sizeof(needle), "0::%s\n", leaf);
	ok(in_cgroup(child, needle), "child in the cgroup2 cgroup");
	snprintf(needle, sizeof(needle), "name=systemd:%s\n", leaf);
	ok(in_cgroup(child, needle), "child in name=systemd cgroup");
}

static void
test_update(struct cg_request *req)
{
	struct brig_err err = {0};

	memset(&req->res, 0, sizeof(req->res));
	req->res.present = 1;
	req->res.memory.has = CGM_LIMIT | CGM_SWAP;
	req->res.memory.limit = 96 << 20;
	req->res.memory.swap = 256 << 20;
	req->res.pids.has = 1;
	req->res.pids.limit = 30;
	req->res.cpu.has = CGC_SHARES;
	req->res.cpu.shares = 1024;
	ok(call(IPC_CGROUP_UPDATE, req, NULL, 0, NULL, &err) == 0, "update");
	ok(file_is("memory", "memory.limit_in_bytes", "100663296"), "update: memory limit");
	ok(file_is("pids", "pids.max", "30"), "update: pids.max");
	ok(file_is("cpu", "cpu.shares", "1024"), "update: cpu.shares");
	memset(&req->res, 0, sizeof(req->res));
}

static void
test_freeze(struct cg_request *req)
{
	struct brig_err err = {0};

	ok(call(IPC_CGROUP_FREEZE, req, NULL, 0, NULL, &err) == 0, "freeze");
	ok(file_is("freezer", "freezer.state", "FROZEN"), "freezer.state FROZEN");
	ok(call(IPC_CGROUP_THAW, req, NULL, 0, NULL, &err) == 0, "thaw");
	ok(file_is("freezer", "freezer.state", "THAWED"), "freezer.state THAWED");
}

static void
test_stats_pids(struct cg_request *req, pid_t child)
{
	struct brig_err err = {0};
	struct cg_stats s = {0};
	struct cg_pids_reply p = {0};
	struct ipc_reader r;
	uint8_t *data = NULL;
	uint32_t len = 0;
	int rfd = -1;

	ok(call(IPC_CGROUP_STATS, req, NULL, 0, &rfd, &err) == 0 && rfd >= 0, "stats");
	if (rfd >= 0 && cgmsg_read_reply(rfd, &data, &len, &err) == 0) {
		ipc_reader_init(&r, data, len);
		ok(cgmsg_decode_stats(&r, &s, &err) == 0, "stats decode");
		ok(s.pids_current == 1 && s.pids_limit == 30, "stats: pids 1 of 30");
		/* v1 charges stay where the pages were first used: a forked
		 * child's usage in its new cgroup may well be 0. */
		ok(s.mem.limit == 96 << 20, "stats: memory limit");
		ok(s.cpu_total > 0 || s.n_percpu > 0, "stats: cpu usage");
		ok(s.n_percpu > 0 && s.n_mem_raw > 0, "stats: percpu and memory.stat");
		cgmsg_stats_free(&s);
	}
	free(data);
	data = NULL;
	if (rfd >= 0)
		close(rfd);
	ok(call(IPC_CGROUP_PIDS, req, NULL, 0, &rfd, &err) == 0 && rfd >= 0, "pids");
	if (rfd >= 0 && cgmsg_read_reply(rfd, &data, &len, &err) == 0) {
		ipc_reader_init(&r, data, len);
		ok(cgmsg_decode_pids(&r, &p, &err) == 0 && p.n == 1 && p.pids[0] == child,
		   "pids: exactly the child");
		cgmsg_pids_free(&p);
	}
	free(data);
	if (rfd >= 0)
		close(rfd);
}

static void
test_kill_delete(struct cg_request *req, pid_t child, uint32_t depth)
{
	struct brig_err err = {0};
	int status = 0;

	req->signal = SIGKILL;
	ok(call(IPC_CGROUP_KILL, req, NULL, 0, NULL, &err) == 0, "kill");
	ok(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
	       WTERMSIG(status) == SIGKILL,
	   "child killed by SIGKILL");
	ok(file_is("freezer", "freezer.state", "THAWED"), "kill leaves the cgroup thawed");
	req->target.created_depth = depth;
	ok(call(IPC_CGROUP_DELETE, req, NULL, 0, NULL, &err) == 0, "delete");
	if (err.msg[0])
		fprintf(stderr, "# %s\n", err.msg);
	ok(gone_everywhere(leaf) && gone_everywhere(parent), "delete: leaf and parent gone");
	ok(call(IPC_CGROUP_DELETE, req, NULL, 0, NULL, &err) == 0, "delete again: no error");
	req->target.created_depth = 0;
}

/* A request the helper must refuse, on a fresh helper (an error ends its session). */
static void
expect_refusal(const char *name, uint16_t type, const char *path, uint32_t flags,
               const struct cg_resources *res, const int *fds, uint32_t nfds, int errnum)
{
	struct cg_request req = {0};
	struct brig_err err = {0};
	int ret;

	if (!start_helper()) {
		ok(false, name);
		return;
	}
	req.target.path = (char *) path;
	req.target.id = "c1";
	req.target.flags = flags;
	if (res != NULL)
		req.res = *res;
	ret = call(type, &req, fds, nfds, NULL, &err);
	if (ret == 0 || (errnum && err.errnum != errnum))
		fprintf(stderr, "# %s: ret %d errnum %d: %s\n", name, ret, err.errnum, err.msg);
	ok(ret < 0 && (errnum == 0 || err.errnum == errnum), name);
	ipc_helper_finish(&helper);
}

static void
test_refusals(int pidfd)
{
	struct cg_resources res;
	struct cg_kv kv = {"memory.max", "1000000"};
	char bad[128];
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	snprintf(bad, sizeof(bad), "%s/../../x", parent);
	expect_refusal("refused by the helper: .. in path", IPC_CGROUP_CREATE, bad, 0, NULL, &pidfd,
	               1, EINVAL);
	expect_refusal("refused by the helper: systemd", IPC_CGROUP_CREATE, leaf, CGT_SYSTEMD, NULL,
	               &pidfd, 1, ENOTSUP);
	expect_refusal("refused: CREATE without fd", IPC_CGROUP_CREATE, leaf, 0, NULL, NULL, 0, 0);
	expect_refusal("refused: UPDATE with an fd", IPC_CGROUP_UPDATE, leaf, 0, NULL, &devnull, 1,
	               0);
	expect_refusal("refused: CREATE with a non-pidfd", IPC_CGROUP_CREATE, leaf, 0, NULL,
	               &devnull, 1, EBADF);
	ok(gone_everywhere(leaf) && gone_everywhere(parent), "nothing created by refused requests");
	memset(&res, 0, sizeof(res));
	res.present = 1;
	res.n_unified = 1;
	res.unified = &kv;
	expect_refusal("refused: unified on a v1 host", IPC_CGROUP_CREATE, leaf, 0, &res, &pidfd, 1,
	               ENOTSUP);
	ok(gone_everywhere(leaf) && gone_everywhere(parent), "failed create removed its cgroups");
	expect_refusal("refused: update of a missing cgroup", IPC_CGROUP_UPDATE, leaf, 0, NULL,
	               NULL, 0, ENOENT);
	close(devnull);
}

static bool
read_proc_cgroup(pid_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return true;
}

/* An attach that fails half way (the cgroup2 leaf exists with a
 * controller enabled below it, so no process may join it: EBUSY) moves
 * the init back where it came from and removes what the create made. */
static void
test_attach_undo(void)
{
	struct cg_request req = {0};
	struct brig_err err = {0};
	char dir[192], before[4096], after[4096];
	pid_t child;
	int pidfd, fd;

	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified%s", parent);
	if (mkdir(dir, 0755) < 0)
		return;
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified%s", leaf);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified%s/cgroup.subtree_control", parent);
	fd = open(dir, O_WRONLY);
	if (fd >= 0 && write(fd, "+hugetlb", 8) == 8) {
		close(fd);
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified%s/cgroup.subtree_control", leaf);
		fd = open(dir, O_WRONLY);
	}
	if (fd < 0 || write(fd, "+hugetlb", 8) != 8) {
		printf("# cannot enable hugetlb below the test cgroup: attach undo test skipped\n");
	} else {
		child = start_child();
		pidfd = sys_pidfd_open(child, 0);
		read_proc_cgroup(child, before, sizeof(before));
		req.target.path = leaf;
		req.target.id = "c1";
		if (start_helper()) {
			ok(call(IPC_CGROUP_CREATE, &req, &pidfd, 1, NULL, &err) < 0 &&
			       err.errnum == EBUSY,
			   "attach refused by the cgroup2 leaf (EBUSY)");
			ipc_helper_finish(&helper);
		}
		ok(read_proc_cgroup(child, after, sizeof(after)) && strcmp(before, after) == 0,
		   "the init is back in its own cgroups");
		ok(!exists("memory", leaf) && !exists("cpu", leaf) && !exists("memory", parent),
		   "the v1 cgroups the create made are gone");
		ok(exists("unified", leaf), "the cgroup2 leaf it did not make stays");
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		close(pidfd);
	}
	if (fd >= 0)
		close(fd);
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified%s", leaf);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified%s", parent);
	rmdir(dir);
	cleanup_dirs();
}

/* A child that allocates 64 MiB in a cgroup limited to 32 MiB is
 * OOM-killed, and STATS counts it (what `brig events` reports). */
static void
test_oom(void)
{
	struct cg_request req = {0};
	struct brig_err err = {0};
	struct cg_stats st = {0};
	struct ipc_reader r;
	char path[128];
	uint8_t *data = NULL;
	uint32_t len = 0, depth = 0;
	int go[2], pidfd, rfd = -1, status = 0;
	pid_t child;

	if (pipe(go) < 0 || !start_helper())
		return;
	child = fork();
	if (child == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) == 1) {
			size_t n = 64u << 20;
			char *p = malloc(n);
			for (size_t i = 0; p != NULL && i < n; i += 4096)
				p[i] = 1;
		}
		_exit(0);
	}
	close(go[0]);
	pidfd = sys_pidfd_open(child, 0);
	snprintf(path, sizeof(path), "%s/oom", parent);
	req.target.path = path;
	req.target.id = "oom";
	req.res.present = 1;
	req.res.memory.has = CGM_LIMIT | CGM_SWAP;
	req.res.memory.limit = 32 << 20;
	req.res.memory.swap = 32 << 20;
	ok(call(IPC_CGROUP_CREATE, &req, &pidfd, 1, &rfd, &err) == 0, "oom: create");
	if (rfd >= 0 && cgmsg_read_reply(rfd, &data, &len, &err) == 0) {
		struct cg_created c = {0};
		ipc_reader_init(&r, data, len);
		if (cgmsg_decode_created(&r, &c, &err) == 0)
			depth = c.depth;
		free(data);
		data = NULL;
		close(rfd);
		rfd = -1;
	}
	if (write(go[1], "x", 1) != 1)
		kill(child, SIGKILL);
	close(go[1]);
	waitpid(child, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "oom: child OOM-killed");
	ok(call(IPC_CGROUP_STATS, &req, NULL, 0, &rfd, &err) == 0 && rfd >= 0 &&
	       cgmsg_read_reply(rfd, &data, &len, &err) == 0,
	   "oom: stats");
	if (data != NULL) {
		ipc_reader_init(&r, data, len);
		ok(cgmsg_decode_stats(&r, &st, &err) == 0 && st.oom_kill >= 1,
		   "oom: stats count the OOM kill");
		cgmsg_stats_free(&st);
		free(data);
	}
	if (rfd >= 0)
		close(rfd);
	req.target.created_depth = depth;
	ok(depth == 2 && call(IPC_CGROUP_DELETE, &req, NULL, 0, NULL, &err) == 0, "oom: delete");
	ok(gone_everywhere(path) && gone_everywhere(parent), "oom: cgroups gone");
	ipc_helper_finish(&helper);
	close(pidfd);
	snprintf(leaf, sizeof(leaf), "%s", path);
	cleanup_dirs();
	snprintf(leaf, sizeof(leaf), "%s/c1", parent);
}

/* The v2 device filter for real: attached to a cgroup of the cgroup2 mount
 * (which the hybrid layout has too), a child moved in tries to open
 * device nodes.  Rules: deny all, allow c 1:5 (zero) rw, allow c 1:3
 * (null) r only. */
static void
test_bpf(void)
{
	static struct cg_device_rule bpf_rules[3] = {
	    {0, 'a', -1, -1, "rwm"},
	    {1, 'c', 1, 5, "rw"},
	    {1, 'c', 1, 3, "r"},
	};
	static struct cg_device_rule allow_all = {1, 'a', -1, -1, "rwm"};
	char dir[128], pidbuf[32];
	struct cg_hier h = {0};
	struct brig_err err = {0};
	int go[2], status = 0, fd;
	pid_t child;

	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified%s-bpf", parent);
	if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) != 0 || mkdir(dir, 0755) < 0) {
		printf("# no cgroup2 mount at /sys/fs/cgroup/unified: bpf test skipped\n");
		return;
	}
	h.mnt = "unified";
	h.v2 = true;
	h.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok(cg_devices_bpf(&h, bpf_rules, 3, &err) == 0, "bpf: device program loaded and attached");
	if (err.msg[0])
		fprintf(stderr, "# %s\n", err.msg);
	if (pipe(go) < 0)
		return;
	child = fork();
	if (child == 0) {
		char c;
		int r = 0;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(100);
		if ((fd = open("/dev/zero", O_RDWR)) >= 0)
			r |= 1, close(fd);
		if ((fd = open("/dev/null", O_RDONLY)) >= 0)
			r |= 2, close(fd);
		if ((fd = open("/dev/null", O_WRONLY)) < 0 && errno == EPERM)
			r |= 4;
		else if (fd >= 0)
			close(fd);
		if ((fd = open("/dev/full", O_RDONLY)) < 0 && errno == EPERM)
			r |= 8;
		else if (fd >= 0)
			close(fd);
		_exit(r);
	}
	close(go[0]);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int) child);
	fd = openat(h.dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	ok(fd >= 0 && write(fd, pidbuf, strlen(pidbuf)) > 0, "bpf: child moved in");
	if (fd >= 0)
		close(fd);
	if (write(go[1], "x", 1) != 1)
		kill(child, SIGKILL);
	close(go[1]);
	waitpid(child, &status, 0);
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 1), "bpf: /dev/zero rw allowed");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 2), "bpf: /dev/null r allowed");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 4), "bpf: /dev/null w denied");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 8), "bpf: /dev/full denied");
	ok(cg_devices_bpf(&h, &allow_all, 1, &err) == 0, "bpf: replaced by an allow-all program");
	close(h.dirfd);
	ok(rmdir(dir) == 0, "bpf: test cgroup removed");
}

static void
test_end_to_end(void)
{
	struct cg_request req = {0};
	pid_t child;
	int pidfd;
	uint32_t depth = 0;

	child = start_child();
	if (child < 0) {
		ok(false, "fork");
		return;
	}
	pidfd = sys_pidfd_open(child, 0);
	ok(pidfd >= 0, "pidfd_open");
	test_refusals(pidfd);
	req.target.path = leaf;
	req.target.id = "c1";
	if (start_helper()) {
		test_create(child, pidfd, &req, &depth);
		test_update(&req);
		test_freeze(&req);
		test_stats_pids(&req, child);
		test_kill_delete(&req, child, depth);
		ok(ipc_helper_finish(&helper) == 0, "helper exits cleanly");
	}
	close(pidfd);
	if (kill(child, SIGKILL) == 0)
		waitpid(child, NULL, 0);
	cleanup_dirs();
	ok(gone_everywhere(parent), "no test cgroup left");
}

int
main(void)
{
	snprintf(parent, sizeof(parent), "/brig-test-%d", (int) getpid());
	snprintf(leaf, sizeof(leaf), "%s/c1", parent);
	test_conversions();
	test_codec();
	if (geteuid() != 0) {
		printf("# not root: end-to-end tests skipped\n");
		return t_failed ? 1 : 77;
	}
	helper_dir = getenv("BRIG_HELPER_DIR");
	if (helper_dir == NULL || access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) != 0) {
		printf("# BRIG_HELPER_DIR unset or no cgroup v1 memory hierarchy: skipped\n");
		return t_failed ? 1 : 77;
	}
	test_end_to_end();
	test_oom();
	test_attach_undo();
	test_bpf();
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
