/*
 * Outbound connections as a stage of the event loop: resolve, connect to
 * each address in turn without blocking, then speak -x's proxies; one
 * deadline, one callback.  The one way sockcat opens a connection.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <linux/vm_sockets.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* Where a dial stands. */
enum dial_stage {
	DS_RESOLVE,		/* looking up what to connect to: 0, the first */
	DS_CONNECT,		/* connecting to one of its addresses */
	DS_RESOLVE_DEST,	/* the destination's address, behind a proxy */
	DS_PROXY_TLS,		/* an https:// proxy's TLS handshake */
	DS_NEGOTIATE,		/* speaking the proxy's protocol */
};

struct dial {
	const struct side	*sd;
	char			*host;	/* the destination */
	char			*port;
	const char		*chost;	/* what is connected to: the */
	const char		*cport;	/* destination or the proxy */
	dial_cb			*cb;
	void			*arg;
	int			 flags;	/* DIAL_* */
	dial_check_cb		*check;

	enum dial_stage		 stage;
	struct resolve		*lookup;
	struct addrinfo		*res;
	int			 kept;	/* res is resolve_kept()'s */
	struct addrinfo		*ai;	/* the address being tried */
	int			 fd;
	int			 error;	/* errno of the last attempt */
	struct net_peer		 peer;
	struct ev_timer		 deadline;
	struct ev_timer		 kick;	/* a Unix path's first step, or
					   the outcome of a connect that
					   is over already */
	int			 done;	/* kick: connect is over */
	struct addrinfo		 uai;	/* a Unix path's or a VSOCK CID's one
					   address */
	struct sockaddr_un	 sun;
	struct sockaddr_vm	 svm;

	int			 proxied;
	int			 dns;	/* PROXY_DNS_*: who resolves host */
	struct proxy_client	*pcs;	/* one conversation per hop */
	size_t			 nhops;
	size_t			 hop;	/* the hop being spoken to */
	unsigned char		 a4[4];	/* SOCKS4: the destination */
	char			 addr[INET6_ADDRSTRLEN]; /* or its address */
	int			 looked_up; /* here, or given up to the proxy */
	size_t			 sent;	/* of pc.out */
	const char		*starting; /* ASYNC_START() */
	int			 quiet;	/* the caller reports failures */
	struct sockaddr_storage	 client; /* how->peer, or AF_UNSPEC */
	struct tls_hs		*tls_hs; /* an https:// proxy's handshake, */
	struct tls		*tls;	/* and then its TLS: the connection's */
};

/*
 * The TLS of an https:// proxy: verified against the system's authorities
 * (SSL_CERT_FILE and SSL_CERT_DIR say others), as curl verifies one.
 */
static struct tls_conf	 dial_proxy_conf = { .on = 1, .verify = 1 };

static void	dial_try(struct dial *);
static void	dial_negotiate(struct dial *);

/* The conversation with the hop being spoken to. */
#define DIAL_PC(d)	(&(d)->pcs[(d)->hop])

/* How soon a Unix-domain client tries again while the backlog is full. */
#define DIAL_BACKLOG_MS	10

/*
 * Hand fd (or -1, error and cause) to the callback and free d; the
 * callback may start another dial.
 */
static __shortrun void
dial_finish(struct dial *d, int fd, int error, const char *cause)
{
	dial_cb		*cb = d->cb;
	void		*arg = d->arg;
	struct net_peer	 peer = d->peer;
	struct tls	*t = NULL;

	ASYNC_CALLBACK(d, "dial_finish", cb);
	if (fd != -1 && !(d->flags & DIAL_UNIX))
		net_report_mptcp(d->sd, fd);
	if (fd != -1 && d->fd == fd) {
		if (d->flags & DIAL_PARK)
			ev_park(fd);
		else
			ev_del(fd);
		d->fd = -1;
	}
	if (fd != -1) {
		t = d->tls;
		d->tls = NULL;
	}
	dial_cancel(d);
	cb(fd, fd != -1 ? &peer : NULL, t, error, cause, arg);
}

