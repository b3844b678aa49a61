/* limits.c - the actions helpers ask about, the limit keys each takes,
 * their values, and the comparison of a request with a rule's limits.
 *
 * Keys are checked against this table when the file is loaded: a
 * misspelt key ("memroy=256M") would otherwise drop a limit silently and
 * allow more than the administrator wrote.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/err.h"
#include "policy/internal.h"
#include "policy/policy.h"

enum limit_kind {
	LIMIT_SIZE,   /* bytes, K/M/G/T suffixes: at most the limit */
	LIMIT_COUNT,  /* decimal: at most the limit */
	LIMIT_CPUS,   /* decimal with up to 3 decimals: at most the limit */
	LIMIT_PATH,   /* absolute, clean path: equal */
	LIMIT_IFNAME, /* network interface name: equal */
};

struct limit_key {
	const char *name;
	enum limit_kind kind;
};

struct limit_action {
	const char *name;
	const struct limit_key *keys;
};

static const struct limit_key cgroup_keys[] = {
    {"root", LIMIT_PATH}, {"memory", LIMIT_SIZE}, {"pids", LIMIT_COUNT},
    {"cpus", LIMIT_CPUS}, {"max", LIMIT_COUNT},   {NULL, LIMIT_COUNT},
};

static const struct limit_key veth_keys[] = {
    {"bridge", LIMIT_IFNAME},
    {"max", LIMIT_COUNT},
    {NULL, LIMIT_COUNT},
};

static const struct limit_action actions[] = {
    {POLICY_CGROUP_LIMIT, cgroup_keys},
    {POLICY_NET_VETH, veth_keys},
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

bool
policy_action_known(const char *action)
{
	for (size_t i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].name, action) == 0)
			return true;
	return false;
}

const char *
policy_action_names(void)
{
	return POLICY_CGROUP_LIMIT ", " POLICY_NET_VETH;
}

/* The key KEY of ACTION; for "*" the first action that has it (a key has
 * the same kind in every action that takes it). */
static const struct limit_key *
limits_find_key(const char *action, const char *key)
{
	bool any = strcmp(action, "*") == 0;

	for (size_t i = 0; i < NACTIONS; i++) {
		if (!any && strcmp(actions[i].name, action) != 0)
			continue;
		for (const struct limit_key *k = actions[i].keys; k->name != NULL; k++)
			if (strcmp(k->name, key) == 0)
				return k;
	}
	return NULL;
}

static bool
limits_seen_before(size_t upto, const char *key)
{
	for (size_t i = 0; i < upto; i++)
		for (const struct limit_key *k = actions[i].keys; k->name != NULL; k++)
			if (strcmp(k->name, key) == 0)
				return true;
	return false;
}

/* "root memory pids cpus max" for ACTION, for messages. */
static void
limits_key_names(const char *action, char *buf, size_t len)
{
	bool any = strcmp(action, "*") == 0;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NACTIONS; i++) {
		if (!any && strcmp(actions[i].name, action) != 0)
			continue;
		for (const struct limit_key *k = actions[i].keys; k->name != NULL; k++) {
			if (any && limits_seen_before(i, k->name)) /* "max" is in two */
				continue;
			int w = snprintf(buf + used, len - used, "%s%s", used ? " " : "", k->name);
			if (w < 0 || (size_t) w >= len - used)
				return;
			used += (size_t) w;
		}
	}
}

/* Decimal digits into *V, refusing overflow; *END is where they stop. */
static int
limits_digits(const char *s, uint64_t *v, const char **end)
{
	const char *p = s;

	*v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t) (*p - '0');
		if (*v > (UINT64_MAX - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		*v = *v * 10 + d;
	}
	if (p == s) {
		errno = EINVAL;
		return -1;
	}
	*end = p;
	return 0;
}

