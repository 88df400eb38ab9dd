/*
 * The io layer: endpoint kinds that are not sockets, and TLS over one: stdio,
 * FIFOs, programs and their pseudo-terminals, the local terminal, TLS.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	4
#endif
#if SC_LAYER < 4
#error "a lower layer includes io/io.h: pass a hook down instead"
#endif

#ifndef SC_IO_H
#define SC_IO_H

#include "pump/pump.h"

/*
 * The configuration this layer reads: a side's TLS (tls.c), who may
 * connect (gate.c, above it, and the listener) and what changes while
 * the program runs.  The command line (struct options) is the front
 * layer's: each layer is given the part of it that it reads.
 */

/* The length of a SHA-256 fingerprint (--ssl-pin). */
#define TLS_PIN_LEN		32

/*
 * Who may connect to a server and how many at once (gate.c): the controls
 * every listener serving many clients shares.
 */
struct gate_rule;
struct gate_src;

/*
 * A datagram peer has no end-of-file: one served by a socket of its own (a
 * program's, the forwarder's) is forgotten when quiet this long, unless
 * --idle-timeout or -w says otherwise.
 */
#define GATE_PEER_IDLE_MS	(60 * 1000)

struct gate {
	TAILQ_HEAD(, gate_rule)	 rules;	/* --allow, --deny, in order */
	int			 nallow; /* allow rules among them */
	int			 max_conns; /* --max-conns, 0: no limit */
	int			 full_wait; /* socat's max-children: a stream
					     client over max_conns waits in
					     the backlog, not turned away */
	int			 peer_port; /* socat's sourceport= of a
					     listener: the one port its
					     clients come from; 0: any */
	int			 low_port; /* socat's lowport: clients
					     from ports below 1024 alone */
	long long		 idle_ms; /* --idle-timeout: per client with
					     -l; without, the connection's */
	struct gate_src		*srcs;	/* what the rules came from, in
					   order, to read them again */
	size_t			 nsrcs;
	size_t			 nfiles; /* --allowfile, --denyfile among them */
	int			 numeric; /* -n: a name is refused, not looked
					    up */
	char			*named;	/* the first name a rule was looked
					   up for, or NULL */
};
struct dump;

/*
 * What changes while the program runs, beside the command line: made by
 * main(), reached from the options.
 */
struct runtime {
	int		 conns;		/* clients admitted by the gate now */
	struct dump	*dump;		/* the open logs (-o, --hex-dump) */
	struct gate	*gate;		/* rules read again (gate_reload()), in
					   place of the options'; or NULL */
	void		(*report)(void); /* prints the --stats figures so
					   far (SIGUSR1), or NULL */
};

/* TLS versions as addr_tls_version_parse() gives them. */
enum tls_version {
	TLS_V10 = 10,
	TLS_V11 = 11,
	TLS_V12 = 12,
	TLS_V13 = 13,
};

/* A side's TLS or DTLS: what src/io/tls.c reads of it. */
struct tls_conf {
	int		 on;		/* --ssl, or any --ssl-* option */
	int		 verify;	/* --ssl-verify */
	const char	*cert;		/* --ssl-cert: PEM certificate chain */
	const char	*key;		/* --ssl-key: PEM private key */
	const char	*trustfile;	/* --ssl-trustfile: PEM CAs */
	const char	*capath;	/* socat's capath=: a directory of
					   CAs by hash (openssl rehash) */
	const char	*ciphers;	/* --ssl-ciphers: OpenSSL cipher list */
	const char	*servername;	/* --ssl-servername: SNI, checked name */
	const char	*checkname;	/* socat's commonname=: the checked
					   name (SNI's unless servername) */
	int		 trust_socat;	/* socat's: cafile=, capath= taken
					   with verify=0; a server's
					   verify=1 without them trusts the
					   system's authorities */
	int		 cn_addr;	/* socat's: an address is also
					   matched by a commonName that is
					   it as written ("[::1]") */
	const char	*alpn;		/* --ssl-alpn: "h2,http/1.1" */
	int		 min_version;	/* --ssl-min-version: TLS_V*, 0: the
					   default (1.2; 1.0 with legacy) */
	int		 max_version;	/* --ssl-max-version, 0: the newest */
	int		 legacy;	/* --ssl-legacy: TLS 1.0, 1.1 and
					   OpenSSL's security level 0 */
	unsigned char	(*pins)[TLS_PIN_LEN]; /* --ssl-pin: SHA-256 */
	size_t		 npins;
	const char	*secret;	/* --secret: a drawn code's symbols,
					   or a code of the user's; NULL */
	int		 secret_own;	/* the user's: scrypt first */
	const char	*secret_peer;	/* a code drawn here: the command the
					   other side runs, less host, port */
	const char	*verify_way;	/* said after a failed verification,
					   from its space: how to accept the
					   peer anyway (NULL: nothing) */
	struct tls_ctx	*ctx;		/* made from the rest at start-up */
};

