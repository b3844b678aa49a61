/* fuzz_seccomp.c - libFuzzer target for linux.seccomp.
 *
 * The input becomes the value of linux.seccomp in an otherwise valid
 * config.json, so the fuzzer spends its time in the seccomp parser
 * (front/config/seccomp.c) rather than in the rest of the document.  A
 * profile the parser accepts is then turned into the brig-seccomp
 * request, encoded, decoded and checked as the helper would: the helper's
 * check must accept everything the parser accepts, and the encoding must
 * survive the round trip byte for byte.  An input starting with '!' goes
 * to the request decoder raw instead (what a hostile front could send).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "front/config.h"
#include "ipc/seccompmsg.h"
#include "lib/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_head[] =
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
    "\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"},\"linux\":{\"seccomp\":";
static const char doc_tail[] = "}}";

static void
fz_profile(const struct cfg_seccomp *sc, struct sc_profile *p)
{
	p->default_action = sc->default_action;
	p->has_default_errno_ret = sc->has_default_errno_ret;
	p->default_errno_ret = sc->default_errno_ret;
	p->n_arches = (uint32_t) sc->architectures.n;
	p->arches = sc->architectures.v;
	p->n_rules = (uint32_t) sc->n_syscalls;
	p->rules = calloc(sc->n_syscalls + 1, sizeof(*p->rules));
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct cfg_seccomp_syscall *s = &sc->syscalls[i];
		struct sc_rule *r = &p->rules[i];

		r->n_names = (uint32_t) s->names.n;
		r->names = s->names.v;
		r->action = s->action;
		r->has_errno_ret = s->has_errno_ret;
		r->errno_ret = s->errno_ret;
		r->n_args = (uint32_t) s->n_args;
		r->args = calloc(s->n_args + 1, sizeof(*r->args));
		for (size_t j = 0; j < s->n_args; j++) {
			r->args[j].index = s->args[j].index;
			r->args[j].op = (uint32_t) s->args[j].op;
			r->args[j].value = s->args[j].value;
			r->args[j].value_two = s->args[j].value_two;
		}
	}
}

static void
fz_round_trip(const struct cfg_seccomp *sc)
{
	struct sc_profile p = {0}, q = {0};
	struct ipc_writer w, w2;
	struct ipc_reader r;
	struct brig_err err;

	fz_profile(sc, &p);
	ipc_writer_init(&w);
	scmsg_encode(&w, &p);
	if (!w.failed) {
		ipc_reader_init(&r, w.buf, w.len);
		if (scmsg_decode(&r, &q, &err) < 0)
			abort();
		/* Names the parser keeps but the helper refuses would make a
		 * config that validates and then fails at create: allowed only
		 * for syscall names with odd characters (libseccomp would not
		 * know them either). */
		if (scmsg_check(&q, &err) < 0 && strstr(err.msg, "names[") == NULL)
			abort();
		ipc_writer_init(&w2);
		scmsg_encode(&w2, &q);
		if (w2.len != w.len || memcmp(w.buf, w2.buf, w.len) != 0)
			abort();
		ipc_writer_free(&w2);
		scmsg_free(&q);
	}
	ipc_writer_free(&w);
	for (uint32_t i = 0; i < p.n_rules; i++)
		free(p.rules[i].args);
	free(p.rules);
}

static void
fz_raw(const uint8_t *data, size_t size)
{
	struct sc_profile q = {0};
	struct ipc_reader r;
	struct brig_err err;

	ipc_reader_init(&r, data, size);
	if (scmsg_decode(&r, &q, &err) == 0) {
		scmsg_check(&q, &err);
		scmsg_free(&q);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	struct brig_err err;
	size_t len;
	char *buf;

	if (size > 0 && data[0] == '!') {
		fz_raw(data + 1, size - 1);
		return 0;
	}
	len = sizeof(doc_head) - 1 + size + sizeof(doc_tail) - 1;
	buf = malloc(len + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, doc_head, sizeof(doc_head) - 1);
	memcpy(buf + sizeof(doc_head) - 1, data, size);
	memcpy(buf + sizeof(doc_head) - 1 + size, doc_tail, sizeof(doc_tail));
	brig_err_clear(&err);
	if (config_parse(buf, len, &cfg, &err) < 0) {
		if (cfg != NULL || strncmp(err.msg, "config.json", 11) != 0)
			abort();
	} else {
		if (cfg->linux.seccomp.present)
			fz_round_trip(&cfg->linux.seccomp);
		config_free(cfg);
	}
	free(buf);
	return 0;
}
