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
 * The pump: sessions of endpoints and channels moved by the event loop.
 *
 * A channel copies bytes from one endpoint to another through a bounded
 * buffer.  A full buffer stops reading its source (back-pressure); an empty
 * one stops watching its destination.  When the source ends and the buffer
 * is drained, the destination's write side is ended the way the endpoint
 * declared (shutdown, close, nothing), if the channel asks for it.  Each
 * channel is independent: one direction stalling never stalls another.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"

/*
 * Empty splice pipes the pump keeps for the next channel that reads:
 * beyond these, a drained pipe is closed.
 */
#define PUMP_PIPE_POOL		16

/* Rounds a spliced channel moves in a row while its source has more. */
#define CHANNEL_SPLICE_ROUNDS	8

/* Most bytes one sendfile(2) call is asked to move. */
#define CHANNEL_SENDFILE_MAX	(4 * 1024 * 1024)

/*
 * A channel's fast path: with nothing to rewrite, bytes move from src to
 * dst through a kernel pipe with splice(2), never through user space.
 * The pipe is held only while bytes are in it: it is taken from the
 * pump's pool for a read and given back once drained, so that an idle
 * channel holds no descriptor.  pipe[0] is -1 when it holds none;
 * splicing is 0 when the channel copies instead.  Allocated with the
 * channel, and known to this file only.
 */
struct ch_fast {
	int			 pipe[2];
	/* Flags as bytes: a channel is two of every connection's cost. */
	char			 splicing;
	char			 sendfile; /* src is a regular file: no
					      pipe, sendfile(2) to dst */
	char			 direct; /* src or dst is a pipe: one
					    splice(2) from src to dst */
	char			 blocked; /* direct: dst is full */
	u_int			 pipesize; /* At most CHANNEL_PIPESIZE. */
	u_int			 piped;	/* Bytes in the pipe, <= pipesize. */
	int			 pulled; /* Bytes (datagrams) the last read
					    took in, <= pipesize. */
};

static void	pump_fd_cb(int, int, void *);
static void	session_idle_cb(void *);
static void	channel_pause_cb(void *);
static void	session_touch(struct session *);
static void	channel_run(struct channel *, int);

static struct pump_totals	totals;

/* Why a channel leaves splicing, most often (-vvv). */
#define SPLICE_REFUSED	"the kernel cannot splice"

/*
 * Batches whose socket counts drops, so that the count can be brought up
 * to date at the end, even from a signal handler (pump_count_drops()).
 * Those beyond the table are counted when they are freed.
 */
#define PUMP_DROP_WATCH		16
static struct {
	struct batch		*batch;
	int			 fd;
} drop_watch[PUMP_DROP_WATCH];

/*
 * Add the datagrams the kernel dropped on the watched sockets since their
 * last datagram: drops that no datagram has reported yet.  Only system
 * calls: stats.c calls it from a signal handler too.
 */
void
pump_count_drops(void)
{
	size_t	 i;

	for (i = 0; i < PUMP_DROP_WATCH; i++) {
		if (drop_watch[i].batch != NULL)
			totals.dgrams_dropped += batch_drops_now(
			    drop_watch[i].batch, drop_watch[i].fd);
	}
}

static void
pump_watch_drops(struct batch *b, int fd)
{
	size_t	 i;

	for (i = 0; i < PUMP_DROP_WATCH; i++) {
		if (drop_watch[i].batch == NULL) {
			drop_watch[i].fd = fd;
			drop_watch[i].batch = b;
			return;
		}
	}
}

static void
pump_unwatch_drops(struct batch *b)
{
	size_t	 i;

	for (i = 0; i < PUMP_DROP_WATCH; i++) {
		if (drop_watch[i].batch == b)
			drop_watch[i].batch = NULL;
	}
}

/*
 * Empty splice pipes, shared by every channel of the process.  A channel
 * holds a pipe only while bytes are in it, so that an idle connection
 * costs no descriptor for its splicing; the pool saves the system calls
 * of making a pipe (and of sizing it) for every burst.  Only empty pipes
 * go back: one holding bytes is either drained or closed.
 */
static struct {
	int			 fd[2];
	size_t			 size;
} pipe_pool[PUMP_PIPE_POOL];
static size_t	pipe_pooled;

/*
 * Give ch an empty pipe, from the pool or a new one.  Returns -1 with
 * errno (out of descriptors, say).
 */
