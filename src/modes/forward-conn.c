/*
 * One connection of the port forwarder: its targets tried in order, each
 * opened as its side says (open.c), and the client relayed with the first
 * that opens.
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
#include "forward-int.h"

/* Connecting to one target (and its TLS) may take this long without -w. */
#define FWD_CONNECT_MS		(10 * 1000)
/*
 * The most bytes of a datagram peer's kept while its target is opened, as
 * a socket's receive buffer would keep them.
 */
#define FWD_EARLY_MAX		(4 * CHANNEL_BUFSIZE)

/* fc's name in messages, "#N HOST PORT", made on first use. */
static const char *
fconn_label(struct fconn *fc)
{
	return (join_label(&fc->label, fc->serial, &fc->from.sa,
	    fc->fromlen));
}

/* Forget the attempt in progress (not its device), keeping the client. */
static void
fconn_abandon(struct fconn *fc)
{
	struct fconn_out	*out = fc->out;

	ev_timer_disarm(&out->deadline);
	ev_timer_disarm(&out->kick);
	open_cancel(out->op);
	out->op = NULL;
	if (out->tnc != NULL && out->tnc->fd != -1)
		ev_del(out->tnc->fd);
	netconn_free(out->tnc);
	out->tnc = NULL;
}

/* Free what only the outbound stage needed, closing what the pump lacks. */
static void
fconn_out_free(struct fconn *fc)
{
	struct fconn_out	*out = fc->out;

	if (out == NULL)
		return;
	fconn_abandon(fc);
	/* Its listener may be the caller: it is freed with the list. */
	if (out->cur != NULL && out->cur->l != NULL)
		listener_close(out->cur->l);
	if (out->cur != NULL && out->cur->lfd != -1) {
		ev_del(out->cur->lfd);
		close(out->cur->lfd);
		out->cur->lfd = -1;
	}
	forward_targets_drop(out->ts);
	dgramq_free(&out->dgrams);
	free(out);
	fc->out = NULL;
}

/* Give the device back (its modes or its link) for the next client. */
static void
fconn_device_close(struct fconn *fc)
{
	struct fwd_target	*t = fc->dev;

	if (t == NULL)
		return;
	net_close(&t->dev_fd);
	end_device_close(t->sd, t->dev_slave);
	t->dev_slave = -1;
	t->dev_user = NULL;
	fc->dev = NULL;
}

/* Close and free the connection; its netconn gives its place back. */
void
fconn_destroy(struct fconn *fc)
{
	if (fc->peer)
		TAILQ_REMOVE(&fc->f->fconns, fc, entry);
	/* A dialled side's fork makes no other kind: each is counted. */
	if (fc->f->ndialled > 0)
		fc->f->ndialled--;
	fconn_out_free(fc);
	fconn_device_close(fc);
	netconn_free(fc->nc);
	free(fc->label);
	free(fc);
}

/*
 * A client is over, unserved or not: without -k it was the one client, the
 * run's end, and its status.
 */
void
forward_over(struct forward *f, int unserved)
{
	if (f->j->side->keep)
		return;
	if (unserved)
		f->status = 1;
	if (f->l != NULL)
		listener_close(f->l);
	/* A socket never read (-u, -U) may linger (join_ways()). */
	sock_linger_break();
}

/* The client's connection is over. */
void
fconn_free(struct fconn *fc)
{
	forward_over(fc->f, 0);
	fconn_destroy(fc);
}

/* Will fconn_next() try another target, one not in its back-off? */
static int
fconn_more(const struct fconn *fc)
{
	const struct fwd_targets	*ts = fc->out->ts;
	size_t				 i;

	for (i = fc->out->tries; i < ts->n; i++)
		if (ts->t[(fc->out->first + i) % ts->n].down_until <= ev_now())
			return (1);
	return (0);
}

/*
 * The current target failed for why (errno error, or 0): try the next; -v
 * says so once.  An error of our own (EMFILE, ENOMEM) does not put the
 * target in back-off.
 */
