/*
 * A TCP connection that met itself (a simultaneous open with nothing
 * listening), taken by the dial for the refusal it stands for.
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
 * Can a connection to port (network order) get it as its own?  Only in
 * ip_local_port_range, read once (unreadable: every port).
 */
static int
dial_port_ephemeral(unsigned short port)
{
	static int	 lo = -1, hi;
	unsigned int	 p = ntohs(port);
	FILE		*f;

	if (lo == -1) {
		f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
		if (f == NULL || fscanf(f, "%d %d", &lo, &hi) != 2) {
			lo = 0;
			hi = 65535;
		}
		if (f != NULL)
			fclose(f);
	}
	return ((int)p >= lo && (int)p <= hi);
}

/*
 * Is fd, just connected to ai, a TCP connection to itself (a --retry
 * client before its listener)?  Only a port it could have been given is
 * checked: in the local range, or any with its own -p or source address.
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
