/*
 * socat's way of writing addresses (TCP-LISTEN:PORT,fork, EXEC:"cmd",
 * OPENSSL:host:443,verify=0, ...): its names, each a row mapped to one of
 * our kinds, and its words, with their quoting undone, read into the
 * same struct addr as ours.  The options are the rows of addr.c's one
 * table; addr-int.h is what the two files share.  Pure functions, like
 * addr.c, shared with its fuzz target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/un.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "addr-int.h"

/* What follows a socat address's name, between its colons. */
enum addr_sform {
	SF_HOSTPORT,		/* :HOST:PORT */
	SF_PORT,		/* :PORT, a listener's (bind= its address) */
	SF_PATH,		/* :PATH of a socket */
	SF_ABSTRACT,		/* :NAME of an abstract socket */
	SF_FILE,		/* :PATH of a file */
	SF_COMMAND,		/* :COMMAND */
	SF_PROXIED,		/* :PROXY:HOST:PORT */
	SF_NONE,		/* nothing: options alone */
	SF_ECHO,		/* nothing: what is written comes back */
};

/*
 * socat's names (socat -hhh's, aliases included), the kind each one is
 * (PIPE, socat's echo, runs cat) and what it implies: its family, options it has unless given (socat
 * verifies TLS peers unless told not to; CREATE creates and truncates).
 * socat's names for what sockcat has no kind for are in no row, and are
 * refused as unknown.
 */
