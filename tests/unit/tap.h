/* tap.h - what every unit test program reports with: ok() prints
 * "ok N - name" or "not ok N - name" and counts the failures, which the
 * program's exit status then gives (1 if any).  Each test is one program,
 * so the counters live here, one copy per program. */
#ifndef BRIG_TESTS_UNIT_TAP_H
#define BRIG_TESTS_UNIT_TAP_H

#include <stdbool.h>
#include <stdio.h>

static unsigned t_count, t_failed;

static void
ok(bool cond, const char *name)
{
	t_count++;
	if (!cond)
		t_failed++;
	printf("%s %u - %s\n", cond ? "ok" : "not ok", t_count, name);
	/* Before any fork, so a child cannot print our lines again. */
	fflush(stdout);
}

#endif
