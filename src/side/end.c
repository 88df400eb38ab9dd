/*
 * Opening a side into the endpoints of a session (struct end): one row per
 * kind, what its descriptor is and its opener.  A stream socket is opened
 * by open_start() or the listener, its connection made an end by
 * end_netconn(); end_close() gives back what an end holds besides its
 * endpoints (a line's lock, a link).  Paths are opened by endfile.c; each
 * kind's names and grammar are the codec's (src/codec/addr-kinds.h).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "side.h"
#include "end-int.h"

struct kind;
/*
 * A kind's opener: sd into e.  Returns -1 with *cause set, or with errno
 * alone (end_open_one() says it).
 */
typedef int end_open_fn(const struct side *, struct session *,
    const struct end_how *, struct end *, char **);

static end_open_fn	end_stdio, end_fd, end_file, end_program, end_line,
			end_dgram;

/*
 * Each kind of side (SIDE_SOCKET, and SIDE_NAME of each OWN row of
 * addr-kinds.h): what its opened descriptor is (END_*) and its opener.
 * A socket's opener is that of "R!!W"'s datagram halves: a stream's
 * connection is the dial's or the listener's.
 */
static const struct kind {
	int		 is;
	end_open_fn	*open;
} kinds[] = {
	[SIDE_SOCKET] =	{ END_SOCKET | END_NET,	end_dgram },
	[SIDE_STDIO] =	{ END_STDIO,		end_stdio },
	[SIDE_EXEC] =	{ END_PROGRAM,		end_program },
	[SIDE_FILE] =	{ END_FILE,		end_file },
	[SIDE_SERIAL] =	{ END_LINE,		end_line },
	[SIDE_PTY] =	{ END_LINE,		end_line },
	[SIDE_FD] =	{ 0,			end_fd },
	[SIDE_REPLAY] =	{ END_REPLAY,		replay_open },
};

/*
 * An endpoint of s named name that reads fd (given to it) as sd says: as
 * it is, or with ignoreeof, escape or o-direct; readbytes is its way's
 * (join_way()).  NULL with errno.
 */
static struct endpoint *
end_reader(struct session *s, const struct side *sd, const char *name,
    int fd)
{
	struct read_opts	 ro;

	ro.ignoreeof = sd->local.ignoreeof;
	ro.escape = sd->local.escape;
	ro.direct = sd->local.direct;
	return (stdio_reader_endpoint(s, name, fd, &ro));
}

/*
 * Make fd, opened for sd, e's endpoints of s: read (how->rd) and written
 * (how->wr), each way its own descriptor, closed as it ends.  fd is given
 * to them.  Returns -1 with errno.
 */
