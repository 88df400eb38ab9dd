/*
 * Datagram listeners (UDP or Unix domain) that serve the first peer, as
 * netcat does, or every peer (-k): datagrams to stdout, stdin to the peer
 * heard last.  With a program, plain_serve_dgram() serves instead.
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

/* Peers a -k listener remembers; the one heard least recently goes first. */
#define DGRAM_MAXPEERS		256

/* One address that has sent the listener a datagram. */
struct dgram_peer {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct netconn		*nc;	/* its place at the gate; NULL:
					   denied (--allow/--deny), dropped */
	uint64_t		 heard;	/* ev_now() of its last datagram */
	TAILQ_ENTRY(dgram_peer)	 entry;
};

/* The peers, most recently heard first. */
TAILQ_HEAD(dgram_peer_list, dgram_peer);

struct dgram_server {
	const struct job	*j;
	int			 fd;
	int			 locked;   /* connected to its first peer */
	struct dgram_peer	*current;  /* where stdin goes, or NULL */
	struct dgram_peer	*fixed;	   /* socat's UDP-DATAGRAM:'s address,
					      where stdin always goes */
	struct dgram_peer_list	 peers;
	u_int			 npeers;
	struct session		*s;
	struct channel		*tx;	   /* stdin -> network */
	struct channel		*rx;	   /* network -> stdout */
	int			 idle_limit; /* the idle timer is --idle-timeout's */
	int			 status;
};

/* Forget a peer; an admitted one gives its place at the gate back. */
static void
dgram_forget(struct dgram_server *ds, struct dgram_peer *peer)
{
	TAILQ_REMOVE(&ds->peers, peer, entry);
	ds->npeers--;
	netconn_free(peer->nc);
	if (ds->current == peer)
		ds->current = NULL;
	free(peer);
}

/* With -k and --idle-timeout, forget the peers not heard from for that long. */
static void
dgram_expire(struct dgram_server *ds)
{
	struct dgram_peer	*peer, *prev;
	uint64_t		 now = ev_now();
	long long		 idle = ds->j->side->gate.idle_ms;

	if (!ds->j->side->keep || idle == TIME_NONE)
		return;
	/* Most recently heard first: the idle ones are at the end. */
	for (peer = TAILQ_LAST(&ds->peers, dgram_peer_list); peer != NULL;
	    peer = prev) {
		prev = TAILQ_PREV(peer, dgram_peer_list, entry);
		if (now - peer->heard < (uint64_t)idle)
			break;
		dgram_forget(ds, peer);
	}
}

/*
 * Note that a datagram came from ss; without -k the socket is connected to
 * the first peer.  Returns 1 to deliver it, 0 when its sender is refused.
 */
static int
dgram_heard(struct dgram_server *ds, const struct sockaddr_storage *ss,
    socklen_t len)
{
	struct dgram_peer	*peer;
	struct net_peer		 np;
	struct netconn		*nc;
	int			 v;

	dgram_expire(ds);
	TAILQ_FOREACH(peer, &ds->peers, entry) {
		if (udp_addr_equal(&peer->ss, peer->len, ss, len))
			break;
	}
	if (peer != NULL) {
		if (peer->nc == NULL)
			return (0);
		TAILQ_REMOVE(&ds->peers, peer, entry);
		TAILQ_INSERT_HEAD(&ds->peers, peer, entry);
		peer->heard = ev_now();
		if (ds->fixed == NULL)
			ds->current = peer;
		return (1);
	}
	memcpy(&np.ss, ss, len);
	np.len = len;
	/* A full server may have room later: only a denial is remembered. */
	if ((v = listen_admit(ds->j->side, &np, &nc)) == GATE_FULL || v == -1)
		return (0);
	if (ds->npeers >= DGRAM_MAXPEERS)
		dgram_forget(ds, TAILQ_LAST(&ds->peers, dgram_peer_list));
	if ((peer = calloc(1, sizeof(*peer))) == NULL) {
		/* Received, but cannot be answered. */
		netconn_free(nc);
		return (v == GATE_ADMIT);
	}
	memcpy(&peer->ss, ss, len);
	peer->len = len;
	peer->heard = ev_now();
	peer->nc = nc;
	TAILQ_INSERT_HEAD(&ds->peers, peer, entry);
	ds->npeers++;
	if (peer->nc == NULL)
		return (0);
	if (ds->fixed != NULL)
		return (1);
	ds->current = peer;
	if (!ds->j->side->keep) {
		if (connect(ds->fd, (struct sockaddr *)ss, len) == -1)
			log_warn("connect");
		else
			ds->locked = 1;
		/*
		 * --idle-timeout: the listener serves this peer alone and
		 * ends when it goes quiet.  (With -k each peer is forgotten
		 * instead, by dgram_expire().)  Its end is a failure, as
		 * ncat's.
		 */
		gate_session(&ds->j->side->gate, ds->s);
		ds->idle_limit = ds->j->side->gate.idle_ms != TIME_NONE;
	}
	/* There is someone to answer now: stdin may be read. */
	if (ds->tx != NULL && (ds->tx->flags & CH_HOLD))
		channel_hold(ds->tx, 0);
	return (1);
}

