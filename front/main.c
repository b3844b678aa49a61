/* main.c - brig's global options and command dispatch.
 *
 * The command line follows runc's: global options first, then a command
 * and its own options, e.g. `brig --root /run/x create --bundle B id`.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/cli.h"
#include "front/rootless.h"

struct brig_command {
	const char *name;
	brig_cmd_fn fn;
	const char *summary;
};

static const struct brig_command commands[] = {
	{ "create", cmd_create, "create a container (it waits for start)" },
	{ "start", cmd_start, "run the user process of a created container" },
	{ "run", cmd_run, "create and start a container, wait for it (-d: detach)" },
	{ "exec", cmd_exec, "run a new process in a running container" },
	{ "state", cmd_state, "print the runtime-spec state of a container" },
	{ "kill", cmd_kill, "send a signal to a container's init (--all: every process)" },
	{ "delete", cmd_delete, "delete a container (--force: kill it first)" },
	{ "list", cmd_list, "list containers (-q ids only, --format json)" },
	{ "update", cmd_update, "change the resource limits of a running container" },
	{ "pause", cmd_pause, "freeze every process of a container" },
	{ "resume", cmd_resume, "thaw a paused container" },
	{ "events", cmd_events, "stream stats and OOM events (--stats: once)" },
	{ "ps", cmd_ps, "list the processes of a container" },
	{ "spec", cmd_spec, "write a default config.json (--rootless)" },
	{ "features", cmd_features, "print the features this runtime supports (JSON)" },
	{ "policy", cmd_policy, "check what /etc/brig/policy allows a user (policy check)" },
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: brig [global options] COMMAND [options] [ARGS]\n"
		"\n"
		"An OCI runtime (runtime-spec 1.2) whose privileged steps are done by\n"
		"small helpers that check what they are asked.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Global options:\n"
		"  --root DIR          state directory (default /run/brig;\n"
		"                      rootless: $XDG_RUNTIME_DIR/brig)\n"
		"  --log FILE          also write log lines to FILE\n"
		"  --log-format FMT    text or json (for --log)\n"
		"  --debug             print debug messages\n"
		"  --helper-dir DIR    where the helpers are (default %s)\n"
		"  --systemd-cgroup    use systemd for cgroups\n"
		"  --rootless VALUE    true, false or auto (default: rootless when not\n"
		"                      root or in a user namespace; see brig(8))\n"
		"  --handler vm        run containers in qemu micro-VMs (as the annotation\n"
		"                      run.oci.handler=vm does; brig(8), brig-vm(8))\n"
		"  -v, --version       print the version\n"
		"  -h, --help          print this help\n"
		"\n"
		"Run `brig COMMAND --help` for a command's options; man brig(8).\n",
		BRIG_HELPER_DIR);
}

static void
version(void)
{
	printf("brig version %s\nspec: 1.2.0\n", BRIG_VERSION);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_HELPER_DIR,
       OPT_SYSTEMD_CGROUP, OPT_ROOTLESS, OPT_CRIU, OPT_HANDLER };

static const struct option global_options[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "helper-dir", required_argument, NULL, OPT_HELPER_DIR },
	{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
	{ "rootless", required_argument, NULL, OPT_ROOTLESS },
	{ "criu", required_argument, NULL, OPT_CRIU },
	{ "handler", required_argument, NULL, OPT_HANDLER },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_global(struct brig_global *g, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "+vh", global_options, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			g->root = optarg;
			break;
		case OPT_LOG:
			g->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") == 0)
				g->log_format = BRIG_LOG_JSON;
			else if (strcmp(optarg, "text") == 0)
				g->log_format = BRIG_LOG_TEXT;
			else {
				fprintf(stderr, "brig: --log-format: unknown format \"%s\" "
						"(use text or json)\n", optarg);
				return -1;
			}
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case OPT_HELPER_DIR:
			g->helper_dir = optarg;
			break;
		case OPT_SYSTEMD_CGROUP:
			g->systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
			g->rootless = optarg;
			break;
		case OPT_HANDLER:
			if (strcmp(optarg, "vm") != 0) {
				fprintf(stderr, "brig: --handler: unknown handler \"%s\" (brig has: "
						"vm)\n", optarg);
				return -1;
			}
			g->handler = optarg;
			break;
		case OPT_CRIU:
			break; /* accepted for runc compatibility; checkpointing is not offered */
		case 'v':
			version();
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct brig_global g = { .root = NULL, .log_format = BRIG_LOG_TEXT };
	struct brig_err err;
	const char *env;

	/* A hook or helper that exits early must not kill brig with SIGPIPE;
	 * the init puts every disposition back to default before its exec. */
	signal(SIGPIPE, SIG_IGN);
	if (parse_global(&g, argc, argv) < 0)
		return 1;
	if (rootless_setup(&g, &err) < 0) {
		brig_log_setup(&g);
		brig_log_error(&err);
		return 1;
	}
	if (g.helper_dir == NULL && (env = getenv("BRIG_HELPER_DIR")) != NULL && *env)
		g.helper_dir = env;
	if (g.helper_dir == NULL)
		g.helper_dir = BRIG_HELPER_DIR;
	brig_log_setup(&g);
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind = 0; /* reset getopt for the command's own options */
			return commands[i].fn(&g, sub_argc, sub_argv);
		}
	}
	brig_log_errorf("unknown command \"%s\" (see brig --help)", argv[optind]);
	return 1;
}
