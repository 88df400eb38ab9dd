/*
 * What a WebSocket server says over plain HTTP: request sniffing, safe
 * file paths, Content-Types, CGI variables, and --ws-framed's record
 * headers.  Pure functions; the head is read with httphead.c.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"

/*
 * The methods whose name, and a space, start an HTTP request: a room's
 * terminal user whose first line starts so is taken for a browser.
 */
static const char *const wsh_methods[] = {
	"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ",
	"TRACE ", "CONNECT ",
};

/* Do b's first n bytes start an HTTP request?  1, 0, or -1: too few. */
int
wsh_sniff(const char *b, size_t n)
{
	size_t	 i, len;
	int	 more = 0;

	for (i = 0; i < nitems(wsh_methods); i++) {
		len = strlen(wsh_methods[i]);
		if (memcmp(b, wsh_methods[i], n < len ? n : len) != 0)
			continue;
		if (n >= len)
			return (1);
		more = 1;
	}
	return (more ? -1 : 0);
}

/*
 * The path of target before '?', %XX decoded once, in out.  Returns 0, or
 * -1 for a bad escape, a NUL or no room.
 */
int
wsh_decode_path(const char *target, char *out, size_t outsz)
{
	return (url_decode(target, strcspn(target, "?#"), out, outsz));
}

/*
 * The file target names, relative to the served directory, in out ('/'
 * ending: index.html).  A dot segment is a hidden file's (WSH_PATH_HIDDEN,
 * as absent) unless dotfiles, before any other check.  Returns 0 when the
 * path may be opened, -1 for a path not from the root, a bad escape, a "."
 * or ".." or empty segment, a backslash, a '%' or a control.
 */
int
wsh_file_path(const char *target, int dotfiles, char *out, size_t outsz)
{
	char		 dec[HTTP_TARGET_MAX + 1];
	const char	*seg, *p;
	size_t		 n;
	int		 c;

	if (*target != '/' ||
	    wsh_decode_path(target, dec, sizeof(dec)) == -1)
		return (-1);
	/* dec[0] is the first '/': a segment's start follows a separator. */
	for (p = dec + 1; !dotfiles && *p != '\0'; p++) {
		if (*p == '.' && (p[-1] == '/' || p[-1] == '\\'))
			return (WSH_PATH_HIDDEN);
	}
	for (p = dec; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c < 0x20 || strchr("\x7f\\%", c) != NULL)
			return (-1);
	}
	/* Each segment after a '/': none empty but the last, no . or .. */
	for (seg = dec + 1; ; seg += n + 1) {
		n = strcspn(seg, "/");
		if (n == 0 ? seg[n] == '/' : n <= 2 && strspn(seg, ".") == n)
			return (-1);
		if (seg[n] == '\0')
			break;
	}
	n = strlen(dec + 1);
	if (snprintf(out, outsz, "%s%s", dec + 1,
	    n == 0 || dec[n] == '/' ? "index.html" : "") >= (int)outsz)
		return (-1);
	return (0);
}

/* A file's Content-Type, by its name's ending. */
const char *
wsh_content_type(const char *path)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".svg", "image/svg+xml" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".ico", "image/x-icon" },
		{ ".wasm", "application/wasm" },
	};
	const char	*dot, *slash;
	size_t		 i;

	slash = strrchr(path, '/');
	dot = strrchr(slash != NULL ? slash : path, '.');
	for (i = 0; dot != NULL && i < nitems(types); i++) {
		if (strcasecmp(dot, types[i].ext) == 0)
			return (types[i].type);
	}
	return ("application/octet-stream");
}

/*
 * "HTTP_" and header name upper-cased, '-' as '_', in out.  Returns 0, or
 * -1 for any character but letters, digits and '-', and for Proxy (the
 * HTTP_PROXY trap).
 */
int
wsh_cgi_name(const char *name, size_t n, char *out, size_t outsz)
{
	size_t	 i;
	int	 c;

	if (n == 0 || n + 6 > outsz)
		return (-1);
	memcpy(out, "HTTP_", 5);
	for (i = 0; i < n; i++) {
		c = (unsigned char)name[i];
		if (c == '-')
			c = '_';
		else if (isascii(c) && isalnum(c))
			c = toupper(c);
		else
			return (-1);
		out[5 + i] = c;
	}
	out[5 + n] = '\0';
	return (strcmp(out, "HTTP_PROXY") == 0 ? -1 : 0);
}

/* v (n bytes) without controls (tab a space), in out, cut.  Its length. */
size_t
wsh_cgi_value(const char *v, size_t n, char *out, size_t outsz)
{
	size_t	 i, k = 0;
	int	 c;

	for (i = 0; i < n && k + 1 < outsz; i++) {
		c = (unsigned char)v[i];
		if (c == '\t')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			continue;
		out[k++] = c;
	}
	if (outsz > 0)
		out[k] = '\0';
	return (k);
}

/*
 * SERVER_NAME from Host value v: without its port, IPv6 brackets kept, in
 * out, cut to fit (an unclosed '[' keeps all).  Returns its length.
 */
size_t
wsh_server_name(const char *v, char *out, size_t outsz)
{
	size_t	 n;

	if (*v == '[') {
		n = strcspn(v, "]");
		if (v[n] == ']')
			n++;
	} else
		n = strcspn(v, ":");
	if (outsz == 0)
		return (0);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, v, n);
	out[n] = '\0';
	return (n);
}

/*
 * Parse a --ws-framed header line (n bytes, no newline): kind 'T', 'B'
 * ('t', 'b': more follows), a space, and a length at most max.  Returns 0
 * with *kind and *len, or -1.
 */
int
wsh_frame_parse(const char *s, size_t n, uint64_t max, int *kind,
    uint64_t *len)
{
	uint64_t	 v = 0, d;
	size_t		 i;

	if (n < 3 || memchr("TBtb", s[0], 4) == NULL || s[1] != ' ')
		return (-1);
	/* No leading zero: past 20 digits, v is over max whatever it is. */
	if (s[2] == '0' && n > 3)
		return (-1);
	for (i = 2; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		d = s[i] - '0';
		/* max - d would wrap for a digit over a max under 9. */
		if (d > max || v > max / 10 || v * 10 > max - d)
			return (-1);
		v = v * 10 + d;
	}
	*kind = s[0];
	*len = v;
	return (0);
}

/*
 * A record header for a part of kind and len in out.  Returns its length,
 * or 0 if it does not fit.
 */
size_t
wsh_frame_encode(char *out, size_t outsz, int kind, uint64_t len)
{
	int	 n;

	n = snprintf(out, outsz, "%c %llu\n", kind, (unsigned long long)len);
	return (n < 0 || (size_t)n >= outsz ? 0 : (size_t)n);
}
