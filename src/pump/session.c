/*
 * The pump's sessions: the endpoints and channels of one connection, made,
 * started, finished by the one rule of their end (session_rule()),
 * reported and freed; and the totals of every session.
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

/* Bytes all sessions moved to and from the network so far. */
const struct pump_totals *
pump_totals(void)
{
	return (&totals);
}

/* The same totals, writable, for the pump's files. */
__shortrun struct pump_totals *
pump_tally(void)
{
	return (&totals);
}

/*
 * Make a session: watch sees every change before the rule (NULL: none),
 * finished is called once it is over; arg is theirs.
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
 * Add an endpoint reading rfd and writing wfd (-1: none); the session owns
 * them unless EP_NOCLOSE.
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
 * Is ep a plain stream socket of our own, watched edge-triggered?  Its
 * reads and writes report EAGAIN to the loop.
 */
__shortrun int
ep_edge(const struct endpoint *ep)
{
	return ((ep->flags & (EP_OWN | EP_DGRAM)) == EP_OWN &&
	    ep->ops == NULL && ep->hook == NULL && ep->rfd == ep->wfd);
}

/*
 * socat's -b: ch reads at most n bytes at a time through a buffer of its
 * own, room made for its rewrite (set before), and never splices.  Call
 * before the session starts.
 */
void
channel_block(struct channel *ch, u_int n)
{
	ch->bufsize = n * channel_xgrow(ch);
	ch->flags = (ch->flags | CH_COPY | CH_BLOCK) & ~CH_LAZY;
}

/* Something moved in s: its idle time starts again. */
__shortrun void
session_touch(struct session *s)
{
	if (s->clock != NULL)
		s->clock->last_active = ev_now();
}

/* Add a channel from src to dst. */
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
 * Once ch ends, the other ways have grace_ms to end (socat's -t, -q after
 * stdin's end), then the session is over; TIME_NONE: none.  Call before
 * the session starts.  Returns -1 with errno.
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

/* s's clock, made on first need; NULL if it cannot be. */
static struct session_clock *
session_clock(struct session *s)
{
	if (s->clock != NULL)
		return (s->clock);
	if ((s->clock = calloc(1, sizeof(*s->clock))) == NULL)
		log_warn("session timer");
	else
		ev_timer_init(&s->clock->timer, session_clock_cb, s);
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

/* ch ended: its grace starts, unless an earlier one runs. */
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

/* Has ch's source data or its end ready for a read that will not wait? */
static int
channel_source_ready(struct channel *ch)
{
	return (ep_pending(ch->src) ||
	    (ch->src->rfd != -1 && ev_ready(ch->src->rfd)));
}

/*
 * ch's last round, once: what its source has ready now is read and will be
 * delivered, whatever order the loop took this round's events in.
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
 * Does ch read on to the peer's answer to the end final said to ch's
 * source (ep_ops' await_end: a TLS client's close_notify), within final's
 * grace?  Without a grace nothing would bound the wait: no.
 */
static int
channel_awaits_end(struct channel *ch, const struct channel *final)
{
	struct endpoint	*ep = ch->src;

	return ((final->flags & CH_GRACE) && final->state == CH_DONE &&
	    final->dst == ep && EP_OPS_HAS(ep, await_end) &&
	    ep->ops->await_end(ep));
}

/*
 * final (CH_FINAL) ended: every other way takes its last round, as nc
 * reads no more once its client has finished; but a way that awaits the
 * answer to final's end reads on to it (channel_awaits_end()).
 */
static void
session_last_round(struct session *s, struct channel *final)
{
	struct channel	*ch;

	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch != final && !(ch->flags & CH_LAST) &&
		    ch->state == CH_OPEN && !channel_awaits_end(ch, final))
			channel_last_round(ch);
	}
}

/*
 * ep's peer, its sending ended, is gone (a reset) while ep's writer had
 * nothing to write: the writer takes its last round and fails as a write
 * would, losing what it holds; with nothing given, it ends quietly.
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
 * of a session").  Returns why (enum session_why), or SE_NONE.  In order:
 *   - a way failed under SS_FAILFAST, or a CH_FINAL_NOW way ended: over,
 *     the others' bytes dropped;
 *   - a CH_FINAL way ended: the others take their last round, over once
 *     each has delivered (or ended); one that awaits the answer to the
 *     end the CH_FINAL way said reads on to it, within its grace;
 *   - every way ended: over;
 *   - a CH_GRACE way ended: the grace starts (session_clock_cb()).
 * A session with no channel is ended by its mode.
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
 * Run the mode's watch, then the rule, and finish s if it is over.  The
 * pump runs it after every change; a mode calls it after a change outside
 * the pump (a child exited).  Not reentrant: a nested call does nothing.
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
 * Choose how each channel moves bytes, start watching, run the rule once.
 * Buffers are taken at the first read.
 */
