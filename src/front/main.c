/* sockcat: read the command line, set up the process, run the mode. */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

#ifdef SC_DEBUG
/*
 * Debug builds: say at exit how many addresses were parsed
 * (SC_ADDR_COUNT, tests/t-sides.sh: each once) and how many bytes the
 * expects looked at (SC_EXPECT_COUNT, tests/t-sessions.sh).
 * Async-signal-safe: a signal ends a server.
 */
static void
main_say_count(const char *what, unsigned long n)
{
	char		 line[80], digits[24];
	size_t		 i = 0, len;

	do {
		digits[i++] = '0' + n % 10;
		n /= 10;
	} while (n > 0);
	len = strlcpy(line, "sockcat: ", sizeof(line));
	len = strlcat(line, what, sizeof(line));
	len = strlcat(line, ": ", sizeof(line));
	while (i > 0 && len < sizeof(line) - 2)
		line[len++] = digits[--i];
	line[len++] = '\n';
	log_write_quiet(STDERR_FILENO, line, len);
}

static void
main_addr_count(__unused int sig)
{
	main_say_count("addresses parsed", addr_parse_count());
}

static void
main_expect_count(__unused int sig)
{
	main_say_count("bytes the expects looked at", expect_looked_count());
}

/*
 * Debug builds: append the process id and command line to $SC_CMDLINE_LOG,
 * so the tests can name the command line of a sanitizer report.  One
 * write(2) with O_APPEND, so lines of processes started together do not mix.
 */
static void
main_note_cmdline(int argc, char **argv)
{
	const char	*path, *why;
	char		 line[4096];
	size_t		 len;
	int		 fd, i, saved = errno;

	if ((path = getenv("SC_CMDLINE_LOG")) == NULL || *path == '\0')
		return;
	len = snprintf(line, sizeof(line), "%ld", (long)getpid());
	for (i = 0; i < argc && len < sizeof(line) - 1; i++)
		len += snprintf(line + len, sizeof(line) - len, " %s", argv[i]);
	if (len >= sizeof(line) - 1)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	if ((fd = path_open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644, &why)) != -1) {
		log_write_quiet(fd, line, len);
		close(fd);
	}
	errno = saved;
}
#endif

#ifdef HAVE_SORT_SECTION
/*
 * The short run's code (__shortrun, last in the text) starts at a
 * 64 KiB boundary: the kernel maps a file's pages in 64 KiB windows
 * around each fault, and a one-shot run then maps that code and _fini
 * in a window of their own instead of one shared with the code before
 * them (sockcat -h: 1,600 KiB where it took 1,700, bench/peers).  An
 * empty section of that name, aligned: main.c is the first file linked
 * (Makefile.am), so this is the first of them, and the others follow.
 * The padding is in the file only; nothing maps it.
 */
__asm__(".section .text.zshortrun,\"ax\",@progbits\n"
    "\t.balign 65536\n"
    "\t.previous");
#endif

/*
 * Free o and run: each side what it owns (the command line's side what its
 * options made, which a pair's sides only point to).
 */
static __startup void
main_free(struct options *o, struct runtime *run)
{
	size_t	 i;

	for (i = 0; i < nitems(o->pair); i++) {
		if (o->pair[i].own != NULL)
			side_free(&o->pair[i]);
	}
	if (o->replay_side.own != NULL)
		side_free(&o->replay_side);
	free(o->replay_text);
	if (o->script.n > 0)
		script_free(&o->script);
	if (o->side.tls.ctx != NULL)
		tls_ctx_free(o->side.tls.ctx);
	if (o->side.via.srv_ctx != NULL)
		tls_ctx_free(o->side.via.srv_ctx);
	if (o->side.via.ws_ctx != NULL)
		tls_ctx_free(o->side.via.ws_ctx);
	parse_ports_free(o->side.ports, o->side.nports);
	free(o->side.ws.headers);
	free(o->side.ws.server_headers);
	free(o->side.ws.path);
	free(o->side.ws.paths);
	free(o->side.ws.allow_origins);
	if (o->side.proxy.nhops > 0)
		step_proxy_free(&o->side.proxy);
	if (o->side.auth.users != NULL || o->side.auth.token != NULL)
		auth_free(&o->side.auth);
	free(o->side.sock.md5sig);
	free(o->side.tls.pins);
	if (run->dump != NULL)
		dump_close(run->dump);
	free(o->passed_host);
	if (run->gate != NULL)
		gate_forget(run);
	if (!TAILQ_EMPTY(&o->side.gate.rules) || o->side.gate.srcs != NULL)
		gate_clear(&o->side.gate);
	if (o->relay)
		listen_front_clear(&o->front);
	/* A pair's one target is its own side, freed with the pair's. */
	if (o->npair > 0)
		return;
	free(o->fwd.targets);
	free(o->fwd.text);
	free(o->fwd.lines);
	if (o->fwd.sides != NULL) {
		for (i = 0; i < o->fwd.n; i++)
			side_free(&o->fwd.sides[i]);
		free(o->fwd.sides);
	}
}

__startup int
main(int argc, char **argv)
{
	struct options	 o;
	struct runtime	 run = { 0 };
	struct sigaction sa;
	char		*cause;
	int		 status;

#ifdef SC_DEBUG
	main_note_cmdline(argc, argv);
	if (getenv("SC_ADDR_COUNT") != NULL)
		cleanup_add(main_addr_count);
	if (getenv("SC_EXPECT_COUNT") != NULL)
		cleanup_add(main_expect_count);
#endif
	cmdline_parse(&o, &run, argc, argv);

	/* A peer that goes away is an error to report, not a signal. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	cleanup_sigaction(SIGPIPE, &sa, NULL);
	/*
	 * These must not leave stdin or stdout non-blocking for the shell,
	 * nor a file or a program (-e, -c) of ours behind: the clean-up
	 * registry runs, then we die of the signal.  A terminal put in modes
	 * of ours has every other fatal signal caught so too
	 * (cleanup_on_signals()).
	 */
	sa.sa_handler = cleanup_signal;
	cleanup_sigaction(SIGINT, &sa, NULL);
	cleanup_sigaction(SIGTERM, &sa, NULL);
	cleanup_sigaction(SIGHUP, &sa, NULL);
	stdio_init();
	stats_init(&o);
	run.report = stats_report;
	/* After stdio_init(): a log must never take the number 0, 1 or 2. */
	if ((o.output != NULL || o.hex_dump != NULL || o.socat_dump != 0 ||
	    o.socat_ltor != NULL || o.socat_rtol != NULL) && (run.dump =
	    dump_open(o.output, o.hex_dump, o.append_output, &cause)) == NULL)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	/* socat's -v, -x, -r, -R. */
	if (run.dump != NULL && dump_socat(run.dump, o.socat_dump,
	    o.socat_ltor, o.socat_rtol, o.socat_rx_ltor, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	/* --timestamp: the logs' lines too. */
	if (run.dump != NULL && o.flow.stamp != NULL)
		dump_stamp(run.dump, o.flow.stamp);

	status = mode_run(&o);
	/* --via ws://: what TLS wrote last still crosses the bridge. */
	if (o.side.via.ws)
		ws_bridge_drain();
	stats_end(0);
	/*
	 * A log cut short lost what it was given: said, and the status.
	 * (Only where there is one: the plain client runs no dump code.)
	 */
	if (status == 0 && (run.dump != NULL || o.flow.record != NULL) &&
	    dump_lost())
		status = 1;
	status = opt_audit(status);
	main_free(&o, &run);
	return (status);
}
