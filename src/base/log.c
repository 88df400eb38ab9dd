/* Messages: errors and the -v reports, all on stderr. */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base.h"

static int	log_level;
static int	log_socat_d;		/* socat's -d, counted */
static void	(*log_clear)(int);	/* Erases a live status line. */
static int	log_socat;		/* socat's form of a line */
static const char *log_socat_prog = "socat"; /* its name there (-lp) */
static FILE	*log_socat_out;		/* -lf's file; NULL: stderr */
static int	log_socat_sys;		/* -ly: to syslog instead */
static int	log_socat_mixed = -1;	/* -lm: syslog's facility once
					   started; -1: not */
static int	log_socat_usec;		/* -lu: the time's microseconds */
static const char *log_socat_host;	/* -lh: the host's name, or NULL */
static int	log_worker;		/* --workers: this one's number */

/*
 * socat's severities, the letter of its form of a line: E an error, W a
 * warning, N a notice (what -d -d shows: listening, accepting, a
 * program started, a pty's name), I info (-d -d -d), D debugging
 * (-d -d -d -d).  Each message has its severity by the function that
 * writes it (log_verbose()'s by its level), never by its text.
 */
enum log_sev {
	LOG_SEV_ERROR,
	LOG_SEV_WARNING,
	LOG_SEV_NOTICE,
	LOG_SEV_INFO,
	LOG_SEV_DEBUG,
};

/* Write messages in socat's form, "YYYY/MM/DD hh:mm:ss socat[PID] N text". */
__startup void
log_socat_form(void)
{
	log_socat = 1;
}

/*
 * socat's -d count nd: warnings from one -d on; the rest by log_init()'s
 * level, which socat's command line makes nd - 1.
 */
__startup void
log_socat_debug(int nd)
{
	log_socat_d = nd;
}

/* The name socat's form gives ("socat" unless socat's -lp says). */
__startup void
log_socat_name(const char *name)
{
	log_socat_prog = name;
}

/*
 * Where socat's form goes (-lf, -ls, -ly): fd, opened for appending, or -1
 * for stderr; syslog facility, or -1.  fd is the log's from now on.
 * Returns -1 with errno if fd cannot be a stream.
 */
__startup int
log_socat_dest(int fd, int facility)
{
	FILE	*out = NULL;

	if (fd != -1 && (out = fdopen(fd, "a")) == NULL)
		return (-1);
	if (log_socat_out != NULL)
		fclose(log_socat_out);
	log_socat_out = out;
	log_socat_sys = facility != -1;
	if (log_socat_sys)
		openlog(log_socat_prog, LOG_PID, facility);
	return (0);
}

/* socat's -lm: stderr until log_socat_settled(), then syslog facility. */
__startup void
log_socat_mix(int facility)
{
	log_socat_mixed = facility;
}

/* sockcat has started (listener bound, relay running): -lm goes to syslog. */
__startup void
log_socat_settled(void)
{
	if (log_socat_mixed == -1)
		return;
	(void)log_socat_dest(-1, log_socat_mixed);
	log_socat_mixed = -1;
}

/* socat's -lu and -lh: the time to the microsecond; host before the name. */
__startup void
log_socat_detail(int usec, const char *host)
{
	if (usec)
		log_socat_usec = 1;
	if (host != NULL)
		log_socat_host = host;
}

/* Set how many -v were given. */
__startup void
log_init(int verbose)
{
	log_level = verbose;
}

__startup int
log_verbosity(void)
{
	return (log_level);
}

/* Prefix each line of this process with "worker w: ". */
__startup void
log_set_worker(int w)
{
	log_worker = w;
}

/*
 * Have fn erase stderr's current line (--progress) before each message;
 * fn(1) for a warning or error, whose line is kept above.
 */
void
log_set_clear(void (*fn)(int))
{
	log_clear = fn;
}

/*
 * Format fmt with ap into dst, of size bytes, leaving after bytes for
 * what follows: a message too long loses its middle, not its end, where
 * the cause is said.
 */
static void
log_format(char *dst, size_t size, size_t after, const char *fmt,
    va_list ap)
{
	va_list	 aq;
	char	*full;
	size_t	 room, head, tail;
	int	 n;

	room = size > after + 1 ? size - after - 1 : 0;
	va_copy(aq, ap);
	n = vsnprintf(dst, size, fmt, ap);
	if (n >= 0 && (size_t)n > room && room >= 16 &&
	    vasprintf(&full, fmt, aq) != -1) {
		head = room / 2;
		tail = room - head - 3;
		memcpy(dst, full, head);
		memcpy(dst + head, "...", 3);
		memcpy(dst + head + 3, full + n - tail, tail);
		dst[room] = '\0';
		free(full);
	}
	va_end(aq);
}

