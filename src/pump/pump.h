/*
 * The pump layer: endpoints, channels and sessions, the pump that moves their bytes,
 * datagram batches, the fan-out, and the channel taps and rewrites (-o,
 * --hex-dump, -C, -t).
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	3
#endif
#if SC_LAYER < 3
#error "a lower layer includes pump/pump.h: pass a hook down instead"
#endif

#ifndef SC_PUMP_H
#define SC_PUMP_H

#include "codec/codec.h"

/* pump.c */

/*
 * How an endpoint's write side is ended once a channel has delivered
 * everything: declared as data so that the pump, not each mode, does it.
 */
enum ep_shut {
	EP_SHUT_SOCKET,		/* shutdown(fd, SHUT_WR): the peer sees EOF */
	EP_SHUT_CLOSE,		/* close(fd): pipes, stdout, child stdin */
	EP_SHUT_NONE,		/* nothing can be said (datagrams) */
	EP_SHUT_NULL,		/* an empty datagram (socat's shut-null) */
};

#define EP_DGRAM	0x1	/* Reads and writes are whole messages; an
				   empty read is an empty one, not EOF. */
#define EP_NOCLOSE	0x2	/* Never close the fds (stdio). */
#define EP_NET		0x4	/* A network peer: counted by pump_totals(). */
#define EP_DGRAM_FIN	0x8	/* With EP_DGRAM: the read of 0 just made was
				   an end (DTLS close_notify), not an empty
				   datagram. */
#define EP_LINGER	0x10	/* A stream socket whose peer may still be
				   sending: session_free() closes it with
				   sock_linger(), not close(2). */
#define EP_REDIAL	0x20	/* A connection that may be replaced by
				   another (ep_detach(), ep_attach()): its
				   loss keeps what waits to be sent. */
#define EP_GONE		0x40	/* With EP_REDIAL: the connection broke;
				   nothing more is written to it. */
#define EP_DETACHED	0x80	/* With EP_REDIAL: no connection now. */
#define EP_HANGUP	0x100	/* With EP_LINGER: the peer is let go for
				   good, and reset once it has what was
				   sent (sock_linger_reset()). */
#define EP_OWN		0x200	/* A socket no other process holds: a watch
				   dropped is taken out of the loop's set
				   at the next wait, not at once, and one
				   closed is left for close(2) to take out
				   (ev_park(), ev_close()). */
