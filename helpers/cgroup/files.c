/* files.c - one cgroup file at a time, relative to the cgroup's dir fd.
 *
 * Files are opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS):
 * a single name inside the container's own cgroup directory, nothing else.
 */
#include "helpers/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/sys.h"

#define CG_RESOLVE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

static int
open_file(int dirfd, const char *file, int flags)
{
	if (strchr(file, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	return sys_openat2(dirfd, file, (uint64_t) (flags | O_CLOEXEC), 0, CG_RESOLVE);
}

int
cg_write(struct cg_hier *h, const char *file, const char *value, struct brig_err *err)
{
	cleanup_close int fd = open_file(h->dirfd, file, O_WRONLY);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return brig_err_set(err, errno, "%s: %s", h->mnt, file);
	/* One write per value: the kernel parses each write as a whole. */
	n = write(fd, value, len);
	if (n < 0 || (size_t) n != len)
		return brig_err_set(err, n < 0 ? errno : EIO, "write \"%s\" to %s/.../%s", value,
		                    h->mnt, file);
	return 0;
}

int
cg_read_at(int dirfd, const char *file, char *buf, size_t size)
{
	cleanup_close int fd = open_file(dirfd, file, O_RDONLY);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off + 1 < size) {
		ssize_t n = read(fd, buf + off, size - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		off += (size_t) n;
	}
	buf[off] = '\0';
	return (int) off;
}

int
cg_read(struct cg_hier *h, const char *file, char *buf, size_t size)
{
	return cg_read_at(h->dirfd, file, buf, size);
}

int
cg_write_changed(struct cg_hier *h, const char *file, const char *value, struct brig_err *err)
{
	char cur[256];
	size_t len = strlen(value);

	if (cg_read(h, file, cur, sizeof(cur)) >= 0) {
		cur[strcspn(cur, "\n")] = '\0';
		if (strlen(cur) == len && memcmp(cur, value, len) == 0)
			return 0;
	}
	return cg_write(h, file, value, err);
}

int
cg_read_key(struct cg_hier *h, const char *file, const char *key, uint64_t *v)
{
	char buf[8192];
	size_t klen = strlen(key);

	if (cg_read(h, file, buf, sizeof(buf)) < 0)
		return -1;
	for (char *line = buf; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*v = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
	return -1;
}

int
cg_read_u64(struct cg_hier *h, const char *file, uint64_t *v)
{
	char buf[64];

	if (cg_read(h, file, buf, sizeof(buf)) < 0)
		return -1;
	/* "max" (v2) reads as 0: no limit. */
	*v = strncmp(buf, "max", 3) == 0 ? 0 : strtoull(buf, NULL, 10);
	return 0;
}
