/*
 * The WebSocket upgrade as a loop stage, a server's after TLS and a
 * client's after its dial, making a src/ws/wsconn.c connection; a request
 * no upgrade is answered as plain HTTP (src/ws/wsroute.c), and a plain TCP
 * client of --broker or --room told apart by its first bytes.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ws.h"
#include "ws-int.h"

/* The upgrade's deadline when -w does not give one. */
#define WS_HS_TIMEOUT_MS	10000

/* How soon a client that sent part of a method is looked at again. */
#define WS_SNIFF_AGAIN_MS	50

/*
 * How long a client of a --broker or --room may say nothing before it is
 * taken for a plain TCP member, greeted and given what others say: a
 * browser sends its request at once on a connection it uses, though a
 * busy one opening many may take some hundreds of milliseconds, and one
 * that listens only (sockcat -d host port >log) must not wait for ever.
 */
#define WS_SNIFF_QUIET_MS	1000

/* An upgrade in progress, either side. */
struct ws_hs {
	const struct side	*sd;
	int			 fd;
	struct tls		*tls;
	int			 server;
	struct net_peer		*peer;	/* a server's client, the owner's:
					   its front may name another */
	char			 in[HTTP_HEAD_MAX + 1];
	size_t			 inlen;
	char			 out[HTTP_HEAD_MAX];
	size_t			 ooff;
	size_t			 olen;
	int			 watched;
	char			*refused; /* a refusal is being sent: why */
	int			 no_upgrade; /* of a request that asked for no
					   upgrade: said with -v only */
	int			 answered; /* the server's 101 is being sent */
	int			 sniffing; /* plain TCP clients are welcome */
	struct ev_timer		 sniff;	/* to look again at a method's start */
	struct ev_timer		 quiet;	/* silent that long: a plain client */
	int			 spoke;	/* it sent part of a method */
	struct wsh_answer	*ans;	/* an answer that is no upgrade */
	struct auth_job		*authing; /* its credentials being checked */
	size_t			 headlen; /* of the request, meanwhile */
	struct http_line	 line;	/* its request line */
	char			**cgi;	/* the request's CGI variables */
	char			 key[WS_KEY_LEN + 1];
	const char		*protocols; /* a client's offer */
	char			 offer[256]; /* it, WS_PROTO_BINARY added */
	int			 bytes;	/* WS_PROTO_BINARY agreed */
	int			 pmd;	/* permessage-deflate agreed */
	struct ws_pmd		 pmdp;
	struct ev_timer		 timer;
	long long		 timeout_ms; /* the deadline, from HTTP on */
	ws_done_cb		*cb;
	void			*arg;
	const char		*starting; /* ASYNC_START() */
};

static void	ws_hs_cb(int, int, void *);
static void	ws_hs_authed(enum auth_verdict, int, void *);
static int	ws_hs_peeked(struct ws_hs *);
static int	ws_hs_upgrade(struct ws_hs *);

/* Free the non-upgrade answer and its file. */
static void
ws_hs_free_answer(struct ws_hs *h)
{
	if (h->ans == NULL)
		return;
	net_close(&h->ans->fd);
	free(h->ans);
	h->ans = NULL;
}

/*
 * The upgrade is over: tell the owner.  cause, if not NULL, goes to the
 * callback, which frees it (ws_done_cb); never h's own refusal.
 */
static void
ws_hs_done(struct ws_hs *h, struct ws *w, char *cause)
{
	ws_done_cb	*cb = h->cb;
	void		*arg = h->arg;

	ASYNC_CALLBACK(h, "ws_hs_done", cb);
	DEBUG_CHECK(cause == NULL || cause != h->refused,
	    "ws_hs_done: the refusal would be freed twice");
	/* A connection made has taken the TLS: h->tls is NULL then. */
	ws_hs_cancel(h);
	cb(w, cause, arg);
}

