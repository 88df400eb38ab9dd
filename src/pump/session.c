/*
 * The pump's sessions: the endpoints and channels of one connection,
 * made, started, watched for idleness, finished, reported on and freed,
 * and the totals of every session.
 *
 * A mode builds a session, gives it the policy that says when it is over
 * (check) and what to do then (finished), and starts it; from then on
 * the pump's core moves its bytes and runs the policy after every change.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"
#include "pump-int.h"

static void	session_idle_cb(void *);

static struct pump_totals	totals;

/* The bytes every session has moved to and from the network so far. */
const struct pump_totals *
pump_totals(void)
{
	return (&totals);
}

/* The same totals, for the pump's own files to count in. */
struct pump_totals *
pump_tally(void)
{
	return (&totals);
}

/* Make a session with its policy (check), its end (finished) and arg. */
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

/*
 * Is ep a plain stream socket of the process's own, which the loop
 * watches edge-triggered (EV_EDGE)?  Its reads and writes say when they
 * would block (ep_read(), ep_write(), the fast path), so a change of what
 * the pump waits for costs no system call.
 */
int
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
void
session_touch(struct session *s)
{
	if (s->idle_ms != TIME_NONE)
		s->last_active = ev_now();
}

/* Add a channel moving bytes from src to dst. */
struct channel *
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
	ch->session = s;
	src->reader = ch;
	dst->writer = ch;
	TAILQ_INSERT_TAIL(&s->channels, ch, entry);
	return (ch);
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

static void	session_idle_stop(struct session *);

/*
 * End the session after idle_ms without any data moving, counted from
 * session_start(), or from now when the session runs already; TIME_NONE:
 * never (a timer armed is stopped).
 */
void
session_set_idle(struct session *s, long long idle_ms)
{
	s->idle_ms = idle_ms;
	if (idle_ms == TIME_NONE)
		session_idle_stop(s);
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
