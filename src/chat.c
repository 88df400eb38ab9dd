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
 * Chat mode (--chat): a conversation between two people, one waiting for
 * the other, built on one session of the pump; later callers are turned
 * away while it lasts.
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

/*
 * What a caller hears when someone else is already talking: one line that
 * a person reads with any client, and that a sockcat caller recognises,
 * when it is all the server says, as the server's and not the partner's.
 */
#define CHAT_BUSY		"sockcat: busy, already chatting; try later\n"

/* How a peer's line begins on a terminal: erase what is typed, mark. */
#define CHAT_MARK		"\r\033[K< "

/* How it goes on, when the user typed while it was half shown. */
#define CHAT_CONT		"\r\033[K  "

/* The longest line typed: a longer one is sent in parts. */
#define CHAT_LINE_MAX		1024

/* What is read from the terminal at once. */
#define CHAT_KEYS_MAX		256

/*
 * The most bytes one byte from the peer becomes on a terminal: a mark and
 * a ^X, and a held-back carriage return shown as ^M.
 */
#define CHAT_GROW		(sizeof(CHAT_MARK) - 1 + 4)


/* How a conversation ended. */
enum chat_end {
	CHAT_END_NONE,
	CHAT_END_PEER,		/* The peer left, or the connection broke. */
	CHAT_END_LOCAL,		/* Our user typed :q or ended input. */
	CHAT_END_ERROR,		/* Output failed. */
	CHAT_END_BUSY,		/* The server turned us away. */
};

/* Where a ":q" line matcher stands within the current line. */
enum chat_qm {
	QM_START,		/* At the start of a line. */
	QM_COLON,		/* ":" */
	QM_Q,			/* ":q" */
	QM_CR,			/* ":q\r" */
	QM_OTHER,		/* Anything else: not a :q line. */
};

struct chat {
	struct options	*o;
	struct session	*s;		/* The conversation, NULL if none. */
	struct channel	*tx;		/* stdin -> network */
	struct channel	*rx;		/* network -> stdout */
	int		 lfd;		/* Listening socket; -1 for a client. */
	struct ev_timer	 backoff;
	int		 tty;		/* stdout is a terminal: show it */
	int		 tty_err;	/* and stderr too */
	char		 peer[NI_MAXHOST + NI_MAXSERV + 8]; /* HOST port N */
	int		 peer_quit;	/* The peer sent a :q line. */
	int		 local_quit;	/* Our user typed a :q line. */
	int		 rx_qm;		/* The :q matchers (enum chat_qm). */
	int		 tx_qm;
	int		 midline;	/* A peer line is being shown. */
	int		 cont;		/* and was cut short on the screen. */
	int		 pending_cr;	/* A CR from the peer is held back. */
	int		 heard;		/* The peer has sent something, */
	int		 busy;		/* which may be the server's refusal. */
	int		 redraw;	/* Show the typed line again. */

	/*
	 * When stdin and stdout are a terminal, the line being typed is
	 * edited here, so that it can be shown again after a message.
	 */
	int		 edit;
	char		 line[CHAT_LINE_MAX];
	size_t		 linelen;
	int		 esc;		/* In an escape sequence: 1 ESC, 2 CSI */
	int		 eof;		/* ^D on an empty line */
	unsigned char	 done[CHAT_LINE_MAX + CHAT_KEYS_MAX + 8];
	size_t		 donelen;	/* Lines finished, not yet sent. */
	enum chat_end	 end;
	int		 status;	/* Exit status. */
	struct net_peer	 partner;	/* Over UDP: the only one heard. */
	unsigned char	*scratch;	/* For rewriting what the peer sent. */
};

static void	chat_accept_cb(int, int, void *);
static void	chat_udp_first_cb(int, int, void *);

static const struct ep_ops	chat_udp_ops;

/* Write to the terminal; what cannot be shown is not worth an error. */
static void
chat_echo(const void *p, size_t n)
{
	(void)write(STDOUT_FILENO, p, n);
}

/*
 * Show the line being typed again, on a line of its own, once what the
 * peer sent is all on the screen.
 */
