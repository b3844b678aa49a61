/* vmmsg.h - the requests brig sends to brig-vm, and their replies.
 *
 *   IPC_VM_START  3 fds [rootfs O_PATH dir, stdout, stderr]  struct vm_request
 *                 reply fds [pidfd of qemu]
 *   IPC_VM_WAIT   0 fds  u32 timeout in ms (0: no limit)
 *                 reply fds [sealed memfd: u32 exit status, as a shell
 *                 reports it: the code, or 128 + the signal]
 *   IPC_VM_KILL   0 fds  u32 signal (SIGTERM, SIGINT, SIGKILL, SIGHUP,
 *                 SIGQUIT, SIGUSR1, SIGUSR2), sent to the guest's process
 *   IPC_VM_STOP   0 fds  empty: kill qemu, reap it
 *   IPC_VM_CREATE 4 fds [rootfs, stdout, stderr, release fd]  struct vm_request
 *                 reply fds [pidfd of qemu], once the guest has the process
 *                 set up and held before its exec.  The session then ends
 *                 and brig-vm stays as the container's monitor: a byte read
 *                 from the release fd (brig start's exec.fifo, or a pipe of
 *                 brig run) lets the process exec; signals brig-vm gets go
 *                 to it; brig-vm exits with its status (helpers/vm/monitor.c).
 *
 * The helper checks every field again (vmmsg_check): it builds a qemu
 * command line and a guest init's spec from them.
 */
#ifndef BRIG_IPC_VMMSG_H
#define BRIG_IPC_VMMSG_H

#include <stdint.h>

#include "ipc/codec.h"
#include "lib/err.h"

enum vm_fs {
	VM_FS_9P = 0,       /* qemu's own 9p server */
	VM_FS_VIRTIOFS = 1, /* virtiofsd (root only) */
};

enum vm_accel {
	VM_ACCEL_AUTO = 0, /* KVM when /dev/kvm opens and the CPU has vmx/svm */
	VM_ACCEL_KVM = 1,
	VM_ACCEL_TCG = 2,
};

struct vm_rlimit {
	uint32_t type; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* A host directory shared into the guest (a bind mount of the config):
 * brig-vm opens SOURCE itself, with the caller's privilege, as the
 * caller could; the guest mounts it on DEST, read-only if asked. */
struct vm_mount {
	char *source; /* absolute, a directory on the host */
	char *dest;   /* absolute, in the guest's root */
	uint32_t readonly;
};

struct vm_request {
	char *kernel;    /* absolute path of the guest kernel (bzImage) */
	char *cache_dir; /* absolute; NULL: /var/tmp/brig-vm */
	uint32_t accel;  /* enum vm_accel */
	uint32_t mem_mib, cpus;
	char *hostname; /* NULL: leave the guest's */
	char *cwd;      /* absolute, inside the rootfs */
	uint32_t uid, gid;
	uint32_t umask; /* <= 0777 */
	uint32_t n_groups;
	uint32_t *groups;
	uint32_t n_args;
	char **args; /* at least one */
	uint32_t n_env;
	char **env; /* NAME=value */
	uint32_t n_rlimits;
	struct vm_rlimit *rlimits;
	uint32_t n_mounts;
	struct vm_mount *mounts;
	uint32_t fs; /* enum vm_fs: how the rootfs is shared */
	uint32_t hold; /* not on the wire: IPC_VM_CREATE sets it */
};

#define VMMSG_MAX_ARGS 256u
#define VMMSG_MAX_ENV 256u
#define VMMSG_MAX_GROUPS 64u
#define VMMSG_MAX_RLIMITS 16u
#define VMMSG_MAX_MOUNTS 16u
#define VMMSG_MEM_MIN 128u /* Debian's kernel panics with 96 */
#define VMMSG_MEM_MAX (64u * 1024u)
#define VMMSG_CPUS_MAX 64u
/* The spec travels in the guest's initramfs; keep it small. */
#define VMMSG_MAX_SPEC (32u * 1024u)

void vmmsg_encode(struct ipc_writer *w, const struct vm_request *q);
/* Decode into Q (zeroed by the caller); on failure Q is freed. */
int vmmsg_decode(struct ipc_reader *r, struct vm_request *q, struct brig_err *err);
/* The helper's check of every field. */
int vmmsg_check(const struct vm_request *q, struct brig_err *err);
void vmmsg_free(struct vm_request *q);

/* A sealed memfd holding STATUS (the WAIT reply), and its reading by the
 * client: a regular file of exactly 4 bytes. */
int vmmsg_status_memfd(uint32_t status, struct brig_err *err);
int vmmsg_read_status(int fd, uint32_t *status, struct brig_err *err);

#endif