static int
end_fd_ways(const struct side *sd, struct session *s, int fd,
    const struct end_how *how, struct end *e)
{
	struct stat	 st;
	int		 wfd = -1;

	if (how->rd && how->wr &&
	    (wfd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return (net_close_err(fd));
	if (!how->rd)
		wfd = fd;
	if (how->rd && (e->rd = end_reader(s, sd, sd->text, fd)) == NULL)
		return (wfd != -1 ? net_close_err(wfd) : -1);
	if (fstat(wfd != -1 ? wfd : fd, &st) == 0) {
		e->is |= S_ISSOCK(st.st_mode) ? END_SOCKET :
		    S_ISREG(st.st_mode) ? END_FILE : 0;
		if (isatty(wfd != -1 ? wfd : fd))
			e->is |= END_TTY;
	}
	if (how->wr && (e->wr = session_endpoint(s, sd->text, -1, wfd,
	    (e->is & END_SOCKET) ? EP_SHUT_SOCKET : EP_SHUT_CLOSE, 0)) ==
	    NULL)
		return (net_close_err(wfd));
	return (0);
}

/*
 * Set the terminal modes sd's options say on fd of e, put back at exit;
 * refused when fd is no terminal.  Returns -1 with *cause set.
 */
static int
end_tty(const struct side *sd, int fd, struct end *e, char **cause)
{
	const struct side_local	*l = &sd->local;

	if (!tty_want_any(&l->tty))
		return (0);
	if (!isatty(fd)) {
		log_cause(cause, "%s is a terminal's option, and this is no "
		    "terminal", tty_want_name(&l->tty));
		return (-1);
	}
	e->is |= END_TTY;
	if (tty_modes_set(fd, &l->tty) == -1) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * stdin (or --fifo's FIFO) and stdout: stdin read as sd's options say, its
 * terminal in the modes they say.
 */
static __shortrun int
end_stdio(const struct side *sd, struct session *s, const struct end_how *how,
    struct end *e, char **cause)
{
	int	 fd;

	if (how->rd && sd->fifo != NULL)
		e->rd = fifo_in(s);
	else if (how->rd && (sd->local.ignoreeof || sd->local.escape != -1)) {
		/* Read as its options say: a reader of our own. */
		if ((fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) == -1)
			return (-1);
		e->rd = end_reader(s, sd, "stdin", fd);
	} else if (how->rd)
		e->rd = stdio_in(s, 0);
	if (how->wr)
		e->wr = stdio_out(s);
	if ((how->rd && e->rd == NULL) || (how->wr && e->wr == NULL))
		return (-1);
	if (isatty(STDIN_FILENO))
		e->is |= END_TTY;
	if (stdio_tty_modes(&sd->local.tty) == -1) {
		if (errno == ENOTTY)
			log_cause(cause, "%s is a terminal's option, and stdin "
			    "is no terminal", tty_want_name(&sd->local.tty));
		else
			log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* socat's FD:N: a descriptor inherited, each way a duplicate of it. */
static int
end_fd(const struct side *sd, struct session *s, const struct end_how *how,
    struct end *e, char **cause)
{
	int	 fd;

	if ((fd = fcntl(sd->local.fd, F_DUPFD_CLOEXEC, 3)) == -1 ||
	    end_fl_set(fd, O_NONBLOCK, 1) == -1 ||
	    end_tty(sd, fd, e, cause) == -1)
		return (fd != -1 ? net_close_err(fd) : -1);
	return (end_fd_ways(sd, s, fd, how, e));
}

/*
 * A file, a named pipe (made for PIPE:PATH) or the Unix socket at its
 * path, opened as its options say; unlink-close removes it at the end.
 * A side opened once (side_local.once) keeps its first opening for the
 * process's life: each later session has a duplicate of it.
 */
static int
end_file(const struct side *sd, struct session *s, const struct end_how *how,
    struct end *e, char **cause)
{
	static const struct side	*held_sd;
	static int			 held_fd = -1;
	const char			*why;
	int				 fd, made, flags;

	/*
	 * o-direct: read in whole blocks (reader_direct()); what is written
	 * comes in any length.
	 */
	if (sd->local.direct && how->wr) {
		log_cause(cause, "o-direct is carried out on a file read alone "
		    "(a file written with it would take whole blocks only)");
		return (-1);
	}
	if (held_sd == sd) {
		if ((fd = fcntl(held_fd, F_DUPFD_CLOEXEC, 3)) == -1)
			return (-1);
		goto opened;
	}
	flags = side_file_flags(sd, how->rd, how->wr);
	/*
	 * sockcat's ">" makes its file anew once: a later session's bytes
	 * come after those of the sessions before.
	 */
	if (how->again && sd->local.stdio != 0)
		flags = (flags & ~O_TRUNC) | O_APPEND;
	if ((fd = end_open_path(sd, flags, &made, &why)) == -1) {
		if (errno == EINVAL && sd->local.direct)
			why = "o-direct: the file system refuses direct I/O "
			    "(Invalid argument)";
		log_cause(cause, "%s", why != NULL ? why : strerror(errno));
		return (-1);
	}
	if (sd->local.once) {
		if ((held_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
			return (net_close_err(fd));
		held_sd = sd;
	}
opened:
	if (end_tty(sd, fd, e, cause) == -1)
		return (net_close_err(fd));
	return (end_fd_ways(sd, s, fd, how, e));
}

/*
 * Start sd's program, the one place one is started (exec_spawn()), told of
 * its connection by ec (NULL: none), read from when rd and written to when
 * wr (a way not used is ours, inherited, as socat's).  Returns the child,
 * or NULL with *cause set (or unset where exec_spawn() said it).
 */
struct child *
end_program_start(const struct side *sd, const struct exec_conn *ec, int rd,
    int wr, char **cause)
{
	const struct side_local	*l = &sd->local;
	struct exec_cmd		 cmd;
	struct exec_conn	 none;
	struct child		*c;

	/* As socat: the descriptor of a way the program is not used on. */
	if ((!rd && (l->fd_given & 2)) || (!wr && (l->fd_given & 1))) {
		log_cause(cause, "option %s is useless in %s mode",
		    !rd && (l->fd_given & 2) ? "fdout" : "fdin",
		    !rd ? "write-only" : "read-only");
		return (NULL);
	}
	/* socat's sigint, sighup, sigquit: for the programs, not us. */
	if (side_exec_signals(l) == -1) {
		log_cause(cause, "%s", strerror(errno));
		return (NULL);
	}
	if (side_exec_cmd(sd, &cmd, cause) == -1)
		return (NULL);
	SIDE_TAKEN(local.run);
	SIDE_TAKEN(local.pty);
	cmd.keep_in = !wr;
	cmd.keep_out = !rd;
	/* Ours that it takes is its own now: blocking, as it expects. */
	if (cmd.keep_in)
		(void)end_fl_set(STDIN_FILENO, O_NONBLOCK, 0);
	if (cmd.keep_out)
		(void)end_fl_set(STDOUT_FILENO, O_NONBLOCK, 0);
	if (ec == NULL) {
		/* No connection: of socat's variables, its process ids. */
		none = (struct exec_conn){ .type = SOCK_STREAM };
		ec = &none;
	}
	/*
	 * No exec_cmd_check() first: the exec's own failure comes back
	 * with the same words, and a server starting a program for each
	 * client would look it up twice each time.
	 */
	c = exec_spawn(&cmd, ec, cause);
	exec_cmd_free(&cmd);
	return (c);
}

/*
 * Put back to their default the signals sockcat ignores (SIGPIPE), which
 * an exec would leave ignored, as exec_spawn() gives every program; *set
 * says which, for end_program_ignore() should the exec fail.  Handlers of
 * ours an exec puts back itself.
 */
static void
end_program_default(sigset_t *set)
{
	struct sigaction sa, old;
	sigset_t	 ours;
	int		 sig;

	cleanup_sigset(&ours);
	sigemptyset(set);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(&ours, sig) != 1 ||
		    sigaction(sig, NULL, &old) == -1 ||
		    old.sa_handler != SIG_IGN)
			continue;
		if (sigaction(sig, &sa, NULL) == 0)
			sigaddset(set, sig);
	}
}

/* The exec failed: ignore again what end_program_default() put back. */
static void
end_program_ignore(const sigset_t *set)
{
	struct sigaction sa;
	int		 sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(set, sig) == 1)
			(void)sigaction(sig, &sa, NULL);
	}
}

/*
 * socat's nofork: exec sd's program in our place, fd its stdin when rd and
 * its stdout when wr (-1: ours).  Returns only on failure, with *cause
 * set.
 */
void
end_program_here(const struct side *sd, int fd, int rd, int wr, char **cause)
{
	struct exec_cmd	 cmd;
	sigset_t	 undo;
	int		 error;

	if (side_exec_cmd(sd, &cmd, cause) == -1)
		return;
	if ((fd != -1 && ((rd && dup2(fd, STDIN_FILENO) == -1) ||
	    (wr && dup2(fd, STDOUT_FILENO) == -1))) ||
	    (sd->local.setsid && setsid() == -1)) {
		log_cause(cause, "%s: %s", sd->text, strerror(errno));
		exec_cmd_free(&cmd);
		return;
	}
	/* Blocking, as the program expects. */
	(void)end_fl_set(STDIN_FILENO, O_NONBLOCK, 0);
	(void)end_fl_set(STDOUT_FILENO, O_NONBLOCK, 0);
	end_program_default(&undo);
	execvp(cmd.path, cmd.argv);
	error = errno;
	end_program_ignore(&undo);
	log_cause(cause, "exec %s: %s", cmd.path, strerror(error));
	exec_cmd_free(&cmd);
}

/*
 * A program on pipes or a terminal of its own (its child in e), told of
 * its connection (how->conn), or how->child if started already; socat's
 * echo with no connection is a pipe.
 */
static int
end_program(const struct side *sd, struct session *s,
    const struct end_how *how, struct end *e, char **cause)
{
	struct endpoint	*ep;
	int		 p[2];

	/* Joined with no connection, socat's echo is a pipe of ours. */
	if (sd->local.loop && how->conn == NULL && how->child == NULL) {
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
			return (-1);
		e->rd = session_endpoint(s, "PIPE", p[0], -1, EP_SHUT_NONE, 0);
		e->wr = session_endpoint(s, "PIPE", -1, p[1], EP_SHUT_CLOSE, 0);
		return (e->rd == NULL || e->wr == NULL ? -1 : 0);
	}
	if ((e->child = how->child) == NULL &&
	    (e->child = end_program_start(sd, how->conn, how->rd, how->wr,
	    cause)) == NULL)
		return (-1);
	if (e->child->pty != -1)
		e->is |= END_TTY;
	if ((ep = exec_endpoint(s, e->child)) == NULL)
		return (-1);
	e->rd = how->rd ? ep : NULL;
	e->wr = how->wr ? ep : NULL;
	return (0);
}

/*
 * Open sd's line (serial:, pty:, its terminal side's mode and owner as
 * perm=, user= and group= say).  Returns its descriptor, *name (what it
 * is) and *slave (a pty's terminal side, kept open; -1 for a serial line),
 * or -1 with *cause set.  With pty-wait-slave *slave is -1 and the loop
 * runs until another process opens the terminal side (so never from a
 * callback), whose close is the end.
 */
int
end_device_open(const struct side *sd, const char **name, int *slave,
    char **cause)
{
	char		 speed[32], tty[64];
	int		 fd;

	*slave = -1;
	*cause = NULL;
	if (sd->kind == SIDE_SERIAL) {
		*name = "serial line";
		if ((fd = serial_open(sd->path, sd->speed, sd->crtscts,
		    cause)) == -1)
			goto fail;
		/* socat's modes over ours: its own come back at the end. */
		if (tty_modes_apply(fd, &sd->local.tty) == -1) {
			log_cause(cause, "%s: %s", sd->path, strerror(errno));
			close(fd);
			return (-1);
		}
		snprintf(speed, sizeof(speed), "%lu", sd->speed);
		log_verbose(1, "Serial line %s raw, 8N1 at %s", sd->path,
		    sd->speed != 0 ? speed : "its own speed");
		return (fd);
	}
	*name = "terminal";
	/* The terminal side stays open until exit (ptylink_open()). */
	if ((fd = ptylink_open(sd->path, &sd->local.tty, slave, tty,
	    sizeof(tty), cause)) == -1)
		goto fail;
	/* Its terminal side's mode and owner, before it is opened. */
	if ((sd->perm != -1 && fchmod(*slave, sd->perm) == -1) ||
	    path_chown(*slave, NULL, sd->local.user, sd->local.group,
	    NULL) == -1)
		goto release;
	/*
	 * socat's PTY says its name, with a link or without; ours names the
	 * link, where there is one.
	 */
	if (sd->dialect->pty_named)
		log_verbose(1, "PTY is %s", tty);
	else if (sd->path != NULL)
		log_verbose(1, "Terminal %s at %s", tty, sd->path);
	else
		log_verbose(1, "Terminal %s", tty);
	if (!sd->pty_wait)
		return (fd);
	close(*slave);
	*slave = -1;
	log_verbose(1, "Waiting for %s to be opened", tty);
	if (ptylink_wait_slave(fd, sd->pty_interval_ms > 0 ?
	    sd->pty_interval_ms : PTY_INTERVAL_MS) == 0)
		return (fd);

release:
	log_cause(cause, "%s", strerror(errno));
	ptylink_release(sd->path, *slave);
	*slave = -1;
	close(fd);
	return (-1);

fail:
	if (*cause == NULL)
		log_cause(cause, "%s", strerror(errno));
	return (-1);
}

/*
 * Give back sd's line that end_device_open() opened (its descriptor is its
 * session's to close): a serial line's modes and lock, a pty's link and
 * terminal side (slave).
 */
void
end_device_close(const struct side *sd, int slave)
{
	if (sd->kind == SIDE_SERIAL)
		serial_release(sd->path);
	else
		ptylink_release(sd->path, slave);
}

/*
 * Make a line's descriptor fd e's one endpoint of s, both ways, named
 * name; its hang-up is its end.  fd is given to it.  Returns -1 with errno
 * (fd closed).
 */
int
end_device(struct end *e, const struct side *sd, struct session *s,
    const char *name, int fd)
{
	e->sd = sd;
	e->is |= END_LINE | END_TTY;
	if ((e->rd = e->wr = device_endpoint(s, name, fd)) == NULL) {
		close(fd);
		return (-1);
	}
	return (0);
}

/* A serial line, or a pty made for it; its hang-up is its end. */
static int
end_line(const struct side *sd, struct session *s, const struct end_how *how,
    struct end *e, char **cause)
{
	const char	*name;
	int		 fd;

	if ((fd = end_device_open(sd, &name, &e->slave, cause)) == -1)
		return (-1);
	e->line = sd;
	if (end_device(e, sd, s, name, fd) == -1)
		return (-1);
	if (!how->rd)
		e->rd = NULL;
	if (!how->wr)
		e->wr = NULL;
	return (0);
}

/*
 * Should the receiver arg read a datagram from ss?  Only if its gate
 * admits the sender, as a listener's client (a refusal said); nobody is
 * answered, so no place is kept.
 */
static int
end_recv_keep(void *arg, const struct sockaddr_storage *ss, socklen_t len)
{
	const struct side	*sd = arg;
	struct net_peer		 np;
	struct netconn		*nc;
	int			 v;

	if (udp_unnamed(ss, len))
		return (1);
	memcpy(&np.ss, ss, len);
	np.len = len;
	v = listen_admit(sd, &np, &nc);
	netconn_free(nc);
	return (v == GATE_ADMIT);
}

static const struct ep_ops end_recv_ops = {
	.read = udp_recv_kept,
	.recvmmsg = udp_recvmmsg_kept,
	.keep = end_recv_keep,
};

/*
 * A UDP half of "R!!W" (pair_dual_udp()): a receiver of every peer bound
 * and read (socat's UDP-RECV: as R), from every sender sd's gate admits;
 * or a dialled socket read, written or both.  Dialled before the loop
 * runs: nothing else waits meanwhile.
 */
static int
end_dgram(const struct side *sd, struct session *s, const struct end_how *how,
    struct end *e, char **cause)
{
	struct net_peer	 peer;
	struct netconn	*nc;
	struct endpoint	*ep;
	char		*why;
	int		 fd;

	if (how->rd && sd->listen) {
		if ((fd = listen_open(sd, sd->host, 0, cause)) == -1)
			return (-1);
		if ((e->rd = session_endpoint(s, sd->text, fd, -1,
		    EP_SHUT_NONE, EP_NET | EP_DGRAM)) == NULL)
			return (net_close_err(fd));
		e->rd->ops = &end_recv_ops;
		e->rd->data = (void *)sd;
	}
	if (sd->listen)
		return (0);
	if ((nc = open_wait(sd, sd->host, sd->ports[0], &(struct dial_how){
	    0 }, &peer, &why)) == NULL) {
		log_cause(cause, "%s", why != NULL ? why : strerror(errno));
		free(why);
		return (-1);
	}
	ep = netconn_endpoint(nc, s, sd->text, EP_SHUT_NONE, EP_NET | EP_DGRAM,
	    0);
	netconn_free(nc);
	if (ep == NULL)
		return (-1);
	e->rd = how->rd ? ep : NULL;
	e->wr = how->wr ? ep : NULL;
	return (0);
}

/*
 * Open sd (a whole side, or a half of "R!!W") into e as its kind's row
 * says.  Returns -1 with *cause set.
 */
static __shortrun int
end_open_one(const struct side *sd, struct session *s,
    const struct end_how *how, struct end *e, char **cause)
{
	const struct kind	*k = &kinds[sd->kind];
	struct end_how		 own = *how;

	e->is |= k->is;
	/* sockcat's file in place of stdin or stdout: the other is theirs. */
	if (sd->local.stdio != 0) {
		own.rd = how->rd && (sd->local.stdio & SIDE_STDIO_IN);
		own.wr = how->wr && (sd->local.stdio & SIDE_STDIO_OUT);
		e->is |= END_STDIO;
		if ((how->rd && !own.rd && (e->rd = stdio_in(s, 0)) == NULL) ||
		    (how->wr && !own.wr && (e->wr = stdio_out(s)) == NULL))
			goto fail;
		if (!own.rd && !own.wr)
			return (0);
	}
	/*
	 * socat's main process, setsid: ours, made once (stdio beside a
	 * listener is opened for each client in turn).
	 */
	if (sd->kind != SIDE_EXEC && sd->local.setsid &&
	    getsid(0) != getpid() && setsid() == -1)
		goto fail;
	/* o-noatime and a lock are of stdio or a descriptor. */
	if (sd->kind == SIDE_STDIO || sd->kind == SIDE_FD) {
		if (sd->local.noatime && how->rd &&
		    end_fl_set(sd->kind == SIDE_STDIO ? STDIN_FILENO :
		    sd->local.fd, O_NOATIME, 1) == -1)
			goto fail;
		/* Of stdio, the way written, as socat's. */
		if (sd->local.lock != 0 && end_lock(sd->kind == SIDE_FD ?
		    sd->local.fd : how->wr ? STDOUT_FILENO : STDIN_FILENO,
		    sd->local.lock) == -1)
			goto fail;
	}
	if (k->open(sd, s, &own, e, cause) == -1)
		goto fail;
	/* cool-write: a reader gone is a notice (session_report()). */
	if (e->wr != NULL && sd->local.cool_write)
		e->wr->flags |= EP_COOL;
	return (0);

fail:
	if (*cause == NULL)
		log_cause(cause, "%s", strerror(errno));
	return (-1);
}

/*
 * Open side sd into e: the endpoints of s it is read from (how->rd) and
 * written to (how->wr), and what it holds besides (end_close()); "R!!W"
 * opens R first, as socat does.  A socket's connection is end_netconn()'s.
 * Returns -1 with *cause set (e holds what was opened: end_close() it).
 */
__shortrun int
end_open(const struct side *sd, struct session *s, const struct end_how *how,
    struct end *e, char **cause)
{
	struct end_how	 one = *how;
	struct end	 w = { .slave = -1 };

	*e = (struct end){ .sd = sd, .slave = -1 };
	*cause = NULL;
	if (sd->wside == NULL)
		return (end_open_one(sd, s, how, e, cause));
	one.wr = 0;
	if (how->rd && end_open_one(sd, s, &one, e, cause) == -1)
		return (-1);
	if (!how->wr)
		return (0);
	one.rd = 0;
	one.wr = 1;
	if (end_open_one(sd->wside, s, &one, &w, cause) == -1)
		return (-1);
	e->wr = w.wr;
	e->is |= w.is;
	/*
	 * e holds one program.  A second, the written half's, is let go
	 * now, its pipes the session's: the exec layer frees it when it
	 * is reaped (a pointer dropped here was a leak once it exited),
	 * and ends it with sockcat.  One on a terminal keeps its place.
	 */
	if (e->child == NULL)
		e->child = w.child;
	else if (w.child != NULL && w.child->pty == -1)
		exec_release(w.child);
	/* Its line, if one half is one (not both: refused when read). */
	if (e->line == NULL) {
		e->line = w.line;
		e->slave = w.slave;
	}
	return (0);
}

/*
 * Make connection nc (over its TLS or WebSocket) e's one endpoint of s,
 * both ways, named name, ended as shut says, with flags and wsflags
 * (netconn_endpoint()).  nc stays the caller's to free, with its place at
 * the gate.  Returns -1 with errno.
 */
__shortrun int
end_netconn(struct end *e, const struct side *sd, struct netconn *nc,
    struct session *s, const char *name, enum ep_shut shut, int flags,
    int wsflags)
{
	*e = (struct end){ .sd = sd, .slave = -1, .is = END_SOCKET | END_NET };
	/* cool-write: a peer gone is a notice (session_report()). */
	if (sd->local.cool_write)
		flags |= EP_COOL;
	if ((e->rd = netconn_endpoint(nc, s, name, shut, flags, wsflags)) ==
	    NULL)
		return (-1);
	e->wr = e->rd;
	return (0);
}

/*
 * Give back what e holds besides its endpoints (a line's modes, lock or
 * link); its program is its owner's to reap and release.
 */
void
end_close(struct end *e)
{
	if (e->line != NULL)
		end_device_close(e->line, e->slave);
	e->line = NULL;
	e->slave = -1;
}
