/*
 * What the files of the proxy server share, and nothing else includes:
 * a client's record from its request (proxyd.c: the listener, the
 * request read and answered, the destination dialled) to its relay
 * (proxyd-relay.c).  They are one module, which may call itself round
 * in circles (tests/layers.py knows it); the rest of the program sees
 * the proxy server through modes.h only.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_MODES_H
#error "modes/proxyd-int.h comes after modes.h, in the proxy server's own files only"
#endif

#ifndef SC_PROXYD_INT_H
#define SC_PROXYD_INT_H

/* The largest request accepted: an HTTP head, or any SOCKS message. */
#define PCONN_BUFSIZE		HTTP_HEAD_MAX

struct proxyd {
	const struct job	*j;
	struct auth_conf auth;		/* --proxy-auth's user, or none */
	struct auth_user user;
	struct sockaddr_storage self;	/* the listener's address */
	int		 v6only;	/* IPV6_V6ONLY on the listener */
	unsigned long	 serial;	/* clients so far */
};

/* Where a client's conversation stands. */
enum pconn_state {
	PC_GREETING,		/* SOCKS5: waiting for the methods */
	PC_AUTH,		/* SOCKS5: waiting for user and password */
	PC_REQUEST,		/* SOCKS5 CONNECT or the HTTP header */
	PC_DIALING,		/* looking the destination up, connecting */
};

struct pconn {
	struct proxyd	*pd;
	struct netconn	*nc;		/* the client: its socket, its TLS
					   (--ssl) and its place at the gate */
	int		 want;		/* the events a TLS read waits for */
	int		 tfd;		/* the destination, -1 until tried */
	enum pconn_state state;
	unsigned char	 in[PCONN_BUFSIZE];
	size_t		 len;
	struct ev_timer	 timer;
	struct dial	*dial;		/* to the destination, until done */
	char		 host[NI_MAXHOST];
	char		 port[NI_MAXSERV];
	char		 peer[NI_MAXHOST + NI_MAXSERV + 1];
	unsigned long	 serial;	/* its number, from 1 */
	struct net_peer	 from;		/* its address: its lookups' share */
	int		 head_only;	/* a HEAD: refused without a body */
	int		 ours;		/* the refusal is our failure (out of
					   memory or descriptors): said
					   without -v */
	char		*fwd;		/* a GET, HEAD or POST for the origin */
	ssize_t		 fwdlen;
	long long	 body;		/* its body's length (-1: chunked) */
};
_Static_assert(HTTP_HOST_MAX < NI_MAXHOST,
    "a request's host, as the codec bounds it, fits in struct pconn");

/*
 * A relayed client, as its session's argument: its place at the gate;
 * and for a forwarded request with a chunked body, that body read as the
 * origin will read it, nothing after its end going on.
 */
struct prelay {
	struct netconn	*nc;
	struct pchunked	*pk;		/* NULL: no chunked body */
	char		 peer[NI_MAXHOST + NI_MAXSERV + 1];
	unsigned long	 serial;	/* the client's number, as pconn's */
};

struct pchunked {
	struct http_chunked ck;
	int		 said;		/* the bytes dropped after it */
};

/* proxyd.c */
int		 proxyd_http(const struct pconn *);
void		 pconn_free(struct pconn *);
int		 pconn_reply(struct pconn *, const void *, size_t);
int		 pconn_socks5_reply(struct pconn *, int, int);
void		 pconn_refuse(struct pconn *, int, int, const char *);

/* proxyd-relay.c */
void		 pconn_relay(struct pconn *);
const char	*proxyd_dump_label(struct session *);

#endif /* SC_PROXYD_INT_H */
