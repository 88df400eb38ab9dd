/*
 * The HTTP/1 head (RFC 9112) as pure functions: its end, first line,
 * header lines, value lists and a server's answers, for every head sockcat
 * reads or writes; tests/fuzz/http.c feeds them.  A head need not be a
 * string: nothing reads past its empty line.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

/*
 * Where the head at p (len bytes so far, buffer of size) ends, empty line
 * included.  Returns its length, 0 while more may come, or -1 when it
 * cannot fit, with *status (HTTP_URI_TOO_LONG or HTTP_TOO_LARGE) and
 * *errstr.
 */
ssize_t
http_head_end(const unsigned char *p, size_t len, size_t size, int *status,
    const char **errstr)
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
	if (len < size)
		return (0);
	*status = memchr(p, '\n', len) == NULL ? HTTP_URI_TOO_LONG :
	    HTTP_TOO_LARGE;
	*errstr = *status == HTTP_URI_TOO_LONG ? "request target too long" :
	    "request too large";
	return (-1);
}

/*
 * Does every reader read head h alike: no NUL, no bare CR, no folded line,
 * no blank before a colon (RFC 9112, 2.2, 5.1, 5.2)?  Returns 0, or -1
 * with *errstr.
 */
int
http_head_check(const char *h, size_t len, const char **errstr)
{
	const char	*p, *cr;
	size_t		 n;

	if (memchr(h, '\0', len) != NULL) {
		*errstr = "NUL in request";
		return (-1);
	}
	for (cr = h; (cr = memchr(cr, '\r', h + len - cr)) != NULL; cr++) {
		if (cr + 1 == h + len || cr[1] != '\n') {
			*errstr = "bare CR in request";
			return (-1);
		}
	}
	for (p = http_fields(h); *p != '\r' && *p != '\n' && *p != '\0';
	    p = http_fields(p)) {
		if (*p == ' ' || *p == '\t') {
			*errstr = "folded header line";
			return (-1);
		}
		n = strcspn(p, ":\r\n \t");
		if (n == 0 || p[n] != ':') {
			*errstr = "bad header line";
			return (-1);
		}
	}
	return (0);
}

/* What follows h's first line: a head's header lines, a line's next. */
const char *
http_fields(const char *h)
{
	h += strcspn(h, "\n");
	return (*h == '\n' ? h + 1 : h);
}

/*
 * The minor version if s starts "HTTP/1.DIGIT", else -1, reading no byte
 * past the first that differs.
 */
static int
http_version(const char *s)
{
	const char	*v = "HTTP/1.";

	while (*v != '\0' && *s == *v) {
		s++;
		v++;
	}
	return (*v == '\0' && *s >= '0' && *s <= '9' ? *s - '0' : -1);
}

/*
 * Parse h's "METHOD TARGET HTTP/1.x" into l (copies).  Returns 0, or the
 * status to refuse with (HTTP_BAD_REQUEST, HTTP_URI_TOO_LONG) and *errstr.
 */
int
http_request_line(const char *h, struct http_line *l, const char **errstr)
{
	const char	*t;
	size_t		 n, tn;

	memset(l, 0, sizeof(*l));
	*errstr = "bad request line";
	n = strcspn(h, " \r\n");
	if (h[n] != ' ' || n == 0 || n >= sizeof(l->method))
		return (HTTP_BAD_REQUEST);
	t = h + n + 1;
	tn = strcspn(t, " \r\n");
	if (t[tn] != ' ' || tn == 0 || (l->minor = http_version(t + tn +
	    1)) == -1 || (t[tn + 9] != '\r' && t[tn + 9] != '\n'))
		return (HTTP_BAD_REQUEST);
	if (tn >= sizeof(l->target)) {
		*errstr = "request target too long";
		return (HTTP_URI_TOO_LONG);
	}
	memcpy(l->method, h, n);
	memcpy(l->target, t, tn);
	return (0);
}

/* The status (100 to 999) of status line h, *minor its version; or -1. */
int
http_status_line(const char *h, int *minor)
{
	const char	*c = h + 9;
	int		 i, status = 0;

	if ((*minor = http_version(h)) == -1 || h[8] != ' ')
		return (-1);
	for (i = 0; i < 3; i++) {
		if (c[i] < '0' || c[i] > '9')
			return (-1);
		status = status * 10 + c[i] - '0';
	}
	/* strchr() finds the NUL too: the line may end there. */
	if (status < 100 || strchr(" \r\n", c[3]) == NULL)
		return (-1);
	return (status);
}

