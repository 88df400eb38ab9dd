/*
 * A count of name lookups, for tests/t-forward.sh: an LD_PRELOAD library
 * that appends "HOST PORT" to the file SC_GAI_LOG names for each call of
 * getaddrinfo(3) the process makes, then makes the call.  One write(2)
 * with O_APPEND a call, so that threads never mix their lines.
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef int gai_fn(const char *, const char *, const struct addrinfo *,
    struct addrinfo **);

int
getaddrinfo(const char *host, const char *port, const struct addrinfo *hints,
    struct addrinfo **res)
{
	static gai_fn	*real;
	const char	*log;
	char		 line[512];
	int		 fd, n, saved = errno;

	if (real == NULL && (real = (gai_fn *)dlsym(RTLD_NEXT,
	    "getaddrinfo")) == NULL)
		return (EAI_SYSTEM);
	if ((log = getenv("SC_GAI_LOG")) != NULL &&
	    (fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) != -1) {
		n = snprintf(line, sizeof(line), "%s %s\n",
		    host != NULL ? host : "-", port != NULL ? port : "-");
		if (n > 0 && (size_t)n < sizeof(line) &&
		    write(fd, line, n) != n)
			n = -1;	/* A short count: the test sees it. */
		close(fd);
	}
	errno = saved;
	return (real(host, port, hints, res));
}
