/*
 * Worker threads for a step too slow for the event loop (a name lookup, a
 * crypt(3) check); a job's answer comes back as a callback from the loop.
 * Workers touch only the lists and shares, under the mutex; submit, cancel
 * and deliver run in the pool's thread (checked in debug builds).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base.h"

/* Where a job stands. */
enum {
	PJ_QUEUED,		/* waiting for a worker */
	PJ_RUNNING,		/* in a worker */
	PJ_DONE,		/* answered, waiting for the loop */
};

/* The jobs of one peer, while it has any (net_host_key()'s host). */
struct pool_share {
	unsigned char		 key[NET_HOST_KEY_LEN];
	int			 running;	/* in a worker, even
						   cancelled */
	int			 jobs;		/* queued or running */
	LIST_ENTRY(pool_share)	 entry;
};

TAILQ_HEAD(pool_list, pool_job);

struct pool {
	const struct pool_conf	*conf;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct pool_list	 queue;	/* waiting for a worker */
	struct pool_list	 done;	/* answered by a worker */
	size_t			 queued;
	int			 idle;	/* workers waiting for work */
	int			 busy;	/* running a job, even cancelled */
	int			 stopping; /* exit: workers leave */
	LIST_HEAD(, pool_share)	 shares;
	int			 pipe[2]; /* a worker's "done has some" */
	pthread_t		 loop;	/* the thread of the loop side */

	/* Loop side only. */
	size_t			 live;	/* a worker's callbacks to come */
	struct pool_list	 ready;	/* answered on the loop */
	struct ev_timer		 kick;	/* runs ready's callbacks */
	LIST_ENTRY(pool)	 entry;
	int			 nthreads; /* workers started */
	pthread_t		 tids[];
};

static LIST_HEAD(, pool)	 pools = LIST_HEAD_INITIALIZER(pools);

static void	pool_deliver_cb(int, int, void *);
static void	pool_kick_cb(void *);
static void	pool_run(struct pool *, struct pool_list *);

/* The loop side runs in the thread that made the pool. */
#define POOL_ON_LOOP(p)	DEBUG_CHECK(pthread_equal(pthread_self(),	\
	(p)->loop), "a pool's loop side called from a worker")

/*
 * Make a pool for conf's jobs (conf must outlive it), from the loop's
 * thread; workers start as jobs come.  Returns NULL with errno.
 */
struct pool *
pool_new(const struct pool_conf *conf)
{
	struct pool	*p;

	if ((p = calloc(1, sizeof(*p) + conf->threads_max *
	    sizeof(p->tids[0]))) == NULL)
		return (NULL);
	if (pipe2(p->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		free(p);
		return (NULL);
	}
	p->conf = conf;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	TAILQ_INIT(&p->queue);
	TAILQ_INIT(&p->done);
	TAILQ_INIT(&p->ready);
	LIST_INIT(&p->shares);
	ev_timer_init(&p->kick, pool_kick_cb, p);
	p->loop = pthread_self();
	LIST_INSERT_HEAD(&pools, p, entry);
	return (p);
}

/*
 * Count one more job in the share of the peer at sa (none for NULL or no
 * IP address); lock held.  Returns -1 when the share is full or memory
 * runs out.
 */
static int
pool_share_get(struct pool *p, const struct sockaddr *sa,
    struct pool_share **sp)
{
	static const unsigned char	 none[NET_HOST_KEY_LEN];
	unsigned char			 key[NET_HOST_KEY_LEN];
	struct pool_share		*s;

	*sp = NULL;
	net_host_key(sa, key);
	if (memcmp(key, none, sizeof(key)) == 0)
		return (0);
	LIST_FOREACH(s, &p->shares, entry)
		if (memcmp(s->key, key, sizeof(key)) == 0)
			break;
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return (-1);
		memcpy(s->key, key, sizeof(key));
		LIST_INSERT_HEAD(&p->shares, s, entry);
	}
	if (s->jobs >= p->conf->share_max)
		return (-1);
	s->jobs++;
	*sp = s;
	return (0);
}

