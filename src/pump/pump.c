/*
 * The pump's core: channels moved by the event loop, and their endpoints.
 * A channel copies from one endpoint to another through a bounded buffer;
 * a full buffer stops its reads, and at the source's end the destination
 * is ended as it declared.  pump-int.h is what the pump's files share.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"
#include "pump-int.h"

/*
 * Rounds a spliced channel moves in a row while its source has more, or
 * batches a channel receives while its socket fills them.
 */
#define CHANNEL_MORE_ROUNDS	8

static void	pump_fd_cb(int, int, void *);

__shortrun int
channel_ended(const struct channel *ch)
{
	return (ch->state == CH_DONE || ch->state == CH_FAILED);
}

/* Has ch stopped reading because of its read limit (-W)? */
__shortrun int
channel_limit_reached(const struct channel *ch)
{
	return (ch->pace != NULL && ch->pace->read_limit > 0 &&
	    ch->pace->reads >= ch->pace->read_limit);
}

/* Bytes read from the source and not yet written. */
size_t
channel_pending(const struct channel *ch)
{
	return (ch->buf.len + channel_fast(ch)->piped +
	    (ch->held != NULL ? dgramq_bytes(ch->held) : 0) +
	    (ch->batch != NULL ? ch->batch->bytes : 0));
}

/* Does ch hold anything to deliver, an empty datagram included? */
__shortrun int
channel_holds(const struct channel *ch)
{
	return (channel_pending(ch) > 0 || ch->held != NULL ||
	    (ch->batch != NULL && !batch_empty(ch->batch)));
}

/* Does ch want its source read now? */
static __shortrun int
channel_wants_read(struct channel *ch)
{
	if (ch->state != CH_OPEN || ch->src->session->over ||
	    (ch->flags & (CH_HOLD | CH_LAST)))
		return (0);
	/* A regular file is always ready: sendfile reads it when dst is. */
	if (channel_fast(ch)->sendfile)
		return (0);
	if (channel_fast(ch)->direct)
		return (!channel_fast(ch)->blocked);
	if (channel_fast(ch)->splicing)
		return (channel_fast(ch)->pipe[0] == -1 ||
		    channel_fast(ch)->piped < channel_fast(ch)->pipesize);
	/*
	 * A batch of datagrams is read when the last one is delivered, and
	 * those injected before it (channel_inject()).
	 */
	if (ch->batch != NULL)
		return (ch->buf.len == 0 && ch->held == NULL &&
		    batch_empty(ch->batch));
	/* A datagram is read and written whole: one at a time. */
	if (ep_dgram(ch))
		return (ch->buf.len == 0 && ch->held == NULL);
	/* No buffer: one is taken for the read, all of it room. */
	if (ch->buf.data == NULL)
		return (1);
	if (buf_space(&ch->buf) >= channel_xgrow(ch))
		return (1);
	/* Nothing waits for a connection that is not there: it spills. */
	return ((ch->dst->flags & EP_DETACHED) != 0);
}

/* Is ch's EP_REDIAL destination gone or not there yet? */
static int
channel_dst_away(const struct channel *ch)
{
	return ((ch->dst->flags & (EP_GONE | EP_DETACHED)) != 0);
}

/* Is ch in its pause after a line or chunk (-i, --delay)? */
static int
channel_paused(const struct channel *ch)
{
	return (ch->pace != NULL && ev_timer_armed(&ch->pace->timer));
}

__shortrun int
channel_wants_write(const struct channel *ch)
{
	if (channel_dst_away(ch) || ch->src->session->over)
		return (0);
	if (channel_fast(ch)->sendfile)
		return (ch->state == CH_OPEN);
	if (channel_fast(ch)->direct)
		return (ch->state == CH_OPEN && channel_fast(ch)->blocked);
	return ((ch->state == CH_OPEN || ch->state == CH_DRAINING) &&
	    channel_holds(ch) && !channel_paused(ch));
}

/* The events that let a read from ep, or a write to it, progress. */
static int
ep_read_events(const struct endpoint *ep)
{
	return (ep->rwant != 0 ? ep->rwant : EV_READ);
}

