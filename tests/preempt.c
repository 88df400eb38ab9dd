/*
 * Preemption on demand, for tests/t-preempt.sh: an LD_PRELOAD library that
 * sleeps after the system calls a process uses to talk to its peers, as
 * if the scheduler had taken the processor away at that moment.  Whatever
 * the peer does meanwhile (answer a whole handshake, leave) is waiting
 * when the process goes on, so races that a quiet machine hides happen
 * every time.  Set in the environment:
 *
 *	SC_DELAY_CALLS	the calls delayed, comma-separated, from write,
 *			read, send, sendto, sendmsg, recv, recvfrom,
 *			recvmsg, connect, accept4, epoll_wait; default all
 *	SC_DELAY_US	the longest delay, in microseconds (default 20000)
 *	SC_DELAY_PCT	the chance of a delay, in percent (default 30)
 *	SC_DELAY_FIXED	1: every delay is SC_DELAY_US, not a random share
 *	SC_DELAY_SEED	the seed of the random choices (default 1), so that
 *			a failing run can be run again the same way
 *	SC_DELAY_STDERR	1: writes to stderr are delayed too (a terminal's
 *			live line); else never, they are the test's output
 *
 * The delay comes after the call, as strace's delay_exit does: the bytes
 * are gone (or taken) and the process is late to act on it.  Only the
 * calls that succeed, or fail with EAGAIN, are delayed.
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	D_WRITE, D_READ, D_SEND, D_SENDTO, D_SENDMSG, D_RECV, D_RECVFROM,
	D_RECVMSG, D_CONNECT, D_ACCEPT4, D_EPOLL_WAIT, D_MAX
};

static const char *const names[D_MAX] = {
	"write", "read", "send", "sendto", "sendmsg", "recv", "recvfrom",
	"recvmsg", "connect", "accept4", "epoll_wait",
};

static int		 ready;
static int		 wanted[D_MAX];
static long		 max_us = 20000;
static unsigned int	 pct = 30;
static int		 fixed;
static int		 stderr_too;
static uint64_t		 state = 1;

/* Read the environment once. */
static void
setup(void)
{
	const char	*s, *p;
	size_t		 len;
	int		 i;

	if (ready)
		return;
	ready = 1;
	if ((s = getenv("SC_DELAY_US")) != NULL)
		max_us = strtol(s, NULL, 10);
	if ((s = getenv("SC_DELAY_PCT")) != NULL)
		pct = (unsigned int)strtoul(s, NULL, 10);
	if ((s = getenv("SC_DELAY_FIXED")) != NULL)
		fixed = strcmp(s, "1") == 0;
	if ((s = getenv("SC_DELAY_SEED")) != NULL)
		state = strtoull(s, NULL, 10) * 2654435761u + 1;
	if ((s = getenv("SC_DELAY_STDERR")) != NULL)
		stderr_too = strcmp(s, "1") == 0;
	if ((s = getenv("SC_DELAY_CALLS")) == NULL) {
		for (i = 0; i < D_MAX; i++)
			wanted[i] = 1;
		return;
	}
	while (*s != '\0') {
		len = (p = strchr(s, ',')) != NULL ? (size_t)(p - s) :
		    strlen(s);
		for (i = 0; i < D_MAX; i++) {
			if (strlen(names[i]) == len &&
			    strncmp(names[i], s, len) == 0)
				wanted[i] = 1;
		}
		s += len;
		if (*s == ',')
			s++;
	}
}

/* xorshift64*, shared by the threads: a lost update only varies a delay. */
static uint64_t
next(void)
{
	uint64_t	 x = __atomic_load_n(&state, __ATOMIC_RELAXED);

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	__atomic_store_n(&state, x, __ATOMIC_RELAXED);
	return (x * 2685821657736338717ULL);
}

