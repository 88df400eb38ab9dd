/*
 * The port forwarder (--forward): every connection the listener admits is
 * relayed to a target (forward-conn.c).  Here are the targets (read again
 * on SIGHUP), their back-off, and the listener.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"
#include "forward-int.h"

/* The largest --forward-file: a list of targets, not a data file. */
#define FWD_FILE_MAX		(1024 * 1024)

/* Is target sd a bare socket: no TLS or WebSocket on it, no VSOCK? */
static int
target_bare(const struct side *sd)
{
	return (sd->kind == SIDE_SOCKET && !sd->tls.on && !sd->ws.on &&
	    !sd->sock.vsock);
}

/* What is wrong with host, an address of the family -4 or -6 excludes. */
static const char *
target_family(int family, const char *host)
{
	struct in6_addr	 a;

	if (host == NULL)
		return (NULL);
	if (family == AF_INET6 && inet_pton(AF_INET, host, &a) == 1)
		return ("an IPv4 address, with -6");
	if (family == AF_INET && inet_pton(AF_INET6, host, &a) == 1)
		return ("an IPv6 address, with -4");
	return (NULL);
}

/*
 * Read the --forward target text into sd, a side that starts from
 * fwd->peer: a dialled address, a device, or "HOST:PORT" (UDP for a
 * datagram forwarder).  --forward-ssl and --send-proxy on other kinds are
 * refused.  Returns 0, or -1 with *cause set.
 */
int
forward_target(struct side *sd, const struct fwd_conf *fwd, const char *text,
    char **cause)
{
	const struct side	*dflt = &fwd->peer;
	const char	*port, *why;
	char		 tcp[ADDR_MAX + 8];
	int		 plain;

	if (!addr_is(text)) {
		snprintf(tcp, sizeof(tcp), "%s:%s", dflt->sock.socktype ==
		    SOCK_DGRAM ? "udp" : "tcp", text);
		text = tcp;
	}
	if (side_parse(sd, dflt, text, cause) == -1)
		return (-1);
	/* A socket it dials, or a line (fd:, replay:, files are not). */
	if (sd->listen || (sd->kind != SIDE_SOCKET && !side_is_line(sd))) {
		side_free(sd);
		log_cause(cause, "not a target --forward dials (HOST:PORT, "
		    "tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, "
		    "serial:, pty:)");
		return (-1);
	}
	/* A service name the system does not know is said now. */
	port = sd->nports > 0 ? sd->ports[0] : NULL;
	if (sd->kind == SIDE_SOCKET && !sd->sock.vsock &&
	    forward_port_unknown(sd, port)) {
		log_cause(cause, "port number invalid: %s", port);
		side_free(sd);
		return (-1);
	}
	/* -4 or -6 and an address of the other family (unless via -x). */
	if (sd->kind == SIDE_SOCKET && sd->sock.family != AF_UNIX &&
	    dflt->proxy.host == NULL && (why = target_family(dflt->sock.family,
	    sd->host)) != NULL) {
		log_cause(cause, "%s", why);
		side_free(sd);
		return (-1);
	}
	if (sd->kind == SIDE_SERIAL && sd->speed != 0 &&
	    !device_has_speed(sd->speed)) {
		log_cause(cause, "speed %lu is not one this system has",
		    sd->speed);
		side_free(sd);
		return (-1);
	}
	plain = target_bare(sd) && sd->sock.socktype == SOCK_STREAM;
	if (!plain && (fwd->tls.on || fwd->send_proxy != 0)) {
		log_cause(cause, "%s is for HOST:PORT, tcp: and unix: targets",
		    fwd->tls.on ? "--forward-ssl" : "--send-proxy");
		side_free(sd);
		return (-1);
	}
	if (plain && fwd->tls.on)
		sd->tls.on = 1;
	return (0);
}

/* Is port (NULL: none) a name that is no service of sd's protocol? */
int
forward_port_unknown(const struct side *sd, const char *port)
{
	return (port != NULL && port[strspn(port, "0123456789")] != '\0' &&
	    getservbyname(port, sd->sock.socktype == SOCK_DGRAM ? "udp" :
	    "tcp") == NULL);
}

