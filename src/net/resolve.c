/*
 * Name resolution off the event loop: getaddrinfo(3) and getnameinfo(3)
 * in a small pool of threads of our own, each answer a callback from the
 * loop, so that a resolver that never answers stalls only the lookup
 * that asked.  A lookup made for a peer (resolve_start_for()) counts in
 * that peer's share of the workers, and a peer's name in /etc/hosts, or
 * an address, is answered with no worker at all.  Why not getaddrinfo_a(3),
 * and how the shares are bounded: doc/design.md, "Name resolution".
 *
 * The workers touch nothing but the queue and the shares, under one mutex;
 * the loop side (start, cancel, deliver) runs in the main thread only.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net.h"

/* Where a lookup stands. */
enum resolve_state {
	RS_QUEUED,		/* waiting for a worker */
	RS_RUNNING,		/* a worker is in getaddrinfo() */
	RS_DONE,		/* answered, waiting for the loop */
};

/*
 * The lookups one peer has asked for, while it has any.  A peer is an
 * IPv4 address, or an IPv6 address's /64: whoever has one address there
 * usually has them all.
 */
struct resolve_peer {
	int			 family;
	unsigned char		 addr[8];
	int			 running;	/* in a worker, even cancelled */
	int			 lookups;	/* queued or running */
	LIST_ENTRY(resolve_peer) entry;
};

/* What a lookup asks. */
enum resolve_kind {
	RK_ADDR,		/* a name's addresses: getaddrinfo() */
	RK_NAME,		/* an address's name: getnameinfo() */
};

struct resolve {
	enum resolve_kind	 kind;
	char			*host;	/* NULL: none (the port alone) */
	char			*port;
	struct addrinfo		 hints;
	resolve_cb		*cb;
	void			*arg;
	enum resolve_state	 state;
	int			 cancelled;
	int			 local;	/* answered at once, on the loop */
	int			 error;	/* getaddrinfo()'s answer */
	int			 sys_errno; /* with EAI_SYSTEM */
	struct addrinfo		*res;
	resolve_name_cb		*name_cb; /* RK_NAME: cb's place */
	struct sockaddr_storage	 ss;	/* RK_NAME: the address */
	socklen_t		 sslen;
	char			 name[NI_MAXHOST]; /* RK_NAME: the answer */
	const char		*starting; /* ASYNC_START() */
	struct resolve_peer	*peer;	/* whose share, until it has ended */
	TAILQ_ENTRY(resolve)	 entry;
};

TAILQ_HEAD(resolve_list, resolve);

static pthread_mutex_t		 resolve_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t		 resolve_cond = PTHREAD_COND_INITIALIZER;
static struct resolve_list	 resolve_queue =
    TAILQ_HEAD_INITIALIZER(resolve_queue);
static struct resolve_list	 resolve_done =
    TAILQ_HEAD_INITIALIZER(resolve_done);
static size_t			 resolve_queued;  /* in resolve_queue */
static int			 resolve_threads; /* workers started */
static int			 resolve_idle;	  /* waiting for work */
static int			 resolve_busy;	  /* in a lookup, even cancelled */
static int			 resolve_pipe[2] = { -1, -1 };
static int			 resolve_stopping; /* exit: workers leave */
static pthread_t		 resolve_tids[RESOLVE_THREADS_MAX];
static LIST_HEAD(, resolve_peer) resolve_peers =
    LIST_HEAD_INITIALIZER(resolve_peers);

/* Loop side only: lookups whose callback is still to come. */
static size_t			 resolve_live;

/*
 * Loop side only: lookups answered at once (an address, a name of the
 * hosts file), whose callbacks a timer of no delay runs later in the same
 * round of the loop, after the callback that started them has returned.
 * The pipe is for the workers: a forwarder that dials an address for
 * every connection would otherwise pay a write, two reads, two changes
 * to the watched set and a round of the loop for each.
 */
static struct resolve_list	 resolve_ready =
    TAILQ_HEAD_INITIALIZER(resolve_ready);
static struct ev_timer		 resolve_kick;

static void	resolve_deliver_cb(int, int, void *);
static void	resolve_kick_cb(void *);
static void	resolve_run(struct resolve_list *);
static struct resolve *resolve_submit(struct resolve *,
		    const struct sockaddr *, int);

