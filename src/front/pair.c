/*
 * "sockcat ADDRESS ADDRESS": each address read once into a side
 * (src/net/side.c), then the two sides given to the mode that joins
 * their kinds, in this process: a socket with standard input and output
 * or a program is plain mode's (-l, -lk -c); two sockets, or a socket
 * and a device, the forwarder's (the listening side's clients, or the
 * first dialled side, joined with the other side opened for each); a
 * device with standard input and output, a program or another device,
 * the device mode's.  No side is written back as options to be read
 * again, and no second program runs a side.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* Is sd a terminal device (serial:, pty:)? */
static int
pair_device(const struct side *sd)
{
	return (sd->kind == SIDE_SERIAL || sd->kind == SIDE_PTY);
}

/* Is sd a socket, dialled or listening? */
static int
pair_socket(const struct side *sd)
{
	return (sd->kind == SIDE_SOCKET);
}

/*
 * What can be known of a device before it is opened: a speed the system
 * has, a serial line that is a character device.
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
 * Open path as the shell's redirection would (flags and mode as for
 * open(2)), following a symbolic link, but not what another user put in
 * a directory like /tmp (sticky and writable by everyone): there a link
 * is followed, and an existing file written to (O_CREAT), only if it is
 * the user's or the directory owner's.  That is the rule of Linux's
 * fs.protected_symlinks and fs.protected_regular, kept whatever the
 * system sets them to.  A name that changes between the look and the
 * open is looked at again.  Returns the descriptor, or -1 with errno and,
 * for a refusal, *why.
 */
static int
pair_open(const char *path, int flags, mode_t mode, const char **why)
{
	struct stat	 dst, st, fst;
	char		 dir[PATH_MAX];
	char		*slash;
	int		 fd, tries;

	*why = NULL;
	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else
		slash[slash == dir ? 1 : 0] = '\0';
	if (stat(dir, &dst) == -1 || !(dst.st_mode & S_ISVTX) ||
	    !(dst.st_mode & S_IWOTH))
		return (open(path, flags, mode));
	for (tries = 0; tries < 3; tries++) {
		if (lstat(path, &st) == -1) {
			if (errno != ENOENT || !(flags & O_CREAT))
				return (-1);
			/* Made here, or nothing: no link planted meanwhile. */
			if ((fd = open(path, flags | O_EXCL | O_NOFOLLOW,
			    mode)) != -1 || errno != EEXIST)
				return (fd);
			continue;
		}
		if (st.st_uid != geteuid() && st.st_uid != dst.st_uid &&
		    (S_ISLNK(st.st_mode) || (flags & O_CREAT))) {
			*why = S_ISLNK(st.st_mode) ? "a symbolic link of "
			    "another user in a sticky directory, not followed" :
			    "a file of another user in a sticky directory, not "
			    "written to";
			errno = EPERM;
			return (-1);
		}
		/* The user's link, which no one else can replace there. */
		if (S_ISLNK(st.st_mode))
			return (open(path, flags, mode));
		if ((fd = open(path, flags | O_NOFOLLOW, mode)) == -1) {
			if (errno == ELOOP)
				continue;
			return (-1);
		}
		if (fstat(fd, &fst) == 0 && fst.st_dev == st.st_dev &&
		    fst.st_ino == st.st_ino)
			return (fd);
		close(fd);
	}
	errno = EAGAIN;
	return (-1);
}

/*
 * A file (the i-th address) in a pair is one direction of standard input
 * and output, as the shell's redirections make it: the first address is
 * read, as "<" would give it (its bytes sent, what comes back on standard
 * output), the second written, created or truncated as ">" would (or
 * appended to, with "append"), with what standard input gives sent the
 * other way; socat's -U, from the second address to the first, the
 * other way round.  It is then "-".
 */