static int
channel_pipe_take(struct channel *ch)
{
	int	 size;

	if (pipe_pooled > 0) {
		pipe_pooled--;
		ch->fast->pipe[0] = pipe_pool[pipe_pooled].fd[0];
		ch->fast->pipe[1] = pipe_pool[pipe_pooled].fd[1];
		ch->fast->pipesize = pipe_pool[pipe_pooled].size;
		return (0);
	}
	if (pipe2(ch->fast->pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		ch->fast->pipe[0] = ch->fast->pipe[1] = -1;
		return (-1);
	}
	/* A larger pipe means fewer system calls; the default is enough. */
	fcntl(ch->fast->pipe[1], F_SETPIPE_SZ, CHANNEL_PIPESIZE);
	if ((size = fcntl(ch->fast->pipe[1], F_GETPIPE_SZ)) <= 0)
		size = 64 * 1024;
	ch->fast->pipesize = (size_t)size;
	return (0);
}

/*
 * Let go of ch's pipe: back to the pool if it is empty and there is room,
 * else closed.  Bytes still in it are lost: the caller has given up on
 * them (the channel failed or stopped).
 */
static void
channel_pipe_give(struct channel *ch)
{
	if (ch->fast->pipe[0] == -1)
		return;
	if (ch->fast->piped == 0 && pipe_pooled < PUMP_PIPE_POOL) {
		pipe_pool[pipe_pooled].fd[0] = ch->fast->pipe[0];
		pipe_pool[pipe_pooled].fd[1] = ch->fast->pipe[1];
		pipe_pool[pipe_pooled].size = ch->fast->pipesize;
		pipe_pooled++;
	} else {
		close(ch->fast->pipe[0]);
		close(ch->fast->pipe[1]);
	}
	ch->fast->pipe[0] = ch->fast->pipe[1] = -1;
	ch->fast->piped = 0;
}

/*
 * A drained pipe goes back at once: an idle channel holds none.  errno is
 * kept, for the caller to look at.
 */
static void
channel_pipe_drained(struct channel *ch)
{
	int	 saved = errno;

	if (ch->fast->pipe[0] != -1 && ch->fast->piped == 0)
		channel_pipe_give(ch);
	errno = saved;
}

/* The bytes every session has moved to and from the network so far. */
const struct pump_totals *
pump_totals(void)
{
	return (&totals);
}

struct session *
session_new(int (*check)(struct session *),
    void (*finished)(struct session *), void *arg)
{
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	TAILQ_INIT(&s->endpoints);
	TAILQ_INIT(&s->channels);
	s->check = check;
	s->finished = finished;
	s->arg = arg;
	s->idle_ms = TIME_NONE;
	return (s);
}

/*
 * Add an endpoint reading from rfd and writing to wfd (either may be -1).
 * The session owns the descriptors unless EP_NOCLOSE is given.
 */
struct endpoint *
session_endpoint(struct session *s, const char *name, int rfd, int wfd,
    enum ep_shut shut, int flags)
{
	struct endpoint	*ep;

	if ((ep = calloc(1, sizeof(*ep))) == NULL)
		return (NULL);
	ep->name = name;
	ep->rfd = rfd;
	ep->wfd = wfd;
	ep->shut = shut;
	ep->flags = flags;
	ep->session = s;
	TAILQ_INSERT_TAIL(&s->endpoints, ep, entry);
	return (ep);
}

/* Add a channel moving bytes from src to dst. */
struct channel *
session_channel(struct session *s, const char *name, struct endpoint *src,
    struct endpoint *dst, int flags)
{
	struct channel	*ch;

	/* The fast path's state comes with the channel, freed with it. */
	if ((ch = calloc(1, sizeof(*ch) + sizeof(*ch->fast))) == NULL)
		return (NULL);
	ch->name = name;
	ch->src = src;
	ch->dst = dst;
	ch->flags = flags;
	ch->state = CH_OPEN;
	ch->bufsize = CHANNEL_BUFSIZE;
	ch->fast = (struct ch_fast *)(ch + 1);
	ch->fast->pipe[0] = ch->fast->pipe[1] = -1;
	ch->session = s;
	src->reader = ch;
	dst->writer = ch;
	TAILQ_INSERT_TAIL(&s->channels, ch, entry);
	return (ch);
}

int
channel_ended(const struct channel *ch)
{
	return (ch->state == CH_DONE || ch->state == CH_FAILED);
}

/*
 * How many times larger than what was read an xform's output may be: reads
 * are cut to fit the room left divided by this.
 */
static size_t
channel_xgrow(const struct channel *ch)
{
	if (ch->xform == NULL)
		return (1);
	return (ch->xgrow != 0 ? ch->xgrow : 2);
}

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

/* Has ch stopped reading because of its read limit (-W)? */
int
channel_limit_reached(const struct channel *ch)
{
	return (ch->pace != NULL && ch->pace->read_limit > 0 &&
	    ch->pace->reads >= ch->pace->read_limit);
}

static int
ep_dgram(const struct channel *ch)
{
	return ((ch->src->flags | ch->dst->flags) & EP_DGRAM);
}

/* Does ch move bytes in the kernel (splice or sendfile)? */
int
channel_spliced(const struct channel *ch)
{
	return (ch->fast->splicing || ch->fast->sendfile || ch->fast->direct);
}

/* Bytes read from the source and not yet written to the destination. */
size_t
channel_pending(const struct channel *ch)
{
	return (ch->buf.len + ch->fast->piped +
	    (ch->batch != NULL ? ch->batch->bytes : 0));
}

/*
 * Does ch hold anything to deliver?  More than channel_pending() says: an
 * empty datagram is something to send.
 */
static int
channel_holds(const struct channel *ch)
{
	return (channel_pending(ch) > 0 ||
	    (ch->batch != NULL && !batch_empty(ch->batch)));
}

/* Does ch want its source read now? */
static int
channel_wants_read(struct channel *ch)
{
	if (ch->state != CH_OPEN || ch->session->over ||
	    (ch->flags & CH_HOLD))
		return (0);
	/* A regular file is always ready: sendfile reads it when dst is. */
	if (ch->fast->sendfile)
		return (0);
	if (ch->fast->direct)
		return (!ch->fast->blocked);
	if (ch->fast->splicing)
		return (ch->fast->pipe[0] == -1 || ch->fast->piped < ch->fast->pipesize);
	/* A batch of datagrams is read when the last one is delivered. */
	if (ch->batch != NULL)
		return (ch->buf.len == 0 && batch_empty(ch->batch));
	/* A datagram is read and written whole: one at a time. */
	if (ep_dgram(ch))
		return (ch->buf.len == 0);
	/* No buffer: one is taken for the read, all of it room. */
	if (ch->buf.data == NULL)
		return (1);
	return (buf_space(&ch->buf) >= channel_xgrow(ch));
}

/*
 * Pace ch: a pause of line_gap_ms after each line delivered (-i), of
 * write_gap_ms after each chunk (--delay), and its source treated as
 * ended after read_limit reads (-W); 0 (or less) is none.  Only a
 * channel given any of them holds the state.  Returns -1 with errno on
 * failure.
 */
int
channel_pace(struct channel *ch, long long line_gap_ms,
    long long write_gap_ms, uint64_t read_limit)
{
	if (ch->pace == NULL) {
		if (line_gap_ms <= 0 && write_gap_ms <= 0 && read_limit == 0)
			return (0);
		if ((ch->pace = calloc(1, sizeof(*ch->pace))) == NULL)
			return (-1);
		ev_timer_init(&ch->pace->timer, channel_pause_cb, ch);
	}
	ch->pace->line_gap_ms = line_gap_ms;
	ch->pace->write_gap_ms = write_gap_ms;
	ch->pace->read_limit = read_limit;
	return (0);
}

static long long
channel_line_gap(const struct channel *ch)
{
	return (ch->pace != NULL ? ch->pace->line_gap_ms : 0);
}

static long long
channel_write_gap(const struct channel *ch)
{
	return (ch->pace != NULL ? ch->pace->write_gap_ms : 0);
}

static uint64_t
channel_read_limit(const struct channel *ch)
{
	return (ch->pace != NULL ? ch->pace->read_limit : 0);
}

/* Count n reads that returned data, for the read limit. */
static void
channel_count_reads(struct channel *ch, uint64_t n)
{
	if (ch->pace != NULL)
		ch->pace->reads += n;
}

/* Is ch in its pause after a line or chunk (-i, --delay)? */
static int
channel_paused(const struct channel *ch)
{
	return (ch->pace != NULL && ev_timer_armed(&ch->pace->timer));
}

/* Start ch's pause of ms milliseconds: it is paced, so it has a timer. */
static void
channel_pause(struct channel *ch, long long ms)
{
	ev_timer_arm(&ch->pace->timer, ms);
}

static void
channel_unpause(struct channel *ch)
{
	if (ch->pace != NULL)
		ev_timer_disarm(&ch->pace->timer);
}

static int
channel_wants_write(const struct channel *ch)
{
	if (ch->fast->sendfile)
		return (ch->state == CH_OPEN && !ch->session->over);
	if (ch->fast->direct)
		return (ch->state == CH_OPEN && ch->fast->blocked &&
		    !ch->session->over);
	return ((ch->state == CH_OPEN || ch->state == CH_DRAINING) &&
	    !ch->session->over && channel_holds(ch) &&
	    !channel_paused(ch));
}

/* The events that let a read from ep, or a write to it, make progress. */
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
static int
ep_pending(struct endpoint *ep)
{
	if (ep->ops != NULL && ep->ops->pending != NULL && ep->rfd != -1)
		return (ep->ops->pending(ep));
	return (0);
}

/* Register with the event loop what ep is waiting for, and nothing more. */
void
ep_update(struct endpoint *ep)
{
	int	 rev = 0, wev = 0;

	if (ep->reader != NULL && ep->rfd != -1 &&
	    channel_wants_read(ep->reader))
		rev = ep_read_events(ep);
	if (ep->writer != NULL && ep->wfd != -1 &&
	    channel_wants_write(ep->writer))
		wev = ep_write_events(ep);
	if (ep->hook != NULL && ep->hook->pending != NULL && ep->wfd != -1 &&
	    !ep->session->over && ep->hook->pending(ep))
		wev = EV_WRITE;
	if (ep->rfd != -1 && ep->rfd == ep->wfd)
		rev = wev = rev | wev;
	if (ep->rfd != -1 && rev != ep->revents) {
		ev_set(ep->rfd, rev, pump_fd_cb, ep);
		ep->revents = rev;
	}
	if (ep->wfd != -1 && ep->wfd != ep->rfd && wev != ep->wevents) {
		ev_set(ep->wfd, wev, pump_fd_cb, ep);
		ep->wevents = wev;
	}
	if (ep->wfd == ep->rfd)
		ep->wevents = ep->revents;
}

static void
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

/* End ep's write side as it declared; its peer sees end-of-file. */
static void
ep_shutdown(struct endpoint *ep)
{
	if (ep->ops != NULL && ep->ops->shutdown != NULL && ep->wfd != -1)
		ep->ops->shutdown(ep);
	switch (ep->shut) {
	case EP_SHUT_SOCKET:
		shutdown(ep->wfd, SHUT_WR);
		break;
	case EP_SHUT_CLOSE:
		if (ep->rfd == ep->wfd)
			break;
		ep_close_fd(ep, ep->wfd);
		ep->wfd = -1;
		ep->wevents = 0;
		break;
	case EP_SHUT_NONE:
		break;
	}
}

/* Make the close of ep's socket a reset (RST), not an end-of-file. */
static void
ep_reset(struct endpoint *ep)
{
	struct linger	 l = { .l_onoff = 1, .l_linger = 0 };

	(void)setsockopt(ep->wfd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	ep->flags &= ~EP_LINGER;
}

/* Drop whatever ch holds, in its buffer and in its pipe. */
static void
channel_discard(struct channel *ch)
{
	ch->buf.len = 0;
	buf_release(&ch->buf);
	if (ch->batch != NULL) {
		ch->batch->first = ch->batch->n;
		ch->batch->bytes = 0;
	}
	ch->fast->sendfile = ch->fast->direct = ch->fast->splicing = 0;
	channel_pipe_give(ch);
	ch->fast->piped = 0;
}

static void
channel_fail(struct channel *ch, const char *op, int error)
{
	ch->state = CH_FAILED;
	ch->error = error;
	ch->error_op = op;
	channel_discard(ch);
	ch->session->failed = 1;
}

/*
 * A connection whose read fails is gone both ways: whatever the other
 * direction holds, or is still to be given, can never reach it.  The
 * channel writing to it fails too, without an error of its own (the read
 * error is the one to report), so that the session can end instead of
 * waiting for input it could not deliver.  Not for datagrams: an error
 * there (an ICMP message) is about one datagram, not the socket.
 */
static void
ep_broken(struct endpoint *ep)
{
	struct channel	*w = ep->writer;

	if (w == NULL || ep->wfd == -1 || ep->wfd != ep->rfd ||
	    (ep->flags & EP_DGRAM) || channel_ended(w))
		return;
	w->state = CH_FAILED;
	w->buf.len = 0;
	buf_release(&w->buf);
	channel_update(w);
}

/*
 * A write to ep met the end of its connection (a reset), which a socket
 * reports only once: the channel reading from ep fails too, without an
 * error of its own (the write's is the one to report), and drops what it
 * holds, as the reset dropped what the kernel held.  For an endpoint
 * whose write operation does more than write (a protocol's frames):
 * otherwise its reader, when its destination is full, would wait for
 * ever for a read that would have said so.  ep_broken() the other way.
 */
void
ep_write_broken(struct endpoint *ep)
{
	struct channel	*r = ep->reader;

	if (r == NULL || channel_ended(r))
		return;
	r->state = CH_FAILED;
	channel_discard(r);
	r->session->failed = 1;
	channel_update(r);
}

/* Stop ch at once: nothing more is read, what is queued is dropped. */
void
channel_stop(struct channel *ch)
{
	if (channel_ended(ch))
		return;
	ch->state = CH_DONE;
	channel_discard(ch);
	channel_unpause(ch);
	channel_update(ch);
}

/*
 * Hold ch (on) so that its source is not read, or let it read again (off):
 * for a mode that has nowhere to send data yet, such as a datagram
 * listener before its first peer.
 */
void
channel_hold(struct channel *ch, int on)
{
	if (on)
		ch->flags |= CH_HOLD;
	else
		ch->flags &= ~CH_HOLD;
	channel_update(ch);
}

/*
 * Let a held channel read again, and take at once what its source holds
 * already that no poll would announce (the rest of a TLS record).  The
 * session's policy runs then: the session may be finished, and freed by
 * its mode, on return.
 */
void
channel_resume(struct channel *ch)
{
	ch->flags &= ~CH_HOLD;
	if (!ep_pending(ch->src)) {
		channel_update(ch);
		return;
	}
	channel_run(ch, 0);
	session_check(ch->session);
}

/*
 * Put the n bytes at p in ch's buffer as if they had been read from its
 * source: data a mode read before the channel existed, or read from
 * elsewhere on its behalf (a datagram listener hands a peer's datagram to
 * that peer's session).  The channel then copies, never splices.  Returns
 * 0, or -1 with errno: ENOBUFS when they do not fit, EPIPE when the
 * channel no longer reads, EBUSY when it already splices.
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
	if (ch->buf.data == NULL && buf_init(&ch->buf, ch->bufsize) == -1)
		return (-1);
	if (buf_space(&ch->buf) < n) {
		errno = ENOBUFS;
		return (-1);
	}
	memcpy(buf_tail(&ch->buf), p, n);
	buf_commit(&ch->buf, n);
	/* One datagram from the network, read for this channel. */
	if ((ch->src->flags & (EP_DGRAM | EP_NET)) == (EP_DGRAM | EP_NET))
		totals.dgrams_received++;
	session_touch(ch->session);
	channel_update(ch);
	return (0);
}

/*
 * If the source has ended and everything is delivered, tell dst; a pause
 * after the last line (-i) still runs first, as netcat sleeps before its
 * shutdown.
 */
static void
channel_settle(struct channel *ch)
{
	if (ch->state != CH_DRAINING || channel_holds(ch) ||
	    channel_paused(ch))
		return;
	ch->state = CH_DONE;
	/*
	 * A source that broke (a reset) is passed on as one where the mode
	 * asks: the destination must not take a cut stream for a whole one.
	 */
	if ((ch->flags & CH_RESET) && ch->error_op != NULL &&
	    ch->dst->wfd != -1) {
		ep_reset(ch->dst);
		return;
	}
	if (ch->flags & CH_SHUTDOWN)
		ep_shutdown(ch->dst);
}

static ssize_t
ep_read(struct endpoint *ep, void *p, size_t n)
{
	if (ep->ops != NULL && ep->ops->read != NULL)
		return (ep->ops->read(ep, p, n));
	return (read(ep->rfd, p, n));
}

/* Write to ep as its kind does.  Returns what write(2) would. */
ssize_t
ep_write(struct endpoint *ep, const void *p, size_t n)
{
	if (ep->ops != NULL && ep->ops->write != NULL)
		return (ep->ops->write(ep, p, n));
	return (write(ep->wfd, p, n));
}

static void
session_touch(struct session *s)
{
	if (s->idle_ms != TIME_NONE)
		s->last_active = ev_now();
}

/* n bytes of ch reached its destination: count them, the session is alive. */
static void
channel_delivered(struct channel *ch, size_t n)
{
	session_touch(ch->session);
	ch->bytes += n;
	if (ch->dst->flags & EP_NET)
		totals.sent += n;
	if (ch->src->flags & EP_NET)
		totals.received += n;
}

/* A piece of a batch reached the destination: count it, show the taps. */
static void
channel_each(void *arg, const unsigned char *p, size_t n)
{
	struct channel	*ch = arg;
	size_t		 i;

	channel_delivered(ch, n);
	for (i = 0; i < ch->ntaps; i++)
		ch->taps[i].cb(ch, p, n, ch->taps[i].arg);
}

static int
ep_net_dgram(const struct endpoint *ep)
{
	return ((ep->flags & (EP_DGRAM | EP_NET)) == (EP_DGRAM | EP_NET));
}

/*
 * Should ch read its datagrams in batches?  Yes from any datagram socket,
 * unless the endpoint reads in its own way and cannot batch, or pacing
 * counts single writes (--delay).  The kernel's drop counter is turned on
 * for network sockets.
 */
static void
channel_try_batch(struct channel *ch)
{
	struct endpoint	*src = ch->src;
	int		 type;
	socklen_t	 len = sizeof(type);

	if (!(src->flags & EP_DGRAM) || src->rfd == -1 || ch->batch != NULL ||
	    (ch->flags & CH_NOBATCH))
		return;
	if (src->ops != NULL && src->ops->read != NULL &&
	    src->ops->recvmmsg == NULL)
		return;
	if (channel_line_gap(ch) > 0 || channel_write_gap(ch) > 0)
		return;
	if (getsockopt(src->rfd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_DGRAM)
		return;
	if ((ch->batch = malloc(sizeof(*ch->batch))) == NULL)
		return;		/* One at a time, then. */
	batch_init(ch->batch, ch->bufsize);
	if (src->flags & EP_NET) {
		batch_count_drops(ch->batch, src->rfd);
		if (ch->batch->drops_known) {
			totals.drops_known = 1;
			pump_watch_drops(ch->batch, src->rfd);
		}
	}
}

/*
 * May fd, whose fstat(2) is st, be an end of splice(2)?  Only when a read
 * of it cannot wait: the pump reads a source once per readiness, but a
 * splice that moved something is tried again at once (a full pipe's worth
 * is likely to follow), and the kernel splices from most descriptors by
 * reading them, so a second splice from a blocking descriptor with
 * nothing more to give would sit in the kernel, and the whole loop with
 * it, until more came.  A terminal is the case that matters: the one
 * shared with the shell is blocking, cannot be made non-blocking without
 * the shell seeing it too, and has nothing more to give after each line;
 * it is copied, both ways (it moves little, so nothing is lost).
 * Regular files and block devices always have their bytes there, and a
 * pipe is spliced with SPLICE_F_NONBLOCK.  A socket only when it is
 * non-blocking (the pump's own are; one inherited as stdin may not be).
 * Of the other character devices, those opened non-blocking and the
 * memory devices that never wait (/dev/null, /dev/zero, /dev/full,
 * /dev/random, /dev/urandom: major 1).  A destination is taken by the same rule, which keeps a terminal
 * written by write(2) alone and costs nothing where it matters
 * (/dev/null).
 */
static int
fd_splices(int fd, const struct stat *st)
{
	int	 flags;

	if (S_ISREG(st->st_mode) || S_ISBLK(st->st_mode) ||
	    S_ISFIFO(st->st_mode))
		return (1);
	if (S_ISSOCK(st->st_mode))
		goto nonblocking;
	if (!S_ISCHR(st->st_mode) || isatty(fd))
		return (0);
	if (major(st->st_rdev) == 1) {
		switch (minor(st->st_rdev)) {
		case 3:		/* null */
		case 5:		/* zero */
		case 7:		/* full */
		case 8:		/* random */
		case 9:		/* urandom */
			return (1);
		}
	}
nonblocking:
	return ((flags = fcntl(fd, F_GETFL)) != -1 && (flags & O_NONBLOCK));
}

/*
 * Can ch take the fast path?  Only when nothing looks at or rewrites the
 * bytes and both ends are descriptors that can splice (fd_splices());
 * the kernel may still say no, and then the channel falls back to
 * copying.
 */
static void
channel_try_splice(struct channel *ch)
{
	struct stat	 st, dst;

	if ((ch->flags & CH_COPY) || ch->xform != NULL || ep_dgram(ch) ||
	    ch->src->ops != NULL || ch->dst->ops != NULL ||
	    ch->src->rfd == -1 || ch->dst->wfd == -1)
		return;
	/* Taps see every byte; pacing and read limits count them. */
	if (ch->ntaps > 0 || channel_line_gap(ch) > 0 ||
	    channel_write_gap(ch) > 0 || channel_read_limit(ch) > 0)
		return;
	if (fstat(ch->src->rfd, &st) == -1 || fstat(ch->dst->wfd, &dst) == -1 ||
	    !fd_splices(ch->src->rfd, &st) || !fd_splices(ch->dst->wfd, &dst))
		return;
	/* From a regular file, sendfile(2) needs no pipe at all. */
	if (S_ISREG(st.st_mode)) {
		ch->fast->sendfile = 1;
		return;
	}
	/* Nor does a pipe at either end: it is the kernel buffer. */
	if (S_ISFIFO(st.st_mode) || S_ISFIFO(dst.st_mode)) {
		ch->fast->direct = 1;
		return;
	}
	/* The pipe itself is taken when there is something to move. */
	ch->fast->splicing = 1;
}

/*
 * Leave the fast path (an end that cannot splice, or no pipe to be had),
 * saying why: what is in the pipe moves to the buffer, which grows to
 * hold it.  Returns -1 with errno.
 */
static int
channel_unsplice(struct channel *ch, const char *why)
{
	size_t	 want = ch->fast->piped > ch->bufsize ? ch->fast->piped : ch->bufsize;
	ssize_t	 n;

	log_verbose(3, "%s: %s, copying", ch->name, why);
	ch->fast->sendfile = ch->fast->direct = ch->fast->splicing = 0;
	if (ch->buf.size < want) {
		buf_free(&ch->buf);
		if (buf_init(&ch->buf, want) == -1)
			return (-1);
	}
	/* The pipe holds at most want bytes: they fit. */
	while (ch->fast->piped > 0) {
		n = read(ch->fast->pipe[0], buf_tail(&ch->buf), ch->fast->piped);
		if (n <= 0)
			return (-1);
		buf_commit(&ch->buf, n);
		ch->fast->piped -= n;
	}
	channel_pipe_give(ch);
	return (0);
}

/* splice(2) failed this way: the descriptor cannot do it, not an error. */
static int
splice_refused(int error)
{
	return (error == EINVAL || error == ENOSYS || error == EOPNOTSUPP ||
	    error == EBADF);
}

/*
 * Is error one a connection's socket reports once (a reset, a time-out,
 * an unreachable peer, a peer gone), so that a second try would report
 * something else?
 */
static int
socket_error(int error)
{
	switch (error) {
	case EPIPE:
	case ECONNRESET:
	case ECONNABORTED:
	case ECONNREFUSED:
	case ENOTCONN:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case EHOSTDOWN:
	case ENETUNREACH:
	case ENETDOWN:
	case ENETRESET:
		return (1);
	default:
		return (0);
	}
}

/* Is ep's read descriptor a pipe? */
static int
ep_reads_pipe(const struct endpoint *ep)
{
	struct stat	 st;

	return (fstat(ep->rfd, &st) == 0 && S_ISFIFO(st.st_mode));
}

/*
 * Reading ch's source failed (a reset): what is queued is still delivered,
 * then the loss shows.  A connection is gone both ways (ep_broken()).
 * Every path of the pump, copying or splicing, ends a read this way.
 */
static void
channel_read_failed(struct channel *ch, int error)
{
	ch->error = error;
	ch->error_op = "read";
	ch->session->failed = 1;
	ep_broken(ch->src);
	ch->state = CH_DRAINING;
	if (ch->src->shut == EP_SHUT_SOCKET && ch->src->rfd != -1)
		shutdown(ch->src->rfd, SHUT_RD);
}

/*
 * Move what the source has straight to the destination (one end is a
 * pipe).  When splice(2) would block, the source's queue tells which end
 * is the cause: data waiting means the destination is full.
 */
static void
channel_splice_direct(struct channel *ch)
{
	ssize_t	 n;
	int	 avail, rounds;

	ch->fast->blocked = 0;
	/* A bounded number of rounds, so that other channels get a turn. */
	for (rounds = 0; rounds < 16 && ch->state == CH_OPEN; rounds++) {
		n = splice(ch->src->rfd, NULL, ch->dst->wfd, NULL,
		    CHANNEL_PIPESIZE, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		/*
		 * Less than asked for: the source is most likely empty, and
		 * the loop says so if it is not (the source is watched
		 * level-triggered); asking again would cost two calls, the
		 * splice that says EAGAIN and the FIONREAD, on every small
		 * exchange.
		 */
		if (n > 0) {
			channel_delivered(ch, n);
			if (n < CHANNEL_PIPESIZE)
				break;
			continue;
		}
		if (n == 0) {
			ch->state = CH_DRAINING;
			if (ch->src->shut == EP_SHUT_SOCKET)
				shutdown(ch->src->rfd, SHUT_RD);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			avail = 0;
			if (ioctl(ch->src->rfd, FIONREAD, &avail) == 0 &&
			    avail > 0)
				ch->fast->blocked = 1;
			break;
		}
		if (splice_refused(errno) &&
		    channel_unsplice(ch, SPLICE_REFUSED) == 0)
			break;
		/*
		 * Whose error is it?  Reading a pipe cannot fail, and a
		 * pipe's reader gone is EPIPE: the rest is the source's.
		 */
		if (errno == EPIPE || ep_reads_pipe(ch->src))
			channel_fail(ch, "write", errno);
		else
			channel_read_failed(ch, errno);
		break;
	}
	channel_settle(ch);
}

/*
 * Deliver what ch's batch holds: to a stream, every datagram's bytes in
 * one writev(2); to a datagram socket, each whole in one sendmmsg(2).  An
 * endpoint with its own write operation gets one datagram per call.
 * Returns 1 if something moved and more may, 0 when the destination is
 * full or failed.
 */
static int
channel_push_batch(struct channel *ch)
{
	struct batch	*b = ch->batch;
	struct endpoint	*dst = ch->dst;
	ssize_t		 n;
	int		 k;

	if (dst->flags & EP_DGRAM) {
		if (dst->ops == NULL || dst->ops->write == NULL)
			k = batch_sendmmsg(b, dst->wfd);
		else if ((n = ep_write(dst, batch_data(b, b->first),
		    batch_len(b, b->first))) == -1)
			k = -1;
		else
			k = 1;
		if (k == -1)
			goto fail;
		if (ep_net_dgram(dst))
			totals.dgrams_sent += k;
		batch_sent(b, k, channel_each, ch);
		return (k > 0);
	}
	if (dst->ops != NULL && dst->ops->write != NULL) {
		/* Empty datagrams first: there is nothing to write for them. */
		batch_consume(b, 0, channel_each, ch);
		if (batch_empty(b))
			return (0);
		n = ep_write(dst, batch_data(b, b->first) + b->off,
		    batch_len(b, b->first) - b->off);
	} else
		n = batch_writev(b, dst->wfd);
	if (n == -1)
		goto fail;
	batch_consume(b, n, channel_each, ch);
	return (n > 0);

fail:
	if (errno == EINTR)
		return (1);
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		channel_fail(ch, "write", errno);
	return (0);
}

/*
 * Write what ch holds to its destination until done, it would block, or
 * the channel pauses.
 */
static void
channel_push(struct channel *ch)
{
	unsigned char	*p, *nl;
	size_t		 len, i;
	ssize_t		 n;
	long long	 gap;
	int		 error;

	/* A direct channel holds nothing: it writes when it reads. */
	if (ch->fast->direct) {
		if (ch->fast->blocked)
			channel_splice_direct(ch);
		return;
	}

	while (ch->fast->sendfile && channel_wants_write(ch)) {
		n = sendfile(ch->dst->wfd, ch->src->rfd, NULL,
		    CHANNEL_SENDFILE_MAX);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			/*
			 * The destination's own error, which it reports only
			 * once, is the copy path's write error.  Any other
			 * (the kernel cannot, or the file cannot be read):
			 * nothing was taken from the file, so copying goes on
			 * from there, and read(2) or write(2) meets the error,
			 * if it lasts, and handles it as copying does.
			 */
			error = errno;
			if (!socket_error(error) &&
			    channel_unsplice(ch, splice_refused(error) ?
			    SPLICE_REFUSED : strerror(error)) == 0) {
				channel_update(ch);
				break;
			}
			channel_fail(ch, "write", error);
			break;
		}
		if (n == 0) {
			ch->state = CH_DRAINING;
			break;
		}
		channel_delivered(ch, n);
	}

	while (ch->fast->pipe[0] != -1 && channel_wants_write(ch)) {
		n = splice(ch->fast->pipe[0], NULL, ch->dst->wfd, NULL, ch->fast->piped,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			if (splice_refused(errno) &&
			    channel_unsplice(ch, SPLICE_REFUSED) == 0)
				break;
			channel_fail(ch, "write", errno);
			break;
		}
		channel_delivered(ch, n);
		ch->fast->piped -= n;
	}
	channel_pipe_drained(ch);

	/*
	 * Copying.  With a line gap (-i) each write stops after the first
	 * newline and a whole line written starts the pause.
	 */
	while (!channel_spliced(ch) && ch->buf.len > 0 &&
	    channel_wants_write(ch)) {
		p = ch->buf.data + ch->buf.off;
		len = ch->buf.len;
		if (channel_line_gap(ch) > 0 && !ep_dgram(ch) &&
		    (nl = memchr(p, '\n', len)) != NULL)
			len = nl - p + 1;
		n = ep_write(ch->dst, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				channel_fail(ch, "write", errno);
			break;
		}
		channel_delivered(ch, n);
		if (ep_net_dgram(ch->dst))
			totals.dgrams_sent++;
		for (i = 0; i < ch->ntaps; i++)
			ch->taps[i].cb(ch, p, n, ch->taps[i].arg);
		gap = channel_write_gap(ch);
		if (channel_line_gap(ch) > gap && n > 0 && p[n - 1] == '\n')
			gap = channel_line_gap(ch);
		buf_consume(&ch->buf, n);
		/*
		 * A datagram goes whole or not at all; a stream destination
		 * (stdout) may take a message in several writes.
		 */
		if (ch->dst->flags & EP_DGRAM)
			ch->buf.len = 0;
		if (gap > 0) {
			channel_pause(ch, gap);
			break;
		}
	}

	/* Drained: the buffer goes back, an idle channel holds none. */
	buf_release(&ch->buf);

	/* What was injected is delivered first: it came first. */
	while (ch->batch != NULL && ch->buf.len == 0 &&
	    channel_wants_write(ch) && channel_push_batch(ch))
		continue;
	channel_settle(ch);
}

/* The pause after a line or chunk is over: deliver the next one. */
static void
channel_pause_cb(void *arg)
{
	struct channel	*ch = arg;
	struct session	*s = ch->session;

	channel_push(ch);
	channel_update(ch);
	session_check(s);
}

/*
 * Treat ch's source as ended: nothing more is read, what is queued is
 * still delivered, then dst is told as for end-of-file.
 */
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
 * Receive a batch of datagrams for ch, rewrite each if the channel does
 * (-C, --chat), and count them.  Returns -1 with errno on failure.
 */
static int
channel_pull_batch(struct channel *ch)
{
	struct batch	*b = ch->batch;
	uint64_t	 dropped, left;
	u_int		 max = BATCH_MAX, i;
	int		 n;

	/* -W: no more datagrams than the limit leaves. */
	if (channel_read_limit(ch) > 0) {
		left = ch->pace->read_limit - ch->pace->reads;
		if (left < max)
			max = left;
	}
	n = batch_recv(b, ch->src, max, b->slotsize / channel_xgrow(ch),
	    &dropped);
	totals.dgrams_dropped += dropped;
	/* Nothing came: an idle peer holds no slots. */
	if (n <= 0) {
		int	 saved = errno;

		batch_free(b);
		errno = saved;
	}
	if (n == -1)
		return (-1);
	ch->fast->pulled = n;
	if (n == 0)
		return (0);
	session_touch(ch->session);
	if (ep_net_dgram(ch->src))
		totals.dgrams_received += n;
	if (ch->xform != NULL) {
		for (i = 0; i < (u_int)n; i++)
			batch_set_len(b, i, ch->xform(ch, batch_data(b, i),
			    batch_len(b, i), b->slotsize));
	}
	channel_count_reads(ch, n);
	if (channel_limit_reached(ch))
		ch->state = CH_DRAINING;
	return (0);
}

/* Read once from ch's source. */
static void
channel_pull(struct channel *ch)
{
	size_t	 space = 0;
	ssize_t	 n = -1;

	ch->fast->pulled = 0;
	if (!channel_wants_read(ch))
		return;
	if (ch->fast->direct) {
		channel_splice_direct(ch);
		return;
	}
	if (ch->batch != NULL) {
		if (channel_pull_batch(ch) == 0)
			return;
	} else if (ch->fast->splicing && ch->fast->pipe[0] == -1 &&
	    channel_pipe_take(ch) == -1 &&
	    channel_unsplice(ch, "no pipe to splice through") == -1) {
		channel_fail(ch, "read", errno);
		return;
	}
	if (ch->fast->splicing) {
		n = splice(ch->src->rfd, NULL, ch->fast->pipe[1], NULL,
		    ch->fast->pipesize - ch->fast->piped, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		/* Nothing came: an idle channel holds no pipe. */
		if (n <= 0)
			channel_pipe_drained(ch);
		if (n == -1 && splice_refused(errno) &&
		    channel_unsplice(ch, SPLICE_REFUSED) == -1) {
			channel_fail(ch, "read", errno);
			return;
		}
	}
	if (!channel_spliced(ch) && ch->batch == NULL) {
		/* The buffer is taken now, for as long as it holds bytes. */
		if (ch->buf.data == NULL &&
		    buf_init(&ch->buf, ch->bufsize) == -1) {
			channel_fail(ch, "read", errno);
			return;
		}
		space = buf_space(&ch->buf);
		/* A transformation may grow what was read: leave it room. */
		n = ep_read(ch->src, buf_tail(&ch->buf),
		    space / channel_xgrow(ch));
		/* Nothing came: an idle channel holds no buffer. */
		if (n <= 0) {
			int	 saved = errno;

			buf_release(&ch->buf);
			errno = saved;
		}
	}
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		channel_read_failed(ch, errno);
		return;
	} else if (ch->src->flags & EP_DGRAM) {
		if (ep_net_dgram(ch->src) && !(ch->src->flags & EP_DGRAM_FIN))
			totals.dgrams_received++;
		/* An empty datagram, not end-of-file, unless DTLS ended. */
		if (n == 0 && !(ch->src->flags & EP_DGRAM_FIN))
			return;
	}
	if (n == 0) {
		ch->state = CH_DRAINING;
		if (ch->src->shut == EP_SHUT_SOCKET && ch->src->rfd != -1)
			shutdown(ch->src->rfd, SHUT_RD);
		return;
	}
	session_touch(ch->session);
	if (ch->fast->splicing) {
		ch->fast->piped += n;
		ch->fast->pulled = n;
		return;
	}
	if (ch->xform != NULL)
		n = ch->xform(ch, buf_tail(&ch->buf), n, space);
	buf_commit(&ch->buf, n);
	/* -W: the last read allowed; the peer is told we read no more. */
	channel_count_reads(ch, 1);
	if (channel_limit_reached(ch)) {
		ch->state = CH_DRAINING;
		if (ch->src->shut == EP_SHUT_SOCKET && ch->src->rfd != -1)
			shutdown(ch->src->rfd, SHUT_RD);
	}
}

/*
 * Run the session's policy; finish it if the mode says it is over.  The
 * pump runs it after every change it makes; a mode calls it when something
 * outside the pump changed what the policy looks at (a child exited).
 */
void
session_check(struct session *s)
{
	if (s->over)
		return;
	if (s->check != NULL && s->check(s))
		session_finish(s);
}

/*
 * Move what is ready on ch: read once if its source is readable, deliver
 * at once (latency matters more than batching), then take what the source
 * already holds but no poll would announce (the rest of a TLS record),
 * as long as there is room.  The bound keeps one channel from starving
 * the others.
 */
static void
channel_run(struct channel *ch, int readable)
{
	int	 rounds = 0;

	if (readable)
		channel_pull(ch);
	/* A direct splice has delivered already, if it could. */
	if (!readable || !ch->fast->direct)
		channel_push(ch);
	while (channel_wants_read(ch) && ep_pending(ch->src) && rounds++ < 64) {
		channel_pull(ch);
		channel_push(ch);
	}
	/*
	 * Through a kernel pipe, a source that just gave data probably has
	 * more: take it now, a few rounds, rather than after another wait.
	 */
	for (rounds = 0; ch->fast->splicing && ch->fast->pulled > 0 &&
	    rounds < CHANNEL_SPLICE_ROUNDS && channel_wants_read(ch); rounds++) {
		channel_pull(ch);
		channel_push(ch);
	}
	/* So does a socket that just filled a batch. */
	for (rounds = 0; ch->batch != NULL && ch->batch->full &&
	    ch->fast->pulled > 0 && rounds < CHANNEL_BATCH_ROUNDS &&
	    channel_wants_read(ch); rounds++) {
		channel_pull(ch);
		channel_push(ch);
	}
	channel_update(ch);
}

/*
 * Read ep now, as if a poll had said it was readable: for an endpoint
 * whose read operation knows of an end that no poll announces (the
 * terminal of a program that has exited).  The session's policy is not
 * run; the caller runs it.
 */
void
ep_readable(struct endpoint *ep)
{
	if (ep->reader != NULL && ep->rfd != -1 && !ep->session->over)
		channel_run(ep->reader, 1);
}

static void
pump_fd_cb(int fd, int events, void *arg)
{
	struct endpoint	*ep = arg;
	struct session	*s = ep->session;
	struct channel	*ch;

	if ((events & ep_read_events(ep)) && fd == ep->rfd &&
	    (ch = ep->reader) != NULL)
		channel_run(ch, 1);
	if ((events & ep_write_events(ep)) && fd == ep->wfd &&
	    (ch = ep->writer) != NULL && !s->over)
		channel_run(ch, 0);
	/* A fan-out member that cannot be written to is over. */
	if ((events & EV_WRITE) && fd == ep->wfd && ep->hook != NULL &&
	    ep->hook->flush != NULL) {
		if (ep->hook->flush(ep) == -1) {
			session_finish(s);
			return;
		}
		ep_update(ep);
	}
	session_check(s);
}

/*
 * Choose how each channel moves bytes, start watching, and run the policy
 * once.  No buffer is taken yet: a channel takes one when it reads.
 */
int
session_start(struct session *s)
{
	struct channel	*ch;
	struct endpoint	*ep;

	if (totals.started == 0)
		totals.started = ev_now();
	TAILQ_FOREACH(ep, &s->endpoints, entry) {
		if (ep_net_dgram(ep))
			totals.dgrams = 1;
	}
	TAILQ_FOREACH(ch, &s->channels, entry) {
		channel_try_batch(ch);
		if (!channel_spliced(ch) && ch->buf.data == NULL) {
			channel_try_splice(ch);
			log_verbose(3, "%s: %s", ch->name, ch->fast->sendfile ?
			    "sendfile" : channel_spliced(ch) ? "splice" :
			    "copy");
		}
		/* A channel may be created already ended (-d). */
		channel_settle(ch);
	}
	TAILQ_FOREACH(ep, &s->endpoints, entry)
		ep_update(ep);
	/* A handshake may have left data that no poll will announce. */
	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ep_pending(ch->src))
			channel_run(ch, 0);
	}
	s->running = 1;
	session_set_idle(s, s->idle_ms);
	session_check(s);
	return (0);
}

