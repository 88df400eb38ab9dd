/*
 * The datagram form of accept (doc/design.md, "Datagram peers"): a bound
 * datagram socket whose new peers are admitted by the gate and each given
 * a socket of its own, connected to it, with its first datagram.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "side.h"

struct peers {
	const struct side	*sd;
	int			 lfd;	/* -1 once given to the one peer */
	const struct peer_ops	*ops;
	void			*arg;
	unsigned char		*dgram;	/* the datagram just read */
	int			 starved; /* out of descriptors, and said so */
	struct sock_anc		 anc;	/* and its control messages */
};

static void	peers_take(struct peers *, const struct net_peer *, size_t);

/*
 * Receive one datagram on fd into ps->dgram, its sender into peer.  Returns
 * its length, or -1 with errno.
 */
static ssize_t
peers_recv(struct peers *ps, int fd, struct net_peer *peer)
{
	unsigned char	 control[256];
	struct iovec	 iov = { .iov_base = ps->dgram,
	    .iov_len = CHANNEL_BUFSIZE };
	struct msghdr	 m = { .msg_name = &peer->ss,
	    .msg_namelen = sizeof(peer->ss), .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = control, .msg_controllen = sizeof(control) };
	ssize_t		 n;

	memset(peer, 0, sizeof(*peer));
	ps->anc.n = 0;
	if ((n = recvmsg(fd, &m, MSG_DONTWAIT)) == -1)
		return (-1);
	peer->len = m.msg_namelen;
	if (anc_parse(&m, &ps->anc) > 0)
		anc_log(&ps->anc);
	return (n);
}

/*
 * Handle what fd, just connected, took from anyone before; without -k
 * others' datagrams are dropped.
 */
static void
peers_drain(struct peers *ps, int fd)
{
	struct net_peer	 peer;
	ssize_t		 n;

	while ((n = peers_recv(ps, fd, &peer)) != -1 || errno == ECONNREFUSED) {
		if (n == -1)
			continue;
		if (ps->sd->keep)
			peers_take(ps, &peer, n);
		else if (!ps->sd->dgram_once)
			ps->ops->route(ps->arg, &peer, ps->dgram, n);
	}
}

/* A datagram from peer on ps->lfd: to its connection, or a new peer's. */
static void
peers_take(struct peers *ps, const struct net_peer *peer, size_t n)
{
	struct netconn	*nc;
	int		 fd, own;

	/* socat's *-RECVFROM: each datagram a session of its own. */
	if (!ps->sd->dgram_once && ps->ops->route(ps->arg, peer, ps->dgram,
	    n))
		return;
	/* An unbound Unix socket (logger) cannot be answered. */
	if (udp_unnamed(&peer->ss, peer->len)) {
		log_verbose_warn(1, "datagram from an unnamed socket ignored");
		return;
	}
	/* Refused (--allow, --deny) or full (--max-conns): dropped. */
	if (listen_admit(ps->sd, peer, &nc) != GATE_ADMIT)
		return;
	if (ps->sd->keep)
		fd = udp_peer_socket(ps->sd, ps->lfd, peer);
	else if ((fd = connect(ps->lfd, (const struct sockaddr *)&peer->ss,
	    peer->len)) == 0) {
		ev_del(ps->lfd);
		fd = ps->lfd;
		ps->lfd = -1;
	}
	/*
	 * Out of descriptors is said once, not for each datagram that comes
	 * meanwhile (a stranger's flood), until a peer has a socket again.
	 */
	if (fd == -1) {
		own = ps->sd->keep && net_own_error(errno);
		if (!own || !ps->starved)
			log_warn(ps->sd->keep ? "socket for a peer" :
			    "connect");
		ps->starved = own;
		netconn_free(nc);
		return;
	}
	ps->starved = 0;
	nc->fd = fd;
	/* What its first datagram's control messages said, for a program. */
	if (ps->anc.n > 0 && (nc->anc = malloc(sizeof(*nc->anc))) != NULL)
		*nc->anc = ps->anc;
	/*
	 * socat's *-RECVFROM: the session is the one datagram, then its end
	 * (netconn_endpoint()), which a program reading to its input's end
	 * (tr, bc) waits for to answer.
	 */
	if (ps->sd->dgram_once) {
		(void)shutdown(fd, SHUT_RD);
		nc->once = 1;
	}
	if (ps->ops->start(ps->arg, nc, peer, ps->dgram, n) == -1)
		return;
	peers_drain(ps, fd);
}

/* A datagram is waiting on the listener. */
static void
peers_cb(int lfd, __unused int events, void *arg)
{
	struct peers	*ps = arg;
	struct net_peer	 peer;
	ssize_t		 n;

	if ((n = peers_recv(ps, lfd, &peer)) == -1) {
		/* A reply that was refused ends nothing for a listener. */
		if (errno == ECONNREFUSED)
			return;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			log_warn("recvfrom");
		return;
	}
	peers_take(ps, &peer, n);
}

/*
 * Serve the bound datagram socket lfd: each new peer's connection goes to
 * ops->start with arg (the mode owns it; its first datagram is valid
 * during the call).  ops->route is asked first for every datagram and
 * returns 1 when it took it.  Without -k, one peer.  Returns the
 * listener, or NULL with errno.
 */
struct peers *
peers_new(const struct side *sd, int lfd, const struct peer_ops *ops,
    void *arg)
{
	struct peers	*ps;
	int		 on = 1;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return (NULL);
	if ((ps->dgram = malloc(CHANNEL_BUFSIZE)) == NULL) {
		free(ps);
		return (NULL);
	}
	ps->sd = sd;
	ps->lfd = lfd;
	ps->ops = ops;
	ps->arg = arg;
	/* -k: every peer, each on a socket of its own; else the first. */
	SIDE_TAKEN(keep);
	/*
	 * Peers' own sockets share the port (udp_peer_socket()), which
	 * SO_REUSEPORT allows to this user's sockets only.
	 */
	if ((sd->keep && setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &on,
	    sizeof(on)) == -1) || ev_set(lfd, EV_READ, peers_cb, ps) == -1) {
		free(ps->dgram);
		free(ps);
		return (NULL);
	}
	return (ps);
}

/* Is the listener still open (not given to its one peer, not closed)? */
int
peers_open(const struct peers *ps)
{
	return (ps->lfd != -1);
}

/* Stop listening: close the socket, unless its one peer has it. */
void
peers_close(struct peers *ps)
{
	if (ps == NULL || ps->lfd == -1)
		return;
	ev_del(ps->lfd);
	close(ps->lfd);
	ps->lfd = -1;
}

void
peers_free(struct peers *ps)
{
	if (ps == NULL)
		return;
	peers_close(ps);
	free(ps->dgram);
	free(ps);
}
