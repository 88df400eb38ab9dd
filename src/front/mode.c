/*
 * The modes, one row each: its name, which command line it serves, and
 * which function of src/modes/ runs it; and which mode takes an address
 * pair, and how (mode_pair()).  A server mode opens with listen_open()
 * and serves with listener_run().
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* The facts of a command line that select a mode. */
#define MF_JOIN		0x1	/* two sides that open at once, joined */
#define MF_CHAT		0x2	/* --chat */
#define MF_LISTEN	0x4	/* the side served listens */
#define MF_FORWARD	0x8	/* --forward, or a pair's target */
#define MF_SCAN		0x10	/* -z */
#define MF_ROOM		0x20	/* --room */
#define MF_BROKER	0x40	/* --broker */
#define MF_PROXY	0x80	/* -l --proxy-type: the proxy server */
#define MF_RELAY	0x100	/* --relay */
/* The facts an address pair's own sides make: its mode is theirs. */
#define MF_SIDES	(MF_JOIN | MF_LISTEN | MF_FORWARD)

/*
 * Which of the MF_* facts hold in o.  An address pair whose served side is
 * no socket (or the halves of "R!!W") is joined with its peer by the
 * relay, both opened at once.
 */
static __startup int
mode_facts(const struct options *o)
{
	const struct side	*sd = o->sd;
	int			 joined = o->npair > 0 &&
	    (sd->kind != SIDE_SOCKET || sd->wside != NULL);

	return ((joined ? MF_JOIN : 0) | (o->chat ? MF_CHAT : 0) |
	    (sd->listen ? MF_LISTEN : 0) |
	    (o->fwd.n > 0 ? MF_FORWARD : 0) |
	    (o->zero ? MF_SCAN : 0) |
	    (o->room ? MF_ROOM : 0) | (o->broker ? MF_BROKER : 0) |
	    (o->proxy_serve ? MF_PROXY : 0) | (o->relay ? MF_RELAY : 0));
}

/*
 * The modes of sockcat's own (not netcat's) that run the whole command
 * line: each is selected by one fact (an option, or a condition of the
 * conflict table: "proxy-server"), takes no other mode and no near end
 * (others), and uses no option of unused.  cmdline-check.c refuses a command
 * line that names one of them with any of the rest, in one line, and the
 * completions learn from the same rows what excludes what.  netcat's own
 * modes refuse what they do not use by rows of the conflict table.
 */
#define MODE_SERVER_UNUSED						\
	"-t -i -W -N -q --no-shutdown --quit-after "			\
	"--half-close --pty --raw --retry --retry-interval "		\
	"--reconnect --on-connect -F -r --expect --send --script "	\
	"--replay "
/*
 * What the relay and the fan-out modes take besides: --delay and
 * --timestamp (the relay paces its pairs by --relay-limit, and logs none;
 * a fan-out joins no two ends), nor do the fan-out modes record.
 */
#define MODE_PAIRLESS_UNUSED	"--delay --timestamp " MODE_SERVER_UNUSED
#define MODE_FANOUT_UNUSED	"--record --fail-on-error "		\
	MODE_PAIRLESS_UNUSED
