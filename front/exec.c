/* exec.c - `brig exec`: start a process inside a running container.
 *
 * The new process stands where the container's init stands: its
 * namespaces (one setns through the init's pidfd, which the kernel checks
 * as a set, the user namespace first), its cgroup (brig-cgroup hands over
 * the cgroup2 directory for CLONE_INTO_CGROUP and the v1 "tasks" files,
 * as at create), and the seccomp program of the container's config (from
 * the cache).  A pid namespace applies to children only, so brig joins it
 * itself before the clone.  The child then sets up its own process with
 * the init's code (init_process.c) and execs; the socket between them is
 * close-on-exec, so EOF means the exec happened and a message means it
 * did not.
 */
#include "front/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "front/init_process.h"
#include "front/proc.h"
#include "front/tty.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct exec_job {
	struct container c;     /* what init_process_setup needs: cfg, opts, seccomp */
	struct create_opts copts;
	struct ctr_state st;
	int rootfd, dirfd, initfd;
	int ns_flags;           /* namespaces of the init that differ from ours */
	struct cg_entry entry;
	sigset_t saved_mask;
	int master; /* process.terminal: the pty master, -1 otherwise */
};

static int
check_running(const struct ctr_state *st, struct brig_err *err)
{
	/* The guest has no agent to start a second process, and brig-vm's
	 * namespaces are the host's: never join them. */
	if (st->vm_pid > 0)
		return brig_err_set(err, 0, "container \"%s\" runs in a VM (run.oci.handler=vm): "
					    "exec is not supported there", st->id);
	switch (st->status) {
	case CTR_CREATED:
	case CTR_RUNNING:
		return 0;
	case CTR_PAUSED:
		return brig_err_set(err, 0, "container \"%s\" is paused: resume it first", st->id);
	case CTR_CREATING:
	case CTR_STOPPED:
	default:
		return brig_err_set(err, 0, "container \"%s\" is not running", st->id);
	}
}