/* dial_finish() failing with a formatted message. */
static void __attribute__((format(printf, 3, 4)))
dial_fail(struct dial *d, int error, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dial_finish(d, -1, error, msg);
}

/* Watch fd for events; a failure of the loop fails d, said even without -v. */
static void
dial_watch(struct dial *d, int fd, int events, ev_fd_cb *cb)
{
	if (ev_set(fd, events, cb, d) == -1)
		dial_fail(d, errno, "%s", strerror(errno));
}

/* dial_finish() failing with cause, freed here. */
static void
dial_fail_cause(struct dial *d, int error, char *cause)
{
	const char	*why = cause != NULL ? cause : strerror(error);

	if (d->stage == DS_NEGOTIATE && d->nhops > 1)
		dial_fail(d, error, "proxy %zu (%s): %s", d->hop + 1,
		    d->sd->proxy.hops[d->hop].label, why);
	else
		dial_fail(d, error, "%s", why);
	free(cause);
}

/* Say with -v, in nc's words, that the address tried failed. */
static __shortrun void
dial_report_failure(struct dial *d, int timed_out)
{
	char	 label[NI_MAXHOST * 2 + 4];

	/*
	 * A server's outbound side, a path, or an owner that said so
	 * (dial_quiet()): the owner reports.
	 */
	if (d->quiet || (d->flags & (DIAL_SERVER | DIAL_UNIX)))
		return;
	net_host_label(d->chost, d->ai->ai_addr, d->ai->ai_addrlen, label,
	    sizeof(label));
	/* nc's words for a time-out, errno and all. */
	log_verbose_warn(1, "connect to %s port %s (%s) %s: %s", label,
	    d->cport, net_proto_name(d->sd), timed_out ? "timed out" :
	    "failed", strerror(timed_out ? EINPROGRESS : d->error));
}

/* The whole set-up took too long. */
static void
dial_deadline_cb(void *arg)
{
	struct dial	*d = arg;
	char		*cause = NULL, host[LOG_ESCAPED(NI_MAXHOST)];

	switch (d->stage) {
	case DS_RESOLVE:
		dial_fail(d, ETIMEDOUT, "getaddrinfo for host \"%s\" port %s: "
		    "%s", log_escape(host, sizeof(host), d->chost,
		    strlen(d->chost)), d->cport, strerror(ETIMEDOUT));
		break;
	case DS_CONNECT:
		/* As a connection refused: -v says so, the caller need not. */
		dial_report_failure(d, 1);
		dial_finish(d, -1, ETIMEDOUT, NULL);
		break;
	case DS_RESOLVE_DEST:
		dial_fail(d, ETIMEDOUT, "proxy: %s", strerror(ETIMEDOUT));
		break;
	case DS_PROXY_TLS:
		dial_fail(d, ETIMEDOUT, "proxy: TLS handshake: %s",
		    strerror(ETIMEDOUT));
		break;
	case DS_NEGOTIATE:
		proxy_client_broken(DIAL_PC(d), ETIMEDOUT, &cause);
		dial_fail_cause(d, ETIMEDOUT, cause);
		break;
	}
}

/* The https:// proxy's handshake is over: on to its protocol. */
static void
dial_proxy_tls_done(struct tls *t, char *cause, void *arg)
{
	struct dial	*d = arg;

	d->tls_hs = NULL;
	if (t == NULL) {
		dial_fail(d, EPROTO, "proxy: %s", cause);
		free(cause);
		return;
	}
	d->tls = t;
	dial_negotiate(d);
}

/* Connected to an https:// proxy: TLS first, checked as its URL says. */
static void
dial_proxy_tls(struct dial *d)
{
	static struct tls_ctx	*ctx;
	char			*cause = NULL;

	if (ctx == NULL &&
	    (ctx = tls_ctx_new(&dial_proxy_conf, 0, &cause)) == NULL) {
		dial_fail_cause(d, EPROTO, cause);
		return;
	}
	d->stage = DS_PROXY_TLS;
	if ((d->tls_hs = tls_handshake_start(ctx, NULL, d->fd,
	    d->sd->proxy.hops[0].host, TIME_NONE, dial_proxy_tls_done, d,
	    &cause)) == NULL)
		dial_fail_cause(d, EPROTO, cause);
}