static void
chat_redraw(struct chat *c)
{
	if (!c->edit || !c->redraw || c->midline ||
	    (c->rx != NULL && c->rx->buf.len > 0))
		return;
	c->redraw = 0;
	chat_echo("\r\033[K", 4);
	chat_echo(c->line, c->linelen);
}

/* The typed line is finished: queue it, with its newline, to be sent. */
static void
chat_submit(struct chat *c)
{
	memcpy(c->done + c->donelen, c->line, c->linelen);
	c->donelen += c->linelen;
	c->done[c->donelen++] = '\n';
	c->linelen = 0;
}

/*
 * Apply keys typed on the terminal to the line: printable bytes (UTF-8
 * included) are added and echoed; Enter finishes the line; erase, ^U and
 * ^W edit it; ^D on an empty line ends the input; escape sequences (the
 * arrow keys) and other controls are ignored.
 */
static void
chat_keys(struct chat *c, const unsigned char *k, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && !c->eof; i++) {
		if (c->esc == 1) {
			c->esc = k[i] == '[' || k[i] == 'O' ? 2 : 0;
			continue;
		}
		if (c->esc == 2) {
			if (k[i] >= 0x40 && k[i] <= 0x7e)
				c->esc = 0;
			continue;
		}
		if (c->midline && k[i] != 0x1b) {
			/* The peer's half line keeps its own line. */
			chat_echo("\n", 1);
			c->midline = 0;
			c->cont = 1;
			c->redraw = 1;
			chat_redraw(c);
		}
		switch (k[i]) {
		case 0x1b:
			c->esc = 1;
			break;
		case '\r':
		case '\n':
			chat_submit(c);
			chat_echo("\r\n", 2);
			break;
		case 0x7f:
		case '\b':
			/* One character: a UTF-8 lead byte and what follows. */
			while (c->linelen > 0 &&
			    (c->line[c->linelen - 1] & 0xc0) == 0x80)
				c->linelen--;
			if (c->linelen > 0)
				c->linelen--;
			c->redraw = 1;
			break;
		case 0x15:	/* ^U */
			c->linelen = 0;
			c->redraw = 1;
			break;
		case 0x17:	/* ^W */
			while (c->linelen > 0 && c->line[c->linelen - 1] == ' ')
				c->linelen--;
			while (c->linelen > 0 && c->line[c->linelen - 1] != ' ')
				c->linelen--;
			c->redraw = 1;
			break;
		case 0x04:	/* ^D */
			if (c->linelen == 0)
				c->eof = 1;
			break;
		default:
			if (k[i] < 0x20 && k[i] != '\t')
				break;
			c->line[c->linelen++] = k[i];
			chat_echo(&k[i], 1);
			if (c->linelen == sizeof(c->line)) {
				chat_submit(c);
				chat_echo("\r\n", 2);
			}
			break;
		}
		chat_redraw(c);
	}
}

/*
 * Read the terminal for the pump: the finished lines, or nothing yet
 * (EAGAIN).  The end of input is said by c->eof, once the lines before it
 * are sent.
 */
static ssize_t
chat_tty_read(struct endpoint *ep, void *p, size_t n)
{
	struct chat	*c = ep->data;
	unsigned char	 keys[CHAT_KEYS_MAX];
	ssize_t		 r;

	/*
	 * Read only once what was finished is gone, so done has room.  What
	 * the pump had no room for (the network is 64 KB behind) waits for
	 * the next key.
	 */
	if (c->donelen == 0) {
		if ((r = read(ep->rfd, keys, sizeof(keys))) <= 0)
			return (r);
		chat_keys(c, keys, r);
	}
	if (c->donelen == 0) {
		errno = EAGAIN;
		return (-1);
	}
	if (n > c->donelen)
		n = c->donelen;
	memcpy(p, c->done, n);
	memmove(c->done, c->done + n, c->donelen - n);
	c->donelen -= n;
	return (n);
}

static const struct ep_ops chat_tty_ops = {
	.read = chat_tty_read,
};

/*
 * Tell the user something happened, on stderr.  On a terminal the notice
 * gets a line of its own, after a peer's unfinished line or in place of
 * the line being typed, which is then shown again below it.
 */
