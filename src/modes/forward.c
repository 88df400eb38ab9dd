/*
 * The port forwarder (-l ... --forward TARGET): every connection the
 * listener admits is relayed to a target by the pump, both directions at
 * once, each ending on its own.  A target is a side (src/net/side.c): the
 * outbound stage picks one and opens it as its kind says (open.c: the
 * dial, the side's proxies, TLS and WebSocket; or the device of a
 * serial: or pty: target), trying the next when one fails.  Datagrams
 * (-u) to a udp: target are relayed peer by peer, each with its own
 * socket towards the target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"

/* Connecting to one target (and its TLS) may take this long without -w. */
#define FWD_CONNECT_MS		(10 * 1000)
/* A target that failed is left alone this long, doubled each time. */
#define FWD_BACKOFF_MS		1000
#define FWD_BACKOFF_MAX_MS	(16 * 1000)
/* A datagram peer quiet this long is forgotten, unless --idle-timeout. */
#define FWD_UDP_IDLE_MS		(60 * 1000)
/* Datagrams taken from one socket per wake-up. */
#define FWD_UDP_BATCH		64
/*
 * The most bytes of a datagram peer's kept while its target is opened, as
 * a socket's receive buffer would keep them.
 */
#define FWD_EARLY_MAX		(4 * CHANNEL_BUFSIZE)
/* The longest reason a target failed for. */
#define FWD_WHY_MAX		(NI_MAXHOST + NI_MAXSERV + 512)

/* The largest --forward-file: a list of targets, not a data file. */
#define FWD_FILE_MAX		(1024 * 1024)
/*
 * A datagram target behind a stream client has no end of its own: the
 * answers to what the client sent are awaited this long after its end.
 */
#define FWD_DGRAM_LINGER_MS	500

struct fwd_target {
	struct side	*sd;		/* what it is and how it is opened */
	char		 name[NI_MAXHOST + NI_MAXSERV + 8]; /* for messages */
	uint64_t	 down_until;	/* ev_now() before which it is skipped */
	long long	 backoff_ms;	/* the next back-off; 0: it is up */
	struct fconn	*dev_user;	/* the connection that has the device */
	int		 dev_fd;	/* its descriptor, until relayed */
	int		 dev_slave;	/* a pty:'s terminal side, or -1 */
	struct listener	*l;		/* a listening target's, until its
					   first client */
	int		 lfd;		/* a udp-l: target's, until its
					   first datagram */
};

/*
 * The targets in force, and until its outbound stage is over, those a
 * connection started with: a reload (SIGHUP) makes a new list while
 * connections still dial the old one's targets.  Freed with the last
 * reference (doc/design.md, "Reloading a forwarder").
 */
struct fwd_targets {
	size_t			 refs;	/* the forwarder's while in force,
					   and each outbound stage's */
	size_t			 n;
	struct side		*own;	/* the sides a reload read, freed with
					   the list; the rest are the command
					   line's */
	size_t			 nown;
	struct fwd_target	 t[];
};

struct upeer;

struct forward {
	const struct job	*j;
	struct listener		*l;
	struct fwd_targets	*ts;	/* in force */
	size_t			 rr;	/* --round-robin: the next first */
	unsigned long		 serial; /* connections so far */
	int			 status; /* exit status without -k */

	/* Datagrams: the bound socket, the target's addresses, the peers. */
	int			 ufd;
	struct peers		*pl;	/* or a peer's own socket for each */
	TAILQ_HEAD(, fconn)	 fconns; /* and its connection */
	struct resolve		*lookup;
	struct addrinfo		*res;
	TAILQ_HEAD(, upeer)	 peers;
	int			 served; /* without -k: the one peer came */

	/* Connections dialled while their client's handshake runs. */
	TAILQ_HEAD(, fconn_out)	 early;
};

/* Where a connection's outbound stage stands. */
enum fconn_state {
	FC_CONNECTING,
	FC_READY,	/* connected, the client still in its handshake */
	FC_FAILED,	/* no target, the client still in its handshake */
	FC_RELAYING,
};

/*
 * What a connection needs only until it is relayed: given back then, so
 * that an idle relayed connection costs little more than its session.
 */
struct fconn_out {
	struct fconn		*fc;
	struct net_peer		 peer;
	struct net_peer		 local;	/* the address it connected to */
	struct ev_timer		 deadline;
	char			 why[FWD_WHY_MAX]; /* the last failure */

	/* Targets of ts from first on, tries so far, the one being tried. */
	struct fwd_targets	*ts;
	u_int			 first;
	u_int			 tries;
	struct fwd_target	*cur;
	struct opening		*op;	/* the target being opened */
	struct netconn		*tnc;	/* the target, once open */
	struct ev_timer		 kick;	/* a device target's, from the loop */

	/*
	 * Dialled early (forward_admitted()): the client's socket, still
	 * the listener's until its handshake is over and fc->nc takes it.
	 */
	int			 early_fd;
	TAILQ_ENTRY(fconn_out)	 entry;
};

struct fconn {
	struct forward		*f;
	char			*label;	/* "#1 HOST:PORT", for messages */
	enum fconn_state	 state;
	struct netconn		*nc;	/* the client: its socket, TLS and
					   WebSocket until the pump has them,
					   and its place at the gate */
	struct fconn_out	*out;	/* NULL once relayed */

	TAILQ_ENTRY(fconn)	 entry;	/* the forwarder's, for a peer */
	uint64_t		 up_off; /* -o, --hex-dump offsets */
	uint64_t		 down_off;
	struct channel		*up, *down;
	struct fwd_target	*dev;	/* the device it has, or NULL */
	int			 dgram;	/* the target is a datagram one */
	int			 peer;	/* the client is a datagram peer */
	struct net_peer		 from;	/* and its address */
	struct dgramq		*early;	/* the peer's datagrams, before
					   its target is open */
	struct ev_timer		 linger; /* its answers, after the end */
	int			 lingered;
};

