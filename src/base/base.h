/*
 * The base layer: the event loop, buffers, logging, clean-up at exit, parsing of
 * numbers and times, and what every layer needs of a socket address.  The
 * command line (struct options) is the front layer's; each layer below is
 * given the part of it that it reads (a side's TLS in io/io.h, the rest of
 * a side in net/net.h, how data flows in modes/modes.h).
 *
 * The bottom layer: it includes no header of ours but compat.h.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	1
#endif
#if SC_LAYER < 1
#error "a lower layer includes base/base.h: pass a hook down instead"
#endif

#ifndef SC_BASE_H
#define SC_BASE_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compat.h"

/* Default size of a channel buffer; large enough for any datagram. */
#define CHANNEL_BUFSIZE		(64 * 1024)

/* The largest payload of one UDP datagram over IPv4. */
#define UDP_MAXPAYLOAD		65507

/* The largest datagram over DTLS: a record's plaintext. */
#define DTLS_MAXPAYLOAD		16384

/*
 * Receive buffer a UDP listener asks for when -I does not say: room for a
 * burst while the datagrams already read are written out.  The kernel
 * caps it at net.core.rmem_max.
 */
#define UDP_RCVBUF		(4 * 1024 * 1024)

/* No time limit: the value every time option starts from. */
#define TIME_NONE		(-1LL)

/* The sooner of two times in milliseconds, TIME_NONE being never. */
static inline long long
time_sooner(long long a, long long b)
{
	return (a == TIME_NONE || (b != TIME_NONE && b < a) ? b : a);
}

/* cleanup.c */
typedef void cleanup_fn(int);
void		 cleanup_add(cleanup_fn *);
void		 cleanup_spawning(void);
void		 cleanup_forked(void);
void		 cleanup_signal(int);
void		 cleanup_on_signals(void);
int		 cleanup_sigaction(int, const struct sigaction *,
		    struct sigaction *);
void		 cleanup_sigset(sigset_t *);

/* pool.c */
/* A job for a pool's worker: the first member of the caller's struct. */
struct pool_job {
	TAILQ_ENTRY(pool_job)	 entry;
	struct pool_share	*share;		/* its peer's, until it ends */
	int			 state;
	int			 cancelled;
	int			 local;		/* pool_answer()'s */
	const char		*starting;	/* ASYNC_START() */
};
/* What a pool runs and how many at once; read-only. */
struct pool_conf {
	void		(*work)(struct pool_job *);	/* in a worker: no
							   loop, no log */
	void		(*done)(struct pool_job *);	/* from the loop */
	void		(*free)(struct pool_job *);	/* after done(), or
							   once cancelled */
	size_t		 stack;		/* each worker's */
	int		 threads;	/* jobs running at once, and one more */
	int		 threads_max;	/* for each peer with none, to this */
	int		 share_threads;	/* one peer's jobs running at once */
	int		 share_max;	/* one peer's jobs */
	size_t		 queue_max;	/* jobs waiting for a worker */
};
struct pool;
struct pool	*pool_new(const struct pool_conf *);
int		 pool_submit(struct pool *, struct pool_job *,
		    const struct sockaddr *);
void		 pool_answer(struct pool *, struct pool_job *);
void		 pool_cancel(struct pool *, struct pool_job *);

/* retry.c */
#define RETRY_FOREVER	(-1)	/* tries after the first: no end */
/* A policy for trying again, and the tries it has allowed so far. */
struct retry {
	int		 max;		/* tries after the first, or
					   RETRY_FOREVER */
	long long	 pause_ms;	/* the first pause, then the next */
	long long	 cap_ms;	/* 0: every pause the first; else
					   doubling up to it, jittered */
	int		 tries;		/* retry_again()'s yeses */
};
int		 retry_again(struct retry *);
long long	 retry_pause(struct retry *);

