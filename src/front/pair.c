/*
 * "sockcat ADDRESS ADDRESS": each address read once into a side
 * (src/side/side.c), the pair given, in this process, to the mode that
 * joins their kinds: plain mode (a socket with stdio or a program), the
 * forwarder (two sockets, or a socket and a device) or the relay
 * (join_run(), the rest).  No side is written back as options to be read
 * again.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* A pair not supported: one line, status 1. */
static __dead void
pair_refuse(const struct options *o, const char *why)
{
	fatalx("%s %s: %s", o->pair[0].text, o->pair[1].text, why);
}

/*
 * Refuse socat's -T, -b, the dumps and the lock, which are the relay's,
 * where another program runs in sockcat's place (why says so).
 */
static __startup void
pair_no_relay(const struct options *o, const char *why)
{
	const char	*opt = NULL;

	if (o->flow.idle_ms != TIME_NONE)
		opt = "-T is";
	else if (o->flow.block != 0)
		opt = "-b is";
	else if (o->socat_dump != 0 || o->socat_ltor != NULL ||
	    o->socat_rtol != NULL)
		opt = "-v, -x, -r and -R are";
	else if (o->socat_locked)
		opt = "-L and -W are";
	if (opt != NULL)
		fatalx("%s %s: %s not supported here: %s", o->pair[0].text,
		    o->pair[1].text, opt, why);
}

/*
 * socat's SOCAT_DEFAULT_LISTEN_IP, "4" or "6": the family of an IP
 * listener that names none (socat's own default is IPv4).
 */
static __startup void
pair_listen_family(struct side *sd)
{
	const char	*ip = getenv("SOCAT_DEFAULT_LISTEN_IP");

	if (ip == NULL || (ip[0] != '4' && ip[0] != '6'))
		return;
	/* A listener whose address leaves its family open. */
	if (sd->kind != SIDE_SOCKET || !sd->listen || sd->sock.vsock)
		return;
	if (sd->sock.family == AF_UNSPEC)
		sd->sock.family = ip[0] == '6' ? AF_INET6 : AF_INET;
}

/*
 * What each kind of side is to a pair.  place orders the two: the socket
 * first, then a line (a serial line, a pty), then the end opened for each
 * session.
 */
enum pair_place { PLACE_SOCKET, PLACE_LINE, PLACE_NEAR };
static const struct pair_kind {
	enum pair_place	 place;
	int		 near;	/* opened for each session beside a socket */
	int		 local;	/* one the relay opens beside another */
	int		 opts;	/* its opener carries out its own options
				   beside a socket */
} pair_kinds[] = {
	[SIDE_SOCKET] = { .place = PLACE_SOCKET },
	[SIDE_SERIAL] = { .place = PLACE_LINE },
	[SIDE_PTY] = { .place = PLACE_LINE, .local = 1, .opts = 1 },
	[SIDE_STDIO] = { .place = PLACE_NEAR, .near = 1, .local = 1 },
	[SIDE_FILE] = { .place = PLACE_NEAR, .near = 1, .local = 1, .opts = 1 },
	[SIDE_FD] = { .place = PLACE_NEAR, .near = 1, .local = 1, .opts = 1 },
	[SIDE_EXEC] = { .place = PLACE_NEAR, .near = 1, .local = 1, .opts = 1 },
	/* A recording is played as stdin and stdout are. */
	[SIDE_REPLAY] = { .place = PLACE_NEAR },
};

/* sd's kind's row. */
static __startup const struct pair_kind *
pair_kind(const struct side *sd)
{
	DEBUG_CHECK((size_t)sd->kind < nitems(pair_kinds),
	    "a kind of side has no row in pair_kinds");
	return (&pair_kinds[sd->kind]);
}

/* sd's place: pair_kinds' order, a listener before a dialled socket. */
static __startup int
pair_place(const struct side *sd)
{
	return (pair_kind(sd)->place * 2 +
	    (sd->kind == SIDE_SOCKET && !sd->listen));
}

/* As socat's -u and -U say of sd: 1 only read, -1 only written, 0 both. */
static __startup int
pair_way(const struct options *o, const struct side *sd)
{
	return (sd == &o->pair[0] ? o->socat_dir : -o->socat_dir);
}

/*
 * Exit with a line if serial sd's speed is not the system's or its path no
 * terminal.
 */
static __startup void
pair_device_check(const struct side *sd)
{
	struct stat	 st;
	char		 speed[32];

	if (sd->kind != SIDE_SERIAL)
		return;
	snprintf(speed, sizeof(speed), "%lu", sd->speed);
	if (sd->speed != 0 && !device_has_speed(sd->speed))
		fatalx("%s: speed %s is not one this system has", sd->text,
		    speed);
	if (stat(sd->path, &st) == -1)
		fatal("%s", sd->text);
	if (!S_ISCHR(st.st_mode))
		fatalx("%s: not a terminal", sd->text);
}