static int
ep_write_events(const struct endpoint *ep)
{
	return (ep->wwant != 0 ? ep->wwant : EV_WRITE);
}

/* Does ep hold data already taken from the kernel (a TLS record)? */
__shortrun int
ep_pending(struct endpoint *ep)
{
	if (EP_OPS_HAS(ep, pending) && ep->rfd != -1)
		return (ep->ops->pending(ep));
	return (0);
}

/*
 * The loop could not watch ep (no memory): fail its channels as a read
 * would, so the session ends and says why.
 */
static void
ep_unwatched(struct endpoint *ep)
{
	struct channel	*r = ep->reader, *w = ep->writer;
	int		 error = errno;

	if (r != NULL && r->state != CH_FAILED) {
		channel_fail(r, "read", error);
		if ((r->flags & CH_SHUTDOWN) && r->dst != ep)
			ep_shutdown(r->dst, 1);
	}
	if (w != NULL && w->state != CH_FAILED && r == NULL)
		channel_fail(w, "write", error);
	else if (w != NULL && w->state != CH_FAILED) {
		/* The read's error is the one said (as ep_write_ended()). */
		w->state = CH_FAILED;
		channel_discard(w);
	}
}

/* Register with the loop what ep waits for, and nothing more. */
__shortrun void
ep_update(struct endpoint *ep)
{
	int	 rev = 0, wev = 0;

	/* An ended session's endpoints wait for nothing (session_finish()). */
	if (ep->session->over)
		return;
	if (ep->reader != NULL && ep->rfd != -1 &&
	    channel_wants_read(ep->reader))
		rev = ep_read_events(ep);
	if (ep->writer != NULL && ep->wfd != -1 &&
	    channel_wants_write(ep->writer))
		wev = ep_write_events(ep);
	if (EP_HOOK_HAS(ep, pending) && ep->wfd != -1 &&
	    (*ep->hook)->pending(ep))
		wev = EV_WRITE;
	if (ep->rfd != -1 && ep->rfd == ep->wfd)
		rev = wev = rev | wev;
	/* Nothing to read or write: a hangup, as nc watches for one. */
	if (rev == 0 && ep_watch_hangup(ep))
		rev = wev = EV_HUP;
	/*
	 * A socket of the process's own (EP_OWN) let go of is parked: most
	 * often it is closed (ev_close()) before a wait finds it ready.
	 */
	if (ep->rfd != -1 && rev != ep->revents) {
		if (rev == 0 && (ep->flags & EP_OWN))
			ev_park(ep->rfd);
		else if (ev_set(ep->rfd, rev | (ep_edge(ep) ? EV_EDGE : 0),
		    pump_fd_cb, ep) == -1) {
			ep_unwatched(ep);
			return;
		}
		ep->revents = rev;
	}
	if (ep->wfd != -1 && ep->wfd != ep->rfd && wev != ep->wevents) {
		if (wev == 0 && (ep->flags & EP_OWN))
			ev_park(ep->wfd);
		else if (ev_set(ep->wfd, wev, pump_fd_cb, ep) == -1) {
			ep_unwatched(ep);
			return;
		}
		ep->wevents = wev;
	}
	if (ep->wfd == ep->rfd)
		ep->wevents = ep->revents;
}

void
channel_update(struct channel *ch)
{
	ep_update(ch->src);
	if (ch->dst != ch->src)
		ep_update(ch->dst);
}

/* Close an endpoint descriptor, or point a standard one at /dev/null. */
static void
ep_close_fd(struct endpoint *ep, int fd)
{
	int	 null;

	ev_del(fd);
	if (fd <= STDERR_FILENO) {
		/*
		 * Keep 0-2 occupied so no socket opened later takes their
		 * number, but let go of what they pointed at.
		 */
		if ((null = open(_PATH_DEVNULL, O_RDWR)) != -1) {
			dup2(null, fd);
			if (null != fd)
				close(null);
		}
	} else if (!(ep->flags & EP_NOCLOSE))
		close(fd);
}

/*
 * End ep's write side as it declared (shutdown(2), close(2)); its peer
 * sees end-of-file.  With goodbye, its goodbye first (TLS close_notify);
 * one that waits for room ends it later, goodbye 0 then (ep_ops).
 */
