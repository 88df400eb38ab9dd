/*
 * Session logs: -o writes every byte moved, both directions, as it is;
 * --hex-dump writes it as a hex dump, each chunk marked with its direction.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pump.h"

#define DUMP_LINE_BYTES	16

/* Directions, as the hex dump marks them. */
#define DUMP_RECEIVED	'<'
#define DUMP_SENT	'>'

struct dump {
	int		 raw_fd;	/* -o, -1 when unset */
	int		 hex_fd;	/* --hex-dump, -1 when unset */
	const char	*raw_path;
	const char	*hex_path;
	uint64_t	 received;	/* Offsets: bytes logged so far. */
	uint64_t	 sent;
	/* socat's dumps (dump_socat()): its two ways, not ours. */
	int		 shown;		/* on stderr: DUMP_SOCAT_*, or 0 */
	int		 received_ltor;	/* received: first address to second */
	int		 way_fd[2];	/* -r, -R: each way's bytes, or -1 */
	const char	*way_path[2];
	uint64_t	 way_off[2];	/* each way's bytes so far */
	/* --timestamp: each line of either way, each hex line, stamped. */
	const struct stamp *stamp;
	int		 mid[2];	/* the raw log's received, sent: in a
					   line */
	uint64_t	 start;		/* the session's start, of the last
					   chunk's channel */
	/*
	 * A server of many sessions at once (dump_label()): each one's
	 * name, from its session; its offsets its channels'.
	 */
	const char	*(*label)(struct session *);
};

/*
 * Open the log at path, made if need be, not truncated yet (dump_trunc()).
 * Returns the descriptor, or -1 with errno and *cause ("PATH: reason").
 */
static int
dump_open_file(const char *path, int append, char **cause)
{
	const char	*why;
	int		 fd;

	if ((fd = path_open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
	    (append ? O_APPEND : 0), 0666, &why)) == -1)
		log_cause(cause, "%s: %s", path, why);
	return (fd);
}

/*
 * Truncate the log open at fd (-1: none), a regular file's, as O_TRUNC
 * would.  Returns -1 with errno and *cause.
 */
static int
dump_trunc(int fd, const char *path, char **cause)
{
	struct stat	 st;

	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    ftruncate(fd, 0) == 0)
		return (0);
	log_cause(cause, "%s: %s", path, strerror(errno));
	return (-1);
}

/* Are a and b the same file (device and inode)?  0 if either is missing. */
static int
dump_same(const struct stat *a, const char *b)
{
	struct stat	 st;

	return (stat(b, &st) == 0 && st.st_dev == a->st_dev &&
	    st.st_ino == a->st_ino);
}

/*
 * Open the raw log and the hex dump (either path may be NULL), truncated
 * unless append once both are open; they must be different files.
 * Returns NULL with errno and *cause ("PATH: reason").
 */
struct dump *
dump_open(const char *raw_path, const char *hex_path, int append,
    char **cause)
{
	struct dump	*d;
	struct stat	 st;
	int		 error, existed = 0;

	*cause = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		log_cause(cause, "session log: %s", strerror(errno));
		return (NULL);
	}
	d->raw_fd = d->hex_fd = d->way_fd[0] = d->way_fd[1] = -1;
	d->raw_path = raw_path;
	d->hex_path = hex_path;
	/* Before anything is truncated: both names for one file. */
	if (raw_path != NULL && hex_path != NULL &&
	    stat(raw_path, &st) == 0) {
		existed = 1;
		if (dump_same(&st, hex_path))
			goto same;
	}
	if (raw_path != NULL &&
	    (d->raw_fd = dump_open_file(raw_path, append, cause)) == -1)
		goto fail;
	/* One name twice, or two for a new file (a raw_fd of -1 fails fstat). */
	if (hex_path != NULL && fstat(d->raw_fd, &st) == 0 &&
	    dump_same(&st, hex_path)) {
		if (!existed)
			unlink(raw_path);
		goto same;
	}
	if (hex_path != NULL &&
	    (d->hex_fd = dump_open_file(hex_path, append, cause)) == -1)
		goto fail;
	/* Both are open: neither loses what it held to the other's failure. */
	if (!append && (dump_trunc(d->raw_fd, raw_path, cause) == -1 ||
	    dump_trunc(d->hex_fd, hex_path, cause) == -1))
		goto fail;
	return (d);

