/*
 * What a chat shows of its peer's lines on a terminal, and how a ":q"
 * line is found, as pure functions over bytes: src/modes/chat.c applies them to
 * what it relays, and the fuzz target checks them alone.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <string.h>

#include "codec.h"

/* Where a ":q" line matcher stands within the current line. */
enum chat_qm {
	QM_START,		/* At the start of a line. */
	QM_COLON,		/* ":" */
	QM_Q,			/* ":q" */
	QM_CR,			/* ":q\r" */
	QM_OTHER,		/* Anything else: not a :q line. */
};

/* Forget everything: a new conversation starts. */
void
chatproto_reset(struct chat_view *v)
{
	memset(v, 0, sizeof(*v));
	v->qm = QM_START;
}

/*
 * Feed byte b of a line to the ":q" matcher whose state is *st.  Returns 1
 * when b ends a line that held only ":q" (a CR before the LF is allowed).
 */
static int
chatproto_quit_match(int *st, unsigned char b)
{
	int	 hit;

	if (b == '\n') {
		hit = *st == QM_Q || *st == QM_CR;
		*st = QM_START;
		return (hit);
	}
	switch (*st) {
	case QM_START:
		*st = b == ':' ? QM_COLON : QM_OTHER;
		break;
	case QM_COLON:
		*st = b == 'q' ? QM_Q : QM_OTHER;
		break;
	case QM_Q:
		*st = b == '\r' ? QM_CR : QM_OTHER;
		break;
	default:
		*st = QM_OTHER;
		break;
	}
	return (0);
}

/*
 * Scan n bytes at p for a ":q" line with the matcher whose state is *st
 * (QM_START, 0, at first).  Returns how many bytes to keep: up to and
 * including that line, or all of them; *quit is set when the line was
 * found.
 */
size_t
chatproto_quit_scan(int *st, const unsigned char *p, size_t n, int *quit)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (chatproto_quit_match(st, p[i])) {
			*quit = 1;
			return (i + 1);
		}
	}
	return (n);
}

/*
 * A ":q" line ended at p[end - 1]: how many of the end bytes at p are
 * its own (fewer than the line when it began in an earlier read).
 */
size_t
chatproto_quit_len(const unsigned char *p, size_t end)
{
	size_t	 len = end >= 2 && p[end - 2] == '\r' ? 4 : 3;

	return (len < end ? len : end);
}

/* Append byte b of a peer's line to out, marked and made visible. */
static size_t
chatproto_show(struct chat_view *v, unsigned char *out, unsigned char b)
{
	size_t	 n = 0;

	if (!v->midline) {
		memcpy(out, v->cont ? CHAT_CONT : CHAT_MARK,
		    sizeof(CHAT_MARK) - 1);
		n = sizeof(CHAT_MARK) - 1;
		v->midline = 1;
		v->cont = 0;
	}
	if (b != '\n')
		return (n + text_escape(&v->esc, &b, 1, out + n));
	n += text_escape_end(&v->esc, out + n);
	out[n++] = b;
	v->midline = 0;
	v->redraw = 1;
	return (n);
}

/*
 * What the peer sent, n bytes at in, as a terminal shows it, in out (which
 * holds n * CHAT_GROW bytes and is not in), up to a ":q" line, which is
 * not shown when it came whole in a datagram (a partner over UDP sends it
 * to leave; over a stream it could be cut, and pieces must show what the
 * whole does): each line
 * gets a mark, once, however many pieces it comes in; a CRLF ends a line
 * like an LF; the rest is shown as text_escape() shows it (controls and
 * what is not UTF-8 as \xNN).  Returns the length of out.
 */
size_t
chatproto_rx(struct chat_view *v, const unsigned char *in, size_t n,
    unsigned char *out)
{
	size_t	 i, len = 0;

	if (v->quit)
		return (0);
	n = chatproto_quit_scan(&v->qm, in, n, &v->quit);
	if (v->quit && v->dgram)
		n -= chatproto_quit_len(in, n);
	for (i = 0; i < n; i++) {
		if (v->pending_cr) {
			v->pending_cr = 0;
			if (in[i] != '\n')
				len += chatproto_show(v, out + len, '\r');
		}
		if (in[i] == '\r') {
			/* What is held is no character: the CR is none. */
			len += text_escape_end(&v->esc, out + len);
			v->pending_cr = 1;
		} else
			len += chatproto_show(v, out + len, in[i]);
	}
	return (len);
}