static void
chat_notice(struct chat *c, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->tty && c->midline) {
		(void)write(STDOUT_FILENO, "\n", 1);
		c->midline = 0;
		c->cont = 1;
	}
	log_info("%s%s", c->tty_err ? "\r\033[K" : "", msg);
	/* In the middle of a conversation, the typed line comes back. */
	if (c->s != NULL && !c->s->over) {
		c->redraw = 1;
		chat_redraw(c);
	}
}

/*
 * Write "HOST port PORT" for peer into out.  An IPv4 caller of an IPv6
 * socket is named by its IPv4 address, not ::ffff:a.b.c.d.
 */
static void
chat_label(struct chat *c, const struct net_peer *peer, char *out,
    size_t outlen)
{
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
		net_format((struct sockaddr *)&sin, sizeof(sin),
		    c->o->numeric, host, sizeof(host), port, sizeof(port));
	} else
		net_format((const struct sockaddr *)&peer->ss, peer->len,
		    c->o->numeric, host, sizeof(host), port, sizeof(port));
	snprintf(out, outlen, "%s port %s", host, port);
}

/*
 * Feed byte b of a line to the ":q" matcher whose state is *st.  Returns 1
 * when b ends a line that held only ":q" (a CR before the LF is allowed).
 */
static int
chat_quit_match(int *st, unsigned char b)
{
	int	 hit;

	if (b == '\n') {
		hit = *st == QM_Q || *st == QM_CR;
		*st = QM_START;
		return (hit);
	}
	switch (*st) {
	case QM_START:
		*st = b == ':' ? QM_COLON : QM_OTHER;
		break;
	case QM_COLON:
		*st = b == 'q' ? QM_Q : QM_OTHER;
		break;
	case QM_Q:
		*st = b == '\r' ? QM_CR : QM_OTHER;
		break;
	default:
		*st = QM_OTHER;
		break;
	}
	return (0);
}

/*
 * Scan n bytes at p for a ":q" line with the matcher whose state is *st.
 * Returns how many bytes to keep: up to and including that line, or all
 * of them; *quit is set when the line was found.
 */
static size_t
chat_quit_scan(int *st, const unsigned char *p, size_t n, int *quit)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (chat_quit_match(st, p[i])) {
			*quit = 1;
			return (i + 1);
		}
	}
	return (n);
}

/*
 * What the user types goes out as it is (with -C, its line feeds as CRLF),
 * up to a ":q" line.
 */
static size_t
chat_tx_xform(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	struct chat	*c = ch->session->arg;

	if (c->local_quit)
		return (0);
	n = chat_quit_scan(&c->tx_qm, p, n, &c->local_quit);
	if (c->o->crlf)
		n = crlf_xform(ch, p, n, space);
	return (n);
}

/* Append byte b of a peer's line to out, marked and made visible. */
static size_t
chat_show(struct chat *c, unsigned char *out, unsigned char b)
{
	size_t	 n = 0;

	if (!c->midline) {
		memcpy(out, c->cont ? CHAT_CONT : CHAT_MARK,
		    sizeof(CHAT_MARK) - 1);
		n = sizeof(CHAT_MARK) - 1;
		c->midline = 1;
		c->cont = 0;
	}
	if (b == '\n') {
		out[n++] = b;
		c->midline = 0;
		c->redraw = 1;
	} else if (b == '\t' || (b >= 0x20 && b != 0x7f))
		out[n++] = b;	/* Bytes of UTF-8 text go as they are. */
	else {
		/* ESC is ^[, DEL is ^?: never a raw control to the terminal. */
		out[n++] = '^';
		out[n++] = b ^ 0x40;
	}
	return (n);
}

/*
 * What the peer sends, up to a ":q" line.  On a terminal each line gets a
 * mark, once, however many pieces it comes in; a CRLF ends a line like an
 * LF; other control characters are shown as ^X.
 */
