/*
 * Plain mode: one connection joined with stdin and stdout as netcat does
 * (or --fifo's FIFO), or with a program started for it (plain-exec.c); for
 * the client (plain-client.c) and the listener.  With -k a listener serves
 * stdio clients in turn, program clients at once.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"
#include "plain-int.h"

/* The most bytes --on-connect @FILE may send. */
#define ON_CONNECT_MAX	65536

/*
 * The session's watch, at each change before the rule: -W's limit ends
 * stdin, "~." (--raw) ends the session, --reconnect holds it, stdin's end
 * is kept for the clients to come.
 */
static __shortrun int
plain_watch(struct session *s)
{
	struct conn	*c = s->arg;
	const struct job	*j = c->p->j;
	struct channel	*tx = c->tx, *rx = c->rx;
	int		 lost;

	/* The script failed (said): the session ends, its status 1. */
	if (c->ex != NULL && expect_watch(c->ex) == SESSION_END)
		return (SESSION_END);
	if (channel_limit_reached(rx) && tx != NULL)
		channel_end_source(tx);
	if (j->local->raw && tx != NULL && term_escaped(tx))
		return (SESSION_END);
	if (j->side->reconnect && (lost = conn_lost(c)) != 0)
		return (lost == -1 ? SESSION_END : SESSION_HOLD);
	/*
	 * stdin ended (not a failed connection, nor a script's end): later
	 * clients get none.
	 */
	if (tx != NULL && (tx->state == CH_DRAINING ||
	    tx->state == CH_DONE) && tx->error_op == NULL && c->p->stdio &&
	    (c->ex == NULL || !expect_owns(c->ex)))
		stdio_set_in_ended();
	return (SESSION_RULE);
}

/*
 * Is ch's failure a read error that only ends the connection, said with
 * -v?  Under socat's grammar a reset, as socat; in nc's own forms
 * (plain_nc_form()) the peer's going (pump_socket_error()) where it cut
 * off none of stdin's (channel_cut()), as nc.
 */
static int
plain_read_ends(const struct conn *c, const struct channel *ch)
{
	const struct channel	*tx = c->tx;

	if (ch != c->rx || strcmp(ch->error_op, "read") != 0 ||
	    !pump_socket_error(ch->error))
		return (0);
	if (c->p->j->side->dialect->reset_is_end)
		return (ch->error == ECONNRESET);
	return (c->p->nc_form && (tx == NULL || !channel_cut(tx)));
}

/*
 * Did ch's failure lose nothing worth saying?  A listener's datagram peer
 * that has gone (its port refuses our replies) ends its conversation; a
 * program that stopped reading lost nothing; nor did a reader of stdout
 * that has had enough ("| head": nc stops writing there, quietly, and its
 * status is 0; socat says it), nor a reader gone of cool-write's, a
 * socket's too (a notice with -v, as session_report() says it).
 */
static int
plain_quiet(const struct conn *c, const struct channel *ch)
{
	const struct side	*sd = c->p->j->side;

	if (sd->listen && sd->sock.socktype == SOCK_DGRAM &&
	    ch->error == ECONNREFUSED)
		return (1);
	/* cool-write's, either way: a notice, with -v. */
	if ((ch->dst->flags & EP_COOL) && strcmp(ch->error_op, "write") == 0) {
		if (ch->error != EPIPE && ch->error != ECONNRESET)
			return (0);
		if (log_verbosity() > 0)
			log_info("write to %s: %s", ch->dst->name,
			    ep_strerror(ch->dst, ch->error));
		return (1);
	}
	if (ch != c->rx)
		return (0);
	if (c->child != NULL)
		return (ch->error == EPIPE);
	if (strcmp(ch->error_op, "write") != 0)
		return (0);
	return (ch->error == EPIPE && !sd->dialect->pipe_said);
}

/* Say what was lost, if anything.  Returns the exit status. */
static int
plain_report(struct conn *c)
{
	struct channel	*ch;
	int		 status = 0, rd;

	TAILQ_FOREACH(ch, &c->s->channels, entry) {
		if (ch->error_op == NULL || plain_quiet(c, ch))
			continue;
		/* nc's end, or socat's: a warning, with -v (socat's -d). */
		if (plain_read_ends(c, ch)) {
			log_verbose_warn(1, "read from %s: %s", ch->src->name,
			    ep_strerror(ch->src, ch->error));
			continue;
		}
		rd = strcmp(ch->error_op, "read") == 0;
		log_warnx("%s %s %s: %s", ch->error_op, rd ? "from" : "to",
		    rd ? ch->src->name : ch->dst->name,
		    ep_strerror(rd ? ch->src : ch->dst, ch->error));
		status = 1;
	}
	return (status);
}

