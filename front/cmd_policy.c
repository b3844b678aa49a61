/* cmd_policy.c - `brig policy check [--file F] USER ACTION [KEY=VALUE...]`:
 * what /etc/brig/policy answers when USER asks a privileged helper for
 * ACTION, and the line that decides.  It reads the file with the same
 * checks and code as the helpers (policy/), so what it prints is what they
 * do.  Exit 0 allow, 1 deny, 2 error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "front/cli.h"
#include "policy/policy.h"

enum { POLICY_EXIT_ALLOW = 0, POLICY_EXIT_DENY = 1, POLICY_EXIT_ERROR = 2 };

struct policy_args {
	const char *file;
	const char *passwd;
	const char *group;
	const char *user;
	const char *action;
	const char *const *kv;
	size_t nkv;
};

static void
policy_usage(FILE *out)
{
	fprintf(out,
	        "usage: brig policy check [--file FILE] USER ACTION [KEY=VALUE...]\n"
	        "\n"
	        "Print what the policy answers when USER (a name or a uid) asks a\n"
	        "privileged helper for ACTION (%s), and the line that decides:\n"
	        "  allow (line 3: allow @brig net.veth bridge=brig0 max=10)\n"
	        "KEY=VALUE items are checked against that line's limits.\n"
	        "Exit status: 0 allow, 1 deny, 2 error.\n"
	        "\n"
	        "Options:\n"
	        "  --file FILE     the policy (default %s; same checks: root-owned,\n"
	        "                  not writable by group or others, nor its directory)\n"
	        "  --passwd FILE   the user accounts (default /etc/passwd)\n"
	        "  --group FILE    the groups (default /etc/group)\n"
	        "  -h, --help      print this help\n"
	        "\n"
	        "See brig-policy(5).\n",
	        policy_action_names(), POLICY_PATH);
}

enum { OPT_FILE = 256, OPT_PASSWD, OPT_GROUP };

static const struct option policy_options[] = {
    {"file", required_argument, NULL, OPT_FILE},
    {"passwd", required_argument, NULL, OPT_PASSWD},
    {"group", required_argument, NULL, OPT_GROUP},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* argv[0] is "check".  Returns 1 when --help was printed. */
static int
policy_parse_args(int argc, char **argv, struct policy_args *a)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", policy_options, NULL)) != -1) {
		switch (c) {
		case OPT_FILE:
			a->file = optarg;
			break;
		case OPT_PASSWD:
			a->passwd = optarg;
			break;
		case OPT_GROUP:
			a->group = optarg;
			break;
		case 'h':
			policy_usage(stdout);
			return 1;
		default:
			policy_usage(stderr);
			return -1;
		}
	}
	if (argc - optind < 2) {
		brig_log_errorf(
		    "policy check: USER and ACTION are required (see brig policy --help)");
		return -1;
	}
	a->user = argv[optind];
	a->action = argv[optind + 1];
	a->kv = (const char *const *) argv + optind + 2;
	a->nkv = (size_t) (argc - optind - 2);
	return 0;
}

static int
policy_check_args(const struct policy_args *a)
{
	if (strcmp(a->action, "*") == 0 || !policy_action_known(a->action)) {
		brig_log_errorf("policy check: unknown action \"%s\" (known: %s)", a->action,
		                policy_action_names());
		return -1;
	}
	for (size_t i = 0; i < a->nkv; i++) {
		const char *eq = strchr(a->kv[i], '=');
		if (eq == NULL || eq == a->kv[i]) {
			brig_log_errorf("policy check: \"%s\" is not KEY=VALUE", a->kv[i]);
			return -1;
		}
	}
	return 0;
}

/* The decision of an allow rule, once the asked limits are compared. */
static int
policy_print_allow(const struct policy_rule *r, const struct policy_args *a)
{
	char why[512];

	switch (policy_check_limits(r, a->kv, a->nkv, why, sizeof(why))) {
	case 0:
		printf("allow (line %u: %s)\n", r->line, r->text);
		return POLICY_EXIT_ALLOW;
	case 1:
		printf("deny (line %u: %s)\n", r->line, why);
		return POLICY_EXIT_DENY;
	default:
		brig_log_errorf("policy check: %s", why);
		return POLICY_EXIT_ERROR;
	}
}

static int
policy_print(const struct policy *p, const struct policy_subject *s, const struct policy_args *a)
{
	struct policy_decision d;

	policy_decide(p, s, a->action, &d);
	if (d.allow && d.rule == NULL) {
		printf("allow (root)\n");
		return POLICY_EXIT_ALLOW;
	}
	if (d.rule == NULL) {
		printf("deny (no line matches: default deny)\n");
		return POLICY_EXIT_DENY;
	}
	if (!d.allow) {
		printf("deny (line %u: %s)\n", d.rule->line, d.rule->text);
		return POLICY_EXIT_DENY;
	}
	return policy_print_allow(d.rule, a);
}

static int
policy_check(const struct policy_args *a)
{
	const char *file = a->file != NULL ? a->file : POLICY_PATH;
	struct policy_subject s;
	struct policy p;
	struct brig_err err;
	int ret;

	if (policy_check_args(a) < 0)
		return POLICY_EXIT_ERROR;
	if (policy_subject_lookup(a->user, a->passwd, a->group, &s, &err) < 0) {
		brig_err_wrap(&err, "policy check");
		brig_log_error(&err);
		return POLICY_EXIT_ERROR;
	}
	if (policy_load(file, a->passwd, a->group, &p, &err) < 0) {
		/* No file is no permission for anyone but root, as the helpers
		 * read it. */
		if (err.errnum == ENOENT && s.uid != 0) {
			printf("deny (no policy file %s: default deny)\n", file);
			ret = POLICY_EXIT_DENY;
		} else if (err.errnum == ENOENT) {
			printf("allow (root)\n");
			ret = POLICY_EXIT_ALLOW;
		} else {
			brig_log_error(&err);
			ret = POLICY_EXIT_ERROR;
		}
		policy_subject_free(&s);
		return ret;
	}
	ret = policy_print(&p, &s, a);
	policy_free(&p);
	policy_subject_free(&s);
	return ret;
}

int
cmd_policy(struct brig_global *g, int argc, char **argv)
{
	struct policy_args a = {0};
	int ret;

	(void) g;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		policy_usage(stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		brig_log_errorf("policy: expected \"check\" (see brig policy --help)");
		return POLICY_EXIT_ERROR;
	}
	ret = policy_parse_args(argc - 1, argv + 1, &a);
	if (ret != 0)
		return ret > 0 ? 0 : POLICY_EXIT_ERROR;
	return policy_check(&a);
}