static __startup void
pair_file(struct options *o, int i)
{
	struct side	*sd = &o->pair[i], *other = &o->pair[1 - i];
	const char	*why;
	int		 fd, rd = o->socat_dir == -1 ? i == 1 : i == 0;

	/* As socat, they are: cat, or the program, run in our place. */
	if ((other->kind == SIDE_FILE || other->kind == SIDE_STDIO) &&
	    !o->side.socat)
		pair_refuse(o, "a file with stdin and stdout, or another "
		    "file, is the shell's: use cat");
	if (other->kind == SIDE_EXEC && !o->side.socat)
		pair_refuse(o, "a program with a file is the shell's "
		    "redirection: run it without sockcat");
	if (rd && sd->append)
		pair_refuse(o, o->socat_dir == -1 ? "append is for the "
		    "file written, the first address with -U" : "append is "
		    "for the file written, the second address");
	/* socat's OPEN: opens as its options say, file: as ">" would. */
	if (rd)
		fd = pair_open(sd->path, O_RDONLY | O_CLOEXEC, 0, &why);
	else
		fd = pair_open(sd->path, O_WRONLY | O_CLOEXEC |
		    (sd->append ? O_APPEND : 0) | (sd->oflags != -1 ?
		    sd->oflags : O_CREAT | (sd->append ? 0 : O_TRUNC)),
		    sd->perm != -1 ? sd->perm : 0666, &why);
	if (fd == -1 && why != NULL)
		fatalx("%s: %s", sd->text, why);
	if (fd == -1)
		fatal("%s", sd->text);
	if (dup2(fd, rd ? STDIN_FILENO : STDOUT_FILENO) == -1)
		fatal("dup2");
	close(fd);
	sd->kind = SIDE_STDIO;
}

/*
 * unlink-early: the path of a file, a Unix listener's socket (not an
 * abstract one) or a pty's link is removed before it is opened, as socat
 * does; the file or link not being there is no error.
 */
static __startup void
pair_unlink_early(const struct side *sd)
{
	if (!sd->unlink_early || sd->path == NULL || sd->path[0] == '@')
		return;
	if (unlink(sd->path) == -1 && errno != ENOENT)
		fatal("%s: unlink-early", sd->text);
}

/*
 * As socat, "EXEC:CMD STDIO" (socat's tests and scripts run a program so)
 * is the program itself on our standard input and output: it is run in
 * our place.  With -u or -U too: socat's program inherits the direction
 * not used, and gives the same bytes.
 */
static __startup __dead void
pair_exec_stdio(const struct side *exec)
{
	execl("/bin/sh", "sh", "-c", exec->path, (char *)NULL);
	fatal("/bin/sh");
}

/*
 * The socket side sd with stdin and stdout (stdio) or a program (exec):
 * plain mode, as nc would run it.  A listener serves one client with
 * stdin and stdout, and every client at once with its own program.  An
 * end-of-file is passed on as a shutdown, so that the far side's answer
 * is the last word; but not to a WebSocket, whose close ends both ways
 * (the answers still on their way would be lost).
 */
static __startup void
pair_plain(struct options *o, const struct side *sd, const struct side *exec)
{
	o->side = *sd;
	if (exec != NULL) {
		o->local.exec = exec->path;
		o->local.exec_shell = 1;
		o->side.keep = o->side.listen && !sd->once;
	} else if (!o->side.ws.on)
		o->flow.shut_net = 1;
	o->side.say_refused = 1;
}

/*
 * Two sockets, or a socket and a device: the forwarder's.  The listening
 * side is its listener (a dialled one its one client), and the other its
 * one target: opened for each client of a listener (a device lent to one
 * at a time), or joined once with a dialled side or with the first client
 * of a second listener.
 */
static __startup void
pair_forward(struct options *o, const struct side *a, struct side *b)
{
	o->side = *a;
	o->side.keep = a->listen && !b->listen && !a->once;
	o->side.say_refused = 1;
	o->side.ws.fresh = 1;
	/* Many connections: each WebSocket message compressed afresh. */
	b->ws.fresh = 1;
	o->pairfwd.n = 1;
	o->pairfwd.sides = (struct side *)b;
	o->pairfwd.targets = (char **)&b->text;
	o->pairfwd.peer = *b;
}

