/*
 * The bind(2) of a dialled socket's source (net_bind_source() resolves
 * it): said as socat's debugging line says it, and with socat's lowport
 * a port below 1024 searched for.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* socat's lowport: the ports searched, from here to IPPORT_RESERVED - 1. */
#define BIND_LOW_PORT_MIN	640

/* bind(2) fd to sa (of length len), said with -d -d -d -d as socat does. */
static int
bind_one(int fd, const struct sockaddr *sa, socklen_t len)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];
	int	 v6 = sa->sa_family == AF_INET6;

	if (log_verbosity() >= 3) {
		net_format(sa, len, 1, host, sizeof(host), port, sizeof(port));
		log_debug(3, "bind(%d, AF=%d %s%s%s:%s, %u)", fd,
		    sa->sa_family, v6 ? "[" : "", host, v6 ? "]" : "", port,
		    (unsigned int)len);
	}
	return (bind(fd, sa, len));
}

/*
 * Bind fd, a dialled socket, to its source sa (of length len) as the side
 * sd says: with socat's lowport (sd->sock.low_port) at the first free
 * port below 1024, from 640 up, the search starting at a random one as
 * socat's does.  Returns 0, or -1 with errno (EADDRINUSE: none free).
 */
int
net_bind_port(const struct side *sd, int fd, const struct sockaddr *sa,
    socklen_t len)
{
	struct sockaddr_storage	 ss;
	in_port_t		*pp;
	int			 first, port;

	if (!sd->sock.low_port || len > sizeof(ss) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return (bind_one(fd, sa, len));
	memcpy(&ss, sa, len);
	pp = ss.ss_family == AF_INET ?
	    &((struct sockaddr_in *)&ss)->sin_port :
	    &((struct sockaddr_in6 *)&ss)->sin6_port;
	first = port = BIND_LOW_PORT_MIN +
	    (int)arc4random_uniform(IPPORT_RESERVED - BIND_LOW_PORT_MIN);
	do {
		*pp = htons(port);
		if (bind_one(fd, (struct sockaddr *)&ss, len) == 0)
			return (0);
		if (errno != EADDRINUSE)
			return (-1);
		if (--port < BIND_LOW_PORT_MIN)
			port = IPPORT_RESERVED - 1;
	} while (port != first);
	errno = EADDRINUSE;
	return (-1);
}
