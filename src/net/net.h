/*
 * The net layer: sockets: set-up and reports, the resolver, Unix-domain,
 * UDP and VSOCK helpers, the dial (the one way a connection is made) and
 * its proxy client, the gate and the listener's socket-level stages; and
 * a side's settings (struct side), which every layer above reads.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	5
#endif
#if SC_LAYER < 5
#error "a lower layer includes net/net.h: pass a hook down instead"
#endif

#ifndef SC_NET_H
#define SC_NET_H

#include "io/io.h"

/*
 * A side's settings: what the net layer reads to dial, listen on and
 * speak over a connection.  A side is made once, from the command line
 * or from an address and its options (its own settings override the
 * command line's), and is read-only from then on.
 */

/* --retry-interval when it is not given, in milliseconds. */
#define RETRY_DEFAULT_MS	1000

/* The shortest --retry-interval: tries without a pause would spin. */
#define RETRY_MIN_MS		10

/* The most proxies a connection goes through (-x given again). */
#define PROXY_HOPS_MAX		8

/* One proxy of a chain: each -x, in order. */
struct proxy_hop {
	int		 proto;		/* PROXY_* */
	char		*host;
	char		*port;
	const char	*user;		/* NULL: no credentials */
	const char	*pass;		/* NULL: asked for on the terminal */
	const char	*label;		/* how messages name it */
	int		 owned;		/* user and pass are allocated (a URL's) */
	int		 tls;		/* https://: TLS to the proxy, verified */
	char		*basic;		/* socat's proxyauth= or proxyauthfile=:
					   sent at once, as given (Basic) */
};

/* A side's socket: its family, type and options. */
struct sock_conf {
	int		 family;	/* -4, -6: AF_INET, AF_INET6, else
					   AF_UNSPEC; AF_UNIX with -U */
	int		 socktype;	/* SOCK_STREAM, or SOCK_DGRAM with -u */
	int		 seqpacket;	/* socat's so-type=5: a Unix stream
					   socket is a SOCK_SEQPACKET one */
	int		 numeric;	/* -n: no DNS or service lookups */
	int		 so_debug;	/* -D */
	int		 broadcast;	/* -b */
	int		 rcvbuf;	/* -I, 0 when unset */
	int		 sndbuf;	/* -O, 0 when unset */
	int		 ttl;		/* -M, -1 when unset */
	int		 ttl_only;	/* socat's ttl=: not a group's hops */
	int		 minttl;	/* -m, -1 when unset */
	const char	*mcast_if;	/* --mcast-if: NAME or ADDRESS */
	int		 mcast_loop;	/* --mcast-loop: 0, 1; -1 when unset */
	int		 tos;		/* -T, -1 when unset */
	char		*md5sig;	/* -S: the TCP MD5 key, NULL when unset */
	int		 keepalive;	/* --keepalive */
	int		 keepidle;	/* its idle seconds, 0: the system's */
	int		 keepintvl;	/* seconds between probes, 0: system's */
	int		 keepcnt;	/* probes unanswered, 0: the system's */
	int		 nodelay;	/* --nodelay: TCP_NODELAY */
	/* socat's options of the same kind; each 0 (-1) when unset. */
	int		 mss;		/* mss=: TCP_MAXSEG */
	int		 cork;		/* cork: TCP_CORK */
	int		 quickack;	/* quickack: TCP_QUICKACK */
	int		 defer_accept;	/* defer-accept=: TCP_DEFER_ACCEPT */
	int		 syncnt;	/* syncnt=: TCP_SYNCNT */
	int		 window_clamp;	/* window-clamp=: TCP_WINDOW_CLAMP */
	int		 priority;	/* priority=: SO_PRIORITY */
	int		 dontroute;	/* dontroute: SO_DONTROUTE */
	int		 freebind;	/* freebind: IP_FREEBIND */
	int		 transparent;	/* transparent: IP_TRANSPARENT */
	int		 reset_close;	/* linger=0: SO_LINGER {1, 0} */
	int		 oobinline;	/* so-oobinline: SO_OOBINLINE */
	int		 rcvlowat;	/* so-rcvlowat=: SO_RCVLOWAT */
	int		 linger2;	/* tcp-linger2=: TCP_LINGER2 */
	int		 mtu_discover;	/* ip-mtu-discover= (-1) */
	int		 mcast_ttl;	/* multicast-ttl=: after -M's (-1) */
	/*
	 * socat's ancillary data of a datagram received (each 0 when
	 * unset): its control messages, logged and given to a program.
	 */
	int		 timestamp;	/* so-timestamp: SO_TIMESTAMP */
	int		 pktinfo;	/* ip-pktinfo: IP_PKTINFO, IPv6's
					   IPV6_RECVPKTINFO */
	int		 recvttl;	/* ip-recvttl: IP_RECVTTL, hops */
	int		 recvtos;	/* ip-recvtos: IP_RECVTOS, class */
	int		 recvopts;	/* ip-recvopts: IP_RECVOPTS */
	unsigned char	 ip_options[40]; /* ip-options=: IP_OPTIONS */
	int		 ip_options_len;
	const char	*device;	/* bindtodevice=: SO_BINDTODEVICE */
	int		 reuseport;	/* --reuseport: SO_REUSEPORT, -l */
	int		 reuseaddr;	/* ,reuseaddr: SO_REUSEADDR on a UDP
					   listener too (a TCP one has it) */
	int		 backlog;	/* --backlog, ,backlog=N: listen(2)'s;
					   0: 128, SOMAXCONN for many */
	int		 workers;	/* --workers: processes serving a
					   listener of many (0, 1: this one) */
#define WORKERS_MAX	1024
	int		 sockopt[3];	/* socat's setsockopt=LEVEL:NAME:VALUE
					   (a listener's setsockopt-listen=) */
	int		 sockopt_on;	/* sockopt is given */
	int		 unix_keep;	/* socat's unlink-close=0: the socket
					   file it binds stays at exit */
	int		 v6only;	/* ,ipv6only=: 1 on, 2 off, 0: as the
					   system has it */
	int		 mptcp;		/* --mptcp: IPPROTO_MPTCP for TCP */
	int		 dccp;		/* -Z */
	int		 vsock;		/* --vsock: AF_VSOCK, host a CID */
	const char	*source;	/* -s */
	const char	*source_port;	/* -p */
	int		 low_port;	/* socat's lowport of a dialled
					   socket: bound below 1024 */
	int		 listen_fd;	/* --listen-fd, or a socket passed the
					   systemd way; -1: bind our own */
	const char	*listen_fd_name; /* LISTEN_FDNAMES' name for it */
};

