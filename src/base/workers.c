/*
 * --workers: one server run by several forked processes; their parent
 * serves no client, passes its signals on, restarts one killed by a signal
 * it did not pass, and ends after the last with one status.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/* The signals the parent passes on; SIGCHLD says a worker ended. */
static const int workers_sigs[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
};

struct workers {
	pid_t		*pids;	/* by number less one; 0: ended */
	int		 n;
	int		 live;
	int		 ending; /* none is started again */
	int		 status; /* the first status other than 0 */
	int		 dying;	/* a signal passed on that ended one */
	sigset_t	 passed; /* the signals passed on so far */
	sigset_t	 mask;	/* what the parent waits for */
	sigset_t	 old;	/* the mask a worker runs with */
	pid_t		 parent;
};

/* This process's number (1 to n), or 0 where it is no worker. */
static int	 worker_self;

/* This worker's number, 1 to n; 0 if none. */
int
worker_number(void)
{
	return (worker_self);
}

/* In a new worker: its number, its lines marked, SIGTERM when parent ends. */
static __startup void
worker_enter(struct workers *ws, int w)
{
	worker_self = w;
	log_set_worker(w);
	cleanup_forked();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 ||
	    getppid() != ws->parent)
		_exit(1);
	free(ws->pids);
	sigprocmask(SIG_SETMASK, &ws->old, NULL);
}

/* Fork worker w.  Returns 0 in it, 1 in the parent, -1 with errno. */
static __startup int
workers_fork(struct workers *ws, int w)
{
	pid_t	 pid;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		worker_enter(ws, w);
		return (0);
	}
	ws->pids[w - 1] = pid;
	ws->live++;
	return (1);
}

/* Send sig to every running worker, remembering it. */
static void
workers_pass(struct workers *ws, int sig)
{
	int	 i;

	sigaddset(&ws->passed, sig);
	for (i = 0; i < ws->n; i++) {
		if (ws->pids[i] != 0)
			(void)kill(ws->pids[i], sig);
	}
}

/* End all with status: SIGTERM to the others. */
static void
workers_fail(struct workers *ws, int status)
{
	if (ws->status == 0)
		ws->status = status;
	if (!ws->ending) {
		ws->ending = 1;
		workers_pass(ws, SIGTERM);
	}
}

/*
 * Worker w ended with wait status st; one killed by a signal not passed on
 * is restarted unless all are ending.  Returns 0 in a new worker, else 1.
 */
static int
workers_ended(struct workers *ws, int w, int st)
{
	int	 sig, r;

	ws->pids[w - 1] = 0;
	ws->live--;
	if (WIFEXITED(st)) {
		if (WEXITSTATUS(st) != 0 && !ws->ending)
			log_warnx("worker %d exited with status %d: the others "
			    "are ended", w, WEXITSTATUS(st));
		if (WEXITSTATUS(st) != 0)
			workers_fail(ws, WEXITSTATUS(st));
		return (1);
	}
	sig = WTERMSIG(st);
	if (sigismember(&ws->passed, sig) == 1) {
		ws->ending = 1;
		if (ws->dying == 0)
			ws->dying = sig;
		return (1);
	}
	if (ws->ending)
		return (1);
	if ((r = workers_fork(ws, w)) == 1)
		log_warnx("worker %d died of signal %d (%s): started again",
		    w, sig, strsignal(sig));
	else if (r == -1) {
		log_warn("worker %d died of signal %d (%s), not started "
		    "again: fork", w, sig, strsignal(sig));
		workers_fail(ws, 1);
	}
	return (r);
}

/* Reap ended workers.  Returns 0 in a new worker, else 1. */
static int
workers_reap(struct workers *ws)
{
	pid_t	 pid;
	int	 st, i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < ws->n && ws->pids[i] != pid; i++)
			continue;
		if (i < ws->n && workers_ended(ws, i + 1, st) == 0)
			return (0);
	}
	return (1);
}

/*
 * The parent: pass signals on and reap until none is left, then exit with
 * the first non-zero status or die of their signal.  Returns only in a
 * restarted worker: its number.
 */
static __startup int
workers_supervise(struct workers *ws)
{
	siginfo_t	 si;
	int		 sig, w;

	while (ws->live > 0) {
		if ((sig = sigwaitinfo(&ws->mask, &si)) == -1)
			continue;
		if (sig != SIGCHLD)
			workers_pass(ws, sig);
		else if (workers_reap(ws) == 0)
			return (worker_self);
	}
	for (w = 0; w < ws->n; w++)
		DEBUG_CHECK(ws->pids[w] == 0, "workers_supervise: one left");
	free(ws->pids);
	if (ws->status != 0)
		exit(ws->status);
	sigprocmask(SIG_SETMASK, &ws->old, NULL);
	if (ws->dying != 0)
		cleanup_signal(ws->dying);
	exit(0);
}

/*
 * Fork n workers (n > 1) after the listeners are made and before the epoll
 * instance is.  Returns the worker's number in each; the parent never
 * returns.  Exits with a message if the first workers cannot start.
 */
__startup int
workers_start(int n)
{
	struct workers	 ws;
	struct sigaction sa;
	size_t		 i;
	int		 w;

	DEBUG_CHECK(!ev_started(), "workers_start: the loop has started");
	memset(&ws, 0, sizeof(ws));
	ws.n = n;
	ws.parent = getpid();
	if ((ws.pids = calloc(n, sizeof(*ws.pids))) == NULL)
		fatal("workers");
	sigemptyset(&ws.mask);
	sigemptyset(&ws.passed);
	for (i = 0; i < nitems(workers_sigs); i++)
		sigaddset(&ws.mask, workers_sigs[i]);
	sigaddset(&ws.mask, SIGCHLD);
	/* Not ignored (inherited so), which would reap the workers unseen. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	cleanup_sigaction(SIGCHLD, &sa, NULL);
	/* Blocked first: nothing that comes after a fork is missed. */
	sigprocmask(SIG_BLOCK, &ws.mask, &ws.old);
	for (w = 1; w <= n; w++) {
		switch (workers_fork(&ws, w)) {
		case 0:
			return (w);
		case -1:
			log_warn("worker %d: fork", w);
			workers_fail(&ws, 1);
			w = n;
			break;
		}
	}
	TAKEN_DEFER();
	return (workers_supervise(&ws));
}
