/*
 * The command line: getopt's arguments and --help made from the option
 * table (opttab.c), the operands in the forms netcat takes them, and the
 * conflicts between options, checked once after parsing, in netcat's
 * order.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <linux/vm_sockets.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "front.h"

/* netcat's usage text, letter for letter: scripts and users know it. */
static const char usage_text[] =
"usage: %s [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n"
"\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n"
"\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n"
"\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n"
"\t  [destination] [port]\n";

/* --help before the options: the forms of the command line. */
static const char help_forms[] =
"  %1$s [options] host port[-port] [port ...]    connect\n"
"  %1$s -l [options] [address] port              listen\n"
"  %1$s -U [-l] [options] path                   Unix-domain socket\n"
"  %1$s --chat [-l [address] port] | host [port] talk with one person\n"
"  %1$s [options] ADDRESS ADDRESS                relay: tcp-l:80 serial:TTY\n";

/* --help after the options. */
static const char help_end[] =
"\n"
"TIME: seconds, or with a unit: 500ms, 2s, 1m.  Ports: numbers, names, lo-hi.\n"
"Examples:\n"
"  %1$s -l 5000 > file           receive a file ...\n"
"  %1$s -N host 5000 < file      ... and send it (-N: end when it ends)\n"
"  %1$s -zv host 20-30           which ports are open?\n"
"  %1$s --chat                   wait for a chat on port 5000 ...\n"
"  %1$s --chat host              ... and call it from another machine\n"
"  %1$s -lk 5000 -e /bin/cat     an echo server, one cat per client\n"
"  %1$s -lk 8080 --forward backend:80   a port forwarder\n";

/* The titles of the --help groups, by enum opt_group. */
static const char *const help_groups[] = {
	[OPTG_CONN] = "Connection",
	[OPTG_DATA] = "Data and end of file",
	[OPTG_PROG] = "Programs, FIFOs, chat and servers",
	[OPTG_PROXY] = "Proxies and TLS",
	[OPTG_SOCK] = "Socket options",
	[OPTG_INFO] = "Information",
};

/* The column where the --help lines' text starts. */
#define HELP_COLUMN	25

/* --proxy-auth's value, kept out of the command line. */
#define PROXY_AUTH_ENV	"SOCKCAT_PROXY_AUTH"

/* Does the row's option take an argument: no_argument, ...? */
static int
opt_has_arg(const struct optdef *d)
{
	if (d->has_arg != 0)
		return (d->has_arg);
	return (d->arg != NULL ? required_argument : no_argument);
}

/* An option as --help names it: "--listen", "--retry N|forever". */
static void
help_name(const struct optdef *d, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s%s%s%s", d->name,
	    d->arg == NULL ? "" : (opt_has_arg(d) == optional_argument ?
	    "[=" : " "), d->arg != NULL ? d->arg : "",
	    opt_has_arg(d) == optional_argument ? "]" : "");
}

/*
 * One --help line: "  -l, --listen    text", the text at HELP_COLUMN;
 * with the row that joins it (next, or NULL) after the first option:
 * "      --allow ADDRESS, --allowfile FILE  text".
 */
static void
help_line(const struct optdef *d, const struct optdef *next)
{
	char	 left[160], name[64], joined[64];
	int	 n;

	name[0] = joined[0] = '\0';
	if (d->name != NULL)
		help_name(d, name, sizeof(name));
	else if (d->arg != NULL)
		(void)snprintf(name, sizeof(name), "%s", d->arg);
	if (next != NULL)
		help_name(next, joined, sizeof(joined));
	n = snprintf(left, sizeof(left), "  %c%c%s%s%s%s%s",
	    d->letter != 0 ? '-' : ' ', d->letter != 0 ? d->letter : ' ',
	    d->letter != 0 && d->name != NULL ? "," : (d->name != NULL ||
	    d->arg != NULL ? " " : ""), d->name != NULL ? " --" : "",
	    name, next != NULL ? ", --" : "", joined);
	if (n < HELP_COLUMN)
		printf("%-*s%s\n", HELP_COLUMN, left, next != NULL &&
		    d->line != NULL ? d->line : d->help);
	else
		printf("%s  %s\n", left, next != NULL && d->line != NULL ?
		    d->line : d->help);
}

/* The whole --help: netcat's usage, the forms, each group, examples. */
static void
help(void)
{
	const struct optdef	*t;
	size_t			 i, n;
	int			 g;

	t = opt_table(&n);
	printf(usage_text, getprogname());
	printf(help_forms, getprogname());
	for (g = OPTG_CONN; g <= OPTG_INFO; g++) {
		printf("\n%s:\n", help_groups[g]);
		for (i = 0; i < n; i++) {
			if (t[i].group == (enum opt_group)g && !t[i].joins)
				help_line(&t[i], i + 1 < n && t[i + 1].joins ?
				    &t[i + 1] : NULL);
		}
	}
	printf(help_end, getprogname());
}

void
usage(int full)
{
	if (full) {
		help();
		exit(0);
	}
	fprintf(stderr, usage_text, getprogname());
	exit(1);
}

/*
 * netcat's usage, as netcat prints it (scripts know its lines), then one
 * line more for a person: what is wrong with the command line, or where
 * to read on.  Exits 1.
 */
