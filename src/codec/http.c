/*
 * HTTP CONNECT (RFC 9110, section 9.3.6) and forwarded requests as pure
 * functions over bytes: the request the proxy client sends and the
 * server parses, what the server forwards, the replies' header lines and
 * chunked bodies; a head's lines are read with httphead.c, and the
 * credentials, challenges and answers are httpauth.c's.  Nothing here
 * reads, writes or resolves; src/net/proxy.c, src/modes/proxyd.c and the
 * fuzz targets share it.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

/*
 * A CONNECT request for host (an IPv6 address is put in brackets) and
 * port, with a header line called header (NULL: Proxy-Authorization;
 * socat spells it Proxy-authorization) of value auth ("Basic ...",
 * "Digest ...") when auth is not NULL, and the empty line that ends it.
 * Returns the length written to buf, or -1 with *errstr.
 */
ssize_t
http_encode_connect(char *buf, size_t size, const char *host,
    const char *port, const char *auth, const char *header,
    const char **errstr)
{
	int	 n, m = 0;

	n = snprintf(buf, size, strchr(host, ':') != NULL ?
	    "CONNECT [%s]:%s HTTP/1.0\r\n" : "CONNECT %s:%s HTTP/1.0\r\n",
	    host, port);
	if (n < 0 || (size_t)n >= size || n >= HTTP_LINE_MAX) {
		*errstr = "hostname too long";
		return (-1);
	}
	if (auth != NULL)
		m = snprintf(buf + n, size - n, "%s: %s\r\n", header != NULL ?
		    header : "Proxy-Authorization", auth);
	if (m < 0 || (size_t)m >= size - n || (size_t)(n + m) + 2 >= size) {
		explicit_bzero(buf, size);
		*errstr = "Proxy auth response too long";
		return (-1);
	}
	memcpy(buf + n + m, "\r\n", 3);
	return (n + m + 2);
}

/*
 * Split an absolute URI "http://host[:port][/path]" in place: host (an IPv6
 * address in brackets loses them), port (80 when not given) and the path
 * in origin form, "/" when empty.  Returns 0, or -1 with *errstr.
 */
static int
http_parse_uri(const char *uri, struct http_request *r, const char **errstr)
{
	const char	*auth, *path, *colon, *hend, *e;
	long long	 n;
	size_t		 hlen;

	if (strncasecmp(uri, "http://", 7) != 0) {
		*errstr = "not an absolute http URI";
		return (-1);
	}
	auth = uri + 7;
	path = auth + strcspn(auth, "/?#");
	if (*path == '?' || *path == '#') {
		*errstr = "no path before the query";
		return (-1);
	}
	r->path = *path == '/' ? path : "/";
	if (memchr(auth, '@', path - auth) != NULL) {
		*errstr = "user information in URI";
		return (-1);
	}
	if (*auth == '[') {
		auth++;
		if ((hend = memchr(auth, ']', path - auth)) == NULL) {
			*errstr = "bad host";
			return (-1);
		}
		colon = hend + 1;
		if (colon != path && *colon != ':') {
			*errstr = "bad host";
			return (-1);
		}
	} else {
		colon = memchr(auth, ':', path - auth);
		hend = colon != NULL ? colon : path;
	}
	hlen = hend - auth;
	if (hlen == 0 || hlen >= sizeof(r->hostbuf)) {
		*errstr = "bad host";
		return (-1);
	}
	memcpy(r->hostbuf, auth, hlen);
	r->hostbuf[hlen] = '\0';
	r->host = r->hostbuf;
	r->port = 80;
	if (colon != NULL && colon != path && colon + 1 != path) {
		char	 num[8];

		if ((size_t)(path - colon - 1) >= sizeof(num) ||
		    strspn(colon + 1, "0123456789") !=
		    (size_t)(path - colon - 1)) {
			*errstr = "bad port";
			return (-1);
		}
		memcpy(num, colon + 1, path - colon - 1);
		num[path - colon - 1] = '\0';
		n = strtonum(num, 1, 65535, &e);
		if (e != NULL) {
			*errstr = "bad port";
			return (-1);
		}
		r->port = n;
	}
	return (0);
}