/* The proxies a side is dialled through. */
struct proxy_conf {
	int		 proto;		/* -X, --proxy-type: PROXY_* */
	char		*host;		/* -x, --proxy: NULL when direct */
	char		*port;		/* -x's port or the protocol's */
	const char	*user;		/* -P, or --proxy-auth's user */
	const char	*pass;		/* --proxy-auth's password, or NULL */
	int		 dns;		/* --proxy-dns: PROXY_DNS_*, or 0 */
	struct proxy_hop hops[PROXY_HOPS_MAX]; /* -x, in order: the first
					   is host's */
	size_t		 nhops;
	const char	*name_way;	/* said after the first hop's name
					   did not resolve, from its space:
					   ncat's -x FILE (NULL: nothing) */
};

/* A side's WebSocket: the client's URL and the server's answers. */
struct ws_conf {
	int		 on;		/* --websocket, or a ws:// URL */
	int		 binary;	/* --ws-binary: binary messages */
	char		*path;		/* the ws:// URL's path */
	const char	*origin;	/* --ws-origin */
	const char	*protocol;	/* --ws-protocol: offered, accepted */
	char		**headers;	/* --ws-header lines */
	size_t		 nheaders;
	char		**server_headers; /* --ws-server-header lines */
	size_t		 nserver_headers;
	long long	 ping_ms;	/* --ws-ping, TIME_NONE: never */
	long long	 pong_ms;	/* --ws-ping-timeout, TIME_NONE: none */
	long long	 max_message;	/* --ws-max-message, 0: default */
	int		 messages;	/* --ws-messages (-1: 1): the reads
					   end after so many; 0: never */
	int		 insecure;	/* --ws-insecure */
	int		 framed;	/* --ws-framed: "T n"/"B n" records */
	int		 no_compress;	/* --ws-no-compress */
	const char	*static_dir;	/* --ws-static: files served */
	int		 static_dotfiles; /* and their dot-files too */
	int		 static_fd;	/* --ws-static's directory, open */
	char		**allow_origins; /* --ws-allow-origin */
	size_t		 nallow_origins;
	char		**paths;	/* --ws-path: where upgrades go */
	size_t		 npaths;
	int		 plain_too;	/* a server that takes plain TCP clients
					   too (--broker, --room, --relay): its
					   first bytes tell one from HTTP */
	int		 plain_listens;	/* and one may only listen (--broker,
					   --room): a silence makes it plain */
	int		 room_page;	/* "/" answers the room's page */
	int		 cgi;		/* the request's variables are kept
					   for a program (-e, -c) */
	int		 fresh;	/* compressed messages start afresh both
					   ways, for every client: a server of
					   many at once (doc/design.md,
					   "WebSocket") */
};

