/*
 * Addresses (tcp:HOST:PORT, exec:COMMAND, ws://HOST/PATH, ...), the one
 * grammar for every endpoint, and socat's (addr-socat.c), parsed into a
 * struct addr that owns its strings; a kind is a row of addr-kinds.h.
 * Pure functions, shared with the fuzz target: services and hosts are
 * the caller's to look up.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/un.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "addr-int.h"

/* The kinds (addr-kinds.h), by enum addr_kind. */
static const struct addr_desc addr_kinds[] = {
#define KIND(name, ours, form, is, side, proxy, socat) \
	[ADDR_##name] = { ours, form, is, KIND_SIDE_##side(name), proxy, \
	    socat },
#include "addr-kinds.h"
#undef KIND
};

/* websocat's schemes that are ours by another name. */
static const struct {
	const char	*scheme;
	const char	*ours;
} addr_websocat[] = {
	{ "mirror",	"exec:cat" },
	{ "cmd",	"exec:" },
	{ "sh-c",	"exec:" },
	{ "ws-listen",	"ws-l:" },
	{ "l-ws",	"ws-l:" },
};

#ifdef SC_DEBUG
/* How many addresses addr_parse() read: a test counts them. */
static unsigned long	 addr_parses;

unsigned long
addr_parse_count(void)
{
	return (addr_parses);
}
#endif

/* What a host with a ':' and no brackets (or stray ones) is told. */
static const char addr_brackets[] =
    "an IPv6 address needs brackets: [addr]:port";

/* Say what is wrong in a->why, one line (controls as '?').  Returns -1. */
int __attribute__((format(printf, 2, 3)))
addr_fail(struct addr *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
	for (p = a->why; *p != '\0'; p++) {
		if (iscntrl((unsigned char)*p))
			*p = '?';
	}
	return (-1);
}

/*
 * Name a->buf's nameless socat address as socat does: FD: for a number,
 * GOPEN: for a '/' in the name's place.  Returns 0, or -1 with a->why.
 */
static int
addr_socat_bare(struct addr *a)
{
	size_t	 n = strcspn(a->buf, ","), len = strlen(a->buf);
	const char *name;

	if (n > 0 && strspn(a->buf, "0123456789") == n)
		name = "FD:";
	else if (memchr(a->buf, '/', addr_socat_name_len(a->buf)) != NULL)
		name = "GOPEN:";
	else
		return (0);
	if (len + strlen(name) > ADDR_MAX)
		return (addr_fail(a, "longer than %d bytes", ADDR_MAX));
	memmove(a->buf + strlen(name), a->buf, len + 1);
	memcpy(a->buf, name, strlen(name));
	return (0);
}

/* The length of s's scheme, if it starts with one and a ':'; else 0. */
static __startup size_t
addr_scheme_len(const char *s)
{
	size_t	 i;

	if (!isalpha((unsigned char)s[0]))
		return (0);
	for (i = 1; isalnum((unsigned char)s[i]) || s[i] == '-'; i++)
		;
	return (s[i] == ':' ? i : 0);
}

/* The kind whose scheme s starts with (n bytes, any case), or -1. */
static int
addr_scheme_kind(const char *s, size_t n)
{
	int	 k;

	for (k = 0; n > 0 && k < ADDR_NKINDS; k++) {
		if (strlen(addr_kinds[k].ours) == n &&
		    strncasecmp(s, addr_kinds[k].ours, n) == 0)
			return (k);
	}
	return (-1);
}

/* The row of kind k. */
__startup const struct addr_desc *
addr_desc(enum addr_kind k)
{
	return (&addr_kinds[k]);
}

/* Is s "-", or an address of a kind we know, by our name or socat's? */
int
addr_is(const char *s)
{
	size_t	 n;

	if (strcmp(s, "-") == 0 || addr_socat_row(s) != -1 ||
	    addr_dual_stdio(s))
		return (1);
	return ((n = addr_scheme_len(s)) > 0 && addr_scheme_kind(s, n) != -1);
}

/*
 * What the kind s is written as is (KIND_*), by our name or socat's,
 * without reading the rest of it; 0 for none.
 */
__startup int
addr_kind_is(const char *s)
{
	size_t	 n;
	int	 k;

	if ((n = addr_scheme_len(s)) > 0 && (k = addr_scheme_kind(s, n)) != -1)
		return (addr_kinds[k].is);
	if ((k = addr_socat_row(s)) != -1)
		return (addr_kinds[addr_socat_kind(k)].is);
	return (0);
}

