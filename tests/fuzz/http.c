/*
 * Fuzz target: the HTTP/1 head codec (src/codec/httphead.c) that every
 * server and client of sockcat reads and writes heads with.  Any bytes
 * are a head whose end is found, whose request or status line is parsed,
 * whose header lines are walked and looked up by name, whose values are
 * read as lists; then the fields found are written into an answer,
 * which must read back the same: its status, each field, its length and
 * its body.  Nothing reads past the input, and every piece given back
 * lies within it.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_LINES	16	/* the fields written back */

/* Is [p, p + n) within [in, in + size)? */
static int
within(const char *in, size_t size, const char *p, size_t n)
{
	return (p >= in && p + n <= in + size);
}

/* The head's end: an empty line, and no earlier one. */
static void
check_end(const uint8_t *data, size_t size)
{
	const char	*why = NULL;
	ssize_t		 n;
	int		 status = 0;

	n = http_head_end(data, size, size, &status, &why);
	if (n == -1 && (why == NULL ||
	    (status != HTTP_URI_TOO_LONG && status != HTTP_TOO_LARGE)))
		abort();
	if (n > 0 && ((size_t)n > size || data[n - 1] != '\n' ||
	    http_head_end(data, n - 1, n, &status, &why) != 0))
		abort();
	/* A buffer with room left asks for more, never refuses. */
	if (http_head_end(data, size, size + 1, &status, &why) == -1)
		abort();
}

/* The request line: a method and a target of the line's own bytes. */
static void
check_request(const char *in, size_t size)
{
	struct http_line	 l;
	const char		*why = NULL;
	size_t			 m, t;
	int			 st;

	if ((st = http_request_line(in, &l, &why)) != 0) {
		if (why == NULL || (st != HTTP_BAD_REQUEST &&
		    st != HTTP_URI_TOO_LONG))
			abort();
		return;
	}
	m = strlen(l.method);
	t = strlen(l.target);
	if (m == 0 || t == 0 || m + 1 + t + 9 > size ||
	    memcmp(in, l.method, m) != 0 || in[m] != ' ' ||
	    memcmp(in + m + 1, l.target, t) != 0 || in[m + 1 + t] != ' ' ||
	    strpbrk(l.method, " \r\n") != NULL ||
	    strpbrk(l.target, " \r\n") != NULL ||
	    l.minor < 0 || l.minor > 9)
		abort();
}

/* Each element of the list v, n bytes: trimmed, no comma, found. */
static void
check_list(const char *v, size_t n)
{
	char		 copy[256], tok[256];
	const char	*p, *e;
	size_t		 len, k = 0;

	if (n >= sizeof(copy))
		return;
	memcpy(copy, v, n);
	copy[n] = '\0';
	for (p = copy; (e = http_list_next(&p, copy + n, &len)) != NULL;
	    k++) {
		if (len == 0 || !within(copy, n, e, len) || p < e + len ||
		    memchr(e, ',', len) != NULL || e[0] == ' ' ||
		    e[0] == '\t' || e[len - 1] == ' ' || e[len - 1] == '\t')
			abort();
		memcpy(tok, e, len);
		tok[len] = '\0';
		if (!http_list_has(copy, tok))
			abort();
		if (k > n)
			abort();
	}
}

/*
 * The answer of status with the fields f (as lines) and body: it reads
 * back as written.
 */
static void
check_answer(int status, struct http_field *f, size_t nf, const char *body,
    int flags)
{
	struct http_answer	 a = { .status = status, .body = body,
	    .type = "text/plain", .flags = flags };
	char			*lines[MAX_LINES], out[HTTP_HEAD_MAX * 2];
	char			 fields[HTTP_HEAD_MAX * 2];
	char			 v[HTTP_HEAD_MAX], name[256], want[32];
	const char		*why;
	ssize_t			 n, h;
	size_t			 i;
	int			 minor, st;

	for (i = 0; i < nf; i++) {
		if (asprintf(&lines[i], "%.*s: %.*s", (int)f[i].nlen,
		    f[i].name, (int)f[i].vlen, f[i].value) == -1)
			abort();
	}
	/* No line appended (nf 0) leaves fields as it was: empty. */
	fields[0] = '\0';
	if (http_put_lines(fields, sizeof(fields), 0, lines, nf, NULL) == -1)
		goto done;
	a.fields = fields;
	if ((n = http_encode_answer(out, sizeof(out) - 1, &a)) == -1)
		goto done;
	out[n] = '\0';
	h = http_head_end((unsigned char *)out, n, n, &st, &why);
	if (http_status_line(out, &minor) != status || minor != 1 || h <= 0 ||
	    strcmp(out + h, flags & HTTP_HEAD_ONLY ? "" : body) != 0 ||
	    http_head_check(out, h, &why) == -1)
		abort();
	/* The length of the body, said once, whatever the fields said. */
	snprintf(want, sizeof(want), "%zu", strlen(body));
	if (http_field_get(out, "Content-Length", v, sizeof(v)) != 1 ||
	    strcmp(v, want) != 0)
		abort();
	for (i = 0; i < nf; i++) {
		snprintf(name, sizeof(name), "%.*s", (int)f[i].nlen,
		    f[i].name);
		if (http_field_get(out, name, v, sizeof(v)) != 1)
			abort();
	}
done:
	for (i = 0; i < nf; i++)
		free(lines[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_field	 f, keep[MAX_LINES];
	char			*in, v[HTTP_HEAD_MAX], name[64];
	const char		*p, *q, *why;
	size_t			 nf = 0, lines = 0;
	int			 status, minor;

	check_end(data, size);
	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((in = malloc(size + 1)) == NULL)
		return (0);
	memcpy(in, data, size);
	in[size] = '\0';
	check_request(in, size);
	status = http_status_line(in, &minor);
	if (status != -1 && (status < 100 || status > 999 || minor < 0 ||
	    minor > 9))
		abort();
	(void)http_head_check(in, size, &why);
	for (p = http_fields(in); (q = p, http_field_next(&p, &f)); lines++) {
		if (p <= q || !within(in, size, f.name, f.nlen) ||
		    !within(in, size, f.value, f.vlen) ||
		    memchr(f.name, ':', f.nlen) != NULL ||
		    memchr(f.value, '\n', f.vlen) != NULL ||
		    (f.vlen > 0 && (strchr(" \t", f.value[0]) != NULL ||
		    strchr(" \t", f.value[f.vlen - 1]) != NULL)) ||
		    lines > size)
			abort();
		if (f.nlen == 0)
			continue;
		check_list(f.value, f.vlen);
		/* Found by its name. */
		if (f.nlen < sizeof(name)) {
			memcpy(name, f.name, f.nlen);
			name[f.nlen] = '\0';
			if (http_field_get(in, name, v, sizeof(v)) == 0 ||
			    !http_field_is(&f, name))
				abort();
		}
		/* What an answer may carry is written back. */
		if (nf < MAX_LINES && f.nlen < sizeof(name) &&
		    memchr(f.name, '\r', f.nlen) == NULL &&
		    memchr(f.value, '\r', f.vlen) == NULL &&
		    strcspn(f.name, " \t") >= f.nlen &&
		    !http_field_is(&f, "Content-Length") &&
		    !http_field_is(&f, "Content-Type"))
			keep[nf++] = f;
	}
	if (strlen(http_reason(status)) > 40)
		abort();
	check_answer(status >= 100 ? status : HTTP_OK, keep, nf,
	    in + strcspn(in, "\n"), size > 0 && (data[0] & 1) ?
	    HTTP_HEAD_ONLY : HTTP_CLOSE);
	free(in);
	return (0);
}
