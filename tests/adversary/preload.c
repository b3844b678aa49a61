/* preload.c - an LD_PRELOAD library that leaves a marker when it is
 * loaded: the adversary suite injects it into setuid helpers and checks
 * that the marker never appears. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void adv_preload_mark(void) __attribute__((constructor));

void
adv_preload_mark(void)
{
	const char *m = getenv("ADV_MARKER");
	char path[4096];
	int fd;

	if (m == NULL)
		m = "/tmp/brig-adv-preload-marker";
	/* One marker per program: MARKER.adv-client shows the injection was
	 * real, MARKER.brig-cgroup would show a helper loaded it. */
	snprintf(path, sizeof(path), "%s.%s", m, program_invocation_short_name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}
