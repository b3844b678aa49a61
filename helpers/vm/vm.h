/* vm.h - brig-vm's parts: the initramfs (initramfs.c) and qemu (qemu.c). */
#ifndef BRIG_HELPERS_VM_H
#define BRIG_HELPERS_VM_H

#include <stdint.h>
#include <sys/types.h>

#include "ipc/vmmsg.h"
#include "lib/err.h"

#define VM_DEFAULT_CACHE "/var/tmp/brig-vm"

/* The kernel release a bzImage names in its setup header ("6.1.0-56-amd64"),
 * into REL.  KFD is the open kernel. */
int vm_kernel_release(int kfd, char *rel, size_t len, struct brig_err *err);

/* The cache directory DIR, made if missing: ours alone, as we boot what is
 * in it (owner us, no group or other write).  Returns an O_PATH fd. */
int vm_cache_open(const char *dir, struct brig_err *err);

/* The ELF vmlinux of the bzImage KFD, decompressed once into the cache:
 * an fd of it, -2 when the payload is not xz (boot the bzImage), or -1
 * with ERR set. */
int vm_kernel_vmlinux(int kfd, int cache_dfd, struct brig_err *err);

/* The per-VM initramfs: the cached base image for kernel release REL (built
 * into the cache when missing: brig-vminit as /init and the modules of
 * /lib/modules/REL the guest needs) with the spec cpio of Q appended, in a
 * memfd.  Returns the memfd. */
int vm_initramfs(const struct vm_request *q, int cache_dfd, const char *rel, struct brig_err *err);

/* A running qemu and the brig-vm ends of its channels. */
struct vm_qemu {
	pid_t pid;
	int pidfd;
	int status_rd; /* the guest's status port, read end */
	int signal_wr; /* the guest's signal port, write end */
	int console;   /* memfd: the guest's console (ttyS0) */
	int qemu_log;  /* memfd: qemu's own stdout and stderr (and virtiofsd's) */
	pid_t fsd_pid; /* virtiofsd, for a rootfs over virtiofs; -1 otherwise */
};

/* The fds START received, already checked. */
struct vm_fds {
	int rootfs, out, err, kernel, initrd;
	int cache; /* the cache dir (O_PATH): virtiofs binds its socket there */
	int mounts[VMMSG_MAX_MOUNTS]; /* O_PATH dirs, as the request's mounts */
	uint32_t n_mounts;
};

/* Start qemu for Q, booting kernel release REL.  Returns 0 with VM filled, or -1 with ERR set and
 * nothing left running. */
int vm_qemu_start(const struct vm_request *q, const char *rel, const struct vm_fds *fds,
                  struct vm_qemu *vm, struct brig_err *err);

/* virtiofs.c: a virtiofsd serving ROOTFS, its stdout and stderr on LOG.
 * Returns qemu's end of its vhost-user socket, with *PID set; -1 with ERR
 * set (and nothing running).  _stop kills and reaps it (once). */
int vm_virtiofsd_start(int cache_dfd, int rootfs, int log, pid_t *pid, struct brig_err *err);
void vm_virtiofsd_stop(pid_t *pid);

/* The last line of a memfd log, for an error message ("" if none). */
void vm_log_tail(int fd, char *buf, size_t len);

#define VM_STATUS_MAX 1024

/* One brig-vm: its qemu and what the guest said (main.c). */
struct vm_state {
	int started, reaped;
	struct vm_qemu qemu;
	char status[VM_STATUS_MAX]; /* what the guest wrote on its status port */
	size_t status_len;
	int wait_status; /* qemu's, from waitpid */
	int monitor;     /* CREATE succeeded: stay as the container's monitor */
	int release_fd;  /* CREATE: a byte here releases the process */
};

/* CREATE: wait until the guest holds the process (main.c). */
int vm_wait_ready(struct vm_state *s, uint32_t timeout_ms, struct brig_err *err);
/* The guest's exit status from what it wrote, once qemu has ended. */
int vm_parse_status(struct vm_state *s, uint32_t *code, struct brig_err *err);
/* One read of the status port into s->status, keeping what fits (more
 * than a status line is no status at all): read(2)'s result. */
ssize_t vm_status_read(struct vm_state *s);
/* Wait for qemu to end (once), then stop virtiofsd if there is one. */
void vm_reap(struct vm_state *s);
/* Kill qemu and reap it (once). */
void vm_stop_qemu(struct vm_state *s);

/* The monitor (monitor.c): after CREATE, until the guest ends.  Returns
 * the exit status for brig-vm: the process's. */
int vm_monitor(struct vm_state *s);

#endif
