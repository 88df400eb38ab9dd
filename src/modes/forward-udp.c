/*
 * The port forwarder's datagrams (-u): to a udp: target they are relayed
 * peer by peer, each peer with its own socket towards the target; to a
 * target of another kind (a stream, TLS, a WebSocket), each peer is a
 * connection of its own (forward-conn.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"
#include "forward-int.h"

/* A datagram peer quiet this long is forgotten, unless --idle-timeout. */
#define FWD_UDP_IDLE_MS		(60 * 1000)
/* Datagrams taken from one socket per wake-up. */
#define FWD_UDP_BATCH		64
/*
 * The most bytes of a datagram peer's kept while its target is opened, as
 * a socket's receive buffer would keep them.
 */
#define FWD_EARLY_MAX		(4 * CHANNEL_BUFSIZE)

/*
 * Datagrams.  A peer is one client address: its own connected socket
 * towards the target, so that the target's replies on that socket go
 * back to that peer alone.
 */
struct upeer {
	struct forward		*f;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 name[NI_MAXHOST + NI_MAXSERV + 2];
	int			 fd;	/* to the target; -1: refused peer */
	struct netconn		*nc;	/* its place at the gate, or NULL */
	struct ev_timer		 idle;
	uint64_t		 up, down; /* bytes each way */
	TAILQ_ENTRY(upeer)	 entry;
};

/*
 * Forget the peer p, saying why when it was served; without -k, the end
 * of the one peer served is the forwarder's.
 */
void
upeer_free(struct upeer *p, const char *why)
{
	struct forward	*f = p->f;

	TAILQ_REMOVE(&f->peers, p, entry);
	ev_timer_disarm(&p->idle);
	if (p->fd != -1) {
		if (f->j->stats || log_verbosity() >= 2)
			log_verbose(0, "forward: %s: %s, %llu bytes up, %llu bytes "
			    "down", p->name, why, (unsigned long long)p->up,
			    (unsigned long long)p->down);
		else
			log_verbose(1, "forward: %s: %s", p->name, why);
		ev_del(p->fd);
		close(p->fd);
	}
	netconn_free(p->nc);
	free(p);
	if (!f->j->side->keep && f->served) {
		ev_del(f->ufd);
		ev_break();
	}
}

/* How long a datagram peer may be quiet: --idle-timeout, or FWD_UDP_IDLE_MS. */
long long
upeer_idle_ms(const struct forward *f)
{
	return (f->j->side->gate.idle_ms != TIME_NONE ? f->j->side->gate.idle_ms :
	    FWD_UDP_IDLE_MS);
}

static void
upeer_idle_cb(void *arg)
{
	upeer_free(arg, "idle");
}

/* The target answered a peer: send it on to that peer. */
static void
upeer_reply_cb(int fd, int events, void *arg)
{
	struct upeer	*p = arg;
	unsigned char	 buf[UDP_MAXPAYLOAD + 1];
	ssize_t		 n;
	int		 i;

	(void)events;
	for (i = 0; i < FWD_UDP_BATCH; i++) {
		if ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) == -1) {
			/* An ICMP error is about one datagram: go on. */
			if (errno == ECONNREFUSED || errno == EINTR)
				continue;
			return;
		}
		/* A full socket drops the datagram, as the network may. */
		if (sendto(p->f->ufd, buf, n, MSG_DONTWAIT,
		    (struct sockaddr *)&p->ss, p->len) == n)
			p->down += n;
	}
}

/* A new peer: through the gate, then a socket of its own. */
static struct upeer *
upeer_new(struct forward *f, const struct net_peer *np)
{
	struct upeer	*p;
	struct addrinfo	*ai;
	int		 v;

	if (!f->j->side->keep && f->served)
		return (NULL);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	p->f = f;
	p->ss = np->ss;
	p->len = np->len;
	p->fd = -1;
	fwd_format(np, p->name, sizeof(p->name));
	ev_timer_init(&p->idle, upeer_idle_cb, p);
	TAILQ_INSERT_TAIL(&f->peers, p, entry);
	if ((v = listen_admit(f->j->side, np, &p->nc)) != GATE_ADMIT) {
		/*
		 * A refused peer is remembered for a while, so that it is
		 * reported once; a full server may take it later.
		 */
		ev_timer_arm(&p->idle, v == GATE_DENY ? upeer_idle_ms(f) :
		    FWD_BACKOFF_MS);
		return (p);
	}
	for (ai = f->res; ai != NULL; ai = ai->ai_next) {
		p->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (p->fd == -1)
			continue;
		if (connect(p->fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    ev_set(p->fd, EV_READ, upeer_reply_cb, p) == 0)
			break;
		close(p->fd);
		p->fd = -1;
	}
	if (p->fd == -1) {
		log_warn("forward: %s: %s", p->name, f->ts->t[0].name);
		netconn_free(p->nc);
		p->nc = NULL;
		ev_timer_arm(&p->idle, FWD_BACKOFF_MS);
		return (p);
	}
	f->served = 1;
	log_verbose(1, "forward: %s: forwarded to %s", p->name, f->ts->t[0].name);
	ev_timer_arm(&p->idle, upeer_idle_ms(f));
	return (p);
}

/* Datagrams from the peers: each to its peer's socket. */
static void
forward_udp_cb(int fd, int events, void *arg)
{
	struct forward	*f = arg;
	unsigned char	 buf[UDP_MAXPAYLOAD + 1];
	struct net_peer	 np;
	struct upeer	*p;
	ssize_t		 n;
	int		 i;

	(void)events;
	for (i = 0; i < FWD_UDP_BATCH; i++) {
		np.len = sizeof(np.ss);
		if ((n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&np.ss, &np.len)) == -1) {
			if (errno == EINTR || errno == ECONNREFUSED)
				continue;
			return;
		}
		TAILQ_FOREACH(p, &f->peers, entry) {
			if (dgram_addr_equal(&p->ss, p->len, &np.ss, np.len))
				break;
		}
		if (p == NULL && (p = upeer_new(f, &np)) == NULL)
			continue;
		if (p->fd == -1)
			continue;
		/* Idleness counts what the client sends. */
		ev_timer_arm(&p->idle, upeer_idle_ms(f));
		if (send(p->fd, buf, n, MSG_DONTWAIT) == n)
			p->up += n;
	}
}

