/*
 * WebSocket connections: the upgrade as a stage on the loop (a server's
 * after its TLS handshake, a client's after its dial), then an endpoint
 * with its own read and write operations that frame and unframe the
 * bytes, so that the pump, the taps and the fan-out see payload only.
 * The bytes of the protocol are src/codec/ws.c's.
 *
 * Reading gives the payload of data frames as it comes (a frame need not
 * be whole), answers pings, and ends at the peer's close frame or at the
 * first protocol error, which is answered with its close code.  A close
 * with a code that reports a failure, a protocol error, a connection
 * that ends without a close frame and a write error end the read with an
 * error (ws_ep_why() says which), so that the session ends as a broken
 * TCP connection would, and a client's exit status says so.  Writing
 * takes a chunk (binary mode) or each of its lines (text mode, a line
 * held until its newline comes) as one message, as many at once as the
 * output buffer holds; a line that is not UTF-8 goes as a binary
 * message, since a text message must be UTF-8.
 * The close handshake is the pump's end of file: the peer's close ends
 * what is read, and the end of what is written sends ours.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "net.h"

/* Raw bytes read ahead of the decoder: a header and a buffer's worth. */
#define WS_IN_SIZE	(CHANNEL_BUFSIZE + WS_HDR_MAX)

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
 * zlib is loaded with dlopen(3) when a WebSocket first offers or takes
 * permessage-deflate, as OpenSSL is when TLS is first asked for: linked,
 * it cost every idle listener 84 KiB (bench/RESULTS.md, set M).  Each
 * function used is called through a pointer of its own type; the names
 * below stand for the pointers.  A static build, which cannot load it,
 * links it (SC_ZLIB_LINKED).
 */
#ifndef SC_ZLIB_LINKED
#define WS_LIBZ		"libz.so.1"

#define WS_Z_FUNCTIONS \
	F(deflateInit2_) \
	F(deflate) \
	F(deflateReset) \
	F(deflateEnd) \
	F(inflateInit2_) \
	F(inflate) \
	F(inflateReset) \
	F(inflateEnd)

#define F(name) static __typeof__(&name) ws_z_##name;
WS_Z_FUNCTIONS
#undef F

/*
 * Load zlib and find every function we call, once.  Returns -1 (and the
 * WebSocket goes uncompressed, said with -v) if it cannot be.
 */
