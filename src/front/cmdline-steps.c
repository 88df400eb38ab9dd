/*
 * The steps between the conflict table's rows (cmdline-check.c): what the
 * options mean together, worked out once the rows before have refused what
 * cannot go together.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <linux/vm_sockets.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* --proxy-auth's value, kept out of the command line. */
#define PROXY_AUTH_ENV	"SOCKCAT_PROXY_AUTH"

/* A quit timer also tells the peer about stdin's end (Debian). */
__startup void
step_quit(struct cmdline *cl)
{
	const struct options	*o = cl->o;

	/*
	 * Not to a WebSocket server: its close frame is no half-close, the
	 * peer stops sending too, so the replies the quit timer waits for
	 * would be lost.  The close goes when the timer ends the session.
	 */
	if (o->flow.quit_ms != TIME_NONE &&
	    (o->side.ws.path == NULL || o->side.listen))
		cl->o->flow.shut_net = 1;
}

/*
 * SOCKCAT_PROXY_AUTH as --proxy-auth when the command line gives none; the
 * variable is removed so that no program we start sees it.
 */
static void
proxy_auth_env(struct cmdline *cl)
{
	struct options	*o = cl->o;
	char		*copy;

	if ((copy = secret_env_take(PROXY_AUTH_ENV)) == NULL)
		return;
	if (*copy != '\0' && o->side.proxy.user == NULL &&
	    (cl->nproxy == 1 || (o->side.listen && cl->proxy_type)))
		opt_proxy_auth(cl, NULL, copy);
	freezero(copy, strlen(copy));
}

/* May -x's argument be ncat's -x FILE (neither a URL nor an address)? */
static int
proxy_may_be_file(const char *arg)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *p;
	struct in6_addr	 a;

	if (url_proxy_is(arg, strlen(arg)))
		return (0);
	/* Longer than any address with its port. */
	if (strlcpy(buf, arg[0] == '[' ? arg + 1 : arg, sizeof(buf)) >=
	    sizeof(buf))
		return (1);
	/* "[v6]:port", "v4:port": the address before the port. */
	if ((p = strchr(buf, ']')) != NULL ||
	    ((p = strchr(buf, ':')) != NULL && strchr(p + 1, ':') == NULL))
		*p = '\0';
	return (inet_pton(AF_INET, buf, &a) != 1 &&
	    inet_pton(AF_INET6, buf, &a) != 1);
}

/*
 * Read the i-th -x: a URL's type and credentials, or -X's type and -P's or
 * --proxy-auth's when it is the only one.
 */
static void
proxy_hop(struct cmdline *cl, size_t i)
{
	struct options	*o = cl->o;
	const char	*arg = cl->proxy[i];
	char		*cause;

	/* An address's errors are in nc's words, alone. */
	if (side_proxy_hop_parse(&o->side.proxy.hops[i], o->side.proxy.proto,
	    arg, &cause) == -1) {
		if (!url_proxy_is(arg, strlen(arg)))
			fatalx("%s", cause);
		fatalx("proxy %zu (-x): %s", i + 1, cause);
	}
	/* A URL's port is checked; nc's HOST:PORT goes to the resolver. */
	if (!url_proxy_is(arg, strlen(arg)))
		opt_port_check("proxy ", o->side.proxy.hops[i].port, 1);
	/*
	 * TLS to a proxy is over its socket: the first hop's.  Ours to the
	 * destination would be inside it, which no TLS of ours can be.
	 */
	if (o->side.proxy.hops[i].tls && i > 0)
		fatalx("proxy %zu (-x): only the first proxy may be https://",
		    i + 1);
	if (o->side.proxy.hops[i].tls && o->side.tls.on)
		fatalx("proxy %zu (-x): cannot use --ssl or wss:// through an "
		    "https:// proxy (TLS inside TLS)", i + 1);
}

/* Free what proxy_hop() made for each -x of the chain pc. */
void
step_proxy_free(struct proxy_conf *pc)
{
	size_t	 i;

	for (i = 0; i < pc->nhops; i++)
		side_proxy_hop_free(&pc->hops[i]);
	pc->nhops = 0;
}

