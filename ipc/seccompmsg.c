/* seccompmsg.c - encoding, decoding and checking of the brig-seccomp messages. */
#include "ipc/seccompmsg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/wire.h"

/* SCMP_ACT_* base values, spelled out so ipc/ needs no libseccomp header
 * (the front's tests check them against <seccomp.h>). */
#define SCA_KILL_PROCESS 0x80000000u
#define SCA_KILL_THREAD 0x00000000u
#define SCA_TRAP 0x00030000u
#define SCA_ERRNO 0x00050000u
#define SCA_TRACE 0x7ff00000u
#define SCA_LOG 0x7ffc0000u
#define SCA_ALLOW 0x7fff0000u
#define SCA_NOTIFY 0x7fc00000u

#define SC_OP_MIN 1u /* SCMP_CMP_NE */
#define SC_OP_MAX 7u /* SCMP_CMP_MASKED_EQ */
#define SC_RET_MAX 0xffffu

/* ---- encoding ---- */

static void
enc_strv(struct ipc_writer *w, uint32_t n, char *const *v)
{
	ipc_put_u32(w, n);
	for (uint32_t i = 0; i < n; i++)
		ipc_put_str(w, v[i]);
}

static void
enc_rule(struct ipc_writer *w, const struct sc_rule *r)
{
	enc_strv(w, r->n_names, r->names);
	ipc_put_u32(w, r->action);
	ipc_put_u32(w, r->has_errno_ret);
	ipc_put_u32(w, r->errno_ret);
	ipc_put_u32(w, r->n_args);
	for (uint32_t i = 0; i < r->n_args; i++) {
		ipc_put_u32(w, r->args[i].index);
		ipc_put_u32(w, r->args[i].op);
		ipc_put_u64(w, r->args[i].value);
		ipc_put_u64(w, r->args[i].value_two);
	}
}

void
scmsg_encode(struct ipc_writer *w, const struct sc_profile *p)
{
	ipc_put_u32(w, p->default_action);
	ipc_put_u32(w, p->has_default_errno_ret);
	ipc_put_u32(w, p->default_errno_ret);
	ipc_put_u32(w, p->flags);
	enc_strv(w, p->n_arches, p->arches);
	ipc_put_u32(w, p->n_rules);
	for (uint32_t i = 0; i < p->n_rules; i++)
		enc_rule(w, &p->rules[i]);
}

/* ---- decoding ---- */