static size_t
chat_rx_xform(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	struct chat	*c = ch->session->arg;
	size_t		 i, len = 0;

	(void)space;
	if (c->peer_quit)
		return (0);
	/*
	 * A server that turns a caller away sends its line, in one piece on
	 * a new connection, and closes.  When that is the first thing heard
	 * it is held back: if the connection ends there, it was a refusal;
	 * if more comes, they were a partner's words, and are shown.
	 */
	if (!c->heard && c->lfd == -1 && c->o->socktype == SOCK_STREAM &&
	    n == sizeof(CHAT_BUSY) - 1 && memcmp(p, CHAT_BUSY, n) == 0) {
		c->heard = c->busy = 1;
		return (0);
	}
	c->heard = 1;
	if (c->busy) {
		/* The read was cut to leave room for this (chat_start). */
		memmove(p + sizeof(CHAT_BUSY) - 1, p, n);
		memcpy(p, CHAT_BUSY, sizeof(CHAT_BUSY) - 1);
		n += sizeof(CHAT_BUSY) - 1;
		c->busy = 0;
	}
	ch->xgrow = c->tty ? CHAT_GROW : 1;
	n = chat_quit_scan(&c->rx_qm, p, n, &c->peer_quit);
	if (!c->tty)
		return (n);
	/* Each byte grows to CHAT_GROW at most, and the pump left room. */
	memcpy(c->scratch, p, n);
	for (i = 0; i < n; i++) {
		if (c->pending_cr) {
			c->pending_cr = 0;
			if (c->scratch[i] != '\n')
				len += chat_show(c, p + len, '\r');
		}
		if (c->scratch[i] == '\r')
			c->pending_cr = 1;
		else
			len += chat_show(c, p + len, c->scratch[i]);
	}
	return (len);
}

/*
 * The conversation is over when the peer has left (its end of the
 * connection, a :q line, a broken connection), once what it said is
 * shown; or when our user has left (a :q line, end of input), once what
 * they said is sent.
 */
static int
chat_check(struct session *s)
{
	struct chat	*c = s->arg;
	struct channel	*rx = c->rx, *tx = c->tx;

	if (rx->state == CH_FAILED) {
		c->end = CHAT_END_ERROR;
		return (1);
	}
	if ((c->peer_quit || rx->state != CH_OPEN) && rx->buf.len == 0) {
		c->end = c->busy ? CHAT_END_BUSY : CHAT_END_PEER;
		return (1);
	}
	if (tx->state == CH_FAILED) {
		c->end = CHAT_END_PEER;
		return (1);
	}
	if ((c->local_quit || c->eof || tx->state != CH_OPEN) &&
	    tx->buf.len == 0 && c->donelen == 0) {
		c->end = CHAT_END_LOCAL;
		return (1);
	}
	chat_redraw(c);
	return (0);
}

static void
chat_finished(struct session *s)
{
	struct chat	*c = s->arg;
	struct channel	*rx = c->rx, *tx = c->tx;
	int		 error = 0;

	switch (c->end) {
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
	session_free(s);
	c->s = NULL;
	c->tx = c->rx = NULL;
	/* With -k a listener waits for the next partner when one leaves. */
	if (c->end == CHAT_END_PEER && c->lfd != -1 && c->o->keep) {
		chat_notice(c, "waiting for someone to talk to");
		/* A datagram socket was the conversation's: listen again. */
		if (c->o->socktype == SOCK_DGRAM)
			ev_set(c->lfd, EV_READ, chat_udp_first_cb, c);
		return;
	}
	ev_break();
}

/*
 * Start the conversation on the socket fd: connected, or over UDP on the
 * server, the bound socket, which then talks to c->partner only.
 */
static int
chat_start(struct chat *c, int fd, struct tls *tls)
{
	struct session	*s;
	struct endpoint	*in, *out, *net;

	if ((s = session_new(chat_check, chat_finished, c)) == NULL)
		return (-1);
	c->s = s;
	c->peer_quit = c->local_quit = 0;
	c->rx_qm = c->tx_qm = QM_START;
	c->midline = c->cont = c->pending_cr = c->redraw = 0;
	c->heard = c->busy = 0;
	c->end = CHAT_END_NONE;
	if (c->o->socktype == SOCK_DGRAM) {
		net = session_endpoint(s, "network", fd, fd, EP_SHUT_NONE,
		    EP_NET | EP_DGRAM | (c->lfd == fd ? EP_NOCLOSE : 0));
		if (net != NULL && c->lfd == fd) {
			net->ops = &chat_udp_ops;
			net->data = c;
		}
	} else {
		net = session_endpoint(s, "network", fd, fd, EP_SHUT_SOCKET,
		    EP_NET);
		/* --ssl: the handshake is done; the socket speaks TLS. */
		if (net != NULL && tls != NULL) {
			tls_attach(net, tls);
			tls = NULL;
		}
	}
	if (net == NULL)
		tls_free(tls);
	out = stdio_out(s);
	in = stdio_in(s, 0);
	if (net == NULL || out == NULL || in == NULL)
		goto fail;
	/* Until now the terminal echoed what was typed; from now on, we do. */
	if (c->edit && stdio_tty_raw() == -1)
		c->edit = 0;
	if (c->edit) {
		in->ops = &chat_tty_ops;
		in->data = c;
	}
	if ((c->rx = session_channel(s, "receive", net, out, 0)) == NULL ||
	    (c->tx = session_channel(s, "send", in, net, 0)) == NULL)
		goto fail;
	c->rx->xform = chat_rx_xform;
	/*
	 * A caller's first read leaves room for the server's refusal line
	 * to go before it, should that line have been held back.
	 */
	c->rx->xgrow = (c->tty ? CHAT_GROW : 1) + (c->lfd == -1);
	c->tx->xform = chat_tx_xform;
	c->tx->xgrow = c->o->crlf ? 2 : 1;
	chat_notice(c, "connected to %s", c->peer);
	return (session_start(s));

fail:
	session_free(s);
	c->s = NULL;
	return (-1);
}

static void
chat_init(struct chat *c, struct options *o)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->lfd = -1;
	/*
	 * What the peer sends is shown for people whenever it goes to a
	 * terminal, typed at or not: raw control characters never reach one.
	 */
	c->tty = isatty(STDOUT_FILENO);
	/* Typed on a terminal, shown on one: edit the line ourselves. */
	c->edit = c->tty && isatty(STDIN_FILENO);
	c->tty_err = c->tty && isatty(STDERR_FILENO);
	if ((c->scratch = malloc(CHANNEL_BUFSIZE)) == NULL)
		fatal("malloc");
}

