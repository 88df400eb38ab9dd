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
#include <unistd.h>

#include "sockcat.h"

/* What a client may have queued before it is cut off. */
#define BROKER_QUEUE_LIMIT	(256 * 1024)

/* What stdout may have queued before the console output stops. */
#define BROKER_CONSOLE_LIMIT	(4 * 1024 * 1024)

/* Read size per client: relayed at once, so it need not be large. */
#define BROKER_READ_SIZE	(16 * 1024)

/* A longer room line is cut and relayed in pieces of this size. */
#define ROOM_LINE_MAX		4096


/* Accepted per listener wake-up, so a flood of connects does not starve. */
#define BROKER_ACCEPT_BATCH	64

/*
 * A TLS handshake blocks the server: each of its reads and writes waits
 * at most this long (or -w, if shorter), so a client that stalls it holds
 * up the others only briefly.
 */
#define BROKER_TLS_MS		(3 * 1000)

/*
 * A source of room lines: a client or the operator.  Bytes are framed
 * into lines here, with state, so that a line arriving in pieces, or
 * several in one read, gets exactly one prefix each.
 */
struct speaker {
	const char	*name;		/* "<user3>", "<server>" */
	struct endpoint	*except;	/* Member not to send to (itself). */
	size_t		 len;
	unsigned char	*line;		/* ROOM_LINE_MAX bytes */
	int		 cut;		/* A full line was just relayed. */
};

struct broker {
	struct options	*o;
	struct fanout	*fo;
	int		 lfd;
	struct ev_timer	 backoff;
	struct endpoint	*console;	/* stdout, NULL once it failed */
	struct speaker	 server;	/* The operator, in a room. */
	unsigned int	 next_id;	/* Room ids are never reused. */
};

struct client {
	struct broker	*b;
	struct session	*s;
	struct endpoint	*net;
	struct channel	*rx;		/* net -> relay */
	int		 quit;		/* ":q" was read */
	char		 addr[NI_MAXHOST + NI_MAXSERV + 4]; /* HOST:PORT */
	char		 name[32];	/* "<user3>" */
	struct speaker	 sp;
};

static void	broker_accept_cb(int, int, void *);

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

/*
 * Relay one line of a room: the speaker's name, the line with control
 * characters escaped (\xNN, tab kept), a newline.  A line ":q" from a
 * client ends it instead.  Returns 1 when the speaker asked to quit.
 */
static int
room_line(struct broker *b, struct speaker *sp, int is_client)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 out[ROOM_LINE_MAX * 4 + 64], ch;
	size_t			 i, n, len = sp->len;

	sp->len = 0;
	if (len > 0 && sp->line[len - 1] == '\r')
		len--;
	if (is_client && len == 2 && memcmp(sp->line, ":q", 2) == 0)
		return (1);
	n = strlcpy((char *)out, sp->name, sizeof(out));
	out[n++] = ' ';
	for (i = 0; i < len; i++) {
		ch = sp->line[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 0xf];
		} else
			out[n++] = ch;
	}
	out[n++] = '\n';
	broker_send(b, sp->except, out, n);
	return (0);
}

/*
 * Frame len bytes from a speaker into lines and relay each complete one.
 * Returns 1 if a client line ":q" was read (what follows it is dropped).
 */
