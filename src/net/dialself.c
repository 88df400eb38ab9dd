/*
 * A TCP connection that met itself: with nothing listening on a port of
 * this host, a connect given that very port as its own (a simultaneous
 * open) talks to its own echo.  The dial takes it for the refusal it
 * stands for.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

/*
 * Can a connection to port (network order) be given that very port as
 * its own?  Only one in the range local ports are taken from
 * (net.ipv4.ip_local_port_range, which IPv6 shares), read once: a
 * server's port is most often below it, and then a connect to it cannot
 * meet itself.  A range that cannot be read is taken to be every port.
 */
static int
dial_port_ephemeral(unsigned short port)
{
	static int	 lo = -1, hi;
	unsigned int	 p = ntohs(port);
	FILE		*f;

	if (lo == -1) {
		lo = 0;
		hi = 65535;
		if ((f = fopen("/proc/sys/net/ipv4/ip_local_port_range",
		    "re")) != NULL) {
			if (fscanf(f, "%d %d", &lo, &hi) != 2) {
				lo = 0;
				hi = 65535;
			}
			fclose(f);
		}
	}
	return ((int)p >= lo && (int)p <= hi);
}

/*
 * Is fd, just connected to ai, a TCP connection to itself?  With nothing
 * listening on a port of this host in the range local ports are taken
 * from, a connect that is given that very port as its own meets itself
 * (a simultaneous open) and would talk to its own echo: a client waiting
 * with --retry for a late listener can.  The caller takes it for the
 * refusal it stands for.  Only a port the socket could have been given
 * is looked at: one in the local port range, or any with a -p of its own.
 * A socat address that gives its source address as well wants it.
 */
__shortrun int
dial_self(const struct side *sd, const struct addrinfo *ai, int fd)
{
	struct sockaddr_storage	 me, peer;
	socklen_t		 mlen = sizeof(me);
	in_port_t		 port;

	/*
	 * The peer is the address connected to: asking the kernel for it
	 * (getpeername(2)) would cost every dial a system call for nothing.
	 */
	if (ai->ai_socktype != SOCK_STREAM ||
	    (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
	    ai->ai_addrlen > sizeof(peer))
		return (0);
	port = ai->ai_family == AF_INET ?
	    ((const struct sockaddr_in *)ai->ai_addr)->sin_port :
	    ((const struct sockaddr_in6 *)ai->ai_addr)->sin6_port;
	if (sd->sock.source_port == NULL && !dial_port_ephemeral(port))
		return (0);
	/*
	 * A socat address that names its source, address and port both
	 * (TCP:A:P,bind=A,sp=P), asks for the connection it meets.
	 */
	if (sd->dialect->self_by_source && sd->sock.source != NULL)
		return (0);
	if (getsockname(fd, (struct sockaddr *)&me, &mlen) == -1)
		return (0);
	memcpy(&peer, ai->ai_addr, ai->ai_addrlen);
	return (udp_addr_equal(&me, mlen, &peer, ai->ai_addrlen));
}
