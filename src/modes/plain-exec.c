/*
 * Plain mode with a program (-e, -c): one per connection, started during
 * a client's TLS handshake; and a datagram listener's program per peer.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"
#include "plain-int.h"

/* The program exited: its output's end ends the session. */
static void
conn_child_exited(__unused struct child *child, void *arg)
{
	struct conn	*c = arg;

	if (c->s != NULL) {
		join_program_gone(c->rx, c->tx);
		session_check(c->s);
		return;
	}
	/*
	 * A program given the connection (plain_exec_direct()) has ended:
	 * the client is let go as the relay lets it go, its end-of-file
	 * after what the program wrote, what it still sends read and
	 * dropped, so that no reset throws away the program's last words.
	 */
	if (c->nc->fd != -1) {
		sock_linger(c->nc->fd);
		c->nc->fd = -1;
	}
	conn_done(c);
}

/*
 * Set the environment telling c's program of its connection; *tlsenv is the
 * caller's to free.  Returns -1, said.
 */
static int
conn_exec_env(struct conn *c, int fd, const struct net_peer *peer,
    struct exec_conn *ec, char ***tlsenv)
{
	const struct side	*sd = c->p->j->side;

	exec_conn_socket(ec, fd, sd->sock.socktype, peer);
	*tlsenv = NULL;
	if (c->nc != NULL) {
		ec->anc = c->nc->anc;
		ec->cgi = ws_cgi(c->nc->ws);
		if (sd->dialect->env_tls != NULL && c->nc->tls != NULL &&
		    (*tlsenv = tls_peer_env(c->nc->tls,
		    sd->dialect->env_tls)) == NULL) {
			log_warn("exec");
			return (-1);
		}
	}
	ec->extra = *tlsenv;
	return (0);
}

/*
 * Start the client's program on the connection itself, nothing of ours
 * between, as socat's nofork or inetd do; keep says whether our copy stays
 * for the lingering close.  Returns -1 when it cannot start (said).
 */
static int
conn_start_here(struct conn *c, const struct net_peer *peer, int keep)
{
	struct exec_conn ec;
	char		**tlsenv = NULL;
	char		*cause = NULL;

	if (conn_exec_env(c, c->nc->fd, peer, &ec, &tlsenv) == -1)
		return (-1);
	ec.on_fd = 1;
	ec.fd = c->nc->fd;
	c->child = end_program_start(c->p->j->near, &ec, 1, 1, &cause);
	exec_environ_free(tlsenv, 0);
	if (c->child == NULL) {
		if (cause != NULL)
			log_warnx("%s", cause);
		free(cause);
		return (-1);
	}
	c->child->exited_cb = conn_child_exited;
	c->child->arg = c;
	ev_del(c->nc->fd);
	if (!keep) {
		close(c->nc->fd);
		c->nc->fd = -1;
	}
	return (0);
}

/*
 * May each program be given its connection itself, as inetd does?  Only when
 * nothing of ours would touch the bytes (join_rides(), --stats, TLS,
 * timers).
 */
int
plain_exec_direct(const struct plain *p)
{
	const struct job	*j = p->j;
	const struct side	*sd = j->side, *near = j->near;

	/* A stream as accepted: no TLS, WebSocket or relay of ours on it. */
	if (!sd->listen || sd->sock.socktype != SOCK_STREAM)
		return (0);
	if (sd->tls.on || sd->ws.on || sd->via.on)
		return (0);
	/* No timer of ours over it. */
	if (sd->timeout_ms != TIME_NONE || sd->gate.idle_ms != TIME_NONE)
		return (0);
	/* The program reads and writes it all, on no terminal (--pty's). */
	if (!p->prog_rd || !p->prog_wr || near->local.pty)
		return (0);
	/* Nor is it run in our place (nofork), nor --fifo's. */
	if (near->local.nofork || near->fifo != NULL)
		return (0);
	if (j->local->raw || j->local->readline)
		return (0);
	return (!j->stats && !join_rides(j));
}