static void
fconn_failed(struct fconn *fc, const char *why, int error)
{
	struct fconn_out	*out = fc->out;

	snprintf(out->why, sizeof(out->why), "%s: %s", out->cur->name, why);
	out->own_error = net_own_error(error);
	if (fconn_more(fc) && log_verbosity() >= 1)
		log_verbose_warn(1, "forward: %s: %s", fconn_label(fc),
		    out->why);
	/* A device in use, or not a terminal, is not down: it is tried. */
	if (out->cur->sd->kind == SIDE_SOCKET && !out->own_error)
		forward_target_down(out->cur);
	fconn_abandon(fc);
	fconn_device_close(fc);
	fconn_next(fc);
}

static void
fconn_deadline_cb(void *arg)
{
	fconn_failed(arg, strerror(ETIMEDOUT), 0);
}

/*
 * Did s fail only by a reset read, which socat's dialect takes for an end
 * (its status 0, nothing said)?
 */
static int
fconn_reset_is_end(const struct fconn *fc, struct session *s)
{
	const struct channel	*ch;

	if (!fc->f->j->side->dialect->reset_is_end)
		return (0);
	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch->error_op != NULL && (ch->error != ECONNRESET ||
		    strcmp(ch->error_op, "read") != 0))
			return (0);
	}
	return (1);
}

static void
fconn_finished(struct session *s)
{
	struct fconn		*fc = s->arg;
	struct forward		*f = fc->f;
	const struct channel	*own;
	const char		*how = join_ended(s, 0, &own);

	/*
	 * A server's client's failure is -v's to say, but for ours; the one
	 * session of a forwarder without -k (a pair's dialled side's) is the
	 * run's: its failure is said, as nc says it, and its status.
	 */
	if (!f->j->side->keep) {
		if (!fconn_reset_is_end(fc, s) && session_report(s) != 0)
			f->status = 1;
	} else if (own != NULL)
		log_warnx("forward: %s: %s: %s", fconn_label(fc),
		    own->error_op, strerror(own->error));
	if (f->j->stats || log_verbosity() >= 2)
		log_verbose(0, "forward: %s: %s, %llu bytes up, %llu bytes "
		    "down", fconn_label(fc), how, (unsigned long long)(fc->up !=
		    NULL ? fc->up->bytes : 0), (unsigned long long)(fc->down !=
		    NULL ? fc->down->bytes : 0));
	else if (log_verbosity() >= 1)
		log_verbose(1, "forward: %s: %s", fconn_label(fc), how);
	session_free(s);
	fconn_free(fc);
}

/* -o, --hex-dump: a connection's lines are labelled (dump_label()). */
const char *
fconn_dump_label(struct session *s)
{
	DEBUG_CHECK(s->finished == fconn_finished,
	    "fconn_dump_label: a session not a connection's");
	return (fconn_label(s->arg));
}

/*
 * Open jn's two ends: the client first, the target second.  The sockets
 * are EP_OWN (no child has them); between two datagram sockets a refusal
 * ends nothing (EP_DEAF).  Returns -1 with errno.
 */
static int
fconn_ends(struct fconn *fc, struct join *jn)
{
	const struct side	*sd = fc->out->cur->sd;
	/* Said as given (a pair's addresses), else by their parts. */
	const char		*client = fc->f->j->side->text != NULL ?
				    fc->f->j->side->text : "client";
	const char		*target = sd->text != NULL ? sd->text :
				    "target";
	int			 fd, deaf;

	fc->dgram = fc->dev == NULL && sd->sock.socktype == SOCK_DGRAM;
	deaf = fc->dgram && fc->peer ? EP_DEAF : 0;
	if (end_netconn(&jn->end[0], fc->f->j->side, fc->nc, jn->s, client,
	    fc->peer ? EP_SHUT_NONE : EP_SHUT_SOCKET, EP_NET | (fc->peer ?
	    EP_DGRAM : EP_OWN) | deaf, NC_BINARY | (fc->dgram ? NC_MESSAGES :
	    0)) == -1)
		return (-1);
	if (fc->dev != NULL) {
		fd = fc->dev->dev_fd;
		fc->dev->dev_fd = -1;
		return (end_device(&jn->end[1], sd, jn->s, target, fd));
	}
	return (end_netconn(&jn->end[1], sd, fc->out->tnc, jn->s, target,
	    fc->dgram ? EP_SHUT_NONE : EP_SHUT_SOCKET, EP_OWN | (fc->dgram ?
	    EP_DGRAM : 0) | deaf, NC_BINARY | (fc->peer ? NC_MESSAGES : 0)));
}

