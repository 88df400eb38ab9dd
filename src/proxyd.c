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
 * The proxy server (-l --proxy-type socks5|http): each client's request is
 * parsed by a small state machine on the event loop, the destination is
 * connected without blocking, and the pair is relayed by the pump as a
 * session of its own, many at once.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockcat.h"

/* The largest request accepted: an HTTP header, or any SOCKS message. */
#define PCONN_BUFSIZE		8192
/* A client has this long (unless -w says) to make its request. */
#define PCONN_TIMEOUT_MS	(30 * 1000)

#define HTTP_ESTABLISHED	"HTTP/1.1 200 Connection established\r\n\r\n"
#define HTTP_FULL		"HTTP/1.1 503 Service Unavailable\r\n" \
				"Connection: close\r\nContent-Length: 0\r\n\r\n"

/* SOCKS5: "no acceptable methods", a server's only way to say no at once. */
#define SOCKS5_NO_METHOD	"\005\377"

#define SOCKS5_REP_OK		0x00
#define SOCKS5_REP_FAILURE	0x01
#define SOCKS5_REP_NETUNREACH	0x03
#define SOCKS5_REP_HOSTUNREACH	0x04
#define SOCKS5_REP_REFUSED	0x05
#define SOCKS5_REP_COMMAND	0x07
#define SOCKS5_REP_ATYP		0x08

struct proxyd {
	struct options	*o;
	struct listener	*l;
	char		 basic[700];	/* Basic credentials, "" if none */
};

/* Where a client's conversation stands. */
enum pconn_state {
	PC_GREETING,		/* SOCKS5: waiting for the methods */
	PC_AUTH,		/* SOCKS5: waiting for user and password */
	PC_REQUEST,		/* SOCKS5 CONNECT or the HTTP header */
	PC_CONNECTING,		/* connecting to the destination */
};

/* What the state machine made of the bytes it has. */
enum pconn_result {
	PR_MORE,		/* incomplete: read more */
	PR_AGAIN,		/* a message was consumed: parse on */
	PR_CONNECT,		/* a request: connect to host and port */
	PR_CLOSE,		/* refused (reply sent, if any): close */
};

struct pconn {
	struct proxyd	*pd;
	int		 fd;		/* the client */
	int		 tfd;		/* the destination, -1 until tried */
	enum pconn_state state;
	unsigned char	 in[PCONN_BUFSIZE];
	size_t		 len;
	struct ev_timer	 timer;
	struct addrinfo	*res, *ai;	/* destination addresses to try */
	char		 host[NI_MAXHOST];
	char		 port[NI_MAXSERV];
	char		 peer[NI_MAXHOST + NI_MAXSERV + 1];
	int		 gated;		/* counted by the gate until freed */
};

static void	pconn_read_cb(int, int, void *);
static void	pconn_try(struct pconn *);

/*
 * Do the len bytes at a and b differ?  Takes the same time wherever they
 * differ, so that a client cannot guess a password byte by byte.
 */
static int
secret_differs(const void *a, const void *b, size_t len)
{
	const unsigned char	*p = a, *q = b;
	unsigned char		 d = 0;
	size_t			 i;

	for (i = 0; i < len; i++)
		d |= p[i] ^ q[i];
	return (d != 0);
}

static int
proxyd_http(const struct pconn *pc)
{
	return (pc->pd->o->proxy_proto == PROXY_HTTP);
}

static void
pconn_free(struct pconn *pc)
{
	ev_timer_disarm(&pc->timer);
	if (pc->fd != -1) {
		ev_del(pc->fd);
		close(pc->fd);
	}
	if (pc->tfd != -1) {
		ev_del(pc->tfd);
		close(pc->tfd);
	}
	if (pc->res != NULL)
		freeaddrinfo(pc->res);
	if (pc->gated)
		gate_release(&pc->pd->o->gate);
	free(pc);
}

/*
 * Send a short reply.  A fresh socket takes a few hundred bytes at once;
 * one that does not is a client not worth waiting for.
 */
static int
pconn_reply(struct pconn *pc, const void *p, size_t len)
{
	ssize_t	 n;

	do {
		n = write(pc->fd, p, len);
	} while (n == -1 && errno == EINTR);
	return (n == (ssize_t)len ? 0 : -1);
}

