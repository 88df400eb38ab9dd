/*
 * The --fifo endpoint: what is sent comes from a named FIFO, created if
 * missing and removed at exit if sockcat made it.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

/* How new an empty file must be to count as the shell's redirection. */
#define FIFO_FRESH_SECS	2

/* Times a path that exists and then does not is looked at again. */
#define FIFO_TRIES	3

/*
 * In a pipeline such as "sockcat --fifo f | filter > f" the shell usually
 * opens "> f" before sockcat has made the FIFO, and so creates an empty
 * regular file.  The filter writes into that file; sockcat then follows
 * it, as tail -f would, woken by inotify instead of a timer.
 *
 * PATH is trusted as little as any other name in a directory others may
 * write to: what sockcat reads is checked on the descriptor it opened
 * (a FIFO, or that empty file, of the user's own: made by sockcat or by
 * the user's shell, never by someone who could then feed the client),
 * a symbolic link is not followed, and at exit PATH is removed only if
 * it is still the file opened (same device and inode).
 */
static struct fifo {
	dev_t		 dev;		/* What we opened. */
	ino_t		 ino;
	int		 fd;		/* The read end, or the file followed. */
	int		 notify;	/* inotify descriptor when following. */
	int		 writer_closed;	/* The followed file's writer closed. */
	int		 ended;		/* A read saw end-of-file. */
} fifo = {
	.fd = -1,
	.notify = -1,
};

/* Apart, so that its zeroes take no room in the file or at start. */
static char	fifo_path[PATH_MAX];

/*
 * Open PATH for reading, not waiting for a writer nor following a link;
 * with known, only the file opened before.  Returns the descriptor and
 * *st, or -1 with errno.
 */
