/*
 * The conflicts between options, checked once after parsing in netcat's
 * order: the conflict table's rows of facts, the steps between them
 * (cmdline-steps.c), and the modes' rules (mode.c).  The completions learn
 * from the same rows what excludes what.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* Print the names of d, as a shell writes them, after a space if sep. */
static void
print_names(const struct optdef *d, int sep)
{
	if (sep)
		printf(" ");
	if (d->letter != 0)
		printf("-%c%s", d->letter, d->name != NULL ? " " : "");
	if (d->name != NULL)
		printf("--%s", d->name);
}

/*
 * What a conflict row may ask besides the options: a condition no one
 * option is.  Its name has no leading '-', so it cannot be taken for an
 * option.
 */
enum condition {
	C_NO_TLS,		/* TLS not built in, or no library to load */
	C_SEVERAL_PORTS,	/* more than one port to dial or listen on */
	C_NO_TTY,		/* standard input is no terminal */
	C_PROXY_SERVER,		/* -l --proxy-type (step_proxy() decides) */
	C_VIA_PROXY,		/* a client through a proxy (step_proxy()) */
	C_PROXY_USER,		/* -P, --proxy-auth, the environment, a URL */
	C_PROXY_PASSWORD,	/* the proxy user's password is known */
	C_WS_URL,		/* a ws:// or wss:// URL where the host was */
	C_WS_PAIR,		/* an address pair with a WebSocket side */
	C_WSS,			/* a wss:// URL, or a pair's wss:// side */
	C_LOW_MINTTL,		/* -m below what a near host's packets
				   carry (64): a count, as ncat's -m */
	C_TRUST_HEADER,		/* --trust-front names a request's line */
	C_PAIR_LISTEN,		/* an address pair with a listening side */
	C_PAIR,			/* address operands, a pair */
	C_BARE_STAMP,		/* --timestamp without a log to stamp */
	C_COUNT,
};
static const char *const conditions[C_COUNT] = {
	[C_NO_TLS] = "no-tls",
	[C_SEVERAL_PORTS] = "several-ports",
	[C_NO_TTY] = "no-tty",
	[C_PROXY_SERVER] = "proxy-server",
	[C_VIA_PROXY] = "via-proxy",
	[C_PROXY_USER] = "proxy-user",
	[C_PROXY_PASSWORD] = "proxy-password",
	[C_WS_URL] = "ws-url",
	[C_WS_PAIR] = "ws-pair",
	[C_WSS] = "wss",
	[C_LOW_MINTTL] = "low-minttl",
	[C_TRUST_HEADER] = "trust-header",
	[C_PAIR_LISTEN] = "pair-listen",
	[C_PAIR] = "pair",
	[C_BARE_STAMP] = "bare-stamp",
};

/* Does condition c hold in o? */
static __startup int
condition_holds(const struct options *o, enum condition c)
{
	switch (c) {
	case C_NO_TLS:
		return (!tls_available());
	case C_SEVERAL_PORTS:
		return (o->side.nports > 1);
	case C_NO_TTY:
		return (!isatty(STDIN_FILENO));
	case C_PROXY_SERVER:
		return (o->proxy_serve);
	case C_VIA_PROXY:
		return (o->side.proxy.host != NULL);
	case C_PROXY_USER:
		return (o->side.proxy.user != NULL);
	case C_PROXY_PASSWORD:
		return (o->side.proxy.pass != NULL);
	case C_WS_URL:
		return (o->side.ws.path != NULL);
	case C_LOW_MINTTL:
		return (o->side.sock.minttl >= 0 && o->side.sock.minttl < 64);
	case C_TRUST_HEADER:
		return (o->front.trust[FRONT_XFF].nallow > 0 ||
		    o->front.trust[FRONT_FORWARDED].nallow > 0);
	case C_WSS:
		return ((o->side.ws.path != NULL && o->side.tls.on) ||
		    o->pair_ws == PAIR_WSS);
	case C_PAIR_LISTEN:
		return (o->pair_listen);
	case C_PAIR:
		return (o->npair > 0);
	case C_BARE_STAMP:
		return (o->timestamp && o->output == NULL &&
		    o->hex_dump == NULL);
	case C_WS_PAIR:
	default:
		return (o->pair_ws);
	}
}

static void	step_modes(struct cmdline *);

