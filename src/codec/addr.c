/*
 * Addresses (tcp:HOST:PORT, unix-l:PATH, ws://HOST/PATH, exec:COMMAND,
 * serial:DEVICE,SPEED, ...): one grammar for every place that names an endpoint, parsed from
 * the bytes alone into a struct addr that owns every string it gives.
 * socat's addresses (TCP-LISTEN:PORT,fork, EXEC:"cmd",pty, ...) are a
 * second way to write the same kinds (addr-socat.c: its names, its
 * quoting), whose options are rows of the one table of options here,
 * each stored under the name the side reads.
 * Pure functions, shared with the fuzz target; whether a service name
 * exists or a host resolves is for the caller to find out.
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

/* What the text after the scheme holds. */
enum addr_form {
	AFORM_HOSTPORT,		/* HOST:PORT */
	AFORM_OPTHOSTPORT,		/* [HOST:]PORT */
	AFORM_PATH,		/* a socket's path or @name */
	AFORM_FILE,		/* a file's path */
	AFORM_DEVICE,		/* a device's path, then [,SPEED] */
	AFORM_COMMAND,		/* the rest, commas and all */
	AFORM_URL,			/* the rest of a ws:// URL */
	AFORM_PROXIED,		/* PROXY:HOST:PORT */
	AFORM_NONE,		/* nothing: "-" */
};

/* The kinds, as they are written, and what follows their scheme. */
static const struct {
	const char	*scheme;
	enum addr_kind	 kind;
	enum addr_form	 form;
	int		 listen;
} addr_kinds[] = {
	{ "tcp",	ADDR_TCP,	AFORM_HOSTPORT,	0 },
	{ "udp",	ADDR_UDP,	AFORM_HOSTPORT,	0 },
	{ "unix",	ADDR_UNIX,	AFORM_PATH,	0 },
	{ "tls",	ADDR_TLS,	AFORM_HOSTPORT,	0 },
	{ "dtls",	ADDR_DTLS,	AFORM_HOSTPORT,	0 },
	{ "ws",		ADDR_WS,	AFORM_URL,		0 },
	{ "wss",	ADDR_WSS,	AFORM_URL,		0 },
	{ "vsock",	ADDR_VSOCK,	AFORM_HOSTPORT,	0 },
	{ "tcp-l",	ADDR_TCP_L,	AFORM_OPTHOSTPORT,	1 },
	{ "udp-l",	ADDR_UDP_L,	AFORM_OPTHOSTPORT,	1 },
	{ "unix-l",	ADDR_UNIX_L,	AFORM_PATH,	1 },
	{ "tls-l",	ADDR_TLS_L,	AFORM_OPTHOSTPORT,	1 },
	{ "ws-l",	ADDR_WS_L,	AFORM_OPTHOSTPORT,	1 },
	{ "exec",	ADDR_EXEC,	AFORM_COMMAND,	0 },
	{ "file",	ADDR_FILE,	AFORM_FILE,	0 },
	{ "-",		ADDR_STDIO,	AFORM_NONE,	0 },
	{ "serial",	ADDR_SERIAL,	AFORM_DEVICE,	0 },
	{ "pty",	ADDR_PTY,	AFORM_FILE,	0 },
	{ "socks4",	ADDR_SOCKS4,	AFORM_PROXIED,	0 },
	{ "socks4a",	ADDR_SOCKS4A,	AFORM_PROXIED,	0 },
	{ "socks5",	ADDR_SOCKS5,	AFORM_PROXIED,	0 },
};
#define ADDR_NKINDS	(sizeof(addr_kinds) / sizeof(addr_kinds[0]))

#define K(k)		(1U << (k))
#define K_TLS_DIAL	(K(ADDR_TLS) | K(ADDR_DTLS) | K(ADDR_WSS))
#define K_SOCKS		(K(ADDR_SOCKS4) | K(ADDR_SOCKS4A) | K(ADDR_SOCKS5))
#define K_IPLISTEN	(K(ADDR_TCP_L) | K(ADDR_UDP_L) | K(ADDR_TLS_L) | \
			    K(ADDR_DTLS_L) | K(ADDR_WS_L))
