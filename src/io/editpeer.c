/*
 * The line editor beside a peer (--readline, socat's READLINE): the
 * peer's half line kept as the prompt of the line typed after it, and the
 * channel that writes the peer's bytes to the terminal kept clear of the
 * line being typed (edit_terminal()).  The editor itself is edit.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

static void	edit_rx_tap(struct channel *, const unsigned char *, size_t,
		    void *);

/*
 * How a line typed after the peer's half line starts (--readline and
 * socat's READLINE): the half line is its prompt, unless noprompt (a row
 * of its own) or prompt (when not NULL: that, in place of it) say
 * otherwise; a half line the extended regular expression noecho (when
 * not NULL) matches has the line typed after it neither shown nor kept
 * (a password asked for, as socat's noecho=).  prompt stays the
 * caller's.  Returns -1 with errno (EINVAL: noecho is no regular
 * expression).
 */
static int
edit_prompt(struct edit *e, const char *prompt, int noprompt,
    const char *noecho)
{
	e->pmode = prompt != NULL ? EDIT_PROMPT_FIXED : noprompt ?
	    EDIT_PROMPT_NONE : EDIT_PROMPT_HALF;
	e->prompt = prompt;
	if (noecho == NULL)
		return (0);
	if ((e->noecho = malloc(sizeof(*e->noecho))) == NULL)
		return (-1);
	if (regcomp(e->noecho, noecho, REG_EXTENDED | REG_NOSUB) != 0) {
		free(e->noecho);
		e->noecho = NULL;
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

/*
 * --readline's and READLINE's editor e: the keys echoed where the
 * terminal shows (stdout, else stderr), a history, kept in the file
 * history too when not NULL, and a line typed after the peer's half line
 * started as prompt, noprompt and noecho say (edit_prompt()).  Returns
 * -1 with errno, *what (the history's file, or what failed) and *why, in
 * words.
 */
int
edit_readline(struct edit *e, const char *history, const char *prompt,
    int noprompt, const char *noecho, const char **what, const char **why)
{
	int	 echo = -1;

	if (isatty(STDOUT_FILENO))
		echo = STDOUT_FILENO;
	else if (isatty(STDERR_FILENO))
		echo = STDERR_FILENO;
	edit_init(e, echo, 1, NULL, NULL, NULL);
	*what = "READLINE's noecho=";
	if (edit_prompt(e, prompt, noprompt, noecho) == -1) {
		*why = strerror(errno);
		return (-1);
	}
	*what = history;
	if (history != NULL && edit_history_file(e, history, why) == -1)
		return (-1);
	return (0);
}

/*
 * The owner has shown p (n bytes) on the terminal: whether its last line
 * is finished, and with EDIT_PROMPT_HALF or noecho= the end of its half
 * line (after the last newline or carriage return, EDIT_PROMPT_MAX - 1
 * bytes at most), kept as the next line's prompt.  A half line that
 * cannot be kept is not a prompt: the line typed after it starts a row.
 */
static void
edit_shown(struct edit *e, const void *p, size_t n)
{
	const char	*s = p, *cr, *nl;
	size_t		 keep = EDIT_PROMPT_MAX - 1;

	if (n == 0)
		return;
	e->midline = s[n - 1] != '\n';
	if (e->pmode != EDIT_PROMPT_HALF && e->noecho == NULL)
		return;
	cr = memrchr(s, '\r', n);
	nl = memrchr(s, '\n', n);
	if (cr != NULL || nl != NULL) {
		if (cr == NULL || (nl != NULL && nl > cr))
			cr = nl;
		e->taillen = 0;
		n -= cr + 1 - s;
		s = cr + 1;
	}
	if (e->tail == NULL && (e->tail = malloc(EDIT_PROMPT_MAX)) == NULL) {
		e->taillen = 0;
		return;
	}
	if (n > keep) {
		s += n - keep;
		n = keep;
	}
	if (e->taillen + n > keep) {
		memmove(e->tail, e->tail + e->taillen + n - keep, keep - n);
		e->taillen = keep - n;
	}
	memcpy(e->tail + e->taillen, s, n);
	e->taillen += n;
	e->tail[e->taillen] = '\0';
}

/*
 * What the peer sends, on its way to the terminal: the half-typed line
 * shown, all its rows, is wiped first (it comes back below,
 * edit_rx_tap(), whose argument is the editor).  It is only ever shown
 * when nothing of the peer's waits to be written, so the wipe goes
 * straight to the terminal.  Then the channel's own rewrite, if it had
 * one (socat's crlf), with its state.
 */
static size_t
edit_rx_xform(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	struct edit	*e = NULL;
	u_int		 i;

	for (i = 0; i < ch->ntaps && e == NULL; i++) {
		if (ch->taps[i].cb == edit_rx_tap)
			e = ch->taps[i].arg;
	}
#ifdef SC_DEBUG
	if (e == NULL)
		fatalx("%s: the editor's rewrite without its tap", ch->name);
#endif
	if (n > 0 && !e->midline)
		edit_hide(e);
	return (e->rx_xform != NULL ? e->rx_xform(ch, p, n, space) : n);
}

/*
 * Once a line of the peer's is shown, and nothing more of the peer's
 * waits, the typed one again.
 */
static void
edit_rx_tap(struct channel *ch, const unsigned char *p, size_t n, void *arg)
{
	struct edit	*e = arg;

	if (n == 0)
		return;
	edit_shown(e, p, n);
	if (!e->midline && e->linelen > 0 && channel_pending(ch) == n)
		edit_show(e);
}

/*
 * The terminal on stdin edits the lines in reads (cbreak mode, restored
 * at exit), and what the channel rx (when not NULL) writes to a terminal
 * on stdout keeps clear of the line being typed: the line is wiped
 * before, and shown again after it, until edit_terminal_end().  Returns
 * -1 with errno.
 */
int
edit_terminal(struct edit *e, struct endpoint *in, struct channel *rx)
{
	if (stdio_tty_raw() == -1)
		return (-1);
	edit_attach(e, in);
	edit_watch(e, 1);
	if (e->echo != STDOUT_FILENO || rx == NULL)
		return (0);
	if (channel_tap(rx, edit_rx_tap, e) == -1)
		return (-1);
	e->rx = rx;
	e->rx_xform = rx->xform;
	rx->xform = edit_rx_xform;
	return (0);
}

/* The session of e's channel is over: the terminal's size not watched. */
void
edit_terminal_end(struct edit *e)
{
	e->rx = NULL;
	edit_watch(e, 0);
}
