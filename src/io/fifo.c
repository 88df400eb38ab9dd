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
#include <stdio.h>
#include <stdlib.h>
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
 */
static struct fifo {
	volatile int	 created;	/* Ours to remove at exit. */
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

static ssize_t	fifo_read(struct endpoint *, void *, size_t);
static ssize_t	fifo_follow_read(struct endpoint *, void *, size_t);

static const struct ep_ops fifo_ops = {
	.read = fifo_read,
};

static const struct ep_ops fifo_follow_ops = {
	.read = fifo_follow_read,
};

/*
 * Remove the FIFO if sockcat created it.  Only async-signal-safe calls:
 * it also runs from the handler of a fatal signal.
 */
static void
fifo_cleanup(int sig)
{
	(void)sig;
	if (fifo.created) {
		fifo.created = 0;
		unlink(fifo_path);
	}
}

/* Open the read end without waiting for a writer. */
static int
fifo_open_read(void)
{
	return (open(fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
}

/*
 * Make path a FIFO if nothing is there, and open it for reading without
 * waiting for a writer.  An existing FIFO is used as it is; an empty
 * regular file made a moment ago is taken as the shell's half of the race
 * above and followed.  Returns -1 with errno and *cause set.
 */
int
fifo_open(const char *path, char **cause)
{
	struct stat	 st;
	int		 error, tries;

	if (cause != NULL)
		*cause = NULL;
	if (strlcpy(fifo_path, path, sizeof(fifo_path)) >=
	    sizeof(fifo_path)) {
		log_cause(cause, "%s: %s", path, strerror(ENAMETOOLONG));
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (tries = 0;; tries++) {
		if (mkfifo(path, 0600) == 0) {
			fifo.created = 1;
			cleanup_add(fifo_cleanup);
			break;
		}
		if (errno != EEXIST)
			goto fail;
		if (stat(path, &st) == -1) {
			/*
			 * EEXIST then ENOENT: a symbolic link to nothing, or
			 * a file removed meanwhile.  Try again, a few times
			 * only: a dangling link stays dangling.
			 */
			if (errno == ENOENT && lstat(path, &st) == 0 &&
			    S_ISLNK(st.st_mode)) {
				log_cause(cause, "%s: symbolic link to a "
				    "missing file", path);
				errno = ENOENT;
				return (-1);
			}
			if (errno == ENOENT && tries < FIFO_TRIES)
				continue;
			goto fail;
		}
		if (S_ISFIFO(st.st_mode))
			break;
		/*
		 * Only a file the shell has just made: an older empty file
		 * is somebody's, and is neither followed nor removed.
		 */
		if (S_ISREG(st.st_mode) && st.st_size == 0 &&
		    time(NULL) - st.st_mtime <= FIFO_FRESH_SECS &&
		    time(NULL) - st.st_ctime <= FIFO_FRESH_SECS) {
			if ((fifo.notify = inotify_init1(IN_NONBLOCK |
			    IN_CLOEXEC)) == -1)
				goto fail;
			fifo.created = 1;
			cleanup_add(fifo_cleanup);
			break;
		}
		log_cause(cause, "%s: not a FIFO", path);
		errno = EINVAL;
		return (-1);
	}
	if ((fifo.fd = fifo_open_read()) == -1)
		goto fail;
	if (fifo.notify != -1 && inotify_add_watch(fifo.notify, path,
	    IN_MODIFY | IN_CLOSE_WRITE) == -1)
		goto fail;
	return (0);

fail:
	error = errno;
	log_cause(cause, "%s: %s", path, strerror(error));
	if (fifo.fd != -1)
		close(fifo.fd);
	if (fifo.notify != -1)
		close(fifo.notify);
	fifo.fd = fifo.notify = -1;
	fifo_cleanup(0);
	errno = error;
	return (-1);
}

/* A read from the FIFO that remembers end-of-file. */
static ssize_t
fifo_read(struct endpoint *ep, void *p, size_t n)
{
	ssize_t	 r;

	(void)ep;
	if ((r = read(fifo.fd, p, n)) == 0)
		fifo.ended = 1;
	return (r);
}

/*
 * Read what was appended to the followed file.  Nothing new is EAGAIN,
 * not end-of-file, until its writer has closed it.  Notifications are
 * consumed only once the file is read to its end, and the file is read
 * again after them, so that nothing written meanwhile is missed: the
 * descriptor the loop watches stays readable while anything is unread.
 */
static ssize_t
fifo_follow_read(struct endpoint *ep, void *p, size_t n)
{
	struct inotify_event	*ev;
	char			 evbuf[4096];
	ssize_t			 r, len, off;

	(void)ep;
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

/*
 * Add the FIFO (or the followed file) to s as the endpoint data is read
 * from.  A FIFO that reached end-of-file in an earlier session is opened
 * again, so that a new writer can be read (-k).
 */
struct endpoint *
fifo_in(struct session *s)
{
	struct endpoint	*ep;
	int		 fd;

	if (fifo.notify != -1) {
		if ((ep = session_endpoint(s, "fifo", fifo.notify, -1,
		    EP_SHUT_NONE, EP_NOCLOSE)) != NULL)
			ep->ops = &fifo_follow_ops;
		return (ep);
	}
	if (fifo.ended && (fd = fifo_open_read()) != -1) {
		close(fifo.fd);
		fifo.fd = fd;
		fifo.ended = 0;
	}
	if ((ep = session_endpoint(s, "fifo", fifo.fd, -1, EP_SHUT_NONE,
	    EP_NOCLOSE)) != NULL)
		ep->ops = &fifo_ops;
	return (ep);
}
