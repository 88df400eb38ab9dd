/*
 * WebSocket connections (doc/design.md, "WebSocket"): an endpoint whose
 * operations frame and unframe, so the pump, taps and fan-out see payload
 * only; its buffers, owed frames, writes and end.  Upgrade: wshs.c; reads:
 * wsread.c; pings: wsping.c; deflate: wszip.c; bytes: src/codec/ws.c.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ws.h"
#include "ws-int.h"

/*
 * Frames owed to the peer: one data frame of a buffer's worth, and room
 * after it for control frames, of which a close always fits.
 */
#define WS_OUT_SIZE	(2 * CHANNEL_BUFSIZE + 1024)
#define WS_OUT_CLOSE	(WS_HDR_MAX + WS_CTRL_MAX)

/*
 * The most n bytes can take once deflated and flushed, whatever the
 * window (zlib's deflateBound() for a window it was not built for, and
 * room for the flush's empty block).
 */
#define WS_Z_BOUND(n)	((n) + ((n) >> 3) + ((n) >> 6) + 64)

/*
 * Take buffer *p of size from the pool unless held (w->in, WS_IN_SIZE;
 * w->out, WS_OUT_SIZE): held only while bytes are in it.  Returns 0, or
 * -1 with errno.
 */
int
ws_buf_get(unsigned char **p, size_t size)
{
	if (*p == NULL && (*p = buf_pool_get(size)) == NULL)
		return (-1);
	return (0);
}

void
ws_in_put(struct ws *w)
{
	if (w->in == NULL || w->inlen > 0)
		return;
	buf_pool_put(w->in, WS_IN_SIZE);
	w->in = NULL;
	w->inoff = 0;
}

/*
 * Write what is owed, the buffer given back when empty.  Returns 1 when
 * all is gone, 0 to wait for *want, -1 with errno.
 */
int
ws_flush(struct ws *w, int *want)
{
	ssize_t	 n;

	*want = 0;
	while (w->ooff < w->olen) {
		n = net_write(w->fd, w->tls, w->out + w->ooff,
		    w->olen - w->ooff, want);
		if (n == -1 && errno == EAGAIN) {
			if (*want == 0)
				*want = EV_WRITE;
			return (0);
		}
		if (n <= 0) {
			/* Reported once: the next read must not miss it. */
			w->werr = n == 0 || errno == 0 ? EPIPE : errno;
			return (-1);
		}
		w->ooff += n;
		w->sent += (uint64_t)n;
	}
	buf_pool_put(w->out, WS_OUT_SIZE);
	w->out = NULL;
	w->ooff = w->olen = 0;
	return (1);
}

/*
 * ws_flush(), the rest left for when the socket takes it (the reads wait
 * for it).  Returns -1 with errno on a write error, else 0.
 */
int
ws_send(struct ws *w)
{
	int	 want;

	if (ws_flush(w, &want) == -1)
		return (-1);
	if (w->ooff < w->olen && w->ep->reader != NULL) {
		w->ep->rwant = EV_READ | want;
		ep_update(w->ep);
	}
	return (0);
}

/* Keep the session's first error for the read that reports it. */
void
ws_error(struct ws *w, int error, const char *fmt, ...)
{
	va_list	 ap;

	if (w->err != 0)
		return;
	w->err = error;
	va_start(ap, fmt);
	(void)vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
}

/*
 * Queue a frame after those owed, masked if we are the client, a data
 * frame compressed if deflate was agreed.  Returns 0, or -1 when there is
 * no room (a pong never takes a close's room).
 */
