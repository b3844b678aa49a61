/* sys.h - thin wrappers for system calls glibc 2.36 does not wrap. */
#ifndef BRIG_SYS_H
#define BRIG_SYS_H

#include <linux/openat2.h>
#include <linux/sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline int
sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
	return (int) syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static inline pid_t
sys_clone3(struct clone_args *args)
{
	return (pid_t) syscall(SYS_clone3, args, sizeof(*args));
}

static inline int
sys_pidfd_open(pid_t pid, unsigned flags)
{
	return (int) syscall(SYS_pidfd_open, pid, flags);
}

static inline int
sys_pidfd_send_signal(int pidfd, int sig, unsigned flags)
{
	return (int) syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, flags);
}

static inline int
sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int) syscall(SYS_pivot_root, new_root, put_old);
}

#endif
