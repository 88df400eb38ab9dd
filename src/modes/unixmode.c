/*
 * The modes of -U: connect to a Unix-domain socket and relay stdin and
 * stdout over it, ask whether anything accepts on it (-z), or listen on it
 * (-l).  The sockets themselves are made by src/net/unix.c and the dial.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modes.h"

/*
 * The -U socket of the command line, connected: a stream socket through
 * the dial, like every other connection (within -w, as --retry says, a
 * full backlog waited out as netcat's blocking connect waits), with its
 * WebSocket upgrade (ws+unix:) unless bare; a datagram socket, which must
 * be bound first and whose connect only names the peer, by unix_open().
 * Returns the connection, or NULL with errno and *cause ("PATH: reason",
 * as netcat says).
 */
/* How a -U stream client is dialled. */
static const struct dial_how	 unix_how = {
	.flags = DIAL_UNIX | DIAL_BACKLOG,
};

static struct netconn *
unix_mode_open(const struct job *j, int bare, char **cause)
{
	const struct side	*sd = j->side;
	struct net_peer		 peer;
	struct netconn		*nc;
	struct dial_how		 how = unix_how;
	char			*why;
	int			 fd, error;

	if (sd->sock.socktype != SOCK_STREAM) {
		if ((fd = unix_open(sd, cause)) == -1)
			return (NULL);
		if ((nc = netconn_new(fd)) == NULL) {
			error = errno;
			close(fd);
			log_cause(cause, "%s", strerror(error));
			errno = error;
		}
		return (nc);
	}
	*cause = NULL;
	if (bare)
		how.flags |= DIAL_BARE;
	if ((nc = open_wait(sd, sd->host, NULL, &how, &peer, &why)) == NULL) {
		error = errno;
		log_cause(cause, "%s: %s", sd->host, why != NULL ? why :
		    strerror(error));
		free(why);
		errno = error;
		return (NULL);
	}
	return (nc);
}

/* -U: connect to the socket and relay stdin and stdout over it. */
int
unixmode_connect(const struct job *j)
{
	struct netconn	*nc;
	char		*cause;

	if ((nc = unix_mode_open(j, !j->side->ws.on, &cause)) == NULL)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	return (plain_relay(j, nc, &unix_how));
}

/* -U -z: does anything accept on the socket?  Returns the status. */
int
unixmode_scan(const struct job *j)
{
	struct netconn	*nc;
	char		*cause;

	if ((nc = unix_mode_open(j, 1, &cause)) == NULL) {
		log_warnx("%s", cause != NULL ? cause : strerror(errno));
		free(cause);
		return (1);
	}
	netconn_free(nc);
	return (0);
}

/* -U -l: listen on (or bind) the socket and serve, as netcat does. */
int
unixmode_listen(const struct job *j)
{
	int	 fd;

	fd = join_listen(j->side, NULL, 0);
	if (j->side->sock.socktype == SOCK_STREAM)
		return (plain_serve(j, fd));
	return (dgram_serve_socket(j, fd));
}
