/*
 * The ws layer: WebSocket connections (an endpoint that frames and
 * unframes), their pings, compression and first bytes, the upgrade as a
 * stage on the loop, the WebSocket server's plain HTTP and its answer
 * when full, and a WebSocket bridged to a socket.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	7
#endif
#if SC_LAYER < 7
#error "a lower layer includes ws/ws.h: pass a hook down instead"
#endif

#ifndef SC_WS_H
#define SC_WS_H

#include "http/http.h"

/* wsconn.c */
struct ws;
void		 ws_attach(struct endpoint *, struct ws *, int);
void		 ws_free(struct ws *);
void		 ws_close_now(struct ws *, int, const char *);
void		 ws_ep_close(struct endpoint *, int, const char *);
char *const	*ws_cgi(const struct ws *);
size_t		 ws_plain_held(const struct ws *, unsigned char *, size_t);
int		 ws_plain(const struct ws *);
int		 ws_ep_error(const struct endpoint *);
#define WS_SNIFF_MAX		8	/* the bytes that tell HTTP from TCP */
/* How long a client's close, at the end of its input, waits for the peer's. */
#define WS_CLOSE_WAIT_MS	5000

/* wsbridge.c */
int		 ws_bridge_start(struct ws *, int, int *);
void		 ws_bridge_drain(void);

/* wspre.c */
#define WS_PRE_SHED	0x1	/* ws_pre_shed(): given up */
#define WS_PRE_BYTES	0x2	/* with the subprotocol "binary" agreed */
ssize_t		 ws_pre_read(struct ws *, void *, size_t, const char **);
int		 ws_pre_send(struct ws *, const void *, size_t);
int		 ws_pre_shed(struct ws *);
struct ws	*ws_pre_again(const struct side *, int, int);

/* wshs.c */
struct ws_hs;
/* An upgrade is over: the connection, or NULL and a message to free. */
typedef void ws_done_cb(struct ws *, char *, void *);
struct ws_hs	*ws_accept_start(const struct side *, int, struct tls *,
		    struct net_peer *, ws_done_cb *, void *);
void		 ws_hs_cancel(struct ws_hs *);
struct ws_hs	*ws_connect_start(const struct side *, int, struct tls *,
		    const char *, const char *, long long, ws_done_cb *,
		    void *, char **);
/* The longest line listen_say_full() sends. */
#define LISTEN_FULL_MAX	128

/* wsfull.c */
void		 ws_say_full(const struct side *, int, const char *);

/* wsroute.c */
enum {
	WSH_UPGRADE,		/* an upgrade, or the upgrade's refusal */
	WSH_ANSWER,		/* an answer of its own */
};

/* What a request that is no upgrade is answered. */
struct wsh_answer {
	int		 status;
	char		 head[1024];	/* the status line and headers */
	size_t		 headlen;
	int		 head_only;	/* HEAD: no body */
	int		 refusal;	/* an upgrade refused, not a page */
	const char	*why;		/* the refusal's reason */
	int		 fd;		/* a file to send after it, or -1 */
	const char	*body;		/* or bytes in memory */
	off_t		 left;		/* of the file or body */
};

int		 ws_route_static_open(const char *, char **);
ssize_t		 ws_route_refusal(char *, size_t, int, const char *, int);
int		 ws_route(const struct side *, const char *,
		    const struct http_line *, struct wsh_answer *);
/* What a request's credentials come to (ws_route_auth_answer()). */
enum {
	WSH_AUTH_REFUSED,	/* answered: 401 or 429 */
	WSH_AUTH_OK,		/* let in */
	WSH_AUTH_PENDING,	/* being checked: the verdict comes later */
};
int		 ws_route_auth_answer(const struct side *,
		    const struct http_line *, enum auth_verdict, int,
		    struct wsh_answer *);
char		**ws_route_cgi_env(const char *, const struct http_line *, int);

#endif /* SC_WS_H */
