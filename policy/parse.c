/* parse.c - the text of /etc/brig/policy into rules.
 *
 *     allow|deny SUBJECT ACTION [key=value ...]
 *
 * Every error names the file and the line ("policy:3: unknown user
 * \"bob\""), and nothing is guessed: an unknown user, group, action or
 * limit key refuses the whole file, because a typo must not change who
 * is allowed what.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "policy/internal.h"
#include "policy/policy.h"

#define PARSE_MAX_FIELDS (3 + POLICY_MAX_LIMITS)

struct parse_state {
	struct policy_accounts acct;
	struct policy *p;
	size_t cap;
};

static bool
parse_all_digits(const char *s)
{
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static int
parse_user(struct parse_state *ps, const char *tok, struct policy_rule *r, struct brig_err *err)
{
	const struct policy_user *u;
	int found;

	r->kind = POLICY_USER;
	if (parse_all_digits(tok)) {
		if (!policy_parse_id(tok, &r->id))
			return brig_err_set(err, 0, "uid %s out of range", tok);
		return 0;
	}
	found = policy_accounts_user(&ps->acct, tok, &u, err);
	if (found < 0)
		return -1;
	if (found == 0)
		return brig_err_set(err, 0, "unknown user \"%s\"", tok);
	r->id = u->uid;
	return 0;
}

static int
parse_group(struct parse_state *ps, const char *name, struct policy_rule *r, struct brig_err *err)
{
	int found;

	r->kind = POLICY_GROUP;
	if (*name == '\0')
		return brig_err_set(err, 0, "no group name after \"@\"");
	if (parse_all_digits(name)) {
		if (!policy_parse_id(name, &r->id))
			return brig_err_set(err, 0, "gid %s out of range", name);
		return 0;
	}
	found = policy_accounts_group(&ps->acct, name, &r->id, err);
	if (found < 0)
		return -1;
	if (found == 0)
		return brig_err_set(err, 0, "unknown group \"%s\"", name);
	return 0;
}

static int
parse_subject(struct parse_state *ps, const char *tok, struct policy_rule *r, struct brig_err *err)
{
	if (strcmp(tok, "*") == 0) {
		r->kind = POLICY_ANY;
		return 0;
	}
	if (tok[0] == '@')
		return parse_group(ps, tok + 1, r, err);
	return parse_user(ps, tok, r, err);
}

/* `*`, or dotted lower-case names: "net.veth", not ".x", "x." or "a..b". */
static int
parse_action(const char *tok, struct policy_rule *r, struct brig_err *err)
{
	if (strcmp(tok, "*") != 0) {
		size_t n = strlen(tok);
		if (strspn(tok, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n || tok[0] == '.' ||
		    tok[n - 1] == '.' || strstr(tok, "..") != NULL)
			return brig_err_set(
			    err, 0, "bad action \"%s\" (dotted lower-case names, or *)", tok);
		if (!policy_action_known(tok))
			return brig_err_set(err, 0, "unknown action \"%s\" (known: %s)", tok,
			                    policy_action_names());
	}
	r->action = xstrdup(tok);
	return 0;
}

static int
parse_limit(const char *tok, struct policy_rule *r, struct brig_err *err)
{
	const char *eq = strchr(tok, '=');
	size_t klen;
	char *key;

	if (eq == NULL)
		return brig_err_set(err, 0, "limit \"%s\" is not key=value", tok);
	klen = (size_t) (eq - tok);
	if (klen == 0 || strspn(tok, "abcdefghijklmnopqrstuvwxyz0123456789_-") != klen)
		return brig_err_set(
		    err, 0, "bad limit key in \"%s\" (lower-case letters, digits, _ and -)", tok);
	if (eq[1] == '\0')
		return brig_err_set(err, 0, "limit \"%s\" has no value", tok);
	key = xstrndup(tok, klen);
	if (policy_limit(r, key) != NULL) {
		brig_err_set(err, 0, "duplicate limit \"%s\"", key);
		free(key);
		return -1;
	}
	if (policy_limit_check_value(r->action, key, eq + 1, err) < 0) {
		free(key);
		return -1;
	}
	r->limits[r->nlimits].key = key;
	r->limits[r->nlimits].value = xstrdup(eq + 1);
	r->nlimits++;
	return 0;
}

static void
parse_rule_free(struct policy_rule *r)
{
	free(r->action);
	for (size_t i = 0; i < r->nlimits; i++) {
		free(r->limits[i].key);
		free(r->limits[i].value);
	}
	free(r->text);
	memset(r, 0, sizeof(*r));
}

/* The fields joined by single spaces, as messages quote the rule. */
static char *
parse_text(char **fields, size_t n)
{
	size_t len = 0, used = 0;
	char *text;

	for (size_t i = 0; i < n; i++)
		len += strlen(fields[i]) + 1;
	text = xmalloc(len);
	for (size_t i = 0; i < n; i++) {
		size_t fl = strlen(fields[i]);
		memcpy(text + used, fields[i], fl);
		used += fl;
		text[used++] = i + 1 < n ? ' ' : '\0';
	}
	return text;
}

static int
parse_rule(struct parse_state *ps, char **fields, size_t n, struct policy_rule *r,
           struct brig_err *err)
{
	if (strcmp(fields[0], "allow") == 0)
		r->allow = true;
	else if (strcmp(fields[0], "deny") != 0)
		return brig_err_set(err, 0, "expected \"allow\" or \"deny\", not \"%s\"",
		                    fields[0]);
	if (n < 3)
		return brig_err_set(err, 0,
		                    "missing the %s (allow|deny SUBJECT ACTION [key=value ...])",
		                    n < 2 ? "subject" : "action");
	if (parse_subject(ps, fields[1], r, err) < 0 || parse_action(fields[2], r, err) < 0)
		return -1;
	/* Limits say how much an allow gives; on a deny they would read as
	 * "deny beyond this", which is not what happens. */
	if (!r->allow && n > 3)
		return brig_err_set(err, 0, "a deny line takes no limits (\"%s\")", fields[3]);
	for (size_t i = 3; i < n; i++)
		if (parse_limit(fields[i], r, err) < 0)
			return -1;
	r->text = parse_text(fields, n);
	return 0;
}

/* Split BUF in place on spaces and tabs, up to a comment: '#' at the
 * start of a field.  Returns the number of fields, or -1 when too many. */
static int
parse_fields(char *buf, char **fields)
{
	size_t n = 0;
	char *c = buf;

	for (;;) {
		c += strspn(c, " \t");
		if (*c == '\0' || *c == '#')
			return (int) n;
		if (n == PARSE_MAX_FIELDS)
			return -1;
		fields[n++] = c;
		c += strcspn(c, " \t");
		if (*c != '\0')
			*c++ = '\0';
	}
}

static int
parse_check_bytes(const char *line, size_t len, struct brig_err *err)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char) line[i];
		if (ch == '\0')
			return brig_err_set(err, 0, "NUL byte");
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return brig_err_set(err, 0, "control character 0x%02x", ch);
	}
	return 0;
}

