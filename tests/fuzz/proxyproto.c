/*
 * Fuzz target: PROXY protocol headers (src/codec/proxyproto.c).  Any bytes are
 * parsed without a crash or a read past them; a header that parses with
 * addresses is encoded again, in both versions, and each encoding parses
 * back to the same addresses.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* An IPv4 address mapped into IPv6 is encoded as IPv4, on purpose. */
static int
mapped(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)ss;

	return (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr));
}

static socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	return (ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxyproto_hdr	 h, again;
	unsigned char		*copy, out[PROXYPROTO_MAX];
	const char		*errstr;
	ssize_t			 n, m;
	int			 v;

	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	n = proxyproto_parse(copy, size, &h, &errstr);
	if (n == -1 && errstr == NULL)
		abort();
	if (n > 0 && (size_t)n <= size && h.family != AF_UNSPEC &&
	    !mapped(&h.src) && !mapped(&h.dst)) {
		for (v = PROXYPROTO_V1; v <= PROXYPROTO_V2; v++) {
			m = proxyproto_encode(out, sizeof(out), v,
			    (struct sockaddr *)&h.src,
			    (struct sockaddr *)&h.dst, &errstr);
			if (m <= 0 || proxyproto_parse(out, m, &again,
			    &errstr) != m || again.family != h.family ||
			    memcmp(&again.src, &h.src, sa_len(&h.src)) != 0 ||
			    memcmp(&again.dst, &h.dst, sa_len(&h.dst)) != 0)
				abort();
		}
	}
	free(copy);
	return (0);
}
