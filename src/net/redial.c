/*
 * A client's connection made again after it ended (--reconnect): a pause,
 * then the dial, then TLS and the WebSocket upgrade as the command line
 * asks, tried until one attempt gets through or MAX have failed.  The
 * pause starts at --retry-interval and doubles after each failed attempt,
 * up to REDIAL_MAX_MS, each one drawn at random from its upper half so
 * that clients cut off together do not all come back together.
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
	const struct dial_how	*how;
	redial_cb		*cb;
	void			*arg;
	int			 tries;	/* Attempts since the loss. */
	long long		 pause_ms; /* The next pause, before jitter. */
	struct ev_timer		 timer;
	/* The attempt in progress, one stage at a time. */
	struct dial		*dial;
	struct tls_hs		*tls_hs;
	struct ws_hs		*ws_hs;
	int			 fd;
	struct net_peer		 peer;
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
	r->how = how;
	r->cb = cb;
	r->arg = arg;
	r->fd = -1;
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

	if (r->fd != -1) {
		close(r->fd);
		r->fd = -1;
	}
	if (cause != NULL)
		log_verbose(1, "%s", cause);
	if (r->sd->reconnect_max > 0 && r->tries >= r->sd->reconnect_max) {
		r->cb(-1, NULL, NULL, NULL, r->arg);
		return;
	}
	cap = r->sd->retry_ms > REDIAL_MAX_MS ? r->sd->retry_ms : REDIAL_MAX_MS;
	r->pause_ms = r->pause_ms > cap / 2 ? cap : r->pause_ms * 2;
	redial_pause(r);
}

/* The attempt got through: the owner takes the socket. */
static void
redial_done(struct redial *r, struct tls *t, struct ws *w)
{
	int	 fd = r->fd;

	r->fd = -1;
	r->cb(fd, &r->peer, t, w, r->arg);
}

static void
redial_ws_done(struct ws *w, char *cause, void *arg)
{
	struct redial	*r = arg;

	r->ws_hs = NULL;
	if (w == NULL) {
		redial_failed(r, cause);
		free(cause);
		return;
	}
	redial_done(r, NULL, w);
}

/* TLS, where asked, is up (t), or there is none: the upgrade, if any. */
static void
redial_ws(struct redial *r, struct tls *t)
{
	char	*cause;

	if (r->sd->ws.path == NULL) {
		redial_done(r, t, NULL);
		return;
	}
	if ((r->ws_hs = ws_connect_start(r->sd, r->fd, t, r->host, r->port,
	    redial_ws_done, r, &cause)) == NULL) {
		redial_failed(r, cause);
		free(cause);
	}
}

static void
redial_tls_done(struct tls *t, char *cause, void *arg)
{
	struct redial	*r = arg;

	r->tls_hs = NULL;
	if (t == NULL) {
		redial_failed(r, cause);
		free(cause);
		return;
	}
	redial_ws(r, t);
}

static void
redial_dial_cb(int fd, const struct net_peer *peer, int error,
    const char *cause, void *arg)
{
	struct redial	*r = arg;
	char		*why;

	r->dial = NULL;
	if (fd == -1) {
		/* A path's failure is said by nobody else. */
		if (cause == NULL && r->how != NULL &&
		    (r->how->flags & DIAL_UNIX))
			log_verbose(1, "%s: %s", r->host, strerror(error));
		redial_failed(r, cause);
		return;
	}
	r->fd = fd;
	r->peer = *peer;
	if (!r->sd->tls.on) {
		redial_ws(r, NULL);
		return;
	}
	if ((r->tls_hs = tls_handshake_start(r->sd->tls.ctx, fd, r->host,
	    r->sd->timeout_ms,
	    redial_tls_done, r, &why)) == NULL) {
		redial_failed(r, why);
		free(why);
	}
}

/* The pause is over: one more attempt. */
static void
redial_try(void *arg)
{
	struct redial	*r = arg;

	r->tries++;
	if ((r->dial = dial_open(r->sd, r->host, r->port, r->sd->timeout_ms,
	    r->how, redial_dial_cb, r)) == NULL)
		redial_failed(r, strerror(errno));
}

/* Give up any attempt in progress and free r; its callback never comes. */
void
redial_free(struct redial *r)
{
	if (r == NULL)
		return;
	ev_timer_disarm(&r->timer);
	dial_cancel(r->dial);
	tls_handshake_cancel(r->tls_hs);
	ws_hs_cancel(r->ws_hs);
	if (r->fd != -1)
		close(r->fd);
	free(r);
}
