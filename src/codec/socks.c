/*
 * SOCKS4, SOCKS4a and SOCKS5 (RFC 1928, 1929) as pure functions, for
 * src/net/proxy.c, src/modes/proxyd.c and the fuzz targets.  Parsers
 * return the message's length as far as known (more than len: read up to
 * that and call again; outputs filled once complete), or -1 with *errstr.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "codec.h"

/* The reply codes of SOCKS4, in words. */
const char *
socks4_strerror(int e)
{
	switch (e) {
	case SOCKS4_REJECTED:
		return ("Request rejected or failed");
	case SOCKS4_NO_IDENTD:
		return ("SOCKS server cannot connect to identd on the client");
	case SOCKS4_BAD_USER:
		return ("Client program and identd report different user-ids");
	default:
		return ("Unknown error");
	}
}

/* The reply codes of RFC 1928, section 6, in words. */
const char *
socks5_strerror(int e)
{
	static const char *const why[] = {
		[SOCKS5_REP_OK] = "Succeeded",
		[SOCKS5_REP_FAILURE] = "General SOCKS server failure",
		[SOCKS5_REP_RULESET] = "Connection not allowed by ruleset",
		[SOCKS5_REP_NETUNREACH] = "Network unreachable",
		[SOCKS5_REP_HOSTUNREACH] = "Host unreachable",
		[SOCKS5_REP_REFUSED] = "Connection refused",
		[SOCKS5_REP_TTL] = "TTL expired",
		[SOCKS5_REP_COMMAND] = "Command not supported",
		[SOCKS5_REP_ATYP] = "Address type not supported",
	};

	return (e >= 0 && (size_t)e < nitems(why) ? why[e] : "Unknown error");
}

/*
 * A SOCKS4 CONNECT to port as user (NULL: none), to addr (4 bytes, network
 * order), or without it to name (SOCKS4a).  Returns the length, or -1 with
 * *errstr.
 */
ssize_t
socks4_encode_connect(unsigned char *buf, size_t size,
    const unsigned char *addr, const char *name, uint16_t port,
    const char *user, const char **errstr)
{
	size_t	 ulen, nlen = 0, len;

	if (user == NULL)
		user = "";
	ulen = strlen(user);
	if (addr == NULL && (nlen = strlen(name)) > SOCKS_NAME_MAX) {
		*errstr = "hostname too long";
		return (-1);
	}
	if (ulen > SOCKS_NAME_MAX) {
		*errstr = "Proxy username/password too long";
		return (-1);
	}
	len = SOCKS4_HEADER_LEN + ulen + 1 + (addr == NULL ? nlen + 1 : 0);
	if (len > size) {
		*errstr = "request too long";
		return (-1);
	}
	buf[0] = SOCKS_V4;
	buf[1] = SOCKS_CMD_CONNECT;
	buf[2] = port >> 8;
	buf[3] = port & 0xff;
	/* No addr: 0.0.0.x, "the proxy resolves the name that follows". */
	memcpy(buf + 4, addr != NULL ? addr : (const unsigned char *)
	    "\0\0\0\1", 4);
	memcpy(buf + SOCKS4_HEADER_LEN, user, ulen + 1);
	if (addr == NULL)
		memcpy(buf + SOCKS4_HEADER_LEN + ulen + 1, name, nlen + 1);
	return (len);
}

/* A SOCKS4 reply, its code in *code. */
ssize_t
socks4_parse_reply(const unsigned char *p, size_t len, int *code)
{
	if (len >= SOCKS4_REPLY_LEN)
		*code = p[1];
	return (SOCKS4_REPLY_LEN);
}

/* RFC 1928's methods: none, and user/password if userpass.  Returns length. */
ssize_t
socks5_encode_methods(unsigned char *buf, size_t size, int userpass)
{
	if (size < 4)
		return (-1);
	buf[0] = SOCKS_V5;
	buf[1] = userpass ? 2 : 1;
	buf[2] = SOCKS5_AUTH_NONE;
	buf[3] = SOCKS5_AUTH_USERPASS;
	return (2 + buf[1]);
}