static void
ws_hs_fail(struct ws_hs *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ws_hs_fail(struct ws_hs *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*cause;

	va_start(ap, fmt);
	if (vasprintf(&cause, fmt, ap) == -1)
		cause = NULL;
	va_end(ap);
	ws_hs_done(h, NULL, cause);
}

/*
 * A server's client left or stayed silent before a whole request (a
 * speculative connection, a probe): said with -v only; the owner gets no
 * connection and no cause, and keeps listening.
 */
static void
ws_hs_probe(struct ws_hs *h, const char *what)
{
	log_verbose(1, "WebSocket: %s", what);
	ws_hs_done(h, NULL, NULL);
}

/* Watch h's socket for events.  Returns -1 with errno. */
static int
ws_hs_watch(struct ws_hs *h, int events)
{
	if (ev_set(h->fd, events, ws_hs_cb, h) == -1)
		return (-1);
	h->watched = 1;
	return (0);
}

static void
ws_hs_wait(struct ws_hs *h, int events)
{
	if (ws_hs_watch(h, events) == -1)
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
}

static void
ws_hs_timeout(void *arg)
{
	struct ws_hs	*h = arg;

	/* Not a byte read, nor one waiting to be (a sniffed method). */
	if (h->server && h->inlen == 0 && !h->spoke && !ws_hs_peeked(h)) {
		ws_hs_probe(h, "upgrade timed out");
		return;
	}
	ws_hs_fail(h, "WebSocket upgrade timed out");
}

/*
 * The connection the upgrade makes, owning the stage's TLS, its first
 * read the n bytes at p.  Returns NULL once the upgrade has failed.
 */
static struct ws *
ws_hs_conn(struct ws_hs *h, const char *p, size_t n)
{
	struct ws	*w;

	if ((w = ws_new(h->sd, h->fd, h->tls, h->server)) == NULL ||
	    (n > 0 && ws_buf_get(&w->in, WS_IN_SIZE) == -1)) {
		if (w != NULL) {
			w->tls = NULL;	/* still the stage's */
			ws_free(w);
		}
		ws_hs_fail(h, "WebSocket: %s", strerror(ENOMEM));
		return (NULL);
	}
	if (n > 0)
		memcpy(w->in, p, n);
	w->inlen = n;
	h->tls = NULL;
	return (w);
}

/*
 * No WebSocket client: the mode gets it, what was read under TLS as its
 * first data.
 */
static void
ws_hs_plain(struct ws_hs *h)
{
	struct ws	*w;

	if ((w = ws_hs_conn(h, h->in, h->inlen)) == NULL)
		return;
	w->plain = 1;
	log_verbose(2, "not a WebSocket client: plain TCP");
	ws_hs_done(h, w, NULL);
}

/*
 * Do the client's first bytes, within WS_SNIFF_QUIET_MS, start an HTTP
 * request (peeked over TCP, read into h->in under TLS)?  Silence or an end
 * before any byte makes a plain client.  Returns 1 (a request, or a read
 * must tell), 0 after handing a plain client on, -1 to wait for *want.
 */
static int
ws_hs_sniff(struct ws_hs *h, int *want)
{
	char		 b[WS_SNIFF_MAX];
	const char	*p = b;
	ssize_t		 n;

	*want = EV_READ;
	if (h->tls != NULL) {
		n = tls_read(h->tls, h->in + h->inlen, WS_SNIFF_MAX -
		    h->inlen, want);
		if (n == 0 && h->inlen > 0)
			return (1);
		if (n > 0) {
			h->inlen += n;
			n = h->inlen;
		}
		p = h->in;
	} else
		n = recv(h->fd, b, sizeof(b), MSG_PEEK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		if (*want == 0)
			*want = EV_READ;
		return (-1);
	}
	/* An end before any byte: a plain client that listens. */
	if (n == 0) {
		ws_hs_plain(h);
		return (0);
	}
	if (n < 0)
		return (1);	/* the read says what happened */
	switch (wsh_sniff(p, n)) {
	case 0:
		ws_hs_plain(h);
		return (0);
	case 1:
		return (1);
	}
	/* A method's start: more of it is to come. */
	return (n == WS_SNIFF_MAX ? 1 : -1);
}

/* The answer is sent (server) or read and checked (client). */
static void
ws_hs_ready(struct ws_hs *h, size_t headlen)
{
	struct ws	*w;

	/* Frames that came with the upgrade are the first read. */
	if ((w = ws_hs_conn(h, h->in + headlen, h->inlen - headlen)) == NULL)
		return;
	w->cgi = h->cgi;
	h->cgi = NULL;
	w->bytes = h->bytes;
	w->pmd = h->pmd;
	w->pmdp = h->pmdp;
	if (ws_shares(w))
		ws_share_users++;
	ws_hs_done(h, w, NULL);
}

/* How much of target t the log may show: with --auth-token, not its query. */
static size_t
ws_hs_loggable(const struct ws_hs *h, const char *t)
{
	return (h->sd->auth.token != NULL ? strcspn(t, "?") : strlen(t));
}

/*
 * Check every request's credentials first (--auth, --auth-file,
 * --auth-token).  Returns WSH_AUTH_OK, WSH_AUTH_REFUSED with the refusal
 * in h->ans, or WSH_AUTH_PENDING: ws_hs_authed() gets the verdict.
 */
static int
ws_hs_authorized(struct ws_hs *h)
{
	struct auth_ask		 a = { .cb = ws_hs_authed, .arg = h,
	    .peer = (const struct sockaddr *)&h->peer->ss };
	char			 host[NI_MAXHOST], port[NI_MAXSERV];
	char			 who[NI_MAXHOST + NI_MAXSERV + 1];
	enum auth_verdict	 v;
	int			 retry;

	if (!auth_on(&h->sd->auth))
		return (WSH_AUTH_OK);
	net_format(a.peer, h->peer->len, 1, host, sizeof(host), port,
	    sizeof(port));
	snprintf(who, sizeof(who), "%s %s", host, port);
	a.who = who;
	v = listen_http_auth(&h->sd->auth, 0, h->in, &h->line, &a, &retry,
	    &h->authing);
	if (v == AUTH_PENDING)
		return (WSH_AUTH_PENDING);
	return (ws_route_auth_answer(h->sd, &h->line, v, retry, h->ans));
}

/*
 * Refuse with status for why, the refusal in h->out, said once sent.
 * Returns 0, or -1 once the upgrade has failed.
 */
static int
ws_hs_refused(struct ws_hs *h, int status, const char *why)
{
	if (asprintf(&h->refused, "WebSocket upgrade refused: %s (%d)", why,
	    status) == -1) {
		h->refused = NULL;
		ws_hs_fail(h, "WebSocket upgrade refused");
		return (-1);
	}
	return (0);
}

/* Refuse the request with status for why (ws_hs_refused()). */
static int
ws_hs_refuse(struct ws_hs *h, int status, const char *why)
{
	ssize_t	 n;

	n = ws_route_refusal(h->out, sizeof(h->out), status, why, 0);
	h->olen = n > 0 ? n : 0;
	return (ws_hs_refused(h, status, why));
}

/* Set up h->ans's head.  Returns 0, or -1 once the upgrade has failed. */
static int
ws_hs_answered(struct ws_hs *h)
{
	char		 path[LOG_ESCAPED(sizeof(h->line.target))];
	char		 method[LOG_ESCAPED(sizeof(h->line.method))];
	const char	*why = h->ans->why;
	int		 status = h->ans->status;

	memcpy(h->out, h->ans->head, h->ans->headlen);
	h->olen = h->ans->headlen;
	if (h->ans->refusal) {
		ws_hs_free_answer(h);
		return (ws_hs_refused(h, status, why));
	}
	/* The client's bytes, escaped: no terminal obeys them. */
	log_escape(path, sizeof(path), h->line.target,
	    ws_hs_loggable(h, h->line.target));
	log_escape(method, sizeof(method), h->line.method,
	    strlen(h->line.method));
	log_verbose(1, "HTTP %s %s: %d", method, path, status);
	return (0);
}

/*
 * A whole request is read: check its credentials.  Returns 0 once its
 * answer is set up, 1 while they are checked off the loop (no more is
 * read), -1 once the upgrade has failed.
 */
static int
ws_hs_request(struct ws_hs *h)
{
	const char	*why;
	char		 proto[256];
	int		 status;

	/*
	 * A request that asks for no upgrade (a browser's page, its icon)
	 * and is refused is an HTTP answer like any other, said with -v:
	 * an operator's terminal is no place for a browser's guesses.
	 */
	h->no_upgrade = http_field_get(h->in, "Upgrade", proto,
	    sizeof(proto)) != 1;
	/* One that any two readers could read apart is refused at once. */
	if ((status = http_request_line(h->in, &h->line, &why)) != 0)
		return (ws_hs_refuse(h, status, why));
	if (http_head_check(h->in, h->headlen, &why) == -1)
		return (ws_hs_refuse(h, HTTP_BAD_REQUEST, why));
	if ((h->ans = calloc(1, sizeof(*h->ans))) == NULL) {
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
		return (-1);
	}
	/* A trusted front says who the client is: its limits count that. */
	listen_front_request(h->sd, h->in, h->peer);
	switch (ws_hs_authorized(h)) {
	case WSH_AUTH_PENDING:
		if (h->watched)
			ev_del(h->fd);
		h->watched = 0;
		return (1);
	case WSH_AUTH_REFUSED:
		return (ws_hs_answered(h));
	}
	return (ws_hs_upgrade(h));
}

/* The off-loop verdict on the credentials: set up and send the answer. */
static void
ws_hs_authed(enum auth_verdict v, int retry, void *arg)
{
	struct ws_hs	*h = arg;
	char		 save = h->in[h->headlen];
	int		 rc;

	h->authing = NULL;
	h->in[h->headlen] = '\0';
	if (ws_route_auth_answer(h->sd, &h->line, v, retry, h->ans) ==
	    WSH_AUTH_OK)
		rc = ws_hs_upgrade(h);
	else
		rc = ws_hs_answered(h);
	if (rc == -1)
		return;
	h->in[h->headlen] = save;
	ws_hs_cb(h->fd, EV_WRITE, h);
}

/*
 * The credentials are right (or none asked): set up the page or upgrade.
 * Returns 0, or -1 once the upgrade has failed.
 */
static int
ws_hs_upgrade(struct ws_hs *h)
{
	struct ws_req	 r;
	const char	*why;
	char		 proto[256] = "", offer[WS_EXT_MAX];
	char		 ext[WS_EXT_MAX] = "";
	char		 path[LOG_ESCAPED(sizeof(h->line.target))];
	ssize_t		 n;
	int		 status;

	if (ws_route(h->sd, h->in, &h->line, h->ans) == WSH_ANSWER)
		return (ws_hs_answered(h));
	ws_hs_free_answer(h);
	if (ws_parse_request(h->in, &h->line, &r, &status, &why) == -1)
		return (ws_hs_refuse(h, status, why));
	SIDE_TAKEN(ws.protocol);
	SIDE_TAKEN(ws.nserver_headers);
	if (r.protocols != NULL && h->sd->ws.protocol != NULL)
		ws_choose_protocol(r.protocols, h->sd->ws.protocol, proto,
		    sizeof(proto));
	/*
	 * A client that moves bytes (a sockcat with --ws-binary, an address
	 * pair's side) says so: it is served its messages as their bytes,
	 * whatever this server's mode, unless it chose another of ours.
	 * Records (--ws-framed) carry every message as its bytes already.
	 */
	if (*proto == '\0' && !h->sd->ws.framed &&
	    http_list_has(r.protocols, WS_PROTO_BINARY))
		strlcpy(proto, WS_PROTO_BINARY, sizeof(proto));
	h->bytes = strcmp(proto, WS_PROTO_BINARY) == 0;
	/* The client's bytes, escaped: no terminal obeys them. */
	log_escape(path, sizeof(path), r.path, ws_hs_loggable(h, r.path));
	log_verbose(1, "WebSocket upgrade of %s%s%s", path,
	    *proto != '\0' ? ", subprotocol " : "", proto);
	/* permessage-deflate, unless --ws-no-compress refuses it. */
	if (ws_compresses(h->sd) && http_field_get(h->in,
	    "Sec-WebSocket-Extensions", offer, sizeof(offer)) == 1 &&
	    (h->pmd = ws_pmd_choose(offer, h->sd->ws.fresh, &h->pmdp, ext,
	    sizeof(ext))))
		log_verbose(1, "WebSocket: %s", ext);
	if ((n = ws_encode_accept(h->out, sizeof(h->out), r.key,
	    proto, ext, h->sd->ws.server_headers,
	    h->sd->ws.nserver_headers)) == -1) {
		ws_hs_fail(h, "WebSocket: answer too long");
		return (-1);
	}
	/* A program run for the connection learns the request. */
	if (h->sd->ws.cgi && (h->cgi = ws_route_cgi_env(h->in, &h->line,
	    auth_on(&h->sd->auth))) == NULL) {
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
		return (-1);
	}
	h->olen = n;
	h->answered = 1;
	return (0);
}

/* Check the answer the client read.  0, or -1 once the upgrade failed. */
static int
ws_hs_answer(struct ws_hs *h)
{
	const char	*why;
	char		 proto[256], ext[WS_EXT_MAX];
	char		 line[LOG_ESCAPED(WS_EXT_MAX)];

	/* The server's status line, escaped: no terminal obeys it. */
	log_escape(line, LOG_ESCAPED(255), h->in, strcspn(h->in, "\r\n"));
	log_verbose(1, "WebSocket: %s", line);
	if (ws_check_accept(h->in, h->key, h->protocols, proto,
	    sizeof(proto), &why) == -1) {
		/* --via at a web server: a page where a relay upgrades. */
		if (h->sd->via.on && ws_answer_page(h->in))
			ws_hs_fail(h, "%s is no relay: it answered the "
			    "WebSocket upgrade with %s", h->sd->via.relay,
			    line);
		else
			ws_hs_fail(h, "WebSocket upgrade failed: %s (%s)", line,
			    why);
		return (-1);
	}
	if (*proto != '\0')
		log_verbose(1, "WebSocket subprotocol: %s", proto);
	/* The server moves bytes too: no lines either way. */
	h->bytes = strcmp(proto, WS_PROTO_BINARY) == 0;
	why = "bad Sec-WebSocket-Extensions";
	switch (http_field_get(h->in, "Sec-WebSocket-Extensions", ext,
	    sizeof(ext))) {
	case 0:
		break;
	case 1:
		why = "an extension that was not offered";
		if (ws_compresses(h->sd) &&
		    ws_pmd_answer(ext, &h->pmdp, &why) == 0) {
			h->pmd = 1;
			log_verbose(1, "WebSocket: %s", log_escape(line,
			    sizeof(line), ext, strlen(ext)));
			break;
		}
		/* FALLTHROUGH */
	default:
		ws_hs_fail(h, "WebSocket upgrade failed: %s (%s)", line, why);
		return (-1);
	}
	return (0);
}

/*
 * The next piece of the answer's body in h->out.  Returns its length, or 0
 * at its end or a file's read error (the client sees the short length).
 */
static size_t
ws_hs_body(struct ws_hs *h)
{
	struct wsh_answer	*a = h->ans;
	size_t			 k = sizeof(h->out);
	ssize_t			 n;

	if (a->left <= 0)
		return (0);
	if ((off_t)k > a->left)
		k = a->left;
	if (a->body != NULL) {
		memcpy(h->out, a->body, k);
		a->body += k;
	} else {
		do {
			n = read(a->fd, h->out, k);
		} while (n == -1 && errno == EINTR);
		if (n <= 0) {
			log_verbose_warn(1, "HTTP: reading the file: %s",
			    n == 0 ? "it got shorter" : strerror(errno));
			a->left = 0;
			return (0);
		}
		k = n;
	}
	a->left -= k;
	h->ooff = 0;
	h->olen = k;
	/* A long answer to a slow reader: the deadline bounds a stall. */
	ev_timer_arm(&h->timer, h->timeout_ms);
	return (k);
}

/* Over TCP: does part of a method wait unread in the socket? */
static int
ws_hs_peeked(struct ws_hs *h)
{
	char	 b;

	return (recv(h->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1);
}

/*
 * The sniff timer, or quiet for WS_SNIFF_QUIET_MS (what came by now
 * decides): look at the first bytes again.
 */
static void
ws_hs_sniff_cb(void *arg)
{
	struct ws_hs	*h = arg;

	ws_hs_cb(h->fd, EV_READ, h);
}

/*
 * Sniff (ws_hs_sniff()).  Returns 1 when the client speaks HTTP, 0 once
 * handed on as plain or waited for.
 */
static int
ws_hs_sniffed(struct ws_hs *h)
{
	int	 want, partial, quiet;

	switch (ws_hs_sniff(h, &want)) {
	case 0:
		return (0);
	case -1:
		partial = h->tls != NULL ? h->inlen > 0 : ws_hs_peeked(h);
		/* Silent for the whole grace (its timer ran): it listens. */
		quiet = h->sd->ws.plain_listens && !ev_timer_armed(&h->quiet);
		if (!partial && !h->spoke && quiet) {
			ws_hs_plain(h);
			return (0);
		}
		if (h->tls == NULL && partial) {
			/*
			 * Part of a method waits in the socket, which stays
			 * readable: look again in a while.
			 */
			if (h->watched)
				ev_del(h->fd);
			h->watched = 0;
			ev_timer_arm(&h->sniff, WS_SNIFF_AGAIN_MS);
		} else
			ws_hs_wait(h, want);
		/* A request has begun: the upgrade's deadline runs. */
		if (partial && !h->spoke)
			ev_timer_arm(&h->timer, h->timeout_ms);
		h->spoke |= partial;
		return (0);
	}
	h->sniffing = 0;
	ev_timer_disarm(&h->sniff);
	ev_timer_disarm(&h->quiet);
	ev_timer_arm(&h->timer, h->timeout_ms);
	return (1);
}

/*
 * Send what is owed, a body a piece at a time.  Returns 1 once all is
 * gone, 0 when waiting or the upgrade has failed.
 */
static int
ws_hs_send(struct ws_hs *h)
{
	ssize_t	 n;
	int	 want;

	do {
		while (h->ooff < h->olen) {
			n = net_write(h->fd, h->tls, h->out + h->ooff,
			    h->olen - h->ooff, &want);
			if (n == -1 && errno == EAGAIN) {
				ws_hs_wait(h, want != 0 ? want : EV_WRITE);
				return (0);
			}
			if (n <= 0) {
				ws_hs_fail(h, "WebSocket: %s", strerror(errno));
				return (0);
			}
			h->ooff += n;
		}
	} while (h->ans != NULL && ws_hs_body(h) > 0);
	return (1);
}

/* Read the request or answer until its head is whole, and take it. */
static void
ws_hs_read(struct ws_hs *h)
{
	const char	*why;
	ssize_t		 n, headlen;
	int		 want, status, rc;
	char		 save;

	while ((headlen = http_head_end((unsigned char *)h->in, h->inlen,
	    HTTP_HEAD_MAX, &status, &why)) == 0) {
		n = net_read(h->fd, h->tls, h->in + h->inlen,
		    HTTP_HEAD_MAX - h->inlen, &want);
		if (n == -1 && errno == EAGAIN) {
			ws_hs_wait(h, want != 0 ? want : EV_READ);
			return;
		}
		if (n <= 0) {
			why = n == 0 ? "connection closed during the upgrade" :
			    strerror(errno);
			/* A server's client that left: said with -v only. */
			if (h->server && (n == 0 || errno == ECONNRESET))
				ws_hs_probe(h, why);
			else
				ws_hs_fail(h, "WebSocket: %s", why);
			return;
		}
		h->inlen += n;
	}
	/* Too long: a server refuses it as the proxy server does. */
	if (headlen == -1) {
		if (!h->server)
			ws_hs_fail(h, "WebSocket: upgrade header too long");
		else if (ws_hs_refuse(h, status, why) == 0)
			ws_hs_cb(h->fd, EV_WRITE, h);
		return;
	}
	/* The head as a string; what follows stays in in. */
	h->in[h->inlen] = '\0';
	save = h->in[headlen];
	h->in[headlen] = '\0';
	h->headlen = headlen;
	if ((rc = h->server ? ws_hs_request(h) : ws_hs_answer(h)) == -1)
		return;
	h->in[headlen] = save;
	if (!h->server)
		ws_hs_ready(h, headlen);
	/* Its credentials being checked (1): ws_hs_authed() goes on. */
	else if (rc == 0)
		ws_hs_cb(h->fd, EV_WRITE, h);
}

/* One step: write what is owed, then read. */
static void
ws_hs_cb(__unused int fd, __unused int events, void *arg)
{
	struct ws_hs	*h = arg;
	char		*cause;

	if ((h->sniffing && !ws_hs_sniffed(h)) || !ws_hs_send(h))
		return;
	if (h->ans != NULL || (h->refused != NULL && h->no_upgrade)) {
		/* Answered: the connection is over, and nothing failed. */
		if (h->ans == NULL)
			log_verbose_warn(1, "%s", h->refused);
		ws_hs_done(h, NULL, NULL);
	} else if (h->refused != NULL) {
		/* The message is the callback's now. */
		cause = h->refused;
		h->refused = NULL;
		ws_hs_done(h, NULL, cause);
	} else if (h->answered)
		ws_hs_ready(h, h->headlen);
	else
		ws_hs_read(h);
}

static struct ws_hs *
ws_hs_new(const struct side *sd, int fd, struct tls *tls, int server,
    long long timeout_ms, ws_done_cb *cb, void *arg)
{
	struct ws_hs	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return (NULL);
	h->sd = sd;
	h->fd = fd;
	h->tls = tls;
	h->server = server;
	h->cb = cb;
	h->arg = arg;
	ev_timer_init(&h->timer, ws_hs_timeout, h);
	ev_timer_init(&h->sniff, ws_hs_sniff_cb, h);
	if (timeout_ms == TIME_NONE)
		SIDE_TAKEN(timeout_ms);
	h->timeout_ms = timeout_ms != TIME_NONE ? timeout_ms :
	    sd->timeout_ms != TIME_NONE ? sd->timeout_ms : WS_HS_TIMEOUT_MS;
	ev_timer_init(&h->quiet, ws_hs_sniff_cb, h);
	ev_timer_arm(&h->timer, h->timeout_ms);
	return (h);
}

/*
 * Take and answer a client's upgrade on fd (over tls if not NULL, which
 * the stage owns) on the loop.  cb gets the connection, or NULL and a
 * message to free, never before this returns; a bad request is answered
 * with its status first.  *peer must live until cb (a trusted front may
 * replace it).  Returns the stage, or NULL with errno (tls still the
 * caller's).
 */
struct ws_hs *
ws_accept_start(const struct side *sd, int fd, struct tls *tls,
    struct net_peer *peer, ws_done_cb *cb, void *arg)
{
	struct ws_hs	*h;
	int		 error;

	if ((h = ws_hs_new(sd, fd, tls, 1, TIME_NONE, cb, arg)) == NULL)
		return (NULL);
	h->peer = peer;
	ASYNC_START(h, "ws_accept_start");
	/*
	 * A room, a broker or a relay takes plain TCP clients too, told
	 * apart by their first bytes.  A room's or a broker's may only
	 * listen: a silence of WS_SNIFF_QUIET_MS makes one, an HTTP client's
	 * deadline starts when it speaks, and until then the silence and
	 * --idle-timeout bound it.  A relay's speaks first (its request), so
	 * a client slow to speak is waited for within the upgrade's deadline.
	 */
	h->sniffing = sd->ws.plain_too;
	if (sd->ws.plain_listens) {
		ev_timer_disarm(&h->timer);
		if (sd->gate.idle_ms != TIME_NONE)
			ev_timer_arm(&h->timer, sd->gate.idle_ms);
		ev_timer_arm(&h->quiet, WS_SNIFF_QUIET_MS);
	}
	/*
	 * The first read is from the loop.  Over TLS, when the socket is
	 * writable (at once): the TLS layer may hold the request already,
	 * which no read event would announce.  A plain socket waits for the
	 * request itself, not for a turn of the loop that finds none yet.
	 */
	if (ws_hs_watch(h, tls != NULL ? EV_WRITE : EV_READ) == -1) {
		error = errno;
		h->tls = NULL;
		ws_hs_cancel(h);
		errno = error;
		return (NULL);
	}
	ASYNC_STARTED(h);
	return (h);
}

/* Give up an upgrade: its callback never runs. */
void
ws_hs_cancel(struct ws_hs *h)
{
	if (h == NULL)
		return;
	auth_cancel(h->authing);
	if (h->watched)
		ev_del(h->fd);
	ev_timer_disarm(&h->timer);
	ev_timer_disarm(&h->sniff);
	ev_timer_disarm(&h->quiet);
	tls_free(h->tls);
	ws_hs_free_answer(h);
	exec_environ_free(h->cgi, 0);
	free(h->refused);
	free(h);
}

/*
 * Upgrade fd (over tls if not NULL, then the stage's) as a client of host
 * and port for path, on the loop; cb gets the connection, or NULL and a
 * message to free, never before this returns.  Returns the stage (for
 * ws_hs_cancel()), or NULL with *cause (tls freed).
 */
struct ws_hs *
ws_connect_start(const struct side *sd, int fd, struct tls *tls,
    const char *host, const char *port, long long timeout_ms, ws_done_cb *cb,
    void *arg, char **cause)
{
	struct ws_hs	*h;
	struct ws_req	 r;
	unsigned char	 nonce[16];
	char		 hostport[HTTP_HOST_MAX + 16];
	const char	*why;
	ssize_t		 n;
	int		 dflt;

	*cause = NULL;
	if ((h = ws_hs_new(sd, fd, tls, 0, timeout_ms, cb, arg)) == NULL) {
		tls_free(tls);
		log_cause(cause, "WebSocket: %s", strerror(errno));
		return (NULL);
	}
	ASYNC_START(h, "ws_connect_start");
	arc4random_buf(nonce, sizeof(nonce));
	http_base64(nonce, sizeof(nonce), h->key);	/* Sec-WebSocket-Key */
	memset(&r, 0, sizeof(r));
	/* A Unix-domain socket (no port) is this host's: "localhost". */
	dflt = port == NULL || strcmp(port, sd->tls.on ? "443" : "80") == 0;
	if (port == NULL)
		host = "localhost";
	(void)snprintf(hostport, sizeof(hostport), "%s%s%s%s%s",
	    strchr(host, ':') != NULL ? "[" : "", host,
	    strchr(host, ':') != NULL ? "]" : "", dflt ? "" : ":",
	    dflt ? "" : port);
	r.host = hostport;
	r.path = sd->ws.path != NULL ? sd->ws.path : sd->via.ws_path != NULL ?
	    sd->via.ws_path : "/";
	r.key = h->key;
	SIDE_TAKEN(ws.origin);
	SIDE_TAKEN(ws.protocol);
	SIDE_TAKEN(ws.nheaders);
	r.origin = sd->ws.origin;
	r.protocols = h->protocols = sd->ws.protocol;
	/*
	 * A side that moves bytes offers WS_PROTO_BINARY: a sockcat server
	 * in text mode then serves it bytes, not lines.
	 */
	if (sd->ws.binary && !sd->ws.framed) {
		why = "--ws-protocol too long";
		if (ws_offer_binary(sd->ws.protocol, h->offer,
		    sizeof(h->offer)) == -1)
			goto fail;
		r.protocols = h->protocols = h->offer;
	}
	r.extensions = !ws_compresses(sd) ? NULL : sd->ws.fresh ?
	    WS_PMD_OFFER_FRESH : WS_PMD_OFFER;
	r.headers = sd->ws.headers;
	r.nheaders = sd->ws.nheaders;
	if ((n = ws_encode_request(h->out, sizeof(h->out), &r, &why)) == -1)
		goto fail;
	h->olen = n;
	if (ws_hs_watch(h, EV_WRITE) == -1) {
		why = strerror(errno);
		goto fail;
	}
	ASYNC_STARTED(h);
	return (h);

fail:
	log_cause(cause, "WebSocket: %s", why);
	ws_hs_cancel(h);
	return (NULL);
}
