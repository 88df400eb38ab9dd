/*
 * A line typed on a terminal and edited before it is sent (--chat,
 * --readline, a room's operator): the terminal in cbreak mode, the keys
 * applied here, a history, and a line over several rows always redrawn
 * from its first, as readline does.  The owner's endpoint reads the
 * finished lines (edit_attach()); beside a peer, see editpeer.c.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

/* The editor whose window size SIGWINCH updates. */
static struct edit	*edit_winch_e;

/*
 * Set e up: echo to echo (-1: nowhere), a history if history is set;
 * before (or NULL) runs before a key that shows something, after after
 * each key, both with arg.
 */
__startup void
edit_init(struct edit *e, int echo, int history, void (*before)(void *),
    void (*after)(void *), void *arg)
{
	memset(e, 0, sizeof(*e));
	e->echo = echo;
	e->history = history;
	e->before = before;
	e->after = after;
	e->arg = arg;
	e->histfd = -1;
}

/* The size of done: a whole line, and a read of keys that end more. */
#define EDIT_DONE_SIZE	(EDIT_LINE_MAX + EDIT_KEYS_MAX + 8)

/* Forget the history, and let go of the buffers: e's owner is done. */
void
edit_free(struct edit *e)
{
	size_t	 i;

	edit_watch(e, 0);
	net_close(&e->histfd);
	if (e->echo_own)
		close(e->echo);
	for (i = 0; i < e->nhist; i++)
		free(e->hist[i]);
	free(e->draft);
	free(e->line);
	free(e->done);
	free(e->tail);
	free(e->lp);
	if (e->noecho != NULL)
		regfree(e->noecho);
	free(e->noecho);
}

/* Take the buffers, at the first key.  Returns -1 (e->error) if not. */
static int
edit_alloc(struct edit *e)
{
	if (e->line != NULL)
		return (0);
	if (e->error == 0 && ((e->line = malloc(EDIT_LINE_MAX)) == NULL ||
	    (e->done = malloc(EDIT_DONE_SIZE)) == NULL ||
	    (e->lp = malloc(EDIT_PROMPT_MAX)) == NULL)) {
		e->error = errno;
		free(e->line);
		free(e->done);
		e->line = NULL;
		e->done = NULL;
	}
	return (e->error != 0 ? -1 : 0);
}

/* Show p, n bytes, where the keys echo, unless the line is secret. */
static void
edit_echo(const struct edit *e, const void *p, size_t n)
{
	if (e->echo != -1 && !e->secret)
		log_write_quiet(e->echo, p, n);
}

/* Learn the terminal's width (0, unknown: the line never wraps). */
static void
edit_measure(struct edit *e)
{
	struct winsize	 ws;

	e->cols = 0;
	if (e->echo != -1 && ioctl(e->echo, TIOCGWINSZ, &ws) == 0)
		e->cols = ws.ws_col;
}

/*
 * The column after s (n bytes) shown from column w; a tab to the next
 * eighth, an escape sequence none.
 */
static size_t
edit_cols(const char *s, size_t n, size_t w)
{
	size_t	 i;
	int	 esc = 0;

	for (i = 0; i < n; i++) {
		if (esc == 1)
			esc = s[i] == '[' ? 2 : 0;
		else if (esc == 2)
			esc = s[i] >= 0x40 && s[i] <= 0x7e ? 0 : 2;
		else if (s[i] == '\033')
			esc = 1;
		else if (s[i] == '\t')
			w = (w / 8 + 1) * 8;
		else if ((s[i] & 0xc0) != 0x80 && (unsigned char)s[i] >= 0x20)
			w++;
	}
	return (w);
}

/* The column the first n bytes of the line end at, after its prompt. */
static size_t
edit_width(const struct edit *e, size_t n)
{
	return (edit_cols(e->line, n, e->lpw));
}

/* The row of the line's rows that column w falls on. */
static size_t
edit_row(const struct edit *e, size_t w)
{
	return (e->cols > 0 ? w / e->cols : 0);
}

