/*
 * The relay (--relay): joins two clients that present the same rendezvous
 * name (--via, src/codec/rendez.c), seeing nothing but sizes; their TLS
 * runs end to end.  A client may come as a WebSocket or plain TCP.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"

/* A client has this long to send its request. */
#define RELAY_REQUEST_MS	(10 * 1000)
/*
 * The names, in buckets by a hash of the name under a key of the run's
 * own: an honest name is a MAC, but a stranger chooses his, and without
 * the key he cannot choose names that share a bucket.
 */
#define RELAY_BUCKETS		4096
#define RELAY_KEY_LEN		16

struct relay;
struct rpair;

/* A client, from its admission to its pairing. */
struct rclient {
	struct relay		*r;
	struct netconn		*nc;
	struct net_peer		 peer;
	struct ev_timer		 timer;	/* its request's deadline, then its
					   name's */
	struct rname		*rn;	/* waiting under this name */
	unsigned char		 host[NET_HOST_KEY_LEN]; /* per-addr='s key */
	TAILQ_ENTRY(rclient)	 entry;	/* the relay's waiting clients */
	size_t			 got;
	int			 shed;	/* its WebSocket given up while it
					   waits: ws_pre_shed()'s flags */
	unsigned char		 req[RDV_REQ_LEN];
};

/*
 * A name: one client waiting under it, or the pair made under it (a
 * third client who comes with it is turned away).
 */
struct rname {
	LIST_ENTRY(rname)	 entry;
	unsigned char		 name[RDV_NAME_LEN];
	struct rclient		*waiting;
	struct rpair		*pair;
};
LIST_HEAD(rnames, rname);

/* Two clients joined. */
struct rpair {
	struct relay		*r;
	struct rname		*rn;
	struct netconn		*nc[2];
	struct net_peer		 peer[2];
	struct session		*s;
	struct channel		*way[2];
	struct ev_timer		 tick;	/* the limits */
	uint64_t		 since;	/* ev_now() when paired */
	uint64_t		 moved;	/* both ways, with limits only */
	int			 held;	/* past a limit: held */
	const char		*limit;	/* the limit that ends it, or NULL */
};

struct relay {
	const struct job	*j;
	struct rnames		 names[RELAY_BUCKETS];
	unsigned char		 key[RELAY_KEY_LEN]; /* the buckets' */
	TAILQ_HEAD(, rclient)	 waiting;
};

/* The bucket of name. */
static struct rnames *
rname_bucket(struct relay *r, const unsigned char *name)
{
	unsigned char	 in[RELAY_KEY_LEN + RDV_NAME_LEN], h[32];

	memcpy(in, r->key, RELAY_KEY_LEN);
	memcpy(in + RELAY_KEY_LEN, name, RDV_NAME_LEN);
	digest(DIGEST_SHA256, in, sizeof(in), h);
	return (&r->names[(h[0] | h[1] << 8) % RELAY_BUCKETS]);
}

/* The record of name, or NULL. */
static struct rname *
rname_find(struct relay *r, const unsigned char *name)
{
	struct rname	*rn;

	LIST_FOREACH(rn, rname_bucket(r, name), entry) {
		if (memcmp(rn->name, name, RDV_NAME_LEN) == 0)
			return (rn);
	}
	return (NULL);
}

/* Forget the name rn. */
static void
rname_free(struct rname *rn)
{
	LIST_REMOVE(rn, entry);
	explicit_bzero(rn, sizeof(*rn));
	free(rn);
}

/* A client's address and port, for messages: never its name. */
static const char *
relay_label(const struct net_peer *peer, char *buf, size_t len)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];

	net_format((const struct sockaddr *)&peer->ss, peer->len, 1, host,
	    sizeof(host), port, sizeof(port));
	snprintf(buf, len, "%s %s", host, port);
	return (buf);
}

