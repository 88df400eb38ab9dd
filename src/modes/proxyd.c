/*
 * The proxy server (--proxy-type socks5|http): each client's request read
 * by a state machine on the loop, its destination connected without
 * blocking, and the pair relayed (proxyd-relay.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"
#include "proxyd-int.h"

/* A client has this long (unless -w says) to make its request. */
#define PCONN_TIMEOUT_MS	(30 * 1000)

/* What the state machine made of the bytes it has. */
enum pconn_result {
	PR_MORE,		/* incomplete: read more */
	PR_AGAIN,		/* a message was consumed: parse on */
	PR_CONNECT,		/* a request: connect to host and port */
	PR_CLOSE,		/* refused (reply sent, if any): close */
};

int
proxyd_http(const struct pconn *pc)
{
	return (pc->pd->j->side->proxy.proto == PROXY_HTTP);
}

void
pconn_free(struct pconn *pc)
{
	ev_timer_disarm(&pc->timer);
	/* Relayed, the client is its session's. */
	if (pc->nc != NULL && pc->nc->fd != -1)
		ev_del(pc->nc->fd);
	netconn_free(pc->nc);
	if (pc->tfd != -1) {
		ev_del(pc->tfd);
		close(pc->tfd);
	}
	/* A client that leaves mid-dial: its connection is not wanted. */
	dial_cancel(pc->dial);
	free(pc->fwd);
	free(pc);
}

/* Watch pc's client for events with cb.  Returns -1 when pc is gone. */
static int
pconn_watch(struct pconn *pc, int events, ev_fd_cb *cb)
{
	if (ev_set(pc->nc->fd, events, cb, pc) == 0)
		return (0);
	log_warn("proxy: %s", pc->peer);
	pconn_free(pc);
	return (-1);
}

/* Send a short reply at once.  Returns -1 when not all was taken. */
int
pconn_reply(struct pconn *pc, const void *p, size_t len)
{
	int	 want;

	return (net_write(pc->nc->fd, pc->nc->tls, p, len, &want) ==
	    (ssize_t)len ? 0 : -1);
}

/*
 * Read all the client has sent without blocking, draining TLS's buffer.
 * Returns the bytes, 0 at end, or -1 with errno (EAGAIN: nothing yet); a
 * TLS read may set pc->want to EV_WRITE.
 */
static ssize_t
pconn_recv_all(struct pconn *pc)
{
	ssize_t	 n, got = 0;

	while (pc->len < sizeof(pc->in)) {
		n = net_read(pc->nc->fd, pc->nc->tls, pc->in + pc->len,
		    sizeof(pc->in) - pc->len, &pc->want);
		if (pc->want == 0)
			pc->want = EV_READ;
		if (n > 0) {
			pc->len += n;
			got += n;
			if (pc->nc->tls == NULL)
				break;
			continue;
		}
		if (got > 0)
			break;
		return (n);
	}
	return (got);
}

/* A SOCKS5 reply with code rep, and the address fd is bound to if any. */
int
pconn_socks5_reply(struct pconn *pc, int rep, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	unsigned char		 buf[SOCKS5_REPLY_MAX];
	ssize_t			 n;

	n = socks5_encode_reply(buf, sizeof(buf), rep, fd == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1 ? NULL : &ss);
	return (n == -1 ? -1 : pconn_reply(pc, buf, n));
}

/*
 * Close the client after a reply, and free pc: a TLS client is told that
 * the end is the end (close_notify), and the close lingers (sock_linger())
 * so that no reset loses the reply.
 */
static void
pconn_close(struct pconn *pc)
{
	if (pc->nc->tls != NULL)
		tls_close_notify(pc->nc->tls);
	ev_del(pc->nc->fd);
	sock_linger(pc->nc->fd);
	pc->nc->fd = -1;
	pconn_free(pc);
}

/* Report the refusal of the request, for why, and close. */
static void
pconn_refused(struct pconn *pc, const char *why)
{
	if (pc->ours)
		log_warnx("proxy: %s: %s", pc->peer, why);
	else
		log_verbose_warn(1, "proxy: %s: %s", pc->peer, why);
	pconn_close(pc);
}

/* Refuse the request in the protocol's words, report it, and close. */
void
pconn_refuse(struct pconn *pc, int socks_rep, int http_status,
    const char *why)
{
	char	 buf[1024];
	ssize_t	 n;

	if (proxyd_http(pc)) {
		if ((n = http_encode_refusal(buf, sizeof(buf), http_status,
		    NULL, why, pc->head_only ? HTTP_HEAD_ONLY : 0)) != -1)
			pconn_reply(pc, buf, n);
	} else if (socks_rep != -1)
		pconn_socks5_reply(pc, socks_rep, -1);
	pconn_refused(pc, why);
}

