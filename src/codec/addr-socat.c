/*
 * socat's addresses (TCP-LISTEN:PORT,fork, EXEC:"cmd", ...): its names for
 * our kinds, its quoting undone, read into the same struct addr as
 * addr.c's, options from the same rows.  Pure functions, shared with the
 * fuzz target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "addr-int.h"

/* What a socat name says beside its kind. */
#define AS_DGRAM	0x1	/* a Unix datagram socket */
#define AS_ANYPEER	0x2	/* a datagram listener of every peer */
#define AS_RECV		0x4	/* only read */
#define AS_DATAGRAM	0x8	/* sent to its address, every peer heard */
#define AS_EITHER	0x10	/* a Unix client of either type of socket */
#define AS_SENDTO	0x20	/* sent to its address, unconnected: no
				   peer's refusal is heard */
/* Options it has unless given: addr_socat_implied[]. */
#define AS_VERIFY	0x100	/* every name of a TLS kind */
#define AS_PROXY	0x200
#define AS_ARGV		0x400
#define AS_SHELL	0x800
#define AS_GOPEN	0x1000
#define AS_CREAT	0x2000
#define AS_ACCEPT	0x4000
#define AS_READLINE	0x8000

/*
 * socat's names (socat -hhh's, aliases included) that are a kind with a
 * form (AFORM_KIND: the kind's) or a meaning of their own: the kind each
 * one is (PIPE, socat's echo, runs cat) and what it says beside it.  Its
 * other names are its kinds' (addr-kinds.h).  socat's names for what
 * sockcat has no kind for are in no row: they are addr_socat_lacking()'s,
 * refused by name.
 */
static const struct {
	const char	*names;		/* space-separated */
	enum addr_kind	 kind;
	enum addr_form	 form;
	int		 flags;		/* AS_* */
} addr_socat[] = {
	{ "udp-sendto udp-send", ADDR_UDP, AFORM_KIND, AS_SENDTO },
	{ "udp-datagram udp-dgram", ADDR_UDP, AFORM_KIND, AS_DATAGRAM },
	{ "udp-recvfrom", ADDR_UDP_L, AFORM_KIND, AS_ANYPEER },
	{ "udp-recv", ADDR_UDP_L, AFORM_KIND, AS_ANYPEER | AS_RECV },
	{ "unix-client unix local", ADDR_UNIX, AFORM_KIND, AS_EITHER },
	{ "unix-sendto unix-send", ADDR_UNIX, AFORM_KIND, AS_DGRAM },
	{ "unix-recvfrom", ADDR_UNIX_L, AFORM_KIND, AS_DGRAM | AS_ANYPEER },
	{ "unix-recv", ADDR_UNIX_L, AFORM_KIND,
	    AS_DGRAM | AS_ANYPEER | AS_RECV },
	{ "abstract-connect abstract-client abstract", ADDR_UNIX,
	    AFORM_ABSTRACT, 0 },
	{ "abstract-listen", ADDR_UNIX_L, AFORM_ABSTRACT, 0 },
	{ "abstract-sendto", ADDR_UNIX, AFORM_ABSTRACT, AS_DGRAM },
	{ "abstract-recvfrom", ADDR_UNIX_L, AFORM_ABSTRACT,
	    AS_DGRAM | AS_ANYPEER },
	{ "abstract-recv", ADDR_UNIX_L, AFORM_ABSTRACT,
	    AS_DGRAM | AS_ANYPEER | AS_RECV },
	{ "socks5-connect", ADDR_SOCKS5, AFORM_SOCKS5, 0 },
	{ "proxy proxy-connect", ADDR_TCP, AFORM_PROXIED, AS_PROXY },
	{ "exec", ADDR_EXEC, AFORM_KIND, AS_ARGV },
	{ "shell", ADDR_EXEC, AFORM_KIND, AS_SHELL },
	{ "pipe echo fifo", ADDR_EXEC, AFORM_ECHO, 0 },
	{ "pty", ADDR_PTY, AFORM_NONE, 0 },
	{ "readline", ADDR_STDIO, AFORM_KIND, AS_READLINE },
	{ "gopen", ADDR_FILE, AFORM_KIND, AS_GOPEN },
	{ "create creat", ADDR_FILE, AFORM_KIND, AS_CREAT },
	{ "socket-connect", ADDR_TCP, AFORM_SOCKET, 0 },
	{ "socket-listen", ADDR_TCP_L, AFORM_SOCKET, 0 },
	{ "accept-fd", ADDR_TCP_L, AFORM_ACCEPT, AS_ACCEPT },
	{ "socket-sendto", ADDR_UDP, AFORM_SOCKET_DGRAM, 0 },
	{ "socket-datagram", ADDR_UDP, AFORM_SOCKET_DGRAM, AS_DATAGRAM },
	{ "socket-recvfrom", ADDR_UDP_L, AFORM_SOCKET_DGRAM, AS_ANYPEER },
	{ "socket-recv", ADDR_UDP_L, AFORM_SOCKET_DGRAM,
	    AS_ANYPEER | AS_RECV },
};
#define ADDR_NSOCAT	(sizeof(addr_socat) / sizeof(addr_socat[0]))

