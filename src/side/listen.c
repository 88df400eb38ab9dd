/*
 * The one listener every stream server shares, its stages driven by the
 * loop: accept, admission (netconn.c), naming, a PROXY header, TLS and the
 * WebSocket upgrade, then the mode's start function with a ready netconn
 * (doc/design.md, "Connection set-up").  A DTLS cookie exchange is its accept.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "side.h"
#include "listen-int.h"

/*
 * Connections accepted per wake-up at most, so a flood of connects cannot
 * starve the connections open.
 */
#define LISTEN_BATCH		64

/*
 * How many connections of a listener may have what the mode starts for
 * a client (a program, a dialled target) started before their handshake
 * has ended (listen_early()).  Those past it get theirs once it has: a
 * client that connects and says nothing costs a program only within
 * this bound, and the bound is far above the handshakes a server runs
 * at once for clients that finish theirs.
 */
#define LISTEN_EARLY_MAX	8

/* A connection admitted and being named, or in its handshake. */
struct pending {
	struct listener		*l;
	struct netconn		*nc;	/* the client, and its admission */
	struct net_peer		 peer;
	struct listen_name	*ln;
	struct listen_front	*lf;	/* a trusted front's PROXY header */
	struct tls		*dtls;	/* DTLS: the connection its cookie
					   came back for, until its
					   handshake has it */
	struct tls_hs		*hs;
	struct ws_hs		*whs;	/* --websocket: the upgrade */
	void			*early;	/* what the mode's admitted made */
	TAILQ_ENTRY(pending)	 entry;
};

struct listener {
	const struct side	*sd;
	int			 fd;
	const struct listen_ops	*ops;
	void			*arg;
	int			 watched;
	int			 paused; /* the mode said: no more for now */
	int			 waiting; /* full (socat's max-children):
					     on listen_waiting until a
					     place is given back */
	int			 starved; /* out of descriptors, and said so */
	int			 dtls;	/* a bound UDP socket (-u --ssl) */
	int			 early;	/* pending ones with an early object */
	int			 want;	/* accepts to try at the next wake-up */
	int			 full;	/* the last wake-up took all it tried */
	unsigned long		 round;	/* the loop's round of that wake-up */
	struct ev_timer		 backoff;
	struct ev_timer		 idle;	/* socat's accept-timeout= */
	TAILQ_HEAD(, pending)	 pending;
	TAILQ_ENTRY(listener)	 wait_entry; /* on listen_waiting */
	const char		*starting; /* ASYNC_START() */
};

/*
 * The listeners whose clients wait in the backlog while the server is
 * full (a gate's full_wait), to be watched again when a place is given
 * back (netconn_free()).
 */
static TAILQ_HEAD(, listener) listen_waiting =
    TAILQ_HEAD_INITIALIZER(listen_waiting);

static void	listener_accept_cb(int, int, void *);

/*
 * Watch the listening socket l, or stop, as its state says it should (also
 * when its backoff timer fires).
 */
static __startup void
listener_update(void *arg)
{
	struct listener	*l = arg;
	int		 want;

	want = l->fd != -1 && !l->paused && !l->waiting &&
	    !ev_timer_armed(&l->backoff);
	if (want == l->watched)
		return;
	if (want && ev_set(l->fd, EV_READ, listener_accept_cb, l) == -1)
		fatal("listener");
	else if (!want)
		ev_del(l->fd);
	l->watched = want;
}

/*
 * Is l's server full, so that clients wait in the backlog rather than being
 * accepted and refused?
 */
static int
listener_full(const struct listener *l)
{
	const struct gate	*g = &l->sd->gate;

	return (g->full_wait && g->max_conns > 0 &&
	    l->sd->run->conns >= g->max_conns);
}

/* Accept nothing until a place is given back (listener_wake()). */
static void
listener_wait(struct listener *l)
{
	if (!l->waiting) {
		l->waiting = 1;
		TAILQ_INSERT_TAIL(&listen_waiting, l, wait_entry);
	}
	listener_update(l);
}

