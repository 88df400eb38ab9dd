/*
 * Opening a dialled side, one stage after the other on the loop under one
 * deadline: the dial (dial.c) tried again as --retry says, --via's
 * rendezvous, TLS and the WebSocket upgrade.  Every mode that dials opens
 * its side here.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "side.h"

/*
 * Without -w, the dial waits as long as the kernel does, and the
 * handshakes that follow it have this long between them.
 */
#define OPEN_HANDSHAKE_MS	(10 * 1000)

struct opening {
	const struct side	*sd;
	char			*host;
	char			*port;	/* NULL: host is a Unix path */
	struct dial_how		 how;
	open_cb			*cb;
	void			*arg;
	struct retry		 retry;	/* --retry */
	int			 quiet;	/* the owner says the failures */
	struct ev_timer		 pause;	/* --retry-interval, between tries */
	uint64_t		 until;	/* ev_now() the handshakes end by;
					   0: not set yet */
	/* The stage in progress, and what the ones before it gave. */
	struct dial		*dial;
	struct tls_hs		*tls_hs;
	struct ws_hs		*ws_hs;
	/* --via: the relay's answer being read, the wait for the peer. */
	int			 rdv;	/* the fd is watched for it */
	unsigned char		 rdv_in[RDV_REPLY_LEN];
	size_t			 rdv_got;
	int			 rdv_said; /* the wait was said */
	struct ev_timer		 rdv_wait; /* for the first answer, then
					    for the peer */
	long long		 rdv_first_ms; /* the first answer's time */
	struct ws		*rdv_ws; /* --via ws://: to the relay */
	int			 bridged; /* fd is the bridge's inner socket */
	int			 upgrade; /* a WebSocket, the side's or the
					    relay's (--via ws://) */
	int			 fd;
	struct net_peer		 peer;
	const char		*starting; /* ASYNC_START() */
};

static void	open_rdv(struct opening *, struct tls *);

/* The time the stage starting now has left, of the one deadline. */
static long long
open_left(const struct opening *op)
{
	uint64_t	 now = ev_now();

	return (op->until > now ? (long long)(op->until - now) : 1);
}

/*
 * Give the owner nc, which it then owns, or the failure, and free op; the
 * callback comes last and may free op's holder.
 */
static __shortrun void
open_end(struct opening *op, struct netconn *nc, int error, const char *cause)
{
	open_cb		*cb = op->cb;
	void		*arg = op->arg;
	struct net_peer	 peer = op->peer;

	ASYNC_CALLBACK(op, "open_end", cb);
	open_cancel(op);
	cb(nc, nc != NULL ? &peer : NULL, error, cause, arg);
}

/* A stage after the dial failed, with cause (which is freed). */
static void
open_fail(struct opening *op, int error, char *cause)
{
	open_end(op, NULL, error, cause);
	free(cause);
}

/* Every stage is over: the connection is the owner's. */
static __shortrun void
open_done(struct opening *op, struct tls *t, struct ws *w)
{
	struct netconn	*nc;

	if ((nc = netconn_new(op->fd)) == NULL) {
		tls_free(t);
		ws_free(w);
		open_end(op, NULL, errno, strerror(errno));
		return;
	}
	op->fd = -1;
	nc->tls = w != NULL ? NULL : t;
	nc->ws = w;
	open_end(op, nc, 0, NULL);
}

static void
open_ws_done(struct ws *w, char *cause, void *arg)
{
	struct opening	*op = arg;

	op->ws_hs = NULL;
	if (w == NULL) {
		open_fail(op, EPROTO, cause);
		return;
	}
	/* --via ws://: the rendezvous runs in its messages. */
	if (op->sd->via.on) {
		op->rdv_ws = w;
		open_rdv(op, NULL);
		return;
	}
	open_done(op, NULL, w);
}

/* TLS, where asked, is up (t), or there is none: the upgrade, if any. */
static void
open_ws(struct opening *op, struct tls *t)
{
	char	*cause;

	if (!op->upgrade) {
		open_done(op, t, NULL);
		return;
	}
	if (op->sd->ws.on)
		SIDE_TAKEN(ws.on);
	if ((op->ws_hs = ws_connect_start(op->sd, op->fd, t, op->host,
	    op->port, open_left(op), open_ws_done, op, &cause)) == NULL)
		open_fail(op, EPROTO, cause);
}

static void
open_tls_done(struct tls *t, char *cause, void *arg)
{
	struct opening	*op = arg;

	op->tls_hs = NULL;
	if (t == NULL) {
		open_fail(op, EPROTO, cause);
		return;
	}
	/* Inside the bridge, the TLS with the peer is the last stage. */
	if (op->bridged) {
		open_done(op, t, NULL);
		return;
	}
	open_ws(op, t);
}

