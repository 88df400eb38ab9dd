/*
 * The limits on wrong answers to a server that asks who its clients are,
 * per client and for the server, in a fixed table that forgets no client
 * owed a penalty; and Basic checks by crypt(3), one at a time per client.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "auth-int.h"

/*
 * Wrong answers are limited per client, an IPv4 address or an IPv6
 * address's /64 (net_host_key()), by a bucket: a client may be wrong
 * AUTH_BURST times in a row, then once every AUTH_REFILL_MS; beyond that
 * its requests are refused (429) unread.  All clients together may be
 * wrong AUTH_ALL_BURST times in a row, then once every
 * AUTH_ALL_REFILL_MS: beyond that every request that carries credentials
 * is refused, so that many addresses together guess no faster.  The
 * clients are kept in a fixed table of AUTH_SLOTS: one is forgotten only
 * when it is owed nothing (its credit full, no answer of its being
 * checked); while every slot holds one that is owed something, a new
 * client is refused (429) rather than a penalty forgotten.
 */
#define AUTH_SLOTS		256	/* about 18 KiB */
#define AUTH_BURST		5
#define AUTH_REFILL_MS		2000
#define AUTH_ALL_BURST		64
#define AUTH_ALL_REFILL_MS	250

/*
 * A client's Basic answers checked by crypt(3) are checked one at a time,
 * each knowing what the one before cost; at most this many wait behind
 * the one being checked (a browser asks for a page's files at once).
 */
#define AUTH_WAITING_MAX	8

/*
 * The ceiling keeps the table from filling: a slot is owed something for
 * at most AUTH_BURST * AUTH_REFILL_MS after a wrong answer or while an
 * answer is checked, and the ceiling lets all clients together have no
 * more than this many of those at once.
 */
_Static_assert(AUTH_SLOTS > AUTH_ALL_BURST +
    AUTH_BURST * AUTH_REFILL_MS / AUTH_ALL_REFILL_MS,
    "auth: the ceiling would let the table fill");

/* A credit, in milliseconds of refill: a wrong answer costs one refill. */
struct auth_bucket {
	uint64_t	 last;		/* when it was last reckoned */
	int64_t		 credit;	/* below 0: tries owed */
	int		 busy;		/* answers being checked by crypt(3) */
};

/* Where a crypt(3) check stands. */
enum auth_job_state {
	AJ_WAITING,		/* behind its client's check being made */
	AJ_CHECKING,		/* src/http/authcrypt.c's */
	AJ_REFUSED,		/* its client's credit ran out meanwhile */
};

/* A Basic answer checked by crypt(3), from auth_check() to its callback. */
struct auth_job {
	struct auth_slot	*slot;	/* its client's: kept while it lives */
	enum auth_job_state	 state;
	char			*pass;	/* and hash: the worker reads them */
	char			*hash;
	int			 known;	/* the user is one of ours */
	int			 cancelled; /* the asker has gone */
	int			 retry;	/* AJ_REFUSED's */
	auth_cb			*cb;
	void			*arg;
	char			 who[NI_MAXHOST + NI_MAXSERV + 2];
	char			 user[LOG_ESCAPED(64)];
	const char		*starting; /* ASYNC_START() */
	TAILQ_ENTRY(auth_job)	 entry;
};

TAILQ_HEAD(auth_job_list, auth_job);

/* One client's credit. */
struct auth_slot {
	unsigned char		 key[NET_HOST_KEY_LEN]; /* net_host_key()'s */
	int			 used;
	struct auth_bucket	 b;
	struct auth_job_list	 waiting; /* AJ_WAITING, in order */
	int			 nwaiting;
};

/* The credit of all clients together, when full. */
#define AUTH_ALL_FULL	((int64_t)AUTH_ALL_BURST * AUTH_ALL_REFILL_MS)

/* What the limits change as the program runs: one set for the process. */
static struct {
	struct auth_slot	 slots[AUTH_SLOTS];
	struct auth_bucket	 all;		/* every client's */
} auth_limits = { .all = { .credit = AUTH_ALL_FULL } };

/* Credit b up to now, a millisecond a millisecond, at most full. */
static void
auth_refill(struct auth_bucket *b, int64_t full, uint64_t now)
{
	if (now > b->last)
		b->credit += (int64_t)(now - b->last);
	if (b->credit > full)
		b->credit = full;
	b->last = now;
}

/*
 * Milliseconds until b may take one more wrong answer of cost (busy:
 * counting those being checked), or 0.
 */
static int64_t
auth_bucket_wait(const struct auth_bucket *b, int64_t cost, int busy)
{
	int64_t	 need = cost * (1 + (busy ? b->busy : 0));

	return (b->credit >= need ? 0 : need - b->credit);
}

/* The bucket all clients share, credited up to now. */
static struct auth_bucket *
auth_all(uint64_t now)
{
	auth_refill(&auth_limits.all, AUTH_ALL_FULL, now);
	return (&auth_limits.all);
}

