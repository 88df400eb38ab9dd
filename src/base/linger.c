/*
 * A lingering close: the writing side ends first (after the last bytes a
 * protocol of ours still had to send, sock_linger_send()), and the client's
 * input is read and dropped until its end, an error or LINGER_MS, so that a
 * close with unread input does not reset away the server's last words.  At
 * most LINGER_MAX at once; they keep the event loop going.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <linux/sockios.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/* How long a client has to end after it was let go. */
#define LINGER_MS	2000

/*
 * A socket to be reset (sock_linger_reset()) is, once its peer has said
 * nothing for LINGER_QUIET_MS and has everything it was sent; it looks
 * every LINGER_RESET_POLL_MS.
 */
#define LINGER_QUIET_MS		1000
#define LINGER_RESET_POLL_MS	50

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
	int			 reset;	/* sock_linger_reset()'s */
	int			 waited; /* ms, for a reset one */
	unsigned char		*out;	/* sock_linger_send()'s bytes, to go */
	size_t			 olen;	/* before the end; ooff of them sent */
	size_t			 ooff;
	struct ev_timer		 timer;
	TAILQ_ENTRY(linger_sock) entry;
};

static TAILQ_HEAD(, linger_sock) lingering =
    TAILQ_HEAD_INITIALIZER(lingering);
static int	nlingering;
/* The loop ends once the last closes (sock_linger_break()). */
static int	linger_breaking;

/*
 * Read and drop what waits on fd (LINGER_READS reads at most).  Returns 1
 * when the peer is done (end or error), 0 when more may come.
 */
static int
linger_drain(int fd)
{
	char	 trash[LINGER_READ_SIZE];
	ssize_t	 n;
	int	 i;

	for (i = 0; i < LINGER_READS; i++) {
		n = recv(fd, trash, sizeof(trash), MSG_DONTWAIT);
		if (n > 0 || (n == -1 && errno == EINTR))
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
	free(ls->out);
	free(ls);
	if (--nlingering == 0 && linger_breaking) {
		linger_breaking = 0;
		ev_break();
	}
}

static void
linger_read(int fd, __unused int events, void *arg)
{
	struct linger_sock	*ls = arg;

	if (linger_drain(fd)) {
		linger_end(ls);
		return;
	}
	/*
	 * A peer that still sends is a program, not someone waiting at a
	 * terminal: a reset would fail its writes.  It lingers as others do.
	 */
	if (ls->reset) {
		ls->reset = 0;
		ev_timer_arm(&ls->timer, LINGER_MS - ls->waited);
	}
}

static void
linger_expired(void *arg)
{
	struct linger_sock	*ls = arg;
	int			 unacked;

	if (!ls->reset) {
		linger_end(ls);
		return;
	}
	/*
	 * Reset once the peer has acknowledged everything (its kernel has
	 * it, so the reset loses nothing), or when its time is up.
	 */
	ls->waited += LINGER_RESET_POLL_MS;
	if (ls->waited >= LINGER_MS || (ls->waited >= LINGER_QUIET_MS &&
	    (ioctl(ls->fd, SIOCOUTQ, &unacked) == -1 || unacked == 0))) {
		net_reset_at_close(ls->fd);
		linger_end(ls);
		return;
	}
	ev_timer_arm(&ls->timer, LINGER_RESET_POLL_MS);
}

/*
 * Say the end, then read and drop the peer's input until its own.
 * Returns 1 when there is nothing to wait for (the peer ended), -1 with
 * errno, else 0.
 */
static int
linger_shut(int fd)
{
	if (shutdown(fd, SHUT_WR) == -1)
		return (-1);
	return (linger_drain(fd));
}

/* sock_linger_send()'s bytes, as the socket takes them; then the end. */
static void
linger_write(int fd, __unused int events, void *arg)
{
	struct linger_sock	*ls = arg;
	ssize_t			 n;

	while (ls->ooff < ls->olen) {
		n = send(fd, ls->out + ls->ooff, ls->olen - ls->ooff,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			linger_end(ls);
			return;
		}
		ls->ooff += n;
	}
	if (linger_shut(fd) != 0 || ev_set(fd, EV_READ, linger_read, ls) == -1)
		linger_end(ls);
	else
		ev_timer_arm(&ls->timer, LINGER_MS);
}

/*
 * sock_linger(), or sock_linger_reset() if reset, after the n bytes at out
 * (taken, or NULL) have gone.
 */
static void
linger_start(int fd, int reset, unsigned char *out, size_t n)
{
	struct linger_sock	*ls;

	/* No stream, or a peer already ended: nothing to wait for. */
	if (net_sock_type(fd) != SOCK_STREAM)
		goto out;
	if (n == 0 && linger_shut(fd) != 0)
		goto out;
	if (nlingering >= LINGER_MAX || (ls = calloc(1, sizeof(*ls))) == NULL)
		goto out;
	ls->fd = fd;
	ls->reset = reset;
	ls->out = out;
	ls->olen = n;
	/* The bytes have LINGER_MS to go, as the peer has to end. */
	if (ev_set(fd, n > 0 ? EV_WRITE : EV_READ, n > 0 ? linger_write :
	    linger_read, ls) == -1) {
		free(ls);
		goto out;
	}
	ev_timer_init(&ls->timer, linger_expired, ls);
	ev_timer_arm(&ls->timer, reset ? LINGER_RESET_POLL_MS : LINGER_MS);
	TAILQ_INSERT_TAIL(&lingering, ls, entry);
	nlingering++;
	return;
out:
	free(out);
	close(fd);
}

/*
 * Close socket fd, no longer watched, once its peer ends or LINGER_MS
 * passes, dropping what it sends; the peer sees end-of-file at once.
 * Closed at once when no stream, already ended, LINGER_MAX linger, or
 * memory or the loop fail.
 */
void
sock_linger(int fd)
{
	linger_start(fd, 0, NULL, 0);
}

/*
 * As sock_linger(), once the n bytes at p (a copy is taken) have gone, as
 * the socket takes them within LINGER_MS, else dropped: what a protocol of
 * ours still had to send when its session ended (a WebSocket's close).
 */
void
sock_linger_send(int fd, const void *p, size_t n)
{
	unsigned char	*out;

	if ((out = malloc(n)) == NULL) {
		sock_linger(fd);
		return;
	}
	memcpy(out, p, n);
	linger_start(fd, 0, out, n);
}

/*
 * As sock_linger(), but a peer quiet for LINGER_QUIET_MS with everything
 * acknowledged is reset, so that a client waiting on its terminal (nc,
 * socat) sees the end.
 */
void
sock_linger_reset(int fd)
{
	linger_start(fd, 1, NULL, 0);
}

/* Ask ev_loop() to return once no socket lingers (at once when none does). */
void
sock_linger_break(void)
{
	if (nlingering == 0)
		ev_break();
	else
		linger_breaking = 1;
}
