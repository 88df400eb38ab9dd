/*
 * What reaches a channel other than by its reads: bytes a mode puts in its
 * buffer, a new connection under a --reconnect endpoint, a read no poll
 * announces, and the taps that watch what a channel delivers.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"
#include "pump-int.h"

/* Add an observer of what ch delivers.  -1 with ENOSPC past CH_TAPS_MAX. */
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

/* Move the first held datagram into ch's empty buffer.  1, or 0 if none. */
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
 * Put n bytes at p in ch's buffer as if read from its source.  A datagram
 * for a datagram destination that comes while one is buffered waits whole
 * behind it (CH_HELD_MAX bytes).  ch then copies.  Returns 0, or -1 with
 * ENOBUFS (no room), EPIPE (no longer reads) or EBUSY (splices).
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
	if (ep_net_dgram(ch->src))
		pump_tally()->dgrams_received++;
	session_touch(ch->src->session);
	channel_update(ch);
	return (0);
}

/*
 * channel_inject() n bytes at p that another read from ch's source (a
 * datagram listener, a peer's first datagram before the peer has a socket
 * of its own), as a read of ch's own would take them: no byte past
 * readbytes', rewritten by its xform (socat's crlf), and counted for -W,
 * the last allowed read or byte ending the reads.  Returns 0, or -1 with
 * errno.
 */
int
channel_inject_read(struct channel *ch, const void *p, size_t n)
{
	unsigned char	*t = NULL;
	long long	 left = channel_bytes_left(ch);
	size_t		 taken, space;
	int		 rv;

	if (left >= 0 && (size_t)left < n)
		n = left;
	taken = n;
	space = n * channel_xgrow(ch);
	if (ch->xform != NULL) {
		if ((t = malloc(space)) == NULL)
			return (-1);
		memcpy(t, p, n);
		n = ch->xform(ch, t, n, space);
		p = t;
	}
	rv = channel_inject(ch, p, n);
	free(t);
	if (rv == 0) {
		if (left >= 0)
			ch->pace->bytes_left -= taken;
		channel_count_reads(ch, 1);
		if (channel_limit_reached(ch) || channel_bytes_left(ch) == 0) {
			ch->state = CH_DRAINING;
			channel_update(ch);
		}
	}
	return (rv);
}

/*
 * Give ch a buffer with room for n bytes more than it holds (its size at
 * least), what it holds copied at offset at.  Returns -1 with errno.
 */
static int
channel_regrow(struct channel *ch, size_t n, size_t at)
{
	struct buf	 b;

	if (buf_init(&b, ch->bufsize > ch->buf.len + n ? ch->bufsize :
	    ch->buf.len + n) == -1)
		return (-1);
	if (ch->buf.len > 0)
		memcpy(b.data + at, ch->buf.data + ch->buf.off, ch->buf.len);
	b.len = ch->buf.len;
	buf_free(&ch->buf);
	ch->buf = b;
	return (0);
}

/*
 * Put n bytes at p after what ch holds, the buffer grown to take them
 * whole (-t's answers, which a cut would garble), while it holds at most
 * max bytes.  A CH_DONE channel that said no end to dst (no CH_SHUTDOWN)
 * takes them too and ends again once they are delivered.  ch then copies.
 * Returns 0, or -1 with EPIPE (failed, or dst told its end), ENOBUFS
 * (past max) or EBUSY (splices).
 */
int
channel_append(struct channel *ch, const void *p, size_t n, size_t max)
{
	if (ch->state == CH_FAILED ||
	    (ch->state == CH_DONE && (ch->flags & CH_SHUTDOWN))) {
		errno = EPIPE;
		return (-1);
	}
	if (channel_spliced(ch)) {
		errno = EBUSY;
		return (-1);
	}
	if (ch->buf.len + n > max) {
		errno = ENOBUFS;
		return (-1);
	}
	if ((ch->buf.data == NULL || buf_space(&ch->buf) < n) &&
	    channel_regrow(ch, n, 0) == -1)
		return (-1);
	memcpy(buf_tail(&ch->buf), p, n);
	buf_commit(&ch->buf, n);
	if (ch->state == CH_DONE)
		ch->state = CH_DRAINING;
	channel_update(ch);
	return (0);
}

/*
 * Put n bytes at p before what ch holds (--on-connect), the buffer grown.
 * A CH_DONE channel takes them too and ends again once they are delivered.
 * ch then copies.  Returns 0, or -1 with EPIPE (failed) or EBUSY
 * (splices).
 */
int
channel_inject_first(struct channel *ch, const void *p, size_t n)
{
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
	if (channel_regrow(ch, n, n) == -1)
		return (-1);
	memcpy(ch->buf.data, p, n);
	ch->buf.len += n;
	return (0);
}

/*
 * Drop up to n bytes from the front of copying ch (what
 * channel_inject_first() put there).  Returns how many were dropped.
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
 * The connection of EP_REDIAL endpoint ep is over: free its operations'
 * data and close its descriptors, keeping ep and its channels for
 * ep_attach().  The writer keeps what it holds and reads on, dropping what
 * does not fit (counted as spilled); an end is passed to the next
 * connection.
 */
void
ep_detach(struct endpoint *ep)
{
	struct channel	*r = ep->reader, *w = ep->writer;

	DEBUG_CHECK(ep->flags & EP_REDIAL, "ep_detach: not a redial endpoint");
	DEBUG_CHECK(r == NULL || channel_pending(r) == 0,
	    "ep_detach: its reader still holds data");
	if (EP_OPS_HAS(ep, free))
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
 * Give detached ep the connected socket fd (its operations attached) and
 * send what waited.  The session's rule runs: it may be over on return.
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
 * Read ep now as if polled readable, for an end no poll announces.  The
 * caller runs the session's rule.
 */
void
ep_readable(struct endpoint *ep)
{
	if (ep->reader != NULL && ep->rfd != -1 && !ep->session->over)
		channel_run(ep->reader, 1);
}