/* Move the terminal's cursor n places: up 'A', down 'B', right 'C'. */
static void
edit_cursor(const struct edit *e, size_t n, char dir)
{
	char	 seq[32];

	if (n > 0)
		edit_echo(e, seq, snprintf(seq, sizeof(seq), "\033[%zu%c", n,
		    dir));
}

/*
 * Take the line off the screen row by row, cursor left at its start; row by
 * row so no terminal history keeps stale copies.
 */
void
edit_hide(struct edit *e)
{
	size_t	 last;

	if (!e->drawn)
		return;
	last = edit_row(e, e->endw);
	if (last > e->crow)
		edit_cursor(e, last - e->crow, 'B');
	for (; last > 0; last--)
		edit_echo(e, "\r\033[K\033[A", 7);
	edit_echo(e, "\r\033[K", 4);
	e->drawn = 0;
	e->crow = 0;
}

/*
 * Leave a line half typed shown as it is, the cursor on the row below its
 * last; the next key draws it again there.  A prompt alone stays as the
 * peer left it.
 */
void
edit_leave(struct edit *e)
{
	size_t	 last;

	if (!e->drawn || e->linelen == 0)
		return;
	last = edit_row(e, e->endw);
	if (last > e->crow)
		edit_cursor(e, last - e->crow, 'B');
	edit_echo(e, "\r\n", 2);
	e->drawn = 0;
	e->crow = 0;
}

/*
 * Show the line again from its first row, the cursor at its place (on the
 * next row after a full row).
 */
void
edit_show(struct edit *e)
{
	size_t	 i, w, span, end, at, row, col;

	e->redraw = 0;
	if (e->drawn)
		edit_hide(e);
	else
		edit_echo(e, "\r\033[K", 4);
	if (e->linelen == 0 && e->lplen == 0)
		return;
	edit_echo(e, e->lp, e->lplen);
	/* The text between tabs in one piece; a tab as spaces. */
	for (i = 0, w = e->lpw, span = 0; i <= e->linelen; i++) {
		if (i < e->linelen && e->line[i] != '\t') {
			if ((e->line[i] & 0xc0) != 0x80)
				w++;
			continue;
		}
		edit_echo(e, e->line + span, i - span);
		span = i + 1;
		if (i == e->linelen)
			break;
		/* Spaces: a tab never moves past a row's end. */
		do {
			edit_echo(e, " ", 1);
			w++;
		} while (w % 8 != 0);
	}
	if (e->cols > 0 && w % e->cols == 0)
		edit_echo(e, "\r\n", 2);
	e->endw = w;
	/* From the line's end to the cursor's row and column. */
	end = edit_row(e, w);
	at = edit_width(e, e->pos);
	row = edit_row(e, at);
	col = e->cols > 0 ? at % e->cols : at;
	if (row != end || col != (e->cols > 0 ? w % e->cols : w)) {
		edit_cursor(e, end - row, 'A');
		edit_echo(e, "\r", 1);
		edit_cursor(e, col, 'C');
	}
	e->crow = row;
	e->drawn = 1;
}

/* The line's prompt is text, n bytes (its first EDIT_PROMPT_MAX). */
static void
edit_set_prompt(struct edit *e, const char *text, size_t n)
{
	if (n > EDIT_PROMPT_MAX)
		n = EDIT_PROMPT_MAX;
	memcpy(e->lp, text, n);
	e->lplen = n;
	e->lpw = edit_cols(text, n, 0);
}

/*
 * After each key or resize: the owner's after, or redraw the line unless the
 * peer's output is still on its way.
 */
static void
edit_after(struct edit *e)
{
	if (e->after != NULL)
		e->after(e->arg);
	else if (e->redraw && (e->rx == NULL || channel_pending(e->rx) == 0))
		edit_show(e);
}

/*
 * SIGWINCH: find the line's first row again at the new width and redraw
 * it; continued after a stop, draw it anew on the shell's last row.
 */
static void
edit_winch(__unused int sig, void *arg)
{
	struct edit	*e = arg;

	edit_measure(e);
	if (stdio_tty_continued() && (e->drawn || e->linelen > 0)) {
		e->drawn = 0;
		e->redraw = 1;
	} else if (e->drawn) {
		e->crow = edit_row(e, edit_width(e, e->pos));
		e->redraw = 1;
	}
	edit_after(e);
}

