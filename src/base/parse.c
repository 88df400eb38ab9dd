/*
 * Parsers for command line values: ports and port ranges, times and TOS
 * keywords.  They never exit: each returns -1 with *errstr or a message,
 * for callers and the fuzz targets.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

#define PORT_MAX	65535

/* A port number in [min, 65535].  Returns -1 with netcat's message in err. */
static __startup int
port_number(const char *s, int min, char *err, size_t errlen)
{
	const char	*errstr, *p;
	long long	 n;

	/*
	 * Up to five digits are converted here, as strtonum(3) would; what
	 * else it takes (signs, spaces) it is given.  So an idle listener
	 * leaves the part of libc behind strtoll(3) unmapped.
	 */
	for (n = 0, p = s; *p >= '0' && *p <= '9' && p - s < 5; p++)
		n = n * 10 + (*p - '0');
	if (*p == '\0' && p > s) {
		errstr = n < min ? "too small" : n > PORT_MAX ? "too large" :
		    NULL;
	} else
		n = strtonum(s, min, PORT_MAX, &errstr);
	if (errstr != NULL) {
		snprintf(err, errlen, "port number %s: %s", errstr, s);
		return (-1);
	}
	return ((int)n);
}

/*
 * Append the ports of one argument, as allocated decimal strings, to
 * *list: a service name, "lo-hi" (either order) or a number, as nc reads
 * them; min is 1 to connect, 0 to listen.  Returns 0, or -1 with a message
 * in err.
 */
__startup int
parse_ports(const char *arg, int udp, int min, char ***list, size_t *n,
    char *err, size_t errlen)
{
	struct servent	*sv;
	const char	*p;
	char		*copy, *dash, **l, text[sizeof("65535")];
	int		 lo, hi, port;
	size_t		 count;

	/*
	 * Numbers are never service names: look them up only when needed
	 * (the services database costs memory a listener keeps).  A loop,
	 * not strspn(3), whose SSE code lies in a part of libc that no
	 * other start-up call touches.
	 */
	for (p = arg; *p >= '0' && *p <= '9'; p++)
		continue;
	if (*p != '\0' &&
	    (sv = getservbyname(arg, udp ? "udp" : "tcp")) != NULL)
		lo = hi = ntohs(sv->s_port);
	else if (arg[0] >= '0' && arg[0] <= '9' && strchr(arg, '-') != NULL) {
		if ((copy = strdup(arg)) == NULL)
			goto nomem;
		dash = strchr(copy, '-');
		*dash++ = '\0';
		hi = port_number(dash, min, err, errlen);
		lo = hi == -1 ? -1 : port_number(copy, min, err, errlen);
		free(copy);
		if (lo == -1 || hi == -1)
			return (-1);
		if (lo > hi) {
			port = lo;
			lo = hi;
			hi = port;
		}
	} else if ((lo = hi = port_number(arg, min, err, errlen)) == -1)
		return (-1);

	count = (size_t)(hi - lo + 1);
	if ((l = reallocarray(*list, *n + count, sizeof(*l))) == NULL)
		goto nomem;
	*list = l;
	for (port = lo; port <= hi; port++) {
		net_decimal(text, port);
		if ((l[*n] = strdup(text)) == NULL)
			goto nomem;
		(*n)++;
	}
	return (0);

nomem:
	snprintf(err, errlen, "%s", strerror(errno));
	return (-1);
}

__shortrun void
parse_ports_free(char **list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * A time in whole seconds as nc takes it, or with a unit ("ms", "s", "m",
 * "h"; "1.5s"), into *ms rounded up, within [min_s, max_s] seconds.
 * Returns -1 with *errstr "invalid", "too small" or "too large", as
 * strtonum(3).
 */
int
parse_time(const char *s, long long min_s, long long max_s, long long *ms,
    const char **errstr)
{
	char		*end;
	double		 v, mult;
	long long	 n;

	n = strtonum(s, min_s, max_s, errstr);
	if (*errstr == NULL) {
		*ms = n * 1000;
		return (0);
	}
	if (strcmp(*errstr, "invalid") != 0)
		return (-1);

	if (!isdigit((unsigned char)*s) && *s != '.')
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
	else
		return (-1);
	v *= mult;
	*errstr = v < (double)min_s * 1000 ? "too small" :
	    v > (double)max_s * 1000 ? "too large" : NULL;
	if (*errstr != NULL)
		return (-1);
	*ms = parse_time_ms_up(v);
	return (0);
}

/*
 * v milliseconds rounded up to a whole one, so that no positive time
 * becomes 0 ("none"); a double's error under a millionth of a millisecond
 * is not rounded up (1.1 s is 1100.0000000000002 ms).
 */
long long
parse_time_ms_up(double v)
{
	double		 slack;
	long long	 n;

	if (!(v > 0))
		return (0);
	slack = v * 1e-12 < 1e-6 ? v * 1e-12 : 1e-6;
	v -= slack;
	n = (long long)v;
	if ((double)n < v)
		n++;
	return (n);
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
	{ "lowcost", 0x02 },
	{ "lowdelay", 0x10 },
	{ "netcontrol", 0xe0 },
	{ "reliability", 0x04 },
	{ "throughput", 0x08 },
};

/* The i-th -T keyword, for the completions; NULL after the last. */
const char *
parse_tos_name(size_t i)
{
	if (i >= sizeof(tos_names) / sizeof(tos_names[0]))
		return (NULL);
	return (tos_names[i].name);
}

/* Parse a -T keyword, 0x hex or decimal, 0 to 255.  Returns -1 if none. */
int
parse_tos(const char *s, int *tos)
{
	const char	*errstr;
	size_t		 i;
	char		*end;
	long		 v;

	for (i = 0; i < sizeof(tos_names) / sizeof(tos_names[0]); i++) {
		if (strcmp(s, tos_names[i].name) == 0) {
			*tos = tos_names[i].value;
			return (0);
		}
	}
	if (s[0] == '0' && s[1] == 'x') {
		/* No sign after "0x"; out of range is LONG_MAX, over 255. */
		v = strtol(s, &end, 16);
		if (*end != '\0' || v > 255)
			return (-1);
	} else {
		v = strtonum(s, 0, 255, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	*tos = (int)v;
	return (0);
}