/* A place has been given back: the waiting listeners accept again. */
void
listener_wake(void)
{
	struct listener	*l;

	while ((l = TAILQ_FIRST(&listen_waiting)) != NULL) {
		TAILQ_REMOVE(&listen_waiting, l, wait_entry);
		l->waiting = 0;
		listener_update(l);
	}
}

/*
 * May a mode start what it starts for a client (a program, a dial) when it
 * is admitted, overlapping its TLS handshake?  Only with --ssl, not when
 * the client must prove itself (--ssl-verify, --ssl-pin, --secret), not
 * with --websocket or DTLS.  At most LISTEN_EARLY_MAX at once.
 */
int
listen_early(const struct side *sd)
{
	return (sd->tls.on && !sd->tls.verify && sd->tls.npins == 0 &&
	    sd->tls.secret == NULL && !sd->ws.on &&
	    sd->sock.socktype != SOCK_DGRAM);
}

/* The line of listen_say_full(), in msg (of size LISTEN_FULL_MAX). */
static void
listen_full_line(const struct side *sd, char *msg, size_t size)
{
	int	 n;

	n = snprintf(msg, size, "%s: the server is full (%d "
	    "connection%s); try again later.\n", getprogname(),
	    sd->gate.max_conns, sd->gate.max_conns == 1 ? "" : "s");
	if (n < 0 || (size_t)n >= size)
		*msg = '\0';
}

/*
 * Send the "server full" line where a person reads it (--chat, --room, not
 * --ssl); best effort.
 */
