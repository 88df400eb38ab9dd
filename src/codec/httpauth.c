/*
 * HTTP authentication as pure functions: Basic and base64, challenges (RFC
 * 9110, 11), Digest (RFC 7616) parsed and answered; for src/net/proxy.c,
 * src/http/auth.c and the fuzz targets.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

/* Base64's alphabet, each symbol worth its index. */
static const char http_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Base64 of len bytes of in, NUL-terminated in out (4 * ((len + 2) / 3) +
 * 1 bytes).
 */
void
http_base64(const unsigned char *in, size_t len, char *out)
{
	uint32_t	 v;
	size_t		 i;

	/* Three bytes make four symbols; a last one or two, '=' padded. */
	for (i = 0; i < len; i += 3) {
		v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) |
		    (i + 2 < len ? in[i + 2] : 0);
		*out++ = http_b64[v >> 18];
		*out++ = http_b64[(v >> 12) & 63];
		*out++ = i + 1 < len ? http_b64[(v >> 6) & 63] : '=';
		*out++ = i + 2 < len ? http_b64[v & 63] : '=';
	}
	*out = '\0';
}

/*
 * Decode padded base64 s into out (outsz bytes), NUL-terminated.  Returns
 * the bytes decoded, or -1 when s is not base64 or does not fit.
 */
ssize_t
http_unbase64(const char *s, unsigned char *out, size_t outsz)
{
	const char	*c;
	uint32_t	 v = 0;
	size_t		 len = strlen(s), i, n = 0, pad = 0;

	if (len % 4 != 0)
		return (-1);
	for (i = 0; i < len; i++) {
		/* Padding: '=' to the end, at most two. */
		if (len - i <= 2 && strspn(s + i, "=") == len - i) {
			pad++;
			v <<= 6;
		} else if (pad > 0 || (c = strchr(http_b64, s[i])) == NULL)
			return (-1);
		else
			v = v << 6 | (uint32_t)(c - http_b64);
		if (i % 4 != 3)
			continue;
		if (n + 3 - pad + 1 > outsz)
			return (-1);
		out[n++] = v >> 16;
		if (pad < 2)
			out[n++] = v >> 8;
		if (pad < 1)
			out[n++] = v;
		v = 0;
	}
	out[n] = '\0';
	return (n);
}

/* Basic credentials of user and pass in out (HTTP_BASIC_MAX), or -1. */
static int
http_basic(const char *user, const char *pass, char *out)
{
	char	 cred[2 * HTTP_CRED_MAX + 2];
	int	 n;

	if (strlen(user) > HTTP_CRED_MAX || strlen(pass) > HTTP_CRED_MAX)
		return (-1);
	n = snprintf(cred, sizeof(cred), "%s:%s", user, pass);
	if (n < 0 || (size_t)n >= sizeof(cred))
		return (-1);
	http_base64((unsigned char *)cred, n, out);
	explicit_bzero(cred, sizeof(cred));
	return (0);
}

/*
 * Parse in place the parameters v of a Digest challenge or answer (after
 * "Digest "), unknown names skipped.  Returns 0, or -1 on bad syntax.
 */