static __dead void __attribute__((format(printf, 1, 2)))
usage_why(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, usage_text, getprogname());
	fprintf(stderr, "%s: ", getprogname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/*
 * The optimal string alignment distance between a (alen bytes) and b:
 * the edits (a letter added, dropped, changed, two swapped) that make one
 * the other; 99 for names too long to be options.
 */
static int
edit_distance(const char *a, size_t alen, const char *b)
{
	int	 d[32][32];
	size_t	 blen = strlen(b), i, j;
	int	 c;

	if (alen >= 32 || blen >= 32)
		return (99);
	for (i = 0; i <= alen; i++)
		d[i][0] = i;
	for (j = 0; j <= blen; j++)
		d[0][j] = j;
	for (i = 1; i <= alen; i++) {
		for (j = 1; j <= blen; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	}
	return (d[alen][blen]);
}

/*
 * getopt_long has said what is wrong with an option (word, the argument
 * it was in): netcat's usage follows, then the long option meant when
 * word is one mistyped (a letter or two off), else where the options are
 * listed.
 */
static __dead void
bad_option(const char *word)
{
	const struct optdef	*t, *best = NULL;
	size_t			 i, n, len;
	int			 d, most;

	if (optopt == 0 && word != NULL && strncmp(word, "--", 2) == 0) {
		len = strcspn(word + 2, "=");
		/* One edit in a short name, two in a longer one. */
		most = len <= 5 ? 1 : 2;
		t = opt_table(&n);
		for (i = 0; i < n; i++) {
			if (t[i].name == NULL || t[i].group == OPTG_HIDDEN)
				continue;
			if ((d = edit_distance(word + 2, len, t[i].name)) <=
			    most) {
				most = d - 1;
				best = &t[i];
			}
		}
	}
	if (best != NULL)
		usage_why("did you mean --%s?", best->name);
	usage_why("try '%s -h' for the options", getprogname());
}

static void	excludes(const struct optdef *);
static int	conflicts_valid(void);

/*
 * The table as tab-separated lines, for completions/gen.py and the
 * tests: letter, long name, none/required/optional, argument, group,
 * completion, its words, repeatable, exits, --help line, and the
 * options it excludes (excludes()).  Hidden rows are left out.  Exits
 * with status 1, printing nothing, when a conflict row names a fact that
 * is none: the completions would be made from a wrong table.
 */
void
cmdline_dump(void)
{
	static const char *const comps[] = {
		[OPTC_NONE] = "none", [OPTC_WORDS] = "words",
		[OPTC_TOS] = "words", [OPTC_FILE] = "file",
		[OPTC_HOST] = "host", [OPTC_COMMAND] = "command",
		[OPTC_PORT] = "port", [OPTC_USER] = "user",
	};
	static const char *const args[] = { "none", "required", "optional" };
	const struct optdef	*t;
	const char		*w;
	size_t			 i, j, n;

	if (!conflicts_valid())
		exit(1);
	t = opt_table(&n);
	for (i = 0; i < n; i++) {
		if (t[i].group == OPTG_HIDDEN)
			continue;
		printf("%c\t%s\t%s\t%s\t%s\t%s\t", t[i].letter != 0 ?
		    t[i].letter : '-', t[i].name != NULL ? t[i].name : "-",
		    args[opt_has_arg(&t[i])], t[i].arg != NULL ? t[i].arg :
		    "-", help_groups[t[i].group], comps[t[i].comp]);
		if (t[i].comp == OPTC_TOS) {
			for (j = 0; (w = parse_tos_name(j)) != NULL; j++)
				printf("%s%s", j > 0 ? " " : "", w);
		} else
			printf("%s", t[i].words != NULL ? t[i].words : "");
		printf("\t%d\t%d\t%s\t", t[i].repeat || t[i].kind ==
		    OPTK_COUNT, t[i].exits, t[i].help);
		excludes(&t[i]);
		printf("\n");
	}
}

/* The row named name: a letter, or a long name; NULL if none. */
static __startup const struct optdef *
opt_named(const char *name)
{
	const struct optdef	*t;
	size_t			 i, n;

	t = opt_table(&n);
	for (i = 0; i < n; i++) {
		if ((name[1] == '\0' && t[i].letter == name[0]) ||
		    (t[i].name != NULL && strcmp(t[i].name, name) == 0))
			return (&t[i]);
	}
	return (NULL);
}

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
 * getopt_long's arguments from the table: the short options string and
 * the long options, each long one returning CHAR_MAX + 1 + its row.
 */
static void
getopt_args(char **shortopts, struct option **longopts)
{
	const struct optdef	*t;
	struct option		*lo;
	char			*so;
	size_t			 i, n, ns = 0, nl = 0;

	t = opt_table(&n);
	if ((so = calloc(3 * n + 1, 1)) == NULL ||
	    (lo = calloc(n + 1, sizeof(*lo))) == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++) {
		if (t[i].letter != 0) {
			so[ns++] = t[i].letter;
			if (opt_has_arg(&t[i]) != no_argument)
				so[ns++] = ':';
			if (opt_has_arg(&t[i]) == optional_argument)
				so[ns++] = ':';
		}
		if (t[i].name != NULL) {
			lo[nl].name = t[i].name;
			lo[nl].has_arg = opt_has_arg(&t[i]);
			lo[nl].val = CHAR_MAX + 1 + i;
			nl++;
		}
	}
	*shortopts = so;
	*longopts = lo;
}

/* The row getopt_long's return value ch stands for, or NULL. */
static const struct optdef *
opt_find(int ch)
{
	const struct optdef	*t;
	size_t			 i, n;

	t = opt_table(&n);
	if (ch > CHAR_MAX && (size_t)(ch - CHAR_MAX - 1) < n)
		return (&t[ch - CHAR_MAX - 1]);
	for (i = 0; i < n; i++) {
		if (t[i].letter == ch)
			return (&t[i]);
	}
	return (NULL);
}

/*
 * Port operands: each one a port, a service or a range.  Listening takes
 * exactly one port, and 0 there asks the kernel to pick one.
 */
/*
 * Does word look like a value of d, an option whose value is optional:
 * one of its words, or numbers and units (--keepalive 60,10,5)?
 */
static int
opt_value_like(const struct optdef *d, const char *word)
{
	size_t	 len = strlen(word);
	const char *w;

	if (d->words != NULL) {
		for (w = d->words; *w != '\0'; w += strcspn(w, " ")) {
			w += strspn(w, " ");
			if (strncmp(w, word, len) == 0 &&
			    (w[len] == ' ' || w[len] == '\0'))
				return (1);
		}
		return (0);
	}
	return (len > 0 && (isdigit((unsigned char)word[0]) ||
	    word[0] == ',') && strspn(word, "0123456789,.smh") == len);
}

/*
 * An option whose value is optional takes it after '=' alone
 * (--keepalive=60): in "--keepalive 60 host port", 60 is the host.  When
 * the operands are wrong then, their message ends with this, which says
 * so; else it is empty.
 */
static char	 operand_hint[128];

static __startup void
add_ports(struct options *o, char *const *argv, int argc)
{
	char	 err[256];
	int	 i;

	for (i = 0; i < argc; i++) {
		if (parse_ports(argv[i], o->side.sock.socktype == SOCK_DGRAM,
		    o->side.listen ? 0 : 1, &o->side.ports, &o->side.nports, err,
		    sizeof(err)) == -1)
			fatalx("%s%s", err, operand_hint);
	}
	if (o->side.listen && o->side.nports > 1)
		fatalx("cannot listen on more than one port: %s", argv[0]);
}

/*
 * Operands, in the forms netcat accepts: "-l -p port [-s addr]", "-l
 * port", "-l addr port", "host port [port ...]".  Listening with both an
 * address operand and -s or -p is ambiguous: usage.  A chat with no host
 * waits for one, on port 5000 unless told otherwise.  A client's one
 * operand may be a ws:// or wss:// URL.
 */
/*
 * A client's "ws://[user[:password]@]host[:port][/path]" or "wss://..."
 * operand (side_ws_url()): its password, if it has one, is blanked in
 * place, as other passwords are, and the rest of it stays as given, so
 * that ps(1) shows it.  Returns 0, or -1 when arg is no such URL.
 */
static int
ws_url(struct options *o, char *arg)
{
	static char	*host, *path, *auth;
	char		*port, *cause, *at, *colon, *p;

	if (side_ws_url(&o->side, arg, &host, &port, &path, &auth,
	    &cause) == -1) {
		if (cause == NULL)
			return (-1);
		fatalx("%s", cause);
	}
	if (auth != NULL) {
		o->side.ws.headers = reallocarray(o->side.ws.headers,
		    o->side.ws.nheaders + 1, sizeof(*o->side.ws.headers));
		if (o->side.ws.headers == NULL)
			fatal("reallocarray");
		o->side.ws.headers[o->side.ws.nheaders++] = auth;
		p = arg + strcspn(arg, ":") + 3;
		if ((at = memrchr(p, '@', strcspn(p, "/?#"))) != NULL &&
		    (colon = memchr(p, ':', at - p)) != NULL)
			opt_hide_secret(colon + 1, at - colon - 1);
	}
	add_ports(o, &port, 1);
	return (0);
}

/*
 * The one operand of a client that names no port: a chat's port taken
 * for its host, a forwarder without -l, a URL of a scheme not taken.
 * Says what was meant, or returns.
 */
static void
operand_alone(const struct options *o, const char *arg)
{
	const char	*chat;

	chat = strcmp(getprogname(), "sockchat") == 0 ? "" : " --chat";
	/* "6000" would be the address 0.0.23.112. */
	if (o->chat && arg[strspn(arg, "0123456789")] == '\0')
		fatalx("%s is a port, not a host: to wait for a call on it, "
		    "%s%s -l %s", arg, getprogname(), chat, arg);
	if (o->chat)
		return;
	if (o->fwd.n > 0)
		fatalx("must use -l with --forward (%s -l %s --forward %s)",
		    getprogname(), arg, o->fwd.targets[0]);
	if (strstr(arg, "://") != NULL)
		fatalx("missing port number (%s: the URLs taken are ws:// "
		    "and wss://)%s", arg, operand_hint);
	fatalx("missing port number%s", operand_hint);
}

static void
operands(struct options *o, int argc, char **argv)
{
	if (argc == 1 && !o->side.listen && !o->chat && o->side.sock.family != AF_UNIX &&
	    ws_url(o, argv[0]) == 0)
		return;
	if (o->chat && argc == 0)
		o->side.listen = 1;
	if (o->chat && argc == 0 && o->side.sock.source_port == NULL) {
		o->side.host = o->side.sock.source;
		o->side.sock.source = NULL;
		add_ports(o, (char *const[]){ CHAT_DEFAULT_PORT }, 1);
	} else if (o->chat && !o->side.listen) {
		if (argc > 2)
			usage_why("--chat calls one host on one port: %s is "
			    "one operand too many%s", argv[2], operand_hint);
		if (argc == 1)
			operand_alone(o, argv[0]);
		o->side.host = argv[0];
		add_ports(o, argc == 1 ? (char *const[]){ CHAT_DEFAULT_PORT } :
		    argv + 1, 1);
	} else if (o->side.sock.family == AF_UNIX) {
		/*
		 * One operand, a socket path ("-l -s path" too); -s names a
		 * datagram client's own socket.
		 */
		if (o->side.listen && argc == 0 && o->side.sock.source != NULL &&
		    o->side.sock.source_port == NULL) {
			argv = (char **)&o->side.sock.source;
			argc = 1;
			o->side.sock.source = NULL;
		}
		if (o->side.listen && argc == 0)
			fatalx("missing socket pathname");
		if (argc == 0)
			usage_why("missing socket pathname");
		if (o->side.sock.source_port != NULL)
			usage_why("cannot use -p with -U");
		if (o->side.sock.source != NULL &&
		    (o->side.listen || o->side.sock.socktype != SOCK_DGRAM))
			usage_why("-s with -U names a datagram client's own "
			    "socket (-uU)");
		if (argc > 1)
			fatalx("cannot use port with -U");
		o->side.host = argv[0];
	} else if (argc == 0 && o->side.listen) {
		if (o->side.sock.source_port == NULL)
			fatalx("missing port number");
		o->side.host = o->side.sock.source;
		add_ports(o, (char *const *)&o->side.sock.source_port, 1);
		o->side.sock.source = o->side.sock.source_port = NULL;
	} else if (argc == 1 && o->side.sock.source_port == NULL && o->side.sock.source == NULL) {
		if (!o->side.listen)
			operand_alone(o, argv[0]);
		add_ports(o, argv, 1);
	} else if (argc >= 1 && o->side.listen && o->side.sock.source_port != NULL)
		usage_why("-p %s and %s both name the port to listen on: give "
		    "it once", o->side.sock.source_port, argv[argc - 1]);
	else if (argc == 1 && o->side.listen && o->side.sock.source != NULL)
		usage_why("with -l -s, the port is -p's: %s -l %s %s",
		    getprogname(), o->side.sock.source, argv[0]);
	else if (argc >= 2 && o->side.listen && o->side.sock.source != NULL)
		usage_why("-s %s and %s both name the address to listen on: "
		    "give it once", o->side.sock.source, argv[0]);
	else if (argc >= 2) {
		if (o->side.listen && argc > 2)
			usage_why("-l takes one address and one port: %s is "
			    "one operand too many%s", argv[2], operand_hint);
		o->side.host = argv[0];
		add_ports(o, argv + 1, argc - 1);
	} else if (argc == 1)
		usage_why("missing port number%s", operand_hint);
	else if (optind == 1)
		usage_why("try '%s -h' for the options and examples",
		    getprogname());
	else
		usage_why("missing destination and port");
}

/*
 * Sockets passed the systemd way are taken whatever the mode, so that
 * their variables go; a listener serves the first (unless --listen-fd
 * names one), a client leaves them be.
 */
static void
passed(struct cmdline *cl)
{
	struct options	*o = cl->o;
	const char	*name;
	char		*cause;
	int		 fd, n;

	fd = activate_take(&name, &n, &cause);
	/* Wrong variables stop a listener, which would serve them. */
	if (cause != NULL && o->side.sock.listen_fd == -1 && (o->side.listen || o->chat))
		fatalx("%s", cause);
	free(cause);
	if (fd == -1 || o->side.sock.listen_fd != -1 || (!o->side.listen && !o->chat))
		return;
	o->side.sock.listen_fd = fd;
	o->side.sock.listen_fd_name = name;
}

/*
 * A listener given its socket takes the socket's address as its
 * operands: what -v says, the path a Unix-domain server names, the
 * address the proxy server knows as its own.
 */
static void
passed_operands(struct options *o)
{
	char	*host, *port;

	if (activate_addr(o->side.sock.listen_fd, &host, &port) == -1)
		fatalx("passed descriptor %d: %s", o->side.sock.listen_fd,
		    errno == ENOTSOCK ? "not a socket" : strerror(errno));
	o->side.host = host;
	/* A path where a port was wanted: activate_use() refuses it. */
	if (port == NULL && o->side.sock.family != AF_UNIX && o->side.nports == 0 &&
	    (port = strdup("0")) == NULL)
		fatal("strdup");
	if (port == NULL)
		return;
	free_ports(o->side.ports, o->side.nports);
	o->side.ports = NULL;
	o->side.nports = 0;
	add_ports(o, &port, 1);
	free(port);
}

/* A quit timer also tells the peer about stdin's end (Debian). */
static __startup void
step_quit(struct cmdline *cl)
{
	const struct options	*o = cl->o;

	/*
	 * Not to a WebSocket server: its close frame is no half-close, the
	 * peer stops sending too, so the replies the quit timer waits for
	 * would be lost.  The close goes when the timer ends the session.
	 */
	if (o->flow.quit_ms != TIME_NONE && (o->side.ws.path == NULL || o->side.listen))
		cl->o->flow.shut_net = 1;
}

/* The password of the proxy URL url, if it has one, hidden in place. */
static void
hide_url_password(char *url)
{
	char	*p, *at, *colon;

	if ((p = strstr(url, "://")) == NULL)
		return;
	p += 3;
	/* The credentials end at the last '@', as proxy_url_parse() reads. */
	if ((at = strrchr(p, '@')) == NULL ||
	    (colon = memchr(p, ':', at - p)) == NULL)
		return;
	opt_hide_secret(colon + 1, at - colon - 1);
}

/*
 * SOCKCAT_PROXY_AUTH: --proxy-auth's value from the environment, which
 * other users cannot read, for a client through one proxy (-x) or the
 * proxy server, when the command line gives no credentials.  The
 * variable is removed, whatever it says, so that no program sockcat
 * starts sees it.
 */
static void
proxy_auth_env(struct cmdline *cl)
{
	static char	*copy;
	struct options	*o = cl->o;
	char		*v;

	if ((v = getenv(PROXY_AUTH_ENV)) == NULL)
		return;
	if ((copy = strdup(v)) == NULL)
		fatal("strdup");
	explicit_bzero(v, strlen(v));
	if (unsetenv(PROXY_AUTH_ENV) == -1)
		fatal("unsetenv");
	if (*copy == '\0' || o->side.proxy.user != NULL ||
	    (cl->nproxy != 1 && !(o->side.listen && cl->proxy_type))) {
		explicit_bzero(copy, strlen(copy));
		free(copy);
		copy = NULL;
		return;
	}
	opt_credentials(cl, copy);
}

/*
 * One -x, the i-th: a URL names its type and credentials; an address is
 * of -X's type, with -P or --proxy-auth's credentials when it is the only
 * one.  The first hop is also proxy_host, as a single -x always was.
 */
static void
proxy_hop(struct cmdline *cl, size_t i)
{
	struct options	*o = cl->o;
	char		*cause;

	const char	*arg = cl->proxy[i];

	/* An address's errors are in nc's words, alone. */
	if (proxy_hop_parse(&o->side.proxy.hops[i], o->side.proxy.proto,
	    arg, &cause) == -1) {
		if (!proxy_url_is(arg, strlen(arg)))
			fatalx("%s", cause);
		fatalx("proxy %zu (-x): %s", i + 1, cause);
	}
	hide_url_password((char *)arg);
}

/* Free what proxy_hop() made for each -x of the chain pc. */
void
proxy_hops_free(struct proxy_conf *pc)
{
	size_t	 i;

	for (i = 0; i < pc->nhops; i++)
		proxy_hop_free(&pc->hops[i]);
	pc->nhops = 0;
}

/*
 * -x: a client's proxy, or a chain of them; or, with -l --proxy-type, be
 * the proxy.
 */
static __startup void
step_proxy(struct cmdline *cl)
{
	struct options	*o = cl->o;
	size_t		 i;

	proxy_auth_env(cl);
	if (cl->nproxy > 0) {
		if (o->side.sock.socktype == SOCK_DGRAM)
			fatalx("no proxy support for UDP mode");
		/* A forwarder's targets may be behind the proxy. */
		if (o->side.listen && o->fwd.n == 0)
			fatalx("no proxy support for listen");
		if (o->side.sock.family == AF_UNIX)
			fatalx("no proxy support for unix sockets");
		if (o->side.sock.source != NULL)
			fatalx("no proxy support for local source address");
		if (o->side.sock.vsock)
			fatalx("no proxy support for VSOCK");
		/* -P and --proxy-auth are one proxy's credentials. */
		if (cl->nproxy > 1 && o->side.proxy.user != NULL)
			fatalx("-P and --proxy-auth name one proxy's "
			    "credentials: with several -x, give each in its "
			    "URL (socks5://user:pass@host:port)");
		if (o->side.proxy.proto == PROXY_NONE)
			o->side.proxy.proto = PROXY_SOCKS5;
		for (i = 0; i < cl->nproxy; i++) {
			proxy_hop(cl, i);
			/* A server cannot stop to ask for a password. */
			if (o->fwd.n > 0 && cl->nproxy > 1 &&
			    o->side.proxy.hops[i].user != NULL &&
			    o->side.proxy.hops[i].pass == NULL)
				fatalx("--forward through a proxy needs its "
				    "password: %s", o->side.proxy.hops[i].label);
		}
		o->side.proxy.nhops = cl->nproxy;
		/* The first hop is what a single -x always set. */
		o->side.proxy.proto = o->side.proxy.hops[0].proto;
		o->side.proxy.host = o->side.proxy.hops[0].host;
		o->side.proxy.port = o->side.proxy.hops[0].port;
		if (o->side.proxy.hops[0].user != NULL) {
			o->side.proxy.user = o->side.proxy.hops[0].user;
			o->side.proxy.pass = o->side.proxy.hops[0].pass;
			cl->auth_nopass = 0;
		}
	} else if (o->side.listen && cl->proxy_type) {
		if (o->side.sock.socktype == SOCK_DGRAM)
			fatalx("no proxy support for UDP mode");
		if (o->side.proxy.proto != PROXY_SOCKS5 &&
		    o->side.proxy.proto != PROXY_HTTP)
			fatalx("a proxy server speaks socks5 or http");
		o->proxy_serve = 1;
	}
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

	if (o->side.proxy.host != NULL)
		return;
	if (o->side.sock.family == AF_INET6 && inet_pton(AF_INET, host, &a) == 1)
		fatalx("--forward %s: an IPv4 address, with -6", arg);
	if (o->side.sock.family == AF_INET && inet_pton(AF_INET6, host, &a) == 1)
		fatalx("--forward %s: an IPv6 address, with -4", arg);
}

/*
 * The forwarder's outbound settings: a client of the command line's
 * (any family of address unless -4 or -6, the proxy of -x), with no
 * source address of its own and the TLS of --forward-ssl.  Each target
 * starts from them.
 */
static __startup void
forward_peer(const struct options *o, struct side *peer)
{
	*peer = o->side;
	peer->listen = 0;
	peer->keep = 0;
	peer->sock.source = NULL;
	peer->sock.source_port = NULL;
	peer->sock.listen_fd = -1;
	peer->sock.reuseport = 0;
	if (peer->sock.family == AF_UNIX)
		peer->sock.family = AF_UNSPEC;
	peer->tls = o->fwd.tls;
	memset(&peer->ws, 0, sizeof(peer->ws));
	peer->ws.max_message = o->side.ws.max_message;
	peer->ws.ping_ms = o->side.ws.ping_ms;
	/* Many connections: each WebSocket message compressed afresh. */
	peer->ws.fresh = 1;
}

/* --vsock: the CID and the port are numbers (or the CID's names). */
static __startup void
step_vsock(struct cmdline *cl)
{
	struct options		*o = cl->o;
	struct sockaddr_vm	 svm;
	char			*cause = NULL;
	size_t			 i;

	if (!o->side.sock.vsock)
		return;
	if (!o->side.listen && o->side.host == NULL)
		fatalx("--vsock: missing CID");
	for (i = 0; i < o->side.nports; i++) {
		if (vsock_addr(o->side.host, o->side.ports[i], o->side.listen, &svm,
		    &cause) == -1)
			fatalx("%s", cause);
	}
}

/* --retry-interval's default. */
static __startup void
step_retry(struct cmdline *cl)
{
	if (cl->o->side.retry_ms == TIME_NONE)
		cl->o->side.retry_ms = RETRY_DEFAULT_MS;
}

/*
 * Each --forward target read, once, into a side of its own: a kind the
 * forwarder dials or opens, and an address of the family asked for.
 */
static __startup void
forward_sides(struct options *o)
{
	struct side	*sd;
	char		*cause;
	size_t		 i;

	/* An address pair's target is read already. */
	if (o->fwd.n == 0 || o->fwd.sides != NULL)
		return;
	forward_peer(o, &o->fwd.peer);
	if ((o->fwd.sides = calloc(o->fwd.n, sizeof(*o->fwd.sides))) == NULL)
		fatal("calloc");
	for (i = 0; i < o->fwd.n; i++) {
		sd = &o->fwd.sides[i];
		if (forward_target(sd, &o->fwd, o->fwd.targets[i],
		    &cause) == -1) {
			if (o->fwd.lines != NULL && o->fwd.lines[i] != 0)
				fatalx("%s, line %zu: %s: %s", o->fwd.file,
				    o->fwd.lines[i], o->fwd.targets[i], cause);
			fatalx("--forward %s: %s", o->fwd.targets[i], cause);
		}
		if (sd->kind == SIDE_SOCKET && sd->sock.family != AF_UNIX)
			forward_check_family(o, o->fwd.targets[i], sd->host);
	}
}

/*
 * What the options mean together, once every conflict is out of the way;
 * and --proxy-auth USER with no terminal to ask on: USER has an empty
 * password, as ncat takes it.
 */
static __startup void
step_last(struct cmdline *cl)
{
	struct options	*o = cl->o;
	char		*cause = NULL;

	if (o->flow.no_shutdown)
		o->flow.shut_net = 0;
	/*
	 * nc's plain client says a refusal with -v only; its own modes,
	 * and the address pairs, do.
	 */
	o->side.say_refused = o->side.tls.on || o->side.ws.path != NULL || cl->proxy_own ||
	    cl->pair;
	if (o->flow.recv_only)
		o->flow.no_stdin = 1;
	/*
	 * What the side's layers need to know of the mode: a datagram
	 * listener's peers have sockets of their own with a program for
	 * each, or DTLS; a broker and a room take plain TCP clients beside
	 * WebSocket ones, and the room has a page; a program learns a
	 * WebSocket request's variables.
	 */
	o->side.dgram_peers = o->side.tls.on ||
	    (o->side.keep && o->local.exec != NULL);
	o->side.ws.plain_too = o->broker || o->room;
	o->side.ws.room_page = o->room;
	o->side.ws.cgi = o->local.exec != NULL;
	o->side.ws.fresh = o->broker || o->room || o->fwd.n > 0;
	/* --ws-static: a directory that cannot be opened is said now. */
	if (o->side.ws.static_dir != NULL &&
	    (o->side.ws.static_fd = wsh_static_open(o->side.ws.static_dir, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	if (o->side.sock.dccp)
		o->side.sock.socktype = SOCK_DCCP;
	log_init(o->verbose);
	if (cl->auth_nopass && !o->side.listen && o->side.proxy.user != NULL &&
	    o->side.proxy.pass == NULL && !isatty(STDIN_FILENO)) {
		o->side.proxy.pass = "";
		log_verbose(1, "--proxy-auth without a password and stdin "
		    "is not a terminal: user \"%s\", empty password",
		    o->side.proxy.user);
	}
	/* A single -x has -P's or --proxy-auth's credentials. */
	if (o->side.proxy.nhops == 1) {
		o->side.proxy.hops[0].user = o->side.proxy.user;
		o->side.proxy.hops[0].pass = o->side.proxy.pass;
	}
	/* The targets start from every setting above. */
	forward_sides(o);
}

/* No TLS here: not built in, or no library to load. */
static __startup int
cond_no_tls(const struct options *o)
{
	(void)o;
	return (!tls_available());
}

/* More than one port to connect to or listen on. */
static __startup int
cond_several_ports(const struct options *o)
{
	return (o->side.nports > 1);
}

/* Standard input is no terminal. */
static __startup int
cond_no_tty(const struct options *o)
{
	(void)o;
	return (!isatty(STDIN_FILENO));
}

/* -l --proxy-type: sockcat is the proxy (step_proxy() decides). */
static __startup int
cond_proxy_server(const struct options *o)
{
	return (o->proxy_serve);
}

/* A client through a proxy, once step_proxy() has read -x. */
static __startup int
cond_via_proxy(const struct options *o)
{
	return (o->side.proxy.host != NULL);
}

/* A proxy user, from -P, --proxy-auth, the environment or the URL. */
static __startup int
cond_proxy_user(const struct options *o)
{
	return (o->side.proxy.user != NULL);
}

/* The proxy user's password is known. */
static __startup int
cond_proxy_password(const struct options *o)
{
	return (o->side.proxy.pass != NULL);
}

/* A ws:// or wss:// URL where the host was. */
static __startup int
cond_ws_url(const struct options *o)
{
	return (o->side.ws.path != NULL);
}

/*
 * What a conflict row may ask besides the options: a condition no one
 * option is.  Its name has no leading '-', so it cannot be taken for an
 * option.
 */
static const struct condition {
	const char	*name;
	int		(*holds)(const struct options *);
} conditions[] = {
	{ "no-tls", cond_no_tls },
	{ "several-ports", cond_several_ports },
	{ "no-tty", cond_no_tty },
	{ "proxy-server", cond_proxy_server },
	{ "via-proxy", cond_via_proxy },
	{ "proxy-user", cond_proxy_user },
	{ "proxy-password", cond_proxy_password },
	{ "ws-url", cond_ws_url },
};

static void	step_modes(struct cmdline *);

/*
 * The checks after parsing, in netcat's order: a row refuses the command
 * line with its message when every fact of all, one of any (if any) and
 * none of none hold; a warning row only says it; a step row does what it
 * names.  A fact is an option, as the option table says whether it is in
 * effect (opt_on()), written as the messages write it ("-z", "--fifo"),
 * or a condition of the table above; each list is space-separated.  The
 * completions learn from the same rows which options exclude each other
 * (excludes()), so a new conflict is this one row.
 */
static const struct conflict {
	const char	*all, *any, *none;
	const char	*msg;
	int		 warn;
	void		(*step)(struct cmdline *);
} conflicts[] = {
	{ .all = "-z -l", .msg = "cannot use -z and -l" },
	{ .all = "-k", .none = "-l", .msg = "must use -l with -k" },
	{ .all = "--listen-fd", .none = "-l",
	  .msg = "must use -l with --listen-fd" },
	{ .all = "--reuseport", .none = "-l",
	  .msg = "must use -l with --reuseport" },
	{ .all = "--reuseport", .any = "-U --listen-fd --vsock",
	  .msg = "--reuseport is for TCP and UDP ports: it takes no -U, "
	  "--listen-fd or --vsock" },
	{ .all = "--mptcp", .any = "-U -u --vsock",
	  .msg = "--mptcp is for TCP: it takes no -U, -u or --vsock" },
	{ .all = "--vsock", .any = "-U -u",
	  .msg = "cannot use --vsock with -U or -u" },
	{ .all = "--send-only --recv-only",
	  .msg = "cannot use --send-only and --recv-only" },
	{ .step = step_quit },
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
	{ .all = "--room -z", .msg = "cannot use -z and --room" },
	{ .all = "--broker -z", .msg = "cannot use -z and --broker" },
	{ .all = "--max-conns", .none = "-l",
	  .msg = "must use -l with --max-conns" },
	{ .any = "--allow --allowfile --deny --denyfile", .none = "-l",
	  .msg = "must use -l with --allow and --deny" },
	/* A Unix-domain client has no address for a rule to match. */
	{ .all = "-U", .any = "--allow --allowfile --deny --denyfile",
	  .msg = "cannot use --allow or --deny with -U" },
	{ .all = "--write-timeout", .none = "--broker --room",
	  .msg = "must use --broker or --room with --write-timeout" },
	{ .step = step_proxy },
	{ .all = "--round-robin", .none = "--forward",
	  .msg = "must use --forward with --round-robin" },
	{ .all = "--send-proxy", .none = "--forward",
	  .msg = "must use --forward with --send-proxy" },
	{ .all = "--forward-ssl", .none = "--forward",
	  .msg = "must use --forward with --forward-ssl" },
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
	{ .all = "--chat -U", .msg = "cannot use -U and --chat" },
	{ .all = "--ssl no-tls", .msg = "TLS support was not built in" },
	/* DTLS is over UDP: a Unix datagram socket, a relay have none. */
	{ .all = "--ssl -u -U", .msg = "cannot use --ssl with -U -u" },
	{ .all = "--ssl -u", .any = "--forward --broker --room",
	  .msg = "cannot use --ssl with -u and --forward, --broker or --room" },
	/* Telnet answers are written to the socket, not over TLS. */
	{ .all = "--ssl -t", .msg = "cannot use -t with --ssl" },
	/* Said, not refused: the rest of the command line works. */
	{ .all = "--ssl --ssl-trustfile", .none = "--ssl-verify", .warn = 1,
	  .msg = "--ssl-trustfile has no effect without --ssl-verify" },
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
	  .msg = "--reconnect is for one stream wired to stdin and stdout: it "
	  "takes no -u, -z, -e, -c, --fifo, --chat, -F or several ports" },
	{ .all = "--on-connect", .any = "-l -u -z -e -c --fifo --chat -F",
	  .msg = "--on-connect is for a client wired to stdin and stdout: it "
	  "takes no -l, -u, -z, -e, -c, --fifo, --chat or -F" },
	{ .step = step_retry },
	{ .all = "--pty", .none = "-e -c",
	  .msg = "must use -e or -c with --pty" },
	{ .all = "--raw -l", .any = "-u --broker --room --forward proxy-server",
	  .msg = "--raw -l serves one stream client at a time: it takes no "
	  "-u, --broker, --room, --forward or proxy server" },
	{ .all = "--raw", .any = "-z -e -c --fifo -d --chat -C",
	  .msg = "--raw makes stdin a remote terminal: it takes no -e, -c, "
	  "--fifo, -d, -C, -z or --chat" },
	{ .all = "--raw no-tty",
	  .msg = "cannot use --raw: standard input is not a terminal" },
	{ .all = "--readline", .any = "-l -z -e -c --fifo -d --chat --raw",
	  .msg = "--readline edits what a client sends: it takes no -l, -z, "
	  "-e, -c, --fifo, -d, --chat or --raw" },
	{ .all = "--readline no-tty",
	  .msg = "cannot use --readline: standard input is not a terminal" },
	{ .all = "--websocket", .none = "-l ws-url",
	  .msg = "must use -l with --websocket (a client takes a ws:// URL)" },
	{ .any = "--ws-binary --ws-header --ws-origin --ws-protocol --ws-ping "
	  "--ws-max-message --ws-insecure --ws-no-compress",
	  .none = "--websocket",
	  .msg = "must use --websocket or a ws:// URL with --ws-* options" },
	{ .all = "--ws-static-dotfiles", .none = "--ws-static",
	  .msg = "must use --ws-static with --ws-static-dotfiles" },
	{ .any = "--ws-static --ws-allow-origin --ws-path", .none = "-l",
	  .msg = "must use -l --websocket with --ws-static, --ws-allow-origin "
	  "and --ws-path" },
	{ .any = "--ws-static --ws-allow-origin --ws-path --ws-framed",
	  .none = "--websocket",
	  .msg = "must use --websocket or a ws:// URL with --ws-* options" },
	{ .all = "--ws-framed --ws-binary",
	  .msg = "cannot use --ws-framed with --ws-binary" },
	{ .all = "--websocket",
	  .any = "-z -U -u --fifo proxy-server -t --chat",
	  .msg = "--websocket takes no -u, -U, -z, -t, --fifo, --chat or "
	  "proxy server" },
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

/*
 * Whether the fact w holds in o: 1 or 0, or -1 when w is no option
 * whose row says when it is in effect, and no condition.
 */
static __startup int
fact_holds(const struct options *o, const char *w)
{
	const struct optdef	*d;
	size_t			 i;

	if ((d = fact_option(w)) != NULL)
		return (opt_on(o, d));
	for (i = 0; i < nitems(conditions); i++) {
		if (strcmp(conditions[i].name, w) == 0)
			return (conditions[i].holds(o) != 0);
	}
	return (-1);
}

/*
 * How many facts of list hold in o, stopping at the first that does not
 * when all is set.  Exits on a name that is no fact: a fault of the
 * table, which the tests see (conflicts_valid()).
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

/* A fact as messages name it: the proxy server is no option. */
static __startup const char *
fact_text(const char *w)
{
	return (strcmp(w, "proxy-server") == 0 ? "proxy server" : w);
}

/*
 * Refuse, with what the mode of fact is (why), the facts of list that
 * hold in o, if any: one line naming them all, status 1.
 */
static __startup void
mode_refuse(const struct options *o, const char *fact, const char *why,
    const char *list)
{
	char	 w[FACT_NAME_MAX], msg[512];
	size_t	 n, i = 0;

	if (list == NULL || (n = facts_holding(o, list, 0)) == 0)
		return;
	snprintf(msg, sizeof(msg), "%s %s: it takes no ",
	    strcmp(fact, "proxy-server") == 0 ? "-l --proxy-type" : fact,
	    why != NULL ? why : "is a mode of its own");
	while (next_fact(&list, w)) {
		if (fact_holds(o, w) != 1)
			continue;
		strlcat(msg, i == 0 ? "" : i + 1 == n ? " or " : ", ",
		    sizeof(msg));
		strlcat(msg, fact_text(w), sizeof(msg));
		i++;
	}
	fatalx("%s", msg);
}

/*
 * The modes of sockcat's own (mode.c's rules): one that is selected takes
 * no other mode or near end, and no option it does not use.
 */
static __startup void
step_modes(struct cmdline *cl)
{
	const struct mode_rule	*r;
	size_t			 i, n;

	r = mode_rule_table(&n);
	for (i = 0; i < n; i++) {
		if (facts_holding(cl->o, r[i].fact, 1) == 0)
			continue;
		mode_refuse(cl->o, r[i].fact, NULL, r[i].others);
		mode_refuse(cl->o, r[i].fact, r[i].why, r[i].unused);
	}
}

/*
 * Is every fact the conflict rows name an option whose row says when it
 * is in effect, or a condition?  Says each one that is not; the table
 * dump (and so the completions and tests/t-options.sh) refuses to go on
 * without it, as debug builds do at every start.
 */
static __startup int
conflicts_valid(void)
{
	struct options		 o;
	const struct mode_rule	*r;
	const char		*lists[3], *l;
	char			 w[FACT_NAME_MAX];
	size_t			 i, j, n;
	int			 ok = 1;

	opt_defaults(&o);
	for (i = 0; i < nitems(conflicts); i++) {
		lists[0] = conflicts[i].all;
		lists[1] = conflicts[i].any;
		lists[2] = conflicts[i].none;
		for (j = 0; j < nitems(lists); j++) {
			for (l = lists[j]; next_fact(&l, w); ) {
				if (fact_holds(&o, w) != -1)
					continue;
				log_warnx("conflict table: %s is no fact", w);
				ok = 0;
			}
		}
	}
	/* The modes' rules name facts too. */
	r = mode_rule_table(&n);
	for (i = 0; i < n; i++) {
		lists[0] = r[i].fact;
		lists[1] = r[i].others;
		lists[2] = r[i].unused;
		for (j = 0; j < nitems(lists); j++) {
			for (l = lists[j]; next_fact(&l, w); ) {
				if (fact_holds(&o, w) != -1)
					continue;
				log_warnx("mode table: %s is no fact", w);
				ok = 0;
			}
		}
	}
	return (ok);
}

/*
 * The option row of the i-th fact of list, or NULL where it is a
 * condition or there is none.
 */
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

/*
 * Of two options a and b that exclude each other, print the one that is
 * not d when the other is, after a space if *sep.
 */
static void
exclude_pair(const struct optdef *d, const struct optdef *a,
    const struct optdef *b, int *sep)
{
	if (a == NULL || b == NULL || (a != d && b != d))
		return;
	print_names(a == d ? b : a, *sep);
	*sep = 1;
}

/*
 * Print the names of the options d excludes, for the completions: two
 * flags that set the same field (-4, -6), and the conflict rows that
 * refuse two options given together: two of all (-z and -l), or the one
 * of all with any of any (--forward and any of -e, -c, ...).  A row
 * with a condition in it, or with none, refuses only some of the
 * command lines with both, so it excludes nothing.
 */
static void
excludes(const struct optdef *d)
{
	const struct optdef	*t, *a;
	const struct conflict	*c;
	const struct mode_rule	*r;
	size_t			 i, j, n;
	int			 sep = 0;

	t = opt_table(&n);
	for (i = 0; i < n; i++) {
		if (&t[i] != d && d->kind == OPTK_FLAG &&
		    t[i].kind == OPTK_FLAG && t[i].field == d->field &&
		    t[i].value != d->value && t[i].group != OPTG_HIDDEN) {
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
		if (c->any == NULL || facts_count(c->all) != 1 ||
		    (a = list_option(c->all, 0)) == NULL)
			continue;
		for (j = 0; j < facts_count(c->any); j++)
			exclude_pair(d, a, list_option(c->any, j), &sep);
	}
	r = mode_rule_table(&n);
	for (i = 0; i < n; i++) {
		if ((a = list_option(r[i].fact, 0)) == NULL)
			continue;
		for (j = 0; j < facts_count(r[i].others); j++)
			exclude_pair(d, a, list_option(r[i].others, j), &sep);
		for (j = 0; j < facts_count(r[i].unused); j++)
			exclude_pair(d, a, list_option(r[i].unused, j), &sep);
	}
}

/*
 * --dump-modes: each mode of sockcat's own, a line each: its fact, the
 * modes and near ends it takes none of, the options it does not use.
 */
void
cmdline_dump_modes(void)
{
	const struct mode_rule	*r;
	size_t			 i, n;

	r = mode_rule_table(&n);
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", r[i].fact, r[i].others, r[i].unused);
}

/* Go through the conflict table: exits at the first conflict. */
static __startup void
check(struct cmdline *cl)
{
	const struct conflict	*c;
	const struct options	*o = cl->o;
	size_t			 i;

	DEBUG_CHECK(conflicts_valid(), "the conflict table names no fact");
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
			fatalx("%s", c->msg);
		log_warnx("%s", c->msg);
	}
}

/*
 * Fill o from the command line, exiting with netcat's message and status 1
 * on anything it would refuse; o refers to run, what changes while the
 * program runs.
 */
__startup void
cmdline_parse(struct options *o, struct runtime *run, int argc, char **argv)
{
	struct cmdline		 cl = { .o = o };
	const struct optdef	*d;
	/*
	 * Static: an option refused inside the loop exits from there, and
	 * what the two point to is still held then, not lost.
	 */
	static struct option	*longopts;
	static char		*shortopts;
	char			**ops;
	int			 ch, nops;

	opt_defaults(o);
	o->run = run;
	o->side.run = run;

	/* Invoked by the name "sockchat" (a link), it is "sockcat --chat". */
	if (strcmp(getprogname(), "sockchat") == 0)
		o->chat = 1;

	getopt_args(&shortopts, &longopts);
	while ((ch = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		if ((d = opt_find(ch)) == NULL)
			bad_option(optind > 1 && optind <= argc ?
			    argv[optind - 1] : NULL);
		cl.by_long = ch > CHAR_MAX;
		if (optarg == NULL && opt_has_arg(d) == optional_argument &&
		    optind < argc && operand_hint[0] == '\0' &&
		    opt_value_like(d, argv[optind]))
			snprintf(operand_hint, sizeof(operand_hint), " (--%s "
			    "takes its value after '=': --%s=%s)", d->name,
			    d->name, argv[optind]);
		opt_apply(&cl, d, optarg);
		if (cl.action == CL_HELP)
			usage(1);
		if (cl.action == CL_DUMP) {
			cmdline_dump();
			exit(0);
		}
		if (cl.action == CL_DUMP_MODES) {
			cmdline_dump_modes();
			exit(0);
		}
	}
	free(shortopts);
	free(longopts);
	shortopts = NULL;
	longopts = NULL;
	/* The many-client servers listen. */
	if (o->broker || o->room)
		o->side.listen = 1;
	nops = argc - optind;
	ops = argv + optind;
	cl.pair = pair_is(o, nops, ops);
	passed(&cl);
	if (!cl.pair && (!o->side.listen || o->side.sock.listen_fd == -1 ||
	    nops > 0 || o->chat || o->side.sock.source_port != NULL))
		operands(o, nops, ops);
	if (!o->side.listen && !cl.listen_fd)
		o->side.sock.listen_fd = -1;
	if (o->side.listen && o->side.sock.listen_fd != -1)
		passed_operands(o);
	check(&cl);
	/* The options are the defaults each address's side starts from. */
	if (cl.pair)
		pair_build(&cl, nops, ops);
}
