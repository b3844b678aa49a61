/* qemu.c - the qemu-system-x86_64 process of one brig-vm guest.
 *
 * -M microvm: no PCI, no firmware; with acpi=off (when the kernel can take
 * them so) the virtio-mmio devices are named on the kernel command line by
 * qemu, at its end: so the process spec goes in the initramfs.
 *
 * Every file qemu opens is one brig-vm opened and checked first,
 * inherited at a fixed number and named /dev/fd/N (the rootfs
 * /proc/self/fd/N): the kernel that was checked is the one booted, and no
 * path of the caller's is reopened by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers/vm/spec.h"
#include "helpers/vm/vm.h"
#include "lib/cleanup.h"
#include "lib/sys.h"

#define QEMU "/usr/bin/qemu-system-x86_64"
#define MAX_ARGV 128
#define ARG_LEN 512

/* quiet: the console is a serial port, slow under TCG.  panic=-1 and
 * reboot=t: a dead guest resets at once, and -no-reboot ends qemu.
 * tsc=reliable: with two TCG vCPUs the kernel would think the TSCs
 * unsynchronized and fall back to a drifting jiffies clock.
 * cryptomgr.notests: the crypto self-tests are most of a TCG boot
 * (Debian 6.1: /init at 1.2 s instead of 2.1 s). */
#define KERNEL_CMDLINE                                                                             \
	"console=ttyS0 quiet loglevel=1 panic=-1 reboot=t rdinit=/init tsc=reliable "              \
	"cryptomgr.notests"

/* Where each fd lands in qemu: fixed numbers above stdio. */
enum {
	QFD_KERNEL = 3,
	QFD_INITRD,
	QFD_ROOTFS,
	QFD_OUT,
	QFD_ERR,
	QFD_STATUS,
	QFD_SIGNAL,
	QFD_CONSOLE,
	QFD_VFS, /* virtiofs: qemu's end of virtiofsd's socket */
	QFD_END, /* then the shared directories, QFD_END + i */
	QFD_ALL = QFD_END + VMMSG_MAX_MOUNTS
};

int
vm_kernel_release(int kfd, char *rel, size_t len, struct brig_err *err)
{
	unsigned char hdr[0x210];
	char buf[128];
	unsigned off;
	ssize_t n;

	/* The bzImage setup header: "HdrS" at 0x202, and at 0x20e the
	 * offset (from 0x200) of a string that begins with the release. */
	if (pread(kfd, hdr, sizeof(hdr), 0) != (ssize_t) sizeof(hdr) ||
	    memcmp(hdr + 0x202, "HdrS", 4) != 0)
		return brig_err_set(err, ENOEXEC, "not a bzImage (no setup header)");
	off = 0x200u + (unsigned) (hdr[0x20e] | hdr[0x20f] << 8);
	n = pread(kfd, buf, sizeof(buf) - 1, off);
	if (n <= 0)
		return brig_err_set(err, ENOEXEC, "no kernel version string");
	buf[n] = '\0';
	buf[strcspn(buf, " ")] = '\0';
	if (buf[0] == '\0' || strlen(buf) >= len || strchr(buf, '/') != NULL ||
	    strcmp(buf, "..") == 0 || strcmp(buf, ".") == 0)
		return brig_err_set(err, ENOEXEC, "bad kernel version string");
	strcpy(rel, buf);
	return 0;
}

static int
config_says_cmdline_devices(const char *path)
{
	char line[256];
	cleanup_fclose FILE *f = fopen(path, "re");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strcmp(line, "CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y\n") == 0)
			return 1;
	return 0;
}

/* Whether the kernel KERNEL, of release REL, finds virtio-mmio devices on
 * its command line (CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES).  Then qemu may
 * skip ACPI (acpi=off: it names the devices there); Debian's kernel has no
 * such option and finds them only in the ACPI tables.  The config is
 * /boot/config-REL (Debian's packages), or "config" next to the kernel
 * (scripts/build-vm-kernel's minimal kernel, which has no ACPI at all). */
