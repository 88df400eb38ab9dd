/*
 * What the files of HTTP authentication share (auth.c, authlimit.c,
 * authcrypt.c): the crypt(3) checks run by threads of their own.  Not
 * for the rest of the program (http.h).
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_AUTH_INT_H
#define SC_AUTH_INT_H

/* authcrypt.c */
#define AUTHCRYPT_THREADS	2	/* crypt(3) checks running at once */
#define AUTHCRYPT_STACK		(256 * 1024) /* each thread's stack */
typedef void authcrypt_cb(int, void *);
int		 authcrypt_load(char **);
int		 authcrypt_start(const char *, const char *, authcrypt_cb *,
		    void *);

#endif /* SC_AUTH_INT_H */