/*
 * Write one line of severity sev, after the program name if named;
 * warning: the --progress line is kept above it.
 */
static void
log_vprint(enum log_sev sev, int named, int warning, const char *fmt,
    va_list ap, int error)
{
	static const int syslog_pri[] = {
		[LOG_SEV_ERROR] = LOG_ERR,
		[LOG_SEV_WARNING] = LOG_WARNING,
		[LOG_SEV_NOTICE] = LOG_NOTICE,
		[LOG_SEV_INFO] = LOG_INFO,
		[LOG_SEV_DEBUG] = LOG_DEBUG,
	};
	char		 msg[2048];
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 len;
	int		 n = 0;

	/* One write per line so that concurrent writers do not interleave. */
	if (log_socat && log_socat_sys)
		n = snprintf(msg, sizeof(msg), "%c ", "EWNID"[sev]);
	else if (log_socat) {
		clock_gettime(CLOCK_REALTIME, &ts);
		if (localtime_r(&ts.tv_sec, &tm) != NULL)
			n = strftime(msg, sizeof(msg), "%Y/%m/%d %H:%M:%S",
			    &tm);
		if (log_socat_usec)
			n += snprintf(msg + n, sizeof(msg) - n, ".%06ld",
			    ts.tv_nsec / 1000);
		if (log_socat_host != NULL)
			n += snprintf(msg + n, sizeof(msg) - n, " %.64s",
			    log_socat_host);
		n += snprintf(msg + n, sizeof(msg) - n, " %.64s[%ld] %c ",
		    log_socat_prog, (long)getpid(), "EWNID"[sev]);
	} else if (named)
		n = snprintf(msg, sizeof(msg), "%s: ", getprogname());
	if (log_worker != 0 && n >= 0 && (size_t)n < sizeof(msg))
		n += snprintf(msg + n, sizeof(msg) - n, "worker %d: ",
		    log_worker);
	if (n >= 0 && (size_t)n < sizeof(msg))
		log_format(msg + n, sizeof(msg) - n, 1 + (error != 0 ? 2 +
		    strlen(strerror(error)) : 0), fmt, ap);
	if (error != 0) {
		strlcat(msg, ": ", sizeof(msg));
		strlcat(msg, strerror(error), sizeof(msg));
	}
	/* A message cut short (a 100 KB argument) still ends its line. */
	len = strlen(msg);
	if (len > sizeof(msg) - 2)
		len = sizeof(msg) - 2;
	msg[len++] = '\n';
	msg[len] = '\0';
	/* Not over the --progress line. */
	if (log_clear != NULL)
		log_clear(warning);
	if (log_socat_sys)
		syslog(syslog_pri[sev], "%s", msg);
	else {
		fputs(msg, log_socat_out != NULL ? log_socat_out : stderr);
		fflush(log_socat_out != NULL ? log_socat_out : stderr);
	}
	/*
	 * A NULL given for a %s is undefined (glibc writes "(null)"): a
	 * debug build stops at the message that shows one, so that every
	 * suite run with it finds one.
	 */
	DEBUG_CHECK(strstr(msg, "(null)") == NULL,
	    "a message was made from a NULL string");
}

/* log_vprint() of the arguments after fmt, in a function taking "...". */
#define LOG_VPRINT(sev, named, warning, fmt, error) do {		\
	va_list	 ap;							\
									\
	va_start(ap, fmt);						\
	log_vprint(sev, named, warning, fmt, ap, error);		\
	va_end(ap);							\
} while (0)

/* A report without the program name ("Listening on ..."); socat's notice. */
void
log_info(const char *fmt, ...)
{
	LOG_VPRINT(LOG_SEV_NOTICE, 0, 0, fmt, 0);
}

/* A report with the program name, shown at verbosity level or more. */
__shortrun void
log_verbose(int level, const char *fmt, ...)
{
	if (log_level < level)
		return;
	LOG_VPRINT(level <= 1 ? LOG_SEV_NOTICE : level == 2 ? LOG_SEV_INFO :
	    LOG_SEV_DEBUG, 1, 0, fmt, 0);
}