static void
resolve_free(struct resolve *r)
{
	if (r->res != NULL)
		freeaddrinfo(r->res);
	free(r->host);
	free(r->port);
	free(r);
}

/*
 * Tell the loop that resolve_done has something; called with the lock
 * held.  One byte says it: the loop takes the whole list each time.
 */
static void
resolve_wake(void)
{
	char	 c = 0;

	if (TAILQ_EMPTY(&resolve_done))
		write_quiet(resolve_pipe[1], &c, 1);
}

/*
 * Count one more lookup in the share of the peer at sa (none for an
 * address that is neither IPv4 nor IPv6), made if new; called with the
 * lock held.  Returns -1 when the peer has RESOLVE_PEER_MAX lookups
 * already, or with no memory.
 */
static int
resolve_peer_get(const struct sockaddr *sa, struct resolve_peer **pp)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;
	struct resolve_peer		*p;
	unsigned char			 addr[8] = { 0 };
	int				 family;

	*pp = NULL;
	if (sa == NULL)
		return (0);
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		memcpy(addr, &sin->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		/* A dual-stack listener's IPv4 client is that client. */
		family = AF_INET;
		memcpy(addr, &sin6->sin6_addr.s6_addr[12], 4);
	} else if (sa->sa_family == AF_INET6) {
		family = AF_INET6;
		memcpy(addr, &sin6->sin6_addr, 8);
	} else
		return (0);
	LIST_FOREACH(p, &resolve_peers, entry)
		if (p->family == family && memcmp(p->addr, addr, 8) == 0)
			break;
	if (p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return (-1);
		p->family = family;
		memcpy(p->addr, addr, 8);
		LIST_INSERT_HEAD(&resolve_peers, p, entry);
	}
	if (p->lookups >= RESOLVE_PEER_MAX)
		return (-1);
	p->lookups++;
	*pp = p;
	return (0);
}

/* One lookup less in the share p (NULL: none); called with the lock held. */
static void
resolve_peer_put(struct resolve_peer *p)
{
	if (p == NULL || --p->lookups > 0)
		return;
	LIST_REMOVE(p, entry);
	free(p);
}

/*
 * May a worker take r now?  Not beyond its peer's share; and once
 * RESOLVE_THREADS lookups run, only for a peer that has none running (or
 * for sockcat itself), so that the workers added beyond them go to
 * those the others are starving.
 */
static int
resolve_may_run(const struct resolve *r)
{
	if (r->peer == NULL)
		return (1);
	return (r->peer->running < RESOLVE_PEER_THREADS &&
	    (resolve_busy < RESOLVE_THREADS || r->peer->running == 0));
}

/*
 * The first lookup queued that a worker may take, or NULL; called with the
 * lock held.  One peer's lookups beyond its share wait while those of
 * others, queued after them, go first.
 */
static struct resolve *
resolve_next(void)
{
	struct resolve	*r;

	TAILQ_FOREACH(r, &resolve_queue, entry)
		if (resolve_may_run(r))
			break;
	return (r);
}

/* How many lookups queued a worker may take now; lock held. */
static int
resolve_runnable(void)
{
	struct resolve	*r;
	int		 n = 0;

	TAILQ_FOREACH(r, &resolve_queue, entry)
		if (resolve_may_run(r))
			n++;
	return (n);
}

static void *
resolve_worker(void *arg)
{
	struct resolve	*r;
	int		 error;

	(void)arg;
	pthread_mutex_lock(&resolve_lock);
	for (;;) {
		/*
		 * A worker ending a lookup looks here again, so a peer's
		 * next lookup, held back by its share, is taken then.
		 */
		while (!resolve_stopping && (r = resolve_next()) == NULL) {
			resolve_idle++;
			pthread_cond_wait(&resolve_cond, &resolve_lock);
			resolve_idle--;
		}
		if (resolve_stopping)
			break;
		TAILQ_REMOVE(&resolve_queue, r, entry);
		resolve_queued--;
		r->state = RS_RUNNING;
		if (r->peer != NULL)
			r->peer->running++;
		resolve_busy++;
		pthread_mutex_unlock(&resolve_lock);

		if (r->kind == RK_NAME)
			error = getnameinfo((struct sockaddr *)&r->ss,
			    r->sslen, r->name, sizeof(r->name), NULL, 0,
			    NI_NAMEREQD);
		else
			error = getaddrinfo(r->host, r->port, &r->hints,
			    &r->res);

		pthread_mutex_lock(&resolve_lock);
		/* Cancelled or not, it held a worker until now. */
		resolve_busy--;
		if (r->peer != NULL) {
			r->peer->running--;
			resolve_peer_put(r->peer);
			r->peer = NULL;
		}
		r->error = error;
		r->sys_errno = errno;
		if (error != 0)
			r->res = NULL;
		r->state = RS_DONE;
		resolve_wake();
		TAILQ_INSERT_TAIL(&resolve_done, r, entry);
	}
	pthread_mutex_unlock(&resolve_lock);
	return (NULL);
}

