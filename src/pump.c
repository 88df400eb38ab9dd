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
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockcat.h"

static void	pump_fd_cb(int, int, void *);
static void	session_idle_cb(void *);

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
	ev_timer_init(&s->idle, session_idle_cb, s);
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

	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return (NULL);
	ch->name = name;
	ch->src = src;
	ch->dst = dst;
	ch->flags = flags;
	ch->state = CH_OPEN;
	ch->bufsize = CHANNEL_BUFSIZE;
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

static int
ep_dgram(const struct channel *ch)
{
	return ((ch->src->flags | ch->dst->flags) & EP_DGRAM);
}

/* Does ch want its source read now? */
static int
channel_wants_read(struct channel *ch)
{
	if (ch->state != CH_OPEN || ch->session->over)
		return (0);
	/* A datagram is read and written whole: one at a time. */
	if (ep_dgram(ch))
		return (ch->buf.len == 0);
	return (buf_space(&ch->buf) >= (ch->xform != NULL ? 2 : 1));
}

static int
channel_wants_write(const struct channel *ch)
{
	return ((ch->state == CH_OPEN || ch->state == CH_DRAINING) &&
	    !ch->session->over && ch->buf.len > 0);
}

/* Register with the event loop what ep is waiting for, and nothing more. */
static void
ep_update(struct endpoint *ep)
{
	int	 rev = 0, wev = 0;

	if (ep->reader != NULL && ep->rfd != -1 &&
	    channel_wants_read(ep->reader))
		rev = EV_READ;
	if (ep->writer != NULL && ep->wfd != -1 &&
	    channel_wants_write(ep->writer))
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

static void
channel_fail(struct channel *ch, const char *op, int error)
{
	ch->state = CH_FAILED;
	ch->error = error;
	ch->error_op = op;
	ch->buf.len = 0;
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
	channel_update(w);
}

/* Stop ch at once: nothing more is read, what is queued is dropped. */
void
channel_stop(struct channel *ch)
{
	if (channel_ended(ch))
		return;
	ch->state = CH_DONE;
	ch->buf.len = 0;
	channel_update(ch);
}

/* If the source has ended and everything is delivered, tell dst. */
static void
channel_settle(struct channel *ch)
{
	if (ch->state != CH_DRAINING || ch->buf.len > 0)
		return;
	ch->state = CH_DONE;
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

static ssize_t
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

/* Write what ch holds to its destination until done or it would block. */
static void
channel_push(struct channel *ch)
{
	ssize_t	 n;

	while (channel_wants_write(ch)) {
		n = ep_write(ch->dst, ch->buf.data + ch->buf.off, ch->buf.len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				channel_fail(ch, "write", errno);
			break;
		}
		session_touch(ch->session);
		ch->bytes += n;
		buf_consume(&ch->buf, n);
		if (ep_dgram(ch))
			ch->buf.len = 0;	/* A datagram goes whole. */
	}
	channel_settle(ch);
}

/* Read once from ch's source. */
static void
channel_pull(struct channel *ch)
{
	size_t	 space;
	ssize_t	 n;

	if (!channel_wants_read(ch))
		return;
	space = buf_space(&ch->buf);
	/* A transformation may grow what was read up to twice its size. */
	n = ep_read(ch->src, buf_tail(&ch->buf),
	    ch->xform != NULL ? space / 2 : space);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		/* What is queued is still delivered, then the loss shows. */
		ch->error = errno;
		ch->error_op = "read";
		ch->session->failed = 1;
		ep_broken(ch->src);
		n = 0;
	}
	if (n == 0) {
		ch->state = CH_DRAINING;
		if (ch->src->shut == EP_SHUT_SOCKET && ch->src->rfd != -1)
			shutdown(ch->src->rfd, SHUT_RD);
		return;
	}
	session_touch(ch->session);
	if (ch->xform != NULL)
		n = ch->xform(ch, buf_tail(&ch->buf), n, space);
	buf_commit(&ch->buf, n);
}

/* Run the session's policy; finish it if the mode says it is over. */
static void
session_check(struct session *s)
{
	if (s->over)
		return;
	if (s->check != NULL && s->check(s))
		session_finish(s);
}

static void
pump_fd_cb(int fd, int events, void *arg)
{
	struct endpoint	*ep = arg;
	struct session	*s = ep->session;
	struct channel	*ch;

	if ((events & EV_READ) && fd == ep->rfd && (ch = ep->reader) != NULL) {
		channel_pull(ch);
		/* Deliver at once: latency matters more than batching. */
		channel_push(ch);
		channel_update(ch);
	}
	if ((events & EV_WRITE) && fd == ep->wfd &&
	    (ch = ep->writer) != NULL) {
		channel_push(ch);
		channel_update(ch);
	}
	session_check(s);
}

/* Allocate buffers, start watching, and run the policy once. */
int
session_start(struct session *s)
{
	struct channel	*ch;
	struct endpoint	*ep;

	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch->buf.data == NULL &&
		    buf_init(&ch->buf, ch->bufsize) == -1)
			return (-1);
		/* A channel may be created already ended (-d). */
		channel_settle(ch);
	}
	TAILQ_FOREACH(ep, &s->endpoints, entry)
		ep_update(ep);
	if (s->idle_ms != TIME_NONE) {
		s->last_active = ev_now();
		ev_timer_arm(&s->idle, s->idle_ms);
	}
	session_check(s);
	return (0);
}

/* End the session after idle_ms without any data moving. */
void
session_set_idle(struct session *s, long long idle_ms)
{
	s->idle_ms = idle_ms;
}

static void
session_idle_cb(void *arg)
{
	struct session	*s = arg;
	uint64_t	 due = s->last_active + (uint64_t)s->idle_ms;

	if (ev_now() < due) {
		ev_timer_arm(&s->idle, (long long)(due - ev_now()));
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

	if (s->over)
		return;
	s->over = 1;
	ev_timer_disarm(&s->idle);
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

/* Free the session, closing every descriptor its endpoints own. */
void
session_free(struct session *s)
{
	struct endpoint	*ep;
	struct channel	*ch;

	if (s == NULL)
		return;
	ev_timer_disarm(&s->idle);
	while ((ch = TAILQ_FIRST(&s->channels)) != NULL) {
		TAILQ_REMOVE(&s->channels, ch, entry);
		buf_free(&ch->buf);
		free(ch);
	}
	while ((ep = TAILQ_FIRST(&s->endpoints)) != NULL) {
		TAILQ_REMOVE(&s->endpoints, ep, entry);
		if (ep->rfd != -1) {
			ev_del(ep->rfd);
			if (ep->rfd > STDERR_FILENO &&
			    !(ep->flags & EP_NOCLOSE))
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
