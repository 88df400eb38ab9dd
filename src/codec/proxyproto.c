/*
 * The PROXY protocol header (HAProxy's, versions 1 and 2): the line or
 * block a relay sends first so that its backend learns the client's
 * address.  Pure functions over bytes, for the forwarder; nothing here
 * reads, writes or touches the loop.  The fuzz target checks what they
 * write against a parser of its own.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "codec.h"

/* Version 2's twelve-byte signature, then version and command, family. */
static const unsigned char pp2_sig[PP2_SIG_LEN] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51,
	0x55, 0x49, 0x54, 0x0a
};

#define PP2_VERSION		0x20	/* high nibble of byte 12 */
#define PP2_CMD_LOCAL		0x00
#define PP2_CMD_PROXY		0x01
#define PP2_FAM_UNSPEC		0x00
#define PP2_FAM_TCP4		0x11
#define PP2_FAM_TCP6		0x21
#define PP2_LEN_INET		12	/* two addresses and two ports */
#define PP2_LEN_INET6		36

/* The address family the two ends share, or AF_UNSPEC: UNKNOWN, LOCAL. */
static int
pp_family(const struct sockaddr *src, const struct sockaddr *dst)
{
	if (src == NULL || dst == NULL || src->sa_family != dst->sa_family)
		return (AF_UNSPEC);
	if (src->sa_family == AF_INET || src->sa_family == AF_INET6)
		return (src->sa_family);
	return (AF_UNSPEC);
}

/*
 * An IPv4 address mapped into IPv6 is written as IPv4, as the backend
 * would see a client that had connected to it directly over IPv4.
 */
static void
pp_copy(const struct sockaddr *sa, struct sockaddr_storage *out, int unmap)
{
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;
	struct sockaddr_in		*s4 = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	if (sa == NULL)
		return;
	if (unmap && sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		s4->sin_family = AF_INET;
		s4->sin_port = s6->sin6_port;
		memcpy(&s4->sin_addr, &s6->sin6_addr.s6_addr[12], 4);
		return;
	}
	if (sa->sa_family == AF_INET)
		memcpy(out, sa, sizeof(struct sockaddr_in));
	else if (sa->sa_family == AF_INET6)
		memcpy(out, sa, sizeof(struct sockaddr_in6));
	else
		out->ss_family = sa->sa_family;
}

/*
 * The address of ss, of AF_INET or AF_INET6: *addr its bytes and *port
 * its port, in network order.  Returns the address's length.
 */
static size_t
pp_addr(const struct sockaddr_storage *ss, const void **addr,
    uint16_t *port)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET) {
		*addr = &s4->sin_addr;
		*port = s4->sin_port;
		return (4);
	}
	*addr = &s6->sin6_addr;
	*port = s6->sin6_port;
	return (16);
}

/* Version 1: "PROXY TCP4 src dst sport dport\r\n", or "PROXY UNKNOWN". */
static ssize_t
pp1_encode(unsigned char *buf, size_t len, int family,
    const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
    const char **errstr)
{
	char		 sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	const void	*sp, *dp;
	uint16_t	 sport, dport;
	int		 n;

	if (family == AF_UNSPEC)
		n = snprintf((char *)buf, len, "PROXY UNKNOWN\r\n");
	else {
		pp_addr(src, &sp, &sport);
		pp_addr(dst, &dp, &dport);
		if (inet_ntop(family, sp, sa, sizeof(sa)) == NULL ||
		    inet_ntop(family, dp, da, sizeof(da)) == NULL) {
			*errstr = "bad address";
			return (-1);
		}
		n = snprintf((char *)buf, len, "PROXY %s %s %s %u %u\r\n",
		    family == AF_INET ? "TCP4" : "TCP6", sa, da,
		    ntohs(sport), ntohs(dport));
	}
	if (n < 0 || (size_t)n >= len) {
		*errstr = "buffer too small";
		return (-1);
	}
	return (n);
}

/* Version 2: the signature, then a binary block of the addresses. */
static ssize_t
pp2_encode(unsigned char *buf, size_t len, int family,
    const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
    const char **errstr)
{
	const void	*sp, *dp;
	uint16_t	 sport, dport;
	size_t		 alen, n, off = PP2_HEADER_LEN;

	alen = family == AF_INET ? PP2_LEN_INET : family == AF_INET6 ?
	    PP2_LEN_INET6 : 0;
	if (len < PP2_HEADER_LEN + alen) {
		*errstr = "buffer too small";
		return (-1);
	}
	memcpy(buf, pp2_sig, PP2_SIG_LEN);
	/* Without addresses it is LOCAL: the backend uses the socket's. */
	buf[12] = PP2_VERSION | (family == AF_UNSPEC ? PP2_CMD_LOCAL :
	    PP2_CMD_PROXY);
	buf[13] = family == AF_INET ? PP2_FAM_TCP4 : family == AF_INET6 ?
	    PP2_FAM_TCP6 : PP2_FAM_UNSPEC;
	buf[14] = alen >> 8;
	buf[15] = alen & 0xff;
	if (family != AF_UNSPEC) {
		n = pp_addr(src, &sp, &sport);
		pp_addr(dst, &dp, &dport);
		memcpy(buf + off, sp, n);
		memcpy(buf + off + n, dp, n);
		memcpy(buf + off + 2 * n, &sport, 2);
		memcpy(buf + off + 2 * n + 2, &dport, 2);
	}
	return (PP2_HEADER_LEN + alen);
}

/*
 * Build the PROXY header of version (PROXYPROTO_V1 or PROXYPROTO_V2) for a
 * connection from src to dst (the client's address and the one it
 * connected to) in buf.  Ends that are not both IPv4 or both IPv6 (a
 * Unix-domain client, say) give "UNKNOWN" (v1) or a LOCAL command (v2).
 * Returns the header's length, or -1 with *errstr set.
 */
ssize_t
proxyproto_encode(unsigned char *buf, size_t len, int version,
    const struct sockaddr *src, const struct sockaddr *dst,
    const char **errstr)
{
	struct sockaddr_storage	 s, d;
	int			 family;

	*errstr = NULL;
	pp_copy(src, &s, 1);
	pp_copy(dst, &d, 1);
	/* Unmapped only in pairs: one end alone would make them differ. */
	if (s.ss_family != d.ss_family) {
		pp_copy(src, &s, 0);
		pp_copy(dst, &d, 0);
	}
	family = pp_family((struct sockaddr *)&s, (struct sockaddr *)&d);
	switch (version) {
	case PROXYPROTO_V1:
		return (pp1_encode(buf, len, family, &s, &d, errstr));
	case PROXYPROTO_V2:
		return (pp2_encode(buf, len, family, &s, &d, errstr));
	}
	*errstr = "unknown version";
	return (-1);
}

/* --send-proxy's argument: "v1", "v2" (or "1", "2").  -1 if neither. */
int
proxyproto_version(const char *s)
{
	if (strcmp(s, "v1") == 0 || strcmp(s, "1") == 0)
		return (PROXYPROTO_V1);
	if (strcmp(s, "v2") == 0 || strcmp(s, "2") == 0)
		return (PROXYPROTO_V2);
	return (-1);
}