/* Forget a client that is not paired; its place at the gate comes back. */
static void
rclient_free(struct rclient *rc)
{
	struct relay	*r = rc->r;

	ev_timer_disarm(&rc->timer);
	if (rc->nc->fd != -1)
		ev_del(rc->nc->fd);
	if (rc->rn != NULL) {
		TAILQ_REMOVE(&r->waiting, rc, entry);
		rname_free(rc->rn);
	}
	netconn_free(rc->nc);
	explicit_bzero(rc, sizeof(*rc));
	free(rc);
}

/* Drop a waiting client's WebSocket state, between messages. */
static void
relay_ws_shed(struct rclient *rc)
{
	int	 flags;

	if (rc->nc->ws != NULL && (flags = ws_pre_shed(rc->nc->ws)) != -1) {
		rc->nc->ws = NULL;
		rc->shed = flags;
	}
}

/* Its WebSocket made again, to be used: 1, 0 if none, -1 with errno. */
static int
relay_ws_again(struct rclient *rc)
{
	if (rc->shed == 0)
		return (rc->nc->ws != NULL);
	if ((rc->nc->ws = ws_pre_again(rc->r->j->side, rc->nc->fd,
	    rc->shed)) == NULL)
		return (-1);
	rc->shed = 0;
	return (1);
}

/* Tell a client the answer r (a few bytes to a fresh socket: at once). */
static int
relay_answer(struct rclient *rc, enum rdv_reply r)
{
	unsigned char	 buf[RDV_REPLY_LEN];

	if (relay_ws_again(rc) == -1)
		return (-1);
	rdv_encode_reply(buf, r);
	if (rc->nc->ws != NULL)
		return (ws_pre_send(rc->nc->ws, buf, sizeof(buf)));
	return (send(rc->nc->fd, buf, sizeof(buf), MSG_NOSIGNAL) ==
	    (ssize_t)sizeof(buf) ? 0 : -1);
}

/*
 * Read up to n payload bytes of a client, never past a frame.  Returns as
 * recv(2); *why says what broke.
 */
static ssize_t
relay_recv(struct rclient *rc, void *buf, size_t n, const char **why)
{
	ssize_t	 r;

	*why = NULL;
	if (rc->nc->ws != NULL)
		return (ws_pre_read(rc->nc->ws, buf, n, why));
	while ((r = recv(rc->nc->fd, buf, n, MSG_DONTWAIT)) == -1 &&
	    errno == EINTR)
		;
	return (r);
}

/* Turn a client away with the answer r, said with -v by its address. */
static void
relay_refuse(struct rclient *rc, enum rdv_reply r, const char *why)
{
	char	 label[NI_MAXHOST + NI_MAXSERV + 2];

	log_verbose(1, "relay: %s: refused: %s",
	    relay_label(&rc->peer, label, sizeof(label)), why);
	(void)relay_answer(rc, r);
	rclient_free(rc);
}

static void
rpair_free(struct rpair *p)
{
	ev_timer_disarm(&p->tick);
	rname_free(p->rn);
	netconn_free(p->nc[0]);
	netconn_free(p->nc[1]);
	free(p);
}

static void
rpair_finished(struct session *s)
{
	struct rpair		*p = s->arg;
	const struct channel	*own;
	char			 a[NI_MAXHOST + NI_MAXSERV + 2];
	char			 b[NI_MAXHOST + NI_MAXSERV + 2];
	const char		*how;

	/* A pair ended by a limit is reset too, both ways. */
	if (s->why == SE_IDLE)
		p->limit = "reset at --idle-timeout";
	how = join_ended(s, p->limit != NULL, &own);
	if (p->limit != NULL)
		how = p->limit;
	if (own != NULL)
		log_warnx("relay: %s and %s: %s: %s",
		    relay_label(&p->peer[0], a, sizeof(a)),
		    relay_label(&p->peer[1], b, sizeof(b)),
		    own->error_op, strerror(own->error));
	log_verbose(1, "relay: %s and %s: %s, %llu and %llu bytes", relay_label(
	    &p->peer[0], a, sizeof(a)), relay_label(&p->peer[1], b, sizeof(b)),
	    how, (unsigned long long)p->way[0]->bytes,
	    (unsigned long long)p->way[1]->bytes);
	session_free(s);
	rpair_free(p);
}

