/*
 * The port forwarder (-l ... --forward TARGET): every connection the
 * listener admits is relayed to a target by the pump, both directions at
 * once, each ending on its own.  The outbound stage (pick a target, look
 * it up off the loop, connect without blocking, originate TLS) is a small
 * state machine of its own, below, so that it can give way to a shared
 * dial stage.  Datagrams (-u) are relayed peer by peer, each with its own
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
/* The longest reason a target failed for. */
#define FWD_WHY_MAX		(NI_MAXHOST + NI_MAXSERV + 512)

/* The prefix of a Unix-domain target. */
#define FWD_UNIX_PREFIX		"unix:"
/* The largest --forward-file: a list of targets, not a data file. */
#define FWD_FILE_MAX		(1024 * 1024)

struct fwd_target {
	char		*host;		/* or the path of a Unix socket */
	char		*port;		/* NULL for a Unix socket */
	enum fwd_kind	 kind;
	char		 name[NI_MAXHOST + NI_MAXSERV + 2]; /* for messages */
	uint64_t	 down_until;	/* ev_now() before which it is skipped */
	long long	 backoff_ms;	/* the next back-off; 0: it is up */
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
	FC_TLS,
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
	int			 tfd;
	struct tls		*ttls;
	struct dial		*dial;
	struct tls_hs		*hs;

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

	uint64_t		 up_off; /* -o, --hex-dump offsets */
	uint64_t		 down_off;
	struct channel		*up, *down;
};

static void	fconn_next(struct fconn *);
static void	targets_free(struct fwd_targets *);
static void	forward_sighup(int, void *);
static void	forward_sigusr1(int, void *);

/*
 * The port of a --forward target, checked as the command line's ports are
 * (netcat's messages): a number 1 to 65535 or a service name, one port,
 * not a range.  A number is written back in decimal, as the resolver
 * would otherwise take "70000" for 4464.  Returns the port, allocated, or
 * NULL with *errstr set (static storage).
 */
static char *
fwd_parse_port(const char *s, const char **errstr)
{
	static char	 msg[64 + NI_MAXSERV];
	const char	*e;
	char		*port;
	long long	 n;

	if (s[strspn(s, "0123456789")] == '\0') {
		n = strtonum(s, 1, 65535, &e);
		if (e != NULL) {
			snprintf(msg, sizeof(msg), "port number %s: %.*s", e,
			    NI_MAXSERV, s);
			*errstr = msg;
			return (NULL);
		}
		if (asprintf(&port, "%lld", n) == -1)
			fatal("asprintf");
		return (port);
	}
	if (isdigit((unsigned char)s[0]) && strchr(s, '-') != NULL) {
		*errstr = "a target has one port, not a range";
		return (NULL);
	}
	if (getservbyname(s, NULL) == NULL) {
		snprintf(msg, sizeof(msg), "port number invalid: %.*s",
		    NI_MAXSERV, s);
		*errstr = msg;
		return (NULL);
	}
	if ((port = strdup(s)) == NULL)
		fatal("strdup");
	return (port);
}

/*
 * A --forward target: an address (src/codec/addr.c) of a kind the
 * forwarder dials, "tcp:HOST:PORT", "udp:HOST:PORT" (which only a
 * datagram listener dials itself: a stream listener's is a sockcat of
 * its own, pair_forward_device()) or "unix:PATH", or "HOST:PORT" as
 * before addresses had schemes.  Fills *host and *port (NULL for a Unix
 * path), allocated, and *kind.  Returns 0, or -1 with *errstr set.
 */
int
forward_parse_target(const char *arg, char **host, char **port,
    enum fwd_kind *kind, const char **errstr)
{
	static struct addr	 a;
	char			 tcp[ADDR_MAX + 1];

