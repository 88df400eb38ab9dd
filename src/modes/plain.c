/*
 * Plain mode: one connection wired to stdin and stdout as netcat does (or
 * to a FIFO, --fifo), or to a program started for it (-e, -c:
 * plain-exec.c); for the client (plain-client.c) and for the listener.
 * With -k the listener serves stdio clients one after another, and
 * program clients all at once.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"
#include "plain-int.h"

/* The most bytes --on-connect @FILE may send. */
#define ON_CONNECT_MAX	65536

/*
 * What ends a connection's session with stdin and stdout, in netcat's
 * terms, declared on its channels for the one rule (session.c): it is
 * over when both ways have finished; for a listener (or a WebSocket),
 * once the client has finished sending, with what stdin had ready then
 * sent first (so "sockcat -l > file" ends with its client); with a quit
 * timer (-q) a listener, or a datagram socket, also stops once stdin is
 * done (and a listener takes no more clients); --raw leaves at once when
 * the remote end closes, as ssh does.  socat's -t and --quit-after give
 * the far end that long once stdin is done, and --fifo's filter that
 * long (-q, --quit-after) once the network is done.  --half-close waits
 * for both ways whatever else is said.
 */
static int
conn_declare_end(struct conn *c)
{
	const struct job	*j = c->p->j;
	const struct side	*sd = j->side;
	struct channel	*tx = c->tx, *rx = c->rx;
	long long	 ms;
	int		 dgram = sd->sock.socktype == SOCK_DGRAM;

	/* A datagram socket never reads end-of-file: an error ends it. */
	if (dgram)
		c->s->ends |= SS_FAILFAST;
	if (j->local->raw)
		rx->flags |= CH_FINAL_NOW;
	/*
	 * --fifo (one client): over when the FIFO's writer is done; once
	 * the network is, stdout is closed (the filter sees its end of
	 * input) and the filter has -q's or --quit-after's time to finish.
	 */
	if (j->local->fifo != NULL && !sd->keep && tx != NULL) {
		tx->flags |= CH_FINAL;
		ms = j->flow->deadline_ms;
		if (c->p->quit_ms != TIME_NONE && (ms == TIME_NONE ||
		    c->p->quit_ms < ms))
			ms = c->p->quit_ms;
		return (channel_grace(rx, ms));
	}
	if (tx != NULL) {
		/*
		 * --quit-after, socat's -t: the far end's end is waited
		 * for that long once stdin is done.  A WebSocket client's
		 * -q too: stdin's end sends no close (the peer would stop
		 * answering), so the answers have the quit timer's time.
		 */
		ms = j->flow->deadline_ms;
		if (sd->ws.path != NULL && !sd->listen && c->p->quit_ms >= 0 &&
		    (ms == TIME_NONE || c->p->quit_ms < ms))
			ms = c->p->quit_ms;
		if (channel_grace(tx, ms) == -1)
			return (-1);
		/* --send-only: what comes back does not matter. */
		if (j->flow->send_only)
			tx->flags |= CH_FINAL;
	}
	/*
	 * socat's -t the other way: the far end has ended, and stdin (a
	 * terminal, which never does) is read that long more.
	 */
	if (channel_grace(rx, j->flow->far_quit_ms) == -1)
		return (-1);
	if (j->flow->half_close)
		return (0);
	/* A client's end ends a listener's session (a WebSocket's close). */
	if ((sd->listen || sd->ws.on) && !j->flow->send_only)
		rx->flags |= CH_FINAL;
	/* Debian's -q: a listener, or a datagram socket, stops with stdin. */
	if ((sd->listen || dgram) && c->p->quit_ms != TIME_NONE && tx != NULL)
		tx->flags |= CH_FINAL;
	return (0);
}

/*
 * What a connection's session with stdin and stdout does at each change
 * before the rule runs: -W's limit ends stdin too; "~." (--raw) leaves at
 * once; --reconnect holds the session while the connection is made
 * again; stdin's end is remembered for the clients to come.
 */
