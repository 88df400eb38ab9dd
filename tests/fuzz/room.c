/*
 * Fuzz target: a room's codec (src/codec/roomproto.c), fed in pieces the fuzzer
 * chooses.  The lines framed, each escaped and prefixed as the room
 * relays them, must be the input's lines (cut at the longest line
 * allowed, a CR before the LF dropped), UTF-8 with no raw control
 * character (C0, DEL, C1) and what is not UTF-8 escaped, as a reference
 * reading of UTF-8 written here says, whatever the pieces.  Each line's command, its argument and, for
 * /nick, the name's validity must agree with a reference written here
 * independently of the codec.
 */
/* SPDX-License-Identifier: ISC */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_CUTS	8
#define NAME		"<user1>"

static unsigned char	*rec;
static size_t		 reclen, recsize;

/* Record a message the room would send to its members. */
static void
record(const void *p, size_t len)
{
	if (reclen + len > recsize) {
		recsize = (reclen + len) * 2;
		if ((rec = realloc(rec, recsize)) == NULL)
			abort();
	}
	memcpy(rec + reclen, p, len);
	reclen += len;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	 x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

/*
 * The UTF-8 character at p (n bytes there) decoded into *cp, by the
 * reference reading: a lead byte's length, continuation bytes, no
 * overlong form, no surrogate, nothing past U+10FFFF.  Returns its
 * length, or 0 when p starts no character.
 */
static size_t
ref_char(const uint8_t *p, size_t n, uint32_t *cp)
{
	static const uint32_t	 least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t			 len, i;
	uint32_t		 c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return (1);
	}
	if ((p[0] & 0xe0) == 0xc0)
		len = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4;
	else
		return (0);
	if (n < len)
		return (0);
	c = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < least[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (len);
}

/*
 * One message: the name, a space, the line escaped, a newline.  A control
 * (C0 but a tab, DEL, C1) is each of its bytes as \xNN, as is a byte that
 * starts no character.
 */
static size_t
escape(const uint8_t *line, size_t len, unsigned char *out)
{
	size_t		 i, k, m;
	uint32_t	 cp;
	int		 n;

	n = sprintf((char *)out, "%s ", NAME);
	for (i = 0; i < len; i += m) {
		if ((m = ref_char(line + i, len - i, &cp)) == 0) {
			n += sprintf((char *)out + n, "\\x%02x", line[i]);
			m = 1;
		} else if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f &&
		    cp < 0xa0)) {
			for (k = 0; k < m; k++)
				n += sprintf((char *)out + n, "\\x%02x",
				    line[i + k]);
		} else {
			memcpy(out + n, line + i, m);
			n += m;
		}
	}
	out[n++] = '\n';
	return (n);
}

/*
 * The messages the room should relay for in, each a line of it: a line is
 * cut at ROOM_LINE_MAX bytes, and the rest of it up to its newline is
 * dropped; a CR before the end is dropped.  Stops at a ":q" line when
 * client.  Returns the length.
 */
static size_t
reference(const uint8_t *in, size_t n, int client, unsigned char *out)
{
	size_t	 i, start = 0, o = 0, len;
	int	 cut = 0, end;

	for (i = 0; i < n; i++) {
		if (cut) {
			if (in[i] == '\n') {
				cut = 0;
				start = i + 1;
			}
			continue;
		}
		end = in[i] == '\n';
		if (!end && i + 1 - start < ROOM_LINE_MAX)
			continue;
		len = i + !end - start;
		if (len > 0 && in[start + len - 1] == '\r')
			len--;
		if (client && len == 2 && memcmp(in + start, ":q", 2) == 0)
			break;
		o += escape(in + start, len, out + o);
		start = i + 1;
		cut = !end;
	}
	return (o);
}

/*
 * Are the recorded messages UTF-8 with no control character in them but
 * tabs and their ends?
 */
static int
clean(void)
{
	size_t		 i, m;
	uint32_t	 cp;

	for (i = 0; i < reclen; i += m) {
		if ((m = ref_char(rec + i, reclen - i, &cp)) == 0)
			return (0);
		if (cp == '\n' ? i + 1 < reclen && memcmp(rec + i + 1,
		    NAME " ", sizeof(NAME)) != 0 :
		    (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0))
			return (0);
	}
	return (reclen == 0 || rec[reclen - 1] == '\n');
}

/*
 * The command a line is, by a reference reading: the first word up to a
 * space, one of the four commands exactly; its argument the rest with
 * the spaces around it trimmed.
 */