/* A SOCKS5 reply with code rep, and the address fd is bound to if any. */
static int
pconn_socks5_reply(struct pconn *pc, int rep, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	unsigned char		 buf[4 + 16 + 2] = { 5, rep, 0, 1 };
	size_t			 len = 4 + 4 + 2;

	if (fd != -1 && getsockname(fd, (struct sockaddr *)&ss,
	    &sslen) == 0) {
		if (ss.ss_family == AF_INET) {
			memcpy(buf + 4, &((struct sockaddr_in *)&ss)->sin_addr,
			    4);
			memcpy(buf + 8, &((struct sockaddr_in *)&ss)->sin_port,
			    2);
		} else if (ss.ss_family == AF_INET6) {
			buf[3] = 4;
			memcpy(buf + 4,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
			memcpy(buf + 20,
			    &((struct sockaddr_in6 *)&ss)->sin6_port, 2);
			len = 4 + 16 + 2;
		}
	}
	return (pconn_reply(pc, buf, len));
}

static int
pconn_http_reply(struct pconn *pc, const char *status, const char *extra)
{
	char	 buf[512];
	int	 n;

	n = snprintf(buf, sizeof(buf), "HTTP/1.1 %s\r\n%s%s\r\n", status,
	    extra != NULL ? extra : "", extra != NULL ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return (-1);
	return (pconn_reply(pc, buf, n));
}

/*
 * Before closing after a reply: closing with unread input makes the
 * kernel reset the connection, which may destroy the reply before the
 * client reads it.  Take what is already there (bounded).
 */
static void
pconn_drain(struct pconn *pc)
{
	char	 buf[4096];
	int	 i;

	shutdown(pc->fd, SHUT_WR);
	for (i = 0; i < 16; i++) {
		if (read(pc->fd, buf, sizeof(buf)) <= 0)
			break;
	}
}

/* Refuse the request in the protocol's words, report it, and close. */
static void
pconn_refuse(struct pconn *pc, int socks_rep, const char *http_status,
    const char *why)
{
	log_verbose(1, "proxy: %s: %s", pc->peer, why);
	if (proxyd_http(pc))
		pconn_http_reply(pc, http_status,
		    strncmp(http_status, "407", 3) == 0 ?
		    "Proxy-Authenticate: Basic realm=\"sockcat\"" : NULL);
	else if (socks_rep != -1)
		pconn_socks5_reply(pc, socks_rep, -1);
	pconn_drain(pc);
	pconn_free(pc);
}

static void
pconn_consume(struct pconn *pc, size_t n)
{
	memmove(pc->in, pc->in + n, pc->len - n);
	pc->len -= n;
}

/* RFC 1928's method negotiation. */
static enum pconn_result
pconn_greeting(struct pconn *pc)
{
	const struct options	*o = pc->pd->o;
	unsigned char		 reply[2] = { 5, 0xff };
	int			 want = o->proxy_user != NULL ? 2 : 0;
	size_t			 n;

	if (pc->len < 2)
		return (PR_MORE);
	if (pc->in[0] != 5) {
		log_verbose(1, "proxy: %s: not SOCKS5", pc->peer);
		return (PR_CLOSE);
	}
	n = 2 + pc->in[1];
	if (pc->len < n)
		return (PR_MORE);
	if (memchr(pc->in + 2, want, pc->in[1]) == NULL) {
		log_verbose(1, "proxy: %s: no acceptable authentication "
		    "method", pc->peer);
		pconn_reply(pc, reply, 2);
		return (PR_CLOSE);
	}
	reply[1] = want;
	if (pconn_reply(pc, reply, 2) == -1)
		return (PR_CLOSE);
	pconn_consume(pc, n);
	pc->state = want == 2 ? PC_AUTH : PC_REQUEST;
	return (PR_AGAIN);
}

/* RFC 1929: the user and password must be those of --proxy-auth. */
static enum pconn_result
pconn_auth(struct pconn *pc)
{
	const struct options	*o = pc->pd->o;
	unsigned char		 reply[2] = { 1, 1 };
	size_t			 ulen, plen;
	const unsigned char	*u, *p;
	int			 ok;

	if (pc->len < 2)
		return (PR_MORE);
	if (pc->in[0] != 1) {
		log_verbose(1, "proxy: %s: bad authentication version",
		    pc->peer);
		pconn_reply(pc, reply, 2);
		return (PR_CLOSE);
	}
	ulen = pc->in[1];
	if (pc->len < 3 + ulen)
		return (PR_MORE);
	plen = pc->in[2 + ulen];
	if (pc->len < 3 + ulen + plen)
		return (PR_MORE);
	u = pc->in + 2;
	p = pc->in + 3 + ulen;
	ok = ulen == strlen(o->proxy_user) &&
	    plen == strlen(o->proxy_pass) &&
	    !secret_differs(u, o->proxy_user, ulen) &&
	    !secret_differs(p, o->proxy_pass, plen);
	reply[1] = ok ? 0 : 1;
	explicit_bzero(pc->in, 3 + ulen + plen);
	if (pconn_reply(pc, reply, 2) == -1 || !ok) {
		if (!ok)
			log_verbose(1, "proxy: %s: authentication failed",
			    pc->peer);
		return (PR_CLOSE);
	}
	pconn_consume(pc, 3 + ulen + plen);
	pc->state = PC_REQUEST;
	return (PR_AGAIN);
}

/* RFC 1928's request: only CONNECT. */
static enum pconn_result
pconn_socks5_request(struct pconn *pc)
{
	unsigned char	*a = pc->in + 4;
	size_t		 alen, n;
	uint16_t	 port;
	int		 af;

	if (pc->len < 5)
		return (PR_MORE);
	if (pc->in[0] != 5) {
		log_verbose(1, "proxy: %s: not SOCKS5", pc->peer);
		return (PR_CLOSE);
	}
	switch (pc->in[3]) {
	case 1:
		alen = 4;
		af = AF_INET;
		break;
	case 4:
		alen = 16;
		af = AF_INET6;
		break;
	case 3:
		alen = 1 + pc->in[4];
		af = AF_UNSPEC;
		break;
	default:
		pconn_refuse(pc, SOCKS5_REP_ATYP, NULL,
		    "address type not supported");
		return (PR_MORE);	/* pc is gone */
	}
	n = 4 + alen + 2;
	if (pc->len < n)
		return (PR_MORE);
	if (pc->in[1] != 1) {
		pconn_refuse(pc, SOCKS5_REP_COMMAND, NULL,
		    "command not supported");
		return (PR_MORE);
	}
	if (af == AF_UNSPEC) {
		if (alen == 1 || memchr(a + 1, '\0', alen - 1) != NULL) {
			pconn_refuse(pc, SOCKS5_REP_HOSTUNREACH, NULL,
			    "bad host name");
			return (PR_MORE);
		}
		memcpy(pc->host, a + 1, alen - 1);
		pc->host[alen - 1] = '\0';
	} else
		inet_ntop(af, a, pc->host, sizeof(pc->host));
	memcpy(&port, a + alen, 2);
	snprintf(pc->port, sizeof(pc->port), "%u", ntohs(port));
	pconn_consume(pc, n);
	return (PR_CONNECT);
}

/* The value of header name in the header block h, or NULL. */
static char *
http_header(char *h, const char *name)
{
	size_t	 len = strlen(name);
	char	*line, *v;

	for (line = strchr(h, '\n'); line != NULL;
	    line = strchr(line, '\n')) {
		line++;
		if (strncasecmp(line, name, len) != 0 || line[len] != ':')
			continue;
		for (v = line + len + 1; *v == ' ' || *v == '\t'; v++)
			;
		return (v);
	}
	return (NULL);
}

/* An HTTP CONNECT request: "CONNECT host:port HTTP/1.x" and headers. */
static enum pconn_result
pconn_http_request(struct pconn *pc)
{
	char		*end, *line, *method, *target, *version, *colon;
	char		*v, *eol;
	const char	*errstr;
	size_t		 n, tlen;
	long long	 port;

	end = memmem(pc->in, pc->len, "\r\n\r\n", 4);
	if (end == NULL) {
		if (pc->len == sizeof(pc->in)) {
			pconn_refuse(pc, -1, "431 Request Header Fields Too "
			    "Large", "request too large");
			return (PR_MORE);
		}
		return (PR_MORE);
	}
	n = end - (char *)pc->in + 4;
	*end = '\0';
	if (memchr(pc->in, '\0', end - (char *)pc->in) != NULL) {
		pconn_refuse(pc, -1, "400 Bad Request", "NUL in request");
		return (PR_MORE);
	}
	line = (char *)pc->in;
	method = strsep(&line, " ");
	target = strsep(&line, " ");
	version = line != NULL ? strsep(&line, "\r") : NULL;
	if (line == NULL && version != NULL)
		line = version + strlen(version);
	if (target == NULL || version == NULL ||
	    strncmp(version, "HTTP/1.", 7) != 0) {
		pconn_refuse(pc, -1, "400 Bad Request", "bad request line");
		return (PR_MORE);
	}
	if (strcmp(method, "CONNECT") != 0) {
		pconn_refuse(pc, -1, "405 Method Not Allowed",
		    "method not allowed");
		return (PR_MORE);
	}
	if (pc->pd->basic[0] != '\0') {
		v = http_header(line, "Proxy-Authorization");
		if (v != NULL && (eol = strpbrk(v, "\r\n")) != NULL)
			*eol = '\0';
		if (v == NULL || strncasecmp(v, "Basic ", 6) != 0 ||
		    strlen(v + 6) != strlen(pc->pd->basic) ||
		    secret_differs(v + 6, pc->pd->basic,
		    strlen(pc->pd->basic))) {
			pconn_refuse(pc, -1, "407 Proxy Authentication "
			    "Required", "authentication failed");
			return (PR_MORE);
		}
	}
	/* host:port, or [v6addr]:port. */
	if ((colon = strrchr(target, ':')) == NULL) {
		pconn_refuse(pc, -1, "400 Bad Request", "no port");
		return (PR_MORE);
	}
	*colon++ = '\0';
	if (target[0] == '[') {
		tlen = strlen(target);
		if (tlen < 3 || target[tlen - 1] != ']') {
			pconn_refuse(pc, -1, "400 Bad Request", "bad host");
			return (PR_MORE);
		}
		target[tlen - 1] = '\0';
		target++;
	}
	/* Digits only: strtonum() would take blanks and a sign too. */
	port = strtonum(colon, 1, 65535, &errstr);
	if (errstr != NULL || colon[strspn(colon, "0123456789")] != '\0' ||
	    target[0] == '\0' || strlen(target) >= sizeof(pc->host)) {
		pconn_refuse(pc, -1, "400 Bad Request", "bad host or port");
		return (PR_MORE);
	}
	strlcpy(pc->host, target, sizeof(pc->host));
	snprintf(pc->port, sizeof(pc->port), "%lld", port);
	pconn_consume(pc, n);
	return (PR_CONNECT);
}

/* One step of the request's state machine over what has been read. */
static enum pconn_result
pconn_step(struct pconn *pc)
{
	if (proxyd_http(pc))
		return (pconn_http_request(pc));
	if (pc->state == PC_GREETING)
		return (pconn_greeting(pc));
	if (pc->state == PC_AUTH)
		return (pconn_auth(pc));
	return (pconn_socks5_request(pc));
}

/* Run the state machine over what has been read. */
static void
pconn_parse(struct pconn *pc)
{
	struct addrinfo		 hints;
	enum pconn_result	 r;
	int			 error;

	do {
		r = pconn_step(pc);
	} while (r == PR_AGAIN);

	/* A refusal has freed pc already and says PR_MORE: look no more. */
	if (r == PR_MORE)
		return;
	if (r == PR_CLOSE) {
		pconn_free(pc);
		return;
	}
	log_verbose(2, "proxy: %s: connect to %s port %s", pc->peer,
	    pc->host, pc->port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = pc->pd->o->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (pc->pd->o->numeric)
		hints.ai_flags |= AI_NUMERICHOST;
	/* Name resolution is the one step that may block the loop. */
	if ((error = getaddrinfo(pc->host, pc->port, &hints,
	    &pc->res)) != 0) {
		pc->res = NULL;
		pconn_refuse(pc, SOCKS5_REP_HOSTUNREACH, "502 Bad Gateway",
		    gai_strerror(error));
		return;
	}
	pc->ai = pc->res;
	pc->state = PC_CONNECTING;
	ev_del(pc->fd);
	pconn_try(pc);
}

/* Read what the client sends before it is connected, and parse it. */
static void
pconn_read_cb(int fd, int events, void *arg)
{
	struct pconn	*pc = arg;
	ssize_t		 n;

	(void)events;
	n = read(fd, pc->in + pc->len, sizeof(pc->in) - pc->len);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		log_verbose(2, "proxy: %s: closed before its request",
		    pc->peer);
		pconn_free(pc);
		return;
	}
	pc->len += n;
	pconn_parse(pc);
}

static int
proxyd_check(struct session *s)
{
	struct channel	*ch;

	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch->state == CH_FAILED)
			return (1);
		if (!channel_ended(ch))
			return (0);
	}
	return (1);
}

