/*
 * A session run by a script (--expect, --send, --script): the peer's bytes
 * matched in a tap, the script's sent in stdin's place (held meanwhile),
 * the steps driven by the loop's timers.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pump.h"

/*
 * The most bytes kept of what came since the last match: when full, its
 * older half is dropped, so that keeping a byte costs the same however
 * slowly bytes come.
 */
#define EXPECT_WINDOW		65536

/*
 * Without lines, how far before the bytes that came a match may start:
 * the most its pattern can match, or this many when more or any.
 */
#define EXPECT_REACH		4096

/* How much of what came a failure quotes: its end. */
#define EXPECT_QUOTE		120

struct expect {
	const struct script	*sc;
	struct session		*s;
	struct channel		*rx;	/* from the peer: matched */
	struct channel		*tx;	/* to it: what the script sends */
	size_t			 step;	/* the next to run */
	int			 lines;	/* whole lines matched, one by one */
	int			 running; /* expect_step() runs: not again */
	int			 waiting; /* an expect's time runs */
	int			 failed; /* said; the session is over */
	int			 done;	/* the script has no step left */
	int			 handed; /* stdin has the way back (interact) */
	int			 shut;	/* tx's CH_SHUTDOWN, as the mode set it */
	long long		 timeout_ms; /* each expect's */
	long long		 idle_ms; /* the session's, given back at the end */
	struct ev_timer		 timer;	/* an expect's time, a sleep */
	unsigned char		*win;	/* what came since the last match */
	size_t			 len;
	size_t			 tested; /* lines: the first line not tried */
	size_t			 seen;	/* looked at: searched for a line's
					   end, or tried (no lines) */
	int			 midline; /* win starts after a line's start */
	int			 rest;	/* lines: win starts with the rest of
					   a line a prompt's match took */
	char			*subject; /* the last match's text, for \1 */
	regmatch_t		 m[SCRIPT_GROUPS];
	int			 matched; /* m and subject hold a match */
	unsigned char		*out;	/* a text waiting for room in tx */
	size_t			 outlen;
};

/* A time as the failure says it: "10 s", "1.5 s", "250 ms". */
static void
expect_time(char *buf, size_t len, long long ms)
{
	if (ms < 1000)
		snprintf(buf, len, "%lld ms", ms);
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%lld s", ms / 1000);
	else
		snprintf(buf, len, "%.3g s", ms / 1000.0);
}

/*
 * The current expect failed: say so in one line with the last line that
 * came, and end the session (expect_watch()).
 */
static void
expect_fail(struct expect *ex, int ended)
{
	const struct script_step *st = &ex->sc->steps[ex->step];
	char		 t[32], q[LOG_ESCAPED(EXPECT_QUOTE) + 8];
	size_t		 n = ex->len, from = 0;
	int		 cut;

	while (n > 0 && (ex->win[n - 1] == '\n' || ex->win[n - 1] == '\r'))
		n--;
	for (from = n; from > 0 && ex->win[from - 1] != '\n'; from--)
		continue;
	if (n - from > EXPECT_QUOTE)
		from = n - EXPECT_QUOTE;
	expect_time(t, sizeof(t), ex->timeout_ms);
	if (n == 0)
		snprintf(q, sizeof(q), "nothing");
	else {
		cut = from > 0 ? ex->win[from - 1] != '\n' : ex->midline;
		strlcpy(q, cut ? "\"..." : "\"", sizeof(q));
		log_escape(q + strlen(q), sizeof(q) - strlen(q) - 1,
		    ex->win + from, n - from);
		strlcat(q, "\"", sizeof(q));
	}
	log_warnx("expected /%s/ within %s, got %s%s", st->arg, t, q,
	    ended ? " and the end" : "");
	ex->failed = 1;
	ev_timer_disarm(&ex->timer);
}

#ifdef SC_DEBUG
/* The bytes expect_exec() gave regexec() and lines were looked for in. */
static unsigned long	 expect_looked;

unsigned long
expect_looked_count(void)
{
	return (expect_looked);
}
#define EXPECT_LOOKED(n)	(expect_looked += (n))
#else
#define EXPECT_LOOKED(n)	((void)0)
#endif

/*
 * regexec() re over win[from, to) with the bytes around it as context
 * (REG_STARTEND: NUL bytes allowed, offsets win's).  Returns regexec()'s.
 */
