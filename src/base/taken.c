/*
 * Which parts of the configuration the running paths read: a consumer
 * marks each field it applies (TAKEN(), and the parts' own macros in the
 * layers above), and the front asks at exit whether an option given was
 * ever marked (doc/design.md, "An option given is applied or refused").
 * Debug builds only: the others mark nothing.
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

/*
 * Mark the size bytes at off of part as read by a path; bytes of the
 * field taken_drop() named stay unmarked.
 */
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

/* Was any of the size bytes at off of part marked?  Signal-safe. */
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

/*
 * This process runs no path of its own (the workers' parent, which only
 * watches them): each worker, which runs the paths, says what it did
 * not read, and this one nothing.
 */
void
taken_defer(void)
{
	taken_deferred = 1;
}

/*
 * The tests' planted fault: the marks of this field are dropped, those
 * made already and those to come, as if no path read it.
 */
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
