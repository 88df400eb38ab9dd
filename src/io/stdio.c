/*
 * The stdio endpoints: standard input and output as the pump sees them;
 * and a descriptor read with socat's options (ignoreeof, escape, a file's
 * o-direct), stdin among them.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/timerfd.h>

#include <linux/magic.h>

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "io.h"

static const struct ep_ops *stdio_out_ops; /* stdout writes, or NULL */
static int		stdio_flags[2] = { -1, -1 };
static int		stdin_ended;
static struct termios	stdio_termios;	/* The terminal's own modes. */
static struct termios	stdio_termios_ours; /* The modes set on it. */
static int		stdio_termios_saved;
static off_t		stdin_start = -1;	/* stdin's offset at the start. */
static int		stdio_cbreak;	/* Set by stdio_tty_raw(0): cbreak. */
/* Continued after a stop (stdio_tty_tstp()): what was shown is gone. */
static volatile sig_atomic_t stdio_continued;

/* Put the flags of stdin and stdout, and the terminal, back as they were. */
static void
stdio_restore(void)
{
	int	 fd;

	for (fd = 0; fd < 2; fd++) {
		if (stdio_flags[fd] != -1)
			fcntl(fd, F_SETFL, stdio_flags[fd]);
	}
	if (stdio_termios_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &stdio_termios);
}

static __shortrun void
stdio_cleanup(int sig)
{
	/*
	 * ^C at the line editor, whose echo is off: shown as the terminal
	 * would have, before the shell's prompt.
	 */
	if (sig == SIGINT && stdio_cbreak &&
	    (stdio_termios.c_lflag & (ECHO | ECHOCTL)) == (ECHO | ECHOCTL))
		log_write_quiet(STDIN_FILENO, "^C", 2);
	stdio_restore();
}

/*
 * SIGTSTP: give the terminal its modes back and stop, as ssh does; on
 * continue, ours again and SIGWINCH raised, for the size to be sent or
 * the line redrawn.  Async-signal-safe.
 */
static void
stdio_tty_tstp(int sig)
{
	struct sigaction sa, old;
	sigset_t	 set, saved;
	int		 errsave = errno;

	if (stdio_termios_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &stdio_termios);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, &old);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, &saved);
	raise(sig);
	/* Continued (SIGCONT). */
	sigprocmask(SIG_SETMASK, &saved, NULL);
	sigaction(sig, &old, NULL);
	if (stdio_termios_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &stdio_termios_ours);
	stdio_continued = 1;
	raise(SIGWINCH);
	errno = errsave;
}

/*
 * Has the process been stopped and continued since the last call (the
 * screen is the shell's, and a line drawn is no longer where it was)?
 */
int
stdio_tty_continued(void)
{
	int	 was = stdio_continued;

	stdio_continued = 0;
	return (was);
}

/*
 * Save stdin's modes (once) and set w's, or cbreak or raw (these two put
 * back while stopped, stdio_tty_tstp()).  Returns -1 with errno.
 */
static int
stdio_tty_set(int raw, const struct tty_want *w)
{
	struct sigaction sa;
	struct termios	 t;

	if (stdio_termios_saved)
		return (0);
	if (tcgetattr(STDIN_FILENO, &stdio_termios) == -1)
		return (-1);
	t = stdio_termios;
	if (w != NULL) {
		if (tty_modes(&t, w) == -1)
			return (-1);
		cleanup_add(stdio_cleanup);
	} else {
		if (raw)
			cfmakeraw(&t);
		else
			t.c_lflag &= ~(ICANON | ECHO | IEXTEN);
		stdio_cbreak = !raw;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = stdio_tty_tstp;
		cleanup_sigaction(SIGTSTP, &sa, NULL);
	}
	stdio_termios_ours = t;
	stdio_termios_saved = 1;
	cleanup_on_signals();
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) == -1) {
		stdio_termios_saved = stdio_cbreak = 0;
		return (-1);
	}
	return (0);
}