/* Should a datagram from ss be kept?  Its sender is noted if so. */
static int
dgram_keep(void *arg, const struct sockaddr_storage *ss, socklen_t len)
{
	struct dgram_server	*ds = arg;

	if (udp_unnamed(ss, len))
		return (1);
	/* Queued from someone else before the socket was locked. */
	if (ds->locked && (ds->current == NULL ||
	    !udp_addr_equal(&ds->current->ss, ds->current->len, ss, len)))
		return (0);
	return (dgram_heard(ds, ss, len));
}

/* Send one datagram to the current peer; one not delivered is no error. */
static ssize_t
dgram_write(struct endpoint *ep, const void *p, size_t n)
{
	struct dgram_server	*ds = ep->data;
	struct dgram_peer	*peer = ds->fixed != NULL ? ds->fixed :
				    ds->current;
	char			 host[NI_MAXHOST], port[NI_MAXSERV];
	ssize_t			 r;

	/* socat's *-RECV: only receives; its socket has no peer to send to. */
	if (ds->j->side->recv_only) {
		errno = EDESTADDRREQ;
		return (-1);
	}
	if (peer == NULL)
		return (n);
	if (ds->locked)
		r = send(ep->wfd, p, n, 0);
	else
		r = sendto(ep->wfd, p, n, 0, (struct sockaddr *)&peer->ss,
		    peer->len);
	if (r != -1 || errno == EINTR)
		return (r);
	/*
	 * A full queue is waited for, except that of an unconnected Unix
	 * socket: poll(2) cannot say when another socket's queue has room.
	 */
	if ((errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) &&
	    (ds->locked || peer->ss.ss_family != AF_UNIX))
		return (-1);
	net_format((struct sockaddr *)&peer->ss, peer->len, 1, host,
	    sizeof(host), port, sizeof(port));
	log_verbose_warn(1, "send to %s%s%s: %s", host,
	    port[0] != '\0' ? " " : "", port, strerror(errno));
	return (n);
}

static const struct ep_ops dgram_ops = {
	.read = udp_recv_kept,
	.write = dgram_write,
	.recvmmsg = udp_recvmmsg_kept,
	.keep = dgram_keep,
};

static void
dgram_finished(struct session *s)
{
	struct dgram_server	*ds = s->arg;

	/* --idle-timeout's end is a failure, as ncat's; -w's quiet, as nc's. */
	if (s->why == SE_IDLE && ds->idle_limit) {
		log_warnx("idle timeout expired (%lld ms)", s->idle_ms);
		ds->status = 1;
	}
	if (session_report(s) != 0)
		ds->status = 1;
	ev_break();
}

/*
 * The resolved address of socat's UDP-DATAGRAM:.  Exits with one line when
 * it does not resolve.
 */
static __startup struct dgram_peer *
dgram_fixed(const struct side *sd, int fd)
{
	struct sockaddr_storage	 me;
	socklen_t		 len = sizeof(me);
	struct addrinfo		 hints, *res;
	struct dgram_peer	*peer;
	int			 error;

	/* Of the family of the socket it is sent from. */
	if (getsockname(fd, (struct sockaddr *)&me, &len) == -1)
		fatal("getsockname");
	net_hints(sd, me.ss_family, 0, sd->dgram_to, &hints);
	if ((error = getaddrinfo(sd->dgram_to, sd->dgram_to_port, &hints,
	    &res)) != 0)
		fatalx("getaddrinfo for host \"%s\" port %s: %s",
		    sd->dgram_to, sd->dgram_to_port, gai_strerror(error));
	if ((peer = calloc(1, sizeof(*peer))) == NULL)
		fatal("calloc");
	memcpy(&peer->ss, res->ai_addr, res->ai_addrlen);
	peer->len = res->ai_addrlen;
	freeaddrinfo(res);
	return (peer);
}

