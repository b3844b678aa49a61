/* vmlinux.c - the uncompressed kernel inside a bzImage, for a PVH boot.
 *
 * Booting Debian's bzImage, the guest first runs the kernel's own xz
 * decompressor: under TCG that alone is about 4 s of a 7 s run.  The ELF
 * vmlinux inside it has a PVH entry point (CONFIG_PVH), which qemu boots
 * directly.  So the payload is decompressed once, on the host, into the
 * cache directory (keyed by the bzImage's identity), and booted from there.
 * A payload in another format is not an error: the bzImage is booted.
 */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/vm/vm.h"
#include "lib/cleanup.h"

#define VMLINUX_MAX (512ull * 1024 * 1024)
#define OUT_CHUNK (1024 * 1024)

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
	       (uint32_t) p[3] << 24;
}

/* The xz payload of the bzImage mapped at IMG (SIZE bytes): its start and
 * length, or NULL when it is not xz. */
static const unsigned char *
xz_payload(const unsigned char *img, size_t size, size_t *len)
{
	static const unsigned char magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
	size_t setup, off, n;

	if (size < 0x250)
		return NULL;
	setup = ((size_t) (img[0x1f1] ? img[0x1f1] : 4) + 1) * 512;
	off = setup + le32(img + 0x248);
	n = le32(img + 0x24c);
	if (off >= size || n > size - off || n < sizeof(magic) || memcmp(img + off, magic, 6) != 0)
		return NULL;
	*len = n;
	return img + off;
}

static int
write_all(int fd, const uint8_t *p, size_t n, struct brig_err *err)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return brig_err_set(err, w < 0 ? errno : EIO, "write vmlinux");
		p += w;
		n -= (size_t) w;
	}
	return 0;
}

/* Decompress IN into FD; the result must be an ELF file. */
static int
unxz(const unsigned char *in, size_t len, int fd, struct brig_err *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	cleanup_free uint8_t *out = malloc(OUT_CHUNK);
	uint64_t total = 0;
	lzma_ret r = LZMA_OK;
	unsigned char elf[4];

	if (out == NULL || lzma_stream_decoder(&s, VMLINUX_MAX, 0) != LZMA_OK)
		return brig_err_set(err, ENOMEM, "xz decoder");
	s.next_in = in;
	s.avail_in = len;
	while (r == LZMA_OK) {
		s.next_out = out;
		s.avail_out = OUT_CHUNK;
		r = lzma_code(&s, LZMA_FINISH);
		total += OUT_CHUNK - s.avail_out;
		if ((r == LZMA_OK || r == LZMA_STREAM_END) && total > VMLINUX_MAX)
			r = LZMA_MEMLIMIT_ERROR;
		if ((r == LZMA_OK || r == LZMA_STREAM_END) &&
		    write_all(fd, out, OUT_CHUNK - s.avail_out, err) < 0) {
			lzma_end(&s);
			return -1;
		}
	}
	lzma_end(&s);
	if (r != LZMA_STREAM_END)
		return brig_err_set(err, EINVAL, "the bzImage's xz payload: lzma error %d",
		                    (int) r);
	if (pread(fd, elf, 4, 0) != 4 || memcmp(elf, "\177ELF", 4) != 0)
		return brig_err_set(err, ENOEXEC, "the bzImage's payload is not an ELF file");
	return 0;
}

int
vm_kernel_vmlinux(int kfd, int cache_dfd, struct brig_err *err)
{
	char name[128], tmp[64];
	struct stat st;
	const unsigned char *payload;
	unsigned char *img;
	size_t len;
	cleanup_close int fd = -1;
	int ret;

	if (fstat(kfd, &st) < 0)
		return brig_err_set(err, errno, "fstat");
	/* The bzImage's identity: a new kernel package is a new file. */
	snprintf(name, sizeof(name), "vmlinux-%llx-%llx-%llx-%lld.%09ld",
	         (unsigned long long) st.st_dev, (unsigned long long) st.st_ino,
	         (unsigned long long) st.st_size, (long long) st.st_mtim.tv_sec,
	         st.st_mtim.tv_nsec);
	fd = openat(cache_dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? steal_fd(&fd) : brig_err_set(err, errno, "cache: %s", name);
	img = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, kfd, 0);
	if (img == MAP_FAILED)
		return brig_err_set(err, errno, "mmap the kernel");
	payload = xz_payload(img, (size_t) st.st_size, &len);
	if (payload == NULL) {
		munmap(img, (size_t) st.st_size);
		return -2; /* not xz: boot the bzImage */
	}
	fd = openat(cache_dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	ret = fd < 0 ? brig_err_set(err, errno, "cache: tmpfile") : unxz(payload, len, fd, err);
	munmap(img, (size_t) st.st_size);
	if (ret < 0)
		return -1;
	/* Linked in whole or not at all; a concurrent brig-vm's copy is as good. */
	snprintf(tmp, sizeof(tmp), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, tmp, cache_dfd, name, AT_SYMLINK_FOLLOW) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "cache: %s", name);
	return steal_fd(&fd);
}