/*
 * Talk to the chat server at the host and port of the command line.
 * Returns the exit status: 0 when the conversation ended as it should.
 */
int
chat_connect(struct options *o)
{
	struct chat	 c;
	struct net_peer	 peer;
	struct tls	*tls = NULL;
	char		*cause;
	int		 fd;

	chat_init(&c, o);
	/* Directly or through the proxy of the command line. */
	fd = net_dial(o, o->host, o->ports[0], &peer, &cause);
	if (fd == -1) {
		if (cause != NULL)
			fatalx("%s", cause);
		/* With -v, net_connect has said so already. */
		if (o->verbose < 1)
			log_warnx("connect to %s port %s (%s) failed: %s",
			    o->host, o->ports[0], o->socktype == SOCK_DGRAM ?
			    "udp" : "tcp", strerror(errno));
		free(c.scratch);
		return (1);
	}
	net_report_connect(o, o->host, o->ports[0], &peer);
	if (o->ssl && (tls = tls_handshake(o, fd, o->host, TIME_NONE,
	    &cause)) == NULL)
		fatalx("%s", cause);
	snprintf(c.peer, sizeof(c.peer), "%s port %s", o->host, o->ports[0]);
	if (chat_start(&c, fd, tls) == -1)
		fatal("session");
	if (c.s != NULL && ev_loop() == -1)
		fatal("poll");
	free(c.scratch);
	return (c.status);
}

static void
chat_backoff_cb(void *arg)
{
	struct chat	*c = arg;

	ev_set(c->lfd, EV_READ, chat_accept_cb, c);
}

/*
 * A caller on the listening socket: the partner if there is none yet;
 * otherwise told the server is busy and let go at once, so that it never
 * sees the conversation and nothing it sends reaches the user.
 */