	*host = *port = NULL;
	*kind = FWD_TCP;
	*errstr = NULL;
	if (!addr_is(arg) && snprintf(tcp, sizeof(tcp), "tcp:%s", arg) <
	    (int)sizeof(tcp))
		arg = tcp;
	if (addr_parse(arg, &a, errstr) == -1)
		return (-1);
	switch (a.kind) {
	case ADDR_UNIX:
		*kind = FWD_UNIX;
		if ((*host = strdup(a.path)) == NULL)
			fatal("strdup");
		return (0);
	case ADDR_UDP:
		*kind = FWD_UDP;
		/* FALLTHROUGH */
	case ADDR_TCP:
		if (a.nopts > 0) {
			*errstr = "a --forward target takes no options";
			return (-1);
		}
		if ((*port = fwd_parse_port(a.port, errstr)) == NULL)
			return (-1);
		if ((*host = strdup(a.host)) == NULL)
			fatal("strdup");
		return (0);
	default:
		*errstr = "not a target --forward dials (HOST:PORT, "
		    "tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, "
		    "serial:, pty:)";
		return (-1);
	}
}

/*
 * Read the targets of the file at path, one a line, each as --forward
 * takes it; blank lines and text from '#' to the end of its line are
 * skipped.  Returns the file's text, into which *lines point, with *n
 * of them (both allocated), or NULL with *cause set, naming the file and
 * its line.  A file without a target is refused: a forwarder with
 * nowhere to go is a mistake to report, not to run.
 */
char *
forward_read_file(const char *path, char ***lines, size_t *n, char **cause)
{
	char		*text = NULL, *p, *line, *end, *host, *port, **v;
	const char	*errstr;
	size_t		 len = 0, size = 0, lineno = 0;
	ssize_t		 r;
	enum fwd_kind	 kind;
	int		 fd;

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
		if (forward_parse_target(line, &host, &port, &kind,
		    &errstr) == -1) {
			log_cause(cause, "%s, line %zu: %s: %s", path, lineno,
			    line, errstr);
			goto fail;
		}
		free(host);
		free(port);
		if ((v = reallocarray(*lines, *n + 1, sizeof(**lines))) ==
		    NULL)
			goto fail_errno;
		*lines = v;
		(*lines)[(*n)++] = line;
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
	free(*lines);
	*lines = NULL;
	*n = 0;
	return (NULL);
}

/*
 * A list of the n targets of args, each already checked (cmdline.c, or
 * forward_read_file()), taken once by the caller.  Returns NULL with
 * *errstr set when one is not a target after all.
 */
static struct fwd_targets *
targets_new(char *const *args, size_t n, const char **errstr)
{
	struct fwd_targets	*ts;
	struct fwd_target	*t;
	size_t			 i;

	if ((ts = calloc(1, sizeof(*ts) + n * sizeof(ts->t[0]))) == NULL)
		fatal("calloc");
	ts->refs = 1;
	for (i = 0; i < n; i++) {
		t = &ts->t[i];
		if (forward_parse_target(args[i], &t->host, &t->port,
		    &t->kind, errstr) == -1) {
			ts->n = i;
			ts->refs = 0;
			targets_free(ts);
			return (NULL);
		}
		ts->n = i + 1;
		if (t->kind == FWD_UNIX)
			snprintf(t->name, sizeof(t->name), "%s%s",
			    FWD_UNIX_PREFIX, t->host);
		else if (t->kind == FWD_UDP)
			snprintf(t->name, sizeof(t->name), "udp:%s %s",
			    t->host, t->port);
		else
			snprintf(t->name, sizeof(t->name), "%s %s", t->host,
			    t->port);
	}
	return (ts);
}

/*
 * A stream listener dials streams: a udp: target is a datagram
 * listener's, or the one target of a stream listener, given on the
 * command line (a sockcat of its own, pair_forward_device()).  Returns
 * the name of the first target of ts that o cannot dial, or NULL.
 */
static const char *
targets_misfit(const struct job *j, const struct fwd_targets *ts)
{
	size_t	 i;

	if (j->side->sock.socktype == SOCK_DGRAM)
		return (NULL);
	for (i = 0; i < ts->n; i++) {
		if (ts->t[i].kind == FWD_UDP)
			return (ts->t[i].name);
	}
	return (NULL);
}

static void
targets_free(struct fwd_targets *ts)
{
	size_t	 i;

	DEBUG_CHECK(ts->refs == 0, "a target list freed while in use");
	for (i = 0; i < ts->n; i++) {
		free(ts->t[i].host);
		free(ts->t[i].port);
	}
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
	dial_cancel(out->dial);
	tls_handshake_cancel(out->hs);
	if (out->tfd != -1) {
		ev_del(out->tfd);
		close(out->tfd);
	}
	tls_free(out->ttls);
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
	fconn_out_free(fc);
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
		listener_close(f->l);
		ev_break();
	}
}

