/* The event loop: descriptor watchers, timers and the one OS wait call. */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/epoll.h>

#include <poll.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base.h"

/*
 * One watched descriptor; the table is indexed by descriptor number, so
 * every descriptor costs a slot: 24 bytes.  The generation is compared
 * only within one round, which no slot changes 65,536 times.
 */
struct ev_fd {
	ev_fd_cb	*cb;
	void		*arg;
	unsigned char	 events;	/* EV_READ | EV_WRITE, 0 if unused */
	unsigned char	 kernel;	/* epoll: events the kernel knows
					   (EV_KEDGE: events it reported),
					   and the EV_K flags. */
	unsigned short	 gen;		/* Bumped whenever the slot changes. */
	int		 always;	/* epoll: index in ev_always + 1. */
};

/* What the wait call found ready: one entry per descriptor. */
struct ev_fired {
	int		 fd;
	int		 ready;		/* EV_READ | EV_WRITE */
	unsigned short	 gen;		/* The slot's generation when asked. */
};

static struct ev_fd	*ev_fds;
static int		 ev_nfds;	/* Size of ev_fds. */
static int		 ev_nwatched;	/* Descriptors watched. */
static int		 ev_weakfd = -1; /* One that alone keeps no loop going
					   (ev_weak()), or -1. */
static int		 ev_stop;
static unsigned long	 ev_rounds;	/* Wait calls so far. */
static TAILQ_HEAD(, ev_timer) ev_timers = TAILQ_HEAD_INITIALIZER(ev_timers);

/* Filled by ev_wait(), grown with ev_fds. */
static struct ev_fired	*ev_fired;

/*
 * The loop waits with epoll(7), Linux's, and nothing else: the pump's
 * fast path (splice(2)), the datagram batches (recvmmsg(2)) and the
 * listener (accept4(2)) are Linux's too, so no other kernel could use a
 * second backend.  The kernel keeps the interest set, so a round costs
 * what is ready, not what is watched; the table is told only of changes.
 * Descriptors epoll refuses (regular files, /dev/null: EPERM) are always
 * ready for poll(2), so they are kept in ev_always and reported ready on
 * every round, which then does not sleep.
 */
static int			 ev_epfd = -1;
static struct epoll_event	*ev_epevs;
static int			*ev_always;
static int			 ev_nalways;

/*
 * A descriptor ev_park() let go of stays in the kernel's set, unwatched,
 * until a wait finds it ready: then it is listed here, and taken out of
 * the set at the end of that round, unless watched again or closed
 * (ev_close()) meanwhile.  One watched again costs one change, or none,
 * instead of a removal and an addition; one closed first, none at all.
 * A slot listed has EV_KPARKED in its kernel field, so it is listed once.
 */
#define EV_KPARKED	0x80
#define EV_KMASK	(EV_READ | EV_WRITE | EV_HUP)
static int			*ev_parked;
static int			 ev_nparked;

/*
 * A stream socket whose owner asks for EV_EDGE is in the kernel's set
 * once, for everything and edge-triggered (EPOLLET), from its first
 * ev_set() on: a change of interest then costs no system call, and a
 * socket that gave its end-of-file and is watched only for its hangup is
 * not reported at every wait.  The kernel reports only what changed, so
 * the slot remembers what it was told (EV_KEDGE, and the EV_KMASK bits of
 * its kernel field) until the owner says a call would block (ev_blocked())
 * or a read came short (ev_short_read()), and the loop calls the owner
 * while it remembers an event the owner watches: in the round that found
 * it, and then in every round without sleeping (the slot is hot, listed
 * in ev_hot with EV_KHOT), as a level-triggered wait would report it.  An
 * owner that does not say so costs a call that says EAGAIN, never a
 * stall.  EV_KEOF: the peer's end, urgent data or an error was seen, and
 * a short read then proves nothing (the end, or what follows the urgent
 * mark, waits with no edge to come).  Writability is asked of the kernel
 * from the first time the owner waits for it on (EV_KOUT), one change
 * then: most sockets are written to without a wait, and one in the set
 * for it is reported at each change of its state (its own shutdown).
 */
