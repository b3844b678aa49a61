/* cgroupmsg.h - the requests brig sends to brig-cgroup, and its replies.
 *
 * Every request names the container's cgroup the same way (struct
 * cg_target): the front stores what it sent at create in its state and
 * sends it again on every later call; the helper re-resolves and re-checks
 * it each time, it keeps nothing between sessions.
 *
 *   IPC_CGROUP_CREATE  fds [pidfd of the init]  target + resources
 *                      reply fds [memfd: struct cg_created]
 *   IPC_CGROUP_UPDATE  0 fds  target + resources        reply: none
 *   IPC_CGROUP_FREEZE  0 fds  target (returns once frozen)
 *   IPC_CGROUP_THAW    0 fds  target
 *   IPC_CGROUP_STATS   0 fds  target   reply fds [memfd: struct cg_stats]
 *   IPC_CGROUP_PIDS    0 fds  target   reply fds [memfd: struct cg_pids]
 *   IPC_CGROUP_KILL    0 fds  target + signal
 *   IPC_CGROUP_DELETE  0 fds  target (target.created_depth from CREATE)
 *
 * Replies with data: an IPC reply carries only an errno and a message, so
 * a successful CREATE/STATS/PIDS reply carries one fd, a memfd holding the
 * codec-encoded reply struct (at most CGMSG_REPLY_MAX bytes).  The front
 * reads it with cgmsg_read_reply() and decodes it with the matching
 * cgmsg_decode_*(); ipc_call's max_reply_fds must be 1 for those types.
 *
 * Resources mirror front/config.h's struct cfg_resources with fixed-width
 * fields; a "has" bit says a value was given (absent = leave the kernel's
 * value alone).  The front converts; the helper checks every field again.
 */
#ifndef BRIG_IPC_CGROUPMSG_H
#define BRIG_IPC_CGROUPMSG_H

#include <stdint.h>

#include "ipc/codec.h"
#include "lib/err.h"

/* ---- the container's cgroup ---- */

/* cg_target.flags */
#define CGT_SYSTEMD (1u << 0) /* --systemd-cgroup / "slice:prefix:name": refused */
#define CGT_FLAGS_ALL ((1u << 1) - 1)

struct cg_target {
	/* linux.cgroupsPath as written: "/a/b" is relative to each hierarchy's
	 * root, "a/b" to the helper's own cgroup (= brig's) in each hierarchy;
	 * NULL means runc's default "/<id>".  No "..", "." or empty
	 * components, at most CGMSG_MAX_DEPTH of them. */
	char *path;
	char *id;               /* container id: [A-Za-z0-9_+.-], no "." or ".." */
	uint32_t flags;         /* CGT_* */
	uint32_t created_depth; /* DELETE only: struct cg_created.depth of CREATE */
};

#define CGMSG_MAX_DEPTH 32u

/* ---- linux.resources ---- */

struct cg_device_rule {
	uint32_t allow;       /* 1 allow, 0 deny */
	uint32_t type;        /* 'a', 'c' or 'b' */
	int64_t major, minor; /* -1: wildcard */
	char *access;         /* non-empty subset of "rwm" */
};

/* cg_memory.has */
#define CGM_LIMIT (1u << 0)
#define CGM_RESERVATION (1u << 1)
#define CGM_SWAP (1u << 2)
#define CGM_KERNEL (1u << 3)
#define CGM_KERNEL_TCP (1u << 4)
#define CGM_SWAPPINESS (1u << 5)
#define CGM_DISABLE_OOM_KILLER (1u << 6)
#define CGM_USE_HIERARCHY (1u << 7)
#define CGM_CHECK_BEFORE_UPDATE (1u << 8)
#define CGM_ALL ((1u << 9) - 1)

struct cg_memory {
	uint32_t has;
	int64_t limit, reservation, swap, kernel, kernel_tcp;            /* bytes; -1 unlimited */
	uint64_t swappiness;                                             /* 0..100 */
	uint32_t disable_oom_killer, use_hierarchy, check_before_update; /* 0/1 */
};

/* cg_cpu.has (cpus/mems are present when non-NULL) */
#define CGC_SHARES (1u << 0)
#define CGC_QUOTA (1u << 1)
#define CGC_BURST (1u << 2)
#define CGC_PERIOD (1u << 3)
#define CGC_RT_RUNTIME (1u << 4)
#define CGC_RT_PERIOD (1u << 5)
#define CGC_IDLE (1u << 6)
#define CGC_ALL ((1u << 7) - 1)

struct cg_cpu {
	uint32_t has;
	uint64_t shares, burst, period, realtime_period;
	int64_t quota, realtime_runtime, idle; /* quota -1: unlimited */
	char *cpus, *mems;                     /* "0-3,5" lists or NULL */
};

struct cg_pids {
	uint32_t has;  /* 1: limit given */
	int64_t limit; /* <= 0: unlimited ("max"), as runc */
};

struct cg_weight_device {
	int64_t major, minor;
	uint32_t has_weight, has_leaf_weight;
	uint32_t weight, leaf_weight; /* 10..1000 */
};

struct cg_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

/* cg_blkio.has */
#define CGB_WEIGHT (1u << 0)
#define CGB_LEAF_WEIGHT (1u << 1)

struct cg_blkio {
	uint32_t has;
	uint32_t weight, leaf_weight; /* 10..1000 */
	uint32_t n_weight_device;
	struct cg_weight_device *weight_device;
	/* throttle[CG_THR_*] */
	uint32_t n_throttle[4];
	struct cg_throttle_device *throttle[4];
};

enum cg_throttle_kind {
	CG_THR_READ_BPS = 0,
	CG_THR_WRITE_BPS = 1,
	CG_THR_READ_IOPS = 2,
	CG_THR_WRITE_IOPS = 3,
};

