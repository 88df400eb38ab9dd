/*
 * Signals as events of the loop: the handler writes to a pipe to
 * ourselves, and the loop runs the callbacks outside signal context.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/* Each signal's callback, and the pending ones. */
struct ev_sig {
	ev_signal_cb	*cb;
	void		*arg;
	int		 weak;	/* keeps no loop going (ev_signal_weak()) */
};
static struct ev_sig		 ev_sigs[NSIG];
static int			 ev_sig_strong;	/* watched, not weak */
static volatile sig_atomic_t	 ev_sig_pending[NSIG];
static volatile sig_atomic_t	 ev_sig_any;	/* one of them is set */
static int			 ev_sig_pipe[2] = { -1, -1 };

/* Async-signal-safe; keeps errno. */
static void
ev_signal_handler(int sig)
{
	ev_sig_pending[sig] = 1;
	ev_sig_any = 1;
	/* A full pipe already holds a wake-up; nothing is lost. */
	log_write_quiet(ev_sig_pipe[1], "", 1);
}

/* Run the callbacks of the signals that came: first each round. */
static void
ev_signal_run(void)
{
	int	 sig;

	if (!ev_sig_any)
		return;
	ev_sig_any = 0;
	for (sig = 1; sig < NSIG; sig++) {
		if (!ev_sig_pending[sig])
			continue;
		ev_sig_pending[sig] = 0;
		if (ev_sigs[sig].cb != NULL)
			ev_sigs[sig].cb(sig, ev_sigs[sig].arg);
	}
}

/* The pipe is readable: run the callbacks of what arrived. */
static void
ev_signal_dispatch(int fd, __unused int events, __unused void *arg)
{
	char	 drain[64];

	/* Less than it could hold: the pipe is empty now. */
	while (read(fd, drain, sizeof(drain)) == (ssize_t)sizeof(drain))
		;
	ev_signal_run();
}

/* ev_signal() and ev_signal_weak(): cb for sig, the loop kept or not. */
static int
ev_signal_set(int sig, ev_signal_cb *cb, void *arg, int weak)
{
	struct sigaction	 sa;

	if (sig <= 0 || sig >= NSIG) {
		errno = EINVAL;
		return (-1);
	}
	if (ev_sig_pipe[0] == -1) {
		if (pipe2(ev_sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
			return (-1);
		ev_every_round(ev_signal_run);
		if (ev_set(ev_sig_pipe[0], EV_READ, ev_signal_dispatch,
		    NULL) == -1) {
			net_close(&ev_sig_pipe[0]);
			net_close(&ev_sig_pipe[1]);
			return (-1);
		}
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* Restart slow calls: the loop learns of the signal from the pipe. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = cb != NULL ? ev_signal_handler : SIG_DFL;
	ev_sig_strong -= ev_sigs[sig].cb != NULL && !ev_sigs[sig].weak;
	ev_sigs[sig].cb = cb;
	ev_sigs[sig].arg = arg;
	ev_sigs[sig].weak = weak;
	ev_sig_strong += cb != NULL && !weak;
	ev_weak(ev_sig_pipe[0], ev_sig_strong == 0);
	return (cleanup_sigaction(sig, &sa, NULL));
}

/*
 * Call cb from the loop each time sig arrives (deliveries between two
 * rounds may be reported once); NULL restores the default.  A watched
 * signal keeps ev_loop() running: the mode ends it with ev_break().
 * Returns -1 with errno.
 */
int
ev_signal(int sig, ev_signal_cb *cb, void *arg)
{
	return (ev_signal_set(sig, cb, arg, 0));
}

/*
 * As ev_signal(), but sig watched keeps no loop going: a server's
 * reload and report, which are for while it serves.
 */
int
ev_signal_weak(int sig, ev_signal_cb *cb, void *arg)
{
	return (ev_signal_set(sig, cb, arg, 1));
}