/* Connected to d->ai: done, or on to the proxies. */
static __shortrun void
dial_connected(struct dial *d)
{
	memcpy(&d->peer.ss, d->ai->ai_addr, d->ai->ai_addrlen);
	d->peer.len = d->ai->ai_addrlen;
	if (!d->proxied) {
		dial_finish(d, d->fd, 0, NULL);
		return;
	}
	ev_del(d->fd);
	if (d->sd->proxy.hops[0].tls && d->tls == NULL) {
		dial_proxy_tls(d);
		return;
	}
	dial_negotiate(d);
}

/*
 * A connect ended in a hangup or error: refused, or made and reset at once
 * with bytes waiting, which SO_ERROR would hide; a peek tells.  Returns
 * the connect's error, 0 if made, -1 if the peek cannot tell (VSOCK).
 */
static int
dial_hangup(int fd)
{
	char	c;

	if (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) >= 0)
		return (0);
	return (errno == EAGAIN || errno == EINTR || errno == ENOTCONN ? -1 :
	    errno);
}

/* A non-blocking connect ended: the one place its outcome is read. */
static __shortrun void
dial_connect_cb(int fd, int events, void *arg)
{
	struct dial	*d = arg;
	socklen_t	 len = sizeof(int);
	int		 error = 0;

	/* Connected as it returned (dial_over()): no error to ask for. */
	if (d->done)
		d->done = 0;
	else if (!(events & EV_HUP) || (error = dial_hangup(fd)) == -1) {
		error = 0;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
			error = errno;
	}
	if (error == 0 && dial_self(d->sd, d->ai, fd))
		error = ECONNREFUSED;
	if (error == 0) {
		dial_connected(d);
		return;
	}
	d->error = error;
	dial_report_failure(d, 0);
	ev_del(fd);
	close(fd);
	d->fd = -1;
	d->ai = d->ai->ai_next;
	dial_try(d);
}

/* From the loop: a Unix path's first step, or a connect done at once. */
static __shortrun void
dial_kick_cb(void *arg)
{
	struct dial	*d = arg;

	if (d->done) {
		dial_connect_cb(d->fd, EV_WRITE, d);
		return;
	}
	dial_try(d);
}

/* Is fd, whose connect(2) said EINPROGRESS, connected already? */
static int
dial_over(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	return (getpeername(fd, (struct sockaddr *)&ss, &len) == 0);
}

/*
 * connect(2) fd to ai's address; a link-local one with no scope (socat's
 * UDP-SENDTO) on its bind= interface (net_link_scope()).
 */
static __shortrun int
dial_connect(const struct dial *d, int fd, const struct addrinfo *ai)
{
	struct sockaddr_in6	 scoped;

	if (d->sd->sendto && net_link_scope(fd, ai->ai_addr, &scoped))
		return (connect(fd, (struct sockaddr *)&scoped,
		    sizeof(scoped)));
	return (connect(fd, ai->ai_addr, ai->ai_addrlen));
}