same:
	log_cause(cause, "-o and --hex-dump name the same file: %s",
	    hex_path);
	errno = EINVAL;
fail:
	error = errno;
	dump_close(d);
	errno = error;
	return (NULL);
}

void
dump_close(struct dump *d)
{
	if (d == NULL)
		return;
	net_close(&d->raw_fd);
	net_close(&d->hex_fd);
	net_close(&d->way_fd[0]);
	net_close(&d->way_fd[1]);
	free(d);
}

/* --timestamp: stamp d's lines as st says. */
void
dump_stamp(struct dump *d, const struct stamp *st)
{
	d->stamp = st;
}

/*
 * Begin each hex line with its session's name, label(the session): a
 * server's sessions run at once, their lines between others'.  Every
 * session with a log is then the mode's own (doc/design.md).
 */
void
dump_label(struct dump *d, const char *(*label)(struct session *))
{
	d->label = label;
}

/*
 * socat's dumps on d: how (DUMP_SOCAT_TEXT, _HEX: -v, -x) to stderr, and
 * each way appended to a file (-r ltor_path, -R rtol_path; NULL: none);
 * received_ltor: what the modes receive goes first address to second.
 * Returns -1 with errno and *cause.
 */
int
dump_socat(struct dump *d, int how, const char *ltor_path,
    const char *rtol_path, int received_ltor, char **cause)
{
	const char	*path[2] = { ltor_path, rtol_path }, *why;
	int		 i;

	d->shown = how;
	d->received_ltor = received_ltor;
	for (i = 0; i < 2; i++) {
		if (path[i] == NULL)
			continue;
		d->way_path[i] = path[i];
		if ((d->way_fd[i] = path_open(path[i], O_WRONLY | O_CREAT |
		    O_APPEND | O_CLOEXEC, 0664, &why)) == -1) {
			log_cause(cause, "option -%c \"%s\": %s", "rR"[i],
			    path[i], why);
			return (-1);
		}
	}
	return (0);
}

/* Write the raw log's n bytes of one way, each line stamped. */
static void
dump_raw_stamped(struct dump *d, int sent, const unsigned char *p, size_t n)
{
	const unsigned char	*nl;
	char			 s[STAMP_MAX];
	size_t			 line;

	while (n > 0 && d->raw_fd != -1) {
		if (!d->mid[sent])
			dump_write(&d->raw_fd, d->raw_path, s, stamp_now(d->stamp,
			    d->start != 0 ? d->start : pump_totals()->started,
			    s));
		nl = memchr(p, '\n', n);
		line = nl != NULL ? (size_t)(nl - p) + 1 : n;
		dump_write(&d->raw_fd, d->raw_path, p, line);
		d->mid[sent] = nl == NULL;
		p += line;
		n -= line;
	}
}

/*
 * socat 1.7.4's block header: "> 2026/11/24 23:59:10.000347862  length=6
 * from=0 to=5".
 */
static size_t
dump_socat_header(char *out, size_t len, int rtol, uint64_t off, size_t n)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y/%m/%d %H:%M:%S", &tm);
	return (snprintf(out, len, "%c %s.%09ld  length=%zu from=%llu "
	    "to=%llu\n", rtol ? '<' : '>', when, ts.tv_nsec / 1000, n,
	    (unsigned long long)off, (unsigned long long)(off + n - 1)));
}