static void	fconn_next(struct fconn *);
static void	fconn_device_close(struct fconn *);
static long long upeer_idle_ms(const struct forward *);
static void	targets_free(struct fwd_targets *);
static void	forward_sighup(int, void *);
static void	forward_sigusr1(int, void *);

/*
 * Read the --forward target text into sd, a side that starts from the
 * forwarder's outbound settings (fwd->peer): an address of a kind that
 * is dialled (tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://) or a
 * device (serial:, pty:), or "HOST:PORT" as before addresses had
 * schemes: UDP's for a datagram forwarder, else TCP's.  --forward-ssl
 * and --send-proxy are for the targets that are plain streams of their
 * own kind (HOST:PORT, tcp:, unix:): given with another, they are
 * refused, not ignored.  Returns 0, or -1 with *cause set.
 */
int
forward_target(struct side *sd, const struct fwd_conf *fwd, const char *text,
    char **cause)
{
	const struct side	*dflt = &fwd->peer;
	const char	*port;
	char		 tcp[ADDR_MAX + 8];
	int		 plain;

	if (!addr_is(text)) {
		snprintf(tcp, sizeof(tcp), "%s:%s", dflt->sock.socktype ==
		    SOCK_DGRAM ? "udp" : "tcp", text);
		text = tcp;
	}
	if (side_parse(sd, dflt, text, cause) == -1)
		return (-1);
	if (sd->listen || sd->kind == SIDE_STDIO || sd->kind == SIDE_EXEC ||
	    sd->kind == SIDE_FILE) {
		side_free(sd);
		log_cause(cause, "not a target --forward dials (HOST:PORT, "
		    "tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, "
		    "serial:, pty:)");
		return (-1);
	}
	/* A service name the system does not know is said now. */
	port = sd->nports > 0 ? sd->ports[0] : NULL;
	if (sd->kind == SIDE_SOCKET && !sd->sock.vsock && port != NULL &&
	    port[strspn(port, "0123456789")] != '\0' &&
	    getservbyname(port, sd->sock.socktype == SOCK_DGRAM ? "udp" :
	    "tcp") == NULL) {
		log_cause(cause, "port number invalid: %s", port);
		side_free(sd);
		return (-1);
	}
	if (sd->kind == SIDE_SERIAL && sd->speed != 0 &&
	    !device_has_speed(sd->speed)) {
		log_cause(cause, "speed %lu is not one this system has",
		    sd->speed);
		side_free(sd);
		return (-1);
	}
	plain = sd->kind == SIDE_SOCKET && !sd->tls.on && !sd->ws.on &&
	    sd->sock.socktype == SOCK_STREAM && !sd->sock.vsock;
	if (!plain && (fwd->tls.on || fwd->send_proxy != 0)) {
		log_cause(cause, "%s is for HOST:PORT, tcp: and unix: targets",
		    fwd->tls.on ? "--forward-ssl" : "--send-proxy");
		side_free(sd);
		return (-1);
	}
	if (plain && fwd->tls.on)
		sd->tls.on = 1;
	return (0);
}

/*
 * Read the targets of the file at path, one a line; blank lines and text
 * from '#' to the end of its line are skipped.  Returns the file's text,
 * into which *targets point, with *n of them and *lines their line
 * numbers (both allocated), or NULL with *cause set.  Each target is
 * read as a side by whoever uses it (forward_target()), which names the
 * line when it is refused.  A file without a target is refused: a
 * forwarder with nowhere to go is a mistake to report, not to run.
 */
