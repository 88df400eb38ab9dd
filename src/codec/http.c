/*
 * HTTP CONNECT and forwarded requests as pure functions over bytes: the
 * proxy client's request, the server's parse and forward, replies' headers
 * and chunked bodies.  Heads are read with httphead.c, auth is
 * httpauth.c's.
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
 * Write into buf a CONNECT request for host and port, with header (NULL:
 * Proxy-Authorization) set to auth when not NULL.  Returns the length, or
 * -1 with *errstr.
 */
ssize_t
http_encode_connect(char *buf, size_t size, const char *host,
    const char *port, const char *auth, const char *header,
    const char **errstr)
{
	const char *const	 f[][2] = {
		{ header != NULL ? header : "Proxy-Authorization", auth },
	};
	ssize_t			 m;
	int			 n;

	n = snprintf(buf, size, strchr(host, ':') != NULL ?
	    "CONNECT [%s]:%s HTTP/1.0\r\n" : "CONNECT %s:%s HTTP/1.0\r\n",
	    host, port);
	if (n < 0 || (size_t)n >= size || n >= HTTP_LINE_MAX) {
		*errstr = "hostname too long";
		return (-1);
	}
	if ((m = http_put_fields(buf, size, n, f, nitems(f))) == -1 ||
	    (size_t)m + 2 >= size) {
		explicit_bzero(buf, size);
		*errstr = "Proxy auth response too long";
		return (-1);
	}
	memcpy(buf + m, "\r\n", 3);
	return (m + 2);
}

/* The number in len bytes at v, digits only (a length, a port), or -1. */
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
 * Split "http://host[:port][/path]" in place into r's host (brackets
 * dropped), port (80 by default) and path ("/" if empty).  Returns 0, or
 * -1 with *errstr.
 */
static int
http_parse_uri(const char *uri, struct http_request *r, const char **errstr)
{
	const char	*auth, *path, *colon, *hend;
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
		if ((hend = memchr(auth, ']', path - auth)) == NULL)
			goto badhost;
		colon = hend + 1;
		if (colon != path && *colon != ':')
			goto badhost;
	} else {
		colon = memchr(auth, ':', path - auth);
		hend = colon != NULL ? colon : path;
	}
	hlen = hend - auth;
	if (hlen == 0 || hlen >= sizeof(r->hostbuf))
		goto badhost;
	memcpy(r->hostbuf, auth, hlen);
	r->hostbuf[hlen] = '\0';
	r->host = r->hostbuf;
	r->port = 80;
	if (colon != NULL && colon != path && colon + 1 != path) {
		n = http_length(colon + 1, path - colon - 1);
		if (n < 1 || n > 65535) {
			*errstr = "bad port";
			return (-1);
		}
		r->port = n;
	}
	return (0);

badhost:
	*errstr = "bad host";
	return (-1);
}

/*
 * Read Transfer-Encoding value f into r: chunked once, and last (RFC 9112,
 * 6.1).  Returns 0, or -1 with *errstr.
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
 * Where a forwarded request's body ends (RFC 9112, 6.3), into r as
 * http_parse_request() cleared it.  A request that reads two ways is
 * refused, so the proxy and origin agree where the next one starts.
 * Returns 0, or -1 with *errstr.
 */
static int
http_request_body(struct http_request *r, const char **errstr)
{
	struct http_field	 f;
	const char		*p = r->headers;
	long long		 n;
	int			 te = 0;

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
 * Parse request head h (hlen bytes): its line into r->line, r->headers at
 * its header lines; CONNECT's target split, an absolute-URI GET, HEAD or
 * POST marked r->forward with host, port and path.  A head another reader
 * could read otherwise (http_head_check()) is refused.  Returns 0, or the
 * status to refuse with (HTTP_BAD_REQUEST, HTTP_BAD_METHOD,
 * HTTP_URI_TOO_LONG) and *errstr.
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
 * Does a Connection line of headers name f as hop-by-hop (RFC 9110,
 * 7.6.1)?  Never the body's framing fields.
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
 * Write forward request r into buf as the origin gets it: origin-form
 * line, the URI's Host (as ncat), the headers less the proxy's and
 * hop-by-hop ones, and "Connection: close" (a connection per request, as
 * ncat).  Returns the length, or -1 when it does not fit.
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
 * Split CONNECT target host:port or [v6]:port in place; port 1 to 65535.
 * Returns 0, or -1 with *errstr.
 */
int
http_parse_target(char *target, char **host, uint16_t *port,
    const char **errstr)
{
	char		*colon;
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
	n = http_length(colon, strlen(colon));
	if (n < 1 || n > 65535 || target[0] == '\0' ||
	    strlen(target) > HTTP_HOST_MAX) {
		*errstr = "bad host or port";
		return (-1);
	}
	*host = target;
	*port = n;
	return (0);
}

/* Clear r to read the header lines of an HTTP/1.minor reply. */
void
http_reply_init(struct http_reply *r, int minor)
{
	memset(r, 0, sizeof(*r));
	r->clen = -1;
	r->minor = minor;
}

/* Take one reply header line (NUL-terminated, no line end) into r. */
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
		r->close |= http_list_has(v, "close");
		r->keepalive |= http_list_has(v, "keep-alive");
	}
}

/*
 * May another request follow once r->clen body bytes are read?  Not when
 * the proxy closes, nor without a sound Content-Length.
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

/* Mark c broken for why.  Returns -1. */
static int
http_chunked_bad(struct http_chunked *c, const char *why)
{
	c->state = HC_BAD;
	c->why = why;
	return (-1);
}

/* Is ch a control character other than tab? */
static int
http_ctl(unsigned char ch)
{
	return ((ch < 0x20 && ch != '\t') || ch == 0x7f);
}

/* Step c past the line end it is at. */
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
 * Feed one byte of a chunked body's lines (c not in HC_DATA).  Returns -1
 * when it breaks the coding, c->why saying how.  A CR only ends a line.
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
 * Feed n bytes at p to chunked body c (RFC 9112, 7.1; sizes to
 * HTTP_CHUNK_MAX, trailers to HTTP_TRAILER_MAX).  Returns how many belong
 * to the body: fewer than n when it is done (HC_DONE) or broken (HC_BAD,
 * c->why; the first bad byte at that offset).  The result does not depend
 * on how the bytes are split.
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