/* Connect to d->ai or the next address that takes a socket. */
static __shortrun void
dial_try(struct dial *d)
{
	struct addrinfo	*ai;
	char		*cause = NULL;
	int		 fd;

	d->stage = DS_CONNECT;
	for (; (ai = d->ai) != NULL; d->ai = ai->ai_next) {
		/* An address the owner refuses ends the dial. */
		if (d->check != NULL && (d->error = d->check(ai,
		    d->arg)) != 0) {
			dial_finish(d, -1, d->error, NULL);
			return;
		}
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, net_protocol(d->sd,
		    ai))) == -1) {
			d->error = errno;
			/* No MPTCP here: said once, whatever the address. */
			if (net_mptcp_missing(d->sd, ai, errno)) {
				dial_fail(d, errno, "%s",
				    net_mptcp_why(errno));
				return;
			}
			/*
			 * Out of descriptors or memory: the next address
			 * would fare no better, and the user is told why,
			 * -v or not, rather than left with a bare status.
			 */
			if (net_own_error(errno)) {
				dial_fail(d, errno, "socket: %s",
				    strerror(errno));
				return;
			}
			continue;
		}
		d->fd = fd;
		/* As with nc, a source or an option refused is the end. */
		if (!(d->flags & DIAL_SERVER) && ai->ai_family != AF_VSOCK &&
		    ((!(d->flags & DIAL_UNIX) && net_bind_source(d->sd, fd,
		    ai->ai_family, &cause) == -1) ||
		    net_set_options(d->sd, fd, ai->ai_family, &cause) == -1)) {
			dial_fail_cause(d, errno, cause);
			return;
		}
		/* The name its peer sees: bind=, -s or a datagram's own. */
		if ((d->flags & DIAL_UNIX) && ai->ai_family == AF_UNIX &&
		    unix_bind_client(d->sd, fd, &cause) == -1) {
			dial_fail_cause(d, errno, cause);
			return;
		}
		if (dial_connect(d, fd, ai) == 0) {
			if (!dial_self(d->sd, ai, fd)) {
				dial_connected(d);
				return;
			}
			errno = ECONNREFUSED;
		}
		if (errno == EINPROGRESS) {
			/*
			 * Over loopback (to this host) the handshake is
			 * over before connect(2) returns, though it says
			 * EINPROGRESS: a peer already known says so, and the
			 * outcome is read later in this round of the loop
			 * rather than after a wait for EV_WRITE.
			 */
			if (dial_over(fd)) {
				d->done = 1;
				ev_timer_arm(&d->kick, 0);
				return;
			}
			dial_watch(d, fd, EV_WRITE | EV_HUP, dial_connect_cb);
			return;
		}
		/*
		 * A Unix-domain listener's full backlog says EAGAIN, and
		 * nothing tells when it has room: a client tries again a
		 * little later, within its deadline, as a blocking connect
		 * would wait (netcat's).  Others take it for a refusal.
		 */
		if (errno == EAGAIN && (d->flags & DIAL_BACKLOG)) {
			close(fd);
			d->fd = -1;
			ev_timer_arm(&d->kick, DIAL_BACKLOG_MS);
			return;
		}
		d->error = errno;
		dial_report_failure(d, 0);
		close(fd);
		d->fd = -1;
	}
	/* A VSOCK peer's failure is said with its cause, -v or not. */
	if (d->uai.ai_family == AF_VSOCK) {
		dial_fail(d, d->error, "%s", vsock_why(d->error, d->host,
		    d->port));
		return;
	}
	/* Each failure was reported with -v, as netcat reports them. */
	dial_finish(d, -1, d->error != 0 ? d->error : ECONNREFUSED, NULL);
}

static void
dial_resolved_cb(int error, struct addrinfo *res, void *arg)
{
	struct dial	*d = arg;
	char		 host[LOG_ESCAPED(NI_MAXHOST)];

	d->lookup = NULL;
	/* A server says why in its own words, around the bare reason. */
	if (error != 0 && (d->flags & DIAL_SERVER)) {
		dial_fail(d, EADDRNOTAVAIL, "%s", error == EAI_SYSTEM ?
		    strerror(errno) : gai_strerror(error));
		return;
	}
	if (error != 0) {
		dial_fail(d, EADDRNOTAVAIL, "getaddrinfo for host \"%s\" port "
		    "%s: %s%s", log_escape(host, sizeof(host), d->chost,
		    strlen(d->chost)), d->cport, error == EAI_SYSTEM ?
		    strerror(errno) : gai_strerror(error),
		    d->proxied && d->sd->proxy.name_way != NULL ?
		    d->sd->proxy.name_way : "");
		return;
	}
	d->res = d->ai = res;
	dial_try(d);
}

/* Is the last hop's protocol SOCKS4 or SOCKS4a, as -X gave it? */
static int
dial_socks4(const struct dial *d)
{
	int	 proto = d->sd->proxy.hops[d->nhops - 1].proto;

	return (proto == PROXY_SOCKS4 || proto == PROXY_SOCKS4A);
}

