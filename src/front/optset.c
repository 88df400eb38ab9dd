/*
 * The options that need code of their own, each the function of its row
 * in opttab.c: the argument checked and stored, or refused with netcat's
 * words (exit 1).  Secrets are blanked in argv once read.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <readpassphrase.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "front.h"

/* The longest TCP MD5 key Linux takes (TCP_MD5SIG_MAXKEYLEN). */
#define MD5SIG_KEY_MAX	80

/* Append s to *list, of *n strings; exits when out of memory. */
void
opt_list_add(char ***list, size_t *n, char *s)
{
	char	**l;

	if ((l = reallocarray(*list, *n + 1, sizeof(*l))) == NULL)
		fatal("reallocarray");
	l[(*n)++] = s;
	*list = l;
}

/* A copy of arg, reachable until exit, kept in place of argv's bytes. */
static char *
opt_keep(const char *arg)
{
	static char	**kept;
	static size_t	  nkept;
	char		 *s;

	if ((s = strdup(arg)) == NULL)
		fatal("strdup");
	opt_list_add(&kept, &nkept, s);
	return (s);
}

/* -S: read the TCP MD5 key from the terminal, as netcat does. */
void
opt_md5sig(struct cmdline *cl, __unused const struct optdef *d,
    __unused char *arg)
{
	struct options	*o = cl->o;
	char		 key[MD5SIG_KEY_MAX + 1];

	if (readpassphrase("TCP MD5SIG password: ", key, sizeof(key),
	    RPP_REQUIRE_TTY) == NULL)
		fatalx("Unable to read TCP MD5SIG password");
	free(o->side.sock.md5sig);
	if ((o->side.sock.md5sig = strdup(key)) == NULL)
		fatal("strdup");
	explicit_bzero(key, sizeof(key));
}

/* -T: a keyword of parse_tos_name() or a number. */
void
opt_tos(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	if (parse_tos(arg, &cl->o->side.sock.tos) == -1)
		fatalx("illegal tos value %s", arg);
}

/* -V: routing tables are an OpenBSD feature. */
void
opt_rtable(__unused struct cmdline *cl, __unused const struct optdef *d,
    __unused char *arg)
{
	fatalx("no alternate routing table support available");
}

/* -x: the proxy's address, parsed once the protocol is known. */
void
opt_proxy(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	if (cl->nproxy == PROXY_HOPS_MAX)
		fatalx("too many proxies (at most %d)", PROXY_HOPS_MAX);
	/* nc has -x alone, and no URL: the rest is sockcat's. */
	if (cl->by_long || url_proxy_is(arg, strlen(arg)))
		cl->proxy_own = 1;
	/* A copy: argv's keeps no password (opt_hide()). */
	cl->proxy[cl->nproxy++] = opt_keep(arg);
}

/*
 * Exit unless port, which goes to the resolver, is a service's name or a
 * number from lo to 65535: glibc's takes any number strtoul(3) reads
 * ("65537", " +1") modulo 65536.  what starts the message ("proxy ").
 */
void
opt_port_check(const char *what, const char *port, int lo)
{
	const char	*errstr, *p = port;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		p++;
	/* A name, for the resolver to find or refuse. */
	if (*p != '\0' && p[strspn(p, "0123456789")] != '\0')
		return;
	if (p != port || *p == '\0')
		fatalx("%sport number invalid: %s", what, port);
	(void)strtonum(port, lo, 65535, &errstr);
	if (errstr != NULL)
		fatalx("%sport number %s: %s", what, errstr, port);
}

/* -p: the local port, 0 for any. */
void
opt_source_port(struct cmdline *cl, __unused const struct optdef *d,
    char *arg)
{
	opt_port_check("", arg, 0);
	cl->o->side.sock.source_port = arg;
}

/* --listen-fd: a listening socket an inetd-like supervisor left open. */
void
opt_listen_fd(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	cl->o->side.sock.listen_fd = opt_number("listen-fd", arg, 0, INT_MAX);
	cl->listen_fd = 1;
}

