/* stubs.c - temporary: commands not yet written. */
#include "front/cli.h"
#define STUB(n) int cmd_##n(struct brig_global *g, int argc, char **argv) { (void) g; (void) argc; (void) argv; brig_log_errorf("%s: not implemented yet", #n); return 1; }
STUB(create) STUB(start) STUB(run) STUB(state) STUB(kill) STUB(delete) STUB(list)