/*
 * The options a socat name implies, unless they are given: socat verifies
 * TLS peers unless told not to, CREATE creates and truncates, PROXY's
 * port is 8080.
 */
static const struct addr_socat_implied {
	int		 flag;		/* AS_* */
	const char	*name;
	const char	*value;
} addr_socat_implied[] = {
	{ AS_VERIFY,	"verify",	"1" },
	{ AS_PROXY,	"proxyport",	"8080" },
	{ AS_ARGV,	"argv",		"1" },
	{ AS_SHELL,	"shell",	"1" },
	{ AS_GOPEN,	"gopen",	"1" },
	{ AS_CREAT,	"creat",	"1" },
	{ AS_CREAT,	"trunc",	"1" },
	{ AS_ACCEPT,	"accept-fd",	"1" },
	{ AS_READLINE,	"readline",	"1" },
};

/*
 * socat's names (socat 1.8's, which has all of 1.7's) of what sockcat has
 * no kind for, and their 4 and 6 forms (udplite4-recv): refused by name,
 * never read as a path or a descriptor.
 */
static const char addr_socat_lacks[] =
    "accept datagram dccp dccp-connect dccp-l dccp-listen dgram if "
    "interface ip ip-datagram ip-dgram ip-recv ip-recvfrom ip-send "
    "ip-sendto posixmq-bidirectional posixmq-read posixmq-receive "
    "posixmq-recv posixmq-send sctp sctp-connect sctp-l sctp-listen "
    "sendto socketpair socks5-bind socks5-listen stderr tun udplite "
    "udplite-connect udplite-datagram udplite-dgram udplite-l "
    "udplite-listen udplite-recv udplite-recvfrom udplite-send "
    "udplite-sendto vsock-l vsock-listen";

/* The length of s's name as socat reads it: up to its first ':' or ','. */
__startup size_t
addr_socat_name_len(const char *s)
{
	size_t	 n;

	/*
	 * Not strcspn(3): its SSE 4.2 code is a page an idle listener
	 * would map for this alone (t-footprint).
	 */
	for (n = 0; s[n] != '\0' && s[n] != ':' && s[n] != ','; n++)
		;
	return (n);
}

/* Fields of a socat address: its name, parameters and options. */
#define ADDR_FIELDS	(ADDR_OPTS_MAX + 8)

/*
 * Is s's name (n bytes) in list (space-separated), or one with a 4 or 6
 * after a first word of families[] ("udp6-recv")?  Returns 0, 1, or the
 * family (4 or 6) it names.
 */
static __startup int
addr_socat_is(const char *list, const char *s, size_t n)
{
	static const char *const families[] = { "tcp", "udp", "inet", "ip",
	    "dccp", "sctp", "udplite" };
	const char	*name;
	size_t		 w, len, k;

	for (name = list; *name != '\0'; name += len + (name[len] == ' ')) {
		for (len = 0; name[len] != '\0' && name[len] != ' '; len++)
			;
		if (len == n && strncasecmp(s, name, n) == 0)
			return (1);
		for (w = 0; w < len && name[w] != '-'; w++)
			;
		if (len + 1 != n || (s[w] != '4' && s[w] != '6') ||
		    strncasecmp(s, name, w) != 0 ||
		    strncasecmp(s + w + 1, name + w, len - w) != 0)
			continue;
		for (k = 0; k < nitems(families); k++) {
			if (strlen(families[k]) == w &&
			    strncmp(name, families[k], w) == 0)
				return (s[w] - '0');
		}
	}
	return (0);
}

