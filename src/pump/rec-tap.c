/*
 * --record: a session's traffic both ways, with times since its start,
 * written to its own file in the recording format (codec/rec-format.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pump.h"
#include "pump-int.h"

struct recorder {
	int		 fd;		/* -1 once a write failed */
	char		*path;
	int		 server;	/* we are the server */
};

/*
 * The name of the n-th session's recording: pattern with "%n" the number,
 * "%%" a '%'.  Returns it allocated (the caller frees), or NULL.
 */
static char *
rec_name(const char *pattern, unsigned long n)
{
	char	*out, num[24];
	size_t	 len = 0, cap, k;

	k = snprintf(num, sizeof(num), "%lu", n);
	cap = strlen(pattern) * (k + 1) + 1;
	if ((out = malloc(cap)) == NULL)
		return (NULL);
	for (; *pattern != '\0'; pattern++) {
		if (pattern[0] == '%' && pattern[1] == 'n') {
			memcpy(out + len, num, k);
			len += k;
			pattern++;
		} else if (pattern[0] == '%' && pattern[1] == '%') {
			out[len++] = '%';
			pattern++;
		} else
			out[len++] = *pattern;
	}
	out[len] = '\0';
	return (out);
}

/*
 * Start the recording of the nth session (from 1) in a new file named by
 * pattern, made owner-only; server: we are its server.  Returns NULL with
 * *cause.
 */
static struct recorder *
rec_open(const char *pattern, unsigned long nth, int server, char **cause)
{
	struct recorder	*r;
	struct timespec	 ts;
	struct tm	 tm;
	char		 head[512], when[64];
	const char	*why;
	size_t		 n;

	*cause = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = rec_name(pattern, nth)) == NULL) {
		log_cause(cause, "--record: %s", strerror(errno));
		free(r);
		return (NULL);
	}
	/* What was said, perhaps under TLS: for the user's eyes alone. */
	if ((r->fd = path_open(r->path, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600, &why)) == -1) {
		log_cause(cause, "%s: %s", r->path, why);
		free(r->path);
		free(r);
		return (NULL);
	}
	r->server = server;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	n = snprintf(head, sizeof(head), "%s\n# started %s\n# we were the "
	    "%s\n", RECORD_MAGIC, when, server ? "server" : "client");
	dump_write(&r->fd, r->path, head, n < sizeof(head) ? n :
	    sizeof(head) - 1);
	return (r);
}

/* Record who's chunk, delivered now in ch's session. */
static void
rec_chunk(struct recorder *r, struct channel *ch, enum record_who who,
    const unsigned char *p, size_t n)
{
	char		 line[RECORD_LINE_MAX];
	const unsigned char *nl;
	uint64_t	 ms = ev_now() - ch->src->session->started;
	size_t		 k;
	/* A datagram's lines say that they are one (a replay's too). */
	int		 msg = ep_dgram(ch);

	while (n > 0 && r->fd != -1) {
		/* A line of the file for each line of the bytes, or less. */
		k = n < RECORD_LINE_BYTES ? n : RECORD_LINE_BYTES;
		if ((nl = memchr(p, '\n', k)) != NULL)
			k = nl - p + 1;
		dump_write(&r->fd, r->path, line, record_line(line, ms, who,
		    p, k, msg && k < n));
		p += k;
		n -= k;
	}
}

/* Tap of the way from the peer. */
static void
rec_received(struct channel *ch, const unsigned char *p, size_t n,
    void *arg)
{
	struct recorder	*r = arg;

	rec_chunk(r, ch, r->server ? RECORD_CLIENT : RECORD_SERVER, p, n);
}

/* Tap of the way to the peer. */
static void
rec_sent(struct channel *ch, const unsigned char *p, size_t n, void *arg)
{
	struct recorder	*r = arg;

	rec_chunk(r, ch, r->server ? RECORD_SERVER : RECORD_CLIENT, p, n);
}

/* The session's endpoint holding the recording is freed: so is it. */
static void
rec_free(struct endpoint *ep)
{
	struct recorder	*r = ep->data;

	net_close(&r->fd);
	free(r->path);
	free(r);
	ep->data = NULL;
}

static const struct ep_ops rec_ops = {
	.free = rec_free,
};

/*
 * --record session s: from is the peer's way, to the way to it (either may
 * be NULL), in the next file of pattern; server: we are its server.  The
 * recording is an endpoint of s without descriptors, freed with it.
 * Returns -1 with *cause.
 */
int
recorder_start(struct session *s, struct channel *from, struct channel *to,
    const char *pattern, int server, char **cause)
{
	static unsigned long	 sessions;
	struct recorder		*r;
	struct endpoint		*ep;

	if ((ep = session_endpoint(s, "record", -1, -1, EP_SHUT_NONE,
	    0)) == NULL) {
		log_cause(cause, "--record: %s", strerror(errno));
		return (-1);
	}
	if ((r = rec_open(pattern, ++sessions, server, cause)) == NULL)
		return (-1);
	ep->ops = &rec_ops;
	ep->data = r;
	if ((from != NULL && channel_tap(from, rec_received, r) == -1) ||
	    (to != NULL && channel_tap(to, rec_sent, r) == -1)) {
		log_cause(cause, "--record: %s", strerror(errno));
		return (-1);
	}
	return (0);
}
