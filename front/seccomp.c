/* seccomp.c - the front's side of linux.seccomp: the program from the
 * cache or from brig-seccomp, and its installation by the init. */
#include "front/seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/seccomp_cache.h"
#include "front/state.h"
#include "ipc/io.h"
#include "ipc/seccompmsg.h"
#include "ipc/spawn.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"
#include "lib/sha256.h"

#define HELPER "brig-seccomp"
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct {
	const char *name;
	uint32_t bit;            /* SCF_* in the request */
	unsigned long kernel;    /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
} sc_flag_map[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SCF_TSYNC, SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCF_LOG, SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCF_SPEC_ALLOW, SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SCF_WAIT_KILLABLE_RECV,
     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

/* ---- the request: a view of the parsed profile ---- */

/* Strings point into SC; only the rule and arg arrays are ours. */
static void
sc_view_free(struct sc_profile *p)
{
	for (uint32_t i = 0; p->rules != NULL && i < p->n_rules; i++)
		free(p->rules[i].args);
	free(p->rules);
}

static uint32_t
sc_flag_bits(const struct cfg_seccomp *sc)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < sc->flags.n; i++)
		for (size_t j = 0; j < ARRAY_LEN(sc_flag_map); j++)
			if (strcmp(sc->flags.v[i], sc_flag_map[j].name) == 0)
				bits |= sc_flag_map[j].bit;
	return bits;
}

static int
sc_view(const struct cfg_seccomp *sc, struct sc_profile *p, struct brig_err *err)
{
	memset(p, 0, sizeof(*p));
	if (sc->n_syscalls > SCMSG_MAX_RULES || sc->architectures.n > SCMSG_MAX_ARCHES)
		return brig_err_set(err, E2BIG, "linux.seccomp: too many syscalls or architectures");
	p->default_action = sc->default_action;
	p->has_default_errno_ret = sc->has_default_errno_ret;
	p->default_errno_ret = sc->default_errno_ret;
	p->flags = sc_flag_bits(sc);
	p->n_arches = (uint32_t) sc->architectures.n;
	p->arches = sc->architectures.v;
	p->rules = calloc(sc->n_syscalls ? sc->n_syscalls : 1, sizeof(*p->rules));
	if (p->rules == NULL)
		return brig_err_set(err, ENOMEM, "linux.seccomp");
	p->n_rules = (uint32_t) sc->n_syscalls;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct cfg_seccomp_syscall *s = &sc->syscalls[i];
		struct sc_rule *r = &p->rules[i];

		if (s->names.n > SCMSG_MAX_NAMES || s->n_args > SCMSG_MAX_ARGS)
			return brig_err_set(err, E2BIG, "linux.seccomp.syscalls[%zu]: too many names or args", i);
		r->n_names = (uint32_t) s->names.n;
		r->names = s->names.v;
		r->action = s->action;
		r->has_errno_ret = s->has_errno_ret;
		r->errno_ret = s->errno_ret;
		r->n_args = (uint32_t) s->n_args;
		r->args = calloc(s->n_args ? s->n_args : 1, sizeof(*r->args));
		if (r->args == NULL)
			return brig_err_set(err, ENOMEM, "linux.seccomp");
		for (size_t j = 0; j < s->n_args; j++) {
			r->args[j].index = s->args[j].index;
			r->args[j].op = (uint32_t) s->args[j].op;
			r->args[j].value = s->args[j].value;
			r->args[j].value_two = s->args[j].value_two;
		}
	}
	return 0;
}

/* The cache key: what the program depends on.  The encoded request is
 * the canonical form of the profile (arch list included); the native
 * arch and libseccomp's version decide what libseccomp makes of it. */
static void
sc_key(const struct ipc_writer *w, uint8_t key[SHA256_LEN])
{
	const struct scmp_version *v = seccomp_version();
	char tag[96];
	struct sha256 s;

	snprintf(tag, sizeof(tag), "brig-seccomp-cache 3 libseccomp %u.%u.%u native %#x",
		 v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0, seccomp_arch_native());
	sha256_init(&s);
	sha256_update(&s, tag, strlen(tag) + 1);
	sha256_update(&s, w->buf, w->len);
	sha256_final(&s, key);
}

/* With --debug, name the syscalls the compiler skips, as runc does. */
static void
sc_debug_unknown(const struct cfg_seccomp *sc)
{
	for (size_t i = 0; i < sc->n_syscalls; i++)
		for (size_t j = 0; j < sc->syscalls[i].names.n; j++)
			if (seccomp_syscall_resolve_name(sc->syscalls[i].names.v[j]) == __NR_SCMP_ERROR)
				brig_log_debugf("seccomp: unknown syscall \"%s\" skipped",
						sc->syscalls[i].names.v[j]);
}