/*
 * Exit with a line if a port name of sd is no service of its protocol:
 * said now, as netcat does, not at the first client.
 */
static __startup void
pair_port_check(const struct side *sd)
{
	size_t		 i;

	for (i = 0; i < sd->nports; i++) {
		if (forward_port_unknown(sd, sd->ports[i]))
			fatalx("%s: port number invalid: %s", sd->text,
			    sd->ports[i]);
	}
}

/* Exit saying why sd's terminal modes could not be set, if r is -1. */
static __startup void
pair_tty_fail(const struct side *sd, int r)
{
	if (r == 0)
		return;
	if (errno == ENOTTY)
		fatalx("%s: %s is a terminal's option, and this is no "
		    "terminal", sd->text, tty_want_name(&sd->local.tty));
	fatal("%s", sd->text);
}

/* Is sd a file given a terminal's options, there and no terminal? */
static __startup int
pair_tty_none(const struct side *sd)
{
	struct stat	 st;

	if (sd->kind != SIDE_FILE || !tty_want_any(&sd->local.tty))
		return (0);
	return (stat(sd->path, &st) == 0 && !S_ISCHR(st.st_mode));
}

/*
 * Check the i-th address, a file or descriptor beside a socket or device,
 * and set its ways; it is opened for each session by end_open(), as
 * socat's child opens it, but socat's first address once, as socat opens
 * it before the second.  socat's is read and written (or as -u, -U say);
 * sockcat's first address is read as "<" gives it, the second written as
 * ">" (or "append") makes it, stdin (or the file, with ignoreeof or
 * escape) the other way.
 */
static __startup void
pair_file(struct options *o, int i)
{
	struct side	*sd = &o->pair[i];
	struct side_local *l = &sd->local;
	int		 rd = o->socat ? pair_way(o, sd) == 1 : i == 0;

	if (sd->kind != SIDE_FILE && sd->kind != SIDE_FD)
		return;
	/* rd: the file is only read. */
	if (rd && sd->append)
		pair_refuse(o, o->socat_dir == -1 ? "append is for the "
		    "file written, the first address with -U" : "append is "
		    "for the file written, the second address");
	if (pair_tty_none(sd)) {
		errno = ENOTTY;
		pair_tty_fail(sd, -1);
	}
	if (!o->socat)
		l->stdio = rd ? SIDE_STDIO_IN : SIDE_STDIO_OUT |
		    (l->ignoreeof || l->escape != -1 ? SIDE_STDIO_IN : 0);
	else
		l->once = i == 0;
}

/*
 * unlink-early: remove sd's path (a file, a Unix listener's socket or
 * client's bind=, a pty's link) before it is opened, as socat does; exits
 * if that fails but for ENOENT.
 */
static __startup void
pair_unlink_early(const struct side *sd)
{
	const char	*path = sd->path;

	/* A Unix client's is its bind='s: it connects to the other. */
	if (sd->sock.family == AF_UNIX && !sd->listen)
		path = sd->sock.source;
	if (!sd->unlink_early || path == NULL || path[0] == '@')
		return;
	if (unlink(path) == -1 && errno != ENOENT)
		fatal("%s: unlink-early", sd->text);
}

/*
 * socat's READLINE: edit stdin's lines as --readline does where stdin is
 * read and a terminal (else read as lines come, as socat's).
 */
static __startup void
pair_readline(struct options *o, const struct side *near)
{
	if (!near->local.readline || !isatty(STDIN_FILENO) ||
	    pair_way(o, near) == -1)
		return;
	o->local.readline = 1;
	o->local.history = near->local.history;
	o->local.prompt = near->local.prompt;
	o->local.noecho = near->local.noecho;
	o->local.noprompt = near->local.noprompt;
}

/*
 * Give socket sd and near (stdio, a file, a program) to plain mode, as nc
 * runs them: a listener serves stdio clients in turn, programs at once.
 * stdin's end is a shutdown, but not to a WebSocket, whose close would
 * lose the answers on their way.
 */