#define K_TLS_SERVE	(K(ADDR_TLS_L) | K(ADDR_DTLS_L))
#define K_LISTEN	(K_IPLISTEN | K(ADDR_UNIX_L))
#define K_IPDIAL	(K(ADDR_TCP) | K(ADDR_UDP) | K(ADDR_TLS) | \
			    K(ADDR_DTLS) | K(ADDR_WS) | K(ADDR_WSS) | K_SOCKS)
#define K_IP		(K_IPDIAL | K_IPLISTEN)
#define K_TCP		(K(ADDR_TCP) | K(ADDR_TLS) | K(ADDR_WS) | \
			    K(ADDR_WSS) | K_SOCKS | K(ADDR_TCP_L) | \
			    K(ADDR_TLS_L) | K(ADDR_WS_L))
#define K_DIAL		(K_IPDIAL | K(ADDR_UNIX) | K(ADDR_VSOCK))

/* What an option's value must be. */
enum addr_otype {
	AO_BOOL,		/* nothing (1), 0 or 1 */
	AO_TEXT,		/* any text but empty */
	AO_HOSTPORT,		/* HOST:PORT, or a proxy's URL */
	AO_PORT,		/* a port */
	AO_TLSVER,		/* a TLS version, 1.0 to 1.3 (TLS1.2 too) */
	AO_COMPRESS,		/* socat's TLS compression: none or auto */
	AO_NUMBER,		/* a count, 1 to 65535 */
	AO_COUNT,		/* a count, 0 to 65535 */
	AO_SECONDS,		/* seconds, [DIGITS][.DIGITS] */
	AO_OCTAL,		/* permissions, 0 to 07777 */
	AO_FAMILY,		/* ip4, ipv4, inet, ip6, ipv6, inet6: "4", "6" */
	AO_SIZE,		/* a count of bytes, 0 up */
	AO_BYTE,		/* a byte's value, 0 to 255, as 27 or 0x1b */
};

/*
 * Each option, the name it is stored under (socat's names for ours, and
 * its aliases), and the kinds it belongs to.  What a side does with each
 * is side_parse()'s; an option of no row is refused, by its name and the
 * address's, never ignored.
 */
