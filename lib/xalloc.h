/* xalloc.h - allocation that cannot fail silently.
 *
 * brig treats memory exhaustion as fatal (as crun's xmalloc does): the
 * process prints one line and exits 1, so callers never juggle NULL.
 */
#ifndef BRIG_XALLOC_H
#define BRIG_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
