/*
 * The pump's sessions: the endpoints and channels of one connection,
 * made, started, watched for idleness, finished, reported on and freed,
 * and the totals of every session.
 *
 * A mode builds a session, declares what the end of each of its ways
 * means, gives it what to do at each change (watch) and at its end
 * (finished), and starts it; from then on the pump's core moves its bytes
 * and runs the one rule of its end (session_rule()) after every change.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"
#include "pump-int.h"

static void	session_clock_cb(void *);

static struct pump_totals	totals;

/*
 * A session's own timer, made only for a session that has an idle time
 * or whose ways have a grace (CH_GRACE): one timer for both, due at the
 * earlier of the two.
 */
struct session_clock {
	struct ev_timer		 timer;
	uint64_t		 grace_at;	/* When the grace ends; 0: none */
	uint64_t		 last_active;	/* With an idle time: when
						   something last moved */
};

/* The bytes every session has moved to and from the network so far. */
const struct pump_totals *
pump_totals(void)
{
	return (&totals);
}

/* The same totals, for the pump's own files to count in. */
__shortrun struct pump_totals *
pump_tally(void)
{
	return (&totals);
}

/*
 * Make a session: watch sees every change before the rule runs (NULL:
 * nothing to see), finished is called once it is over, arg is theirs.
 */
__shortrun struct session *
session_new(int (*watch)(struct session *),
    void (*finished)(struct session *), void *arg)
{
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	TAILQ_INIT(&s->endpoints);
	TAILQ_INIT(&s->channels);
	s->watch = watch;
	s->finished = finished;
	s->arg = arg;
	s->idle_ms = TIME_NONE;
	return (s);
}

/*
 * Add an endpoint reading from rfd and writing to wfd (either may be -1).
 * The session owns the descriptors unless EP_NOCLOSE is given.
 */
__shortrun struct endpoint *
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

/*
 * Is ep a plain stream socket of the process's own, which the loop
 * watches edge-triggered (EV_EDGE)?  Its reads and writes say when they
 * would block (ep_read(), ep_write(), the fast path), so a change of what
 * the pump waits for costs no system call.
 */
__shortrun int
ep_edge(const struct endpoint *ep)
{
	return ((ep->flags & (EP_OWN | EP_DGRAM)) == EP_OWN &&
	    ep->ops == NULL && ep->hook == NULL && ep->rfd == ep->wfd);
}

/*
 * Read at most n bytes at a time, and so write at most that (socat's -b):
 * ch copies through a buffer of its own size, room made for what its
 * rewrite (set before) may grow, and never splices.  Before the session
 * starts.
 */
void
channel_block(struct channel *ch, u_int n)
{
	ch->bufsize = n * channel_xgrow(ch);
	ch->flags = (ch->flags | CH_COPY) & ~CH_LAZY;
}

/* Something moved in s: its idle time starts again. */
__shortrun void
session_touch(struct session *s)
{
	if (s->clock != NULL)
		s->clock->last_active = ev_now();
}

/* Add a channel moving bytes from src to dst. */
__shortrun struct channel *
session_channel(struct session *s, const char *name, struct endpoint *src,
    struct endpoint *dst, int flags)
{
	struct channel	*ch;

	/* The fast path's state comes with the channel, freed with it. */
	if ((ch = calloc(1, sizeof(*ch) + sizeof(struct ch_fast))) == NULL)
		return (NULL);
	ch->name = name;
	ch->src = src;
	ch->dst = dst;
	ch->flags = flags;
	ch->state = CH_OPEN;
	ch->bufsize = CHANNEL_BUFSIZE;
	channel_fast(ch)->pipe[0] = channel_fast(ch)->pipe[1] = -1;
	/* A channel's session is its source's: no pointer of its own. */
	DEBUG_CHECK(src->session == s && dst->session == s,
	    "session_channel: an endpoint of another session");
	src->reader = ch;
	dst->writer = ch;
	TAILQ_INSERT_TAIL(&s->channels, ch, entry);
	return (ch);
}

/*
 * Give ch a grace: once it has ended, the session's other ways have
 * grace_ms to end by themselves (socat's -t, -q after stdin's end), then
 * the session is over.  TIME_NONE: none.  Before the session starts.
 * Returns -1 with errno.
 */
