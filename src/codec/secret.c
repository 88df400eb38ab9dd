/*
 * The codes of --secret, as people read and type them: drawn at random in
 * Crockford's base 32 (no I, L, O or U to mistake), in groups of four
 * between dashes, with a check that tells a typing slip from a code that
 * is simply another.  Pure functions, shared with the fuzz target; what
 * a code becomes (the key) is src/io/tls.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* The symbols, each worth its index: five bits. */
static const char	 secret_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/*
 * The check, two symbols: the sum of each symbol's value times its place
 * (from 1), modulo 1021.  1021 is a prime above every product of a place
 * and a difference of two values (26 * 31), so changing one symbol, or
 * swapping two neighbours that differ, always changes the sum.
 */
#define SECRET_CHECK_MOD	1021

/* The value of c as a symbol of a code, or -1; as typed, any case. */
static int
secret_value(int c)
{
	const char	*p;

	c = toupper((unsigned char)c);
	/* Crockford's reading of the letters a code leaves out. */
	if (c == 'I' || c == 'L')
		c = '1';
	else if (c == 'O')
		c = '0';
	if (c == '\0' || (p = strchr(secret_alphabet, c)) == NULL)
		return (-1);
	return (p - secret_alphabet);
}

static unsigned int
secret_check(const int *v, size_t n)
{
	unsigned int	 sum = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		sum = (sum + (i + 1) * (unsigned int)v[i]) % SECRET_CHECK_MOD;
	return (sum);
}

/*
 * A new code, as it is shown: SECRET_SYMBOLS random symbols and the check,
 * in groups of four, into out (SECRET_TEXT_MAX bytes).
 */
void
secret_draw(char *out)
{
	int		 v[SECRET_SYMBOLS + 2];
	unsigned int	 check;
	size_t		 i, o = 0;

	for (i = 0; i < SECRET_SYMBOLS; i++)
		v[i] = arc4random_uniform(32);
	check = secret_check(v, SECRET_SYMBOLS);
	v[SECRET_SYMBOLS] = check >> 5;
	v[SECRET_SYMBOLS + 1] = check & 31;
	for (i = 0; i < SECRET_SYMBOLS + 2; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = secret_alphabet[v[i]];
	}
	out[o] = '\0';
	explicit_bzero(v, sizeof(v));
}

/*
 * Read text, a code as typed.  Text of the symbols (any case), either
 * run together or in groups of three to five between dashes or spaces
 * (a group with a slip in it is one more or one less), and
 * SECRET_LOOKS_MIN to SECRET_LOOKS_MAX symbols in all, is taken for a
 * drawn code: its symbols, upper case and without separators, go into
 * norm (SECRET_TEXT_MAX bytes) and 0 is returned; or it fails its check
 * or its length, and -1 is returned: a slip, to be said before anything
 * is sent.  Any other text ("correct horse battery staple") is a code of
 * the user's own choosing, returned as 1, norm untouched.
 */
int
secret_parse(const char *text, char *norm)
{
	int		 v[SECRET_LOOKS_MAX];
	const char	*p;
	size_t		 n = 0, group = 0, groups = 0;
	unsigned int	 check;
	int		 x, odd = 0, rv = -1;

	for (p = text;; p++) {
		if (*p == '-' || *p == ' ' || *p == '\0') {
			if (group > 0) {
				groups++;
				if (group < 3 || group > 5)
					odd = 1;
			}
			group = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if ((x = secret_value(*p)) == -1 || n == SECRET_LOOKS_MAX)
			return (1);
		v[n++] = x;
		group++;
	}
	if (n < SECRET_LOOKS_MIN || (groups > 1 && (groups < 5 || odd)))
		return (1);
	if (n == SECRET_SYMBOLS + 2) {
		check = secret_check(v, SECRET_SYMBOLS);
		if ((unsigned int)v[SECRET_SYMBOLS] == check >> 5 &&
		    (unsigned int)v[SECRET_SYMBOLS + 1] == (check & 31)) {
			for (x = 0; x < (int)n; x++)
				norm[x] = secret_alphabet[v[x]];
			norm[n] = '\0';
			rv = 0;
		}
	}
	explicit_bzero(v, sizeof(v));
	return (rv);
}

/* Tenths of a bit a character of a pool of n symbols is worth. */
static int
secret_pool_bits10(int n)
{
	static const int	 ladder[][2] = { { 95, 65 }, { 85, 64 },
				    { 69, 61 }, { 62, 59 }, { 59, 58 },
				    { 52, 57 }, { 43, 54 }, { 36, 51 },
				    { 33, 50 }, { 26, 47 }, { 10, 33 } };
	size_t			 i;

	for (i = 0; i < nitems(ladder); i++) {
		if (n >= ladder[i][0])
			return (ladder[i][1]);
	}
	return (0);
}

/*
 * About how many bits a guesser must try to find text, a code of the
 * user's own, at most: each run of letters and digits is worth its length
 * times the bits of a character of the classes it uses (lower case, upper
 * case, digits), but a run that is a word (letters, in lower case or
 * capitalised) no more than a pick from 65,536 words; a symbol other than
 * a separator (space, '-', '_', '.', ',') is worth five bits, a
 * separator none.  An estimate generous to patterns, strict with words:
 * a code it puts below a drawn code's strength is weak whatever else is
 * true of it.
 */
int
secret_bits(const char *text)
{
	const unsigned char	*p, *q;
	long			 bits10 = 0, run;
	int			 lower, upper, digit, word;

	for (p = (const unsigned char *)text; *p != '\0' &&
	    bits10 < 100000; p = q) {
		if (!isalnum(*p)) {
			if (strchr(" -_.,", *p) == NULL)
				bits10 += 50;
			q = p + 1;
			continue;
		}
		lower = upper = digit = 0;
		word = isupper(*p) || islower(*p);
		for (q = p; *q != '\0' && isalnum(*q); q++) {
			if (islower(*q))
				lower = 1;
			else if (isupper(*q)) {
				upper = 1;
				if (q != p)
					word = 0;
			} else {
				digit = 1;
				word = 0;
			}
		}
		run = (q - p) * secret_pool_bits10(lower * 26 + upper * 26 +
		    digit * 10);
		if (word && run > 160)
			run = 160;
		bits10 += run;
	}
	return ((int)(bits10 / 10));
}
