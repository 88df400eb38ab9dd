/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The proxy client: a connection made through a SOCKS4, SOCKS4a, SOCKS5 or
 * HTTP CONNECT proxy, handed back as a connected socket before any session
 * starts.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockcat.h"

#define SOCKS_PORT		"1080"
#define HTTP_PROXY_PORT		"3128"

#define SOCKS_V4		4
#define SOCKS_V5		5
#define SOCKS4_GRANTED		90
#define SOCKS5_NOAUTH		0x00
#define SOCKS5_USERPASS		0x02
#define SOCKS5_NOMETHOD		0xff
#define SOCKS5_CONNECT		0x01
#define SOCKS5_IPV4		0x01
#define SOCKS5_DOMAIN		0x03
#define SOCKS5_IPV6		0x04

/* An HTTP proxy's reply may have this many header lines at most. */
#define HTTP_MAXHDRS		64
/* How often -P asks for a password the proxy keeps refusing. */
#define PROXY_AUTH_TRIES	3

/* The handshake failed in a way that a new attempt may fix (HTTP 407). */
#define PROXY_AGAIN		(-2)

/* What the proxy is told about who we are. */
struct proxy_auth {
	const char	*user;		/* NULL: no credentials */
	char		 pass[256];
	int		 fixed;		/* pass came from --proxy-auth */
	int		 tries;		/* passwords asked for so far */
};

static const struct {
	const char	*name;
	int		 proto;
} proxy_names[] = {
	{ "4",		PROXY_SOCKS4 },
	{ "socks4",	PROXY_SOCKS4 },
	{ "4a",		PROXY_SOCKS4A },
	{ "socks4a",	PROXY_SOCKS4A },
	{ "5",		PROXY_SOCKS5 },
	{ "socks5",	PROXY_SOCKS5 },
	{ "connect",	PROXY_HTTP },
	{ "http",	PROXY_HTTP },
};

/* The protocol named by -X or --proxy-type, or -1 if there is none. */
int
proxy_parse_proto(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(proxy_names) / sizeof(proxy_names[0]); i++) {
		if (strcasecmp(name, proxy_names[i].name) == 0)
			return (proxy_names[i].proto);
	}
	return (-1);
}

/* The port a proxy of protocol proto listens on when -x names none. */
const char *
proxy_default_port(int proto)
{
	return (proto == PROXY_HTTP ? HTTP_PROXY_PORT : SOCKS_PORT);
}

/*
 * Split "host", "host:port", "[v6addr]" or "[v6addr]:port" into newly
 * allocated *host and *port (*port NULL when absent).  Returns 0, or -1
 * with *errstr set to netcat's message.
 */
int
proxy_parse_addr(const char *arg, char **host, char **port,
    const char **errstr)
{
	const char	*end, *sep = NULL;

	*host = *port = NULL;
	*errstr = NULL;
	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL) {
			*errstr = "missing closing bracket in proxy";
			return (-1);
		}
		if (end[1] == ':')
			sep = end + 1;
		else if (end[1] != '\0') {
			*errstr = "garbage proxy port delimiter";
			return (-1);
		}
		*host = strndup(arg + 1, end - arg - 1);
	} else {
		if ((sep = strrchr(arg, ':')) != NULL)
			*host = strndup(arg, sep - arg);
		else
			*host = strdup(arg);
	}
	if (*host != NULL && sep != NULL && (*port = strdup(sep + 1)) == NULL) {
		free(*host);
		*host = NULL;
	}
	if (*host == NULL) {
		*errstr = strerror(errno);
		return (-1);
	}
	return (0);
}

/*
 * Standard base64 of len bytes of in, NUL-terminated in out, which must
 * hold 4 * ((len + 2) / 3) + 1 bytes.
 */
