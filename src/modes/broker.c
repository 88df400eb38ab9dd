/*
 * Many-client servers: --broker relays what each client sends to all the
 * others; --room (room.c) is a chat server built on it.  Each client is a
 * session: its socket a member of one fan-out, what it sends carried to a
 * relay endpoint that hands it to the fan-out or the room's hooks.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"
#include "broker.h"

/*
 * What a client may have queued before the senders are held until it has
 * taken half of it: enough for a reader that keeps up never to hold the
 * others back, little enough for the memory of ten thousand clients
 * (chunks are shared: the cost is the longest queue, not their sum).
 */
#define BROKER_QUEUE_HIGH	(256 * 1024)

/* The same for stdout, which may be a slower terminal. */
#define BROKER_CONSOLE_HIGH	(1024 * 1024)

/*
 * A queue never holds more than this: only what cannot be held back
 * (announcements of clients coming and going) can take it past its high
 * mark, and a reader that lets it reach this is cut off.
 */
#define BROKER_QUEUE_LIMIT	(4 * 1024 * 1024)

/* A client that takes nothing for this long is cut off (--write-timeout). */
#define BROKER_STALL_MS		(10 * 1000)

/* Read size per client: relayed at once, so it need not be large. */
#define BROKER_READ_SIZE	(16 * 1024)

/*
 * The longest line a sender may hold back in line mode: a longer one goes
 * in pieces of this size, each a line (a message) of its own.
 */
#define BROKER_LINE_MAX		(64 * 1024)

/* A client's name in messages: its room name, or its address. */
static const char *
client_who(const struct client *c)
{
	return (c->name[0] != '\0' ? c->name : c->addr);
}

/*
 * Send a message to every member but except (with --recv-only, to the
 * console only); a failure is only logged.
 */
void
broker_send(struct broker *b, struct endpoint *except, const void *p,
    size_t len)
{
	if (b->j->flow->recv_only) {
		if (b->console != NULL && b->console != except &&
		    fanout_send_to(b->console, p, len) == -1)
			log_warn("stdout");
		return;
	}
	if (fanout_send(b->fo, except, p, len) == -1)
		log_warn("relay");
}

/* Does a plain broker relay whole lines (a text WebSocket's message is one)? */
static int
broker_lines(const struct broker *b)
{
	return (b->room == NULL && b->j->side->ws.on && !b->j->side->ws.binary);
}

/* Hold the len bytes at p after the unfinished line in pt.  -1: ENOMEM. */
static int
part_add(struct broker_part *pt, const unsigned char *p, size_t len)
{
	unsigned char	*nb;
	size_t		 size;

	if ((size_t)pt->len + len > pt->size) {
		size = pt->size == 0 ? 256 : pt->size;
		while (size < pt->len + len)
			size *= 2;
		if ((nb = realloc(pt->buf, size)) == NULL)
			return (-1);
		pt->buf = nb;
		pt->size = size;
	}
	memcpy(pt->buf + pt->len, p, len);
	pt->len += len;
	return (0);
}

static void
part_free(struct broker_part *pt)
{
	free(pt->buf);
	pt->buf = NULL;
	pt->len = pt->size = 0;
}

/* Relay the line pt holds, ended with a newline if it has none. */
static void
part_flush(struct broker *b, struct endpoint *except, struct broker_part *pt)
{
	if (pt->len > 0 && (pt->buf[pt->len - 1] == '\n' ||
	    part_add(pt, (const unsigned char *)"\n", 1) == 0))
		broker_send(b, except, pt->buf, pt->len);
	part_free(pt);
}

/* Relay whole lines; an unfinished one waits in pt, up to BROKER_LINE_MAX. */
static void
broker_send_lines(struct broker *b, struct endpoint *except,
    struct broker_part *pt, const unsigned char *p, size_t len)
{
	const unsigned char	*nl;
	size_t			 k;