/*
 * The first target's addresses are known: the bound socket is read from
 * now on.  Exits when there are none.
 */
void
forward_udp_resolved_cb(int error, struct addrinfo *res, void *arg)
{
	struct forward	*f = arg;

	f->lookup = NULL;
	if (error != 0)
		fatalx("%s: %s", f->ts->t[0].name, error == EAI_SYSTEM ?
		    strerror(errno) : gai_strerror(error));
	f->res = res;
	if (ev_set(f->ufd, EV_READ, forward_udp_cb, f) == -1)
		fatal("forward");
}

/*
 * Look up the first target of a datagram forwarder, whose addresses its
 * peers' sockets connect to; cb hears of the answer.  Returns -1 if that
 * target is not a udp: one.
 */
int
forward_udp_lookup(struct forward *f, resolve_cb *cb)
{
	const struct side	*sd = f->ts->t[0].sd;
	struct addrinfo		 hints;

	if (sd->kind != SIDE_SOCKET || sd->sock.socktype != SOCK_DGRAM ||
	    sd->sock.family == AF_UNIX || sd->tls.on || sd->nports == 0)
		return (-1);
	resolve_cancel(f->lookup);
	net_hints(sd, sd->sock.family, 0, NULL, &hints);
	if ((f->lookup = resolve_start(sd->host, sd->ports[0], &hints, cb,
	    f)) == NULL)
		fatal("resolve");
	return (0);
}

/*
 * A datagram that reached the listener from a peer it has given a socket
 * of its own already (sent before that socket was connected): passed on,
 * or kept until the peer's target is open.
 */
static int
forward_peer_route(void *arg, const struct net_peer *peer, const void *dgram,
    size_t n)
{
	struct forward	*f = arg;
	struct fconn	*fc;
	int		 r;

	TAILQ_FOREACH(fc, &f->fconns, entry) {
		if (!dgram_addr_equal(&fc->from.ss, fc->from.len, &peer->ss,
		    peer->len))
			continue;
		if (fc->up != NULL)
			r = channel_inject(fc->up, dgram, n);
		else
			r = dgramq_add(&fc->early, dgram, n, FWD_EARLY_MAX);
		if (r == -1)
			log_verbose(1, "forward: %s: a datagram dropped: %s",
			    fconn_label(fc), strerror(errno));
		return (1);
	}
	return (0);
}

/*
 * A new datagram peer, with a socket of its own: a connection to a
 * target that is not a udp: one (a stream, TLS, a WebSocket), each of
 * its datagrams relayed as it came, each read from the target one
 * datagram back.
 */
static int
forward_peer_start(void *arg, struct netconn *nc, const struct net_peer *peer,
    const void *dgram, size_t n)
{
	struct forward	*f = arg;
	struct fconn	*fc;

	if ((fc = fconn_new(f, nc->fd, peer)) == NULL ||
	    dgramq_add(&fc->early, dgram, n, FWD_EARLY_MAX) == -1) {
		if (fc != NULL)
			fconn_destroy(fc);
		log_warn("forward");
		netconn_free(nc);
		return (-1);
	}
	fc->peer = 1;
	fc->nc = nc;
	TAILQ_INSERT_TAIL(&f->fconns, fc, entry);
	fconn_next(fc);
	return (0);
}

static const struct peer_ops forward_peer_ops = {
	.start = forward_peer_start,
	.route = forward_peer_route,
};

/*
 * -u: relay the datagrams of each peer of the bound socket fd to the
 * first target, and its replies back.
 */
int
forward_udp(struct forward *f, int fd)
{
	f->ufd = fd;
	/* A target of another kind: a connection for each peer. */
	if (forward_udp_lookup(f, forward_udp_resolved_cb) == -1) {
		if ((f->pl = peers_new(f->j->side, fd, &forward_peer_ops,
		    f)) == NULL)
			fatal("forward");
		f->ufd = -1;
	}
	if (ev_loop() == -1)
		fatal("poll");
	forward_free(f);
	return (f->status);
}

/*
 * The first target of a datagram forwarder was looked up again after a
 * reload: its addresses serve the peers that come from now on (those
 * already here keep their sockets).  A failed lookup keeps the old ones.
 */
void
forward_udp_relooked_cb(int error, struct addrinfo *res, void *arg)
{
	struct forward	*f = arg;

	f->lookup = NULL;
	if (error != 0) {
		log_warnx("SIGHUP: %s: %s; the old addresses stay",
		    f->ts->t[0].name, error == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(error));
		return;
	}
	if (f->res != NULL)
		freeaddrinfo(f->res);
	f->res = res;
}