/* What a script, in stdin's place, cannot be beside. */
#define SCRIPT_UNUSED	"-z -e -c --fifo -d --recv-only --raw --readline --chat"
#define SCRIPT_WHY	"is for one peer wired to stdin and stdout"

/*
 * The checks after parsing, in netcat's order: a row refuses the command
 * line with its message when every fact of all, one of any (if any) and
 * none of none hold (a message that ends "takes no" names those of any
 * given, so that the list is written once); a warning row only says it; a
 * step row does what it names.  A fact is an option, as the option table
 * says whether it is in effect (opt_on()), written as the messages write
 * it ("-z", "--fifo"), or a condition of the table above; each list is
 * space-separated.  The completions learn from the same rows which
 * options exclude each other (cmdline_excludes()), so a new conflict is
 * this one row.
 */
static const struct conflict {
	const char	*all, *any, *none;
	const char	*msg;
	int		 warn;
	void		(*step)(struct cmdline *);
} conflicts[] = {
	{ .all = "-z -l", .msg = "cannot use -z and -l" },
	/* websocat's letters, where they cannot be nc's: what they are. */
	{ .all = "-k wss", .none = "-l pair-listen",
	  .msg = "must use -l with -k (websocat's -k, any certificate, is "
	  "--insecure)" },
	{ .all = "-k", .none = "-l pair-listen", .msg = "must use -l with -k" },
	{ .all = "-t", .any = "ws-url ws-pair",
	  .msg = "-t is nc's telnet: websocat's -t, text messages, is the "
	  "default here (--ws-binary the other)" },
	{ .all = "-b", .any = "ws-url ws-pair",
	  .msg = "-b is nc's broadcast: websocat's -b, binary messages, is "
	  "--ws-binary" },
	{ .all = "--listen-fd", .none = "-l",
	  .msg = "must use -l with --listen-fd" },
	{ .all = "--reuseport", .none = "-l pair-listen",
	  .msg = "must use -l with --reuseport" },
	{ .all = "--reuseport", .any = "-U --listen-fd --vsock",
	  .msg = "--reuseport is for TCP and UDP ports: it takes no" },
	{ .all = "--backlog", .none = "-l pair-listen",
	  .msg = "must use -l with --backlog" },
	{ .all = "--backlog -u", .msg = "cannot use --backlog with -u" },
	{ .all = "--mptcp", .any = "-U -u --vsock",
	  .msg = "--mptcp is for TCP: it takes no" },
	{ .all = "--vsock", .any = "-U -u",
	  .msg = "cannot use --vsock with -U or -u" },
	{ .all = "--send-only --recv-only",
	  .msg = "cannot use --send-only and --recv-only" },
	/*
	 * A program's ends are its own, whatever stdin does; a datagram
	 * socket has no end to say.
	 */
	{ .all = "-e", .any = PROGRAM_UNUSED,
	  .msg = "-e's program is " PROGRAM_WHY ": it takes no" },
	{ .all = "-c", .any = PROGRAM_UNUSED,
	  .msg = "-c's program is " PROGRAM_WHY ": it takes no" },
	/* nc's -N it takes, as nc does, with nothing to do. */
	{ .all = "-u", .any = "--no-shutdown --no-splice",
	  .msg = "a datagram has no end to say and nothing to splice: -u "
	  "takes no" },
	{ .all = "-e -z", .msg = "cannot use -e and -z" },
	{ .all = "-c -z", .msg = "cannot use -c and -z" },
	/* Peers of a Unix datagram socket cannot have sockets of their own. */
	{ .all = "-e -U -u -k", .msg = "cannot use -e and -k with -U -u" },
	{ .all = "-c -U -u -k", .msg = "cannot use -c and -k with -U -u" },
	{ .all = "-e --fifo", .msg = "cannot use -e and --fifo" },
	{ .all = "-c --fifo", .msg = "cannot use -c and --fifo" },
	{ .all = "--fifo -z", .msg = "cannot use --fifo and -z" },
	{ .all = "--fifo -d", .msg = "cannot use --fifo and -d" },
	{ .all = "--broker --room", .msg = "cannot use --broker and --room" },
	{ .all = "-z", .any = "--ssl --secret --half-close --quit-after "
	  "--send-only --recv-only --no-shutdown --no-splice --fail-on-error "
	  "--idle-timeout --delay -o --hex-dump",
	  .msg = "-z only connects: it takes no" },
	{ .all = "--room -z", .msg = "cannot use -z and --room" },
	{ .all = "--broker -z", .msg = "cannot use -z and --broker" },
	{ .all = "--max-conns", .none = "-l pair-listen",
	  .msg = "must use -l with --max-conns" },
	{ .any = "--allow --allowfile --deny --denyfile",
	  .none = "-l pair-listen",
	  .msg = "must use -l with --allow and --deny" },
	/* A Unix-domain client has no address for a rule to match. */
	{ .all = "-U", .any = "--allow --allowfile --deny --denyfile",
	  .msg = "cannot use --allow or --deny with -U" },
	{ .all = "-F -U", .msg = "cannot use -F and -U" },
	{ .all = "--write-timeout", .none = "--broker --room",
	  .msg = "must use --broker or --room with --write-timeout" },
	{ .step = step_proxy },
	{ .any = "-X -P --proxy-auth --proxy-dns",
	  .none = "via-proxy proxy-server",
	  .msg = "must use -x with -X, -P, --proxy-auth and --proxy-dns" },
	/* A server cannot stop to ask for a password. */
	{ .all = "proxy-server proxy-user", .none = "proxy-password",
	  .msg = "a proxy server needs --proxy-auth user:password" },
	{ .all = "proxy-server --proxy-dns",
	  .msg = "--proxy-dns is where a proxy's client has names looked up: "
	  "a proxy server takes none" },
	{ .all = "--round-robin pair-listen",
	  .msg = "--round-robin takes --forward's targets in turn: an address "
	  "pair forwards to its one address" },
	{ .all = "--round-robin", .none = "--forward",
	  .msg = "must use --forward with --round-robin" },
	/* A pair that forwards each client sends it too (pair_build()). */
	{ .all = "--send-proxy pair", .none = "pair-listen",
	  .msg = "--send-proxy is for a stream listener whose clients are "
	  "forwarded to a stream socket: this pair has no listening "
	  "address" },
	{ .all = "--send-proxy", .none = "--forward pair-listen",
	  .msg = "must use --forward with --send-proxy" },
	{ .all = "--forward-ssl", .none = "--forward",
	  .msg = "must use --forward with --forward-ssl" },
	{ .all = "--forward pair",
	  .msg = "--forward and --forward-file name the targets of a "
	  "listener (-l): an address pair forwards to its one address" },
	{ .all = "--forward", .none = "-l",
	  .msg = "must use -l with --forward" },
	{ .all = "--forward -z", .msg = "cannot use -z and --forward" },
	{ .step = step_modes },
	{ .all = "--forward -U -u", .msg = "cannot use --forward with -U -u" },
	{ .all = "--forward -u", .any = "--send-proxy --forward-ssl",
	  .msg = "cannot use --send-proxy or --forward-ssl with -u" },
	/* A server cannot stop to ask for a password. */
	{ .all = "--forward via-proxy proxy-user", .none = "proxy-password",
	  .msg = "--forward through a proxy needs --proxy-auth user:password" },
	{ .all = "--forward --forward-ssl no-tls",
	  .msg = "TLS support was not built in" },
	{ .step = step_vsock },
	{ .all = "--chat -z", .msg = "cannot use -z and --chat" },
	{ .all = "--chat several-ports",
	  .msg = "cannot chat on more than one port" },
	{ .all = "--chat -d", .msg = "cannot use -d and --chat" },
	{ .all = "--chat -l -w",
	  .msg = "-w is the time --chat takes to call: a chat listener "
	  "(--chat -l) waits as long as it takes" },
	{ .all = "-w", .any = "--room --broker --relay",
	  .none = "--ssl --websocket",
	  .msg = "-w is the time a --room's, --broker's or --relay's client "
	  "has for its TLS or WebSocket handshake: must use --ssl or "
	  "--websocket with it" },
	{ .all = "-F -l",
	  .msg = "-F passes a connection it made: -l takes no -F" },
	{ .all = "--append-output", .none = "-o --hex-dump",
	  .msg = "must use -o or --hex-dump with --append-output" },
	{ .all = "--chat -U", .msg = "cannot use -U and --chat" },
	{ .all = "-U", .any = "--room --broker proxy-server",
	  .msg = "--room, --broker and the proxy server serve TCP clients: "
	  "cannot use them with -U" },
	/* Their listener would take a datagram for a DTLS ClientHello. */
	{ .all = "-u", .any = "--room --broker",
	  .msg = "--room and --broker serve TCP clients: cannot use them "
	  "with -u" },
	{ .all = "--ssl no-tls", .msg = "TLS support was not built in" },
	{ .all = "--via", .none = "--secret",
	  .msg = "--via meets the other side by --secret's code: must use "
	  "--secret with --via" },
	{ .all = "--via",
	  .any = "-u -U -z -k --broker --room --forward proxy-server "
	  "--reconnect --websocket ws-url --listen-fd --relay",
	  .msg = "--via dials a relay for one stream: it takes no" },
	/*
	 * The code, found and checked: a slip is said before anything runs;
	 * with --via, the relay is what the side dials.
	 */
	{ .step = secret_find },
	{ .all = "--secret",
	  .any = "--ssl-cert --ssl-key --ssl-verify --ssl-pin --ssl-trustfile "
	  "--ssl-ciphers",
	  .msg = "--secret uses no certificate: cannot use it with "
	  "--ssl-cert, --ssl-key, --ssl-verify, --ssl-pin, --ssl-trustfile "
	  "or --ssl-ciphers" },
	{ .all = "--secret -u", .msg = "--secret over UDP needs DTLS 1.3, "
	  "which this OpenSSL does not have" },
	{ .all = "--relay",
	  .any = "--ssl --secret -u -U --listen-fd",
	  .msg = "--relay carries its clients' own TLS over TCP or "
	  "WebSocket: it takes no" },
	{ .all = "--relay-limit", .none = "--relay",
	  .msg = "must use --relay with --relay-limit" },
	{ .all = "--trust-front", .none = "--relay",
	  .msg = "must use --relay with --trust-front" },
	{ .all = "trust-header", .none = "--websocket",
	  .msg = "--trust-front x-forwarded-for= and forwarded= are read from "
	  "a WebSocket upgrade: must use --websocket" },
	/* DTLS is over UDP: a Unix datagram socket, a relay have none. */
	{ .all = "--ssl -u -U", .msg = "cannot use --ssl with -U -u" },
	{ .all = "--ssl -u --forward",
	  .msg = "cannot use --ssl with -u and --forward" },
	/* What only a client's TLS reads, or only a verifying one's. */
	{ .all = "--ssl-trustfile", .none = "--ssl-verify",
	  .msg = "must use --ssl-verify with --ssl-trustfile" },
	{ .all = "--forward-ssl-trustfile", .none = "--forward-ssl-verify",
	  .msg = "must use --forward-ssl-verify with --forward-ssl-trustfile" },
	{ .all = "--ssl-servername -l",
	  .msg = "--ssl-servername is the name a client asks for: -l takes "
	  "none" },
	{ .all = "--keepalive -U", .msg = "cannot use --keepalive with -U" },
	{ .all = "--keepalive -u", .msg = "cannot use --keepalive with -u" },
	{ .all = "--nodelay -U", .msg = "cannot use --nodelay with -U" },
	{ .all = "--nodelay -u", .msg = "cannot use --nodelay with -u" },
	{ .any = "--mcast-if --mcast-loop", .none = "-u",
	  .msg = "must use -u with --mcast-if and --mcast-loop" },
	{ .all = "-U", .any = "--mcast-if --mcast-loop",
	  .msg = "cannot use --mcast-if or --mcast-loop with -U" },
	{ .all = "--retry-interval", .none = "--retry --reconnect",
	  .msg = "must use --retry or --reconnect with --retry-interval" },
	{ .all = "--retry -l", .msg = "cannot use --retry with -l" },
	{ .all = "--reconnect -l", .msg = "cannot use --reconnect with -l" },
	{ .all = "--reconnect",
	  .any = "-u -z -e -c --fifo --chat -F several-ports",
	  .msg = "--reconnect is for one stream wired to stdin and stdout: "
	  "it takes no" },
	{ .all = "--on-connect", .any = "-u -z --chat -F",
	  .msg = "--on-connect greets each stream connection: it takes no" },
	{ .step = step_retry },
	{ .all = "--pty", .none = "-e -c",
	  .msg = "must use -e or -c with --pty" },
	{ .all = "--raw -l", .any = "-u --broker --room --forward proxy-server",
	  .msg = "--raw -l serves one stream client at a time: it takes no" },
	{ .all = "--raw", .any = "-z -e -c --fifo -d --chat -C",
	  .msg = "--raw makes stdin a remote terminal: it takes no" },
	{ .all = "--raw no-tty",
	  .msg = "cannot use --raw: standard input is not a terminal" },
	{ .all = "--readline", .any = "-z -e -c --fifo -d --raw",
	  .msg = "--readline edits the lines typed for stdin's peer: it takes "
	  "no" },
	{ .all = "--readline no-tty",
	  .msg = "cannot use --readline: standard input is not a terminal" },
	{ .all = "--readline-history", .none = "--readline --chat --room",
	  .msg = "must use --readline, --chat or --room with "
	  "--readline-history" },
	{ .all = "--readline-history no-tty",
	  .msg = "cannot use --readline-history: standard input is not a "
	  "terminal" },
	{ .all = "--websocket", .none = "-l ws-url",
	  .msg = "must use -l with --websocket (a client takes a ws:// URL)" },
	{ .any = "--ws-binary --ws-header --ws-origin --ws-protocol --ws-ping "
	  "--ws-ping-timeout --ws-max-message --ws-messages -1 --ws-insecure "
	  "--insecure --ws-no-compress",
	  .none = "--websocket ws-pair",
	  .msg = "must use --websocket, a ws:// URL or a ws:// address with "
	  "--ws-* options" },
	{ .all = "--monitor", .none = "--broker --room",
	  .msg = "must use --broker with --monitor" },
	{ .all = "--ws-static-dotfiles", .none = "--ws-static",
	  .msg = "must use --ws-static with --ws-static-dotfiles" },
	{ .any = "--ws-static --ws-allow-origin --ws-path --ws-server-header",
	  .none = "-l",
	  .msg = "must use -l --websocket with --ws-static, --ws-allow-origin, "
	  "--ws-path and --ws-server-header" },
	{ .any = "--ws-static --ws-allow-origin --ws-path --ws-framed "
	  "--ws-server-header",
	  .none = "--websocket",
	  .msg = "must use --websocket or a ws:// URL with --ws-* options" },
	{ .any = "--auth --auth-file --auth-token", .none = "-l",
	  .msg = "must use -l --websocket with --auth, --auth-file and "
	  "--auth-token (a proxy server takes --proxy-auth)" },
	{ .any = "--auth --auth-file --auth-token", .none = "--websocket",
	  .msg = "must use -l --websocket with --auth, --auth-file and "
	  "--auth-token (a proxy server takes --proxy-auth)" },
	{ .all = "--ws-framed --ws-binary",
	  .msg = "cannot use --ws-framed with --ws-binary" },
	{ .all = "-l", .any = "--ws-header --ws-origin",
	  .msg = "--ws-header and --ws-origin are a client's request's: -l "
	  "answers with --ws-server-header" },
	{ .any = "--ws-insecure --insecure", .none = "wss",
	  .msg = "--ws-insecure is for a wss:// URL's certificate: must use "
	  "one with it" },
	{ .all = "--websocket",
	  .any = "-z -u --fifo proxy-server -t --chat",
	  .msg = "--websocket takes no" },
	/* A text message is a line without its end: -C would do nothing. */
	{ .all = "-C", .any = "ws-url --websocket",
	  .none = "--ws-binary --ws-framed",
	  .msg = "-C ends lines with CRLF, and a WebSocket text message is a "
	  "line without its end: use --ws-binary to send the bytes" },
	{ .all = "--expect", .any = SCRIPT_UNUSED,
	  .msg = "--expect " SCRIPT_WHY ": it takes no" },
	{ .all = "--send", .any = SCRIPT_UNUSED,
	  .msg = "--send " SCRIPT_WHY ": it takes no" },
	{ .all = "--script", .any = SCRIPT_UNUSED,
	  .msg = "--script " SCRIPT_WHY ": it takes no" },
	{ .all = "--replay", .any = "-z -e -c --fifo -d -q --quit-after "
	  "--send-only --recv-only --raw --readline --chat --expect --send "
	  "--script",
	  .msg = "--replay plays a recording in stdin and stdout's place: "
	  "it takes no" },
	{ .all = "-u -l", .any = "-t --fifo --expect --send --script",
	  .none = "-e -c",
	  .msg = "a datagram listener (-u -l) answers its peers from stdin: "
	  "it takes no" },
	{ .all = "--record", .any = "-z --chat",
	  .msg = "--record records a connection's sessions: it takes no" },
	{ .all = "--timestamp", .any = "-z --raw --chat",
	  .msg = "--timestamp stamps what a peer sends to stdout and the "
	  "logs: it takes no" },
	{ .all = "bare-stamp", .any = "-e -c",
	  .msg = "--timestamp stamps what a peer sends to stdout, and the "
	  "lines of -o and --hex-dump: without a log it takes no" },
	/* nc's letters that are ncat's too, said after every refusal. */
	{ .all = "-m low-minttl", .any = "-l -e -c", .warn = 1,
	  .msg = "-m is nc's minimum TTL, not ncat's most clients at once: "
	  "that is --max-conns" },
	{ .all = "-i -l", .warn = 1,
	  .msg = "-i is nc's interval between lines sent, not ncat's idle "
	  "timeout: that is --idle-timeout" },
	/* Last but one: -q also says -N, which no row above may take for it. */
	{ .step = step_quit },
	{ .step = step_last },
};

