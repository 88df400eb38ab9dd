/*
 * What reaches a channel other than by its own reads: bytes a mode puts
 * in its buffer as if its source had sent them (a datagram its listener
 * read for it, --on-connect's text ahead of the rest), and, for
 * --reconnect, a new connection put under an endpoint whose connection
 * ended, its channels and what they hold kept; a read a mode asks for
 * that no poll would announce; and what watches the bytes a channel
 * delivers (-o, --hex-dump, telnet's answers).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"
#include "pump-int.h"

/*
 * Add an observer of what ch delivers (session logs, telnet answers).
 * Returns -1 with errno ENOSPC when the channel has CH_TAPS_MAX already.
 */
int
channel_tap(struct channel *ch, ch_tap_cb *cb, void *arg)
{
	if (ch->ntaps == CH_TAPS_MAX) {
		errno = ENOSPC;
		return (-1);
	}
	/* Most channels have none: the table is made for the first. */
	if (ch->taps == NULL &&
	    (ch->taps = calloc(CH_TAPS_MAX, sizeof(*ch->taps))) == NULL)
		return (-1);
	ch->taps[ch->ntaps].cb = cb;
	ch->taps[ch->ntaps].arg = arg;
	ch->ntaps++;
	return (0);
}

/* The most bytes injected datagrams may hold while they wait. */
#define CH_HELD_MAX	(4 * CHANNEL_BUFSIZE)

/*
 * The buffer of ch is empty: move the first datagram held into it.
 * Returns 1, or 0 when none waits.
 */
int
channel_unhold(struct channel *ch)
{
	const unsigned char	*p;
	size_t			 n;

	DEBUG_CHECK(ch->buf.len == 0, "channel_unhold: the buffer holds a "
	    "datagram already");
	if (!dgramq_first(ch->held, &p, &n))
		return (0);
	if (ch->buf.data == NULL && buf_init(&ch->buf, ch->bufsize) == -1)
		return (0);
	memcpy(buf_tail(&ch->buf), p, n);
	buf_commit(&ch->buf, n);
	dgramq_drop(&ch->held);
	return (1);
}

/*
 * Put the n bytes at p in ch's buffer as if they had been read from its
 * source: data a mode read before the channel existed, or read from
 * elsewhere on its behalf (a datagram listener hands a peer's datagram to
 * that peer's session).  A datagram for a datagram destination (a UDP
 * socket, a WebSocket's messages) that comes while the buffer holds one
 * waits behind it, whole, up to CH_HELD_MAX bytes.  The channel then
 * copies, never splices.  Returns 0, or -1 with errno: ENOBUFS when they
 * do not fit, EPIPE when the channel no longer reads, EBUSY when it
 * already splices.
 */
int
channel_inject(struct channel *ch, const void *p, size_t n)
{
	if (ch->state != CH_OPEN) {
		errno = EPIPE;
		return (-1);
	}
	if (channel_spliced(ch)) {
		errno = EBUSY;
		return (-1);
	}
	if ((ch->dst->flags & EP_DGRAM) && (ch->buf.len > 0 ||
	    ch->held != NULL)) {
		if (n > ch->bufsize) {
			errno = ENOBUFS;
			return (-1);
		}
		if (dgramq_add(&ch->held, p, n, CH_HELD_MAX) == -1)
			return (-1);
	} else {
		if (ch->buf.data == NULL &&
		    buf_init(&ch->buf, ch->bufsize) == -1)
			return (-1);
		if (buf_space(&ch->buf) < n) {
			errno = ENOBUFS;
			return (-1);
		}
		memcpy(buf_tail(&ch->buf), p, n);
		buf_commit(&ch->buf, n);
	}
	/* One datagram from the network, read for this channel. */
	if ((ch->src->flags & (EP_DGRAM | EP_NET)) == (EP_DGRAM | EP_NET))
		pump_tally()->dgrams_received++;
	session_touch(ch->src->session);
	channel_update(ch);
	return (0);
}

/*
 * Put the n bytes at p in ch's buffer before what it holds: what a mode
 * must send first on a connection, ahead of what waited for it
 * (--on-connect).  The buffer grows to take them.  A channel that has
 * ended (CH_DONE) takes them too, for a connection that replaced the one
 * it told: it ends again, telling the new one, once they are delivered.
 * The channel copies.  Returns 0, or -1 with errno (EPIPE: the channel
 * failed; EBUSY: it splices).
 */