/* socat's -v: the bytes as text, its escapes for the others. */
static void
dump_socat_text(const unsigned char *p, size_t n)
{
	static const char	 esc[] = "\a\b\v\f\r\\", named[] = "abvfr\\";
	const char		*e;
	char			 out[1024];
	size_t			 i, len = 0;
	int			 c;

	for (i = 0; i < n; i++) {
		if (len > sizeof(out) - 4) {
			log_write_quiet(STDERR_FILENO, out, len);
			len = 0;
		}
		if ((c = p[i]) != '\0' && (e = strchr(esc, c)) != NULL) {
			out[len++] = '\\';
			out[len++] = named[e - esc];
		} else
			out[len++] = isprint(c) || c == '\t' || c == '\n' ?
			    c : '.';
	}
	log_write_quiet(STDERR_FILENO, out, len);
}

/*
 * socat's -x: with -v, lines of at most 16 bytes (or to a newline), hex
 * then text, "--" after the block; alone, all in hex on one line.
 */
static void
dump_socat_hex(const unsigned char *p, size_t n, int text)
{
	char	 out[128];
	size_t	 i, j, k, len;

	if (!text) {
		for (i = 0; i < n; i += j) {
			for (j = 0, len = 0; j < 32 && i + j < n; j++)
				len += snprintf(out + len, sizeof(out) - len,
				    " %02x", p[i + j]);
			log_write_quiet(STDERR_FILENO, out, len);
		}
		log_write_quiet(STDERR_FILENO, "\n", 1);
		return;
	}
	for (i = 0; i < n; i += j) {
		len = 0;
		for (j = 0; j < 16 && i + j < n; ) {
			len += snprintf(out + len, sizeof(out) - len, " %02x",
			    p[i + j]);
			if (p[i + j++] == '\n')
				break;
		}
		for (k = j; k < 16; k++)
			len += snprintf(out + len, sizeof(out) - len, "   ");
		out[len++] = ' ';
		out[len++] = ' ';
		for (k = 0; k < j; k++)
			out[len++] = p[i + k] == '\n' || !isprint(p[i + k]) ?
			    '.' : p[i + k];
		out[len++] = '\n';
		log_write_quiet(STDERR_FILENO, out, len);
	}
	log_write_quiet(STDERR_FILENO, "--\n", 3);
}

/* Dump a chunk of way rtol (0: first address to second) as socat does. */
static void
dump_socat_chunk(struct dump *d, int rtol, const unsigned char *p, size_t n)
{
	char	 hdr[128];

	if (d->way_fd[rtol] != -1)
		dump_write(&d->way_fd[rtol], d->way_path[rtol], p, n);
	if (d->shown & (DUMP_SOCAT_TEXT | DUMP_SOCAT_HEX)) {
		log_write_quiet(STDERR_FILENO, hdr, dump_socat_header(hdr,
		    sizeof(hdr), rtol, d->way_off[rtol], n));
		if (d->shown & DUMP_SOCAT_HEX)
			dump_socat_hex(p, n, d->shown & DUMP_SOCAT_TEXT);
		else
			dump_socat_text(p, n);
	}
	d->way_off[rtol] += n;
}

/*
 * Format one line of hexdump -C after a direction marker: n <= 16 bytes at
 * off, in out (81 bytes; less truncates).  Returns its length.
 */
static size_t
dump_hex_line(char *out, size_t outlen, int dir, uint64_t off,
    const unsigned char *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 line[128];
	size_t			 i, len;

	len = snprintf(line, sizeof(line), "%c %08llx  ", dir,
	    (unsigned long long)off);
	for (i = 0; i < DUMP_LINE_BYTES; i++) {
		if (i < n) {
			line[len++] = hex[p[i] >> 4];
			line[len++] = hex[p[i] & 0xf];
		} else {
			line[len++] = ' ';
			line[len++] = ' ';
		}
		line[len++] = ' ';
		if (i == DUMP_LINE_BYTES / 2 - 1)
			line[len++] = ' ';
	}
	line[len++] = ' ';
	line[len++] = '|';
	for (i = 0; i < n && i < DUMP_LINE_BYTES; i++)
		line[len++] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '.';
	line[len++] = '|';
	line[len++] = '\n';
	if (len > outlen)
		len = outlen;
	memcpy(out, line, len);
	return (len);
}