char *
forward_read_file(const char *path, char ***targets, size_t **lines,
    size_t *n, char **cause)
{
	char		*text = NULL, *p, *line, *end, **v;
	size_t		 len = 0, size = 0, lineno = 0, *ln;
	ssize_t		 r;
	int		 fd;

	*targets = NULL;
	*lines = NULL;
	*n = 0;
	*cause = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_cause(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	for (;;) {
		if (len + 1 >= size) {
			if (size >= FWD_FILE_MAX) {
				log_cause(cause, "%s: larger than 1 MiB: not "
				    "a list of targets", path);
				goto fail;
			}
			size = size == 0 ? 4096 : size * 2;
			if ((p = realloc(text, size)) == NULL)
				goto fail_errno;
			text = p;
		}
		if ((r = read(fd, text + len, size - len - 1)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail_errno;
		}
		if (r == 0)
			break;
		len += r;
	}
	close(fd);
	fd = -1;
	text[len] = '\0';
	if (memchr(text, '\0', len) != NULL) {
		log_cause(cause, "%s: a NUL byte: not a text file", path);
		goto fail;
	}
	for (p = text; p != NULL; ) {
		line = strsep(&p, "\n");
		lineno++;
		line[strcspn(line, "#")] = '\0';
		line += strspn(line, " \t\r\v\f");
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*line == '\0')
			continue;
		if (strpbrk(line, " \t") != NULL) {
			log_cause(cause, "%s, line %zu: one target a line",
			    path, lineno);
			goto fail;
		}
		if ((v = reallocarray(*targets, *n + 1, sizeof(**targets))) ==
		    NULL)
			goto fail_errno;
		*targets = v;
		if ((ln = reallocarray(*lines, *n + 1, sizeof(**lines))) ==
		    NULL)
			goto fail_errno;
		*lines = ln;
		(*lines)[*n] = lineno;
		(*targets)[(*n)++] = line;
	}
	if (*n == 0) {
		log_cause(cause, "%s: no target", path);
		goto fail;
	}
	return (text);

fail_errno:
	log_cause(cause, "%s: %s", path, strerror(errno));
fail:
	if (fd != -1)
		close(fd);
	free(text);
	free(*targets);
	free(*lines);
	*targets = NULL;
	*lines = NULL;
	*n = 0;
	return (NULL);
}

/* A target's name in messages: "HOST PORT", unix:PATH, udp:HOST PORT. */
static void
target_name(struct fwd_target *t)
{
	const struct side	*sd = t->sd;
	const char		*port = sd->nports > 0 ? sd->ports[0] : NULL;

	if (sd->kind == SIDE_SOCKET && sd->sock.family == AF_UNIX)
		snprintf(t->name, sizeof(t->name), "unix:%s", sd->host);
	else if (sd->kind != SIDE_SOCKET || sd->tls.on || sd->ws.on ||
	    sd->sock.vsock || sd->proxy.nhops > 0 || port == NULL)
		snprintf(t->name, sizeof(t->name), "%s", sd->text != NULL ?
		    sd->text : sd->host);
	else if (sd->sock.socktype == SOCK_DGRAM)
		snprintf(t->name, sizeof(t->name), "udp:%s %s", sd->host,
		    port);
	else
		snprintf(t->name, sizeof(t->name), "%s %s", sd->host, port);
}

/*
 * A list of n targets, taken once by the caller, to be filled with
 * targets_set().
 */
static struct fwd_targets *
targets_new(size_t n)
{
	struct fwd_targets	*ts;

	if ((ts = calloc(1, sizeof(*ts) + n * sizeof(ts->t[0]))) == NULL)
		fatal("calloc");
	ts->refs = 1;
	ts->n = n;
	return (ts);
}

/* The i-th target of ts is the side sd. */
static void
targets_set(struct fwd_targets *ts, size_t i, struct side *sd)
{
	ts->t[i].sd = sd;
	ts->t[i].dev_fd = -1;
	ts->t[i].dev_slave = -1;
	ts->t[i].lfd = -1;
	target_name(&ts->t[i]);
}

/*
 * The TLS contexts of the targets of ts that speak TLS, each a client's
 * of its own settings.  Returns 0, or -1 with *cause set.
 */
static int
targets_tls(struct fwd_targets *ts, char **cause)
{
	struct side	*sd;
	size_t		 i;
	int		 flags;

	for (i = 0; i < ts->n; i++) {
		sd = ts->t[i].sd;
		if (!sd->tls.on || sd->tls.ctx != NULL)
			continue;
		flags = sd->sock.socktype == SOCK_DGRAM ? TLS_DGRAM : 0;
		if ((sd->tls.ctx = tls_ctx_new(&sd->tls, flags, cause)) ==
		    NULL)
			return (-1);
	}
	return (0);
}

static void
targets_free(struct fwd_targets *ts)
{
	size_t	 i;

	DEBUG_CHECK(ts->refs == 0, "a target list freed while in use");
	for (i = 0; i < ts->n; i++) {
		if (ts->t[i].l != NULL)
			listener_free(ts->t[i].l);
	}
	for (i = 0; i < ts->nown; i++)
		side_free(&ts->own[i]);
	free(ts->own);
	free(ts);
}

/* Let go of a reference to ts, freeing it with the last. */
static void
targets_drop(struct fwd_targets *ts)
{
	if (ts == NULL)
		return;
	DEBUG_CHECK(ts->refs > 0, "a target list let go of more often than "
	    "taken");
	if (--ts->refs == 0)
		targets_free(ts);
}

/* The addresses of a connection's two ends, as text for messages. */
static void
fwd_format(const struct net_peer *p, char *buf, size_t len)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];

	net_format((const struct sockaddr *)&p->ss, p->len, 1, host,
	    sizeof(host), port, sizeof(port));
	if (port[0] != '\0')
		snprintf(buf, len, "%s %s", host, port);
	else
		snprintf(buf, len, "%s", host[0] != '\0' ? host : "unix");
}

/* A target failed: skip it for a while, longer each time in a row. */
static void
target_down(struct fwd_target *t)
{
	t->backoff_ms = t->backoff_ms == 0 ? FWD_BACKOFF_MS :
	    t->backoff_ms * 2;
	if (t->backoff_ms > FWD_BACKOFF_MAX_MS)
		t->backoff_ms = FWD_BACKOFF_MAX_MS;
	t->down_until = ev_now() + t->backoff_ms;
}

static void
target_up(struct fwd_target *t)
{
	t->backoff_ms = 0;
	t->down_until = 0;
}

/*
 * The outbound stage is over: let go of what only it needed, closing what
 * the pump has not taken.
 */
static void
fconn_out_free(struct fconn *fc)
{
	struct fconn_out	*out = fc->out;

	if (out == NULL)
		return;
	ev_timer_disarm(&out->deadline);
	ev_timer_disarm(&out->kick);
	open_cancel(out->op);
	if (out->tnc != NULL && out->tnc->fd != -1)
		ev_del(out->tnc->fd);
	netconn_free(out->tnc);
	/* Its listener may be the caller: it is freed with the list. */
	if (out->cur != NULL && out->cur->l != NULL)
		listener_close(out->cur->l);
	if (out->cur != NULL && out->cur->lfd != -1) {
		ev_del(out->cur->lfd);
		close(out->cur->lfd);
		out->cur->lfd = -1;
	}
	targets_drop(out->ts);
	free(out);
	fc->out = NULL;
}

/*
 * Close and free what the connection holds; the client's netconn gives
 * its place back.
 */
static void
fconn_destroy(struct fconn *fc)
{
	if (fc->peer)
		TAILQ_REMOVE(&fc->f->fconns, fc, entry);
	dgramq_free(&fc->early);
	fconn_out_free(fc);
	ev_timer_disarm(&fc->linger);
	fconn_device_close(fc);
	netconn_free(fc->nc);
	free(fc->label);
	free(fc);
}

