/*
 * The backend of bench/forward: a TCP server on 127.0.0.1 that echoes what
 * each client sends (echo) or reads and drops it (sink), for any number of
 * clients at once, with one epoll(7) loop.  It does the least a backend
 * can, so that the forwarders in front of it, not it, set the pace.  It
 * listens on a free port below the kernel's range for local ports, as a
 * service does (so a connect to it cannot be given its port and meet
 * itself, which a client may check for in that range), or, with none
 * free, on one the kernel picks, and writes that number to PORTFILE
 * once it listens; with unix:PATH, on that Unix-domain socket instead
 * (PORTFILE then says 0); with udp, it echoes datagrams on a UDP port.
 *
 *	echod echo|sink PORTFILE [unix:PATH | udp]
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What one read takes: a stream's chunks, a line's echo. */
#define ECHOD_READ	(256 * 1024)
/* Events taken from one epoll_wait(2). */
#define ECHOD_EVENTS	256

/* A client, and what it sent that it has not yet taken back. */
struct conn {
	int		 fd;
	unsigned char	*pend;
	size_t		 off, len;
};

static int		 echoing;
static int		 ep;
static unsigned char	 buf[ECHOD_READ];

static void
conn_close(struct conn *c)
{
	close(c->fd);	/* Leaves the epoll set with its last reference. */
	free(c->pend);
	free(c);
}

/* Watch c for reading, or for writing while it has an echo pending. */
static void
conn_watch(struct conn *c)
{
	struct epoll_event	 ev = { .data.ptr = c };

	ev.events = c->len > 0 ? EPOLLOUT : EPOLLIN;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		err(1, "epoll_ctl");
}

/* Write what c has pending; 0 when all went, 1 when some waits, -1: gone. */
static int
conn_flush(struct conn *c)
{
	ssize_t	 n;

	while (c->len > 0) {
		if ((n = write(c->fd, c->pend + c->off, c->len)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return (1);
			return (-1);
		}
		c->off += n;
		c->len -= n;
	}
	return (0);
}

/* c is readable: drop what it sent, or send it back. */
static void
conn_read(struct conn *c)
{
	ssize_t	 n, w;

	for (;;) {
		if ((n = read(c->fd, buf, sizeof(buf))) == -1) {
			if (errno == EAGAIN)
				return;
			if (errno == EINTR)
				continue;
			conn_close(c);
			return;
		}
		if (n == 0) {
			conn_close(c);
			return;
		}
		if (!echoing)
			continue;
		if ((w = write(c->fd, buf, n)) == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				conn_close(c);
				return;
			}
			w = 0;
		}
		if (w < n) {
			/* The client reads slowly: hold the rest, stop reading. */
			if ((c->pend = malloc(n - w)) == NULL)
				err(1, "malloc");
			memcpy(c->pend, buf + w, n - w);
			c->off = 0;
			c->len = n - w;
			conn_watch(c);
			return;
		}
		/* A short read means the socket is drained for now. */
		if ((size_t)n < sizeof(buf))
			return;
	}
}

static void
conn_write(struct conn *c)
{
	switch (conn_flush(c)) {
	case -1:
		conn_close(c);
		break;
	case 0:
		free(c->pend);
		c->pend = NULL;
		c->off = 0;
		conn_watch(c);
		break;
	}
}

/* Take every connection waiting on the listening socket lfd. */
static void
take(int lfd)
{
	struct epoll_event	 ev;
	struct conn		*c;
	int			 fd;

	for (;;) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC)) == -1) {
			if (errno == EAGAIN || errno == ECONNABORTED ||
			    errno == EINTR)
				return;
			/* Out of descriptors: the next round may have some. */
			warn("accept");
			return;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL)
			err(1, "calloc");
		c->fd = fd;
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			err(1, "epoll_ctl");
	}
}

/* udp: every datagram back to its sender, for ever. */
static void
udp_echo(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	ssize_t			 n;

	for (;;) {
		len = sizeof(ss);
		if ((n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&ss, &len)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "recvfrom");
		}
		(void)sendto(fd, buf, n, 0, (struct sockaddr *)&ss, len);
	}
}

/*
 * Bind fd to a free port of 127.0.0.1 below the range local ports come
 * from (net.ipv4.ip_local_port_range), tried at random.  Returns 0, or -1
 * with sin's port still 0.
 */
static int
service_port(int fd, struct sockaddr_in *sin)
{
	FILE	*f;
	int	 lo = 0, hi, i, p;

	if ((f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) !=
	    NULL) {
		if (fscanf(f, "%d %d", &lo, &hi) != 2)
			lo = 0;
		fclose(f);
	}
	if (lo <= 10000)
		return (-1);
	srandom(getpid());
	for (i = 0; i < 200; i++) {
		p = 10000 + random() % (lo - 10000);
		sin->sin_port = htons(p);
		if (bind(fd, (struct sockaddr *)sin, sizeof(*sin)) == 0)
			return (0);
	}
	sin->sin_port = 0;
	return (-1);
}

int
main(int argc, char **argv)
{
	struct epoll_event	 ev, evs[ECHOD_EVENTS];
	struct sockaddr_in	 sin;
	struct sockaddr_un	 sun;
	struct rlimit		 rl;
	socklen_t		 len = sizeof(sin);
	struct conn		*c;
	FILE			*f;
	char			 tmp[4096];
	int			 lfd, i, n, on = 1, udp = 0;

	if ((argc != 3 && argc != 4) || (strcmp(argv[1], "echo") != 0 &&
	    strcmp(argv[1], "sink") != 0))
		errx(1, "usage: echod echo|sink portfile [unix:PATH | udp]");
	echoing = strcmp(argv[1], "echo") == 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	udp = argc == 4 && strcmp(argv[3], "udp") == 0;
	if (argc == 4 && strncmp(argv[3], "unix:", 5) == 0) {
		if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1)
			err(1, "socket");
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		strncpy(sun.sun_path, argv[3] + 5, sizeof(sun.sun_path) - 1);
		(void)unlink(sun.sun_path);
		if (bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
		    listen(lfd, 4096) == -1)
			err(1, "listen");
		sin.sin_port = 0;
	} else {
		if ((lfd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM |
		    SOCK_NONBLOCK) | SOCK_CLOEXEC, 0)) == -1)
			err(1, "socket");
		(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (service_port(lfd, &sin) == -1 &&
		    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			err(1, "bind");
		if ((!udp && listen(lfd, 4096) == -1) ||
		    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1)
			err(1, "listen");
	}
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (!udp && epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		err(1, "epoll_ctl");
	/* Written whole, then renamed: a reader never sees half a number. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	if ((f = fopen(tmp, "w")) == NULL ||
	    fprintf(f, "%u\n", ntohs(sin.sin_port)) < 0 || fclose(f) != 0 ||
	    rename(tmp, argv[2]) == -1)
		err(1, "%s", argv[2]);
	if (udp)
		udp_echo(lfd);

	for (;;) {
		if ((n = epoll_wait(ep, evs, ECHOD_EVENTS, -1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if ((c = evs[i].data.ptr) == NULL)
				take(lfd);
			else if (c->len > 0)
				conn_write(c);
			else
				conn_read(c);
		}
	}
}