__shortrun void
ep_shutdown(struct endpoint *ep, int goodbye)
{
	struct endpoint	*o;

	DEBUG_CHECK(ep->writer == NULL || !channel_holds(ep->writer),
	    "a stream told its end with bytes still to write");
	if (goodbye && EP_OPS_HAS(ep, shutdown) && ep->wfd != -1) {
		if (ep->ops->shutdown(ep) == -1)
			return;
	}
	switch ((enum ep_shut)ep->shut) {
	case EP_SHUT_SOCKET:
		shutdown(ep->wfd, SHUT_WR);
		break;
	case EP_SHUT_CLOSE:
		if (ep->rfd == ep->wfd)
			break;
		/*
		 * A descriptor another way still writes to (socat's "-" on
		 * both sides: one stdout) is closed by the last to end.
		 */
		TAILQ_FOREACH(o, &ep->session->endpoints, entry)
			if (o != ep && o->wfd == ep->wfd && ep_writing(o))
				break;
		if (o != NULL) {
			/* One watch a descriptor: made again for o alone. */
			ev_del(ep->wfd);
			ep->wfd = -1;
			ep->wevents = o->wevents = 0;
			if (o->rfd == o->wfd)
				o->revents = 0;
			ep_update(o);
			break;
		}
		ep_close_fd(ep, ep->wfd);
		ep->wfd = -1;
		ep->wevents = 0;
		break;
	case EP_SHUT_NULL:
		(void)ep_write(ep, "", 0);
		break;
	case EP_SHUT_NONE:
		break;
	}
}

/* Drop whatever ch holds, in its buffer and in its pipe. */
__shortrun void
channel_discard(struct channel *ch)
{
	ch->buf.len = 0;
	buf_release(&ch->buf);
	if (ch->held != NULL)
		dgramq_free(&ch->held);
	if (ch->batch != NULL) {
		ch->batch->first = ch->batch->n;
		ch->batch->bytes = 0;
	}
	channel_fast(ch)->sendfile = 0;
	channel_fast(ch)->direct = 0;
	channel_fast(ch)->splicing = 0;
	channel_pipe_give(ch);
	channel_fast(ch)->piped = 0;
}

/*
 * A read or write of ch failed: ch stops, dropping what it holds, and says
 * error, unless its source's read failed first: that cause is not hidden
 * by the destination's failure.
 */
void
channel_fail(struct channel *ch, const char *op, int error)
{
	if (ch->error_op == NULL) {
		ch->error = error;
		ch->error_op = op;
	}
	ch->src->session->failed = 1;
	/*
	 * A connection that may be replaced keeps what was not written
	 * for the next one; the channel goes on (reading) as it was.
	 */
	if ((ch->dst->flags & EP_REDIAL) && strcmp(op, "write") == 0) {
		ch->dst->flags |= EP_GONE;
		return;
	}
	ch->state = CH_FAILED;
	channel_discard(ch);
}

/*
 * A write to ep met a reset, which a socket reports once: ep's reader
 * fails too, quietly, dropping what it holds; else a protocol's writer
 * could wait for ever.  The other way of channel_read_failed().
 */
void
ep_write_broken(struct endpoint *ep)
{
	struct channel	*r = ep->reader;

	if (r == NULL || channel_ended(r))
		return;
	/*
	 * A connection that may be replaced: what was read from it is
	 * still delivered, then its reader ends as at end-of-file.
	 */
	if (ep->flags & EP_REDIAL) {
		ep->flags |= EP_GONE;
		if (r->state == CH_OPEN)
			r->state = CH_DRAINING;
		channel_settle(r);
		channel_update(r);
		return;
	}
	r->state = CH_FAILED;
	channel_discard(r);
	r->src->session->failed = 1;
	channel_update(r);
}

/*
 * ep's peer takes nothing more (a WebSocket close): its writer ends
 * quietly, dropping what it holds.  From ep's write the pump runs the rule
 * after; elsewhere the caller runs session_check().
 */