static void
pconn_consume(struct pconn *pc, size_t n)
{
	memmove(pc->in, pc->in + n, pc->len - n);
	pc->len -= n;
}

/* RFC 1928's method negotiation. */
static enum pconn_result
pconn_greeting(struct pconn *pc)
{
	const struct job	*j = pc->pd->j;
	unsigned char		 reply[2] = { SOCKS_V5, SOCKS5_AUTH_NOMETHOD };
	const char		*errstr;
	ssize_t			 n;
	int			 want, offered = 0;

	want = j->side->proxy.user != NULL ? SOCKS5_AUTH_USERPASS : SOCKS5_AUTH_NONE;
	n = socks5_parse_methods(pc->in, pc->len, want, &offered, &errstr);
	if (n == -1) {
		log_verbose_warn(1, "proxy: %s: %s", pc->peer, errstr);
		return (PR_CLOSE);
	}
	if ((size_t)n > pc->len)
		return (PR_MORE);
	if (!offered) {
		log_verbose_warn(1, "proxy: %s: no acceptable authentication "
		    "method", pc->peer);
		pconn_reply(pc, reply, 2);
		return (PR_CLOSE);
	}
	reply[1] = want;
	if (pconn_reply(pc, reply, 2) == -1)
		return (PR_CLOSE);
	pconn_consume(pc, n);
	pc->state = want == SOCKS5_AUTH_USERPASS ? PC_AUTH : PC_REQUEST;
	return (PR_AGAIN);
}

/* RFC 1929: the user and password must be those of --proxy-auth. */
static enum pconn_result
pconn_auth(struct pconn *pc)
{
	const struct job	*j = pc->pd->j;
	unsigned char		 reply[2] = { SOCKS5_USERPASS_V1, 1 };
	struct socks_userpass	 up;
	const char		*errstr;
	const struct sockaddr	*from = (const struct sockaddr *)&pc->from.ss;
	ssize_t			 n;
	int			 ok, retry;

	n = socks5_parse_userpass(pc->in, pc->len, &up, &errstr);
	if (n == -1) {
		log_verbose_warn(1, "proxy: %s: %s", pc->peer, errstr);
		pconn_reply(pc, reply, 2);
		return (PR_CLOSE);
	}
	if ((size_t)n > pc->len)
		return (PR_MORE);
	/*
	 * Wrong answers are limited as the HTTP servers' are (a failure,
	 * its answer unread): RFC 1929 has no word for "later".
	 */
	if (auth_limit(from, pc->peer, &retry) == -1) {
		explicit_bzero(pc->in, n);
		pconn_reply(pc, reply, 2);
		return (PR_CLOSE);
	}
	/* Both compared, whatever the first says: the time tells nothing. */
	ok = auth_same(up.user, up.ulen, j->side->proxy.user);
	ok &= auth_same(up.pass, up.plen, j->side->proxy.pass);
	auth_verdict(from, !ok);
	/* Status 0 is success; anything else a failure (RFC 1929). */
	reply[1] = ok ? 0 : 1;
	explicit_bzero(pc->in, n);
	if (pconn_reply(pc, reply, 2) == -1 || !ok) {
		if (!ok)
			log_verbose_warn(1, "proxy: %s: authentication failed",
			    pc->peer);
		return (PR_CLOSE);
	}
	pconn_consume(pc, n);
	pc->state = PC_REQUEST;
	return (PR_AGAIN);
}

/* RFC 1928's request: only CONNECT. */
static enum pconn_result
pconn_socks5_request(struct pconn *pc)
{
	struct socks_request	 r;
	const char		*errstr;
	ssize_t			 n;

	n = socks5_parse_request(pc->in, pc->len, &r, &errstr);
	if (n == -1 && r.rep == -1) {
		log_verbose_warn(1, "proxy: %s: %s", pc->peer, errstr);
		return (PR_CLOSE);
	}
	if (n == -1) {
		pconn_refuse(pc, r.rep, HTTP_BAD_REQUEST, errstr);
		return (PR_MORE);	/* pc is gone */
	}
	if ((size_t)n > pc->len)
		return (PR_MORE);
	strlcpy(pc->host, r.host, sizeof(pc->host));
	snprintf(pc->port, sizeof(pc->port), "%u", r.port);
	pconn_consume(pc, n);
	return (PR_CONNECT);
}

/*
 * Check r's credentials against --proxy-auth.  Returns 0, or -1 once refused
 * (407 or 429 sent, pc gone).
 */