/* What only edits lines typed to a person: a chat's, a room's. */
#define MODE_NOT_TYPED_AT	"--readline --readline-history "
static const struct mode_rule mode_rules[] = {
	{ .fact = "--chat",
	  .others = "-e -c --fifo --broker --room proxy-server --forward",
	  .unused = "-t -W --delay --half-close --no-splice --pty -N -q "
	  "--no-shutdown --quit-after "
	  "--reconnect --on-connect -F -o --hex-dump --send-only "
	  "--recv-only --expect --send --script --timestamp --record "
	  "--replay" },
	/* The forwarder's, by why it takes none (the message says which). */
	{ .fact = "--forward",
	  .others = "-e -c --pty --fifo --broker --room --chat proxy-server",
	  .unused = "-C -t -W --half-close --on-connect --expect --send "
	  "--script --replay",
	  .why = "relays bytes unchanged, each way to its end" },
	{ .fact = "--forward",
	  .unused = "-d -q -N --no-shutdown --quit-after -i --send-only "
	  "--recv-only -F --raw bare-stamp " MODE_NOT_TYPED_AT,
	  .why = "reads no stdin and writes no stdout" },
	{ .fact = "--forward",
	  .unused = "-r --retry --retry-interval --reconnect",
	  .why = "tries each target once, in order or in turn" },
	{ .fact = "--room",
	  .others = "-e -c --fifo --broker --chat --forward proxy-server",
	  .unused = "-C --no-splice -o --hex-dump --monitor "
	  MODE_FANOUT_UNUSED },
	{ .fact = "--broker",
	  .others = "-e -c --fifo --room --chat --forward proxy-server",
	  .unused = "-C --no-splice -o --hex-dump " MODE_NOT_TYPED_AT
	  MODE_FANOUT_UNUSED },
	{ .fact = "--relay",
	  .others = "-e -c --fifo --broker --room --chat --forward "
	  "proxy-server",
	  .unused = "-C -d --send-only --recv-only -o --hex-dump "
	  MODE_NOT_TYPED_AT MODE_PAIRLESS_UNUSED,
	  .why = "pairs clients and sees nothing" },
	{ .fact = "proxy-server",
	  .others = "-e -c --fifo --broker --room --chat --forward",
	  .unused = "-C -d --send-only --recv-only bare-stamp "
	  MODE_NOT_TYPED_AT MODE_SERVER_UNUSED },
};

/* The rows above, for cmdline-check.c. */
__startup const struct mode_rule *
mode_rule_table(size_t *n)
{
	*n = nitems(mode_rules);
	return (mode_rules);
}

/*
 * socat's READLINE: edit stdin's lines as --readline does where stdin is
 * read and a terminal (else read as lines come, as socat's).
 */
static __startup void
mode_pair_readline(struct options *o, const struct side *near)
{
	if (!near->local.readline || !isatty(STDIN_FILENO) ||
	    pair_way(o, near) == -1)
		return;
	o->local.readline = 1;
	o->local.history = near->local.history;
	o->local.prompt = near->local.prompt;
	o->local.noecho = near->local.noecho;
	o->local.noprompt = near->local.noprompt;
}

/*
 * The ways socket a, with stdio or a program, carries under socat's -u
 * (first address to second) and -U: only read from, or only written to.
 */
static __startup void
mode_pair_ways(struct options *o, const struct side *a)
{
	if (pair_way(o, a) == 1) {
		o->flow.recv_only = 1;
		/*
		 * Nothing goes to a socket read alone, not even the end of
		 * stdin, which socat does not read: a peer that takes it as
		 * the end (a socat server's -t, a DTLS or TLS one told by a
		 * close_notify) would stop before its answer.  Nor is stdin
		 * read: it may be another's to read after us (a shell's
		 * loop), as socat leaves it.
		 */
		o->flow.shut_net = 0;
		o->flow.no_stdin = 1;
	} else if (o->socat_dir != 0)
		o->flow.send_only = 1;
}

/*
 * Give socket sd and near (stdio, a file, a program) to plain mode, as nc
 * runs them: a listener serves stdio clients in turn, programs at once.
 * stdin's end is a shutdown, but not to a WebSocket, whose close would
 * lose the answers on their way.
 */
static __startup void
mode_pair_plain(struct options *o, struct side *sd, struct side *near)
{
	o->near = near;
	/*
	 * A WebSocket server serves stdio or a program as -l --websocket
	 * does (a line per message each way, as --ws-binary says), not as
	 * a relay's bytes.
	 */
	if (sd->listen && sd->ws.on)
		sd->ws.binary = o->side.ws.binary;
	mode_pair_readline(o, near);
	/* Each client its own program, or the recording played afresh. */
	if (near->kind == SIDE_EXEC || near->kind == SIDE_REPLAY)
		sd->keep = sd->listen && !sd->once;
	if (near->kind != SIDE_EXEC) {
		if (!sd->ws.on)
			o->flow.shut_net = 1;
		/*
		 * fork: stdin and stdout (or a file) serve one client at a
		 * time, the next waiting in the backlog until this one has
		 * ended; more at once (max-children above 1) they cannot.
		 */
		if ((o->socat || sd->fork) && sd->listen && !sd->once) {
			if (sd->gate.full_wait && sd->gate.max_conns > 1)
				fatalx("%s: max-children=%d: standard input "
				    "and output serve one client at a time: "
				    "give max-children=1", sd->text,
				    sd->gate.max_conns);
			sd->keep = 1;
			/*
			 * A datagram listener's clients are its peers, each
			 * served until quiet for -T's time, as socat's child
			 * for a peer is; its place is then another's.
			 */
			if (sd->gate.full_wait &&
			    sd->sock.socktype == SOCK_DGRAM &&
			    o->flow.idle_ms != TIME_NONE) {
				sd->gate.idle_ms = o->flow.idle_ms;
				o->flow.idle_ms = TIME_NONE;
			}
		}
	}
	mode_pair_ways(o, sd);
}