/*
 * Copy the next word of the space-separated list *list into w, of size
 * FACT_NAME_MAX, and move *list past it: 0 at the list's end (or with
 * no list).  A longer word is cut, and so names no fact.
 */
#define FACT_NAME_MAX	32
static __startup int
next_fact(const char **list, char *w)
{
	size_t	 len, n;

	if (*list == NULL)
		return (0);
	/*
	 * Scanned and copied by hand, not with strspn(3), strcspn(3) and
	 * snprintf(3): this runs at every start, and those calls map about
	 * 200 KiB of libc's text (printf's machinery, the SSE4.2 string
	 * functions) that an idle listener otherwise never touches.
	 */
	while (**list == ' ')
		(*list)++;
	for (len = 0; (*list)[len] != '\0' && (*list)[len] != ' '; len++)
		continue;
	if (len == 0)
		return (0);
	n = len < FACT_NAME_MAX ? len : FACT_NAME_MAX - 1;
	memcpy(w, *list, n);
	w[n] = '\0';
	*list += len;
	return (1);
}

/* The option row the fact w is ("-z", "--fifo"), or NULL. */
static __startup const struct optdef *
fact_option(const char *w)
{
	if (w[0] != '-')
		return (NULL);
	if (w[1] == '-')
		return (w[2] != '\0' && w[3] != '\0' ? opt_named(w + 2) :
		    NULL);
	return (w[1] != '\0' && w[2] == '\0' ? opt_named(w + 1) : NULL);
}

