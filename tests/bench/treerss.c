/* treerss.c - run a command and report the peak RSS of its whole process
 * tree, which /usr/bin/time cannot: it sees only its direct child.
 *
 *   treerss [-o FILE] COMMAND [ARG...]
 *
 * treerss makes itself a child subreaper (PR_SET_CHILD_SUBREAPER), so every
 * descendant that loses its parent - a runtime's double-forked init, a
 * detached shim - is re-parented to it, and reaps everything with wait4,
 * collecting each process's own ru_maxrss.  It prints (to FILE or stderr)
 *   max_kb=N sum_kb=N procs=N
 * max: the largest single process; sum: the sum over all processes, an
 * upper bound of the tree's peak (they need not all peak at once).
 * A descendant reaped by its own parent is not seen on its own: the
 * kernel folds it into that parent's ru_maxrss as a maximum, so "max"
 * stays right while "sum" counts it only through the max.  procs says how
 * many processes treerss reaped itself.
 * Exit status: the command's (128+signal if killed).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct tree_usage {
	long max_kb, sum_kb;
	unsigned procs;
};

/* Reap every descendant until none is left; the first child's status
 * becomes the exit status. */
static int
reap_all(pid_t first, struct tree_usage *u)
{
	int code = 127;

	for (;;) {
		struct rusage ru;
		int status;
		pid_t pid = wait4(-1, &status, 0, &ru);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: the tree is gone */
		}
		u->procs++;
		u->sum_kb += ru.ru_maxrss;
		if (ru.ru_maxrss > u->max_kb)
			u->max_kb = ru.ru_maxrss;
		if (pid == first)
			code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	return code;
}

int
main(int argc, char **argv)
{
	struct tree_usage u = { 0 };
	FILE *out = stderr;
	int argi = 1, code;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = fopen(argv[2], "we");
		if (out == NULL) {
			perror(argv[2]);
			return 125;
		}
		argi = 3;
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: treerss [-o FILE] COMMAND [ARG...]\n");
		return 125;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("treerss: PR_SET_CHILD_SUBREAPER");
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("treerss: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "treerss: %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	/* Signals for the command go to it, not to the measuring tool. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	code = reap_all(pid, &u);
	fprintf(out, "max_kb=%ld sum_kb=%ld procs=%u\n", u.max_kb, u.sum_kb, u.procs);
	if (out != stderr)
		fclose(out);
	return code;
}
