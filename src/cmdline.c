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

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	OPT_WRITE_TIMEOUT,
	OPT_PROXY_TYPE,
	OPT_PROXY_AUTH,
	OPT_PROXY_DNS,
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
	OPT_CHAT,
	OPT_HEX_DUMP,
	OPT_APPEND_OUTPUT,
	OPT_SEND_ONLY,
	OPT_RECV_ONLY,
	OPT_NO_SHUTDOWN,
	OPT_DELAY,
	OPT_PTY,
	OPT_RAW,
	OPT_RETRY,
	OPT_RETRY_INTERVAL,
	OPT_KEEPALIVE,
	OPT_NODELAY,
	OPT_SSL_PIN,
	OPT_FORWARD,
	OPT_ROUND_ROBIN,
	OPT_SEND_PROXY,
	OPT_FORWARD_SSL,
	OPT_FORWARD_SSL_VERIFY,
	OPT_FORWARD_SSL_TRUSTFILE,
	OPT_FORWARD_SSL_SERVERNAME,
};

/* The longest TCP MD5 key Linux takes (TCP_MD5SIG_MAXKEYLEN). */
#define MD5SIG_KEY_MAX	80

static const char short_options[] =
    "46bCc:Dde:FhI:i:klM:m:NnO:o:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz";

