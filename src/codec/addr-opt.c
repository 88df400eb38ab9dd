/*
 * An address's options, "name[=value]" after its first comma, each checked
 * against its row of addr-opts.h as it is read; src/side/side.c does what
 * they say.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "addr-int.h"

/*
 * Each option (addr-opts.h): its names, the name it is stored under, what
 * its value must be and the kinds of address that can be what it needs.
 * What a side does with each is side.c's (the same rows); an option of no
 * row is refused, by its name and the address's, never ignored.
 */
static const struct {
	const char	*name;
	const char	*is;
	enum addr_otype	 type;
	unsigned int	 kinds;
	int		 again;		/* may be written again: a change of
					   a terminal's, made in order */
} addr_optdefs[] = {
#define F(m, how)	0
#define S(fn)		0
#define R		0
#define A		0
#define T(f, m, b)	1
#define TV(f, m)	1
#define OPT(name, is, type, needs, set)	{ name, is, type, needs, set },
#define OPTCL(name, is, type, needs, set, ...)	{ name, is, type, needs, set },
#include "addr-opts.h"
#undef OPTCL
#undef OPT
#undef TV
#undef T
#undef A
#undef R
#undef S
#undef F
};
#define ADDR_NOPTDEFS	nitems(addr_optdefs)

/* TLS version s, "1.0" to "1.3", times ten (10 to 13); or -1. */
int
addr_tls_version_parse(const char *s)
{
	static const char *const names[] = { "1.0", "1.1", "1.2", "1.3" };
	size_t	 i;

	for (i = 0; i < nitems(names); i++) {
		if (strcmp(s, names[i]) == 0)
			return (10 + (int)i);
	}
	return (-1);
}

/* Is name (n bytes, any case) one of the space-separated names of list? */
static int
addr_name_in(const char *list, const char *name, size_t n)
{
	size_t	 w;

	for (; *list != '\0'; list += w + (list[w] == ' ')) {
		w = strcspn(list, " ");
		if (w == n && strncasecmp(list, name, n) == 0)
			return (1);
	}
	return (0);
}

/* Is s decimal digits alone, at most width of them, from min to max? */
int
addr_decimal(const char *s, size_t width, long long min, long long max)
{
	long long	 n;

	if (s[strspn(s, "0123456789")] != '\0' || strlen(s) > width)
		return (0);
	n = strtoll(s, NULL, 10);
	return (n >= min && n <= max);
}

/*
 * What *v should be as a value of type t ("option NAME takes ..."), or
 * NULL if it is one, rewritten in *v as the side reads it (a flag's "1",
 * ip4, socat's TLS1.2).  Ports and hosts are addr_option()'s.
 */
static const char *
addr_value_bad(const struct addr *a, enum addr_otype t, char **v)
{
	char	*e, *s = *v;
	size_t	 j;
	long	 l;

	switch (t) {
	case AO_BOOL:
		if (s == NULL)
			*v = (char *)"1";
		else if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
			return ("0 or 1");
		return (NULL);
	case AO_NUMBER:
		if (!addr_decimal(s, 5, 1, 65535))
			return ("a number from 1 to 65535");
		return (NULL);
	case AO_COUNT:
		if (!addr_decimal(s, 5, 0, 65535))
			return ("a number from 0 to 65535");
		return (NULL);
	case AO_SECONDS:
		j = strspn(s, "0123456789");
		if (s[j] == '.')
			j += 1 + strspn(s + j + 1, "0123456789");
		if (s[j] != '\0' || strcmp(s, ".") == 0 || j > 12)
			return ("seconds, as 1.5");
		return (NULL);
	case AO_PGID:
		if (s == NULL)
			*v = (char *)"0";
		else if (!addr_decimal(s, 7, 0, 4194304))
			return ("a process group's id, 0 for its own");
		return (NULL);
	case AO_BYTE:
		l = strtol(s, &e, 0);
		if (*e != '\0' || l < 0 || l > 255)
			return ("a byte's value, as 27 or 0x1b");
		return (NULL);
	case AO_SIZE:
		if (!addr_decimal(s, 15, 0, LLONG_MAX))
			return ("a number of bytes");
		return (NULL);
	case AO_BUFSIZE:
		if (!addr_decimal(s, 10, 1, INT_MAX))
			return ("a number of bytes from 1 to 2147483647");
		return (NULL);
	case AO_OFFSET:
		errno = 0;
		(void)strtoll(s, &e, 0);
		if (*e != '\0' || e == s || errno == ERANGE)
			return ("an offset in bytes, as 100, 0x74420 or -10");
		return (NULL);
	case AO_OCTAL:
		if (s[strspn(s, "01234567")] != '\0' || strlen(s) > 5 ||
		    strtol(s, NULL, 8) > 07777)
			return ("an octal mode, as 0644");
		return (NULL);
	case AO_FAMILY:
		if (addr_name_in("ip4 ipv4 inet", s, strlen(s)))
			*v = (char *)"4";
		else if (addr_name_in("ip6 ipv6 inet6", s, strlen(s)))
			*v = (char *)"6";
		else
			return ("ip4 or ip6");
		return (NULL);
	case AO_TLSVER:
		/* As socat writes them: TLS1 (1.0), TLS1.1, ... */
		if (a->socat && strncasecmp(s, "tls", 3) == 0)
			*v = strcmp(s + 3, "1") == 0 ? (char *)"1.0" : s + 3;
		if (addr_tls_version_parse(*v) == -1)
			return ("1.0, 1.1, 1.2 or 1.3");
		return (NULL);
	case AO_COMPRESS:
		/*
		 * OpenSSL compresses nothing unless told to (CRIME): socat's
		 * none is that, and so is its auto, the library's default.
		 */
		if (!addr_name_in("none auto", s, strlen(s)))
			return ("none or auto");
		return (NULL);
	default:
		return (NULL);
	}
}