/* The program in stdio's place (UDP-DATAGRAM:'s) exited: its output ends. */
static void
dgram_program_exited(__unused struct child *c, void *arg)
{
	struct dgram_server	*ds = arg;

	if (ds->s == NULL)
		return;
	join_program_gone(ds->rx, ds->tx);
	session_check(ds->s);
}

/*
 * How long the listener may be idle: socat's -T, else -w, which ends the
 * one peer's session quietly, as nc's does; with -k, as nc's loop, only
 * --idle-timeout's peers go (dgram_expire()) and the listener stays.
 */
static long long
dgram_idle(const struct job *j)
{
	if (j->flow->idle_ms != TIME_NONE)
		return (j->flow->idle_ms);
	return (j->side->keep ? TIME_NONE : j->side->timeout_ms);
}

/*
 * Serve the bound datagram socket fd with stdin and stdout; stdin is read
 * only once there is a peer.  Returns the exit status.
 */
int
dgram_serve(const struct job *j, int fd)
{
	const struct side	*sd = j->side;
	struct dgram_server	 ds;
	struct dgram_peer	*peer;
	struct join		 jn;
	struct join_how		 how = { .flow = j->flow, .far = sd,
	    .rule = JOIN_DGRAM_LISTENER, .name = { "receive", "send" },
	    .sent = 1, .dump = j->run->dump, .discard = { j->flow->send_only },
	    .idle_ms = dgram_idle(j) };
	struct end_how		 eh = { .rd = !j->flow->no_stdin,
	    .wr = !j->flow->send_only, .msgs = 1 };
	struct endpoint		*net;
	char			*cause;

	memset(&ds, 0, sizeof(ds));
	/* --idle-timeout: each peer's (dgram_heard(), dgram_expire()). */
	SIDE_TAKEN(gate.idle_ms);
	SIDE_TAKEN(timeout_ms);
	/* -k: every peer (dgram_heard()), else the first. */
	SIDE_TAKEN(keep);
	FLOW_TAKEN(idle_ms);
	FLOW_TAKEN(send_only);
	FLOW_TAKEN(no_stdin);
	FLOW_TAKEN(recv_only);		/* the front made no_stdin of it */
	ds.j = j;
	ds.fd = fd;
	TAILQ_INIT(&ds.peers);
	if (sd->dgram_to != NULL)
		ds.fixed = dgram_fixed(sd, fd);
	if (join_new(&jn, NULL, dgram_finished, &ds) == -1)
		fatal("session");
	if ((net = session_endpoint(jn.s, "network", fd, fd, sd->shut_null ?
	    EP_SHUT_NULL : EP_SHUT_NONE, EP_NET | EP_DGRAM | (sd->null_eof ?
	    EP_NULL_EOF : 0))) == NULL)
		fatal("session");
	net->ops = &dgram_ops;
	net->data = &ds;
	jn.end[0] = (struct end){ .rd = net, .wr = net, .sd = sd,
	    .is = END_SOCKET | END_NET, .slave = -1 };
	if (end_open(j->near, jn.s, &eh, &jn.end[1], &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	if (jn.end[1].child != NULL) {
		jn.end[1].child->exited_cb = dgram_program_exited;
		jn.end[1].child->arg = &ds;
	}
	/* Without stdin (-d), a way that has ended already. */
	if (jn.end[1].rd == NULL && (jn.end[1].rd = session_endpoint(jn.s,
	    "stdin", -1, -1, EP_SHUT_NONE, 0)) == NULL)
		fatal("session");
	/*
	 * Stdin waits for a peer, but for UDP-DATAGRAM:'s fixed one, or a
	 * *-RECV:'s none (what it reads is an error, its end the end).
	 */
	how.flags[1] = ds.fixed != NULL || sd->recv_only ? 0 : CH_HOLD;
	if (join_ways(&jn, &how, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	ds.tx = jn.way[1];
	ds.rx = jn.way[0];
	if (jn.end[1].rd->rfd == -1)
		ds.tx->state = CH_DRAINING;
	if (sd->sock.family != AF_UNIX)
		ds.tx->bufsize = UDP_MAXPAYLOAD;
	ds.s = jn.s;
	join_start(&jn);
	if (!jn.s->over && ev_loop() == -1)
		fatal("poll");

	session_free(jn.s);
	ds.s = NULL;
	if (jn.end[1].child != NULL) {
		exec_terminate(jn.end[1].child);
		exec_release(jn.end[1].child);
	}
	while ((peer = TAILQ_FIRST(&ds.peers)) != NULL)
		dgram_forget(&ds, peer);
	free(ds.fixed);
	return (ds.status);
}
