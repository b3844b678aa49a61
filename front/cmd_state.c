/* cmd_state.c - `brig state ID`: the runtime-spec state of a container. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/cmd_common.h"

int
cmd_state(struct brig_global *g, int argc, char **argv)
{
	struct ctr_state st;
	struct brig_err err;
	int rootfd, dirfd;
	char *json;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: brig state ID\n");
		return 0;
	}
	if (argc != 2) {
		brig_log_errorf("state: expects exactly one container id");
		return 1;
	}
	if (ctr_open(g, argv[1], &rootfd, &dirfd, &st, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	json = state_to_json(&st, state_status_name(st.status), true);
	printf("%s\n", json);
	free(json);
	state_free(&st);
	close(dirfd);
	close(rootfd);
	return 0;
}