static int
cmdline_devices(const char *kernel, const char *rel)
{
	char path[PATH_MAX];
	const char *slash = strrchr(kernel, '/');

	snprintf(path, sizeof(path), "/boot/config-%s", rel);
	if (config_says_cmdline_devices(path))
		return 1;
	if (slash == NULL || (size_t) (slash - kernel) + sizeof("/config") > sizeof(path))
		return 0;
	snprintf(path, sizeof(path), "%.*s/config", (int) (slash - kernel), kernel);
	return config_says_cmdline_devices(path);
}

/* ---- accelerator and clock ---- */

/* KVM needs the device and a CPU that can run guests: here /dev/kvm can
 * exist inside a VM without vmx/svm, where a guest never boots. */
static int
kvm_usable(void)
{
	cleanup_close int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	cleanup_fclose FILE *f = NULL;
	char line[4096];

	if (fd < 0)
		return 0;
	f = fopen("/proc/cpuinfo", "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "flags", 5) == 0)
			return strstr(line, " vmx") != NULL || strstr(line, " svm") != NULL;
	return 0;
}

static int
pick_accel(uint32_t want, struct brig_err *err)
{
	if (want == VM_ACCEL_TCG)
		return VM_ACCEL_TCG;
	if (want == VM_ACCEL_KVM) {
		cleanup_close int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return brig_err_set(err, errno, "accel kvm: /dev/kvm");
		return VM_ACCEL_KVM;
	}
	return kvm_usable() ? VM_ACCEL_KVM : VM_ACCEL_TCG;
}

/* The TSC frequency in kHz, measured against the clock for 2 ms.  The
 * guest's TSC is the host's (KVM and TCG): given as tsc_early_khz, the
 * kernel skips its calibration, which hangs early under host load. */
static unsigned long
tsc_khz(void)
{
#if defined(__x86_64__)
	struct timespec a, b;
	unsigned long long t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = __builtin_ia32_rdtsc();
	do
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 2000000L);
	t1 = __builtin_ia32_rdtsc();
	ns = (double) ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec));
	return (unsigned long) ((double) (t1 - t0) * 1e6 / ns);
#else
	return 0;
#endif
}

/* ---- the command line ---- */

struct argv {
	char *v[MAX_ARGV + 1];
	char buf[MAX_ARGV][ARG_LEN];
	int n, over;
};

static void __attribute__((format(printf, 2, 3))) arg(struct argv *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->n >= MAX_ARGV) {
		a->over = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(a->buf[a->n], ARG_LEN, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= ARG_LEN)
		a->over = 1;
	a->v[a->n] = a->buf[a->n];
	a->v[++a->n] = NULL;
}

enum port_kind {
	PORT_IN,     /* qemu reads what the guest reads */
	PORT_REOPEN, /* qemu opens /dev/fd/N anew, appending */
	PORT_SHARED, /* qemu uses a dup of fd N (-add-fd): the caller's offset */
};

/* How qemu should take the caller's output fd FD.  A regular file must be
 * written where the caller's own writes before and after the VM's go: a
 * dup of its fd, through an fd set, opened with append=on (qemu truncates
 * a dup it opens without it, and sets O_APPEND on it with it: the caller's
 * file description keeps O_APPEND, which changes nothing for sequential
 * writes).  The fd set only hands out fds of the same access mode
 * (O_WRONLY for a file chardev); anything else (pipes, ttys, read-write
 * fds) is reopened through /dev/fd/N, appending. */
static int
port_kind(int fd)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fl >= 0 && (fl & O_ACCMODE) == O_WRONLY)
		return PORT_SHARED;
	return PORT_REOPEN;
}