/* Is s's name socat's for what sockcat has no kind for (TUN, SCTP, ...)? */
__startup int
addr_socat_lacking(const char *s)
{
	return (addr_socat_is(addr_socat_lacks, s,
	    addr_socat_name_len(s)) != 0);
}

/* The names of row r (addr_socat_row()). */
static __startup const char *
addr_socat_names(size_t r)
{
	return (r < ADDR_NSOCAT ? addr_socat[r].names :
	    addr_desc(r - ADDR_NSOCAT)->socat);
}

/*
 * The row of s's name, any case: of addr_socat[], or from ADDR_NSOCAT on
 * a kind's; or -1.
 */
__startup int
addr_socat_row(const char *s)
{
	size_t	 i, n = addr_socat_name_len(s);

	for (i = 0; i < ADDR_NSOCAT + ADDR_NKINDS; i++) {
		if (addr_socat_is(addr_socat_names(i), s, n) != 0)
			return ((int)i);
	}
	return (-1);
}

/* The kind of socat's row r (addr_socat_row()). */
__startup enum addr_kind
addr_socat_kind(int r)
{
	return ((size_t)r < ADDR_NSOCAT ? addr_socat[r].kind :
	    (enum addr_kind)(r - ADDR_NSOCAT));
}

/* Is name (a kind's, as sockcat writes it) one of socat's names too? */
int
addr_socat_named(const char *name)
{
	return (addr_socat_row(name) != -1);
}

