/* fuzz_policy.c - libFuzzer target for the /etc/brig/policy parser.
 *
 * The input is the policy text, parsed against small passwd and group
 * files written once to a temporary directory.  Beyond "no crash and no
 * leak", the target checks properties and aborts when they break:
 *  - a refused document leaves no rule behind and its message starts with
 *    the file name;
 *  - the rules' texts, one a line, parse again to the same rules (the
 *    text quoted in messages is exactly what was decided on);
 *  - decisions are taken for a few subjects and every allow rule's limits
 *    are compared with a few requests, as a helper would.
 * The input, as a string, also goes through the size/count/cpus parsers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "policy/policy.h"

static char fz_dir[] = "/tmp/brig-fuzz-policy.XXXXXX";
static char fz_passwd[128], fz_group[128];

static void
fz_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void
fz_cleanup(void)
{
	unlink(fz_passwd);
	unlink(fz_group);
	rmdir(fz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	if (mkdtemp(fz_dir) == NULL)
		abort();
	snprintf(fz_passwd, sizeof(fz_passwd), "%s/passwd", fz_dir);
	snprintf(fz_group, sizeof(fz_group), "%s/group", fz_dir);
	fz_write(fz_passwd, "root:x:0:0::/root:/bin/sh\n"
	                    "alice:x:1000:1000::/home/alice:/bin/sh\n"
	                    "bob:x:1001:100::/home/bob:/bin/sh\n"
	                    "broken line\n"
	                    "carol:x:1002:1002::/:/bin/sh\n");
	fz_write(fz_group, "root:x:0:\nusers:x:100:\nbrig:x:2000:alice,carol\nempty:x:3000:\n");
	atexit(fz_cleanup);
	return 0;
}

static bool
fz_same_rule(const struct policy_rule *a, const struct policy_rule *b)
{
	if (a->allow != b->allow || a->kind != b->kind || a->id != b->id ||
	    strcmp(a->action, b->action) != 0 || a->nlimits != b->nlimits ||
	    strcmp(a->text, b->text) != 0)
		return false;
	for (size_t i = 0; i < a->nlimits; i++)
		if (strcmp(a->limits[i].key, b->limits[i].key) != 0 ||
		    strcmp(a->limits[i].value, b->limits[i].value) != 0)
			return false;
	return true;
}

static void
fz_reparse(const struct policy *p)
{
	size_t len = 0, used = 0;
	struct policy q;
	struct brig_err err;
	char *text;

	for (size_t i = 0; i < p->nrules; i++)
		len += strlen(p->rules[i].text) + 1;
	text = xmalloc(len + 1);
	for (size_t i = 0; i < p->nrules; i++) {
		size_t n = strlen(p->rules[i].text);
		memcpy(text + used, p->rules[i].text, n);
		used += n;
		text[used++] = '\n';
	}
	if (policy_parse(text, used, "again", fz_passwd, fz_group, &q, &err) < 0) {
		fprintf(stderr, "fuzz_policy: rule texts refused: %s\n", err.msg);
		abort();
	}
	if (q.nrules != p->nrules)
		abort();
	for (size_t i = 0; i < p->nrules; i++)
		if (!fz_same_rule(&p->rules[i], &q.rules[i]) || q.rules[i].line != i + 1)
			abort();
	policy_free(&q);
	free(text);
}

static void
fz_decide(const struct policy *p)
{
	static const gid_t groups[] = {100, 2000};
	static const char *const asks[] = {
	    "memory=1G", "max=3", "bridge=brig0", "root=/sys/fs/cgroup/u", "cpus=0.5", "pids=1"};
	static const char *const actions[] = {POLICY_CGROUP_LIMIT, POLICY_NET_VETH, "x"};
	struct policy_subject s[] = {
	    {0, 0, NULL, 0},
	    {1000, 1000, groups + 1, 1},
	    {1001, 100, NULL, 0},
	    {4242, (gid_t) -1, groups, 2},
	};
	struct policy_decision d;
	char why[256];

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
			policy_decide(p, &s[i], actions[a], &d);
			if (s[i].uid == 0 && (!d.allow || d.rule != NULL))
				abort();
			if (d.rule != NULL && d.rule->allow != d.allow)
				abort();
			if (d.rule != NULL && d.allow)
				(void) policy_check_limits(
				    d.rule, asks, sizeof(asks) / sizeof(asks[0]), why, sizeof(why));
		}
	}
}

static void
fz_values(const uint8_t *data, size_t size)
{
	char buf[64];
	uint64_t v;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	(void) policy_parse_size(buf, &v);
	(void) policy_parse_count(buf, &v);
	(void) policy_parse_cpus(buf, &v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	struct brig_err err;

	fz_values(data, size);
	if (policy_parse((const char *) data, size, "fuzz", fz_passwd, fz_group, &p, &err) < 0) {
		if (p.rules != NULL || p.nrules != 0 || strncmp(err.msg, "fuzz", 4) != 0)
			abort();
		return 0;
	}
	fz_reparse(&p);
	fz_decide(&p);
	policy_free(&p);
	return 0;
}