/* The bytes the pair may have moved by now at --relay-limit's rate=. */
static uint64_t
rpair_allowed(const struct rpair *p)
{
	uint64_t	 rate = p->r->j->relay->rate, ms;

	ms = ev_now() - p->since;
	return (rate * (ms / 1000 + 1) + rate * (ms % 1000) / 1000);
}

/* Hold both ways, or let them read again (plain sockets: nothing is
   held in a source that a poll would not announce). */
static void
rpair_hold(struct rpair *p, int on)
{
	p->held = on;
	channel_hold(p->way[0], on);
	channel_hold(p->way[1], on);
}

/* The pair's limit timer: end it past bytes=, hold it past rate=. */
static void
rpair_tick(void *arg)
{
	struct rpair		*p = arg;
	const struct relay_conf	*rc = p->r->j->relay;
	uint64_t		 allowed;

	if (rc->max_bytes > 0 && p->moved >= (uint64_t)rc->max_bytes) {
		p->limit = "reset at --relay-limit bytes";
		session_finish(p->s);
		return;
	}
	if (!p->held)
		return;
	if ((allowed = rpair_allowed(p)) >= p->moved) {
		rpair_hold(p, 0);
		return;
	}
	ev_timer_arm(&p->tick, (p->moved - allowed) * 1000 / rc->rate + 1);
}

/*
 * Count each delivered chunk against --relay-limit; past it, hold both ways
 * (the timer goes on).  Must not free the session: the timer ends it.
 */
static void
rpair_tap(__unused struct channel *ch, __unused const unsigned char *buf,
    size_t n, void *arg)
{
	struct rpair		*p = arg;
	const struct relay_conf	*rc = p->r->j->relay;
	uint64_t		 allowed;

	p->moved += n;
	if (p->held)
		return;
	if (rc->max_bytes > 0 && p->moved >= (uint64_t)rc->max_bytes) {
		rpair_hold(p, 1);
		ev_timer_arm(&p->tick, 0);
	} else if (rc->rate > 0 && (allowed = rpair_allowed(p)) < p->moved) {
		rpair_hold(p, 1);
		ev_timer_arm(&p->tick, (p->moved - allowed) * 1000 /
		    rc->rate + 1);
	}
}

