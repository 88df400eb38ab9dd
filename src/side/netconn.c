/*
 * A client's admission and its place in the gate's count: the gate's
 * decision (--allow, --deny, --max-conns), the struct netconn an admitted
 * client is handed to its mode in, made an endpoint of the mode's
 * session, and netconn_free(), the one way a place is given back.  A
 * datagram server admits each new peer here (listen_admit()); a stream
 * server's clients come through the listener (listen.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <unistd.h>

#include "side.h"
#include "listen-int.h"

/*
 * How many places in the gate's count netconns hold: all of them.  Debug
 * builds check it whenever one is taken or given back, so that a place
 * given back by anything but netconn_free(), or twice, stops the program
 * at once instead of letting --max-conns drift (doc/design.md).
 */
static int		 netconn_held;

/*
 * Decide about the client at peer on the socket fd (or -1: a datagram
 * peer of a shared socket) with the gate (gate_decide()), and when it is
 * admitted make *ncp, which holds the client's place in the count until
 * netconn_free() and owns fd from then on.  Returns GATE_ADMIT,
 * GATE_DENY or GATE_FULL (fd is still the caller's), or -1 with errno
 * (out of memory: the place is given back, and fd is the caller's).
 */
int
netconn_admit(const struct side *sd, int fd, const struct net_peer *peer,
    struct netconn **ncp)
{
	struct netconn	*nc;
	int		 v;

	*ncp = NULL;
	if ((v = gate_decide(&sd->gate, sd->run, peer)) != GATE_ADMIT)
		return (v);
	if ((nc = netconn_new(fd)) == NULL) {
		gate_release(sd->run);
		return (-1);
	}
	nc->run = sd->run;
	netconn_held++;
	DEBUG_CHECK(sd->run->conns == netconn_held, "netconn_admit: the gate "
	    "counts a place no netconn holds");
	*ncp = nc;
	return (GATE_ADMIT);
}

/*
 * A connection that holds no place in the count (a client's own, or a
 * socket already connected), on the socket fd, so that a mode that
 * serves both treats both alike.  Returns NULL with errno (fd is still
 * the caller's).
 */
__shortrun struct netconn *
netconn_new(int fd)
{
	struct netconn	*nc;

	if ((nc = calloc(1, sizeof(*nc))) == NULL)
		return (NULL);
	nc->fd = fd;
	return (nc);
}

/*
 * The read of a datagram peer's socket whose one datagram the mode was
 * given (nc->once): its end.  Shut down for reading, the socket is always
 * readable, so the end is read at once; what else the peer sent is not.
 */
static ssize_t
netconn_once_read(struct endpoint *ep, void *p, size_t n)
{
	(void)p;
	(void)n;
	ep->flags |= EP_DGRAM_FIN;
	return (0);
}

static const struct ep_ops netconn_once_ops = {
	.read = netconn_once_read,
};

/*
 * Make the client's socket the endpoint name of session s, speaking TLS
 * or WebSocket as the client does, its messages as how says (NC_BINARY,
 * NC_MESSAGES: each a datagram, the endpoint then EP_DGRAM).  The
 * endpoint then owns the socket, TLS and WebSocket; nc keeps the
 * client's place in the count, and the mode keeps nc.  Returns the
 * endpoint, or NULL with errno, nc unchanged.
 */
__shortrun struct endpoint *
netconn_endpoint(struct netconn *nc, struct session *s, const char *name,
    enum ep_shut shut, int flags, int how)
{
	struct endpoint	*ep;

	if (nc->ws != NULL && (how & NC_MESSAGES))
		flags |= EP_DGRAM;
	if ((ep = session_endpoint(s, name, nc->fd, nc->fd, shut,
	    flags)) == NULL)
		return (NULL);
	if (nc->tls != NULL)
		tls_attach(ep, nc->tls);
	if (nc->ws != NULL)
		ws_attach(ep, nc->ws, (how & NC_BINARY) != 0);
	if (nc->once && nc->tls == NULL && nc->ws == NULL)
		ep->ops = &netconn_once_ops;
	nc->fd = -1;
	nc->tls = NULL;
	nc->ws = NULL;
	return (ep);
}

/*
 * The client is done with: close what is still in nc and give its place
 * in the count back.  The one way a place is given back.
 */
__shortrun void
netconn_free(struct netconn *nc)
{
	if (nc == NULL)
		return;
	if (nc->ws != NULL)
		ws_free(nc->ws);
	if (nc->tls != NULL)
		tls_free(nc->tls);
	if (nc->fd != -1)
		close(nc->fd);
	if (nc->run != NULL) {
		netconn_held--;
		gate_release(nc->run);
		DEBUG_CHECK(nc->run->conns == netconn_held, "netconn_free: "
		    "the gate counts a place no netconn holds");
		nc->run = NULL;
		listener_wake();
	}
	free(nc->anc);
	free(nc);
}

/*
 * The admission step every server shares, for a client at peer: the rules
 * (--allow, --deny) first, then the count (--max-conns).  A refusal is
 * reported with exactly one -v line; an admitted client with netcat's
 * "Connection received on" line, and *ncp (of no socket: fd -1) holds
 * its place in the count until netconn_free().
 * For a datagram server, whose peer has no connection to hold back: with
 * -k (many peers) the line comes when the peer's name does, and the peer
 * is served meanwhile; without -k (one peer, as netcat) before its first
 * datagram is taken.  Returns GATE_ADMIT, GATE_DENY or GATE_FULL, or -1
 * with errno (out of memory: not admitted after all).
 */
int
listen_admit(const struct side *sd, const struct net_peer *peer,
    struct netconn **ncp)
{
	int	 v;

	if ((v = netconn_admit(sd, -1, peer, ncp)) != GATE_ADMIT)
		return (v);
	if (sd->keep)
		(void)listen_name_start(sd, peer, NULL, NULL);
	else
		net_report_accept(sd, peer);
	return (v);
}
