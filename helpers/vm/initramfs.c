/* initramfs.c - the guest's initramfs: a cached base image and the spec.
 *
 * The base (newc cpio, uncompressed: the kernel unpacks it fastest) holds
 * brig-vminit as /init, /dev/console, the mount points vminit uses and the
 * kernel modules the guest needs for virtio-mmio, the virtio console and
 * 9p, with what they depend on (modules.dep), in load order.  It depends
 * only on the kernel release and vminit, so it is built once into the
 * cache directory, keyed by a hash of those.  Each VM gets a memfd: the
 * base, then a second archive holding the process spec (spec.h); the
 * kernel unpacks concatenated archives one after the other.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helpers/vm/spec.h"
#include "helpers/vm/vm.h"
#include "lib/cleanup.h"
#include "lib/sha256.h"

#define BASE_FORMAT "brig-vm-base-4"
#define MODULE_MAX (16u * 1024u * 1024u)
#define MODDEP_MAX (8u * 1024u * 1024u)
#define MAX_MODULES 32

/* What the guest loads, each after its dependencies. */
static const char *const wanted_modules[] = {"virtio_mmio", "virtio_console", "9pnet_virtio", "9p",
                                             NULL};
/* Loaded only for a rootfs over virtiofs (SPEC_MODULES_VIRTIOFS). */
static const char *const virtiofs_modules[] = {"virtiofs", NULL};

/* ---- newc writer ---- */

struct cpio {
	int fd;
	uint32_t ino;
	struct brig_err *err;
	int failed;
};

static void
cpio_write(struct cpio *c, const void *p, size_t n)
{
	const char *s = p;

	while (!c->failed && n > 0) {
		ssize_t w = write(c->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			brig_err_set(c->err, w < 0 ? errno : EIO, "write initramfs");
			c->failed = 1;
			return;
		}
		s += w;
		n -= (size_t) w;
	}
}

static void
cpio_pad(struct cpio *c, size_t n)
{
	static const char zero[4];

	if (n % 4)
		cpio_write(c, zero, 4 - n % 4);
}

/* One entry: NAME (no leading '/'), MODE with its type bits, DATA. */
static void
cpio_entry(struct cpio *c, const char *name, mode_t mode, dev_t rdev, const void *data, size_t size)
{
	char hdr[160];
	size_t namesize = strlen(name) + 1;

	/* (Sizes are below MODULE_MAX and VMMSG_MAX_SPEC: 8 hex digits.) */
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
	         ++c->ino, (unsigned) mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, (unsigned) size,
	         0u, 0u, major(rdev), minor(rdev), (unsigned) namesize, 0u);
	cpio_write(c, hdr, 110);
	cpio_write(c, name, namesize);
	cpio_pad(c, 110 + namesize);
	cpio_write(c, data, size);
	cpio_pad(c, size);
}

static void
cpio_trailer(struct cpio *c)
{
	cpio_entry(c, "TRAILER!!!", 0, 0, NULL, 0);
}

/* ---- the base image ---- */

static char *
slurp(int dirfd, const char *path, size_t max, size_t *len, struct brig_err *err)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "%s", path), NULL;
	if (!S_ISREG(st.st_mode) || (size_t) st.st_size >= max)
		return brig_err_set(err, EINVAL, "%s: not a regular file below %zu bytes", path,
		                    max),
		       NULL;
	buf = malloc((size_t) st.st_size + 1);
	if (buf == NULL)
		return brig_err_set(err, ENOMEM, "%s", path), NULL;
	if (read(fd, buf, (size_t) st.st_size) != st.st_size)
		return brig_err_set(err, errno ? errno : EIO, "read %s", path), NULL;
	buf[st.st_size] = '\0';
	*len = (size_t) st.st_size;
	return steal_ptr(&buf);
}

/* The modules.dep line of NAME ("kernel/fs/9p/9p.ko: dep dep"), copied. */
static char *
moddep_line(const char *dep, const char *name)
{
	size_t nlen = strlen(name);

	for (const char *l = dep; *l != '\0';) {
		const char *eol = strchrnul(l, '\n'), *colon = memchr(l, ':', (size_t) (eol - l));

		if (colon != NULL && colon - l >= (long) nlen + 4 &&
		    memcmp(colon - 3, ".ko", 3) == 0 && memcmp(colon - 3 - nlen, name, nlen) == 0 &&
		    (colon - 3 - nlen == l || colon[-4 - (long) nlen] == '/'))
			return strndup(l, (size_t) (eol - l));
		l = *eol ? eol + 1 : eol;
	}
	return NULL;
}

