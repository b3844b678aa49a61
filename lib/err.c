/* err.c - building and wrapping struct brig_err messages. */
#include "lib/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
brig_err_set(struct brig_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	(void) n;
	if (errnum != 0) {
		/* Append ": strerror", cut to fit. */
		size_t used = strlen(err->msg);
		const char *why = strerror(errnum);
		size_t wl = strlen(why);
		if (used + 2 < sizeof(err->msg)) {
			memcpy(err->msg + used, ": ", 2);
			used += 2;
			if (wl > sizeof(err->msg) - 1 - used)
				wl = sizeof(err->msg) - 1 - used;
			memcpy(err->msg + used, why, wl);
			err->msg[used + wl] = '\0';
		}
	}
	err->errnum = errnum;
	return -1;
}

int
brig_err_wrap(struct brig_err *err, const char *fmt, ...)
{
	char prefix[BRIG_ERR_MSG_MAX];
	char old[BRIG_ERR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Build "prefix: old" by hand, cutting at the buffer's end. */
	{
		size_t pl = strnlen(prefix, sizeof(err->msg) - 3);
		size_t ol = strnlen(old, sizeof(old));
		memcpy(err->msg, prefix, pl);
		memcpy(err->msg + pl, ": ", 2);
		if (ol > sizeof(err->msg) - 1 - pl - 2)
			ol = sizeof(err->msg) - 1 - pl - 2;
		memcpy(err->msg + pl + 2, old, ol);
		err->msg[pl + 2 + ol] = '\0';
	}
	return -1;
}

void
brig_err_clear(struct brig_err *err)
{
	if (err == NULL)
		return;
	err->errnum = 0;
	err->msg[0] = '\0';
}
