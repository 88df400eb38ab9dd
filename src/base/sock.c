/*
 * What every layer needs of a descriptor or socket address: non-blocking
 * mode, a close on failure, an address as text, the host it counts as.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <linux/vm_sockets.h>

#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/* Set or clear O_NONBLOCK on fd in one call.  Returns -1 with errno. */
__startup int
net_set_nonblock(int fd, int on)
{
	return (ioctl(fd, FIONBIO, &on));
}

/* Make the close of socket fd a reset (RST). */
void
net_reset_at_close(int fd)
{
	struct linger	 l = { .l_onoff = 1, .l_linger = 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* Socket fd's type (SOCK_STREAM, ...).  Returns -1 with errno. */
int
net_sock_type(int fd)
{
	socklen_t	 len = sizeof(int);
	int		 type;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		return (-1);
	return (type);
}

/* Close fd keeping errno.  Returns -1. */
int
net_close_err(int fd)
{
	int	 error = errno;

	close(fd);
	errno = error;
	return (-1);
}

/* Close *fdp unless it is -1 (none), and set it to -1. */
void
net_close(int *fdp)
{
	if (*fdp != -1)
		close(*fdp);
	*fdp = -1;
}

/* A Unix address's name (path, "@name" or ""), escaped: the peer chose it. */
static void
net_format_unix(const struct sockaddr *sa, socklen_t len, char *out,
    size_t outlen)
{
	const struct sockaddr_un	*sun = (const struct sockaddr_un *)sa;
	char				 raw[sizeof(sun->sun_path) + 1];
	size_t				 n;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (len <= offsetof(struct sockaddr_un, sun_path))
		return;
	n = len - offsetof(struct sockaddr_un, sun_path);
	if (n > sizeof(sun->sun_path))
		n = sizeof(sun->sun_path);
	if (sun->sun_path[0] == '\0') {
		raw[0] = '@';
		memcpy(raw + 1, sun->sun_path + 1, n - 1);
	} else {
		n = strnlen(sun->sun_path, n);
		memcpy(raw, sun->sun_path, n);
	}
	log_escape(out, outlen, raw, n);
}

/* Write n in decimal at p, NUL-terminated.  Returns the end. */
__startup char *
net_decimal(char *p, unsigned int n)
{
	char	 digits[10];
	int	 i = 0;

	do
		digits[i++] = '0' + n % 10;
	while ((n /= 10) != 0);
	while (i > 0)
		*p++ = digits[--i];
	*p = '\0';
	return (p);
}

/*
 * The host and port of sa as printable text; the host reverse resolved
 * unless numeric, the port a number, as nc prints it.
 */
__shortrun void
net_format(const struct sockaddr *sa, socklen_t len, int numeric, char *host,
    size_t hostlen, char *port, size_t portlen)
{
	const struct sockaddr_in *sin = (const void *)sa;
	const unsigned char	*a;
	char			 name[NI_MAXHOST], *p;
	int			 flags = NI_NUMERICSERV, i;

	if (sa->sa_family == AF_UNIX) {
		/* A path, or "@name" for an abstract one; no port. */
		net_format_unix(sa, len, host, hostlen);
		if (portlen > 0)
			port[0] = '\0';
		return;
	}
	/* A VSOCK address is two numbers, the CID and the port. */
	if (sa->sa_family == AF_VSOCK) {
		snprintf(host, hostlen, "%u",
		    ((const struct sockaddr_vm *)sa)->svm_cid);
		snprintf(port, portlen, "%u",
		    ((const struct sockaddr_vm *)sa)->svm_port);
		return;
	}
	/*
	 * An IPv4 address as numbers, what a forwarder labels each of its
	 * connections with, written here: getnameinfo(3) would go through
	 * sprintf(3), a per-connection cost of its own.
	 */
	if (numeric && sa->sa_family == AF_INET &&
	    len >= (socklen_t)sizeof(struct sockaddr_in) &&
	    hostlen >= INET_ADDRSTRLEN && portlen >= sizeof("65535")) {
		a = (const unsigned char *)&sin->sin_addr;
		p = host;
		for (i = 0; i < 4; i++) {
			p = net_decimal(p, a[i]);
			if (i < 3)
				*p++ = '.';
		}
		net_decimal(port, ntohs(sin->sin_port));
		return;
	}
	if (numeric)
		flags |= NI_NUMERICHOST;
	/*
	 * A name lookup may fail for want of a descriptor, say; the address
	 * needs none.
	 */
	if (getnameinfo(sa, len, host, hostlen, port, portlen, flags) != 0 &&
	    getnameinfo(sa, len, host, hostlen, port, portlen,
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		strlcpy(host, "?", hostlen);
		strlcpy(port, "?", portlen);
	}
	/* A name is what the resolver said: a hostile one says anything. */
	if (!numeric && hostlen > 0) {
		strlcpy(name, host, sizeof(name));
		log_escape(host, hostlen, name, strlen(name));
	}
}

/*
 * The 16 bytes that name sa's host, for per-host limits: an IPv4 address
 * (mapped), an IPv6 /64 and a 6, any other all zero.
 */
void
net_host_key(const struct sockaddr *sa, unsigned char key[NET_HOST_KEY_LEN])
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(key, 0, NET_HOST_KEY_LEN);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(key, &sin6->sin6_addr, 16);
			return;
		}
		memcpy(key, &sin6->sin6_addr, 8);
		key[8] = 6;
		return;
	}
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
	}
}

/* An IPv6 address as socat writes it: "[0000:...:0001]". */
void
net_socat_in6(const struct in6_addr *a, char *out, size_t outlen)
{
	const uint8_t	*b = a->s6_addr;

	snprintf(out, outlen, "[%02x%02x:%02x%02x:%02x%02x:%02x%02x:"
	    "%02x%02x:%02x%02x:%02x%02x:%02x%02x]", b[0], b[1], b[2], b[3],
	    b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
	    b[14], b[15]);
}
