/*
 * A lingering close, for a server that lets a client go while the client
 * may still be sending.  Closing a socket with unread input makes the
 * kernel answer with a reset (RST), and a reset makes the client's kernel
 * throw away what it received and its program has not read yet: the
 * server's last words ("busy", "the server is full", an HTTP 503), and
 * the client then reports "connection reset" instead of an end.  So
 * the writing side is ended first, which the client sees as end-of-file
 * after everything sent, and what still comes is read and dropped until
 * the client's own end-of-file, an error, or LINGER_MS; only then is the
 * socket closed.
 *
 * A lingering socket holds a descriptor and a little memory, so at most
 * LINGER_MAX linger at once: beyond that a socket is closed at once, as
 * it was before.  They keep the event loop going, which only long-running
 * servers use them for, until their time is up.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "base.h"

/* How long a client has to end after it was let go. */
#define LINGER_MS	2000

/* Sockets lingering at most at once. */
#define LINGER_MAX	256

/*
 * Reads of LINGER_READ_SIZE bytes per call at most, so that a peer that
 * sends without end cannot keep the loop from everything else.
 */
#define LINGER_READS	16
#define LINGER_READ_SIZE 4096

struct linger_sock {
	int			 fd;
	struct ev_timer		 timer;
	TAILQ_ENTRY(linger_sock) entry;
};

static TAILQ_HEAD(, linger_sock) lingering =
    TAILQ_HEAD_INITIALIZER(lingering);
static int	nlingering;

/*
 * Read and drop what is waiting on fd, LINGER_READS reads at most.
 * Returns 1 when the peer is done (end-of-file or an error), 0 when more
 * may come.
 */
static int
linger_drain(int fd)
{
	char	 trash[LINGER_READ_SIZE];
	ssize_t	 n;
	int	 i;

	for (i = 0; i < LINGER_READS; i++) {
		n = recv(fd, trash, sizeof(trash), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		return (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK));
	}
	return (0);
}

static void
linger_end(struct linger_sock *ls)
{
	ev_timer_disarm(&ls->timer);
	ev_del(ls->fd);
	close(ls->fd);
	TAILQ_REMOVE(&lingering, ls, entry);
	nlingering--;
	free(ls);
}

static void
linger_read(int fd, int events, void *arg)
{
	(void)events;
	if (linger_drain(fd))
		linger_end(arg);
}

static void
linger_expired(void *arg)
{
	linger_end(arg);
}

/*
 * Close socket fd, which the caller no longer watches, once its peer has
 * ended or LINGER_MS has passed, dropping what it still sends; the peer
 * sees end-of-file at once.  The socket is closed at once when it is not
 * a stream socket, when its peer has already ended, when LINGER_MAX
 * linger already, or when memory or the event loop fail.
 */
void
sock_linger(int fd)
{
	struct linger_sock	*ls;
	socklen_t		 len = sizeof(int);
	int			 type = -1;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM || shutdown(fd, SHUT_WR) == -1 ||
	    linger_drain(fd) ||
	    nlingering >= LINGER_MAX || (ls = malloc(sizeof(*ls))) == NULL) {
		close(fd);
		return;
	}
	ls->fd = fd;
	if (ev_set(fd, EV_READ, linger_read, ls) == -1) {
		free(ls);
		close(fd);
		return;
	}
	ev_timer_init(&ls->timer, linger_expired, ls);
	ev_timer_arm(&ls->timer, LINGER_MS);
	TAILQ_INSERT_TAIL(&lingering, ls, entry);
	nlingering++;
}