/* -X, --proxy-type: only the long name makes a listener a proxy. */
void
opt_proxy_type(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	if ((cl->o->side.proxy.proto = proxy_parse_proto(arg)) == -1)
		fatalx("unsupported proxy protocol: %s (use 4, 4a, 5 or "
		    "connect)", arg);
	if (cl->by_long)
		cl->proxy_type = 1;
	else
		cl->proxy_letter = 1;
}

/* -P: the proxy user, whose password is asked for. */
void
opt_proxy_user(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	cl->o->side.proxy.user = arg;
	cl->o->side.proxy.pass = NULL;
	cl->auth_nopass = 0;
}

/*
 * The names of the headers whose values are credentials, in any case:
 * a --ws-header that gives one is blanked in argv.
 */
static const char *const opt_secret_headers[] = {
	"Authorization", "Proxy-Authorization", "Cookie",
};

/*
 * Blank in arg what d's row says is secret, once d has copied it: argv is
 * what ps(1) shows.  Its length stays, as curl does.
 */
__startup void
opt_hide(const struct optdef *d, char *arg)
{
	char	*colon;
	size_t	 i, n;

	if (arg == NULL)
		return;
	switch (d->hide) {
	case OPTH_ALL:
		memset(arg, '*', strlen(arg));
		break;
	case OPTH_PASSWORD:
		if ((colon = strchr(arg, ':')) != NULL)
			memset(colon + 1, '*', strlen(colon + 1));
		break;
	case OPTH_ADDRESS:
		addr_hide_secret(arg);
		break;
	case OPTH_HEADER:
		if ((colon = strchr(arg, ':')) == NULL)
			break;
		/* The name as the header's reader takes it, blanks cut. */
		for (n = colon - arg; n > 0 && (arg[n - 1] == ' ' ||
		    arg[n - 1] == '\t'); n--)
			;
		for (i = 0; i < nitems(opt_secret_headers); i++) {
			if (strlen(opt_secret_headers[i]) == n &&
			    strncasecmp(arg, opt_secret_headers[i], n) == 0)
				memset(colon + 1, '*', strlen(colon + 1));
		}
		break;
	default:
		break;
	}
}

/*
 * --proxy-auth: take arg, "user:pass" or "user" (password asked on the
 * terminal), as the proxy credentials, in a copy kept to the end: arg may
 * be hidden or wiped.
 */
void
opt_proxy_auth(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	static char	*copy;
	static size_t	 len;
	char		*colon;

	if (copy != NULL)
		freezero(copy, len);
	len = strlen(arg);
	if ((copy = strdup(arg)) == NULL)
		fatal("strdup");
	cl->o->side.proxy.user = copy;
	cl->o->side.proxy.pass = NULL;
	cl->auth_nopass = 1;
	if ((colon = strchr(copy, ':')) == NULL)
		return;
	*colon = '\0';
	cl->o->side.proxy.pass = colon + 1;
	cl->auth_nopass = 0;
}

/* --mcast-loop: on or off. */
void
opt_mcast_loop(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0)
		fatalx("multicast loop invalid: %s (on or off)", arg);
	cl->o->side.sock.mcast_loop = strcmp(arg, "on") == 0;
}

