/*
 * A count of the calls tests/t-forward.sh asks about: an LD_PRELOAD
 * library that appends a line to the file SC_CALL_LOG names for each
 * call of getaddrinfo(3) ("getaddrinfo HOST PORT") and asprintf(3)
 * ("asprintf FORMAT") the process makes, then makes the call.  One
 * write(2) with O_APPEND a call, so that threads never mix their lines.
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef int gai_fn(const char *, const char *, const struct addrinfo *,
    struct addrinfo **);

/* Append "name a b" to the log, keeping errno. */
static void
note(const char *name, const char *a, const char *b)
{
	const char	*log;
	char		 line[512];
	int		 fd, n, saved = errno;

	if ((log = getenv("SC_CALL_LOG")) != NULL &&
	    (fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) != -1) {
		n = snprintf(line, sizeof(line), "%s %s%s%s\n", name,
		    a != NULL ? a : "-", b != NULL ? " " : "", b != NULL ?
		    b : "");
		if (n > 0 && (size_t)n < sizeof(line) &&
		    write(fd, line, n) != n)
			n = -1;	/* A short count: the test sees it. */
		close(fd);
	}
	errno = saved;
}

int
getaddrinfo(const char *host, const char *port, const struct addrinfo *hints,
    struct addrinfo **res)
{
	static gai_fn	*real;

	if (real == NULL && (real = (gai_fn *)dlsym(RTLD_NEXT,
	    "getaddrinfo")) == NULL)
		return (EAI_SYSTEM);
	note("getaddrinfo", host, port != NULL ? port : "-");
	return (real(host, port, hints, res));
}

typedef int vasprintf_fn(char **, const char *, va_list);

/*
 * asprintf(3) is counted where it formats, in vasprintf(3): a sanitizer's
 * runtime, first in LD_PRELOAD, takes asprintf(3) itself and calls the
 * next vasprintf(3), which is this one.
 */
int
vasprintf(char **strp, const char *fmt, va_list ap)
{
	static vasprintf_fn	*real;

	if (real == NULL && (real = (vasprintf_fn *)dlsym(RTLD_NEXT,
	    "vasprintf")) == NULL)
		return (-1);
	note("asprintf", fmt, NULL);
	return (real(strp, fmt, ap));
}

int
asprintf(char **strp, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(strp, fmt, ap);
	va_end(ap);
	return (n);
}

/* The same as _FORTIFY_SOURCE builds call them. */
int	__asprintf_chk(char **, int, const char *, ...);
int	__vasprintf_chk(char **, int, const char *, va_list);

int
__vasprintf_chk(char **strp, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return (vasprintf(strp, fmt, ap));
}

int
__asprintf_chk(char **strp, int flag, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	(void)flag;
	va_start(ap, fmt);
	n = vasprintf(strp, fmt, ap);
	va_end(ap);
	return (n);
}
