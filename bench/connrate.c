/*
 * Connections per second against an echo server on 127.0.0.1:PORT: each
 * connection sends a line, reads it back whole, and closes (without a
 * half-close first, which some servers take as the end of everything).  Runs for a
 * fixed number of connections, or until a time limit, whichever is first;
 * prints the rate.  Every answer is checked.
 *
 *	connrate PORT|unix:PATH|udp:PORT|ws:PORT COUNT SECONDS [noeol]
 *
 * Over UDP each "connection" is a new socket, a new peer to the server.
 * With noeol the echo may lack the line's newline: a WebSocket server
 * (websocketd) sends each line of its program as a message without it.
 * With ws: each connection is a WebSocket's (RFC 6455): the upgrade (its
 * answer's accept key checked), the line as one masked text message,
 * the message that comes back, and a close frame before the close, so
 * that a WebSocket server is measured without an adapter in front.
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

/* RFC 6455's example key, and the accept its answer must carry. */
#define WS_KEY		"dGhlIHNhbXBsZSBub25jZQ=="
#define WS_ACCEPT	"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

/* Read until the end of the answer's head; 0, or -1. */
static int
ws_upgrade(int s)
{
	char	 req[256], head[1024];
	size_t	 got = 0;
	ssize_t	 n;
	int	 len;

	len = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n", WS_KEY);
	if (write(s, req, len) != len)
		return (-1);
	/* One byte at a time: the first frame may follow the head. */
	while (got < sizeof(head) - 1) {
		if ((n = read(s, head + got, 1)) <= 0)
			return (-1);
		got += n;
		head[got] = '\0';
		if (got >= 4 && memcmp(head + got - 4, "\r\n\r\n", 4) == 0)
			break;
	}
	if (strncmp(head, "HTTP/1.1 101", 12) != 0 ||
	    strstr(head, WS_ACCEPT) == NULL)
		return (-1);
	return (0);
}

/*
 * The line msg (its newline left out, as a message) to s, masked, and
 * the text message back into buf; its length, or -1.
 */
static ssize_t
ws_echo(int s, const char *msg, size_t len, char *buf, size_t size)
{
	unsigned char	 f[2 + 4 + 64], h[2];
	size_t		 i, n, got;
	ssize_t		 r;

	f[0] = 0x81;
	f[1] = 0x80 | len;
	memset(f + 2, 0x5a, 4);
	for (i = 0; i < len; i++)
		f[6 + i] = msg[i] ^ 0x5a;
	if (write(s, f, 6 + len) != (ssize_t)(6 + len))
		return (-1);
	for (got = 0; got < 2; got += r)
		if ((r = read(s, h + got, 2 - got)) <= 0)
			return (-1);
	if ((h[0] & 0x0f) != 0x1 || (n = h[1] & 0x7f) > size || (h[1] & 0x80))
		return (-1);
	for (got = 0; got < n; got += r)
		if ((r = read(s, buf + got, n - got)) <= 0)
			return (-1);
	/* Our close, masked, code 1000. */
	memcpy(f, "\x88\x82\x00\x00\x00\x00\x03\xe8", 8);
	(void)write(s, f, 8);
	return (n);
}

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
	int			 i, count, s, ws = 0, type = SOCK_STREAM;

	if (argc == 5 && strcmp(argv[4], "noeol") == 0) {
		want--;
		argc--;
	}
	if (argc != 4)
		errx(1, "usage: connrate port|unix:PATH|udp:PORT|ws:PORT count "
		    "seconds [noeol]");
	memset(&ss, 0, sizeof(ss));
	if (strncmp(argv[1], "unix:", 5) == 0) {
		sun->sun_family = AF_UNIX;
		strncpy(sun->sun_path, argv[1] + 5, sizeof(sun->sun_path) - 1);
		len = sizeof(*sun);
	} else {
		if (strncmp(argv[1], "udp:", 4) == 0) {
			type = SOCK_DGRAM;
			argv[1] += 4;
		} else if (strncmp(argv[1], "ws:", 3) == 0) {
			ws = 1;
			argv[1] += 3;
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
		if (ws) {
			if (ws_upgrade(s) == -1)
				errx(1, "connection %d: no upgrade", i);
			/* Each server sends the line back without its end. */
			if ((n = ws_echo(s, msg, sizeof(msg) - 2, buf,
			    sizeof(buf))) != sizeof(msg) - 2 ||
			    memcmp(buf, msg, n) != 0)
				errx(1, "connection %d: wrong echo", i);
			close(s);
			continue;
		}
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