int
ws_queue(struct ws *w, int fin, int op, const unsigned char *p, size_t n)
{
	unsigned char	 key[4], *dst;
	size_t		 room, h, need;
	ssize_t		 zn;
	int		 z = w->pmd && op < WS_OP_CLOSE;

	need = z ? WS_Z_BOUND(n) : n;
	/* Out of memory: the write that queued it fails (ws_ep_write()). */
	if (ws_buf_get(&w->out, WS_OUT_SIZE) == -1) {
		w->werr = ENOMEM;
		return (-1);
	}
	room = WS_OUT_SIZE - w->olen;
	if (op != WS_OP_CLOSE && room < WS_HDR_MAX + need + WS_OUT_CLOSE &&
	    w->ooff > 0) {
		memmove(w->out, w->out + w->ooff, w->olen - w->ooff);
		w->olen -= w->ooff;
		w->ooff = 0;
		room = WS_OUT_SIZE - w->olen;
	}
	if (room < WS_HDR_MAX + need + (op == WS_OP_CLOSE ? 0 : WS_OUT_CLOSE))
		return (-1);
	if (!w->server)
		arc4random_buf(key, sizeof(key));
	dst = w->out + w->olen;
	if (z) {
		/* Deflated behind the longest header, then moved up to it. */
		if ((zn = ws_deflate(w, fin, dst + WS_HDR_MAX, need, p,
		    n)) == -1) {
			w->werr = errno == ENOMEM ? ENOMEM : EIO;
			return (-1);
		}
		n = zn;
		h = ws_frame_encode(dst, fin, op, n, w->server ? NULL : key);
		if (op != WS_OP_CONT)
			dst[0] |= 0x40;
		memmove(dst + h, dst + WS_HDR_MAX, n);
	} else {
		h = ws_frame_encode(dst, fin, op, n, w->server ? NULL : key);
		if (n > 0)
			memcpy(dst + h, p, n);
	}
	if (!w->server)
		ws_mask(dst + h, n, key, 0);
	w->olen += h + n;
	return (0);
}

/* Is there room for frames of n payload bytes, and a close? */
static int
ws_room(const struct ws *w, size_t n)
{
	if (w->pmd)
		n = WS_Z_BOUND(n) + 64;
	return (WS_OUT_SIZE - (w->olen - w->ooff) >=
	    2 * WS_HDR_MAX + n + WS_OUT_CLOSE);
}

/*
 * Queue our close, once; nothing may follow: an open message and a held
 * line are dropped.  code 0 echoes the peer's close code, or 1000.
 */
void
ws_send_close(struct ws *w, int code, const char *reason)
{
	unsigned char	 p[WS_CTRL_MAX];
	size_t		 n;

	if (w->close_sent)
		return;
	w->wop = 0;
	w->linelen = 0;
	if (code == 0)
		code = w->peer_code > 0 && w->peer_code != WS_CLOSE_NO_STATUS ?
		    w->peer_code : WS_CLOSE_NORMAL;
	n = ws_close_encode(p, code, reason);
	(void)ws_queue(w, 1, WS_OP_CLOSE, p, n);
	w->close_sent = 1;
}

/*
 * The peer closed and we still write: while it flows, up to a second
 * before a client of ours stops waiting (WS_CLOSE_WAIT_MS), or until idle
 * for WS_CLOSE_GRACE_MS, then answer the close, ending our open message
 * and dropping the rest.
 */
static void
ws_grace_cb(void *arg)
{
	struct ws	*w = arg;
	struct session	*s;
	int		 want;

	if (!w->close_sent && w->sent != w->grace_sent &&
	    ev_now() - w->grace_since + WS_CLOSE_GRACE_MS <
	    WS_CLOSE_WAIT_MS) {
		w->grace_sent = w->sent;
		ev_timer_arm(&w->grace, WS_CLOSE_GRACE_MS);
		return;
	}
	if (!w->close_sent) {
		log_verbose(1, "WebSocket: answering the peer's close");
		ws_send_close(w, 0, "");
		w->answering = 1;
	}
	/*
	 * Our close goes behind the frames queued before it: until they
	 * have gone, the writes (ws_ep_write()) and this timer flush them.
	 */
	if (ws_flush(w, &want) == 0) {
		ev_timer_arm(&w->grace, WS_CLOSE_GRACE_MS);
		return;
	}
	if (w->ep == NULL || w->ep->writer == NULL)
		return;
	s = w->ep->writer->src->session;
	ep_write_ended(w->ep);
	session_check(s);
}

/*
 * Queue len bytes at p as the next part of the line being written, its
 * last if fin.  Text while UTF-8, else binary from the last whole
 * character; a part not last stops before a cut character or a final CR.
 * The caller made room (ws_room()).  Returns the bytes queued.
 */