#define EV_KEOF		0x08
#define EV_KHOT		0x10
#define EV_KOUT		0x20
#define EV_KEDGE	0x40
#define EV_KLIST	(EV_KPARKED | EV_KHOT)	/* Kept through changes. */
static int			*ev_hot;		/* Grown as needed: few are. */
static int			 ev_nhot;
static int			 ev_hot_size;

/*
 * Descriptors to report ready in the next round whatever the kernel says
 * (ev_again()): a reader whose source holds data no poll announces and
 * that stopped taking it to let the others run.  The generation taken
 * with each tells a slot that changed since.
 */
struct ev_again {
	int		 fd;
	int		 events;
	unsigned short	 gen;
};
static struct ev_again		*ev_agains;
static int			 ev_nagains;
static int			 ev_agains_size;

static int	ev_wait_again(int);

/* What runs first in each round (ev_every_round()), or NULL. */
static void	(*ev_first)(void);

#ifdef SC_DEBUG
/*
 * The event-order knob of debug builds (SC_EVENT_ORDER): "reverse" hands
 * out what one round found ready last first, "seed:N" in an order drawn
 * from N, the same for the same N.  It also turns round the pump's own
 * choices of what to do first (ev_order_swap()) and the order of timers
 * due at the same time, so that no rule of the program can lean on the
 * order the kernel happens to list events in.
 */
enum { EV_ORDER_KERNEL, EV_ORDER_REVERSE, EV_ORDER_SEED };
static int		 ev_order = -1;
static uint64_t		 ev_order_state;

/* Read SC_EVENT_ORDER once; a value it cannot read is said and ignored. */
static __shortrun void
ev_order_init(void)
{
	const char	*order = getenv("SC_EVENT_ORDER"), *errstr;
	long long	 seed;

	ev_order = EV_ORDER_KERNEL;
	if (order == NULL || *order == '\0')
		return;
	if (strcmp(order, "reverse") == 0) {
		ev_order = EV_ORDER_REVERSE;
		return;
	}
	if (strncmp(order, "seed:", 5) == 0) {
		seed = strtonum(order + 5, 0, LLONG_MAX, &errstr);
		if (errstr == NULL) {
			ev_order = EV_ORDER_SEED;
			ev_order_state = (uint64_t)seed * 2654435761u + 1;
			return;
		}
	}
	log_warnx("SC_EVENT_ORDER=%s: not reverse or seed:N, ignored", order);
}

/* The next number of the seeded order (xorshift64). */
static uint32_t
ev_order_next(void)
{
	ev_order_state ^= ev_order_state << 13;
	ev_order_state ^= ev_order_state >> 7;
	ev_order_state ^= ev_order_state << 17;
	return ((uint32_t)(ev_order_state >> 32));
}

__shortrun int
ev_order_swap(void)
{
	if (ev_order == -1)
		ev_order_init();
	if (ev_order == EV_ORDER_REVERSE)
		return (1);
	if (ev_order == EV_ORDER_SEED)
		return (ev_order_next() & 1);
	return (0);
}

/* Put the n entries of ev_fired in the knob's order. */
static void
ev_order_fired(int n)
{
	struct ev_fired	 t;
	int		 i, j;

	if (ev_order == -1)
		ev_order_init();
	for (i = 0; i < n / 2 && ev_order == EV_ORDER_REVERSE; i++) {
		t = ev_fired[i];
		ev_fired[i] = ev_fired[n - 1 - i];
		ev_fired[n - 1 - i] = t;
	}
	for (i = n - 1; i > 0 && ev_order == EV_ORDER_SEED; i--) {
		j = ev_order_next() % (u_int)(i + 1);
		t = ev_fired[i];
		ev_fired[i] = ev_fired[j];
		ev_fired[j] = t;
	}
}
#else
#define ev_order_fired(n)	((void)(n))
#endif

/* The name of the wait call, for --version. */
const char *
ev_backend(void)
{
	return ("epoll");
}

