/*
 * Admission controls of the servers: allow and deny rules, a connection
 * count, the idle timeout and the descriptor limit.  Admission calls
 * gate_decide(), netconn_free() gate_release(), the mode gate_session().
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* Descriptors kept for the listener, stdio and the like. */
#define GATE_FD_RESERVE		32

/* The longest line of --allowfile and --denyfile (gate_read_line() says it). */
#define GATE_LINE_MAX		4096

/* How many clients a server should be able to hold without --max-conns. */
#define GATE_DEFAULT_CLIENTS	10000

/* A rule's source on the command line: --allow, --allowfile and so on. */
struct gate_src {
	int			 deny;
	int			 file;
	char			*arg;
};

/*
 * Set while gate_decide() reads the rules: a reload must never replace
 * them then (doc/design.md, "Reloading a server").
 */
static int		 gate_deciding;

struct gate_rule {
	int			 deny;
	int			 family;	/* AF_INET or AF_INET6 */
	unsigned char		 addr[16];
	int			 bits;		/* Prefix length, or -1: */
	unsigned char		 hi[4];		/* octet i in addr[i]..hi[i] */
	TAILQ_ENTRY(gate_rule)	 entry;
};

/* No rules, no limit, no idle timeout. */
__startup void
gate_init(struct gate *g)
{
	memset(g, 0, sizeof(*g));
	TAILQ_INIT(&g->rules);
	g->idle_ms = TIME_NONE;
}

/* Was a rule given, --allow, --deny or a file of them, even one empty? */
int
gate_ruled(const struct gate *g)
{
	return (!TAILQ_EMPTY(&g->rules) || g->nsrcs > 0);
}

/*
 * Was an allow list given, even a file that names no one?  Then only
 * those it names are let in: an --allowfile emptied is nobody, as ncat
 * reads it, not everybody.
 */
int
gate_allow_listed(const struct gate *g)
{
	size_t	 i;

	if (g->nallow > 0)
		return (1);
	for (i = 0; i < g->nsrcs; i++) {
		if (!g->srcs[i].deny)
			return (1);
	}
	return (0);
}

/* Forget every rule and its source; the counters stay. */
void
gate_clear(struct gate *g)
{
	struct gate_rule	*r;
	size_t			 i;

	while ((r = TAILQ_FIRST(&g->rules)) != NULL) {
		TAILQ_REMOVE(&g->rules, r, entry);
		free(r);
	}
	g->nallow = 0;
	for (i = 0; i < g->nsrcs; i++)
		free(g->srcs[i].arg);
	free(g->srcs);
	g->srcs = NULL;
	g->nsrcs = g->nfiles = 0;
	free(g->named);
	g->named = NULL;
}

/* Append a rule for addr/bits.  Returns it, or NULL with errno. */
static struct gate_rule *
gate_rule_add(struct gate *g, int deny, int family, const void *addr,
    int bits)
{
	struct gate_rule	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->deny = deny;
	r->family = family;
	memcpy(r->addr, addr, family == AF_INET ? 4 : 16);
	r->bits = bits;
	TAILQ_INSERT_TAIL(&g->rules, r, entry);
	if (!deny)
		g->nallow++;
	return (r);
}

/*
 * Read a decimal octet at p, without leading zeros.  Returns the byte
 * after it, its value in *v, or NULL.
 */
static const char *
gate_decimal(const char *p, int *v)
{
	size_t	 i, len = strspn(p, "0123456789");
	int	 n = 0;

	if (len < 1 || len > 3)
		return (NULL);
	for (i = 0; i < len; i++)
		n = n * 10 + (p[i] - '0');
	/* No leading zero, as nmap's. */
	if ((len > 1 && *p == '0') || n > 255)
		return (NULL);
	*v = n;
	return (p + len);
}

/*
 * Read spec as nmap's IPv4 octet ranges, as ncat takes them: four octets,
 * each N, N-M, -M, N- or *, as in "192.168.0-3.*".  Returns 0 with each
 * octet's bounds in lo and hi, or -1.
 */
static int
gate_octets(const char *spec, unsigned char *lo, unsigned char *hi)
{
	const char	*p = spec;
	int		 i, a, b;

	for (i = 0; i < 4; i++) {
		a = 0;
		b = 255;
		if (*p == '*')
			p++;
		else {
			if (*p != '-' && (p = gate_decimal(p, &a)) == NULL)
				return (-1);
			if (*p != '-')
				b = a;
			else if (isdigit((unsigned char)*++p) &&
			    (p = gate_decimal(p, &b)) == NULL)
				return (-1);
		}
		if (a > b || *p++ != (i < 3 ? '.' : '\0'))
			return (-1);
		lo[i] = a;
		hi[i] = b;
	}
	return (0);
}

