/*
 * HAProxy's PROXY protocol header, versions 1 and 2, as pure functions:
 * written by the forwarder, read by the listener behind a trusted front,
 * checked by the fuzz target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
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
#define PP2_FAM_UDP4		0x12	/* read, not written: */
#define PP2_FAM_UDP6		0x22	/*   families whose address */
#define PP2_FAM_UNIX		0x31	/*   no TCP server uses */
#define PP2_FAM_UNIXDG		0x32
#define PP2_LEN_INET		12	/* two addresses and two ports */
#define PP2_LEN_INET6		36

/*
 * Copy sa to out, an IPv4-mapped address as IPv4 if unmap, as the backend
 * would see a direct IPv4 client.
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
	/* Another family is left AF_UNSPEC: its header has no address. */
	if (sa->sa_family == AF_INET)
		memcpy(out, sa, sizeof(struct sockaddr_in));
	else if (sa->sa_family == AF_INET6)
		memcpy(out, sa, sizeof(struct sockaddr_in6));
}

/* ss's *addr and *port (network order).  Returns the address length. */
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
 * Write the PROXY header of version (PROXYPROTO_V1, _V2) for a connection
 * from src to dst into buf; mixed or non-IP ends give UNKNOWN or LOCAL.
 * Returns its length, or -1 with *errstr.
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
	/* The family both ends share, or AF_UNSPEC (UNKNOWN, LOCAL). */
	family = s.ss_family == d.ss_family && (s.ss_family == AF_INET ||
	    s.ss_family == AF_INET6) ? s.ss_family : AF_UNSPEC;
	switch (version) {
	case PROXYPROTO_V1:
		return (pp1_encode(buf, len, family, &s, &d, errstr));
	case PROXYPROTO_V2:
		return (pp2_encode(buf, len, family, &s, &d, errstr));
	}
	*errstr = "unknown version";
	return (-1);
}

/* --send-proxy's argument ("v1", "v2", "1", "2"), or -1. */
int
proxyproto_version(const char *s)
{
	if (strcmp(s, "v1") == 0 || strcmp(s, "1") == 0)
		return (PROXYPROTO_V1);
	if (strcmp(s, "v2") == 0 || strcmp(s, "2") == 0)
		return (PROXYPROTO_V2);
	return (-1);
}

/*
 * Read a v1 address and port of family into *ss.  Returns -1 if not as the
 * specification writes them.
 */
static int
pp1_addr(int family, const char *a, const char *port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;
	const char		*errstr;
	long long		 n;

	n = strtonum(port, 0, 65535, &errstr);
	if (errstr != NULL || port[0] == '+' ||
	    (port[0] == '0' && port[1] != '\0'))
		return (-1);
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(n);
		return (inet_pton(AF_INET, a, &s4->sin_addr) == 1 ? 0 : -1);
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(n);
	return (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1 ? 0 : -1);
}