static __startup void
pair_plain(struct options *o, struct side *sd, struct side *near)
{
	o->near = near;
	/*
	 * A WebSocket server serves stdio or a program as -l --websocket
	 * does (a line per message each way, as --ws-binary says), not as
	 * a relay's bytes.
	 */
	if (sd->listen && sd->ws.on)
		sd->ws.binary = o->side.ws.binary;
	pair_readline(o, near);
	if (near->kind == SIDE_EXEC)
		sd->keep = sd->listen && !sd->once;
	else {
		if (!sd->ws.on)
			o->flow.shut_net = 1;
		/* A recording is played afresh to each client, in turn. */
		if (near->kind == SIDE_REPLAY)
			sd->keep = sd->listen && !sd->once;
		/*
		 * fork: stdin and stdout (or a file) serve one client at a
		 * time, the next waiting in the backlog until this one has
		 * ended; more at once (max-children above 1) they cannot.
		 */
		if ((o->socat || sd->fork) && sd->listen && !sd->once) {
			if (sd->gate.full_wait && sd->gate.max_conns > 1)
				fatalx("%s: max-children=%d: standard input "
				    "and output serve one client at a time: "
				    "give max-children=1", sd->text,
				    sd->gate.max_conns);
			sd->keep = 1;
			/*
			 * A datagram listener's clients are its peers, each
			 * served until quiet for -T's time, as socat's child
			 * for a peer is; its place is then another's.
			 */
			if (sd->gate.full_wait &&
			    sd->sock.socktype == SOCK_DGRAM &&
			    o->flow.idle_ms != TIME_NONE) {
				sd->gate.idle_ms = o->flow.idle_ms;
				o->flow.idle_ms = TIME_NONE;
			}
		}
	}
	sd->say_refused = 1;
	/* What the side's layers learn of the mode (step_last()). */
	sd->dgram_peers = sd->tls.on || (sd->keep && near->kind == SIDE_EXEC);
	sd->ws.cgi = near->kind == SIDE_EXEC;
}

/*
 * Give socket a and its other side b to the forwarder: b is opened for
 * each client of a listener (a device lent to one at a time), or joined
 * once with a dialled a or a second listener's first client.
 */
static __startup void
pair_forward(struct options *o, struct side *a, struct side *b)
{
	a->keep = a->listen && !b->listen && !a->once;
	a->say_refused = 1;
	/* Many connections: each WebSocket message compressed afresh. */
	a->ws.fresh = 1;
	b->ws.fresh = 1;
	a->dgram_peers = a->tls.on;
	o->pairfwd.n = 1;
	o->pairfwd.sides = b;
	o->pairfwd.targets = (char **)&b->text;
}

/*
 * Is sd, a half of "R!!W" (the read one when rd), a UDP socket the relay
 * opens, as socat opens each: UDP-RECV: to read, UDP-SENDTO: to write?
 * Not with fork or crlf.
 */
static int
pair_dual_udp(const struct side *sd, int rd)
{
	return (sd->kind == SIDE_SOCKET && sd->sock.socktype == SOCK_DGRAM &&
	    sd->sock.family != AF_UNIX && !sd->sock.vsock && !sd->tls.on &&
	    sd->proxy.host == NULL && !sd->crlf && (!sd->listen || (rd &&
	    sd->recv_only && sd->once)));
}

/*
 * Is sd (both halves, for "R!!W") one the relay joins: no socket or device
 * but pair_dual_udp()'s?
 */
static int
pair_local(const struct side *sd)
{
	const struct side	*h;
	int			 i;

	for (i = 0; i < 2; i++) {
		h = i == 0 ? sd : sd->wside;
		if (h == NULL || (sd->wside != NULL && pair_dual_udp(h,
		    i == 0)))
			continue;
		if (!pair_kind(h)->local)
			return (0);
	}
	return (1);
}

/*
 * The first of sd's socat options that only the relay carries out, or
 * NULL.  With beside (sd joined with a socket or device), not those plain
 * mode or end_open() carry out too: a program's own, any of a file's,
 * descriptor's or pty's, stdin and stdout's but setsid (ours, made once).
 */
static const char *
pair_local_opt(const struct side *sd, int beside)
{
	const struct side_local	*l = &sd->local;

	if (sd->wside != NULL)
		return ("!!");
	if (beside && pair_kind(sd)->opts)
		return (NULL);
	if (beside && sd->kind == SIDE_STDIO)
		return (l->setsid ? "setsid" : NULL);
	if (sd->kind == SIDE_FD)
		return ("FD");
	if (l->fifo)
		return ("PIPE:PATH");
	if (l->ignoreeof)
		return ("ignoreeof");
	if (l->lock != 0)
		return (side_lock_name(l->lock));
	if (l->ftruncate >= 0)
		return ("ftruncate");
	if (l->cool_write)
		return ("cool-write");
	/* A Unix listener's socket file takes them (unix_server()). */
	if (sd->kind == SIDE_SOCKET)
		return (NULL);
	if (l->direct)
		return ("o-direct");
	if (l->nonblock)
		return ("nonblock");
	if (l->noatime)
		return ("o-noatime");
	if (l->fs_noatime)
		return ("fs-noatime");
	if (l->user != NULL)
		return ("user");
	if (l->group != NULL)
		return ("group");
	if (l->unlink_close != -1)
		return ("unlink-close");
	if (l->escape != -1)
		return ("escape");
	if (l->pty)
		return ("pty");
	if (l->stderr_out)
		return ("stderr");
	if (l->setsid)
		return ("setsid");
	if (l->fdin != STDIN_FILENO || l->fdout != STDOUT_FILENO)
		return ("fdin, fdout");
	return (NULL);
}

