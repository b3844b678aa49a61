/* path.c - resolving and creating paths inside a rootfs through fds.
 *
 * The rootfs directory fd is the only anchor.  A path is resolved with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), which treats the
 * anchor as "/" for absolute symlinks and ".." alike, so whatever an image
 * contains, the result is inside the rootfs.  Creation uses mkdirat /
 * openat(O_EXCL | O_NOFOLLOW) with one name under a parent fd resolved
 * that way: a symlink swapped in at the last moment is never followed by
 * the creating call, it only makes the following resolution fail.
 */
#include "lib/path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#define PATH_RESOLVE (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

int
path_open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	int fd;

	do
		fd = sys_openat2(rootfd, path, (uint64_t) (flags | O_CLOEXEC), mode, PATH_RESOLVE);
	while (fd < 0 && errno == EAGAIN); /* a rename raced with the lookup */
	return fd;
}

static int
open_dir(int rootfd, const char *path)
{
	return path_open_in_root(rootfd, path, O_PATH | O_DIRECTORY, 0);
}

/* Resolve PREFIX (ending with the component NAME, which is NUL-terminated
 * inside PREFIX) under ROOTFD, creating NAME in PARENT when it is missing. */
static int
step_dir(int rootfd, int parent, const char *prefix, const char *name, mode_t mode,
         struct brig_err *err)
{
	int fd = open_dir(rootfd, prefix);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return brig_err_set(err, errno, "%s", prefix);
	if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "mkdir %s", prefix);
	fd = open_dir(rootfd, prefix);
	if (fd < 0) {
		/* EEXIST above and still missing: a symlink pointing nowhere. */
		return brig_err_set(err, errno, "%s%s", prefix,
		                    errno == ENOENT ? " (dangling symlink?)" : "");
	}
	return fd;
}

int
path_mkdirs_in_root(int rootfd, const char *path, mode_t mode, struct brig_err *err)
{
	cleanup_free char *prefix = NULL;
	cleanup_close int parent = -1;
	size_t len = 0;
	const char *p = path;
	int fd;

	fd = open_dir(rootfd, path);
	if (fd >= 0)
		return fd; /* the common case: it is all there */
	if (errno != ENOENT)
		return brig_err_set(err, errno, "%s", path);
	parent = open_dir(rootfd, "/");
	if (parent < 0)
		return brig_err_set(err, errno, "rootfs");
	/* PREFIX grows one component at a time; it is a path inside the
	 * rootfs, resolved from ROOTFD, never joined to the rootfs path. */
	prefix = xmalloc(strlen(path) + 2);
	for (;;) {
		size_t n;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, "/");
		prefix[len++] = '/';
		memcpy(prefix + len, p, n);
		prefix[len + n] = '\0';
		fd = step_dir(rootfd, parent, prefix, prefix + len, mode, err);
		if (fd < 0)
			return -1;
		close(parent);
		parent = fd;
		len += n;
		p += n;
	}
	return steal_fd(&parent);
}

static bool
is_dot_name(const char *name)
{
	return name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

int
path_parent_in_root(int rootfd, const char *path, char **name, struct brig_err *err)
{
	cleanup_free char *copy = xstrdup(path);
	size_t len = strlen(copy);
	char *slash;
	int fd;

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	slash = strrchr(copy, '/');
	if (slash == NULL || is_dot_name(slash + 1))
		return brig_err_set(err, EINVAL, "%s: does not end with a name", path);
	*slash = '\0';
	fd = path_mkdirs_in_root(rootfd, copy[0] ? copy : "/", 0755, err);
	if (fd < 0)
		return -1;
	*name = xstrdup(slash + 1);
	return fd;
}

static int
ensure_file(int rootfd, const char *path, struct brig_err *err)
{
	cleanup_free char *name = NULL;
	cleanup_close int parent = -1;
	int fd;

	parent = path_parent_in_root(rootfd, path, &name, err);
	if (parent < 0)
		return -1;
	/* O_EXCL|O_NOFOLLOW: an existing name, symlink included, is left alone
	 * and then resolved in root like any other path. */
	fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "create %s", path);
	if (fd >= 0)
		close(fd);
	fd = path_open_in_root(rootfd, path, O_PATH, 0);
	if (fd < 0)
		return brig_err_set(err, errno, "%s", path);
	return fd;
}

int
path_ensure_in_root(int rootfd, const char *path, bool is_dir, struct brig_err *err)
{
	struct stat st;
	int fd;

	if (is_dir) {
		fd = open_dir(rootfd, path);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT)
			return brig_err_set(err, errno, "%s", path);
		return path_mkdirs_in_root(rootfd, path, 0755, err);
	}
	fd = path_open_in_root(rootfd, path, O_PATH, 0);
	if (fd < 0 && errno != ENOENT)
		return brig_err_set(err, errno, "%s", path);
	if (fd < 0)
		fd = ensure_file(rootfd, path, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return brig_err_set(err, e, "%s", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return brig_err_set(err, EISDIR, "%s", path);
	}
	return fd;
}