/* Is s socat's stdio written as two ("-!!-", "stdin!!stdout")? */
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
 * Read one byte of socat-quoted text at *r, *r moved past what it takes
 * ("...", '...', '\', brackets open until their own closer, as socat).
 * Returns the byte meant, | SCAN_FREE if no quote, '\' or bracket holds
 * it; or SCAN_QUOTE, SCAN_DEEP.
 */
int
addr_scan_byte(struct addr_scan *sc, const char **r)
{
	static const char	 brackets[] = "[](){}";
	const char		*close;
	int			 c = (unsigned char)*(*r)++;

	if (sc->quote != 0) {
		if (c == sc->quote) {
			sc->quote = 0;
			return (SCAN_QUOTE);
		}
		if (c == '\\' && sc->quote == '"' && **r != '\0')
			c = (unsigned char)*(*r)++;
		return (c);
	}
	if (c == '"' || c == '\'') {
		sc->quote = c;
		return (SCAN_QUOTE);
	}
	if (c == '\\' && **r != '\0')
		return ((unsigned char)*(*r)++);
	if ((close = strchr(brackets, c)) != NULL && c != '\0') {
		if ((close - brackets) % 2 == 0) {
			if (sc->depth == sizeof(sc->nest))
				return (SCAN_DEEP);
			sc->nest[sc->depth++] = close[1];
		} else if (sc->depth > 0 && sc->nest[sc->depth - 1] == c)
			sc->depth--;
	}
	return (sc->depth == 0 ? c | SCAN_FREE : c);
}

/*
 * Where s, in socat's grammar, has its "!!" outside quotes and brackets
 * (read from the address before, written to the one after), or -1.
 */
int
addr_socat_dual(const char *s)
{
	struct addr_scan	 sc = { .depth = 0 };
	const char		*r = s;
	int			 c;

	/* "-!!-" and its kin: stdio, one address. */
	if (addr_dual_stdio(s))
		return (-1);
	while (*r != '\0') {
		if ((c = addr_scan_byte(&sc, &r)) == SCAN_DEEP)
			return (-1);
		if (c == ('!' | SCAN_FREE) && *r == '!')
			return ((int)(r - 1 - s));
	}
	return (-1);
}

/*
 * Split socat's EXEC: command s into words in place, as socat does, up to
 * max - 1 in argv and a NULL.  Returns how many, or -1 if more or a quote
 * is open.
 */
int
addr_socat_words(char *s, char **argv, size_t max)
{
	struct addr_scan	 sc = { .depth = 0 };
	const char		*r = s;
	char			*w = s;
	size_t			 n = 0;
	int			 c, in = 0;

	/* Written where it was read, or before: w never passes r. */
	while (*r != '\0') {
		if ((c = addr_scan_byte(&sc, &r)) == SCAN_DEEP)
			return (-1);
		if (c == (' ' | SCAN_FREE) || c == ('\t' | SCAN_FREE)) {
			if (in)
				*w++ = '\0';
			in = 0;
			continue;
		}
		if (!in && n + 1 >= max)
			return (-1);
		if (!in)
			argv[n++] = w;
		in = 1;
		if (c != SCAN_QUOTE)
			*w++ = c & 0xff;
	}
	if (sc.quote != 0)
		return (-1);
	if (in)
		*w = '\0';
	argv[n] = NULL;
	return ((int)n);
}

/*
 * Split a->buf into socat's fields in place, quoting undone: field[0] the
 * name, *nparam - 1 parameters (':'), then options (','), *nfield in all.
 * Returns 0, or -1 with a->why ("!!" too).
 */
static int
addr_socat_lex(struct addr *a, char **field, size_t *nparam, size_t *nfield)
{
	struct addr_scan	 sc = { .depth = 0 };
	const char		*r = a->buf;
	char			*w = a->buf;
	size_t			 n = 0, np = 0;
	int			 c, opts = 0;

	field[n++] = w;
	while (*r != '\0') {
		if (sc.quote == 0 && r[0] == '\\' && r[1] == '\0')
			return (addr_fail(a, "a '\\' at its end"));
		if ((c = addr_scan_byte(&sc, &r)) == SCAN_DEEP)
			return (addr_fail(a, "brackets nested too deep"));
		if (c == ('!' | SCAN_FREE) && *r == '!')
			return (addr_fail(a, "socat's two addresses in one (!!) "
			    "are not supported"));
		if (c == (',' | SCAN_FREE) || (c == (':' | SCAN_FREE) &&
		    !opts)) {
			if (n == ADDR_FIELDS)
				return (addr_fail(a, "more than %d options",
				    ADDR_OPTS_MAX));
			if (c == (',' | SCAN_FREE) && !opts) {
				opts = 1;
				np = n;
			}
			*w++ = '\0';
			field[n++] = w;
		} else if (c != SCAN_QUOTE)
			*w++ = c & 0xff;
	}
	/* socat's words, which scripts and socat's own tests look for. */
	if (sc.quote != 0)
		return (addr_fail(a, "unexpected end of address: a %c without "
		    "its end", sc.quote));
	if (sc.depth > 0)
		return (addr_fail(a, "unexpected end of address: a '%c' "
		    "without its end", sc.nest[sc.depth - 1]));
	*w = '\0';
	*nparam = opts ? np : n;
	*nfield = n;
	return (0);
}

/*
 * Write socat's sockaddr data s of family 4 or 6 ("x1f90x7f000001...")
 * at *out, up to end, as HOST:PORT ("[V6]:PORT", ":PORT" for any) or
 * with mask the address; *out moved past it.  Returns 0, or -1.
 */
static int
addr_socat_data(const char *s, int family, int mask, char **out,
    const char *end)
{
	unsigned char	 b[32];
	char		 host[64];
	size_t		 n = 0, need = family == 4 ? 6 : 22;
	int		 any, hi, lo, w;

	while (*s != '\0') {
		if (*s == 'x' || *s == 'X') {
			s++;
			continue;
		}
		if (n == sizeof(b) || (hi = text_hex_value(s[0])) == -1 ||
		    (lo = text_hex_value(s[1])) == -1)
			return (-1);
		b[n++] = hi << 4 | lo;
		s += 2;
	}
	if (n < need)
		return (-1);
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, b + (family == 4 ?
	    2 : 6), host, sizeof(host)) == NULL)
		return (-1);
	any = strcmp(host, family == 4 ? "0.0.0.0" : "::") == 0;
	if (mask)
		w = snprintf(*out, end - *out, "%s", host);
	else
		w = snprintf(*out, end - *out, family == 6 && !any ?
		    "[%s]:%u" : "%s:%u", any ? "" : host, b[0] << 8 | b[1]);
	if (w < 0 || w >= end - *out)
		return (-1);
	*out += w + 1;
	return (0);
}

