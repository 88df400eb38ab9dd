/*
 * The proxy client's side of SOCKS4, SOCKS4a, SOCKS5 and HTTP CONNECT as a
 * conversation over bytes (messages from src/codec/socks.c and
 * src/codec/http.c); the socket's owner moves the bytes.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

#define SOCKS_PORT		"1080"
#define HTTP_PROXY_PORT		"3128"

/* How often -P asks for a password the proxy keeps refusing. */
#define PROXY_AUTH_TRIES	3

/*
 * The longest body of a 407 read and thrown away to ask again on the same
 * connection: a longer one is left with the connection.
 */
#define PROXY_BODY_MAX		(64 * 1024)

/* Where the conversation stands: what is being read. */
enum proxy_state {
	PXS_SOCKS4_REPLY,
	PXS_SOCKS5_METHOD,
	PXS_SOCKS5_AUTH,
	PXS_SOCKS5_REPLY,
	PXS_SOCKS5_ADDR,	/* the rest of a successful reply */
	PXS_HTTP_STATUS,	/* line by line from here */
	PXS_HTTP_HEADERS,
	PXS_HTTP_BODY,		/* a 407's body, to be thrown away */
	PXS_DONE,
};

/* The protocols' names, as -X and --proxy-type take them. */
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

/* The protocol -X or --proxy-type names, or -1. */
int
proxy_parse_proto(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(proxy_names); i++) {
		if (strcasecmp(name, proxy_names[i].name) == 0)
			return (proxy_names[i].proto);
	}
	return (-1);
}

/* The port a proxy of proto listens on when -x names none. */
const char *
proxy_default_port(int proto)
{
	return (proto == PROXY_HTTP ? HTTP_PROXY_PORT : SOCKS_PORT);
}

/*
 * Split "host[:port]" or "[v6][:port]" into allocated *host and *port
 * (NULL if absent).  Returns 0, or -1 with nc's message in *errstr.
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

/* Read up to len bytes of the next message, nc's number what. */
static void
proxy_expect(struct proxy_client *pc, int state, size_t len, int what)
{
	pc->state = state;
	pc->start = pc->inlen;
	pc->want = len;
	pc->what = what;
}

static int
proxy_queue(struct proxy_client *pc, ssize_t n, const char *errstr,
    char **cause)
{
	if (n == -1) {
		log_cause(cause, "%s", errstr);
		return (-1);
	}
	pc->outlen = n;
	return (0);
}

/* The password, asked each time unless fixed or the nonce was stale. */
static int
proxy_password(struct proxy_client *pc, char **cause)
{
	if (pc->stale == 1) {
		pc->stale = 2;
		return (0);
	}
	if (pc->fixed)
		return (0);
	if (pc->ask == NULL || pc->ask(pc, cause) == -1) {
		if (cause != NULL && *cause == NULL)
			log_cause(cause, "Unable to read proxy passphrase");
		return (-1);
	}
	pc->tries++;
	return (0);
}

/* The destination port as a number, as nc reads it. */
static uint16_t
proxy_port(const struct proxy_client *pc)
{
	return ((uint16_t)strtonum(pc->port, 0, 65535, NULL));
}

/*
 * Put the CONNECT request in out, then read the status line.  No
 * credentials until the challenge says how (as nc and ncat), but socat's
 * proxyauth= goes at once, in the clear, as socat.  Returns 0, or -1 with
 * *cause.
 */
static int
proxy_http_request(struct proxy_client *pc, char **cause)
{
	char		 auth[3 * HTTP_LINE_MAX], uri[HTTP_LINE_MAX + 8];
	char		 cnonce[2 * 16 + 1];
	unsigned char	 rnd[16];
	const char	*errstr = NULL;
	ssize_t		 n;
	size_t		 i;

	pc->authed = pc->hdrs = 0;
	if (pc->challenged) {
		if (proxy_password(pc, cause) == -1)
			return (-1);
		/* The Digest uri is the request target, as it is sent. */
		snprintf(uri, sizeof(uri), strchr(pc->host, ':') != NULL ?
		    "[%s]:%s" : "%s:%s", pc->host, pc->port);
		arc4random_buf(rnd, sizeof(rnd));
		for (i = 0; i < sizeof(rnd); i++)
			snprintf(cnonce + 2 * i, 3, "%02x", rnd[i]);
		if (http_encode_auth(auth, sizeof(auth), &pc->ch, pc->user,
		    pc->pass, uri, cnonce) == -1) {
			log_cause(cause, "Proxy username/password too long");
			return (-1);
		}
		pc->authed = 1;
	} else if (pc->basic != NULL) {
		/* "Basic " and the base64 of at most HTTP_LINE_MAX bytes. */
		if (strlen(pc->basic) > HTTP_LINE_MAX) {
			log_cause(cause, "Proxy username/password too long");
			return (-1);
		}
		memcpy(auth, "Basic ", 6);
		http_base64((const unsigned char *)pc->basic,
		    strlen(pc->basic), auth + 6);
	}
	/* A 407 to socat's credentials is still answered, once. */
	n = http_encode_connect((char *)pc->out, sizeof(pc->out), pc->host,
	    pc->port, pc->authed || pc->basic != NULL ? auth : NULL,
	    pc->auth_name, &errstr);
	explicit_bzero(auth, sizeof(auth));
	proxy_expect(pc, PXS_HTTP_STATUS, 1, 0);
	return (proxy_queue(pc, n, errstr, cause));
}

