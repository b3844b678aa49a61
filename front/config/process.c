/* process.c - the "process" section: args, env, cwd, user, capabilities,
 * rlimits, and the scheduling and security knobs. */
#include "front/config/parse.h"

#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/xalloc.h"

/* Indexed by CAP_* number; names up to CAP_LAST_CAP of the headers we
 * were built with are accepted. */
static const char *const proc_cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

_Static_assert(sizeof(proc_cap_names) / sizeof(proc_cap_names[0]) >= CAP_LAST_CAP + 1,
               "capability name table shorter than CAP_LAST_CAP");

int
config_cap_number(const char *name)
{
	for (int i = 0; i <= CAP_LAST_CAP; i++)
		if (strcmp(proc_cap_names[i], name) == 0)
			return i;
	return -1;
}

struct proc_name_num {
	const char *name;
	int num;
};

static const struct proc_name_num proc_rlimits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

/* IOPRIO_CLASS_* of <linux/ioprio.h>, which older headers lack. */
static const struct proc_name_num proc_io_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

static const char *const proc_sched_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
    "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE",
};

static const char *const proc_sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",     "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int
proc_lookup(const struct proc_name_num *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].num;
	return -1;
}

static bool
proc_in_list(const char *const *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i], name) == 0)
			return true;
	return false;
}

static int
proc_cap_set(struct cfgp *p, yajl_val caps, const char *key, uint64_t *mask)
{
	struct cfg_strv names = {0};
	size_t old;
	int ret = 0;

	if (cfgp_strv(p, caps, key, false, false, &names) < 0)
		return -1;
	old = cfgp_push_key(p, key);
	for (size_t i = 0; i < names.n && ret == 0; i++) {
		int c;
		for (c = 0; c <= CAP_LAST_CAP; c++)
			if (strcmp(proc_cap_names[c], names.v[i]) == 0)
				break;
		if (c > CAP_LAST_CAP) {
			cfgp_push_index(p, i);
			ret = cfgp_fail_str(p, names.v[i], "unknown capability");
		} else {
			*mask |= UINT64_C(1) << c;
		}
	}
	cfg_strv_free(&names);
	if (ret == 0)
		cfgp_pop(p, old);
	return ret;
}

static int
proc_caps(struct cfgp *p, yajl_val proc, struct cfg_caps *out)
{
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
	                                   "ambient"};
	uint64_t *masks[] = {&out->bounding, &out->effective, &out->inheritable, &out->permitted,
	                     &out->ambient};
	yajl_val caps = NULL;
	size_t old;

	if (cfgp_object(p, proc, "capabilities", false, &caps) < 0)
		return -1;
	if (caps == NULL)
		return 0;
	out->present = true;
	old = cfgp_push_key(p, "capabilities");
	for (size_t i = 0; i < ARRAY_LEN(sets); i++)
		if (proc_cap_set(p, caps, sets[i], masks[i]) < 0)
			return -1;
	cfgp_pop(p, old);
	return 0;
}