/* The run's status from c's program, which has exited. */
static int
conn_child_status(const struct conn *c)
{
	/* -k's programs are many; socat's -T or the pings ended this one. */
	if (c->p->j->side->keep || c->idle_quiet)
		return (0);
	/* A failure of ours, said, is the status: not what it did. */
	if (c->p->j->near->dialect->child_said && exec_failed_said(c->child))
		return (1);
	return (exec_status(c->child));
}

/*
 * A connection is over (data stopped, its program exited): free c and
 * serve the next client (-k), or exit, after -q's delay.  The first
 * failure is the status.
 */
__shortrun void
conn_done(struct conn *c)
{
	struct plain	*p = c->p;

	if (c->child != NULL) {
		if (p->status == 0)
			p->status = conn_child_status(c);
		exec_release(c->child);
	}
	netconn_free(c->nc);
	TAILQ_REMOVE(&p->conns, c, entry);
	free(c->label);
	free(c);
	if (p->j->side->keep && !p->stopping && (p->l != NULL ?
	    listener_open(p->l) : peers_open(p->peers))) {
		/* stdio is shared: -k takes the next when this one ends. */
		if (p->l != NULL && !p->exec)
			listener_pause(p->l, 0);
		return;
	}
	if (p->l != NULL)
		listener_close(p->l);
	if (p->peers != NULL)
		peers_close(p->peers);
	if (!TAILQ_EMPTY(&p->conns))
		return;
	/*
	 * A WebSocket client's -q is the time its answers have (join.c),
	 * over at the peer's close: no answer comes after, so no delay.
	 * Else a server's exit waits for its client's lingering close (a
	 * program given the connection): the exit would reset it.
	 */
	if (p->quit_ms > 0 && (p->j->side->ws.path == NULL ||
	    p->j->side->listen))
		ev_timer_arm(&p->quit, p->quit_ms);
	else if (p->l != NULL)
		sock_linger_break();
	else
		ev_break();
}

/*
 * Is c's program, still running at the end of session s, told to end?  An
 * idle connection (-w), or one whose peer left its pings unanswered, does
 * not wait for an idle program.  After socat's -T, as socat, the end is no
 * failure, and after the pings the failure is theirs: the program's status
 * (SIGTERM's) is not sockcat's.
 */
static int
conn_ends_program(const struct conn *c, const struct session *s)
{
	return (s->why == SE_IDLE || (c->rx != NULL &&
	    ws_ep_error(c->rx->src) == ETIMEDOUT));
}

static __shortrun void
conn_finished(struct session *s)
{
	struct conn	*c = s->arg;
	const struct job	*j = c->p->j;
	int		 left;

	/*
	 * Only --raw makes the terminal raw, and watches for "~.": its modes
	 * are the user's again before a failure is said, or its line would
	 * end without a carriage return; a line half typed (--readline)
	 * makes way.
	 */
	if (j->local->raw)
		term_stop(c->tx);
	if (c->p->ed.rx == c->rx)
		edit_terminal_end(&c->p->ed);
	if (plain_report(c) != 0 || (c->ex != NULL && expect_failed(c->ex)))
		c->p->status = 1;
	/* What was made for a script, and only then. */
	if (c->ex != NULL) {
		expect_free(c->ex);
		c->ex = NULL;
	}
	/*
	 * The far end's time after stdin's end (--quit-after, socat's -t)
	 * is over: stop, whatever the peer does, with no -q wait after.
	 * (A program's -t ends its session alone: a fork listener goes on.)
	 */
	if (s->why == SE_GRACE && c->child == NULL) {
		c->p->stopping = 1;
		c->p->quit_ms = TIME_NONE;
	} else if (c->p->stdin_quits && c->tx != NULL &&
	    c->tx->state == CH_DONE)
		c->p->stopping = 1;
	/* ncat's --idle-timeout is a failure, where -w quits quietly. */
	if (s->why == SE_IDLE && c->idle_limit) {
		log_warnx("idle timeout expired (%lld ms)", s->idle_ms);
		c->p->status = 1;
	}
	if (c->child != NULL && !c->child->exited && conn_ends_program(c, s)) {
		exec_terminate(c->child);
		c->idle_quiet = s->why != SE_IDLE ||
		    c->p->j->flow->idle_ms != TIME_NONE;
	}
	exec_session_over(c->child);
	conn_spilled(c);
	if (c->redial != NULL) {
		redial_free(c->redial);
		c->redial = NULL;
	}
	ev_timer_disarm(&c->drain);
	/* --raw -lk: "~." leaves the listener too, not only this client. */
	if (j->local->raw && c->tx != NULL && term_escaped(c->tx))
		c->p->stopping = 1;
	/* socat's -t beside a program ran out: it is left, as socat's. */
	left = s->why == SE_GRACE;
	session_free(s);
	c->s = NULL;
	c->tx = c->rx = NULL;
	/* Its pipes are closed: a program still running sees end-of-file. */
	if (c->child == NULL || c->child->exited || left)
		conn_done(c);
}