/* The destination's address behind the proxy is known, or not. */
static void
dial_dest_cb(int error, struct addrinfo *res, void *arg)
{
	struct dial	*d = arg;
	struct sockaddr	*sa;
	char		 host[LOG_ESCAPED(NI_MAXHOST)];

	d->lookup = NULL;
	if (error != 0 && (d->dns & PROXY_DNS_REMOTE)) {
		/* --proxy-dns both: the proxy may know the name. */
		log_verbose(1, "proxy: %s not resolved here: the proxy will "
		    "resolve it", log_escape(host, sizeof(host), d->host,
		    strlen(d->host)));
		d->looked_up = 1;
		dial_negotiate(d);
		return;
	}
	if (error != 0) {
		dial_fail(d, EADDRNOTAVAIL, "getaddrinfo(\"%s\", \"%.64s\"): "
		    "%s", log_escape(host, 65, d->host, strlen(d->host)),
		    d->port, error == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(error));
		return;
	}
	sa = res->ai_addr;
	if (sa->sa_family == AF_INET) {
		memcpy(d->a4, &((struct sockaddr_in *)sa)->sin_addr, 4);
		inet_ntop(AF_INET, d->a4, d->addr, sizeof(d->addr));
	} else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr,
		    d->addr, sizeof(d->addr));
	freeaddrinfo(res);
	if (dial_socks4(d))
		d->pcs[d->nhops - 1].addr4 = d->a4;
	else
		d->pcs[d->nhops - 1].host = d->addr;
	d->looked_up = 1;
	dial_negotiate(d);
}

/* HTTP 407: answer the challenge on a new connection. */
static void
dial_again(struct dial *d)
{
	tls_free(d->tls);
	d->tls = NULL;
	ev_del(d->fd);
	close(d->fd);
	d->fd = -1;
	d->ai = d->res;
	d->hop = 0;
	dial_try(d);
}

/*
 * Move the proxy conversation on until done or the socket would block,
 * reading no more than the answer holds.
 */
static void
dial_io_cb(int fd, __unused int events, void *arg)
{
	struct dial		*d = arg;
	struct proxy_client	*pc = DIAL_PC(d);
	unsigned char		 buf[HTTP_LINE_MAX];
	char			*cause = NULL, host[LOG_ESCAPED(NI_MAXHOST)];
	size_t			 want;
	ssize_t			 n;
	int			 r, ev;

	for (;;) {
		while (d->sent < pc->outlen) {
			n = net_write(fd, d->tls, pc->out + d->sent,
			    pc->outlen - d->sent, &ev);
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK)) {
				dial_watch(d, fd, ev != 0 ? ev : EV_WRITE,
				    dial_io_cb);
				return;
			}
			if (n == -1 && (errno == EPIPE ||
			    errno == ECONNRESET) &&
			    proxy_client_closed(pc)) {
				dial_again(d);
				return;
			}
			if (n == -1) {
				r = errno;
				log_cause(&cause, "write failed (%zu/%zu): "
				    "%s", d->sent, pc->outlen, strerror(r));
				dial_fail_cause(d, r, cause);
				return;
			}
			d->sent += n;
		}
		want = proxy_client_want(pc);
		if (want > sizeof(buf))
			want = sizeof(buf);
		/* What TLS holds already is read before a wait. */
		n = net_read(fd, d->tls, buf, want, &ev);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			dial_watch(d, fd, ev != 0 ? ev : EV_READ, dial_io_cb);
			return;
		}
		if ((n == 0 || (n == -1 && errno == ECONNRESET)) &&
		    proxy_client_closed(pc)) {
			dial_again(d);
			return;
		}
		if (n <= 0) {
			r = n == 0 ? EPIPE : errno;
			proxy_client_broken(pc, r, &cause);
			dial_fail_cause(d, r, cause);
			return;
		}
		d->sent = 0;
		switch (proxy_client_input(pc, buf, n, &cause)) {
		case PROXY_MORE:
			continue;
		case PROXY_DONE:
			ev_del(fd);
			if (d->nhops > 1)
				log_verbose(1, "proxy %zu (%s): connected to "
				    "%s port %s", d->hop + 1,
				    d->sd->proxy.hops[d->hop].label,
				    log_escape(host, sizeof(host), pc->host,
				    strlen(pc->host)), pc->port);
			/* Through this hop, the next one's handshake. */
			if (++d->hop < d->nhops) {
				dial_negotiate(d);
				return;
			}
			dial_finish(d, fd, 0, NULL);
			return;
		case PROXY_RETRY:
			dial_again(d);
			return;
		default:
			dial_fail_cause(d, EPROTO, cause);
			return;
		}
	}
}

