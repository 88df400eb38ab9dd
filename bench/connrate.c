/*
 * Connections per second against an echo server on 127.0.0.1:PORT: each
 * connection sends a line, reads it back whole, and closes (without a
 * half-close first, which some servers take as the end of everything).  Runs for a
 * fixed number of connections, or until a time limit, whichever is first;
 * prints the rate.  Every answer is checked.
 *
 *	connrate PORT|unix:PATH|udp:PORT COUNT SECONDS [noeol]
 *
 * Over UDP each "connection" is a new socket, a new peer to the server.
 * With noeol the echo may lack the line's newline: a WebSocket server
 * (websocketd) sends each line of its program as a message without it.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	socklen_t		 len;
	const char		 msg[] = "ping\n";
	char			 buf[64];
	double			 start, limit;
	ssize_t			 n;
	size_t			 got, want = sizeof(msg) - 1;
	int			 i, count, s, type = SOCK_STREAM;

	if (argc == 5 && strcmp(argv[4], "noeol") == 0) {
		want--;
		argc--;
	}
	if (argc != 4)
		errx(1, "usage: connrate port|unix:PATH|udp:PORT count seconds "
		    "[noeol]");
	memset(&ss, 0, sizeof(ss));
	if (strncmp(argv[1], "unix:", 5) == 0) {
		sun->sun_family = AF_UNIX;
		strncpy(sun->sun_path, argv[1] + 5, sizeof(sun->sun_path) - 1);
		len = sizeof(*sun);
	} else {
		if (strncmp(argv[1], "udp:", 4) == 0) {
			type = SOCK_DGRAM;
			argv[1] += 4;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(argv[1]));
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	}
	count = atoi(argv[2]);
	limit = atof(argv[3]);

	start = now();
	for (i = 0; i < count && now() - start < limit; i++) {
		if ((s = socket(ss.ss_family, type, 0)) == -1)
			err(1, "socket");
		if (connect(s, (struct sockaddr *)&ss, len) == -1)
			err(1, "connect");
		if (write(s, msg, sizeof(msg) - 1) != sizeof(msg) - 1)
			err(1, "write");
		for (got = 0; got < want; got += n) {
			if ((n = read(s, buf + got, sizeof(buf) - got)) <= 0)
				break;
		}
		if (got < want || got > sizeof(msg) - 1 ||
		    memcmp(buf, msg, got) != 0)
			errx(1, "connection %d: wrong echo (%zu bytes)", i, got);
		close(s);
	}
	printf("%.1f\n", i / (now() - start));
	return (0);
}