/* Does s look like an address, one with any scheme at all, or "-"? */
__startup int
addr_looks(const char *s)
{
	/*
	 * Every name of ours and socat's begins with a letter: a host or a
	 * port ("127.0.0.1", "80") is none, and no table is looked at.
	 */
	if (!isalpha((unsigned char)s[0]) && s[0] != '-')
		return (0);
	return (strcmp(s, "-") == 0 || addr_scheme_len(s) > 0 ||
	    addr_socat_row(s) != -1 || addr_dual_stdio(s));
}

/*
 * The end of the option at p: its ',' outside socat's quotes and brackets
 * (as addr_socat_lex() splits), or NUL; brackets nested too deep, NUL.
 */
static const char *
addr_option_end(const char *p)
{
	struct addr_scan	 sc = { .depth = 0 };
	int			 c;

	while (*p != '\0') {
		if ((c = addr_scan_byte(&sc, &p)) == SCAN_DEEP)
			return (p + strlen(p));
		if (c == (',' | SCAN_FREE))
			return (p - 1);
	}
	return (p);
}

/*
 * Blank in to (s's copy) the values of s's secret options, split at each
 * ',' or, if quoted, as socat splits them.
 */
static void
addr_hide_options(const char *s, char *to, int quoted)
{
	const char	*p, *end, *eq, *colon;
	int		 how;

	for (p = s;; p = end + 1) {
		end = quoted ? addr_option_end(p) : p + strcspn(p, ",");
		if ((eq = memchr(p, '=', end - p)) != NULL &&
		    (how = addr_opt_hides(p, eq - p)) != ADDR_HIDE_NONE) {
			colon = memchr(eq + 1, ':', end - eq - 1);
			if (how == ADDR_HIDE_ALL)
				memset(to + (eq + 1 - s), '*', end - eq - 1);
			else if (colon != NULL)
				memset(to + (colon + 1 - s), '*',
				    end - colon - 1);
		}
		if (*end == '\0')
			break;
	}
}

/*
 * Blank in to (s's copy) each URL's password, its first ':' to its
 * authority's last '@' (a password may hold either), and its ?token=.
 */
static void
addr_hide_urls(const char *s, char *to)
{
	const char	*p, *at, *colon, *q, *next;
	size_t		 n;

	for (p = strstr(s, "://"); p != NULL; p = next) {
		p += 3;
		next = strstr(p, "://");
		n = strcspn(p, "/?#");
		if ((at = memrchr(p, '@', n)) != NULL &&
		    (colon = memchr(p, ':', at - p)) != NULL)
			memset(to + (colon + 1 - s), '*', at - colon - 1);
		/* The query: after a '?', before a '#' and the next URL. */
		q = p + n + strcspn(p + n, "?#");
		if (*q != '?' || (next != NULL && q > next))
			continue;
		for (q++; *q != '\0' && *q != '#' && *q != ','; q += n) {
			n = strcspn(q, "&#,");
			if (n > 6 && strncasecmp(q, "token=", 6) == 0)
				memset(to + (q + 6 - s), '*', n - 6);
			if (q[n] == '&')
				n++;
		}
	}
}

/*
 * Overwrite with '*', in place, every secret in any text s (an address in
 * either grammar, a URL): secret options' values, proxyauth='s password,
 * URLs' passwords and ?token=.  Short of memory, all of s.
 */
void
addr_hide_secret(char *s)
{
	char	*orig;
	size_t	 len = strlen(s);

	if ((orig = strdup(s)) == NULL) {
		/* Nothing to read it from: all of it, not a secret less. */
		memset(s, '*', len);
		return;
	}
	addr_hide_urls(orig, s);
	addr_hide_options(orig, s, 0);
	addr_hide_options(orig, s, 1);
	explicit_bzero(orig, len);
	free(orig);
}

/* The value of a's option name: "1" for a flag; NULL if not given. */
const char *
addr_opt(const struct addr *a, const char *name)
{
	size_t	 i;

	for (i = 0; i < a->nopts; i++) {
		if (strcmp(a->opts[i].name, name) == 0)
			return (a->opts[i].value);
	}
	return (NULL);
}

/*
 * Check port s: lo to 65535, or a service name for the caller to look up.
 * Returns 0, or -1 with a->why (netcat's words).
 */