static size_t
ws_put_part(struct ws *w, const unsigned char *p, size_t len, int fin)
{
	size_t	 acc, bound, q = len, done = 0;
	int	 st = 0, op;

	if (!fin && q > 0 && p[q - 1] == '\r')
		q--;
	if (w->wop == WS_OP_BINARY) {
		(void)ws_queue(w, fin, WS_OP_CONT, p, q);
		w->wop = fin ? 0 : WS_OP_BINARY;
		return (q);
	}
	acc = text_utf8_span(&st, p, q, &bound);
	if (acc == q && (st == 0 || !fin)) {
		if (st != 0)
			q = bound;
		op = w->wop == WS_OP_TEXT ? WS_OP_CONT : WS_OP_TEXT;
		(void)ws_queue(w, fin, op, p, q);
		w->wop = fin ? 0 : WS_OP_TEXT;
		return (q);
	}
	/* Not UTF-8: what is whole of the text so far ends its message. */
	if (w->wop == WS_OP_TEXT) {
		(void)ws_queue(w, 1, WS_OP_CONT, p, bound);
		done = bound;
		log_verbose(2, "WebSocket: a line that is not UTF-8 goes on "
		    "as a binary message");
	}
	(void)ws_queue(w, fin, WS_OP_BINARY, p + done, q - done);
	w->wop = fin ? 0 : WS_OP_BINARY;
	return (q);
}

/*
 * Text mode: each line of s as a message, newline (and CR) not sent, as
 * many as the buffer takes; a long line goes in parts (ws_put_part()), so
 * read boundaries never change the messages.  A held line goes at
 * ws_finish().  Returns the bytes taken, or -1 (ENOMEM).
 */
static ssize_t
ws_put_text(struct ws *w, const unsigned char *s, size_t n)
{
	const unsigned char	*nl;
	size_t			 take = 0, k, len, q;

	while (take < n) {
		k = n - take;
		if (k > CHANNEL_BUFSIZE - w->linelen)
			k = CHANNEL_BUFSIZE - w->linelen;
		nl = memchr(s + take, '\n', k);
		if (nl != NULL && w->linelen == 0) {
			/* A whole line, straight from s. */
			len = nl - (s + take);
			if (len > 0 && s[take + len - 1] == '\r')
				len--;
			if (!ws_room(w, len))
				break;
			(void)ws_put_part(w, s + take, len, 1);
			take = nl - s + 1;
			continue;
		}
		if (nl != NULL)
			k = nl - (s + take);
		else if (w->linelen + k == CHANNEL_BUFSIZE &&
		    !ws_room(w, CHANNEL_BUFSIZE))
			break;
		if (w->line == NULL &&
		    (w->line = buf_pool_get(CHANNEL_BUFSIZE)) == NULL)
			return (-1);
		memcpy(w->line + w->linelen, s + take, k);
		w->linelen += k;
		take += k;
		if (nl != NULL) {
			/* The end of the line held. */
			len = w->linelen;
			if (len > 0 && w->line[len - 1] == '\r')
				len--;
			if (!ws_room(w, len)) {
				w->linelen -= k;
				take -= k;
				break;
			}
			(void)ws_put_part(w, w->line, len, 1);
			w->linelen = 0;
			take++;
		} else if (w->linelen == CHANNEL_BUFSIZE) {
			/* A buffer of one line: a part of its message. */
			q = ws_put_part(w, w->line, w->linelen, 0);
			memmove(w->line, w->line + q, w->linelen - q);
			w->linelen -= q;
		}
	}
	if (w->linelen == 0 && w->line != NULL) {
		buf_pool_put(w->line, CHANNEL_BUFSIZE);
		w->line = NULL;
	}
	return (take);
}

/*
 * --ws-framed input went wrong: the records before the bad one go, then
 * our close (1000), so the peer's answers still show and the session ends
 * by its close; the write's error is said at the end.
 */
static void
ws_framed_failed(struct ws *w)
{
	w->ferr = EINVAL;
	ws_send_close(w, 0, "bad --ws-framed input");
	(void)ws_send(w);
	errno = EINVAL;
}

/* Note why a --ws-framed record is bad.  Returns -1 with EINVAL. */
static ssize_t
ws_bad_record(struct ws *w, const char *why)
{
	char	 shown[LOG_ESCAPED(sizeof(w->rhdr))];

	log_escape(shown, sizeof(shown), w->rhdr, w->rhdrlen);
	(void)snprintf(w->fwhy, sizeof(w->fwhy), "--ws-framed: %s: \"%s\"",
	    why, shown);
	ws_framed_failed(w);
	return (-1);
}

/*
 * --ws-framed: the records of n bytes at s as frames, one cut by a write's
 * end sent as fragments.  Returns the bytes taken (0: no room now), or -1
 * for a bad record (ws_bad_record()).
 */
