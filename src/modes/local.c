/*
 * Two sides that are no sockets joined, as socat joins them ("socat -
 * EXEC:cmd,pty", "socat 0!!1 PIPE", "socat -u OPEN:f,readbytes=9 -"):
 * stdin and stdout, a descriptor (FD:N), a file or a named pipe (OPEN:,
 * GOPEN:, CREATE:, PIPE:PATH; a Unix socket's path, connected), a program
 * on pipes or a terminal of its own (EXEC:, SYSTEM:), each read from and
 * written to, or, written "R!!W", read from R and written to W.  One
 * process: each side is opened here and the pump moves the bytes, from
 * the first side to the second and back (-u, -U: one way alone).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"

/* Programs of one relay, at most: one a side, or two of "R!!W" each. */
#define LOCAL_CHILDREN	4

/* The words of an EXEC: command, at most. */
#define LOCAL_WORDS	256

struct lrelay {
	const struct job	*j;
	struct session		*s;
	const struct side	*pty[2]; /* ptys opened, given back at the */
	int			 pty_slave[2]; /* end with their terminals */
	size_t			 npty;
	struct channel		*ch[2];	/* first -> second, second -> first */
	struct child		*child[LOCAL_CHILDREN];
	size_t			 nchild;
	int			 status;
};

/*
 * The paths removed at the end (unlink-close, a named pipe made), also
 * when a signal ends us (from its handler: a fixed table).
 */
static const char	*local_unlink[4];
static volatile int	 local_nunlink;

static void
local_cleanup(int sig)
{
	int	 i;

	(void)sig;
	for (i = 0; i < local_nunlink; i++)
		(void)unlink(local_unlink[i]);
	local_nunlink = 0;
}

/* path is removed when the relay ends, or a signal ends us. */
static void
local_unlink_at_end(const char *path)
{
	static int	 added;

	if (local_nunlink == (int)nitems(local_unlink))
		return;
	if (!added) {
		cleanup_add(local_cleanup);
		added = 1;
	}
	local_unlink[local_nunlink] = path;
	local_nunlink++;
}

/*
 * The endpoint of s that reads fd (given to it) as sd says: as it is,
 * or with ignoreeof, readbytes or escape (reader_endpoint()).  NULL
 * with errno.
 */
static struct endpoint *
local_reader(struct session *s, const struct side *sd, int fd)
{
	struct read_opts	 ro;

	ro.ignoreeof = sd->local.ignoreeof;
	ro.readbytes = sd->local.readbytes;
	ro.escape = sd->local.escape;
	return (reader_endpoint(s, sd->text, fd, &ro));
}

/*
 * user=: the owner of fd (or, -1, of path), a name or a number.  Returns
 * -1 with errno (EINVAL for a user the system does not know).
 */
static int
local_chown(int fd, const char *path, const char *user)
{
	struct passwd	*pw;
	const char	*errstr;
	uid_t		 uid;

	if ((pw = getpwnam(user)) != NULL)
		uid = pw->pw_uid;
	else {
		uid = (uid_t)strtonum(user, 0, UINT_MAX - 1, &errstr);
		if (errstr != NULL) {
			errno = EINVAL;
			return (-1);
		}
	}
	if (fd == -1)
		return (chown(path, uid, (gid_t)-1));
	return (fchown(fd, uid, (gid_t)-1));
}

/*
 * A terminal opened by its path: its modes as l says (raw, echo,
 * opost, speeds), its own back at exit.  Returns -1 with errno (ENOTTY:
 * not a terminal).
 */
static int
local_tty_modes(int fd, const struct side_local *l)
{
	return (tty_modes_set(fd, l->rawer, l->echo, l->opost, l->ispeed,
	    l->ospeed));
}

/*
 * fs-noatime: the file's inode keeps no access times (chattr +A).
 * Returns -1 with errno.
 */
static int
local_fs_noatime(int fd)
{
	int	 flags;

	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == -1)
		return (-1);
	flags |= FS_NOATIME_FL;
	return (ioctl(fd, FS_IOC_SETFLAGS, &flags));
}

/* o-noatime of a descriptor we were given: reads leave its atime. */
static int
local_noatime(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return (-1);
	return (fcntl(fd, F_SETFL, flags | O_NOATIME));
}

