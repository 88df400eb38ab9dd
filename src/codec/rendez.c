/*
 * The relay's rendezvous (--relay, --via) as pure functions: a request
 * with the name a code makes (tls_secret_name(): nothing of the key) is
 * RDV_REQ_LEN bytes, "SCRV", version, name length and name; an answer is
 * "SCR" and one letter (enum rdv_reply).  Once paired, the connection is
 * the other client's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <string.h>

#include "codec.h"

static const unsigned char	 rdv_magic[RDV_MAGIC_LEN] = "SCRV";
static const unsigned char	 rdv_reply_magic[RDV_REPLY_LEN - 1] = "SCR";

/* The answers, by their letter, in words: none for a letter not ours. */
static const char *const	 rdv_texts[] = {
	[RDV_WAIT] = "waiting for the other side",
	[RDV_FIRST] = "paired",
	[RDV_SECOND] = "paired",
	[RDV_TAKEN] = "two clients are already paired with this code",
	[RDV_LIMIT] = "too many clients from this address are waiting",
	[RDV_EXPIRED] = "nobody came with this code in the relay's time",
	[RDV_BAD] = "the relay did not understand the request",
};

/*
 * Write the request for name (RDV_NAME_LEN bytes) into buf.  Returns its
 * length, or -1 if buf is too small.
 */
ssize_t
rdv_encode_request(unsigned char *buf, size_t len, const unsigned char *name)
{
	if (len < RDV_REQ_LEN)
		return (-1);
	memcpy(buf, rdv_magic, RDV_MAGIC_LEN);
	buf[RDV_MAGIC_LEN] = RDV_VERSION;
	buf[RDV_MAGIC_LEN + 1] = RDV_NAME_LEN;
	memcpy(buf + RDV_HEAD_LEN, name, RDV_NAME_LEN);
	return (RDV_REQ_LEN);
}

/*
 * Read a request from buf.  Returns its length as far as known (more than
 * len: read up to that and call again), RDV_REQ_LEN with name filled when
 * whole, or -1 with *why at the first bad byte.
 */
ssize_t
rdv_parse_request(const unsigned char *buf, size_t len, unsigned char *name,
    const char **why)
{
	size_t	 i;

	for (i = 0; i < len && i < RDV_MAGIC_LEN; i++) {
		if (buf[i] != rdv_magic[i]) {
			*why = "not a rendezvous request";
			return (-1);
		}
	}
	if (len > RDV_MAGIC_LEN && buf[RDV_MAGIC_LEN] != RDV_VERSION) {
		*why = "unknown rendezvous version";
		return (-1);
	}
	if (len > RDV_MAGIC_LEN + 1 && buf[RDV_MAGIC_LEN + 1] != RDV_NAME_LEN) {
		*why = "wrong length of rendezvous name";
		return (-1);
	}
	if (len >= RDV_REQ_LEN)
		memcpy(name, buf + RDV_HEAD_LEN, RDV_NAME_LEN);
	return (RDV_REQ_LEN);
}

/* Write answer r into buf (RDV_REPLY_LEN bytes). */
void
rdv_encode_reply(unsigned char *buf, enum rdv_reply r)
{
	memcpy(buf, rdv_reply_magic, sizeof(rdv_reply_magic));
	buf[RDV_REPLY_LEN - 1] = (unsigned char)r;
}

/* Read an answer.  Returns it, 0 if len is too short, or -1 with *why. */
int
rdv_parse_reply(const unsigned char *buf, size_t len, const char **why)
{
	size_t	 i, c;

	for (i = 0; i < len && i < sizeof(rdv_reply_magic); i++) {
		if (buf[i] != rdv_reply_magic[i]) {
			*why = "is no relay: its answer is no rendezvous "
			    "answer";
			return (-1);
		}
	}
	if (len < RDV_REPLY_LEN)
		return (0);
	c = buf[RDV_REPLY_LEN - 1];
	if (c < nitems(rdv_texts) && rdv_texts[c] != NULL)
		return (c);
	*why = "gave an answer this sockcat does not know";
	return (-1);
}

/* The words for refusal r. */
const char *
rdv_reply_text(enum rdv_reply r)
{
	if ((size_t)r < nitems(rdv_texts) && rdv_texts[r] != NULL)
		return (rdv_texts[r]);
	return ("unknown answer");
}
