/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* The one internal header: every type and prototype shared between files. */

#ifndef SOCKCAT_H
#define SOCKCAT_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "compat.h"

/* Default size of a channel buffer; large enough for any datagram. */
#define CHANNEL_BUFSIZE		(64 * 1024)

/* Port used by --chat when none is given. */
#define CHAT_DEFAULT_PORT	"5000"

/* No time limit: the value every time option starts from. */
#define TIME_NONE		(-1LL)

/* What a command line asks for, filled by cmdline.c, read by the modes. */
struct options {
	int		 family;	/* -4, -6: AF_INET, AF_INET6, else
					   AF_UNSPEC; AF_UNIX with -U */
	int		 socktype;	/* SOCK_STREAM, or SOCK_DGRAM with -u */
	int		 listen;	/* -l */
	int		 keep;		/* -k */
	int		 numeric;	/* -n: no DNS or service lookups */
	int		 verbose;	/* -v, counted */
	int		 zero;		/* -z: scan, move no data */
	int		 shut_net;	/* -N: shutdown(2) the socket at EOF */
	int		 no_stdin;	/* -d */
	int		 crlf;		/* -C */
	int		 randomize;	/* -r */
	int		 so_debug;	/* -D */
	int		 broadcast;	/* -b */
	int		 half_close;	/* --half-close */
	int		 rcvbuf;	/* -I, 0 when unset */
	int		 sndbuf;	/* -O, 0 when unset */
	int		 ttl;		/* -M, -1 when unset */
	int		 minttl;	/* -m, -1 when unset */
	int		 tos;		/* -T, -1 when unset */
	long long	 interval;	/* -i, seconds between lines/ports */
	long long	 timeout_ms;	/* -w, TIME_NONE when unset */
	long long	 quit_ms;	/* -q, TIME_NONE: wait for the peer */
	long long	 deadline_ms;	/* --quit-after: hard limit after EOF */
	const char	*source;	/* -s */
	const char	*source_port;	/* -p */
	const char	*host;		/* destination, or listen address */
	char		**ports;	/* expanded port list */
	size_t		 nports;
};

