/*
 * What the files of the pump share, and nothing else includes: the core
 * (pump.c), sessions (session.c), the fast path (fastpath.c) and
 * datagrams in batches (datagram.c).  They are one module, which may call
 * itself round in circles (tests/layers.py knows it); the rest of the
 * program sees the pump through pump.h only.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_PUMP_H
#error "pump/pump-int.h comes after pump.h, in the pump's own files only"
#endif

#ifndef SC_PUMP_INT_H
#define SC_PUMP_INT_H

/*
 * A channel's fast path (fastpath.c): bytes moved in the kernel, never
 * through user space.  pipe[0] is -1 while it holds no pipe (the pool's,
 * only while bytes are in it); splicing is 0 when the channel copies.
 * Allocated with the channel, and known to the pump's files only.
 */
struct ch_fast {
	int			 pipe[2];
	/* Flags as bits: a channel is two of every connection's cost. */
	unsigned char		 splicing:1;
	unsigned char		 sendfile:1; /* src is a regular file: no
					      pipe, sendfile(2) to dst */
	unsigned char		 direct:1; /* src or dst is a pipe: one
					    splice(2) from src to dst */
	unsigned char		 blocked:1; /* direct: dst is full */
	unsigned char		 upgrade:1; /* CH_LAZY: a read filled the
					    buffer; splice once drained */
	u_int			 pipesize; /* At most CHANNEL_PIPESIZE. */
	u_int			 piped;	/* Bytes in the pipe, <= pipesize. */
	int			 pulled; /* Bytes (datagrams) the last read
					    took in, <= pipesize. */
};

/* A channel's fast path state, which session_channel() puts after it. */
static inline struct ch_fast *
channel_fast(const struct channel *ch)
{
	return ((struct ch_fast *)(void *)(ch + 1));
}

/*
 * How many times larger than what was read an xform's output may be: reads
 * are cut to fit the room left divided by this.
 */
static inline size_t
channel_xgrow(const struct channel *ch)
{
	if (ch->xform == NULL)
		return (1);
	return (ch->xgrow != 0 ? ch->xgrow : 2);
}

/* Has ep's kind (its ops), or what hangs on it (its hook), a function fn? */
#define EP_OPS_HAS(ep, fn)	((ep)->ops != NULL && (ep)->ops->fn != NULL)
#define EP_HOOK_HAS(ep, fn)	((ep)->hook != NULL && (*(ep)->hook)->fn != NULL)

static inline int
ep_dgram(const struct channel *ch)
{
	return ((ch->src->flags | ch->dst->flags) & EP_DGRAM);
}

/* Has ep's reader met end-of-file (not failed)? */
static inline int
ep_read_done(const struct endpoint *ep)
{
	return (ep->reader != NULL && ep->reader->state == CH_DONE);
}

/* Is ep still written to: has it a writer that has not ended? */
static inline int
ep_writing(const struct endpoint *ep)
{
	return (ep->writer != NULL && !channel_ended(ep->writer));
}

/*
 * Is ep a stream socket whose peer has ended its sending while ours goes
 * on?  With nothing to write, it is watched for a reset alone (EV_HUP),
 * as nc watches it, so that a peer gone for good (a room member's ":q")
 * ends our sending too instead of waiting for the next line typed.
 */
static inline int
ep_watch_hangup(const struct endpoint *ep)
{
	return (ep->rfd != -1 && ep->rfd == ep->wfd &&
	    ep->shut == EP_SHUT_SOCKET && !(ep->flags & EP_DGRAM) &&
	    ep_read_done(ep) && ep_writing(ep));
}

static inline int
ep_net_dgram(const struct endpoint *ep)
{
	return ((ep->flags & (EP_DGRAM | EP_NET)) == (EP_DGRAM | EP_NET));
}

static inline long long
channel_line_gap(const struct channel *ch)
{
	return (ch->pace != NULL ? ch->pace->line_gap_ms : 0);
}

static inline long long
channel_write_gap(const struct channel *ch)
{
	return (ch->pace != NULL ? ch->pace->write_gap_ms : 0);
}

static inline uint64_t
channel_read_limit(const struct channel *ch)
{
	return (ch->pace != NULL ? ch->pace->read_limit : 0);
}

/* Does ch pause (-i, --delay) or stop at a byte count (readbytes)? */
static inline int
channel_metered(const struct channel *ch)
{
	return (ch->pace != NULL && (ch->pace->line_gap_ms > 0 ||
	    ch->pace->write_gap_ms > 0 || ch->pace->bytes_left >= 0));
}

/* How many bytes ch may still read (readbytes); -1: any. */
static inline long long
channel_bytes_left(const struct channel *ch)
{
	return (ch->pace != NULL ? ch->pace->bytes_left : -1);
}

/* Count n reads that returned data, for the read limit. */
static inline void
channel_count_reads(struct channel *ch, uint64_t n)
{
	if (ch->pace != NULL)
		ch->pace->reads += n;
}

/* pump.c */
int		 channel_holds(const struct channel *);
int		 channel_wants_write(const struct channel *);
void		 channel_update(struct channel *);
void		 channel_run(struct channel *, int);
void		 channel_settle(struct channel *);
void		 channel_delivered(void *, const unsigned char *, size_t);
void		 channel_fail(struct channel *, const char *, int);
void		 channel_read_failed(struct channel *, int);
void		 ep_read_ended(struct endpoint *);
void		 channel_discard(struct channel *);
void		 channel_pause_cb(void *);
int		 ep_pending(struct endpoint *);

/* pace.c */
struct ch_pace	*channel_pace_get(struct channel *);
void		 channel_unpause(struct channel *);

/* session.c */
int		 ep_edge(const struct endpoint *);
void		 ep_hangup(struct endpoint *);
struct pump_totals *pump_tally(void);
void		 session_touch(struct session *);

/* fastpath.c */
void		 channel_try_splice(struct channel *);
void		 channel_pipe_give(struct channel *);
void		 channel_splice_direct(struct channel *);
void		 channel_push_sendfile(struct channel *);
void		 channel_push_pipe(struct channel *);
int		 channel_pull_pipe(struct channel *, ssize_t *);

/* inject.c */
int		 channel_unhold(struct channel *);

/* datagram.c */
void		 channel_try_batch(struct channel *);
void		 channel_push_batch(struct channel *);
int		 channel_pull_batch(struct channel *);
void		 pump_unwatch_drops(struct batch *);

#endif /* SC_PUMP_INT_H */