static int
plain_watch(struct session *s)
{
	struct conn	*c = s->arg;
	const struct job	*j = c->p->j;
	struct channel	*tx = c->tx, *rx = c->rx;
	int		 lost;

	if (channel_limit_reached(rx) && tx != NULL)
		channel_end_source(tx);
	if (tx != NULL && term_escaped(tx))
		return (SESSION_END);
	if (j->side->reconnect && (lost = conn_lost(c)) != 0)
		return (lost == -1 ? SESSION_END : SESSION_HOLD);
	/* stdin ended (not a failed connection): later clients get none. */
	if (tx != NULL && (tx->state == CH_DRAINING ||
	    tx->state == CH_DONE) && tx->error_op == NULL &&
	    j->local->fifo == NULL)
		stdio_set_in_ended();
	return (SESSION_RULE);
}

/* The -q delay is over: exit. */
static void
plain_quit_cb(void *arg)
{
	(void)arg;
	ev_break();
}

/*
 * Say what was lost, if anything was; returns the exit status.  A program
 * that stops reading before the peer stops sending is not an error.
 */
static int
plain_report(struct conn *c)
{
	const struct job	*j = c->p->j;
	struct channel	*ch;
	int		 status = 0;

	TAILQ_FOREACH(ch, &c->s->channels, entry) {
		if (ch->error_op == NULL)
			continue;
		if (c->child != NULL && ch == c->rx && ch->error == EPIPE)
			continue;
		/*
		 * Nor is a reader of stdout that has had enough ("| head"):
		 * nc stops writing there, quietly, and its status is 0.
		 */
		if (c->child == NULL && ch == c->rx && ch->error == EPIPE &&
		    strcmp(ch->error_op, "write") == 0)
			continue;
		/*
		 * A listener's datagram peer that has gone (its port
		 * refuses our replies) ends its conversation, nothing more.
		 */
		if (j->side->listen && j->side->sock.socktype == SOCK_DGRAM &&
		    ch->error == ECONNREFUSED)
			continue;
		/*
		 * socat takes a connection reset under its reads for their
		 * end, said as a warning (-d): a server that turns a client
		 * away (range=, sourceport=) resets what it had not read.
		 */
		if (j->side->socat && ch == c->rx && ch->error == ECONNRESET &&
		    strcmp(ch->error_op, "read") == 0) {
			log_verbose(1, "read from %s: %s", ch->src->name,
			    ep_strerror(ch->src, ch->error));
			continue;
		}
		log_warnx("%s %s %s: %s", ch->error_op,
		    strcmp(ch->error_op, "read") == 0 ? "from" : "to",
		    strcmp(ch->error_op, "read") == 0 ? ch->src->name :
		    ch->dst->name, ep_strerror(strcmp(ch->error_op,
		    "read") == 0 ? ch->src : ch->dst, ch->error));
		status = 1;
	}
	return (status);
}

/*
 * A connection is over: data stopped and its program, if any, exited.
 * Without -k a program's exit status becomes sockcat's (when it failed).
 * Then serve the next client (-k), or exit, after the -q delay if there
 * is one (the connection is closed meanwhile, as with nc).
 */
void
conn_done(struct conn *c)
{
	struct plain	*p = c->p;
	int		 status;

	if (c->child != NULL) {
		status = exec_status(c->child);
		if (status != 0 && !p->j->side->keep && !c->idle_quiet)
			p->status = status;
		exec_release(c->child);
	}
	netconn_free(c->nc);
	TAILQ_REMOVE(&p->conns, c, entry);
	p->nconns--;
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
	peers_close(p->peers);
	if (!TAILQ_EMPTY(&p->conns))
		return;
	if (p->quit_ms > 0)
		ev_timer_arm(&p->quit, p->quit_ms);
	else
		ev_break();
}

