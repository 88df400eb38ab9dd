/*
 * Fuzz target: the pump itself.  One channel moves the input from one
 * socket pair to another through a buffer of a size the fuzzer picks,
 * with or without -C's translation, while the harness writes and reads
 * the far ends in chunk sizes the fuzzer picks too.  Everything must come
 * out, in order, translated as a plain reference says, and the session
 * must end by itself with nothing leaked.
 *
 * Input: byte 0 flags (bit 0: -C), byte 1 buffer size, byte 2 how many
 * chunk sizes follow, then the chunk sizes, then the payload.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pump/pump.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* One far end driven by the harness: it feeds the pump or drains it. */
struct side {
	int		 fd;
	const uint8_t	*sizes;		/* Chunk sizes, used in turn. */
	size_t		 nsizes;
	size_t		 next;
	const uint8_t	*data;		/* Feed: what to write. */
	unsigned char	*out;		/* Drain: what was read. */
	size_t		 len;		/* Bytes written or read. */
	size_t		 cap;
	int		 eof;
};

struct result {
	int		 finished;
	enum ch_state	 state;
	uint64_t	 bytes;
	struct channel	*ch;
};

static size_t
side_chunk(struct side *sd)
{
	if (sd->nsizes == 0)
		return (4096);
	return ((size_t)sd->sizes[sd->next++ % sd->nsizes] + 1);
}

static void
feed_cb(int fd, int events, void *arg)
{
	struct side	*sd = arg;
	size_t		 k;
	ssize_t		 w;

	(void)events;
	k = side_chunk(sd);
	if (k > sd->cap - sd->len)
		k = sd->cap - sd->len;
	if (k > 0) {
		w = write(fd, sd->data + sd->len, k);
		if (w == -1 && errno != EAGAIN && errno != EINTR)
			abort();
		if (w > 0)
			sd->len += w;
	}
	if (sd->len == sd->cap) {
		ev_del(fd);
		close(fd);
		sd->fd = -1;
	}
}

static void
drain_cb(int fd, int events, void *arg)
{
	struct side	*sd = arg;
	size_t		 k;
	ssize_t		 r;

	(void)events;
	k = side_chunk(sd);
	if (sd->len + k > sd->cap) {
		sd->cap = (sd->len + k) * 2;
		if ((sd->out = realloc(sd->out, sd->cap)) == NULL)
			abort();
	}
	r = read(fd, sd->out + sd->len, k);
	if (r == -1) {
		if (errno != EAGAIN && errno != EINTR)
			abort();
		return;
	}
	if (r == 0) {
		sd->eof = 1;
		ev_del(fd);
		return;
	}
	sd->len += r;
}

static void
pump_finished(struct session *s)
{
	struct result	*res = s->arg;

	res->finished = 1;
	res->state = res->ch->state;
	res->bytes = res->ch->bytes;
	session_free(s);
}

static void
nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result	 res = { .finished = 0 };
	struct side	 feed = { .fd = -1 }, drain = { .fd = -1 };
	struct session	*s;
	struct endpoint	*src, *dst;
	unsigned char	*want;
	size_t		 nsizes, n, i, wlen;
	int		 a[2], b[2], crlf, bufsize;

	if (size < 3)
		return (0);
	crlf = data[0] & 1;
	bufsize = data[1] + 1;
	if (crlf && bufsize < 2)
		bufsize = 2;	/* Room for a CR and its LF. */
	nsizes = data[2] % 16;
	if (size < 3 + nsizes)
		return (0);
	n = size - 3 - nsizes;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, b) == -1)
		abort();
	nonblock(a[0]);
	nonblock(a[1]);
	nonblock(b[0]);
	nonblock(b[1]);

	/* Half the chunk sizes drive the feed, the other half the drain. */
	feed.fd = a[0];
	feed.sizes = data + 3;
	feed.nsizes = nsizes / 2;
	feed.data = data + 3 + nsizes;
	feed.cap = n;
	drain.fd = b[1];
	drain.sizes = data + 3 + nsizes / 2;
	drain.nsizes = nsizes - nsizes / 2;

	if ((s = session_new(NULL, pump_finished, &res)) == NULL)
		abort();
	src = session_endpoint(s, "src", a[1], -1, EP_SHUT_SOCKET, 0);
	dst = session_endpoint(s, "dst", -1, b[0], EP_SHUT_SOCKET, 0);
	if (src == NULL || dst == NULL)
		abort();
	if ((res.ch = session_channel(s, "fuzz", src, dst, CH_SHUTDOWN)) ==
	    NULL)
		abort();
	res.ch->bufsize = bufsize;
	if (crlf)
		res.ch->xform = crlf_xform;

	if (n > 0)
		ev_set(feed.fd, EV_WRITE, feed_cb, &feed);
	else {
		close(feed.fd);
		feed.fd = -1;
	}
	ev_set(drain.fd, EV_READ, drain_cb, &drain);
	session_start(s);
	/* Ends when nothing is left to watch: fed, pumped and drained. */
	if (ev_loop() == -1)
		abort();

	if (!res.finished || res.state != CH_DONE || !drain.eof)
		abort();
	if ((want = malloc(2 * n + 1)) == NULL)
		abort();
	wlen = 0;
	for (i = 0; i < n; i++) {
		if (crlf && feed.data[i] == '\n' &&
		    (i == 0 || feed.data[i - 1] != '\r'))
			want[wlen++] = '\r';
		want[wlen++] = feed.data[i];
	}
	if (drain.len != wlen || res.bytes != wlen ||
	    (wlen > 0 && memcmp(drain.out, want, wlen) != 0))
		abort();

	free(want);
	free(drain.out);
	close(drain.fd);
	return (0);
}