static const struct option long_options[] = {
	{ "ipv4",		no_argument,		NULL, '4' },
	{ "ipv6",		no_argument,		NULL, '6' },
	{ "broadcast",		no_argument,		NULL, 'b' },
	{ "crlf",		no_argument,		NULL, 'C' },
	{ "sh-exec",		required_argument,	NULL, 'c' },
	{ "debug",		no_argument,		NULL, 'D' },
	{ "no-stdin",		no_argument,		NULL, 'd' },
	{ "exec",		required_argument,	NULL, 'e' },
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
	{ "unixsock",		no_argument,		NULL, 'U' },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "telnet",		no_argument,		NULL, 't' },
	{ "rtable",		required_argument,	NULL, 'V' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "recv-limit",		required_argument,	NULL, 'W' },
	{ "wait",		required_argument,	NULL, 'w' },
	{ "dccp",		no_argument,		NULL, 'Z' },
	{ "zero",		no_argument,		NULL, 'z' },
	{ "fifo",		required_argument,	NULL, OPT_FIFO },
	{ "proxy",		required_argument,	NULL, 'x' },
	{ "proxy-type",		required_argument,	NULL, OPT_PROXY_TYPE },
	{ "proxy-auth",		required_argument,	NULL, OPT_PROXY_AUTH },
	{ "proxy-dns",		required_argument,	NULL, OPT_PROXY_DNS },
	{ "ssl",		no_argument,		NULL, OPT_SSL },
	{ "ssl-cert",		required_argument,	NULL, OPT_SSL_CERT },
	{ "ssl-key",		required_argument,	NULL, OPT_SSL_KEY },
	{ "ssl-verify",		no_argument,		NULL, OPT_SSL_VERIFY },
	{ "ssl-trustfile",	required_argument,	NULL, OPT_SSL_TRUSTFILE },
	{ "ssl-ciphers",	required_argument,	NULL, OPT_SSL_CIPHERS },
	{ "ssl-servername",	required_argument,	NULL, OPT_SSL_SERVERNAME },
	{ "ssl-alpn",		required_argument,	NULL, OPT_SSL_ALPN },
	{ "ssl-pin",		required_argument,	NULL, OPT_SSL_PIN },
	{ "pty",		no_argument,		NULL, OPT_PTY },
	{ "raw",		no_argument,		NULL, OPT_RAW },
	{ "retry",		required_argument,	NULL, OPT_RETRY },
	{ "retry-interval",	required_argument,	NULL, OPT_RETRY_INTERVAL },
	{ "keepalive",		optional_argument,	NULL, OPT_KEEPALIVE },
	{ "nodelay",		no_argument,		NULL, OPT_NODELAY },
	{ "chat",		no_argument,		NULL, OPT_CHAT },
	{ "half-close",		no_argument,		NULL, OPT_HALF_CLOSE },
	{ "quit-after",		required_argument,	NULL, OPT_QUIT_AFTER },
	{ "no-splice",		no_argument,		NULL, OPT_NO_SPLICE },
	{ "stats",		no_argument,		NULL, OPT_STATS },
	{ "progress",		optional_argument,	NULL, OPT_PROGRESS },
	{ "hex-dump",		required_argument,	NULL, OPT_HEX_DUMP },
	{ "append-output",	no_argument,		NULL, OPT_APPEND_OUTPUT },
	{ "send-only",		no_argument,		NULL, OPT_SEND_ONLY },
	{ "recv-only",		no_argument,		NULL, OPT_RECV_ONLY },
	{ "no-shutdown",	no_argument,		NULL, OPT_NO_SHUTDOWN },
	{ "delay",		required_argument,	NULL, OPT_DELAY },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "broker",		no_argument,		NULL, OPT_BROKER },
	{ "room",		no_argument,		NULL, OPT_ROOM },
	{ "max-conns",		required_argument,	NULL, OPT_MAX_CONNS },
	{ "allow",		required_argument,	NULL, OPT_ALLOW },
	{ "allowfile",		required_argument,	NULL, OPT_ALLOWFILE },
	{ "deny",		required_argument,	NULL, OPT_DENY },
	{ "denyfile",		required_argument,	NULL, OPT_DENYFILE },
	{ "idle-timeout",	required_argument,	NULL, OPT_IDLE_TIMEOUT },
	{ "write-timeout",	required_argument,	NULL, OPT_WRITE_TIMEOUT },
	{ "forward",		required_argument,	NULL, OPT_FORWARD },
	{ "round-robin",	no_argument,		NULL, OPT_ROUND_ROBIN },
	{ "send-proxy",		required_argument,	NULL, OPT_SEND_PROXY },
	{ "forward-ssl",	no_argument,		NULL, OPT_FORWARD_SSL },
	{ "forward-ssl-verify",	no_argument,		NULL,
	    OPT_FORWARD_SSL_VERIFY },
	{ "forward-ssl-trustfile", required_argument,	NULL,
	    OPT_FORWARD_SSL_TRUSTFILE },
	{ "forward-ssl-servername", required_argument,	NULL,
	    OPT_FORWARD_SSL_SERVERNAME },
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
"  %1$s [options] host port[-port] [port ...]    connect\n"
"  %1$s -l [options] [address] port              listen\n"
"  %1$s -U [-l] [options] path                   Unix-domain socket\n"
"  %1$s --chat [-l [address] port] | host [port] talk with one person\n"
"\n"
"Connection:\n"
"  -4, --ipv4             IPv4 only\n"
"  -6, --ipv6             IPv6 only\n"
"  -l, --listen           listen for a connection\n"
"  -k, --keep-open        with -l, go on listening (with -u: every peer)\n"
"  -u, --udp              UDP (with -U: Unix datagram sockets)\n"
"  -U, --unixsock         Unix-domain socket: a path, or @name\n"
"  -n, --nodns            no name or service lookups\n"
"  -p, --source-port PORT local port (to listen on, with -l)\n"
"  -s, --source ADDR      local address (with -uU: our own socket's path)\n"
"  -z, --zero             scan: report which ports accept, send nothing\n"
"  -r, --randomize        ports in random order\n"
"  -i, --interval TIME    pause after each line sent, and between ports\n"
"      --retry N|forever  try connecting again while refused or unreachable\n"
"      --retry-interval TIME  pause between tries (default 1s)\n"
"  -F, --pass-fd          pass the connected socket on stdout and exit\n"
"  -Z, --dccp             DCCP (where the system has it)\n"
"  -V, --rtable RTABLE    alternate routing table (not on this system)\n"
"\n"
"Data and end of file:\n"
"  -C, --crlf             send line feeds from stdin as CRLF\n"
"  -d, --no-stdin         do not read stdin\n"
"      --send-only        only send; ignore what comes back, quit at EOF\n"
"      --recv-only        only receive; never read stdin\n"
"  -t, --telnet           refuse the peer's telnet option negotiations\n"
"  -W, --recv-limit N     end after N reads from the network\n"
"      --delay TIME       pause after each write, both directions\n"
"  -N, --shutdown         at stdin EOF, shut down the socket's sending side\n"
"      --no-shutdown      never shut down the sending side (beats -N, -q)\n"
"  -q, --quit SECS        after stdin EOF, quit SECS later (-1: never)\n"
"      --quit-after TIME  after stdin EOF, quit within TIME, come what may\n"
"      --half-close       each direction ends on its own; exit after both\n"
"  -w, --wait TIME        connect and idle timeout\n"
"      --no-splice        always copy through user space\n"
"\n"
"Programs, FIFOs, chat and servers:\n"
"  -e, --exec PROG        run PROG for each connection or UDP peer\n"
"  -c, --sh-exec CMD      run CMD with /bin/sh -c for each connection\n"
"      --pty              run the program on a terminal of its own\n"
"      --raw              local terminal raw, for a --pty server; ~. leaves\n"
"      --fifo PATH        send what is written to the FIFO PATH\n"
"      --chat             talk with one person, :q leaves (ncat's: --room)\n"
"      --broker           relay what each client sends to all the others\n"
"      --room             chat room: user ids, announcements, prefixes\n"
"      --max-conns N      serve at most N clients at once\n"
"      --allow ADDR       accept only these clients (address, CIDR, name)\n"
"      --allowfile FILE   --allow for each line of FILE\n"
"      --deny ADDR        refuse these clients (deny wins)\n"
"      --denyfile FILE    --deny for each line of FILE\n"
"      --idle-timeout TIME  drop a client idle for TIME; without -l: quit\n"
"      --write-timeout TIME  drop a client that reads nothing for TIME (10s)\n"
"      --forward TARGET   with -l: relay clients to host:port or unix:PATH\n"
"      --round-robin      spread clients over the --forward targets\n"
"      --send-proxy V     send the target a PROXY header, v1 or v2\n"
"\n"
"Proxies and TLS:\n"
"  -x, --proxy ADDR[:PORT]  connect through this proxy\n"
"  -X, --proxy-type PROTO 4, 4a, 5 (default), connect; -l: socks5, http\n"
"  -P USER                proxy user; the password is asked for\n"
"      --proxy-auth USER:PASS  proxy credentials\n"
"      --proxy-dns WHERE  who resolves the target: local, remote, both, none\n"
"      --ssl              TLS (every --ssl-* option implies it)\n"
"      --ssl-cert FILE    PEM certificate (a listener makes one if none)\n"
"      --ssl-key FILE     PEM private key of --ssl-cert\n"
"      --ssl-verify       verify the peer's certificate and name\n"
"      --ssl-pin SHA256   accept only this certificate or key fingerprint\n"
"      --ssl-trustfile FILE  PEM certificates to trust\n"
"      --ssl-ciphers LIST OpenSSL cipher list\n"
"      --ssl-servername NAME  server name to send (SNI) and check\n"
"      --ssl-alpn LIST    ALPN protocols, comma-separated\n"
"      --forward-ssl      TLS to the --forward target (as do the next three)\n"
"      --forward-ssl-verify  verify the target's certificate and name\n"
"      --forward-ssl-trustfile FILE  PEM certificates to trust there\n"
"      --forward-ssl-servername NAME  SNI and name to check there\n"
"  -o, --output FILE      log the data of both directions to FILE, raw\n"
"      --hex-dump FILE    log it to FILE as a hex dump (< received, > sent)\n"
"      --append-output    append to the log files rather than truncate them\n"
"\n"
"Socket options:\n"
"  -b, --broadcast        allow broadcast\n"
"  -D, --debug            SO_DEBUG\n"
"  -I, --recv-buf LEN     socket receive buffer size (TCP, UDP)\n"
"  -O, --send-buf LEN     TCP send buffer size\n"
"  -S, --md5sig           TCP MD5 signatures (the key is read from the tty)\n"
"  -M, --ttl TTL          outgoing TTL / hop limit\n"
"  -m, --min-ttl TTL      minimum incoming TTL / hop limit\n"
"  -T, --tos KEYWORD      TOS: lowdelay, throughput, ef, af11, cs1, ... or 0-255\n"
"      --keepalive[=IDLE,INTVL,CNT]  TCP keepalive (probe times, count)\n"
"      --nodelay          TCP_NODELAY: small writes go out at once\n"
"\n"
"Information:\n"
"  -v, --verbose          report connections (twice: also --stats)\n"
"      --stats            show bytes and datagrams moved at the end\n"
"      --progress[=WHEN]  live progress on stderr: auto, always, never\n"
"  -h, --help             this help\n"
"      --version          the version\n"
"\n"
"TIME: seconds, or with a unit: 500ms, 2s, 1m.  Ports: numbers, names, lo-hi.\n"
"\n"
"Examples:\n"
"  %1$s -l 5000 > file           receive a file\n"
"  %1$s -lk 5000 -e /bin/cat     an echo server, one cat per client\n"
"  %1$s -lk 8080 --forward backend:80   a port forwarder\n";

