/*
 * Fuzz target: how a chat shows a peer's lines on a terminal
 * (chatproto_rx() of src/codec/chatproto.c), fed in pieces the fuzzer chooses.
 * Every line shown must begin with exactly one mark, be UTF-8 and hold no
 * control character but a tab (C0, DEL, C1: others are shown as \xNN),
 * and the pieces must give what the whole gives.
 */
/* SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_CUTS	8

static int
cmp_size(const void *a, const void *b)
{
	size_t	 x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

/* Show in[0..n) cut at cuts[]; returns a new buffer, its length in *len. */
static unsigned char *
show(const uint8_t *in, size_t n, const size_t *cuts, size_t ncuts,
    size_t *len)
{
	struct chat_view v;
	unsigned char	*out, *piece;
	size_t		 i, k, m;

	chatproto_reset(&v);
	if ((out = malloc(n * CHAT_GROW + 1)) == NULL ||
	    (piece = malloc(n * CHAT_GROW + 1)) == NULL)
		abort();
	*len = 0;
	for (i = 0; i <= ncuts; i++) {
		m = cuts[i + 1] - cuts[i];
		k = chatproto_rx(&v, in + cuts[i], m, piece);
		if (k > m * CHAT_GROW)
			abort();
		memcpy(out + *len, piece, k);
		*len += k;
	}
	free(piece);
	return (out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t	 mlen = sizeof(CHAT_MARK) - 1;
	const uint8_t	*in;
	unsigned char	*all, *pieces;
	size_t		 cuts[MAX_CUTS + 2], none[2], ncuts, n, i, alen, plen;
	size_t		 lines, marks, nl, bound;
	int		 st;

	if (size < 1)
		return (0);
	ncuts = data[0] % (MAX_CUTS + 1);
	if (size < 1 + ncuts)
		return (0);
	in = data + 1 + ncuts;
	n = size - 1 - ncuts;

	none[0] = 0;
	none[1] = n;
	all = show(in, n, none, 0, &alen);
	cuts[0] = 0;
	for (i = 0; i < ncuts; i++)
		cuts[i + 1] = n > 0 ? (size_t)data[1 + i] * n / 255 : 0;
	cuts[ncuts + 1] = n;
	qsort(cuts + 1, ncuts, sizeof(cuts[0]), cmp_size);
	pieces = show(in, n, cuts, ncuts, &plen);
	if (plen != alen || memcmp(pieces, all, alen) != 0)
		abort();

	/* A mark at the start of each line, nowhere else; no raw controls. */
	lines = marks = nl = 0;
	for (i = 0; i < alen; i++) {
		if (i == 0 || all[i - 1] == '\n') {
			if (alen - i < mlen || memcmp(all + i, CHAT_MARK,
			    mlen) != 0)
				abort();
			marks++;
			lines++;
			i += mlen - 1;
			continue;
		}
		if (all[i] == '\n') {
			nl++;
			continue;
		}
		if ((all[i] < 0x20 && all[i] != '\t') || all[i] == 0x7f ||
		    (all[i] == 0xc2 && i + 1 < alen && all[i + 1] >= 0x80 &&
		    all[i + 1] < 0xa0))
			abort();
	}
	st = 0;
	if (text_utf8_span(&st, all, alen, &bound) != alen || st != 0)
		abort();
	if (marks != lines || nl > lines || lines > nl + 1)
		abort();

	free(pieces);
	free(all);
	return (0);
}
