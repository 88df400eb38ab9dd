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

/* The one internal header: every type and prototype shared between files. */

#ifndef SOCKCAT_H
#define SOCKCAT_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "compat.h"

/* Default size of a channel buffer; large enough for any datagram. */
#define CHANNEL_BUFSIZE		(64 * 1024)

/* The largest payload of one UDP datagram over IPv4. */
#define UDP_MAXPAYLOAD		65507

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
	int		 ssl;		/* --ssl, or any --ssl-* option */
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
void		 cleanup_init(void);
void		 cleanup_add(cleanup_fn *);
void		 cleanup_run(int);

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

/* parse.c */
int		 parse_ports(const char *, int, int, char ***, size_t *,
		    char *, size_t);
void		 free_ports(char **, size_t);
int		 parse_time(const char *, long long, long long, long long *,
		    const char **);
int		 parse_tos(const char *, int *);
const char	*parse_tos_name(size_t);

/* net.c */
struct net_peer {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
};
struct addrinfo;
void		 net_hints(const struct options *, int, const char *,
		    struct addrinfo *);
int		 net_bind_source(const struct options *, int, int, char **);
const char	*net_proto_name(const struct options *);
void		 net_host_label(const char *, const struct sockaddr *,
		    socklen_t, char *, size_t);
int		 net_listen(const struct options *, const char *,
		    const char *, char **);
int		 net_listen_all(const struct options *, const char *,
		    char **);
/* A listener out of descriptors tries to accept again after this long. */
#define NET_ACCEPT_BACKOFF_MS	100

struct ev_timer;
int		 net_accept(int, struct net_peer *);
int		 net_accept_or_wait(int, struct net_peer *, struct ev_timer *);
int		 net_set_options(const struct options *, int, int, char **);
void		 net_dgram_rcvbuf(const struct options *, int);
ssize_t		 net_send_fd(int, int);
int		 net_set_nonblock(int, int);
void		 net_format(const struct sockaddr *, socklen_t, int, char *,
		    size_t, char *, size_t);
const char	*net_service(const char *, int);
void		 net_report_connect(const struct options *, const char *,
		    const char *, const struct net_peer *);
void		 net_report_listen(const struct options *, int);
void		 net_report_accept(const struct options *,
		    const struct net_peer *);

/* resolve.c */
#define RESOLVE_THREADS		8	/* lookups running at once */
#define RESOLVE_QUEUE_MAX	1024	/* lookups waiting for a thread */
#define RESOLVE_STACK		(256 * 1024) /* each thread's stack */

struct addrinfo;
struct resolve;
typedef void resolve_cb(int, struct addrinfo *, void *);
struct resolve	*resolve_start(const char *, const char *,
		    const struct addrinfo *, resolve_cb *, void *);
void		 resolve_cancel(struct resolve *);

/* gate.c */
struct session;
void		 gate_init(struct gate *);
int		 gate_active(const struct gate *);
void		 gate_clear(struct gate *);
int		 gate_add(struct gate *, int, const char *, char **);
int		 gate_add_file(struct gate *, int, const char *, char **);
int		 gate_permits(const struct gate *, const struct sockaddr *);
enum {
	GATE_ADMIT,		/* counted until gate_release() */
	GATE_DENY,		/* --allow, --deny refuse it */
	GATE_FULL,		/* --max-conns reached */
};
int		 gate_decide(const struct gate *, struct runtime *,
		    const struct net_peer *);
void		 gate_release(struct runtime *);
void		 gate_session(const struct gate *, struct session *);
void		 gate_raise_nofile(const struct gate *);

/* socks.c */
#define SOCKS_V4		4
#define SOCKS_V5		5
#define SOCKS_CMD_CONNECT	1	/* the one command of both versions */
#define SOCKS_NAME_MAX		255	/* a host, user or password */

#define SOCKS4_HEADER_LEN	8	/* version to address, then strings */
#define SOCKS4_REPLY_LEN	8
#define SOCKS4_GRANTED		90	/* SOCKS4 reply codes */
#define SOCKS4_REJECTED		91
#define SOCKS4_NO_IDENTD	92
#define SOCKS4_BAD_USER		93

#define SOCKS5_AUTH_NONE	0x00	/* RFC 1928 methods */
#define SOCKS5_AUTH_USERPASS	0x02
#define SOCKS5_AUTH_NOMETHOD	0xff
#define SOCKS5_USERPASS_V1	1	/* RFC 1929's version */
#define SOCKS5_ATYP_IPV4	0x01
#define SOCKS5_ATYP_DOMAIN	0x03
#define SOCKS5_ATYP_IPV6	0x04
#define SOCKS5_REQUEST_MAX	(4 + 1 + SOCKS_NAME_MAX + 2)
#define SOCKS5_REPLY_MAX	(4 + 16 + 2)