/* The server's chosen method, in *method. */
ssize_t
socks5_parse_method(const unsigned char *p, size_t len, int *method,
    const char **errstr)
{
	if (len < 2)
		return (2);
	if (p[0] != SOCKS_V5) {
		*errstr = "not a SOCKSv5 proxy";
		return (-1);
	}
	*method = p[1];
	return (2);
}

/* RFC 1929's request: user and password, 255 bytes each at most. */
ssize_t
socks5_encode_userpass(unsigned char *buf, size_t size, const char *user,
    const char *pass, const char **errstr)
{
	size_t	 ulen = strlen(user), plen = strlen(pass);

	if (ulen > SOCKS_NAME_MAX || plen > SOCKS_NAME_MAX) {
		*errstr = "Proxy username/password too long";
		return (-1);
	}
	if (3 + ulen + plen > size) {
		*errstr = "request too long";
		return (-1);
	}
	buf[0] = SOCKS5_USERPASS_V1;
	buf[1] = ulen;
	memcpy(buf + 2, user, ulen);
	buf[2 + ulen] = plen;
	memcpy(buf + 3 + ulen, pass, plen);
	return (3 + ulen + plen);
}

/* RFC 1929's reply: *status 0 when accepted. */
ssize_t
socks5_parse_userpass_reply(const unsigned char *p, size_t len, int *status)
{
	if (len >= 2)
		*status = p[1];
	return (2);
}

/* A CONNECT to host (an address, or a name the proxy resolves) and port. */
ssize_t
socks5_encode_connect(unsigned char *buf, size_t size, const char *host,
    uint16_t port, const char **errstr)
{
	unsigned char	 a[16];
	size_t		 len, hlen;

	if (size < SOCKS5_REQUEST_MAX) {
		*errstr = "request too long";
		return (-1);
	}
	buf[0] = SOCKS_V5;
	buf[1] = SOCKS_CMD_CONNECT;
	buf[2] = 0;
	if (inet_pton(AF_INET, host, a) == 1) {
		buf[3] = SOCKS5_ATYP_IPV4;
		memcpy(buf + 4, a, 4);
		len = 4 + 4;
	} else if (inet_pton(AF_INET6, host, a) == 1) {
		buf[3] = SOCKS5_ATYP_IPV6;
		memcpy(buf + 4, a, 16);
		len = 4 + 16;
	} else {
		if ((hlen = strlen(host)) > SOCKS_NAME_MAX) {
			*errstr = "host name too long for SOCKS5";
			return (-1);
		}
		buf[3] = SOCKS5_ATYP_DOMAIN;
		buf[4] = hlen;
		memcpy(buf + 5, host, hlen);
		len = 5 + hlen;
	}
	buf[len++] = port >> 8;
	buf[len++] = port & 0xff;
	return (len);
}

/* The length of a SOCKS5 address of type atyp at p, or 0 if unknown. */
static size_t
socks5_addr_len(int atyp, const unsigned char *p, size_t len)
{
	switch (atyp) {
	case SOCKS5_ATYP_IPV4:
		return (4);
	case SOCKS5_ATYP_IPV6:
		return (16);
	case SOCKS5_ATYP_DOMAIN:
		return (1 + (len > 0 ? p[0] : 0));
	}
	return (0);
}

/* The reply to CONNECT, its code in *rep; a refusal is whole after 4 bytes. */
ssize_t
socks5_parse_reply(const unsigned char *p, size_t len, int *rep,
    const char **errstr)
{
	size_t	 alen;

	if (len < 4)
		return (4);
	if (p[0] != SOCKS_V5) {
		*errstr = "not a SOCKSv5 proxy";
		return (-1);
	}
	*rep = p[1];
	if (p[1] != SOCKS5_REP_OK)
		return (4);
	if ((alen = socks5_addr_len(p[3], p + 4, len - 4)) == 0) {
		*errstr = "unsupported address type";
		return (-1);
	}
	/* A name's length byte comes first: ask for it alone. */
	if (p[3] == SOCKS5_ATYP_DOMAIN && len < 5)
		return (5);
	return (4 + alen + 2);
}