/*
 * A Content-Length value, the len bytes at v: digits only.  Returns the
 * length, or -1 when it is not one.
 */
static long long
http_length(const char *v, size_t len)
{
	const char	*errstr;
	char		 num[24];
	size_t		 i;
	long long	 n;

	if (len == 0 || len >= sizeof(num))
		return (-1);
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return (-1);
	}
	memcpy(num, v, len);
	num[len] = '\0';
	n = strtonum(num, 0, LLONG_MAX, &errstr);
	return (errstr != NULL ? -1 : n);
}

/*
 * The codings of a Transfer-Encoding value f, in order, into r: chunked
 * once, and last (RFC 9112, section 6.1).  Returns 0, or -1 with *errstr.
 */
static int
http_codings(const struct http_field *f, struct http_request *r,
    const char **errstr)
{
	const char	*p = f->value, *e;
	size_t		 len, n;

	while ((e = http_list_next(&p, f->value + f->vlen, &len)) != NULL) {
		/* A coding's parameters follow a ';'. */
		for (n = 0; n < len && e[n] != ' ' && e[n] != '\t' &&
		    e[n] != ';'; n++)
			;
		if (n == 0 || r->chunked) {
			*errstr = "transfer coding not chunked";
			return (-1);
		}
		r->chunked = n == 7 && strncasecmp(e, "chunked", 7) == 0;
	}
	return (0);
}

/*
 * Where a forwarded request's body ends (RFC 9112, section 6.3): after
 * Content-Length bytes, at the end of its chunked coding, or at once when
 * it has neither.  A request that could be read two ways (two different
 * lengths, a length and a coding, a coding that is not chunked last) is
 * refused: the proxy and the origin must agree on where the next request
 * starts.  Returns 0, or -1 with *errstr.
 */
static int
http_request_body(struct http_request *r, const char **errstr)
{
	struct http_field	 f;
	const char		*p = r->headers;
	long long		 n;
	int			 te = 0;

	r->clen = -1;
	r->chunked = 0;
	while (http_field_next(&p, &f)) {
		if (http_field_is(&f, "Content-Length")) {
			if ((n = http_length(f.value, f.vlen)) == -1 ||
			    (r->clen != -1 && r->clen != n)) {
				*errstr = "bad Content-Length";
				return (-1);
			}
			r->clen = n;
		} else if (http_field_is(&f, "Transfer-Encoding")) {
			te = 1;
			if (http_codings(&f, r, errstr) == -1)
				return (-1);
		}
	}
	if (te && !r->chunked) {
		*errstr = "transfer coding not chunked";
		return (-1);
	}
	/* HTTP/1.0 has no transfer codings (RFC 9112, section 6.1). */
	if (te && r->line.minor == 0) {
		*errstr = "Transfer-Encoding in HTTP/1.0";
		return (-1);
	}
	if (r->chunked && r->clen != -1) {
		*errstr = "Content-Length with Transfer-Encoding";
		return (-1);
	}
	return (0);
}

/*
 * Parse the request head h of hlen bytes (http_head_end()): its request
 * line into r->line, and r->headers points to its header lines.  A
 * CONNECT request's target is "host:port" (http_parse_target()); GET,
 * HEAD and POST with an absolute http URI are to be forwarded
 * (r->forward), with r->host, r->port and r->path set.  A head that the
 * origin could read otherwise than we do (http_head_check()) is refused
 * rather than mended, so no header value is ever taken in part.  Returns
 * 0, or the status to refuse the request with (HTTP_BAD_REQUEST,
 * HTTP_BAD_METHOD, HTTP_URI_TOO_LONG) and *errstr.
 */
