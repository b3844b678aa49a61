/* plan_mount.h - turn a parsed config into brig-mount's plan. */
#ifndef BRIG_FRONT_PLAN_MOUNT_H
#define BRIG_FRONT_PLAN_MOUNT_H

#include "front/container.h"
#include "ipc/mountplan.h"

/* Fill P from C->cfg (bundle-relative bind sources made absolute, the
 * default devices added).  Strings in P point into C or are owned by P's
 * own allocations; free with plan_mount_free(). */
int plan_mount_build(const struct container *c, struct mount_plan *p, struct brig_err *err);
void plan_mount_free(struct mount_plan *p);

#endif
