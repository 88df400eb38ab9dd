/*
 * A side's socket options that take more than a member set: range= (the
 * gate's prefix, a name looked up), sourceport= and lowport=, a
 * multicast membership and socat's generic setsockopt-* options.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "side.h"
#include "side-int.h"

/*
 * Write host's address in family into out (the gate takes addresses, not
 * names).  Returns -1 with *cause set.
 */
static int
side_range_name(const char *host, int family, char *out, size_t outlen,
    char **cause)
{
	struct addrinfo	 hints, *res;
	struct in_addr	 in;
	unsigned char	 a6[16];
	int		 error;

	if (inet_aton(host, &in) == 1 || inet_pton(AF_INET6, host, a6) == 1 ||
	    *host == '\0') {
		strlcpy(out, host, outlen);
		return (0);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if ((error = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		log_cause(cause, "option range: cannot resolve %s: %s", host,
		    gai_strerror(error));
		return (-1);
	}
	error = getnameinfo(res->ai_addr, res->ai_addrlen, out, outlen, NULL,
	    0, NI_NUMERICHOST);
	freeaddrinfo(res);
	if (error != 0) {
		log_cause(cause, "option range: %s: %s", host,
		    gai_strerror(error));
		return (-1);
	}
	return (0);
}

/* socat's range= as the gate's ADDR/BITS in buf.  Returns -1 with *cause. */
static int
side_range(const char *v, char *buf, size_t size, char **cause)
{
	char		 addr[64], *host, *rest, sep, num[INET6_ADDRSTRLEN];
	unsigned char	 m[16];
	size_t		 n, i;
	int		 bits = 0, family;

	if ((n = strlen(v)) >= sizeof(addr))
		goto bad;
	memcpy(addr, v, n + 1);
	host = addr;
	if (*host == '[') {
		if ((rest = strchr(++host, ']')) == NULL)
			goto bad;
		*rest++ = '\0';
	} else
		rest = host + strcspn(host, "/:");
	sep = *rest;
	if (sep != '/' && sep != ':')
		goto bad;
	*rest++ = '\0';
	if (sep == '/') {
		if (side_range_name(host, strtol(rest, NULL, 10) > 32 ?
		    AF_INET6 : AF_INET, num, sizeof(num), cause) == -1)
			return (-1);
		snprintf(buf, size, "%s/%s", num, rest);
		return (0);
	}
	/* ADDR:MASK: the mask's length, its bits all at its start. */
	n = strlen(rest);
	if (n >= 2 && rest[0] == '[' && rest[n - 1] == ']') {
		rest[n - 1] = '\0';
		rest++;
	}
	family = strchr(rest, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(family, rest, m) != 1)
		goto bad;
	n = family == AF_INET ? 32 : 128;
	for (i = 0; i < n; i++) {
		if (!(m[i / 8] & (0x80 >> (i % 8))))
			continue;
		if ((size_t)bits++ != i)
			goto bad;
	}
	if (side_range_name(host, family, num, sizeof(num), cause) == -1)
		return (-1);
	snprintf(buf, size, "%s/%d", num, bits);
	return (0);

bad:
	log_cause(cause, "option range takes ADDR/BITS or ADDR:MASK (a "
	    "prefix's), not %.64s", v);
	return (-1);
}

/* socat's range=: the side's own gate rule, apart from the command line's. */
int
side_opt_range(struct side *sd, const struct side_given *o)
{
	struct side_own	*own = sd->own;
	char		 spec[128];

	if (!TAILQ_EMPTY(&sd->gate.rules)) {
		log_cause(o->cause, "option range with --allow or --deny: give "
		    "one of them");
		return (-1);
	}
	if (side_range(o->v, spec, sizeof(spec), o->cause) == -1)
		return (-1);
	/* The command line's gate is copied: its head is not ours. */
	TAILQ_INIT(&sd->gate.rules);
	sd->gate.srcs = NULL;
	sd->gate.nsrcs = sd->gate.nfiles = 0;
	sd->gate.named = NULL;
	own->gate = 1;
	return (gate_add(&sd->gate, 0, 0, spec, o->cause));
}

/* sourceport=: a listener's clients' one port, or a dialled socket's own. */
int
side_opt_sourceport(struct side *sd, const struct side_given *o)
{
	if (!o->a->listen)
		return (0);
	if (o->v[strspn(o->v, "0123456789")] != '\0') {
		log_cause(o->cause, "option sourceport of a listener takes a "
		    "number");
		return (-1);
	}
	sd->gate.peer_port = atoi(o->v);
	return (0);
}

/*
 * lowport: a listener's clients' ports below 1024, or a dialled socket's,
 * found when bound (net_bind_port()).
 */
int
side_opt_lowport(struct side *sd, const struct side_given *o)
{
	if (strcmp(o->v, "1") != 0)
		return (0);
	if (o->a->listen) {
		sd->gate.low_port = 1;
		return (0);
	}
	if (sd->sock.source_port != NULL) {
		log_cause(o->cause, "options lowport and sourceport: give one "
		    "of them");
		return (-1);
	}
	sd->sock.low_port = 1;
	sd->sock.source_port = "0";
	return (0);
}

/* socat's ip-add-membership= and ipv6-join-group= (net_join_group()). */
int
side_opt_membership(struct side *sd, const struct side_given *o)
{
	struct side_own	*own = sd->own;
	const char	*v = o->v;
	char		*g = own->group, *ifc;

	if (o->a->host != NULL) {
		log_cause(o->cause, "a listener's address given twice (bind=, "
		    "ip-add-membership=)");
		return (-1);
	}
	if (strlcpy(g, v, sizeof(own->group)) >= sizeof(own->group))
		goto bad;
	if (*g == '[') {
		if ((ifc = strchr(++g, ']')) == NULL || ifc[1] != ':')
			goto bad;
		*ifc = '\0';
		ifc += 2;
	} else {
		if ((ifc = strchr(g, ':')) == NULL)
			goto bad;
		*ifc++ = '\0';
	}
	if (*g == '\0' || *ifc == '\0' || strchr(ifc, ':') != NULL)
		goto bad;
	sd->host = g;
	sd->sock.mcast_if = ifc;
	/* An IPv6 group of a link's scope (ff02::) is bound on that link. */
	if (strchr(g, ':') != NULL && strchr(g, '%') == NULL &&
	    strchr(ifc, '.') == NULL) {
		snprintf(own->scoped, sizeof(own->scoped), "%s%%%s", g, ifc);
		sd->host = own->scoped;
	}
	return (0);

bad:
	log_cause(o->cause, "option ip-add-membership takes GROUP:INTERFACE "
	    "([GROUP]:INTERFACE for IPv6), not %.64s", v);
	return (-1);
}

/* socat's linger=: 0 only, since a longer close would block the loop. */
int
side_opt_linger(struct side *sd, const struct side_given *o)
{
	const char	*v = o->v;

	if (strcmp(v, "0") != 0) {
		log_cause(o->cause, "option linger takes 0 (a reset at the "
		    "close), not %.16s: a close that waits would hold every "
		    "other connection up", v);
		return (-1);
	}
	sd->sock.reset_close = 1;
	return (0);
}

/* ttl=N: the IP TTL or hops; in sockcat's grammar, multicast's too. */
int
side_opt_ttl(struct side *sd, const struct side_given *o)
{
	sd->sock.ttl = (int)strtol(o->v, NULL, 0);
	sd->sock.ttl_only = dialect_of(o->a)->ttl_alone;
	return (0);
}

/* socat's ip-options=xHEX, 40 bytes at most. */
int
side_opt_ip_options(struct side *sd, const struct side_given *o)
{
	const char	*v = o->v;
	size_t		 i, n;
	int		 hi, lo;

	/* x, then two digits a byte. */
	if (v[0] != 'x' || strlen(v + 1) % 2 != 0)
		goto bad;
	n = strlen(v + 1) / 2;
	if (n == 0 || n > sizeof(sd->sock.ip_options))
		goto bad;
	for (i = 0; i < n; i++) {
		if ((hi = text_hex_value(v[1 + 2 * i])) == -1 ||
		    (lo = text_hex_value(v[2 + 2 * i])) == -1)
			goto bad;
		sd->sock.ip_options[i] = (unsigned char)(hi << 4 | lo);
	}
	sd->sock.ip_options_len = (int)n;
	return (0);

bad:
	log_cause(o->cause, "option ip-options takes x and 1 to 40 bytes in "
	    "hexadecimal, as x01000000, not %.64s", v);
	return (-1);
}

/* socat's setsockopt= and setsockopt-listen=: int values only. */
int
side_opt_sockopt(struct side *sd, const struct side_given *o)
{
	const char	*v = o->v, *p;
	char		*end;
	long		 n;
	int		 i;

	for (i = 0, p = v; i < 3; i++) {
		errno = 0;
		n = strtol(p, &end, 0);
		if (end == p || errno != 0)
			goto bad;
		/* An int, then a colon or, after the last, the end. */
		if (n < INT_MIN || n > INT_MAX || *end != (i < 2 ? ':' : '\0'))
			goto bad;
		sd->sock.sockopt[i] = (int)n;
		p = end + 1;
	}
	sd->sock.sockopt_on = 1;
	return (0);

bad:
	log_cause(o->cause, "option setsockopt takes LEVEL:NAME:VALUE, three "
	    "numbers, not %.64s", v);
	return (-1);
}