/* Perhaps sleep after call d, which returned r; errno is kept. */
static void
delay(int d, long r)
{
	struct timespec	 ts;
	uint64_t	 x;
	long		 us;
	int		 saved = errno;

	setup();
	if (!wanted[d] || max_us <= 0 ||
	    (r == -1 && errno != EAGAIN && errno != EWOULDBLOCK))
		return;
	x = next();
	if (x % 100 >= pct)
		return;
	us = fixed ? max_us : (long)((x >> 8) % (uint64_t)max_us) + 1;
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	errno = saved;
}

#define REAL(type, name, args)						\
	static type (*real) args;					\
	if (real == NULL)						\
		*(void **)&real = dlsym(RTLD_NEXT, name)

ssize_t
write(int fd, const void *p, size_t n)
{
	ssize_t	 r;
	REAL(ssize_t, "write", (int, const void *, size_t));

	r = real(fd, p, n);
	/* Not the test's own output on stderr, unless asked. */
	setup();
	if (fd > STDERR_FILENO || (fd == STDERR_FILENO && stderr_too))
		delay(D_WRITE, r);
	return (r);
}

ssize_t
read(int fd, void *p, size_t n)
{
	ssize_t	 r;
	REAL(ssize_t, "read", (int, void *, size_t));

	r = real(fd, p, n);
	if (fd > STDERR_FILENO)
		delay(D_READ, r);
	return (r);
}

ssize_t
send(int fd, const void *p, size_t n, int flags)
{
	ssize_t	 r;
	REAL(ssize_t, "send", (int, const void *, size_t, int));

	r = real(fd, p, n, flags);
	delay(D_SEND, r);
	return (r);
}

ssize_t
sendto(int fd, const void *p, size_t n, int flags,
    const struct sockaddr *sa, socklen_t len)
{
	ssize_t	 r;
	REAL(ssize_t, "sendto", (int, const void *, size_t, int,
	    const struct sockaddr *, socklen_t));

	r = real(fd, p, n, flags, sa, len);
	delay(D_SENDTO, r);
	return (r);
}

ssize_t
sendmsg(int fd, const struct msghdr *m, int flags)
{
	ssize_t	 r;
	REAL(ssize_t, "sendmsg", (int, const struct msghdr *, int));

	r = real(fd, m, flags);
	delay(D_SENDMSG, r);
	return (r);
}

ssize_t
recv(int fd, void *p, size_t n, int flags)
{
	ssize_t	 r;
	REAL(ssize_t, "recv", (int, void *, size_t, int));

	r = real(fd, p, n, flags);
	delay(D_RECV, r);
	return (r);
}

ssize_t
recvfrom(int fd, void *p, size_t n, int flags, struct sockaddr *sa,
    socklen_t *len)
{
	ssize_t	 r;
	REAL(ssize_t, "recvfrom", (int, void *, size_t, int,
	    struct sockaddr *, socklen_t *));

	r = real(fd, p, n, flags, sa, len);
	delay(D_RECVFROM, r);
	return (r);
}

ssize_t
recvmsg(int fd, struct msghdr *m, int flags)
{
	ssize_t	 r;
	REAL(ssize_t, "recvmsg", (int, struct msghdr *, int));

	r = real(fd, m, flags);
	delay(D_RECVMSG, r);
	return (r);
}

int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int	 r;
	REAL(int, "connect", (int, const struct sockaddr *, socklen_t));

	r = real(fd, sa, len);
	/* A non-blocking connect in progress is a success here. */
	delay(D_CONNECT, r == -1 && errno == EINPROGRESS ? 0 : r);
	return (r);
}

int
accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	int	 r;
	REAL(int, "accept4", (int, struct sockaddr *, socklen_t *, int));

	r = real(fd, sa, len, flags);
	delay(D_ACCEPT4, r);
	return (r);
}

int
epoll_wait(int epfd, struct epoll_event *ev, int n, int timeout)
{
	int	 r;
	REAL(int, "epoll_wait", (int, struct epoll_event *, int, int));

	r = real(epfd, ev, n, timeout);
	delay(D_EPOLL_WAIT, r);
	return (r);
}
