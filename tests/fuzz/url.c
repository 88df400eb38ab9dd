/*
 * Fuzz target: proxy URLs (src/codec/url.c).  Any bytes are parsed
 * without a crash or a read past them; a URL that parses is written
 * again and parses back to the same hop, and what it says is sane.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_url	 u, again;
	const char		*errstr;
	char			*copy, out[PROXY_URL_MAX];
	int			 n;

	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	if (proxy_url_parse(copy, size, &u, &errstr) == -1) {
		if (errstr == NULL)
			abort();
		free(copy);
		return (0);
	}
	if (u.proto == PROXY_NONE || u.host[0] == '\0' ||
	    (u.has_pass && !u.has_user) || (u.has_user && u.user[0] == '\0'))
		abort();
	if (u.port[0] != '\0' && (atoi(u.port) < 1 || atoi(u.port) > 65535))
		abort();
	n = proxy_url_encode(out, sizeof(out), &u, 1);
	if (n > 0) {
		if (proxy_url_parse(out, n, &again, &errstr) == -1 ||
		    again.proto != u.proto || again.tls != u.tls ||
		    again.has_user != u.has_user ||
		    again.has_pass != u.has_pass ||
		    strcmp(again.user, u.user) != 0 ||
		    strcmp(again.pass, u.pass) != 0 ||
		    strcmp(again.host, u.host) != 0 ||
		    strcmp(again.port, u.port) != 0)
			abort();
	}
	free(copy);
	return (0);
}