/* --allow, --deny (value bit 1), their files (bit 2); exits on a bad rule. */
void
opt_gate(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct gate	*g = &cl->o->side.gate;
	char		*cause;

	/* -n given before: a name is refused (step_last(): after). */
	g->numeric = cl->o->side.sock.numeric;
	if (gate_add(g, d->value & 1, (d->value & 2) != 0, arg, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/* --auth, --auth-file (1), --auth-token (2), copied; exits on a bad one. */
void
opt_auth(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct auth_conf	*c = &cl->o->side.auth;
	char			*cause, *token;
	int			 rc = 0;

	switch (d->value) {
	case 0:
		rc = auth_add(c, arg, &cause);
		break;
	case 1:
		rc = auth_file_read(c, arg, &cause);
		break;
	default:
		if (*arg == '\0' || strlen(arg) > HTTP_CRED_MAX ||
		    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		    "qrstuvwxyz0123456789-._~+/=") != strlen(arg))
			fatalx("auth-token invalid: letters, digits and "
			    "-._~+/= only, up to %d", HTTP_CRED_MAX);
		/* A copy, kept to the end: the token in argv is hidden. */
		if ((token = strdup(arg)) == NULL)
			fatal("strdup");
		free((char *)c->token);
		c->token = token;
		break;
	}
	if (rc == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/* --retry N or forever: how many tries after the first. */
void
opt_retry(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	if (strcmp(arg, "forever") == 0)
		cl->o->side.retries = RETRY_FOREVER;
	else
		cl->o->side.retries = opt_number("retry count", arg, 0,
		    INT_MAX);
}

/* --workers N or auto (one per processor it may run on). */
void
opt_workers(struct cmdline *cl, const struct optdef *d, char *arg)
{
	cpu_set_t	 cpus;
	long		 n;

	if (strcmp(arg, "auto") != 0) {
		cl->o->side.sock.workers = opt_number(d->what, arg, 1, d->hi);
		return;
	}
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		n = CPU_COUNT(&cpus);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	cl->o->side.sock.workers = n < 1 ? 1 : n > d->hi ? d->hi : n;
}

/* --reconnect[=MAX]: up to MAX attempts after a loss (none: for ever). */
void
opt_reconnect(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	cl->o->side.reconnect = 1;
	cl->o->side.reconnect_max = arg == NULL ? 0 :
	    opt_number("reconnect count", arg, 1, INT_MAX);
}

/* --retry-interval TIME, at least RETRY_MIN_MS so that tries do not spin. */
void
opt_retry_interval(struct cmdline *cl, __unused const struct optdef *d,
    char *arg)
{
	long long	 ms;

	if ((ms = opt_time_value("retry interval", arg, 0, INT_MAX / 1000)) <
	    RETRY_MIN_MS)
		fatalx("retry interval too small: %s (at least %dms)", arg,
		    RETRY_MIN_MS);
	cl->o->side.retry_ms = ms;
}

/* A --keepalive time in whole seconds, rounded up; 0 is refused (exits). */
static int
keepalive_time(const char *what, const char *arg)
{
	long long	 ms;

	if ((ms = opt_time_value(what, arg, 0, 32767)) == 0)
		fatalx("%s too small: %s", what, arg);
	return ((ms + 999) / 1000);
}

/* --keepalive=IDLE[,INTERVAL[,COUNT]]; an empty field keeps the system's. */
void
opt_keepalive(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		*copy, *field, *rest;
	int		 i;

	o->side.sock.keepalive = 1;
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
			o->side.sock.keepidle = keepalive_time("keepalive idle time",
			    field);
		else if (i == 1)
			o->side.sock.keepintvl = keepalive_time("keepalive interval",
			    field);
		else
			o->side.sock.keepcnt = opt_number("keepalive count",
			    field, 1, 127);
	}
	free(copy);
}

/* --ssl-pin: a SHA-256 fingerprint, 64 hex digits, colons allowed. */
void
opt_ssl_pin(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	unsigned char	 pin[TLS_PIN_LEN];
	const char	*p = arg;
	size_t		 n = 0;
	int		 hi, lo;

	while (*p != '\0' && n < sizeof(pin)) {
		if (*p == ':' && n > 0) {
			p++;
			continue;
		}
		if ((hi = text_hex_value(p[0])) == -1 || p[1] == '\0' ||
		    (lo = text_hex_value(p[1])) == -1)
			break;
		pin[n++] = hi << 4 | lo;
		p += 2;
	}
	if (n != sizeof(pin) || *p != '\0')
		fatalx("ssl-pin invalid: %s (64 hex digits of a SHA-256 "
		    "fingerprint)", arg);
	if ((o->side.tls.pins = reallocarray(o->side.tls.pins, o->side.tls.npins + 1,
	    sizeof(*o->side.tls.pins))) == NULL)
		fatal("reallocarray");
	memcpy(o->side.tls.pins[o->side.tls.npins++], pin, sizeof(pin));
}

/* --secret[=CODE], copied; without one "" until secret_find(). */
void
opt_secret(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	static char	*copy;

	if (copy != NULL)
		freezero(copy, strlen(copy));
	copy = NULL;
	cl->secret_bare = arg == NULL;
	if (arg != NULL && (copy = strdup(arg)) == NULL)
		fatal("strdup");
	cl->o->side.tls.secret = arg == NULL ? "" : copy;
}

/* --secret-file: the code is the file's first line. */
void
opt_secret_file(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	static char	*line;
	size_t		 size = 0;
	ssize_t		 n;
	FILE		*f;

	if ((f = fopen(arg, "r")) == NULL)
		fatal("--secret-file %s", arg);
	if (line != NULL)
		explicit_bzero(line, strlen(line));
	if ((n = getline(&line, &size, f)) == -1) {
		if (ferror(f))
			fatal("--secret-file %s", arg);
		fatalx("--secret-file %s: the file is empty", arg);
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	cl->secret_bare = 0;
	cl->o->side.tls.secret = line;
}

/* --forward: one more target, in order. */
void
opt_forward(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;

	if (o->fwd.lines != NULL && (o->fwd.lines = recallocarray(o->fwd.lines,
	    o->fwd.n, o->fwd.n + 1, sizeof(*o->fwd.lines))) == NULL)
		fatal("recallocarray");
	/* A copy: argv's keeps no secret (opt_hide()). */
	opt_list_add(&o->fwd.targets, &o->fwd.n, opt_keep(arg));
}

/* --forward-file: its targets join --forward's; SIGHUP reads it again. */
void
opt_forward_file(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		*cause, **targets;
	size_t		*lines, n;

	if (o->fwd.file != NULL)
		fatalx("--forward-file given twice: one file holds the "
		    "targets");
	if ((o->fwd.text = forward_read_file(arg, &targets, &lines, &n,
	    &cause)) == NULL)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	o->fwd.file = arg;
	o->fwd.targets = reallocarray(o->fwd.targets, o->fwd.n + n,
	    sizeof(*o->fwd.targets));
	o->fwd.lines = recallocarray(o->fwd.lines, o->fwd.n, o->fwd.n + n,
	    sizeof(*o->fwd.lines));
	if (o->fwd.targets == NULL || o->fwd.lines == NULL)
		fatal("reallocarray");
	memcpy(o->fwd.targets + o->fwd.n, targets, n * sizeof(*targets));
	memcpy(o->fwd.lines + o->fwd.n, lines, n * sizeof(*lines));
	o->fwd.file_at = o->fwd.n;
	o->fwd.n += n;
	o->fwd.nfile = n;
	free(targets);
	free(lines);
}

/* --send-proxy: v1 or v2. */
void
opt_send_proxy(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	if ((cl->o->fwd.send_proxy = proxyproto_version(arg)) == -1)
		fatalx("send-proxy invalid: %s (v1 or v2)", arg);
}

/* --ws-allow-origin, --ws-path: one more of a list. */
void
opt_ws_list(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		***list;
	size_t		*n;

	if (strcmp(d->name, "ws-path") == 0) {
		list = &o->side.ws.paths;
		n = &o->side.ws.npaths;
		if (*arg != '/')
			fatalx("ws-path invalid: %s (a path starts with /)",
			    arg);
	} else {
		list = &o->side.ws.allow_origins;
		n = &o->side.ws.nallow_origins;
	}
	/* A copy: argv's keeps no credentials (opt_hide()). */
	opt_list_add(list, n, opt_keep(arg));
}

/* --ws-header, --ws-server-header (d->value 1): one more header line. */
void
opt_ws_header(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		***list = &o->side.ws.headers;
	size_t		*n = &o->side.ws.nheaders, i, total;

	if (d->value == 1) {
		list = &o->side.ws.server_headers;
		n = &o->side.ws.nserver_headers;
	}
	if (strchr(arg, ':') == NULL || *arg == ':' ||
	    strpbrk(arg, "\r\n") != NULL)
		fatalx("%s invalid: %s (Name: value)", d->name, arg);
	/* Half the header block at most: the rest is the protocol's. */
	total = strlen(arg) + 2;
	for (i = 0; i < *n; i++)
		total += strlen((*list)[i]) + 2;
	if (total > HTTP_HEAD_MAX / 2)
		fatalx("%s: the headers are longer than %d bytes", d->name,
		    HTTP_HEAD_MAX / 2);
	/* A copy: argv's keeps no credentials (opt_hide()). */
	opt_list_add(list, n, opt_keep(arg));
}

/* --relay-limit wait=, per-addr=, bytes=, rate=; exits on anything else. */
void
opt_relay_limit(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct relay_conf	*rc = &cl->o->relay_conf;
	const char		*v;

	if ((v = strchr(arg, '=')) == NULL || v[1] == '\0')
		fatalx("--relay-limit: %s is not KEY=VALUE (wait=TIME, "
		    "per-addr=N, bytes=N, rate=N)", arg);
	v++;
	if (strncmp(arg, "wait=", 5) == 0)
		rc->wait_ms = opt_time_value("relay-limit wait", v, 0, INT_MAX);
	else if (strncmp(arg, "per-addr=", 9) == 0)
		rc->per_addr = opt_number("relay-limit per-addr", v, 0,
		    INT_MAX);
	else if (strncmp(arg, "bytes=", 6) == 0)
		rc->max_bytes = opt_number("relay-limit bytes", v, 1,
		    LLONG_MAX / 2);
	else if (strncmp(arg, "rate=", 5) == 0)
		rc->rate = opt_number("relay-limit rate", v, 1, LLONG_MAX / 2);
	else
		fatalx("--relay-limit: no limit is called %.*s (wait, "
		    "per-addr, bytes, rate)", (int)(v - arg - 1), arg);
	if (rc->wait_ms == 0)
		fatalx("--relay-limit: wait=0 lets nobody wait");
}

/* --trust-front WAY=ADDRESS; exits on a bad one. */
void
opt_trust_front(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	char	*cause;

	if (listen_front_add(&cl->o->front, arg, &cause) == -1)
		fatalx("--trust-front: %s", cause != NULL ? cause :
		    strerror(errno));
	cl->o->side.front = &cl->o->front;
}

/* --expect and --send: add a script step, in order; refused in one line. */
void
opt_step(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;

	if (strcmp(d->name, "expect") == 0) {
		o->expects++;
		o->script.from = "--expect";
	} else {
		o->sends++;
		o->script.from = "--send";
	}
	if (script_add(&o->script, d->name, arg, 0) == -1)
		fatalx("%s: %s", o->script.from, o->script.why);
	o->flow.script = &o->script;
}

/* --script FILE: read its steps now; refused in one line naming the line. */
void
opt_script(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		*text;
	size_t		 len;

	o->script_file = arg;
	if ((text = path_read(arg, SCRIPT_FILE_MAX, &len)) == NULL) {
		if (errno == EFBIG)
			fatalx("--script %s: longer than %d bytes", arg,
			    SCRIPT_FILE_MAX);
		fatal("--script %s", arg);
	}
	o->script.from = arg;
	if (script_parse(&o->script, text, len) == -1)
		fatalx("%s: %s", arg, o->script.why);
	free(text);
	o->flow.script = &o->script;
}

/*
 * Does a stamp of strftime(3) format fmt fit the STAMP_MAX - 2 bytes of
 * stamp_now(), now and on the date of the longest names?  strftime(3)
 * makes nothing of one that does not: each line's stamp would be empty.
 */
static int
timestamp_fits(const char *fmt)
{
	struct tm	 tm;
	time_t		 now = time(NULL);
	char		 buf[STAMP_MAX - 1];

	/* Wednesday, September 30th, a second before midnight. */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 126;
	tm.tm_mon = 8;
	tm.tm_mday = 30;
	tm.tm_wday = 3;
	tm.tm_yday = 272;
	tm.tm_hour = 23;
	tm.tm_min = tm.tm_sec = 59;
	if (strftime(buf, sizeof(buf), fmt, &tm) == 0)
		return (0);
	return (localtime_r(&now, &tm) == NULL ||
	    strftime(buf, sizeof(buf), fmt, &tm) != 0);
}

/* --timestamp[=FORMAT]: iso (the default), relative, or strftime(3)'s. */
void
opt_timestamp(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;

	if (stamp_parse(&o->stamp, arg) == -1) {
		if (strchr(arg, '%') != NULL)
			fatalx("--timestamp: %s: a format is at most %d bytes",
			    arg, STAMP_MAX / 2 - 1);
		fatalx("--timestamp: no such format: %s (iso, relative or a "
		    "strftime(3) format)", arg);
	}
	if (o->stamp.kind == STAMP_STRFTIME && !timestamp_fits(arg))
		fatalx("--timestamp: %s: its stamps would be longer than %d "
		    "bytes", arg, STAMP_MAX - 2);
	o->timestamp = 1;
	o->flow.stamp = &o->stamp;
}

/* --record FILE; with -k, FILE must say where the session's number goes. */
void
opt_record(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	if (*arg == '\0')
		fatalx("--record: no file");
	cl->o->flow.record = arg;
}

/*
 * Set up the replay side rd joined with far (part, speed), its file read now
 * so that a wrong one exits at start.
 */
void
opt_replay_setup(struct side *rd, const struct side *far)
{
	char	*cause = NULL, *end;

	if (rd->replay_role == NULL)
		rd->replay_plays = far->listen ? RECORD_SERVER : RECORD_CLIENT;
	else if (strcmp(rd->replay_role, "client") == 0)
		rd->replay_plays = RECORD_CLIENT;
	else if (strcmp(rd->replay_role, "server") == 0)
		rd->replay_plays = RECORD_SERVER;
	else
		fatalx("%s: side=%s: client or server", rd->text,
		    rd->replay_role);
	rd->replay_speed = 1;
	if (rd->replay_speed_text != NULL) {
		rd->replay_speed = strtod(rd->replay_speed_text, &end);
		if (*end != '\0' || !(rd->replay_speed >= RECORD_SPEED_MIN &&
		    rd->replay_speed <= RECORD_SPEED_MAX))
			fatalx("%s: speed=%s: from %g to %g", rd->text,
			    rd->replay_speed_text, RECORD_SPEED_MIN,
			    RECORD_SPEED_MAX);
	}
	if (replay_check(rd, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/* -h, --help and the dumps: the parser prints them, from these tables. */
__shortrun void
opt_action(struct cmdline *cl, const struct optdef *d, __unused char *arg)
{
	cl->action = d->value;
}

/* --version: the version and what was built in. */
void
opt_version(__unused struct cmdline *cl, __unused const struct optdef *d,
    __unused char *arg)
{
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	printf("TLS: %s\n", tls_available() ?
	    "yes, OpenSSL 3 (loaded when first used)" : "no");
	printf("event backend: %s\n", ev_backend());
	/* The pump always has them; --no-splice turns them off. */
	printf("splice: yes (and sendfile)\n");
	exit(0);
}
