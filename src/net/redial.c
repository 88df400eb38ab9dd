/*
 * A client's connection made again after it ended (--reconnect): a pause,
 * then the side opened again (open.c), until one attempt gets through or
 * MAX have failed.  The pause starts at --retry-interval and doubles after
 * each failed attempt, up to REDIAL_MAX_MS, drawn at random from its upper
 * half so that clients cut off together do not all come back together.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

struct redial {
	const struct side	*sd;
	const char		*host;
	const char		*port;
	struct dial_how		 how;	/* the owner's, one try at a time */
	redial_cb		*cb;
	void			*arg;
	int			 tries;	/* Attempts since the loss. */
	long long		 pause_ms; /* The next pause, before jitter. */
	struct ev_timer		 timer;
	struct opening		*op;	/* The attempt in progress. */
};

static void	redial_try(void *);

/*
 * Make the connection to host and port (port NULL and how DIAL_UNIX for a
 * Unix-domain path) again each time redial_start() asks; cb hears of each
 * outcome.  Returns NULL with errno on failure.
 */
struct redial *
redial_new(const struct side *sd, const char *host, const char *port,
    const struct dial_how *how, redial_cb *cb, void *arg)
{
	struct redial	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->sd = sd;
	r->host = host;
	r->port = port;
	if (how != NULL)
		r->how = *how;
	r->how.flags |= DIAL_ONCE;
	r->cb = cb;
	r->arg = arg;
	ev_timer_init(&r->timer, redial_try, r);
	return (r);
}

/* Wait the pause, jittered: somewhere in its upper half. */
static void
redial_pause(struct redial *r)
{
	long long	 half = r->pause_ms / 2;

	ev_timer_arm(&r->timer, r->pause_ms - half +
	    (long long)arc4random_uniform((uint32_t)half + 1));
}

/*
 * The connection was lost: start trying to make it again, after the
 * first pause.  The callback comes from the loop.
 */
void
redial_start(struct redial *r)
{
	r->tries = 0;
	r->pause_ms = r->sd->retry_ms;
	redial_pause(r);
}

/* How many attempts were made since redial_start(). */
int
redial_tries(const struct redial *r)
{
	return (r->tries);
}

/*
 * An attempt failed, for cause (said with -v) or for the reason the dial
 * has said already (NULL): the next one after a longer pause, or, when
 * the attempts allowed are spent, the end, told to the owner.
 */
static void
redial_failed(struct redial *r, const char *cause)
{
	long long	 cap;

	if (cause != NULL)
		log_verbose_warn(1, "%s", cause);
	if (r->sd->reconnect_max > 0 && r->tries >= r->sd->reconnect_max) {
		r->cb(-1, NULL, NULL, NULL, r->arg);
		return;
	}
	cap = r->sd->retry_ms > REDIAL_MAX_MS ? r->sd->retry_ms : REDIAL_MAX_MS;
	r->pause_ms = r->pause_ms > cap / 2 ? cap : r->pause_ms * 2;
	redial_pause(r);
}

/* An attempt is over: the owner takes its socket, TLS and WebSocket. */
static void
redial_opened(struct netconn *nc, const struct net_peer *peer, int error,
    const char *cause, void *arg)
{
	struct redial	*r = arg;
	struct tls	*t;
	struct ws	*w;
	int		 fd;

	r->op = NULL;
	if (nc == NULL) {
		/* A path's failure is said by nobody else. */
		if (cause == NULL && (r->how.flags & DIAL_UNIX))
			log_verbose_warn(1, "%s: %s", r->host, strerror(error));
		redial_failed(r, cause);
		return;
	}
	fd = nc->fd;
	t = nc->tls;
	w = nc->ws;
	nc->fd = -1;
	nc->tls = NULL;
	nc->ws = NULL;
	netconn_free(nc);
	r->cb(fd, peer, t, w, r->arg);
}

/* The pause is over: one more attempt. */
static void
redial_try(void *arg)
{
	struct redial	*r = arg;

	r->tries++;
	if ((r->op = open_start(r->sd, r->host, r->port, &r->how,
	    redial_opened, r)) == NULL)
		redial_failed(r, strerror(errno));
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
