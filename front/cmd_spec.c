/* cmd_spec.c - placeholder */
#include "front/cli.h"
int cmd_spec(struct brig_global *g, int argc, char **argv) { (void) g; (void) argc; (void) argv; return 1; }
