/*
 * Datagram queues: whole datagrams kept in the order they came, each
 * given on whole in its turn.  A mode keeps a peer's datagrams here while
 * its connection is being made; a channel keeps those handed to it while
 * it holds one already (channel_inject()).  A queue exists only while it
 * holds something: an empty one is freed, and is NULL.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

struct dgramq_item {
	STAILQ_ENTRY(dgramq_item) entry;
	size_t			 len;
	unsigned char		 data[];
};

struct dgramq {
	STAILQ_HEAD(, dgramq_item) items;
	size_t			 bytes;
};

/*
 * Add the n-byte datagram at p behind those of *qp (made if NULL), when
 * the queue then holds at most max bytes.  Returns 0, or -1 with errno
 * (ENOBUFS: it would hold more).
 */
int
dgramq_add(struct dgramq **qp, const void *p, size_t n, size_t max)
{
	struct dgramq		*q = *qp;
	struct dgramq_item	*it;

	if (n > max || (q != NULL && n > max - q->bytes)) {
		errno = ENOBUFS;
		return (-1);
	}
	if ((it = malloc(sizeof(*it) + n)) == NULL)
		return (-1);
	if (q == NULL) {
		if ((q = malloc(sizeof(*q))) == NULL) {
			free(it);
			return (-1);
		}
		STAILQ_INIT(&q->items);
		q->bytes = 0;
		*qp = q;
	}
	it->len = n;
	if (n > 0)
		memcpy(it->data, p, n);
	STAILQ_INSERT_TAIL(&q->items, it, entry);
	q->bytes += n;
	return (0);
}

/*
 * The first datagram of q, in *p and *n, kept in the queue.  Returns 1,
 * or 0 when q holds none.
 */
int
dgramq_first(const struct dgramq *q, const unsigned char **p, size_t *n)
{
	const struct dgramq_item	*it;

	if (q == NULL || (it = STAILQ_FIRST(&q->items)) == NULL)
		return (0);
	*p = it->data;
	*n = it->len;
	return (1);
}

/* Drop the first datagram of *qp; the queue goes with its last. */
void
dgramq_drop(struct dgramq **qp)
{
	struct dgramq		*q = *qp;
	struct dgramq_item	*it;

	if (q == NULL || (it = STAILQ_FIRST(&q->items)) == NULL)
		return;
	STAILQ_REMOVE_HEAD(&q->items, entry);
	q->bytes -= it->len;
	free(it);
	if (STAILQ_EMPTY(&q->items)) {
		free(q);
		*qp = NULL;
	}
}

/* The bytes q holds. */
size_t
dgramq_bytes(const struct dgramq *q)
{
	return (q != NULL ? q->bytes : 0);
}

/* Drop every datagram of *qp, and the queue. */
void
dgramq_free(struct dgramq **qp)
{
	while (*qp != NULL)
		dgramq_drop(qp);
}