void
ep_write_ended(struct endpoint *ep)
{
	struct channel	*w = ep->writer;

	if (!ep_writing(ep))
		return;
	if (ep->flags & EP_REDIAL) {
		ep->flags |= EP_GONE;
		channel_update(w);
		return;
	}
	w->state = CH_FAILED;
	if (channel_holds(w))
		w->flags |= CH_DROPPED;
	channel_discard(w);
	/* Its source's bytes go nowhere: a program's pipe closed (EPIPE). */
	if (w->src->rfd != -1 && w->src->rfd != w->src->wfd &&
	    w->src->ops == NULL && !(w->src->flags & EP_NOCLOSE)) {
		ev_del(w->src->rfd);
		net_close(&w->src->rfd);
		w->src->revents = 0;
	}
	channel_update(w);
}

/*
 * If the source has ended and all is delivered, tell dst, after the pause
 * of -i, as nc sleeps before its shutdown.
 */
__shortrun void
channel_settle(struct channel *ch)
{
	if (ch->state != CH_DRAINING || channel_holds(ch) ||
	    channel_paused(ch))
		return;
	/* The end is for the next connection: it has to hear it. */
	if (channel_dst_away(ch))
		return;
	ch->state = CH_DONE;
	/* socat's notice, once, of a source that ended (not one that broke). */
	if ((ch->flags & (CH_SAY_EOF1 | CH_SAY_EOF2)) && ch->error_op == NULL)
		log_verbose(1, "socket %d (fd %d) is at EOF",
		    ch->flags & CH_SAY_EOF1 ? 1 : 2, ch->src->rfd);
	/*
	 * A source that broke (a reset) is passed on as one where the mode
	 * asks: the destination must not take a cut stream for a whole one.
	 */
	if ((ch->flags & CH_RESET) && ch->error_op != NULL &&
	    ch->dst->wfd != -1) {
		ep_reset(ch->dst);
		return;
	}
	if (EP_OPS_HAS(ch->dst, ended) && ch->dst->wfd != -1 &&
	    ch->dst->ops->ended(ch->dst) == -1) {
		/* Lost, told; the caller runs the rule (it may free ch). */
		channel_fail(ch, "write", errno);
		ep_shutdown(ch->dst, 1);
		return;
	}
	/*
	 * The way back is over too, so the session ends now and closes dst:
	 * its close says end-of-file (nothing unread waits in it, which
	 * would make it a reset), and a shutdown first would only cost a
	 * system call.  Not for TLS, whose end is a message of its own.
	 */
	if ((ch->flags & CH_CLOSE) && ch->dst->ops == NULL &&
	    ep_read_done(ch->dst))
		return;
	if (ch->flags & CH_SHUTDOWN)
		ep_shutdown(ch->dst, 1);
}

/* Read from ep as its kind does, EAGAIN told to the loop (ev_blocked()). */
static ssize_t
ep_read(struct endpoint *ep, void *p, size_t n)
{
	ssize_t	 r;

	if (EP_OPS_HAS(ep, read))
		return (ep->ops->read(ep, p, n));
	r = read(ep->rfd, p, n);
	/* Reported once, the refusal is gone: read what there is. */
	if (r == -1 && errno == ECONNREFUSED && (ep->flags & EP_DEAF))
		r = read(ep->rfd, p, n);
	if (r == -1 && errno == EAGAIN)
		ev_blocked(ep->rfd, EV_READ);
	else if (r > 0 && (size_t)r < n && !(ep->flags & EP_DGRAM))
		ev_short_read(ep->rfd);
	return (r);
}

/* Write to ep as its kind does.  Returns what write(2) would. */
ssize_t
ep_write(struct endpoint *ep, const void *p, size_t n)
{
	ssize_t	 r;

	if (EP_OPS_HAS(ep, write))
		r = ep->ops->write(ep, p, n);
	else {
		r = write(ep->wfd, p, n);
		/* The write that reports a refusal has not sent: once more. */
		if (r == -1 && errno == ECONNREFUSED && (ep->flags & EP_DEAF))
			r = write(ep->wfd, p, n);
		if (r == -1 && errno == EAGAIN)
			ev_blocked(ep->wfd, EV_WRITE);
	}
	return (r == -1 && errno == EPIPE && (ep->flags & EP_DROP_GONE) ?
	    (ssize_t)n : r);
}

