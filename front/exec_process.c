/* exec_process.c - the process `brig exec` runs.
 *
 * As runc does: with -p FILE the process is that runtime-spec process
 * object; otherwise it is the container's own process from its bundle's
 * config.json (user, capabilities, rlimits, env, no_new_privs) with the
 * command line's changes: the args, --env, --cwd, --user,
 * --additional-gids, --cap, --no-new-privs, --tty.
 */
#include "front/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/xalloc.h"

#define PROCESS_FILE_MAX (1024 * 1024)

static int
read_file(const char *path, char **buf, size_t *len, struct brig_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *b;

	if (fd < 0)
		return brig_err_set(err, errno, "--process %s", path);
	b = xmalloc(cap + 1);
	for (;;) {
		ssize_t r;
		if (n == cap) {
			if (cap >= PROCESS_FILE_MAX) {
				free(b);
				return brig_err_set(err, 0, "--process %s: larger than %u bytes",
						    path, PROCESS_FILE_MAX);
			}
			cap *= 2;
			b = xrealloc(b, cap + 1);
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return brig_err_set(err, errno, "--process %s", path);
		}
		if (r == 0)
			break;
		n += (size_t) r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static int
load_process_file(const char *path, struct cfg_process *out, struct brig_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;

	if (read_file(path, &buf, &len, err) < 0)
		return -1;
	if (config_parse_process(buf, len, out, err) < 0)
		return brig_err_wrap(err, "--process %s", path);
	return 0;
}

static bool
same_key(const char *a, const char *b)
{
	size_t ka = strcspn(a, "="), kb = strcspn(b, "=");
	return ka == kb && strncmp(a, b, ka) == 0;
}

/* --env KEY=VALUE replaces KEY's entry or is appended. */
static void
apply_env(struct cfg_strv *env, char *const *add, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < env->n; j++)
			if (same_key(env->v[j], add[i]))
				break;
		if (j == env->n) {
			env->v = xrealloc(env->v, (env->n + 1) * sizeof(char *));
			env->v[env->n++] = NULL;
		}
		free(env->v[j]);
		env->v[j] = xstrdup(add[i]);
	}
}

static void
replace_args(struct cfg_strv *args, char *const *v, size_t n)
{
	for (size_t i = 0; i < args->n; i++)
		free(args->v[i]);
	free(args->v);
	args->v = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		args->v[i] = xstrdup(v[i]);
	args->n = n;
}

static void
apply_user(const struct exec_opts *o, struct cfg_user *u)
{
	if (o->has_user) {
		u->uid = o->uid;
		u->gid = o->has_gid ? o->gid : 0;
	}
	if (o->n_add_gids > 0) {
		free(u->additional_gids);
		u->additional_gids = xcalloc(o->n_add_gids, sizeof(gid_t));
		memcpy(u->additional_gids, o->add_gids, o->n_add_gids * sizeof(gid_t));
		u->n_additional_gids = o->n_add_gids;
	}
}

int
exec_build_process(const struct exec_opts *o, struct config *cfg, struct brig_err *err)
{
	struct cfg_process *p = &cfg->process;

	if (o->process_file != NULL) {
		struct cfg_process file;
		if (load_process_file(o->process_file, &file, err) < 0)
			return -1;
		config_free_process(p);
		*p = file;
	} else {
		if (o->n_args == 0)
			return brig_err_set(err, 0, "exec: no command: give one after the "
						    "container id, or --process FILE");
		replace_args(&p->args, o->args, o->n_args);
	}
	apply_env(&p->env, o->env, o->n_env);
	if (o->cwd != NULL) {
		if (o->cwd[0] != '/')
			return brig_err_set(err, 0, "--cwd %s: not an absolute path", o->cwd);
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	apply_user(o, &p->user);
	/* Not inheritable nor ambient: a process given an inheritable cap
	 * could regain it through a file's inheritable caps after dropping it
	 * (runc's CVE-2022-29162 fix does the same). */
	p->caps.bounding |= o->add_caps;
	p->caps.effective |= o->add_caps;
	p->caps.permitted |= o->add_caps;
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->tty)
		p->terminal = true;
	/* As for create, a profile or label in a config is not applied (brig
	 * has neither LSM); asked for on the command line, it is an error. */
	if (o->apparmor && *o->apparmor)
		return brig_err_set(err, 0, "--apparmor: AppArmor profiles are not supported "
					    "by brig");
	if (o->label && *o->label)
		return brig_err_set(err, 0, "--process-label: SELinux labels are not supported "
					    "by brig");
	return 0;
}
