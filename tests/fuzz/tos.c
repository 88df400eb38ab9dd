/*
 * Fuzz target: -T values as parse_tos() takes them: keywords, hexadecimal
 * and decimal numbers.  Whatever is accepted must fit in a byte.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*arg;
	int	 tos = -1;

	if (size > 256)
		return (0);
	if ((arg = strndup((const char *)data, size)) == NULL)
		return (0);
	if (parse_tos(arg, &tos) == 0 && (tos < 0 || tos > 255))
		abort();
	free(arg);
	return (0);
}
