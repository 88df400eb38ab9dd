/*
 * The pump's fast path: channels moved in the kernel with sendfile(2) or
 * splice(2), directly with a pipe at one end, else through a pooled pipe
 * held only while bytes are in it.  A channel the kernel refuses falls
 * back to copying, with what its pipe held.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"
#include "pump-int.h"

/*
 * Empty splice pipes the pump keeps for the next channel that reads:
 * beyond these, a drained pipe is closed.
 */
#define PUMP_PIPE_POOL		16

/* Most bytes one sendfile(2) call is asked to move. */
#define CHANNEL_SENDFILE_MAX	(4 * 1024 * 1024)

/* Why a channel leaves splicing, most often (-vvv). */
#define SPLICE_REFUSED	"the kernel cannot splice"

/*
 * Empty splice pipes, shared by every channel of the process.  A channel
 * holds a pipe only while bytes are in it, so that an idle connection
 * costs no descriptor for its splicing; the pool saves the system calls
 * of making a pipe (and of sizing it) for every burst.  Only empty pipes
 * go back: one holding bytes is either drained or closed.
 */
static struct {
	int			 fd[2];
	size_t			 size;
} pipe_pool[PUMP_PIPE_POOL];
static size_t	pipe_pooled;

/* Give ch an empty pipe, pooled or new.  Returns -1 with errno. */
static int
channel_pipe_take(struct channel *ch)
{
	int	 size;

	if (pipe_pooled > 0) {
		pipe_pooled--;
		channel_fast(ch)->pipe[0] = pipe_pool[pipe_pooled].fd[0];
		channel_fast(ch)->pipe[1] = pipe_pool[pipe_pooled].fd[1];
		channel_fast(ch)->pipesize = pipe_pool[pipe_pooled].size;
		return (0);
	}
	/* On failure the pipe's -1s are left as they were. */
	if (pipe2(channel_fast(ch)->pipe, O_NONBLOCK | O_CLOEXEC) == -1)
		return (-1);
	/* A larger pipe means fewer system calls; the default is enough. */
	fcntl(channel_fast(ch)->pipe[1], F_SETPIPE_SZ, CHANNEL_PIPESIZE);
	if ((size = fcntl(channel_fast(ch)->pipe[1], F_GETPIPE_SZ)) <= 0)
		size = 64 * 1024;
	channel_fast(ch)->pipesize = (size_t)size;
	return (0);
}

/*
 * Let go of ch's pipe: pooled if empty and there is room, else closed;
 * bytes still in it are lost.
 */
__shortrun void
channel_pipe_give(struct channel *ch)
{
	if (channel_fast(ch)->pipe[0] == -1)
		return;
	if (channel_fast(ch)->piped == 0 && pipe_pooled < PUMP_PIPE_POOL) {
		pipe_pool[pipe_pooled].fd[0] = channel_fast(ch)->pipe[0];
		pipe_pool[pipe_pooled].fd[1] = channel_fast(ch)->pipe[1];
		pipe_pool[pipe_pooled].size = channel_fast(ch)->pipesize;
		pipe_pooled++;
	} else {
		close(channel_fast(ch)->pipe[0]);
		close(channel_fast(ch)->pipe[1]);
	}
	channel_fast(ch)->pipe[0] = channel_fast(ch)->pipe[1] = -1;
	channel_fast(ch)->piped = 0;
}

/* Give back ch's drained pipe at once.  Keeps errno. */
static void
channel_pipe_drained(struct channel *ch)
{
	int	 saved = errno;

	if (channel_fast(ch)->pipe[0] != -1 && channel_fast(ch)->piped == 0)
		channel_pipe_give(ch);
	errno = saved;
}

/* Does ch move bytes in the kernel (splice or sendfile)? */
__shortrun int
channel_spliced(const struct channel *ch)
{
	const struct ch_fast	*fp = channel_fast(ch);

	return (fp->splicing || fp->sendfile || fp->direct);
}

/*
 * May fd be an end of splice(2)?  Its fstat(2) is put in st.  Only if a
 * read of it cannot block: a second splice after one that moved bytes
 * would otherwise stall the loop (a shared blocking terminal).  Yes for
 * regular files, block devices, pipes (SPLICE_F_NONBLOCK), non-blocking
 * sockets and character devices, and the memory devices of major 1
 * (/dev/null, /dev/zero).
 */
static __shortrun int
fd_splices(int fd, struct stat *st)
{
	int	 flags;

	if (fstat(fd, st) == -1)
		return (0);
	if (S_ISREG(st->st_mode) || S_ISBLK(st->st_mode) ||
	    S_ISFIFO(st->st_mode))
		return (1);
	if (!S_ISSOCK(st->st_mode) && (!S_ISCHR(st->st_mode) || isatty(fd)))
		return (0);
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) == 1) {
		switch (minor(st->st_rdev)) {
		case 3:		/* null */
		case 5:		/* zero */
		case 7:		/* full */
		case 8:		/* random */
		case 9:		/* urandom */
			return (1);
		}
	}
	return ((flags = fcntl(fd, F_GETFL)) != -1 && (flags & O_NONBLOCK));
}