static int
add_unique(char **list, int *n, const char *path, struct brig_err *err)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(list[i], path) == 0)
			return 0;
	if (*n >= MAX_MODULES)
		return brig_err_set(err, E2BIG, "more than %d modules", MAX_MODULES);
	if (strstr(path, ".ko") == NULL || strcmp(strstr(path, ".ko"), ".ko") != 0)
		return brig_err_set(err, ENOTSUP, "module %s: only uncompressed modules", path);
	list[(*n)++] = strdup(path);
	return 0;
}

/* Every module of WANTED with its dependencies, dependencies first
 * (modules.dep lists them nearest first: taken in reverse).  A module
 * modules.dep does not know is built in. */
static int
module_order(const char *dep, const char *const *wanted, char **list, int *n,
             struct brig_err *err)
{
	for (size_t w = 0; wanted[w] != NULL; w++) {
		cleanup_free char *line = moddep_line(dep, wanted[w]);
		char *deps[MAX_MODULES], *save = NULL, *tok;
		int nd = 0;

		if (line == NULL)
			continue;
		*strchr(line, ':') = '\0';
		for (tok = strtok_r(line + strlen(line) + 1, " ", &save);
		     tok != NULL && nd < MAX_MODULES; tok = strtok_r(NULL, " ", &save))
			deps[nd++] = tok;
		while (nd > 0)
			if (add_unique(list, n, deps[--nd], err) < 0)
				return -1;
		if (add_unique(list, n, line, err) < 0)
			return -1;
	}
	return 0;
}

/* A module without its appended signature.  The guest kernel checks a
 * signature (RSA, SHA-512) for each module it loads: under TCG that was
 * half a second of every boot.  The files come from the host's
 * /lib/modules, which we trust as much as the kernel itself; the guest
 * (MODULE_SIG_FORCE off, no lockdown) takes them unsigned and notes a
 * taint.  The layout: ... signature, struct module_signature (12 bytes,
 * the signature's length big-endian in its last 4), the marker. */
static void
strip_signature(const char *ko, size_t *len)
{
	static const char marker[] = "~Module signature appended~\n";
	const size_t mlen = sizeof(marker) - 1, info = 12;
	const unsigned char *p;
	size_t n = *len, sig;

	if (n < mlen + info || memcmp(ko + n - mlen, marker, mlen) != 0)
		return;
	n -= mlen;
	p = (const unsigned char *) ko + n - 4;
	sig = (size_t) p[0] << 24 | (size_t) p[1] << 16 | (size_t) p[2] << 8 | p[3];
	if (sig > n - info)
		return;
	*len = n - info - sig;
}

/* The modules of WANTED into the image, and LISTNAME listing them in load
 * order for brig-vminit. */
static int
base_modules(struct cpio *c, const char *rel, const char *const *wanted, const char *listname,
             struct brig_err *err)
{
	char mdir[PATH_MAX], *list[MAX_MODULES];
	cleanup_free char *dep = NULL, *names = NULL;
	cleanup_close int dfd = -1;
	size_t len, nlen = 0;
	int n = 0, ret = 0;

	snprintf(mdir, sizeof(mdir), "/lib/modules/%s", rel);
	dfd = open(mdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 && errno == ENOENT) {
		/* A kernel with everything built in. */
		cpio_entry(c, listname, S_IFREG | 0644, 0, "", 0);
		return 0;
	}
	dep = dfd < 0 ? NULL : slurp(dfd, "modules.dep", MODDEP_MAX, &len, err);
	if (dep == NULL)
		return dfd < 0 ? brig_err_set(err, errno, "%s", mdir) : -1;
	if (module_order(dep, wanted, list, &n, err) < 0)
		ret = -1;
	names = calloc((size_t) n + 1, 64 + 16);
	for (int i = 0; ret == 0 && i < n; i++) {
		cleanup_free char *ko = slurp(dfd, list[i], MODULE_MAX, &len, err);
		char name[96];
		const char *base = strrchr(list[i], '/') ? strrchr(list[i], '/') + 1 : list[i];

		if (ko == NULL || names == NULL) {
			ret = ko == NULL ? brig_err_wrap(err, "%s", mdir)
			                 : brig_err_set(err, ENOMEM, "modules");
			break;
		}
		snprintf(name, sizeof(name), "brig/m/%.64s", base);
		strip_signature(ko, &len);
		cpio_entry(c, name, S_IFREG | 0644, 0, ko, len);
		nlen += (size_t) sprintf(names + nlen, "/%s\n", name);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	if (ret == 0)
		cpio_entry(c, listname, S_IFREG | 0644, 0, names ? names : "", nlen);
	return ret;
}

static int
base_write(int fd, const char *vminit, const char *rel, struct brig_err *err)
{
	struct cpio c = {.fd = fd, .err = err};
	static const char *const dirs[] = {"brig", "brig/m", "dev", "proc", "sys", "newroot"};
	cleanup_free char *init = NULL;
	size_t len;

	init = slurp(AT_FDCWD, vminit, MODULE_MAX, &len, err);
	if (init == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_entry(&c, dirs[i], S_IFDIR | 0755, 0, NULL, 0);
	/* The kernel opens it as init's stdin, stdout and stderr. */
	cpio_entry(&c, "dev/console", S_IFCHR | 0600, makedev(5, 1), NULL, 0);
	cpio_entry(&c, "init", S_IFREG | 0755, 0, init, len);
	if (!c.failed && (base_modules(&c, rel, wanted_modules, SPEC_MODULES, err) < 0 ||
	                  base_modules(&c, rel, virtiofs_modules, SPEC_MODULES_VIRTIOFS, err) < 0))
		return -1;
	cpio_trailer(&c);
	return c.failed ? -1 : 0;
}

/* ---- the cache ---- */

int
vm_cache_open(const char *dir, struct brig_err *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "cache dir %s", dir);
	fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "cache dir %s", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0)
		return brig_err_set(err, EPERM, "cache dir %s: not ours alone", dir);
	return steal_fd(&fd);
}