/* Follow the terminal's width (on) or stop (off); one editor at a time. */
void
edit_watch(struct edit *e, int on)
{
	if (!on) {
		if (edit_winch_e == e) {
			ev_signal(SIGWINCH, NULL, NULL);
			edit_winch_e = NULL;
		}
		return;
	}
	edit_measure(e);
	if (e->echo == -1 || edit_winch_e == e)
		return;
	if (ev_signal(SIGWINCH, edit_winch, e) == -1)
		log_verbose_warn(1, "SIGWINCH: %s", strerror(errno));
	else
		edit_winch_e = e;
}

/* Replace the typed line with text (a history line), the cursor at its end. */
static void
edit_set(struct edit *e, const char *text)
{
	e->linelen = strlen(text);
	memcpy(e->line, text, e->linelen);
	e->pos = e->linelen;
	e->redraw = 1;
}

/* Keep line (len bytes) unless empty or a repeat.  Returns 1 if kept. */
static int
edit_keep(struct edit *e, const char *line, size_t len)
{
	char	*s;

	if (len == 0 || (e->nhist > 0 && strlen(e->hist[e->nhist - 1]) ==
	    len && memcmp(e->hist[e->nhist - 1], line, len) == 0))
		return (0);
	if ((s = strndup(line, len)) == NULL)
		return (0);
	if (e->nhist == EDIT_HISTORY) {
		free(e->hist[0]);
		memmove(e->hist, e->hist + 1, (EDIT_HISTORY - 1) *
		    sizeof(*e->hist));
		e->nhist--;
	}
	e->hist[e->nhist++] = s;
	return (1);
}

/*
 * Add the finished line to the history file, if there is one, at once (^C
 * leaves no time); a write failure is said once.
 */
static void
edit_save(struct edit *e)
{
	struct iovec	 iov[2] = {
		{ .iov_base = e->line, .iov_len = e->linelen },
		{ .iov_base = "\n", .iov_len = 1 }
	};

	if (e->histfd == -1)
		return;
	if (writev(e->histfd, iov, 2) != (ssize_t)e->linelen + 1) {
		edit_hide(e);
		log_warn("history not saved");
		net_close(&e->histfd);
	}
}

/* Keep the finished line in the history, unless secret. */
static void
edit_remember(struct edit *e)
{
	free(e->draft);
	e->draft = NULL;
	if (e->history && !e->secret && edit_keep(e, e->line, e->linelen))
		edit_save(e);
	e->hpos = e->nhist;
}

/* Up (older, dir -1) or Down (newer, 1) in the history. */
static void
edit_history(struct edit *e, int dir)
{
	if (!e->history)
		return;
	if (dir < 0) {
		if (e->hpos == 0)
			return;
		/* What was being typed comes back at the bottom. */
		if (e->hpos == e->nhist) {
			free(e->draft);
			e->draft = strndup(e->line, e->linelen);
		}
		e->hpos--;
		edit_set(e, e->hist[e->hpos]);
		return;
	}
	if (e->hpos == e->nhist)
		return;
	e->hpos++;
	edit_set(e, e->hpos < e->nhist ? e->hist[e->hpos] :
	    (e->draft != NULL ? e->draft : ""));
}

/*
 * Keep the history in path too: read now, each line sent appended, the
 * file made owner-only and cut to EDIT_HISTORY lines.  Returns -1 with
 * errno and *why, in words.
 */
