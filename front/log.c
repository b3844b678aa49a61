/* log.c - where brig's messages go, and in which format.
 *
 * Errors always reach stderr as "brig: msg" (what a person at a terminal
 * reads).  With --log FILE they are also appended to FILE, and warnings
 * and debug lines go only there, in text or in the JSON-lines form
 * containerd's shim reads back:
 *   {"level":"error","msg":"...","time":"2026-11-24T03:36:37Z"}
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "front/cli.h"

static int log_fd = -1;
static enum brig_log_format log_format = BRIG_LOG_TEXT;
static bool log_debug;

void
brig_log_setup(struct brig_global *g)
{
	log_format = g->log_format;
	log_debug = g->debug;
	if (g->log_path != NULL && g->log_path[0] != '\0')
		log_fd = open(g->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

static void
json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char) *s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static void
log_line(const char *level, const char *msg)
{
	char tbuf[32];
	char *line = NULL;
	size_t len = 0;
	FILE *f;
	time_t now;
	struct tm tm;
	int saved = errno;

	if (log_fd < 0 || (f = open_memstream(&line, &len)) == NULL) {
		errno = saved;
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (log_format == BRIG_LOG_JSON) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level);
		json_escape(f, msg);
		fprintf(f, "\",\"time\":\"%s\"}\n", tbuf);
	} else {
		fprintf(f, "%s %s: %s\n", tbuf, level, msg);
	}
	fclose(f);
	if (write(log_fd, line, len) < 0) {
		/* Nowhere left to report a failing log. */
	}
	free(line);
	errno = saved;
}

static void __attribute__((format(printf, 3, 0)))
vlog(const char *level, bool to_stderr, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_line(level, msg);
	if (to_stderr)
		fprintf(stderr, "brig: %s%s\n", strcmp(level, "warning") == 0 ? "warning: " : "",
			msg);
}

void
brig_log_error(const struct brig_err *err)
{
	brig_log_errorf("%s", err->msg);
}

void
brig_log_errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error", true, fmt, ap);
	va_end(ap);
}

void
brig_log_warnf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* With --log, warnings go there only: an engine gives us the
	 * container's own stderr, and its logs must not carry ours. */
	vlog("warning", log_fd < 0, fmt, ap);
	va_end(ap);
}

void
brig_log_debugf(const char *fmt, ...)
{
	va_list ap;
	if (!log_debug)
		return;
	va_start(ap, fmt);
	vlog("debug", log_fd < 0, fmt, ap);
	va_end(ap);
}
