/*
 * What the two files of the address parser share: addr.c's grammar and
 * its table of options, and addr-socat.c's way of writing the same
 * addresses as socat does.  Not for the rest of the program: codec.h has
 * what it may call.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_ADDR_INT_H
#define SC_ADDR_INT_H

/* What an option's value must be. */
enum addr_otype {
	AO_BOOL,		/* nothing (1), 0 or 1 */
	AO_TEXT,		/* any text but empty */
	AO_SECRET,		/* AO_TEXT that is a secret: hidden whole */
	AO_USERPASS,		/* USER:PASSWORD: the password hidden */
	AO_HOSTPORT,		/* HOST:PORT, or a proxy's URL */
	AO_PORT,		/* a port */
	AO_TLSVER,		/* a TLS version, 1.0 to 1.3 (TLS1.2 too) */
	AO_COMPRESS,		/* socat's TLS compression: none or auto */
	AO_NUMBER,		/* a count, 1 to 65535 */
	AO_COUNT,		/* a count, 0 to 65535 */
	AO_SECONDS,		/* seconds, [DIGITS][.DIGITS] */
	AO_OCTAL,		/* permissions, 0 to 07777 */
	AO_FAMILY,		/* ip4, ipv4, inet, ip6, ipv6, inet6: "4", "6" */
	AO_SIZE,		/* a count of bytes, 0 up */
	AO_BUFSIZE,		/* a socket buffer's bytes, 1 to INT_MAX */
	AO_BYTE,		/* a byte's value, 0 to 255, as 27 or 0x1b */
	AO_UINT,		/* a number as socat reads it: 19200, 0x0e */
	AO_OFFSET,		/* a file's offset, as socat reads it: 100,
				   0x74420, -10 */
	AO_PGID,		/* a process group, 0 to 4194304, or nothing
				   (0: a group of its own) */
};

/*
 * What an option needs the side to be (addr-opts.h's NEEDS): the kinds of
 * address that can be that.
 */
#define K(k)		(1U << (k))
_Static_assert(ADDR_NKINDS <= 32, "a kind is a bit of an unsigned int");
#define N_ANY		(~0U)
#define N_TLS_DIAL	(K(ADDR_TLS) | K(ADDR_DTLS) | K(ADDR_WSS))
#define N_TLS		(N_TLS_DIAL | K(ADDR_TLS_L) | K(ADDR_DTLS_L))
#define N_TLS_STREAM	(K(ADDR_TLS) | K(ADDR_WSS) | K(ADDR_TLS_L))
#define N_PSK		(K(ADDR_TLS) | K(ADDR_DTLS) | K(ADDR_TLS_L))
#define N_SOCKS4	(K(ADDR_SOCKS4) | K(ADDR_SOCKS4A))
#define N_SOCKS		(N_SOCKS4 | K(ADDR_SOCKS5))
#define N_HTTP_PROXY	K(ADDR_TCP)
#define N_PROXY		(K(ADDR_TCP) | K(ADDR_TLS) | K(ADDR_WS) | K(ADDR_WSS))
#define N_IP_LISTEN	(K(ADDR_TCP_L) | K(ADDR_UDP_L) | K(ADDR_TLS_L) | \
			    K(ADDR_DTLS_L) | K(ADDR_WS_L))
#define N_UNIX_LISTEN	K(ADDR_UNIX_L)
#define N_UNIX_DIAL	K(ADDR_UNIX)
#define N_UNIX		(N_UNIX_DIAL | N_UNIX_LISTEN)
#define N_UDP_LISTEN	K(ADDR_UDP_L)
#define N_UDP		(K(ADDR_UDP) | N_UDP_LISTEN)
#define N_STREAM_LISTEN	(K(ADDR_TCP_L) | K(ADDR_TLS_L) | K(ADDR_WS_L) | \
			    N_UNIX_LISTEN)
#define N_LISTEN	(N_IP_LISTEN | N_UNIX_LISTEN)
#define N_IP_DIAL	(K(ADDR_TCP) | K(ADDR_UDP) | K(ADDR_TLS) | \
			    K(ADDR_DTLS) | K(ADDR_WS) | K(ADDR_WSS) | N_SOCKS)
#define N_IP		(N_IP_DIAL | N_IP_LISTEN)
#define N_TCP		(K(ADDR_TCP) | K(ADDR_TLS) | K(ADDR_WS) | \
			    K(ADDR_WSS) | N_SOCKS | K(ADDR_TCP_L) | \
			    K(ADDR_TLS_L) | K(ADDR_WS_L))
#define N_DIAL		(N_IP_DIAL | N_UNIX_DIAL | K(ADDR_VSOCK))
#define N_SHUT		(N_UDP | K(ADDR_TCP) | K(ADDR_TCP_L) | N_UNIX)
#define N_FILE		K(ADDR_FILE)
#define N_PTY		K(ADDR_PTY)
#define N_SERIAL	K(ADDR_SERIAL)
#define N_PROGRAM	K(ADDR_EXEC)
#define N_REPLAY	K(ADDR_REPLAY)
#define N_STDIO		K(ADDR_STDIO)
/* A name it makes in the file system. */
#define N_PATH		(N_FILE | N_PTY | N_UNIX_LISTEN)
/* Read by a reader of ours. */
#define N_READ		(N_FILE | K(ADDR_FD) | K(ADDR_STDIO))
/* No socket and no line: what sockcat reads and writes itself. */
#define N_LOCAL		(N_READ | N_PROGRAM)
/* What may be a terminal once opened. */
#define N_TTY		(N_READ | N_PTY | N_SERIAL | N_PROGRAM)

/* What of an option's value is a secret (addr_opt_hides()). */
enum addr_hide {
	ADDR_HIDE_NONE,
	ADDR_HIDE_ALL,		/* the whole value: secret= */
	ADDR_HIDE_PASSWORD,	/* after its first ':': proxyauth= */
};

/* Where a text in socat's quoting stands (addr_scan_byte()). */
struct addr_scan {
	char		 quote;		/* the quote open, or 0 */
	char		 nest[16];	/* the closers of the brackets open */
	size_t		 depth;
};
#define SCAN_FREE	0x100	/* the byte is outside quotes and brackets */
#define SCAN_QUOTE	(-1)	/* a quote of its own: no byte */
#define SCAN_DEEP	(-2)	/* brackets nested too deep */

/* addr.c */
int	addr_fail(struct addr *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	addr_port(struct addr *, const char *, int);

/* addr-opt.c */
int	addr_option(struct addr *, char *);
int	addr_opt_add(struct addr *, const char *, const char *);
int	addr_options(struct addr *, char *);
int	addr_opt_hides(const char *, size_t);

/* addr.c */
int	addr_hostport(struct addr *, char *, int, int, char **,
	    char **);
int	addr_finish(struct addr *);
char	*addr_socat_host(struct addr *, char *);

/* addr-socat.c */
int	addr_socat_row(const char *);
enum addr_kind addr_socat_kind(int);
int	addr_dual_stdio(const char *);
int	addr_socat_parse(struct addr *, int);
size_t	addr_socat_name_len(const char *);
int	addr_socat_lacking(const char *);
int	addr_scan_byte(struct addr_scan *, const char **);

#endif /* SC_ADDR_INT_H */