static ssize_t
ws_put_records(struct ws *w, const unsigned char *s, size_t n)
{
	const unsigned char	*nl;
	size_t			 take = 0, k;
	uint64_t		 len;
	int			 kind, op, fin, st;

	while (take < n) {
		if (w->rkind == 0) {
			/* A header line, perhaps cut by a write's end. */
			nl = memchr(s + take, '\n', n - take);
			k = nl != NULL ? (size_t)(nl - (s + take)) : n - take;
			if (w->rhdrlen + k > sizeof(w->rhdr) - 1) {
				k = sizeof(w->rhdr) - 1 - w->rhdrlen;
				memcpy(w->rhdr + w->rhdrlen, s + take, k);
				w->rhdrlen += k;
				return (ws_bad_record(w, "a header line too "
				    "long"));
			}
			memcpy(w->rhdr + w->rhdrlen, s + take, k);
			w->rhdrlen += k;
			take += k;
			if (nl == NULL)
				return (take);
			take++;
			if (wsh_frame_parse(w->rhdr, w->rhdrlen, w->max,
			    &kind, &len) == -1)
				return (ws_bad_record(w, "not a record header "
				    "(\"T length\" or \"B length\")"));
			if (w->wop != 0 && (w->wop == WS_OP_TEXT) !=
			    (kind == 'T' || kind == 't'))
				return (ws_bad_record(w, "a record of another "
				    "kind inside a message"));
			w->rkind = kind;
			w->rleft = len;
			w->rhdrlen = 0;
			if (len > 0)
				continue;
		}
		k = n - take;
		if (k > w->rleft)
			k = w->rleft;
		if (k > CHANNEL_BUFSIZE)
			k = CHANNEL_BUFSIZE;
		if (!ws_room(w, k))
			return (take);
		op = w->rkind == 'T' || w->rkind == 't' ? WS_OP_TEXT :
		    WS_OP_BINARY;
		fin = k == w->rleft && (w->rkind == 'T' || w->rkind == 'B');
		if (op == WS_OP_TEXT) {
			st = w->wop == 0 ? 0 : w->wutf8;
			if (ws_utf8(&st, s + take, k) == -1 ||
			    (fin && st != 0))
				return (ws_bad_record(w, "a text record that "
				    "is not UTF-8"));
			w->wutf8 = st;
		}
		(void)ws_queue(w, fin, w->wop != 0 ? WS_OP_CONT : op,
		    s + take, k);
		w->wop = fin ? 0 : op;
		w->rleft -= k;
		take += k;
		if (w->rleft == 0)
			w->rkind = 0;
	}
	return (take);
}

/*
 * A write failed (w->werr): the reads end too, as a reset ends TCP both
 * ways (ep_write_broken()).  errno is the write's.
 */
void
ws_broken(struct ws *w)
{
	w->in_closed = 1;
	w->eol_due = 0;
	ep_write_broken(w->ep);
	errno = w->werr;
}

/*
 * The frames the last write of a server's connection that compresses
 * each message afresh made of its bytes, for the next connection given
 * the same bytes: a fan-out writes one message to every member, and
 * compressed afresh, with the same window, it is the same bytes for
 * each, so that it is compressed once.  Kept while any connection may
 * use them (ws_share_users).
 */
static struct {
	unsigned char	*in;	/* the bytes written */
	size_t		 inlen;
	size_t		 take;	/* and how many of them were taken */
	unsigned char	*out;	/* the frames they made */
	size_t		 outlen;
	int		 binary; /* the connection's mode */
	int		 bits;	/* its window */
	size_t		 insz;	/* the sizes of in and out */
	size_t		 outsz;
} ws_share;
size_t		 ws_share_users;

/* May w share frames (counted in ws_share_users)? */
int
ws_shares(const struct ws *w)
{
	return (w->server && w->pmd && ws_zfresh(w, 0));
}

/* Is w between messages: none open, no line held? */
static int
ws_between(const struct ws *w)
{
	return (w->wop == 0 && w->linelen == 0);
}

/*
 * Queue the frames the last shared write made of the same n bytes at s.
 * Returns the bytes taken, or 0 when they must be made.
 */
static size_t
ws_share_hit(struct ws *w, const unsigned char *s, size_t n)
{
	if (ws_share.inlen != n || n == 0 || ws_share.binary != w->binary ||
	    ws_share.bits != ws_zbits(w) || memcmp(ws_share.in, s, n) != 0)
		return (0);
	if (ws_buf_get(&w->out, WS_OUT_SIZE) == -1)
		return (0);
	memcpy(w->out, ws_share.out, ws_share.outlen);
	w->olen = ws_share.outlen;
	return (ws_share.take);
}