/*
 * n bytes at p of ch (arg) were delivered: count them, touch the session,
 * and show them to its taps (p NULL when spliced; a tapped channel never
 * is).
 */
__shortrun void
channel_delivered(void *arg, const unsigned char *p, size_t n)
{
	struct channel	*ch = arg;
	size_t		 i;

	session_touch(ch->src->session);
	ch->bytes += n;
	if (ch->dst->flags & EP_NET)
		pump_tally()->sent += n;
	if (ch->src->flags & EP_NET)
		pump_tally()->received += n;
	for (i = 0; p != NULL && i < ch->ntaps; i++)
		ch->taps[i].cb(ch, p, n, ch->taps[i].arg);
}

/*
 * ep's source ended: shut its read side as declared, but not a plain
 * socket's (nothing the peer could see; ENOTCONN after a close).
 */
__shortrun void
ep_read_ended(struct endpoint *ep)
{
	if (ep->shut == EP_SHUT_SOCKET && ep->rfd != -1 && ep->ops != NULL)
		shutdown(ep->rfd, SHUT_RD);
}

/*
 * ch's source failed to read (a reset): what is queued is still delivered,
 * then the loss shows.  The connection is gone both ways: the source's
 * writer fails too, quietly (ep_write_ended()), unless it is a datagram
 * socket (an ICMP error is about one datagram).  Every path ends a read
 * this way.
 */
void
channel_read_failed(struct channel *ch, int error)
{
	struct endpoint	*src = ch->src;

	if (error == ECONNRESET && (src->flags & EP_RESET_END)) {
		ch->state = CH_DRAINING;
		ep_read_ended(src);
		return;
	}
	ch->error = error;
	ch->error_op = "read";
	src->session->failed = 1;
	if (src->wfd != -1 && src->wfd == src->rfd && !(src->flags & EP_DGRAM))
		ep_write_ended(src);
	ch->state = CH_DRAINING;
	if (src->shut == EP_SHUT_SOCKET && src->rfd != -1)
		shutdown(src->rfd, SHUT_RD);
}

/*
 * Copy ch's buffer to its destination until done, it would block, or a
 * pause; with -i each write ends at a newline, so lines go out as one
 * datagram each, as nc sends them.
 */
static void
channel_push_copy(struct channel *ch)
{
	unsigned char	*p, *nl;
	size_t		 len;
	ssize_t		 n;
	long long	 gap;
	int		 cut;

	while (!channel_spliced(ch) && (ch->buf.len > 0 ||
	    channel_unhold(ch)) && channel_wants_write(ch)) {
		p = ch->buf.data + ch->buf.off;
		len = ch->buf.len;
		cut = 0;
		if (channel_line_gap(ch) > 0 && !(ch->src->flags & EP_DGRAM) &&
		    (nl = memchr(p, '\n', len)) != NULL) {
			len = nl - p + 1;
			cut = 1;
		}
		n = ep_write(ch->dst, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				channel_fail(ch, "write", errno);
			break;
		}
		if (ep_net_dgram(ch->dst))
			pump_tally()->dgrams_sent++;
		channel_delivered(ch, p, n);
		gap = channel_write_gap(ch);
		if (channel_line_gap(ch) > gap && n > 0 && p[n - 1] == '\n')
			gap = channel_line_gap(ch);
		buf_consume(&ch->buf, n);
		/*
		 * A datagram goes whole or not at all; a stream destination
		 * (stdout) may take a message in several writes.  A line cut
		 * from a stream was one datagram: the next lines stay.
		 */
		if ((ch->dst->flags & EP_DGRAM) && !cut)
			ch->buf.len = 0;
		/* A gap means ch is paced (-i, --delay): it has its timer. */
		if (gap > 0) {
			ev_timer_arm(&ch->pace->timer, gap);
			break;
		}
	}
}

/*
 * Deliver what ch holds until done, it would block, or a pause; each
 * strategy may hand over to the next (spliced, copied, injected, batch).
 */