static const struct {
	const char	*name;
	const char	*is;
	enum addr_otype	 type;
	unsigned int	 kinds;
} addr_optdefs[] = {
	{ "verify",	"verify",	AO_BOOL,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-verify", "verify",	AO_BOOL,	K_TLS_DIAL | K_TLS_SERVE },
	{ "sni",	"sni",		AO_TEXT,	K_TLS_DIAL },
	{ "snihost",	"sni",		AO_TEXT,	K_TLS_DIAL },
	{ "openssl-snihost", "sni",	AO_TEXT,	K_TLS_DIAL },
	{ "commonname",	"commonname",	AO_TEXT,	K_TLS_DIAL },
	{ "cn",		"commonname",	AO_TEXT,	K_TLS_DIAL },
	{ "openssl-commonname", "commonname", AO_TEXT,	K_TLS_DIAL },
	{ "cafile",	"cafile",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-cafile", "cafile",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "capath",	"capath",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-capath", "capath",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "cert",	"cert",		AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "certificate", "cert",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-certificate", "cert", AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "key",	"key",		AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-key", "key",		AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "secret",	"secret",	AO_TEXT,	K(ADDR_TLS) | K(ADDR_DTLS) |
						K(ADDR_TLS_L) },
	{ "min-version", "min-version", AO_TLSVER,	K(ADDR_TLS) | K(ADDR_WSS) |
						K(ADDR_TLS_L) },
	{ "openssl-min-proto-version", "min-version", AO_TLSVER, K(ADDR_TLS) |
						K(ADDR_WSS) | K(ADDR_TLS_L) },
	{ "max-version", "max-version", AO_TLSVER,	K(ADDR_TLS) | K(ADDR_WSS) |
						K(ADDR_TLS_L) },
	{ "openssl-max-proto-version", "max-version", AO_TLSVER, K(ADDR_TLS) |
						K(ADDR_WSS) | K(ADDR_TLS_L) },
	{ "cipher",	"ciphers",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "ciphers",	"ciphers",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "cipherlist",	"ciphers",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-cipherlist", "ciphers", AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "compress",	"compress",	AO_COMPRESS,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-compress", "compress", AO_COMPRESS,	K_TLS_DIAL | K_TLS_SERVE },
	{ "proxy",	"proxy",	AO_HOSTPORT,	K(ADDR_TCP) | K(ADDR_TLS) |
						K(ADDR_WS) | K(ADDR_WSS) },
	{ "proxyport",	"proxyport",	AO_PORT,	K(ADDR_TCP) },
	{ "proxy-resolve", "proxy-resolve", AO_BOOL,	K(ADDR_TCP) },
	{ "resolve",	"proxy-resolve", AO_BOOL,	K(ADDR_TCP) },
	{ "resolv",	"proxy-resolve", AO_BOOL,	K(ADDR_TCP) },
	{ "proxyauth",	"proxyauth",	AO_TEXT,	K(ADDR_TCP) },
	{ "proxy-auth",	"proxyauth",	AO_TEXT,	K(ADDR_TCP) },
	{ "proxy-authorization", "proxyauth", AO_TEXT,	K(ADDR_TCP) },
	{ "proxyauthfile", "proxyauthfile", AO_TEXT,	K(ADDR_TCP) },
	{ "proxy-authorization-file", "proxyauthfile", AO_TEXT, K(ADDR_TCP) },
	{ "append",	"append",	AO_BOOL,	K(ADDR_FILE) },
	{ "o-append",	"append",	AO_BOOL,	K(ADDR_FILE) },
	{ "creat",	"creat",	AO_BOOL,	K(ADDR_FILE) },
	{ "create",	"creat",	AO_BOOL,	K(ADDR_FILE) },
	{ "o-creat",	"creat",	AO_BOOL,	K(ADDR_FILE) },
	{ "trunc",	"trunc",	AO_BOOL,	K(ADDR_FILE) },
	{ "o-trunc",	"trunc",	AO_BOOL,	K(ADDR_FILE) },
	{ "excl",	"excl",		AO_BOOL,	K(ADDR_FILE) },
	{ "o-excl",	"excl",		AO_BOOL,	K(ADDR_FILE) },
	{ "mode",	"mode",		AO_OCTAL,	K(ADDR_FILE) |
						K(ADDR_PTY) | K(ADDR_UNIX_L) },
	{ "perm",	"mode",		AO_OCTAL,	K(ADDR_FILE) |
						K(ADDR_PTY) | K(ADDR_UNIX_L) },
	{ "unlink-early", "unlink-early", AO_BOOL,	K(ADDR_UNIX_L) |
						K(ADDR_FILE) | K(ADDR_PTY) },
	{ "umask",	"umask",	AO_OCTAL,	K(ADDR_FILE) |
						K(ADDR_UNIX_L) },
	{ "user",	"user",		AO_TEXT,	K(ADDR_FILE) |
						K(ADDR_PTY) | K(ADDR_UNIX_L) },
	{ "owner",	"user",		AO_TEXT,	K(ADDR_FILE) |
						K(ADDR_PTY) | K(ADDR_UNIX_L) },
	{ "unlink-close", "unlink-close", AO_BOOL,	K(ADDR_FILE) |
						K(ADDR_UNIX_L) | K(ADDR_UNIX) },
	{ "ftruncate",	"ftruncate",	AO_SIZE,	K(ADDR_FILE) },
	{ "readbytes",	"readbytes",	AO_SIZE,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) },
	{ "bytes",	"readbytes",	AO_SIZE,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) },
	{ "ignoreeof",	"ignoreeof",	AO_BOOL,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) },
	{ "escape",	"escape",	AO_BYTE,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) },
	{ "o-noatime",	"noatime",	AO_BOOL,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) },
	{ "noatime",	"noatime",	AO_BOOL,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) },
	{ "fs-noatime",	"fs-noatime",	AO_BOOL,	K(ADDR_FILE) },
	{ "ext2-noatime", "fs-noatime",	AO_BOOL,	K(ADDR_FILE) },
	{ "ext3-noatime", "fs-noatime",	AO_BOOL,	K(ADDR_FILE) },
	{ "nonblock",	"nonblock",	AO_BOOL,	K(ADDR_FILE) },
	{ "o-nonblock",	"nonblock",	AO_BOOL,	K(ADDR_FILE) },
	{ "pipes",	"pipes",	AO_BOOL,	K(ADDR_EXEC) },
	{ "pty",	"pty",		AO_BOOL,	K(ADDR_EXEC) },
	{ "stderr",	"stderr",	AO_BOOL,	K(ADDR_EXEC) },
	{ "setsid",	"setsid",	AO_BOOL,	K(ADDR_EXEC) |
						K(ADDR_STDIO) | K(ADDR_FD) |
						K(ADDR_FILE) },
	{ "sid",	"setsid",	AO_BOOL,	K(ADDR_EXEC) |
						K(ADDR_STDIO) | K(ADDR_FD) |
						K(ADDR_FILE) },
	{ "nofork",	"nofork",	AO_BOOL,	K(ADDR_EXEC) },
	{ "fdin",	"fdin",		AO_NUMBER,	K(ADDR_EXEC) },
	{ "fdout",	"fdout",	AO_NUMBER,	K(ADDR_EXEC) },
	{ "opost",	"opost",	AO_BOOL,	K(ADDR_EXEC) |
						K(ADDR_PTY) | K(ADDR_FILE) },
	{ "crtscts",	"crtscts",	AO_BOOL,	K(ADDR_SERIAL) },
	{ "raw",	"raw",		AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) },
	{ "rawer",	"rawer",	AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) },
	{ "cfmakeraw",	"rawer",	AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) },
	{ "echo",	"echo",		AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) },
	{ "link",	"link",		AO_TEXT,	K(ADDR_PTY) },
	{ "socksport",	"socksport",	AO_PORT,	K_SOCKS },
	{ "socksuser",	"socksuser",	AO_TEXT,	K(ADDR_SOCKS4) |
						K(ADDR_SOCKS4A) },
	{ "fork",	"fork",		AO_BOOL,	K_LISTEN },
	{ "crlf",	"crlf",		AO_BOOL,	K_IP | K(ADDR_UNIX) |
						K(ADDR_UNIX_L) },
	{ "crnl",	"crlf",		AO_BOOL,	K_IP | K(ADDR_UNIX) |
						K(ADDR_UNIX_L) },
	{ "reuseaddr",	"reuseaddr",	AO_BOOL,	K_LISTEN | K_IPDIAL },
	{ "so-reuseaddr", "reuseaddr",	AO_BOOL,	K_LISTEN | K_IPDIAL },
	{ "reuseport",	"reuseport",	AO_BOOL,	K_IPLISTEN },
	{ "so-reuseport", "reuseport",	AO_BOOL,	K_IPLISTEN },
	{ "bind",	"bind",		AO_TEXT,	K_IP | K(ADDR_UNIX) },
	{ "sourceport",	"sourceport",	AO_PORT,	K_IP },
	{ "sp",		"sourceport",	AO_PORT,	K_IP },
	{ "lowport",	"lowport",	AO_BOOL,	K_IPLISTEN },
	{ "range",	"range",	AO_TEXT,	K_IPLISTEN },
	{ "backlog",	"backlog",	AO_NUMBER,	K(ADDR_TCP_L) |
						K(ADDR_TLS_L) | K(ADDR_WS_L) |
						K(ADDR_UNIX_L) },
	{ "nodelay",	"nodelay",	AO_BOOL,	K_TCP },
	{ "keepalive",	"keepalive",	AO_BOOL,	K_TCP },
	{ "so-keepalive", "keepalive",	AO_BOOL,	K_TCP },
	{ "connect-timeout", "connect-timeout", AO_SECONDS, K_DIAL },
	{ "retry",	"retry",	AO_COUNT,	K_DIAL | K_LISTEN },
	{ "interval",	"interval",	AO_SECONDS,	K_DIAL | K_LISTEN },
	{ "forever",	"forever",	AO_BOOL,	K_DIAL | K_LISTEN },
	{ "pf",		"pf",		AO_FAMILY,	K_IP },
	{ "protocol-family", "pf",	AO_FAMILY,	K_IP },
	{ "broadcast",	"broadcast",	AO_BOOL,	K(ADDR_UDP) | K(ADDR_UDP_L) },
	{ "so-broadcast", "broadcast",	AO_BOOL,	K(ADDR_UDP) | K(ADDR_UDP_L) },
	{ "setsockopt",	"setsockopt",	AO_TEXT,	K_IPDIAL },
	{ "sockopt",	"setsockopt",	AO_TEXT,	K_IPDIAL },
	{ "setsockopt-int", "setsockopt", AO_TEXT,	K_IPDIAL },
	{ "sockopt-int", "setsockopt",	AO_TEXT,	K_IPDIAL },
	{ "setsockopt-listen", "setsockopt", AO_TEXT,	K_IPLISTEN },
	{ "sockopt-listen", "setsockopt", AO_TEXT,	K_IPLISTEN },
	{ "ip-add-membership", "membership", AO_TEXT,	K(ADDR_UDP_L) },
	{ "ipv6-join-group", "membership", AO_TEXT,	K(ADDR_UDP_L) },
	{ "ipv6only",	"ipv6only",	AO_BOOL,	K_IPLISTEN },
	{ "ipv6-v6only", "ipv6only",	AO_BOOL,	K_IPLISTEN },
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