#define EP_COOL		0x400	/* A write that fails with EPIPE or
				   ECONNRESET is a notice, not an error
				   (socat's cool-write): session_report(). */
#define EP_NULL_EOF	0x800	/* With EP_DGRAM: an empty datagram is an
				   end (socat's null-eof); read one at a
				   time. */
#define EP_DEAF		0x1000	/* With EP_DGRAM: a refusal the socket
				   reports (a peer's ICMP) is passed over,
				   as an unconnected socket never hears it
				   (socat's UDP-SENDTO:). */
#define EP_DROP_GONE	0x2000	/* A write that finds the reader gone
				   (EPIPE) takes what it was given and
				   drops it: a script still reads what
				   comes after stdout's reader left. */
#define EP_WHOLE	0x4000	/* Its session ended in order with all
				   written to it delivered: a stream says
				   its end (session_free()), else it was
				   cut (doc/design.md). */
#define EP_RESET_END	0x8000	/* A read reset is the end: a program's
				   socket pair, reset as the program exits
				   with input unread, once all it wrote
				   has been read (exec_endpoint()). */

struct endpoint;
struct mmsghdr;

/*
 * Operations an endpoint kind may override; NULL means read(2)/write(2)
 * and nothing more.  A read or write that fails with EAGAIN may set the
 * endpoint's rwant or wwant to the events it needs to make progress (TLS:
 * a read may need the socket writable).
 */
struct ep_ops {
	ssize_t	(*read)(struct endpoint *, void *, size_t);
	ssize_t	(*write)(struct endpoint *, const void *, size_t);
	/*
	 * Receive up to vlen datagrams at once, as recvmmsg(2) without
	 * waiting; the headers are set up, senders' names included.  Returns
	 * how many were kept, first in msgs (batch_filter()), or -1 with
	 * errno.  A datagram endpoint with a read operation but none of
	 * these is read one datagram at a time.
	 */
	int	(*recvmmsg)(struct endpoint *, struct mmsghdr *, u_int);
	/*
	 * Whether to read a datagram from this sender (given ep->data), for
	 * udp_recv_kept() and udp_recvmmsg_kept() as read and recvmmsg.
	 */
	int	(*keep)(void *, const struct sockaddr_storage *, socklen_t);
	/* Bytes already read from the kernel that no poll will announce. */
	int	(*pending)(struct endpoint *);
	/*
	 * The channel writing to it has ended and all it read was taken,
	 * shutdown or not: what the endpoint held back (a line not ended)
	 * goes now.  Returns 0, or -1 with errno when what it held cannot
	 * go (a record cut short): the channel fails as on a write error.
	 */
	int	(*ended)(struct endpoint *);
	/*
	 * Say goodbye before the declared shutdown (TLS close_notify).
	 * Returns 0, or -1 with errno EAGAIN when the goodbye waits for
	 * room in the socket: the endpoint then calls ep_shutdown(ep, 0)
	 * itself once it has gone, never before.
	 */
	int	(*shutdown)(struct endpoint *);
	/*
	 * The way written to it said its end and ends the session: is the
	 * peer's answer to that end awaited (a TLS client's close_notify
	 * went)?  1: its reader reads on, within that way's grace, to the
	 * peer's end, and what the reader meets then (the end, a cut, an
	 * error) is only that end; 0: the reader takes its last round.
	 */
	int	(*await_end)(struct endpoint *);
	/*
	 * Release data; called before the descriptors are closed.  It may
	 * take them (rfd and wfd -1 then): a lingering close of its own.
	 */
	void	(*free)(struct endpoint *);
	/*
	 * What an error of its read or write was, when strerror()'s words
	 * would not say (a protocol's own failure); NULL: they do.
	 */
	const char *(*why)(struct endpoint *, int);
};

struct session;
struct channel;
struct ch_fast;

/*
 * What else may hang on an endpoint (a fan-out's output queue, or its
 * list of feeders): the pump asks pending() whether it has bytes for the
 * write descriptor, runs flush() when that is writable (-1: the session
 * is over), and calls leave() when the endpoint is freed.  Any may be
 * NULL.  The pump knows nothing else of it.
 */
struct ep_hook {
	int	(*pending)(struct endpoint *);
	int	(*flush)(struct endpoint *);
	void	(*leave)(struct endpoint *);
};

struct endpoint {
	const char		*name;	/* For messages: "stdin", "network". */
	int			 rfd;	/* Read side, -1 if none. */
	int			 wfd;	/* Write side, -1 if none; may be rfd. */
	/*
	 * Small, as every connection has two endpoints or more: an
	 * endpoint is 88 bytes, in malloc's chunk of 96.
	 */
	unsigned short		 flags;	/* EP_* */
	unsigned char		 shut;	/* enum ep_shut */
	unsigned char		 rwant;	/* Events a read waits for; 0: EV_READ */
	unsigned char		 wwant;	/* Events a write waits for; 0: EV_WRITE */
	unsigned char		 revents; /* Events registered for rfd. */
	unsigned char		 wevents; /* Events registered for wfd. */
	const struct ep_ops	*ops;
	void			*data;

	struct session		*session;
	struct channel		*reader; /* The channel that reads from us. */
	struct channel		*writer; /* The channel that writes to us. */
	/*
	 * Another writer, or a watcher: the hook is a member of its owner's
	 * structure, which the hook's functions find from its address.
	 */
	const struct ep_hook *const *hook;
	TAILQ_ENTRY(endpoint)	 entry;
};

enum ch_state {
	CH_OPEN,		/* Reading from src, writing to dst. */
	CH_DRAINING,		/* src ended; writing what is left. */
	CH_DONE,		/* Everything delivered and dst told. */
	CH_FAILED,		/* An error lost data; see error (0 when
				   the connection broke the other way). */
};

#define CH_SHUTDOWN	0x1	/* End dst's write side when done. */
#define CH_COPY		0x2	/* Never splice: copy through user space. */

/* Size asked for the kernel pipe that buffers a spliced channel. */
#define CHANNEL_PIPESIZE	(1024 * 1024)

#define CH_HOLD		0x4	/* Do not read src for now. */
#define CH_RESET	0x10	/* A broken src resets dst (SO_LINGER 0)
				   rather than shutting it down. */
#define CH_LAZY		0x20	/* Copy until a read fills the buffer,
				   then splice (if it can): a short
				   exchange costs no splice set-up. */
#define CH_EAGER	0x40	/* Read src at once when the session
				   starts: it most likely has data. */
#define CH_CLOSE	0x80	/* The session ends, closing dst, once both
				   ways are done: dst's write side is not
				   shut when the way back is done already. */
/*
 * What a channel's end means for its session (session.c's one rule, and
 * doc/design.md, "The end of a session").  A channel with none of these
 * ends the session only with the others, when every way has ended.
 */
#define CH_FINAL	0x100	/* Its end ends the session, once each other
				   way has delivered what it holds and what
				   its source had ready at that moment (the
				   last round): a listener's client that has
				   finished sending. */
#define CH_FINAL_NOW	0x200	/* Its end ends the session at once, nothing
				   more read or written: a line that hung
				   up, a remote shell that exited (--raw). */
#define CH_GRACE	0x400	/* Its end leaves the other ways its grace
				   (channel_grace()) to end by themselves;
				   then the session is over. */
#define CH_LAST		0x800	/* The pump's: its last round is taken
				   (CH_FINAL), its source read no more. */
#define CH_SAY_EOF1	0x1000	/* Its source's end-of-file is a notice,
				   as socat says that of its first
				   address ("socket 1 (fd N) is at EOF"); */
#define CH_SAY_EOF2	0x2000	/* of its second. */
#define CH_RUNNING	0x4000	/* The pump's, debug builds only:
				   channel_run() is moving its bytes
				   (session_free() checks that none is). */
#define CH_DROPPED	0x8000	/* The pump's: it ended with its
				   destination (ep_write_ended()), dropping
				   what it held (channel_cut()). */
#define CH_BLOCK	0x10000	/* The pump's: socat's -b set its reads'
				   size (channel_block()). */
#ifdef SC_DEBUG
#define CH_MARK_RUNNING(ch, on)	((ch)->flags = (on) ?		\
	    (ch)->flags | CH_RUNNING : (ch)->flags & ~CH_RUNNING)
#else
#define CH_MARK_RUNNING(ch, on)	((void)0)
#endif

/*
 * Reads a channel makes in a row of what its source holds and no poll
 * announces; then the others run, and the rest is the next round's.
 */
#define CHANNEL_PENDING_ROUNDS	64

/* How many observers a channel can have (-o, --hex-dump, -t). */
#define CH_TAPS_MAX	4

/*
 * An observer of a channel, called with each chunk once it has been
 * delivered to the destination, in order.  It must not free the session.
 */
typedef void ch_tap_cb(struct channel *, const unsigned char *, size_t,
    void *);

struct ch_tap {
	ch_tap_cb		*cb;
	void			*arg;
};

/*
 * Pacing: after delivering a line (-i) or any chunk (--delay) a channel
 * writes nothing until its timer fires.  -W: the source is treated as
 * ended after read_limit reads; socat's readbytes, after bytes_left
 * bytes.  Made only for a channel that has any of these, as most never
 * do.
 */
struct ch_pace {
	long long		 line_gap_ms;	/* 0: none */
	long long		 write_gap_ms;	/* 0: none */
	long long		 grace_ms;	/* CH_GRACE's */
	uint64_t		 read_limit;	/* 0: none */
	uint64_t		 reads;		/* Reads that returned data. */
	long long		 bytes_left;	/* readbytes: what may still be
						   read; -1: no limit */
	struct ev_timer		 timer;
};

struct channel {
	const char		*name;	/* For messages. */
	struct endpoint		*src;
	struct endpoint		*dst;
	struct buf		 buf;
	/*
	 * The small fields together: a broker holds one channel for each
	 * of its ten thousand idle clients, and the fast path's state (the
	 * pump's own: channel_fast()) comes after the channel, in the same
	 * allocation, at no cost of a pointer.  The channel and its fast
	 * path fit malloc's chunk of 192 bytes.
	 */
	int			 flags;	/* CH_* */
	int			 error;	/* errno when CH_FAILED. */
	u_int			 bufsize;
	unsigned char		 state;	/* enum ch_state */
	unsigned char		 ntaps;	/* Observers in taps, below. */
	unsigned char		 xgrow;	/* Most bytes xform makes of one;
					   0 means 2. */
	const char		*error_op; /* "read" or "write" */
	uint64_t		 bytes;	/* Delivered to dst. */
	uint64_t		 spilled; /* Read while dst was detached, with
					    no room to wait: dropped. */

	/* Optional: rewrite what was read (-C); returns the new length. */
	size_t			(*xform)(struct channel *, unsigned char *,
				    size_t, size_t);
	long long		 xstate;	/* xform's own: a state, or
						   bytes left */

	struct ch_tap		*taps;	/* CH_TAPS_MAX, made by the first */

	/*
	 * Datagrams from a datagram socket are received many at a time
	 * (recvmmsg(2)) and delivered together (writev(2), sendmmsg(2));
	 * NULL when the channel reads one datagram at a time.
	 */
	struct batch		*batch;

	/* Pacing and the read limit; NULL without (channel_pace()). */
	struct ch_pace		*pace;

	/*
	 * Datagrams injected while the buffer held one (channel_inject()),
	 * each delivered whole in its turn; NULL when none wait.
	 */
	struct dgramq		*held;

	/* Its session is src->session (session_channel()). */
	TAILQ_ENTRY(channel)	 entry;
};

/* Why a session ended: its why, for its mode's finished callback. */
enum session_why {
	SE_NONE,		/* It has not. */
	SE_ALL,			/* Every way ended. */
	SE_FAILED,		/* A way failed, with SS_FAILFAST. */
	SE_FINAL,		/* A way whose end is the session's ended
				   (CH_FINAL, CH_FINAL_NOW). */
	SE_GRACE,		/* The grace after a way's end ran out. */
	SE_IDLE,		/* Nothing moved for its idle time. */
	SE_MODE,		/* Its mode ended it (session_finish()). */
};

/* What a mode's watch callback says of its session. */
#define SESSION_RULE	0	/* The one rule decides. */
#define SESSION_HOLD	1	/* Not over, whatever its channels say (a
				   connection being made again). */
#define SESSION_END	(-1)	/* Over now, for the mode's own reason (the
				   user left: ~., :q); nothing is drained. */

/* The session's rules beside its channels' (ends). */
#define SS_FAILFAST	0x1	/* A failed way ends it at once: a relay
				   between two connections. */

struct session_clock;

/*
 * A session is one set of endpoints and channels that live and die
 * together: a connection and what it is wired to.  When it is over is
 * one rule, session.c's, read from what its mode declared of each
 * channel (CH_FINAL, CH_FINAL_NOW, CH_GRACE) and of the session (ends,
 * its idle time); the mode's watch callback sees every change first.
 */
struct session {
	TAILQ_HEAD(, endpoint)	 endpoints;
	TAILQ_HEAD(, channel)	 channels;
	/* Flags, as bytes: every connection has a session. */
	char			 over;	/* set by session_finish() */
	char			 failed; /* a channel lost data */
	char			 running; /* session_start() was called */
	char			 ends;	/* SS_* */
	char			 why;	/* enum session_why, once over */
	char			 deciding; /* the rule runs: not again */
	long long		 idle_ms; /* end after this long idle */
	uint64_t		 started; /* ev_now() at session_start() */
	/*
	 * Made only for a session with an idle time or a grace; it keeps
	 * when something last moved.  Without, a session is 88 bytes, in
	 * malloc's chunk of 96.
	 */
	struct session_clock	*clock;
	int			 (*watch)(struct session *);
	void			 (*finished)(struct session *);
	void			*arg;
};

/* session.c */
struct session	*session_new(int (*)(struct session *),
		    void (*)(struct session *), void *);
int		 channel_grace(struct channel *, long long);
void		 session_free(struct session *);
struct endpoint	*session_endpoint(struct session *, const char *, int, int,
		    enum ep_shut, int);
struct channel	*session_channel(struct session *, const char *,
		    struct endpoint *, struct endpoint *, int);
void		 session_start(struct session *);
void		 session_finish(struct session *);
void		 session_check(struct session *);
void		 session_set_idle(struct session *, long long);
int		 session_report(struct session *);
const char	*ep_strerror(struct endpoint *, int);
int		 channel_cut(const struct channel *);
void		 ep_reset(struct endpoint *);
void		 channel_block(struct channel *, u_int);

/* pump.c */
void		 ep_write_broken(struct endpoint *);
void		 ep_write_ended(struct endpoint *);
int		 channel_ended(const struct channel *);
size_t		 channel_pending(const struct channel *);
ssize_t		 ep_write(struct endpoint *, const void *, size_t);
void		 ep_update(struct endpoint *);
void		 ep_shutdown(struct endpoint *, int);
void		 channel_end_source(struct channel *);
int		 channel_limit_reached(const struct channel *);

/* inject.c */
void		 ep_detach(struct endpoint *);
void		 ep_attach(struct endpoint *, int);
int		 channel_inject(struct channel *, const void *, size_t);
int		 channel_inject_read(struct channel *, const void *, size_t);
int		 channel_inject_first(struct channel *, const void *, size_t);
int		 channel_append(struct channel *, const void *, size_t, size_t);
size_t		 channel_unqueue(struct channel *, size_t);
void		 ep_readable(struct endpoint *);
int		 channel_tap(struct channel *, ch_tap_cb *, void *);

/* pace.c */
int		 channel_pace(struct channel *, long long, long long,
		    uint64_t);
int		 channel_read_bytes(struct channel *, uint64_t);
void		 channel_hold(struct channel *, int);
void		 channel_resume(struct channel *);

/* fastpath.c */
int		 channel_spliced(const struct channel *);
int		 pump_socket_error(int);

/* fanout.c */
struct fanout;
struct fanout	*fanout_new(long long);
int		 fanout_join(struct fanout *, struct endpoint *, size_t,
		    size_t);
int		 fanout_feed(struct fanout *, struct endpoint *);
int		 fanout_send(struct fanout *, struct endpoint *, const void *,
		    size_t);
int		 fanout_send_to(struct endpoint *, const void *, size_t);
void		 fanout_set_stalled(struct fanout *,
		    void (*)(struct endpoint *, void *), void *);
long long	 fanout_stall_ms(const struct fanout *);
int		 fanout_error(const struct endpoint *, size_t *);

/* session.c */
/* What every session moved so far, for --stats and --progress. */
struct pump_totals {
	uint64_t	 sent;		/* Delivered to EP_NET endpoints. */
	uint64_t	 received;	/* Read from EP_NET endpoints, delivered. */
	uint64_t	 dgrams_sent;	/* Datagrams written to EP_NET ones. */
	uint64_t	 dgrams_received; /* Datagrams read from EP_NET ones. */
	uint64_t	 dgrams_dropped; /* The kernel dropped on their sockets
					   (SO_RXQ_OVFL, SO_MEMINFO). */
	int		 dgrams;	/* Datagram endpoints took part. */
	int		 drops_known;	/* The kernel says what it drops. */
	uint64_t	 started;	/* ev_now() at the first session_start(),
					   0 before. */
};
const struct pump_totals *pump_totals(void);

/* datagram.c */
void		 pump_count_drops(void);

/* batch.c */

/* Most datagrams one recvmmsg(2), writev(2) or sendmmsg(2) moves. */
#define BATCH_MAX	64

/* Datagrams a batch has room for at first; it doubles while they fill. */
#define BATCH_MIN	4

/*
 * Datagrams received at once, each in a slot of its own, delivered in
 * order.  Datagrams first..n-1 are held; off bytes of the first are
 * delivered already.
 */
struct iovec;
struct batch {
	unsigned char		*data;	/* cap slots of slotsize bytes */
	size_t			 slotsize;
	u_int			 cap;
	u_int			 n;
	u_int			 first;
	size_t			 off;
	size_t			 bytes;	/* Held, not yet delivered. */
	int			 full;	/* The last receive filled it. */
	int			 drops_known; /* SO_RXQ_OVFL is on. */
	int			 anc;	/* -vv: each datagram's control
					   messages are logged (anc_log()) */
	uint32_t		 drops;	/* The kernel's count, last seen. */
	struct mmsghdr		*msgs;
	struct iovec		*iov;
	struct sockaddr_storage	*names;
	unsigned char		*control;
};
void		 batch_init(struct batch *, size_t);
void		 batch_free(struct batch *);
int		 batch_empty(const struct batch *);
unsigned char	*batch_data(const struct batch *, u_int);
size_t		 batch_len(const struct batch *, u_int);
void		 batch_set_len(struct batch *, u_int, size_t);
void		 batch_count_drops(struct batch *, int);
uint64_t	 batch_drops_now(struct batch *, int);
int		 batch_recv(struct batch *, struct endpoint *, u_int, size_t,
		    uint64_t *);
int		 batch_filter(struct mmsghdr *, int,
		    int (*)(void *, const struct sockaddr_storage *, socklen_t),
		    void *);
void		 batch_consume(struct batch *, size_t,
		    void (*)(void *, const unsigned char *, size_t), void *);
void		 batch_sent(struct batch *, u_int,
		    void (*)(void *, const unsigned char *, size_t), void *);
ssize_t		 batch_writev(struct batch *, int);
int		 batch_sendmmsg(struct batch *, int);

/* crlf.c */
size_t		 crlf_socat_in(struct channel *, unsigned char *, size_t,
		    size_t);
size_t		 crlf_socat_out(struct channel *, unsigned char *, size_t,
		    size_t);
size_t		 crlf_xform(struct channel *, unsigned char *, size_t,
		    size_t);

/* telnet.c */
struct telnet {
	int		 state;
	unsigned char	 cmd;
	struct channel	*tx;	/* The way to a stream peer, which sends the
				   answers after what it holds; NULL: each
				   goes at once, a datagram of its own. */
	struct dump	*log;	/* Where those are logged as sent, or NULL. */
};
size_t		 telnet_answer(struct telnet *, const unsigned char *, size_t,
		    unsigned char *, size_t);
void		 telnet_tap(struct channel *, const unsigned char *, size_t,
		    void *);

/* stamp.c */
/* What --timestamp puts before a line. */
enum stamp_kind {
	STAMP_ISO,		/* the wall clock, ISO 8601, milliseconds */
	STAMP_RELATIVE,		/* seconds since the session's start */
	STAMP_STRFTIME,		/* the wall clock, as fmt says */
};
#define STAMP_MAX	64	/* a stamp and its space, its NUL */
struct stamp {
	enum stamp_kind	 kind;
	const char	*fmt;
};
int		 stamp_parse(struct stamp *, const char *);
size_t		 stamp_now(const struct stamp *, uint64_t, char *);
int		 stamp_endpoint(struct endpoint *, const struct stamp *);

/* rec-tap.c */
int		 recorder_start(struct session *, struct channel *,
		    struct channel *, const char *, int, char **);

/* expect.c */
/* An expect's time without -w or a timeout step. */
#define EXPECT_DEFAULT_MS	10000
struct expect;
struct expect	*expect_attach(struct session *, struct channel *,
		    struct channel *, const struct script *, int, long long);
void		 expect_start(struct expect *);
int		 expect_watch(struct expect *);
int		 expect_failed(const struct expect *);
int		 expect_owns(const struct expect *);
void		 expect_free(struct expect *);
#ifdef SC_DEBUG
unsigned long	 expect_looked_count(void);
#endif

/* dump.c */
struct dump	*dump_open(const char *, const char *, int, char **);
#define DUMP_SOCAT_TEXT	0x1	/* socat's -v */
#define DUMP_SOCAT_HEX	0x2	/* socat's -x */
int		 dump_socat(struct dump *, int, const char *, const char *,
		    int, char **);
void		 dump_close(struct dump *);
void		 dump_stamp(struct dump *, const struct stamp *);
void		 dump_label(struct dump *, const char *(*)(struct session *));
void		 dump_write(int *, const char *, const void *, size_t);
int		 dump_lost(void);
void		 dump_received(struct channel *, const unsigned char *,
		    size_t, void *);
void		 dump_sent(struct channel *, const unsigned char *, size_t,
		    void *);

#endif /* SC_PUMP_H */
