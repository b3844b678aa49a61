/* test_mount.c - brig-mount end to end: a fake container init in new
 * namespaces, the real helper (BRIG_HELPER_DIR), a plan with every kind
 * of mount, and checks made from inside the container after pivot_root.
 *
 * The security checks: symlinks in the rootfs pointing at host paths (by
 * absolute and by "../../.." targets) and destinations made of ".." must
 * land inside the rootfs; the host directory they aim at stays empty.
 * Refusals: wrong fd count, an fd that is not a pidfd, a malformed plan,
 * a pivot without a plan, a missing bind source, a bad fs option, a
 * dangling symlink destination.
 * Runs as root only (exit 77 otherwise).  Prints TAP-ish lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/codec.h"
#include "ipc/io.h"
#include "ipc/mountplan.h"
#include "ipc/spawn.h"
#include "ipc/wire.h"
#include "lib/sys.h"
#include "tests/unit/tap.h"

static const char *helper_dir;

/* ---- the test tree on the host ---- */

struct tree {
	char base[64]; /* /tmp/brig-mount-test-XXXXXX */
	char rootfs[128];
	char hostbind[128]; /* a directory bound at /data */
	char hostfile[128]; /* a file bound at /etc/hostfile */
	char hostdir[64];   /* /var/tmp/brig-host-XXXXXX: what the symlinks aim at */
	char escape[64];    /* "/brig-escape-PID": must never appear on the host */
	char dangling[64];  /* "/brig-dangling-PID": likewise */
};

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void
put_dir(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

static void
put_link(const char *dir, const char *name, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (symlink(target, path) < 0) {
		perror(path);
		exit(1);
	}
}

static void
tree_make(struct tree *t)
{
	char escape_link[128];

	snprintf(t->base, sizeof(t->base), "/tmp/brig-mount-test-XXXXXX");
	snprintf(t->hostdir, sizeof(t->hostdir), "/var/tmp/brig-host-XXXXXX");
	if (mkdtemp(t->base) == NULL || mkdtemp(t->hostdir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(t->rootfs, sizeof(t->rootfs), "%s/rootfs", t->base);
	snprintf(t->hostbind, sizeof(t->hostbind), "%s/hostbind", t->base);
	snprintf(t->hostfile, sizeof(t->hostfile), "%s/hostfile", t->base);
	snprintf(t->escape, sizeof(t->escape), "/brig-escape-%d", (int) getpid());
	snprintf(t->dangling, sizeof(t->dangling), "/brig-dangling-%d", (int) getpid());
	put_dir(t->base, "rootfs");
	put_dir(t->base, "hostbind");
	put_file(t->hostbind, "hello", "hi");
	put_file(t->base, "hostfile", "file");
	put_file(t->rootfs, "marker", "rootfs");
	put_dir(t->rootfs, "etc");
	put_dir(t->rootfs, "var");
	put_dir(t->rootfs, "var/tmp");
	put_dir(t->rootfs, t->hostdir + 1); /* the in-root twin of the host dir */
	put_dir(t->rootfs, "secret");
	put_file(t->rootfs, "secret/key", "k");
	put_file(t->rootfs, "secretfile", "s");
	put_dir(t->rootfs, "ro");
	/* The attacks: an absolute symlink to the host dir, a relative one
	 * climbing far above the rootfs, and one pointing nowhere. */
	put_link(t->rootfs, "etc/evil", t->hostdir);
	snprintf(escape_link, sizeof(escape_link), "../../../../../../..%s", t->hostdir);
	put_link(t->rootfs, "etc/evil2", escape_link);
	snprintf(escape_link, sizeof(escape_link), "%s/deep", t->dangling);
	put_link(t->rootfs, "etc/dangling", escape_link);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void) st;
	(void) ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void
tree_remove(struct tree *t)
{
	nftw(t->base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(t->hostdir);
}

static int
chown_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void) st;
	(void) flag;
	(void) ftw;
	return lchown(path, 100000, 100000) < 0 ? -1 : 0;
}

static bool
host_dir_empty(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/made", dir);
	return access(path, F_OK) < 0 && errno == ENOENT;
}

/* ---- the fake container init ---- */

struct fake_init {
	pid_t pid;
	int pidfd;
	int go;     /* write 'g' to run the checks, anything else to exit */
	int result; /* the child's check lines */
};

struct variant {
	bool userns;
	bool no_pivot; /* move + chroot: the init chdirs into the rootfs first */
	const struct tree *t;
};

static void
child_ok(bool cond, const char *name)
{
	/* stdout of the child goes to the result pipe */
	printf("%d %s\n", cond ? 1 : 0, name);
}

static bool
file_is(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strcmp(buf, text) == 0;
}

static bool
is_fs(const char *path, long magic)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == magic;
}

static bool
fails_with(int ret, int e)
{
	return ret < 0 && errno == e;
}

static bool
link_is(const char *path, const char *target)
{
	char buf[128];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, target) == 0;
}