static int
expect_exec(struct expect *ex, const regex_t *re, size_t from, size_t to,
    regmatch_t *m, int eflags)
{
	EXPECT_LOOKED(to - from);
	m[0].rm_so = from;
	m[0].rm_eo = to;
	return (regexec(re, (const char *)ex->win, SCRIPT_GROUPS, m,
	    eflags | REG_STARTEND));
}

/*
 * The line after those tested: *end after its LF, *n its length without
 * the line end; final: an unended line counts.  Returns 0 if none waits.
 */
static int
expect_line(struct expect *ex, int final, size_t *end, size_t *n)
{
	size_t		 at = ex->tested, from;
	unsigned char	*nl;

	from = ex->seen > at ? ex->seen : at;
	EXPECT_LOOKED(ex->len - from);
	nl = memchr(ex->win + from, '\n', ex->len - from);
	ex->seen = nl != NULL ? (size_t)(nl - ex->win) : ex->len;
	if (nl == NULL && (!final || at == ex->len))
		return (0);
	*end = nl != NULL ? (size_t)(nl - ex->win) + 1 : ex->len;
	*n = *end - at;
	if (*n > 0 && ex->win[at + *n - 1] == '\n')
		(*n)--;
	if (*n > 0 && ex->win[at + *n - 1] == '\r')
		(*n)--;
	return (1);
}

/*
 * Match m ends the current expect; what came up to end is dropped, the
 * groups kept.  Returns -1 with errno.
 */
static int
expect_matched(struct expect *ex, regmatch_t *m, size_t end)
{
	size_t	 so = m[0].rm_so, n = m[0].rm_eo - m[0].rm_so;
	int	 i;

	free(ex->subject);
	if ((ex->subject = malloc(n + 1)) == NULL)
		return (-1);
	memcpy(ex->subject, ex->win + so, n);
	ex->subject[n] = '\0';
	for (i = 0; i < SCRIPT_GROUPS; i++) {
		ex->m[i] = m[i];
		if (m[i].rm_so != -1) {
			ex->m[i].rm_so -= so;
			ex->m[i].rm_eo -= so;
		}
	}
	ex->matched = 1;
	/* What follows a match is a line's start, or not. */
	if (!ex->lines && end > 0)
		ex->midline = ex->win[end - 1] != '\n';
	ex->rest = ex->lines && end > 0 && ex->win[end - 1] != '\n';
	memmove(ex->win, ex->win + end, ex->len - end);
	ex->len -= end;
	ex->win[ex->len] = '\0';
	ex->tested = ex->seen = 0;
	return (1);
}

/*
 * Try the current pattern on what came untried: each whole line (lines),
 * else from EXPECT_REACH before; final: the peer ended, so an unended line
 * counts.  Returns 1 on a match, -1 with errno.
 */
static int
expect_match(struct expect *ex, int final)
{
	const struct script_step *st = &ex->sc->steps[ex->step];
	regmatch_t	 m[SCRIPT_GROUPS];
	size_t		 end, n, back, from, old;
	int		 notbol;

	DEBUG_CHECK(st->re != NULL, "expect: a pattern not compiled "
	    "(script_compile())");
	ex->matched = 0;
	back = st->reach < EXPECT_REACH ? st->reach : EXPECT_REACH;
	if (!ex->lines) {
		from = ex->seen > back ? ex->seen - back : 0;
		ex->seen = ex->len;
		notbol = from > 0 ? ex->win[from - 1] != '\n' : ex->midline;
	} else {
		old = ex->seen;
		while (expect_line(ex, final, &end, &n)) {
			notbol = ex->tested == 0 && ex->rest;
			if (expect_exec(ex, st->re, ex->tested, ex->tested + n,
			    m, notbol ? REG_NOTBOL : 0) == 0)
				return (expect_matched(ex, m, end));
			ex->tested = end;
		}
		/*
		 * A short line not ended (a prompt) is tried as it stands,
		 * as expect(1) tries what came: from as far before what is
		 * new as a match can start.
		 */
		if (ex->tested == ex->len ||
		    ex->len - ex->tested > EXPECT_REACH)
			return (0);
		from = old > ex->tested + back ? old - back : ex->tested;
		notbol = from > ex->tested || (ex->tested == 0 && ex->rest);
	}
	if (expect_exec(ex, st->re, from, ex->len, m,
	    notbol ? REG_NOTBOL : 0) != 0)
		return (0);
	return (expect_matched(ex, m, m[0].rm_eo));
}

