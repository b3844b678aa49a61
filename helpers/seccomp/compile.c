/* compile.c - a checked profile to a BPF program, with libseccomp.
 *
 * Semantics follow runc and crun, so a profile behaves the same under
 * each: ERRNO and TRACE return errnoRet or EPERM; a rule whose action is
 * the default action is dropped (libseccomp refuses it and it changes
 * nothing); unknown syscall names are skipped; the args of a rule are
 * ANDed, except that args naming the same index more than once make one
 * rule per arg (ORed), which is what profiles written for runc mean.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers/seccomp/seccomp.h"
#include "lib/cleanup.h"

struct scc_ctx {
	scmp_filter_ctx f;
};

static void
scc_ctx_release(struct scc_ctx *c)
{
	if (c->f != NULL)
		seccomp_release(c->f);
}

#define cleanup_scc __attribute__((cleanup(scc_ctx_release)))

static uint32_t
scc_action(uint32_t base, uint32_t has_ret, uint32_t ret)
{
	uint32_t data = has_ret ? ret : EPERM;

	if (base == SCMP_ACT_ERRNO(0))
		return SCMP_ACT_ERRNO(data);
	if (base == SCMP_ACT_TRACE(0))
		return SCMP_ACT_TRACE(data);
	return base;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64"; 0 if unknown. */
static uint32_t
scc_arch(const char *name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char low[32];
	size_t n;

	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	name += sizeof(prefix) - 1;
	n = strlen(name);
	if (n == 0 || n >= sizeof(low))
		return 0;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char) tolower((unsigned char) name[i]);
	return seccomp_arch_resolve_name(low);
}

static int
scc_add_arches(scmp_filter_ctx f, const struct sc_profile *p, struct brig_err *err)
{
	for (uint32_t i = 0; i < p->n_arches; i++) {
		uint32_t token = scc_arch(p->arches[i]);
		int rc;

		if (token == 0)
			return brig_err_set(err, EINVAL, "architectures[%u]: unknown architecture \"%s\"",
					    i, p->arches[i]);
		rc = seccomp_arch_add(f, token);
		if (rc < 0 && rc != -EEXIST) /* the native one is there already */
			return brig_err_set(err, -rc, "architectures[%u]: add \"%s\"", i, p->arches[i]);
	}
	return 0;
}

static bool
scc_same_index(const struct sc_rule *r)
{
	for (uint32_t i = 0; i < r->n_args; i++)
		for (uint32_t j = i + 1; j < r->n_args; j++)
			if (r->args[i].index == r->args[j].index)
				return true;
	return false;
}

static struct scmp_arg_cmp
scc_cmp(const struct sc_arg *a)
{
	struct scmp_arg_cmp c = {
	    .arg = a->index,
	    .op = (enum scmp_compare) a->op,
	    .datum_a = a->value,
	    .datum_b = a->value_two, /* MASKED_EQ: value is the mask */
	};
	return c;
}