/*
 * The slot of client key, credited up to now; a new full one if none.
 * NULL when every slot is owed something (none is forgotten), with *wait
 * the milliseconds until one is free (a guess).
 */
static struct auth_slot *
auth_slot(const unsigned char key[NET_HOST_KEY_LEN], uint64_t now,
    int64_t *wait)
{
	const int64_t		 full = (int64_t)AUTH_BURST * AUTH_REFILL_MS;
	struct auth_slot	*s, *spare = NULL;
	int64_t			 soonest = AUTH_REFILL_MS;
	size_t			 i;

	for (i = 0; i < AUTH_SLOTS; i++) {
		s = &auth_limits.slots[i];
		if (!s->used) {
			if (spare == NULL)
				spare = s;
			continue;
		}
		auth_refill(&s->b, full, now);
		if (memcmp(s->key, key, NET_HOST_KEY_LEN) == 0)
			return (s);
		if (s->b.busy > 0 || s->nwaiting > 0)
			continue;
		if (s->b.credit == full) {
			if (spare == NULL)
				spare = s;
		} else if (full - s->b.credit < soonest)
			soonest = full - s->b.credit;
	}
	if (spare == NULL) {
		*wait = soonest;
		return (NULL);
	}
	*spare = (struct auth_slot){ .used = 1,
	    .b = { .last = now, .credit = full } };
	memcpy(spare->key, key, NET_HOST_KEY_LEN);
	TAILQ_INIT(&spare->waiting);
	return (spare);
}

/* Set *retry in seconds for ms and log who's refusal for why.  Returns -1. */
static int
auth_refuse(const char *who, const char *why, int64_t ms, int *retry)
{
	*retry = ms <= 0 ? 1 : (int)((ms + 999) / 1000);
	log_verbose_warn(1, "auth: %s: %s: refused for %d s", who, why, *retry);
	return (-1);
}

/*
 * May slot s's client (who, for the log) and the server be wrong once more
 * now?  The server's pending crypt(3) checks count as wrong; the client's
 * own does not (its next waits).  Returns 0, or -1 with *retry, logged.
 */
static int
auth_may(struct auth_slot *s, const char *who, int *retry)
{
	int64_t	 ms;

	if ((ms = auth_bucket_wait(&s->b, AUTH_REFILL_MS, 0)) > 0)
		return (auth_refuse(who, "too many wrong answers", ms,
		    retry));
	if ((ms = auth_bucket_wait(auth_all(ev_now()), AUTH_ALL_REFILL_MS,
	    1)) > 0)
		return (auth_refuse(who, "too many wrong answers to this "
		    "server", ms, retry));
	return (0);
}

/*
 * The slot of the client at sa (who: its label) if it may answer now.
 * NULL with *retry seconds and the refusal logged when the table is full
 * or it or the server was wrong too often.
 */
struct auth_slot *
auth_admit(const struct sockaddr *sa, const char *who, int *retry)
{
	struct auth_slot	*s;
	unsigned char		 key[NET_HOST_KEY_LEN];
	int64_t			 ms;

	net_host_key(sa, key);
	if ((s = auth_slot(key, ev_now(), &ms)) == NULL) {
		auth_refuse(who, "too many clients with wrong answers", ms,
		    retry);
		return (NULL);
	}
	return (auth_may(s, who, retry) == 0 ? s : NULL);
}

/*
 * Count verdict r on slot s's answer (a wrong one costs it and the
 * server), said with -v, -vv naming who, how and user.
 */
void
auth_settle(struct auth_slot *s, enum auth_verdict r, const char *who,
    const char *how, const char *user)
{
	if (r == AUTH_OK)
		log_verbose(2, "auth: %s: %s%s%s accepted", who, how,
		    *user != '\0' ? " of " : "", user);
	if (r != AUTH_WRONG)
		return;
	s->b.credit -= AUTH_REFILL_MS;
	auth_all(ev_now())->credit -= AUTH_ALL_REFILL_MS;
	log_verbose_warn(1, "auth: %s: wrong %s%s%s", who, how,
	    *user != '\0' ? " of " : "", user);
}

static void	auth_job_done(int, void *);

/* Free job, its password overwritten first. */
static void
auth_job_free(struct auth_job *job)
{
	if (job == NULL)
		return;
	if (job->pass != NULL) {
		explicit_bzero(job->pass, strlen(job->pass));
		free(job->pass);
	}
	free(job->hash);
	free(job);
}

/*
 * Start job's crypt(3) check, counted against the client and server until
 * answered.  Returns 0, or -1 with errno.
 */
static int
auth_job_start(struct auth_job *job)
{
	job->state = AJ_CHECKING;
	job->slot->b.busy++;
	auth_limits.all.busy++;
	if (authcrypt_start(job->pass, job->hash, auth_job_done, job) == -1) {
		job->slot->b.busy--;
		auth_limits.all.busy--;
		return (-1);
	}
	return (0);
}

/* Tell job's asker the verdict v unless gone; free job. */
static void
auth_job_finish(struct auth_job *job, enum auth_verdict v, int retry)
{
	if (!job->cancelled) {
		ASYNC_CALLBACK(job, "auth_job_done", job->cb);
		job->cb(v, retry, job->arg);
	}
	auth_job_free(job);
}