/*
 * Put ch on the fast path if nothing taps or rewrites it and both ends
 * splice (fd_splices()); the kernel may still refuse.
 */
__shortrun void
channel_try_splice(struct channel *ch)
{
	struct stat	 st, dst;

	/* Told to copy, or each byte is rewritten (xform) or seen (taps). */
	if ((ch->flags & CH_COPY) || ch->xform != NULL || ch->ntaps > 0)
		return;
	/* Pacing and read limits count each one. */
	if (channel_metered(ch) || channel_read_limit(ch) > 0)
		return;
	/* A stream that no kind (TLS) reads or writes in its own way. */
	if (ep_dgram(ch) || ch->src->ops != NULL || ch->dst->ops != NULL)
		return;
	/* Descriptors that splice: -1 does not (its fstat(2) fails). */
	if (!fd_splices(ch->src->rfd, &st) || !fd_splices(ch->dst->wfd, &dst))
		return;
	/* From a regular file, sendfile(2) needs no pipe at all. */
	if (S_ISREG(st.st_mode)) {
		channel_fast(ch)->sendfile = 1;
		return;
	}
	/* Nor does a pipe at either end: it is the kernel buffer. */
	if (S_ISFIFO(st.st_mode) || S_ISFIFO(dst.st_mode)) {
		channel_fast(ch)->direct = 1;
		return;
	}
	/* The pipe itself is taken when there is something to move. */
	channel_fast(ch)->splicing = 1;
}

/*
 * Leave the fast path, saying why; the pipe's bytes move to the buffer,
 * grown to hold them.  Returns -1 with errno.
 */
static int
channel_unsplice(struct channel *ch, const char *why)
{
	struct ch_fast	*fp = channel_fast(ch);
	size_t		 want;
	ssize_t		 n;

	want = fp->piped > ch->bufsize ? fp->piped : ch->bufsize;
	log_verbose(3, "%s: %s, copying", ch->name, why);
	fp->sendfile = fp->direct = fp->splicing = 0;
	if (ch->buf.size < want) {
		buf_free(&ch->buf);
		if (buf_init(&ch->buf, want) == -1)
			return (-1);
	}
	/* The pipe holds at most want bytes: they fit. */
	while (fp->piped > 0) {
		n = read(fp->pipe[0], buf_tail(&ch->buf), fp->piped);
		if (n <= 0)
			return (-1);
		buf_commit(&ch->buf, n);
		fp->piped -= n;
	}
	channel_pipe_give(ch);
	return (0);
}

/* Does error mean the descriptor cannot splice, rather than a failure? */
static int
splice_refused(int error)
{
	switch (error) {
	case EINVAL:
	case ENOSYS:
	case EOPNOTSUPP:
	case EBADF:
		return (1);
	default:
		return (0);
	}
}

/* Is error one a socket reports only once (reset, time-out, gone)? */
int
pump_socket_error(int error)
{
	switch (error) {
	case EPIPE:
	case ECONNRESET:
	case ECONNABORTED:
	case ECONNREFUSED:
	case ENOTCONN:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case EHOSTDOWN:
	case ENETUNREACH:
	case ENETDOWN:
	case ENETRESET:
		return (1);
	default:
		return (0);
	}
}

/* Is ep's read descriptor a pipe? */
static int
ep_reads_pipe(const struct endpoint *ep)
{
	struct stat	 st;

	return (fstat(ep->rfd, &st) == 0 && S_ISFIFO(st.st_mode));
}

/* Does ep's read descriptor hold nothing?  Keeps errno. */
static int
ep_empty(const struct endpoint *ep)
{
	int	 avail = 0, saved = errno;

	if (ioctl(ep->rfd, FIONREAD, &avail) == -1)
		avail = 1;
	errno = saved;
	return (avail == 0);
}

/*
 * Splice the source straight to the destination (one end a pipe); on
 * EAGAIN the source's queue tells which end blocked.
 */
