/*
 * Datagram queues: whole datagrams kept in order, each given whole in its
 * turn, while a connection is being made or a channel holds one already.
 * An empty queue is freed, and is NULL.
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
 * Queue a copy of the n-byte datagram p on *qp (made if NULL), unless the
 * queue would then hold more than max bytes.  Returns 0, or -1 with errno
 * (ENOBUFS: too much).
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

/* q's first datagram in *p and *n, left queued.  Returns 1, or 0 if none. */
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

/* Drop the first datagram of *qp; the queue is freed with its last. */
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

/* Free *qp and every datagram in it. */
void
dgramq_free(struct dgramq **qp)
{
	while (*qp != NULL)
		dgramq_drop(qp);
}
