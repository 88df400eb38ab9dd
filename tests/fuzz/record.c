/*
 * Fuzz target: recorded sessions (src/codec/rec-format.c): any text is a
 * recording or one line naming what is wrong; a recording read is its
 * chunks in order of time, each within the bytes read, and written again
 * (record_line(), a chunk's lines but the last going on with "+") it reads
 * as the same chunks.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record	 r, again;
	char		*copy, *text;
	size_t		 i, k, n, len;

	if (size > 65536 || (copy = malloc(size)) == NULL)
		return (0);
	memcpy(copy, data, size);
	if (record_parse(&r, copy, size) == -1) {
		if (r.why[0] == '\0' || memchr(r.why, '\n', sizeof(r.why)) !=
		    NULL)
			abort();
		record_free(&r);
		free(copy);
		return (0);
	}
	/* Written again, a line for each RECORD_LINE_BYTES at most. */
	if ((text = malloc((r.n + r.len / RECORD_LINE_BYTES + 1) *
	    RECORD_LINE_MAX + 32)) == NULL)
		abort();
	len = snprintf(text, 32, "%s\n", RECORD_MAGIC);
	for (i = 0; i < r.n; i++) {
		if (r.c[i].off + r.c[i].len > r.len || r.c[i].len == 0 ||
		    (i > 0 && r.c[i].ms < r.c[i - 1].ms))
			abort();
		for (k = 0; k < r.c[i].len; k += n) {
			n = r.c[i].len - k < RECORD_LINE_BYTES ?
			    r.c[i].len - k : RECORD_LINE_BYTES;
			len += record_line(text + len, r.c[i].ms, r.c[i].who,
			    r.data + r.c[i].off + k, n, k + n < r.c[i].len);
		}
	}
	if (record_parse(&again, text, len) == -1 || again.len != r.len ||
	    again.n != r.n ||
	    (r.len > 0 && memcmp(again.data, r.data, r.len) != 0))
		abort();
	for (i = 0; i < r.n; i++) {
		if (again.c[i].len != r.c[i].len ||
		    again.c[i].ms != r.c[i].ms || again.c[i].who != r.c[i].who)
			abort();
	}
	record_free(&again);
	record_free(&r);
	free(text);
	free(copy);
	return (0);
}
