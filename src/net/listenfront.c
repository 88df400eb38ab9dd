/*
 * A trusted front's word on its client (--trust-front): the PROXY header,
 * read as a listener stage, or a WebSocket upgrade's X-Forwarded-For or
 * Forwarded line.  The address it gives stands for the connection.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* How long a front has for its PROXY header when -w does not say. */
#define FRONT_HEADER_MS		10000

/* What is kept of a header: a v1 line, or v2's block up to its addresses. */
#define FRONT_KEEP		PP1_MAX
_Static_assert(FRONT_KEEP >= PP2_HEADER_LEN + 36,
    "listenfront: a v2 header's IPv6 addresses must be kept");

/* The names of the ways, as --trust-front spells them. */
static const char *const front_names[FRONT_WAYS] = {
	[FRONT_PROXY] = "proxy",
	[FRONT_XFF] = "x-forwarded-for",
	[FRONT_FORWARDED] = "forwarded",
};

/* A PROXY header being read. */
struct listen_front {
	int			 fd;
	struct net_peer		*peer;	/* the caller's: replaced when read */
	unsigned char		 buf[FRONT_KEEP];
	size_t			 kept;	/* bytes in buf */
	size_t			 got;	/* and skipped after it (v2's TLVs) */
	struct ev_timer		 deadline;
	void			(*done)(void *, char *);
	void			*arg;
	const char		*starting; /* ASYNC_START() */
};

void
listen_front_clear(struct front_conf *fc)
{
	size_t	 i;

	for (i = 0; fc->ready && i < FRONT_WAYS; i++)
		gate_clear(&fc->trust[i]);
}

/*
 * --trust-front WAY=ADDRESS (an address, ADDR/BITS or a name, as --allow).
 * Returns -1 with *cause.
 */
int
listen_front_add(struct front_conf *fc, const char *spec, char **cause)
{
	const char	*eq;
	size_t		 i;

	*cause = NULL;
	/* No front trusted until the first --trust-front. */
	for (i = 0; !fc->ready && i < FRONT_WAYS; i++)
		gate_init(&fc->trust[i]);
	fc->ready = 1;
	if ((eq = strchr(spec, '=')) != NULL && eq[1] != '\0') {
		for (i = 0; i < FRONT_WAYS; i++) {
			if (strlen(front_names[i]) == (size_t)(eq - spec) &&
			    strncmp(spec, front_names[i], eq - spec) == 0)
				return (gate_add(&fc->trust[i], 0, 0, eq + 1,
				    cause));
		}
	}
	log_cause(cause, "%s is not WAY=ADDRESS (proxy=, x-forwarded-for=, "
	    "forwarded=)", spec);
	return (-1);
}

/* Does sd believe the client at peer, a front, said way? */
int
listen_front_trusts(const struct side *sd, enum front_way way,
    const struct net_peer *peer)
{
	const struct gate	*g;

	SIDE_TAKEN(front);
	if (sd->front == NULL)
		return (0);
	g = &sd->front->trust[way];
	return (g->nallow > 0 &&
	    gate_permits(g, (const struct sockaddr *)&peer->ss));
}

/* The front at *peer speaks for the client at ss: replace, said with -v. */
static void
listen_front_believe(struct net_peer *peer, const struct sockaddr_storage *ss,
    socklen_t len, const char *how)
{
	char	 fh[NI_MAXHOST], fp[NI_MAXSERV], ch[NI_MAXHOST], cp[NI_MAXSERV];

	net_format((const struct sockaddr *)&peer->ss, peer->len, 1, fh,
	    sizeof(fh), fp, sizeof(fp));
	net_format((const struct sockaddr *)ss, len, 1, ch, sizeof(ch), cp,
	    sizeof(cp));
	log_verbose(1, "front %s %s: the client is %s %s, by its %s", fh, fp,
	    ch, cp, how);
	memcpy(&peer->ss, ss, len);
	peer->len = len;
}

/* Tell the owner the header is read (cause NULL) or not to be had. */
static void
listen_front_end(struct listen_front *lf, char *cause)
{
	void	(*done)(void *, char *) = lf->done;
	void	*arg = lf->arg;

	ASYNC_CALLBACK(lf, "listen_front_end", done);
	listen_front_cancel(lf);
	done(arg, cause);
}

/* The header cannot be had, for why: said naming the front. */
static void
listen_front_fail(struct listen_front *lf, const char *why)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV], *cause;

	net_format((const struct sockaddr *)&lf->peer->ss, lf->peer->len, 1,
	    host, sizeof(host), port, sizeof(port));
	log_cause(&cause, "front %s %s: no PROXY header: %s", host, port,
	    why);
	listen_front_end(lf, cause);
}

