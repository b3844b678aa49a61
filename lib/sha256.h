/* sha256.h - SHA-256 (FIPS 180-4), small and dependency-free.
 *
 * Used to name and check entries of the seccomp compile cache; not for
 * anything that needs resistance to timing attacks. */
#ifndef BRIG_SHA256_H
#define BRIG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t block[64];
	size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);

/* One-shot digest of DATA. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

/* OUT gets 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_LEN], char out[2 * SHA256_LEN + 1]);

#endif
