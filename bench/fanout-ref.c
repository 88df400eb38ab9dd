/*
 * The fan-out reference of bench/broker-scale: the least a one-threaded
 * broker can do.  It accepts every client and writes what one sends
 * straight to all the others with one write(2) each, keeping nothing: no
 * queue, no back-pressure, no stall timer, no statistics.  A write that
 * would block or fall short is counted, and said at the end, not kept.
 * What it takes to reach 10,000 clients is what the kernel takes.
 *
 *	fanout-ref host port	(port 0: any; prints "Listening on host port")
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t	 quit;

static void
on_term(int sig)
{
	(void)sig;
	quit = 1;
}

int
main(int argc, char **argv)
{
	struct addrinfo		 hints, *res;
	struct sockaddr_storage	 ss;
	struct epoll_event	 ev, evs[256];
	socklen_t		 len;
	char			 buf[65536], port[NI_MAXSERV];
	int			*fds = NULL, *slot = NULL;
	int			 lfd, epfd, fd, i, k, nev, n = 0, cap = 0;
	int			 error, one = 1;
	long			 short_writes = 0;
	ssize_t			 r, w;

	if (argc != 3)
		errx(1, "usage: fanout-ref host port");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((error = getaddrinfo(argv[1], argv[2], &hints, &res)) != 0)
		errx(1, "%s", gai_strerror(error));
	if ((lfd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK,
	    0)) == -1)
		err(1, "socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(lfd, SOMAXCONN) == -1)
		err(1, "bind");
	len = sizeof(ss);
	if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, NULL, 0, port,
	    sizeof(port), NI_NUMERICSERV) != 0)
		errx(1, "getsockname");
	fprintf(stderr, "Listening on %s %s\n", argv[1], port);
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);

	if ((epfd = epoll_create1(0)) == -1)
		err(1, "epoll_create1");
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) == -1)
		err(1, "epoll_ctl");
	while (!quit) {
		if ((nev = epoll_wait(epfd, evs, 256, -1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (k = 0; k < nev; k++) {
			fd = evs[k].data.fd;
			if (fd == lfd) {
				while ((fd = accept4(lfd, NULL, NULL,
				    SOCK_NONBLOCK)) != -1) {
					if (fd >= cap) {
						cap = fd * 2 + 64;
						slot = reallocarray(slot, cap,
						    sizeof(*slot));
						fds = reallocarray(fds, cap,
						    sizeof(*fds));
						if (slot == NULL || fds == NULL)
							err(1, NULL);
					}
					ev.data.fd = fd;
					if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd,
					    &ev) == -1)
						err(1, "epoll_ctl");
					slot[fd] = n;
					fds[n++] = fd;
				}
				if (errno != EAGAIN && errno != EINTR &&
				    errno != ECONNABORTED)
					err(1, "accept4");
				continue;
			}
			if ((r = read(fd, buf, sizeof(buf))) > 0) {
				for (i = 0; i < n; i++) {
					if (fds[i] == fd)
						continue;
					w = write(fds[i], buf, r);
					short_writes += w != r;
				}
				continue;
			}
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			/* The last client takes the place of the one gone. */
			i = slot[fd];
			fds[i] = fds[--n];
			slot[fds[i]] = i;
			close(fd);
		}
	}
	if (short_writes > 0)
		fprintf(stderr, "fanout-ref: %ld writes fell short\n",
		    short_writes);
	return (0);
}
