/*
 * Session scripts (--expect, --send, --script): steps read, patterns
 * compiled, texts' escapes and match groups made into bytes.  Pure; the
 * pump's expect.c runs them.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* The words of a script file, in enum script_op's order. */
static const struct {
	const char	*word;
	int		 arg;		/* it takes one */
} script_words[] = {
	[SCRIPT_EXPECT] = { "expect", 1 },
	[SCRIPT_SEND] = { "send", 1 },
	[SCRIPT_SLEEP] = { "sleep", 1 },
	[SCRIPT_TIMEOUT] = { "timeout", 1 },
	[SCRIPT_CLOSE] = { "close", 0 },
	[SCRIPT_INTERACT] = { "interact", 0 },
};

/* Say what is wrong with the step of line (0: the command line). */
static int
script_why(struct script *sc, size_t line, const char *what, const char *arg)
{
	char	 shown[48] = "", at[32] = "";
	size_t	 i, n = 0;

	if (line > 0)
		snprintf(at, sizeof(at), "line %zu: ", line);
	/* A peek at what was refused, its controls as '?'. */
	for (i = 0; arg != NULL && arg[i] != '\0' && n < sizeof(shown) - 4;
	    i++)
		shown[n++] = isprint((unsigned char)arg[i]) ? arg[i] : '?';
	if (arg != NULL && arg[i] != '\0')
		memcpy(shown + n, "...", 3);
	snprintf(sc->why, sizeof(sc->why), "%s%s%s%s%s", at, what,
	    arg != NULL ? " \"" : "", shown, arg != NULL ? "\"" : "");
	errno = EINVAL;
	return (-1);
}

/*
 * A sleep or timeout: seconds, a fraction, or "ms", "s", "m", at most
 * SCRIPT_TIME_MAX s, rounded up to 1 ms.  Returns -1 if none.
 */
static int
script_time(const char *s, long long *ms)
{
	long long	 whole = 0, frac = 0, scale = 1000, div = 1;
	int		 digits = 0;

	while (isdigit((unsigned char)*s)) {
		whole = whole * 10 + (*s++ - '0');
		if (whole > SCRIPT_TIME_MAX * 1000LL)
			return (-1);
		digits++;
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			if (div < 1000000) {
				frac = frac * 10 + (*s - '0');
				div *= 10;
			}
			s++;
			digits++;
		}
	}
	if (digits == 0)
		return (-1);
	if (strcmp(s, "ms") == 0)
		scale = 1;
	else if (strcmp(s, "m") == 0)
		scale = 60000;
	else if (*s != '\0' && strcmp(s, "s") != 0)
		return (-1);
	*ms = whole * scale + (frac * scale + div - 1) / div;
	return (*ms > SCRIPT_TIME_MAX * 1000LL ? -1 : 0);
}

/*
 * The bytes send text in stands for, in out (outlen bytes): printf(1)'s
 * escapes and \1 to \9 for the last match's groups (subject and m; NULL
 * before any).  Returns the length, or -1 with *why.
 */
ssize_t
script_text(const char *in, const char *subject, const regmatch_t *m,
    unsigned char *out, size_t outlen, const char **why)
{
	/* The escapes of a byte's own, by letter, and the byte each is. */
	static const char	 esc[] = "\\\"'abefnrtv";
	static const char	 bytes[] = "\\\"'\a\b\033\f\n\r\t\v";
	const char		*e;
	size_t			 n = 0, glen;
	int			 c, d, k, g;

	while (*in != '\0') {
		c = (unsigned char)*in++;
		if (c == '\\') {
			c = (unsigned char)*in++;
			switch (c) {
			case '0':
				for (c = 0, k = 0; k < 3 && *in >= '0' &&
				    *in <= '7'; k++)
					c = c * 8 + (*in++ - '0');
				c &= 0xff;
				break;
			case 'x':
				if ((c = text_hex_value(*in++)) == -1) {
					*why = "\\x without a hex digit";
					return (-1);
				}
				if ((d = text_hex_value(*in)) != -1) {
					c = c * 16 + d;
					in++;
				}
				break;
			case '1': case '2': case '3': case '4': case '5':
			case '6': case '7': case '8': case '9':
				g = c - '0';
				if (m == NULL || m[g].rm_so == -1)
					continue;
				glen = m[g].rm_eo - m[g].rm_so;
				if (glen > outlen - n) {
					*why = "longer than a text may be";
					return (-1);
				}
				memcpy(out + n, subject + m[g].rm_so, glen);
				n += glen;
				continue;
			case '\0':
				*why = "a \\ at the end";
				return (-1);
			default:
				if ((e = strchr(esc, c)) == NULL) {
					*why = "an escape printf(1) has not";
					return (-1);
				}
				c = bytes[e - esc];
				break;
			}
		}
		if (n == outlen) {
			*why = "longer than a text may be";
			return (-1);
		}
		out[n++] = c;
	}
	return (n);
}