/*
 * Write socat's Unix sockaddr data s, quoted as its dalan reads it
 * ("\"/tmp/s\\0\""), at *out, up to end, as our path ("@NAME" if
 * abstract); *out moved past it.  Returns 0, or -1.
 */
static int
addr_socat_unix_data(const char *s, char **out, const char *end)
{
	char	*w = *out;
	int	 c, abstract = 0, ended = 0;

	if (*s++ != '"')
		return (-1);
	for (; *s != '"'; s++) {
		if ((c = *s) == '\\' && s[1] != '\0')
			c = *++s == '0' ? '\0' : *s;
		if (*s == '\0')
			return (-1);
		if (ended)
			continue;
		if (c == '\0' && w == *out && !abstract)
			abstract = 1;
		else if (c == '\0') {
			ended = 1;
			continue;
		}
		if (w + 2 >= end)
			return (-1);
		*w++ = c == '\0' ? '@' : c;
	}
	if (s[1] != '\0' || w - *out <= abstract)
		return (-1);
	*w++ = '\0';
	*out = w;
	return (0);
}

/*
 * Read a SOCKET-CONNECT: or SOCKET-LISTEN: of a Unix stream, address
 * data, as UNIX-CONNECT: or UNIX-LISTEN:, bind= too.  Returns 0, or -1
 * with a->why.
 */
static int
addr_socat_generic_unix(struct addr *a, const char *data)
{
	const char	*end = a->hostbuf + sizeof(a->hostbuf), *v;
	char		*out = a->hostbuf;
	size_t		 i;

	a->path = out;
	if (addr_socat_unix_data(data, &out, end) == -1)
		return (addr_fail(a, "%s: an address of a quoted path "
		    "(\"PATH\\0\") expected", a->name));
	a->kind = a->listen ? ADDR_UNIX_L : ADDR_UNIX;
	a->family = 0;
	for (i = 0; i < a->nopts; i++) {
		v = a->opts[i].value;
		if (strcmp(a->opts[i].name, "bind") != 0)
			continue;
		a->opts[i].value = out;
		if (addr_socat_unix_data(v, &out, end) == -1)
			return (addr_fail(a, "option bind: a quoted path "
			    "expected"));
	}
	return (0);
}

/*
 * Read socat's SOCKET-*: (np fields) as TCP:, UDP-SENDTO:, ... if TCP or
 * UDP over IPv4 or IPv6, or as UNIX-CONNECT: if a Unix stream; its data,
 * bind= and range= as text in a->hostbuf.  Returns 0, or -1 with a->why.
 */
static int
addr_socat_generic(struct addr *a, char **field, size_t np, int dgram)
{
	const char	*v, *end = a->hostbuf + sizeof(a->hostbuf);
	char		*out = a->hostbuf, *colon, *p, *sep;
	char		 tmp[ADDR_MAX + 1];
	size_t		 i;
	int		 domain, type, proto;

	if (np != (dgram ? 5U : 4U))
		return (addr_fail(a, "%s takes :DOMAIN:%sPROTOCOL:ADDRESS",
		    a->name, dgram ? "TYPE:" : ""));
	domain = atoi(field[1]);
	type = dgram ? atoi(field[2]) : 1;
	proto = atoi(field[dgram ? 3 : 2]);
	if (domain == 1 && !dgram && proto == 0)
		return (addr_socat_generic_unix(a, field[np - 1]));
	if ((domain != 2 && domain != 10) || type != (dgram ? 2 : 1) ||
	    (proto != 0 && proto != (dgram ? 17 : 6)))
		return (addr_fail(a, "%s: only TCP and UDP sockets of IPv4 "
		    "(2) or IPv6 (10), and Unix (1) streams are supported",
		    a->name));
	a->family = domain == 2 ? 4 : 6;
	if (addr_socat_data(field[np - 1], a->family, 0, &out, end) == -1)
		return (addr_fail(a, "%s: an address of %s data (x and hex "
		    "digits) expected", a->name, domain == 2 ? "sockaddr_in" :
		    "sockaddr_in6"));
	p = a->hostbuf;
	colon = strrchr(p, ':');
	*colon = '\0';
	a->port = colon + 1;
	if (*p == '[') {
		p++;
		p[strlen(p) - 1] = '\0';
	}
	a->host = *p != '\0' ? p : NULL;
	if (!a->listen && a->host == NULL)
		return (addr_fail(a, "%s: no address to send to", a->name));
	if (addr_port(a, a->port, a->listen ? 0 : 1) == -1)
		return (-1);
	/* Its options' bind= and range= in the same data, as text. */
	for (i = 0; i < a->nopts; i++) {
		v = a->opts[i].value;
		if (strcmp(a->opts[i].name, "bind") == 0) {
			a->opts[i].value = out;
			if (addr_socat_data(v, a->family, 0, &out, end) == -1)
				return (addr_fail(a, "option bind: an address "
				    "of data expected"));
		} else if (strcmp(a->opts[i].name, "range") == 0) {
			/* v is an option's: it fits, as the address did. */
			strlcpy(tmp, v, sizeof(tmp));
			if ((sep = strchr(tmp, ':')) == NULL)
				goto range;
			*sep = '\0';
			a->opts[i].value = out;
			if (addr_socat_data(tmp, a->family, 1, &out, end) == -1)
				goto range;
			out[-1] = ':';
			if (addr_socat_data(sep + 1, a->family, 1, &out,
			    end) == -1)
				goto range;
		}
	}
	return (0);

range:
	return (addr_fail(a, "option range: ADDR:MASK of data expected"));
}

