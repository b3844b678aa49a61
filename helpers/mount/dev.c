/* dev.c - device nodes and the standard /dev symlinks.
 *
 * Privilege: inside the container's user and mount namespaces, after the
 * plan's mounts (so a tmpfs on /dev is already there).  A node is made with
 * mknodat on its parent directory resolved in root, or, in a user
 * namespace or when asked, is a bind of the host's node (opened before
 * setns) onto an empty file.
 */
#include "helpers/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/path.h"

static const struct {
	const char *name, *target;
} dev_links[] = {
    {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

static int
bind_device(struct mnt_state *s, uint32_t i, struct brig_err *err)
{
	const struct mp_device *d = &s->plan.devices[i];
	cleanup_close int destfd = path_ensure_in_root(s->rootfd, d->path, false, err);

	if (destfd < 0)
		return brig_err_wrap(err, "device");
	if (mnt_attach(s->dev_trees[i], destfd, d->path, err) < 0)
		return brig_err_wrap(err, "device");
	close(s->dev_trees[i]);
	s->dev_trees[i] = -1;
	return 0;
}

static int
make_device(struct mnt_state *s, uint32_t i, struct brig_err *err)
{
	const struct mp_device *d = &s->plan.devices[i];
	cleanup_free char *name = NULL;
	cleanup_close int parent = path_parent_in_root(s->rootfd, d->path, &name, err);

	if (parent < 0)
		return brig_err_wrap(err, "device");
	/* umask is 0 (main.c), so the mode is exact.  An existing entry is
	 * left as it is, as runc does. */
	if (mknodat(parent, name, (mode_t) (d->type | d->mode), makedev(d->major, d->minor)) < 0) {
		if (errno == EEXIST)
			return 0;
		return brig_err_set(err, errno, "device %s: mknod", d->path);
	}
	if ((d->uid != 0 || d->gid != 0) &&
	    fchownat(parent, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return brig_err_set(err, errno, "device %s: chown %u:%u", d->path, d->uid, d->gid);
	return 0;
}

static int
make_links(struct mnt_state *s, struct brig_err *err)
{
	cleanup_close int dev = path_mkdirs_in_root(s->rootfd, "/dev", 0755, err);

	if (dev < 0)
		return brig_err_wrap(err, "/dev");
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (symlinkat(dev_links[i].target, dev, dev_links[i].name) < 0 && errno != EEXIST)
			return brig_err_set(err, errno, "symlink /dev/%s", dev_links[i].name);
	return 0;
}

int
mnt_do_devices(struct mnt_state *s, struct brig_err *err)
{
	for (uint32_t i = 0; i < s->plan.n_devices; i++) {
		int ret = s->dev_trees[i] >= 0 ? bind_device(s, i, err) : make_device(s, i, err);
		if (ret < 0)
			return -1;
	}
	if (s->plan.flags & MPLAN_DEFAULT_DEV)
		return make_links(s, err);
	return 0;
}