int
edit_history_file(struct edit *e, const char *path, const char **why)
{
	FILE	*f;
	char	*l = NULL;
	size_t	 size = 0, lines = 0, i;
	ssize_t	 n;
	int	 fd, rfd;

	if ((fd = path_open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600, why)) == -1)
		return (-1);
	if ((rfd = dup(fd)) == -1 || (f = fdopen(rfd, "r")) == NULL) {
		if (rfd != -1)
			(void)net_close_err(rfd);
		goto fail;
	}
	while ((n = getline(&l, &size, f)) != -1) {
		if (n > 0 && l[n - 1] == '\n')
			n--;
		if ((size_t)n < EDIT_LINE_MAX && memchr(l, '\0', n) == NULL)
			edit_keep(e, l, n);
		lines++;
	}
	free(l);
	fclose(f);
	/* Cut to what is kept: the file never grows without bound. */
	if (lines > e->nhist) {
		if (ftruncate(fd, 0) == -1)
			goto fail;
		for (i = 0; i < e->nhist; i++)
			if (dprintf(fd, "%s\n", e->hist[i]) < 0)
				goto fail;
	}
	e->history = 1;
	e->hpos = e->nhist;
	e->histfd = fd;
	return (0);

fail:
	*why = strerror(errno);
	return (net_close_err(fd));
}

/*
 * Queue the typed line to be sent, with its newline (nl) or, when it fills
 * its buffer, without, to type on; the next line starts on a new row.
 */
static void
edit_piece(struct edit *e, int nl)
{
	memcpy(e->done + e->donelen, e->line, e->linelen);
	e->donelen += e->linelen;
	if (nl)
		e->done[e->donelen++] = '\n';
	e->linelen = e->pos = 0;
	if (e->drawn || nl)
		edit_echo(e, "\r\n", 2);
	e->drawn = 0;
	e->crow = 0;
	e->lplen = e->lpw = 0;
}