static int
scc_add_one(scmp_filter_ctx f, const struct sc_rule *r, uint32_t action, int nr)
{
	struct scmp_arg_cmp cmps[SCMSG_MAX_ARGS];
	int rc;

	if (!scc_same_index(r)) {
		for (uint32_t i = 0; i < r->n_args; i++)
			cmps[i] = scc_cmp(&r->args[i]);
		return seccomp_rule_add_array(f, action, nr, r->n_args, cmps);
	}
	for (uint32_t i = 0; i < r->n_args; i++) {
		cmps[0] = scc_cmp(&r->args[i]);
		rc = seccomp_rule_add_array(f, action, nr, 1, cmps);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
scc_add_rule(scmp_filter_ctx f, const struct sc_rule *r, uint32_t i, uint32_t def,
	     struct brig_err *err)
{
	uint32_t action = scc_action(r->action, r->has_errno_ret, r->errno_ret);

	if (action == def)
		return 0;
	for (uint32_t j = 0; j < r->n_names; j++) {
		int nr = seccomp_syscall_resolve_name(r->names[j]);
		int rc;

		if (nr == __NR_SCMP_ERROR)
			continue; /* not a syscall this libseccomp knows: skipped */
		rc = scc_add_one(f, r, action, nr);
		if (rc < 0)
			return brig_err_set(err, -rc, "syscalls[%u]: add rule for \"%s\"", i,
					    r->names[j]);
	}
	return 0;
}

/* libseccomp's program, read back from the memfd it was exported to. */
static int
scc_export_mem(scmp_filter_ctx f, struct sock_filter **prog, uint32_t *n, struct brig_err *err)
{
	cleanup_close int fd = memfd_create("brig-seccomp-export", MFD_CLOEXEC);
	off_t size;
	int rc;

	if (fd < 0)
		return brig_err_set(err, errno, "memfd_create");
	rc = seccomp_export_bpf(f, fd);
	if (rc < 0)
		return brig_err_set(err, -rc, "export the BPF program");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t) sizeof(**prog) != 0 ||
	    size > (off_t) (BPF_MAXINSNS * sizeof(**prog)))
		return brig_err_set(err, EINVAL, "libseccomp exported %lld bytes", (long long) size);
	*prog = malloc((size_t) size);
	if (*prog == NULL)
		return brig_err_set(err, ENOMEM, "export the BPF program");
	errno = 0; /* a short read sets none */
	if (lseek(fd, 0, SEEK_SET) < 0 || read(fd, *prog, (size_t) size) != size) {
		free(*prog);
		*prog = NULL;
		return brig_err_set(err, errno ? errno : EIO, "read the exported program back");
	}
	*n = (uint32_t) (size / (off_t) sizeof(**prog));
	return 0;
}

/* PROG in a new sealed memfd: the front reads exactly what was written. */
static int
scc_sealed(const struct sock_filter *prog, uint32_t n, struct brig_err *err)
{
	cleanup_close int fd = memfd_create("brig-seccomp-bpf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t len = n * sizeof(*prog);
	int ret;

	if (fd < 0)
		return brig_err_set(err, errno, "memfd_create");
	errno = 0; /* a short write sets none */
	if (write(fd, prog, len) != (ssize_t) len)
		return brig_err_set(err, errno ? errno : EIO, "write the program");
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		return brig_err_set(err, errno, "seal the program memfd");
	ret = fd;
	fd = -1;
	return ret;
}

/* The program to send: libseccomp's, shrunk when scc_shrink can. */
static int
scc_export(scmp_filter_ctx f, struct brig_err *err)
{
	cleanup_free struct sock_filter *prog = NULL;
	cleanup_free struct sock_filter *small = NULL;
	uint32_t n = 0, len = 0;

	if (scc_export_mem(f, &prog, &n, err) < 0)
		return -1;
	small = malloc(BPF_MAXINSNS * sizeof(*small));
	if (small != NULL && scc_shrink(prog, n, small, &len) == 0 && len < n)
		return scc_sealed(small, len, err);
	return scc_sealed(prog, n, err);
}

int
scc_compile(const struct sc_profile *p, struct brig_err *err)
{
	uint32_t def = scc_action(p->default_action, p->has_default_errno_ret, p->default_errno_ret);
	cleanup_scc struct scc_ctx c = {seccomp_init(def)};

	if (c.f == NULL)
		return brig_err_set(err, EINVAL, "defaultAction: libseccomp refuses %#x", def);
	/* A binary tree of syscall numbers instead of a linear list: the
	 * same decisions, but the kernel runs (and, at install, emulates
	 * for its per-syscall cache) a few dozen instructions per syscall
	 * instead of hundreds.  Best effort: older libseccomp lacks it. */
	(void) seccomp_attr_set(c.f, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (scc_add_arches(c.f, p, err) < 0)
		return -1;
	for (uint32_t i = 0; i < p->n_rules; i++)
		if (scc_add_rule(c.f, &p->rules[i], i, def, err) < 0)
			return -1;
	return scc_export(c.f, err);
}
