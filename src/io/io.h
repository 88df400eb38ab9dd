/*
 * The io layer: endpoint kinds that are not sockets, and TLS over one: stdio,
 * FIFOs, programs and their pseudo-terminals, the local terminal, TLS.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	4
#endif
#if SC_LAYER < 4
#error "a lower layer includes io/io.h: pass a hook down instead"
#endif

#ifndef SC_IO_H
#define SC_IO_H

#include "pump/pump.h"

/*
 * The configuration: what the command line asks for (struct options) and
 * the types it is made of.  It lives in this layer, the lowest that reads
 * it (tls.c); the layers below are passed what they need as arguments.
 */

/* When --progress draws its line. */
enum {
	PROGRESS_NEVER,
	PROGRESS_AUTO,		/* only when stderr is a terminal */
	PROGRESS_ALWAYS,
};

/* The length of a SHA-256 fingerprint (--ssl-pin). */
#define TLS_PIN_LEN		32

/* --retry forever. */
#define RETRY_FOREVER		(-1)

/* --retry-interval when it is not given, in milliseconds. */
#define RETRY_DEFAULT_MS	1000

/* The shortest --retry-interval: tries without a pause would spin. */
#define RETRY_MIN_MS		10

/*
 * Who may connect to a server and how many at once (gate.c): the controls
 * every listener serving many clients shares.
 */
struct gate_rule;
struct gate_src;
struct gate {
	TAILQ_HEAD(, gate_rule)	 rules;	/* --allow, --deny, in order */
	int			 nallow; /* allow rules among them */
	int			 max_conns; /* --max-conns, 0: no limit */
	long long		 idle_ms; /* --idle-timeout: per client with
					     -l; without, the connection's */
	struct gate_src		*srcs;	/* what the rules came from, in
					   order, to read them again */
	size_t			 nsrcs;
	size_t			 nfiles; /* --allowfile, --denyfile among them */
};
struct dump;

/*
 * What changes while the program runs, beside the command line: made by
 * main(), reached from the options.
 */
struct runtime {
	int		 conns;		/* clients admitted by the gate now */
	struct dump	*dump;		/* the open logs (-o, --hex-dump) */
	struct gate	*gate;		/* rules read again (gate_reload()), in
					   place of the options'; or NULL */
	void		(*report)(void); /* prints the --stats figures so
					   far (SIGUSR1), or NULL */
};

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
};

/*
 * What a command line asks for, filled once by cmdline.c, then read-only:
 * the modes see it const.
 */
