/*
 * The codec layer: protocols as pure functions over bytes (SOCKS, HTTP and its
 * digests, the PROXY protocol, chat and room framing): nothing here reads,
 * writes, resolves or touches the loop, so the fuzz targets link these
 * objects alone, with the base's pure text functions (text.c).
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	2
#endif
#if SC_LAYER < 2
#error "a lower layer includes codec/codec.h: pass a hook down instead"
#endif

#ifndef SC_CODEC_H
#define SC_CODEC_H

#include "base/base.h"

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

/* httphead.c */
#define HTTP_HEAD_MAX		8192	/* a request's head, as a server
					   reads it */
#define HTTP_TARGET_MAX		4096	/* a request target: longer is 414 */

/* Status codes the servers and clients use. */
enum http_status {
	HTTP_SWITCHING = 101,
	HTTP_OK = 200,
	HTTP_NO_CONTENT = 204,
	HTTP_BAD_REQUEST = 400,
	HTTP_UNAUTHORIZED = 401,
	HTTP_FORBIDDEN = 403,
	HTTP_NOT_FOUND = 404,
	HTTP_BAD_METHOD = 405,
	HTTP_AUTH_REQUIRED = 407,
	HTTP_TIMEOUT = 408,
	HTTP_URI_TOO_LONG = 414,
	HTTP_UPGRADE_REQUIRED = 426,
	HTTP_TOO_MANY = 429,
	HTTP_TOO_LARGE = 431,
	HTTP_BAD_GATEWAY = 502,
	HTTP_UNAVAILABLE = 503,
	HTTP_GATEWAY_TIMEOUT = 504,
};

/* A request line, parsed (copies). */
struct http_line {
	char		 method[32];
	char		 target[HTTP_TARGET_MAX + 1];
	int		 minor;		/* HTTP/1.minor */
};

/* A header line: its name and value, pointing into the head. */
struct http_field {
	const char	*name;
	size_t		 nlen;		/* 0: the line is no "Name: value" */
	const char	*value;		/* without the blanks around it */
	size_t		 vlen;
};

/* An answer, as http_encode_answer() writes it. */
struct http_answer {
	int		 status;
	const char	*reason;	/* NULL: http_reason()'s */
	const char	*fields;	/* header lines, each ending in CR LF */
	const char	*type;		/* its body's Content-Type, or NULL */
	const char	*body;		/* a body of text, or NULL */
	long long	 length;	/* without one, the Content-Length
					   of what follows; -1: none */
	int		 flags;
};
#define HTTP_CLOSE	0x1		/* "Connection: close" */
#define HTTP_HEAD_ONLY	0x2		/* to HEAD: the body is not sent */

ssize_t		 http_head_end(const unsigned char *, size_t, size_t, int *,
		    const char **);
int		 http_head_check(const char *, size_t, const char **);
const char	*http_fields(const char *);
int		 http_request_line(const char *, struct http_line *,
		    const char **);
int		 http_status_line(const char *, int *);
int		 http_field_next(const char **, struct http_field *);
int		 http_field_is(const struct http_field *, const char *);
int		 http_field_get(const char *, const char *, char *, size_t);
const char	*http_list_next(const char **, const char *, size_t *);
int		 http_list_has(const char *, const char *);
int		 http_field_lists(const char *, const char *, const char *);
const char	*http_reason(int);
ssize_t		 http_put_fields(char *, size_t, size_t,
		    const char *const [][2], size_t);
ssize_t		 http_put_lines(char *, size_t, size_t, char *const *,
		    size_t, const char **);
ssize_t		 http_encode_answer(char *, size_t,
		    const struct http_answer *);
ssize_t		 http_encode_refusal(char *, size_t, int, const char *,
		    const char *, int);

/* http.c */
#define HTTP_LINE_MAX		1024	/* a line the proxy client sends or
					   reads */
#define HTTP_REPLY_HDRS_MAX	64	/* header lines of a proxy's reply */
#define HTTP_CRED_MAX		255	/* a user or a password */
#define HTTP_BASIC_MAX		(4 * ((2 * HTTP_CRED_MAX + 1 + 2) / 3) + 1)
#define HTTP_HOST_MAX		1024	/* a CONNECT target's host */
#define HTTP_PARAM_MAX		255	/* a challenge's realm, nonce, opaque */

#define HTTP_CHUNK_MAX		((uint64_t)1 << 48) /* one chunk's size */
#define HTTP_TRAILER_MAX	8192	/* a chunked body's trailer section */