/* Fill how for fc's join. */
static void
fconn_how(struct fconn *fc, const struct join *jn, struct join_how *how)
{
	const struct job	*j = fc->f->j;
	int			 copy;

	/*
	 * Both directions copy until one moves volume, and then splice: a
	 * connection that trades a line or two costs no splice set-up.  A
	 * plain client has most likely written as it connected: what it
	 * sent is read at once, not after another round of the loop.  A
	 * datagram or a device target is copied: each read from the client
	 * is one datagram, and a line has no splice.
	 */
	copy = fc->dgram || fc->dev != NULL ? CH_COPY : CH_LAZY;
	how->flags[0] = CH_SHUTDOWN | CH_RESET | CH_CLOSE | copy |
	    (jn->end[0].rd->ops == NULL ? CH_EAGER : 0);
	how->flags[1] = CH_SHUTDOWN | CH_RESET | CH_CLOSE | copy;
	how->rule = fc->peer ? JOIN_NEAR_ENDS : fc->dgram ? JOIN_DGRAM_TARGET :
	    JOIN_SIDES;
	/* socat's -u and -U: the client only read, or only written. */
	FLOW_TAKEN(send_only);
	FLOW_TAKEN(recv_only);
	how->skip[0] = j->flow->recv_only;
	how->skip[1] = j->flow->send_only;
	/*
	 * Idle: -w, or socat's -T (its command line has no -w); a datagram
	 * peer that says nothing for long is forgotten.
	 */
	if (fc->peer)
		how->idle_ms = j->side->gate.idle_ms != TIME_NONE ?
		    j->side->gate.idle_ms : GATE_PEER_IDLE_MS;
	SIDE_TAKEN(timeout_ms);
}

/*
 * The target is open: say so, send the PROXY header, join it with the
 * client.
 */
void
fconn_relay(struct fconn *fc)
{
	const struct job	*j = fc->f->j;
	unsigned char	 hdr[PROXYPROTO_MAX];
	const unsigned char *dg;
	const char	*errstr;
	size_t		 dglen;
	struct join	 jn;
	struct join_how	 how = { .flow = j->flow, .far = j->side,
	    .name = { "upstream", "downstream" },
	    .dump = j->run->dump, .sent = 1,
	    .idle_ms = j->flow->idle_ms != TIME_NONE ? j->flow->idle_ms :
	    j->side->timeout_ms };
	char		*cause = NULL;
	ssize_t		 n = 0;

	if (fc->out->tnc != NULL)
		ev_park(fc->out->tnc->fd);
	forward_target_up(fc->out->cur);
	if (j->fwd->send_proxy != 0 && (n = proxyproto_encode(hdr, sizeof(hdr),
	    j->fwd->send_proxy, (struct sockaddr *)&fc->out->peer.ss,
	    (struct sockaddr *)&fc->out->local.ss, &errstr)) == -1) {
		log_warnx("forward: %s: PROXY header: %s", fconn_label(fc), errstr);
		fconn_free(fc);
		return;
	}
	if (join_new(&jn, NULL, fconn_finished, fc) == -1 ||
	    fconn_ends(fc, &jn) == -1)
		goto fail;
	fconn_how(fc, &jn, &how);
	if (join_ways(&jn, &how, &cause) == -1) {
		join_failed(fconn_label(fc), cause);
		goto said;
	}
	fc->up = jn.way[0];
	fc->down = jn.way[1];
	if (fc->dgram && fc->up != NULL)
		fc->up->bufsize = jn.end[1].wr->ops != NULL ? DTLS_MAXPAYLOAD :
		    UDP_MAXPAYLOAD;
	/* A peer's first datagrams, which the listener read, in order. */
	while (fc->up != NULL && dgramq_first(fc->out->dgrams, &dg, &dglen)) {
		if (channel_inject_read(fc->up, dg, dglen) == -1)
			goto fail;
		dgramq_drop(&fc->out->dgrams);
	}
	/* A fresh connection takes a header of a few hundred bytes at once. */
	if (n > 0 && ep_write(jn.end[1].wr, hdr, n) != n) {
		log_warnx("forward: %s: PROXY header: %s", fconn_label(fc),
		    strerror(errno));
		goto said;
	}
	/* The label is made only for a message that is said. */
	if (log_verbosity() >= 1)
		log_verbose(1, "forward: %s: forwarded to %s",
		    fconn_label(fc), fc->out->cur->name);
	fc->state = FC_RELAYING;
	fconn_out_free(fc);
	gate_session(&j->side->gate, jn.s);
	join_start(&jn);
	return;

fail:
	log_warn("forward: %s", fconn_label(fc));
said:
	session_free(jn.s);
	forward_over(fc->f, 1);
	fconn_destroy(fc);
}