/*
 * Read option name, "name[=value]" (split in place), into a under the
 * name the side reads, checked against its row.  Returns 0, or -1 with
 * a->why.
 */
int
addr_option(struct addr *a, char *name)
{
	const char	*is, *row, *bad;
	char		*value, *h, *p, *e;
	char		 copy[ADDR_MAX + 1], why[sizeof(a->why)];
	enum addr_otype	 t;
	size_t		 i;

	if (*name == '\0')
		return (addr_fail(a, "an empty option"));
	if ((value = strchr(name, '=')) != NULL)
		*value++ = '\0';
	row = name;
	/* socat's b115200, ...: a terminal's speed, in and out. */
	if (tolower((unsigned char)name[0]) == 'b' && value == NULL &&
	    name[1] != '\0' && name[1 + strspn(name + 1, "0123456789")] ==
	    '\0') {
		row = "bN";
		value = name + 1;
	}
	for (i = 0; i < ADDR_NOPTDEFS; i++) {
		if (addr_name_in(addr_optdefs[i].name, row, strlen(row)))
			break;
	}
	/* One of socat's that sockcat lacks is not said to be misplaced. */
	if (i == ADDR_NOPTDEFS)
		return (addr_fail(a, "sockcat has no option %.32s", name));
	if (!(addr_optdefs[i].kinds & K(a->kind)))
		return (addr_fail(a, "option %.32s does not belong to a %s: "
		    "address", name, a->name));
	is = addr_optdefs[i].is;
	t = addr_optdefs[i].type;
	if (!addr_optdefs[i].again && addr_opt(a, is) != NULL)
		return (addr_fail(a, "option %s given twice", is));
	if (a->nopts == ADDR_OPTS_MAX)
		return (addr_fail(a, "more than %d options", ADDR_OPTS_MAX));
	/* socat's words for a number that is not there, or not whole. */
	if (t == AO_UINT && (value == NULL ||
	    (strtoul(value, &e, 0), e == value)))
		return (addr_fail(a, "missing numerical value of option %s",
		    name));
	if (t == AO_UINT && (*e != '\0' || *value == '-'))
		return (addr_fail(a, "trailing garbage in numerical arg of "
		    "option %s", name));
	if (t != AO_BOOL && t != AO_PGID && (value == NULL || *value == '\0'))
		return (addr_fail(a, "option %s needs a value", name));
	if ((bad = addr_value_bad(a, t, &value)) != NULL)
		return (addr_fail(a, "option %s takes %s", name, bad));
	/*
	 * A port, or HOST:PORT checked on a copy (the value stays whole);
	 * a URL is the proxy's to read (its scheme, user).
	 */
	if (t == AO_HOSTPORT)
		memcpy(copy, value, strlen(value) + 1);
	if ((t == AO_PORT && addr_port(a, value, 1) == -1) ||
	    (t == AO_HOSTPORT && !url_proxy_is(value, strlen(value)) &&
	    addr_hostport(a, copy, 0, 1, &h, &p) == -1)) {
		memcpy(why, a->why, sizeof(why));
		return (addr_fail(a, "option %s: %s", name, why));
	}
	return (addr_opt_add(a, is, value));
}

/* Add name=value to a's options, checked or implied; -1 if full. */
int
addr_opt_add(struct addr *a, const char *name, const char *value)
{
	if (a->nopts == ADDR_OPTS_MAX)
		return (addr_fail(a, "more than %d options", ADDR_OPTS_MAX));
	a->opts[a->nopts].name = name;
	a->opts[a->nopts].value = value;
	a->nopts++;
	return (0);
}

/*
 * Option row i's names, space-separated, its own first ("bN": socat's
 * b9600, ...); NULL past the last.
 */
const char *
addr_opt_names(size_t i)
{
	return (i < ADDR_NOPTDEFS ? addr_optdefs[i].name : NULL);
}

/*
 * How much of the value of option name (len bytes, any case) is secret:
 * ADDR_HIDE_ALL, ADDR_HIDE_PASSWORD (after its first ':') or
 * ADDR_HIDE_NONE, also for an unknown name.
 */
int
addr_opt_hides(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < ADDR_NOPTDEFS; i++) {
		if (!addr_name_in(addr_optdefs[i].name, name, len))
			continue;
		if (addr_optdefs[i].type == AO_SECRET)
			return (ADDR_HIDE_ALL);
		if (addr_optdefs[i].type == AO_USERPASS)
			return (ADDR_HIDE_PASSWORD);
		break;
	}
	return (ADDR_HIDE_NONE);
}

/* Read options s, split at ',' in place, into a; or -1 with a->why. */
int
addr_options(struct addr *a, char *s)
{
	char	*name;

	while ((name = strsep(&s, ",")) != NULL) {
		if (addr_option(a, name) == -1)
			return (-1);
	}
	return (0);
}
