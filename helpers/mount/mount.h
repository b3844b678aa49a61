/* mount.h - brig-mount's internal interfaces.
 *
 * One IPC_MOUNT_PLAN runs in phases, each in its own file:
 *   prepare.c  in the host's namespaces: open every host object the plan
 *              names (bind sources, host device nodes, /dev/null, cgroup
 *              controllers, the rootfs), then join the init's namespaces
 *              and create procfs inside its pid namespace;
 *   mounts.c   rootfs propagation, the rootfs bind, the plan's mounts;
 *   dev.c      device nodes and the /dev symlinks;
 *   paths.c    maskedPaths and readonlyPaths;
 *   pivot.c    pivot_root (or move + chroot) and the read-only root.
 * After prepare, no host path is ever looked up again: container paths are
 * resolved from rootfd (lib/path.h) and host objects are the fds opened
 * before the namespaces changed.
 */
#ifndef BRIG_MOUNT_H
#define BRIG_MOUNT_H

#include <stdbool.h>

#include "ipc/mountplan.h"
#include "ipc/wire.h"
#include "lib/err.h"

/* A cgroup v1 controller of the host, for the tmpfs+binds of a "cgroup"
 * mount on a v1 or hybrid host. */
struct mnt_cgroup_ctl {
	char *name; /* entry name in /sys/fs/cgroup */
	char *link; /* symlink target ("cpu,cpuacct") or NULL */
	int tree;   /* open_tree clone of the directory, or -1 */
};

struct mnt_state {
	struct mount_plan plan;
	bool have_plan;  /* a plan was accepted; a second one is refused */
	bool pending;    /* stopped before pivot, waiting for IPC_MOUNT_PIVOT */
	bool in_userns;  /* we joined a user namespace: mknod will not work */
	bool host_priv;  /* we hold capabilities before setns (not rootless) */
	int rootfs_host; /* O_PATH of the rootfs as the host sees it */
	int rootfs_ct;   /* O_PATH of the rootfs in the container's mount ns */
	int rootfd;      /* O_PATH of the rootfs bind mount in the container */
	int *pre;        /* per plan mount: bind tree, procfs context, host /sys, or -1 */
	int *dev_trees;  /* per plan device: bind of the host node, or -1 */
	int devnull;     /* bind of the host's /dev/null, for masked files */
	bool cgroup2;    /* the host's /sys/fs/cgroup is cgroup2 */
	struct mnt_cgroup_ctl *ctls;
	unsigned n_ctls;
	long init_pid; /* the container init (its v1 cgroups are bound), or 0 */
};

void mnt_state_init(struct mnt_state *s);
void mnt_state_free(struct mnt_state *s);

/* caps.c: keep what mounting needs; after setns, shed CAP_SYS_PTRACE and,
 * in a user namespace, become its root. */
int mnt_caps_init(bool *had_caps, struct brig_err *err);
int mnt_caps_joined(bool userns, struct brig_err *err);

/* prepare.c */
int mnt_verify_pidfd(int fd, struct brig_err *err);
int mnt_open_rootfs(struct mnt_state *s, struct brig_err *err);
int mnt_open_host(struct mnt_state *s, struct brig_err *err);
int mnt_enter(struct mnt_state *s, int pidfd, struct brig_err *err);

/* mounts.c */
int mnt_root_setup(struct mnt_state *s, struct brig_err *err);
int mnt_do_mounts(struct mnt_state *s, struct brig_err *err);
/* fsopen/fsconfig/fsmount of FSTYPE (or the ready context FSFD when >= 0)
 * with comma-separated DATA; returns the detached mount fd. */
int mnt_fs_create(int fsfd, const char *fstype, const char *source, const char *data, unsigned attr,
                  const char *what, struct brig_err *err);
/* move_mount TREE onto the object DESTFD refers to. */
int mnt_attach(int tree, int destfd, const char *what, struct brig_err *err);

/* dev.c */
int mnt_do_devices(struct mnt_state *s, struct brig_err *err);

/* paths.c */
int mnt_do_masked(struct mnt_state *s, struct brig_err *err);
int mnt_do_readonly(struct mnt_state *s, struct brig_err *err);

/* pivot.c */
int mnt_pivot(struct mnt_state *s, struct brig_err *err);

#endif