/* taken.c */
/*
 * Debug builds mark each field of the configuration a path applies, by
 * its part (the struct it is in) and its offset there, so that the front
 * can say at exit which option given no path read (doc/design.md, "An
 * option given is applied or refused").  A layer marks with its parts'
 * macros (SIDE_TAKEN() in net/net.h, FLOW_TAKEN() in modes/modes.h ...);
 * a copy of a struct marks what the original's fields are for.
 */
enum taken_part {
	TAKEN_SIDE,		/* struct side: every side's settings */
	TAKEN_FLOW,		/* struct flow */
	TAKEN_LOCAL,		/* struct local */
	TAKEN_FWD,		/* struct fwd_conf */
	TAKEN_RELAY,		/* struct relay_conf */
	TAKEN_JOB,		/* struct job */
	TAKEN_RUN,		/* struct runtime */
	TAKEN_OPTIONS,		/* the front's struct options */
	TAKEN_PARTS,
};
#define TAKEN_BYTES_MAX		32768	/* the largest part, in bytes */
#ifdef SC_DEBUG
void		 taken(int, size_t, size_t);
int		 taken_any(int, size_t, size_t);
void		 taken_drop(int, size_t, size_t);
void		 taken_defer(void);
#define TAKEN_DEFER()		taken_defer()
#define TAKEN(part, type, f)	taken((part), offsetof(type, f),	\
				    sizeof(((type *)0)->f))
#define TAKEN_AT(part, off, size) taken((part), (off), (size))
#else
#define TAKEN(part, type, f)	((void)0)
#define TAKEN_AT(part, off, size) ((void)0)
#define TAKEN_DEFER()		((void)0)
#endif

