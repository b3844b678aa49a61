/* decide.c - which rule answers a subject's request, and who a subject is
 * (for `brig policy check`; helpers fill the subject from SO_PEERCRED). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "policy/internal.h"
#include "policy/policy.h"

static bool
decide_in_groups(const struct policy_subject *s, uint32_t gid)
{
	if (s->gid == gid)
		return true;
	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i] == gid)
			return true;
	return false;
}

static bool
decide_matches(const struct policy_rule *r, const struct policy_subject *s, const char *action)
{
	if (strcmp(r->action, "*") != 0 && strcmp(r->action, action) != 0)
		return false;
	switch (r->kind) {
	case POLICY_ANY:
		return true;
	case POLICY_USER:
		return s->uid == r->id;
	case POLICY_GROUP:
		return decide_in_groups(s, r->id);
	default:
		return false;
	}
}

void
policy_decide(const struct policy *p, const struct policy_subject *s, const char *action,
              struct policy_decision *d)
{
	d->allow = false;
	d->rule = NULL;
	/* Root needs no helper's permission: it could do the work itself. */
	if (s->uid == 0) {
		d->allow = true;
		return;
	}
	for (size_t i = 0; p != NULL && i < p->nrules; i++) {
		if (decide_matches(&p->rules[i], s, action)) {
			d->allow = p->rules[i].allow;
			d->rule = &p->rules[i];
			return;
		}
	}
}

/* The primary gid first, then each group listing the user, once. */
static void
decide_set_groups(struct policy_subject *s, uint32_t *member, size_t n)
{
	gid_t *groups = xcalloc(n + 1, sizeof(*groups));
	size_t k = 0;

	groups[k++] = s->gid;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup = dup || groups[j] == member[i];
		if (!dup)
			groups[k++] = member[i];
	}
	s->groups = groups;
	s->ngroups = k;
}

static int
decide_lookup(struct policy_accounts *a, const char *user, struct policy_subject *s,
              struct brig_err *err)
{
	bool numeric = *user != '\0' && strspn(user, "0123456789") == strlen(user);
	const struct policy_user *u = NULL;
	uint32_t uid = 0, *member = NULL;
	size_t n = 0;
	int found;

	if (numeric && !policy_parse_id(user, &uid))
		return brig_err_set(err, 0, "uid %s out of range", user);
	found =
	    numeric ? policy_accounts_uid(a, uid, &u, err) : policy_accounts_user(a, user, &u, err);
	if (found < 0)
		return -1;
	if (found == 0 && !numeric)
		return brig_err_set(err, 0, "unknown user \"%s\" (not in %s)", user,
		                    a->passwd_path);
	if (found == 0) {
		/* A uid with no account: no group to be a member of. */
		s->uid = uid;
		s->gid = (gid_t) -1;
		return 0;
	}
	s->uid = u->uid;
	s->gid = u->gid;
	if (policy_accounts_member_of(a, u->name, &member, &n, err) < 0)
		return -1;
	decide_set_groups(s, member, n);
	free(member);
	return 0;
}

int
policy_subject_lookup(const char *user, const char *passwd, const char *group,
                      struct policy_subject *s, struct brig_err *err)
{
	struct policy_accounts a;
	int ret;

	memset(s, 0, sizeof(*s));
	policy_accounts_init(&a, passwd, group);
	ret = decide_lookup(&a, user, s, err);
	policy_accounts_free(&a);
	if (ret < 0)
		policy_subject_free(s);
	return ret;
}

/* S->groups plus GID, once. */
static void
subject_add_group(struct policy_subject *s, uint32_t gid)
{
	gid_t *g;

	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i] == gid)
			return;
	g = xrealloc((void *) s->groups, (s->ngroups + 1) * sizeof(gid_t));
	g[s->ngroups++] = (gid_t) gid;
	s->groups = g;
}

int
policy_subject_add_account_groups(struct policy_subject *s, const char *passwd,
                                  const char *group, struct brig_err *err)
{
	struct policy_accounts a;
	const struct policy_user *u = NULL;
	uint32_t *gids = NULL;
	size_t n = 0;
	int ret;

	policy_accounts_init(&a, passwd, group);
	ret = policy_accounts_uid(&a, s->uid, &u, err);
	if (ret > 0) {
		subject_add_group(s, u->gid);
		ret = policy_accounts_member_of(&a, u->name, &gids, &n, err);
	}
	for (size_t i = 0; ret >= 0 && i < n; i++)
		subject_add_group(s, gids[i]);
	free(gids);
	policy_accounts_free(&a);
	return ret < 0 ? -1 : 0;
}

void
policy_subject_free(struct policy_subject *s)
{
	free((void *) s->groups);
	memset(s, 0, sizeof(*s));
}