/*
 * Put the terminal on stdin in cbreak mode without echo, or with raw
 * (--raw) let every byte through untouched; ^Z stops (stdio_tty_tstp()).
 * stdio_restore() undoes it, also on a fatal signal.  Returns -1 with
 * errno (ENOTTY) if stdin is no terminal or cannot be changed.
 */
int
stdio_tty_raw(int raw)
{
	return (stdio_tty_set(raw, NULL));
}

/*
 * socat's modes (w) for the terminal on stdin; stdio_restore() puts its
 * own back, also on a fatal signal.  Returns -1 with errno (ENOTTY).
 */
__startup int
stdio_tty_modes(const struct tty_want *w)
{
	return (tty_want_any(w) ? stdio_tty_set(0, w) : 0);
}

/*
 * Give stdin's terminal its modes back for good (a --raw listener's client
 * left); nothing if never set.
 */
void
stdio_tty_unset(void)
{
	if (!stdio_termios_saved)
		return;
	stdio_termios_saved = stdio_cbreak = 0;
	tcsetattr(STDIN_FILENO, TCSADRAIN, &stdio_termios);
}

/*
 * Reopen the pipe on fd through /proc, so that O_NONBLOCK is not set for
 * the others who share it (a shell's loop).  Pipes only: a reopened named
 * pipe would never report its writers' end to epoll.  Returns -1 where it
 * cannot be.
 */