/* Does fact w hold in o?  Returns 1 or 0, or -1 when w is no fact. */
static __startup int
fact_holds(const struct options *o, const char *w)
{
	const struct optdef	*d;
	size_t			 i;

	if ((d = fact_option(w)) != NULL)
		return (opt_on(o, d));
	for (i = 0; i < C_COUNT; i++) {
		if (strcmp(conditions[i], w) == 0)
			return (condition_holds(o, i) != 0);
	}
	return (-1);
}

/*
 * How many facts of list hold in o, stopping at the first that does not when
 * all is set.  Exits on a name that is no fact (a fault of the table).
 */
static __startup size_t
facts_holding(const struct options *o, const char *list, int all)
{
	char	 w[FACT_NAME_MAX];
	size_t	 n = 0;
	int	 h;

	while (next_fact(&list, w)) {
		if ((h = fact_holds(o, w)) == -1)
			fatalx("conflict table: %s is no fact", w);
		if (h)
			n++;
		else if (all)
			return (0);
	}
	return (n);
}

/* The number of facts in list. */
static __startup size_t
facts_count(const char *list)
{
	char	 w[FACT_NAME_MAX];
	size_t	 n = 0;

	while (next_fact(&list, w))
		n++;
	return (n);
}

/* Does one of the facts of list hold in o? */
__startup int
cmdline_facts_any(const struct options *o, const char *list)
{
	return (facts_holding(o, list, 0) != 0);
}

