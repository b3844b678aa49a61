/* cmd_spec.c - `brig spec`: write a starting config.json into a bundle.
 *
 * The document is the one `runc spec` writes (same members, same order,
 * tab-indented), so that tools and tutorials written for runc give the
 * same result; only ociVersion and hostname name brig.  --rootless makes
 * the changes runc makes: no network namespace and no device cgroup
 * rule, a user namespace mapping root to the caller, /sys bind-mounted
 * (sysfs cannot be mounted without owning the network namespace) and no
 * gid=5 on devpts (that gid is not mapped).
 *
 * The file is never overwritten: it is written to a temporary name in the
 * bundle and moved into place with renameat2(RENAME_NOREPLACE), so a
 * config.json that appears meanwhile is kept and a reader never sees a
 * half-written one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "front/cli.h"
#include "lib/cleanup.h"
#include "lib/err.h"

#define SPEC_FILE "config.json"

static void
spec_gen_free(yajl_gen *gen)
{
	if (*gen != NULL)
		yajl_gen_free(*gen);
}
#define cleanup_yajl_gen __attribute__((cleanup(spec_gen_free)))

/* Small writers; yajl only fails on misuse (wrong nesting), which the
 * fixed shape of this document rules out, so the status is checked once
 * at the end through yajl_gen_get_buf(). */
static void
spec_str(yajl_gen gen, const char *s)
{
	yajl_gen_string(gen, (const unsigned char *) s, strlen(s));
}

static void
spec_key_str(yajl_gen gen, const char *key, const char *value)
{
	spec_str(gen, key);
	spec_str(gen, value);
}

static void
spec_key_int(yajl_gen gen, const char *key, long long value)
{
	spec_str(gen, key);
	yajl_gen_integer(gen, value);
}

static void
spec_key_bool(yajl_gen gen, const char *key, bool value)
{
	spec_str(gen, key);
	yajl_gen_bool(gen, value);
}

/* "key": [ "a", "b", ... ] from a NULL-terminated list. */
static void
spec_key_strv(yajl_gen gen, const char *key, const char *const *values)
{
	spec_str(gen, key);
	yajl_gen_array_open(gen);
	for (; *values != NULL; values++)
		spec_str(gen, *values);
	yajl_gen_array_close(gen);
}

static const char *const spec_caps[] = {
    "CAP_AUDIT_WRITE",
    "CAP_KILL",
    "CAP_NET_BIND_SERVICE",
    NULL,
};

static void
spec_process(yajl_gen gen)
{
	static const char *const args[] = {"sh", NULL};
	static const char *const env[] = {
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	    "TERM=xterm",
	    NULL,
	};
	static const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};

	spec_str(gen, "process");
	yajl_gen_map_open(gen);
	spec_key_bool(gen, "terminal", true);
	spec_str(gen, "user");
	yajl_gen_map_open(gen);
	spec_key_int(gen, "uid", 0);
	spec_key_int(gen, "gid", 0);
	yajl_gen_map_close(gen);
	spec_key_strv(gen, "args", args);
	spec_key_strv(gen, "env", env);
	spec_key_str(gen, "cwd", "/");
	spec_str(gen, "capabilities");
	yajl_gen_map_open(gen);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		spec_key_strv(gen, sets[i], spec_caps);
	yajl_gen_map_close(gen);
	spec_str(gen, "rlimits");
	yajl_gen_array_open(gen);
	yajl_gen_map_open(gen);
	spec_key_str(gen, "type", "RLIMIT_NOFILE");
	spec_key_int(gen, "hard", 1024);
	spec_key_int(gen, "soft", 1024);
	yajl_gen_map_close(gen);
	yajl_gen_array_close(gen);
	spec_key_bool(gen, "noNewPrivileges", true);
	yajl_gen_map_close(gen);
}

struct spec_mount {
	const char *destination, *type, *source;
	const char *options[8]; /* NULL-terminated; empty: no "options" member */
};

static void
spec_mount_entry(yajl_gen gen, const struct spec_mount *m)
{
	yajl_gen_map_open(gen);
	spec_key_str(gen, "destination", m->destination);
	spec_key_str(gen, "type", m->type);
	spec_key_str(gen, "source", m->source);
	if (m->options[0] != NULL)
		spec_key_strv(gen, "options", m->options);
	yajl_gen_map_close(gen);
}

