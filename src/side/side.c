/*
 * Sides: an address (tcp:HOST:PORT, ws://HOST/PATH, exec:CMD, ...) parsed
 * once into the side it names, which starts from the command line's
 * settings, its options over them for it alone; what its kind says
 * (listening, TLS, WebSocket, the socket's family and type) wins.  URLs
 * are sideurl.c's, the options of sides that are no sockets sidelocal.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "side.h"
#include "side-int.h"

/* Every option of an address may be a change of a terminal's modes. */
#if TTY_OPS_MAX < ADDR_OPTS_MAX
#error "TTY_OPS_MAX is less than ADDR_OPTS_MAX"
#endif

/* The longest proxyauth= (or proxyauthfile='s text) taken, in bytes. */
#define SIDE_PROXY_AUTH_MAX	512

/* What an option does to a side, of a row of addr-opts.h. */
enum side_how {
	SH_NONE,		/* nothing here: read where it is used */
	SH_FLAG,		/* an int, 0 or 1 */
	SH_TEXT,		/* a const char *, the value */
	SH_INT,			/* an int, in decimal */
	SH_OCTAL,		/* an int, in octal */
	SH_BYTE,		/* an int, 27 or 0x1b */
	SH_SIZE,		/* a long long */
	SH_OFFSET,		/* a long long, as 100, 0x74420 or -10 */
	SH_MS,			/* seconds, as a long long of milliseconds
				   (at least 1: a time given is one) */
	SH_TLSVER,		/* an int, addr_tls_version_parse()'s */
	SH_FN,			/* the row's function does it */
	SH_TTY,			/* a change of a terminal's modes, of its */
	SH_TTYV,		/* flags (0 or 1) or c_cc[], or a value in
				   its mask (side_opts_tty()) */
};
#define SH_IS_TTY(how)	((how) == SH_TTY || (how) == SH_TTYV)

static side_opt_fn side_opt_verify, side_opt_capath, side_opt_secret,
    side_opt_proxy, side_opt_unlink_close, side_opt_fork, side_opt_max_children,
    side_opt_forever, side_opt_interval, side_opt_shut_none, side_opt_v6only,
    side_opt_socktype;

/*
 * Each option's row (addr-opts.h, which the codec reads too): the name
 * it is stored under, and what it does to a side: a member set (where,
 * how and its size, which debug builds check against how) or a function.
 */
static const struct side_opt {
	const char	*is;
	enum side_how	 how;
	size_t		 off;
	size_t		 size;		/* 0: the row sets no member */
	side_opt_fn	*fn;
	unsigned int	 mask;		/* SH_TTY's and SH_TTYV's */
	unsigned int	 bits;
} side_opts[] = {
#define F(m, how)	SH_##how, offsetof(struct side, m), \
			    sizeof(((struct side *)NULL)->m), NULL, 0, 0
#define S(fn)		SH_FN, 0, 0, fn, 0, 0
#define R		SH_NONE, 0, 0, NULL, 0, 0
#define A		SH_NONE, 0, 0, NULL, 0, 0
#define T(f, m, b)	SH_TTY, TTY_##f, 0, NULL, m, b
#define TV(f, m)	SH_TTYV, TTY_##f, 0, NULL, m, 0
#define TTY_I		TTY_IFLAG
#define TTY_O		TTY_OFLAG
#define TTY_C		TTY_CFLAG
#define TTY_L		TTY_LFLAG
#define OPT(name, is, type, needs, set)	{ is, set },
#define OPTCL(name, is, type, needs, set, ...)	{ is, set },
#include "codec/addr-opts.h"
#undef OPTCL
#undef OPT
#undef TTY_L
#undef TTY_C
#undef TTY_O
#undef TTY_I
#undef TV
#undef T
#undef A
#undef R
#undef S
#undef F
};

/* The milliseconds of SECONDS, at least min. */
static long long
side_ms(const char *v, long long min)
{
	long long	 ms = parse_time_ms_up(strtod(v, NULL) * 1000);

	return (ms < min ? min : ms);
}