static struct conn *
conn_new(struct plain *p)
{
	struct conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	c->p = p;
	ev_timer_init(&c->drain, conn_drain_cb, c);
	TAILQ_INSERT_TAIL(&p->conns, c, entry);
	return (c);
}

/* Forget a connection that could not be started; c is freed. */
static void
conn_abort(struct conn *c)
{
	struct plain	*p = c->p;

	session_free(c->s);
	expect_free(c->ex);
	redial_free(c->redial);
	ev_timer_disarm(&c->drain);
	exec_release(c->child);
	netconn_free(c->nc);
	TAILQ_REMOVE(&p->conns, c, entry);
	free(c->label);
	free(c);
}

/* -t: answer telnet's questions in what the peer sends. */
static int
conn_telnet(struct conn *c)
{
	const struct job	*j = c->p->j;

	FLOW_TAKEN(telnet);
	if (!j->flow->telnet)
		return (0);
	memset(&c->telnet, 0, sizeof(c->telnet));
	if (j->side->sock.socktype != SOCK_DGRAM)
		c->telnet.tx = c->tx;
	c->telnet.log = j->run->dump;
	return (channel_tap(c->rx, telnet_tap, &c->telnet));
}

/*
 * Set the connection's idle limit: the shorter of -w (or socat's -T) and,
 * in connect mode, --idle-timeout (a listener's is the gate's:
 * conn_join()); c->idle_limit says it is the latter, whose end is a
 * failure.
 */
__shortrun void
conn_set_idle(struct conn *c)
{
	const struct job	*j = c->p->j;
	long long		 ms = j->side->timeout_ms, idle = j->side->gate.idle_ms;

	c->idle_limit = 0;
	SIDE_TAKEN(timeout_ms);
	FLOW_TAKEN(idle_ms);
	if (!j->side->listen)
		SIDE_TAKEN(gate.idle_ms);
	if (j->flow->idle_ms != TIME_NONE)
		ms = j->flow->idle_ms;
	if (!j->side->listen && idle != TIME_NONE &&
	    time_sooner(ms, idle) == idle) {
		ms = idle;
		c->idle_limit = 1;
	}
	if (ms != TIME_NONE)
		session_set_idle(c->s, ms);
}

/*
 * Join c's connection with the near end (stdio, --fifo's or a program, the
 * ways and an early program in eh) in a session watched by watch: c->rx
 * from the network with flags[0], c->tx to it with flags[1]; discard drops
 * what the network sends.  Returns -1, said.
 */
