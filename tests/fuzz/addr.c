/*
 * Fuzz target: addresses (src/codec/addr.c), in sockcat's grammar and
 * in socat's (quoting, brackets, "!!", EXEC:"..." with its own commas
 * and colons, options and their aliases).  Any bytes are parsed without
 * a crash or a read past them; an address that parses says what its
 * kind needs (a port in range, a path, a command), and one that does not
 * says why, on one line.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A port the parser passed: digits in range, or a service's name. */
static void
check_port(const char *p, int lo)
{
	if (p == NULL || *p == '\0')
		abort();
	if (p[strspn(p, "0123456789")] == '\0' &&
	    (atoi(p) < lo || atoi(p) > 65535))
		abort();
}

/* Parse copy one way (socat's grammar or not) and check what it says. */
static void
check(const char *copy, struct addr *a, int socat)
{
	const char	*errstr;
	size_t		 i;

	if ((socat ? addr_parse_socat(copy, a, &errstr) :
	    addr_parse(copy, a, &errstr)) == -1) {
		if (errstr == NULL || *errstr == '\0' ||
		    strchr(errstr, '\n') != NULL)
			abort();
		return;
	}
	if (errstr != NULL || !addr_is(copy) || !addr_looks(copy))
		abort();
	if (a->family != 0 && a->family != 4 && a->family != 6)
		abort();
	if (a->srcport != NULL)
		check_port(a->srcport, 0);
	if (a->name == NULL || *a->name == '\0')
		abort();
	switch (a->kind) {
	case ADDR_TCP:
	case ADDR_UDP:
	case ADDR_TLS:
	case ADDR_DTLS:
	case ADDR_VSOCK:
		if (a->host == NULL || *a->host == '\0')
			abort();
		check_port(a->port, 1);
		break;
	case ADDR_WS:
	case ADDR_WSS:
		if (a->url == NULL || a->host == NULL || *a->host == '\0')
			abort();
		check_port(a->port, 1);
		break;
	case ADDR_TCP_L:
	case ADDR_UDP_L:
	case ADDR_TLS_L:
	case ADDR_WS_L:
		if (a->host != NULL && *a->host == '\0')
			abort();
		check_port(a->port, 0);
		break;
	case ADDR_UNIX:
	case ADDR_UNIX_L:
	case ADDR_EXEC:
	case ADDR_FILE:
	case ADDR_PTY:
		if (a->path == NULL || *a->path == '\0')
			abort();
		break;
	case ADDR_SERIAL:
		if (a->path == NULL || *a->path == '\0')
			abort();
		/* A speed the parser passed: digits, in range. */
		if (a->speed != NULL && (a->speed[strspn(a->speed,
		    "0123456789")] != '\0' || atol(a->speed) < 1 ||
		    atol(a->speed) > ADDR_SPEED_MAX))
			abort();
		break;
	case ADDR_SOCKS4:
	case ADDR_SOCKS4A:
	case ADDR_SOCKS5:
		if (a->proxy == NULL || *a->proxy == '\0' ||
		    a->host == NULL || *a->host == '\0')
			abort();
		check_port(a->port, 1);
		break;
	case ADDR_STDIO:
		break;
	default:
		abort();
	}
	if (a->listen != (a->kind >= ADDR_TCP_L && a->kind <= ADDR_WS_L))
		abort();
	for (i = 0; i < a->nopts; i++) {
		if (a->opts[i].value == NULL ||
		    addr_opt(a, a->opts[i].name) != a->opts[i].value)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr	*a;
	char		*copy;

	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	copy[size] = '\0';
	if ((a = malloc(sizeof(*a))) == NULL) {
		free(copy);
		return (0);
	}
	check(copy, a, 0);
	check(copy, a, 1);
	free(a);
	free(copy);
	return (0);
}