static int
proc_user(struct cfgp *p, yajl_val proc, struct cfg_user *out)
{
	yajl_val user = NULL, gids = NULL;
	uint64_t n = 0;
	size_t old;

	if (cfgp_object(p, proc, "user", false, &user) < 0)
		return -1;
	if (user == NULL)
		return 0;
	old = cfgp_push_key(p, "user");
	/* (uid_t) -1 means "unchanged" to setresuid: not a usable id. */
	if (cfgp_u64(p, user, "uid", 0, UINT32_MAX - 1, &n, NULL) < 0)
		return -1;
	out->uid = (uid_t) n;
	n = 0;
	if (cfgp_u64(p, user, "gid", 0, UINT32_MAX - 1, &n, NULL) < 0)
		return -1;
	out->gid = (gid_t) n;
	if (cfgp_u64(p, user, "umask", 0, 0777, &n, &out->has_umask) < 0)
		return -1;
	if (out->has_umask)
		out->umask = (mode_t) n;
	if (cfgp_string(p, user, "username", false, &out->username) < 0 ||
	    cfgp_array(p, user, "additionalGids", false, &gids) < 0)
		return -1;
	if (gids != NULL) {
		size_t o2 = cfgp_push_key(p, "additionalGids");
		out->additional_gids = xcalloc(gids->u.array.len + 1, sizeof(gid_t));
		for (size_t i = 0; i < gids->u.array.len; i++) {
			size_t o3 = cfgp_push_index(p, i);
			if (cfgp_val_u64(p, gids->u.array.values[i], 0, UINT32_MAX - 1, &n) < 0)
				return -1;
			out->additional_gids[out->n_additional_gids++] = (gid_t) n;
			cfgp_pop(p, o3);
		}
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
proc_rlimit(struct cfgp *p, yajl_val rl, struct cfg_process *out)
{
	struct cfg_rlimit *r = &out->rlimits[out->n_rlimits];
	size_t old;

	if (!YAJL_IS_OBJECT(rl))
		return cfgp_fail(p, rl, "must be an object");
	if (cfgp_string(p, rl, "type", true, &r->type) < 0)
		return -1;
	out->n_rlimits++; /* owns r->type from here on, for config_free */
	old = cfgp_push_key(p, "type");
	r->resource = proc_lookup(proc_rlimits, ARRAY_LEN(proc_rlimits), r->type);
	if (r->resource < 0)
		return cfgp_fail_str(p, r->type, "unknown rlimit");
	for (size_t i = 0; i + 1 < out->n_rlimits; i++)
		if (out->rlimits[i].resource == r->resource)
			return cfgp_fail_str(p, r->type, "duplicate rlimit");
	cfgp_pop(p, old);
	if (cfgp_u64(p, rl, "soft", 0, UINT64_MAX, &r->soft, NULL) < 0 ||
	    cfgp_u64(p, rl, "hard", 0, UINT64_MAX, &r->hard, NULL) < 0)
		return -1;
	if (cfgp_member(rl, "soft") == NULL || cfgp_member(rl, "hard") == NULL) {
		cfgp_push_key(p, cfgp_member(rl, "soft") == NULL ? "soft" : "hard");
		return cfgp_fail(p, NULL, "required");
	}
	if (r->soft > r->hard) {
		cfgp_push_key(p, "soft");
		return cfgp_fail(p, cfgp_member(rl, "soft"), "greater than hard");
	}
	return 0;
}

static int
proc_rlimits_parse(struct cfgp *p, yajl_val proc, struct cfg_process *out)
{
	yajl_val arr = NULL;
	size_t old;

	if (cfgp_array(p, proc, "rlimits", false, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	old = cfgp_push_key(p, "rlimits");
	out->rlimits = xcalloc(arr->u.array.len + 1, sizeof(*out->rlimits));
	for (size_t i = 0; i < arr->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		if (proc_rlimit(p, arr->u.array.values[i], out) < 0)
			return -1;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
proc_env(struct cfgp *p, yajl_val proc, struct cfg_strv *env)
{
	size_t old;

	if (cfgp_strv(p, proc, "env", false, false, env) < 0)
		return -1;
	old = cfgp_push_key(p, "env");
	for (size_t i = 0; i < env->n; i++) {
		const char *eq = strchr(env->v[i], '=');
		if (eq == NULL || eq == env->v[i]) {
			cfgp_push_index(p, i);
			return cfgp_fail_str(p, env->v[i], "must be NAME=VALUE");
		}
	}
	cfgp_pop(p, old);
	return 0;
}

static int
proc_console(struct cfgp *p, yajl_val proc, struct cfg_process *out)
{
	yajl_val cs = NULL;
	uint64_t h = 0, w = 0;
	size_t old;

	if (cfgp_bool(p, proc, "terminal", &out->terminal, NULL) < 0 ||
	    cfgp_object(p, proc, "consoleSize", false, &cs) < 0)
		return -1;
	if (cs == NULL)
		return 0;
	old = cfgp_push_key(p, "consoleSize");
	if (cfgp_member(cs, "height") == NULL || cfgp_member(cs, "width") == NULL) {
		cfgp_push_key(p, cfgp_member(cs, "height") == NULL ? "height" : "width");
		return cfgp_fail(p, NULL, "required");
	}
	if (cfgp_u64(p, cs, "height", 0, UINT16_MAX, &h, NULL) < 0 ||
	    cfgp_u64(p, cs, "width", 0, UINT16_MAX, &w, NULL) < 0)
		return -1;
	out->console_height = (unsigned) h;
	out->console_width = (unsigned) w;
	cfgp_pop(p, old);
	return 0;
}

static int
proc_io_priority(struct cfgp *p, yajl_val proc, struct cfg_process *out)
{
	yajl_val io = NULL;
	char *cls = NULL;
	uint64_t prio = 0;
	size_t old;

	if (cfgp_object(p, proc, "ioPriority", false, &io) < 0)
		return -1;
	if (io == NULL)
		return 0;
	old = cfgp_push_key(p, "ioPriority");
	if (cfgp_string(p, io, "class", true, &cls) < 0)
		return -1;
	out->io_priority_class = proc_lookup(proc_io_classes, ARRAY_LEN(proc_io_classes), cls);
	if (out->io_priority_class < 0) {
		cfgp_push_key(p, "class");
		cfgp_fail_str(p, cls, "unknown class");
		free(cls);
		return -1;
	}
	free(cls);
	if (cfgp_u64(p, io, "priority", 0, 7, &prio, NULL) < 0)
		return -1;
	out->io_priority = (int) prio;
	out->has_io_priority = true;
	cfgp_pop(p, old);
	return 0;
}

/* Only validated: nothing in struct cfg_process carries it yet. */
static int
proc_scheduler(struct cfgp *p, yajl_val proc)
{
	struct cfg_strv flags = {0};
	yajl_val s = NULL, pol;
	uint64_t u;
	int64_t i;
	size_t old, o2;

	if (cfgp_object(p, proc, "scheduler", false, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	old = cfgp_push_key(p, "scheduler");
	pol = cfgp_member(s, "policy");
	o2 = cfgp_push_key(p, "policy");
	if (pol == NULL)
		return cfgp_fail(p, NULL, "required");
	if (!YAJL_IS_STRING(pol) ||
	    !proc_in_list(proc_sched_policies, ARRAY_LEN(proc_sched_policies), pol->u.string))
		return cfgp_fail(p, pol, "unknown scheduler policy");
	cfgp_pop(p, o2);
	if (cfgp_i64(p, s, "nice", -20, 19, &i, NULL) < 0 ||
	    cfgp_i64(p, s, "priority", INT32_MIN, INT32_MAX, &i, NULL) < 0 ||
	    cfgp_u64(p, s, "runtime", 0, UINT64_MAX, &u, NULL) < 0 ||
	    cfgp_u64(p, s, "deadline", 0, UINT64_MAX, &u, NULL) < 0 ||
	    cfgp_u64(p, s, "period", 0, UINT64_MAX, &u, NULL) < 0 ||
	    cfgp_strv(p, s, "flags", false, false, &flags) < 0)
		return -1;
	for (size_t k = 0; k < flags.n; k++) {
		if (!proc_in_list(proc_sched_flags, ARRAY_LEN(proc_sched_flags), flags.v[k])) {
			cfgp_push_key(p, "flags");
			cfgp_push_index(p, k);
			cfgp_fail_str(p, flags.v[k], "unknown scheduler flag");
			cfg_strv_free(&flags);
			return -1;
		}
	}
	cfg_strv_free(&flags);
	cfgp_pop(p, old);
	return 0;
}

static int
proc_cpu_affinity(struct cfgp *p, yajl_val proc)
{
	yajl_val a = NULL;
	char *s = NULL;
	size_t old;
	int ret;

	if (cfgp_object(p, proc, "execCPUAffinity", false, &a) < 0)
		return -1;
	if (a == NULL)
		return 0;
	old = cfgp_push_key(p, "execCPUAffinity");
	ret = cfgp_cpulist(p, a, "initial", &s);
	free(s);
	s = NULL;
	if (ret == 0)
		ret = cfgp_cpulist(p, a, "final", &s);
	free(s);
	if (ret == 0)
		cfgp_pop(p, old);
	return ret;
}

static int
proc_misc(struct cfgp *p, yajl_val proc, struct cfg_process *out)
{
	int64_t oom = 0;

	if (cfgp_bool(p, proc, "noNewPrivileges", &out->no_new_privileges, NULL) < 0 ||
	    cfgp_string(p, proc, "apparmorProfile", false, &out->apparmor_profile) < 0 ||
	    cfgp_string(p, proc, "selinuxLabel", false, &out->selinux_label) < 0 ||
	    cfgp_string(p, proc, "commandLine", false, &out->command_line) < 0 ||
	    cfgp_i64(p, proc, "oomScoreAdj", -1000, 1000, &oom, &out->has_oom_score_adj) < 0)
		return -1;
	out->oom_score_adj = (int) oom;
	return 0;
}

int
cfgp_process(struct cfgp *p, yajl_val proc, struct cfg_process *out)
{
	size_t old = cfgp_push_key(p, "process");

	out->present = true;
	if (proc_console(p, proc, out) < 0 || proc_user(p, proc, &out->user) < 0 ||
	    cfgp_strv(p, proc, "args", true, true, &out->args) < 0 ||
	    proc_env(p, proc, &out->env) < 0 || cfgp_abspath(p, proc, "cwd", true, &out->cwd) < 0 ||
	    proc_caps(p, proc, &out->caps) < 0 || proc_rlimits_parse(p, proc, out) < 0 ||
	    proc_misc(p, proc, out) < 0 || proc_io_priority(p, proc, out) < 0 ||
	    proc_scheduler(p, proc) < 0 || proc_cpu_affinity(p, proc) < 0)
		return -1;
	cfgp_pop(p, old);
	return 0;
}
