/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* sockcat: read the command line, set up the process, run the mode. */

#include <sys/types.h>
#include <sys/socket.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockcat.h"

/* Functions to run at exit, also when a signal ends the process. */
static void	(*main_hooks[4])(void);
static pid_t	 main_pid;

/*
 * Run fn when the process exits, by exit() or by SIGINT, SIGTERM or
 * SIGHUP: to remove files it created.  fn must be safe in a signal handler
 * and harmless if run twice.
 */
void
main_at_exit(void (*fn)(void))
{
	size_t	 i;

	for (i = 0; i < nitems(main_hooks); i++) {
		if (main_hooks[i] == fn)
			return;
		if (main_hooks[i] == NULL) {
			main_hooks[i] = fn;
			return;
		}
	}
	fatalx("too many exit hooks");
}

static void
main_run_hooks(void)
{
	size_t	 i;

	/* A child process (-e) leaves its parent's files alone. */
	if (getpid() != main_pid)
		return;
	for (i = 0; i < nitems(main_hooks); i++) {
		if (main_hooks[i] != NULL)
			main_hooks[i]();
	}
}

/*
 * A fatal signal must not leave stdin or stdout non-blocking for the
 * shell, nor a FIFO of ours or a program (-e, -c) behind: restore them,
 * remove it, end them, then die of the same signal.
 */
static void
main_signal(int sig)
{
	stats_signal();
	if (getpid() == main_pid)
		exec_kill_children();
	main_run_hooks();
	stdio_restore();
	fifo_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

int
main(int argc, char **argv)
{
	struct options	 o;
	struct sigaction sa;
	char		*cause;
	const char	*failed;
	int		 status;

	main_pid = getpid();
	atexit(main_run_hooks);
	cmdline_parse(&o, argc, argv);

	/* A peer that goes away is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	stdio_init();
	if (o.ssl && !o.zero && tls_setup(&o, &cause) == -1)
		fatalx("%s", cause);
	stats_init(&o);
	/* After stdio_init(): a log must never take the number 0, 1 or 2. */
	if ((o.output != NULL || o.hex_dump != NULL) && (o.dump =
	    dump_open(o.output, o.hex_dump, o.append_output, &failed)) == NULL)
		fatal("%s", failed != NULL ? failed : "session log");

	if (o.chat && o.listen)
		status = chat_listen(&o);
	else if (o.chat)
		status = chat_connect(&o);
	else if (o.family == AF_UNIX) {
		if (o.zero)
			status = unix_scan(&o);
		else if (o.listen)
			status = unix_listen(&o);
		else
			status = unix_connect(&o);
	} else if (o.zero)
		status = scan_ports(&o);
	else if (o.broker || o.room)
		status = broker_listen(&o);
	else if (o.proxy_serve)
		status = proxyd_listen(&o);
	else if (o.listen && o.socktype == SOCK_DGRAM)
		status = udp_listen(&o);
	else if (o.listen)
		status = plain_listen(&o);
	else
		status = plain_connect(&o);
	stats_end();
	free_ports(o.ports, o.nports);
	free(o.proxy_host);
	free(o.proxy_port);
	dump_close(o.dump);
	free(o.md5sig);
	free(o.ssl_pins);
	return (status);
}