int
channel_inject_first(struct channel *ch, const void *p, size_t n)
{
	struct buf	 b;

	if (ch->state == CH_FAILED) {
		errno = EPIPE;
		return (-1);
	}
	if (ch->state == CH_DONE)
		ch->state = CH_DRAINING;
	if (channel_spliced(ch)) {
		errno = EBUSY;
		return (-1);
	}
	if (ch->buf.data != NULL && ch->buf.off >= n) {
		ch->buf.off -= n;
		ch->buf.len += n;
		memcpy(ch->buf.data + ch->buf.off, p, n);
		return (0);
	}
	if (buf_init(&b, ch->bufsize > ch->buf.len + n ? ch->bufsize :
	    ch->buf.len + n) == -1)
		return (-1);
	memcpy(b.data, p, n);
	if (ch->buf.len > 0)
		memcpy(b.data + n, ch->buf.data + ch->buf.off, ch->buf.len);
	b.len = ch->buf.len + n;
	buf_free(&ch->buf);
	ch->buf = b;
	return (0);
}

/*
 * Drop up to n bytes from the front of what the copying channel ch holds
 * (what channel_inject_first() put there, not delivered, and meant for
 * that connection only).  Returns how many were dropped.
 */
size_t
channel_unqueue(struct channel *ch, size_t n)
{
	if (n > ch->buf.len)
		n = ch->buf.len;
	buf_consume(&ch->buf, n);
	buf_release(&ch->buf);
	return (n);
}

/*
 * The connection of ep, an EP_REDIAL endpoint, is over (its reader has
 * ended, or it broke): let go of it (its operations' data freed, its
 * descriptors closed) and keep ep, and its channels, for the next one
 * (ep_attach()).  The channel reading from it starts afresh.  The
 * channel writing to it keeps what it holds and goes on reading its
 * source: while ep is detached, what no longer fits is read and dropped,
 * counted in its spilled, so that a source is never held up by a
 * connection that is not there.  Its end, if it comes meanwhile, is
 * passed on to the next connection.
 */
void
ep_detach(struct endpoint *ep)
{
	struct channel	*r = ep->reader, *w = ep->writer;

	DEBUG_CHECK(ep->flags & EP_REDIAL, "ep_detach: not a redial endpoint");
	DEBUG_CHECK(r == NULL || channel_pending(r) == 0,
	    "ep_detach: its reader still holds data");
	if (ep->ops != NULL && ep->ops->free != NULL)
		ep->ops->free(ep);
	ep->ops = NULL;
	ep->data = NULL;
	if (ep->rfd != -1) {
		ev_del(ep->rfd);
		close(ep->rfd);
	}
	if (ep->wfd != -1 && ep->wfd != ep->rfd) {
		ev_del(ep->wfd);
		close(ep->wfd);
	}
	ep->rfd = ep->wfd = -1;
	ep->rwant = ep->wwant = ep->revents = ep->wevents = 0;
	ep->flags &= ~(EP_GONE | EP_DGRAM_FIN);
	ep->flags |= EP_DETACHED;
	if (r != NULL) {
		channel_discard(r);
		channel_unpause(r);
		r->state = CH_OPEN;
		r->error = 0;
		r->error_op = NULL;
	}
	if (w != NULL) {
		/* A write error was the connection's, not the channel's. */
		if (w->error_op != NULL && strcmp(w->error_op, "write") == 0) {
			w->error = 0;
			w->error_op = NULL;
		}
		channel_update(w);
	}
}

/*
 * Give the detached endpoint ep the connected socket fd (its operations,
 * TLS or WebSocket, attached already) and start moving bytes over it:
 * what waited (first what channel_inject_first() put there) is sent.
 * The session's rule runs; the session may be over on return.
 */
void
ep_attach(struct endpoint *ep, int fd)
{
	struct channel	*r = ep->reader, *w = ep->writer;
	struct session	*s = ep->session;

	DEBUG_CHECK(ep->flags & EP_DETACHED, "ep_attach: not detached");
	ep->rfd = ep->wfd = fd;
	ep->flags &= ~EP_DETACHED;
	if (w != NULL) {
		channel_run(w, 0);
		channel_settle(w);
		channel_update(w);
	}
	if (r != NULL) {
		if (ep_pending(ep))
			channel_run(r, 0);
		channel_update(r);
	}
	session_check(s);
}

/*
 * Read ep now, as if a poll had said it was readable: for an endpoint
 * whose read operation knows of an end that no poll announces (the
 * terminal of a program that has exited).  The session's rule is not
 * run; the caller runs it.
 */
void
ep_readable(struct endpoint *ep)
{
	if (ep->reader != NULL && ep->rfd != -1 && !ep->session->over)
		channel_run(ep->reader, 1);
}