/* Connected to the proxy: ask it for the destination. */
static void
dial_negotiate(struct dial *d)
{
	struct addrinfo	 hints;
	char		*cause = NULL, host[LOG_ESCAPED(NI_MAXHOST)];

	/*
	 * The destination's name is looked up here first unless the proxy
	 * is to do it (--proxy-dns); SOCKS4 names an IPv4 address.
	 */
	if (d->hop + 1 < d->nhops)
		goto start;
	if (d->dns == PROXY_DNS_NONE) {
		dial_fail(d, EINVAL, "proxy: %s is not a numeric address "
		    "(--proxy-dns none)", log_escape(host, sizeof(host),
		    d->host, strlen(d->host)));
		return;
	}
	if (!d->looked_up && (d->dns & PROXY_DNS_LOCAL)) {
		d->stage = DS_RESOLVE_DEST;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = dial_socks4(d) ? AF_INET : d->sd->sock.family;
		hints.ai_socktype = SOCK_STREAM;
		if (d->sd->sock.numeric)
			hints.ai_flags = AI_NUMERICHOST;
		if ((d->lookup = resolve_start(NULL, d->host, d->port,
		    &hints, dial_dest_cb, d)) == NULL)
			dial_fail(d, errno, "proxy: %s", strerror(errno));
		return;
	}
start:
	d->stage = DS_NEGOTIATE;
	if (proxy_client_start(DIAL_PC(d), &cause) == -1) {
		dial_fail_cause(d, EINVAL, cause);
		return;
	}
	d->sent = 0;
	dial_io_cb(d->fd, EV_WRITE, d);
}

/*
 * Choose who looks up the destination (PROXY_DNS_*, 0 for a numeric
 * address); SOCKS4 becomes SOCKS4a to send a name.
 */
static void
dial_proxy_dns(struct dial *d)
{
	const struct side	*sd = d->sd;
	struct proxy_client	*last = &d->pcs[d->nhops - 1];
	unsigned char		 a[16];
	int			 v6;

	SIDE_TAKEN(proxy.dns);
	if ((d->dns = sd->proxy.dns) == 0)
		d->dns = last->proto == PROXY_SOCKS4 ? PROXY_DNS_LOCAL :
		    PROXY_DNS_REMOTE;
	/*
	 * An IPv6 address is no name, but SOCKS4 looks it up as one (and
	 * fails, as netcat does) unless nobody is to.
	 */
	v6 = inet_pton(AF_INET6, d->host, a) == 1;
	if (inet_pton(AF_INET, d->host, a) == 1 ||
	    (v6 && (!dial_socks4(d) || d->dns == PROXY_DNS_NONE)))
		d->dns = 0;
	if (last->proto == PROXY_SOCKS4 && (d->dns & PROXY_DNS_REMOTE))
		last->proto = PROXY_SOCKS4A;
}

/* -P without --proxy-auth: ask on the terminal each time. */
static int
dial_ask_password(struct proxy_client *pc, char **cause)
{
	struct dial	*d = pc->arg;
	char		 prompt[512];

	snprintf(prompt, sizeof(prompt), "Proxy password for %s@%s: ",
	    pc->user, d->sd->proxy.hops[d->hop].host);
	if (readpassphrase(prompt, pc->pass, sizeof(pc->pass),
	    RPP_REQUIRE_TTY) == NULL) {
		log_cause(cause, "Unable to read proxy passphrase");
		return (-1);
	}
	return (0);
}