/*
 * Read the header line at *p into f (name and trimmed value as pointers
 * into the head; f->nlen 0 if malformed) and advance *p.  Returns 1, or 0
 * at the head's end.
 */
int
http_field_next(const char **p, struct http_field *f)
{
	const char	*s = *p;
	size_t		 len, n;

	len = strcspn(s, "\n");
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len == 0)
		return (0);
	memset(f, 0, sizeof(*f));
	f->name = f->value = s;
	n = strcspn(s, ":\n");
	if (n < len && n > 0) {
		f->nlen = n;
		f->value = s + n + 1;
		f->vlen = len - n - 1;
		while (f->vlen > 0 && (*f->value == ' ' || *f->value == '\t')) {
			f->value++;
			f->vlen--;
		}
		while (f->vlen > 0 && (f->value[f->vlen - 1] == ' ' ||
		    f->value[f->vlen - 1] == '\t'))
			f->vlen--;
	}
	*p = http_fields(s);
	return (1);
}

/* Is f the header field name (any case)? */
int
http_field_is(const struct http_field *f, const char *name)
{
	size_t	 n = strlen(name);

	return (f->nlen == n && strncasecmp(f->name, name, n) == 0);
}

/*
 * Every value of field name in h, joined with ", ", in out (outsz bytes).
 * Returns 1 if found, 0 if absent, -1 if it does not fit.
 */
int
http_field_get(const char *h, const char *name, char *out, size_t outsz)
{
	struct http_field	 f;
	const char		*p = http_fields(h);
	size_t			 used = 0, sep;
	int			 found = 0;

	*out = '\0';
	while (http_field_next(&p, &f)) {
		if (!http_field_is(&f, name))
			continue;
		sep = found ? 2 : 0;
		if (used + sep + f.vlen + 1 > outsz)
			return (-1);
		memcpy(out + used, ", ", sep);
		memcpy(out + used + sep, f.value, f.vlen);
		used += sep + f.vlen;
		out[used] = '\0';
		found = 1;
	}
	return (found);
}

/* Does field name of head h (up to 512 bytes) list token tok? */
int
http_field_lists(const char *h, const char *name, const char *tok)
{
	char	 v[512];

	return (http_field_get(h, name, v, sizeof(v)) == 1 &&
	    http_list_has(v, tok));
}

/*
 * The next non-empty element of the list at *p before end, trimmed, its
 * length in *len; *p moves past it.  NULL at the end.
 */
const char *
http_list_next(const char **p, const char *end, size_t *len)
{
	const char	*s = *p, *e;

	while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
		s++;
	if (s >= end) {
		*p = end;
		return (NULL);
	}
	for (e = s; e < end && *e != ','; e++)
		;
	*p = e;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*len = e - s;
	return (s);
}

/* Does comma-separated list (NULL: none) hold token tok (any case)? */
int
http_list_has(const char *list, const char *tok)
{
	const char	*p = list, *end, *e;
	size_t		 n, tlen = strlen(tok);

	if (list == NULL)
		return (0);
	end = list + strlen(list);

	while ((e = http_list_next(&p, end, &n)) != NULL) {
		if (n == tlen && strncasecmp(e, tok, n) == 0)
			return (1);
	}
	return (0);
}

/* The reason phrase of a status our servers send, or "". */
const char *
http_reason(int status)
{
	static const struct {
		int		 status;
		const char	*text;
	} reasons[] = {
		{ HTTP_SWITCHING, "Switching Protocols" },
		{ HTTP_OK, "OK" },
		{ HTTP_NO_CONTENT, "No Content" },
		{ HTTP_BAD_REQUEST, "Bad Request" },
		{ HTTP_UNAUTHORIZED, "Unauthorized" },
		{ HTTP_FORBIDDEN, "Forbidden" },
		{ HTTP_NOT_FOUND, "Not Found" },
		{ HTTP_BAD_METHOD, "Method Not Allowed" },
		{ HTTP_AUTH_REQUIRED, "Proxy Authentication Required" },
		{ HTTP_TIMEOUT, "Request Timeout" },
		{ HTTP_URI_TOO_LONG, "URI Too Long" },
		{ HTTP_UPGRADE_REQUIRED, "Upgrade Required" },
		{ HTTP_TOO_MANY, "Too Many Requests" },
		{ HTTP_TOO_LARGE, "Request Header Fields Too Large" },
		{ HTTP_BAD_GATEWAY, "Bad Gateway" },
		{ HTTP_UNAVAILABLE, "Service Unavailable" },
		{ HTTP_GATEWAY_TIMEOUT, "Gateway Timeout" },
	};
	size_t	 i;

	for (i = 0; i < nitems(reasons); i++) {
		if (reasons[i].status == status)
			return (reasons[i].text);
	}
	return ("");
}

