/*
 * The command line: getopt's arguments and --help made from the option
 * table (opttab.c), and the operands in the forms netcat takes them.  The
 * conflicts between options are checked after parsing (cmdline-check.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
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
"  %1$s -lk 5000 -e /bin/cat     an echo server, one cat per client\n";

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

/* Does the row's option take an argument: no_argument, ...? */
static int
opt_has_arg(const struct optdef *d)
{
	if (d->has_arg != 0)
		return (d->has_arg);
	return (d->arg != NULL ? required_argument : no_argument);
}

/*
 * --help's text, gathered here and written with write(2): a run that
 * only prints its help reaches neither malloc nor printf's machinery
 * (one invocation's memory, bench/peers).
 */
struct help_out {
	char	 buf[2048];
	size_t	 len;
};

static __shortrun void
help_flush(struct help_out *h)
{
	log_write_quiet(STDOUT_FILENO, h->buf, h->len);
	h->len = 0;
}

static __shortrun void
help_put(struct help_out *h, const char *s, size_t n)
{
	size_t	 k;

	while (n > 0) {
		if (h->len == sizeof(h->buf))
			help_flush(h);
		k = sizeof(h->buf) - h->len;
		if (k > n)
			k = n;
		memcpy(h->buf + h->len, s, k);
		h->len += k;
		s += k;
		n -= k;
	}
}

static __shortrun void
help_puts(struct help_out *h, const char *s)
{
	help_put(h, s, strlen(s));
}

/* A text of this file's, its "%s" and "%1$s" the name we run by. */
static __shortrun void
help_text(struct help_out *h, const char *text)
{
	const char	*p;

	while ((p = strchr(text, '%')) != NULL) {
		help_put(h, text, p - text);
		if (strncmp(p, "%1$s", 4) == 0)
			text = p + 4;
		else
			text = p + 2;	/* "%s" */
		help_puts(h, getprogname());
	}
	help_puts(h, text);
}

