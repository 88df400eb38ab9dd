/*
 * Fuzz target: what a front says of its client (src/codec/forwarded.c).
 * The first byte says which line the rest is the value of (odd:
 * Forwarded, even: X-Forwarded-For); any value is refused with a reason
 * or gives an IPv4 or IPv6 address of the right length, and the address
 * given, written again as the last element of either line after another,
 * reads back as itself.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* ss, as a node of either line: Forwarded's quoted with its port. */
static void
node(const struct sockaddr_storage *ss, int forwarded, char *out,
    size_t size)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)ss;
	char				 a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(out, size, forwarded ? "for=\"%s:%u\"" : "%s:%u", a,
		    ntohs(s4->sin_port));
	} else {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(out, size, forwarded ? "for=\"[%s]:%u\"" : "[%s]:%u",
		    a, ntohs(s6->sin6_port));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage	 ss, again;
	socklen_t		 len, len2;
	const char		*why = NULL;
	char			*value, *line, n[INET6_ADDRSTRLEN + 16];
	int			 fwd, way;

	if (size == 0)
		return (0);
	fwd = data[0] & 1;
	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((value = malloc(size)) == NULL)
		return (0);
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';
	if (forwarded_for(value, fwd, &ss, &len, &why) == -1) {
		if (why == NULL)
			abort();
		free(value);
		return (0);
	}
	if (len != (ss.ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : 0))
		abort();
	for (way = 0; way <= 1; way++) {
		node(&ss, way, n, sizeof(n));
		if (asprintf(&line, "%s, %s", way ? "for=192.0.2.1" :
		    "192.0.2.1", n) == -1)
			break;
		if (forwarded_for(line, way, &again, &len2, &why) == -1 ||
		    len2 != len || memcmp(&again, &ss, len) != 0)
			abort();
		free(line);
	}
	free(value);
	return (0);
}
