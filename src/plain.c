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
 * Plain mode: stdin and stdout wired to one connection, as netcat does,
 * for the client and for the listener (one connection, or one after
 * another with -k).
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockcat.h"

/* A listener that ran out of descriptors retries after this long. */
#define ACCEPT_BACKOFF_MS	100

struct plain {
	struct options	*o;
	struct session	*s;
	struct channel	*tx;		/* stdin -> network */
	struct channel	*rx;		/* network -> stdout */
	struct ev_timer	 quit;		/* -q: the delay before exiting */
	struct ev_timer	 deadline;	/* --quit-after, from stdin EOF */
	int		 stopping;	/* no more connections: exit */
	int		 lfd;		/* listening socket, -1 when none */
	struct ev_timer	 backoff;
	int		 status;	/* exit status */
};

static void	plain_accept_cb(int, int, void *);

/*
 * The end of a session, in netcat's terms.  It is over when both
 * directions have finished; or, for a listener, when the client has
 * finished sending and nothing of ours is waiting (so "sockcat -l > file"
 * ends with its client).  A listener with a quit timer (-q) also stops
 * reading once stdin is done, and takes no more clients.
 */
static int
plain_check(struct session *s)
{
	struct plain	*p = s->arg;
	struct options	*o = p->o;
	struct channel	*tx = p->tx, *rx = p->rx;
	int		 tx_ended = tx == NULL || channel_ended(tx);

	/* stdin ended (not a failed connection): later clients get none. */
	if (tx != NULL && (tx->state == CH_DRAINING || tx->state == CH_DONE) &&
	    tx->error_op == NULL)
		stdio_set_in_ended();
	if (tx_ended && o->deadline_ms != TIME_NONE &&
	    !ev_timer_armed(&p->deadline))
		ev_timer_arm(&p->deadline, o->deadline_ms);
	if (tx_ended && channel_ended(rx))
		return (1);
	if (o->half_close)
		return (0);
	if (o->listen && channel_ended(rx) && (tx == NULL || tx->buf.len == 0))
		return (1);
	if (o->listen && o->quit_ms != TIME_NONE && tx_ended &&
	    rx->buf.len == 0) {
		p->stopping = 1;
		return (1);
	}
	return (0);
}

/* The -q delay is over, or there was none: exit. */
static void
plain_quit_cb(void *arg)
{
	(void)arg;
	ev_break();
}

/* --quit-after: stdin ended that long ago; stop, whatever the peer does. */
static void
plain_deadline_cb(void *arg)
{
	struct plain	*p = arg;

	p->stopping = 1;
	ev_timer_disarm(&p->quit);
	p->o->quit_ms = TIME_NONE;
	if (p->s != NULL)
		session_finish(p->s);
	else
		ev_break();
}

/* Say what was lost, if anything was; returns the exit status. */
static int
plain_report(struct plain *p)
{
	struct channel	*ch;
	int		 status = 0;

	TAILQ_FOREACH(ch, &p->s->channels, entry) {
		if (ch->error_op == NULL)
			continue;
		log_warnx("%s %s %s: %s", ch->error_op,
		    strcmp(ch->error_op, "read") == 0 ? "from" : "to",
		    strcmp(ch->error_op, "read") == 0 ? ch->src->name :
		    ch->dst->name, strerror(ch->error));
		status = 1;
	}
	return (status);
}

/*
 * A session is over: serve the next client with -k, or exit, after the -q
 * delay if there is one (the connection is closed meanwhile, as with nc).
 */
static void
plain_finished(struct session *s)
{
	struct plain	*p = s->arg;

	if (plain_report(p) != 0)
		p->status = 1;
	session_free(s);
	p->s = NULL;
	p->tx = p->rx = NULL;
	if (p->lfd != -1 && p->o->keep && !p->stopping) {
		ev_set(p->lfd, EV_READ, plain_accept_cb, p);
		return;
	}
	ev_timer_disarm(&p->deadline);
	if (p->lfd != -1) {
		ev_del(p->lfd);
		close(p->lfd);
		p->lfd = -1;
	}
	if (p->o->quit_ms > 0)
		ev_timer_arm(&p->quit, p->o->quit_ms);
	else
		ev_break();
}