static __shortrun void
channel_push(struct channel *ch)
{
	/*
	 * A direct channel holds nothing: it writes when it reads, and
	 * again here only after its destination was full.
	 */
	if (channel_fast(ch)->direct) {
		if (channel_fast(ch)->blocked)
			channel_splice_direct(ch);
		return;
	}
	channel_push_sendfile(ch);
	channel_push_pipe(ch);
	channel_push_copy(ch);
	/*
	 * A lazy channel that moves volume takes the fast path once what
	 * it copied is delivered: nothing is left behind in the buffer.
	 */
	if (channel_fast(ch)->upgrade && ch->buf.len == 0) {
		channel_fast(ch)->upgrade = 0;
		ch->flags &= ~CH_LAZY;
		channel_try_splice(ch);
		if (channel_spliced(ch))
			log_verbose(3, "%s: splice", ch->name);
	}
	/* Drained: the buffer goes back, an idle channel holds none. */
	buf_release(&ch->buf);
	if (ch->batch != NULL)
		channel_push_batch(ch);
	channel_settle(ch);
}

/* The pause is over: deliver the next line or chunk. */
void
channel_pause_cb(void *arg)
{
	struct channel	*ch = arg;
	struct session	*s = ch->src->session;

	channel_push(ch);
	channel_update(ch);
	session_check(s);
}

/* Treat ch's source as ended: what is queued is delivered, then dst told. */
void
channel_end_source(struct channel *ch)
{
	if (ch->state != CH_OPEN)
		return;
	ch->state = CH_DRAINING;
	channel_settle(ch);
	channel_update(ch);
}

/*
 * Read ch's source into its buffer (*space: its room), or into a spill
 * dropped (*spilling) when full with dst detached.  As ep_read().
 */
static inline ssize_t
channel_read_buf(struct channel *ch, size_t *space, int *spilling)
{
	unsigned char	 spill[16384], *to;
	size_t		 want;
	long long	 left = channel_bytes_left(ch);
	ssize_t		 n;

	/* The buffer is taken now, while it holds bytes (none: a failure). */
	if (ch->buf.data == NULL && buf_init(&ch->buf, ch->bufsize) == -1)
		return (-1);
	*space = buf_space(&ch->buf);
	/* A transformation may grow what is read: room. */
	to = buf_tail(&ch->buf);
	want = *space / channel_xgrow(ch);
	/*
	 * Full, and the connection it waits for is not there: what is read
	 * now is dropped, and counted for the mode to say.
	 */
	if (*space < channel_xgrow(ch) && (ch->dst->flags & EP_DETACHED)) {
		*spilling = 1;
		to = spill;
		want = sizeof(spill);
	}
	/* readbytes: no byte past the last allowed. */
	if (left >= 0 && (size_t)left < want)
		want = left;
	n = ep_read(ch->src, to, want);
	if (n > 0 && left >= 0)
		ch->pace->bytes_left -= n;
	/* Nothing came: an idle channel holds no buffer. */
	if (n <= 0) {
		int	 saved = errno;

		buf_release(&ch->buf);
		errno = saved;
	}
	return (n);
}

/* Read once from ch's source. */
static __shortrun void
channel_pull(struct channel *ch)
{
	size_t	 space = 0;
	ssize_t	 n = -1;
	int	 spilling = 0;

	channel_fast(ch)->pulled = 0;
	if (!channel_wants_read(ch))
		return;
	if (channel_fast(ch)->direct) {
		channel_splice_direct(ch);
		return;
	}
	if (ch->batch != NULL) {
		if (channel_pull_batch(ch) == 0)
			return;
	} else if (channel_fast(ch)->splicing &&
	    channel_pull_pipe(ch, &n) == -1)
		return;
	if (!channel_spliced(ch) && ch->batch == NULL)
		n = channel_read_buf(ch, &space, &spilling);
	if (n == -1) {
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			channel_read_failed(ch, errno);
		return;
	} else if (ch->src->flags & EP_DGRAM) {
		if (ep_net_dgram(ch->src) && !(ch->src->flags & EP_DGRAM_FIN))
			pump_tally()->dgrams_received++;
		/* An empty datagram, not end-of-file, unless DTLS ended. */
		if (n == 0 && !(ch->src->flags & (EP_DGRAM_FIN | EP_NULL_EOF)))
			return;
	}
	if (n == 0) {
		ch->state = CH_DRAINING;
		ep_read_ended(ch->src);
		return;
	}
	session_touch(ch->src->session);
	if (spilling) {
		ch->spilled += n;
		return;
	}
	if (channel_fast(ch)->splicing) {
		channel_fast(ch)->piped += n;
		channel_fast(ch)->pulled = n;
		return;
	}
	/* A full buffer's worth: a stream that moves volume, spliced. */
	if ((ch->flags & CH_LAZY) && (size_t)n == space)
		channel_fast(ch)->upgrade = 1;
	if (ch->xform != NULL)
		n = ch->xform(ch, buf_tail(&ch->buf), n, space);
	buf_commit(&ch->buf, n);
	/*
	 * -W: the last read allowed, or readbytes' last byte; the peer is
	 * told we read no more.
	 */
	channel_count_reads(ch, 1);
	if (channel_limit_reached(ch) || channel_bytes_left(ch) == 0) {
		ch->state = CH_DRAINING;
		if (ch->src->shut == EP_SHUT_SOCKET && ch->src->rfd != -1)
			shutdown(ch->src->rfd, SHUT_RD);
	}
}

