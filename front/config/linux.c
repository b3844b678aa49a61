/* linux.c - the "linux" section: namespaces, id mappings, sysctl, devices,
 * propagation, masked/readonly paths, personality, time offsets, intelRdt,
 * netDevices.  resources and seccomp have their own files. */
#include "front/config/parse.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "lib/xalloc.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	enum cfg_ns_type type;
	int flag;
} lx_ns_table[] = {
    {"pid", CFG_NS_PID, CLONE_NEWPID},          {"network", CFG_NS_NETWORK, CLONE_NEWNET},
    {"mount", CFG_NS_MOUNT, CLONE_NEWNS},       {"ipc", CFG_NS_IPC, CLONE_NEWIPC},
    {"uts", CFG_NS_UTS, CLONE_NEWUTS},          {"user", CFG_NS_USER, CLONE_NEWUSER},
    {"cgroup", CFG_NS_CGROUP, CLONE_NEWCGROUP}, {"time", CFG_NS_TIME, CLONE_NEWTIME},
};

static bool
lx_has_ns(const struct cfg_linux *l, enum cfg_ns_type t)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (l->namespaces[i].type == t)
			return true;
	return false;
}

static int
lx_namespace(struct cfgp *p, yajl_val v, struct cfg_linux *out)
{
	struct cfg_namespace *ns = &out->namespaces[out->n_namespaces];
	yajl_val type;
	size_t i, old;

	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	type = cfgp_member(v, "type");
	old = cfgp_push_key(p, "type");
	if (type == NULL)
		return cfgp_fail(p, NULL, "required");
	if (!YAJL_IS_STRING(type))
		return cfgp_fail(p, type, "must be a string");
	for (i = 0; i < ARRAY_LEN(lx_ns_table); i++)
		if (strcmp(lx_ns_table[i].name, type->u.string) == 0)
			break;
	if (i == ARRAY_LEN(lx_ns_table))
		return cfgp_fail(p, type, "unknown namespace");
	if (lx_has_ns(out, lx_ns_table[i].type))
		return cfgp_fail(p, type, "duplicate namespace");
	cfgp_pop(p, old);
	ns->type = lx_ns_table[i].type;
	ns->clone_flag = lx_ns_table[i].flag;
	out->n_namespaces++; /* owns ns->path from here on */
	return cfgp_abspath(p, v, "path", false, &ns->path);
}

