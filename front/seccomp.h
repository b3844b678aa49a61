/* seccomp.h - the front's side of linux.seccomp.
 *
 * The front turns the parsed profile (struct cfg_seccomp) into a BPF
 * program: from the compile cache under <state root>/.seccomp-cache when
 * an entry for the same profile, arch list and libseccomp version is
 * there and intact, otherwise by asking brig-seccomp (which runs with no
 * privilege) and storing its answer.  The container init installs the
 * program as the very last step before exec; for SCMP_ACT_NOTIFY the
 * front then hands the listener fd to linux.seccomp.listenerPath.
 *
 * Order of use:
 *   front, before the init runs:  seccomp_program_for(g, &cfg->linux.seccomp, &prog, err)
 *   init, right before execve:    seccomp_install(&prog, sc, &listener_fd, err)
 *   init -> front:                the listener fd (when seccomp_needs_listener(sc)),
 *                                 over the sync socket
 *   front, before start returns:  seccomp_send_listener(sc->listener_path,
 *                                 sc->listener_metadata, fd, state_json, err)
 */
#ifndef BRIG_FRONT_SECCOMP_H
#define BRIG_FRONT_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "front/cli.h"
#include "front/config.h"
#include "lib/err.h"

struct seccomp_prog {
	struct sock_filter *insns; /* malloc'd; NULL when there is no program */
	size_t len;                /* number of instructions */
};

/* Fill OUT with the program for SC (SC->present must be true).  Uses the
 * cache under G->root when it holds an intact entry; otherwise spawns
 * brig-seccomp from G->helper_dir, and stores the result in the cache (a
 * cache that cannot be written is not an error).  Unknown syscall names
 * are skipped, listed with --debug.  Free OUT with seccomp_prog_free(). */
int seccomp_program_for(const struct brig_global *g, const struct cfg_seccomp *sc,
			struct seccomp_prog *out, struct brig_err *err);

void seccomp_prog_free(struct seccomp_prog *p);

/* True when some action of SC is SCMP_ACT_NOTIFY: the install returns a
 * listener fd that must reach SC->listener_path. */
bool seccomp_needs_listener(const struct cfg_seccomp *sc);

/* Install P in the calling process (the container init, after every other
 * setup step, right before execve): seccomp(SECCOMP_SET_MODE_FILTER) with
 * the flags of SC (TSYNC, LOG, SPEC_ALLOW, WAIT_KILLABLE_RECV) plus
 * NEW_LISTENER when seccomp_needs_listener(SC).  The kernel wants
 * no_new_privs or CAP_SYS_ADMIN: as runc does, call it as the last step
 * when process.noNewPrivileges is true, and before dropping capabilities
 * otherwise (it never sets no_new_privs itself: that would change what
 * setuid programs do in the container).  EACCES names that cause.
 * *LISTENER_FD gets the listener fd (O_CLOEXEC), or -1.  Allocates nothing, so it may
 * run in a vfork-style child. */
int seccomp_install(const struct seccomp_prog *p, const struct cfg_seccomp *sc, int *listener_fd,
		    struct brig_err *err);

/* Connect to the unix socket LISTENER_PATH and send, in one message,
 * runtime-spec's containerProcessState JSON
 *   {"ociVersion":..,"fds":["seccompFd"],"pid":..,"metadata":METADATA,"state":STATE}
 * with LISTENER_FD attached by SCM_RIGHTS, as runc and crun do.
 * STATE_JSON is the container's state object (as `brig state` prints it);
 * "pid" and "ociVersion" are taken from it.  METADATA may be NULL. */
int seccomp_send_listener(const char *listener_path, const char *metadata, int listener_fd,
			  const char *state_json, struct brig_err *err);

#endif
