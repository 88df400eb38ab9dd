/*
 * The steps every HTTP-speaking server (the proxy server, the WebSocket
 * server) takes alike on a head the codec has read: its credentials
 * asked for and refused (401 or 407, 429), and the 503 of a full server.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "http.h"

/*
 * Does the request of head h, whose line is l, carry the credentials c
 * asks for?  A proxy's (proxy set) are in its Proxy-Authorization, a
 * server's in its Authorization or as ?token= in its target.  a says
 * who asks (peer, who), a forwarded request's other form of its target
 * (uri2), and where an AUTH_PENDING verdict goes (cb, arg): the rest is
 * read from the request here.  Returns auth_check()'s verdict, with
 * *retry and *job as it sets them.
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
 * The refusal of a request whose credentials got the verdict v (retry:
 * AUTH_LIMITED's seconds), in out (of size outsz): 401, or 407 to a
 * proxy's client, with c's challenge; 429 and Retry-After when the
 * client or the server has been wrong too often.  flags are
 * http_encode_refusal()'s; *why says why.  Returns its length, or -1.
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
 * Turn the client on fd away from a full server (--max-conns), as a
 * browser expects: "503 Service Unavailable".  Best effort: a new
 * socket's buffer is empty.
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
