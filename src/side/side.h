/*
 * The side layer: sides (an address and its options, parsed once), their
 * openers (the open chain: the dial, TLS and the WebSocket upgrade in
 * turn, or the opener of a side that is no socket), the listener and its
 * stages, the datagram form of accept, the redial and the replay.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	8
#endif
#if SC_LAYER < 8
#error "a lower layer includes side/side.h: pass a hook down instead"
#endif

#ifndef SC_SIDE_H
#define SC_SIDE_H

#include "ws/ws.h"

/* end.c */
/* What an opened side's descriptor is (struct end's is). */
#define END_SOCKET	0x01	/* a socket: shutdown(2) ends its writing */
#define END_NET		0x02	/* a connection to a peer */
#define END_STDIO	0x04	/* our stdin and stdout */
#define END_FILE	0x08	/* a regular file */
#define END_PROGRAM	0x10	/* a program (a child) */
#define END_LINE	0x20	/* a line that hangs up: serial:, pty: */
#define END_TTY		0x40	/* a terminal */
#define END_REPLAY	0x80	/* a recording played: it ends when played */

/*
 * A side opened: the endpoints of a session it is read from and written
 * to, what it is, and what it holds besides (end_close()).
 */
struct end {
	struct endpoint		*rd;	/* read from; NULL: not */
	struct endpoint		*wr;	/* written to; NULL: not */
	struct child		*child;	/* a program's, its owner's */
	const struct side	*sd;
	int			 is;	/* END_* */
	const struct side	*line;	/* a line to give back, or NULL */
	int			 slave;	/* and a pty's terminal side; -1 */
};

/* How a side is opened. */
struct end_how {
	int			 rd;	/* to be read from */
	int			 wr;	/* to be written to */
	const struct exec_conn	*conn;	/* a program's connection, or NULL */
	struct child		*child;	/* a program started already */
	int			 again;	/* opened for an earlier session */
	int			 msgs;	/* beside a datagram socket: each read
					   one message (a replay's chunk) */
};

int		 end_open(const struct side *, struct session *,
		    const struct end_how *, struct end *, char **);
struct netconn;
int		 end_netconn(struct end *, const struct side *,
		    struct netconn *, struct session *, const char *,
		    enum ep_shut, int, int);
int		 end_device(struct end *, const struct side *,
		    struct session *, const char *, int);
void		 end_close(struct end *);
struct child	*end_program_start(const struct side *,
		    const struct exec_conn *, int, int, char **);
void		 end_program_here(const struct side *, int, int, int, char **);
int		 end_device_open(const struct side *, const char **, int *,
		    char **);
void		 end_device_close(const struct side *, int);

/* endfile.c */
int		 end_open_path(const struct side *, int, int *, const char **);
int		 end_lock(int, int);

/* rec-replay.c */
int		 replay_check(const struct side *, char **);
int		 replay_open(const struct side *, struct session *,
		    const struct end_how *, struct end *, char **);
/* dialect.c */
extern const struct dialect dialect_nc, dialect_socat;
const struct dialect *dialect_of(const struct addr *);
/* side.c */
int		 side_parse(struct side *, const struct side *, const char *,
		    char **);
void		 side_free(struct side *);
int		 side_is_line(const struct side *);
int		 side_flag(const struct addr *, const char *);
#ifdef SC_DEBUG
const char	*side_opt_member(size_t);
#endif
/* sidelocal.c: the options of a side that is no socket. */
void		 side_local_defaults(struct side *);
int		 side_file_flags(const struct side *, int, int);
int		 side_local_kind(struct side *, const struct addr *, char **);
const char	*side_lock_name(int);
int		 side_local_check(const struct side *, const struct addr *,
		    char **);
int		 side_exec_cmd(const struct side *, struct exec_cmd *, char **);
int		 side_exec_signals(const struct side_local *);
/* sidepriv.c */
int		 side_creds(const struct side_local *, struct exec_creds *,
		    char **);
int		 side_drop(const struct side *, char **);
/* sideurl.c: a side's URL, a proxy hop. */
int		 side_ws_url(struct side *, const char *, char **, char **,
		    char **, char **, char **);
int		 side_proxy_hop_parse(struct proxy_hop *, int, const char *,
		    char **);
void		 side_proxy_hop_free(struct proxy_hop *);

/* open.c */
struct opening;
struct netconn;
/*
 * A side is open: its connection (which the callee owns) and the peer it
 * reached; or NULL, with an errno value and a message (NULL when -v has
 * said it already).
 */
typedef void open_cb(struct netconn *, const struct net_peer *, int,
    const char *, void *);
struct opening	*open_start(const struct side *, const char *, const char *,
		    const struct dial_how *, open_cb *, void *);
void		 open_quiet(struct opening *);
void		 open_cancel(struct opening *);
struct netconn	*open_wait(const struct side *, const char *, const char *,
		    const struct dial_how *, struct net_peer *, char **);

/* redial.c */

/* The longest pause between two attempts, unless --retry-interval's. */
#define REDIAL_MAX_MS	30000

struct redial;
struct ws;
/*
 * An attempt got through: the connected socket and its peer, with its
 * TLS or WebSocket (or neither) for the endpoint; or fd -1: the attempts
 * allowed (--reconnect=MAX) have all failed.
 */
typedef void redial_cb(int, const struct net_peer *, struct tls *,
    struct ws *, void *);
struct redial	*redial_new(const struct side *, const char *,
		    const char *, redial_cb *, void *);
