/*
 * The line editor beside a peer (--readline, socat's READLINE): the
 * peer's half line as the prompt, and the peer's output kept clear of the
 * line being typed.  The editor itself is edit.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

/*
 * How a line typed after the peer's half line starts: that half line,
 * a row of its own (noprompt), or prompt (not NULL, stays the caller's);
 * after a half line matching the ERE noecho, unseen and not kept.
 * Returns -1 with errno (EINVAL: noecho is no regular expression).
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
 * Set up e for --readline and READLINE: echo where the terminal shows, a
 * history (in the file history if not NULL), prompts as edit_prompt().
 * Returns -1 with errno, *what and *why, in words.
 */
int
edit_readline(struct edit *e, const char *history, const char *prompt,
    int noprompt, const char *noecho, const char **what, const char **why)
{
	int	 echo = -1, own = -1;

	/*
	 * stdout's terminal through a descriptor of its own: stdout is
	 * closed when the peer ends its sending, and what is typed after
	 * must still be seen.
	 */
	if (isatty(STDOUT_FILENO)) {
		own = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		echo = own != -1 ? own : STDOUT_FILENO;
	} else if (isatty(STDERR_FILENO))
		echo = STDERR_FILENO;
	edit_init(e, echo, 1, NULL, NULL, NULL);
	e->echo_own = own != -1;
	e->echo_out = echo != STDERR_FILENO && echo != -1;
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
 * Note what the owner showed (p, n bytes): whether its last line is
 * finished, and its half line as the next prompt.
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

/* Show the typed line again once the peer's line is shown. */
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
 * Wipe the typed line before the peer's bytes, then the channel's own
 * rewrite.
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
	DEBUG_CHECK(e != NULL, "edit_rx_xform: the editor's rewrite without "
	    "its tap");
	if (n > 0 && !e->midline)
		edit_hide(e);
	return (e->rx_xform != NULL ? e->rx_xform(ch, p, n, space) : n);
}

/*
 * Edit the lines in reads on stdin (cbreak mode, restored at exit); what
 * rx (or NULL) writes to a terminal stdout keeps clear of the line until
 * edit_terminal_end().  Returns -1 with errno.
 */
int
edit_terminal(struct edit *e, struct endpoint *in, struct channel *rx)
{
	if (stdio_tty_raw(0) == -1)
		return (-1);
	edit_attach(e, in);
	edit_watch(e, 1);
	if (!e->echo_out || rx == NULL)
		return (0);
	if (channel_tap(rx, edit_rx_tap, e) == -1)
		return (-1);
	e->rx = rx;
	e->rx_xform = rx->xform;
	rx->xform = edit_rx_xform;
	return (0);
}

/*
 * The session of e's channel is over: the terminal's size not watched, and
 * a line half typed left shown, what is said next on a row of its own.
 */
void
edit_terminal_end(struct edit *e)
{
	e->rx = NULL;
	edit_watch(e, 0);
	edit_leave(e);
}