__shortrun int
conn_join(struct conn *c, int (*watch)(struct session *),
    const struct end_how *eh, const int *flags, int discard)
{
	const struct job	*j = c->p->j;
	const struct side	*sd = j->side;
	struct join	 jn;
	struct join_how	 how = { .flow = j->flow, .far = sd, .dump = j->run->dump,
	    .name = { "receive", "send" }, .sent = 1, .idle_ms = TIME_NONE,
	    .quit_ms = c->p->quit_ms, .raw = j->local->raw,
	    .fifo = j->near->fifo != NULL && !sd->keep,
	    .flags = { flags[0], flags[1] }, .discard = { discard } };
	int		 dgram = sd->sock.socktype == SOCK_DGRAM;
	/* -t's answers go to a stream peer by the way to it (conn_telnet()). */
	int		 answers = j->flow->telnet && !dgram;
	char		*cause = NULL;

	if (answers)
		how.flags[1] |= CH_COPY;
	if (join_new(&jn, watch, conn_finished, c) == -1)
		goto fail;
	c->s = jn.s;
	/*
	 * A datagram socket has no end-of-file to send: nothing is said,
	 * unless an empty datagram says it (socat's shut-null, null-eof).
	 * A stream socket's shut-null is an empty write, as socat's: no
	 * end is said before the socket is closed; nor with shut-none.
	 */
	if (end_netconn(&jn.end[0], sd, c->nc, jn.s, "network", sd->shut_null ?
	    EP_SHUT_NULL : dgram || sd->shut_none ? EP_SHUT_NONE :
	    EP_SHUT_SOCKET, EP_NET | (dgram ? EP_DGRAM : 0) |
	    (dgram && sd->null_eof ? EP_NULL_EOF : 0) |
	    (dgram && sd->sendto ? EP_DEAF : 0),
	    sd->ws.binary ? NC_BINARY : 0) == -1)
		goto fail;
	c->net = jn.end[0].rd;
	/*
	 * A client's program may exit while the client still sends: its
	 * last words must not be reset away by a close with input unread
	 * (a lingering close, as for a program given the connection).
	 */
	if (c->p->exec && sd->listen && !dgram)
		c->net->flags |= EP_LINGER;
	if (sd->reconnect)
		c->net->flags |= EP_REDIAL;
	if (end_open(j->near, jn.s, eh, &jn.end[1], &cause) == -1) {
		c->child = jn.end[1].child;
		/* A file is named, as the relay names it. */
		log_warnx("%s%s%s", jn.end[1].is & END_FILE ? j->near->text :
		    "", jn.end[1].is & END_FILE ? ": " : "", cause != NULL ?
		    cause : strerror(errno));
		free(cause);
		return (-1);
	}
	c->child = jn.end[1].child;
	/* -d: what --on-connect and -t say is all there is to send. */
	if (jn.end[1].rd == NULL && (c->p->greetlen > 0 || answers)) {
		jn.end[1].rd = session_endpoint(jn.s, "on-connect", -1, -1,
		    EP_SHUT_NONE, 0);
		if (jn.end[1].rd == NULL)
			goto fail;
	}
	if (join_ways(&jn, &how, &cause) == -1) {
		log_warnx("%s", cause != NULL ? cause : strerror(errno));
		free(cause);
		return (-1);
	}
	c->rx = jn.way[0];
	c->tx = jn.way[1];
	if (c->tx != NULL && jn.end[1].rd->rfd == -1)
		c->tx->state = CH_DRAINING;
	/* --on-connect: before anything else, --raw's window size too. */
	if (c->p->greetlen > 0 && c->tx != NULL) {
		if (channel_inject_first(c->tx, c->p->greet,
		    c->p->greetlen) == -1)
			goto fail;
		c->greet_end = c->p->greetlen;
	}
	if (conn_telnet(c) == -1)
		goto fail;
	conn_set_idle(c);
	if (sd->listen) {
		gate_session(&sd->gate, c->s);
		/* A listener of one client fails at its end, as ncat's. */
		c->idle_limit = !sd->keep && sd->gate.idle_ms != TIME_NONE;
	}
	return (0);

fail:
	log_warn("session");
	return (-1);
}

/*
 * Join stdin (or the FIFO) and stdout with the connection and start its
 * session.  Returns -1, said.
 */