/*
 * Who looks up the destination's name behind a proxy (--proxy-dns), as
 * bits, in its row's words' order.  Unset (0), -X 4 looks it up here, as
 * netcat does, and every other protocol leaves it to the proxy, as ncat
 * does.
 */
enum proxy_dns {
	PROXY_DNS_LOCAL = 1,	/* here, and only here */
	PROXY_DNS_REMOTE = 2,	/* the proxy */
	PROXY_DNS_BOTH = 3,	/* here, else the proxy */
	PROXY_DNS_NONE = 4,	/* nobody: a numeric address only */
};

/* edit.c */

/*
 * The longest line kept while it is typed: a longer one is sent in pieces
 * as it grows, none with a newline of its own, so that it arrives whole.
 */
#define EDIT_LINE_MAX		65536
/* What is read from the terminal at once. */
#define EDIT_KEYS_MAX		256
/* The lines a history keeps (and its file, --readline-history). */
#define EDIT_HISTORY		100
/* The longest prompt: the end of the owner's half line kept as one. */
#define EDIT_PROMPT_MAX		512

/*
 * What a line typed after the owner's half line (a peer's "ftp> ") starts
 * with: that half line, the line typed on after it (EDIT_PROMPT_HALF, as
 * socat's READLINE); a new row (EDIT_PROMPT_NONE, socat's noprompt); or a
 * prompt of its own in place of it (EDIT_PROMPT_FIXED, socat's prompt=),
 * also before a line typed on a row of its own.
 */
#define EDIT_PROMPT_NONE	0
#define EDIT_PROMPT_HALF	1
#define EDIT_PROMPT_FIXED	2

/*
 * A line being typed on a terminal, and the lines finished.  Its two
 * buffers are taken at the first key (EDIT_LINE_MAX, and done the size of
 * a line and a read of keys), so that typing never fails half-way.
 */
struct edit {
	char		*line;
	size_t		 linelen;
	size_t		 pos;		/* The cursor, a byte of line. */
	int		 esc;		/* In an escape sequence: 1 ESC, 2 CSI */
	int		 escarg;	/* and its number so far */
	int		 eof;		/* ^D on an empty line: the end */
	int		 midline;	/* the owner's last line shown is not
					   finished: see EDIT_PROMPT_* */
	int		 open;		/* a line is begun: its prompt taken */
	int		 pmode;		/* EDIT_PROMPT_* */
	const char	*prompt;	/* EDIT_PROMPT_FIXED's */
	regex_t		*noecho;	/* a half line it matches has the
					   line after it typed unseen */
	int		 secret;	/* this line: not shown, not kept */
	char		*tail;		/* the owner's half line, its end */
	size_t		 taillen;
	char		*lp;		/* the line's prompt, shown before it */
	size_t		 lplen;
	size_t		 lpw;		/* its columns */
	int		 redraw;	/* the line is to be shown again */
	int		 error;		/* the buffers could not be had */
	unsigned char	*done;
	size_t		 donelen;	/* Lines finished, not yet read. */
	int		 echo;		/* Where keys are echoed, or -1; */
	int		 echo_out;	/* stdout's terminal, */
	int		 echo_own;	/* through a descriptor of ours. */
	size_t		 cols;		/* Its width; 0: unknown. */
	int		 drawn;		/* The line is on the screen, */
	size_t		 crow;		/* the cursor on this row of it, */
	size_t		 endw;		/* and its end at this column. */
	int		 history;	/* Up and Down bring lines back. */
	char		*hist[EDIT_HISTORY];
	size_t		 nhist;
	size_t		 hpos;		/* The line shown; nhist: a new one. */
	char		*draft;		/* The new line, while Up shows old. */
	int		 histfd;	/* Its file, lines added at the end. */
	struct channel	*rx;		/* what shows the peer's, or NULL */
	size_t		(*rx_xform)(struct channel *, unsigned char *,
			    size_t, size_t);	/* and its own rewrite */
	void		(*before)(void *);
	void		(*after)(void *);
	void		*arg;
};
void		 edit_init(struct edit *, int, int, void (*)(void *),
		    void (*)(void *), void *);