/* gate_add() without noting the source. */
static int
gate_add_spec(struct gate *g, int deny, const char *spec, char **cause)
{
	struct addrinfo		 hints, *res, *ai;
	struct gate_rule	*r;
	unsigned char		 addr[16], hi[4];
	const char		*slash, *errstr;
	char			 host[NI_MAXHOST];
	uint16_t		 port;
	int			 bits = -1, error, family;

	if (cause != NULL)
		*cause = NULL;
	if ((slash = strchr(spec, '/')) != NULL) {
		if ((size_t)(slash - spec) >= sizeof(host))
			goto invalid;
		memcpy(host, spec, slash - spec);
		host[slash - spec] = '\0';
	} else if (strlcpy(host, spec, sizeof(host)) >= sizeof(host))
		goto invalid;
	if (inet_pton(AF_INET, host, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		family = AF_INET6;
	else if (inet_aton(host, (struct in_addr *)addr) == 1) {
		/*
		 * "0177.0.0.1" (octal), "127.1", "0x7f.0.0.1", "2130706433":
		 * the resolver reads them as addresses nobody would guess
		 * ("010.0.0.1" is 8.0.0.1).  Refused, whole or as a range.
		 */
		log_cause(cause, "invalid address or range: %s (an IPv4 "
		    "address is four decimal numbers without leading zeros)",
		    spec);
		return (-1);
	} else if (slash != NULL || host[0] == '\0')
		goto invalid;
	else if (gate_octets(host, addr, hi) == 0) {
		if ((r = gate_rule_add(g, deny, AF_INET, addr, -1)) == NULL)
			goto nomem;
		memcpy(r->hi, hi, sizeof(r->hi));
		return (0);
	} else if (host[strspn(host, "0123456789.*-")] == '\0')
		goto invalid;	/* No name: ranges mistyped. */
	else if (g->numeric) {
		log_cause(cause, "cannot resolve %s: -n forbids name lookups",
		    host);
		return (-1);
	} else {
		if (g->named == NULL && (g->named = strdup(host)) == NULL)
			goto nomem;
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		if ((error = getaddrinfo(host, NULL, &hints, &res)) != 0) {
			log_cause(cause, "cannot resolve %s: %s", host,
			    gai_strerror(error));
			return (-1);
		}
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if ((family = net_addr_key(ai->ai_addr, addr,
			    &port)) == 0)
				continue;
			if (gate_rule_add(g, deny, family, addr,
			    family == AF_INET ? 32 : 128) == NULL) {
				freeaddrinfo(res);
				goto nomem;
			}
		}
		freeaddrinfo(res);
		return (0);
	}
	bits = family == AF_INET ? 32 : 128;
	if (slash != NULL) {
		bits = strtonum(slash + 1, 0, bits, &errstr);
		if (errstr != NULL)
			goto invalid;
	}
	if (gate_rule_add(g, deny, family, addr, bits) == NULL)
		goto nomem;
	return (0);

invalid:
	log_cause(cause, "invalid address or range: %s", spec);
	return (-1);

nomem:
	log_cause(cause, "%s", strerror(errno));
	return (-1);
}

/*
 * Read a line of f into line (size bytes), without its newline.  Returns
 * 1, 0 at the end, or -1 with *why: a read error, a line too long, a NUL
 * or another control character (no address has one, and the line is
 * never echoed to a terminal).
 */
static int
gate_read_line(FILE *f, char *line, size_t size, const char **why)
{
	size_t	 n = 0;
	int	 ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0') {
			*why = "a NUL byte: not a text file";
			return (-1);
		}
		if (iscntrl(ch) && !isspace(ch)) {
			*why = "a control character: not an address";
			return (-1);
		}
		if (n == size - 1) {
			*why = "line longer than 4096 bytes";
			return (-1);
		}
		line[n++] = ch;
	}
	line[n] = '\0';
	if (ch == EOF && ferror(f)) {
		*why = strerror(errno);
		return (-1);
	}
	return (ch != EOF || n > 0);
}

/*
 * Add a rule for each blank-separated entry of path ('#' starts a
 * comment), as ncat reads these files; lines at most GATE_LINE_MAX.
 * Returns -1 with *cause naming file and line.
 */
