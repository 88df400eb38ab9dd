/*
 * The one relay: two opened sides (struct end) joined in one session, its
 * ways, what flows on them, and what ends it (join_declare_end()).  Modes
 * with a handler of their own (broker, room, chat, proxy) make their own.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"

/* Make jn's session (see struct session).  -1 with errno, jn->s NULL. */
__shortrun int
join_new(struct join *jn, int (*watch)(struct session *),
    void (*finished)(struct session *), void *arg)
{
	memset(jn, 0, sizeof(*jn));
	jn->end[0].slave = jn->end[1].slave = -1;
	if ((jn->s = session_new(watch, finished, arg)) == NULL)
		return (-1);
	return (0);
}

/*
 * netcat's end for a connection (end[0]) with stdin and stdout: both ways;
 * a listener or WebSocket once the client stops sending; -q, --raw,
 * --half-close, socat's -t as doc/design.md "The end of a session" says.
 * Returns -1 with errno.
 */
static int
join_declare_nc(struct join *jn, const struct join_how *how)
{
	const struct side	*sd = how->far;
	const struct flow	*f = how->flow;
	struct channel		*rx = jn->way[0], *tx = jn->way[1];
	long long		 ms;
	int			 dgram = sd->sock.socktype == SOCK_DGRAM;
	int			 wsclient = sd->ws.path != NULL && !sd->listen;

	FLOW_TAKEN(quit_ms);
	FLOW_TAKEN(deadline_ms);
	FLOW_TAKEN(half_close);
	FLOW_TAKEN(send_only);
	/* A datagram socket never reads end-of-file: an error ends it. */
	if (dgram)
		jn->s->ends |= SS_FAILFAST;
	/* --raw: the remote terminal's end is the session's, at once. */
	if (how->raw)
		rx->flags |= CH_FINAL_NOW;
	/* --fifo: stdin's end is the session's; the answers have -q's time. */
	if (how->fifo && tx != NULL) {
		tx->flags |= CH_FINAL;
		return (channel_grace(rx, time_sooner(f->deadline_ms,
		    how->quit_ms)));
	}
	if (tx != NULL) {
		ms = f->deadline_ms;
		/*
		 * A WebSocket client's -q: stdin's end sends no close (the
		 * peer would stop answering), so the answers have the quit
		 * timer's time.  Without it, the close, and its answer
		 * awaited for a while.
		 */
		if (wsclient) {
			ms = time_sooner(ms, how->quit_ms);
			if (!sd->reconnect && how->quit_ms == TIME_NONE &&
			    sd->ws.messages == 0)
				tx->flags |= CH_SHUTDOWN;
			if (tx->flags & CH_SHUTDOWN)
				ms = time_sooner(ms, WS_CLOSE_WAIT_MS);
		}
		if (channel_grace(tx, ms) == -1)
			return (-1);
		/* --send-only: what comes back does not matter. */
		if (f->send_only)
			tx->flags |= CH_FINAL;
	}
	/* socat's -t once the peer is done. */
	if (channel_grace(rx, f->far_quit_ms) == -1)
		return (-1);
	/* --half-close: each way to its own end. */
	if (f->half_close)
		return (0);
	/* A listener's client, or a WebSocket, done sending ends it; */
	if ((sd->listen || sd->ws.on) && !f->send_only)
		rx->flags |= CH_FINAL;
	/* and, with -q, beside a listener or datagram socket, stdin's end. */
	if ((sd->listen || dgram) && how->quit_ms != TIME_NONE && tx != NULL)
		tx->flags |= CH_FINAL;
	return (0);
}

/*
 * A datagram listener ends when stdout or the socket fails, or -q's time
 * after stdin's end.  Returns -1 with errno.
 */
static int
join_declare_dgram(struct join *jn, const struct join_how *how)
{
	const struct flow	*f = how->flow;

	FLOW_TAKEN(quit_ms);
	FLOW_TAKEN(deadline_ms);
	FLOW_TAKEN(half_close);
	jn->way[0]->flags |= CH_FINAL_NOW;
	if (f->half_close)
		return (0);
	if (f->quit_ms == 0 || f->deadline_ms == 0) {
		jn->way[1]->flags |= CH_FINAL;
		return (0);
	}
	return (channel_grace(jn->way[1], time_sooner(f->quit_ms,
	    f->deadline_ms)));
}