__shortrun int
channel_grace(struct channel *ch, long long grace_ms)
{
	if (grace_ms == TIME_NONE)
		return (0);
	if (channel_pace_get(ch) == NULL)
		return (-1);
	ch->pace->grace_ms = grace_ms;
	ch->flags |= CH_GRACE;
	return (0);
}

/* s's clock, made the first time it needs one; NULL if it cannot be. */
static struct session_clock *
session_clock(struct session *s)
{
	if (s->clock == NULL) {
		if ((s->clock = calloc(1, sizeof(*s->clock))) == NULL) {
			log_warn("session timer");
			return (NULL);
		}
		ev_timer_init(&s->clock->timer, session_clock_cb, s);
	}
	return (s->clock);
}

/* Set s's clock to the earlier of its idle time and its grace. */
static void
session_clock_set(struct session *s)
{
	struct session_clock	*k = s->clock;
	uint64_t		 due = 0, now = ev_now();

	if (k == NULL)
		return;
	if (s->idle_ms != TIME_NONE && s->running)
		due = k->last_active + (uint64_t)s->idle_ms;
	if (k->grace_at != 0 && (due == 0 || k->grace_at < due))
		due = k->grace_at;
	if (due == 0)
		ev_timer_disarm(&k->timer);
	else
		ev_timer_arm(&k->timer, due > now ? (long long)(due - now) : 0);
}

/* ch has ended: its grace starts, unless an earlier one runs already. */
static void
session_grace_start(struct session *s, struct channel *ch)
{
	struct session_clock	*k;
	uint64_t		 at = ev_now() + (uint64_t)ch->pace->grace_ms;

	if ((k = session_clock(s)) == NULL)
		return;
	if (k->grace_at != 0 && k->grace_at <= at)
		return;
	k->grace_at = at;
	session_clock_set(s);
}

/*
 * Does ch's source have something ready now, data or its end, that a
 * read would take without waiting?
 */
static int
channel_source_ready(struct channel *ch)
{
	if (ep_pending(ch->src))
		return (1);
	return (ch->src->rfd != -1 && ev_ready(ch->src->rfd));
}

/*
 * ch takes its last round, once: what its source has ready at this moment
 * (a line standard input holds, its end) is read and will be delivered;
 * then it reads no more.  Whatever order the loop handled this round's
 * events in, what was ready when an end was seen goes out.
 */
static void
channel_last_round(struct channel *ch)
{
	int	 rounds;

	for (rounds = 0; ch->state == CH_OPEN &&
	    rounds < CHANNEL_PENDING_ROUNDS && channel_source_ready(ch);
	    rounds++) {
		channel_run(ch, 1);
		/* Full: what it holds goes first; no more is read. */
		if (channel_pending(ch) >= ch->bufsize / 2)
			break;
	}
	ch->flags |= CH_LAST;
	channel_update(ch);
}

/*
 * final, a way whose end is the session's (CH_FINAL), has ended: each
 * other way takes its last round, as netcat reads no more once its client
 * has finished.
 */
static void
session_last_round(struct session *s, struct channel *final)
{
	struct channel	*ch;

	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch != final && !(ch->flags & CH_LAST) &&
		    ch->state == CH_OPEN)
			channel_last_round(ch);
	}
}

/*
 * ep's peer, which had ended its sending, is gone (a reset) while ep's
 * writer had nothing it could write (ep_watch_hangup()).  What the
 * writer's source had ready then was given before the end was seen,
 * whichever of the two the loop took first: it takes its last round, and
 * its write fails as any write would.  What it still holds (a line
 * waiting for its pause, -i) is lost the same way, said with the socket's
 * error.  With nothing given, the peer's end is the writer's, quietly.
 */
void
ep_hangup(struct endpoint *ep)
{
	struct channel	*w = ep->writer;
	socklen_t	 len = sizeof(int);
	int		 error;

	if (w != NULL && !channel_ended(w) && !(ep->flags & EP_REDIAL)) {
		channel_last_round(w);
		if (!channel_ended(w) && channel_holds(w)) {
			if (getsockopt(ep->wfd, SOL_SOCKET, SO_ERROR, &error,
			    &len) == -1 || error == 0)
				error = EPIPE;
			channel_fail(w, "write", error);
		}
	}
	ep_write_ended(ep);
}

