/*
 * Bounded byte buffers between a channel's source and sink, and their
 * pool: a connection holds a buffer only while bytes are in it, so idle
 * ones hold none; a few empty buffers of each size are kept for the next
 * burst.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "base.h"

/*
 * Sizes the pool keeps buffers of, empty buffers kept of each, and the
 * most bytes kept in all (a burst of large datagram batches must not stay
 * behind as memory nobody uses).
 */
#define POOL_SIZES	4
#define POOL_KEEP	16
#define POOL_BYTES	(4 * 1024 * 1024)

/*
 * Empty buffers of one size, linked through their first bytes.  A size
 * with nothing pooled may be taken over by another size.
 */
struct pool_free {
	struct pool_free	*next;
};
static struct {
	size_t			 size;
	size_t			 n;
	struct pool_free	*free;
} pool[POOL_SIZES];

/* Counted for --stats -vvv: buffers held by their users, and pooled. */
static size_t	pool_held, pool_pooled, pool_bytes;

/*
 * An area of size bytes (at least a pointer's), given back with
 * buf_pool_put() and the same size.  Returns NULL with errno.
 */
void *
buf_pool_get(size_t size)
{
	struct pool_free	*f;
	void			*p;
	size_t			 i;

	for (i = 0; i < POOL_SIZES; i++) {
		if (pool[i].size == size && (f = pool[i].free) != NULL) {
			pool[i].free = f->next;
			pool[i].n--;
			pool_pooled--;
			pool_bytes -= size;
			pool_held++;
			return (f);
		}
	}
	if ((p = malloc(size)) == NULL)
		return (NULL);
	pool_held++;
	return (p);
}

/*
 * The slot an area of size goes back to: its size's, or one with nothing
 * pooled.  Returns -1 when its size's is full, no slot is free, or it is
 * too small to link.
 */
static int
pool_slot(size_t size)
{
	int	 i, spare = -1;

	if (size < sizeof(struct pool_free))
		return (-1);
	for (i = 0; i < POOL_SIZES; i++) {
		if (pool[i].size == size)
			return (pool[i].n < POOL_KEEP ? i : -1);
		if (pool[i].n == 0 && spare == -1)
			spare = i;
	}
	return (spare);
}

/* Give back an area of buf_pool_get(): pooled, or freed if the pool is full. */
__shortrun void
buf_pool_put(void *p, size_t size)
{
	struct pool_free	*f = p;
	int			 i;

	if (p == NULL)
		return;
	pool_held--;
	if ((i = pool_slot(size)) == -1 || pool_bytes + size > POOL_BYTES) {
		free(p);
		return;
	}
	pool[i].size = size;
	f->next = pool[i].free;
	pool[i].free = f;
	pool[i].n++;
	pool_pooled++;
	pool_bytes += size;
}

/* Areas held by users and pooled.  Async-signal-safe. */
void
buf_pool_counts(size_t *held, size_t *pooled)
{
	*held = pool_held;
	*pooled = pool_pooled;
}

/* Give b size bytes.  Returns -1 with errno, b then without a buffer. */
int
buf_init(struct buf *b, size_t size)
{
	memset(b, 0, sizeof(*b));
	if ((b->data = buf_pool_get(size)) == NULL)
		return (-1);
	b->size = size;
	return (0);
}

/* Give b's buffer back, whatever it holds. */
__shortrun void
buf_free(struct buf *b)
{
	buf_pool_put(b->data, b->size);
	memset(b, 0, sizeof(*b));
}

/* Give b's buffer back if empty.  Returns 1 if b no longer has one. */
__shortrun int
buf_release(struct buf *b)
{
	if (b->data != NULL && b->len == 0)
		buf_free(b);
	return (b->data == NULL);
}

/*
 * Room at the tail; data is moved to the front when that frees room, so a
 * buffer that is not full offers all of its free space.
 */
size_t
buf_space(struct buf *b)
{
	if (b->len == 0)
		b->off = 0;
	else if (b->off > 0 && b->off + b->len == b->size) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	return (b->size - b->off - b->len);
}

unsigned char *
buf_tail(struct buf *b)
{
	return (b->data + b->off + b->len);
}

/* Account for n bytes written at buf_tail(). */
void
buf_commit(struct buf *b, size_t n)
{
	b->len += n;
}

/* Drop n bytes from the front. */
void
buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	b->len -= n;
	if (b->len == 0)
		b->off = 0;
}
