/*
 * What every HTTP-speaking server does alike with a head read: credentials
 * asked for and refused (401, 407, 429), and a full server's 503.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "http.h"

/*
 * Check head h (line l) for c's credentials: Proxy-Authorization for a
 * proxy, else Authorization or ?token=; a gives the asker, uri2 and the
 * AUTH_PENDING callback.  Returns auth_check()'s verdict, *retry and *job
 * as it sets them.
 */
enum auth_verdict
listen_http_auth(const struct auth_conf *c, int proxy, const char *h,
    const struct http_line *l, struct auth_ask *a, int *retry,
    struct auth_job **job)
{
	char			 value[HTTP_LINE_MAX * 4];
	char			 token[HTTP_CRED_MAX + 1];
	enum auth_verdict	 v;

	a->value = http_field_get(h, proxy ? "Proxy-Authorization" :
	    "Authorization", value, sizeof(value)) == 1 ? value : NULL;
	a->token = proxy ? NULL : auth_query_token(l->target, token,
	    sizeof(token));
	a->method = l->method;
	a->uri = l->target;
	v = auth_check(c, a, retry, job);
	explicit_bzero(value, sizeof(value));
	explicit_bzero(token, sizeof(token));
	a->value = a->token = NULL;
	return (v);
}

/*
 * The refusal for verdict v in out (outsz bytes): 401 (407 to a proxy's
 * client) with c's challenge, or 429 and Retry-After (retry seconds);
 * flags as http_encode_refusal(), *why says why.  Returns its length, or
 * -1.
 */
ssize_t
listen_http_refusal(const struct auth_conf *c, int proxy,
    enum auth_verdict v, int retry, int flags, char *out, size_t outsz,
    const char **why)
{
	char	 fields[512];

	if (v == AUTH_LIMITED) {
		*why = "too many wrong answers";
		snprintf(fields, sizeof(fields), "Retry-After: %d\r\n", retry);
		return (http_encode_refusal(out, outsz, HTTP_TOO_MANY, fields,
		    *why, flags));
	}
	*why = v == AUTH_STALE ? "stale or replayed Digest nonce" :
	    v == AUTH_MISSING ? "authentication required" :
	    "authentication failed";
	if (auth_challenge(c, proxy, v == AUTH_STALE, fields,
	    sizeof(fields)) == -1)
		*fields = '\0';
	return (http_encode_refusal(out, outsz, proxy ? HTTP_AUTH_REQUIRED :
	    HTTP_UNAUTHORIZED, fields, *why, flags));
}

/*
 * Turn the client on fd away with "503 Service Unavailable" (--max-conns).
 * Best effort: a new socket's buffer is empty.
 */
void
listen_http_full(int fd)
{
	char	 msg[512];
	ssize_t	 n;

	n = http_encode_refusal(msg, sizeof(msg), HTTP_UNAVAILABLE, NULL,
	    "the server is full; try again later", 0);
	if (n > 0)
		(void)send(fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}