/* The client's connection is over. */
static void
fconn_free(struct fconn *fc)
{
	struct forward	*f = fc->f;

	fconn_destroy(fc);
	/* Without -k, one connection is all there is. */
	if (!f->j->side->keep) {
		if (f->l != NULL)
			listener_close(f->l);
		ev_break();
	}
}

/*
 * The connection is done with its device: its modes or its link go
 * back, and the next client may have it.
 */
static void
fconn_device_close(struct fconn *fc)
{
	struct fwd_target	*t = fc->dev;

	if (t == NULL)
		return;
	if (t->dev_fd != -1)
		close(t->dev_fd);
	device_close(t->sd, t->dev_slave);
	t->dev_fd = t->dev_slave = -1;
	t->dev_user = NULL;
	fc->dev = NULL;
}

/* Forget the attempt in progress, keeping the client. */
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
	fconn_device_close(fc);
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
 * The current target failed for the reason given: on to the next.  -v
 * says so once: here when another target is tried, or else in the line
 * that closes the client.
 */
static void
fconn_failed(struct fconn *fc, const char *why)
{
	struct fconn_out	*out = fc->out;

	snprintf(out->why, sizeof(out->why), "%s: %s", out->cur->name, why);
	if (fconn_more(fc))
		log_verbose(1, "forward: %s: %s", fc->label, out->why);
	/* A device in use, or not a terminal, is not down: it is tried. */
	if (out->cur->sd->kind == SIDE_SOCKET)
		target_down(out->cur);
	fconn_abandon(fc);
	fconn_next(fc);
}

static void
fconn_deadline_cb(void *arg)
{
	fconn_failed(arg, strerror(ETIMEDOUT));
}

/* Relay taps for -o and --hex-dump, each line labelled. */
static void
fconn_tap_up(struct channel *ch, const unsigned char *p, size_t n, void *arg)
{
	struct fconn	*fc = arg;

	(void)ch;
	dump_labelled(fc->f->j->run->dump, fc->label, 0, fc->up_off, p,
	    n);
	fc->up_off += n;
}

static void
fconn_tap_down(struct channel *ch, const unsigned char *p, size_t n,
    void *arg)
{
	struct fconn	*fc = arg;

	(void)ch;
	dump_labelled(fc->f->j->run->dump, fc->label, 1, fc->down_off, p,
	    n);
	fc->down_off += n;
}

