/* cmd_features.c - placeholder */
#include "front/cli.h"
int cmd_features(struct brig_global *g, int argc, char **argv) { (void) g; (void) argc; (void) argv; return 1; }