/* Is sd stdin and stdout with none of pair_local_opt()'s, nor readbytes? */
static int
pair_bare_stdio(const struct side *sd)
{
	return (sd->kind == SIDE_STDIO && pair_local_opt(sd, 0) == NULL &&
	    sd->local.readbytes < 0);
}

/*
 * Does the relay do for sd what the shell cannot: one of pair_local_opt()'s,
 * or a program's READLINE (prog: the pair has a program)?
 */
static __startup int
pair_relay_does(const struct side *sd, int prog)
{
	return (pair_local_opt(sd, 0) != NULL || (prog && sd->local.readline));
}

/*
 * Under sockcat's name, must the relay join a and b (no sockets)?  Returns
 * 1 where it does what the shell cannot (pair_relay_does()), 0 for a pty
 * (the device link's); else exits saying who runs them.
 */
static __startup int
pair_relay_needed(const struct options *o, const struct side *a,
    const struct side *b)
{
	const char	*why;
	int		 prog = a->kind == SIDE_EXEC || b->kind == SIDE_EXEC;
	int		 file = a->kind == SIDE_FILE || b->kind == SIDE_FILE;

	if (a->kind == SIDE_PTY || b->kind == SIDE_PTY)
		return (0);
	if (file)
		why = prog ? "a program with a file is the shell's "
		    "redirection: run it without sockcat" : "a file with stdin "
		    "and stdout, or another file, is the shell's: use cat";
	else if (pair_relay_does(a, prog) || pair_relay_does(b, prog))
		return (1);
	else if (a->kind == SIDE_EXEC && b->kind == SIDE_EXEC)
		why = "two programs are joined as socat's only";
	else if (prog)
		why = "a program on stdin and stdout is itself: run it "
		    "without sockcat";
	else
		why = "stdin and stdout with themselves is cat's";
	fatalx("%s %s: %s; %s", o->pair[0].text, o->pair[1].text, why,
	    SOCAT_NAME_HINT);
}

/* Can nofork's program take b itself: a connection, no TLS or WebSocket? */
static __startup int
pair_nofork_ok(const struct side *b)
{
	if (b->kind != SIDE_SOCKET || b->tls.on || b->ws.on)
		return (0);
	/* A datagram listener's peers are no connections. */
	return (!b->listen || b->once || b->sock.socktype == SOCK_STREAM);
}

/* Exit with a line for what side a (b the other) cannot do in this process. */
static __startup void
pair_local_refusals(struct side *a, const struct side *b)
{
	const char	*opt;

	/* nofork: the program's (plain mode). */
	if (a->local.nofork && !pair_nofork_ok(b))
		fatalx("%s: nofork is supported with stdio, a file, a "
		    "descriptor, one connection or each of a stream "
		    "listener's, without TLS", a->text);
	if (a->wside != NULL && !pair_local(a))
		fatalx("%s: the sockets of a dual (!!) address are a UDP-RECV "
		    "or a dialled UDP socket read and a dialled UDP socket "
		    "written, without fork or crlf", a->text);
	if (a->local.nofork && a->local.pty)
		fatalx("%s: nofork is the program on the connection itself, "
		    "not on a pty", a->text);
	if ((opt = pair_local_opt(a, 1)) != NULL)
		fatalx("%s: %s is supported between two addresses that are "
		    "no sockets or devices", a->text, opt);
}

/*
 * stdio with itself, in socat's grammar (sockcat's refuses it before):
 * exec cat(1) in our place, as socat does.
 */
static __startup __dead void
pair_cat(const struct options *o)
{
	pair_no_relay(o, "stdin and stdout with themselves are cat's");
	execl("/bin/cat", "cat", (char *)NULL);
	fatal("/bin/cat");
}

/*
 * Two sides that are no sockets, but stdio with itself (pair_cat()):
 * opened at once and joined by the relay (join_run()), as socat's; under
 * sockcat's name, only where the shell cannot (pair_relay_needed()).
 * Returns 1 if so.
 */
static __startup int
pair_local_mode(struct options *o)
{
	struct side	*a = &o->pair[0], *b = &o->pair[1];
	int		 i;

	if (!pair_local(a) || !pair_local(b) ||
	    (!o->socat && !pair_relay_needed(o, a, b))) {
		for (i = 0; i < 2; i++)
			pair_local_refusals(&o->pair[i], &o->pair[1 - i]);
		return (0);
	}
	/* stdio with itself: cat's, unless read as readbytes says. */
	if (pair_bare_stdio(a) && pair_bare_stdio(b))
		pair_cat(o);
	o->joinmode = 1;
	o->sd = a;
	o->peer = b;
	/*
	 * socat's -t: how long the other way is waited for once one has
	 * ended; half a second without it, as socat's (or -q's time, under
	 * sockcat's name).
	 */
	if (o->socat || o->flow.quit_ms == TIME_NONE)
		o->flow.quit_ms = o->socat_quit_ms;
	if (o->socat_dir == 1)
		o->flow.send_only = 1;
	else if (o->socat_dir == -1)
		o->flow.recv_only = 1;
	return (1);
}

