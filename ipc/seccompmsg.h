/* seccompmsg.h - the request brig sends to brig-seccomp, and its reply.
 *
 *   IPC_SECCOMP_COMPILE  0 fds  struct sc_profile
 *                        reply fds [sealed memfd: the BPF program, an
 *                        array of struct sock_filter in host byte order]
 *
 * The profile mirrors front/config.h's struct cfg_seccomp with
 * fixed-width fields.  Its encoding is also the canonical form the front
 * hashes for the compile cache key, so two profiles that compile alike
 * encode alike: the front never puts anything else (listenerPath, ...)
 * in it.  The helper checks every field again (scmsg_check).
 */
#ifndef BRIG_IPC_SECCOMPMSG_H
#define BRIG_IPC_SECCOMPMSG_H

#include <stdint.h>

#include "ipc/codec.h"
#include "lib/err.h"

/* sc_profile.flags: linux.seccomp.flags.  They do not change the program
 * (the init passes them to seccomp(2)); they are carried so the cache key
 * and the helper's log see the whole profile. */
#define SCF_TSYNC (1u << 0)
#define SCF_LOG (1u << 1)
#define SCF_SPEC_ALLOW (1u << 2)
#define SCF_WAIT_KILLABLE_RECV (1u << 3)
#define SCF_ALL ((1u << 4) - 1)

struct sc_arg {
	uint32_t index; /* 0..5 */
	uint32_t op;    /* SCMP_CMP_*: 1 NE .. 7 MASKED_EQ */
	uint64_t value, value_two;
};

struct sc_rule {
	uint32_t n_names;
	char **names;    /* syscall names; unknown ones are skipped */
	uint32_t action; /* SCMP_ACT_* base value, without errno/trace data */
	uint32_t has_errno_ret, errno_ret; /* errno_ret <= 0xffff */
	uint32_t n_args;
	struct sc_arg *args;
};

struct sc_profile {
	uint32_t default_action;
	uint32_t has_default_errno_ret, default_errno_ret;
	uint32_t flags; /* SCF_* */
	uint32_t n_arches;
	char **arches; /* "SCMP_ARCH_X86_64", as written */
	uint32_t n_rules;
	struct sc_rule *rules;
};

#define SCMSG_MAX_RULES 4096u
#define SCMSG_MAX_NAMES 1024u /* per rule */
#define SCMSG_MAX_ARGS 6u
#define SCMSG_MAX_ARCHES 32u
#define SCMSG_NAME_MAX 64u

/* The kernel's limit (BPF_MAXINSNS): a longer program cannot be loaded. */
#define SCMSG_MAX_INSNS 4096u

void scmsg_encode(struct ipc_writer *w, const struct sc_profile *p);
/* Decode into P (zeroed by the caller); on failure P is freed. */
int scmsg_decode(struct ipc_reader *r, struct sc_profile *p, struct brig_err *err);
/* The helper's check of every field. */
int scmsg_check(const struct sc_profile *p, struct brig_err *err);
void scmsg_free(struct sc_profile *p);

/* True for the actions the profile may name (SCMP_ACT_* base values). */
int scmsg_action_known(uint32_t action);

/* Front side: read the program out of the reply memfd.  Checks that FD is
 * a regular file whose size is a non-zero multiple of 8 bytes and at most
 * SCMSG_MAX_INSNS instructions; *INSNS is malloc'd, *N its instruction
 * count (the instructions are returned as raw 8-byte records). */
int scmsg_read_prog(int fd, void **insns, uint32_t *n, struct brig_err *err);

#endif