static void
stat_key(struct sha256 *h, const char *path)
{
	struct stat st;
	uint64_t v[4] = {0};

	if (stat(path, &st) == 0) {
		v[0] = (uint64_t) st.st_ino;
		v[1] = (uint64_t) st.st_size;
		v[2] = (uint64_t) st.st_mtim.tv_sec;
		v[3] = (uint64_t) st.st_mtim.tv_nsec;
	}
	sha256_update(h, path, strlen(path) + 1);
	sha256_update(h, v, sizeof(v));
}

/* "base-REL-HASH.cpio": what the image was made from, by stat. */
static void
base_name(const char *vminit, const char *rel, char *name, size_t len)
{
	char mdep[PATH_MAX], hex[2 * SHA256_LEN + 1];
	uint8_t d[SHA256_LEN];
	struct sha256 h;

	snprintf(mdep, sizeof(mdep), "/lib/modules/%s/modules.dep", rel);
	sha256_init(&h);
	sha256_update(&h, BASE_FORMAT, sizeof(BASE_FORMAT));
	sha256_update(&h, rel, strlen(rel) + 1);
	stat_key(&h, vminit);
	stat_key(&h, mdep);
	sha256_final(&h, d);
	sha256_hex(d, hex);
	snprintf(name, len, "base-%s-%.16s.cpio", rel, hex);
}

/* brig-vminit sits next to brig-vm. */
static int
vminit_path(char *path, size_t len, struct brig_err *err)
{
	ssize_t n = readlink("/proc/self/exe", path, len - 32);
	char *slash;

	if (n < 0)
		return brig_err_set(err, errno, "readlink /proc/self/exe");
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "brig-vminit");
	return 0;
}

/* A new base image for REL makes the older ones for REL stale (another
 * brig-vminit or module set): remove them.  A brig-vm that has one open
 * keeps reading it. */