static int
parse_line(struct parse_state *ps, const char *line, size_t len, unsigned lineno,
           struct brig_err *err)
{
	char buf[POLICY_MAX_LINE + 1];
	char *fields[PARSE_MAX_FIELDS];
	struct policy_rule r = {0};
	int n;

	if (len > POLICY_MAX_LINE)
		return brig_err_set(err, 0, "line longer than %d bytes", POLICY_MAX_LINE);
	if (parse_check_bytes(line, len, err) < 0)
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	n = parse_fields(buf, fields);
	if (n < 0)
		return brig_err_set(err, 0, "more than %d limits", POLICY_MAX_LIMITS);
	if (n == 0)
		return 0;
	r.line = lineno;
	if (parse_rule(ps, fields, (size_t) n, &r, err) < 0) {
		parse_rule_free(&r);
		return -1;
	}
	if (ps->p->nrules == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 16;
		ps->p->rules = xrealloc(ps->p->rules, ps->cap * sizeof(*ps->p->rules));
	}
	ps->p->rules[ps->p->nrules++] = r;
	return 0;
}

int
policy_parse(const char *text, size_t len, const char *name, const char *passwd, const char *group,
             struct policy *p, struct brig_err *err)
{
	struct parse_state ps = {.p = p};
	unsigned lineno = 1;
	size_t off = 0;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	if (name == NULL)
		name = "policy";
	if (len > POLICY_MAX_SIZE) {
		brig_err_set(err, 0, "%s: larger than %d bytes", name, POLICY_MAX_SIZE);
		err->errnum = EFBIG;
		return -1;
	}
	policy_accounts_init(&ps.acct, passwd, group);
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t llen = nl != NULL ? (size_t) (nl - (text + off)) : len - off;

		if (parse_line(&ps, text + off, llen, lineno, err) < 0) {
			brig_err_wrap(err, "%s:%u", name, lineno);
			err->errnum = EINVAL;
			ret = -1;
			break;
		}
		off += llen + 1;
		lineno++;
	}
	policy_accounts_free(&ps.acct);
	if (ret < 0) {
		policy_free(p);
		return -1;
	}
	p->path = xstrdup(name);
	return 0;
}

void
policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		parse_rule_free(&p->rules[i]);
	free(p->rules);
	free(p->path);
	memset(p, 0, sizeof(*p));
}