/* A user of --auth (a password) or of --auth-file (a crypt(3) hash). */
struct auth_user {
	char		*name;
	char		*pass;		/* --auth's password, or NULL */
	char		*hash;		/* --auth-file's hash, or NULL */
};

/* Who an HTTP-speaking server lets in (src/http/auth.c). */
struct auth_conf {
	struct auth_user *users;	/* --auth, --auth-file */
	size_t		 nusers;
	const char	*token;		/* --auth-token */
};

/*
 * socat's options of a side that is no socket (a file, a descriptor, a
 * program, a terminal), carried out by its opener (src/side/end.c).
 */
struct side_local {
	int		 fd;		/* FD:N's descriptor; -1 */
	int		 fifo;		/* PIPE:PATH: a named pipe, made */
	int		 nonblock;	/* opened with O_NONBLOCK */
	int		 noatime;	/* read with O_NOATIME */
	int		 direct;	/* read with O_DIRECT (o-direct) */
	int		 fs_noatime;	/* its inode's noatime flag set */
	int		 gopen;		/* GOPEN: created, or appended to */
	int		 readline;	/* READLINE: its lines edited */
	const char	*lockfile;	/* lockfile=: taken before it opens */
	const char	*waitlock;	/* waitlock=: waited for, then so */
	const char	*history;	/* history=: READLINE's file */
	const char	*prompt;	/* prompt=: before each line typed */
	const char	*noecho;	/* noecho=: a secret's prompt (regex) */
	int		 noprompt;	/* noprompt: a half line is none */
	int		 run;		/* how a program's text is run: RUN_* */
#define RUN_SHELL	0		/* /bin/sh -c TEXT (-c, SYSTEM:) */
#define RUN_WORDS	1		/* its words, split on blanks (-e, and
					   exec: when no shell is needed) */
#define RUN_SOCAT	2		/* its words as socat splits them
					   (EXEC:) */
#define RUN_ENV_SHELL	3		/* $SHELL -c TEXT (socat's SHELL:) */
	int		 loop;		/* PIPE, socat's echo: a pipe */
	int		 ignoreeof;	/* an end of file read is waited past */
	int		 lock;		/* a lock taken on it: SIDE_LOCK_* */
#define SIDE_LOCK_ON	0x1		/* one is (setlk, flock-ex, ...) */
#define SIDE_LOCK_FLOCK	0x2		/* flock(2)'s, else fcntl(2)'s */
#define SIDE_LOCK_READ	0x4		/* a read lock, else a write one */
#define SIDE_LOCK_WAIT	0x8		/* waited for, else refused if held */
	int		 cool_write;	/* a reader gone (EPIPE, ECONNRESET)
					   is a notice, not an error */
	int		 escape;	/* this byte read is an end; -1 */
	int		 stdio;		/* sockcat's file beside a socket: the
					   ways of stdio it stands in for, the
					   other ways stdio's; 0: its own */
#define SIDE_STDIO_IN	0x1		/* stdin's: it is read ("<") */
#define SIDE_STDIO_OUT	0x2		/* stdout's: written (">") */
	int		 once;		/* socat's first address beside a
					   socket: opened once, as socat opens
					   it before the second; each session
					   a duplicate (end_file()) */
	long long	 readbytes;	/* read this many bytes at most; -1 */
	long long	 ftruncate;	/* the file cut to this size; -1 */
	long long	 seek;		/* read and written from this offset,
					   or this many bytes from the end
					   (seek_end); SIDE_NO_SEEK: none */
	long long	 seek_end;
