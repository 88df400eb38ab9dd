/*
 * Recorded sessions (--record, replay:): a chunk's line made, and a file
 * of them read, each line checked and a malformed one named.  Pure: the
 * pump writes the lines (rec-tap.c), the side layer plays them
 * (rec-replay.c).
 *
 *	file	= "sockcat-record 1" NL { line }
 *	line	= [ chunk ] [ "#" text ] NL	(blank, or a comment)
 *	chunk	= MS SP who SP quoted [ SP "+" ]
 *	MS	= digits			(since the session began)
 *	who	= "client" | "server"		(who sent the bytes)
 *	quoted	= '"' { byte | escape } '"'	(\\ \" \r \n \t \xHH)
 *
 * A "+" says that the next line goes on with the same message (a
 * datagram's): its time and party are the same.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

static const char *const record_whos[] = {
	[RECORD_CLIENT] = "client",
	[RECORD_SERVER] = "server",
};

/* The bytes written as '\' and a letter, and each one's letter. */
static const char	 record_esc[] = "\\\"\r\n\t";
static const char	 record_esc_as[] = "\\\"rnt";

/*
 * Write the line of n bytes at p (at most RECORD_LINE_BYTES) sent by who
 * ms into the session, newline included, in out (RECORD_LINE_MAX); more:
 * the next line goes on with this message.  Returns its length.
 */
size_t
record_line(char *out, uint64_t ms, enum record_who who,
    const unsigned char *p, size_t n, int more)
{
	const char	*e;
	size_t		 len, i;

	len = snprintf(out, RECORD_LINE_MAX, "%llu %s \"",
	    (unsigned long long)ms, record_whos[who]);
	for (i = 0; i < n && i < RECORD_LINE_BYTES; i++) {
		if ((e = memchr(record_esc, p[i], 5)) != NULL) {
			out[len++] = '\\';
			out[len++] = record_esc_as[e - record_esc];
		} else if (p[i] >= 0x20 && p[i] < 0x7f)
			out[len++] = p[i];
		else
			len += snprintf(out + len, 5, "\\x%02x", p[i]);
	}
	out[len++] = '"';
	if (more) {
		out[len++] = ' ';
		out[len++] = '+';
	}
	out[len++] = '\n';
	return (len);
}

/* Say what is wrong with line.  Returns -1. */
static int
record_why(struct record *r, size_t line, const char *what)
{
	if (line > 0)
		snprintf(r->why, sizeof(r->why), "line %zu: %s", line, what);
	else
		snprintf(r->why, sizeof(r->why), "%s", what);
	errno = EINVAL;
	return (-1);
}

/*
 * Unquote the bytes at *pp (after the opening quote) into r's data, on to
 * the closing quote, which *pp is left past.  Returns -1 with r->why.
 */
static int
record_unquote(struct record *r, const char **pp, const char *end,
    size_t line)
{
	const char	*p = *pp, *e;
	int		 h, l;

	for (;;) {
		if (p == end)
			return (record_why(r, line, "no closing quote"));
		if (*p == '"')
			break;
		if (*p != '\\') {
			if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
				return (record_why(r, line, "a control byte not "
				    "escaped"));
			r->data[r->len++] = *p++;
			continue;
		}
		if (++p == end)
			return (record_why(r, line, "a \\ at the end"));
		if ((e = memchr(record_esc_as, *p, 5)) != NULL) {
			r->data[r->len++] = record_esc[e - record_esc_as];
			p++;
			continue;
		}
		if (*p++ != 'x')
			return (record_why(r, line, "an escape that is none of "
			    "\\\\ \\\" \\r \\n \\t \\xHH"));
		if (end - p < 2 || (h = text_hex_value(p[0])) == -1 ||
		    (l = text_hex_value(p[1])) == -1)
			return (record_why(r, line, "\\x without two hex "
			    "digits"));
		r->data[r->len++] = h << 4 | l;
		p += 2;
	}
	*pp = p + 1;
	return (0);
}

