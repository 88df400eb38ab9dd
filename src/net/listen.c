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
 * The one listener every stream server shares: accept (in batches, backing
 * off when out of descriptors), admission (the gate, before anything is
 * reported or relayed), the TLS handshake as a stage driven by the loop,
 * then the mode's start function with a ready connection.
 *
 * listener -> admission -> handshake -> session
 *
 * Datagram servers have no accept: they call listen_admit() for each new
 * peer address, the same admission step.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* Connections accepted per wake-up, so a flood of connects cannot starve. */
#define LISTEN_BATCH		64

/* A connection admitted and in its handshake. */
struct pending {
	struct listener		*l;
	int			 fd;
	struct net_peer		 peer;
	struct tls_hs		*hs;
	TAILQ_ENTRY(pending)	 entry;
};

struct listener {
	const struct options	*o;
	int			 fd;
	const struct listen_ops	*ops;
	void			*arg;
	int			 watched;
	int			 paused; /* the mode said: no more for now */
	int			 starved; /* out of descriptors, and said so */
	struct ev_timer		 backoff;
	TAILQ_HEAD(, pending)	 pending;
	const char		*starting; /* ASYNC_START() */
};

static void	listener_accept_cb(int, int, void *);

/* Watch the listening socket, or stop, as its state says it should. */
static void
listener_update(struct listener *l)
{
	int	 want;

	want = l->fd != -1 && !l->paused && !ev_timer_armed(&l->backoff);
	if (want == l->watched)
		return;
	if (want && ev_set(l->fd, EV_READ, listener_accept_cb, l) == -1)
		fatal("listener");
	else if (!want)
		ev_del(l->fd);
	l->watched = want;
}

static void
listener_backoff_cb(void *arg)
{
	struct listener	*l = arg;

	listener_update(l);
}

/*
 * The admission step every server shares, for a client at peer: the rules
 * (--allow, --deny) first, then the count (--max-conns).  A refusal is
 * reported with exactly one -v line; an admitted client with netcat's
 * "Connection received on" line, and it is counted until gate_release().
 * Returns GATE_ADMIT, GATE_DENY or GATE_FULL.
 */
int
listen_admit(const struct options *o, const struct net_peer *peer)
{
	int	 v;

	if ((v = gate_decide(&o->gate, o->run, peer)) == GATE_ADMIT)
		net_report_accept(o, peer);
	return (v);
}

/*
 * The line a person is sent when the server is full (--chat, --room):
 * in a data mode nothing is said, since a line would corrupt the
 * protocol the client speaks; nor with --ssl, where the client expects
 * a handshake and would read the line as a broken one.  Best effort: a
 * new socket's buffer is empty.
 */
