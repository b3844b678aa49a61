/* seccomp.c - linux.seccomp: parsed and validated here, compiled by
 * brig-seccomp later.  Unknown syscall names are not an error: a profile
 * written for a newer kernel names syscalls this one lacks, and the
 * compiler skips them, as runc and crun do. */
#include "front/config/parse.h"

#include <ctype.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	uint32_t action;
} sc_actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct {
	const char *name;
	int op;
} sc_ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static const char *const sc_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* The errno or tracer value travels in the low 16 bits of the action. */
#define SC_RET_MAX 0xffff

static int
sc_action(struct cfgp *p, yajl_val obj, const char *key, uint32_t *out)
{
	yajl_val v = cfgp_member(obj, key);
	size_t old = cfgp_push_key(p, key);

	if (v == NULL)
		return cfgp_fail(p, NULL, "required");
	if (YAJL_IS_STRING(v))
		for (size_t i = 0; i < ARRAY_LEN(sc_actions); i++)
			if (strcmp(sc_actions[i].name, v->u.string) == 0) {
				*out = sc_actions[i].action;
				cfgp_pop(p, old);
				return 0;
			}
	return cfgp_fail(p, v, "unknown seccomp action");
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64". */
static bool
sc_arch_known(const char *name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char low[32];
	size_t n;

	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return false;
	name += sizeof(prefix) - 1;
	n = strlen(name);
	if (n == 0 || n >= sizeof(low))
		return false;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char) tolower((unsigned char) name[i]);
	return seccomp_arch_resolve_name(low) != 0;
}

static int
sc_names(struct cfgp *p, yajl_val obj, const char *key, bool (*ok)(const char *), const char *what,
         struct cfg_strv *out)
{
	size_t old;

	if (cfgp_strv(p, obj, key, false, false, out) < 0)
		return -1;
	old = cfgp_push_key(p, key);
	for (size_t i = 0; i < out->n; i++) {
		if (!ok(out->v[i])) {
			cfgp_push_index(p, i);
			return cfgp_fail_str(p, out->v[i], "unknown %s", what);
		}
	}
	cfgp_pop(p, old);
	return 0;
}

static bool
sc_flag_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(sc_flags); i++)
		if (strcmp(sc_flags[i], name) == 0)
			return true;
	return false;
}

static int
sc_arg(struct cfgp *p, yajl_val v, struct cfg_seccomp_arg *a)
{
	static const char *const required[] = {"index", "value", "op"};
	uint64_t idx = 0;
	yajl_val op;
	size_t old;

	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	for (size_t i = 0; i < ARRAY_LEN(required); i++) {
		if (cfgp_member(v, required[i]) == NULL) {
			cfgp_push_key(p, required[i]);
			return cfgp_fail(p, NULL, "required");
		}
	}
	if (cfgp_u64(p, v, "index", 0, 5, &idx, NULL) < 0 ||
	    cfgp_u64(p, v, "value", 0, UINT64_MAX, &a->value, NULL) < 0 ||
	    cfgp_u64(p, v, "valueTwo", 0, UINT64_MAX, &a->value_two, NULL) < 0)
		return -1;
	a->index = (uint32_t) idx;
	op = cfgp_member(v, "op");
	old = cfgp_push_key(p, "op");
	if (YAJL_IS_STRING(op))
		for (size_t i = 0; i < ARRAY_LEN(sc_ops); i++)
			if (strcmp(sc_ops[i].name, op->u.string) == 0) {
				a->op = sc_ops[i].op;
				cfgp_pop(p, old);
				return 0;
			}
	return cfgp_fail(p, op, "unknown seccomp operator");
}

static int
sc_syscall(struct cfgp *p, yajl_val v, struct cfg_seccomp_syscall *s)
{
	yajl_val args = NULL;
	uint64_t ret = 0;
	size_t old;

	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	if (cfgp_strv(p, v, "names", true, true, &s->names) < 0 ||
	    sc_action(p, v, "action", &s->action) < 0 ||
	    cfgp_u64(p, v, "errnoRet", 0, SC_RET_MAX, &ret, &s->has_errno_ret) < 0 ||
	    cfgp_array(p, v, "args", false, &args) < 0)
		return -1;
	s->errno_ret = (uint32_t) ret;
	if (args == NULL)
		return 0;
	old = cfgp_push_key(p, "args");
	s->args = xcalloc(args->u.array.len + 1, sizeof(*s->args));
	for (size_t i = 0; i < args->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		if (sc_arg(p, args->u.array.values[i], &s->args[i]) < 0)
			return -1;
		s->n_args++;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
sc_syscalls(struct cfgp *p, yajl_val sc, struct cfg_seccomp *out)
{
	yajl_val arr = NULL;
	size_t old;

	if (cfgp_array(p, sc, "syscalls", false, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	old = cfgp_push_key(p, "syscalls");
	out->syscalls = xcalloc(arr->u.array.len + 1, sizeof(*out->syscalls));
	for (size_t i = 0; i < arr->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		out->n_syscalls++; /* counted first, so config_free sees partial work */
		if (sc_syscall(p, arr->u.array.values[i], &out->syscalls[i]) < 0)
			return -1;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

int
cfgp_seccomp(struct cfgp *p, yajl_val sc, struct cfg_seccomp *out)
{
	size_t old = cfgp_push_key(p, "seccomp");
	uint64_t ret = 0;

	out->present = true;
	if (sc_action(p, sc, "defaultAction", &out->default_action) < 0 ||
	    cfgp_u64(p, sc, "defaultErrnoRet", 0, SC_RET_MAX, &ret, &out->has_default_errno_ret) <
	        0 ||
	    sc_names(p, sc, "architectures", sc_arch_known, "architecture", &out->architectures) <
	        0 ||
	    sc_names(p, sc, "flags", sc_flag_known, "seccomp flag", &out->flags) < 0 ||
	    cfgp_abspath(p, sc, "listenerPath", false, &out->listener_path) < 0 ||
	    cfgp_string(p, sc, "listenerMetadata", false, &out->listener_metadata) < 0 ||
	    sc_syscalls(p, sc, out) < 0)
		return -1;
	out->default_errno_ret = (uint32_t) ret;
	cfgp_pop(p, old);
	return 0;
}
