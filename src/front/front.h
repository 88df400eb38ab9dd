/*
 * The front layer: start-up, the command line and its option table, the mode table,
 * --stats and --progress.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	10
#endif
#if SC_LAYER < 10
#error "a lower layer includes front/front.h: pass a hook down instead"
#endif

#ifndef SC_FRONT_H
#define SC_FRONT_H

#include "modes/modes.h"

/* When --progress draws its line, in its row's words' order. */
enum {
	PROGRESS_AUTO,		/* only when stderr is a terminal */
	PROGRESS_ALWAYS,
	PROGRESS_NEVER,
};

/* --relay's defaults, and --via's wait for the other side without -w. */
#define RELAY_WAIT_MS		(10 * 60 * 1000)
#define RELAY_PER_ADDR		16

#define OPT_ROWS_MAX	256	/* rows of the option table, at most */

/*
 * What a command line asks for, filled once by cmdline.c, then read-only.
 * The modes are given its parts in a struct job (mode.c), each layer
 * below the part it reads.
 */
struct options {
	struct side	 side;		/* the connection of the command line:
					   every side's defaults */
	struct side	 near_own;	/* its near end: stdin and stdout (or
					   --fifo's), or -e's, -c's program */
	struct side	*sd;		/* the side served: side, or one of
					   pair */
	struct side	*near;		/* its near end: near_own, or a pair's
					   near side */
	struct side	*peer;		/* the side joined with sd: a pair's
					   other, or NULL */
	struct flow	 flow;
	struct local	 local;
	struct fwd_conf	 fwd;
	int		 verbose;	/* -v, counted */
	int		 zero;		/* -z: scan, move no data */
	int		 randomize;	/* -r */
	int		 broker;	/* --broker: relay among clients */
	int		 room;		/* --room: chat server */
	long long	 stall_ms;	/* --write-timeout, TIME_NONE: default */
	int		 chat;		/* --chat, or invoked as sockchat */
	int		 stats;		/* --stats, or -vv */
	int		 progress;	/* --progress: a PROGRESS_* value */
	const char	*output;	/* -o: raw session log */
	const char	*hex_dump;	/* --hex-dump */
	int		 append_output;	/* --append-output */
	struct runtime	*run;		/* what changes: not configuration */
	int		 proxy_serve;	/* -l --proxy-type: be the proxy */
	int		 print_psk;	/* --print-psk */
	int		 relay;		/* --relay: pair --via clients */
	struct relay_conf relay_conf;	/* its limits */
	struct front_conf front;	/* --trust-front: side.front then
					   points here */
	const char	*via;		/* --via: the relay, HOST[:PORT] */
	char		*passed_host;	/* a passed socket's address, ours */
	struct side	 pair[2];	/* ADDRESS ADDRESS, each read once */
	int		 npair;
	int		 pair_ws;	/* one of them is ws:// or ws-l:
					   (PAIR_WS), or wss:// (PAIR_WSS) */
	int		 pair_listen;	/* one of them listens (tcp-l:, ...) */
	int		 socat;		/* read as socat's command line, in its
					   grammar (socat.c); side.dialect
					   says what that does */
	int		 socat_dir;	/* as socat, -u: 1, -U: -1; 0: both */
	long long	 socat_quit_ms;	/* as socat, -t; SOCAT_QUIT_MS unless
					   given */
	int		 socat_dump;	/* -v, -x: DUMP_SOCAT_* */
	const char	*socat_ltor;	/* -r: what goes first to second */
	const char	*socat_rtol;	/* -R: what goes second to first */
	int		 socat_rx_ltor;	/* what the modes receive goes first to
					   second */
	int		 socat_locked;	/* -L, -W: a lock file, removed at exit */
	struct script	 script;	/* --expect, --send, --script's steps */
	int		 expects;	/* --expect, counted */
	int		 sends;		/* --send, counted */
	const char	*script_file;	/* --script */
	int		 timestamp;	/* --timestamp */
	struct stamp	 stamp;		/* and its format */
	const char	*replay;	/* --replay FILE[,OPTIONS] */
	char		*replay_text;	/* as an address: "replay:FILE..." */
	struct side	 replay_side;	/* its side: the near end */
	unsigned char	 given[OPT_ROWS_MAX / 8]; /* the rows of the options
					   the command line set, a bit each */
};

/* socat's -t when it is not given, in milliseconds. */
#define SOCAT_QUIT_MS		500

/* pair_glance(): a pair's WebSocket side, and one over TLS. */
#define PAIR_WS		1
#define PAIR_WSS	2

