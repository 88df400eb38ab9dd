/*
 * Session logs: -o writes every byte moved, both directions, as it is;
 * --hex-dump writes it as a hex dump, each chunk marked with its direction.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

static int
dump_open_file(const char *path, int append)
{
	int	 flags = O_WRONLY | O_CREAT | O_CLOEXEC;

	flags |= append ? O_APPEND : O_TRUNC;
	return (open(path, flags, 0666));
}

/*
 * Are the files at a and b one and the same (device and inode), whatever
 * their names, links or symbolic links?  0 when either is missing.
 */
static int
dump_same(const struct stat *a, const char *b)
{
	struct stat	 st;

	return (stat(b, &st) == 0 && st.st_dev == a->st_dev &&
	    st.st_ino == a->st_ino);
}

/*
 * Open the raw log raw_path and the hex dump hex_path (either may be
 * NULL), truncated unless append is set.  The two must be different
 * files: each would overwrite the other.  Returns NULL with errno and
 * *cause set ("PATH: reason") on failure.
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
	d->raw_fd = d->hex_fd = -1;
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
	    (d->raw_fd = dump_open_file(raw_path, append)) == -1) {
		log_cause(cause, "%s: %s", raw_path, strerror(errno));
		goto fail;
	}
	/* One name twice, or two for a file that did not exist. */
	if (d->raw_fd != -1 && hex_path != NULL &&
	    fstat(d->raw_fd, &st) == 0 && dump_same(&st, hex_path)) {
		if (!existed)
			unlink(raw_path);
		goto same;
	}
	if (hex_path != NULL &&
	    (d->hex_fd = dump_open_file(hex_path, append)) == -1) {
		log_cause(cause, "%s: %s", hex_path, strerror(errno));
		goto fail;
	}
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
	if (d->raw_fd != -1)
		close(d->raw_fd);
	if (d->hex_fd != -1)
		close(d->hex_fd);
	free(d);
}

/*
 * Format one hex dump line of n bytes (at most 16) at offset off, marked
 * with dir, into out (81 bytes; less is truncated).  The layout is that of
 * hexdump -C after a marker and a space:
 * "< 00000000  68 69 0a" + padding + "  |hi.|\n".  Returns its length.
 */
size_t
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

/*
 * Write all of p to *fd; after a failure, warn once and log no more to
 * that file.
 */
static void
dump_write(int *fd, const char *path, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0 && *fd != -1) {
		if ((w = write(*fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", path);
			close(*fd);
			*fd = -1;
			return;
		}
		c += w;
		n -= w;
	}
}

/* Log one chunk moved in direction dir. */
static void
dump_chunk(struct dump *d, int dir, const unsigned char *p, size_t n)
{
	char		 line[128];
	uint64_t	*off = dir == DUMP_SENT ? &d->sent : &d->received;
	size_t		 i, len, chunk;

	if (d->raw_fd != -1)
		dump_write(&d->raw_fd, d->raw_path, p, n);
	for (i = 0; i < n && d->hex_fd != -1; i += chunk) {
		chunk = n - i < DUMP_LINE_BYTES ? n - i : DUMP_LINE_BYTES;
		len = dump_hex_line(line, sizeof(line), dir, *off + i, p + i,
		    chunk);
		dump_write(&d->hex_fd, d->hex_path, line, len);
	}
	*off += n;
}

/* Tap for the channel that receives from the network; arg is the dump. */
void
dump_received(struct channel *ch, const unsigned char *p, size_t n,
    void *arg)
{
	(void)ch;
	dump_chunk(arg, DUMP_RECEIVED, p, n);
}

/* Tap for the channel that sends to the network. */
void
dump_sent(struct channel *ch, const unsigned char *p, size_t n, void *arg)
{
	(void)ch;
	dump_chunk(arg, DUMP_SENT, p, n);
}

/*
 * Log one chunk of the connection called label (a relay's many at once):
 * sent says the direction, off is where the chunk starts in that
 * connection's own count.  The raw log gets the bytes as they are; each
 * hex line begins with the label.
 */
void
dump_labelled(struct dump *d, const char *label, int sent, uint64_t off,
    const unsigned char *p, size_t n)
{
	char		 line[256];
	size_t		 i, len, chunk, llen;

	if (d->raw_fd != -1)
		dump_write(&d->raw_fd, d->raw_path, p, n);
	llen = strlen(label);
	if (llen > sizeof(line) - 130)
		llen = sizeof(line) - 130;
	for (i = 0; i < n && d->hex_fd != -1; i += chunk) {
		chunk = n - i < DUMP_LINE_BYTES ? n - i : DUMP_LINE_BYTES;
		memcpy(line, label, llen);
		line[llen] = ' ';
		len = llen + 1 + dump_hex_line(line + llen + 1,
		    sizeof(line) - llen - 1, sent ? DUMP_SENT : DUMP_RECEIVED,
		    off + i, p + i, chunk);
		dump_write(&d->hex_fd, d->hex_path, line, len);
	}
}
