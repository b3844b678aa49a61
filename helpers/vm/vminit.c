/* vminit.c - PID 1 of a brig-vm guest.
 *
 * Boot: proc, sysfs and devtmpfs; the kernel modules the initramfs
 * carries (virtio-mmio, virtio console, 9p), in the order its module list
 * gives; the virtio serial ports by name; the rootfs over virtio-9p,
 * moved over / and chrooted into; proc, sysfs and devtmpfs again inside
 * it.  Then the process of the spec (vminit_proc.c), signals from the
 * host's "signal" port forwarded to it, its exit status on the "status"
 * port, and a reset, which qemu (-no-reboot) takes as the end.
 *
 * Privilege: all of the guest's; none of the host's (the guest is the
 * boundary).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/vm/spec.h"
#include "helpers/vm/vminit.h"

#define PORT_WAIT_MS 20000 /* TCG on a busy host is slow to probe */
#define SPEC_MAX (64 * 1024)

static int status_fd = -1;

static void __attribute__((noreturn)) power_off(void)
{
	sync();
	/* With acpi=off the guest cannot power off; a reset (reboot=t: a
	 * triple fault) ends qemu, which runs with -no-reboot. */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t) w;
	}
}

/* A setup failure: one "error" line on the status port (the host turns
 * it into brig-vm's error), the same on the console, then off. */
static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	char msg[768], line[800];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "error %s\n", msg);
	if (status_fd >= 0 && n > 0)
		write_all(status_fd, line, strlen(line));
	dprintf(2, "vminit: %s\n", msg);
	power_off();
}

static void
mount_or_die(const char *src, const char *dst, const char *type, unsigned long flags,
             const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die("mount %s on %s: %s", type, dst, strerror(errno));
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* ---- the initramfs ---- */

static char *
read_file(const char *path, size_t max, size_t *len)
{
	char *buf = malloc(max);
	size_t off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || buf == NULL)
		die("open /%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, buf + off, max - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read /%s: %s", path, strerror(errno));
		if (n == 0)
			break;
		off += (size_t) n;
		if (off == max)
			die("/%s: larger than %zu bytes", path, max);
	}
	close(fd);
	*len = off;
	return buf;
}

/* The parameters the kernel command line gives module PATH: the kernel
 * applies "mod.param=value" only to built-in code; for a module, modprobe
 * would pass them (qemu names the virtio-mmio devices this way). */
static void
module_params(const char *cmdline, const char *path, char *out, size_t len)
{
	char mod[64];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t mlen = strcspn(base, ".");
	size_t off = 0;

	out[0] = '\0';
	if (mlen >= sizeof(mod))
		return;
	memcpy(mod, base, mlen);
	mod[mlen] = '\0';
	for (char *p = mod; *p; p++)
		if (*p == '-')
			*p = '_';
	for (const char *t = cmdline; *t;) {
		size_t tlen = strcspn(t, " \n");

		if (tlen > mlen + 1 && strncmp(t, mod, mlen) == 0 && t[mlen] == '.' &&
		    off + tlen - mlen + 1 < len) {
			off += (size_t) snprintf(out + off, len - off, "%s%.*s", off ? " " : "",
			                         (int) (tlen - mlen - 1), t + mlen + 1);
		}
		t += tlen;
		t += strspn(t, " \n");
	}
}

/* The module list: one path a line, dependencies first.  A module the
 * kernel already has (built in, or loaded) is no error. */
static void
load_modules(const char *listfile)
{
	size_t len, clen;
	char *list = read_file(listfile, SPEC_MAX, &len), *line, *save = NULL;
	char *cmdline = read_file("/proc/cmdline", SPEC_MAX, &clen), params[4096];

	list[len < SPEC_MAX ? len : SPEC_MAX - 1] = '\0';
	cmdline[clen < SPEC_MAX ? clen : SPEC_MAX - 1] = '\0';
	for (line = strtok_r(list, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		int fd = open(line, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("module %s: %s", line, strerror(errno));
		module_params(cmdline, line, params, sizeof(params));
		if (syscall(SYS_finit_module, fd, params, 0) < 0 && errno != EEXIST)
			die("load module %s: %s", line, strerror(errno));
		close(fd);
	}
	free(list);
	free(cmdline);
}

/* ---- virtio serial ports ---- */

/* /sys/class/virtio-ports/vportXpY/name holds the name qemu gave the
 * port; devtmpfs has /dev/vportXpY (no udev for the by-name links). */
static int
port_find(const char *name)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	int fd = -1;

	while (d != NULL && fd < 0 && (e = readdir(d)) != NULL) {
		char path[300], got[64] = "";
		int nfd;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", e->d_name);
		nfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nfd < 0)
			continue;
		n = read(nfd, got, sizeof(got) - 1);
		close(nfd);
		if (n <= 0)
			continue;
		got[n] = '\0';
		got[strcspn(got, "\n")] = '\0';
		if (strcmp(got, name) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	}
	if (d != NULL)
		closedir(d);
	return fd;
}

/* The ports appear when the device's control queue announces them, a
 * little after the module loaded: wait for them. */
static int
port_open(const char *name)
{
	for (long waited = 0; waited < PORT_WAIT_MS; waited += 2) {
		int fd = port_find(name);
		if (fd >= 0)
			return fd;
		sleep_ms(2);
	}
	die("virtio port %s: not found", name);
}

/* ---- the rootfs ---- */

static void
mount_rootfs(int virtiofs)
{
	const char *type = virtiofs ? "virtiofs" : "9p";
	const char *opts = virtiofs ? "" : "trans=virtio,version=9p2000.L,msize=262144,access=client";

	/* The transport may still be probing its device. */
	for (long waited = 0; mount(SPEC_ROOT_TAG, "/newroot", type, 0, opts) < 0; waited += 2) {
		/* (virtiofs says EINVAL for a tag it has not seen yet) */
		int probing = errno == ENOENT || errno == ENODEV || (virtiofs && errno == EINVAL);

		if (!probing || waited >= PORT_WAIT_MS)
			die("mount the rootfs (%s, tag %s): %s", type, SPEC_ROOT_TAG, strerror(errno));
		sleep_ms(2);
	}
	/* The initramfs cannot be pivoted away: move the new root over it. */
	if (chdir("/newroot") < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0)
		die("switch to the rootfs: %s", strerror(errno));
}

/* mkdir -p DEST inside the guest's root (9p passthrough: directories the
 * rootfs lacks appear on the host as root's, as a runtime's mount points
 * do). */
static void
make_dirs(const char *dest)
{
	char path[4096];
	size_t len = strlen(dest);

	if (len >= sizeof(path))
		die("mount %s: path too long", dest);
	memcpy(path, dest, len + 1);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char was = *p;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("mount point %s: %s", path, strerror(errno));
		*p = was;
		if (was == '\0')
			break;
	}
}

