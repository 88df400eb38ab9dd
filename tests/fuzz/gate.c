/*
 * Fuzz target: --allow/--deny specs (gate_add), numeric ones only.  A spec
 * the parser would hand to the resolver (no slash, not an address) is
 * skipped, so the run never touches the network, and so is a list (a
 * comma), whose entries are specs of their own.  An accepted spec must
 * admit, as an allow rule, exactly the addresses a plain prefix comparison
 * says it covers: the spec's own address and a second address taken from
 * the input.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define SPEC_MAX	300

/* Does addr fall within net/bits?  The obvious, bit by bit way. */
static int
covers(const unsigned char *net, int bits, const unsigned char *addr)
{
	int	 i;

	for (i = 0; i < bits; i++) {
		if (((net[i / 8] ^ addr[i / 8]) >> (7 - i % 8)) & 1)
			return (0);
	}
	return (1);
}

/* Would gate_add() resolve spec as a host name? */
static int
is_name(const char *spec)
{
	unsigned char	 a[16];

	if (spec[0] == '\0' || strchr(spec, '/') != NULL)
		return (0);
	return (inet_pton(AF_INET, spec, a) != 1 &&
	    inet_pton(AF_INET6, spec, a) != 1);
}

static int
permits(struct gate *g, int family, const unsigned char *addr)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	struct sockaddr_in6	 sin6 = { .sin6_family = AF_INET6 };

	if (family == AF_INET) {
		memcpy(&sin.sin_addr, addr, 4);
		return (gate_permits(g, (struct sockaddr *)&sin));
	}
	memcpy(&sin6.sin6_addr, addr, 16);
	return (gate_permits(g, (struct sockaddr *)&sin6));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gate		 g;
	char			 spec[SPEC_MAX + 1], host[SPEC_MAX + 1], *slash;
	char			*cause;
	unsigned char		 net[16], other[16];
	int			 family, bits, deny;

	/* 16 bytes of a second address, then the spec. */
	if (size < 17 || size - 16 > SPEC_MAX)
		return (0);
	memcpy(other, data, 16);
	deny = data[0] & 1;
	memcpy(spec, data + 16, size - 16);
	spec[size - 16] = '\0';
	if (strlen(spec) != size - 16 || is_name(spec) ||
	    strchr(spec, ',') != NULL)
		return (0);

	gate_init(&g);
	if (gate_add(&g, deny, 0, spec, &cause) == -1) {
		if (cause == NULL || strstr(cause, "invalid") == NULL)
			abort();
		free(cause);
		return (0);
	}

	/* Accepted: it must be ADDR or ADDR/BITS, with BITS in range. */
	strlcpy(host, spec, sizeof(host));
	bits = -1;
	if ((slash = strchr(host, '/')) != NULL) {
		*slash++ = '\0';
		bits = atoi(slash);
	}
	if (inet_pton(AF_INET, host, net) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, host, net) == 1)
		family = AF_INET6;
	else
		abort();
	if (bits == -1)
		bits = family == AF_INET ? 32 : 128;
	if (bits < 0 || bits > (family == AF_INET ? 32 : 128))
		abort();
	if (!gate_ruled(&g) || (g.nallow != 0) == deny)
		abort();

	if (permits(&g, family, net) != !deny)
		abort();
	if (permits(&g, family, other) != (covers(net, bits, other) ^ deny))
		abort();

	gate_clear(&g);
	return (0);
}