/* Make close(2) send a reset rather than a FIN. */
static void
fwd_linger0(int fd)
{
	struct linger	 l = { .l_onoff = 1, .l_linger = 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

static void
fconn_finished(struct session *s)
{
	struct fconn	*fc = s->arg;
	struct forward	*f = fc->f;
	struct endpoint	*ep;
	struct channel	*ch;
	const char	*how = "closed";

	/*
	 * A connection that broke (a reset, most often) is passed on as
	 * one: the other side must not take a cut stream for a whole one.
	 */
	TAILQ_FOREACH(ch, &s->channels, entry) {
		if (ch->state == CH_FAILED)
			how = "reset";
	}
	if (s->timed_out)
		how = "idle";
	if (strcmp(how, "reset") == 0) {
		TAILQ_FOREACH(ep, &s->endpoints, entry)
			fwd_linger0(ep->rfd);
		if (!f->j->side->keep)
			f->status = 1;
	}
	if (f->j->stats || log_verbosity() >= 2)
		log_verbose(0, "forward: %s: %s, %llu bytes up, %llu bytes "
		    "down", fc->label, how, (unsigned long long)fc->up->bytes,
		    (unsigned long long)fc->down->bytes);
	else
		log_verbose(1, "forward: %s: %s", fc->label, how);
	session_free(s);
	fconn_free(fc);
}

/*
 * The end of a relayed connection: once every direction is done, or at
 * once when one failed.  A datagram target has no end to be told of, nor
 * one of its own: after the client's end, its answers are awaited
 * FWD_DGRAM_LINGER_MS, as socat's -t does.  A device target's relay ends
 * with the client's end, a datagram peer's with its target's.
 */
static int
fconn_check(struct session *s)
{
	struct fconn	*fc = s->arg;

	/* A datagram peer has no end: its stream target's end is the end. */
	if (fc->peer && channel_ended(fc->down))
		return (1);
	/* Nor has a line: the client's end, once written, is the end. */
	if (fc->dev != NULL && channel_ended(fc->up))
		return (1);
	if (!fc->dgram || session_relay_check(s))
		return (session_relay_check(s));
	if (!channel_ended(fc->up))
		return (0);
	if (fc->lingered)
		return (1);
	if (!ev_timer_armed(&fc->linger))
		ev_timer_arm(&fc->linger, FWD_DGRAM_LINGER_MS);
	return (0);
}

static void
fconn_linger_cb(void *arg)
{
	struct fconn	*fc = arg;

	fc->lingered = 1;
	if (fc->up != NULL)
		session_check(fc->up->session);
}

/*
 * The target as an endpoint of s: its socket speaking the side's TLS or
 * WebSocket (binary messages; each a datagram when the client is a
 * datagram peer), or its device.
 */
static struct endpoint *
fconn_target(struct fconn *fc, struct session *s)
{
	struct endpoint		*ep;

	if (fc->dev != NULL) {
		ep = device_endpoint(s, "target", fc->dev->dev_fd);
		fc->dev->dev_fd = -1;
		return (ep);
	}
	return (netconn_endpoint(fc->out->tnc, s, "target", fc->dgram ?
	    EP_SHUT_NONE : EP_SHUT_SOCKET, fc->dgram ? EP_DGRAM : 0,
	    NC_BINARY | (fc->peer ? NC_MESSAGES : 0)));
}

/*
 * The target is open: say so, send the PROXY header if asked, and give
 * both ends to the pump.
 */
static void
fconn_relay(struct fconn *fc)
{
	const struct job	*j = fc->f->j;
	unsigned char	 hdr[PROXYPROTO_MAX];
	const unsigned char *dg;
	const char	*errstr;
	struct session	*s;
	size_t		 dglen;
	struct endpoint	*c, *t;
	ssize_t		 n = 0;
	int		 copy;

	if (fc->out->tnc != NULL)
		ev_park(fc->out->tnc->fd);
	target_up(fc->out->cur);
	if (j->fwd->send_proxy != 0 && (n = proxyproto_encode(hdr, sizeof(hdr),
	    j->fwd->send_proxy, (struct sockaddr *)&fc->out->peer.ss,
	    (struct sockaddr *)&fc->out->local.ss, &errstr)) == -1) {
		log_warnx("forward: %s: PROXY header: %s", fc->label, errstr);
		fconn_free(fc);
		return;
	}
	if ((s = session_new(fconn_check, fconn_finished, fc)) == NULL)
		goto fail;
	/*
	 * Each descriptor is the session's once it has an endpoint.  A
	 * WebSocket client's is a bridge, as websockify is: bytes either
	 * way, binary messages, each one datagram of a datagram target.
	 */
	fc->dgram = fc->dev == NULL &&
	    fc->out->cur->sd->sock.socktype == SOCK_DGRAM;
	if ((c = netconn_endpoint(fc->nc, s, "client", fc->peer ?
	    EP_SHUT_NONE : EP_SHUT_SOCKET, EP_NET | (fc->peer ? EP_DGRAM : 0),
	    NC_BINARY | (fc->dgram ? NC_MESSAGES : 0))) == NULL)
		goto fail_session;
	if ((t = fconn_target(fc, s)) == NULL)
		goto fail_session;
	/*
	 * Both directions copy until one moves volume, and then splice: a
	 * connection that trades a line or two costs no splice set-up.  A
	 * plain client has most likely written as it connected: what it
	 * sent is read at once, not after another round of the loop.  A
	 * datagram or a device target is copied: each read from the client
	 * is one datagram, and a line has no splice.
	 */
	copy = fc->dgram || fc->dev != NULL ? CH_COPY : CH_LAZY;
	if ((fc->up = session_channel(s, "upstream", c, t,
	    CH_SHUTDOWN | CH_RESET | CH_CLOSE | copy |
	    (c->ops == NULL ? CH_EAGER : 0))) == NULL ||
	    (fc->down = session_channel(s, "downstream", t, c,
	    CH_SHUTDOWN | CH_RESET | CH_CLOSE | copy)) == NULL)
		goto fail_session;
	if (fc->dgram)
		fc->up->bufsize = t->ops != NULL ? DTLS_MAXPAYLOAD :
		    UDP_MAXPAYLOAD;
	/* A peer's first datagrams, which the listener read, in order. */
	while (dgramq_first(fc->early, &dg, &dglen)) {
		if (channel_inject(fc->up, dg, dglen) == -1)
			goto fail_session;
		dgramq_drop(&fc->early);
	}
	if (j->run->dump != NULL &&
	    (channel_tap(fc->up, fconn_tap_up, fc) == -1 ||
	    channel_tap(fc->down, fconn_tap_down, fc) == -1))
		goto fail_session;
	/* A fresh connection takes a header of a few hundred bytes at once. */
	if (n > 0 && ep_write(t, hdr, n) != n) {
		log_warnx("forward: %s: PROXY header: %s", fc->label,
		    strerror(errno));
		goto fail_session;
	}
	log_verbose(1, "forward: %s: forwarded to %s", fc->label,
	    fc->out->cur->name);
	fc->state = FC_RELAYING;
	fconn_out_free(fc);
	if (j->side->timeout_ms != TIME_NONE)
		session_set_idle(s, j->side->timeout_ms);
	/* A datagram peer that says nothing for long is forgotten. */
	if (fc->peer)
		session_set_idle(s, upeer_idle_ms(fc->f));
	gate_session(&j->side->gate, s);
	if (session_start(s) == -1)
		session_finish(s);
	return;

fail_session:
	session_free(s);
fail:
	log_warn("forward: %s", fc->label);
	fconn_free(fc);
}

/*
 * The target is ready: relay, or, while the client is still in its
 * handshake, wait for it (forward_start()).
 */
static void
fconn_target_ready(struct fconn *fc)
{
	ev_timer_disarm(&fc->out->deadline);
	if (fc->out->early_fd == -1) {
		fconn_relay(fc);
		return;
	}
	if (fc->out->tnc != NULL)
		ev_park(fc->out->tnc->fd);
	fc->state = FC_READY;
}

/*
 * The target is open (tnc: its socket, TLS, WebSocket), or not, and
 * then -v has said why or cause does.
 */
static void
fconn_opened(struct netconn *tnc, const struct net_peer *peer, int error,
    const char *cause, void *arg)
{
	struct fconn	*fc = arg;

	(void)peer;
	fc->out->op = NULL;
	if (tnc == NULL) {
		fconn_failed(fc, cause != NULL ? cause : strerror(error));
		return;
	}
	fc->out->tnc = tnc;
	fconn_target_ready(fc);
}

/*
 * A device target, from the loop: opened for one client at a time (its
 * lock, or its link, keeps other processes away too), and given back
 * when the client is done.  A client that comes meanwhile is told, and
 * so is the server's user.
 */
static void
fconn_device_cb(void *arg)
{
	struct fconn		*fc = arg;
	struct fwd_target	*t = fc->out->cur;
	const char		*name;

	if (t->dev_user != NULL) {
		log_warnx("%s: in use by another client (one client at a "
		    "time)", t->sd->text);
		fconn_failed(fc, "in use by another client");
		return;
	}
	if ((t->dev_fd = device_open(t->sd, &name, &t->dev_slave)) == -1) {
		fconn_failed(fc, "cannot be opened");
		return;
	}
	t->dev_user = fc;
	fc->dev = t;
	fconn_target_ready(fc);
}

/* A listening target's first client: the target, once. */
static int
fconn_accepted(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct fconn		*fc = arg;
	struct fwd_target	*t = fc->out->cur;

	(void)peer;
	listener_close(t->l);
	fc->out->tnc = nc;
	fconn_target_ready(fc);
	return (0);
}

static const struct listen_ops fconn_accept_ops = {
	.flags = LISTEN_SERIAL,
	.start = fconn_accepted,
};

/*
 * A udp-l: target's first datagram has come: its sender is the target's
 * client, to which the socket is connected (the datagram stays queued,
 * for the relay to read).
 */
static void
fconn_peeked(int fd, int events, void *arg)
{
	struct fconn		*fc = arg;
	struct fwd_target	*t = fc->out->cur;
	struct net_peer		 peer;
	char			 b;

	(void)events;
	peer.len = sizeof(peer.ss);
	if (recvfrom(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT,
	    (struct sockaddr *)&peer.ss, &peer.len) == -1)
		return;
	ev_del(fd);
	t->lfd = -1;
	if (connect(fd, (struct sockaddr *)&peer.ss, peer.len) == -1 ||
	    (fc->out->tnc = netconn_new(fd)) == NULL) {
		close(fd);
		fconn_failed(fc, strerror(errno));
		return;
	}
	net_report_accept(t->sd, &peer);
	fconn_target_ready(fc);
}

/*
 * A listening target (two listeners): listen on it now that the first
 * side has its client, and take its first client (for UDP, the sender of
 * its first datagram).
 */
static void
fconn_accept(struct fconn *fc, struct fwd_target *t)
{
	char	*cause;
	int	 fd;

	if ((fd = listen_open(t->sd, t->sd->host, 0, &cause)) == -1) {
		fconn_failed(fc, cause != NULL ? cause : strerror(errno));
		free(cause);
		return;
	}
	if (t->sd->sock.socktype == SOCK_DGRAM && !t->sd->tls.on) {
		t->lfd = fd;
		if (ev_set(fd, EV_READ, fconn_peeked, fc) == -1) {
			close(fd);
			fconn_failed(fc, strerror(errno));
		}
		return;
	}
	if ((t->l = listener_new(t->sd, fd, &fconn_accept_ops, fc)) == NULL) {
		close(fd);
		fconn_failed(fc, strerror(errno));
	}
}

/*
 * Try the next target in order (from the first this connection was
 * given), skipping those in their back-off; with none left, close the
 * client and say why.
 */
static void
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
		ev_timer_arm(&fc->out->deadline, j->side->timeout_ms !=
		    TIME_NONE ? j->side->timeout_ms : FWD_CONNECT_MS);
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
		memset(&how, 0, sizeof(how));
		how.flags = DIAL_PARK | DIAL_ONCE;
		if (sd->sock.family == AF_UNIX)
			how.flags |= DIAL_UNIX;
		if ((fc->out->op = open_start(sd, sd->host,
		    sd->sock.family == AF_UNIX ? NULL : sd->ports[0], &how,
		    fconn_opened, fc)) == NULL) {
			fconn_failed(fc, strerror(errno));
			return;
		}
		/* Each failure is said once, with the client's label. */
		open_quiet(fc->out->op);
		return;
	}
	log_verbose(1, "forward: %s: no target accepted: %s", fc->label,
	    fc->out->why[0] != '\0' ? fc->out->why : "none");
	if (!j->side->keep)
		f->status = 1;
	/*
	 * A WebSocket client has had its 101 already: it is told that
	 * there is nothing behind it, not given an empty session.
	 */
	ws_close_now(fc->nc != NULL ? fc->nc->ws : NULL, WS_CLOSE_INTERNAL,
	    "no target accepted");
	/* The client is closed when its handshake is over. */
	if (fc->out->early_fd != -1) {
		fc->state = FC_FAILED;
		return;
	}
	fconn_free(fc);
}

