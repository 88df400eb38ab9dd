/* Scan mode (-z): report which ports accept a connection, move no data. */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "modes.h"

/* Wait ms milliseconds between two ports (-i); nothing else runs. */
static void
scan_pause(long long ms)
{
	struct timespec	 ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000,
	};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Try each port once (-U: the path).  Returns nc's status: 0 if a port
 * accepted, else 1; over UDP, the last port's.
 */
__shortrun int
scan_ports(const struct job *j)
{
	const struct side	*sd = j->side;
	const struct dial_how	 how = { .flags = DIAL_BARE };
	const char		*port;
	struct net_peer		 peer;
	struct netconn		*nc;
	char			*cause;
	size_t			 i;
	int			 fd, path = sd->sock.family == AF_UNIX;
	int			 status = 1;

	for (i = 0; i < (path ? 1 : sd->nports); i++) {
		if (i > 0 && j->flow->interval_ms > 0)
			scan_pause(j->flow->interval_ms);
		port = path ? NULL : sd->ports[i];
		if ((nc = open_wait(sd, sd->host, port, &how, &peer,
		    &cause)) == NULL) {
			if (cause != NULL)
				fatalx("%s", cause);
			/* A port's failure is -v's; a path's is said. */
			if (path)
				net_report_refused(sd, sd->host, NULL, errno);
			continue;
		}
		fd = nc->fd;
		nc->fd = -1;
		netconn_free(nc);
		/* A UDP "connection" is only known to be refused. */
		if (sd->sock.socktype == SOCK_DGRAM && !path &&
		    udp_probe(fd, sd->timeout_ms) == -1) {
			close(fd);
			status = 1;
			continue;
		}
		if (!path)
			net_report_connect(sd, sd->host, port, &peer);
		/* -F: nc hands over the first socket that connects. */
		FLOW_TAKEN(fdpass);
		if (j->flow->fdpass)
			plain_pass_fd(fd);
		close(fd);
		status = 0;
	}
	return (status);
}
