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
 * The command line: options as netcat-openbsd takes them, long aliases,
 * operands, and the conflict checks done once after parsing.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockcat.h"

/* Long options without a short letter. */
enum {
	OPT_VERSION = CHAR_MAX + 1,
	OPT_HALF_CLOSE,
	OPT_QUIT_AFTER,
	OPT_NO_SPLICE,
	OPT_MAX_CONNS,
	OPT_FIFO,
	OPT_BROKER,
	OPT_ROOM,
	OPT_ALLOW,
	OPT_ALLOWFILE,
	OPT_DENY,
	OPT_DENYFILE,
	OPT_IDLE_TIMEOUT,
	OPT_PROXY_TYPE,
	OPT_PROXY_AUTH,
	OPT_SSL,
	OPT_SSL_CERT,
	OPT_SSL_KEY,
	OPT_SSL_VERIFY,
	OPT_SSL_TRUSTFILE,
	OPT_SSL_CIPHERS,
	OPT_SSL_SERVERNAME,
	OPT_SSL_ALPN,
	OPT_STATS,
	OPT_PROGRESS,
};

static const char short_options[] =
    "46bCc:Dde:hI:i:klM:m:NnO:P:p:q:rs:T:Uuvw:X:x:z";

static const struct option long_options[] = {
	{ "ipv4",		no_argument,		NULL, '4' },
	{ "ipv6",		no_argument,		NULL, '6' },
	{ "broadcast",		no_argument,		NULL, 'b' },
	{ "crlf",		no_argument,		NULL, 'C' },
	{ "sh-exec",		required_argument,	NULL, 'c' },
	{ "debug",		no_argument,		NULL, 'D' },
	{ "no-stdin",		no_argument,		NULL, 'd' },
	{ "exec",		required_argument,	NULL, 'e' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "recv-buf",		required_argument,	NULL, 'I' },
	{ "interval",		required_argument,	NULL, 'i' },
	{ "keep-open",		no_argument,		NULL, 'k' },
	{ "listen",		no_argument,		NULL, 'l' },
	{ "ttl",		required_argument,	NULL, 'M' },
	{ "min-ttl",		required_argument,	NULL, 'm' },
	{ "shutdown",		no_argument,		NULL, 'N' },
	{ "nodns",		no_argument,		NULL, 'n' },
	{ "send-buf",		required_argument,	NULL, 'O' },
	{ "source-port",	required_argument,	NULL, 'p' },
	{ "quit",		required_argument,	NULL, 'q' },
	{ "randomize",		no_argument,		NULL, 'r' },
	{ "source",		required_argument,	NULL, 's' },
	{ "tos",		required_argument,	NULL, 'T' },
	{ "unixsock",		no_argument,		NULL, 'U' },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "wait",		required_argument,	NULL, 'w' },
	{ "zero",		no_argument,		NULL, 'z' },
	{ "fifo",		required_argument,	NULL, OPT_FIFO },
	{ "proxy",		required_argument,	NULL, 'x' },
	{ "proxy-type",		required_argument,	NULL, OPT_PROXY_TYPE },
	{ "proxy-auth",		required_argument,	NULL, OPT_PROXY_AUTH },
	{ "ssl",		no_argument,		NULL, OPT_SSL },
	{ "ssl-cert",		required_argument,	NULL, OPT_SSL_CERT },
	{ "ssl-key",		required_argument,	NULL, OPT_SSL_KEY },
	{ "ssl-verify",		no_argument,		NULL, OPT_SSL_VERIFY },
	{ "ssl-trustfile",	required_argument,	NULL, OPT_SSL_TRUSTFILE },
	{ "ssl-ciphers",	required_argument,	NULL, OPT_SSL_CIPHERS },
	{ "ssl-servername",	required_argument,	NULL, OPT_SSL_SERVERNAME },
	{ "ssl-alpn",		required_argument,	NULL, OPT_SSL_ALPN },
	{ "half-close",		no_argument,		NULL, OPT_HALF_CLOSE },
	{ "quit-after",		required_argument,	NULL, OPT_QUIT_AFTER },
	{ "no-splice",		no_argument,		NULL, OPT_NO_SPLICE },
	{ "stats",		no_argument,		NULL, OPT_STATS },
	{ "progress",		optional_argument,	NULL, OPT_PROGRESS },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "broker",		no_argument,		NULL, OPT_BROKER },
	{ "room",		no_argument,		NULL, OPT_ROOM },
	{ "max-conns",		required_argument,	NULL, OPT_MAX_CONNS },
	{ "allow",		required_argument,	NULL, OPT_ALLOW },
	{ "allowfile",		required_argument,	NULL, OPT_ALLOWFILE },
	{ "deny",		required_argument,	NULL, OPT_DENY },
	{ "denyfile",		required_argument,	NULL, OPT_DENYFILE },
	{ "idle-timeout",	required_argument,	NULL, OPT_IDLE_TIMEOUT },
	{ NULL,			0,			NULL, 0 }
};

