/*
 * The client side of bench/broker-scale: connect many clients to a
 * broker, make sure each one is relayed to, then time how long one
 * message from the first client takes to reach all the others.
 *
 * usage: fanout-client host port clients rounds [hold]
 * Prints "connected N", "reached N" and one "round MS" line per round.
 * With "hold", it then prints "idle" and keeps every client connected,
 * and quiet, until its standard input ends: the caller measures the
 * broker meanwhile.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
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

enum { ALIVE, REACHED, SEEN, DEAD };

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6);
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
	int	 i, k, nev;

	if ((nev = epoll_wait(epfd, evs, nclients, wait_ms)) == -1) {
		if (errno == EINTR)
			return (0);
		err(1, "epoll_wait");
	}
	for (k = 0; k < nev; k++) {
		i = evs[k].data.u32;
		while ((n = read(fds[i], buf, sizeof(buf))) > 0) {
			if (state[i] == ALIVE)
				state[i] = REACHED;
			if (marker != 0 && state[i] == REACHED &&
			    memchr(buf, marker, n) != NULL)
				state[i] = SEEN;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
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

int
main(int argc, char **argv)
{
	struct addrinfo		 hints, *res;
	struct epoll_event	 ev;
	double			 t0, last;
	int			 i, error, rounds, r, connected;
	char			 msg[2];

	if (argc != 5 && !(argc == 6 && strcmp(argv[5], "hold") == 0))
		errx(1, "usage: fanout-client host port clients rounds [hold]");
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
	while (count(ALIVE) > 0 && now_ms() - t0 < WARMUP_MS) {
		if (write(fds[0], "w\n", 2) != 2)
			break;
		last = now_ms();
		while (count(ALIVE) > 0 && now_ms() - last < 200)
			pump(50, 0);
	}
	while (pump(300, 0) > 0)
		;
	printf("reached %d\n", count(REACHED));
	fflush(stdout);

	for (r = 0; r < rounds && count(REACHED) > 0; r++) {
		msg[0] = 'A' + r % 26;
		msg[1] = '\n';
		t0 = now_ms();
		if (write(fds[0], msg, 2) != 2)
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