/*
 * The policy of a relay between two peers (the proxy server, the
 * forwarder): over once every direction is done, or at once when one
 * failed.
 */
int
session_relay_check(struct session *s)
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

/*
 * End the session after idle_ms without any data moving, counted from
 * session_start(), or from now when the session runs already.
 */
void
session_set_idle(struct session *s, long long idle_ms)
{
	s->idle_ms = idle_ms;
	if (!s->running || idle_ms == TIME_NONE)
		return;
	s->last_active = ev_now();
	/* The timer is made for the sessions that have an idle time. */
	if (s->idle == NULL) {
		if ((s->idle = malloc(sizeof(*s->idle))) == NULL) {
			log_warn("idle timer");
			return;
		}
		ev_timer_init(s->idle, session_idle_cb, s);
	}
	ev_timer_arm(s->idle, s->idle_ms);
}

/* Stop s's idle timer, if it has one. */
static void
session_idle_stop(struct session *s)
{
	if (s->idle != NULL)
		ev_timer_disarm(s->idle);
}

static void
session_idle_cb(void *arg)
{
	struct session	*s = arg;
	uint64_t	 due = s->last_active + (uint64_t)s->idle_ms;

	if (ev_now() < due) {
		ev_timer_arm(s->idle, (long long)(due - ev_now()));
		return;
	}
	s->timed_out = 1;
	session_finish(s);
}