#define SIDE_NO_SEEK	LLONG_MIN
	int		 umask;		/* umask= while it is made; -1 */
	const char	*user;		/* user=: its owner, or NULL */
	const char	*group;		/* group=: its group, or NULL */
	int		 unlink_close;	/* removed at the end: 1, 0; -1:
					   a named pipe made, only */
	int		 pty;		/* a program's: on a terminal */
	struct tty_want	 tty;		/* a terminal's modes: the side's, once
					   opened, or its program's */
	int		 stderr_out;	/* its stderr into its output */
	int		 login;		/* its argv[0] "-" and its name: a
					   login shell (socat's login) */
	int		 setsid;	/* in a session of its own */
	int		 pgid;		/* setpgid=: its group (0: its own),
					   or -1 */
	unsigned int	 sigpass;	/* sigint, sighup, sigquit: these
					   (1U << signo) go to the program */
	int		 nofork;	/* run in our place */
	int		 fdin;		/* its descriptor read from (0) */
	int		 fdout;		/* and written to (1) */
	int		 fd_given;	/* 1: fdin= given, 2: fdout= */
	const char	*chroot;	/* chroot=: a listener's root once its
					   socket is bound, a program's */
	const char	*search;	/* path=: where a program is looked
					   for, and its PATH */
	const char	*su;		/* su=: its user and groups, looked
					   up after chroot= */
	const char	*su_d;		/* su-d=: looked up before it */
	const char	*setuid;	/* setuid=: its user alone */
	const char	*setgid;	/* setgid=: its group */
};

/*
 * --via: the side meets its peer at a relay (--relay) by the name its
 * code makes, and speaks TLS as the relay's pairing says.
 */
struct via_conf {
	int		 on;
	long long	 wait_ms;	/* how long the peer is waited for */
	const char	*relay;		/* as given, for messages */
	unsigned char	 name[RDV_NAME_LEN];
	struct tls_ctx	*srv_ctx;	/* TLS's server's, should the relay
					   make this side the first */
	int		 ws;		/* a ws:// relay: an upgrade first */
	const char	*ws_path;	/* to this path */
	int		 wss;		/* a wss:// relay: TLS before it */
	struct tls_ctx	*ws_ctx;	/* that TLS's, its certificate
					   checked */
};

/*
 * --trust-front: the fronts (HAProxy, nginx) whose word on a client's
 * address is taken, each way a front may say it an allow-only gate of
 * their addresses (src/net/listenfront.c).
 */
enum front_way {
	FRONT_PROXY,		/* a PROXY header, v1 or v2, comes first */
	FRONT_XFF,		/* an upgrade request's X-Forwarded-For */
	FRONT_FORWARDED,	/* its Forwarded: for= (RFC 7239) */
	FRONT_WAYS,
};
struct front_conf {
	struct gate	 trust[FRONT_WAYS];
	int		 ready;		/* trust[] made, by the first */
};

/*
 * What differs between the command lines sockcat reads: nc's (its own
 * name, with ncat's habits as options of it) and socat's.  One row each
 * (dialect.c), chosen as the command line is read (struct side's
 * dialect) or, for one address, by the grammar it is written in
 * (dialect_of()).  Each field is a behaviour, named by what it does.
 */
struct dialect {
	/* The grammar of an address: addr_parse() or socat's. */
	int		(*parse)(const char *, struct addr *, const char **);
	int		(*dual)(const char *); /* "R!!W" split, or NULL */

	/* What an address's options mean in its grammar (dialect_of()). */
	int		 listen_once;	/* a listener serves one client unless
					   fork says */
	int		 ttl_alone;	/* ttl= is IP_TTL alone, not a group's
					   hops too */
	int		 exec_words;	/* exec:'s text run as its words when a
					   shell would read it alike, not by
					   /bin/sh (SYSTEM:) */
	int		 local_opts;	/* a file's, a descriptor's, a program's
					   options and a terminal's modes
					   (ignoreeof, su=, raw, ...) taken */
	int		 oflags_said;	/* a file is made, truncated, made anew
					   only as creat, trunc, excl say */
	const char	*tls_ciphers;	/* TLS's ciphers unless said, or NULL */
	int		 tls_cn_addr;	/* a TLS peer's name may be an
					   address */
	int		 tls_trust_socat; /* cafile=, capath= taken with
					   verify=0 (read by nobody); a
					   server's verify=1 without them
					   trusts the system's authorities */

