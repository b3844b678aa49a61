/* cmd_delete.c - `brig delete [--force] ID`.
 *
 * A stopped container is deleted; a created one is killed first (it never
 * ran); a running one only with --force.  The init's namespaces, and with
 * them every mount brig-mount made, go away when its last process dies.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "front/cmd_common.h"

static const struct option delete_options[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A state directory with no state.json is what a create interrupted
 * before its commit leaves: remove it. */
static int
delete_orphan(struct brig_global *g, const char *id, bool force)
{
	struct brig_err err;
	int rootfd = state_root_open(g->root, false, &err);
	int dirfd;

	if (rootfd < 0)
		return force ? 0 : -1;
	dirfd = state_dir_open(rootfd, id, &err);
	if (dirfd < 0) {
		close(rootfd);
		return force ? 0 : -1;
	}
	state_dir_remove(rootfd, dirfd, id);
	close(dirfd);
	close(rootfd);
	return 0;
}

int
cmd_delete(struct brig_global *g, int argc, char **argv)
{
	struct ctr_state st;
	struct brig_err err;
	bool force = false;
	int rootfd, dirfd, ch, ret = 0;

	while ((ch = getopt_long(argc, argv, "+fh", delete_options, NULL)) != -1) {
		if (ch == 'f')
			force = true;
		else {
			printf("usage: brig delete [--force] ID\n");
			return ch == 'h' ? 0 : 1;
		}
	}
	if (optind != argc - 1) {
		brig_log_errorf("delete: expects exactly one container id");
		return 1;
	}
	if (state_check_id(argv[optind], &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	if (ctr_open(g, argv[optind], &rootfd, &dirfd, &st, &err) < 0) {
		if (delete_orphan(g, argv[optind], force) == 0)
			return 0;
		brig_log_error(&err);
		return 1;
	}
	if (st.status == CTR_RUNNING && !force) {
		brig_log_errorf("cannot delete container \"%s\" that is not stopped: running "
				"(use --force)",
				st.id);
		ret = 1;
	} else {
		if (st.status != CTR_STOPPED)
			ctr_kill_and_wait(g, &st, NULL);
		ctr_destroy(g, rootfd, dirfd, &st, NULL);
	}
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return ret;
}