/* RFC 1928's reply codes. */
enum socks5_rep {
	SOCKS5_REP_OK,
	SOCKS5_REP_FAILURE,
	SOCKS5_REP_RULESET,
	SOCKS5_REP_NETUNREACH,
	SOCKS5_REP_HOSTUNREACH,
	SOCKS5_REP_REFUSED,
	SOCKS5_REP_TTL,
	SOCKS5_REP_COMMAND,
	SOCKS5_REP_ATYP,
};

/* A client's RFC 1929 credentials, pointing into its message. */
struct socks_userpass {
	const unsigned char	*user;
	size_t			 ulen;
	const unsigned char	*pass;
	size_t			 plen;
};

/* A client's CONNECT request, as the server parsed it. */
struct socks_request {
	char		 host[SOCKS_NAME_MAX + 1]; /* an address or a name */
	uint16_t	 port;
	int		 rep;		/* the refusal's code; -1: none */
};

const char	*socks4_strerror(int);
const char	*socks5_strerror(int);
ssize_t		 socks4_encode_connect(unsigned char *, size_t,
		    const unsigned char *, const char *, uint16_t,
		    const char *, const char **);
ssize_t		 socks4_parse_reply(const unsigned char *, size_t, int *);
ssize_t		 socks5_encode_methods(unsigned char *, size_t, int);
ssize_t		 socks5_parse_method(const unsigned char *, size_t, int *,
		    const char **);
ssize_t		 socks5_encode_userpass(unsigned char *, size_t,
		    const char *, const char *, const char **);
ssize_t		 socks5_parse_userpass_reply(const unsigned char *, size_t,
		    int *);
ssize_t		 socks5_encode_connect(unsigned char *, size_t,
		    const char *, uint16_t, const char **);
ssize_t		 socks5_parse_reply(const unsigned char *, size_t, int *,
		    const char **);
ssize_t		 socks5_encode_reply(unsigned char *, size_t, int,
		    const struct sockaddr_storage *);
ssize_t		 socks5_parse_methods(const unsigned char *, size_t, int,
		    int *, const char **);
ssize_t		 socks5_parse_userpass(const unsigned char *, size_t,
		    struct socks_userpass *, const char **);
ssize_t		 socks5_parse_request(const unsigned char *, size_t,
		    struct socks_request *, const char **);

/* http.c */
#define HTTP_LINE_MAX		1024	/* a line the proxy client sends or
					   reads */
#define HTTP_REPLY_HDRS_MAX	64	/* header lines of a proxy's reply */
#define HTTP_CRED_MAX		255	/* a user or a password */
#define HTTP_BASIC_MAX		(4 * ((2 * HTTP_CRED_MAX + 1 + 2) / 3) + 1)
#define HTTP_HOST_MAX		1024	/* a CONNECT target's host */
#define HTTP_TARGET_MAX		4096	/* a request target: longer is 414 */
#define HTTP_PARAM_MAX		255	/* a challenge's realm, nonce, opaque */

/* Status codes the proxy server and client use. */
enum http_status {
	HTTP_OK = 200,
	HTTP_BAD_REQUEST = 400,
	HTTP_FORBIDDEN = 403,
	HTTP_BAD_METHOD = 405,
	HTTP_AUTH_REQUIRED = 407,
	HTTP_TIMEOUT = 408,
	HTTP_URI_TOO_LONG = 414,
	HTTP_TOO_LARGE = 431,
	HTTP_BAD_GATEWAY = 502,
	HTTP_UNAVAILABLE = 503,
	HTTP_GATEWAY_TIMEOUT = 504,
};

/* A request's parts, pointing into its header block. */
struct http_request {
	char		*method;
	char		*target;	/* "host:port", or an absolute URI */
	char		*version;	/* "HTTP/1.x" */
	char		*headers;	/* the header lines */
	int		 forward;	/* GET, HEAD, POST to be forwarded: */
	char		*host;		/*   the URI's host (in hostbuf), */
	uint16_t	 port;		/*   port */
	const char	*path;		/*   and path in origin form */
	long long	 clen;		/*   Content-Length, -1: none */
	int		 chunked;	/*   Transfer-Encoding: chunked */
	char		 hostbuf[HTTP_HOST_MAX + 1];
};

/* Parameters of a Digest challenge or answer (RFC 7616). */
struct http_digest {
	int		 alg;		/* DIGEST_*, -1: not one we know */
	char		*realm;
	char		*nonce;
	char		*opaque;
	char		*qop;
	char		*username;
	char		*uri;
	char		*response;
	char		*cnonce;
	char		*nc;
};

/* The schemes the proxy client answers, the weakest first. */
enum http_auth {
	HTTP_AUTH_NONE,
	HTTP_AUTH_BASIC,
	HTTP_AUTH_DIGEST_MD5,
	HTTP_AUTH_DIGEST_SHA256,
};

/* The strongest challenge of a 407's Proxy-Authenticate lines. */
struct http_challenge {
	int		 scheme;	/* HTTP_AUTH_* */
	int		 offered;	/* a Proxy-Authenticate line came */
	char		 other[32];	/* a scheme offered but not answered */
	char		 realm[HTTP_PARAM_MAX + 1];
	char		 nonce[HTTP_PARAM_MAX + 1];
	char		 opaque[HTTP_PARAM_MAX + 1];
	int		 has_opaque;
	int		 qop;		/* Digest: qop=auth, else RFC 2069 */
	const char	*bad;		/* a malformed challenge: why */
};