static __startup int
stdio_reopen(int fd, int flags)
{
	struct statfs	 sfs;
	char		 path[32];
	int		 nfd, r;

	if (fstatfs(fd, &sfs) == -1 || sfs.f_type != PIPEFS_MAGIC)
		return (-1);
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((nfd = open(path, (flags & O_ACCMODE) | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return (-1);
	r = dup2(nfd, fd);
	close(nfd);
	return (r == -1 ? -1 : 0);
}

/*
 * Keep 0, 1 and 2 open, and make stdin and stdout non-blocking where they
 * are pipes (reopened, stdio_reopen()) or sockets, so that no write stalls
 * the loop; pipes are enlarged.  Ttys and files are left alone.
 */
__startup void
stdio_init(void)
{
	struct stat	 st;
	int		 fd, flags, null;

	for (fd = 0; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if ((null = open(_PATH_DEVNULL, O_RDWR)) == -1)
			fatal("%s", _PATH_DEVNULL);
		if (null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
	for (fd = 0; fd < 2; fd++) {
		if (fstat(fd, &st) == -1 ||
		    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
			continue;
		/* A larger pipe means fewer wake-ups on both of its ends. */
		if (S_ISFIFO(st.st_mode))
			fcntl(fd, F_SETPIPE_SZ, CHANNEL_PIPESIZE);
		if ((flags = fcntl(fd, F_GETFL)) == -1)
			continue;
		if (S_ISFIFO(st.st_mode) && stdio_reopen(fd, flags) == 0)
			continue;
		stdio_flags[fd] = flags;
		if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
			stdio_flags[fd] = -1;
	}
	cleanup_add(stdio_cleanup);
}

/* How often a reader with ignoreeof looks for more past the end. */
#define READER_POLL_MS	100

/* A descriptor read with socat's read options: its reader's state. */
struct reader {
	int		 fd;		/* what is read; the endpoint's rfd is
					   a timer with ignoreeof */
	int		 ignoreeof;
	int		 ended;		/* the escape byte was read */
	int		 escape;	/* the byte that is an end, or -1 */
	unsigned char	*dbuf;		/* o-direct: what is read, aligned */
	size_t		 dalign;	/* its alignment, of offsets and
					   lengths too: the file's block */
	off_t		 dpos;		/* the next byte to give */
};

/*
 * Read an O_DIRECT file in aligned whole blocks, giving bytes from dpos on;
 * a partly read block is read again, to follow a growing file.
 */
static ssize_t
reader_direct(struct reader *rd, void *p, size_t len)
{
	off_t	 base = rd->dpos - rd->dpos % (off_t)rd->dalign;
	size_t	 skip = (size_t)(rd->dpos - base), want;
	ssize_t	 n;

	want = skip + len;
	want += (rd->dalign - want % rd->dalign) % rd->dalign;
	if (want > CHANNEL_BUFSIZE)
		want = CHANNEL_BUFSIZE;
	if ((n = pread(rd->fd, rd->dbuf, want, base)) <= 0)
		return (n);
	if ((size_t)n <= skip)
		return (0);
	n -= skip;
	if ((size_t)n > len)
		n = len;
	memcpy(p, rd->dbuf + skip, n);
	rd->dpos += n;
	return (n);
}

/* Set up rd's aligned buffer for an O_DIRECT file.  Returns -1 with errno. */
static int
reader_direct_init(struct reader *rd)
{
	struct stat	 st;
	int		 error;

	if (fstat(rd->fd, &st) == -1)
		return (-1);
	rd->dalign = st.st_blksize;
	if (rd->dalign < 512 || rd->dalign > CHANNEL_BUFSIZE ||
	    (rd->dalign & (rd->dalign - 1)) != 0)
		rd->dalign = 4096;
	if ((rd->dpos = lseek(rd->fd, 0, SEEK_CUR)) == -1)
		return (-1);
	if ((error = posix_memalign((void **)&rd->dbuf, rd->dalign,
	    CHANNEL_BUFSIZE)) != 0) {
		errno = error;
		return (-1);
	}
	return (0);
}

/*
 * Read the descriptor; with ignoreeof, its end is looked at again a moment
 * later (a timer), as tail -f.
 */
static ssize_t
reader_read(struct endpoint *ep, void *p, size_t len)
{
	struct reader		*rd = ep->data;
	struct itimerspec	 its;
	uint64_t		 ticks;
	ssize_t			 n;
	char			*esc;

	if (rd->ended)
		return (0);
	if ((n = rd->dbuf != NULL ? reader_direct(rd, p, len) :
	    read(rd->fd, p, len)) > 0) {
		/* escape=: the bytes before it, then the end. */
		if (rd->escape != -1 && (esc = memchr(p, rd->escape,
		    n)) != NULL) {
			rd->ended = 1;
			return (esc - (char *)p);
		}
		return (n);
	}
	if (!rd->ignoreeof || (n == -1 && errno != EAGAIN))
		return (n);
	/* Nothing more yet: look again in a moment. */
	if (read(ep->rfd, &ticks, sizeof(ticks)) == -1 && errno != EAGAIN)
		return (-1);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = READER_POLL_MS * 1000000L;
	if (timerfd_settime(ep->rfd, 0, &its, NULL) == -1)
		return (-1);
	errno = EAGAIN;
	return (-1);
}

static void
reader_free(struct endpoint *ep)
{
	struct reader	*rd = ep->data;

	if (rd->fd != ep->rfd)
		close(rd->fd);
	free(rd->dbuf);
	free(rd);
	ep->data = NULL;
}

static const struct ep_ops reader_ops = {
	.read = reader_read,
	.free = reader_free,
};

/*
 * An endpoint of s named name reading fd (s's from now on, also on
 * failure) as ro says: ignoreeof, escape byte, O_DIRECT.  Returns NULL
 * with errno.
 */
struct endpoint *
stdio_reader_endpoint(struct session *s, const char *name, int fd,
    const struct read_opts *ro)
{
	struct endpoint		*ep;
	struct reader		*rd;
	struct itimerspec	 its;
	int			 rfd = fd;

	if (!ro->ignoreeof && ro->escape == -1 && !ro->direct) {
		if ((ep = session_endpoint(s, name, fd, -1, EP_SHUT_NONE,
		    0)) == NULL)
			close(fd);
		return (ep);
	}
	if ((rd = calloc(1, sizeof(*rd))) == NULL) {
		close(fd);
		return (NULL);
	}
	rd->fd = fd;
	rd->ignoreeof = ro->ignoreeof;
	rd->escape = ro->escape;
	if (ro->direct && reader_direct_init(rd) == -1)
		goto fail;
	if (rd->ignoreeof) {
		/* Ready at once: the first read is not put off. */
		memset(&its, 0, sizeof(its));
		its.it_value.tv_nsec = 1;
		if ((rfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
		    TFD_CLOEXEC)) == -1 ||
		    timerfd_settime(rfd, 0, &its, NULL) == -1)
			goto fail;
	}
	if ((ep = session_endpoint(s, name, rfd, -1, EP_SHUT_NONE,
	    0)) == NULL)
		goto fail;
	ep->ops = &reader_ops;
	ep->data = rd;
	return (ep);

fail:
	if (rfd != fd && rfd != -1)
		close(rfd);
	close(fd);
	free(rd->dbuf);
	free(rd);
	return (NULL);
}

/* Add stdin to s (NULL with -d); once ended, it stays so for later sessions. */
__shortrun struct endpoint *
stdio_in(struct session *s, int no_stdin)
{
	int		 type, flags = EP_NOCLOSE;
	socklen_t	 len = sizeof(type);

	if (no_stdin)
		return (NULL);
	/*
	 * A datagram socket given as stdin (inherited, say) keeps its
	 * boundaries: it is read in batches, an empty datagram is not
	 * end-of-file, and each datagram goes on whole.
	 */
	if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_DGRAM)
		flags |= EP_DGRAM;
	/* Plain descriptors: nothing may stand in the way of splice(2). */
	return (session_endpoint(s, "stdin", STDIN_FILENO, -1, EP_SHUT_NONE,
	    flags));
}

/* How many bytes were read from a regular-file stdin since stdio_in_size(). */
uint64_t
stdio_in_bytes(void)
{
	off_t	 off;

	if (stdin_start == -1 ||
	    (off = lseek(STDIN_FILENO, 0, SEEK_CUR)) < stdin_start)
		return (0);
	return ((uint64_t)(off - stdin_start));
}

/*
 * If stdin is a regular file, store in *size how much of it is left to
 * read and return 0; otherwise return -1.
 */
int
stdio_in_size(uint64_t *size)
{
	struct stat	 st;
	off_t		 off;

	if (fstat(STDIN_FILENO, &st) == -1 || !S_ISREG(st.st_mode))
		return (-1);
	if ((off = lseek(STDIN_FILENO, 0, SEEK_CUR)) == -1 || off > st.st_size)
		off = 0;
	stdin_start = off;
	*size = (uint64_t)(st.st_size - off);
	return (0);
}

/* Add stdout as an endpoint of s; ending it closes stdout. */
__shortrun struct endpoint *
stdio_out(struct session *s)
{
	struct endpoint	*ep;

	ep = session_endpoint(s, "stdout", -1, STDOUT_FILENO, EP_SHUT_CLOSE,
	    EP_NOCLOSE);
	if (ep != NULL)
		ep->ops = stdio_out_ops;
	return (ep);
}

/* Have stdout's endpoints write through ops (NULL: write(2)). */
void
stdio_set_out_ops(const struct ep_ops *ops)
{
	stdio_out_ops = ops;
}

/* Add an endpoint of s that takes everything and keeps nothing. */
struct endpoint *
stdio_discard(struct session *s)
{
	int	 fd;

	if ((fd = open(_PATH_DEVNULL, O_WRONLY | O_CLOEXEC)) == -1)
		return (NULL);
	return (session_endpoint(s, "discard", -1, fd, EP_SHUT_CLOSE, 0));
}

/* Has stdin reached end-of-file in an earlier session? */
__shortrun int
stdio_in_ended(void)
{
	return (stdin_ended);
}

__shortrun void
stdio_set_in_ended(void)
{
	stdin_ended = 1;
}