/* A connection for the client on fd at peer, not started; NULL: ENOMEM. */
static struct fconn *
fconn_new(struct forward *f, int fd, const struct net_peer *peer)
{
	struct fconn	*fc;
	char		 who[NI_MAXHOST + NI_MAXSERV + 2];

	fwd_format(peer, who, sizeof(who));
	if ((fc = calloc(1, sizeof(*fc))) == NULL ||
	    (fc->out = calloc(1, sizeof(*fc->out))) == NULL ||
	    asprintf(&fc->label, "#%lu %s", ++f->serial, who) == -1) {
		if (fc != NULL)
			free(fc->out);
		free(fc);
		return (NULL);
	}
	fc->f = f;
	fc->out->fc = fc;
	fc->out->early_fd = -1;
	fc->out->peer = *peer;
	/* The address the client reached is for the PROXY header alone. */
	fc->out->local.len = sizeof(fc->out->local.ss);
	if (f->j->fwd->send_proxy == 0 || getsockname(fd,
	    (struct sockaddr *)&fc->out->local.ss, &fc->out->local.len) == -1)
		fc->out->local.len = 0;
	ev_timer_init(&fc->out->deadline, fconn_deadline_cb, fc);
	ev_timer_init(&fc->out->kick, fconn_device_cb, fc);
	ev_timer_init(&fc->linger, fconn_linger_cb, fc);
	/* The outbound stage keeps the targets it starts with. */
	fc->out->ts = f->ts;
	f->ts->refs++;
	fc->out->first = f->j->fwd->round_robin ? f->rr++ % f->ts->n : 0;
	return (fc);
}

