/*
 * Fuzz target: port lists and ranges as parse_ports() takes them.  The
 * first byte picks UDP or TCP and the smallest port allowed; the rest is
 * the argument.  Every port returned must be a number in range, and a
 * failure must come with a message.
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
	char	*arg, *end, err[256], **list = NULL;
	size_t	 i, n = 0;
	long	 v;
	int	 udp, min;

	if (size < 1 || size > 512)
		return (0);
	udp = data[0] & 1;
	min = (data[0] & 2) ? 0 : 1;
	if ((arg = strndup((const char *)data + 1, size - 1)) == NULL)
		return (0);
	err[0] = '\0';
	if (parse_ports(arg, udp, min, &list, &n, err, sizeof(err)) == 0) {
		if (n == 0 || n > 65536)
			abort();
		for (i = 0; i < n; i++) {
			v = strtol(list[i], &end, 10);
			if (*end != '\0' || v < min || v > 65535)
				abort();
		}
	} else if (err[0] == '\0')
		abort();
	parse_ports_free(list, n);
	free(arg);
	return (0);
}