int
addr_port(struct addr *a, const char *s, int lo)
{
	const char	*e;
	size_t		 i;
	int		 letter = 0;

	if (*s == '\0')
		return (addr_fail(a, "missing port number"));
	if (s[strspn(s, "0123456789")] == '\0') {
		(void)strtonum(s, lo, 65535, &e);
		if (e != NULL)
			return (addr_fail(a, "port number %s: %.32s", e, s));
		return (0);
	}
	if (isdigit((unsigned char)s[0]) && strchr(s, '-') != NULL)
		return (addr_fail(a, "a %s has one port, not a range",
		    a->listen ? "listener" : "target"));
	for (i = 0; s[i] != '\0'; i++) {
		if (isalpha((unsigned char)s[i]))
			letter = 1;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			break;
	}
	if (s[i] != '\0' || !letter || i > 32)
		return (addr_fail(a, "port number invalid: %.32s", s));
	return (0);
}

/*
 * Split s, "HOST:PORT", "[V6]:PORT" or with hostopt "PORT", in place into
 * *host (NULL if absent) and *port, port checked from lo.  Returns 0, or
 * -1 with a->why.
 */
int
addr_hostport(struct addr *a, char *s, int hostopt, int lo, char **host,
    char **port)
{
	char	*colon, *h;

	*host = *port = NULL;
	if (hostopt && *s != '[' && strchr(s, ':') == NULL) {
		*port = s;
		return (addr_port(a, s, lo));
	}
	if ((colon = strrchr(s, ':')) == NULL)
		return (addr_fail(a, "missing port number"));
	*colon = '\0';
	h = s;
	if (*h == '[') {
		if (colon - h < 2 || colon[-1] != ']')
			return (addr_fail(a, "%s", addr_brackets));
		colon[-1] = '\0';
		h++;
		if (strpbrk(h, "[]") != NULL)
			return (addr_fail(a, "%s", addr_brackets));
	} else if (strpbrk(h, ":]") != NULL) {
		/* An IPv6 address has two colons at least; "h:80:x" one. */
		if (strchr(h, ':') == strrchr(h, ':') && strchr(h, ']') == NULL)
			return (addr_fail(a, "too many fields: HOST:PORT, an "
			    "IPv6 address in brackets"));
		return (addr_fail(a, "%s", addr_brackets));
	}
	if (*h == '\0')
		return (addr_fail(a, "missing host"));
	*host = h;
	*port = colon + 1;
	return (addr_port(a, *port, lo));
}

/*
 * Read s, a ws:// or wss:// URL after its "//", into a->host (no
 * brackets) and a->port (the scheme's if absent), copied in a->hostbuf.
 * Returns 0, or -1 with a->why.
 */
static int
addr_url(struct addr *a, const char *s)
{
	const char	*at;
	char		*h, *p, *hb = a->hostbuf;
	size_t		 n;

	n = strcspn(s, "/?#,");
	if ((at = memrchr(s, '@', n)) != NULL) {
		n -= at + 1 - s;
		s = at + 1;
	}
	if (n == 0)
		return (addr_fail(a, "missing host"));
	memcpy(hb, s, n);
	hb[n] = '\0';
	a->port = a->kind == ADDR_WSS ? "443" : "80";
	if (hb[0] == '[' && hb[n - 1] == ']')
		return ((a->host = addr_socat_host(a, hb)) == NULL ? -1 : 0);
	if (hb[0] != '[' && strpbrk(hb, ":]") == NULL) {
		a->host = hb;
		return (0);
	}
	if (addr_hostport(a, hb, 0, 1, &h, &p) == -1)
		return (-1);
	a->host = h;
	a->port = p;
	return (0);
}

/*
 * Point a->proxy at the "PROXY:" or "[V6]:" starting s, ended in place.
 * Returns what follows, HOST:PORT, or NULL with a->why.
 */
static char *
addr_proxy(struct addr *a, char *s)
{
	char	*end, *rest;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':' ||
		    end == s + 1) {
			addr_fail(a, "%s", addr_brackets);
			return (NULL);
		}
		*end = '\0';
		a->proxy = s + 1;
		rest = end + 2;
	} else if ((end = strchr(s, ':')) == NULL || end == s) {
		addr_fail(a, "missing proxy: PROXY:HOST:PORT");
		return (NULL);
	} else {
		*end = '\0';
		a->proxy = s;
		rest = end + 1;
	}
	/* A field more: the proxy's port, or an IPv6 host without brackets. */
	if (*rest != '[' && (end = strchr(rest, ':')) != NULL &&
	    strchr(end + 1, ':') != NULL) {
		addr_fail(a, "too many fields: PROXY:HOST:PORT (the proxy's "
		    "port is socksport=, an IPv6 host in brackets)");
		return (NULL);
	}
	return (rest);
}