/* log.c */
void		 log_init(int);
int		 log_verbosity(void);
void		 log_info(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_verbose(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
__dead void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
__dead void	 fatalx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* parse.c */
int		 parse_ports(const char *, int, int, char ***, size_t *,
		    char *, size_t);
void		 free_ports(char **, size_t);
int		 parse_time(const char *, long long, long long, long long *,
		    const char **);
int		 parse_tos(const char *, int *);

/* net.c */
struct net_peer {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
};
int		 net_connect(const struct options *, const char *,
		    const char *, struct net_peer *, char **);
int		 net_listen(const struct options *, const char *,
		    const char *, char **);
int		 net_accept(int, struct net_peer *);
int		 net_set_options(const struct options *, int, int);
int		 net_set_nonblock(int, int);
void		 net_format(const struct sockaddr *, socklen_t, int, char *,
		    size_t, char *, size_t);
const char	*net_service(const char *, int);
void		 net_report_connect(const struct options *, const char *,
		    const char *, const struct net_peer *);
void		 net_report_listen(const struct options *, int);
void		 net_report_accept(const struct options *,
		    const struct net_peer *);

/* event.c */
#define EV_READ		0x1
#define EV_WRITE	0x2

typedef void ev_fd_cb(int, int, void *);
typedef void ev_timer_cb(void *);

struct ev_timer {
	uint64_t		 when;	/* Monotonic ms; 0 when disarmed. */
	ev_timer_cb		*cb;
	void			*arg;
	TAILQ_ENTRY(ev_timer)	 entry;
};

uint64_t	 ev_now(void);
int		 ev_set(int, int, ev_fd_cb *, void *);
void		 ev_del(int);
void		 ev_timer_init(struct ev_timer *, ev_timer_cb *, void *);
void		 ev_timer_arm(struct ev_timer *, long long);
void		 ev_timer_disarm(struct ev_timer *);
int		 ev_timer_armed(const struct ev_timer *);
int		 ev_loop(void);
void		 ev_break(void);

/* buf.c */
struct buf {
	unsigned char	*data;
	size_t		 size;	/* Allocated size. */
	size_t		 off;	/* Start of unsent data. */
	size_t		 len;	/* Bytes of unsent data. */
};
int		 buf_init(struct buf *, size_t);
void		 buf_free(struct buf *);
size_t		 buf_space(struct buf *);
unsigned char	*buf_tail(struct buf *);
void		 buf_commit(struct buf *, size_t);
void		 buf_consume(struct buf *, size_t);

/* pump.c */

/*
 * How an endpoint's write side is ended once a channel has delivered
 * everything: declared as data so that the pump, not each mode, does it.
 */
enum ep_shut {
	EP_SHUT_SOCKET,		/* shutdown(fd, SHUT_WR): the peer sees EOF */
	EP_SHUT_CLOSE,		/* close(fd): pipes, stdout, child stdin */
	EP_SHUT_NONE,		/* nothing can be said (datagrams) */
};

#define EP_DGRAM	0x1	/* Reads and writes are whole messages. */
#define EP_NOCLOSE	0x2	/* Never close the fds (stdio). */

struct endpoint;

/* Operations an endpoint kind may override; NULL means read(2)/write(2). */
struct ep_ops {
	ssize_t	(*read)(struct endpoint *, void *, size_t);
	ssize_t	(*write)(struct endpoint *, const void *, size_t);
};

struct session;
struct channel;

struct endpoint {
	const char		*name;	/* For messages: "stdin", "network". */
	int			 rfd;	/* Read side, -1 if none. */
	int			 wfd;	/* Write side, -1 if none; may be rfd. */
	enum ep_shut		 shut;
	int			 flags;	/* EP_* */
	const struct ep_ops	*ops;
	void			*data;

	struct session		*session;
	struct channel		*reader; /* The channel that reads from us. */
	struct channel		*writer; /* The channel that writes to us. */
	int			 revents; /* Events registered for rfd. */
	int			 wevents; /* Events registered for wfd. */
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

struct channel {
	const char		*name;	/* For messages. */
	struct endpoint		*src;
	struct endpoint		*dst;
	struct buf		 buf;
	int			 flags;	/* CH_* */
	enum ch_state		 state;
	int			 error;	/* errno when CH_FAILED. */
	const char		*error_op; /* "read" or "write" */
	uint64_t		 bytes;	/* Delivered to dst. */
	size_t			 bufsize;

	/* Optional: rewrite what was read (-C); returns the new length. */
	size_t			(*xform)(struct channel *, unsigned char *,
				    size_t, size_t);
	int			 xstate;

	struct session		*session;
	TAILQ_ENTRY(channel)	 entry;
};

/*
 * A session is one set of endpoints and channels that live and die
 * together: a connection and what it is wired to.  Its mode decides when
 * it is over through the check callback, which runs after every change.
 */
struct session {
	TAILQ_HEAD(, endpoint)	 endpoints;
	TAILQ_HEAD(, channel)	 channels;
	int			 over;	/* set by session_finish() */
	int			 failed; /* a channel lost data */
	int			 timed_out; /* ended by the idle timer */
	long long		 idle_ms; /* end after this long idle */
	uint64_t		 last_active;
	struct ev_timer		 idle;
	int			 (*check)(struct session *);
	void			 (*finished)(struct session *);
	void			*arg;
};

struct session	*session_new(int (*)(struct session *),
		    void (*)(struct session *), void *);
void		 session_free(struct session *);
struct endpoint	*session_endpoint(struct session *, const char *, int, int,
		    enum ep_shut, int);
struct channel	*session_channel(struct session *, const char *,
		    struct endpoint *, struct endpoint *, int);
int		 session_start(struct session *);
void		 session_finish(struct session *);
void		 session_set_idle(struct session *, long long);
int		 channel_ended(const struct channel *);
void		 channel_stop(struct channel *);

/* crlf.c */
size_t		 crlf_xform(struct channel *, unsigned char *, size_t,
		    size_t);

/* stdio.c */
void		 stdio_init(void);
void		 stdio_restore(void);
struct endpoint	*stdio_in(struct session *, int);
struct endpoint	*stdio_out(struct session *);
int		 stdio_in_ended(void);
void		 stdio_set_in_ended(void);

/* plain.c */
int		 plain_connect(struct options *);
int		 plain_listen(struct options *);

/* scan.c */
int		 scan_ports(struct options *);

/* cmdline.c */
void		 cmdline_parse(struct options *, int, char **);
__dead void	 usage(int);

#endif /* SOCKCAT_H */