/*
 * The number of the current round: a watcher called in two rounds in a row
 * knows its descriptor was ready at both waits.
 */
unsigned long
ev_round(void)
{
	return (ev_rounds);
}

/* Is the epoll instance made?  A process forked after would share it. */
__startup int
ev_started(void)
{
	return (ev_epfd != -1);
}

/* Milliseconds on the monotonic clock. */
__shortrun uint64_t
ev_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* Make room in the tables for fd.  Returns -1 with errno. */
static __startup int
ev_grow(int fd)
{
	struct ev_fd		*fds;
	struct ev_fired		*fired;
	struct epoll_event	*epevs;
	int			*always;
	int			 n;

	if (fd < ev_nfds)
		return (0);
	/*
	 * An eighth more than asked, not twice: the slots are cleared, so
	 * every one costs memory, and with thousands of clients a doubling
	 * would leave most of the last step unused.  Large tables are moved
	 * by mremap(2), so the extra steps cost little.
	 */
	n = ev_nfds ? ev_nfds : 64;
	while (n <= fd)
		n += n / 8 > 64 ? n / 8 : 64;
	if ((fds = reallocarray(ev_fds, n, sizeof(*fds))) == NULL)
		return (-1);
	memset(fds + ev_nfds, 0, (n - ev_nfds) * sizeof(*fds));
	ev_fds = fds;
	if ((fired = reallocarray(ev_fired, n, sizeof(*fired))) == NULL)
		return (-1);
	ev_fired = fired;
	/* The kernel's set, made with the first table, and its tables. */
	if (ev_epfd == -1 &&
	    (ev_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return (-1);
	if ((epevs = reallocarray(ev_epevs, n, sizeof(*epevs))) == NULL)
		return (-1);
	ev_epevs = epevs;
	if ((always = reallocarray(ev_always, n, sizeof(*always))) == NULL)
		return (-1);
	ev_always = always;
	if ((always = reallocarray(ev_parked, n, sizeof(*always))) == NULL)
		return (-1);
	ev_parked = always;
	ev_nfds = n;
	return (0);
}

/* Forget that fd is always ready. */
static void
ev_always_del(int fd)
{
	struct ev_fd	*e = &ev_fds[fd];
	int		 i = e->always - 1, last;

	last = ev_always[--ev_nalways];
	ev_always[i] = last;
	ev_fds[last].always = i + 1;
	e->always = 0;
}

/*
 * Tell the kernel what fd's slot asks for, edge-triggered if edge; only on
 * a change.  Returns -1 with errno.
 */
static __startup int
ev_backend_set(int fd, int edge)
{
	struct ev_fd		*e = &ev_fds[fd];
	struct epoll_event	 ev = { .data.fd = fd };
	int			 op, known, out = 0;

	if (e->always) {
		if (e->events == 0)
			ev_always_del(fd);
		return (0);
	}
	/* Is fd in the kernel's set? */
	known = e->kernel & ((e->kernel & EV_KEDGE) ? EV_KEDGE : EV_KMASK);
	if (e->events == 0) {
		/*
		 * A level-triggered descriptor may be closed already: that
		 * removed it.  An edge-triggered one is in the set while
		 * unwatched, as a parked one is, and under the same rule.
		 */
		if (known && epoll_ctl(ev_epfd, EPOLL_CTL_DEL, fd, &ev) == -1)
			DEBUG_CHECK(!(e->kernel & EV_KEDGE) ||
			    (errno != EBADF && errno != ENOENT), "an "
			    "edge-triggered descriptor closed without "
			    "ev_del() or ev_close()");
		e->kernel &= EV_KLIST;
		return (0);
	}
	if (edge) {
		/* In the set for all it needs: the kernel knows. */
		out = (e->events & EV_WRITE) || (e->kernel & EV_KOUT);
		if ((e->kernel & EV_KEDGE) && (!out || (e->kernel & EV_KOUT)))
			return (0);
		ev.events = EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLET |
		    (out ? EPOLLOUT : 0);
	} else {
		/* Parked with these very events: the kernel has them. */
		if (!(e->kernel & EV_KEDGE) &&
		    (e->kernel & EV_KMASK) == e->events)
			return (0);
		if (e->events & EV_READ)
			ev.events |= EPOLLIN | EPOLLRDHUP;
		if (e->events & EV_WRITE)
			ev.events |= EPOLLOUT;
	}
	op = known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(ev_epfd, op, fd, &ev) == -1) {
		/*
		 * A descriptor closed and reopened without ev_del() is no
		 * longer known (ENOENT); one we did not know of is (EEXIST).
		 */
		if (errno == ENOENT)
			op = EPOLL_CTL_ADD;
		else if (errno == EEXIST)
			op = EPOLL_CTL_MOD;
		else if (errno == EPERM) {
			/* Regular files and the like: always ready. */
			ev_always[ev_nalways++] = fd;
			e->always = ev_nalways;
			e->kernel &= EV_KLIST;
			return (0);
		} else
			return (-1);
		if (epoll_ctl(ev_epfd, op, fd, &ev) == -1)
			return (-1);
	}
	/* Edge-triggered: what is ready now the kernel reports as a change. */
	if (edge && (e->kernel & EV_KEDGE))
		e->kernel |= EV_KOUT;
	else if (edge)
		e->kernel = EV_KEDGE | (out ? EV_KOUT : 0) |
		    (e->kernel & EV_KLIST);
	else
		e->kernel = e->events | (e->kernel & EV_KLIST);
	return (0);
}

/*
 * Call edge-triggered fd's owner next round without a wait if it watches
 * an event the slot remembers, as a level-triggered wait would.  Returns
 * -1 with errno (ENOMEM).
 */
static __startup int
ev_edge_hot(int fd)
{
	struct ev_fd	*e = &ev_fds[fd];
	int		*hot, n;

	if ((e->kernel & (EV_KEDGE | EV_KHOT)) != EV_KEDGE ||
	    (e->kernel & e->events & EV_KMASK) == 0)
		return (0);
	if (ev_nhot == ev_hot_size) {
		n = ev_hot_size ? ev_hot_size * 2 : 16;
		if ((hot = reallocarray(ev_hot, n, sizeof(*hot))) == NULL)
			return (-1);
		ev_hot = hot;
		ev_hot_size = n;
	}
	ev_hot[ev_nhot++] = fd;
	e->kernel |= EV_KHOT;
	return (0);
}

/*
 * A call on edge-triggered fd said EAGAIN for events: not ready until the
 * kernel reports them again.  A no-op when fd is level-triggered.
 */
void
ev_blocked(int fd, int events)
{
	if (fd >= 0 && fd < ev_nfds && (ev_fds[fd].kernel & EV_KEDGE))
		ev_fds[fd].kernel &= ~(events & (EV_READ | EV_WRITE));
}

/*
 * A read from edge-triggered stream socket fd returned less than asked:
 * its queue is empty.  Not after EV_KEOF (a read stops short of the urgent
 * mark; the end brings no change).  A no-op when fd is level-triggered.
 */
void
ev_short_read(int fd)
{
	if (fd >= 0 && fd < ev_nfds &&
	    (ev_fds[fd].kernel & (EV_KEDGE | EV_KEOF)) == EV_KEDGE)
		ev_fds[fd].kernel &= ~EV_READ;
}

/*
 * At the end of a round, take out of the kernel's set what a wait found
 * ready while parked, or it would be found ready at every wait.
 */
static void
ev_unpark(void)
{
	struct epoll_event	 ev = { .events = 0 };
	struct ev_fd		*e;
	int			 i, fd;

	for (i = 0; i < ev_nparked; i++) {
		fd = ev_parked[i];
		e = &ev_fds[fd];
		/* Watched edge-triggered since: it stays, as such ones do. */
		if (e->kernel & EV_KEDGE) {
			e->kernel &= ~EV_KPARKED;
			continue;
		}
		if (e->events == 0 && (e->kernel & EV_KMASK) &&
		    epoll_ctl(ev_epfd, EPOLL_CTL_DEL, fd, &ev) == -1)
			DEBUG_CHECK(errno != EBADF, "a parked descriptor "
			    "closed without ev_del() or ev_close()");
		e->kernel = (e->events != 0 ? e->kernel & EV_KMASK : 0) |
		    (e->kernel & EV_KHOT);
	}
	ev_nparked = 0;
}

/* The one wait: fills ev_fired.  Returns its entries, or -1 with errno. */
static int
ev_wait(int timeout)
{
	struct epoll_event	*ev;
	struct ev_fired		*f;
	struct ev_fd		*e;
	int			 i, n, fd, ready;

	if (ev_nfds == 0 && ev_grow(0) == -1)
		return (-1);
	/* Something is ready already: look, but do not sleep. */
	if (ev_nalways > 0 || ev_nagains > 0 || ev_nhot > 0)
		timeout = 0;
	ev_rounds++;
	if ((n = epoll_wait(ev_epfd, ev_epevs, ev_nfds, timeout)) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		ev = &ev_epevs[i];
		f = &ev_fired[i];
		f->fd = fd = ev->data.fd;
		e = &ev_fds[fd];
		f->gen = e->gen;
		ready = 0;
		if (ev->events & (EPOLLIN|EPOLLRDHUP|EPOLLHUP|EPOLLERR))
			ready |= EV_READ;
		if (ev->events & (EPOLLOUT|EPOLLHUP|EPOLLERR))
			ready |= EV_WRITE;
		/* epoll reports these whatever it was asked to watch. */
		if (ev->events & (EPOLLHUP|EPOLLERR))
			ready |= EV_HUP;
		f->ready = ready;
		/*
		 * Edge-triggered: remembered, watched or not; a hot one is
		 * called for this entry, not listed again below.
		 */
		if (e->kernel & EV_KEDGE) {
			if (ev->events & EPOLLPRI)
				f->ready = ready |= EV_READ;
			e->kernel = (e->kernel | ready) & ~EV_KHOT;
			if (ev->events &
			    (EPOLLPRI|EPOLLRDHUP|EPOLLHUP|EPOLLERR))
				e->kernel |= EV_KEOF;
			continue;
		}
		/* Parked and ready: out of the set after this round. */
		if (e->events == 0 && !(e->kernel & EV_KPARKED)) {
			ev_parked[ev_nparked++] = fd;
			e->kernel |= EV_KPARKED;
		}
	}
	for (i = 0; i < ev_nalways; i++, n++) {
		f = &ev_fired[n];
		f->fd = fd = ev_always[i];
		f->gen = ev_fds[fd].gen;
		f->ready = ev_fds[fd].events;
	}
	/*
	 * The hot the kernel did not list, called with what their slot
	 * remembers then: each descriptor has one entry at most.
	 */
	for (i = 0; i < ev_nhot; i++) {
		fd = ev_hot[i];
		e = &ev_fds[fd];
		if (!(e->kernel & EV_KHOT))
			continue;
		e->kernel &= ~EV_KHOT;
		if (!(e->kernel & EV_KEDGE) ||
		    (e->kernel & e->events & EV_KMASK) == 0)
			continue;
		f = &ev_fired[n++];
		f->fd = fd;
		f->gen = e->gen;
		f->ready = 0;
	}
	ev_nhot = 0;
	n = ev_wait_again(n);
	ev_order_fired(n);
	return (n);
}

/*
 * Add ev_again()'s requests to the n entries of ev_fired, one entry per
 * descriptor.  Returns the entries.
 */
static int
ev_wait_again(int n)
{
	struct ev_again	*a;
	int		 i, j;

	for (i = 0; i < ev_nagains; i++) {
		a = &ev_agains[i];
		if (a->fd >= ev_nfds || ev_fds[a->fd].gen != a->gen ||
		    (ev_fds[a->fd].events & a->events) == 0)
			continue;
		for (j = 0; j < n && ev_fired[j].fd != a->fd; j++)
			;
		if (j == n) {
			ev_fired[n].fd = a->fd;
			ev_fired[n].gen = a->gen;
			ev_fired[n++].ready = 0;
		}
		ev_fired[j].ready |= a->events & ev_fds[a->fd].events;
	}
	ev_nagains = 0;
	return (n);
}

/*
 * Report fd ready for events next round, as if the kernel had: for a
 * reader that left data its source holds (inflated, decrypted).  Not
 * called if fd is no longer watched for them, or by another.  Returns -1
 * with errno.
 */
int
ev_again(int fd, int events)
{
	struct ev_again	*a;
	int		 i, n;

	if (fd < 0 || fd >= ev_nfds || (ev_fds[fd].events & events) == 0) {
		errno = EBADF;
		return (-1);
	}
	for (i = 0; i < ev_nagains; i++) {
		a = &ev_agains[i];
		if (a->fd == fd && a->gen == ev_fds[fd].gen) {
			a->events |= events;
			return (0);
		}
	}
	if (ev_nagains == ev_agains_size) {
		n = ev_agains_size ? ev_agains_size * 2 : 8;
		if ((a = reallocarray(ev_agains, n, sizeof(*a))) == NULL)
			return (-1);
		ev_agains = a;
		ev_agains_size = n;
	}
	a = &ev_agains[ev_nagains++];
	a->fd = fd;
	a->events = events;
	a->gen = ev_fds[fd].gen;
	return (0);
}

/* Slot e watches nothing now: its callback is not called again. */
static void
ev_unwatch(struct ev_fd *e)
{
	if (e->events != 0)
		ev_nwatched--;
	e->events = 0;
	e->cb = NULL;
	e->arg = NULL;
	e->gen++;
}

/*
 * Watch fd for events (EV_READ, EV_WRITE) and call cb from the loop when
 * one is ready; events 0 stops.  Returns -1 with errno.
 */
__startup int
ev_set(int fd, int events, ev_fd_cb *cb, void *arg)
{
	struct ev_fd	*e;
	int		 edge = (events & EV_EDGE) != 0;

	if (fd < 0) {
		errno = EBADF;
		return (-1);
	}
	events &= ~EV_EDGE;
	if (events == 0) {
		ev_del(fd);
		return (0);
	}
	if (ev_grow(fd) == -1)
		return (-1);
	e = &ev_fds[fd];
	if (e->events == events && e->cb == cb && e->arg == arg &&
	    edge == ((e->kernel & EV_KEDGE) != 0))
		return (0);
	if (e->events == 0)
		ev_nwatched++;
	e->events = events;
	e->cb = cb;
	e->arg = arg;
	e->gen++;
	if (ev_backend_set(fd, edge) == -1) {
		ev_unwatch(e);
		return (-1);
	}
	/* What it was told of while unwatched is reported now. */
	return (ev_edge_hot(fd));
}

/* Stop watching fd, if watched; call before closing it. */
__shortrun void
ev_del(int fd)
{
	struct ev_fd	*e;

	if (fd < 0 || fd >= ev_nfds)
		return;
	e = &ev_fds[fd];
	if (e->events == 0 && (e->kernel & (EV_KMASK | EV_KEDGE)) == 0)
		return;
	ev_unwatch(e);
	ev_backend_set(fd, 0);
}

/*
 * Stop watching fd but leave it in the kernel's set until a wait finds it
 * ready, so that watching it again or ev_close() costs less.  fd must go
 * to ev_del() or ev_close() before it is closed.
 */
void
ev_park(int fd)
{
	struct ev_fd	*e;

	if (fd < 0 || fd >= ev_nfds || ev_fds[fd].events == 0)
		return;
	e = &ev_fds[fd];
	if (e->always || (e->kernel & (EV_KMASK | EV_KEDGE)) == 0) {
		ev_del(fd);
		return;
	}
	ev_unwatch(e);
}

/*
 * Stop watching fd and close it, with no change to the kernel's set.  Only
 * for a descriptor no other process holds (the set holds the file).
 * Returns close(2)'s result.
 */
int
ev_close(int fd)
{
	struct ev_fd	*e;

	if (fd >= 0 && fd < ev_nfds) {
		e = &ev_fds[fd];
		if (e->always)
			ev_always_del(fd);
		ev_unwatch(e);
		/* A pending removal finds nothing to remove. */
		e->kernel &= EV_KLIST;
	}
	return (close(fd));
}

__startup void
ev_timer_init(struct ev_timer *t, ev_timer_cb *cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

/* Fire t once, ms milliseconds from now; re-arming moves it. */
__shortrun void
ev_timer_arm(struct ev_timer *t, long long ms)
{
	struct ev_timer	*it;

	ev_timer_disarm(t);
	if (ms < 0)
		ms = 0;
	t->when = ev_now() + (uint64_t)ms;
	if (t->when == 0)
		t->when = 1;
	/*
	 * After those due at the same time, or, as the event-order knob
	 * may say, before them.
	 */
	TAILQ_FOREACH(it, &ev_timers, entry) {
		if (it->when > t->when || (it->when == t->when &&
		    ev_order_swap())) {
			TAILQ_INSERT_BEFORE(it, t, entry);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&ev_timers, t, entry);
}

__shortrun void
ev_timer_disarm(struct ev_timer *t)
{
	if (t->when == 0)
		return;
	TAILQ_REMOVE(&ev_timers, t, entry);
	t->when = 0;
}

__startup int
ev_timer_armed(const struct ev_timer *t)
{
	return (t->when != 0);
}

/*
 * While weak, fd (the signal pipe, when only ev_signal_weak()'s signals
 * are watched) does not by itself keep ev_loop() going.
 */
void
ev_weak(int fd, int weak)
{
	ev_weakfd = weak ? fd : -1;
}

/*
 * Is a descriptor watched (but a weak one alone) or a timer not
 * EV_TIMER_WEAK armed?  Weak timers never keep an idle loop alive.
 */
static int
ev_busy(void)
{
	struct ev_timer	*t;

	if (ev_nwatched > 1 || (ev_nwatched == 1 && (ev_weakfd == -1 ||
	    ev_fds[ev_weakfd].events == 0)))
		return (1);
	TAILQ_FOREACH(t, &ev_timers, entry) {
		if (!(t->flags & EV_TIMER_WEAK))
			return (1);
	}
	return (0);
}

/*
 * Is fd readable now (data, end or error)?  Asks the kernel without
 * waiting, for a rule that must not depend on the round's order.
 */
int
ev_ready(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	return (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0);
}

/* Run fn first in every round, before what it found ready (evsignal.c). */
void
ev_every_round(void (*fn)(void))
{
	ev_first = fn;
}

/* Ask ev_loop() to return after the current round. */
__shortrun void
ev_break(void)
{
	ev_stop = 1;
}

static __shortrun void
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
 * Run until ev_break() or nothing is left to wait for.  Returns 0, or -1
 * with errno when the wait fails or memory runs out.
 */
__startup int
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
		/*
		 * Signals first: one that came before the descriptors of
		 * this round were ready is handled before them (a terminal
		 * resized, then typed into, sends the new size first).
		 */
		if (ev_first != NULL)
			ev_first();
		/* The knob may run the timers due before the descriptors. */
		if (ev_order_swap())
			ev_run_timers();
		for (i = 0; i < n && !ev_stop; i++) {
			fd = ev_fired[i].fd;
			e = &ev_fds[fd];
			/*
			 * A callback earlier in this round may have closed
			 * this descriptor, or another may now use its number:
			 * the generation tells.
			 */
			if (e->gen != ev_fired[i].gen || e->events == 0)
				continue;
			ready = ev_fired[i].ready;
			/* Edge-triggered: what the slot remembers now. */
			if (e->kernel & EV_KEDGE)
				ready |= e->kernel & EV_KMASK;
			if ((ready &= e->events) == 0)
				continue;
			e->cb(fd, ready, e->arg);
			/* Still ready for what it watches: the next round. */
			if (ev_edge_hot(fd) == -1)
				return (-1);
		}
		if (!ev_stop)
			ev_run_timers();
		ev_unpark();
	}
	return (0);
}