static int
pconn_http_auth(struct pconn *pc, const char *h, struct http_request *r)
{
	struct auth_ask		 a = {
		.uri2 = r->forward ? r->path : NULL,
		.peer = (const struct sockaddr *)&pc->from.ss,
		.who = pc->peer,
	};
	struct auth_job		*job;
	enum auth_verdict	 v;
	const char		*why;
	char			 buf[1024];
	ssize_t			 n;
	int			 retry;

	/* --proxy-auth's user has a password: nothing pends, no callback. */
	v = listen_http_auth(&pc->pd->auth, 1, h, &r->line, &a, &retry, &job);
	DEBUG_CHECK(v != AUTH_PENDING, "pconn_http_auth: a check pends");
	if (v == AUTH_OK)
		return (0);
	if ((n = listen_http_refusal(&pc->pd->auth, 1, v, retry,
	    pc->head_only ? HTTP_HEAD_ONLY : 0, buf, sizeof(buf), &why)) != -1)
		pconn_reply(pc, buf, n);
	pconn_refused(pc, why);
	return (-1);
}

/*
 * Parse an HTTP proxy request (CONNECT, or GET, HEAD, POST with an absolute
 * URI) within PCONN_BUFSIZE.
 */
static enum pconn_result
pconn_http_request(struct pconn *pc)
{
	struct http_request	 r;
	const char		*errstr, *h = (const char *)pc->in;
	char			*host;
	ssize_t			 n;
	uint16_t		 port;
	int			 status;

	if ((n = http_head_end(pc->in, pc->len, sizeof(pc->in), &status,
	    &errstr)) == 0)
		return (PR_MORE);
	if (n == -1 || (status = http_parse_request(h, n, &r,
	    &errstr)) != 0) {
		pconn_refuse(pc, -1, status, errstr);
		return (PR_MORE);
	}
	pc->head_only = strcmp(r.line.method, "HEAD") == 0;
	if (pconn_http_auth(pc, h, &r) == -1)
		return (PR_MORE);
	if (r.forward) {
		if ((pc->fwd = malloc(PCONN_BUFSIZE + 64)) == NULL ||
		    (pc->fwdlen = http_encode_forward(pc->fwd,
		    PCONN_BUFSIZE + 64, &r)) == -1) {
			pconn_refuse(pc, -1, HTTP_TOO_LARGE,
			    "request too large");
			return (PR_MORE);
		}
		host = r.host;
		port = r.port;
		/* Without a length or a coding, a request has no body. */
		pc->body = r.chunked ? -1 : r.clen == -1 ? 0 : r.clen;
	} else if (http_parse_target(r.line.target, &host, &port,
	    &errstr) == -1) {
		pconn_refuse(pc, -1, HTTP_BAD_REQUEST, errstr);
		return (PR_MORE);
	}
	/* The codec takes no host longer than HTTP_HOST_MAX: it fits. */
	strlcpy(pc->host, host, sizeof(pc->host));
	snprintf(pc->port, sizeof(pc->port), "%u", port);
	pconn_consume(pc, n);
	return (PR_CONNECT);
}

/* One step of the request's state machine over what has been read. */
static enum pconn_result
pconn_step(struct pconn *pc)
{
	if (proxyd_http(pc))
		return (pconn_http_request(pc));
	if (pc->state == PC_GREETING)
		return (pconn_greeting(pc));
	if (pc->state == PC_AUTH)
		return (pconn_auth(pc));
	return (pconn_socks5_request(pc));
}

/* Refuse an unreachable destination (error ELOOP: this proxy itself). */
static void
pconn_unreachable(struct pconn *pc, int error, const char *cause)
{
	int	 rep;

	/* SOCKS5's "not allowed by ruleset", as HTTP's 403. */
	if (error == ELOOP) {
		pconn_refuse(pc, SOCKS5_REP_RULESET, HTTP_FORBIDDEN,
		    "request loop: the target is this proxy");
		return;
	}
	/* Ours (out of descriptors or memory) is said; a cause the lookup's. */
	pc->ours = net_own_error(error);
	if (cause != NULL) {
		pconn_refuse(pc, SOCKS5_REP_HOSTUNREACH, HTTP_BAD_GATEWAY,
		    cause);
		return;
	}
	rep = error == ECONNREFUSED ? SOCKS5_REP_REFUSED :
	    error == ENETUNREACH ? SOCKS5_REP_NETUNREACH :
	    error == EHOSTUNREACH || error == ETIMEDOUT ?
	    SOCKS5_REP_HOSTUNREACH : SOCKS5_REP_FAILURE;
	/* No answer is a timeout (504); a refusal a bad gateway (502). */
	pconn_refuse(pc, rep, error == ETIMEDOUT ? HTTP_GATEWAY_TIMEOUT :
	    HTTP_BAD_GATEWAY, strerror(error));
}

