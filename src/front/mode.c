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
 * The modes, one row each: which command line a mode serves, and how it
 * starts.  A row joins a transport (net.c, unix.c) to the mode that
 * serves it (plain.c, udp.c, chat.c, ...), so that neither calls the
 * other.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/*
 * Serve the bound datagram socket fd: a program per peer, or stdio.  Over
 * DTLS (--ssl) each peer is a connection of the stream listener's kind.
 */
static int
mode_serve_dgram(const struct options *o, int fd)
{
	if (o->ssl)
		return (plain_serve(o, fd));
	if (o->exec != NULL)
		return (plain_serve_dgram(o, fd));
	return (dgram_serve(o, fd));
}

/* -u -l: bind a UDP socket to the address and port; serve its peers. */
static int
mode_udp_listen(const struct options *o)
{
	char	*cause;
	int	 fd;

	if ((fd = net_listen(o, o->host, o->ports[0], &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	net_report_listen(o, fd);
	return (mode_serve_dgram(o, fd));
}

/*
 * The -U socket of the command line, connected: a stream socket through
 * the dial, like every other connection (within -w, as --retry says, a
 * full backlog waited out as netcat's blocking connect waits); a datagram
 * socket, which must be bound first and whose connect only names the
 * peer, by unix_open().  Returns -1 with errno and *cause ("PATH: reason",
 * as netcat says) on failure.
 */
static int
mode_unix_open(const struct options *o, char **cause)
{
	static const struct dial_how	 how = {
		.flags = DIAL_UNIX | DIAL_BACKLOG,
	};
	struct net_peer			 peer;
	char				*why;
	int				 fd, error;

	if (o->socktype != SOCK_STREAM)
		return (unix_open(o, cause));
	*cause = NULL;
	if ((fd = dial_sync(o, o->host, NULL, &how, &peer, &why)) == -1) {
		error = errno;
		log_cause(cause, "%s: %s", o->host, why != NULL ? why :
		    strerror(error));
		free(why);
		errno = error;
	}
	return (fd);
}

/* -U: connect to the socket and relay stdin and stdout over it. */
static int
mode_unix_connect(const struct options *o)
{
	char	*cause;
	int	 fd;

	if ((fd = mode_unix_open(o, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	return (plain_relay(o, fd));
}

/* -U -z: does anything accept on the socket?  Returns the status. */
static int
mode_unix_scan(const struct options *o)
{
	char	*cause;
	int	 fd;

	if ((fd = mode_unix_open(o, &cause)) == -1) {
		log_warnx("%s", cause != NULL ? cause : strerror(errno));
		free(cause);
		return (1);
	}
	close(fd);
	return (0);
}

/* -U -l: listen on (or bind) the socket and serve, as netcat does. */
static int
mode_unix_listen(const struct options *o)
{
	char	*cause;
	int	 fd;

	if ((fd = unix_server(o, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	if (o->socktype == SOCK_STREAM)
		return (plain_serve(o, fd));
	return (mode_serve_dgram(o, fd));
}

static __startup int
is_chat_server(const struct options *o)
{
	return (o->chat && o->listen);
}

static __startup int
is_chat_client(const struct options *o)
{
	return (o->chat);
}

static __startup int
is_forward(const struct options *o)
{
	return (o->nforward > 0);
}

static __startup int
is_unix_scan(const struct options *o)
{
	return (o->family == AF_UNIX && o->zero);
}

static __startup int
is_unix_server(const struct options *o)
{
	return (o->family == AF_UNIX && o->listen);
}

static __startup int
is_unix_client(const struct options *o)
{
	return (o->family == AF_UNIX);
}

static __startup int
is_scan(const struct options *o)
{
	return (o->zero);
}

static __startup int
is_room(const struct options *o)
{
	return (o->room);
}

static __startup int
is_broker(const struct options *o)
{
	return (o->broker);
}

static __startup int
is_proxy_server(const struct options *o)
{
	return (o->proxy_serve);
}

static __startup int
is_dgram_server(const struct options *o)
{
	return (o->listen && o->socktype == SOCK_DGRAM);
}

static __startup int
is_server(const struct options *o)
{
	return (o->listen);
}

static int
is_client(const struct options *o)
{
	(void)o;
	return (1);
}

/* The first row whose test holds is the mode. */
static const struct mode {
	int	(*is)(const struct options *);
	int	(*run)(const struct options *);
} modes[] = {
	{ is_chat_server,	chat_listen },
	{ is_chat_client,	chat_connect },
	{ is_forward,		forward_listen },
	{ is_unix_scan,		mode_unix_scan },
	{ is_unix_server,	mode_unix_listen },
	{ is_unix_client,	mode_unix_connect },
	{ is_scan,		scan_ports },
	{ is_room,		room_listen },
	{ is_broker,		broker_listen },
	{ is_proxy_server,	proxyd_listen },
	{ is_dgram_server,	mode_udp_listen },
	{ is_server,		plain_listen },
	{ is_client,		plain_connect },
};

/* Run the mode the command line asks for.  Returns the exit status. */
__startup int
mode_run(const struct options *o)
{
	size_t	 i;

	for (i = 0; i < nitems(modes); i++) {
		if (modes[i].is(o))
			return (modes[i].run(o));
	}
	return (plain_connect(o));
}
