/*
 * The client side of bench/broker-scale: connect many clients to a
 * broker, make sure each one is relayed to, then time how long one
 * message from the first client takes to reach all the others.
 *
 * usage: fanout-client [-s bytes] [-w extensions] host port clients rounds
 *	[hold]
 * Prints "connected N", "reached N" and one "round MS" line per round.
 * A round's message is a line of 2 bytes, or of -s bytes (at most 65536)
 * of text.
 * With "hold", it then prints "idle" and keeps every client connected,
 * and quiet, until its standard input ends: the caller measures the
 * broker meanwhile.
 *
 * With -w every client but the first (which sends, over plain TCP) is a
 * WebSocket client: it asks for the upgrade, offering extensions as its
 * Sec-WebSocket-Extensions ("" offers none; Chromium offers
 * "permessage-deflate; client_max_window_bits"), and counts whole
 * messages, which it reads the headers of only: a compressed one is
 * never inflated.  Then "upgraded N" and "deflate N" (the answers that
 * took permessage-deflate) come before "reached N".
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Give up waiting for the broker to relay to everyone after this long. */
#define WARMUP_MS	60000
#define ROUND_MS	30000

static int	 *fds, *state, epfd, nclients;
static struct epoll_event *evs;

enum { ALIVE, REACHED, SEEN, DEAD, UPGRADING };

/* A WebSocket client's reading: the answer, then frames. */
struct wsc {
	char		 head[1024];	/* the answer so far */
	size_t		 headlen;
	unsigned char	 hdr[14];	/* a frame's header so far */
	size_t		 hdrlen;
	uint64_t	 left;		/* of its payload, still to come */
	int		 fin;
	int		 op;
};
static struct wsc	*wsc;
static const char	*ws_ext;	/* -w: the offer, "" for none */
static int		 upgraded, deflated;

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6);
}

/*
 * A WebSocket client i read n bytes at p: the rest of the answer, then
 * frames.  Returns how many whole data messages ended in them, or -1
 * when the answer was no upgrade or a close frame came.
 */
static int
ws_take(int i, const unsigned char *p, size_t n)
{
	struct wsc	*c = &wsc[i];
	char		*e;
	size_t		 k, need;
	int		 msgs = 0;

	if (state[i] == UPGRADING) {
		k = sizeof(c->head) - 1 - c->headlen;
		if (k > n)
			k = n;
		memcpy(c->head + c->headlen, p, k);
		c->headlen += k;
		c->head[c->headlen] = '\0';
		if ((e = strstr(c->head, "\r\n\r\n")) == NULL)
			return (c->headlen == sizeof(c->head) - 1 ? -1 : 0);
		if (strncmp(c->head, "HTTP/1.1 101 ", 13) != 0)
			return (-1);
		upgraded++;
		if (strcasestr(c->head, "permessage-deflate") != NULL)
			deflated++;
		/* What came after the answer is frames already. */
		k = (size_t)(e + 4 - c->head) - (c->headlen - k);
		p += k;
		n -= k;
		state[i] = ALIVE;
	}
	while (n > 0) {
		if (c->hdrlen < 2 || c->left == UINT64_MAX) {
			/* A header: 2 bytes, then its length's. */
			c->hdr[c->hdrlen++] = *p++;
			n--;
			if (c->hdrlen < 2)
				continue;
			need = 2 + ((c->hdr[1] & 0x7f) == 126 ? 2 :
			    (c->hdr[1] & 0x7f) == 127 ? 8 : 0);
			if (c->hdrlen < need) {
				c->left = UINT64_MAX;
				continue;
			}
			c->fin = (c->hdr[0] & 0x80) != 0;
			c->op = c->hdr[0] & 0x0f;
			c->left = c->hdr[1] & 0x7f;
			if (need == 4)
				c->left = (uint64_t)c->hdr[2] << 8 | c->hdr[3];
			else if (need == 10)
				for (c->left = 0, k = 2; k < 10; k++)
					c->left = c->left << 8 | c->hdr[k];
		} else {
			k = c->left < n ? c->left : n;
			p += k;
			n -= k;
			c->left -= k;
		}
		if (c->left > 0)
			continue;
		c->hdrlen = 0;
		if (c->op == 8)
			return (-1);
		if (c->fin && c->op < 8)
			msgs++;
	}
	return (msgs);
}

/*
 * Read what is ready for up to wait_ms.  A client whose data contains
 * marker moves from REACHED to SEEN; any data moves ALIVE to REACHED; end
 * of file or an error makes it DEAD.  Returns how many were ready.
 */
static int
pump(int wait_ms, int marker)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 i, k, nev, msgs = 0;

	if ((nev = epoll_wait(epfd, evs, nclients, wait_ms)) == -1) {
		if (errno == EINTR)
			return (0);
		err(1, "epoll_wait");
	}
	for (k = 0; k < nev; k++) {
		i = evs[k].data.u32;
		while ((n = read(fds[i], buf, sizeof(buf))) > 0) {
			if (wsc != NULL) {
				/* A message is the round's: none were due. */
				if ((msgs = ws_take(i, (unsigned char *)buf,
				    n)) == -1)
					break;
				if (msgs == 0)
					continue;
			}
			if (state[i] == ALIVE)
				state[i] = REACHED;
			if (marker != 0 && state[i] == REACHED &&
			    (wsc != NULL || memchr(buf, marker, n) != NULL))
				state[i] = SEEN;
		}
		if (n == 0 || msgs == -1 ||
		    (errno != EAGAIN && errno != EWOULDBLOCK)) {
			epoll_ctl(epfd, EPOLL_CTL_DEL, fds[i], NULL);
			close(fds[i]);
			state[i] = DEAD;
		}
	}
	return (nev);
}