/* The connection dialled early for the client on fd, taken off the list. */
static struct fconn *
fconn_take_early(struct forward *f, int fd)
{
	struct fconn_out	*out;

	TAILQ_FOREACH(out, &f->early, entry) {
		if (out->early_fd == fd) {
			TAILQ_REMOVE(&f->early, out, entry);
			out->early_fd = -1;
			return (out->fc);
		}
	}
	return (NULL);
}

/*
 * An admitted client, before its TLS handshake: dial its target now, so
 * that the target's own start (a program to spawn, a handshake of its
 * own) overlaps the client's handshake, when listen_early() allows it.
 * Otherwise, as when memory runs out here, the target is dialled once
 * the client is ready.
 */
static void
forward_admitted(void *arg, int fd, const struct net_peer *peer)
{
	struct forward	*f = arg;
	struct fconn	*fc;

	if (!listen_early(f->j->side))
		return;
	if ((fc = fconn_new(f, fd, peer)) == NULL)
		return;		/* Dialled after the handshake, then. */
	fc->out->early_fd = fd;
	TAILQ_INSERT_TAIL(&f->early, fc->out, entry);
	fconn_next(fc);
}

/* The client's handshake failed: the connection dialled for it goes. */
static void
forward_abandon(void *arg, int fd)
{
	struct fconn	*fc;

	if ((fc = fconn_take_early(arg, fd)) != NULL)
		fconn_destroy(fc);
}

/*
 * An admitted connection, after its TLS: relay it to the target dialled
 * meanwhile, if it is ready, or find it one.
 */
static int
forward_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct forward	*f = arg;
	struct fconn	*fc;

	if ((fc = fconn_take_early(f, nc->fd)) == NULL &&
	    (fc = fconn_new(f, nc->fd, peer)) == NULL) {
		log_warn("forward");
		netconn_free(nc);
		return (-1);
	}
	fc->nc = nc;
	switch (fc->state) {
	case FC_READY:
		fconn_relay(fc);
		break;
	case FC_FAILED:
		fconn_free(fc);
		break;
	case FC_CONNECTING:
		/* A new connection, or one whose dial goes on. */
		if (fc->out->cur == NULL)
			fconn_next(fc);
		break;
	default:
		break;
	}
	return (0);
}

static const struct listen_ops forward_ops = {
	.start = forward_start,
	.admitted = forward_admitted,
	.abandon = forward_abandon,
};

/* Without -k, the listener takes one connection and stops. */
static const struct listen_ops forward_once_ops = {
	.flags = LISTEN_SERIAL,
	.start = forward_start,
	.admitted = forward_admitted,
	.abandon = forward_abandon,
};

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

static void
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

static long long
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

static void
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

/* Free what forward_listen() set up, once the loop is over. */
static void
forward_free(struct forward *f)
{
	while (!TAILQ_EMPTY(&f->peers))
		upeer_free(TAILQ_FIRST(&f->peers), "end");
	peers_free(f->pl);
	f->pl = NULL;
	resolve_cancel(f->lookup);
	if (f->res != NULL)
		freeaddrinfo(f->res);
	targets_drop(f->ts);
	f->ts = NULL;
}

/*
 * Look up the first target of a datagram forwarder, whose addresses its
 * peers' sockets connect to; cb hears of the answer.  Returns -1 if that
 * target is not a udp: one.
 */
static int
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
			    fc->label, strerror(errno));
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
	fc->from = *peer;
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
static int
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
static void
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

/*
 * Read --forward-file again: a new list of targets for the connections
 * that come from now on, each target's back-off carried over from the
 * list before.  Returns -1 with *cause set when the file is refused, and
 * then the old list stays.
 */
static int
forward_reload_targets(struct forward *f, char **cause)
{
	const struct job	*j = f->j;
	struct fwd_targets	*ts, *old = f->ts;
	char			*text, **lines, *why;
	size_t			*linenos, nlines, n, i, k, after;
	int			 first;

	if ((text = forward_read_file(j->fwd->file, &lines, &linenos, &nlines,
	    cause)) == NULL)
		return (-1);
	/* The command line's targets around the file's, in their order. */
	after = j->fwd->n - j->fwd->file_at - j->fwd->nfile;
	n = j->fwd->file_at + nlines + after;
	ts = targets_new(n);
	if ((ts->own = calloc(nlines, sizeof(*ts->own))) == NULL)
		fatal("calloc");
	for (i = 0; i < j->fwd->file_at; i++)
		targets_set(ts, i, &j->fwd->sides[i]);
	for (i = 0; i < nlines; i++) {
		if (forward_target(&ts->own[i], j->fwd, lines[i],
		    &why) == -1) {
			log_cause(cause, "%s, line %zu: %s: %s", j->fwd->file,
			    linenos[i], lines[i], why);
			free(why);
			break;
		}
		ts->nown++;
		targets_set(ts, j->fwd->file_at + i, &ts->own[i]);
	}
	for (k = 0; k < after && i == nlines; k++)
		targets_set(ts, j->fwd->file_at + nlines + k,
		    &j->fwd->sides[j->fwd->file_at + j->fwd->nfile + k]);
	free(lines);
	free(linenos);
	free(text);
	if (i < nlines || targets_tls(ts, cause) == -1) {
		ts->refs = 0;
		targets_free(ts);
		return (-1);
	}
	/* What each target was, it still is: its back-off, its device. */
	for (i = 0; i < ts->n; i++) {
		for (k = 0; k < old->n; k++) {
			if (strcmp(ts->t[i].name, old->t[k].name) != 0)
				continue;
			ts->t[i].down_until = old->t[k].down_until;
			ts->t[i].backoff_ms = old->t[k].backoff_ms;
			ts->t[i].dev_fd = old->t[k].dev_fd;
			break;
		}
	}
	f->ts = ts;
	targets_drop(old);
	/*
	 * Datagrams go to the first target: look it up again.  Before the
	 * first lookup is over, the socket is not read yet: a new lookup
	 * of the first kind takes its place.
	 */
	first = f->res == NULL;
	if (j->side->sock.socktype == SOCK_DGRAM &&
	    forward_udp_lookup(f, first ? forward_udp_resolved_cb :
	    forward_udp_relooked_cb) == -1)
		log_warnx("SIGHUP: %s: datagrams go to a udp: target; the "
		    "old addresses stay", ts->t[0].name);
	return (0);
}

