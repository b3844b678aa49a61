/* seccomp_cache.c - the compile cache of seccomp programs (see the header). */
#include "front/seccomp_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "front/cli.h"
#include "ipc/seccompmsg.h"
#include "lib/cleanup.h"

#define SCC_MAGIC "BRIGSCC\n"
#define SCC_VERSION 1u
#define SCC_HDR_LEN 48u

struct scc_hdr {
	char magic[8];
	uint32_t version;
	uint32_t len; /* program bytes */
	uint8_t sha[SHA256_LEN];
};

_Static_assert(sizeof(struct scc_hdr) == SCC_HDR_LEN, "cache header layout");

static int
scc_read_all(int fd, void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = read(fd, (char *) buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t) n;
	}
	return 0;
}

static int
scc_write_all(int fd, const void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, (const char *) buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t) n;
	}
	return 0;
}

/* Why an entry is refused, or NULL when it is sound: every byte of the
 * file is accounted for, so truncation and appended junk are caught. */
static const char *
scc_check(int fd, struct scc_hdr *h, uint8_t **prog)
{
	struct stat st;
	uint8_t sum[SHA256_LEN];

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_size < (off_t) SCC_HDR_LEN || scc_read_all(fd, h, SCC_HDR_LEN) < 0)
		return "truncated header";
	if (memcmp(h->magic, SCC_MAGIC, sizeof(h->magic)) != 0 || h->version != SCC_VERSION)
		return "bad magic or version";
	if (h->len == 0 || h->len % 8 != 0 || h->len > SCMSG_MAX_INSNS * 8u)
		return "bad program length";
	if ((uint64_t) st.st_size != SCC_HDR_LEN + (uint64_t) h->len)
		return "size does not match the header";
	*prog = malloc(h->len);
	if (*prog == NULL)
		return "out of memory";
	if (scc_read_all(fd, *prog, h->len) < 0)
		return "short read";
	sha256(*prog, h->len, sum);
	if (memcmp(sum, h->sha, SHA256_LEN) != 0)
		return "program hash mismatch";
	return NULL;
}

int
sccache_load(int rootfd, const uint8_t key[SHA256_LEN], void **insns, uint32_t *n)
{
	cleanup_close int dirfd = openat(rootfd, SCCACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int fd = -1;
	cleanup_free uint8_t *prog = NULL;
	char name[2 * SHA256_LEN + 1];
	struct scc_hdr h;
	const char *why;

	if (dirfd < 0)
		return 0;
	sha256_hex(key, name);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	why = scc_check(fd, &h, &prog);
	if (why != NULL) {
		brig_log_debugf("seccomp cache: entry %s: %s; removed, compiling again", name, why);
		unlinkat(dirfd, name, 0);
		return 0;
	}
	*insns = steal_ptr(&prog);
	*n = h.len / 8;
	return 1;
}

/* Make room for one more entry: remove the oldest until fewer than
 * SCCACHE_MAX remain.  Leftover temp files of crashed writers go too. */
static void
scc_evict(int dirfd)
{
	for (;;) {
		DIR *d = fdopendir(openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
		struct dirent *de;
		char oldest[NAME_MAX + 1] = "";
		struct timespec t_old = {0};
		unsigned count = 0;

		if (d == NULL)
			return;
		while ((de = readdir(d)) != NULL) {
			struct stat st;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (de->d_name[0] == '.' && st.st_mtime + 60 < time(NULL)) {
				unlinkat(dirfd, de->d_name, 0); /* a dead writer's temp file */
				continue;
			}
			count++;
			if (oldest[0] == '\0' || st.st_mtim.tv_sec < t_old.tv_sec ||
			    (st.st_mtim.tv_sec == t_old.tv_sec && st.st_mtim.tv_nsec < t_old.tv_nsec)) {
				snprintf(oldest, sizeof(oldest), "%s", de->d_name);
				t_old = st.st_mtim;
			}
		}
		closedir(d);
		if (count < SCCACHE_MAX || oldest[0] == '\0')
			return;
		if (unlinkat(dirfd, oldest, 0) < 0)
			return;
	}
}

int
sccache_store(int rootfd, const uint8_t key[SHA256_LEN], const void *insns, uint32_t n)
{
	cleanup_close int dirfd = -1;
	cleanup_close int fd = -1;
	char name[2 * SHA256_LEN + 1], tmp[64];
	struct scc_hdr h = {.magic = SCC_MAGIC, .version = SCC_VERSION, .len = n * 8};

	if (mkdirat(rootfd, SCCACHE_DIR, 0700) < 0 && errno != EEXIST)
		return -1;
	dirfd = openat(rootfd, SCCACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return -1;
	scc_evict(dirfd);
	sha256(insns, h.len, h.sha);
	sha256_hex(key, name);
	snprintf(tmp, sizeof(tmp), ".tmp.%ld", (long) getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (scc_write_all(fd, &h, sizeof(h)) < 0 || scc_write_all(fd, insns, h.len) < 0 ||
	    renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	return 0;
}
