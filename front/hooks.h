/* hooks.h - running runtime-spec hooks. */
#ifndef BRIG_FRONT_HOOKS_H
#define BRIG_FRONT_HOOKS_H

#include <stddef.h>

#include "front/config.h"
#include "lib/err.h"

/* Run HOOKS[0..N) in order, each with STATE_JSON on its stdin, its args
 * and env, killed after its timeout.  With NS_PIDFD >= 0 each hook is
 * started inside the mount, user, ... namespaces (NS_FLAGS) of the process
 * behind NS_PIDFD.  The first failure stops the sequence:
 * "hook createRuntime[1] /usr/bin/x: exit status 1". */
int hooks_run(const char *kind, const struct cfg_hook *hooks, size_t n, const char *state_json,
	      int ns_pidfd, int ns_flags, struct brig_err *err);

/* A NULL-terminated array of V's strings (shared, not copied). */
char **strv_null_terminated(const struct cfg_strv *v);

#endif
