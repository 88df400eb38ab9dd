/*
 * Debug builds: which configuration fields the running paths read, so the
 * front can check at exit that each option given was applied
 * (doc/design.md, "An option given is applied or refused").
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include "base.h"

#ifdef SC_DEBUG
/* A bit for each byte of each part: set, it was read. */
static unsigned char	 taken_bits[TAKEN_PARTS][TAKEN_BYTES_MAX / 8];

/* This process runs no path: its workers answer for it (taken_defer()). */
static int		 taken_deferred;

/* The field whose marks are dropped (SC_OPT_AUDIT_DROP): part -1, none. */
static struct {
	int	 part;
	size_t	 off, size;
}			 taken_dropped = { .part = -1 };

/* Mark size bytes at off of part as read, except taken_drop()'s field. */
__startup void
taken(int part, size_t off, size_t size)
{
	size_t	 i;

	if (part < 0 || part >= TAKEN_PARTS)
		return;
	for (i = off; i < off + size && i < TAKEN_BYTES_MAX; i++) {
		if (part == taken_dropped.part && i >= taken_dropped.off &&
		    i < taken_dropped.off + taken_dropped.size)
			continue;
		taken_bits[part][i / 8] |= 1 << (i % 8);
	}
}

/* Was any of size bytes at off of part marked?  Async-signal-safe. */
int
taken_any(int part, size_t off, size_t size)
{
	size_t	 i;

	if (taken_deferred)
		return (1);
	if (part < 0 || part >= TAKEN_PARTS)
		return (0);
	for (i = off; i < off + size && i < TAKEN_BYTES_MAX; i++) {
		if (taken_bits[part][i / 8] & (1 << (i % 8)))
			return (1);
	}
	return (0);
}

/* This process runs no path (the workers' parent): the workers report. */
void
taken_defer(void)
{
	taken_deferred = 1;
}

/* The tests' planted fault: this field's marks are dropped, now and later. */
void
taken_drop(int part, size_t off, size_t size)
{
	size_t	 i;

	for (i = off; part >= 0 && part < TAKEN_PARTS && i < off + size &&
	    i < TAKEN_BYTES_MAX; i++)
		taken_bits[part][i / 8] &= ~(1 << (i % 8));
	taken_dropped.part = part;
	taken_dropped.off = off;
	taken_dropped.size = size;
}
#endif
