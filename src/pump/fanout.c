/*
 * Fan-out: one message to many endpoints through per-member queues of
 * shared, reference-counted chunks.  Members above their high-water mark
 * hold the feeders back until drained to half; one that stalls is cut off;
 * failed members end after the round, never inside another's callback.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pump.h"

/*
 * An endpoint's output queue in a fan-out: references to shared chunks.
 * Above high bytes it is full: the fan-out's senders are held until it
 * drains to half of that.  limit is a hard bound only messages the
 * senders cannot be held for (announcements) can reach.  error is
 * ENOBUFS once it overflowed, ETIMEDOUT once it made no progress for the
 * fan-out's stall time, or the errno of a failed write; the member is
 * then ended.
 */
struct chunk;
struct fanout;
struct outq {
	/* What a write to a member with nothing queued reads, together. */
	TAILQ_ENTRY(outq)	 entry;
	struct endpoint		*ep;
	size_t			 n;
	int			 error;
	char			 full;	/* Counted in the fan-out's nfull. */
	char			 leaving; /* Cut off: gets its last words only. */
	char			 doomed; /* To be ended after this round. */
	struct chunk		**v;	/* Ring of cap chunks from head. */
	size_t			 cap;
	size_t			 head;
	size_t			 off;	/* Written of the first chunk. */
	size_t			 bytes;	/* Queued, not yet written. */
	size_t			 high;	/* Full above this. */
	size_t			 limit;
	uint64_t		 progress; /* ev_now() of the last write. */
	struct ev_timer		*stall;	/* Only while it holds bytes. */
	struct fanout		*fanout;
	TAILQ_ENTRY(outq)	 doomed_entry;
	const struct ep_hook	*hook;	/* &outq_hook: ep->hook points here */
};

/* A relay endpoint whose writer channel feeds a fan-out. */
struct feeder {
	struct endpoint		*ep;
	struct fanout		*fanout;
	TAILQ_ENTRY(feeder)	 entry;
	const struct ep_hook	*hook;	/* &feeder_hook: ep->hook points here */
};

/*
 * A set of endpoints that each get every message sent to the set, and the
 * relay endpoints whose channels feed it (held while a member is full).
 */
struct fanout {
	TAILQ_HEAD(, outq)	 members;
	TAILQ_HEAD(, outq)	 doomed;
	TAILQ_HEAD(, feeder)	 feeders;
	struct ev_timer		 reap;
	struct ev_timer		 resume;
	size_t			 nfull;	/* Members above their high mark. */
	long long		 stall_ms; /* 0: never cut off a member */
	/* A member is cut off for not reading: say so, queue last words. */
	void			(*stalled)(struct endpoint *, void *);
	void			*arg;
};

/* A message shared by every queue that holds it. */
struct chunk {
	unsigned int	 refs;
	size_t		 len;
	unsigned char	 data[];
};

static void	fanout_reap_cb(void *);
static void	fanout_resume_cb(void *);
static void	outq_stall_cb(void *);
static void	fanout_doom(struct outq *);
static int	outq_pending(struct endpoint *);
static int	outq_flush(struct endpoint *);
static void	outq_leave(struct endpoint *);
static void	feeder_leave(struct endpoint *);

/* How the pump reaches a member's queue, and a feeder. */
static const struct ep_hook outq_hook = {
	.pending = outq_pending,
	.flush = outq_flush,
	.leave = outq_leave,
};
static const struct ep_hook feeder_hook = {
	.leave = feeder_leave,
};

/*
 * The structure whose member hook is ep's: type's, or NULL.  The hook
 * is the member's address, so no pointer of the endpoint's goes to it.
 */
#define EP_HOOK_OWNER(ep, type, ops)					\
	((ep)->hook != NULL && *(ep)->hook == &(ops) ?			\
	(type *)(void *)((char *)(uintptr_t)(ep)->hook -		\
	offsetof(type, hook)) : NULL)

/* ep's queue, or NULL when ep is no member. */
static struct outq *
ep_outq(const struct endpoint *ep)
{
	return (EP_HOOK_OWNER(ep, struct outq, outq_hook));
}

static struct chunk *
chunk_new(const void *p, size_t len)
{
	struct chunk	*c;

	if ((c = malloc(sizeof(*c) + len)) == NULL)
		return (NULL);
	c->refs = 1;
	c->len = len;
	memcpy(c->data, p, len);
	return (c);
}

static void
chunk_unref(struct chunk *c)
{
	if (--c->refs == 0)
		free(c);
}