/* -x: a client's proxy or chain; with -l --proxy-type, be the proxy. */
__startup void
step_proxy(struct cmdline *cl)
{
	struct options	*o = cl->o;
	size_t		 i;

	proxy_auth_env(cl);
	if (cl->nproxy > 0) {
		if (o->side.sock.socktype == SOCK_DGRAM)
			fatalx("no proxy support for UDP mode");
		/*
		 * A forwarder's targets may be behind the proxy.  ncat's -x
		 * FILE (with -l, a server's hex dump) is said after nc's
		 * words, unless the name is an address.
		 */
		if (o->side.listen && o->fwd.n == 0)
			fatalx("no proxy support for listen%s",
			    proxy_may_be_file(cl->proxy[0]) ? " (ncat's -x "
			    "FILE is --hex-dump FILE)" : "");
		if (o->side.sock.family == AF_UNIX)
			fatalx("no proxy support for unix sockets");
		if (o->side.sock.source != NULL)
			fatalx("no proxy support for local source address");
		if (o->side.sock.vsock)
			fatalx("no proxy support for VSOCK");
		/* -P and --proxy-auth are one proxy's credentials. */
		if (cl->nproxy > 1 && o->side.proxy.user != NULL)
			fatalx("-P and --proxy-auth name one proxy's "
			    "credentials: with several -x, give each in its "
			    "URL (socks5://user:pass@host:port)");
		if (o->side.proxy.proto == PROXY_NONE)
			o->side.proxy.proto = PROXY_SOCKS5;
		for (i = 0; i < cl->nproxy; i++) {
			proxy_hop(cl, i);
			/* A server cannot stop to ask for a password. */
			if (o->fwd.n > 0 && cl->nproxy > 1 &&
			    o->side.proxy.hops[i].user != NULL &&
			    o->side.proxy.hops[i].pass == NULL)
				fatalx("--forward through a proxy needs its "
				    "password: %s", o->side.proxy.hops[i].label);
		}
		o->side.proxy.nhops = cl->nproxy;
		/*
		 * An -x that does not resolve may be ncat's file, or socat's
		 * -x (its dump) before an address.
		 */
		if (addr_socat_written(cl->proxy[0]))
			o->side.proxy.name_way = " (socat's -x is --hex-dump "
			    "FILE here; " SOCAT_NAME_HINT ")";
		else if (!url_proxy_is(cl->proxy[0], strlen(cl->proxy[0])))
			o->side.proxy.name_way = " (ncat's -x FILE is "
			    "--hex-dump FILE)";
		/* The first hop is what a single -x always set. */
		o->side.proxy.proto = o->side.proxy.hops[0].proto;
		o->side.proxy.host = o->side.proxy.hops[0].host;
		o->side.proxy.port = o->side.proxy.hops[0].port;
		if (o->side.proxy.hops[0].user != NULL) {
			o->side.proxy.user = o->side.proxy.hops[0].user;
			o->side.proxy.pass = o->side.proxy.hops[0].pass;
			cl->auth_nopass = 0;
		}
	} else if (o->side.listen && cl->proxy_letter && !cl->proxy_type)
		fatalx("-X is the protocol of -x's proxy, which a listener has "
		    "none of: --proxy-type socks5 or http makes it a proxy "
		    "server");
	else if (o->side.listen && cl->proxy_type) {
		if (o->side.sock.socktype == SOCK_DGRAM)
			fatalx("no proxy support for UDP mode");
		if (o->side.proxy.proto != PROXY_SOCKS5 &&
		    o->side.proxy.proto != PROXY_HTTP)
			fatalx("a proxy server speaks socks5 or http");
		o->proxy_serve = 1;
	}
}

