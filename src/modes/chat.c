/*
 * Chat mode (--chat): a conversation between two people, one waiting for
 * the other, built on one session of the pump; later callers are turned
 * away while it lasts.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"

/*
 * What a caller hears when someone else is already talking: one line that
 * a person reads with any client, and that a sockcat caller recognises,
 * when it is all the server says, as the server's and not the partner's.
 */
#define CHAT_BUSY		"sockcat: busy, already chatting; try later\n"

/* How a conversation ended. */
enum chat_end {
	CHAT_END_NONE,
	CHAT_END_PEER,		/* The peer left, or the connection broke. */
	CHAT_END_LOCAL,		/* Our user typed :q or ended input. */
	CHAT_END_ERROR,		/* Output failed. */
	CHAT_END_IDLE,		/* The partner was idle (--idle-timeout). */
	CHAT_END_BUSY,		/* The server turned us away. */
};

struct chat {
	const struct job	*j;
	struct session	*s;		/* The conversation, NULL if none. */
	struct channel	*tx;		/* stdin -> network */
	struct channel	*rx;		/* network -> stdout */
	int		 lfd;		/* Listening socket; -1 for a client. */
	struct netconn	*nc;		/* The partner: its socket until the
					   session has it, its place at the
					   gate until the conversation ends. */
	int		 tty;		/* stdout is a terminal: show it */
	int		 tty_err;	/* and stderr too */
	char		 peer[NI_MAXHOST + NI_MAXSERV + 8]; /* HOST port N */
	struct chat_view view;		/* The peer's side on the screen. */
	int		 local_quit;	/* Our user typed a :q line. */
	int		 tx_qm;		/* The :q matcher of what we send. */
	int		 refusal_due;	/* A stream's client, nothing heard */
	int		 busy;		/* What came first was a refusal's. */

	/*
	 * When stdin and stdout are a terminal, the line being typed is
	 * edited here (src/io/edit.c), so that it can be shown again after
	 * a message.
	 */
	int		 edit;
	struct edit	 ed;
	enum chat_end	 end;
	int		 status;	/* Exit status. */
	struct net_peer	 partner;	/* Over UDP: the only one heard. */
	unsigned char	*scratch;	/* For rewriting what the peer sent. */
	int		 told_room;	/* --room named, to an ncat user */
};

static void	chat_udp_first_cb(int, int, void *);

static const struct ep_ops	chat_udp_ops;

/*
 * Is what the peer sent all on the screen: no half line of the peer's,
 * nothing waiting to be written?  Only asked during a conversation.
 */
static int
chat_peer_shown(const struct chat *c)
{
	return (!c->view.midline && channel_pending(c->rx) == 0);
}

/* Redraw the line being typed once what the peer sent is all on the screen. */
static void
chat_redraw(struct chat *c)
{
	if (!c->edit || !(c->view.redraw || c->ed.redraw) ||
	    !chat_peer_shown(c))
		return;
	c->view.redraw = 0;
	edit_show(&c->ed);
}

/* After each key typed: the line again, if it changed or was covered. */
static void
chat_key_after(void *arg)
{
	chat_redraw(arg);
}

/* Before a key is shown: the peer's half line keeps its own line. */
static void
chat_key_before(void *arg)
{
	struct chat	*c = arg;

	if (!c->view.midline)
		return;
	log_write_quiet(STDOUT_FILENO, "\n", 1);
	c->view.midline = 0;
	c->view.cont = 1;
	c->view.redraw = 1;
	chat_redraw(c);
}

/* Tell the user something on stderr, on a line of its own. */
static void
chat_notice(struct chat *c, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->tty && c->view.midline) {
		log_write_quiet(STDOUT_FILENO, "\n", 1);
		c->view.midline = 0;
		c->view.cont = 1;
	}
	if (c->edit)
		edit_hide(&c->ed);
	log_info("%s%s", c->tty_err ? "\r\033[K" : "", msg);
	/* In the middle of a conversation, the typed line comes back. */
	if (c->s != NULL && !c->s->over) {
		c->view.redraw = 1;
		chat_redraw(c);
	}
}

/*
 * Write "HOST port PORT" for peer into out (an IPv4-mapped address as IPv4);
 * a stranger by its address only, so that no lookup can stall the loop.
 */