/*
 * At exit, the workers waiting for work leave and are joined, so that
 * the C library frees what each holds for its lookups (its resolver
 * configuration); a worker still in getaddrinfo() is given a tenth of a
 * second and then left to the end of the process.  Not from a signal
 * handler: nothing here is async-signal-safe.
 */
static void
resolve_stop(int sig)
{
	int	 n;

	if (sig != 0 || resolve_stopping)
		return;
	pthread_mutex_lock(&resolve_lock);
	resolve_stopping = 1;
	n = resolve_threads;
	pthread_cond_broadcast(&resolve_cond);
	pthread_mutex_unlock(&resolve_lock);
	threads_join(resolve_tids, n);
}

/*
 * A new worker, which takes no signal: the main thread handles them.  The
 * first one registers resolve_stop() to run at exit.
 */
static int
resolve_spawn(void)
{
	pthread_t	 t;

	/* getaddrinfo() needs little: keep the address space small. */
	if (thread_start(&t, resolve_worker, RESOLVE_STACK) == -1)
		return (-1);
	if (resolve_threads == 0)
		cleanup_add(resolve_stop);
	resolve_tids[resolve_threads] = t;
	resolve_threads++;
	return (0);
}

static int
resolve_init(void)
{
	if (resolve_pipe[0] != -1)
		return (0);
	if (pipe2(resolve_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		resolve_pipe[0] = resolve_pipe[1] = -1;
		return (-1);
	}
	return (0);
}

/* Watch the pipe only while a callback is due: it must not keep the loop. */
static void
resolve_watch(void)
{
	if (resolve_live > 0)
		ev_set(resolve_pipe[0], EV_READ, resolve_deliver_cb, NULL);
	else
		ev_del(resolve_pipe[0]);
}

/*
 * Look host up in RESOLVE_HOSTS, as the C library's "files" source does,
 * for port with hints (their family, socket type and flags apply): *res
 * gets the addresses of every line that names host, in the file's order.
 * Returns 0, or EAI_NONAME when the file names no address of that family
 * for host (then the resolver may know it).
 */
static int
resolve_hosts(const char *host, const char *port,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo	 numeric, *ai, **tail = res;
	FILE		*f;
	char		*line = NULL, *addr, *name, *last;
	size_t		 size = 0;

	*res = NULL;
	if ((f = fopen(RESOLVE_HOSTS, "re")) == NULL)
		return (EAI_NONAME);
	numeric = *hints;
	numeric.ai_flags |= AI_NUMERICHOST;
	while (getline(&line, &size, f) != -1) {
		line[strcspn(line, "#\r\n")] = '\0';
		if ((addr = strtok_r(line, " \t", &last)) == NULL)
			continue;
		while ((name = strtok_r(NULL, " \t", &last)) != NULL)
			if (strcasecmp(name, host) == 0)
				break;
		/* An address of another family than asked for is no answer. */
		if (name == NULL ||
		    getaddrinfo(addr, port, &numeric, &ai) != 0)
			continue;
		/*
		 * One list of the answers: the C library's freeaddrinfo()
		 * frees a list entry by entry, each its own allocation.
		 */
		*tail = ai;
		while (ai->ai_next != NULL)
			ai = ai->ai_next;
		tail = &ai->ai_next;
	}
	free(line);
	fclose(f);
	return (*res != NULL ? 0 : EAI_NONAME);
}

/*
 * Look the address sa up in RESOLVE_HOSTS, as the C library's "files"
 * source does for a name: the first name of the first line with that
 * address goes to name.  Returns 0, or EAI_NONAME when the file does not
 * name it (then the resolver may).  An IPv4 address in IPv6 form is left
 * to the C library, which has its own rules for it.
 */
static int
resolve_hosts_name(const struct sockaddr *sa, char *name, size_t size)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;
	const void			*want;
	unsigned char			 addr[sizeof(struct in6_addr)];
	FILE				*f;
	char				*line = NULL, *a, *n, *last;
	size_t				 linesize = 0, len;
	int				 found = 0;

	if (sa->sa_family == AF_INET) {
		want = &sin->sin_addr;
		len = sizeof(sin->sin_addr);
	} else if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		want = &sin6->sin6_addr;
		len = sizeof(sin6->sin6_addr);
	} else
		return (EAI_NONAME);
	if ((f = fopen(RESOLVE_HOSTS, "re")) == NULL)
		return (EAI_NONAME);
	while (!found && getline(&line, &linesize, f) != -1) {
		line[strcspn(line, "#\r\n")] = '\0';
		if ((a = strtok_r(line, " \t", &last)) == NULL ||
		    (n = strtok_r(NULL, " \t", &last)) == NULL ||
		    inet_pton(sa->sa_family, a, addr) != 1 ||
		    memcmp(addr, want, len) != 0)
			continue;
		found = strlcpy(name, n, size) < size;
	}
	free(line);
	fclose(f);
	return (found ? 0 : EAI_NONAME);
}

