/*
 * What the two files of the address parser share: addr.c's grammar and
 * its table of options, and addr-socat.c's way of writing the same
 * addresses as socat does.  Not for the rest of the program: codec.h has
 * what it may call.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_ADDR_INT_H
#define SC_ADDR_INT_H

/* What of an option's value is a secret (addr_opt_hides()). */
enum addr_hide {
	ADDR_HIDE_NONE,
	ADDR_HIDE_ALL,		/* the whole value: secret= */
	ADDR_HIDE_PASSWORD,	/* after its first ':': proxyauth= */
};

/* addr.c */
int	addr_fail(struct addr *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	addr_port(struct addr *, const char *, int);
int	addr_option(struct addr *, char *);
int	addr_options(struct addr *, char *);
int	addr_opt_hides(const char *, size_t);
int	addr_hostport(struct addr *, char *, int, int, char **,
	    char **);
int	addr_finish(struct addr *);
char	*addr_socat_host(struct addr *, char *);

/* addr-socat.c */
int	addr_socat_row(const char *);
int	addr_dual_stdio(const char *);
int	addr_socat_parse(struct addr *, int);
size_t	addr_socat_name_len(const char *);
int	addr_socat_lacking(const char *);

#endif /* SC_ADDR_INT_H */