static void
chat_label(struct chat *c, const struct net_peer *peer, int stranger,
    char *out, size_t outlen)
{
	int				 numeric = c->j->side->sock.numeric || stranger;
	const struct sockaddr_in6	*sin6;
	struct sockaddr_in		 sin;
	char				 host[NI_MAXHOST], port[NI_MAXSERV];

	sin6 = (const struct sockaddr_in6 *)&peer->ss;
	if (peer->ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = sin6->sin6_port;
		memcpy(&sin.sin_addr, &sin6->sin6_addr.s6_addr[12], 4);
		net_format((struct sockaddr *)&sin, sizeof(sin), numeric,
		    host, sizeof(host), port, sizeof(port));
	} else
		net_format((const struct sockaddr *)&peer->ss, peer->len,
		    numeric, host, sizeof(host), port, sizeof(port));
	snprintf(out, outlen, "%s port %s", host, port);
}

/*
 * What the user types, as typed (with -C, CRLF), up to a ":q" line, which is
 * sent over UDP only.
 */
static size_t
chat_tx_xform(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	struct chat	*c = ch->src->session->arg;

	if (c->local_quit)
		return (0);
	n = chatproto_quit_scan(&c->tx_qm, p, n, &c->local_quit);
	if (c->local_quit && c->j->side->sock.socktype == SOCK_STREAM)
		n -= chatproto_quit_len(p, n);
	if (c->j->flow->crlf)
		n = crlf_xform(ch, p, n, space);
	return (n);
}

/* What the peer sends, up to a ":q" line, shown by chatproto_rx(). */
static size_t
chat_rx_xform(struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	struct chat	*c = ch->src->session->arg;

	if (c->view.quit)
		return (0);
	/*
	 * A server that turns a caller away sends its line, in one piece on
	 * a new connection, and closes.  When that is the first thing heard
	 * it is held back: if the connection ends there, it was a refusal;
	 * if more comes, they were a partner's words, and are shown.
	 */
	if (c->refusal_due && n == sizeof(CHAT_BUSY) - 1 &&
	    memcmp(p, CHAT_BUSY, n) == 0) {
		c->refusal_due = 0;
		c->busy = 1;
		return (0);
	}
	c->refusal_due = 0;
	if (c->busy) {
		/* The read was cut to leave room for this (chat_start). */
		memmove(p + sizeof(CHAT_BUSY) - 1, p, n);
		memcpy(p, CHAT_BUSY, sizeof(CHAT_BUSY) - 1);
		n += sizeof(CHAT_BUSY) - 1;
		c->busy = 0;
	}
	ch->xgrow = c->tty ? CHAT_GROW : 1;
	if (!c->tty)
		return (chatproto_quit_scan(&c->view.qm, p, n, &c->view.quit));
	/* Each byte grows to CHAT_GROW at most, and the pump left room. */
	memcpy(c->scratch, p, n);
	n = chatproto_rx(&c->view, c->scratch, n, p);
	/*
	 * The line being typed, all its rows, makes way first.  It is only
	 * shown when nothing of the peer's waits to be written (chat_redraw()),
	 * so the wipe goes straight to the terminal.
	 */
	if (n > 0 && c->edit)
		edit_hide(&c->ed);
	return (n);
}

/*
 * Note which way ended first (for the notice) and end a way at its ":q"
 * line; the session ends when both ways have (CH_FINAL).
 */
static int
chat_watch(struct session *s)
{
	struct chat	*c = s->arg;
	struct channel	*rx = c->rx, *tx = c->tx;

	if (c->view.quit && rx->state == CH_OPEN)
		channel_end_source(rx);
	if (c->local_quit && tx->state == CH_OPEN)
		channel_end_source(tx);
	if (c->end == CHAT_END_NONE) {
		if (rx->state == CH_FAILED)
			c->end = CHAT_END_ERROR;
		else if (rx->state == CH_DONE)
			c->end = c->busy ? CHAT_END_BUSY : CHAT_END_PEER;
		else if (tx->state == CH_FAILED)
			c->end = CHAT_END_PEER;
		else if (tx->state == CH_DONE)
			c->end = CHAT_END_LOCAL;
	}
	chat_redraw(c);
	return (SESSION_RULE);
}