int
http_parse_request(const char *h, size_t hlen, struct http_request *r,
    const char **errstr)
{
	const char	*m;
	int		 status;

	memset(r, 0, sizeof(*r));
	r->clen = -1;
	if ((status = http_request_line(h, &r->line, errstr)) != 0)
		return (status);
	if (http_head_check(h, hlen, errstr) == -1)
		return (HTTP_BAD_REQUEST);
	r->headers = http_fields(h);
	m = r->line.method;
	if (strcmp(m, "CONNECT") == 0)
		return (0);
	if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
	    strcmp(m, "POST") != 0) {
		*errstr = "method not allowed";
		return (HTTP_BAD_METHOD);
	}
	if (http_parse_uri(r->line.target, r, errstr) == -1 ||
	    http_request_body(r, errstr) == -1)
		return (HTTP_BAD_REQUEST);
	r->forward = 1;
	return (0);
}

/*
 * Is the header field f named in a Connection line of headers, as one for
 * this hop only (RFC 9110, section 7.6.1)?  The framing of the body
 * (Content-Length, Transfer-Encoding) is never taken out: the origin
 * must read the body as the proxy does.
 */
static int
http_connection_names(const char *headers, const struct http_field *f)
{
	struct http_field	 c;
	const char		*p = headers, *q, *e;
	size_t			 len;

	if (f->nlen == 0 || http_field_is(f, "Content-Length") ||
	    http_field_is(f, "Transfer-Encoding"))
		return (0);
	while (http_field_next(&p, &c)) {
		if (!http_field_is(&c, "Connection"))
			continue;
		q = c.value;
		while ((e = http_list_next(&q, c.value + c.vlen, &len)) != NULL)
			if (len == f->nlen && strncasecmp(e, f->name, len) == 0)
				return (1);
	}
	return (0);
}

/*
 * The request r (a forward one) as the origin server is to get it: the
 * request line in origin form, the Host of the URI (RFC 7230, section
 * 5.4: the client's own Host line is ignored, as ncat does), and the
 * headers but those meant for the proxy or for keeping the connection
 * (Proxy-Authorization, Proxy-Connection, Connection, Keep-Alive, and
 * those the Connection lines name), then
 * "Connection: close": every forwarded request has a connection of its
 * own, as ncat does.  The body, Content-Length or chunked, follows
 * unchanged.  Returns the length written to buf, or -1 when it does not
 * fit.
 */
ssize_t
http_encode_forward(char *buf, size_t size, const struct http_request *r)
{
	static const char *const hop[] = { "Host", "Proxy-Authorization",
	    "Proxy-Connection", "Connection", "Keep-Alive" };
	struct http_field	 f;
	const char		*p = r->headers;
	char			 port[sizeof(":65535")] = "";
	size_t			 n, len, i;
	int			 m, v6;

	v6 = strchr(r->host, ':') != NULL;
	if (r->port != 80)
		snprintf(port, sizeof(port), ":%u", r->port);
	m = snprintf(buf, size, "%s %s HTTP/1.%d\r\nHost: %s%s%s%s\r\n",
	    r->line.method, r->path, r->line.minor, v6 ? "[" : "", r->host,
	    v6 ? "]" : "", port);
	if (m < 0 || (size_t)m >= size)
		return (-1);
	n = m;
	while (http_field_next(&p, &f)) {
		for (i = 0; i < nitems(hop) && !http_field_is(&f, hop[i]); i++)
			;
		if (i < nitems(hop) || http_connection_names(r->headers, &f))
			continue;
		len = f.value + f.vlen - f.name;
		if (n + len + 2 >= size)
			return (-1);
		memcpy(buf + n, f.name, len);
		memcpy(buf + n + len, "\r\n", 2);
		n += len + 2;
	}
	m = snprintf(buf + n, size - n, "Connection: close\r\n\r\n");
	if (m < 0 || (size_t)m >= size - n)
		return (-1);
	return (n + m);
}

/*
 * Split a CONNECT target, host:port or [v6addr]:port, in place, into
 * host and port (a number from 1 to 65535).  Returns 0, or -1 with
 * *errstr.
 */