/* A log (or --record) stopped at a write error: the run's status is 1. */
static int	 dump_failed;

/*
 * Write all of p to *fd; after a failure, warn once, close it and set *fd
 * to -1: a log (or --record) stops there, and dump_lost() says so.
 */
void
dump_write(int *fd, const char *path, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0 && *fd != -1) {
		if ((w = write(*fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", path);
			net_close(fd);
			dump_failed = 1;
			return;
		}
		c += w;
		n -= w;
	}
}

/* Did a log or a recording lose what it was given (dump_write())? */
int
dump_lost(void)
{
	return (dump_failed);
}

/*
 * Log a chunk of the connection label (NULL: the only one), direction
 * sent, at offset off in its count; hex lines begin with the label.
 */
static void
dump_labelled(struct dump *d, const char *label, int sent, uint64_t off,
    const unsigned char *p, size_t n)
{
	char		 line[256 + STAMP_MAX];
	size_t		 i, len, chunk, llen, slen = 0;

	if (d->shown != 0 || d->way_fd[0] != -1 || d->way_fd[1] != -1)
		dump_socat_chunk(d, (!sent) != d->received_ltor, p, n);
	if (d->raw_fd != -1 && d->stamp != NULL)
		dump_raw_stamped(d, sent != 0, p, n);
	else if (d->raw_fd != -1)
		dump_write(&d->raw_fd, d->raw_path, p, n);
	/* The stamp first, then the label: the time of each hex line. */
	if (d->stamp != NULL && d->hex_fd != -1)
		slen = stamp_now(d->stamp, d->start != 0 ? d->start :
		    pump_totals()->started, line);
	llen = label != NULL ? strlen(label) : 0;
	if (llen > sizeof(line) - STAMP_MAX - 130)
		llen = sizeof(line) - STAMP_MAX - 130;
	if (label != NULL) {
		memcpy(line + slen, label, llen);
		line[slen + llen++] = ' ';
	}
	llen += slen;
	for (i = 0; i < n && d->hex_fd != -1; i += chunk) {
		chunk = n - i < DUMP_LINE_BYTES ? n - i : DUMP_LINE_BYTES;
		len = llen + dump_hex_line(line + llen, sizeof(line) - llen,
		    sent ? DUMP_SENT : DUMP_RECEIVED, off + i, p + i, chunk);
		dump_write(&d->hex_fd, d->hex_path, line, len);
	}
}

/* Log one chunk that ch moved in direction dir. */
static void
dump_chunk(struct dump *d, struct channel *ch, int dir,
    const unsigned char *p, size_t n)
{
	struct session	*s = ch->src->session;
	uint64_t	*off = dir == DUMP_SENT ? &d->sent : &d->received;

	d->start = s->started;
	/* Labelled, at the offset in its own channel (counted already). */
	if (d->label != NULL) {
		dump_labelled(d, d->label(s), dir == DUMP_SENT,
		    ch->bytes - n, p, n);
		return;
	}
	dump_labelled(d, NULL, dir == DUMP_SENT, *off, p, n);
	*off += n;
}

/* Tap for the channel from the network; arg is the dump. */
void
dump_received(struct channel *ch, const unsigned char *p, size_t n,
    void *arg)
{
	dump_chunk(arg, ch, DUMP_RECEIVED, p, n);
}

/* Tap for the channel to the network; arg is the dump. */
void
dump_sent(struct channel *ch, const unsigned char *p, size_t n, void *arg)
{
	dump_chunk(arg, ch, DUMP_SENT, p, n);
}
