/* create.c - the front's side of creating a container.
 *
 * Order (DESIGN.md, "start path lean"): validate everything, take the
 * state directory, start brig-mount (its exec overlaps our clone), clone
 * the init into its new namespaces, write id maps, run the runtime hooks,
 * have brig-mount build the root, let the init finish its own setup, then
 * commit state.json.  Any failure goes through container_abort(), which
 * kills the init (its namespaces and every mount die with it) and
 * removes the state directory: nothing is left behind.
 */
#include "front/container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "front/hooks.h"
#include "front/plan_mount.h"
#include "front/plan_net.h"
#include "front/proc.h"
#include "front/rootless.h"
#include "front/tty.h"
#include "ipc/codec.h"
#include "ipc/io.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

static const char *const ns_names[CFG_NS_COUNT] = {
	[CFG_NS_PID] = "pid",   [CFG_NS_NETWORK] = "network", [CFG_NS_MOUNT] = "mount",
	[CFG_NS_IPC] = "ipc",   [CFG_NS_UTS] = "uts",         [CFG_NS_USER] = "user",
	[CFG_NS_CGROUP] = "cgroup", [CFG_NS_TIME] = "time",
};

static int
resolve_bundle(struct container *c, struct brig_err *err)
{
	const char *b = c->opts->bundle ? c->opts->bundle : ".";
	char *abs = realpath(b, NULL);

	if (abs == NULL)
		return brig_err_set(err, errno, "--bundle %s", b);
	c->bundle = abs;
	return 0;
}

static int
resolve_rootfs(struct container *c, struct brig_err *err)
{
	const char *p = c->cfg->root.path;
	cleanup_free char *joined = NULL;
	struct stat st;

	if (p == NULL)
		return brig_err_set(err, 0, "config.json: root.path: required");
	if (p[0] != '/')
		joined = xasprintf("%s/%s", c->bundle, p);
	c->rootfs = realpath(joined ? joined : p, NULL);
	if (c->rootfs == NULL)
		return brig_err_set(err, errno, "config.json: root.path: \"%s\"", p);
	if (stat(c->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
		return brig_err_set(err, ENOTDIR, "config.json: root.path: \"%s\"", p);
	return 0;
}

/* Checks that need the whole config and are about what brig can do,
 * beyond the document's own validity (config parser). */
static int
check_config(struct container *c, struct brig_err *err)
{
	const struct config *cfg = c->cfg;

	if (!cfg->process.present)
		return brig_err_set(err, 0, "config.json: process: required to create a container");
	if (config_namespace(cfg, CFG_NS_MOUNT) == NULL)
		return brig_err_set(err, 0, "config.json: linux.namespaces: a mount namespace is "
					    "required");
	if (cfg->process.terminal && (!c->opts->run_mode || c->opts->detach) &&
	    c->opts->console_socket == NULL)
		return brig_err_set(err, 0, "config.json: process.terminal: cannot allocate a "
					    "terminal without --console-socket when detached");
	if (geteuid() != 0 && config_namespace(cfg, CFG_NS_USER) == NULL)
		return brig_err_set(err, 0, "config.json: linux.namespaces: rootless: a user "
					    "namespace is required without root (brig spec "
					    "--rootless writes one)");
	if (config_namespace(cfg, CFG_NS_USER) != NULL &&
	    config_namespace(cfg, CFG_NS_USER)->path == NULL &&
	    (cfg->linux.n_uid_mappings == 0 || cfg->linux.n_gid_mappings == 0))
		return brig_err_set(err, 0, "config.json: linux.uidMappings: a new user namespace "
					    "needs uidMappings and gidMappings");
	return 0;
}

static int
open_namespaces(struct container *c, struct brig_err *err)
{
	const struct config *cfg = c->cfg;

	for (int t = 0; t < CFG_NS_COUNT; t++)
		c->ns_fds[t] = -1;
	c->clone_flags = 0;
	for (size_t i = 0; i < cfg->linux.n_namespaces; i++) {
		const struct cfg_namespace *ns = &cfg->linux.namespaces[i];
		int fd, type;

		if (ns->path == NULL) {
			if (ns->type != CFG_NS_TIME)
				c->clone_flags |= (unsigned long) ns->clone_flag;
			continue;
		}
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return brig_err_set(err, errno, "config.json: linux.namespaces[%zu].path: \"%s\"",
					    i, ns->path);
		c->ns_fds[ns->type] = fd;
		type = ioctl(fd, NS_GET_NSTYPE);
		if (type != ns->clone_flag)
			return brig_err_set(err, 0,
					    "config.json: linux.namespaces[%zu].path: \"%s\" is not a "
					    "%s namespace",
					    i, ns->path, ns_names[ns->type]);
	}
	return 0;
}

void
ctr_fill_state(struct container *c)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	c->st.id = xstrdup(c->opts->id);
	c->st.bundle = xstrdup(c->bundle);
	c->st.rootfs = xstrdup(c->rootfs);
	c->st.created = xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
	c->st.owner = getuid();
	c->st.has_hooks = c->cfg->hooks.n_poststart > 0 || c->cfg->hooks.n_poststop > 0 ||
			  c->cfg->hooks.n_start_container > 0;
	if (c->cfg->n_annotations > 0) {
		c->st.annotations = xcalloc(c->cfg->n_annotations, sizeof(struct cfg_kv));
		for (size_t i = 0; i < c->cfg->n_annotations; i++) {
			c->st.annotations[i].key = xstrdup(c->cfg->annotations[i].key);
			c->st.annotations[i].value = xstrdup(c->cfg->annotations[i].value);
		}
		c->st.n_annotations = c->cfg->n_annotations;
	}
}

static int
write_proc_file(pid_t pid, const char *name, const char *data, struct brig_err *err)
{
	char path[64];
	cleanup_close int fd = -1;
	size_t len = strlen(data);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, data, len) != (ssize_t) len)
		return brig_err_set(err, errno, "write %s of the container init", name);
	return 0;
}

