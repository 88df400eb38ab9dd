/*
 * Fuzz target: the relay's rendezvous (src/codec/rendez.c).  A request
 * given in two pieces, cut where the first byte says, is refused, asks
 * for more (never past a whole request) or is whole, and a whole one is
 * the request rdv_encode_request() makes of its name; an answer is
 * refused, too short or a known one, and each answer made reads back as
 * itself.  (A code's strength is tests/fuzz/secret.c's.)
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const enum rdv_reply	 replies[] = { RDV_WAIT, RDV_FIRST,
				    RDV_SECOND, RDV_TAKEN, RDV_LIMIT,
				    RDV_EXPIRED, RDV_BAD };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*copy, name[RDV_NAME_LEN], again[RDV_REQ_LEN];
	unsigned char	 reply[RDV_REPLY_LEN];
	const char	*why;
	size_t		 cut, i;
	ssize_t		 n;
	int		 r;

	if (size == 0)
		return (0);
	cut = data[0] % (size + 1);
	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((copy = malloc(size)) == NULL)
		return (0);
	memcpy(copy, data, size);
	n = rdv_parse_request(copy, cut, name, &why);
	if (n != -1 && n != RDV_REQ_LEN)
		abort();
	if (n != -1 && cut < RDV_REQ_LEN) {
		n = rdv_parse_request(copy, size < RDV_REQ_LEN ? size :
		    RDV_REQ_LEN, name, &why);
		if (n != -1 && n != RDV_REQ_LEN)
			abort();
	}
	if (n == RDV_REQ_LEN && size >= RDV_REQ_LEN) {
		if (rdv_encode_request(again, sizeof(again), name) !=
		    RDV_REQ_LEN || memcmp(again, copy, RDV_REQ_LEN) != 0)
			abort();
	}
	r = rdv_parse_reply(copy, size < RDV_REPLY_LEN ? size :
	    RDV_REPLY_LEN, &why);
	if (r > 0 && strlen(rdv_reply_text(r)) == 0)
		abort();
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		rdv_encode_reply(reply, replies[i]);
		if (rdv_parse_reply(reply, sizeof(reply), &why) !=
		    (int)replies[i])
			abort();
	}
	free(copy);
	return (0);
}