/*
 * Mark the session over, stop watching its descriptors and tell its mode,
 * which may free it from the callback.
 */
void
session_finish(struct session *s)
{
	struct endpoint	*ep;
	struct channel	*ch;

	if (s->over)
		return;
	s->over = 1;
	session_idle_stop(s);
	TAILQ_FOREACH(ch, &s->channels, entry)
		channel_unpause(ch);
	TAILQ_FOREACH(ep, &s->endpoints, entry) {
		if (ep->rfd != -1)
			ev_del(ep->rfd);
		if (ep->wfd != -1)
			ev_del(ep->wfd);
		ep->revents = ep->wevents = 0;
	}
	if (s->finished != NULL)
		s->finished(s);
}

/*
 * The words for error, which ep's read or write gave: the endpoint's own
 * when it has them (ep_ops' why), else strerror()'s.
 */
const char *
ep_strerror(struct endpoint *ep, int error)
{
	const char	*why = NULL;

	if (ep != NULL && ep->ops != NULL && ep->ops->why != NULL)
		why = ep->ops->why(ep, error);
	return (why != NULL ? why : strerror(error));
}

/*
 * Say what a session lost, if anything: one line per channel that had a
 * read or write error.  Returns 1 if there was any, else 0 (an exit
 * status).  A reader of stdout that has had enough ("| head") is none:
 * nc stops writing there, quietly.
 */
