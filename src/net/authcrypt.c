/*
 * crypt(3) off the event loop: the passwords of --auth-file's users are
 * checked against their hashes in a small pool of threads, and each
 * answer comes back as a callback from the loop, so that a bcrypt (a
 * quarter of a second at cost 12) delays only the client whose password
 * it checks, never the others.
 *
 * As src/net/resolve.c's lookups are made: the workers touch nothing but
 * the queue and the answers, under one mutex; the loop side (start,
 * deliver) runs in the main thread only; the answers reach the loop
 * through one pipe, watched while an answer is due.  A check is never
 * withdrawn: src/net/auth.c counts a wrong answer whether or not its
 * client is still there, and its limits bound how many checks exist.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <crypt.h>

#include "net.h"
#include "auth-int.h"

/* A check, from its start to its answer's callback. */
struct authcrypt {
	char			*pass;
	char			*hash;
	int			 ok;	/* the worker's answer */
	authcrypt_cb		*cb;
	void			*arg;
	const char		*starting; /* ASYNC_START() */
	TAILQ_ENTRY(authcrypt)	 entry;
};

TAILQ_HEAD(authcrypt_list, authcrypt);

static pthread_mutex_t		 authcrypt_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t		 authcrypt_cond = PTHREAD_COND_INITIALIZER;
static struct authcrypt_list	 authcrypt_queue =
    TAILQ_HEAD_INITIALIZER(authcrypt_queue);
static struct authcrypt_list	 authcrypt_done =
    TAILQ_HEAD_INITIALIZER(authcrypt_done);
static int			 authcrypt_queued;  /* in authcrypt_queue */
static int			 authcrypt_threads; /* workers started */
static int			 authcrypt_idle;    /* waiting for work */
static int			 authcrypt_stopping; /* exit: workers leave */
static int			 authcrypt_pipe[2] = { -1, -1 };
static pthread_t		 authcrypt_tids[AUTHCRYPT_THREADS];

/* Loop side only: checks whose callback is still to come. */
static size_t			 authcrypt_live;

static void	authcrypt_deliver_cb(int, int, void *);

/*
 * libcrypt is loaded with dlopen(3) when an --auth-file is read, as
 * OpenSSL and zlib are when first used: linked, it cost every run 96 KiB
 * of memory (bench/RESULTS.md).  A static build links it
 * (SC_CRYPT_LINKED).
 */
#ifndef SC_CRYPT_LINKED
#define AUTHCRYPT_LIB	"libcrypt.so.1"
static __typeof__(&crypt_r)	 authcrypt_crypt_r;
#define crypt_r		(*authcrypt_crypt_r)
#endif

/*
 * Make crypt_r(3) callable, once, from the main thread, before a worker
 * may call it.  Returns 0, or -1 with *cause (if cause is not NULL).
 */
