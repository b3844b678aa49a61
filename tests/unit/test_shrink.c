/* test_shrink.c - brig-seccomp's program shrinker (helpers/seccomp/shrink.c):
 * for programs libseccomp makes (several arches with x32, argument rules of
 * every operator, every action), the shrunk program must be shorter, must
 * be accepted by the kernel, and must return what the original returns on
 * a few hundred thousand inputs (bpf_eval runs both).  Programs it does not
 * understand (X register, a test of the syscall number with JSET, a jump
 * out of the program) must be left alone.
 * Prints "ok N - name" / "not ok N - name"; exits 1 if anything failed.
 */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/seccomp/bpf_eval.h"
#include "helpers/seccomp/seccomp.h"
#include "tests/unit/tap.h"

static const char *const allowed[] = {
    "read", "write", "openat", "close", "fstat", "mmap", "mprotect", "munmap", "brk",
    "rt_sigaction", "rt_sigprocmask", "ioctl", "pread64", "readv", "writev", "access", "pipe",
    "select", "sched_yield", "mremap", "msync", "madvise", "dup", "dup2", "nanosleep", "getpid",
    "sendfile", "connect", "accept", "sendto", "recvfrom", "bind", "listen", "execve", "exit",
    "wait4", "kill", "uname", "fcntl", "flock", "fsync", "getcwd", "chdir", "rename", "mkdir",
    "rmdir", "unlink", "readlink", "chmod", "umask", "gettimeofday", "getrlimit", "getuid",
    "getgid", "setuid", "setgid", "geteuid", "getppid", "setsid", "capget", "sigaltstack",
    "statfs", "prctl", "arch_prctl", "gettid", "futex", "epoll_create", "getdents64",
    "set_tid_address", "clock_gettime", "exit_group", "epoll_wait", "tgkill", "openat2",
    "newfstatat", "pipe2", "prlimit64", "getrandom", "memfd_create", "statx", "rseq",
    "clone3", "close_range", "faccessat2", "socketcall", "ipc", "recvmsg", "sendmsg",
};

static scmp_filter_ctx
base(uint32_t def, bool all_arches)
{
	scmp_filter_ctx f = seccomp_init(def);

	(void) seccomp_attr_set(f, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (all_arches) {
		seccomp_arch_add(f, SCMP_ARCH_X86);
		seccomp_arch_add(f, SCMP_ARCH_X32);
	}
	return f;
}

static bool
in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/* Podman's shape: deny by default, an allow list, argument rules.  DENSE:
 * every syscall but a few is allowed (podman's default profile); else a
 * scattered list of about ninety. */
static scmp_filter_ctx
profile_allow_list(bool all_arches, bool dense)
{
	static const char *const denied[] = {
	    "personality", "clone", "socket", "clone3", "ptrace", "mount", "umount2", "reboot",
	    "kexec_load", "init_module", "finit_module", "delete_module", "bpf", "perf_event_open",
	    "swapon", "swapoff", "pivot_root", "setns", "unshare", "keyctl", "add_key",
	    "request_key", "acct", "settimeofday", "clock_settime", "iopl", "ioperm", "userfaultfd",
	};
	scmp_filter_ctx f = base(SCMP_ACT_ERRNO(EPERM), all_arches);

	for (int nr = 0; dense && nr < 460; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name != NULL && !in_list(name, denied, sizeof(denied) / sizeof(denied[0])))
			seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
		free(name);
	}
	for (size_t i = 0; !dense && i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr != __NR_SCMP_ERROR)
			seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
	}
	seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_EQ, 0));
	seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_EQ, 8));
	seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			 SCMP_A0(SCMP_CMP_MASKED_EQ, 0x7E020000, 0));
	seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, 16));
	seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return f;
}

/* Allow by default; the other actions and the other operators. */
static scmp_filter_ctx
profile_deny_list(bool all_arches)
{
	scmp_filter_ctx f = base(SCMP_ACT_ALLOW, all_arches);

	seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, SCMP_SYS(ptrace), 0);
	seccomp_rule_add(f, SCMP_ACT_KILL_THREAD, SCMP_SYS(kexec_load), 0);
	seccomp_rule_add(f, SCMP_ACT_TRAP, SCMP_SYS(reboot), 0);
	seccomp_rule_add(f, SCMP_ACT_LOG, SCMP_SYS(uname), 0);
	seccomp_rule_add(f, SCMP_ACT_TRACE(7), SCMP_SYS(mount), 0);
	seccomp_rule_add(f, SCMP_ACT_NOTIFY, SCMP_SYS(mknodat), 0);
	seccomp_rule_add(f, SCMP_ACT_ERRNO(22), SCMP_SYS(kill), 1, SCMP_A1(SCMP_CMP_LT, 5));
	seccomp_rule_add(f, SCMP_ACT_ERRNO(23), SCMP_SYS(kill), 1, SCMP_A1(SCMP_CMP_GE, 100));
	seccomp_rule_add(f, SCMP_ACT_ERRNO(24), SCMP_SYS(dup3), 2, SCMP_A0(SCMP_CMP_LE, 2),
			 SCMP_A2(SCMP_CMP_GT, 0x100000000ULL));
	seccomp_rule_add(f, SCMP_ACT_ERRNO(25), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, 40));
	seccomp_rule_add(f, SCMP_ACT_ERRNO(26), SCMP_SYS(setns), 1,
			 SCMP_A1(SCMP_CMP_MASKED_EQ, 0x40000000, 0x40000000));
	return f;
}