/* What the header lines of a proxy's reply say. */
struct http_reply {
	int		 minor;		/* HTTP/1.minor */
	long long	 clen;		/* Content-Length, or -1 */
	int		 bad;		/* its body's end cannot be known */
	int		 close;		/* "Connection: close" */
	int		 keepalive;	/* "Connection: keep-alive" */
	struct http_challenge ch;
};

void		 http_base64(const unsigned char *, size_t, char *);
int		 http_basic(const char *, const char *, char *);
ssize_t		 http_encode_connect(char *, size_t, const char *,
		    const char *, const char *, const char **);
int		 http_reply_status(const char *);
size_t		 http_head_len(const unsigned char *, size_t);
char		*http_header(char *, const char *);
int		 http_parse_request(char *, size_t, struct http_request *,
		    const char **);
int		 http_parse_target(char *, char **, uint16_t *,
		    const char **);
ssize_t		 http_encode_reply(char *, size_t, const char *,
		    const char *);
ssize_t		 http_encode_forward(char *, size_t,
		    const struct http_request *);
int		 http_digest_parse(char *, struct http_digest *);
int		 http_digest_qop_auth(const char *);
int		 http_digest_response(const struct http_digest *,
		    const char *, const char *, const char *, const char *,
		    char *);
void		 http_challenge_add(struct http_challenge *, const char *);
ssize_t		 http_encode_auth(char *, size_t,
		    const struct http_challenge *, const char *, const char *,
		    const char *, const char *);
void		 http_reply_init(struct http_reply *, const char *);
void		 http_reply_header(struct http_reply *, const char *);
int		 http_reply_reusable(const struct http_reply *);

/* digest.c */
enum {
	DIGEST_MD5,
	DIGEST_SHA256,
};
#define DIGEST_HEX_MAX		65	/* SHA-256 in hex, and its NUL */
void		 digest_md5(const void *, size_t, unsigned char *);
void		 digest_sha256(const void *, size_t, unsigned char *);
void		 digest_hex(int, const char *, char *);

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
	char		 pass[256];
	int		 fixed;		/* pass came from --proxy-auth */
	int		 tries;		/* passwords asked for so far */
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
int		 proxy_parse_dns(const char *);
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
typedef void dial_cb(int, const struct net_peer *, int, const char *,
    void *);
struct dial	*dial_start(const struct options *, const char *,
		    const char *, long long, dial_cb *, void *);
void		 dial_cancel(struct dial *);
int		 dial_sync(const struct options *, const char *,
		    const char *, struct net_peer *, char **);

/* proxyd.c */
int		 proxyd_listen(const struct options *);

/* proxyproto.c */
#define PROXYPROTO_V1		1	/* the text line */
#define PROXYPROTO_V2		2	/* the binary block */
#define PP1_MAX			107	/* the longest v1 line, CR LF too */
#define PP2_SIG_LEN		12
#define PP2_HEADER_LEN		16	/* signature, command, family, length */
#define PROXYPROTO_MAX		(PP2_HEADER_LEN + 216) /* any header */

/* A header as parsed: family AF_UNSPEC for UNKNOWN or LOCAL. */
struct proxyproto_hdr {
	int			 version;
	int			 family;
	struct sockaddr_storage	 src;
	struct sockaddr_storage	 dst;
};
ssize_t		 proxyproto_encode(unsigned char *, size_t, int,
		    const struct sockaddr *, const struct sockaddr *,
		    const char **);
ssize_t		 proxyproto_parse(const unsigned char *, size_t,
		    struct proxyproto_hdr *, const char **);
int		 proxyproto_version(const char *);

/* forward.c */
int		 forward_listen(const struct options *);
int		 forward_parse_target(const char *, char **, char **, int *,
		    const char **);

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

/* pump.c */

/*
 * How an endpoint's write side is ended once a channel has delivered
 * everything: declared as data so that the pump, not each mode, does it.
 */
enum ep_shut {
	EP_SHUT_SOCKET,		/* shutdown(fd, SHUT_WR): the peer sees EOF */
	EP_SHUT_CLOSE,		/* close(fd): pipes, stdout, child stdin */
	EP_SHUT_NONE,		/* nothing can be said (datagrams) */
};

#define EP_DGRAM	0x1	/* Reads and writes are whole messages; an
				   empty read is an empty one, not EOF. */
#define EP_NOCLOSE	0x2	/* Never close the fds (stdio). */
#define EP_NET		0x4	/* A network peer: counted by pump_totals(). */

struct endpoint;
struct mmsghdr;

/*
 * Operations an endpoint kind may override; NULL means read(2)/write(2)
 * and nothing more.  A read or write that fails with EAGAIN may set the
 * endpoint's rwant or wwant to the events it needs to make progress (TLS:
 * a read may need the socket writable).
 */