/* Fill peer with the forwarder's outbound settings, each target's start. */
static __startup void
forward_peer(const struct options *o, struct side *peer)
{
	*peer = o->side;
	peer->listen = 0;
	peer->keep = 0;
	peer->sock.source = NULL;
	peer->sock.source_port = NULL;
	peer->sock.listen_fd = -1;
	peer->sock.reuseport = 0;
	if (peer->sock.family == AF_UNIX)
		peer->sock.family = AF_UNSPEC;
	peer->tls = o->fwd.tls;
	memset(&peer->ws, 0, sizeof(peer->ws));
	peer->ws.max_message = o->side.ws.max_message;
	peer->ws.ping_ms = o->side.ws.ping_ms;
	peer->ws.pong_ms = o->side.ws.pong_ms;
	peer->ws.messages = o->side.ws.messages;
	/* Many connections: each WebSocket message compressed afresh. */
	peer->ws.fresh = 1;
}

/* --vsock: the CID and the port are numbers (or the CID's names). */
__startup void
step_vsock(struct cmdline *cl)
{
	struct options		*o = cl->o;
	struct sockaddr_vm	 svm;
	char			*cause = NULL;
	size_t			 i;

	if (!o->side.sock.vsock)
		return;
	if (!o->side.listen && o->side.host == NULL)
		fatalx("--vsock: missing CID");
	for (i = 0; i < o->side.nports; i++) {
		if (vsock_addr(o->side.host, o->side.ports[i], o->side.listen, &svm,
		    &cause) == -1)
			fatalx("%s", cause);
	}
}

/* --retry-interval's default. */
__startup void
step_retry(struct cmdline *cl)
{
	if (cl->o->side.retry_ms == TIME_NONE)
		cl->o->side.retry_ms = RETRY_DEFAULT_MS;
}

/* Read each --forward target into a side of its own, once. */
static __startup void
forward_sides(struct options *o)
{
	struct side	*sd;
	char		*cause;
	size_t		 i;

	/* An address pair's target is read already. */
	if (o->fwd.n == 0 || o->fwd.sides != NULL)
		return;
	forward_peer(o, &o->fwd.peer);
	if ((o->fwd.sides = calloc(o->fwd.n, sizeof(*o->fwd.sides))) == NULL)
		fatal("calloc");
	for (i = 0; i < o->fwd.n; i++) {
		sd = &o->fwd.sides[i];
		if (forward_target(sd, &o->fwd, o->fwd.targets[i],
		    &cause) == -1) {
			if (o->fwd.lines != NULL && o->fwd.lines[i] != 0)
				fatalx("%s, line %zu: %s: %s", o->fwd.file,
				    o->fwd.lines[i], o->fwd.targets[i], cause);
			fatalx("--forward %s: %s", o->fwd.targets[i], cause);
		}
	}
}

