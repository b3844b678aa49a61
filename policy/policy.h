/* policy.h - /etc/brig/policy: what an unprivileged user may ask of a
 * privileged helper (DESIGN.md, "Policy").
 *
 * The file is line-oriented:
 *
 *     # user or @group   action        limits
 *     allow @brig        net.veth      bridge=brig0 max=10
 *     allow alice        cgroup.limit  root=/sys/fs/cgroup/brig-users memory=256M
 *     deny  mallory      *
 *
 * A line is `allow` or `deny`, a subject (a user name, a numeric uid, @group
 * or @gid, or `*` for everyone), an action (a dotted name, or `*`), and
 * zero or more key=value limits.  The first line whose subject and action
 * match decides; when no line matches the answer is deny.  Root (uid 0) is
 * always allowed: the policy limits what helpers do for others, root needs
 * no helper's permission.
 *
 * Names are resolved when the file is loaded, from /etc/passwd and
 * /etc/group read directly (fgetpwent/fgetgrent): no NSS module is ever
 * loaded into a setuid helper.
 *
 * Only privileged helpers read the policy (and `brig policy check`, which
 * only prints).  policy_load refuses a file that is not a regular file
 * owned by root, or that is writable by group or others, or whose
 * directory is; a symlink is not followed.
 */
#ifndef BRIG_POLICY_H
#define BRIG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

#define POLICY_PATH "/etc/brig/policy"
#define POLICY_MAX_SIZE (256 * 1024)
#define POLICY_MAX_LIMITS 16

/* Actions helpers ask about. */
#define POLICY_CGROUP_LIMIT "cgroup.limit" /* limits: root=DIR memory= pids= cpus= max= */
#define POLICY_NET_VETH "net.veth"         /* limits: bridge=NAME max=N */

struct policy_limit {
	char *key;
	char *value;
};

enum policy_subject_kind { POLICY_ANY, POLICY_USER, POLICY_GROUP };

struct policy_rule {
	bool allow;
	enum policy_subject_kind kind;
	uint32_t id;          /* uid or gid, resolved at load */
	char *action;         /* "*" matches every action */
	struct policy_limit limits[POLICY_MAX_LIMITS];
	size_t nlimits;
	unsigned line;        /* 1-based line number in the file */
	char *text;           /* the line as written, for messages */
};

struct policy {
	char *path;
	struct policy_rule *rules;
	size_t nrules;
};

/* Who asks: the helper fills this from SO_PEERCRED and SO_PEERGROUPS,
 * never from anything the peer says. */
struct policy_subject {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
};

struct policy_decision {
	bool allow;
	const struct policy_rule *rule; /* NULL: default (deny, or root) */
};

/* Load PATH (normally POLICY_PATH), checking its ownership and mode as
 * above.  PASSWD and GROUP name the account files (NULL: /etc/passwd and
 * /etc/group; tests pass their own). */
int policy_load(const char *path, const char *passwd, const char *group, struct policy *p,
                struct brig_err *err);

/* Parse TEXT (LEN bytes) without any file checks; NAME is used in error
 * messages ("NAME:LINE: ...").  Used by policy_load and the fuzzer. */
int policy_parse(const char *text, size_t len, const char *name, const char *passwd,
                 const char *group, struct policy *p, struct brig_err *err);

void policy_free(struct policy *p);

/* The first rule matching S and ACTION, or the default. */
void policy_decide(const struct policy *p, const struct policy_subject *s, const char *action,
                   struct policy_decision *d);

/* The value of KEY in rule R, or NULL. */
const char *policy_limit(const struct policy_rule *r, const char *key);

/* Parse a size limit ("256M", "1G", "4096"; K/M/G are powers of 1024). */
int policy_parse_size(const char *s, uint64_t *out);

/* A count limit (pids=, max=): decimal digits only. */
int policy_parse_count(const char *s, uint64_t *out);

/* A cpus= limit ("2", "0.5", "1.25"; at most 3 decimals) in thousandths
 * of a CPU. */
int policy_parse_cpus(const char *s, uint64_t *millis);

/* Whether ACTION is one the policy knows (POLICY_CGROUP_LIMIT, ...), and
 * their names, "cgroup.limit, net.veth", for messages. */
bool policy_action_known(const char *action);
const char *policy_action_names(void);

/* Compare what is asked, N "key=value" strings in KV, with the limits of
 * rule R (the allow rule of the decision; NULL, root's decision, limits
 * nothing).  A key the rule has no limit for is not limited; size and
 * count keys (memory, pids, max, cpus) must be at most the limit, the
 * others (root, bridge) equal to it.  Returns 0 when everything is within
 * the limits, 1 when something is not, -1 when an item is malformed or
 * its key is unknown for the rule's action; in the last two cases WHY
 * (WHYLEN bytes) says which item and why:
 * "memory=512M exceeds the limit memory=256M". */
int policy_check_limits(const struct policy_rule *r, const char *const *kv, size_t n, char *why,
                        size_t whylen);

/* Fill S for USER, a user name or a numeric uid, from the account files
 * (NULL: /etc/passwd and /etc/group): uid, primary gid and the groups
 * that list the user as a member.  A numeric uid with no passwd entry has
 * gid (gid_t) -1 and no groups.  Free with policy_subject_free. */
int policy_subject_lookup(const char *user, const char *passwd, const char *group,
                          struct policy_subject *s, struct brig_err *err);
void policy_subject_free(struct policy_subject *s);

/* Add to S's groups (the caller's, from SO_PEERGROUPS) the primary group
 * and the /etc/group memberships of S->uid: a caller who dropped a group
 * (setgroups in a user namespace of its own) is still matched by a line
 * naming it, deny lines included. */
int policy_subject_add_account_groups(struct policy_subject *s, const char *passwd,
                                      const char *group, struct brig_err *err);

#endif
