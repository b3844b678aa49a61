/* init_process.c - the container process's own attributes, set by the init
 * on itself after brig-mount has built its root. */
#include "front/init_process.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/hooks.h"
#include "front/seccomp.h"
#include "front/waiter.h"
#include "lib/xalloc.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int
set_rlimits(const struct cfg_process *p, struct brig_err *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return brig_err_set(err, errno, "config.json: process.rlimits[%zu]: %s", i,
					    p->rlimits[i].type);
	}
	return 0;
}

static int
join_session_keyring(const struct container *c, struct brig_err *err)
{
	if (c->opts->no_new_keyring)
		return 0;
	/* A fresh session keyring named after the container, as runc does,
	 * so containers never share the host's keys. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, c->opts->id) < 0 && errno != ENOSYS)
		return brig_err_set(err, errno, "join a new session keyring");
	return 0;
}

static int
set_personality(const struct config *cfg, struct brig_err *err)
{
	if (!cfg->linux.has_personality)
		return 0;
	if (personality(cfg->linux.personality) < 0)
		return brig_err_set(err, errno, "config.json: linux.personality");
	return 0;
}

static void
caps_fill(const struct cfg_caps *caps)
{
	static const struct {
		capng_type_t type;
		size_t off;
	} sets[] = {
		{ CAPNG_EFFECTIVE, offsetof(struct cfg_caps, effective) },
		{ CAPNG_PERMITTED, offsetof(struct cfg_caps, permitted) },
		{ CAPNG_INHERITABLE, offsetof(struct cfg_caps, inheritable) },
		{ CAPNG_BOUNDING_SET, offsetof(struct cfg_caps, bounding) },
		{ CAPNG_AMBIENT, offsetof(struct cfg_caps, ambient) },
	};

	capng_clear(CAPNG_SELECT_ALL);
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		uint64_t mask;
		memcpy(&mask, (const char *) caps + sets[s].off, sizeof(mask));
		for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++)
			if (mask & (1ull << cap))
				capng_update(CAPNG_ADD, sets[s].type, cap);
	}
}

static int
change_ids(const struct cfg_user *u, bool keep_caps, struct brig_err *err)
{
	/* A rootless user namespace may have setgroups denied (rootless.c);
	 * with no additional gids there is nothing to set, as runc does. */
	if (setgroups(u->n_additional_gids, u->additional_gids) < 0 &&
	    !(errno == EPERM && u->n_additional_gids == 0))
		return brig_err_set(err, errno, "config.json: process.user.additionalGids");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return brig_err_set(err, errno, "config.json: process.user.gid: %u", u->gid);
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return brig_err_set(err, errno, "keep capabilities across setuid");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return brig_err_set(err, errno, "config.json: process.user.uid: %u", u->uid);
	if (keep_caps)
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return 0;
}

/* An ambient capability must also be permitted and inheritable; runc's
 * and crun's default configs list ambient caps without inheritable ones,
 * and both skip those that cannot be raised.  So do we. */
static int
raise_ambient(uint64_t ambient, struct brig_err *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return brig_err_set(err, errno, "config.json: process.capabilities.ambient");
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (!(ambient & (1ull << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EPERM)
			return brig_err_set(err, errno, "config.json: process.capabilities.ambient");
	}
	return 0;
}

/* Bounding set first (needs CAP_SETPCAP, which the user change may drop),
 * then the ids, then the other four sets. */
static int
set_user_and_caps(const struct cfg_process *p, struct brig_err *err)
{
	/* No capabilities object means no capabilities (runc): the empty
	 * sets are applied like any others. */
	caps_fill(&p->caps);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return brig_err_set(err, errno, "config.json: process.capabilities.bounding");
	if (change_ids(&p->user, true, err) < 0)
		return -1;
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return brig_err_set(err, errno, "config.json: process.capabilities");
	return raise_ambient(p->caps.ambient, err);
}

/* runc creates a missing cwd (mode 0755).  We are inside the container's
 * root already, so every component resolves there. */
static void
make_cwd(const char *cwd)
{
	char buf[PATH_MAX];
	size_t len = strlen(cwd);

	if (len >= sizeof(buf))
		return;
	memcpy(buf, cwd, len + 1);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(buf, 0755);
		*s = '/';
	}
	mkdir(buf, 0755);
}

static int
enter_cwd(const struct cfg_process *p, struct brig_err *err)
{
	char buf[PATH_MAX];
	const char *cwd = p->cwd ? p->cwd : "/";

	if (chdir(cwd) < 0)
		return brig_err_set(err, errno, "config.json: process.cwd: \"%s\"", cwd);
	/* getcwd fails (ENOENT) or says "(unreachable)" when the directory
	 * is outside our root: never start a process there. */
	if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
		return brig_err_set(err, EPERM, "config.json: process.cwd: \"%s\" is outside the "
					      "container",
				    cwd);
	return 0;
}

static const char *
env_path(const struct cfg_process *p)
{
	for (size_t i = 0; i < p->env.n; i++)
		if (strncmp(p->env.v[i], "PATH=", 5) == 0)
			return p->env.v[i] + 5;
	return DEFAULT_PATH;
}

