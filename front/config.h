/* config.h - typed form of an OCI runtime-spec 1.2 config.json (Linux part).
 *
 * The front parses config.json once with yajl (config_parse.c and friends),
 * validates every field it knows, and hands the rest of brig this struct.
 * Helpers never see JSON: they receive plans built from this struct.
 *
 * Conventions: strings are heap-allocated and NUL-terminated; arrays are a
 * pointer plus an explicit count; "has_x" flags tell an absent optional
 * number from a zero one.  config_free() releases everything.
 */
#ifndef BRIG_CONFIG_H
#define BRIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

struct cfg_strv {
	char **v;
	size_t n;
};

struct cfg_rlimit {
	int resource; /* RLIMIT_* */
	char *type;   /* as written, e.g. "RLIMIT_NOFILE" */
	uint64_t soft, hard;
};

/* Capability sets as bit masks indexed by CAP_* numbers (0..63). */
struct cfg_caps {
	bool present;
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct cfg_user {
	uid_t uid;
	gid_t gid;
	bool has_umask;
	mode_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* not used on Linux, kept for completeness */
};

struct cfg_process {
	bool present;
	bool terminal;
	unsigned console_height, console_width;
	struct cfg_user user;
	struct cfg_strv args;
	char *command_line; /* Windows only; ignored */
	struct cfg_strv env;
	char *cwd;
	struct cfg_caps caps;
	struct cfg_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
	/* scheduler, ioPriority, execCPUAffinity: parsed and validated */
	bool has_io_priority;
	int io_priority_class; /* IOPRIO_CLASS_* */
	int io_priority;
};

struct cfg_root {
	char *path;
	bool readonly;
};

/* Mount options are turned into flags by the parser (mount_options.c). */
enum cfg_mount_kind {
	CFG_MOUNT_FS = 0,    /* a filesystem: tmpfs, proc, sysfs, ... */
	CFG_MOUNT_BIND = 1,  /* bind */
	CFG_MOUNT_RBIND = 2, /* recursive bind */
};

struct cfg_mount {
	char *destination;
	char *type;   /* may be NULL for bind mounts */
	char *source; /* may be NULL */
	struct cfg_strv options; /* as written */
	enum cfg_mount_kind kind;
	uint64_t attr_set; /* MOUNT_ATTR_* to set (ro, nosuid, nodev, noexec, ...) */
	uint64_t attr_clr; /* MOUNT_ATTR_* to clear (rw, suid, dev, exec, ...) */
	unsigned long propagation; /* 0 or MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE */
	bool propagation_recursive;
	char *data; /* filesystem options left for fsconfig, comma-separated, or NULL */
	struct cfg_strv uid_mappings_raw; /* idmapped mounts: kept for later issues */
};

struct cfg_hook {
	char *path;
	struct cfg_strv args;
	struct cfg_strv env;
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

struct cfg_hooks {
	struct cfg_hook *prestart, *create_runtime, *create_container, *start_container,
		*poststart, *poststop;
	size_t n_prestart, n_create_runtime, n_create_container, n_start_container,
		n_poststart, n_poststop;
};

enum cfg_ns_type {
	CFG_NS_PID,
	CFG_NS_NETWORK,
	CFG_NS_MOUNT,
	CFG_NS_IPC,
	CFG_NS_UTS,
	CFG_NS_USER,
	CFG_NS_CGROUP,
	CFG_NS_TIME,
	CFG_NS_COUNT
};

struct cfg_namespace {
	enum cfg_ns_type type;
	int clone_flag; /* CLONE_NEW* */
	char *path;     /* NULL: create a new one */
};

struct cfg_idmap {
	uint32_t container_id, host_id, size;
};

struct cfg_device {
	char *path;
	char type; /* 'c', 'b', 'u' (treated as 'c') or 'p' */
	int64_t major, minor;
	bool has_file_mode;
	mode_t file_mode;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
};

struct cfg_sysctl {
	char *key, *value;
};

/* linux.resources: parsed and validated now, applied by brig-cgroup later. */
struct cfg_device_rule {
	bool allow;
	char type; /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1: wildcard */
	char *access;         /* subset of "rwm" */
};

struct cfg_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct cfg_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct cfg_hugepage {
	char *page_size;
	uint64_t limit;
};

struct cfg_net_priority {
	char *name;
	uint32_t priority;
};

struct cfg_rdma {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct cfg_kv {
	char *key, *value;
};

struct cfg_resources {
	bool present;
	struct cfg_device_rule *devices;
	size_t n_devices;
	struct {
		bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp,
			has_swappiness, has_disable_oom_killer, has_use_hierarchy,
			has_check_before_update;
		int64_t limit, reservation, swap, kernel, kernel_tcp;
		uint64_t swappiness;
		bool disable_oom_killer, use_hierarchy, check_before_update;
	} memory;
	struct {
		bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
			has_realtime_period, has_idle;
		uint64_t shares, burst, period, realtime_period;
		int64_t quota, realtime_runtime, idle;
		char *cpus, *mems;
	} cpu;
	struct {
		bool has_limit;
		int64_t limit;
	} pids;
	struct {
		bool has_weight, has_leaf_weight;
		uint16_t weight, leaf_weight;
		struct cfg_weight_device *weight_device;
		size_t n_weight_device;
		struct cfg_throttle_device *throttle_read_bps, *throttle_write_bps,
			*throttle_read_iops, *throttle_write_iops;
		size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops,
			n_throttle_write_iops;
	} block_io;
	struct cfg_hugepage *hugepage_limits;
	size_t n_hugepage_limits;
	struct {
		bool has_class_id;
		uint32_t class_id;
		struct cfg_net_priority *priorities;
		size_t n_priorities;
	} network;
	struct cfg_rdma *rdma;
	size_t n_rdma;
	struct cfg_kv *unified;
	size_t n_unified;
};

/* linux.seccomp: parsed and validated now, compiled by brig-seccomp later. */
struct cfg_seccomp_arg {
	uint32_t index;
	uint64_t value, value_two;
	int op; /* SCMP_CMP_* numbering: 1 NE, 2 LT, 3 LE, 4 EQ, 5 GE, 6 GT, 7 MASKED_EQ */
};

struct cfg_seccomp_syscall {
	struct cfg_strv names;
	uint32_t action; /* SCMP_ACT_* base value (without errno) */
	bool has_errno_ret;
	uint32_t errno_ret;
	struct cfg_seccomp_arg *args;
	size_t n_args;
};

struct cfg_seccomp {
	bool present;
	uint32_t default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct cfg_strv architectures; /* as written: SCMP_ARCH_X86_64, ... */
	struct cfg_strv flags;         /* as written: SECCOMP_FILTER_FLAG_* */
	char *listener_path;
	char *listener_metadata;
	struct cfg_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct cfg_net_device {
	char *host_name; /* the key in linux.netDevices */
	char *name;      /* new name inside the container, or NULL */
};

struct cfg_time_offset {
	char *clock; /* "monotonic" or "boottime" */
	int64_t secs;
	uint32_t nanosecs;
};

struct cfg_linux {
	struct cfg_namespace namespaces[CFG_NS_COUNT];
	size_t n_namespaces;
	struct cfg_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct cfg_sysctl *sysctl;
	size_t n_sysctl;
	struct cfg_resources resources;
	char *cgroups_path;
	struct cfg_device *devices;
	size_t n_devices;
	unsigned long rootfs_propagation; /* MS_* | MS_REC, 0 if absent */
	struct cfg_strv masked_paths, readonly_paths;
	struct cfg_seccomp seccomp;
	char *mount_label;
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
	struct cfg_strv personality_flags;
	struct cfg_time_offset *time_offsets;
	size_t n_time_offsets;
	bool has_intel_rdt;
	char *intel_rdt_clos_id;
	struct cfg_net_device *net_devices;
	size_t n_net_devices;
};

struct config {
	char *oci_version;
	struct cfg_process process;
	struct cfg_root root;
	char *hostname;
	char *domainname;
	struct cfg_mount *mounts;
	size_t n_mounts;
	struct cfg_hooks hooks;
	struct cfg_kv *annotations;
	size_t n_annotations;
	struct cfg_linux linux;
};

/* Parse and validate config.json held in BUF (LEN bytes, NUL-terminated).
 * On error, ERR names the JSON path and the bad value, e.g.
 * "config.json: linux.namespaces[2].type: unknown namespace \"foo\"". */
int config_parse(const char *buf, size_t len, struct config **out, struct brig_err *err);

/* Read BUNDLE/config.json (through a directory fd, no path joins) and parse. */
int config_load(int bundle_dirfd, struct config **out, struct brig_err *err);

void config_free(struct config *cfg);

/* A linux.resources object on its own (brig update -r FILE). */
int config_parse_resources(const char *buf, size_t len, struct cfg_resources *out,
			   struct brig_err *err);
void config_free_resources(struct cfg_resources *r);

/* A process object on its own (brig exec -p FILE); errors name it as
 * "config.json: process...." like the process of a config. */
int config_parse_process(const char *buf, size_t len, struct cfg_process *out,
			 struct brig_err *err);
void config_free_process(struct cfg_process *p);

/* CAP_NAME -> its number, or -1 (names as in process.capabilities). */
int config_cap_number(const char *name);

/* Lookups used by the rest of the front. */
const struct cfg_namespace *config_namespace(const struct config *cfg, enum cfg_ns_type t);
const char *config_annotation(const struct config *cfg, const char *key);

#endif
