/*
 * A channel's pacing (-i, --delay), read limit (-W) and hold, in state
 * made for the channels that ask; the pauses are pump.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <limits.h>
#include <stdlib.h>

#include "pump.h"
#include "pump-int.h"

/*
 * Pace ch: line_gap_ms after each line (-i), write_gap_ms after each chunk
 * (--delay), its source ended after read_limit reads (-W); <= 0: none.
 * Returns -1 with errno.
 */
__shortrun int
channel_pace(struct channel *ch, long long line_gap_ms,
    long long write_gap_ms, uint64_t read_limit)
{
	/* Its one call is right after the channel is made (join_way()). */
	DEBUG_CHECK(ch->pace == NULL, "channel_pace: paced twice");
	if (line_gap_ms <= 0 && write_gap_ms <= 0 && read_limit == 0)
		return (0);
	if (channel_pace_get(ch) == NULL)
		return (-1);
	ch->pace->line_gap_ms = line_gap_ms;
	ch->pace->write_gap_ms = write_gap_ms;
	ch->pace->read_limit = read_limit;
	return (0);
}

/*
 * socat's readbytes: ch reads at most n bytes, then takes its source as
 * ended; it reads plainly (no splice, no batch), so no byte more is taken.
 * Returns -1 with errno.
 */
int
channel_read_bytes(struct channel *ch, uint64_t n)
{
	if (channel_pace_get(ch) == NULL)
		return (-1);
	ch->pace->bytes_left = n > LLONG_MAX ? LLONG_MAX : (long long)n;
	return (0);
}

/* ch's rarely used state, made on first use.  Returns NULL with errno. */
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

/* Stop reading ch's source (on), or read again (off). */
void
channel_hold(struct channel *ch, int on)
{
	ch->flags = on ? ch->flags | CH_HOLD : ch->flags & ~CH_HOLD;
	channel_update(ch);
}

/*
 * Let held ch read again, taking what its source holds that no poll
 * announces.  The session's rule runs: it may be freed on return.
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
