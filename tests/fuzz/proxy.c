/*
 * Fuzz target: what a SOCKS4, SOCKS4a, SOCKS5 or HTTP CONNECT proxy
 * answers, as the proxy client's conversation (src/net/proxy.c, over the
 * codecs of src/codec/socks.c and src/codec/http.c) takes it.  The first
 * byte picks the protocol, the destination, and whether a user and
 * password are given or asked for; the rest is the proxy's side of the
 * conversation, given in the amounts the client asks for, including an
 * HTTP proxy's 407 with its Proxy-Authenticate challenges (the parser of
 * src/codec/http.c) and a body to read past before the client asks again
 * on the same connection.  The client must accept or refuse with a message,
 * never ask for bytes past the reply it accepts, and a SOCKS5 reply it
 * accepts must have the length its address type says; an HTTP reply it
 * accepts is the last one it read.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What a SOCKS5 exchange takes from the proxy, or 0 if it is not valid. */
static size_t
socks5_len(const uint8_t *p, size_t n, int user)
{
	size_t	 off = 2, need;

	if (n < 2 || p[0] != SOCKS_V5)
		return (0);
	if (user && p[1] == SOCKS5_AUTH_USERPASS) {
		if (n < 4 || p[3] != 0)
			return (0);
		off = 4;
	} else if (p[1] != SOCKS5_AUTH_NONE)
		return (0);
	if (n < off + 5 || p[off] != SOCKS_V5 || p[off + 1] != SOCKS5_REP_OK)
		return (0);
	switch (p[off + 3]) {
	case SOCKS5_ATYP_IPV4:
		need = off + 4 + 4 + 2;
		break;
	case SOCKS5_ATYP_IPV6:
		need = off + 4 + 16 + 2;
		break;
	case SOCKS5_ATYP_DOMAIN:
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
	/* "HTTP/1.x 200", then a space and its reason or the line's end. */
	if (k < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' ||
	    line[7] > '9' || memcmp(line + 8, " 200", 4) != 0 ||
	    (k > 12 && line[12] != ' ' && line[12] != '\0'))
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

/* The terminal's answer when a password is asked for. */
static int
ask(struct proxy_client *pc, char **cause)
{
	(void)cause;
	strlcpy(pc->pass, "secret", sizeof(pc->pass));
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 protos[] = { PROXY_SOCKS4, PROXY_SOCKS4A,
				    PROXY_SOCKS5, PROXY_HTTP };
	static const unsigned char a4[4] = { 127, 0, 0, 1 };
	struct proxy_client	 pc;
	char			*cause = NULL;
	int			 r, user;
	size_t			 n = 0, want, last = 0;

	if (size < 1 || size > 65536)
		return (0);
	memset(&pc, 0, sizeof(pc));
	pc.proto = protos[data[0] & 3];
	user = (data[0] >> 2) & 1;
	pc.host = (data[0] >> 3) & 1 ? "127.0.0.1" : "example.org";
	pc.port = "80";
	if (pc.proto == PROXY_SOCKS4)
		pc.addr4 = a4;
	if (user) {
		pc.user = "user";
		pc.ask = ask;
		if ((data[0] >> 4) & 1) {
			strlcpy(pc.pass, "secret", sizeof(pc.pass));
			pc.fixed = 1;
		}
	}
	/* As after a 407 on another connection: HTTP answers its challenge. */
	if (user && (data[0] >> 5) & 1) {
		pc.challenged = 1;
		pc.ch.scheme = HTTP_AUTH_BASIC + ((data[0] >> 6) & 3) %
		    HTTP_AUTH_DIGEST_SHA256;
		strlcpy(pc.ch.realm, "realm \"quoted\"", sizeof(pc.ch.realm));
		strlcpy(pc.ch.nonce, "n0nce", sizeof(pc.ch.nonce));
		pc.ch.has_opaque = (data[0] >> 7) & 1;
	}
	data++;
	size--;

	if (proxy_client_start(&pc, &cause) == -1 || pc.outlen == 0 ||
	    pc.outlen > sizeof(pc.out))
		abort();
	for (;;) {
		if ((want = proxy_client_want(&pc)) == 0)
			abort();
		if (want > size - n)
			want = size - n;
		if (want == 0) {
			/* The proxy closed the connection. */
			proxy_client_broken(&pc, EPIPE, &cause);
			r = PROXY_FAIL;
			break;
		}
		r = proxy_client_input(&pc, data + n, want, &cause);
		n += want;
		if (pc.outlen > sizeof(pc.out))
			abort();
		if (r != PROXY_MORE)
			break;
		/* A request again on the same connection: a new reply. */
		if (pc.proto == PROXY_HTTP && pc.outlen > 0) {
			if (!pc.challenged || !pc.authed)
				abort();
			last = n;
		}
	}

	if (r == PROXY_DONE) {
		if (cause != NULL || proxy_client_want(&pc) != 0)
			abort();
		switch (pc.proto) {
		case PROXY_HTTP:
			/* A status line, headers, an empty line (CRs ignored). */
			if (!http_ok(data + last, n - last))
				abort();
			break;
		case PROXY_SOCKS5:
			if (n != socks5_len(data, size, user))
				abort();
			break;
		default:
			if (n != SOCKS4_REPLY_LEN || data[1] != SOCKS4_GRANTED)
				abort();
			break;
		}
	} else if (r == PROXY_RETRY) {
		if (pc.proto != PROXY_HTTP || !user || cause != NULL)
			abort();
	} else if (r != PROXY_FAIL || cause == NULL || *cause == '\0')
		abort();

	proxy_client_clear(&pc);
	free(cause);
	return (0);
}