/* The deepest groups a pattern may nest. */
#define SCRIPT_NEST_MAX		32

/* Longer than any match is looked for: a match of any length. */
#define SCRIPT_FAR		(1LL << 40)

/* A pattern weighed so far (script_weigh()): at each depth of its groups. */
struct script_weight {
	long long	 cost[SCRIPT_NEST_MAX + 1];	/* the group's atoms */
	long long	 reach[SCRIPT_NEST_MAX + 1];	/* its branch's longest */
	long long	 widest[SCRIPT_NEST_MAX + 1];	/* its other branches' */
	long long	 cost1, reach1;	/* the last atom's or group's */
	int		 depth;
};

/* a times b, at most SCRIPT_FAR. */
static long long
script_far(long long a, long long b)
{
	if (a != 0 && b > SCRIPT_FAR / a)
		return (SCRIPT_FAR);
	return (a * b);
}

/* a plus b, at most SCRIPT_FAR. */
static long long
script_far_sum(long long a, long long b)
{
	return (a + b > SCRIPT_FAR ? SCRIPT_FAR : a + b);
}

/*
 * The repetition at *pp: *copies regcomp() makes, *times it may match
 * (SCRIPT_FAR: any); *pp left on its last character.  Returns NULL, or
 * what is wrong.
 */
static const char *
script_repeat(const char **pp, long long *copies, long long *times)
{
	char		*end;
	long long	 lo;

	*copies = 2;
	*times = **pp == '?' ? 1 : SCRIPT_FAR;
	if (**pp != '{')
		return (NULL);
	lo = *copies = *times = strtoll(*pp + 1, &end, 10);
	if (*end == ',') {
		end++;
		/* {n,}: n copies, and one more looped. */
		if (*end >= '0' && *end <= '9')
			*copies = *times = strtoll(end, &end, 10);
		else {
			/* Past 255 it is refused: strtoll()'s most + 1 is UB. */
			*copies = lo > 255 ? lo : lo + 1;
			*times = SCRIPT_FAR;
		}
	}
	if (*end != '}')
		return ("a repetition not closed");
	if (lo > 255 || *copies > 255)
		return ("a repetition of more than 255");
	*copies = *copies < 1 ? 1 : *copies;
	*times = *times < 1 ? 1 : *times;
	*pp = end;
	return (NULL);
}

/* The ']' ending the bracket expression at p, or the string's end. */
static const char *
script_bracket(const char *p)
{
	const char	*end;

	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=') &&
		    (end = strstr(p + 2, p[1] == ':' ? ":]" : p[1] == '.' ?
		    ".]" : "=]")) != NULL)
			p = end + 1;
		p++;
	}
	return (p);
}

/* The most bytes atom p matches: 0 for an anchor, SCRIPT_FAR for a \N. */
static long long
script_atom_reach(const char *p)
{
	if (*p == '^' || *p == '$')
		return (0);
	if (*p != '\\' || p[1] == '\0')
		return (1);
	if (p[1] >= '1' && p[1] <= '9')
		return (SCRIPT_FAR);
	return (strchr("bB<>`'", p[1]) != NULL ? 0 : 1);
}

/* Close the group at w's depth: it is the last atom of the outer one. */
static void
script_close(struct script_weight *w)
{
	int	 d = w->depth--;

	w->cost1 = w->cost[d];
	w->reach1 = w->widest[d] > w->reach[d] ? w->widest[d] : w->reach[d];
	w->cost[d - 1] += w->cost1;
	w->reach[d - 1] = script_far_sum(w->reach[d - 1], w->reach1);
}