int
http_digest_parse(char *v, struct http_digest *d)
{
	static const char *const names[] = { "realm", "nonce", "opaque",
	    "qop", "username", "uri", "response", "cnonce", "nc", "stale" };
	char	**slots[] = { &d->realm, &d->nonce, &d->opaque, &d->qop,
	    &d->username, &d->uri, &d->response, &d->cnonce, &d->nc,
	    &d->stale };
	char	*name, *end, *val, *w;
	size_t	 i;

	memset(d, 0, sizeof(*d));
	d->alg = DIGEST_MD5;
	while (*v != '\0') {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (*v == '\0')
			break;
		name = v;
		end = v += strcspn(v, "= \t,");
		/* Blanks may stand around the '=' (RFC 9110, 11.2). */
		v += strspn(v, " \t");
		if (*v != '=')
			return (-1);
		*end = '\0';
		v++;
		v += strspn(v, " \t");
		if (*v == '"') {
			val = w = ++v;
			for (; *v != '"'; v++) {
				if (*v == '\0')
					return (-1);
				if (*v == '\\' && v[1] != '\0')
					v++;
				*w++ = *v;
			}
			v++;
			*w = '\0';
		} else {
			val = v;
			v += strcspn(v, " \t,");
			if (*v != '\0')
				*v++ = '\0';
		}
		for (i = 0; i < nitems(names) &&
		    strcasecmp(name, names[i]) != 0; i++)
			;
		if (i < nitems(names))
			*slots[i] = val;
		else if (strcasecmp(name, "algorithm") == 0) {
			if (strcasecmp(val, "MD5") == 0)
				d->alg = DIGEST_MD5;
			else if (strcasecmp(val, "SHA-256") == 0)
				d->alg = DIGEST_SHA256;
			else
				d->alg = -1;
		}
	}
	return (0);
}

/*
 * RFC 7616's qop=auth response from d (RFC 2069's when d->qop is NULL), in
 * hex in out (DIGEST_HEX_MAX bytes).  Returns -1 when a part is missing or
 * too long.
 */
int
http_digest_response(const struct http_digest *d, const char *user,
    const char *pass, const char *method, const char *uri, char *out)
{
	char	 s[3 * HTTP_LINE_MAX], ha1[DIGEST_HEX_MAX], ha2[DIGEST_HEX_MAX];
	int	 n;

	if (d->realm == NULL || d->nonce == NULL || d->alg == -1)
		return (-1);
	n = snprintf(s, sizeof(s), "%s:%s:%s", user, d->realm, pass);
	if (n < 0 || (size_t)n >= sizeof(s))
		return (-1);
	digest_hex(d->alg, s, ha1);
	explicit_bzero(s, sizeof(s));
	n = snprintf(s, sizeof(s), "%s:%s", method, uri);
	if (n < 0 || (size_t)n >= sizeof(s))
		return (-1);
	digest_hex(d->alg, s, ha2);
	if (d->qop == NULL)
		n = snprintf(s, sizeof(s), "%s:%s:%s", ha1, d->nonce, ha2);
	else if (d->nc != NULL && d->cnonce != NULL)
		n = snprintf(s, sizeof(s), "%s:%s:%s:%s:auth:%s", ha1,
		    d->nonce, d->nc, d->cnonce, ha2);
	else
		n = -1;
	explicit_bzero(ha1, sizeof(ha1));
	if (n < 0 || (size_t)n >= sizeof(s))
		return (-1);
	digest_hex(d->alg, s, out);
	return (0);
}

/* The end of the auth-param at p, or NULL if p starts none (RFC 9110, 11.2). */
static const char *
http_param_end(const char *p)
{
	size_t	 len;

	len = strcspn(p, " \t,=\"");
	if (len == 0)
		return (NULL);
	p += len;
	p += strspn(p, " \t");
	/* "==" ends a token68, as in "Negotiate abc==". */
	if (*p != '=' || p[1] == '=')
		return (NULL);
	p++;
	p += strspn(p, " \t");
	if (*p != '"')
		return (p + strcspn(p, " \t,"));
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return (NULL);
		if (*p == '\\' && p[1] != '\0')
			p++;
	}
	return (p + 1);
}

/*
 * Copy s (NULL: none, out left as it is) to out[HTTP_PARAM_MAX + 1].
 * Returns -1 if too long.
 */
static int
http_param_copy(char *out, const char *s)
{
	if (s != NULL && strlcpy(out, s, HTTP_PARAM_MAX + 1) > HTTP_PARAM_MAX)
		return (-1);
	return (0);
}

