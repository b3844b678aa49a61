/* load.c - open /etc/brig/policy the way a privileged reader must.
 *
 * The file decides what a setuid or file-capability helper does for
 * unprivileged users, so whoever can write it (or replace it, through its
 * directory) holds that privilege.  Both must be root's alone.  The
 * directory is opened first (O_PATH, no symlink followed) and checked, and
 * the file is opened relative to it, so what is checked is what is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/xalloc.h"
#include "policy/policy.h"

/* Messages that say "refused" carry the errno without its text, which
 * would only repeat them. */
static int
load_errno(struct brig_err *err, int errnum)
{
	err->errnum = errnum;
	return -1;
}

/* Owned by root and not writable by group or others; WHAT is "" for the
 * file, "directory " for its directory. */
static int
load_check_owner(const struct stat *st, const char *what, const char *path, struct brig_err *err)
{
	if (st->st_uid != 0) {
		brig_err_set(err, 0, "%s%s: owned by uid %u, not root: refused", what, path,
		             (unsigned) st->st_uid);
		return load_errno(err, EPERM);
	}
	if ((st->st_mode & 022) != 0) {
		brig_err_set(err, 0, "%s%s: writable by group or others (mode %04o): refused", what,
		             path, (unsigned) (st->st_mode & 07777));
		return load_errno(err, EPERM);
	}
	return 0;
}

static int
load_open_dir(const char *dir, struct brig_err *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOTDIR || e == ELOOP) {
			brig_err_set(err, 0,
			             "directory %s: not a directory (or a symbolic link): refused",
			             dir);
			return load_errno(err, e);
		}
		return brig_err_set(err, e, "directory %s", dir);
	}
	if (fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "directory %s: fstat", dir);
	if (load_check_owner(&st, "directory ", dir, err) < 0)
		return -1;
	return steal_fd(&fd);
}

static int
load_open_file(int dirfd, const char *base, const char *path, struct brig_err *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer before fstat
	 * can refuse it. */
	fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP) {
			brig_err_set(err, 0, "%s: a symbolic link: refused", path);
			return load_errno(err, ELOOP);
		}
		return brig_err_set(err, errno, "%s", path);
	}
	if (fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "%s: fstat", path);
	if (!S_ISREG(st.st_mode)) {
		brig_err_set(err, 0, "%s: not a regular file: refused", path);
		return load_errno(err, EINVAL);
	}
	if (load_check_owner(&st, "", path, err) < 0)
		return -1;
	if (st.st_size > POLICY_MAX_SIZE) {
		brig_err_set(err, 0, "%s: larger than %d bytes: refused", path, POLICY_MAX_SIZE);
		return load_errno(err, EFBIG);
	}
	return steal_fd(&fd);
}

/* Up to POLICY_MAX_SIZE + 1 bytes: one more than allowed shows that the
 * file grew past the limit after fstat. */
static char *
load_read(int fd, const char *path, size_t *len, struct brig_err *err)
{
	size_t cap = POLICY_MAX_SIZE + 1, used = 0;
	char *buf = xmalloc(cap);

	while (used < cap) {
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			brig_err_set(err, errno, "%s: read", path);
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t) n;
	}
	*len = used;
	return buf;
}

int
policy_load(const char *path, const char *passwd, const char *group, struct policy *p,
            struct brig_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_free char *text = NULL;
	cleanup_close int dirfd = -1;
	cleanup_close int fd = -1;
	const char *slash, *base;
	size_t len = 0;

	memset(p, 0, sizeof(*p));
	if (path == NULL)
		path = POLICY_PATH;
	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	if (*base == '\0')
		return brig_err_set(err, EINVAL, "%s: not a file name", path);
	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t) (slash - path));
	dirfd = load_open_dir(dir, err);
	if (dirfd < 0 && err->errnum == ENOENT) /* no directory, no policy */
		return brig_err_set(err, ENOENT, "%s", path);
	if (dirfd < 0)
		return -1;
	fd = load_open_file(dirfd, base, path, err);
	if (fd < 0)
		return -1;
	text = load_read(fd, path, &len, err);
	if (text == NULL)
		return -1;
	return policy_parse(text, len, path, passwd, group, p, err);
}
