/*
 * A WebSocket's first bytes before it joins a session (a relay's
 * rendezvous, --via ws://): data read a frame at a time, never past the
 * frame in progress, and sent as one binary message.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "ws-int.h"

/* The longest message sent before a session: a rendezvous's request. */
#define WS_PRE_MAX	64

/*
 * The frames without data (empty ones, pings) one read takes from the
 * socket before it gives way: a peer sends them faster than they are
 * read, one at a time, and would hold the loop from everyone else.
 */
#define WS_PRE_EMPTY_MAX	64

/* Up to n raw bytes, the upgrade's read-ahead first.  As read(2). */
static ssize_t
ws_pre_get(struct ws *w, void *buf, size_t n)
{
	int	 want;

	if (w->in != NULL && w->inlen > 0) {
		if (n > w->inlen)
			n = w->inlen;
		memcpy(buf, w->in + w->inoff, n);
		w->inoff += n;
		w->inlen -= n;
		ws_in_put(w);
		return (n);
	}
	return (net_read(w->fd, w->tls, buf, n, &want));
}

/*
 * Send one frame of opcode with n bytes at p (masked by a client) at once:
 * a fresh connection has room.  Returns -1 with errno.
 */
static int
ws_pre_frame(struct ws *w, int opcode, const void *p, size_t n)
{
	unsigned char	 frame[WS_HDR_MAX + WS_CTRL_MAX], key[4];
	size_t		 h;
	ssize_t		 r;
	int		 want;

	if (n > WS_CTRL_MAX) {
		errno = EMSGSIZE;
		return (-1);
	}
	if (!w->server)
		arc4random_buf(key, sizeof(key));
	h = ws_frame_encode(frame, 1, opcode, n, w->server ? NULL : key);
	memcpy(frame + h, p, n);
	if (!w->server)
		ws_mask(frame + h, n, key, 0);
	if ((r = net_write(w->fd, w->tls, frame, h + n, &want)) == -1)
		return (-1);
	if ((size_t)r != h + n) {
		errno = EAGAIN;
		return (-1);
	}
	return (0);
}

/* Send n bytes as one binary message before attaching.  -1 with errno. */
int
ws_pre_send(struct ws *w, const void *p, size_t n)
{
	if (n > WS_PRE_MAX) {
		errno = EMSGSIZE;
		return (-1);
	}
	return (ws_pre_frame(w, WS_OP_BINARY, p, n));
}

/*
 * Read a control frame's payload.  Returns 1 when whole (a ping answered),
 * 0 at the peer's close or end, -1 with errno (EAGAIN: more to come).
 */
static ssize_t
ws_pre_control(struct ws *w)
{
	ssize_t	 got;

	if (w->left > 0) {
		if ((got = ws_pre_get(w, w->ctrl + w->ctrllen, w->left)) <= 0)
			return (got);
		w->ctrllen += got;
		if ((w->left -= got) > 0) {
			errno = EAGAIN;
			return (-1);
		}
	}
	w->in_frame = 0;
	if (w->f.masked)
		ws_mask(w->ctrl, w->ctrllen, w->f.mask, 0);
	switch (w->f.opcode) {
	case WS_OP_CLOSE:
		w->in_closed = 1;
		return (0);
	case WS_OP_PING:
		/* A keep-alive while it waits: answered, best effort. */
		(void)ws_pre_frame(w, WS_OP_PONG, w->ctrl, w->ctrllen);
		break;
	}
	return (1);
}

/* Does w hold bytes read from its socket already (read-ahead, TLS's)? */
static int
ws_pre_held(const struct ws *w)
{
	if (w->in != NULL && w->inlen > 0)
		return (1);
	return (w->tls != NULL && tls_pending(w->tls));
}

/*
 * Read at most n bytes of w's data payload into buf before w is attached,
 * never past the frame in progress; pings answered.  Returns the bytes, 0
 * at the peer's close or end, or -1 with EAGAIN (wait for readable) or
 * EPROTO and *why.
 */
