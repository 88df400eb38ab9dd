/*
 * What the files of WebSocket connections share, and nothing else
 * includes: the connection, struct ws, and the functions they call of
 * each other.  The connection and its writes (wsconn.c), its reads
 * (wsread.c) and permessage-deflate (wszip.c) are one module, which may
 * call itself round in circles (tests/layers.py knows it); the upgrade
 * (wshs.c) makes a connection and calls them, never called back.  The
 * rest of the program sees them through ws.h only.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_WS_H
#error "ws/ws-int.h comes after ws.h, in the WebSocket files only"
#endif

#ifndef SC_WS_INT_H
#define SC_WS_INT_H

#include <zlib.h>

/* Raw bytes read ahead of the decoder: a header and a buffer's worth. */
#define WS_IN_SIZE	(CHANNEL_BUFSIZE + WS_HDR_MAX)

/*
 * How long the peer's close waits for the end of what we write before it
 * is answered regardless: WS_CLOSE_GRACE_MS once what we write stops
 * reaching the peer, and while it flows a second before a client of ours
 * stops waiting for the close (WS_CLOSE_WAIT_MS).
 */
#define WS_CLOSE_GRACE_MS	1000

/* The ping a client's close waits for (ws_close_ping()), told by this. */
#define WS_CLOSE_PING		"sockcat: closing"

/* A connection once upgraded: what it has read, and what it owes. */
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
	long long		 nmsgs;	/* messages read whole */
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
	int			 close_ping; /* our close waits for its pong */
	int			 plain;	/* not WebSocket: a TCP client */
	struct ev_timer		 ping;	/* --ws-ping */
	struct ev_timer		 pong;	/* --ws-ping-timeout: a pong due */
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
	uint64_t		 grace_since; /* since then (ev_now()), */
	uint64_t		 grace_sent; /* with this much sent at the last */
	uint64_t		 sent;	/* of the frames, to the peer */
	int			 answering; /* ours sent by it, being flushed */

	/* Before a session (wspre.c): a frame's header, being read. */
	unsigned char		 pre[WS_HDR_MAX];
	size_t			 prelen;

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

/* wsconn.c */
extern size_t	 ws_share_users;
int		 ws_buf_get(unsigned char **, size_t);
void		 ws_in_put(struct ws *);
int		 ws_flush(struct ws *, int *);
int		 ws_send(struct ws *);
void		 ws_error(struct ws *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		 ws_queue(struct ws *, int, int, const unsigned char *,
		    size_t);
void		 ws_send_close(struct ws *, int, const char *);
int		 ws_shares(const struct ws *);
void		 ws_finish(struct ws *);
void		 ws_broken(struct ws *);
struct ws	*ws_new(const struct side *, int, struct tls *, int);

/* wsping.c */
int		 ws_close_ping(struct ws *);
long long	 ws_ping_every(const struct ws *);
void		 ws_ping_cb(void *);
void		 ws_pong(struct ws *);
void		 ws_pong_cb(void *);

/* wsread.c */
ssize_t		 ws_fail(struct ws *, int, const char *);
ssize_t		 ws_fail_error(struct ws *, int, const char *, int);
ssize_t		 ws_ep_read(struct endpoint *, void *, size_t);
const char	*ws_ep_why(struct endpoint *, int);
int		 ws_ep_pending(struct endpoint *);

/* wszip.c */
extern const unsigned char ws_z_tail[4];
void		 ws_zout_put(z_stream *, int);
void		 ws_zin_put(z_stream *);
int		 ws_zbits(const struct ws *);
int		 ws_zfresh(const struct ws *, int);
ssize_t		 ws_deflate(struct ws *, int, unsigned char *, size_t,
		    const unsigned char *, size_t);
ssize_t		 ws_inflate(struct ws *, unsigned char *, size_t);
int		 ws_ztail_due(const struct ws *);
int		 ws_compresses(const struct side *);

#endif /* SC_WS_INT_H */
