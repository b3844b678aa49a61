/* seccomp.h - brig-seccomp's internals: its own confinement and the compiler. */
#ifndef BRIG_HELPERS_SECCOMP_H
#define BRIG_HELPERS_SECCOMP_H

#include "ipc/seccompmsg.h"
#include "lib/err.h"

/* Drop every capability (effective, permitted, inheritable, ambient and
 * the bounding set), set no_new_privs, and install the helper's own
 * filter: after this the process can only read requests, build a
 * program in memory, write it to a memfd and reply. */
int scc_confine(struct brig_err *err);

/* Compile P (already checked) into a BPF program written to a new sealed
 * memfd; returns the fd or -1 with ERR set.  Unknown syscall names are
 * skipped. */
int scc_compile(const struct sc_profile *p, struct brig_err *err);

#endif