static int
conn_start_stdio(struct conn *c)
{
	const struct job	*j = c->p->j;
	const struct side	*sd = j->side;
	int		 fifo = j->near->fifo != NULL;
	int		 shut_tx = j->flow->shut_net || j->flow->half_close ||
			    (fifo && !sd->keep && !j->flow->no_shutdown);
	/* A connection that may be replaced keeps what waits in buffers. */
	int		 copy = sd->reconnect || j->local->readline ? CH_COPY :
			    0;
	int		 dgram = sd->sock.socktype == SOCK_DGRAM;
	struct end_how	 eh = { .rd = !j->flow->no_stdin || fifo,
	    .wr = !j->flow->send_only, .again = c->p->opened++ > 0,
	    .msgs = dgram };
	/*
	 * A listener that keeps serving (-k) keeps stdout for the next
	 * client; otherwise stdout is closed when the peer is done.  socat's
	 * -u never reads a datagram socket: a refusal of what was sent is
	 * not heard there (UDP-SENDTO: never), a later write's alone.
	 */
	int		 flags[2] = { (sd->keep || sd->reconnect ? 0 :
			    CH_SHUTDOWN) | copy | (dgram &&
			    j->flow->send_only && sd->dialect->oneway_alone ?
			    CH_HOLD : 0),
			    (shut_tx ? CH_SHUTDOWN : 0) | copy };

	FLOW_TAKEN(shut_net);
	FLOW_TAKEN(half_close);
	FLOW_TAKEN(no_stdin);
	FLOW_TAKEN(recv_only);		/* the front made no_stdin of it */
	FLOW_TAKEN(send_only);
	SIDE_TAKEN(fifo);
	SIDE_TAKEN(reconnect);
	/* Said by conn_join(); the rest, once, below. */
	if (conn_join(c, plain_watch, &eh, flags, j->flow->send_only) == -1)
		return (-1);
	if (c->tx != NULL && eh.rd) {
		/* Each read is one datagram: no bigger than one can be. */
		if (dgram && sd->sock.family != AF_UNIX)
			c->tx->bufsize = sd->tls.on ? DTLS_MAXPAYLOAD :
			    UDP_MAXPAYLOAD;
		if (j->local->raw && term_start(c->tx, c->rx) == -1)
			goto fail;
		/* --readline: the peer's output kept clear of the line. */
		if (j->local->readline && edit_terminal(&c->p->ed, c->tx->src,
		    c->rx) == -1)
			goto fail;
		/* A script sends in stdin's place, ended or not. */
		if (c->p->stdio && stdio_in_ended() && j->flow->script == NULL)
			c->tx->state = CH_DRAINING;
	} else if (c->tx == NULL && shut_tx && !dgram && !sd->ws.on)
		shutdown(c->net->wfd, SHUT_WR);
	/*
	 * A --raw client's hello goes first of all: this connection's.
	 * After term_start(), whose look at a listener's first read it
	 * replaces with a look at every read until the answer comes.
	 */
	if (j->local->raw && !sd->listen && c->tx != NULL) {
		if (term_hello(c->tx, c->rx) == -1)
			goto fail;
		c->greet_end += PTY_HELLO_LEN;
	}
	/* --expect, --send, --script: in stdin's place. */
	if (j->flow->script != NULL && (c->ex = join_script(c->s, c->rx,
	    c->tx, j->flow, sd)) == NULL)
		goto fail;
	/* A datagram listener's first datagram from this peer. */
	if (c->p->dgramlen > 0 && c->rx != NULL && channel_inject_read(c->rx,
	    c->p->dgram, c->p->dgramlen) == -1)
		goto fail;
	session_start(c->s);
	return (0);

fail:
	log_warn("session");
	return (-1);
}

/*
 * Start a connection on nc, a connected socket, which is the connection's
 * from now on.  Returns -1, said, if it could not start (nc freed).
 */
__shortrun int
plain_start(struct plain *p, struct netconn *nc, const struct net_peer *peer)
{
	struct conn	*c;
	const char	*why;
	int		 rv;

	if ((c = conn_new(p)) == NULL) {
		log_warn("session");
		/* A program started for it early sees end-of-file. */
		exec_release(nc->early);
		nc->early = NULL;
		netconn_free(nc);
		return (-1);
	}
	c->nc = nc;
	c->serial = ++p->serial;
	if (peer != NULL)
		c->peer = *peer;
	/* Each says why it could not. */
	if (p->exec)
		rv = conn_start_exec(c, peer);
	else
		rv = conn_start_stdio(c);
	if (rv == -1) {
		/*
		 * A WebSocket client has had its 101 already: it is told
		 * that nothing is behind it, not given a normal end.
		 */
		why = p->exec ? "no program" : "no session";
		if (c->net != NULL)
			ws_ep_close(c->net, WS_CLOSE_INTERNAL, why);
		else
			ws_close_now(c->nc->ws, WS_CLOSE_INTERNAL, why);
		conn_abort(c);
	}
	return (rv);
}