/*
 * Are the operands an address pair: two addresses, not both "-" (netcat's
 * "host port" is none: a port has no scheme), or one known address but a
 * URL (the WebSocket client's) or "-"?
 */
__startup int
pair_is(const struct options *o, int argc, char **argv)
{
	if (argc == 2)
		return (addr_looks(argv[0]) && addr_looks(argv[1]) &&
		    (strcmp(argv[0], "-") != 0 || strcmp(argv[1], "-") != 0));
	return (pair_one_operand(o, argc) && addr_is(argv[0]) &&
	    strcmp(argv[0], "-") != 0 && strncasecmp(argv[0], "ws", 2) != 0);
}

/*
 * Is one of argv's addresses a WebSocket one, for the --ws-* options?
 * PAIR_WSS for a wss://, else PAIR_WS, or 0.
 */
__startup int
pair_has_ws(int argc, char **argv)
{
	int	 i, ws = 0;

	for (i = 0; i < argc; i++) {
		if (strncasecmp(argv[i], "wss://", 6) == 0)
			return (PAIR_WSS);
		if (strncasecmp(argv[i], "ws://", 5) == 0 ||
		    strncasecmp(argv[i], "ws-l:", 5) == 0)
			ws = PAIR_WS;
	}
	return (ws);
}

/* Does one of argv's addresses listen, for the rows keyed on -l? */
__startup int
pair_listens(int argc, char **argv)
{
	int	 i;

	for (i = 0; i < argc; i++) {
		if (addr_kind_is(argv[i]) & KIND_LISTEN)
			return (1);
	}
	return (0);
}

/* Does one of o's pair dial with TLS (tls), or as a WebSocket client? */
static __startup int
pair_dials(const struct options *o, int tls)
{
	int	 i;

	for (i = 0; i < 2; i++) {
		if (!o->pair[i].listen && (tls ? o->pair[i].tls.on :
		    o->pair[i].ws.on))
			return (1);
	}
	return (0);
}

/*
 * As the rows of -e, -u and -l: what a pair's program, datagram socket or
 * listeners alone do not use, of the options given under sockcat's name.
 */
static __startup void
pair_fact_refusals(const struct options *o)
{
	const struct side	*sd;
	char			 subject[512];
	int			 i, dials = 0;

	/*
	 * --secret for addresses that speak no TLS would protect nothing;
	 * --ssl and its options would be dropped.
	 */
	if (o->side.tls.on && !o->pair[0].tls.on && !o->pair[1].tls.on)
		fatalx("%s: neither address speaks TLS (tls:, tls-l:)",
		    o->side.tls.secret != NULL ? "--secret" :
		    "--ssl and the --ssl-* options");
	/* As -l's rows: what only a client's handshake says. */
	if (o->side.tls.servername != NULL && !pair_dials(o, 1))
		pair_refuse(o, "--ssl-servername is the name a client asks "
		    "for: a listening address takes none");
	if ((o->side.ws.nheaders > 0 || o->side.ws.origin != NULL) &&
	    !pair_dials(o, 0))
		pair_refuse(o, "--ws-header and --ws-origin are a client's "
		    "request's: a listening address answers with "
		    "--ws-server-header");
	for (i = 0; i < 2 && !o->socat; i++) {
		sd = &o->pair[i];
		if (sd->kind == SIDE_EXEC)
			cmdline_refuse_facts(o, sd->text, "is a program in "
			    "stdin and stdout's place and ends as it does",
			    "-d -q --send-only --recv-only --quit-after "
			    "--half-close --timestamp");
		if (sd->kind == SIDE_SOCKET &&
		    sd->sock.socktype == SOCK_DGRAM) {
			cmdline_refuse_facts(o, sd->text, "is a datagram "
			    "socket", "-N --no-shutdown --no-splice "
			    "--keepalive --nodelay");
			if (sd->listen)
				cmdline_refuse_facts(o, sd->text, "answers "
				    "its peers from the other address", "-t "
				    "--expect --send --script --on-connect");
		}
		dials |= sd->kind == SIDE_SOCKET && !sd->listen;
	}
	if (dials || o->socat)
		return;
	(void)snprintf(subject, sizeof(subject), "%s %s", o->pair[0].text,
	    o->pair[1].text);
	cmdline_refuse_facts(o, subject, "dials nothing", "--retry -x -s -p");
}

