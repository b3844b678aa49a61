/* mountplan.h - the IPC_MOUNT_PLAN request: everything brig-mount does for
 * one container, in one message.
 *
 * The front builds it from config.json (front/plan_mount.c); brig-mount
 * decodes it, re-validates every field (mountplan_check) and performs it
 * inside the container's namespaces, entered through the init's pidfd
 * (the single fd of the request).
 */
#ifndef BRIG_IPC_MOUNTPLAN_H
#define BRIG_IPC_MOUNTPLAN_H

#include <stdint.h>

#include "ipc/codec.h"
#include "lib/err.h"

enum mp_kind {
	MP_FS = 0,    /* fsopen(fstype) + fsconfig(data) + fsmount */
	MP_BIND = 1,  /* open_tree(source, OPEN_TREE_CLONE) */
	MP_RBIND = 2, /* open_tree(source, OPEN_TREE_CLONE | AT_RECURSIVE) */
};

struct mp_mount {
	uint32_t kind;        /* enum mp_kind */
	uint64_t attr_set;    /* MOUNT_ATTR_RDONLY|NOSUID|NODEV|NOEXEC|NOATIME|... */
	uint64_t attr_clr;
	uint32_t propagation; /* 0, MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE */
	uint32_t prop_recursive;
	char *source;         /* host path for binds; fs source string otherwise; may be NULL */
	char *dest;           /* absolute path inside the rootfs */
	char *fstype;         /* MP_FS only */
	char *data;           /* MP_FS: comma-separated fs options, or NULL */
};

struct mp_device {
	char *path;    /* absolute path inside the rootfs */
	uint32_t type; /* S_IFCHR, S_IFBLK or S_IFIFO */
	uint32_t major, minor;
	uint32_t mode; /* permission bits */
	uint32_t uid, gid;
};

/* mount_plan.flags */
#define MPLAN_READONLY_ROOT (1u << 0)    /* root.readonly */
#define MPLAN_NO_PIVOT (1u << 1)         /* --no-pivot: move + chroot instead */
#define MPLAN_DEFAULT_DEV (1u << 2)      /* /dev links (fd, std*, ptmx) */
#define MPLAN_STOP_BEFORE_PIVOT (1u << 3) /* createContainer hooks run before IPC_MOUNT_PIVOT */
#define MPLAN_BIND_DEVICES (1u << 4)     /* bind device nodes from the host instead of mknod */
/* brig runs in a user namespace that is not the initial one (rootless
 * podman): no mknod, and sysfs only in a network namespace of its own. */
#define MPLAN_NESTED_USERNS (1u << 5)
#define MPLAN_FLAGS_ALL ((1u << 6) - 1)

struct mount_plan {
	uint32_t ns_flags;         /* CLONE_NEW* of the init to enter (setns on the pidfd) */
	uint32_t root_propagation; /* MS_PRIVATE|MS_SLAVE|MS_SHARED|MS_UNBINDABLE, MS_REC */
	uint32_t flags;            /* MPLAN_* */
	char *rootfs;              /* absolute host path of the rootfs */
	uint32_t n_mounts, n_devices, n_masked, n_readonly;
	struct mp_mount *mounts;
	struct mp_device *devices;
	char **masked;
	char **readonly;
};

#define MPLAN_MAX_MOUNTS 512u
#define MPLAN_MAX_DEVICES 512u
#define MPLAN_MAX_PATHS 512u

void mountplan_encode(struct ipc_writer *w, const struct mount_plan *p);
/* Decode into P (zeroed by the caller); on failure P is freed. */
int mountplan_decode(struct ipc_reader *r, struct mount_plan *p, struct brig_err *err);
/* The receiver's check of every field; the front's validation does not count. */
int mountplan_check(const struct mount_plan *p, struct brig_err *err);
void mountplan_free(struct mount_plan *p);

#endif
