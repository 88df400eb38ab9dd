/* --stats and --progress: what was moved, at the end and while it moves. */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* How often the progress line is redrawn. */
#define PROGRESS_INTERVAL_MS	250

/* Width assumed when stderr is not a terminal (--progress=always). */
#define PROGRESS_COLUMNS	80

static struct {
	int		 stats;		/* Print the final line. */
	int		 buffers;	/* with the pool's counts (-vvv). */
	int		 progress;	/* Draw the live line. */
	int		 tty_out;	/* stdout is a terminal as well. */
	int		 out_midline;	/* and its last line is unfinished. */
	int		 ended;		/* stats_end() has run. */
	volatile sig_atomic_t shown;	/* The live line is on the screen. */
	int		 sized;		/* total is known. */
	uint64_t	 total;		/* Size of stdin when a regular file. */
	uint64_t	 last_bytes;	/* For the rate: bytes at last_time. */
	uint64_t	 last_time;
	double		 rate;		/* Smoothed bytes per second. */
	struct ev_timer	 timer;
} st;

/*
 * A line of text built without stdio or the heap, so that a signal handler
 * may build and print one.  What does not fit is dropped.
 */
struct line {
	char	 buf[256];
	size_t	 len;
};

static void
line_add(struct line *l, const char *s)
{
	while (*s != '\0' && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
	l->buf[l->len] = '\0';
}

static void
line_add_number(struct line *l, uint64_t v, int width)
{
	char	 digits[24];
	size_t	 i = sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = '0' + v % 10;
		v /= 10;
	} while (v != 0 || sizeof(digits) - 1 - i < (size_t)width);
	line_add(l, digits + i);
}

