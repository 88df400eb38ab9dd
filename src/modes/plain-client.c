/*
 * Plain mode's client: each port dialled in turn, or a socket connected
 * already, relayed with stdin and stdout or a program; -F and --reconnect.
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

/*
 * --reconnect: how long what waits to be sent may take to go once the
 * peer has ended what it sends, before the connection is let go.
 */
#define RECONNECT_DRAIN_MS	1000

/* Where the client connects, for its messages: "HOST PORT" or "PATH". */
static void
conn_label(const struct conn *c, char *label, size_t len)
{
	const struct plain	*p = c->p;

	(void)snprintf(label, len, "%s%s%s", p->j->side->host, p->port != NULL ?
	    " " : "", p->port != NULL ? p->port : "");
}

/*
 * --reconnect: say what stdin gave while no connection could take it; data
 * lost makes the status 1.
 */
__shortrun void
conn_spilled(struct conn *c)
{
	if (c->tx == NULL || c->tx->spilled == 0)
		return;
	log_warnx("%llu bytes of stdin lost while disconnected (%u at "
	    "most wait)", (unsigned long long)c->tx->spilled, c->tx->bufsize);
	c->tx->spilled = 0;
	c->p->status = 1;
}

/* --reconnect: the bytes waiting to go to the peer (stdin's, a greeting). */
static size_t
conn_unsent(const struct conn *c)
{
	return (c->tx != NULL ? channel_pending(c->tx) : 0);
}

static void	conn_back(int, const struct net_peer *, struct tls *,
		    struct ws *, void *);

/* --reconnect: what waited had its moment: the connection is let go. */
void
conn_drain_cb(void *arg)
{
	struct conn	*c = arg;

	c->drained = 1;
	if (c->s != NULL)
		session_check(c->s);
}

/*
 * --reconnect: has the connection ended, to be made again?  Returns 0 when
 * not, 1 when it has and the session goes on without it (stdin waits), -1
 * when it cannot be made again.
 */
int
conn_lost(struct conn *c)
{
	struct plain	*p = c->p;
	const struct job	*j = p->j;
	struct channel	*tx = c->tx, *rx = c->rx;
	const char	*why = "closed by the peer";
	char		 label[NI_MAXHOST + NI_MAXSERV + 2];

	if (c->away)
		return (1);
	if (!(c->net->flags & EP_GONE) && !channel_ended(rx))
		return (0);
	if (rx->state == CH_FAILED ||
	    (!j->flow->no_stdin && tx != NULL && tx->state == CH_DONE))
		return (0);
	/* What was read before the loss is shown first. */
	if (!channel_ended(rx)) {
		channel_end_source(rx);
		if (!channel_ended(rx))
			return (1);
	}
	/*
	 * The peer ended what it sends, and may still read (a shutdown, a
	 * WebSocket close within its grace): what waits has a moment to go.
	 */
	if (!(c->net->flags & EP_GONE) && !c->drained && conn_unsent(c) > 0) {
		if (!ev_timer_armed(&c->drain))
			ev_timer_arm(&c->drain, RECONNECT_DRAIN_MS);
		return (1);
	}
	ev_timer_disarm(&c->drain);
	c->drained = 0;
	/* --on-connect's text was this connection's: the next has its own. */
	if (tx != NULL && tx->bytes < c->greet_end)
		channel_unqueue(tx, c->greet_end - tx->bytes);
	if (rx->error_op != NULL)
		why = ep_strerror(c->net, rx->error);
	else if (tx != NULL && tx->error_op != NULL &&
	    strcmp(tx->error_op, "write") == 0)
		why = ep_strerror(c->net, tx->error);
	conn_label(c, label, sizeof(label));
	if (log_verbosity() >= 1)
		log_info("Connection to %s lost: %s", label, why);
	if (c->redial == NULL && (c->redial = redial_new(j->side,
	    j->side->host, p->port, conn_back, c)) == NULL) {
		log_warn("reconnect");
		p->status = 1;
		return (-1);
	}
	ep_detach(c->net);
	/* An idle timer (-w) is the connection's: none while there is none. */
	session_set_idle(c->s, TIME_NONE);
	c->away = 1;
	redial_start(c->redial);
	return (1);
}

/*
 * --reconnect: the connection is made again (fd, over t or w), or fd is -1
 * when the attempts are spent.
 */
