/* rawsys.h - system calls without libc, for code that runs on a borrowed
 * address space (a CLONE_VM child) where even errno belongs to someone
 * else: these never touch errno and return -errno on failure. */
#ifndef BRIG_RAWSYS_H
#define BRIG_RAWSYS_H

#if defined(__x86_64__)
static inline long
raw_syscall3(long n, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static inline long
raw_syscall3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
#else
#error "rawsys.h: add the system call convention of this architecture"
#endif

#endif