/*
 * Add the terminal modes a's options say, in the order written, as socat
 * makes them (rawer,echo=1 echoes; echo=1,rawer does not).  Returns -1
 * with *cause set.
 */
static int
side_opts_tty(struct side *sd, const struct addr *a, char **cause)
{
	const struct side_opt	*o;
	unsigned int		 v, bits, shift;
	size_t			 i;

	for (i = 0; i < a->nopts; i++) {
		for (o = side_opts; o < side_opts + nitems(side_opts); o++) {
			if (SH_IS_TTY(o->how) &&
			    strcmp(o->is, a->opts[i].name) == 0)
				break;
		}
		if (o == side_opts + nitems(side_opts))
			continue;
		v = (unsigned int)strtoul(a->opts[i].value, NULL, 0);
		if (o->how == SH_TTY)
			bits = o->off == TTY_CC ? v : v ? o->bits : 0;
		else {
			/* A value in its mask: crdly=2, csize=0 to 3. */
			shift = (unsigned int)__builtin_ctz(o->mask);
			bits = v << shift;
			if ((bits & ~o->mask) != 0 || bits >> shift != v) {
				log_cause(cause, "option %s takes 0 to %u",
				    o->is, o->mask >> shift);
				return (-1);
			}
		}
		/* A change for each option written, at most: never full. */
		if (tty_want_add(&sd->local.tty, (enum tty_field)o->off,
		    o->mask, bits, o->is) == -1) {
			log_cause(cause, "%s", strerror(errno));
			return (-1);
		}
	}
	return (0);
}

/*
 * Set in sd what each option of a says, row by row.  Returns -1 with
 * *cause set.
 */
static int
side_opts_apply(struct side *sd, const struct addr *a, char **cause)
{
	const struct side_opt	*o;
	const char		*v;
	char			*f;

	for (o = side_opts; o < side_opts + nitems(side_opts); o++) {
		/* A terminal's: side_opts_tty(), in the order written. */
		if (o->how == SH_NONE || SH_IS_TTY(o->how) ||
		    (v = addr_opt(a, o->is)) == NULL)
			continue;
		f = (char *)sd + o->off;
#ifdef SC_DEBUG
		if (o->how != SH_FN && o->size != (o->how == SH_TEXT ?
		    sizeof(char *) : o->how == SH_SIZE || o->how == SH_MS ||
		    o->how == SH_OFFSET ?
		    sizeof(long long) : sizeof(int)))
			fatalx("option %s: its member is no %d's", o->is,
			    (int)o->how);
#endif
		switch (o->how) {
		case SH_FLAG:
			*(int *)f = strcmp(v, "1") == 0;
			break;
		case SH_TEXT:
			*(const char **)f = v;
			break;
		case SH_INT:
			*(int *)f = atoi(v);
			break;
		case SH_OCTAL:
			*(int *)f = (int)strtol(v, NULL, 8);
			break;
		case SH_BYTE:
			*(int *)f = (int)strtol(v, NULL, 0);
			break;
		case SH_SIZE:
			*(long long *)f = strtoll(v, NULL, 10);
			break;
		case SH_OFFSET:
			*(long long *)f = strtoll(v, NULL, 0);
			break;
		case SH_MS:
			*(long long *)f = side_ms(v, 1);
			break;
		case SH_TLSVER:
			*(int *)f = addr_tls_version_parse(v);
			break;
		case SH_FN:
			if (o->fn(sd, &(struct side_given){ a, o->is, v,
			    cause }) == -1)
				return (-1);
			break;
		case SH_NONE:
		case SH_TTY:
		case SH_TTYV:
			break;
		}
	}
	return (side_opts_tty(sd, a, cause));
}

/* verify=: of a wss:// address, its --ws-insecure too. */
static int
side_opt_verify(struct side *sd, const struct side_given *o)
{
	sd->tls.verify = strcmp(o->v, "1") == 0;
	if (o->a->kind == ADDR_WSS)
		sd->ws.insecure = !sd->tls.verify;
	return (0);
}