static int
count(int st)
{
	int	 i, n = 0;

	for (i = 1; i < nclients; i++)
		n += state[i] == st;
	return (n);
}

/* Ask for client i's upgrade on its socket, still blocking. */
static void
ws_upgrade(int i, const char *host)
{
	char	 req[1024];
	int	 n;

	n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n%s%s%s\r\n", host,
	    *ws_ext != '\0' ? "Sec-WebSocket-Extensions: " : "", ws_ext,
	    *ws_ext != '\0' ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(req))
		errx(1, "-w: too long");
	if (write(fds[i], req, n) != n)
		err(1, "client %d: upgrade", i + 1);
	state[i] = UPGRADING;
}

int
main(int argc, char **argv)
{
	struct addrinfo		 hints, *res;
	struct epoll_event	 ev;
	double			 t0, last;
	int			 i, error, rounds, r, connected, ch, len = 2;
	static const char	 words[] = "what is said to every member of the "
	    "room, words as a chat has them, ";
	static char		 msg[65536];

	while ((ch = getopt(argc, argv, "s:w:")) != -1) {
		switch (ch) {
		case 's':
			len = atoi(optarg);
			if (len < 2 || len > (int)sizeof(msg))
				errx(1, "-s: 2 to %zu bytes", sizeof(msg));
			break;
		case 'w':
			ws_ext = optarg;
			break;
		default:
			errx(1, "usage: fanout-client [-s bytes] [-w extensions] "
			    "host port clients rounds [hold]");
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 5 && !(argc == 6 && strcmp(argv[5], "hold") == 0))
		errx(1, "usage: fanout-client [-s bytes] [-w extensions] host "
		    "port clients rounds [hold]");
	/* Lower case but the round's marker: only it is upper case. */
	for (i = 1; i < len - 1; i++)
		msg[i] = words[i % (sizeof(words) - 1)];
	msg[len - 1] = '\n';
	nclients = atoi(argv[3]);
	rounds = atoi(argv[4]);
	if (nclients < 2 || rounds < 1)
		errx(1, "need two clients and one round");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((error = getaddrinfo(argv[1], argv[2], &hints, &res)) != 0)
		errx(1, "%s", gai_strerror(error));
	fds = calloc(nclients, sizeof(*fds));
	state = calloc(nclients, sizeof(*state));
	evs = calloc(nclients, sizeof(*evs));
	if (fds == NULL || state == NULL || evs == NULL)
		err(1, NULL);
	if (ws_ext != NULL && (wsc = calloc(nclients, sizeof(*wsc))) == NULL)
		err(1, NULL);
	if ((epfd = epoll_create1(0)) == -1)
		err(1, "epoll_create1");

	for (i = 0; i < nclients; i++) {
		if ((fds[i] = socket(res->ai_family, SOCK_STREAM, 0)) == -1 ||
		    connect(fds[i], res->ai_addr, res->ai_addrlen) == -1) {
			warn("client %d", i + 1);
			break;
		}
		if (i == 0)
			continue;
		if (wsc != NULL)
			ws_upgrade(i, argv[1]);
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &ev) == -1)
			err(1, "epoll_ctl");
	}
	connected = nclients = i;
	printf("connected %d\n", connected);
	fflush(stdout);
	if (connected < 2)
		return (1);

	/*
	 * The broker may still be accepting: say something until everyone
	 * has heard from it (or is gone), then let the line go quiet.
	 */
	t0 = now_ms();
	while (count(ALIVE) + count(UPGRADING) > 0 &&
	    now_ms() - t0 < WARMUP_MS) {
		if (write(fds[0], "w\n", 2) != 2)
			break;
		last = now_ms();
		while (count(ALIVE) + count(UPGRADING) > 0 &&
		    now_ms() - last < 200)
			pump(50, 0);
	}
	while (pump(300, 0) > 0)
		;
	if (wsc != NULL)
		printf("upgraded %d\ndeflate %d\n", upgraded, deflated);
	printf("reached %d\n", count(REACHED));
	fflush(stdout);

	for (r = 0; r < rounds && count(REACHED) > 0; r++) {
		msg[0] = 'A' + r % 26;
		t0 = now_ms();
		if (write(fds[0], msg, len) != len)
			break;
		while (count(REACHED) > 0 && now_ms() - t0 < ROUND_MS)
			pump(100, msg[0]);
		if (count(REACHED) > 0) {
			printf("round timeout %d\n", count(REACHED));
			break;
		}
		printf("round %.3f\n", now_ms() - t0);
		fflush(stdout);
		for (i = 1; i < nclients; i++)
			if (state[i] == SEEN)
				state[i] = REACHED;
	}
	if (argc == 6) {
		/* Everything relayed is read: the broker's queues are empty. */
		while (pump(300, 0) > 0)
			;
		printf("idle\n");
		fflush(stdout);
		while (read(STDIN_FILENO, msg, sizeof(msg)) > 0)
			;
	}
	return (0);
}