static int
ws_z_load(void)
{
	static int	 state;		/* 1 loaded, -1 failed */
	void		*lib;

	if (state != 0)
		return (state == 1 ? 0 : -1);
	state = -1;
	if ((lib = dlopen(WS_LIBZ, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_verbose(1, "WebSocket: no compression: %s", dlerror());
		return (-1);
	}
#define F(name) \
	if ((ws_z_##name = (__typeof__(ws_z_##name))dlsym(lib, \
	    #name)) == NULL) { \
		log_verbose(1, "WebSocket: no compression: %s has no %s", \
		    WS_LIBZ, #name); \
		return (-1); \
	}
	WS_Z_FUNCTIONS
#undef F
	state = 1;
	return (0);
}

#define deflateInit2_	(*ws_z_deflateInit2_)
#define deflate		(*ws_z_deflate)
#define deflateReset	(*ws_z_deflateReset)
#define deflateEnd	(*ws_z_deflateEnd)
#define inflateInit2_	(*ws_z_inflateInit2_)
#define inflate		(*ws_z_inflate)
#define inflateReset	(*ws_z_inflateReset)
#define inflateEnd	(*ws_z_inflateEnd)
#else
static int
ws_z_load(void)
{
	return (0);
}
#endif

/* What a message's compressed data lacks at its end (RFC 7692, 7.2.1). */
static const unsigned char ws_z_tail[4] = { 0x00, 0x00, 0xff, 0xff };

/*
 * The process's spare compressor (for windows of ws_zspare_bits) and
 * decompressor.  A side that starts each message afresh (RFC 7692's
 * no_context_takeover) needs zlib's state only while a message is being
 * compressed or inflated: it takes the spare, or makes one, when a
 * message starts, and gives it back, reset, when the message ends, so
 * that an idle connection holds none (a compressor at window 15 is
 * about 260 KiB, a decompressor 40 KiB) and a fan-out to many members
 * goes through one.  A side that keeps its context keeps its state.
 */
static z_stream	*ws_zspare_out;
static int	 ws_zspare_bits;
static z_stream	*ws_zspare_in;

/* A compressor for a window of 2^bits: the spare, or a new one. */
static z_stream *
ws_zout_get(int bits)
{
	z_stream	*z;

	if (ws_zspare_out != NULL && ws_zspare_bits == bits) {
		z = ws_zspare_out;
		ws_zspare_out = NULL;
		return (z);
	}
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return (NULL);
	if (deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -bits, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return (NULL);
	}
	return (z);
}

/* Give back z (may be NULL), of ws_zout_get(bits): the spare, or ended. */
static void
ws_zout_put(z_stream *z, int bits)
{
	if (z == NULL)
		return;
	if (ws_zspare_out == NULL && deflateReset(z) == Z_OK) {
		ws_zspare_out = z;
		ws_zspare_bits = bits;
		return;
	}
	(void)deflateEnd(z);
	free(z);
}

/* A decompressor, which takes any window: the spare, or a new one. */
static z_stream *
ws_zin_get(void)
{
	z_stream	*z;

	if ((z = ws_zspare_in) != NULL) {
		ws_zspare_in = NULL;
		return (z);
	}
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return (NULL);
	if (inflateInit2(z, -15) != Z_OK) {
		free(z);
		return (NULL);
	}
	return (z);
}

/* Give back z (may be NULL), of ws_zin_get(): the spare, or ended. */
static void
ws_zin_put(z_stream *z)
{
	if (z == NULL)
		return;
	if (ws_zspare_in == NULL && inflateReset(z) == Z_OK) {
		ws_zspare_in = z;
		return;
	}
	(void)inflateEnd(z);
	free(z);
}

/* The upgrade's deadline when -w does not give one. */
#define WS_HS_TIMEOUT_MS	10000

/*
 * A client turned away from a full --broker or --room that has said
 * nothing for this long is given the plain TCP client's line.
 */
#define WS_SNIFF_MS		1000

/* How soon a client that sent part of a method is looked at again. */
#define WS_SNIFF_AGAIN_MS	50

/*
 * How long a client of a --broker or --room may say nothing before it is
 * taken for a plain TCP member, greeted and given what others say: a
 * browser sends its request at once on a connection it uses, and one
 * that listens only (sockcat -d host port >log) must not wait for ever.
 */
#define WS_SNIFF_QUIET_MS	300
/*
 * How long the peer's close waits for the end of what we write before it
 * is answered regardless.
 */
#define WS_CLOSE_GRACE_MS	1000

struct ws {
	const struct side	*sd;
	int			 fd;
	struct tls		*tls;	/* the layer underneath, or NULL */
	int			 server;
	int			 binary; /* else a line is a message */
	int			 bytes;	/* WS_PROTO_BINARY agreed: binary */
	int			 msgs;	/* each message a datagram (EP_DGRAM) */
	uint64_t		 max;	/* the longest message taken */
	struct endpoint		*ep;

	unsigned char		*in;	/* read, not yet decoded (pooled) */
	size_t			 inoff;
	size_t			 inlen;
	struct ws_frame		 f;	/* the frame being read */
	int			 in_frame;
	uint64_t		 left;	/* of its payload, still to come */
	uint64_t		 off;	/* of its payload, read */
	int			 msg_op; /* WS_OP_TEXT, _BINARY, 0: none */
	uint64_t		 msg_len;
	int			 utf8;	/* ws_utf8()'s state */
	int			 eol_due; /* a message ended: its newline */
	int			 msg_done; /* msgs: a message ended */
	int			 msg_skip; /* msgs: it is longer than a read */
	unsigned char		*part;	/* msgs: the start of the one read */
	size_t			 partlen;
	unsigned char		 ctrl[WS_CTRL_MAX];
	size_t			 ctrllen;
	int			 in_closed; /* the peer's close, or an error */
	int			 end_told; /* the pump has read that end */
	int			 peer_code; /* its close code, 0: none yet */
	int			 err;	/* what ended the reads, or 0 */
	char			 why[WS_CTRL_MAX * 4 + 128]; /* and why */
	int			 werr;	/* a write's error */

	unsigned char		*out;	/* frames owed to the peer (pooled) */
	size_t			 ooff;
	size_t			 olen;
	int			 wop;	/* the message open (WS_OP_*) */
	int			 wutf8;	/* ws_utf8()'s state of it */
	unsigned char		*line;	/* text: a line not ended yet, held */
	size_t			 linelen;
	int			 line_done; /* no more comes: it ends there */
	int			 close_due; /* our close follows the line */
	int			 close_sent;
	int			 plain;	/* not WebSocket: a TCP client */
	struct ev_timer		 ping;	/* --ws-ping */
	char			**cgi;	/* the request's CGI variables */

	/* --ws-framed: a record's header read out, and one written in. */
	char			 fhdr[WSH_FRAME_HDR_MAX];
	size_t			 fhdroff;
	size_t			 fhdrlen;
	char			 rhdr[WSH_FRAME_HDR_MAX];
	size_t			 rhdrlen;
	int			 rkind;	/* the record's, 0: a header next */
	uint64_t		 rleft;	/* of its payload, still to come */
	int			 ferr;	/* a bad record: EINVAL */
	char			 fwhy[256]; /* and what was wrong */
	struct ev_timer		 grace;	/* the peer's close waits for ours */
	int			 answering; /* ours sent by it, being flushed */

	/* permessage-deflate (RFC 7692), when it was agreed. */
	int			 pmd;
	struct ws_pmd		 pmdp;
	z_stream		*zin;	/* while needed (ws_zin_get()) */
	z_stream		*zout;
	int			 msg_z;	/* the message read is compressed */
	uint64_t		 zlen;	/* its compressed bytes so far */
	size_t			 zmasked; /* of in, unmasked already */
	int			 ztail;	/* bytes of ws_z_tail given */
	int			 zfull;	/* inflate() may have more to give */
};

/* An upgrade in progress, either side. */
struct ws_hs {
	const struct side	*sd;
	int			 fd;
	struct tls		*tls;
	int			 server;
	char			 in[WS_HEAD_MAX + 1];
	size_t			 inlen;
	char			 out[WS_HEAD_MAX];
	size_t			 ooff;
	size_t			 olen;
	int			 watched;
	char			*refused; /* a refusal is being sent: why */
	int			 answered; /* the server's 101 is being sent */
	int			 sniffing; /* plain TCP clients are welcome */
	struct ev_timer		 sniff;	/* to look again at a method's start */
	struct ev_timer		 quiet;	/* silent that long: a plain client */
	int			 quieted; /* it has been */
	int			 spoke;	/* it sent part of a method */
	struct wsh_answer	*ans;	/* an answer that is no upgrade */
	char			**cgi;	/* the request's CGI variables */
	char			 key[WS_KEY_LEN + 1];
	const char		*protocols; /* a client's offer */
	char			 offer[256]; /* it, WS_PROTO_BINARY added */
	int			 bytes;	/* WS_PROTO_BINARY agreed */
	int			 pmd;	/* permessage-deflate agreed */
	struct ws_pmd		 pmdp;
	struct ev_timer		 timer;
	long long		 timeout_ms; /* the deadline, from HTTP on */
	ws_done_cb		*cb;
	void			*arg;
	const char		*starting; /* ASYNC_START() */
};

static ssize_t
ws_lower_read(int fd, struct tls *tls, void *p, size_t n, int *want)
{
	*want = 0;
	if (tls != NULL)
		return (tls_read(tls, p, n, want));
	return (read(fd, p, n));
}

static ssize_t
ws_lower_write(int fd, struct tls *tls, const void *p, size_t n, int *want)
{
	*want = 0;
	if (tls != NULL)
		return (tls_write(tls, p, n, want));
	return (send(fd, p, n, MSG_NOSIGNAL));
}

/*
 * The buffers of raw bytes read and of frames owed are the pool's
 * (pool_get()), held only while bytes are in them, as a channel's are:
 * an idle connection holds neither, and a fan-out to many members goes
 * through the same few.  Each get returns 0, or -1 with errno.
 */
static int
ws_in_get(struct ws *w)
{
	if (w->in == NULL && (w->in = pool_get(WS_IN_SIZE)) == NULL)
		return (-1);
	return (0);
}

static void
ws_in_put(struct ws *w)
{
	if (w->in == NULL || w->inlen > 0)
		return;
	pool_put(w->in, WS_IN_SIZE);
	w->in = NULL;
	w->inoff = 0;
}

static int
ws_out_get(struct ws *w)
{
	if (w->out == NULL && (w->out = pool_get(WS_OUT_SIZE)) == NULL)
		return (-1);
	return (0);
}

static void
ws_out_put(struct ws *w)
{
	if (w->out == NULL || w->ooff < w->olen)
		return;
	pool_put(w->out, WS_OUT_SIZE);
	w->out = NULL;
	w->ooff = w->olen = 0;
}

/*
 * Write what is owed to the peer, giving the buffer back once it is all
 * gone.  Returns 1 when all of it is gone, 0 when some must wait for the
 * events in *want, -1 on an error (errno).
 */
static int
ws_flush(struct ws *w, int *want)
{
	ssize_t	 n;

	*want = 0;
	while (w->ooff < w->olen) {
		n = ws_lower_write(w->fd, w->tls, w->out + w->ooff,
		    w->olen - w->ooff, want);
		if (n == -1 && errno == EINTR)
			continue;
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
	}
	ws_out_put(w);
	return (1);
}

/* ws_frame_parse()'s flags for w. */
static int
ws_flags(const struct ws *w)
{
	return ((w->server ? WS_PARSE_SERVER : 0) |
	    (w->pmd ? WS_PARSE_RSV1 : 0));
}

/*
 * The session ends in an error: remember it (the first one) and what it
 * was, for the read that reports it (ws_ep_why()).
 */
static void
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

/* The window our side compresses with, as 2^bits. */
static int
ws_zbits(const struct ws *w)
{
	int	 bits = w->server ? w->pmdp.server_bits : w->pmdp.client_bits;

	return (bits > 0 ? bits : 15);
}

/* Does our side start each message afresh (its no_context_takeover)? */
static int
ws_zfresh(const struct ws *w)
{
	return (w->server ? w->pmdp.server_no_takeover :
	    w->pmdp.client_no_takeover);
}

/* Does the peer's side? */
static int
ws_zfresh_peer(const struct ws *w)
{
	return (w->server ? w->pmdp.client_no_takeover :
	    w->pmdp.server_no_takeover);
}

/*
 * Deflate n1 bytes at p1, then n2 at p2, into dst (cap bytes, as
 * WS_Z_BOUND() says) as the next frame of the message being sent:
 * flushed to a byte boundary and, for its last frame, without the empty
 * block's four bytes the peer adds back (RFC 7692, 7.2.1).  Our side's
 * no_context_takeover starts each message afresh, and gives the
 * compressor back at its end.  Returns the compressed length, or -1.
 */
static ssize_t
ws_deflate(struct ws *w, int fin, unsigned char *dst, size_t cap,
    const unsigned char *p1, size_t n1, const unsigned char *p2, size_t n2)
{
	z_stream	*z;
	size_t		 n;
	int		 ret;

	if (w->zout == NULL && (w->zout = ws_zout_get(ws_zbits(w))) == NULL)
		return (-1);
	z = w->zout;
	z->next_out = dst;
	z->avail_out = cap;
	if (n1 > 0) {
		z->next_in = (Bytef *)(uintptr_t)p1;
		z->avail_in = n1;
		if (deflate(z, Z_NO_FLUSH) != Z_OK)
			return (-1);
	}
	z->next_in = (Bytef *)(uintptr_t)p2;
	z->avail_in = n2;
	/* A flush right after a flush has nothing to add: Z_BUF_ERROR. */
	ret = deflate(z, Z_SYNC_FLUSH);
	if ((ret != Z_OK && ret != Z_BUF_ERROR) || z->avail_in != 0 ||
	    z->avail_out == 0)
		return (-1);
	n = cap - z->avail_out;
	if (fin) {
		if (n >= sizeof(ws_z_tail) && memcmp(dst + n -
		    sizeof(ws_z_tail), ws_z_tail, sizeof(ws_z_tail)) == 0)
			n -= sizeof(ws_z_tail);
		else {
			/*
			 * Nothing since the last frame's flush: the empty
			 * block the peer completes must still begin here,
			 * its header's byte, or the tail it adds would be
			 * read as the start of one and the next message
			 * with it.
			 */
			dst[n++] = 0x00;
		}
		if (ws_zfresh(w)) {
			ws_zout_put(z, ws_zbits(w));
			w->zout = NULL;
		}
	}
	return (n);
}

/*
 * Queue a frame for the peer after what is owed already: masked when we
 * are the client, its payload compressed when permessage-deflate was
 * agreed and it is a data frame (RSV1 on a message's first frame).
 * Returns 0, or -1 when there is no room for it (a pong never takes the
 * room a close needs).
 */
static int
ws_queue2(struct ws *w, int fin, int op, const unsigned char *p1,
    size_t n1, const unsigned char *p2, size_t n2)
{
	unsigned char	 key[4], *dst;
	size_t		 room, h, need, n = n1 + n2;
	ssize_t		 zn;
	int		 z = w->pmd && op < WS_OP_CLOSE;

	need = z ? WS_Z_BOUND(n) : n;
	if (ws_out_get(w) == -1)
		return (-1);
	if (w->ooff > 0 && w->ooff == w->olen)
		w->ooff = w->olen = 0;
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
		if ((zn = ws_deflate(w, fin, dst + WS_HDR_MAX, need, p1, n1,
		    p2, n2)) == -1)
			return (-1);
		n = zn;
		h = ws_frame_encode(dst, fin, op, n, w->server ? NULL : key);
		if (op != WS_OP_CONT)
			dst[0] |= 0x40;
		memmove(dst + h, dst + WS_HDR_MAX, n);
	} else {
		h = ws_frame_encode(dst, fin, op, n, w->server ? NULL : key);
		if (n1 > 0)
			memcpy(dst + h, p1, n1);
		if (n2 > 0)
			memcpy(dst + h + n1, p2, n2);
	}
	if (!w->server)
		ws_mask(dst + h, n, key, 0);
	w->olen += h + n;
	return (0);
}

static int
ws_queue(struct ws *w, int fin, int op, const unsigned char *p, size_t n)
{
	return (ws_queue2(w, fin, op, p, n, NULL, 0));
}

/* Is there room for frames of n payload bytes in all, and a close? */
static int
ws_room(const struct ws *w, size_t n)
{
	if (w->pmd)
		n = WS_Z_BOUND(n) + 64;
	return (WS_OUT_SIZE - (w->olen - w->ooff) >=
	    2 * WS_HDR_MAX + n + WS_OUT_CLOSE);
}

/* Queue our close frame, once: nothing may follow it. */
static void
ws_send_close(struct ws *w, int code, const char *reason)
{
	unsigned char	 p[WS_CTRL_MAX];
	size_t		 n;

	if (w->close_sent)
		return;
	n = ws_close_encode(p, code, reason);
	(void)ws_queue(w, 1, WS_OP_CLOSE, p, n);
	w->close_sent = 1;
}

/*
 * The peer broke the protocol: say why with -v, answer with code and stop
 * reading.  Returns 0, the end of file the pump is given.
 */
static ssize_t
ws_fail(struct ws *w, int code, const char *why)
{
	int	 want;

	log_verbose(1, "WebSocket: %s; closing with %d", why, code);
	ws_error(w, EPROTO, "WebSocket: %s; closed with %d", why, code);
	w->eol_due = 0;
	ws_send_close(w, code, why);
	w->in_closed = 1;
	(void)ws_flush(w, &want);
	return (0);
}

/*
 * Read more raw bytes behind what is held.  Returns what read(2) would;
 * *want as tls_read() sets it.
 */
static ssize_t
ws_fill(struct ws *w, int *want)
{
	ssize_t	 n;

	if (w->inoff > 0) {
		memmove(w->in, w->in + w->inoff, w->inlen);
		w->inoff = 0;
	}
	do {
		n = ws_lower_read(w->fd, w->tls, w->in + w->inlen,
		    WS_IN_SIZE - w->inlen, want);
	} while (n == -1 && errno == EINTR);
	if (n > 0)
		w->inlen += n;
	return (n);
}

/*
 * A read of the layer underneath gave n (0 or -1): the end of file, or
 * an error or "later" for the pump, with the events a later read needs.
 */
static ssize_t
ws_read_end(struct ws *w, ssize_t n, int want)
{
	int	 fwant = 0;

	if (n == 0) {
		if (w->werr != 0)
			ws_error(w, w->werr, "WebSocket: %s",
			    strerror(w->werr));
		else if (!w->in_closed) {
			log_verbose(1, "WebSocket: connection closed without "
			    "a close frame");
			ws_error(w, ECONNRESET, "WebSocket: connection closed "
			    "without a close frame");
		}
		w->in_closed = 1;
		return (0);
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

/* A whole control frame came: answer a ping, take in a close. */
static ssize_t
ws_control(struct ws *w)
{
	const unsigned char	*r;
	char			 reason[LOG_ESCAPED(WS_CTRL_MAX)];
	size_t			 rlen;
	int			 code, answer, want;

	switch (w->f.opcode) {
	case WS_OP_PING:
		/* No room means pongs are owed already: one will do. */
		if (!w->close_sent &&
		    ws_queue(w, 1, WS_OP_PONG, w->ctrl, w->ctrllen) == 0)
			(void)ws_flush(w, &want);
		return (1);
	case WS_OP_PONG:
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
	 * A normal end, a peer going away, no code, or one of an
	 * application's own: the session is over.  Any other code says
	 * something failed (a protocol error, data it would not take, an
	 * error of its own, a gateway whose target is down).
	 */
	if (code != WS_CLOSE_NORMAL && code != WS_CLOSE_GOING_AWAY &&
	    code != WS_CLOSE_NO_STATUS && code < 3000)
		ws_error(w, ECONNRESET, "WebSocket: the peer closed with "
		    "%d%s%s", code, *reason != '\0' ? ": " : "", reason);
	w->peer_code = code;
	w->in_closed = 1;
	/*
	 * Answered when what we write ends (a program behind -e still
	 * answers what came before the close), but within WS_CLOSE_GRACE_MS
	 * (RFC 6455, 5.5.1: as soon as practical): a program that never
	 * stops writing must not keep the peer waiting for ours.
	 */
	if (!w->close_sent)
		ev_timer_arm(&w->grace, WS_CLOSE_GRACE_MS);
	return (0);
}

/*
 * The peer closed a while ago and we still write: answer its close now,
 * ending a message of ours left open, and drop what is still to be
 * written, as the peer would drop it.
 */
static void
ws_grace_cb(void *arg)
{
	struct ws	*w = arg;
	struct session	*s;
	int		 want;

	if (!w->close_sent) {
		log_verbose(1, "WebSocket: answering the peer's close");
		w->wop = 0;
		w->linelen = 0;
		ws_send_close(w, w->peer_code != WS_CLOSE_NO_STATUS ?
		    w->peer_code : WS_CLOSE_NORMAL, "");
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
	s = w->ep->writer->session;
	ep_write_ended(w->ep);
	session_check(s);
}

/*
 * A frame's header was read: check it follows the frames before it.
 * Returns 1, or 0 after answering a protocol error.
 */
static int
ws_frame_start(struct ws *w)
{
	char	 why[128];

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
	if (w->msg_z) {
		/*
		 * What it inflates to is counted as it comes (ws_inflate());
		 * what it is compressed is held to the same bound.
		 */
		if (w->f.len > w->max - w->zlen) {
			(void)snprintf(why, sizeof(why), "a message longer "
			    "than %llu bytes", (unsigned long long)w->max);
			return (ws_fail(w, WS_CLOSE_TOO_BIG, why));
		}
		w->zlen += w->f.len;
		return (1);
	}
	if (w->f.len > w->max - w->msg_len) {
		(void)snprintf(why, sizeof(why), "a message longer than %llu "
		    "bytes", (unsigned long long)w->max);
		return (ws_fail(w, WS_CLOSE_TOO_BIG, why));
	}
	w->msg_len += w->f.len;
	/* --ws-framed: the frame's payload is a record of its own. */
	if (w->sd->ws.framed && !w->msgs) {
		w->fhdrlen = wsh_frame_encode(w->fhdr, sizeof(w->fhdr),
		    w->msg_op == WS_OP_TEXT ? (w->f.fin ? 'T' : 't') :
		    (w->f.fin ? 'B' : 'b'), w->f.len);
		w->fhdroff = 0;
	}
	return (1);
}

/*
 * A data frame's payload is all read.  Returns 1, or 0 after answering
 * a protocol error.
 */
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
	if (w->msg_z && ws_zfresh_peer(w)) {
		ws_zin_put(w->zin);
		w->zin = NULL;
	}
	w->msg_z = 0;
	w->msg_op = 0;
	if (w->msgs)
		w->msg_done = 1;
	else if (!w->binary && !w->sd->ws.framed)
		w->eol_due = 1;
	return (1);
}

/*
 * Inflate what there is of the compressed message being read into dst
 * (cap bytes): the payload of its frame held in in (unmasked on the way,
 * once), then, after its last frame, the tail its sender left off.  What
 * it gives is counted against the longest message, and never more than
 * one byte past it is made: a small message that would inflate to
 * gigabytes is closed with 1009 having cost one buffer.  Returns the
 * bytes given, 0 when none came (more input is needed, or the frame is
 * done with), -1 after answering bad data.
 */
static ssize_t
ws_inflate(struct ws *w, unsigned char *dst, size_t cap)
{
	z_stream	*z;
	size_t		 avail, used, made;
	int		 ret, tail = 0;
	char		 why[128];

	if (w->zin == NULL && (w->zin = ws_zin_get()) == NULL) {
		(void)ws_fail(w, WS_CLOSE_INTERNAL, "out of memory");
		return (-1);
	}
	z = w->zin;
	if (cap > w->max - w->msg_len + 1)
		cap = w->max - w->msg_len + 1;
	avail = w->left < w->inlen ? w->left : w->inlen;
	if (avail > 0) {
		if (w->f.masked && avail > w->zmasked) {
			ws_mask(w->in + w->inoff + w->zmasked,
			    avail - w->zmasked, w->f.mask, w->off + w->zmasked);
			w->zmasked = avail;
		}
		z->next_in = w->in + w->inoff;
		z->avail_in = avail;
	} else if (w->left == 0 && w->f.fin &&
	    w->ztail < (int)sizeof(ws_z_tail)) {
		z->next_in = (Bytef *)(uintptr_t)(ws_z_tail + w->ztail);
		z->avail_in = avail = sizeof(ws_z_tail) - w->ztail;
		tail = 1;
	} else if (w->zfull) {
		z->next_in = dst;
		z->avail_in = 0;
	} else
		return (0);
	z->next_out = dst;
	z->avail_out = cap;
	ret = inflate(z, Z_SYNC_FLUSH);
	used = avail - z->avail_in;
	if (tail)
		w->ztail += used;
	else {
		w->inoff += used;
		w->inlen -= used;
		w->left -= used;
		w->off += used;
		w->zmasked -= used;
	}
	/* A final block: what follows starts a new stream. */
	if (ret == Z_STREAM_END)
		(void)inflateReset(z);
	else if (ret != Z_OK && ret != Z_BUF_ERROR) {
		(void)ws_fail(w, WS_CLOSE_BAD_DATA, "bad compressed data");
		return (-1);
	}
	made = cap - z->avail_out;
	w->zfull = z->avail_out == 0;
	if (made > w->max - w->msg_len) {
		(void)snprintf(why, sizeof(why), "a message longer than %llu "
		    "bytes", (unsigned long long)w->max);
		(void)ws_fail(w, WS_CLOSE_TOO_BIG, why);
		return (-1);
	}
	w->msg_len += made;
	return (made);
}

static void	ws_finish(struct ws *);

/*
 * Payload of data frames, as much as is there, up to n bytes: the frames
 * the bytes read hold, one after another, with a newline after each
 * message in text mode, so that a stream of short messages costs a read
 * and a write per buffer, not per message.  Control frames are taken in
 * on the way.  Returns what read(2) would: 0 at the peer's close or after
 * a protocol error (what came before it is returned first).
 */
static ssize_t
ws_read_frames(struct endpoint *ep, void *p, size_t n)
{
	struct ws	*w = ep->data;
	unsigned char	*out = p;
	ssize_t		 r;
	size_t		 k, got = 0;
	int		 code, want = 0;
	const char	*why;

	ep->rwant = 0;
	if (w->ooff < w->olen)
		(void)ws_flush(w, &want);
	/* A line held, or our close, waited for that room. */
	if (w->line_done && w->ooff == w->olen && !w->close_sent &&
	    (w->linelen > 0 || w->close_due))
		ws_finish(w);
	/* Given back by ws_ep_read() when the read leaves nothing in it. */
	if (ws_in_get(w) == -1)
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
		if (w->in_frame && w->f.opcode < WS_OP_CLOSE && w->msg_z) {
			if ((r = ws_inflate(w, out + got, n - got)) == -1)
				return (got);
			if (r > 0) {
				if (w->msg_op == WS_OP_TEXT &&
				    ws_utf8(&w->utf8, out + got, r) == -1) {
					(void)ws_fail(w, WS_CLOSE_BAD_DATA,
					    "a text message that is not UTF-8");
					return (got);
				}
				got += r;
				continue;
			}
			if (w->left == 0) {
				/* Its tail, or what inflate() still holds. */
				if ((w->f.fin && w->ztail <
				    (int)sizeof(ws_z_tail)) || w->zfull)
					continue;
				if (!ws_frame_end(w))
					return (got);
				continue;
			}
			if (w->inlen > 0)
				continue;
			if (got > 0)
				return (got);
			if ((r = ws_fill(w, &want)) <= 0)
				return (ws_read_end(w, r, want));
			continue;
		}
		if (w->in_frame && w->f.opcode < WS_OP_CLOSE) {
			if (w->left == 0) {
				if (!ws_frame_end(w))
					return (got);
				continue;
			}
			k = w->left < n - got ? w->left : n - got;
			if (w->inlen > 0) {
				if (k > w->inlen)
					k = w->inlen;
				memcpy(out + got, w->in + w->inoff, k);
				w->inoff += k;
				w->inlen -= k;
			} else if (got > 0)
				return (got);
			else {
				/* A long frame: straight into the pump. */
				do {
					r = ws_lower_read(w->fd, w->tls, out, k,
					    &want);
				} while (r == -1 && errno == EINTR);
				if (r <= 0)
					return (ws_read_end(w, r, want));
				k = r;
			}
			if (w->f.masked)
				ws_mask(out + got, k, w->f.mask, w->off);
			w->off += k;
			w->left -= k;
			if (w->msg_op == WS_OP_TEXT &&
			    ws_utf8(&w->utf8, out + got, k) == -1) {
				(void)ws_fail(w, WS_CLOSE_BAD_DATA,
				    "a text message that is not UTF-8");
				return (got);
			}
			got += k;
			if (w->left == 0 && !ws_frame_end(w))
				return (got);
			continue;
		}
		if (w->in_frame) {
			k = w->left < w->inlen ? w->left : w->inlen;
			memcpy(w->ctrl + w->ctrllen, w->in + w->inoff, k);
			w->ctrllen += k;
			w->inoff += k;
			w->inlen -= k;
			w->left -= k;
			if (w->left > 0) {
				if (got > 0)
					return (got);
				if ((r = ws_fill(w, &want)) <= 0)
					return (ws_read_end(w, r, want));
				continue;
			}
			w->in_frame = 0;
			if (w->f.masked)
				ws_mask(w->ctrl, w->ctrllen, w->f.mask, 0);
			if (ws_control(w) == 0)
				return (got);
			continue;
		}
		r = ws_frame_parse(w->in + w->inoff, w->inlen, ws_flags(w),
		    &w->f, &code, &why);
		if (r == -1) {
			(void)ws_fail(w, code, why);
			return (got);
		}
		if ((size_t)r > w->inlen) {
			/* What is there goes first: no read that may wait. */
			if (got > 0)
				return (got);
			if ((r = ws_fill(w, &want)) <= 0)
				return (ws_read_end(w, r, want));
			continue;
		}
		w->inoff += r;
		w->inlen -= r;
		if (!ws_frame_start(w))
			return (got);
	}
}

/*
 * The read of an endpoint whose messages are datagrams (EP_DGRAM): one
 * whole message into p, n bytes at most, or -1 (EAGAIN) until all of it
 * is there.  What came of it is held until the rest does.  A message
 * longer than n is no datagram: it is read and dropped, and said with -v.
 * Returns 0 for an empty message, and 0 with EP_DGRAM_FIN at the end.
 */
static ssize_t
ws_read_message(struct endpoint *ep, unsigned char *p, size_t n)
{
	struct ws	*w = ep->data;
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
		if (got == n) {
			w->msg_skip = 1;
			got = 0;
		}
		r = ws_read_frames(ep, p + got, n - got);
		if (r > 0)
			got += r;
		if (w->msg_done) {
			w->msg_done = 0;
			if (!w->msg_skip)
				return (got);
			w->msg_skip = 0;
			got = 0;
			log_verbose(1, "WebSocket: a message longer than %zu "
			    "bytes is no datagram: dropped", n);
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
 * The endpoint's read (ws_read_frames()), with the end of the session in
 * an error, when it was one, as -1 and its errno.  A write that met the
 * peer's reset ends the reads too, as the reset would over TCP: the socket
 * reports it once, and the read after it would see a plain end of file.
 */
static ssize_t
ws_ep_read(struct endpoint *ep, void *p, size_t n)
{
	struct ws	*w = ep->data;
	ssize_t		 r;

	if (w->werr != 0 && !w->in_closed) {
		ws_error(w, w->werr, "WebSocket: %s", strerror(w->werr));
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

/* What an error of ep's read was, when it was the WebSocket's own. */
static const char *
ws_ep_why(struct endpoint *ep, int error)
{
	struct ws	*w = ep->data;

	if (w != NULL && w->ferr != 0 && error == w->ferr)
		return (w->fwhy);
	if (w == NULL || w->err == 0 || error != w->err)
		return (NULL);
	return (w->why);
}

/*
 * Queue len bytes at p as the next part of the line being written (text
 * mode): its last when fin, which ends its message, else a part the
 * next goes on with.  A message is text while what it holds is UTF-8; a
 * line that is not goes as a binary message, and one whose later part
 * turns out not to be (a line longer than a buffer) ends its text
 * message at the last whole character and goes on as a binary message.
 * A part that is not the last stops before a character it cuts and
 * before a CR at its end (the newline may follow): those bytes begin the
 * next part.  The caller has made room (ws_room()).  Returns the bytes
 * of p queued.
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
	acc = ws_utf8_span(&st, p, q, &bound);
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
 * Text mode: the lines of the n bytes at s, each a message, as many as
 * the output buffer takes.  A line goes when its newline comes (which is
 * not sent, nor a CR before it); until then it is held, up to a buffer
 * of it, which then goes as a part of its message, the rest following
 * (ws_put_part()).  So where reads end changes nothing: the same bytes
 * make the same messages.  What is held goes as a line of its own when
 * nothing more comes (ws_finish()).  Returns the bytes of s taken, or -1
 * (ENOMEM) when a line cannot be held.
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
		    (w->line = pool_get(CHANNEL_BUFSIZE)) == NULL)
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
		pool_put(w->line, CHANNEL_BUFSIZE);
		w->line = NULL;
	}
	return (take);
}

/*
 * A bad record (--ws-framed): say what was wrong, for the write's error.
 * Returns -1 with errno EINVAL.
 */
static ssize_t
ws_bad_record(struct ws *w, const char *why)
{
	char	 shown[LOG_ESCAPED(sizeof(w->rhdr))];

	log_escape(shown, sizeof(shown), w->rhdr, w->rhdrlen);
	(void)snprintf(w->fwhy, sizeof(w->fwhy), "--ws-framed: %s: \"%s\"",
	    why, shown);
	w->ferr = EINVAL;
	errno = EINVAL;
	return (-1);
}

/*
 * --ws-framed: the records of the n bytes at s, each a header line ("T
 * 12", "B 4096"; 't', 'b': a part of a message that goes on) and that
 * many bytes, as frames: a record cut by a write's end goes as fragments
 * of one message.  Returns the bytes of s taken (0 when the frames would
 * not fit now), or -1 for a bad record, with ws_bad_record()'s reason.
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
 * A write failed (w->werr): the reads end with it too, now, as a reset
 * ends a TCP connection both ways (ep_write_broken()).  errno is the
 * write's error.
 */
static void
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
static size_t	 ws_share_users;

/* Is w a connection that may share frames (counted in ws_share_users)? */
static int
ws_shares(const struct ws *w)
{
	return (w->server && w->pmd && ws_zfresh(w));
}

/*
 * May w's next write take frames made for another connection, or give
 * its own?  A server's (no masking) that compresses each message afresh,
 * with no message open, nothing owed and no zlib state.
 */
static int
ws_share_ok(const struct ws *w)
{
	return (ws_shares(w) && !w->sd->ws.framed && w->wop == 0 &&
	    w->linelen == 0 && w->wutf8 == 0 && w->olen == 0 &&
	    w->zout == NULL);
}

/*
 * The write of n bytes at s by w, when the last write shared made its
 * frames of the same bytes: they are queued.  Returns the bytes taken,
 * or 0 when it must be made.
 */
static size_t
ws_share_hit(struct ws *w, const unsigned char *s, size_t n)
{
	if (!ws_share_ok(w) || ws_share.inlen != n || n == 0 ||
	    ws_share.binary != w->binary || ws_share.bits != ws_zbits(w) ||
	    memcmp(ws_share.in, s, n) != 0 || ws_out_get(w) == -1)
		return (0);
	memcpy(w->out, ws_share.out, ws_share.outlen);
	w->olen = ws_share.outlen;
	return (ws_share.take);
}

/*
 * w's write of n bytes at s took take of them and made the frames it
 * owes: keep them for the next connection, when it ended every message
 * it began.  Nothing is kept when memory is short.
 */
static void
ws_share_keep(const struct ws *w, const unsigned char *s, size_t n,
    size_t take)
{
	unsigned char	*p;

	if (w->wop != 0 || w->linelen != 0 || w->wutf8 != 0 ||
	    w->zout != NULL || w->ooff != 0 || take == 0 || n > WS_IN_SIZE)
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
 * The endpoint's write: up to a buffer of p as one binary message (binary
 * mode), or as many of its lines as the output buffer takes, each a
 * message (ws_put_line()), sent at once.  Nothing new is taken while
 * frames are owed, so that the pump's back-pressure holds.  Returns the
 * bytes of p taken.
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
	if (w->close_sent && w->answering) {
		/* The peer's close answered: flush, then take nothing more. */
		switch (ws_flush(w, &want)) {
		case -1:
			ws_broken(w);
			return (-1);
		case 0:
			ep->wwant = want;
			break;
		default:
			ev_timer_disarm(&w->grace);
			ep_write_ended(ep);
			break;
		}
		errno = EAGAIN;
		return (-1);
	}
	if (w->close_sent) {
		errno = EPIPE;
		return (-1);
	}
	if (w->werr != 0) {
		ws_broken(w);
		return (-1);
	}
	switch (ws_flush(w, &want)) {
	case -1:
		ws_broken(w);
		return (-1);
	case 0:
		ep->wwant = want;
		errno = EAGAIN;
		return (-1);
	}
	share = ws_share_ok(w);
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
	} else if ((take = ws_share_hit(w, s, n)) > 0)
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
	if (share && !hit)
		ws_share_keep(w, s, n, take);
	if (ws_flush(w, &want) == -1) {
		ws_broken(w);
		return (-1);
	}
	/* What is still owed goes when the socket takes it (ws_ep_read). */
	if (w->ooff < w->olen && ep->reader != NULL) {
		ep->rwant = EV_READ | want;
		ep_update(ep);
	}
	return (take);
}

/* The end of what is written: an open message ends, before our close. */
static void
ws_end_message(struct ws *w)
{
	if (w->wop != 0)
		(void)ws_queue(w, 1, WS_OP_CONT, NULL, 0);
	w->wop = 0;
	w->wutf8 = 0;
}

/* Decoded bytes, or bytes the TLS layer holds, that no poll announces. */
static int
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

/*
 * Nothing more is written to w (line_done): a line held (text mode) goes
 * as a message of its own, ended by the end of the input; then, when the
 * end of what is written was asked for (close_due), the open message
 * ends and our close follows.  What has no room yet goes once the frames
 * owed are flushed (ws_read_frames() calls again).
 */
static void
ws_finish(struct ws *w)
{
	int	 want;

	if (w->close_sent)
		return;
	if (w->linelen > 0) {
		if (!ws_room(w, w->linelen))
			goto flush;
		(void)ws_put_part(w, w->line, w->linelen, 1);
		w->linelen = 0;
	}
	if (w->line != NULL) {
		pool_put(w->line, CHANNEL_BUFSIZE);
		w->line = NULL;
	}
	if (w->close_due) {
		ws_end_message(w);
		ws_send_close(w, w->peer_code > 0 &&
		    w->peer_code != WS_CLOSE_NO_STATUS ? w->peer_code :
		    WS_CLOSE_NORMAL, "");
	}
flush:
	(void)ws_flush(w, &want);
	if (w->ooff < w->olen && w->ep->reader != NULL) {
		w->ep->rwant = EV_READ | want;
		ep_update(w->ep);
	}
}

/*
 * The channel writing to ep has ended, all it read taken: a line still
 * held is whole now.
 */
static void
ws_ep_ended(struct endpoint *ep)
{
	struct ws	*w = ep->data;

	w->line_done = 1;
	if (w->linelen > 0)
		ws_finish(w);
}

/* The end of what is written: what is held, an open message, our close. */
static void
ws_ep_shutdown(struct endpoint *ep)
{
	struct ws	*w = ep->data;

	if (w->close_sent)
		return;
	/* Input that ends inside a record lost part of a message. */
	if (w->sd->ws.framed && (w->rkind != 0 || w->rhdrlen > 0)) {
		log_verbose(1, "--ws-framed: the input ended inside a record");
		ws_error(w, EINVAL, "--ws-framed: the input ended inside a "
		    "record");
	}
	w->line_done = 1;
	w->close_due = 1;
	ws_finish(w);
}

/* The session is over: a close if none was sent, best effort. */
static void
ws_ep_free(struct endpoint *ep)
{
	struct ws	*w = ep->data;
	int		 want;

	if (!w->close_sent) {
		w->wop = 0;
		w->linelen = 0;
		ws_send_close(w, w->peer_code > 0 &&
		    w->peer_code != WS_CLOSE_NO_STATUS ? w->peer_code :
		    WS_CLOSE_NORMAL, "");
	}
	(void)ws_flush(w, &want);
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

/* --ws-ping: a ping now and then, whatever the traffic. */
static void
ws_ping_cb(void *arg)
{
	struct ws	*w = arg;
	int		 want;

	if (w->close_sent)
		return;
	if (ws_queue(w, 1, WS_OP_PING, (const unsigned char *)"sockcat",
	    7) == 0) {
		switch (ws_flush(w, &want)) {
		case -1:
			ws_broken(w);
			break;
		case 0:
			if (w->ep->reader != NULL) {
				w->ep->rwant = EV_READ | want;
				ep_update(w->ep);
			}
			break;
		}
	}
	ev_timer_arm(&w->ping, w->sd->ws.ping_ms);
}

static struct ws *
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
	ev_timer_init(&w->ping, ws_ping_cb, w);
	ev_timer_init(&w->grace, ws_grace_cb, w);
	return (w);
}

/*
 * Close w's session before it started, with code and reason (a bridge
 * whose target cannot be reached), best effort: a new socket's buffer
 * has room for a close frame.  w stays its owner's to free.
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

/* Free w and its TLS layer; the socket is its owner's. */
void
ws_free(struct ws *w)
{
	if (w == NULL)
		return;
	ev_timer_disarm(&w->ping);
	ev_timer_disarm(&w->grace);
	if (w->tls != NULL) {
		tls_close_notify(w->tls);
		tls_free(w->tls);
	}
	wsh_env_free(w->cgi);
	if (w->line != NULL)
		pool_put(w->line, CHANNEL_BUFSIZE);
	free(w->part);
	ws_zin_put(w->zin);
	ws_zout_put(w->zout, ws_zbits(w));
	if (ws_shares(w) && --ws_share_users == 0) {
		free(ws_share.in);
		free(ws_share.out);
		memset(&ws_share, 0, sizeof(ws_share));
	}
	if (w->in != NULL)
		pool_put(w->in, WS_IN_SIZE);
	if (w->out != NULL)
		pool_put(w->out, WS_OUT_SIZE);
	free(w);
}

/*
 * The CGI variables of the request a server's connection w came with
 * (NULL: none), for the program run for it; w keeps them.
 */
char *const *
ws_cgi(const struct ws *w)
{
	return (w != NULL ? w->cgi : NULL);
}

/*
 * Copy the bytes a plain TCP client of a --broker or --room sent before
 * it was known to be one (read while sniffing under TLS) to p (of size
 * n, at least WS_SNIFF_MAX).  Returns how many.
 */
size_t
ws_plain_held(const struct ws *w, unsigned char *p, size_t n)
{
	if (w == NULL || !w->plain || w->inlen == 0 || w->inlen > n)
		return (0);
	memcpy(p, w->in, w->inlen);
	return (w->inlen);
}

/*
 * Make ep, the endpoint of w's socket, speak WebSocket; it owns w.  In
 * binary mode (asked for, or WS_PROTO_BINARY agreed with the peer) each
 * write is one binary message and messages are read as their bytes;
 * otherwise each line is a text message and each message read ends with
 * a newline.  Our close frame is the end of the write side: the socket
 * itself stays open for the peer's.
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
	if (w->sd->ws.ping_ms > 0)
		ev_timer_arm(&w->ping, w->sd->ws.ping_ms);
}

static void	ws_hs_cb(int, int, void *);
static void	ws_hs_deadline(struct ws_hs *);

/* The answer that is no upgrade, and its file, are done with. */
static void
ws_hs_free_answer(struct ws_hs *h)
{
	if (h->ans == NULL)
		return;
	if (h->ans->fd != -1)
		close(h->ans->fd);
	free(h->ans);
	h->ans = NULL;
}

/*
 * The upgrade is over, either way: tell the owner.  cause, when not NULL,
 * passes to the callback, which frees it (net.h, ws_done_cb): it must not
 * be h's own refusal, which goes with h.
 */
static void
ws_hs_done(struct ws_hs *h, struct ws *w, char *cause)
{
	ws_done_cb	*cb = h->cb;
	void		*arg = h->arg;

	ASYNC_CALLBACK(h, "ws_hs_done", cb);
	DEBUG_CHECK(cause == NULL || cause != h->refused,
	    "ws_hs_done: the refusal would be freed twice");
	if (h->watched)
		ev_del(h->fd);
	ev_timer_disarm(&h->timer);
	ev_timer_disarm(&h->sniff);
	ev_timer_disarm(&h->quiet);
	if (w == NULL && h->tls != NULL) {
		tls_free(h->tls);
		h->tls = NULL;
	}
	ws_hs_free_answer(h);
	wsh_env_free(h->cgi);
	free(h->refused);
	free(h);
	cb(w, cause, arg);
}

static void
ws_hs_fail(struct ws_hs *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ws_hs_fail(struct ws_hs *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*cause;

	va_start(ap, fmt);
	if (vasprintf(&cause, fmt, ap) == -1)
		cause = NULL;
	va_end(ap);
	ws_hs_done(h, NULL, cause);
}

static void
ws_hs_wait(struct ws_hs *h, int events)
{
	if (ev_set(h->fd, events, ws_hs_cb, h) == -1) {
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
		return;
	}
	h->watched = 1;
}

static void
ws_hs_timeout(void *arg)
{
	struct ws_hs	*h = arg;

	ws_hs_fail(h, "WebSocket upgrade timed out");
}

/* The client is no WebSocket client: the mode gets it as it is. */
static void
ws_hs_plain(struct ws_hs *h)
{
	struct ws	*w;

	if ((w = ws_new(h->sd, h->fd, h->tls, 1)) == NULL) {
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
		return;
	}
	w->plain = 1;
	/* What was read to tell (under TLS) is the client's first data. */
	if (h->inlen > 0) {
		if (ws_in_get(w) == -1) {
			w->tls = NULL;	/* still the stage's */
			ws_free(w);
			ws_hs_fail(h, "WebSocket: %s", strerror(ENOMEM));
			return;
		}
		memcpy(w->in, h->in, h->inlen);
		w->inlen = h->inlen;
	}
	h->tls = NULL;
	log_verbose(2, "not a WebSocket client: plain TCP");
	ws_hs_done(h, w, NULL);
}

/*
 * Sniffing: do the client's first bytes start an HTTP request?  They
 * decide when they come within WS_SNIFF_QUIET_MS; a client silent that
 * long is a plain one that listens first (ws_hs_quiet()).  Over TCP the
 * bytes are looked at with MSG_PEEK; under TLS they are read into h->in,
 * where the request goes on, or which the plain client's endpoint gives
 * first.  A client that ends its sending before any byte is a plain one
 * that only listens (a browser's spare connection, closed unused, looks
 * the same, and joins and leaves as one).  Returns 1 (a request, or the
 * read must say what happened), 0 after handing a plain client on, -1 to
 * wait for more (*want: the events).
 */
static int
ws_hs_sniff(struct ws_hs *h, int *want)
{
	char	 b[WS_SNIFF_MAX];
	ssize_t	 n;

	*want = EV_READ;
	if (h->tls != NULL) {
		n = tls_read(h->tls, h->in + h->inlen, WS_SNIFF_MAX -
		    h->inlen, want);
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			if (*want == 0)
				*want = EV_READ;
			return (-1);
		}
		if (n == 0 && h->inlen == 0) {
			ws_hs_plain(h);
			return (0);
		}
		if (n <= 0)
			return (1);
		h->inlen += n;
		memcpy(b, h->in, h->inlen);
		n = h->inlen;
	} else {
		n = recv(h->fd, b, sizeof(b), MSG_PEEK);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return (-1);
		/* An end before any byte: a plain client that listens. */
		if (n == 0) {
			ws_hs_plain(h);
			return (0);
		}
		if (n < 0)
			return (1);	/* the read says what happened */
	}
	switch (wsh_sniff(b, n)) {
	case 0:
		ws_hs_plain(h);
		return (0);
	case 1:
		return (1);
	}
	/* A method's start: more of it is to come. */
	return (n == WS_SNIFF_MAX ? 1 : -1);
}

/* The whole answer is sent (server) or read and checked (client). */
static void
ws_hs_ready(struct ws_hs *h, size_t headlen)
{
	struct ws	*w;
	size_t		 extra = h->inlen - headlen;

	if ((w = ws_new(h->sd, h->fd, h->tls, h->server)) == NULL) {
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
		return;
	}
	/* Frames that came with the upgrade are the first read. */
	if (extra > 0) {
		if (ws_in_get(w) == -1) {
			w->tls = NULL;	/* still the stage's */
			ws_free(w);
			ws_hs_fail(h, "WebSocket: %s", strerror(ENOMEM));
			return;
		}
		memcpy(w->in, h->in + headlen, extra);
		w->inlen = extra;
	}
	w->cgi = h->cgi;
	h->cgi = NULL;
	w->bytes = h->bytes;
	w->pmd = h->pmd;
	w->pmdp = h->pmdp;
	if (ws_shares(w))
		ws_share_users++;
	h->tls = NULL;
	ws_hs_done(h, w, NULL);
}

/*
 * Whether permessage-deflate may be offered or taken: not with
 * --ws-no-compress, and not with --ws-framed, whose records give a
 * message's length before its payload, a length a compressed message
 * does not know until it has been inflated whole; nor without zlib,
 * loaded here the first time.
 */
static int
ws_compresses(const struct side *sd)
{
	return (!sd->ws.no_compress && !sd->ws.framed && ws_z_load() == 0);
}


/*
 * The server read a whole request: its answer is set up.  Returns 0, or
 * -1 once the upgrade has failed.
 */
static int
ws_hs_request(struct ws_hs *h)
{
	struct ws_req	 r;
	const char	*why;
	char		 proto[256] = "", offer[WS_EXT_MAX];
	char		 ext[WS_EXT_MAX] = "";
	char		 path[LOG_ESCAPED(sizeof(r.pathbuf))];
	char		 method[LOG_ESCAPED(sizeof(h->ans->method))];
	ssize_t		 n;
	int		 status;

	if ((h->ans = calloc(1, sizeof(*h->ans))) == NULL) {
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
		return (-1);
	}
	if (wsh_route(h->sd, h->in, h->ans) == WSH_ANSWER) {
		/* The client's bytes, escaped: no terminal obeys them. */
		log_escape(path, sizeof(path), h->ans->target,
		    strlen(h->ans->target));
		log_escape(method, sizeof(method), h->ans->method,
		    strlen(h->ans->method));
		memcpy(h->out, h->ans->head, h->ans->headlen);
		h->olen = h->ans->headlen;
		if (h->ans->refusal) {
			/* Said as every refused upgrade is. */
			if (asprintf(&h->refused, "WebSocket upgrade refused: "
			    "%s (%d)", h->ans->why, h->ans->status) == -1)
				h->refused = NULL;
			ws_hs_free_answer(h);
			if (h->refused == NULL) {
				ws_hs_fail(h, "WebSocket upgrade refused");
				return (-1);
			}
			return (0);
		}
		log_verbose(1, "HTTP %s %s: %d", method, path,
		    h->ans->status);
		return (0);
	}
	ws_hs_free_answer(h);
	if (ws_parse_request(h->in, &r, &status, &why) == -1) {
		n = ws_encode_refusal(h->out, sizeof(h->out), status, why);
		h->olen = n > 0 ? n : 0;
		if (asprintf(&h->refused, "WebSocket upgrade refused: %s",
		    why) == -1)
			h->refused = NULL;
		if (h->refused == NULL) {
			ws_hs_fail(h, "WebSocket upgrade refused");
			return (-1);
		}
		return (0);
	}
	if (r.protocols != NULL && h->sd->ws.protocol != NULL)
		ws_choose_protocol(r.protocols, h->sd->ws.protocol, proto,
		    sizeof(proto));
	/*
	 * A client that moves bytes (a sockcat with --ws-binary, an address
	 * pair's side) says so: it is served its messages as their bytes,
	 * whatever this server's mode, unless it chose another of ours.
	 * Records (--ws-framed) carry every message as its bytes already.
	 */
	if (*proto == '\0' && r.protocols != NULL && !h->sd->ws.framed &&
	    ws_token(r.protocols, WS_PROTO_BINARY))
		strlcpy(proto, WS_PROTO_BINARY, sizeof(proto));
	h->bytes = strcmp(proto, WS_PROTO_BINARY) == 0;
	/* The client's bytes, escaped: no terminal obeys them. */
	log_escape(path, sizeof(path), r.path, strlen(r.path));
	log_verbose(1, "WebSocket upgrade of %s%s%s", path,
	    *proto != '\0' ? ", subprotocol " : "", proto);
	/* permessage-deflate, unless --ws-no-compress refuses it. */
	if (ws_compresses(h->sd) && ws_header(h->in,
	    "Sec-WebSocket-Extensions", offer, sizeof(offer)) == 1 &&
	    (h->pmd = ws_pmd_choose(offer, h->sd->ws.fresh, &h->pmdp, ext,
	    sizeof(ext))))
		log_verbose(1, "WebSocket: %s", ext);
	if ((n = ws_encode_accept(h->out, sizeof(h->out), r.key,
	    proto, ext)) == -1) {
		ws_hs_fail(h, "WebSocket: answer too long");
		return (-1);
	}
	/* A program run for the connection learns the request. */
	if (h->sd->ws.cgi && (h->cgi = wsh_cgi_env(h->in)) == NULL) {
		ws_hs_fail(h, "WebSocket: %s", strerror(errno));
		return (-1);
	}
	h->olen = n;
	h->answered = 1;
	return (0);
}

/*
 * The client read a whole answer: check it.  Returns 0, or -1 once the
 * upgrade has failed.
 */
static int
ws_hs_answer(struct ws_hs *h)
{
	const char	*why;
	char		 proto[256], ext[WS_EXT_MAX];
	char		 line[LOG_ESCAPED(WS_EXT_MAX)];

	/* The server's status line, escaped: no terminal obeys it. */
	log_escape(line, LOG_ESCAPED(255), h->in, strcspn(h->in, "\r\n"));
	log_verbose(1, "WebSocket: %s", line);
	if (ws_check_accept(h->in, h->key, h->protocols, proto,
	    sizeof(proto), &why) == -1) {
		ws_hs_fail(h, "WebSocket upgrade failed: %s (%s)", line, why);
		return (-1);
	}
	if (*proto != '\0')
		log_verbose(1, "WebSocket subprotocol: %s", proto);
	/* The server moves bytes too: no lines either way. */
	h->bytes = strcmp(proto, WS_PROTO_BINARY) == 0;
	why = "bad Sec-WebSocket-Extensions";
	switch (ws_header(h->in, "Sec-WebSocket-Extensions", ext,
	    sizeof(ext))) {
	case 0:
		break;
	case 1:
		why = "an extension that was not offered";
		if (ws_compresses(h->sd) &&
		    ws_pmd_answer(ext, &h->pmdp, &why) == 0) {
			h->pmd = 1;
			log_verbose(1, "WebSocket: %s", log_escape(line,
			    sizeof(line), ext, strlen(ext)));
			break;
		}
		/* FALLTHROUGH */
	default:
		ws_hs_fail(h, "WebSocket upgrade failed: %s (%s)", line, why);
		return (-1);
	}
	return (0);
}

/*
 * The next piece of an answer's body (a file's or the room page's) in
 * h->out.  Returns its length, 0 at its end (or a file's read error,
 * which ends the answer short: the client sees it by its length).
 */
static size_t
ws_hs_body(struct ws_hs *h)
{
	struct wsh_answer	*a = h->ans;
	size_t			 k = sizeof(h->out);
	ssize_t			 n;

	if (a->left <= 0)
		return (0);
	if ((off_t)k > a->left)
		k = a->left;
	if (a->body != NULL) {
		memcpy(h->out, a->body, k);
		a->body += k;
	} else {
		do {
			n = read(a->fd, h->out, k);
		} while (n == -1 && errno == EINTR);
		if (n <= 0) {
			log_verbose(1, "HTTP: reading the file: %s",
			    n == 0 ? "it got shorter" : strerror(errno));
			a->left = 0;
			return (0);
		}
		k = n;
	}
	a->left -= k;
	h->ooff = 0;
	h->olen = k;
	/* A long answer to a slow reader: the deadline bounds a stall. */
	ws_hs_deadline(h);
	return (k);
}

/* Over TCP: does part of a method wait in the socket, unread? */
static int
ws_hs_peeked(struct ws_hs *h)
{
	char	 b;

	return (recv(h->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1);
}

/* The sniff timer: look at the client's first bytes again. */
static void
ws_hs_sniff_cb(void *arg)
{
	struct ws_hs	*h = arg;

	ws_hs_cb(h->fd, EV_READ, h);
}

/*
 * The client has been quiet for WS_SNIFF_QUIET_MS: what it sent by now
 * still decides (it may have come in the same round); nothing at all
 * makes it a plain client, which joins to listen.
 */
static void
ws_hs_quiet(void *arg)
{
	struct ws_hs	*h = arg;

	h->quieted = 1;
	ws_hs_cb(h->fd, EV_READ, h);
}

/*
 * The upgrade's deadline, from when the client is known to speak HTTP:
 * -w, or WS_HS_TIMEOUT_MS.
 */
static void
ws_hs_deadline(struct ws_hs *h)
{
	ev_timer_arm(&h->timer, h->timeout_ms);
}

/* One step of the upgrade: write what is owed, then read. */
static void
ws_hs_cb(int fd, int events, void *arg)
{
	struct ws_hs	*h = arg;
	char		*cause;
	ssize_t		 n;
	size_t		 headlen;
	int		 want, partial;

	(void)fd;
	(void)events;
	if (h->sniffing) {
		switch (ws_hs_sniff(h, &want)) {
		case 0:
			return;
		case -1:
			partial = h->tls != NULL ? h->inlen > 0 :
			    ws_hs_peeked(h);
			/* Silent for the whole grace: it listens first. */
			if (!partial && !h->spoke && h->quieted) {
				ws_hs_plain(h);
				return;
			}
			if (h->tls == NULL && partial) {
				/*
				 * Part of a method waits in the socket, which
				 * stays readable: look again in a while.
				 */
				if (h->watched)
					ev_del(h->fd);
				h->watched = 0;
				ev_timer_arm(&h->sniff, WS_SNIFF_AGAIN_MS);
			} else
				ws_hs_wait(h, want);
			/* A request has begun: the upgrade's deadline runs. */
			if (partial && !h->spoke)
				ws_hs_deadline(h);
			h->spoke |= partial;
			return;
		}
		h->sniffing = 0;
		ev_timer_disarm(&h->sniff);
		ev_timer_disarm(&h->quiet);
		ws_hs_deadline(h);
	}
	for (;;) {
		while (h->ooff < h->olen) {
			n = ws_lower_write(h->fd, h->tls, h->out + h->ooff,
			    h->olen - h->ooff, &want);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && errno == EAGAIN) {
				ws_hs_wait(h, want != 0 ? want : EV_WRITE);
				return;
			}
			if (n <= 0) {
				ws_hs_fail(h, "WebSocket: %s", strerror(errno));
				return;
			}
			h->ooff += n;
		}
		/* An answer's body: the next piece of it. */
		if (h->ans == NULL || ws_hs_body(h) == 0)
			break;
	}
	if (h->ans != NULL) {
		/* Answered: the connection is over, and nothing failed. */
		ws_hs_done(h, NULL, NULL);
		return;
	}
	if (h->refused != NULL) {
		/* The message is the callback's now. */
		cause = h->refused;
		h->refused = NULL;
		ws_hs_done(h, NULL, cause);
		return;
	}
	if (h->answered) {
		ws_hs_ready(h, http_head_len((unsigned char *)h->in,
		    h->inlen));
		return;
	}
	for (;;) {
		n = ws_lower_read(h->fd, h->tls, h->in + h->inlen,
		    WS_HEAD_MAX - h->inlen, &want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			ws_hs_wait(h, want != 0 ? want : EV_READ);
			return;
		}
		if (n == -1) {
			ws_hs_fail(h, "WebSocket: %s", strerror(errno));
			return;
		}
		if (n == 0) {
			ws_hs_fail(h, "WebSocket: connection closed during "
			    "the upgrade");
			return;
		}
		h->inlen += n;
		if ((headlen = http_head_len((unsigned char *)h->in,
		    h->inlen)) > 0)
			break;
		if (h->inlen == WS_HEAD_MAX) {
			ws_hs_fail(h, "WebSocket: upgrade header too long");
			return;
		}
	}
	/* The header block as a string; what follows stays in in. */
	h->in[h->inlen] = '\0';
	if (h->server) {
		char	 save = h->in[headlen];

		h->in[headlen] = '\0';
		if (ws_hs_request(h) == -1)
			return;
		h->in[headlen] = save;
		ws_hs_cb(h->fd, EV_WRITE, h);
		return;
	}
	{
		char	 save = h->in[headlen];

		h->in[headlen] = '\0';
		if (ws_hs_answer(h) == -1)
			return;
		h->in[headlen] = save;
	}
	ws_hs_ready(h, headlen);
}

static struct ws_hs *
ws_hs_new(const struct side *sd, int fd, struct tls *tls, int server,
    long long timeout_ms, ws_done_cb *cb, void *arg)
{
	struct ws_hs	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return (NULL);
	h->sd = sd;
	h->fd = fd;
	h->tls = tls;
	h->server = server;
	h->cb = cb;
	h->arg = arg;
	ev_timer_init(&h->timer, ws_hs_timeout, h);
	ev_timer_init(&h->sniff, ws_hs_sniff_cb, h);
	h->timeout_ms = timeout_ms != TIME_NONE ? timeout_ms :
	    sd->timeout_ms != TIME_NONE ? sd->timeout_ms : WS_HS_TIMEOUT_MS;
	ev_timer_init(&h->quiet, ws_hs_quiet, h);
	ws_hs_deadline(h);
	return (h);
}

/*
 * Take a client's upgrade on fd (over tls when not NULL; the stage owns
 * it) and answer it, on the loop: cb gets the connection, or NULL and a
 * message to free (a bad request is answered with its HTTP status
 * first).  Never calls cb before it returns.  Returns the stage, or NULL
 * with errno (tls is still the caller's).
 */
struct ws_hs *
ws_accept_start(const struct side *sd, int fd, struct tls *tls,
    ws_done_cb *cb, void *arg)
{
	struct ws_hs	*h;

	if ((h = ws_hs_new(sd, fd, tls, 1, TIME_NONE, cb, arg)) == NULL)
		return (NULL);
	ASYNC_START(h, "ws_accept_start");
	/*
	 * A room or a broker takes plain TCP clients too, told apart by
	 * their first bytes, or by a silence of WS_SNIFF_QUIET_MS: an HTTP
	 * client's deadline starts when it speaks, and until then the
	 * silence and --idle-timeout bound it.
	 */
	if (sd->ws.plain_too) {
		h->sniffing = 1;
		ev_timer_disarm(&h->timer);
		if (sd->gate.idle_ms != TIME_NONE)
			ev_timer_arm(&h->timer, sd->gate.idle_ms);
		ev_timer_arm(&h->quiet, WS_SNIFF_QUIET_MS);
	}
	/*
	 * The first read is from the loop: writable at once, and the TLS
	 * layer may hold the request already, which no read event would
	 * announce.
	 */
	ws_hs_wait(h, EV_WRITE);
	ASYNC_STARTED(h);
	return (h);
}

/* Give an upgrade up: its callback is never called. */
void
ws_hs_cancel(struct ws_hs *h)
{
	if (h == NULL)
		return;
	if (h->watched)
		ev_del(h->fd);
	ev_timer_disarm(&h->timer);
	ev_timer_disarm(&h->sniff);
	ev_timer_disarm(&h->quiet);
	tls_free(h->tls);
	ws_hs_free_answer(h);
	wsh_env_free(h->cgi);
	free(h->refused);
	free(h);
}

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
 * Answer a client turned away: a WebSocket client (websocket) with 503, a
 * plain one with line, if the mode has one (not NULL, not empty); then a
 * lingering close.
 */
static void
ws_full_answer(int fd, int websocket, const char *line)
{
	char	 msg[512];
	ssize_t	 n;

	if (websocket) {
		n = ws_encode_refusal(msg, sizeof(msg), HTTP_UNAVAILABLE,
		    "the server is full; try again later");
		if (n > 0)
			(void)send(fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	} else if (line != NULL && *line != '\0')
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

/* The client said nothing for a second: a plain client. */
static void
ws_full_timeout(void *arg)
{
	ws_full_done(arg, 0);
}

/* The client spoke: is its first word a GET? */
static void
ws_full_cb(int fd, int events, void *arg)
{
	struct ws_full	*f = arg;
	char		 b[4];
	ssize_t		 n;

	(void)events;
	n = recv(fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && (size_t)n < sizeof(b) && memcmp(b, "GET ", n) == 0)
		return;		/* More of it to come. */
	ws_full_done(f, n == sizeof(b) && memcmp(b, "GET ", 4) == 0);
}

/*
 * The server is full (--max-conns): turn the client on fd away, which
 * takes fd.  A WebSocket client is answered "503 Service Unavailable",
 * as a browser expects; in a --broker or --room, which take plain TCP
 * clients too, a client is one if its first word is a GET, and a plain
 * one is given the mode's line (NULL: none), as without --websocket.
 */
void
ws_say_full(const struct side *sd, int fd, const char *line)
{
	struct ws_full	*f;

	if (!sd->ws.plain_too) {
		ws_full_answer(fd, 1, line);
		return;
	}
	if (ws_nfull >= WS_FULL_MAX || (f = calloc(1, sizeof(*f))) == NULL) {
		ws_full_answer(fd, 0, line);
		return;
	}
	f->fd = fd;
	if (line != NULL)
		strlcpy(f->line, line, sizeof(f->line));
	if (ev_set(fd, EV_READ, ws_full_cb, f) == -1) {
		free(f);
		ws_full_answer(fd, 0, line);
		return;
	}
	ev_timer_init(&f->timer, ws_full_timeout, f);
	ev_timer_arm(&f->timer, WS_SNIFF_MS);
	ws_nfull++;
}

/*
 * Start the upgrade of fd (over tls when not NULL, which the stage then
 * owns) as a client of host and port, for the URL's path, on the loop:
 * cb gets the connection, or NULL and a message to free, never before
 * this returns.  Returns the stage (ws_hs_cancel() abandons it), or NULL
 * with *cause (tls freed).
 */
struct ws_hs *
ws_connect_start(const struct side *sd, int fd, struct tls *tls,
    const char *host, const char *port, long long timeout_ms, ws_done_cb *cb,
    void *arg, char **cause)
{
	struct ws_hs	*h;
	struct ws_req	 r;
	unsigned char	 nonce[16];
	char		 hostport[HTTP_HOST_MAX + 16];
	const char	*why;
	ssize_t		 n;
	int		 dflt;

	*cause = NULL;
	if ((h = ws_hs_new(sd, fd, tls, 0, timeout_ms, cb, arg)) == NULL) {
		tls_free(tls);
		log_cause(cause, "WebSocket: %s", strerror(errno));
		return (NULL);
	}
	ASYNC_START(h, "ws_connect_start");
	arc4random_buf(nonce, sizeof(nonce));
	ws_make_key(nonce, h->key);
	memset(&r, 0, sizeof(r));
	dflt = strcmp(port, sd->tls.on ? "443" : "80") == 0;
	(void)snprintf(hostport, sizeof(hostport), "%s%s%s%s%s",
	    strchr(host, ':') != NULL ? "[" : "", host,
	    strchr(host, ':') != NULL ? "]" : "", dflt ? "" : ":",
	    dflt ? "" : port);
	r.host = hostport;
	r.path = sd->ws.path != NULL ? sd->ws.path : "/";
	r.key = h->key;
	r.origin = sd->ws.origin;
	r.protocols = h->protocols = sd->ws.protocol;
	/*
	 * A side that moves bytes offers WS_PROTO_BINARY: a sockcat server
	 * in text mode then serves it bytes, not lines.
	 */
	if (sd->ws.binary && !sd->ws.framed) {
		if (ws_offer_binary(sd->ws.protocol, h->offer,
		    sizeof(h->offer)) == -1) {
			ws_hs_cancel(h);
			log_cause(cause, "WebSocket: --ws-protocol too long");
			return (NULL);
		}
		r.protocols = h->protocols = h->offer;
	}
	r.extensions = !ws_compresses(sd) ? NULL : sd->ws.fresh ?
	    WS_PMD_OFFER_FRESH : WS_PMD_OFFER;
	r.headers = sd->ws.headers;
	r.nheaders = sd->ws.nheaders;
	if ((n = ws_encode_request(h->out, sizeof(h->out), &r, &why)) == -1) {
		ws_hs_cancel(h);
		log_cause(cause, "WebSocket: %s", why);
		return (NULL);
	}
	h->olen = n;
	ws_hs_wait(h, EV_WRITE);
	ASYNC_STARTED(h);
	return (h);
}
