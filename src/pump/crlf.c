/*
 * -C: line feeds become CRLF on data going to the network.  An existing
 * CRLF is left alone, also when its CR ended the previous read.  socat's
 * crlf option also turns CRLF back into a line feed on data coming from
 * the network.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <string.h>

#include "pump.h"

/*
 * Rewrite the n bytes at p in place (p has room for space bytes, at least
 * 2n) and return the new length.  ch->xstate remembers whether the last
 * byte seen was a CR.
 */
size_t
crlf_xform(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	size_t	 i, add = 0, j;
	int	 prev_cr = ch->xstate;

	(void)space;
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
 * socat's crlf, the way out: every line feed becomes CRLF, one before it
 * or not (socat's own rule, kept so that its users get its bytes).
 */
size_t
crlf_socat_out(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	size_t	 i, j, add = 0;

	(void)ch;
	(void)space;
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
 * socat's crlf, the way in: every CR is taken out, as socat does (a
 * CRLF becomes a line feed).  Rewrites the n bytes at p in place and
 * returns the new length.
 */
size_t
crlf_socat_in(struct channel *ch, unsigned char *p, size_t n, size_t space)
{
	size_t	 i, j = 0;

	(void)ch;
	(void)space;
	for (i = 0; i < n; i++) {
		if (p[i] != '\r')
			p[j++] = p[i];
	}
	return (j);
}
