/*
 * An address's options, "name[=value]" after its first comma: each one's
 * row (the kinds it belongs to, the name it is stored under, what its
 * value must be), checked as it is read.  addr.c reads the rest of an
 * address; a side does what the options say (src/net/side.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "addr-int.h"

/*
 * Each option (addr-opts.h): its name, the name it is stored under, what
 * its value must be and the kinds of address that can be what it needs.
 * What a side does with each is side.c's (the same rows); an option of no
 * row is refused, by its name and the address's, never ignored.
 */
static const struct {
	const char	*name;
	const char	*is;
	enum addr_otype	 type;
	unsigned int	 kinds;
} addr_optdefs[] = {
#define OPT(name, is, type, needs, set)	{ name, is, type, needs },
#include "addr-opts.h"
#undef OPT
};
#define ADDR_NOPTDEFS	(sizeof(addr_optdefs) / sizeof(addr_optdefs[0]))

/*
 * A TLS version as an operator writes it, "1.0" to "1.3" (an address's
 * min-version=, --ssl-min-version): returns it times ten, 10 to 13, or
 * -1.
 */
int
tls_version_parse(const char *s)
{
	static const char *const names[] = { "1.0", "1.1", "1.2", "1.3" };
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0)
			return (10 + (int)i);
	}
	return (-1);
}

/*
 * One option of a, "name[=value]" (name is written in place), checked
 * against the kind's rows and stored under the name the side reads.
 */