/* s after the *len bytes of buf (size bytes), cut where it is full. */
static __shortrun void
help_cat(char *buf, size_t size, size_t *len, const char *s)
{
	size_t	 n = strlen(s);

	if (n > size - 1 - *len)
		n = size - 1 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/* lead and d as --help names it ("--retry N|forever"), at *len of buf. */
static __shortrun void
help_name(char *buf, size_t size, size_t *len, const char *lead,
    const struct optdef *d)
{
	int	 optional = opt_has_arg(d) == optional_argument;

	help_cat(buf, size, len, lead);
	help_cat(buf, size, len, d->name);
	if (d->arg == NULL)
		return;
	help_cat(buf, size, len, optional ? "[=" : " ");
	help_cat(buf, size, len, d->arg);
	if (optional)
		help_cat(buf, size, len, "]");
}

/*
 * Print one --help line for d, and next (or NULL), the row that joins it,
 * with its text at HELP_COLUMN.
 */
static __shortrun void
help_line(struct help_out *h, const struct optdef *d,
    const struct optdef *next)
{
	char	 left[160];
	char	 letter[] = "  -?";
	size_t	 n = 0;

	if (d->letter != 0)
		letter[3] = d->letter;
	else
		letter[2] = letter[3] = ' ';
	help_cat(left, sizeof(left), &n, letter);
	help_cat(left, sizeof(left), &n, d->letter != 0 && d->name != NULL ?
	    "," : (d->name != NULL || d->arg != NULL ? " " : ""));
	if (d->name != NULL)
		help_name(left, sizeof(left), &n, " --", d);
	else if (d->arg != NULL)
		help_cat(left, sizeof(left), &n, d->arg);
	/* A letter alone joins as itself ("--ws-messages N, -1"). */
	if (next != NULL && next->name != NULL)
		help_name(left, sizeof(left), &n, ", --", next);
	else if (next != NULL) {
		help_cat(left, sizeof(left), &n, ", -");
		help_cat(left, sizeof(left), &n,
		    (const char []){ next->letter, '\0' });
	}
	if (n < HELP_COLUMN) {
		memset(left + n, ' ', HELP_COLUMN - n);
		n = HELP_COLUMN;
	} else
		help_cat(left, sizeof(left), &n, "  ");
	help_put(h, left, n);
	help_puts(h, next != NULL && d->line != NULL ? d->line : d->help);
	help_put(h, "\n", 1);
}

/* Print the whole --help: usage, forms, groups, examples and topics. */
static __shortrun void
help(void)
{
	struct help_out		 h = { .len = 0 };
	const struct optdef	*t;
	const struct opttopic	*tp;
	size_t			 i, n, ntp;
	int			 g;

	t = opt_table(&n);
	help_text(&h, usage_text);
	help_text(&h, help_forms);
	for (g = OPTG_CONN; g <= OPTG_INFO; g++) {
		help_puts(&h, "\n");
		help_puts(&h, help_groups[g]);
		help_puts(&h, ":\n");
		for (i = 0; i < n; i++) {
			if (t[i].group == (enum opt_group)g && !t[i].joins)
				help_line(&h, &t[i], i + 1 < n &&
				    t[i + 1].joins ? &t[i + 1] : NULL);
		}
	}
	help_text(&h, help_end);
	tp = opt_topics(&ntp);
	help_puts(&h, "Topics (-h TOPIC):");
	for (i = OPTT_CORE; i < ntp; i++) {
		help_puts(&h, " ");
		help_puts(&h, tp[i].name);
	}
	help_puts(&h, "\n");
	help_flush(&h);
}

/* --help TOPIC: the topic's page and options; exits 1 on an unknown name. */
static __dead void
help_topic(const char *name)
{
	struct help_out		 h = { .len = 0 };
	const struct opttopic	*tp, *all;
	const struct optdef	*t;
	char			 page[64], head[160];
	size_t			 i, n, ntp;
	int			 g, section;

	all = opt_topics(&ntp);
	if ((tp = opt_topic_find(name)) == NULL) {
		fprintf(stderr, "%s: no help topic %s; the topics are",
		    getprogname(), name);
		for (i = OPTT_CORE; i < ntp; i++)
			fprintf(stderr, " %s", all[i].name);
		fprintf(stderr, "\n");
		exit(1);
	}
	opt_topic_page(tp - all, page, sizeof(page), &section);
	(void)snprintf(head, sizeof(head), "%s(%d): ", page, section);
	help_puts(&h, head);
	help_puts(&h, tp->summary);
	help_puts(&h, "\n");
	if (tp->forms != NULL)
		help_puts(&h, tp->forms);
	t = opt_table(&n);
	for (i = 0, g = OPTG_HIDDEN; i < n; i++) {
		if (t[i].topic != tp - all)
			continue;
		if (t[i].group != g) {
			help_puts(&h, "\n");
			help_puts(&h, help_groups[t[i].group]);
			help_puts(&h, ":\n");
		}
		g = t[i].group;
		help_line(&h, &t[i], NULL);
	}
	help_flush(&h);
	exit(0);
}

/* netcat's usage alone, as netcat answers "-U" alone; exits 1. */
static __shortrun __dead void
usage(void)
{
	fprintf(stderr, usage_text, getprogname());
	exit(1);
}

/* Print netcat's usage as netcat does, then what is wrong; exits 1. */
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
 * The optimal string alignment distance between a (alen bytes) and b; 99 for
 * names too long to be options.
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

/* After getopt_long's message on word: usage and the option meant; exits 1. */
static __dead void
bad_option(const char *word, int socat)
{
	const struct optdef	*t, *best = NULL;
	size_t			 i, n, len;
	int			 d, most;

	if (optopt == 'E')
		usage_why("-E is websocat's exit on either end: a WebSocket "
		    "session ends so here already");
	if (optopt == 'H')
		usage_why("-H is websocat's request header: --ws-header "
		    "'Name: value'");
	if (socat)
		usage_why("%s", SOCAT_NAME_HINT);
	if (word != NULL && strncmp(word, "--lua-exec", 10) == 0)
		usage_why("--lua-exec is ncat's Lua: a program is run by -e or "
		    "-c here");

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

/*
 * --dump-options: the table as tab-separated lines for completions/gen.py,
 * doc/man/gen.py and the tests, hidden rows left out.  Exits 1, printing
 * nothing, when a conflict row names no fact or a row has no topic.
 */
static void
cmdline_dump(void)
{
	static const char *const comps[] = {
		[OPTC_NONE] = "none", [OPTC_WORDS] = "words",
		[OPTC_TOS] = "words", [OPTC_FILE] = "file",
		[OPTC_DIR] = "dir",
		[OPTC_HOST] = "host", [OPTC_COMMAND] = "command",
		[OPTC_PORT] = "port", [OPTC_USER] = "user",
		[OPTC_TOPIC] = "words",
	};
	static const char *const args[] = { "none", "required", "optional" };
	const struct optdef	*t;
	const struct opttopic	*tp;
	const char		*w;
	size_t			 i, j, n, ntp;

	if (!cmdline_conflicts_valid())
		exit(1);
	t = opt_table(&n);
	tp = opt_topics(&ntp);
	for (i = 0; i < n; i++) {
		if (t[i].group == OPTG_HIDDEN || (t[i].topic != OPTT_NONE &&
		    t[i].topic < ntp))
			continue;
		if (t[i].name != NULL)
			fatalx("option --%s has no topic", t[i].name);
		fatalx("option -%c has no topic", t[i].letter);
	}
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
		} else if (t[i].comp == OPTC_TOPIC) {
			for (j = OPTT_CORE; j < ntp; j++)
				printf("%s%s", j > OPTT_CORE ? " " : "",
				    tp[j].name);
		} else
			printf("%s", t[i].words != NULL ? t[i].words : "");
		printf("\t%d\t%d\t%s\t", t[i].repeat || t[i].kind ==
		    OPTK_COUNT, t[i].exits, t[i].help);
		cmdline_excludes(&t[i]);
		printf("\t%s\n", tp[t[i].topic].name);
	}
}

