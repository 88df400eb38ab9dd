/*
 * Plain mode with a program (-e, -c): one started for each connection
 * and wired to its socket, started early while a client's TLS handshake
 * runs; and a datagram listener with a program, which gives each peer
 * address a connection of its own.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"
#include "plain-int.h"

/*
 * A program started for an admitted client before its TLS handshake
 * (plain_admitted()), until the handshake ends.
 */
struct early {
	int			 fd;	/* The client's socket. */
	struct child		*child;
	TAILQ_ENTRY(early)	 entry;
};

/*
 * The end of a session with a program, for the one rule (session.c): both
 * ways ended; or, once the program has exited, the end of its output (tx,
 * which shuts the socket down for writing when delivered), since nobody
 * will read what the peer still sends (its children may, until then).
 * A program only written to (socat's -U) ends its way at its exit.
 */
static void
conn_program_gone(struct conn *c)
{
	if (c->tx != NULL)
		c->tx->flags |= CH_FINAL;
	else if (c->rx != NULL)
		ep_write_ended(c->rx->dst);
}

static void
conn_child_exited(struct child *child, void *arg)
{
	struct conn	*c = arg;

	(void)child;
	if (c->s != NULL) {
		conn_program_gone(c);
		session_check(c->s);
	} else
		conn_done(c);
}

/* The program started early for the client on fd, taken off the list. */
static struct child *
plain_take_early(struct plain *p, int fd)
{
	struct early	*e;
	struct child	*child;

	TAILQ_FOREACH(e, &p->early, entry) {
		if (e->fd == fd)
			break;
	}
	if (e == NULL)
		return (NULL);
	TAILQ_REMOVE(&p->early, e, entry);
	child = e->child;
	free(e);
	return (child);
}

/*
 * Start the program for the connection's socket and wire it to the
 * connection: what the peer sends is its stdin, and its stdout is sent,
 * the socket shut down for writing when it closes.  A program that cannot
 * be started is reported; returns -1.
 */
int
conn_start_exec(struct conn *c, const struct net_peer *peer)
{
	struct plain	*p = c->p;
	struct exec_conn ec;
	struct session	*s;
	struct endpoint	*prog, *net;
	char		*cause, **tlsenv = NULL;
	size_t		 skip;
	int		 copy = p->j->flow->no_splice ? CH_COPY : 0;

	/* socat's nofork: the connection is the program's, in our place. */
	if (p->j->local->exec_nofork) {
		if (dup2(c->nc->fd, STDIN_FILENO) == -1 ||
		    dup2(c->nc->fd, STDOUT_FILENO) == -1 ||
		    net_set_nonblock(STDIN_FILENO, 0) == -1)
			log_warn("%s", p->cmd.text);
		else {
			execvp(p->cmd.path, p->cmd.argv);
			log_warn("exec %s", p->cmd.path);
		}
		return (-1);
	}
	if ((c->child = plain_take_early(p, c->nc->fd)) == NULL) {
		exec_conn_socket(&ec, c->nc->fd, peer);
		ec.cgi = ws_cgi(c->nc->ws);
		ec.socat = p->j->side->socat;
		/* socat's program learns its TLS peer's certificate. */
		if (ec.socat && c->nc->tls != NULL &&
		    (tlsenv = tls_peer_env(c->nc->tls, "SOCAT_OPENSSL_X509_")) ==
		    NULL) {
			log_warn("exec");
			return (-1);
		}
		ec.extra = tlsenv;
		c->child = exec_spawn(&p->cmd, &ec, &cause);
		exec_environ_free(tlsenv, 0);
		if (c->child == NULL) {
			log_warnx("%s", cause != NULL ? cause : strerror(errno));
			free(cause);
			return (-1);
		}
	}
	c->child->exited_cb = conn_child_exited;
	c->child->arg = c;
	if ((s = session_new(NULL, conn_finished, c)) == NULL)
		goto fail;
	c->s = s;
	if ((net = conn_net(c, s)) == NULL)
		goto fail;
	/*
	 * socat's -u: the program is only written to, its stdout ours; -U:
	 * only read, what the peer sends is not for it (discarded).
	 */
	if ((prog = exec_endpoint(s, c->child)) == NULL ||
	    (c->rx = session_channel(s, "receive", net,
	    p->cmd.keep_in ? stdio_discard(s) : prog,
	    CH_SHUTDOWN | copy)) == NULL ||
	    (!p->cmd.keep_out &&
	    (c->tx = session_channel(s, "send", prog, net,
	    CH_SHUTDOWN | copy)) == NULL))
		goto fail;
	if (p->j->flow->crlf && c->tx != NULL)
		c->tx->xform = crlf_xform;
	if (p->j->flow->socat_crlf && c->tx != NULL)
		c->tx->xform = crlf_socat_out;
	if (p->j->flow->socat_crlf)
		c->rx->xform = crlf_socat_in;
	/* Over DTLS each read of the program's is one record. */
	if (p->j->side->sock.socktype == SOCK_DGRAM && p->j->side->tls.on &&
	    c->tx != NULL)
		c->tx->bufsize = DTLS_MAXPAYLOAD;
	/*
	 * A terminal takes its window size from what the peer sends, once
	 * the side that dialled has said, first, that they speak of them.
	 */
	if (p->j->local->pty &&
	    pty_exchange(c->rx, c->tx, !p->j->side->listen) == -1)
		goto fail;
	if (conn_tune(c, c->rx, c->tx) == -1)
		goto fail;
	/* A datagram listener's first datagram from this peer. */
	skip = p->j->local->pty && p->dgramlen > 0 ?
	    pty_first_datagram(c->rx, p->dgram, p->dgramlen) : 0;
	if (p->dgramlen > skip && channel_inject(c->rx,
	    (const char *)p->dgram + skip, p->dgramlen - skip) == -1)
		goto fail;
	conn_set_idle(c);
	if (p->j->side->listen)
		gate_session(&p->j->side->gate, s);
	/* Started early, the program may have exited already. */
	if (c->child->exited)
		conn_program_gone(c);
	if (session_start(s) == -1)
		goto fail;
	return (0);

fail:
	log_warn("session");
	return (-1);
}

