/*
 * The modes layer: what a command line runs: plain relay, datagram listener, broker
 * and room, chat, proxy server, forwarder, port scan.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	9
#endif
#if SC_LAYER < 9
#error "a lower layer includes modes/modes.h: pass a hook down instead"
#endif

#ifndef SC_MODES_H
#define SC_MODES_H

#include "side/side.h"

/* How data moves between the two sides: the pump's settings. */
struct flow {
	int		 crlf;		/* -C */
	long long	 interval_ms;	/* -i: pause after each line sent */
	long long	 delay_ms;	/* --delay: pause after each write */
	long long	 recv_limit;	/* -W: reads from the network, 0: none */
	int		 telnet;	/* -t */
	int		 send_only;	/* --send-only */
	int		 recv_only;	/* --recv-only */
	int		 monitor;	/* --monitor: a broker's stdout gets
					   what its clients send */
	int		 no_shutdown;	/* --no-shutdown */
	int		 shut_net;	/* -N: shutdown(2) the socket at EOF */
	int		 no_stdin;	/* -d */
	int		 fail_on_error;	/* --fail-on-error: a read error of the
					   network fails in nc's forms too */
	int		 half_close;	/* --half-close */
	int		 no_splice;	/* --no-splice: always copy */
	long long	 quit_ms;	/* -q, TIME_NONE: wait for the peer */
	long long	 deadline_ms;	/* --quit-after: hard limit after EOF */
	long long	 far_quit_ms;	/* socat's -t the other way: the wait
					   for stdin after the far end's EOF;
					   TIME_NONE: until it ends */
	long long	 program_quit_ms; /* socat's -t beside a program: the
					   other way's time once one has
					   ended, the program then left;
					   TIME_NONE: its own end */
	u_int		 block;		/* socat's -b: bytes a read moves at
					   most; 0: the pump's own */
	long long	 idle_ms;	/* socat's -T: a session with no byte
					   moved for so long ends, quietly;
					   TIME_NONE: never */
	const char	*on_connect;	/* --on-connect TEXT or @FILE */
	const struct script *script;	/* --expect, --send, --script: the
					   steps in stdin's place, or NULL */
	const struct stamp *stamp;	/* --timestamp: stdout's lines, or
					   NULL */
	const char	*record;	/* --record: each session's file, "%n"
					   its number; NULL */
	int		 fdpass;	/* -F */
};

/*
 * The command line's near end, as given (struct job's near is the side
 * made of it), and how the terminal is used.
 */
struct local {
	const char	*exec;		/* -e or -c: the program to run */
	int		 exec_shell;	/* -c: exec is a /bin/sh command */
	int		 pty;		/* --pty: programs on a terminal */
	const char	*fifo;		/* --fifo: send what this FIFO gives */
	int		 raw;		/* --raw: the local terminal raw */
	int		 readline;	/* --readline: typed lines edited */
	const char	*history;	/* --readline-history: their file */
	const char	*prompt;	/* READLINE's prompt=, noecho= and */
	const char	*noecho;	/* noprompt (struct side_local's) */
	int		 noprompt;
};

/* The forwarder's targets (--forward). */
struct fwd_conf {
	char		**targets;	/* --forward targets, in order */
	size_t		 n;
	size_t		*lines;		/* the file's line of each, or 0 */
	struct side	*sides;		/* each target read (forward_target()) */
	const char	*file;		/* --forward-file: a target a line */
	char		*text;		/* its text: its targets point in */
	size_t		 file_at;	/* where they are in targets[] */
	size_t		 nfile;		/* and how many */
	int		 round_robin;	/* --round-robin over the targets */
	int		 send_proxy;	/* --send-proxy: PROXYPROTO_*, or 0 */
	struct tls_conf	 tls;		/* --forward-ssl*: the targets' TLS */
	struct side	 peer;		/* what every target starts from */
};

/* --relay's limits (--relay-limit KEY=VALUE). */
struct relay_conf {
	long long	 wait_ms;	/* wait=: a name waits so long */
	int		 per_addr;	/* per-addr=: names waiting from one
					   host at once (net_host_key());
					   0: no limit */
	long long	 max_bytes;	/* bytes=: a pair's, both ways; 0: no
					   limit */
	long long	 rate;		/* rate=: a pair's bytes a second, both
					   ways; 0: no limit */
};

/*
 * What a mode runs, as the front layer makes it from the command line:
 * the side it dials or listens on, how data flows, its near end, and the
 * settings of the modes that have some.  Read-only, but for the side's
 * runtime.
 */
struct job {
	struct side		*side;
	struct side		*peer;	/* the other side: what the forwarder
					   and the relay dial, or NULL */
	const struct side	*near;	/* plain mode's near end: stdin and
					   stdout (or --fifo's), a program */
	const struct flow	*flow;
	const struct local	*local;
	const struct fwd_conf	*fwd;
	long long		 stall_ms; /* --write-timeout, TIME_NONE */
	int			 stats;	/* --stats, -vv: each connection's
					   figures as it ends */
	const struct relay_conf	*relay;	/* --relay's limits */
	struct runtime		*run;
};

