/*
 * A channel's pacing (-i, --delay) and read limit (-W), and the state few
 * channels have, made the first time one asks for it; the pauses
 * themselves are the pump's (pump.c).  And a channel held by its mode.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <limits.h>
#include <stdlib.h>

#include "pump.h"
#include "pump-int.h"

/*
 * Pace ch: a pause of line_gap_ms after each line delivered (-i), of
 * write_gap_ms after each chunk (--delay), and its source treated as
 * ended after read_limit reads (-W); 0 (or less) is none.  Only a
 * channel given any of them holds the state.  Returns -1 with errno on
 * failure.
 */
__shortrun int
channel_pace(struct channel *ch, long long line_gap_ms,
    long long write_gap_ms, uint64_t read_limit)
{
	if (ch->pace == NULL && line_gap_ms <= 0 && write_gap_ms <= 0 &&
	    read_limit == 0)
		return (0);
	if (channel_pace_get(ch) == NULL)
		return (-1);
	ch->pace->line_gap_ms = line_gap_ms;
	ch->pace->write_gap_ms = write_gap_ms;
	ch->pace->read_limit = read_limit;
	return (0);
}

/*
 * socat's readbytes: ch reads n bytes of its source at most, then takes
 * it as ended, as -W's last read (channel_pull()); read in the plain way
 * (no splice, no batch of datagrams), so that no byte past them is
 * taken.  Returns -1 with errno on failure.
 */
int
channel_read_bytes(struct channel *ch, uint64_t n)
{
	if (channel_pace_get(ch) == NULL)
		return (-1);
	ch->pace->bytes_left = n > LLONG_MAX ? LLONG_MAX : (long long)n;
	return (0);
}

/*
 * ch's pacing and the rest that few channels have, made the first time
 * one is asked for.  Returns NULL with errno.
 */
struct ch_pace *
channel_pace_get(struct channel *ch)
{
	if (ch->pace == NULL) {
		if ((ch->pace = calloc(1, sizeof(*ch->pace))) == NULL)
			return (NULL);
		ch->pace->bytes_left = -1;
		ev_timer_init(&ch->pace->timer, channel_pause_cb, ch);
	}
	return (ch->pace);
}

__shortrun void
channel_unpause(struct channel *ch)
{
	if (ch->pace != NULL)
		ev_timer_disarm(&ch->pace->timer);
}

/*
 * Hold ch (on) so that its source is not read, or let it read again (off):
 * for a mode that has nowhere to send data yet, such as a datagram
 * listener before its first peer.
 */
void
channel_hold(struct channel *ch, int on)
{
	if (on)
		ch->flags |= CH_HOLD;
	else
		ch->flags &= ~CH_HOLD;
	channel_update(ch);
}

/*
 * Let a held channel read again, and take at once what its source holds
 * already that no poll would announce (the rest of a TLS record).  The
 * session's rule runs then: the session may be finished, and freed by
 * its mode, on return.
 */
void
channel_resume(struct channel *ch)
{
	ch->flags &= ~CH_HOLD;
	if (!ep_pending(ch->src)) {
		channel_update(ch);
		return;
	}
	channel_run(ch, 0);
	session_check(ch->src->session);
}
