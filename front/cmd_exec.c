/* cmd_exec.c - `brig exec [options] ID [COMMAND [ARG...]]`, runc's flags. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/cmd_common.h"
#include "front/exec.h"
#include "lib/xalloc.h"

static void
exec_usage(FILE *f)
{
	fprintf(f,
		"usage: brig exec [options] ID [COMMAND [ARG...]]\n"
		"Run a new process in a running container.\n"
		"  -p, --process FILE        the process as a runtime-spec process object\n"
		"  -e, --env KEY=VALUE       set an environment variable (repeatable)\n"
		"      --cwd DIR             working directory in the container\n"
		"  -u, --user UID[:GID]      user and group ids\n"
		"  -g, --additional-gids GID extra group (repeatable)\n"
		"  -c, --cap CAP_NAME        add a capability (repeatable)\n"
		"      --no-new-privs        set no_new_privs\n"
		"  -d, --detach              do not wait for the process\n"
		"      --pid-file FILE       write the process's pid to FILE\n"
		"      --preserve-fds N      pass N fds after stdio to the process\n"
		"  -t, --tty                 allocate a terminal (relayed, or to --console-socket)\n"
		"      --console-socket S    where a terminal's master goes (with --tty)\n"
		"      --apparmor P, --process-label L   refused: brig applies no LSM\n"
		"      --cgroup SUB          join SUB, an existing cgroup under the container's\n");
}

enum {
	OPT_CWD = 256,
	OPT_NNP,
	OPT_PID_FILE,
	OPT_PRESERVE,
	OPT_CONSOLE,
	OPT_APPARMOR,
	OPT_LABEL,
	OPT_CGROUP,
	OPT_IGNORE_PAUSED,
};

static const struct option exec_options[] = {
	{ "process", required_argument, NULL, 'p' },
	{ "env", required_argument, NULL, 'e' },
	{ "cwd", required_argument, NULL, OPT_CWD },
	{ "user", required_argument, NULL, 'u' },
	{ "additional-gids", required_argument, NULL, 'g' },
	{ "cap", required_argument, NULL, 'c' },
	{ "no-new-privs", no_argument, NULL, OPT_NNP },
	{ "detach", no_argument, NULL, 'd' },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
	{ "tty", no_argument, NULL, 't' },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "apparmor", required_argument, NULL, OPT_APPARMOR },
	{ "process-label", required_argument, NULL, OPT_LABEL },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_id(const char *s, const char *what, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || *out > 0xfffffffeUL) {
		brig_log_errorf("%s: \"%s\" is not a number", what, s);
		return -1;
	}
	return 0;
}

static int
parse_user(struct exec_opts *o, const char *s)
{
	char *copy = xstrdup(s), *colon = strchr(copy, ':');
	unsigned long v;
	int ret = -1;

	if (colon != NULL)
		*colon = '\0';
	if (parse_id(copy, "--user", &v) < 0)
		goto out;
	o->has_user = true;
	o->uid = (uid_t) v;
	if (colon != NULL) {
		if (parse_id(colon + 1, "--user", &v) < 0)
			goto out;
		o->has_gid = true;
		o->gid = (gid_t) v;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

static int
add_cap(struct exec_opts *o, const char *name)
{
	int n = config_cap_number(name);

	if (n < 0) {
		brig_log_errorf("--cap: unknown capability \"%s\"", name);
		return -1;
	}
	o->add_caps |= 1ull << n;
	return 0;
}

static int
exec_option(struct exec_opts *o, int c)
{
	unsigned long v;

	switch (c) {
	case 'p': o->process_file = optarg; return 0;
	case 'e':
		if (strchr(optarg, '=') == NULL) {
			brig_log_errorf("--env: \"%s\" is not KEY=VALUE", optarg);
			return -1;
		}
		o->env = xrealloc(o->env, (o->n_env + 1) * sizeof(char *));
		o->env[o->n_env++] = optarg;
		return 0;
	case OPT_CWD: o->cwd = optarg; return 0;
	case 'u': return parse_user(o, optarg);
	case 'g':
		if (parse_id(optarg, "--additional-gids", &v) < 0)
			return -1;
		o->add_gids = xrealloc(o->add_gids, (o->n_add_gids + 1) * sizeof(gid_t));
		o->add_gids[o->n_add_gids++] = (gid_t) v;
		return 0;
	case 'c': return add_cap(o, optarg);
	case OPT_NNP: o->no_new_privs = true; return 0;
	case 'd': o->detach = true; return 0;
	case OPT_PID_FILE: o->pid_file = optarg; return 0;
	case OPT_PRESERVE:
		if (parse_id(optarg, "--preserve-fds", &v) < 0 || v > 1024) {
			brig_log_errorf("--preserve-fds: \"%s\" is not a count up to 1024", optarg);
			return -1;
		}
		o->preserve_fds = (int) v;
		return 0;
	case 't': o->tty = true; return 0;
	case OPT_CONSOLE: o->console_socket = optarg; return 0;
	case OPT_APPARMOR: o->apparmor = optarg; return 0;
	case OPT_LABEL: o->label = optarg; return 0;
	case OPT_CGROUP: o->cgroup = optarg; return 0;
	case OPT_IGNORE_PAUSED: return 0;
	case 'h': exec_usage(stdout); exit(0);
	default: exec_usage(stderr); return -1;
	}
}

int
cmd_exec(struct brig_global *g, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct create_opts fill = { 0 };
	struct brig_err err;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+p:e:u:g:c:dth", exec_options, NULL)) != -1)
		if (exec_option(&o, c) < 0)
			return 1;
	if (optind >= argc) {
		brig_log_errorf("exec: a container id is required");
		exec_usage(stderr);
		return 1;
	}
	o.id = argv[optind];
	o.args = argv + optind + 1;
	o.n_args = (size_t) (argc - optind - 1);
	fill.preserve_fds = o.preserve_fds;
	if (create_fill_preserved(&fill, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	ret = exec_container(g, &o, &err);
	free(o.env);
	free(o.add_gids);
	if (ret < 0) {
		brig_log_error(&err);
		return 255;
	}
	return ret;
}
