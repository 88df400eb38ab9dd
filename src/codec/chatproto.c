/*
 * What a chat shows of its peer's lines on a terminal, and how a ":q" line
 * is found: pure functions, applied by src/modes/chat.c and the fuzz
 * target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <string.h>

#include "codec.h"

/* Where a ":q" line matcher stands within the current line, in order. */
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
 * Feed byte b to the ":q" matcher *st.  Returns 1 when b ends a line of
 * only ":q" (CR before LF allowed).
 */
static int
chatproto_quit_match(int *st, unsigned char b)
{
	static const char	 quit[] = ":q\r";	/* QM_START to QM_CR */
	int			 hit;

	if (b == '\n') {
		hit = *st == QM_Q || *st == QM_CR;
		*st = QM_START;
		return (hit);
	}
	/* The next byte of ":q\r", or no :q line. */
	*st = *st < QM_CR && b == quit[*st] ? *st + 1 : QM_OTHER;
	return (0);
}

/*
 * Scan n bytes at p for a ":q" line with matcher *st (QM_START at first).
 * Returns the bytes to keep (up to that line, or all); *quit set if found.
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
 * How many of the end bytes at p belong to the ":q" line that ended at
 * p[end - 1] (fewer if it began in an earlier read).
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
 * The peer's n bytes at in as a terminal shows them, into out (n *
 * CHAT_GROW bytes, not in): a mark once per line, CRLF as LF, the rest
 * text_escape()'d, up to a ":q" line, hidden only when it came whole in a
 * datagram.  Returns the length of out.
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