/* The rendezvous is over: the watch on the relay's answers ends. */
static void
open_rdv_stop(struct opening *op)
{
	ev_timer_disarm(&op->rdv_wait);
	if (op->rdv) {
		ev_del(op->fd);
		op->rdv = 0;
	}
	ws_free(op->rdv_ws);
	op->rdv_ws = NULL;
}

/*
 * Paired: TLS with the peer through the relay, the first to come its server,
 * under a fresh dial's time.
 */
static void
open_rdv_paired(struct opening *op, int first)
{
	struct tls_ctx	*tc = first ? op->sd->via.srv_ctx : op->sd->tls.ctx;
	struct ws	*w = op->rdv_ws;
	char		*why;
	int		 inner;

	op->rdv_ws = NULL;
	open_rdv_stop(op);
	/* Over WebSocket, TLS runs over the inner socket of a bridge. */
	if (w != NULL) {
		if (ws_bridge_start(w, op->fd, &inner) == -1) {
			op->fd = -1;
			open_fail(op, errno, strdup(strerror(errno)));
			return;
		}
		op->fd = inner;
		op->bridged = 1;
	}
	log_verbose(1, "Paired at the relay %s: TLS as its %s",
	    op->sd->via.relay, first ? "server" : "client");
	op->until = ev_now() + (op->sd->timeout_ms != TIME_NONE &&
	    op->sd->timeout_ms > 0 ? op->sd->timeout_ms : OPEN_HANDSHAKE_MS);
	SIDE_TLS_TAKEN(tc);
	if ((op->tls_hs = tls_handshake_start(tc, NULL, op->fd, NULL,
	    open_left(op), open_tls_done, op, &why)) == NULL)
		open_fail(op, EPROTO, why);
}

/* Read the relay's answers.  Returns as recv(2); *why says what broke. */
static ssize_t
open_rdv_recv(struct opening *op, void *buf, size_t n, const char **why)
{
	ssize_t	 r;

	*why = NULL;
	if (op->rdv_ws != NULL)
		return (ws_pre_read(op->rdv_ws, buf, n, why));
	while ((r = recv(op->fd, buf, n, MSG_DONTWAIT)) == -1 &&
	    errno == EINTR)
		;
	return (r);
}

/* Read the relay's answers, never a byte past them, draining TLS underneath. */
static void
open_rdv_read_cb(__unused int fd, __unused int events, void *arg)
{
	struct opening	*op = arg;
	const char	*why;
	char		*cause = NULL;
	ssize_t		 n;
	int		 r, error;

	for (;;) {
		n = open_rdv_recv(op, op->rdv_in + op->rdv_got,
		    sizeof(op->rdv_in) - op->rdv_got, &why);
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1 && errno == EPROTO) {
			error = EPROTO;
			log_cause(&cause, "the relay %s: WebSocket: %s",
			    op->sd->via.relay, why);
			break;
		}
		if (n <= 0) {
			error = n == -1 ? errno : ECONNRESET;
			log_cause(&cause, "the relay %s closed the connection"
			    "%s%s", op->sd->via.relay, n == -1 ? ": " : "",
			    n == -1 ? strerror(errno) : "");
			break;
		}
		op->rdv_got += n;
		if ((r = rdv_parse_reply(op->rdv_in, op->rdv_got, &why)) == 0)
			continue;
		op->rdv_got = 0;
		switch (r) {
		case -1:
			error = EPROTO;
			log_cause(&cause, "%s %s", op->sd->via.relay, why);
			break;
		case RDV_WAIT:
			if (op->rdv_said)
				continue;
			op->rdv_said = 1;
			ev_timer_arm(&op->rdv_wait, op->sd->via.wait_ms);
			log_info("Waiting at %s for the other side (up to "
			    "%llds)", op->sd->via.relay,
			    op->sd->via.wait_ms / 1000);
			if (op->sd->tls.secret_peer != NULL)
				log_info("On the other side, run: %s",
				    op->sd->tls.secret_peer);
			continue;
		case RDV_FIRST:
		case RDV_SECOND:
			open_rdv_paired(op, r == RDV_FIRST);
			return;
		default:
			error = EPERM;
			log_cause(&cause, "the relay %s refused: %s",
			    op->sd->via.relay, rdv_reply_text(r));
		}
		break;
	}
	open_rdv_stop(op);
	open_fail(op, error, cause);
}

/* No answer in time: no relay, or nobody came with this code. */
static void
open_rdv_wait_cb(void *arg)
{
	struct opening	*op = arg;
	char		*cause = NULL;

	open_rdv_stop(op);
	if (!op->rdv_said)
		log_cause(&cause, "%s is no relay: it did not answer the "
		    "rendezvous request within %llds", op->sd->via.relay,
		    (op->rdv_first_ms + 999) / 1000);
	else
		log_cause(&cause, "nobody came to the relay %s with this code "
		    "within %llds (is it the same code on both sides?)",
		    op->sd->via.relay, op->sd->via.wait_ms / 1000);
	open_fail(op, ETIMEDOUT, cause);
}

