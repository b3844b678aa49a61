/* create_vm.c - create and run under the VM handler.
 *
 * The annotation run.oci.handler=vm (crun picks its handlers the same
 * way) or `brig --handler vm` runs the container's process in a qemu
 * micro-VM: brig-vm boots it with the bundle's rootfs shared over 9p and
 * the guest's own init holding the process just before its exec.  Then
 * brig-vm stays as the container's monitor (helpers/vm/monitor.c), and
 * its pid is the container's: start releases the process through
 * exec.fifo as for any container, kill signals the monitor, which passes
 * the signal on, and the monitor exits with the process's status.
 *
 * The VM is the boundary: namespaces, capabilities, seccomp and the rest
 * of what sets a host process apart do not apply to a guest's process
 * and are not asked of the host.  What a VM cannot do yet is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/container.h"
#include "front/proc.h"
#include "front/rootless.h"
#include "ipc/io.h"
#include "ipc/pidfd.h"
#include "ipc/vmmsg.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#ifndef BRIG_VM_KERNEL
#define BRIG_VM_KERNEL "/vmlinuz"
#endif

#define ANN_HANDLER "run.oci.handler"
#define ANN_KERNEL "run.brig.vm.kernel"
#define ANN_ACCEL "run.brig.vm.accel"
#define ANN_FS "run.brig.vm.fs"
#define VM_DEFAULT_MIB 256u
#define MIB (1024 * 1024)

int
vm_handler_wanted(const struct brig_global *g, const struct config *cfg, bool *vm,
		  struct brig_err *err)
{
	const char *h = config_annotation(cfg, ANN_HANDLER);

	*vm = false;
	if (g->handler != NULL)
		return *vm = true, 0; /* main.c accepts only "vm" */
	if (h == NULL || h[0] == '\0')
		return 0;
	if (strcmp(h, "vm") != 0)
		return brig_err_set(err, 0, "config.json: annotations: %s: unknown handler \"%s\" "
					    "(brig has: vm)", ANN_HANDLER, h);
	*vm = true;
	return 0;
}

/* What the guest cannot give (yet): refused, never silently dropped. */
static int
check_vm_config(const struct container *c, struct brig_err *err)
{
	const struct config *cfg = c->cfg;

	if (!cfg->process.present)
		return brig_err_set(err, 0, "config.json: process: required to create a container");
	if (cfg->process.terminal)
		return brig_err_set(err, 0, "config.json: process.terminal: the vm handler has no "
					    "terminal yet");
	/* These run in the container's namespaces, which a guest has none of
	 * on the host; the runtime's own hooks (docker's prestart among
	 * them) run as for any container. */
	if (cfg->hooks.n_create_container > 0)
		return brig_err_set(err, 0, "config.json: hooks.createContainer: no container "
					    "namespaces to run in under the vm handler");
	if (cfg->hooks.n_start_container > 0)
		return brig_err_set(err, 0, "config.json: hooks.startContainer: no container "
					    "namespaces to run in under the vm handler");
	if (c->opts->preserve_fds > 0)
		return brig_err_set(err, 0, "--preserve-fds: not passed into a VM");
	if (cfg->linux.n_net_devices > 0)
		return brig_err_set(err, 0, "config.json: linux.netDevices: not moved into a VM");
	return 0;
}

static int
pick_accel(const struct config *cfg, uint32_t *accel, struct brig_err *err)
{
	const char *a = config_annotation(cfg, ANN_ACCEL);

	if (a == NULL)
		a = getenv("BRIG_VM_ACCEL");
	if (a == NULL || a[0] == '\0' || strcmp(a, "auto") == 0)
		*accel = VM_ACCEL_AUTO;
	else if (strcmp(a, "kvm") == 0)
		*accel = VM_ACCEL_KVM;
	else if (strcmp(a, "tcg") == 0)
		*accel = VM_ACCEL_TCG;
	else
		return brig_err_set(err, 0, "config.json: annotations: %s: \"%s\" is not auto, kvm "
					    "or tcg", ANN_ACCEL, a);
	return 0;
}

/* How the rootfs reaches the guest: 9p (default) or virtiofs. */
static int
pick_fs(const struct config *cfg, uint32_t *fs, struct brig_err *err)
{
	const char *v = config_annotation(cfg, ANN_FS);

	if (v == NULL || strcmp(v, "9p") == 0)
		*fs = VM_FS_9P;
	else if (strcmp(v, "virtiofs") == 0)
		*fs = VM_FS_VIRTIOFS;
	else
		return brig_err_set(err, 0, "config.json: annotations: %s: \"%s\" is not 9p or "
					    "virtiofs", ANN_FS, v);
	return 0;
}

/* The number of CPUs in a cpuset list ("0-3,8"; the config parser
 * checked its form). */
