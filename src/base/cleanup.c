/*
 * The one exit clean-up registry: what a module must undo when the process
 * ends, run at exit() and from a fatal signal's handler; and the signal
 * dispositions a child is given back.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/* More than every module together registers. */
#define CLEANUP_MAX	16

static cleanup_fn	*cleanup_fns[CLEANUP_MAX];
static volatile int	 cleanup_n;
/* The process that owns the registry, once it has started a child. */
static pid_t		 cleanup_pid;
/* The signals whose disposition sockcat set (cleanup_sigaction()). */
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
static void	cleanup_run(int);

#ifdef SC_COVERAGE
/*
 * gcc's coverage runtime writes its counts at exit(); a process that dies
 * of a signal never gets there, so a server stopped with SIGTERM would
 * count for nothing.  Built to count coverage, the handler of a fatal
 * signal has them written first (see cleanup_run()).
 */
void	__gcov_dump(void);
static volatile sig_atomic_t cleanup_counted;
/* The signal being died of while the counts are written. */
static volatile sig_atomic_t cleanup_dying;
#endif

static __shortrun void
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
 * Call before starting a child: a child that runs our code before its exec
 * then leaves its parent's registry alone.
 */
void
cleanup_spawning(void)
{
	if (cleanup_pid == 0)
		cleanup_pid = getpid();
}

/* Make the registry this forked process's own (--workers). */
__startup void
cleanup_forked(void)
{
	cleanup_pid = 0;
}

/*
 * Run fn when the process ends: fn(0) at exit(), fn(SIG) from the handler
 * of fatal signal SIG, where only async-signal-safe calls are allowed.  fn
 * must be harmless when run twice; adding it again does nothing.
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

/* Run the registry, latest first, as atexit(3) does; nothing in a child. */
static __shortrun void
cleanup_run(int sig)
{
#ifdef SC_COVERAGE
	struct sigaction sa;
	sigset_t	 alrm;
#endif
	int		 i;

	/* No child was ever started: this is the owner. */
	if (cleanup_pid != 0 && getpid() != cleanup_pid)
		return;
	for (i = cleanup_n - 1; i >= 0; i--)
		cleanup_fns[i](sig);
#ifdef SC_COVERAGE
	/*
	 * Not async-signal-safe, and only in builds that count coverage;
	 * once, should a second signal come in the middle of it.  A signal
	 * that came in the middle of malloc() can leave the writing
	 * waiting on its lock for ever: an alarm bounds it (see
	 * cleanup_signal()).
	 */
	if (sig != 0 && !cleanup_counted) {
		cleanup_counted = 1;
		cleanup_dying = sig;
		/*
		 * A handler's own signal is blocked while it runs: the alarm
		 * could not bound a writing that SIGALRM itself started.  Its
		 * handler is ours, or the alarm would kill the process with
		 * its own status rather than the first signal's.
		 */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = cleanup_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		sigemptyset(&alrm);
		sigaddset(&alrm, SIGALRM);
		sigprocmask(SIG_UNBLOCK, &alrm, NULL);
		alarm(5);
		__gcov_dump();
		alarm(0);
	}
#endif
}

/*
 * The signals whose default action ends the process, SIGKILL and SIGSTOP
 * aside (they cannot be caught); the real-time ones are added in
 * cleanup_on_signals().
 */
static const int cleanup_fatal_sigs[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
	SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF,
#ifdef SIGIO
	SIGIO,
#endif
#ifdef SIGPWR
	SIGPWR,
#endif
	SIGSYS,
};

/*
 * Handler of a fatal signal: run the registry, then die of the signal, so
 * the status says which and a core is dumped where its default does.
 */
void
cleanup_signal(int sig)
{
#ifdef SC_COVERAGE
	sigset_t	 set;

	/* The counts' writing hung (cleanup_run()): die of the first. */
	if (sig == SIGALRM && cleanup_dying != 0 && cleanup_dying != SIGALRM) {
		sig = cleanup_dying;
		sigemptyset(&set);
		sigaddset(&set, sig);
		signal(sig, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
	}
#endif
	cleanup_run(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Catch sig with cleanup_signal(), unless it is ignored or ours. */
static __startup void
cleanup_catch(int sig, const struct sigaction *sa)
{
	struct sigaction old;

	if (sig_set_inited && sigismember(&sig_set_by_us, sig) == 1)
		return;
	if (sigaction(sig, NULL, &old) == -1 || old.sa_handler == SIG_IGN)
		return;
	cleanup_sigaction(sig, sa, NULL);
}

/*
 * From now on, every signal that would end the process runs the registry
 * first; for whatever puts the terminal in modes of its own.  Ignored
 * signals and those sockcat set (cleanup_sigaction()) are left alone;
 * another's handler (a sanitizer's) is replaced.  Idempotent.
 */
__startup void
cleanup_on_signals(void)
{
	static int	 done;
	struct sigaction sa;
	size_t		 i;
	int		 sig;

	if (done)
		return;
	done = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cleanup_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < nitems(cleanup_fatal_sigs); i++)
		cleanup_catch(cleanup_fatal_sigs[i], &sa);
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		cleanup_catch(sig, &sa);
}

/*
 * sigaction(2), remembering sig so that a child can be given back every
 * disposition sockcat set (cleanup_sigset()).  Every handler and ignored
 * signal is set through here.
 */
__startup int
cleanup_sigaction(int sig, const struct sigaction *sa, struct sigaction *old)
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

/* The signals cleanup_sigaction() has set a disposition for. */
void
cleanup_sigset(sigset_t *set)
{
	if (sig_set_inited)
		*set = sig_set_by_us;
	else
		sigemptyset(set);
}
