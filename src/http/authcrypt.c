/*
 * crypt(3) off the event loop, in src/base/pool.c's threads, so a bcrypt
 * check delays only its own client.  A check is never withdrawn: a wrong
 * answer counts even if its client left, and auth's limits bound them.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <crypt.h>

#include "http.h"
#include "auth-int.h"

/* A check, from its start to its answer's callback. */
struct authcrypt {
	struct pool_job		 job;	/* first: the pool's */
	const char		*pass;	/* the asker's, until the answer */
	const char		*hash;
	int			 ok;	/* the worker's answer */
	authcrypt_cb		*cb;
	void			*arg;
};

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
 * Make crypt_r(3) callable, once, from the main thread, before any worker.
 * Returns 0, or -1 with *cause (if not NULL).
 */
int
authcrypt_load(char **cause)
{
#ifndef SC_CRYPT_LINKED
	void	*lib;

	if (authcrypt_crypt_r != NULL)
		return (0);
	if ((lib = dlopen(AUTHCRYPT_LIB, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_cause(cause, "auth-file: cannot check passwords: %s",
		    dlerror());
		return (-1);
	}
	if ((authcrypt_crypt_r = (__typeof__(authcrypt_crypt_r))dlsym(lib,
	    "crypt_r")) == NULL) {
		log_cause(cause, "auth-file: cannot check passwords: "
		    "%s has no crypt_r", AUTHCRYPT_LIB);
		return (-1);
	}
#else
	(void)cause;
#endif
	return (0);
}

static void
authcrypt_free(struct pool_job *j)
{
	free(j);
}

/*
 * Is pass the password of crypt(3) hash hash?  Compared in constant time;
 * thread-safe (crypt_r(3), its 32 KiB state off the stack).
 */
static int
authcrypt_match(const char *pass, const char *hash)
{
	struct crypt_data	*cd;
	const char		*h;
	int			 ok;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return (0);
	/* A failure ("*0") never matches: a hash we take starts with '$'. */
	h = crypt_r(pass, hash, cd);
	ok = h != NULL && strlen(h) == strlen(hash) &&
	    timingsafe_bcmp(h, hash, strlen(hash)) == 0;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return (ok);
}

/* In a worker: the check. */
static void
authcrypt_work(struct pool_job *j)
{
	struct authcrypt	*c = (struct authcrypt *)j;

	c->ok = authcrypt_match(c->pass, c->hash);
}

/* From the loop: the answer to its asker. */
static void
authcrypt_done(struct pool_job *j)
{
	struct authcrypt	*c = (struct authcrypt *)j;

	c->cb(c->ok, c->arg);
}

static const struct pool_conf authcrypt_conf = {
	.work = authcrypt_work,
	.done = authcrypt_done,
	.free = authcrypt_free,
	.stack = AUTHCRYPT_STACK,
	.threads = AUTHCRYPT_THREADS,
	.threads_max = AUTHCRYPT_THREADS,
	/* auth.c's limits bound the checks. */
	.queue_max = SIZE_MAX,
};

static struct pool	*authcrypt_pool;

/*
 * Check pass against crypt(3) hash, which a worker reads: the caller keeps
 * both as they are until cb(ok, arg), which runs later from the loop,
 * never in this call.  AUTHCRYPT_THREADS run at once; the caller bounds
 * the rest.  Returns 0, or -1 with errno.
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
	if (authcrypt_pool == NULL &&
	    (authcrypt_pool = pool_new(&authcrypt_conf)) == NULL)
		return (-1);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (-1);
	c->pass = pass;
	c->hash = hash;
	c->cb = cb;
	c->arg = arg;
	ASYNC_START(&c->job, "authcrypt_start");
	if (pool_submit(authcrypt_pool, &c->job, NULL) == -1) {
		authcrypt_free(&c->job);
		return (-1);
	}
	return (0);
}