	/* What the command line's sessions do. */
	int		 pty_stderr;	/* a program on a terminal writes its
					   stderr there too */
	int		 refused_always; /* a refused connection is said
					   without -v, as an error */
	int		 dial_each;	/* a listener's target is dialled for
					   each client, never skipped for a
					   failure before (no back-off) */
	int		 child_said;	/* a program's failure that would be
					   the status is said, and is 1 */
	int		 self_by_source; /* a dial naming its source address
					   and port wants what meets itself */
	const char	*proxy_auth;	/* an HTTP proxy's credentials' header,
					   or NULL: Proxy-Authorization */
	int		 proxy_spaces;	/* a proxy's status line: the spaces
					   after its version, however many,
					   are one */
	int		 pty_named;	/* a pty made says its name alone */
	int		 reset_is_end;	/* a reset under a connection's reads
					   is its end */
	int		 pipe_said;	/* a reader of stdout gone (EPIPE) is
					   an error, but with cool-write */
	int		 oneway_alone;	/* -u and -U (send_only, recv_only)
					   leave the other way alone: a
					   datagram socket only sent to is not
					   read, a program's unused way is
					   ours */
	int		 eof_notice;	/* the end of each address read is
					   said, by its number (addr_no) */
	const char	*env_prefix;	/* a program's variables of its
					   datagram's control messages */
	int		 env_peer;	/* a program told SOCAT_PEERADDR, ...
					   (exec_cmd's) */
	const char	*env_tls;	/* a TLS peer's certificate told to a
					   program under this prefix (it is
					   started after the handshake), or
					   NULL */
};

/*
 * A side: one end of what sockcat joins, as a connection is dialled or
 * listened on, with its own settings.
 */
struct side {
	enum side_kind	 kind;
	const char	*text;		/* its address as given; NULL: the
					   command line's own side */
	const char	*path;		/* a file, device, link or command */
	const char	*fifo;		/* --fifo: a FIFO read in stdin's place */
	int		 append;	/* file:,append */
	int		 oflags;	/* socat's OPEN:: O_CREAT, O_TRUNC, O_EXCL
					   as its options say; -1: file:'s */
	int		 perm;		/* ,mode=: a created file's; -1: 0666 */
	int		 unlink_early;	/* ,unlink-early: its path removed first */
	int		 crlf;		/* ,crlf: LF and CRLF, as socat's */
	const char	*replay_role;	/* replay:,side=: client or server */
	const char	*replay_speed_text; /* replay:,speed= */
	double		 replay_speed;	/* and its value (the front's) */
	int		 replay_plays;	/* RECORD_*: whose chunks it sends */
	struct side	*wside;		/* socat's "R!!W": the side written
					   to, this one read from; NULL */
	struct side_local local;	/* a file's, a descriptor's or a
					   program's socat options */
	const struct dialect *dialect;	/* the command line's */
	int		 addr_no;	/* its address's place on the command
					   line, 1 or 2; 0: none */
	int		 once;		/* a socat listener without fork: one
					   client, then done */
	int		 fork;		/* fork given (not fork=0): a listener
					   keeps serving, whatever its grammar */
	int		 dial_fork;	/* socat's fork of a dialled side: dialled
					   again, interval= after each connection,
					   each with its own program */
	int		 recv_only;	/* socat's *-RECV:: read, never
					   written */
	int		 sendto;	/* socat's UDP-SENDTO:: its peer's
					   refusals (ICMP) are not errors */
	int		 dgram_once;	/* socat's *-RECVFROM:: a peer's
					   session is its one datagram, then
					   its end (peers_take()) */
	int		 shut_null;	/* its end an empty datagram */
	int		 shut_none;	/* its end not said (shut-none) */
	int		 null_eof;	/* an empty datagram its end */
	const char	*dgram_to;	/* socat's UDP-DATAGRAM:: a datagram
					   listener (bound to bind=) sending
					   to this host, or NULL */
	const char	*dgram_to_port;	/* and port */
	int		 unix_either;	/* socat's UNIX:: a client of a stream
					   or a datagram socket, whichever
					   the path is (unix_peer_type()) */
	long long	 connect_ms;	/* ,connect-timeout=: for the connection
					   alone; 0: timeout_ms's */
	long long	 accept_ms;	/* socat's accept-timeout=: a listener
					   waits that long for each client,
					   then stops; 0: for ever */
	int		 crtscts;	/* serial:,crtscts */
	int		 pty_wait;	/* pty:,pty-wait-slave: the other side
					   opened once another process has
					   opened its terminal side */
	long long	 pty_interval_ms; /* how often that is looked at;
					   0: PTY_INTERVAL_MS, socat's */
#define PTY_INTERVAL_MS		1000
	unsigned long	 speed;		/* serial:'s bits/s; 0: as it is */
	int		 proxy_kind;	/* socks4:, socks4a:, socks5:: the
					   PROXY_* of its own proxy, or 0 */
	void		*own;		/* what side_parse() allocated */
	const char	*host;		/* destination, or listen address */
	char		**ports;	/* expanded port list */
	size_t		 nports;
	int		 listen;	/* -l */
	int		 keep;		/* -k */
	long long	 timeout_ms;	/* -w, TIME_NONE when unset */
	int		 retries;	/* --retry: tries after the first,
					   RETRY_FOREVER */
	long long	 retry_ms;	/* --retry-interval */
	int		 reconnect;	/* --reconnect */
	int		 reconnect_max;	/* --reconnect=MAX: attempts after
					   a loss; 0: for ever */
	int		 say_refused;	/* a client's refused connection is
					   said without -v (--ssl, ws://,
					   --proxy: not nc's modes) */
	struct gate	 gate;		/* --allow, --max-conns, ... */
	const struct front_conf *front;	/* --trust-front, or NULL */
	int		 dgram_peers;	/* a datagram listener gives each peer a
					   socket of its own (-k -e, DTLS) */
	struct runtime	*run;		/* its listener's counts: not
					   configuration */
	struct sock_conf sock;
	struct proxy_conf proxy;
	struct tls_conf	 tls;
	struct ws_conf	 ws;
	struct auth_conf auth;
	struct via_conf	 via;
};

