/* helper.c - hardening and the request loop shared by all helpers. */
#include "ipc/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/wire.h"

extern char **environ;

static void __attribute__((noreturn))
die(const char *name, const char *what)
{
	fprintf(stderr, "%s: %s\n", name, what);
	exit(2);
}

void
helper_harden(const char *name)
{
	struct stat st;
	int type = 0;
	socklen_t len = sizeof(type);

	sigset_t none;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die(name, "cannot make the process non-dumpable");
	/* brig run blocks every signal while it starts helpers: a helper
	 * must stay killable. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Nothing from the caller's environment reaches our decisions. */
	if (clearenv() != 0)
		environ = NULL;
	if (fstat(IPC_HELPER_FD, &st) < 0 || !S_ISSOCK(st.st_mode))
		die(name, "fd 3 is not a socket: run me through brig");
	if (getsockopt(IPC_HELPER_FD, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET)
		die(name, "fd 3 is not a SOCK_SEQPACKET socket");
	if (close_range(IPC_HELPER_FD + 1, ~0u, 0) < 0)
		die(name, "cannot close inherited fds");
	if (fcntl(IPC_HELPER_FD, F_SETFD, FD_CLOEXEC) < 0)
		die(name, "cannot set close-on-exec on the socket");
}

static const struct helper_op *
find_op(const struct helper_op *ops, unsigned n_ops, uint16_t type)
{
	for (unsigned i = 0; i < n_ops; i++)
		if (ops[i].type == type)
			return &ops[i];
	return NULL;
}

static int
reply_error(const struct ipc_msg *msg, const char *text)
{
	ipc_reply(IPC_HELPER_FD, msg->hdr.request_id, EBADMSG, text, NULL, 0);
	return 1;
}

int
helper_serve(const char *name, const struct helper_op *ops, unsigned n_ops, void *state)
{
	struct ipc_msg *msg = malloc(sizeof(*msg));
	struct brig_err err;

	if (msg == NULL)
		die(name, "out of memory");
	for (;;) {
		struct helper_reply reply;
		const struct helper_op *op;
		int errnum;

		if (ipc_recv(IPC_HELPER_FD, msg, &err) < 0) {
			/* A malformed envelope: say why, then end the session. */
			ipc_reply(IPC_HELPER_FD, 0, EBADMSG, err.msg, NULL, 0);
			free(msg);
			return 1;
		}
		if (msg->hdr.type == 0) {
			free(msg);
			return 0; /* the front closed: normal end */
		}
		op = find_op(ops, n_ops, msg->hdr.type);
		if (op == NULL) {
			ipc_msg_close_fds(msg);
			reply_error(msg, "unknown message type");
			free(msg);
			return 1;
		}
		if (msg->nfds != op->nfds) {
			ipc_msg_close_fds(msg);
			reply_error(msg, "wrong number of fds for this message type");
			free(msg);
			return 1;
		}
		memset(&reply, 0, sizeof(reply));
		/* The handler's return value decides: a failed attempt it
		 * recovered from may have left text in reply.err. */
		if (op->fn(msg, &reply, state) < 0) {
			errnum = reply.err.errnum ? reply.err.errnum : EINVAL;
			if (reply.err.msg[0] == '\0')
				snprintf(reply.err.msg, sizeof(reply.err.msg), "request failed");
			for (uint32_t i = 0; i < reply.nfds; i++)
				close(reply.fds[i]);
			reply.nfds = 0;
		} else {
			errnum = 0;
		}
		ipc_msg_close_fds(msg); /* handlers take what they keep (set -1) */
		ipc_reply(IPC_HELPER_FD, msg->hdr.request_id, errnum,
			  errnum ? reply.err.msg : "", reply.nfds ? reply.fds : NULL, reply.nfds);
		for (uint32_t i = 0; i < reply.nfds; i++)
			close(reply.fds[i]);
		if (reply.done || errnum != 0) {
			free(msg);
			return errnum ? 1 : 0;
		}
	}
}