static int
load_config(struct exec_job *j, const struct exec_opts *o, struct brig_err *err)
{
	cleanup_close int bundlefd = open(j->st.bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (bundlefd < 0)
		return brig_err_set(err, errno, "exec: bundle %s", j->st.bundle);
	if (config_load(bundlefd, &j->c.cfg, err) < 0)
		return brig_err_wrap(err, "exec: bundle %s", j->st.bundle);
	if (exec_build_process(o, j->c.cfg, err) < 0)
		return -1;
	if (j->c.cfg->process.terminal && o->detach && o->console_socket == NULL)
		return brig_err_set(err, 0, "exec: a terminal (--tty, process.terminal) needs "
					    "--console-socket when detached");
	return 0;
}

/* --cgroup SUB: an existing cgroup under the container's, in every
 * hierarchy (runc's plain form; its per-controller "ctl:path" form is not
 * offered).  brig-cgroup walks it component by component and refuses
 * "..", so only the syntax is checked here. */
static int
check_sub_cgroup(const char *sub, struct brig_err *err)
{
	if (sub[0] == '\0' || sub[0] == '/' || strchr(sub, ':') != NULL)
		return brig_err_set(err, 0, "--cgroup %s: give a path under the container's "
					    "cgroup (the controller:path form is not offered)", sub);
	return 0;
}

static char *
sub_cgroup_path(const struct ctr_state *st, const char *sub)
{
	if (st->cgroups_path != NULL)
		return xasprintf("%s/%s", st->cgroups_path, sub);
	return xasprintf("/%s/%s", st->id, sub);
}

static int
enter_cgroup_fds(struct exec_job *j, const struct exec_opts *o, struct brig_global *g,
		 struct brig_err *err)
{
	cleanup_free char *path = NULL;
	struct cg_session s;
	struct cg_target t;
	int ret;

	if (o->cgroup != NULL && check_sub_cgroup(o->cgroup, err) < 0)
		return -1;
	if (!j->st.has_cgroup) {
		if (o->cgroup != NULL)
			return brig_err_set(err, 0, "--cgroup: container \"%s\" has no cgroup",
					    o->id);
		return 0;
	}
	/* A privileged brig-cgroup made this user's cgroup at create; it hands
	 * no entry fds to users (a root-opened "tasks" fd would move any
	 * process).  The new process stays in brig's cgroup: said, not hidden. */
	if (geteuid() != 0 && cgroup_helper_privileged(g->helper_dir)) {
		brig_log_warnf("exec: the process is not in the container's cgroup (the "
			       "privileged brig-cgroup places processes only at create)");
		return 0;
	}
	cgroup_target_of(&j->st, &t);
	if (o->cgroup != NULL) {
		path = sub_cgroup_path(&j->st, o->cgroup);
		t.path = path;
	}
	if (cgs_start(&s, g->helper_dir, err) < 0)
		return -1;
	ret = cgs_enter(&s, &t, &j->entry, err);
	cgs_finish(&s);
	if (ret < 0 && o->cgroup != NULL)
		return brig_err_wrap(err, "--cgroup %s", o->cgroup);
	return ret;
}

static int
open_container(struct exec_job *j, struct brig_global *g, const struct exec_opts *o,
	       struct brig_err *err)
{
	if (ctr_open(g, o->id, &j->rootfd, &j->dirfd, &j->st, err) < 0 ||
	    check_running(&j->st, err) < 0)
		return -1;
	j->initfd = proc_pidfd_checked(j->st.pid, j->st.start_time);
	if (j->initfd < 0)
		return brig_err_set(err, 0, "container \"%s\" is not running", o->id);
	j->ns_flags = proc_ns_flags_differing(j->st.pid);
	if (load_config(j, o, err) < 0)
		return -1;
	if (j->c.cfg->linux.seccomp.present &&
	    seccomp_program_for(g, &j->c.cfg->linux.seccomp, &j->c.seccomp, err) < 0)
		return -1;
	return enter_cgroup_fds(j, o, g, err);
}

/* ---- the child ---- */

static int
child_enter(struct exec_job *j, struct brig_err *err)
{
	int rest = j->ns_flags & ~(CLONE_NEWPID | CLONE_NEWTIME);
	int ret = 0;

	/* Moving itself ("0") skips the kernel's global threadgroup lock. */
	for (uint32_t i = 0; i < j->entry.n_tasks; i++) {
		if (ret == 0 && write(j->entry.tasks[i], "0", 1) != 1)
			ret = brig_err_set(err, errno, "enter the container's cgroup");
		close(j->entry.tasks[i]);
	}
	if (ret < 0)
		return -1;
	if (rest != 0 && setns(j->initfd, rest) < 0)
		return brig_err_set(err, errno, "join the container's namespaces");
	return 0;
}

static void __attribute__((noreturn))
exec_child(struct exec_job *j, int sock)
{
	struct brig_err err;

	if (child_enter(j, &err) == 0) {
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &j->saved_mask, NULL);
		/* None of brig's fds may reach the process; the socket goes
		 * at exec like the rest. */
		syscall(SYS_close_range, 3 + j->copts.preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
		/* We stand in the container's mount namespace: its devpts. */
		if ((!j->c.cfg->process.terminal ||
		     tty_pass_to_front(&j->c.cfg->process, sock, &err) == 0) &&
		    init_process_setup(&j->c, &err) == 0)
			init_process_exec(&j->c, &err);
	}
	sync_send_error(sock, &err);
	_exit(127);
}

/* ---- the front ---- */

/* The kernel lets a process join a pid namespace only with CAP_SYS_ADMIN
 * in its own user namespace too: rootless, brig joins the container's
 * user namespace with it (brig owns it, so it is all-powerful there and
 * nowhere else).  The child then has one join fewer. */
static int
join_for_children(struct exec_job *j, struct brig_err *err)
{
	int flags = j->ns_flags & (CLONE_NEWPID | CLONE_NEWTIME);

	if (flags != 0 && geteuid() != 0)
		flags |= j->ns_flags & CLONE_NEWUSER;
	if (flags != 0 && setns(j->initfd, flags) < 0)
		return brig_err_set(err, errno, "join the container's pid namespace");
	j->ns_flags &= ~flags;
	return 0;
}

/* EOF: the process exec'd.  A message: it failed, and says why. */
static int
wait_exec(int sock, struct brig_err *err)
{
	struct sync_msg m;
	ssize_t n;

	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n < (ssize_t) offsetof(struct sync_msg, payload) || m.type != SYNC_ERROR)
		return brig_err_set(err, EPROTO, "exec: the new process did not report");
	m.payload[sizeof(err->msg) - 1] = '\0';
	err->errnum = 0;
	memcpy(err->msg, m.payload, sizeof(err->msg));
	return -1;
}