/* Relay, or wait for the client's handshake to finish (forward_start()). */
static void
fconn_target_ready(struct fconn *fc)
{
	ev_timer_disarm(&fc->out->deadline);
	if (fc->nc != NULL) {
		fconn_relay(fc);
		return;
	}
	if (fc->out->tnc != NULL)
		ev_park(fc->out->tnc->fd);
	fc->state = FC_READY;
}

/* open_start()'s callback: tnc, or error with cause (NULL: -v said it). */
static void
fconn_opened(struct netconn *tnc, __unused const struct net_peer *peer,
    int error, const char *cause, void *arg)
{
	struct fconn	*fc = arg;

	fc->out->op = NULL;
	if (tnc == NULL) {
		fconn_failed(fc, cause != NULL ? cause : strerror(error),
		    error);
		return;
	}
	fc->out->tnc = tnc;
	fconn_target_ready(fc);
}

/*
 * Open a device target for one client at a time, from the loop; a client
 * that comes meanwhile is refused.
 */
static void
fconn_device_cb(void *arg)
{
	struct fconn		*fc = arg;
	struct fwd_target	*t = fc->out->cur;
	const char		*name;
	char			*cause;

	if (t->dev_user != NULL) {
		log_warnx("%s: in use by another client (one client at a "
		    "time)", t->sd->text);
		fconn_failed(fc, "in use by another client", 0);
		return;
	}
	/*
	 * Made before the listener (pty-wait-slave), or now.  Why not is
	 * said now by a server that goes on (-k), else once as the end.
	 */
	if (t->dev_fd == -1 && (t->dev_fd = end_device_open(t->sd, &name,
	    &t->dev_slave, &cause)) == -1) {
		if (fc->f->j->side->keep)
			log_warnx("%s: %s", t->sd->text, cause);
		fconn_failed(fc, cause, 0);
		free(cause);
		return;
	}
	t->dev_user = fc;
	fc->dev = t;
	fconn_target_ready(fc);
}

/* A listening target's first client: the target, once. */
static int
fconn_accepted(void *arg, struct netconn *nc,
    __unused const struct net_peer *peer)
{
	struct fconn		*fc = arg;
	struct fwd_target	*t = fc->out->cur;

	listener_close(t->l);
	fc->out->tnc = nc;
	fconn_target_ready(fc);
	return (0);
}

static const struct listen_ops fconn_accept_ops = {
	.flags = LISTEN_SERIAL,
	.start = fconn_accepted,
};

/* A udp-l: target's first datagram: connect to its sender, datagram queued. */
static void
fconn_peeked(int fd, __unused int events, void *arg)
{
	struct fconn		*fc = arg;
	struct fwd_target	*t = fc->out->cur;
	struct net_peer		 peer;
	char			 b;

	peer.len = sizeof(peer.ss);
	if (recvfrom(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT,
	    (struct sockaddr *)&peer.ss, &peer.len) == -1)
		return;
	ev_del(fd);
	t->lfd = -1;
	if (connect(fd, (struct sockaddr *)&peer.ss, peer.len) == -1 ||
	    (fc->out->tnc = netconn_new(fd)) == NULL) {
		close(fd);
		fconn_failed(fc, strerror(errno), errno);
		return;
	}
	net_report_accept(t->sd, &peer);
	fconn_target_ready(fc);
}

