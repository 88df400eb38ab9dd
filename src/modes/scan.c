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
 * Try each port once.  Returns nc's status: 0 if a port accepted, else 1;
 * over UDP, the last port's.
 */
__shortrun int
scan_ports(const struct job *j)
{
	const struct side	*sd = j->side;
	const struct dial_how	 how = { .flags = DIAL_BARE };
	struct net_peer		 peer;
	struct netconn		*nc;
	char			*cause;
	size_t			 i;
	int			 fd, status = 1;

	for (i = 0; i < sd->nports; i++) {
		if (i > 0 && j->flow->interval_ms > 0)
			scan_pause(j->flow->interval_ms);
		if ((nc = open_wait(sd, sd->host, sd->ports[i], &how, &peer,
		    &cause)) == NULL) {
			if (cause != NULL)
				fatalx("%s", cause);
			continue;
		}
		fd = nc->fd;
		nc->fd = -1;
		netconn_free(nc);
		/* A UDP "connection" is only known to be refused. */
		if (sd->sock.socktype == SOCK_DGRAM &&
		    udp_probe(fd, sd->timeout_ms) == -1) {
			close(fd);
			status = 1;
			continue;
		}
		net_report_connect(sd, sd->host, sd->ports[i], &peer);
		/* -F: nc hands over the first socket that connects. */
		FLOW_TAKEN(fdpass);
		if (j->flow->fdpass)
			plain_pass_fd(fd);
		close(fd);
		status = 0;
	}
	return (status);
}