ssize_t
ws_pre_read(struct ws *w, void *buf, size_t n, const char **why)
{
	ssize_t	 r, got;
	int	 code, empty = 0;

	for (;;) {
		if (w->in_closed)
			return (0);
		/*
		 * Past the bound, what the socket still holds waits for the
		 * next round: its readiness stays (no EAGAIN was read), where
		 * what came with the upgrade or TLS holds would not say so.
		 */
		if (!w->in_frame && empty++ >= WS_PRE_EMPTY_MAX &&
		    !ws_pre_held(w)) {
			errno = EAGAIN;
			return (-1);
		}
		if (!w->in_frame) {
			r = ws_frame_parse(w->pre, w->prelen, w->server ?
			    WS_PARSE_SERVER : 0, &w->f, &code, why);
			if (r == -1) {
				errno = EPROTO;
				return (-1);
			}
			if ((size_t)r > w->prelen) {
				if ((got = ws_pre_get(w, w->pre + w->prelen,
				    r - w->prelen)) <= 0)
					return (got);
				w->prelen += got;
				continue;
			}
			w->prelen = 0;
			w->in_frame = 1;
			w->left = w->f.len;
			w->off = 0;
			w->ctrllen = 0;
			if (w->f.opcode == WS_OP_CONT && w->msg_op == 0) {
				*why = "continuation frame without a message";
				errno = EPROTO;
				return (-1);
			}
			if ((w->f.opcode == WS_OP_TEXT ||
			    w->f.opcode == WS_OP_BINARY) && w->msg_op != 0) {
				*why = "a message begun inside another";
				errno = EPROTO;
				return (-1);
			}
			if (w->f.opcode == WS_OP_TEXT ||
			    w->f.opcode == WS_OP_BINARY)
				w->msg_op = w->f.opcode;
		}
		if (w->f.opcode >= WS_OP_CLOSE) {
			if ((r = ws_pre_control(w)) <= 0)
				return (r);
			continue;
		}
		got = 0;
		if (w->left > 0 && (got = ws_pre_get(w, buf, n < w->left ? n :
		    w->left)) <= 0)
			return (got);
		if (w->f.masked)
			ws_mask(buf, got, w->f.mask, w->off);
		w->off += got;
		w->left -= got;
		if (w->left == 0) {
			w->in_frame = 0;
			if (w->f.fin)
				w->msg_op = 0;
		}
		/* An empty frame: read on. */
		if (got > 0)
			return (got);
	}
}

/*
 * Give up a relay's w while its client waits, keeping only what
 * ws_pre_again() needs; only between messages with nothing held or read
 * ahead, no TLS, no compression.  Returns the flags (w freed), or -1 (w
 * kept).
 */
int
ws_pre_shed(struct ws *w)
{
	int	 flags = WS_PRE_SHED;

	/* A WebSocket client (a plain one has none), its close unread. */
	DEBUG_CHECK(w->server && !w->plain && !w->in_closed,
	    "ws_pre_shed: no waiting WebSocket client");
	/* Before a session nothing is attached, queued or closed by us. */
	DEBUG_CHECK(w->ep == NULL && w->out == NULL && !w->close_sent,
	    "ws_pre_shed: after the session began");
	/* A frame or message in progress, or bytes read ahead. */
	if (w->in_frame || w->prelen > 0 || w->msg_op != 0 || w->in != NULL)
		return (-1);
	/* What ws_pre_again() cannot make again. */
	if (w->tls != NULL || w->pmd || w->cgi != NULL)
		return (-1);
	if (w->bytes)
		flags |= WS_PRE_BYTES;
	ws_free(w);
	return (flags);
}

/* Remake the connection ws_pre_shed() gave up.  NULL with errno. */
struct ws *
ws_pre_again(const struct side *sd, int fd, int flags)
{
	struct ws	*w;

	if ((w = ws_new(sd, fd, NULL, 1)) == NULL)
		return (NULL);
	w->bytes = (flags & WS_PRE_BYTES) != 0;
	return (w);
}