void
listen_say_full(const struct options *o, int fd)
{
	char	 msg[128];
	int	 n;

	if (o->ssl)
		return;

	n = snprintf(msg, sizeof(msg), "%s: the server is full (%d "
	    "connection%s); try again later.\n", getprogname(),
	    o->gate.max_conns, o->gate.max_conns == 1 ? "" : "s");
	if (n > 0 && (size_t)n < sizeof(msg))
		(void)send(fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/*
 * Give a ready connection to the mode, which says what went wrong if it
 * cannot start it.
 */
static void
listener_start(struct listener *l, int fd, const struct net_peer *peer,
    struct tls *tls)
{
	ASYNC_CALLBACK(l, "listener_start", l->ops->start);
	(void)l->ops->start(l->arg, fd, peer, tls);
}

static void
pending_free(struct pending *pd)
{
	TAILQ_REMOVE(&pd->l->pending, pd, entry);
	free(pd);
}

/* The handshake of a pending connection is over. */
static void
listener_hs_done(struct tls *tls, char *cause, void *arg)
{
	struct pending	*pd = arg;
	struct listener	*l = pd->l;
	struct net_peer	 peer = pd->peer;
	int		 fd = pd->fd;

	pending_free(pd);
	if (tls != NULL) {
		listener_start(l, fd, &peer, tls);
		return;
	}
	/* One client failing its handshake is that client's problem. */
	close(fd);
	gate_release(l->o->run);
	if (l->ops->failed != NULL)
		l->ops->failed(l->arg, &peer, cause);
	else
		log_warnx("%s", cause);
	free(cause);
}

/*
 * An admitted connection: through its handshake, if there is one, to the
 * mode.  The handshake runs on the loop, so other clients go on being
 * served meanwhile.
 */
static void
listener_handshake(struct listener *l, int fd, const struct net_peer *peer)
{
	struct pending	*pd;
	char		*cause;

	if (!l->o->ssl) {
		listener_start(l, fd, peer, NULL);
		return;
	}
	if ((pd = calloc(1, sizeof(*pd))) == NULL) {
		log_warn("handshake");
		close(fd);
		gate_release(l->o->run);
		return;
	}
	pd->l = l;
	pd->fd = fd;
	pd->peer = *peer;
	TAILQ_INSERT_TAIL(&l->pending, pd, entry);
	if ((pd->hs = tls_handshake_start(l->o, fd, NULL, TIME_NONE,
	    listener_hs_done, pd, &cause)) == NULL)
		listener_hs_done(NULL, cause, pd);
}

static void
listener_accept_cb(int lfd, int events, void *arg)
{
	struct listener	*l = arg;
	struct net_peer	 peer;
	int		 fd, i, batch;

	(void)events;
	batch = l->ops->flags & LISTEN_SERIAL ? 1 : LISTEN_BATCH;
	for (i = 0; i < batch && l->fd == lfd && !l->paused; i++) {
		if ((fd = net_accept_or_wait(lfd, &peer, &l->backoff)) == -1) {
			/*
			 * Out of descriptors is said once, not at every try:
			 * the episode lasts until every client waiting has
			 * been taken.
			 */
			if (ev_timer_armed(&l->backoff)) {
				l->watched = 0;
				if (!l->starved)
					log_verbose(1, "accept: %s",
					    strerror(errno));
				l->starved = 1;
			} else if (errno == EAGAIN || errno == EWOULDBLOCK)
				l->starved = 0;
			return;
		}
		switch (listen_admit(l->o, &peer)) {
		case GATE_FULL:
			if (l->ops->full != NULL)
				l->ops->full(l->arg, fd);
			/* FALLTHROUGH */
		case GATE_DENY:
			close(fd);
			continue;
		}
		if (l->ops->busy != NULL && l->ops->busy(l->arg, fd, &peer)) {
			gate_release(l->o->run);
			continue;
		}
		/* One connection at a time: the next waits for this one. */
		if (l->ops->flags & LISTEN_SERIAL)
			listener_pause(l, 1);
		listener_handshake(l, fd, &peer);
	}
}

/*
 * Serve the listening socket fd (non-blocking) with the mode described by
 * ops: every admitted connection, after its handshake, is given to
 * ops->start with arg.  Returns the listener, or NULL with errno.
 */
struct listener *
listener_new(const struct options *o, int fd, const struct listen_ops *ops,
    void *arg)
{
	struct listener	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return (NULL);
	l->o = o;
	l->fd = fd;
	l->ops = ops;
	l->arg = arg;
	ASYNC_START(l, "listener_new");
	TAILQ_INIT(&l->pending);
	ev_timer_init(&l->backoff, listener_backoff_cb, l);
	/* Thousands may connect at once: take the longest queue allowed. */
	if (!(ops->flags & LISTEN_SERIAL))
		(void)listen(fd, SOMAXCONN);
	/* Connections are accepted from the loop, never from here. */
	listener_update(l);
	ASYNC_STARTED(l);
	return (l);
}

/*
 * Take no more connections for now (on), or again (off): a mode that
 * serves one connection at a time resumes when it is done.
 */
void
listener_pause(struct listener *l, int on)
{
	l->paused = on;
	listener_update(l);
}

/*
 * Close the listening socket: no more connections.  Those in their
 * handshake carry on.
 */
void
listener_close(struct listener *l)
{
	if (l->fd == -1)
		return;
	l->paused = 1;
	listener_update(l);
	ev_timer_disarm(&l->backoff);
	close(l->fd);
	l->fd = -1;
}

/* Is the listening socket still open? */
int
listener_open(const struct listener *l)
{
	return (l->fd != -1);
}

/* Close the listener and abandon the handshakes in progress. */
void
listener_free(struct listener *l)
{
	struct pending	*pd;

	if (l == NULL)
		return;
	listener_close(l);
	while ((pd = TAILQ_FIRST(&l->pending)) != NULL) {
		tls_handshake_cancel(pd->hs);
		close(pd->fd);
		gate_release(l->o->run);
		pending_free(pd);
	}
	free(l);
}
