/* init_process.h - the init's setup of its own process (user, caps, ...). */
#ifndef BRIG_FRONT_INIT_PROCESS_H
#define BRIG_FRONT_INIT_PROCESS_H

#include "front/container.h"

/* rlimits, personality, keyring, umask, user and groups, capabilities,
 * cwd, no_new_privs, fds, and the lookup of the executable. */
int init_process_setup(struct container *c, struct brig_err *err);

/* execve the container's process; returns only on failure (ERR set). */
void init_process_exec(struct container *c, struct brig_err *err);

/* create: exec brig-wait, which waits for start and then execs the
 * container's process; returns only on failure (ERR set). */
void init_process_wait_and_exec(struct container *c, struct brig_err *err);

#endif