int
http_parse_target(char *target, char **host, uint16_t *port,
    const char **errstr)
{
	char		*colon;
	const char	*e;
	size_t		 tlen;
	long long	 n;

	if ((colon = strrchr(target, ':')) == NULL) {
		*errstr = "no port";
		return (-1);
	}
	*colon++ = '\0';
	if (target[0] == '[') {
		tlen = strlen(target);
		if (tlen < 3 || target[tlen - 1] != ']') {
			*errstr = "bad host";
			return (-1);
		}
		target[tlen - 1] = '\0';
		target++;
	}
	/* Digits only: strtonum() would take blanks and a sign too. */
	n = strtonum(colon, 1, 65535, &e);
	if (e != NULL || colon[strspn(colon, "0123456789")] != '\0' ||
	    target[0] == '\0' || strlen(target) > HTTP_HOST_MAX) {
		*errstr = "bad host or port";
		return (-1);
	}
	*host = target;
	*port = n;
	return (0);
}

/*
 * Begin reading a reply of HTTP/1.minor: r is cleared, ready for its
 * header lines.
 */
void
http_reply_init(struct http_reply *r, int minor)
{
	memset(r, 0, sizeof(*r));
	r->clen = -1;
	r->minor = minor;
}

/*
 * Take one header line of a reply (NUL-terminated, without its line end):
 * what it says of the body and the connection, and its challenges.
 */
void
http_reply_header(struct http_reply *r, const char *line)
{
	struct http_field	 f;
	char			 v[HTTP_LINE_MAX + 1];
	long long		 n;

	if (!http_field_next(&line, &f) || f.vlen >= sizeof(v))
		return;
	memcpy(v, f.value, f.vlen);
	v[f.vlen] = '\0';
	if (http_field_is(&f, "Proxy-Authenticate"))
		http_challenge_add(&r->ch, v);
	else if (http_field_is(&f, "Content-Length")) {
		/* Digits only; a second, different length is as bad. */
		n = http_length(f.value, f.vlen);
		if (n == -1 || (r->clen != -1 && r->clen != n))
			r->bad = 1;
		r->clen = n;
	} else if (http_field_is(&f, "Transfer-Encoding"))
		r->bad = 1;
	else if (http_field_is(&f, "Connection") ||
	    http_field_is(&f, "Proxy-Connection")) {
		if (http_list_has(v, "close"))
			r->close = 1;
		if (http_list_has(v, "keep-alive"))
			r->keepalive = 1;
	}
}

/*
 * May another request follow on the connection once the reply's body,
 * r->clen bytes, has been read?  Not when the proxy closes it (HTTP/1.0
 * without keep-alive, or "Connection: close"), nor when the body's end is
 * not known from a sound Content-Length.
 */
int
http_reply_reusable(const struct http_reply *r)
{
	if (r->bad || r->clen < 0 || r->close)
		return (0);
	return (r->minor >= 1 || r->keepalive);
}

/* Start reading a chunked body. */
void
http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = HC_SIZE;
}

/* Mark c broken, for the reason why: returns -1. */
static int
http_chunked_bad(struct http_chunked *c, const char *why)
{
	c->state = HC_BAD;
	c->why = why;
	return (-1);
}

/*
 * A control character other than a tab is no part of a chunk extension
 * or a trailer line.
 */
static int
http_ctl(unsigned char ch)
{
	return ((ch < 0x20 && ch != '\t') || ch == 0x7f);
}

/*
 * The line end of the line c is in: after the size line a chunk's data,
 * or the trailer section after the last chunk (size 0); after a chunk's
 * data the next size; an empty trailer line ends the body.
 */
static void
http_chunked_eol(struct http_chunked *c)
{
	if (c->state == HC_TRAILER)
		c->state = HC_DONE;
	else if (c->state == HC_TRAILER_LINE)
		c->state = HC_TRAILER;
	else if (c->state == HC_DATA_END)
		c->state = HC_SIZE;
	else
		c->state = c->left == 0 ? HC_TRAILER : HC_DATA;
	c->line = 0;
}