void		 edit_free(struct edit *);
void		 edit_show(struct edit *);
void		 edit_hide(struct edit *);
void		 edit_leave(struct edit *);
void		 edit_watch(struct edit *, int);
int		 edit_history_file(struct edit *, const char *, const char **);
void		 edit_attach(struct edit *, struct endpoint *);

/* editpeer.c */
int		 edit_readline(struct edit *, const char *, const char *, int,
		    const char *, const char **, const char **);
int		 edit_terminal(struct edit *, struct endpoint *,
		    struct channel *);
void		 edit_terminal_end(struct edit *);

/* tls.c */
struct tls;
struct tls_ctx;
struct tls_hs;
/* What a context is for (tls_ctx_new()). */
#define TLS_SERVER	0x1	/* a server's, else a client's */
#define TLS_DGRAM	0x2	/* DTLS, over datagrams */
/* A handshake is over: the TLS state, or NULL and a message to free. */
typedef void tls_done_cb(struct tls *, char *, void *);
int		 tls_available(void);
struct tls_ctx	*tls_ctx_new(const struct tls_conf *, int, char **);
int		 tls_ctx_reload(struct tls_ctx *, char **);
void		 tls_ctx_free(struct tls_ctx *);
#ifdef SC_DEBUG
void		 tls_ctx_taken(const struct tls_ctx *, int, size_t);
#else
#define tls_ctx_taken(tc, part, off)	((void)(tc))
#endif

/* tlsenv.c */
int		 tls_check_peer(const struct tls_conf *, struct tls *,
		    char **);
/* --secret: the TLS 1.3 key its code makes, and the name it is sent by. */
#define TLS_PSK_LEN		32
#define TLS_PSK_IDENTITY	"sockcat"

/* tls.c */
int		 tls_secret_key(const struct tls_conf *, unsigned char *,
		    char **);
int		 tls_secret_name(const struct tls_conf *, unsigned char *,
		    char **);

/* tlsconn.c */
struct tls_hs	*tls_handshake_start(struct tls_ctx *, struct tls *, int,
		    const char *, long long, tls_done_cb *, void *, char **);
void		 tls_handshake_cancel(struct tls_hs *);
int		 tls_dtls_listen(struct tls_ctx *, int, struct net_peer *,
		    struct tls **);
void		 tls_attach(struct endpoint *, struct tls *);
ssize_t		 tls_read(struct tls *, void *, size_t, int *);
ssize_t		 tls_write(struct tls *, const void *, size_t, int *);
int		 tls_close_notify(struct tls *);
const char	*tls_cut_why(struct tls *);
int		 tls_pending(struct tls *);
void		 tls_free(struct tls *);

/* tlsenv.c */
char		**tls_peer_env(struct tls *, const char *);

/*
 * socat's modes of a terminal: what its options say (rawer, sane, echo=,
 * icrnl, cs8, crdly=, min=, intr=, ...), each a change of one field of
 * its termios, made in the order they were written; then its speeds
 * (-1: as it is).  first is the first option's name, for a refusal.
 */
enum tty_field {
	TTY_IFLAG, TTY_OFLAG, TTY_CFLAG, TTY_LFLAG,	/* mask's bits */
	TTY_CC,			/* c_cc[mask] = bits */
	TTY_RAW,		/* socat's composites, each made when */
	TTY_RAWER,		/* bits is 1: raw, rawer, cfmakeraw(3) */
	TTY_CFMAKERAW,		/* and sane */
	TTY_SANE
};
#define TTY_OPS_MAX	32	/* an address's options, at most */
struct tty_op {
	unsigned int	 mask;
	unsigned int	 bits;
	unsigned char	 field;	/* enum tty_field */
};
struct tty_want {
	int		 nops;
	struct tty_op	 ops[TTY_OPS_MAX];
	const char	*first;
	long		 ispeed;	/* as device_is_speed() takes them */
	long		 ospeed;
};
#define TTY_AS_IS	((struct tty_want){ .ispeed = -1, .ospeed = -1 })