/* One job less in the share s (NULL: none); lock held. */
static void
pool_share_put(struct pool_share *s)
{
	if (s == NULL || --s->jobs > 0)
		return;
	LIST_REMOVE(s, entry);
	free(s);
}

/*
 * May a worker take j now?  Within its share, and beyond conf->threads
 * running only for a peer with none running.
 */
static int
pool_may_run(const struct pool *p, const struct pool_job *j)
{
	if (j->share == NULL)
		return (1);
	return (j->share->running < p->conf->share_threads &&
	    (p->busy < p->conf->threads || j->share->running == 0));
}

/* The first job queued that a worker may take, or NULL; lock held. */
static struct pool_job *
pool_next(struct pool *p)
{
	struct pool_job	*j;

	TAILQ_FOREACH(j, &p->queue, entry)
		if (pool_may_run(p, j))
			break;
	return (j);
}

/* How many jobs queued a worker may take now; lock held. */
static int
pool_runnable(const struct pool *p)
{
	struct pool_job	*j;
	int		 n = 0;

	TAILQ_FOREACH(j, &p->queue, entry)
		if (pool_may_run(p, j))
			n++;
	return (n);
}

/* j has ended in a worker: to the done list, the loop woken; lock held. */
static void
pool_finished(struct pool *p, struct pool_job *j)
{
	p->busy--;
	if (j->share != NULL) {
		j->share->running--;
		pool_share_put(j->share);
		j->share = NULL;
	}
	j->state = PJ_DONE;
	/* One byte says it: the loop takes the whole list each time. */
	if (TAILQ_EMPTY(&p->done))
		log_write_quiet(p->pipe[1], "", 1);
	TAILQ_INSERT_TAIL(&p->done, j, entry);
}

static void *
pool_worker(void *arg)
{
	struct pool	*p = arg;
	struct pool_job	*j;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		/* A job's end looks again: a share's next may run now. */
		while (!p->stopping && (j = pool_next(p)) == NULL) {
			p->idle++;
			pthread_cond_wait(&p->cond, &p->lock);
			p->idle--;
		}
		if (p->stopping)
			break;
		TAILQ_REMOVE(&p->queue, j, entry);
		p->queued--;
		j->state = PJ_RUNNING;
		if (j->share != NULL)
			j->share->running++;
		p->busy++;
		pthread_mutex_unlock(&p->lock);
		p->conf->work(j);
		pthread_mutex_lock(&p->lock);
		pool_finished(p, j);
	}
	pthread_mutex_unlock(&p->lock);
	return (NULL);
}

/*
 * At exit: idle workers leave and are joined, within a tenth of a second;
 * a busy one is left.  Not async-signal-safe.
 */
static void
pool_stop(int sig)
{
	struct pool	*p;
	struct timespec	 until, tenth = { .tv_nsec = 100 * 1000 * 1000 };
	int		 i;

	if (sig != 0)
		return;
	LIST_FOREACH(p, &pools, entry) {
		pthread_mutex_lock(&p->lock);
		p->stopping = 1;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	clock_gettime(CLOCK_REALTIME, &until);
	timespecadd(&until, &tenth, &until);
	LIST_FOREACH(p, &pools, entry) {
		for (i = 0; i < p->nthreads; i++)
			(void)pthread_timedjoin_np(p->tids[i], NULL, &until);
		p->nthreads = 0;
	}
}

/*
 * Start a worker that takes no signal; lock held.  The first adds
 * pool_stop().
 */
static void
pool_spawn(struct pool *p)
{
	pthread_attr_t	 attr;
	sigset_t	 all, old;
	int		 error;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, p->conf->stack);
	error = pthread_create(&p->tids[p->nthreads], &attr, pool_worker, p);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0)
		return;
	cleanup_add(pool_stop);
	p->nthreads++;
}

