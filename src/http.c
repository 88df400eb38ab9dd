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
 * HTTP CONNECT (RFC 9110, section 9.3.6) as pure functions over bytes:
 * the request the proxy client sends and the server parses, the replies,
 * Basic credentials.  Nothing here reads, writes or resolves; src/proxy.c,
 * src/proxyd.c and the fuzz targets share it.
 *
 * Line ends are CR LF or a bare LF, as many clients send them.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sockcat.h"

/*
 * Standard base64 of len bytes of in, NUL-terminated in out, which must
 * hold 4 * ((len + 2) / 3) + 1 bytes.
 */
void
http_base64(const unsigned char *in, size_t len, char *out)
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
 * The Basic credentials of user and pass, base64 in out (of size
 * HTTP_BASIC_MAX).  Returns 0, or -1 when they are too long.
 */
int
http_basic(const char *user, const char *pass, char *out)
{
	char	 cred[2 * HTTP_CRED_MAX + 2];
	int	 n;

	if (strlen(user) > HTTP_CRED_MAX || strlen(pass) > HTTP_CRED_MAX)
		return (-1);
	n = snprintf(cred, sizeof(cred), "%s:%s", user, pass);
	if (n < 0 || (size_t)n >= sizeof(cred))
		return (-1);
	http_base64((unsigned char *)cred, n, out);
	explicit_bzero(cred, sizeof(cred));
	return (0);
}

/*
 * A CONNECT request for host (an IPv6 address is put in brackets) and
 * port, with Basic credentials when basic is not NULL, and the empty line
 * that ends it.  Returns the length written to buf, or -1 with *errstr.
 */
ssize_t
http_encode_connect(char *buf, size_t size, const char *host,
    const char *port, const char *basic, const char **errstr)
{
	int	 n, m;

	if (strchr(host, ':') != NULL)
		n = snprintf(buf, size, "CONNECT [%s]:%s HTTP/1.0\r\n", host,
		    port);
	else
		n = snprintf(buf, size, "CONNECT %s:%s HTTP/1.0\r\n", host,
		    port);
	if (n < 0 || (size_t)n >= size || n >= HTTP_LINE_MAX) {
		*errstr = "hostname too long";
		return (-1);
	}
	if (basic != NULL) {
		m = snprintf(buf + n, size - n,
		    "Proxy-Authorization: Basic %s\r\n", basic);
		if (m < 0 || (size_t)m >= size - n || m >= HTTP_LINE_MAX) {
			explicit_bzero(buf, size);
			*errstr = "Proxy auth response too long";
			return (-1);
		}
		n += m;
	}
	if ((size_t)n + 2 >= size) {
		explicit_bzero(buf, size);
		*errstr = "Proxy auth response too long";
		return (-1);
	}
	memcpy(buf + n, "\r\n", 3);
	return (n + 2);
}

/*
 * What a proxy's status line says, compared as netcat compares it:
 * HTTP_OK for "HTTP/1.x 200", HTTP_AUTH_REQUIRED for "HTTP/1.x 407 ",
 * and -1 for anything else.
 */
int
http_reply_status(const char *line)
{
	if (strncmp(line, "HTTP/1.0 200", 12) == 0 ||
	    strncmp(line, "HTTP/1.1 200", 12) == 0)
		return (HTTP_OK);
	if (strncmp(line, "HTTP/1.0 407 ", 13) == 0 ||
	    strncmp(line, "HTTP/1.1 407 ", 13) == 0)
		return (HTTP_AUTH_REQUIRED);
	return (-1);
}

/*
 * The length of the header block at p, up to and including the empty line
 * that ends it (CR LF or a bare LF), or 0 when that has not come yet.
 */
size_t
http_head_len(const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < len && p[i + 1] == '\n')
			return (i + 2);
		if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
			return (i + 3);
	}
	return (0);
}

/*
 * The value of header name in the header lines h (a NUL-terminated
 * string), NUL-terminated in place, or NULL.
 */
char *
http_header(char *h, const char *name)
{
	size_t	 len = strlen(name);
	char	*line, *v;

	for (line = h; line != NULL; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncasecmp(line, name, len) != 0 || line[len] != ':')
			continue;
		for (v = line + len + 1; *v == ' ' || *v == '\t'; v++)
			;
		v[strcspn(v, "\r\n")] = '\0';
		return (v);
	}
	return (NULL);
}

/*
 * Parse the header block h of hlen bytes (http_head_len()), which is
 * rewritten in place: r->target points to the request target, r->headers
 * to the rest, both NUL-terminated.  Returns 0 for a CONNECT request, or
 * the status to refuse it with (HTTP_BAD_REQUEST, HTTP_BAD_METHOD) and
 * *errstr.
 */
int
http_parse_request(char *h, size_t hlen, struct http_request *r,
    const char **errstr)
{
	char	*line, *method, *target, *version;

	/* The empty line goes: h is then a string of the lines. */
	if (hlen > 0 && h[hlen - 1] == '\n')
		hlen--;
	if (hlen > 0 && h[hlen - 1] == '\r')
		hlen--;
	h[hlen] = '\0';
	if (memchr(h, '\0', hlen) != NULL) {
		*errstr = "NUL in request";
		return (HTTP_BAD_REQUEST);
	}
	line = h;
	method = strsep(&line, " ");
	target = strsep(&line, " ");
	version = line != NULL ? strsep(&line, "\r\n") : NULL;
	/* After a CR comes its LF. */
	if (line != NULL && *line == '\n')
		line++;
	if (target == NULL || version == NULL ||
	    strncmp(version, "HTTP/1.", 7) != 0) {
		*errstr = "bad request line";
		return (HTTP_BAD_REQUEST);
	}
	if (strcmp(method, "CONNECT") != 0) {
		*errstr = "method not allowed";
		return (HTTP_BAD_METHOD);
	}
	r->target = target;
	r->headers = line != NULL ? line : version + strlen(version);
	return (0);
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
 * A reply with status (its code and reason, "200 Connection established")
 * and an optional extra header line.  Returns its length, or -1.
 */
ssize_t
http_encode_reply(char *buf, size_t size, const char *status,
    const char *extra)
{
	int	 n;

	n = snprintf(buf, size, "HTTP/1.1 %s\r\n%s%s\r\n", status,
	    extra != NULL ? extra : "", extra != NULL ? "\r\n" : "");
	if (n < 0 || (size_t)n >= size)
		return (-1);
	return (n);
}