static bool
dir_empty(const char *path)
{
	char probe[256];

	snprintf(probe, sizeof(probe), "%s/key", path);
	return access(path, F_OK) == 0 && access(probe, F_OK) < 0;
}

static void
child_checks(const struct variant *v)
{
	const struct tree *t = v->t;
	struct statfs sfs;
	struct stat st;
	char path[256];

	child_ok(file_is("/marker", "rootfs"), "root is the rootfs after pivot_root");
	child_ok(link_is("/proc/self", "1"), "/proc belongs to the container's pid namespace");
	child_ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	             minor(st.st_rdev) == 3,
	         "/dev/null is char 1:3");
	child_ok(stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode) && minor(st.st_rdev) == 7,
	         "/dev/full from the plan's device list");
	if (!v->userns)
		child_ok(st.st_uid == 1000 && st.st_gid == 1000 && (st.st_mode & 07777) == 0600,
		         "device owner and mode as planned");
	child_ok(link_is("/dev/fd", "/proc/self/fd") && link_is("/dev/ptmx", "pts/ptmx"),
	         "/dev symlinks");
	child_ok(statfs("/tmp", &sfs) == 0 && sfs.f_type == TMPFS_MAGIC &&
	             (unsigned long long) sfs.f_blocks * (unsigned long long) sfs.f_bsize ==
	                 1024 * 1024,
	         "tmpfs /tmp with size=1m");
	child_ok(file_is("/data/hello", "hi"), "bind of a host directory");
	child_ok(fails_with(mkdir("/data/new", 0755), EROFS), "read-only bind");
	child_ok(file_is("/etc/hostfile", "file"), "bind of a host file onto a created file");
	child_ok(dir_empty("/secret") && fails_with(mkdir("/secret/x", 0755), EROFS),
	         "masked directory: empty read-only tmpfs");
	child_ok(file_is("/secretfile", ""), "masked file reads as /dev/null");
	child_ok(fails_with(mkdir("/ro/x", 0755), EROFS), "readonly path");
	child_ok(fails_with(open("/proc/sys/kernel/hostname", O_WRONLY), EROFS),
	         "readonly /proc/sys");
	child_ok(is_fs(t->hostdir, TMPFS_MAGIC), "absolute symlink destination resolved in root");
	snprintf(path, sizeof(path), "%s/made/deeper", t->hostdir);
	child_ok(is_fs(path, TMPFS_MAGIC), "relative ../.. symlink destination resolved in root");
	child_ok(is_fs(t->escape, TMPFS_MAGIC), "destination with .. stays in the rootfs");
	child_ok(is_fs("/sys/fs/cgroup", TMPFS_MAGIC) ||
	             is_fs("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC),
	         "cgroup mount");
	child_ok(fails_with(mkdir("/sys/fs/cgroup/x", 0755), EROFS), "cgroup mount is read-only");
	if (!v->userns)
		child_ok(fails_with(mkdir("/newdir", 0755), EROFS), "read-only root");
	if (v->no_pivot)
		child_ok(access(t->base, F_OK) < 0, "host tree out of reach after move + chroot");
}

static int
child_main(const struct variant *v, int go, int result)
{
	char c = 0;

	if (read(go, &c, 1) == 1 && c == 'c') {
		/* --no-pivot: into the rootfs before the move, chroot after */
		if (chdir(v->t->rootfs) < 0 || write(result, "C", 1) != 1)
			_exit(1);
		if (read(go, &c, 1) != 1 || c != 'g' || chroot(".") < 0)
			_exit(1);
	}
	if (c != 'g')
		_exit(0);
	if (chdir("/") < 0)
		_exit(1);
	if (dup2(result, 1) < 0)
		_exit(1);
	child_checks(v);
	fflush(stdout);
	_exit(0);
}