/*
 * Weigh ERE re: *cost its atoms times their repetitions, *reach the most
 * bytes a match spans (SCRIPT_FAR: any).  regcomp(3) copies each interval
 * and glibc blows up on "a++", so a peer's input must not decide this.
 * Returns NULL, or what is wrong.
 */
static const char *
script_weigh(const char *re, long long *cost, long long *reach)
{
	struct script_weight	 w;
	const char		*p, *why;
	long long		 copies, times;
	int			 d, rep = 0;

	memset(&w, 0, sizeof(w));
	for (p = re; *p != '\0'; p++) {
		if (w.cost[w.depth] > SCRIPT_PATTERN_COST ||
		    w.cost1 > SCRIPT_PATTERN_COST)
			return ("a pattern that would take too much memory");
		d = w.depth;
		/* glibc takes "{,n}" as "{0,n}": a repetition too. */
		if (strchr("*+?", *p) != NULL || (*p == '{' &&
		    ((p[1] >= '0' && p[1] <= '9') || p[1] == ','))) {
			if (rep)
				return ("a repetition of a repetition");
			if ((why = script_repeat(&p, &copies, &times)) != NULL)
				return (why);
			w.cost[d] += w.cost1 * (copies - 1);
			w.cost1 *= copies;
			w.reach[d] = script_far_sum(w.reach[d] - w.reach1,
			    script_far(w.reach1, times));
			w.reach1 = script_far(w.reach1, times);
			rep = 1;
			continue;
		}
		rep = 0;
		if (*p == '(') {
			if (d == SCRIPT_NEST_MAX)
				return ("groups nested too deep");
			d = ++w.depth;
			w.cost[d] = w.reach[d] = w.widest[d] = 0;
			w.cost1 = w.reach1 = 0;
			continue;
		}
		/* Another branch: the group's longest is the longest's. */
		if (*p == '|') {
			if (w.reach[d] > w.widest[d])
				w.widest[d] = w.reach[d];
			w.reach[d] = w.cost1 = w.reach1 = 0;
			continue;
		}
		if (*p == ')' && d > 0) {
			script_close(&w);
			continue;
		}
		w.reach1 = script_atom_reach(p);
		if (*p == '[' && *(p = script_bracket(p)) == '\0')
			break;
		if (*p == '\\' && p[1] != '\0')
			p++;
		w.cost1 = 1;
		w.cost[d]++;
		w.reach[d] = script_far_sum(w.reach[d], w.reach1);
	}
	/* A group not closed is regcomp()'s to refuse: it counts as one. */
	while (w.depth > 0)
		script_close(&w);
	if ((*cost = w.cost[0]) > SCRIPT_PATTERN_COST)
		return ("a pattern that would take too much memory");
	*reach = w.widest[0] > w.reach[0] ? w.widest[0] : w.reach[0];
	return (NULL);
}

/*
 * Add step word with arg (NULL: none) from line (0: the command line) and
 * sc->from to sc; patterns weighed, texts checked, times read.  Returns -1
 * with sc->why.
 */
