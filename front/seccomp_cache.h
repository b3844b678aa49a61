/* seccomp_cache.h - compiled seccomp programs kept under the state root.
 *
 * <root>/.seccomp-cache/<64 hex digits of the key>: a 48-byte header
 * (magic "BRIGSCC\n", u32 format version, u32 program length in bytes,
 * SHA-256 of the program) followed by the program.  Entries are written
 * to a temp file and renamed into place, checked in full before use (a
 * corrupt or truncated entry is removed and reported as a miss), and at
 * most SCCACHE_MAX of them are kept (the oldest by mtime goes first).
 * The directory name starts with a dot so that `list` never takes it
 * for a container and no container id can collide with it.
 */
#ifndef BRIG_FRONT_SECCOMP_CACHE_H
#define BRIG_FRONT_SECCOMP_CACHE_H

#include <stdint.h>

#include "lib/sha256.h"

#define SCCACHE_DIR ".seccomp-cache"
#define SCCACHE_MAX 64

/* Look KEY up under the state root ROOTFD.  Returns 1 with *INSNS
 * (malloc'd) and *N instructions on a hit, 0 on a miss (absent, or
 * corrupt and removed). */
int sccache_load(int rootfd, const uint8_t key[SHA256_LEN], void **insns, uint32_t *n);

/* Store N instructions under KEY.  Best effort: returns -1 (errno set)
 * when the entry could not be written, and the caller goes on without. */
int sccache_store(int rootfd, const uint8_t key[SHA256_LEN], const void *insns, uint32_t n);

#endif