/* The dial is over: connected to the destination, or not. */
static void
pconn_dialed_cb(int fd, __unused const struct net_peer *peer, struct tls *t,
    int error, const char *cause, void *arg)
{
	struct pconn	*pc = arg;

	/* The proxy server dials directly (DIAL_SERVER): no proxy's TLS. */
	DEBUG_CHECK(t == NULL, "pconn_dialed_cb: a proxy's TLS");
	(void)t;
	pc->dial = NULL;
	if (fd == -1) {
		pconn_unreachable(pc, error, cause);
		return;
	}
	pc->tfd = fd;
	pconn_relay(pc);
}

/*
 * Refuse a destination that is this proxy's own address (net_is_self()),
 * which would loop.
 */
static int
pconn_check_cb(const struct addrinfo *ai, void *arg)
{
	struct pconn	*pc = arg;

	return (net_is_self(ai->ai_addr, ai->ai_addrlen,
	    (const struct sockaddr *)&pc->pd->self, pc->pd->v6only) ? ELOOP :
	    0);
}

/*
 * The client during its dial: more bytes are kept, its half-close is fine, a
 * break frees it and the dial.
 */
static void
pconn_wait_cb(int fd, __unused int events, void *arg)
{
	struct pconn	*pc = arg;
	ssize_t		 n;

	n = pconn_recv_all(pc);
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
		log_verbose_warn(1, "proxy: %s: left during the lookup: %s",
		    pc->peer, strerror(errno));
		pconn_free(pc);
		return;
	}
	/* At its end, or with the buffer full, the rest waits in the kernel. */
	if (n == 0 || pc->len == sizeof(pc->in))
		ev_del(fd);
	else
		(void)pconn_watch(pc, pc->want, pconn_wait_cb);
}

/* Run the state machine over what has been read. */
static void
pconn_parse(struct pconn *pc)
{
	struct dial_how		 how = {
		.flags = DIAL_SERVER,
		.check = pconn_check_cb,
	};
	char			 host[LOG_ESCAPED(sizeof(pc->host))];
	enum pconn_result	 r;

	do {
		r = pconn_step(pc);
	} while (r == PR_AGAIN);

	/* A refusal has freed pc already and says PR_MORE: look no more. */
	if (r == PR_MORE)
		return;
	if (r == PR_CLOSE) {
		pconn_close(pc);
		return;
	}
	log_verbose(2, "proxy: %s: connect to %s port %s", pc->peer,
	    log_escape(host, sizeof(host), pc->host, strlen(pc->host)),
	    pc->port);
	/*
	 * The dial looks the name up off the loop, within the client's
	 * share of the resolver (a resolver that never answers stalls no
	 * one else); pc's timer bounds it.
	 */
	how.peer = (const struct sockaddr *)&pc->from.ss;
	pc->state = PC_DIALING;
	if ((pc->dial = dial_open(pc->pd->j->side, pc->host, pc->port, TIME_NONE,
	    &how, pconn_dialed_cb, pc)) == NULL) {
		pc->ours = net_own_error(errno);
		pconn_refuse(pc, SOCKS5_REP_FAILURE, HTTP_BAD_GATEWAY,
		    strerror(errno));
		return;
	}
	(void)pconn_watch(pc, EV_READ, pconn_wait_cb);
}

/* Read what the client sends before it is connected, and parse it. */
static void
pconn_read_cb(__unused int fd, int events, void *arg)
{
	struct pconn	*pc = arg;
	ssize_t		 n;

	n = pconn_recv_all(pc);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		/* A TLS read may wait for the socket to be writable. */
		if (pc->want != events)
			(void)pconn_watch(pc, pc->want, pconn_read_cb);
		return;
	}
	if (n <= 0) {
		log_verbose(2, "proxy: %s: closed before its request",
		    pc->peer);
		pconn_free(pc);
		return;
	}
	if (pc->want != events &&
	    pconn_watch(pc, pc->want, pconn_read_cb) == -1)
		return;
	pconn_parse(pc);
}

/* Too slow to ask, or the destination too slow to answer. */
static void
pconn_timeout_cb(void *arg)
{
	struct pconn	*pc = arg;

	if (pc->state == PC_DIALING)
		pconn_refuse(pc, SOCKS5_REP_HOSTUNREACH,
		    HTTP_GATEWAY_TIMEOUT, strerror(ETIMEDOUT));
	else
		pconn_refuse(pc, -1, HTTP_TIMEOUT, "no request in time");
}