int
script_add(struct script *sc, const char *word, const char *arg, size_t line)
{
	struct script_step	*st, *steps;
	unsigned char		*out;
	const char		*why;
	long long		 cost, reach;
	size_t			 op;
	int			 rc;

	for (op = 0; op < nitems(script_words); op++)
		if (strcmp(word, script_words[op].word) == 0)
			break;
	if (op == nitems(script_words))
		return (script_why(sc, line, "no such step", word));
	if (script_words[op].arg && (arg == NULL || *arg == '\0'))
		return (script_why(sc, line, "an argument is missing after",
		    word));
	if (!script_words[op].arg && arg != NULL && *arg != '\0')
		return (script_why(sc, line, "takes no argument:", arg));
	if (arg != NULL && strlen(arg) > SCRIPT_ARG_MAX)
		return (script_why(sc, line, "longer than a step may be:",
		    arg));
	if (sc->n == SCRIPT_STEPS_MAX)
		return (script_why(sc, line, "too many steps", NULL));
	if (sc->n > 0 && sc->steps[sc->n - 1].op == SCRIPT_INTERACT)
		return (script_why(sc, line, "a step after interact:", word));
	if ((steps = reallocarray(sc->steps, sc->n + 1,
	    sizeof(*steps))) == NULL)
		return (script_why(sc, line, strerror(errno), NULL));
	sc->steps = steps;
	st = &sc->steps[sc->n];
	memset(st, 0, sizeof(*st));
	st->op = op;
	st->line = line;
	st->from = sc->from;
	switch (st->op) {
	case SCRIPT_EXPECT:
		if ((why = script_weigh(arg, &cost, &reach)) != NULL)
			return (script_why(sc, line, why, arg));
		st->reach = reach < SCRIPT_FAR ? (size_t)reach : SIZE_MAX;
		if (sc->cost + cost > SCRIPT_COST_MAX)
			return (script_why(sc, line, "the patterns together "
			    "would take too much memory:", arg));
		sc->cost += cost;
		break;
	case SCRIPT_SEND:
		if ((out = malloc(SCRIPT_SEND_MAX)) == NULL)
			return (script_why(sc, line, strerror(errno), NULL));
		rc = script_text(arg, NULL, NULL, out, SCRIPT_SEND_MAX,
		    &why) == -1;
		free(out);
		if (rc)
			return (script_why(sc, line, why, arg));
		break;
	case SCRIPT_SLEEP:
	case SCRIPT_TIMEOUT:
		if (script_time(arg, &st->ms) == -1)
			return (script_why(sc, line, "not a time:", arg));
		break;
	default:
		break;
	}
	if (arg != NULL && (st->arg = strdup(arg)) == NULL)
		return (script_why(sc, line, strerror(errno), NULL));
	sc->n++;
	return (0);
}

/*
 * Compile sc's patterns (ERE, REG_NEWLINE), once the command line is
 * sound.  Returns -1 with sc->why, sc->from naming the source.
 */
__startup int
script_compile(struct script *sc)
{
	struct script_step	*st;
	char			 err[96];
	size_t			 i;
	int			 rc;

	for (i = 0; i < sc->n; i++) {
		st = &sc->steps[i];
		if (st->op != SCRIPT_EXPECT || st->re != NULL)
			continue;
		sc->from = st->from;
		if ((st->re = malloc(sizeof(*st->re))) == NULL)
			return (script_why(sc, st->line, strerror(errno), NULL));
		if ((rc = regcomp(st->re, st->arg, REG_EXTENDED |
		    REG_NEWLINE)) != 0) {
			regerror(rc, st->re, err, sizeof(err));
			free(st->re);
			st->re = NULL;
			return (script_why(sc, st->line, err, st->arg));
		}
	}
	return (0);
}

/*
 * Read a script file's text (len bytes, not NUL-terminated) into sc: a
 * step a line, word then argument; blank and '#' lines skipped, CR before
 * LF dropped.  Returns -1 with sc->why naming the line.
 */
int
script_parse(struct script *sc, const char *text, size_t len)
{
	const char	*p = text, *end = text + len, *nl;
	char		*buf, *word, *arg;
	size_t		 line = 0, n;
	int		 rc = 0;

	if (len > SCRIPT_FILE_MAX)
		return (script_why(sc, 0, "longer than a script may be", NULL));
	if ((buf = malloc(SCRIPT_ARG_MAX + 64)) == NULL)
		return (script_why(sc, 0, strerror(errno), NULL));
	while (p < end && rc == 0) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\0', n) != NULL)
			rc = script_why(sc, line, "a NUL byte", NULL);
		else if (n > SCRIPT_ARG_MAX + 32)
			rc = script_why(sc, line, "longer than a step may be",
			    NULL);
		else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			word = buf + strspn(buf, " \t");
			if (*word != '\0' && *word != '#') {
				arg = word + strcspn(word, " \t");
				if (*arg != '\0') {
					*arg++ = '\0';
					arg += strspn(arg, " \t");
				}
				rc = script_add(sc, word, arg, line);
			}
		}
		p = nl + (nl < end);
	}
	free(buf);
	return (rc);
}

/* Free sc's steps. */
void
script_free(struct script *sc)
{
	size_t	 i;

	for (i = 0; i < sc->n; i++) {
		if (sc->steps[i].re != NULL) {
			regfree(sc->steps[i].re);
			free(sc->steps[i].re);
		}
		free(sc->steps[i].arg);
	}
	free(sc->steps);
	sc->steps = NULL;
	sc->n = 0;
}