/*
 * Move what is ready on ch: read once if readable, deliver at once, then
 * take what the source holds that no poll announces, within a bound that
 * keeps one channel from starving the others.
 */
__shortrun void
channel_run(struct channel *ch, int readable)
{
	int	 rounds = 0, again;

	CH_MARK_RUNNING(ch, 1);
	if (readable)
		channel_pull(ch);
	/* A direct splice has delivered already, if it could. */
	if (!readable || !channel_fast(ch)->direct)
		channel_push(ch);
	while (channel_wants_read(ch) && ep_pending(ch->src) &&
	    rounds++ < CHANNEL_PENDING_ROUNDS) {
		channel_pull(ch);
		channel_push(ch);
	}
	again = rounds > CHANNEL_PENDING_ROUNDS;
	/*
	 * Through a kernel pipe, a source that just gave data probably has
	 * more, and so has a socket that just filled a batch: take it now, a
	 * few rounds, rather than after another wait.
	 */
	for (rounds = 0; (channel_fast(ch)->splicing || (ch->batch != NULL &&
	    ch->batch->full)) && channel_fast(ch)->pulled > 0 &&
	    rounds < CHANNEL_MORE_ROUNDS && channel_wants_read(ch); rounds++) {
		channel_pull(ch);
		channel_push(ch);
	}
	channel_update(ch);
	/* Stopped at the bound with more, which no poll will announce. */
	if (again && channel_wants_read(ch) && ep_pending(ch->src) &&
	    ev_again(ch->src->rfd, ep_read_events(ch->src)) == -1 &&
	    errno == ENOMEM)
		channel_fail(ch, "read", errno);
	CH_MARK_RUNNING(ch, 0);
}

/* Run ep's writer if events on fd are what its write side waits for. */
static __shortrun void
ep_write_fired(struct endpoint *ep, int fd, int events)
{
	if (ep->writer == NULL || ep->session->over)
		return;
	if ((events & ep_write_events(ep)) && fd == ep->wfd)
		channel_run(ep->writer, 0);
}

static __shortrun void
pump_fd_cb(int fd, int events, void *arg)
{
	struct endpoint	*ep = arg;
	struct session	*s = ep->session;
	struct channel	*ch;
	int		 swap;

	/* The peer, which had ended its sending, is gone (ep_update()). */
	if (events == EV_HUP) {
		ep_hangup(ep);
		session_check(s);
		return;
	}
	/* Read, then write; the event-order knob may say the other way. */
	swap = ev_order_swap();
	if (swap)
		ep_write_fired(ep, fd, events);
	if ((events & ep_read_events(ep)) && fd == ep->rfd &&
	    (ch = ep->reader) != NULL)
		channel_run(ch, 1);
	if (!swap)
		ep_write_fired(ep, fd, events);
	/* A fan-out member that cannot be written to is over. */
	if ((events & EV_WRITE) && fd == ep->wfd && EP_HOOK_HAS(ep, flush)) {
		if ((*ep->hook)->flush(ep) == -1) {
			session_finish(s);
			return;
		}
		ep_update(ep);
	}
	session_check(s);
}