static const struct {
	const char	*name;
	enum addr_kind	 kind;
	enum addr_sform	 form;
	int		 family;
	const char	*imply[4];	/* name, value, name, value */
} addr_socat[] = {
	{ "tcp",		ADDR_TCP,	SF_HOSTPORT,	0, { NULL } },
	{ "tcp-connect",	ADDR_TCP,	SF_HOSTPORT,	0, { NULL } },
	{ "inet",		ADDR_TCP,	SF_HOSTPORT,	0, { NULL } },
	{ "tcp4",		ADDR_TCP,	SF_HOSTPORT,	4, { NULL } },
	{ "tcp4-connect",	ADDR_TCP,	SF_HOSTPORT,	4, { NULL } },
	{ "inet4",		ADDR_TCP,	SF_HOSTPORT,	4, { NULL } },
	{ "tcp6",		ADDR_TCP,	SF_HOSTPORT,	6, { NULL } },
	{ "tcp6-connect",	ADDR_TCP,	SF_HOSTPORT,	6, { NULL } },
	{ "inet6",		ADDR_TCP,	SF_HOSTPORT,	6, { NULL } },
	{ "tcp-listen",		ADDR_TCP_L,	SF_PORT,	0, { NULL } },
	{ "tcp-l",		ADDR_TCP_L,	SF_PORT,	0, { NULL } },
	{ "inet-listen",	ADDR_TCP_L,	SF_PORT,	0, { NULL } },
	{ "inet-l",		ADDR_TCP_L,	SF_PORT,	0, { NULL } },
	{ "tcp4-listen",	ADDR_TCP_L,	SF_PORT,	4, { NULL } },
	{ "tcp4-l",		ADDR_TCP_L,	SF_PORT,	4, { NULL } },
	{ "inet4-listen",	ADDR_TCP_L,	SF_PORT,	4, { NULL } },
	{ "inet4-l",		ADDR_TCP_L,	SF_PORT,	4, { NULL } },
	{ "tcp6-listen",	ADDR_TCP_L,	SF_PORT,	6, { NULL } },
	{ "tcp6-l",		ADDR_TCP_L,	SF_PORT,	6, { NULL } },
	{ "inet6-listen",	ADDR_TCP_L,	SF_PORT,	6, { NULL } },
	{ "inet6-l",		ADDR_TCP_L,	SF_PORT,	6, { NULL } },
	{ "udp",		ADDR_UDP,	SF_HOSTPORT,	0, { NULL } },
	{ "udp-connect",	ADDR_UDP,	SF_HOSTPORT,	0, { NULL } },
	{ "udp4",		ADDR_UDP,	SF_HOSTPORT,	4, { NULL } },
	{ "udp4-connect",	ADDR_UDP,	SF_HOSTPORT,	4, { NULL } },
	{ "udp6",		ADDR_UDP,	SF_HOSTPORT,	6, { NULL } },
	{ "udp6-connect",	ADDR_UDP,	SF_HOSTPORT,	6, { NULL } },
	{ "udp-listen",		ADDR_UDP_L,	SF_PORT,	0, { NULL } },
	{ "udp-l",		ADDR_UDP_L,	SF_PORT,	0, { NULL } },
	{ "udp4-listen",	ADDR_UDP_L,	SF_PORT,	4, { NULL } },
	{ "udp4-l",		ADDR_UDP_L,	SF_PORT,	4, { NULL } },
	{ "udp6-listen",	ADDR_UDP_L,	SF_PORT,	6, { NULL } },
	{ "udp6-l",		ADDR_UDP_L,	SF_PORT,	6, { NULL } },
	{ "unix-connect",	ADDR_UNIX,	SF_PATH,	0, { NULL } },
	{ "unix-client",	ADDR_UNIX,	SF_PATH,	0, { NULL } },
	{ "unix",		ADDR_UNIX,	SF_PATH,	0, { NULL } },
	{ "local",		ADDR_UNIX,	SF_PATH,	0, { NULL } },
	{ "unix-listen",	ADDR_UNIX_L,	SF_PATH,	0, { NULL } },
	{ "unix-l",		ADDR_UNIX_L,	SF_PATH,	0, { NULL } },
	{ "abstract-connect",	ADDR_UNIX,	SF_ABSTRACT,	0, { NULL } },
	{ "abstract-client",	ADDR_UNIX,	SF_ABSTRACT,	0, { NULL } },
	{ "abstract",		ADDR_UNIX,	SF_ABSTRACT,	0, { NULL } },
	{ "abstract-listen",	ADDR_UNIX_L,	SF_ABSTRACT,	0, { NULL } },
	{ "openssl",		ADDR_TLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "openssl-connect",	ADDR_TLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "ssl",		ADDR_TLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "openssl-listen",	ADDR_TLS_L,	SF_PORT,	0,
	    { "verify", "1" } },
	{ "ssl-l",		ADDR_TLS_L,	SF_PORT,	0,
	    { "verify", "1" } },
	{ "openssl-dtls-client", ADDR_DTLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "openssl-dtls-connect", ADDR_DTLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "dtls",		ADDR_DTLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "dtls-c",		ADDR_DTLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "dtls-client",	ADDR_DTLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "dtls-connect",	ADDR_DTLS,	SF_HOSTPORT,	0,
	    { "verify", "1" } },
	{ "openssl-dtls-server", ADDR_DTLS_L,	SF_PORT,	0,
	    { "verify", "1" } },
	{ "openssl-dtls-listen", ADDR_DTLS_L,	SF_PORT,	0,
	    { "verify", "1" } },
	{ "dtls-server",	ADDR_DTLS_L,	SF_PORT,	0,
	    { "verify", "1" } },
	{ "dtls-listen",	ADDR_DTLS_L,	SF_PORT,	0,
	    { "verify", "1" } },
	{ "dtls-l",		ADDR_DTLS_L,	SF_PORT,	0,
	    { "verify", "1" } },
	{ "socks4",		ADDR_SOCKS4,	SF_PROXIED,	0, { NULL } },
	{ "socks",		ADDR_SOCKS4,	SF_PROXIED,	0, { NULL } },
	{ "socks4a",		ADDR_SOCKS4A,	SF_PROXIED,	0, { NULL } },
	{ "socks5",		ADDR_SOCKS5,	SF_PROXIED,	0, { NULL } },
	{ "proxy",		ADDR_TCP,	SF_PROXIED,	0,
	    { "proxyport", "8080" } },
	{ "proxy-connect",	ADDR_TCP,	SF_PROXIED,	0,
	    { "proxyport", "8080" } },
	{ "exec",		ADDR_EXEC,	SF_COMMAND,	0, { NULL } },
	{ "system",		ADDR_EXEC,	SF_COMMAND,	0, { NULL } },
	{ "pty",		ADDR_PTY,	SF_NONE,	0, { NULL } },
	{ "pipe",		ADDR_EXEC,	SF_ECHO,	0, { NULL } },
	{ "echo",		ADDR_EXEC,	SF_ECHO,	0, { NULL } },
	{ "fifo",		ADDR_EXEC,	SF_ECHO,	0, { NULL } },
	{ "stdio",		ADDR_STDIO,	SF_NONE,	0, { NULL } },
	{ "-",			ADDR_STDIO,	SF_NONE,	0, { NULL } },
	{ "stdin",		ADDR_STDIO,	SF_NONE,	0, { NULL } },
	{ "stdout",		ADDR_STDIO,	SF_NONE,	0, { NULL } },
	{ "open",		ADDR_FILE,	SF_FILE,	0, { NULL } },
	{ "file",		ADDR_FILE,	SF_FILE,	0, { NULL } },
	{ "gopen",		ADDR_FILE,	SF_FILE,	0, { NULL } },
	{ "create",		ADDR_FILE,	SF_FILE,	0,
	    { "creat", "1", "trunc", "1" } },
	{ "creat",		ADDR_FILE,	SF_FILE,	0,
	    { "creat", "1", "trunc", "1" } },
	{ "vsock-connect",	ADDR_VSOCK,	SF_HOSTPORT,	0, { NULL } },
	{ "vsock",		ADDR_VSOCK,	SF_HOSTPORT,	0, { NULL } },
};
#define ADDR_NSOCAT	(sizeof(addr_socat) / sizeof(addr_socat[0]))