static void
write_map(pid_t pid, const char *which, const char *map)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, which);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
}

static void
fake_init_start(struct fake_init *fi, const struct variant *v)
{
	uint64_t flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_PIDFD;
	struct clone_args args = {0};
	int go[2], res[2];

	if (v->userns)
		flags |= CLONE_NEWUSER;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	args.flags = flags;
	args.pidfd = (uint64_t) (uintptr_t) &fi->pidfd;
	args.exit_signal = SIGCHLD;
	fi->pid = sys_clone3(&args);
	if (fi->pid < 0) {
		perror("clone3");
		exit(1);
	}
	if (fi->pid == 0) {
		close(go[1]);
		close(res[0]);
		child_main(v, go[0], res[1]);
	}
	close(go[0]);
	close(res[1]);
	fi->go = go[1];
	fi->result = res[0];
	if (v->userns) {
		write_map(fi->pid, "uid_map", "0 100000 65536\n");
		write_map(fi->pid, "gid_map", "0 100000 65536\n");
	}
}

/* Tell the init to run its checks (or to quit) and collect the lines. */
static void
fake_init_finish(struct fake_init *fi, bool run_checks)
{
	char line[256];
	FILE *f;
	int status;

	if (write(fi->go, run_checks ? "g" : "x", 1) != 1)
		perror("write go");
	close(fi->go);
	f = fdopen(fi->result, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		ok(line[0] == '1', line + 2);
	}
	if (f != NULL)
		fclose(f);
	waitpid(fi->pid, &status, 0);
	close(fi->pidfd);
	if (run_checks)
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fake init exited cleanly");
}

/* ---- talking to the helper ---- */

struct answer {
	int errnum;
	char text[1024];
};

static int
call(int sock, uint16_t type, const void *payload, size_t len, const int *fds, uint32_t nfds,
     struct answer *a)
{
	static struct ipc_msg msg;
	struct brig_err err;
	struct ipc_reader r;
	int32_t e = 0;
	char *text = NULL;

	memset(a, 0, sizeof(*a));
	if (ipc_send(sock, type, 7, payload, len, fds, nfds, &err) < 0 ||
	    ipc_recv(sock, &msg, &err) < 0 || msg.hdr.type != IPC_REPLY) {
		a->errnum = -1;
		snprintf(a->text, sizeof(a->text), "no reply");
		return -1;
	}
	ipc_reader_init(&r, msg.payload, msg.hdr.payload_len);
	ipc_get_i32(&r, &e);
	ipc_get_str(&r, &text, false);
	a->errnum = e;
	snprintf(a->text, sizeof(a->text), "%s", text ? text : "");
	free(text);
	return 0;
}