/* Wire stdin and stdout to the connected socket fd and start moving. */
static int
plain_start(struct plain *p, int fd)
{
	struct options	*o = p->o;
	struct session	*s;
	struct endpoint	*in, *out, *net;
	int		 shut_tx = o->shut_net || o->half_close;

	if ((s = session_new(plain_check, plain_finished, p)) == NULL)
		return (-1);
	p->s = s;
	net = session_endpoint(s, "network", fd, fd, EP_SHUT_SOCKET, 0);
	out = stdio_out(s);
	in = stdio_in(s, o->no_stdin);
	if (net == NULL || out == NULL || (in == NULL && !o->no_stdin))
		goto fail;
	/*
	 * A listener that keeps serving (-k) keeps stdout for the next
	 * client; otherwise stdout is closed when the peer is done.
	 */
	if ((p->rx = session_channel(s, "receive", net, out,
	    o->keep ? 0 : CH_SHUTDOWN)) == NULL)
		goto fail;
	p->tx = NULL;
	if (in != NULL) {
		if ((p->tx = session_channel(s, "send", in, net,
		    shut_tx ? CH_SHUTDOWN : 0)) == NULL)
			goto fail;
		if (o->crlf)
			p->tx->xform = crlf_xform;
		if (stdio_in_ended())
			p->tx->state = CH_DRAINING;
	} else if (shut_tx)
		shutdown(fd, SHUT_WR);
	if (o->timeout_ms != TIME_NONE)
		session_set_idle(s, o->timeout_ms);
	return (session_start(s));

fail:
	session_free(s);
	p->s = NULL;
	return (-1);
}

static void
plain_init(struct plain *p, struct options *o)
{
	memset(p, 0, sizeof(*p));
	p->o = o;
	p->lfd = -1;
	ev_timer_init(&p->quit, plain_quit_cb, p);
	ev_timer_init(&p->deadline, plain_deadline_cb, p);
}

/*
 * Connect to each port in turn and relay stdin and stdout over it, as
 * netcat does.  Returns the exit status: 0 if any connection was made.
 */
int
plain_connect(struct options *o)
{
	struct plain	 p;
	struct net_peer	 peer;
	char		*cause;
	size_t		 i;
	int		 fd, connected = 0, failed = 0;

	plain_init(&p, o);
	for (i = 0; i < o->nports; i++) {
		fd = net_connect(o, o->host, o->ports[i], &peer, &cause);
		if (fd == -1) {
			if (cause != NULL)
				fatalx("%s", cause);
			continue;
		}
		connected = 1;
		net_report_connect(o, o->host, o->ports[i], &peer);
		if (plain_start(&p, fd) == -1)
			fatal("session");
		if (ev_loop() == -1)
			fatal("poll");
		if (p.status != 0)
			failed = 1;
		if (p.stopping)
			break;
	}
	return (!connected || failed);
}

static void
plain_backoff_cb(void *arg)
{
	struct plain	*p = arg;

	ev_set(p->lfd, EV_READ, plain_accept_cb, p);
}

static void
plain_accept_cb(int lfd, int events, void *arg)
{
	struct plain	*p = arg;
	struct net_peer	 peer;
	int		 fd;

	(void)events;
	if ((fd = net_accept(lfd, &peer)) == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/*
			 * Out of descriptors: the connection stays queued.
			 * Wait for some to be freed rather than spin.
			 */
			log_verbose(1, "accept: %s", strerror(errno));
			ev_del(lfd);
			ev_timer_arm(&p->backoff, ACCEPT_BACKOFF_MS);
		} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			fatal("accept");
		return;
	}
	net_report_accept(p->o, &peer);
	/* One connection at a time: -k takes the next when this one ends. */
	ev_del(lfd);
	if (!p->o->keep) {
		close(lfd);
		p->lfd = -1;
	}
	if (plain_start(p, fd) == -1)
		fatal("session");
}

/*
 * Listen on the address and port of the command line and relay stdin and
 * stdout with the client; with -k, with one client after another.
 */
int
plain_listen(struct options *o)
{
	struct plain	 p;
	char		*cause;

	plain_init(&p, o);
	ev_timer_init(&p.backoff, plain_backoff_cb, &p);
	if ((p.lfd = net_listen(o, o->host, o->ports[0], &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	net_report_listen(o, p.lfd);
	ev_set(p.lfd, EV_READ, plain_accept_cb, &p);
	if (ev_loop() == -1)
		fatal("poll");
	return (p.status);
}
