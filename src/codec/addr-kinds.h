/*
 * Every kind of address: one row each, read by the codec (codec.h: the
 * kinds and the sides; addr.c: the names, the form; addr-socat.c: socat's
 * names) and by the side layer (side.c: the side it makes, through
 * addr_desc()).  Included where KIND() says what a row becomes; no
 * include guard.
 *
 *   KIND(NAME, OURS, FORM, IS, SIDE, PROXY, SOCAT)
 *
 * NAME makes ADDR_NAME; OURS is its scheme, "" where only socat names
 * it; FORM what follows its name (AFORM_*), in either grammar.  IS is
 * what its side is (KIND_*: listening, datagram, Unix, TLS, ...); SIDE is
 * SOCKET, a socket as IS says, or OWN, a side of its own, SIDE_NAME,
 * opened by its row of end.c's kinds[]; PROXY its own proxy (PROXY_*),
 * 0 for none.  SOCAT is socat's names of it (any case, space-separated);
 * a socat name with a form or options of its own is a row of
 * addr-socat.c's aliases.  Rows are in the order the schemes are listed
 * in when one is unknown.
 */
/* SPDX-License-Identifier: ISC */

/* stdin and stdout */
KIND(STDIO,	"-",	AFORM_NONE,	0,	OWN,	0,
			"stdio - stdin stdout")
KIND(TCP,	"tcp",	AFORM_HOSTPORT,	0,	SOCKET,	0,
			"tcp tcp-connect inet")
KIND(UDP,	"udp",	AFORM_HOSTPORT,	KIND_DGRAM, SOCKET, 0,
			"udp udp-connect")
/* unix:PATH, unix:@NAME */
KIND(UNIX,	"unix",	AFORM_PATH,	KIND_LOCAL, SOCKET, 0,
			"unix-connect")
KIND(TLS,	"tls",	AFORM_HOSTPORT,	KIND_TLS, SOCKET, 0,
			"openssl openssl-connect ssl")
KIND(DTLS,	"dtls",	AFORM_HOSTPORT,	KIND_DGRAM | KIND_TLS, SOCKET, 0,
			"openssl-dtls-client openssl-dtls-connect dtls "
			"dtls-c dtls-client dtls-connect")
/* ws://HOST[:PORT][/PATH] */
KIND(WS,	"ws",	AFORM_URL,	0,	SOCKET,	0,	"")
KIND(WSS,	"wss",	AFORM_URL,	0,	SOCKET,	0,	"")
/* vsock:CID:PORT */
KIND(VSOCK,	"vsock", AFORM_HOSTPORT, KIND_VSOCK, SOCKET, 0,
			"vsock-connect vsock")
KIND(TCP_L,	"tcp-l", AFORM_PORT,	KIND_LISTEN, SOCKET, 0,
			"tcp-listen tcp-l inet-listen inet-l")
KIND(UDP_L,	"udp-l", AFORM_PORT,	KIND_LISTEN | KIND_DGRAM, SOCKET, 0,
			"udp-listen udp-l")
KIND(UNIX_L,	"unix-l", AFORM_PATH,	KIND_LISTEN | KIND_LOCAL, SOCKET, 0,
			"unix-listen unix-l")
KIND(TLS_L,	"tls-l", AFORM_PORT,	KIND_LISTEN | KIND_TLS, SOCKET, 0,
			"openssl-listen ssl-l")
KIND(DTLS_L,	"",	AFORM_PORT,	KIND_LISTEN | KIND_DGRAM | KIND_TLS,
			SOCKET, 0, "openssl-dtls-server openssl-dtls-listen "
			"dtls-server dtls-listen dtls-l")
KIND(WS_L,	"ws-l",	AFORM_PORT,	KIND_LISTEN | KIND_WS, SOCKET, 0, "")
/* exec:COMMAND, for /bin/sh -c; a program, path its command */
KIND(EXEC,	"exec",	AFORM_COMMAND,	0,	OWN,	0,	"system")
KIND(FILE,	"file",	AFORM_FILE,	0,	OWN,	0,	"open file")
/* serial:DEVICE[,SPEED]: the line at path */
KIND(SERIAL,	"serial", AFORM_DEVICE,	0,	OWN,	0,	"")
/* pty:LINK: a new pseudo-terminal, path its link */
KIND(PTY,	"pty",	AFORM_FILE,	0,	OWN,	0,	"")
/* replay:FILE: a recording played */
KIND(REPLAY,	"replay", AFORM_FILE,	0,	OWN,	0,	"")
/* socks4:PROXY:HOST:PORT, through that SOCKS proxy */
KIND(SOCKS4,	"socks4", AFORM_PROXIED, 0,	SOCKET,	PROXY_SOCKS4,
			"socks4 socks")
KIND(SOCKS4A,	"socks4a", AFORM_PROXIED, 0,	SOCKET,	PROXY_SOCKS4A,
			"socks4a")
KIND(SOCKS5,	"socks5", AFORM_PROXIED, 0,	SOCKET,	PROXY_SOCKS5,
			"socks5")
/* socat's FD:N, a descriptor inherited */
KIND(FD,	"",	AFORM_FD,	0,	OWN,	0,	"fd")
