/*
 * Name resolution off the event loop: getaddrinfo(3) and getnameinfo(3) in
 * src/base/pool.c's workers, each answer a callback from the loop; a
 * peer's lookups count in its share, and /etc/hosts or an address needs no
 * worker (doc/design.md, "Name resolution").
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net.h"

/* What a lookup asks. */
enum resolve_kind {
	RK_ADDR,		/* a name's addresses: getaddrinfo() */
	RK_NAME,		/* an address's name: getnameinfo() */
};

struct resolve {
	struct pool_job		 job;	/* first: the pool's */
	enum resolve_kind	 kind;
	char			*host;	/* NULL: none (the port alone) */
	char			*port;
	struct addrinfo		 hints;
	resolve_cb		*cb;
	void			*arg;
	int			 error;	/* getaddrinfo()'s answer */
	int			 sys_errno; /* with EAI_SYSTEM */
	struct addrinfo		*res;
	resolve_name_cb		*name_cb; /* RK_NAME: cb's place */
	struct sockaddr_storage	 ss;	/* RK_NAME: the address */
	socklen_t		 sslen;
	char			 name[NI_MAXHOST]; /* RK_NAME: the answer */
};

static void
resolve_free(struct pool_job *j)
{
	struct resolve	*r = (struct resolve *)j;

	if (r->res != NULL)
		freeaddrinfo(r->res);
	free(r->host);
	free(r->port);
	free(r);
}

/* In a worker: the lookup. */
static void
resolve_work(struct pool_job *j)
{
	struct resolve	*r = (struct resolve *)j;

	if (r->kind == RK_NAME)
		r->error = getnameinfo((struct sockaddr *)&r->ss, r->sslen,
		    r->name, sizeof(r->name), NULL, 0, NI_NAMEREQD);
	else
		r->error = getaddrinfo(r->host, r->port, &r->hints, &r->res);
	r->sys_errno = errno;
	if (r->error != 0)
		r->res = NULL;
}

/* From the loop: the answer to the asker, who owns res. */
static void
resolve_done(struct pool_job *j)
{
	struct resolve	*r = (struct resolve *)j;
	struct addrinfo	*res = r->res;

	r->res = NULL;
	errno = r->sys_errno;
	if (r->kind == RK_NAME)
		r->name_cb(r->error, r->error == 0 ? r->name : NULL, r->arg);
	else
		r->cb(r->error, res, r->arg);
}

static const struct pool_conf resolve_conf = {
	.work = resolve_work,
	.done = resolve_done,
	.free = resolve_free,
	/* getaddrinfo() needs little: keep the address space small. */
	.stack = RESOLVE_STACK,
	.threads = RESOLVE_THREADS,
	.threads_max = RESOLVE_THREADS_MAX,
	.share_threads = RESOLVE_PEER_THREADS,
	.share_max = RESOLVE_PEER_MAX,
	.queue_max = RESOLVE_QUEUE_MAX,
};

static struct pool	*resolve_pool;

/*
 * Look host up in RESOLVE_HOSTS as libc's "files" does, for port with
 * hints; *res every match in order.  Returns 0, or EAI_NONAME (the
 * resolver may know it).
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
 * The first name of RESOLVE_HOSTS's first line for sa, in name.  Returns
 * 0, or EAI_NONAME; IPv4-mapped addresses are left to libc.
 */
static int
resolve_hosts_name(const struct sockaddr *sa, char *name, size_t size)
{
	unsigned char	 addr[16], want[16];
	FILE		*f;
	char		*line = NULL, *a, *n, *last;
	size_t		 linesize = 0, len;
	uint16_t	 port;
	int		 found = 0;

	/* An IPv4-mapped address comes back as IPv4: libc's to look up. */
	if (net_addr_key(sa, want, &port) != sa->sa_family)
		return (EAI_NONAME);
	len = sa->sa_family == AF_INET ? 4 : 16;
	if ((f = fopen(RESOLVE_HOSTS, "re")) == NULL)
		return (EAI_NONAME);
	while (!found && getline(&line, &linesize, f) != -1) {
		line[strcspn(line, "#\r\n")] = '\0';
		/* A line for the address, with its first name if it has one. */
		if ((a = strtok_r(line, " \t", &last)) == NULL ||
		    inet_pton(sa->sa_family, a, addr) != 1 ||
		    memcmp(addr, want, len) != 0)
			continue;
		if ((n = strtok_r(NULL, " \t", &last)) != NULL)
			found = strlcpy(name, n, size) < size;
	}
	free(line);
	fclose(f);
	return (found ? 0 : EAI_NONAME);
}

/*
 * Hand r, for the peer at from, to the loop if answered, else to a worker;
 * the pool is made on first need.  Returns r, or NULL with errno (r freed).
 */
