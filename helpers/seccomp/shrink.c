/* shrink.c - a smaller program that decides as libseccomp's does.
 *
 * Why: the kernel's cost of installing a filter (checking it, turning it
 * into eBPF, JIT-compiling it) grows with its length, and a container
 * pays it on every start.  libseccomp tests syscalls one by one: podman's
 * default profile becomes about 1,400 instructions over three arches.
 * Most syscalls are decided by their number alone, and neighbouring
 * numbers mostly share a decision, so ranges of numbers do the same work
 * in a third of the length.
 *
 * How, without writing a second seccomp compiler: libseccomp's program
 * is run here on syscall numbers, not on real syscalls.  Its tests of the
 * number compare it with constants (JEQ, JGT, JGE), so the constants cut
 * the 32-bit number space into intervals inside which every number takes
 * the same path; one run per interval and per arch finds that path's end:
 * a return value, or the first load of an argument or of the instruction
 * pointer.  The new program looks up the arch, then the interval by
 * binary search, and either returns the value or jumps to that load in a
 * copy of the original code kept from there on (with everything it can
 * reach), so argument tests are libseccomp's own.  Arches the program
 * does not name are run once with an arch no test names: the program
 * must decide them without the number, as libseccomp's does.
 *
 * Anything this does not understand on a path (X, scratch memory,
 * arithmetic or JSET on the number or arch, RET A of them) leaves the
 * original program in place.  A result is then checked: both programs
 * are run by bpf_eval on every interval edge of every arch with several
 * argument sets, and must agree.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/seccomp/bpf_eval.h"
#include "helpers/seccomp/seccomp.h"

#define SHRINK_MAX_ARCHES 16
#define SHRINK_OTHER_ARCH 0u /* no AUDIT_ARCH_* is 0 */
#define OFF_NR 0u            /* offsetof(struct seccomp_data, nr) */
#define OFF_ARCH 4u

enum { OUT_RET, OUT_JUMP }; /* return V, or continue at original pc V */

struct outcome {
	uint32_t kind;
	uint32_t v;
};

struct range {
	uint32_t start; /* first syscall number; the range ends where the next starts */
	struct outcome o;
};

struct shrink {
	const struct sock_filter *in;
	uint32_t n;
	uint32_t *bounds; /* sorted interval starts, bounds[0] = 0 */
	uint32_t n_bounds;
	uint32_t arches[SHRINK_MAX_ARCHES];
	uint32_t n_arches;
	struct outcome other; /* for every arch not in arches[] */
	struct range *ranges[SHRINK_MAX_ARCHES];
	uint32_t n_ranges[SHRINK_MAX_ARCHES];
	int32_t *newpos; /* original pc -> index in the kept code, or -1 */
	uint32_t n_kept;
};

enum { TAG_CONST, TAG_NR, TAG_ARCH }; /* where the accumulator's value came from */

static bool
is_cond_jump_k(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA && BPF_SRC(code) == BPF_K;
}

/* Shell sort: glibc's qsort asks sysinfo(2) how much memory there is,
 * a syscall the helper's own filter does not allow. */