/* A size in binary units, rounded to a tenth: "512 B", "1.5 KiB". */
static void
line_add_size(struct line *l, uint64_t n)
{
	static const char	*units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	uint64_t		 unit = 1, tenths;
	size_t			 u = 0;

	while (u < nitems(units) - 1 && n / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	if (u == 0) {
		line_add_number(l, n, 0);
		line_add(l, " B");
		return;
	}
	tenths = (n / unit) * 10 + ((n % unit) * 10 + unit / 2) / unit;
	line_add_number(l, tenths / 10, 0);
	line_add(l, ".");
	line_add_number(l, tenths % 10, 0);
	line_add(l, " ");
	line_add(l, units[u]);
}

/* An exact count, with its size in units from a kilobyte on. */
static void
line_add_bytes(struct line *l, uint64_t n)
{
	line_add_number(l, n, 0);
	line_add(l, " bytes");
	if (n >= 1024) {
		line_add(l, " (");
		line_add_size(l, n);
		line_add(l, ")");
	}
}

/* A duration in seconds as "m:ss", or "h:mm:ss" from an hour on. */
static void
line_add_clock(struct line *l, uint64_t secs)
{
	if (secs >= 3600) {
		line_add_number(l, secs / 3600, 0);
		line_add(l, ":");
		line_add_number(l, secs / 60 % 60, 2);
	} else
		line_add_number(l, secs / 60, 0);
	line_add(l, ":");
	line_add_number(l, secs % 60, 2);
}

/*
 * Erase the live line, if shown; only write(2), for signal handlers.
 * st.shown is set before the line is drawn and cleared after it is
 * erased, so a signal between erases once too often rather than never.
 */
static void
stats_clear(void)
{
	static const char	 erase[] = "\r\033[K";

	if (!st.shown)
		return;
	log_write_quiet(STDERR_FILENO, erase, sizeof(erase) - 1);
	st.shown = 0;
}

/*
 * Write to a terminal stdout that the live line shares: erased first, drawn
 * again only after a line ends.
 */
static ssize_t
stats_out_write(struct endpoint *ep, const void *p, size_t n)
{
	ssize_t	 r;

	stats_clear();
	if ((r = write(ep->wfd, p, n)) > 0)
		st.out_midline = ((const unsigned char *)p)[r - 1] != '\n';
	return (r);
}

static const struct ep_ops stats_out_ops = {
	.write = stats_out_write,
};

/* Terminal width, so that the line never wraps (a wrapped line stays). */
static size_t
stats_columns(void)
{
	struct winsize	 ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return (ws.ws_col);
	return (PROGRESS_COLUMNS);
}

/* The fields of the live line, in the order they are shown. */
enum stats_field {
	SF_SENT,		/* "sent 12.5 MiB (19%)" */
	SF_RECEIVED,		/* "received 0 B" */
	SF_RATE,		/* "8.2 MiB/s" */
	SF_CLOCK,		/* "0:01", the time so far */
	SF_ETA,			/* "ETA 0:06" */
	SF_COUNT,
};

/* Draw the live line, dropping the least telling fields when narrow. */
static void
stats_draw(void)
{
	const struct pump_totals	*pt = pump_totals();
	struct line			 f[SF_COUNT], l = { .len = 0 };
	enum stats_field		 order[SF_COUNT];
	uint64_t			 now = ev_now(), done = 0;
	size_t				 i, n = 0, cols, width;
	int				 shown[SF_COUNT];

	memset(f, 0, sizeof(f));
	line_add(&f[SF_SENT], "sent ");
	line_add_size(&f[SF_SENT], pt->sent);
	if (st.sized) {
		done = stdio_in_bytes();
		if (done > st.total)
			done = st.total;
		line_add(&f[SF_SENT], " (");
		line_add_number(&f[SF_SENT], st.total == 0 ? 100 :
		    done * 100 / st.total, 0);
		line_add(&f[SF_SENT], "%)");
	}
	line_add(&f[SF_RECEIVED], "received ");
	line_add_size(&f[SF_RECEIVED], pt->received);
	line_add_size(&f[SF_RATE], (uint64_t)st.rate);
	line_add(&f[SF_RATE], "/s");
	line_add_clock(&f[SF_CLOCK], (now - pt->started) / 1000);
	/* At the average pace so far: steadier than the last refresh. */
	if (st.sized && done > 0) {
		line_add(&f[SF_ETA], "ETA ");
		line_add_clock(&f[SF_ETA], (uint64_t)((double)(st.total -
		    done) * (double)(now - pt->started) / (double)done /
		    1000));
	}

	/* What goes first when it does not all fit. */
	if (pt->received == 0)
		order[n++] = SF_RECEIVED;
	if (pt->sent == 0)
		order[n++] = SF_SENT;
	order[n++] = SF_CLOCK;
	if (pt->received != 0)
		order[n++] = SF_RECEIVED;
	if (pt->sent != 0)
		order[n++] = SF_SENT;
	cols = stats_columns() - 1;
	width = 0;
	for (i = 0; i < SF_COUNT; i++) {
		shown[i] = f[i].len > 0;
		if (shown[i])
			width += f[i].len + (width > 0 ? 2 : 0);
	}
	for (i = 0; i < n && width > cols; i++) {
		shown[order[i]] = 0;
		width -= f[order[i]].len + 2;
	}

	line_add(&l, "\r");
	for (i = 0; i < SF_COUNT; i++) {
		if (!shown[i])
			continue;
		if (l.len > 1)
			line_add(&l, "  ");
		line_add(&l, f[i].buf);
	}
	if (l.len > cols + 1)
		l.len = cols + 1;
	l.buf[l.len] = '\0';
	line_add(&l, "\033[K");
	st.shown = 1;
	log_write_quiet(STDERR_FILENO, l.buf, l.len);
}

/* Before a message: a warning or error keeps the live line, else erase it. */
static void
stats_log_clear(int warning)
{
	if (!warning || !st.shown || st.ended) {
		stats_clear();
		return;
	}
	stats_draw();
	log_write_quiet(STDERR_FILENO, "\n", 1);
	st.shown = 0;
}

/* Redraw the live line and come back in a moment. */
static void
stats_tick(__unused void *arg)
{
	const struct pump_totals	*pt = pump_totals();
	uint64_t			 now = ev_now(), bytes;
	double				 inst;

	ev_timer_arm(&st.timer, PROGRESS_INTERVAL_MS);
	if (pt->started == 0)
		return;		/* Nothing is moving yet: still waiting. */
	if (st.out_midline)
		return;		/* It would cover a line being received. */

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
	stats_draw();
}

/* Write the --stats line.  Only write(2) and integer arithmetic. */
static void
stats_line(void)
{
	const struct pump_totals	*pt = pump_totals();
	struct line			 l = { .len = 0 };
	uint64_t			 ms;
	size_t				 held, pooled;

	pump_count_drops();
	ms = pt->started != 0 ? ev_now() - pt->started : 0;
	line_add(&l, getprogname());
	/* A worker's figures are its own (--workers). */
	if (worker_number() != 0) {
		line_add(&l, ": worker ");
		line_add_number(&l, worker_number(), 0);
	}
	line_add(&l, ": sent ");
	line_add_bytes(&l, pt->sent);
	line_add(&l, ", received ");
	line_add_bytes(&l, pt->received);
	line_add(&l, " in ");
	line_add_number(&l, ms / 1000, 0);
	line_add(&l, ".");
	line_add_number(&l, ms % 1000, 3);
	line_add(&l, " seconds");
	if (ms > 0) {
		line_add(&l, " (");
		line_add_size(&l, (pt->sent + pt->received) * 1000 / ms);
		line_add(&l, "/s)");
	}
	/* Datagrams, and those the kernel dropped when it says. */
	if (pt->dgrams) {
		line_add(&l, "; datagrams: ");
		line_add_number(&l, pt->dgrams_sent, 0);
		line_add(&l, " sent, ");
		line_add_number(&l, pt->dgrams_received, 0);
		line_add(&l, " received");
		if (pt->drops_known) {
			line_add(&l, ", ");
			line_add_number(&l, pt->dgrams_dropped, 0);
			line_add(&l, " dropped by the kernel");
		}
	}
	/*
	 * With -vvv, the buffers connections hold now and those pooled: a
	 * connection that has nothing queued holds none.
	 */
	if (st.buffers) {
		buf_pool_counts(&held, &pooled);
		line_add(&l, "; buffers: ");
		line_add_number(&l, held, 0);
		line_add(&l, " held, ");
		line_add_number(&l, pooled, 0);
		line_add(&l, " pooled");
	}
	/* The newline goes in even if the line was cut. */
	if (l.len > sizeof(l.buf) - 2)
		l.len = sizeof(l.buf) - 2;
	l.buf[l.len++] = '\n';
	log_write_quiet(STDERR_FILENO, l.buf, l.len);
}

/* Print the figures so far (SIGUSR1); called from the loop. */
void
stats_report(void)
{
	if (st.ended)
		return;
	stats_clear();
	stats_line();
}

/*
 * Erase the live line and, with --stats, print the final one.  Runs once:
 * at main()'s end (sig 0), or from the clean-up registry, perhaps a signal
 * handler (sig): only async-signal-safe work.
 */
__shortrun void
stats_end(int sig)
{
	if (st.ended)
		return;
	st.ended = 1;
	if (st.progress && sig == 0)
		ev_timer_disarm(&st.timer);
	stats_clear();
	if (sig == 0)
		fflush(stderr);
	if (st.stats && pump_totals()->started != 0)
		stats_line();
}

/*
 * Decide what to show: the final line with --stats or -vv (never with a
 * single -v, whose output is netcat's), the live line with --progress when
 * stderr is a terminal, or when it is forced.  When stdout is a terminal
 * too, received data and the line share the screen: see stats_out_ops.
 */
__startup void
stats_init(const struct options *o)
{
	memset(&st, 0, sizeof(st));
	OPTIONS_TAKEN(stats);
	OPTIONS_TAKEN(progress);
	st.stats = o->stats || o->verbose >= 2;
	st.buffers = o->verbose >= 3;
	if (o->progress == PROGRESS_ALWAYS)
		st.progress = 1;
	else if (o->progress == PROGRESS_AUTO)
		st.progress = isatty(STDERR_FILENO);
	st.tty_out = st.progress && isatty(STDERR_FILENO) &&
	    isatty(STDOUT_FILENO);
	if (st.progress) {
		if (!o->flow.no_stdin && stdio_in_size(&st.total) == 0)
			st.sized = 1;
		ev_timer_init(&st.timer, stats_tick, NULL);
		/* A display refresh must not keep the program running. */
		st.timer.flags |= EV_TIMER_WEAK;
		ev_timer_arm(&st.timer, PROGRESS_INTERVAL_MS);
	}
	if (st.stats || st.progress) {
		cleanup_add(stats_end);
		log_set_clear(stats_log_clear);
	}
	/* stdout shares the terminal with the line: writes go round it. */
	if (st.tty_out)
		stdio_set_out_ops(&stats_out_ops);
}