static struct resolve *
resolve_submit(struct resolve *r, const struct sockaddr *from, int answered)
{
	if (resolve_pool == NULL &&
	    (resolve_pool = pool_new(&resolve_conf)) == NULL)
		goto fail;
	if (answered)
		pool_answer(resolve_pool, &r->job);
	else if (pool_submit(resolve_pool, &r->job, from) == -1)
		goto fail;
	return (r);

fail:
	resolve_free(&r->job);
	return (NULL);
}

/*
 * Resolve host (NULL: none) and port with hints; cb(error, res, arg) runs
 * later from the loop, never in this call: error getaddrinfo()'s (errno
 * for EAI_SYSTEM), res the caller's to freeaddrinfo().  A numeric host
 * needs no worker.  RESOLVE_THREADS run at once, one more per peer with
 * none running up to RESOLVE_THREADS_MAX, RESOLVE_QUEUE_MAX wait.  A name
 * the peer at from sent (NULL: ours) is counted in its share (EAGAIN
 * beyond RESOLVE_PEER_MAX), and RESOLVE_HOSTS names need no worker; our
 * own lookups keep libc's order, as nc's.  Returns a handle for
 * resolve_cancel(), valid until cb runs, or NULL with errno (EAGAIN:
 * queue full).
 */
struct resolve *
resolve_start(const struct sockaddr *from, const char *host,
    const char *port, const struct addrinfo *hints, resolve_cb *cb, void *arg)
{
	struct resolve	*r;
	struct addrinfo	 numeric;
	int		 error, answered;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	if ((host != NULL && (r->host = strdup(host)) == NULL) ||
	    (port != NULL && (r->port = strdup(port)) == NULL)) {
		resolve_free(&r->job);
		return (NULL);
	}
	r->hints = *hints;
	r->cb = cb;
	r->arg = arg;
	ASYNC_START(&r->job, "resolve_start");

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
	/* Unanswered here is EAI_NONAME: a failure leaves no list. */
	if (answered) {
		r->error = error;
		r->sys_errno = errno;
	}
	if (error != 0)
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

/* What of the hints makes an answer: compared whole. */
struct resolve_hints {
	int		 flags;
	int		 family;
	int		 socktype;
	int		 protocol;
};

static struct resolve_kept {
	char			*host;
	char			*port;	/* NULL: none */
	struct resolve_hints	 hints;	/* asked with */
	struct addrinfo		*res;
} resolve_kept_list[RESOLVE_KEPT];

/*
 * The addresses of numeric host and port, kept until exit (not the
 * caller's to free).  NULL for a name, a refused address, or no room.
 */
__shortrun struct addrinfo *
resolve_kept(const char *host, const char *port,
    const struct addrinfo *hints)
{
	struct resolve_kept	*k;
	struct resolve_hints	 h = { hints->ai_flags, hints->ai_family,
	    hints->ai_socktype, hints->ai_protocol };
	struct addrinfo		 numeric;
	size_t			 i;

	for (i = 0; i < nitems(resolve_kept_list); i++) {
		k = &resolve_kept_list[i];
		if (k->host == NULL)
			break;
		if (strcmp(k->host, host) == 0 && (port == NULL ?
		    k->port == NULL : k->port != NULL &&
		    strcmp(k->port, port) == 0) &&
		    memcmp(&k->hints, &h, sizeof(h)) == 0)
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
	k->hints = h;
	return (k->res);
}

/*
 * Look up the name of client address sa as getnameinfo() with NI_NAMEREQD;
 * cb(error, name, arg) runs later from the loop, name valid during the
 * call.  Counted in sa's share (EAGAIN beyond).  Returns a handle for
 * resolve_cancel(), or NULL with errno.
 */
struct resolve *
resolve_name(const struct sockaddr *sa, socklen_t len, resolve_name_cb *cb,
    void *arg)
{
	struct resolve	*r;

	if (len > sizeof(r->ss) || (sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6)) {
		errno = EAFNOSUPPORT;
		return (NULL);
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->kind = RK_NAME;
	memcpy(&r->ss, sa, len);
	r->sslen = len;
	r->name_cb = cb;
	r->arg = arg;
	ASYNC_START(&r->job, "resolve_name");
	/* Nor does an address the hosts file names: no worker, no share. */
	r->error = resolve_hosts_name(sa, r->name, sizeof(r->name));
	return (resolve_submit(r, sa, r->error == 0));
}

/* Forget r: its callback never runs; a running one is freed when done. */
void
resolve_cancel(struct resolve *r)
{
	if (r != NULL)
		pool_cancel(resolve_pool, &r->job);
}
