/* cmd_ps.c - `brig ps [-f table|json] ID [ps options]`: the processes of
 * a container's cgroup; with ps(1) options, ps's lines for those pids
 * (as runc does: ps runs on the host, its rows are filtered by pid). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "lib/xalloc.h"

static void
print_json(const struct cg_pids_reply *p)
{
	printf("[");
	for (uint32_t i = 0; i < p->n; i++)
		printf("%s%d", i ? "," : "", p->pids[i]);
	printf("]\n");
}

static bool
has_pid(const struct cg_pids_reply *p, long pid)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (p->pids[i] == pid)
			return true;
	return false;
}

/* Run ps with ARGS, print its header and the rows of our pids: the PID
 * column is found in the header. */
static int
print_ps(const struct cg_pids_reply *p, int argc, char **argv)
{
	char **args = xcalloc((size_t) argc + 2, sizeof(char *));
	char *line = NULL;
	size_t cap = 0;
	int col = -1, status;
	FILE *f;
	int fds[2];
	pid_t pid;

	args[0] = "ps";
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	if (argc == 0)
		args[1] = "-ef";
	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("ps", args);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	for (int n = 0; f != NULL && getline(&line, &cap, f) > 0; n++) {
		if (n == 0) {
			char *save, *tok, *copy = xstrdup(line);
			int i = 0;
			for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), i++)
				if (strcmp(tok, "PID") == 0)
					col = i;
			free(copy);
			fputs(line, stdout);
			continue;
		}
		if (col >= 0) {
			char *save, *tok, *copy = xstrdup(line);
			int i = 0;
			for (tok = strtok_r(copy, " \t\n", &save); tok && i < col; tok = strtok_r(NULL, " \t\n", &save))
				i++;
			if (tok != NULL && has_pid(p, strtol(tok, NULL, 10)))
				fputs(line, stdout);
			free(copy);
		}
	}
	free(line);
	if (f != NULL)
		fclose(f);
	waitpid(pid, &status, 0);
	free(args);
	if (col < 0) {
		brig_log_errorf("ps: no PID column in the output of ps");
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
cmd_ps(struct brig_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_pids_reply pids;
	struct cg_target t;
	struct ctr_state st;
	struct brig_err err;
	struct cg_session s;
	bool json = false;
	int rootfd, dirfd, ch, ret = 1;

	while ((ch = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		if (ch == 'f' && strcmp(optarg, "json") == 0)
			json = true;
		else if (ch == 'f' && strcmp(optarg, "table") == 0)
			json = false;
		else {
			printf("usage: brig ps [--format table|json] ID [ps options]\n");
			return ch == 'h' ? 0 : 1;
		}
	}
	if (optind >= argc) {
		brig_log_errorf("ps: expects a container id");
		return 1;
	}
	if (ctr_open(g, argv[optind], &rootfd, &dirfd, &st, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	if (!st.has_cgroup) {
		brig_log_errorf("ps: container \"%s\" has no cgroup", st.id);
	} else if (cgroup_target_of(&st, &t), cgs_start(&s, g->helper_dir, &err) < 0) {
		brig_log_error(&err);
	} else {
		if (cgs_pids(&s, &t, &pids, &err) < 0) {
			brig_log_error(&err);
		} else {
			if (json)
				print_json(&pids);
			ret = json ? 0 : (print_ps(&pids, argc - optind - 1, argv + optind + 1) < 0);
			cgmsg_pids_free(&pids);
		}
		cgs_finish(&s);
	}
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return ret;
}
