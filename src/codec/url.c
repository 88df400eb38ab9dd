/*
 * A proxy URL (-x socks5://user:pass@host:port) parsed and rebuilt: pure
 * functions, shared with the fuzz target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* The schemes a hop may name, and the protocol each means. */
static const struct {
	const char	*name;
	int		 proto;
	int		 tls;		/* TLS to the proxy itself */
} url_schemes[] = {
	{ "socks4",	PROXY_SOCKS4,	0 },
	{ "socks4a",	PROXY_SOCKS4A,	0 },
	{ "socks5",	PROXY_SOCKS5,	0 },
	{ "socks5h",	PROXY_SOCKS5,	0 },
	{ "http",	PROXY_HTTP,	0 },
	{ "https",	PROXY_HTTP,	1 },
};

/* The URL scheme of protocol proto. */
const char *
url_proxy_scheme(int proto)
{
	size_t	 i;

	for (i = 0; i < nitems(url_schemes); i++) {
		if (url_schemes[i].proto == proto)
			return (url_schemes[i].name);
	}
	return ("?");
}

/* Does s (len bytes) start with a scheme and "://"? */
int
url_proxy_is(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && isalnum((unsigned char)s[i]); i++)
		;
	return (i > 0 && len - i >= 3 && memcmp(s + i, "://", 3) == 0);
}

/*
 * Copy len bytes of s to out (outlen bytes), %XX decoded, NUL-terminated.
 * Returns -1 on a NUL, a bad escape or no room.
 */
int
url_decode(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	 i, n = 0;
	int	 hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (len - i < 3 ||
			    (hi = text_hex_value(s[i + 1])) == -1 ||
			    (lo = text_hex_value(s[i + 2])) == -1)
				return (-1);
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == '\0' || n + 1 >= outlen)
			return (-1);
		out[n++] = c;
	}
	out[n] = '\0';
	return (0);
}

/*
 * Read host[:port] from host to end into u, brackets dropped, port empty
 * if absent.  Returns NULL, or what is wrong.
 */
static const char *
url_proxy_host(const char *host, const char *end, struct proxy_url *u)
{
	const char	*p, *hend;
	size_t		 i, n;

	if (host < end && *host == '[') {
		if ((hend = memchr(host, ']', end - host)) == NULL)
			return ("missing closing bracket in proxy");
		p = hend + 1;
		host++;
	} else {
		for (hend = host; hend < end && *hend != ':'; hend++)
			;
		p = hend;
	}
	n = hend - host;
	if (n == 0 || n >= sizeof(u->host))
		return (n == 0 ? "missing proxy host" : "proxy host too long");
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)host[i]) &&
		    strchr("-._:%", host[i]) == NULL)
			return ("bad character in proxy host");
	}
	memcpy(u->host, host, n);
	u->host[n] = '\0';
	if (p == end)
		return (NULL);
	if (*p != ':' || end - p < 2 || end - p > 6)
		return ("bad proxy port");
	memcpy(u->port, p + 1, end - p - 1);
	if (strspn(u->port, "0123456789") != (size_t)(end - p - 1) ||
	    atoi(u->port) < 1 || atoi(u->port) > 65535)
		return ("bad proxy port");
	return (NULL);
}

/*
 * Parse scheme://[user[:password]@]host[:port][/] (len bytes) into u:
 * scheme (any case) as PROXY_* (https: HTTP and u->tls), credentials
 * decoded, host and port.  Returns 0, or -1 with *errstr.
 */
int
url_proxy_parse(const char *s, size_t len, struct proxy_url *u,
    const char **errstr)
{
	const char	*p, *end = s + len, *at, *colon, *host;
	size_t		 i, n;

	memset(u, 0, sizeof(*u));
	*errstr = NULL;
	if (!url_proxy_is(s, len) || memchr(s, '\0', len) != NULL) {
		*errstr = "not a proxy URL";
		return (-1);
	}
	n = (const char *)memchr(s, ':', len) - s;
	u->proto = PROXY_NONE;
	for (i = 0; i < nitems(url_schemes); i++) {
		if (strlen(url_schemes[i].name) == n &&
		    strncasecmp(s, url_schemes[i].name, n) == 0) {
			u->proto = url_schemes[i].proto;
			u->tls = url_schemes[i].tls;
		}
	}
	if (u->proto == PROXY_NONE) {
		*errstr = "unknown proxy scheme (socks4, socks4a, socks5, "
		    "http, https)";
		return (-1);
	}
	p = s + n + 3;
	/* One slash may end it, and nothing else: no path, no query. */
	if (end > p && end[-1] == '/')
		end--;
	if (memchr(p, '/', end - p) != NULL || memchr(p, '?', end - p) !=
	    NULL || memchr(p, '#', end - p) != NULL) {
		*errstr = "a proxy URL has no path";
		return (-1);
	}
	/* The credentials end at the last '@': a password may hold one. */
	host = p;
	if ((at = memrchr(p, '@', end - p)) != NULL) {
		colon = memchr(p, ':', at - p);
		if (url_decode(p, (colon != NULL ? colon : at) - p, u->user,
		    sizeof(u->user)) == -1 || (colon != NULL &&
		    url_decode(colon + 1, at - colon - 1, u->pass,
		    sizeof(u->pass)) == -1))
			*errstr = "bad proxy user or password";
		else if (u->user[0] == '\0')
			*errstr = "empty proxy user";
		u->has_user = 1;
		u->has_pass = colon != NULL;
		host = at + 1;
	}
	if (*errstr == NULL)
		*errstr = url_proxy_host(host, end, u);
	return (*errstr != NULL ? -1 : 0);
}