/*
 * Once either way ends, the other has ms to (socat's -t); TIME_NONE: as
 * long as it takes.  Returns -1 with errno.
 */
static int
join_grace(struct channel *out, struct channel *in, long long ms)
{
	if (out != NULL && channel_grace(out, ms) == -1)
		return (-1);
	return (in == NULL ? 0 : channel_grace(in, ms));
}

/*
 * Declare the session's end from what its sides are, for the one rule
 * (session.c, doc/design.md "The end of a session"): a line's hang-up at
 * once; two connections a failure at once, else both ways; socat's pairs
 * -t's time after one way; a program both ways or its output's end;
 * stdin and stdout netcat's (join_declare_nc()).  Returns -1 with errno.
 */
static int
join_declare_end(struct join *jn, const struct join_how *how)
{
	struct channel	*out = jn->way[0], *in = jn->way[1];
	int		 far = jn->end[0].is, near = jn->end[1].is;

	if ((far | near) & END_LINE) {
		/* The way out of the line, and the way into it. */
		if (!(far & END_LINE)) {
			out = jn->way[1];
			in = jn->way[0];
			near = far;
		}
		if (out != NULL)
			out->flags |= CH_FINAL_NOW;
		/* A connection with a line: a failure ends it (--forward). */
		if (near & END_NET)
			jn->s->ends |= SS_FAILFAST;
		if (in == NULL)
			return (0);
		if (!(near & (END_STDIO | END_NET))) {
			in->flags |= CH_FINAL_NOW;
			return (0);
		}
		/* stdin's end, and -q's time for the answers. */
		if (near & END_STDIO) {
			FLOW_TAKEN(quit_ms);
			if (how->flow->quit_ms > 0)
				return (channel_grace(in, how->flow->quit_ms));
		}
		in->flags |= CH_FINAL;
		return (0);
	}
	/* Two sides opened at once (join_run()): socat's. */
	if (how->far == NULL)
		return (join_grace(out, in, how->flow->quit_ms));
	if ((far & END_NET) && (near & END_NET)) {
		jn->s->ends |= SS_FAILFAST;
		if (how->rule == JOIN_NEAR_ENDS && in != NULL)
			in->flags |= CH_FINAL_NOW;
		if (how->rule == JOIN_DGRAM_TARGET && out != NULL)
			return (channel_grace(out, JOIN_DGRAM_LINGER_MS));
		return (0);
	}
	/*
	 * A program, or a recording played, which goes on to its end
	 * whatever its peer has finished saying: both ways; beside socat's
	 * program, the other way has -t's time once one has ended (the
	 * program is then left to run, as socat leaves its child).
	 */
	if (near & END_PROGRAM)
		return (join_grace(out, in, how->flow->program_quit_ms));
	if (near & END_REPLAY)
		return (0);
	if (how->rule == JOIN_DGRAM_LISTENER)
		return (join_declare_dgram(jn, how));
	if (how->rule == JOIN_CHAT) {
		out->flags |= CH_FINAL;
		in->flags |= CH_FINAL;
		return (0);
	}
	return (join_declare_nc(jn, how));
}

/*
 * The flow the command line starts from (opt_defaults()): nothing on the
 * bytes, nothing on their end.
 */
const struct flow join_flow_plain = {
	.quit_ms = TIME_NONE,
	.deadline_ms = TIME_NONE,
	.far_quit_ms = TIME_NONE,
	.program_quit_ms = TIME_NONE,
	.idle_ms = TIME_NONE,
};

/* The CH_SAY_EOF* of the end of sd read (NULL: none), or 0. */
static int
join_notice(const struct side *sd)
{
	if (sd == NULL || !sd->dialect->eof_notice || sd->addr_no == 0)
		return (0);
	return (sd->addr_no == 1 ? CH_SAY_EOF1 : CH_SAY_EOF2);
}