/* Tell first (TLS's server) and second which they are, and join them. */
static void
relay_pair(struct rname *rn, struct rclient *first, struct rclient *second)
{
	struct relay		*r = first->r;
	struct rpair		*p;
	struct join		 jn;
	struct join_how		 how = { .flow = r->j->flow, .far = r->j->side,
	    .name = { "first", "second" }, .idle_ms = TIME_NONE };
	char			 a[NI_MAXHOST + NI_MAXSERV + 2];
	char			 b[NI_MAXHOST + NI_MAXSERV + 2];
	char			*cause = NULL;

	TAILQ_REMOVE(&r->waiting, first, entry);
	first->rn = NULL;
	rn->waiting = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warn("relay");
		goto drop;
	}
	if (relay_answer(first, RDV_FIRST) == -1 ||
	    relay_answer(second, RDV_SECOND) == -1) {
		log_verbose(1, "relay: %s and %s: a client left as it was "
		    "paired", relay_label(&first->peer, a, sizeof(a)),
		    relay_label(&second->peer, b, sizeof(b)));
		free(p);
		goto drop;
	}
	p->r = r;
	p->rn = rn;
	rn->pair = p;
	p->since = ev_now();
	ev_timer_init(&p->tick, rpair_tick, p);
	ev_timer_disarm(&first->timer);
	ev_timer_disarm(&second->timer);
	ev_del(first->nc->fd);
	ev_del(second->nc->fd);
	p->nc[0] = first->nc;
	p->nc[1] = second->nc;
	p->peer[0] = first->peer;
	p->peer[1] = second->peer;
	free(first);
	free(second);
	log_verbose(1, "relay: paired %s with %s", relay_label(&p->peer[0], a,
	    sizeof(a)), relay_label(&p->peer[1], b, sizeof(b)));
	if (join_new(&jn, NULL, rpair_finished, p) == -1 ||
	    end_netconn(&jn.end[0], r->j->side, p->nc[0], jn.s, "first",
	    EP_SHUT_SOCKET, EP_NET | EP_OWN, NC_BINARY) == -1 ||
	    end_netconn(&jn.end[1], r->j->side, p->nc[1], jn.s, "second",
	    EP_SHUT_SOCKET, EP_NET | EP_OWN, NC_BINARY) == -1)
		goto fail;
	/*
	 * Zero-copy once the bytes move (TLS's first records are copied),
	 * unless the pair has limits, which count each chunk.
	 */
	how.flags[0] = how.flags[1] = CH_SHUTDOWN | CH_RESET | CH_CLOSE |
	    CH_LAZY;
	RELAY_TAKEN(max_bytes);
	RELAY_TAKEN(rate);
	if (r->j->relay->max_bytes > 0 || r->j->relay->rate > 0) {
		how.tap = rpair_tap;
		how.tap_arg = p;
	}
	if (join_ways(&jn, &how, &cause) == -1) {
		join_failed("relay", cause);
		goto said;
	}
	p->way[0] = jn.way[0];
	p->way[1] = jn.way[1];
	p->s = jn.s;
	gate_session(&r->j->side->gate, jn.s);
	join_start(&jn);
	return;

fail:
	log_warn("relay");
said:
	session_free(jn.s);
	rpair_free(p);
	return;
drop:
	rname_free(rn);
	rclient_free(first);
	rclient_free(second);
}

/* A waiting client that sends anything, or ends, ends its wait. */
static void
relay_waiter_cb(__unused int fd, __unused int events, void *arg)
{
	struct rclient	*rc = arg;
	char		 label[NI_MAXHOST + NI_MAXSERV + 2];
	unsigned char	 b;
	const char	*why;

	/* A WebSocket's ping (a keep-alive) is answered, and it waits on. */
	if (relay_ws_again(rc) == 1 && relay_recv(rc, &b, 1, &why) == -1 &&
	    errno == EAGAIN) {
		relay_ws_shed(rc);
		return;
	}
	log_verbose(1, "relay: %s: left before it was paired",
	    relay_label(&rc->peer, label, sizeof(label)));
	rclient_free(rc);
}

/* The clients waiting from the host that key names (net_host_key()). */
static int
relay_waiting_from(const struct relay *r, const unsigned char *key)
{
	const struct rclient	*rc;
	int			 n = 0;

	TAILQ_FOREACH(rc, &r->waiting, entry) {
		if (memcmp(rc->host, key, NET_HOST_KEY_LEN) == 0)
			n++;
	}
	return (n);
}

/* A client's whole request: pair it, let it wait, or turn it away. */
static void
relay_arrive(struct rclient *rc, const unsigned char *name)
{
	struct relay	*r = rc->r;
	struct rname	*rn;
	char		 label[NI_MAXHOST + NI_MAXSERV + 2];

	ev_timer_disarm(&rc->timer);
	rn = rname_find(r, name);
	if (rn != NULL && rn->pair != NULL) {
		relay_refuse(rc, RDV_TAKEN, "its name is paired already");
		return;
	}
	if (rn != NULL) {
		relay_pair(rn, rn->waiting, rc);
		return;
	}
	net_host_key((const struct sockaddr *)&rc->peer.ss, rc->host);
	RELAY_TAKEN(per_addr);
	RELAY_TAKEN(wait_ms);
	if (r->j->relay->per_addr > 0 &&
	    relay_waiting_from(r, rc->host) >= r->j->relay->per_addr) {
		relay_refuse(rc, RDV_LIMIT, "too many waiting from its address "
		    "(--relay-limit per-addr)");
		return;
	}
	if ((rn = calloc(1, sizeof(*rn))) == NULL)
		goto fail;
	memcpy(rn->name, name, RDV_NAME_LEN);
	rn->waiting = rc;
	rc->rn = rn;
	LIST_INSERT_HEAD(rname_bucket(r, name), rn, entry);
	TAILQ_INSERT_TAIL(&r->waiting, rc, entry);
	if (relay_answer(rc, RDV_WAIT) == -1)
		goto said;
	/* Ours, not the client's doing: said without -v. */
	if (ev_set(rc->nc->fd, EV_READ, relay_waiter_cb, rc) == -1)
		goto fail;
	ev_timer_arm(&rc->timer, r->j->relay->wait_ms);
	relay_ws_shed(rc);
	log_verbose(1, "relay: %s waits",
	    relay_label(&rc->peer, label, sizeof(label)));
	return;

fail:
	log_warn("relay");
said:
	rclient_free(rc);
}

