/*
 * Whether an address is this host (a listener's own, a local address) or
 * loopback, so a proxy knows its own names (RFC 9110, 7.3.1) and does not
 * connect to itself.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* sa's address in a[16] (unmapped) and *port.  Returns its family, or 0. */
int
net_addr_key(const struct sockaddr *sa, unsigned char *a, uint16_t *port)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	sin = (const struct sockaddr_in *)sa;
	sin6 = (const struct sockaddr_in6 *)sa;
	memset(a, 0, 16);
	if (sa->sa_family == AF_INET) {
		memcpy(a, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
		return (AF_INET);
	}
	if (sa->sa_family != AF_INET6)
		return (0);
	*port = ntohs(sin6->sin6_port);
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(a, sin6->sin6_addr.s6_addr + 12, 4);
		return (AF_INET);
	}
	memcpy(a, &sin6->sin6_addr, 16);
	return (AF_INET6);
}

/* Is sa's address one of this host's? */
static int
net_addr_local(const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage	 ss;
	int			 fd, local;

	/* Only a local address can be bound. */
	if (len > sizeof(ss) ||
	    (fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (0);
	memcpy(&ss, sa, len);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	local = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return (local);
}

/*
 * Would connecting to dst reach the listener bound at self (IPV6_V6ONLY
 * v6only): its port at its address, or at any local address for a wildcard
 * listener?
 */
int
net_is_self(const struct sockaddr *dst, socklen_t len,
    const struct sockaddr *self, int v6only)
{
	unsigned char	 d[16], a[16], any[16] = { 0 };
	uint16_t	 dport, port;
	int		 dfam, fam;

	dfam = net_addr_key(dst, d, &dport);
	fam = net_addr_key(self, a, &port);
	if (dfam == 0 || fam == 0 || dport != port)
		return (0);
	/* Connecting to 0.0.0.0 or :: reaches this host's loopback. */
	if (memcmp(a, any, 16) != 0 && memcmp(d, any, 16) == 0) {
		if (dfam == AF_INET)
			d[0] = IN_LOOPBACKNET;
		d[dfam == AF_INET ? 3 : 15] = 1;
	}
	if (memcmp(a, any, 16) != 0)
		return (dfam == fam && memcmp(d, a, 16) == 0);
	/* An IPv6 listener takes IPv4 too, unless it is IPv6 only. */
	if (dfam != fam && (fam == AF_INET || v6only))
		return (0);
	return (memcmp(d, any, 16) == 0 || net_addr_local(dst, len));
}

/* Is sa a loopback address? */
int
net_is_loopback(const struct sockaddr *sa)
{
	/*
	 * Ours, not libc's in6addr_loopback: that one is copied into the
	 * program by the loader at every start, a page of libc's read.
	 */
	static const struct in6_addr loopback6 = IN6ADDR_LOOPBACK_INIT;
	unsigned char	 a[16];
	uint16_t	 port;

	switch (net_addr_key(sa, a, &port)) {
	case AF_INET:
		return (a[0] == IN_LOOPBACKNET);
	case AF_INET6:
		return (memcmp(a, &loopback6, sizeof(loopback6)) == 0);
	}
	return (0);
}