/*
 * Keep the frames w made of take bytes at s for the next connection, if it
 * ended every message; nothing when memory is short.
 */
static void
ws_share_keep(const struct ws *w, const unsigned char *s, size_t n,
    size_t take)
{
	unsigned char	*p;

	if (!ws_between(w) || take == 0 || n > WS_IN_SIZE)
		return;
	ws_share.inlen = 0;
	if (n > ws_share.insz) {
		if ((p = realloc(ws_share.in, n)) == NULL)
			return;
		ws_share.in = p;
		ws_share.insz = n;
	}
	if (w->olen > ws_share.outsz) {
		if ((p = realloc(ws_share.out, w->olen)) == NULL)
			return;
		ws_share.out = p;
		ws_share.outsz = w->olen;
	}
	memcpy(ws_share.in, s, n);
	memcpy(ws_share.out, w->out, w->olen);
	ws_share.inlen = n;
	ws_share.take = take;
	ws_share.outlen = w->olen;
	ws_share.binary = w->binary;
	ws_share.bits = ws_zbits(w);
}

/*
 * The endpoint's write: a buffer of p as one binary message, or as many
 * lines as fit, each a message.  Takes nothing while frames are owed, so
 * back-pressure holds.  Returns the bytes taken.
 */
static ssize_t
ws_ep_write(struct endpoint *ep, const void *p, size_t n)
{
	struct ws		*w = ep->data;
	const unsigned char	*s = p;
	size_t			 take;
	ssize_t			 r;
	int			 want, share, hit = 0;

	ep->wwant = 0;
	if (w->ferr != 0) {
		errno = w->ferr;
		return (-1);
	}
	if (w->close_sent && !w->answering) {
		errno = EPIPE;
		return (-1);
	}
	if ((!w->close_sent && w->werr != 0) || (r = ws_flush(w,
	    &want)) == -1)
		goto broken;
	/*
	 * What is owed goes first; once the peer's close is answered, by the
	 * grace timer, nothing more is taken.
	 */
	if (r == 0 || w->close_sent) {
		if (r == 0)
			ep->wwant = want;
		else {
			ev_timer_disarm(&w->grace);
			ep_write_ended(ep);
		}
		errno = EAGAIN;
		return (-1);
	}
	/*
	 * Frames are shared between messages, nothing owed (ws_flush() gave
	 * the buffer back), no zlib state (compressing afresh, it goes at
	 * each message's end), never by --ws-framed (nor its wutf8).
	 */
	DEBUG_CHECK(w->olen == 0 && w->ooff == 0, "ws_ep_write: frames owed");
	share = ws_shares(w) && !w->sd->ws.framed && ws_between(w);
	DEBUG_CHECK(!share || w->zout == NULL, "ws_ep_write: a zlib state "
	    "between messages");
	if (w->msgs) {
		/* A datagram is one message, whole: the buffer was emptied. */
		take = n;
		if (w->binary)
			(void)ws_queue(w, 1, WS_OP_BINARY, s, n);
		else
			(void)ws_put_part(w, s, n, 1);
	} else if (w->sd->ws.framed) {
		if ((r = ws_put_records(w, s, n)) == -1)
			return (-1);
		take = r;
	} else if (share && (take = ws_share_hit(w, s, n)) > 0)
		hit = 1;
	else if (w->binary) {
		take = n < CHANNEL_BUFSIZE ? n : CHANNEL_BUFSIZE;
		(void)ws_queue(w, 1, WS_OP_BINARY, s, take);
	} else {
		/* The first line always fits: the buffer was emptied. */
		if ((r = ws_put_text(w, s, n)) == -1)
			return (-1);
		take = r;
	}
	/* A frame that could not be queued: the write fails, said. */
	if (w->werr != 0)
		goto broken;
	if (share && !hit)
		ws_share_keep(w, s, n, take);
	if (ws_send(w) == -1)
		goto broken;
	return (take);

broken:
	ws_broken(w);
	return (-1);
}

/* End an open message, before our close. */
static void
ws_end_message(struct ws *w)
{
	if (w->wop != 0)
		(void)ws_queue(w, 1, WS_OP_CONT, NULL, 0);
	w->wop = 0;
	w->wutf8 = 0;
}

