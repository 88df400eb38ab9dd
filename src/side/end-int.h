/*
 * What endfile.c gives end.c, the openers of a side that is no socket:
 * not for the rest of the program (side.h).
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_END_INT_H
#define SC_END_INT_H

/* endfile.c, which calls nothing of end.c's */
int		 end_fl_set(int, int, int);

#endif /* SC_END_INT_H */
