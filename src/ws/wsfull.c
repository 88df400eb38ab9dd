/*
 * A full WebSocket server's answer to the clients it turns away
 * (--max-conns): 503 to a WebSocket client, the mode's line to a plain one
 * of --broker or --room.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"

/*
 * A client turned away from a full --broker or --room that has said
 * nothing for this long is given the plain TCP client's line.
 */
#define WS_SNIFF_MS		1000

/*
 * Clients turned away while the server is full, waiting to show whether
 * they are WebSocket clients: at most this many at once.
 */
#define WS_FULL_MAX		256

/* A client turned away (--max-conns), until it is answered. */
struct ws_full {
	int			 fd;
	char			 line[LISTEN_FULL_MAX]; /* a plain one's */
	struct ev_timer		 timer;
};

static int	ws_nfull;

/*
 * Answer a turned-away client (503 if websocket, else line unless NULL or
 * empty), then a lingering close.
 */
static void
ws_full_answer(int fd, int websocket, const char *line)
{
	if (websocket)
		listen_http_full(fd);
	else if (line != NULL && *line != '\0')
		(void)send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
	sock_linger(fd);
}

static void
ws_full_done(struct ws_full *f, int websocket)
{
	ev_del(f->fd);
	ev_timer_disarm(&f->timer);
	ws_full_answer(f->fd, websocket, f->line);
	ws_nfull--;
	free(f);
}

/* Quiet for a second: a plain client. */
static void
ws_full_timeout(void *arg)
{
	ws_full_done(arg, 0);
}

/* The client spoke: is its first word GET? */
static void
ws_full_cb(int fd, __unused int events, void *arg)
{
	struct ws_full	*f = arg;
	char		 b[4];
	ssize_t		 n;

	n = recv(fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && (size_t)n < sizeof(b) && memcmp(b, "GET ", n) == 0)
		return;		/* More of it to come. */
	ws_full_done(f, n == sizeof(b) && memcmp(b, "GET ", 4) == 0);
}

/*
 * Turn the client on fd away (takes fd): "503 Service Unavailable" to a
 * WebSocket client; in --broker or --room one whose first word is not GET
 * gets the mode's line (NULL: none).
 */
void
ws_say_full(const struct side *sd, int fd, const char *line)
{
	struct ws_full	*f;

	if (!sd->ws.plain_too) {
		ws_full_answer(fd, 1, line);
		return;
	}
	if (ws_nfull >= WS_FULL_MAX || (f = calloc(1, sizeof(*f))) == NULL)
		goto plain;
	f->fd = fd;
	if (line != NULL)
		strlcpy(f->line, line, sizeof(f->line));
	if (ev_set(fd, EV_READ, ws_full_cb, f) == -1) {
		free(f);
		goto plain;
	}
	ev_timer_init(&f->timer, ws_full_timeout, f);
	ev_timer_arm(&f->timer, WS_SNIFF_MS);
	ws_nfull++;
	return;

plain:
	ws_full_answer(fd, 0, line);
}
