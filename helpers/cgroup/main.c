/* main.c - brig-cgroup: the container's cgroup, from create to delete.
 *
 * Started by brig with its socket as fd 3; serves the IPC_CGROUP_*
 * requests of ipc/cgroupmsg.h until brig closes the socket.  Every
 * request names the cgroup again (struct cg_target): nothing is kept
 * between requests, and each one is decoded, checked field by field
 * (cgmsg_check) and resolved afresh under the host's cgroup mounts.
 *
 * A caller that is not root, served by a privileged install (setuid or
 * file capabilities), gets only what /etc/brig/policy allows it: user.c.
 *
 * Privilege (caps.c): root's uid with CAP_DAC_OVERRIDE, CAP_SYS_ADMIN,
 * CAP_BPF, CAP_NET_ADMIN, CAP_KILL and CAP_SYS_NICE; everything written is a file in
 * the container's own cgroup or a cgroup.subtree_control on its path.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "helpers/cgroup/cgroup.h"
#include "ipc/helper.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"

#define NAME "brig-cgroup"

/* A decoded and checked request, with the layout resolved for it. */
struct call {
	struct cg_request req;
	struct cg_layout l;
	int lockfd; /* an unprivileged caller's CREATE: held until the reply */
};

static void
call_free(struct call *c)
{
	cgmsg_free(&c->req);
	cg_layout_free(&c->l);
	if (c->lockfd >= 0)
		close(c->lockfd);
	c->lockfd = -1;
}

/* Decode, check, and (for an unprivileged caller, user.c) apply the
 * policy; then resolve the cgroup. */
static int
prepare(struct ipc_msg *msg, struct call *c, bool create, struct cg_user *u,
        struct brig_err *err)
{
	struct ipc_reader r;
	uint16_t type = msg->hdr.type;

	memset(c, 0, sizeof(*c));
	c->lockfd = -1;
	ipc_reader_init(&r, msg->payload, msg->hdr.payload_len);
	if (cgmsg_decode(&r, type, &c->req, err) < 0 || cgmsg_check(type, &c->req, err) < 0)
		return -1;
	if (cg_user_begin(u, type, &c->req, err) < 0)
		return -1;
	if (type == IPC_CGROUP_CREATE && (cg_verify_pidfd(msg->fds[0], err) < 0 ||
	                                  cg_user_check_pidfd(u, msg->fds[0], err) < 0))
		return -1;
	if (cg_layout_load(&c->l, err) < 0)
		return -1;
	if (type == IPC_CGROUP_CREATE && cg_user_lock(u, &c->l, &c->lockfd, err) < 0)
		return -1;
	if (cg_layout_open(&c->l, &c->req.target, create, err) < 0)
		return -1;
	return type == IPC_CGROUP_CREATE ? cg_user_created(u, &c->l, err) : 0;
}

static int
reply_with(struct helper_reply *reply, struct ipc_writer *w)
{
	int fd = cgmsg_reply_memfd(w, &reply->err);

	ipc_writer_free(w);
	if (fd < 0)
		return -1;
	reply->fds[0] = fd;
	reply->nfds = 1;
	return 0;
}

static uint32_t
created_depth(const struct cg_layout *l)
{
	uint32_t d = 0;

	for (unsigned i = 0; i < l->n; i++)
		if (l->h[i].created > d)
			d = l->h[i].created;
	return d;
}

/* IPC_CGROUP_CREATE: make the cgroup in every hierarchy, write the
 * resources, move the init in.  Anything made is removed on failure. */
static int
handle_create(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct call c;
	struct ipc_writer w;
	struct cg_created out;
	int ret;

	ret = prepare(msg, &c, true, state, &reply->err);
	if (ret == 0)
		ret = cg_apply(&c.l, &c.req.res, true, &reply->err);
	if (ret == 0)
		ret = cg_attach(&c.l, msg->fds[0], &reply->err);
	out.depth = created_depth(&c.l);
	/* For a user only the leaf is theirs to remove. */
	if (((struct cg_user *) state)->active && out.depth > 1)
		out.depth = 1;
	if (ret < 0) {
		struct brig_err ignored;
		cg_layout_remove(&c.l, 0, &ignored);
		call_free(&c);
		return -1;
	}
	call_free(&c);
	ipc_writer_init(&w);
	cgmsg_encode_created(&w, &out);
	return reply_with(reply, &w);
}