/* Is fd a socket (its end a shutdown, not a close)? */
static int
local_is_socket(int fd)
{
	struct stat	 st;

	return (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode));
}

/*
 * Connect to the Unix socket at path (GOPEN: of a socket): a stream, a
 * sequenced-packet or a datagram one, whichever it is.  Returns the
 * descriptor, or -1 with errno.
 */
static int
local_unix(const char *path)
{
	static const int	 types[] = { SOCK_STREAM, SOCK_SEQPACKET,
	    SOCK_DGRAM };
	struct sockaddr_un	 sun;
	size_t			 i;
	int			 fd, error = EPROTOTYPE;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (i = 0; i < nitems(types); i++) {
		if ((fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0)) == -1)
			return (-1);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return (fd);
		error = errno;
		close(fd);
		if (error != EPROTOTYPE)
			break;
	}
	errno = error;
	return (-1);
}

/*
 * Open the file, named pipe or socket of sd for reading (rd), writing
 * (wr) or both, as its options say; *made says whether a named pipe was
 * made for it.  Returns the descriptor, or -1 with errno.
 */
static int
local_file(const struct side *sd, int rd, int wr, int *made)
{
	const struct side_local	*l = &sd->local;
	struct stat		 st;
	mode_t			 old = 0;
	int			 fd, flags, error;

	flags = side_file_flags(sd, rd, wr);
	if (l->umask != -1)
		old = umask(l->umask);
	*made = 0;
	if (l->fifo) {
		if (mkfifo(sd->path, sd->perm != -1 ? sd->perm : 0666) == 0) {
			*made = 1;
			/* Its owner before any wait for its other end. */
			if (l->user != NULL && local_chown(-1, sd->path,
			    l->user) == -1) {
				error = errno;
				(void)unlink(sd->path);
				if (l->umask != -1)
					umask(old);
				errno = error;
				return (-1);
			}
			/*
			 * Made for the relay, it goes with it, as socat's,
			 * also if a signal ends us while it waits.
			 */
			if (l->unlink_close != 0)
				local_unlink_at_end(sd->path);
		}
		else if (errno != EEXIST) {
			error = errno;
			if (l->umask != -1)
				umask(old);
			errno = error;
			return (-1);
		}
	}
	if (stat(sd->path, &st) == 0 && S_ISSOCK(st.st_mode))
		fd = local_unix(sd->path);
	else
		fd = open(sd->path, flags, sd->perm != -1 ? sd->perm : 0666);
	error = errno;
	if (l->umask != -1)
		umask(old);
	/*
	 * A named pipe opened one way waits there for its other end, as
	 * socat's does (nonblock says not); then it is the pump's, which
	 * does not wait.
	 */
	if (fd != -1 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		error = errno;
	if (fd != -1 && l->fs_noatime && local_fs_noatime(fd) == -1) {
		error = errno;
		close(fd);
		fd = -1;
	}
	if (fd != -1 && local_tty_modes(fd, l) == -1) {
		error = errno;
		close(fd);
		fd = -1;
	}
	if (fd != -1 && l->user != NULL && !*made &&
	    local_chown(fd, NULL, l->user) == -1) {
		error = errno;
		close(fd);
		fd = -1;
	}
	if (fd != -1 && l->ftruncate >= 0 && ftruncate(fd, l->ftruncate) ==
	    -1) {
		error = errno;
		close(fd);
		fd = -1;
	}
	errno = error;
	return (fd);
}

/* Make fd blocking again. */
static void
local_blocking(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) != -1 && (flags & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

static void
local_child_exited(struct child *c, void *arg)
{
	struct lrelay	*r = arg;

	(void)c;
	if (r->s != NULL)
		session_check(r->s);
}

/*
 * Start the program of sd, on pipes or a terminal, read from (rd) and
 * written to (wr): a way not used is its own, ours inherited, as socat's
 * is.  Returns its endpoint, or NULL, said in *cause.
 */
static struct endpoint *
local_exec(struct lrelay *r, const struct side *sd, int rd, int wr,
    char **cause)
{
	const struct side_local	*l = &sd->local;
	struct exec_cmd		 cmd;
	struct exec_conn	 ec;
	struct child		*c;
	struct endpoint		*ep;

	if (r->nchild == LOCAL_CHILDREN) {
		log_cause(cause, "too many programs");
		return (NULL);
	}
	/* As socat: the descriptor of a way the program is not used on. */
	if ((!rd && (l->fd_given & 2)) || (!wr && (l->fd_given & 1))) {
		log_cause(cause, "option %s is useless in %s mode",
		    !rd && (l->fd_given & 2) ? "fdout" : "fdin",
		    !rd ? "write-only" : "read-only");
		return (NULL);
	}
	if (side_exec_cmd(sd, &cmd, cause) == -1)
		return (NULL);
	if (side_exec_signals(l) == -1) {
		log_cause(cause, "signal: %s", strerror(errno));
		exec_cmd_free(&cmd);
		return (NULL);
	}
	cmd.keep_in = !wr;
	cmd.keep_out = !rd;
	/*
	 * Ours that it takes is its own now: blocking, as a program
	 * expects (stdio_init() made it not).
	 */
	if (cmd.keep_in)
		local_blocking(STDIN_FILENO);
	if (cmd.keep_out)
		local_blocking(STDOUT_FILENO);
	memset(&ec, 0, sizeof(ec));
	ec.type = SOCK_STREAM;
	/* No connection: of socat's variables, its process ids. */
	ec.socat = sd->socat;
	if (exec_cmd_check(&cmd, cause) == -1 ||
	    (c = exec_spawn(&cmd, &ec, cause)) == NULL) {
		exec_cmd_free(&cmd);
		return (NULL);
	}
	exec_cmd_free(&cmd);
	c->exited_cb = local_child_exited;
	c->arg = r;
	r->child[r->nchild++] = c;
	if ((ep = exec_endpoint(r->s, c)) == NULL)
		log_cause(cause, "%s", strerror(errno));
	return (ep);
}

/*
 * socat's PIPE (its echo) as r's side: a pipe, *out its end written to
 * (when wr), *in its end read from (when rd).  Returns 0, or -1 with
 * *cause set.
 */
static int
local_loop(struct lrelay *r, int rd, int wr, struct endpoint **in,
    struct endpoint **out, char **cause)
{
	int	 p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
		log_cause(cause, "pipe: %s", strerror(errno));
		return (-1);
	}
	/* A way not used: its end goes now. */
	if (!rd) {
		close(p[0]);
		p[0] = -1;
	}
	if (!wr) {
		close(p[1]);
		p[1] = -1;
	}
	if (p[0] != -1 && (*in = session_endpoint(r->s, "PIPE", p[0], -1,
	    EP_SHUT_NONE, 0)) == NULL) {
		close(p[0]);
		if (p[1] != -1)
			close(p[1]);
		log_cause(cause, "%s", strerror(ENOMEM));
		return (-1);
	}
	if (p[1] != -1 && (*out = session_endpoint(r->s, "PIPE", -1, p[1],
	    EP_SHUT_CLOSE, 0)) == NULL) {
		close(p[1]);
		log_cause(cause, "%s", strerror(ENOMEM));
		return (-1);
	}
	return (0);
}

/*
 * A UDP socket of "R!!W" as r's side (src/front/pair.c's
 * pair_dual_udp()): R, a receiver of every peer (UDP-RECV:), bound and
 * read into *in (when rd), or dialled (UDP:) and read so; W, dialled
 * (UDP-SENDTO:, UDP:), written from *out (when wr).  Returns 0, or -1
 * with *cause set.
 */
static int
local_socket(struct lrelay *r, const struct side *sd, int rd, int wr,
    struct endpoint **in, struct endpoint **out, char **cause)
{
	struct net_peer	 peer;
	struct netconn	*nc;
	struct endpoint	*ep;
	char		*why;
	int		 fd;

	if (rd && sd->listen) {
		if ((fd = listen_open(sd, sd->host, 0, cause)) == -1) {
			if (*cause == NULL)
				log_cause(cause, "%s", strerror(errno));
			return (-1);
		}
		if ((*in = dgram_recv_endpoint(r->s, sd, sd->text,
		    fd)) == NULL) {
			log_cause(cause, "%s", strerror(errno));
			return (-1);
		}
	}
	if (sd->listen)
		return (0);
	if ((nc = open_wait(sd, sd->host, sd->ports[0], &(struct dial_how){
	    0 }, &peer, &why)) == NULL) {
		log_cause(cause, "%s", why != NULL ? why : strerror(errno));
		free(why);
		return (-1);
	}
	/*
	 * Read (its datagrams come from its peer alone) or written, as its
	 * half of "R!!W" is.
	 */
	ep = netconn_endpoint(nc, r->s, sd->text, EP_SHUT_NONE,
	    EP_NET | EP_DGRAM, 0);
	netconn_free(nc);
	if (rd)
		*in = ep;
	if (wr)
		*out = ep;
	if (ep == NULL) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Open side sd of r (its first half, for "R!!W"): *in the endpoint it is
 * read from (when rd), *out the one it is written to (when wr); the same
 * one for a program.  Returns 0, or -1 with *cause set.
 */
static int
local_open_one(struct lrelay *r, const struct side *sd, int rd, int wr,
    struct endpoint **in, struct endpoint **out, char **cause)
{
	const char	*name;
	int		 fd, wfd, flags, made, slave;

	*in = *out = NULL;
	/* socat's main process, setsid: ours. */
	if (sd->kind != SIDE_EXEC && sd->local.setsid && setsid() == -1)
		goto fail;
	/* o-noatime of stdin or a descriptor: set on it. */
	if (sd->local.noatime && rd && (sd->kind == SIDE_STDIO ||
	    sd->kind == SIDE_FD) && local_noatime(sd->kind == SIDE_STDIO ?
	    STDIN_FILENO : sd->local.fd) == -1)
		goto fail;
	switch (sd->kind) {
	case SIDE_STDIO:
		/* Read as its options say: a reader of our own. */
		if (rd && (sd->local.ignoreeof || sd->local.readbytes >= 0 ||
		    sd->local.escape != -1)) {
			if ((fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) ==
			    -1 || (*in = local_reader(r->s, sd, fd)) == NULL)
				goto fail;
		} else if (rd)
			*in = stdio_in(r->s, 0);
		if (wr)
			*out = stdio_out(r->s);
		if ((rd && *in == NULL) || (wr && *out == NULL))
			goto fail;
		return (0);
	case SIDE_EXEC:
		/* socat's PIPE: what is written comes back, a pipe's. */
		if (sd->local.loop)
			return (local_loop(r, rd, wr, in, out, cause));
		/* nofork on a pty: run as every program is (local_relay()). */
		if (sd->local.nofork && !sd->local.pty) {
			log_cause(cause, "nofork in a dual (!!) address is not "
			    "supported");
			return (-1);
		}
		if ((*in = local_exec(r, sd, rd, wr, cause)) == NULL)
			return (-1);
		*out = *in;
		if (!rd)
			*in = NULL;
		if (!wr)
			*out = NULL;
		return (0);
	case SIDE_SOCKET:
		return (local_socket(r, sd, rd, wr, in, out, cause));
	case SIDE_FD:
		if ((flags = fcntl(sd->local.fd, F_GETFL)) == -1 ||
		    (fd = fcntl(sd->local.fd, F_DUPFD_CLOEXEC, 3)) == -1)
			goto fail;
		(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
		break;
	case SIDE_PTY:
		if (r->npty == nitems(r->pty)) {
			log_cause(cause, "too many ptys");
			return (-1);
		}
		if ((fd = device_open(sd, &name, &slave)) == -1) {
			log_cause(cause, "cannot be opened");
			return (-1);
		}
		r->pty[r->npty] = sd;
		r->pty_slave[r->npty++] = slave;
		/* perm=, user=: its terminal's, which its link names. */
		if ((sd->perm != -1 && fchmod(slave, sd->perm) == -1) ||
		    (sd->local.user != NULL && local_chown(slave, NULL,
		    sd->local.user) == -1)) {
			close(fd);
			goto fail;
		}
		/* The device's endpoint: its hang-up is an end. */
		if ((*in = device_endpoint(r->s, name, fd)) == NULL)
			goto fail;
		*out = *in;
		if (!rd)
			*in = NULL;
		if (!wr)
			*out = NULL;
		return (0);
	case SIDE_FILE:
		if ((fd = local_file(sd, rd, wr, &made)) == -1)
			goto fail;
		/* unlink-close: any file goes at the end. */
		if (sd->local.unlink_close == 1 && !made)
			local_unlink_at_end(sd->path);
		break;
	default:
		log_cause(cause, "not a file, descriptor or program");
		return (-1);
	}
	/* Its own descriptor each way: each closed as its way ends. */
	wfd = -1;
	if (rd && wr && (wfd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1) {
		close(fd);
		goto fail;
	}
	if (!rd)
		wfd = fd;
	if (rd && (*in = local_reader(r->s, sd, fd)) == NULL) {
		if (wfd != -1)
			close(wfd);
		goto fail;
	}
	if (wr && (*out = session_endpoint(r->s, sd->text, -1, wfd,
	    local_is_socket(wfd) ? EP_SHUT_SOCKET : EP_SHUT_CLOSE, 0)) ==
	    NULL) {
		close(wfd);
		goto fail;
	}
	return (0);

fail:
	log_cause(cause, "%s", strerror(errno));
	return (-1);
}

/*
 * Open side sd of r, read from (rd) into *in and written to (wr) from
 * *out; "R!!W" read from R and written to W, R opened first, as socat
 * does.  Returns 0, or -1 with *cause set.
 */
static int
local_open(struct lrelay *r, const struct side *sd, int rd, int wr,
    struct endpoint **in, struct endpoint **out, char **cause)
{
	struct endpoint	*unused;

	if (sd->wside == NULL)
		return (local_open_one(r, sd, rd, wr, in, out, cause));
	*in = *out = NULL;
	if (rd && local_open_one(r, sd, 1, 0, in, &unused, cause) == -1)
		return (-1);
	if (wr && local_open_one(r, sd->wside, 0, 1, &unused, out,
	    cause) == -1)
		return (-1);
	return (0);
}

/* Has the program of sd options that nofork leaves no room for? */
static int
local_opt_nofork(const struct side *sd)
{
	const struct side_local	*l = &sd->local;

	return (l->stderr_out || l->fdin != STDIN_FILENO ||
	    l->fdout != STDOUT_FILENO || l->rawer != -1 || l->echo != -1 ||
	    l->opost != -1);
}

/*
 * socat's nofork: the program of side i runs in our place, the other
 * side (opened here) its stdin and stdout for the ways used (way[0]:
 * from the first side to the second), ours the others.  Returns only
 * on failure, with *cause set.
 */
static void
local_nofork(const struct side *const *sd, int i, const int *way,
    char **cause)
{
	const struct side	*ex = sd[i], *o = sd[1 - i];
	struct exec_cmd		 cmd;
	char			 words[ADDR_MAX + 1], *argv[LOCAL_WORDS];
	int			 rd = way[1 - i], wr = way[i], fd = -1, made;

	if (o->wside != NULL || o->kind == SIDE_EXEC ||
	    local_opt_nofork(ex)) {
		log_cause(cause, "nofork: the program is run in our place, "
		    "with a file, descriptor or stdio, and no other of its "
		    "options");
		return;
	}
	if (o->kind == SIDE_FD)
		fd = o->local.fd;
	else if (o->kind == SIDE_FILE &&
	    (fd = local_file(o, rd, wr, &made)) == -1) {
		log_cause(cause, "%s: %s", o->text, strerror(errno));
		return;
	}
	/* What the program reads, and where it writes. */
	if ((fd != -1 && ((rd && dup2(fd, STDIN_FILENO) == -1) ||
	    (wr && dup2(fd, STDOUT_FILENO) == -1))) || (ex->local.setsid &&
	    setsid() == -1)) {
		log_cause(cause, "%s: %s", ex->text, strerror(errno));
		return;
	}
	local_blocking(STDIN_FILENO);
	local_blocking(STDOUT_FILENO);
	if (ex->local.argv) {
		if (strlcpy(words, ex->path, sizeof(words)) >= sizeof(words) ||
		    addr_socat_words(words, argv, nitems(argv)) < 1) {
			log_cause(cause, "%s: not a command socat would run",
			    ex->path);
			return;
		}
		execvp(argv[0], argv);
		log_cause(cause, "exec %s: %s", argv[0], strerror(errno));
		return;
	}
	if (exec_cmd_parse(&cmd, ex->path, 1, cause) == -1)
		return;
	execv(cmd.path, cmd.argv);
	log_cause(cause, "exec %s: %s", cmd.path, strerror(errno));
	exec_cmd_free(&cmd);
}

static void
local_finished(struct session *s)
{
	struct lrelay	*r = s->arg;

	if (session_report(s) != 0)
		r->status = 1;
	session_free(s);
	r->s = NULL;
	ev_break();
}

/*
 * Join the job's two sides (side, the first address, and peer) that are
 * no sockets, both ways or, with -u or -U (flow's send_only: the first
 * to the second alone; recv_only: back alone), one.  Returns the exit
 * status: 1 when a side cannot be opened or data was lost.
 */
int
local_relay(const struct job *j)
{
	struct lrelay	 r = { .j = j };
	struct endpoint	*in[2], *out[2];
	const struct side *sd[2] = { j->side, j->peer }, *w;
	char		*cause = NULL;
	int		 way[2], i;
	size_t		 k;

	/* way[0]: from the first side to the second; way[1]: back. */
	way[0] = !j->flow->recv_only;
	way[1] = !j->flow->send_only;
	if ((r.s = session_new(NULL, local_finished, &r)) == NULL)
		fatal("local");
	for (i = 0; i < 2; i++) {
		/*
		 * A program on a pty cannot have the other side as its
		 * stdio: with nofork, socat's system() runs it as its
		 * child, and so is it here, as every program is (nothing
		 * between it and us).
		 */
		if (sd[i]->kind != SIDE_EXEC || !sd[i]->local.nofork ||
		    sd[i]->local.pty)
			continue;
		local_nofork(sd, i, way, &cause);
		log_warnx("%s: %s", sd[i]->text, cause);
		free(cause);
		session_free(r.s);
		return (1);
	}
	for (i = 0; i < 2; i++) {
		if (local_open(&r, sd[i], way[i], way[1 - i], &in[i], &out[i],
		    &cause) == -1) {
			log_warnx("%s: %s", sd[i]->text, cause);
			free(cause);
			session_free(r.s);
			for (k = 0; k < r.nchild; k++)
				exec_release(r.child[k]);
			local_cleanup(0);
			for (k = 0; k < r.npty; k++)
				device_close(r.pty[k], r.pty_slave[k]);
			return (1);
		}
	}
	/* cool-write: a reader gone is a notice (session_report()). */
	for (i = 0; i < 2; i++) {
		w = sd[i]->wside != NULL ? sd[i]->wside : sd[i];
		if (out[i] != NULL && w->local.cool_write)
			out[i]->flags |= EP_COOL;
	}
	for (i = 0; i < 2; i++) {
		/*
		 * An end is passed on, but to a program's terminal, which it
		 * would hang up: its answer is awaited as long as -t says.
		 */
		w = sd[1 - i]->wside != NULL ? sd[1 - i]->wside : sd[1 - i];
		if (way[i] && (r.ch[i] = session_channel(r.s, i == 0 ?
		    "first to second" : "second to first", in[i], out[1 - i],
		    (w->kind == SIDE_EXEC && w->local.pty ? 0 : CH_SHUTDOWN) |
		    CH_COPY)) == NULL)
			fatal("local");
	}
	/* socat's -T, -b and data dumps, as every relay has them. */
	if (j->flow->idle_ms != TIME_NONE)
		session_set_idle(r.s, j->flow->idle_ms);
	for (i = 0; i < 2; i++) {
		if (r.ch[i] == NULL)
			continue;
		if (j->flow->block != 0)
			channel_block(r.ch[i], j->flow->block);
		if (j->run->dump != NULL && channel_tap(r.ch[i], i == 0 ?
		    dump_sent : dump_received, j->run->dump) == -1)
			fatal("local");
		/*
		 * Over when both ways have ended, or, once one has, when
		 * -t's time (half a second without it, as socat's) has
		 * passed: what the other side still had to say is said by
		 * then.
		 */
		if (channel_grace(r.ch[i], j->flow->quit_ms) == -1)
			fatal("local");
	}
	if (session_start(r.s) == -1)
		fatal("local");
	if (r.s != NULL && ev_loop() == -1)
		fatal("poll");
	for (k = 0; k < r.nchild; k++)
		exec_release(r.child[k]);
	local_cleanup(0);
	for (k = 0; k < r.npty; k++)
		device_close(r.pty[k], r.pty_slave[k]);
	return (r.status);
}
