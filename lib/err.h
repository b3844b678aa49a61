/* err.h - the one error type of brig.
 *
 * As in crun: a function that fails fills a caller-supplied struct brig_err
 * and returns a negative number; callers propagate with
 * `if (ret < 0) return ret;` and may add context on the way up with
 * brig_err_wrap().  The user finally sees "brig: <context>: <what>: <why>".
 * No allocation: the message lives in a fixed buffer, so an error can be
 * reported even when memory is exhausted.
 */
#ifndef BRIG_ERR_H
#define BRIG_ERR_H

#include <stddef.h>

#define BRIG_ERR_MSG_MAX 1024

struct brig_err {
	int errnum;                 /* errno value, 0 when not a system error */
	char msg[BRIG_ERR_MSG_MAX]; /* human-readable, without "brig: " */
};

/* Set ERR from a format; ERRNUM (an errno or 0) is appended as ": strerror".
 * Always returns -1 so that `return brig_err_set(...)` reads naturally. */
int brig_err_set(struct brig_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix ERR's message with context: "context: old message".  Returns -1. */
int brig_err_wrap(struct brig_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset ERR to "no error". */
void brig_err_clear(struct brig_err *err);

#endif