/* Check what side i asks for beside the other; exits with a line. */
static __startup void
pair_side_check(struct options *o, int i)
{
	struct side	*sd = &o->pair[i], *other = &o->pair[1 - i], *w;

	sd->addr_no = i + 1;
	/*
	 * -k: a listening address goes on listening, as its fork says (a
	 * socat-named one too, which alone serves one client).
	 */
	if (o->side.keep && sd->listen) {
		sd->fork = 1;
		sd->once = 0;
	}
	/*
	 * FD:N is a descriptor inherited: one not open now would be one of
	 * ours by the time a listener's client comes.
	 */
	for (w = sd; w != NULL; w = w->wside) {
		if (w->kind == SIDE_FD && fcntl(w->local.fd, F_GETFD) == -1)
			fatal("%s", sd->text);
	}
	if (o->socat)
		pair_listen_family(sd);
	/*
	 * socat's UNIX: is a client of a datagram socket when the path is
	 * one, as socat finds when its stream connect fails.
	 */
	if (sd->unix_either && unix_peer_type(sd->host) == SOCK_DGRAM)
		sd->sock.socktype = SOCK_DGRAM;
	/* socat's *-RECV: is only read: the direction must say so. */
	if (sd->dgram_to != NULL && !pair_kind(other)->near)
		pair_refuse(o, "UDP-DATAGRAM: is joined with standard input "
		    "and output, a file, a descriptor or a program alone");
	if (!sd->recv_only || sd->wside != NULL || pair_way(o, sd) == 1)
		return;
	/*
	 * socat's *-RECV: with stdin and stdout or a file, and no
	 * direction: the other side is read, and fails only if it has
	 * something to send to it (dgram_write()).
	 */
	if (o->socat_dir == 0 && (other->kind == SIDE_STDIO ||
	    other->kind == SIDE_FILE))
		return;
	fatalx("%s: it only receives: give it with -u as the first "
	    "address, or -U as the second%s", sd->text, o->socat ? "" :
	    "; " SOCAT_NAME_HINT);
}

/*
 * Read the operands into o->pair, each from the command line's settings,
 * and check each alone; a bad address exits with a line.
 */
static __startup void
pair_parse(struct options *o, int argc, char **argv)
{
	char	*cause;
	int	 i, rc;

	/* -u and -U are socat's directions under socat's name. */
	if (cmdline_facts_any(o, "-l -U -u --vsock -e -c --fifo --forward"))
		fatalx("%s %s: the addresses say what -l, -U, -u, --vsock, "
		    "-e, -c, --fifo and --forward would: not with them%s",
		    argv[0], argc == 2 ? argv[1] : "-",
		    cmdline_facts_any(o, "-U -u") ? "; -u and -U as "
		    "socat's: " SOCAT_NAME_HINT : "");
	/* The near end is an address here: replay:FILE says it there. */
	if (o->replay != NULL)
		fatalx("--replay %s: with address operands, give it as the "
		    "address replay:%s", o->replay, o->replay);
	for (i = 0; i < 2; i++) {
		rc = side_parse(&o->pair[i], &o->side, i < argc ? argv[i] :
		    "-", &cause);
		/* Read (the side has its copy): argv keeps no code for ps. */
		if (i < argc)
			addr_hide_secret(argv[i]);
		if (rc == -1)
			fatalx("%s: %s", i < argc ? argv[i] : "-", cause);
	}
	o->npair = 2;
	/* socat's lockfile= and waitlock=: taken before anything opens. */
	for (i = 0; i < 2; i++) {
		if (o->pair[i].local.lockfile != NULL)
			socat_lock(o->pair[i].local.lockfile, 0);
		if (o->pair[i].local.waitlock != NULL)
			socat_lock(o->pair[i].local.waitlock, 1);
	}
	pair_fact_refusals(o);
	for (i = 0; i < 2; i++)
		pair_side_check(o, i);
	for (i = 0; i < 2; i++) {
		/* socat's modes of the terminal on stdin (STDIO,raw,echo=0). */
		if (o->pair[i].kind == SIDE_STDIO)
			pair_tty_fail(&o->pair[i],
			    stdio_tty_modes(&o->pair[i].local.tty));
	}
}

/*
 * May sd fork as socat's dialled side: a stream socket a (the side the
 * modes dial), a program or a dialled socket b run for each connection?
 */
static __startup int
pair_fork_ok(const struct side *sd, const struct side *a,
    const struct side *b)
{
	if (sd != a || a->kind != SIDE_SOCKET ||
	    a->sock.socktype != SOCK_STREAM)
		return (0);
	return (b->kind == SIDE_EXEC || (b->kind == SIDE_SOCKET && !b->listen));
}