/*
 * The one rule that says when a session is over (doc/design.md, "The end
 * of a session"); returns why (enum session_why), or SE_NONE while it
 * goes on.  In this order:
 *   - a way failed and the session says a failure ends it (SS_FAILFAST),
 *     or a way whose end is the session's at once (CH_FINAL_NOW) ended:
 *     over, what the others hold is dropped;
 *   - a way whose end is the session's (CH_FINAL) ended: the others take
 *     their last round (session_last_round()), and the session is over
 *     once each has delivered what it holds (or ended);
 *   - every way ended: over;
 *   - a way with a grace (CH_GRACE) ended: the grace starts, and its end
 *     ends the session (session_clock_cb()).
 * A session with no channel never ends by this rule: its mode ends it.
 */
static int
session_rule(struct session *s)
{
	struct channel	*ch, *final = NULL;
	int		 all = 1, any = 0, settled = 1;

	TAILQ_FOREACH(ch, &s->channels, entry) {
		/* A read error fails a way too, though it delivers first. */
		if ((s->ends & SS_FAILFAST) && (ch->state == CH_FAILED ||
		    ch->error_op != NULL))
			return (SE_FAILED);
		if (!channel_ended(ch))
			continue;
		if (ch->flags & CH_FINAL_NOW)
			return (SE_FINAL);
		if ((ch->flags & CH_FINAL) && final == NULL)
			final = ch;
	}
	if (final != NULL)
		session_last_round(s, final);
	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (!channel_ended(ch)) {
			all = 0;
			if (!(ch->flags & CH_LAST) || channel_holds(ch))
				settled = 0;
			continue;
		}
		any = 1;
		if (ch->flags & CH_GRACE)
			session_grace_start(s, ch);
	}
	if (any && all)
		return (SE_ALL);
	if (final != NULL && settled)
		return (SE_FINAL);
	return (SE_NONE);
}

/*
 * Run the session's mode's watch, then the rule; finish the session if it
 * is over.  The pump runs it after every change it makes; a mode calls it
 * when something outside the pump changed what the rule looks at (a child
 * exited).  Not again while it runs: the last round's reads change the
 * channels, and the rule looks at them once they are done.
 */
__shortrun void
session_check(struct session *s)
{
	int	 why = SE_NONE;

	if (s->over || s->deciding)
		return;
	s->deciding = 1;
	switch (s->watch != NULL ? s->watch(s) : SESSION_RULE) {
	case SESSION_HOLD:
		break;
	case SESSION_END:
		why = SE_MODE;
		break;
	default:
		why = session_rule(s);
		break;
	}
	s->deciding = 0;
	if (why != SE_NONE) {
		s->why = why;
		session_finish(s);
	}
}

/*
 * Choose how each channel moves bytes, start watching, and run the rule
 * once.  No buffer is taken yet: a channel takes one when it reads.
 */
__shortrun int
session_start(struct session *s)
{
	struct channel	*ch;
	struct endpoint	*ep;

	if (totals.started == 0)
		totals.started = ev_now();
	s->started = ev_now();
	TAILQ_FOREACH(ep, &s->endpoints, entry) {
		if (ep_net_dgram(ep))
			totals.dgrams = 1;
	}
	TAILQ_FOREACH(ch, &s->channels, entry) {
		/* Only datagrams are read in batches. */
		if (ch->src->flags & EP_DGRAM)
			channel_try_batch(ch);
		if (ch->flags & CH_LAZY)
			log_verbose(3, "%s: copy, splice if it moves more",
			    ch->name);
		else if (!channel_spliced(ch) && ch->buf.data == NULL) {
			channel_try_splice(ch);
			log_verbose(3, "%s: %s", ch->name,
			    channel_fast(ch)->sendfile ? "sendfile" :
			    channel_spliced(ch) ? "splice" : "copy");
		}
		/* A channel may be created already ended (-d). */
		channel_settle(ch);
	}
	TAILQ_FOREACH(ep, &s->endpoints, entry)
		ep_update(ep);
	/*
	 * A handshake may have left data that no poll will announce; a
	 * source the mode says has data already (a client that wrote as it
	 * connected) is read now rather than after a round of the loop.
	 */
	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch->flags & CH_EAGER)
			channel_run(ch, 1);
		else if (ep_pending(ch->src))
			channel_run(ch, 0);
	}
	s->running = 1;
	if (s->idle_ms != TIME_NONE || s->clock != NULL)
		session_set_idle(s, s->idle_ms);
	session_check(s);
	return (0);
}