/*
 * Start on a new connection to the proxy (again after PROXY_RETRY): out
 * holds the first message.  Returns 0, or -1 with *cause.
 */
int
proxy_client_start(struct proxy_client *pc, char **cause)
{
	unsigned char	 a4[4];
	const unsigned char *addr = pc->addr4;
	const char	*errstr = NULL;
	ssize_t		 n;

	pc->inlen = pc->outlen = 0;
	pc->reused = 0;
	switch (pc->proto) {
	case PROXY_SOCKS4:
	case PROXY_SOCKS4A:
		if (addr == NULL && inet_pton(AF_INET, pc->host, a4) == 1)
			addr = a4;
		if (addr == NULL && pc->proto == PROXY_SOCKS4) {
			log_cause(cause, "SOCKS4 needs an IPv4 address");
			return (-1);
		}
		n = socks4_encode_connect(pc->out, sizeof(pc->out), addr,
		    pc->host, proxy_port(pc), pc->user, &errstr);
		proxy_expect(pc, PXS_SOCKS4_REPLY, SOCKS4_REPLY_LEN,
		    SOCKS4_REPLY_LEN);
		break;
	case PROXY_SOCKS5:
		n = socks5_encode_methods(pc->out, sizeof(pc->out),
		    pc->user != NULL);
		/* netcat's number, although it reads two bytes. */
		proxy_expect(pc, PXS_SOCKS5_METHOD, 2, 3);
		break;
	default:
		return (proxy_http_request(pc, cause));
	}
	return (proxy_queue(pc, n, errstr, cause));
}

/*
 * Bytes to read now: never past the proxy's reply, so the destination's
 * stay in the socket; 0 for none.
 */
size_t
proxy_client_want(const struct proxy_client *pc)
{
	if (pc->state == PXS_DONE)
		return (0);
	if (pc->state == PXS_HTTP_BODY)
		return (pc->skip < HTTP_LINE_MAX ? pc->skip : HTTP_LINE_MAX);
	if (pc->state >= PXS_HTTP_STATUS)
		return (1);
	return (pc->want - pc->inlen);
}

/* Say the unfinished read in nc's words. */
void
proxy_client_broken(const struct proxy_client *pc, int error, char **cause)
{
	if (pc->state >= PXS_HTTP_STATUS)
		log_cause(cause, "proxy read: %s", strerror(error));
	else
		log_cause(cause, "read failed (%zu/%d): %s",
		    pc->inlen - pc->start, pc->what, strerror(error));
}

/*
 * The proxy closed: is a new connection due (credentials sent after the
 * 407 and closed unanswered)?
 */
int
proxy_client_closed(const struct proxy_client *pc)
{
	return (pc->reused && pc->state == PXS_HTTP_STATUS &&
	    pc->inlen == 0);
}

/* Forget the password. */
void
proxy_client_clear(struct proxy_client *pc)
{
	explicit_bzero(pc->pass, sizeof(pc->pass));
	explicit_bzero(pc->out, sizeof(pc->out));
}

