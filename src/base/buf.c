/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* Bounded byte buffers: the queue between a channel's source and sink. */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

/* Allocate size bytes for b.  Returns -1 with errno on failure. */
int
buf_init(struct buf *b, size_t size)
{
	memset(b, 0, sizeof(*b));
	if ((b->data = malloc(size)) == NULL)
		return (-1);
	b->size = size;
	return (0);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/*
 * Room at the tail.  Data is kept at the front when that frees room, so a
 * buffer that is not full always offers all of its free space.
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