/* Watch the pipe only while a callback is due: it must not keep the loop. */
static void
pool_watch(struct pool *p)
{
	if (p->live > 0)
		ev_set(p->pipe[0], EV_READ, pool_deliver_cb, p);
	else
		ev_del(p->pipe[0]);
}

/*
 * Queue j for a worker, counted in the share of the peer at from (NULL:
 * none); conf->done(j) runs from the loop, never before this returns.
 * Returns 0, or -1 with EAGAIN when the queue or share is full or no
 * worker starts (j is still the caller's).
 */
int
pool_submit(struct pool *p, struct pool_job *j, const struct sockaddr *from)
{
	POOL_ON_LOOP(p);
	pthread_mutex_lock(&p->lock);
	if (p->queued >= p->conf->queue_max ||
	    pool_share_get(p, from, &j->share) == -1)
		goto full;
	j->state = PJ_QUEUED;
	TAILQ_INSERT_TAIL(&p->queue, j, entry);
	p->queued++;
	/* A worker for each job that may run, up to the bound. */
	if (p->nthreads < p->conf->threads_max && pool_runnable(p) > p->idle)
		pool_spawn(p);
	if (p->nthreads == 0) {
		TAILQ_REMOVE(&p->queue, j, entry);
		p->queued--;
		pool_share_put(j->share);
		j->share = NULL;
		goto full;
	}
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	p->live++;
	pool_watch(p);
	ASYNC_STARTED(j);
	return (0);
full:
	pthread_mutex_unlock(&p->lock);
	errno = EAGAIN;
	return (-1);
}

/* Run the callbacks of jobs answered without a worker, in order. */
static void
pool_kick_cb(void *arg)
{
	struct pool		*p = arg;
	struct pool_list	 done = TAILQ_HEAD_INITIALIZER(done);

	TAILQ_CONCAT(&done, &p->ready, entry);
	pool_run(p, &done);
}

/*
 * j's answer is in it already: conf->done(j) runs from the loop later in
 * this round, after its submitter returns.
 */
void
pool_answer(struct pool *p, struct pool_job *j)
{
	POOL_ON_LOOP(p);
	j->state = PJ_DONE;
	j->local = 1;
	TAILQ_INSERT_TAIL(&p->ready, j, entry);
	if (!ev_timer_armed(&p->kick))
		ev_timer_arm(&p->kick, 0);
	ASYNC_STARTED(j);
}

/*
 * Forget j: conf->done(j) is never called; conf->free(j) is, at once if
 * queued, else when its worker is done.
 */
void
pool_cancel(struct pool *p, struct pool_job *j)
{
	int	 local = j->local;

	POOL_ON_LOOP(p);
	pthread_mutex_lock(&p->lock);
	if (j->state == PJ_QUEUED) {
		TAILQ_REMOVE(&p->queue, j, entry);
		p->queued--;
		pool_share_put(j->share);
		p->conf->free(j);
	} else
		j->cancelled = 1;
	pthread_mutex_unlock(&p->lock);
	if (local)
		return;
	p->live--;
	pool_watch(p);
}

/* Answers are in: call back each still wanted. */
static void
pool_deliver_cb(int fd, __unused int events, void *arg)
{
	struct pool		*p = arg;
	struct pool_list	 done = TAILQ_HEAD_INITIALIZER(done);
	char			 buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&p->lock);
	TAILQ_CONCAT(&done, &p->done, entry);
	pthread_mutex_unlock(&p->lock);
	pool_run(p, &done);
}

/* Call back each job of done still wanted, freeing them all. */
static void
pool_run(struct pool *p, struct pool_list *done)
{
	struct pool_job	*j;

	POOL_ON_LOOP(p);
	while ((j = TAILQ_FIRST(done)) != NULL) {
		TAILQ_REMOVE(done, j, entry);
		if (!j->cancelled) {
			if (!j->local) {
				p->live--;
				pool_watch(p);
			}
			/* The callback may submit or cancel other jobs. */
			ASYNC_CALLBACK(j, "pool_run", p->conf->done);
			p->conf->done(j);
		}
		p->conf->free(j);
	}
}