/* A whole SOCKS message is in: the next step. */
static int
proxy_socks_step(struct proxy_client *pc, char **cause)
{
	const char	*errstr = NULL;
	ssize_t		 n;
	int		 v;

	switch (pc->state) {
	case PXS_SOCKS4_REPLY:
		socks4_parse_reply(pc->in, pc->inlen, &v);
		if (v != SOCKS4_GRANTED) {
			log_cause(cause, "connection failed, SOCKSv4 error: %s",
			    socks4_strerror(v));
			return (PROXY_FAIL);
		}
		pc->state = PXS_DONE;
		return (PROXY_DONE);
	case PXS_SOCKS5_METHOD:
		if (socks5_parse_method(pc->in, pc->inlen, &v,
		    &errstr) == -1) {
			log_cause(cause, "connection failed, %s", errstr);
			return (PROXY_FAIL);
		}
		pc->inlen = 0;
		if (v == SOCKS5_AUTH_USERPASS && pc->user != NULL) {
			if (proxy_password(pc, cause) == -1)
				return (PROXY_FAIL);
			n = socks5_encode_userpass(pc->out, sizeof(pc->out),
			    pc->user, pc->pass, &errstr);
			if (proxy_queue(pc, n, errstr, cause) == -1)
				return (PROXY_FAIL);
			proxy_expect(pc, PXS_SOCKS5_AUTH, 2, 2);
			return (PROXY_MORE);
		}
		if (v != SOCKS5_AUTH_NONE) {
			log_cause(cause,
			    "authentication method negotiation failed");
			return (PROXY_FAIL);
		}
		break;
	case PXS_SOCKS5_AUTH:
		socks5_parse_userpass_reply(pc->in, pc->inlen, &v);
		if (v != 0) {
			log_cause(cause, "Proxy authentication failed");
			return (PROXY_FAIL);
		}
		pc->inlen = 0;
		break;
	default:
		n = socks5_parse_reply(pc->in, pc->inlen, &v, &errstr);
		if (n == -1) {
			log_cause(cause, "connection failed, %s", errstr);
			return (PROXY_FAIL);
		}
		if (v != SOCKS5_REP_OK) {
			log_cause(cause, "connection failed, SOCKSv5 error: %s",
			    socks5_strerror(v));
			return (PROXY_FAIL);
		}
		/* The address the proxy bound: read and forget. */
		if ((size_t)n > pc->inlen) {
			proxy_expect(pc, PXS_SOCKS5_ADDR, n,
			    (int)(n - pc->inlen));
			return (PROXY_MORE);
		}
		pc->state = PXS_DONE;
		return (PROXY_DONE);
	}
	/* Authenticated, or no need: the request. */
	n = socks5_encode_connect(pc->out, sizeof(pc->out), pc->host,
	    proxy_port(pc), &errstr);
	if (proxy_queue(pc, n, errstr, cause) == -1)
		return (PROXY_FAIL);
	proxy_expect(pc, PXS_SOCKS5_REPLY, 4, 4);
	return (PROXY_MORE);
}

/*
 * A 407's head is in: answer on this connection after its body if kept,
 * else on a new one (PROXY_RETRY).
 */
static int
proxy_http_challenged(struct proxy_client *pc, char **cause)
{
	struct http_reply	*r = &pc->reply;
	char			 esc[LOG_ESCAPED(sizeof(r->ch.other))];

	/*
	 * Our answer refused: the password was wrong, unless the proxy says
	 * the nonce was stale (RFC 7616, 3.3), which is answered again with
	 * the same password, once (a malformed challenge fails below).
	 */
	if (pc->authed && r->ch.stale && pc->stale == 0)
		pc->stale = 1;
	else if (pc->authed && pc->fixed) {
		/* Credentials from the command line are tried once. */
		log_cause(cause, "Proxy authentication failed");
		return (PROXY_FAIL);
	}
	if (pc->stale != 1 && pc->tries >= PROXY_AUTH_TRIES) {
		log_cause(cause, "Too many authentication failures");
		return (PROXY_FAIL);
	}
	if (pc->authed && pc->stale != 1)
		log_info("Proxy authentication failed");
	pc->ch = r->ch;
	if (r->ch.bad != NULL) {
		log_cause(cause, "Malformed proxy challenge: %s", r->ch.bad);
		return (PROXY_FAIL);
	}
	/* No challenge at all: Basic, as netcat sends it. */
	if (!r->ch.offered)
		pc->ch.scheme = HTTP_AUTH_BASIC;
	else if (r->ch.scheme == HTTP_AUTH_NONE) {
		log_cause(cause, "Proxy authentication scheme not supported: "
		    "%s", r->ch.other[0] != '\0' ? log_escape(esc, sizeof(esc),
		    r->ch.other, strlen(r->ch.other)) : "none");
		return (PROXY_FAIL);
	}
	pc->challenged = 1;
	if (!http_reply_reusable(r) || r->clen > PROXY_BODY_MAX)
		return (PROXY_RETRY);
	pc->skip = r->clen;
	if (pc->skip > 0) {
		pc->state = PXS_HTTP_BODY;
		return (PROXY_MORE);
	}
	pc->reused = 1;
	return (proxy_http_request(pc, cause) == -1 ? PROXY_FAIL : PROXY_MORE);
}

/*
 * One header line of a reply, len bytes without CR LF.  In a 407's a CR or
 * NUL makes it malformed, so a challenge is never taken in part.
 */