static bool
is_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if (!S_ISREG(st.st_mode)) {
		errno = EACCES;
		return false;
	}
	return access(path, X_OK) == 0;
}

/* "exec: NAME: why" in runc's (Go's) lowercase words: engines match them
 * (docker 20.10 turns "no such file or directory" into exit status 127,
 * "permission denied" into 126, and anything else into 125). */
static int
exec_error(struct brig_err *err, int errnum, const char *name)
{
	char why[128];

	snprintf(why, sizeof(why), "%s", strerror(errnum));
	if (why[0] >= 'A' && why[0] <= 'Z')
		why[0] = (char) (why[0] - 'A' + 'a');
	brig_err_set(err, 0, "exec: \"%s\": %s", name, why);
	if (err != NULL)
		err->errnum = errnum;
	return -1;
}

/* The executable is found at create time, so a missing one fails create
 * (as runc does), not the later start. */
static int
find_executable(struct container *c, struct brig_err *err)
{
	const char *name = c->cfg->process.args.v[0];
	const char *path;

	if (strchr(name, '/') != NULL) {
		if (!is_executable(name))
			return exec_error(err, errno, name);
		c->exec_path = xstrdup(name);
		return 0;
	}
	path = env_path(&c->cfg->process);
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t) (end - path) : strlen(path);
		char *cand = xasprintf("%.*s/%s", (int) len, len ? path : ".", name);
		if (is_executable(cand)) {
			c->exec_path = cand;
			return 0;
		}
		free(cand);
		path += len + (end ? 1 : 0);
	}
	return brig_err_set(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

/* Preserved fds must survive exec; everything else of ours must not. */
static int
prepare_fds(struct container *c, struct brig_err *err)
{
	int n = c->opts->preserve_fds;
	const char *lf = getenv("LISTEN_FDS");

	if (lf != NULL && atoi(lf) > 0)
		n += atoi(lf);
	for (int fd = 3; fd < 3 + n; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return brig_err_set(err, errno, "--preserve-fds: fd %d", fd);
	}
	return 0;
}

static int
install_seccomp(struct container *c, struct brig_err *err)
{
	c->listener_fd = -1;
	if (!c->cfg->linux.seccomp.present)
		return 0;
	return seccomp_install(&c->seccomp, &c->cfg->linux.seccomp, &c->listener_fd, err);
}

int
init_process_setup(struct container *c, struct brig_err *err)
{
	const struct cfg_process *p = &c->cfg->process;

	if (set_rlimits(p, err) < 0 || set_personality(c->cfg, err) < 0 ||
	    join_session_keyring(c, err) < 0)
		return -1;
	/* Without process.user.umask the caller's umask stays, as in runc. */
	if (p->user.has_umask)
		umask(p->user.umask);
	/* Made while still root, as runc does. */
	if (p->cwd != NULL && access(p->cwd, F_OK) < 0 && errno == ENOENT)
		make_cwd(p->cwd);
	/* Without no_new_privs the kernel wants CAP_SYS_ADMIN for a filter:
	 * install it while we still have it (as runc does). */
	if (!p->no_new_privileges && install_seccomp(c, err) < 0)
		return -1;
	if (set_user_and_caps(p, err) < 0 || enter_cwd(p, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return brig_err_set(err, errno, "config.json: process.noNewPrivileges");
	if (find_executable(c, err) < 0 || prepare_fds(c, err) < 0)
		return -1;
	/* With no_new_privs: the very last step before exec. */
	return p->no_new_privileges ? install_seccomp(c, err) : 0;
}

/* The process's environment, plus LISTEN_FDS and LISTEN_PID=1 when brig
 * was socket-activated (runc does the same, so the fds it preserved are
 * recognised by the container's process). */
static char **
process_envp(const struct cfg_process *p)
{
	const char *lf = getenv("LISTEN_FDS");
	char **envp = xcalloc(p->env.n + 3, sizeof(char *));
	size_t n = 0;

	for (size_t i = 0; i < p->env.n; i++) {
		if (lf != NULL && (strncmp(p->env.v[i], "LISTEN_FDS=", 11) == 0 ||
				   strncmp(p->env.v[i], "LISTEN_PID=", 11) == 0))
			continue;
		envp[n++] = p->env.v[i];
	}
	if (lf != NULL && atoi(lf) > 0) {
		envp[n++] = xasprintf("LISTEN_FDS=%d", atoi(lf));
		envp[n++] = "LISTEN_PID=1";
	}
	return envp;
}

void
init_process_exec(struct container *c, struct brig_err *err)
{
	char **argv = strv_null_terminated(&c->cfg->process.args);

	/* Through brig-wait, never directly: see waiter.h. */
	waiter_exec(-1, c->exec_path, argv, process_envp(&c->cfg->process), err);
}

void
init_process_wait_and_exec(struct container *c, struct brig_err *err)
{
	char **argv = strv_null_terminated(&c->cfg->process.args);

	waiter_exec(c->fifo_fd, c->exec_path, argv, process_envp(&c->cfg->process), err);
}
