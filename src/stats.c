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

/* --stats and --progress: what was moved, at the end and while it moves. */

#include <sys/types.h>
#include <sys/ioctl.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockcat.h"

/* How often the progress line is redrawn. */
#define PROGRESS_INTERVAL_MS	250

/* Width assumed when stderr is not a terminal (--progress=always). */
#define PROGRESS_COLUMNS	80

static struct {
	int		 stats;		/* Print the final line. */
	int		 progress;	/* Draw the live line. */
	int		 ended;		/* stats_end() has run. */
	volatile sig_atomic_t shown;	/* The live line is on the screen. */
	int		 sized;		/* total is known. */
	uint64_t	 total;		/* Size of stdin when a regular file. */
	uint64_t	 last_bytes;	/* For the rate: bytes at last_time. */
	uint64_t	 last_time;
	double		 rate;		/* Smoothed bytes per second. */
	struct ev_timer	 timer;
} st;

static void	stats_tick(void *);

/*
 * Human-readable size in binary units: "512 B", "1.5 KiB", "12.0 MiB".
 */
static void
stats_size(char *buf, size_t len, double n)
{
	static const char	*units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t			 u = 0;

	while (n >= 1024 && u < sizeof(units) / sizeof(units[0]) - 1) {
		n /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", n);
	else
		snprintf(buf, len, "%.1f %s", n, units[u]);
}

/* A duration in seconds as "m:ss", or "h:mm:ss" from an hour on. */
static void
stats_clock(char *buf, size_t len, uint64_t secs)
{
	if (secs >= 3600)
		snprintf(buf, len, "%llu:%02llu:%02llu",
		    (unsigned long long)(secs / 3600),
		    (unsigned long long)(secs / 60 % 60),
		    (unsigned long long)(secs % 60));
	else
		snprintf(buf, len, "%llu:%02llu",
		    (unsigned long long)(secs / 60),
		    (unsigned long long)(secs % 60));
}

/*
 * Decide what to show: the final line with --stats or -vv (never with a
 * single -v, whose output is netcat's), the live line with --progress when
 * stderr is a terminal and stdout is not (received data would be mixed
 * with it), or when it is forced.
 */
void
stats_init(const struct options *o)
{
	memset(&st, 0, sizeof(st));
	st.stats = o->stats || o->verbose >= 2;
	if (o->progress == PROGRESS_ALWAYS)
		st.progress = 1;
	else if (o->progress == PROGRESS_AUTO)
		st.progress = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	if (st.progress) {
		if (!o->no_stdin && stdio_in_size(&st.total) == 0)
			st.sized = 1;
		ev_timer_init(&st.timer, stats_tick, NULL);
		/* A display refresh must not keep the program running. */
		st.timer.flags |= EV_TIMER_WEAK;
		ev_timer_arm(&st.timer, PROGRESS_INTERVAL_MS);
	}
	if (st.stats || st.progress)
		atexit(stats_end);
}

/*
 * Erase the live line, if it is shown, so that a message can be printed
 * in its place; the next refresh draws it again.  Only write(2): a signal
 * handler may call this.
 */
void
stats_clear(void)
{
	static const char	 erase[] = "\r\033[K";

	if (!st.shown)
		return;
	st.shown = 0;
	(void)write(STDERR_FILENO, erase, sizeof(erase) - 1);
}

/* Terminal width, so that the line never wraps (a wrapped line stays). */
static size_t
stats_columns(void)
{
	struct winsize	 ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return (ws.ws_col);
	return (PROGRESS_COLUMNS);
}

/* Redraw the live line and come back in a moment. */
static void
stats_tick(void *arg)
{
	const struct pump_totals	*pt = pump_totals();
	char				 line[256], out[300], sent[32];
	char				 recv[32], rate[32], when[32], eta[32];
	char				 pct[16], left[24];
	uint64_t			 now = ev_now(), bytes, done;
	double				 inst;
	size_t				 cols, len;
	int				 n;

	ev_timer_arm(&st.timer, PROGRESS_INTERVAL_MS);
	if (pt->started == 0)
		return;		/* Nothing is moving yet: still waiting. */

	/* The rate since the last refresh, smoothed over a few of them. */
	bytes = pt->sent + pt->received;
	if (st.last_time == 0)
		st.last_time = pt->started;
	if (now > st.last_time) {
		inst = (double)(bytes - st.last_bytes) * 1000 /
		    (double)(now - st.last_time);
		st.rate = st.rate == 0 ? inst : 0.7 * st.rate + 0.3 * inst;
	}
	st.last_bytes = bytes;
	st.last_time = now;

	stats_size(sent, sizeof(sent), (double)pt->sent);
	stats_size(recv, sizeof(recv), (double)pt->received);
	stats_size(rate, sizeof(rate), st.rate);
	stats_clock(when, sizeof(when), (now - pt->started) / 1000);
	pct[0] = eta[0] = '\0';
	if (st.sized) {
		done = stdio_in_bytes();
		if (done > st.total)
			done = st.total;
		snprintf(pct, sizeof(pct), " (%d%%)", st.total == 0 ? 100 :
		    (int)(done * 100 / st.total));
		/* At the average pace so far: steadier than the last tick. */
		if (done > 0) {
			stats_clock(left, sizeof(left),
			    (uint64_t)((double)(st.total - done) *
			    (double)(now - pt->started) / (double)done / 1000));
			snprintf(eta, sizeof(eta), "  ETA %s", left);
		}
	}
	n = snprintf(line, sizeof(line), "sent %s%s  received %s  %s/s  %s%s",
	    sent, pct, recv, rate, when, eta);
	if (n < 0)
		return;
	len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	cols = stats_columns();
	if (len > cols - 1)
		len = cols - 1;
	n = snprintf(out, sizeof(out), "\r%.*s\033[K", (int)len, line);
	if (n > 0 && (size_t)n < sizeof(out)) {
		(void)write(STDERR_FILENO, out, n);
		st.shown = 1;
	}
}

/*
 * The end: erase the live line and, with --stats, print what was sent and
 * received, for how long and how fast.  Runs once, also from exit().
 */
void
stats_end(void)
{
	const struct pump_totals	*pt = pump_totals();
	char				 sent[64], recv[64], rate[48];
	char				 hs[32], hr[32];
	uint64_t			 ms;

	if (st.ended)
		return;
	st.ended = 1;
	if (st.progress)
		ev_timer_disarm(&st.timer);
	stats_clear();
	if (!st.stats || pt->started == 0)
		return;

	ms = ev_now() - pt->started;
	snprintf(sent, sizeof(sent), "%llu bytes", (unsigned long long)pt->sent);
	snprintf(recv, sizeof(recv), "%llu bytes",
	    (unsigned long long)pt->received);
	if (pt->sent >= 1024) {
		stats_size(hs, sizeof(hs), (double)pt->sent);
		strlcat(sent, " (", sizeof(sent));
		strlcat(sent, hs, sizeof(sent));
		strlcat(sent, ")", sizeof(sent));
	}
	if (pt->received >= 1024) {
		stats_size(hr, sizeof(hr), (double)pt->received);
		strlcat(recv, " (", sizeof(recv));
		strlcat(recv, hr, sizeof(recv));
		strlcat(recv, ")", sizeof(recv));
	}
	rate[0] = '\0';
	if (ms > 0) {
		stats_size(hs, sizeof(hs),
		    (double)(pt->sent + pt->received) * 1000 / (double)ms);
		snprintf(rate, sizeof(rate), " (%s/s)", hs);
	}
	log_warnx("sent %s, received %s in %llu.%03llu seconds%s", sent, recv,
	    (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000),
	    rate);
}
