/* devices_bpf.c - linux.resources.devices on cgroup v2: a
 * BPF_CGROUP_DEVICE program emitted instruction by instruction (as runc's
 * devicefilter and crun's ebpf.c do), loaded and attached with the raw
 * bpf() syscall.  The program stays attached to the cgroup after our fd is
 * closed; on UPDATE the programs attached before are detached once the new
 * one is in place, so there is no moment without a filter.
 *
 * The program checks the rules last to first; the first that matches
 * decides.  That is "the last matching rule wins", the v1 semantics.  When
 * none matches the access is allowed, as a new v1 cgroup inherits its
 * parent's allow-all: a config denies by default with a leading deny-all
 * rule, which matches everything.
 */
#include "helpers/cgroup/cgroup.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"

#define MAX_INSNS (8 + 9 * (CGMSG_MAX_LIST + 1))

struct prog {
	struct bpf_insn *insn;
	unsigned n;
};

static void
emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn *i = &p->insn[p->n++];

	memset(i, 0, sizeof(*i));
	i->code = code;
	i->dst_reg = dst & 0xf;
	i->src_reg = src & 0xf;
	i->off = off;
	i->imm = imm;
}

/* A conditional jump to the end of the current rule block; its offset is
 * patched when the block is complete. */
static void
emit_jne(struct prog *p, uint8_t reg, int32_t imm, unsigned *pending, unsigned *np)
{
	pending[(*np)++] = p->n;
	emit(p, BPF_JMP | BPF_JNE | BPF_K, reg, 0, 0, imm);
}

/* Returns true when the rule matches every access: what follows it would
 * be unreachable, which the verifier refuses. */
static bool
emit_rule(struct prog *p, const struct cg_device_rule *d)
{
	unsigned pending[4], np = 0;
	int32_t access = 0;

	for (const char *c = d->access; *c; c++)
		access |= *c == 'r'   ? BPF_DEVCG_ACC_READ
		          : *c == 'w' ? BPF_DEVCG_ACC_WRITE
		                      : BPF_DEVCG_ACC_MKNOD;
	if (d->type != 'a')
		emit_jne(p, BPF_REG_2, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
		         pending, &np);
	if (access != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
		/* Matches only when every requested access is in the rule. */
		emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, ~access & 7);
		emit_jne(p, BPF_REG_1, 0, pending, &np);
	}
	if (d->major >= 0)
		emit_jne(p, BPF_REG_4, (int32_t) d->major, pending, &np);
	if (d->minor >= 0)
		emit_jne(p, BPF_REG_5, (int32_t) d->minor, pending, &np);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, d->allow ? 1 : 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (unsigned i = 0; i < np; i++)
		p->insn[pending[i]].off = (int16_t) (p->n - pending[i] - 1);
	return np == 0;
}

/* Build the program for RULES into P (P->insn has MAX_INSNS entries). */
static void
build(struct prog *p, const struct cg_device_rule *rules, uint32_t n)
{
	/* r2 = type, r3 = access, r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx). */
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
	emit(p, BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	for (uint32_t i = n; i-- > 0;)
		if (emit_rule(p, &rules[i]))
			return;
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int
sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int) syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int
load(const struct prog *p, struct brig_err *err)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t) (uintptr_t) p->insn;
	attr.insn_cnt = p->n;
	attr.license = (uint64_t) (uintptr_t) "GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return brig_err_set(err, errno,
		                    "linux.resources.devices: load the BPF device program");
	return fd;
}

/* The ids of the device programs attached to the cgroup itself now. */
static uint32_t
query(int cgfd, uint32_t *ids, uint32_t max)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t) cgfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
	attr.query.prog_cnt = max;
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return 0;
	return attr.query.prog_cnt < max ? attr.query.prog_cnt : max;
}

static void
detach(int cgfd, uint32_t id)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t) cgfd;
	attr.attach_bpf_fd = (uint32_t) fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	sys_bpf(BPF_PROG_DETACH, &attr);
	close(fd);
}

int
cg_devices_bpf(struct cg_hier *h, const struct cg_device_rule *rules, uint32_t n,
               struct brig_err *err)
{
	cleanup_free struct bpf_insn *insn = NULL;
	struct prog p = {0};
	uint32_t old[64], n_old;
	union bpf_attr attr;
	cleanup_close int fd = -1;

	if (n > CGMSG_MAX_LIST)
		return brig_err_set(err, E2BIG, "linux.resources.devices: too many rules");
	insn = calloc(MAX_INSNS, sizeof(*insn));
	if (insn == NULL)
		return brig_err_set(err, ENOMEM, "linux.resources.devices");
	p.insn = insn;
	build(&p, rules, n);
	fd = load(&p, err);
	if (fd < 0)
		return -1;
	n_old = query(h->dirfd, old, sizeof(old) / sizeof(old[0]));
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t) h->dirfd;
	attr.attach_bpf_fd = (uint32_t) fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return brig_err_set(err, errno,
		                    "linux.resources.devices: attach the BPF device program");
	for (uint32_t i = 0; i < n_old; i++)
		detach(h->dirfd, old[i]);
	return 0;
}
