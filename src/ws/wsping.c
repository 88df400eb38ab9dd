/*
 * A WebSocket connection's pings (--ws-ping) and pong timeout
 * (--ws-ping-timeout): a silent peer is closed with 1011 and the session
 * told why.  ws-int.h is what they share with wsconn.c.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ws.h"
#include "ws-int.h"

/* How often w pings: --ws-ping, or --ws-ping-timeout alone; 0: never. */
long long
ws_ping_every(const struct ws *w)
{
	if (w->sd->ws.ping_ms > 0)
		return (w->sd->ws.ping_ms);
	return (w->sd->ws.pong_ms > 0 ? w->sd->ws.pong_ms : 0);
}

/* --ws-ping: a ping now and then, whatever the traffic. */
void
ws_ping_cb(void *arg)
{
	struct ws	*w = arg;

	if (w->close_sent)
		return;
	if (ws_queue(w, 1, WS_OP_PING, (const unsigned char *)"sockcat",
	    7) == 0 && ws_send(w) == -1)
		ws_broken(w);
	/*
	 * The oldest ping unanswered is the one timed: a pong answers
	 * every ping before it, and a peer that answers late but answers
	 * each is alive.
	 */
	if (w->sd->ws.pong_ms > 0 && !ev_timer_armed(&w->pong))
		ev_timer_arm(&w->pong, w->sd->ws.pong_ms);
	ev_timer_arm(&w->ping, ws_ping_every(w));
}

/*
 * A client wrote its last: a ping follows, and our close once its pong
 * comes (ws_pong()), so the peer's answer to our last message is sent
 * before it reads our close (Python's websockets would drop it).  Returns
 * -1 when the close must go now (server, peer closed, a line held, no
 * room).
 */
int
ws_close_ping(struct ws *w)
{
	if (w->server || w->in_closed || w->close_sent || w->linelen > 0 ||
	    ws_queue(w, 1, WS_OP_PING, (const unsigned char *)WS_CLOSE_PING,
	    sizeof(WS_CLOSE_PING) - 1) == -1)
		return (-1);
	w->close_ping = 1;
	if (ws_send(w) == -1)
		ws_broken(w);
	return (0);
}

/* A pong came: the peer lives; ws_close_ping()'s pong lets our close go. */
void
ws_pong(struct ws *w)
{
	ev_timer_disarm(&w->pong);
	if (w->close_ping && w->ctrllen == sizeof(WS_CLOSE_PING) - 1 &&
	    memcmp(w->ctrl, WS_CLOSE_PING, w->ctrllen) == 0) {
		w->close_ping = 0;
		w->close_due = 1;
		ws_finish(w);
	}
}

/*
 * --ws-ping-timeout: no pong in time.  The session ends as a failed read,
 * 1011 told to the peer in case it is only slow.
 */
void
ws_pong_cb(void *arg)
{
	struct ws	*w = arg;
	struct session	*s;
	char		 why[64];

	if (w->ep == NULL || w->in_closed)
		return;
	if (w->sd->ws.pong_ms % 1000 == 0)
		(void)snprintf(why, sizeof(why), "no pong within %llds",
		    w->sd->ws.pong_ms / 1000);
	else
		(void)snprintf(why, sizeof(why), "no pong within %lldms",
		    w->sd->ws.pong_ms);
	log_verbose_warn(1, "WebSocket: %s; closing with %d", why,
	    WS_CLOSE_INTERNAL);
	(void)ws_fail_error(w, WS_CLOSE_INTERNAL, why, ETIMEDOUT);
	s = w->ep->session;
	/* The read reports the error, unless its destination is full. */
	ep_readable(w->ep);
	if (!w->end_told) {
		log_warnx("WebSocket: %s; closed with %d", why,
		    WS_CLOSE_INTERNAL);
		ep_write_broken(w->ep);
	}
	ep_write_ended(w->ep);
	session_check(s);
}
