/* cleanup.h - scope-bound release of resources, as crun and systemd do.
 *
 * `cleanup_free char *s = ...;` frees S when it goes out of scope;
 * `cleanup_close int fd = -1;` closes FD (keeping errno).  Hand a resource
 * over explicitly with `ret = fd; fd = -1;` or steal_ptr().
 */
#ifndef BRIG_CLEANUP_H
#define BRIG_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
cleanup_free_fn(void *p)
{
	free(*(void **) p);
}

static inline void
cleanup_close_fn(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void
cleanup_fclose_fn(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

#define cleanup_free __attribute__((cleanup(cleanup_free_fn)))
#define cleanup_close __attribute__((cleanup(cleanup_close_fn)))
#define cleanup_fclose __attribute__((cleanup(cleanup_fclose_fn)))

static inline void *
steal_ptr_impl(void **pp)
{
	void *p = *pp;
	*pp = NULL;
	return p;
}
#define steal_ptr(pp) steal_ptr_impl((void **) (pp))

static inline int
steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

#endif