/*
 * End the session after idle_ms without any data moving, counted from
 * session_start(), or from now when the session runs already; TIME_NONE:
 * never.
 */
void
session_set_idle(struct session *s, long long idle_ms)
{
	s->idle_ms = idle_ms;
	if (!s->running || (idle_ms == TIME_NONE && s->clock == NULL))
		return;
	if (session_clock(s) != NULL) {
		s->clock->last_active = ev_now();
		session_clock_set(s);
	}
}

/* s's clock is due: its grace has run out, or it has been idle. */
static void
session_clock_cb(void *arg)
{
	struct session	*s = arg;
	uint64_t	 now = ev_now();

	if (s->clock->grace_at != 0 && now >= s->clock->grace_at) {
		s->why = SE_GRACE;
		session_finish(s);
		return;
	}
	if (s->idle_ms != TIME_NONE &&
	    now >= s->clock->last_active + (uint64_t)s->idle_ms) {
		s->timed_out = 1;
		s->why = SE_IDLE;
		session_finish(s);
		return;
	}
	session_clock_set(s);
}

/*
 * What a session ended by time (its grace, its idle time) still held was
 * read and will not be delivered: each way that holds bytes fails, as a
 * write that timed out, so that its mode reports the loss.  Data is never
 * dropped without a word.
 */
static void
session_lost(struct session *s)
{
	struct channel	*ch;

	if (s->why != SE_GRACE && s->why != SE_IDLE)
		return;
	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch->state != CH_FAILED && channel_holds(ch))
			channel_fail(ch, "write", ETIMEDOUT);
	}
}

/*
 * Mark the session over, stop watching its descriptors and tell its mode,
 * which may free it from the callback.  Called by the one rule, the
 * session's clock, or a mode ending it for a reason of its own.
 */
