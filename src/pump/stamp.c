/*
 * --timestamp: the time before each line or message written to stdout, in
 * the endpoint's write (taps and -o see the peer's bytes), and for the
 * session logs (dump.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pump.h"

/* What a stamped stdout is writing. */
struct stamp_ep {
	const struct stamp	*how;
	int			 bol;	/* the next byte starts a line */
	size_t			 soff;	/* of the stamp being written */
	size_t			 slen;	/* 0: none is */
	char			 s[STAMP_MAX];
};

/*
 * Read a --timestamp FORMAT into st: "iso", "relative" or a strftime(3)
 * format (with a '%').  Returns -1 when it is none.
 */
int
stamp_parse(struct stamp *st, const char *fmt)
{
	memset(st, 0, sizeof(*st));
	if (fmt == NULL || strcmp(fmt, "iso") == 0)
		st->kind = STAMP_ISO;
	else if (strcmp(fmt, "relative") == 0)
		st->kind = STAMP_RELATIVE;
	else if (strchr(fmt, '%') != NULL && strlen(fmt) < STAMP_MAX / 2) {
		st->kind = STAMP_STRFTIME;
		st->fmt = fmt;
	} else
		return (-1);
	return (0);
}

/*
 * The stamp of now and a space into out (STAMP_MAX bytes); start is the
 * session's ev_now(), for "relative".  Returns its length.
 */
size_t
stamp_now(const struct stamp *st, uint64_t start, char *out)
{
	struct timespec	 ts;
	struct tm	 tm;
	uint64_t	 ms;
	char		 off[8];
	size_t		 n;

	if (st->kind == STAMP_RELATIVE) {
		ms = ev_now() >= start ? ev_now() - start : 0;
		return (snprintf(out, STAMP_MAX, "%llu.%03llu ",
		    (unsigned long long)(ms / 1000),
		    (unsigned long long)(ms % 1000)));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	if (st->kind == STAMP_STRFTIME) {
		if ((n = strftime(out, STAMP_MAX - 1, st->fmt, &tm)) == 0)
			out[0] = '\0';
		out[n++] = ' ';
		out[n] = '\0';
		return (n);
	}
	n = strftime(out, STAMP_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(off, sizeof(off), "%z", &tm);
	/* ISO 8601's offset has a colon: +01:00. */
	return (n + snprintf(out + n, STAMP_MAX - n, ".%03ld%.3s:%.2s ",
	    ts.tv_nsec / 1000000, off, off + 3));
}

/*
 * Write the peer's bytes to stdout, a stamp before each line or message; a
 * stamp cut by a short write is finished first next time.  Returns what
 * write(2) would of the bytes given.
 */
static ssize_t
stamp_write(struct endpoint *ep, const void *buf, size_t n)
{
	struct stamp_ep		*se = ep->data;
	const unsigned char	*p = buf, *nl;
	size_t			 done = 0, line;
	ssize_t			 w;

	while (done < n) {
		if (se->bol && se->slen == 0) {
			se->slen = stamp_now(se->how, ep->session->started,
			    se->s);
			se->soff = 0;
		}
		while (se->soff < se->slen) {
			if ((w = write(ep->wfd, se->s + se->soff, se->slen -
			    se->soff)) == -1)
				goto blocked;
			se->soff += w;
		}
		se->slen = 0;
		se->bol = 0;
		nl = memchr(p + done, '\n', n - done);
		line = nl != NULL ? (size_t)(nl - p) + 1 - done : n - done;
		if ((w = write(ep->wfd, p + done, line)) == -1)
			goto blocked;
		done += w;
		if (p[done - 1] == '\n')
			se->bol = 1;
		if ((size_t)w < line)
			return (done);
	}
	/* A message is a line of its own, ended or not. */
	if (ep->writer != NULL && (ep->writer->src->flags & EP_DGRAM))
		se->bol = 1;
	return (done);

blocked:
	if (errno == EAGAIN)
		ev_blocked(ep->wfd, EV_WRITE);
	return (done > 0 ? (ssize_t)done : -1);
}

static void
stamp_free(struct endpoint *ep)
{
	free(ep->data);
	ep->data = NULL;
}

static const struct ep_ops stamp_ops = {
	.write = stamp_write,
	.free = stamp_free,
};

/*
 * Stamp what is written to ep (stdout, no operations of its own) as st
 * says.  Returns -1 with errno.
 */
int
stamp_endpoint(struct endpoint *ep, const struct stamp *st)
{
	struct stamp_ep	*se;

	DEBUG_CHECK(ep->ops == NULL, "stamp_endpoint: an endpoint with "
	    "operations of its own (join_stages())");
	if ((se = calloc(1, sizeof(*se))) == NULL)
		return (-1);
	se->how = st;
	se->bol = 1;
	ep->data = se;
	ep->ops = &stamp_ops;
	return (0);
}