static void
chat_finished(struct session *s)
{
	struct chat	*c = s->arg;
	struct channel	*rx = c->rx, *tx = c->tx;
	int		 error = 0;

	if (c->end == CHAT_END_NONE && s->why == SE_IDLE)
		c->end = CHAT_END_IDLE;
	switch (c->end) {
	case CHAT_END_IDLE:
		/* A caller's own limit ends it, as a client's (ncat's). */
		if (c->lfd == -1) {
			log_warnx("idle timeout expired");
			c->status = 1;
		} else
			chat_notice(c, "%s left (idle timeout)", c->peer);
		break;
	case CHAT_END_PEER:
		if (rx->error_op != NULL)
			error = rx->error;
		else if (tx->state == CH_FAILED)
			error = tx->error;
		if (error != 0)
			chat_notice(c, "%s left (%s)", c->peer,
			    strerror(error));
		else
			chat_notice(c, "%s left", c->peer);
		break;
	case CHAT_END_LOCAL:
		chat_notice(c, "you left %s", c->peer);
		if (tx->error_op != NULL) {
			log_warnx("read from stdin: %s", strerror(tx->error));
			c->status = 1;
		}
		break;
	case CHAT_END_ERROR:
		log_warnx("write to stdout: %s", strerror(rx->error));
		c->status = 1;
		break;
	case CHAT_END_BUSY:
		log_warnx("%s is busy, already chatting; try later", c->peer);
		c->status = 1;
		break;
	case CHAT_END_NONE:
		break;
	}
	edit_watch(&c->ed, 0);
	session_free(s);
	c->s = NULL;
	c->tx = c->rx = NULL;
	netconn_free(c->nc);
	c->nc = NULL;
	/* With -k a listener waits for the next partner when one leaves. */
	if ((c->end == CHAT_END_PEER || c->end == CHAT_END_IDLE) &&
	    c->lfd != -1 && c->j->side->keep) {
		chat_notice(c, "waiting for someone to talk to");
		/* A datagram socket was the conversation's: listen again. */
		if (c->j->side->sock.socktype == SOCK_DGRAM && !c->j->side->tls.on)
			ev_set(c->lfd, EV_READ, chat_udp_first_cb, c);
		return;
	}
	ev_break();
}

/*
 * Start the conversation on c->nc, joined with stdin and stdout (join.c);
 * over UDP on the server, with c->partner only.  c->nc stays c's until the
 * conversation ends.  Exits if it cannot.
 */
static void
chat_start(struct chat *c)
{
	const struct side	*sd = c->j->side;
	struct join		 jn;
	struct join_how		 how = { .flow = c->j->flow, .far = sd,
	    .rule = JOIN_CHAT, .name = { "receive", "send" }, .sent = 1,
	    .idle_ms = TIME_NONE };
	struct end_how		 eh = { .rd = 1, .wr = 1 };
	char			*cause = NULL;
	int			 dgram = sd->sock.socktype == SOCK_DGRAM;
	int			 bound = c->nc->fd == c->lfd;

	/* A caller's --idle-timeout: nothing said either way for that long. */
	if (c->lfd == -1) {
		SIDE_TAKEN(gate.idle_ms);
		how.idle_ms = sd->gate.idle_ms;
	}
	if (join_new(&jn, chat_watch, chat_finished, c) == -1)
		fatal("session");
	c->s = jn.s;
	chatproto_reset(&c->view);
	c->view.dgram = dgram;
	c->local_quit = 0;
	c->tx_qm = 0;
	c->refusal_due = c->lfd == -1 && sd->sock.socktype == SOCK_STREAM;
	c->busy = 0;
	c->end = CHAT_END_NONE;
	/* --ssl: DTLS, on a socket connected to the partner, or TLS. */
	if (end_netconn(&jn.end[0], sd, c->nc, jn.s, "network", dgram ?
	    EP_SHUT_NONE : EP_SHUT_SOCKET, EP_NET | (dgram ? EP_DGRAM : 0) |
	    (bound ? EP_NOCLOSE : 0), 0) == -1)
		goto fail;
	if (bound) {
		jn.end[0].rd->ops = &chat_udp_ops;
		jn.end[0].rd->data = c;
	}
	if (end_open(c->j->near, jn.s, &eh, &jn.end[1], &cause) == -1 ||
	    join_ways(&jn, &how, &cause) == -1)
		goto fail;
	c->rx = jn.way[0];
	c->tx = jn.way[1];
	/* Until now the terminal echoed what was typed; from now on, we do. */
	if (c->edit && stdio_tty_raw(0) == -1)
		c->edit = 0;
	/* The end of input is ^D on an empty line, once the lines are sent. */
	if (c->edit) {
		edit_attach(&c->ed, jn.end[1].rd);
		edit_watch(&c->ed, 1);
	}
	c->rx->xform = chat_rx_xform;
	/*
	 * A caller's first read leaves room for the server's refusal line
	 * to go before it, should that line have been held back.
	 */
	c->rx->xgrow = (c->tty ? CHAT_GROW : 1) + (c->lfd == -1);
	c->tx->xform = chat_tx_xform;
	c->tx->xgrow = c->j->flow->crlf ? 2 : 1;
	chat_notice(c, "connected to %s", c->peer);
	/* A server's partner is a client like any other: --idle-timeout. */
	if (c->lfd != -1)
		gate_session(&sd->gate, jn.s);
	join_start(&jn);
	return;

fail:
	if (cause != NULL)
		log_warnx("%s", cause);
	free(cause);
	session_free(jn.s);
	c->s = NULL;
	fatal("session");
}