static char *
format_idmap(const struct cfg_idmap *m, size_t n)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%u %u %u\n", out, m[i].container_id, m[i].host_id,
				       m[i].size);
		free(out);
		out = next;
	}
	return out;
}

static int
write_id_maps(struct container *c, struct brig_err *err)
{
	cleanup_free char *uids = NULL, *gids = NULL;

	if (!(c->clone_flags & CLONE_NEWUSER))
		return 0;
	if (!rootless_maps_direct(c->cfg))
		return rootless_write_maps(c->pid, c->cfg, err);
	/* Without CAP_SETGID outside, the kernel takes a gid_map only once
	 * setgroups is denied in the namespace (user_namespaces(7)). */
	if (geteuid() != 0 && write_proc_file(c->pid, "setgroups", "deny", err) < 0)
		return -1;
	uids = format_idmap(c->cfg->linux.uid_mappings, c->cfg->linux.n_uid_mappings);
	gids = format_idmap(c->cfg->linux.gid_mappings, c->cfg->linux.n_gid_mappings);
	if (write_proc_file(c->pid, "uid_map", uids, err) < 0)
		return brig_err_wrap(err, "config.json: linux.uidMappings");
	if (write_proc_file(c->pid, "gid_map", gids, err) < 0)
		return brig_err_wrap(err, "config.json: linux.gidMappings");
	return 0;
}

static int
write_oom_score_adj(struct container *c, struct brig_err *err)
{
	char buf[16];

	if (!c->cfg->process.has_oom_score_adj)
		return 0;
	snprintf(buf, sizeof(buf), "%d", c->cfg->process.oom_score_adj);
	if (write_proc_file(c->pid, "oom_score_adj", buf, err) < 0)
		return brig_err_wrap(err, "config.json: process.oomScoreAdj");
	return 0;
}

/* Joining a pid or time namespace by path only takes effect for
 * children: enter it around the clone and come back after. */
