/*
 * -C: line feeds become CRLF on the way to the network, an existing CRLF
 * left alone (also one split between reads); socat's crlf, both ways.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <string.h>

#include "pump.h"

/*
 * Rewrite n bytes at p in place (room for space >= 2n).  Returns the new
 * length; ch->xstate remembers a last CR.
 */
size_t
crlf_xform(struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	size_t	 i, add = 0, j;
	int	 prev_cr = ch->xstate;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && !(i == 0 ? prev_cr : p[i - 1] == '\r'))
			add++;
	}
	if (n > 0)
		ch->xstate = p[n - 1] == '\r';
	if (add == 0)
		return (n);
	/* Walk backwards so nothing is overwritten before it is moved. */
	j = n + add;
	for (i = n; i-- > 0;) {
		p[--j] = p[i];
		if (p[i] == '\n' && !(i == 0 ? prev_cr : p[i - 1] == '\r'))
			p[--j] = '\r';
	}
	return (n + add);
}

/*
 * socat's crlf on the way out: every line feed becomes CRLF, even after a
 * CR, as socat does.
 */
size_t
crlf_socat_out(__unused struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	size_t	 i, j, add = 0;

	for (i = 0; i < n; i++)
		add += p[i] == '\n';
	j = n + add;
	for (i = n; add > 0 && i-- > 0;) {
		p[--j] = p[i];
		if (p[i] == '\n')
			p[--j] = '\r';
	}
	return (n + add);
}

/*
 * socat's crlf on the way in: every CR is taken out, in place, as socat
 * does.  Returns the new length.
 */
size_t
crlf_socat_in(__unused struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	size_t	 i, j = 0;

	for (i = 0; i < n; i++) {
		if (p[i] != '\r')
			p[j++] = p[i];
	}
	return (j);
}
