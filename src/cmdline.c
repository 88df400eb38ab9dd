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
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockcat.h"

/* Long options without a short letter. */
enum {
	OPT_VERSION = CHAR_MAX + 1,
	OPT_HALF_CLOSE,
	OPT_QUIT_AFTER,
	OPT_HEX_DUMP,
	OPT_APPEND_OUTPUT,
	OPT_SEND_ONLY,
	OPT_RECV_ONLY,
	OPT_NO_SHUTDOWN,
	OPT_DELAY,
};

/* The longest TCP MD5 key Linux takes (TCP_MD5SIG_MAXKEYLEN). */
#define MD5SIG_KEY_MAX	80

static const char short_options[] =
    "46bCDdFhI:i:klM:m:NnO:o:p:q:rSs:T:tV:vW:w:Zz";

static const struct option long_options[] = {
	{ "ipv4",		no_argument,		NULL, '4' },
	{ "ipv6",		no_argument,		NULL, '6' },
	{ "broadcast",		no_argument,		NULL, 'b' },
	{ "crlf",		no_argument,		NULL, 'C' },
	{ "debug",		no_argument,		NULL, 'D' },
	{ "no-stdin",		no_argument,		NULL, 'd' },
	{ "pass-fd",		no_argument,		NULL, 'F' },
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
	{ "output",		required_argument,	NULL, 'o' },
	{ "source-port",	required_argument,	NULL, 'p' },
	{ "quit",		required_argument,	NULL, 'q' },
	{ "randomize",		no_argument,		NULL, 'r' },
	{ "md5sig",		no_argument,		NULL, 'S' },
	{ "source",		required_argument,	NULL, 's' },
	{ "tos",		required_argument,	NULL, 'T' },
	{ "telnet",		no_argument,		NULL, 't' },
	{ "rtable",		required_argument,	NULL, 'V' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "recv-limit",		required_argument,	NULL, 'W' },
	{ "wait",		required_argument,	NULL, 'w' },
	{ "dccp",		no_argument,		NULL, 'Z' },
	{ "zero",		no_argument,		NULL, 'z' },
	{ "half-close",		no_argument,		NULL, OPT_HALF_CLOSE },
	{ "quit-after",		required_argument,	NULL, OPT_QUIT_AFTER },
	{ "hex-dump",		required_argument,	NULL, OPT_HEX_DUMP },
	{ "append-output",	no_argument,		NULL, OPT_APPEND_OUTPUT },
	{ "send-only",		no_argument,		NULL, OPT_SEND_ONLY },
	{ "recv-only",		no_argument,		NULL, OPT_RECV_ONLY },
	{ "no-shutdown",	no_argument,		NULL, OPT_NO_SHUTDOWN },
	{ "delay",		required_argument,	NULL, OPT_DELAY },
	{ "version",		no_argument,		NULL, OPT_VERSION },
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
"Listen:   %1$s -l [options] [address] port\n"
"\n"
"Connection:\n"
"  -4, --ipv4             use IPv4 only\n"
"  -6, --ipv6             use IPv6 only\n"
"  -l, --listen           listen for an incoming connection\n"
"  -k, --keep-open        with -l, accept connections one after another\n"
"  -n, --nodns            do not resolve names or services\n"
"  -p, --source-port PORT local port to connect from, or to listen on\n"
"  -s, --source ADDR      local address to connect from, or to listen on\n"
"  -z, --zero             scan: report which ports accept, send nothing\n"
"  -r, --randomize        scan or connect to the ports in random order\n"
"  -i, --interval TIME    pause after each line sent, and between ports\n"
"  -F, --pass-fd          pass the connected socket on stdout and exit\n"
"  -Z, --dccp             use DCCP (where the system has it)\n"
"  -V, --rtable RTABLE    alternate routing table (not on this system)\n"
"\n"
"Data and end of file:\n"
"  -C, --crlf             send CRLF as the line ending (data from stdin)\n"
"  -d, --no-stdin         do not read from stdin\n"
"      --send-only        only send; ignore what is received, quit at EOF\n"
"      --recv-only        only receive; never read stdin, send nothing\n"
"  -t, --telnet           refuse the peer's telnet option negotiations\n"
"  -W, --recv-limit N     end after N reads from the network\n"
"      --delay TIME       pause after each write, in both directions\n"
"  -N, --shutdown         shut down the socket's sending side at stdin EOF\n"
"      --no-shutdown      never shut down the sending side (overrides -N, -q)\n"
"  -q, --quit SECS        after stdin EOF, quit SECS later (-1: never)\n"
"      --quit-after TIME  after stdin EOF, quit at most TIME later\n"
"      --half-close       each direction ends on its own; exit when both have\n"
"  -w, --wait TIME        connect timeout and idle timeout\n"
"\n"
"Session logs:\n"
"  -o, --output FILE      log the data of both directions to FILE, raw\n"
"      --hex-dump FILE    log it to FILE as a hex dump (< received, > sent)\n"
"      --append-output    append to the log files rather than truncate them\n"
"\n"
"Socket options:\n"
"  -b, --broadcast        allow broadcast\n"
"  -D, --debug            enable SO_DEBUG\n"
"  -I, --recv-buf LEN     TCP receive buffer size\n"
"  -O, --send-buf LEN     TCP send buffer size\n"
"  -S, --md5sig           TCP MD5 signatures (the key is read from the tty)\n"
"  -M, --ttl TTL          outgoing TTL / hop limit\n"
"  -m, --min-ttl TTL      minimum incoming TTL / hop limit\n"
"  -T, --tos KEYWORD      IP TOS / traffic class (lowdelay, throughput,\n"
"                         reliability, ef, af11..af43, cs0..cs7 or a number)\n"
"\n"
"Information:\n"
"  -v, --verbose          report connections (twice: more)\n"
"  -h, --help             show this help\n"
"      --version          show the version\n"
"\n"
"TIME is seconds, or a number with a unit: 500ms, 2s, 1m, 1h.\n"
"Ports can be numbers, service names or inclusive ranges lo-hi.\n"
"\n"
"Examples:\n"
"  %1$s -l 5000 > file           receive a file\n"
"  %1$s -N host 5000 < file      send a file\n"
"  %1$s -zv host 20-30           scan ports 20 to 30\n";

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
 * -S: read the TCP MD5 key from the terminal, as netcat does when it sees
 * the option; without a terminal there is no key to read.
 */
static void
md5sig_read(struct options *o)
{
	char	 key[MD5SIG_KEY_MAX + 1];

	if (readpassphrase("TCP MD5SIG password: ", key, sizeof(key),
	    RPP_REQUIRE_TTY) == NULL)
		fatalx("Unable to read TCP MD5SIG password");
	free(o->md5sig);
	if ((o->md5sig = strdup(key)) == NULL)
		fatal("strdup");
	explicit_bzero(key, sizeof(key));
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

/*
 * Fill o from the command line, exiting with netcat's message and status 1
 * on anything it would refuse.
 */
void
cmdline_parse(struct options *o, int argc, char **argv)
{
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->socktype = SOCK_STREAM;
	o->ttl = o->minttl = o->tos = -1;
	o->timeout_ms = TIME_NONE;
	o->quit_ms = TIME_NONE;
	o->deadline_ms = TIME_NONE;

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
		case 'D':
			o->so_debug = 1;
			break;
		case 'F':
			o->fdpass = 1;
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
			o->interval_ms = time_value("interval", optarg, 0,
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
		case 'o':
			o->output = optarg;
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
		case 'S':
			md5sig_read(o);
			break;
		case 's':
			o->source = optarg;
			break;
		case 'T':
			if (parse_tos(optarg, &o->tos) == -1)
				fatalx("illegal tos value %s", optarg);
			break;
		case 't':
			o->telnet = 1;
			break;
		case 'V':
			/* Routing tables are an OpenBSD feature. */
			fatalx("no alternate routing table support available");
		case 'v':
			o->verbose++;
			break;
		case 'W':
			o->recv_limit = number("receive limit", optarg, 1,
			    INT_MAX);
			break;
		case 'w':
			o->timeout_ms = time_value("timeout", optarg, 0,
			    INT_MAX / 1000);
			break;
		case 'Z':
			o->dccp = 1;
			break;
		case 'z':
			o->zero = 1;
			break;
		case OPT_HALF_CLOSE:
			o->half_close = 1;
			break;
		case OPT_QUIT_AFTER:
			o->deadline_ms = time_value("quit timer", optarg, 0,
			    INT_MAX);
			break;
		case OPT_HEX_DUMP:
			o->hex_dump = optarg;
			break;
		case OPT_APPEND_OUTPUT:
			o->append_output = 1;
			break;
		case OPT_SEND_ONLY:
			o->send_only = 1;
			break;
		case OPT_RECV_ONLY:
			o->recv_only = 1;
			break;
		case OPT_NO_SHUTDOWN:
			o->no_shutdown = 1;
			break;
		case OPT_DELAY:
			o->delay_ms = time_value("delay", optarg, 0,
			    INT_MAX / 1000);
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

	/*
	 * Operands, in the forms netcat accepts: "-l -p port [-s addr]",
	 * "-l port", "-l addr port", "host port [port ...]".  Listening with
	 * both an address operand and -s or -p is ambiguous: usage.
	 */
	if (argc == 0 && o->listen) {
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
	if (o->send_only && o->recv_only)
		fatalx("cannot use --send-only and --recv-only");
	/* A quit timer also tells the peer about stdin's end (Debian). */
	if (o->quit_ms != TIME_NONE)
		o->shut_net = 1;
	if (o->no_shutdown)
		o->shut_net = 0;
	if (o->recv_only)
		o->no_stdin = 1;
	if (o->dccp)
		o->socktype = SOCK_DCCP;
	log_init(o->verbose);
}