/* capath=: a directory that is not there would fail every peer, unsaid. */
static int
side_opt_capath(struct side *sd, const struct side_given *o)
{
	if (access(o->v, X_OK) == -1) {
		log_cause(o->cause, "capath %s: %s", o->v, strerror(errno));
		return (-1);
	}
	sd->tls.capath = o->v;
	return (0);
}

/*
 * secret=: this side's --secret code; a drawn code mistyped is refused
 * now, before any connection.
 */
static int
side_opt_secret(struct side *sd, const struct side_given *o)
{
	struct side_own	*own = sd->own;

	switch (secretcode_parse(o->v, own->secret)) {
	case 0:
		sd->tls.secret = own->secret;
		sd->tls.secret_own = 0;
		break;
	case 1:
		sd->tls.secret = o->v;
		sd->tls.secret_own = 1;
		break;
	default:
		log_cause(o->cause, "the code does not match: check it");
		return (-1);
	}
	sd->tls.secret_peer = NULL;
	return (0);
}

/* The side's own proxy, its hops[0], in place of the command line's chain. */
static void
side_proxy_own(struct side *sd)
{
	struct side_own	*own = sd->own;

	own->proxy = 1;
	sd->proxy.nhops = 1;
	sd->proxy.proto = sd->proxy.hops[0].proto;
	sd->proxy.host = sd->proxy.hops[0].host;
	sd->proxy.port = sd->proxy.hops[0].port;
	sd->proxy.user = sd->proxy.hops[0].user;
	sd->proxy.pass = sd->proxy.hops[0].pass;
}

/*
 * socks4:, socks4a:, socks5:: the address's own proxy, at socksport (1080
 * unless said); socksuser= is a SOCKS4 request's user ID.  Returns -1
 * with *cause set.
 */
static int
side_socks(struct side *sd, const struct addr *a, char **cause)
{
	const char	*port, *user;
	char		 url[PROXY_URL_MAX];

	if ((port = addr_opt(a, "socksport")) == NULL)
		port = "1080";
	snprintf(url, sizeof(url), strchr(a->proxy, ':') != NULL ?
	    "%s://[%s]:%s" : "%s://%s:%s", url_proxy_scheme(sd->proxy_kind),
	    a->proxy, port);
	if (side_proxy_hop_parse(&sd->proxy.hops[0], sd->proxy_kind, url,
	    cause) == -1)
		return (-1);
	if ((user = addr_opt(a, "socksuser")) != NULL) {
		if ((sd->proxy.hops[0].user = strdup(user)) == NULL) {
			side_proxy_hop_free(&sd->proxy.hops[0]);
			log_cause(cause, "%s", strerror(ENOMEM));
			return (-1);
		}
		sd->proxy.hops[0].owned = 1;
	}
	side_proxy_own(sd);
	return (0);
}

/*
 * socat's proxyauth=USER:PASSWORD, or proxyauthfile='s first line: the
 * credentials of hop h, which owns them, sent as socat does (Basic, the
 * file's bytes as they are) with the first request and for a 407.
 * Returns -1 with *cause set.
 */
