/* vminit.h - the guest's init (PID 1 inside a brig-vm micro-VM).
 *
 * Static, links libc only; nothing of lib/ or ipc/ (the guest has no
 * helper socket and no brig_err reader: a failure is one line on the
 * status port, then power off).
 */
#ifndef BRIG_VM_VMINIT_H
#define BRIG_VM_VMINIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VMI_MAX_LIST 256
#define VMI_MAX_RLIMITS 16
#define VMI_MAX_MOUNTS 16

/* A shared directory: 9p tag SPEC_MOUNT_TAG INDEX on DEST. */
struct vmi_mount {
	unsigned index;
	int readonly;
	const char *dest;
};

struct vmi_rlimit {
	int type;
	uint64_t soft, hard;
};

struct vmi_spec {
	char *argv[VMI_MAX_LIST + 1]; /* NULL-terminated */
	size_t argc;
	char *envp[VMI_MAX_LIST + 1];
	size_t envc;
	gid_t groups[VMI_MAX_LIST];
	size_t ngroups;
	struct vmi_rlimit rlimits[VMI_MAX_RLIMITS];
	size_t nrlimits;
	const char *cwd, *hostname;
	uid_t uid;
	gid_t gid;
	mode_t umask;
	int have_uid, have_gid, have_umask;
	struct vmi_mount mounts[VMI_MAX_MOUNTS];
	size_t nmounts;
	int virtiofs; /* the rootfs is a virtiofs, not 9p */
	int hold; /* wait for the host's go before the exec (brig create) */
};

/* The process, once forked. */
struct vmi_child {
	pid_t pid;
	int report; /* the child's reports: ready, or why it failed (held only) */
	int go;     /* held: one byte here releases it to its exec */
};

/* Parse the spec file's bytes BUF (kept: the spec points into it).
 * Returns 0, or -1 with a message in WHY. */
int vmi_spec_parse(char *buf, size_t len, struct vmi_spec *s, char *why, size_t whylen);

/* Fork the process of S with stdout/stderr on OUT/ERR and stdin on NUL,
 * into C.  Returns once it exec'd, or, when S holds it, once it is set up
 * and its executable found; -1 with WHY set when it failed (the child
 * reports through a close-on-exec pipe, so an exec failure counts). */
int vmi_spawn(const struct vmi_spec *s, int nul, int out, int err, struct vmi_child *c, char *why,
              size_t whylen);

/* A held process: let it exec.  Returns 0, or -1 with WHY set. */
int vmi_release(struct vmi_child *c, char *why, size_t whylen);

#endif