/* --dump-topics: the topics as tab-separated lines, for doc/man/gen.py. */
static void
cmdline_dump_topics(void)
{
	const struct opttopic	*tp;
	char			 page[64];
	size_t			 i, n;
	int			 section;

	tp = opt_topics(&n);
	for (i = OPTT_CORE; i < n; i++) {
		opt_topic_page(i, page, sizeof(page), &section);
		printf("%s\t%s\t%d\t%s\n", tp[i].name, page, section,
		    tp[i].summary);
	}
}

/*
 * Point *shortopts and *longopts at getopt_long's arguments from the table;
 * static, nothing to free.
 */
static void
getopt_args(const char **shortopts, const struct option **longopts)
{
	static char		 so[3 * OPT_ROWS_MAX + 1];
	static struct option	 lo[OPT_ROWS_MAX + 1];
	const struct optdef	*t;
	size_t			 i, n, ns = 0, nl = 0;

	t = opt_table(&n);
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
	size_t			 n;

	t = opt_table(&n);
	if (ch > CHAR_MAX && (size_t)(ch - CHAR_MAX - 1) < n)
		return (&t[ch - CHAR_MAX - 1]);
	return (opt_named((const char []){ ch, '\0' }));
}

/*
 * Does word, the one after d (NULL: none), look like a value of d, whose
 * value is optional (and goes after '=')?
 */
static int
opt_value_like(const struct optdef *d, const char *word)
{
	size_t	 len;
	const char *w;

	if (word == NULL || opt_has_arg(d) != optional_argument)
		return (0);
	len = strlen(word);
	if (d->words != NULL) {
		for (w = d->words; *w != '\0'; w += strcspn(w, " ")) {
			w += strspn(w, " ");
			if (strncmp(w, word, len) == 0 &&
			    (w[len] == ' ' || w[len] == '\0'))
				return (1);
		}
		return (0);
	}
	return ((isdigit((unsigned char)word[0]) || word[0] == ',') &&
	    strspn(word, "0123456789,.smh") == len);
}

/*
 * An option whose value is optional takes it after '=' alone
 * (--keepalive=60): in "--keepalive 60 host port", 60 is the host.  When
 * the operands are wrong then, their message ends with this, which says
 * so; else it is empty.
 */