/*
 * Are the operands an address pair: two, each an address ("-" or with a
 * scheme: netcat's "host port" never is, a port having none), not both
 * "-"; or one address of a kind we know other than a URL (which the
 * WebSocket client takes itself) or "-"?
 */
__startup int
pair_is(const struct options *o, int argc, char **argv)
{
	if (argc == 2)
		return (addr_looks(argv[0]) && addr_looks(argv[1]) &&
		    (strcmp(argv[0], "-") != 0 || strcmp(argv[1], "-") != 0));
	return (argc == 1 && !o->side.listen && !o->chat &&
	    o->side.sock.family != AF_UNIX && addr_is(argv[0]) &&
	    strcmp(argv[0], "-") != 0 && strncasecmp(argv[0], "ws", 2) != 0);
}

/*
 * Is one of the pair's argc addresses a WebSocket one, which the --ws-*
 * options apply to?
 */
__startup int
pair_has_ws(int argc, char **argv)
{
	int	 i;

	for (i = 0; i < argc; i++) {
		if (strncasecmp(argv[i], "ws://", 5) == 0 ||
		    strncasecmp(argv[i], "wss://", 6) == 0 ||
		    strncasecmp(argv[i], "ws-l:", 5) == 0)
			return (1);
	}
	return (0);
}

/*
 * Read the address operands into the two sides of o->pair and give them
 * to the mode that joins them.  A bad address, or a pair that cannot be
 * joined, exits with one line.
 */