/* netcat's usage text, letter for letter: scripts and users know it. */
static const char usage_text[] =
"usage: %s [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n"
"\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n"
"\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n"
"\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n"
"\t  [destination] [port]\n";

static const char help_text[] =
"\n"
"Connect:  %1$s [options] host port[-port] [port ...]\n"
"          %1$s -U [options] path\n"
"Listen:   %1$s -l [options] [address] port\n"
"          %1$s -l -U [options] path\n"
"\n"
"Connection:\n"
"  -4, --ipv4             use IPv4 only\n"
"  -6, --ipv6             use IPv6 only\n"
"  -l, --listen           listen for an incoming connection\n"
"  -u, --udp              use UDP (with -U: Unix datagram sockets)\n"
"  -U, --unixsock         use a Unix-domain socket: a path, or @name\n"
"  -k, --keep-open        with -l, accept connections one after another;\n"
"                         with -u, answer every peer\n"
"  -n, --nodns            do not resolve names or services\n"
"  -p, --source-port PORT local port to connect from, or to listen on\n"
"  -s, --source ADDR      local address to connect from, or to listen on;\n"
"                         with -uU, the path of our own socket\n"
"  -z, --zero             scan: report which ports accept, send nothing\n"
"  -r, --randomize        scan or connect to the ports in random order\n"
"  -i, --interval SECS    pause between ports scanned\n"
"\n"
"Servers (--broker and --room listen; the controls apply to any -l):\n"
"      --broker           relay what each client sends to all the others\n"
"      --room             chat server: user ids, announcements, line prefixes\n"
"      --max-conns N      serve at most N clients at once\n"
"      --allow ADDR       accept only these clients (address, CIDR or name)\n"
"      --allowfile FILE   --allow for each line of FILE\n"
"      --deny ADDR        refuse these clients (deny wins over allow)\n"
"      --denyfile FILE    --deny for each line of FILE\n"
"      --idle-timeout TIME  disconnect a client that sends nothing for TIME\n"
"\n"
"Data and end of file:\n"
"  -C, --crlf             send CRLF as the line ending (data from stdin)\n"
"  -d, --no-stdin         do not read from stdin\n"
"  -N, --shutdown         shut down the socket's sending side at stdin EOF\n"
"  -q, --quit SECS        after stdin EOF, quit SECS later (-1: never)\n"
"      --quit-after TIME  after stdin EOF, quit at most TIME later\n"
"      --half-close       each direction ends on its own; exit when both have\n"
"  -w, --wait TIME        connect timeout and idle timeout\n"
"      --no-splice        copy data through user space (no splice/sendfile)\n"
"\n"
"Programs and FIFOs:\n"
"  -e, --exec PROG        run PROG for each connection (with -u -l, for each\n"
"                         peer), its stdin and stdout wired to it (split on\n"
"                         blanks, no shell, PATH used)\n"
"  -c, --sh-exec CMD      the same with CMD run by /bin/sh -c\n"
"      --fifo PATH        send what is written to the FIFO PATH (made if\n"
"                         missing), write what is received to stdout\n"
"\n"
"Proxies:\n"
"  -x, --proxy ADDR[:PORT] connect through this proxy ([v6addr]:port)\n"
"  -X, --proxy-type PROTO proxy protocol: 4, 4a, 5 (SOCKS, the default)\n"
"                         or connect (HTTP); also socks4, socks4a, socks5,\n"
"                         http.  -l --proxy-type socks5|http: be a proxy\n"
"  -P USER                proxy user name; the password is asked for\n"
"      --proxy-auth USER:PASS  proxy credentials, without asking\n"
"\n"
"TLS (any --ssl-* option implies --ssl):\n"
"      --ssl              speak TLS on the connection\n"
"      --ssl-cert FILE    PEM certificate (a listener without one makes a\n"
"                         temporary self-signed certificate)\n"
"      --ssl-key FILE     PEM private key of --ssl-cert\n"
"      --ssl-verify       verify the peer's certificate and name\n"
"      --ssl-trustfile FILE  PEM certificates to trust instead of the system's\n"
"      --ssl-ciphers LIST OpenSSL cipher list\n"
"      --ssl-servername NAME  server name to send (SNI) and verify\n"
"      --ssl-alpn LIST    ALPN protocols, comma-separated\n"
"\n"
"Socket options:\n"
"  -b, --broadcast        allow broadcast\n"
"  -D, --debug            enable SO_DEBUG\n"
"  -I, --recv-buf LEN     TCP receive buffer size\n"
"  -O, --send-buf LEN     TCP send buffer size\n"
"  -M, --ttl TTL          outgoing TTL / hop limit\n"
"  -m, --min-ttl TTL      minimum incoming TTL / hop limit\n"
"  -T, --tos KEYWORD      IP TOS / traffic class (lowdelay, throughput,\n"
"                         reliability, ef, af11..af43, cs0..cs7 or a number)\n"
"\n"
"Information:\n"
"  -v, --verbose          report connections (twice: also --stats)\n"
"      --stats            at the end, show bytes sent and received, and rate\n"
"      --progress[=WHEN]  live progress line on stderr; WHEN: auto (default:\n"
"                         stderr is a terminal, stdout is not), always, never\n"
"  -h, --help             show this help\n"
"      --version          show the version\n"
"\n"
"TIME is seconds, or a number with a unit: 500ms, 2s, 1m, 1h.\n"
"Ports can be numbers, service names or inclusive ranges lo-hi.\n"
"\n"
"Examples:\n"
"  %1$s -l 5000 > file           receive a file\n"
"  %1$s -N host 5000 < file      send a file\n"
"  %1$s -zv host 20-30           scan ports 20 to 30\n"
"  %1$s --progress -N host 5000 < file\n"
"                                   ... showing how far it got\n"
"  %1$s -lk 5000 -e /bin/cat     an echo server, one cat per client\n"
"  %1$s --room 5000               run a chat server\n"