/* Is the character that the line ends with whole (UTF-8)? */
static int
edit_char_whole(const struct edit *e)
{
	size_t		 i = e->linelen, need;
	unsigned char	 lead;

	while (i > 0 && e->linelen - i < 4 &&
	    (e->line[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return (1);
	lead = e->line[i - 1];
	if (lead < 0xc0)
		return (1);
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return (e->linelen - (i - 1) >= need);
}

/* Put the typed byte b in at the cursor. */
static void
edit_insert(struct edit *e, unsigned char b)
{
	if (e->linelen == EDIT_LINE_MAX) {
		/* Only at the end: the middle of a line is never sent. */
		if (e->pos != e->linelen)
			return;
		edit_piece(e, 0);
	}
	/*
	 * A byte typed at the end of the line as shown is echoed alone;
	 * anything else has the line drawn again.
	 */
	if (e->pos < e->linelen || b == '\t' || e->redraw ||
	    (!e->drawn && (e->linelen > 0 || e->lplen > 0))) {
		memmove(e->line + e->pos + 1, e->line + e->pos,
		    e->linelen - e->pos);
		e->line[e->pos++] = b;
		e->linelen++;
		e->redraw = 1;
		return;
	}
	if (e->linelen == 0)
		e->endw = e->lpw;
	e->line[e->pos++] = b;
	e->linelen++;
	edit_echo(e, &b, 1);
	e->drawn = 1;
	if ((b & 0xc0) != 0x80)
		e->endw++;
	if (e->cols > 0 && edit_char_whole(e)) {
		e->crow = edit_row(e, e->endw);
		if (e->endw % e->cols == 0)
			edit_echo(e, "\r\n", 2);
	}
}

/* Where the character before the cursor starts. */
static size_t
edit_prev(const struct edit *e, size_t pos)
{
	while (pos > 0 && (e->line[pos - 1] & 0xc0) == 0x80)
		pos--;
	return (pos > 0 ? pos - 1 : 0);
}

/* Where the character after the cursor ends. */
static size_t
edit_next(const struct edit *e, size_t pos)
{
	if (pos < e->linelen)
		pos++;
	while (pos < e->linelen && (e->line[pos] & 0xc0) == 0x80)
		pos++;
	return (pos);
}

/* Where the word before (dir -1) or after (1) the cursor starts, ends. */
static size_t
edit_word(const struct edit *e, int dir)
{
	size_t	 pos = e->pos;

	if (dir < 0) {
		while (pos > 0 && e->line[pos - 1] == ' ')
			pos--;
		while (pos > 0 && e->line[pos - 1] != ' ')
			pos--;
	} else {
		while (pos < e->linelen && e->line[pos] == ' ')
			pos++;
		while (pos < e->linelen && e->line[pos] != ' ')
			pos++;
	}
	return (pos);
}

/* Take out the bytes from from to to; the cursor goes to from. */
static void
edit_cut(struct edit *e, size_t from, size_t to)
{
	memmove(e->line + from, e->line + to, e->linelen - to);
	e->linelen -= to - from;
	e->pos = from;
	e->redraw = 1;
}

/* Move the cursor to pos. */
static void
edit_move(struct edit *e, size_t pos)
{
	if (pos != e->pos) {
		e->pos = pos;
		e->redraw = 1;
	}
}

/* The end of an escape sequence: final byte f, parameter e->escarg. */
static void
edit_sequence(struct edit *e, unsigned char f)
{
	switch (f) {
	case 'A':
	case 'B':
		edit_history(e, f == 'A' ? -1 : 1);
		break;
	case 'C':
	case 'D':
		edit_move(e, f == 'C' ? edit_next(e, e->pos) :
		    edit_prev(e, e->pos));
		break;
	case 'H':
	case 'F':
		edit_move(e, f == 'H' ? 0 : e->linelen);
		break;
	case '~':
		/* Home 1 and 7, Delete 3, End 4 and 8. */
		if (e->escarg == 1 || e->escarg == 7)
			edit_move(e, 0);
		else if (e->escarg == 4 || e->escarg == 8)
			edit_move(e, e->linelen);
		else if (e->escarg == 3 && e->pos < e->linelen)
			edit_cut(e, e->pos, edit_next(e, e->pos));
		break;
	}
}

/*
 * Before a key that shows something: at a line's first key, set its prompt
 * (EDIT_PROMPT_*, noecho=); then call the owner's before.
 */
static void
edit_before(struct edit *e)
{
	if (!e->open) {
		e->open = 1;
		/* A tail is kept until a newline, which ends midline too. */
		DEBUG_CHECK(e->taillen == 0 || e->midline,
		    "edit_before: a tail with no half line");
		if (e->taillen > 0 && e->noecho != NULL &&
		    regexec(e->noecho, e->tail, 0, NULL, 0) == 0)
			e->secret = 1;
		else if (e->pmode == EDIT_PROMPT_FIXED) {
			edit_set_prompt(e, e->prompt, strlen(e->prompt));
			e->midline = 0;
			e->redraw = 1;
		}
	}
	if (e->midline && !e->secret) {
		if (e->pmode == EDIT_PROMPT_HALF && e->taillen > 0) {
			edit_set_prompt(e, e->tail, e->taillen);
			/*
			 * The half line on the screen is the prompt drawn,
			 * all its rows, the cursor at its end: it is wiped
			 * whole before the line is drawn after it.  Unless
			 * it fills its last row (the terminal holds the
			 * wrap back), or the line is drawn already.
			 */
			if (!e->drawn && e->cols > 0 &&
			    e->lpw % e->cols != 0) {
				e->drawn = 1;
				e->endw = e->lpw;
				e->crow = edit_row(e, e->lpw);
			}
		} else {
			edit_echo(e, "\n", 1);
			if (e->pmode == EDIT_PROMPT_HALF)
				e->lplen = e->lpw = 0;
		}
		e->midline = 0;
		e->redraw = 1;
	}
	if (e->before != NULL)
		e->before(e->arg);
}

/* Apply keys typed on the terminal to the line. */
static void
edit_keys(struct edit *e, const unsigned char *k, size_t n)
{
	size_t	 i;

	if (edit_alloc(e) == -1)
		return;
	for (i = 0; i < n && !e->eof; i++) {
		if (e->esc == 1) {
			e->esc = k[i] == '[' || k[i] == 'O' ? 2 : 0;
			e->escarg = 0;
			/* Meta-b, Meta-f: a word back, a word on. */
			if (k[i] == 'b' || k[i] == 'f') {
				edit_before(e);
				edit_move(e, edit_word(e, k[i] == 'b' ?
				    -1 : 1));
				edit_after(e);
			}
			continue;
		}
		if (e->esc == 2) {
			if (k[i] >= '0' && k[i] <= '9' && e->escarg < 1000)
				e->escarg = e->escarg * 10 + k[i] - '0';
			else if (k[i] == ';')
				e->escarg = 0;	/* Modifiers: ignored. */
			if (k[i] >= 0x40 && k[i] <= 0x7e) {
				e->esc = 0;
				edit_before(e);
				edit_sequence(e, k[i]);
				edit_after(e);
			}
			continue;
		}
		if (k[i] != 0x1b)
			edit_before(e);
		switch (k[i]) {
		case 0x1b:
			e->esc = 1;
			break;
		case '\r':
		case '\n':
			/* The cursor to the line's end, then a new row. */
			if (e->redraw || (e->drawn && e->pos != e->linelen)) {
				e->pos = e->linelen;
				edit_show(e);
			}
			edit_remember(e);
			edit_piece(e, 1);
			e->redraw = 0;
			/* The next line takes a prompt of its own. */
			e->open = e->secret = e->taillen = 0;
			break;
		case 0x7f:
		case '\b':
			if (e->pos > 0)
				edit_cut(e, edit_prev(e, e->pos), e->pos);
			break;
		case 0x01:	/* ^A */
		case 0x05:	/* ^E */
			edit_move(e, k[i] == 0x01 ? 0 : e->linelen);
			break;
		case 0x02:	/* ^B */
		case 0x06:	/* ^F */
			edit_move(e, k[i] == 0x02 ? edit_prev(e, e->pos) :
			    edit_next(e, e->pos));
			break;
		case 0x0b:	/* ^K */
			if (e->pos < e->linelen)
				edit_cut(e, e->pos, e->linelen);
			break;
		case 0x15:	/* ^U */
			if (e->pos > 0)
				edit_cut(e, 0, e->pos);
			break;
		case 0x17:	/* ^W */
			if (e->pos > 0)
				edit_cut(e, edit_word(e, -1), e->pos);
			break;
		case 0x04:	/* ^D */
			if (e->linelen == 0)
				e->eof = 1;
			else if (e->pos < e->linelen)
				edit_cut(e, e->pos, edit_next(e, e->pos));
			break;
		default:
			if (k[i] < 0x20 && k[i] != '\t')
				break;
			edit_insert(e, k[i]);
			break;
		}
		edit_after(e);
	}
}

/* The finished lines, for the pump; EAGAIN when none, 0 after ^D. */
static ssize_t
edit_read(struct endpoint *ep, void *p, size_t n)
{
	struct edit	*e = ep->data;
	unsigned char	 keys[EDIT_KEYS_MAX];
	ssize_t		 r;

	/*
	 * Read only once what was finished is gone, so done has room.  What
	 * the pump had no room for (the network is 64 KB behind) is taken
	 * as edit_pending() says.
	 */
	if (e->donelen == 0 && !e->eof) {
		if ((r = read(ep->rfd, keys, sizeof(keys))) <= 0)
			return (r);
		edit_keys(e, keys, r);
	}
	/* Keys that could not be kept: said as a failed read, not lost. */
	if (e->error != 0) {
		errno = e->error;
		return (-1);
	}
	if (e->donelen == 0) {
		if (e->eof)
			return (0);
		errno = EAGAIN;
		return (-1);
	}
	if (n > e->donelen)
		n = e->donelen;
	memcpy(p, e->done, n);
	memmove(e->done, e->done + n, e->donelen - n);
	e->donelen -= n;
	return (n);
}

/*
 * Finished lines the pump had no room for, or ^D's end typed with them:
 * no key will announce them.
 */
static int
edit_pending(struct endpoint *ep)
{
	struct edit	*e = ep->data;

	return (e->donelen > 0 || e->eof);
}

static const struct ep_ops edit_ops = {
	.read = edit_read,
	.pending = edit_pending,
};

/* The endpoint ep reads the terminal through e: what is typed, edited. */
void
edit_attach(struct edit *e, struct endpoint *ep)
{
	ep->ops = &edit_ops;
	ep->data = e;
}
