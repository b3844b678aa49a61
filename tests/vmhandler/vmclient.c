/* vmclient.c - drives brig-vm as the front will: one VM, its process, its
 * exit status.  For tests/vmhandler and for measuring.
 *
 *   vmclient [options] ROOTFS ARG...
 *     -k KERNEL    (default: the newest /boot/vmlinuz-*-amd64)
 *     -a auto|kvm|tcg  (default: $BRIG_VM_ACCEL, else auto)
 *     -m MiB -c CPUS -C CACHE_DIR
 *     -d CWD -u UID -g GID -G GID (repeatable) -e NAME=VALUE (repeatable)
 *     -h HOSTNAME -U UMASK(octal) -r TYPE,SOFT,HARD (repeatable)
 *     -s MS:SIG    forward SIG to the guest's process MS ms after start
 *     -t MS        wait at most MS ms, then stop the VM (status 124)
 *     -p           print qemu's pid on stderr ("qemu pid N")
 *
 * The process's stdout and stderr are this program's.  Exit status: the
 * guest process's, or 125 with "vmclient: ..." when brig-vm failed.
 * brig-vm comes from $BRIG_HELPER_DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/io.h"
#include "ipc/pidfd.h"
#include "ipc/spawn.h"
#include "ipc/vmmsg.h"
#include "ipc/wire.h"

#define MAX_LIST 64

struct opts {
	struct vm_request q;
	uint32_t groups[MAX_LIST];
	char *env[MAX_LIST];
	struct vm_rlimit rl[16];
	long kill_ms;
	int kill_sig;
	uint32_t timeout_ms;
	int print_pid;
	char kernel[4096];
};

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vmclient: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(125);
}

static unsigned long
num(const char *s, int base, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, base);
	if (errno != 0 || *end != '\0' || *s == '\0')
		fail("%s: bad number \"%s\"", what, s);
	return v;
}

static void
default_kernel(struct opts *o)
{
	glob_t g;

	if (glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) != 0 || g.gl_pathc == 0)
		fail("no /boot/vmlinuz-*-amd64: give -k");
	/* glob sorts; the newest by version sorts last often enough here. */
	snprintf(o->kernel, sizeof(o->kernel), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	o->q.kernel = o->kernel;
}

static uint32_t
accel(const char *s)
{
	if (s == NULL || *s == '\0' || strcmp(s, "auto") == 0)
		return VM_ACCEL_AUTO;
	if (strcmp(s, "kvm") == 0)
		return VM_ACCEL_KVM;
	if (strcmp(s, "tcg") == 0)
		return VM_ACCEL_TCG;
	fail("accel \"%s\": not auto, kvm or tcg", s);
}

static void
rlimit_opt(struct opts *o, char *v)
{
	struct vm_rlimit *l = &o->rl[o->q.n_rlimits];
	char *soft = strchr(v, ','), *hard;

	if (o->q.n_rlimits >= 16 || soft == NULL || (hard = strchr(soft + 1, ',')) == NULL)
		fail("-r TYPE,SOFT,HARD");
	*soft++ = '\0';
	*hard++ = '\0';
	l->type = (uint32_t) num(v, 10, "rlimit type");
	l->soft = strtoull(soft, NULL, 10);
	l->hard = strtoull(hard, NULL, 10);
	o->q.n_rlimits++;
}