/* Does sd say its end its own way (shut-null, shut-none, null-eof)? */
static __startup int
pair_own_end(const struct side *sd)
{
	return (sd->shut_null || sd->shut_none || sd->null_eof);
}

/*
 * Exit with a line for what socket (or device) a and its other side b
 * cannot be.
 */
static __startup void
pair_refusals(struct options *o, const struct side *a, const struct side *b)
{
	/* A socket with stdin and stdout, a file or a program. */
	int	 near = !side_is_line(a) && pair_kind(b)->near;
	int	 i;

	for (i = 0; i < 2; i++) {
		if (o->pair[i].dial_fork && !pair_fork_ok(&o->pair[i], a, b))
			fatalx("%s: fork of a connecting address is supported "
			    "on a stream socket joined with a program, or "
			    "with a connecting address given after it",
			    o->pair[i].text);
	}
	/* -F hands over what it dialled, netcat's way: stdio the other. */
	if (o->flow.fdpass && (a->kind != SIDE_SOCKET || a->listen ||
	    b->kind != SIDE_STDIO))
		pair_refuse(o, "-F passes a connection it made, with stdin and "
		    "stdout");
	/* As -l's row: --reconnect dials its stream again, never a client. */
	if (o->side.reconnect && (a->listen || b->listen))
		pair_refuse(o, "cannot use --reconnect with a listener");
	if (o->socat_dir != 0 && !near)
		pair_refuse(o, "-u and -U are not supported between two "
		    "sockets, or with a device");
	if ((pair_own_end(a) || pair_own_end(b)) && !near)
		pair_refuse(o, "shut-null, shut-none and null-eof are for a "
		    "socket joined with stdio, a file or a program");
}

/*
 * How a socket beside stdin and stdout (or a file or a descriptor) waits
 * once one way has ended: a row per kind of socket, a column per dialect
 * (nc's, socat's).  WAIT_T: once stdin has ended, the far end's end is
 * waited for -t's time at most (half a second unless said, --quit-after's
 * wait); WAIT_END: for as long as it takes, as netcat does.
 */
enum pair_wait {
	WAIT_END,
	WAIT_T,
	WAIT_UNTOLD,	/* WAIT_T if the socket is never told the end
			   (shut-none, or shut-null: on a stream nothing) */
	WAIT_NO_Q,	/* WAIT_T unless -q says netcat's wait */
};
enum pair_sock {
	PS_DIALLED,	/* a dialled stream */
	PS_LISTENER,	/* stdin may end before the client comes */
	PS_DGRAM,	/* dialled, or UDP-DATAGRAM: no end-of-file comes */
	PS_DGRAM_ONE,	/* socat's UDP-LISTEN: of one peer, whose close
			   never comes, stdin read once it is heard */
};
static const struct pair_time {
	enum pair_wait	 wait[2];	/* [o->socat] */
	int		 far_t;		/* socat's, once the far end has
					   ended: stdin (a terminal never
					   ends) read for -t, not waited for */
} pair_time_rows[] = {
	[PS_DIALLED] = { { WAIT_UNTOLD, WAIT_T }, 1 },
	[PS_LISTENER] = { { WAIT_END, WAIT_END }, 0 },
	[PS_DGRAM] = { { WAIT_NO_Q, WAIT_T }, 0 },
	[PS_DGRAM_ONE] = { { WAIT_END, WAIT_T }, 0 },
};

/*
 * How long socket a, joined with b (stdin and stdout, a file or a
 * descriptor), waits for the other way once one has ended (pair_time_rows).
 */
static __startup void
pair_times(struct options *o, const struct side *a, const struct side *b)
{
	const struct pair_time	*t;
	enum pair_sock		 k;
	int			 waits[] = { [WAIT_END] = 0, [WAIT_T] = 1,
	    [WAIT_UNTOLD] = a->shut_null || a->shut_none,
	    [WAIT_NO_Q] = o->flow.quit_ms == TIME_NONE };

	/*
	 * socat's program beside a socket: once either way has ended, the
	 * other has -t's time, then the session is over, the program left
	 * to run, as socat leaves its child.
	 */
	if (o->socat && b->kind == SIDE_EXEC)
		o->flow.program_quit_ms = o->socat_quit_ms;
	if (!pair_kind(b)->near || b->kind == SIDE_EXEC ||
	    a->kind != SIDE_SOCKET)
		return;
	if (a->sock.socktype != SOCK_DGRAM)
		k = a->listen ? PS_LISTENER : PS_DIALLED;
	else if (!a->listen || a->dgram_to != NULL)
		k = PS_DGRAM;
	else
		k = a->once && !a->keep ? PS_DGRAM_ONE : PS_LISTENER;
	t = &pair_time_rows[k];
	/* --quit-after's own time stands; b only written waits for nothing. */
	if (waits[t->wait[o->socat]] && pair_way(o, a) != 1 &&
	    o->flow.deadline_ms == TIME_NONE)
		o->flow.deadline_ms = o->socat_quit_ms;
	if (!o->socat || o->socat_dir != 0)
		return;
	if (t->far_t)
		o->flow.far_quit_ms = o->socat_quit_ms;
	/*
	 * A *-RECV: read, without -u: once stdin has ended, nothing is
	 * waited for (socat ends at once, whatever -t says).
	 */
	if (a->recv_only)
		o->flow.deadline_ms = 0;
}