/*
 * --version: the version, then what was built in, for a bug report or to
 * know whether --ssl can work here.
 */
static void
version(void)
{
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	printf("TLS: %s\n", tls_available() ?
	    "yes, OpenSSL 3 (loaded when first used)" : "no");
	printf("event backend: %s\n", ev_backend());
	/* The pump always has them; --no-splice turns them off. */
	printf("splice: yes (and sendfile)\n");
}

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

/* The value of a hex digit, or -1. */
static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * A --keepalive time in whole seconds, rounded up: "0.2" is a second, not
 * the system's value.  Zero is refused: TCP has no keepalive time of 0,
 * and a probe every second is not what "0" says.
 */
static int
keepalive_time(const char *what, const char *arg)
{
	long long	 ms;

	if ((ms = time_value(what, arg, 0, 32767)) == 0)
		fatalx("%s too small: %s", what, arg);
	return ((ms + 999) / 1000);
}

/*
 * --keepalive=IDLE[,INTERVAL[,COUNT]]: times in whole seconds (rounded
 * up) as TCP takes them, a count of probes; an empty or missing field
 * keeps the system's value.
 */
static void
keepalive_values(struct options *o, const char *arg)
{
	char	*copy, *field, *rest;
	int	 i;

	o->keepalive = 1;
	if (arg == NULL)
		return;
	if ((copy = strdup(arg)) == NULL)
		fatal("strdup");
	rest = copy;
	for (i = 0; (field = strsep(&rest, ",")) != NULL; i++) {
		if (i > 2)
			fatalx("keepalive invalid: %s (IDLE,INTERVAL,COUNT)",
			    arg);
		if (*field == '\0')
			continue;
		if (i == 0)
			o->keepidle = keepalive_time("keepalive idle time",
			    field);
		else if (i == 1)
			o->keepintvl = keepalive_time("keepalive interval",
			    field);
		else
			o->keepcnt = number("keepalive count", field, 1, 127);
	}
	free(copy);
}

