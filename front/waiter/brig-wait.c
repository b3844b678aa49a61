/* brig-wait.c - what a created container's init becomes while it waits.
 *
 * After `create`, the init has set up everything of the container's
 * process (namespaces, root, user, capabilities, cwd, rlimits) and must
 * wait for `start`.  Waiting as a clone of brig would leave the host's brig
 * binary behind /proc/1/exe for anyone who joins the container (the runc
 * CVE-2019-5736 class).  So the init execs this program from a sealed
 * memfd (front/waiter.c): /proc/1/exe then names an anonymous, unwritable
 * copy of these few bytes, and no host file.
 *
 *   argv: brig-wait FIFO_FD PATH ARG0 ARG1 ...     envp: the process's env
 *
 * It reads one byte from FIFO_FD (start writes it), closes it, and execs
 * PATH with ARG0... and the environment.  FIFO_FD "-" execs at once: `run`
 * and `exec` pass through here too, so that the exec of the container's
 * process is never made by a process whose /proc/self/exe is the host's
 * brig (a "#!/proc/self/exe" script would run it inside the container).  Freestanding: no libc, raw
 * system calls, so the binary is tiny and its exec cheap.
 */

#include <sys/syscall.h>

#include "lib/rawsys.h"

#define NR_read SYS_read
#define NR_write SYS_write
#define NR_close SYS_close
#define NR_execve SYS_execve
#define NR_exit SYS_exit
#define sys3 raw_syscall3

#define EINTR 4

static void
say(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	sys3(NR_write, 2, (long) s, n);
}

static void __attribute__((noreturn))
die(const char *what, const char *arg, int code)
{
	say("brig: ");
	say(what);
	if (arg) {
		say(" \"");
		say(arg);
		say("\"");
	}
	say("\n");
	sys3(NR_exit, code, 0, 0);
	for (;;)
		;
}

static long
parse_fd(const char *s)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void brig_wait_main(long *sp); /* called from _start below */

__attribute__((used)) void
brig_wait_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **) (sp + 1);
	char **envp = argv + argc + 1;
	long fd, r;
	char b;

	if (argc < 4)
		die("brig-wait: usage: brig-wait FIFO_FD PATH ARG0 [ARGS...]", 0, 127);
	if (argv[1][0] == '-' && argv[1][1] == '\0')
		goto run;
	fd = parse_fd(argv[1]);
	if (fd < 0)
		die("brig-wait: bad fd", argv[1], 127);
	do
		r = sys3(NR_read, fd, (long) &b, 1);
	while (r == -EINTR);
	if (r != 1)
		die("wait for start: exec fifo closed", 0, 127);
	sys3(NR_close, fd, 0, 0);
run:
	sys3(NR_execve, (long) argv[2], (long) (argv + 3), (long) envp);
	die("exec", argv[3], 127);
}

/* The entry point: pass the initial stack pointer (argc, argv, envp). */
#if defined(__x86_64__)
__asm__(".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call brig_wait_main\n"
	"	hlt\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n"
	"_start:\n"
	"	mov x0, sp\n"
	"	bl brig_wait_main\n"
	"	brk #0\n");
#endif
