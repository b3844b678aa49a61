/* plan_net.h - brig-net's part of create and delete.
 *
 * brig-net runs only for a container with network work beyond loopback
 * (the init brings lo up itself): linux.netDevices, or a veth asked by
 * the annotations
 *   run.brig.net.bridge   an existing bridge of brig's netns (required)
 *   run.brig.net.address  the container end's address, CIDR (optional)
 *   run.brig.net.gateway  default route via (optional, inside the subnet)
 * What it made is kept in the state (net_veth, net_devices) for delete.
 */
#ifndef BRIG_FRONT_PLAN_NET_H
#define BRIG_FRONT_PLAN_NET_H

#include <stdbool.h>

#include "front/container.h"

#define NET_ANN_BRIDGE "run.brig.net.bridge"
#define NET_ANN_ADDRESS "run.brig.net.address"
#define NET_ANN_GATEWAY "run.brig.net.gateway"

/* Whether CFG asks anything of brig-net. */
bool plan_net_wanted(const struct config *cfg);

/* The annotations' values, checked; names the annotation on error. */
int plan_net_check(const struct config *cfg, struct brig_err *err);

/* create: once the init is in its network namespace, before SYNC_READY.
 * Nothing is left on failure (brig-net undoes its own request). */
int ctr_net_setup(struct container *c, struct brig_err *err);

/* A failed create, before the init is killed: devices back, veth gone. */
void ctr_net_abort(struct container *c);

/* delete, while the init still lives: netDevices back to the host under
 * their own names (a virtual device would die with the netns). */
void ctr_net_return(struct brig_global *g, struct ctr_state *st);

/* delete: remove the veth's host end if it is still there. */
void ctr_net_release(struct brig_global *g, struct ctr_state *st);

#endif