/* Do paths a and b name one inode (1), another (0), or is one not there? */
static int
same_inode(const char *a, const char *b)
{
	struct stat	 sa, sb;

	if (stat(a, &sa) == -1 || stat(b, &sb) == -1)
		return (-1);
	return (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/*
 * Do paths a and b name one file: one inode, or, for a file not made yet,
 * one name in one directory?
 */
static int
same_file(const char *a, const char *b)
{
	const char	*na, *nb;
	char		*da, *db;
	int		 same;

	if ((same = same_inode(a, b)) != -1)
		return (same);
	na = (na = strrchr(a, '/')) != NULL ? na + 1 : a;
	nb = (nb = strrchr(b, '/')) != NULL ? nb + 1 : b;
	if (strcmp(na, nb) != 0)
		return (0);
	if (asprintf(&da, "%.*s.", (int)(na - a), a) == -1 ||
	    asprintf(&db, "%.*s.", (int)(nb - b), b) == -1)
		fatal("asprintf");
	same = same_inode(da, db) == 1;
	free(da);
	free(db);
	return (same);
}

/*
 * Does --record's pattern put the session's number in the name: a %n,
 * not the '%' and 'n' that "%%n" writes?  Else its one file's name, "%%"
 * made '%', in *one (NULL: not asked).
 */
static __startup int
record_numbered(const char *pattern, char **one)
{
	const char	*p;
	char		*q;

	for (p = pattern; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'n')
			return (1);
		if (p[0] == '%' && p[1] == '%')
			p++;
	}
	if (one == NULL)
		return (0);
	if ((*one = q = strdup(pattern)) == NULL)
		fatal("strdup");
	for (p = pattern; *p != '\0'; p++) {
		*q++ = *p;
		if (p[0] == '%' && p[1] == '%')
			p++;
	}
	*q = '\0';
	return (0);
}

/*
 * A server of many sessions (-k, a pair's listener that serves each
 * client, the relay) records each in a file of its own: one file would
 * hold the last.  Exits with a line.  Asked of --record once the served
 * side is known, a pair's too.
 */
__startup void
record_many_check(const struct options *o)
{
	const char	*many;

	if (record_numbered(o->flow.record, NULL))
		return;
	if (o->relay)
		many = "--relay";
	else if (o->sd->keep)
		many = o->npair > 0 ? o->sd->text : "-k";
	else
		return;
	fatalx("--record %s: with %s, a file for each session: put %%n (its "
	    "number) in its name", o->flow.record, many);
}

/*
 * --record's one file (no %n) is not -o's or --hex-dump's: each would
 * write over the other's bytes.
 */
static __startup void
record_file_check(const struct options *o)
{
	char	*one;

	if (o->flow.record == NULL || record_numbered(o->flow.record, &one))
		return;
	if (o->output != NULL && same_file(o->output, one))
		fatalx("-o and --record name the same file: %s",
		    o->flow.record);
	if (o->hex_dump != NULL && same_file(o->hex_dump, one))
		fatalx("--hex-dump and --record name the same file: %s",
		    o->flow.record);
	free(one);
}

/*
 * The near end as a side: -e's or -c's program (with --pty, on a terminal),
 * else stdin and stdout or --fifo's.
 */
static __startup void
step_near(struct options *o)
{
	struct side	*n = &o->near_own;
	char		*cause = NULL;

	record_file_check(o);
	if (o->near != NULL)
		return;
	/* --replay: a side of its own, its options after commas. */
	if (o->replay != NULL) {
		if (asprintf(&o->replay_text, "replay:%s", o->replay) == -1)
			fatal("--replay");
		if (side_parse(&o->replay_side, &o->side, o->replay_text,
		    &cause) == -1)
			fatalx("--replay %s: %s", o->replay, cause != NULL ?
			    cause : strerror(errno));
		o->flow.shut_net = 1;
		opt_replay_setup(&o->replay_side, &o->side);
		o->near = &o->replay_side;
		return;
	}
	memset(n, 0, sizeof(*n));
	side_local_defaults(n);
	n->dialect = o->side.dialect;
	n->kind = o->local.exec != NULL ? SIDE_EXEC : SIDE_STDIO;
	n->path = o->local.exec;
	n->fifo = o->local.fifo;
	n->text = n->path != NULL ? n->path : "-";
	n->local.run = o->local.exec_shell ? RUN_SHELL : RUN_WORDS;
	n->local.pty = o->local.pty;
	o->near = n;
}

/* -r: the ports in random order, to dial or scan, as nc's build_ports(). */
static __startup void
step_shuffle(struct options *o)
{
	size_t	 i, j;
	char	*t;

	OPTIONS_TAKEN(randomize);
	for (i = o->side.nports; o->randomize && i > 1; i--) {
		j = arc4random_uniform(i);
		t = o->side.ports[i - 1];
		o->side.ports[i - 1] = o->side.ports[j];
		o->side.ports[j] = t;
	}
}

/*
 * What the layers of sd, a listener served beside near (the command line's
 * side and its near end, or a pair's socket and its other address), know
 * of the mode: a datagram listener's peers have sockets of their own with
 * a program (or a replay) for each, or DTLS; a program learns a WebSocket
 * request's variables.
 */
__startup void
step_served(const struct options *o, struct side *sd, const struct side *near)
{
	int	 each = near != NULL && near_each(sd, near);

	sd->dgram_peers = sd->tls.on || each;
	sd->ws.cgi = near != NULL && near->kind == SIDE_EXEC;
	/*
	 * A program for each datagram peer ends when its peer is quiet, as
	 * the forwarder's peer does: else each source port a stranger sends
	 * from would keep a process and a socket for good.
	 */
	if (each && sd->listen && sd->sock.socktype == SOCK_DGRAM &&
	    sd->sock.family != AF_UNIX && sd->gate.idle_ms == TIME_NONE &&
	    sd->timeout_ms == TIME_NONE && o->flow.idle_ms == TIME_NONE)
		sd->gate.idle_ms = GATE_PEER_IDLE_MS;
}

/*
 * The settings every side starts from, once every conflict is out of the
 * way; --proxy-auth USER without a terminal has an empty password, as
 * ncat's.
 */
__startup void
step_last(struct cmdline *cl)
{
	struct options	*o = cl->o;
	char		*cause = NULL;

	if (o->flow.no_shutdown)
		o->flow.shut_net = 0;
	/* -n after --allow or --deny NAME: refused as before it. */
	if (o->side.sock.numeric && o->side.gate.named != NULL)
		fatalx("cannot resolve %s: -n forbids name lookups",
		    o->side.gate.named);
	o->side.gate.numeric = o->side.sock.numeric;
	step_shuffle(o);
	/*
	 * nc's plain client says a refusal with -v only; its own modes,
	 * and the address pairs, do.
	 */
	o->side.say_refused = o->side.tls.on || o->side.ws.path != NULL || cl->proxy_own ||
	    cl->pair || o->side.reconnect;
	if (o->flow.recv_only)
		o->flow.no_stdin = 1;
	step_near(o);
	/* Only a listener's layers read what they learn (a client's none). */
	if (o->side.listen)
		step_served(o, &o->side, o->near);
	/*
	 * What else the side's layers need to know of the mode: a broker, a
	 * room and a relay take plain TCP clients beside WebSocket ones, and
	 * the room has a page.
	 */
	/* A plain TCP member could not say who it is: with --auth, none. */
	o->side.ws.plain_too = (o->broker || o->room || o->relay) &&
	    !auth_on(&o->side.auth);
	/* A relay's plain client speaks first: its request. */
	o->side.ws.plain_listens = o->side.ws.plain_too && !o->relay;
	/* A relay carries TLS's records, which do not compress. */
	if (o->relay)
		o->side.ws.no_compress = 1;
	o->side.ws.room_page = o->room;
	o->side.ws.fresh = o->broker || o->room || o->fwd.n > 0;
	/* --ws-static: a directory that cannot be opened is said now. */
	if (o->side.ws.static_dir != NULL &&
	    (o->side.ws.static_fd = ws_route_static_open(o->side.ws.static_dir,
	    &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	if (o->side.sock.dccp)
		o->side.sock.socktype = SOCK_DCCP;
	log_init(o->verbose);
	OPTIONS_TAKEN(verbose);
	DEBUG_CHECK(!cl->auth_nopass || (o->side.proxy.user != NULL &&
	    o->side.proxy.pass == NULL), "auth_nopass with a password");
	if (cl->auth_nopass && !o->side.listen && !isatty(STDIN_FILENO)) {
		o->side.proxy.pass = "";
		log_verbose_warn(1, "--proxy-auth without a password and stdin "
		    "is not a terminal: user \"%s\", empty password",
		    o->side.proxy.user);
	}
	/*
	 * Without TLS a Basic password or a token crosses the network as
	 * it is; Digest, which browsers and curl --digest prefer, does not.
	 */
	if (auth_on(&o->side.auth) && !o->side.tls.on)
		log_warnx("warning: --auth without --ssl: Basic passwords and "
		    "tokens cross the network in the clear");
	/* A single -x has -P's or --proxy-auth's credentials. */
	if (o->side.proxy.nhops == 1) {
		o->side.proxy.hops[0].user = o->side.proxy.user;
		o->side.proxy.hops[0].pass = o->side.proxy.pass;
	}
	/* The targets start from every setting above. */
	forward_sides(o);
}
