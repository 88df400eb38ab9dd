/*
 * The one exit clean-up registry: what a module must undo when the
 * process ends (restore the terminal, remove a file it made, end its
 * programs) is registered here, and run both at exit() and from the
 * handler of a fatal signal.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "base.h"

/* More than every module together registers. */
#define CLEANUP_MAX	16

static cleanup_fn	*cleanup_fns[CLEANUP_MAX];
static volatile int	 cleanup_n;
/* The process that owns the registry, once it has started a child. */
static pid_t		 cleanup_pid;
/* The signals whose disposition sockcat set (sig_action()). */
static sigset_t		 sig_set_by_us;
static int		 sig_set_inited;

/*
 * cleanup_run(0) at exit(), as a destructor rather than with atexit(3):
 * the atexit() that a program links lies at the far end of its text, and
 * calling it would map a window of code that nothing else at start-up
 * uses.  It runs after the handlers that libraries register with
 * atexit(3), as an early atexit(3) call would.  Our pid is not asked
 * for at start either: getpid() is the only call of an idle listener in
 * its part of libc, and touching it maps 64 KiB more of libc into every
 * process.  cleanup_spawning() records it before the first child.
 */
static void	cleanup_at_exit(void) __attribute__((__destructor__));

#ifdef SC_COVERAGE
/*
 * gcc's coverage runtime writes its counts at exit(); a process that dies
 * of a signal never gets there, so a server stopped with SIGTERM would
 * count for nothing.  Built to count coverage, the handler of a fatal
 * signal has them written first (see cleanup_run()).
 */
void	__gcov_dump(void);
static volatile sig_atomic_t cleanup_counted;
#endif

static void
cleanup_at_exit(void)
{
#ifdef SC_COVERAGE
	sigset_t	 all;
#endif

	cleanup_run(0);
#ifdef SC_COVERAGE
	/*
	 * The coverage runtime's own destructors write the counts after
	 * this one.  A fatal signal's handler writing them meanwhile would
	 * write the same files from the same process, which their locks do
	 * not keep apart, and leave them corrupt for every later process:
	 * past this point the process ends by exit() whatever comes.
	 */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
#endif
}

/*
 * Called before a child process is started: from then on cleanup_run()
 * knows which process owns the registry, so that a child, should it ever
 * run our code before its exec, leaves its parent's things alone.
 */
void
cleanup_spawning(void)
{
	if (cleanup_pid == 0)
		cleanup_pid = getpid();
}

/*
 * Run fn when the process ends: fn(0) at exit(), fn(SIG) from the handler
 * of the fatal signal SIG, where it may only make async-signal-safe calls.
 * It must be harmless when run twice.  Registering the same fn again does
 * nothing.
 */
__startup void
cleanup_add(cleanup_fn *fn)
{
	int	 i;

	for (i = 0; i < cleanup_n; i++) {
		if (cleanup_fns[i] == fn)
			return;
	}
	if (cleanup_n == CLEANUP_MAX)
		fatalx("too many clean-up functions");
	cleanup_fns[cleanup_n] = fn;
	cleanup_n++;
}

/*
 * Run what was registered, the latest first, as atexit(3) does.  A child
 * process (-e, before its exec) leaves its parent's things alone.
 */
void
cleanup_run(int sig)
{
	int	 i;

	/* No child was ever started: this is the owner. */
	if (cleanup_pid != 0 && getpid() != cleanup_pid)
		return;
	for (i = cleanup_n - 1; i >= 0; i--)
		cleanup_fns[i](sig);
#ifdef SC_COVERAGE
	/*
	 * Not async-signal-safe, and only in builds that count coverage;
	 * once, should a second signal come in the middle of it.
	 */
	if (sig != 0 && !cleanup_counted) {
		cleanup_counted = 1;
		__gcov_dump();
	}
#endif
}

/*
 * sigaction(2), remembering sig when sa sets a disposition, so that a
 * child can be given back the default of every signal sockcat catches or
 * ignores (sig_set_by_sockcat()) without asking for every signal there is.
 * Every handler and every ignored signal is set through here.
 */
__startup int
sig_action(int sig, const struct sigaction *sa, struct sigaction *old)
{
	if (sa != NULL) {
		if (!sig_set_inited) {
			sigemptyset(&sig_set_by_us);
			sig_set_inited = 1;
		}
		sigaddset(&sig_set_by_us, sig);
	}
	return (sigaction(sig, sa, old));
}

/* The signals sig_action() has set a disposition for. */
void
sig_set_by_sockcat(sigset_t *set)
{
	if (sig_set_inited)
		*set = sig_set_by_us;
	else
		sigemptyset(set);
}
