/*
 * Fuzz target: -C's CRLF translation, fed in pieces.  The input is cut at
 * points the fuzzer chooses; the pieces, translated one after another,
 * must give exactly what the whole input gives, which must match a plain
 * reference translation: every line feed preceded by a CR, no CR added
 * where one already was.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pump/pump.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_CUTS	8

/*
 * Translate n bytes of in, carrying ch's state, in a new buffer of exactly
 * 2n bytes (all crlf_xform() may use); returns the new length.
 */
static size_t
xlate(struct channel *ch, const uint8_t *in, size_t n, unsigned char **out)
{
	unsigned char	*p;

	if ((p = malloc(n > 0 ? 2 * n : 1)) == NULL)
		abort();
	memcpy(p, in, n);
	*out = p;
	return (crlf_xform(ch, p, n, 2 * n));
}

/* The translation, written the obvious way. */
static size_t
reference(const uint8_t *in, size_t n, unsigned char *out)
{
	size_t	 i, j = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[j++] = '\r';
		out[j++] = in[i];
	}
	return (j);
}

static size_t
count_crcrlf(const unsigned char *p, size_t n)
{
	size_t	 i, c = 0;

	for (i = 2; i < n; i++) {
		if (p[i - 2] == '\r' && p[i - 1] == '\r' && p[i] == '\n')
			c++;
	}
	return (c);
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	 x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct channel	 whole = { .xstate = 0 }, piece = { .xstate = 0 };
	const uint8_t	*in;
	unsigned char	*all, *ref, *joined, *p;
	size_t		 cuts[MAX_CUTS + 2], ncuts, n, i, len, rlen, jlen, k;

	if (size < 1)
		return (0);
	ncuts = data[0] % (MAX_CUTS + 1);
	if (size < 1 + ncuts)
		return (0);
	in = data + 1 + ncuts;
	n = size - 1 - ncuts;

	len = xlate(&whole, in, n, &all);
	if ((ref = malloc(2 * n + 1)) == NULL)
		abort();
	rlen = reference(in, n, ref);
	if (len != rlen || memcmp(all, ref, len) != 0)
		abort();
	for (i = 0; i < len; i++) {
		if (all[i] == '\n' && (i == 0 || all[i - 1] != '\r'))
			abort();
	}
	if (count_crcrlf(all, len) != count_crcrlf(in, n))
		abort();

	/* The same input in pieces, cut where the fuzzer says. */
	cuts[0] = 0;
	for (i = 0; i < ncuts; i++)
		cuts[i + 1] = n > 0 ? (size_t)data[1 + i] * n / 255 : 0;
	cuts[ncuts + 1] = n;
	qsort(cuts + 1, ncuts, sizeof(cuts[0]), cmp_size);
	if ((joined = malloc(2 * n + 1)) == NULL)
		abort();
	jlen = 0;
	for (i = 0; i <= ncuts; i++) {
		k = xlate(&piece, in + cuts[i], cuts[i + 1] - cuts[i], &p);
		memcpy(joined + jlen, p, k);
		jlen += k;
		free(p);
	}
	if (jlen != len || memcmp(joined, all, len) != 0)
		abort();

	free(joined);
	free(ref);
	free(all);
	return (0);
}
