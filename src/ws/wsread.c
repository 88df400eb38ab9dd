/*
 * Reading a WebSocket (src/ws/wsconn.c): data payload as it comes, pings
 * answered, an end at the peer's close or at a protocol error answered
 * with its code; a failure is the read's error (ws_ep_why()), as a broken
 * TCP connection.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "ws-int.h"

/* ws_frame_parse()'s flags for w. */
static int
ws_flags(const struct ws *w)
{
	return ((w->server ? WS_PARSE_SERVER : 0) |
	    (w->pmd ? WS_PARSE_RSV1 : 0));
}

/*
 * The peer broke the protocol: say why with -v, close with code, stop
 * reading.  Returns 0, the end the pump sees.
 */
ssize_t
ws_fail(struct ws *w, int code, const char *why)
{
	log_verbose_warn(1, "WebSocket: %s; closing with %d", why, code);
	return (ws_fail_error(w, code, why, EPROTO));
}

/* ws_fail() for our own failure (ENOMEM), the read's error. */
ssize_t
ws_fail_error(struct ws *w, int code, const char *why, int error)
{
	int	 want;

	ws_error(w, error, "WebSocket: %s; closed with %d", why, code);
	w->eol_due = 0;
	ws_send_close(w, code, why);
	w->in_closed = 1;
	(void)ws_flush(w, &want);
	return (0);
}

/* Read more raw bytes.  Returns what read(2) would; *want as tls_read(). */
static ssize_t
ws_fill(struct ws *w, int *want)
{
	ssize_t	 n;

	if (w->inoff > 0) {
		memmove(w->in, w->in + w->inoff, w->inlen);
		w->inoff = 0;
	}
	n = net_read(w->fd, w->tls, w->in + w->inlen, WS_IN_SIZE - w->inlen,
	    want);
	if (n > 0)
		w->inlen += n;
	return (n);
}

/*
 * A read below gave n (0 or -1): the end, an error, or EAGAIN with the
 * events a later read needs.
 */
static ssize_t
ws_read_end(struct ws *w, ssize_t n, int want)
{
	int	 fwant = 0;

	if (n == 0) {
		/*
		 * A flush met the reset first and took the socket's error:
		 * said in its own words, as when the read meets it.
		 */
		if (w->werr != 0)
			ws_error(w, w->werr, "%s", strerror(w->werr));
		else if (!w->in_closed) {
			log_verbose_warn(1, "WebSocket: connection closed "
			    "without a close frame");
			ws_error(w, ECONNRESET, "WebSocket: connection closed "
			    "without a close frame");
		}
		w->in_closed = 1;
		return (0);
	}
	/* TLS underneath ended cut: said as it says it. */
	if (errno == EBADMSG && tls_cut_why(w->tls) != NULL) {
		ws_error(w, EBADMSG, "%s", tls_cut_why(w->tls));
		errno = EBADMSG;
		return (-1);
	}
	if (errno == EAGAIN) {
		if (w->ooff < w->olen && ws_flush(w, &fwant) == 0)
			w->ep->rwant = (want != 0 ? want : EV_READ) | fwant;
		else
			w->ep->rwant = want;
		errno = EAGAIN;
	}
	return (-1);
}

/*
 * Read a control frame's payload; once whole, answer a ping or take a
 * close.  Returns -1 for more to come, 1 when taken, 0 at the end.
 */