/* What a refusal of socat's form under sockcat's own name adds. */
#define SOCAT_NAME_HINT	\
	"socat's command line runs under the name socat (a link to sockcat)"

/* Port used by --chat when none is given. */
#define CHAT_DEFAULT_PORT	"5000"

/* stats.c */
void		 stats_init(const struct options *);
void		 stats_end(int);
void		 stats_report(void);

/* mode.c */
/*
 * A mode of sockcat's own: the fact that selects it, the modes and near
 * ends it takes none of (others), the options it does not use (unused),
 * and what it is, for the message (NULL: "is a mode of its own").
 */
struct mode_rule {
	const char	*fact;
	const char	*others;
	const char	*unused;
	const char	*why;
};
const struct mode_rule *mode_rule_table(size_t *);
int		 mode_run(struct options *);
void		 mode_pair(struct options *, struct side *, struct side *);

/* cmdline.c */
/* What the parser keeps besides struct options while it reads argv. */
struct cmdline {
	struct options	*o;
	const char	*proxy[PROXY_HOPS_MAX]; /* -x, each parsed after
					   every option */
	size_t		 nproxy;
	int		 by_long;	/* given by its long name */
	int		 proxy_type;	/* --proxy-type: -l is a proxy */
	int		 proxy_letter;	/* -X: -x's protocol, no server's */
	int		 auth_nopass;	/* --proxy-auth without a password */
	int		 listen_fd;	/* --listen-fd was given */
	int		 proxy_own;	/* --proxy or a proxy URL: no nc -x */
	int		 pair;		/* ADDRESS ADDRESS: sockcat's own form */
	struct options	*facts;		/* a pair's options as step_modes()
					   saw them, for pair_build() */
	int		 socat_form;	/* a word written as socat's (an
					   address in its capitals) */
	int		 secret_bare;	/* --secret without its code */
	enum {
		CL_RUN,
		CL_HELP,		/* -h: the usage, then exit */
		CL_DUMP,		/* --dump-options: the table, exit */
		CL_DUMP_MODES,		/* --dump-modes: the modes' rules */
		CL_DUMP_TOPICS,		/* --dump-topics: the topics */
	}		 action;	/* what the parser does next */
};
void		 cmdline_parse(struct options *, struct runtime *, int,
		    char **);

/* socat.c */
int		 socat_cmdline(struct cmdline *, int, char **);
void		 socat_lock(const char *, int);

/* opttab.c */
/* How an option fills its field of struct options. */
enum opt_kind {
	OPTK_CUSTOM,		/* its own function, optdef.set */
	OPTK_FLAG,		/* the field is set to value (1 if 0) */
	OPTK_COUNT,		/* the field counts the times given */
	OPTK_TIME,		/* a time of lo to hi seconds, in ms */
	OPTK_NUMBER,		/* a number from lo to hi */
	OPTK_STRING,		/* the argument itself */
	OPTK_WORD,		/* lo plus the argument's place in words (no
				   argument: the first) */
};

/* The --help group an option is listed in. */
enum opt_group {
	OPTG_HIDDEN,		/* not listed, not completed */
	OPTG_CONN,		/* Connection */
	OPTG_DATA,		/* Data and end of file */
	OPTG_PROG,		/* Programs, FIFOs, chat and servers */
	OPTG_PROXY,		/* Proxies and TLS */
	OPTG_SOCK,		/* Socket options */
	OPTG_INFO,		/* Information */
};

/*
 * The topic an option belongs to: the page of the manual that documents
 * it and "sockcat --help TOPIC" (the rows of opt_topics()).  Every row
 * a user sees has one; OPTT_NONE is only the hidden rows'.
 */
enum opt_topic {
	OPTT_NONE,
	OPTT_CORE,		/* nc's: sockcat(1) */
	OPTT_ADDRESSES,		/* sockcat-addresses(7) */
	OPTT_SERVERS,		/* sockcat-servers(7) */
	OPTT_WEBSOCKET,		/* sockcat-websocket(7) */
	OPTT_TLS,		/* sockcat-tls(7) */
	OPTT_TERMINAL,		/* sockcat-terminal(7) */
	OPTT_SOCAT,		/* sockcat-socat(7) */
	OPTT_SESSIONS,		/* sockcat-sessions(7) */
};

/* A topic: its one word, its page's NAME line, --help TOPIC's forms. */
struct opttopic {
	const char	*name;		/* "websocket" */
	const char	*summary;	/* one line, the page's .Nd */
	const char	*forms;		/* lines before its options, or NULL */
};