static char	 operand_hint[128];

/* What follows the error of a port operand that is none. */
static const char *
ports_hint(const struct options *o)
{
	const char	*host = o->side.host;

	if (!o->flow.no_stdin || host == NULL)
		return (operand_hint);
	/* "-d 1s HOST PORT": ncat's -d TIME, where nc's takes no value. */
	return (isdigit((unsigned char)host[0]) && strpbrk(host, ".:") ==
	    NULL ? " (-d is nc's, no stdin: ncat's -d, a delay, is --delay)" :
	    operand_hint);
}

/* Read the port operands; listening takes one, 0 for the kernel's pick. */
static __startup void
add_ports(struct options *o, char *const *argv, int argc)
{
	char	 err[256];
	int	 i;

	for (i = 0; i < argc; i++) {
		if (parse_ports(argv[i], o->side.sock.socktype == SOCK_DGRAM,
		    o->side.listen ? 0 : 1, &o->side.ports, &o->side.nports, err,
		    sizeof(err)) == -1)
			fatalx("%s%s", err, ports_hint(o));
	}
	if (o->side.listen && o->side.nports > 1)
		fatalx("cannot listen on more than one port: %s", argv[0]);
}

/* Does a listener's command line name no port: no operand, no -p? */
static int
no_port_named(const struct options *o, int nops)
{
	return (nops == 0 && o->side.sock.source_port == NULL);
}

/*
 * Read a client's ws:// or wss:// operand (side_ws_url()), its secrets
 * blanked in place.  Returns -1 when arg is no such URL.
 */
static int
ws_url(struct options *o, char *arg)
{
	static char	*host, *path, *auth;
	char		*port, *cause;

	if (side_ws_url(&o->side, arg, &host, &port, &path, &auth,
	    &cause) == -1) {
		if (cause == NULL)
			return (-1);
		fatalx("%s", cause);
	}
	if (auth != NULL)
		opt_list_add(&o->side.ws.headers, &o->side.ws.nheaders, auth);
	/* Read: what ps(1) shows of it keeps no password, no ?token=. */
	addr_hide_secret(arg);
	/* ws+unix: a socket's path, no port. */
	if (port != NULL)
		add_ports(o, &port, 1);
	/* A URL names one port: "1-2" would dial each, as nc's ports. */
	if (o->side.nports > 1)
		fatalx("%s: a target has one port, not a range", arg);
	return (0);
}

/* Exit saying what a client's one operand with no port meant, or return. */
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

/* "-s PORT" alone, websocat's server: point at ws-l:[ADDRESS:]PORT; exits 1. */
static __dead void
websocat_server(const char *arg)
{
	const char	*p = arg, *port;

	if (strncasecmp(p, "ws-l:", 5) == 0)
		p += 5;
	else if (strncasecmp(p, "ws-listen:", 10) == 0)
		p += 10;
	/* PORT, HOST:PORT or [V6]:PORT. */
	if ((port = strrchr(p, ':')) == NULL)
		port = p;
	else if (p[0] != '[' && strchr(p, ':') != port)
		port = NULL;
	else
		port++;
	if (port != NULL && port[0] != '\0' &&
	    port[strspn(port, "0123456789")] == '\0')
		usage_why("missing destination and port (websocat's -s %s, a "
		    "WebSocket server, is %s ws-l:%s -)", arg, getprogname(), p);
	usage_why("missing destination and port");
}

/* Does path, a -U operand or -s, name no socket? */
static int
unix_path_none(const char *path)
{
	return (*path == '\0' || strcmp(path, "@") == 0);
}