"  %1$s -u -l -k 7000            answer UDP datagrams from any peer\n"
"  %1$s -lU /tmp/sock            listen on a Unix-domain socket\n";

void
usage(int full)
{
	if (full) {
		printf(usage_text, getprogname());
		printf(help_text, getprogname());
		exit(0);
	}
	fprintf(stderr, usage_text, getprogname());
	exit(1);
}

/*
 * A number option within [lo, hi].  The message is netcat's: "what errstr:
 * arg", or "what is errstr" for the options where it says so.
 */
static long long
number(const char *what, const char *arg, long long lo, long long hi)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(arg, lo, hi, &errstr);
	if (errstr == NULL)
		return (n);
	if (strcmp(what, "ttl") == 0 || strcmp(what, "minttl") == 0)
		fatalx("%s is %s", what, errstr);
	fatalx("%s %s: %s", what, errstr, arg);
}

/* --progress[=WHEN]: auto (the default), always or never. */
static int
progress_when(const char *arg)
{
	if (arg == NULL || strcmp(arg, "auto") == 0)
		return (PROGRESS_AUTO);
	if (strcmp(arg, "always") == 0)
		return (PROGRESS_ALWAYS);
	if (strcmp(arg, "never") == 0)
		return (PROGRESS_NEVER);
	fatalx("progress invalid: %s (auto, always or never)", arg);
}

/*
 * A time option within [min_s, max_s] seconds, in milliseconds; netcat's
 * "what errstr: arg" for anything bad.
 */
