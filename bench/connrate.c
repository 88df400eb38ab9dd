/*
 * Connections per second against an echo server on 127.0.0.1:PORT: each
 * connection sends a line, reads it back whole, and closes (without a
 * half-close first, which some servers take as the end of everything).  Runs for a
 * fixed number of connections, or until a time limit, whichever is first;
 * prints the rate.  Every answer is checked.
 *
 *	connrate [-c INFLIGHT] [-s FIRST[+N]] PORT|unix:PATH|udp:PORT|ws:PORT
 *	    COUNT SECONDS [noeol]
 *
 * Over UDP each "connection" is a new socket, a new peer to the server.
 * With noeol the echo may lack the line's newline: a WebSocket server
 * (websocketd) sends each line of its program as a message without it.
 * With ws: each connection is a WebSocket's (RFC 6455): the upgrade (its
 * answer's accept key checked), the line as one masked text message,
 * the message that comes back, and a close frame before the close, so
 * that a WebSocket server is measured without an adapter in front.
 *
 * With -c, INFLIGHT TCP connections at once, each started as one ends
 * (one epoll loop, non-blocking sockets); with -s, each connection from
 * the next of the N loopback addresses 127.0.0.FIRST on (N 1 if not
 * given), its port chosen at connect, so that many clients of their own
 * addresses stand for many hosts.  Every answer is checked there too.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
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

/* One connection of the epoll loop, by its slot. */
struct conn {
	int		 fd;
	size_t		 got;
	char		 buf[64];
};

/* The source addresses of -s, taken in turn. */
static unsigned	 src_first, src_n, src_next;

/*
 * A non-blocking connection to ss, from the next source address of -s,
 * its port chosen at connect (IP_BIND_ADDRESS_NO_PORT): a bound port is
 * one of the whole range for each address, a connected one only for
 * this destination.
 */
static int
conn_open(const struct sockaddr_in *sin)
{
	struct sockaddr_in	 src;
	int			 s, on = 1;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	if (src_n > 0) {
		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		src.sin_addr.s_addr = htonl(0x7f000000 | (src_first +
		    src_next++ % src_n));
		if (setsockopt(s, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on,
		    sizeof(on)) == -1 || bind(s, (struct sockaddr *)&src,
		    sizeof(src)) == -1)
			err(1, "bind");
	}
	if (connect(s, (const struct sockaddr *)sin, sizeof(*sin)) == -1 &&
	    errno != EINPROGRESS)
		err(1, "connect");
	return (s);
}

/*
 * -c: count connections, inflight at once, within limit seconds, each a
 * line sent and echoed (want bytes of it) then closed.  Returns how many
 * were done.
 */
static int
run_many(const struct sockaddr_in *sin, int count, double limit,
    int inflight, const char *msg, size_t want)
{
	struct epoll_event	 ev, evs[256];
	struct conn		*c, *cs;
	double			 start = now();
	int			 ep, i, n, started = 0, done = 0, e;
	socklen_t		 len;
	ssize_t			 r;

	if ((cs = calloc(inflight, sizeof(*cs))) == NULL ||
	    (ep = epoll_create1(0)) == -1)
		err(1, "epoll");
	for (i = 0; i < inflight && started < count; i++, started++) {
		cs[i].fd = conn_open(sin);
		ev.events = EPOLLOUT;
		ev.data.u32 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) == -1)
			err(1, "epoll_ctl");
	}
	while (done < started) {
		if ((n = epoll_wait(ep, evs, 256, 1000)) == -1)
			err(1, "epoll_wait");
		for (i = 0; i < n; i++) {
			c = &cs[evs[i].data.u32];
			if (evs[i].events & EPOLLOUT) {
				len = sizeof(e);
				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e,
				    &len) == -1 || e != 0)
					errx(1, "connection %d: %s", done,
					    strerror(e));
				if (write(c->fd, msg, strlen(msg)) !=
				    (ssize_t)strlen(msg))
					err(1, "write");
				ev.events = EPOLLIN;
				ev.data.u32 = evs[i].data.u32;
				if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd,
				    &ev) == -1)
					err(1, "epoll_ctl");
				continue;
			}
			if ((r = read(c->fd, c->buf + c->got,
			    sizeof(c->buf) - c->got)) <= 0 ||
			    (c->got += r) > strlen(msg) ||
			    memcmp(c->buf, msg, c->got) != 0)
				errx(1, "connection %d: wrong echo (%zu bytes)",
				    done, c->got);
			if (c->got < want)
				continue;
			close(c->fd);
			c->got = 0;
			done++;
			if (started >= count || now() - start >= limit)
				continue;
			c->fd = conn_open(sin);
			started++;
			ev.events = EPOLLOUT;
			ev.data.u32 = evs[i].data.u32;
			if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) == -1)
				err(1, "epoll_ctl");
		}
	}
	free(cs);
	close(ep);
	return (done);
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
	int			 ch, inflight = 0;
	char			*plus;

	while ((ch = getopt(argc, argv, "c:s:")) != -1) {
		switch (ch) {
		case 'c':
			inflight = atoi(optarg);
			break;
		case 's':
			src_first = strtoul(optarg, &plus, 10);
			src_n = *plus == '+' ? strtoul(plus + 1, NULL, 10) : 1;
			break;
		default:
			argc = 0;
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc == 5 && strcmp(argv[4], "noeol") == 0) {
		want--;
		argc--;
	}
	if (argc != 4)
		errx(1, "usage: connrate [-c inflight] [-s first[+n]] "
		    "port|unix:PATH|udp:PORT|ws:PORT count seconds [noeol]");
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
	if ((inflight > 0 || src_n > 0) && (ws || type != SOCK_STREAM ||
	    ss.ss_family != AF_INET || src_first + src_n > 255))
		errx(1, "-c and -s are for TCP to a port, from 127.0.0.1-254");
	if (inflight > 0 || src_n > 0) {
		start = now();
		i = run_many(sin, count, limit, inflight > 0 ? inflight : 1,
		    msg, want);
		printf("%.1f\n", i / (now() - start));
		return (0);
	}

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