/*
 * Say what is wrong in a->why, on one line whatever bytes of the address
 * it quotes (each control byte a '?'); returns -1 for the caller to
 * return.
 */
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
 * socat's addresses without a name: a number is a descriptor (FD:N), a
 * word with a '/' a path (GOPEN:PATH).  a->buf gets the name written.
 */
static int
addr_socat_bare(struct addr *a)
{
	size_t	 n = strcspn(a->buf, ","), len = strlen(a->buf);
	const char *name;

	if (n > 0 && strspn(a->buf, "0123456789") == n)
		name = "FD:";
	else if (memchr(a->buf, '/', n) != NULL)
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

/*
 * Is s an address of a kind we know: "-", a scheme of the table
 * followed by ':' (in any case), or one of socat's names?  "host:80" and
 * "::1" are not.
 */
int
addr_is(const char *s)
{
	size_t	 i, n;

	if (strcmp(s, "-") == 0 || addr_socat_row(s) != -1 ||
	    addr_dual_stdio(s))
		return (1);
	if ((n = addr_scheme_len(s)) == 0)
		return (0);
	for (i = 0; i < ADDR_NKINDS; i++) {
		if (strlen(addr_kinds[i].scheme) == n &&
		    strncasecmp(s, addr_kinds[i].scheme, n) == 0)
			return (1);
	}
	return (0);
}

/* Does s look like an address, one with any scheme at all, or "-"? */
__startup int
addr_looks(const char *s)
{
	return (strcmp(s, "-") == 0 || addr_scheme_len(s) > 0 ||
	    addr_socat_row(s) != -1 || addr_dual_stdio(s));
}

/* The scheme of kind k, as an address writes it ("tcp-l"). */
const char *
addr_scheme(enum addr_kind k)
{
	size_t	 i;

	for (i = 0; i < ADDR_NKINDS; i++) {
		if (addr_kinds[i].kind == k)
			return (addr_kinds[i].scheme);
	}
	return ("?");
}

/*
 * Overwrite, in place, the value of every secret= option of the address
 * text s, the password of a URL in it ("ws://user:password@host/") and
 * that of socat's proxyauth=USER:PASSWORD, with '*', their length kept:
 * what is shown of an address (ps(1), a message) keeps them from view.
 */
void
addr_hide_secret(char *s)
{
	static const char *const auth[] = { ",proxyauth=", ",proxy-auth=",
	    ",proxy-authorization=" };
	char	*p = s, *at, *colon;
	size_t	 len, i;

	if ((p = strstr(s, "://")) != NULL) {
		p += 3;
		len = strcspn(p, "/?#,");
		if ((at = memrchr(p, '@', len)) != NULL &&
		    (colon = memchr(p, ':', at - p)) != NULL)
			memset(colon + 1, '*', at - colon - 1);
	}
	p = s;
	while ((p = strstr(p, ",secret=")) != NULL) {
		p += sizeof(",secret=") - 1;
		len = strcspn(p, ",");
		memset(p, '*', len);
		p += len;
	}
	for (i = 0; i < sizeof(auth) / sizeof(auth[0]); i++) {
		for (p = s; (p = strstr(p, auth[i])) != NULL; p += len) {
			p += strlen(auth[i]);
			len = strcspn(p, ",");
			if ((colon = memchr(p, ':', len)) != NULL)
				memset(colon + 1, '*', p + len - colon - 1);
		}
	}
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
 * A port: digits from lo to 65535, or a service name (letters, digits,
 * '-', '_', a letter among them), which the caller looks up.  netcat's
 * words for a bad number.
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
 * Split s, "HOST:PORT", "[V6]:PORT" or, where optional, "PORT", in
 * place: *host (NULL when absent) and *port.  The host is checked for
 * brackets and emptiness; the port by addr_port().
 */
static int
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
	} else if (strpbrk(h, ":]") != NULL)
		return (addr_fail(a, "%s", addr_brackets));
	if (*h == '\0')
		return (addr_fail(a, "missing host"));
	*host = h;
	*port = colon + 1;
	return (addr_port(a, *port, lo));
}