void
listen_say_full(const struct side *sd, int fd)
{
	char	 msg[LISTEN_FULL_MAX];

	if (sd->tls.on)
		return;
	listen_full_line(sd, msg, sizeof(msg));
	(void)send(fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void
pending_free(struct pending *pd)
{
	if (pd->early != NULL)
		pd->l->early--;
	TAILQ_REMOVE(&pd->l->pending, pd, entry);
	free(pd);
}

/* Hand a ready connection to the mode, which says why if it cannot start it. */
static void
listener_ready(struct pending *pd)
{
	struct listener	*l = pd->l;
	struct netconn	*nc = pd->nc;
	struct net_peer	 peer = pd->peer;

	nc->early = pd->early;
	pending_free(pd);
	ASYNC_CALLBACK(l, "listener_start", l->ops->start);
	(void)l->ops->start(l->arg, nc, &peer);
}

/* Tell the mode that the connection it was told of will never start. */
static void
listener_abandon(struct listener *l, struct pending *pd)
{
	if (pd->early != NULL)
		l->ops->abandon(l->arg, pd->early);
}

/*
 * A handshake failed for cause (NULL: answered over HTTP or left, nothing
 * failed); close with a linger so no answer is reset away.
 */
static void
listener_hs_failed(struct pending *pd, char *cause)
{
	struct listener	*l = pd->l;
	struct net_peer	 peer = pd->peer;

	listener_abandon(l, pd);
	sock_linger(pd->nc->fd);
	pd->nc->fd = -1;
	netconn_free(pd->nc);
	pending_free(pd);
	if (l->ops->failed != NULL)
		l->ops->failed(l->arg, &peer, cause);
	else if (cause != NULL)
		log_warnx("%s", cause);
	free(cause);
}

/* The WebSocket upgrade of a pending connection is over. */
static void
listener_ws_done(struct ws *ws, char *cause, void *arg)
{
	struct pending	*pd = arg;

	pd->whs = NULL;
	if (ws == NULL) {
		listener_hs_failed(pd, cause);
		return;
	}
	pd->nc->ws = ws;
	listener_ready(pd);
}

/* --websocket: the upgrade, after TLS (tls or NULL), which it then owns. */
static void
listener_upgrade(struct pending *pd, struct tls *tls)
{
	char	*cause;

	if ((pd->whs = ws_accept_start(pd->l->sd, pd->nc->fd, tls, &pd->peer,
	    listener_ws_done, pd)) == NULL) {
		tls_free(tls);
		if (asprintf(&cause, "WebSocket: %s", strerror(errno)) == -1)
			cause = NULL;
		listener_hs_failed(pd, cause);
	}
}

/* The TLS handshake of a pending connection is over. */
static void
listener_hs_done(struct tls *tls, char *cause, void *arg)
{
	struct pending	*pd = arg;

	pd->hs = NULL;
	if (tls == NULL)
		listener_hs_failed(pd, cause);
	else if (pd->l->sd->ws.on)
		listener_upgrade(pd, tls);
	else {
		pd->nc->tls = tls;
		listener_ready(pd);
	}
}

/*
 * Run the connection's TLS and upgrade on the loop, then give it to the
 * mode.
 */
static void
listener_secure(struct pending *pd)
{
	const struct side	*sd = pd->l->sd;
	struct tls		*dtls = pd->dtls;
	char			*cause;

	if (sd->ws.on)
		SIDE_TAKEN(ws.on);
	if (!sd->tls.on && !sd->ws.on)
		listener_ready(pd);
	else if (!sd->tls.on)
		listener_upgrade(pd, NULL);
	else {
		SIDE_TLS_TAKEN(sd->tls.ctx);
		SIDE_TAKEN(timeout_ms);
		pd->dtls = NULL;
		pd->hs = tls_handshake_start(sd->tls.ctx, dtls, pd->nc->fd,
		    NULL, sd->timeout_ms, listener_hs_done, pd, &cause);
		if (pd->hs == NULL)
			listener_hs_done(NULL, cause, pd);
	}
}

/* A trusted front's PROXY header is read (cause NULL), or is not. */
static void
listener_front_done(void *arg, char *cause)
{
	struct pending	*pd = arg;

	pd->lf = NULL;
	if (cause != NULL)
		listener_hs_failed(pd, cause);
	else
		listener_secure(pd);
}

/* A named connection: a trusted front's PROXY header, then its handshake. */
static void
listener_handshake(void *arg)
{
	struct pending	*pd = arg;
	char		*cause;

	pd->ln = NULL;
	if (pd->dtls != NULL || !listen_front_trusts(pd->l->sd, FRONT_PROXY,
	    &pd->peer)) {
		listener_secure(pd);
		return;
	}
	if ((pd->lf = listen_front_start(pd->l->sd, pd->nc->fd, &pd->peer,
	    listener_front_done, pd)) == NULL) {
		if (asprintf(&cause, "accept: %s", strerror(errno)) == -1)
			cause = NULL;
		listener_hs_failed(pd, cause);
	}
}

/*
 * An admitted connection: its -v line (which may wait for its name), then
 * its handshake; it is not read meanwhile.
 */
static void
listener_name(struct listener *l, struct netconn *nc,
    const struct net_peer *peer, struct tls *dtls)
{
	struct pending	*pd;
	char		 cause[128];

	if ((pd = calloc(1, sizeof(*pd))) == NULL) {
		/*
		 * The client is not served: said as a failed handshake is,
		 * by the mode (a listener of one client ends with 1), or
		 * here, and a listener paused for it takes the next.
		 */
		(void)snprintf(cause, sizeof(cause), "accept: %s",
		    strerror(errno));
		tls_free(dtls);
		netconn_free(nc);
		if (l->ops->failed != NULL)
			l->ops->failed(l->arg, peer, cause);
		else {
			log_warnx("%s", cause);
			if (l->ops->flags & LISTEN_SERIAL)
				listener_pause(l, 0);
		}
		return;
	}
	pd->l = l;
	pd->nc = nc;
	pd->peer = *peer;
	TAILQ_INSERT_TAIL(&l->pending, pd, entry);
	pd->dtls = dtls;
	/*
	 * The mode may start what it starts for the client now, within
	 * LISTEN_EARLY_MAX.  Only the handshake's end leads to start (debug
	 * builds check).
	 */
	if (l->ops->admitted != NULL && listen_early(l->sd) &&
	    l->early < LISTEN_EARLY_MAX) {
		ASYNC_START(l, "listen_ops.admitted");
		pd->early = l->ops->admitted(l->arg, nc->fd, peer);
		if (pd->early != NULL)
			l->early++;
		ASYNC_STARTED(l);
	}
	/* NULL: the line is out already (no name to wait for). */
	if ((pd->ln = listen_name_start(l->sd, peer, listener_handshake,
	    pd)) == NULL)
		listener_handshake(pd);
}

/* Is the datagram queued next on lfd from another peer than peer? */
static int
listener_dtls_next_other(int lfd, const struct net_peer *peer)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 b;

	if (recvfrom(lfd, &b, 1, MSG_PEEK | MSG_DONTWAIT,
	    (struct sockaddr *)&ss, &len) == -1)
		return (0);
	return (!udp_addr_equal(&ss, len, &peer->ss, peer->len));
}

/*
 * A DTLS listener's accept: the cookie exchange on lfd, then lfd becomes
 * the peer's socket and a twin (udp_twin_socket()) takes its number as the
 * listener, so queued fragments stay the peer's; when another peer's
 * datagram is next, the peer gets a new socket instead.  Returns the
 * peer's socket, or -1 with errno (EAGAIN: nothing more waiting).
 */
static int
listener_dtls_accept(struct listener *l, int lfd, struct net_peer *peer,
    struct tls **dtls)
{
	int	 fd = -1, twin, i, r = 0;

	/* Answered statelessly, a batch at a time: a flood cannot starve. */
	for (i = 0; i < LISTEN_BATCH && r == 0; i++)
		r = tls_dtls_listen(l->sd->tls.ctx, lfd, peer, dtls);
	if (r == 0)
		errno = EAGAIN;
	if (r <= 0)
		return (-1);
	/*
	 * Another peer's datagram is next in the queue: it would be lost
	 * with the socket, so the listener keeps its socket and this peer
	 * gets one of its own, bound and connected to it.
	 */
	if (listener_dtls_next_other(lfd, peer)) {
		if ((fd = udp_peer_socket(l->sd, lfd, peer)) != -1)
			return (fd);
		log_warn("socket for a peer");
		goto fail;
	}
	if ((twin = udp_twin_socket(l->sd, lfd)) == -1 ||
	    (fd = fcntl(lfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("socket for a peer");
		net_close(&twin);
		goto fail;
	}
	/* The loop watches a socket, not a number: watch the twin. */
	ev_del(lfd);
	if (dup3(twin, lfd, O_CLOEXEC) == -1 || ev_set(lfd, EV_READ,
	    listener_accept_cb, l) == -1)
		fatal("listener");
	close(twin);
	/*
	 * Datagrams of others queued here before are lost with it; their
	 * senders send their ClientHellos again.
	 */
	if (connect(fd, (const struct sockaddr *)&peer->ss, peer->len) == -1) {
		log_warn("connect");
		close(fd);
		goto fail;
	}
	return (fd);

fail:
	tls_free(*dtls);
	*dtls = NULL;
	errno = EAGAIN;
	return (-1);
}

/*
 * A client accepted on fd (over dtls, or NULL): to the gate, the mode's busy
 * check, then naming and handshake.
 */
static void
listener_take(struct listener *l, int fd, const struct net_peer *peer,
    struct tls *dtls)
{
	struct netconn	*nc;
	char		 line[LISTEN_FULL_MAX];
	int		 v, full;

	if ((v = netconn_admit(l->sd, fd, peer, &nc)) != GATE_ADMIT) {
		if (v == -1)
			log_warn("accept");
		full = v == GATE_FULL && l->ops->full != NULL;
		/*
		 * A WebSocket client is answered as HTTP (503), not with a
		 * line it would take for a broken answer.
		 */
		if (v == GATE_FULL && l->sd->ws.on && !l->sd->tls.on) {
			listen_full_line(l->sd, line, sizeof(line));
			ws_say_full(l->sd, fd, full ? line : NULL);
			return;
		}
		if (full)
			l->ops->full(l->sd, fd);
		tls_free(dtls);
		/*
		 * Told why, a stream client sees an end-of-file, not a reset
		 * (sock_linger() closes a datagram socket at once).
		 */
		if (full)
			sock_linger(fd);
		else
			close(fd);
		return;
	}
	net_report_mptcp(l->sd, fd);
	/* Turned away: busy() has closed the socket. */
	if (l->ops->busy != NULL && l->ops->busy(l->arg, fd, peer)) {
		tls_free(dtls);
		nc->fd = -1;
		netconn_free(nc);
		return;
	}
	/* One connection at a time: the next waits for this one. */
	if (l->ops->flags & LISTEN_SERIAL)
		listener_pause(l, 1);
	listener_name(l, nc, peer, dtls);
}

/* socat's accept-timeout=: stop listening; the sessions go on. */
static void
listener_idle_cb(void *arg)
{
	struct listener	*l = arg;

	log_warning("accept: %s", strerror(ETIMEDOUT));
	listener_close(l);
}

static void
listener_accept_cb(int lfd, __unused int events, void *arg)
{
	struct listener	*l = arg;
	struct net_peer	 peer;
	struct tls	*dtls = NULL;
	int		 fd, i, batch;

	/*
	 * An accept that finds nothing is a system call paid for nothing,
	 * one a connection when clients come one at a time.  So a wake-up
	 * tries as many accepts as the backlog is likely to hold: one at
	 * first, twice as many when the last wake-up took all it tried and
	 * the socket is ready again at the very next round (a backlog that
	 * outruns the loop), as many as were there when an accept came back
	 * empty.  Clients left in the backlog make the socket ready at the
	 * next round: none waits longer than a round.
	 */
	if (l->ops->flags & LISTEN_SERIAL)
		l->want = 1;
	else if (l->dtls)
		l->want = LISTEN_BATCH;
	else if (l->full && l->round + 1 == ev_round() &&
	    l->want < LISTEN_BATCH)
		l->want *= 2;
	batch = l->want;
	l->round = ev_round();
	l->full = 1;
	for (i = 0; i < batch && l->fd == lfd && !l->paused; i++) {
		/* Full: the clients wait in the backlog (max-children). */
		if (listener_full(l)) {
			listener_wait(l);
			return;
		}
		if (l->dtls)
			fd = listener_dtls_accept(l, lfd, &peer, &dtls);
		else
			fd = net_accept_or_wait(lfd, &peer, &l->backoff);
		if (fd == -1 && l->dtls) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("recvfrom");
			return;
		}
		if (fd == -1) {
			/*
			 * Out of descriptors is said once, not at every try:
			 * the episode lasts until every client waiting has
			 * been taken.
			 */
			if (ev_timer_armed(&l->backoff)) {
				l->watched = 0;
				if (!l->starved)
					log_verbose_warn(1, "accept: %s",
					    strerror(errno));
				l->starved = 1;
			} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
				l->starved = 0;
				l->full = 0;
				l->want = i > 1 ? i : 1;
			}
			return;
		}
		/* The wait for the next client starts again. */
		if (ev_timer_armed(&l->idle))
			ev_timer_arm(&l->idle, l->sd->accept_ms);
		listener_take(l, fd, &peer, dtls);
		dtls = NULL;
	}
}

/*
 * Give up sd's privileges once fd is bound (side_drop(), -lm).  Returns fd,
 * or -1 with *cause set (fd closed).
 */
static __startup int
listen_drop(const struct side *sd, int fd, char **cause)
{
	if (fd == -1)
		return (-1);
	if (side_drop(sd, cause) == -1) {
		close(fd);
		return (-1);
	}
	log_socat_settled();
	return (fd);
}

/*
 * --workers: open sd's n - 1 other SO_REUSEPORT sockets, give up
 * privileges, and fork the workers.  Returns each worker's own socket; the
 * parent supervises and never returns.  Returns -1 with *cause set (fd
 * closed) if a socket cannot be made.
 */
static __startup int
listen_workers(const struct side *sd, const char *host, int flags, int fd,
    char **cause)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 addr[NI_MAXHOST], port[NI_MAXSERV];
	int			*fds, n = sd->sock.workers, i, w;

	if ((fds = calloc(n, sizeof(*fds))) == NULL ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		log_cause(cause, "workers: %s", strerror(errno));
		free(fds);
		close(fd);
		return (-1);
	}
	/* Port 0 asked for one: the others take the first one's. */
	net_format((struct sockaddr *)&ss, len, 1, addr, sizeof(addr), port,
	    sizeof(port));
	fds[0] = fd;
	for (i = 1; i < n && fd != -1; i++) {
		if (host == NULL && (flags & LISTEN_ANY))
			fd = fds[i] = net_listen_all(sd, port, cause);
		else
			fd = fds[i] = net_listen(sd, host, port, cause);
	}
	/* listen_drop() closes the first on failure; the rest are ours. */
	if (fd == -1 || listen_drop(sd, fds[0], cause) == -1) {
		while (i-- > 1)
			net_close(&fds[i]);
		if (fd == -1)
			close(fds[0]);
		free(fds);
		return (-1);
	}
	SIDE_TAKEN(sock.workers);
	w = workers_start(n);
	for (i = 0; i < n; i++) {
		if (i != w - 1)
			close(fds[i]);
	}
	fd = fds[w - 1];
	free(fds);
	return (fd);
}

