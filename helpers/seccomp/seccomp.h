/* seccomp.h - brig-seccomp's internals: its own confinement and the compiler. */
#ifndef BRIG_HELPERS_SECCOMP_H
#define BRIG_HELPERS_SECCOMP_H

#include <linux/filter.h>
#include <stdint.h>

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

/* A program that decides every syscall as the N instructions of IN do,
 * by ranges of syscall numbers (shrink.c says how).  0: OUT (room for
 * BPF_MAXINSNS) holds *OUT_LEN checked instructions, often fewer than N
 * but not always; 1: keep IN, which this does not understand. */
int scc_shrink(const struct sock_filter *in, uint32_t n, struct sock_filter *out, uint32_t *out_len);

#endif
