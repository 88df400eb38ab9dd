/*
 * The local side of a remote terminal (--raw): the local terminal raw
 * while connected (put back at exit, on fatal signals, while stopped:
 * stdio.c), "~." to leave, and window sizes sent only to a --pty peer
 * that said PTY_HELLO.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

/* Where the escape is in what is typed (the channel's xstate). */
enum {
	TERM_LINE_START,	/* After a newline, or at the start. */
	TERM_MID_LINE,
	TERM_TILDE,		/* "~" at a line's start, held back. */
	TERM_ESCAPED,		/* "~." was typed: leave. */
};

/* The channel that sends what is typed, while its session lives. */
static struct channel	*term_tx;
/* Its peer may be told the window's size (not a device's line). */
static int		 term_sizes;
/* It said it takes them: they are sent. */
static int		 term_asked;

/* Send the window size of the local terminal on tx, if it has one. */
static void
term_send_size(struct channel *tx)
{
	struct winsize	 ws;
	unsigned char	 frame[NAWS_LEN];

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0 ||
	    ws.ws_col == 0)
		return;
	pty_naws_encode(frame, ws.ws_row, ws.ws_col);
	if (channel_inject(tx, frame, sizeof(frame)) == -1)
		log_verbose(2, "window size not sent: %s", strerror(errno));
}

static void
term_winch(__unused int sig, __unused void *arg)
{
	if (term_tx != NULL && term_asked && !term_tx->src->session->over)
		term_send_size(term_tx);
}

/*
 * The peer said PTY_HELLO (at q within p's n bytes, taken out): send it
 * sizes from now on.  Returns the new length.
 */
static size_t
term_hello_heard(struct channel *ch, unsigned char *p, unsigned char *q,
    size_t n)
{
	ch->xform = NULL;
	ch->xgrow = 0;
	memmove(q, q + PTY_HELLO_LEN, n - (q - p) - PTY_HELLO_LEN);
	if (term_tx != NULL && term_sizes) {
		term_asked = 1;
		term_send_size(term_tx);
	}
	return (n - PTY_HELLO_LEN);
}

/*
 * A --raw listener: take a --pty client's PTY_HELLO out of its first read,
 * and send it sizes from then on.
 */
static size_t
term_hello_xform(struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	if (n < PTY_HELLO_LEN || memcmp(p, PTY_HELLO, PTY_HELLO_LEN) != 0) {
		ch->xform = NULL;
		ch->xgrow = 0;
		return (n);
	}
	return (term_hello_heard(ch, p, p, n));
}

/*
 * A --raw client: take a --pty server's answer out of what it sends, and
 * send it sizes from then on.
 */
static size_t
term_answer_xform(struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	unsigned char	*q;

	if ((q = memmem(p, n, PTY_HELLO, PTY_HELLO_LEN)) == NULL)
		return (n);
	return (term_hello_heard(ch, p, q, n));
}

/*
 * Act on the escape in the n bytes typed at p: "~." after a newline or at
 * the start leaves, "~~" sends "~"; nothing after the escape is sent.  p
 * has room for n + 1 bytes.  Returns the new length.
 */
static size_t
term_xform(struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	size_t	 i, o = 0, add = ch->xstate == TERM_TILDE;
	int	 st = ch->xstate;

	if (st == TERM_ESCAPED)
		return (0);
	/* A "~" held back from the last read goes in front. */
	if (add) {
		memmove(p + 1, p, n);
		p[0] = '~';
		st = TERM_LINE_START;
	}
	for (i = 0; i < n + add; i++) {
		if (st == TERM_LINE_START && p[i] == '~') {
			if (i + 1 == n + add) {
				st = TERM_TILDE;	/* Wait for the next. */
				break;
			}
			if (p[i + 1] == '.') {
				st = TERM_ESCAPED;
				break;
			}
			if (p[i + 1] == '~')
				i++;
			p[o++] = p[i];
			st = TERM_MID_LINE;
			continue;
		}
		st = p[i] == '\r' || p[i] == '\n' ? TERM_LINE_START :
		    TERM_MID_LINE;
		p[o++] = p[i];
	}
	ch->xstate = st;
	return (o);
}

/*
 * Make stdin's terminal a remote one for tx (what is typed) and rx (what
 * comes): raw mode, the escape, window sizes for a peer that asks; rx
 * NULL for a line to a device, which has no window.  A client then calls
 * term_hello().  Returns -1 with errno when stdin is no terminal.
 */
int
term_start(struct channel *tx, struct channel *rx)
{
	/*
	 * Every fatal signal puts the terminal back (cleanup_on_signals()),
	 * and so does a stop, until continued.
	 */
	if (stdio_tty_raw(1) == -1)
		return (-1);
	tx->xform = term_xform;
	tx->xstate = TERM_LINE_START;
	term_tx = tx;
	term_asked = 0;
	term_sizes = rx != NULL;
	if (rx == NULL)
		return (0);
	if (ev_signal(SIGWINCH, term_winch, NULL) == -1)
		log_verbose_warn(1, "SIGWINCH: %s", strerror(errno));
	rx->xform = term_hello_xform;
	rx->xgrow = 1;
	return (0);
}

/*
 * A --raw client on a new connection: say PTY_HELLO on tx before
 * anything it holds; sizes only once rx brings a --pty server's answer.
 * Returns 0, or -1 with errno.
 */
int
term_hello(struct channel *tx, struct channel *rx)
{
	if (channel_inject_first(tx, PTY_HELLO, PTY_HELLO_LEN) == -1)
		return (-1);
	term_asked = 0;
	rx->xform = term_answer_xform;
	rx->xgrow = 1;
	return (0);
}

/* tx's session is ending: stop sizes on it and give the terminal its modes. */
void
term_stop(struct channel *tx)
{
	if (tx == NULL || tx != term_tx)
		return;
	term_tx = NULL;
	term_asked = 0;
	if (term_sizes)
		ev_signal(SIGWINCH, NULL, NULL);
	stdio_tty_unset();
}

/* Has "~." been typed on tx's terminal? */
int
term_escaped(const struct channel *tx)
{
	return (tx->xform == term_xform && tx->xstate == TERM_ESCAPED);
}