static int
gate_read_file(struct gate *g, int deny, const char *path, char **cause)
{
	FILE		*f;
	char		 line[GATE_LINE_MAX + 1], *p, *entry, *why;
	const char	*bad;
	unsigned long	 lineno = 0;
	int		 rc = 0, got;

	if (cause != NULL)
		*cause = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		log_cause(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (rc == 0) {
		lineno++;
		if ((got = gate_read_line(f, line, sizeof(line), &bad)) == 0)
			break;
		if (got == -1) {
			log_cause(cause, "%s, line %lu: %s", path, lineno, bad);
			rc = -1;
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = line;
		while ((entry = strsep(&p, " \t\r\n\v\f")) != NULL) {
			if (*entry == '\0')
				continue;
			if (gate_add_spec(g, deny, entry, &why) == -1) {
				log_cause(cause, "%s, line %lu: %s", path,
				    lineno, why != NULL ? why :
				    strerror(errno));
				free(why);
				rc = -1;
				break;
			}
		}
	}
	fclose(f);
	return (rc);
}

/* Note a rule's source once it is in force, for a reload. */
static int
gate_note(struct gate *g, int deny, int file, const char *arg)
{
	struct gate_src	*s;

	if ((s = reallocarray(g->srcs, g->nsrcs + 1, sizeof(*s))) == NULL)
		return (-1);
	g->srcs = s;
	s = &g->srcs[g->nsrcs];
	if ((s->arg = strdup(arg)) == NULL)
		return (-1);
	s->deny = deny;
	s->file = file;
	g->nsrcs++;
	if (file)
		g->nfiles++;
	return (0);
}

/*
 * The rules of the file spec (file), or one for each comma-separated
 * entry of spec, as ncat's --allow "192.0.2.1,198.51.100.0/24" reads.
 * Returns -1 with *cause.
 */
static int
gate_read(struct gate *g, int deny, int file, const char *spec,
    char **cause)
{
	char	*copy, *p, *entry;
	int	 rc = 0;

	if (file)
		return (gate_read_file(g, deny, spec, cause));
	if ((copy = strdup(spec)) == NULL) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	p = copy;
	while (rc == 0 && (entry = strsep(&p, ",")) != NULL) {
		if (*entry == '\0') {
			log_cause(cause, "invalid address or range: %s", spec);
			rc = -1;
		} else
			rc = gate_add_spec(g, deny, entry, cause);
	}
	free(copy);
	return (rc);
}

/*
 * Add an allow (or deny) rule: an address, ADDR/BITS, nmap's octet ranges
 * (10.0.0-3.*) or a name for every address it resolves to now, or several,
 * separated by commas; with file, one per entry of file spec.
 * Returns -1 with *cause, naming a file's line.
 */
int
gate_add(struct gate *g, int deny, int file, const char *spec, char **cause)
{
	if (gate_read(g, deny, file, spec, cause) == -1)
		return (-1);
	if (gate_note(g, deny, file, spec) == -1) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Read g's rules again from their sources into a gate that run->gate then
 * holds (the previous reload's freed).  Returns 1 if replaced, 0 when no
 * rule came from a file, or -1 with *cause, the rules in force kept.
 */
int
gate_reload(const struct gate *g, struct runtime *run, char **cause)
{
	struct gate	*ng;
	size_t		 i;
	int		 rc = 0;

	*cause = NULL;
	DEBUG_CHECK(!gate_deciding, "gate_reload: rules replaced while a "
	    "client is decided on");
	if (g->nfiles == 0)
		return (0);
	if ((ng = malloc(sizeof(*ng))) == NULL) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	gate_init(ng);
	ng->numeric = g->numeric;
	/* Each source noted again: an allow file now empty still is one. */
	for (i = 0; i < g->nsrcs && rc == 0; i++)
		rc = g->srcs[i].file && path_rereadable(g->srcs[i].arg,
		    cause) == -1 ? -1 : gate_add(ng, g->srcs[i].deny,
		    g->srcs[i].file, g->srcs[i].arg, cause);
	if (rc == -1) {
		gate_clear(ng);
		free(ng);
		return (-1);
	}
	gate_forget(run);
	run->gate = ng;
	return (1);
}

/* Free run->gate's reloaded rules: the options' are in force. */
void
gate_forget(struct runtime *run)
{
	if (run->gate == NULL)
		return;
	gate_clear(run->gate);
	free(run->gate);
	run->gate = NULL;
}

/* Is addr of family within r's range? */
static int
gate_match(const struct gate_rule *r, int family, const unsigned char *addr)
{
	int	 full, rest, i;

	if (r->family != family)
		return (0);
	if (r->bits == -1) {
		for (i = 0; i < 4; i++) {
			if (addr[i] < r->addr[i] || addr[i] > r->hi[i])
				return (0);
		}
		return (1);
	}
	full = r->bits / 8;
	rest = r->bits % 8;
	if (memcmp(r->addr, addr, full) != 0)
		return (0);
	if (rest == 0)
		return (1);
	return (((r->addr[full] ^ addr[full]) & (0xff << (8 - rest))) == 0);
}

/*
 * May a client at sa connect?  Its port must fit sourceport= or lowport;
 * deny wins, and an allow list, if given (gate_allow_listed()), must
 * match.  An IPv4 client matches rules for ::ffff:a.b.c.d and the other
 * way round.
 */
int
gate_permits(const struct gate *g, const struct sockaddr *sa)
{
	const struct gate_rule	*r;
	unsigned char		 a[16], v6[16] = { [10] = 0xff, [11] = 0xff };
	uint16_t		 p;
	int			 allowed = 0, hit, family, port;

	family = net_addr_key(sa, a, &p);
	port = family != 0 ? p : -1;
	if ((g->peer_port != 0 && port != g->peer_port) ||
	    (g->low_port && (port < 0 || port >= IPPORT_RESERVED)))
		return (0);
	if (family == 0)
		return (!gate_allow_listed(g));
	if (family == AF_INET)
		memcpy(v6 + 12, a, 4);
	else
		memcpy(v6, a, 16);
	TAILQ_FOREACH(r, &g->rules, entry) {
		hit = gate_match(r, AF_INET6, v6) ||
		    (family == AF_INET && gate_match(r, AF_INET, a));
		if (!hit)
			continue;
		if (r->deny)
			return (0);
		allowed = 1;
	}
	return (allowed || !gate_allow_listed(g));
}

/*
 * Decide about the client at peer, telling it nothing.  Returns GATE_ADMIT
 * (counted until gate_release()), GATE_DENY or GATE_FULL (--max-conns);
 * refusals said with -v.
 */
int
gate_decide(const struct gate *g, struct runtime *run,
    const struct net_peer *peer)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];
	int	 permitted;

	net_format((const struct sockaddr *)&peer->ss, peer->len, 1, host,
	    sizeof(host), port, sizeof(port));
	SIDE_TAKEN(gate.rules);
	SIDE_TAKEN(gate.max_conns);
	/* Rules read again (SIGHUP) stand in for the command line's. */
	gate_deciding = 1;
	permitted = gate_permits(run->gate != NULL ? run->gate : g,
	    (const struct sockaddr *)&peer->ss);
	gate_deciding = 0;
	if (!permitted) {
		log_verbose_warn(1, "connection from %s %s denied", host, port);
		return (GATE_DENY);
	}
	if (g->max_conns > 0 && run->conns >= g->max_conns) {
		log_verbose_warn(1, "connection from %s %s refused: server "
		    "full", host, port);
		return (GATE_FULL);
	}
	run->conns++;
	return (GATE_ADMIT);
}

/* An admitted client is gone.  Only netconn_free() calls it (doc/design.md). */
void
gate_release(struct runtime *run)
{
	DEBUG_CHECK(run->conns > 0, "gate_release: a place given back that "
	    "was never taken");
	if (run->conns > 0)
		run->conns--;
}

/* Apply --idle-timeout to a client's session. */
void
gate_session(const struct gate *g, struct session *s)
{
	SIDE_TAKEN(gate.idle_ms);
	if (g->idle_ms != TIME_NONE)
		session_set_idle(s, g->idle_ms);
}

/*
 * Raise the descriptor limit to the hard limit; say so when that is fewer
 * than --max-conns (with -v, 10,000 without it).
 */
void
gate_raise_nofile(const struct gate *g)
{
	struct rlimit	 rl;
	rlim_t		 want;

	want = (rlim_t)(g->max_conns > 0 ? g->max_conns :
	    GATE_DEFAULT_CLIENTS) + GATE_FD_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	/* Only a limit that was asked for is worth a warning without -v. */
	if (g->max_conns > 0 || log_verbosity() > 0)
		log_warning("descriptor limit is %llu (hard limit %llu): at "
		    "most about %llu clients; raise it with ulimit -Hn to "
		    "serve %llu",
		    (unsigned long long)rl.rlim_cur,
		    (unsigned long long)rl.rlim_max,
		    (unsigned long long)(rl.rlim_cur > GATE_FD_RESERVE ?
		    rl.rlim_cur - GATE_FD_RESERVE : 0),
		    (unsigned long long)(want - GATE_FD_RESERVE));
}
