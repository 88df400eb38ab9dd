/*
 * A client's -v "Connection received on" line, its name looked up off the
 * loop for a while at most: the listener's naming step, and a datagram
 * server's for each new peer.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>

#include "net.h"

/*
 * How long a client's name is waited for before its -v line gives its
 * address instead: a resolver's usual time-out for one try.
 */
#define LISTEN_NAME_MS		5000

/* A client's -v line, waiting for the client's name. */
struct listen_name {
	const struct side	*sd;
	struct net_peer		 peer;
	struct resolve		*rs;
	struct ev_timer		 deadline;
	void			(*done)(void *);
	void			*arg;
	const char		*starting; /* ASYNC_START() */
};

/* The name is in (NULL: none): print the line, then done. */
static void
listen_named(struct listen_name *ln, const char *name)
{
	void	(*done)(void *) = ln->done;
	void	*arg = ln->arg;

	ASYNC_CALLBACK(ln, "listen_named", ln->done);
	net_report_named(ln->sd, &ln->peer, name);
	listen_name_cancel(ln);
	if (done != NULL)
		done(arg);
}

static void
listen_name_cb(int error, const char *name, void *arg)
{
	struct listen_name	*ln = arg;

	ln->rs = NULL;
	listen_named(ln, error == 0 ? name : NULL);
}

/* The resolver is too slow: give the address. */
static void
listen_name_deadline_cb(void *arg)
{
	listen_named(arg, NULL);
}

/*
 * Print nc's "Connection received on" line for the client at peer, its
 * name (with -v, without -n) looked up in its own resolver share for at
 * most LISTEN_NAME_MS.  done(arg), if not NULL, runs from the loop and the
 * handle goes.  Returns the handle, or NULL when the line is printed
 * already (done never runs).
 */
struct listen_name *
listen_name_start(const struct side *sd, const struct net_peer *peer,
    void (*done)(void *), void *arg)
{
	struct listen_name	*ln;

	if (!net_report_needs_name(sd, peer) ||
	    (ln = calloc(1, sizeof(*ln))) == NULL) {
		net_report_named(sd, peer, NULL);
		return (NULL);
	}
	ln->sd = sd;
	ln->peer = *peer;
	ln->done = done;
	ln->arg = arg;
	ASYNC_START(ln, "listen_name_start");
	/* A peer beyond its share of lookups is given by its address. */
	if ((ln->rs = resolve_name((const struct sockaddr *)&peer->ss,
	    peer->len, listen_name_cb, ln)) == NULL) {
		free(ln);
		net_report_named(sd, peer, NULL);
		return (NULL);
	}
	ev_timer_init(&ln->deadline, listen_name_deadline_cb, ln);
	ev_timer_arm(&ln->deadline, LISTEN_NAME_MS);
	ASYNC_STARTED(ln);
	return (ln);
}

/* Forget a line waiting for its name (NULL: none). */
void
listen_name_cancel(struct listen_name *ln)
{
	if (ln == NULL)
		return;
	resolve_cancel(ln->rs);
	ev_timer_disarm(&ln->deadline);
	free(ln);
}