/*
 * The ways socket a, with stdio or a program, carries under socat's -u
 * (first address to second) and -U: only read from, or only written to.
 */
static __startup void
pair_ways(struct options *o, const struct side *a)
{
	if (pair_way(o, a) == 1) {
		o->flow.recv_only = 1;
		/*
		 * Nothing goes to a socket read alone, not even the end of
		 * stdin, which socat does not read: a peer that takes it as
		 * the end (a socat server's -t, a DTLS or TLS one told by a
		 * close_notify) would stop before its answer.  Nor is stdin
		 * read: it may be another's to read after us (a shell's
		 * loop), as socat leaves it.
		 */
		o->flow.shut_net = 0;
		o->flow.no_stdin = 1;
	} else if (o->socat_dir != 0)
		o->flow.send_only = 1;
}

/*
 * Exit with a line for what socket a and b cannot be once the modes have
 * taken them (a's keep set); given: the command line's options before the
 * pair's defaults, or NULL.
 */
static __startup void
pair_routed_refusals(const struct options *o, const struct options *given,
    const struct side *a, const struct side *b)
{
	char	 subject[512];

	/*
	 * pty-wait-slave: the pty made first, for the one connection made
	 * once its terminal side is open (forward_pty_wait()).
	 */
	if (b->kind == SIDE_PTY && b->pty_wait && (a->keep || a->dial_fork))
		fatalx("%s: pty-wait-slave makes one pty, before the other "
		    "side: not with fork", b->text);
	/*
	 * A pair that forwards relays bytes as --forward does: what the
	 * command line gave (given, before the pair's own defaults).
	 */
	if (o->pairfwd.n > 0 && !o->socat && given != NULL) {
		(void)snprintf(subject, sizeof(subject), "%s %s",
		    o->pair[0].text, o->pair[1].text);
		cmdline_refuse_mode(given, "--forward", subject);
	}
	/* A script stands in for stdin: a socket's, with stdin and stdout. */
	if (o->flow.script != NULL && (o->joinmode ||
	    (b->kind != SIDE_STDIO && b->local.stdio == 0)))
		pair_refuse(o, "--expect, --send and --script are for a socket "
		    "with stdin and stdout");
}

/*
 * Read the address operands into two sides and choose the mode that joins
 * them: the relay (join_run()) for two that open at once, else plain mode
 * or the forwarder for a socket and its other side.  Frees cl->facts.  A
 * pair that cannot be joined exits with a line.
 */
__startup void
pair_build(struct cmdline *cl, int argc, char **argv)
{
	struct options	*o = cl->o;
	struct side	*a = &o->pair[0], *b = &o->pair[1], *t;
	int		 i;

	pair_parse(o, argc, argv);
	/* A recording is played to a socket, as stdin and stdout would be. */
	for (i = 0; i < 2; i++) {
		if (o->pair[i].kind == SIDE_REPLAY &&
		    o->pair[1 - i].kind != SIDE_SOCKET)
			pair_refuse(o, "a recording is played to a socket");
	}
	if (pair_local_mode(o)) {
		for (i = 0; i < 2; i++)
			pair_unlink_early(&o->pair[i]);
		free(cl->facts);
		cl->facts = NULL;
		return;
	}
	for (i = 0; i < 2; i++) {
		pair_unlink_early(&o->pair[i]);
		pair_file(o, i);
		pair_device_check(&o->pair[i]);
		pair_port_check(&o->pair[i]);
	}
	/* The socket or the device first, the near end second. */
	if (pair_place(a) > pair_place(b)) {
		t = a;
		a = b;
		b = t;
	}
	pair_refusals(o, a, b);
	pair_times(o, a, b);
	/* What the modes receive is from a: from the first address or not. */
	o->socat_rx_ltor = a == &o->pair[0];
	o->sd = a;
	o->peer = b;
	/* A recording played: as stdin and stdout, its time its own. */
	if (b->kind == SIDE_REPLAY)
		opt_replay_setup(b, a);
	if (side_is_line(a))
		o->joinmode = 1;
	else if (pair_kind(b)->place == PLACE_NEAR) {
		pair_plain(o, a, b);
		pair_ways(o, a);
	} else
		pair_forward(o, a, b);
	pair_routed_refusals(o, cl->facts, a, b);
	free(cl->facts);
	cl->facts = NULL;
}