/* Forget the attempt in progress, keeping the client. */
static void
fconn_abandon(struct fconn *fc)
{
	ev_timer_disarm(&fc->out->deadline);
	dial_cancel(fc->out->dial);
	fc->out->dial = NULL;
	tls_handshake_cancel(fc->out->hs);
	fc->out->hs = NULL;
	if (fc->out->tfd != -1) {
		ev_del(fc->out->tfd);
		close(fc->out->tfd);
		fc->out->tfd = -1;
	}
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
		log_verbose(0, "forward: %s: %s, %llu bytes up, %llu bytes down",
		    fc->label, how, (unsigned long long)fc->up->bytes,
		    (unsigned long long)fc->down->bytes);
	else
		log_verbose(1, "forward: %s: %s", fc->label, how);
	session_free(s);
	fconn_free(fc);
}

/*
 * Connected to the target (and through its TLS): say so, send the PROXY
 * header if asked, and give both sockets to the pump.
 */
static void
fconn_relay(struct fconn *fc)
{
	const struct job	*j = fc->f->j;
	unsigned char	 hdr[PROXYPROTO_MAX];
	const char	*errstr;
	struct session	*s;
	struct endpoint	*c, *t;
	ssize_t		 n = 0;

	ev_park(fc->out->tfd);
	target_up(fc->out->cur);
	if (j->fwd->send_proxy != 0 && (n = proxyproto_encode(hdr, sizeof(hdr),
	    j->fwd->send_proxy, (struct sockaddr *)&fc->out->peer.ss,
	    (struct sockaddr *)&fc->out->local.ss, &errstr)) == -1) {
		log_warnx("forward: %s: PROXY header: %s", fc->label, errstr);
		fconn_free(fc);
		return;
	}
	if ((s = session_new(session_relay_check, fconn_finished, fc)) == NULL)
		goto fail;
	/*
	 * Each descriptor is the session's once it has an endpoint.  A
	 * WebSocket client's is a bridge, as websockify is: bytes either
	 * way, binary messages.
	 */
	if ((c = netconn_endpoint(fc->nc, s, "client", EP_SHUT_SOCKET,
	    EP_NET, 1)) == NULL)
		goto fail_session;
	if ((t = session_endpoint(s, "target", fc->out->tfd, fc->out->tfd,
	    EP_SHUT_SOCKET, 0)) == NULL)
		goto fail_session;
	fc->out->tfd = -1;
	if (fc->out->ttls != NULL) {
		tls_attach(t, fc->out->ttls);
		fc->out->ttls = NULL;
	}
	/*
	 * Both directions copy until one moves volume, and then splice: a
	 * connection that trades a line or two costs no splice set-up.  A
	 * plain client has most likely written as it connected: what it
	 * sent is read at once, not after another round of the loop.
	 */
	if ((fc->up = session_channel(s, "upstream", c, t,
	    CH_SHUTDOWN | CH_RESET | CH_LAZY | CH_CLOSE |
	    (c->ops == NULL ? CH_EAGER : 0))) == NULL ||
	    (fc->down = session_channel(s, "downstream", t, c,
	    CH_SHUTDOWN | CH_RESET | CH_LAZY | CH_CLOSE)) == NULL)
		goto fail_session;
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
	if (fc->out->early_fd == -1) {
		fconn_relay(fc);
		return;
	}
	ev_park(fc->out->tfd);
	ev_timer_disarm(&fc->out->deadline);
	fc->state = FC_READY;
}

static void
fconn_tls_done(struct tls *tls, char *cause, void *arg)
{
	struct fconn	*fc = arg;

	fc->out->hs = NULL;
	if (tls == NULL) {
		fconn_failed(fc, cause != NULL ? cause : "TLS failed");
		free(cause);
		return;
	}
	fc->out->ttls = tls;
	fconn_target_ready(fc);
}

