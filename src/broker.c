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
 * Many-client servers: --broker relays what each client sends to all the
 * others, --room is a chat server with user ids, announcements and one
 * prefix per line.
 *
 * Every client is a session: its socket is a member of one fan-out (so
 * it receives through a bounded queue of shared chunks) and a channel
 * carries what it sends to a "relay" endpoint, whose write operation hands
 * the bytes to the fan-out (--broker) or frames them into lines first
 * (--room).  stdout is a member too; stdin is relayed the same way.
 *
 * --send-only relays only the operator's stdin: what clients send is read
 * (so that their leaving is seen) and dropped.  --recv-only sends nothing
 * to the clients, stdin is not read, and stdout shows what they send.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sockcat.h"

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
 * A source of room lines: a client or the operator.  Bytes are framed
 * into lines (room.c), with state, so that a line arriving in pieces, or
 * several in one read, gets exactly one prefix each.
 */
struct speaker {
	struct broker	*b;
	struct client	*c;		/* NULL: the operator. */
	const char	*name;		/* "<user3>", "<server>" */
	struct endpoint	*except;	/* Member not to send to (itself). */
	struct room_framer rf;
};

struct broker {
	const struct options	*o;
	struct fanout	*fo;
	struct listener	*l;
	struct endpoint	*console;	/* stdout, NULL once it failed */
	struct speaker	 server;	/* The operator, in a room. */
	unsigned int	 next_id;	/* Room ids are never reused. */
	TAILQ_HEAD(, client) members;	/* The room's clients, in order. */
};

struct client {
	struct broker	*b;
	struct session	*s;
	struct endpoint	*net;
	struct channel	*rx;		/* net -> relay */
	int		 quit;		/* ":q" was read */
	int		 cut;		/* Cut off for not reading; told so. */
	char		*addr;		/* HOST:PORT, as long as it is:
					   an idle client should cost little */
	char		 name[ROOM_NAME_MAX + 3]; /* "<user3>" */
	struct speaker	*sp;		/* In a room only. */
	TAILQ_ENTRY(client) entry;	/* In the room's members. */
};


/*
 * Send a message to every member but except; a failure is only logged.
 * With --recv-only nothing is sent to the clients: only the console (when
 * it is not the sender) shows it.
 */
static void
broker_send(struct broker *b, struct endpoint *except, const void *p,
    size_t len)
{
	if (b->o->recv_only) {
		if (b->console != NULL && b->console != except &&
		    fanout_send_to(b->console, p, len) == -1)
			log_warn("stdout");
		return;
	}
	if (fanout_send(b->fo, except, p, len) == -1)
		log_warn("relay");
}