/*
 * Read the targets of the file at path, one a line, '#' to end of line
 * skipped.  Returns the file's text, into which the *n *targets point, with
 * *lines their line numbers (the caller frees all three), or NULL with
 * *cause set; a file without a target is refused.
 */
char *
forward_read_file(const char *path, char ***targets, size_t **lines,
    size_t *n, char **cause)
{
	char		*text, *p, *line, *end, **v;
	size_t		 len, lineno = 0, *ln;

	*targets = NULL;
	*lines = NULL;
	*n = 0;
	*cause = NULL;
	if ((text = path_read(path, FWD_FILE_MAX, &len)) == NULL) {
		if (errno == EFBIG)
			log_cause(cause, "%s: larger than 1 MiB: not a list of "
			    "targets", path);
		else
			log_cause(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (memchr(text, '\0', len) != NULL) {
		log_cause(cause, "%s: a NUL byte: not a text file", path);
		goto fail;
	}
	for (p = text; p != NULL; ) {
		line = strsep(&p, "\n");
		lineno++;
		line[strcspn(line, "#")] = '\0';
		line += strspn(line, " \t\r\v\f");
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*line == '\0')
			continue;
		if (strpbrk(line, " \t") != NULL) {
			log_cause(cause, "%s, line %zu: one target a line",
			    path, lineno);
			goto fail;
		}
		/* No target has one; the line is never echoed to a terminal. */
		for (end = line; *end != '\0'; end++) {
			if (iscntrl((unsigned char)*end)) {
				log_cause(cause, "%s, line %zu: a control "
				    "character: not a target", path, lineno);
				goto fail;
			}
		}
		if ((v = reallocarray(*targets, *n + 1, sizeof(**targets))) ==
		    NULL)
			goto fail_errno;
		*targets = v;
		if ((ln = reallocarray(*lines, *n + 1, sizeof(**lines))) ==
		    NULL)
			goto fail_errno;
		*lines = ln;
		(*lines)[*n] = lineno;
		(*targets)[(*n)++] = line;
	}
	if (*n == 0) {
		log_cause(cause, "%s: no target", path);
		goto fail;
	}
	return (text);

fail_errno:
	log_cause(cause, "%s: %s", path, strerror(errno));
fail:
	free(text);
	free(*targets);
	free(*lines);
	*targets = NULL;
	*lines = NULL;
	*n = 0;
	return (NULL);
}

/* A target's name in messages: "HOST PORT", unix:PATH, udp:HOST PORT. */
static void
target_name(struct fwd_target *t)
{
	const struct side	*sd = t->sd;
	const char		*port = sd->nports > 0 ? sd->ports[0] : NULL;

	if (sd->kind == SIDE_SOCKET && sd->sock.family == AF_UNIX)
		snprintf(t->name, sizeof(t->name), "unix:%s", sd->host);
	else if (!target_bare(sd) || sd->proxy.nhops > 0 || port == NULL)
		snprintf(t->name, sizeof(t->name), "%s", sd->text != NULL ?
		    sd->text : sd->host);
	else if (sd->sock.socktype == SOCK_DGRAM)
		snprintf(t->name, sizeof(t->name), "udp:%s %s", sd->host,
		    port);
	else
		snprintf(t->name, sizeof(t->name), "%s %s", sd->host, port);
}

/* A list of n targets, filled by targets_set(), taken once by the caller. */
static struct fwd_targets *
targets_new(size_t n)
{
	struct fwd_targets	*ts;

	if ((ts = calloc(1, sizeof(*ts) + n * sizeof(ts->t[0]))) == NULL)
		fatal("calloc");
	ts->refs = 1;
	ts->n = n;
	return (ts);
}

/* The i-th target of ts is the side sd. */
static void
targets_set(struct fwd_targets *ts, size_t i, struct side *sd)
{
	ts->t[i].sd = sd;
	ts->t[i].dev_fd = -1;
	ts->t[i].dev_slave = -1;
	ts->t[i].lfd = -1;
	target_name(&ts->t[i]);
}

/* Make ts's TLS contexts.  Returns 0, or -1 with *cause set. */
static int
targets_tls(struct fwd_targets *ts, char **cause)
{
	struct side	*sd;
	size_t		 i;
	int		 flags;

	for (i = 0; i < ts->n; i++) {
		sd = ts->t[i].sd;
		if (!sd->tls.on || sd->tls.ctx != NULL)
			continue;
		flags = (sd->sock.socktype == SOCK_DGRAM ? TLS_DGRAM : 0) |
		    (sd->listen ? TLS_SERVER : 0);
		if ((sd->tls.ctx = tls_ctx_new(&sd->tls, flags, cause)) ==
		    NULL)
			return (-1);
	}
	return (0);
}

/* Let go of a reference to ts, freeing it with the last. */
void
forward_targets_drop(struct fwd_targets *ts)
{
	size_t	 i;

	DEBUG_CHECK(ts->refs > 0, "a target list let go of more often than "
	    "taken");
	if (--ts->refs > 0)
		return;
	for (i = 0; i < ts->n; i++)
		listener_free(ts->t[i].l);
	for (i = 0; i < ts->nown; i++)
		side_free(&ts->own[i]);
	free(ts->own);
	free(ts);
}

/*
 * A target failed: skip it for a while, longer each time in a row; in
 * socat's grammar, where each client's child dials it, never.
 */
void
forward_target_down(struct fwd_target *t)
{
	if (t->sd->dialect->dial_each)
		return;
	t->backoff_ms = t->backoff_ms == 0 ? FWD_BACKOFF_MS :
	    t->backoff_ms * 2;
	if (t->backoff_ms > FWD_BACKOFF_MAX_MS)
		t->backoff_ms = FWD_BACKOFF_MAX_MS;
	t->down_until = ev_now() + t->backoff_ms;
}

void
forward_target_up(struct fwd_target *t)
{
	t->backoff_ms = 0;
	t->down_until = 0;
}

/*
 * Dial a client's target during its TLS handshake, when listen_early()
 * allows.
 */
static void *
forward_admitted(void *arg, int fd, const struct net_peer *peer)
{
	struct forward	*f = arg;
	struct fconn	*fc;

	DEBUG_CHECK(listen_early(f->j->side), "a target dialled early "
	    "without a TLS handshake to overlap");
	/* NULL: dialled after the handshake, then. */
	if ((fc = fconn_new(f, fd, peer)) != NULL)
		fconn_next(fc);
	return (fc);
}

/* The client's handshake failed: the connection dialled for it goes. */
static void
forward_abandon(__unused void *arg, void *fc)
{
	fconn_destroy(fc);
}

/* A client after its TLS: relay it to its target, or find it one. */
static int
forward_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct forward	*f = arg;
	struct fconn	*fc;

	fc = nc->early;
	nc->early = NULL;
	if (fc == NULL && (fc = fconn_new(f, nc->fd, peer)) == NULL) {
		log_warn("forward");
		netconn_free(nc);
		forward_over(f, 1);
		return (-1);
	}
	fc->nc = nc;
	/* Relaying needs the client's connection: it cannot have begun. */
	DEBUG_CHECK(fc->state != FC_RELAYING,
	    "forward_start: a connection relayed before its handshake ended");
	if (fc->state == FC_READY)
		fconn_relay(fc);
	else if (fc->state == FC_FAILED)
		fconn_free(fc);
	else if (fc->out->cur == NULL)	/* else its dial goes on */
		fconn_next(fc);
	return (0);
}