void
conn_finished(struct session *s)
{
	struct conn	*c = s->arg;
	const struct job	*j = c->p->j;

	if (plain_report(c) != 0)
		c->p->status = 1;
	/*
	 * The far end's time after stdin's end (--quit-after, socat's -t)
	 * is over: stop, whatever the peer does, with no -q wait after.
	 * A listener's -q once stdin is done: it takes no more clients.
	 */
	if (s->why == SE_GRACE) {
		c->p->stopping = 1;
		c->p->quit_ms = TIME_NONE;
	} else if ((j->side->listen || j->side->sock.socktype == SOCK_DGRAM) &&
	    c->p->quit_ms != TIME_NONE && c->tx != NULL &&
	    c->tx->state == CH_DONE && j->local->fifo == NULL &&
	    !j->flow->half_close)
		c->p->stopping = 1;
	/* ncat's --idle-timeout is a failure, where -w quits quietly. */
	if (s->timed_out && c->idle_limit) {
		log_warnx("idle timeout expired (%lld ms)", s->idle_ms);
		c->p->status = 1;
	}
	/*
	 * An idle connection (-w), or one whose peer left its pings
	 * unanswered, does not wait for an idle program.  After socat's -T,
	 * as socat, the end is no failure, and after the pings the failure
	 * is theirs: the program's status (SIGTERM's) is not sockcat's.
	 */
	if ((s->timed_out || (c->rx != NULL &&
	    ws_ep_error(c->rx->src) == ETIMEDOUT)) && c->child != NULL &&
	    !c->child->exited) {
		exec_terminate(c->child);
		c->idle_quiet = !s->timed_out ||
		    c->p->j->flow->idle_ms != TIME_NONE;
	}
	conn_spilled(c);
	redial_free(c->redial);
	c->redial = NULL;
	ev_timer_disarm(&c->drain);
	term_stop(c->tx);
	if (c->p->edrx == c->rx) {
		c->p->edrx = NULL;
		edit_watch(&c->p->ed, 0);
	}
	/* --raw -lk: "~." leaves the listener too, not only this client. */
	if (c->tx != NULL && term_escaped(c->tx))
		c->p->stopping = 1;
	session_free(s);
	c->s = NULL;
	c->tx = c->rx = NULL;
	/* Its pipes are closed: a program still running sees end-of-file. */
	if (c->child == NULL || c->child->exited)
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
	p->nconns++;
	return (c);
}

/* Forget a connection that could not be started. */
static void
conn_abort(struct conn *c)
{
	struct plain	*p = c->p;

	if (c->s != NULL)
		session_free(c->s);
	redial_free(c->redial);
	ev_timer_disarm(&c->drain);
	if (c->child != NULL)
		exec_release(c->child);
	netconn_free(c->nc);
	TAILQ_REMOVE(&p->conns, c, entry);
	p->nconns--;
	free(c);
}

/*
 * Apply the options that shape the flow to the receiving channel rx and
 * the sending one tx (NULL with -d): pacing, the read limit, session logs
 * and telnet answers.
 */
int
conn_tune(struct conn *c, struct channel *rx, struct channel *tx)
{
	const struct job	*j = c->p->j;

	if (channel_pace(rx, 0, j->flow->delay_ms, j->flow->recv_limit) == -1 ||
	    (tx != NULL && channel_pace(tx, j->flow->interval_ms, j->flow->delay_ms,
	    0) == -1))
		return (-1);
	if (j->flow->block != 0) {
		channel_block(rx, j->flow->block);
		if (tx != NULL)
			channel_block(tx, j->flow->block);
	}
	if (j->run->dump != NULL) {
		if (channel_tap(rx, dump_received, j->run->dump) == -1)
			return (-1);
		if (tx != NULL &&
		    channel_tap(tx, dump_sent, j->run->dump) == -1)
			return (-1);
	}
	if (j->flow->telnet) {
		memset(&c->telnet, 0, sizeof(c->telnet));
		c->telnet.log = j->run->dump;
		if (channel_tap(rx, telnet_tap, &c->telnet) == -1)
			return (-1);
	}
	return (0);
}

/*
 * The connection's idle limit: -w, or in connect mode --idle-timeout
 * (ncat's: no data either way for that long), whichever is shorter, and
 * --idle-timeout when they are the same.  With -l, --idle-timeout is the
 * gate's, for each client (gate_session()).  Which one it is is kept: the
 * two end a connection differently.  socat's -T, the only one socat's
 * command line has, ends it as -w does, quietly.
 */