struct ep_ops {
	ssize_t	(*read)(struct endpoint *, void *, size_t);
	ssize_t	(*write)(struct endpoint *, const void *, size_t);
	/*
	 * Receive up to vlen datagrams at once, as recvmmsg(2) without
	 * waiting; the headers are set up, senders' names included.  Returns
	 * how many were kept, first in msgs (batch_filter()), or -1 with
	 * errno.  A datagram endpoint with a read operation but none of
	 * these is read one datagram at a time.
	 */
	int	(*recvmmsg)(struct endpoint *, struct mmsghdr *, u_int);
	/* Bytes already read from the kernel that no poll will announce. */
	int	(*pending)(struct endpoint *);
	/* Say goodbye before the declared shutdown (TLS close_notify). */
	void	(*shutdown)(struct endpoint *);
	/* Release data; called before the descriptors are closed. */
	void	(*free)(struct endpoint *);
};

struct session;
struct channel;
struct outq;
struct feeder;

struct endpoint {
	const char		*name;	/* For messages: "stdin", "network". */
	int			 rfd;	/* Read side, -1 if none. */
	int			 wfd;	/* Write side, -1 if none; may be rfd. */
	enum ep_shut		 shut;
	int			 flags;	/* EP_* */
	const struct ep_ops	*ops;
	void			*data;

	struct session		*session;
	struct channel		*reader; /* The channel that reads from us. */
	struct channel		*writer; /* The channel that writes to us. */
	struct outq		*outq;	/* Or a fan-out queue writes to us. */
	struct feeder		*feeder; /* Our writer feeds a fan-out. */
	/* Small, as every connection has two endpoints or more. */
	short			 rwant;	/* Events a read waits for; 0: EV_READ */
	short			 wwant;	/* Events a write waits for; 0: EV_WRITE */
	short			 revents; /* Events registered for rfd. */
	short			 wevents; /* Events registered for wfd. */
	TAILQ_ENTRY(endpoint)	 entry;
};

enum ch_state {
	CH_OPEN,		/* Reading from src, writing to dst. */
	CH_DRAINING,		/* src ended; writing what is left. */
	CH_DONE,		/* Everything delivered and dst told. */
	CH_FAILED,		/* An error lost data; see error (0 when
				   the connection broke the other way). */
};

#define CH_SHUTDOWN	0x1	/* End dst's write side when done. */
#define CH_COPY		0x2	/* Never splice: copy through user space. */

/* Size asked for the kernel pipe that buffers a spliced channel. */
#define CHANNEL_PIPESIZE	(1024 * 1024)

/*
 * Empty splice pipes the pump keeps for the next channel that reads:
 * beyond these, a drained pipe is closed.
 */
#define PUMP_PIPE_POOL		16

/* Rounds a spliced channel moves in a row while its source has more. */
#define CHANNEL_SPLICE_ROUNDS	8

/* Most bytes one sendfile(2) call is asked to move. */
#define CHANNEL_SENDFILE_MAX	(4 * 1024 * 1024)
#define CH_HOLD		0x4	/* Do not read src for now. */
#define CH_NOBATCH	0x8	/* Read datagrams one at a time. */
#define CH_RESET	0x10	/* A broken src resets dst (SO_LINGER 0)
				   rather than shutting it down. */

/* Batches a channel receives in a row while its socket fills them. */
#define CHANNEL_BATCH_ROUNDS	8

/* How many observers a channel can have (-o, --hex-dump, -t). */
#define CH_TAPS_MAX	4

/*
 * An observer of a channel, called with each chunk once it has been
 * delivered to the destination, in order.  It must not free the session.
 */
typedef void ch_tap_cb(struct channel *, const unsigned char *, size_t,
    void *);

struct ch_tap {
	ch_tap_cb		*cb;
	void			*arg;
};

/*
 * Pacing: after delivering a line (-i) or any chunk (--delay) a channel
 * writes nothing until its timer fires.  -W: the source is treated as
 * ended after read_limit reads.  Made only for a channel that has any of
 * these, as most never do.
 */
struct ch_pace {
	long long		 line_gap_ms;	/* 0: none */
	long long		 write_gap_ms;	/* 0: none */
	uint64_t		 read_limit;	/* 0: none */
	uint64_t		 reads;		/* Reads that returned data. */
	struct ev_timer		 timer;
};

struct channel {
	const char		*name;	/* For messages. */
	struct endpoint		*src;
	struct endpoint		*dst;
	struct buf		 buf;
	int			 flags;	/* CH_* */
	enum ch_state		 state;
	int			 error;	/* errno when CH_FAILED. */
	u_int			 ntaps;	/* Observers in taps, below. */
	const char		*error_op; /* "read" or "write" */
	uint64_t		 bytes;	/* Delivered to dst. */
	size_t			 bufsize;