/* What a shell offers for an option's argument. */
enum opt_comp {
	OPTC_NONE,		/* nothing: the user types it */
	OPTC_WORDS,		/* optdef.words */
	OPTC_TOS,		/* the -T keywords, parse_tos_name() */
	OPTC_FILE,
	OPTC_DIR,		/* a directory */
	OPTC_HOST,
	OPTC_COMMAND,
	OPTC_PORT,
	OPTC_USER,
	OPTC_TOPIC,		/* -h: the topics, opt_topics() */
};

/*
 * What of an option's argument is a secret, blanked in argv once the
 * row's function has read it (opt_hide()): every user can read a
 * command line.  A row that hides keeps a copy, never argv's own bytes.
 */
enum opt_hide {
	OPTH_NONE,
	OPTH_ALL,		/* the whole argument: a token, a code */
	OPTH_PASSWORD,		/* after its first ':': USER:PASSWORD */
	OPTH_ADDRESS,		/* an address's or a URL's secrets
				   (addr_hide_secret()) */
	OPTH_HEADER,		/* a header's value, when its name is one
				   that carries credentials */
};

/* A flag another option also turns on. */
enum opt_also {
	OPTA_NONE,
	OPTA_SSL,		/* every --ssl-* option: --ssl */
	OPTA_FWD_SSL,		/* every --forward-ssl-* option */
};

/* What a custom row does with its argument (optdef.set). */
struct optdef;
typedef void opt_set_fn(struct cmdline *, const struct optdef *, char *);

/*
 * One option: a row of the table in opttab.c.  The pointers come first,
 * then the wide numbers, then the small ones, each as narrow as its
 * values allow: every start relocates the table's pointers and so holds
 * its pages in memory, and narrow fields keep them few.
 */
struct optdef {
	const char	*name;		/* long option, or NULL */
	const char	*arg;		/* argument's name, NULL: takes none */
	const char	*help;		/* its --help line */
	const char	*what;		/* its name in netcat's messages */
	opt_set_fn	*set;
	const char	*words;		/* OPTC_WORDS, space-separated */
	int		(*on)(const struct options *, const struct optdef *);
					/* in effect, where no field says */
	const char	*line;		/* --help line's text, if not help */
	long long	 value;		/* OPTK_FLAG's value; a custom's own */
	long long	 lo, hi;	/* OPTK_TIME, OPTK_NUMBER bounds */
	unsigned short	 field;		/* offsetof(struct options, ...) */
	unsigned char	 size;		/* the field's size: int, long long;
					   0: the row names no field */
	unsigned char	 letter;	/* short option, or 0 */
	unsigned char	 has_arg;	/* optional_argument, else from arg */
	unsigned char	 group;		/* enum opt_group */
	unsigned char	 topic;		/* enum opt_topic */
	unsigned char	 kind;		/* enum opt_kind */
	unsigned char	 also;		/* enum opt_also */
	unsigned char	 hide;		/* enum opt_hide */
	unsigned char	 comp;		/* enum opt_comp */
	unsigned char	 repeat;	/* each time given adds one more */
	unsigned char	 exits;		/* prints something and exits */
	unsigned char	 joins;		/* --help shows it on the line of the
					   row before, whose line says both */
	unsigned char	 selects;	/* it only selects a mode: no path
					   reads it (the audit, optaudit.c) */
	unsigned char	 oneline;	/* its argument goes into a protocol's
					   line: no control characters */
#ifdef SC_DEBUG
	const char	*is;		/* its address option's name, where
					   its row is addr-opts.h's */
	unsigned char	 taken_part;	/* TAKEN_* + 1 where a path marks it
					   other than at its field (TAKES()) */
	unsigned char	 taken_size;
	unsigned short	 taken_off;
#endif
};
/*
 * A row whose field is not what the paths read (the front makes that of
 * it): where they mark it instead, a field f of type in part TAKEN_p.
 */
#ifdef SC_DEBUG
#define TAKES(p, type, f)	.taken_part = TAKEN_##p + 1,		\
				.taken_off = offsetof(type, f),		\
				.taken_size = sizeof(((type *)0)->f),
#else
#define TAKES(p, type, f)
#endif
const struct optdef *opt_table(size_t *);
const struct optdef *opt_named(const char *);
const struct opttopic *opt_topics(size_t *);
const struct opttopic *opt_topic_find(const char *);
void		 opt_topic_page(enum opt_topic, char *, size_t, int *);
void		 opt_defaults(struct options *);
int		 opt_on(const struct options *, const struct optdef *);
void		 opt_apply(struct cmdline *, const struct optdef *, char *);
long long	 opt_number(const char *, const char *, long long, long long);
long long	 opt_time_value(const char *, const char *, long long,
		    long long);