__startup void
pair_build(struct cmdline *cl, int argc, char **argv)
{
	struct options	*o = cl->o;
	struct side	*a = &o->pair[0], *b = &o->pair[1], *t;
	char		*cause;
	int		 i, rc;

	if (o->side.listen || o->side.sock.family == AF_UNIX ||
	    o->side.sock.socktype == SOCK_DGRAM || o->side.sock.vsock ||
	    o->local.exec != NULL || o->fwd.n > 0)
		fatalx("%s %s: the addresses say what -l, -U, -u, --vsock, "
		    "-e, -c and --forward would: not with them", argv[0],
		    argc == 2 ? argv[1] : "-");
	/* -x's chain is shared by the sides that take it: kept here. */
	o->proxy = o->side.proxy;
	for (i = 0; i < 2; i++) {
		rc = side_parse(&o->pair[i], &o->side, i < argc ? argv[i] :
		    "-", &cause);
		/* Read (the side has its copy): argv keeps no code for ps. */
		if (i < argc)
			addr_hide_secret(argv[i]);
		if (rc == -1)
			fatalx("%s: %s", i < argc ? argv[i] : "-", cause);
		/* Read: what ps(1) shows of it keeps no password. */
		if (i < argc)
			opt_hide_url_password(argv[i]);
	}
	o->npair = 2;
	/* --secret for addresses that speak no TLS would protect nothing. */
	if (o->side.tls.secret != NULL && !a->tls.on && !b->tls.on)
		fatalx("--secret: neither address speaks TLS (tls:, tls-l:)");
	for (i = 0; i < 2; i++) {
		pair_unlink_early(&o->pair[i]);
		if (o->pair[i].kind == SIDE_FILE)
			pair_file(o, i);
		pair_device_check(&o->pair[i]);
	}
	/* As socat, stdio with stdio (a file made one above) is cat's. */
	if (a->kind == SIDE_STDIO && b->kind == SIDE_STDIO) {
		if (!o->side.socat)
			pair_refuse(o, "stdin and stdout with themselves is "
			    "cat's");
		execl("/bin/cat", "cat", (char *)NULL);
		fatal("/bin/cat");
	}
	/* The socket or the device first, the near end second. */
	if (a->kind == SIDE_STDIO || a->kind == SIDE_EXEC ||
	    (pair_device(a) && pair_socket(b)) ||
	    (!a->listen && b->listen && pair_socket(a))) {
		t = a;
		a = b;
		b = t;
	}
	if (a->kind == SIDE_EXEC && b->kind == SIDE_EXEC)
		pair_refuse(o, "two programs cannot be joined");
	if (o->side.socat && ((a->kind == SIDE_EXEC && b->kind ==
	    SIDE_STDIO) || (a->kind == SIDE_STDIO && b->kind == SIDE_EXEC)))
		pair_exec_stdio(a->kind == SIDE_EXEC ? a : b);
	/* Either way round: "exec:cat -" is put as "- exec:cat" above. */
	if ((a->kind == SIDE_EXEC && b->kind == SIDE_STDIO) ||
	    (a->kind == SIDE_STDIO && b->kind == SIDE_EXEC))
		pair_refuse(o, "a program on stdin and stdout is itself: run "
		    "it without sockcat");
	if (o->socat_dir != 0 && (b->kind != SIDE_STDIO || pair_device(a)))
		pair_refuse(o, "-u and -U are not supported between two "
		    "sockets, a socket and a program, or with a device");
	if ((a->crlf || b->crlf) && (pair_device(a) || (b->kind !=
	    SIDE_STDIO && b->kind != SIDE_EXEC)))
		pair_refuse(o, "crlf is for a socket joined with stdio or a "
		    "program");
	/*
	 * socat's -t, the wait after stdin's end, is -q's for a dialled
	 * socket with stdin and stdout.  Elsewhere the far end's end is
	 * waited for, as without it: a listener's stdin may end before its
	 * client comes, and -q would lose the client's bytes.
	 */
	if (o->socat_quit && b->kind == SIDE_STDIO && !a->listen &&
	    !pair_device(a) && !(o->socat_dir != 0 && (o->socat_dir == 1) ==
	    (a == &o->pair[0])) && a->sock.socktype != SOCK_DGRAM)
		o->flow.quit_ms = o->socat_quit_ms;
	/*
	 * A dialled datagram socket reads no end-of-file: after stdin's end
	 * socat reads its answers for -t's time (half a second unless said),
	 * where -q would stop reading at once; --quit-after's wait is that.
	 */
	if (o->side.socat && b->kind == SIDE_STDIO && !a->listen &&
	    a->kind == SIDE_SOCKET && a->sock.socktype == SOCK_DGRAM &&
	    o->flow.deadline_ms == TIME_NONE)
		o->flow.deadline_ms = o->socat_quit ? o->socat_quit_ms :
		    SOCAT_QUIT_MS;
	if (pair_device(a)) {
		/* A device with stdio, a program or another device. */
		o->side = *a;
		o->devmode = 1;
		o->devpeer = pair_device(b) ? b : NULL;
		if (b->kind == SIDE_EXEC) {
			o->local.exec = b->path;
			o->local.exec_shell = 1;
		}
		return;
	}
	if (b->kind == SIDE_STDIO || b->kind == SIDE_EXEC)
		pair_plain(o, a, b->kind == SIDE_EXEC ? b : NULL);
	else
		pair_forward(o, a, b);
	/* socat's crlf: LF becomes CRLF to the socket, CRs go from it. */
	if (a->crlf)
		o->flow.socat_crlf = 1;
	/*
	 * socat's -u sends from the first address to the second alone, -U
	 * the other way: the socket is only read from, or only written to.
	 */
	if (o->socat_dir != 0 && (o->socat_dir == 1) == (a == &o->pair[0])) {
		o->flow.recv_only = 1;
		/*
		 * Nothing goes to a TLS socket read alone, and no close_notify
		 * either, as socat sends none: a DTLS peer (or a TLS one that
		 * takes it as the end) would stop sending.
		 */
		if (o->side.tls.on)
			o->flow.shut_net = 0;
	} else if (o->socat_dir != 0)
		o->flow.send_only = 1;
	/* What the side's layers learn of the mode (step_last()). */
	o->side.dgram_peers = o->side.tls.on ||
	    (o->side.keep && o->local.exec != NULL);
	o->side.ws.cgi = o->local.exec != NULL;
}
