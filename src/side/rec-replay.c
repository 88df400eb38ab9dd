/*
 * replay: a side that plays one party of a --record file with its timing,
 * checking what the other party sends when it plays the client.  Its
 * endpoint reads a pipe its timers write to (beside a datagram socket, a
 * socket of packets: a chunk each).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "side.h"

/* How much of the bytes a difference quotes. */
#define REPLAY_QUOTE	24

struct replay {
	struct record		 rec;
	enum record_who		 plays;	/* whose chunks are sent */
	double			 speed;
	int			 check;	/* what comes is compared */
	int			 out;	/* the pipe's end written, or -1 */
	size_t			 k;	/* the next chunk */
	size_t			 woff;	/* of it, in the pipe already */
	uint64_t		 anchor; /* ev_now() of the last step */
	uint64_t		 anchor_ms; /* its time in the recording */
	unsigned long		 heard;	/* writes of the other party */
	unsigned long		 heard_seen; /* at the last step */
	int			 peer_ended;
	size_t			 ck;	/* the other's chunk compared next */
	size_t			 coff;	/* its byte */
	struct ev_timer		 timer;
	char			 why[256];
};

/*
 * Read sd's recording into r->rec, at start and again for each session.
 * Returns -1 with *cause set.
 */
static int
replay_load(struct replay *r, const struct side *sd, char **cause)
{
	struct stat	 st;
	char		*text;
	size_t		 len;
	int		 rv;

	/*
	 * A pipe would be played once, and a named pipe put in its place
	 * since the start would hold up every session in open(2).
	 */
	if (stat(sd->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		log_cause(cause, "%s: not a regular file: a recording is read "
		    "again for each session", sd->path);
		return (-1);
	}
	if ((text = path_read(sd->path, RECORD_FILE_MAX, &len)) == NULL) {
		log_cause(cause, "%s: %s", sd->path, errno == EFBIG ?
		    "longer than a recording may be" : strerror(errno));
		return (-1);
	}
	if ((rv = record_parse(&r->rec, text, len)) == -1) {
		log_cause(cause, "%s: %s", sd->path, r->rec.why);
		record_free(&r->rec);
	}
	free(text);
	return (rv);
}

/* Check sd's recording and options at start.  Returns -1 with *cause. */
int
replay_check(const struct side *sd, char **cause)
{
	struct replay	 r;

	memset(&r, 0, sizeof(r));
	*cause = NULL;
	if (replay_load(&r, sd, cause) == -1)
		return (-1);
	record_free(&r.rec);
	return (0);
}

static void	replay_run(void *);

/* The pipe (or socket) has room again for what is played. */
static void
replay_out_cb(__unused int fd, __unused int events, void *arg)
{
	ev_del(((struct replay *)arg)->out);
	replay_run(arg);
}

/* Everything is played: the pipe's end is the side's end. */
static void
replay_done(struct replay *r)
{
	if (r->out != -1) {
		ev_del(r->out);
		close(r->out);
		r->out = -1;
	}
}

/*
 * Play the chunks of replay r that are due, each at its recorded gap
 * (divided by the speed) after the other party's step; also its timer's.
 */
static void
replay_run(void *arg)
{
	struct replay		*r = arg;
	const struct record_chunk *c;
	uint64_t	 now = ev_now(), due;
	ssize_t		 w;

	while (r->out != -1 && r->k < r->rec.n) {
		c = &r->rec.c[r->k];
		if (c->who != r->plays) {
			if (r->heard == r->heard_seen && !r->peer_ended)
				return;
			while (r->k < r->rec.n && r->rec.c[r->k].who !=
			    r->plays)
				r->anchor_ms = r->rec.c[r->k++].ms;
			r->anchor = now;
			r->heard_seen = r->heard;
			continue;
		}
		due = r->anchor + (uint64_t)((c->ms - r->anchor_ms) /
		    r->speed);
		if (now < due) {
			ev_timer_arm(&r->timer, due - now);
			return;
		}
		if ((w = write(r->out, r->rec.data + c->off + r->woff,
		    c->len - r->woff)) == -1) {
			if (errno == EAGAIN) {
				ev_set(r->out, EV_WRITE, replay_out_cb, r);
				return;
			}
			/* The reader is gone: nothing more to play. */
			replay_done(r);
			return;
		}
		if ((r->woff += w) < c->len)
			continue;
		r->woff = 0;
		r->anchor = due;
		r->anchor_ms = c->ms;
		r->k++;
	}
	if (r->k == r->rec.n)
		replay_done(r);
}

/* The next chunk of the other party's, from ck on, or NULL. */
static const struct record_chunk *
replay_other(struct replay *r)
{
	while (r->ck < r->rec.n && r->rec.c[r->ck].who == r->plays)
		r->ck++;
	return (r->ck < r->rec.n ? &r->rec.c[r->ck] : NULL);
}

/* Say where p's n bytes differ from the recording.  Returns -1 (EBADMSG). */
static int
replay_differs(struct replay *r, const unsigned char *p, size_t n)
{
	const struct record_chunk *c = replay_other(r);
	char		 got[LOG_ESCAPED(REPLAY_QUOTE)];
	char		 want[LOG_ESCAPED(REPLAY_QUOTE)];

	log_escape(got, sizeof(got), p, n < REPLAY_QUOTE ? n : REPLAY_QUOTE);
	if (c == NULL)
		snprintf(r->why, sizeof(r->why), "after its last line, the "
		    "peer sent \"%s\"", got);
	else {
		log_escape(want, sizeof(want), r->rec.data + c->off + r->coff,
		    c->len - r->coff < REPLAY_QUOTE ? c->len - r->coff :
		    REPLAY_QUOTE);
		if (n == 0)
			snprintf(r->why, sizeof(r->why), "line %zu, byte %zu: "
			    "the peer ended where the recording has \"%s\"",
			    c->line, r->coff + 1, want);
		else
			snprintf(r->why, sizeof(r->why), "line %zu, byte %zu: "
			    "the peer sent \"%s\" where the recording has "
			    "\"%s\"", c->line, r->coff + 1, got, want);
	}
	/* Played on, it would answer what was not asked: it ends. */
	r->check = 0;
	replay_done(r);
	errno = EBADMSG;
	return (-1);
}

/* What the other party sends: a step, and checked when the replay checks. */
static ssize_t
replay_write(struct endpoint *ep, const void *buf, size_t n)
{
	struct replay		*r = ep->data;
	const struct record_chunk *c;
	const unsigned char	*p = buf;
	size_t			 i = 0, k;

	while (r->check && i < n) {
		if ((c = replay_other(r)) == NULL)
			return (replay_differs(r, p + i, n - i));
		for (k = 0; i + k < n && r->coff + k < c->len &&
		    p[i + k] == r->rec.data[c->off + r->coff + k]; k++)
			continue;
		if (i + k < n && r->coff + k < c->len) {
			r->coff += k;
			return (replay_differs(r, p + i + k, n - i - k));
		}
		i += k;
		if ((r->coff += k) == c->len) {
			r->ck++;
			r->coff = 0;
		}
	}
	r->heard++;
	replay_run(r);
	return (n);
}

/* The other party has ended: its end is a step, and checked. */
static int
replay_ended(struct endpoint *ep)
{
	struct replay	*r = ep->data;

	r->peer_ended = 1;
	replay_run(r);
	if (r->check && replay_other(r) != NULL)
		return (replay_differs(r, NULL, 0));
	return (0);
}

static const char *
replay_why(struct endpoint *ep, int error)
{
	struct replay	*r = ep->data;

	return (error == EBADMSG && r != NULL ? r->why : NULL);
}

static void
replay_free(struct endpoint *ep)
{
	struct replay	*r = ep->data;

	if (r == NULL)
		return;
	ev_timer_disarm(&r->timer);
	replay_done(r);
	record_free(&r->rec);
	free(r);
	ep->data = NULL;
}

static const struct ep_ops replay_ops = {
	.write = replay_write,
	.ended = replay_ended,
	.why = replay_why,
	.free = replay_free,
};

/* Open the replay side sd into e of s.  Returns -1 with *cause set. */
int
replay_open(const struct side *sd, struct session *s,
    const struct end_how *how, struct end *e, char **cause)
{
	struct replay	*r;
	struct endpoint	*ep;
	int		 p[2] = { -1, -1 }, null = -1;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	if (replay_load(r, sd, cause) == -1) {
		free(r);
		return (-1);
	}
	r->plays = sd->replay_plays;
	SIDE_TAKEN(replay_plays);
	/* Its times are RECORD_MS_MAX at most: the waits cannot overflow. */
	DEBUG_CHECK(sd->replay_speed >= RECORD_SPEED_MIN &&
	    sd->replay_speed <= RECORD_SPEED_MAX,
	    "a replay's speed not checked by opt_replay_setup()");
	r->speed = sd->replay_speed;
	r->check = r->plays == RECORD_CLIENT;
	r->out = -1;
	ev_timer_init(&r->timer, replay_run, r);
	/*
	 * Beside a datagram socket each chunk is one datagram: a pipe would
	 * run them together, a socket of packets keeps each whole (its end
	 * an empty read).
	 */
	if ((how->rd && (how->msgs ? socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC | SOCK_NONBLOCK, 0, p) : pipe2(p, O_CLOEXEC |
	    O_NONBLOCK)) == -1) ||
	    (how->wr && (null = open(_PATH_DEVNULL, O_WRONLY | O_CLOEXEC)) ==
	    -1) || (ep = session_endpoint(s, sd->text, p[0], null,
	    EP_SHUT_CLOSE, how->msgs ? EP_DGRAM | EP_NULL_EOF : 0)) == NULL) {
		log_cause(cause, "%s: %s", sd->text, strerror(errno));
		if (p[0] != -1) {
			close(p[0]);
			close(p[1]);
		}
		net_close(&null);
		record_free(&r->rec);
		free(r);
		return (-1);
	}
	r->out = p[1];
	ep->ops = &replay_ops;
	ep->data = r;
	e->rd = how->rd ? ep : NULL;
	e->wr = how->wr ? ep : NULL;
	e->is = END_REPLAY;
	r->anchor = ev_now();
	if (r->out != -1)
		ev_timer_arm(&r->timer, 0);
	return (0);
}
