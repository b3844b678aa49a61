/* value.c - JSON path tracking, error text and typed getters for the parser. */
#include "front/config/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* A bad value is quoted in the message, cut so that a huge string cannot
 * push the path out of the fixed-size error buffer. */
#define CFGP_SHOW_MAX 160

/* Copy S into OUT escaped (quotes, backslashes, control bytes), cut at
 * CFGP_SHOW_MAX with "..." appended. */
static void
show_escaped(char *out, size_t outsz, const char *s)
{
	size_t o = 0;

	for (; *s != '\0' && o + 8 < outsz; s++) {
		unsigned char c = (unsigned char) *s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char) c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t) snprintf(out + o, outsz - o, "\\x%02x", c);
		} else {
			out[o++] = (char) c;
		}
	}
	if (*s != '\0')
		o += (size_t) snprintf(out + o, outsz - o, "...");
	out[o] = '\0';
}

/* Append the pieces A, B, C to the path, cutting at the buffer's end. */
static size_t
push_text(struct cfgp *p, const char *a, const char *b, const char *c)
{
	size_t old = p->len;
	int n = snprintf(p->path + p->len, sizeof(p->path) - p->len, "%s%s%s", a, b, c);

	if (n < 0 || (size_t) n >= sizeof(p->path) - p->len)
		p->len = sizeof(p->path) - 1; /* cut: still names the start of the path */
	else
		p->len += (size_t) n;
	return old;
}

size_t
cfgp_push_key(struct cfgp *p, const char *key)
{
	return push_text(p, p->len == 0 ? "" : ".", key, "");
}

size_t
cfgp_push_map_key(struct cfgp *p, const char *key)
{
	char buf[CFGP_SHOW_MAX];

	show_escaped(buf, sizeof(buf), key);
	return push_text(p, "[\"", buf, "\"]");
}

size_t
cfgp_push_index(struct cfgp *p, size_t i)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "[%zu]", i);
	return push_text(p, buf, "", "");
}

void
cfgp_pop(struct cfgp *p, size_t old)
{
	p->len = old;
	p->path[old] = '\0';
}

static void
show_value(char *out, size_t outsz, yajl_val v)
{
	if (YAJL_IS_STRING(v))
		show_escaped(out, outsz, v->u.string);
	else if (YAJL_IS_NUMBER(v))
		show_escaped(out, outsz, v->u.number.r);
	else if (YAJL_IS_OBJECT(v))
		snprintf(out, outsz, "{...}");
	else if (YAJL_IS_ARRAY(v))
		snprintf(out, outsz, "[...]");
	else if (YAJL_IS_TRUE(v))
		snprintf(out, outsz, "true");
	else if (YAJL_IS_FALSE(v))
		snprintf(out, outsz, "false");
	else
		snprintf(out, outsz, "null");
}