static int
proxy_http_header(struct proxy_client *pc, const char *line, size_t len,
    char **cause)
{
	int	 challenge = pc->status == HTTP_AUTH_REQUIRED;

	if (challenge && (strlen(line) != len ||
	    memchr(line, '\r', len) != NULL)) {
		log_cause(cause, "Malformed proxy challenge: %s in a header "
		    "line", strlen(line) != len ? "NUL byte" : "bare CR");
		return (PROXY_FAIL);
	}
	/* Only an empty line ends them, not one that starts with NUL. */
	if (len == 0) {
		if (challenge)
			return (proxy_http_challenged(pc, cause));
		pc->state = PXS_DONE;
		return (PROXY_DONE);
	}
	if (++pc->hdrs >= HTTP_REPLY_HDRS_MAX) {
		log_cause(cause, "Too many proxy headers received");
		return (PROXY_FAIL);
	}
	if (challenge)
		http_reply_header(&pc->reply, line);
	return (PROXY_MORE);
}

/*
 * One reply line, without LF, is in.  Other CRs are dropped from the
 * status line, as nc.
 */
static int
proxy_http_line(struct proxy_client *pc, char **cause)
{
	char	*line = (char *)pc->in, *p, *q;
	char	 esc[LOG_ESCAPED(sizeof(pc->in))];
	size_t	 len = pc->inlen;
	int	 minor;

	pc->inlen = 0;
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (pc->state == PXS_HTTP_HEADERS)
		return (proxy_http_header(pc, line, len, cause));
	for (p = q = line; p < line + len; p++) {
		if (*p != '\r')
			*q++ = *p;
	}
	*q = '\0';
	len = q - line;
	/*
	 * As socat reads it: the spaces after the version, however many,
	 * are one ("HTTP/1.0   200 OK"), where netcat takes one alone.
	 */
	if (pc->status_spaces && len > 9 && strncmp(line, "HTTP/1.", 7) == 0 &&
	    line[8] == ' ') {
		p = line + 9 + strspn(line + 9, " ");
		memmove(line + 9, p, line + len + 1 - p);
		len -= p - (line + 9);
	}
	switch (pc->status = http_status_line(line, &minor)) {
	case HTTP_OK:
		pc->state = PXS_HTTP_HEADERS;
		return (PROXY_MORE);
	case HTTP_AUTH_REQUIRED:
		if (pc->user == NULL)
			break;
		http_reply_init(&pc->reply, minor);
		pc->state = PXS_HTTP_HEADERS;
		return (PROXY_MORE);
	}
	/* The proxy's line, escaped: no terminal obeys it. */
	log_cause(cause, "Proxy error: \"%s\"", log_escape(esc, sizeof(esc),
	    line, len));
	return (PROXY_FAIL);
}

/*
 * Take n bytes from the proxy (at most proxy_client_want()).  Returns
 * PROXY_MORE (send out, read again), PROXY_DONE, PROXY_RETRY (new
 * connection, proxy_client_start()) or PROXY_FAIL with *cause.
 */
int
proxy_client_input(struct proxy_client *pc, const void *p, size_t n,
    char **cause)
{
	const unsigned char	*b = p;
	size_t			 i;
	int			 r;

	pc->outlen = 0;
	if (pc->state == PXS_HTTP_BODY) {
		if ((long long)n > pc->skip)
			n = pc->skip;
		if ((pc->skip -= n) > 0)
			return (PROXY_MORE);
		pc->reused = 1;
		return (proxy_http_request(pc, cause) == -1 ? PROXY_FAIL :
		    PROXY_MORE);
	}
	if (pc->state < PXS_HTTP_STATUS) {
		if (n > pc->want - pc->inlen)
			n = pc->want - pc->inlen;
		memcpy(pc->in + pc->inlen, b, n);
		pc->inlen += n;
		if (pc->inlen < pc->want)
			return (PROXY_MORE);
		return (proxy_socks_step(pc, cause));
	}
	/* Line by line (proxy_http_line() says what becomes of a CR). */
	for (i = 0; i < n && pc->state != PXS_DONE; i++) {
		if (b[i] == '\n') {
			pc->in[pc->inlen] = '\0';
			if ((r = proxy_http_line(pc, cause)) != PROXY_MORE)
				return (r);
			/* A new request or a body: the rest is not a line. */
			if (pc->outlen > 0 || pc->state == PXS_HTTP_BODY)
				return (PROXY_MORE);
			continue;
		}
		if (pc->inlen >= HTTP_LINE_MAX) {
			log_cause(cause, "proxy read too long");
			return (PROXY_FAIL);
		}
		pc->in[pc->inlen++] = b[i];
	}
	return (pc->state == PXS_DONE ? PROXY_DONE : PROXY_MORE);
}