/* A reply rep with bound address ss (NULL or non-IP: 0.0.0.0:0). */
ssize_t
socks5_encode_reply(unsigned char *buf, size_t size, int rep,
    const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (size < SOCKS5_REPLY_MAX)
		return (-1);
	memset(buf, 0, SOCKS5_REPLY_MAX);
	buf[0] = SOCKS_V5;
	buf[1] = rep;
	buf[2] = 0;
	if (ss != NULL && ss->ss_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)ss;
		buf[3] = SOCKS5_ATYP_IPV6;
		memcpy(buf + 4, &sin6->sin6_addr, 16);
		memcpy(buf + 20, &sin6->sin6_port, 2);
		return (4 + 16 + 2);
	}
	buf[3] = SOCKS5_ATYP_IPV4;
	if (ss != NULL && ss->ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)ss;
		memcpy(buf + 4, &sin->sin_addr, 4);
		memcpy(buf + 8, &sin->sin_port, 2);
	}
	return (4 + 4 + 2);
}

/* A client's method selection: *offered if it offers want. */
ssize_t
socks5_parse_methods(const unsigned char *p, size_t len, int want,
    int *offered, const char **errstr)
{
	size_t	 n;

	if (len < 2)
		return (2);
	if (p[0] != SOCKS_V5) {
		*errstr = "not SOCKS5";
		return (-1);
	}
	n = 2 + p[1];
	if (len < n)
		return (n);
	*offered = memchr(p + 2, want, p[1]) != NULL;
	return (n);
}

/* RFC 1929's request; user and password point into p, not NUL-terminated. */
ssize_t
socks5_parse_userpass(const unsigned char *p, size_t len,
    struct socks_userpass *up, const char **errstr)
{
	size_t	 ulen, plen;

	if (len < 2)
		return (2);
	if (p[0] != SOCKS5_USERPASS_V1) {
		*errstr = "bad authentication version";
		return (-1);
	}
	ulen = p[1];
	if (len < 3 + ulen)
		return (3 + ulen);
	plen = p[2 + ulen];
	if (len < 3 + ulen + plen)
		return (3 + ulen + plen);
	up->user = p + 2;
	up->ulen = ulen;
	up->pass = p + 3 + ulen;
	up->plen = plen;
	return (3 + ulen + plen);
}

/*
 * A client's request; only CONNECT is served.  -1 with *errstr and r->rep,
 * the refusal code (-1: not SOCKS5, say nothing).  The host is text.
 */
ssize_t
socks5_parse_request(const unsigned char *p, size_t len,
    struct socks_request *r, const char **errstr)
{
	size_t	 alen, n;
	int	 af;

	r->rep = -1;
	if (len < 5)
		return (5);
	if (p[0] != SOCKS_V5) {
		*errstr = "not SOCKS5";
		return (-1);
	}
	if ((alen = socks5_addr_len(p[3], p + 4, len - 4)) == 0) {
		r->rep = SOCKS5_REP_ATYP;
		*errstr = "address type not supported";
		return (-1);
	}
	af = p[3] == SOCKS5_ATYP_IPV4 ? AF_INET : p[3] == SOCKS5_ATYP_IPV6 ?
	    AF_INET6 : AF_UNSPEC;
	n = 4 + alen + 2;
	if (len < n)
		return (n);
	if (p[1] != SOCKS_CMD_CONNECT) {
		r->rep = SOCKS5_REP_COMMAND;
		*errstr = "command not supported";
		return (-1);
	}
	if (af == AF_UNSPEC) {
		if (alen == 1 || memchr(p + 5, '\0', alen - 1) != NULL) {
			r->rep = SOCKS5_REP_HOSTUNREACH;
			*errstr = "bad host name";
			return (-1);
		}
		memcpy(r->host, p + 5, alen - 1);
		r->host[alen - 1] = '\0';
	} else
		inet_ntop(af, p + 4, r->host, sizeof(r->host));
	r->port = p[4 + alen] << 8 | p[4 + alen + 1];
	return (n);
}