/* A conversation per -x proxy, in order.  Returns -1 with errno. */
static int
dial_proxies(struct dial *d)
{
	const struct side	*sd = d->sd;
	const struct proxy_hop	*h;
	struct proxy_client	*pc;
	unsigned char		 a4[4];
	size_t			 i;

	/* The chain step_proxy() made of -x, -X, -P, --proxy-auth. */
	SIDE_TAKEN(proxy.host);
	SIDE_TAKEN(proxy.proto);
	SIDE_TAKEN(proxy.user);
	/* Counted once made: dial_cancel() goes through what there is. */
	if ((d->pcs = calloc(sd->proxy.nhops, sizeof(*d->pcs))) == NULL)
		return (-1);
	d->nhops = sd->proxy.nhops;
	d->proxied = 1;
	d->chost = sd->proxy.hops[0].host;
	d->cport = sd->proxy.hops[0].port;
	for (i = 0; i < d->nhops; i++) {
		h = &sd->proxy.hops[i];
		pc = &d->pcs[i];
		pc->proto = h->proto;
		if (i + 1 < d->nhops) {
			pc->host = sd->proxy.hops[i + 1].host;
			pc->port = sd->proxy.hops[i + 1].port;
			/* The next hop's name goes to the proxy: SOCKS4a. */
			if (pc->proto == PROXY_SOCKS4 &&
			    inet_pton(AF_INET, pc->host, a4) != 1)
				pc->proto = PROXY_SOCKS4A;
		} else {
			pc->host = d->host;
			pc->port = d->port;
		}
		pc->user = h->user;
		pc->auth_name = sd->dialect->proxy_auth;
		pc->status_spaces = sd->dialect->proxy_spaces;
		pc->basic = h->basic;
		pc->ask = dial_ask_password;
		pc->arg = d;
		if (h->pass != NULL) {
			strlcpy(pc->pass, h->pass, sizeof(pc->pass));
			pc->fixed = 1;
		}
	}
	dial_proxy_dns(d);
	return (0);
}

/* Keep the client a server's dial is for (how->peer). */
static void
dial_set_peer(struct dial *d, const struct sockaddr *sa)
{
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		memcpy(&d->client, sa, sizeof(struct sockaddr_in));
	else if (sa->sa_family == AF_INET6)
		memcpy(&d->client, sa, sizeof(struct sockaddr_in6));
}

/*
 * Connect to host and port as sd says (family, type, source, options,
 * proxies), all within timeout_ms (TIME_NONE or 0: the kernel's).  cb(fd,
 * peer, tls, error, cause, arg) runs later from the loop, never before
 * this returns: fd connected and non-blocking (the caller's to close),
 * peer its address (the proxy's through one), tls an https:// proxy's TLS
 * to read and write through (the caller's to free), or NULL; or fd -1 with
 * errno value error and cause (NULL when -v said each failure).  peer and
 * cause live only during the call; sd must outlive the dial.
 *
 * how (NULL: a client's) holds DIAL_* flags; how->check, if set, vets each
 * address (non-zero errno ends the dial, no cause); how->peer is the
 * client whose resolver share the lookup takes.  Returns a handle for
 * dial_cancel(), valid until cb runs, or NULL with errno.
 */
