/*
 * --reconnect: a client's connection made again after it ended, with a
 * pause from --retry-interval, doubled each failure up to REDIAL_MAX_MS
 * and jittered, until an attempt gets through or MAX have failed.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "side.h"

struct redial {
	const struct side	*sd;
	const char		*host;
	const char		*port;
	struct dial_how		 how;	/* one try at a time */
	redial_cb		*cb;
	void			*arg;
	struct retry		 retry;	/* Attempts since the loss. */
	struct ev_timer		 timer;
	struct opening		*op;	/* The attempt in progress. */
};

static void	redial_try(void *);

/*
 * Make ready to dial host and port (port NULL: a Unix path) again at each
 * redial_start(); cb hears each outcome.  Returns NULL with errno.
 */
struct redial *
redial_new(const struct side *sd, const char *host, const char *port,
    redial_cb *cb, void *arg)
{
	struct redial	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->sd = sd;
	r->host = host;
	r->port = port;
	/* A Unix listener's full backlog is waited out, as the first dial's. */
	r->how.flags = DIAL_ONCE | (sd->sock.family == AF_UNIX ? DIAL_BACKLOG :
	    0);
	r->cb = cb;
	r->arg = arg;
	ev_timer_init(&r->timer, redial_try, r);
	return (r);
}

/*
 * Schedule the next attempt, or tell the owner the attempts are spent; the
 * callback comes from the loop.
 */
static void
redial_next(struct redial *r)
{
	if (retry_again(&r->retry))
		ev_timer_arm(&r->timer, retry_pause(&r->retry));
	else
		r->cb(-1, NULL, NULL, NULL, r->arg);
}

/* The connection was lost: make it again; the callback comes from the loop. */
void
redial_start(struct redial *r)
{
	r->retry = (struct retry){ .max = r->sd->reconnect_max > 0 ?
	    r->sd->reconnect_max : RETRY_FOREVER, .pause_ms = r->sd->retry_ms,
	    .cap_ms = r->sd->retry_ms > REDIAL_MAX_MS ? r->sd->retry_ms :
	    REDIAL_MAX_MS };
	redial_next(r);
}

/* How many attempts were made since redial_start(). */
int
redial_tries(const struct redial *r)
{
	return (r->retry.tries);
}

/* An attempt is over: the owner takes its socket, TLS and WebSocket. */
static void
redial_opened(struct netconn *nc, const struct net_peer *peer, int error,
    const char *cause, void *arg)
{
	struct redial	*r = arg;

	r->op = NULL;
	if (nc == NULL) {
		/* A path's failure is said by nobody else. */
		if (cause == NULL && r->sd->sock.family == AF_UNIX)
			log_verbose_warn(1, "%s: %s", r->host, strerror(error));
		else if (cause != NULL)
			log_verbose_warn(1, "%s", cause);
		redial_next(r);
		return;
	}
	r->cb(nc->fd, peer, nc->tls, nc->ws, r->arg);
	nc->fd = -1;
	nc->tls = NULL;
	nc->ws = NULL;
	netconn_free(nc);
}

/* The pause is over: one more attempt. */
static void
redial_try(void *arg)
{
	struct redial	*r = arg;

	if ((r->op = open_start(r->sd, r->host, r->port, &r->how,
	    redial_opened, r)) == NULL) {
		log_verbose_warn(1, "%s", strerror(errno));
		redial_next(r);
	}
}

/* Give up any attempt in progress and free r; its callback never comes. */
void
redial_free(struct redial *r)
{
	if (r == NULL)
		return;
	ev_timer_disarm(&r->timer);
	open_cancel(r->op);
	free(r);
}