/* Listen on a listening target, now the first side has its client. */
static void
fconn_accept(struct fconn *fc, struct fwd_target *t)
{
	char	*cause;
	int	 fd;

	if ((fd = listen_open(t->sd, t->sd->host, 0, &cause)) == -1) {
		fconn_failed(fc, cause != NULL ? cause : strerror(errno), 0);
		free(cause);
		return;
	}
	if (t->sd->sock.socktype == SOCK_DGRAM && !t->sd->tls.on) {
		if (ev_set(fd, EV_READ, fconn_peeked, fc) == 0) {
			t->lfd = fd;
			return;
		}
	} else if ((t->l = listener_new(t->sd, fd, &fconn_accept_ops,
	    fc)) != NULL)
		return;
	close(fd);
	fconn_failed(fc, strerror(errno), errno);
}

/* Try the next target not in back-off; with none, close the client, said. */
void
fconn_next(struct fconn *fc)
{
	struct forward		*f = fc->f;
	const struct job	*j = f->j;
	struct fwd_targets	*ts = fc->out->ts;
	struct fwd_target	*t;
	struct dial_how		 how;
	const struct side	*sd;

	while (fc->out->tries < ts->n) {
		t = &ts->t[(fc->out->first + fc->out->tries++) % ts->n];
		if (t->down_until > ev_now()) {
			if (fc->out->why[0] == '\0')
				snprintf(fc->out->why, sizeof(fc->out->why),
				    "%s: down, retried later", t->name);
			continue;
		}
		fc->out->cur = t;
		sd = t->sd;
		fc->state = FC_CONNECTING;
		/* A listening target waits for its client as long as it takes. */
		if (sd->listen) {
			fconn_accept(fc, t);
			return;
		}
		ev_timer_arm(&fc->out->deadline, sd->connect_ms > 0 ?
		    sd->connect_ms : j->side->timeout_ms != TIME_NONE ?
		    j->side->timeout_ms : FWD_CONNECT_MS);
		/* A device is lent from the loop, as a dial answers. */
		if (sd->kind != SIDE_SOCKET) {
			ev_timer_arm(&fc->out->kick, 0);
			return;
		}
		/*
		 * Looked up off the loop: a slow resolver stalls no one.  A
		 * Unix path's connect is done or refused at once (a full
		 * backlog says EAGAIN, a refusal), but even then the opening
		 * answers from the loop: this runs inside the listener's
		 * start function and fconn_next(), whose callers must not
		 * see the connection relayed, or freed, under them.  The
		 * socket comes parked: the pump watches it at once, in one
		 * change to the kernel's set.
		 */
		/* --forward-ssl's TLS is the targets' (tls_ctx_taken()). */
		if (j->fwd->tls.on) {
			FWD_TAKEN(tls.on);
			tls_ctx_taken(sd->tls.ctx, TAKEN_FWD,
			    offsetof(struct fwd_conf, tls));
		}
		memset(&how, 0, sizeof(how));
		how.flags = DIAL_PARK | DIAL_ONCE;
		if ((fc->out->op = open_start(sd, sd->host,
		    sd->sock.family == AF_UNIX ? NULL : sd->ports[0], &how,
		    fconn_opened, fc)) == NULL) {
			fconn_failed(fc, strerror(errno), errno);
			return;
		}
		/* Each failure is said once, with the client's label. */
		open_quiet(fc->out->op);
		return;
	}
	/*
	 * Said with -v; always when it ends the run (a server of one
	 * client), when the last failure was this process's own (out of
	 * memory or descriptors): no target is to blame, or as socat's
	 * child says it.
	 */
	if (fc->out->own_error || !j->side->keep ||
	    j->side->dialect->refused_always)
		log_warnx("forward: %s: no target accepted: %s",
		    fconn_label(fc), fc->out->why[0] != '\0' ? fc->out->why :
		    "none");
	else if (log_verbosity() >= 1)
		log_verbose_warn(1, "forward: %s: no target accepted: %s",
		    fconn_label(fc), fc->out->why[0] != '\0' ? fc->out->why :
		    "none");
	if (!j->side->keep)
		f->status = 1;
	/*
	 * A WebSocket client has had its 101 already: it is told that
	 * there is nothing behind it, not given an empty session.
	 */
	ws_close_now(fc->nc != NULL ? fc->nc->ws : NULL, WS_CLOSE_INTERNAL,
	    "no target accepted");
	/*
	 * Dialled early (forward_admitted()), the client is closed when its
	 * handshake is over.
	 */
	if (fc->nc == NULL) {
		fc->state = FC_FAILED;
		return;
	}
	fconn_free(fc);
}