static int
enter_for_children(struct container *c, int *restore_pid, struct brig_err *err)
{
	*restore_pid = -1;
	if (c->ns_fds[CFG_NS_PID] < 0)
		return 0;
	*restore_pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (*restore_pid < 0)
		return brig_err_set(err, errno, "open own pid namespace");
	if (setns(c->ns_fds[CFG_NS_PID], CLONE_NEWPID) < 0)
		return brig_err_set(err, errno, "config.json: linux.namespaces: join pid namespace");
	return 0;
}

/* With a new user namespace, clone makes only it (and the pid namespace,
 * which unshare could not give the init itself); the init makes the rest
 * as root of its user namespace, so they belong to that namespace and,
 * say, /dev/mqueue is owned by the container's root, not by nobody. */
static unsigned long
clone_flags_now(unsigned long flags)
{
	if (!(flags & CLONE_NEWUSER))
		return flags;
	return flags & (CLONE_NEWUSER | CLONE_NEWPID);
}

static int
clone_init(struct container *c, struct brig_err *err)
{
	struct clone_args args = {
		.flags = clone_flags_now(c->clone_flags) | CLONE_PIDFD,
		.exit_signal = SIGCHLD,
	};

	/* The init's cgroup namespace must start at its cgroup: when it
	 * still has to move itself (v1), it unshares that namespace after. */
	if (c->cg_entry.n_tasks > 0)
		args.flags &= ~(uint64_t) CLONE_NEWCGROUP;
	if (c->cg_entry.v2_dir >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t) c->cg_entry.v2_dir;
	}
	int sv[2];
	int restore_pid = -1;
	int pidfd = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return brig_err_set(err, errno, "socketpair");
	c->sync_fd = sv[0];
	c->init_fd = sv[1];
	if (enter_for_children(c, &restore_pid, err) < 0) {
		if (restore_pid >= 0)
			close(restore_pid);
		return -1;
	}
	args.pidfd = (uint64_t) (uintptr_t) &pidfd;
	pid = sys_clone3(&args);
	if (pid == 0) {
		close(c->sync_fd);
		init_main(c);
	}
	if (restore_pid >= 0) {
		setns(restore_pid, CLONE_NEWPID);
		close(restore_pid);
	}
	close(c->init_fd);
	c->init_fd = -1;
	cg_entry_close(&c->cg_entry);
	if (pid < 0)
		return brig_err_set(err, errno, "clone the container init");
	c->pid = pid;
	c->pidfd = pidfd;
	c->st.pid = pid;
	c->st.start_time = proc_start_time(pid);
	return 0;
}

int
ctr_run_runtime_hooks(struct container *c, struct brig_err *err)
{
	const struct cfg_hooks *h = &c->cfg->hooks;
	cleanup_free char *json = NULL;

	if (h->n_prestart == 0 && h->n_create_runtime == 0)
		return 0;
	json = state_to_json(&c->st, "creating", false);
	if (hooks_run("prestart", h->prestart, h->n_prestart, json, -1, 0, err) < 0)
		return -1;
	return hooks_run("createRuntime", h->create_runtime, h->n_create_runtime, json, -1, 0, err);
}

static int
run_create_container_hooks(struct container *c, uint32_t ns_flags, struct brig_err *err)
{
	const struct cfg_hooks *h = &c->cfg->hooks;
	cleanup_free char *json = NULL;

	if (h->n_create_container == 0)
		return 0;
	json = state_to_json(&c->st, "creating", false);
	return hooks_run("createContainer", h->create_container, h->n_create_container, json,
			 c->pidfd, (int) ns_flags, err);
}