	/*
	 * The fast path: with nothing to rewrite, bytes move from src to dst
	 * through a kernel pipe with splice(2), never through user space.
	 * The pipe is held only while bytes are in it: it is taken from the
	 * pump's pool for a read and given back once drained, so that an
	 * idle channel holds no descriptor.  pipe[0] is -1 when it holds
	 * none; splicing is 0 when the channel copies instead.
	 */
	int			 pipe[2];
	/* Flags as bytes: a channel is two of every connection's cost. */
	char			 splicing;
	char			 sendfile; /* src is a regular file: no
					      pipe, sendfile(2) to dst */
	char			 direct; /* src or dst is a pipe: one
					    splice(2) from src to dst */
	char			 blocked; /* direct: dst is full */
	u_int			 pipesize; /* At most CHANNEL_PIPESIZE. */
	u_int			 xgrow;	/* Most bytes xform makes of one;
					   0 means 2. */
	size_t			 piped;	/* Bytes in the pipe. */
	ssize_t			 pulled; /* Bytes the last splice took in. */

	/* Optional: rewrite what was read (-C); returns the new length. */
	size_t			(*xform)(struct channel *, unsigned char *,
				    size_t, size_t);
	long long		 xstate;	/* xform's own: a state, or
						   bytes left */

	struct ch_tap		*taps;	/* CH_TAPS_MAX, made by the first */

	/*
	 * Datagrams from a datagram socket are received many at a time
	 * (recvmmsg(2)) and delivered together (writev(2), sendmmsg(2));
	 * NULL when the channel reads one datagram at a time.
	 */
	struct batch		*batch;

	/* Pacing and the read limit; NULL without (channel_pace()). */
	struct ch_pace		*pace;

	struct session		*session;
	TAILQ_ENTRY(channel)	 entry;
};

/*
 * A session is one set of endpoints and channels that live and die
 * together: a connection and what it is wired to.  Its mode decides when
 * it is over through the check callback, which runs after every change.
 */
struct session {
	TAILQ_HEAD(, endpoint)	 endpoints;
	TAILQ_HEAD(, channel)	 channels;
	/* Flags, as bytes: every connection has a session. */
	char			 over;	/* set by session_finish() */
	char			 failed; /* a channel lost data */
	char			 timed_out; /* ended by the idle timer */
	char			 running; /* session_start() was called */
	long long		 idle_ms; /* end after this long idle */
	uint64_t		 last_active;
	struct ev_timer		*idle;	/* Made only with an idle time. */
	int			 (*check)(struct session *);
	void			 (*finished)(struct session *);
	void			*arg;
};

struct session	*session_new(int (*)(struct session *),
		    void (*)(struct session *), void *);
void		 session_free(struct session *);
struct endpoint	*session_endpoint(struct session *, const char *, int, int,
		    enum ep_shut, int);
struct channel	*session_channel(struct session *, const char *,
		    struct endpoint *, struct endpoint *, int);
int		 session_start(struct session *);
void		 session_finish(struct session *);
void		 session_check(struct session *);
void		 session_set_idle(struct session *, long long);
int		 session_relay_check(struct session *);
int		 session_report(struct session *);
int		 channel_ended(const struct channel *);
int		 channel_pace(struct channel *, long long, long long,
		    uint64_t);
size_t		 channel_pending(const struct channel *);
int		 channel_spliced(const struct channel *);
void		 channel_stop(struct channel *);
ssize_t		 ep_write(struct endpoint *, const void *, size_t);
void		 ep_update(struct endpoint *);
void		 ep_readable(struct endpoint *);

/* fanout.c */

/*
 * An endpoint's output queue in a fan-out: references to shared chunks.
 * Above high bytes it is full: the fan-out's senders are held until it
 * drains to half of that.  limit is a hard bound only messages the
 * senders cannot be held for (announcements) can reach.  error is
 * ENOBUFS once it overflowed, ETIMEDOUT once it made no progress for the
 * fan-out's stall time, or the errno of a failed write; the member is
 * then ended.
 */
struct chunk;
struct fanout;
struct outq {
	struct chunk		**v;	/* Ring of cap chunks from head. */
	size_t			 cap;
	size_t			 head;
	size_t			 n;
	size_t			 off;	/* Written of the first chunk. */
	size_t			 bytes;	/* Queued, not yet written. */
	size_t			 high;	/* Full above this. */
	size_t			 limit;
	int			 error;
	char			 full;	/* Counted in the fan-out's nfull. */
	char			 leaving; /* Cut off: gets its last words only. */
	char			 doomed; /* To be ended after this round. */
	uint64_t		 progress; /* ev_now() of the last write. */
	struct ev_timer		*stall;	/* Only while it holds bytes. */
	struct endpoint		*ep;
	struct fanout		*fanout;
	TAILQ_ENTRY(outq)	 entry;
	TAILQ_ENTRY(outq)	 doomed_entry;
};

/*
 * A set of endpoints that each get every message sent to the set, and the
 * relay endpoints whose channels feed it (held while a member is full).
 */
