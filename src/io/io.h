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

/*
 * The io layer: endpoint kinds that are not sockets, and TLS over one: stdio,
 * FIFOs, programs and their pseudo-terminals, the local terminal, TLS.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */

#ifndef SC_LAYER
#define SC_LAYER	4
#endif
#if SC_LAYER < 4
#error "a lower layer includes io/io.h: pass a hook down instead"
#endif

#ifndef SC_IO_H
#define SC_IO_H

#include "pump/pump.h"

/* tls.c */
struct tls;
struct tls_hs;
/* A handshake is over: the TLS state, or NULL and a message to free. */
typedef void tls_done_cb(struct tls *, char *, void *);
int		 tls_available(void);
int		 tls_setup(const struct options *, char **);
struct tls_hs	*tls_handshake_start(const struct options *, int,
		    const char *, long long, tls_done_cb *, void *, char **);
void		 tls_handshake_cancel(struct tls_hs *);
int		 tls_dtls_listen(int, struct net_peer *, struct tls **);
struct tls_hs	*tls_dtls_accept_start(const struct options *, struct tls *,
		    int, long long, tls_done_cb *, void *, char **);
int		 tls_setup_origin(const struct options *, char **);
struct tls_hs	*tls_origin_start(const struct options *, int,
		    const char *, long long, tls_done_cb *, void *, char **);
struct tls	*tls_handshake(const struct options *, int, const char *,
		    long long, char **);
int		 tls_check_peer(const struct options *, struct tls *, char **);
void		 tls_attach(struct endpoint *, struct tls *);
ssize_t		 tls_read(struct tls *, void *, size_t, int *);
ssize_t		 tls_write(struct tls *, const void *, size_t, int *);
void		 tls_close_notify(struct tls *);
int		 tls_pending(struct tls *);
void		 tls_free(struct tls *);

/* exec.c */

/* A program to run for each connection, as -e or -c gave it. */
struct exec_cmd {
	const char	 *text;		/* As given, for messages. */
	const char	 *path;		/* What is executed (PATH lookup). */
	char		**argv;
	int		  pty;		/* --pty: on a terminal of its own */
};

/* What a child is told about its connection. */
struct exec_conn {
	int		 type;		/* SOCK_STREAM, SOCK_DGRAM */
	struct net_peer	 local;		/* len 0 when unknown */
	struct net_peer	 remote;
};

/* A running program; reaped by the event loop when it exits. */
struct child {
	pid_t			 pid;
	int			 in;	/* Our end of its stdin, until given. */
	int			 out;	/* Our end of its stdout, until given. */
	int			 exited;
	int			 status; /* wait(2) status once exited. */
	int			 released; /* Nobody waits for it any more. */
	struct ev_timer		 kill;	/* SIGKILL after SIGTERM's grace. */
	int			 pty;	/* --pty: the master, until given. */
	int			 pty_slave; /* Its terminal, until it exits. */
	struct endpoint		*pty_ep; /* The master's endpoint, or NULL. */
	void			(*exited_cb)(struct child *, void *);
	void			*arg;
	TAILQ_ENTRY(child)	 entry;
};

int		 exec_cmd_parse(struct exec_cmd *, const char *, int,
		    char **);
void		 exec_cmd_free(struct exec_cmd *);
int		 exec_cmd_check(const struct exec_cmd *, char **);
void		 exec_conn_socket(struct exec_conn *, int,
		    const struct net_peer *);
struct child	*exec_spawn(const struct exec_cmd *, const struct exec_conn *,
		    char **);
struct endpoint	*exec_endpoint(struct session *, struct child *);
void		 exec_release(struct child *);
void		 exec_terminate(struct child *);
int		 exec_status(const struct child *);

/* pty.c */
struct pty {
	int		 master;
	int		 slave;
	char		 path[64];	/* /dev/pts/N */
};

/* A window-size announcement: IAC SB NAWS w w h h IAC SE. */
#define NAWS_LEN	9
struct naws {
	unsigned char	 held[NAWS_LEN]; /* The start of one, cut off. */
	size_t		 nheld;
};
int		 pty_open(struct pty *);
struct endpoint	*pty_endpoint(struct session *, struct child *);
void		 pty_exited(struct child *);
void		 pty_release(struct child *);
size_t		 pty_xform(struct channel *, unsigned char *, size_t, size_t);
size_t		 naws_decode(struct naws *, unsigned char *, size_t, size_t,
		    int *, int *);
void		 naws_encode(unsigned char *, int, int);

/* term.c */
int		 term_start(struct channel *);
void		 term_stop(struct channel *);
int		 term_escaped(const struct channel *);
size_t		 term_xform(struct channel *, unsigned char *, size_t, size_t);

/* fifo.c */
int		 fifo_open(const char *, char **);
struct endpoint	*fifo_in(struct session *);
/* stdio.c */
void		 stdio_init(void);
void		 stdio_restore(void);
int		 stdio_tty_raw(void);
int		 stdio_tty_makeraw(void);
void		 stdio_tty_pause(int);
struct endpoint	*stdio_in(struct session *, int);
struct endpoint	*stdio_out(struct session *);
void		 stdio_set_out_ops(const struct ep_ops *);
struct endpoint	*stdio_discard(struct session *);
int		 stdio_in_ended(void);
void		 stdio_set_in_ended(void);
uint64_t	 stdio_in_bytes(void);
int		 stdio_in_size(uint64_t *);

#endif /* SC_IO_H */
