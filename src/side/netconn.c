/*
 * A client's admission (--allow, --deny, --max-conns) and its place in the
 * gate's count: the struct netconn a mode is handed, and netconn_free(),
 * the one way a place is given back.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

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
 * Decide about peer on fd (-1: a datagram peer of a shared socket); when
 * admitted, *ncp holds the place until netconn_free() and owns fd.
 * Returns GATE_ADMIT, GATE_DENY or GATE_FULL, or -1 with errno; unless
 * admitted, fd is still the caller's.
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
 * A connection on fd that holds no place in the count.  Returns NULL with
 * errno (fd still the caller's).
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

/* A datagram peer's read once its one datagram was given: end-of-file. */
static ssize_t
netconn_once_read(struct endpoint *ep, __unused void *p, __unused size_t n)
{
	ep->flags |= EP_DGRAM_FIN;
	return (0);
}

static const struct ep_ops netconn_once_ops = {
	.read = netconn_once_read,
};

/*
 * Make nc's socket the endpoint name of s, with its TLS or WebSocket, its
 * messages as how says (NC_BINARY, NC_MESSAGES).  The endpoint owns the
 * socket, TLS and WebSocket; nc keeps the place and stays the mode's.
 * Returns the endpoint, or NULL with errno, nc unchanged.
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

/* Close what nc holds and give its place back (the one way to). */
__shortrun void
netconn_free(struct netconn *nc)
{
	if (nc == NULL)
		return;
	DEBUG_CHECK(nc->early == NULL, "netconn_free: what admitted made "
	    "for the connection was never taken");
	/*
	 * ws_free() and tls_free() take NULL, but the tests keep a plain
	 * client from calling them at all (t-footprint counts its calls).
	 */
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
		listener_wake();
	}
	free(nc->anc);
	free(nc);
}

/*
 * The admission step every server shares: rules, then the count; a
 * refusal says one -v line, an admission netcat's "Connection received
 * on" (for a datagram server with -k, when the name is known), and *ncp
 * (fd -1) holds the place until netconn_free().  Returns GATE_ADMIT,
 * GATE_DENY or GATE_FULL, or -1 with errno.
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