/*
 * The rest of a ws:// or wss:// URL, [user[:password]@]host[:port][/path]:
 * the host (an IPv6 address given without its brackets) and the port (the
 * scheme's own when absent), copied to a->hostbuf; the URL itself stays
 * whole in a->url for the WebSocket client, which reads it again.
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
	if (hb[0] == '[' && hb[n - 1] == ']') {
		hb[n - 1] = '\0';
		hb++;
		if (*hb == '\0' || strpbrk(hb, "[]") != NULL)
			return (addr_fail(a, "%s", addr_brackets));
		a->host = hb;
		return (0);
	}
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
 * The proxy's host at the start of s, "PROXY:" or "[V6]:": a->proxy
 * points at it, ended in place.  Returns what follows, or NULL (said in
 * a->why).
 */
static char *
addr_proxy(struct addr *a, char *s)
{
	char	*end;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':' ||
		    end == s + 1) {
			addr_fail(a, "%s", addr_brackets);
			return (NULL);
		}
		*end = '\0';
		a->proxy = s + 1;
		return (end + 2);
	}
	if ((end = strchr(s, ':')) == NULL || end == s) {
		addr_fail(a, "missing proxy: PROXY:HOST:PORT");
		return (NULL);
	}
	*end = '\0';
	a->proxy = s;
	return (end + 1);
}