static uint64_t
cpu_list_count(const char *s)
{
	uint64_t n = 0;

	while (*s != '\0') {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		n += b >= a ? b - a + 1 : 0;
		s = *end == ',' ? end + 1 : end + strlen(end);
	}
	return n;
}

/* linux.resources sizes the VM: the memory limit is its RAM, the CPU
 * quota (or the cpuset) its vCPUs. */
static void
size_vm(const struct cfg_resources *r, struct vm_request *q)
{
	uint64_t cpus = 1;

	q->mem_mib = VM_DEFAULT_MIB;
	if (r->memory.has_limit && r->memory.limit > 0)
		q->mem_mib = (uint32_t) (((uint64_t) r->memory.limit + MIB - 1) / MIB);
	if (q->mem_mib < VMMSG_MEM_MIN)
		q->mem_mib = VMMSG_MEM_MIN;
	if (r->cpu.has_quota && r->cpu.quota > 0 && r->cpu.has_period && r->cpu.period > 0)
		cpus = ((uint64_t) r->cpu.quota + r->cpu.period - 1) / r->cpu.period;
	else if (r->cpu.cpus != NULL && r->cpu.cpus[0] != '\0')
		cpus = cpu_list_count(r->cpu.cpus);
	q->cpus = (uint32_t) (cpus < 1 ? 1 : cpus > VMMSG_CPUS_MAX ? VMMSG_CPUS_MAX : cpus);
}

/* Bind mounts of host directories are shared into the guest (9p, one
 * device each).  The guest mounts its own proc, sysfs and devtmpfs, so
 * filesystem mounts are its business; a bind of a single file (engines
 * bind /etc/hosts and /etc/resolv.conf) cannot be shared by 9p and is
 * left out, said with --debug. */
static int
shared_mounts(const struct config *cfg, struct vm_request *q, struct brig_err *err)
{
	q->mounts = xcalloc(cfg->n_mounts ? cfg->n_mounts : 1, sizeof(*q->mounts));
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct cfg_mount *m = &cfg->mounts[i];
		struct stat st;

		if (m->kind == CFG_MOUNT_FS || m->source == NULL)
			continue;
		if (stat(m->source, &st) < 0)
			return brig_err_set(err, errno, "config.json: mounts[%zu].source: \"%s\"", i,
					    m->source);
		if (!S_ISDIR(st.st_mode)) {
			brig_log_debugf("vm: mounts[%zu] (%s): not a directory, not shared", i,
					m->source);
			continue;
		}
		if (q->n_mounts == VMMSG_MAX_MOUNTS)
			return brig_err_set(err, 0, "config.json: mounts: a VM shares at most %u "
						    "directories", VMMSG_MAX_MOUNTS);
		q->mounts[q->n_mounts++] = (struct vm_mount){
			.source = m->source,
			.dest = m->destination,
			.readonly = (m->attr_set & MOUNT_ATTR_RDONLY) != 0,
		};
	}
	return 0;
}

/* The request for brig-vm; its strings point into the config. */
static int
build_request(const struct container *c, struct vm_request *q, struct brig_err *err)
{
	const struct config *cfg = c->cfg;
	const struct cfg_process *p = &cfg->process;

	q->kernel = (char *) config_annotation(cfg, ANN_KERNEL);
	if (q->kernel == NULL)
		q->kernel = BRIG_VM_KERNEL;
	if (pick_accel(cfg, &q->accel, err) < 0 || pick_fs(cfg, &q->fs, err) < 0)
		return -1;
	size_vm(&cfg->linux.resources, q);
	q->hostname = cfg->hostname;
	q->cwd = p->cwd ? p->cwd : "/";
	q->uid = p->user.uid;
	q->gid = p->user.gid;
	q->umask = p->user.has_umask ? p->user.umask : 022;
	q->n_groups = (uint32_t) p->user.n_additional_gids;
	q->groups = (uint32_t *) p->user.additional_gids;
	q->n_args = (uint32_t) p->args.n;
	q->args = p->args.v;
	q->n_env = (uint32_t) p->env.n;
	q->env = p->env.v;
	q->n_rlimits = (uint32_t) p->n_rlimits;
	q->rlimits = xcalloc(p->n_rlimits ? p->n_rlimits : 1, sizeof(*q->rlimits));
	for (size_t i = 0; i < p->n_rlimits; i++)
		q->rlimits[i] = (struct vm_rlimit){ .type = (uint32_t) p->rlimits[i].resource,
						    .soft = p->rlimits[i].soft,
						    .hard = p->rlimits[i].hard };
	if (shared_mounts(cfg, q, err) < 0)
		return -1;
	if (geteuid() != 0 || c->g->nested_userns)
		/* brig-vm keeps the cache only in a directory of its user's:
		 * the host's root has /var/tmp/brig-vm, anyone else (rootless
		 * podman's root too) one named by their uid on the host. */
		q->cache_dir = xasprintf("/var/tmp/brig-vm-%u", (unsigned) rootless_host_uid(geteuid()));
	return 0;
}