	while (len > 0) {
		if (pt->len == 0 &&
		    (nl = memrchr(p, '\n', len)) != NULL) {
			/* Whole lines, straight from p. */
			k = nl - p + 1;
			broker_send(b, except, p, k);
		} else {
			nl = memchr(p, '\n', len);
			k = nl != NULL ? (size_t)(nl - p + 1) : len;
			if (k > BROKER_LINE_MAX - pt->len)
				k = BROKER_LINE_MAX - pt->len;
			if (part_add(pt, p, k) == -1) {
				log_warn("relay");
				part_free(pt);
				return;
			}
			if (pt->buf[pt->len - 1] == '\n' ||
			    pt->len == BROKER_LINE_MAX)
				part_flush(b, except, pt);
		}
		p += k;
		len -= k;
	}
}

/* Send "<announce> ..." and a newline to every member but except. */
void
broker_announce(struct broker *b, struct endpoint *except,
    const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;
	int	 n;

	n = snprintf(msg, sizeof(msg), "<announce> ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	strlcat(msg, "\n", sizeof(msg));
	broker_send(b, except, msg, strlen(msg));
}

/* The relay endpoint of a client: whatever it sends goes to the others. */
static ssize_t
client_relay_write(struct endpoint *ep, const void *p, size_t len)
{
	struct client	*c = ep->data;
	struct broker	*b = c->b;

	/* With --send-only only the operator speaks: clients are ignored. */
	if (c->quit || b->j->flow->send_only)
		return (len);
	if (broker_lines(b))
		broker_send_lines(b, c->net, &c->part, p, len);
	else if (b->room == NULL)
		broker_send(b, c->net, p, len);
	else if (b->room->heard(c->sp, p, len)) {
		/*
		 * ":q": the member is let go for good, so that a client
		 * waiting on its terminal ends too (sock_linger_reset()).
		 */
		c->quit = 1;
		c->net->flags |= EP_HANGUP;
	}
	return (len);
}

static const struct ep_ops client_relay_ops = {
	.write = client_relay_write,
};

/* The relay endpoint of stdin: what the operator types goes to clients. */
static ssize_t
console_relay_write(struct endpoint *ep, const void *p, size_t len)
{
	struct broker	*b = ep->data;

	if (broker_lines(b))
		broker_send_lines(b, b->console, &b->console_part, p, len);
	else if (b->room == NULL)
		broker_send(b, b->console, p, len);
	else
		b->room->heard(&b->server, p, len);
	return (len);
}

static const struct ep_ops console_relay_ops = {
	.write = console_relay_write,
};

/* A client is over when it has stopped sending or typed ":q". */
static int
client_watch(struct session *s)
{
	struct client	*c = s->arg;

	return (c->quit ? SESSION_END : SESSION_RULE);
}

/* Free what c holds besides its session. */
static void
client_free(struct client *c)
{
	if (c->sp != NULL) {
		buf_pool_put(c->sp->rf.line, ROOM_LINE_MAX);
		free(c->sp);
	}
	part_free(&c->part);
	netconn_free(c->nc);
	free(c);
}

/* Say why a client went, tell the room, and let it go. */
static void
client_finished(struct session *s)
{
	struct client	*c = s->arg;
	struct broker	*b = c->b;
	const char	*who = client_who(c);
	size_t		 limit, held;
	int		 qerror = fanout_error(c->net, &limit);

	if (qerror == ENOBUFS)
		log_warnx("%s: output queue full (%zu bytes), disconnected",
		    who, limit);
	else if (c->cut)
		;	/* Said when it was cut off. */
	else if (qerror != 0)
		log_verbose_warn(1, "%s: write: %s", who, strerror(qerror));
	else if (s->why == SE_IDLE)
		log_verbose(1, "%s: idle timeout, disconnected", who);
	else if (c->rx->error_op != NULL)
		log_verbose_warn(1, "%s: read: %s", who,
		    ep_strerror(c->net, c->rx->error));
	/*
	 * A last line without its newline is still a line when the stream
	 * ended; a read that broke cut it, and a cut line passed on would
	 * read as whole: it is dropped.
	 */
	held = c->part.len + (c->sp != NULL ? c->sp->rf.len : 0);
	if (c->rx->error_op != NULL && held > 0) {
		log_verbose(1, "%s: its unfinished line dropped", who);
		part_free(&c->part);
		if (c->sp != NULL)
			c->sp->rf.len = 0;
	}
	if (c->part.len > 0 && !c->quit && !b->j->flow->send_only)
		part_flush(b, c->net, &c->part);
	if (b->room != NULL)
		b->room->leave(b, c);
	session_free(s);
	client_free(c);
}

/* Cut off a member that read nothing for the stall time; the room is told. */
static void
broker_stalled(struct endpoint *ep, void *arg)
{
	struct broker	*b = arg;
	struct client	*c;

	if (ep == b->console)
		return;
	c = ep->session->arg;
	c->cut = 1;
	log_warnx("%s: read nothing for %lld ms, disconnected",
	    client_who(c), fanout_stall_ms(b->fo));
	if (b->room != NULL)
		b->room->cut(b, c);
}

/*
 * An admitted client is ready: it joins, in a session of its own.  Returns
 * -1 when it cannot (said, nc freed).
 */
static int
broker_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct broker		*b = arg;
	const struct job	*j = b->j;
	struct client	*c;
	struct session	*s = NULL;
	struct endpoint	*relay;
	char		 host[NI_MAXHOST], port[NI_MAXSERV];
	const char	*fmt;
	unsigned char	 first[WS_SNIFF_MAX];
	size_t		 held;
	int		 n;

	/* The address in the same allocation: one fewer for each client. */
	net_format((const struct sockaddr *)&peer->ss, peer->len, 1, host,
	    sizeof(host), port, sizeof(port));
	fmt = strchr(host, ':') != NULL ? "[%s]:%s" : "%s:%s";
	if ((n = snprintf(NULL, 0, fmt, host, port)) < 0 ||
	    (c = calloc(1, sizeof(*c) + n + 1)) == NULL) {
		netconn_free(nc);
		log_warn("client");
		return (-1);
	}
	snprintf(c->addr, n + 1, fmt, host, port);
	c->b = b;
	c->nc = nc;
	/* A plain client's first bytes, read under TLS to tell what it is. */
	held = ws_plain_held(nc->ws, first, sizeof(first));
	/* A room's plain client beside WebSocket ones, until it speaks. */
	c->silent = b->room != NULL && j->side->ws.on && ws_plain(nc->ws);
	if ((s = session_new(client_watch, client_finished, c)) == NULL ||
	    (c->net = netconn_endpoint(nc, s, "network", EP_SHUT_SOCKET,
	    EP_LINGER, j->side->ws.binary ? NC_BINARY : 0)) == NULL)
		goto fail;
	/* From here on the session owns the socket. */
	relay = session_endpoint(s, "relay", -1, -1, EP_SHUT_NONE, 0);
	if (relay == NULL ||
	    (c->rx = session_channel(s, "receive", c->net, relay, 0)) == NULL ||
	    fanout_join(b->fo, c->net, BROKER_QUEUE_HIGH,
	    BROKER_QUEUE_LIMIT) == -1)
		goto fail;
	relay->ops = &client_relay_ops;
	relay->data = c;
	if (fanout_feed(b->fo, relay) == -1)
		goto fail;
	c->rx->bufsize = BROKER_READ_SIZE;
	if (held > 0 && channel_inject(c->rx, first, held) == -1)
		goto fail;
	gate_session(&j->side->gate, s);
	if (b->room != NULL && b->room->join(b, c) == -1)
		goto fail;
	session_start(s);
	return (0);

fail:
	session_free(s);
	client_free(c);
	log_warn("client");
	return (-1);
}

