/* rootless.c - the few decisions that differ without host root (see
 * rootless.h). */
#include "front/rootless.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/xalloc.h"

bool
rootless_in_partial_userns(void)
{
	char buf[256];
	unsigned long inside, outside, count;
	cleanup_close int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* The initial namespace's map is exactly "0 0 4294967295". */
	if (sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return true;
	return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

uid_t
rootless_host_uid(uid_t uid)
{
	cleanup_fclose FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	while (f != NULL && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		if (uid >= inside && uid - inside < count)
			return (uid_t) (outside + (uid - inside));
	return uid;
}

static int
parse_mode(const char *v, int *mode, struct brig_err *err)
{
	if (v == NULL || strcmp(v, "auto") == 0)
		*mode = -1;
	else if (strcmp(v, "true") == 0)
		*mode = 1;
	else if (strcmp(v, "false") == 0)
		*mode = 0;
	else
		return brig_err_set(err, 0, "--rootless: \"%s\" is not true, false or auto", v);
	return 0;
}

int
rootless_setup(struct brig_global *g, struct brig_err *err)
{
	int mode;
	const char *xdg;

	if (parse_mode(g->rootless, &mode, err) < 0)
		return -1;
	g->nested_userns = rootless_in_partial_userns();
	g->rootless_mode = mode == 1 || (mode == -1 && (geteuid() != 0 || g->nested_userns));
	if (g->root != NULL)
		return 0;
	/* uid 0 of the host: /run/brig.  uid 0 of a partial user namespace
	 * (rootless podman) cannot write there: $XDG_RUNTIME_DIR as for a
	 * user, when it is set. */
	if (!g->rootless_mode || (geteuid() == 0 && !g->nested_userns)) {
		g->root = "/run/brig";
		return 0;
	}
	/* Without XDG_RUNTIME_DIR the root stays NULL: state_root_open says
	 * so to the commands that keep state; spec, features, policy run. */
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg != NULL && xdg[0] == '/')
		g->root = xasprintf("%s/brig", xdg);
	else if (geteuid() == 0)
		g->root = "/run/brig";
	return 0;
}

static bool
map_is_own(const struct cfg_idmap *m, size_t n, unsigned own)
{
	return n == 1 && m[0].host_id == own && m[0].size == 1;
}

bool
rootless_maps_direct(const struct config *cfg)
{
	if (geteuid() == 0)
		return true;
	return map_is_own(cfg->linux.uid_mappings, cfg->linux.n_uid_mappings, geteuid()) &&
	       map_is_own(cfg->linux.gid_mappings, cfg->linux.n_gid_mappings, getegid());
}

/* newuidmap PID inside outside count ...: argv built from the maps. */
static char **
map_argv(const char *prog, pid_t pid, const struct cfg_idmap *m, size_t n)
{
	char **argv = xcalloc(3 + 3 * n, sizeof(char *));
	size_t a = 0;

	argv[a++] = xstrdup(prog);
	argv[a++] = xasprintf("%d", (int) pid);
	for (size_t i = 0; i < n; i++) {
		argv[a++] = xasprintf("%u", m[i].container_id);
		argv[a++] = xasprintf("%u", m[i].host_id);
		argv[a++] = xasprintf("%u", m[i].size);
	}
	return argv;
}

static void
argv_free(char **argv)
{
	for (size_t i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Run PROG (found in PATH, as runc and crun do) and wait for it.  Its
 * stderr is ours, so shadow's own message ("newuidmap: uid range [..) ->
 * [..) not allowed") reaches the user.  posix_spawn: a vfork, never a
 * copy of the front. */
static int
run_map_tool(const char *prog, pid_t pid, const struct cfg_idmap *m, size_t n, const char *field,
             struct brig_err *err)
{
	extern char **environ;
	char **argv = map_argv(prog, pid, m, n);
	pid_t child;
	int status, ret;

	ret = posix_spawnp(&child, prog, NULL, NULL, argv, environ);
	argv_free(argv);
	if (ret != 0)
		return brig_err_set(err, ret, "config.json: %s: run %s (install the uidmap "
					      "package)", field, prog);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return brig_err_set(err, errno, "wait for %s", prog);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return brig_err_set(err, 0, "config.json: %s: %s failed (each range must be "
					    "the user's own id or in /etc/%s)",
				    field, prog, prog[3] == 'u' ? "subuid" : "subgid");
	return 0;
}

int
rootless_write_maps(pid_t pid, const struct config *cfg, struct brig_err *err)
{
	if (run_map_tool("newuidmap", pid, cfg->linux.uid_mappings, cfg->linux.n_uid_mappings,
	                 "linux.uidMappings", err) < 0)
		return -1;
	return run_map_tool("newgidmap", pid, cfg->linux.gid_mappings,
	                    cfg->linux.n_gid_mappings, "linux.gidMappings", err);
}