struct options {
	int		 family;	/* -4, -6: AF_INET, AF_INET6, else
					   AF_UNSPEC; AF_UNIX with -U */
	int		 socktype;	/* SOCK_STREAM, or SOCK_DGRAM with -u */
	int		 listen;	/* -l */
	int		 keep;		/* -k */
	int		 numeric;	/* -n: no DNS or service lookups */
	int		 verbose;	/* -v, counted */
	int		 zero;		/* -z: scan, move no data */
	int		 shut_net;	/* -N: shutdown(2) the socket at EOF */
	int		 no_stdin;	/* -d */
	int		 crlf;		/* -C */
	int		 randomize;	/* -r */
	int		 so_debug;	/* -D */
	int		 broadcast;	/* -b */
	int		 half_close;	/* --half-close */
	int		 no_splice;	/* --no-splice: always copy */
	int		 broker;	/* --broker: relay among clients */
	int		 room;		/* --room: chat server */
	long long	 stall_ms;	/* --write-timeout, TIME_NONE: default */
	struct gate	 gate;		/* --allow, --max-conns, ... */
	int		 chat;		/* --chat, or invoked as sockchat */
	int		 stats;		/* --stats, or -vv */
	int		 progress;	/* --progress: a PROGRESS_* value */
	int		 rcvbuf;	/* -I, 0 when unset */
	int		 sndbuf;	/* -O, 0 when unset */
	int		 ttl;		/* -M, -1 when unset */
	int		 minttl;	/* -m, -1 when unset */
	const char	*mcast_if;	/* --mcast-if: NAME or ADDRESS */
	int		 mcast_loop;	/* --mcast-loop: 0, 1; -1 when unset */
	int		 tos;		/* -T, -1 when unset */
	long long	 interval_ms;	/* -i: pause after each line sent */
	long long	 delay_ms;	/* --delay: pause after each write */
	long long	 recv_limit;	/* -W: reads from the network, 0: none */
	int		 telnet;	/* -t */
	int		 send_only;	/* --send-only */
	int		 recv_only;	/* --recv-only */
	int		 no_shutdown;	/* --no-shutdown */
	int		 fdpass;	/* -F */
	int		 dccp;		/* -Z */
	char		*md5sig;	/* -S: the TCP MD5 key, NULL when unset */
	int		 keepalive;	/* --keepalive */
	int		 keepidle;	/* its idle seconds, 0: the system's */
	int		 keepintvl;	/* seconds between probes, 0: system's */
	int		 keepcnt;	/* probes unanswered, 0: the system's */
	int		 nodelay;	/* --nodelay: TCP_NODELAY */
	int		 reuseport;	/* --reuseport: SO_REUSEPORT, -l */
	int		 retries;	/* --retry: tries after the first,
					   RETRY_FOREVER */
	long long	 retry_ms;	/* --retry-interval */
	int		 reconnect;	/* --reconnect */
	int		 reconnect_max;	/* --reconnect=MAX: attempts after
					   a loss; 0: for ever */
	const char	*on_connect;	/* --on-connect TEXT or @FILE */
	int		 pty;		/* --pty: programs on a terminal */
	int		 raw;		/* --raw: the local terminal raw */
	int		 readline;	/* --readline: typed lines edited */
	unsigned char	(*ssl_pins)[TLS_PIN_LEN]; /* --ssl-pin: SHA-256 */
	size_t		 nssl_pins;
	const char	*output;	/* -o: raw session log */
	const char	*hex_dump;	/* --hex-dump */
	int		 append_output;	/* --append-output */
	struct runtime	*run;		/* what changes: not configuration */
	long long	 timeout_ms;	/* -w, TIME_NONE when unset */
	long long	 quit_ms;	/* -q, TIME_NONE: wait for the peer */
	long long	 deadline_ms;	/* --quit-after: hard limit after EOF */
	const char	*source;	/* -s */
	const char	*source_port;	/* -p */
	const char	*exec;		/* -e or -c: the program to run */
	int		 exec_shell;	/* -c: exec is a /bin/sh command */
	const char	*fifo;		/* --fifo: send what this FIFO gives */
	const char	*host;		/* destination, or listen address */
	int		 proxy_proto;	/* -X, --proxy-type: PROXY_* */
	int		 proxy_serve;	/* -l --proxy-type: be the proxy */
	char		*proxy_host;	/* -x, --proxy: NULL when direct */
	char		*proxy_port;	/* -x's port or the protocol's */
	const char	*proxy_user;	/* -P, or --proxy-auth's user */
	const char	*proxy_pass;	/* --proxy-auth's password, or NULL */
	int		 proxy_dns;	/* --proxy-dns: PROXY_DNS_*, or 0 */
	struct proxy_hop proxy_hops[PROXY_HOPS_MAX]; /* -x, in order: the
					   first is proxy_host's */
	size_t		 nproxy_hops;
	int		 listen_fd;	/* --listen-fd, or a socket passed the
					   systemd way; -1: bind our own */
	const char	*listen_fd_name; /* LISTEN_FDNAMES' name for it */
	int		 mptcp;		/* --mptcp: IPPROTO_MPTCP for TCP */
	int		 vsock;		/* --vsock: AF_VSOCK, host a CID */
	int		 ssl;		/* --ssl, or any --ssl-* option */
	int		 say_refused;	/* a client's refused connection is
					   said without -v (--ssl, ws://,
					   --proxy: not nc's modes) */
	int		 ssl_verify;	/* --ssl-verify */
	const char	*ssl_cert;	/* --ssl-cert: PEM certificate chain */
	const char	*ssl_key;	/* --ssl-key: PEM private key */
	const char	*ssl_trustfile;	/* --ssl-trustfile: PEM CAs */
	const char	*ssl_ciphers;	/* --ssl-ciphers: OpenSSL cipher list */
	const char	*ssl_servername; /* --ssl-servername: SNI, checked name */
	const char	*ssl_alpn;	/* --ssl-alpn: "h2,http/1.1" */
	char		**ports;	/* expanded port list */
	size_t		 nports;
	char		**forward;	/* --forward targets, in order */
	size_t		 nforward;
	const char	*forward_file;	/* --forward-file: a target a line */
	char		*forward_text;	/* its text: its targets point in */
	size_t		 forward_file_at; /* where they are in forward[] */
	size_t		 nforward_file;	/* and how many */
	int		 round_robin;	/* --round-robin over the targets */
	int		 send_proxy;	/* --send-proxy: PROXYPROTO_*, or 0 */
	int		 fwd_ssl;	/* --forward-ssl, or --forward-ssl-* */
	int		 fwd_ssl_verify; /* --forward-ssl-verify */
	const char	*fwd_ssl_trustfile; /* --forward-ssl-trustfile */
	const char	*fwd_ssl_servername; /* --forward-ssl-servername */
	int		 websocket;	/* --websocket, or a ws:// URL */
	int		 ws_binary;	/* --ws-binary: binary messages */
	char		*ws_path;	/* the ws:// URL's path */
	const char	*ws_origin;	/* --ws-origin */
	const char	*ws_protocol;	/* --ws-protocol: offered, accepted */
	char		**ws_headers;	/* --ws-header lines */
	size_t		 nws_headers;
	long long	 ws_ping_ms;	/* --ws-ping, TIME_NONE: never */
	long long	 ws_max_message; /* --ws-max-message, 0: default */
	int		 ws_insecure;	/* --ws-insecure */
	const char	*ws_static;	/* --ws-static: files served */
	int		 ws_static_dotfiles; /* and their dot-files too */
	char		**ws_allow_origins; /* --ws-allow-origin */
	size_t		 nws_allow_origins;
	char		**ws_paths;	/* --ws-path: where upgrades go */
	size_t		 nws_paths;
	int		 ws_framed;	/* --ws-framed: "T n"/"B n" records */
	int		 ws_static_fd;	/* --ws-static's directory, open */
	int		 ws_no_compress; /* --ws-no-compress */
	const char	*device;	/* serial:, pty: with stdio (pair.c) */
};

