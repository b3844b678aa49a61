/* io.h - sending and receiving one message with its fds. */
#ifndef BRIG_IPC_IO_H
#define BRIG_IPC_IO_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/wire.h"
#include "lib/err.h"

struct ipc_msg {
	struct ipc_hdr hdr;
	uint8_t payload[IPC_MAX_PAYLOAD];
	int fds[IPC_MAX_FDS];
	uint32_t nfds;
};

/* Send one message.  Returns 0 or -1 with ERR set. */
int ipc_send(int sock, uint16_t type, uint32_t request_id, const void *payload,
	     size_t len, const int *fds, uint32_t nfds, struct brig_err *err);

/* Receive one message into MSG and check the envelope: size, magic,
 * version, declared payload length and fd count.  On any mismatch every
 * received fd is closed and -1 returned; 0 with MSG->hdr.type == 0 means
 * the peer closed the socket. */
int ipc_recv(int sock, struct ipc_msg *msg, struct brig_err *err);

/* Close the fds a message carried (those not taken by setting them -1). */
void ipc_msg_close_fds(struct ipc_msg *msg);

/* Send a reply: errno (0 for success) and a message. */
int ipc_reply(int sock, uint32_t request_id, int errnum, const char *message,
	      const int *fds, uint32_t nfds);

/* Send a request and wait for its reply; a reply with a non-zero errno
 * becomes ERR "HELPER: message".  Reply fds, if any, are stored in
 * REPLY_FDS (up to MAX_REPLY_FDS). */
int ipc_call(int sock, const char *helper, uint16_t type, const void *payload,
	     size_t len, const int *fds, uint32_t nfds, int *reply_fds,
	     uint32_t max_reply_fds, struct brig_err *err);

/* The two halves of ipc_call, so the front can have several helpers at
 * work at once: send now, collect the reply of request ID later. */
int ipc_call_send(int sock, const char *helper, uint16_t type, const void *payload, size_t len,
		  const int *fds, uint32_t nfds, uint32_t *id, struct brig_err *err);
int ipc_call_wait(int sock, const char *helper, uint32_t id, int *reply_fds,
		  uint32_t max_reply_fds, struct brig_err *err);

#endif
