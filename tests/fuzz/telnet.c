/*
 * Fuzz target for the -t parser: the answers to a stream must not depend
 * on how the stream is cut into reads, and must never overflow.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "pump/pump.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct telnet	 whole = { 0 }, cut = { 0 };
	unsigned char	*a, *b;
	size_t		 alen, blen = 0, i, step;

	if (size < 1)
		return (0);
	/* The first byte says where to cut: every 1 to 256 bytes. */
	step = (size_t)data[0] + 1;
	data++;
	size--;
	if ((a = malloc(size + 3)) == NULL || (b = malloc(size + 3)) == NULL)
		abort();
	alen = telnet_answer(&whole, data, size, a, size + 3);
	for (i = 0; i < size; i += step) {
		blen += telnet_answer(&cut, data + i,
		    size - i < step ? size - i : step, b + blen,
		    size + 3 - blen);
	}
	if (alen != blen || memcmp(a, b, alen) != 0 || alen % 3 != 0 ||
	    whole.state != cut.state)
		abort();
	free(a);
	free(b);
	return (0);
}
