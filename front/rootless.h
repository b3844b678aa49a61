/* rootless.h - how brig runs without host root.
 *
 * Two cases, as runc and crun tell them apart:
 *  - brig's effective uid is not 0: the container needs a user namespace
 *    in which the user is root; its id maps are written directly when they
 *    map only the user's own ids, else by newuidmap/newgidmap (setuid, they
 *    check /etc/subuid and /etc/subgid).
 *  - brig is uid 0 inside a user namespace that maps only part of the host
 *    (rootless podman runs its runtime so): root there, but no mknod, no
 *    host cgroup writes, no sysfs mount without a network namespace of our
 *    own.
 */
#ifndef BRIG_FRONT_ROOTLESS_H
#define BRIG_FRONT_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "front/cli.h"
#include "front/config.h"
#include "lib/err.h"

/* Resolve --rootless (true, false, auto) and the state root's default:
 * $XDG_RUNTIME_DIR/brig when rootless with a non-zero euid (NULL when that
 * is unset: state_root_open then says what to do).  Sets
 * G->rootless_mode and G->nested_userns. */
int rootless_setup(struct brig_global *g, struct brig_err *err);

/* True when this process's user namespace maps less than the whole host
 * id range (a non-initial user namespace). */
bool rootless_in_partial_userns(void);

/* UID as the host sees it, through /proc/self/uid_map (the same number
 * outside any user namespace); UID itself where the map does not say. */
uid_t rootless_host_uid(uid_t uid);

/* True when the maps of a new user namespace can be written by this
 * process itself: it is privileged, or the maps name only its own uid
 * (and gid), once each. */
bool rootless_maps_direct(const struct config *cfg);

/* Write the id maps of PID's new user namespace with newuidmap and
 * newgidmap (called when rootless_maps_direct is false). */
int rootless_write_maps(pid_t pid, const struct config *cfg, struct brig_err *err);

#endif