/*
 * Append the n fields f, each { name, value } ("name: value" and CR LF;
 * none when value is NULL), to out (outsz bytes, used held).  Returns the
 * new length, or -1 when they do not fit.
 */
ssize_t
http_put_fields(char *out, size_t outsz, size_t used,
    const char *const f[][2], size_t n)
{
	size_t	 i;
	int	 m;

	for (i = 0; i < n; i++) {
		if (f[i][1] == NULL)
			continue;
		m = snprintf(out + used, outsz - used, "%s: %s\r\n", f[i][0],
		    f[i][1]);
		if (m < 0 || (size_t)m >= outsz - used)
			return (-1);
		used += m;
	}
	return (used);
}

/*
 * Append n header lines, each with CR LF, to out (outsz bytes, used held);
 * with errstr each is checked first.  Returns the new length, or -1 when
 * they do not fit or (with *errstr) a line is bad.
 */
ssize_t
http_put_lines(char *out, size_t outsz, size_t used, char *const *lines,
    size_t n, const char **errstr)
{
	size_t	 i;
	int	 m;

	for (i = 0; i < n; i++) {
		if (errstr != NULL && (strpbrk(lines[i], "\r\n") != NULL ||
		    strchr(lines[i], ':') == NULL)) {
			*errstr = "a header must be one \"Name: value\" line";
			return (-1);
		}
		m = snprintf(out + used, outsz - used, "%s\r\n", lines[i]);
		if (m < 0 || (size_t)m >= outsz - used)
			return (-1);
		used += m;
	}
	return (used);
}

/*
 * Write answer a into out (outsz bytes): status line, fields, Content-Type
 * and Content-Length (none when -1), "Connection: close" with HTTP_CLOSE,
 * and the body unless HTTP_HEAD_ONLY.  Returns its length, or -1.
 */
ssize_t
http_encode_answer(char *out, size_t outsz, const struct http_answer *a)
{
	long long	 len = a->body != NULL ? (long long)strlen(a->body) :
			    a->length;
	char		 clen[48] = "";
	ssize_t		 n;
	int		 m;

	n = snprintf(out, outsz, "HTTP/1.1 %d %s\r\n%s", a->status,
	    a->reason != NULL ? a->reason : http_reason(a->status),
	    a->fields != NULL ? a->fields : "");
	if (n < 0 || (size_t)n >= outsz)
		return (-1);
	if (len >= 0)
		snprintf(clen, sizeof(clen), "Content-Length: %lld\r\n", len);
	m = snprintf(out + n, outsz - n, "%s%s%s%s%s\r\n%s",
	    a->type != NULL ? "Content-Type: " : "",
	    a->type != NULL ? a->type : "", a->type != NULL ? "\r\n" : "",
	    clen, a->flags & HTTP_CLOSE ? "Connection: close\r\n" : "",
	    a->body != NULL && !(a->flags & HTTP_HEAD_ONLY) ? a->body : "");
	if (m < 0 || (size_t)m >= outsz - n)
		return (-1);
	return (n + m);
}

/*
 * Write a refusal into out (outsz bytes): status, fields (CR LF ended;
 * NULL: none) and a one-line body unless HTTP_HEAD_ONLY.  Returns its
 * length, or -1.
 */
ssize_t
http_encode_refusal(char *out, size_t outsz, int status, const char *fields,
    const char *why, int flags)
{
	struct http_answer	 a = {
		.status = status,
		.fields = fields,
		.type = "text/plain; charset=utf-8",
		.flags = flags | HTTP_CLOSE,
	};
	char			 body[256];

	/* A reason too long for the room is cut: the length says so. */
	if (snprintf(body, sizeof(body), "%s\n", why) < 0)
		return (-1);
	a.body = body;
	return (http_encode_answer(out, outsz, &a));
}