/*
 * crypt(3) answered job: the verdict counts even if the asker left; then
 * the client's next waiting answer is checked, or refused after the asker
 * is told.
 */
static void
auth_job_done(int ok, void *arg)
{
	struct auth_job		*job = arg, *j;
	struct auth_slot	*s = job->slot;
	struct auth_job_list	 refused = TAILQ_HEAD_INITIALIZER(refused);
	enum auth_verdict	 v = ok && job->known ? AUTH_OK : AUTH_WRONG;

	DEBUG_CHECK(job->state == AJ_CHECKING && s->b.busy > 0,
	    "auth_job_done: an answer to no check");
	s->b.busy--;
	auth_limits.all.busy--;
	auth_settle(s, v, job->who, "Basic", job->user);
	while ((j = TAILQ_FIRST(&s->waiting)) != NULL) {
		TAILQ_REMOVE(&s->waiting, j, entry);
		s->nwaiting--;
		if (auth_may(s, j->who, &j->retry) == 0) {
			if (auth_job_start(j) == 0)
				break;
			auth_refuse(j->who, "cannot check now", 0, &j->retry);
		}
		j->state = AJ_REFUSED;
		TAILQ_INSERT_TAIL(&refused, j, entry);
	}
	/* A callback may cancel any of those: each is told in turn. */
	auth_job_finish(job, v, 0);
	while ((j = TAILQ_FIRST(&refused)) != NULL) {
		TAILQ_REMOVE(&refused, j, entry);
		auth_job_finish(j, AUTH_LIMITED, j->retry);
	}
}

/*
 * job's asker has gone: its callback never runs.  A waiting check is
 * withdrawn; a running one ends and its verdict counts.
 */
void
auth_cancel(struct auth_job *job)
{
	if (job == NULL)
		return;
	if (job->state == AJ_WAITING) {
		TAILQ_REMOVE(&job->slot->waiting, job, entry);
		job->slot->nwaiting--;
		auth_job_free(job);
		return;
	}
	job->cancelled = 1;
}

/*
 * Check Basic password pass of slot s's client against hash by crypt(3),
 * off the loop, after any check of that client under way; known: the user
 * (escaped) is ours.  Returns AUTH_PENDING with *jobp (the verdict goes to
 * a->cb from the loop), or AUTH_LIMITED with *retry.
 */
enum auth_verdict
auth_crypt(struct auth_slot *s, const char *pass, const char *hash,
    int known, const char *user, const struct auth_ask *a, int *retry,
    struct auth_job **jobp)
{
	struct auth_job	*job;
	const char	*why = "cannot check now";

	DEBUG_CHECK(a->cb != NULL,
	    "auth_check: a crypt(3) check for an asker without a callback");
	*jobp = NULL;
	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->pass = strdup(pass)) == NULL ||
	    (job->hash = strdup(hash)) == NULL)
		goto refuse;
	job->known = known;
	strlcpy(job->user, user, sizeof(job->user));
	job->slot = s;
	job->cb = a->cb;
	job->arg = a->arg;
	strlcpy(job->who, a->who, sizeof(job->who));
	ASYNC_START(job, "auth_check");
	if (s->b.busy > 0) {
		if (s->nwaiting >= AUTH_WAITING_MAX) {
			why = "too many answers at once";
			goto refuse;
		}
		job->state = AJ_WAITING;
		TAILQ_INSERT_TAIL(&s->waiting, job, entry);
		s->nwaiting++;
	} else if (auth_job_start(job) == -1)
		goto refuse;
	ASYNC_STARTED(job);
	*jobp = job;
	return (AUTH_PENDING);

refuse:
	auth_refuse(a->who, why, 0, retry);
	auth_job_free(job);
	return (AUTH_LIMITED);
}

/*
 * For a check made elsewhere (SOCKS5's): may the client at sa (who, for
 * the log) answer now?  Returns 0, or -1 with *retry, logged.  Give the
 * verdict to auth_verdict() before the loop runs again.
 */
int
auth_limit(const struct sockaddr *sa, const char *who, int *retry)
{
	*retry = 0;
	return (auth_admit(sa, who, retry) != NULL ? 0 : -1);
}

/* The verdict on the answer auth_limit() let in: a wrong one costs as any. */
void
auth_verdict(const struct sockaddr *sa, int wrong)
{
	struct auth_slot	*s;
	unsigned char		 key[NET_HOST_KEY_LEN];
	int64_t			 ms;

	if (!wrong)
		return;
	net_host_key(sa, key);
	s = auth_slot(key, ev_now(), &ms);
	DEBUG_CHECK(s != NULL, "auth_verdict: a client auth_limit() let in "
	    "has no slot");
	if (s == NULL)
		return;
	s->b.credit -= AUTH_REFILL_MS;
	auth_all(ev_now())->credit -= AUTH_ALL_REFILL_MS;
}

