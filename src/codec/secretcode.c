/*
 * --secret's codes: Crockford's base 32 in dashed groups of four, with a
 * check that tells a slip from another code.  Pure, shared with the fuzz
 * target; the key is src/io/tlssecret.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <limits.h>
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

/* The value of c (any case) as a code symbol, or -1. */
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
 * Draw a new code, in groups, into out (SECRET_TEXT_MAX bytes); weak ones
 * (under SECRET_STRONG_BITS) are redrawn, so every drawn code is strong.
 */
void
secretcode_draw(char *out)
{
	char		 norm[SECRET_SYMBOLS + 3];
	int		 v[SECRET_SYMBOLS + 2];
	unsigned int	 check;
	size_t		 i, o = 0;

	do {
		for (i = 0; i < SECRET_SYMBOLS; i++)
			v[i] = arc4random_uniform(32);
		check = secret_check(v, SECRET_SYMBOLS);
		v[SECRET_SYMBOLS] = check >> 5;
		v[SECRET_SYMBOLS + 1] = check & 31;
		for (i = 0; i < SECRET_SYMBOLS + 2; i++)
			norm[i] = secret_alphabet[v[i]];
		norm[i] = '\0';
	} while (secretcode_bits(norm) < SECRET_STRONG_BITS);
	for (i = 0; i < SECRET_SYMBOLS + 2; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = norm[i];
	}
	out[o] = '\0';
	explicit_bzero(v, sizeof(v));
	explicit_bzero(norm, sizeof(norm));
}

/*
 * Read a typed code.  Returns 0 with its normalised symbols in norm
 * (SECRET_TEXT_MAX) for a drawn code, -1 for one that fails its check or
 * length (a slip), 1 for a code of the user's own, norm untouched.
 */
int
secretcode_parse(const char *text, char *norm)
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

/* Tenths of a bit one of n symbols is worth. */
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

/* 10 * log2(n), n > 0, rounded down (a little under between powers). */
static int
secret_log2_10(size_t n)
{
	int	 b = 0;

	while ((n >> b) > 1)
		b++;
	return (10 * b + (int)((10 * (n - ((size_t)1 << b))) >> b));
}

/*
 * The reading of a code a guesser tries first, as the password-strength
 * estimators find it: cost[i], tenths of a bit, is the cheapest reading
 * of the first i characters of s, each piece a character on its own or
 * one of the patterns below, at the price of telling which.
 */
struct secret_guess {
	const unsigned char	*s;
	size_t			 n;
	int			 cost[SECRET_MEASURED + 1];
};

/* Walks along these, either way, case aside: sequences and keyboards. */
static const char *const secret_walks[] = {
	"abcdefghijklmnopqrstuvwxyz", "01234567890-=", "02468", "13579",
	"qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/"
};

/* The commonest passwords and words, the commonest first. */
static const char *const secret_words[] = {
	"password", "iloveyou", "secret", "sockcat", "admin", "welcome",
	"letmein", "monkey", "dragon", "master", "football", "baseball",
	"sunshine", "princess", "shadow", "superman", "trustno", "hunter",
	"login", "hello", "freedom", "whatever", "starwars", "computer",
	"charlie", "michael", "summer", "winter", "flower", "access",
	"changeme", "default", "guest", "test", "love", "pass", "root"
};

/* What a guesser tries for a letter: the digits and signs that look it. */
static const char	 secret_leet[] = "4a@a3e1i!i1l0o5s$s7t";

/* Take a piece of len characters from i worth bits10 if cheaper. */
static void
secret_piece(struct secret_guess *g, size_t i, size_t len, int bits10)
{
	if (g->cost[i] + bits10 < g->cost[i + len])
		g->cost[i + len] = g->cost[i] + bits10;
}

/* Pieces from i repeating what came d before, three or more long. */
static void
secret_copies(struct secret_guess *g, size_t i)
{
	size_t	 d, len, done = 2;

	for (d = 1; d <= i && i + done < g->n; d++) {
		/* The nearest copies are the cheapest: only a longer one. */
		if (g->s[i + done] != g->s[i + done - d])
			continue;
		for (len = 0; i + len < g->n &&
		    g->s[i + len] == g->s[i + len - d]; len++)
			;
		for (; done < len; done++)
			secret_piece(g, i, done + 1, 10 + secret_log2_10(d) +
			    secret_log2_10(done + 1));
	}
}