/*
 * Give socket a and its other side b to the forwarder: b is opened for
 * each client of a listener (a device lent to one at a time), or joined
 * once with a dialled a or a second listener's first client.
 */
static __startup void
mode_pair_forward(struct options *o, struct side *a, struct side *b)
{
	a->keep = a->listen && !b->listen && !a->once;
	/* Many connections: each WebSocket message compressed afresh. */
	a->ws.fresh = 1;
	b->ws.fresh = 1;
	/* Its one target, the pair's own side (main_free() leaves it). */
	o->fwd.n = 1;
	o->fwd.sides = b;
	o->fwd.targets = (char **)&b->text;
}

/*
 * Give an address pair's socket a and its other side b to the mode that
 * joins them (pair_build()): plain mode where b is opened for each
 * session beside it, the forwarder where b is a socket or a device; a
 * line (a serial line, a pty) and its other side are the relay's
 * (mode_facts()).  Under socat's -u and -U the forwarder and the relay
 * skip a way as a's own flow says: --send-only, a only read, or
 * --recv-only, a only written (plain mode's say it of stdio's).
 */
__startup void
mode_pair(struct options *o, struct side *a, struct side *b)
{
	int	 plain;

	plain = !side_is_line(a) && pair_kind(b)->place == PLACE_NEAR;
	if (!plain && o->socat_dir != 0) {
		if (pair_way(o, a) == 1)
			o->flow.send_only = 1;
		else
			o->flow.recv_only = 1;
	}
	if (side_is_line(a))
		return;
	if (plain)
		mode_pair_plain(o, a, b);
	else
		mode_pair_forward(o, a, b);
	a->say_refused = 1;
	step_served(o, a, b);
}

/*
 * What a mode makes of --workers: a server of many clients at once may
 * run in several processes (always, with -k, or with -k and a program
 * for each client), or not; or it holds what must be one, said in the
 * refusal.
 */
#define MW_NONE		0
#define MW_MANY		1
#define MW_KEEP		2
#define MW_PROGRAMS	3

/* The first row whose facts all hold is the mode. */
static const struct mode {
	const char	*name;
	int		 facts;		/* MF_* */
	int		(*run)(const struct job *);
	int		 workers;	/* MW_* */
	const char	*one;		/* --workers: what is one */
} modes[] = {
	{ "join",		MF_JOIN,		join_run,
	  MW_NONE, NULL },
	{ "relay",		MF_RELAY,		relay_listen,
	  MW_NONE,
	  "the relay pairs the clients it holds in one process" },
	{ "chat listener",	MF_CHAT | MF_LISTEN,	chat_listen,
	  MW_NONE, NULL },
	{ "chat",		MF_CHAT,		chat_connect,
	  MW_NONE, NULL },
	{ "forward",		MF_FORWARD,		forward_listen,
	  MW_KEEP, NULL },
	{ "scan",		MF_SCAN,		scan_ports,
	  MW_NONE, NULL },
	{ "room",		MF_ROOM,		room_listen,
	  MW_NONE,
	  "a room's members are held in one process" },
	{ "broker",		MF_BROKER,		broker_listen,
	  MW_NONE,
	  "a broker's clients are held in one process" },
	{ "proxy server",	MF_PROXY,		proxyd_listen,
	  MW_MANY, NULL },
	{ "listener",		MF_LISTEN,		plain_listen,
	  MW_PROGRAMS, NULL },
	{ "client",		0,			plain_connect,
	  MW_NONE, NULL },
};

/* Exit with the line for --workers where the mode serves one at a time. */
static __startup __dead void
mode_one_worker(void)
{
	fatalx("--workers is for a server of many TCP clients at once: -lk "
	    "with -e, -c or --forward, or a proxy server");
}