__shortrun void
session_finish(struct session *s)
{
	struct endpoint	*ep;
	struct channel	*ch;

	if (s->over)
		return;
	s->over = 1;
	if (s->why == SE_NONE)
		s->why = SE_MODE;
	session_lost(s);
	if (s->clock != NULL)
		ev_timer_disarm(&s->clock->timer);
	TAILQ_FOREACH(ch, &s->channels, entry)
		channel_unpause(ch);
	TAILQ_FOREACH(ep, &s->endpoints, entry) {
		/* Its mode most often closes it at once (ep_watch()). */
		if (ep->flags & EP_OWN) {
			if (ep->rfd != -1)
				ev_park(ep->rfd);
			if (ep->wfd != -1)
				ev_park(ep->wfd);
		} else {
			if (ep->rfd != -1)
				ev_del(ep->rfd);
			if (ep->wfd != -1)
				ev_del(ep->wfd);
		}
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
 * nc stops writing there, quietly.  Nor is a reader gone of an EP_COOL
 * endpoint (socat's cool-write): a notice, with -v.
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
		if (!rd && (ch->dst->flags & EP_COOL) &&
		    (ch->error == EPIPE || ch->error == ECONNRESET)) {
			if (log_verbosity() > 0)
				log_info("write to %s: %s", ch->dst->name,
				    ep_strerror(ch->dst, ch->error));
			continue;
		}
		log_warnx("%s %s %s: %s", ch->error_op, rd ? "from" : "to",
		    rd ? ch->src->name : ch->dst->name,
		    ep_strerror(rd ? ch->src : ch->dst, ch->error));
		status = 1;
	}
	return (status);
}

/*
 * Did ep's session end in order (neither torn down nor failed fast), with
 * all that was to be written to ep delivered (its source not broken)?  A
 * stream whose end is a message of its own (TLS's close_notify, a
 * WebSocket's close) then says it ended whole (EP_WHOLE, which its free
 * operation reads), and else that it was cut.
 */
static int
ep_ended_whole(const struct endpoint *ep)
{
	const struct session	*s = ep->session;
	const struct channel	*ch = ep->writer;

	if (s == NULL || !s->over || s->why == SE_FAILED)
		return (0);
	return (ch == NULL || (ch->state != CH_FAILED &&
	    ch->error_op == NULL && !channel_holds(ch)));
}

/*
 * Was ch cut short of what its source gave: did it fail, or end with its
 * destination holding bytes it never delivered, or leave its source, a
 * regular file, unread to its end?  What a pipe or a terminal has not
 * given yet is not counted: nothing can tell it from what is still to be
 * typed.
 */
int
channel_cut(const struct channel *ch)
{
	struct stat	 st;
	off_t		 at;

	if (ch->error_op != NULL || (ch->flags & CH_DROPPED) ||
	    channel_holds(ch))
		return (1);
	if (ch->state == CH_DONE || ch->src->rfd == -1 ||
	    fstat(ch->src->rfd, &st) == -1 || !S_ISREG(st.st_mode))
		return (0);
	at = lseek(ch->src->rfd, 0, SEEK_CUR);
	return (at == -1 || at < st.st_size);
}

/* Make the close of ep's socket a reset (RST), not an end-of-file. */
void
ep_reset(struct endpoint *ep)
{
	net_reset_at_close(ep->wfd);
	ep->flags &= ~EP_LINGER;
}

/* Free the session, closing every descriptor its endpoints own. */
__shortrun void
session_free(struct session *s)
{
	struct endpoint	*ep;
	struct channel	*ch;

	if (s == NULL)
		return;
	/*
	 * The rule of delivery (doc/design.md, "The end of a session"): a
	 * session that ran is freed holding nothing read and undelivered,
	 * unless that way failed (its loss is reported) or the session was
	 * ended at once, on purpose (~., :q, a line that hung up, a relay
	 * whose other way broke).
	 */
	TAILQ_FOREACH(ch, &s->channels, entry) {
		DEBUG_CHECK(!s->running || !s->over || ch->state == CH_FAILED ||
		    !channel_holds(ch) || s->why == SE_MODE ||
		    s->why == SE_FAILED || s->why == SE_FINAL,
		    "a session freed holding bytes it neither delivered nor "
		    "reported");
		/* Its mode frees it once the channel's run has returned. */
		DEBUG_CHECK(!(ch->flags & CH_RUNNING),
		    "a session freed while one of its channels runs");
	}
	if (s->clock != NULL)
		ev_timer_disarm(&s->clock->timer);
	free(s->clock);
	/* How each stream ended is known while its ways are. */
	TAILQ_FOREACH(ep, &s->endpoints, entry) {
		if (ep_ended_whole(ep))
			ep->flags |= EP_WHOLE;
	}
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
		if (ep->hook != NULL && (*ep->hook)->leave != NULL)
			(*ep->hook)->leave(ep);
		if (ep->ops != NULL && ep->ops->free != NULL)
			ep->ops->free(ep);
		if (ep->rfd != -1) {
			if ((ep->flags & EP_OWN) && ep->rfd > STDERR_FILENO &&
			    !(ep->flags & (EP_NOCLOSE | EP_LINGER)))
				ev_close(ep->rfd);
			else {
				ev_del(ep->rfd);
				if (ep->rfd <= STDERR_FILENO ||
				    (ep->flags & EP_NOCLOSE))
					;
				else if ((ep->flags & (EP_LINGER |
				    EP_HANGUP)) == (EP_LINGER | EP_HANGUP) &&
				    ep->wfd == ep->rfd)
					sock_linger_reset(ep->rfd);
				else if ((ep->flags & EP_LINGER) &&
				    ep->wfd == ep->rfd)
					sock_linger(ep->rfd);
				else
					close(ep->rfd);
			}
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
