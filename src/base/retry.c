/*
 * When to try again: the tries that may follow the first, and the pause
 * before each, fixed (--retry, socat's retry=, forever) or doubling to a
 * cap (--reconnect), drawn from its upper half so clients do not all come
 * back together.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>

#include "base.h"

/* A try failed: returns 1, counting it, if another may be made. */
__shortrun int
retry_again(struct retry *r)
{
	if (r->max != RETRY_FOREVER && r->tries >= r->max)
		return (0);
	r->tries++;
	return (1);
}

/* Milliseconds before the try retry_again() allowed. */
long long
retry_pause(struct retry *r)
{
	long long	 ms = r->pause_ms, half = ms / 2;

	if (r->cap_ms == 0)
		return (ms);
	r->pause_ms = ms > r->cap_ms / 2 ? r->cap_ms : ms * 2;
	return (ms - half + (long long)arc4random_uniform((uint32_t)half + 1));
}