static void
chat_init(struct chat *c, const struct job *j)
{
	const char	*why;

	memset(c, 0, sizeof(*c));
	c->j = j;
	c->lfd = -1;
	/*
	 * What the peer sends is shown for people whenever it goes to a
	 * terminal, typed at or not: raw control characters never reach one.
	 */
	c->tty = isatty(STDOUT_FILENO);
	/* Typed on a terminal, shown on one: edit the line ourselves. */
	c->edit = c->tty && isatty(STDIN_FILENO);
	edit_init(&c->ed, STDOUT_FILENO, 1, chat_key_before, chat_key_after,
	    c);
	if (c->edit)
		LOCAL_TAKEN(history);
	if (j->local->history != NULL && c->edit &&
	    edit_history_file(&c->ed, j->local->history, &why) == -1)
		fatalx("%s: %s", j->local->history, why);
	c->tty_err = c->tty && isatty(STDERR_FILENO);
	if ((c->scratch = malloc(CHANNEL_BUFSIZE)) == NULL)
		fatal("malloc");
}

/* Talk to the chat server of the command line.  Returns the exit status. */
int
chat_connect(const struct job *j)
{
	const struct side	*sd = j->side;
	struct chat		 c;
	struct dial_how		 how = { .dialled = join_dialled };
	struct net_peer		 peer;
	char			*cause;

	chat_init(&c, j);
	how.dialled_arg = (void *)sd;
	/* Directly or through the proxy of the command line. */
	if ((c.nc = open_wait(sd, sd->host, sd->ports[0], &how, &peer,
	    &cause)) == NULL) {
		if (cause != NULL)
			fatalx("%s", cause);
		/* With -v, the dial has said so already. */
		net_report_refused(sd, sd->host, sd->ports[0], errno);
		c.status = 1;
	} else {
		snprintf(c.peer, sizeof(c.peer), "%s port %s", sd->host,
		    sd->ports[0]);
		chat_start(&c);
		if (c.s != NULL && ev_loop() == -1)
			fatal("poll");
	}
	free(c.scratch);
	edit_free(&c.ed);
	return (c.status);
}

/*
 * Tell a caller that comes during a conversation that the server is busy,
 * before any handshake.  Returns 1 if it was turned away (fd closed).
 */
