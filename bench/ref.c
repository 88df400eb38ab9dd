/*
 * The practical ceiling for moving bytes over loopback TCP: sendfile(2)
 * from a regular file on one side, splice(2) into stdout on the other.
 *
 *	ref send PORT < file		connect to 127.0.0.1:PORT and send
 *	ref recv PORT > out		accept one connection on 127.0.0.1
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sockaddr_in
loopback(const char *port)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(port));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return (sin);
}

static void
ref_send(const char *port)
{
	struct sockaddr_in	 sin = loopback(port);
	struct stat		 st;
	off_t			 left;
	ssize_t			 n;
	int			 s;

	if (fstat(0, &st) == -1 || !S_ISREG(st.st_mode))
		errx(1, "stdin must be a regular file");
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect");
	for (left = st.st_size; left > 0; left -= n) {
		if ((n = sendfile(s, 0, NULL, left > (1 << 30) ? 1 << 30 :
		    left)) <= 0)
			err(1, "sendfile");
	}
	close(s);
}

static void
ref_recv(const char *port)
{
	struct sockaddr_in	 sin = loopback(port);
	ssize_t			 n, m;
	int			 l, s, p[2], on = 1;

	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1)
		err(1, "bind");
	fprintf(stderr, "Listening on 127.0.0.1 %s\n", port);
	if ((s = accept(l, NULL, NULL)) == -1)
		err(1, "accept");
	if (pipe(p) == -1)
		err(1, "pipe");
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	while ((n = splice(s, NULL, p[1], NULL, 1 << 20, SPLICE_F_MOVE)) > 0) {
		for (; n > 0; n -= m) {
			if ((m = splice(p[0], NULL, 1, NULL, n,
			    SPLICE_F_MOVE)) <= 0)
				err(1, "splice out");
		}
	}
	if (n < 0)
		err(1, "splice in");
}

int
main(int argc, char **argv)
{
	if (argc != 3)
		errx(1, "usage: ref send|recv port");
	if (strcmp(argv[1], "send") == 0)
		ref_send(argv[2]);
	else if (strcmp(argv[1], "recv") == 0)
		ref_recv(argv[2]);
	else
		errx(1, "usage: ref send|recv port");
	return (0);
}