struct fanout {
	TAILQ_HEAD(, outq)	 members;
	TAILQ_HEAD(, outq)	 doomed;
	TAILQ_HEAD(, feeder)	 feeders;
	struct ev_timer		 reap;
	struct ev_timer		 resume;
	size_t			 count;
	size_t			 nfull;	/* Members above their high mark. */
	long long		 stall_ms; /* 0: never cut off a member */
	/* A member is cut off for not reading: say so, queue last words. */
	void			(*stalled)(struct endpoint *, void *);
	void			*arg;
};

struct fanout	*fanout_new(long long);
int		 fanout_join(struct fanout *, struct endpoint *, size_t,
		    size_t);
int		 fanout_feed(struct fanout *, struct endpoint *);
void		 fanout_leave(struct endpoint *);
int		 fanout_send(struct fanout *, struct endpoint *, const void *,
		    size_t);
int		 fanout_send_to(struct endpoint *, const void *, size_t);
int		 outq_pending(const struct outq *);
int		 outq_flush(struct endpoint *);

/* tls.c */
struct tls;
struct tls_hs;
/* A handshake is over: the TLS state, or NULL and a message to free. */
typedef void tls_done_cb(struct tls *, char *, void *);
int		 tls_available(void);
int		 tls_setup(const struct options *, char **);
struct tls_hs	*tls_handshake_start(const struct options *, int,
		    const char *, long long, tls_done_cb *, void *, char **);
void		 tls_handshake_cancel(struct tls_hs *);
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
void		 tls_free(struct tls *);

/* What every session moved so far, for --stats and --progress. */
struct pump_totals {
	uint64_t	 sent;		/* Delivered to EP_NET endpoints. */
	uint64_t	 received;	/* Read from EP_NET endpoints, delivered. */
	uint64_t	 dgrams_sent;	/* Datagrams written to EP_NET ones. */
	uint64_t	 dgrams_received; /* Datagrams read from EP_NET ones. */
	uint64_t	 dgrams_dropped; /* The kernel dropped on their sockets
					   (SO_RXQ_OVFL, SO_MEMINFO). */
	int		 dgrams;	/* Datagram endpoints took part. */
	int		 drops_known;	/* The kernel says what it drops. */
	uint64_t	 started;	/* ev_now() at the first session_start(),
					   0 before. */
};
const struct pump_totals *pump_totals(void);
void		 pump_count_drops(void);
void		 channel_hold(struct channel *, int);
void		 channel_resume(struct channel *);
void		 channel_end_source(struct channel *);
int		 channel_tap(struct channel *, ch_tap_cb *, void *);
int		 channel_limit_reached(const struct channel *);
int		 channel_inject(struct channel *, const void *, size_t);

/* batch.c */

/* Most datagrams one recvmmsg(2), writev(2) or sendmmsg(2) moves. */
#define BATCH_MAX	64

/* Datagrams a batch has room for at first; it doubles while they fill. */
#define BATCH_MIN	4

/*
 * Datagrams received at once, each in a slot of its own, delivered in
 * order.  Datagrams first..n-1 are held; off bytes of the first are
 * delivered already.
 */
struct iovec;
struct batch {
	unsigned char		*data;	/* cap slots of slotsize bytes */
	size_t			 slotsize;
	u_int			 cap;
	u_int			 n;
	u_int			 first;
	size_t			 off;
	size_t			 bytes;	/* Held, not yet delivered. */
	int			 full;	/* The last receive filled it. */
	int			 drops_known; /* SO_RXQ_OVFL is on. */
	uint32_t		 drops;	/* The kernel's count, last seen. */
	struct mmsghdr		*msgs;
	struct iovec		*iov;
	struct sockaddr_storage	*names;
	unsigned char		*control;
};
void		 batch_init(struct batch *, size_t);
void		 batch_free(struct batch *);
int		 batch_empty(const struct batch *);
unsigned char	*batch_data(const struct batch *, u_int);
size_t		 batch_len(const struct batch *, u_int);
void		 batch_set_len(struct batch *, u_int, size_t);
void		 batch_count_drops(struct batch *, int);
uint64_t	 batch_drops_now(struct batch *, int);
int		 batch_recv(struct batch *, struct endpoint *, u_int, size_t,
		    uint64_t *);
int		 batch_filter(struct mmsghdr *, int,
		    int (*)(void *, const struct sockaddr_storage *, socklen_t),
		    void *);
void		 batch_consume(struct batch *, size_t,
		    void (*)(void *, const unsigned char *, size_t), void *);
void		 batch_sent(struct batch *, u_int,
		    void (*)(void *, const unsigned char *, size_t), void *);
ssize_t		 batch_writev(struct batch *, int);
int		 batch_sendmmsg(struct batch *, int);

/* crlf.c */
size_t		 crlf_xform(struct channel *, unsigned char *, size_t,
		    size_t);

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
struct naws {
	unsigned char	 held[NAWS_LEN]; /* The start of one, cut off. */
	size_t		 nheld;
};
int		 pty_open(struct pty *);
struct endpoint	*pty_endpoint(struct session *, struct child *);
void		 pty_exited(struct child *);
void		 pty_release(struct child *);
size_t		 pty_xform(struct channel *, unsigned char *, size_t, size_t);
size_t		 naws_decode(struct naws *, unsigned char *, size_t, size_t,
		    int *, int *);
