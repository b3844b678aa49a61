/* main.c - brig-seccomp: compiles a linux.seccomp profile into BPF.
 *
 * Started by brig with its socket as fd 3.  Request:
 *   IPC_SECCOMP_COMPILE (0 fds) - compile; the reply carries one sealed
 *                                 memfd holding the program.
 * Privilege: none.  Before reading any request the helper drops every
 * capability, sets no_new_privs and confines itself with its own strict
 * seccomp filter, so a bug in the profile decoder or in libseccomp can
 * do no more than make a wrong program, which the front then only ever
 * installs in the container that asked for it.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "helpers/seccomp/seccomp.h"
#include "ipc/helper.h"
#include "ipc/wire.h"

#define NAME "brig-seccomp"

/* IPC_SECCOMP_COMPILE.  Privilege: none, under the helper's own filter.
 * The request is untrusted: decoded and checked field by field first. */
static int
handle_compile(struct ipc_msg *req, struct helper_reply *reply, void *state)
{
	struct sc_profile p = {0};
	struct ipc_reader r;
	int fd;

	(void) state;
	ipc_reader_init(&r, req->payload, req->hdr.payload_len);
	if (scmsg_decode(&r, &p, &reply->err) < 0)
		return -1;
	if (scmsg_check(&p, &reply->err) < 0) {
		scmsg_free(&p);
		return -1;
	}
	fd = scc_compile(&p, &reply->err);
	scmsg_free(&p);
	if (fd < 0)
		return -1;
	reply->fds[0] = fd;
	reply->nfds = 1;
	return 0;
}

static const struct helper_op ops[] = {
    {IPC_SECCOMP_COMPILE, 0, handle_compile},
};

int
main(void)
{
	struct brig_err err;

	helper_harden(NAME);
	/* A setuid install: host privilege is never used for a user. */
	if (getuid() != 0 && helper_drop_to_caller() < 0) {
		perror(NAME ": drop privilege");
		return 2;
	}
	if (scc_confine(&err) < 0) {
		fprintf(stderr, NAME ": %s\n", err.msg);
		return 2;
	}
	return helper_serve(NAME, ops, sizeof(ops) / sizeof(ops[0]), NULL);
}
