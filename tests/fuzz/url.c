/*
 * Fuzz target: proxy URLs (src/codec/url.c).  Any bytes are parsed
 * without a crash or a read past them; a URL that parses is written
 * again (by the encoder here: sockcat writes none) and parses back to
 * the same hop, and what it says is sane.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Append s with what a URL's credentials cannot hold as %XX.  Returns -1
 * when it does not fit: a credential cut short is another one.
 */
static int
url_encode(char *out, size_t outlen, const char *s)
{
	size_t	 n = strlen(out);

	for (; *s != '\0'; s++) {
		if (n + 4 >= outlen)
			return (-1);
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL)
			out[n++] = *s;
		else
			n += snprintf(out + n, outlen - n, "%%%02X",
			    (unsigned char)*s);
	}
	out[n] = '\0';
	return (0);
}

/*
 * Write u back as a URL into out (size outlen), the password only with
 * secret (else it is left out, for a message).  Returns the length, or -1
 * if it does not fit.
 */
static int
proxy_url_encode(char *out, size_t outlen, const struct proxy_url *u,
    int secret)
{
	char	 buf[PROXY_URL_MAX];
	int	 n;

	snprintf(buf, sizeof(buf), "%s://", u->tls ? "https" :
	    url_proxy_scheme(u->proto));
	if (u->has_user) {
		if (url_encode(buf, sizeof(buf), u->user) == -1)
			return (-1);
		if (u->has_pass && secret) {
			strlcat(buf, ":", sizeof(buf));
			if (url_encode(buf, sizeof(buf), u->pass) == -1)
				return (-1);
		}
		strlcat(buf, "@", sizeof(buf));
	}
	n = snprintf(out, outlen, strchr(u->host, ':') != NULL ?
	    "%s[%s]%s%s" : "%s%s%s%s", buf, u->host,
	    u->port[0] != '\0' ? ":" : "", u->port);
	explicit_bzero(buf, sizeof(buf));
	if (n < 0 || (size_t)n >= outlen)
		return (-1);
	return (n);
}

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
	if (url_proxy_parse(copy, size, &u, &errstr) == -1) {
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
		if (url_proxy_parse(out, n, &again, &errstr) == -1 ||
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
