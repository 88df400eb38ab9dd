/*
 * Fuzz target: SOCKS5 and HTTP CONNECT requests as the proxy server parses
 * them with the codecs of src/codec/socks.c and src/codec/http.c, fed in
 * pieces the fuzzer chooses, with and without credentials to check, as
 * src/modes/proxyd.c reads them into a buffer of its size.  A parser must
 * ask for more, refuse with a reason (and, for SOCKS5, a reply code it may
 * send), or name a destination: a host that is a non-empty string and a
 * port.  Whatever the pieces, the outcome is that of the whole.  With both
 * low bits of the first byte set, the input is also read as a forwarded
 * request's chunked body, whole and in the same pieces.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_CUTS	8
#define BUFSIZE		8192	/* as PCONN_BUFSIZE */

/* What a client's request came to. */
struct outcome {
	int		 done;		/* 0: more wanted, 1: refused, 2: ok */
	char		 host[HTTP_HOST_MAX + 1];
	unsigned	 port;
	size_t		 used;		/* bytes of requests consumed */
};

enum { GREETING, AUTH, REQUEST };

/* One step over in[0..len): returns how many bytes it consumed, or 0. */
static size_t
step_socks(int *state, int user, const unsigned char *in, size_t len,
    struct outcome *o)
{
	struct socks_userpass	 up;
	struct socks_request	 r;
	const char		*errstr = NULL;
	ssize_t			 n;
	int			 offered = -1;

	switch (*state) {
	case GREETING:
		n = socks5_parse_methods(in, len, user ? SOCKS5_AUTH_USERPASS :
		    SOCKS5_AUTH_NONE, &offered, &errstr);
		break;
	case AUTH:
		n = socks5_parse_userpass(in, len, &up, &errstr);
		break;
	default:
		n = socks5_parse_request(in, len, &r, &errstr);
		break;
	}
	if (n == -1) {
		if (errstr == NULL || *errstr == '\0')
			abort();
		if (*state == REQUEST && r.rep != -1 &&
		    r.rep != SOCKS5_REP_ATYP && r.rep != SOCKS5_REP_COMMAND &&
		    r.rep != SOCKS5_REP_HOSTUNREACH)
			abort();
		o->done = 1;
		return (0);
	}
	if (n <= 0)
		abort();
	if ((size_t)n > len)
		return (0);
	switch (*state) {
	case GREETING:
		if (offered == -1)
			abort();
		if (!offered) {
			o->done = 1;
			return (0);
		}
		*state = user ? AUTH : REQUEST;
		break;
	case AUTH:
		if (up.user != in + 2 || up.ulen > SOCKS_NAME_MAX ||
		    up.plen > SOCKS_NAME_MAX ||
		    up.pass + up.plen != in + n)
			abort();
		*state = REQUEST;
		break;
	default:
		if (memchr(r.host, '\0', sizeof(r.host)) == NULL ||
		    r.host[0] == '\0')
			abort();
		strlcpy(o->host, r.host, sizeof(o->host));
		o->port = r.port;
		o->done = 2;
		break;
	}
	return (n);
}

/* The head h of n bytes, as the server reads it. */
static void
head(const char *h, size_t n, int user, struct outcome *o)
{
	struct http_request	 r;
	char			 v[BUFSIZE], *host;
	const char		*errstr = NULL;
	uint16_t		 port;

	if (http_parse_request(h, n, &r, &errstr) != 0) {
		if (errstr == NULL)
			abort();
		o->done = 1;
		return;
	}
	if (r.headers < h || r.headers > h + n)
		abort();
	/* A forwarded request: its body's framing, and what the origin gets. */
	if (r.forward) {
		char	 fwd[BUFSIZE + 64];
		ssize_t	 m;

		if (r.clen < -1 || (r.chunked && r.clen != -1))
			abort();
		m = http_encode_forward(fwd, sizeof(fwd), &r);
		if (m != -1 && (m < 4 || (size_t)m >= sizeof(fwd) ||
		    memcmp(fwd + m - 4, "\r\n\r\n", 4) != 0))
			abort();
	}
	if (user && (http_field_get(h, "Proxy-Authorization", v,
	    sizeof(v)) != 1 || strcmp(v, "Basic dXNlcjpzZWNyZXQ=") != 0)) {
		if (strpbrk(v, "\r\n") != NULL)
			abort();
		o->done = 1;
		return;
	}
	if (http_parse_target(r.line.target, &host, &port, &errstr) == -1) {
		if (errstr == NULL)
			abort();
		o->done = 1;
		return;
	}
	if (host[0] == '\0' || strlen(host) > HTTP_HOST_MAX || port == 0)
		abort();
	strlcpy(o->host, host, sizeof(o->host));
	o->port = port;
	o->done = 2;
	o->used = n;
}

