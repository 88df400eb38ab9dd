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
 * full backlog waited out as netcat's blocking connect waits); a datagram
 * socket, which must be bound first and whose connect only names the
 * peer, by unix_open().  Returns -1 with errno and *cause ("PATH: reason",
 * as netcat says) on failure.
 */
/* How a -U stream client is dialled. */
static const struct dial_how	 unix_how = {
	.flags = DIAL_UNIX | DIAL_BACKLOG,
};

static int
unix_mode_open(const struct job *j, char **cause)
{
	const struct side	*sd = j->side;
	struct net_peer		 peer;
	struct netconn		*nc;
	struct dial_how		 how = unix_how;
	char			*why;
	int			 fd, error;

	if (sd->sock.socktype != SOCK_STREAM)
		return (unix_open(sd, cause));
	*cause = NULL;
	how.flags |= DIAL_BARE;
	if ((nc = open_wait(sd, sd->host, NULL, &how, &peer, &why)) == NULL) {
		error = errno;
		log_cause(cause, "%s: %s", sd->host, why != NULL ? why :
		    strerror(error));
		free(why);
		errno = error;
		return (-1);
	}
	fd = nc->fd;
	nc->fd = -1;
	netconn_free(nc);
	return (fd);
}

/* -U: connect to the socket and relay stdin and stdout over it. */
int
unix_connect(const struct job *j)
{
	char	*cause;
	int	 fd;

	if ((fd = unix_mode_open(j, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	return (plain_relay(j, fd, &unix_how));
}

/* -U -z: does anything accept on the socket?  Returns the status. */
int
unix_scan(const struct job *j)
{
	char	*cause;
	int	 fd;

	if ((fd = unix_mode_open(j, &cause)) == -1) {
		log_warnx("%s", cause != NULL ? cause : strerror(errno));
		free(cause);
		return (1);
	}
	close(fd);
	return (0);
}

/* -U -l: listen on (or bind) the socket and serve, as netcat does. */
int
unix_listen(const struct job *j)
{
	char	*cause;
	int	 fd;

	if ((fd = listen_open(j->side, NULL, 0, &cause)) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	if (j->side->sock.socktype == SOCK_STREAM)
		return (plain_serve(j, fd));
	return (dgram_serve_socket(j, fd));
}