/* Read the operands in netcat's forms; exits 1 when ambiguous. */
static void
operands(struct options *o, int argc, char **argv)
{
	char	*path[1];

	if (pair_one_operand(o, argc) && ws_url(o, argv[0]) == 0)
		return;
	if (o->chat && argc == 0)
		o->side.listen = 1;
	if (o->chat && no_port_named(o, argc)) {
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
		if (o->side.listen && argc == 0) {
			if (o->side.sock.source == NULL ||
			    o->side.sock.source_port != NULL)
				fatalx("missing socket pathname");
			/* A copy: the member is cleared below. */
			path[0] = (char *)o->side.sock.source;
			argv = path;
			argc = 1;
			o->side.sock.source = NULL;
		}
		/* -U alone: netcat's usage alone, as netcat answers it. */
		if (argc == 0)
			usage();
		if (o->side.sock.source_port != NULL)
			usage_why("cannot use -p with -U");
		if (o->side.sock.source != NULL &&
		    (o->side.listen || o->side.sock.socktype != SOCK_DGRAM))
			usage_why("-s with -U names a datagram client's own "
			    "socket (-uU)");
		if (argc > 1)
			fatalx("cannot use port with -U");
		/*
		 * "" and "@" name no socket: the kernel would take either
		 * for the abstract name "", which any local process reaches.
		 */
		if (unix_path_none(argv[0]) || (o->side.sock.source != NULL &&
		    unix_path_none(o->side.sock.source)))
			fatalx("missing socket pathname");
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
	} else if (argc >= 1 && o->side.listen &&
	    o->side.sock.source_port != NULL) {
		/* An address (no service's name) where the port was. */
		if (argc == 1 && strpbrk(argv[0], ".:") != NULL)
			usage_why("with -l, the address comes before the port: "
			    "%s -l %s %s", getprogname(), argv[0],
			    o->side.sock.source_port);
		usage_why("-p %s and %s both name the port to listen on: give "
		    "it once", o->side.sock.source_port, argv[argc - 1]);
	} else if (argc == 1 && o->side.listen && o->side.sock.source != NULL)
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
	else if (o->side.sock.source != NULL && !o->side.listen)
		websocat_server(o->side.sock.source);
	else if (optind == 1)
		usage_why("try '%s -h' for the options and examples",
		    getprogname());
	else
		usage_why("missing destination and port");
}

/* Take sockets passed the systemd way, so their variables go. */
static void
passed(struct options *o)
{
	const char	*name;
	char		*cause;
	int		 fd, n;

	fd = activate_take(&name, &n, &cause);
	/* A listener (or chat) given no socket of its own takes it. */
	if (o->side.sock.listen_fd == -1 && (o->side.listen || o->chat)) {
		/* Wrong variables stop it: it would serve them. */
		if (cause != NULL)
			fatalx("%s", cause);
		if (fd != -1) {
			o->side.sock.listen_fd = fd;
			o->side.sock.listen_fd_name = name;
		}
	}
	free(cause);
}

/* A listener given its socket takes the socket's address as its operands. */
static void
passed_operands(struct options *o)
{
	char	*host, *port;

	if (activate_addr(o->side.sock.listen_fd, &host, &port) == -1)
		fatalx("passed descriptor %d: %s", o->side.sock.listen_fd,
		    errno == ENOTSOCK ? "not a socket" : strerror(errno));
	o->side.host = o->passed_host = host;
	if (port == NULL && (o->side.sock.family == AF_UNIX ||
	    o->side.nports > 0))
		return;
	/* A path where a port was wanted: activate_use() refuses it. */
	if (port == NULL && (port = strdup("0")) == NULL)
		fatal("strdup");
	parse_ports_free(o->side.ports, o->side.nports);
	o->side.ports = NULL;
	o->side.nports = 0;
	add_ports(o, &port, 1);
	free(port);
}