/*
 * --workers N: allowed only for a server of many TCP clients that keeps no
 * state in one process.  Exits with one line otherwise.
 */
static __startup void
mode_workers(struct options *o, const struct mode *m)
{
	struct side		*sd = o->sd;
	const char		*one = NULL;

	if (sd->sock.workers <= 1)
		return;
	if (m->one != NULL)
		fatalx("--workers: %s", m->one);
	/* Many clients at once, each in one process, on a TCP port. */
	if (m->workers == MW_NONE || (m->workers != MW_MANY && !sd->keep) ||
	    (m->workers == MW_PROGRAMS && o->near->kind != SIDE_EXEC))
		mode_one_worker();
	if (!sd->listen || sd->sock.listen_fd != -1 || sd->sock.vsock)
		mode_one_worker();
	if (sd->sock.socktype != SOCK_STREAM || sd->sock.family == AF_UNIX)
		mode_one_worker();
	if (sd->gate.max_conns > 0)
		one = "--max-conns (max-children=) counts the clients of one "
		    "process";
	else if (auth_on(&sd->auth) || (o->proxy_serve &&
	    sd->proxy.user != NULL))
		one = "--auth and --proxy-auth count wrong passwords in one "
		    "process";
	else if (o->flow.record != NULL)
		one = "--record numbers the sessions of one process";
	else if (o->progress != PROGRESS_NEVER)
		one = "--progress draws one process's line";
	if (one != NULL)
		fatalx("--workers: %s", one);
	sd->sock.reuseport = 1;
}

/* What TLS with a wss:// relay is (--via): its certificate checked. */
static struct tls_conf	 mode_relay_tls = { .on = 1, .verify = 1,
	.verify_way = " (a wss:// relay's certificate must be one the "
	"system trusts)" };

/* Make sd's TLS context if it speaks TLS; exits with one line on failure. */
static __startup void
mode_tls(struct side *sd)
{
	char	*cause;
	int	 flags = (sd->listen ? TLS_SERVER : 0) |
	    (sd->sock.socktype == SOCK_DGRAM ? TLS_DGRAM : 0);

	if (!sd->tls.on || sd->tls.ctx != NULL)
		return;
	/*
	 * --via: the relay's pairing says which of the two this side is;
	 * with wss://, the relay's own TLS, its certificate checked.
	 */
	if ((sd->tls.ctx = tls_ctx_new(&sd->tls, flags, &cause)) == NULL ||
	    (sd->via.on && (sd->via.srv_ctx = tls_ctx_new(&sd->tls,
	    flags | TLS_SERVER, &cause)) == NULL) ||
	    (sd->via.wss && (sd->via.ws_ctx = tls_ctx_new(&mode_relay_tls, 0,
	    &cause)) == NULL))
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/* Run the mode the command line asks for.  Returns the exit status. */
__startup int
mode_run(struct options *o)
{
	struct job		 j = {
		.side = o->sd,
		.near = o->near,
		.flow = &o->flow,
		.local = &o->local,
		.fwd = &o->fwd,
		.stall_ms = o->stall_ms,
		.stats = o->stats,
		.relay = &o->relay_conf,
		.run = o->run,
	};
	size_t	 i;
	int	 facts = mode_facts(o);

	for (i = 0; i < nitems(modes) - 1; i++) {
		if ((modes[i].facts & facts) == modes[i].facts)
			break;
	}
	/* An option that makes a pair another mode would drop a side. */
	if (o->npair > 0 && (modes[i].facts & ~MF_SIDES) != 0)
		fatalx("%s %s: an address pair is joined as its addresses say, "
		    "not made a %s", o->pair[0].text, o->pair[1].text,
		    modes[i].name);
	mode_workers(o, &modes[i]);
	/*
	 * Asked here, not by log_verbose(): an idle server runs only
	 * start-up code (see "The idle footprint" in doc/design.md).
	 */
	if (o->verbose >= 2)
		log_verbose(2, "mode: %s", modes[i].name);
	if (!o->zero)
		mode_tls(o->sd);
	if (facts & MF_JOIN)
		j.peer = o->peer;
	/* The command line read, checked and made ready: the audit's start. */
	opt_audit_arm(o);
	return (modes[i].run(&j));
}