/*
 * Check host h as socat writes it ("[V6]", a name, IPv4), brackets taken
 * off in place.  Returns it, or NULL with a->why.
 */
char *
addr_socat_host(struct addr *a, char *h)
{
	size_t	 n = strlen(h);
	int	 br = n >= 2 && h[0] == '[' && h[n - 1] == ']';

	if (br) {
		h[n - 1] = '\0';
		h++;
	}
	if (strpbrk(h, br ? "[]" : "[]:") != NULL || (br && *h == '\0')) {
		addr_fail(a, "%s", addr_brackets);
		return (NULL);
	}
	if (*h == '\0') {
		addr_fail(a, "missing host");
		return (NULL);
	}
	return (h);
}

/*
 * Apply the options of the address as a whole, either grammar: pf=,
 * bind=, sourceport=, PROXY:'s.  Returns 0, or -1 with a->why.
 */
int
addr_finish(struct addr *a)
{
	static const char *const proxy_opts[] = { "proxyport",
	    "proxy-resolve", "proxyauth", "proxyauthfile" };
	const char	*v;
	char		*h, *p, *b = a->srcbuf;
	size_t		 i, n;

	if ((v = addr_opt(a, "pf")) != NULL) {
		if (a->family != 0 && a->family != *v - '0')
			return (addr_fail(a, "pf=ip%s and a %s: address", v,
			    a->name));
		a->family = *v - '0';
	}
	for (i = 0; i < nitems(proxy_opts); i++) {
		if (addr_opt(a, proxy_opts[i]) != NULL && (a->proxy == NULL ||
		    a->kind != ADDR_TCP))
			return (addr_fail(a, "option %s is a PROXY: address's",
			    strcmp(proxy_opts[i], "proxyauthfile") == 0 ?
			    "proxyauth" : proxy_opts[i]));
	}
	if ((v = addr_opt(a, "proxyauth")) != NULL && strchr(v, ':') == NULL)
		return (addr_fail(a, "option proxyauth takes USER:PASSWORD"));
	if (v != NULL && addr_opt(a, "proxyauthfile") != NULL)
		return (addr_fail(a, "options proxyauth and proxyauthfile: "
		    "one of them"));
	/* As socat, a Unix client's unlink-early is its bind='s. */
	if (a->kind == ADDR_UNIX && addr_opt(a, "unlink-early") != NULL &&
	    addr_opt(a, "bind") == NULL)
		return (addr_fail(a, "option unlink-early of a %s: address "
		    "is for its bind=: give one", a->name));
	if ((v = addr_opt(a, "bind")) != NULL && a->kind == ADDR_UNIX) {
		/*
		 * A Unix client's own socket: a datagram client's answers'
		 * path, the name a stream client's peer sees.
		 */
		if (strlen(v) + 1 >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return (addr_fail(a, "option bind: socket pathname too "
			    "long"));
		/* An abstract socket's is an abstract name too. */
		snprintf(b, ADDR_SRC_MAX + 1, "%s%s", a->path != NULL &&
		    a->path[0] == '@' ? "@" : "", v);
		a->src = b;
	} else if (v != NULL) {
		if ((n = strlen(v)) > ADDR_SRC_MAX)
			return (addr_fail(a, "option bind: too long"));
		memcpy(b, v, n + 1);
		p = NULL;
		if (*b == '[') {
			if ((h = strchr(b, ']')) == NULL)
				return (addr_fail(a, "%s", addr_brackets));
			if (h[1] == ':')
				p = h + 2;
			else if (h[1] != '\0')
				return (addr_fail(a, "%s", addr_brackets));
			h[1] = '\0';
		} else if ((h = strchr(b, ':')) != NULL &&
		    strchr(h + 1, ':') == NULL) {
			*h = '\0';
			p = h + 1;
		}
		if (*b == '[' && (b = addr_socat_host(a, b)) == NULL)
			return (-1);
		if (p != NULL && addr_port(a, p, 0) == -1)
			return (-1);
		if (a->listen) {
			if (p != NULL)
				return (addr_fail(a, "option bind of a "
				    "listener is its address, not a port"));
			if (a->host != NULL)
				return (addr_fail(a, "a listener's address "
				    "given twice (bind=)"));
			a->host = *b != '\0' ? b : NULL;
		} else {
			a->src = *b != '\0' ? b : NULL;
			a->srcport = p;
		}
	}
	/* A listener's sourceport= is the port its clients come from. */
	if ((v = addr_opt(a, "sourceport")) != NULL && !a->listen) {
		if (a->srcport != NULL)
			return (addr_fail(a, "a source port given twice "
			    "(bind=, sourceport=)"));
		a->srcport = v;
	}
	return (0);
}

/*
 * Take a serial speed, the first option at *comma if a number, leaving
 * *comma at the next or NULL; the system's speeds are the caller's.
 * Returns 0, or -1 with a->why.
 */
static int
addr_speed(struct addr *a, char **comma)
{
	const char	*e;
	char		*s = *comma, *next;

	if (s == NULL || !isdigit((unsigned char)*s))
		return (0);
	if ((next = strchr(s, ',')) != NULL)
		*next++ = '\0';
	(void)strtonum(s, 1, ADDR_SPEED_MAX, &e);
	if (s[strspn(s, "0123456789")] != '\0' || e != NULL)
		return (addr_fail(a, "speed %.32s: not a number of bits per "
		    "second from 1 to %d", s, ADDR_SPEED_MAX));
	a->speed = s;
	*comma = next;
	return (0);
}

/* Say a->buf's scheme (n bytes) is unknown, naming ours.  Returns -1. */
static int
addr_unknown(struct addr *a, size_t n)
{
	char	 list[200] = "", ws[64] = "";
	size_t	 i;

	for (i = 0; i < ADDR_NKINDS; i++) {
		if (addr_kinds[i].form == AFORM_NONE ||
		    *addr_kinds[i].ours == '\0')
			continue;
		strlcat(list, " ", sizeof(list));
		strlcat(list, addr_kinds[i].ours, sizeof(list));
		strlcat(list, addr_kinds[i].form == AFORM_URL ? "://" : ":",
		    sizeof(list));
	}
	for (i = 0; i < nitems(addr_websocat); i++) {
		if (strlen(addr_websocat[i].scheme) == n &&
		    strncasecmp(a->buf, addr_websocat[i].scheme, n) == 0)
			snprintf(ws, sizeof(ws), " (websocat's %s: is %s here)",
			    addr_websocat[i].scheme, addr_websocat[i].ours);
	}
	return (addr_fail(a, "unknown scheme %.*s:%s; the schemes are%s, - "
	    "and socat's names", (int)n, a->buf, ws, list));
}

/* Has s a capital letter in its first n bytes? */
static int
addr_has_upper(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (isupper((unsigned char)s[i]))
			return (1);
	}
	return (0);
}