static void
sort_u32(uint32_t *v, uint32_t n)
{
	for (uint32_t gap = n / 2; gap > 0; gap /= 2)
		for (uint32_t i = gap; i < n; i++) {
			uint32_t x = v[i], j = i;

			for (; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

/* The interval starts: 0 and every point where a JEQ, JGT or JGE of the
 * program changes its answer. */
static int
shrink_bounds(struct shrink *s)
{
	uint32_t m = 0;

	s->bounds = malloc((2 * (size_t) s->n + 1) * sizeof(*s->bounds));
	if (s->bounds == NULL)
		return -1;
	s->bounds[m++] = 0;
	for (uint32_t pc = 0; pc < s->n; pc++) {
		const struct sock_filter *f = &s->in[pc];

		if (!is_cond_jump_k(f->code))
			continue;
		if (BPF_OP(f->code) != BPF_JGT)
			s->bounds[m++] = f->k;
		if (BPF_OP(f->code) != BPF_JGE && f->k != UINT32_MAX)
			s->bounds[m++] = f->k + 1;
	}
	sort_u32(s->bounds, m);
	s->n_bounds = 0;
	for (uint32_t i = 0; i < m; i++)
		if (s->n_bounds == 0 || s->bounds[s->n_bounds - 1] != s->bounds[i])
			s->bounds[s->n_bounds++] = s->bounds[i];
	return 0;
}

static int
shrink_add_arch(struct shrink *s, uint32_t arch)
{
	if (arch == SHRINK_OTHER_ARCH)
		return -1; /* the stand-in for other arches is named: give up */
	for (uint32_t i = 0; i < s->n_arches; i++)
		if (s->arches[i] == arch)
			return 0;
	if (s->n_arches == SHRINK_MAX_ARCHES)
		return -1;
	s->arches[s->n_arches++] = arch;
	return 0;
}

/* A conditional jump on the accumulator of tag TAG: taken or not (0/1),
 * or -1 when its answer could differ for another number of the interval
 * (or, with OTHER_ARCH, for another unnamed arch). */
static int
shrink_test(struct shrink *s, const struct sock_filter *f, uint32_t a, int tag, bool other_arch)
{
	uint16_t op = BPF_OP(f->code);

	if (tag == TAG_NR && op == BPF_JSET)
		return -1;
	if (tag == TAG_ARCH && other_arch) {
		if (op != BPF_JEQ || shrink_add_arch(s, f->k) < 0)
			return -1;
		return 0; /* an unnamed arch equals no constant */
	}
	switch (op) {
	case BPF_JEQ: return a == f->k;
	case BPF_JGT: return a > f->k;
	case BPF_JGE: return a >= f->k;
	default: return (a & f->k) != 0;
	}
}

/* Follow the original program for syscall NR on ARCH (or, with
 * OTHER_ARCH, on any arch it does not name) to the end of the path that
 * the number and arch alone decide; -1 if the path is not understood. */
static int
shrink_trace(struct shrink *s, uint32_t nr, uint32_t arch, bool other_arch, struct outcome *o)
{
	uint32_t a = 0;
	int tag = TAG_CONST;

	for (uint32_t pc = 0; pc < s->n; pc++) {
		const struct sock_filter *f = &s->in[pc];
		uint64_t next;
		int taken;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == OFF_NR && !other_arch) {
				a = nr, tag = TAG_NR;
			} else if (f->k == OFF_ARCH) {
				a = arch, tag = TAG_ARCH;
			} else if (f->k % 4 == 0 && f->k < sizeof(struct seccomp_data) && f->k > OFF_ARCH) {
				*o = (struct outcome){OUT_JUMP, pc};
				return 0;
			} else {
				return -1;
			}
			continue;
		case BPF_LD | BPF_IMM: a = f->k, tag = TAG_CONST; continue;
		case BPF_LD | BPF_W | BPF_LEN: a = sizeof(struct seccomp_data), tag = TAG_CONST; continue;
		case BPF_RET | BPF_K: *o = (struct outcome){OUT_RET, f->k}; return 0;
		case BPF_RET | BPF_A:
			if (tag != TAG_CONST)
				return -1;
			*o = (struct outcome){OUT_RET, a};
			return 0;
		case BPF_JMP | BPF_JA:
			next = (uint64_t) pc + 1 + f->k;
			if (next >= s->n)
				return -1;
			pc = (uint32_t) next - 1;
			continue;
		default:
			break;
		}
		if (BPF_CLASS(f->code) == BPF_ALU && BPF_SRC(f->code) == BPF_K && tag == TAG_CONST) {
			int r = bpf_alu(f->code, &a, f->k);

			if (r < 0)
				return -1;
			if (r > 0) { /* division by zero: the program returns 0 */
				*o = (struct outcome){OUT_RET, 0};
				return 0;
			}
			continue;
		}
		if (!is_cond_jump_k(f->code))
			return -1; /* X, scratch memory, arithmetic on the number or arch */
		taken = shrink_test(s, f, a, tag, other_arch);
		if (taken < 0)
			return -1;
		next = (uint64_t) pc + 1 + (taken ? f->jt : f->jf);
		if (next >= s->n)
			return -1;
		pc = (uint32_t) next - 1;
	}
	return -1;
}

static int
shrink_ranges_of(struct shrink *s, uint32_t ai)
{
	struct range *r = malloc(s->n_bounds * sizeof(*r));
	uint32_t m = 0;

	if (r == NULL)
		return -1;
	s->ranges[ai] = r;
	for (uint32_t i = 0; i < s->n_bounds; i++) {
		struct outcome o;

		if (shrink_trace(s, s->bounds[i], s->arches[ai], false, &o) < 0)
			return -1;
		if (m > 0 && r[m - 1].o.kind == o.kind && r[m - 1].o.v == o.v)
			continue;
		r[m++] = (struct range){s->bounds[i], o};
	}
	s->n_ranges[ai] = m;
	return 0;
}

/* Mark what the kept code must hold: every jump target and all it reaches. */
static int
shrink_keep(struct shrink *s)
{
	bool *keep = calloc(s->n, sizeof(*keep));
	uint32_t kept = 0;

	s->newpos = malloc(s->n * sizeof(*s->newpos));
	if (keep == NULL || s->newpos == NULL) {
		free(keep);
		return -1;
	}
	if (s->other.kind == OUT_JUMP)
		keep[s->other.v] = true;
	for (uint32_t a = 0; a < s->n_arches; a++)
		for (uint32_t i = 0; i < s->n_ranges[a]; i++)
			if (s->ranges[a][i].o.kind == OUT_JUMP)
				keep[s->ranges[a][i].o.v] = true;
	/* Jumps only go forward: one pass in order reaches everything. */
	for (uint32_t pc = 0; pc < s->n; pc++) {
		const struct sock_filter *f = &s->in[pc];

		if (!keep[pc])
			continue;
		if (BPF_CLASS(f->code) == BPF_RET)
			continue;
		if (f->code == (BPF_JMP | BPF_JA)) {
			if ((uint64_t) pc + 1 + f->k < s->n)
				keep[pc + 1 + f->k] = true;
		} else if (BPF_CLASS(f->code) == BPF_JMP) {
			if (pc + 1 + f->jt < s->n)
				keep[pc + 1 + f->jt] = true;
			if (pc + 1 + f->jf < s->n)
				keep[pc + 1 + f->jf] = true;
		} else if (pc + 1 < s->n) {
			keep[pc + 1] = true;
		}
	}
	for (uint32_t pc = 0; pc < s->n; pc++)
		s->newpos[pc] = keep[pc] ? (int32_t) kept++ : -1;
	s->n_kept = kept;
	free(keep);
	return 0;
}

/* ---- the new program ---- */

/* The length of emit_tree's search of N ranges. */
static uint32_t
tree_size(uint32_t n)
{
	uint32_t left;

	if (n == 1)
		return 1;
	left = tree_size(n / 2);
	return 1 + (left > 255) + left + tree_size(n - n / 2);
}

static uint32_t
prefix_size(const struct shrink *s)
{
	uint32_t len = 1 + 2 * s->n_arches + 1; /* load arch, dispatch, other arches */

	for (uint32_t a = 0; a < s->n_arches; a++)
		len += 1 + tree_size(s->n_ranges[a]);
	return len;
}

static struct sock_filter
leaf(const struct shrink *s, struct outcome o, uint32_t pos, uint32_t kept_base)
{
	if (o.kind == OUT_RET)
		return (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, o.v);
	return (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA,
					     kept_base + (uint32_t) s->newpos[o.v] - (pos + 1));
}

/* Binary search of R[lo..hi] by syscall number: the left half follows the
 * test, the right half after it (reached by jt, or by a JA if too far). */
static uint32_t
emit_tree(const struct shrink *s, const struct range *r, uint32_t lo, uint32_t hi,
	  struct sock_filter *out, uint32_t pos, uint32_t kept_base)
{
	uint32_t mid, left;

	if (lo == hi) {
		out[pos] = leaf(s, r[lo].o, pos, kept_base);
		return pos + 1;
	}
	mid = lo + (hi - lo + 1) / 2;
	left = tree_size(mid - lo);
	if (left <= 255) {
		out[pos++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r[mid].start,
							   (uint8_t) left, 0);
	} else {
		out[pos++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r[mid].start, 0, 1);
		out[pos++] = (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, left);
	}
	pos = emit_tree(s, r, lo, mid - 1, out, pos, kept_base);
	return emit_tree(s, r, mid, hi, out, pos, kept_base);
}

static void
emit_kept(const struct shrink *s, struct sock_filter *out, uint32_t base)
{
	for (uint32_t pc = 0; pc < s->n; pc++) {
		struct sock_filter f = s->in[pc];
		uint32_t at;

		if (s->newpos[pc] < 0)
			continue;
		at = (uint32_t) s->newpos[pc];
		/* Kept code keeps its order and only loses instructions, so
		 * every offset stays forward and gets no larger. */
		if (f.code == (BPF_JMP | BPF_JA))
			f.k = (uint32_t) s->newpos[pc + 1 + f.k] - at - 1;
		else if (BPF_CLASS(f.code) == BPF_JMP) {
			f.jt = (uint8_t) (s->newpos[pc + 1 + f.jt] - (int32_t) at - 1);
			f.jf = (uint8_t) (s->newpos[pc + 1 + f.jf] - (int32_t) at - 1);
		}
		out[base + at] = f;
	}
}

static uint32_t
shrink_emit(const struct shrink *s, struct sock_filter *out)
{
	uint32_t base = prefix_size(s), pos = 0, block = 1 + 2 * s->n_arches + 1;

	out[pos++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH);
	for (uint32_t a = 0; a < s->n_arches; a++) {
		out[pos++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, s->arches[a], 0, 1);
		out[pos] = (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, block - (pos + 1));
		pos++;
		block += 1 + tree_size(s->n_ranges[a]);
	}
	out[pos] = leaf(s, s->other, pos, base);
	pos++;
	for (uint32_t a = 0; a < s->n_arches; a++) {
		out[pos++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR);
		pos = emit_tree(s, s->ranges[a], 0, s->n_ranges[a] - 1, out, pos, base);
	}
	emit_kept(s, out, base);
	return base + s->n_kept;
}

/* ---- the check ---- */

static bool
agree_on(const struct shrink *s, const struct sock_filter *out, uint32_t len,
	 const struct seccomp_data *d)
{
	uint32_t r1, r2;

	return bpf_eval(s->in, s->n, d, &r1) == 0 && bpf_eval(out, len, d, &r2) == 0 && r1 == r2;
}

/* Every interval's first and last number, on every named arch, on an arch
 * the program does not name, with arguments 0, all ones, and constants of
 * the program. */
static bool
shrink_agrees(const struct shrink *s, const struct sock_filter *out, uint32_t len)
{
	uint32_t arches[SHRINK_MAX_ARCHES + 1];
	uint32_t n_arches = s->n_arches + 1;

	memcpy(arches, s->arches, s->n_arches * sizeof(*arches));
	arches[s->n_arches] = SHRINK_OTHER_ARCH;
	for (uint32_t a = 0; a < n_arches; a++)
		for (uint32_t i = 0; i < s->n_bounds; i++)
			for (uint32_t v = 0; v < 3; v++) {
				struct seccomp_data d = {.arch = arches[a]};

				for (uint32_t j = 0; j < 6; j++)
					d.args[j] = v == 0 ? 0 : v == 1 ? UINT64_MAX
							 : s->bounds[(i + j) % s->n_bounds];
				d.instruction_pointer = d.args[0];
				d.nr = s->bounds[i];
				if (!agree_on(s, out, len, &d))
					return false;
				d.nr = s->bounds[i] - 1;
				if (!agree_on(s, out, len, &d))
					return false;
			}
	return true;
}

/* Every jump lands inside the program (the kernel's check; relied on by
 * shrink_keep and emit_kept). */
static bool
shrink_valid(const struct shrink *s)
{
	for (uint32_t pc = 0; pc < s->n; pc++) {
		const struct sock_filter *f = &s->in[pc];

		if (f->code == (BPF_JMP | BPF_JA)) {
			if ((uint64_t) pc + 1 + f->k >= s->n)
				return false;
		} else if (BPF_CLASS(f->code) == BPF_JMP) {
			if (pc + 1 + f->jt >= s->n || pc + 1 + f->jf >= s->n)
				return false;
		}
	}
	return BPF_CLASS(s->in[s->n - 1].code) == BPF_RET;
}

static void
shrink_free(struct shrink *s)
{
	free(s->bounds);
	for (uint32_t a = 0; a < s->n_arches; a++)
		free(s->ranges[a]);
	free(s->newpos);
}

int
scc_shrink(const struct sock_filter *in, uint32_t n, struct sock_filter *out, uint32_t *out_len)
{
	struct shrink s = {.in = in, .n = n};
	uint32_t len;
	int ret = 1;

	if (n == 0 || n > BPF_MAXINSNS || !shrink_valid(&s) || shrink_bounds(&s) < 0)
		goto out;
	if (shrink_trace(&s, 0, SHRINK_OTHER_ARCH, true, &s.other) < 0)
		goto out;
	for (uint32_t a = 0; a < s.n_arches; a++)
		if (shrink_ranges_of(&s, a) < 0)
			goto out;
	if (shrink_keep(&s) < 0 || prefix_size(&s) + s.n_kept > BPF_MAXINSNS)
		goto out;
	len = shrink_emit(&s, out);
	if (!shrink_agrees(&s, out, len))
		goto out;
	*out_len = len;
	ret = 0;
out:
	shrink_free(&s);
	return ret;
}
