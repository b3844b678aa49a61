/* internal.h - what the files of policy/ share and nobody else needs. */
#ifndef BRIG_POLICY_INTERNAL_H
#define BRIG_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define POLICY_MAX_LINE 4096

/* ---- accounts.c: /etc/passwd and /etc/group, read once, no NSS ---- */

struct policy_user {
	char *name;
	uint32_t uid;
	uint32_t gid;
};

struct policy_group {
	char *name;
	uint32_t gid;
	char **members; /* NULL-terminated */
};

/* Loaded lazily: a policy with only numeric ids and `*` never reads them. */
struct policy_accounts {
	const char *passwd_path;
	const char *group_path;
	bool users_loaded, groups_loaded;
	struct policy_user *users;
	size_t nusers;
	struct policy_group *groups;
	size_t ngroups;
};

void policy_accounts_init(struct policy_accounts *a, const char *passwd, const char *group);
void policy_accounts_free(struct policy_accounts *a);
/* 1 and the entry when NAME is there, 0 when not, -1 when the file
 * cannot be read. */
int policy_accounts_user(struct policy_accounts *a, const char *name,
                         const struct policy_user **out, struct brig_err *err);
int policy_accounts_uid(struct policy_accounts *a, uint32_t uid, const struct policy_user **out,
                        struct brig_err *err);
int policy_accounts_group(struct policy_accounts *a, const char *name, uint32_t *gid,
                          struct brig_err *err);
/* The gids of the groups listing NAME as a member (allocated, *N set). */
int policy_accounts_member_of(struct policy_accounts *a, const char *name, uint32_t **gids,
                              size_t *n, struct brig_err *err);

/* A decimal id, 0 .. UINT32_MAX - 1 ((uid_t) -1 means "no id"). */
bool policy_parse_id(const char *s, uint32_t *out);

/* ---- limits.c: the actions and the keys each takes ---- */

/* Check KEY=VALUE as a limit of ACTION ("*": any action's keys).
 * Returns 0, or -1 with ERR saying what is wrong (no file:line). */
int policy_limit_check_value(const char *action, const char *key, const char *value,
                             struct brig_err *err);

#endif