/* Is s one of socat's names with a capital, as socat's manual writes it? */
__startup int
addr_socat_written(const char *s)
{
	return (addr_socat_row(s) != -1 &&
	    addr_has_upper(s, addr_socat_name_len(s)));
}

/* The first n bytes of a->buf, its name, in capitals in a->namebuf. */
static void
addr_upper_name(struct addr *a, size_t n)
{
	size_t	 i;

	snprintf(a->namebuf, sizeof(a->namebuf), "%.*s", (int)n, a->buf);
	for (i = 0; a->namebuf[i] != '\0'; i++)
		a->namebuf[i] = toupper((unsigned char)a->namebuf[i]);
}

/*
 * Read a->buf in sockcat's grammar, its scheme (n bytes) being kind k.
 * Returns 0, or -1 with a->why.
 */
static int
addr_parse_ours(struct addr *a, int k, size_t n)
{
	enum addr_form	 form = addr_kinds[k].form;
	char		*rest = a->buf + n + 1, *comma, *h, *p;

	a->kind = k;
	a->listen = (addr_kinds[k].is & KIND_LISTEN) != 0;
	a->name = addr_kinds[k].ours;
	if (form == AFORM_COMMAND) {
		if (*rest == '\0')
			return (addr_fail(a, "missing command"));
		a->path = rest;
		return (0);
	}
	if (form == AFORM_URL && strncmp(rest, "//", 2) != 0)
		return (addr_fail(a, "a URL is %s://HOST[:PORT][/PATH]",
		    a->name));
	if ((comma = strchr(rest, ',')) != NULL)
		*comma++ = '\0';
	switch (form) {
	case AFORM_URL:
		/* The scheme as the client reads it: lower case. */
		for (n = 0; a->buf[n] != ':'; n++)
			a->buf[n] = tolower((unsigned char)a->buf[n]);
		a->url = a->buf;
		if (addr_url(a, rest + 2) == -1)
			return (-1);
		break;
	case AFORM_HOSTPORT:
	case AFORM_PORT:
	case AFORM_PROXIED:
		/* A proxy's host, then HOST:PORT as tcp: has them. */
		if (form == AFORM_PROXIED && (rest = addr_proxy(a, rest)) ==
		    NULL)
			return (-1);
		if (addr_hostport(a, rest, form == AFORM_PORT,
		    form == AFORM_PORT ? 0 : 1, &h, &p) == -1)
			return (-1);
		a->host = h;
		a->port = p;
		break;
	case AFORM_PATH:
		if (*rest == '\0' || strcmp(rest, "@") == 0)
			return (addr_fail(a, "missing socket pathname"));
		if (strlen(rest) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return (addr_fail(a, "socket pathname too long"));
		a->path = rest;
		break;
	case AFORM_FILE:
	case AFORM_DEVICE:
		if (*rest == '\0')
			return (addr_fail(a, "missing %s name", a->kind ==
			    ADDR_PTY ? "link" : form == AFORM_FILE ? "file" :
			    "device"));
		a->path = rest;
		if (form == AFORM_DEVICE && addr_speed(a, &comma) == -1)
			return (-1);
		break;
	default:
		break;
	}
	if (comma != NULL && addr_options(a, comma) == -1)
		return (-1);
	return (addr_finish(a));
}

/* addr_parse(), or with socat addr_parse_socat(). */
static int
addr_parse_how(const char *s, struct addr *a, int socat, const char **errstr)
{
	size_t		 n, len;
	int		 r, k;

	memset(a, 0, sizeof(*a));
	*errstr = a->why;
#ifdef SC_DEBUG
	addr_parses++;
#endif
	len = strlen(s);
	if (len > ADDR_MAX)
		return (addr_fail(a, "longer than %d bytes", ADDR_MAX));
	memcpy(a->buf, s, len + 1);
	a->name = "-";
	if (strcmp(s, "-") == 0 || addr_dual_stdio(s)) {
		a->kind = ADDR_STDIO;
		*errstr = NULL;
		return (0);
	}
	r = addr_socat_row(a->buf);
	/* socat's names of what sockcat lacks: said by name, as socat's. */
	if (r == -1 && addr_socat_lacking(a->buf)) {
		addr_upper_name(a, addr_socat_name_len(a->buf));
		return (addr_fail(a, "socat's address %s is not supported "
		    "by sockcat", a->namebuf));
	}
	if (socat && r == -1 && addr_socat_bare(a) == -1)
		return (-1);
	if (socat && r == -1)
		r = addr_socat_row(a->buf);
	n = addr_scheme_len(a->buf);
	k = addr_scheme_kind(a->buf, n);
	/*
	 * sockcat's names, in lower case, keep sockcat's grammar (exec:'s
	 * command runs to the end, commas and all); socat's, and sockcat's
	 * written with a capital as socat's manual writes them, socat's.
	 */
	if (r != -1 && (socat || n == 0 || k == -1 ||
	    addr_has_upper(a->buf, n))) {
		/* Its name as written, for messages, in socat's case. */
		addr_upper_name(a, strcspn(a->buf, ":,"));
		a->name = a->namebuf;
		r = addr_socat_parse(a, r);
	} else if (n == 0)
		return (addr_fail(a, "no scheme (tcp:, unix:, ws://, "
		    "tcp-l:, exec:, ... or -)"));
	else if (k == -1)
		return (addr_unknown(a, n));
	else
		r = addr_parse_ours(a, k, n);
	if (r == -1)
		return (-1);
	*errstr = NULL;
	return (0);
}

/*
 * Parse s into a: our names in lower case in our grammar, other names
 * socat has in socat's.  a's strings point into a (valid while a is,
 * nothing to free).  Returns 0, or -1 with *errstr (in a; the caller
 * names the address).
 */
int
addr_parse(const char *s, struct addr *a, const char **errstr)
{
	return (addr_parse_how(s, a, 0, errstr));
}

/* addr_parse(), but every name socat has is read as socat reads it. */
int
addr_parse_socat(const char *s, struct addr *a, const char **errstr)
{
	return (addr_parse_how(s, a, 1, errstr));
}
