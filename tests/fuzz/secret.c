/*
 * Fuzz target: --secret's codes (src/codec/secretcode.c), their strength
 * and their hiding in an address (addr_hide_secret()).  Any text is a
 * drawn code, a slip or a code of the user's, without a crash or a read
 * past it; a drawn code comes back as its 28 symbols, which read again
 * as themselves; a code drawn here always reads as one and measures as
 * strong (DRAWS of them first, then one an input); any text measures no
 * more than its characters could be worth, and twice over little more
 * than once; and an address keeps its length and nothing of a secret=
 * value (its name in any case) or of a URL's password once hidden.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	 symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Codes drawn before the first input. */
#define DRAWS		4096

/* A code drawn reads as one, and is taken where a strong one is needed. */
static void
draw(void)
{
	char	 drawn[SECRET_TEXT_MAX], norm[SECRET_TEXT_MAX];

	secretcode_draw(drawn);
	if (strlen(drawn) != (SECRET_SYMBOLS + 2) / 4 * 5 - 1 ||
	    secretcode_parse(drawn, norm) != 0 ||
	    secretcode_bits(norm) < SECRET_STRONG_BITS)
		abort();
}

/*
 * Text's strength: at most what its characters are worth in the widest
 * pool (6.5 bits each, 95 symbols), and typed twice, no more than once
 * and the price of a repeat: a bit, and log2 of its distance and of its
 * length, 15 bits at most for SECRET_MEASURED / 2 characters.
 */
static void
measure(const char *text)
{
	char	*twice;
	size_t	 n = strnlen(text, SECRET_MEASURED);
	int	 bits = secretcode_bits(text);

	if (bits < 0 || bits * 10 > 65 * (int)n)
		abort();
	n = strlen(text);
	if (n < 3 || 2 * n > SECRET_MEASURED)
		return;
	if ((twice = malloc(2 * n + 1)) == NULL)
		return;
	memcpy(twice, text, n);
	memcpy(twice + n, text, n + 1);
	if (secretcode_bits(twice) > bits + 15)
		abort();
	free(twice);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 i;

	(void)argc;
	(void)argv;
	for (i = 0; i < DRAWS; i++)
		draw();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*copy, *orig, norm[SECRET_TEXT_MAX], again[SECRET_TEXT_MAX];
	char	*p, *v, *at, *colon;
	size_t	 i, n;
	int	 rv;

	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	copy[size] = '\0';
	memset(norm, 0, sizeof(norm));
	rv = secretcode_parse(copy, norm);
	if (rv < -1 || rv > 1)
		abort();
	if (rv == 0) {
		if (strlen(norm) != SECRET_SYMBOLS + 2 ||
		    strspn(norm, symbols) != SECRET_SYMBOLS + 2 ||
		    secretcode_parse(norm, again) != 0 ||
		    strcmp(norm, again) != 0)
			abort();
	}
	measure(copy);
	draw();
	/*
	 * The text as an address: its length kept, no value left, where
	 * the text before hiding has them.
	 */
	size = strlen(copy);
	if ((orig = strdup(copy)) == NULL)
		abort();
	addr_hide_secret(copy);
	if (strlen(copy) != size)
		abort();
	for (i = 0; i < size; i++) {
		if (strncasecmp(orig + i, ",secret=", 8) != 0)
			continue;
		v = copy + i + 8;
		if (strspn(v, "*") < strcspn(orig + i + 8, ","))
			abort();
	}
	for (p = orig; (p = strstr(p, "://")) != NULL; p += 3) {
		n = strcspn(p + 3, "/?#");
		if ((at = memrchr(p + 3, '@', n)) == NULL ||
		    (colon = memchr(p + 3, ':', at - p - 3)) == NULL)
			continue;
		if (strspn(copy + (colon + 1 - orig), "*") <
		    (size_t)(at - colon - 1))
			abort();
	}
	free(orig);
	free(copy);
	return (0);
}
