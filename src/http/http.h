/*
 * The http layer: what the servers that speak HTTP (the proxy server,
 * the WebSocket server) do alike on a request's head: the credentials
 * they ask for and check (Basic, Digest, a token, --auth-file's hashes
 * checked off the loop), the limits on wrong answers, and their refusals.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	6
#endif
#if SC_LAYER < 6
#error "a lower layer includes http/http.h: pass a hook down instead"
#endif

#ifndef SC_HTTP_H
#define SC_HTTP_H

#include "net/net.h"

/* auth.c */
#define AUTH_REALM	"sockcat"	/* the realm every challenge names */

/* What auth_check() made of a request's credentials. */
enum auth_verdict {
	AUTH_OK,		/* let in */
	AUTH_MISSING,		/* none: answer with the challenge */
	AUTH_WRONG,		/* wrong: the challenge again */
	AUTH_STALE,		/* a right Digest answer to a spent nonce */
	AUTH_LIMITED,		/* wrong too often of late: 429 */
	AUTH_PENDING,		/* being checked: the verdict comes later */
};

/* The verdict on a request that was AUTH_PENDING, and its retry. */
typedef void auth_cb(enum auth_verdict, int, void *);
struct auth_job;

/* A request's credentials, as auth_check() reads them. */
struct auth_ask {
	const char		*value;	/* (Proxy-)Authorization, or NULL */
	const char		*token;	/* ?token= of the target, or NULL */
	const char		*method;
	const char		*uri;	/* the request target */
	const char		*uri2;	/* another form of it, or NULL */
	const struct sockaddr	*peer;	/* the client's address */
	const char		*who;	/* and its label, for the log */
	auth_cb			*cb;	/* for AUTH_PENDING's verdict; NULL
					   where nothing can pend */
	void			*arg;
};

int		 auth_on(const struct auth_conf *);
int		 auth_same(const void *, size_t, const char *);
int		 auth_add(struct auth_conf *, const char *, char **);
int		 auth_file_read(struct auth_conf *, const char *, char **);
void		 auth_free(struct auth_conf *);
enum auth_verdict auth_check(const struct auth_conf *,
		    const struct auth_ask *, int *, struct auth_job **);
int		 auth_challenge(const struct auth_conf *, int, int, char *,
		    size_t);
const char	*auth_query_token(const char *, char *, size_t);

/* authlimit.c */
struct auth_slot;
struct auth_slot *auth_admit(const struct sockaddr *, const char *, int *);
void		 auth_settle(struct auth_slot *, enum auth_verdict,
		    const char *, const char *, const char *);
enum auth_verdict auth_crypt(struct auth_slot *, const char *, const char *,
		    int, const char *, const struct auth_ask *, int *,
		    struct auth_job **);
void		 auth_cancel(struct auth_job *);
int		 auth_limit(const struct sockaddr *, const char *, int *);
void		 auth_verdict(const struct sockaddr *, int);

/* listenhttp.c */
enum auth_verdict listen_http_auth(const struct auth_conf *, int,
		    const char *, const struct http_line *, struct auth_ask *,
		    int *, struct auth_job **);
ssize_t		 listen_http_refusal(const struct auth_conf *, int,
		    enum auth_verdict, int, int, char *, size_t,
		    const char **);
void		 listen_http_full(int);

#endif /* SC_HTTP_H */