/* Would a join of j's connection touch the bytes or their end? */
int
join_rides(const struct job *j)
{
	struct flow	 f;

	/* Whole, as opt_defaults() copies join_flow_plain: its padding too. */
	memcpy(&f, j->flow, sizeof(f));
	f.fail_on_error = join_flow_plain.fail_on_error;
	return (memcmp(&f, &join_flow_plain, sizeof(f)) != 0 ||
	    j->run->dump != NULL || join_notice(j->side) != 0);
}

/* Add way i of jn from src to dst, if both have it.  Returns -1 with errno. */
static __shortrun int
join_way(struct join *jn, int i, struct endpoint *src, struct endpoint *dst,
    const struct join_how *how)
{
	const struct flow	*f = how->flow;
	const struct side	*sd;
	struct channel		*ch;
	int			 flags = how->flags[i];

	if (src == NULL || dst == NULL)
		return (0);
	/* --no-splice: every way copies through user space. */
	FLOW_TAKEN(no_splice);
	if (f->no_splice)
		flags = (flags & ~CH_LAZY) | CH_COPY;
	/* socat's notice of the end-of-file of its address read. */
	sd = jn->end[i].sd;
	if ((ch = session_channel(jn->s, how->name[i], src, dst,
	    flags | join_notice(sd))) == NULL)
		return (-1);
	jn->way[i] = ch;
	/*
	 * Pacing: -i after each line sent, --delay after each write; -W,
	 * the reads of what comes back.
	 */
	FLOW_TAKEN(interval_ms);
	FLOW_TAKEN(delay_ms);
	FLOW_TAKEN(recv_limit);
	if (channel_pace(ch, i == how->sent ? f->interval_ms : 0, f->delay_ms,
	    i == how->sent ? 0 : (uint64_t)f->recv_limit) == -1)
		return (-1);
	/* socat's readbytes of the end read: the rest is not read. */
	if (sd != NULL && sd->local.readbytes >= 0 && channel_read_bytes(ch,
	    (uint64_t)sd->local.readbytes) == -1)
		return (-1);
	if (f->block != 0)
		channel_block(ch, f->block);
	if (how->tap != NULL)
		return (channel_tap(ch, how->tap, how->tap_arg));
	if (how->dump != NULL && channel_tap(ch, i == how->sent ? dump_sent :
	    dump_received, how->dump) == -1)
		return (-1);
	return (0);
}

/* socat's crlf, on the ends that have it; between two such, nothing. */
static void
join_crlf(struct join *jn)
{
	int	 i, from, to;

	for (i = 0; i < 2; i++) {
		if (jn->way[i] == NULL)
			continue;
		from = jn->end[i].sd != NULL && jn->end[i].sd->crlf;
		to = jn->end[1 - i].sd != NULL && jn->end[1 - i].sd->crlf;
		if (from != to)
			jn->way[i]->xform = from ? crlf_socat_in :
			    crlf_socat_out;
	}
}

/*
 * Put -C, --timestamp, --record on jn's ways.  Returns -1 with errno or
 * *cause.
 */
static int
join_stages(struct join *jn, const struct join_how *how, char **cause)
{
	const struct flow	*f = how->flow;
	struct endpoint		*out = jn->end[1].wr;
	int			 near = jn->end[1].is, far = jn->end[0].is;
	/* -C: what is typed here goes to a socket or a line as CR LF. */
	int			 crlf = f->crlf && !(near & END_NET) &&
				    (far & (END_NET | END_LINE));
	/* --timestamp: what is written to our own stdout or file, bare. */
	int			 stamp = f->stamp != NULL && out != NULL &&
				    out->ops == NULL && !(near & (END_NET |
				    END_PROGRAM | END_LINE | END_REPLAY));

	if (crlf && jn->way[1] != NULL && jn->way[1]->xform == NULL) {
		FLOW_TAKEN(crlf);
		jn->way[1]->xform = crlf_xform;
	}
	if (stamp) {
		FLOW_TAKEN(stamp);
		if (stamp_endpoint(out, f->stamp) == -1)
			return (-1);
	}
	/* --timestamp stamps the logs' lines too (dump_stamp()). */
	if (how->dump != NULL) {
		RUN_TAKEN(dump);
		if (f->stamp != NULL)
			FLOW_TAKEN(stamp);
	}
	FLOW_TAKEN(record);
	if (f->record != NULL)
		return (recorder_start(jn->s, jn->way[0], jn->way[1],
		    f->record, how->far != NULL && how->far->listen, cause));
	return (0);
}