/*
 * A client failed its handshake; without -k the status is 1.  No cause:
 * answered over HTTP, not a failure.
 */
static void
forward_failed(void *arg, __unused const struct net_peer *peer,
    const char *cause)
{
	struct forward	*f = arg;

	if (cause != NULL) {
		log_warnx("%s", cause);
		forward_over(f, 1);
	} else if (!f->j->side->keep)
		listener_pause(f->l, 0);
}

static const struct listen_ops forward_ops = {
	.start = forward_start,
	.failed = forward_failed,
	.admitted = forward_admitted,
	.abandon = forward_abandon,
};

/* Is t a udp: target, whose peers' datagrams stay datagrams? */
static int
target_udp(const struct fwd_target *t)
{
	const struct side	*sd = t->sd;

	return (sd->kind == SIDE_SOCKET && sd->sock.socktype == SOCK_DGRAM &&
	    sd->sock.family != AF_UNIX && !sd->tls.on);
}

/*
 * Read --forward-file again, keeping each target's back-off.  Returns -1
 * with *cause set, the old list kept.
 */
static int
forward_reload_targets(struct forward *f, char **cause)
{
	const struct job	*j = f->j;
	struct fwd_targets	*ts, *old = f->ts;
	char			*text, **lines, *why;
	size_t			*linenos, nlines, n, i, k, after;

	if (path_rereadable(j->fwd->file, cause) == -1 ||
	    (text = forward_read_file(j->fwd->file, &lines, &linenos, &nlines,
	    cause)) == NULL)
		return (-1);
	/* The command line's targets around the file's, in their order. */
	after = j->fwd->n - j->fwd->file_at - j->fwd->nfile;
	n = j->fwd->file_at + nlines + after;
	ts = targets_new(n);
	if ((ts->own = calloc(nlines, sizeof(*ts->own))) == NULL)
		fatal("calloc");
	for (i = 0; i < j->fwd->file_at; i++)
		targets_set(ts, i, &j->fwd->sides[i]);
	for (i = 0; i < nlines; i++) {
		if (forward_target(&ts->own[i], j->fwd, lines[i],
		    &why) == -1) {
			log_cause(cause, "%s, line %zu: %s: %s", j->fwd->file,
			    linenos[i], lines[i], why);
			free(why);
			break;
		}
		ts->nown++;
		targets_set(ts, j->fwd->file_at + i, &ts->own[i]);
	}
	for (k = 0; k < after && i == nlines; k++)
		targets_set(ts, j->fwd->file_at + nlines + k,
		    &j->fwd->sides[j->fwd->file_at + j->fwd->nfile + k]);
	free(lines);
	free(linenos);
	free(text);
	if (i < nlines || targets_tls(ts, cause) == -1) {
		forward_targets_drop(ts);
		return (-1);
	}
	/* What each target was, it still is: its back-off, its device. */
	for (i = 0; i < ts->n; i++) {
		for (k = 0; k < old->n; k++) {
			if (strcmp(ts->t[i].name, old->t[k].name) != 0)
				continue;
			ts->t[i].down_until = old->t[k].down_until;
			ts->t[i].backoff_ms = old->t[k].backoff_ms;
			ts->t[i].dev_fd = old->t[k].dev_fd;
			break;
		}
	}
	/*
	 * The peers of a datagram forwarder whose service speaks datagrams
	 * go on speaking them: its first target stays a udp: one.
	 */
	if (j->side->sock.socktype == SOCK_DGRAM && target_udp(&old->t[0]) &&
	    !target_udp(&ts->t[0])) {
		log_warning("SIGHUP: %s: datagrams go to a udp: target; the "
		    "old addresses stay", ts->t[0].name);
		forward_targets_drop(ts);
		return (0);
	}
	f->ts = ts;
	forward_targets_drop(old);
	return (0);
}