static int
export(scmp_filter_ctx f, struct sock_filter **prog, uint32_t *n)
{
	FILE *mem = tmpfile();
	long size;

	if (mem == NULL || seccomp_export_bpf(f, fileno(mem)) < 0)
		return -1;
	size = lseek(fileno(mem), 0, SEEK_END);
	*prog = malloc((size_t) size);
	if (*prog == NULL || pread(fileno(mem), *prog, (size_t) size, 0) != size)
		return -1;
	*n = (uint32_t) (size / 8);
	fclose(mem);
	return 0;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t
rnd_arg(void)
{
	static const uint64_t v[] = {0, 1, 2, 3, 4, 5, 8, 16, 40, 99, 100, 101, 0x7E020000,
				     0x40000000, 0x100000000ULL, 0x100000001ULL, UINT64_MAX};
	return rnd() % 3 ? v[rnd() % (sizeof(v) / sizeof(v[0]))] : rnd();
}

static void
rnd_data(struct seccomp_data *d)
{
	static const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0};
	uint32_t pick = (uint32_t) (rnd() % 8);

	d->arch = pick < 4 ? arches[pick] : pick < 7 ? AUDIT_ARCH_X86_64 : (uint32_t) rnd();
	switch (rnd() % 4) {
	case 0: d->nr = (uint32_t) rnd(); break;
	case 1: d->nr = 0x40000000u + (uint32_t) (rnd() % 600); break;
	default: d->nr = (uint32_t) (rnd() % 600); break;
	}
	d->instruction_pointer = rnd();
	for (int i = 0; i < 6; i++)
		d->args[i] = rnd_arg();
}

/* Both programs on N random inputs: how many answers differ. */
static unsigned long
differences(const struct sock_filter *a, uint32_t na, const struct sock_filter *b, uint32_t nb,
	    unsigned long n)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < n; i++) {
		struct seccomp_data d;
		uint32_t ra, rb;

		rnd_data(&d);
		if (bpf_eval(a, na, &d, &ra) < 0 || bpf_eval(b, nb, &d, &rb) < 0 || ra != rb)
			bad++;
	}
	return bad;
}

/* The kernel takes the program (in a child, which then exits). */
static bool
kernel_accepts(const struct sock_filter *p, uint32_t n)
{
	struct sock_fprog prog = {.len = (unsigned short) n, .filter = (struct sock_filter *) p};
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			_exit(1);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* NAME's program from libseccomp, shrunk: shorter when MUST_SHRINK, taken
 * by the kernel, and deciding as the original does. */
static void
check_profile(const char *name, scmp_filter_ctx f, bool must_shrink)
{
	struct sock_filter *prog = NULL;
	static struct sock_filter small[BPF_MAXINSNS];
	uint32_t n = 0, len = 0;
	char what[160];

	if (f == NULL || export(f, &prog, &n) < 0) {
		ok(false, name);
		return;
	}
	snprintf(what, sizeof(what), "%s: made (%u instructions)", name, n);
	if (scc_shrink(prog, n, small, &len) != 0) {
		ok(false, what);
	} else {
		snprintf(what, sizeof(what), "%s: made (%u instructions from %u)", name, len, n);
		ok(!must_shrink || len < n, what);
		snprintf(what, sizeof(what), "%s: the kernel accepts it", name);
		ok(kernel_accepts(small, len), what);
		snprintf(what, sizeof(what), "%s: same answer on 300000 random inputs", name);
		ok(differences(prog, n, small, len, 300000) == 0, what);
	}
	free(prog);
	seccomp_release(f);
}

/* Programs shrink does not understand are left as they are. */
static void
check_refusals(void)
{
	struct sock_filter out[BPF_MAXINSNS];
	uint32_t len;
	struct sock_filter uses_x[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_STMT(BPF_MISC | BPF_TAX, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter jset_nr[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter out_of_range[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 5, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	ok(scc_shrink(uses_x, 5, out, &len) == 1, "a program using X is left alone");
	ok(scc_shrink(jset_nr, 4, out, &len) == 1, "JSET on the syscall number: left alone");
	ok(scc_shrink(out_of_range, 3, out, &len) == 1, "a jump out of the program: left alone");
}

int
main(void)
{
	check_profile("podman-like allow list, x86_64 x86 x32", profile_allow_list(true, true), true);
	check_profile("podman-like allow list, native only", profile_allow_list(false, true), true);
	check_profile("scattered allow list, x86_64 x86 x32", profile_allow_list(true, false), false);
	check_profile("deny list, every action and operator, x86_64 x86 x32",
		      profile_deny_list(true), false);
	check_profile("deny list, native only", profile_deny_list(false), false);
	check_refusals();
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