/* A client's request, read up to its end and never past it. */
static void
relay_read_cb(int fd, __unused int events, void *arg)
{
	struct rclient	*rc = arg;
	unsigned char	 name[RDV_NAME_LEN];
	const char	*why;
	ssize_t		 n, want;

	/* A WebSocket's frame may have come whole: read till none is left. */
	while ((want = rdv_parse_request(rc->req, rc->got, name, &why)) >
	    (ssize_t)rc->got) {
		n = relay_recv(rc, rc->req + rc->got, want - rc->got, &why);
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1 && errno == EPROTO) {
			relay_refuse(rc, RDV_BAD, why);
			return;
		}
		if (n <= 0) {
			rclient_free(rc);
			return;
		}
		rc->got += n;
	}
	if (want == -1) {
		relay_refuse(rc, RDV_BAD, why);
		return;
	}
	ev_del(fd);
	relay_arrive(rc, name);
	explicit_bzero(name, sizeof(name));
}

/* A client's timer: no whole request in time, or its name's wait= over. */
static void
relay_timeout_cb(void *arg)
{
	struct rclient	*rc = arg;

	if (rc->rn != NULL)
		relay_refuse(rc, RDV_EXPIRED, "waited its time, nobody came");
	else
		relay_refuse(rc, RDV_BAD, "no request in time");
}

/* A client admitted: read its request. */
static int
relay_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct relay	*r = arg;
	struct rclient	*rc;

	if ((rc = calloc(1, sizeof(*rc))) == NULL) {
		log_warn("relay");
		netconn_free(nc);
		return (-1);
	}
	rc->r = r;
	rc->nc = nc;
	rc->peer = *peer;
	/* A plain TCP client of a WebSocket relay: its bytes are unread. */
	if (nc->ws != NULL && ws_plain(nc->ws)) {
		ws_free(nc->ws);
		nc->ws = NULL;
	}
	ev_timer_init(&rc->timer, relay_timeout_cb, rc);
	if (ev_set(nc->fd, EV_READ, relay_read_cb, rc) == -1) {
		log_warn("relay");
		rclient_free(rc);
		return (-1);
	}
	ev_timer_arm(&rc->timer, RELAY_REQUEST_MS);
	return (0);
}

/* --relay: pair the clients that come with the same name. */
int
relay_listen(const struct job *j)
{
	static const struct listen_ops	ops = { .start = relay_start };
	struct relay			*r;
	size_t				 i;
	int				 fd;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("relay");
	r->j = j;
	arc4random_buf(r->key, sizeof(r->key));
	for (i = 0; i < RELAY_BUCKETS; i++)
		LIST_INIT(&r->names[i]);
	TAILQ_INIT(&r->waiting);
	fd = join_listen(j->side, j->side->host, LISTEN_MANY | LISTEN_ANY);
	join_serve_signals(j, "relay", NULL, NULL);
	listener_run(j->side, fd, &ops, r, NULL);
	free(r);
	return (0);
}