__shortrun void
channel_splice_direct(struct channel *ch)
{
	ssize_t	 n;
	int	 avail, rounds;

	channel_fast(ch)->blocked = 0;
	/* A bounded number of rounds, so that other channels get a turn. */
	for (rounds = 0; rounds < 16 && ch->state == CH_OPEN; rounds++) {
		n = splice(ch->src->rfd, NULL, ch->dst->wfd, NULL,
		    CHANNEL_PIPESIZE, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		/*
		 * Less than asked for: the source is most likely empty, and
		 * the loop (level-triggered) says so if not; asking again
		 * would cost a splice's EAGAIN and a FIONREAD each exchange.
		 */
		if (n > 0) {
			channel_delivered(ch, NULL, n);
			if (n < CHANNEL_PIPESIZE)
				break;
			continue;
		}
		if (n == 0) {
			ch->state = CH_DRAINING;
			ep_read_ended(ch->src);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			avail = 0;
			/*
			 * Data waits in the source, or its end (or error):
			 * readable with nothing queued.  Either way the
			 * destination is what is full.
			 */
			if ((ioctl(ch->src->rfd, FIONREAD, &avail) == 0 &&
			    avail > 0) || ev_ready(ch->src->rfd)) {
				channel_fast(ch)->blocked = 1;
				ev_blocked(ch->dst->wfd, EV_WRITE);
			} else
				ev_blocked(ch->src->rfd, EV_READ);
			break;
		}
		if (splice_refused(errno) &&
		    channel_unsplice(ch, SPLICE_REFUSED) == 0)
			break;
		/*
		 * Whose error is it?  Reading a pipe cannot fail, and a
		 * pipe's reader gone is EPIPE: the rest is the source's.
		 */
		if (errno == EPIPE || ep_reads_pipe(ch->src))
			channel_fail(ch, "write", errno);
		else
			channel_read_failed(ch, errno);
		break;
	}
	channel_settle(ch);
}

/*
 * sendfile(2) ch's source to its destination until the file ends or the
 * destination would block.
 */
__shortrun void
channel_push_sendfile(struct channel *ch)
{
	ssize_t	 n;
	int	 error;

	while (channel_fast(ch)->sendfile && channel_wants_write(ch)) {
		n = sendfile(ch->dst->wfd, ch->src->rfd, NULL,
		    CHANNEL_SENDFILE_MAX);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				ev_blocked(ch->dst->wfd, EV_WRITE);
				break;
			}
			/*
			 * The destination's own error (reported once) fails
			 * the write.  Any other (the kernel cannot, the file
			 * cannot be read) took nothing from the file: copying
			 * goes on from there and meets it, if it lasts.
			 */
			error = errno;
			if (!pump_socket_error(error) &&
			    channel_unsplice(ch, splice_refused(error) ?
			    SPLICE_REFUSED : strerror(error)) == 0) {
				channel_update(ch);
				break;
			}
			channel_fail(ch, "write", error);
			break;
		}
		if (n == 0) {
			ch->state = CH_DRAINING;
			break;
		}
		channel_delivered(ch, NULL, n);
	}
}

/*
 * Splice ch's pipe to the destination until drained (the pipe goes back)
 * or the destination would block.
 */
__shortrun void
channel_push_pipe(struct channel *ch)
{
	ssize_t	 n;

	while (channel_fast(ch)->pipe[0] != -1 && channel_wants_write(ch)) {
		n = splice(channel_fast(ch)->pipe[0], NULL, ch->dst->wfd, NULL,
		    channel_fast(ch)->piped, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				ev_blocked(ch->dst->wfd, EV_WRITE);
				break;
			}
			if (splice_refused(errno) &&
			    channel_unsplice(ch, SPLICE_REFUSED) == 0)
				break;
			channel_fail(ch, "write", errno);
			break;
		}
		channel_delivered(ch, NULL, n);
		channel_fast(ch)->piped -= n;
	}
	channel_pipe_drained(ch);
}

/*
 * Splice ch's source into its pipe, taking one first; *np and errno are
 * splice(2)'s for channel_pull(), untouched if the channel fell back to
 * copying.  Returns -1 when the channel failed.
 */
__shortrun int
channel_pull_pipe(struct channel *ch, ssize_t *np)
{
	ssize_t	 n;

	if (channel_fast(ch)->pipe[0] == -1 && channel_pipe_take(ch) == -1 &&
	    channel_unsplice(ch, "no pipe to splice through") == -1) {
		channel_read_failed(ch, errno);
		return (-1);
	}
	if (!channel_fast(ch)->splicing)
		return (0);
	n = splice(ch->src->rfd, NULL, channel_fast(ch)->pipe[1], NULL,
	    channel_fast(ch)->pipesize - channel_fast(ch)->piped,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	/*
	 * Would block: the source is empty, unless the pipe is full (its
	 * slots, not its bytes), which only the source's queue tells.
	 */
	if (n == -1 && errno == EAGAIN && ep_edge(ch->src) &&
	    (channel_fast(ch)->piped == 0 || ep_empty(ch->src)))
		ev_blocked(ch->src->rfd, EV_READ);
	/* Nothing came: an idle channel holds no pipe. */
	if (n <= 0)
		channel_pipe_drained(ch);
	if (n == -1 && splice_refused(errno) &&
	    channel_unsplice(ch, SPLICE_REFUSED) == -1) {
		channel_read_failed(ch, errno);
		return (-1);
	}
	*np = n;
	return (0);
}