/*
 * Join jn's opened ends: way[0] first to second, way[1] back, as how
 * says, their stages, and the end declared; the mode then starts it
 * (join_start()).  Returns -1 with errno, or with *cause set (caller frees).
 */
__shortrun int
join_ways(struct join *jn, const struct join_how *how, char **cause)
{
	struct endpoint	*to[2] = { jn->end[1].wr, jn->end[0].wr };
	int		 i;

	for (i = 0; i < 2; i++) {
		/* What the mode reads and drops (socat's -U, --send-only). */
		if (how->discard[i] && (to[i] = stdio_discard(jn->s)) == NULL)
			return (-1);
		if (!how->skip[i] && join_way(jn, i, jn->end[i].rd, to[i],
		    how) == -1)
			return (-1);
		/*
		 * A socket never read (socat's -u, -U) closes lingering: its
		 * unread input must not reset away what it was sent.
		 */
		if (how->skip[i] && jn->end[i].rd != NULL)
			jn->end[i].rd->flags |= EP_LINGER;
	}
	if (how->idle_ms != TIME_NONE)
		session_set_idle(jn->s, how->idle_ms);
	/* A way's read error is said as one: only nc's forms say less. */
	FLOW_TAKEN(fail_on_error);
	join_crlf(jn);
	if (join_stages(jn, how, cause) == -1)
		return (-1);
	return (join_declare_end(jn, how));
}

/*
 * Run flow f's script in stdin's place on session s: from, the way from
 * the peer (far, its side), and to, the way to it.  Lines are matched
 * whole with -C or from a peer of messages (a datagram, a WebSocket's
 * text); each expect has far's -w, else EXPECT_DEFAULT_MS.  Its first
 * steps run now, before the session starts.  Returns NULL with errno.
 */
struct expect *
join_script(struct session *s, struct channel *from, struct channel *to,
    const struct flow *f, const struct side *far)
{
	struct expect	*ex;
	int		 lines;

	/* The front takes no script with -d, --recv-only, --fifo or -e. */
	DEBUG_CHECK(from != NULL && to != NULL, "a script without both ways");
	FLOW_TAKEN(script);
	SIDE_TAKEN(timeout_ms);
	lines = f->crlf || far->sock.socktype == SOCK_DGRAM ||
	    ((far->ws.on || far->ws.path != NULL) && !far->ws.binary);
	if ((ex = expect_attach(s, from, to, f->script, lines,
	    far->timeout_ms != TIME_NONE ? far->timeout_ms :
	    EXPECT_DEFAULT_MS)) == NULL)
		return (NULL);
	expect_start(ex);
	return (ex);
}

/*
 * The name in messages and logs of a server's session serial with the
 * client at sa, "#N HOST PORT" ("#N unix": a Unix client without a
 * name), made in *label on first use, which its owner frees; without
 * memory "#N", in a buffer the next call may overwrite.
 */
const char *
join_label(char **label, unsigned long serial, const struct sockaddr *sa,
    socklen_t salen)
{
	static char	 bare[24];
	char		 host[NI_MAXHOST], port[NI_MAXSERV];

	if (*label != NULL)
		return (*label);
	net_format(sa, salen, 1, host, sizeof(host), port, sizeof(port));
	if (asprintf(label, "#%lu %s%s%s", serial, host[0] != '\0' ||
	    port[0] != '\0' ? host : "unix", port[0] != '\0' ? " " : "",
	    port) == -1) {
		*label = NULL;
		(void)snprintf(bare, sizeof(bare), "#%lu", serial);
		return (bare);
	}
	return (*label);
}