/*
 * --via: send the relay the name the code makes and wait for the peer,
 * reading nothing but the answers.
 */
static void
open_rdv(struct opening *op, struct tls *t)
{
	unsigned char	 req[RDV_REQ_LEN];
	ssize_t		 n;

	if (t != NULL) {
		tls_free(t);
		open_fail(op, EPROTO, strdup("--via through an https:// proxy "
		    "is not supported"));
		return;
	}
	n = rdv_encode_request(req, sizeof(req), op->sd->via.name);
	/* A fresh connection takes a few dozen bytes at once. */
	if (n == -1 || (op->rdv_ws != NULL ? ws_pre_send(op->rdv_ws, req,
	    n) == -1 : send(op->fd, req, n, MSG_NOSIGNAL) != n)) {
		open_fail(op, errno, strdup("cannot send the rendezvous "
		    "request to the relay"));
		return;
	}
	if (ev_set(op->fd, EV_READ, open_rdv_read_cb, op) == -1) {
		open_fail(op, errno, strdup(strerror(errno)));
		return;
	}
	op->rdv = 1;
	/* A relay answers at once; the wait for the peer starts then. */
	op->rdv_first_ms = open_left(op) < op->sd->via.wait_ms ?
	    open_left(op) : op->sd->via.wait_ms;
	ev_timer_arm(&op->rdv_wait, op->rdv_first_ms);
}

/* --retry: did a try fail (error, no message) as the peer is not there yet? */
static int
open_not_yet(int error, const char *cause)
{
	if (cause != NULL)
		return (0);
	switch (error) {
	case ECONNREFUSED:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
	case ECONNRESET:
	case ECONNABORTED:
	case ENOENT:
		return (1);
	default:
		return (0);
	}
}

/* Dialled fd (over an https:// proxy's TLS t, or NULL): the handshakes. */
static __shortrun void
open_dialled_cb(int fd, const struct net_peer *peer, struct tls *t,
    int error, const char *cause, void *arg)
{
	struct opening	*op = arg;
	char		*why;

	op->dial = NULL;
	if (fd == -1) {
		/* --retry: a peer that is not there yet is waited for. */
		if (!(op->how.flags & DIAL_ONCE) &&
		    open_not_yet(error, cause) && retry_again(&op->retry)) {
			ev_timer_arm(&op->pause, retry_pause(&op->retry));
			return;
		}
		open_end(op, NULL, error, cause);
		return;
	}
	op->fd = fd;
	op->peer = *peer;
	if (op->until == 0)
		op->until = ev_now() + OPEN_HANDSHAKE_MS;
	/* What is said of the connection, before its handshakes. */
	if (op->how.dialled != NULL)
		op->how.dialled(fd, peer, op->how.dialled_arg);
	/* Nothing more to do: a bare dial, or a plain connection. */
	if ((op->how.flags & DIAL_BARE) || (!op->sd->tls.on && !op->upgrade &&
	    !op->sd->via.on)) {
		open_done(op, t, NULL);
		return;
	}
	if (op->sd->via.on && !op->sd->via.ws) {
		open_rdv(op, t);
		return;
	}
	/*
	 * --via ws://: the upgrade first; wss://: after TLS to the relay
	 * (via.ws_ctx); the TLS with the peer comes after the rendezvous.
	 */
	if (!op->sd->tls.on ||
	    (op->sd->via.on && op->sd->via.ws_ctx == NULL)) {
		open_ws(op, t);
		return;
	}
	/* A TLS of ours is over a descriptor, never over another TLS. */
	if (t != NULL) {
		tls_free(t);
		open_fail(op, EPROTO, strdup("TLS to the destination through "
		    "an https:// proxy (TLS inside TLS) is not supported"));
		return;
	}
	if (op->sd->via.ws_ctx == NULL)
		SIDE_TLS_TAKEN(op->sd->tls.ctx);
	if ((op->tls_hs = tls_handshake_start(op->sd->via.ws_ctx != NULL ?
	    op->sd->via.ws_ctx : op->sd->tls.ctx, NULL, fd,
	    op->port != NULL ? op->host : NULL, open_left(op), open_tls_done,
	    op, &why)) == NULL)
		open_fail(op, EPROTO, why);
}

/* One try of the dial within its deadline.  Returns -1 with errno. */
static __shortrun int
open_try(struct opening *op)
{
	long long	 ms = op->sd->connect_ms > 0 ? op->sd->connect_ms :
			    op->sd->timeout_ms;

	SIDE_TAKEN(timeout_ms);
	if (ms != TIME_NONE && ms > 0)
		op->until = ev_now() + ms;
	/* The dial answers from the loop, never from here. */
	if ((op->dial = dial_open(op->sd, op->host, op->port, ms, &op->how,
	    open_dialled_cb, op)) == NULL)
		return (-1);
	if (op->quiet)
		dial_quiet(op->dial);
	return (0);
}

