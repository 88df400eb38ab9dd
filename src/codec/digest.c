/*
 * MD5, SHA-1 and SHA-256, one-shot, for HTTP Digest (RFC 7616) and the
 * WebSocket accept key: here rather than behind src/io/tls.c's loader, so
 * that Digest and ws:// never map libcrypto.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"

static uint32_t
rol(uint32_t x, int n)
{
	return ((x << n) | (x >> (32 - n)));
}

static uint32_t
ror(uint32_t x, int n)
{
	return ((x >> n) | (x << (32 - n)));
}

/* The 32-bit word at p, big-endian (the SHAs') or little-endian (MD5's). */
static uint32_t
word(const unsigned char *p, int big_endian)
{
	if (big_endian)
		return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]);
	return ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0]);
}

/*
 * Pad the message as the three hashes do (0x80, zeros, the bit length;
 * little-endian for MD5) and call block() on each 64-byte block.
 */
static void
digest_blocks(const unsigned char *p, size_t len, int big_endian,
    void (*block)(uint32_t *, const unsigned char *), uint32_t *h)
{
	unsigned char	 tail[128];
	uint64_t	 bits = (uint64_t)len * 8;
	size_t		 i, rest, tlen;

	for (i = 0; i + 64 <= len; i += 64)
		block(h, p + i);
	rest = len - i;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p + i, rest);
	tail[rest] = 0x80;
	tlen = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[big_endian ? tlen - 1 - i : tlen - 8 + i] =
		    bits >> (8 * i);
	block(h, tail);
	if (tlen == 128)
		block(h, tail + 64);
}

static void
md5_block(uint32_t *h, const unsigned char *p)
{
	static const uint32_t	 k[64] = {
		0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf,
		0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af,
		0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e,
		0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
		0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6,
		0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
		0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
		0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
		0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
		0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97,
		0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d,
		0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
		0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
	};
	static const int	 r[16] = {
		7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21,
	};
	uint32_t		 m[16], a, b, c, d, f, t;
	int			 i, g;

	for (i = 0; i < 16; i++)
		m[i] = word(p + 4 * i, 0);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	for (i = 0; i < 64; i++) {
		if (i < 16) {
			f = (b & c) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & c);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
		}
		t = d;
		d = c;
		c = b;
		b = b + rol(a + f + k[i] + m[g], r[(i / 16) * 4 + i % 4]);
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

/* One 64-byte block of SHA-1 into state h. */
static void
sha1_block(uint32_t *h, const unsigned char *p)
{
	uint32_t	 w[80], a, b, c, d, e, f, k, t;
	int		 i;

	for (i = 0; i < 16; i++)
		w[i] = word(p + 4 * i, 1);
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void
sha256_block(uint32_t *h, const unsigned char *p)
{
	static const uint32_t	 k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
		0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
		0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
		0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
		0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
		0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
		0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
		0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
		0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
		0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
		0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
		0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
	};
	uint32_t		 w[64], v[8], s0, s1, t1, t2;
	int			 i;

	for (i = 0; i < 16; i++)
		w[i] = word(p + 4 * i, 1);
	for (i = 16; i < 64; i++) {
		s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		s1 = ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25);
		t1 = v[7] + s1 + ((v[4] & v[5]) ^ (~v[4] & v[6])) + k[i] + w[i];
		s0 = ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22);
		t2 = s0 + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

/* Each hash: its block, byte order, length and first state. */
static const struct {
	void		(*block)(uint32_t *, const unsigned char *);
	int		 big_endian;
	size_t		 len;
	uint32_t	 h[8];
} digests[] = {
	[DIGEST_MD5] = { md5_block, 0, 16, {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 } },
	[DIGEST_SHA1] = { sha1_block, 1, DIGEST_SHA1_LEN, {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 } },
	[DIGEST_SHA256] = { sha256_block, 1, 32, {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 } },
};

/*
 * The alg (DIGEST_*) hash of len bytes at p, in out: 16 bytes for MD5,
 * DIGEST_SHA1_LEN for SHA-1, 32 for SHA-256.
 */
void
digest(int alg, const void *p, size_t len, unsigned char *out)
{
	uint32_t	 h[8];
	size_t		 i;
	int		 be = digests[alg].big_endian;

	memcpy(h, digests[alg].h, sizeof(h));
	digest_blocks(p, len, be, digests[alg].block, h);
	for (i = 0; i < digests[alg].len; i++)
		out[i] = h[i / 4] >> (8 * (be ? 3 - i % 4 : i % 4));
}

/* The alg hash of s in lower-case hex, in out (DIGEST_HEX_MAX bytes). */
void
digest_hex(int alg, const char *s, char *out)
{
	unsigned char	 h[32];
	size_t		 i;

	digest(alg, s, strlen(s), h);
	for (i = 0; i < digests[alg].len; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}