/* Keep n bytes that came; a full window keeps its latest half. */
static void
expect_keep(struct expect *ex, const unsigned char *p, size_t n)
{
	size_t	 drop, keep = EXPECT_WINDOW / 2;
	int	 cut = n > keep;

	if (ex->len + n > EXPECT_WINDOW) {
		if (cut) {
			p += n - keep;
			n = keep;
		}
		drop = ex->len + n - keep;
		ex->midline = (cut ? p[-1] : ex->win[drop - 1]) != '\n';
		ex->rest = 0;
		memmove(ex->win, ex->win + drop, ex->len - drop);
		ex->len -= drop;
		ex->tested = ex->tested > drop ? ex->tested - drop : 0;
		ex->seen = ex->seen > drop ? ex->seen - drop : 0;
	}
	memcpy(ex->win + ex->len, p, n);
	ex->len += n;
	ex->win[ex->len] = '\0';
}

/*
 * The script is over: stdin is the session's again (interact), or our
 * sending ends as stdin's would; idle time runs again.
 */
static void
expect_done(struct expect *ex, int interact)
{
	ex->done = 1;
	ev_timer_disarm(&ex->timer);
	session_set_idle(ex->s, ex->idle_ms);
	if (interact) {
		ex->handed = 1;
		if (!ex->shut)
			ex->tx->flags &= ~CH_SHUTDOWN;
		channel_hold(ex->tx, 0);
	} else
		channel_end_source(ex->tx);
}

/*
 * Send the waiting text into tx as far as it has room; the rest waits for
 * expect_sent().  Returns 1 when all went, 0 when some waits, -1 when tx
 * no longer sends (said).
 */
static int
expect_flush(struct expect *ex)
{
	size_t	 room;

	while (ex->outlen > 0) {
		room = ex->tx->bufsize - channel_pending(ex->tx);
		if (room == 0)
			return (0);
		if (room > ex->outlen)
			room = ex->outlen;
		if (channel_inject(ex->tx, ex->out, room) == -1) {
			if (errno == ENOBUFS)
				return (0);
			log_warnx("send: the way to %s is closed",
			    ex->tx->dst->name);
			ex->failed = 1;
			return (-1);
		}
		memmove(ex->out, ex->out + room, ex->outlen - room);
		ex->outlen -= room;
	}
	return (1);
}

/* Run the steps from the current one until one waits. */
static void
expect_step(struct expect *ex)
{
	const struct script_step *st;
	const char	*why;
	ssize_t		 n;
	int		 r;

	if (ex->running || ex->failed || ex->done)
		return;
	ex->running = 1;
	while (!ex->failed && ex->step < ex->sc->n) {
		/* No step runs before the text sent last has all gone. */
		if (ex->outlen > 0 && expect_flush(ex) != 1)
			break;
		if (ev_timer_armed(&ex->timer) && !ex->waiting)
			break;	/* asleep */
		st = &ex->sc->steps[ex->step];
		if (st->op == SCRIPT_EXPECT) {
			if ((r = expect_match(ex, channel_ended(ex->rx))) ==
			    -1) {
				log_warn("expect");
				ex->failed = 1;
				break;
			}
			if (r == 0) {
				if (channel_ended(ex->rx))
					expect_fail(ex, 1);
				else if (!ex->waiting && ex->timeout_ms >= 0) {
					ex->waiting = 1;
					ev_timer_arm(&ex->timer,
					    ex->timeout_ms);
				}
				break;
			}
			ex->waiting = 0;
			ev_timer_disarm(&ex->timer);
		} else if (st->op == SCRIPT_SEND) {
			n = script_text(st->arg, ex->matched ? ex->subject :
			    NULL, ex->matched ? ex->m : NULL, ex->out,
			    SCRIPT_SEND_MAX, &why);
			if (n == -1) {
				log_warnx("send: %s", why);
				ex->failed = 1;
				break;
			}
			ex->outlen = n;
		} else if (st->op == SCRIPT_SLEEP) {
			ex->step++;
			ev_timer_arm(&ex->timer, st->ms);
			continue;
		} else if (st->op == SCRIPT_TIMEOUT)
			ex->timeout_ms = st->ms;
		else if (st->op == SCRIPT_CLOSE)
			channel_end_source(ex->tx);
		else if (st->op == SCRIPT_INTERACT) {
			ex->step++;
			expect_done(ex, 1);
			break;
		}
		ex->step++;
	}
	if (!ex->failed && !ex->done && ex->step == ex->sc->n &&
	    !ev_timer_armed(&ex->timer) && (ex->outlen == 0 ||
	    expect_flush(ex) == 1))
		expect_done(ex, ex->sc->n > 0 &&
		    ex->sc->steps[ex->sc->n - 1].op == SCRIPT_INTERACT);
	ex->running = 0;
}

