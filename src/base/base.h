/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The base layer: the event loop, buffers, logging, clean-up at exit, parsing of
 * numbers and times, what every layer needs of a socket address, and the
 * configuration the command line makes (struct options).
 *
 * The bottom layer: it includes no header of ours but compat.h.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */

#ifndef SC_LAYER
#define SC_LAYER	1
#endif
#if SC_LAYER < 1
#error "a lower layer includes base/base.h: pass a hook down instead"
#endif

#ifndef SC_BASE_H
#define SC_BASE_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compat.h"

/* Default size of a channel buffer; large enough for any datagram. */
#define CHANNEL_BUFSIZE		(64 * 1024)

/* The largest payload of one UDP datagram over IPv4. */
#define UDP_MAXPAYLOAD		65507

/* The largest datagram over DTLS: a record's plaintext. */
#define DTLS_MAXPAYLOAD		16384

/*
 * Receive buffer a UDP listener asks for when -I does not say: room for a
 * burst while the datagrams already read are written out.  The kernel
 * caps it at net.core.rmem_max.
 */
#define UDP_RCVBUF		(4 * 1024 * 1024)

/* Port used by --chat when none is given. */
#define CHAT_DEFAULT_PORT	"5000"

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

/* No time limit: the value every time option starts from. */
#define TIME_NONE		(-1LL)

/*
 * Who may connect to a server and how many at once (gate.c): the controls
 * every listener serving many clients shares.
 */
struct gate_rule;
struct gate {
	TAILQ_HEAD(, gate_rule)	 rules;	/* --allow, --deny, in order */
	int			 nallow; /* allow rules among them */
	int			 max_conns; /* --max-conns, 0: no limit */
	long long		 idle_ms; /* --idle-timeout: per client with
					     -l; without, the connection's */
};
struct dump;

/*
 * What changes while the program runs, beside the command line: made by
 * main(), reached from the options.
 */
struct runtime {
	int		 conns;		/* clients admitted by the gate now */
	struct dump	*dump;		/* the open logs (-o, --hex-dump) */
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
	int		 retries;	/* --retry: tries after the first,
					   RETRY_FOREVER */
	long long	 retry_ms;	/* --retry-interval */
	int		 pty;		/* --pty: programs on a terminal */
	int		 raw;		/* --raw: the local terminal raw */
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
};

