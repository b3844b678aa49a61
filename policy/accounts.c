/* accounts.c - user and group names from /etc/passwd and /etc/group.
 *
 * Read with fgetpwent/fgetgrent, never getpwnam: a setuid static helper
 * must not load NSS modules (their code, chosen by files the user may
 * influence through the environment, would run with the helper's
 * privilege).  Each file is read once per policy and kept in memory, so a
 * policy of many lines costs one read.  The first entry of a name wins,
 * as with getpwnam on "files".
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/xalloc.h"
#include "policy/internal.h"

#define ACCOUNTS_PASSWD "/etc/passwd"
#define ACCOUNTS_GROUP "/etc/group"

void
policy_accounts_init(struct policy_accounts *a, const char *passwd, const char *group)
{
	memset(a, 0, sizeof(*a));
	a->passwd_path = passwd != NULL ? passwd : ACCOUNTS_PASSWD;
	a->group_path = group != NULL ? group : ACCOUNTS_GROUP;
}

void
policy_accounts_free(struct policy_accounts *a)
{
	for (size_t i = 0; i < a->nusers; i++)
		free(a->users[i].name);
	free(a->users);
	for (size_t i = 0; i < a->ngroups; i++) {
		free(a->groups[i].name);
		for (char **m = a->groups[i].members; m != NULL && *m != NULL; m++)
			free(*m);
		free(a->groups[i].members);
	}
	free(a->groups);
	memset(a, 0, sizeof(*a));
}

static FILE *
accounts_open(const char *path, struct brig_err *err)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		brig_err_set(err, errno, "%s", path);
	return f;
}

static int
accounts_load_users(struct policy_accounts *a, struct brig_err *err)
{
	cleanup_fclose FILE *f = NULL;
	struct passwd *pw;
	size_t cap = 0;

	if (a->users_loaded)
		return 0;
	f = accounts_open(a->passwd_path, err);
	if (f == NULL)
		return -1;
	/* fgetpwent skips lines it cannot parse; a read error shows in ferror. */
	while ((pw = fgetpwent(f)) != NULL) {
		if (a->nusers == cap) {
			cap = cap ? cap * 2 : 32;
			a->users = xrealloc(a->users, cap * sizeof(*a->users));
		}
		a->users[a->nusers++] = (struct policy_user){
		    .name = xstrdup(pw->pw_name),
		    .uid = pw->pw_uid,
		    .gid = pw->pw_gid,
		};
	}
	if (ferror(f))
		return brig_err_set(err, EIO, "%s: read", a->passwd_path);
	a->users_loaded = true;
	return 0;
}

static char **
accounts_copy_members(char **mem)
{
	size_t n = 0;
	char **out;

	while (mem != NULL && mem[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(mem[i]);
	return out;
}

static int
accounts_load_groups(struct policy_accounts *a, struct brig_err *err)
{
	cleanup_fclose FILE *f = NULL;
	struct group *gr;
	size_t cap = 0;

	if (a->groups_loaded)
		return 0;
	f = accounts_open(a->group_path, err);
	if (f == NULL)
		return -1;
	while ((gr = fgetgrent(f)) != NULL) {
		if (a->ngroups == cap) {
			cap = cap ? cap * 2 : 32;
			a->groups = xrealloc(a->groups, cap * sizeof(*a->groups));
		}
		a->groups[a->ngroups++] = (struct policy_group){
		    .name = xstrdup(gr->gr_name),
		    .gid = gr->gr_gid,
		    .members = accounts_copy_members(gr->gr_mem),
		};
	}
	if (ferror(f))
		return brig_err_set(err, EIO, "%s: read", a->group_path);
	a->groups_loaded = true;
	return 0;
}

int
policy_accounts_user(struct policy_accounts *a, const char *name, const struct policy_user **out,
                     struct brig_err *err)
{
	if (accounts_load_users(a, err) < 0)
		return -1;
	for (size_t i = 0; i < a->nusers; i++) {
		if (strcmp(a->users[i].name, name) == 0) {
			*out = &a->users[i];
			return 1;
		}
	}
	return 0;
}

int
policy_accounts_uid(struct policy_accounts *a, uint32_t uid, const struct policy_user **out,
                    struct brig_err *err)
{
	if (accounts_load_users(a, err) < 0)
		return -1;
	for (size_t i = 0; i < a->nusers; i++) {
		if (a->users[i].uid == uid) {
			*out = &a->users[i];
			return 1;
		}
	}
	return 0;
}

int
policy_accounts_group(struct policy_accounts *a, const char *name, uint32_t *gid,
                      struct brig_err *err)
{
	if (accounts_load_groups(a, err) < 0)
		return -1;
	for (size_t i = 0; i < a->ngroups; i++) {
		if (strcmp(a->groups[i].name, name) == 0) {
			*gid = a->groups[i].gid;
			return 1;
		}
	}
	return 0;
}

static bool
accounts_is_member(const struct policy_group *g, const char *name)
{
	for (char **m = g->members; *m != NULL; m++)
		if (strcmp(*m, name) == 0)
			return true;
	return false;
}

int
policy_accounts_member_of(struct policy_accounts *a, const char *name, uint32_t **gids, size_t *n,
                          struct brig_err *err)
{
	*gids = NULL;
	*n = 0;
	if (accounts_load_groups(a, err) < 0)
		return -1;
	*gids = xcalloc(a->ngroups + 1, sizeof(**gids));
	for (size_t i = 0; i < a->ngroups; i++)
		if (accounts_is_member(&a->groups[i], name))
			(*gids)[(*n)++] = a->groups[i].gid;
	return 0;
}

bool
policy_parse_id(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t) (*s - '0');
		if (v >= UINT32_MAX)
			return false;
	}
	*out = (uint32_t) v;
	return true;
}