/* A named virtio serial port on qemu's fd FD. */
static void
port(struct argv *a, const char *name, int fd, int kind)
{
	arg(a, "-chardev");
	switch (kind) {
	case PORT_IN:
		/* (qemu 7.2's file chardev takes no input-path on the
		 * command line; a pipe chardev on a path with no .in/.out
		 * opens the path itself, read-write.) */
		arg(a, "pipe,id=%s,path=/dev/fd/%d", name, fd);
		break;
	case PORT_SHARED:
		arg(a, "file,id=%s,path=/dev/fdset/%d,append=on", name, fd);
		break;
	default:
		arg(a, "file,id=%s,path=/dev/fd/%d,append=on", name, fd);
		break;
	}
	arg(a, "-device");
	arg(a, "virtserialport,chardev=%s,name=%s", name, name);
}

/* The fd set of a shared port: numbered as the fd itself. */
static void
port_fdset(struct argv *a, int fd, int kind)
{
	if (kind != PORT_SHARED)
		return;
	arg(a, "-add-fd");
	arg(a, "fd=%d,set=%d", fd, fd);
}

/* 9p's file ownership: root's qemu gives files the guest's owners
 * (passthrough); a user's cannot, and with "none" it does not try: files
 * the guest makes are the user's, and the guest's chown is a no-op rather
 * than a failed create. */
static const char *
security_model(void)
{
	return geteuid() == 0 ? "passthrough" : "none";
}

static void
build_argv(const struct vm_request *q, const char *rel, int accel, const struct vm_fds *fds,
           struct argv *a)
{
	int out = port_kind(fds->out), err = port_kind(fds->err);

	unsigned long khz = tsc_khz();

