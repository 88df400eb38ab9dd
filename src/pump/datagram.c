/*
 * The pump's datagram channels: read in batches (batch.c), delivered in
 * one system call, the kernel's drops counted for --stats.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>

#include "pump.h"
#include "pump-int.h"

/*
 * Batches whose socket counts drops, so that the count can be brought up
 * to date at the end, even from a signal handler (pump_count_drops()).
 * Those beyond the table are counted when they are freed.
 */
#define PUMP_DROP_WATCH		16
static struct {
	struct batch		*batch;
	int			 fd;
} drop_watch[PUMP_DROP_WATCH];

/*
 * Add the kernel's drops on watched sockets not yet reported by a
 * datagram.  Only system calls: stats.c calls it from a signal handler.
 */
void
pump_count_drops(void)
{
	size_t	 i;

	for (i = 0; i < PUMP_DROP_WATCH; i++) {
		if (drop_watch[i].batch != NULL)
			pump_tally()->dgrams_dropped += batch_drops_now(
			    drop_watch[i].batch, drop_watch[i].fd);
	}
}

static void
pump_watch_drops(struct batch *b, int fd)
{
	size_t	 i;

	for (i = 0; i < PUMP_DROP_WATCH; i++) {
		if (drop_watch[i].batch == NULL) {
			drop_watch[i].fd = fd;
			drop_watch[i].batch = b;
			return;
		}
	}
}

void
pump_unwatch_drops(struct batch *b)
{
	size_t	 i;

	for (i = 0; i < PUMP_DROP_WATCH; i++) {
		if (drop_watch[i].batch == b)
			drop_watch[i].batch = NULL;
	}
}

/*
 * Make ch read in batches if its source is a datagram socket that can
 * batch, with no --delay and no EP_NULL_EOF; turns on drop counting.
 */
void
channel_try_batch(struct channel *ch)
{
	struct endpoint	*src = ch->src;

	if ((src->flags & (EP_DGRAM | EP_NULL_EOF)) != EP_DGRAM ||
	    src->rfd == -1)
		return;
	if (EP_OPS_HAS(src, read) && src->ops->recvmmsg == NULL)
		return;
	if (channel_metered(ch))
		return;
	if (net_sock_type(src->rfd) != SOCK_DGRAM)
		return;
	if ((ch->batch = malloc(sizeof(*ch->batch))) == NULL)
		return;		/* One at a time, then. */
	batch_init(ch->batch, ch->bufsize);
	if (src->flags & EP_NET) {
		batch_count_drops(ch->batch, src->rfd);
		if (ch->batch->drops_known) {
			pump_tally()->drops_known = 1;
			pump_watch_drops(ch->batch, src->rfd);
		}
	}
}

/*
 * Deliver ch's batch (writev(2) to a stream, sendmmsg(2) to a datagram
 * socket, one datagram a call to a write operation).  Returns 1 if
 * something moved and more may, 0 when the destination is full or failed.
 */
static int
channel_deliver_batch(struct channel *ch)
{
	struct batch	*b = ch->batch;
	struct endpoint	*dst = ch->dst;
	ssize_t		 n;
	int		 k;

	if (dst->flags & EP_DGRAM) {
		if (dst->ops == NULL || dst->ops->write == NULL) {
			k = batch_sendmmsg(b, dst->wfd);
			/* EP_DEAF: what reported a refusal was not sent. */
			if (k == -1 && errno == ECONNREFUSED &&
			    (dst->flags & EP_DEAF))
				k = batch_sendmmsg(b, dst->wfd);
		} else if ((n = ep_write(dst, batch_data(b, b->first),
		    batch_len(b, b->first))) == -1)
			k = -1;
		else
			k = 1;
		if (k == -1)
			goto fail;
		if (ep_net_dgram(dst))
			pump_tally()->dgrams_sent += k;
		batch_sent(b, k, channel_delivered, ch);
		return (k > 0);
	}
	if (EP_OPS_HAS(dst, write)) {
		/* Empty datagrams first: there is nothing to write for them. */
		batch_consume(b, 0, channel_delivered, ch);
		if (batch_empty(b))
			return (0);
		n = ep_write(dst, batch_data(b, b->first) + b->off,
		    batch_len(b, b->first) - b->off);
	} else if ((n = batch_writev(b, dst->wfd)) == -1 && errno == EPIPE &&
	    (dst->flags & EP_DROP_GONE))
		n = b->bytes;
	if (n == -1)
		goto fail;
	batch_consume(b, n, channel_delivered, ch);
	return (n > 0);

fail:
	if (errno == EINTR)
		return (1);
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		channel_fail(ch, "write", errno);
	return (0);
}

/* Deliver ch's batch (not NULL) once the bytes injected before it are gone. */
void
channel_push_batch(struct channel *ch)
{
	while (ch->buf.len == 0 && channel_wants_write(ch) &&
	    channel_deliver_batch(ch))
		continue;
}

/* Receive a batch for ch, rewritten and counted.  Returns -1 with errno. */
int
channel_pull_batch(struct channel *ch)
{
	struct batch	*b = ch->batch;
	uint64_t	 dropped, left;
	u_int		 max = BATCH_MAX, i;
	int		 n;

	/* -W: no more datagrams than the limit leaves. */
	if (channel_read_limit(ch) > 0) {
		left = ch->pace->read_limit - ch->pace->reads;
		if (left < max)
			max = left;
	}
	n = batch_recv(b, ch->src, max, b->slotsize / channel_xgrow(ch),
	    &dropped);
	pump_tally()->dgrams_dropped += dropped;
	/* Nothing came: an idle peer holds no slots. */
	if (n <= 0) {
		int	 saved = errno;

		batch_free(b);
		errno = saved;
	}
	if (n == -1)
		return (-1);
	channel_fast(ch)->pulled = n;
	if (n == 0)
		return (0);
	session_touch(ch->src->session);
	if (ep_net_dgram(ch->src))
		pump_tally()->dgrams_received += n;
	/* An xform may take itself off (a hello seen): the rest pass. */
	for (i = 0; i < (u_int)n && ch->xform != NULL; i++)
		batch_set_len(b, i, ch->xform(ch, batch_data(b, i),
		    batch_len(b, i), b->slotsize));
	channel_count_reads(ch, n);
	if (channel_limit_reached(ch))
		ch->state = CH_DRAINING;
	return (0);
}