static void
free_strv(uint32_t n, char **v)
{
	for (uint32_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

static int
dec_strv(struct ipc_reader *r, uint32_t max, uint32_t *n, char ***out)
{
	char **v;

	if (ipc_get_count(r, n, max) < 0) {
		*n = 0;
		return -1;
	}
	v = calloc(*n ? *n : 1, sizeof(*v));
	if (v == NULL) {
		*n = 0;
		return -1;
	}
	*out = v;
	for (uint32_t i = 0; i < *n; i++)
		if (ipc_get_str(r, &v[i], false) < 0)
			return -1; /* the rest stay NULL: free_strv copes */
	return 0;
}

static int
dec_rule(struct ipc_reader *r, struct sc_rule *rule)
{
	if (dec_strv(r, SCMSG_MAX_NAMES, &rule->n_names, &rule->names) < 0 ||
	    ipc_get_u32(r, &rule->action) < 0 || ipc_get_u32(r, &rule->has_errno_ret) < 0 ||
	    ipc_get_u32(r, &rule->errno_ret) < 0 || ipc_get_count(r, &rule->n_args, SCMSG_MAX_ARGS) < 0)
		return -1;
	rule->args = calloc(rule->n_args ? rule->n_args : 1, sizeof(*rule->args));
	if (rule->args == NULL) {
		rule->n_args = 0;
		return -1;
	}
	for (uint32_t i = 0; i < rule->n_args; i++) {
		struct sc_arg *a = &rule->args[i];

		if (ipc_get_u32(r, &a->index) < 0 || ipc_get_u32(r, &a->op) < 0 ||
		    ipc_get_u64(r, &a->value) < 0 || ipc_get_u64(r, &a->value_two) < 0)
			return -1;
	}
	return 0;
}

int
scmsg_decode(struct ipc_reader *r, struct sc_profile *p, struct brig_err *err)
{
	if (ipc_get_u32(r, &p->default_action) < 0 || ipc_get_u32(r, &p->has_default_errno_ret) < 0 ||
	    ipc_get_u32(r, &p->default_errno_ret) < 0 || ipc_get_u32(r, &p->flags) < 0 ||
	    dec_strv(r, SCMSG_MAX_ARCHES, &p->n_arches, &p->arches) < 0 ||
	    ipc_get_count(r, &p->n_rules, SCMSG_MAX_RULES) < 0)
		goto bad;
	p->rules = calloc(p->n_rules ? p->n_rules : 1, sizeof(*p->rules));
	if (p->rules == NULL) {
		p->n_rules = 0;
		goto bad;
	}
	for (uint32_t i = 0; i < p->n_rules; i++)
		if (dec_rule(r, &p->rules[i]) < 0) {
			p->n_rules = i + 1; /* free what was decoded, this one too */
			goto bad;
		}
	if (ipc_reader_end(r) < 0)
		goto bad;
	return 0;
bad:
	brig_err_set(err, EBADMSG, "seccomp profile: %s", r->why ? r->why : "out of memory");
	scmsg_free(p);
	return -1;
}

void
scmsg_free(struct sc_profile *p)
{
	free_strv(p->n_arches, p->arches);
	for (uint32_t i = 0; p->rules != NULL && i < p->n_rules; i++) {
		free_strv(p->rules[i].n_names, p->rules[i].names);
		free(p->rules[i].args);
	}
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

/* ---- checking ---- */

int
scmsg_action_known(uint32_t action)
{
	switch (action) {
	case SCA_KILL_PROCESS:
	case SCA_KILL_THREAD:
	case SCA_TRAP:
	case SCA_ERRNO:
	case SCA_TRACE:
	case SCA_LOG:
	case SCA_ALLOW:
	case SCA_NOTIFY:
		return 1;
	default:
		return 0;
	}
}

/* Names are passed to libseccomp's resolvers: keep them short and plain. */
static int
check_name(const char *s, const char *what, struct brig_err *err)
{
	size_t n = strlen(s);

	if (n == 0 || n > SCMSG_NAME_MAX)
		return brig_err_set(err, EINVAL, "%s: bad length", what);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return brig_err_set(err, EINVAL, "%s \"%s\": bad character", what, s);
	}
	return 0;
}

static int
check_rule(const struct sc_rule *r, uint32_t i, struct brig_err *err)
{
	if (!scmsg_action_known(r->action))
		return brig_err_set(err, EINVAL, "syscalls[%u].action: unknown action %#x", i, r->action);
	if (r->has_errno_ret > 1 || r->errno_ret > SC_RET_MAX)
		return brig_err_set(err, EINVAL, "syscalls[%u].errnoRet: out of range", i);
	if (r->n_names == 0)
		return brig_err_set(err, EINVAL, "syscalls[%u].names: empty", i);
	for (uint32_t j = 0; j < r->n_names; j++)
		if (check_name(r->names[j], "syscall name", err) < 0)
			return brig_err_wrap(err, "syscalls[%u].names[%u]", i, j);
	for (uint32_t j = 0; j < r->n_args; j++) {
		const struct sc_arg *a = &r->args[j];
		if (a->index > 5)
			return brig_err_set(err, EINVAL, "syscalls[%u].args[%u].index: above 5", i, j);
		if (a->op < SC_OP_MIN || a->op > SC_OP_MAX)
			return brig_err_set(err, EINVAL, "syscalls[%u].args[%u].op: unknown", i, j);
	}
	return 0;
}

int
scmsg_check(const struct sc_profile *p, struct brig_err *err)
{
	if (!scmsg_action_known(p->default_action))
		return brig_err_set(err, EINVAL, "defaultAction: unknown action %#x", p->default_action);
	if (p->has_default_errno_ret > 1 || p->default_errno_ret > SC_RET_MAX)
		return brig_err_set(err, EINVAL, "defaultErrnoRet: out of range");
	if (p->flags & ~SCF_ALL)
		return brig_err_set(err, EINVAL, "flags: unknown bits %#x", p->flags & ~SCF_ALL);
	for (uint32_t i = 0; i < p->n_arches; i++)
		if (check_name(p->arches[i], "architecture", err) < 0)
			return brig_err_wrap(err, "architectures[%u]", i);
	for (uint32_t i = 0; i < p->n_rules; i++)
		if (check_rule(&p->rules[i], i, err) < 0)
			return -1;
	return 0;
}

/* ---- the reply ---- */

int
scmsg_read_prog(int fd, void **insns, uint32_t *n, struct brig_err *err)
{
	struct stat st;
	uint8_t *b;
	size_t off = 0, size;

	if (fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "brig-seccomp reply");
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size % 8 != 0 ||
	    (uint64_t) st.st_size > SCMSG_MAX_INSNS * 8u)
		return brig_err_set(err, EBADMSG, "brig-seccomp reply: not a BPF program (%lld bytes)",
				    (long long) st.st_size);
	size = (size_t) st.st_size;
	b = malloc(size);
	if (b == NULL)
		return brig_err_set(err, ENOMEM, "brig-seccomp reply");
	while (off < size) {
		ssize_t r = pread(fd, b + off, size - off, (off_t) off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(b);
			return brig_err_set(err, r < 0 ? errno : EBADMSG, "brig-seccomp reply: short read");
		}
		off += (size_t) r;
	}
	*insns = b;
	*n = (uint32_t) (size / 8);
	return 0;
}
