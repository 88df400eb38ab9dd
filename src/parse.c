/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Parsers for command line values: ports and port ranges, time values and
 * TOS keywords.  They never exit: each returns -1 and sets *errstr (or a
 * message) so that callers, and the fuzz targets, decide what happens.
 */

#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/ip.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockcat.h"

#define PORT_MAX	65535

/*
 * Convert a port number or service name to a number.  Returns -1 with
 * *errstr set to the message netcat gives: "port number too large: 99999",
 * "port number invalid: name".
 */
static int
port_number(const char *s, int udp, char *err, size_t errlen)
{
	struct servent	*sv;
	const char	*errstr;
	long long	 n;

	n = strtonum(s, 0, PORT_MAX, &errstr);
	if (errstr == NULL)
		return ((int)n);
	if (strcmp(errstr, "invalid") != 0) {
		snprintf(err, errlen, "port number %s: %s", errstr, s);
		return (-1);
	}
	if ((sv = getservbyname(s, udp ? "udp" : "tcp")) != NULL)
		return (ntohs(sv->s_port));
	snprintf(err, errlen, "port number invalid: %s", s);
	return (-1);
}

/*
 * Expand one port argument, a number, a service name or an inclusive
 * range "lo-hi", and append the ports as decimal strings to *list.
 * Returns 0, or -1 with a message in err.
 */
int
parse_ports(const char *arg, int udp, char ***list, size_t *n, char *err,
    size_t errlen)
{
	char		*copy, *dash, **l;
	int		 lo, hi, port;
	size_t		 count;

	if ((copy = strdup(arg)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (-1);
	}
	/* A service name may hold a dash; only numbers make a range. */
	dash = strchr(copy, '-');
	if (dash != NULL && dash != copy && getservbyname(copy,
	    udp ? "udp" : "tcp") == NULL) {
		*dash++ = '\0';
		if ((lo = port_number(copy, udp, err, errlen)) == -1 ||
		    (hi = port_number(dash, udp, err, errlen)) == -1) {
			free(copy);
			return (-1);
		}
		if (lo > hi) {
			port = lo;
			lo = hi;
			hi = port;
		}
	} else if ((lo = hi = port_number(copy, udp, err, errlen)) == -1) {
		free(copy);
		return (-1);
	}
	free(copy);

	count = (size_t)(hi - lo + 1);
	if ((l = reallocarray(*list, *n + count, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (-1);
	}
	*list = l;
	for (port = lo; port <= hi; port++) {
		if (asprintf(&l[*n], "%d", port) == -1) {
			snprintf(err, errlen, "%s", strerror(errno));
			return (-1);
		}
		(*n)++;
	}
	return (0);
}

void
free_ports(char **list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * Parse a time: a number of seconds as netcat takes it, or a number with a
 * unit suffix "ms", "s", "m" or "h".  Fractions are allowed with a unit
 * ("1.5s").  The result, in milliseconds, must lie within [0, max_ms].
 * Returns -1 on anything else.
 */
int
parse_time(const char *s, long long max_ms, long long *ms)
{
	char		*end;
	double		 v, mult = 1000.0;

	if (*s == '\0' || isspace((unsigned char)*s) || *s == '-' ||
	    *s == '+')
		return (-1);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s)
		return (-1);
	if (strcmp(end, "ms") == 0)
		mult = 1.0;
	else if (strcmp(end, "s") == 0)
		mult = 1000.0;
	else if (strcmp(end, "m") == 0)
		mult = 60 * 1000.0;
	else if (strcmp(end, "h") == 0)
		mult = 3600 * 1000.0;
	else if (*end != '\0')
		return (-1);
	/* Plain numbers are whole seconds, as netcat reads them. */
	if (*end == '\0' && strspn(s, "0123456789") != strlen(s))
		return (-1);
	v *= mult;
	if (!(v >= 0) || v > (double)max_ms)
		return (-1);
	*ms = (long long)(v + 0.5);
	return (0);
}

/* DiffServ and precedence keywords accepted by -T, as netcat names them. */
static const struct {
	const char	*name;
	int		 value;
} tos_names[] = {
	{ "af11", 0x28 }, { "af12", 0x30 }, { "af13", 0x38 },
	{ "af21", 0x48 }, { "af22", 0x50 }, { "af23", 0x58 },
	{ "af31", 0x68 }, { "af32", 0x70 }, { "af33", 0x78 },
	{ "af41", 0x88 }, { "af42", 0x90 }, { "af43", 0x98 },
	{ "critical", 0xa0 },
	{ "cs0", 0x00 }, { "cs1", 0x20 }, { "cs2", 0x40 }, { "cs3", 0x60 },
	{ "cs4", 0x80 }, { "cs5", 0xa0 }, { "cs6", 0xc0 }, { "cs7", 0xe0 },
	{ "ef", 0xb8 },
	{ "inetcontrol", 0xc0 },
	{ "lowdelay", 0x10 },
	{ "netcontrol", 0xe0 },
	{ "reliability", 0x04 },
	{ "throughput", 0x08 },
	{ "va", 0xb0 },
};

/*
 * Parse a -T value: a keyword or a number from 0 to 255 (decimal or 0x
 * hexadecimal).  Returns -1 if it is neither.
 */
int
parse_tos(const char *s, int *tos)
{
	size_t		 i;
	char		*end;
	unsigned long	 v;

	for (i = 0; i < sizeof(tos_names) / sizeof(tos_names[0]); i++) {
		if (strcmp(s, tos_names[i].name) == 0) {
			*tos = tos_names[i].value;
			return (0);
		}
	}
	if (!isdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > 255)
		return (-1);
	*tos = (int)v;
	return (0);
}