/*
 * Nothing more is written (line_done): a held line goes as a message; with
 * close_due, the open message ends and our close follows.  What has no
 * room goes after the owed frames (ws_read_frames() calls again).
 */
void
ws_finish(struct ws *w)
{
	if (w->close_sent)
		return;
	if (w->linelen > 0) {
		if (!ws_room(w, w->linelen))
			goto flush;
		(void)ws_put_part(w, w->line, w->linelen, 1);
		w->linelen = 0;
	}
	buf_pool_put(w->line, CHANNEL_BUFSIZE);
	w->line = NULL;
	if (w->close_due) {
		ws_end_message(w);
		ws_send_close(w, 0, "");
	}
flush:
	(void)ws_send(w);
}

/* ep's writer has ended, all read taken: a held line is whole. */
static int
ws_ep_ended(struct endpoint *ep)
{
	struct ws	*w = ep->data;

	/* Input that ends inside a record lost part of a message. */
	if (w->sd->ws.framed && (w->rkind != 0 || w->rhdrlen > 0)) {
		(void)snprintf(w->fwhy, sizeof(w->fwhy), "--ws-framed: the "
		    "input ended inside a record");
		ws_framed_failed(w);
		return (-1);
	}
	w->line_done = 1;
	if (w->linelen > 0)
		ws_finish(w);
	return (0);
}

/*
 * End what is written: the held line, an open message, our close (a
 * client's after a ping's pong: ws_close_ping()).
 */
static int
ws_ep_shutdown(struct endpoint *ep)
{
	struct ws	*w = ep->data;

	if (w->close_sent || w->close_ping)
		return (0);
	w->line_done = 1;
	ws_finish(w);
	if (ws_close_ping(w) == 0)
		return (0);
	w->close_due = 1;
	ws_finish(w);
	return (0);
}

/* The session is over: a close if none was sent, best effort. */
static void
ws_ep_free(struct endpoint *ep)
{
	struct ws	*w = ep->data;
	int		 want;

	/* Our close, sent or waiting for its ping's pong, had no answer. */
	if (!w->in_closed && (w->close_ping || w->close_sent))
		log_verbose(1, "WebSocket: the peer did not answer our close");
	/*
	 * A close, unless sent: the peer's code echoed where the session ended
	 * whole, or by the peer's own failure (its close said one: RFC
	 * 6455, 5.5.1, however soon the end came); else ours was cut.
	 */
	if ((ep->flags & EP_WHOLE) || (w->peer_code != 0 &&
	    w->err == ECONNRESET))
		ws_send_close(w, 0, "");
	else
		ws_send_close(w, WS_CLOSE_INTERNAL, "cut");
	(void)ws_flush(w, &want);
	/*
	 * What the socket had no room for (a peer slow to read: our last
	 * frames, the close) goes as it takes it, then the socket's end
	 * (sock_linger_send(), which takes the socket).  Over TLS they are
	 * records of a session freed here: best effort only.
	 */
	if (w->ooff < w->olen && w->tls == NULL && ep->rfd == w->fd) {
		sock_linger_send(w->fd, w->out + w->ooff, w->olen - w->ooff);
		ep->rfd = ep->wfd = -1;
	}
	ep->data = NULL;
	ws_free(w);
}

static const struct ep_ops ws_ops = {
	.read = ws_ep_read,
	.write = ws_ep_write,
	.pending = ws_ep_pending,
	.ended = ws_ep_ended,
	.shutdown = ws_ep_shutdown,
	.free = ws_ep_free,
	.why = ws_ep_why,
};

/*
 * An unattached connection on fd (over tls if not NULL), a server's if
 * server.  Returns NULL with errno.
 */
struct ws *
ws_new(const struct side *sd, int fd, struct tls *tls, int server)
{
	struct ws	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (NULL);
	w->sd = sd;
	w->fd = fd;
	w->tls = tls;
	w->server = server;
	w->max = sd->ws.max_message > 0 ? (uint64_t)sd->ws.max_message :
	    WS_MAX_MESSAGE;
	/* What every connection of the side's WebSocket applies. */
	SIDE_TAKEN(ws.max_message);
	SIDE_TAKEN(ws.ping_ms);
	SIDE_TAKEN(ws.pong_ms);
	SIDE_TAKEN(ws.messages);
	SIDE_TAKEN(ws.framed);
	SIDE_TAKEN(ws.binary);
	ev_timer_init(&w->ping, ws_ping_cb, w);
	ev_timer_init(&w->pong, ws_pong_cb, w);
	ev_timer_init(&w->grace, ws_grace_cb, w);
	return (w);
}