/* optset.c: the rows' own functions, and what blanks a secret in argv */
void		 opt_hide(const struct optdef *, char *);
void		 opt_list_add(char ***, size_t *, char *);
void		 opt_port_check(const char *, const char *, int);
opt_set_fn	 opt_md5sig, opt_tos, opt_rtable, opt_proxy, opt_listen_fd,
		 opt_source_port,
		 opt_proxy_type, opt_proxy_user, opt_proxy_auth,
		 opt_mcast_loop, opt_gate, opt_auth, opt_retry,
		 opt_reconnect, opt_retry_interval, opt_keepalive,
		 opt_ssl_pin, opt_secret, opt_secret_file,
		 opt_forward, opt_forward_file, opt_send_proxy, opt_ws_list,
		 opt_ws_header, opt_relay_limit, opt_trust_front, opt_step,
		 opt_action, opt_version, opt_script, opt_timestamp,
		 opt_record, opt_workers;
void		 opt_replay_setup(struct side *, const struct side *);

/* optaudit.c */
#ifdef SC_DEBUG
void		 opt_audit_arm(const struct options *);
int		 opt_audit(int);
#else
#define opt_audit_arm(o)	((void)(o))
#define opt_audit(status)	(status)
#endif
/* Debug builds: the front applies a field of struct options itself. */
#define OPTIONS_TAKEN(f)	TAKEN(TAKEN_OPTIONS, struct options, f)

/* cmdline-check.c */
/*
 * What a program in stdin and stdout's place (-e, -c, an address's) takes
 * none of: its ends are its own.
 */
#define PROGRAM_UNUSED	"-d -q --send-only --recv-only --quit-after "	\
			    "--half-close"
#define PROGRAM_WHY	"in stdin and stdout's place and ends as it does"
void		 cmdline_check(struct cmdline *);
int		 cmdline_conflicts_valid(void);
void		 cmdline_excludes(const struct optdef *);
void		 cmdline_dump_modes(void);
int		 cmdline_facts_any(const struct options *, const char *);
void		 cmdline_refuse_facts(const struct options *, const char *,
		    const char *, const char *);
void		 cmdline_refuse_mode(const struct options *, const char *,
		    const char *);

/* cmdline-steps.c */
void		 step_quit(struct cmdline *);
void		 step_proxy(struct cmdline *);
void		 step_vsock(struct cmdline *);
void		 step_retry(struct cmdline *);
void		 step_last(struct cmdline *);
void		 step_served(const struct options *, struct side *,
		    const struct side *);
void		 step_proxy_free(struct proxy_conf *);
void		 record_many_check(const struct options *);

/* secret.c */
char		*secret_env_take(const char *);
void		 secret_find(struct cmdline *);
__dead void	 secret_print_psk(struct cmdline *);
void		 secret_warn(void);

/*
 * Is the one operand where a client's URL or address may stand: nops 1,
 * without -l, --chat or -U?  (Inline: a plain client runs few functions.)
 */
static inline int
pair_one_operand(const struct options *o, int nops)
{
	return (nops == 1 && !o->side.listen && !o->chat &&
	    o->side.sock.family != AF_UNIX);
}

/*
 * Does each client (each datagram peer) of socket sd get a near end of its
 * own: a program, or a recording played afresh?  Inline: the plain client
 * runs few functions.
 */
static inline int
near_each(const struct side *sd, const struct side *near)
{
	return (sd->keep && (near->kind == SIDE_EXEC ||
	    near->kind == SIDE_REPLAY));
}

/* pair-local.c: what each kind of side is to a pair (pair_kind()) */
enum pair_place { PLACE_SOCKET, PLACE_LINE, PLACE_NEAR };
struct pair_kind {
	enum pair_place	 place;
	int		 near;	/* opened for each session beside a socket */
	int		 local;	/* one the relay opens beside another */
};
const struct pair_kind *pair_kind(const struct side *);
int		 pair_local_mode(struct options *);

/* pair.c */
int		 pair_is(const struct options *, int, char **);
void		 pair_glance(struct options *, int, char **);
void		 pair_build(struct cmdline *, int, char **);

/*
 * As socat's -u and -U say of pair side sd: 1 only read, -1 only written,
 * 0 both.  Inline: read where the pair is made and where its mode is.
 */
static inline int
pair_way(const struct options *o, const struct side *sd)
{
	return (sd == &o->pair[0] ? o->socat_dir : -o->socat_dir);
}

#endif /* SC_FRONT_H */
