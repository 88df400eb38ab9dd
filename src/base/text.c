/*
 * A peer's text made safe for a terminal: UTF-8 checked, controls and
 * non-text bytes escaped.  Pure functions, linked by the fuzz targets.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "base.h"

/*
 * Check n bytes at p as UTF-8 (RFC 3629), a sequence cut between calls
 * carried in *state (0 to start).  Returns how many are valid (n if all),
 * *state after them, and *bound after the last whole character (0: none).
 */
size_t
text_utf8_span(int *state, const unsigned char *p, size_t n, size_t *bound)
{
	uint64_t	 w;
	size_t		 i = 0, b = 0;
	int		 s = *state, need, lo, hi;
	unsigned char	 c;

	/* s: continuation bytes still due (low byte), and the next's range. */
	while (i < n) {
		if (s == 0) {
			/* ASCII runs, eight bytes at a time. */
			while (i + 8 <= n) {
				memcpy(&w, p + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			b = i;
			if (i == n)
				break;
			c = p[i];
			if (c < 0x80) {
				b = ++i;
				continue;
			}
			lo = 0x80;
			hi = 0xbf;
			if (c >= 0xc2 && c <= 0xdf)
				need = 1;
			else if (c >= 0xe0 && c <= 0xef) {
				need = 2;
				if (c == 0xe0)
					lo = 0xa0;
				else if (c == 0xed)
					hi = 0x9f;
			} else if (c >= 0xf0 && c <= 0xf4) {
				need = 3;
				if (c == 0xf0)
					lo = 0x90;
				else if (c == 0xf4)
					hi = 0x8f;
			} else
				break;
			i++;
			s = need | lo << 8 | hi << 16;
			continue;
		}
		c = p[i];
		lo = (s >> 8) & 0xff;
		hi = (s >> 16) & 0xff;
		if (c < lo || c > hi)
			break;
		i++;
		need = (s & 0xff) - 1;
		s = need == 0 ? 0 : (need | 0x80 << 8 | 0xbf << 16);
		if (s == 0)
			b = i;
	}
	*state = s;
	*bound = b;
	return (i);
}

/* Write b as \xNN.  Returns 4. */
static __shortrun size_t
text_hex(unsigned char *out, unsigned char b)
{
	static const char	 hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[b >> 4];
	out[3] = hex[b & 0xf];
	return (4);
}

/*
 * Write e's character as it is, or as \xNN bytes if a control (C0 but tab,
 * DEL, C1).  Returns the length.
 */
static size_t
text_char(struct text_esc *e, unsigned char *out)
{
	size_t	 i, n = 0, len = e->nheld;

	e->nheld = 0;
	if (len == 1 && (e->held[0] >= 0x20 || e->held[0] == '\t') &&
	    e->held[0] != 0x7f) {
		out[0] = e->held[0];
		return (1);
	}
	if (len > 2 || (len == 2 && e->held[0] != 0xc2) ||
	    (len == 2 && e->held[1] >= 0xa0)) {
		memcpy(out, e->held, len);
		return (len);
	}
	for (i = 0; i < len; i++)
		n += text_hex(out + n, e->held[i]);
	return (n);
}

/*
 * Write n bytes of a peer's text at p to out so no terminal obeys them:
 * printable ASCII, tab and UTF-8 characters as they are, controls and
 * invalid bytes as \xNN (all but printable ASCII with e->ascii).  A cut
 * character waits in e for the next call or text_escape_end().  Each byte
 * makes at most TEXT_ESC_MAX, a whole text 4 per byte.  Idempotent.
 * Returns the length written.
 */
__shortrun size_t
text_escape(struct text_esc *e, const void *p, size_t n, unsigned char *out)
{
	const unsigned char	*s = p;
	size_t			 i = 0, k = 0, bound;

	while (i < n) {
		if (e->ascii && s[i] >= 0x20 && s[i] < 0x7f)
			out[k++] = s[i++];
		else if (e->ascii)
			k += text_hex(out + k, s[i++]);
		else if (text_utf8_span(&e->state, s + i, 1, &bound) == 1) {
			e->held[e->nheld++] = s[i++];
			if (e->state == 0)
				k += text_char(e, out + k);
		} else if (e->nheld == 0)
			k += text_hex(out + k, s[i++]);	/* begins nothing */
		else
			k += text_escape_end(e, out + k); /* s[i] begins anew */
	}
	return (k);
}

/* End the text: what e held as \xNN (12 bytes at most).  Returns the length. */
size_t
text_escape_end(struct text_esc *e, unsigned char *out)
{
	size_t	 i, k = 0;

	for (i = 0; i < e->nheld; i++)
		k += text_hex(out + k, e->held[i]);
	e->nheld = 0;
	e->state = 0;
	return (k);
}

/* The value of the hexadecimal digit c, or -1. */
int
text_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}