/* Walks from i of three or more. */
static void
secret_walk(struct secret_guess *g, size_t i)
{
	const char	*w;
	size_t		 k, p, q, len, wlen;
	int		 way;

	for (k = 0; k < nitems(secret_walks); k++) {
		w = secret_walks[k];
		wlen = strlen(w);
		for (p = 0; p < wlen; p++) {
			if (w[p] != tolower(g->s[i]))
				continue;
			for (way = -1; way <= 1; way += 2) {
				/* Back past w's start, q wraps: no match. */
				for (len = 0; i + len < g->n; len++) {
					q = way > 0 ? p + len : p - len;
					if (q >= wlen ||
					    tolower(g->s[i + len]) != w[q])
						break;
				}
				for (; len >= 3; len--)
					secret_piece(g, i, len, 10 +
					    secret_log2_10(wlen) +
					    secret_log2_10(len));
			}
		}
	}
}

/* Is c letter w, in any case or a look-alike? */
static int
secret_letter(int c, int w, int *leet)
{
	const char	*p;

	if (isalpha(c))
		return (tolower(c) == w);
	for (p = secret_leet; *p != '\0'; p += 2) {
		if (p[0] == c && p[1] == w)
			return (*leet = 1);
	}
	return (0);
}

/*
 * Words from i: a common one by rank, or any lower-case or capitalised
 * run, worth a pick from 65,536.
 */
static void
secret_word(struct secret_guess *g, size_t i)
{
	const char	*w;
	size_t		 k, len;
	int		 leet, upper;

	for (k = 0; k < nitems(secret_words); k++) {
		w = secret_words[k];
		leet = upper = 0;
		for (len = 0; w[len] != '\0' && i + len < g->n &&
		    secret_letter(g->s[i + len], w[len], &leet); len++)
			upper |= isupper(g->s[i + len]);
		if (w[len] == '\0')
			secret_piece(g, i, len, secret_log2_10(k + 2) +
			    (upper ? 10 : 0) + (leet ? 10 : 0));
	}
	if (!isalpha(g->s[i]))
		return;
	for (len = 1; i + len < g->n && islower(g->s[i + len]); len++)
		;
	for (; len > 0; len--)
		secret_piece(g, i, len, 160);
}

/* Tenths of a bit each character of s is worth alone. */
static void
secret_chars(const unsigned char *s, size_t n, int *bits10)
{
	size_t	 i;
	int	 lower = 0, upper = 0, digit = 0, pool;

	for (i = 0; i < n; i++) {
		lower |= islower(s[i]) ? 26 : 0;
		upper |= isupper(s[i]) ? 26 : 0;
		digit |= isdigit(s[i]) ? 10 : 0;
	}
	pool = secret_pool_bits10(lower + upper + digit);
	for (i = 0; i < n; i++) {
		if (isalnum(s[i]))
			bits10[i] = pool;
		else
			bits10[i] = strchr(" -_.,", s[i]) != NULL ? 0 : 50;
	}
}

/*
 * About how many bits a guesser must try to find text: the cheapest
 * reading of its first SECRET_MEASURED characters, by characters and by
 * common patterns.  A drawn code is measured as any other.
 */
int
secretcode_bits(const char *text)
{
	struct secret_guess	 g;
	int			 alone[SECRET_MEASURED];
	size_t			 i;

	g.s = (const unsigned char *)text;
	g.n = strnlen(text, SECRET_MEASURED);
	secret_chars(g.s, g.n, alone);
	g.cost[0] = 0;
	for (i = 1; i <= g.n; i++)
		g.cost[i] = INT_MAX / 2;
	for (i = 0; i < g.n; i++) {
		secret_piece(&g, i, 1, alone[i]);
		secret_copies(&g, i);
		secret_walk(&g, i);
		secret_word(&g, i);
	}
	return (g.cost[g.n] / 10);
}