void		 naws_encode(unsigned char *, int, int);

/* term.c */
int		 term_start(struct channel *);
void		 term_stop(struct channel *);
int		 term_escaped(const struct channel *);
size_t		 term_xform(struct channel *, unsigned char *, size_t, size_t);

/* fifo.c */
int		 fifo_open(const char *, char **);
struct endpoint	*fifo_in(struct session *);
/* telnet.c */
struct telnet {
	int		 state;
	unsigned char	 cmd;
	struct dump	*log;	/* Where answers are logged as sent, or NULL. */
};
size_t		 telnet_answer(struct telnet *, const unsigned char *, size_t,
		    unsigned char *, size_t);
void		 telnet_tap(struct channel *, const unsigned char *, size_t,
		    void *);

/* dump.c */
struct dump	*dump_open(const char *, const char *, int, char **);
void		 dump_close(struct dump *);
size_t		 dump_hex_line(char *, size_t, int, uint64_t,
		    const unsigned char *, size_t);
void		 dump_received(struct channel *, const unsigned char *,
		    size_t, void *);
void		 dump_sent(struct channel *, const unsigned char *, size_t,
		    void *);
void		 dump_labelled(struct dump *, const char *, int, uint64_t,
		    const unsigned char *, size_t);

/* stdio.c */
void		 stdio_init(void);
void		 stdio_restore(void);
int		 stdio_tty_raw(void);
int		 stdio_tty_makeraw(void);
struct endpoint	*stdio_in(struct session *, int);
struct endpoint	*stdio_out(struct session *);
void		 stdio_set_out_ops(const struct ep_ops *);
struct endpoint	*stdio_discard(struct session *);
int		 stdio_in_ended(void);
void		 stdio_set_in_ended(void);
uint64_t	 stdio_in_bytes(void);
int		 stdio_in_size(uint64_t *);

/* stats.c */
void		 stats_init(const struct options *);
void		 stats_end(void);

/* listen.c */

/*
 * A stream server's row: what the one listener needs of a mode.  Only
 * start is required.
 */
#define LISTEN_SERIAL	0x1	/* One connection at a time: the listener
				   pauses after each until resumed. */
struct listener;
struct listen_ops {
	int	 flags;		/* LISTEN_* */
	/* An admitted, ready connection (after TLS); owns fd and tls. */
	int	(*start)(void *, int, const struct net_peer *, struct tls *);
	/* Turn an admitted caller away before its handshake (--chat). */
	int	(*busy)(void *, int, const struct net_peer *);
	/* Say the server is full (--max-conns) before fd is closed. */
	void	(*full)(void *, int);
	/* A handshake failed, with this message; NULL: logged. */
	void	(*failed)(void *, const struct net_peer *, const char *);
};
int		 listen_admit(const struct options *, const struct net_peer *);
void		 listen_say_full(const struct options *, int);
struct listener	*listener_new(const struct options *, int,
		    const struct listen_ops *, void *);
void		 listener_pause(struct listener *, int);
void		 listener_close(struct listener *);
int		 listener_open(const struct listener *);
void		 listener_free(struct listener *);

/* plain.c */
int		 plain_connect(const struct options *);
int		 plain_listen(const struct options *);
int		 plain_serve(const struct options *, int);
int		 plain_relay(const struct options *, int);
int		 plain_serve_dgram(const struct options *, int);

/* udp.c */
int		 dgram_serve(const struct options *, int);
int		 dgram_addr_equal(const struct sockaddr_storage *, socklen_t,
		    const struct sockaddr_storage *, socklen_t);
int		 udp_peer_socket(const struct options *, int,
		    const struct net_peer *);
int		 udp_probe(int, long long);

/* unix.c */
struct sockaddr_un;
int		 unix_addr(const char *, struct sockaddr_un *, socklen_t *);
int		 unix_open(const struct options *, char **);
int		 unix_server(const struct options *, char **);

/* broker.c */
int		 broker_listen(const struct options *);

/* chatproto.c */
/* How a peer's line begins on a terminal: erase what is typed, mark. */
#define CHAT_MARK		"\r\033[K< "
/* How it goes on, when the user typed while it was half shown. */
#define CHAT_CONT		"\r\033[K  "
/*
 * The most bytes one byte from the peer becomes on a terminal: a mark and
 * a ^X, and a held-back carriage return shown as ^M.
 */
#define CHAT_GROW		(sizeof(CHAT_MARK) - 1 + 4)

/* How much of a peer's line is on the screen, and whether it said :q. */
struct chat_view {
	int		 qm;		/* the :q matcher of what it says */
	int		 quit;		/* it sent a :q line */
	int		 midline;	/* a line of its is being shown */
	int		 cont;		/* and was cut short on the screen */
	int		 pending_cr;	/* a CR of its is held back */
	int		 redraw;	/* show the typed line again */
};
void		 chatproto_reset(struct chat_view *);
size_t		 chatproto_quit_scan(int *, const unsigned char *, size_t,
		    int *);