/* log.c */
void		 log_socat_form(void);
void		 log_socat_debug(int);
void		 log_socat_name(const char *);
int		 log_socat_dest(int, int);
void		 log_socat_detail(int, const char *);
void		 log_socat_mix(int);
void		 log_socat_settled(void);
void		 log_init(int);
void		 log_set_clear(void (*)(int));
void		 log_set_worker(int);
int		 log_verbosity(void);
void		 log_info(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_verbose(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_verbose_warn(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_warning(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_cause(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
__dead void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
__dead void	 fatalx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
__dead void	 log_async_abort(const char *, const char *, void *);
void		 log_write_quiet(int, const void *, size_t);
/* The room log_escape() needs for n bytes, its NUL included. */
#define LOG_ESCAPED(n)	(4 * (n) + 1)
const char	*log_escape(char *, size_t, const void *, size_t);

/* path.c */
struct stat;
int		 path_open(const char *, int, mode_t, const char **);
int		 path_is(const char *, mode_t, dev_t, ino_t);
int		 path_own(const char *, mode_t, const struct stat *);
void		 path_disown(const char *);
void		 path_unown(const char *);
char		*path_read(const char *, size_t, size_t *);
int		 path_rereadable(const char *, char **);
int		 path_chown(int, const char *, const char *, const char *,
		    const char **);

/* text.c */
/* A peer's text being shown (text_escape()): what it holds between calls. */
struct text_esc {
	int		 ascii;		/* all but printable ASCII escaped */
	int		 state;		/* text_utf8_span()'s */
	size_t		 nheld;
	unsigned char	 held[4];	/* a character begun */
};
/* The most bytes text_escape() makes of one. */
#define TEXT_ESC_MAX	16
size_t		 text_utf8_span(int *, const unsigned char *, size_t, size_t *);
size_t		 text_escape(struct text_esc *, const void *, size_t,
		    unsigned char *);
size_t		 text_escape_end(struct text_esc *, unsigned char *);
int		 text_hex_value(int);

/*
 * The rule of every asynchronous start function (tls_handshake_start(),
 * dial_open(), resolve_start(), ...): its callback is never called
 * before it returns, only later, from the loop.  The caller stores the
 * handle it gets back and goes on using its own object; a callback run
 * earlier would find the handle unset, or free what the caller still
 * uses.  Debug builds check it: a start function marks its object with
 * ASYNC_START() while it runs and ASYNC_STARTED() before it returns;
 * ASYNC_CALLBACK(), just before the callback is called, aborts naming
 * both if the mark is still there.  The mark is a field of the object
 * ("const char *starting"), so a start function may call another's.
 */
#ifdef SC_DEBUG
#define ASYNC_START(x, name)	((x)->starting = (name))
#define ASYNC_STARTED(x)	((x)->starting = NULL)
#define ASYNC_CALLBACK(x, where, cb) do {				\
	if ((x)->starting != NULL)					\
		log_async_abort((x)->starting, (where), (void *)(cb));	\
} while (0)
#else
#define ASYNC_START(x, name)	((void)(x))
#define ASYNC_STARTED(x)	((void)(x))
#define ASYNC_CALLBACK(x, where, cb) ((void)(x))
#endif

/*
 * DEBUG_CHECK(cond, msg): a rule of ownership or order that doc/design.md
 * states, checked in debug builds: abort with msg when cond is false.
 */
#ifdef SC_DEBUG
#define DEBUG_CHECK(cond, msg) do {					\
	if (!(cond)) {							\
		log_warnx("%s", (msg));					\
		abort();						\
	}								\
} while (0)
#else
#define DEBUG_CHECK(cond, msg) ((void)0)
#endif

/*
 * What every sockcat runs between its start and its first wait for an
 * event (doc/design.md, "The idle footprint"): linked together at the
 * start of the text, so that an idle process maps a few pages of its code
 * rather than every 64 KiB window its start-up calls happen to touch.
 * The linker's default script groups every .text.startup section, as it
 * does for main().  tests/t-footprint.sh checks that nothing else runs.
 */
#define __startup	__attribute__((__section__(".text.startup")))

/*
 * What a short run goes through after that: a client from its start to
 * its exit (-N, -z, -h, the plain client's session, the pump's moves and
 * the exit's cleanup).  With the linker sorting input sections by name
 * (configure.ac), .text.zshortrun comes after every other part of the
 * text and just before _fini, which every exit runs: a one-shot sockcat
 * maps the start's cluster and this one, not a window for each file its
 * calls cross, and an idle listener maps none of it.  Checked by
 * tests/t-footprint.sh.
 */
#define __shortrun	__attribute__((__section__(".text.zshortrun")))

/* workers.c */
int		 workers_start(int);
int		 worker_number(void);

/* sock.c */
/* A peer's address, as accept(2) and recvfrom(2) give it. */
struct net_peer {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
};
int		 net_set_nonblock(int, int);
int		 net_sock_type(int);
int		 net_close_err(int);
void		 net_close(int *);
void		 net_reset_at_close(int);
char		*net_decimal(char *, unsigned int);
void		 net_format(const struct sockaddr *, socklen_t, int, char *,
		    size_t, char *, size_t);
struct in6_addr;
void		 net_socat_in6(const struct in6_addr *, char *, size_t);
#define NET_HOST_KEY_LEN	16
void		 net_host_key(const struct sockaddr *,
		    unsigned char [NET_HOST_KEY_LEN]);

/* anc.c */
#define ANC_MAX		8	/* items of one datagram's control messages */
#define ANC_VALUE_MAX	96	/* the longest value, and its NUL */
/* One thing a datagram's control messages said, in socat's words. */
struct anc_item {
	const char	*type;		/* "IP_PKTINFO" */
	const char	*name;		/* "dstaddr" */
	const char	*var;		/* the variable's name after its
					   prefix: "IP_DSTADDR" */
	char		 value[ANC_VALUE_MAX];
};
/* What they said (socat's ancillary data): ip-pktinfo, so-timestamp, ... */
struct sock_anc {
	struct anc_item	 item[ANC_MAX];
	u_int		 n;
};
u_int		 anc_parse(struct msghdr *, struct sock_anc *);
void		 anc_log(const struct sock_anc *);
void		 anc_log_msg(struct msghdr *);

/* linger.c */
void		 sock_linger(int);
void		 sock_linger_send(int, const void *, size_t);
void		 sock_linger_reset(int);
void		 sock_linger_break(void);

/* parse.c */
int		 parse_ports(const char *, int, int, char ***, size_t *,
		    char *, size_t);
void		 parse_ports_free(char **, size_t);
int		 parse_time(const char *, long long, long long, long long *,
		    const char **);
long long	 parse_time_ms_up(double);
int		 parse_tos(const char *, int *);
const char	*parse_tos_name(size_t);

/* event.c */
#define EV_READ		0x1
#define EV_WRITE	0x2
#define EV_HUP		0x4	/* a hangup or an error alone: a socket
				   neither read nor written, watched for
				   its reset */
#define EV_EDGE		0x8	/* to ev_set(): a stream socket watched
				   edge-triggered (ev_blocked()) */

typedef void ev_fd_cb(int, int, void *);
typedef void ev_timer_cb(void *);
typedef void ev_signal_cb(int, void *);

#define EV_TIMER_WEAK	0x1	/* Does not by itself keep ev_loop() going. */

struct ev_timer {
	uint64_t		 when;	/* Monotonic ms; 0 when disarmed. */
	int			 flags;	/* EV_TIMER_* */
	ev_timer_cb		*cb;
	void			*arg;
	TAILQ_ENTRY(ev_timer)	 entry;
};

const char	*ev_backend(void);
uint64_t	 ev_now(void);
int		 ev_set(int, int, ev_fd_cb *, void *);
void		 ev_del(int);
void		 ev_park(int);
int		 ev_again(int, int);
void		 ev_blocked(int, int);
void		 ev_short_read(int);
int		 ev_close(int);
unsigned long	 ev_round(void);
int		 ev_started(void);
void		 ev_timer_init(struct ev_timer *, ev_timer_cb *, void *);
void		 ev_timer_arm(struct ev_timer *, long long);
void		 ev_timer_disarm(struct ev_timer *);
int		 ev_timer_armed(const struct ev_timer *);

/* evsignal.c */
int		 ev_signal(int, ev_signal_cb *, void *);
int		 ev_signal_weak(int, ev_signal_cb *, void *);

/* event.c */
void		 ev_every_round(void (*)(void));
void		 ev_weak(int, int);
int		 ev_loop(void);
void		 ev_break(void);
int		 ev_ready(int);
/*
 * Debug builds: SC_EVENT_ORDER=reverse or seed:N changes the order in
 * which what is ready in one round is handled (doc/design.md, "Events
 * made to coincide"); ev_order_swap() says whether a caller with two
 * things to do in a round does them the other way round this time.
 */
#ifdef SC_DEBUG
int		 ev_order_swap(void);
#else
#define ev_order_swap()	0
#endif

/* buf.c */
struct buf {
	unsigned char	*data;
	size_t		 size;	/* Allocated size. */
	size_t		 off;	/* Start of unsent data. */
	size_t		 len;	/* Bytes of unsent data. */
};
void		*buf_pool_get(size_t);
void		 buf_pool_put(void *, size_t);
void		 buf_pool_counts(size_t *, size_t *);
int		 buf_init(struct buf *, size_t);
void		 buf_free(struct buf *);
int		 buf_release(struct buf *);
size_t		 buf_space(struct buf *);
unsigned char	*buf_tail(struct buf *);
void		 buf_commit(struct buf *, size_t);
void		 buf_consume(struct buf *, size_t);

/* dgramq.c */
struct dgramq;
int		 dgramq_add(struct dgramq **, const void *, size_t, size_t);
int		 dgramq_first(const struct dgramq *, const unsigned char **,
		    size_t *);
void		 dgramq_drop(struct dgramq **);
size_t		 dgramq_bytes(const struct dgramq *);
void		 dgramq_free(struct dgramq **);

#endif /* SC_BASE_H */
