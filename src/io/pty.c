/*
 * Programs on a pseudo-terminal (--pty): the master as an endpoint of the
 * pump, and the window sizes a --raw peer announces in the byte stream
 * once it has said PTY_HELLO.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

/* The size of a new terminal, until a client says otherwise. */
#define PTY_ROWS	24
#define PTY_COLS	80

/* The master side of a program's terminal, as an endpoint. */
struct pty_ep {
	struct child	*c;	/* NULL once its owner let go of it. */
	struct naws	 naws;	/* Window sizes in what the peer sends. */
	struct channel	*answer; /* Where a client's hello is answered. */
	int		 hello;	/* Said: window sizes are taken. */
	int		 looked; /* The peer's first bytes were looked at. */
};

/*
 * Open a new pty: master non-blocking, both close-on-exec, never our
 * controlling terminal, 24x80.  Returns -1 with errno.
 */
int
pty_open(struct pty *pt)
{
	struct winsize	 ws = { .ws_row = PTY_ROWS, .ws_col = PTY_COLS };

	pt->slave = -1;
	if ((pt->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC |
	    O_NONBLOCK)) == -1)
		return (-1);
	/* The slave, named and opened; devpts owns it, grantpt(3) is idle. */
	if (unlockpt(pt->master) == -1 ||
	    (errno = ptsname_r(pt->master, pt->path, sizeof(pt->path))) != 0 ||
	    (pt->slave = open(pt->path, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		goto fail;
	if (ioctl(pt->master, TIOCSWINSZ, &ws) == -1)
		goto fail;
	return (0);

fail:
	(void)net_close_err(pt->master);
	if (pt->slave != -1)
		(void)net_close_err(pt->slave);
	pt->master = pt->slave = -1;
	return (-1);
}

/* Read the program's output; once it has exited, EIO or nothing is the end. */
static ssize_t
pty_read(struct endpoint *ep, void *p, size_t len)
{
	struct pty_ep	*pe = ep->data;
	ssize_t		 n;

	if ((n = read(ep->rfd, p, len)) != -1)
		return (n);
	if (errno == EIO)
		return (0);
	if ((errno == EAGAIN || errno == EWOULDBLOCK) && pe->c != NULL &&
	    pe->c->exited)
		return (0);
	return (-1);
}

/* An exited program's terminal is read until it is empty, unasked. */
static int
pty_pending(struct endpoint *ep)
{
	struct pty_ep	*pe = ep->data;

	return (pe->c != NULL && pe->c->exited);
}

/* The peer finished sending: hang up, the descriptor becoming /dev/null. */
static int
pty_hangup(struct endpoint *ep)
{
	int	 null;

	if ((null = open(_PATH_DEVNULL, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	ev_del(ep->rfd);
	ep->revents = ep->wevents = 0;
	dup2(null, ep->rfd);
	close(null);
	log_verbose(2, "terminal hung up: the peer has finished sending");
	return (0);
}

static void
pty_free(struct endpoint *ep)
{
	struct pty_ep	*pe = ep->data;

	if (pe->c != NULL)
		pe->c->pty_ep = NULL;
	free(pe);
}

static const struct ep_ops pty_ops = {
	.read = pty_read,
	.pending = pty_pending,
	.shutdown = pty_hangup,
	.free = pty_free,
};

/* Add c's pty master to s as an endpoint; s owns the master. */
struct endpoint *
pty_endpoint(struct session *s, struct child *c)
{
	struct endpoint	*ep;
	struct pty_ep	*pe;

	if ((pe = calloc(1, sizeof(*pe))) == NULL)
		return (NULL);
	if ((ep = session_endpoint(s, "program", c->pty, c->pty,
	    EP_SHUT_NONE, 0)) == NULL) {
		free(pe);
		return (NULL);
	}
	pe->c = c;
	ep->ops = &pty_ops;
	ep->data = pe;
	c->pty = -1;
	c->pty_ep = ep;
	return (ep);
}

/*
 * c's program exited: close our terminal side so the master reads what is
 * left then EIO, and read it now.
 */
void
pty_exited(struct child *c)
{
	net_close(&c->pty_slave);
	if (c->pty_ep != NULL)
		ep_readable(c->pty_ep);
}

/* c's owner lets go: close what of its terminal no session took. */
void
pty_release(struct child *c)
{
	struct pty_ep	*pe;

	net_close(&c->pty);
	net_close(&c->pty_slave);
	if (c->pty_ep != NULL) {
		pe = c->pty_ep->data;
		pe->c = NULL;
		c->pty_ep = NULL;
	}
}

/*
 * The window-size announcement: IAC SB NAWS, width and height as 16-bit
 * big-endian numbers, IAC SE (the form of RFC 1073, without doubling of
 * 255 bytes: always these 9 bytes).  Byte 255 never occurs in UTF-8 text,
 * and a plain nc client never sends it by itself.
 */
static const unsigned char naws_frame[NAWS_LEN] = {
	255, 250, 31, 0, 0, 0, 0, 255, 240
};

/* Do the len bytes at q (at most NAWS_LEN) start an announcement? */
static int
naws_match(const unsigned char *q, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if ((i < 3 || i > 6) && q[i] != naws_frame[i])
			return (0);
	}
	return (1);
}

/*
 * Take the window-size announcements out of the n bytes at p (room for
 * space, at least n + NAWS_LEN - 1) in place; a cut one waits in st.
 * *rows and *cols are the last size, or -1.  Returns the new length.
 */
static size_t
naws_decode(struct naws *st, unsigned char *p, size_t n, size_t space,
    int *rows, int *cols)
{
	size_t	 h = st->nheld, len = n + h, i = 0, o = 0, avail;

	*rows = *cols = -1;
	if (h > 0) {
		if (len > space)
			return (n);	/* Cannot happen: see xgrow. */
		memmove(p + h, p, n);
		memcpy(p, st->held, h);
		st->nheld = 0;
	}
	while (i < len) {
		avail = len - i < NAWS_LEN ? len - i : NAWS_LEN;
		if (p[i] == naws_frame[0] && naws_match(p + i, avail)) {
			if (avail < NAWS_LEN) {
				memcpy(st->held, p + i, avail);
				st->nheld = avail;
				break;
			}
			*cols = p[i + 3] << 8 | p[i + 4];
			*rows = p[i + 5] << 8 | p[i + 6];
			i += NAWS_LEN;
			continue;
		}
		p[o++] = p[i++];
	}
	return (o);
}

/*
 * Do p's n bytes, a client's first, begin with its whole hello?  Then answer
 * it.  Returns PTY_HELLO_LEN if so, else 0.
 */
static size_t
pty_take_hello(struct pty_ep *pe, const void *p, size_t n)
{
	pe->looked = 1;
	if (n < PTY_HELLO_LEN || memcmp(p, PTY_HELLO, PTY_HELLO_LEN) != 0)
		return (0);
	pe->hello = 1;
	if (pe->answer != NULL &&
	    channel_inject(pe->answer, PTY_HELLO, PTY_HELLO_LEN) == -1)
		log_verbose_warn(1, "hello not answered: %s", strerror(errno));
	log_verbose(2, "the client takes part in window sizes");
	return (PTY_HELLO_LEN);
}

/*
 * Take a client's hello and then its window sizes out of the stream, and
 * give the sizes to the terminal.
 */
static size_t
pty_xform(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	struct pty_ep	*pe = ch->dst->data;
	struct winsize	 ws;
	size_t		 skip;
	int		 rows, cols;

	if (!pe->looked && (skip = pty_take_hello(pe, p, n)) > 0) {
		memmove(p, p + skip, n - skip);
		n -= skip;
	}
	if (!pe->hello)
		return (n);
	n = naws_decode(&pe->naws, p, n, space, &rows, &cols);
	if (rows != -1) {
		memset(&ws, 0, sizeof(ws));
		ws.ws_row = rows;
		ws.ws_col = cols;
		if (ioctl(ch->dst->wfd, TIOCSWINSZ, &ws) == -1)
			log_verbose_warn(1, "window size: %s", strerror(errno));
		else
			log_verbose(2, "window size %dx%d", cols, rows);
	}
	return (n);
}

/*
 * The window-size exchange of the terminal rx writes to, with the peer rx
 * reads and tx (or NULL) writes to: dialled, we say PTY_HELLO first; as a
 * server we answer only a client's hello, so a plain client sees only the
 * program's bytes.  Returns 0, or -1 with errno.
 */
int
pty_exchange(struct channel *rx, struct channel *tx, int dialled)
{
	struct pty_ep	*pe = rx->dst->data;

	rx->xform = pty_xform;
	rx->xgrow = NAWS_LEN;
	pe->answer = tx;
	if (!dialled)
		return (0);
	pe->hello = pe->looked = 1;
	return (tx != NULL ? channel_inject(tx, PTY_HELLO, PTY_HELLO_LEN) : 0);
}

/* Write the announcement of a rows x cols window to out (NAWS_LEN). */
void
pty_naws_encode(unsigned char *out, int rows, int cols)
{
	memcpy(out, naws_frame, NAWS_LEN);
	out[3] = (cols >> 8) & 0xff;
	out[4] = cols & 0xff;
	out[5] = (rows >> 8) & 0xff;
	out[6] = rows & 0xff;
}