static enum room_cmd
ref_parse(const uint8_t *line, size_t len, size_t *astart, size_t *aend)
{
	static const char	*words[] = { "/who", "/nick", "/me", "/help" };
	static const enum room_cmd cmds[] = {
		ROOM_WHO, ROOM_NICK, ROOM_ME, ROOM_HELP
	};
	size_t			 i, w;

	*astart = *aend = len;
	if (len == 2 && line[0] == ':' && line[1] == 'q')
		return (ROOM_QUIT);
	w = 0;
	while (w < len && line[w] != ' ')
		w++;
	for (i = 0; i < 4; i++) {
		if (w != strlen(words[i]) || memcmp(line, words[i], w) != 0)
			continue;
		*astart = w;
		while (*astart < len && line[*astart] == ' ')
			(*astart)++;
		*aend = len;
		while (*aend > *astart && line[*aend - 1] == ' ')
			(*aend)--;
		return (cmds[i]);
	}
	return (ROOM_TEXT);
}

/* A name by the reference rule: 1-20 of letters, digits, - and _. */
static int
ref_name(const uint8_t *p, size_t len)
{
	static const char	 ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
	size_t			 i;

	if (len == 0 || len > 20)
		return (0);
	for (i = 0; i < len; i++) {
		if (p[i] == '\0' || strchr(ok, p[i]) == NULL)
			return (0);
	}
	return (1);
}

/*
 * A framed line: check its command against the reference, record it as
 * the room relays text, and stop at ":q" for a client.
 */
static int
line_cb(const unsigned char *line, size_t len, void *arg)
{
	const int		*client = arg;
	struct text_esc		 e = { .ascii = 0 };
	const unsigned char	*a;
	unsigned char		*out;
	enum room_cmd		 cmd;
	size_t			 alen, as, ae;

	cmd = roomproto_parse(line, len, &a, &alen);
	if (cmd != ref_parse(line, len, &as, &ae))
		abort();
	if (cmd != ROOM_TEXT && cmd != ROOM_QUIT &&
	    (a != line + as || alen != ae - as))
		abort();
	if (cmd == ROOM_NICK &&
	    roomproto_name_valid(a, alen) != ref_name(a, alen))
		abort();
	if (*client && cmd == ROOM_QUIT)
		return (1);
	if ((out = malloc(4 * len + sizeof(NAME) + 1)) == NULL)
		abort();
	memcpy(out, NAME " ", sizeof(NAME));
	alen = sizeof(NAME);
	alen += text_escape(&e, line, len, out + alen);
	alen += text_escape_end(&e, out + alen);
	out[alen++] = '\n';
	record(out, alen);
	free(out);
	return (0);
}

/* Feed in, cut at cuts[], to a fresh framer; records what is relayed. */
static void
feed(const uint8_t *in, const size_t *cuts, size_t ncuts, int client)
{
	struct room_framer	 rf = { .len = 0 };
	size_t			 i;

	if ((rf.line = malloc(ROOM_LINE_MAX)) == NULL)
		abort();
	reclen = 0;
	for (i = 0; i <= ncuts; i++) {
		if (roomproto_frame(&rf, in + cuts[i], cuts[i + 1] - cuts[i],
		    line_cb, &client))
			break;
	}
	free(rf.line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*in;
	unsigned char	*ref, *whole;
	size_t		 cuts[MAX_CUTS + 2], none[2], ncuts, n, i, rlen;
	size_t		 wlen;
	int		 client;

	if (size < 1)
		return (0);
	ncuts = data[0] % (MAX_CUTS + 1);
	client = (data[0] / (MAX_CUTS + 1)) & 1;
	if (size < 1 + ncuts)
		return (0);
	in = data + 1 + ncuts;
	n = size - 1 - ncuts;

	/* Each byte grows to 4 at most, each line adds a name. */
	if ((ref = malloc(4 * n + n * sizeof(NAME) + 1)) == NULL)
		abort();
	rlen = reference(in, n, client, ref);

	none[0] = 0;
	none[1] = n;
	feed(in, none, 0, client);
	if ((whole = malloc(reclen + 1)) == NULL)
		abort();
	if (reclen > 0)
		memcpy(whole, rec, reclen);
	wlen = reclen;
	if (!clean() || wlen != rlen || (rlen > 0 && memcmp(whole, ref,
	    rlen) != 0))
		abort();

	cuts[0] = 0;
	for (i = 0; i < ncuts; i++)
		cuts[i + 1] = n > 0 ? (size_t)data[1 + i] * n / 255 : 0;
	cuts[ncuts + 1] = n;
	qsort(cuts + 1, ncuts, sizeof(cuts[0]), cmp_size);
	feed(in, cuts, ncuts, client);
	if (reclen != wlen || (wlen > 0 && memcmp(rec, whole, wlen) != 0))
		abort();

	free(whole);
	free(ref);
	return (0);
}