static void
proxyd_finished(struct session *s)
{
	struct proxyd	*pd = s->arg;

	gate_release(&pd->o->gate);
	session_free(s);
}

/* Connected: say so, and hand both sockets to the pump. */
static void
pconn_relay(struct pconn *pc)
{
	struct options	*o = pc->pd->o;
	struct session	*s;
	struct endpoint	*c, *t;
	struct channel	*up;
	int		 r;

	log_verbose(1, "proxy: %s: connected to %s port %s", pc->peer,
	    pc->host, pc->port);
	if (proxyd_http(pc))
		r = pconn_reply(pc, HTTP_ESTABLISHED,
		    sizeof(HTTP_ESTABLISHED) - 1);
	else
		r = pconn_socks5_reply(pc, SOCKS5_REP_OK, pc->tfd);
	if (r == -1 || (s = session_new(proxyd_check, proxyd_finished,
	    pc->pd)) == NULL) {
		pconn_free(pc);
		return;
	}
	ev_timer_disarm(&pc->timer);
	ev_del(pc->fd);
	ev_del(pc->tfd);
	/* Each descriptor is the session's once it has an endpoint. */
	if ((c = session_endpoint(s, "client", pc->fd, pc->fd, EP_SHUT_SOCKET,
	    0)) == NULL)
		goto fail;
	pc->fd = -1;
	if ((t = session_endpoint(s, "destination", pc->tfd, pc->tfd,
	    EP_SHUT_SOCKET, 0)) == NULL)
		goto fail;
	pc->tfd = -1;
	if ((up = session_channel(s, "upstream", c, t, CH_SHUTDOWN)) == NULL ||
	    session_channel(s, "downstream", t, c, CH_SHUTDOWN) == NULL)
		goto fail;
	/* What the client sent after its request goes first. */
	if (pc->len > 0) {
		if (buf_init(&up->buf, up->bufsize) == -1)
			goto fail;
		memcpy(buf_tail(&up->buf), pc->in, pc->len);
		buf_commit(&up->buf, pc->len);
	}
	if (o->timeout_ms != TIME_NONE)
		session_set_idle(s, o->timeout_ms);
	gate_session(&o->gate, s);
	/* The session holds the client's place at the gate now. */
	pc->gated = 0;
	pconn_free(pc);
	if (session_start(s) == -1)
		session_finish(s);
	return;

fail:
	session_free(s);
	pconn_free(pc);
}

