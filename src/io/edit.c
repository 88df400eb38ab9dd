/*
 * A line typed on a terminal and edited before it is sent (--chat,
 * --readline): the terminal echoes nothing (cbreak, stdio_tty_raw()), and
 * the keys are applied here.  Printable bytes (UTF-8 included) are added
 * and echoed; Enter finishes the line; erase, ^U and ^W edit it; ^D on an
 * empty line ends the input; with a history, Up and Down bring back the
 * lines sent before (kept in memory only); other escape sequences and
 * controls are ignored.  The owner reads finished lines with edit_read(),
 * as an endpoint's read.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

/*
 * Set e up: echo to the descriptor echo (-1: nowhere), keep a history of
 * up to EDIT_HISTORY lines when history is set; before (when not NULL) is
 * called before a key that shows something, after after each key (to
 * show the line again when e->redraw says so), both with arg.
 */
void
edit_init(struct edit *e, int echo, int history, void (*before)(void *),
    void (*after)(void *), void *arg)
{
	memset(e, 0, sizeof(*e));
	e->echo = echo;
	e->history = history;
	e->before = before;
	e->after = after;
	e->arg = arg;
}

/* The size of done: a whole line, and a read of keys that end more. */
#define EDIT_DONE_SIZE	(EDIT_LINE_MAX + EDIT_KEYS_MAX + 8)

/* Forget the history, and let go of the buffers. */
void
edit_free(struct edit *e)
{
	size_t	 i;

	for (i = 0; i < e->nhist; i++)
		free(e->hist[i]);
	e->nhist = e->hpos = 0;
	free(e->draft);
	e->draft = NULL;
	free(e->line);
	free(e->done);
	e->line = NULL;
	e->done = NULL;
	e->linelen = e->donelen = 0;
}

/* Take the buffers, at the first key.  Returns -1 (e->error) if not. */
static int
edit_alloc(struct edit *e)
{
	if (e->line != NULL)
		return (0);
	if (e->error == 0 && ((e->line = malloc(EDIT_LINE_MAX)) == NULL ||
	    (e->done = malloc(EDIT_DONE_SIZE)) == NULL)) {
		e->error = errno;
		free(e->line);
		e->line = NULL;
	}
	return (e->error != 0 ? -1 : 0);
}

void
edit_echo(const struct edit *e, const void *p, size_t n)
{
	if (e->echo != -1)
		write_quiet(e->echo, p, n);
}

/* Show the line being typed again, in place of what its line shows. */
void
edit_show(struct edit *e)
{
	e->redraw = 0;
	edit_echo(e, "\r\033[K", 4);
	edit_echo(e, e->line, e->linelen);
}

/*
 * Put text in place of the line being typed (a line of the history, never
 * longer than a line's buffer); it is shown again.
 */
static void
edit_set(struct edit *e, const char *text)
{
	e->linelen = strlen(text);
	memcpy(e->line, text, e->linelen);
	e->redraw = 1;
}

/* Keep the line just finished, unless it is empty or the last one again. */
static void
edit_remember(struct edit *e)
{
	char	*s;

	free(e->draft);
	e->draft = NULL;
	e->hpos = e->nhist;
	if (!e->history || e->linelen == 0 || (e->nhist > 0 &&
	    strlen(e->hist[e->nhist - 1]) == e->linelen &&
	    memcmp(e->hist[e->nhist - 1], e->line, e->linelen) == 0))
		return;
	if ((s = strndup(e->line, e->linelen)) == NULL)
		return;
	if (e->nhist == EDIT_HISTORY) {
		free(e->hist[0]);
		memmove(e->hist, e->hist + 1, (EDIT_HISTORY - 1) *
		    sizeof(*e->hist));
		e->nhist--;
	}
	e->hist[e->nhist++] = s;
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

/* The typed line is finished: queue it, with its newline, to be sent. */
static void
edit_submit(struct edit *e)
{
	edit_remember(e);
	memcpy(e->done + e->donelen, e->line, e->linelen);
	e->donelen += e->linelen;
	e->done[e->donelen++] = '\n';
	e->linelen = 0;
}

/*
 * The line fills its buffer: what is typed so far goes on its way, as
 * the start of the line and without a newline, and the rest of it is
 * typed on; the peer gets the line as it was typed.
 */
static void
edit_piece(struct edit *e)
{
	memcpy(e->done + e->donelen, e->line, e->linelen);
	e->donelen += e->linelen;
	e->linelen = 0;
}

/* Apply keys typed on the terminal to the line. */
void
edit_keys(struct edit *e, const unsigned char *k, size_t n)
{
	size_t	 i;

	if (edit_alloc(e) == -1)
		return;
	for (i = 0; i < n && !e->eof; i++) {
		if (e->esc == 1) {
			e->esc = k[i] == '[' || k[i] == 'O' ? 2 : 0;
			continue;
		}
		if (e->esc == 2) {
			if (k[i] >= 0x40 && k[i] <= 0x7e) {
				e->esc = 0;
				if (k[i] == 'A' || k[i] == 'B')
					edit_history(e, k[i] == 'A' ? -1 : 1);
				if (e->after != NULL)
					e->after(e->arg);
			}
			continue;
		}
		if (k[i] != 0x1b && e->before != NULL)
			e->before(e->arg);
		switch (k[i]) {
		case 0x1b:
			e->esc = 1;
			break;
		case '\r':
		case '\n':
			edit_submit(e);
			edit_echo(e, "\r\n", 2);
			break;
		case 0x7f:
		case '\b':
			/* One character: a UTF-8 lead byte and what follows. */
			while (e->linelen > 0 &&
			    (e->line[e->linelen - 1] & 0xc0) == 0x80)
				e->linelen--;
			if (e->linelen > 0)
				e->linelen--;
			e->redraw = 1;
			break;
		case 0x15:	/* ^U */
			e->linelen = 0;
			e->redraw = 1;
			break;
		case 0x17:	/* ^W */
			while (e->linelen > 0 && e->line[e->linelen - 1] == ' ')
				e->linelen--;
			while (e->linelen > 0 && e->line[e->linelen - 1] != ' ')
				e->linelen--;
			e->redraw = 1;
			break;
		case 0x04:	/* ^D */
			if (e->linelen == 0)
				e->eof = 1;
			break;
		default:
			if (k[i] < 0x20 && k[i] != '\t')
				break;
			if (e->linelen == EDIT_LINE_MAX)
				edit_piece(e);
			e->line[e->linelen++] = k[i];
			edit_echo(e, &k[i], 1);
			break;
		}
		if (e->after != NULL)
			e->after(e->arg);
	}
}

/*
 * Read the terminal fd for the pump: the finished lines, or nothing yet
 * (EAGAIN); 0 once ^D has been typed on an empty line and every line
 * before it has been read.
 */
ssize_t
edit_read(struct edit *e, int fd, void *p, size_t n)
{
	unsigned char	 keys[EDIT_KEYS_MAX];
	ssize_t		 r;

	/*
	 * Read only once what was finished is gone, so done has room.  What
	 * the pump had no room for (the network is 64 KB behind) waits for
	 * the next key.
	 */
	if (e->donelen == 0) {
		if (e->eof && e->end_is_eof)
			return (0);
		if ((r = read(fd, keys, sizeof(keys))) <= 0)
			return (r);
		edit_keys(e, keys, r);
	}
	/* Keys that could not be kept: said as a failed read, not lost. */
	if (e->error != 0) {
		errno = e->error;
		return (-1);
	}
	if (e->donelen == 0) {
		if (e->eof && e->end_is_eof)
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
