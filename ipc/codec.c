/* codec.c - bounds-checked encoding of payload fields. */
#include "ipc/codec.h"

#include <stdlib.h>
#include <string.h>

#include "ipc/wire.h"

#define IPC_STR_ABSENT 0xffffffffu

void
ipc_writer_init(struct ipc_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void
ipc_writer_free(struct ipc_writer *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

static void
put_bytes(struct ipc_writer *w, const void *p, size_t n)
{
	if (w->failed)
		return;
	if (n > IPC_MAX_PAYLOAD - w->len) {
		w->failed = true;
		return;
	}
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 512;
		uint8_t *nb;
		while (cap < w->len + n)
			cap *= 2;
		nb = realloc(w->buf, cap);
		if (nb == NULL) {
			w->failed = true;
			return;
		}
		w->buf = nb;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
ipc_put_u32(struct ipc_writer *w, uint32_t v)
{
	put_bytes(w, &v, sizeof(v));
}

void
ipc_put_u64(struct ipc_writer *w, uint64_t v)
{
	put_bytes(w, &v, sizeof(v));
}

void
ipc_put_i32(struct ipc_writer *w, int32_t v)
{
	put_bytes(w, &v, sizeof(v));
}

void
ipc_put_str(struct ipc_writer *w, const char *s)
{
	size_t n;

	if (s == NULL) {
		ipc_put_u32(w, IPC_STR_ABSENT);
		return;
	}
	n = strlen(s);
	if (n > IPC_STR_MAX) {
		w->failed = true;
		return;
	}
	ipc_put_u32(w, (uint32_t) n);
	put_bytes(w, s, n);
}

void
ipc_reader_init(struct ipc_reader *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->bad = false;
	r->why = NULL;
}

static int
fail(struct ipc_reader *r, const char *why)
{
	if (!r->bad) {
		r->bad = true;
		r->why = why;
	}
	return -1;
}

static int
get_bytes(struct ipc_reader *r, void *out, size_t n)
{
	if (r->bad)
		return -1;
	if (n > r->len - r->off)
		return fail(r, "field runs past the end of the message");
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return 0;
}

int
ipc_get_u32(struct ipc_reader *r, uint32_t *v)
{
	return get_bytes(r, v, sizeof(*v));
}

int
ipc_get_u64(struct ipc_reader *r, uint64_t *v)
{
	return get_bytes(r, v, sizeof(*v));
}

int
ipc_get_i32(struct ipc_reader *r, int32_t *v)
{
	return get_bytes(r, v, sizeof(*v));
}

int
ipc_get_str(struct ipc_reader *r, char **s, bool allow_null)
{
	uint32_t n;
	char *out;

	*s = NULL;
	if (ipc_get_u32(r, &n) < 0)
		return -1;
	if (n == IPC_STR_ABSENT)
		return allow_null ? 0 : fail(r, "required string is absent");
	if (n > IPC_STR_MAX)
		return fail(r, "string longer than the protocol allows");
	if (n > r->len - r->off)
		return fail(r, "string runs past the end of the message");
	if (memchr(r->p + r->off, '\0', n) != NULL)
		return fail(r, "string contains a NUL byte");
	out = malloc((size_t) n + 1);
	if (out == NULL)
		return fail(r, "out of memory");
	memcpy(out, r->p + r->off, n);
	out[n] = '\0';
	r->off += n;
	*s = out;
	return 0;
}

int
ipc_get_count(struct ipc_reader *r, uint32_t *n, uint32_t max)
{
	if (ipc_get_u32(r, n) < 0)
		return -1;
	if (*n > max)
		return fail(r, "list longer than the protocol allows");
	/* Every element takes at least 4 bytes: refuse counts the rest of the
	 * message cannot hold before anyone allocates for them. */
	if ((size_t) *n > (r->len - r->off) / 4)
		return fail(r, "list count larger than the message");
	return 0;
}

int
ipc_reader_end(struct ipc_reader *r)
{
	if (r->bad)
		return -1;
	if (r->off != r->len)
		return fail(r, "trailing bytes after the last field");
	return 0;
}
