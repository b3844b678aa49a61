/* cmd_create.c - `brig create`: set a container up; it waits for start. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/cmd_common.h"
#include "front/container.h"

static void
create_usage(FILE *f)
{
	fprintf(f, "usage: brig create [options] ID\n"
		   "  -b, --bundle DIR       bundle directory (default: current directory)\n"
		   "      --pid-file FILE    write the init's pid to FILE\n"
		   "      --console-socket S unix socket that receives the terminal master\n"
		   "      --no-pivot         use move + chroot instead of pivot_root\n"
		   "      --no-new-keyring   keep the caller's session keyring\n"
		   "      --preserve-fds N   pass N fds after stdio to the process\n");
}

int
cmd_create(struct brig_global *g, int argc, char **argv)
{
	struct create_opts o = { 0 };
	struct container c;
	struct brig_err err;

	if (parse_create_opts(argc, argv, &o, false, NULL, create_usage) < 0)
		return 1;
	if (create_fill_preserved(&o, &err) < 0 || container_create(&c, g, &o, &err) < 0) {
		brig_log_error(&err);
		return 1;
	}
	container_release(&c);
	return 0;
}