/* SIGHUP, from the loop: --forward-file's targets, after the rules. */
static void
forward_reload(void *arg)
{
	struct forward	*f = arg;
	char		*cause;

	if (f->j->fwd->file == NULL)
		return;
	if (forward_reload_targets(f, &cause) == -1)
		log_warning("SIGHUP: %s; the old targets stay",
		    cause != NULL ? cause : strerror(errno));
	else
		log_verbose(1, "forward: %zu targets read again", f->ts->n);
	free(cause);
}

/* The first side, dialled, is connected: its connection to a target. */
static int
forward_dialled_start(void *arg, struct netconn *nc,
    const struct net_peer *peer)
{
	struct forward	*f = arg;
	struct fconn	*fc;

	if ((fc = fconn_new(f, nc->fd, peer)) == NULL) {
		netconn_free(nc);
		fatal("forward");
	}
	fc->nc = nc;
	f->ndialled++;
	fconn_next(fc);
	return (0);
}

/*
 * Open the first side as a client and join it with a target; with socat's
 * fork again and again (join_dial()) until a try fails.  Returns the exit
 * status.
 */
static int
forward_connect(struct forward *f)
{
	const struct side	*sd = f->j->side;
	struct dial_how		 how = { .dialled = join_dialled };

	how.dialled_arg = (void *)sd;
	if (join_dial(sd, sd->sock.family == AF_UNIX ? NULL : sd->ports[0],
	    &how, forward_dialled_start, f, NULL) != 0)
		f->status = 1;
	while (f->ndialled > 0) {
		if (ev_loop() == -1)
			fatal("poll");
	}
	return (f->status);
}