/* Debug builds: a path applies field f of a side (base.h, taken.c). */
#define SIDE_TAKEN(f)		TAKEN(TAKEN_SIDE, struct side, f)
/* And its TLS, by the context tc made of it (tls_ctx_taken()). */
#define SIDE_TLS_TAKEN(tc) do {						\
	SIDE_TAKEN(tls.on);						\
	tls_ctx_taken((tc), TAKEN_SIDE, offsetof(struct side, tls));	\
} while (0)

/* activate.c */
int		 activate_take(const char **, int *, char **);
int		 activate_use(const struct side *, char **);
int		 activate_addr(int, char **, char **);

/* bind.c */
int		 net_bind_port(const struct side *, int,
		    const struct sockaddr *, socklen_t);

/* dialself.c */
struct addrinfo;
int		 dial_self(const struct side *, const struct addrinfo *, int);

/* net.c */
void		 net_hints(const struct side *, int, int, const char *,
		    struct addrinfo *);
int		 net_bind_source(const struct side *, int, int, char **);
const char	*net_proto_name(const struct side *);
int		 net_own_error(int);
void		 net_host_label(const char *, const struct sockaddr *,
		    socklen_t, char *, size_t);
int		 net_listen(const struct side *, const char *,
		    const char *, char **);
int		 net_listen_all(const struct side *, const char *,
		    char **);
/* A listener out of descriptors tries to accept again after this long. */
#define NET_ACCEPT_BACKOFF_MS	100
int		 net_accept_or_wait(int, struct net_peer *, struct ev_timer *);
ssize_t		 net_send_fd(int, int);
ssize_t		 net_read(int, struct tls *, void *, size_t, int *);
ssize_t		 net_write(int, struct tls *, const void *, size_t, int *);
void		 net_report_refused(const struct side *, const char *,
		    const char *, int);
void		 net_report_connect(const struct side *, const char *,
		    const char *, const struct net_peer *);
void		 net_report_listen(const struct side *, int);
void		 net_report_accept(const struct side *,
		    const struct net_peer *);
void		 net_report_named(const struct side *,
		    const struct net_peer *, const char *);
int		 net_report_needs_name(const struct side *,
		    const struct net_peer *);
int		 net_protocol(const struct side *, const struct addrinfo *);
int		 net_mptcp_missing(const struct side *,
		    const struct addrinfo *, int);
const char	*net_mptcp_why(int);
void		 net_report_mptcp(const struct side *, int);

/* addrself.c */
int		 net_addr_key(const struct sockaddr *, unsigned char *,
		    uint16_t *);
int		 net_is_self(const struct sockaddr *, socklen_t,
		    const struct sockaddr *, int);
int		 net_is_loopback(const struct sockaddr *);

/* sockopt.c */
int		 net_set_options(const struct side *, int, int, char **);
int		 net_link_scope(int, const struct sockaddr *,
		    struct sockaddr_in6 *);