/* The target accepted the connection: its TLS, if asked, then relay. */
static void
fconn_connected(struct fconn *fc)
{
	const struct job	*j = fc->f->j;
	struct fconn_out	*out = fc->out;
	char			*cause;

	ev_park(out->tfd);
	if (!j->peer->tls.on) {
		fconn_target_ready(fc);
		return;
	}
	fc->state = FC_TLS;
	/* The target's deadline covers its handshake too. */
	if ((out->hs = tls_handshake_start(j->peer->tls.ctx, out->tfd,
	    out->cur->port != NULL ? out->cur->host : NULL, FWD_CONNECT_MS * 10,
	    fconn_tls_done, fc, &cause)) == NULL) {
		fconn_failed(fc, cause != NULL ? cause : strerror(errno));
		free(cause);
	}
}

/*
 * The dial is over: connected to the target (directly or through the
 * proxy of -x), or not, and then -v has said why or cause does.
 */
static void
fconn_dialed_cb(int fd, const struct net_peer *peer, int error,
    const char *cause, void *arg)
{
	struct fconn	*fc = arg;

	(void)peer;
	fc->out->dial = NULL;
	if (fd == -1) {
		fconn_failed(fc, cause != NULL ? cause : strerror(error));
		return;
	}
	fc->out->tfd = fd;
	fconn_connected(fc);
}

/*
 * Try the next target in order (from the first this connection was
 * given), skipping those in their back-off; with none left, close the
 * client and say why.
 */
