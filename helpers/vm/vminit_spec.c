/* vminit_spec.c - the strict parser of the process spec (spec.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "helpers/vm/spec.h"
#include "helpers/vm/vminit.h"

/* An unsigned number in BASE with nothing after it and no sign. */
static int
parse_u64(const char *s, int base, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

static int
parse_u32(const char *s, int base, uint32_t *v)
{
	uint64_t n;

	/* (uint32_t) -1 is "leave unchanged" to the set*id calls. */
	if (parse_u64(s, base, &n) < 0 || n >= UINT32_MAX)
		return -1;
	*v = (uint32_t) n;
	return 0;
}

/* "T,S,H" */
static int
parse_rlimit(char *v, struct vmi_rlimit *l)
{
	char *soft = strchr(v, ','), *hard;
	uint64_t t;

	if (soft == NULL)
		return -1;
	*soft++ = '\0';
	hard = strchr(soft, ',');
	if (hard == NULL)
		return -1;
	*hard++ = '\0';
	if (parse_u64(v, 10, &t) < 0 || t >= RLIMIT_NLIMITS || parse_u64(soft, 10, &l->soft) < 0 ||
	    parse_u64(hard, 10, &l->hard) < 0 || l->soft > l->hard)
		return -1;
	l->type = (int) t;
	return 0;
}

/* "N:ro|rw:/DEST" */
static int
parse_mount(char *v, struct vmi_mount *m)
{
	char *c1 = strchr(v, ':');
	uint64_t n;

	if (c1 == NULL)
		return -1;
	*c1 = '\0';
	if (parse_u64(v, 10, &n) < 0 || n >= VMI_MAX_MOUNTS)
		return -1;
	if (strncmp(c1 + 1, "ro:", 3) != 0 && strncmp(c1 + 1, "rw:", 3) != 0)
		return -1;
	m->index = (unsigned) n;
	m->readonly = c1[2] == 'o';
	m->dest = c1 + 4;
	return m->dest[0] == '/' ? 0 : -1;
}

static int
add_list(char **list, size_t *n, char *v)
{
	if (*n >= VMI_MAX_LIST)
		return -1;
	list[(*n)++] = v;
	list[*n] = NULL;
	return 0;
}

static int
once(const char **slot, char *v)
{
	if (*slot != NULL)
		return -1;
	*slot = v;
	return 0;
}

static int
set_id(uint32_t *id, int *have, const char *v, int base)
{
	if (*have || parse_u32(v, base, id) < 0)
		return -1;
	*have = 1;
	return 0;
}

/* One "key=value" record.  Returns 0 or -1 (bad value, repeated key or
 * unknown key). */
static int
parse_record(char *key, char *v, struct vmi_spec *s)
{
	uint32_t n;

	if (strcmp(key, "arg") == 0)
		return add_list(s->argv, &s->argc, v);
	if (strcmp(key, "env") == 0)
		return strchr(v, '=') == NULL || v[0] == '=' ? -1 : add_list(s->envp, &s->envc, v);
	if (strcmp(key, "cwd") == 0)
		return v[0] != '/' ? -1 : once(&s->cwd, v);
	if (strcmp(key, "hostname") == 0)
		return v[0] == '\0' ? -1 : once(&s->hostname, v);
	if (strcmp(key, "uid") == 0)
		return set_id(&s->uid, &s->have_uid, v, 10);
	if (strcmp(key, "gid") == 0)
		return set_id(&s->gid, &s->have_gid, v, 10);
	if (strcmp(key, "umask") == 0) {
		if (set_id(&n, &s->have_umask, v, 8) < 0 || n > 0777)
			return -1;
		s->umask = (mode_t) n;
		return 0;
	}
	if (strcmp(key, "mount") == 0)
		return s->nmounts >= VMI_MAX_MOUNTS ? -1 : parse_mount(v, &s->mounts[s->nmounts++]);
	if (strcmp(key, "rootfs") == 0) {
		if (s->virtiofs || strcmp(v, "virtiofs") != 0)
			return -1;
		s->virtiofs = 1;
		return 0;
	}
	if (strcmp(key, "hold") == 0) {
		if (s->hold || strcmp(v, "1") != 0)
			return -1;
		s->hold = 1;
		return 0;
	}
	if (strcmp(key, "group") == 0) {
		if (s->ngroups >= VMI_MAX_LIST || parse_u32(v, 10, &n) < 0)
			return -1;
		s->groups[s->ngroups++] = n;
		return 0;
	}
	if (strcmp(key, "rlimit") == 0) {
		if (s->nrlimits >= VMI_MAX_RLIMITS)
			return -1;
		return parse_rlimit(v, &s->rlimits[s->nrlimits++]);
	}
	return -1;
}

int
vmi_spec_parse(char *buf, size_t len, struct vmi_spec *s, char *why, size_t whylen)
{
	size_t off = 0;
	int first = 1;

	memset(s, 0, sizeof(*s));
	if (len == 0 || buf[len - 1] != '\0') {
		snprintf(why, whylen, "spec: not NUL-terminated");
		return -1;
	}
	while (off < len) {
		char *rec = buf + off, *eq;

		off += strlen(rec) + 1;
		if (first) {
			first = 0;
			if (strcmp(rec, SPEC_MAGIC) != 0) {
				snprintf(why, whylen, "spec: not %s", SPEC_MAGIC);
				return -1;
			}
			continue;
		}
		eq = strchr(rec, '=');
		if (eq == NULL) {
			snprintf(why, whylen, "spec: record without '='");
			return -1;
		}
		*eq = '\0';
		if (parse_record(rec, eq + 1, s) < 0) {
			snprintf(why, whylen, "spec: bad, repeated or unknown record %s", rec);
			return -1;
		}
	}
	if (s->argc == 0 || s->cwd == NULL || !s->have_uid || !s->have_gid || !s->have_umask) {
		snprintf(why, whylen, "spec: arg, cwd, uid, gid or umask missing");
		return -1;
	}
	return 0;
}