static void
pconn_connect_cb(int fd, int events, void *arg)
{
	struct pconn	*pc = arg;
	socklen_t	 len = sizeof(int);
	int		 error = 0;

	(void)events;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		error = errno;
	if (error == 0) {
		pconn_relay(pc);
		return;
	}
	ev_del(pc->tfd);
	close(pc->tfd);
	pc->tfd = -1;
	errno = error;
	pc->ai = pc->ai->ai_next;
	pconn_try(pc);
}

/* Start connecting to the next address, or refuse with the last error. */
static void
pconn_try(struct pconn *pc)
{
	struct addrinfo	*ai;
	int		 fd, rep;

	for (; (ai = pc->ai) != NULL; pc->ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		pc->tfd = fd;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			pconn_relay(pc);
			return;
		}
		if (errno == EINPROGRESS) {
			ev_set(fd, EV_WRITE, pconn_connect_cb, pc);
			return;
		}
		close(fd);
		pc->tfd = -1;
	}
	switch (errno) {
	case ECONNREFUSED:
		rep = SOCKS5_REP_REFUSED;
		break;
	case ENETUNREACH:
		rep = SOCKS5_REP_NETUNREACH;
		break;
	case EHOSTUNREACH:
	case ETIMEDOUT:
		rep = SOCKS5_REP_HOSTUNREACH;
		break;
	default:
		rep = SOCKS5_REP_FAILURE;
		break;
	}
	pconn_refuse(pc, rep, "502 Bad Gateway", strerror(errno));
}