/*
 * Read a socat address's np parameters (field[1] on) into a as form says.
 * Returns 0, or -1 with a->why.
 */
static int
addr_socat_params(struct addr *a, enum addr_form form, char **field,
    size_t np)
{
	size_t		 i, want;

	switch (form) {
	case AFORM_HOSTPORT:
	case AFORM_PROXIED:
	case AFORM_SOCKS5:
		want = form == AFORM_HOSTPORT ? 3 : 4;
		/* SOCKS5-CONNECT:PROXY:PROXYPORT:HOST:PORT, socksport='s. */
		if (form == AFORM_SOCKS5 && np == 5) {
			if (addr_port(a, field[2], 1) == -1 ||
			    addr_opt_add(a, "socksport", field[2]) == -1)
				return (-1);
			field[2] = field[1];
			field++;
			np--;
		}
		if (np != want)
			return (addr_fail(a, "%s takes %s:HOST:PORT", a->name,
			    form == AFORM_SOCKS5 ? "PROXY[:PROXYPORT]" :
			    want == 4 ? "PROXY" : ""));
		if (want == 4 && (a->proxy = addr_socat_host(a,
		    field[1])) == NULL)
			return (-1);
		if ((a->host = addr_socat_host(a, field[want - 2])) == NULL ||
		    addr_port(a, field[want - 1], 1) == -1)
			return (-1);
		a->port = field[want - 1];
		return (0);
	case AFORM_PORT:
		if (np != 2)
			return (addr_fail(a, "%s takes :PORT (bind= its "
			    "address)", a->name));
		if (addr_port(a, field[1], 0) == -1)
			return (-1);
		a->port = field[1];
		return (0);
	case AFORM_PATH:
	case AFORM_ABSTRACT:
	case AFORM_FILE:
	case AFORM_COMMAND:
		if (np < 2 || *field[1] == '\0')
			return (addr_fail(a, "%s takes :%s", a->name,
			    form == AFORM_COMMAND ? "COMMAND" : "PATH"));
		/* Its colons are its own: the fields are joined again. */
		for (i = 2; i < np; i++)
			field[i][-1] = ':';
		a->path = field[1];
		if (form == AFORM_ABSTRACT) {
			snprintf(a->hostbuf, sizeof(a->hostbuf), "@%s",
			    field[1]);
			a->path = a->hostbuf;
		}
		if (form == AFORM_PATH && strcmp(a->path, "@") == 0)
			return (addr_fail(a, "missing socket pathname"));
		if (form != AFORM_FILE && form != AFORM_COMMAND &&
		    strlen(a->path) >=
		    sizeof(((struct sockaddr_un *)0)->sun_path))
			return (addr_fail(a, "socket pathname too long"));
		return (0);
	case AFORM_NONE:
		if (np != 1)
			return (addr_fail(a, "%s takes no parameters",
			    a->name));
		return (0);
	case AFORM_ECHO:
		/*
		 * socat's echo, a pipe to itself: cat gives the same bytes;
		 * where no socket is joined, a pipe of ours.
		 */
		if (np == 1) {
			a->path = "cat";
			return (addr_opt_add(a, "loop", "1"));
		}
		/* PIPE:PATH: a named pipe, made unless it is there. */
		for (i = 2; i < np; i++)
			field[i][-1] = ':';
		if (*field[1] == '\0')
			return (addr_fail(a, "%s takes :PATH", a->name));
		a->kind = ADDR_FILE;
		a->path = field[1];
		return (addr_opt_add(a, "fifo", "1"));
	case AFORM_FD:
	case AFORM_ACCEPT:
		if (np != 2 || field[1][0] == '\0' ||
		    !addr_decimal(field[1], 9, 0, 999999999))
			return (addr_fail(a, "%s takes :N, a descriptor's "
			    "number", a->name));
		a->path = field[1];
		return (0);
	default:
		/* SOCKET-*: read with its options (addr_socat_generic()). */
		return (0);
	}
}