static int
lx_namespaces(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val arr = NULL;
	size_t old;

	if (cfgp_array(p, lx, "namespaces", false, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	old = cfgp_push_key(p, "namespaces");
	for (size_t i = 0; i < arr->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		/* Duplicates are refused, so more than CFG_NS_COUNT entries
		 * means a duplicate: found by lx_namespace before overflow. */
		if (lx_namespace(p, arr->u.array.values[i], out) < 0)
			return -1;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
lx_idmap(struct cfgp *p, yajl_val v, struct cfg_idmap *m)
{
	uint64_t c = 0, h = 0, s = 0;
	static const char *const keys[] = {"containerID", "hostID", "size"};

	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		if (cfgp_member(v, keys[k]) == NULL) {
			cfgp_push_key(p, keys[k]);
			return cfgp_fail(p, NULL, "required");
		}
	}
	if (cfgp_u64(p, v, "containerID", 0, UINT32_MAX, &c, NULL) < 0 ||
	    cfgp_u64(p, v, "hostID", 0, UINT32_MAX, &h, NULL) < 0 ||
	    cfgp_u64(p, v, "size", 1, UINT32_MAX, &s, NULL) < 0)
		return -1;
	/* The last id of each range must still be a valid 32-bit id. */
	if (c + s - 1 > UINT32_MAX || h + s - 1 > UINT32_MAX) {
		cfgp_push_key(p, "size");
		return cfgp_fail(p, cfgp_member(v, "size"), "range overflows 32-bit ids");
	}
	if (m != NULL) {
		m->container_id = (uint32_t) c;
		m->host_id = (uint32_t) h;
		m->size = (uint32_t) s;
	}
	return 0;
}

int
cfgp_idmaps(struct cfgp *p, yajl_val obj, const char *key, struct cfg_idmap **out, size_t *n)
{
	yajl_val arr = NULL;
	size_t old;

	if (cfgp_array(p, obj, key, false, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	old = cfgp_push_key(p, key);
	if (out != NULL)
		*out = xcalloc(arr->u.array.len + 1, sizeof(**out));
	for (size_t i = 0; i < arr->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		if (lx_idmap(p, arr->u.array.values[i], out != NULL ? &(*out)[i] : NULL) < 0)
			return -1;
		if (n != NULL)
			(*n)++;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
lx_mappings(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	if (cfgp_idmaps(p, lx, "uidMappings", &out->uid_mappings, &out->n_uid_mappings) < 0 ||
	    cfgp_idmaps(p, lx, "gidMappings", &out->gid_mappings, &out->n_gid_mappings) < 0)
		return -1;
	if ((out->n_uid_mappings > 0 || out->n_gid_mappings > 0) && !lx_has_ns(out, CFG_NS_USER)) {
		cfgp_push_key(p, out->n_uid_mappings > 0 ? "uidMappings" : "gidMappings");
		return cfgp_fail(p, NULL, "requires a new user namespace");
	}
	return 0;
}

/* runc's rule: a sysctl may be set only when it belongs to a namespace the
 * container has its own of; anything else would change the host. */
static const char *
lx_sysctl_needs(const struct cfg_linux *l, const char *key)
{
	static const char *const ipc_keys[] = {"kernel.sem"};

	if (strncmp(key, "net.", 4) == 0)
		return lx_has_ns(l, CFG_NS_NETWORK) ? NULL : "network";
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return lx_has_ns(l, CFG_NS_UTS) ? NULL : "uts";
	if (strncmp(key, "kernel.shm", 10) == 0 || strncmp(key, "kernel.msg", 10) == 0 ||
	    strcmp(key, ipc_keys[0]) == 0 || strncmp(key, "fs.mqueue.", 10) == 0)
		return lx_has_ns(l, CFG_NS_IPC) ? NULL : "ipc";
	return "";
}

static bool
lx_sysctl_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || k[0] == '.' || k[0] == '/' || strstr(k, "..") != NULL || k[n - 1] == '.' ||
	    k[n - 1] == '/')
		return false;
	for (; *k != '\0'; k++) {
		char c = *k;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-' || c == '/'))
			return false;
	}
	return true;
}

static int
lx_sysctl(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val obj = NULL;
	size_t old;

	if (cfgp_object(p, lx, "sysctl", false, &obj) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	old = cfgp_push_key(p, "sysctl");
	out->sysctl = xcalloc(obj->u.object.len + 1, sizeof(*out->sysctl));
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];
		yajl_val v = obj->u.object.values[i];
		const char *ns;
		size_t o2 = cfgp_push_map_key(p, k);
		if (!lx_sysctl_key_ok(k))
			return cfgp_fail_str(p, k, "invalid sysctl name");
		if (!YAJL_IS_STRING(v))
			return cfgp_fail(p, v, "must be a string");
		{
			/* "net/ipv4/x" names the same sysctl as "net.ipv4.x". */
			char *dotted = xstrdup(k);
			for (char *c = dotted; *c; c++)
				if (*c == '/')
					*c = '.';
			ns = lx_sysctl_needs(out, dotted);
			free(dotted);
		}
		if (ns != NULL && ns[0] == '\0')
			return cfgp_fail_str(p, k, "not in a separate kernel namespace");
		if (ns != NULL)
			return cfgp_fail_str(p, k, "requires a new %s namespace", ns);
		out->sysctl[out->n_sysctl].key = xstrdup(k);
		out->sysctl[out->n_sysctl].value = xstrdup(v->u.string);
		out->n_sysctl++;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
lx_device(struct cfgp *p, yajl_val v, struct cfg_device *d)
{
	char *type = NULL;
	uint64_t mode = 0, id = 0;
	bool has;

	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	if (cfgp_abspath(p, v, "path", true, &d->path) < 0 ||
	    cfgp_string(p, v, "type", true, &type) < 0)
		return -1;
	d->type = type[0];
	if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL) {
		cfgp_push_key(p, "type");
		cfgp_fail_str(p, type, "unknown device type (c, b, u or p)");
		free(type);
		return -1;
	}
	free(type);
	if (cfgp_i64(p, v, "major", 0, INT64_MAX, &d->major, &has) < 0)
		return -1;
	if (!has && d->type != 'p') {
		cfgp_push_key(p, "major");
		return cfgp_fail(p, NULL, "required for a device of type c, b or u");
	}
	if (cfgp_i64(p, v, "minor", 0, INT64_MAX, &d->minor, &has) < 0)
		return -1;
	if (!has && d->type != 'p') {
		cfgp_push_key(p, "minor");
		return cfgp_fail(p, NULL, "required for a device of type c, b or u");
	}
	/* podman (--privileged) passes st_mode with the file type bits
	 * (S_IFCHR | 0666); runc takes it, keeping the permission bits. */
	if (cfgp_u64(p, v, "fileMode", 0, 0177777, &mode, &d->has_file_mode) < 0)
		return -1;
	d->file_mode = (mode_t) (mode & 07777);
	if (cfgp_u64(p, v, "uid", 0, UINT32_MAX - 1, &id, &d->has_uid) < 0)
		return -1;
	d->uid = (uid_t) id;
	if (cfgp_u64(p, v, "gid", 0, UINT32_MAX - 1, &id, &d->has_gid) < 0)
		return -1;
	d->gid = (gid_t) id;
	return 0;
}

static int
lx_devices(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val arr = NULL;
	size_t old;

	if (cfgp_array(p, lx, "devices", false, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	old = cfgp_push_key(p, "devices");
	out->devices = xcalloc(arr->u.array.len + 1, sizeof(*out->devices));
	for (size_t i = 0; i < arr->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		out->n_devices++;
		if (lx_device(p, arr->u.array.values[i], &out->devices[i]) < 0)
			return -1;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
lx_propagation(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} t[] = {
	    {"shared", MS_SHARED},
	    {"slave", MS_SLAVE},
	    {"private", MS_PRIVATE},
	    {"unbindable", MS_UNBINDABLE},
	    {"rshared", MS_SHARED | MS_REC},
	    {"rslave", MS_SLAVE | MS_REC},
	    {"rprivate", MS_PRIVATE | MS_REC},
	    {"runbindable", MS_UNBINDABLE | MS_REC},
	};
	yajl_val v = cfgp_member(lx, "rootfsPropagation");
	size_t old;

	if (v == NULL)
		return 0;
	old = cfgp_push_key(p, "rootfsPropagation");
	if (YAJL_IS_STRING(v))
		for (size_t i = 0; i < ARRAY_LEN(t); i++)
			if (strcmp(t[i].name, v->u.string) == 0) {
				out->rootfs_propagation = t[i].flags;
				cfgp_pop(p, old);
				return 0;
			}
	return cfgp_fail(p, v, "unknown propagation");
}

static int
lx_paths(struct cfgp *p, yajl_val lx, const char *key, struct cfg_strv *out)
{
	size_t old;

	if (cfgp_strv(p, lx, key, false, false, out) < 0)
		return -1;
	old = cfgp_push_key(p, key);
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i][0] != '/') {
			cfgp_push_index(p, i);
			return cfgp_fail_str(p, out->v[i], "must be an absolute path");
		}
	}
	cfgp_pop(p, old);
	return 0;
}

static int
lx_personality(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val pers = NULL, dom;
	size_t old, o2;

	if (cfgp_object(p, lx, "personality", false, &pers) < 0)
		return -1;
	if (pers == NULL)
		return 0;
	old = cfgp_push_key(p, "personality");
	dom = cfgp_member(pers, "domain");
	o2 = cfgp_push_key(p, "domain");
	if (dom == NULL)
		return cfgp_fail(p, NULL, "required");
	if (YAJL_IS_STRING(dom) && strcmp(dom->u.string, "LINUX") == 0)
		out->personality = PER_LINUX;
	else if (YAJL_IS_STRING(dom) && strcmp(dom->u.string, "LINUX32") == 0)
		out->personality = PER_LINUX32;
	else
		return cfgp_fail(p, dom, "unknown personality domain (LINUX or LINUX32)");
	cfgp_pop(p, o2);
	out->has_personality = true;
	if (cfgp_strv(p, pers, "flags", false, false, &out->personality_flags) < 0)
		return -1;
	cfgp_pop(p, old);
	return 0;
}

static int
lx_time_offsets(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val obj = NULL;
	size_t old;

	if (cfgp_object(p, lx, "timeOffsets", false, &obj) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	old = cfgp_push_key(p, "timeOffsets");
	if (obj->u.object.len > 0 && !lx_has_ns(out, CFG_NS_TIME))
		return cfgp_fail(p, NULL, "requires a new time namespace");
	out->time_offsets = xcalloc(obj->u.object.len + 1, sizeof(*out->time_offsets));
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];
		yajl_val v = obj->u.object.values[i];
		struct cfg_time_offset *t = &out->time_offsets[out->n_time_offsets];
		uint64_t ns = 0;
		size_t o2 = cfgp_push_key(p, k);
		if (strcmp(k, "monotonic") != 0 && strcmp(k, "boottime") != 0)
			return cfgp_fail_str(p, k, "unknown clock (monotonic or boottime)");
		for (size_t j = 0; j < out->n_time_offsets; j++)
			if (strcmp(out->time_offsets[j].clock, k) == 0)
				return cfgp_fail_str(p, k, "duplicate clock");
		if (!YAJL_IS_OBJECT(v))
			return cfgp_fail(p, v, "must be an object");
		if (cfgp_i64(p, v, "secs", INT64_MIN, INT64_MAX, &t->secs, NULL) < 0 ||
		    cfgp_u64(p, v, "nanosecs", 0, 999999999, &ns, NULL) < 0)
			return -1;
		t->nanosecs = (uint32_t) ns;
		t->clock = xstrdup(k);
		out->n_time_offsets++;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
lx_intel_rdt(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val rdt = NULL;
	char *s = NULL;
	bool b;
	size_t old;
	int ret;

	if (cfgp_object(p, lx, "intelRdt", false, &rdt) < 0)
		return -1;
	if (rdt == NULL)
		return 0;
	out->has_intel_rdt = true;
	old = cfgp_push_key(p, "intelRdt");
	if (cfgp_string(p, rdt, "closID", false, &out->intel_rdt_clos_id) < 0)
		return -1;
	/* closID names a directory under /sys/fs/resctrl: one plain name. */
	s = out->intel_rdt_clos_id;
	if (s != NULL && (s[0] == '\0' || strchr(s, '/') != NULL || strcmp(s, ".") == 0 ||
	                  strcmp(s, "..") == 0)) {
		cfgp_push_key(p, "closID");
		return cfgp_fail_str(p, s, "invalid resctrl group name");
	}
	s = NULL;
	/* The rest is read loosely: only its types are checked. */
	ret = cfgp_string(p, rdt, "l3CacheSchema", false, &s);
	free(s);
	s = NULL;
	if (ret == 0)
		ret = cfgp_string(p, rdt, "memBwSchema", false, &s);
	free(s);
	if (ret < 0 || cfgp_bool(p, rdt, "enableCMT", &b, NULL) < 0 ||
	    cfgp_bool(p, rdt, "enableMBM", &b, NULL) < 0)
		return -1;
	cfgp_pop(p, old);
	return 0;
}

/* As the kernel's dev_valid_name(): 1..15 bytes, no '/', ':' or white space,
 * not "." or "..". */
static bool
lx_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s != '\0'; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
			return false;
	return true;
}

static int
lx_net_devices(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val obj = NULL;
	size_t old;

	if (cfgp_object(p, lx, "netDevices", false, &obj) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	old = cfgp_push_key(p, "netDevices");
	out->net_devices = xcalloc(obj->u.object.len + 1, sizeof(*out->net_devices));
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];
		yajl_val v = obj->u.object.values[i];
		struct cfg_net_device *d = &out->net_devices[out->n_net_devices];
		size_t o2 = cfgp_push_map_key(p, k);
		if (!lx_ifname_ok(k))
			return cfgp_fail_str(p, k, "invalid interface name");
		if (!YAJL_IS_OBJECT(v))
			return cfgp_fail(p, v, "must be an object");
		d->host_name = xstrdup(k);
		out->n_net_devices++;
		if (cfgp_string(p, v, "name", false, &d->name) < 0)
			return -1;
		if (d->name != NULL && !lx_ifname_ok(d->name)) {
			cfgp_push_key(p, "name");
			return cfgp_fail_str(p, d->name, "invalid interface name");
		}
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

static int
lx_sub(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	yajl_val v = NULL;

	if (cfgp_object(p, lx, "resources", false, &v) < 0)
		return -1;
	if (v != NULL && cfgp_resources(p, v, &out->resources) < 0)
		return -1;
	v = NULL;
	if (cfgp_object(p, lx, "seccomp", false, &v) < 0)
		return -1;
	if (v != NULL && cfgp_seccomp(p, v, &out->seccomp) < 0)
		return -1;
	return 0;
}

/* A cgroupsPath never climbs: brig-cgroup refuses ".." again, but the
 * document is wrong wherever it runs (rootless may make no cgroup). */
static int
lx_cgroups_path(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	const char *s;
	size_t old;

	if (cfgp_string(p, lx, "cgroupsPath", false, &out->cgroups_path) < 0)
		return -1;
	if ((s = out->cgroups_path) == NULL || strchr(s, ':') != NULL)
		return 0; /* absent, or systemd's slice:prefix:name */
	while (*s) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			old = cfgp_push_key(p, "cgroupsPath");
			cfgp_fail_str(p, out->cgroups_path, "a \"..\" component climbs out of "
							  "the parent cgroup:");
			cfgp_pop(p, old);
			return -1;
		}
		s += n + (s[n] == '/');
	}
	return 0;
}

int
cfgp_linux(struct cfgp *p, yajl_val lx, struct cfg_linux *out)
{
	size_t old = cfgp_push_key(p, "linux");

	if (lx_namespaces(p, lx, out) < 0 || lx_mappings(p, lx, out) < 0 ||
	    lx_sysctl(p, lx, out) < 0 || lx_sub(p, lx, out) < 0 ||
	    lx_cgroups_path(p, lx, out) < 0 ||
	    lx_devices(p, lx, out) < 0 || lx_propagation(p, lx, out) < 0 ||
	    lx_paths(p, lx, "maskedPaths", &out->masked_paths) < 0 ||
	    lx_paths(p, lx, "readonlyPaths", &out->readonly_paths) < 0 ||
	    cfgp_string(p, lx, "mountLabel", false, &out->mount_label) < 0 ||
	    lx_personality(p, lx, out) < 0 || lx_time_offsets(p, lx, out) < 0 ||
	    lx_intel_rdt(p, lx, out) < 0 || lx_net_devices(p, lx, out) < 0)
		return -1;
	cfgp_pop(p, old);
	return 0;
}