/* Say why join_ways() failed for a client of what; cause is freed. */
void
join_failed(const char *what, char *cause)
{
	if (cause != NULL)
		log_warnx("%s: %s", what, cause);
	else if (net_own_error(errno))
		log_warn("%s", what);
	free(cause);
}

/*
 * How session s ended: "reset" (each end reset) when a way broke or cut
 * says it was cut short, "idle", or "closed".  *own is a way that failed
 * by our fault (said without -v), or NULL.
 */
const char *
join_ended(struct session *s, int cut, const struct channel **own)
{
	struct channel	*ch;
	struct endpoint	*ep;
	int		 failed = 0;

	*own = NULL;
	TAILQ_FOREACH(ch, &s->channels, entry) {
		failed |= ch->state == CH_FAILED;
		if (*own == NULL && ch->error_op != NULL &&
		    net_own_error(ch->error))
			*own = ch;
	}
	if (!cut && (!failed || s->why == SE_IDLE))
		return (s->why == SE_IDLE ? "idle" : "closed");
	TAILQ_FOREACH(ep, &s->endpoints, entry)
		ep_reset(ep);
	return ("reset");
}

/*
 * A near end's program exited: its output's end ends the session; a program
 * only written to ends its way.
 */
void
join_program_gone(struct channel *to, struct channel *from)
{
	if (from != NULL)
		from->flags |= CH_FINAL;
	else if (to != NULL)
		ep_write_ended(to->dst);
}

/* Start jn's session: its bytes move from now on. */
void
join_start(struct join *jn)
{
	if (jn->end[1].child != NULL && jn->end[1].child->exited)
		join_program_gone(jn->way[0], jn->way[1]);
	/* Started: socat's -lm log goes to syslog. */
	log_socat_settled();
	session_start(jn->s);
}

/* join_run()'s relay: its status, and what ends the loop. */
struct join_run {
	struct join	 jn;
	int		 status;
	struct ev_timer	 flush;	/* a program's time to finish */
	struct edit	*ed;	/* READLINE's editor, or NULL */
	struct expect	*ex;	/* a line's script, or NULL */
};

/* socat's READLINE for side k of r: edit the lines typed on a terminal. */
static void
join_readline(struct join_run *r, const struct side *sd, int k)
{
	const struct side_local	*l = &sd->local;
	const char		*what, *why;

	if (r->jn.end[k].rd == NULL || !isatty(STDIN_FILENO))
		return;
	if ((r->ed = malloc(sizeof(*r->ed))) == NULL)
		fatal("READLINE");
	if (edit_readline(r->ed, l->history, l->prompt, l->noprompt,
	    l->noecho, &what, &why) == -1)
		fatalx("%s: %s", what, why);
	if (edit_terminal(r->ed, r->jn.end[k].rd, r->jn.way[1 - k]) == -1)
		fatal("READLINE");
}

/*
 * How long a program still running once the session is over has to
 * finish, as socat gives its child only written to, before SIGTERM.
 */
#define JOIN_PROGRAM_WAIT_MS	1000

/* Is a program of r's still running? */
static int
join_run_running(const struct join_run *r)
{
	int	 i;

	for (i = 0; i < 2; i++) {
		if (r->jn.end[i].child != NULL && !r->jn.end[i].child->exited)
			return (1);
	}
	return (0);
}

/* The time a program had to finish is over: it is told to, and left. */
static void
join_run_flush_cb(void *arg)
{
	struct join_run	*r = arg;
	int		 i;

	for (i = 0; i < 2; i++) {
		if (r->jn.end[i].child != NULL)
			exec_terminate(r->jn.end[i].child);
	}
	ev_break();
}

/* A relay's program exited: its way ends (a line's is waited for later). */
static void
join_run_exited(__unused struct child *c, void *arg)
{
	struct join_run	*r = arg;

	if (r->jn.s != NULL)
		session_check(r->jn.s);
	else if (!join_run_running(r))
		ev_break();
}

static int
join_run_watch(struct session *s)
{
	struct join_run	*r = s->arg;

	/* The script failed (said): the session ends, its status 1. */
	if (r->ex != NULL && expect_watch(r->ex) == SESSION_END)
		return (SESSION_END);
	/* --raw: "~." was typed; leave now. */
	return (r->jn.way[1] != NULL && term_escaped(r->jn.way[1]) ?
	    SESSION_END : SESSION_RULE);
}

