/*
 * The local side of a remote terminal (--raw), client or listener: the
 * local terminal in raw mode while connected, put back when the
 * connection ends, at exit, on every fatal signal and while stopped
 * (SIGTSTP); the escape "~." after a newline to leave; the window size
 * sent, and again whenever it changes, to a --pty peer that said that it
 * takes them (PTY_HELLO: a --pty client first, a --pty server in answer
 * to a --raw client's own hello), and to nobody else: a plain shell
 * would read them as typed.
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

static int	term_begin(struct channel *, int);
static size_t	term_xform(struct channel *, unsigned char *, size_t, size_t);

/*
 * SIGTSTP (kill -TSTP; ^Z is a byte for the remote side in raw mode):
 * give the terminal its own modes back and stop, as ssh does; when
 * continued, make it raw again and have the window size sent, as it may
 * have changed meanwhile.  Only async-signal-safe calls.
 */
static void
term_tstp(int sig)
{
	struct sigaction sa, old;
	sigset_t	 set, saved;
	int		 errsave = errno;

	stdio_tty_pause(1);
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
	stdio_tty_pause(0);
	raise(SIGWINCH);
	errno = errsave;
}

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
term_winch(int sig, void *arg)
{
	(void)sig;
	(void)arg;
	if (term_tx != NULL && term_asked && !term_tx->src->session->over)
		term_send_size(term_tx);
}

/*
 * The peer has said PTY_HELLO (taken out of the n bytes at p, at q): it
 * is sent the window's size from now on.  Returns the new length.
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
 * What a client sends first (on the channel that shows it), to a --raw
 * listener: a --pty client begins with PTY_HELLO, which is taken out, and
 * from then on it is sent the window's size.  Anything else is passed on
 * untouched, and the client is never sent one.  A hello cut by the end
 * of a read is not one: it reaches the terminal, which ignores it, and no
 * size is sent.  Only the first read is looked at.
 */
static size_t
term_hello_xform(struct channel *ch, unsigned char *p, size_t n,
    size_t space)
{
	(void)space;
	if (n < PTY_HELLO_LEN || memcmp(p, PTY_HELLO, PTY_HELLO_LEN) != 0) {
		ch->xform = NULL;
		ch->xgrow = 0;
		return (n);
	}
	return (term_hello_heard(ch, p, p, n));
}

/*
 * What a server sends to a --raw client that said its hello: a --pty
 * server answers with its own once it has read ours, after what its
 * program wrote meanwhile, so every read is looked at until the answer
 * comes.  It is taken out, and from then on the server is sent the
 * window's size.  A server that never answers is never sent one.  An
 * answer cut by the end of a read is not seen: it reaches the terminal,
 * which ignores it, and no size is sent.
 */
static size_t
term_answer_xform(struct channel *ch, unsigned char *p, size_t n,
    size_t space)
{
	unsigned char	*q;

	(void)space;
	if ((q = memmem(p, n, PTY_HELLO, PTY_HELLO_LEN)) == NULL)
		return (n);
	return (term_hello_heard(ch, p, q, n));
}

/*
 * Make the local terminal (stdin) a remote one for the channel tx, which
 * sends what is typed, and rx, which shows what comes: raw mode, put back
 * at exit, on any fatal signal and while stopped; the escape; the window
 * size, for a peer whose first bytes say it takes them, then and on
 * SIGWINCH.  A client says hello first (term_hello()) and waits for the
 * answer instead.  Returns -1 with errno when stdin is not a terminal.
 */
int
term_start(struct channel *tx, struct channel *rx)
{
	if (term_begin(tx, 1) == -1)
		return (-1);
	rx->xform = term_hello_xform;
	rx->xgrow = 1;
	return (0);
}

/*
 * A --raw client, started with term_start(), on a new connection: it
 * says PTY_HELLO on tx before anything tx holds (--on-connect's text
 * too), and sends window sizes only once rx has brought the answer of a
 * --pty server (term_answer_xform()).  Returns 0, or -1 with errno.
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

/*
 * The same for a line to a device (serial:, pty:), which has no window:
 * no sizes are sent on it.
 */
int
term_start_line(struct channel *tx)
{
	return (term_begin(tx, 0));
}

static int
term_begin(struct channel *tx, int sizes)
{
	struct sigaction sa;

	/* Every fatal signal puts the terminal back (cleanup_on_signals()). */
	if (stdio_tty_makeraw() == -1)
		return (-1);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = term_tstp;
	cleanup_sigaction(SIGTSTP, &sa, NULL);
	tx->xform = term_xform;
	tx->xstate = TERM_LINE_START;
	term_tx = tx;
	term_asked = 0;
	if (!(term_sizes = sizes))
		return (0);
	if (ev_signal(SIGWINCH, term_winch, NULL) == -1)
		log_verbose_warn(1, "SIGWINCH: %s", strerror(errno));
	return (0);
}

/*
 * The session of tx is about to be freed: window sizes are no longer
 * sent on it, and the terminal has its own modes back (a listener's
 * next client makes it raw again).  Anything else may be passed; it is
 * then left alone.
 */
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

/*
 * Look for the escape in the n bytes typed at p: "~." right after a
 * newline (CR or LF) or at the start leaves; "~~" there sends one "~";
 * a "~" followed by anything else is sent as it is.  The bytes before
 * the escape are sent; nothing after it is.  p has room for n + 1 bytes
 * (a "~" held back from the last read).  Returns the new length.
 */
static size_t
term_xform(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	size_t	 i, o = 0, add = ch->xstate == TERM_TILDE;
	int	 st = ch->xstate;

	(void)space;
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
