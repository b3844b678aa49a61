/* cgroupmsg_int.h - what cgroupmsg.c and cgroupmsg_reply.c share. */
#ifndef BRIG_IPC_CGROUPMSG_INT_H
#define BRIG_IPC_CGROUPMSG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/codec.h"
#include "lib/err.h"

/* Allocate an array of N entries of SIZE (one when N is 0, so that the
 * pointer says "decoded"); a failure makes the reader bad. */
void *cgmsg_get_array(struct ipc_reader *r, uint32_t *n, uint32_t max, size_t size);

/* "malformed WHAT: why" with EBADMSG; returns -1. */
int cgmsg_malformed(struct ipc_reader *r, const char *what, struct brig_err *err);

#endif