static void
join_run_finished(struct session *s)
{
	struct join_run	*r = s->arg;
	int		 i;

	/* The terminal is the user's again before a failure is said. */
	term_stop(r->jn.way[1]);
	if (r->ed != NULL)
		edit_terminal_end(r->ed);
	if (session_report(s) != 0 || expect_failed(r->ex))
		r->status = 1;
	/* Its timer and its channels go with the session. */
	expect_free(r->ex);
	r->ex = NULL;
	for (i = 0; i < 2; i++)
		exec_session_over(r->jn.end[i].child);
	session_free(s);
	r->jn.s = NULL;
	/*
	 * A program still running (its pipes are closed now) is waited
	 * for: a line's, whose status is ours, until it exits; another a
	 * second at most, to write what it has left (a program only
	 * written to writes to our stdout), then ended, as socat does.
	 */
	if (!join_run_running(r))
		ev_break();
	else if (!(r->jn.end[0].is & END_LINE))
		ev_timer_arm(&r->flush, JOIN_PROGRAM_WAIT_MS);
}

/*
 * What r's stdin and stdout take on (sd the two sides): socat's READLINE,
 * --raw's keys, a line's script in stdin's place (the front allows no
 * other).  Exits on failure.
 */
static void
join_run_stdio(struct join_run *r, const struct job *j,
    const struct side *const *sd)
{
	int	 i;

	for (i = 0; i < 2; i++) {
		if (sd[i]->kind == SIDE_STDIO && sd[i]->local.readline)
			join_readline(r, sd[i], i);
	}
	/* --raw: every key goes down the line; "~." leaves. */
	if (sd[1]->kind == SIDE_STDIO && r->jn.way[1] != NULL &&
	    j->local->raw && term_start(r->jn.way[1], NULL) == -1)
		fatal("--raw");
	if (j->flow->script == NULL)
		return;
	DEBUG_CHECK((r->jn.end[0].is & END_LINE) && sd[1]->kind == SIDE_STDIO,
	    "a script beside no line");
	if ((r->ex = join_script(r->jn.s, r->jn.way[0], r->jn.way[1], j->flow,
	    sd[0])) == NULL)
		fatal("--script");
}

/*
 * socat's nofork: run side i's program in our place.  Returns only on
 * failure.
 */
static void
join_nofork(const struct side *const *sides, int i, const int *skip)
{
	const struct side	*sd = sides[i], *o = sides[1 - i];
	const struct side_local	*l = &sd->local;
	const char		*why;
	char			*cause = NULL;
	int			 rd = !skip[1 - i], wr = !skip[i], fd = -1, made;

	/* What it takes the place of: stdio, a descriptor or a file. */
	if (o->wside != NULL || (o->kind != SIDE_STDIO && o->kind != SIDE_FD &&
	    o->kind != SIDE_FILE) || l->stderr_out ||
	    l->fdin != STDIN_FILENO || l->fdout != STDOUT_FILENO ||
	    tty_want_any(&l->tty))
		log_cause(&cause, "nofork: the program is run in our place, "
		    "with a file, descriptor or stdio, and no other of its "
		    "options");
	else if (o->kind == SIDE_FD)
		fd = o->local.fd;
	else if (o->kind == SIDE_FILE &&
	    (fd = end_open_path(o, side_file_flags(o, rd, wr), &made,
	    &why)) == -1)
		log_cause(&cause, "%s: %s", o->text, why != NULL ? why :
		    strerror(errno));
	if (cause == NULL)
		end_program_here(sd, fd, rd, wr, &cause);
	log_warnx("%s: %s", sd->text, cause);
	free(cause);
}