static int
room_feed(struct broker *b, struct speaker *sp, const unsigned char *p,
    size_t len, int is_client)
{
	const unsigned char	*nl;
	size_t			 take;

	while (len > 0) {
		/* The newline after a line cut at its longest is its end. */
		if (sp->cut) {
			sp->cut = 0;
			if (*p == '\n') {
				p++;
				len--;
				continue;
			}
		}
		nl = memchr(p, '\n', len);
		take = nl != NULL ? (size_t)(nl - p) : len;
		if (take > ROOM_LINE_MAX - sp->len)
			take = ROOM_LINE_MAX - sp->len;
		memcpy(sp->line + sp->len, p, take);
		sp->len += take;
		p += take;
		len -= take;
		if (len > 0 && *p == '\n') {
			p++;
			len--;
		} else if (sp->len < ROOM_LINE_MAX)
			break;	/* The rest of the line is still to come. */
		else
			sp->cut = 1;
		if (room_line(b, sp, is_client))
			return (1);
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
	if (!b->o->room)
		broker_send(b, c->net, p, len);
	else if (room_feed(b, &c->sp, p, len, 1))
		c->quit = 1;
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
		room_feed(b, &b->server, p, len, 0);
	return (len);
}

static const struct ep_ops console_relay_ops = {
	.write = console_relay_write,
};

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
	else if (q != NULL && q->error != 0)
		log_verbose(1, "%s: write: %s", who, strerror(q->error));
	else if (s->timed_out)
		log_verbose(1, "%s: idle timeout, disconnected", who);
	else if (c->rx->error_op != NULL)
		log_verbose(1, "%s: read: %s", who, strerror(c->rx->error));
	if (b->o->room) {
		/* A last line without its newline is still a line. */
		if (c->sp.len > 0 && !c->quit)
			room_line(b, &c->sp, 1);
		broker_announce(b, c->net, "%s is disconnected.", c->name);
	}
	gate_release(&b->o->gate);
	session_free(s);
	free(c->sp.line);
	free(c);
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
	struct options	*o = b->o;
	struct client	*c;
	struct session	*s;
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
	snprintf(c->addr, sizeof(c->addr), strchr(host, ':') != NULL ?
	    "[%s]:%s" : "%s:%s", host, port);
	if ((s = session_new(client_check, client_finished, c)) == NULL ||
	    (c->net = session_endpoint(s, "network", fd, fd, EP_SHUT_SOCKET,
	    0)) == NULL) {
		session_free(s);
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
	    fanout_join(b->fo, c->net, BROKER_QUEUE_LIMIT) == -1)
		goto fail;
	relay->ops = &client_relay_ops;
	relay->data = c;
	c->rx->bufsize = BROKER_READ_SIZE;
	gate_session(&o->gate, s);
	if (o->room) {
		if ((c->sp.line = malloc(ROOM_LINE_MAX)) == NULL)
			goto fail;
		snprintf(c->name, sizeof(c->name), "<user%u>", ++b->next_id);
		c->sp.name = c->name;
		c->sp.except = c->net;
		/* Members other than the newcomer and the console. */
		others = (int)b->fo->count - 1 - (b->console != NULL);
		n = snprintf(msg, sizeof(msg), "<announce> Welcome to the "
		    "room, you are %s. %d other user%s connected; type :q to "
		    "leave.\n", c->name, others, others == 1 ? " is" : "s are");
		if (!o->recv_only && fanout_send_to(c->net, msg, n) == -1)
			goto fail;
		broker_announce(b, c->net, "%s is connected as %s.", c->addr,
		    c->name);
	}
	return (session_start(s));

fail:
	session_free(s);
	free(c->sp.line);
	free(c);
	return (-1);
}

static void
broker_backoff_cb(void *arg)
{
	struct broker	*b = arg;

	ev_set(b->lfd, EV_READ, broker_accept_cb, b);
}

static void
broker_accept_cb(int lfd, int events, void *arg)
{
	struct broker	*b = arg;
	struct net_peer	 peer;
	struct tls	*tls = NULL;
	char		*cause;
	int		 fd, i;

	(void)events;
	for (i = 0; i < BROKER_ACCEPT_BATCH; i++) {
		if ((fd = net_accept_or_wait(lfd, &peer, &b->backoff)) == -1)
			return;
		if (!gate_admit(&b->o->gate, fd, &peer))
			continue;
		net_report_accept(b->o, &peer);
		if (b->o->ssl && (tls = tls_handshake(b->o, fd, NULL,
		    b->o->timeout_ms != TIME_NONE &&
		    b->o->timeout_ms < BROKER_TLS_MS ? b->o->timeout_ms :
		    BROKER_TLS_MS, &cause)) == NULL) {
			log_warnx("%s", cause);
			free(cause);
			close(fd);
			gate_release(&b->o->gate);
			continue;
		}
		if (client_start(b, fd, &peer, tls) == -1) {
			log_warn("client");
			gate_release(&b->o->gate);
		}
	}
}

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

	if (b->o->room && b->server.len > 0)
		room_line(b, &b->server, 0);
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
	    fanout_join(b->fo, b->console, BROKER_CONSOLE_LIMIT) == -1 ||
	    session_start(s) == -1)
		fatal("console");
	b->server.name = "<server>";
	b->server.except = b->console;
	if (b->o->room && (b->server.line = malloc(ROOM_LINE_MAX)) == NULL)
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
	if (session_start(s) == -1)
		fatal("console");
}

/*
 * Listen and serve any number of clients at once: relay among them
 * (--broker) or run a chat room (--room).  Runs until killed.
 */
int
broker_listen(struct options *o)
{
	struct broker	 b;
	char		*cause;

	memset(&b, 0, sizeof(b));
	b.o = o;
	ev_timer_init(&b.backoff, broker_backoff_cb, &b);
	gate_raise_nofile(&o->gate);
	if ((b.fo = fanout_new()) == NULL)
		fatal("fanout");
	if ((b.lfd = net_listen(o, o->host, o->ports[0], &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	/* Thousands may connect at once: take the longest queue allowed. */
	(void)listen(b.lfd, SOMAXCONN);
	net_report_listen(o, b.lfd);
	console_start(&b);
	ev_set(b.lfd, EV_READ, broker_accept_cb, &b);
	if (ev_loop() == -1)
		fatal("poll");
	return (0);
}
