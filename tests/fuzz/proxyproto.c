/*
 * Fuzz target: PROXY protocol headers (src/codec/proxyproto.c), which
 * sockcat writes (--send-proxy) and reads (--trust-front proxy=).  The
 * parser here, written from the specification and sharing no code with
 * the codec, reads any bytes without a crash or a read past them, and a
 * header that parses with addresses is encoded again, in both versions,
 * and each encoding parses back to the same addresses.  sockcat's own
 * parser, given the bytes cut where the first byte says and whole, never
 * asks for a byte past the header, refuses a start only when it refuses
 * the whole, and takes no header that this one refuses or reads
 * otherwise (it may refuse more: fields apart by two spaces, a family
 * the specification does not define).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

/* A header as parsed: family AF_UNSPEC for UNKNOWN or LOCAL. */
struct spec_hdr {
	int			 version;
	int			 family;
	struct sockaddr_storage	 src;
	struct sockaddr_storage	 dst;
};

/* Version 2's signature, then version and command, family, length. */
static const unsigned char pp2_sig[PP2_SIG_LEN] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51,
	0x55, 0x49, 0x54, 0x0a
};

#define PP2_VERSION		0x20	/* high nibble of byte 12 */
#define PP2_CMD_LOCAL		0x00
#define PP2_CMD_PROXY		0x01
#define PP2_FAM_TCP4		0x11
#define PP2_FAM_TCP6		0x21
#define PP2_LEN_INET		12	/* two addresses and two ports */
#define PP2_LEN_INET6		36

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* One address and port of a v1 line into ss; -1 if either is bad. */
static int
pp1_addr(int family, const char *a, const char *p, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;
	const char		*errstr;
	long long		 port;

	port = strtonum(p, 0, 65535, &errstr);
	if (errstr != NULL || (p[0] == '0' && p[1] != '\0'))
		return (-1);
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return (inet_pton(AF_INET, a, &s4->sin_addr) == 1 ? 0 : -1);
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	return (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1 ? 0 : -1);
}

static ssize_t
pp1_parse(const unsigned char *buf, size_t len, struct spec_hdr *h,
    const char **errstr)
{
	char		 line[PP1_MAX + 1], *f[6], *p, *last;
	const char	*crlf;
	size_t		 n, i;
	int		 family;

	crlf = memchr(buf, '\n', len < PP1_MAX ? len : PP1_MAX);
	if (crlf == NULL) {
		if (len >= PP1_MAX) {
			*errstr = "v1 line too long";
			return (-1);
		}
		return (len + 1);
	}
	n = (const unsigned char *)crlf - buf + 1;
	if (n < 2 || buf[n - 2] != '\r') {
		*errstr = "v1 line does not end with CR LF";
		return (-1);
	}
	memcpy(line, buf, n - 2);
	line[n - 2] = '\0';
	if (strlen(line) != n - 2) {
		*errstr = "NUL in a v1 line";
		return (-1);
	}
	h->version = PROXYPROTO_V1;
	for (i = 0, p = strtok_r(line, " ", &last); p != NULL && i < 6;
	    p = strtok_r(NULL, " ", &last))
		f[i++] = p;
	if (i < 2 || strcmp(f[0], "PROXY") != 0) {
		*errstr = "not a v1 line";
		return (-1);
	}
	if (strcmp(f[1], "UNKNOWN") == 0) {
		h->family = AF_UNSPEC;
		return (n);
	}
	if (p != NULL || i != 6) {
		*errstr = "v1 line has the wrong number of fields";
		return (-1);
	}
	if (strcmp(f[1], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		family = AF_INET6;
	else {
		*errstr = "unknown v1 protocol";
		return (-1);
	}
	if (pp1_addr(family, f[2], f[4], &h->src) == -1 ||
	    pp1_addr(family, f[3], f[5], &h->dst) == -1) {
		*errstr = "bad v1 address or port";
		return (-1);
	}
	h->family = family;
	return (n);
}

static ssize_t
pp2_parse(const unsigned char *buf, size_t len, struct spec_hdr *h,
    const char **errstr)
{
	struct sockaddr_in	*s4, *d4;
	struct sockaddr_in6	*s6, *d6;
	size_t			 alen, need;

	if (len < PP2_HEADER_LEN)
		return (PP2_HEADER_LEN);
	if ((buf[12] & 0xf0) != PP2_VERSION) {
		*errstr = "bad v2 version";
		return (-1);
	}
	alen = (size_t)buf[14] << 8 | buf[15];
	if (len < PP2_HEADER_LEN + alen)
		return (PP2_HEADER_LEN + alen);
	h->version = PROXYPROTO_V2;
	h->family = AF_UNSPEC;
	switch (buf[12] & 0x0f) {
	case PP2_CMD_LOCAL:
		return (PP2_HEADER_LEN + alen);
	case PP2_CMD_PROXY:
		break;
	default:
		*errstr = "bad v2 command";
		return (-1);
	}
	memset(&h->src, 0, sizeof(h->src));
	memset(&h->dst, 0, sizeof(h->dst));
	switch (buf[13]) {
	case PP2_FAM_TCP4:
		need = PP2_LEN_INET;
		if (alen < need)
			break;
		s4 = (struct sockaddr_in *)&h->src;
		d4 = (struct sockaddr_in *)&h->dst;
		s4->sin_family = d4->sin_family = h->family = AF_INET;
		memcpy(&s4->sin_addr, buf + 16, 4);
		memcpy(&d4->sin_addr, buf + 20, 4);
		memcpy(&s4->sin_port, buf + 24, 2);
		memcpy(&d4->sin_port, buf + 26, 2);
		return (PP2_HEADER_LEN + alen);
	case PP2_FAM_TCP6:
		need = PP2_LEN_INET6;
		if (alen < need)
			break;
		s6 = (struct sockaddr_in6 *)&h->src;
		d6 = (struct sockaddr_in6 *)&h->dst;
		s6->sin6_family = d6->sin6_family = h->family = AF_INET6;
		memcpy(&s6->sin6_addr, buf + 16, 16);
		memcpy(&d6->sin6_addr, buf + 32, 16);
		memcpy(&s6->sin6_port, buf + 48, 2);
		memcpy(&d6->sin6_port, buf + 50, 2);
		return (PP2_HEADER_LEN + alen);
	default:
		/* Other families (UDP, Unix) carry nothing we can use. */
		return (PP2_HEADER_LEN + alen);
	}
	*errstr = "v2 addresses too short";
	return (-1);
}

/*
 * Parse the PROXY header at the start of buf[0..len), of either version,
 * into h.  Returns the header's length; more than len means "read up to
 * that many and ask again" (as the SOCKS parsers say it), -1 a malformed
 * header with *errstr set.
 */
static ssize_t
spec_parse(const unsigned char *buf, size_t len,
    struct spec_hdr *h, const char **errstr)
{
	size_t	 n;

	*errstr = NULL;
	memset(h, 0, sizeof(*h));
	n = len < PP2_SIG_LEN ? len : PP2_SIG_LEN;
	if (memcmp(buf, pp2_sig, n) == 0) {
		if (len < PP2_SIG_LEN)
			return (PP2_HEADER_LEN);
		return (pp2_parse(buf, len, h, errstr));
	}
	n = len < 6 ? len : 6;
	if (memcmp(buf, "PROXY ", n) != 0) {
		*errstr = "not a PROXY header";
		return (-1);
	}
	return (pp1_parse(buf, len, h, errstr));
}

/* An IPv4 address mapped into IPv6 is encoded as IPv4, on purpose. */
static int
mapped(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)ss;

	return (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr));
}

static socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	return (ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6));
}

/*
 * sockcat's parser (proxyproto_parse()) against the specification's
 * reading h of the whole input, n its length (-1: refused).
 */
static void
check_codec(const unsigned char *buf, size_t size, size_t cut,
    const struct spec_hdr *h, ssize_t n)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	const char		*why;
	ssize_t			 part, whole;

	part = proxyproto_parse(buf, cut, &ss, &len, &why);
	if (part == -1 && why == NULL)
		abort();
	whole = proxyproto_parse(buf, size, &ss, &len, &why);
	if (whole == -1 && why == NULL)
		abort();
	/* A start refused is a whole refused; more is asked for, not past. */
	if (part == -1 && whole != -1)
		abort();
	if (part != -1 && (size_t)part > cut && whole != -1 &&
	    (size_t)whole <= size && part > whole)
		abort();
	if (whole == -1 || (size_t)whole > size)
		return;
	if (n != whole)
		abort();
	if (len == 0 ? h->family != AF_UNSPEC : h->family != ss.ss_family ||
	    memcmp(&h->src, &ss, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec_hdr		 h, again;
	unsigned char		*copy, out[PROXYPROTO_MAX];
	const char		*errstr;
	ssize_t			 n, m;
	int			 v;

	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	n = spec_parse(copy, size, &h, &errstr);
	if (n == -1 && errstr == NULL)
		abort();
	check_codec(copy, size, size > 0 ? data[0] % (size + 1) : 0, &h, n);
	if (n > 0 && (size_t)n <= size && h.family != AF_UNSPEC &&
	    !mapped(&h.src) && !mapped(&h.dst)) {
		for (v = PROXYPROTO_V1; v <= PROXYPROTO_V2; v++) {
			m = proxyproto_encode(out, sizeof(out), v,
			    (struct sockaddr *)&h.src,
			    (struct sockaddr *)&h.dst, &errstr);
			if (m <= 0 || spec_parse(out, m, &again,
			    &errstr) != m || again.family != h.family ||
			    memcmp(&again.src, &h.src, sa_len(&h.src)) != 0 ||
			    memcmp(&again.dst, &h.dst, sa_len(&h.dst)) != 0)
				abort();
		}
	}
	free(copy);
	return (0);
}