/* The conditions a message names otherwise than the rows do. */
static const char *const fact_texts[][2] = {
	{ "proxy-server", "proxy server" },
	{ "several-ports", "several ports" },
	{ "ws-url", "ws:// operand" },
	{ "bare-stamp", "--timestamp without -o or --hex-dump" },
};

/* A fact as messages name it (a mode's, as its refusals): no option. */
static __startup const char *
fact_text(const char *w, int mode)
{
	size_t	 i;

	if (mode && strcmp(w, "proxy-server") == 0)
		return ("-l --proxy-type");
	for (i = 0; i < nitems(fact_texts); i++) {
		if (strcmp(w, fact_texts[i][0]) == 0)
			return (fact_texts[i][1]);
	}
	return (w);
}

/* Append to msg (size bytes) the facts of list that hold: "A, B or C". */
static __startup void
facts_named(const struct options *o, const char *list, char *msg,
    size_t size)
{
	char	 w[FACT_NAME_MAX];
	size_t	 n = facts_holding(o, list, 0), i = 0;

	while (next_fact(&list, w)) {
		if (fact_holds(o, w) != 1)
			continue;
		strlcat(msg, i == 0 ? "" : i + 1 == n ? " or " : ", ", size);
		strlcat(msg, fact_text(w, 0), size);
		i++;
	}
}