static ssize_t
ws_control(struct ws *w)
{
	const unsigned char	*r;
	char			 reason[LOG_ESCAPED(WS_CTRL_MAX)];
	size_t			 rlen;
	int			 code, answer, want;

	rlen = w->left < w->inlen ? w->left : w->inlen;
	memcpy(w->ctrl + w->ctrllen, w->in + w->inoff, rlen);
	w->ctrllen += rlen;
	w->inoff += rlen;
	w->inlen -= rlen;
	if ((w->left -= rlen) > 0)
		return (-1);
	w->in_frame = 0;
	if (w->f.masked)
		ws_mask(w->ctrl, w->ctrllen, w->f.mask, 0);
	switch (w->f.opcode) {
	case WS_OP_PING:
		/* No room means pongs are owed already: one will do. */
		if (!w->close_sent &&
		    ws_queue(w, 1, WS_OP_PONG, w->ctrl, w->ctrllen) == 0)
			(void)ws_flush(w, &want);
		return (1);
	case WS_OP_PONG:
		ws_pong(w);
		return (1);
	}
	if (ws_close_parse(w->ctrl, w->ctrllen, &code, &r, &rlen,
	    &answer) == -1)
		return (ws_fail(w, answer, "bad close frame"));
	/* The peer's words, escaped: no terminal obeys them. */
	log_escape(reason, sizeof(reason), r, rlen);
	log_verbose(1, "WebSocket: the peer closed with %d%s%s", code,
	    *reason != '\0' ? ": " : "", reason);
	/*
	 * A normal end, a peer going away (the codes up to 1001: no lower
	 * one is valid), no code, or one of an application's own: the
	 * session is over.  Any other code says something failed (a
	 * protocol error, data it would not take, an error of its own, a
	 * gateway whose target is down).
	 */
	if (code > WS_CLOSE_GOING_AWAY && code != WS_CLOSE_NO_STATUS &&
	    code < 3000)
		ws_error(w, ECONNRESET, "WebSocket: the peer closed with "
		    "%d%s%s", code, *reason != '\0' ? ": " : "", reason);
	w->peer_code = code;
	w->in_closed = 1;
	/*
	 * Answered when what we write ends (a program behind -e still
	 * answers what came before the close), but WS_CLOSE_GRACE_MS after
	 * it stops flowing, WS_CLOSE_WAIT_MS at most (RFC 6455, 5.5.1: as
	 * soon as practical): a program that never stops writing must not
	 * keep the peer waiting for ours (ws_grace_cb()).
	 */
	if (!w->close_sent) {
		w->grace_since = ev_now();
		w->grace_sent = w->sent;
		ev_timer_arm(&w->grace, WS_CLOSE_GRACE_MS);
	}
	return (0);
}

/*
 * Check the next frame header, once whole in in, against the frames
 * before.  Returns 1, -1 for more to come, 0 after answering an error.
 */
static int
ws_frame_start(struct ws *w)
{
	char		 why[128];
	const char	*bad;
	uint64_t	*sofar;
	ssize_t		 r;
	int		 code;

	r = ws_frame_parse(w->in + w->inoff, w->inlen, ws_flags(w), &w->f,
	    &code, &bad);
	if (r == -1)
		return (ws_fail(w, code, bad));
	if ((size_t)r > w->inlen)
		return (-1);
	w->inoff += r;
	w->inlen -= r;
	w->in_frame = 1;
	w->left = w->f.len;
	w->off = 0;
	w->ctrllen = 0;
	switch (w->f.opcode) {
	case WS_OP_TEXT:
	case WS_OP_BINARY:
		if (w->msg_op != 0)
			return (ws_fail(w, WS_CLOSE_PROTOCOL, "a new message "
			    "inside a fragmented one"));
		w->msg_op = w->f.opcode;
		w->msg_len = 0;
		w->utf8 = 0;
		w->msg_z = w->f.rsv1;
		w->zlen = 0;
		w->ztail = 0;
		w->zfull = 0;
		break;
	case WS_OP_CONT:
		if (w->msg_op == 0)
			return (ws_fail(w, WS_CLOSE_PROTOCOL,
			    "a continuation frame outside a message"));
		break;
	default:
		return (1);
	}
	w->zmasked = 0;
	/*
	 * What a deflated message inflates to is counted as it comes
	 * (ws_inflate()); what it is compressed is held to the same bound.
	 */
	sofar = w->msg_z ? &w->zlen : &w->msg_len;
	if (w->f.len > w->max - *sofar) {
		(void)snprintf(why, sizeof(why), "a message longer than %llu "
		    "bytes", (unsigned long long)w->max);
		return (ws_fail(w, WS_CLOSE_TOO_BIG, why));
	}
	*sofar += w->f.len;
	if (w->msg_z)
		return (1);
	/* --ws-framed: the frame's payload is a record of its own. */
	if (w->sd->ws.framed && !w->msgs) {
		w->fhdrlen = wsh_frame_encode(w->fhdr, sizeof(w->fhdr),
		    w->msg_op == WS_OP_TEXT ? (w->f.fin ? 'T' : 't') :
		    (w->f.fin ? 'B' : 'b'), w->f.len);
		w->fhdroff = 0;
	}
	return (1);
}

