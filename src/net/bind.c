/*
 * The bind(2) of a dialled socket's source (resolved by
 * net_bind_source()), logged as socat does, with socat's lowport search
 * below 1024.
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

/* bind(2) fd to sa, logged with -d -d -d -d as socat does. */
static int
bind_one(int fd, const struct sockaddr *sa, socklen_t len)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];
	int	 v6 = sa->sa_family == AF_INET6;

	if (log_verbosity() >= 3) {
		net_format(sa, len, 1, host, sizeof(host), port, sizeof(port));
		log_verbose(3, "bind(%d, AF=%d %s%s%s:%s, %u)", fd,
		    sa->sa_family, v6 ? "[" : "", host, v6 ? "]" : "", port,
		    (unsigned int)len);
	}
	return (bind(fd, sa, len));
}

/*
 * Bind dialled fd to source sa; with sd->sock.low_port the first free port
 * in 640-1023 from a random start, as socat.  Returns 0, or -1 with errno
 * (EADDRINUSE: none free).
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
