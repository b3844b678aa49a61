/* probe.c - a tiny static program the seccomp tests copy into a
 * container's rootfs, to make one syscall and say what came back.
 *
 *   probe syscall NAME [ARG...]   make syscall NAME with integer ARGs
 *                                 (strtoull, base 0: 0x.. works), print
 *                                 "ret=R errno=E" (errno 0 on success)
 *                                 and exit 0; exit 2 for a name not in
 *                                 the table below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} probe_calls[] = {
    {"getpriority", SYS_getpriority}, {"setpriority", SYS_setpriority},
    {"personality", SYS_personality}, {"prctl", SYS_prctl},
    {"getppid", SYS_getppid},         {"getpgid", SYS_getpgid},
    {"getpid", SYS_getpid},           {"sched_yield", SYS_sched_yield},
    {"umask", SYS_umask},             {"getsid", SYS_getsid},
    {"uname", SYS_uname},             {"sync", SYS_sync},
};

int
main(int argc, char **argv)
{
	unsigned long a[6] = {0};
	long nr = -1, ret;

	if (argc < 3 || strcmp(argv[1], "syscall") != 0 || argc > 9) {
		fprintf(stderr, "usage: probe syscall NAME [ARG...]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(probe_calls) / sizeof(probe_calls[0]); i++)
		if (strcmp(probe_calls[i].name, argv[2]) == 0)
			nr = probe_calls[i].nr;
	if (nr < 0) {
		fprintf(stderr, "probe: unknown syscall %s\n", argv[2]);
		return 2;
	}
	for (int i = 3; i < argc; i++)
		a[i - 3] = strtoull(argv[i], NULL, 0);
	errno = 0;
	ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	printf("ret=%ld errno=%d\n", ret, ret < 0 ? errno : 0);
	return 0;
}