static void
open_pause_cb(void *arg)
{
	struct opening	*op = arg;

	if (open_try(op) == -1)
		open_end(op, NULL, errno, strerror(errno));
}

/*
 * Open sd: dial host and port (port NULL: a Unix-domain path) as how says
 * (NULL: a client's), retried as --retry says, then its TLS and WebSocket,
 * within -w per try.  cb is called once, from the loop, never before this
 * returns: with a netconn that holds no place (the caller frees it) and
 * its peer, or NULL with an errno value and a message (NULL when -v said
 * it).  how->dialled hears of the socket before any handshake.  sd must
 * outlive the opening.  Returns a handle for open_cancel(), valid until
 * the callback, or NULL with errno.
 */
__shortrun struct opening *
open_start(const struct side *sd, const char *host, const char *port,
    const struct dial_how *how, open_cb *cb, void *arg)
{
	struct opening	*op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		return (NULL);
	op->sd = sd;
	op->fd = -1;
	op->upgrade = sd->ws.on || sd->via.ws;
	op->cb = cb;
	op->arg = arg;
	if (how != NULL)
		op->how = *how;
	ASYNC_START(op, "open_start");
	op->retry = (struct retry){ .max = sd->retries,
	    .pause_ms = sd->retry_ms };
	SIDE_TAKEN(retries);
	SIDE_TAKEN(retry_ms);
	ev_timer_init(&op->pause, open_pause_cb, op);
	ev_timer_init(&op->rdv_wait, open_rdv_wait_cb, op);
	if ((op->host = strdup(host)) == NULL ||
	    (port != NULL && (op->port = strdup(port)) == NULL) ||
	    open_try(op) == -1) {
		open_cancel(op);
		return (NULL);
	}
	ASYNC_STARTED(op);
	return (op);
}

/* Leave op's failures to its owner to say: -v says nothing per address. */
void
open_quiet(struct opening *op)
{
	if (op->dial != NULL)
		dial_quiet(op->dial);
	op->quiet = 1;
}

/* Give up the opening op: its callback is never called. */
__shortrun void
open_cancel(struct opening *op)
{
	if (op == NULL)
		return;
	ev_timer_disarm(&op->pause);
	/*
	 * Only the stages that were started are stopped: a plain client
	 * calls no TLS or WebSocket code (t-footprint counts its calls).
	 */
	if (op->sd->via.on)
		open_rdv_stop(op);
	dial_cancel(op->dial);
	if (op->tls_hs != NULL)
		tls_handshake_cancel(op->tls_hs);
	if (op->ws_hs != NULL)
		ws_hs_cancel(op->ws_hs);
	if (op->fd != -1)
		close(op->fd);
	free(op->host);
	free(op->port);
	free(op);
}

/* What open_wait() waits for. */
struct open_wait {
	int		 done;
	struct netconn	*nc;
	struct net_peer	 peer;
	int		 error;
	char		*cause;
};

static __shortrun void
open_wait_cb(struct netconn *nc, const struct net_peer *peer, int error,
    const char *cause, void *arg)
{
	struct open_wait	*w = arg;

	w->done = 1;
	w->nc = nc;
	if (peer != NULL)
		w->peer = *peer;
	w->error = error;
	if (cause != NULL)
		log_cause(&w->cause, "%s", cause);
	ev_break();
}

/*
 * open_start() run to its end on the loop, for a client with nothing else
 * to serve.  Returns the connection with *peer filled, or NULL with errno
 * and *cause (NULL when -v said it); a path's cause names it, as nc -U
 * says.
 */
__shortrun struct netconn *
open_wait(const struct side *sd, const char *host, const char *port,
    const struct dial_how *how, struct net_peer *peer, char **cause)
{
	struct open_wait	 w;
	struct opening		*op;
	char			*why;

	memset(&w, 0, sizeof(w));
	*cause = NULL;
	if ((op = open_start(sd, host, port, how, open_wait_cb, &w)) == NULL) {
		w.error = errno;
		log_cause(&w.cause, "%s", strerror(errno));
	}
	while (op != NULL && !w.done) {
		if (ev_loop() == -1) {
			open_cancel(op);
			log_cause(cause, "poll: %s", strerror(errno));
			return (NULL);
		}
	}
	*cause = w.cause;
	if ((why = w.cause) != NULL && sd->sock.family == AF_UNIX) {
		log_cause(cause, "%s: %s", host, why);
		free(why);
	}
	if (w.nc != NULL)
		*peer = w.peer;
	errno = w.error;
	return (w.nc);
}