__shortrun void
session_start(struct session *s)
{
	struct channel	*ch;
	struct endpoint	*ep;

	if (totals.started == 0)
		totals.started = ev_now();
	s->started = ev_now();
	TAILQ_FOREACH(ch, &s->channels, entry) {
		/*
		 * A datagram is read whole, or its rest is lost: a rewrite's
		 * room comes on top of its buffer, unless -b cuts it.
		 */
		if ((ch->src->flags & EP_DGRAM) && !(ch->flags & CH_BLOCK))
			ch->bufsize *= channel_xgrow(ch);
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
	TAILQ_FOREACH(ep, &s->endpoints, entry) {
		if (ep_net_dgram(ep))
			totals.dgrams = 1;
		ep_update(ep);
	}
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
}

/*
 * End s after idle_ms without data moving, from session_start() or now if
 * running; TIME_NONE: never.
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

/* s's clock is due: its grace ran out, or it was idle. */
static void
session_clock_cb(void *arg)
{
	struct session	*s = arg;
	uint64_t	 now = ev_now();

	if (s->clock->grace_at != 0 && now >= s->clock->grace_at)
		s->why = SE_GRACE;
	else if (s->idle_ms != TIME_NONE &&
	    now >= s->clock->last_active + (uint64_t)s->idle_ms)
		s->why = SE_IDLE;
	else {
		session_clock_set(s);
		return;
	}
	session_finish(s);
}

/*
 * s ended by time with bytes undelivered: each way holding some fails as a
 * timed-out write, so the mode reports the loss.
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
 * Mark s over, stop watching its descriptors and tell its mode, which may
 * free s from that callback.
 */
__shortrun void
session_finish(struct session *s)
{
	struct endpoint	*ep;
	struct channel	*ch;
	void		(*unwatch)(int);

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
		/* Its mode most often closes it at once (ev_park()). */
		unwatch = (ep->flags & EP_OWN) ? ev_park : ev_del;
		if (ep->rfd != -1)
			unwatch(ep->rfd);
		if (ep->wfd != -1)
			unwatch(ep->wfd);
		ep->revents = ep->wevents = 0;
	}
	if (s->finished != NULL)
		s->finished(s);
}

/* The words for error from ep's read or write: ep_ops' why, else strerror(). */
const char *
ep_strerror(struct endpoint *ep, int error)
{
	const char	*why = NULL;

	if (ep != NULL && EP_OPS_HAS(ep, why))
		why = ep->ops->why(ep, error);
	return (why != NULL ? why : strerror(error));
}

/*
 * Say each channel's read or write error, one line each.  Returns 1 if
 * any, else 0 (an exit status).  A stdout reader gone ("| head") is none,
 * as in nc, nor an EP_COOL endpoint's (a notice with -v).
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
 * Did ep's session end in order with all for ep delivered?  Says whether
 * an end message of its own (TLS close_notify, WebSocket close) is due
 * (EP_WHOLE, read by its free operation).
 */
static int
ep_ended_whole(const struct endpoint *ep)
{
	const struct session	*s = ep->session;
	const struct channel	*ch = ep->writer;

	if (!s->over || s->why == SE_FAILED)
		return (0);
	return (ch == NULL || (ch->state != CH_FAILED &&
	    ch->error_op == NULL && !channel_holds(ch)));
}

/*
 * Was ch cut short: failed, left bytes undelivered, or left a regular file
 * source unread to its end?  A pipe or terminal is never counted.
 */
int
channel_cut(const struct channel *ch)
{
	struct stat	 st;
	off_t		 at;

	if (ch->error_op != NULL || (ch->flags & CH_DROPPED) ||
	    channel_holds(ch))
		return (1);
	/* A source closed (-1) is not one: its fstat(2) fails. */
	if (ch->state == CH_DONE || fstat(ch->src->rfd, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return (0);
	at = lseek(ch->src->rfd, 0, SEEK_CUR);
	return (at == -1 || at < st.st_size);
}

/* Make the close of ep's socket a reset (RST). */
void
ep_reset(struct endpoint *ep)
{
	net_reset_at_close(ep->wfd);
	ep->flags &= ~EP_LINGER;
}

/* Free s, closing every descriptor its endpoints own. */
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
		}
		buf_free(&ch->buf);
		free(ch->pace);
		free(ch->taps);
		free(ch);
	}
	while ((ep = TAILQ_FIRST(&s->endpoints)) != NULL) {
		TAILQ_REMOVE(&s->endpoints, ep, entry);
		if (EP_HOOK_HAS(ep, leave))
			(*ep->hook)->leave(ep);
		if (EP_OPS_HAS(ep, free))
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
				else if (!(ep->flags & EP_LINGER) ||
				    ep->wfd != ep->rfd)
					close(ep->rfd);
				else if (ep->flags & EP_HANGUP)
					sock_linger_reset(ep->rfd);
				else
					sock_linger(ep->rfd);
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