/* Hold every channel feeding fo: a member cannot take more for now. */
static void
fanout_hold(struct fanout *fo)
{
	struct feeder	*fd;

	ev_timer_disarm(&fo->resume);
	TAILQ_FOREACH(fd, &fo->feeders, entry) {
		if (fd->ep->writer != NULL)
			channel_hold(fd->ep->writer, 1);
	}
}

/*
 * Count q as full or not by its size, holding or (after this round)
 * releasing the senders on a change.
 */
static void
outq_mark(struct outq *q)
{
	struct fanout	*fo = q->fanout;
	int		 full;

	full = q->bytes > (q->full ? q->high / 2 : q->high);
	if (q->leaving || q->error != 0 || q->doomed)
		full = 0;
	if (full == q->full)
		return;
	q->full = full;
	if (full && fo->nfull++ == 0)
		fanout_hold(fo);
	else if (!full && --fo->nfull == 0)
		ev_timer_arm(&fo->resume, 0);
}

/*
 * Free empty q's ring and stall timer, so an idle member costs only its
 * head; remade when it next holds bytes.
 */
static void
outq_release(struct outq *q)
{
	if (q->n > 0)
		return;
	free(q->v);
	q->v = NULL;
	q->cap = q->head = 0;
	if (q->stall != NULL) {
		ev_timer_disarm(q->stall);
		free(q->stall);
		q->stall = NULL;
	}
}

