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
 * Fuzz target: what a SOCKS4, SOCKS4a, SOCKS5 or HTTP CONNECT proxy
 * answers, as the client of src/proxy.c reads it.  The first byte picks the
 * protocol and whether a user and password are given; the rest is the
 * proxy's side of the conversation, waiting in a socket.  The client must
 * accept or refuse with a message, never read past the reply it accepts,
 * and a SOCKS5 reply it accepts must have the length its address type
 * says.  Names are never resolved (-n).  The file is included so that its
 * static functions can be reached (its public ones renamed, as src/proxy.c
 * is linked too).
 */

#include <sys/types.h>
#include <sys/socket.h>

#define proxy_parse_proto	fz_proxy_parse_proto
#define proxy_default_port	fz_proxy_default_port
#define proxy_parse_addr	fz_proxy_parse_addr
#define proxy_base64		fz_proxy_base64
#define socks5_strerror		fz_socks5_strerror
#define proxy_connect		fz_proxy_connect

#include "../../src/proxy.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What a SOCKS5 exchange takes from the proxy, or 0 if it is not valid. */
static size_t
socks5_len(const uint8_t *p, size_t n, int user)
{
	size_t	 off = 2, need;

	if (n < 2 || p[0] != 5)
		return (0);
	if (user && p[1] == 2) {
		if (n < 4 || p[3] != 0)
			return (0);
		off = 4;
	} else if (p[1] != 0)
		return (0);
	if (n < off + 5 || p[off] != 5 || p[off + 1] != 0)
		return (0);
	switch (p[off + 3]) {
	case 1:
		need = off + 4 + 4 + 2;
		break;
	case 4:
		need = off + 4 + 16 + 2;
		break;
	case 3:
		need = off + 4 + 1 + p[off + 4] + 2;
		break;
	default:
		return (0);
	}
	return (need <= n ? need : 0);
}

/*
 * Are the n bytes at p a 200 status line, headers and an empty line, with
 * CRs ignored wherever they are (as netcat ignores them)?
 */
static int
http_ok(const uint8_t *p, size_t n)
{
	char	 line[16];
	size_t	 i, k = 0, len = 0;

	for (i = 0; i < n && p[i] != '\n'; i++) {
		if (p[i] != '\r' && k < sizeof(line) - 1)
			line[k++] = p[i];
	}
	line[k] = '\0';
	if (strncmp(line, "HTTP/1.0 200", 12) != 0 &&
	    strncmp(line, "HTTP/1.1 200", 12) != 0)
		return (0);
	if (n == 0 || p[n - 1] != '\n')
		return (0);
	/* The last line is empty. */
	for (i = n - 1; i > 0 && p[i - 1] != '\n'; i--) {
		if (p[i - 1] != '\r')
			len++;
	}
	return (len == 0 && i > 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 protos[] = { PROXY_SOCKS4, PROXY_SOCKS4A,
				    PROXY_SOCKS5, PROXY_HTTP };
	struct options		 o = { .proxy_host = "proxy", .numeric = 1 };
	struct proxy_auth	 a = { .user = NULL };
	const char		*host;
	char			*cause = NULL, rest[64];
	int			 sv[2], r, user;
	size_t			 n, left = 0;
	ssize_t			 k;

	if (size < 1 || size > 65536)
		return (0);
	o.proxy_proto = protos[data[0] & 3];
	user = (data[0] >> 2) & 1;
	host = (data[0] >> 3) & 1 ? "127.0.0.1" : "example.org";
	if (user) {
		a.user = "user";
		strlcpy(a.pass, "secret", sizeof(a.pass));
		a.fixed = 1;
	}
	data++;
	size--;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	for (n = 0; n < size; n += k) {
		if ((k = write(sv[1], data + n, size - n)) <= 0)
			abort();
	}
	shutdown(sv[1], SHUT_WR);

	if (o.proxy_proto == PROXY_HTTP)
		r = proxy_http(&o, sv[0], host, "80", &a, 1, &cause);
	else if (o.proxy_proto == PROXY_SOCKS5)
		r = proxy_socks5(&o, sv[0], host, "80", &a, &cause);
	else
		r = proxy_socks4(&o, sv[0], host, "80", &a, &cause);

	if (r == 0) {
		if (cause != NULL)
			abort();
		while ((k = read(sv[0], rest, sizeof(rest))) > 0)
			left += k;
		n = size - left;
		switch (o.proxy_proto) {
		case PROXY_HTTP:
			/* A status line, headers, an empty line (CRs ignored). */
			if (!http_ok(data, n))
				abort();
			break;
		case PROXY_SOCKS5:
			if (n != socks5_len(data, size, user))
				abort();
			break;
		default:
			if (n != 8 || data[1] != SOCKS4_GRANTED)
				abort();
			break;
		}
	} else if (r == PROXY_AGAIN) {
		if (o.proxy_proto != PROXY_HTTP || !user || cause != NULL)
			abort();
	} else if (r != -1 || cause == NULL || *cause == '\0')
		abort();

	free(cause);
	close(sv[0]);
	close(sv[1]);
	return (0);
}