/*
 * Refuse the facts of list that hold in o, in one line naming subject (a
 * mode, an address) and why: "SUBJECT WHY: it takes no ..."; exits 1.
 */
__startup void
cmdline_refuse_facts(const struct options *o, const char *subject,
    const char *why, const char *list)
{
	char	 msg[512];

	if (list == NULL || facts_holding(o, list, 0) == 0)
		return;
	snprintf(msg, sizeof(msg), "%s %s: it takes no ", subject,
	    why != NULL ? why : "is a mode of its own");
	facts_named(o, list, msg, sizeof(msg));
	fatalx("%s", msg);
}

/* Does row c's message end "takes no", to name the facts of any it met? */
static int
conflict_names(const struct conflict *c)
{
	size_t	 len = strlen(c->msg);

	return (len > 8 && strcmp(c->msg + len - 8, "takes no") == 0);
}

/* Exit with row c's message, and what it names. */
static __startup __dead void
conflict_refuse(const struct options *o, const struct conflict *c)
{
	char	 msg[512];

	if (!conflict_names(c))
		fatalx("%s", c->msg);
	snprintf(msg, sizeof(msg), "%s ", c->msg);
	facts_named(o, c->any, msg, sizeof(msg));
	fatalx("%s", msg);
}

/* A mode of sockcat's own takes no other mode, near end or unused option. */
static __startup void
step_modes(struct cmdline *cl)
{
	const struct mode_rule	*r;
	size_t			 i, n;

	/* A pair's mode is known once it is built: what holds now. */
	if (cl->pair && (cl->facts = malloc(sizeof(*cl->facts))) != NULL)
		*cl->facts = *cl->o;
	r = mode_rule_table(&n);
	for (i = 0; i < n; i++) {
		if (facts_holding(cl->o, r[i].fact, 1) == 0)
			continue;
		cmdline_refuse_facts(cl->o, fact_text(r[i].fact, 1), NULL,
		    r[i].others);
		cmdline_refuse_facts(cl->o, fact_text(r[i].fact, 1), r[i].why,
		    r[i].unused);
	}
}