static void
base_prune(int dfd, const char *rel, const char *keep)
{
	char prefix[160];
	int n = snprintf(prefix, sizeof(prefix), "base-%s-", rel);
	int dup = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	struct dirent *e;

	if (d == NULL) {
		if (dup >= 0)
			close(dup);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (n > 0 && (size_t) n < sizeof(prefix) && strncmp(e->d_name, prefix, (size_t) n) == 0 &&
		    strcmp(e->d_name, keep) != 0)
			unlinkat(dfd, e->d_name, 0);
	closedir(d);
}

/* Open the base image, building it first when it is not there.  A build
 * is a nameless file linked in when complete: a concurrent brig-vm sees
 * the whole image or none. */
static int
base_open(int dfd, const char *rel, struct brig_err *err)
{
	char vminit[PATH_MAX], name[PATH_MAX], tmp[64];
	cleanup_close int fd = -1;

	if (vminit_path(vminit, sizeof(vminit), err) < 0)
		return -1;
	base_name(vminit, rel, name, sizeof(name));
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? steal_fd(&fd) : brig_err_set(err, errno, "cache: %s", name);
	fd = openat(dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (fd < 0)
		return brig_err_set(err, errno, "cache: tmpfile");
	if (base_write(fd, vminit, rel, err) < 0)
		return brig_err_wrap(err, "initramfs for %s", rel);
	snprintf(tmp, sizeof(tmp), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, tmp, dfd, name, AT_SYMLINK_FOLLOW) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, "cache: %s", name);
	base_prune(dfd, rel, name);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return brig_err_set(err, errno, "lseek");
	return steal_fd(&fd);
}

/* ---- the spec ---- */

static void
spec_put(char *buf, size_t *off, size_t cap, int *over, const char *key, const char *val)
{
	int n = snprintf(buf + *off, cap - *off, "%s=%s", key, val);

	if (n < 0 || (size_t) n + 1 >= cap - *off) {
		*over = 1;
		return;
	}
	*off += (size_t) n + 1; /* the NUL ends the record */
}

static void
spec_putn(char *buf, size_t *off, size_t cap, int *over, const char *key, int octal,
          unsigned long long v)
{
	char num[32];

	snprintf(num, sizeof(num), octal ? "%llo" : "%llu", v);
	spec_put(buf, off, cap, over, key, num);
}

static int
spec_build(const struct vm_request *q, char *buf, size_t cap, size_t *len, struct brig_err *err)
{
	size_t off = 0;
	int over = 0;

	memcpy(buf, SPEC_MAGIC, sizeof(SPEC_MAGIC));
	off = sizeof(SPEC_MAGIC);
	for (uint32_t i = 0; i < q->n_args; i++)
		spec_put(buf, &off, cap, &over, "arg", q->args[i]);
	for (uint32_t i = 0; i < q->n_env; i++)
		spec_put(buf, &off, cap, &over, "env", q->env[i]);
	spec_put(buf, &off, cap, &over, "cwd", q->cwd);
	spec_putn(buf, &off, cap, &over, "uid", 0, q->uid);
	spec_putn(buf, &off, cap, &over, "gid", 0, q->gid);
	spec_putn(buf, &off, cap, &over, "umask", 1, q->umask);
	for (uint32_t i = 0; i < q->n_groups; i++)
		spec_putn(buf, &off, cap, &over, "group", 0, q->groups[i]);
	if (q->hostname != NULL)
		spec_put(buf, &off, cap, &over, "hostname", q->hostname);
	if (q->hold)
		spec_put(buf, &off, cap, &over, "hold", "1");
	if (q->fs == VM_FS_VIRTIOFS)
		spec_put(buf, &off, cap, &over, "rootfs", "virtiofs");
	for (uint32_t i = 0; i < q->n_mounts; i++) {
		char v[4200];

		if ((size_t) snprintf(v, sizeof(v), "%u:%s:%s", i, q->mounts[i].readonly ? "ro" : "rw",
		                      q->mounts[i].dest) >= sizeof(v))
			over = 1;
		spec_put(buf, &off, cap, &over, "mount", v);
	}
	for (uint32_t i = 0; i < q->n_rlimits; i++) {
		char v[80];

		snprintf(v, sizeof(v), "%u,%llu,%llu", q->rlimits[i].type,
		         (unsigned long long) q->rlimits[i].soft,
		         (unsigned long long) q->rlimits[i].hard);
		spec_put(buf, &off, cap, &over, "rlimit", v);
	}
	if (over)
		return brig_err_set(err, E2BIG, "process spec: longer than %zu bytes", cap);
	*len = off;
	return 0;
}

int
vm_initramfs(const struct vm_request *q, int cache_dfd, const char *rel, struct brig_err *err)
{
	cleanup_close int base = -1, mfd = -1;
	cleanup_free char *spec = malloc(VMMSG_MAX_SPEC);
	struct cpio c = {.err = err};
	struct stat st;
	size_t len = 0;
	off_t off = 0;

	if (spec == NULL)
		return brig_err_set(err, ENOMEM, "process spec");
	if (spec_build(q, spec, VMMSG_MAX_SPEC, &len, err) < 0)
		return -1;
	base = base_open(cache_dfd, rel, err);
	if (base < 0 || fstat(base, &st) < 0)
		return base < 0 ? -1 : brig_err_set(err, errno, "initramfs base");
	mfd = memfd_create("brig-vm-initrd", MFD_CLOEXEC);
	if (mfd < 0)
		return brig_err_set(err, errno, "memfd_create");
	while (off < st.st_size)
		if (sendfile(mfd, base, &off, (size_t) (st.st_size - off)) <= 0)
			return brig_err_set(err, errno ? errno : EIO, "copy the initramfs base");
	c.fd = mfd;
	c.ino = 1u << 20; /* apart from the base's inode numbers */
	cpio_entry(&c, SPEC_PATH, S_IFREG | 0600, 0, spec, len);
	cpio_trailer(&c);
	return c.failed ? -1 : steal_fd(&mfd);
}