int		 net_set_reuseport(const struct side *, int, char **);
void		 net_dgram_rcvbuf(const struct side *, int);
int		 net_join_group(const struct side *, int, const struct sockaddr *,
		    char **);

/* vsock.c */
struct sockaddr_vm;
int		 vsock_addr(const char *, const char *, int,
		    struct sockaddr_vm *, char **);
const char	*vsock_why(int, const char *, const char *);
int		 vsock_listen(const struct side *, const char *,
		    const char *, char **);

/* resolve.c */
#define RESOLVE_THREADS		8	/* lookups running at once, and
					   then one per peer holding none */
#define RESOLVE_THREADS_MAX	32	/* threads at most, those included */
#define RESOLVE_QUEUE_MAX	1024	/* lookups waiting for a thread */
#define RESOLVE_STACK		(256 * 1024) /* each thread's stack */
#define RESOLVE_PEER_THREADS	2	/* of them for one peer's lookups */
#define RESOLVE_PEER_MAX	32	/* one peer's lookups, waiting or not */
#define RESOLVE_HOSTS		"/etc/hosts"

struct resolve;
typedef void resolve_cb(int, struct addrinfo *, void *);
struct addrinfo	*resolve_kept(const char *, const char *,
		    const struct addrinfo *);
struct resolve	*resolve_start(const struct sockaddr *, const char *,
		    const char *, const struct addrinfo *, resolve_cb *,
		    void *);
typedef void resolve_name_cb(int, const char *, void *);
struct resolve	*resolve_name(const struct sockaddr *, socklen_t,
		    resolve_name_cb *, void *);
void		 resolve_cancel(struct resolve *);

/* gate.c */
void		 gate_init(struct gate *);
int		 gate_ruled(const struct gate *);
int		 gate_allow_listed(const struct gate *);
void		 gate_clear(struct gate *);
int		 gate_add(struct gate *, int, int, const char *, char **);
int		 gate_permits(const struct gate *, const struct sockaddr *);
int		 gate_reload(const struct gate *, struct runtime *, char **);
void		 gate_forget(struct runtime *);
enum {
	GATE_ADMIT,		/* counted until gate_release() */
	GATE_DENY,		/* --allow, --deny refuse it */
	GATE_FULL,		/* --max-conns reached */
};
int		 gate_decide(const struct gate *, struct runtime *,
		    const struct net_peer *);
void		 gate_release(struct runtime *);	/* netconn_free()'s */
void		 gate_session(const struct gate *, struct session *);
void		 gate_raise_nofile(const struct gate *);

/* proxy.c */
/* What one step of the proxy client's conversation came to. */
enum proxy_step {
	PROXY_FAIL = -1,	/* refused or broken: *cause says why */
	PROXY_MORE,		/* send what is in out, read want */
	PROXY_DONE,		/* connected through the proxy */
	PROXY_RETRY,		/* HTTP 407: answer it on a new connection */
};

/*
 * The proxy client's conversation, as bytes in and bytes out: the caller
 * sends out[0..outlen), reads at most proxy_client_want() bytes (so that
 * nothing after the proxy's reply is taken from the stream) and gives
 * them to proxy_client_input().
 */
struct proxy_client {
	int		 proto;		/* PROXY_* */
	const char	*host;		/* the destination */
	const char	*port;
	const unsigned char *addr4;	/* SOCKS4: its IPv4 address, or NULL
					   for SOCKS4a to resolve host */
	const char	*user;		/* NULL: no credentials */
	/* A byte past the longest sent: a longer one is refused, not cut. */
	char		 pass[SOCKS_NAME_MAX + 2];
	int		 fixed;		/* pass came from --proxy-auth */
	int		 tries;		/* passwords asked for so far */
	int		 stale;		/* HTTP: 1: a 407 said the nonce of our
					   answer was stale: the same password
					   again, unasked; 2: done once */
	const char	*auth_name;	/* HTTP: the credentials' header, or
					   NULL: Proxy-Authorization */
	int		 status_spaces;	/* HTTP: a status line's spaces after
					   its version are one, however many */
	const char	*basic;		/* HTTP: Basic credentials sent with the
					   first request, as they are; NULL */
	/* Fill pass (prompt on the terminal); NULL: there is none. */
	int		(*ask)(struct proxy_client *, char **);
	void		*arg;