/*
 * An admitted client, before its TLS handshake: start its program now, as
 * without --ssl, so that the program's start overlaps the handshake, when
 * listen_early() allows it.  It is given nothing the client sends before
 * the handshake has succeeded, and what it writes waits until then; if
 * the handshake fails, it sees end-of-file, as it does when a client
 * without TLS leaves at once.  Should it not start here, it is started
 * (and the failure reported) once the handshake is over.
 */
void
plain_admitted(void *arg, int fd, const struct net_peer *peer)
{
	struct plain	*p = arg;
	struct exec_conn ec;
	struct early	*e;

	/* socat's program is told its TLS peer: started after the handshake. */
	if (!p->exec || p->j->local->exec_nofork ||
	    !listen_early(p->j->side) || (p->j->side->socat &&
	    p->j->side->tls.on))
		return;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return;
	exec_conn_socket(&ec, fd, peer);
	ec.socat = p->j->side->socat;
	if ((e->child = exec_spawn(&p->cmd, &ec, NULL)) == NULL) {
		free(e);
		return;
	}
	e->fd = fd;
	TAILQ_INSERT_TAIL(&p->early, e, entry);
}

/* The client's handshake failed: its program sees end-of-file. */
void
plain_abandon(void *arg, int fd)
{
	exec_release(plain_take_early(arg, fd));
}

/*
 * Hand a datagram from peer to the connection already serving that peer,
 * if there is one: one that reached the listener before the peer's own
 * socket was connected.  Returns 1 if there was one (the datagram is
 * dropped when its channel has no room, as datagrams are), else 0.
 */
static int
plain_dgram_route(void *arg, const struct net_peer *peer, const void *dgram,
    size_t n)
{
	struct plain	*p = arg;
	struct conn	*c;

	TAILQ_FOREACH(c, &p->conns, entry) {
		if (c->s == NULL || c->rx == NULL || !dgram_addr_equal(
		    &c->peer.ss, c->peer.len, &peer->ss, peer->len))
			continue;
		if (channel_inject(c->rx, dgram, n) == -1)
			log_verbose(2, "datagram dropped: %s", strerror(errno));
		return (1);
	}
	return (0);
}

/*
 * A new peer of the listener, which runs a program per peer (-u -l with
 * -e or -c): its connection, whose program reads its first datagram
 * first.
 */
static int
plain_dgram_start(void *arg, struct netconn *nc, const struct net_peer *peer,
    const void *dgram, size_t n)
{
	struct plain	*p = arg;
	int		 rv;

	p->dgram = dgram;
	p->dgramlen = n;
	rv = plain_start(p, nc, peer);
	p->dgram = NULL;
	p->dgramlen = 0;
	if (rv == -1 && !p->j->side->keep) {
		p->status = 1;
		ev_break();
	}
	return (rv);
}

static const struct peer_ops plain_dgram_ops = {
	.start = plain_dgram_start,
	.route = plain_dgram_route,
};

/*
 * Serve the bound datagram socket lfd (UDP; Unix domain without -k) with
 * a program per peer (-e, -c): each peer address gets its own, many at
 * once with -k.  Returns the exit status.
 */
int
plain_serve_dgram(const struct job *j, int lfd)
{
	struct plain	 p;

	plain_init(&p, j);
	if ((p.peers = peers_new(j->side, lfd, &plain_dgram_ops, &p)) == NULL)
		fatal("datagram listener");
	if (ev_loop() == -1)
		fatal("poll");
	peers_free(p.peers);
	plain_free(&p);
	return (p.status);
}
