/*
 * MD5, SHA-1 and SHA-256, one-shot, for HTTP Digest (RFC 7616) and the
 * WebSocket accept key: libmd's (libbsd's own dependency, so mapped in any
 * case) rather than libcrypto's behind src/io/tls.c's loader, so that
 * Digest and ws:// never map libcrypto.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <md5.h>
#include <sha1.h>
#include <sha2.h>
#include <stdint.h>
#include <string.h>

#include "codec.h"

/*
 * The alg (DIGEST_*) hash of len bytes at p, in out: 16 bytes for MD5,
 * DIGEST_SHA1_LEN for SHA-1, 32 for SHA-256.
 */
void
digest(int alg, const void *p, size_t len, unsigned char *out)
{
	MD5_CTX		 md5;
	SHA1_CTX	 sha1;
	SHA2_CTX	 sha256;

	switch (alg) {
	case DIGEST_MD5:
		MD5Init(&md5);
		MD5Update(&md5, p, len);
		MD5Final(out, &md5);
		break;
	case DIGEST_SHA1:
		SHA1Init(&sha1);
		SHA1Update(&sha1, p, len);
		SHA1Final(out, &sha1);
		break;
	default:
		SHA256Init(&sha256);
		SHA256Update(&sha256, p, len);
		SHA256Final(out, &sha256);
		break;
	}
}

/*
 * The alg hash of s in lower-case hex, in out (DIGEST_HEX_MAX bytes):
 * DIGEST_MD5 or DIGEST_SHA256, Digest's two (SHA-1 is wanted raw alone).
 */
void
digest_hex(int alg, const char *s, char *out)
{
	if (alg == DIGEST_MD5)
		(void)MD5Data((const uint8_t *)s, strlen(s), out);
	else
		(void)SHA256Data((const uint8_t *)s, strlen(s), out);
}