static int
side_proxy_auth(struct side *sd, struct proxy_hop *h, const struct addr *a,
    char **cause)
{
	const char	*v, *path;
	char		 buf[SIDE_PROXY_AUTH_MAX + 1], *colon, *text;
	size_t		 n;
	int		 rv = -1;

	if ((v = addr_opt(a, "proxyauth")) != NULL) {
		if (strlcpy(buf, v, sizeof(buf)) >= sizeof(buf)) {
			log_cause(cause, "proxyauth: longer than %d bytes",
			    SIDE_PROXY_AUTH_MAX);
			goto out;
		}
	} else if ((path = addr_opt(a, "proxyauthfile")) != NULL) {
		if ((text = path_read(path, SIDE_PROXY_AUTH_MAX, &n)) == NULL) {
			if (errno == EFBIG)
				log_cause(cause, "%s: longer than %d bytes",
				    path, SIDE_PROXY_AUTH_MAX);
			else
				log_cause(cause, "%s: %s", path,
				    strerror(errno));
			return (-1);
		}
		strlcpy(buf, text, sizeof(buf));
		freezero(text, n);
	} else
		return (0);
	if ((h->basic = strdup(buf)) == NULL) {
		log_cause(cause, "%s", strerror(errno));
		goto out;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if ((colon = strchr(buf, ':')) == NULL) {
		log_cause(cause, "proxyauth: not USER:PASSWORD");
		goto out;
	}
	*colon = '\0';
	if ((h->user = strdup(buf)) == NULL ||
	    (h->pass = strdup(colon + 1)) == NULL) {
		free((char *)h->user);
		h->user = NULL;
		log_cause(cause, "%s", strerror(errno));
		goto out;
	}
	h->owned = 1;
	sd->proxy.user = h->user;
	sd->proxy.pass = h->pass;
	rv = 0;
out:
	if (rv == -1 && h->basic != NULL) {
		freezero(h->basic, strlen(h->basic));
		h->basic = NULL;
	}
	explicit_bzero(buf, sizeof(buf));
	return (rv);
}

/*
 * Set what a's kind makes sd: its socket's family and type, listening,
 * TLS, WebSocket.  -4 and -6 still choose among IP addresses.
 */
static void
side_kind(struct side *sd, const struct addr *a)
{
	const struct addr_desc	*k = addr_desc(a->kind);
	int			 ip;

	ip = sd->sock.family == AF_INET || sd->sock.family == AF_INET6;
	sd->kind = k->side;
	sd->listen = a->listen;
	sd->tls.on = (k->is & KIND_TLS) != 0;
	sd->ws.on = (k->is & KIND_WS) != 0;
	sd->sock.vsock = (k->is & KIND_VSOCK) != 0;
	sd->sock.socktype = (k->is & KIND_DGRAM) || ((k->is & KIND_LOCAL) &&
	    a->dgram) ? SOCK_DGRAM : SOCK_STREAM;
	sd->sock.family = (k->is & KIND_LOCAL) ? AF_UNIX : ip ?
	    sd->sock.family : AF_UNSPEC;
	sd->proxy_kind = k->proxy;
	/*
	 * socat's *-RECVFROM: and *-RECV: hear every peer, as -k's datagram
	 * listener does (a program's pair says again: fork's).
	 */
	sd->keep = a->anypeer;
	sd->recv_only = a->recv_only;
	sd->sendto = a->sendto;
	/* socat's *-RECVFROM: serves one datagram (per child, with fork). */
	sd->dgram_once = a->anypeer && !a->recv_only;
	/*
	 * socat's shut-null and null-eof (an empty datagram is the end) and
	 * shut-none (the end is not said) are the address's to say.
	 */
	sd->shut_null = sd->shut_none = sd->null_eof = 0;
	sd->unix_either = a->either;
}

#ifdef SC_DEBUG
/*
 * The name of the F() row of addr-opts.h that writes the member of struct
 * side at off, or NULL: the option table's check that an option both
 * spellings write is one row.
 */
__startup const char *
side_opt_member(size_t off)
{
	const struct side_opt	*o;

	for (o = side_opts; o < side_opts + nitems(side_opts); o++) {
		if (o->size != 0 && o->off == off)
			return (o->is);
	}
	return (NULL);
}
#endif

/* Is a's boolean option name given and 1? */
int
side_flag(const struct addr *a, const char *name)
{
	const char	*v = addr_opt(a, name);

	return (v != NULL && strcmp(v, "1") == 0);
}

/*
 * fork: a socat listener serves one client unless it says fork, as
 * socat's; a dialled side's fork is carried out where its pair says.
 */
static int
side_opt_fork(struct side *sd, const struct side_given *o)
{
	sd->once = strcmp(o->v, "0") == 0;
	sd->fork = !sd->once;
	sd->dial_fork = !o->a->listen && !sd->once;
	return (0);
}

/*
 * max-children=N: at most N clients at once, the others waiting in the
 * backlog, as socat accepts none until a child has ended.
 */
static int
side_opt_max_children(struct side *sd, const struct side_given *o)
{
	if (sd->once) {
		log_cause(o->cause, "option max-children not allowed without "
		    "option fork");
		return (-1);
	}
	sd->gate.max_conns = atoi(o->v);
	sd->gate.full_wait = 1;
	return (0);
}

/* socat's forever: a dialled side's --retry forever. */
static int
side_opt_forever(struct side *sd, const struct side_given *o)
{
	if (strcmp(o->v, "1") == 0)
		sd->retries = RETRY_FOREVER;
	return (0);
}

/* socat's interval=SECONDS: --retry-interval, RETRY_MIN_MS at least. */
static int
side_opt_interval(struct side *sd, const struct side_given *o)
{
	sd->retry_ms = side_ms(o->v, RETRY_MIN_MS);
	return (0);
}

/* shut-none: the end not said, but for shut-null's empty datagram. */
static int
side_opt_shut_none(struct side *sd, const struct side_given *o)
{
	sd->shut_none = strcmp(o->v, "1") == 0 && !sd->shut_null;
	return (0);
}

/* ipv6only=: 1 on, 2 off (0: as the system has it, when not given). */
static int
side_opt_v6only(struct side *sd, const struct side_given *o)
{
	sd->sock.v6only = strcmp(o->v, "1") == 0 ? 1 : 2;
	return (0);
}

/*
 * unlink-close: a file or bound socket file removed at the end (1) or kept
 * (0).
 */
static int
side_opt_unlink_close(struct side *sd, const struct side_given *o)
{
	sd->sock.unix_keep = strcmp(o->v, "0") == 0;
	sd->local.unlink_close = strcmp(o->v, "1") == 0;
	return (0);
}

/*
 * socat's so-type= of a Unix stream socket: 1, a stream, or 5,
 * SOCK_SEQPACKET, whose messages the pump carries as a stream's bytes (a
 * stream everywhere but where the socket is made).
 */
static int
side_opt_socktype(struct side *sd, const struct side_given *o)
{
	const char	*v = o->v;

	if (sd->sock.socktype != SOCK_STREAM || (strcmp(v, "1") != 0 &&
	    strcmp(v, "5") != 0)) {
		log_cause(o->cause, "so-type=%s: a Unix stream socket's is 1 "
		    "(a stream) or 5 (SOCK_SEQPACKET)", v);
		return (-1);
	}
	sd->sock.seqpacket = strcmp(v, "5") == 0;
	return (0);
}

/*
 * proxy=: the side's own HTTP proxy in place of the command line's chain,
 * with socat's proxy-resolve and proxyauth= or proxyauthfile=.
 */
static int
side_opt_proxy(struct side *sd, const struct side_given *o)
{
	const char	*v = o->v, *r;
	char		*why;

	if (side_proxy_hop_parse(&sd->proxy.hops[0], PROXY_HTTP, v,
	    &why) == -1) {
		sd->proxy.nhops = 0;
		log_cause(o->cause, "proxy %s: %s", v, why);
		free(why);
		return (-1);
	}
	side_proxy_own(sd);
	if ((r = addr_opt(o->a, "proxy-resolve")) != NULL)
		sd->proxy.dns = strcmp(r, "1") == 0 ? PROXY_DNS_LOCAL :
		    PROXY_DNS_REMOTE;
	return (side_proxy_auth(sd, &sd->proxy.hops[0], o->a, o->cause));
}

/*
 * socat's ACCEPT-FD:N: serve the listening socket N passed to us, at its
 * own family and address, as --listen-fd does (activate_use()).
 * Returns -1 with *cause set.
 */
static int
side_accept_fd(struct side *sd, const struct addr *a, char **cause)
{
	struct side_own	*own = sd->own;
	socklen_t	 len;
	int		 fd = atoi(a->path), af;

	len = sizeof(af);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &af, &len) == -1 ||
	    activate_addr(fd, &own->passed, &own->port) == -1) {
		log_cause(cause, "descriptor %d: %s", fd, errno == ENOTSOCK ?
		    "not a socket" : strerror(errno));
		return (-1);
	}
	sd->sock.listen_fd = fd;
	sd->sock.family = af == AF_UNIX ? AF_UNIX : AF_UNSPEC;
	sd->host = own->passed;
	sd->nports = own->port != NULL;
	return (0);
}