/* Read chunk line p (n bytes, line number line) into r, or -1 with r->why. */
static int
record_chunk(struct record *r, const char *p, size_t n, size_t line)
{
	struct record_chunk	*c;
	const char		*end = p + n;
	unsigned long long	 ms = 0;
	unsigned char		*d;
	size_t			 w, start, digits = 0;
	int			 who;

	while (p < end && *p >= '0' && *p <= '9') {
		ms = ms * 10 + (*p++ - '0');
		if (ms > RECORD_MS_MAX)
			return (record_why(r, line, "a time past 10^12 ms "
			    "(31 years), which no replay can play"));
		digits++;
	}
	if (digits == 0 || p == end || *p != ' ')
		return (record_why(r, line, "no time (milliseconds) first"));
	p++;
	for (who = 0; who < 2; who++) {
		w = strlen(record_whos[who]);
		if ((size_t)(end - p) > w && memcmp(p, record_whos[who], w) ==
		    0 && p[w] == ' ')
			break;
	}
	if (who == 2)
		return (record_why(r, line, "no \"client\" or \"server\" after "
		    "the time"));
	p += strlen(record_whos[who]) + 1;
	if (r->n > 0 && ms < r->c[r->n - 1].ms)
		return (record_why(r, line, "a time before the line's above"));
	if (r->more && (ms != r->c[r->n - 1].ms ||
	    (enum record_who)who != r->c[r->n - 1].who))
		return (record_why(r, line, "another time or party than the "
		    "line above, whose message goes on (+)"));
	if (p == end || *p != '"')
		return (record_why(r, line, "no quoted bytes"));
	p++;
	/* The bytes: fewer than the line's, unquoted. */
	if ((d = realloc(r->data, r->len + n)) == NULL)
		return (record_why(r, line, strerror(errno)));
	r->data = d;
	start = r->len;
	if (!r->more) {
		if ((c = reallocarray(r->c, r->n + 1, sizeof(*c))) == NULL)
			return (record_why(r, line, strerror(errno)));
		r->c = c;
		c = &r->c[r->n++];
		c->ms = ms;
		c->who = who;
		c->off = r->len;
		c->line = line;
	}
	c = &r->c[r->n - 1];
	if (record_unquote(r, &p, end, line) == -1)
		return (-1);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	/* "+": the message goes on in the next line. */
	if ((r->more = p < end && *p == '+'))
		p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p != '#')
		return (record_why(r, line, "more after the closing quote"));
	if (r->len == start)
		return (record_why(r, line, "no bytes"));
	c->len = r->len - c->off;
	/* A message is a datagram's: a replay sends it in one. */
	if ((r->more || c->line != line) && c->len > RECORD_MSG_MAX)
		return (record_why(r, line, "a message (+) longer than a "
		    "datagram, 65535 bytes"));
	return (0);
}

/*
 * Read a recording's text into r, which owns it until record_free().
 * Returns -1 with r->why naming the first bad line.
 */
int
record_parse(struct record *r, const char *text, size_t len)
{
	const char	*p = text, *end = text + len, *nl, *q;
	size_t		 line = 0, n;

	memset(r, 0, sizeof(*r));
	if (len > RECORD_FILE_MAX)
		return (record_why(r, 0, "longer than a recording may be"));
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (line == 1) {
			if (n != strlen(RECORD_MAGIC) ||
			    memcmp(p, RECORD_MAGIC, n) != 0)
				return (record_why(r, 1, "not \""
				    RECORD_MAGIC "\": no recording"));
		} else {
			for (q = p; q < p + n && (*q == ' ' || *q == '\t'); q++)
				continue;
			if (q < p + n && *q != '#' &&
			    record_chunk(r, q, p + n - q, line) == -1)
				return (-1);
		}
		p = nl + (nl < end);
	}
	if (line == 0)
		return (record_why(r, 0, "empty: no recording"));
	if (r->more)
		return (record_why(r, line, "a message that goes on (+) to "
		    "no line"));
	return (0);
}

/* Free what r holds. */
void
record_free(struct record *r)
{
	free(r->c);
	free(r->data);
	memset(r, 0, sizeof(*r));
}
