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
	OPT_CHAT,
};

static const char short_options[] = "46bCDdhI:i:klM:m:NnO:p:q:rs:T:uvw:z";

static const struct option long_options[] = {
	{ "ipv4",		no_argument,		NULL, '4' },
	{ "ipv6",		no_argument,		NULL, '6' },
	{ "broadcast",		no_argument,		NULL, 'b' },
	{ "crlf",		no_argument,		NULL, 'C' },
	{ "debug",		no_argument,		NULL, 'D' },
	{ "no-stdin",		no_argument,		NULL, 'd' },
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
	{ "udp",		no_argument,		NULL, 'u' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "wait",		required_argument,	NULL, 'w' },
	{ "zero",		no_argument,		NULL, 'z' },
	{ "chat",		no_argument,		NULL, OPT_CHAT },
	{ "half-close",		no_argument,		NULL, OPT_HALF_CLOSE },
	{ "quit-after",		required_argument,	NULL, OPT_QUIT_AFTER },
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
"Chat:     %1$s --chat [-l [address] port]    (wait for someone to talk to)\n"
"          %1$s --chat host [port]            (talk to a --chat server)\n"
"\n"
"Connection:\n"
"  -4, --ipv4             use IPv4 only\n"
"  -6, --ipv6             use IPv6 only\n"
"  -l, --listen           listen for an incoming connection\n"
"  -k, --keep-open        with -l, accept connections one after another\n"
"  -n, --nodns            do not resolve names or services\n"
"  -u, --udp              use UDP (with --chat)\n"
"  -p, --source-port PORT local port to connect from, or to listen on\n"
"  -s, --source ADDR      local address to connect from, or to listen on\n"
"  -z, --zero             scan: report which ports accept, send nothing\n"
"  -r, --randomize        scan or connect to the ports in random order\n"
"  -i, --interval SECS    pause between ports scanned\n"
"\n"
"Data and end of file:\n"
"  -C, --crlf             send CRLF as the line ending (data from stdin)\n"
"  -d, --no-stdin         do not read from stdin\n"
"  -N, --shutdown         shut down the socket's sending side at stdin EOF\n"
"  -q, --quit SECS        after stdin EOF, quit SECS later (-1: never)\n"
"      --quit-after TIME  after stdin EOF, quit at most TIME later\n"
"      --half-close       each direction ends on its own; exit when both have\n"
"  -w, --wait TIME        connect timeout and idle timeout\n"
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
"Chat:\n"
"      --chat             a conversation with one person: with no host, wait\n"
"                         for them on port 5000 (IPv4 and IPv6); a line :q\n"
"                         or end of input leaves\n"
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
 * A number option within [lo, hi].  The message is netcat's: "what errstr:
 * arg", or "what is errstr" for the options where it says so.
 */
static int
number(const char *what, const char *arg, long long lo, long long hi)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(arg, lo, hi, &errstr);
	if (errstr == NULL)
		return ((int)n);
	if (strcmp(what, "ttl") == 0 || strcmp(what, "minttl") == 0)
		fatalx("%s is %s", what, errstr);
	fatalx("%s %s: %s", what, errstr, arg);
}

/* A time option: "what invalid: arg" as netcat says for anything bad. */
static long long
time_value(const char *what, const char *arg, long long max_ms)
{
	long long	 ms;

	if (parse_time(arg, max_ms, &ms) == -1)
		fatalx("%s invalid: %s", what, arg);
	return (ms);
}

/* Port operands: each one a port, a service or a range. */
static void
add_ports(struct options *o, char *const *argv, int argc)
{
	char	 err[256];
	int	 i;

	for (i = 0; i < argc; i++) {
		if (parse_ports(argv[i], o->socktype == SOCK_DGRAM, &o->ports,
		    &o->nports, err, sizeof(err)) == -1)
			fatalx("%s", err);
	}
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
			o->interval = number("interval", optarg, 0, INT_MAX);
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
		case 'p':
			o->source_port = optarg;
			break;
		case 'q':
			/* A negative value means "never", as in Debian's nc. */
			if (optarg[0] == '-' && optarg[1] != '\0' &&
			    strspn(optarg + 1, "0123456789") ==
			    strlen(optarg + 1))
				o->quit_ms = TIME_NONE;
			else
				o->quit_ms = time_value("quit timer", optarg,
				    (long long)INT_MAX * 1000);
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
		case 'u':
			o->socktype = SOCK_DGRAM;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'w':
			o->timeout_ms = time_value("timeout", optarg,
			    (long long)INT_MAX);
			break;
		case 'z':
			o->zero = 1;
			break;
		case OPT_CHAT:
			o->chat = 1;
			break;
		case OPT_HALF_CLOSE:
			o->half_close = 1;
			break;
		case OPT_QUIT_AFTER:
			o->deadline_ms = time_value("quit timer", optarg,
			    (long long)INT_MAX * 1000);
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

	/* Operands, in the forms netcat accepts. */
	if (o->chat && argc == 0)
		o->listen = 1;		/* A chat with no host waits for one. */
	if (o->listen) {
		if (argc == 0 && o->source_port == NULL && o->chat) {
			o->host = o->source;
			add_ports(o, (char *const[]){ CHAT_DEFAULT_PORT }, 1);
		} else if (argc == 0 && o->source_port != NULL) {
			o->host = o->source;
			add_ports(o, (char *const *)&o->source_port, 1);
		} else if (argc == 0)
			fatalx("missing port number");
		else if (argc == 1 && o->source_port == NULL) {
			o->host = o->source;
			add_ports(o, argv, 1);
		} else if (argc == 2 && o->source_port == NULL) {
			o->host = argv[0];
			add_ports(o, argv + 1, 1);
		} else
			usage(0);
		o->source = o->source_port = NULL;
	} else if (o->chat) {
		if (argc > 2)
			usage(0);
		o->host = argv[0];
		if (argc == 1)
			add_ports(o, (char *const[]){ CHAT_DEFAULT_PORT }, 1);
		else
			add_ports(o, argv + 1, 1);
	} else {
		if (argc == 1)
			fatalx("missing port number");
		if (argc < 2)
			usage(0);
		o->host = argv[0];
		add_ports(o, argv + 1, argc - 1);
	}

	/* Conflicts, checked once, in netcat's order. */
	if (o->keep && !o->listen)
		fatalx("must use -l with -k");
	if (o->chat && o->zero)
		fatalx("cannot use -z and --chat");
	if (o->zero && o->listen)
		fatalx("cannot use -z and -l");
	if (o->listen && o->nports > 1)
		fatalx("cannot listen on more than one port");
	if (o->chat && o->no_stdin)
		fatalx("cannot use -d and --chat");
	if (o->chat && o->nports > 1)
		fatalx("cannot chat on more than one port");
	/* Only chat speaks UDP so far. */
	if (o->socktype == SOCK_DGRAM && !o->chat)
		fatalx("-u is only supported with --chat");
	log_init(o->verbose);
}