static void
spec_mounts(yajl_gen gen, bool rootless)
{
	static const struct spec_mount head[] = {
	    {"/proc", "proc", "proc", {NULL}},
	    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
	};
	static const struct spec_mount devpts = {
	    "/dev/pts",
	    "devpts",
	    "devpts",
	    {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}};
	static const struct spec_mount devpts_rootless = {
	    "/dev/pts",
	    "devpts",
	    "devpts",
	    {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL}};
	static const struct spec_mount middle[] = {
	    {"/dev/shm",
	     "tmpfs",
	     "shm",
	     {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
	    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
	};
	static const struct spec_mount sys = {
	    "/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}};
	static const struct spec_mount sys_rootless = {
	    "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro", NULL}};
	static const struct spec_mount cgroup = {
	    "/sys/fs/cgroup",
	    "cgroup",
	    "cgroup",
	    {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}};

	spec_str(gen, "mounts");
	yajl_gen_array_open(gen);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		spec_mount_entry(gen, &head[i]);
	spec_mount_entry(gen, rootless ? &devpts_rootless : &devpts);
	for (size_t i = 0; i < sizeof(middle) / sizeof(middle[0]); i++)
		spec_mount_entry(gen, &middle[i]);
	spec_mount_entry(gen, rootless ? &sys_rootless : &sys);
	spec_mount_entry(gen, &cgroup);
	yajl_gen_array_close(gen);
}

/* "key": [ { "containerID": 0, "hostID": ID, "size": 1 } ] */
static void
spec_idmap(yajl_gen gen, const char *key, unsigned id)
{
	spec_str(gen, key);
	yajl_gen_array_open(gen);
	yajl_gen_map_open(gen);
	spec_key_int(gen, "containerID", 0);
	spec_key_int(gen, "hostID", id);
	spec_key_int(gen, "size", 1);
	yajl_gen_map_close(gen);
	yajl_gen_array_close(gen);
}

static void
spec_namespaces(yajl_gen gen, bool rootless)
{
	static const char *const rootful[] = {"pid", "network", "ipc", "uts", "mount", NULL};
	static const char *const unpriv[] = {"pid", "ipc", "uts", "mount", "user", NULL};

	spec_str(gen, "namespaces");
	yajl_gen_array_open(gen);
	for (const char *const *t = rootless ? unpriv : rootful; *t != NULL; t++) {
		yajl_gen_map_open(gen);
		spec_key_str(gen, "type", *t);
		yajl_gen_map_close(gen);
	}
	yajl_gen_array_close(gen);
}

static void
spec_linux(yajl_gen gen, bool rootless)
{
	static const char *const masked[] = {
	    "/proc/acpi",
	    "/proc/asound",
	    "/proc/kcore",
	    "/proc/keys",
	    "/proc/latency_stats",
	    "/proc/timer_list",
	    "/proc/timer_stats",
	    "/proc/sched_debug",
	    "/sys/firmware",
	    "/proc/scsi",
	    NULL,
	};
	static const char *const readonly[] = {
	    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
	};

	spec_str(gen, "linux");
	yajl_gen_map_open(gen);
	if (rootless) {
		/* Root in the container is the caller outside: the only
		 * mapping an unprivileged user may write without newuidmap. */
		spec_idmap(gen, "uidMappings", geteuid());
		spec_idmap(gen, "gidMappings", getegid());
	} else {
		spec_str(gen, "resources");
		yajl_gen_map_open(gen);
		spec_str(gen, "devices");
		yajl_gen_array_open(gen);
		yajl_gen_map_open(gen);
		spec_key_bool(gen, "allow", false);
		spec_key_str(gen, "access", "rwm");
		yajl_gen_map_close(gen);
		yajl_gen_array_close(gen);
		yajl_gen_map_close(gen);
	}
	spec_namespaces(gen, rootless);
	spec_key_strv(gen, "maskedPaths", masked);
	spec_key_strv(gen, "readonlyPaths", readonly);
	yajl_gen_map_close(gen);
}

static void
spec_document(yajl_gen gen, bool rootless)
{
	yajl_gen_map_open(gen);
	spec_key_str(gen, "ociVersion", "1.2.0");
	spec_process(gen);
	spec_str(gen, "root");
	yajl_gen_map_open(gen);
	spec_key_str(gen, "path", "rootfs");
	spec_key_bool(gen, "readonly", true);
	yajl_gen_map_close(gen);
	spec_key_str(gen, "hostname", "brig");
	spec_mounts(gen, rootless);
	spec_linux(gen, rootless);
	yajl_gen_map_close(gen);
}

static int
spec_write_all(int fd, const unsigned char *buf, size_t len, struct brig_err *err)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return brig_err_set(err, errno, "write");
		buf += n;
		len -= (size_t) n;
	}
	return 0;
}

