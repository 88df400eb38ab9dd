/*
 * -t: refuse every telnet option the peer offers or asks for, as nc does,
 * with a parser that keeps its state across reads.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <string.h>

#include "pump.h"

#define TN_IAC		255
#define TN_DONT		254
#define TN_DO		253
#define TN_WONT		252
#define TN_WILL		251

/* The bytes of answers the way to a stream peer may hold past its size. */
#define TELNET_OWED_MAX	(16 * 1024)

/* Where the parser stands between two bytes. */
enum {
	TN_STATE_DATA = 0,	/* Plain data, or nothing seen yet. */
	TN_STATE_IAC,		/* After IAC. */
	TN_STATE_OPTION,	/* After IAC WILL/WONT/DO/DONT: the option. */
};

/*
 * Parse n bytes from the peer and write to out (outlen bytes) the
 * refusals: IAC DONT for WILL/WONT, IAC WONT for DO/DONT; a split sequence
 * is answered at its last byte.  Answers that do not fit are dropped (none
 * with outlen >= n + 3).  Returns the bytes written.  Never fails.
 */
size_t
telnet_answer(struct telnet *tn, const unsigned char *p, size_t n,
    unsigned char *out, size_t outlen)
{
	size_t	 i, len = 0;

	for (i = 0; i < n; i++) {
		switch (tn->state) {
		case TN_STATE_DATA:
			if (p[i] == TN_IAC)
				tn->state = TN_STATE_IAC;
			break;
		case TN_STATE_IAC:
			if (p[i] >= TN_WILL && p[i] <= TN_DONT) {
				tn->cmd = p[i];
				tn->state = TN_STATE_OPTION;
			} else
				tn->state = TN_STATE_DATA;
			break;
		case TN_STATE_OPTION:
			if (len + 3 <= outlen) {
				out[len++] = TN_IAC;
				out[len++] = (tn->cmd == TN_WILL ||
				    tn->cmd == TN_WONT) ? TN_DONT : TN_WONT;
				out[len++] = p[i];
			}
			tn->state = TN_STATE_DATA;
			break;
		}
	}
	return (len);
}

/*
 * Tap from the network: answer the peer's negotiation (arg: the struct
 * telnet).  To a stream peer the answers go after what the way to it
 * holds, whole, with back-pressure as its bytes have; past
 * TELNET_OWED_MAX more (a peer that asks and never reads) they are
 * dropped with a warning in nc's words, as is one to a peer told our
 * end.  A datagram peer's go at once, each its own datagram through the
 * endpoint (over DTLS, a record of it), logged as sent when tn->log is
 * set (the way's log has the stream's).
 */
void
telnet_tap(struct channel *ch, const unsigned char *p, size_t n, void *arg)
{
	struct telnet	*tn = arg;
	unsigned char	 out[1024 + 3];
	size_t		 chunk, len;
	ssize_t		 w;

	while (n > 0) {
		chunk = n < 1024 ? n : 1024;
		len = telnet_answer(tn, p, chunk, out, sizeof(out));
		p += chunk;
		n -= chunk;
		if (len == 0)
			continue;
		if (tn->tx != NULL) {
			if (channel_append(tn->tx, out, len, tn->tx->bufsize +
			    TELNET_OWED_MAX) == -1)
				log_warnx("Write Error!");
			continue;
		}
		do {
			w = ep_write(ch->src, out, len);
		} while (w == -1 && errno == EINTR);
		if (w > 0 && tn->log != NULL)
			dump_sent(ch, out, w, tn->log);
		if (w != (ssize_t)len)
			log_warnx("Write Error!");
	}
}