/*
 * Read what --on-connect sends: TEXT and a newline (CRLF with -C), or
 * @FILE's bytes, read now ("@@" starts a TEXT with "@"); exits on failure.
 */
static __startup void
plain_greeting(struct plain *p)
{
	const char	*text = p->j->flow->on_connect;

	FLOW_TAKEN(on_connect);
	if (text == NULL)
		return;
	if (text[0] != '@' || text[1] == '@') {
		if (text[0] == '@')
			text++;
		if (asprintf(&p->greet, "%s%s", text, p->j->flow->crlf ? "\r\n" :
		    "\n") == -1)
			fatal("--on-connect");
		p->greetlen = strlen(p->greet);
		return;
	}
	text++;
	if ((p->greet = path_read(text, ON_CONNECT_MAX, &p->greetlen)) == NULL) {
		if (errno == EFBIG)
			fatalx("--on-connect %s: longer than %d bytes", text,
			    ON_CONNECT_MAX);
		fatal("--on-connect %s", text);
	}
}

/*
 * Is the run one of nc's own forms: stdin and stdout (p->stdio, so no
 * program) beside a socket of nc's, nothing of ours between, no
 * --fail-on-error?
 */
static __startup int
plain_nc_form(const struct plain *p)
{
	const struct job	*j = p->j;

	/* Not nc's socket: TLS, WebSocket, a proxy, a pair, --reconnect. */
	if (j->side->say_refused || j->side->ws.on)
		return (0);
	/* Ours on stdin's way: a script, the terminal's modes, an editor. */
	if (j->flow->script != NULL || j->local->raw || j->local->readline)
		return (0);
	return (p->stdio && !j->flow->fail_on_error);
}

/*
 * Does stdin's end, with -q, make a connection the run's last?  A
 * listener's (it takes no more clients) or a datagram socket's; not with
 * --fifo (-q is the wait after the client's end) or --half-close
 * (stdin's end only half-closes).
 */
static __startup int
plain_stdin_quits(const struct job *j)
{
	if (j->flow->quit_ms == TIME_NONE || j->flow->half_close ||
	    j->near->fifo != NULL)
		return (0);
	return (j->side->listen || j->side->sock.socktype == SOCK_DGRAM);
}