static void
chat_accept_cb(int lfd, int events, void *arg)
{
	struct chat	*c = arg;
	struct net_peer	 peer;
	struct tls	*tls = NULL;
	char		 label[sizeof(c->peer)];
	char		 trash[512], *cause;
	int		 fd;

	(void)events;
	if ((fd = net_accept_or_wait(lfd, &peer, &c->backoff)) == -1)
		return;
	net_report_accept(c->o, &peer);
	chat_label(c, &peer, label, sizeof(label));
	if (c->s != NULL) {
		/*
		 * Best effort: the socket is new, its buffer empty.  A TLS
		 * caller could not read a plain line: it is just let go.
		 */
		if (!c->o->ssl)
			(void)send(fd, CHAT_BUSY, sizeof(CHAT_BUSY) - 1,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		/*
		 * Drop what the caller sent already: closing with unread
		 * data would reset the connection, and the caller could lose
		 * the line.
		 */
		while (recv(fd, trash, sizeof(trash), MSG_DONTWAIT) > 0)
			continue;
		close(fd);
		chat_notice(c, "%s turned away: busy", label);
		return;
	}
	if (c->o->ssl && (tls = tls_handshake(c->o, fd, NULL, TIME_NONE,
	    &cause)) == NULL) {
		/* A caller that fails TLS is not a partner: wait on. */
		chat_notice(c, "%s turned away: %s", label, cause);
		free(cause);
		close(fd);
		return;
	}
	strlcpy(c->peer, label, sizeof(c->peer));
	if (chat_start(c, fd, tls) == -1)
		fatal("session");
}

/*
 * Read a datagram from the partner over UDP.  Anyone else's is dropped
 * (said with -v) and the read is as if nothing had come.
 */
static ssize_t
chat_udp_read(struct endpoint *ep, void *p, size_t n)
{
	struct chat	*c = ep->data;
	struct net_peer	 from;
	char		 label[sizeof(c->peer)];
	ssize_t		 r;

	from.len = sizeof(from.ss);
	r = recvfrom(ep->rfd, p, n, 0, (struct sockaddr *)&from.ss,
	    &from.len);
	if (r == -1 || dgram_addr_equal(&from.ss, from.len, &c->partner.ss,
	    c->partner.len))
		return (r);
	if (c->o->verbose > 0) {
		chat_label(c, &from, label, sizeof(label));
		chat_notice(c, "%s dropped: not the partner", label);
	}
	errno = EAGAIN;
	return (-1);
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
	.read = chat_udp_read,
	.write = chat_udp_write,
};

/*
 * The first datagram on the bound UDP socket: its sender becomes the
 * partner.  It is only looked at here, and read by the conversation.
 */
static void
chat_udp_first_cb(int fd, int events, void *arg)
{
	struct chat	*c = arg;
	struct net_peer	*peer = &c->partner;
	char		 b;

	(void)events;
	peer->len = sizeof(peer->ss);
	if (recvfrom(fd, &b, 1, MSG_PEEK, (struct sockaddr *)&peer->ss,
	    &peer->len) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			fatal("recvfrom");
		return;
	}
	ev_del(fd);
	net_report_accept(c->o, peer);
	chat_label(c, peer, c->peer, sizeof(c->peer));
	if (chat_start(c, fd, NULL) == -1)
		fatal("session");
}

/*
 * The port the listening socket fd is bound to, as a number (port 0 of the
 * command line is the one the system chose); the command line's port if
 * it cannot be known.
 */
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

/*
 * Wait for someone to talk to on the address and port of the command line
 * (every address when none was given) and talk with them; with -k, with
 * one partner after another.  Returns the exit status.
 */
int
chat_listen(struct options *o)
{
	struct chat	 c;
	char		*cause;

	chat_init(&c, o);
	ev_timer_init(&c.backoff, chat_backoff_cb, &c);
	if (o->host == NULL)
		c.lfd = net_listen_all(o, o->ports[0], &cause);
	else
		c.lfd = net_listen(o, o->host, o->ports[0], &cause);
	if (c.lfd == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	net_report_listen(o, c.lfd);
	/* A notice, like the others: wherever stderr goes. */
	chat_notice(&c, "waiting for someone to talk to on port %s",
	    chat_port(c.lfd, o->ports[0]));
	if (o->socktype == SOCK_DGRAM)
		ev_set(c.lfd, EV_READ, chat_udp_first_cb, &c);
	else {
		/* Watched all along: later callers are turned away. */
		ev_set(c.lfd, EV_READ, chat_accept_cb, &c);
	}
	if (ev_loop() == -1)
		fatal("poll");
	ev_timer_disarm(&c.backoff);
	ev_del(c.lfd);
	close(c.lfd);
	free(c.scratch);
	return (c.status);
}