/*
 * Who looks up the destination's name behind a proxy (--proxy-dns), as
 * bits.  Unset (0), -X 4 looks it up here, as netcat does, and every
 * other protocol leaves it to the proxy, as ncat does.
 */
enum proxy_dns {
	PROXY_DNS_LOCAL = 1,	/* here, and only here */
	PROXY_DNS_REMOTE = 2,	/* the proxy */
	PROXY_DNS_BOTH = 3,	/* here, else the proxy */
	PROXY_DNS_NONE = 4,	/* nobody: a numeric address only */
};

/* edit.c */

/*
 * The longest line kept while it is typed: a longer one is sent in pieces
 * as it grows, none with a newline of its own, so that it arrives whole.
 */
#define EDIT_LINE_MAX		65536
/* What is read from the terminal at once. */
#define EDIT_KEYS_MAX		256
/* The lines a history keeps, in memory only. */
#define EDIT_HISTORY		100

/*
 * A line being typed on a terminal, and the lines finished.  Its two
 * buffers are taken at the first key (EDIT_LINE_MAX, and done the size of
 * a line and a read of keys), so that typing never fails half-way.
 */
struct edit {
	char		*line;
	size_t		 linelen;
	int		 esc;		/* In an escape sequence: 1 ESC, 2 CSI */
	int		 eof;		/* ^D on an empty line */
	int		 end_is_eof;	/* then edit_read() says 0 */
	int		 redraw;	/* the line is to be shown again */
	int		 error;		/* the buffers could not be had */
	unsigned char	*done;
	size_t		 donelen;	/* Lines finished, not yet read. */
	int		 echo;		/* Where keys are echoed, or -1. */
	int		 history;	/* Up and Down bring lines back. */
	char		*hist[EDIT_HISTORY];
	size_t		 nhist;
	size_t		 hpos;		/* The line shown; nhist: a new one. */
	char		*draft;		/* The new line, while Up shows old. */
	void		(*before)(void *);
	void		(*after)(void *);
	void		*arg;
};
void		 edit_init(struct edit *, int, int, void (*)(void *),
		    void (*)(void *), void *);
void		 edit_free(struct edit *);
void		 edit_echo(const struct edit *, const void *, size_t);
void		 edit_show(struct edit *);
void		 edit_keys(struct edit *, const unsigned char *, size_t);
ssize_t		 edit_read(struct edit *, int, void *, size_t);

/* tls.c */
struct tls;
struct tls_hs;
/* A handshake is over: the TLS state, or NULL and a message to free. */
typedef void tls_done_cb(struct tls *, char *, void *);
int		 tls_available(void);
int		 tls_setup(const struct options *, char **);
int		 tls_reload(const struct options *, char **);
struct tls_hs	*tls_handshake_start(const struct options *, int,
		    const char *, long long, tls_done_cb *, void *, char **);
void		 tls_handshake_cancel(struct tls_hs *);
int		 tls_dtls_listen(int, struct net_peer *, struct tls **);
struct tls_hs	*tls_dtls_accept_start(const struct options *, struct tls *,
		    int, long long, tls_done_cb *, void *, char **);
int		 tls_setup_origin(const struct options *, char **);
struct tls_hs	*tls_origin_start(const struct options *, int,
		    const char *, long long, tls_done_cb *, void *, char **);
struct tls	*tls_handshake(const struct options *, int, const char *,
		    long long, char **);
