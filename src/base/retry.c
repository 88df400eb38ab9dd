/*
 * When to try again (struct retry): how many tries may follow the first,
 * and the pause before each, fixed (--retry, socat's retry= and forever)
 * or doubling up to a cap (--reconnect), drawn at random from its upper
 * half so that clients cut off together do not all come back together.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>

#include "base.h"

/* A try failed: may another be made?  It is counted if so. */
__shortrun int
retry_again(struct retry *r)
{
	if (r->max != RETRY_FOREVER && r->tries >= r->max)
		return (0);
	r->tries++;
	return (1);
}

/* The pause before the try retry_again() allowed, in milliseconds. */
long long
retry_pause(struct retry *r)
{
	long long	 ms = r->pause_ms, half = ms / 2;

	if (r->cap_ms == 0)
		return (ms);
	r->pause_ms = ms > r->cap_ms / 2 ? r->cap_ms : ms * 2;
	return (ms - half + (long long)arc4random_uniform((uint32_t)half + 1));
}