/* Debug builds: a path applies a field of the job's parts (taken.c). */
#define FLOW_TAKEN(f)		TAKEN(TAKEN_FLOW, struct flow, f)
#define LOCAL_TAKEN(f)		TAKEN(TAKEN_LOCAL, struct local, f)
#define FWD_TAKEN(f)		TAKEN(TAKEN_FWD, struct fwd_conf, f)
#define RELAY_TAKEN(f)		TAKEN(TAKEN_RELAY, struct relay_conf, f)
#define JOB_TAKEN(f)		TAKEN(TAKEN_JOB, struct job, f)
#define RUN_TAKEN(f)		TAKEN(TAKEN_RUN, struct runtime, f)

/* relay.c */
int		 relay_listen(const struct job *);

/* join.c */
/* How long a datagram target's answers are awaited after its client's end. */
#define JOIN_DGRAM_LINGER_MS	500

/* What a joined session's rule needs to know besides its two sides. */
enum join_rule {
	JOIN_SIDES,		/* what the two sides are says it all */
	JOIN_NEAR_ENDS,		/* the second side's end is the session's,
				   once delivered: a datagram peer's relay
				   to its target, a request forwarded to
				   its origin */
	JOIN_DGRAM_TARGET,	/* a relay to a datagram target */
	JOIN_CHAT,		/* --chat: either way's end is the
				   conversation's, once delivered */
	JOIN_DGRAM_LISTENER,	/* a datagram listener's own socket with
				   stdin and stdout */
};

/* How two sides are joined (join_ways()). */
struct join_how {
	const struct flow	*flow;
	const struct side	*far;	/* the far side (a connection's), or
					   NULL */
	enum join_rule		 rule;
	const char		*name[2]; /* each way's, for messages */
	int			 flags[2]; /* each way's CH_* */
	int			 skip[2]; /* no such way */
	int			 discard[2]; /* its bytes read, dropped */
	struct dump		*dump;	/* -o, socat's -v: each way tapped */
	int			 sent;	/* the way dump_sent() taps */
	ch_tap_cb		*tap;	/* or the mode's tap on both, with */
	void			*tap_arg; /* this argument */
	long long		 idle_ms; /* the session's, TIME_NONE */
	long long		 quit_ms; /* -q as it stands (plain mode's) */
	int			 fifo;	/* --fifo's, one client */
	int			 raw;	/* --raw */
};

/*
 * Two sides joined in a session: the far one (a connection, when there
 * is one) end[0], the near one end[1]; way[0] from the first to the
 * second, way[1] back.
 */
struct join {
	struct session		*s;
	struct end		 end[2];
	struct channel		*way[2];
};

extern const struct flow join_flow_plain;
int		 join_new(struct join *, int (*)(struct session *),
		    void (*)(struct session *), void *);
int		 join_ways(struct join *, const struct join_how *, char **);
int		 join_rides(const struct job *);
struct expect	*join_script(struct session *, struct channel *,
		    struct channel *, const struct flow *, const struct side *);
const char	*join_label(char **, unsigned long, const struct sockaddr *,
		    socklen_t);
void		 join_failed(const char *, char *);
const char	*join_ended(struct session *, int, const struct channel **);
void		 join_program_gone(struct channel *, struct channel *);
void		 join_start(struct join *);
void		 join_break_cb(void *);
void		 join_serve_signals(const struct job *, const char *,
		    void (*)(void *), void *);
void		 join_dialled(int, const struct net_peer *, void *);
int		 join_run(const struct job *);
int		 join_listen(const struct side *, const char *, int);
int		 join_dial(const struct side *, const char *,
		    const struct dial_how *, int (*)(void *, struct netconn *,
		    const struct net_peer *), void *, const int *);

/* proxyd.c */
int		 proxyd_listen(const struct job *);

/* forward.c */
int		 forward_listen(const struct job *);
int		 forward_port_unknown(const struct side *, const char *);
int		 forward_target(struct side *, const struct fwd_conf *,
		    const char *, char **);
char		*forward_read_file(const char *, char ***, size_t **, size_t *,
		    char **);

/* plain.c */
int		 plain_listen(const struct job *);

/* plain-client.c */
int		 plain_connect(const struct job *);
__dead void	 plain_pass_fd(int);

/* plain-exec.c */
int		 plain_serve_dgram(const struct job *, int);

/* dgram.c */
int		 dgram_serve(const struct job *, int);

/* broker.c */
int		 broker_listen(const struct job *);

/* room.c (the mode) */
int		 room_listen(const struct job *);

/* chat.c */
int		 chat_connect(const struct job *);
int		 chat_listen(const struct job *);

/* scan.c */
int		 scan_ports(const struct job *);

#endif /* SC_MODES_H */