/* A data frame's payload is read.  Returns 1, or 0 after answering an error. */
static int
ws_frame_end(struct ws *w)
{
	w->in_frame = 0;
	if (!w->f.fin)
		return (1);
	if (w->msg_op == WS_OP_TEXT && w->utf8 != 0)
		return (ws_fail(w, WS_CLOSE_BAD_DATA, "a text message that "
		    "is not UTF-8"));
	/*
	 * The peer's no_context_takeover: its next message starts afresh,
	 * and until it comes no decompressor is held.
	 */
	if (w->msg_z && ws_zfresh(w, 1)) {
		ws_zin_put(w->zin);
		w->zin = NULL;
	}
	w->msg_z = 0;
	w->msg_op = 0;
	if (w->msgs)
		w->msg_done = 1;
	else if (!w->binary && !w->sd->ws.framed)
		w->eol_due = 1;
	/*
	 * --ws-messages: that was the last one taken.  The reads end there,
	 * as at the peer's close, and the end of the session sends ours.
	 */
	if (w->sd->ws.messages > 0 && ++w->nmsgs >= w->sd->ws.messages) {
		log_verbose(1, "WebSocket: %lld message%s read: the end",
		    w->nmsgs, w->nmsgs == 1 ? "" : "s");
		w->in_closed = 1;
	}
	return (1);
}

/*
 * Up to n bytes of data payload from every frame read, a newline after
 * each message in text mode, control frames taken on the way.  Returns
 * what read(2) would: 0 at the peer's close or after a protocol error
 * (what came before first).
 */
static ssize_t
ws_read_frames(struct endpoint *ep, void *p, size_t n)
{
	struct ws	*w = ep->data;
	unsigned char	*out = p;
	ssize_t		 r;
	size_t		 k, got = 0;
	int		 want = 0, fills = 0;

	ep->rwant = 0;
	if (w->ooff < w->olen)
		(void)ws_flush(w, &want);
	/* A line held, or our close, waited for that room (ws_finish()). */
	if (w->line_done && w->ooff == w->olen)
		ws_finish(w);
	/* Given back by ws_ep_read() when the read leaves nothing in it. */
	if (ws_buf_get(&w->in, WS_IN_SIZE) == -1)
		return (-1);
	for (;;) {
		/* A message is a datagram: one a read (ws_read_message()). */
		if (w->msg_done)
			return (got);
		if (w->eol_due && got < n) {
			out[got++] = '\n';
			w->eol_due = 0;
		}
		/* A record's header before its payload (--ws-framed). */
		while (w->fhdroff < w->fhdrlen && got < n)
			out[got++] = w->fhdr[w->fhdroff++];
		if (got == n || w->in_closed)
			return (got);
		k = 0;
		if (!w->in_frame || w->f.opcode >= WS_OP_CLOSE) {
			r = w->in_frame ? ws_control(w) : ws_frame_start(w);
			if (r == 0)
				return (got);
			if (r == 1)
				continue;
		} else if (w->msg_z) {
			if ((r = ws_inflate(w, out + got, n - got)) == -1)
				return (got);
			/* Its tail, or what inflate() still holds, first. */
			k = r;
			if (k == 0 && w->left == 0) {
				if (!ws_ztail_due(w) && !w->zfull &&
				    !ws_frame_end(w))
					return (got);
				continue;
			}
			if (k == 0 && w->inlen > 0)
				continue;
		} else if (w->left == 0) {
			if (!ws_frame_end(w))
				return (got);
			continue;
		} else if (w->inlen > 0 || got == 0) {
			k = w->left < n - got ? w->left : n - got;
			if (w->inlen > 0) {
				if (k > w->inlen)
					k = w->inlen;
				memcpy(out + got, w->in + w->inoff, k);
				w->inoff += k;
				w->inlen -= k;
			} else {
				/* A long frame: straight into the pump. */
				r = net_read(w->fd, w->tls, out, k, &want);
				if (r <= 0)
					return (ws_read_end(w, r, want));
				k = r;
			}
			if (w->f.masked)
				ws_mask(out + got, k, w->f.mask, w->off);
			w->off += k;
			w->left -= k;
		}
		if (k > 0) {
			if (w->msg_op == WS_OP_TEXT &&
			    ws_utf8(&w->utf8, out + got, k) == -1) {
				(void)ws_fail(w, WS_CLOSE_BAD_DATA,
				    "a text message that is not UTF-8");
				return (got);
			}
			got += k;
			if (!w->msg_z && w->left == 0 && !ws_frame_end(w))
				return (got);
			continue;
		}
		/* More raw bytes: what is there goes first, no read may wait. */
		if (got > 0)
			return (got);
		/* A buffer of frames without data: give way (design.md). */
		if (fills++ > 0) {
			errno = EAGAIN;
			return (-1);
		}
		if ((r = ws_fill(w, &want)) <= 0)
			return (ws_read_end(w, r, want));
	}
}