	int		 state;
	int		 authed;	/* HTTP: credentials were sent */
	int		 hdrs;		/* HTTP: header lines read */
	int		 status;	/* HTTP: the reply's status code */
	struct http_reply reply;	/* HTTP: what a 407 said */
	struct http_challenge ch;	/* HTTP: the challenge to answer */
	int		 challenged;	/* HTTP: ch is set */
	long long	 skip;		/* HTTP: a 407's body still to come */
	int		 reused;	/* HTTP: asked again on the same
					   connection */
	unsigned char	 out[4 * HTTP_LINE_MAX];
	size_t		 outlen;
	unsigned char	 in[HTTP_LINE_MAX + 1];
	size_t		 inlen;
	size_t		 start;		/* in: where this read began */
	size_t		 want;		/* in: the length to read up to */
	int		 what;		/* netcat's number for this read */
};

int		 proxy_parse_proto(const char *);
const char	*proxy_default_port(int);
int		 proxy_parse_addr(const char *, char **, char **,
		    const char **);
int		 proxy_client_start(struct proxy_client *, char **);
size_t		 proxy_client_want(const struct proxy_client *);
int		 proxy_client_input(struct proxy_client *, const void *,
		    size_t, char **);
void		 proxy_client_broken(const struct proxy_client *, int,
		    char **);
int		 proxy_client_closed(const struct proxy_client *);
void		 proxy_client_clear(struct proxy_client *);

/* dial.c */
struct dial;
typedef void dial_cb(int, const struct net_peer *, struct tls *, int,
    const char *, void *);
typedef int dial_check_cb(const struct addrinfo *, void *);
/* How a dial differs from a client's (dial_open()). */
struct dial_how {
	int		 flags;
#define DIAL_SERVER	0x1	/* a server's outbound side: no proxy */
#define DIAL_UNIX	0x2	/* host is a Unix-domain path (the dial's
				   own, of an AF_UNIX side) */
#define DIAL_BACKLOG	0x4	/* a full backlog is waited out (a client) */
#define DIAL_PARK	0x8	/* the socket is handed over parked
				   (ev_park()): its owner watches it */
#define DIAL_ONCE	0x10	/* open_start(): one try, whatever
				   --retry says (the caller tries again) */
#define DIAL_BARE	0x20	/* open_start(): the connection alone,
				   no TLS or WebSocket (-z) */
	dial_check_cb	*check;	/* asked about each address first */
	/* open_start(): the connection is made, before any handshake. */
	void		(*dialled)(int, const struct net_peer *, void *);
	void		*dialled_arg;
	/* The client whose share of the resolver the lookup is in, or NULL
	   (resolve_start()). */
	const struct sockaddr *peer;
};
struct dial	*dial_open(const struct side *, const char *,
		    const char *, long long, const struct dial_how *,
		    dial_cb *, void *);
void		 dial_quiet(struct dial *);
void		 dial_cancel(struct dial *);

/* listenfront.c */
struct listen_front;
void		 listen_front_clear(struct front_conf *);
int		 listen_front_add(struct front_conf *, const char *, char **);
int		 listen_front_trusts(const struct side *, enum front_way,
		    const struct net_peer *);
struct listen_front *listen_front_start(const struct side *, int,
		    struct net_peer *, void (*)(void *, char *), void *);
void		 listen_front_cancel(struct listen_front *);
void		 listen_front_request(const struct side *, const char *,
		    struct net_peer *);

/* listenname.c */
struct listen_name;
struct listen_name *listen_name_start(const struct side *,
		    const struct net_peer *, void (*)(void *), void *);
void		 listen_name_cancel(struct listen_name *);

/* udp.c */
int		 udp_addr_equal(const struct sockaddr_storage *, socklen_t,
		    const struct sockaddr_storage *, socklen_t);
int		 udp_twin_socket(const struct side *, int);
int		 udp_peer_socket(const struct side *, int,
		    const struct net_peer *);
int		 udp_probe(int, long long);
int		 udp_unnamed(const struct sockaddr_storage *, socklen_t);
ssize_t		 udp_recv_kept(struct endpoint *, void *, size_t);
int		 udp_recvmmsg_kept(struct endpoint *, struct mmsghdr *,
		    u_int);

/* unix.c */
struct sockaddr_un;
int		 unix_addr(const char *, struct sockaddr_un *, socklen_t *);
int		 unix_bind_client(const struct side *, int, char **);
int		 unix_server(const struct side *, char **);
int		 unix_peer_type(const char *);

#endif /* SC_NET_H */