/* Start the program on the connection.  Returns -1 when it cannot (said). */
int
conn_start_exec(struct conn *c, const struct net_peer *peer)
{
	struct plain	*p = c->p;
	const struct job *j = p->j;
	struct exec_conn ec;
	struct end_how	 eh = { .rd = p->prog_rd, .wr = p->prog_wr,
	    .conn = &ec };
	char		**tlsenv = NULL;
	char		*cause = NULL;
	int		 rv;
	/* The program's end is the socket's (-N), unless --no-shutdown. */
	int		 flags[2] = { CH_SHUTDOWN,
			    j->flow->no_shutdown ? 0 : CH_SHUTDOWN };

	FLOW_TAKEN(shut_net);

	/*
	 * socat's nofork of a listener of many clients: each its own; and
	 * a client whose connection needs nothing of ours between.
	 */
	if (j->near->local.nofork && j->side->keep)
		return (conn_start_here(c, peer, 0));
	if (p->direct)
		return (conn_start_here(c, peer, 1));
	/* socat's nofork: the connection is the program's, in our place. */
	if (j->near->local.nofork) {
		end_program_here(j->near, c->nc->fd, 1, 1, &cause);
		log_warnx("%s", cause);
		free(cause);
		return (-1);
	}
	/* The program started early (plain_admitted()), if any. */
	eh.child = c->nc->early;
	c->nc->early = NULL;
	if (eh.child == NULL && conn_exec_env(c, c->nc->fd, peer, &ec,
	    &tlsenv) == -1)
		return (-1);
	/*
	 * socat's -u: the program is only written to, its stdout ours; -U:
	 * only read, what the peer sends is not for it (discarded).
	 */
	rv = conn_join(c, NULL, &eh, flags, !p->prog_wr);
	exec_environ_free(tlsenv, 0);
	if (rv == -1)
		return (-1);
	c->child->exited_cb = conn_child_exited;
	c->child->arg = c;
	/* Over DTLS each read of the program's is one record. */
	if (j->side->sock.socktype == SOCK_DGRAM && j->side->tls.on &&
	    c->tx != NULL)
		c->tx->bufsize = DTLS_MAXPAYLOAD;
	/*
	 * A terminal takes its window size from what the peer sends, once
	 * the side that dialled has said, first, that they speak of them.
	 * Through a relay (--via) both sides dialled: the program's answers
	 * a --raw peer's hello, as a listener's does.
	 */
	if (j->local->pty && pty_exchange(c->rx, c->tx, !j->side->listen &&
	    !j->side->via.on) == -1)
		goto fail;
	/*
	 * A datagram listener's first datagram from this peer, read as the
	 * peer's socket reads the next (--pty's hello and window sizes).
	 */
	if (p->dgramlen > 0 && channel_inject_read(c->rx, p->dgram,
	    p->dgramlen) == -1)
		goto fail;
	/* Started early, the program may have exited already. */
	if (c->child->exited)
		join_program_gone(c->rx, c->tx);
	session_start(c->s);
	return (0);

fail:
	log_warn("session");
	return (-1);
}

/*
 * Start an admitted client's program before its TLS handshake, as the
 * listener offers when listen_early() allows; it sees nothing until the
 * handshake succeeds, and end-of-file if it fails.  Returns the child, or
 * NULL: started after the handshake.
 */
void *
plain_admitted(void *arg, int fd, const struct net_peer *peer)
{
	struct plain	*p = arg;
	struct exec_conn ec;

	DEBUG_CHECK(listen_early(p->j->side), "a program started early "
	    "without a TLS handshake to overlap");
	/* A program told its TLS peer is started after the handshake. */
	if (!p->exec || p->j->near->local.nofork ||
	    p->j->side->dialect->env_tls != NULL)
		return (NULL);
	exec_conn_socket(&ec, fd, p->j->side->sock.socktype, peer);
	return (end_program_start(p->j->near, &ec, p->prog_rd, p->prog_wr,
	    NULL));
}

/* The client's handshake failed: its program sees end-of-file. */
void
plain_abandon(__unused void *arg, void *child)
{
	exec_release(child);
}

/*
 * Hand a datagram from peer to the connection already serving it.  Returns 1
 * if there is one (the datagram may be dropped), else 0.
 */
static int
plain_dgram_route(void *arg, const struct net_peer *peer, const void *dgram,
    size_t n)
{
	struct plain	*p = arg;
	struct conn	*c;

	TAILQ_FOREACH(c, &p->conns, entry) {
		if (c->s == NULL || c->rx == NULL || !udp_addr_equal(
		    &c->peer.ss, c->peer.len, &peer->ss, peer->len))
			continue;
		if (channel_inject_read(c->rx, dgram, n) == -1)
			log_verbose(2, "datagram dropped: %s", strerror(errno));
		return (1);
	}
	return (0);
}

/* Start a new peer's connection; its program reads the first datagram first. */
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

/* Serve lfd with a program per datagram peer.  Returns the exit status. */
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