/* Too slow to ask, or the destination too slow to answer. */
static void
pconn_timeout_cb(void *arg)
{
	struct pconn	*pc = arg;

	if (pc->state == PC_CONNECTING)
		pconn_refuse(pc, SOCKS5_REP_HOSTUNREACH,
		    "504 Gateway Timeout", strerror(ETIMEDOUT));
	else
		pconn_refuse(pc, -1, "408 Request Timeout",
		    "no request in time");
}

/* Refused in the protocol's words; a fresh socket takes them. */
static void
proxyd_full(void *arg, int fd)
{
	struct proxyd	*pd = arg;

	if (pd->o->proxy_proto == PROXY_HTTP)
		(void)write(fd, HTTP_FULL, sizeof(HTTP_FULL) - 1);
	else
		(void)write(fd, SOCKS5_NO_METHOD, sizeof(SOCKS5_NO_METHOD) - 1);
}

/* An admitted client: read its request. */
static int
proxyd_start(void *arg, int fd, const struct net_peer *peer, struct tls *tls)
{
	struct proxyd	*pd = arg;
	struct pconn	*pc;
	char		 host[NI_MAXHOST], port[NI_MAXSERV];

	(void)tls;
	if ((pc = calloc(1, sizeof(*pc))) == NULL) {
		gate_release(&pd->o->gate);
		close(fd);
		return (-1);
	}
	pc->pd = pd;
	pc->gated = 1;
	pc->fd = fd;
	pc->tfd = -1;
	pc->state = PC_GREETING;
	net_format((const struct sockaddr *)&peer->ss, peer->len, 1, host,
	    sizeof(host), port, sizeof(port));
	snprintf(pc->peer, sizeof(pc->peer), "%s %s", host, port);
	ev_timer_init(&pc->timer, pconn_timeout_cb, pc);
	ev_timer_arm(&pc->timer, pd->o->timeout_ms != TIME_NONE ?
	    pd->o->timeout_ms : PCONN_TIMEOUT_MS);
	ev_set(fd, EV_READ, pconn_read_cb, pc);
	return (0);
}

