/*
 * A WebSocket as a socket: one end of a Unix socket pair joined in a
 * session of its own with a WebSocket's payload, both ways, so that what
 * runs over a descriptor (--via ws://'s TLS) runs inside it.  Never
 * spliced.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ws.h"

struct ws_bridge {
	struct session		*s;
	struct channel		*in;	/* the peer's payload to the socket */
	struct channel		*out;	/* the socket's bytes to the peer */
	LIST_ENTRY(ws_bridge)	 entry;
};

static LIST_HEAD(, ws_bridge)	 ws_bridges = LIST_HEAD_INITIALIZER(ws_bridges);
static int			 ws_bridges_draining;

static void
ws_bridge_finished(struct session *s)
{
	struct ws_bridge	*b = s->arg;

	LIST_REMOVE(b, entry);
	session_free(s);
	free(b);
	if (ws_bridges_draining && LIST_EMPTY(&ws_bridges))
		ev_break();
}

/*
 * Close the WebSocket once both ways have ended, or once the inner side's
 * bytes are sent when the process is ending (ws_bridge_drain()); the inner
 * side's end alone only ends the way out, as a WebSocket has no
 * half-close.
 */
static int
ws_bridge_watch(struct session *s)
{
	struct ws_bridge	*b = s->arg;

	if (ws_bridges_draining && channel_ended(b->out))
		return (SESSION_END);
	return (SESSION_RULE);
}

/*
 * Join unattached w with one end of a new socket pair in a session of its
 * own; the other end in *inner carries w's payload both ways.  The bridge
 * owns w from now, whatever happens, and ends by itself.  Returns -1 with
 * errno.
 */
int
ws_bridge_start(struct ws *w, int fd, int *inner)
{
	struct ws_bridge	*b;
	struct endpoint		*net = NULL, *sock;
	int			 sp[2] = { -1, -1 }, save;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sp) == -1)
		goto fail;
	if ((b->s = session_new(ws_bridge_watch, ws_bridge_finished,
	    b)) == NULL)
		goto fail;
	if ((net = session_endpoint(b->s, "relay", fd, fd, EP_SHUT_SOCKET,
	    EP_NET)) == NULL)
		goto fail_session;
	ws_attach(net, w, 1);
	w = NULL;
	if ((sock = session_endpoint(b->s, "bridge", sp[1], sp[1],
	    EP_SHUT_SOCKET, EP_OWN)) == NULL)
		goto fail_session;
	sp[1] = -1;
	if ((b->in = session_channel(b->s, "relay->bridge", net, sock,
	    CH_SHUTDOWN | CH_COPY)) == NULL ||
	    (b->out = session_channel(b->s, "bridge->relay", sock, net,
	    CH_COPY)) == NULL)
		goto fail_session;
	session_start(b->s);
	LIST_INSERT_HEAD(&ws_bridges, b, entry);
	*inner = sp[0];
	return (0);

fail_session:
	save = errno;
	session_free(b->s);
	errno = save;
	/* What the session's endpoints held, it closed and freed. */
	if (net != NULL)
		fd = -1;
fail:
	save = errno;
	ws_free(w);
	net_close(&fd);
	net_close(&sp[0]);
	net_close(&sp[1]);
	free(b);
	errno = save;
	return (-1);
}

static void
ws_bridge_late_cb(void *arg)
{
	*(int *)arg = 1;
	ev_break();
}

/*
 * The process is ending: each bridge sends what its inner side wrote, then
 * closes, within WS_CLOSE_WAIT_MS in all; the rest is dropped.
 */
void
ws_bridge_drain(void)
{
	struct ws_bridge	*b, *next;
	struct ev_timer		 t;
	int			 late = 0;

	if (LIST_EMPTY(&ws_bridges))
		return;
	ws_bridges_draining = 1;
	LIST_FOREACH_SAFE(b, &ws_bridges, entry, next)
		session_check(b->s);
	ev_timer_init(&t, ws_bridge_late_cb, &late);
	ev_timer_arm(&t, WS_CLOSE_WAIT_MS);
	while (!LIST_EMPTY(&ws_bridges) && !late) {
		if (ev_loop() == -1)
			break;
	}
	ev_timer_disarm(&t);
	while ((b = LIST_FIRST(&ws_bridges)) != NULL) {
		LIST_REMOVE(b, entry);
		session_free(b->s);
		free(b);
	}
}