struct cg_hugepage {
	char *page_size; /* "2MB", "1GB", "64KB" */
	uint64_t limit;
};

struct cg_net_priority {
	char *name; /* interface name */
	uint32_t priority;
};

struct cg_rdma {
	char *device;
	uint32_t has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct cg_kv {
	char *key, *value;
};

struct cg_resources {
	uint32_t present; /* 0: linux.resources absent, nothing is written */
	uint32_t n_devices;
	struct cg_device_rule *devices;
	struct cg_memory memory;
	struct cg_cpu cpu;
	struct cg_pids pids;
	struct cg_blkio blkio;
	uint32_t n_hugepages;
	struct cg_hugepage *hugepages;
	uint32_t has_class_id, class_id;
	uint32_t n_priorities;
	struct cg_net_priority *priorities;
	uint32_t n_rdma;
	struct cg_rdma *rdma;
	uint32_t n_unified;
	struct cg_kv *unified; /* v2 "controller.file" = value, written verbatim */
};

#define CGMSG_MAX_LIST 1024u

/* ---- requests ---- */

struct cg_request {
	struct cg_target target;
	struct cg_resources res; /* CREATE, UPDATE */
	uint32_t signal;         /* KILL: 1..64 */
};

/* Encode REQ as the payload of a request of TYPE (an IPC_CGROUP_*). */
void cgmsg_encode(struct ipc_writer *w, uint16_t type, const struct cg_request *req);
/* Decode into REQ (zeroed by the caller); on failure REQ is freed. */
int cgmsg_decode(struct ipc_reader *r, uint16_t type, struct cg_request *req, struct brig_err *err);
/* The helper's check of every field; the front's validation does not count. */
int cgmsg_check(uint16_t type, const struct cg_request *req, struct brig_err *err);
void cgmsg_free(struct cg_request *req);

/* ---- replies (in a memfd) ---- */

/* CREATE: how many trailing components of the path this call created
 * (in the hierarchy where it created most).  0: the cgroup existed and
 * was joined, DELETE will leave it.  Store it; send it back on DELETE. */
struct cg_created {
	uint32_t depth;
	/* PREPARE only: the reply's fds after the memfd are first the
	 * container's cgroup2 directory (when has_v2_dir: the front clones the
	 * init into it with CLONE_INTO_CGROUP), then n_tasks "tasks" files of
	 * its v1 hierarchies, opened for writing: the init writes "0" to each,
	 * moving itself.  Both ways skip the kernel's global threadgroup lock,
	 * whose first taker waits for an RCU grace period (~10 ms here). */
	uint32_t has_v2_dir;
	uint32_t n_tasks;
};

struct cg_blkio_entry {
	uint32_t major, minor;
	char *op; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
	uint64_t value;
};

struct cg_hugetlb_stat {
	char *page_size; /* "2MB" */
	uint64_t usage, max, failcnt;
};

struct cg_mem_usage {
	uint64_t usage, max, limit, failcnt;
};

struct cg_stat_kv {
	char *key;
	uint64_t value;
};

struct cg_stats {
	/* cpu (nanoseconds) */
	uint64_t cpu_total, cpu_user, cpu_kernel;
	uint32_t n_percpu;
	uint64_t *percpu;
	uint64_t throttle_periods, throttled_periods, throttled_time;
	/* memory: usage/max/limit/failcnt of memory, memory+swap, kernel,
	 * kernel tcp (v1 files; v2 fills what it has, 0 otherwise) */
	struct cg_mem_usage mem, swap, kernel, kernel_tcp;
	uint64_t mem_cache;
	uint32_t n_mem_raw;
	struct cg_stat_kv *mem_raw;    /* memory.stat, as runc's "raw" */
	uint64_t oom_events, oom_kill; /* memory.events oom / oom_kill (v1: oom_control) */
	/* pids */
	uint64_t pids_current, pids_limit; /* limit 0: "max" */
	/* blkio (v1 throttle.io_service*_recursive; v2 io.stat) */
	uint32_t n_io_bytes, n_io_ops;
	struct cg_blkio_entry *io_bytes, *io_ops;
	uint32_t n_hugetlb;
	struct cg_hugetlb_stat *hugetlb;
};

#define CGMSG_MAX_PIDS 65536u

struct cg_pids_reply {
	uint32_t n;
	int32_t *pids;
};

void cgmsg_encode_created(struct ipc_writer *w, const struct cg_created *c);
int cgmsg_decode_created(struct ipc_reader *r, struct cg_created *c, struct brig_err *err);
void cgmsg_encode_stats(struct ipc_writer *w, const struct cg_stats *s);
int cgmsg_decode_stats(struct ipc_reader *r, struct cg_stats *s, struct brig_err *err);
void cgmsg_stats_free(struct cg_stats *s);
void cgmsg_encode_pids(struct ipc_writer *w, const struct cg_pids_reply *p);
int cgmsg_decode_pids(struct ipc_reader *r, struct cg_pids_reply *p, struct brig_err *err);
void cgmsg_pids_free(struct cg_pids_reply *p);

#define CGMSG_REPLY_MAX IPC_MAX_PAYLOAD

/* Helper side: put W's bytes in a new memfd (positioned at 0) for the
 * reply.  Returns the fd or -1 with ERR set. */
int cgmsg_reply_memfd(const struct ipc_writer *w, struct brig_err *err);
/* Front side: read a reply memfd into *BUF (malloc'd, *LEN bytes); checks
 * it is a regular file of at most CGMSG_REPLY_MAX bytes. */
int cgmsg_read_reply(int fd, uint8_t **buf, uint32_t *len, struct brig_err *err);

#endif
