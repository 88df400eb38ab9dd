/*
 * TLS when sockcat is built without OpenSSL (configure --without-openssl,
 * or no OpenSSL found): the same entry points as src/io/tls.c, each of which
 * says that TLS was not built in, so the callers need no #ifdef.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>

#include "io.h"

__startup int
tls_available(void)
{
	return (0);
}

int
tls_setup(const struct options *o, char **cause)
{
	(void)o;
	log_cause(cause, "TLS support was not built in");
	return (-1);
}

int
tls_reload(const struct options *o, char **cause)
{
	(void)o;
	*cause = NULL;
	return (0);
}

struct tls *
tls_handshake(const struct options *o, int fd, const char *host,
    long long timeout_ms, char **cause)
{
	(void)o;
	(void)fd;
	(void)host;
	(void)timeout_ms;
	log_cause(cause, "TLS support was not built in");
	return (NULL);
}

struct tls_hs *
tls_handshake_start(const struct options *o, int fd, const char *host,
    long long timeout_ms, tls_done_cb *done, void *arg, char **cause)
{
	(void)o;
	(void)fd;
	(void)host;
	(void)timeout_ms;
	(void)done;
	(void)arg;
	log_cause(cause, "TLS support was not built in");
	return (NULL);
}

void
tls_handshake_cancel(struct tls_hs *h)
{
	(void)h;
}

int
tls_dtls_listen(int lfd, struct net_peer *peer, struct tls **tp)
{
	(void)lfd;
	(void)peer;
	*tp = NULL;
	errno = EPROTONOSUPPORT;
	return (-1);
}

struct tls_hs *
tls_dtls_accept_start(const struct options *o, struct tls *t, int fd,
    long long timeout_ms, tls_done_cb *done, void *arg, char **cause)
{
	(void)o;
	(void)t;
	(void)fd;
	(void)timeout_ms;
	(void)done;
	(void)arg;
	log_cause(cause, "TLS support was not built in");
	return (NULL);
}

int
tls_check_peer(const struct options *o, struct tls *t, char **cause)
{
	(void)o;
	(void)t;
	log_cause(cause, "TLS support was not built in");
	return (-1);
}

int
tls_setup_origin(const struct options *o, char **cause)
{
	(void)o;
	log_cause(cause, "TLS support was not built in");
	return (-1);
}

struct tls_hs *
tls_origin_start(const struct options *o, int fd, const char *host,
    long long timeout_ms, tls_done_cb *done, void *arg, char **cause)
{
	return (tls_handshake_start(o, fd, host, timeout_ms, done, arg,
	    cause));
}

void
tls_attach(struct endpoint *ep, struct tls *t)
{
	(void)ep;
	(void)t;
}

void
tls_free(struct tls *t)
{
	(void)t;
}

ssize_t
tls_read(struct tls *t, void *p, size_t n, int *want)
{
	(void)t;
	(void)p;
	(void)n;
	*want = 0;
	errno = EPROTO;
	return (-1);
}

ssize_t
tls_write(struct tls *t, const void *p, size_t n, int *want)
{
	(void)t;
	(void)p;
	(void)n;
	*want = 0;
	errno = EPROTO;
	return (-1);
}

void
tls_close_notify(struct tls *t)
{
	(void)t;
}

int
tls_pending(struct tls *t)
{
	(void)t;
	return (0);
}