static void
fconn_next(struct fconn *fc)
{
	/*
	 * The socket comes parked: the pump watches it at once, in one
	 * change to the kernel's set.
	 */
	static const struct dial_how unix_how = {
		.flags = DIAL_UNIX | DIAL_PARK };
	static const struct dial_how tcp_how = { .flags = DIAL_PARK };
	struct forward		*f = fc->f;
	const struct job	*j = f->j;
	struct fwd_targets	*ts = fc->out->ts;
	struct fwd_target	*t;

	while (fc->out->tries < ts->n) {
		t = &ts->t[(fc->out->first + fc->out->tries++) % ts->n];
		if (t->down_until > ev_now()) {
			if (fc->out->why[0] == '\0')
				snprintf(fc->out->why, sizeof(fc->out->why),
				    "%s: down, retried later", t->name);
			continue;
		}
		fc->out->cur = t;
		ev_timer_arm(&fc->out->deadline, j->side->timeout_ms != TIME_NONE ?
		    j->side->timeout_ms : FWD_CONNECT_MS);
		/*
		 * Looked up off the loop: a slow resolver stalls no one.  A
		 * Unix path's connect is done or refused at once (a full
		 * backlog says EAGAIN, a refusal), but even then the dial
		 * answers from the loop: this runs inside the listener's
		 * start function and fconn_next(), whose callers must not
		 * see the connection relayed, or freed, under them.
		 */
		fc->state = FC_CONNECTING;
		if ((fc->out->dial = dial_open(f->j->peer, t->host, t->port,
		    TIME_NONE, t->port == NULL ? &unix_how : &tcp_how,
		    fconn_dialed_cb, fc)) == NULL) {
			fconn_failed(fc, strerror(errno));
			return;
		}
		/* Each failure is said once, with the client's label. */
		dial_quiet(fc->out->dial);
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
	fc->out->tfd = -1;
	fc->out->peer = *peer;
	/* The address the client reached is for the PROXY header alone. */
	fc->out->local.len = sizeof(fc->out->local.ss);
	if (f->j->fwd->send_proxy == 0 || getsockname(fd,
	    (struct sockaddr *)&fc->out->local.ss, &fc->out->local.len) == -1)
		fc->out->local.len = 0;
	ev_timer_init(&fc->out->deadline, fconn_deadline_cb, fc);
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
	resolve_cancel(f->lookup);
	if (f->res != NULL)
		freeaddrinfo(f->res);
	targets_drop(f->ts);
	f->ts = NULL;
}

/*
 * -u: relay the datagrams of each peer of the bound socket fd to the
 * first target, and its replies back.
 */
static int
forward_udp(struct forward *f, int fd)
{
	const struct job	*j = f->j;
	struct addrinfo	 hints;

	if (f->ts->t[0].port == NULL)
		fatalx("cannot forward datagrams to a Unix-domain socket");
	f->ufd = fd;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = j->side->sock.family;
	hints.ai_socktype = SOCK_DGRAM;
	if (j->side->sock.numeric)
		hints.ai_flags |= AI_NUMERICHOST;
	if ((f->lookup = resolve_start(f->ts->t[0].host, f->ts->t[0].port, &hints,
	    forward_udp_resolved_cb, f)) == NULL)
		fatal("resolve");
	if (ev_loop() == -1)
		fatal("poll");
	forward_free(f);
	return (0);
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
	struct addrinfo		 hints;
	const char		*errstr, *name;
	char			*text, **lines, **args;
	size_t			 nlines, n, i, k;
	int			 first;

	if ((text = forward_read_file(j->fwd->file, &lines, &nlines,
	    cause)) == NULL)
		return (-1);
	/* The command line's targets around the file's, in their order. */
	n = j->fwd->n - j->fwd->nfile + nlines;
	if ((args = reallocarray(NULL, n, sizeof(*args))) == NULL)
		fatal("reallocarray");
	memcpy(args, j->fwd->targets, j->fwd->file_at * sizeof(*args));
	memcpy(args + j->fwd->file_at, lines, nlines * sizeof(*args));
	memcpy(args + j->fwd->file_at + nlines, j->fwd->targets +
	    j->fwd->file_at + j->fwd->nfile, (j->fwd->n -
	    j->fwd->file_at - j->fwd->nfile) * sizeof(*args));
	ts = targets_new(args, n, &errstr);
	free(args);
	free(lines);
	free(text);
	if (ts == NULL) {
		log_cause(cause, "%s: %s", j->fwd->file, errstr);
		return (-1);
	}
	if ((name = targets_misfit(j, ts)) != NULL) {
		log_cause(cause, "%s: %s: a udp: target is the only one of a "
		    "stream listener", j->fwd->file, name);
		targets_drop(ts);
		return (-1);
	}
	for (i = 0; i < ts->n; i++) {
		for (k = 0; k < old->n; k++) {
			if (strcmp(ts->t[i].name, old->t[k].name) == 0) {
				ts->t[i].down_until = old->t[k].down_until;
				ts->t[i].backoff_ms = old->t[k].backoff_ms;
				break;
			}
		}
	}
	f->ts = ts;
	targets_drop(old);
	/* Datagrams go to the first target: look it up again. */
	if (j->side->sock.socktype == SOCK_DGRAM) {
		if (ts->t[0].port == NULL) {
			log_warnx("SIGHUP: %s: datagrams cannot go to a "
			    "Unix-domain socket; the old addresses stay",
			    ts->t[0].name);
			return (0);
		}
		/*
		 * Before the first lookup is over, the socket is not read
		 * yet: a new lookup of the first kind takes its place.
		 */
		first = f->res == NULL;
		resolve_cancel(f->lookup);
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = j->side->sock.family;
		hints.ai_socktype = SOCK_DGRAM;
		if (j->side->sock.numeric)
			hints.ai_flags |= AI_NUMERICHOST;
		if ((f->lookup = resolve_start(ts->t[0].host, ts->t[0].port,
		    &hints, first ? forward_udp_resolved_cb :
		    forward_udp_relooked_cb, f)) == NULL)
			fatal("resolve");
	}
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

/*
 * Serve the listening socket of the command line (TCP, Unix-domain, or a
 * bound UDP socket with -u), relaying every client to the --forward
 * targets.  Returns the exit status.
 */
int
forward_listen(const struct job *j)
{
	struct forward	 f;
	const char	*errstr;
	char		*cause;
	int		 fd, status;

	memset(&f, 0, sizeof(f));
	f.j = j;
	f.ufd = -1;
	TAILQ_INIT(&f.peers);
	TAILQ_INIT(&f.early);
	if ((f.ts = targets_new(j->fwd->targets, j->fwd->n, &errstr)) == NULL)
		fatalx("--forward: %s", errstr);
	if ((errstr = targets_misfit(j, f.ts)) != NULL)
		fatalx("--forward %s: a udp: target is the only one of a "
		    "stream listener", errstr);
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
