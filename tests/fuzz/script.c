/*
 * Fuzz target: session scripts (src/codec/script.c): any text read as a
 * --script file is steps or one line saying what is wrong with one, its
 * patterns within the script's budget before any is compiled, no match
 * of one longer than its reach says, and every send's text of a script
 * that was taken is made into bytes with the groups of a match of its
 * own first pattern, within its bound.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The patterns whose reach is checked, on what text: a run stays short. */
#define REACH_CHECKS	8
#define REACH_TEXT	512

/*
 * Is the match of st's pattern in text (len bytes) within its reach?  A
 * NUL follows it, as in expect.c: a sanitizer's regexec() looks for one.
 */
static void
check_reach(const struct script_step *st, const char *text, size_t len)
{
	regmatch_t	 m[1];
	char		*s;

	if ((s = malloc(len + 1)) == NULL)
		return;
	memcpy(s, text, len);
	s[len] = '\0';
	m[0].rm_so = 0;
	m[0].rm_eo = len;
	if (regexec(st->re, s, 1, m, REG_STARTEND) == 0 &&
	    st->reach != SIZE_MAX &&
	    (size_t)(m[0].rm_eo - m[0].rm_so) > st->reach)
		abort();
	free(s);
}

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
	size_t		 i, checked = 0;
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
			if (sc.steps[i].op == SCRIPT_EXPECT &&
			    checked++ < REACH_CHECKS) {
				check_reach(&sc.steps[i], subject,
				    strlen(subject));
				check_reach(&sc.steps[i], copy, size < REACH_TEXT ?
				    size : REACH_TEXT);
			}
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