int
authcrypt_load(char **cause)
{
#ifndef SC_CRYPT_LINKED
	void	*lib;

	if (authcrypt_crypt_r != NULL)
		return (0);
	if ((lib = dlopen(AUTHCRYPT_LIB, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		if (cause != NULL)
			log_cause(cause, "auth-file: cannot check passwords: "
			    "%s", dlerror());
		return (-1);
	}
	if ((authcrypt_crypt_r = (__typeof__(authcrypt_crypt_r))dlsym(lib,
	    "crypt_r")) == NULL) {
		if (cause != NULL)
			log_cause(cause, "auth-file: cannot check passwords: "
			    "%s has no crypt_r", AUTHCRYPT_LIB);
		return (-1);
	}
#else
	(void)cause;
#endif
	return (0);
}

/* Forget c, its password overwritten first. */
static void
authcrypt_free(struct authcrypt *c)
{
	if (c->pass != NULL) {
		explicit_bzero(c->pass, strlen(c->pass));
		free(c->pass);
	}
	free(c->hash);
	free(c);
}

/*
 * Is pass the password whose crypt(3) hash is hash?  The hashes are
 * compared in constant time; their length is the hash's form's, which
 * says nothing of the password.  Thread-safe: crypt_r(3) with its own
 * state, which is large (32 KiB): not on the stack.
 */
static int
authcrypt_match(const char *pass, const char *hash)
{
	struct crypt_data	*cd;
	const char		*h;
	int			 ok;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return (0);
	h = crypt_r(pass, hash, cd);
	ok = h != NULL && *h != '*' && strlen(h) == strlen(hash) &&
	    timingsafe_bcmp(h, hash, strlen(hash)) == 0;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return (ok);
}

static void *
authcrypt_worker(void *arg)
{
	struct authcrypt	*c;
	char			 b = 0;
	int			 ok;

	(void)arg;
	pthread_mutex_lock(&authcrypt_lock);
	for (;;) {
		while (!authcrypt_stopping &&
		    (c = TAILQ_FIRST(&authcrypt_queue)) == NULL) {
			authcrypt_idle++;
			pthread_cond_wait(&authcrypt_cond, &authcrypt_lock);
			authcrypt_idle--;
		}
		if (authcrypt_stopping)
			break;
		TAILQ_REMOVE(&authcrypt_queue, c, entry);
		authcrypt_queued--;
		pthread_mutex_unlock(&authcrypt_lock);

		ok = authcrypt_match(c->pass, c->hash);
		explicit_bzero(c->pass, strlen(c->pass));

		pthread_mutex_lock(&authcrypt_lock);
		c->ok = ok;
		/* One byte says it: the loop takes the whole list each time. */
		if (TAILQ_EMPTY(&authcrypt_done))
			write_quiet(authcrypt_pipe[1], &b, 1);
		TAILQ_INSERT_TAIL(&authcrypt_done, c, entry);
	}
	pthread_mutex_unlock(&authcrypt_lock);
	return (NULL);
}

/*
 * At exit, the workers waiting for work leave and are joined; one still
 * in crypt_r() is given a tenth of a second and then left to the end of
 * the process.  Not from a signal handler: nothing here is
 * async-signal-safe.
 */
static void
authcrypt_stop(int sig)
{
	int	 n;

	if (sig != 0 || authcrypt_stopping)
		return;
	pthread_mutex_lock(&authcrypt_lock);
	authcrypt_stopping = 1;
	n = authcrypt_threads;
	pthread_cond_broadcast(&authcrypt_cond);
	pthread_mutex_unlock(&authcrypt_lock);
	threads_join(authcrypt_tids, n);
}

/*
 * A new worker, which takes no signal: the main thread handles them.
 * The first one registers authcrypt_stop() to run at exit.  Called with
 * the lock held.
 */
static int
authcrypt_spawn(void)
{
	pthread_t	 t;

	if (thread_start(&t, authcrypt_worker, AUTHCRYPT_STACK) == -1)
		return (-1);
	if (authcrypt_threads == 0)
		cleanup_add(authcrypt_stop);
	authcrypt_tids[authcrypt_threads++] = t;
	return (0);
}

/*
 * Watch the pipe only while an answer is due: nothing else of ours keeps
 * the loop, and a check ends within a crypt's time.
 */
static void
authcrypt_watch(void)
{
	if (authcrypt_live > 0)
		ev_set(authcrypt_pipe[0], EV_READ, authcrypt_deliver_cb, NULL);
	else
		ev_del(authcrypt_pipe[0]);
}

/*
 * Start checking that pass is the password whose crypt(3) hash is hash
 * (both copied).  The answer comes later, from the event loop, never
 * from within this call: cb(ok, arg), ok 1 when it is.  Up to
 * AUTHCRYPT_THREADS checks run at once, the others wait their turn (the
 * caller bounds how many there are).  Returns 0, or -1 with errno.
 */
int
authcrypt_start(const char *pass, const char *hash, authcrypt_cb *cb,
    void *arg)
{
	struct authcrypt	*c;

	/* auth_file_read() loaded it, with a message if it could not. */
	if (authcrypt_load(NULL) == -1) {
		errno = ENOSYS;
		return (-1);
	}
	if (authcrypt_pipe[0] == -1 && pipe2(authcrypt_pipe,
	    O_CLOEXEC | O_NONBLOCK) == -1) {
		authcrypt_pipe[0] = authcrypt_pipe[1] = -1;
		return (-1);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (-1);
	if ((c->pass = strdup(pass)) == NULL ||
	    (c->hash = strdup(hash)) == NULL) {
		authcrypt_free(c);
		return (-1);
	}
	c->cb = cb;
	c->arg = arg;
	ASYNC_START(c, "authcrypt_start");
	pthread_mutex_lock(&authcrypt_lock);
	TAILQ_INSERT_TAIL(&authcrypt_queue, c, entry);
	authcrypt_queued++;
	/* A worker for each check waiting, up to the bound. */
	if (authcrypt_queued > authcrypt_idle &&
	    authcrypt_threads < AUTHCRYPT_THREADS)
		(void)authcrypt_spawn();
	if (authcrypt_threads == 0) {
		TAILQ_REMOVE(&authcrypt_queue, c, entry);
		authcrypt_queued--;
		pthread_mutex_unlock(&authcrypt_lock);
		authcrypt_free(c);
		errno = EAGAIN;
		return (-1);
	}
	pthread_cond_signal(&authcrypt_cond);
	pthread_mutex_unlock(&authcrypt_lock);
	authcrypt_live++;
	authcrypt_watch();
	ASYNC_STARTED(c);
	return (0);
}

/* Answers are in: call each one back, in the order they came. */
static void
authcrypt_deliver_cb(int fd, int events, void *arg)
{
	struct authcrypt_list	 done = TAILQ_HEAD_INITIALIZER(done);
	struct authcrypt	*c;
	char			 buf[64];

	(void)events;
	(void)arg;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&authcrypt_lock);
	TAILQ_CONCAT(&done, &authcrypt_done, entry);
	pthread_mutex_unlock(&authcrypt_lock);
	while ((c = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, c, entry);
		authcrypt_live--;
		authcrypt_watch();
		/* The callback may start other checks. */
		ASYNC_CALLBACK(c, "authcrypt_deliver_cb", c->cb);
		c->cb(c->ok, c->arg);
		authcrypt_free(c);
	}
}