/*
 * Take one challenge (scheme of len bytes, params rewritten) into ch if
 * stronger; an unanswered scheme is remembered for the message.
 */
static void
http_challenge_one(struct http_challenge *ch, const char *scheme,
    size_t len, char *params)
{
	struct http_digest	 d;
	struct http_challenge	 c;

	memset(&c, 0, sizeof(c));
	if (len == 5 && strncasecmp(scheme, "Basic", 5) == 0)
		c.scheme = HTTP_AUTH_BASIC;
	else if (len == 6 && strncasecmp(scheme, "Digest", 6) == 0) {
		/*
		 * A Digest challenge that makes no sense is an error, never
		 * a reason to answer a weaker one: the proxy may be
		 * fishing for the password in the clear.
		 */
		if (http_digest_parse(params, &d) == -1) {
			ch->bad = "Digest parameters cannot be parsed";
			return;
		}
		if (d.realm == NULL || d.nonce == NULL) {
			ch->bad = "Digest without realm or nonce";
			return;
		}
		if (http_param_copy(c.realm, d.realm) == -1 ||
		    http_param_copy(c.nonce, d.nonce) == -1 ||
		    http_param_copy(c.opaque, d.opaque) == -1) {
			ch->bad = "Digest parameter too long";
			return;
		}
		/*
		 * Answered: MD5 or SHA-256, with qop=auth or, from a proxy
		 * that speaks RFC 2069, without qop; not the -sess variants
		 * nor a qop list without auth (auth-int alone).
		 */
		if (d.alg == -1 ||
		    (d.qop != NULL && !http_list_has(d.qop, "auth")))
			goto other;
		c.has_opaque = d.opaque != NULL;
		c.qop = d.qop != NULL;
		c.stale = d.stale != NULL && strcasecmp(d.stale, "true") == 0;
		c.scheme = d.alg == DIGEST_SHA256 ?
		    HTTP_AUTH_DIGEST_SHA256 : HTTP_AUTH_DIGEST_MD5;
	} else
		goto other;
	if (c.scheme > ch->scheme) {
		memcpy(c.other, ch->other, sizeof(c.other));
		c.offered = 1;
		c.bad = ch->bad;
		*ch = c;
	}
	return;

other:
	if (ch->other[0] == '\0') {
		if (len >= sizeof(ch->other))
			len = sizeof(ch->other) - 1;
		memcpy(ch->other, scheme, len);
		ch->other[len] = '\0';
	}
}

/*
 * Take one Proxy-Authenticate value, which may hold several challenges,
 * keeping in ch the strongest we answer (the HTTP_AUTH_* order).  What
 * follows a nonsense part is ignored.
 */
void
http_challenge_add(struct http_challenge *ch, const char *value)
{
	char		 params[HTTP_LINE_MAX + 1];
	const char	*p = value, *scheme, *start, *q;
	size_t		 len;

	ch->offered = 1;
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return;
		/* A challenge starts with its scheme, a token. */
		scheme = p;
		len = strcspn(p, " \t,=\"");
		if (len == 0 || http_param_end(p) != NULL)
			return;
		p += len;
		start = p;
		q = p + strspn(p, " \t");
		if (q != p && *q != ',' && *q != '\0' &&
		    http_param_end(q) == NULL) {
			/* A token68 (RFC 9110, section 11.2), not ours. */
			p = q + strcspn(q, " \t,");
			start = p;
		} else {
			/* Its auth-params run up to the next scheme. */
			for (;;) {
				q = p + strspn(p, " \t,");
				if (*q == '\0' || (q = http_param_end(q)) == NULL)
					break;
				p = q;
			}
		}
		if ((size_t)(p - start) > HTTP_LINE_MAX)
			return;
		memcpy(params, start, p - start);
		params[p - start] = '\0';
		http_challenge_one(ch, scheme, len, params);
	}
}