void		 redial_start(struct redial *);
int		 redial_tries(const struct redial *);
void		 redial_free(struct redial *);

/* netconn.c */

/*
 * A client the gate has admitted, as the listener hands it to a mode: its
 * socket, its TLS or its WebSocket (which owns its TLS), and its place in
 * the gate's count (--max-conns).  Exactly one object owns it at a time:
 * the listener's, then the mode's, which keeps it for as long as it
 * serves the client and frees it with netconn_free(); that is what gives
 * the place back, once (doc/design.md, "Who gives a client's place
 * back").  The socket, TLS and WebSocket may move out of it
 * (netconn_endpoint(), or a mode taking fd and setting it to -1); the
 * place never does.
 */
struct netconn {
	int			 fd;	/* -1: none, or moved out */
	int			 once;	/* a datagram peer's socket whose one
					   datagram the mode has: it reads its
					   end (side's dgram_once) */
	struct tls		*tls;	/* --ssl, or NULL */
	struct ws		*ws;	/* --websocket, or NULL */
	struct runtime		*run;	/* whose count it holds; NULL: none */
	struct sock_anc		*anc;	/* a datagram peer's: what its first
					   datagram's control messages said
					   (socat's ancillary data), or NULL */
	void			*early;	/* what listen_ops.admitted made for
					   it, until the mode's start takes
					   it (NULL) */
};
/*
 * How netconn_endpoint() makes a WebSocket speak: its messages binary
 * (else text, a line each), and each one datagram, as the other end of
 * the session reads and writes them (EP_DGRAM).
 */
#define NC_BINARY	0x1
#define NC_MESSAGES	0x2

struct netconn	*netconn_new(int);
struct endpoint	*netconn_endpoint(struct netconn *, struct session *,
		    const char *, enum ep_shut, int, int);
void		 netconn_free(struct netconn *);
int		 listen_admit(const struct side *, const struct net_peer *,
		    struct netconn **);

/* listen.c */

/*
 * A stream server's row: what the one listener needs of a mode.  Only
 * start is required.  Of the LISTEN_* flags, the row's are
 * LISTEN_SERIAL; the others are listen_open()'s.
 */
#define LISTEN_SERIAL	0x1	/* One connection at a time: the listener
				   pauses after each until resumed. */
#define LISTEN_MANY	0x2	/* listen_open(): many clients at once:
				   raise the descriptor limit */
#define LISTEN_ANY	0x4	/* listen_open(): no address given: every
				   address, IPv4 and IPv6 alike */
#define LISTEN_WORKERS	0x8	/* listen_open(): run as the side's
				   workers (sock.workers), each with a
				   socket of its own on the port */
struct listener;
struct listen_ops {
	int	 flags;		/* LISTEN_* */
	/*
	 * An admitted, ready connection from peer (after TLS and the
	 * WebSocket upgrade, which it holds), which the mode owns from now
	 * on and frees with netconn_free() when it has done with the
	 * client: that gives the client's place back.
	 */
	int	(*start)(void *, struct netconn *, const struct net_peer *);
	/* Turn an admitted caller away before its handshake (--chat). */
	int	(*busy)(void *, int, const struct net_peer *);
	/*
	 * Say the server is full (--max-conns); the listener then closes fd
	 * with sock_linger(), so that a reset does not take the words away.
	 */
	void	(*full)(const struct side *, int);
	/*
	 * A handshake failed, with this message; or (a NULL message) the
	 * client was answered over plain HTTP and is gone, nothing having
	 * failed.  NULL: the message is logged.
	 */
	void	(*failed)(void *, const struct net_peer *, const char *);
	/*
	 * A connection admitted, before its name and its handshake: the mode
	 * may start what need not wait for them (--forward dials, -e starts
	 * its program).  Called only when listen_early() allows, for at most
	 * a few connections at once (LISTEN_EARLY_MAX in listen.c).  What
	 * it returns (NULL: nothing) start then takes as nc->early, or,
	 * should the handshake fail or the listener be freed first, abandon
	 * gets it, before fd is closed.  Optional; a mode with admitted has
	 * abandon too.
	 */
	void	*(*admitted)(void *, int, const struct net_peer *);
	void	 (*abandon)(void *, void *);
};
int		 listen_early(const struct side *);
int		 listen_ruled_ok(const struct side *, char **);
void		 listen_say_full(const struct side *, int);
int		 listen_open(const struct side *, const char *, int,
		    char **);
struct listener	*listener_new(const struct side *, int,
		    const struct listen_ops *, void *);
void		 listener_run(const struct side *, int,
		    const struct listen_ops *, void *, struct listener **);
void		 listener_pause(struct listener *, int);
void		 listener_close(struct listener *);
int		 listener_open(const struct listener *);
void		 listener_free(struct listener *);

/* peers.c */
struct peers;
/* A datagram listener's row: what it needs of a mode. */
struct peer_ops {
	/*
	 * A new peer, admitted: its connection (which the mode owns from
	 * now on) and its first datagram.  Returns -1 when not started.
	 */
	int	(*start)(void *, struct netconn *, const struct net_peer *,
		    const void *, size_t);
	/* A peer's datagram that reached the listener: 1 if it is taken. */
	int	(*route)(void *, const struct net_peer *, const void *,
		    size_t);
};
struct peers	*peers_new(const struct side *, int, const struct peer_ops *,
		    void *);
int		 peers_open(const struct peers *);
void		 peers_close(struct peers *);
void		 peers_free(struct peers *);

#endif /* SC_SIDE_H */