/* Create a fresh temporary file in DIRFD; its name goes to NAME. */
static int
spec_open_temp(int dirfd, char *name, size_t size, struct brig_err *err)
{
	for (int i = 0; i < 100; i++) {
		int fd;

		snprintf(name, size, ".%s.%d.%d", SPEC_FILE, (int) getpid(), i);
		fd =
		    openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return brig_err_set(err, errno, "create %s", name);
	}
	return brig_err_set(err, EEXIST, "create a temporary file");
}

/* Give the temporary file its final name unless that name is taken.
 * Filesystems without RENAME_NOREPLACE get link(), which refuses an
 * existing target just as well. */
static int
spec_publish(int dirfd, const char *tmp, struct brig_err *err)
{
	if (renameat2(dirfd, tmp, dirfd, SPEC_FILE, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOSYS) {
		if (linkat(dirfd, tmp, dirfd, SPEC_FILE, 0) == 0) {
			unlinkat(dirfd, tmp, 0);
			return 0;
		}
	}
	if (errno == EEXIST)
		return brig_err_set(err, 0, "%s already exists", SPEC_FILE);
	return brig_err_set(err, errno, "%s", SPEC_FILE);
}

static int
spec_write(const char *dir, const unsigned char *buf, size_t len, struct brig_err *err)
{
	cleanup_close int dirfd = -1;
	cleanup_close int fd = -1;
	char tmp[64];
	struct stat st;

	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return brig_err_set(err, errno, "bundle %s", dir);
	/* Checked first so the common mistake costs no temporary file;
	 * spec_publish() is what makes the refusal race-free. */
	if (fstatat(dirfd, SPEC_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return brig_err_set(err, 0, "%s already exists", SPEC_FILE);
	fd = spec_open_temp(dirfd, tmp, sizeof(tmp), err);
	if (fd < 0)
		return brig_err_wrap(err, "bundle %s", dir);
	if (spec_write_all(fd, buf, len, err) < 0)
		goto fail;
	if (fsync(fd) < 0) {
		brig_err_set(err, errno, "fsync");
		goto fail;
	}
	if (spec_publish(dirfd, tmp, err) < 0)
		goto fail;
	return 0;
fail:
	unlinkat(dirfd, tmp, 0);
	return -1;
}

static int
spec_run(const char *bundle, bool rootless, struct brig_err *err)
{
	cleanup_yajl_gen yajl_gen gen = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (gen == NULL)
		return brig_err_set(err, ENOMEM, "json");
	yajl_gen_config(gen, yajl_gen_beautify, 1);
	yajl_gen_config(gen, yajl_gen_indent_string, "\t");
	spec_document(gen, rootless);
	if (yajl_gen_get_buf(gen, &buf, &len) != yajl_gen_status_ok)
		return brig_err_set(err, 0, "json: generator error");
	return spec_write(bundle, buf, len, err);
}

static void
spec_usage(FILE *out)
{
	fprintf(out, "usage: brig spec [--bundle|-b DIR] [--rootless]\n"
	             "\n"
	             "Write a starting config.json into DIR (default: the current directory).\n"
	             "An existing config.json is never overwritten.\n"
	             "\n"
	             "  -b, --bundle DIR   bundle directory to write config.json into\n"
	             "      --rootless     a config for an unprivileged user (user namespace)\n"
	             "  -h, --help         print this help\n");
}

enum { SPEC_OPT_ROOTLESS = 256 };

static const struct option spec_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"rootless", no_argument, NULL, SPEC_OPT_ROOTLESS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int
cmd_spec(struct brig_global *g, int argc, char **argv)
{
	struct brig_err err = {0};
	const char *bundle = ".";
	bool rootless = false;
	int c;

	(void) g;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:h", spec_options, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case SPEC_OPT_ROOTLESS:
			rootless = true;
			break;
		case 'h':
			spec_usage(stdout);
			return 0;
		case ':':
			brig_log_errorf("spec: option %s needs an argument", argv[optind - 1]);
			return 1;
		default:
			brig_log_errorf("spec: unknown option %s (see brig spec --help)",
			                argv[optind - 1]);
			return 1;
		}
	}
	if (optind < argc) {
		brig_log_errorf("spec: unexpected argument \"%s\"", argv[optind]);
		return 1;
	}
	if (spec_run(bundle, rootless, &err) < 0) {
		brig_err_wrap(&err, "spec");
		brig_log_error(&err);
		return 1;
	}
	return 0;
}