static int fail_v(struct cfgp *p, const char *shown, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int
fail_v(struct cfgp *p, const char *shown, const char *fmt, va_list ap)
{
	char what[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (shown == NULL)
		return brig_err_set(p->err, 0, "config.json: %s: %s", p->len ? p->path : "(top)",
		                    what);
	return brig_err_set(p->err, 0, "config.json: %s: %s \"%s\"", p->len ? p->path : "(top)",
	                    what, shown);
}

int
cfgp_fail(struct cfgp *p, yajl_val v, const char *fmt, ...)
{
	char shown[CFGP_SHOW_MAX + 16];
	va_list ap;
	int r;

	if (v != NULL)
		show_value(shown, sizeof(shown), v);
	va_start(ap, fmt);
	r = fail_v(p, v != NULL ? shown : NULL, fmt, ap);
	va_end(ap);
	return r;
}

int
cfgp_fail_str(struct cfgp *p, const char *s, const char *fmt, ...)
{
	char shown[CFGP_SHOW_MAX + 16];
	va_list ap;
	int r;

	show_escaped(shown, sizeof(shown), s);
	va_start(ap, fmt);
	r = fail_v(p, shown, fmt, ap);
	va_end(ap);
	return r;
}

yajl_val
cfgp_member(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	/* Duplicate keys: the last one wins, as in Go's encoding/json (runc). */
	for (size_t i = obj->u.object.len; i > 0; i--) {
		if (strcmp(obj->u.object.keys[i - 1], key) == 0) {
			yajl_val v = obj->u.object.values[i - 1];
			return YAJL_IS_NULL(v) ? NULL : v;
		}
	}
	return NULL;
}

/* Look up KEY; push it onto the path when found (caller pops with *OLD). */
static int
lookup(struct cfgp *p, yajl_val obj, const char *key, bool required, yajl_val *v, size_t *old)
{
	*v = cfgp_member(obj, key);
	*old = cfgp_push_key(p, key);
	if (*v == NULL) {
		if (required)
			return cfgp_fail(p, NULL, "required");
		cfgp_pop(p, *old);
		return 0;
	}
	return 1;
}

#define LOOKUP(required)                                                                           \
	yajl_val v;                                                                                \
	size_t old;                                                                                \
	int found = lookup(p, obj, key, required, &v, &old);                                       \
	if (found <= 0)                                                                            \
	return found

int
cfgp_object(struct cfgp *p, yajl_val obj, const char *key, bool required, yajl_val *out)
{
	LOOKUP(required);
	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	cfgp_pop(p, old);
	*out = v;
	return 0;
}

int
cfgp_array(struct cfgp *p, yajl_val obj, const char *key, bool required, yajl_val *out)
{
	LOOKUP(required);
	if (!YAJL_IS_ARRAY(v))
		return cfgp_fail(p, v, "must be an array");
	cfgp_pop(p, old);
	*out = v;
	return 0;
}

int
cfgp_string(struct cfgp *p, yajl_val obj, const char *key, bool required, char **out)
{
	LOOKUP(required);
	if (!YAJL_IS_STRING(v))
		return cfgp_fail(p, v, "must be a string");
	cfgp_pop(p, old);
	free(*out);
	*out = xstrdup(v->u.string);
	return 0;
}

int
cfgp_abspath(struct cfgp *p, yajl_val obj, const char *key, bool required, char **out)
{
	LOOKUP(required);
	if (!YAJL_IS_STRING(v))
		return cfgp_fail(p, v, "must be a string");
	if (v->u.string[0] != '/')
		return cfgp_fail(p, v, "must be an absolute path");
	cfgp_pop(p, old);
	free(*out);
	*out = xstrdup(v->u.string);
	return 0;
}

int
cfgp_bool(struct cfgp *p, yajl_val obj, const char *key, bool *out, bool *present)
{
	if (present != NULL)
		*present = false;
	LOOKUP(false);
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return cfgp_fail(p, v, "must be true or false");
	cfgp_pop(p, old);
	*out = YAJL_IS_TRUE(v);
	if (present != NULL)
		*present = true;
	return 0;
}

/* Integers are read from the number's text, not yajl's long long, so that
 * the whole uint64 range (seccomp argument values) is exact and anything
 * with a fraction or an exponent is refused. */
static bool
is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int
cfgp_val_u64(struct cfgp *p, yajl_val v, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long n;
	char *end;

	if (!YAJL_IS_NUMBER(v) || !is_integer_text(v->u.number.r))
		return cfgp_fail(p, v, "must be an integer");
	if (v->u.number.r[0] == '-')
		return cfgp_fail(p, v, "must not be negative");
	errno = 0;
	n = strtoull(v->u.number.r, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return cfgp_fail(p, v, "out of range %" PRIu64 "..%" PRIu64, min, max);
	*out = n;
	return 0;
}

int
cfgp_val_i64(struct cfgp *p, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
	long long n;
	char *end;

	if (!YAJL_IS_NUMBER(v) || !is_integer_text(v->u.number.r))
		return cfgp_fail(p, v, "must be an integer");
	errno = 0;
	n = strtoll(v->u.number.r, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return cfgp_fail(p, v, "out of range %" PRId64 "..%" PRId64, min, max);
	*out = n;
	return 0;
}

int
cfgp_u64(struct cfgp *p, yajl_val obj, const char *key, uint64_t min, uint64_t max, uint64_t *out,
         bool *present)
{
	if (present != NULL)
		*present = false;
	LOOKUP(false);
	if (cfgp_val_u64(p, v, min, max, out) < 0)
		return -1;
	cfgp_pop(p, old);
	if (present != NULL)
		*present = true;
	return 0;
}

int
cfgp_i64(struct cfgp *p, yajl_val obj, const char *key, int64_t min, int64_t max, int64_t *out,
         bool *present)
{
	if (present != NULL)
		*present = false;
	LOOKUP(false);
	if (cfgp_val_i64(p, v, min, max, out) < 0)
		return -1;
	cfgp_pop(p, old);
	if (present != NULL)
		*present = true;
	return 0;
}

int
cfgp_strv(struct cfgp *p, yajl_val obj, const char *key, bool required, bool nonempty,
          struct cfg_strv *out)
{
	LOOKUP(required);
	if (!YAJL_IS_ARRAY(v) || (nonempty && v->u.array.len == 0))
		return cfgp_fail(p, NULL, "must be a %sarray of strings",
		                 nonempty ? "non-empty " : "");
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val e = v->u.array.values[i];
		if (!YAJL_IS_STRING(e)) {
			cfgp_push_index(p, i);
			return cfgp_fail(p, e, "must be a string");
		}
	}
	cfgp_pop(p, old);
	cfg_strv_free(out);
	out->v = xcalloc(v->u.array.len + 1, sizeof(char *));
	for (size_t i = 0; i < v->u.array.len; i++)
		out->v[i] = xstrdup(v->u.array.values[i]->u.string);
	out->n = v->u.array.len;
	return 0;
}
