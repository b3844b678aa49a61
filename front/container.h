/* container.h - one container being created, started or run.
 *
 * create.c drives the creation (state dir, helpers, init, hooks) and
 * init.c is the code the container's init runs between clone and exec.
 * The front and the init talk over a SOCK_SEQPACKET socketpair with the
 * small fixed messages of struct sync_msg.
 */
#ifndef BRIG_FRONT_CONTAINER_H
#define BRIG_FRONT_CONTAINER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "front/cli.h"
#include "front/config.h"
#include "front/plan_cgroup.h"
#include "front/seccomp.h"
#include "front/state.h"
#include "ipc/spawn.h"
#include "lib/err.h"

struct create_opts {
	const char *id;
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool run_mode; /* `run`: no exec fifo, the front stays the parent */
	bool detach;   /* `run -d` */
	bool has_saved_mask;
	sigset_t saved_mask; /* run: the mask to restore in the init before exec */
};

enum sync_type {
	SYNC_MAPPED = 1, /* front -> init: uid/gid maps of its new user namespace written */
	SYNC_EARLY,      /* init -> front: namespaces joined, hostname, lo, sysctl done */
	SYNC_CHDIR,      /* front -> init (--no-pivot): chdir into the rootfs mount */
	SYNC_CHDIR_DONE, /* init -> front */
	SYNC_MOUNTED,    /* front -> init: brig-mount finished, root is the container's */
	SYNC_READY,      /* init -> front: set up, executable found */
	SYNC_COMMIT,     /* front -> init: state written; payload: state JSON for hooks */
	SYNC_GO,         /* front -> init (run): exec now */
	SYNC_ERROR,      /* init -> front: payload is the error message */
	SYNC_LISTENER,   /* init -> front: the seccomp listener fd (SCM_RIGHTS) */
	SYNC_CONSOLE,    /* init -> front: the pty master of process.terminal (SCM_RIGHTS) */
};

#define SYNC_PAYLOAD_MAX 8192

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	char payload[SYNC_PAYLOAD_MAX];
};

struct container {
	struct brig_global *g;
	const struct create_opts *opts;
	struct config *cfg;
	char *bundle;      /* absolute */
	char *rootfs;      /* absolute */
	int state_rootfd;  /* O_PATH of the state root */
	int dirfd;         /* locked state directory */
	struct ctr_state st;
	int ns_fds[CFG_NS_COUNT]; /* namespaces joined by path, -1 otherwise */
	unsigned long clone_flags;
	pid_t pid;
	int pidfd;
	int sync_fd;  /* front's end */
	int init_fd;  /* init's end (closed in the front after clone) */
	int fifo_fd;  /* exec fifo, O_RDWR, for the init */
	struct ipc_helper mount;
	struct cg_session cg; /* brig-cgroup, when cg_active */
	bool cg_active;       /* a session is open */
	struct cg_entry cg_entry; /* the init's way into its cgroup */
	char *exec_path; /* resolved in the init */
	struct seccomp_prog seccomp; /* compiled before the clone; the init installs it */
	int listener_fd;             /* init: SCMP_ACT_NOTIFY listener, -1 otherwise */
	int console_master;          /* run in the foreground with a terminal: the pty master */
	bool is_vm;                  /* the VM handler (create_vm.c) */
	struct ipc_helper vm;        /* brig-vm, until it is the container's monitor */
	int release_wr;              /* run under the VM handler: one byte starts the process */
};

/* Create the container described by O (front side); on success the init
 * waits for start (create) or for container_go() (run). On failure
 * nothing is left: no process, state directory, or mount. */
int container_create(struct container *c, struct brig_global *g, const struct create_opts *o,
		     struct brig_err *err);

/* run: let the init exec, then run poststart hooks. */
int container_go(struct container *c, struct brig_err *err);

/* Undo a create that failed halfway (kill init, remove state). */
void container_abort(struct container *c);

/* Release memory and fds of C (not the container itself). */
void container_release(struct container *c);

/* create_cgroup.c: brig-cgroup's part of create (see there). */
int ctr_cgroup_begin(struct container *c, struct brig_err *err);
int ctr_cgroup_attach(struct container *c, struct brig_err *err);
void ctr_cgroup_abort(struct container *c);
void ctr_cgroup_end(struct container *c);

/* prestart and createRuntime hooks; the config copy start and delete
 * read the other hooks from. */
int ctr_run_runtime_hooks(struct container *c, struct brig_err *err);
int ctr_keep_config_copy(struct container *c, int bundlefd, struct brig_err *err);

/* create: exec.fifo, which start writes (c->fifo_fd, O_RDWR); run: none. */
int ctr_make_exec_fifo(struct container *c, struct brig_err *err);

/* The state fields every container has (id, bundle, created, ...). */
void ctr_fill_state(struct container *c);

/* create_vm.c: the VM handler.  Whether CFG (or --handler) asks for it;
 * the create after the config is loaded and the state directory made;
 * run's release of the process. */
int vm_handler_wanted(const struct brig_global *g, const struct config *cfg, bool *vm,
		      struct brig_err *err);
int vm_create(struct container *c, int bundlefd, struct brig_err *err);
int vm_go(struct container *c, struct brig_err *err);

/* The init's side: never returns. */
void init_main(struct container *c) __attribute__((noreturn));

/* sync helpers (sync.c) */
int sync_send(int fd, uint32_t type, const char *payload);
int sync_send_error(int fd, const struct brig_err *err);
/* A message carrying one fd (SYNC_LISTENER). */
int sync_send_fd(int fd, uint32_t type, int passed);
/* Wait for a message of type WANT carrying one fd; *PASSED gets it. */
int sync_expect_fd(int fd, uint32_t want, int *passed, struct brig_err *err);
/* Wait for a message of type WANT; SYNC_ERROR from the peer becomes ERR. */
int sync_expect(int fd, uint32_t want, struct sync_msg *msg, struct brig_err *err);

#endif
