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
 * Fuzz target: SOCKS5 and HTTP CONNECT requests as the proxy server of
 * src/proxyd.c parses them, fed in pieces the fuzzer chooses, with and
 * without credentials to check.  The state machine must ask for more,
 * refuse (and free the client), or name a destination: a host that is a
 * string of its buffer and a port in range.  Nothing is resolved or
 * connected to.  The file is included so that its static functions can be
 * reached; the timer disarmed when a client is freed tells the harness.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <stdint.h>

struct ev_timer;
static void	fz_ev_timer_disarm(struct ev_timer *);
#define ev_timer_disarm	fz_ev_timer_disarm

#include "../../src/proxyd.c"

#undef ev_timer_disarm

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_CUTS	8

static struct ev_timer	*watched;
static int		 freed;

/* pconn_free() disarms the client's timer first: note it. */
static void
fz_ev_timer_disarm(struct ev_timer *t)
{
	if (t == watched)
		freed = 1;
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
	struct options		 o = { .proxy_proto = PROXY_SOCKS5 };
	struct proxyd		 pd = { .o = &o, .lfd = -1 };
	struct pconn		*pc;
	enum pconn_result	 r = PR_MORE;
	const uint8_t		*in;
	const char		*errstr;
	size_t			 cuts[MAX_CUTS + 2], ncuts, n, i, m;
	long long		 port;
	int			 sv[2];

	if (size < 1)
		return (0);
	ncuts = (data[0] >> 2) % (MAX_CUTS + 1);
	if (size < 1 + ncuts)
		return (0);
	if (data[0] & 1)
		o.proxy_proto = PROXY_HTTP;
	if (data[0] & 2) {
		o.proxy_user = "user";
		o.proxy_pass = "secret";
		if (o.proxy_proto == PROXY_HTTP)
			proxy_base64((const unsigned char *)"user:secret", 11,
			    pd.basic);
	}
	in = data + 1 + ncuts;
	n = size - 1 - ncuts;
	cuts[0] = 0;
	for (i = 0; i < ncuts; i++)
		cuts[i + 1] = n > 0 ? (size_t)data[1 + i] * n / 255 : 0;
	cuts[ncuts + 1] = n;
	qsort(cuts + 1, ncuts, sizeof(cuts[0]), cmp_size);

	/* The client's socket: replies pile up unread at the other end. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		abort();
	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		abort();
	pc->pd = &pd;
	pc->fd = sv[0];
	pc->tfd = -1;
	pc->state = PC_GREETING;
	strlcpy(pc->peer, "fuzz", sizeof(pc->peer));
	watched = &pc->timer;
	freed = 0;

	for (i = 0; i <= ncuts && r == PR_MORE && !freed; i++) {
		/* As pconn_read_cb() does: what fits, then parse. */
		m = cuts[i + 1] - cuts[i];
		if (m > sizeof(pc->in) - pc->len)
			m = sizeof(pc->in) - pc->len;
		memcpy(pc->in + pc->len, in + cuts[i], m);
		pc->len += m;
		do {
			r = pconn_step(pc);
		} while (r == PR_AGAIN && !freed);
		if (!freed && pc->len > sizeof(pc->in))
			abort();
	}

	if (freed) {
		/* A refusal: it must have said PR_MORE, and freed pc. */
		if (r != PR_MORE)
			abort();
	} else if (r == PR_CONNECT) {
		if (memchr(pc->host, '\0', sizeof(pc->host)) == NULL ||
		    pc->host[0] == '\0' || memchr(pc->port, '\0',
		    sizeof(pc->port)) == NULL)
			abort();
		port = strtonum(pc->port, 0, 65535, &errstr);
		if (errstr != NULL || (proxyd_http(pc) && port == 0))
			abort();
		/* Credentials, when asked for, were given and checked. */
		if (!proxyd_http(pc) && o.proxy_user != NULL &&
		    pc->state != PC_REQUEST)
			abort();
		pconn_free(pc);
	} else
		pconn_free(pc);
	if (!freed)
		abort();
	close(sv[1]);
	return (0);
}