/* We hold no more power than the caller: its uid, no capability (a
 * rootless brig-cgroup working in a cgroup delegated to the user). */
static bool
self_is_peer(uid_t peer)
{
	return getuid() == peer && geteuid() == peer && !helper_has_caps();
}

/* Only a root caller may have writable "tasks" files: with them one can
 * move any process into the cgroup (the kernel checks the opener, us).
 * A caller as powerful as we are could open them itself. */
static int
peer_is_root(struct brig_err *err)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(IPC_HELPER_FD, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return brig_err_set(err, errno, "cgroup prepare: who is calling");
	if (cr.uid != 0 && !self_is_peer(cr.uid))
		return brig_err_set(err, EPERM, "cgroup prepare: only for root callers (use create)");
	return 0;
}

/* The fds the init enters its cgroup with: the cgroup2 directory (for
 * clone3's CLONE_INTO_CGROUP) and each v1 hierarchy's "tasks" file. */
static int
entry_fds(struct cg_layout *l, struct cg_created *out, struct helper_reply *reply,
	  struct brig_err *err)
{
	struct cg_hier *v2 = cg_unified(l);

	out->has_v2_dir = 0;
	out->n_tasks = 0;
	if (v2 != NULL && v2->dirfd >= 0) {
		int fd = openat(v2->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return brig_err_set(err, errno, "%s: open the container's cgroup", v2->mnt);
		reply->fds[reply->nfds++] = fd;
		out->has_v2_dir = 1;
	}
	for (unsigned i = 0; i < l->n; i++) {
		int fd;
		if (l->h[i].v2 || l->h[i].dirfd < 0)
			continue;
		if (reply->nfds >= IPC_MAX_FDS)
			return brig_err_set(err, EMFILE, "cgroup prepare: too many hierarchies");
		fd = openat(l->h[i].dirfd, "tasks", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return brig_err_set(err, errno, "%s: open tasks", l->h[i].mnt);
		reply->fds[reply->nfds++] = fd;
		out->n_tasks++;
	}
	return 0;
}

/* The reply of PREPARE and ENTER: a memfd with OUT first, then the entry
 * fds already in REPLY (slot 0 reserved). */
static int
reply_entry(const struct cg_created *out, struct helper_reply *reply)
{
	struct ipc_writer w;
	int memfd;

	ipc_writer_init(&w);
	cgmsg_encode_created(&w, out);
	memfd = cgmsg_reply_memfd(&w, &reply->err);
	ipc_writer_free(&w);
	if (memfd < 0) {
		for (uint32_t i = 1; i < reply->nfds; i++)
			close(reply->fds[i]);
		reply->nfds = 0;
		return -1;
	}
	reply->fds[0] = memfd;
	return 0;
}

/* IPC_CGROUP_PREPARE: as CREATE, but before the init exists: make the
 * cgroup, write the resources, and hand back what lets the init enter it
 * without the global lock (see struct cg_created).  Anything made is
 * removed on failure. */
static int
handle_prepare(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct cg_created out = { 0 };
	struct call c;
	int ret;

	if (peer_is_root(&reply->err) < 0)
		return -1;
	ret = prepare(msg, &c, true, state, &reply->err);
	if (ret == 0)
		ret = cg_apply(&c.l, &c.req.res, true, &reply->err);
	out.depth = created_depth(&c.l);
	/* The memfd goes first: reserve its slot. */
	reply->nfds = 1;
	if (ret == 0)
		ret = entry_fds(&c.l, &out, reply, &reply->err);
	if (ret < 0) {
		struct brig_err ignored;
		for (uint32_t i = 1; i < reply->nfds; i++)
			close(reply->fds[i]);
		reply->nfds = 0;
		cg_layout_remove(&c.l, 0, &ignored);
		call_free(&c);
		return -1;
	}
	call_free(&c);
	return reply_entry(&out, reply);
}

/* IPC_CGROUP_ENTER: what lets a new process of an existing container
 * (brig exec) enter its cgroup, as PREPARE's reply; nothing is written. */
static int
handle_enter(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct cg_created out = { 0 };
	struct call c;
	int ret;

	if (peer_is_root(&reply->err) < 0)
		return -1;
	ret = prepare(msg, &c, false, state, &reply->err);
	reply->nfds = 1; /* the memfd's slot */
	if (ret == 0)
		ret = entry_fds(&c.l, &out, reply, &reply->err);
	call_free(&c);
	if (ret < 0) {
		for (uint32_t i = 1; i < reply->nfds; i++)
			close(reply->fds[i]);
		reply->nfds = 0;
		return -1;
	}
	return reply_entry(&out, reply);
}

/* IPC_CGROUP_UPDATE: write the resources again; nothing is created. */
static int
handle_update(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct call c;
	int ret;

	ret = prepare(msg, &c, false, state, &reply->err);
	if (ret == 0)
		ret = cg_apply(&c.l, &c.req.res, false, &reply->err);
	call_free(&c);
	return ret;
}

static int
handle_freeze(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct call c;
	int ret;

	ret = prepare(msg, &c, false, state, &reply->err);
	if (ret == 0)
		ret = cg_freeze(&c.l, msg->hdr.type == IPC_CGROUP_FREEZE, &reply->err);
	call_free(&c);
	return ret;
}

static int
handle_stats(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct call c;
	struct cg_stats s;
	struct ipc_writer w;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = prepare(msg, &c, false, state, &reply->err);
	if (ret == 0)
		ret = cg_stats(&c.l, &s, &reply->err);
	call_free(&c);
	if (ret < 0) {
		cgmsg_stats_free(&s);
		return -1;
	}
	ipc_writer_init(&w);
	cgmsg_encode_stats(&w, &s);
	cgmsg_stats_free(&s);
	return reply_with(reply, &w);
}

static int
handle_pids(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct call c;
	struct cg_pids_reply p = {0};
	struct ipc_writer w;
	int ret;

	ret = prepare(msg, &c, false, state, &reply->err);
	if (ret == 0)
		ret = cg_pids(&c.l, &p, &reply->err);
	call_free(&c);
	if (ret < 0) {
		cgmsg_pids_free(&p);
		return -1;
	}
	ipc_writer_init(&w);
	cgmsg_encode_pids(&w, &p);
	cgmsg_pids_free(&p);
	return reply_with(reply, &w);
}

static int
handle_kill(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct call c;
	int ret;

	ret = prepare(msg, &c, false, state, &reply->err);
	if (ret == 0)
		ret = cg_kill(&c.l, (int) c.req.signal, &reply->err);
	call_free(&c);
	return ret;
}

/* IPC_CGROUP_DELETE: rmdir what CREATE made (created_depth levels); a
 * cgroup already gone is no error, a joined one (depth 0) stays. */
static int
handle_delete(struct ipc_msg *msg, struct helper_reply *reply, void *state)
{
	struct call c;
	int ret;

	ret = prepare(msg, &c, false, state, &reply->err);
	if (ret < 0 && reply->err.errnum == ENOENT && c.l.ncomp > 0) {
		brig_err_clear(&reply->err);
		ret = 0;
	} else if (ret == 0) {
		ret = cg_layout_remove(&c.l, c.req.target.created_depth, &reply->err);
	}
	call_free(&c);
	return ret;
}

static const struct helper_op ops[] = {
    {IPC_CGROUP_CREATE, 1, handle_create}, {IPC_CGROUP_UPDATE, 0, handle_update},
    {IPC_CGROUP_PREPARE, 0, handle_prepare}, {IPC_CGROUP_ENTER, 0, handle_enter},
    {IPC_CGROUP_FREEZE, 0, handle_freeze}, {IPC_CGROUP_THAW, 0, handle_freeze},
    {IPC_CGROUP_STATS, 0, handle_stats},   {IPC_CGROUP_PIDS, 0, handle_pids},
    {IPC_CGROUP_KILL, 0, handle_kill},     {IPC_CGROUP_DELETE, 0, handle_delete},
};

int
main(void)
{
	struct brig_err err;

	struct cg_user user;
	bool privileged;
	int status;

	helper_harden(NAME);
	/* Setuid, file capabilities, or root's own: a caller that is not
	 * root then gets only what the policy gives it (user.c). */
	privileged = helper_is_privileged_for_user() || geteuid() == 0;
	if (cg_caps_init(&err) < 0 || cg_user_init(&user, privileged, &err) < 0) {
		fprintf(stderr, NAME ": %s\n", err.msg);
		return 2;
	}
	/* Hold on to SIGPIPE's default: a dead front ends us. */
	status = helper_serve(NAME, ops, sizeof(ops) / sizeof(ops[0]), &user);
	cg_user_free(&user);
	return status;
}