/* Fields of a socat address: its name, parameters and options. */
#define ADDR_FIELDS	(ADDR_OPTS_MAX + 8)

/*
 * The row of addr_socat[] that s starts with, its name ended by ':', ','
 * or the end (in any case), or -1.
 */
__startup int
addr_socat_row(const char *s)
{
	size_t	 i, n;

	/*
	 * Not strcspn(3): its SSE 4.2 code is a page an idle listener
	 * would map for this alone (t-footprint).
	 */
	for (n = 0; s[n] != '\0' && s[n] != ':' && s[n] != ','; n++)
		;
	for (i = 0; i < ADDR_NSOCAT; i++) {
		if (strlen(addr_socat[i].name) == n &&
		    strncasecmp(s, addr_socat[i].name, n) == 0)
			return ((int)i);
	}
	return (-1);
}

/*
 * Is s socat's stdin and stdout given as two ("-!!-", "stdin!!stdout"):
 * the one stdio address it is?
 */
__startup int
addr_dual_stdio(const char *s)
{
	const char	*bang;
	size_t		 n;

	if ((bang = strstr(s, "!!")) == NULL)
		return (0);
	n = bang - s;
	return (((n == 1 && s[0] == '-') || (n == 5 && (strncasecmp(s,
	    "stdin", 5) == 0 || strncasecmp(s, "stdio", 5) == 0))) &&
	    (strcmp(bang + 2, "-") == 0 || strcasecmp(bang + 2, "stdout") == 0 ||
	    strcasecmp(bang + 2, "stdio") == 0));
}

/*
 * socat's words in a->buf, in place: "..." and '...' quote (the quotes
 * go), '\' takes the byte after it as it is, [ ] ( ) { } nest, and a
 * ':' before the first ',' (parameters) or a ',' (options) ends a field
 * outside them.  field[0] is the name, then *nparam - 1 parameters, then
 * the options, *nfield in all.  A "!!" (socat's two addresses, one read
 * and one written) is refused.
 */
static int
addr_socat_lex(struct addr *a, char **field, size_t *nparam, size_t *nfield)
{
	char		*r = a->buf, *w = a->buf, quote = 0, nest[16];
	size_t		 depth = 0, n = 0, np = 0;
	int		 opts = 0;

	field[n++] = w;
	for (; *r != '\0'; r++) {
		if (quote != 0) {
			if (*r == quote) {
				quote = 0;
				continue;
			}
			if (*r == '\\' && quote == '"' && r[1] != '\0')
				r++;
			*w++ = *r;
			continue;
		}
		switch (*r) {
		case '"':
		case '\'':
			quote = *r;
			continue;
		case '\\':
			if (r[1] == '\0')
				return (addr_fail(a, "a '\\' at its end"));
			*w++ = *++r;
			continue;
		case '[':
		case '(':
		case '{':
			if (depth == sizeof(nest))
				return (addr_fail(a, "brackets nested too "
				    "deep"));
			nest[depth++] = *r == '[' ? ']' : *r == '(' ? ')' : '}';
			break;
		case ']':
		case ')':
		case '}':
			if (depth == 0 || nest[depth - 1] != *r)
				return (addr_fail(a, "a '%c' without its "
				    "opening", *r));
			depth--;
			break;
		case '!':
			if (r[1] == '!' && depth == 0)
				return (addr_fail(a, "socat's two addresses in "
				    "one (!!) are not supported"));
			break;
		case ':':
		case ',':
			if (depth > 0 || (*r == ':' && opts))
				break;
			if (n == ADDR_FIELDS)
				return (addr_fail(a, "more than %d options",
				    ADDR_OPTS_MAX));
			if (*r == ',' && !opts) {
				opts = 1;
				np = n;
			}
			*w++ = '\0';
			field[n++] = w;
			continue;
		}
		*w++ = *r;
	}
	if (quote != 0)
		return (addr_fail(a, "a %c without its end", quote));
	if (depth > 0)
		return (addr_fail(a, "a '%c' without its end",
		    nest[depth - 1]));
	*w = '\0';
	*nparam = opts ? np : n;
	*nfield = n;
	return (0);
}

/*
 * An address in socat's grammar (a->buf holds it), its name that of the
 * row r of addr_socat[]: its parameters as that row's form has them,
 * then its options.
 */