/*
 * --retry-interval TIME, at least RETRY_MIN_MS: tries that follow each
 * other without a pause would only spin the processor.
 */
static long long
retry_interval(const char *arg)
{
	long long	 ms;

	if ((ms = time_value("retry interval", arg, 0, INT_MAX / 1000)) <
	    RETRY_MIN_MS)
		fatalx("retry interval too small: %s (at least %dms)", arg,
		    RETRY_MIN_MS);
	return (ms);
}

/* --retry N or forever: how many tries after the first. */
static int
retry_count(const char *arg)
{
	if (strcmp(arg, "forever") == 0)
		return (RETRY_FOREVER);
	return (number("retry count", arg, 0, INT_MAX));
}

/*
 * --ssl-pin: a SHA-256 fingerprint in hex, 64 digits, with or without
 * colons between the bytes (as openssl x509 -fingerprint prints it).
 */
static void
ssl_pin_add(struct options *o, const char *arg)
{
	unsigned char	 pin[TLS_PIN_LEN];
	const char	*p = arg;
	size_t		 n = 0;
	int		 hi, lo;

	while (*p != '\0' && n < sizeof(pin)) {
		if (*p == ':' && n > 0) {
			p++;
			continue;
		}
		if ((hi = hex_digit(p[0])) == -1 || p[1] == '\0' ||
		    (lo = hex_digit(p[1])) == -1)
			break;
		pin[n++] = hi << 4 | lo;
		p += 2;
	}
	if (n != sizeof(pin) || *p != '\0')
		fatalx("ssl-pin invalid: %s (64 hex digits of a SHA-256 "
		    "fingerprint)", arg);
	if ((o->ssl_pins = reallocarray(o->ssl_pins, o->nssl_pins + 1,
	    sizeof(*o->ssl_pins))) == NULL)
		fatal("reallocarray");
	memcpy(o->ssl_pins[o->nssl_pins++], pin, sizeof(pin));
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

/*
 * --proxy-auth user:pass; without a colon, the password is asked for on
 * the terminal.  Returns 1 when there was no colon.
 */
static int
proxy_auth(struct options *o, char *arg)
{
	char	*colon;

	o->proxy_user = arg;
	o->proxy_pass = NULL;
	if ((colon = strchr(arg, ':')) == NULL)
		return (1);
	*colon = '\0';
	o->proxy_pass = colon + 1;
	return (0);
}

/*
 * A --forward target given as an address must be of the family -4 or -6
 * asks for, or every client would fail to reach it.  Through a proxy
 * (-x) the family is the proxy's business.
 */
static void
forward_check_family(const struct options *o, const char *arg,
    const char *host)
{
	struct in6_addr	 a;

	if (o->proxy_host != NULL)
		return;
	if (o->family == AF_INET6 && inet_pton(AF_INET, host, &a) == 1)
		fatalx("--forward %s: an IPv4 address, with -6", arg);
	if (o->family == AF_INET && inet_pton(AF_INET6, host, &a) == 1)
		fatalx("--forward %s: an IPv6 address, with -4", arg);
}

/* --forward and its options: a listener's, and not with another mode. */
static void
forward_check(const struct options *o)
{
	const char	*errstr;
	char		*host, *port;
	size_t		 i;
	int		 local;

	if (o->nforward == 0) {
		if (o->round_robin)
			fatalx("must use --forward with --round-robin");
		if (o->send_proxy)
			fatalx("must use --forward with --send-proxy");
		if (o->fwd_ssl)
			fatalx("must use --forward with --forward-ssl");
		return;
	}
	if (!o->listen)
		fatalx("must use -l with --forward");
	if (o->zero)
		fatalx("cannot use -z and --forward");
	if (o->exec != NULL || o->fifo != NULL || o->broker || o->room ||
	    o->chat || o->proxy_serve)
		fatalx("--forward is a mode of its own: it takes no -e, -c, "
		    "--fifo, --broker, --room, --chat or proxy server");
	if (o->family == AF_UNIX && o->socktype == SOCK_DGRAM)
		fatalx("cannot use --forward with -U -u");
	if (o->socktype == SOCK_DGRAM && (o->send_proxy || o->fwd_ssl))
		fatalx("cannot use --send-proxy or --forward-ssl with -u");
	/* A server cannot stop to ask for a password. */
	if (o->proxy_host != NULL && o->proxy_user != NULL &&
	    o->proxy_pass == NULL)
		fatalx("--forward through a proxy needs --proxy-auth "
		    "user:password");
	if (o->fwd_ssl && !tls_available())
		fatalx("TLS support was not built in");
	/* Bytes go through as they are: there is no stdin, no telnet. */
	if (o->crlf || o->telnet)
		fatalx("--forward relays bytes unchanged: it takes no -C or "
		    "-t");
	for (i = 0; i < o->nforward; i++) {
		if (forward_parse_target(o->forward[i], &host, &port, &local,
		    &errstr) == -1)
			fatalx("--forward %s: %s", o->forward[i], errstr);
		if (!local)
			forward_check_family(o, o->forward[i], host);
		free(host);
		free(port);
	}
}

/*
 * Fill o from the command line, exiting with netcat's message and status 1
 * on anything it would refuse.
 */
void
cmdline_parse(struct options *o, int argc, char **argv)
{
	const char	*proxy = NULL, *errstr;
	int		 ch, proxy_type = 0, auth_nopass = 0;

	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->socktype = SOCK_STREAM;
	o->ttl = o->minttl = o->tos = -1;
	o->timeout_ms = TIME_NONE;
	o->idle_ms = TIME_NONE;
	o->quit_ms = TIME_NONE;
	o->deadline_ms = TIME_NONE;
	o->stall_ms = TIME_NONE;
	o->retry_ms = TIME_NONE;
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
		case 'P':
			o->proxy_user = optarg;
			o->proxy_pass = NULL;
			auth_nopass = 0;
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
		case 'U':
			o->family = AF_UNIX;
			break;
		case 'u':
			o->socktype = SOCK_DGRAM;
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
		case 'Z':
			o->dccp = 1;
			break;
		case 'z':
			o->zero = 1;
			break;
		case OPT_PROXY_AUTH:
			auth_nopass = proxy_auth(o, optarg);
			break;
		case OPT_PROXY_DNS:
			if ((o->proxy_dns = proxy_parse_dns(optarg)) == -1)
				fatalx("proxy DNS invalid: %s (local, remote, "
				    "both or none)", optarg);
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
		case OPT_CHAT:
			o->chat = 1;
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
		case OPT_WRITE_TIMEOUT:
			o->stall_ms = time_value("write timeout", optarg,
			    0, INT_MAX);
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_PROGRESS:
			o->progress = progress_when(optarg);
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
		case OPT_PTY:
			o->pty = 1;
			break;
		case OPT_RAW:
			o->raw = 1;
			break;
		case OPT_RETRY:
			o->retries = retry_count(optarg);
			break;
		case OPT_RETRY_INTERVAL:
			o->retry_ms = retry_interval(optarg);
			break;
		case OPT_KEEPALIVE:
			keepalive_values(o, optarg);
			break;
		case OPT_NODELAY:
			o->nodelay = 1;
			break;
		case OPT_SSL_PIN:
			o->ssl = 1;
			ssl_pin_add(o, optarg);
			break;
		case OPT_FORWARD:
			o->forward = reallocarray(o->forward, o->nforward + 1,
			    sizeof(*o->forward));
			if (o->forward == NULL)
				fatal("reallocarray");
			o->forward[o->nforward++] = optarg;
			break;
		case OPT_ROUND_ROBIN:
			o->round_robin = 1;
			break;
		case OPT_SEND_PROXY:
			if ((o->send_proxy = proxyproto_version(optarg)) == -1)
				fatalx("send-proxy invalid: %s (v1 or v2)",
				    optarg);
			break;
		case OPT_FORWARD_SSL:
			o->fwd_ssl = 1;
			break;
		case OPT_FORWARD_SSL_VERIFY:
			o->fwd_ssl = o->fwd_ssl_verify = 1;
			break;
		case OPT_FORWARD_SSL_TRUSTFILE:
			o->fwd_ssl = 1;
			o->fwd_ssl_trustfile = optarg;
			break;
		case OPT_FORWARD_SSL_SERVERNAME:
			o->fwd_ssl = 1;
			o->fwd_ssl_servername = optarg;
			break;
		case OPT_VERSION:
			version();
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

	/*
	 * Operands, in the forms netcat accepts: "-l -p port [-s addr]",
	 * "-l port", "-l addr port", "host port [port ...]".  Listening with
	 * both an address operand and -s or -p is ambiguous: usage.  A chat
	 * with no host waits for one, on port 5000 unless told otherwise.
	 */
	if (o->chat && argc == 0)
		o->listen = 1;
	if (o->chat && argc == 0 && o->source_port == NULL) {
		o->host = o->source;
		o->source = NULL;
		add_ports(o, (char *const[]){ CHAT_DEFAULT_PORT }, 1);
	} else if (o->chat && !o->listen) {
		if (argc > 2)
			usage(0);
		o->host = argv[0];
		add_ports(o, argc == 1 ? (char *const[]){ CHAT_DEFAULT_PORT } :
		    argv + 1, 1);
	} else if (o->family == AF_UNIX) {
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
	if (o->send_only && o->recv_only)
		fatalx("cannot use --send-only and --recv-only");
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
	/* Without -l, --idle-timeout limits the one connection, as ncat's. */
	if (o->gate.idle_ms != TIME_NONE && !o->listen) {
		o->idle_ms = o->gate.idle_ms;
		o->gate.idle_ms = TIME_NONE;
	}
	/* A Unix-domain client has no address for a rule to match. */
	if (!TAILQ_EMPTY(&o->gate.rules) && o->family == AF_UNIX)
		fatalx("cannot use --allow or --deny with -U");
	if (o->stall_ms != TIME_NONE && !o->broker && !o->room)
		fatalx("must use --broker or --room with --write-timeout");
	if (proxy != NULL) {
		if (o->socktype == SOCK_DGRAM)
			fatalx("no proxy support for UDP mode");
		/* A forwarder's targets may be behind the proxy. */
		if (o->listen && o->nforward == 0)
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
	forward_check(o);
	if (o->chat && o->zero)
		fatalx("cannot use -z and --chat");
	if (o->chat && o->nports > 1)
		fatalx("cannot chat on more than one port");
	if (o->chat && o->no_stdin)
		fatalx("cannot use -d and --chat");
	if (o->chat && o->family == AF_UNIX)
		fatalx("cannot use -U and --chat");
	if (o->chat && (o->exec != NULL || o->fifo != NULL || o->broker ||
	    o->room || o->proxy_serve))
		fatalx("--chat is a mode of its own: it takes no -e, -c, "
		    "--fifo, --broker, --room or proxy server");
	if (o->ssl) {
		if (!tls_available())
			fatalx("TLS support was not built in");
		if (o->socktype == SOCK_DGRAM)
			fatalx("cannot use --ssl with -u");
		/* Telnet answers are written to the socket, not over TLS. */
		if (o->telnet)
			fatalx("cannot use -t with --ssl");
		/* Said, not refused: the rest of the command line works. */
		if (o->ssl_trustfile != NULL && !o->ssl_verify)
			log_warnx("--ssl-trustfile has no effect without "
			    "--ssl-verify");
	}
	if ((o->keepalive || o->nodelay) && (o->socktype == SOCK_DGRAM ||
	    o->family == AF_UNIX))
		fatalx("cannot use %s with %s", o->keepalive ? "--keepalive" :
		    "--nodelay", o->family == AF_UNIX ? "-U" : "-u");
	if (o->retry_ms != TIME_NONE && o->retries == 0)
		fatalx("must use --retry with --retry-interval");
	if (o->retries != 0 && o->listen)
		fatalx("cannot use --retry with -l");
	if (o->retry_ms == TIME_NONE)
		o->retry_ms = RETRY_DEFAULT_MS;
	if (o->pty && o->exec == NULL)
		fatalx("must use -e or -c with --pty");
	if (o->raw && o->listen)
		fatalx("cannot use --raw with -l");
	if (o->raw && (o->exec != NULL || o->fifo != NULL || o->no_stdin ||
	    o->chat || o->zero || o->crlf))
		fatalx("--raw makes stdin a remote terminal: it takes no -e, "
		    "-c, --fifo, -d, -C, -z or --chat");
	if (o->raw && !isatty(STDIN_FILENO))
		fatalx("cannot use --raw: standard input is not a terminal");
	if (o->no_shutdown)
		o->shut_net = 0;
	if (o->recv_only)
		o->no_stdin = 1;
	if (o->dccp)
		o->socktype = SOCK_DCCP;
	log_init(o->verbose);
	/*
	 * --proxy-auth USER with no terminal to ask on: USER has an empty
	 * password, as ncat takes it.
	 */
	if (auth_nopass && !o->listen && o->proxy_user != NULL &&
	    o->proxy_pass == NULL && !isatty(STDIN_FILENO)) {
		o->proxy_pass = "";
		log_verbose(1, "--proxy-auth without a password and stdin "
		    "is not a terminal: user \"%s\", empty password",
		    o->proxy_user);
	}
}