/* exec.c */

/*
 * Who a program runs as (socat's su=, su-d=, setuid=, setgid=): each
 * -1 when it is ours; ngroups -1 when the groups are ours.
 */
#define EXEC_GROUPS_MAX	64
struct exec_creds {
	uid_t		 uid;
	gid_t		 gid;
	int		 ngroups;
	gid_t		 groups[EXEC_GROUPS_MAX];
};
#define EXEC_CREDS_OURS	((struct exec_creds){ .uid = (uid_t)-1, \
			    .gid = (gid_t)-1, .ngroups = -1 })

/* A program to run for each connection, as -e or -c gave it. */
struct exec_cmd {
	const char	 *text;		/* As given, for messages. */
	const char	 *path;		/* What is executed (PATH lookup). */
	char		**argv;
	int		  pty;		/* --pty: on a terminal of its own */
	const struct tty_want *tty;	/* and that terminal's modes (the
					   side's), or NULL: as it is */
	int		  fdin;		/* its descriptors read from and */
	int		  fdout;	/* written to (0 and 1: socat's fdin=) */
	int		  errout;	/* its stderr into its output too */
	int		  setsid;	/* in a session of its own */
	int		  pgid;		/* else in this process group (0: its
					   own), unless -1 */
	int		  keep_in;	/* its stdin ours, no pipe: it is not */
	int		  keep_out;	/* written to; its stdout: not read */
	const char	 *chroot;	/* its root (socat's chroot=), or NULL */
	const char	 *search;	/* where it is looked for, and its PATH
					   (socat's path=); NULL: PATH's */
	struct exec_creds creds;	/* who it runs as */
	const char	 *env_prefix;	/* its variables of a datagram's
					   control messages: SOCKCAT_, ... */
	int		  env_peer;	/* and socat's own (SOCAT_PEERADDR,
					   ...), no SOCAT_OPENSSL_* inherited */
	unsigned int	  sigpass;	/* the signals passed on to it, each
					   1 << SIG* (exec_pass_signal()) */
};

/* What a child is told about its connection. */
struct exec_conn {
	int		 type;		/* SOCK_STREAM, SOCK_DGRAM */
	struct net_peer	 local;		/* len 0 when unknown */
	struct net_peer	 remote;
	char *const	*cgi;		/* a WebSocket request's variables */
	char *const	*extra;		/* more "NAME=value", or NULL (a TLS
					   peer's, tls_peer_env()) */
	const struct sock_anc *anc;	/* its first datagram's control
					   messages (socat's SOCAT_IP_TOS,
					   ...), or NULL */
	int		 on_fd;		/* 1: its stdin and stdout are fd,
					   the connection itself, no pipes
					   (socat's nofork) */
	int		 fd;
};