/* Tap: what the peer sent was delivered; match it. */
static void
expect_received(struct channel *ch, const unsigned char *p, size_t n,
    void *arg)
{
	struct expect	*ex = arg;

	if (ex->failed || ex->done)
		return;
	expect_keep(ex, p, n);
	/* A message (a datagram, a WebSocket's) is a line of its own. */
	if (ex->lines && (ch->src->flags & EP_DGRAM) && (ex->len == 0 ||
	    ex->win[ex->len - 1] != '\n'))
		expect_keep(ex, (const unsigned char *)"\n", 1);
	expect_step(ex);
}

/* Tap: the script's text was delivered; send more. */
static void
expect_sent(__unused struct channel *ch, __unused const unsigned char *p,
    __unused size_t n, void *arg)
{
	struct expect	*ex = arg;

	if (ex->outlen > 0)
		expect_step(ex);
}

/* An expect timed out, or a sleep is over. */
static void
expect_timer_cb(void *arg)
{
	struct expect	*ex = arg;

	if (ex->waiting)
		expect_fail(ex, 0);
	else
		expect_step(ex);
	session_check(ex->s);
}

/*
 * Run script sc in session s: rx from the peer, tx to it (its source,
 * stdin, held until an interact step).  lines: match whole lines.
 * timeout_ms: each expect's time (-1: none).  Call before the session
 * starts; its idle time waits for the script.  Returns NULL with errno.
 */
struct expect *
expect_attach(struct session *s, struct channel *rx, struct channel *tx,
    const struct script *sc, int lines, long long timeout_ms)
{
	struct expect	*ex;

	if ((ex = calloc(1, sizeof(*ex))) == NULL)
		return (NULL);
	/* One more for a NUL after what came: regexec() sees a string. */
	if ((ex->win = calloc(1, EXPECT_WINDOW + 1)) == NULL ||
	    (ex->out = malloc(SCRIPT_SEND_MAX)) == NULL ||
	    channel_tap(rx, expect_received, ex) == -1)
		goto fail;
	if (channel_tap(tx, expect_sent, ex) == -1) {
		/* rx's tap, just added, would outlive its argument. */
		rx->ntaps--;
		goto fail;
	}
	ex->sc = sc;
	ex->s = s;
	ex->rx = rx;
	ex->tx = tx;
	ex->lines = lines;
	ex->timeout_ms = timeout_ms;
	ex->idle_ms = s->idle_ms;
	ex->shut = (tx->flags & CH_SHUTDOWN) != 0;
	ev_timer_init(&ex->timer, expect_timer_cb, ex);
	session_set_idle(s, TIME_NONE);
	/* What comes is matched when stdout's reader has gone too. */
	rx->dst->flags |= EP_DROP_GONE;
	/* What the script sends is said to end, and never spliced. */
	tx->flags = (tx->flags | CH_SHUTDOWN | CH_COPY) & ~CH_LAZY;
	channel_hold(tx, 1);
	return (ex);

fail:
	expect_free(ex);
	return (NULL);
}

/* Run the script's first steps, once its session has started. */
void
expect_start(struct expect *ex)
{
	expect_step(ex);
}

/*
 * The mode's watch: SESSION_END once the script has failed (said, also an
 * expect the peer's end left unmatched), else SESSION_RULE.
 */
int
expect_watch(struct expect *ex)
{
	if (!ex->failed && !ex->done && channel_ended(ex->rx))
		expect_step(ex);
	return (ex->failed ? SESSION_END : SESSION_RULE);
}

/* Did the script fail (mode's status 1)?  NULL: no script. */
int
expect_failed(const struct expect *ex)
{
	return (ex != NULL && ex->failed);
}

/* Is the way to the peer still the script's, not stdin's?  NULL: no. */
int
expect_owns(const struct expect *ex)
{
	return (ex != NULL && !ex->handed);
}

/* Free ex, with its session or before. */
void
expect_free(struct expect *ex)
{
	if (ex == NULL)
		return;
	ev_timer_disarm(&ex->timer);
	free(ex->win);
	free(ex->out);
	free(ex->subject);
	free(ex);
}