static int
chat_busy(void *arg, int fd, const struct net_peer *peer)
{
	struct chat	*c = arg;
	char		 label[sizeof(c->peer)];

	if (c->s == NULL)
		return (0);
	chat_label(c, peer, 1, label, sizeof(label));
	/*
	 * Best effort: the socket is new, its buffer empty.  A TLS caller
	 * could not read a plain line: it is just let go.
	 */
	if (!c->j->side->tls.on)
		(void)send(fd, CHAT_BUSY, sizeof(CHAT_BUSY) - 1,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	/*
	 * Closing with unread data would reset the connection, and the
	 * caller could lose the line.
	 */
	sock_linger(fd);
	chat_notice(c, "%s turned away: busy", label);
	/* ncat's --chat is a room of many: ours is of two. */
	if (!c->told_room) {
		c->told_room = 1;
		chat_notice(c, "ncat's --chat, for many at once, is --room");
	}
	return (1);
}

/* An admitted caller is ready: the partner, unless one came first. */
static int
chat_accept_start(void *arg, struct netconn *nc, const struct net_peer *peer)
{
	struct chat	*c = arg;

	/* Two callers were in their handshakes at once (busy closes fd). */
	if (chat_busy(c, nc->fd, peer)) {
		nc->fd = -1;
		netconn_free(nc);
		return (-1);
	}
	chat_label(c, peer, 0, c->peer, sizeof(c->peer));
	c->nc = nc;
	chat_start(c);
	return (0);
}

/* A caller that fails TLS is not a partner: wait on. */
static void
chat_accept_failed(void *arg, const struct net_peer *peer,
    const char *cause)
{
	struct chat	*c = arg;
	char		 label[sizeof(c->peer)];

	/* Answered over plain HTTP, or a probe: nobody was turned away. */
	if (cause == NULL)
		return;
	chat_label(c, peer, 1, label, sizeof(label));
	chat_notice(c, "%s turned away: %s", label, cause);
}

/* Watched all along: later callers are turned away. */
static const struct listen_ops chat_listen_ops = {
	.start = chat_accept_start,
	.busy = chat_busy,
	.full = listen_say_full,
	.failed = chat_accept_failed,
};

/* Is a datagram from ss the partner's?  Anyone else's is said with -v. */
static int
chat_udp_keep(void *arg, const struct sockaddr_storage *ss, socklen_t len)
{
	struct chat	*c = arg;
	struct net_peer	 from;
	char		 label[sizeof(c->peer)];

	if (udp_addr_equal(ss, len, &c->partner.ss, c->partner.len))
		return (1);
	if (log_verbosity() > 0) {
		memcpy(&from.ss, ss, len);
		from.len = len;
		chat_label(c, &from, 1, label, sizeof(label));
		chat_notice(c, "%s dropped: not the partner", label);
	}
	return (0);
}

/* Send a datagram to the partner over UDP. */
static ssize_t
chat_udp_write(struct endpoint *ep, const void *p, size_t n)
{
	struct chat	*c = ep->data;

	return (sendto(ep->wfd, p, n, 0, (struct sockaddr *)&c->partner.ss,
	    c->partner.len));
}

static const struct ep_ops chat_udp_ops = {
	.read = udp_recv_kept,
	.write = chat_udp_write,
	.recvmmsg = udp_recvmmsg_kept,
	.keep = chat_udp_keep,
};

/*
 * The first datagram's sender becomes the partner; the datagram stays
 * queued.
 */
static void
chat_udp_first_cb(int fd, __unused int events, void *arg)
{
	struct chat	*c = arg;
	struct net_peer	*peer = &c->partner;
	char		 b;

	peer->len = sizeof(peer->ss);
	if (recvfrom(fd, &b, 1, MSG_PEEK, (struct sockaddr *)&peer->ss,
	    &peer->len) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			fatal("recvfrom");
		return;
	}
	/* Refused (--allow, --deny, --max-conns): its datagram is dropped. */
	if (listen_admit(c->j->side, peer, &c->nc) != GATE_ADMIT) {
		(void)recv(fd, &b, 1, MSG_DONTWAIT);
		return;
	}
	ev_del(fd);
	chat_label(c, peer, 0, c->peer, sizeof(c->peer));
	/* The bound socket itself, which the conversation does not close. */
	c->nc->fd = fd;
	chat_start(c);
}

/* The port fd is bound to, as a number; port if it cannot be known. */
static const char *
chat_port(int fd, const char *port)
{
	static char		 num[NI_MAXSERV];
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, NULL, 0, num, sizeof(num),
	    NI_NUMERICSERV) != 0)
		return (port);
	return (num);
}

/* Talk with a partner (-k: one after another).  Returns the exit status. */
int
chat_listen(const struct job *j)
{
	struct chat	 c;

	chat_init(&c, j);
	c.lfd = join_listen(j->side, j->side->host, LISTEN_ANY);
	/* A notice, like the others: wherever stderr goes. */
	chat_notice(&c, "waiting for someone to talk to on port %s",
	    chat_port(c.lfd, j->side->ports[0]));
	/* Over DTLS (--ssl) callers have sockets of their own, as with TCP. */
	if (j->side->sock.socktype == SOCK_DGRAM && !j->side->tls.on) {
		ev_set(c.lfd, EV_READ, chat_udp_first_cb, &c);
		if (ev_loop() == -1)
			fatal("poll");
		ev_del(c.lfd);
		close(c.lfd);
	} else
		listener_run(j->side, c.lfd, &chat_listen_ops, &c, NULL);
	free(c.scratch);
	edit_free(&c.ed);
	return (c.status);
}