void
proxy_base64(const unsigned char *in, size_t len, char *out)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t		 v;
	size_t			 i;

	for (i = 0; i + 2 < len; i += 3) {
		v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	if (i < len) {
		v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

/*
 * Read exactly len bytes, as netcat's atomicio does: returns how many were
 * read; fewer means end-of-file (errno EPIPE, as netcat reports it) or an
 * error (errno set, ETIMEDOUT when -w ran out).
 */
static size_t
proxy_read(int fd, void *p, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		n = read(fd, (char *)p + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			errno = ETIMEDOUT;
		if (n == 0)
			errno = EPIPE;
		if (n <= 0)
			break;
		off += n;
	}
	return (off);
}

/* Write all of len bytes; returns how many were written. */
static size_t
proxy_write(int fd, const void *p, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		n = write(fd, (const char *)p + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			errno = ETIMEDOUT;
		if (n <= 0)
			break;
		off += n;
	}
	return (off);
}

/* Read exactly len bytes or fail with netcat's "read failed (n/what)". */
static int
proxy_expect(int fd, void *p, size_t len, int what, char **cause)
{
	size_t	 n;

	if ((n = proxy_read(fd, p, len)) != len) {
		log_cause(cause, "read failed (%zu/%d): %s", n, what,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

static int
proxy_send(int fd, const void *p, size_t len, char **cause)
{
	size_t	 n;

	if ((n = proxy_write(fd, p, len)) != len) {
		log_cause(cause, "write failed (%zu/%zu): %s", n, len,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/* Ask for the proxy password on the terminal, each time it is needed. */
static int
proxy_password(const struct options *o, struct proxy_auth *a, char **cause)
{
	char	 prompt[512];

	if (a->fixed)
		return (0);
	snprintf(prompt, sizeof(prompt), "Proxy password for %s@%s: ",
	    a->user, o->proxy_host);
	if (readpassphrase(prompt, a->pass, sizeof(a->pass),
	    RPP_REQUIRE_TTY) == NULL) {
		log_cause(cause, "Unable to read proxy passphrase");
		return (-1);
	}
	a->tries++;
	return (0);
}

static const char *
socks4_strerror(int e)
{
	switch (e) {
	case 91:
		return ("Request rejected or failed");
	case 92:
		return ("SOCKS server cannot connect to identd on the client");
	case 93:
		return ("Client program and identd report different user-ids");
	default:
		return ("Unknown error");
	}
}

/* The reply codes of RFC 1928, section 6. */
const char *
socks5_strerror(int e)
{
	switch (e) {
	case 0:
		return ("Succeeded");
	case 1:
		return ("General SOCKS server failure");
	case 2:
		return ("Connection not allowed by ruleset");
	case 3:
		return ("Network unreachable");
	case 4:
		return ("Host unreachable");
	case 5:
		return ("Connection refused");
	case 6:
		return ("TTL expired");
	case 7:
		return ("Command not supported");
	case 8:
		return ("Address type not supported");
	default:
		return ("Unknown error");
	}
}

/*
 * SOCKS4 (RFC-less, the destination resolved here to IPv4) or SOCKS4a
 * (a name is passed to the proxy to resolve).
 */
static int
proxy_socks4(const struct options *o, int fd, const char *host,
    const char *port, struct proxy_auth *a, char **cause)
{
	struct addrinfo		 hints, *res;
	struct sockaddr_in	*sin;
	struct in_addr		 ia;
	unsigned char		 buf[8 + 256 + 256 + 2];
	const char		*user = a->user != NULL ? a->user : "";
	size_t			 len, ulen = strlen(user), hlen = 0;
	uint16_t		 nport;
	int			 error, name = 0;

	buf[0] = SOCKS_V4;
	buf[1] = SOCKS5_CONNECT;
	if (o->proxy_proto == PROXY_SOCKS4A && inet_pton(AF_INET, host,
	    &ia) != 1) {
		/* 0.0.0.x: "the proxy resolves the name that follows". */
		name = 1;
		memcpy(buf + 4, "\0\0\0\1", 4);
		if ((hlen = strlen(host)) > 255) {
			log_cause(cause, "hostname too long");
			return (-1);
		}
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_INET;
		hints.ai_socktype = SOCK_STREAM;
		if (o->numeric)
			hints.ai_flags = AI_NUMERICHOST;
		if ((error = getaddrinfo(host, port, &hints, &res)) != 0) {
			log_cause(cause,
			    "getaddrinfo(\"%.64s\", \"%.64s\"): %s", host,
			    port, gai_strerror(error));
			return (-1);
		}
		sin = (struct sockaddr_in *)res->ai_addr;
		memcpy(buf + 4, &sin->sin_addr, 4);
		freeaddrinfo(res);
	}
	nport = htons((uint16_t)strtonum(port, 0, 65535, NULL));
	memcpy(buf + 2, &nport, 2);
	if (ulen > 255) {
		log_cause(cause, "Proxy username/password too long");
		return (-1);
	}
	len = 8;
	memcpy(buf + len, user, ulen + 1);
	len += ulen + 1;
	if (name) {
		memcpy(buf + len, host, hlen + 1);
		len += hlen + 1;
	}
	if (proxy_send(fd, buf, len, cause) == -1 ||
	    proxy_expect(fd, buf, 8, 8, cause) == -1)
		return (-1);
	if (buf[1] != SOCKS4_GRANTED) {
		log_cause(cause, "connection failed, SOCKSv4 error: %s",
		    socks4_strerror(buf[1]));
		return (-1);
	}
	return (0);
}

/* RFC 1929: username and password, once the proxy has chosen it. */
static int
proxy_socks5_auth(const struct options *o, int fd, struct proxy_auth *a,
    char **cause)
{
	unsigned char	 buf[3 + 255 + 255];
	size_t		 ulen, plen;

	if (proxy_password(o, a, cause) == -1)
		return (-1);
	ulen = strlen(a->user);
	plen = strlen(a->pass);
	if (ulen > 255 || plen > 255) {
		log_cause(cause, "Proxy username/password too long");
		return (-1);
	}
	buf[0] = 1;
	buf[1] = ulen;
	memcpy(buf + 2, a->user, ulen);
	buf[2 + ulen] = plen;
	memcpy(buf + 3 + ulen, a->pass, plen);
	if (proxy_send(fd, buf, 3 + ulen + plen, cause) == -1 ||
	    proxy_expect(fd, buf, 2, 2, cause) == -1)
		return (-1);
	if (buf[1] != 0) {
		log_cause(cause, "Proxy authentication failed");
		return (-1);
	}
	return (0);
}

/* RFC 1928: method negotiation, then CONNECT to host and port. */
static int
proxy_socks5(const struct options *o, int fd, const char *host,
    const char *port, struct proxy_auth *a, char **cause)
{
	unsigned char	 buf[4 + 1 + 255 + 2];
	size_t		 len, hlen;
	uint16_t	 nport;

	buf[0] = SOCKS_V5;
	buf[1] = 1;
	buf[2] = SOCKS5_NOAUTH;
	if (a->user != NULL) {
		buf[1] = 2;
		buf[3] = SOCKS5_USERPASS;
	}
	if (proxy_send(fd, buf, 2 + buf[1], cause) == -1)
		return (-1);
	/* netcat's words, although it reads two bytes. */
	if (proxy_expect(fd, buf, 2, 3, cause) == -1)
		return (-1);
	if (buf[0] != SOCKS_V5) {
		log_cause(cause, "connection failed, not a SOCKSv5 proxy");
		return (-1);
	}
	if (buf[1] == SOCKS5_USERPASS && a->user != NULL) {
		if (proxy_socks5_auth(o, fd, a, cause) == -1)
			return (-1);
	} else if (buf[1] != SOCKS5_NOAUTH) {
		log_cause(cause, "authentication method negotiation failed");
		return (-1);
	}

	buf[0] = SOCKS_V5;
	buf[1] = SOCKS5_CONNECT;
	buf[2] = 0;
	if (inet_pton(AF_INET, host, buf + 4) == 1) {
		buf[3] = SOCKS5_IPV4;
		len = 4 + 4;
	} else if (inet_pton(AF_INET6, host, buf + 4) == 1) {
		buf[3] = SOCKS5_IPV6;
		len = 4 + 16;
	} else {
		if ((hlen = strlen(host)) > 255) {
			log_cause(cause, "host name too long for SOCKS5");
			return (-1);
		}
		buf[3] = SOCKS5_DOMAIN;
		buf[4] = hlen;
		memcpy(buf + 5, host, hlen);
		len = 5 + hlen;
	}
	nport = htons((uint16_t)strtonum(port, 0, 65535, NULL));
	memcpy(buf + len, &nport, 2);
	len += 2;
	if (proxy_send(fd, buf, len, cause) == -1 ||
	    proxy_expect(fd, buf, 4, 4, cause) == -1)
		return (-1);
	if (buf[0] != SOCKS_V5) {
		log_cause(cause, "connection failed, not a SOCKSv5 proxy");
		return (-1);
	}
	if (buf[1] != 0) {
		log_cause(cause, "connection failed, SOCKSv5 error: %s",
		    socks5_strerror(buf[1]));
		return (-1);
	}
	/* The address the proxy bound: read and forget. */
	switch (buf[3]) {
	case SOCKS5_IPV4:
		return (proxy_expect(fd, buf, 6, 6, cause));
	case SOCKS5_IPV6:
		return (proxy_expect(fd, buf, 18, 18, cause));
	case SOCKS5_DOMAIN:
		if (proxy_expect(fd, buf, 1, 1, cause) == -1)
			return (-1);
		len = buf[0] + 2;
		return (proxy_expect(fd, buf, len, len, cause));
	default:
		log_cause(cause, "connection failed, unsupported address type");
		return (-1);
	}
}

/*
 * Read one line of the proxy's reply, byte by byte so that nothing after
 * the header is taken from the stream, without its CR LF; returns its
 * length (a NUL in it does not end it), or -1.
 */
static ssize_t
proxy_read_line(int fd, char *buf, size_t size, char **cause)
{
	size_t	 off = 0;

	for (;;) {
		if (off >= size) {
			log_cause(cause, "proxy read too long");
			return (-1);
		}
		if (proxy_read(fd, buf + off, 1) != 1) {
			log_cause(cause, "proxy read: %s", strerror(errno));
			return (-1);
		}
		if (buf[off] == '\n')
			break;
		if (buf[off] != '\r')
			off++;
	}
	buf[off] = '\0';
	return (off);
}

/* HTTP CONNECT, with Basic authentication when credentials are known. */
static int
proxy_http(const struct options *o, int fd, const char *host,
    const char *port, struct proxy_auth *a, int attempt, char **cause)
{
	char	 buf[1024], cred[512], b64[700];
	ssize_t	 len;
	int	 n, i, authed = 0;

	if (strchr(host, ':') != NULL)
		n = snprintf(buf, sizeof(buf), "CONNECT [%s]:%s HTTP/1.0\r\n",
		    host, port);
	else
		n = snprintf(buf, sizeof(buf), "CONNECT %s:%s HTTP/1.0\r\n",
		    host, port);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		log_cause(cause, "hostname too long");
		return (-1);
	}
	if (proxy_send(fd, buf, n, cause) == -1)
		return (-1);
	/* -P tries without a password first, as netcat does. */
	if (a->user != NULL && (a->fixed || attempt > 0)) {
		if (proxy_password(o, a, cause) == -1)
			return (-1);
		n = snprintf(cred, sizeof(cred), "%s:%s", a->user, a->pass);
		if (n < 0 || (size_t)n >= sizeof(cred)) {
			log_cause(cause, "Proxy username/password too long");
			return (-1);
		}
		proxy_base64((unsigned char *)cred, n, b64);
		explicit_bzero(cred, sizeof(cred));
		n = snprintf(buf, sizeof(buf),
		    "Proxy-Authorization: Basic %s\r\n", b64);
		explicit_bzero(b64, sizeof(b64));
		if (n < 0 || (size_t)n >= sizeof(buf)) {
			log_cause(cause, "Proxy auth response too long");
			return (-1);
		}
		if (proxy_send(fd, buf, n, cause) == -1)
			return (-1);
		explicit_bzero(buf, sizeof(buf));
		authed = 1;
	}
	if (proxy_send(fd, "\r\n", 2, cause) == -1)
		return (-1);

	if (proxy_read_line(fd, buf, sizeof(buf), cause) == -1)
		return (-1);
	if (a->user != NULL && (strncmp(buf, "HTTP/1.0 407 ", 13) == 0 ||
	    strncmp(buf, "HTTP/1.1 407 ", 13) == 0)) {
		if (authed && a->fixed) {
			log_cause(cause, "Proxy authentication failed");
			return (-1);
		}
		if (authed)
			log_info("Proxy authentication failed");
		if (a->tries >= PROXY_AUTH_TRIES) {
			log_cause(cause, "Too many authentication failures");
			return (-1);
		}
		return (PROXY_AGAIN);
	}
	/* The status line is compared as netcat does: 12 characters. */
	if (strncmp(buf, "HTTP/1.0 200", 12) != 0 &&
	    strncmp(buf, "HTTP/1.1 200", 12) != 0) {
		log_cause(cause, "Proxy error: \"%s\"", buf);
		return (-1);
	}
	for (i = 0; i < HTTP_MAXHDRS; i++) {
		/* Only an empty line ends them, not one that starts with NUL. */
		if ((len = proxy_read_line(fd, buf, sizeof(buf), cause)) == -1)
			return (-1);
		if (len == 0)
			return (0);
	}
	log_cause(cause, "Too many proxy headers received");
	return (-1);
}

/*
 * Returns a non-blocking socket connected to host and port through the
 * proxy of the command line (-x, -X, -P, --proxy-auth); peer is the
 * proxy's address.  Failing to reach the proxy returns -1 with *cause
 * NULL (reported with -v, as a direct connection is); a refusal or a
 * broken reply from the proxy returns -1 with *cause set.
 */
int
proxy_connect(const struct options *o, const char *host, const char *port,
    struct net_peer *peer, char **cause)
{
	struct proxy_auth	 a;
	int			 fd, attempt, r, error;

	memset(&a, 0, sizeof(a));
	a.user = o->proxy_user;
	if (o->proxy_pass != NULL) {
		strlcpy(a.pass, o->proxy_pass, sizeof(a.pass));
		a.fixed = 1;
	}
	for (attempt = 0;; attempt++) {
		fd = net_connect(o, o->proxy_host, o->proxy_port, peer, cause);
		if (fd == -1)
			break;
		if (net_sync(fd, 1, o->timeout_ms) == -1) {
			log_cause(cause, "proxy: %s", strerror(errno));
			r = -1;
		} else if (o->proxy_proto == PROXY_HTTP)
			r = proxy_http(o, fd, host, port, &a, attempt, cause);
		else if (o->proxy_proto == PROXY_SOCKS5)
			r = proxy_socks5(o, fd, host, port, &a, cause);
		else
			r = proxy_socks4(o, fd, host, port, &a, cause);
		if (r == 0 && net_sync(fd, 0, TIME_NONE) == -1) {
			log_cause(cause, "proxy: %s", strerror(errno));
			r = -1;
		}
		if (r == 0)
			break;
		error = errno;
		close(fd);
		fd = -1;
		errno = error;
		if (r != PROXY_AGAIN)
			break;
	}
	explicit_bzero(a.pass, sizeof(a.pass));
	return (fd);
}
