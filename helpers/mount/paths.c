/* paths.c - linux.maskedPaths and linux.readonlyPaths.
 *
 * Privilege: inside the container's user and mount namespaces, after the
 * plan's mounts and devices, before pivot_root.  Paths are resolved from
 * rootfd in root, so "/proc/kcore" means the container's new procfs and a
 * symlink in the image cannot point the mask at a host path.  A path that
 * does not exist is skipped, as runc does.
 */
#include "helpers/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/path.h"

/* Open PATH in root; 0 with *FD = -1 when there is nothing to act on. */
static int
open_existing(struct mnt_state *s, const char *path, int *fd, struct brig_err *err)
{
	*fd = path_open_in_root(s->rootfd, path, O_PATH, 0);
	if (*fd >= 0 || errno == ENOENT || errno == ENOTDIR)
		return 0;
	return brig_err_set(err, errno, "%s", path);
}

/* The host's /dev/null: the first masked file gets the detached bind
 * opened on the host; later ones clone that bind, which by then is an
 * attached mount of this namespace. */
static int
devnull_tree(struct mnt_state *s, bool *first, struct brig_err *err)
{
	int tree;

	if (*first) {
		*first = false;
		return s->devnull;
	}
	tree = open_tree(s->devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return brig_err_set(err, errno, "clone the /dev/null bind");
	return tree;
}

static int
mask_one(struct mnt_state *s, const char *path, int fd, bool *first, struct brig_err *err)
{
	char what[IPC_STR_MAX + 32];
	struct stat st;
	int tree, ret;

	snprintf(what, sizeof(what), "masked path %s", path);
	if (fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "%s", what);
	if (S_ISDIR(st.st_mode)) {
		tree = mnt_fs_create(-1, "tmpfs", "tmpfs", NULL, MOUNT_ATTR_RDONLY, what, err);
		if (tree < 0)
			return -1;
		ret = mnt_attach(tree, fd, what, err);
		close(tree);
		return ret;
	}
	tree = devnull_tree(s, first, err);
	if (tree < 0)
		return brig_err_wrap(err, "%s", what);
	ret = mnt_attach(tree, fd, what, err);
	if (tree != s->devnull)
		close(tree);
	return ret;
}

int
mnt_do_masked(struct mnt_state *s, struct brig_err *err)
{
	bool first = true;

	for (uint32_t i = 0; i < s->plan.n_masked; i++) {
		const char *path = s->plan.masked[i];
		cleanup_close int fd = -1;

		if (open_existing(s, path, &fd, err) < 0)
			return brig_err_wrap(err, "masked path");
		if (fd >= 0 && mask_one(s, path, fd, &first, err) < 0)
			return -1;
	}
	return 0;
}

/* A readonly path is bound onto itself, recursively, read-only, and
 * without suid, device or exec rights, as crun does. */
static int
readonly_one(const char *path, int fd, struct brig_err *err)
{
	struct mount_attr attr = {
	    .attr_set =
	        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	cleanup_close int tree = -1;

	tree =
	    open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return brig_err_set(err, errno, "readonly path %s: open_tree", path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return brig_err_set(err, errno, "readonly path %s: mount_setattr", path);
	return mnt_attach(tree, fd, path, err) < 0 ? brig_err_wrap(err, "readonly path") : 0;
}

int
mnt_do_readonly(struct mnt_state *s, struct brig_err *err)
{
	for (uint32_t i = 0; i < s->plan.n_readonly; i++) {
		const char *path = s->plan.readonly[i];
		cleanup_close int fd = -1;

		if (open_existing(s, path, &fd, err) < 0)
			return brig_err_wrap(err, "readonly path");
		if (fd >= 0 && readonly_one(path, fd, err) < 0)
			return -1;
	}
	return 0;
}
