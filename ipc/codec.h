/* codec.h - writing and reading the typed fields of a message payload.
 *
 * Writer: append fields to a growable buffer; a field that would push the
 * payload past IPC_MAX_PAYLOAD marks the writer failed (checked once at
 * the end).  Reader: every get checks the remaining length first; the first
 * failure makes the reader "bad" and every later get fail, so a decoder can
 * read a whole structure and check once.  Strings are length-prefixed, may
 * not contain NUL, and come out NUL-terminated.
 */
#ifndef BRIG_IPC_CODEC_H
#define BRIG_IPC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ipc_writer {
	uint8_t *buf;
	size_t len, cap;
	bool failed;
};

struct ipc_reader {
	const uint8_t *p;
	size_t len, off;
	bool bad;
	const char *why; /* first failure, for the error message */
};

void ipc_writer_init(struct ipc_writer *w);
void ipc_writer_free(struct ipc_writer *w);
void ipc_put_u32(struct ipc_writer *w, uint32_t v);
void ipc_put_u64(struct ipc_writer *w, uint64_t v);
void ipc_put_i32(struct ipc_writer *w, int32_t v);
/* S may be NULL: encoded as "absent" (length 0xffffffff). */
void ipc_put_str(struct ipc_writer *w, const char *s);

void ipc_reader_init(struct ipc_reader *r, const void *p, size_t len);
int ipc_get_u32(struct ipc_reader *r, uint32_t *v);
int ipc_get_u64(struct ipc_reader *r, uint64_t *v);
int ipc_get_i32(struct ipc_reader *r, int32_t *v);
/* *S is malloc'd (or NULL when absent and ALLOW_NULL); caller frees. */
int ipc_get_str(struct ipc_reader *r, char **s, bool allow_null);
/* Read a list count, refusing more than MAX entries. */
int ipc_get_count(struct ipc_reader *r, uint32_t *n, uint32_t max);
/* Succeeds only if nothing failed and every byte was consumed. */
int ipc_reader_end(struct ipc_reader *r);

#endif