/*
 * EP_DGRAM read: one whole message into p (n bytes), -1 with EAGAIN until
 * whole (held meanwhile).  A longer one is dropped, said with -v; exactly
 * n bytes is whole only once its end is read.  Returns 0 for an empty
 * message, 0 with EP_DGRAM_FIN at the end.
 */
static ssize_t
ws_read_message(struct endpoint *ep, unsigned char *p, size_t n)
{
	struct ws	*w = ep->data;
	unsigned char	 more;
	size_t		 got = 0;
	ssize_t		 r;

	if (w->partlen > 0) {
		if (w->partlen <= n) {
			memcpy(p, w->part, w->partlen);
			got = w->partlen;
		} else
			w->msg_skip = 1;
		free(w->part);
		w->part = NULL;
		w->partlen = 0;
	}
	for (;;) {
		/* A message dropped goes through p, and is forgotten. */
		if (got == n && w->msg_skip)
			got = 0;
		if (got < n) {
			if ((r = ws_read_frames(ep, p + got, n - got)) > 0)
				got += r;
		} else if ((r = ws_read_frames(ep, &more, 1)) > 0) {
			w->msg_skip = 1;
			got = 0;
		}
		if (w->msg_done) {
			w->msg_done = 0;
			if (!w->msg_skip)
				return (got);
			w->msg_skip = 0;
			got = 0;
			log_verbose_warn(1, "WebSocket: a message longer "
			    "than %zu bytes is no datagram: dropped", n);
			continue;
		}
		if (r == 0) {
			ep->flags |= EP_DGRAM_FIN;
			return (0);
		}
		if (r == -1)
			break;
	}
	/* The rest is to come: what came is held, unless it is dropped. */
	if (got > 0 && !w->msg_skip && errno == EAGAIN) {
		if ((w->part = malloc(got)) == NULL) {
			log_warnx("WebSocket: a message dropped: %s",
			    strerror(errno));
			w->msg_skip = 1;
		} else {
			memcpy(w->part, p, got);
			w->partlen = got;
		}
		errno = EAGAIN;
	}
	return (-1);
}

/*
 * The endpoint's read: ws_read_frames(), an error end as -1 with errno.  A
 * write that met a reset ends the reads too, as it would over TCP.
 */
ssize_t
ws_ep_read(struct endpoint *ep, void *p, size_t n)
{
	struct ws	*w = ep->data;
	ssize_t		 r;

	if (w->werr != 0 && !w->in_closed) {
		ws_error(w, w->werr, "%s", strerror(w->werr));
		w->in_closed = 1;
		w->eol_due = 0;
	}
	r = w->msgs ? ws_read_message(ep, p, n) : ws_read_frames(ep, p, n);
	ws_in_put(w);
	if (r == 0 && w->in_closed)
		w->end_told = 1;
	if (r == 0 && w->err != 0) {
		errno = w->err;
		return (-1);
	}
	return (r);
}

/* The words for ep's read error, when it was the WebSocket's own. */
const char *
ws_ep_why(struct endpoint *ep, int error)
{
	struct ws	*w = ep->data;

	if (w == NULL || error == 0)
		return (NULL);
	if (error == w->ferr)
		return (w->fwhy);
	return (error == w->err ? w->why : NULL);
}

/* Are decoded bytes, or bytes in TLS, waiting that no poll announces? */
int
ws_ep_pending(struct endpoint *ep)
{
	struct ws	*w = ep->data;
	struct ws_frame	 f;
	const char	*why;
	int		 code;
	ssize_t		 r;

	if (w->eol_due || w->fhdroff < w->fhdrlen ||
	    (w->tls != NULL && tls_pending(w->tls)))
		return (1);
	/*
	 * A close that came in the same read as the data before it: the
	 * socket has nothing more to announce, so the end is read now, or
	 * the peer would wait for the answer to its close until it gave up.
	 */
	if (w->in_closed)
		return (!w->end_told);
	/* inflate() holds more, or the message's tail is still to give. */
	if (w->in_frame && w->msg_z && (w->zfull || w->left == 0))
		return (1);
	if (w->inlen == 0)
		return (0);
	if (w->in_frame)
		return (1);
	r = ws_frame_parse(w->in + w->inoff, w->inlen, ws_flags(w), &f,
	    &code, &why);
	return (r == -1 || (size_t)r <= w->inlen);
}