static void
conn_back(int fd, const struct net_peer *peer, struct tls *t, struct ws *w,
    void *arg)
{
	struct conn	*c = arg;
	struct plain	*p = c->p;
	const struct job	*j = p->j;
	char		 label[NI_MAXHOST + NI_MAXSERV + 2];
	size_t		 unsent;

	conn_label(c, label, sizeof(label));
	if (fd == -1) {
		unsent = j->flow->no_stdin ? 0 : conn_unsent(c);
		if (unsent > 0)
			log_warnx("gave up reconnecting to %s after %d "
			    "attempts (%zu bytes of stdin unsent)", label,
			    redial_tries(c->redial), unsent);
		else
			log_warnx("gave up reconnecting to %s after %d "
			    "attempts", label, redial_tries(c->redial));
		p->status = 1;
		session_finish(c->s);
		return;
	}
	if (log_verbosity() >= 1)
		log_info("Reconnected to %s (attempt %d)", label,
		    redial_tries(c->redial));
	c->away = 0;
	c->peer = *peer;
	conn_spilled(c);
	/* A WebSocket said its end in frames: the next one may not. */
	c->net->shut = EP_SHUT_SOCKET;
	if (t != NULL)
		tls_attach(c->net, t);
	if (w != NULL)
		ws_attach(c->net, w, j->side->ws.binary);
	if (p->greetlen > 0 && c->tx != NULL) {
		if (channel_inject_first(c->tx, p->greet, p->greetlen) == -1)
			log_warn("--on-connect");
		else
			c->greet_end = c->tx->bytes + p->greetlen;
	}
	/* A --raw client says its hello again, first: a new server. */
	if (j->local->raw && c->tx != NULL) {
		if (term_hello(c->tx, c->rx) == -1)
			log_warn("--raw");
		else
			c->greet_end = (c->greet_end > c->tx->bytes ?
			    c->greet_end : c->tx->bytes) + PTY_HELLO_LEN;
	}
	conn_set_idle(c);
	/* The session's rule runs: c may be gone on return. */
	ep_attach(c->net, fd);
}

/* -F: hand the connected socket to whoever holds stdout, and exit. */
__dead void
plain_pass_fd(int fd)
{
	ssize_t	 n;

	if (isatty(STDOUT_FILENO))
		fatalx("Cannot pass file descriptor to tty");
	if ((n = net_send_fd(STDOUT_FILENO, fd)) == -1)
		fatal("sendmsg");
	if (n != 1)
		fatalx("sendmsg: unexpected return value %zd", n);
	exit(0);
}

/*
 * The connection to p->port is made, before its handshakes: netcat's -v
 * line, and -F hands the socket over.
 */
static __shortrun void
plain_dialled(int fd, const struct net_peer *peer, void *arg)
{
	struct plain		*p = arg;
	const struct side	*sd = p->j->side;

	/* A Unix-domain socket has no port, and -U's mode no such line. */
	if (p->port != NULL)
		net_report_connect(sd, sd->host, p->port, peer);
	FLOW_TAKEN(fdpass);
	if (p->j->flow->fdpass)
		plain_pass_fd(fd);
}

/* fork: a connection made, served. */
static int
plain_fork_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct plain	*p = arg;

	if (plain_start(p, nc, peer) == -1)
		p->status = 1;
	return (0);
}

/*
 * Connect to each port in turn and relay, as netcat; with socat's fork,
 * to the first again and again (join_dial()).  Returns the exit status.
 */
__shortrun int
plain_connect(const struct job *j)
{
	const struct side	*sd = j->side;
	struct plain		 p;
	struct dial_how		 how = { .dialled = plain_dialled };
	struct net_peer		 peer;
	struct netconn		*nc;
	char			*cause;
	size_t			 i, n = sd->nports;
	int			 connected = 0;

	plain_init(&p, j);
	how.dialled_arg = &p;
	/*
	 * -U: the path is the host, and there is no port; a full backlog
	 * is waited out, as netcat's blocking connect waits.
	 */
	if (sd->sock.family == AF_UNIX) {
		how.flags = DIAL_BACKLOG;
		n = 1;
	}
	if (sd->dial_fork) {
		p.port = sd->nports > 0 && sd->sock.family != AF_UNIX ?
		    sd->ports[0] : NULL;
		if (join_dial(sd, p.port, &how, plain_fork_start, &p,
		    &p.stopping) != 0)
			p.status = 1;
		while (!TAILQ_EMPTY(&p.conns) || ev_timer_armed(&p.quit)) {
			if (ev_loop() == -1)
				fatal("poll");
		}
		plain_free(&p);
		return (p.status);
	}
	for (i = 0; i < n; i++) {
		p.port = sd->nports > 0 ? sd->ports[i] : NULL;
		if ((nc = open_wait(sd, sd->host, p.port, &how, &peer,
		    &cause)) == NULL) {
			if (cause != NULL)
				fatalx("%s", cause);
			/* nc says it with -v only; a path's, always. */
			if (sd->say_refused || sd->sock.family == AF_UNIX)
				net_report_refused(sd, sd->host, p.port, errno);
			continue;
		}
		connected = 1;
		if (plain_start(&p, nc, &peer) == -1) {
			if (!p.exec)
				exit(1);
			p.status = 1;
			continue;
		}
		/* A connection may be over already, the loop ended. */
		if ((!TAILQ_EMPTY(&p.conns) || ev_timer_armed(&p.quit)) &&
		    ev_loop() == -1)
			fatal("poll");
		if (p.stopping)
			break;
	}
	/*
	 * --reconnect makes a connection again once one was made: someone
	 * who gave it for a server not up yet is told what waits for the
	 * first.
	 */
	if (!connected && sd->reconnect && sd->retries == 0)
		log_warning("--reconnect dials again only after a connection "
		    "ends: --retry forever waits for the first");
	plain_free(&p);
	return (connected ? p.status : 1);
}