static int
sc_compile(const struct brig_global *g, const struct ipc_writer *w, struct seccomp_prog *out,
	   struct brig_err *err)
{
	struct ipc_helper h;
	cleanup_close int fd = -1;
	void *insns = NULL;
	uint32_t n = 0;
	int ret, status;

	if (ipc_helper_spawn(&h, g->helper_dir, HELPER, err) < 0)
		return -1;
	ret = ipc_call(h.sock, HELPER, IPC_SECCOMP_COMPILE, w->buf, w->len, NULL, 0, &fd, 1, err);
	status = ipc_helper_finish(&h);
	if (ret < 0)
		return brig_err_wrap(err, "linux.seccomp");
	if (fd < 0)
		return brig_err_set(err, EPROTO, "linux.seccomp: " HELPER " sent no program");
	if (scmsg_read_prog(fd, &insns, &n, err) < 0)
		return brig_err_wrap(err, "linux.seccomp");
	if (status != 0)
		brig_log_debugf(HELPER " exited with status %d", status);
	out->insns = insns;
	out->len = n;
	return 0;
}

int
seccomp_program_for(const struct brig_global *g, const struct cfg_seccomp *sc,
		    struct seccomp_prog *out, struct brig_err *err)
{
	struct sc_profile view;
	struct ipc_writer w;
	uint8_t key[SHA256_LEN];
	cleanup_close int rootfd = -1;
	struct brig_err ignored;
	void *insns;
	uint32_t n;
	int ret;

	out->insns = NULL;
	out->len = 0;
	ret = sc_view(sc, &view, err);
	ipc_writer_init(&w);
	if (ret == 0)
		scmsg_encode(&w, &view);
	sc_view_free(&view);
	if (ret == 0 && w.failed)
		ret = brig_err_set(err, E2BIG, "linux.seccomp: profile larger than %u bytes encoded",
				   IPC_MAX_PAYLOAD);
	if (ret < 0)
		goto out;
	if (g->debug)
		sc_debug_unknown(sc);
	sc_key(&w, key);
	rootfd = state_root_open(g->root, true, &ignored);
	if (rootfd >= 0 && sccache_load(rootfd, key, &insns, &n) == 1) {
		out->insns = insns;
		out->len = n;
		goto out;
	}
	ret = sc_compile(g, &w, out, err);
	if (ret == 0 && rootfd >= 0 && sccache_store(rootfd, key, out->insns, (uint32_t) out->len) < 0)
		brig_log_debugf("seccomp cache: cannot store the program: %s", strerror(errno));
out:
	ipc_writer_free(&w);
	return ret;
}

void
seccomp_prog_free(struct seccomp_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}

bool
seccomp_needs_listener(const struct cfg_seccomp *sc)
{
	if (!sc->present)
		return false;
	if (sc->default_action == SCMP_ACT_NOTIFY)
		return true;
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == SCMP_ACT_NOTIFY)
			return true;
	return false;
}

/* ---- installation, in the container init ---- */

int
seccomp_install(const struct seccomp_prog *p, const struct cfg_seccomp *sc, int *listener_fd,
		struct brig_err *err)
{
	struct sock_fprog prog = {.len = (unsigned short) p->len, .filter = p->insns};
	unsigned long flags = 0;
	long rc;

	*listener_fd = -1;
	if (p->insns == NULL || p->len == 0 || p->len > SCMSG_MAX_INSNS)
		return brig_err_set(err, EINVAL, "seccomp: no program to install");
	for (size_t i = 0; i < sc->flags.n; i++)
		for (size_t j = 0; j < ARRAY_LEN(sc_flag_map); j++)
			if (strcmp(sc->flags.v[i], sc_flag_map[j].name) == 0)
				flags |= sc_flag_map[j].kernel;
	if (seccomp_needs_listener(sc)) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC and a listener together need TSYNC_ESRCH (as runc). */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (rc < 0) {
		if (errno == EACCES)
			return brig_err_set(err, errno, "seccomp: installing a filter needs "
							"process.noNewPrivileges or CAP_SYS_ADMIN");
		return brig_err_set(err, errno, "seccomp: install the filter (flags %#lx)", flags);
	}
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		*listener_fd = (int) rc;
	return 0;
}