/*
 * A Unix-domain or VSOCK client has no IP address for a rule to match:
 * --allow would turn every client away and --deny none, so neither is
 * taken by listener sd (a unix-l: address as -U).  Not marked taken here:
 * the gate that applies the rules marks them.  Returns -1 (EINVAL, said
 * in *cause) if sd has rules it cannot apply.
 */
__startup int
listen_ruled_ok(const struct side *sd, char **cause)
{
	if ((sd->sock.family != AF_UNIX && !sd->sock.vsock) ||
	    !gate_ruled(&sd->gate))
		return (0);
	log_cause(cause, "cannot use --allow or --deny with %s",
	    sd->sock.vsock ? "--vsock" : "a Unix-domain socket");
	errno = EINVAL;
	return (-1);
}

/*
 * Open the command line's listening socket: -U's, or host (NULL: as netcat
 * binds; LISTEN_ANY: every address) and its port, reported with -v, tried
 * again as retry= says.  LISTEN_MANY raises the descriptor limit;
 * LISTEN_WORKERS returns in each worker.  Returns the socket, or -1 with
 * errno and *cause set.
 */
__startup int
listen_open(const struct side *sd, const char *host, int flags,
    char **cause)
{
	struct timespec	 ts;
	struct retry	 retry = { .max = sd->retries,
			    .pause_ms = sd->retry_ms };
	long long	 ms;
	int		 fd;

	*cause = NULL;
	SIDE_TAKEN(listen);
	if (flags & LISTEN_MANY)
		gate_raise_nofile(&sd->gate);
	SIDE_TAKEN(sock.family);
	if (listen_ruled_ok(sd, cause) == -1)
		return (-1);
	if (sd->sock.family == AF_UNIX) {
		/* -n's promise, no lookup, is kept by having none. */
		SIDE_TAKEN(sock.numeric);
		return (listen_drop(sd, unix_server(sd, cause), cause));
	}
	for (;;) {
		if (host == NULL && (flags & LISTEN_ANY))
			fd = net_listen_all(sd, sd->ports[0], cause);
		else
			fd = net_listen(sd, host, sd->ports[0], cause);
		/*
		 * socat's retry= and forever: a port still taken is tried
		 * again after interval=; nothing else runs yet to wait for.
		 */
		if (fd != -1 || errno != EADDRINUSE || !retry_again(&retry))
			break;
		free(*cause);
		*cause = NULL;
		ms = retry_pause(&retry);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	/* socat's -lm: its listener says it listens to syslog. */
	if (fd != -1) {
		log_socat_settled();
		net_report_listen(sd, fd);
	}
	if (fd != -1 && (flags & LISTEN_WORKERS) && sd->sock.workers > 1)
		return (listen_workers(sd, host, flags, fd, cause));
	return (listen_drop(sd, fd, cause));
}

/* Serve fd with ops and arg until the loop ends (*lp if asked), then free. */
__startup void
listener_run(const struct side *sd, int fd, const struct listen_ops *ops,
    void *arg, struct listener **lp)
{
	struct listener	*l;

	if ((l = listener_new(sd, fd, ops, arg)) == NULL)
		fatal("listener");
	if (lp != NULL)
		*lp = l;
	if (ev_loop() == -1)
		fatal("poll");
	if (lp != NULL)
		*lp = NULL;
	listener_free(l);
}

/*
 * Serve the non-blocking listening socket fd: each admitted connection,
 * after its handshake, goes to ops->start with arg.  With -u --ssl, fd is
 * a bound UDP socket and each peer is DTLS on its own socket.  Returns
 * the listener, or NULL with errno.
 */
__startup struct listener *
listener_new(const struct side *sd, int fd, const struct listen_ops *ops,
    void *arg)
{
	struct listener	*l;
	int		 on = 1;

	/* listener_abandon() calls abandon with what admitted made. */
	DEBUG_CHECK(ops->admitted == NULL || ops->abandon != NULL,
	    "listener_new: a mode with admitted and no abandon");
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return (NULL);
	l->sd = sd;
	l->fd = fd;
	l->ops = ops;
	l->arg = arg;
	l->dtls = sd->sock.socktype == SOCK_DGRAM;
	l->want = 1;
	ASYNC_START(l, "listener_new");
	TAILQ_INIT(&l->pending);
	ev_timer_init(&l->backoff, listener_update, l);
	ev_timer_init(&l->idle, listener_idle_cb, l);
	/*
	 * Peers' own sockets share the DTLS listener's port: SO_REUSEPORT,
	 * which the kernel grants only to sockets of the same user.
	 * SO_REUSEADDR would let any local user bind the port as well and
	 * take new ClientHellos.
	 */
	if (l->dtls && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
	    sizeof(on)) == -1) {
		free(l);
		return (NULL);
	}
	/*
	 * Thousands may connect at once: take the longest queue allowed,
	 * unless told (--backlog, backlog=).
	 */
	SIDE_TAKEN(sock.backlog);
	if (!l->dtls && !(ops->flags & LISTEN_SERIAL))
		(void)listen(fd, sd->sock.backlog > 0 ? sd->sock.backlog :
		    SOMAXCONN);
	if (sd->accept_ms > 0)
		ev_timer_arm(&l->idle, sd->accept_ms);
	/* Connections are accepted from the loop, never from here. */
	listener_update(l);
	ASYNC_STARTED(l);
	return (l);
}