/* brig-vm, and with it qemu, in the container's cgroup: the cgroup
 * commands (pause, ps, events, kill --all) act on the VM.  The entry fds
 * are the ones an init would use (create_cgroup.c); we move the helper by
 * its pid, as it has not started qemu yet. */
static int
enter_cgroup(struct container *c, pid_t pid, struct brig_err *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int) pid);

	for (uint32_t i = 0; i < c->cg_entry.n_tasks; i++)
		if (write(c->cg_entry.tasks[i], buf, (size_t) n) != n)
			return brig_err_set(err, errno, "move brig-vm into the container's cgroup");
	if (c->cg_entry.v2_dir >= 0) {
		cleanup_close int fd = openat(c->cg_entry.v2_dir, "cgroup.procs",
					      O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, (size_t) n) != n)
			return brig_err_set(err, errno, "move brig-vm into the container's cgroup");
	}
	cg_entry_close(&c->cg_entry);
	return 0;
}

/* The release fd brig-vm waits on: exec.fifo for create (start writes
 * it), a pipe for run (container_go writes it). */
static int
release_fd(struct container *c, struct brig_err *err)
{
	int p[2];

	if (!c->opts->run_mode)
		return ctr_make_exec_fifo(c, err) < 0 ? -1 : c->fifo_fd;
	if (pipe2(p, O_CLOEXEC) < 0)
		return brig_err_set(err, errno, "pipe");
	c->fifo_fd = p[0];
	c->release_wr = p[1];
	return c->fifo_fd;
}

/* IPC_VM_CREATE: returns once the guest holds the process. */
static int
call_create(struct container *c, const struct vm_request *q, struct brig_err *err)
{
	cleanup_close int rootfs = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fds[4] = { rootfs, STDOUT_FILENO, STDERR_FILENO, c->fifo_fd }, qemu = -1;
	struct ipc_writer w;
	int ret;

	if (rootfs < 0)
		return brig_err_set(err, errno, "config.json: root.path: \"%s\"", c->rootfs);
	ipc_writer_init(&w);
	vmmsg_encode(&w, q);
	if (w.failed) {
		ipc_writer_free(&w);
		return brig_err_set(err, E2BIG, "config.json: process: too large for a VM");
	}
	ret = ipc_call(c->vm.sock, c->vm.name, IPC_VM_CREATE, w.buf, w.len, fds, 4, &qemu, 1, err);
	ipc_writer_free(&w);
	if (ret < 0)
		return -1;
	c->st.vm_pid = (pid_t) ipc_pidfd_pid(qemu);
	close(qemu);
	return 0;
}

int
vm_create(struct container *c, int bundlefd, struct brig_err *err)
{
	struct vm_request q = { 0 };
	int ret = -1;

	/* ctr_fill_state first: a failure removes the cgroup by the state's id. */
	if (check_vm_config(c, err) == 0 && build_request(c, &q, err) == 0 &&
	    (ctr_fill_state(c), ctr_cgroup_begin(c, err)) == 0 && release_fd(c, err) >= 0 &&
	    ipc_helper_spawn(&c->vm, c->g->helper_dir, "brig-vm", err) == 0 &&
	    enter_cgroup(c, c->vm.pid, err) == 0)
		ret = call_create(c, &q, err);
	free(q.rlimits);
	free(q.mounts);
	free(q.cache_dir);
	if (ret < 0)
		return -1;
	/* From here the monitor is the container's process. */
	c->pid = c->vm.pid;
	c->pidfd = sys_pidfd_open(c->pid, 0);
	c->st.pid = c->pid;
	c->st.start_time = proc_start_time(c->pid);
	if (c->pidfd < 0)
		return brig_err_set(err, errno, "pidfd of brig-vm");
	if (ctr_run_runtime_hooks(c, err) < 0 || state_write(c->dirfd, &c->st, err) < 0 ||
	    ctr_keep_config_copy(c, bundlefd, err) < 0)
		return -1;
	if (c->opts->pid_file != NULL && proc_write_pid_file(c->opts->pid_file, c->pid, err) < 0)
		return -1;
	ctr_cgroup_end(c);
	ipc_helper_detach(&c->vm);
	close(c->fifo_fd);
	c->fifo_fd = -1;
	return 0;
}

int
vm_go(struct container *c, struct brig_err *err)
{
	ssize_t n;

	do
		n = write(c->release_wr, "0", 1);
	while (n < 0 && errno == EINTR);
	close(c->release_wr);
	c->release_wr = -1;
	if (n != 1)
		return brig_err_set(err, errno, "start the container process (brig-vm)");
	return 0;
}