/* Refuse what fact's mode does not use, when a command line runs it unnamed. */
__startup void
cmdline_refuse_mode(const struct options *o, const char *fact,
    const char *subject)
{
	const struct mode_rule	*r;
	size_t			 i, n;

	r = mode_rule_table(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(r[i].fact, fact) == 0)
			cmdline_refuse_facts(o, subject, r[i].why, r[i].unused);
	}
}

/*
 * Say each name of lists a, b and c of a row of table that is no fact of o.
 * Returns 0 when there is one.
 */
static __startup int
lists_valid(const struct options *o, const char *table, const char *a,
    const char *b, const char *c)
{
	const char	*lists[] = { a, b, c }, *l;
	char		 w[FACT_NAME_MAX];
	size_t		 j;
	int		 ok = 1;

	for (j = 0; j < nitems(lists); j++) {
		for (l = lists[j]; next_fact(&l, w); ) {
			if (fact_holds(o, w) != -1)
				continue;
			log_warnx("%s table: %s is no fact", table, w);
			ok = 0;
		}
	}
	return (ok);
}

/*
 * Is every fact the conflict rows and mode rules name an option or a
 * condition?  Says each one that is not.  The table dump refuses to go on
 * without it, as debug builds do at every start.
 */
__startup int
cmdline_conflicts_valid(void)
{
	struct options		 o;
	const struct mode_rule	*r;
	size_t			 i, n;
	int			 ok = 1;

	opt_defaults(&o);
	for (i = 0; i < nitems(conflicts); i++) {
		ok &= lists_valid(&o, "conflict", conflicts[i].all,
		    conflicts[i].any, conflicts[i].none);
		/* What a message names is of its any list. */
		if (conflicts[i].msg != NULL && conflict_names(&conflicts[i]) &&
		    conflicts[i].any == NULL) {
			log_warnx("conflict table: \"%s\" names no list",
			    conflicts[i].msg);
			ok = 0;
		}
	}
	r = mode_rule_table(&n);
	for (i = 0; i < n; i++)
		ok &= lists_valid(&o, "mode", r[i].fact, r[i].others,
		    r[i].unused);
	return (ok);
}