int		 tls_check_peer(const struct options *, struct tls *, char **);
void		 tls_attach(struct endpoint *, struct tls *);
ssize_t		 tls_read(struct tls *, void *, size_t, int *);
ssize_t		 tls_write(struct tls *, const void *, size_t, int *);
void		 tls_close_notify(struct tls *);
int		 tls_pending(struct tls *);
void		 tls_free(struct tls *);

/* exec.c */

/* A program to run for each connection, as -e or -c gave it. */
struct exec_cmd {
	const char	 *text;		/* As given, for messages. */
	const char	 *path;		/* What is executed (PATH lookup). */
	char		**argv;
	int		  pty;		/* --pty: on a terminal of its own */
};

/* What a child is told about its connection. */
struct exec_conn {
	int		 type;		/* SOCK_STREAM, SOCK_DGRAM */
	struct net_peer	 local;		/* len 0 when unknown */
	struct net_peer	 remote;
	char *const	*cgi;		/* a WebSocket request's variables */
};

/* A running program; reaped by the event loop when it exits. */
struct child {
	pid_t			 pid;
	int			 in;	/* Our end of its stdin, until given. */
	int			 out;	/* Our end of its stdout, until given. */
	int			 exited;
	int			 status; /* wait(2) status once exited. */
	int			 released; /* Nobody waits for it any more. */
	struct ev_timer		 kill;	/* SIGKILL after SIGTERM's grace. */
	int			 pty;	/* --pty: the master, until given. */
	int			 pty_slave; /* Its terminal, until it exits. */
	struct endpoint		*pty_ep; /* The master's endpoint, or NULL. */
	void			(*exited_cb)(struct child *, void *);
	void			*arg;
	TAILQ_ENTRY(child)	 entry;
};

int		 exec_cmd_parse(struct exec_cmd *, const char *, int,
		    char **);
void		 exec_cmd_free(struct exec_cmd *);
int		 exec_cmd_check(const struct exec_cmd *, char **);
void		 exec_conn_socket(struct exec_conn *, int,
		    const struct net_peer *);
struct child	*exec_spawn(const struct exec_cmd *, const struct exec_conn *,
		    char **);
struct endpoint	*exec_endpoint(struct session *, struct child *);
void		 exec_release(struct child *);
void		 exec_terminate(struct child *);
int		 exec_status(const struct child *);

/* pty.c */
struct pty {
	int		 master;
	int		 slave;
	char		 path[64];	/* /dev/pts/N */
};

/* A window-size announcement: IAC SB NAWS w w h h IAC SE. */
#define NAWS_LEN	9
/*
 * What a --pty side says first, before its program's output: that it
 * takes window sizes.  A --raw side sends them only to a peer that began
 * so, never to a plain shell.  A private OSC, which a terminal ignores.
 */
#define PTY_HELLO	"\033]1073;naws\007"
#define PTY_HELLO_LEN	(sizeof(PTY_HELLO) - 1)
struct naws {
	unsigned char	 held[NAWS_LEN]; /* The start of one, cut off. */
	size_t		 nheld;
};
int		 pty_open(struct pty *);
struct endpoint	*pty_endpoint(struct session *, struct child *);
void		 pty_exited(struct child *);
void		 pty_release(struct child *);
int		 pty_hello(struct channel *);
size_t		 pty_xform(struct channel *, unsigned char *, size_t, size_t);
size_t		 naws_decode(struct naws *, unsigned char *, size_t, size_t,
		    int *, int *);
void		 naws_encode(unsigned char *, int, int);

/* device.c */
int		 device_has_speed(unsigned long);
int		 serial_open(const char *, unsigned long, int, char **);
int		 ptylink_open(const char *, int *, char **);
const char	*ptylink_name(void);
struct endpoint	*device_endpoint(struct session *, const char *, int);

/* term.c */
int		 term_start(struct channel *, struct channel *);
int		 term_start_line(struct channel *);
void		 term_stop(struct channel *);
int		 term_escaped(const struct channel *);
size_t		 term_xform(struct channel *, unsigned char *, size_t, size_t);

/* fifo.c */
int		 fifo_open(const char *, char **);
struct endpoint	*fifo_in(struct session *);
/* stdio.c */
void		 stdio_init(void);
void		 stdio_restore(void);
int		 stdio_tty_raw(void);
int		 stdio_tty_makeraw(void);
void		 stdio_tty_pause(int);
void		 stdio_tty_unset(void);
struct endpoint	*stdio_in(struct session *, int);
struct endpoint	*stdio_out(struct session *);
void		 stdio_set_out_ops(const struct ep_ops *);
struct endpoint	*stdio_discard(struct session *);
int		 stdio_in_ended(void);
void		 stdio_set_in_ended(void);
uint64_t	 stdio_in_bytes(void);
int		 stdio_in_size(uint64_t *);

#endif /* SC_IO_H */