/* A running program; reaped by the event loop when it exits. */
struct child {
	pid_t			 pid;
	int			 in;	/* Our end of its stdin, until given. */
	int			 out;	/* Our end of its stdout, until given. */
	int			 exited;
	int			 status; /* wait(2) status once exited. */
	int			 released; /* Nobody waits for it any more. */
	int			 terminated; /* Told to end, by us. */
	unsigned int		 sigpass; /* exec_cmd's */
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
int		 exec_cmd_argv(struct exec_cmd *, const char *, char *const *,
		    char **);
void		 exec_cmd_free(struct exec_cmd *);
int		 exec_cmd_check(const struct exec_cmd *, char **);

/* execenv.c */
void		 exec_conn_socket(struct exec_conn *, int, int,
		    const struct net_peer *);
/* execenv.c: a program's environment, over what we inherited. */
char		**exec_environ(const struct exec_cmd *,
		    const struct exec_conn *, size_t *);
void		 exec_environ_free(char **, size_t);
char		*exec_env_var(const char *, const char *, const char *,
		    size_t);

/* exec.c */
struct child	*exec_spawn(const struct exec_cmd *, const struct exec_conn *,
		    char **);
struct endpoint	*exec_endpoint(struct session *, struct child *);
void		 exec_release(struct child *);
void		 exec_terminate(struct child *);
int		 exec_pass_signal(int);
int		 exec_status(const struct child *);
int		 exec_failed_said(const struct child *);

/*
 * c's session is over: what a program still running does from now on is
 * the doing of our end (its pipes closed, its terminal hung up), no
 * failure of its own (exec_failed_said()), as socat, gone by then, never
 * hears of it.  c may be NULL.  (Inline: every plain session's end.)
 */
static inline void
exec_session_over(struct child *c)
{
	if (c != NULL && !c->exited)
		c->terminated = 1;
}

/* pty.c */
struct pty {
	int		 master;
	int		 slave;
	char		 path[64];	/* /dev/pts/N */
};

/* A window-size announcement: IAC SB NAWS w w h h IAC SE. */
#define NAWS_LEN	9
/*
 * What the side that dialled says first when it is a --raw or a --pty
 * side, and what a --pty server answers it with: that it takes part in
 * window sizes (pty_exchange(), term_hello()).  A --raw side sends them
 * only to a peer that said it, never to a plain shell.  A private OSC,
 * which a terminal ignores.
 */
#define PTY_HELLO	"\033]1073;naws\007"
#define PTY_HELLO_LEN	(sizeof(PTY_HELLO) - 1)
struct naws {
	unsigned char	 held[NAWS_LEN]; /* The start of one, cut off. */
	size_t		 nheld;
};
int		 pty_open(struct pty *);
struct endpoint	*pty_endpoint(struct session *, struct child *);
void		 pty_exited(struct child *);
void		 pty_release(struct child *);
int		 pty_exchange(struct channel *, struct channel *, int);
void		 pty_naws_encode(unsigned char *, int, int);

/* device.c */
int		 device_has_speed(unsigned long);
int		 device_is_speed(unsigned long);
struct termios;
int		 tty_want_any(const struct tty_want *);
int		 tty_want_add(struct tty_want *, enum tty_field, unsigned int,
		    unsigned int, const char *);
const char	*tty_want_name(const struct tty_want *);
int		 tty_modes(struct termios *, const struct tty_want *);
int		 tty_modes_set(int, const struct tty_want *);
int		 tty_modes_apply(int, const struct tty_want *);
int		 serial_open(const char *, unsigned long, int, char **);
void		 serial_release(const char *);
int		 ptylink_open(const char *, const struct tty_want *, int *,
		    char *, size_t, char **);
void		 ptylink_release(const char *, int);
int		 ptylink_wait_slave(int, long long);
struct endpoint	*device_endpoint(struct session *, const char *, int);

/* term.c */
int		 term_start(struct channel *, struct channel *);
int		 term_hello(struct channel *, struct channel *);
void		 term_stop(struct channel *);
int		 term_escaped(const struct channel *);

/* fifo.c */
int		 fifo_open(const char *, char **);
struct endpoint	*fifo_in(struct session *);
/* stdio.c */
void		 stdio_init(void);
int		 stdio_tty_raw(int);
int		 stdio_tty_continued(void);
int		 stdio_tty_modes(const struct tty_want *);
void		 stdio_tty_unset(void);
/* socat's read options of a descriptor (stdio_reader_endpoint()). */
struct read_opts {
	int		 ignoreeof;	/* its end waited past, as tail -f */
	int		 escape;	/* this byte is an end; -1: none */
	int		 direct;	/* opened with O_DIRECT: read in
					   whole blocks (o-direct) */
};
struct endpoint	*stdio_reader_endpoint(struct session *, const char *, int,
		    const struct read_opts *);
struct endpoint	*stdio_in(struct session *, int);
struct endpoint	*stdio_out(struct session *);
void		 stdio_set_out_ops(const struct ep_ops *);
struct endpoint	*stdio_discard(struct session *);
int		 stdio_in_ended(void);
void		 stdio_set_in_ended(void);
uint64_t	 stdio_in_bytes(void);
int		 stdio_in_size(uint64_t *);

#endif /* SC_IO_H */