void
conn_set_idle(struct conn *c)
{
	const struct job	*j = c->p->j;
	long long		 ms = j->side->timeout_ms, idle = j->side->gate.idle_ms;

	c->idle_limit = 0;
	if (j->flow->idle_ms != TIME_NONE)
		ms = j->flow->idle_ms;
	if (!j->side->listen && idle != TIME_NONE && (ms == TIME_NONE ||
	    idle <= ms)) {
		ms = idle;
		c->idle_limit = 1;
	}
	if (ms != TIME_NONE)
		session_set_idle(c->s, ms);
}

/*
 * The connection's socket as an endpoint of s, over TLS or WebSocket when
 * the connection has it.  Returns NULL on failure.
 */
struct endpoint *
conn_net(struct conn *c, struct session *s)
{
	const struct side *sd = c->p->j->side;
	int		 dgram = sd->sock.socktype == SOCK_DGRAM;

	/*
	 * A datagram socket has no end-of-file to send: nothing is said,
	 * unless an empty datagram says it (socat's shut-null, null-eof).
	 * A stream socket's shut-null is an empty write, as socat's: no
	 * end is said before the socket is closed; nor with shut-none.
	 */
	return (netconn_endpoint(c->nc, s, "network", sd->shut_null ?
	    EP_SHUT_NULL : dgram || sd->shut_none ? EP_SHUT_NONE :
	    EP_SHUT_SOCKET,
	    EP_NET | (dgram ? EP_DGRAM : 0) |
	    (dgram && sd->null_eof ? EP_NULL_EOF : 0) |
	    (dgram && sd->sendto ? EP_DEAF : 0),
	    sd->ws.binary ? NC_BINARY : 0));
}

/* Wire stdin (or the FIFO) and stdout to the connection's socket. */
static int
conn_start_stdio(struct conn *c)
{
	const struct job	*j = c->p->j;
	struct session	*s;
	struct endpoint	*in, *out, *net, *none;
	int		 shut_tx = j->flow->shut_net || j->flow->half_close ||
			    (j->local->fifo != NULL && !j->side->keep && !j->flow->no_shutdown);
	/* A connection that may be replaced keeps what waits in buffers. */
	int		 copy = j->flow->no_splice || j->side->reconnect || j->local->readline ?
			    CH_COPY : 0;
	int		 dgram = j->side->sock.socktype == SOCK_DGRAM;

	if ((s = session_new(plain_watch, conn_finished, c)) == NULL)
		return (-1);
	c->s = s;
	if ((net = conn_net(c, s)) == NULL)
		return (-1);
	if (j->side->reconnect)
		net->flags |= EP_REDIAL;
	c->net = net;
	out = j->flow->send_only ? stdio_discard(s) : stdio_out(s);
	in = j->local->fifo != NULL ? fifo_in(s) : stdio_in(s, j->flow->no_stdin);
	if (out == NULL || (in == NULL && (!j->flow->no_stdin || j->local->fifo != NULL)))
		return (-1);
	/*
	 * A listener that keeps serving (-k) keeps stdout for the next
	 * client; otherwise stdout is closed when the peer is done.  socat's
	 * -u never reads a datagram socket: a refusal of what was sent is
	 * not heard there (UDP-SENDTO: never), a later write's alone.
	 */
	if ((c->rx = session_channel(s, "receive", net, out,
	    (j->side->keep || j->side->reconnect ? 0 : CH_SHUTDOWN) | copy |
	    (dgram && j->side->socat && j->flow->send_only ? CH_HOLD : 0))) ==
	    NULL)
		return (-1);
	if (j->flow->socat_crlf)
		c->rx->xform = crlf_socat_in;
	if (in != NULL) {
		if ((c->tx = session_channel(s, "send", in, net,
		    (shut_tx ? CH_SHUTDOWN : 0) | copy)) == NULL)
			return (-1);
		/* Each read is one datagram: no bigger than one can be. */
		if (dgram && j->side->sock.family != AF_UNIX)
			c->tx->bufsize = j->side->tls.on ? DTLS_MAXPAYLOAD :
			    UDP_MAXPAYLOAD;
		if (j->flow->crlf)
			c->tx->xform = crlf_xform;
		if (j->flow->socat_crlf)
			c->tx->xform = crlf_socat_out;
		if (j->local->raw && term_start(c->tx, c->rx) == -1)
			return (-1);
		if (j->local->readline && conn_readline(c, in) == -1)
			return (-1);
		if (j->local->fifo == NULL && stdio_in_ended())
			c->tx->state = CH_DRAINING;
	} else if (c->p->greetlen > 0) {
		/* -d: what --on-connect says is all there is to send. */
		if ((none = session_endpoint(s, "on-connect", -1, -1,
		    EP_SHUT_NONE, 0)) == NULL ||
		    (c->tx = session_channel(s, "send", none, net,
		    (shut_tx ? CH_SHUTDOWN : 0) | copy)) == NULL)
			return (-1);
		c->tx->state = CH_DRAINING;
	} else if (shut_tx && !dgram && !j->side->ws.on)
		shutdown(net->wfd, SHUT_WR);
	/* --on-connect: before anything else, --raw's window size too. */
	if (c->p->greetlen > 0) {
		if (channel_inject_first(c->tx, c->p->greet,
		    c->p->greetlen) == -1)
			return (-1);
		c->greet_end = c->p->greetlen;
	}
	/* A --raw client's hello goes first of all: this connection's. */
	if (j->local->raw && !j->side->listen && c->tx != NULL) {
		if (term_hello(c->tx, c->rx) == -1)
			return (-1);
		c->greet_end += PTY_HELLO_LEN;
	}
	if (conn_tune(c, c->rx, c->tx) == -1 || conn_declare_end(c) == -1)
		return (-1);
	conn_set_idle(c);
	if (j->side->listen)
		gate_session(&j->side->gate, s);
	return (session_start(s));
}

