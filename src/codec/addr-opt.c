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
	AO_SECRET,		/* AO_TEXT that is a secret: hidden whole */
	AO_USERPASS,		/* USER:PASSWORD: the password hidden */
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
	AO_UINT,		/* a number as socat reads it: 19200, 0x0e */
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
	{ "commonname",	"commonname",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "cn",		"commonname",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-commonname", "commonname", AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "cafile",	"cafile",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-cafile", "cafile",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "capath",	"capath",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-capath", "capath",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "cert",	"cert",		AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "certificate", "cert",	AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-certificate", "cert", AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "key",	"key",		AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "openssl-key", "key",		AO_TEXT,	K_TLS_DIAL | K_TLS_SERVE },
	{ "secret",	"secret",	AO_SECRET,	K(ADDR_TLS) | K(ADDR_DTLS) |
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
	{ "proxyauth",	"proxyauth",	AO_USERPASS,	K(ADDR_TCP) },
	{ "proxy-auth",	"proxyauth",	AO_USERPASS,	K(ADDR_TCP) },
	{ "proxy-authorization", "proxyauth", AO_USERPASS, K(ADDR_TCP) },
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
						K(ADDR_UNIX) | K(ADDR_FILE) |
						K(ADDR_PTY) },
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
	{ "cool-write",	"cool-write",	AO_BOOL,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) |
						K(ADDR_EXEC) },
	{ "coolwrite",	"cool-write",	AO_BOOL,	K(ADDR_FILE) |
						K(ADDR_FD) | K(ADDR_STDIO) |
						K(ADDR_EXEC) },
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
	{ "ctty",	"ctty",		AO_BOOL,	K(ADDR_EXEC) },
	{ "sane",	"sane",		AO_BOOL,	K(ADDR_EXEC) },
	{ "sigint",	"sigint",	AO_BOOL,	K(ADDR_EXEC) },
	{ "sighup",	"sighup",	AO_BOOL,	K(ADDR_EXEC) },
	{ "sigquit",	"sigquit",	AO_BOOL,	K(ADDR_EXEC) },
	{ "fdin",	"fdin",		AO_NUMBER,	K(ADDR_EXEC) },
	{ "fdout",	"fdout",	AO_NUMBER,	K(ADDR_EXEC) },
	{ "opost",	"opost",	AO_BOOL,	K(ADDR_EXEC) |
						K(ADDR_PTY) | K(ADDR_FILE) |
						K(ADDR_STDIO) },
	{ "crtscts",	"crtscts",	AO_BOOL,	K(ADDR_SERIAL) },
	{ "raw",	"raw",		AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) |
						K(ADDR_STDIO) },
	{ "rawer",	"rawer",	AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) |
						K(ADDR_STDIO) },
	{ "cfmakeraw",	"rawer",	AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) |
						K(ADDR_STDIO) },
	{ "echo",	"echo",		AO_BOOL,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) |
						K(ADDR_STDIO) },
	{ "ispeed",	"ispeed",	AO_UINT,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) |
						K(ADDR_STDIO) },
	{ "ospeed",	"ospeed",	AO_UINT,	K(ADDR_PTY) |
						K(ADDR_EXEC) | K(ADDR_FILE) |
						K(ADDR_STDIO) },
	{ "link",	"link",		AO_TEXT,	K(ADDR_PTY) },
	{ "socksport",	"socksport",	AO_PORT,	K_SOCKS },
	{ "socksuser",	"socksuser",	AO_TEXT,	K(ADDR_SOCKS4) |
						K(ADDR_SOCKS4A) },
	{ "fork",	"fork",		AO_BOOL,	K_LISTEN | K_DIAL },
	{ "max-children", "max-children", AO_NUMBER,	K_LISTEN },
	{ "maxchildren", "max-children", AO_NUMBER,	K_LISTEN },
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
	{ "lowport",	"lowport",	AO_BOOL,	K_IP },
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
	{ "shut-null",	"shut-null",	AO_BOOL,	K(ADDR_UDP) | K(ADDR_UDP_L) |
						K(ADDR_TCP) | K(ADDR_TCP_L) |
						K(ADDR_UNIX) | K(ADDR_UNIX_L) },
	{ "shut-none",	"shut-none",	AO_BOOL,	K(ADDR_UDP) | K(ADDR_UDP_L) |
						K(ADDR_TCP) | K(ADDR_TCP_L) |
						K(ADDR_UNIX) | K(ADDR_UNIX_L) },
	{ "shut-down",	"shut-down",	AO_BOOL,	K(ADDR_UDP) | K(ADDR_UDP_L) |
						K(ADDR_TCP) | K(ADDR_TCP_L) |
						K(ADDR_UNIX) | K(ADDR_UNIX_L) },
	{ "null-eof",	"null-eof",	AO_BOOL,	K(ADDR_UDP) | K(ADDR_UDP_L) },
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