/* Refuse a client over --max-conns in the protocol's words. */
static void
proxyd_full(const struct side *sd, int fd)
{
	unsigned char	 no[2] = { SOCKS_V5, SOCKS5_AUTH_NOMETHOD };

	/* Before its handshake, a TLS client can be told nothing. */
	if (sd->tls.on)
		return;
	if (sd->proxy.proto != PROXY_HTTP)
		log_write_quiet(fd, no, sizeof(no));
	else
		listen_http_full(fd);
}

/* An admitted client: read its request. */
static int
proxyd_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct proxyd	*pd = arg;
	struct pconn	*pc;
	char		 host[NI_MAXHOST], port[NI_MAXSERV];

	/* The proxy server takes no --websocket: the command line says so. */
	if ((pc = calloc(1, sizeof(*pc))) == NULL) {
		log_warn("proxy");
		netconn_free(nc);
		return (-1);
	}
	pc->pd = pd;
	pc->nc = nc;
	pc->tfd = -1;
	pc->state = PC_GREETING;
	pc->from = *peer;
	net_format((const struct sockaddr *)&peer->ss, peer->len, 1, host,
	    sizeof(host), port, sizeof(port));
	snprintf(pc->peer, sizeof(pc->peer), "%s %s", host, port);
	pc->serial = ++pd->serial;
	ev_timer_init(&pc->timer, pconn_timeout_cb, pc);
	SIDE_TAKEN(timeout_ms);
	ev_timer_arm(&pc->timer, pd->j->side->timeout_ms != TIME_NONE ?
	    pd->j->side->timeout_ms : PCONN_TIMEOUT_MS);
	/*
	 * The handshake's last read may hold the request already, which no
	 * poll announces: the first read of a TLS client waits only for the
	 * socket to be writable, which it is at once.  It is the loop's, as
	 * every first step is, not the listener's call's.
	 */
	return (pconn_watch(pc, nc->tls != NULL ? EV_WRITE : EV_READ,
	    pconn_read_cb));
}

static const struct listen_ops proxyd_ops = {
	.start = proxyd_start,
	.full = proxyd_full,
};

/*
 * Serve as a SOCKS5 or HTTP proxy until killed; one open to anyone listens
 * on loopback unless told.  Returns the exit status.
 */
int
proxyd_listen(const struct job *j)
{
	struct proxyd	 pd;
	const char	*host;
	socklen_t	 len;
	size_t		 max;
	int		 fd, open;

	memset(&pd, 0, sizeof(pd));
	pd.j = j;
	/* It listens until killed, -k or not; what it speaks, the clients'. */
	SIDE_TAKEN(keep);
	SIDE_TAKEN(proxy.proto);
	/* Its password is known (cmdline-check.c). */
	SIDE_TAKEN(proxy.user);
	if (j->side->proxy.user != NULL) {
		/* SOCKS5's limit and HTTP's: both are served. */
		max = SOCKS_NAME_MAX < HTTP_CRED_MAX ? SOCKS_NAME_MAX :
		    HTTP_CRED_MAX;
		if (strlen(j->side->proxy.user) > max ||
		    strlen(j->side->proxy.pass) > max)
			fatalx("Proxy username/password too long");
		/* The checks only read the user: no copy is needed. */
		pd.user.name = (char *)j->side->proxy.user;
		pd.user.pass = (char *)j->side->proxy.pass;
		pd.auth.users = &pd.user;
		pd.auth.nusers = 1;
	}
	open = j->side->proxy.user == NULL &&
	    !gate_allow_listed(&j->side->gate);
	host = j->side->host;
	if (open && host == NULL)
		host = j->side->sock.family == AF_INET6 ? "::1" : "127.0.0.1";
	fd = join_listen(j->side, host, LISTEN_MANY | LISTEN_WORKERS);
	join_serve_signals(j, "proxy", NULL, NULL);
	/* -o, --hex-dump: each line names its client. */
	if (j->run->dump != NULL)
		dump_label(j->run->dump, proxyd_dump_label);
	len = sizeof(pd.self);
	if (getsockname(fd, (struct sockaddr *)&pd.self, &len) == -1)
		fatal("getsockname");
	len = sizeof(pd.v6only);
	if (pd.self.ss_family == AF_INET6 && getsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &pd.v6only, &len) == -1)
		pd.v6only = 1;
	if (open && !net_is_loopback((struct sockaddr *)&pd.self))
		log_warning("warning: open proxy: anyone who can reach this "
		    "address may relay through it; use --proxy-auth or "
		    "--allow");
	listener_run(j->side, fd, &proxyd_ops, &pd, NULL);
	return (0);
}