/* The header block in in[0..len), if complete. */
static void
step_http(const unsigned char *in, size_t len, int user, struct outcome *o)
{
	char			*h;
	const char		*errstr = NULL;
	const unsigned char	*lf;
	ssize_t			 n;
	int			 status;

	if ((n = http_head_end(in, len, BUFSIZE, &status, &errstr)) <= 0) {
		/* No empty line anywhere. */
		for (lf = in; (lf = memchr(lf, '\n', in + len - lf)) != NULL;
		    lf++) {
			if ((lf + 1 < in + len && lf[1] == '\n') ||
			    (lf + 2 < in + len && lf[1] == '\r' &&
			    lf[2] == '\n'))
				abort();
		}
		if ((n == -1) != (len == BUFSIZE))
			abort();
		if (len == BUFSIZE)
			o->done = 1;
		return;
	}
	if ((size_t)n > len || n < 2 || in[n - 1] != '\n')
		abort();
	/* Exactly the head, unterminated: nothing may read past its end. */
	if ((h = malloc(n)) == NULL)
		return;
	memcpy(h, in, n);
	head(h, n, user, o);
	free(h);
}

/* Feed in, cut at cuts[] (the last is its length), as the server reads it. */
static void
run(const uint8_t *in, const size_t *cuts, size_t ncuts,
    int http, int user, struct outcome *o)
{
	unsigned char	 buf[BUFSIZE];
	size_t		 len = 0, m, i, k;
	int		 state = GREETING;

	memset(o, 0, sizeof(*o));
	for (i = 0; i <= ncuts && o->done == 0; i++) {
		m = cuts[i + 1] - cuts[i];
		if (m > sizeof(buf) - len)
			m = sizeof(buf) - len;
		memcpy(buf + len, in + cuts[i], m);
		len += m;
		if (http) {
			step_http(buf, len, user, o);
			continue;
		}
		while (o->done == 0 && (k = step_socks(&state, user, buf, len,
		    o)) > 0) {
			memmove(buf, buf + k, len - k);
			len -= k;
			o->used += k;
		}
	}
}

/*
 * The input as a chunked body, read whole and in the pieces of cuts[]:
 * the same bytes are the body's, with the same ending, and the scanner
 * keeps its word (never more than it was given, a reason when broken,
 * nothing taken once over).
 */
static void
chunked(const uint8_t *in, const size_t *cuts, size_t ncuts)
{
	struct http_chunked	 whole, part;
	size_t			 a, b, i, k, used = 0;

	http_chunked_init(&whole);
	a = http_chunked_scan(&whole, in, cuts[ncuts + 1]);
	if (a > cuts[ncuts + 1] ||
	    (a < cuts[ncuts + 1] && whole.state != HC_DONE &&
	    whole.state != HC_BAD) ||
	    (whole.state == HC_BAD && whole.why == NULL))
		abort();
	if ((whole.state == HC_DONE || whole.state == HC_BAD) &&
	    http_chunked_scan(&whole, in, cuts[ncuts + 1]) != 0)
		abort();
	http_chunked_init(&part);
	for (i = 0; i <= ncuts; i++) {
		b = cuts[i + 1] - cuts[i];
		k = http_chunked_scan(&part, in + cuts[i], b);
		if (k > b)
			abort();
		used += k;
		if (k < b)
			break;
	}
	if (used != a || part.state != whole.state)
		abort();
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	 x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome	 whole, pieces;
	size_t		 cuts[MAX_CUTS + 2], none[2], ncuts, n, i;
	const uint8_t	*in;
	int		 http, user;

	if (size < 1)
		return (0);
	ncuts = (data[0] >> 2) % (MAX_CUTS + 1);
	if (size < 1 + ncuts)
		return (0);
	http = data[0] & 1;
	user = (data[0] >> 1) & 1;
	in = data + 1 + ncuts;
	n = size - 1 - ncuts;
	cuts[0] = 0;
	for (i = 0; i < ncuts; i++)
		cuts[i + 1] = n > 0 ? (size_t)data[1 + i] * n / 255 : 0;
	cuts[ncuts + 1] = n;
	qsort(cuts + 1, ncuts, sizeof(cuts[0]), cmp_size);
	none[0] = 0;
	none[1] = n;

	run(in, none, 0, http, user, &whole);
	run(in, cuts, ncuts, http, user, &pieces);
	if (http && user)
		chunked(in, cuts, ncuts);
	/*
	 * A buffer filled before the end is seen may refuse a request that
	 * one read would take whole only beyond BUFSIZE: both refuse.
	 */
	if (whole.done != pieces.done || (whole.done == 2 &&
	    (strcmp(whole.host, pieces.host) != 0 ||
	    whole.port != pieces.port || whole.used != pieces.used)))
		abort();
	return (0);
}
