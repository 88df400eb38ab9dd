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

/* sidelocal.c: of a side that is no socket. */
int		 side_opt_speed(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_signal(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_fdin(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_fdout(struct side *, const struct addr *,
		    const char *, const char *, char **);
/* sidesock.c: of a socket. */
int		 side_opt_range(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_sourceport(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_lowport(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_membership(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_sockopt(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_linger(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_ttl(struct side *, const struct addr *,
		    const char *, const char *, char **);
int		 side_opt_ip_options(struct side *, const struct addr *,
		    const char *, const char *, char **);

/* sidelocal.c: of a side that is no socket. */
int		 side_opt_lock(struct side *, const struct addr *,
		    const char *, const char *, char **);

#endif /* SIDE_INT_H */