/*
 * What a socket's address says besides its options: family, source, a
 * socket passed; a socat listener serves one client unless it says fork.
 * Returns -1 with *cause set.
 */
static int
side_socket_kind(struct side *sd, const struct addr *a, char **cause)
{
	if (side_flag(a, "accept-fd") && side_accept_fd(sd, a, cause) == -1)
		return (-1);
	if (a->family != 0)
		sd->sock.family = a->family == 4 ? AF_INET : AF_INET6;
	if (a->src != NULL && !a->datagram)
		sd->sock.source = a->src;
	if (a->srcport != NULL && !a->datagram)
		sd->sock.source_port = a->srcport;
	sd->once = dialect_of(a)->listen_once && a->listen;
	sd->dial_fork = 0;
	sd->perm = -1;
	sd->unlink_early = sd->crlf = sd->append = 0;
	return (0);
}

/*
 * Parse socat's "R!!W" text into sd (R, read from) and its wside (W,
 * written to), bang the offset of "!!".  Returns -1 with *cause set,
 * nothing held.
 */
static int
side_parse_dual(struct side *sd, const struct side *dflt, const char *text,
    int bang, char **cause)
{
	struct side_own	*own;
	struct side	*w;
	char		*r;

	if ((r = strndup(text, bang)) == NULL ||
	    (w = calloc(1, sizeof(*w))) == NULL) {
		free(r);
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	if (side_parse(sd, dflt, r, cause) == -1) {
		free(r);
		free(w);
		return (-1);
	}
	free(r);
	if (side_parse(w, dflt, text + bang + 2, cause) == -1) {
		free(w);
		side_free(sd);
		return (-1);
	}
	own = sd->own;
	own->wside = w;
	sd->wside = w;
	/* A receiver of every peer (UDP-RECV:) is read alone: R it may be. */
	if ((sd->listen && !sd->recv_only) || w->listen ||
	    sd->wside->wside != NULL)
		log_cause(cause, "a listener in a dual (!!) address is not "
		    "supported");
	else if (side_is_line(sd) && side_is_line(w))
		log_cause(cause, "a dual (!!) address of two lines is not "
		    "supported");
	else {
		/* Messages name the whole of it. */
		free(own->text);
		if ((own->text = strdup(text)) != NULL) {
			addr_hide_secret(own->text);
			sd->text = own->text;
			return (0);
		}
		log_cause(cause, "%s", strerror(errno));
	}
	side_free(sd);
	return (-1);
}

/*
 * Set where a's side sd is: its host and port as its kind says them (a
 * Unix path, a WebSocket URL's).  Returns -1 with *cause set.
 */
static int
side_where(struct side *sd, const struct addr *a, char **cause)
{
	struct side_own	*own = sd->own;
	char		*port = (char *)a->port;

	/*
	 * socat's UDP-DATAGRAM: a datagram listener, bound where bind= says
	 * (any port unless it says), every peer heard, its address the one
	 * sent to.
	 */
	sd->dgram_to = sd->dgram_to_port = NULL;
	if (a->datagram) {
		sd->listen = 1;
		sd->keep = 1;
		sd->dgram_to = a->host;
		sd->dgram_to_port = a->port;
		sd->host = a->src;
		port = (char *)(a->srcport != NULL ? a->srcport : "0");
	}
	switch (a->kind) {
	case ADDR_UNIX:
	case ADDR_UNIX_L:
		/* A Unix-domain socket's path is its host, as with -U. */
		sd->host = a->path;
		break;
	case ADDR_WS:
	case ADDR_WSS:
		if (side_ws_url(sd, a->url, &own->ws_host, &port, &own->ws_path,
		    &own->ws_auth, cause) == -1)
			return (-1);
		if (own->ws_auth != NULL) {
			sd->ws.headers = &own->ws_auth;
			sd->ws.nheaders = 1;
		}
		/* FALLTHROUGH */
	case ADDR_WS_L:
		/* Bytes, each read one message: no lines to find. */
		sd->ws.binary = 1;
		break;
	default:
		break;
	}
	if (port != NULL && (own->port = strdup(port)) == NULL) {
		log_cause(cause, "%s", strerror(ENOMEM));
		return (-1);
	}
	sd->nports = port != NULL;
	return (0);
}

/*
 * Parse address text into sd, starting from dflt (the command line's
 * settings), its options over them; what sd points to is its own until
 * side_free().  Returns -1 with *cause set (the caller names the address).
 */
int
side_parse(struct side *sd, const struct side *dflt, const char *text,
    char **cause)
{
	struct side_own	*own;
	struct addr	*a;
	const char	*errstr;
	int		 bang;

	*cause = NULL;
	if (dflt->dialect->dual != NULL &&
	    (bang = dflt->dialect->dual(text)) != -1)
		return (side_parse_dual(sd, dflt, text, bang, cause));
	if ((own = calloc(1, sizeof(*own))) == NULL) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	a = &own->a;
	if (dflt->dialect->parse(text, a, &errstr) == -1) {
		log_cause(cause, "%s", errstr);
		free(own);
		return (-1);
	}
	*sd = *dflt;
	sd->own = own;
	sd->tls.ctx = NULL;
	if ((own->text = strdup(text)) == NULL) {
		log_cause(cause, "%s", strerror(ENOMEM));
		goto fail;
	}
	/* Parsed: what is shown of the address keeps its code from view. */
	addr_hide_secret(own->text);
	sd->text = own->text;
	sd->ports = &own->port;
	sd->host = a->host;
	sd->path = a->path;
	sd->sock.listen_fd = -1;
	side_kind(sd, a);
	if (side_where(sd, a, cause) == -1)
		goto fail;
	/* socat's TLS: its ciphers unless said, a name that is an address. */
	if (sd->tls.on && sd->tls.ciphers == NULL)
		sd->tls.ciphers = dialect_of(a)->tls_ciphers;
	sd->tls.cn_addr = dialect_of(a)->tls_cn_addr;
	sd->tls.trust_socat = dialect_of(a)->tls_trust_socat;
	if ((sd->proxy_kind != 0 && side_socks(sd, a, cause) == -1) ||
	    side_socket_kind(sd, a, cause) == -1 ||
	    side_local_kind(sd, a, cause) == -1)
		goto fail;
	/* Its options, then what they may not say together. */
	if (side_opts_apply(sd, a, cause) == -1 ||
	    side_local_check(sd, a, cause) == -1)
		goto fail;
	if (a->speed != NULL)
		sd->speed = strtoul(a->speed, NULL, 10);
	return (0);

fail:
	side_free(sd);
	return (-1);
}

/* Is sd a terminal line of its own: serial: or pty:? */
int
side_is_line(const struct side *sd)
{
	return (sd->kind == SIDE_SERIAL || sd->kind == SIDE_PTY);
}

/* Free what side_parse() made for sd; the command line's side has none. */
void
side_free(struct side *sd)
{
	struct side_own	*own = sd->own;

	if (own == NULL)
		return;
	if (own->proxy)
		side_proxy_hop_free(&sd->proxy.hops[0]);
	if (own->wside != NULL) {
		side_free(own->wside);
		free(own->wside);
	}
	sd->wside = NULL;
	if (own->gate)
		gate_clear(&sd->gate);
	tls_ctx_free(sd->tls.ctx);
	free(own->port);
	free(own->passed);
	free(own->ws_path);
	if (own->ws_auth != NULL)
		freezero(own->ws_auth, strlen(own->ws_auth));
	free(own->ws_host);
	free(own->text);
	explicit_bzero(own->secret, sizeof(own->secret));
	free(own);
	sd->own = NULL;
}
