/*
 * The client a trusted front names in X-Forwarded-For or Forwarded's for=
 * (RFC 7239): pure functions for src/net/listenfront.c and the fuzz
 * target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

/* A node as long as "[IPv6 address]:port", and a little more. */
#define FWD_NODE_MAX	(INET6_ADDRSTRLEN + 8)

/* The start of list value's last element, blanks skipped, quotes honoured. */
static const char *
fwd_last(const char *value)
{
	const char	*p, *last = value;
	int		 quoted = 0;

	for (p = value; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == ',')
			last = p + 1;
	}
	return (last + strspn(last, " \t"));
}

/*
 * Copy Forwarded element e's for= value, unquoted, into node (FWD_NODE_MAX
 * + 1 bytes).  Returns -1 if none or too long.
 */
static int
fwd_for(const char *e, char *node)
{
	size_t	 n = 0;
	int	 quoted;

	for (;;) {
		e += strspn(e, " \t");
		if (strncasecmp(e, "for=", 4) == 0)
			break;
		/* The next parameter: past this one's quoted value too. */
		for (quoted = 0; *e != '\0' && (quoted || *e != ';') &&
		    (quoted || *e != ','); e++) {
			if (quoted && *e == '\\' && e[1] != '\0')
				e++;
			else if (*e == '"')
				quoted = !quoted;
		}
		if (*e != ';')
			return (-1);
		e++;
	}
	e += 4;
	if ((quoted = *e == '"'))
		e++;
	for (; *e != '\0'; e++) {
		if (quoted && *e == '\\' && e[1] != '\0')
			e++;
		else if (quoted ? *e == '"' : strchr(";, \t", *e) != NULL)
			break;
		if (n == FWD_NODE_MAX)
			return (-1);
		node[n++] = *e;
	}
	node[n] = '\0';
	return (0);
}

/* Copy element e's node into node (FWD_NODE_MAX + 1).  -1 if too long. */
static int
fwd_xff(const char *e, char *node)
{
	size_t	 n = strcspn(e, " \t,;");

	if (n > FWD_NODE_MAX)
		return (-1);
	memcpy(node, e, n);
	node[n] = '\0';
	return (0);
}

/*
 * Read a node (IPv4 or IPv6, with or without port) into *ss and *sslen,
 * port 0 if none or obfuscated.  Returns -1 for anything else ("unknown").
 */
static int
fwd_node(char *node, struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;
	char			*addr = node, *port = NULL, *rb;
	const char		*errstr;
	long long		 n = 0;

	memset(ss, 0, sizeof(*ss));
	if (*node == '[') {
		if ((rb = strchr(node, ']')) == NULL ||
		    (rb[1] != '\0' && rb[1] != ':'))
			return (-1);
		*rb = '\0';
		addr = node + 1;
		if (rb[1] == ':')
			port = rb + 2;
	} else if ((port = strchr(node, ':')) != NULL &&
	    strchr(port + 1, ':') == NULL)
		*port++ = '\0';
	else
		port = NULL;
	if (port != NULL && *port != '_') {
		n = strtonum(port, 0, 65535, &errstr);
		if (errstr != NULL || *port == '+')
			return (-1);
	}
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1 && *node != '[') {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(n);
		*sslen = sizeof(*s4);
		return (0);
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(n);
		*sslen = sizeof(*s6);
		return (0);
	}
	return (-1);
}

/*
 * The client's address in X-Forwarded-For (forwarded 0) or Forwarded (1),
 * its lines joined with commas: the last element's, added by the nearest
 * front.  Returns 0 with *ss and *sslen, or -1 with *why.
 */
int
forwarded_for(const char *value, int forwarded, struct sockaddr_storage *ss,
    socklen_t *sslen, const char **why)
{
	char		 node[FWD_NODE_MAX + 1];
	const char	*e = fwd_last(value);

	if ((forwarded ? fwd_for(e, node) : fwd_xff(e, node)) == -1) {
		*why = forwarded ? "its last element has no for=" :
		    "its last element is too long";
		return (-1);
	}
	if (fwd_node(node, ss, sslen) == -1) {
		*why = "its last element is no address";
		return (-1);
	}
	return (0);
}
