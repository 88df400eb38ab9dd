/*
 * "sockcat ADDRESS ADDRESS" where neither address is a socket to serve:
 * both opened at once and joined by the relay (join_run()), as socat
 * joins them, and what may ride on that relay or not.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>

#include "front.h"

/*
 * What each kind of side is to a pair.  place orders the two: the socket
 * first, then a line (a serial line, a pty), then the end opened for each
 * session.
 */
static const struct pair_kind pair_kinds[] = {
	[SIDE_SOCKET] = { .place = PLACE_SOCKET },
	[SIDE_SERIAL] = { .place = PLACE_LINE },
	[SIDE_PTY] = { .place = PLACE_LINE, .local = 1 },
	[SIDE_STDIO] = { .place = PLACE_NEAR, .near = 1, .local = 1 },
	[SIDE_FILE] = { .place = PLACE_NEAR, .near = 1, .local = 1 },
	[SIDE_FD] = { .place = PLACE_NEAR, .near = 1, .local = 1 },
	[SIDE_EXEC] = { .place = PLACE_NEAR, .near = 1, .local = 1 },
	/* A recording is played as stdin and stdout are. */
	[SIDE_REPLAY] = { .place = PLACE_NEAR },
};

/* sd's kind's row. */
__startup const struct pair_kind *
pair_kind(const struct side *sd)
{
	DEBUG_CHECK((size_t)sd->kind < nitems(pair_kinds),
	    "a kind of side has no row in pair_kinds");
	return (&pair_kinds[sd->kind]);
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
 * The first of sd's socat options that the relay carries out and the
 * shell could not, or NULL (pair_relay_does()).  Beside a socket or a
 * device, each is carried out where it belongs (end_open()): no socket or
 * line takes one (the rows of codec/addr-opts.h), but "!!".
 */
static const char *
pair_local_opt(const struct side *sd)
{
	const struct side_local	*l = &sd->local;

	if (sd->wside != NULL)
		return ("!!");
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
	/* A Unix listener's socket file takes them (unix_server()). */
	if (sd->kind == SIDE_SOCKET)
		return (NULL);
	if (l->cool_write)
		return ("cool-write");
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
	return (sd->kind == SIDE_STDIO && pair_local_opt(sd) == NULL &&
	    sd->local.readbytes < 0);
}

/*
 * Does the relay do for sd what the shell cannot: one of pair_local_opt()'s,
 * or a program's READLINE (prog: the pair has a program)?
 */
static __startup int
pair_relay_does(const struct side *sd, int prog)
{
	return (pair_local_opt(sd) != NULL || (prog && sd->local.readline));
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
	/* nofork: the program's (plain mode). */
	if (a->local.nofork && !pair_nofork_ok(b))
		fatalx("%s: nofork is supported with stdio, a file, a "
		    "descriptor, one connection or each of a stream "
		    "listener's, without TLS", a->text);
	if (a->wside != NULL && !pair_local(a))
		fatalx("%s: the sockets of a dual (!!) address are a UDP-RECV "
		    "or a dialled UDP socket read and a dialled UDP socket "
		    "written, without fork or crlf", a->text);
	if (a->wside != NULL)
		fatalx("%s: !! is supported between two addresses that are "
		    "no sockets or devices", a->text);
	if (a->local.nofork && a->local.pty)
		fatalx("%s: nofork is the program on the connection itself, "
		    "not on a pty", a->text);
}

/*
 * stdio with itself, in socat's grammar (sockcat's refuses it before):
 * exec cat(1) in our place, as socat does; socat's -T, -b, the dumps and
 * the lock, which are the relay's, are refused.
 */
static __startup __dead void
pair_cat(const struct options *o)
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
		fatalx("%s %s: %s not supported here: stdin and stdout with "
		    "themselves are cat's", o->pair[0].text, o->pair[1].text,
		    opt);
	execl("/bin/cat", "cat", (char *)NULL);
	fatal("/bin/cat");
}

/*
 * Two sides that are no sockets, but stdio with itself (pair_cat()):
 * opened at once and joined by the relay (join_run()), as socat's; under
 * sockcat's name, only where the shell cannot (pair_relay_needed()).
 * Returns 1 if so.
 */
__startup int
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