/*
 * A failure that is not the end (a client, a dial's try, a datagram),
 * shown at verbosity level or more; socat's warning.
 */
__shortrun void
log_verbose_warn(int level, const char *fmt, ...)
{
	if (log_socat ? log_socat_d < 1 : log_level < level)
		return;
	/* A report of -v's still: the --progress line is not kept for it. */
	LOG_VPRINT(LOG_SEV_WARNING, 1, 0, fmt, 0);
}

/* A warning with the program name, always shown. */
void
log_warning(const char *fmt, ...)
{
	if (log_socat && log_socat_d < 1)
		return;
	LOG_VPRINT(LOG_SEV_WARNING, 1, 1, fmt, 0);
}

/* "prog: message: strerror(errno)" */
void
log_warn(const char *fmt, ...)
{
	int	 error = errno;

	LOG_VPRINT(LOG_SEV_ERROR, 1, 1, fmt, error);
	errno = error;
}

/*
 * Format a message into *cause, for functions that return -1 to say why.
 * NULL cause is ignored; *cause is NULL if memory runs out.  Keeps errno.
 */
void
log_cause(char **cause, const char *fmt, ...)
{
	va_list	 ap;
	int	 error = errno;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
	errno = error;
}

/* "prog: message" */
void
log_warnx(const char *fmt, ...)
{
	LOG_VPRINT(LOG_SEV_ERROR, 1, 1, fmt, 0);
}

/* Print "prog: message" and exit 1; for command line and set-up errors. */
void
fatalx(const char *fmt, ...)
{
	LOG_VPRINT(LOG_SEV_ERROR, 1, 1, fmt, 0);
	exit(1);
}

/* Print "prog: message: strerror(errno)" and exit 1. */
void
fatal(const char *fmt, ...)
{
	LOG_VPRINT(LOG_SEV_ERROR, 1, 1, fmt, errno);
	exit(1);
}

/*
 * The n bytes at p, which a peer chose, as a message may quote them
 * (text_escape(), non-ASCII as \xNN), in out of outsz bytes
 * (LOG_ESCAPED(n) holds all), cut at a whole escape, NUL-terminated.
 * Returns out.  Every peer's string is logged through here:
 * tests/peertext.py checks it.
 */
__shortrun const char *
log_escape(char *out, size_t outsz, const void *p, size_t n)
{
	struct text_esc	 e = { .ascii = 1 };
	unsigned char	 one[TEXT_ESC_MAX];
	size_t		 i, k = 0, m;

	if (outsz == 0)
		return (out);
	for (i = 0; i < n; i++) {
		m = text_escape(&e, (const char *)p + i, 1, one);
		if (k + m >= outsz)
			break;
		memcpy(out + k, one, m);
		k += m;
	}
	out[k] = '\0';
	return (out);
}

/*
 * Write what fd takes of p at once, where a loss is not worth a report.
 * Resumes short writes and EINTR; stops on any other failure (EAGAIN too).
 * Async-signal-safe; keeps errno.
 */
__shortrun void
log_write_quiet(int fd, const void *p, size_t n)
{
	const char	*s = p;
	ssize_t		 w;
	int		 saved = errno;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		s += w;
		n -= w;
	}
	errno = saved;
}

/*
 * Debug builds: cb, start's callback, is about to be called by where
 * before start returned, breaking ASYNC_START() (base.h).  Say so and
 * abort.
 */
void
log_async_abort(const char *start, const char *where, void *cb)
{
	char	 name[256] = "", cmd[128];
	Dl_info	 di;
	FILE	*f;

	if (dladdr(cb, &di) != 0 && di.dli_sname != NULL)
		strlcpy(name, di.dli_sname, sizeof(name));
	else if (dladdr(cb, &di) != 0) {
		snprintf(cmd, sizeof(cmd), "addr2line -f -e /proc/%ld/exe "
		    "%#lx 2>/dev/null", (long)getpid(),
		    (unsigned long)((char *)cb - (char *)di.dli_fbase));
		if ((f = popen(cmd, "r")) != NULL) {
			if (fgets(name, sizeof(name), f) != NULL)
				name[strcspn(name, "\n")] = '\0';
			pclose(f);
		}
	}
	if (name[0] == '\0' || strcmp(name, "??") == 0)
		snprintf(name, sizeof(name), "at %p", cb);
	fprintf(stderr, "%s: %s: its callback %s was called (by %s) before "
	    "it returned\n", getprogname(), start, name, where);
	abort();
}
