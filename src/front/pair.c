/*
 * "sockcat ADDRESS ADDRESS": each address read once into a side
 * (src/side/side.c), checked alone and beside the other, and the pair
 * given, in this process, to the mode that joins their kinds
 * (mode_pair()).  No side is written back as options to be read again.
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

/* The pair as its refusals name it: its two addresses. */
static __startup const char *
pair_subject(const struct options *o)
{
	static char	 subject[512];

	(void)snprintf(subject, sizeof(subject), "%s %s", o->pair[0].text,
	    o->pair[1].text);
	return (subject);
}

/* A pair not supported: one line, status 1. */
static __dead void
pair_refuse(const struct options *o, const char *why)
{
	fatalx("%s: %s", pair_subject(o), why);
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

/* sd's place: pair_kinds' order, a listener before a dialled socket. */
static __startup int
pair_place(const struct side *sd)
{
	return (pair_kind(sd)->place * 2 +
	    (sd->kind == SIDE_SOCKET && !sd->listen));
}

/*
 * Exit with a line if serial sd's speed is not the system's or its path no
 * terminal.
 */
static __startup void
pair_device_check(const struct side *sd)
{
	struct stat	 st;

	if (sd->kind != SIDE_SERIAL)
		return;
	if (sd->speed != 0 && !device_has_speed(sd->speed))
		fatalx("%s: speed %lu is not one this system has", sd->text,
		    sd->speed);
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
 * What the conflict rows ask of the pair's operands before they are read:
 * that they are a pair (o->npair), is one a WebSocket address (o->pair_ws:
 * PAIR_WSS for a wss://, else PAIR_WS), does one listen (o->pair_listen,
 * for the rows keyed on -l)?
 */
__startup void
pair_glance(struct options *o, int argc, char **argv)
{
	int	 i;

	o->npair = 2;
	for (i = 0; i < argc; i++) {
		if (strncasecmp(argv[i], "wss://", 6) == 0)
			o->pair_ws = PAIR_WSS;
		else if (o->pair_ws == 0 && (strncasecmp(argv[i], "ws://",
		    5) == 0 || strncasecmp(argv[i], "ws-l:", 5) == 0))
			o->pair_ws = PAIR_WS;
		if (addr_kind_is(argv[i]) & KIND_LISTEN)
			o->pair_listen = 1;
	}
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
 * listeners alone do not use, of the options given under sockcat's name
 * (given: as the command line gave them, before step_last() made one
 * imply another, or NULL).
 */
static __startup void
pair_fact_refusals(const struct options *o, const struct options *given)
{
	const struct side	*sd;
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
			cmdline_refuse_facts(given, sd->text, "is a program "
			    PROGRAM_WHY, PROGRAM_UNUSED " bare-stamp");
		if (sd->kind == SIDE_SOCKET &&
		    sd->sock.socktype == SOCK_DGRAM) {
			cmdline_refuse_facts(given, sd->text, "is a datagram "
			    "socket", "-N --no-shutdown --no-splice "
			    "--keepalive --nodelay");
			if (sd->listen)
				cmdline_refuse_facts(given, sd->text, "answers "
				    "its peers from the other address", "-t "
				    "--expect --send --script --on-connect");
		}
		dials |= sd->kind == SIDE_SOCKET && !sd->listen;
	}
	if (dials || o->socat)
		return;
	cmdline_refuse_facts(given, pair_subject(o), "dials nothing",
	    "--retry -x -s -p");
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
	/* Its datagrams from anyone go to one end: no peer's own. */
	if (sd->recv_only && sd->wside == NULL && !pair_kind(other)->near)
		pair_refuse(o, "a *-RECV: address is joined with standard "
		    "input and output, a file, a descriptor or a program "
		    "alone");
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
pair_parse(struct options *o, const struct options *given, int argc,
    char **argv)
{
	char	*cause;
	int	 i, rc;

	/* -u and -U are socat's directions under socat's name. */
	if (cmdline_facts_any(o, "-l -U -u --vsock -e -c --fifo"))
		fatalx("%s %s: the addresses say what -l, -U, -u, --vsock, "
		    "-e, -c and --fifo would: not with them%s",
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
	pair_fact_refusals(o, given != NULL ? given : o);
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
	char	*cause;
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
	if (o->socat_dir != 0 && b->kind == SIDE_REPLAY)
		pair_refuse(o, "-u and -U are not supported with a recording "
		    "played");
	if ((pair_own_end(a) || pair_own_end(b)) && !near)
		pair_refuse(o, "shut-null, shut-none and null-eof are for a "
		    "socket joined with stdio, a file or a program");
	/* Said now of either listener, as listen_open() says it of the first. */
	for (i = 0; i < 2; i++) {
		if (o->pair[i].listen &&
		    listen_ruled_ok(&o->pair[i], &cause) == -1)
			fatalx("%s", cause);
	}
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

/* Does the forwarder take each client of stream listener a to stream b? */
static __startup int
pair_forwards_streams(const struct options *o, const struct side *a,
    const struct side *b)
{
	if (o->fwd.n == 0 || !a->listen || a->sock.socktype != SOCK_STREAM)
		return (0);
	return (b->kind == SIDE_SOCKET && b->sock.socktype == SOCK_STREAM);
}

/* Where a script stands in for stdin. */
#define PAIR_SCRIPT_WHY	"--expect, --send and --script are for a socket or " \
	"a line with stdin and stdout"

/*
 * What a pair that joins no socket (a line and near, or two sides the
 * relay opens: near NULL) does not use: a socket's options, netcat's end
 * of a connection, -t's answers; without a line, -C's CR LF either
 * (given: the options as the command line gave them, or NULL).
 */
#define PAIR_NO_SOCKET	"-4 -6 -b -D -I -O -M -m -n -T -N -F -t "	\
	"--keepalive --nodelay --mptcp --no-shutdown --no-splice "	\
	"--half-close --reconnect --on-connect --idle-timeout --quit-after"
static __startup void
pair_join_refusals(const struct options *o, const struct options *given,
    const struct side *near)
{
	const char	*subject = pair_subject(o);

	if (o->socat || given == NULL)
		return;
	/* -w is an expect's time, with a script. */
	cmdline_refuse_facts(given, subject, "joins no socket",
	    o->flow.script != NULL ? PAIR_NO_SOCKET : PAIR_NO_SOCKET " -w");
	/*
	 * A line's other side: -d leaves "-" unread, -q waits after stdin's
	 * end, --timestamp stamps stdout or a file.
	 */
	if (near != NULL && side_is_line(near))
		cmdline_refuse_facts(given, subject, "joins two lines, no "
		    "stdin or stdout", "-d -q bare-stamp");
	else if (near != NULL && near->kind != SIDE_STDIO)
		cmdline_refuse_facts(given, subject, "joins a line without -",
		    "-d");
	if (near != NULL)
		return;
	cmdline_refuse_facts(given, subject, "joins no socket or line", "-C");
	if (o->flow.script != NULL)
		pair_refuse(o, PAIR_SCRIPT_WHY);
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
	if (side_is_line(a))
		pair_join_refusals(o, given, b);
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
	if (o->fwd.n > 0 && !o->socat && given != NULL)
		cmdline_refuse_mode(given, "--forward", pair_subject(o));
	/* The PROXY header tells a stream socket of each client forwarded. */
	if (o->fwd.send_proxy != 0 && !pair_forwards_streams(o, a, b))
		pair_refuse(o, "--send-proxy is for a stream listener whose "
		    "clients are forwarded to a stream socket");
	/*
	 * A script stands in for stdin: a socket's or a line's, with stdin
	 * and stdout.
	 */
	if (o->flow.script != NULL && b->kind != SIDE_STDIO &&
	    b->local.stdio == 0)
		pair_refuse(o, PAIR_SCRIPT_WHY);
}

/*
 * Read the address operands into two sides, the socket (or the line)
 * first, and give them to the mode that joins them (mode_pair(); two that
 * open at once, pair_local_mode()'s, are the relay's).  Frees cl->facts.
 * A pair that cannot be joined exits with a line.
 */
__startup void
pair_build(struct cmdline *cl, int argc, char **argv)
{
	struct options	*o = cl->o;
	struct side	*a = &o->pair[0], *b = &o->pair[1], *t;
	int		 i;

	pair_parse(o, cl->facts, argc, argv);
	/* A recording is played to a socket, as stdin and stdout would be. */
	for (i = 0; i < 2; i++) {
		if (o->pair[i].kind == SIDE_REPLAY &&
		    o->pair[1 - i].kind != SIDE_SOCKET)
			pair_refuse(o, "a recording is played to a socket");
	}
	if (pair_local_mode(o)) {
		pair_join_refusals(o, cl->facts, NULL);
		for (i = 0; i < 2; i++)
			pair_unlink_early(&o->pair[i]);
		goto done;
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
	mode_pair(o, a, b);
	pair_routed_refusals(o, cl->facts, a, b);
done:
	free(cl->facts);
	cl->facts = NULL;
}