/*
 * One byte of the lines of a chunked body (c in any state but HC_DATA):
 * returns -1 when it breaks the coding (c->why says how).  A CR only
 * ends a line, with its LF (RFC 9112, section 2.2).
 */
static int
http_chunked_byte(struct http_chunked *c, unsigned char ch)
{
	int	 d;

	if ((c->state == HC_TRAILER || c->state == HC_TRAILER_LINE) &&
	    ++c->trailer > HTTP_TRAILER_MAX)
		return (http_chunked_bad(c, "chunked trailer too long"));
	if (!c->cr && c->state <= HC_EXT && ++c->line > HTTP_LINE_MAX)
		return (http_chunked_bad(c, "chunk size line too long"));
	if (c->cr && ch != '\n')
		return (http_chunked_bad(c, "bare CR in chunked body"));
	c->cr = ch == '\r' && c->state != HC_SIZE;
	if (c->cr)
		return (0);
	if (ch == '\n' && c->state != HC_SIZE) {
		http_chunked_eol(c);
		return (0);
	}
	switch (c->state) {
	case HC_SIZE:
	case HC_SIZE_MORE:
		if ((d = text_hex_value(ch)) != -1) {
			c->left = c->left * 16 + d;
			if (c->left > HTTP_CHUNK_MAX)
				return (http_chunked_bad(c,
				    "chunk size too large"));
			c->state = HC_SIZE_MORE;
			return (0);
		}
		if (c->state == HC_SIZE)
			return (http_chunked_bad(c, "bad chunk size"));
		/* FALLTHROUGH */
	case HC_SIZE_WS:
		if (ch != ' ' && ch != '\t' && ch != ';')
			return (http_chunked_bad(c, "bad chunk size"));
		c->state = ch == ';' ? HC_EXT : HC_SIZE_WS;
		return (0);
	case HC_EXT:
		return (http_ctl(ch) ? http_chunked_bad(c,
		    "bad chunk extension") : 0);
	case HC_DATA_END:
		return (http_chunked_bad(c, "chunk data longer than its size"));
	case HC_TRAILER:
		/* No line is folded. */
		if (ch == ' ' || ch == '\t')
			return (http_chunked_bad(c, "bad chunked trailer"));
		c->state = HC_TRAILER_LINE;
		/* FALLTHROUGH */
	default:
		return (http_ctl(ch) ? http_chunked_bad(c,
		    "bad chunked trailer") : 0);
	}
}

/*
 * Read the n bytes at p as the next part of a chunked body (RFC 9112,
 * section 7.1): chunk sizes in hex (at most HTTP_CHUNK_MAX) with optional
 * extensions, data, the last chunk and the trailer section (at most
 * HTTP_TRAILER_MAX bytes), each line ended by CR LF or a bare LF, as the
 * header's lines are.  Returns how many of the bytes belong to the body:
 * fewer than n once it has ended (c->state HC_DONE: the rest is not the
 * body's) or when it is broken (HC_BAD, c->why says how; the byte at the
 * offset returned is the first that does not fit).  Once done or broken,
 * it takes nothing more.  Pure: whatever the pieces the bytes come in,
 * the outcome is that of the whole.
 */
size_t
http_chunked_scan(struct http_chunked *c, const unsigned char *p, size_t n)
{
	size_t	 i = 0, m;

	while (i < n && c->state != HC_DONE && c->state != HC_BAD) {
		if (c->state != HC_DATA) {
			if (http_chunked_byte(c, p[i]) == -1)
				break;
			i++;
			continue;
		}
		m = n - i;
		if ((uint64_t)m > c->left)
			m = c->left;
		c->left -= m;
		i += m;
		if (c->left == 0)
			c->state = HC_DATA_END;
	}
	return (i);
}