/*
 * Start a connection on nc, a connected socket (over TLS or WebSocket
 * when nc has them), which the connection owns from now on.  Returns 0,
 * or -1 when it could not be started (nc is freed and the reason
 * reported).
 */
int
plain_start(struct plain *p, struct netconn *nc, const struct net_peer *peer)
{
	struct conn	*c;
	int		 rv;

	if ((c = conn_new(p)) == NULL) {
		log_warn("session");
		netconn_free(nc);
		return (-1);
	}
	c->nc = nc;
	if (peer != NULL)
		c->peer = *peer;
	if (p->exec)
		rv = conn_start_exec(c, peer);
	else if ((rv = conn_start_stdio(c)) == -1)
		log_warn("session");
	if (rv == -1)
		conn_abort(c);
	return (rv);
}

/*
 * What --on-connect sends: TEXT and a newline (CR LF with -C), or the
 * bytes of the file @FILE as they are; "@@" starts a TEXT that starts
 * with "@".  A file is read once, now.
 */
static __startup void
plain_greeting(struct plain *p)
{
	const char	*text = p->j->flow->on_connect;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

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
	if ((fd = open(text, O_RDONLY | O_CLOEXEC)) == -1)
		fatal("--on-connect %s", text);
	if ((p->greet = malloc(ON_CONNECT_MAX + 1)) == NULL)
		fatal("--on-connect");
	while ((n = read(fd, p->greet + len, ON_CONNECT_MAX + 1 - len)) > 0) {
		len += n;
		if (len > ON_CONNECT_MAX)
			fatalx("--on-connect %s: longer than %d bytes", text,
			    ON_CONNECT_MAX);
	}
	if (n == -1)
		fatal("--on-connect %s", text);
	close(fd);
	p->greetlen = len;
}