static int
build_root(struct container *c, struct brig_err *err)
{
	struct mount_plan plan;
	struct ipc_writer w;
	struct sync_msg msg;
	int ret;

	plan_mount_build(c, &plan, err);
	ipc_writer_init(&w);
	mountplan_encode(&w, &plan);
	if (w.failed) {
		ipc_writer_free(&w);
		plan_mount_free(&plan);
		return brig_err_set(err, EMSGSIZE, "config.json: mounts: too many or too long "
						   "for one mount plan");
	}
	ret = ipc_call(c->mount.sock, "brig-mount", IPC_MOUNT_PLAN, w.buf, w.len, &c->pidfd, 1,
		       NULL, 0, err);
	ipc_writer_free(&w);
	if (ret == 0 && (plan.flags & MPLAN_STOP_BEFORE_PIVOT)) {
		ret = run_create_container_hooks(c, plan.ns_flags, err);
		if (ret == 0 && c->opts->no_pivot) {
			ret = sync_send(c->sync_fd, SYNC_CHDIR, NULL);
			if (ret == 0)
				ret = sync_expect(c->sync_fd, SYNC_CHDIR_DONE, &msg, err);
		}
		if (ret == 0)
			ret = ipc_call(c->mount.sock, "brig-mount", IPC_MOUNT_PIVOT, NULL, 0, NULL,
				       0, NULL, 0, err);
	}
	plan_mount_free(&plan);
	ipc_helper_finish(&c->mount);
	return ret;
}

/* Keep the config for the hooks that `start` and `delete` run. */
int
ctr_keep_config_copy(struct container *c, int bundlefd, struct brig_err *err)
{
	char buf[65536];
	cleanup_close int in = -1, out = -1;
	ssize_t n;

	if (!c->st.has_hooks)
		return 0;
	in = openat(bundlefd, "config.json", O_RDONLY | O_CLOEXEC);
	out = openat(c->dirfd, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (in < 0 || out < 0)
		return brig_err_set(err, errno, "keep a copy of config.json");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t) n) != n)
			return brig_err_set(err, errno, "keep a copy of config.json");
	return n < 0 ? brig_err_set(err, errno, "keep a copy of config.json") : 0;
}

/* The seccomp listener of SCMP_ACT_NOTIFY goes to linux.seccomp.listenerPath
 * with the state (as runc sends it: during create). */
static int
pass_listener(struct container *c, struct brig_err *err)
{
	const struct cfg_seccomp *sc = &c->cfg->linux.seccomp;
	cleanup_free char *json = NULL;
	int fd, ret;

	if (!sc->present || !seccomp_needs_listener(sc))
		return 0;
	if (sync_expect_fd(c->sync_fd, SYNC_LISTENER, &fd, err) < 0)
		return -1;
	json = state_to_json(&c->st, "creating", false);
	ret = seccomp_send_listener(sc->listener_path, sc->listener_metadata, fd, json, err);
	close(fd);
	return ret;
}

/* process.terminal: the pty master goes to --console-socket, or stays
 * with us for the foreground relay of `run`. */
static int
take_console(struct container *c, struct brig_err *err)
{
	int master, ret = 0;

	if (!c->cfg->process.terminal)
		return 0;
	if (sync_expect_fd(c->sync_fd, SYNC_CONSOLE, &master, err) < 0)
		return -1;
	if (master < 0)
		return brig_err_set(err, EPROTO, "process.terminal: no pty from the init");
	if (c->opts->console_socket == NULL) {
		c->console_master = master;
		return 0;
	}
	ret = tty_send_console(c->opts->console_socket, master, err);
	close(master);
	return ret;
}

static int
prepare_state_dir(struct container *c, struct brig_err *err)
{
	c->state_rootfd = state_root_open(c->g->root, true, err);
	if (c->state_rootfd < 0)
		return -1;
	c->dirfd = state_dir_create(c->state_rootfd, c->opts->id, err);
	return c->dirfd < 0 ? -1 : 0;
}

static int
prepare(struct container *c, int *bundlefd, struct brig_err *err)
{
	if (state_check_id(c->opts->id, err) < 0)
		return -1;
	if (resolve_bundle(c, err) < 0)
		return -1;
	*bundlefd = open(c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*bundlefd < 0)
		return brig_err_set(err, errno, "--bundle %s", c->bundle);
	if (config_load(*bundlefd, &c->cfg, err) < 0)
		return -1;
	if (vm_handler_wanted(c->g, c->cfg, &c->is_vm, err) < 0)
		return -1;
	if (c->is_vm) /* the guest is the boundary: no namespaces to open */
		return resolve_rootfs(c, err) < 0 ? -1 : prepare_state_dir(c, err);
	if (check_config(c, err) < 0 || resolve_rootfs(c, err) < 0)
		return -1;
	if (open_namespaces(c, err) < 0)
		return -1;
	if (prepare_state_dir(c, err) < 0)
		return -1;
	/* Compiled (or found in the cache) before the clone: the init gets
	 * the program with its copy of our memory. */
	if (c->cfg->linux.seccomp.present &&
	    seccomp_program_for(c->g, &c->cfg->linux.seccomp, &c->seccomp, err) < 0)
		return -1;
	return 0;
}