/* Apply argv's options to cl in turn; help and dumps print and exit. */
static __startup void
cmdline_options(struct cmdline *cl, int argc, char **argv)
{
	const struct optdef	*d;
	const struct option	*longopts;
	const char		*shortopts;
	int			 ch;

	getopt_args(&shortopts, &longopts);
	while ((ch = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		if ((d = opt_find(ch)) == NULL)
			bad_option(optind > 1 && optind <= argc ?
			    argv[optind - 1] : NULL, cl->socat_form);
		cl->by_long = ch > CHAR_MAX;
		/* main()'s argv: argv[argc] is NULL. */
		if (optarg == NULL && operand_hint[0] == '\0' &&
		    opt_value_like(d, argv[optind]))
			snprintf(operand_hint, sizeof(operand_hint), " (--%s "
			    "takes its value after '=': --%s=%s)", d->name,
			    d->name, argv[optind]);
		opt_apply(cl, d, optarg);
		/* "--help TOPIC": the word after it, if it is no option. */
		if (cl->action == CL_HELP && optind < argc &&
		    argv[optind][0] != '-')
			help_topic(argv[optind]);
		if (cl->action == CL_HELP)
			help();
		else if (cl->action == CL_DUMP)
			cmdline_dump();
		else if (cl->action == CL_DUMP_MODES)
			cmdline_dump_modes();
		else if (cl->action == CL_DUMP_TOPICS)
			cmdline_dump_topics();
		if (cl->action != CL_RUN)
			exit(0);
	}
}

/*
 * Fill o from the command line (o refers to run), exiting 1 with netcat's
 * message on what it would refuse.
 */
__startup void
cmdline_parse(struct options *o, struct runtime *run, int argc, char **argv)
{
	struct cmdline		 cl = { .o = o };
	static char		*relay_port[] = { RDV_PORT };
	char			**ops;
	int			 nops, i;

	opt_defaults(o);
	o->run = run;
	o->side.run = run;
	/* The command line's own side is served, unless a pair says. */
	o->sd = &o->side;

	/* Invoked as "socat" (a link), it reads socat's command line. */
	if (strcmp(getprogname(), "socat") == 0) {
		nops = socat_cmdline(&cl, argc, argv);
		cmdline_check(&cl);
		pair_build(&cl, argc - nops, argv + nops);
		return;
	}

	/* Invoked by the name "sockchat" (a link), it is "sockcat --chat". */
	if (strcmp(getprogname(), "sockchat") == 0)
		o->chat = 1;

	/*
	 * socat's command line under our name: its refusals say whose.  A
	 * word that starts with no capital is no name of socat's as its
	 * manual writes them, and is not looked up (t-footprint).
	 */
	for (i = 1; i < argc && !cl.socat_form; i++)
		cl.socat_form = isupper((unsigned char)argv[i][0]) &&
		    addr_socat_written(argv[i]);
	if (cl.socat_form)
		snprintf(operand_hint, sizeof(operand_hint), "; %s",
		    SOCAT_NAME_HINT);
	cmdline_options(&cl, argc, argv);
	/* --print-psk needs the code alone, no address. */
	if (o->print_psk)
		secret_print_psk(&cl);
	/* The many-client servers listen. */
	if (o->broker || o->room || o->relay)
		o->side.listen = 1;
	nops = argc - optind;
	ops = argv + optind;
	/* A relay's port is its own unless given. */
	if (o->relay && no_port_named(o, nops) &&
	    o->side.sock.listen_fd == -1) {
		ops = relay_port;
		nops = 1;
	}
	/* --via dials the relay it names, and nothing else. */
	if (o->via != NULL && nops > 0)
		usage_why("--via %s names the relay both sides dial: it takes "
		    "no host or port besides", o->via);
	cl.pair = pair_is(o, nops, ops);
	if (cl.pair)
		pair_glance(o, nops, ops);
	passed(o);
	if (!cl.pair && o->via == NULL && (!o->side.listen ||
	    o->side.sock.listen_fd == -1 || !no_port_named(o, nops) ||
	    o->chat))
		operands(o, nops, ops);
	if (!o->side.listen && !cl.listen_fd)
		o->side.sock.listen_fd = -1;
	if (o->side.listen && o->side.sock.listen_fd != -1)
		passed_operands(o);
	cmdline_check(&cl);
	/* The options are the defaults each address's side starts from. */
	if (cl.pair)
		pair_build(&cl, nops, ops);
	/* The served side known, a pair's too (none asked without). */
	if (o->flow.record != NULL)
		record_many_check(o);
	if (o->script.n > 0 && script_compile(&o->script) == -1)
		fatalx("%s: %s", o->script.from, o->script.why);
	if (o->side.tls.secret != NULL)
		secret_warn();
}
