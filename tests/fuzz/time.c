/*
 * Fuzz target: time values as parse_time() takes them (-w, -q,
 * --quit-after).  The first byte picks one of the ranges the options use;
 * a value accepted must lie within it, a value refused must say why.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct {
	long long	 min;
	long long	 max;
} ranges[] = {
	{ 0, INT_MAX / 1000 },		/* -w */
	{ INT_MIN, INT_MAX },		/* -q */
	{ 0, INT_MAX },			/* --quit-after */
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*errstr;
	char		*arg;
	long long	 ms, min, max;
	size_t		 r;

	if (size < 1 || size > 256)
		return (0);
	r = data[0] % (sizeof(ranges) / sizeof(ranges[0]));
	min = ranges[r].min;
	max = ranges[r].max;
	if ((arg = strndup((const char *)data + 1, size - 1)) == NULL)
		return (0);
	if (parse_time(arg, min, max, &ms, &errstr) == 0) {
		if (errstr != NULL || ms < min * 1000 || ms > max * 1000)
			abort();
	} else if (errstr == NULL)
		abort();
	free(arg);
	return (0);
}