/*
 * Start resolving host (NULL: none) and port with hints, as getaddrinfo()
 * would.  The answer comes later, from the event loop, never from within
 * this call: cb(error, res, arg), where error is getaddrinfo()'s (0, or
 * EAI_*, with errno set for EAI_SYSTEM) and res, on success, is the
 * caller's to freeaddrinfo().  A numeric host is answered without a
 * worker.  At most RESOLVE_THREADS lookups run at once, and then one more
 * for each peer that has none running (resolve_start_for()), up to
 * RESOLVE_THREADS_MAX; the others wait their turn, up to
 * RESOLVE_QUEUE_MAX of them.  Returns a handle for
 * resolve_cancel(), or NULL with errno (EAGAIN when the queue is full);
 * the handle is no longer valid once the callback has been called.
 */
struct resolve *
resolve_start(const char *host, const char *port,
    const struct addrinfo *hints, resolve_cb *cb, void *arg)
{
	return (resolve_start_for(NULL, host, port, hints, cb, arg));
}

/*
 * As resolve_start(), for the peer at from (NULL: for sockcat itself): a
 * name a client sent.  It counts in that peer's share (EAGAIN when the
 * peer has RESOLVE_PEER_MAX lookups already), and a name that
 * RESOLVE_HOSTS names is answered from there without a worker, so that a
 * resolver made slow by others never delays it.  sockcat's own lookups
 * keep the C library's order and sources, as netcat's do.
 */
struct resolve *
resolve_start_for(const struct sockaddr *from, const char *host,
    const char *port, const struct addrinfo *hints, resolve_cb *cb, void *arg)
{
	struct resolve	*r;
	struct addrinfo	 numeric;
	int		 error, answered;

	if (resolve_init() == -1)
		return (NULL);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	if ((host != NULL && (r->host = strdup(host)) == NULL) ||
	    (port != NULL && (r->port = strdup(port)) == NULL)) {
		resolve_free(r);
		return (NULL);
	}
	r->hints = *hints;
	r->cb = cb;
	r->arg = arg;
	ASYNC_START(r, "resolve_start");

	/* An address needs no resolver: no thread, no wait. */
	numeric = *hints;
	numeric.ai_flags |= AI_NUMERICHOST;
	error = getaddrinfo(host, port, &numeric, &r->res);
	answered = host == NULL || (hints->ai_flags & AI_NUMERICHOST) ||
	    error != EAI_NONAME;
	if (!answered && from != NULL &&
	    resolve_hosts(host, port, hints, &r->res) == 0) {
		answered = 1;
		error = 0;
	}
	if (answered) {
		r->error = error;
		r->sys_errno = errno;
		if (error != 0)
			r->res = NULL;
	} else
		r->res = NULL;
	return (resolve_submit(r, from, answered));
}