size_t		 chatproto_rx(struct chat_view *, const unsigned char *,
		    size_t, unsigned char *);
/* room.c */

/* A longer room line is cut and relayed in pieces of this size. */
#define ROOM_LINE_MAX		4096

/* The longest name a room member may take with /nick. */
#define ROOM_NAME_MAX		20

/* Bytes framed into lines: what is left of a line between two reads. */
struct room_framer {
	unsigned char	*line;		/* ROOM_LINE_MAX bytes */
	size_t		 len;
	int		 cut;		/* A full line was just handed on. */
};

/* What a room line asks for (room_parse()). */
enum room_cmd {
	ROOM_TEXT,		/* An ordinary line, to relay. */
	ROOM_QUIT,		/* ":q": leave. */
	ROOM_WHO,		/* "/who": who is present, to the asker. */
	ROOM_NICK,		/* "/nick NAME": take a name. */
	ROOM_ME,		/* "/me TEXT": an action line. */
	ROOM_HELP,		/* "/help": the commands, to the asker. */
};

typedef int room_line_cb(const unsigned char *, size_t, void *);
int		 room_frame(struct room_framer *, const unsigned char *,
		    size_t, room_line_cb *, void *);
int		 room_flush(struct room_framer *, room_line_cb *, void *);
size_t		 room_escape(const unsigned char *, size_t, unsigned char *);
int		 room_name_valid(const unsigned char *, size_t);
enum room_cmd	 room_parse(const unsigned char *, size_t,
		    const unsigned char **, size_t *);

/* chat.c */
int		 chat_connect(const struct options *);
int		 chat_listen(const struct options *);

/* mode.c */
int		 mode_run(const struct options *);

/* scan.c */
int		 scan_ports(const struct options *);


/* cmdline.c */
/* What the parser keeps besides struct options while it reads argv. */
struct cmdline {
	struct options	*o;
	const char	*proxy;		/* -x, parsed after every option */
	int		 by_long;	/* given by its long name */
	int		 proxy_type;	/* --proxy-type: -l is a proxy */
	int		 auth_nopass;	/* --proxy-auth without a password */
};
void		 cmdline_parse(struct options *, struct runtime *, int,
		    char **);
void		 cmdline_dump(void);
__dead void	 usage(int);

/* opttab.c */
/* How an option fills its field of struct options. */
enum opt_kind {
	OPTK_CUSTOM,		/* its own function, optdef.set */
	OPTK_FLAG,		/* the field is set to value (1 if 0) */
	OPTK_COUNT,		/* the field counts the times given */
	OPTK_TIME,		/* a time of lo to hi seconds, in ms */
	OPTK_NUMBER,		/* a number from lo to hi */
	OPTK_STRING,		/* the argument itself */
};

/* The --help group an option is listed in. */
enum opt_group {
	OPTG_HIDDEN,		/* not listed, not completed */
	OPTG_CONN,		/* Connection */
	OPTG_DATA,		/* Data and end of file */
	OPTG_PROG,		/* Programs, FIFOs, chat and servers */
	OPTG_PROXY,		/* Proxies and TLS */
	OPTG_SOCK,		/* Socket options */
	OPTG_INFO,		/* Information */
};

/* What a shell offers for an option's argument. */
enum opt_comp {
	OPTC_NONE,		/* nothing: the user types it */
	OPTC_WORDS,		/* optdef.words */
	OPTC_TOS,		/* the -T keywords, parse_tos_name() */
	OPTC_FILE,
	OPTC_HOST,
	OPTC_COMMAND,
	OPTC_PORT,
	OPTC_USER,
};

/* A flag another option also turns on. */
enum opt_also {
	OPTA_NONE,
	OPTA_SSL,		/* every --ssl-* option: --ssl */
	OPTA_FWD_SSL,		/* every --forward-ssl-* option */
};

/* One option: a row of the table in opttab.c. */
struct optdef {
	int		 letter;	/* short option, or 0 */
	const char	*name;		/* long option, or NULL */
	const char	*arg;		/* argument's name, NULL: takes none */
	int		 has_arg;	/* optional_argument, else from arg */
	enum opt_group	 group;
	const char	*help;		/* its --help line */
	enum opt_kind	 kind;
	size_t		 field;		/* offsetof(struct options, ...) */
	size_t		 size;		/* the field's size: int, long long */
	long long	 value;		/* OPTK_FLAG's value; a custom's own */
	long long	 lo, hi;	/* OPTK_TIME, OPTK_NUMBER bounds */
	const char	*what;		/* its name in netcat's messages */
	enum opt_also	 also;
	void		(*set)(struct cmdline *, const struct optdef *,
			    char *);
	enum opt_comp	 comp;
	const char	*words;		/* OPTC_WORDS, space-separated */
	int		 repeat;	/* each time given adds one more */
	int		 exits;		/* prints something and exits */
};
const struct optdef *opt_table(size_t *);
void		 opt_apply(struct cmdline *, const struct optdef *, char *);

#endif /* SOCKCAT_H */
