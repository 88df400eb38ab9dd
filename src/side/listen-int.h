/*
 * What listen.c and netconn.c give each other, the one listener and the
 * admission of its clients: not for the rest of the program (side.h).
 * They are one module, which may call itself round in circles
 * (tests/layers.py knows it).
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LISTEN_INT_H
#define SC_LISTEN_INT_H

/* listen.c */
void		 listener_wake(void);

/* netconn.c */
int		 netconn_admit(const struct side *, int,
		    const struct net_peer *, struct netconn **);

#endif /* SC_LISTEN_INT_H */