static void
broker_announce(struct broker *b, struct endpoint *except,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Send "<announce> ..." and a newline to every member but except. */
static void
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

/* Send a message to one client only; a failure is only logged. */
static void
room_tell(struct client *c, const char *msg, size_t len)
{
	if (fanout_send_to(c->net, msg, len) == -1)
		log_warn("relay");
}

/*
 * Relay a line of text: the speaker's name (or "* " and the bare name
 * for an action, /me), the line with control characters escaped (\xNN,
 * tab kept), a newline.
 */
static void
room_say(struct speaker *sp, const unsigned char *line, size_t len,
    int action)
{
	unsigned char	 out[ROOM_LINE_MAX * 4 + 64];
	size_t		 n;

	if (action) {
		n = snprintf((char *)out, sizeof(out), "* %.*s ",
		    (int)strlen(sp->name) - 2, sp->name + 1);
	} else
		n = snprintf((char *)out, sizeof(out), "%s ", sp->name);
	n += room_escape(line, len, out + n);
	out[n++] = '\n';
	broker_send(sp->b, sp->except, out, n);
}

/*
 * "<announce> Present: <a>, <b>." for c, listing the members but c; with
 * nobody else there, nothing is said.
 */
static void
room_who(struct broker *b, struct client *c, int newcomer)
{
	struct client	*m;
	char		*msg;
	size_t		 n = 0, size = 64;
	int		 others = 0;

	TAILQ_FOREACH(m, &b->members, entry)
		size += sizeof(m->name) + 2;
	if ((msg = malloc(size)) == NULL) {
		log_warn("relay");
		return;
	}
	n = strlcpy(msg, "<announce> Present:", size);
	TAILQ_FOREACH(m, &b->members, entry) {
		if (m == c && newcomer)
			continue;
		n += snprintf(msg + n, size - n, "%s %s%s", others ? "," : "",
		    m->name, m == c ? " (you)" : "");
		others++;
	}
	if (others > 0) {
		n += snprintf(msg + n, size - n, ".\n");
		room_tell(c, msg, n);
	}
	free(msg);
}

/* Is name (bare, len bytes) taken by a member other than c? */
static int
room_name_taken(struct broker *b, struct client *c, const char *name,
    size_t len)
{
	struct client	*m;
	size_t		 mlen;

	TAILQ_FOREACH(m, &b->members, entry) {
		mlen = strlen(m->name) - 2;
		if (m != c && mlen == len &&
		    strncasecmp(m->name + 1, name, len) == 0)
			return (1);
	}
	return (0);
}

/* /nick NAME: a valid name nobody else has; the room is told. */
static void
room_nick(struct broker *b, struct client *c, const unsigned char *name,
    size_t len)
{
	char	 msg[256], old[sizeof(c->name)];
	int	 n;

	if (!room_name_valid(name, len)) {
		n = snprintf(msg, sizeof(msg), "<announce> A name is 1 to %d "
		    "letters, digits, - or _.\n", ROOM_NAME_MAX);
		room_tell(c, msg, n);
		return;
	}
	if (room_name_taken(b, c, (const char *)name, len)) {
		n = snprintf(msg, sizeof(msg), "<announce> The name %.*s is "
		    "taken.\n", (int)len, name);
		room_tell(c, msg, n);
		return;
	}
	strlcpy(old, c->name, sizeof(old));
	snprintf(c->name, sizeof(c->name), "<%.*s>", (int)len, name);
	broker_announce(b, NULL, "%s is now known as %s.", old, c->name);
}

/* What /help says. */
static const char room_help[] =
    "<announce> Commands: /who lists who is present; /nick NAME takes a "
    "name (1 to 20 letters, digits, - or _); /me TEXT says what you do; "
    "/help shows this; :q leaves.  Other lines go to everyone.\n";

/*
 * One line of a room, from room_frame(): a client's command is carried
 * out, any other line is relayed.  The operator's lines are all text.
 * Returns 1 when a client asked to leave (":q").
 */
static int
room_line(const unsigned char *line, size_t len, void *arg)
{
	struct speaker		*sp = arg;
	struct client		*c = sp->c;
	const unsigned char	*a;
	size_t			 alen;

	if (c == NULL) {
		room_say(sp, line, len, 0);
		return (0);
	}
	switch (room_parse(line, len, &a, &alen)) {
	case ROOM_QUIT:
		return (1);
	case ROOM_WHO:
		room_who(sp->b, c, 0);
		break;
	case ROOM_NICK:
		room_nick(sp->b, c, a, alen);
		break;
	case ROOM_ME:
		room_say(sp, a, alen, 1);
		break;
	case ROOM_HELP:
		room_tell(c, room_help, sizeof(room_help) - 1);
		break;
	case ROOM_TEXT:
		room_say(sp, line, len, 0);
		break;
	}
	return (0);
}

/* The relay endpoint of a client: whatever it sends goes to the others. */
static ssize_t
client_relay_write(struct endpoint *ep, const void *p, size_t len)
{
	struct client	*c = ep->data;
	struct broker	*b = c->b;

	/* With --send-only only the operator speaks: clients are ignored. */
	if (c->quit || b->o->send_only)
		return (len);
	if (!b->o->room) {
		broker_send(b, c->net, p, len);
		return (len);
	}
	/*
	 * The line being framed is held only while a line is incomplete:
	 * a member that has nothing pending holds no line buffer.
	 */
	if (c->sp->rf.line == NULL &&
	    (c->sp->rf.line = pool_get(ROOM_LINE_MAX)) == NULL)
		return (-1);
	if (room_frame(&c->sp->rf, p, len, room_line, c->sp))
		c->quit = 1;
	if (c->sp->rf.len == 0) {
		pool_put(c->sp->rf.line, ROOM_LINE_MAX);
		c->sp->rf.line = NULL;
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

	if (!b->o->room)
		broker_send(b, b->console, p, len);
	else
		room_frame(&b->server.rf, p, len, room_line, &b->server);
	return (len);
}

static const struct ep_ops console_relay_ops = {
	.write = console_relay_write,
};

/* Free what c holds besides its session. */
static void
client_free(struct client *c)
{
	if (c->sp != NULL) {
		pool_put(c->sp->rf.line, ROOM_LINE_MAX);
		free(c->sp);
	}
	free(c->addr);
	free(c);
}

/* A client is over when it has stopped sending or typed ":q". */
static int
client_check(struct session *s)
{
	struct client	*c = s->arg;

	return (c->quit || channel_ended(c->rx));
}

/* Say why a client went, tell the room, and let it go. */
static void
client_finished(struct session *s)
{
	struct client	*c = s->arg;
	struct broker	*b = c->b;
	struct outq	*q = c->net->outq;
	const char	*who = b->o->room ? c->name : c->addr;

	if (q != NULL && q->error == ENOBUFS)
		log_warnx("%s: output queue full (%zu bytes), disconnected",
		    who, q->limit);
	else if (c->cut)
		;	/* Said when it was cut off. */
	else if (q != NULL && q->error != 0)
		log_verbose(1, "%s: write: %s", who, strerror(q->error));
	else if (s->timed_out)
		log_verbose(1, "%s: idle timeout, disconnected", who);
	else if (c->rx->error_op != NULL)
		log_verbose(1, "%s: read: %s", who, strerror(c->rx->error));
	if (b->o->room) {
		/* A last line without its newline is still a line. */
		if (c->sp->rf.len > 0 && !c->quit)
			room_flush(&c->sp->rf, room_line, c->sp);
		TAILQ_REMOVE(&b->members, c, entry);
		if (!c->cut)
			broker_announce(b, c->net, "%s is disconnected.",
			    c->name);
	}
	gate_release(b->o->run);
	session_free(s);
	client_free(c);
}

/*
 * A member of the fan-out read nothing for the stall time and is cut off:
 * say so, and in a room tell it why (its last line, if it takes it) and
 * tell the others it left.  stdout says so when its session ends.
 */
static void
broker_stalled(struct endpoint *ep, void *arg)
{
	struct broker	*b = arg;
	struct client	*c;
	char		 msg[128];
	int		 n;

	if (ep == b->console)
		return;
	c = ep->session->arg;
	c->cut = 1;
	log_warnx("%s: read nothing for %lld ms, disconnected",
	    b->o->room ? c->name : c->addr, b->fo->stall_ms);
	if (!b->o->room)
		return;
	n = snprintf(msg, sizeof(msg), "<announce> You are disconnected: "
	    "you read nothing for %lld ms.\n", b->fo->stall_ms);
	if (fanout_send_to(ep, msg, n) == -1)
		log_warn("relay");
	broker_announce(b, ep, "%s is disconnected: it stopped reading.",
	    c->name);
}

/*
 * Start a session for the client just accepted on fd, over TLS when tls
 * is not NULL; it takes over both (they are freed on failure).  Returns
 * -1 with errno.
 */
static int
client_start(struct broker *b, int fd, const struct net_peer *peer,
    struct tls *tls)
{
	const struct options	*o = b->o;
	struct client	*c;
	struct session	*s = NULL;
	struct endpoint	*relay;
	char		 host[NI_MAXHOST], port[NI_MAXSERV], msg[256];
	int		 others, n;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		tls_free(tls);
		close(fd);
		return (-1);
	}
	c->b = b;
	net_format((const struct sockaddr *)&peer->ss, peer->len, 1, host,
	    sizeof(host), port, sizeof(port));
	if (asprintf(&c->addr, strchr(host, ':') != NULL ? "[%s]:%s" :
	    "%s:%s", host, port) == -1)
		c->addr = NULL;
	if (c->addr == NULL ||
	    (s = session_new(client_check, client_finished, c)) == NULL ||
	    (c->net = session_endpoint(s, "network", fd, fd, EP_SHUT_SOCKET,
	    0)) == NULL) {
		session_free(s);
		free(c->addr);
		free(c);
		tls_free(tls);
		close(fd);
		return (-1);
	}
	c->s = s;
	if (tls != NULL)
		tls_attach(c->net, tls);
	/* From here on the session owns fd. */
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
	gate_session(&o->gate, s);
	if (o->room) {
		if ((c->sp = calloc(1, sizeof(*c->sp))) == NULL)
			goto fail;
		/* A name taken with /nick is skipped, never shared. */
		do {
			n = snprintf(c->name, sizeof(c->name), "<user%u>",
			    ++b->next_id);
		} while (room_name_taken(b, c, c->name + 1, n - 2));
		c->sp->b = b;
		c->sp->c = c;
		c->sp->name = c->name;
		c->sp->except = c->net;
		/* Members other than the newcomer and the console. */
		others = (int)b->fo->count - 1 - (b->console != NULL);
		n = snprintf(msg, sizeof(msg), "<announce> Welcome to the "
		    "room, you are %s. %d other user%s connected; type :q to "
		    "leave.\n", c->name, others, others == 1 ? " is" : "s are");
		if (!o->recv_only && fanout_send_to(c->net, msg, n) == -1)
			goto fail;
		room_who(b, c, 1);
		TAILQ_INSERT_TAIL(&b->members, c, entry);
		broker_announce(b, c->net, "%s is connected as %s.", c->addr,
		    c->name);
	}
	return (session_start(s));

fail:
	session_free(s);
	client_free(c);
	return (-1);
}

/* An admitted client is ready: it joins. */
static int
broker_start(void *arg, int fd, const struct net_peer *peer, struct tls *tls)
{
	struct broker	*b = arg;

	if (client_start(b, fd, peer, tls) == -1) {
		log_warn("client");
		gate_release(b->o->run);
		return (-1);
	}
	return (0);
}

/* A room tells a person why; a broker's clients speak other protocols. */
static void
room_full(void *arg, int fd)
{
	struct broker	*b = arg;

	listen_say_full(b->o, fd);
}

static const struct listen_ops broker_ops = {
	.start = broker_start,
};

static const struct listen_ops room_ops = {
	.start = broker_start,
	.full = room_full,
};

/* stdin is done when it ends; the clients carry on. */
static int
console_in_check(struct session *s)
{
	struct channel	*ch = TAILQ_FIRST(&s->channels);

	return (channel_ended(ch));
}

static void
console_in_finished(struct session *s)
{
	struct broker	*b = s->arg;

	if (b->o->room && b->server.rf.len > 0)
		room_flush(&b->server.rf, room_line, &b->server);
	session_free(s);
}

/* stdout only ends when it cannot keep up or is gone. */
static void
console_out_finished(struct session *s)
{
	struct broker	*b = s->arg;
	struct outq	*q = b->console->outq;

	if (q->error == ENOBUFS)
		log_warnx("stdout: output queue full (%zu bytes), output "
		    "to stdout stopped", q->limit);
	else if (q->error == ETIMEDOUT)
		log_warnx("stdout: nothing written for %lld ms, output to "
		    "stdout stopped", b->fo->stall_ms);
	else if (q->error != 0)
		log_warnx("write to stdout: %s", strerror(q->error));
	b->console = NULL;
	session_free(s);
}

/* Wire stdout (a fan-out member) and stdin (relayed to the clients). */
static void
console_start(struct broker *b)
{
	struct session	*s;
	struct endpoint	*in, *relay;

	if ((s = session_new(NULL, console_out_finished, b)) == NULL ||
	    (b->console = stdio_out(s)) == NULL ||
	    fanout_join(b->fo, b->console, BROKER_CONSOLE_HIGH,
	    BROKER_QUEUE_LIMIT) == -1 ||
	    session_start(s) == -1)
		fatal("console");
	b->server.b = b;
	b->server.name = "<server>";
	b->server.except = b->console;
	if (b->o->room &&
	    (b->server.rf.line = malloc(ROOM_LINE_MAX)) == NULL)
		fatal("console");
	if (b->o->no_stdin)
		return;
	if ((s = session_new(console_in_check, console_in_finished, b)) ==
	    NULL || (in = stdio_in(s, 0)) == NULL ||
	    (relay = session_endpoint(s, "relay", -1, -1, EP_SHUT_NONE, 0)) ==
	    NULL || session_channel(s, "send", in, relay, 0) == NULL)
		fatal("console");
	relay->ops = &console_relay_ops;
	relay->data = b;
	if (fanout_feed(b->fo, relay) == -1)
		fatal("console");
	if (session_start(s) == -1)
		fatal("console");
}

/*
 * Listen and serve any number of clients at once: relay among them
 * (--broker) or run a chat room (--room).  Runs until killed.
 */
int
broker_listen(const struct options *o)
{
	struct broker	 b;
	char		*cause;
	int		 fd;

	memset(&b, 0, sizeof(b));
	b.o = o;
	TAILQ_INIT(&b.members);
	gate_raise_nofile(&o->gate);
	if ((b.fo = fanout_new(o->stall_ms != TIME_NONE ? o->stall_ms :
	    BROKER_STALL_MS)) == NULL)
		fatal("fanout");
	b.fo->stalled = broker_stalled;
	b.fo->arg = &b;
	if ((fd = net_listen(o, o->host, o->ports[0], &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	net_report_listen(o, fd);
	console_start(&b);
	if ((b.l = listener_new(o, fd, o->room ? &room_ops : &broker_ops,
	    &b)) == NULL)
		fatal("listener");
	if (ev_loop() == -1)
		fatal("poll");
	return (0);
}
