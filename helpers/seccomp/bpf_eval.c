/* bpf_eval.c - run a classic-BPF seccomp program on one seccomp_data, as
 * the kernel would.  Used to check that a shrunk program decides every
 * tested input as the original does (shrink.c), and by the unit tests.
 *
 * Only the instructions seccomp accepts (seccomp_check_filter in the
 * kernel) are known; anything else, an out-of-range jump or load, a
 * shift of 32 or more, makes the run fail, so a program this does not
 * understand is never judged equal to another.
 */
#include <stddef.h>
#include <string.h>

#include "helpers/seccomp/bpf_eval.h"

int
bpf_alu(uint16_t code, uint32_t *a, uint32_t v)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *a += v; return 0;
	case BPF_SUB: *a -= v; return 0;
	case BPF_MUL: *a *= v; return 0;
	case BPF_OR: *a |= v; return 0;
	case BPF_AND: *a &= v; return 0;
	case BPF_XOR: *a ^= v; return 0;
	case BPF_NEG: *a = 0u - *a; return 0;
	case BPF_DIV:
	case BPF_MOD:
		if (v == 0)
			return 1; /* the kernel ends the program: it returns 0 */
		*a = BPF_OP(code) == BPF_DIV ? *a / v : *a % v;
		return 0;
	case BPF_LSH:
	case BPF_RSH:
		if (v >= 32)
			return -1;
		*a = BPF_OP(code) == BPF_LSH ? *a << v : *a >> v;
		return 0;
	default:
		return -1;
	}
}

static int
bpf_jump_taken(uint16_t code, uint32_t a, uint32_t v)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	default: return -1;
	}
}

/* The 32-bit word at byte offset K of D, as BPF_LD|BPF_W|BPF_ABS reads it. */
int
bpf_data_word(const struct seccomp_data *d, uint32_t k, uint32_t *out)
{
	if (k % 4 != 0 || k > sizeof(*d) - 4)
		return -1;
	memcpy(out, (const char *) d + k, 4);
	return 0;
}

int
bpf_eval(const struct sock_filter *p, uint32_t n, const struct seccomp_data *d, uint32_t *ret)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

	for (uint32_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &p[pc];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
		uint64_t next;
		int r;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (bpf_data_word(d, f->k, &a) < 0)
				return -1;
			continue;
		case BPF_LD | BPF_W | BPF_LEN: a = sizeof(*d); continue;
		case BPF_LDX | BPF_W | BPF_LEN: x = sizeof(*d); continue;
		case BPF_LD | BPF_IMM: a = f->k; continue;
		case BPF_LDX | BPF_IMM: x = f->k; continue;
		case BPF_MISC | BPF_TAX: x = a; continue;
		case BPF_MISC | BPF_TXA: a = x; continue;
		case BPF_RET | BPF_K: *ret = f->k; return 0;
		case BPF_RET | BPF_A: *ret = a; return 0;
		case BPF_JMP | BPF_JA:
			next = (uint64_t) pc + 1 + f->k;
			if (next >= n)
				return -1;
			pc = (uint32_t) next - 1;
			continue;
		default:
			break;
		}
		if (f->code == (BPF_LD | BPF_MEM) || f->code == (BPF_LDX | BPF_MEM) ||
		    f->code == BPF_ST || f->code == BPF_STX) {
			if (f->k >= BPF_MEMWORDS)
				return -1;
			if (f->code == (BPF_LD | BPF_MEM))
				a = mem[f->k];
			else if (f->code == (BPF_LDX | BPF_MEM))
				x = mem[f->k];
			else
				mem[f->k] = f->code == BPF_ST ? a : x;
			continue;
		}
		if (BPF_CLASS(f->code) == BPF_ALU) {
			r = bpf_alu(f->code, &a, src);
			if (r < 0)
				return -1;
			if (r > 0) {
				*ret = 0;
				return 0;
			}
			continue;
		}
		if (BPF_CLASS(f->code) != BPF_JMP)
			return -1;
		r = bpf_jump_taken(f->code, a, src);
		if (r < 0)
			return -1;
		next = (uint64_t) pc + 1 + (r ? f->jt : f->jf);
		if (next >= n)
			return -1;
		pc = (uint32_t) next - 1;
	}
	return -1; /* ran off the end: the kernel refuses such a program */
}