int
ctr_make_exec_fifo(struct container *c, struct brig_err *err)
{
	if (c->opts->run_mode)
		return 0;
	if (mkfifoat(c->dirfd, "exec.fifo", 0600) < 0)
		return brig_err_set(err, errno, "create exec fifo");
	/* O_RDWR: the init's read blocks until start writes, and opening it
	 * never blocks (a FIFO opened read-write has a writer: itself). */
	c->fifo_fd = openat(c->dirfd, "exec.fifo", O_RDWR | O_CLOEXEC);
	if (c->fifo_fd < 0)
		return brig_err_set(err, errno, "open exec fifo");
	return 0;
}

static void
container_init_fields(struct container *c, struct brig_global *g, const struct create_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->g = g;
	c->opts = o;
	c->state_rootfd = c->dirfd = c->pidfd = c->sync_fd = c->init_fd = c->fifo_fd = -1;
	c->mount.sock = -1;
	c->mount.pid = -1;
	c->cg.h.sock = -1;
	c->cg.h.pid = -1;
	c->cg_entry.v2_dir = -1;
	c->listener_fd = -1;
	c->console_master = -1;
	c->vm.sock = -1;
	c->vm.pid = -1;
	c->release_wr = -1;
	for (int t = 0; t < CFG_NS_COUNT; t++)
		c->ns_fds[t] = -1;
}

int
container_create(struct container *c, struct brig_global *g, const struct create_opts *o,
		 struct brig_err *err)
{
	cleanup_close int bundlefd = -1;
	struct sync_msg msg;
	cleanup_free char *json = NULL;

	container_init_fields(c, g, o);
	if (prepare(c, &bundlefd, err) < 0)
		goto fail;
	/* From here on, failure must undo: the state directory exists. */
	if (c->is_vm) {
		if (vm_create(c, bundlefd, err) < 0)
			goto fail;
		return 0;
	}
	if (ipc_helper_spawn(&c->mount, g->helper_dir, "brig-mount", err) < 0 ||
	    ctr_cgroup_begin(c, err) < 0)
		goto fail;
	if (ctr_make_exec_fifo(c, err) < 0 || (ctr_fill_state(c), clone_init(c, err)) < 0)
		goto fail;

	if (write_id_maps(c, err) < 0 || write_oom_score_adj(c, err) < 0 ||
	    ctr_cgroup_attach(c, err) < 0)
		goto fail;
	if ((c->clone_flags & CLONE_NEWUSER) && sync_send(c->sync_fd, SYNC_MAPPED, NULL) < 0) {
		brig_err_set(err, errno, "container init exited during setup");
		goto fail;
	}
	/* The init joins namespaces and writes sysctls (through the host's
	 * /proc, before readonlyPaths exist) while runtime hooks run. */
	if (ctr_run_runtime_hooks(c, err) < 0 || sync_expect(c->sync_fd, SYNC_EARLY, &msg, err) < 0)
		goto fail;
	if (ctr_net_setup(c, err) < 0)
		goto fail;
	if (build_root(c, err) < 0)
		goto fail;
	/* The state is written while the init sets its process up (its
	 * seccomp install alone takes ~0.5 ms for podman's profile): a
	 * failure after this still removes the whole directory. */
	if (sync_send(c->sync_fd, SYNC_MOUNTED, NULL) < 0 || take_console(c, err) < 0 ||
	    state_write(c->dirfd, &c->st, err) < 0 || ctr_keep_config_copy(c, bundlefd, err) < 0 ||
	    pass_listener(c, err) < 0 || sync_expect(c->sync_fd, SYNC_READY, &msg, err) < 0)
		goto fail;
	if (o->pid_file != NULL && proc_write_pid_file(o->pid_file, c->pid, err) < 0)
		goto fail;
	if (sync_send(c->sync_fd, SYNC_COMMIT, NULL) < 0) {
		brig_err_set(err, errno, "container init exited during setup");
		goto fail;
	}
	ctr_cgroup_end(c);
	if (!o->run_mode) {
		close(c->sync_fd);
		c->sync_fd = -1;
	}
	return 0;
fail:
	container_abort(c);
	return -1;
}