/* A request to the proxy server, parsed. */
struct http_request {
	struct http_line line;		/* its target: "host:port", or an
					   absolute URI */
	const char	*headers;	/* its header lines, in the head */
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
	char		*stale;		/* a challenge's "true": the nonce
					   was old, not the password wrong */
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
	int		 stale;		/* Digest: stale=true (RFC 7616, 3.3) */
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

/* Where the reading of a chunked body stands (RFC 9112, section 7.1). */
enum http_chunk_state {
	HC_SIZE,		/* the chunk size's first digit */
	HC_SIZE_MORE,		/* its next digits */
	HC_SIZE_WS,		/* blanks after it */
	HC_EXT,			/* a chunk extension */
	HC_DATA,		/* chunk data */
	HC_DATA_END,		/* the line end after it */
	HC_TRAILER,		/* the start of a trailer line */
	HC_TRAILER_LINE,	/* within a trailer line */
	HC_DONE,		/* the body has ended */
	HC_BAD,			/* the coding is broken: why says how */
};

/* A chunked body read in pieces, as http_chunked_scan() goes. */
struct http_chunked {
	enum http_chunk_state state;
	uint64_t	 left;		/* the size read, then data to come */
	size_t		 line;		/* bytes of the size line so far */
	size_t		 trailer;	/* bytes of the trailer section */
	int		 cr;		/* a CR came: its LF must follow */
	const char	*why;		/* HC_BAD: what was wrong */
};

ssize_t		 http_encode_connect(char *, size_t, const char *,
		    const char *, const char *, const char *, const char **);
int		 http_parse_request(const char *, size_t,
		    struct http_request *, const char **);
int		 http_parse_target(char *, char **, uint16_t *,
		    const char **);
ssize_t		 http_encode_forward(char *, size_t,
		    const struct http_request *);
void		 http_reply_init(struct http_reply *, int);
void		 http_reply_header(struct http_reply *, const char *);
int		 http_reply_reusable(const struct http_reply *);
void		 http_chunked_init(struct http_chunked *);
size_t		 http_chunked_scan(struct http_chunked *,
		    const unsigned char *, size_t);

/* httpauth.c */
void		 http_base64(const unsigned char *, size_t, char *);
ssize_t		 http_unbase64(const char *, unsigned char *, size_t);
int		 http_digest_parse(char *, struct http_digest *);
int		 http_digest_response(const struct http_digest *,
		    const char *, const char *, const char *, const char *,
		    char *);
void		 http_challenge_add(struct http_challenge *, const char *);
ssize_t		 http_encode_auth(char *, size_t,
		    const struct http_challenge *, const char *, const char *,
		    const char *, const char *);

/* ws.c */
#define WS_KEY_LEN		24	/* base64 of 16 random bytes */
#define WS_ACCEPT_LEN		28	/* base64 of a SHA-1 digest */
#define WS_HDR_MAX		14	/* the longest frame header */
#define WS_CTRL_MAX		125	/* the longest control payload */
#define WS_MAX_MESSAGE		(16 * 1024 * 1024) /* --ws-max-message */

/* Frame opcodes (RFC 6455, 5.2). */
enum ws_op {
	WS_OP_CONT = 0x0,
	WS_OP_TEXT = 0x1,
	WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING = 0x9,
	WS_OP_PONG = 0xa,
};

/* Close codes (RFC 6455, 7.4.1). */
enum ws_close {
	WS_CLOSE_NORMAL = 1000,
	WS_CLOSE_GOING_AWAY = 1001,
	WS_CLOSE_PROTOCOL = 1002,
	WS_CLOSE_NO_STATUS = 1005,	/* never sent: an empty close */
	WS_CLOSE_BAD_DATA = 1007,
	WS_CLOSE_TOO_BIG = 1009,
	WS_CLOSE_INTERNAL = 1011,	/* the server cannot serve it */
};

/* A frame header as parsed. */
struct ws_frame {
	int		 fin;
	int		 opcode;	/* WS_OP_* */
	int		 masked;
	int		 rsv1;		/* compressed (RFC 7692) */
	unsigned char	 mask[4];
	uint64_t	 len;
};

/* ws_frame_parse()'s flags: our side, and whether RSV1 may be set. */
#define WS_PARSE_SERVER		0x1
#define WS_PARSE_RSV1		0x2

/* permessage-deflate (RFC 7692) as negotiated. */
struct ws_pmd {
	int		 server_no_takeover; /* the server resets each message */
	int		 client_no_takeover; /* the client does */
	int		 server_bits;	/* the server's window, 0: 15 */
	int		 client_bits;	/* the client's window, 0: 15 */
};
#define WS_PMD_OFFER	"permessage-deflate; client_max_window_bits"
/* And, for a client of many connections, each message afresh. */
#define WS_PMD_OFFER_FRESH "permessage-deflate; client_max_window_bits; " \
			"client_no_context_takeover; server_no_context_takeover"
/*
 * The subprotocol of a side that moves bytes, not lines (websockify's
 * name for it): agreed, each message is its bytes, both ways.
 */
#define WS_PROTO_BINARY	"binary"
#define WS_EXT_MAX	512	/* a Sec-WebSocket-Extensions value */

/* An upgrade request: what a client sends, what a server parsed. */
struct ws_req {
	const char	*host;		/* the Host: line */
	const char	*path;
	const char	*key;		/* Sec-WebSocket-Key */
	const char	*origin;	/* NULL: none */
	const char	*protocols;	/* offered, comma-separated; NULL */
	const char	*extensions;	/* offered; NULL: none */
	char *const	*headers;	/* extra "Name: value" lines */
	size_t		 nheaders;
	char		 keybuf[64];	/* parsed copies */
	char		 protobuf[512];
	char		 originbuf[512];
};

ssize_t		 ws_frame_parse(const unsigned char *, size_t, int,
		    struct ws_frame *, int *, const char **);
size_t		 ws_frame_encode(unsigned char *, int, int, uint64_t,
		    const unsigned char *);
void		 ws_mask(unsigned char *, size_t, const unsigned char *,
		    uint64_t);
int		 ws_utf8(int *, const unsigned char *, size_t);
size_t		 ws_close_encode(unsigned char *, int, const char *);
int		 ws_close_parse(const unsigned char *, size_t, int *,
		    const unsigned char **, size_t *, int *);
void		 ws_choose_protocol(const char *, const char *, char *,
		    size_t);
int		 ws_offer_binary(const char *, char *, size_t);
int		 ws_basic_auth(const char *, size_t, char *, size_t);
ssize_t		 ws_encode_request(char *, size_t, const struct ws_req *,
		    const char **);
int		 ws_parse_request(const char *, const struct http_line *,
		    struct ws_req *, int *, const char **);
ssize_t		 ws_encode_accept(char *, size_t, const char *,
		    const char *, const char *, char *const *, size_t);
int		 ws_answer_page(const char *);
int		 ws_check_accept(const char *, const char *, const char *,
		    char *, size_t, const char **);
int		 ws_pmd_choose(const char *, int, struct ws_pmd *, char *,
		    size_t);
int		 ws_pmd_answer(const char *, struct ws_pmd *, const char **);

/* wshttp.c */
#define WSH_PATH_HIDDEN		1	/* wsh_file_path(): a dot-file's */
#define WSH_FRAME_HDR_MAX	24	/* "T 18446744073709551615\n" */

int		 wsh_sniff(const char *, size_t);
int		 wsh_decode_path(const char *, char *, size_t);
int		 wsh_file_path(const char *, int, char *, size_t);
const char	*wsh_content_type(const char *);
int		 wsh_cgi_name(const char *, size_t, char *, size_t);
size_t		 wsh_cgi_value(const char *, size_t, char *, size_t);
size_t		 wsh_server_name(const char *, char *, size_t);
int		 wsh_frame_parse(const char *, size_t, uint64_t, int *,
		    uint64_t *);
size_t		 wsh_frame_encode(char *, size_t, int, uint64_t);

/* digest.c */
enum {
	DIGEST_MD5,
	DIGEST_SHA256,
	DIGEST_SHA1,
};
#define DIGEST_HEX_MAX		65	/* SHA-256 in hex, and its NUL */
#define DIGEST_SHA1_LEN		20
void		 digest(int, const void *, size_t, unsigned char *);
void		 digest_hex(int, const char *, char *);

/* url.c */
/* Proxy protocols, for -X and --proxy-type. */
enum proxy_proto {
	PROXY_NONE,
	PROXY_SOCKS4,		/* -X 4: the destination resolved here */
	PROXY_SOCKS4A,		/* -X 4a: the proxy resolves names */
	PROXY_SOCKS5,		/* -X 5, the default (RFC 1928, 1929) */
	PROXY_HTTP,		/* -X connect: HTTP CONNECT */
};

#define PROXY_URL_MAX		2048	/* a proxy URL, encoded */
/* A proxy hop given as a URL (-x socks5://user:pass@host:port). */
struct proxy_url {
	int		 proto;		/* PROXY_* */
	int		 tls;		/* https://: TLS to the proxy */
	int		 has_user;
	int		 has_pass;
	char		 user[SOCKS_NAME_MAX + 1];
	char		 pass[SOCKS_NAME_MAX + 1];
	char		 host[SOCKS_NAME_MAX + 1];
	char		 port[6];	/* empty: the protocol's own */
};
const char	*url_proxy_scheme(int);
int		 url_decode(const char *, size_t, char *, size_t);
int		 url_proxy_is(const char *, size_t);
int		 url_proxy_parse(const char *, size_t, struct proxy_url *,
		    const char **);

/* proxyproto.c */
#define PROXYPROTO_V1		1	/* the text line */
#define PROXYPROTO_V2		2	/* the binary block */
#define PP1_MAX			107	/* the longest v1 line, CR LF too */
#define PP2_SIG_LEN		12
#define PP2_HEADER_LEN		16	/* signature, command, family, length */
#define PROXYPROTO_MAX		(PP2_HEADER_LEN + 216) /* any header */

ssize_t		 proxyproto_encode(unsigned char *, size_t, int,
		    const struct sockaddr *, const struct sockaddr *,
		    const char **);
int		 proxyproto_version(const char *);
ssize_t		 proxyproto_parse(const unsigned char *, size_t,
		    struct sockaddr_storage *, socklen_t *, const char **);

/* forwarded.c */
int		 forwarded_for(const char *, int, struct sockaddr_storage *,
		    socklen_t *, const char **);

/* chatproto.c */
/* How a peer's line begins on a terminal: erase what is typed, mark. */
#define CHAT_MARK		"\r\033[K< "
/* How it goes on, when the user typed while it was half shown. */
#define CHAT_CONT		"\r\033[K  "
/*
 * The most bytes one byte from the peer becomes on a terminal: a mark and
 * what text_escape() makes of it, which may end what it held (a carriage
 * return held back, \x0d, or a character begun).
 */
#define CHAT_GROW		(sizeof(CHAT_MARK) - 1 + TEXT_ESC_MAX)

/* How much of a peer's line is on the screen, and whether it said :q. */
struct chat_view {
	int		 qm;		/* the :q matcher of what it says */
	int		 quit;		/* it sent a :q line */
	int		 midline;	/* a line of its is being shown */
	int		 cont;		/* and was cut short on the screen */
	int		 pending_cr;	/* a CR of its is held back */
	int		 redraw;	/* show the typed line again */
	struct text_esc	 esc;		/* a character of its begun */
	int		 dgram;		/* each read is whole datagrams: a
					   :q line is not shown */
};
void		 chatproto_reset(struct chat_view *);
size_t		 chatproto_quit_len(const unsigned char *, size_t);
size_t		 chatproto_quit_scan(int *, const unsigned char *, size_t,
		    int *);
size_t		 chatproto_rx(struct chat_view *, const unsigned char *,
		    size_t, unsigned char *);
/* roomproto.c */

/* A longer room line is cut there, and the rest of it dropped. */
#define ROOM_LINE_MAX		4096

/* The longest name a room member may take with /nick. */
#define ROOM_NAME_MAX		20

/* Bytes framed into lines: what is left of a line between two reads. */
struct room_framer {
	unsigned char	*line;		/* ROOM_LINE_MAX bytes */
	size_t		 len;
	int		 cut;		/* A full line was just handed on. */
	int		 skip;		/* Dropping a cut line's tail. */
	unsigned int	 dropped;	/* Lines whose tail was dropped. */
};

/* What a room line asks for (roomproto_parse()). */
enum room_cmd {
	ROOM_TEXT,		/* An ordinary line, to relay. */
	ROOM_QUIT,		/* ":q": leave. */
	ROOM_WHO,		/* "/who": who is present, to the asker. */
	ROOM_NICK,		/* "/nick NAME": take a name. */
	ROOM_ME,		/* "/me TEXT": an action line. */
	ROOM_HELP,		/* "/help": the commands, to the asker. */
};

typedef int room_line_cb(const unsigned char *, size_t, void *);
int		 roomproto_frame(struct room_framer *, const unsigned char *,
		    size_t, room_line_cb *, void *);
int		 roomproto_flush(struct room_framer *, room_line_cb *, void *);
int		 roomproto_name_valid(const unsigned char *, size_t);
int		 roomproto_name_reserved(const unsigned char *, size_t);
enum room_cmd	 roomproto_parse(const unsigned char *, size_t,
		    const unsigned char **, size_t *);

/* secretcode.c */
#define SECRET_SYMBOLS		26	/* a drawn code's random symbols:
					   130 bits, and two of check */
#define SECRET_TEXT_MAX		40	/* a drawn code as shown, and NUL */
#define SECRET_LOOKS_MIN	24	/* symbols that make text a code */
#define SECRET_LOOKS_MAX	32
#define SECRET_STRONG_BITS	(SECRET_SYMBOLS * 5) /* as strong as drawn */
#define SECRET_MEASURED		256	/* characters of a code measured */
void		 secretcode_draw(char *);
int		 secretcode_parse(const char *, char *);
int		 secretcode_bits(const char *);

/* rendez.c */
#define RDV_MAGIC_LEN		4	/* "SCRV" */
#define RDV_VERSION		1
#define RDV_NAME_LEN		32	/* HMAC-SHA256 of the code's own label */
#define RDV_HEAD_LEN		(RDV_MAGIC_LEN + 2) /* and version, length */
#define RDV_REQ_LEN		(RDV_HEAD_LEN + RDV_NAME_LEN)
#define RDV_REPLY_LEN		4	/* "SCR" and a letter */
#define RDV_PORT		"7373"	/* a relay's port unless told */
/* The relay's answers: the last byte of each. */
enum rdv_reply {
	RDV_WAIT = 'W',		/* first with this name: wait */
	RDV_FIRST = 'S',	/* paired, first to come: TLS's server */
	RDV_SECOND = 'C',	/* paired, second: TLS's client */
	RDV_TAKEN = 'T',	/* two are paired with this name already */
	RDV_LIMIT = 'L',	/* too many waiting from this address */
	RDV_EXPIRED = 'E',	/* waited the relay's time, nobody came */
	RDV_BAD = 'B',		/* no request */
};
ssize_t		 rdv_encode_request(unsigned char *, size_t,
		    const unsigned char *);
ssize_t		 rdv_parse_request(const unsigned char *, size_t,
		    unsigned char *, const char **);
void		 rdv_encode_reply(unsigned char *, enum rdv_reply);
int		 rdv_parse_reply(const unsigned char *, size_t, const char **);
const char	*rdv_reply_text(enum rdv_reply);

/* addr.c */
#define ADDR_MAX		4096	/* an address, as text */
#define ADDR_OPTS_MAX		32	/* options of one address */
#define ADDR_SPEED_MAX		4000000	/* a serial line's, bits/s */
#define ADDR_SRC_MAX		300	/* bind='s value */
#define ADDR_NAME_MAX		32	/* an address's name (TCP-LISTEN) */

/* What follows an address's name, in either grammar. */
enum addr_form {
	AFORM_KIND,		/* a socat alias's: its kind's */
	AFORM_HOSTPORT,		/* HOST:PORT */
	AFORM_PORT,		/* [HOST:]PORT; socat's :PORT, bind= its host */
	AFORM_PATH,		/* a socket's path or @name */
	AFORM_FILE,		/* a file's path */
	AFORM_DEVICE,		/* a device's path, then [,SPEED] */
	AFORM_COMMAND,		/* a command (ours: the rest, commas and all) */
	AFORM_URL,		/* the rest of a ws:// URL */
	AFORM_PROXIED,		/* PROXY:HOST:PORT */
	AFORM_NONE,		/* nothing: "-", options alone */
	AFORM_ABSTRACT,		/* socat's :NAME of an abstract socket */
	AFORM_ECHO,		/* socat's nothing, what is written comes
				   back; or :PATH, a named pipe */
	AFORM_FD,		/* socat's :N, a descriptor */
	AFORM_ACCEPT,		/* socat's :N, a listening socket's */
	AFORM_SOCKET,		/* socat's :DOMAIN:PROTOCOL:ADDRESS */
	AFORM_SOCKET_DGRAM,	/* :DOMAIN:TYPE:PROTOCOL:ADDRESS */
	AFORM_SOCKS5,		/* socat's :PROXY[:PROXYPORT]:HOST:PORT */
};

/* What a kind's side is (addr-kinds.h's IS), besides a stream socket. */
#define KIND_LISTEN	0x01	/* it listens */
#define KIND_DGRAM	0x02	/* SOCK_DGRAM */
#define KIND_LOCAL	0x04	/* AF_UNIX, a->dgram says which type */
#define KIND_TLS	0x08	/* TLS (socat verifies its peer) */
#define KIND_VSOCK	0x10	/* AF_VSOCK */
#define KIND_WS		0x20	/* a WebSocket server's (ws.on) */

/* The kinds of address (addr-kinds.h): what each one opens. */
enum addr_kind {
#define KIND(name, ours, form, is, side, proxy, socat)	ADDR_##name,
#include "addr-kinds.h"
#undef KIND
	ADDR_NKINDS
};

/* What a side is: a socket, or a kind of its own (addr-kinds.h's OWN). */
#define KIND_ENUM_SOCKET(name)
#define KIND_ENUM_OWN(name)	SIDE_##name,
#define KIND_SIDE_SOCKET(name)	SIDE_SOCKET
#define KIND_SIDE_OWN(name)	SIDE_##name
enum side_kind {
	SIDE_SOCKET,		/* TCP, UDP, Unix-domain, VSOCK, as sock says */
#define KIND(name, ours, form, is, side, proxy, socat) KIND_ENUM_##side(name)
#include "addr-kinds.h"
#undef KIND
};

/* A kind's row (addr-kinds.h). */
struct addr_desc {
	const char	*ours;		/* its scheme; "" none */
	enum addr_form	 form;
	int		 is;		/* KIND_* */
	enum side_kind	 side;
	int		 proxy;		/* PROXY_* */
	const char	*socat;		/* socat's names, space-separated */
};

/* One ",name[=value]" of an address; a flag's value is "1". */
struct addr_opt {
	const char	*name;
	const char	*value;
};

/*
 * A parsed address.  It owns its strings: each points into buf or
 * hostbuf, so nothing is freed and they last as long as the struct.
 */
struct addr {
	enum addr_kind	 kind;
	int		 listen;	/* a listening kind (-l) */
	const char	*host;		/* NULL: none (any, for a listener) */
	const char	*port;		/* digits or a service name */
	const char	*path;		/* a socket path, file, or command */
	const char	*url;		/* ws://, wss://: the URL, no options */
	const char	*proxy;		/* socks*:'s proxy host */
	const char	*speed;		/* serial:'s, in bits/s; NULL: as is */
	const char	*src;		/* a dialled side's bind=HOST, or NULL */
	const char	*srcport;	/* its bind=:PORT or sourceport= */
	int		 family;	/* 4 or 6: TCP4:, pf=ip6, ...; 0: any */
	int		 socat;		/* written in socat's grammar */
	int		 dgram;		/* a Unix datagram socket (socat's
					   UNIX-SENDTO:, UNIX-RECVFROM:) */
	int		 anypeer;	/* a datagram listener of every peer
					   (socat's *-RECVFROM:, *-RECV:) */
	int		 recv_only;	/* only read (socat's *-RECV:) */
	int		 datagram;	/* sent to host:port, heard from every
					   peer (socat's UDP-DATAGRAM:) */
	int		 either;	/* a Unix client of a stream or a
					   datagram socket (socat's UNIX:) */
	int		 sendto;	/* its peer's refusals unheard
					   (socat's UDP-SENDTO:) */
	const char	*name;		/* its name as written, for messages */
	struct addr_opt	 opts[ADDR_OPTS_MAX];
	size_t		 nopts;
	char		 why[320];	/* what addr_parse() found wrong */
	char		 buf[ADDR_MAX + 1];
	char		 hostbuf[ADDR_MAX + 1];
	char		 srcbuf[ADDR_SRC_MAX + 1];
	char		 namebuf[ADDR_NAME_MAX + 1];
};

const struct addr_desc *addr_desc(enum addr_kind);
int		 addr_is(const char *);
int		 addr_kind_is(const char *);
int		 addr_looks(const char *);
void		 addr_hide_secret(char *);
const char	*addr_opt(const struct addr *, const char *);
int		 addr_parse(const char *, struct addr *, const char **);
int		 addr_parse_socat(const char *, struct addr *, const char **);
int		 addr_socat_written(const char *);
#ifdef SC_DEBUG
unsigned long	 addr_parse_count(void);
#endif

/* addr-socat.c */
int		 addr_socat_dual(const char *);
int		 addr_socat_named(const char *);
int		 addr_socat_words(char *, char **, size_t);

/* addr-opt.c */
int		 addr_decimal(const char *, size_t, long long, long long);
const char	*addr_opt_names(size_t);
int		 addr_tls_version_parse(const char *);

/* script.c */
#include <regex.h>

/* What a step of a script does (--expect, --send, --script). */
enum script_op {
	SCRIPT_EXPECT,		/* wait for what matches a pattern */
	SCRIPT_SEND,		/* send a text, its escapes read */
	SCRIPT_SLEEP,		/* wait so long, reading on */
	SCRIPT_TIMEOUT,		/* the time each expect after it has */
	SCRIPT_CLOSE,		/* end what we send (the peer reads its end) */
	SCRIPT_INTERACT,	/* hand the session to stdin and stdout */
};

#define SCRIPT_STEPS_MAX	4096	/* steps of one script */
#define SCRIPT_ARG_MAX		4096	/* a pattern or a text as written */
#define SCRIPT_SEND_MAX		16384	/* a text sent, its groups put in */
#define SCRIPT_FILE_MAX		(1024 * 1024) /* a --script file */
#define SCRIPT_GROUPS		10	/* the match and \1 to \9 */
#define SCRIPT_TIME_MAX		86400	/* a sleep or timeout, seconds */
#define SCRIPT_PATTERN_COST	20000	/* a pattern's atoms, repeated */
#define SCRIPT_COST_MAX		100000	/* a script's patterns', together */

struct script_step {
	enum script_op	 op;
	char		*arg;		/* a pattern or a text, as written */
	regex_t		*re;		/* an expect's pattern, compiled */
	long long	 ms;		/* a sleep's or a timeout's */
	size_t		 reach;		/* an expect's longest match, bytes;
					   SIZE_MAX: any */
	size_t		 line;		/* its line in the file; 0: argv */
	const char	*from;		/* an option's name, a file's */
};

/* A script: its steps in order, and what was wrong when it was refused. */
struct script {
	struct script_step	*steps;
	size_t			 n;
	long long		 cost;	/* its patterns', estimated */
	const char		*from;	/* of the steps added; of one refused */
	char			 why[192];
};

int		 script_add(struct script *, const char *, const char *,
		    size_t);
int		 script_parse(struct script *, const char *, size_t);
int		 script_compile(struct script *);
ssize_t		 script_text(const char *, const char *, const regmatch_t *,
		    unsigned char *, size_t, const char **);
void		 script_free(struct script *);

/* rec-format.c: a recorded session (--record, replay:); sockcat-sessions(7) */
#define RECORD_MAGIC		"sockcat-record 1"
#define RECORD_FILE_MAX		(64 * 1024 * 1024)
#define RECORD_LINE_BYTES	64	/* a chunk's bytes a line, written */
#define RECORD_MSG_MAX		65535	/* a message's (lines joined by +) */
#define RECORD_LINE_MAX		(32 + 4 * RECORD_LINE_BYTES + 10)
/* How fast a replay may play a recording (speed=), and 1 by default. */
#define RECORD_SPEED_MIN	0.01
#define RECORD_SPEED_MAX	1000.0
/*
 * The latest time a chunk may have (about 31 years): played at the least
 * speed, its wait is still a count of milliseconds the loop's clock and a
 * double hold exactly.
 */
#define RECORD_MS_MAX		1000000000000ULL

enum record_who {
	RECORD_CLIENT,		/* what the client sent */
	RECORD_SERVER,		/* what the server sent */
};

struct record_chunk {
	uint64_t	 ms;		/* since the session began */
	enum record_who	 who;
	size_t		 off;		/* its bytes in record's data */
	size_t		 len;
	size_t		 line;		/* its line in the file */
};

struct record {
	struct record_chunk	*c;
	size_t			 n;
	unsigned char		*data;	/* every chunk's bytes */
	size_t			 len;
	int			 more;	/* the last chunk goes on (+) */
	char			 why[160];
};

int		 record_parse(struct record *, const char *, size_t);
void		 record_free(struct record *);
size_t		 record_line(char *, uint64_t, enum record_who,
		    const unsigned char *, size_t, int);

#endif /* SC_CODEC_H */