static void
console_in_finished(struct session *s)
{
	struct broker	*b = s->arg;

	if (b->room != NULL)
		b->room->flush(&b->server);
	part_flush(b, b->console, &b->console_part);
	session_free(s);
}

/* stdout only ends when it cannot keep up or is gone. */
static void
console_out_finished(struct session *s)
{
	struct broker	*b = s->arg;
	size_t		 limit;
	int		 qerror = fanout_error(b->console, &limit);

	if (qerror == ENOBUFS)
		log_warnx("stdout: output queue full (%zu bytes), output "
		    "to stdout stopped", limit);
	else if (qerror == ETIMEDOUT)
		log_warnx("stdout: nothing written for %lld ms, output to "
		    "stdout stopped", fanout_stall_ms(b->fo));
	else if (qerror != 0)
		log_warnx("write to stdout: %s", strerror(qerror));
	b->console = NULL;
	session_free(s);
}

/* Write the room's bytes to the operator's terminal, above the typed line. */
static ssize_t
console_tty_write(struct endpoint *ep, const void *p, size_t n)
{
	struct edit	*e = ep->data;
	ssize_t		 r;

	edit_hide(e);
	if ((r = write(ep->wfd, p, n)) > 0)
		e->midline = ((const unsigned char *)p)[r - 1] != '\n';
	if (!e->midline && (e->linelen > 0 || e->redraw))
		edit_show(e);
	return (r);
}

