/* sha256.c - SHA-256 as FIPS 180-4 describes it: a portable compression
 * function, and the x86 SHA extensions when the CPU has them. */
#include "lib/sha256.h"

#include <stdbool.h>
#include <string.h>

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t
sha_ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* The portable compression function, for N blocks at P.  The eight
 * working variables rotate by renaming (a round's output lands in the
 * slot the next round reads as its 'a' and 'e'), not by moving data. */
static void
sha_blocks_c(uint32_t h[8], const uint8_t *p, size_t n)
{
	for (; n > 0; n--, p += 64) {
		uint32_t w[64], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5],
				 g = h[6], k = h[7];

		for (unsigned i = 0; i < 16; i++)
			w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 |
			       (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
		for (unsigned i = 16; i < 64; i++) {
			uint32_t s0 = sha_ror(w[i - 15], 7) ^ sha_ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = sha_ror(w[i - 2], 17) ^ sha_ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		for (unsigned i = 0; i < 64; i++) {
			uint32_t s1 = sha_ror(e, 6) ^ sha_ror(e, 11) ^ sha_ror(e, 25);
			uint32_t ch = (e & f) ^ (~e & g);
			uint32_t t1 = k + s1 + ch + sha_k[i] + w[i];
			uint32_t s0 = sha_ror(a, 2) ^ sha_ror(a, 13) ^ sha_ror(a, 22);
			uint32_t maj = (a & b) ^ (a & c) ^ (b & c);

			k = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + s0 + maj;
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += k;
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#else
#include <cpuid.h>
#endif

#define SHA_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds: K+W for rounds I..I+3 are in MSG. */
#define SHA_NI_ROUNDS4(msg, i)                                                                  \
	do {                                                                                    \
		__m128i kw = _mm_add_epi32((msg), _mm_loadu_si128((const __m128i *) &sha_k[i])); \
		st1 = _mm_sha256rnds2_epu32(st1, st0, kw);                                       \
		st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(kw, 0x0e));             \
	} while (0)

/* The message schedule for the next four words: W[i..i+3] from the
 * previous sixteen, held as M0..M3 (oldest first). */
#define SHA_NI_SCHEDULE(m0, m1, m2, m3)                                            \
	do {                                                                       \
		m0 = _mm_sha256msg1_epu32(m0, m1);                                 \
		m0 = _mm_add_epi32(m0, _mm_alignr_epi8(m3, m2, 4));                \
		m0 = _mm_sha256msg2_epu32(m0, m3);                                 \
	} while (0)

/* The same compression with the CPU's SHA extensions (Intel's published
 * sequence): about ten times the portable speed, which matters because
 * the seccomp cache hashes ~20 KB on every `run` of a container with
 * a large profile. */
SHA_NI_TARGET static void
sha_blocks_ni(uint32_t h[8], const uint8_t *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i st0, st1, tmp;

	/* h[] as the instructions want it: ABEF and CDGH. */
	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &h[0]), 0xb1); /* CDAB */
	st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &h[4]), 0x1b); /* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);                                     /* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xf0);                                  /* CDGH */
	for (; n > 0; n--, p += 64) {
		__m128i save0 = st0, save1 = st1;
		__m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 0)), bswap);
		__m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16)), bswap);
		__m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 32)), bswap);
		__m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 48)), bswap);

		SHA_NI_ROUNDS4(m0, 0);
		SHA_NI_ROUNDS4(m1, 4);
		SHA_NI_ROUNDS4(m2, 8);
		SHA_NI_ROUNDS4(m3, 12);
		for (unsigned i = 16; i < 64; i += 16) {
			SHA_NI_SCHEDULE(m0, m1, m2, m3);
			SHA_NI_ROUNDS4(m0, i);
			SHA_NI_SCHEDULE(m1, m2, m3, m0);
			SHA_NI_ROUNDS4(m1, i + 4);
			SHA_NI_SCHEDULE(m2, m3, m0, m1);
			SHA_NI_ROUNDS4(m2, i + 8);
			SHA_NI_SCHEDULE(m3, m0, m1, m2);
			SHA_NI_ROUNDS4(m3, i + 12);
		}
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
	}
	/* Back to ABCD and EFGH. */
	tmp = _mm_shuffle_epi32(st0, 0x1b);                                     /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xb1);                                     /* DCHG */
	_mm_storeu_si128((__m128i *) &h[0], _mm_blend_epi16(tmp, st1, 0xf0)); /* DCBA */
	_mm_storeu_si128((__m128i *) &h[4], _mm_alignr_epi8(st1, tmp, 8));    /* HGFE */
}

/* glibc (2.33 and later) answers from what ld.so learnt at start-up;
 * executing cpuid here would be a VM exit each time (~10 us here). */
static bool
sha_cpu_has_ni(void)
{
#if __has_include(<sys/platform/x86.h>)
	return CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1);
#else
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return false;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
#endif
}

static void
sha_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	static int has_ni = -1;

	if (has_ni < 0)
		has_ni = sha_cpu_has_ni();
	if (has_ni)
		sha_blocks_ni(h, p, n);
	else
		sha_blocks_c(h, p, n);
}
#else
static void
sha_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	sha_blocks_c(h, p, n);
}
#endif

void
sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(s->h, iv, sizeof(iv));
	s->total = 0;
	s->used = 0;
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->total += len;
	if (s->used > 0) {
		size_t take = 64 - s->used < len ? 64 - s->used : len;

		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		len -= take;
		if (s->used < 64)
			return;
		sha_blocks(s->h, s->block, 1);
		s->used = 0;
	}
	sha_blocks(s->h, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(s->block, p, len);
	s->used = len;
}

void
sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
	uint64_t bits = s->total * 8;
	uint8_t pad[72] = {0x80};
	size_t npad = (s->used < 56 ? 56 : 120) - s->used;

	/* 0x80, zeros up to 56 mod 64, then the bit length big-endian. */
	for (unsigned i = 0; i < 8; i++)
		pad[npad + i] = (uint8_t) (bits >> (56 - 8 * i));
	sha256_update(s, pad, npad + 8);
	for (unsigned i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t) (s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t) (s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t) (s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t) s->h[i];
	}
}

void
sha256(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, out);
}

void
sha256_hex(const uint8_t digest[SHA256_LEN], char out[2 * SHA256_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * SHA256_LEN] = '\0';
}