/* socat's pty-wait-slave: open the served side once the pty is opened. */
static void
forward_pty_wait(struct fwd_targets *ts)
{
	struct fwd_target	*t;
	const char		*name;
	char			*cause;
	size_t			 i;

	for (i = 0; i < ts->n; i++) {
		t = &ts->t[i];
		if (t->sd->kind != SIDE_PTY || !t->sd->pty_wait)
			continue;
		if ((t->dev_fd = end_device_open(t->sd, &name, &t->dev_slave,
		    &cause)) == -1)
			fatalx("%s: %s", t->sd->text, cause);
	}
}

/*
 * Serve the listening (or bound UDP) socket, relaying each client to the
 * targets, or relay a dialled side.  Returns the exit status.
 */
int
forward_listen(const struct job *j)
{
	struct forward	 f;
	struct listen_ops ops = forward_ops;
	char		*cause;
	size_t		 i;
	int		 fd, status;

	memset(&f, 0, sizeof(f));
	f.j = j;
	TAILQ_INIT(&f.fconns);
	/* The targets, read again on SIGHUP; how each client is sent on. */
	FWD_TAKEN(n);
	FWD_TAKEN(file);
	FWD_TAKEN(round_robin);
	FWD_TAKEN(send_proxy);
	f.ts = targets_new(j->fwd->n);
	for (i = 0; i < j->fwd->n; i++)
		targets_set(f.ts, i, &j->fwd->sides[i]);
	if (targets_tls(f.ts, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	forward_pty_wait(f.ts);
	/* -o, --hex-dump: each line names its connection. */
	if (j->run->dump != NULL)
		dump_label(j->run->dump, fconn_dump_label);
	if (!j->side->listen) {
		status = forward_connect(&f);
		forward_targets_drop(f.ts);
		return (status);
	}
	fd = join_listen(j->side, j->side->host, LISTEN_MANY | LISTEN_WORKERS);
	/*
	 * A forwarder that goes on (-k) reads its files again on SIGHUP
	 * and reports its figures on SIGUSR1, from the loop.  Without -k
	 * it serves one client, and both keep their usual end.
	 */
	SIDE_TAKEN(keep);
	if (j->side->keep)
		join_serve_signals(j, "forward", forward_reload, &f);
	/* -u: each peer a connection of its own, as a stream client. */
	if (j->side->sock.socktype == SOCK_DGRAM) {
		if ((f.pl = peers_new(j->side, fd, &forward_peer_ops,
		    &f)) == NULL)
			fatal("forward");
		if (ev_loop() == -1)
			fatal("poll");
		peers_free(f.pl);
	} else {
		/* Without -k, the listener takes one connection and stops. */
		ops.flags = j->side->keep ? 0 : LISTEN_SERIAL;
		listener_run(j->side, fd, &ops, &f, &f.l);
	}
	forward_targets_drop(f.ts);
	return (f.status);
}
