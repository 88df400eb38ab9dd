/*
 * The limit of "sockcat -lk -e PROGRAM" for connection rates: a minimal
 * inetd-style server that accepts on 127.0.0.1:PORT and starts PROGRAM
 * for each connection with the socket itself as its standard input and
 * output (vfork(2) and execve(2), as sockcat does: glibc's posix_spawn(3)
 * costs more), and nothing else: no pipes to pump, no logging, no
 * statistics, no half-close.  Children are not waited for (SIGCHLD
 * ignored).
 *
 *	inetd PORT PROGRAM [ARG ...]
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE		/* accept4(2) */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int
main(int argc, char **argv)
{
	struct sockaddr_in		 sin;
	pid_t				 pid;
	int				 l, s, one = 1;

	if (argc < 3)
		errx(1, "usage: inetd port program [arg ...]");
	signal(SIGCHLD, SIG_IGN);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 128) == -1)
		err(1, "listen");
	for (;;) {
		if ((s = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1)
			continue;
		if ((pid = vfork()) == 0) {
			if (dup2(s, STDIN_FILENO) != -1 &&
			    dup2(s, STDOUT_FILENO) != -1)
				execve(argv[2], argv + 2, environ);
			_exit(127);
		}
		if (pid == -1)
			warn("vfork");
		close(s);
	}
}