static const struct ep_ops console_tty_out_ops = {
	.write = console_tty_write,
};

/*
 * After a key or resize: redraw the line unless the room's line is
 * unfinished.
 */
static void
console_key_after(void *arg)
{
	struct edit	*e = arg;

	if (e->redraw && !e->midline)
		edit_show(e);
}

/* Edit a room operator's lines on a terminal (cbreak, restored at exit). */
static void
console_edit(struct broker *b, struct endpoint *in)
{
	const char	*path = b->j->local->history, *why;

	if (b->room == NULL || !isatty(STDOUT_FILENO) || stdio_tty_raw(0) == -1)
		return;
	edit_init(&b->ed, STDOUT_FILENO, 1, NULL, console_key_after, &b->ed);
	LOCAL_TAKEN(history);
	if (path != NULL && edit_history_file(&b->ed, path, &why) == -1)
		fatalx("%s: %s", path, why);
	edit_attach(&b->ed, in);
	b->console->ops = &console_tty_out_ops;
	b->console->data = &b->ed;
	edit_watch(&b->ed, 1);
}

/* Wire stdout (a fan-out member) and stdin (relayed to the clients). */
static void
console_start(struct broker *b)
{
	struct session	*s;
	struct endpoint	*in, *relay;

	/* stdout is a member when it is to show what clients send. */
	if (b->room != NULL || b->j->flow->monitor || b->j->flow->recv_only) {
		if ((s = session_new(NULL, console_out_finished, b)) == NULL ||
		    (b->console = stdio_out(s)) == NULL ||
		    fanout_join(b->fo, b->console, BROKER_CONSOLE_HIGH,
		    BROKER_QUEUE_LIMIT) == -1)
			fatal("console");
		session_start(s);
	}
	b->server.b = b;
	b->server.name = "<server>";
	b->server.except = b->console;
	if (b->j->flow->no_stdin)
		return;
	/* stdin is done when it ends (its one way); the clients carry on. */
	if ((s = session_new(NULL, console_in_finished, b)) ==
	    NULL || (in = stdio_in(s, 0)) == NULL ||
	    (relay = session_endpoint(s, "relay", -1, -1, EP_SHUT_NONE, 0)) ==
	    NULL || session_channel(s, "send", in, relay, 0) == NULL)
		fatal("console");
	relay->ops = &console_relay_ops;
	relay->data = b;
	console_edit(b, in);
	if (fanout_feed(b->fo, relay) == -1)
		fatal("console");
	session_start(s);
}

/* Serve clients as a broker, or a room with room's hooks, until killed. */
int
broker_run(const struct job *j, const struct broker_room *room)
{
	struct broker	 b;
	struct listen_ops ops = { .start = broker_start };
	int		 fd;

	memset(&b, 0, sizeof(b));
	b.j = j;
	b.room = room;
	TAILQ_INIT(&b.members);
	/* What the console is (console_start()), a member's stall. */
	FLOW_TAKEN(no_stdin);
	FLOW_TAKEN(recv_only);
	FLOW_TAKEN(send_only);
	FLOW_TAKEN(monitor);
	JOB_TAKEN(stall_ms);
	if ((b.fo = fanout_new(j->stall_ms != TIME_NONE ? j->stall_ms :
	    BROKER_STALL_MS)) == NULL)
		fatal("fanout");
	fanout_set_stalled(b.fo, broker_stalled, &b);
	fd = join_listen(j->side, j->side->host, LISTEN_MANY);
	console_start(&b);
	/* A room tells a person why; a broker's clients speak other protocols. */
	if (room != NULL)
		ops.full = listen_say_full;
	listener_run(j->side, fd, &ops, &b, NULL);
	return (0);
}

/* --broker: relay what each client sends to all the others. */
int
broker_listen(const struct job *j)
{
	return (broker_run(j, NULL));
}