/*
 * SIGHUP, from the loop: read the allow and deny files, the certificate
 * and key, and the targets' file again.  Each is taken or refused on its
 * own: a refused one is said in one line and the old one stays.  Open
 * connections keep what they were made with.
 */
static void
forward_sighup(int sig, void *arg)
{
	struct forward		*f = arg;
	const struct job	*j = f->j;
	char			*cause;
	int			 r;

	(void)sig;
	if ((r = gate_reload(&j->side->gate, j->run, &cause)) == -1)
		log_warnx("SIGHUP: %s; the old rules stay",
		    cause != NULL ? cause : strerror(errno));
	else if (r == 1)
		log_verbose(1, "forward: allow and deny rules read again");
	free(cause);
	if (j->side->tls.on) {
		if ((r = tls_ctx_reload(j->side->tls.ctx, &cause)) == -1)
			log_warnx("SIGHUP: %s; the old certificate stays",
			    cause != NULL ? cause : strerror(errno));
		else if (r == 1)
			log_verbose(1, "forward: certificate read again");
		free(cause);
	}
	if (j->fwd->file != NULL) {
		if (forward_reload_targets(f, &cause) == -1)
			log_warnx("SIGHUP: %s; the old targets stay",
			    cause != NULL ? cause : strerror(errno));
		else
			log_verbose(1, "forward: %zu targets read again",
			    f->ts->n);
		free(cause);
	}
}

/* SIGUSR1, from the loop: the --stats figures so far, and on. */
static void
forward_sigusr1(int sig, void *arg)
{
	struct forward	*f = arg;

	(void)sig;
	if (f->j->run->report != NULL)
		f->j->run->report();
}

/* The first side, dialled, is connected: -v says so. */
static void
forward_dialled(int fd, const struct net_peer *peer, void *arg)
{
	const struct side	*sd = arg;

	(void)fd;
	net_report_connect(sd, sd->host, sd->nports > 0 ? sd->ports[0] :
	    NULL, peer);
}

/*
 * Two dialled sides, or a dialled side and a device or a listener: the
 * first side opened, as a client is, then joined once with the target.
 */
static int
forward_connect(struct forward *f)
{
	const struct side	*sd = f->j->side;
	struct dial_how		 how = { .dialled = forward_dialled };
	struct net_peer		 peer;
	struct netconn		*nc;
	struct fconn		*fc;
	char			*cause;

	how.dialled_arg = (void *)sd;
	if (sd->sock.family == AF_UNIX)
		how.flags |= DIAL_UNIX;
	if ((nc = open_wait(sd, sd->host, sd->sock.family == AF_UNIX ? NULL :
	    sd->ports[0], &how, &peer, &cause)) == NULL) {
		if (cause != NULL)
			log_warnx("%s", cause);
		else
			net_report_refused(sd, sd->host, sd->nports > 0 ?
			    sd->ports[0] : "", errno);
		free(cause);
		return (1);
	}
	if ((fc = fconn_new(f, nc->fd, &peer)) == NULL) {
		netconn_free(nc);
		fatal("forward");
	}
	fc->nc = nc;
	fconn_next(fc);
	if (ev_loop() == -1)
		fatal("poll");
	return (f->status);
}

/*
 * Serve the listening socket of the command line (TCP, Unix-domain, or a
 * bound UDP socket with -u), relaying every client to the --forward
 * targets; or, for a side that is dialled, relay it.  Returns the exit
 * status.
 */
int
forward_listen(const struct job *j)
{
	struct forward	 f;
	char		*cause;
	size_t		 i;
	int		 fd, status;

	memset(&f, 0, sizeof(f));
	f.j = j;
	f.ufd = -1;
	TAILQ_INIT(&f.peers);
	TAILQ_INIT(&f.early);
	TAILQ_INIT(&f.fconns);
	f.ts = targets_new(j->fwd->n);
	for (i = 0; i < j->fwd->n; i++)
		targets_set(f.ts, i, &j->fwd->sides[i]);
	if (targets_tls(f.ts, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	if (!j->side->listen) {
		status = forward_connect(&f);
		forward_free(&f);
		return (status);
	}
	if ((fd = listen_open(j->side, j->side->host, LISTEN_MANY, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	/*
	 * A forwarder that goes on (-k) reads its files again on SIGHUP
	 * and reports its figures on SIGUSR1, from the loop.  Without -k
	 * it serves one client, and both keep their usual end.
	 */
	if (j->side->keep && (ev_signal(SIGHUP, forward_sighup, &f) == -1 ||
	    ev_signal(SIGUSR1, forward_sigusr1, &f) == -1))
		fatal("signal");
	if (j->side->sock.socktype == SOCK_DGRAM)
		status = forward_udp(&f, fd);
	else {
		listener_run(j->side, fd, j->side->keep ? &forward_ops :
		    &forward_once_ops, &f, &f.l);
		forward_free(&f);
		status = f.status;
	}
	return (status);
}