/* Proxy protocols, for -X and --proxy-type. */
enum proxy_proto {
	PROXY_NONE,
	PROXY_SOCKS4,		/* -X 4: the destination resolved here */
	PROXY_SOCKS4A,		/* -X 4a: the proxy resolves names */
	PROXY_SOCKS5,		/* -X 5, the default (RFC 1928, 1929) */
	PROXY_HTTP,		/* -X connect: HTTP CONNECT */
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

/* cleanup.c */
typedef void cleanup_fn(int);
void		 cleanup_add(cleanup_fn *);
void		 cleanup_spawning(void);
void		 cleanup_run(int);
int		 sig_action(int, const struct sigaction *, struct sigaction *);
void		 sig_set_by_sockcat(sigset_t *);

/* log.c */
void		 log_init(int);
void		 log_set_clear(void (*)(void));
int		 log_verbosity(void);
void		 log_info(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_verbose(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_cause(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
__dead void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
__dead void	 fatalx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
__dead void	 async_abort(const char *, const char *, void *);
void		 write_quiet(int, const void *, size_t);

/*
 * The rule of every asynchronous start function (tls_handshake_start(),
 * dial_start(), resolve_start(), ...): its callback is never called
 * before it returns, only later, from the loop.  The caller stores the
 * handle it gets back and goes on using its own object; a callback run
 * earlier would find the handle unset, or free what the caller still
 * uses.  Debug builds check it: a start function marks its object with
 * ASYNC_START() while it runs and ASYNC_STARTED() before it returns;
 * ASYNC_CALLBACK(), just before the callback is called, aborts naming
 * both if the mark is still there.  The mark is a field of the object
 * ("const char *starting"), so a start function may call another's.
 */
#ifdef SC_DEBUG
#define ASYNC_START(x, name)	((x)->starting = (name))
#define ASYNC_STARTED(x)	((x)->starting = NULL)
#define ASYNC_CALLBACK(x, where, cb) do {				\
	if ((x)->starting != NULL)					\
		async_abort((x)->starting, (where), (void *)(cb));	\
} while (0)
#else
#define ASYNC_START(x, name)	((void)(x))
#define ASYNC_STARTED(x)	((void)(x))
#define ASYNC_CALLBACK(x, where, cb) ((void)(x))
#endif

/*
 * DEBUG_CHECK(cond, msg): a rule of ownership or order that doc/design.md
 * states, checked in debug builds: abort with msg when cond is false.
 */
#ifdef SC_DEBUG
#define DEBUG_CHECK(cond, msg) do {					\
	if (!(cond)) {							\
		log_warnx("%s", (msg));					\
		abort();						\
	}								\
} while (0)
#else
#define DEBUG_CHECK(cond, msg) ((void)0)
#endif

/*
 * What every sockcat runs between its start and its first wait for an
 * event (doc/design.md, "The idle footprint"): linked together at the
 * start of the text, so that an idle process maps a few pages of its code
 * rather than every 64 KiB window its start-up calls happen to touch.
 * The linker's default script groups every .text.startup section, as it
 * does for main().  tests/t-footprint.sh checks that nothing else runs.
 */
#define __startup	__attribute__((__section__(".text.startup")))

/* sock.c */
/* A peer's address, as accept(2) and recvfrom(2) give it. */
struct net_peer {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
};
int		 net_set_nonblock(int, int);
void		 net_format(const struct sockaddr *, socklen_t, int, char *,
		    size_t, char *, size_t);

/* linger.c */
void		 sock_linger(int);

/* parse.c */
int		 parse_ports(const char *, int, int, char ***, size_t *,
		    char *, size_t);
void		 free_ports(char **, size_t);
int		 parse_time(const char *, long long, long long, long long *,
		    const char **);
int		 parse_tos(const char *, int *);
const char	*parse_tos_name(size_t);

/* event.c */
#define EV_READ		0x1
#define EV_WRITE	0x2

typedef void ev_fd_cb(int, int, void *);
typedef void ev_timer_cb(void *);
typedef void ev_signal_cb(int, void *);

#define EV_TIMER_WEAK	0x1	/* Does not by itself keep ev_loop() going. */

struct ev_timer {
	uint64_t		 when;	/* Monotonic ms; 0 when disarmed. */
	int			 flags;	/* EV_TIMER_* */
	ev_timer_cb		*cb;
	void			*arg;
	TAILQ_ENTRY(ev_timer)	 entry;
};

const char	*ev_backend(void);
uint64_t	 ev_now(void);
int		 ev_set(int, int, ev_fd_cb *, void *);
void		 ev_del(int);
void		 ev_timer_init(struct ev_timer *, ev_timer_cb *, void *);
void		 ev_timer_arm(struct ev_timer *, long long);
void		 ev_timer_disarm(struct ev_timer *);
int		 ev_timer_armed(const struct ev_timer *);
int		 ev_signal(int, ev_signal_cb *, void *);
int		 ev_loop(void);
void		 ev_break(void);

/* buf.c */
struct buf {
	unsigned char	*data;
	size_t		 size;	/* Allocated size. */
	size_t		 off;	/* Start of unsent data. */
	size_t		 len;	/* Bytes of unsent data. */
};
void		*pool_get(size_t);
void		 pool_put(void *, size_t);
void		 pool_counts(size_t *, size_t *);
int		 buf_init(struct buf *, size_t);
void		 buf_free(struct buf *);
int		 buf_release(struct buf *);
size_t		 buf_space(struct buf *);
unsigned char	*buf_tail(struct buf *);
void		 buf_commit(struct buf *, size_t);
void		 buf_consume(struct buf *, size_t);

#endif /* SC_BASE_H */