/* Take no more connections (on) or take them again (off). */
void
listener_pause(struct listener *l, int on)
{
	l->paused = on;
	listener_update(l);
}

/* Close the listening socket; connections in their handshake carry on. */
void
listener_close(struct listener *l)
{
	if (l->fd == -1)
		return;
	l->paused = 1;
	if (l->waiting) {
		TAILQ_REMOVE(&listen_waiting, l, wait_entry);
		l->waiting = 0;
	}
	listener_update(l);
	ev_timer_disarm(&l->backoff);
	ev_timer_disarm(&l->idle);
	close(l->fd);
	l->fd = -1;
}

/* Is the listening socket still open? */
int
listener_open(const struct listener *l)
{
	return (l->fd != -1);
}

/* Close the listener and abandon the namings and handshakes in progress. */
void
listener_free(struct listener *l)
{
	struct pending	*pd;

	if (l == NULL)
		return;
	listener_close(l);
	while ((pd = TAILQ_FIRST(&l->pending)) != NULL) {
		listen_name_cancel(pd->ln);
		listen_front_cancel(pd->lf);
		tls_handshake_cancel(pd->hs);
		ws_hs_cancel(pd->whs);
		tls_free(pd->dtls);
		listener_abandon(l, pd);
		netconn_free(pd->nc);
		pending_free(pd);
	}
	free(l);
}