static int
fifo_open_read(struct stat *st, int known)
{
	int	 fd;

	if ((fd = open(fifo_path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return (-1);
	if (fstat(fd, st) == -1)
		return (net_close_err(fd));
	if (known && (st->st_dev != fifo.dev || st->st_ino != fifo.ino)) {
		errno = ESTALE;
		return (net_close_err(fd));
	}
	return (fd);
}

/*
 * May the file open at path (of *st) be read: a FIFO of the user's own,
 * or a fresh empty file of theirs (the shell's half of the race; *follow
 * set)?  Returns 0, or -1 with *cause set.
 */
static int
fifo_usable(const char *path, const struct stat *st, int *follow,
    char **cause)
{
	time_t	 now = time(NULL);

	*follow = 0;
	if (!S_ISFIFO(st->st_mode) && !(S_ISREG(st->st_mode) &&
	    st->st_size == 0 && now - st->st_mtime <= FIFO_FRESH_SECS &&
	    now - st->st_ctime <= FIFO_FRESH_SECS)) {
		log_cause(cause, "%s: not a FIFO", path);
		errno = EINVAL;
		return (-1);
	}
	if (st->st_uid != geteuid()) {
		log_cause(cause, "%s: %s of another user, not used",
		    path, S_ISFIFO(st->st_mode) ? "a FIFO" : "a file");
		errno = EPERM;
		return (-1);
	}
	*follow = S_ISREG(st->st_mode);
	return (0);
}

/* Watch the open regular file at path.  Returns -1 with errno. */
static int
fifo_watch(const char *path)
{
	struct stat	 st;

	if ((fifo.notify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(fifo.notify, path, IN_MODIFY | IN_CLOSE_WRITE |
	    IN_DONT_FOLLOW) == -1)
		return (-1);
	/* The file watched is the one open, not one put there since. */
	if (lstat(path, &st) == -1 || st.st_dev != fifo.dev ||
	    st.st_ino != fifo.ino) {
		errno = ESTALE;
		return (-1);
	}
	return (0);
}

/*
 * Make path a FIFO if nothing is there and open it for reading without
 * waiting; a fresh empty file of the user's own is followed, a link
 * refused.  Returns -1 with errno and *cause set.
 */
int
fifo_open(const char *path, char **cause)
{
	struct stat	 st, st2;
	dev_t		 mdev = 0;
	ino_t		 mino = 0;
	int		 error, tries, made, ours = 0, follow;

	*cause = NULL;
	if (strlcpy(fifo_path, path, sizeof(fifo_path)) >=
	    sizeof(fifo_path)) {
		log_cause(cause, "%s: %s", path, strerror(ENAMETOOLONG));
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (tries = 0;; tries++) {
		made = mkfifo(path, 0600) == 0;
		if (!made && errno != EEXIST)
			goto fail;
		/*
		 * What is there is looked at before it is opened: no device
		 * is opened, and a symbolic link is not followed.
		 */
		if (lstat(path, &st) == 0) {
			/* Made here: ours to remove, whatever happens next. */
			if (made) {
				ours = 1;
				mdev = st.st_dev;
				mino = st.st_ino;
			}
			if (S_ISLNK(st.st_mode)) {
				log_cause(cause, "%s: a symbolic link, not a "
				    "FIFO", path);
				errno = ELOOP;
				return (-1);
			}
			if (fifo_usable(path, &st, &follow, cause) == -1)
				return (-1);
			if ((fifo.fd = fifo_open_read(&st2, 0)) != -1 &&
			    st2.st_dev == st.st_dev &&
			    st2.st_ino == st.st_ino)
				break;
			/* Swapped between the two: looked at again. */
			if (fifo.fd != -1) {
				net_close(&fifo.fd);
				errno = ESTALE;
			}
		}
		/*
		 * EEXIST then ENOENT, or another file: one removed or put
		 * there meanwhile.  Looked at again, a few times only.
		 */
		if ((errno == ENOENT || errno == ESTALE || errno == ELOOP) &&
		    tries < FIFO_TRIES)
			continue;
		goto fail;
	}
	/*
	 * What we made, or the shell's file: ours to remove, if it is
	 * still this one.  A FIFO that was there before is left.
	 */
	fifo.dev = st2.st_dev;
	fifo.ino = st2.st_ino;
	made = ours && st2.st_dev == mdev && st2.st_ino == mino;
	if (made || follow)
		(void)path_own(path, 0, &st2);
	if (follow && fifo_watch(path) == -1)
		goto fail;
	return (0);

fail:
	error = errno;
	log_cause(cause, "%s: %s", path, strerror(error));
	net_close(&fifo.fd);
	net_close(&fifo.notify);
	path_unown(path);
	/* A FIFO made on the way, though never opened, is not left. */
	if (ours && path_is(path, 0, mdev, mino))
		(void)unlink(path);
	errno = error;
	return (-1);
}

/* A read from the FIFO that remembers end-of-file. */
static ssize_t
fifo_read(__unused struct endpoint *ep, void *p, size_t n)
{
	ssize_t	 r;

	if ((r = read(fifo.fd, p, n)) == 0)
		fifo.ended = 1;
	return (r);
}

/*
 * Read what was appended to the followed file; EAGAIN until its writer
 * closes, and nothing written meanwhile is missed.
 */
static ssize_t
fifo_follow_read(__unused struct endpoint *ep, void *p, size_t n)
{
	struct inotify_event	*ev;
	char			 evbuf[4096];
	ssize_t			 r, len, off;

	for (;;) {
		if ((r = read(fifo.fd, p, n)) != 0)
			return (r);
		if (fifo.writer_closed) {
			fifo.ended = 1;
			return (0);
		}
		if ((len = read(fifo.notify, evbuf, sizeof(evbuf))) <= 0) {
			errno = EAGAIN;
			return (-1);
		}
		for (off = 0; off < len; off += sizeof(*ev) + ev->len) {
			ev = (struct inotify_event *)(evbuf + off);
			if (ev->mask & IN_CLOSE_WRITE)
				fifo.writer_closed = 1;
		}
	}
}

static const struct ep_ops fifo_ops = {
	.read = fifo_read,
};

static const struct ep_ops fifo_follow_ops = {
	.read = fifo_follow_read,
};

/* Add the FIFO (or followed file) to s as input, reopened after an end (-k). */
struct endpoint *
fifo_in(struct session *s)
{
	struct endpoint	*ep;
	struct stat	 st;
	int		 fd, follow = fifo.notify != -1;

	if (!follow && fifo.ended && (fd = fifo_open_read(&st, 1)) != -1) {
		close(fifo.fd);
		fifo.fd = fd;
		fifo.ended = 0;
	}
	if ((ep = session_endpoint(s, "fifo", follow ? fifo.notify : fifo.fd,
	    -1, EP_SHUT_NONE, EP_NOCLOSE)) != NULL)
		ep->ops = follow ? &fifo_follow_ops : &fifo_ops;
	return (ep);
}