int
session_report(struct session *s)
{
	struct channel	*ch;
	int		 status = 0, rd;

	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch->error_op == NULL)
			continue;
		rd = strcmp(ch->error_op, "read") == 0;
		if (!rd && ch->error == EPIPE &&
		    ch->dst->wfd == STDOUT_FILENO)
			continue;
		log_warnx("%s %s %s: %s", ch->error_op, rd ? "from" : "to",
		    rd ? ch->src->name : ch->dst->name,
		    ep_strerror(rd ? ch->src : ch->dst, ch->error));
		status = 1;
	}
	return (status);
}

/* Free the session, closing every descriptor its endpoints own. */
void
session_free(struct session *s)
{
	struct endpoint	*ep;
	struct channel	*ch;

	if (s == NULL)
		return;
	session_idle_stop(s);
	free(s->idle);
	while ((ch = TAILQ_FIRST(&s->channels)) != NULL) {
		TAILQ_REMOVE(&s->channels, ch, entry);
		channel_unpause(ch);
		channel_discard(ch);
		/* Drops after the last datagram read: only the socket knows. */
		if (ch->batch != NULL) {
			pump_unwatch_drops(ch->batch);
			if (ch->src->rfd != -1)
				totals.dgrams_dropped += batch_drops_now(
				    ch->batch, ch->src->rfd);
			batch_free(ch->batch);
			free(ch->batch);
			ch->batch = NULL;
		}
		buf_free(&ch->buf);
		free(ch->pace);
		free(ch->taps);
		free(ch);
	}
	while ((ep = TAILQ_FIRST(&s->endpoints)) != NULL) {
		TAILQ_REMOVE(&s->endpoints, ep, entry);
		if (ep->hook != NULL && ep->hook->leave != NULL)
			ep->hook->leave(ep);
		if (ep->ops != NULL && ep->ops->free != NULL)
			ep->ops->free(ep);
		if (ep->rfd != -1) {
			ev_del(ep->rfd);
			if (ep->rfd <= STDERR_FILENO ||
			    (ep->flags & EP_NOCLOSE))
				;
			else if ((ep->flags & EP_LINGER) &&
			    ep->wfd == ep->rfd)
				sock_linger(ep->rfd);
			else
				close(ep->rfd);
		}
		if (ep->wfd != -1 && ep->wfd != ep->rfd) {
			ev_del(ep->wfd);
			if (ep->wfd > STDERR_FILENO &&
			    !(ep->flags & EP_NOCLOSE))
				close(ep->wfd);
		}
		free(ep);
	}
	free(s);
}
