/* exec.h - `brig exec`: a new process in a running container. */
#ifndef BRIG_FRONT_EXEC_H
#define BRIG_FRONT_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "front/cli.h"
#include "front/config.h"

struct exec_opts {
	const char *id;
	const char *process_file; /* -p: a runtime-spec process object */
	char **args;              /* the command, when no -p */
	size_t n_args;
	const char *cwd;
	char **env; /* KEY=VALUE, replacing the same KEY */
	size_t n_env;
	bool has_user;
	uid_t uid;
	bool has_gid;
	gid_t gid;
	gid_t *add_gids;
	size_t n_add_gids;
	uint64_t add_caps; /* --cap: added to every capability set */
	bool tty, detach, no_new_privs;
	const char *pid_file, *console_socket;
	const char *label, *apparmor, *cgroup;
	int preserve_fds;
};

/* Start the process of O in container O->id and, unless detached, wait
 * for it.  Returns the exit code for brig (the process's own, or 128+N
 * when a signal N ended it), or -1 with ERR set when the process could
 * not be started. */
int exec_container(struct brig_global *g, const struct exec_opts *o, struct brig_err *err);

/* The process to run: the container's process from its bundle's
 * config.json with O's changes, or O's process file. */
int exec_build_process(const struct exec_opts *o, struct config *cfg, struct brig_err *err);

#endif