int
addr_socat_parse(struct addr *a, int r)
{
	char		*field[ADDR_FIELDS], *h;
	const char	*const *im;
	size_t		 np = 0, nf = 0, i, want;

	if (addr_socat_lex(a, field, &np, &nf) == -1)
		return (-1);
	a->socat = 1;
	a->kind = addr_socat[r].kind;
	a->family = addr_socat[r].family;
	a->listen = a->kind >= ADDR_TCP_L && a->kind <= ADDR_WS_L;
	switch (addr_socat[r].form) {
	case SF_HOSTPORT:
	case SF_PROXIED:
		want = addr_socat[r].form == SF_PROXIED ? 4 : 3;
		if (np != want)
			return (addr_fail(a, "%s takes %s:HOST:PORT", a->name,
			    want == 4 ? "PROXY" : ""));
		if (want == 4 && (a->proxy = addr_socat_host(a,
		    field[1])) == NULL)
			return (-1);
		if ((a->host = addr_socat_host(a, field[want - 2])) == NULL ||
		    addr_port(a, field[want - 1], 1) == -1)
			return (-1);
		a->port = field[want - 1];
		break;
	case SF_PORT:
		if (np != 2)
			return (addr_fail(a, "%s takes :PORT (bind= its "
			    "address)", a->name));
		if (addr_port(a, field[1], 0) == -1)
			return (-1);
		a->port = field[1];
		break;
	case SF_PATH:
	case SF_ABSTRACT:
	case SF_FILE:
	case SF_COMMAND:
		if (np < 2 || *field[1] == '\0')
			return (addr_fail(a, "%s takes :%s", a->name,
			    addr_socat[r].form == SF_COMMAND ? "COMMAND" :
			    "PATH"));
		/* Its colons are its own: the fields are joined again. */
		for (i = 2; i < np; i++)
			field[i][-1] = ':';
		a->path = field[1];
		if (addr_socat[r].form == SF_ABSTRACT) {
			snprintf(a->hostbuf, sizeof(a->hostbuf), "@%s",
			    field[1]);
			a->path = a->hostbuf;
		}
		if (addr_socat[r].form == SF_PATH && strcmp(a->path, "@") == 0)
			return (addr_fail(a, "missing socket pathname"));
		if (addr_socat[r].form != SF_FILE && addr_socat[r].form !=
		    SF_COMMAND && strlen(a->path) >=
		    sizeof(((struct sockaddr_un *)0)->sun_path))
			return (addr_fail(a, "socket pathname too long"));
		break;
	case SF_NONE:
		if (np != 1)
			return (addr_fail(a, "%s takes no parameters",
			    a->name));
		break;
	case SF_ECHO:
		/* socat's echo, a pipe to itself: cat gives the same bytes. */
		if (np != 1)
			return (addr_fail(a, "%s:PATH, a named pipe, is not "
			    "supported", a->name));
		a->path = "cat";
		break;
	}
	for (i = np; i < nf; i++) {
		/* socat passes over an empty option ("PORT,fork,"). */
		if (*field[i] != '\0' && addr_option(a, field[i]) == -1)
			return (-1);
	}
	/* What the name implies, unless its options say otherwise. */
	im = addr_socat[r].imply;
	for (i = 0; i < 4 && im[i] != NULL; i += 2) {
		if (addr_opt(a, im[i]) != NULL)
			continue;
		if (a->nopts == ADDR_OPTS_MAX)
			return (addr_fail(a, "more than %d options",
			    ADDR_OPTS_MAX));
		a->opts[a->nopts].name = im[i];
		a->opts[a->nopts].value = im[i + 1];
		a->nopts++;
	}
	if (a->kind == ADDR_PTY && (a->path = addr_opt(a, "link")) == NULL)
		return (addr_fail(a, "PTY without link=NAME: sockcat's pty "
		    "is reached by its link"));
	if (addr_finish(a) == -1)
		return (-1);
	if (addr_socat[r].form == SF_PROXIED && a->kind == ADDR_TCP) {
		/* socat's PROXY: tcp: through its HTTP proxy. */
		h = a->hostbuf;
		snprintf(h, sizeof(a->hostbuf), strchr(a->proxy, ':') != NULL ?
		    "[%s]:%s" : "%s:%s", a->proxy, addr_opt(a, "proxyport"));
		if (addr_opt(a, "proxy") != NULL || a->nopts == ADDR_OPTS_MAX)
			return (addr_fail(a, "option proxy given twice"));
		a->opts[a->nopts].name = "proxy";
		a->opts[a->nopts].value = h;
		a->nopts++;
		a->proxy = NULL;
	}
	return (0);
}