static long long
time_value(const char *what, const char *arg, long long min_s,
    long long max_s)
{
	const char	*errstr;
	long long	 ms;

	if (parse_time(arg, min_s, max_s, &ms, &errstr) == -1)
		fatalx("%s %s: %s", what, errstr, arg);
	return (ms);
}

/* An allow or deny rule, or a file of them; exits on a bad one. */
static void
gate_option(struct options *o, int deny, int file, const char *arg)
{
	char	*cause;
	int	 rc;

	if (file)
		rc = gate_add_file(&o->gate, deny, arg, &cause);
	else
		rc = gate_add(&o->gate, deny, arg, &cause);
	if (rc == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/*
 * Port operands: each one a port, a service or a range.  Listening takes
 * exactly one port, and 0 there asks the kernel to pick one.
 */
static void
add_ports(struct options *o, char *const *argv, int argc)
{
	char	 err[256];
	int	 i;

	for (i = 0; i < argc; i++) {
		if (parse_ports(argv[i], o->socktype == SOCK_DGRAM,
		    o->listen ? 0 : 1, &o->ports, &o->nports, err,
		    sizeof(err)) == -1)
			fatalx("%s", err);
	}
	if (o->listen && o->nports > 1)
		fatalx("cannot listen on more than one port: %s", argv[0]);
}

/* --proxy-auth user:pass; without a colon, the password is asked for. */
static void
proxy_auth(struct options *o, char *arg)
{
	char	*colon;

	if ((colon = strchr(arg, ':')) != NULL) {
		*colon = '\0';
		o->proxy_pass = colon + 1;
	}
	o->proxy_user = arg;
}

/*
 * Fill o from the command line, exiting with netcat's message and status 1
 * on anything it would refuse.
 */
void
cmdline_parse(struct options *o, int argc, char **argv)
{
	const char	*proxy = NULL, *errstr;
	int		 ch, proxy_type = 0;

	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->socktype = SOCK_STREAM;
	o->ttl = o->minttl = o->tos = -1;
	o->timeout_ms = TIME_NONE;
	o->quit_ms = TIME_NONE;
	o->deadline_ms = TIME_NONE;
	gate_init(&o->gate);
	o->progress = PROGRESS_NEVER;

	/* Invoked by the name "sockchat" (a link), it is "sockcat --chat". */
	if (strcmp(getprogname(), "sockchat") == 0)
		o->chat = 1;

	while ((ch = getopt_long(argc, argv, short_options, long_options,
	    NULL)) != -1) {
		switch (ch) {
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'b':
			o->broadcast = 1;
			break;
		case 'C':
			o->crlf = 1;
			break;
		case 'c':
		case 'e':
			if (o->exec != NULL && o->exec_shell != (ch == 'c'))
				fatalx("cannot use -e and -c");
			o->exec = optarg;
			o->exec_shell = ch == 'c';
			break;
		case 'D':
			o->so_debug = 1;
			break;
		case 'd':
			o->no_stdin = 1;
			break;
		case 'h':
			usage(1);
		case 'I':
			o->rcvbuf = number("TCP receive window", optarg, 1,
			    65536 * 1024);
			break;
		case 'i':
			o->interval = number("interval", optarg, 0,
			    UINT_MAX);
			break;
		case 'k':
			o->keep = 1;
			break;
		case 'l':
			o->listen = 1;
			break;
		case 'M':
			o->ttl = number("ttl", optarg, 0, 255);
			break;
		case 'm':
			o->minttl = number("minttl", optarg, 0, 255);
			break;
		case 'N':
			o->shut_net = 1;
			break;
		case 'n':
			o->numeric = 1;
			break;
		case 'O':
			o->sndbuf = number("TCP send window", optarg, 1,
			    65536 * 1024);
			break;
		case 'P':
			o->proxy_user = optarg;
			break;
		case 'p':
			o->source_port = optarg;
			break;
		case 'q':
			/*
			 * Debian's meaning: a negative value is "never"; any
			 * other also shuts the socket down at stdin EOF.
			 */
			o->quit_ms = time_value("quit timer", optarg, INT_MIN,
			    INT_MAX);
			if (o->quit_ms < 0)
				o->quit_ms = TIME_NONE;
			break;
		case 'r':
			o->randomize = 1;
			break;
		case 's':
			o->source = optarg;
			break;
		case 'T':
			if (parse_tos(optarg, &o->tos) == -1)
				fatalx("illegal tos value %s", optarg);
			break;
		case 'U':
			o->family = AF_UNIX;
			break;
		case 'u':
			o->socktype = SOCK_DGRAM;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'w':
			o->timeout_ms = time_value("timeout", optarg, 0,
			    INT_MAX / 1000);
			break;
		case 'X':
		case OPT_PROXY_TYPE:
			if ((o->proxy_proto = proxy_parse_proto(optarg)) == -1)
				fatalx("unsupported proxy protocol");
			/* Only the long name makes a listener a proxy. */
			if (ch == OPT_PROXY_TYPE)
				proxy_type = 1;
			break;
		case 'x':
			proxy = optarg;
			break;
		case 'z':
			o->zero = 1;
			break;
		case OPT_PROXY_AUTH:
			proxy_auth(o, optarg);
			break;
		case OPT_SSL:
			o->ssl = 1;
			break;
		case OPT_SSL_CERT:
			o->ssl = 1;
			o->ssl_cert = optarg;
			break;
		case OPT_SSL_KEY:
			o->ssl = 1;
			o->ssl_key = optarg;
			break;
		case OPT_SSL_VERIFY:
			o->ssl = o->ssl_verify = 1;
			break;
		case OPT_SSL_TRUSTFILE:
			o->ssl = 1;
			o->ssl_trustfile = optarg;
			break;
		case OPT_SSL_CIPHERS:
			o->ssl = 1;
			o->ssl_ciphers = optarg;
			break;
		case OPT_SSL_SERVERNAME:
			o->ssl = 1;
			o->ssl_servername = optarg;
			break;
		case OPT_SSL_ALPN:
			o->ssl = 1;
			o->ssl_alpn = optarg;
			break;
		case OPT_HALF_CLOSE:
			o->half_close = 1;
			break;
		case OPT_FIFO:
			o->fifo = optarg;
			break;
		case OPT_QUIT_AFTER:
			o->deadline_ms = time_value("quit timer", optarg, 0,
			    INT_MAX);
			break;
		case OPT_NO_SPLICE:
			o->no_splice = 1;
			break;
		case OPT_BROKER:
			o->broker = 1;
			break;
		case OPT_ROOM:
			o->room = 1;
			break;
		case OPT_MAX_CONNS:
			o->gate.max_conns = number("max-conns", optarg, 1,
			    INT_MAX);
			break;
		case OPT_ALLOW:
		case OPT_ALLOWFILE:
			gate_option(o, 0, ch == OPT_ALLOWFILE, optarg);
			break;
		case OPT_DENY:
		case OPT_DENYFILE:
			gate_option(o, 1, ch == OPT_DENYFILE, optarg);
			break;
		case OPT_IDLE_TIMEOUT:
			o->gate.idle_ms = time_value("idle timeout", optarg,
			    0, INT_MAX);
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_PROGRESS:
			o->progress = progress_when(optarg);
			break;
		case OPT_VERSION:
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		default:
			usage(0);
		}
	}
	argc -= optind;
	argv += optind;
	/* The many-client servers listen. */
	if (o->broker || o->room)
		o->listen = 1;

	if (o->chat)
		fatalx("chat mode is not available in this version");

	/*
	 * Operands, in the forms netcat accepts: "-l -p port [-s addr]",
	 * "-l port", "-l addr port", "host port [port ...]".  Listening with
	 * both an address operand and -s or -p is ambiguous: usage.
	 */
	if (o->family == AF_UNIX) {
		/*
		 * One operand, a socket path ("-l -s path" too); -s names a
		 * datagram client's own socket.
		 */
		if (o->listen && argc == 0 && o->source != NULL &&
		    o->source_port == NULL) {
			argv = (char **)&o->source;
			argc = 1;
			o->source = NULL;
		}
		if (o->listen && argc == 0)
			fatalx("missing socket pathname");
		if (argc == 0 || o->source_port != NULL ||
		    (o->source != NULL &&
		    (o->listen || o->socktype != SOCK_DGRAM)))
			usage(0);
		if (argc > 1)
			fatalx("cannot use port with -U");
		o->host = argv[0];
	} else if (argc == 0 && o->listen) {
		if (o->source_port == NULL)
			fatalx("missing port number");
		o->host = o->source;
		add_ports(o, (char *const *)&o->source_port, 1);
		o->source = o->source_port = NULL;
	} else if (argc == 1 && o->source_port == NULL && o->source == NULL) {
		if (!o->listen)
			fatalx("missing port number");
		add_ports(o, argv, 1);
	} else if (argc >= 2) {
		if (o->listen && (o->source_port != NULL ||
		    o->source != NULL || argc > 2))
			usage(0);
		o->host = argv[0];
		add_ports(o, argv + 1, argc - 1);
	} else
		usage(0);

	/* Conflicts, checked once, in netcat's order. */
	if (o->zero && o->listen)
		fatalx("cannot use -z and -l");
	if (o->keep && !o->listen)
		fatalx("must use -l with -k");
	/* A quit timer also tells the peer about stdin's end (Debian). */
	if (o->quit_ms != TIME_NONE)
		o->shut_net = 1;
	if (o->exec != NULL && o->zero)
		fatalx("cannot use %s and -z", o->exec_shell ? "-c" : "-e");
	/* Peers of a Unix datagram socket cannot have sockets of their own. */
	if (o->exec != NULL && o->family == AF_UNIX &&
	    o->socktype == SOCK_DGRAM && o->keep)
		fatalx("cannot use %s and -k with -U -u",
		    o->exec_shell ? "-c" : "-e");
	if (o->exec != NULL && o->fifo != NULL)
		fatalx("cannot use %s and --fifo", o->exec_shell ? "-c" : "-e");
	if (o->fifo != NULL && o->zero)
		fatalx("cannot use --fifo and -z");
	if (o->fifo != NULL && o->no_stdin)
		fatalx("cannot use --fifo and -d");
	if (o->broker && o->room)
		fatalx("cannot use --broker and --room");
	if ((o->broker || o->room) && o->zero)
		fatalx("cannot use -z and %s", o->room ? "--room" : "--broker");
	if (o->gate.max_conns > 0 && !o->listen)
		fatalx("must use -l with --max-conns");
	if (!TAILQ_EMPTY(&o->gate.rules) && !o->listen)
		fatalx("must use -l with --allow and --deny");
	if (o->gate.idle_ms != TIME_NONE && !o->listen)
		fatalx("must use -l with --idle-timeout");
	if (proxy != NULL) {
		if (o->socktype == SOCK_DGRAM)
			fatalx("no proxy support for UDP mode");
		if (o->listen)
			fatalx("no proxy support for listen");
		if (o->family == AF_UNIX)
			fatalx("no proxy support for unix sockets");
		if (o->source != NULL)
			fatalx("no proxy support for local source address");
		if (o->proxy_proto == PROXY_NONE)
			o->proxy_proto = PROXY_SOCKS5;
		if (proxy_parse_addr(proxy, &o->proxy_host, &o->proxy_port,
		    &errstr) == -1)
			fatalx("%s", errstr);
		if (o->proxy_port == NULL &&
		    (o->proxy_port = strdup(proxy_default_port(
		    o->proxy_proto))) == NULL)
			fatal("strdup");
	} else if (o->listen && proxy_type) {
		if (o->socktype == SOCK_DGRAM)
			fatalx("no proxy support for UDP mode");
		if (o->proxy_proto != PROXY_SOCKS5 &&
		    o->proxy_proto != PROXY_HTTP)
			fatalx("a proxy server speaks socks5 or http");
		o->proxy_serve = 1;
	}
	if (o->ssl) {
		if (!tls_available())
			fatalx("TLS support was not built in");
		if (o->socktype == SOCK_DGRAM)
			fatalx("cannot use --ssl with -u");
		if (o->proxy_serve)
			fatalx("cannot use --ssl with a proxy server");
	}
	log_init(o->verbose);
}
