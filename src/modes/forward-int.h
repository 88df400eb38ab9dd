/*
 * What the files of the port forwarder share, and nothing else includes:
 * the forwarder itself (forward.c: its targets, --forward-file, their
 * back-off, the listener) and its connections (forward-conn.c: a stream
 * client's, a datagram peer's).  They are one module, which may call
 * itself round in circles (tests/layers.py knows it); the rest of the
 * program sees the forwarder through modes.h only.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_MODES_H
#error "modes/forward-int.h comes after modes.h, in the forwarder's own files only"
#endif

#ifndef SC_FORWARD_INT_H
#define SC_FORWARD_INT_H

/* A target that failed is left alone this long, doubled each time. */
#define FWD_BACKOFF_MS		1000
#define FWD_BACKOFF_MAX_MS	(16 * 1000)
/* The longest reason a target failed for. */
#define FWD_WHY_MAX		(NI_MAXHOST + NI_MAXSERV + 512)

struct fwd_target {
	struct side	*sd;		/* what it is and how it is opened */
	char		 name[NI_MAXHOST + NI_MAXSERV + 8]; /* for messages */
	uint64_t	 down_until;	/* ev_now() before which it is skipped */
	long long	 backoff_ms;	/* the next back-off; 0: it is up */
	struct fconn	*dev_user;	/* the connection that has the device */
	int		 dev_fd;	/* its descriptor, until relayed */
	int		 dev_slave;	/* a pty:'s terminal side, or -1 */
	struct listener	*l;		/* a listening target's, until its
					   first client */
	int		 lfd;		/* a udp-l: target's, until its
					   first datagram */
};

/*
 * The targets in force, and until its outbound stage is over, those a
 * connection started with: a reload (SIGHUP) makes a new list while
 * connections still dial the old one's targets.  Freed with the last
 * reference (doc/design.md, "Reloading a server").
 */
struct fwd_targets {
	size_t			 refs;	/* the forwarder's while in force,
					   and each outbound stage's */
	size_t			 n;
	struct side		*own;	/* the sides a reload read, freed with
					   the list; the rest are the command
					   line's */
	size_t			 nown;
	struct fwd_target	 t[];
};

struct forward {
	const struct job	*j;
	struct listener		*l;
	struct fwd_targets	*ts;	/* in force */
	size_t			 rr;	/* --round-robin: the next first */
	unsigned long		 serial; /* connections so far */
	int			 status; /* exit status without -k */
	int			 ndialled; /* fork of a dialled side: its
					      connections not over yet */

	/* Datagrams: a peer's own socket for each, and its connection. */
	struct peers		*pl;
	TAILQ_HEAD(, fconn)	 fconns;
};

/* Where a connection's outbound stage stands. */
enum fconn_state {
	FC_CONNECTING,
	FC_READY,	/* connected, the client still in its handshake */
	FC_FAILED,	/* no target, the client still in its handshake */
	FC_RELAYING,
};

/*
 * What a connection needs only until it is relayed: given back then, so
 * that an idle relayed connection costs little more than its session.
 */
struct fconn_out {
	struct net_peer		 peer;
	struct net_peer		 local;	/* the address it connected to */
	struct ev_timer		 deadline;
	char			 why[FWD_WHY_MAX]; /* the last failure */
	int			 own_error; /* it was ours: out of memory or
					       descriptors */

	/* Targets of ts from first on, tries so far, the one being tried. */
	struct fwd_targets	*ts;
	u_int			 first;
	u_int			 tries;
	struct fwd_target	*cur;
	struct opening		*op;	/* the target being opened */
	struct netconn		*tnc;	/* the target, once open */
	struct ev_timer		 kick;	/* a device target's, from the loop */

	struct dgramq		*dgrams; /* a peer's datagrams, before its
					    target is open */
};

struct fconn {
	struct forward		*f;
	unsigned long		 serial; /* its number, from 1 */
	char			*label;	/* "#1 HOST PORT", or NULL until a
					   message asks (fconn_label()) */
	struct netconn		*nc;	/* the client: its socket, TLS and
					   WebSocket until the pump has them,
					   and its place at the gate */
	struct fconn_out	*out;	/* NULL once relayed */

	TAILQ_ENTRY(fconn)	 entry;	/* the forwarder's, for a peer */
	struct channel		*up, *down;
	struct fwd_target	*dev;	/* the device it has, or NULL */
	/*
	 * The client's address, for its label and a peer's datagrams: an
	 * IPv4 or IPv6 one, or a Unix client's unnamed address.  A longer
	 * one (a Unix client's path) is in the label, made at once: every
	 * idle connection holds this, so it is not a sockaddr_storage.
	 */
	union {
		struct sockaddr		sa;
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
	}			 from;
	/*
	 * The small fields together, after from, which is read as a
	 * sockaddr_storage and so stays on 8 bytes: every idle connection
	 * holds an fconn, 112 bytes, in malloc's chunk of 128.
	 */
	unsigned char		 state;	/* enum fconn_state */
	unsigned char		 fromlen; /* of from, above */
	unsigned char		 dgram:1; /* the target is a datagram one */
	unsigned char		 peer:1; /* the client is a datagram peer */
};

/* forward.c */
void		 forward_targets_drop(struct fwd_targets *);
void		 forward_target_down(struct fwd_target *);
void		 forward_target_up(struct fwd_target *);

/* forward-conn.c */
void		 fconn_destroy(struct fconn *);
void		 fconn_free(struct fconn *);
void		 fconn_relay(struct fconn *);
void		 fconn_next(struct fconn *);
const char	*fconn_dump_label(struct session *);
struct fconn	*fconn_new(struct forward *, int, const struct net_peer *);
void		 forward_over(struct forward *, int);
extern const struct peer_ops forward_peer_ops;

#endif /* SC_FORWARD_INT_H */