/* Read the header, never past it.  1 when whole, 0 for more, -1 with *why. */
static int
listen_front_read(struct listen_front *lf, struct sockaddr_storage *ss,
    socklen_t *len, const char **why)
{
	unsigned char	 skip[256];
	ssize_t		 want, n;
	size_t		 room;

	for (;;) {
		if ((want = proxyproto_parse(lf->buf, lf->kept, ss, len,
		    why)) == -1)
			return (-1);
		if ((size_t)want <= lf->got)
			return (1);
		room = (size_t)want - lf->got;
		if (lf->kept < sizeof(lf->buf)) {
			if (room > sizeof(lf->buf) - lf->kept)
				room = sizeof(lf->buf) - lf->kept;
			n = recv(lf->fd, lf->buf + lf->kept, room,
			    MSG_DONTWAIT);
		} else
			n = recv(lf->fd, skip, room < sizeof(skip) ? room :
			    sizeof(skip), MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return (0);
		if (n <= 0) {
			*why = n == 0 ? "it closed first" : strerror(errno);
			return (-1);
		}
		if (lf->kept < sizeof(lf->buf))
			lf->kept += n;
		lf->got += n;
	}
}

static void
listen_front_cb(__unused int fd, __unused int events, void *arg)
{
	struct listen_front	*lf = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	const char		*why;

	switch (listen_front_read(lf, &ss, &len, &why)) {
	case -1:
		listen_front_fail(lf, why);
		return;
	case 1:
		if (len > 0)
			listen_front_believe(lf->peer, &ss, len,
			    "PROXY header");
		listen_front_end(lf, NULL);
		return;
	}
}

static void
listen_front_late(void *arg)
{
	listen_front_fail(arg, "none in time");
}

/*
 * Read from fd the PROXY header the front at *peer sends, within -w
 * (FRONT_HEADER_MS by default), nothing after it; *peer (which must live
 * until done) becomes the client.  done(arg, cause) runs from the loop,
 * cause NULL on success or for done to free.  Returns the stage, or NULL
 * with errno (done never runs).
 */
struct listen_front *
listen_front_start(const struct side *sd, int fd, struct net_peer *peer,
    void (*done)(void *, char *), void *arg)
{
	struct listen_front	*lf;

	if ((lf = calloc(1, sizeof(*lf))) == NULL)
		return (NULL);
	lf->fd = fd;
	lf->peer = peer;
	lf->done = done;
	lf->arg = arg;
	ASYNC_START(lf, "listen_front_start");
	if (ev_set(fd, EV_READ, listen_front_cb, lf) == -1) {
		free(lf);
		return (NULL);
	}
	ev_timer_init(&lf->deadline, listen_front_late, lf);
	ev_timer_arm(&lf->deadline, sd->timeout_ms != TIME_NONE ?
	    sd->timeout_ms : FRONT_HEADER_MS);
	ASYNC_STARTED(lf);
	return (lf);
}

/* Give up the reading (NULL: none): done never runs. */
void
listen_front_cancel(struct listen_front *lf)
{
	if (lf == NULL)
		return;
	ev_del(lf->fd);
	ev_timer_disarm(&lf->deadline);
	free(lf);
}

/*
 * If *peer is a front trusted for the upgrade head's X-Forwarded-For or
 * Forwarded line, replace *peer with its last element's address; a line
 * naming none is ignored, said with -v.
 */
void
listen_front_request(const struct side *sd, const char *head,
    struct net_peer *peer)
{
	static const char *const lines[FRONT_WAYS] = {
		[FRONT_XFF] = "X-Forwarded-For",
		[FRONT_FORWARDED] = "Forwarded",
	};
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 value[HTTP_HEAD_MAX + 1];
	char			 host[NI_MAXHOST], port[NI_MAXSERV];
	const char		*why;
	int			 way;

	for (way = FRONT_XFF; way <= FRONT_FORWARDED; way++) {
		if (!listen_front_trusts(sd, way, peer) ||
		    http_field_get(head, lines[way], value,
		    sizeof(value)) != 1)
			continue;
		if (forwarded_for(value, way == FRONT_FORWARDED, &ss, &len,
		    &why) == 0) {
			listen_front_believe(peer, &ss, len, lines[way]);
			return;
		}
		net_format((const struct sockaddr *)&peer->ss, peer->len, 1,
		    host, sizeof(host), port, sizeof(port));
		log_verbose(1, "front %s %s: its %s ignored: %s", host, port,
		    lines[way], why);
	}
}