int
addr_option(struct addr *a, char *name)
{
	const char	*is, *row;
	char		*value, *h, *p, *e;
	char		 copy[ADDR_MAX + 1], why[sizeof(a->why)];
	size_t		 i, j;
	long		 l;

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
		if (strcasecmp(addr_optdefs[i].name, row) == 0)
			break;
	}
	if (i == ADDR_NOPTDEFS || !(addr_optdefs[i].kinds & K(a->kind)))
		return (addr_fail(a, "option %.32s does not belong to a %s: "
		    "address", name, a->name));
	is = addr_optdefs[i].is;
	if (addr_opt(a, is) != NULL)
		return (addr_fail(a, "option %s given twice", is));
	if (a->nopts == ADDR_OPTS_MAX)
		return (addr_fail(a, "more than %d options", ADDR_OPTS_MAX));
	/* socat's words for a number that is not there, or not whole. */
	if (addr_optdefs[i].type == AO_UINT && (value == NULL ||
	    (strtoul(value, &e, 0), e == value)))
		return (addr_fail(a, "missing numerical value of option %s",
		    name));
	if (addr_optdefs[i].type == AO_UINT && (*e != '\0' || *value == '-'))
		return (addr_fail(a, "trailing garbage in numerical arg of "
		    "option %s", name));
	if (addr_optdefs[i].type != AO_BOOL && (value == NULL ||
	    *value == '\0'))
		return (addr_fail(a, "option %s needs a value", name));
	switch (addr_optdefs[i].type) {
	case AO_BOOL:
		if (value == NULL)
			value = (char *)"1";
		else if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
			return (addr_fail(a, "option %s takes 0 or 1", name));
		break;
	case AO_TEXT:
	case AO_SECRET:
	case AO_USERPASS:
	case AO_UINT:
		break;
	case AO_PORT:
		if (addr_port(a, value, 1) == -1) {
			memcpy(why, a->why, sizeof(why));
			return (addr_fail(a, "option %s: %s", name, why));
		}
		break;
	case AO_NUMBER:
	case AO_COUNT:
		if (value[strspn(value, "0123456789")] != '\0' ||
		    strlen(value) > 5 || atoi(value) > 65535 ||
		    atoi(value) < (addr_optdefs[i].type == AO_COUNT ? 0 : 1))
			return (addr_fail(a, "option %s takes a number from %d "
			    "to 65535", name, addr_optdefs[i].type == AO_COUNT ?
			    0 : 1));
		break;
	case AO_SECONDS:
		j = strspn(value, "0123456789");
		if (value[j] == '.')
			j += 1 + strspn(value + j + 1, "0123456789");
		if (value[j] != '\0' || strcmp(value, ".") == 0 || j > 12)
			return (addr_fail(a, "option %s takes seconds, as 1.5",
			    name));
		break;
	case AO_BYTE:
		l = strtol(value, &e, 0);
		if (*e != '\0' || l < 0 || l > 255)
			return (addr_fail(a, "option %s takes a byte's value, "
			    "as 27 or 0x1b", name));
		break;
	case AO_SIZE:
		if (value[strspn(value, "0123456789")] != '\0' ||
		    strlen(value) > 15)
			return (addr_fail(a, "option %s takes a number of "
			    "bytes", name));
		break;
	case AO_OCTAL:
		if (value[strspn(value, "01234567")] != '\0' ||
		    strlen(value) > 5 || strtol(value, NULL, 8) > 07777)
			return (addr_fail(a, "option %s takes an octal mode, "
			    "as 0644", name));
		break;
	case AO_FAMILY:
		if (strcasecmp(value, "ip4") == 0 ||
		    strcasecmp(value, "ipv4") == 0 ||
		    strcasecmp(value, "inet") == 0)
			value = (char *)"4";
		else if (strcasecmp(value, "ip6") == 0 ||
		    strcasecmp(value, "ipv6") == 0 ||
		    strcasecmp(value, "inet6") == 0)
			value = (char *)"6";
		else
			return (addr_fail(a, "option %s takes ip4 or ip6",
			    name));
		break;
	case AO_HOSTPORT:
		/* A URL is the proxy's to read (its scheme, user). */
		if (proxy_url_is(value, strlen(value)))
			break;
		/* Checked on a copy: the value stays whole. */
		j = strlen(value);
		memcpy(copy, value, j + 1);
		if (addr_hostport(a, copy, 0, 1, &h, &p) == -1) {
			memcpy(why, a->why, sizeof(why));
			return (addr_fail(a, "option %s: %s", name, why));
		}
		break;
	case AO_TLSVER:
		/* As socat writes them: TLS1 (1.0), TLS1.1, ... */
		if (a->socat && strncasecmp(value, "tls", 3) == 0)
			value = strcmp(value + 3, "1") == 0 ? (char *)"1.0" :
			    value + 3;
		if (tls_version_parse(value) == -1)
			return (addr_fail(a, "option %s takes 1.0, 1.1, 1.2 "
			    "or 1.3", name));
		break;
	case AO_COMPRESS:
		/*
		 * OpenSSL compresses nothing unless told to (CRIME): socat's
		 * none is that, and so is its auto, the library's default.
		 */
		if (strcasecmp(value, "none") != 0 &&
		    strcasecmp(value, "auto") != 0)
			return (addr_fail(a, "option %s takes none or auto",
			    name));
		break;
	}
	a->opts[a->nopts].name = is;
	a->opts[a->nopts].value = value;
	a->nopts++;
	return (0);
}

/*
 * What of the value of the option name (its first len bytes, any case)
 * is a secret, as its row's type says: ADDR_HIDE_ALL, ADDR_HIDE_PASSWORD
 * (after the first ':'), or ADDR_HIDE_NONE, also for a name of no row.
 */
int
addr_opt_hides(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < ADDR_NOPTDEFS; i++) {
		if (strlen(addr_optdefs[i].name) != len ||
		    strncasecmp(addr_optdefs[i].name, name, len) != 0)
			continue;
		if (addr_optdefs[i].type == AO_SECRET)
			return (ADDR_HIDE_ALL);
		if (addr_optdefs[i].type == AO_USERPASS)
			return (ADDR_HIDE_PASSWORD);
		break;
	}
	return (ADDR_HIDE_NONE);
}

/* The options after the address's first comma, "name[=value]" each. */
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