/* The option row of the i-th fact of list, or NULL for a condition or none. */
static const struct optdef *
list_option(const char *list, size_t i)
{
	char	 w[FACT_NAME_MAX];

	while (next_fact(&list, w)) {
		if (i-- == 0)
			return (fact_option(w));
	}
	return (NULL);
}

/* Print whichever of a and b is not d, when the other is (space if *sep). */
static void
exclude_pair(const struct optdef *d, const struct optdef *a,
    const struct optdef *b, int *sep)
{
	if (a == NULL || b == NULL || (a != d && b != d))
		return;
	print_names(a == d ? b : a, *sep);
	*sep = 1;
}

/* Of a and each option of list, print the one that is not d (above). */
static void
exclude_list(const struct optdef *d, const struct optdef *a,
    const char *list, int *sep)
{
	size_t	 j;

	for (j = 0; j < facts_count(list); j++)
		exclude_pair(d, a, list_option(list, j), sep);
}

/*
 * Print, for the completions, the options d always excludes (same field, or
 * a conflict row without a condition).
 */
void
cmdline_excludes(const struct optdef *d)
{
	const struct optdef	*t;
	const struct conflict	*c;
	const struct mode_rule	*r;
	size_t			 i, n;
	int			 sep = 0;

	t = opt_table(&n);
	/* A flag: the other values of its field (no hidden row is a flag). */
	for (i = 0; d->kind == OPTK_FLAG && i < n; i++) {
		if (t[i].kind == OPTK_FLAG && t[i].field == d->field &&
		    t[i].value != d->value) {
			DEBUG_CHECK(t[i].group != OPTG_HIDDEN,
			    "a hidden option is a flag");
			print_names(&t[i], sep);
			sep = 1;
		}
	}
	for (i = 0; i < nitems(conflicts); i++) {
		c = &conflicts[i];
		if (c->step != NULL || c->warn || c->none != NULL)
			continue;
		if (c->any == NULL && facts_count(c->all) == 2)
			exclude_pair(d, list_option(c->all, 0),
			    list_option(c->all, 1), &sep);
		if (c->any != NULL && facts_count(c->all) == 1)
			exclude_list(d, list_option(c->all, 0), c->any, &sep);
	}
	r = mode_rule_table(&n);
	for (i = 0; i < n; i++) {
		exclude_list(d, list_option(r[i].fact, 0), r[i].others, &sep);
		exclude_list(d, list_option(r[i].fact, 0), r[i].unused, &sep);
	}
}

/* --dump-modes: a line per mode of sockcat's own: its fact, what it refuses. */
void
cmdline_dump_modes(void)
{
	const struct mode_rule	*r;
	size_t			 i, n;

	r = mode_rule_table(&n);
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", r[i].fact, r[i].others != NULL ?
		    r[i].others : "", r[i].unused);
}

/* Go through the conflict table: exits at the first conflict. */
__startup void
cmdline_check(struct cmdline *cl)
{
	const struct conflict	*c;
	const struct options	*o = cl->o;
	size_t			 i;

	DEBUG_CHECK(cmdline_conflicts_valid(),
	    "the conflict table names no fact");
	for (i = 0; i < nitems(conflicts); i++) {
		c = &conflicts[i];
		if (c->step != NULL) {
			c->step(cl);
			continue;
		}
		if (facts_holding(o, c->all, 1) != facts_count(c->all) ||
		    facts_holding(o, c->none, 0) != 0 ||
		    (c->any != NULL && facts_holding(o, c->any, 0) == 0))
			continue;
		if (!c->warn)
			conflict_refuse(o, c);
		log_warnx("%s", c->msg);
	}
}