/* Parse a whole v1 line, CR LF included.  Returns n, or -1 with *why. */
static ssize_t
pp1_line(const unsigned char *buf, size_t n, struct sockaddr_storage *src,
    socklen_t *srclen, const char **why)
{
	struct sockaddr_storage	 dst;
	char			 line[PP1_MAX + 1], *f[6], *p;
	size_t			 i;
	int			 family;

	if (n < 2 || buf[n - 2] != '\r' || memchr(buf, '\0', n) != NULL) {
		*why = "a v1 line ends with CR LF and holds no NUL";
		return (-1);
	}
	memcpy(line, buf, n - 2);
	line[n - 2] = '\0';
	if (strncmp(line, "PROXY UNKNOWN", 13) == 0 &&
	    (line[13] == '\0' || line[13] == ' ')) {
		*srclen = 0;
		return (n);
	}
	for (i = 0, p = line; i < 6; i++) {
		if ((f[i] = strsep(&p, " ")) == NULL || *f[i] == '\0')
			break;
	}
	if (i < 6 || p != NULL || strcmp(f[0], "PROXY") != 0) {
		*why = "not a v1 line of six fields";
		return (-1);
	}
	if (strcmp(f[1], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		family = AF_INET6;
	else {
		*why = "an unknown v1 protocol";
		return (-1);
	}
	if (pp1_addr(family, f[2], f[4], src) == -1 ||
	    pp1_addr(family, f[3], f[5], &dst) == -1) {
		*why = "a bad v1 address or port";
		return (-1);
	}
	*srclen = family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	return (n);
}

/*
 * Parse v2 from its 16th byte on: TCP4 or TCP6 gives the source, LOCAL and
 * other families none.
 */
static ssize_t
pp2_parse(const unsigned char *buf, size_t len, struct sockaddr_storage *src,
    socklen_t *srclen, const char **why)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)src;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)src;
	size_t			 alen = (size_t)buf[14] << 8 | buf[15], need;

	*srclen = 0;
	if ((buf[12] & 0xf0) != PP2_VERSION ||
	    ((buf[12] & 0x0f) != PP2_CMD_LOCAL &&
	    (buf[12] & 0x0f) != PP2_CMD_PROXY)) {
		*why = "an unknown v2 version or command";
		return (-1);
	}
	/* LOCAL (a front's own health check): its block is ignored. */
	if ((buf[12] & 0x0f) == PP2_CMD_LOCAL)
		return (PP2_HEADER_LEN + alen);
	switch (buf[13]) {
	case PP2_FAM_TCP4:
		need = PP2_LEN_INET;
		break;
	case PP2_FAM_TCP6:
		need = PP2_LEN_INET6;
		break;
	case PP2_FAM_UNSPEC:
	case PP2_FAM_UDP4:
	case PP2_FAM_UDP6:
	case PP2_FAM_UNIX:
	case PP2_FAM_UNIXDG:
		return (PP2_HEADER_LEN + alen);
	default:
		*why = "an unknown v2 family";
		return (-1);
	}
	if (alen < need) {
		*why = "v2 addresses shorter than their family's";
		return (-1);
	}
	if (len < PP2_HEADER_LEN + need)
		return (PP2_HEADER_LEN + need);
	memset(src, 0, sizeof(*src));
	if (buf[13] == PP2_FAM_TCP4) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, buf + 16, 4);
		memcpy(&s4->sin_port, buf + 24, 2);
		*srclen = sizeof(*s4);
	} else {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, buf + 16, 16);
		memcpy(&s6->sin6_port, buf + 48, 2);
		*srclen = sizeof(*s6);
	}
	return (PP2_HEADER_LEN + alen);
}

/*
 * Read the PROXY header (v1 or v2) at buf[0..len).  Returns its length as
 * far as known (more than len: read up to that and call again), or -1 with
 * *why.  Once complete, *src holds the client (*srclen 0 when the header
 * has none); v2 TLVs may be skipped unread.
 */
ssize_t
proxyproto_parse(const unsigned char *buf, size_t len,
    struct sockaddr_storage *src, socklen_t *srclen, const char **why)
{
	const unsigned char	*lf;
	size_t			 n;

	*why = NULL;
	*srclen = 0;
	n = len < PP2_SIG_LEN ? len : PP2_SIG_LEN;
	if (len > 0 && buf[0] == pp2_sig[0]) {
		if (memcmp(buf, pp2_sig, n) != 0) {
			*why = "not a PROXY header";
			return (-1);
		}
		if (len < PP2_HEADER_LEN)
			return (PP2_HEADER_LEN);
		return (pp2_parse(buf, len, src, srclen, why));
	}
	n = len < 6 ? len : 6;
	if (memcmp(buf, "PROXY ", n) != 0) {
		*why = "not a PROXY header";
		return (-1);
	}
	/* The shortest line, "PROXY UNKNOWN\r\n", before a byte at a time. */
	if (len < 15)
		return (15);
	if ((lf = memchr(buf, '\n', len < PP1_MAX ? len : PP1_MAX)) == NULL) {
		if (len >= PP1_MAX) {
			*why = "a v1 line longer than 107 bytes";
			return (-1);
		}
		return (len + 1);
	}
	return (pp1_line(buf, lf - buf + 1, src, srclen, why));
}
