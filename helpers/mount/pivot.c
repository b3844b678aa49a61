/* pivot.c - make the prepared rootfs the root of the container's mount
 * namespace.
 *
 * Privilege: inside the container's user and mount namespaces.  pivot_root
 * moves the root (and cwd) of every process of the namespace that was at
 * the old root, so the container init, waiting in this namespace with the
 * host's root, gets the new root without doing anything itself.
 */
#include "helpers/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lib/sys.h"

/* pivot_root(".", ".") stacks the old root on top of the new one at "."
 * (runc's trick: no put_old directory is needed in the image); detaching
 * "." then removes exactly the old root. */
static int
pivot(struct mnt_state *s, struct brig_err *err)
{
	if (fchdir(s->rootfd) < 0)
		return brig_err_set(err, errno, "pivot_root: chdir to the rootfs");
	if (sys_pivot_root(".", ".") < 0)
		return brig_err_set(err, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return brig_err_set(err, errno, "pivot_root: detach the old root");
	if (chdir("/") < 0)
		return brig_err_set(err, errno, "pivot_root: chdir /");
	return 0;
}

/* --no-pivot: move the rootfs mount onto "/" (MS_MOVE).  Processes keep
 * their old root, so the init must already have its cwd in the rootfs
 * (the front has it chdir there before IPC_MOUNT_PIVOT) and chroot(".")
 * itself afterwards. */
static int
move_root(struct mnt_state *s, struct brig_err *err)
{
	if (move_mount(s->rootfd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return brig_err_set(err, errno, "move the rootfs onto / (--no-pivot)");
	return 0;
}

int
mnt_pivot(struct mnt_state *s, struct brig_err *err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	int ret;

	ret = (s->plan.flags & MPLAN_NO_PIVOT) ? move_root(s, err) : pivot(s, err);
	if (ret < 0)
		return -1;
	/* Only the root mount: mounts below keep their own flags (runc). */
	if ((s->plan.flags & MPLAN_READONLY_ROOT) &&
	    mount_setattr(s->rootfd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return brig_err_set(err, errno, "make the root read-only");
	return 0;
}