/* Exit with a line if the program cannot be started. */
static __startup void
plain_exec_check(const struct side *near)
{
	struct exec_cmd	 cmd;
	char		*cause = NULL;

	if (side_exec_cmd(near, &cmd, &cause) == -1 ||
	    exec_cmd_check(&cmd, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	exec_cmd_free(&cmd);
}

/* -o, --hex-dump: the lines of programs at once name their connection. */
static const char *
conn_dump_label(struct session *s)
{
	struct conn	*c = s->arg;

	DEBUG_CHECK(s->finished == conn_finished,
	    "conn_dump_label: a session not a connection's");
	return (join_label(&c->label, c->serial,
	    (const struct sockaddr *)&c->peer.ss, c->peer.len));
}

/* Set up what each connection needs (program, FIFO); exits on failure. */
__startup void
plain_init(struct plain *p, const struct job *j)
{
	const struct side	*near = j->near;
	const struct local	*l = j->local;
	const char		*what, *why;
	char			*cause = NULL;
	int			 alone;

	/* What a read error is, for each connection (plain_read_ends()). */
	FLOW_TAKEN(fail_on_error);
	memset(p, 0, sizeof(*p));
	p->j = j;
	p->quit_ms = j->flow->quit_ms;
	p->stdio = near->fifo == NULL && (near->kind == SIDE_STDIO ||
	    near->local.stdio != 0);
	TAILQ_INIT(&p->conns);
	ev_timer_init(&p->quit, join_break_cb, p);
	if (near->kind == SIDE_EXEC) {
		/* Each connection's program, as end_program_start() runs it. */
		SIDE_TAKEN(local.run);
		SIDE_TAKEN(local.pty);
		plain_exec_check(near);
		if (side_exec_signals(&near->local) == -1)
			fatal("signal");
		/*
		 * socat's -u and -U: the program's other way is ours, as a
		 * socat's program inherits it (its stdout when only read
		 * from the socket, its stdin when only sent to it).
		 */
		alone = j->side->dialect->oneway_alone && !near->local.pty;
		p->prog_rd = !(alone && j->flow->recv_only);
		p->prog_wr = !(alone && j->flow->send_only && p->prog_rd);
		p->exec = 1;
		/* Many at once (-k, fork): each line says whose. */
		if (j->run->dump != NULL && (j->side->keep ||
		    j->side->dial_fork))
			dump_label(j->run->dump, conn_dump_label);
	}
	if (near->fifo != NULL && fifo_open(near->fifo, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	/*
	 * --readline's editor, made before the first connection so that its
	 * history outlives each; an idle one otherwise, which edit_free()
	 * takes.
	 */
	LOCAL_TAKEN(readline);
	LOCAL_TAKEN(raw);
	if (!l->readline)
		edit_init(&p->ed, -1, 0, NULL, NULL, NULL);
	else if (edit_readline(&p->ed, l->history, l->prompt, l->noprompt,
	    l->noecho, &what, &why) == -1)
		fatalx("%s: %s", what, why);
	plain_greeting(p);
	if (p->exec)
		p->direct = plain_exec_direct(p);
	p->nc_form = plain_nc_form(p);
	p->stdin_quits = plain_stdin_quits(j);
}

__shortrun void
plain_free(struct plain *p)
{
	free(p->greet);
	/* The idle editor of a run without --readline holds nothing. */
	if (p->j->local->readline)
		edit_free(&p->ed);
}

/* An admitted connection is ready: serve it. */
static int
plain_listen_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct plain	*p = arg;

	/* Without -k, the first client is the only one, as with nc. */
	SIDE_TAKEN(keep);
	if (!p->j->side->keep)
		listener_close(p->l);
	if (plain_start(p, nc, peer) == -1) {
		if (!p->exec)
			exit(1);
		if (!p->j->side->keep) {
			p->status = 1;
			ev_break();
		}
		return (-1);
	}
	return (0);
}

/*
 * A client failed its handshake: without -k the run ends, status 1.  One
 * answered over HTTP (cause NULL) failed nothing: the next is waited for.
 */
static void
plain_listen_failed(void *arg, __unused const struct net_peer *peer,
    const char *cause)
{
	struct plain	*p = arg;

	if (cause != NULL)
		log_warnx("%s", cause);
	if (cause != NULL && !p->j->side->keep) {
		p->status = 1;
		ev_break();
	} else if (!p->j->side->keep || !p->exec)
		listener_pause(p->l, 0);	/* serial: the next client */
}

static const struct listen_ops plain_ops = {
	.start = plain_listen_start,
	.failed = plain_listen_failed,
	.admitted = plain_admitted,
	.abandon = plain_abandon,
};

/*
 * Listen where the command line says and serve one client; with -k, one
 * after another, or programs for many at once.  A datagram socket's peers
 * (but DTLS's, which are clients) are each a program's, or stdio's
 * (dgram_serve()).  Returns the exit status.
 */
__startup int
plain_listen(const struct job *j)
{
	struct plain	 p;
	struct listen_ops ops = plain_ops;
	int		 fd, many = j->near->kind == SIDE_EXEC && j->side->keep;

	/*
	 * A program for each client, many at once: in workers, if asked,
	 * the program checked once, before them; a server that goes on,
	 * which reads its files again on SIGHUP.
	 */
	if (many && j->side->sock.workers > 1)
		plain_exec_check(j->near);
	fd = join_listen(j->side, j->side->host, many ? LISTEN_WORKERS : 0);
	if (many)
		join_serve_signals(j, "listener", NULL, NULL);
	if (j->side->sock.socktype == SOCK_DGRAM && !j->side->tls.on) {
		/*
		 * A program, or a replay with -k, for each peer (on sockets
		 * of their own, as the front made dgram_peers); the program
		 * of UDP-DATAGRAM: is one, its output to one address.
		 */
		if ((j->near->kind == SIDE_EXEC || j->side->dgram_peers) &&
		    j->side->dgram_to == NULL)
			return (plain_serve_dgram(j, fd));
		return (dgram_serve(j, fd));
	}
	plain_init(&p, j);
	SIDE_TAKEN(keep);
	/* A program for each client with -k, many at once; else one. */
	if (!p.exec || !j->side->keep)
		ops.flags = LISTEN_SERIAL;
	listener_run(j->side, fd, &ops, &p, &p.l);
	plain_free(&p);
	return (p.status);
}