/*
 * Read a->buf, socat's address of row r (addr_socat_row()): parameters,
 * options, what the name implies.  Returns 0, or -1 with a->why.
 */
int
addr_socat_parse(struct addr *a, int r)
{
	char		*field[ADDR_FIELDS], *h;
	const struct addr_socat_implied *im;
	const struct addr_desc *d;
	enum addr_form	 form = AFORM_KIND;
	size_t		 np = 0, nf = 0, i;
	int		 flags = 0;

	a->kind = addr_socat_kind(r);
	if ((size_t)r < ADDR_NSOCAT) {
		form = addr_socat[r].form;
		flags = addr_socat[r].flags;
	}
	d = addr_desc(a->kind);
	if (form == AFORM_KIND)
		form = d->form;
	if (d->is & KIND_TLS)
		flags |= AS_VERIFY;
	a->family = addr_socat_is(addr_socat_names(r), a->buf,
	    addr_socat_name_len(a->buf));
	if (a->family == 1)
		a->family = 0;
	if (addr_socat_lex(a, field, &np, &nf) == -1)
		return (-1);
	a->socat = 1;
	a->dgram = (flags & AS_DGRAM) != 0;
	a->anypeer = (flags & AS_ANYPEER) != 0;
	a->recv_only = (flags & AS_RECV) != 0;
	a->datagram = (flags & AS_DATAGRAM) != 0;
	a->either = (flags & AS_EITHER) != 0;
	a->sendto = (flags & AS_SENDTO) != 0;
	a->listen = (d->is & KIND_LISTEN) != 0;
	if (addr_socat_params(a, form, field, np) == -1)
		return (-1);
	for (i = np; i < nf; i++) {
		/* socat passes over an empty one (",,", a ',' at the end). */
		if (*field[i] == '\0')
			continue;
		if (addr_option(a, field[i]) == -1)
			return (-1);
	}
	if ((form == AFORM_SOCKET || form == AFORM_SOCKET_DGRAM) &&
	    addr_socat_generic(a, field, np, form == AFORM_SOCKET_DGRAM) == -1)
		return (-1);
	/* What the name implies, unless its options say otherwise. */
	for (i = 0; i < nitems(addr_socat_implied); i++) {
		im = &addr_socat_implied[i];
		if ((flags & im->flag) && addr_opt(a, im->name) == NULL &&
		    addr_opt_add(a, im->name, im->value) == -1)
			return (-1);
	}
	/* A PTY is reached by its link, or without one by its name said. */
	if (a->kind == ADDR_PTY)
		a->path = addr_opt(a, "link");
	if (addr_finish(a) == -1)
		return (-1);
	if (form == AFORM_PROXIED && a->kind == ADDR_TCP) {
		/* socat's PROXY: tcp: through its HTTP proxy. */
		h = a->hostbuf;
		snprintf(h, sizeof(a->hostbuf), strchr(a->proxy, ':') != NULL ?
		    "[%s]:%s" : "%s:%s", a->proxy, addr_opt(a, "proxyport"));
		if (addr_opt(a, "proxy") != NULL)
			return (addr_fail(a, "option proxy given twice"));
		if (addr_opt_add(a, "proxy", h) == -1)
			return (-1);
		a->proxy = NULL;
	}
	return (0);
}