__shortrun struct dial *
dial_open(const struct side *sd, const char *host, const char *port,
    long long timeout_ms, const struct dial_how *how, dial_cb *cb,
    void *arg)
{
	struct dial	*d;
	struct addrinfo	 hints;
	socklen_t	 len;
	int		 error;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return (NULL);
	d->sd = sd;
	d->fd = -1;
	d->cb = cb;
	d->arg = arg;
	if (how != NULL) {
		d->flags = how->flags;
		d->check = how->check;
		dial_set_peer(d, how->peer);
	}
	/* A Unix-domain side's host is a path; a server's outbound is not. */
	if (sd->sock.family == AF_UNIX && !(d->flags & DIAL_SERVER))
		d->flags |= DIAL_UNIX;
	ASYNC_START(d, "dial_open");
	ev_timer_init(&d->deadline, dial_deadline_cb, d);
	ev_timer_init(&d->kick, dial_kick_cb, d);
	if ((d->host = strdup(host)) == NULL ||
	    (port != NULL && (d->port = strdup(port)) == NULL))
		goto fail;
	d->chost = d->host;
	d->cport = d->port;
	if (d->flags & DIAL_UNIX) {
		/* -U's; -n's promise, no lookup, is kept by having none. */
		SIDE_TAKEN(sock.family);
		SIDE_TAKEN(sock.numeric);
		if (unix_addr(d->host, &d->sun, &len) == -1)
			goto fail;
		d->uai.ai_family = AF_UNIX;
		d->uai.ai_socktype = sd->sock.seqpacket ? SOCK_SEQPACKET :
		    sd->sock.socktype;
		d->uai.ai_addr = (struct sockaddr *)&d->sun;
		d->uai.ai_addrlen = len;
	} else if (sd->sock.vsock && !(d->flags & DIAL_SERVER)) {
		/* A CID needs no lookup either; each failure says its cause. */
		if (vsock_addr(d->host, d->port, 0, &d->svm, NULL) == -1)
			goto fail;
		d->uai.ai_family = AF_VSOCK;
		d->uai.ai_socktype = SOCK_STREAM;
		d->uai.ai_addr = (struct sockaddr *)&d->svm;
		d->uai.ai_addrlen = sizeof(d->svm);
		d->quiet = 1;
	}
	if (d->uai.ai_family != AF_UNSPEC)
		d->ai = &d->uai;
	else {
		if (sd->proxy.nhops > 0 && !(d->flags & DIAL_SERVER) &&
		    dial_proxies(d) == -1)
			goto fail;
		SIDE_TAKEN(sock.family);
		SIDE_TAKEN(sock.socktype);
		SIDE_TAKEN(sock.numeric);
		net_hints(sd, sd->sock.family, 0, NULL, &hints);
		if (d->flags & DIAL_SERVER)
			hints.ai_flags |= AI_NUMERICSERV;
		/* An address of our own choosing is looked up once, ever. */
		if (d->client.ss_family == AF_UNSPEC && (d->ai = d->res =
		    resolve_kept(d->chost, d->cport, &hints)) != NULL)
			d->kept = 1;
	}
	/*
	 * One address, or a kept one: the first step is the loop's all the
	 * same.  Else the first step, the lookup, answers from the loop.
	 */
	if (d->ai != NULL) {
		d->stage = DS_CONNECT;
		ev_timer_arm(&d->kick, 0);
	} else if ((d->lookup = resolve_start(d->client.ss_family !=
	    AF_UNSPEC ? (struct sockaddr *)&d->client : NULL, d->chost,
	    d->cport, &hints, dial_resolved_cb, d)) == NULL)
		goto fail;
	if (timeout_ms > 0)
		ev_timer_arm(&d->deadline, timeout_ms);
	ASYNC_STARTED(d);
	return (d);

fail:
	error = errno;
	dial_cancel(d);
	errno = error;
	return (NULL);
}

/*
 * The caller says d's failure in its own words: -v says nothing per
 * address, and cb gets no cause for a refusal or time-out.
 */
void
dial_quiet(struct dial *d)
{
	d->quiet = 1;
}

/* Give up d: its callback is never called. */
__shortrun void
dial_cancel(struct dial *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	ev_timer_disarm(&d->deadline);
	ev_timer_disarm(&d->kick);
	if (d->lookup != NULL)
		resolve_cancel(d->lookup);
	if (d->tls_hs != NULL)
		tls_handshake_cancel(d->tls_hs);
	if (d->tls != NULL)
		tls_free(d->tls);
	if (d->fd != -1) {
		ev_del(d->fd);
		close(d->fd);
	}
	if (d->res != NULL && !d->kept)
		freeaddrinfo(d->res);
	/* The proxies' passwords are forgotten. */
	for (i = 0; i < d->nhops; i++)
		proxy_client_clear(&d->pcs[i]);
	free(d->pcs);
	free(d->host);
	free(d->port);
	free(d);
}