/*
 * The answers for addresses (what AI_NUMERICHOST takes) that sockcat
 * dials itself, kept until exit: a forwarder dials its target for every
 * connection, and an address's answer never changes.  A few of them, so
 * that a list of targets read again and again cannot make it grow.
 */
#define RESOLVE_KEPT	16

static struct resolve_kept {
	char		*host;
	char		*port;	/* NULL: none */
	int		 flags;	/* of the hints asked with */
	int		 family;
	int		 socktype;
	int		 protocol;
	struct addrinfo	*res;
} resolve_kept_list[RESOLVE_KEPT];

/*
 * The addresses of host (an address, not a name) and port with hints,
 * looked up once and kept until exit, not the caller's to free.  Returns
 * NULL when host is a name, or the address is refused (resolve_start()
 * then says why), or no place is left to keep one more.
 */
__shortrun struct addrinfo *
resolve_kept(const char *host, const char *port,
    const struct addrinfo *hints)
{
	struct resolve_kept	*k;
	struct addrinfo		 numeric;
	size_t			 i;

	for (i = 0; i < nitems(resolve_kept_list); i++) {
		k = &resolve_kept_list[i];
		if (k->host == NULL)
			break;
		if (strcmp(k->host, host) == 0 && (port == NULL ?
		    k->port == NULL : k->port != NULL &&
		    strcmp(k->port, port) == 0) && k->flags ==
		    hints->ai_flags && k->family == hints->ai_family &&
		    k->socktype == hints->ai_socktype &&
		    k->protocol == hints->ai_protocol)
			return (k->res);
	}
	if (i == nitems(resolve_kept_list))
		return (NULL);
	numeric = *hints;
	numeric.ai_flags |= AI_NUMERICHOST;
	if (getaddrinfo(host, port, &numeric, &k->res) != 0)
		return (k->res = NULL);
	if ((k->host = strdup(host)) == NULL ||
	    (port != NULL && (k->port = strdup(port)) == NULL)) {
		free(k->host);
		k->host = NULL;
		freeaddrinfo(k->res);
		return (k->res = NULL);
	}
	k->flags = hints->ai_flags;
	k->family = hints->ai_family;
	k->socktype = hints->ai_socktype;
	k->protocol = hints->ai_protocol;
	return (k->res);
}

/*
 * Hand the lookup r, made for the peer at from (NULL: sockcat itself), to
 * the loop if it is answered already, to a worker otherwise.  Returns r,
 * or NULL with errno (r is freed).
 */
static struct resolve *
resolve_submit(struct resolve *r, const struct sockaddr *from, int answered)
{
	if (answered) {
		/* No worker touches it: the loop's alone, no lock. */
		r->state = RS_DONE;
		r->local = 1;
		TAILQ_INSERT_TAIL(&resolve_ready, r, entry);
		if (!ev_timer_armed(&resolve_kick)) {
			ev_timer_init(&resolve_kick, resolve_kick_cb, NULL);
			ev_timer_arm(&resolve_kick, 0);
		}
		ASYNC_STARTED(r);
		return (r);
	} else {
		pthread_mutex_lock(&resolve_lock);
		if (resolve_queued >= RESOLVE_QUEUE_MAX ||
		    resolve_peer_get(from, &r->peer) == -1) {
			pthread_mutex_unlock(&resolve_lock);
			resolve_free(r);
			errno = EAGAIN;
			return (NULL);
		}
		r->state = RS_QUEUED;
		TAILQ_INSERT_TAIL(&resolve_queue, r, entry);
		resolve_queued++;
		/*
		 * A worker for each lookup that may run, up to the bound:
		 * beyond RESOLVE_THREADS, only those of peers holding none
		 * may (resolve_may_run()).
		 */
		if (resolve_threads < RESOLVE_THREADS_MAX &&
		    resolve_runnable() > resolve_idle)
			(void)resolve_spawn();
		if (resolve_threads == 0) {
			TAILQ_REMOVE(&resolve_queue, r, entry);
			resolve_queued--;
			resolve_peer_put(r->peer);
			pthread_mutex_unlock(&resolve_lock);
			resolve_free(r);
			errno = EAGAIN;
			return (NULL);
		}
		pthread_cond_signal(&resolve_cond);
		pthread_mutex_unlock(&resolve_lock);
	}
	resolve_live++;
	resolve_watch();
	ASYNC_STARTED(r);
	return (r);
}