static void
spawn(struct ipc_helper *h)
{
	struct brig_err err;

	if (ipc_helper_spawn(h, helper_dir, "brig-mount", &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
}

static int
finish(struct ipc_helper *h)
{
	int status = ipc_helper_finish(h);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ---- plans ---- */

#define MAX_MOUNTS 16

struct plan_buf {
	struct mount_plan p;
	struct mp_mount mounts[MAX_MOUNTS];
	struct mp_device devices[3];
	char *masked[4];
	char *readonly[2];
};

static void
add_mount(struct plan_buf *b, uint32_t kind, const char *src, const char *dest, const char *fstype,
          const char *data, uint64_t attr)
{
	struct mp_mount *m = &b->mounts[b->p.n_mounts++];

	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->source = (char *) src;
	m->dest = (char *) dest;
	m->fstype = (char *) fstype;
	m->data = (char *) data;
	m->attr_set = attr;
}

static void
plan_base(struct plan_buf *b, const struct tree *t, bool userns)
{
	memset(b, 0, sizeof(*b));
	b->p.ns_flags =
	    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | (userns ? CLONE_NEWUSER : 0);
	b->p.rootfs = (char *) t->rootfs;
	b->p.mounts = b->mounts;
	b->p.devices = b->devices;
	b->p.masked = b->masked;
	b->p.readonly = b->readonly;
}

static void
plan_full(struct plan_buf *b, const struct tree *t, bool userns)
{
	static char evil2_dest[] = "/etc/evil2/made/deeper";
	static char escape_dest[128];
	const uint64_t nsx = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

	plan_base(b, t, userns);
	snprintf(escape_dest, sizeof(escape_dest), "/../../../..%s", t->escape);
	add_mount(b, MP_FS, "tmpfs", "/dev", "tmpfs", "mode=755", MOUNT_ATTR_NOSUID);
	add_mount(b, MP_FS, "proc", "/proc", "proc", NULL, nsx);
	add_mount(b, MP_FS, NULL, "/tmp", "tmpfs", "size=1m,mode=1777", nsx);
	add_mount(b, MP_BIND, t->hostbind, "/data", NULL, NULL, MOUNT_ATTR_RDONLY);
	add_mount(b, MP_RBIND, t->hostfile, "/etc/hostfile", NULL, NULL, 0);
	add_mount(b, MP_FS, "tmpfs", "/etc/evil", "tmpfs", NULL, 0);
	add_mount(b, MP_FS, "tmpfs", evil2_dest, "tmpfs", NULL, 0);
	add_mount(b, MP_FS, "tmpfs", escape_dest, "tmpfs", NULL, 0);
	add_mount(b, MP_FS, "cgroup", "/sys/fs/cgroup", "cgroup", NULL, nsx | MOUNT_ATTR_RDONLY);
	b->devices[0] = (struct mp_device){"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0};
	b->devices[1] = (struct mp_device){"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0};
	b->devices[2] = (struct mp_device){"/dev/full", S_IFCHR, 1, 7, 0600, 1000, 1000};
	b->p.n_devices = 3;
	b->masked[0] = "/secret";
	b->masked[1] = "/secretfile";
	b->masked[2] = "/nonexistent";
	b->masked[3] = "/proc/kcore";
	b->p.n_masked = 4;
	b->readonly[0] = "/ro";
	b->readonly[1] = "/proc/sys";
	b->p.n_readonly = 2;
	b->p.flags = MPLAN_DEFAULT_DEV;
}

static void
encode(const struct mount_plan *p, struct ipc_writer *w)
{
	ipc_writer_init(w);
	mountplan_encode(w, p);
	if (w->failed) {
		fprintf(stderr, "plan too large\n");
		exit(1);
	}
}

/* ---- the tests ---- */

static void
test_full(const struct tree *t, bool userns, bool no_pivot)
{
	struct variant v = {.userns = userns, .no_pivot = no_pivot, .t = t};
	struct fake_init fi;
	struct ipc_helper h;
	struct plan_buf b;
	struct ipc_writer w;
	struct answer a;
	char name[1200];

	plan_full(&b, t, userns);
	/* With a user namespace, stop before pivot and finish with
	 * IPC_MOUNT_PIVOT, as the front does for createContainer hooks. */
	b.p.flags |= userns ? MPLAN_STOP_BEFORE_PIVOT : MPLAN_READONLY_ROOT;
	if (no_pivot) {
		b.p.flags |= MPLAN_NO_PIVOT | MPLAN_STOP_BEFORE_PIVOT;
		b.p.root_propagation = MS_SLAVE | MS_REC;
	} else if (!userns) {
		/* rshared: pivot_root needs the mounts around it private */
		b.p.root_propagation = MS_SHARED | MS_REC;
	}
	encode(&b.p, &w);
	fake_init_start(&fi, &v);
	spawn(&h);
	call(h.sock, IPC_MOUNT_PLAN, w.buf, w.len, &fi.pidfd, 1, &a);
	snprintf(name, sizeof(name), "%s plan succeeds%s%s",
	         userns     ? "userns"
	         : no_pivot ? "no-pivot"
	                    : "plain",
	         a.errnum ? ": " : "", a.text);
	ok(a.errnum == 0, name);
	if (no_pivot && a.errnum == 0) {
		char ack = 0;
		if (write(fi.go, "c", 1) != 1 || read(fi.result, &ack, 1) != 1 || ack != 'C')
			ok(false, "init entered the rootfs");
	}
	if ((userns || no_pivot) && a.errnum == 0) {
		call(h.sock, IPC_MOUNT_PIVOT, NULL, 0, NULL, 0, &a);
		snprintf(name, sizeof(name), "pivot after a stopped plan%s%s", a.errnum ? ": " : "",
		         a.text);
		ok(a.errnum == 0, name);
	}
	ok(finish(&h) == 0, "helper exits 0 after the final reply");
	fake_init_finish(&fi, a.errnum == 0);
	ok(host_dir_empty(t->hostdir), "nothing created in the host dir the symlinks aim at");
	ok(access(t->escape, F_OK) < 0, "nothing created at the host path .. aims at");
	ipc_writer_free(&w);
}

/* A request the helper must refuse: it replies ERRNO_WANT with a message
 * containing WANT and exits non-zero. */
static void
expect_refusal(const char *name, uint16_t type, const void *payload, size_t len, int fd,
               int errno_want, const char *want)
{
	struct ipc_helper h;
	struct answer a;
	char label[2200];
	int status;

	spawn(&h);
	call(h.sock, type, payload, len, fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0, &a);
	status = finish(&h);
	snprintf(label, sizeof(label), "%s (got %d: %s)", name, a.errnum, a.text);
	ok(a.errnum == errno_want && strstr(a.text, want) != NULL && status != 0, label);
}

static void
test_refusals(const struct tree *t)
{
	struct variant v = {.userns = false, .t = t};
	struct fake_init fi;
	struct plan_buf b;
	struct ipc_writer w;
	int notpidfd;

	plan_base(&b, t, false);
	encode(&b.p, &w);
	expect_refusal("plan without its pidfd", IPC_MOUNT_PLAN, w.buf, w.len, -1, EBADMSG,
	               "wrong number of fds");
	notpidfd = open("/", O_PATH | O_CLOEXEC);
	expect_refusal("plan with a directory fd instead of a pidfd", IPC_MOUNT_PLAN, w.buf, w.len,
	               notpidfd, EBADF, "not a pidfd");
	fake_init_start(&fi, &v);
	expect_refusal("malformed plan", IPC_MOUNT_PLAN, "garbage", 7, fi.pidfd, EBADMSG,
	               "malformed mount plan");
	expect_refusal("pivot without a plan", IPC_MOUNT_PIVOT, NULL, 0, -1, EPROTO,
	               "no mount plan");
	expect_refusal("unknown message type", 99, NULL, 0, -1, EBADMSG, "unknown message type");
	b.p.root_propagation = 12345;
	ipc_writer_free(&w);
	encode(&b.p, &w);
	expect_refusal("plan failing mountplan_check", IPC_MOUNT_PLAN, w.buf, w.len, fi.pidfd,
	               EINVAL, "propagation");
	ipc_writer_free(&w);

	plan_base(&b, t, false);
	add_mount(&b, MP_BIND, "/nonexistent-brig-src", "/data", NULL, NULL, 0);
	encode(&b.p, &w);
	expect_refusal("missing bind source", IPC_MOUNT_PLAN, w.buf, w.len, fi.pidfd, ENOENT,
	               "mount /data: source /nonexistent-brig-src: No such file or directory");
	ipc_writer_free(&w);

	plan_base(&b, t, false);
	add_mount(&b, MP_FS, NULL, "/tmp", "tmpfs", "size=abc", 0);
	encode(&b.p, &w);
	expect_refusal("bad fs option", IPC_MOUNT_PLAN, w.buf, w.len, fi.pidfd, EINVAL,
	               "mount /tmp (tmpfs): fsconfig size=abc: Invalid argument");
	ipc_writer_free(&w);

	plan_base(&b, t, false);
	add_mount(&b, MP_FS, NULL, "/etc/dangling/x", "tmpfs", NULL, 0);
	encode(&b.p, &w);
	expect_refusal("dangling symlink destination", IPC_MOUNT_PLAN, w.buf, w.len, fi.pidfd,
	               ENOENT, "mount /etc/dangling/x");
	ok(access(t->dangling, F_OK) < 0, "dangling symlink created nothing on the host");
	ipc_writer_free(&w);

	close(notpidfd);
	fake_init_finish(&fi, false);
}

int
main(void)
{
	struct tree t;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 77;
	}
	helper_dir = getenv("BRIG_HELPER_DIR");
	if (helper_dir == NULL) {
		printf("1..0 # SKIP BRIG_HELPER_DIR not set\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	tree_make(&t);
	test_refusals(&t);
	test_full(&t, false, false);
	test_full(&t, false, true);
	if (nftw(t.rootfs, chown_entry, 16, FTW_PHYS) < 0)
		perror("chown rootfs");
	test_full(&t, true, false);
	tree_remove(&t);
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
