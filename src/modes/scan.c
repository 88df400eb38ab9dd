/* Scan mode (-z): report which ports accept a connection, move no data. */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "modes.h"

/* Shuffle the port list in place for -r. */
static void
scan_shuffle(char **ports, size_t n)
{
	size_t	 i, j;
	char	*t;

	for (i = n; i > 1; i--) {
		j = arc4random_uniform(i);
		t = ports[i - 1];
		ports[i - 1] = ports[j];
		ports[j] = t;
	}
}

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
 * Try each port once.  Returns the exit status: 0 if any port accepted,
 * 1 if none did.
 */
int
scan_ports(const struct job *j)
{
	struct net_peer	 peer;
	char		*cause;
	size_t		 i;
	int		 fd, status = 1;

	if (j->randomize)
		scan_shuffle(j->side->ports, j->side->nports);
	for (i = 0; i < j->side->nports; i++) {
		if (i > 0 && j->flow->interval_ms > 0)
			scan_pause(j->flow->interval_ms);
		fd = dial_sync(j->side, j->side->host, j->side->ports[i], NULL, &peer,
		    &cause);
		if (fd == -1) {
			if (cause != NULL)
				fatalx("%s", cause);
			continue;
		}
		/* A UDP "connection" is only known to be refused. */
		if (j->side->sock.socktype == SOCK_DGRAM &&
		    udp_probe(fd, j->side->timeout_ms) == -1) {
			close(fd);
			continue;
		}
		net_report_connect(j->side, j->side->host, j->side->ports[i], &peer);
		close(fd);
		status = 0;
	}
	return (status);
}
