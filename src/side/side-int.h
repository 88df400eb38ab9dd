/*
 * What the files of a side's parsing (side.c, sidelocal.c, sidesock.c)
 * share: the strings and buffers side_parse() allocates for a side, and
 * the functions of the option rows that take more than a member set
 * (addr-opts.h's S()).
 */
/* SPDX-License-Identifier: ISC */

#ifndef SIDE_INT_H
#define SIDE_INT_H

/* What side_parse() allocates for a side, freed by side_free(). */
struct side_own {
	struct addr	 a;		/* the address: the side's strings */
	char		*text;		/* the address as given */
	char		*port;		/* ports[0] */
	char		*passed;	/* ACCEPT-FD:'s socket's address */
	char		*ws_host;	/* a URL's host and port point in */
	char		*ws_path;	/* a URL's path */
	char		*ws_auth;	/* a URL's credentials, as a header */
	int		 proxy;		/* the proxy's hop is the side's own */
	struct side	*wside;		/* "R!!W": the side written to */
	int		 gate;		/* the gate's rules are the side's own */
	char		 group[128];	/* ip-add-membership='s group, then its
					   interface */
	char		 scoped[256];	/* an IPv6 group%interface */
	char		 secret[SECRET_TEXT_MAX]; /* secret=, a drawn code's
					   symbols */
};

/* An option given to address a: its name as stored (is) and its value (v). */
struct side_given {
	const struct addr	*a;
	const char		*is;
	const char		*v;
	char			**cause;	/* a refusal's message */
};

/* A row's function: option o into sd.  Returns -1 with *o->cause set. */
typedef int side_opt_fn(struct side *, const struct side_given *);

/* sidelocal.c: of a side that is no socket. */
side_opt_fn	 side_opt_speed, side_opt_signal, side_opt_fd, side_opt_lock;
/* sidesock.c: of a socket. */
side_opt_fn	 side_opt_range, side_opt_sourceport, side_opt_lowport,
		 side_opt_membership, side_opt_sockopt, side_opt_linger,
		 side_opt_ttl, side_opt_ip_options;

#endif /* SIDE_INT_H */
