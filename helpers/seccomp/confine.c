/* confine.c - brig-seccomp gives up everything before it reads a request. */
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helpers/seccomp/seccomp.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The bounding set first (that needs CAP_SETPCAP, which goes last), then
 * every other set.  Without CAP_SETPCAP the bounding set cannot be
 * changed, but then there is nothing to drop from it that no_new_privs
 * would not already keep an exec from gaining. */
static int
scc_drop_caps(struct brig_err *err)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return brig_err_set(err, errno, "clear ambient capabilities");
	for (unsigned long cap = 0; cap < 64; cap++) {
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in < 0)
			break; /* past the kernel's last capability */
		if (in == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
			return brig_err_set(err, errno, "drop capability %lu from the bounding set", cap);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return brig_err_set(err, errno, "drop capabilities");
	return 0;
}

/* What the helper still does once confined: receive a request, allocate,
 * let libseccomp write the program to a memfd, seal it, reply, exit. */
static const int scc_allowed[] = {
    SCMP_SYS(read),    SCMP_SYS(write),     SCMP_SYS(recvmsg),      SCMP_SYS(sendmsg),
    SCMP_SYS(close),   SCMP_SYS(lseek),     SCMP_SYS(memfd_create), SCMP_SYS(fcntl),
    SCMP_SYS(brk),     SCMP_SYS(munmap),    SCMP_SYS(mremap),       SCMP_SYS(madvise),
    SCMP_SYS(exit),    SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
};

static int
scc_filter(struct brig_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = 0;

	if (ctx == NULL)
		return brig_err_set(err, ENOMEM, "seccomp_init");
	for (size_t i = 0; i < ARRAY_LEN(scc_allowed) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, scc_allowed[i], 0);
	/* Memory, but never executable memory. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_load(ctx); /* sets no_new_privs first (SCMP_FLTATR_CTL_NNP) */
	seccomp_release(ctx);
	if (rc < 0)
		return brig_err_set(err, -rc, "install the helper's own seccomp filter");
	return 0;
}

int
scc_confine(struct brig_err *err)
{
	if (scc_drop_caps(err) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return brig_err_set(err, errno, "set no_new_privs");
	/* libseccomp asks the kernel what it supports (actions, flags) the
	 * first time; do it now, while seccomp(2) is still allowed, so the
	 * answers describe the kernel and not our own filter. */
	if (seccomp_api_get() == 0)
		return brig_err_set(err, ENOSYS, "the kernel has no seccomp filter support");
	return scc_filter(err);
}