/* run: startContainer hooks, then the init's exec, which it reports. */
static int
go_init(struct container *c, struct brig_err *err)
{
	struct sync_msg msg;
	cleanup_free char *json = NULL;
	ssize_t n;

	if (c->cfg->hooks.n_start_container > 0) {
		json = state_to_json(&c->st, "created", false);
		if (hooks_run("startContainer", c->cfg->hooks.start_container,
			      c->cfg->hooks.n_start_container, json, c->pidfd,
			      proc_ns_flags_differing(c->pid), err) < 0)
			return -1;
		free(json);
		json = NULL;
	}
	if (sync_send(c->sync_fd, SYNC_GO, NULL) < 0)
		return brig_err_set(err, errno, "start the container process");
	/* The init's end is close-on-exec: end of file means the exec
	 * happened; a message means it failed and says why. */
	do
		n = recv(c->sync_fd, &msg, sizeof(msg) - 1, 0);
	while (n < 0 && errno == EINTR);
	close(c->sync_fd);
	c->sync_fd = -1;
	if (n > 0) {
		((char *) &msg)[n] = '\0';
		msg.payload[SYNC_PAYLOAD_MAX - 1] = '\0';
		return brig_err_set(err, 0, "%s", msg.payload);
	}
	return 0;
}

int
container_go(struct container *c, struct brig_err *err)
{
	cleanup_free char *json = NULL;

	if (c->is_vm) {
		if (vm_go(c, err) < 0)
			return -1;
	} else if (go_init(c, err) < 0) {
		return -1;
	}
	if (c->cfg->hooks.n_poststart > 0) {
		struct brig_err herr;
		json = state_to_json(&c->st, "running", false);
		if (hooks_run("poststart", c->cfg->hooks.poststart, c->cfg->hooks.n_poststart, json,
			      -1, 0, &herr) < 0)
			brig_log_warnf("%s", herr.msg);
	}
	return 0;
}

void
container_abort(struct container *c)
{
	ctr_net_abort(c);
	if (c->pidfd >= 0) {
		sys_pidfd_send_signal(c->pidfd, SIGKILL, 0);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (c->mount.pid > 0) {
		/* Closing its socket ends the helper's session. */
		ipc_helper_finish(&c->mount);
	}
	if (c->vm.pid > 0) /* brig-vm stops its qemu when the session ends */
		ipc_helper_finish(&c->vm);
	ctr_cgroup_abort(c);
	if (c->dirfd >= 0)
		state_dir_remove(c->state_rootfd, c->dirfd, c->opts->id);
	container_release(c);
}

void
container_release(struct container *c)
{
	int *fds[] = { &c->state_rootfd, &c->dirfd, &c->pidfd, &c->sync_fd, &c->init_fd,
		       &c->fifo_fd, &c->console_master, &c->release_wr };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	for (int t = 0; t < CFG_NS_COUNT; t++) {
		if (c->ns_fds[t] >= 0)
			close(c->ns_fds[t]);
		c->ns_fds[t] = -1;
	}
	seccomp_prog_free(&c->seccomp);
	if (c->cfg != NULL)
		config_free(c->cfg);
	c->cfg = NULL;
	free(c->bundle);
	free(c->rootfs);
	c->bundle = c->rootfs = NULL;
	state_free(&c->st);
}
