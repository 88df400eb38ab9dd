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
	size_t		 i, j;

	if ((socat ? addr_parse_socat(copy, a, &errstr) :
	    addr_parse(copy, a, &errstr)) == -1) {
		if (errstr == NULL || *errstr == '\0' ||
		    strchr(errstr, '\n') != NULL)
			abort();
		return;
	}
	/* socat's bare ones, a number or a path, have no name to know. */
	if (errstr != NULL || ((!addr_is(copy) || !addr_looks(copy)) &&
	    !(socat && (strcmp(a->name, "FD") == 0 ||
	    strcmp(a->name, "GOPEN") == 0))))
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
	case ADDR_DTLS_L:
	case ADDR_WS_L:
		if (a->host != NULL && *a->host == '\0')
			abort();
		/* socat's ACCEPT-FD:N, a listening socket inherited. */
		if (a->socat && addr_opt(a, "accept-fd") != NULL) {
			if (a->path == NULL || *a->path == '\0' ||
			    a->path[strspn(a->path, "0123456789")] != '\0')
				abort();
			break;
		}
		check_port(a->port, 0);
		break;
	case ADDR_PTY:
		/* socat's PTY without link= is reached by its name alone. */
		if (a->path == NULL && a->socat)
			break;
		/* FALLTHROUGH */
	case ADDR_UNIX:
	case ADDR_UNIX_L:
	case ADDR_EXEC:
	case ADDR_FILE:
	case ADDR_REPLAY:
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
	case ADDR_FD:
		if (a->path == NULL || *a->path == '\0' ||
		    a->path[strspn(a->path, "0123456789")] != '\0')
			abort();
		break;
	default:
		abort();
	}
	if (a->listen != (a->kind >= ADDR_TCP_L && a->kind <= ADDR_WS_L))
		abort();
	/*
	 * Each option found by its name: the first so named (a terminal's
	 * change may be written again, and is made again).
	 */
	for (i = 0; i < a->nopts; i++) {
		for (j = 0; strcmp(a->opts[j].name, a->opts[i].name) != 0; j++)
			;
		if (a->opts[i].value == NULL ||
		    addr_opt(a, a->opts[i].name) != a->opts[j].value)
			abort();
	}
}

/*
 * socat's "R!!W" split where addr_socat_dual() says, each half parsed;
 * and the words of an EXEC: command: each within the bytes, NULL after.
 */
static void
check_dual_words(const char *copy, struct addr *a)
{
	char	*w, *argv[16];
	int	 bang, n, i;
	size_t	 len = strlen(copy);

	if ((bang = addr_socat_dual(copy)) != -1) {
		if ((size_t)bang + 2 > len || copy[bang] != '!' ||
		    copy[bang + 1] != '!' || (w = strdup(copy)) == NULL)
			abort();
		w[bang] = '\0';
		check(w, a, 1);
		check(w + bang + 2, a, 1);
		free(w);
	}
	if ((w = strdup(copy)) == NULL)
		return;
	if ((n = addr_socat_words(w, argv, 16)) >= 0) {
		if (n > 15 || argv[n] != NULL)
			abort();
		for (i = 0; i < n; i++) {
			if (argv[i] < w || argv[i] + strlen(argv[i]) > w + len)
				abort();
		}
	}
	free(w);
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
	check_dual_words(copy, a);
	free(a);
	free(copy);
	return (0);
}