/* The shared directories of the spec, after the rootfs. */
static void
mount_shared(const struct vmi_spec *spec)
{
	const char *opts = "trans=virtio,version=9p2000.L,msize=262144,access=client";

	for (size_t i = 0; i < spec->nmounts; i++) {
		const struct vmi_mount *m = &spec->mounts[i];
		char tag[16];

		snprintf(tag, sizeof(tag), SPEC_MOUNT_TAG "%u", m->index);
		make_dirs(m->dest);
		mount_or_die(tag, m->dest, "9p", m->readonly ? MS_RDONLY : 0, opts);
	}
}

/* The rootfs' own /proc, /sys and /dev, where it has the directories
 * (brig never creates files in a rootfs it does not own). */
static void
mount_inside(void)
{
	static const struct {
		const char *dir, *type;
		unsigned long flags;
	} m[] = {
	    {"/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC},
	    {"/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC},
	    {"/dev", "devtmpfs", MS_NOSUID},
	};
	struct stat st;

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (stat(m[i].dir, &st) == 0 && S_ISDIR(st.st_mode))
			mount_or_die(m[i].type, m[i].dir, m[i].type, m[i].flags, NULL);
}

/* ---- the process ---- */

/* Bytes from the signal port: a signal number goes to the process; a 0
 * (SPEC_GO) releases a held process to its exec. */
static void
port_bytes(const unsigned char *b, ssize_t n, struct vmi_child *c)
{
	char why[512];

	for (ssize_t i = 0; i < n; i++) {
		if (b[i] == SPEC_GO && c->go >= 0) {
			if (vmi_release(c, why, sizeof(why)) < 0)
				die("%s", why);
		} else if (b[i] >= 1 && b[i] < NSIG) {
			kill(c->pid, b[i]);
		}
	}
}

/* SIGCHLD (reap) and the signal port (forward, release), until the
 * process ends.  Returns its status as a shell reports it. */
static int
supervise(struct vmi_child *c, int sigfd, int sigport)
{
	struct pollfd p[2] = {{.fd = sigfd, .events = POLLIN}, {.fd = sigport, .events = POLLIN}};

	for (;;) {
		int st;
		pid_t got;

		while ((got = waitpid(-1, &st, WNOHANG)) > 0)
			if (got == c->pid)
				return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sigfd, &si, sizeof(si)) < 0 && errno != EAGAIN)
				die("signalfd: %s", strerror(errno));
		}
		if (p[1].revents & POLLIN) {
			unsigned char sig[16];
			ssize_t n = read(sigport, sig, sizeof(sig));
			port_bytes(sig, n, c);
		} else if (p[1].revents & (POLLHUP | POLLERR)) {
			p[1].fd = -1; /* the host closed it: no more signals */
		}
	}
}

int
main(void)
{
	struct vmi_spec spec;
	struct vmi_child child;
	char why[512], line[64];
	int nul, out, err, sigport, sigfd, code;
	size_t len;
	char *buf;
	sigset_t set;

	mount_or_die("proc", "/proc", "proc", 0, NULL);
	mount_or_die("sysfs", "/sys", "sysfs", 0, NULL);
	mount_or_die("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	load_modules("/" SPEC_MODULES);
	status_fd = port_open(PORT_STATUS);
	out = port_open(PORT_STDOUT);
	err = port_open(PORT_STDERR);
	sigport = port_open(PORT_SIGNAL);
	buf = read_file("/" SPEC_PATH, SPEC_MAX, &len);
	if (vmi_spec_parse(buf, len, &spec, why, sizeof(why)) < 0)
		die("%s", why);
	if (spec.virtiofs)
		load_modules("/" SPEC_MODULES_VIRTIOFS);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul < 0)
		die("/dev/null: %s", strerror(errno));
	mount_rootfs(spec.virtiofs);
	mount_inside();
	mount_shared(&spec);
	if (spec.hostname != NULL && sethostname(spec.hostname, strlen(spec.hostname)) < 0)
		die("sethostname: %s", strerror(errno));
	/* Block SIGCHLD before the fork, so none is missed. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		die("signalfd: %s", strerror(errno));
	if (vmi_spawn(&spec, nul, out, err, &child, why, sizeof(why)) < 0)
		die("%s", why);
	if (spec.hold)
		write_all(status_fd, SPEC_READY, strlen(SPEC_READY));
	code = supervise(&child, sigfd, sigport);
	snprintf(line, sizeof(line), "exit %d\n", code);
	write_all(status_fd, line, strlen(line));
	power_off();
}
