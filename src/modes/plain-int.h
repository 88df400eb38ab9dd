/*
 * What the files of plain mode share, and nothing else includes: the
 * connection and the mode's state, the core (plain.c), the client
 * (plain-client.c) and the programs (plain-exec.c).  They are one module,
 * which may call itself round in circles (tests/layers.py knows it); the
 * rest of the program sees plain mode through modes.h only.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_MODES_H
#error "modes/plain-int.h comes after modes.h, in plain mode's own files only"
#endif

#ifndef SC_PLAIN_INT_H
#define SC_PLAIN_INT_H

struct plain;

/* One connection and what it is wired to. */
struct conn {
	struct plain		*p;
	struct session		*s;	/* NULL once the data has stopped. */
	struct channel		*tx;	/* local -> network */
	struct channel		*rx;	/* network -> local */
	struct child		*child;	/* -e, -c: its program */
	struct netconn		*nc;	/* the socket, TLS or WebSocket until
					   the session has them, and a
					   server's place at the gate */
	struct telnet		 telnet; /* -t: the answering parser's state */
	struct net_peer		 peer;	/* The peer's address; len 0: none */
	unsigned long		 serial; /* its number, from 1 */
	char			*label;	/* -o, --hex-dump's name for it, made
					   on first use (join_label()) */
	int			 idle_limit; /* the session's idle timer is
					    --idle-timeout's, not -w's */
	int			 idle_quiet; /* socat's -T ended its program:
					    its status is not ours */
	struct endpoint		*net;	/* --reconnect: the network's */
	struct redial		*redial; /* --reconnect: made at the first
					    loss, kept */
	int			 away;	/* --reconnect: between a loss and
					   the return */
	struct ev_timer		 drain;	/* --reconnect: the wait for what
					   waits to go after the peer's end */
	int			 drained; /* that wait is over */
	uint64_t		 greet_end; /* tx's bytes once --on-connect's
					      text is delivered */
	struct expect		*ex;	/* --expect, --script: its run */
	TAILQ_ENTRY(conn)	 entry;
};

struct plain {
	const struct job	*j;
	int			 exec;	/* the near end is a program */
	int			 prog_rd; /* the program is read (not socat's
					    -u), written (not -U) */
	int			 prog_wr;
	int			 direct; /* a client's program is given the
					    connection (plain_exec_direct()) */
	int			 stdio;	/* the near end is stdin and stdout,
					   or a file in the place of one */
	int			 opened; /* near ends opened so far */
	unsigned long		 serial; /* connections so far */
	int			 nc_form; /* nc's own form (plain_nc_form()) */
	int			 stdin_quits; /* -q: stdin's end makes the
					    connection the last */
	TAILQ_HEAD(, conn)	 conns;
	struct listener		*l;	/* a stream listener, or NULL */
	struct peers		*peers;	/* a datagram listener, or NULL */
	const void		*dgram;	/* -u -l -e: a datagram just read */
	size_t			 dgramlen; /* Its length while it is new. */
	struct ev_timer		 quit;	/* -q: the delay before exiting */
	long long		 quit_ms; /* -q's delay; TIME_NONE once
					    --quit-after has fired */
	int			 stopping; /* no more connections: exit */
	int			 status; /* exit status */
	const char		*port;	/* A client's port, or NULL (-U) */
	char			*greet;	/* --on-connect's bytes */
	size_t			 greetlen;
	struct edit		 ed;	/* --readline: the line typed */
};

/* plain.c */
void		 conn_done(struct conn *);
void		 conn_set_idle(struct conn *);
int		 conn_join(struct conn *, int (*)(struct session *),
		    const struct end_how *, const int *, int);
int		 plain_start(struct plain *, struct netconn *,
		    const struct net_peer *);
void		 plain_init(struct plain *, const struct job *);
void		 plain_free(struct plain *);

/* plain-client.c */
void		 conn_spilled(struct conn *);
void		 conn_drain_cb(void *);
int		 conn_lost(struct conn *);

/* plain-exec.c */
int		 conn_start_exec(struct conn *, const struct net_peer *);
int		 plain_exec_direct(const struct plain *);
void		*plain_admitted(void *, int, const struct net_peer *);
void		 plain_abandon(void *, void *);

#endif /* SC_PLAIN_INT_H */