	arg(a, QEMU);
	arg(a, "-M");
	/* virtiofs: guest memory qemu can share with virtiofsd. */
	arg(a, "microvm,acpi=%s%s", cmdline_devices(q->kernel, rel) ? "off" : "on",
	    q->fs == VM_FS_VIRTIOFS ? ",memory-backend=mem" : "");
	if (q->fs == VM_FS_VIRTIOFS) {
		arg(a, "-object");
		arg(a, "memory-backend-memfd,id=mem,size=%uM,share=on", q->mem_mib);
		/* virtiofsd (libvhost-user) serves modern virtio only; microvm's
		 * virtio-mmio devices are legacy unless told otherwise. */
		arg(a, "-global");
		arg(a, "virtio-mmio.force-legacy=false");
	}
	arg(a, "-accel");
	arg(a, "%s", accel == VM_ACCEL_KVM ? "kvm" : "tcg");
	/* Nested KVM can refuse the ARCH_CAPABILITIES MSR -cpu host sets. */
	arg(a, "-cpu");
	arg(a, "%s", accel == VM_ACCEL_KVM ? "host,-arch-capabilities" : "max");
	arg(a, "-smp");
	arg(a, "%u", q->cpus);
	arg(a, "-m");
	arg(a, "%u", q->mem_mib);
	arg(a, "-nodefaults");
	arg(a, "-no-user-config");
	arg(a, "-display");
	arg(a, "none");
	arg(a, "-no-reboot");
	/* qemu's own seccomp filter: a guest that takes qemu over cannot
	 * exec, fork, change its ids or its scheduling, or use syscalls
	 * qemu has no use for. */
	arg(a, "-sandbox");
	arg(a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	arg(a, "-chardev");
	arg(a, "file,id=con,path=/dev/fd/%d", QFD_CONSOLE);
	arg(a, "-serial");
	arg(a, "chardev:con");
	arg(a, "-kernel");
	arg(a, "/dev/fd/%d", QFD_KERNEL);
	arg(a, "-initrd");
	arg(a, "/dev/fd/%d", QFD_INITRD);
	arg(a, "-append");
	if (khz > 0)
		arg(a, "%s tsc_early_khz=%lu", KERNEL_CMDLINE, khz);
	else
		arg(a, "%s", KERNEL_CMDLINE);
	if (q->fs == VM_FS_VIRTIOFS) {
		arg(a, "-chardev");
		arg(a, "socket,id=vfs,fd=%d", QFD_VFS);
		arg(a, "-device");
		arg(a, "vhost-user-fs-device,chardev=vfs,tag=%s", SPEC_ROOT_TAG);
	} else {
		arg(a, "-fsdev");
		arg(a, "local,id=rootfs,path=/proc/self/fd/%d,security_model=%s,multidevs=remap",
		    QFD_ROOTFS, security_model());
		arg(a, "-device");
		arg(a, "virtio-9p-device,fsdev=rootfs,mount_tag=%s", SPEC_ROOT_TAG);
	}
	arg(a, "-device");
	arg(a, "virtio-serial-device,max_ports=8");
	port_fdset(a, QFD_OUT, out);
	port_fdset(a, QFD_ERR, err);
	port(a, PORT_STDOUT, QFD_OUT, out);
	port(a, PORT_STDERR, QFD_ERR, err);
	port(a, PORT_STATUS, QFD_STATUS, PORT_REOPEN);
	port(a, PORT_SIGNAL, QFD_SIGNAL, PORT_IN);
	for (uint32_t i = 0; i < fds->n_mounts; i++) {
		/* readonly=on: qemu refuses the guest's writes, whatever the
		 * guest's own mount says. */
		arg(a, "-fsdev");
		arg(a, "local,id=m%u,path=/proc/self/fd/%u,security_model=%s,multidevs=remap%s", i,
		    QFD_END + i, security_model(), q->mounts[i].readonly ? ",readonly=on" : "");
		arg(a, "-device");
		arg(a, "virtio-9p-device,fsdev=m%u,mount_tag=" SPEC_MOUNT_TAG "%u", i, i);
	}
}

/* ---- the process ---- */

/* What root's qemu keeps of root: 9p passthrough gives the guest's files
 * their owners, modes and device numbers (chown, fchmodat past the
 * owner, mknod, file capabilities as xattrs).  Nothing else: no mounts,
 * no module loading, no ptrace, no network administration, for a guest
 * that took qemu over.  A user's qemu has nothing to drop. */
#define QEMU_CAPS                                                                                  \
	((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_DAC_READ_SEARCH) |        \
	 (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) | (1ULL << CAP_MKNOD) | (1ULL << CAP_SETFCAP))

static void
drop_caps(void)
{
	/* Root's exec gets the bounding set as its permitted set; past the
	 * last capability the kernel says EINVAL, which ends the loop. */
	for (int cap = 0; cap < 64; cap++)
		if (!(QEMU_CAPS & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno == EINVAL)
			break;
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn)) child_exec(char *const *argv, const int *src, int nsrc, int log)
{
	sigset_t none;

	/* qemu goes when brig-vm goes, however it goes. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	drop_caps();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Nothing of the caller's terminal: qemu reads no stdin. */
	close(0);
	if (open("/dev/null", O_RDONLY) != 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
		_exit(127);
	/* The sources were moved above QFD_END first: no dup2 here
	 * overwrites a source a later one needs. */
	for (int fd = QFD_KERNEL; fd < nsrc; fd++)
		if (dup2(src[fd], fd) < 0)
			_exit(127);
	execve(argv[0], argv, (char *[]){"PATH=/usr/bin:/bin", NULL});
	_exit(127);
}

static int
high_dup(int fd, int *out, struct brig_err *err)
{
	*out = fcntl(fd, F_DUPFD_CLOEXEC, 64);
	return *out < 0 ? brig_err_set(err, errno, "dup") : 0;
}

static void
close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

int
vm_qemu_start(const struct vm_request *q, const char *rel, const struct vm_fds *fds,
              struct vm_qemu *vm, struct brig_err *err)
{
	int src[QFD_ALL], nsrc = QFD_END + (int) fds->n_mounts, status[2] = {-1, -1}, sig[2] = {-1, -1}, accel, log;
	cleanup_free struct argv *a = calloc(1, sizeof(*a));
	pid_t pid;

	for (int i = 0; i < QFD_ALL; i++)
		src[i] = -1;
	memset(vm, 0, sizeof(*vm));
	vm->pidfd = vm->status_rd = vm->signal_wr = vm->console = vm->qemu_log = -1;
	vm->fsd_pid = -1;
	accel = pick_accel(q->accel, err);
	if (a == NULL || accel < 0)
		return a == NULL ? brig_err_set(err, ENOMEM, "qemu argv") : -1;
	build_argv(q, rel, accel, fds, a);
	if (a->over)
		return brig_err_set(err, E2BIG, "qemu command line too long");
	vm->console = memfd_create("brig-vm-console", MFD_CLOEXEC);
	vm->qemu_log = memfd_create("brig-vm-qemu", MFD_CLOEXEC);
	log = vm->qemu_log;
	if (vm->console < 0 || log < 0 || pipe2(status, O_CLOEXEC) < 0 ||
	    pipe2(sig, O_CLOEXEC) < 0 || fcntl(sig[1], F_SETFL, O_NONBLOCK) < 0)
		goto sys_fail;
	if (high_dup(fds->kernel, &src[QFD_KERNEL], err) < 0 ||
	    high_dup(fds->initrd, &src[QFD_INITRD], err) < 0 ||
	    high_dup(fds->rootfs, &src[QFD_ROOTFS], err) < 0 ||
	    high_dup(fds->out, &src[QFD_OUT], err) < 0 ||
	    high_dup(fds->err, &src[QFD_ERR], err) < 0 ||
	    high_dup(status[1], &src[QFD_STATUS], err) < 0 ||
	    high_dup(sig[0], &src[QFD_SIGNAL], err) < 0 ||
	    high_dup(vm->console, &src[QFD_CONSOLE], err) < 0)
		goto fail;
	for (uint32_t i = 0; i < fds->n_mounts; i++)
		if (high_dup(fds->mounts[i], &src[QFD_END + i], err) < 0)
			goto fail;
	if (q->fs == VM_FS_VIRTIOFS) {
		int vfs = vm_virtiofsd_start(fds->cache, fds->rootfs, log, &vm->fsd_pid, err);

		if (vfs < 0)
			goto fail;
		src[QFD_VFS] = fcntl(vfs, F_DUPFD_CLOEXEC, 64);
		close(vfs);
		if (src[QFD_VFS] < 0)
			goto sys_fail;
	} else if (high_dup(fds->rootfs, &src[QFD_VFS], err) < 0) {
		goto fail; /* a placeholder: every number up to QFD_END is moved */
	}
	pid = fork();
	if (pid < 0)
		goto sys_fail;
	if (pid == 0)
		child_exec(a->v, src, nsrc, log);
	close_all(src, QFD_ALL);
	close(status[1]);
	close(sig[0]);
	vm->pid = pid;
	vm->status_rd = status[0];
	vm->signal_wr = sig[1];
	vm->pidfd = sys_pidfd_open(pid, 0);
	if (vm->pidfd < 0) {
		brig_err_set(err, errno, "pidfd_open qemu");
		kill(pid, SIGKILL);
		return -1; /* the caller reaps through vm->pid */
	}
	return 0;
sys_fail:
	brig_err_set(err, errno, "start qemu");
fail:
	vm_virtiofsd_stop(&vm->fsd_pid);
	close_all(src, QFD_ALL);
	close_all(status, 2);
	close_all(sig, 2);
	close_all(&vm->console, 1);
	close_all(&vm->qemu_log, 1);
	return -1;
}

void
vm_log_tail(int fd, char *buf, size_t len)
{
	struct stat st;
	off_t from;
	ssize_t n;
	char *line;

	buf[0] = '\0';
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0)
		return;
	from = st.st_size > (off_t) len - 1 ? st.st_size - (off_t) len + 1 : 0;
	n = pread(fd, buf, len - 1, from);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* The last non-empty line, without \r (the serial console's). */
	for (ssize_t i = n - 1; i >= 0 && (buf[i] == '\n' || buf[i] == '\r'); i--)
		buf[i] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\r')
			*p = ' ';
	line = strrchr(buf, '\n');
	if (line != NULL)
		memmove(buf, line + 1, strlen(line + 1) + 1);
}
