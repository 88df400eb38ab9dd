/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* The event loop: descriptor watchers, timers and the one OS wait call. */

#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockcat.h"

/* One watched descriptor; the table is indexed by descriptor number. */
struct ev_fd {
	int		 events;	/* EV_READ | EV_WRITE, 0 if unused */
	ev_fd_cb	*cb;
	void		*arg;
	unsigned int	 gen;		/* Bumped whenever the slot changes. */
};

static struct ev_fd	*ev_fds;
static int		 ev_nfds;	/* Size of ev_fds. */
static int		 ev_maxfd = -1;	/* Highest descriptor in use. */
static int		 ev_stop;
static TAILQ_HEAD(, ev_timer) ev_timers = TAILQ_HEAD_INITIALIZER(ev_timers);

/* Scratch for the wait call, grown with ev_fds. */
static struct pollfd	*ev_pfds;
static unsigned int	*ev_pgen;

/* Milliseconds on the monotonic clock: never jumps with the wall clock. */
uint64_t
ev_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static int
ev_grow(int fd)
{
	struct ev_fd	*fds;
	struct pollfd	*pfds;
	unsigned int	*pgen;
	int		 n;

	if (fd < ev_nfds)
		return (0);
	n = ev_nfds ? ev_nfds : 64;
	while (n <= fd)
		n *= 2;
	if ((fds = reallocarray(ev_fds, n, sizeof(*fds))) == NULL)
		return (-1);
	memset(fds + ev_nfds, 0, (n - ev_nfds) * sizeof(*fds));
	ev_fds = fds;
	if ((pfds = reallocarray(ev_pfds, n, sizeof(*pfds))) == NULL)
		return (-1);
	ev_pfds = pfds;
	if ((pgen = reallocarray(ev_pgen, n, sizeof(*pgen))) == NULL)
		return (-1);
	ev_pgen = pgen;
	ev_nfds = n;
	return (0);
}

/*
 * Watch fd for events (EV_READ, EV_WRITE or both) and call cb when any is
 * ready; events of 0 stops watching.  Returns -1 with errno on failure.
 */
int
ev_set(int fd, int events, ev_fd_cb *cb, void *arg)
{
	struct ev_fd	*e;

	if (fd < 0) {
		errno = EBADF;
		return (-1);
	}
	if (events == 0) {
		ev_del(fd);
		return (0);
	}
	if (ev_grow(fd) == -1)
		return (-1);
	e = &ev_fds[fd];
	if (e->events == events && e->cb == cb && e->arg == arg)
		return (0);
	e->events = events;
	e->cb = cb;
	e->arg = arg;
	e->gen++;
	if (fd > ev_maxfd)
		ev_maxfd = fd;
	return (0);
}

/* Stop watching fd.  Safe to call on a descriptor that is not watched. */
void
ev_del(int fd)
{
	struct ev_fd	*e;

	if (fd < 0 || fd >= ev_nfds)
		return;
	e = &ev_fds[fd];
	if (e->events == 0)
		return;
	e->events = 0;
	e->cb = NULL;
	e->arg = NULL;
	e->gen++;
	while (ev_maxfd >= 0 && ev_fds[ev_maxfd].events == 0)
		ev_maxfd--;
}

void
ev_timer_init(struct ev_timer *t, ev_timer_cb *cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

/* Fire t once, ms milliseconds from now (re-arming moves it). */
void
ev_timer_arm(struct ev_timer *t, long long ms)
{
	struct ev_timer	*it;

	ev_timer_disarm(t);
	if (ms < 0)
		ms = 0;
	t->when = ev_now() + (uint64_t)ms;
	if (t->when == 0)
		t->when = 1;
	TAILQ_FOREACH(it, &ev_timers, entry) {
		if (it->when > t->when) {
			TAILQ_INSERT_BEFORE(it, t, entry);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&ev_timers, t, entry);
}

void
ev_timer_disarm(struct ev_timer *t)
{
	if (t->when == 0)
		return;
	TAILQ_REMOVE(&ev_timers, t, entry);
	t->when = 0;
}

int
ev_timer_armed(const struct ev_timer *t)
{
	return (t->when != 0);
}

/*
 * Is anything left that keeps the loop going: a watched descriptor or a
 * timer that is not EV_TIMER_WEAK?  A weak timer (a display refresh, say)
 * runs while there is other work and never keeps an idle loop alive.
 */
static int
ev_busy(void)
{
	struct ev_timer	*t;

	if (ev_maxfd >= 0)
		return (1);
	TAILQ_FOREACH(t, &ev_timers, entry) {
		if (!(t->flags & EV_TIMER_WEAK))
			return (1);
	}
	return (0);
}

/* Ask ev_loop() to return after the current round. */
void
ev_break(void)
{
	ev_stop = 1;
}

/*
 * The only place that waits for the kernel.  Fills ev_pfds with what is
 * ready and returns how many slots it filled, or -1 with errno.
 */
static int
ev_wait(int timeout)
{
	int	 fd, n = 0;

	for (fd = 0; fd <= ev_maxfd; fd++) {
		if (ev_fds[fd].events == 0)
			continue;
		ev_pfds[n].fd = fd;
		ev_pfds[n].events = 0;
		if (ev_fds[fd].events & EV_READ)
			ev_pfds[n].events |= POLLIN;
		if (ev_fds[fd].events & EV_WRITE)
			ev_pfds[n].events |= POLLOUT;
		ev_pfds[n].revents = 0;
		ev_pgen[n] = ev_fds[fd].gen;
		n++;
	}
	if (poll(ev_pfds, n, timeout) == -1)
		return (-1);
	return (n);
}

static void
ev_run_timers(void)
{
	struct ev_timer	*t;
	uint64_t	 now = ev_now();

	while ((t = TAILQ_FIRST(&ev_timers)) != NULL && t->when <= now) {
		ev_timer_disarm(t);
		t->cb(t->arg);
		if (ev_stop)
			return;
	}
}

/*
 * Run until ev_break() is called or nothing is left to wait for.
 * Returns 0, or -1 with errno if the wait call failed.
 */
int
ev_loop(void)
{
	struct ev_timer	*t;
	struct ev_fd	*e;
	int		 i, n, fd, ready, timeout;
	uint64_t	 now;

	ev_stop = 0;
	while (!ev_stop) {
		if (!ev_busy())
			break;
		t = TAILQ_FIRST(&ev_timers);
		timeout = -1;
		if (t != NULL) {
			now = ev_now();
			timeout = t->when > now ? (int)(t->when - now) : 0;
		}
		if ((n = ev_wait(timeout)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		for (i = 0; i < n && !ev_stop; i++) {
			if (ev_pfds[i].revents == 0)
				continue;
			fd = ev_pfds[i].fd;
			e = &ev_fds[fd];
			/*
			 * A callback earlier in this round may have closed
			 * this descriptor, or another may now use its number:
			 * the generation tells.
			 */
			if (e->gen != ev_pgen[i] || e->events == 0)
				continue;
			ready = 0;
			if (ev_pfds[i].revents & (POLLIN|POLLHUP|POLLERR))
				ready |= EV_READ;
			if (ev_pfds[i].revents & (POLLOUT|POLLHUP|POLLERR))
				ready |= EV_WRITE;
			if (ev_pfds[i].revents & POLLNVAL)
				ready = e->events;
			ready &= e->events;
			if (ready != 0)
				e->cb(fd, ready, e->arg);
		}
		if (!ev_stop)
			ev_run_timers();
	}
	return (0);
}