/*
 * Start looking up the name of the address sa (of length len), a client's,
 * as getnameinfo() would with NI_NAMEREQD: the answer comes later, from
 * the event loop, never from within this call: cb(error, name, arg),
 * where error is getnameinfo()'s (0, or EAI_*: no name, or none could be
 * had) and name, on success, is valid for the callback's duration.  With
 * numeric (-n) nothing is looked up: cb gets EAI_NONAME, from the loop
 * all the same.  An address RESOLVE_HOSTS names is answered from there
 * without a worker; any other lookup counts in the share of the peer at
 * sa, as resolve_start_for()'s do (EAGAIN beyond it).  Returns a handle
 * for resolve_cancel(), or NULL with errno.
 */
struct resolve *
resolve_name(const struct sockaddr *sa, socklen_t len, int numeric,
    resolve_name_cb *cb, void *arg)
{
	struct resolve	*r;

	if (len > sizeof(r->ss) || (sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6)) {
		errno = EAFNOSUPPORT;
		return (NULL);
	}
	if (resolve_init() == -1)
		return (NULL);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->kind = RK_NAME;
	memcpy(&r->ss, sa, len);
	r->sslen = len;
	r->name_cb = cb;
	r->arg = arg;
	ASYNC_START(r, "resolve_name");
	/* Nor does an address the hosts file names: no worker, no share. */
	r->error = numeric ? EAI_NONAME : resolve_hosts_name(sa, r->name,
	    sizeof(r->name));
	return (resolve_submit(r, sa, numeric || r->error == 0));
}

/*
 * Forget the lookup r: its callback is never called.  A lookup still
 * queued is withdrawn; one a worker is running is freed when it ends.
 */
void
resolve_cancel(struct resolve *r)
{
	int	 local;

	if (r == NULL)
		return;
	/* A lookup withdrawn from the queue is freed below. */
	local = r->local;
	pthread_mutex_lock(&resolve_lock);
	if (r->state == RS_QUEUED) {
		TAILQ_REMOVE(&resolve_queue, r, entry);
		resolve_queued--;
		resolve_peer_put(r->peer);
		resolve_free(r);
	} else
		r->cancelled = 1;
	pthread_mutex_unlock(&resolve_lock);
	if (local)
		return;
	resolve_live--;
	resolve_watch();
}

/* Answers are in: call back each one that is still wanted. */
static void
resolve_deliver_cb(int fd, int events, void *arg)
{
	struct resolve_list	 done = TAILQ_HEAD_INITIALIZER(done);
	char			 buf[64];

	(void)events;
	(void)arg;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&resolve_lock);
	TAILQ_CONCAT(&done, &resolve_done, entry);
	pthread_mutex_unlock(&resolve_lock);
	resolve_run(&done);
}

/* The lookups answered at once: their callbacks, in the order asked. */
static void
resolve_kick_cb(void *arg)
{
	struct resolve_list	 done = TAILQ_HEAD_INITIALIZER(done);

	(void)arg;
	TAILQ_CONCAT(&done, &resolve_ready, entry);
	resolve_run(&done);
}

/* Call back each lookup of done that is still wanted, freeing them all. */
static void
resolve_run(struct resolve_list *done)
{
	struct resolve		*r;
	struct addrinfo		*res;

	while ((r = TAILQ_FIRST(done)) != NULL) {
		TAILQ_REMOVE(done, r, entry);
		if (r->cancelled) {
			resolve_free(r);
			continue;
		}
		res = r->res;
		r->res = NULL;
		if (!r->local) {
			resolve_live--;
			resolve_watch();
		}
		errno = r->sys_errno;
		/* The callback may start or cancel other lookups. */
		if (r->kind == RK_NAME) {
			ASYNC_CALLBACK(r, "resolve_deliver_cb", r->name_cb);
			r->name_cb(r->error, r->error == 0 ? r->name : NULL,
			    r->arg);
		} else {
			ASYNC_CALLBACK(r, "resolve_deliver_cb", r->cb);
			r->cb(r->error, res, r->arg);
		}
		resolve_free(r);
	}
}