/*
 * One option of a, "name[=value]" (name is written in place), checked
 * against the kind's rows and stored under the name the side reads.
 */
int
addr_option(struct addr *a, char *name)
{
	const char	*is;
	char		*value, *h, *p, *e;
	char		 copy[ADDR_MAX + 1], why[sizeof(a->why)];
	size_t		 i, j;
	long		 l;

	if (*name == '\0')
		return (addr_fail(a, "an empty option"));
	if ((value = strchr(name, '=')) != NULL)
		*value++ = '\0';
	for (i = 0; i < ADDR_NOPTDEFS; i++) {
		if (strcasecmp(addr_optdefs[i].name, name) == 0)
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

/* The options after the address's first comma, "name[=value]" each. */
static int
addr_options(struct addr *a, char *s)
{
	char	*name;

	while ((name = strsep(&s, ",")) != NULL) {
		if (addr_option(a, name) == -1)
			return (-1);
	}
	return (0);
}

/*
 * A host as socat writes it, "[V6]" or a name or IPv4 address, in place:
 * its brackets taken off.  Returns it, or NULL (said in a->why).
 */
char *
addr_socat_host(struct addr *a, char *h)
{
	size_t	 n = strlen(h);

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h[n - 1] = '\0';
		h++;
		if (*h == '\0' || strpbrk(h, "[]") != NULL) {
			addr_fail(a, "%s", addr_brackets);
			return (NULL);
		}
		return (h);
	}
	if (strpbrk(h, "[]:") != NULL) {
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
 * What the options say of the address as a whole, in either grammar:
 * bind= (a listener's address, or a dialled side's source and its
 * port), sourceport=, pf=, socat's PROXY's proxyport=.
 */
int
addr_finish(struct addr *a)
{
	const char	*v;
	char		*h, *p, *b = a->srcbuf;
	size_t		 n;

	if ((v = addr_opt(a, "pf")) != NULL) {
		if (a->family != 0 && a->family != *v - '0')
			return (addr_fail(a, "pf=ip%s and a %s: address", v,
			    a->name));
		a->family = *v - '0';
	}
	if ((v = addr_opt(a, "proxyport")) != NULL &&
	    (a->proxy == NULL || a->kind != ADDR_TCP))
		return (addr_fail(a, "option proxyport is a PROXY: address's"));
	if ((v = addr_opt(a, "proxy-resolve")) != NULL &&
	    (a->proxy == NULL || a->kind != ADDR_TCP))
		return (addr_fail(a, "option proxy-resolve is a PROXY: "
		    "address's"));
	if ((addr_opt(a, "proxyauth") != NULL ||
	    addr_opt(a, "proxyauthfile") != NULL) &&
	    (a->proxy == NULL || a->kind != ADDR_TCP))
		return (addr_fail(a, "option proxyauth is a PROXY: address's"));
	if ((v = addr_opt(a, "proxyauth")) != NULL && strchr(v, ':') == NULL)
		return (addr_fail(a, "option proxyauth takes USER:PASSWORD"));
	if (v != NULL && addr_opt(a, "proxyauthfile") != NULL)
		return (addr_fail(a, "options proxyauth and proxyauthfile: "
		    "one of them"));
	if ((v = addr_opt(a, "bind")) != NULL && a->kind == ADDR_UNIX) {
		/* A Unix datagram client's own socket, its answers' path. */
		if (!a->dgram && !a->either)
			return (addr_fail(a, "option bind does not belong to "
			    "a %s: address", a->name));
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
 * A serial line's speed, the first of the options when it is a number
 * ("serial:/dev/ttyS0,9600,crtscts"): taken out of *comma, which then
 * points at the options after it, or is NULL.  Whether the system has
 * that speed is for the caller to find out.
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

/*
 * Parse the address s into a, in sockcat's grammar, or in socat's when
 * socat says so or the name is only socat's (see addr_parse()).
 */
static int
addr_parse_how(const char *s, struct addr *a, int socat, const char **errstr)
{
	char		*rest, *comma, *h, *p;
	size_t		 i, n, len;
	int		 r;

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
	if (socat && r == -1 && addr_socat_bare(a) == -1)
		return (-1);
	if (socat && r == -1)
		r = addr_socat_row(a->buf);
	n = addr_scheme_len(a->buf);
	for (i = 0; n > 0 && i < ADDR_NKINDS; i++) {
		if (strlen(addr_kinds[i].scheme) == n &&
		    strncasecmp(a->buf, addr_kinds[i].scheme, n) == 0)
			break;
	}
	/*
	 * sockcat's names, in lower case, keep sockcat's grammar (exec:'s
	 * command runs to the end, commas and all); socat's, and sockcat's
	 * written with a capital as socat's manual writes them, socat's.
	 */
	if (r != -1 && (socat || n == 0 || i == ADDR_NKINDS ||
	    addr_has_upper(a->buf, n))) {
		/* Its name as written, for messages, in socat's case. */
		n = strcspn(a->buf, ":,");
		snprintf(a->namebuf, sizeof(a->namebuf), "%.*s", (int)n,
		    a->buf);
		for (i = 0; a->namebuf[i] != '\0'; i++)
			a->namebuf[i] = toupper((unsigned char)a->namebuf[i]);
		a->name = a->namebuf;
		if (addr_socat_parse(a, r) == -1)
			return (-1);
		*errstr = NULL;
		return (0);
	}
	if (n == 0)
		return (addr_fail(a, "no scheme (tcp:, unix:, ws://, "
		    "tcp-l:, exec:, ... or -)"));
	if (i == ADDR_NKINDS)
		return (addr_fail(a, "unknown scheme %.*s:", (int)(n > 16 ?
		    16 : n), a->buf));
	a->kind = addr_kinds[i].kind;
	a->listen = addr_kinds[i].listen;
	a->name = addr_kinds[i].scheme;
	rest = a->buf + n + 1;

	if (addr_kinds[i].form == AFORM_COMMAND) {
		if (*rest == '\0')
			return (addr_fail(a, "missing command"));
		a->path = rest;
		*errstr = NULL;
		return (0);
	}
	if (addr_kinds[i].form == AFORM_URL) {
		if (strncmp(rest, "//", 2) != 0)
			return (addr_fail(a, "a URL is %s://HOST[:PORT][/PATH]",
			    addr_kinds[i].scheme));
		if ((comma = strchr(rest, ',')) != NULL)
			*comma++ = '\0';
		/* The scheme as the client reads it: lower case. */
		for (n = 0; a->buf[n] != ':'; n++)
			a->buf[n] = tolower((unsigned char)a->buf[n]);
		a->url = a->buf;
		if (addr_url(a, rest + 2) == -1)
			return (-1);
	} else {
		if ((comma = strchr(rest, ',')) != NULL)
			*comma++ = '\0';
		switch (addr_kinds[i].form) {
		case AFORM_HOSTPORT:
		case AFORM_OPTHOSTPORT:
			if (addr_hostport(a, rest,
			    addr_kinds[i].form == AFORM_OPTHOSTPORT,
			    addr_kinds[i].form == AFORM_OPTHOSTPORT ? 0 : 1,
			    &h, &p) == -1)
				return (-1);
			a->host = h;
			a->port = p;
			break;
		case AFORM_PROXIED:
			/* The proxy's host, then HOST:PORT as tcp: has them. */
			if ((h = addr_proxy(a, rest)) == NULL)
				return (-1);
			if (addr_hostport(a, h, 0, 1, &h, &p) == -1)
				return (-1);
			a->host = h;
			a->port = p;
			break;
		case AFORM_PATH:
			if (*rest == '\0' || strcmp(rest, "@") == 0)
				return (addr_fail(a, "missing socket pathname"));
			if (strlen(rest) >= sizeof(((struct sockaddr_un *)0)->
			    sun_path))
				return (addr_fail(a, "socket pathname too long"));
			a->path = rest;
			break;
		case AFORM_FILE:
			if (*rest == '\0')
				return (addr_fail(a, a->kind == ADDR_PTY ?
				    "missing link name" : "missing file name"));
			a->path = rest;
			break;
		case AFORM_DEVICE:
			if (*rest == '\0')
				return (addr_fail(a, "missing device name"));
			a->path = rest;
			if (addr_speed(a, &comma) == -1)
				return (-1);
			break;
		default:
			break;
		}
	}
	if (comma != NULL && addr_options(a, comma) == -1)
		return (-1);
	if (addr_finish(a) == -1)
		return (-1);
	*errstr = NULL;
	return (0);
}

/*
 * Parse the address s (NUL-terminated) into a, which owns a copy of it:
 * every string a gives points into a's buffers, so a lives as long as
 * they are used and nothing is to be freed.  sockcat's names in lower
 * case (tcp-l:, exec:, pty:, ...) are read in its grammar; a name socat
 * has otherwise (TCP-LISTEN:, EXEC:, PTY,link=...) in socat's.  Returns 0, or -1 with *errstr
 * (in a->why) saying what is wrong, without the address itself, which
 * the caller names.
 */
int
addr_parse(const char *s, struct addr *a, const char **errstr)
{
	return (addr_parse_how(s, a, 0, errstr));
}

/*
 * addr_parse(), but every name socat has is read in socat's grammar, as
 * socat reads it ("exec:cat,pty" runs cat on a terminal; sockcat's
 * names that socat lacks, as ws://, are still sockcat's).
 */
int
addr_parse_socat(const char *s, struct addr *a, const char **errstr)
{
	return (addr_parse_how(s, a, 1, errstr));
}