static const struct listen_ops proxyd_ops = {
	.start = proxyd_start,
	.full = proxyd_full,
};

/*
 * Serve as a SOCKS5 or HTTP CONNECT proxy on the address and port of the
 * command line until killed.  Returns the exit status.
 */
int
proxyd_listen(struct options *o)
{
	struct proxyd	 pd;
	char		*cause, cred[512];
	int		 fd, n;

	memset(&pd, 0, sizeof(pd));
	pd.o = o;
	if (o->proxy_user != NULL) {
		if (o->proxy_pass == NULL)
			fatalx("a proxy server needs --proxy-auth "
			    "user:password");
		n = snprintf(cred, sizeof(cred), "%s:%s", o->proxy_user,
		    o->proxy_pass);
		if (n < 0 || (size_t)n >= sizeof(cred) ||
		    strlen(o->proxy_user) > 255 || strlen(o->proxy_pass) > 255)
			fatalx("Proxy username/password too long");
		proxy_base64((unsigned char *)cred, n, pd.basic);
		explicit_bzero(cred, sizeof(cred));
	}
	if ((fd = net_listen(o, o->host, o->ports[0], &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	net_report_listen(o, fd);
	gate_raise_nofile(&o->gate);
	if ((pd.l = listener_new(o, fd, &proxyd_ops, &pd)) == NULL)
		fatal("listener");
	if (ev_loop() == -1)
		fatal("poll");
	return (0);
}
