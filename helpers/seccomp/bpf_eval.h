/* bpf_eval.h - a classic-BPF interpreter for seccomp programs. */
#ifndef BRIG_HELPERS_BPF_EVAL_H
#define BRIG_HELPERS_BPF_EVAL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

/* The word at byte offset K of D (K a multiple of 4 inside D); -1 if not. */
int bpf_data_word(const struct seccomp_data *d, uint32_t k, uint32_t *out);

/* One BPF_ALU instruction CODE on *A with operand V: 0, or 1 for a
 * division by zero (the kernel then ends the program, returning 0), or
 * -1 for an operation seccomp does not run (a shift of 32 or more). */
int bpf_alu(uint16_t code, uint32_t *a, uint32_t v);

/* Run the N instructions of P on D; store the program's return value in
 * *RET and return 0, or return -1 if P does something seccomp would
 * refuse or this interpreter does not know. */
int bpf_eval(const struct sock_filter *p, uint32_t n, const struct seccomp_data *d, uint32_t *ret);

#endif