int
policy_parse_count(const char *s, uint64_t *out)
{
	const char *end;

	if (limits_digits(s, out, &end) < 0)
		return -1;
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
policy_parse_size(const char *s, uint64_t *out)
{
	const char *end;
	unsigned shift = 0;
	uint64_t v;

	if (limits_digits(s, &v, &end) < 0)
		return -1;
	switch (*end) {
	case '\0':
		shift = 0;
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (*end != '\0' && end[1] != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (v > (UINT64_MAX >> shift)) {
		errno = ERANGE;
		return -1;
	}
	*out = v << shift;
	return 0;
}

int
policy_parse_cpus(const char *s, uint64_t *millis)
{
	const char *end;
	uint64_t whole, frac = 0;
	unsigned ndec = 0;

	if (limits_digits(s, &whole, &end) < 0)
		return -1;
	if (*end == '.') {
		for (end++; *end >= '0' && *end <= '9' && ndec < 3; end++, ndec++)
			frac = frac * 10 + (uint64_t) (*end - '0');
		if (ndec == 0) {
			errno = EINVAL;
			return -1;
		}
	}
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	for (; ndec < 3; ndec++)
		frac *= 10;
	if (whole > (UINT64_MAX - frac) / 1000) {
		errno = ERANGE;
		return -1;
	}
	*millis = whole * 1000 + frac;
	return 0;
}

/* Absolute, with no empty, "." or ".." component and no trailing '/'
 * (except "/" itself): compared as a string, so it must be canonical. */
static bool
limits_clean_path(const char *s)
{
	const char *c = s;

	if (*s != '/')
		return false;
	if (s[1] == '\0')
		return true;
	while (*c == '/') {
		const char *e = strchrnul(c + 1, '/');
		size_t n = (size_t) (e - c - 1);
		if (n == 0 || (n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.'))
			return false;
		c = e;
	}
	return true;
}

/* As the kernel's dev_valid_name: 1..15 bytes, not "." or "..", no '/',
 * ':' or whitespace. */
static bool
limits_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	return strpbrk(s, "/: \t\n") == NULL;
}

/* A value of kind K, parsed into *NUM for the numeric kinds. */
static int
limits_value(enum limit_kind k, const char *value, uint64_t *num, const char **what)
{
	*num = 0;
	switch (k) {
	case LIMIT_SIZE:
		*what = "a size (bytes, or a number with K, M, G or T)";
		return policy_parse_size(value, num);
	case LIMIT_COUNT:
		*what = "a number";
		return policy_parse_count(value, num);
	case LIMIT_CPUS:
		*what = "a number of CPUs (at most 3 decimals)";
		return policy_parse_cpus(value, num);
	case LIMIT_PATH:
		*what = "an absolute path without \".\", \"..\" or \"//\"";
		return limits_clean_path(value) ? 0 : -1;
	case LIMIT_IFNAME:
		*what = "an interface name (1 to 15 bytes, no '/' or ':')";
		return limits_ifname(value) ? 0 : -1;
	default:
		return -1;
	}
}

int
policy_limit_check_value(const char *action, const char *key, const char *value,
                         struct brig_err *err)
{
	const struct limit_key *k = limits_find_key(action, key);
	const char *what;
	uint64_t num;
	char names[128];

	if (k == NULL) {
		limits_key_names(action, names, sizeof(names));
		return brig_err_set(err, 0, "unknown limit \"%s\" for %s (known: %s)", key,
		                    strcmp(action, "*") == 0 ? "any action" : action, names);
	}
	if (limits_value(k->kind, value, &num, &what) < 0)
		return brig_err_set(err, 0, "%s=%s: not %s", key, value, what);
	return 0;
}

const char *
policy_limit(const struct policy_rule *r, const char *key)
{
	for (size_t i = 0; i < r->nlimits; i++)
		if (strcmp(r->limits[i].key, key) == 0)
			return r->limits[i].value;
	return NULL;
}

/* One "key=value" of a request against rule R: 0 within, 1 not, -1 bad. */
static int
limits_check_one(const struct policy_rule *r, const char *kv, char *why, size_t whylen)
{
	const char *eq = strchr(kv, '=');
	const struct limit_key *k;
	const char *limit, *what;
	char key[64];
	uint64_t asked, allowed;

	if (eq == NULL || eq == kv || eq[1] == '\0') {
		snprintf(why, whylen, "\"%s\" is not key=value", kv);
		return -1;
	}
	/* No key is that long: cut it, it is then unknown. */
	snprintf(key, sizeof(key), "%.*s", (int) (eq - kv), kv);
	k = (size_t) (eq - kv) < sizeof(key) ? limits_find_key(r->action, key) : NULL;
	if (k == NULL) {
		char names[128];
		limits_key_names(r->action, names, sizeof(names));
		snprintf(why, whylen, "unknown limit \"%s\" for %s (known: %s)", key, r->action,
		         names);
		return -1;
	}
	if (limits_value(k->kind, eq + 1, &asked, &what) < 0) {
		snprintf(why, whylen, "%s: not %s", kv, what);
		return -1;
	}
	limit = policy_limit(r, key);
	if (limit == NULL)
		return 0;
	if (k->kind == LIMIT_PATH || k->kind == LIMIT_IFNAME) {
		if (strcmp(eq + 1, limit) == 0)
			return 0;
		snprintf(why, whylen, "%s is not the allowed %s=%s", kv, key, limit);
		return 1;
	}
	/* The file's value was checked at load. */
	if (limits_value(k->kind, limit, &allowed, &what) < 0 || asked > allowed) {
		snprintf(why, whylen, "%s exceeds the limit %s=%s", kv, key, limit);
		return 1;
	}
	return 0;
}

int
policy_check_limits(const struct policy_rule *r, const char *const *kv, size_t n, char *why,
                    size_t whylen)
{
	int worst = 0;

	if (whylen > 0)
		why[0] = '\0';
	if (r == NULL) /* root's decision: no rule, no limit */
		return 0;
	/* A malformed item is reported before a limit exceeded: it is the
	 * caller's bug, not the user's quota. */
	for (size_t i = 0; i < n; i++)
		if (limits_check_one(r, kv[i], why, whylen) < 0)
			return -1;
	for (size_t i = 0; i < n && worst == 0; i++)
		worst = limits_check_one(r, kv[i], why, whylen);
	return worst;
}