/* Drop everything q holds. */
static void
outq_clear(struct outq *q)
{
	while (q->n > 0) {
		chunk_unref(q->v[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	q->off = q->bytes = 0;
	outq_release(q);
	outq_mark(q);
}

/*
 * After a failed write (a reset, EPIPE), keep reading q's member for what
 * it sent before, writing nothing more; not one cut off, nor stdout.
 * Returns 1 when read on, 0 when it is to be ended.
 */
static int
outq_read_on(struct outq *q)
{
	struct channel	*r = q->ep->reader;

	if ((q->error != ECONNRESET && q->error != EPIPE) || q->leaving)
		return (0);
	/* A socket (one descriptor both ways, not stdout) still read. */
	if (q->ep->rfd != q->ep->wfd || r == NULL || channel_ended(r))
		return (0);
	ep_update(q->ep);
	return (1);
}

/* Append a reference to c to q.  Returns -1 on ENOMEM. */
static int
outq_append(struct outq *q, struct chunk *c)
{
	struct chunk	**v;
	size_t		 cap, i;

	if (q->n == q->cap) {
		cap = q->cap ? q->cap * 2 : 8;
		if ((v = reallocarray(NULL, cap, sizeof(*v))) == NULL)
			return (-1);
		for (i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	q->v[(q->head + q->n) % q->cap] = c;
	q->n++;
	c->refs++;
	return (0);
}

/* Does q hold bytes waiting for its descriptor? */
static int
outq_has(const struct outq *q)
{
	return (q->n > 0 && q->error == 0);
}

/* The pump's question: does ep's queue wait for its descriptor? */
static int
outq_pending(struct endpoint *ep)
{
	return (outq_has(ep_outq(ep)));
}

/*
 * Write ep's queue until empty or the write would block; a cut-off member
 * that has said its last words is ended.  Returns -1 with the queue's
 * error set if it is to be ended now, 0 if read on (outq_read_on()).
 */
static int
outq_flush(struct endpoint *ep)
{
	struct outq	*q = ep_outq(ep);
	struct chunk	*c;
	ssize_t		 n;
	int		 moved = 0;

	while (outq_has(q)) {
		c = q->v[q->head];
		n = ep_write(ep, c->data + q->off, c->len - q->off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			q->error = errno;
			outq_clear(q);
			return (outq_read_on(q) ? 0 : -1);
		}
		moved = 1;
		q->bytes -= n;
		q->off += n;
		if (q->off == c->len) {
			chunk_unref(c);
			q->head = (q->head + 1) % q->cap;
			q->n--;
			q->off = 0;
		}
	}
	if (moved)
		q->progress = ev_now();
	if (q->n == 0) {
		outq_release(q);
		if (q->leaving && q->error == 0) {
			q->error = ETIMEDOUT;
			fanout_doom(q);
		}
	}
	outq_mark(q);
	return (0);
}

/* q has begun to hold bytes: watch that they move.  Returns -1 with errno. */
static int
outq_watch(struct outq *q)
{
	long long	 ms = q->fanout->stall_ms;

	q->progress = ev_now();
	if (ms <= 0)
		return (0);
	if (q->stall == NULL) {
		if ((q->stall = malloc(sizeof(*q->stall))) == NULL)
			return (-1);
		ev_timer_init(q->stall, outq_stall_cb, q);
	}
	if (!ev_timer_armed(q->stall))
		ev_timer_arm(q->stall, ms);
	return (0);
}

/*
 * Give c to ep: written at once if nothing is queued, else queued within
 * the bound.  Returns -1 with the queue's error set (ENOBUFS: overflow)
 * when ep must be cut off.
 */
static int
outq_push(struct endpoint *ep, struct chunk *c)
{
	struct outq	*q = ep_outq(ep);
	ssize_t		 n = 0;

	if (q->error != 0)
		return (-1);
	if (q->n == 0) {
		do {
			n = ep_write(ep, c->data, c->len);
		} while (n == -1 && errno == EINTR);
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
			q->error = errno;
			return (-1);
		}
		if (n == -1)
			n = 0;
		if ((size_t)n == c->len)
			return (0);
	}
	if (q->bytes + (c->len - n) > q->limit) {
		errno = ENOBUFS;
		goto cut;
	}
	if (outq_append(q, c) == -1)
		goto cut;
	if (q->n == 1) {
		q->off = n;
		if (outq_watch(q) == -1)
			goto cut;
	}
	q->bytes += c->len - n;
	outq_mark(q);
	ep_update(ep);
	return (0);

cut:
	q->error = errno;
	outq_clear(q);
	return (-1);
}

/* A new fan-out; a member stalled for stall_ms is cut off (0: never). */
struct fanout *
fanout_new(long long stall_ms)
{
	struct fanout	*fo;

	if ((fo = calloc(1, sizeof(*fo))) == NULL)
		return (NULL);
	TAILQ_INIT(&fo->members);
	TAILQ_INIT(&fo->doomed);
	TAILQ_INIT(&fo->feeders);
	ev_timer_init(&fo->reap, fanout_reap_cb, fo);
	ev_timer_init(&fo->resume, fanout_resume_cb, fo);
	fo->stall_ms = stall_ms;
	return (fo);
}

/*
 * Make ep a member of fo with a queue full above high bytes and never
 * holding more than limit.  Returns -1 with errno.
 */
int
fanout_join(struct fanout *fo, struct endpoint *ep, size_t high,
    size_t limit)
{
	struct outq	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return (-1);
	q->high = high;
	q->limit = limit;
	q->ep = ep;
	q->fanout = fo;
	q->hook = &outq_hook;
	ep->hook = &q->hook;
	TAILQ_INSERT_TAIL(&fo->members, q, entry);
	return (0);
}

/*
 * What relay endpoint ep's writer delivers goes to fo; that channel is
 * held while a member is full.
 */
int
fanout_feed(struct fanout *fo, struct endpoint *ep)
{
	struct feeder	*fd;

	if ((fd = calloc(1, sizeof(*fd))) == NULL)
		return (-1);
	fd->ep = ep;
	fd->fanout = fo;
	fd->hook = &feeder_hook;
	ep->hook = &fd->hook;
	TAILQ_INSERT_TAIL(&fo->feeders, fd, entry);
	if (fo->nfull > 0 && ep->writer != NULL)
		channel_hold(ep->writer, 1);
	return (0);
}

/* A feeder is freed: it feeds no more. */
static void
feeder_leave(struct endpoint *ep)
{
	struct feeder	*fd = EP_HOOK_OWNER(ep, struct feeder, feeder_hook);

	TAILQ_REMOVE(&fd->fanout->feeders, fd, entry);
	free(fd);
	ep->hook = NULL;
}

/* A member is freed: so are its queue and its place. */
static void
outq_leave(struct endpoint *ep)
{
	struct outq	*q = ep_outq(ep);
	struct fanout	*fo = q->fanout;

	/* Empty, it is no longer full (outq_mark()). */
	outq_clear(q);
	TAILQ_REMOVE(&fo->members, q, entry);
	if (q->doomed)
		TAILQ_REMOVE(&fo->doomed, q, doomed_entry);
	free(q);
	ep->hook = NULL;
}

/* End a failed member's session after this round. */
static void
fanout_doom(struct outq *q)
{
	struct fanout	*fo = q->fanout;

	if (q->doomed)
		return;
	q->doomed = 1;
	outq_mark(q);
	TAILQ_INSERT_TAIL(&fo->doomed, q, doomed_entry);
	if (!ev_timer_armed(&fo->reap))
		ev_timer_arm(&fo->reap, 0);
}

static void
fanout_reap_cb(void *arg)
{
	struct fanout	*fo = arg;
	struct outq	*q;

	while ((q = TAILQ_FIRST(&fo->doomed)) != NULL) {
		TAILQ_REMOVE(&fo->doomed, q, doomed_entry);
		q->doomed = 0;
		/* The mode's finished callback may free the session. */
		session_finish(q->ep->session);
	}
}

/*
 * No member is full: let the senders read, stopping if one fills a member
 * again.  A sender's session may be freed meanwhile.
 */
static void
fanout_resume_cb(void *arg)
{
	struct fanout	*fo = arg;
	struct feeder	*fd, *next;
	struct endpoint	*ep;

	TAILQ_FOREACH_SAFE(fd, &fo->feeders, entry, next) {
		if (fo->nfull > 0)
			break;
		ep = fd->ep;
		if (ep->writer != NULL && (ep->writer->flags & CH_HOLD))
			channel_resume(ep->writer);
	}
}

/*
 * A queue held data for the stall time: cut its member off if nothing
 * moved.  Its queue is dropped; last words (fanout_send_to()) get another
 * stall time.
 */
static void
outq_stall_cb(void *arg)
{
	struct outq	*q = arg;
	struct fanout	*fo = q->fanout;
	uint64_t	 due = q->progress + (uint64_t)fo->stall_ms;

	if (q->n == 0 || q->error != 0)
		return;
	if (ev_now() < due) {
		ev_timer_arm(q->stall, (long long)(due - ev_now()));
		return;
	}
	/* Dropped: its backlog, or the last words it never took. */
	outq_clear(q);
	if (!q->leaving) {
		q->leaving = 1;
		if (fo->stalled != NULL)
			fo->stalled(q->ep, fo->arg);
	}
	if (q->error == 0 && q->n == 0) {
		q->error = ETIMEDOUT;
		fanout_doom(q);
	}
}

static void
fanout_give(struct endpoint *ep, struct chunk *c)
{
	struct outq	*q = ep_outq(ep);

	if (ep->session->over || q->doomed || q->error != 0)
		return;
	if (outq_push(ep, c) == -1 && !outq_read_on(q))
		fanout_doom(q);
}

/*
 * Send len bytes at p to every member but except (NULL: none) and those
 * cut off.  Returns -1 with errno if the message cannot be made; a member
 * that cannot take it is ended, never the others.
 */
int
fanout_send(struct fanout *fo, struct endpoint *except, const void *p,
    size_t len)
{
	struct outq	*q, *q1, *q2, *q3;
	struct chunk	*c;

	if (len == 0)
		return (0);
	if ((c = chunk_new(p, len)) == NULL)
		return (-1);
	TAILQ_FOREACH(q, &fo->members, entry) {
		/*
		 * A large fan-out has long pushed each member's queue,
		 * endpoint and session out of the caches, and each write
		 * takes microseconds: fetch the next member's session, the
		 * second's endpoint, the third's queue, in time for their
		 * writes.  (In a function of its own, the compiler drops
		 * them.)
		 */
		if ((q1 = TAILQ_NEXT(q, entry)) != NULL) {
			__builtin_prefetch(&q1->ep->session->over);
			if ((q2 = TAILQ_NEXT(q1, entry)) != NULL) {
				__builtin_prefetch(q2->ep);
				if ((q3 = TAILQ_NEXT(q2, entry)) != NULL)
					__builtin_prefetch(q3);
			}
		}
		if (q->ep != except && !q->leaving)
			fanout_give(q->ep, c);
	}
	chunk_unref(c);
	return (0);
}

/* Send len bytes to member ep alone, even one cut off.  -1 with errno. */
int
fanout_send_to(struct endpoint *ep, const void *p, size_t len)
{
	struct chunk	*c;

	if (len == 0)
		return (0);
	if ((c = chunk_new(p, len)) == NULL)
		return (-1);
	fanout_give(ep, c);
	chunk_unref(c);
	return (0);
}

/* Call stalled(ep, arg) when a member of fo is cut off for not reading. */
void
fanout_set_stalled(struct fanout *fo, void (*stalled)(struct endpoint *,
    void *), void *arg)
{
	fo->stalled = stalled;
	fo->arg = arg;
}

/* The stall time of fo's members in ms (0: none). */
long long
fanout_stall_ms(const struct fanout *fo)
{
	return (fo->stall_ms);
}

/*
 * Why ep's queue failed (ENOBUFS, ETIMEDOUT, a write's errno), or 0; its
 * hard bound in *limit.
 */
int
fanout_error(const struct endpoint *ep, size_t *limit)
{
	const struct outq	*q = ep_outq(ep);

	*limit = q != NULL ? q->limit : 0;
	return (q != NULL ? q->error : 0);
}
