/* cgroup.h - brig-cgroup's internal interfaces.
 *
 * A request names the container's cgroup by a path (struct cg_target);
 * layout.c finds the host's hierarchies (v1 controllers, the hybrid
 * cgroup2 mount at /sys/fs/cgroup/unified, or a pure cgroup2 tree) and
 * resolves that path in each one to a directory fd, component by
 * component with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), creating
 * components only for CREATE.  Everything else works on those fds.
 */
#ifndef BRIG_HELPERS_CGROUP_H
#define BRIG_HELPERS_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/cgroupmsg.h"
#include "lib/err.h"
#include "policy/policy.h"

/* Controllers, as bits of cg_hier.ctrls. */
enum cg_ctrl {
	CG_CPU = 1u << 0,
	CG_CPUACCT = 1u << 1,
	CG_CPUSET = 1u << 2,
	CG_MEMORY = 1u << 3,
	CG_DEVICES = 1u << 4,
	CG_FREEZER = 1u << 5,
	CG_BLKIO = 1u << 6, /* v2: io */
	CG_PIDS = 1u << 7,
	CG_HUGETLB = 1u << 8,
	CG_NET_CLS = 1u << 9,
	CG_NET_PRIO = 1u << 10,
	CG_RDMA = 1u << 11,
	CG_SYSTEMD = 1u << 12, /* v1 name=systemd: joined, no files written */
	CG_OTHER = 1u << 13,   /* perf_event, misc, ...: joined only */
};

struct cg_hier {
	char *mnt; /* mount point, for messages: "/sys/fs/cgroup/memory" */
	bool v2;
	uint32_t ctrls;   /* v1: the hierarchy's controllers; v2: those in cgroup.controllers */
	int rootfd;       /* O_PATH of the mount point */
	char *self;       /* the helper's own cgroup in it, from /proc/self/cgroup */
	int dirfd;        /* the container's cgroup (O_RDONLY|O_DIRECTORY), or -1 */
	uint32_t created; /* trailing components this call created */
	/* O_PATH fds of the walk: chain[0] the base (the mount point for an
	 * absolute path, our own cgroup for a relative one), chain[i] the
	 * i-th component of the container's path; kept for rmdir. */
	int chain[CGMSG_MAX_DEPTH + 1];
	unsigned nchain;
};

struct cg_layout {
	struct cg_hier *h;
	unsigned n;
	bool pure_v2;
	bool relative;               /* the path is relative to our own cgroup */
	char *path;                  /* the container's path as resolved, for messages */
	char *comp[CGMSG_MAX_DEPTH]; /* its components */
	unsigned ncomp;
};

/* layout.c */
int cg_layout_load(struct cg_layout *l, struct brig_err *err);
void cg_layout_free(struct cg_layout *l);
/* Resolve the target's cgroup in every hierarchy (CREATE: creating what is
 * missing, and recording it in created).  A hierarchy where it does not
 * exist is left with dirfd -1 unless CREATE. */
int cg_layout_open(struct cg_layout *l, const struct cg_target *t, bool create,
                   struct brig_err *err);
/* Remove the container's cgroup and the CREATED - 1 parents above it (if
 * empty) in every hierarchy; the leaf is retried while EBUSY. */
int cg_layout_remove(struct cg_layout *l, uint32_t created, struct brig_err *err);
/* The hierarchy holding controller C, or NULL. */
struct cg_hier *cg_find(struct cg_layout *l, uint32_t c);
/* The v2 hierarchy (pure or hybrid), or NULL. */
struct cg_hier *cg_unified(struct cg_layout *l);

/* files.c: reading and writing one cgroup file relative to a dir fd. */
int cg_write(struct cg_hier *h, const char *file, const char *value, struct brig_err *err);
/* Write only when the file's first line differs from VALUE. */
int cg_write_changed(struct cg_hier *h, const char *file, const char *value, struct brig_err *err);
/* Read a whole small file into BUF (NUL-terminated).  -1 with errno. */
int cg_read_at(int dirfd, const char *file, char *buf, size_t size);
int cg_read(struct cg_hier *h, const char *file, char *buf, size_t size);
/* "key value" line of a flat-keyed file; -1 when absent. */
int cg_read_key(struct cg_hier *h, const char *file, const char *key, uint64_t *v);
int cg_read_u64(struct cg_hier *h, const char *file, uint64_t *v);

/* apply.c / apply_io.c: write linux.resources, each value to the
 * hierarchy that holds its controller (v1 or v2 file names). */
int cg_apply(struct cg_layout *l, const struct cg_resources *r, bool create, struct brig_err *err);
int cg_apply_blkio(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err);
int cg_apply_misc(struct cg_layout *l, const struct cg_resources *r, struct brig_err *err);
/* v1 devices.allow / devices.deny in order. */
int cg_devices_v1(struct cg_hier *h, const struct cg_device_rule *rules, uint32_t n,
                  struct brig_err *err);

/* devices_bpf.c: the v2 device filter. */
int cg_devices_bpf(struct cg_hier *h, const struct cg_device_rule *rules, uint32_t n,
                   struct brig_err *err);

/* convert.c: the numbers runc and crun use. */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t weight);
/* memory.swap.max from the v1 memory+swap value: swap - limit. */
int cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out);
/* "2MB" -> "2MB" (v1 and v2 name hugetlb files the same way); false if bad. */
bool cg_pagesize_ok(const char *s);

/* ops.c */
/* The pid of a pidfd (checked to be one, of a live process), or -1. */
long cg_verify_pidfd(int fd, struct brig_err *err);
int cg_attach(struct cg_layout *l, int pidfd, struct brig_err *err);
int cg_freeze(struct cg_layout *l, bool freeze, struct brig_err *err);
int cg_kill(struct cg_layout *l, int sig, struct brig_err *err);
int cg_pids(struct cg_layout *l, struct cg_pids_reply *p, struct brig_err *err);

/* stats.c */
int cg_stats(struct cg_layout *l, struct cg_stats *s, struct brig_err *err);

/* caps.c */
int cg_caps_init(struct brig_err *err);

/* user.c: acting for an unprivileged caller (a privileged install). */
struct cg_user {
	bool active;              /* the peer is not root and we hold privilege */
	struct policy_subject who; /* from SO_PEERCRED / SO_PEERGROUPS */
	/* From the deciding cgroup.limit rule, read for each request: */
	char *root; /* "/brig-users" */
	bool has_memory, has_pids, has_cpus, has_max;
	uint64_t memory, pids, millicpus, max;
};
int cg_user_init(struct cg_user *u, bool privileged, struct brig_err *err);
void cg_user_free(struct cg_user *u);
/* Policy decision, allowed request types, the target rewritten to
 * <root>/<uid>/<name>, resources checked (and defaulted on CREATE). */
int cg_user_begin(struct cg_user *u, uint16_t type, struct cg_request *req, struct brig_err *err);
int cg_user_check_pidfd(const struct cg_user *u, int pidfd, struct brig_err *err);
int cg_user_lock(const struct cg_user *u, struct cg_layout *l, int *lockfd, struct brig_err *err);
int cg_user_created(const struct cg_user *u, struct cg_layout *l, struct brig_err *err);

#endif
