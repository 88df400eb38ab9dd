/*
 * Fuzz target: session scripts (src/codec/script.c): any text read as a
 * --script file is steps or one line saying what is wrong with one, its
 * patterns within the script's budget before any is compiled, and every
 * send's text of a script that was taken is made into bytes with the
 * groups of a match of its own first pattern, within its bound.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script	 sc;
	regmatch_t	 m[SCRIPT_GROUPS];
	unsigned char	*out;
	const char	*why, *subject = "250 hello there\r\n";
	char		*copy;
	regex_t		*re = NULL;
	ssize_t		 n;
	size_t		 i;
	int		 rv;

	/* Patterns are compiled: a short file keeps a run short. */
	if (size > 4096)
		return (0);
	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((copy = malloc(size)) == NULL)
		return (0);
	memcpy(copy, data, size);
	memset(&sc, 0, sizeof(sc));
	rv = script_parse(&sc, copy, size);
	if (rv == 0 && sc.cost > SCRIPT_COST_MAX)
		abort();
	if (rv == 0)
		rv = script_compile(&sc);
	if (rv == -1 && (sc.why[0] == '\0' ||
	    memchr(sc.why, '\n', sizeof(sc.why)) != NULL))
		abort();
	if (rv == 0 && (out = malloc(SCRIPT_SEND_MAX)) != NULL) {
		for (i = 0; i < sc.n; i++) {
			if (sc.steps[i].op == SCRIPT_EXPECT && re == NULL)
				re = sc.steps[i].re;
			if (sc.steps[i].op != SCRIPT_SEND)
				continue;
			/* Taken when read: its text is made, match or not. */
			if (script_text(sc.steps[i].arg, NULL, NULL, out,
			    SCRIPT_SEND_MAX, &why) == -1)
				abort();
			if (re == NULL || regexec(re, subject, SCRIPT_GROUPS, m,
			    0) != 0)
				continue;
			n = script_text(sc.steps[i].arg, subject, m, out,
			    SCRIPT_SEND_MAX, &why);
			if (n > SCRIPT_SEND_MAX)
				abort();
		}
		free(out);
	}
	script_free(&sc);
	free(copy);
	return (0);
}