static void
parse(struct opts *o, int argc, char **argv)
{
	int c;

	o->q = (struct vm_request){.accel = accel(getenv("BRIG_VM_ACCEL")),
	                           .mem_mib = 256,
	                           .cpus = 1,
	                           .cwd = "/",
	                           .umask = 022,
	                           .groups = o->groups,
	                           .env = o->env,
	                           .rlimits = o->rl};
	while ((c = getopt(argc, argv, "+k:a:m:c:C:d:u:g:G:e:h:U:r:s:t:p")) != -1) {
		switch (c) {
		case 'k':
			o->q.kernel = optarg;
			break;
		case 'a':
			o->q.accel = accel(optarg);
			break;
		case 'm':
			o->q.mem_mib = (uint32_t) num(optarg, 10, "-m");
			break;
		case 'c':
			o->q.cpus = (uint32_t) num(optarg, 10, "-c");
			break;
		case 'C':
			o->q.cache_dir = optarg;
			break;
		case 'd':
			o->q.cwd = optarg;
			break;
		case 'u':
			o->q.uid = (uint32_t) num(optarg, 10, "-u");
			break;
		case 'g':
			o->q.gid = (uint32_t) num(optarg, 10, "-g");
			break;
		case 'G':
			if (o->q.n_groups >= MAX_LIST)
				fail("too many -G");
			o->groups[o->q.n_groups++] = (uint32_t) num(optarg, 10, "-G");
			break;
		case 'e':
			if (o->q.n_env >= MAX_LIST)
				fail("too many -e");
			o->env[o->q.n_env++] = optarg;
			break;
		case 'h':
			o->q.hostname = optarg;
			break;
		case 'U':
			o->q.umask = (uint32_t) num(optarg, 8, "-U");
			break;
		case 'r':
			rlimit_opt(o, optarg);
			break;
		case 's':
			if (sscanf(optarg, "%ld:%d", &o->kill_ms, &o->kill_sig) != 2)
				fail("-s MS:SIG");
			break;
		case 't':
			o->timeout_ms = (uint32_t) num(optarg, 10, "-t");
			break;
		case 'p':
			o->print_pid = 1;
			break;
		default:
			fail("unknown option (see the comment at the top of vmclient.c)");
		}
	}
	if (argc - optind < 2)
		fail("usage: vmclient [options] ROOTFS ARG...");
	if (o->q.kernel == NULL)
		default_kernel(o);
	o->q.args = argv + optind + 1;
	o->q.n_args = (uint32_t) (argc - optind - 1);
}

static void
call(struct ipc_helper *h, uint16_t type, struct ipc_writer *w, const int *fds, uint32_t nfds,
     int *reply_fd)
{
	struct brig_err err;

	if (w->failed)
		fail("request too large");
	if (ipc_call(h->sock, h->name, type, w->buf, w->len, fds, nfds, reply_fd, reply_fd ? 1 : 0,
	             &err) < 0)
		fail("%s", err.msg);
}

static void
put_u32_call(struct ipc_helper *h, uint16_t type, uint32_t v, int *reply_fd)
{
	struct ipc_writer w;

	ipc_writer_init(&w);
	ipc_put_u32(&w, v);
	call(h, type, &w, NULL, 0, reply_fd);
	ipc_writer_free(&w);
}

int
main(int argc, char **argv)
{
	static struct opts o;
	struct ipc_helper h = {.name = "brig-vm"};
	struct ipc_writer w;
	struct brig_err err;
	const char *dir = getenv("BRIG_HELPER_DIR");
	int fds[3], pidfd = -1, stfd = -1;
	uint32_t status;

	parse(&o, argc, argv);
	fds[0] = open(argv[optind], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fds[0] < 0)
		fail("rootfs %s: %s", argv[optind], strerror(errno));
	fds[1] = 1;
	fds[2] = 2;
	if (ipc_helper_spawn(&h, dir ? dir : BRIG_HELPER_DIR, "brig-vm", &err) < 0)
		fail("%s", err.msg);
	ipc_writer_init(&w);
	vmmsg_encode(&w, &o.q);
	call(&h, IPC_VM_START, &w, fds, 3, &pidfd);
	ipc_writer_free(&w);
	if (o.print_pid)
		fprintf(stderr, "qemu pid %ld\n", ipc_pidfd_pid(pidfd));
	if (o.kill_ms > 0) {
		struct timespec ts = {.tv_sec = o.kill_ms / 1000,
		                      .tv_nsec = o.kill_ms % 1000 * 1000000};
		nanosleep(&ts, NULL);
		put_u32_call(&h, IPC_VM_KILL, (uint32_t) o.kill_sig, NULL);
	}
	{
		struct ipc_writer ww;

		ipc_writer_init(&ww);
		ipc_put_u32(&ww, o.timeout_ms);
		if (ipc_call(h.sock, h.name, IPC_VM_WAIT, ww.buf, ww.len, NULL, 0, &stfd, 1, &err) <
		    0) {
			ipc_writer_free(&ww);
			/* brig-vm stops qemu when a request fails and the session ends. */
			ipc_helper_finish(&h);
			fprintf(stderr, "vmclient: %s\n", err.msg);
			return err.errnum == ETIMEDOUT ? 124 : 125;
		}
		ipc_writer_free(&ww);
	}
	if (vmmsg_read_status(stfd, &status, &err) < 0)
		fail("%s", err.msg);
	ipc_helper_finish(&h);
	return (int) status;
}