/* Set up what every connection needs: the program, or the FIFO. */
__startup void
plain_init(struct plain *p, const struct job *j)
{
	char	*cause;

	memset(p, 0, sizeof(*p));
	p->j = j;
	p->quit_ms = j->flow->quit_ms;
	TAILQ_INIT(&p->conns);
	TAILQ_INIT(&p->early);
	ev_timer_init(&p->quit, plain_quit_cb, p);
	if (j->local->exec != NULL) {
		/* socat's program: its words, its terminal, its signals. */
		if ((j->local->prog != NULL ? side_exec_cmd(j->local->prog,
		    &p->cmd, &cause) : exec_cmd_parse(&p->cmd, j->local->exec,
		    j->local->exec_shell, &cause)) == -1 ||
		    exec_cmd_check(&p->cmd, &cause) == -1)
			fatalx("%s", cause != NULL ? cause : strerror(errno));
		if (j->local->prog != NULL &&
		    side_exec_signals(&j->local->prog->local) == -1)
			fatal("signal");
		if (j->local->prog == NULL)
			p->cmd.pty = j->local->pty;
		/*
		 * socat's -u and -U: the program's other way is ours, as a
		 * socat's program inherits it (its stdout when only read
		 * from the socket, its stdin when only sent to it).
		 */
		if (j->side->socat && !p->cmd.pty && j->flow->recv_only)
			p->cmd.keep_out = 1;
		else if (j->side->socat && !p->cmd.pty && j->flow->send_only)
			p->cmd.keep_in = 1;
		p->exec = 1;
	}
	if (j->local->fifo != NULL && fifo_open(j->local->fifo, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	/* --readline's editor; an idle one otherwise, which edit_free() takes. */
	if (j->local->readline)
		plain_readline_init(p);
	else
		edit_init(&p->ed, -1, 0, NULL, NULL, NULL);
	plain_greeting(p);
}

void
plain_free(struct plain *p)
{
	if (p->exec)
		exec_cmd_free(&p->cmd);
	free(p->greet);
	edit_free(&p->ed);
}

/* An admitted connection is ready: serve it. */
static int
plain_listen_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct plain	*p = arg;

	/* Without -k, the first client is the only one, as with nc. */
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
 * A client failed its handshake: -k waits for the next one.  One answered
 * over plain HTTP failed nothing: every server waits for the next.
 */
static void
plain_listen_failed(void *arg, const struct net_peer *peer,
    const char *cause)
{
	struct plain	*p = arg;

	(void)peer;
	/* Answered over plain HTTP (a file): the server's client is to come. */
	if (cause == NULL) {
		if (!p->j->side->keep || !p->exec)
			listener_pause(p->l, 0);
		return;
	}
	log_warnx("%s", cause);
	if (!p->j->side->keep) {
		p->status = 1;
		ev_break();
	} else if (!p->exec)
		listener_pause(p->l, 0);
}

/* stdio, or a program without -k: one connection at a time. */
static const struct listen_ops plain_serial_ops = {
	.flags = LISTEN_SERIAL,
	.start = plain_listen_start,
	.failed = plain_listen_failed,
	.admitted = plain_admitted,
	.abandon = plain_abandon,
};

/* A program for each client (-k -e, -k -c): many at once. */
static const struct listen_ops plain_concurrent_ops = {
	.start = plain_listen_start,
	.failed = plain_listen_failed,
	.admitted = plain_admitted,
	.abandon = plain_abandon,
};

/*
 * Listen on the address and port of the command line and relay with the
 * client; with -k, with one client after another, or with programs for
 * many clients at once.
 */
__startup int
plain_listen(const struct job *j)
{
	char		*cause;
	int		 lfd;

	if ((lfd = listen_open(j->side, j->side->host, 0, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	return (plain_serve(j, lfd));
}

/*
 * Accept connections on the listening socket lfd and relay stdin and
 * stdout with each in turn (with -k) or with the first.  Returns the exit
 * status.
 */
__startup int
plain_serve(const struct job *j, int lfd)
{
	struct plain	 p;

	plain_init(&p, j);
	listener_run(j->side, lfd, p.exec && j->side->keep ? &plain_concurrent_ops :
	    &plain_serial_ops, &p, &p.l);
	plain_free(&p);
	return (p.status);
}
