/* cmd_run.c - `brig run`: create, start, and (unless -d) wait.
 *
 * In the foreground brig stays the init's parent: every signal it gets
 * (but SIGCHLD) is forwarded to the container's process through the
 * pidfd, and brig exits with the process's status (128+N if killed by
 * signal N), as runc does.  The container is deleted at the end unless
 * --keep.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "front/proc.h"
#include "front/tty.h"
#include "lib/sys.h"

static void
run_usage(FILE *f)
{
	fprintf(f, "usage: brig run [options] ID\n"
		   "  -b, --bundle DIR       bundle directory (default: current directory)\n"
		   "  -d, --detach           do not wait for the container's process\n"
		   "      --keep             keep the container's state after it exits\n"
		   "      --pid-file FILE    write the init's pid to FILE\n"
		   "      --console-socket S unix socket that receives the terminal master\n"
		   "      --no-pivot         use move + chroot instead of pivot_root\n"
		   "      --no-new-keyring   keep the caller's session keyring\n"
		   "      --preserve-fds N   pass N fds after stdio to the process\n");
}

int
cmd_run(struct brig_global *g, int argc, char **argv)
{
	struct create_opts o = { 0 };
	struct run_extra extra = { 0 };
	struct container c;
	struct brig_err err;
	sigset_t all;
	int status, code;

	if (parse_create_opts(argc, argv, &o, true, &extra, run_usage) < 0)
		return 1;
	if (create_fill_preserved(&o, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	/* Block every signal now; the init restores the old mask before its
	 * exec, and the loop below reads them from a signalfd. */
	proc_block_signals(&all, &o.saved_mask);
	o.has_saved_mask = true;
	if (container_create(&c, g, &o, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	if (container_go(&c, &err) < 0) {
		brig_log_error(&err);
		ctr_kill_and_wait(g, &c.st, c.cg_active ? &c.cg : NULL);
		while (waitpid(c.pid, NULL, 0) < 0 && errno == EINTR)
			;
		ctr_destroy(g, c.state_rootfd, c.dirfd, &c.st, c.cg_active ? &c.cg : NULL);
		if (c.cg_active)
			cgs_finish(&c.cg);
		container_release(&c);
		return 1;
	}
	if (extra.detach) {
		if (c.cg_active)
			cgs_finish(&c.cg);
		container_release(&c);
		return 0;
	}
	/* Other commands (state, kill) must work while we wait. */
	flock(c.dirfd, LOCK_UN);
	if (c.console_master >= 0)
		status = tty_relay(c.console_master, c.pid, c.pidfd, &all);
	else
		status = proc_forward_and_wait(c.pid, c.pidfd, &all);
	flock(c.dirfd, LOCK_EX);
	code = proc_exit_code(status);
	if (!extra.keep)
		ctr_destroy(g, c.state_rootfd, c.dirfd, &c.st, c.cg_active ? &c.cg : NULL);
	if (c.cg_active)
		cgs_finish(&c.cg);
	container_release(&c);
	return code;
}