/* Join the job's two sides that open at once.  Returns the exit status. */
int
join_run(const struct job *j)
{
	struct join_run	 r = { .status = 0, .ed = NULL, .ex = NULL };
	const struct side *sd[2] = { j->side, j->peer }, *w;
	struct end_how	 eh[2];
	struct join_how	 how = { .flow = j->flow, .dump = j->run->dump,
	    .name = { "first to second", "second to first" },
	    .skip = { j->flow->recv_only, j->flow->send_only },
	    .idle_ms = j->flow->idle_ms };
	char		*cause = NULL;
	int		 i;

	/* A line's ways, as its relay has always named them. */
	if (side_is_line(sd[0])) {
		how.name[0] = "receive";
		how.name[1] = "send";
		how.sent = 1;
	}
	for (i = 0; i < 2; i++) {
		memset(&eh[i], 0, sizeof(eh[i]));
		eh[i].rd = !how.skip[i];
		eh[i].wr = !how.skip[1 - i];
		/*
		 * An end is passed on, but to a program's terminal, which it
		 * would hang up, or a line's: its answer is awaited as long
		 * as -t says.
		 */
		w = sd[i]->wside != NULL ? sd[i]->wside : sd[i];
		how.flags[1 - i] = CH_COPY | ((w->kind == SIDE_EXEC &&
		    w->local.pty) || side_is_line(w) ? 0 : CH_SHUTDOWN);
		if (sd[i]->kind == SIDE_EXEC && sd[i]->local.nofork &&
		    !sd[i]->local.pty) {
			join_nofork(sd, i, how.skip);
			return (1);
		}
	}
	/* The ways skipped (how.skip): socat's -u and -U, or ours. */
	FLOW_TAKEN(recv_only);
	FLOW_TAKEN(send_only);
	/* -d: a line's near end not read. */
	if (sd[1]->kind == SIDE_STDIO) {
		FLOW_TAKEN(no_stdin);
		if (j->flow->no_stdin)
			eh[1].rd = 0;
	}
	ev_timer_init(&r.flush, join_run_flush_cb, &r);
	if (join_new(&r.jn, join_run_watch, join_run_finished, &r) == -1)
		fatal("join");
	for (i = 0; i < 2; i++) {
		if (end_open(sd[i], r.jn.s, &eh[i], &r.jn.end[i], &cause) ==
		    -1) {
			log_warnx("%s: %s", sd[i]->text, cause != NULL ?
			    cause : strerror(errno));
			free(cause);
			r.status = 1;
			goto out;
		}
		if (r.jn.end[i].child != NULL) {
			r.jn.end[i].child->exited_cb = join_run_exited;
			r.jn.end[i].child->arg = &r;
		}
	}
	if (join_ways(&r.jn, &how, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	join_run_stdio(&r, j, sd);
	join_start(&r.jn);
	if (r.jn.s != NULL && ev_loop() == -1)
		fatal("poll");
out:
	ev_timer_disarm(&r.flush);
	session_free(r.jn.s);
	expect_free(r.ex);
	if (r.ed != NULL) {
		edit_terminal_end(r.ed);
		edit_free(r.ed);
		free(r.ed);
	}
	for (i = 0; i < 2; i++) {
		if (r.jn.end[i].child == NULL)
			continue;
		if (r.status == 0 && (r.jn.end[0].is & END_LINE) &&
		    r.jn.end[i].child->exited)
			r.status = exec_status(r.jn.end[i].child);
		/* socat's: a program that failed by itself is an error. */
		else if (r.status == 0 && sd[i]->dialect->child_said &&
		    exec_failed_said(r.jn.end[i].child))
			r.status = 1;
		exec_release(r.jn.end[i].child);
	}
	end_close(&r.jn.end[0]);
	end_close(&r.jn.end[1]);
	return (r.status);
}

/* Open sd's listening socket at host (listen_open()), or exit saying why. */
__startup int
join_listen(const struct side *sd, const char *host, int flags)
{
	char	*cause;
	int	 fd;

	if ((fd = listen_open(sd, host, flags, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	return (fd);
}

/* The server whose signals join_serve_signals() took: one a process. */
static struct {
	const struct job	*j;
	const char		*what;	/* its messages' first word */
	void			(*reload)(void *); /* its own files */
	void			*arg;
} join_served;

/*
 * SIGHUP, from the loop: read the allow and deny files, the certificate
 * and key again, then the server's own; a file refused keeps the old,
 * said in one line.
 */
static void
join_sighup(__unused int sig, __unused void *arg)
{
	const struct job	*j = join_served.j;
	const char		*what = join_served.what;
	char			*cause;
	int			 r;

	if ((r = gate_reload(&j->side->gate, j->run, &cause)) == -1)
		log_warning("SIGHUP: %s; the old rules stay",
		    cause != NULL ? cause : strerror(errno));
	else if (r == 1)
		log_verbose(1, "%s: allow and deny rules read again", what);
	free(cause);
	if (j->side->tls.on) {
		if ((r = tls_ctx_reload(j->side->tls.ctx, &cause)) == -1)
			log_warning("SIGHUP: %s; the old certificate stays",
			    cause != NULL ? cause : strerror(errno));
		else if (r == 1)
			log_verbose(1, "%s: certificate read again", what);
		free(cause);
	}
	if (join_served.reload != NULL)
		join_served.reload(join_served.arg);
}

/* SIGUSR1, from the loop: the --stats figures so far, and on. */
static void
join_sigusr1(__unused int sig, __unused void *arg)
{
	if (join_served.j->run->report != NULL)
		join_served.j->run->report();
}

/*
 * j is a server that goes on (-k): SIGHUP reads its files again (and
 * reload(arg) its own), SIGUSR1 reports its figures, from the loop; what
 * names it in -v's lines.  Exits if the signals cannot be had.
 */
void
join_serve_signals(const struct job *j, const char *what,
    void (*reload)(void *), void *arg)
{
	join_served.j = j;
	join_served.what = what;
	join_served.reload = reload;
	join_served.arg = arg;
	/* They keep no loop going: a server that is done ends. */
	if (ev_signal_weak(SIGHUP, join_sighup, NULL) == -1 ||
	    ev_signal_weak(SIGUSR1, join_sigusr1, NULL) == -1)
		fatal("SIGHUP and SIGUSR1");
}

/* A timer that ends the loop: fork's pause, plain mode's -q delay. */
void
join_break_cb(__unused void *arg)
{
	ev_break();
}

/* Side arg, dialled, is connected: -v says so (a dial_how's dialled). */
void
join_dialled(__unused int fd, const struct net_peer *peer, void *arg)
{
	const struct side	*sd = arg;

	net_report_connect(sd, sd->host, sd->nports > 0 ? sd->ports[0] :
	    NULL, peer);
}

/*
 * Dial sd and give each connection to start(arg, ...); with socat's fork,
 * one per interval= until *stop or a try fails, retried as retry= and
 * forever say.  Returns 1 when a try or a start failed (said), else 0.
 */
int
join_dial(const struct side *sd, const char *port,
    const struct dial_how *how, int (*start)(void *, struct netconn *,
    const struct net_peer *), void *arg, const int *stop)
{
	struct ev_timer	 pause;
	struct net_peer	 peer;
	struct netconn	*nc;
	char		*cause;
	struct retry	 retry = { .max = sd->retries };
	int		 status = 0;

	ev_timer_init(&pause, join_break_cb, NULL);
	while (stop == NULL || !*stop) {
		nc = open_wait(sd, sd->host, port, how, &peer, &cause);
		if (nc != NULL) {
			if (start(arg, nc, &peer) == -1)
				status = 1;
		} else if (cause == NULL) {
			if (sd->say_refused)
				net_report_refused(sd, sd->host, port != NULL ?
				    port : "", errno);
			return (1);
		} else if (sd->dial_fork && retry_again(&retry)) {
			log_verbose_warn(1, "%s", cause);
			free(cause);
		} else {
			log_warnx("%s", cause);
			free(cause);
			return (1);
		}
		if (!sd->dial_fork)
			break;
		ev_timer_arm(&pause, sd->retry_ms > 0 ? sd->retry_ms :
		    RETRY_DEFAULT_MS);
		while (ev_timer_armed(&pause) && (stop == NULL || !*stop)) {
			if (ev_loop() == -1)
				fatal("poll");
		}
		ev_timer_disarm(&pause);
	}
	return (status);
}