/* s double-quoted, '"' and '\' escaped, in out.  Returns -1 if too long. */
static int
http_quote(char *out, size_t size, const char *s)
{
	size_t	 n = 0;

	if (size < 3)
		return (-1);
	out[n++] = '"';
	for (; *s != '\0'; s++) {
		if (n + 4 > size)
			return (-1);
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n++] = '"';
	out[n] = '\0';
	return (0);
}

/*
 * The Proxy-Authorization value answering ch for user and pass on the
 * CONNECT of uri (Digest: qop=auth, nc 1, cnonce), NUL-terminated in buf.
 * Returns its length, or -1 when it does not fit or ch is empty.
 */
ssize_t
http_encode_auth(char *buf, size_t size, const struct http_challenge *ch,
    const char *user, const char *pass, const char *uri, const char *cnonce)
{
	struct http_digest	 d;
	char			 basic[HTTP_BASIC_MAX];
	char			 resp[DIGEST_HEX_MAX];
	char			 qu[2 * HTTP_CRED_MAX + 3];
	char			 qr[2 * HTTP_PARAM_MAX + 3];
	char			 qn[2 * HTTP_PARAM_MAX + 3];
	char			 qo[2 * HTTP_PARAM_MAX + 3];
	char			 qi[2 * HTTP_LINE_MAX + 3];
	char			 qc[2 * HTTP_PARAM_MAX + 3];
	char			 qp[3 * HTTP_PARAM_MAX];
	int			 n;

	switch (ch->scheme) {
	case HTTP_AUTH_BASIC:
		if (http_basic(user, pass, basic) == -1)
			return (-1);
		n = snprintf(buf, size, "Basic %s", basic);
		explicit_bzero(basic, sizeof(basic));
		break;
	case HTTP_AUTH_DIGEST_MD5:
	case HTTP_AUTH_DIGEST_SHA256:
		memset(&d, 0, sizeof(d));
		d.alg = ch->scheme == HTTP_AUTH_DIGEST_SHA256 ?
		    DIGEST_SHA256 : DIGEST_MD5;
		d.realm = (char *)ch->realm;
		d.nonce = (char *)ch->nonce;
		if (ch->qop) {
			d.qop = (char *)"auth";
			d.nc = (char *)"00000001";
			d.cnonce = (char *)cnonce;
		}
		if (strlen(user) > HTTP_CRED_MAX ||
		    strlen(pass) > HTTP_CRED_MAX ||
		    http_digest_response(&d, user, pass, "CONNECT", uri,
		    resp) == -1 ||
		    http_quote(qu, sizeof(qu), user) == -1 ||
		    http_quote(qr, sizeof(qr), ch->realm) == -1 ||
		    http_quote(qn, sizeof(qn), ch->nonce) == -1 ||
		    http_quote(qo, sizeof(qo), ch->opaque) == -1 ||
		    http_quote(qi, sizeof(qi), uri) == -1)
			return (-1);
		/* RFC 2069 has neither qop, nor nc, nor cnonce. */
		qp[0] = '\0';
		if (ch->qop && (http_quote(qc, sizeof(qc), cnonce) == -1 ||
		    snprintf(qp, sizeof(qp), ", qop=auth, nc=%s, cnonce=%s",
		    d.nc, qc) >= (int)sizeof(qp)))
			return (-1);
		n = snprintf(buf, size, "Digest username=%s, realm=%s, "
		    "nonce=%s, uri=%s, algorithm=%s, response=\"%s\"%s%s%s",
		    qu, qr, qn, qi, d.alg == DIGEST_SHA256 ? "SHA-256" : "MD5",
		    resp, qp, ch->has_opaque ? ", opaque=" : "",
		    ch->has_opaque ? qo : "");
		explicit_bzero(resp, sizeof(resp));
		break;
	default:
		return (-1);
	}
	if (n < 0 || (size_t)n >= size) {
		explicit_bzero(buf, size);
		return (-1);
	}
	return (n);
}