static pid_t
spawn(struct exec_job *j, int *pidfd, struct brig_err *err)
{
	struct clone_args args = { .flags = CLONE_PIDFD, .exit_signal = SIGCHLD };
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return brig_err_set(err, errno, "socketpair");
	args.pidfd = (uint64_t) (uintptr_t) pidfd;
	if (j->entry.v2_dir >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t) j->entry.v2_dir;
	}
	pid = sys_clone3(&args);
	if (pid == 0) {
		close(sv[0]);
		exec_child(j, sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return brig_err_set(err, errno, "clone the exec process");
	}
	if ((j->c.cfg->process.terminal &&
	     sync_expect_fd(sv[0], SYNC_CONSOLE, &j->master, err) < 0) ||
	    wait_exec(sv[0], err) < 0) {
		close(sv[0]);
		close(*pidfd);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	close(sv[0]);
	return pid;
}

static void
job_release(struct exec_job *j)
{
	cg_entry_close(&j->entry);
	if (j->master >= 0)
		close(j->master);
	seccomp_prog_free(&j->c.seccomp);
	if (j->c.cfg != NULL)
		config_free(j->c.cfg);
	state_free(&j->st);
	if (j->initfd >= 0)
		close(j->initfd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	if (j->rootfd >= 0)
		close(j->rootfd);
}

static void
job_init(struct exec_job *j, const struct exec_opts *o)
{
	memset(j, 0, sizeof(*j));
	j->rootfd = j->dirfd = j->initfd = j->master = -1;
	j->entry.v2_dir = -1;
	j->copts.id = o->id;
	j->copts.preserve_fds = o->preserve_fds;
	j->copts.no_new_keyring = true; /* the container's keyring, as runc's exec */
	j->c.opts = &j->copts;
	j->c.listener_fd = -1;
}

/* --console-socket: the pty master goes there (else we relay it). */
static int
hand_console(struct exec_job *j, const struct exec_opts *o, struct brig_err *err)
{
	int ret;

	if (j->master < 0 || o->console_socket == NULL)
		return 0;
	ret = tty_send_console(o->console_socket, j->master, err);
	close(j->master);
	j->master = -1;
	return ret;
}

int
exec_container(struct brig_global *g, const struct exec_opts *o, struct brig_err *err)
{
	struct exec_job j;
	sigset_t all;
	int pidfd = -1, status, ret = -1;
	pid_t pid;

	job_init(&j, o);
	if (open_container(&j, g, o, err) < 0)
		goto out;
	/* Other commands on this container must work while we wait. */
	flock(j.dirfd, LOCK_UN);
	proc_block_signals(&all, &j.saved_mask);
	if (join_for_children(&j, err) < 0)
		goto out;
	pid = spawn(&j, &pidfd, err);
	if (pid < 0)
		goto out;
	cg_entry_close(&j.entry);
	/* runc kills the process when it cannot say where it is, or hand
	 * its terminal over. */
	if ((o->pid_file != NULL && proc_write_pid_file(o->pid_file, pid, err) < 0) ||
	    hand_console(&j, o, err) < 0) {
		sys_pidfd_send_signal(pidfd, SIGKILL, 0);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(pidfd);
		goto out;
	}
	if (o->detach) {
		ret = 0;
	} else {
		status = j.master >= 0 ? tty_relay(j.master, pid, pidfd, &all)
				       : proc_forward_and_wait(pid, pidfd, &all);
		ret = proc_exit_code(status);
	}
	close(pidfd);
out:
	job_release(&j);
	return ret;
}
