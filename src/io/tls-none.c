/*
 * TLS when built without OpenSSL: the entry points of tls.c, tlssecret.c,
 * tlsconn.c and tlsenv.c, each saying TLS was not built in, so callers
 * need no #ifdef.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>

#include "io.h"

/* Stubs: what they are given does not matter. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

__startup int
tls_available(void)
{
	return (0);
}

struct tls_ctx *
tls_ctx_new(const struct tls_conf *conf, int flags, char **cause)
{
	log_cause(cause, "TLS support was not built in");
	return (NULL);
}

int
tls_ctx_reload(struct tls_ctx *tc, char **cause)
{
	*cause = NULL;
	return (0);
}

void
tls_ctx_free(struct tls_ctx *tc)
{
}

#ifdef SC_DEBUG
void
tls_ctx_taken(const struct tls_ctx *tc, int part, size_t off)
{
}
#endif

int
tls_secret_key(const struct tls_conf *conf, unsigned char *key,
    char **cause)
{
	log_cause(cause, "TLS support was not built in");
	return (-1);
}

int
tls_secret_name(const struct tls_conf *conf, unsigned char *name,
    char **cause)
{
	log_cause(cause, "TLS support was not built in");
	return (-1);
}

struct tls_hs *
tls_handshake_start(struct tls_ctx *tc, struct tls *t, int fd,
    const char *host, long long timeout_ms, tls_done_cb *done, void *arg,
    char **cause)
{
	log_cause(cause, "TLS support was not built in");
	return (NULL);
}

void
tls_handshake_cancel(struct tls_hs *h)
{
}

int
tls_dtls_listen(struct tls_ctx *tc, int lfd, struct net_peer *peer,
    struct tls **tp)
{
	*tp = NULL;
	errno = EPROTONOSUPPORT;
	return (-1);
}

int
tls_check_peer(const struct tls_conf *c, struct tls *t, char **cause)
{
	log_cause(cause, "TLS support was not built in");
	return (-1);
}

void
tls_attach(struct endpoint *ep, struct tls *t)
{
}

void
tls_free(struct tls *t)
{
}

char **
tls_peer_env(struct tls *t, const char *prefix)
{
	return (calloc(1, sizeof(char *)));
}

ssize_t
tls_read(struct tls *t, void *p, size_t n, int *want)
{
	*want = 0;
	errno = EPROTO;
	return (-1);
}

ssize_t
tls_write(struct tls *t, const void *p, size_t n, int *want)
{
	*want = 0;
	errno = EPROTO;
	return (-1);
}

int
tls_close_notify(struct tls *t)
{
	return (0);
}

const char *
tls_cut_why(struct tls *t)
{
	return (NULL);
}

int
tls_pending(struct tls *t)
{
	return (0);
}