/*
 * Close w's unstarted session with code and reason, best effort (a new
 * socket has room for it).  w stays its owner's to free.
 */
void
ws_close_now(struct ws *w, int code, const char *reason)
{
	int	 want;

	if (w == NULL || w->plain)
		return;
	/* Once attached, the session's end sends the close (ws_ep_free()). */
	DEBUG_CHECK(w->ep == NULL, "ws_close_now: the session has started");
	ws_send_close(w, code, reason);
	(void)ws_flush(w, &want);
}

/* Free w and its TLS; the socket is its owner's. */
void
ws_free(struct ws *w)
{
	if (w == NULL)
		return;
	ev_timer_disarm(&w->ping);
	ev_timer_disarm(&w->pong);
	ev_timer_disarm(&w->grace);
	if (w->tls != NULL) {
		tls_close_notify(w->tls);
		tls_free(w->tls);
	}
	exec_environ_free(w->cgi, 0);
	buf_pool_put(w->line, CHANNEL_BUFSIZE);
	free(w->part);
	ws_zin_put(w->zin);
	ws_zout_put(w->zout, ws_zbits(w));
	if (ws_shares(w) && --ws_share_users == 0) {
		free(ws_share.in);
		free(ws_share.out);
		memset(&ws_share, 0, sizeof(ws_share));
	}
	buf_pool_put(w->in, WS_IN_SIZE);
	buf_pool_put(w->out, WS_OUT_SIZE);
	free(w);
}

/* The CGI variables of w's request (NULL: none); w keeps them. */
char *const *
ws_cgi(const struct ws *w)
{
	return (w != NULL ? w->cgi : NULL);
}

/*
 * Copy what a plain TCP client of --broker or --room sent while sniffed
 * under TLS to p (n >= WS_SNIFF_MAX).  Returns how many.
 */
size_t
ws_plain_held(const struct ws *w, unsigned char *p, __unused size_t n)
{
	if (w == NULL || !w->plain || w->inlen == 0)
		return (0);
	DEBUG_CHECK(w->inlen <= n, "ws_plain_held: more held than sniffed");
	memcpy(p, w->in, w->inlen);
	return (w->inlen);
}

/* Is w's client plain TCP, no WebSocket? */
int
ws_plain(const struct ws *w)
{
	return (w == NULL || w->plain);
}

/*
 * The error that ended WebSocket ep's reads (ETIMEDOUT: pings unanswered),
 * known even if no read reported it; 0 if none or ep is no WebSocket's.
 */
int
ws_ep_error(const struct endpoint *ep)
{
	const struct ws	*w = ep->data;

	return (ep->ops == &ws_ops && w != NULL ? w->err : 0);
}

/*
 * Have WebSocket ep, whose session never ran, close with code and reason
 * when freed instead of 1000; nothing for another endpoint.
 */
void
ws_ep_close(struct endpoint *ep, int code, const char *reason)
{
	struct ws	*w = ep->data;

	if (ep->ops != &ws_ops || w == NULL)
		return;
	DEBUG_CHECK(w->wop == 0 && w->linelen == 0,
	    "ws_ep_close: the session has written");
	ws_send_close(w, code, reason);
}

/*
 * Make ep, w's socket's endpoint, speak WebSocket; ep owns w.  binary
 * (asked, or WS_PROTO_BINARY agreed): each write a binary message, read as
 * bytes; else each line a text message, each read message ending with a
 * newline.  Our close ends the write side; the socket stays open.
 */
void
ws_attach(struct endpoint *ep, struct ws *w, int binary)
{
	/* A plain client of a room: bytes as they are, over TLS or not. */
	if (w->plain) {
		if (w->tls != NULL)
			tls_attach(ep, w->tls);
		w->tls = NULL;
		ws_free(w);
		return;
	}
	ep->ops = &ws_ops;
	ep->data = w;
	if (ep->shut == EP_SHUT_SOCKET)
		ep->shut = EP_SHUT_NONE;
	w->ep = ep;
	w->binary = binary || w->bytes;
	w->msgs = (ep->flags & EP_DGRAM) != 0;
	if (ws_ping_every(w) > 0)
		ev_timer_arm(&w->ping, ws_ping_every(w));
}