/* The client's address is compared as a sockaddr_storage. */
_Static_assert(offsetof(struct fconn, from) %
    _Alignof(struct sockaddr_storage) == 0,
    "struct fconn: from is not aligned as a sockaddr_storage");

/* A connection for the client on fd at peer, not started; NULL: ENOMEM. */
struct fconn *
fconn_new(struct forward *f, int fd, const struct net_peer *peer)
{
	struct fconn	*fc;

	if ((fc = calloc(1, sizeof(*fc))) == NULL ||
	    (fc->out = calloc(1, sizeof(*fc->out))) == NULL) {
		free(fc);
		return (NULL);
	}
	fc->f = f;
	fc->serial = ++f->serial;
	if (peer->len <= sizeof(fc->from)) {
		memcpy(&fc->from, &peer->ss, peer->len);
		fc->fromlen = peer->len;
	} else
		(void)join_label(&fc->label, fc->serial,
		    (const struct sockaddr *)&peer->ss, peer->len);
	fc->out->peer = *peer;
	/* The address the client reached is for the PROXY header alone. */
	fc->out->local.len = sizeof(fc->out->local.ss);
	if (f->j->fwd->send_proxy == 0 || getsockname(fd,
	    (struct sockaddr *)&fc->out->local.ss, &fc->out->local.len) == -1)
		fc->out->local.len = 0;
	ev_timer_init(&fc->out->deadline, fconn_deadline_cb, fc);
	ev_timer_init(&fc->out->kick, fconn_device_cb, fc);
	/* The outbound stage keeps the targets it starts with. */
	fc->out->ts = f->ts;
	f->ts->refs++;
	fc->out->first = f->j->fwd->round_robin ? f->rr++ % f->ts->n : 0;
	return (fc);
}

/* Pass on (or keep until its target opens) a datagram for a known peer. */
static int
forward_peer_route(void *arg, const struct net_peer *peer, const void *dgram,
    size_t n)
{
	struct forward	*f = arg;
	struct fconn	*fc;
	int		 r;

	TAILQ_FOREACH(fc, &f->fconns, entry) {
		if (!udp_addr_equal((const struct sockaddr_storage *)
		    &fc->from, fc->fromlen, &peer->ss, peer->len))
			continue;
		/* Relayed, a peer only written (-U) is not read. */
		if (fc->state == FC_RELAYING)
			r = fc->up != NULL ? channel_inject_read(fc->up, dgram,
			    n) : 0;
		else
			r = dgramq_add(&fc->out->dgrams, dgram, n,
			    FWD_EARLY_MAX);
		if (r == -1)
			log_verbose_warn(1, "forward: %s: a datagram "
			    "dropped: %s", fconn_label(fc), strerror(errno));
		return (1);
	}
	return (0);
}

/* Start a connection for a new datagram peer with its own socket. */
static int
forward_peer_start(void *arg, struct netconn *nc, const struct net_peer *peer,
    const void *dgram, size_t n)
{
	struct forward	*f = arg;
	struct fconn	*fc;

	if ((fc = fconn_new(f, nc->fd, peer)) == NULL ||
	    dgramq_add(&fc->out->dgrams, dgram, n, FWD_EARLY_MAX) == -1) {
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

const struct peer_ops forward_peer_ops = {
	.start = forward_peer_start,
	.route = forward_peer_route,
};
