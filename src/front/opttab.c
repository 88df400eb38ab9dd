/*
 * The option table, one row per option (spelling, argument, --help line,
 * manual topic, field, completion), and the topics' table: cmdline.c makes
 * getopt's arguments, --help and the dump for completions and manual from
 * them.  The functions here store a row's value and say if its option is
 * in effect; custom setters are optset.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front.h"

/* Where a row's value goes: the field's offset and size. */
#define FIELD(f)	.field = offsetof(struct options, f),		\
			.size = sizeof(((struct options *)0)->f)
_Static_assert(sizeof(struct options) <= USHRT_MAX,
    "optdef.field holds an offset into struct options");

/* -e, -c: the program.  Exits if the other form was given. */
static void
opt_exec(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;

	if (o->local.exec != NULL && o->local.exec_shell != d->value)
		fatalx("cannot use -e and -c");
	o->local.exec = arg;
	o->local.exec_shell = d->value;
}

/* -e, -c: in effect when the program is of this row's form. */
static __startup int
on_exec(const struct options *o, const struct optdef *d)
{
	return (o->local.exec != NULL && o->local.exec_shell == d->value);
}

/* --allow, --deny and their files: in effect if the one list has a rule. */
static __startup int
on_gate(const struct options *o, __unused const struct optdef *d)
{
	return (!TAILQ_EMPTY(&o->side.gate.rules));
}

/* --auth and --auth-file: when there is a user; --auth-token: a token. */
static __startup int
on_auth(const struct options *o, const struct optdef *d)
{
	if (d->value == 2)
		return (o->side.auth.token != NULL);
	return (o->side.auth.nusers > 0);
}

/* -q, as Debian's: negative is never; else also shut down at stdin EOF. */
static void
opt_quit(struct cmdline *cl, __unused const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;

	o->flow.quit_ms = opt_time_value("quit timer", arg, INT_MIN, INT_MAX);
	if (o->flow.quit_ms < 0)
		o->flow.quit_ms = TIME_NONE;
}

/*
 * The options an address may carry too are rows of codec/addr-opts.h, a
 * macro each (OPT_NODELAY(X)): X(its address spelling, ..., what it sets,
 * then its command-line spelling as the optdef's initializers).  Their
 * place in --help is where this table calls them, with OPTCLI: the
 * field is the member of struct side that the address's option sets.
 */
#define OPT(name, is, type, needs, set)
#define OPTCL(name, is, type, needs, set, ...)
#include "codec/addr-opts.h"
#undef OPTCL
#undef OPT
#define F(m, how)	FIELD(side.m),
#define S(fn)
#ifdef SC_DEBUG
#define OPTCLI(name, is_, type, needs, set, ...)	\
	{ set __VA_ARGS__, .is = is_ }
#else
#define OPTCLI(name, is_, type, needs, set, ...)	{ set __VA_ARGS__ }
#endif

/*
 * Every option, in --help's order.  A row with a kind other than
 * OPTK_CUSTOM needs no code here: the parser stores its value.  A row
 * also says whether its option is in effect, for the conflict rows in
 * cmdline-check.c and the completions (opt_on()): a flag by its value in its
 * field, any other row with a field by the field's differing from its
 * default (so a custom row names the field its function sets, where
 * there is one), and the rest by their own function, optdef.on.
 */
static const struct optdef optdefs[] = {
	/* Connection. */
	{ .letter = '4', .name = "ipv4", .group = OPTG_CONN,
	  .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(side.sock.family), .value = AF_INET,
	  .help = "IPv4 only" },
	{ .letter = '6', .name = "ipv6", .group = OPTG_CONN,
	  .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(side.sock.family), .value = AF_INET6,
	  .help = "IPv6 only" },
	{ .letter = 'l', .name = "listen", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(side.listen),
	  .help = "listen for a connection" },
	{ .letter = 'k', .name = "keep-open", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(side.keep),
	  .help = "with -l, go on listening (with -u: every peer)" },
	{ .letter = 'u', .name = "udp", .group = OPTG_CONN, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(side.sock.socktype), .value = SOCK_DGRAM,
	  .help = "UDP (with -U: Unix datagram sockets)" },
	{ .letter = 'U', .name = "unixsock", .group = OPTG_CONN,
	  .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(side.sock.family), .value = AF_UNIX,
	  .help = "Unix-domain socket: a path, or @name" },
	{ .letter = 'n', .name = "nodns", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(side.sock.numeric),
	  .help = "no name or service lookups" },
	{ .letter = 'p', .name = "source-port", .arg = "PORT",
	  .group = OPTG_CONN, .set = opt_source_port,
	  FIELD(side.sock.source_port),
	  .topic = OPTT_CORE,
	  .comp = OPTC_PORT, .help = "local port (to listen on, with -l)" },
	{ .letter = 's', .name = "source", .arg = "ADDRESS",
	  .group = OPTG_CONN, .kind = OPTK_STRING, FIELD(side.sock.source),
	  .topic = OPTT_CORE, .comp = OPTC_HOST,
	  .help = "local address (with -uU: our own socket's path)" },
	{ .letter = 'z', .name = "zero", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(zero), .selects = 1,
	  .help = "scan: report which ports accept, send nothing" },
	{ .letter = 'r', .name = "randomize", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(randomize),
	  .help = "ports in random order" },
	{ .letter = 'i', .name = "interval", .arg = "INTERVAL",
	  .group = OPTG_CONN, .kind = OPTK_TIME, FIELD(flow.interval_ms),
	  .topic = OPTT_CORE, .lo = 0, .hi = UINT_MAX, .what = "interval",
	  .help = "pause after each line sent, and between ports" },
	OPT_RETRY(OPTCLI),
	{ .name = "retry-interval", .arg = "TIME", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .set = opt_retry_interval, FIELD(side.retry_ms),
	  .help = "pause between tries (default 1s)" },
	{ .name = "reconnect", .arg = "MAX", .has_arg = optional_argument,
	  .group = OPTG_CONN, .set = opt_reconnect, FIELD(side.reconnect),
	  .topic = OPTT_CORE,
	  .help = "dial again each time the connection ends, MAX times" },
	{ .name = "on-connect", .arg = "TEXT|@FILE", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_STRING, FIELD(flow.on_connect),
	  .help = "send TEXT and a newline first, or FILE's bytes" },
	{ .name = "listen-fd", .arg = "FD", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .set = opt_listen_fd, FIELD(side.sock.listen_fd),
	  .help = "with -l: serve this inherited listening socket" },
	{ .name = "mptcp", .group = OPTG_CONN, .kind = OPTK_FLAG,
	  .topic = OPTT_CORE,
	  FIELD(side.sock.mptcp), .help = "Multipath TCP (falls back to TCP)" },
	{ .name = "vsock", .group = OPTG_CONN, .kind = OPTK_FLAG,
	  .topic = OPTT_CORE,
	  FIELD(side.sock.vsock), .help = "VSOCK: the host is a CID (VM and host)" },
	{ .letter = 'F', .name = "pass-fd", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(flow.fdpass),
	  .help = "pass the connected socket on stdout and exit" },
	{ .letter = 'Z', .name = "dccp", .group = OPTG_CONN,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(side.sock.dccp),
	  .help = "DCCP (where the system has it)" },
	{ .letter = 'V', .name = "rtable", .arg = "RTABLE",
	  .group = OPTG_CONN, .topic = OPTT_CORE, .set = opt_rtable,
	  .help = "alternate routing table (not on this system)" },

	/* Data and end of file. */
	{ .letter = 'C', .name = "crlf", .group = OPTG_DATA,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(flow.crlf),
	  .help = "send line feeds from stdin as CRLF" },
	{ .letter = 'd', .name = "no-stdin", .group = OPTG_DATA,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(flow.no_stdin),
	  .help = "do not read stdin" },
	{ .name = "send-only", .group = OPTG_DATA, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(flow.send_only),
	  .line = "only send, quit at EOF; or only receive",
	  .help = "only send; ignore what comes back, quit at EOF" },
	{ .name = "recv-only", .group = OPTG_DATA, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(flow.recv_only), .joins = 1,
	  .help = "only receive; never read stdin" },
	{ .letter = 't', .name = "telnet", .group = OPTG_DATA,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(flow.telnet),
	  .help = "refuse the peer's telnet option negotiations" },
	{ .letter = 'W', .name = "recv-limit", .arg = "RECVLIMIT",
	  .group = OPTG_DATA, .kind = OPTK_NUMBER, FIELD(flow.recv_limit),
	  .topic = OPTT_CORE, .lo = 1, .hi = INT_MAX, .what = "receive limit",
	  .help = "end after RECVLIMIT reads from the network" },
	{ .name = "delay", .arg = "TIME", .group = OPTG_DATA,
	  .topic = OPTT_CORE,
	  .kind = OPTK_TIME, FIELD(flow.delay_ms), .lo = 0, .hi = INT_MAX / 1000,
	  .what = "delay", .help = "pause after each write, both directions" },
	{ .letter = 'N', .name = "shutdown", .group = OPTG_DATA,
	  .topic = OPTT_CORE, .kind = OPTK_FLAG, FIELD(flow.shut_net),
	  .help = "at stdin EOF, shut down the socket's sending side" },
	{ .name = "no-shutdown", .group = OPTG_DATA, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(flow.no_shutdown),
	  TAKES(FLOW, struct flow, shut_net)
	  .help = "never shut down the sending side (beats -N, -q)" },
	{ .letter = 'q', .name = "quit", .arg = "SECONDS", .group = OPTG_DATA,
	  .topic = OPTT_CORE, .set = opt_quit, FIELD(flow.quit_ms),
	  .help = "after stdin EOF, quit SECONDS later (-1: never)" },
	{ .name = "quit-after", .arg = "TIME", .group = OPTG_DATA,
	  .topic = OPTT_CORE,
	  .kind = OPTK_TIME, FIELD(flow.deadline_ms), .lo = 0, .hi = INT_MAX,
	  .what = "quit timer",
	  .help = "after stdin EOF, quit within TIME, come what may" },
	{ .name = "half-close", .group = OPTG_DATA, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(flow.half_close),
	  .line = "each way ends alone; a read error fails",
	  .help = "each direction ends on its own; exit after both" },
	{ .name = "fail-on-error", .group = OPTG_DATA, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(flow.fail_on_error), .joins = 1,
	  .help = "a read error from the network is said, exit status 1" },
	{ .letter = 'w', .name = "wait", .arg = "TIMEOUT", .group = OPTG_DATA,
	  .topic = OPTT_CORE,
	  .kind = OPTK_TIME, FIELD(side.timeout_ms), .lo = 0, .hi = INT_MAX / 1000,
	  .what = "timeout", .help = "connect and idle timeout" },
	{ .name = "no-splice", .group = OPTG_DATA, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(flow.no_splice),
	  .help = "always copy through user space" },

	/* Programs, FIFOs, chat and servers. */
	{ .letter = 'e', .name = "exec", .arg = "PROGRAM", .group = OPTG_PROG,
	  .topic = OPTT_CORE,
	  .set = opt_exec, .on = on_exec, FIELD(local.exec),
	  TAKES(SIDE, struct side, local.run)
	  .comp = OPTC_COMMAND,
	  .help = "run PROGRAM for each connection or UDP peer" },
	{ .letter = 'c', .name = "sh-exec", .arg = "COMMAND",
	  .group = OPTG_PROG, .set = opt_exec, .value = 1, .on = on_exec,
	  FIELD(local.exec), TAKES(SIDE, struct side, local.run)
	  .topic = OPTT_CORE, .comp = OPTC_COMMAND,
	  .help = "run COMMAND with /bin/sh -c for each connection" },
	{ .name = "pty", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(local.pty),
	  TAKES(SIDE, struct side, local.pty)
	  .topic = OPTT_TERMINAL,
	  .help = "run the program on a terminal of its own" },
	{ .name = "raw", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(local.raw),
	  .topic = OPTT_TERMINAL,
	  .help = "raw terminal for a --pty peer (also -l); ~. leaves" },
	{ .name = "readline", .group = OPTG_PROG, .kind = OPTK_FLAG,
	  .topic = OPTT_TERMINAL, FIELD(local.readline),
	  .line = "edit typed lines; Up, Down: history",
	  .help = "edit the lines typed on a terminal; Up, Down: history" },
	{ .name = "readline-history", .arg = "FILE", .group = OPTG_PROG,
	  .topic = OPTT_TERMINAL,
	  .kind = OPTK_STRING, FIELD(local.history), .comp = OPTC_FILE,
	  .joins = 1,
	  .help = "keep typed lines in FILE (--chat, --room too)" },
	{ .name = "fifo", .arg = "PATH", .group = OPTG_PROG,
	  .topic = OPTT_CORE,
	  .kind = OPTK_STRING, FIELD(local.fifo), .comp = OPTC_FILE,
	  TAKES(SIDE, struct side, fifo)
	  .help = "send what is written to the FIFO PATH" },
	{ .name = "chat", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(chat),
	  .topic = OPTT_SERVERS, .selects = 1,
	  .line = "one person, :q leaves; a room (ncat's --chat)",
	  .help = "talk with one person, :q leaves (ncat's: --room)" },
	{ .name = "room", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(room),
	  .topic = OPTT_SERVERS, .joins = 1, .selects = 1,
	  .help = "chat room: user ids, announcements, prefixes" },
	{ .name = "broker", .group = OPTG_PROG, .topic = OPTT_SERVERS,
	  .kind = OPTK_FLAG, FIELD(broker), .selects = 1,
	  .line = "each client's bytes to all; stdout too",
	  .help = "relay what each client sends to all the others" },
	{ .name = "monitor", .group = OPTG_PROG, .topic = OPTT_SERVERS,
	  .kind = OPTK_FLAG, FIELD(flow.monitor), .joins = 1,
	  .help = "--broker: copy what clients send to stdout" },
	{ .name = "relay", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(relay),
	  .selects = 1,
	  .topic = OPTT_SERVERS, .line = "be a relay for --secret; meet at one",
	  .help = "pair --via clients by their code, see nothing" },
	{ .name = "via", .arg = "HOST[:PORT]", .group = OPTG_PROXY,
	  .topic = OPTT_TLS, .kind = OPTK_STRING, FIELD(via),
	  TAKES(SIDE, struct side, via.on)
	  .comp = OPTC_HOST, .joins = 1,
	  .help = "--secret: meet at a --relay, or its ws:// URL" },
	{ .name = "max-conns", .arg = "N", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .kind = OPTK_NUMBER, FIELD(side.gate.max_conns), .lo = 1, .hi = INT_MAX,
	  .what = "max-conns", .line = "N clients at once; relay limits",
	  .help = "serve at most N clients at once" },
	{ .name = "relay-limit", .arg = "KEY=VALUE", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS, .set = opt_relay_limit, FIELD(relay_conf),
	  .repeat = 1, .joins = 1,
	  .help = "--relay: wait=TIME per-addr=N bytes=N rate=N" },
	{ .name = "trust-front", .arg = "WAY=ADDRESS", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS, .set = opt_trust_front, FIELD(side.front),
	  .repeat = 1,
	  .help = "--relay: a front that says who its clients are" },
	{ .name = "allow", .arg = "ADDRESS", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .set = opt_gate, .value = 0, .on = on_gate, FIELD(side.gate.rules),
	  .comp = OPTC_HOST,
	  .repeat = 1, .line = "accept only these clients",
	  .help = "accept only these clients (address, CIDR, name)" },
	{ .name = "allowfile", .arg = "FILE", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .set = opt_gate, .value = 2, .on = on_gate, FIELD(side.gate.rules),
	  .comp = OPTC_FILE,
	  .repeat = 1, .joins = 1,
	  .help = "--allow for each line of FILE" },
	{ .name = "deny", .arg = "ADDRESS", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .set = opt_gate, .value = 1, .on = on_gate, FIELD(side.gate.rules),
	  .comp = OPTC_HOST,
	  .repeat = 1,
	  .help = "refuse these clients (deny wins)" },
	{ .name = "denyfile", .arg = "FILE", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .set = opt_gate, .value = 3, .on = on_gate, FIELD(side.gate.rules),
	  .comp = OPTC_FILE,
	  .repeat = 1, .joins = 1,
	  .help = "--deny for each line of FILE" },
	{ .name = "idle-timeout", .arg = "TIME", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .kind = OPTK_TIME, FIELD(side.gate.idle_ms), .lo = 0, .hi = INT_MAX,
	  .what = "idle timeout",
	  .help = "drop a client idle for TIME; without -l: quit" },
	{ .name = "write-timeout", .arg = "TIME", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .kind = OPTK_TIME, FIELD(stall_ms), .lo = 0, .hi = INT_MAX,
	  TAKES(JOB, struct job, stall_ms)
	  .what = "write timeout",
	  .help = "drop a client that reads nothing for TIME (10s)" },
	{ .name = "workers", .arg = "N|auto", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS, .set = opt_workers,
	  FIELD(side.sock.workers), .hi = WORKERS_MAX, .what = "workers",
	  .comp = OPTC_WORDS, .words = "auto",
	  .help = "-lk: serve in N processes; auto: one a processor" },
	{ .name = "forward", .arg = "TARGET", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS, .set = opt_forward, FIELD(fwd.n), .repeat = 1,
	  .hide = OPTH_ADDRESS,
	  .help = "with -l: relay to host:port, unix:, udp:, ws://" },
	{ .name = "forward-file", .arg = "FILE", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .set = opt_forward_file, FIELD(fwd.file), .comp = OPTC_FILE,
	  .help = "--forward for each line of FILE (SIGHUP reads it)" },
	{ .name = "round-robin", .group = OPTG_PROG, .topic = OPTT_SERVERS,
	  .kind = OPTK_FLAG, FIELD(fwd.round_robin),
	  .line = "targets in turn; PROXY header v1, v2",
	  .help = "spread clients over the --forward targets" },
	{ .name = "send-proxy", .arg = "VERSION", .group = OPTG_PROG,
	  .topic = OPTT_SERVERS,
	  .set = opt_send_proxy, FIELD(fwd.send_proxy), .comp = OPTC_WORDS,
	  .words = "v1 v2", .joins = 1,
	  .help = "send the target a PROXY header, v1 or v2" },
	{ .name = "websocket", .group = OPTG_PROG, .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_FLAG, FIELD(side.ws.on),
	  .help = "with -l: take WebSocket upgrades (ws://, wss://)" },
	{ .name = "ws-binary", .group = OPTG_PROG, .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_FLAG, FIELD(side.ws.binary),
	  .help = "WebSocket binary messages, not a line each" },
	{ .name = "ws-header", .arg = "HEADER", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .set = opt_ws_header, FIELD(side.ws.nheaders), .repeat = 1,
	  .hide = OPTH_HEADER, .line = "request line; reply (-l)",
	  .help = "add \"Name: value\" to the upgrade request" },
	{ .name = "ws-server-header", .arg = "HEADER", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .set = opt_ws_header, FIELD(side.ws.nserver_headers), .repeat = 1,
	  .joins = 1, .value = 1,
	  .help = "-l: add \"Name: value\" to the upgrade reply" },
	{ .name = "ws-origin", .arg = "ORIGIN", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET, .oneline = 1,
	  .kind = OPTK_STRING, FIELD(side.ws.origin),
	  .line = "Origin; subprotocols (-l: taken)",
	  .help = "the upgrade request's Origin" },
	{ .name = "ws-protocol", .arg = "LIST", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET, .oneline = 1,
	  .kind = OPTK_STRING, FIELD(side.ws.protocol), .joins = 1,
	  .help = "subprotocols offered, or accepted with -l" },
	{ .name = "ws-ping", .arg = "TIME", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_TIME, FIELD(side.ws.ping_ms), .lo = 0, .hi = INT_MAX,
	  .what = "ws-ping", .line = "ping; close if no pong in TIME",
	  .help = "send a WebSocket ping every TIME" },
	{ .name = "ws-ping-timeout", .arg = "TIME", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_TIME, FIELD(side.ws.pong_ms), .lo = 0, .hi = INT_MAX,
	  .what = "ws-ping-timeout", .joins = 1,
	  .help = "close (1011) if a pong is TIME late; exit 1" },
	{ .name = "ws-max-message", .arg = "BYTES", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_NUMBER, FIELD(side.ws.max_message), .lo = 1,
	  .hi = LLONG_MAX / 2, .what = "ws-max-message",
	  .help = "close (1009) on a longer message (16 MiB)" },
	{ .name = "ws-messages", .arg = "N", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_NUMBER, FIELD(side.ws.messages), .lo = 1,
	  .hi = INT_MAX, .what = "ws-messages",
	  .line = "end after N messages read; -1: one",
	  .help = "end the session after N messages read" },
	{ .letter = '1', .group = OPTG_PROG, .kind = OPTK_FLAG,
	  .topic = OPTT_WEBSOCKET,
	  FIELD(side.ws.messages), .value = 1, .joins = 1,
	  .help = "end after one message read (--ws-messages 1)" },
	{ .name = "ws-insecure", .group = OPTG_PROG, .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_FLAG, FIELD(side.ws.insecure),
	  .line = "wss://: accept any certificate",
	  .help = "wss://: accept any certificate and name" },
	{ .name = "insecure", .group = OPTG_PROG, .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_FLAG, FIELD(side.ws.insecure), .joins = 1,
	  .help = "--ws-insecure, as websocat and curl spell it" },
	{ .name = "ws-static", .arg = "DIR", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_STRING, FIELD(side.ws.static_dir), .comp = OPTC_DIR,
	  .line = "serve DIR to GETs; dot-files too",
	  .help = "with --websocket: serve plain GETs from DIR" },
	{ .name = "ws-static-dotfiles", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_FLAG, FIELD(side.ws.static_dotfiles), .joins = 1,
	  .help = "--ws-static: serve names that begin with a dot too" },
	{ .name = "ws-allow-origin", .arg = "ORIGIN", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET, .oneline = 1,
	  .set = opt_ws_list, FIELD(side.ws.nallow_origins), .repeat = 1,
	  .line = "refuse other Origins and paths",
	  .help = "refuse (403) upgrades from any other Origin" },
	{ .name = "ws-path", .arg = "PATH", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET, .oneline = 1,
	  .set = opt_ws_list, FIELD(side.ws.npaths), .repeat = 1, .joins = 1,
	  .help = "take upgrades only at PATH (404 elsewhere)" },
	{ .name = "auth", .arg = "USER:PASSWORD", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .set = opt_auth, .value = 0, .on = on_auth, .repeat = 1,
	  FIELD(side.auth.users), .hide = OPTH_PASSWORD,
	  .line = "ask who clients are",
	  .help = "-l --websocket: let in only this user (401)" },
	{ .name = "auth-file", .arg = "FILE", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .set = opt_auth, .value = 1, .on = on_auth, .comp = OPTC_FILE,
	  FIELD(side.auth.users), .repeat = 1, .joins = 1,
	  .help = "--auth for htpasswd's bcrypt, $5$, $6$ users" },
	{ .name = "auth-token", .arg = "TOKEN", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET, .set = opt_auth, .value = 2, .on = on_auth,
	  FIELD(side.auth.token), .hide = OPTH_ALL,
	  .help = "let in Authorization: Bearer TOKEN, or ?token=" },
	{ .name = "ws-framed", .group = OPTG_PROG, .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_FLAG, FIELD(side.ws.framed),
	  .line = "\"T len\"/\"B len\" records; no deflate",
	  .help = "messages as \"T len\" or \"B len\" lines and payload" },
	{ .name = "ws-no-compress", .group = OPTG_PROG,
	  .topic = OPTT_WEBSOCKET,
	  .kind = OPTK_FLAG, FIELD(side.ws.no_compress), .joins = 1,
	  .help = "neither offer nor accept permessage-deflate" },

	/* Proxies and TLS. */
	OPT_PROXY(OPTCLI),
	{ .letter = 'X', .name = "proxy-type", .arg = "PROXY_PROTOCOL",
	  .group = OPTG_PROXY, .set = opt_proxy_type, FIELD(side.proxy.proto),
	  .comp = OPTC_WORDS,
	  .topic = OPTT_CORE,
	  .words = "4 4a 5 connect socks4 socks4a socks5 http",
	  .help = "4, 4a, 5 (default), connect; -l: 5, http" },
	{ .letter = 'P', .arg = "PROXY_USERNAME", .group = OPTG_PROXY,
	  .topic = OPTT_CORE, .set = opt_proxy_user, FIELD(side.proxy.user),
	  .comp = OPTC_USER,
	  .help = "proxy user; the password is asked for" },
	{ .name = "proxy-auth", .arg = "USER:PASSWORD", .group = OPTG_PROXY,
	  .topic = OPTT_CORE, .set = opt_proxy_auth, FIELD(side.proxy.user),
	  .hide = OPTH_PASSWORD,
	  .help = "proxy credentials" },
	{ .name = "proxy-dns", .arg = "WHERE", .group = OPTG_PROXY,
	  .topic = OPTT_CORE, .kind = OPTK_WORD, FIELD(side.proxy.dns),
	  .comp = OPTC_WORDS, .words = "local remote both none",
	  .lo = PROXY_DNS_LOCAL, .what = "proxy DNS",
	  .help = "who resolves the target: local, remote, both, none" },
	{ .name = "ssl", .group = OPTG_PROXY, .kind = OPTK_FLAG, FIELD(side.tls.on),
	  .topic = OPTT_TLS, .help = "TLS (every --ssl-* option implies it)" },
	OPT_CERT(OPTCLI),
	OPT_KEY(OPTCLI),
	OPT_VERIFY(OPTCLI),
	OPT_CAFILE(OPTCLI),
	{ .name = "ssl-pin", .arg = "SHA256", .group = OPTG_PROXY,
	  .topic = OPTT_TLS,
	  .set = opt_ssl_pin, FIELD(side.tls.npins), .also = OPTA_SSL,
	  .repeat = 1,
	  .help = "accept only this certificate or key fingerprint" },
	OPT_CIPHERS(OPTCLI),
	{ .name = "ssl-legacy", .group = OPTG_PROXY, .kind = OPTK_FLAG,
	  .topic = OPTT_TLS,
	  FIELD(side.tls.legacy), .also = OPTA_SSL, .joins = 1,
	  .help = "allow TLS 1.0 and 1.1, weak ciphers and keys (warned)" },
	OPT_MIN_VERSION(OPTCLI),
	OPT_MAX_VERSION(OPTCLI),
	OPT_SNI(OPTCLI),
	{ .name = "ssl-alpn", .arg = "LIST", .group = OPTG_PROXY,
	  .topic = OPTT_TLS,
	  .kind = OPTK_STRING, FIELD(side.tls.alpn), .also = OPTA_SSL,
	  .joins = 1, .help = "ALPN protocols, comma-separated" },
	OPT_SECRET(OPTCLI),
	{ .name = "secret-file", .arg = "FILE", .group = OPTG_PROXY,
	  .topic = OPTT_TLS,
	  .set = opt_secret_file, FIELD(side.tls.secret), .also = OPTA_SSL,
	  .comp = OPTC_FILE, .joins = 1,
	  .help = "--secret's code, read from FILE" },
	{ .name = "print-psk", .group = OPTG_PROXY, .kind = OPTK_FLAG,
	  .topic = OPTT_TLS, FIELD(print_psk),
	  .help = "print the key --secret makes (openssl's -psk), exit" },
	{ .name = "forward-ssl", .group = OPTG_PROXY, .topic = OPTT_TLS,
	  .kind = OPTK_FLAG, FIELD(fwd.tls.on),
	  .help = "TLS to the --forward target (as do the next three)" },
	{ .name = "forward-ssl-verify", .group = OPTG_PROXY, .topic = OPTT_TLS,
	  .kind = OPTK_FLAG, FIELD(fwd.tls.verify), .also = OPTA_FWD_SSL,
	  .help = "verify the target's certificate and name" },
	{ .name = "forward-ssl-trustfile", .arg = "FILE", .group = OPTG_PROXY,
	  .topic = OPTT_TLS, .kind = OPTK_STRING, FIELD(fwd.tls.trustfile),
	  .also = OPTA_FWD_SSL, .comp = OPTC_FILE,
	  .help = "PEM certificates to trust there" },
	{ .name = "forward-ssl-servername", .arg = "NAME",
	  .group = OPTG_PROXY, .topic = OPTT_TLS, .kind = OPTK_STRING,
	  FIELD(fwd.tls.servername), .also = OPTA_FWD_SSL,
	  .help = "SNI and name to check there" },
	{ .name = "expect", .arg = "PATTERN", .group = OPTG_DATA,
	  .topic = OPTT_SESSIONS, .set = opt_step, FIELD(expects),
	  TAKES(FLOW, struct flow, script)
	  .line = "a script: wait for a match; send",
	  .help = "wait for what matches PATTERN (a script's step)" },
	{ .name = "send", .arg = "TEXT", .group = OPTG_DATA,
	  .topic = OPTT_SESSIONS, .set = opt_step, FIELD(sends), .joins = 1,
	  TAKES(FLOW, struct flow, script)
	  .help = "then send TEXT (\\r\\n, \\1: printf's escapes, groups)" },
	{ .name = "record", .arg = "FILE", .group = OPTG_DATA,
	  .topic = OPTT_SESSIONS, .set = opt_record, FIELD(flow.record),
	  .comp = OPTC_FILE,
	  .line = "record each session; play one back",
	  .help = "record each session's traffic to FILE (%n: its number)" },
	{ .name = "replay", .arg = "FILE", .group = OPTG_DATA,
	  .topic = OPTT_SESSIONS, .kind = OPTK_STRING, FIELD(replay),
	  TAKES(SIDE, struct side, replay_plays)
	  .comp = OPTC_FILE, .joins = 1,
	  .help = "play a recording's side in stdin and stdout's place" },
	{ .name = "script", .arg = "FILE", .group = OPTG_DATA,
	  .topic = OPTT_SESSIONS, .set = opt_script, FIELD(script_file),
	  TAKES(FLOW, struct flow, script)
	  .comp = OPTC_FILE,
	  .help = "the steps of FILE: expect, send, sleep, close, ..." },
	{ .letter = 'o', .name = "output", .arg = "FILE", .group = OPTG_PROXY,
	  .topic = OPTT_CORE,
	  .kind = OPTK_STRING, FIELD(output), .comp = OPTC_FILE,
	  TAKES(RUN, struct runtime, dump)
	  .help = "log the data of both directions to FILE, raw" },
	{ .name = "hex-dump", .arg = "FILE", .group = OPTG_PROXY,
	  .topic = OPTT_CORE,
	  .kind = OPTK_STRING, FIELD(hex_dump), .comp = OPTC_FILE,
	  TAKES(RUN, struct runtime, dump)
	  .help = "log it to FILE as a hex dump (< received, > sent)" },
	{ .name = "append-output", .group = OPTG_PROXY, .topic = OPTT_CORE,
	  .kind = OPTK_FLAG, FIELD(append_output),
	  TAKES(RUN, struct runtime, dump)
	  .line = "append to logs; stamp each line",
	  .help = "append to the log files rather than truncate them" },
	{ .name = "timestamp", .arg = "FORMAT", .has_arg = optional_argument,
	  .group = OPTG_PROXY, .topic = OPTT_SESSIONS, .set = opt_timestamp,
	  FIELD(timestamp), .joins = 1, TAKES(FLOW, struct flow, stamp)
	  .help = "the time before each line of stdout, -o, --hex-dump" },

	/* Socket options. */
	OPT_BROADCAST(OPTCLI),
	OPT_SO_DEBUG(OPTCLI),
	OPT_RCVBUF(OPTCLI),
	OPT_SNDBUF(OPTCLI),
	{ .letter = 'S', .name = "md5sig", .group = OPTG_SOCK,
	  .topic = OPTT_CORE, .set = opt_md5sig, FIELD(side.sock.md5sig),
	  .help = "TCP MD5 signatures (the key is read from the tty)" },
	OPT_TTL(OPTCLI),
	{ .letter = 'm', .name = "min-ttl", .arg = "MINTTL",
	  .group = OPTG_SOCK, .kind = OPTK_NUMBER, FIELD(side.sock.minttl),
	  .topic = OPTT_CORE, .lo = 0, .hi = 255, .what = "minttl",
	  .help = "minimum incoming TTL / hop limit" },
	OPT_TOS(OPTCLI),
	OPT_KEEPALIVE(OPTCLI),
	OPT_NODELAY(OPTCLI),
	OPT_REUSEPORT(OPTCLI),
	OPT_BACKLOG(OPTCLI),
	OPT_MULTICAST_IF(OPTCLI),
	OPT_MULTICAST_LOOP(OPTCLI),

	/* Information. */
	{ .letter = 'v', .name = "verbose", .group = OPTG_INFO,
	  .topic = OPTT_CORE, .kind = OPTK_COUNT, FIELD(verbose),
	  .help = "report connections (twice: also --stats)" },
	{ .name = "stats", .group = OPTG_INFO, .kind = OPTK_FLAG, FIELD(stats),
	  .topic = OPTT_CORE,
	  .line = "figures at the end; live: auto, always, never",
	  .help = "show bytes and datagrams moved at the end" },
	{ .name = "progress", .arg = "WHEN", .has_arg = optional_argument,
	  .group = OPTG_INFO, .kind = OPTK_WORD, FIELD(progress),
	  .comp = OPTC_WORDS, .topic = OPTT_CORE, .words = "auto always never",
	  .lo = PROGRESS_AUTO, .what = "progress",
	  .joins = 1,
	  .help = "live progress on stderr: auto, always, never" },
	{ .letter = 'h', .name = "help", .group = OPTG_INFO, .value = CL_HELP,
	  .topic = OPTT_CORE, .set = opt_action, .exits = 1, .comp = OPTC_TOPIC,
	  .help = "this help; -h TOPIC: a topic's options" },
	{ .name = "version", .group = OPTG_INFO, .set = opt_version,
	  .topic = OPTT_CORE, .exits = 1, .help = "the version" },

	/* Not for users: the tables, for the completions' maker, tests. */
	{ .name = "dump-options", .group = OPTG_HIDDEN, .set = opt_action,
	  .value = CL_DUMP, .exits = 1, .help = "print the option table" },
	{ .name = "dump-modes", .group = OPTG_HIDDEN, .set = opt_action,
	  .value = CL_DUMP_MODES, .exits = 1,
	  .help = "print the modes' refusals" },
	{ .name = "dump-topics", .group = OPTG_HIDDEN, .set = opt_action,
	  .value = CL_DUMP_TOPICS, .exits = 1, .help = "print the topics" },
};
#undef OPTCLI
#undef S
#undef F

/*
 * The topics of the manual, in --help's order: each is a page
 * (opt_topic_page()) that doc/man/gen.py makes of doc/man/TOPIC.mdoc and
 * of its options' entries, and "sockcat --help TOPIC" prints its forms
 * and its options.  The summary is the page's NAME line too.
 */
static const struct opttopic opttopics[] = {
	[OPTT_CORE] = { .name = "core",
	  .summary = "connect, listen and relay data over sockets" },
	[OPTT_ADDRESSES] = { .name = "addresses",
	  .summary = "relays between any two addresses",
	  .forms =
"  sockcat [options] ADDRESS ADDRESS   relay between the two\n"
"  sockcat [options] ADDRESS           relay it with stdin and stdout\n"
"  ADDRESS is a kind and where, then its own options after commas:\n"
"  tcp-l:8080, unix:/run/app.sock, tls:host:443,verify=1, exec:COMMAND,\n"
"  serial:/dev/ttyUSB0,115200, ws://host/path, - (stdin and stdout)\n" },
	[OPTT_SERVERS] = { .name = "servers",
	  .summary = "chat, broker, room, proxy server, port forwarder and relay",
	  .forms =
"  sockcat --chat [-l [address] port] | host [port]  talk with one person\n"
"  sockcat --broker | --room [options] [address] port  many clients\n"
"  sockcat -l --proxy-type socks5|http [options] [address] port  a proxy\n"
"  sockcat -l [options] [address] port --forward host:port  a forwarder\n"
"  sockcat --relay [options] [address] [port]  a relay for --via (7373)\n" },
	[OPTT_WEBSOCKET] = { .name = "websocket",
	  .summary = "WebSocket clients and servers, pages and programs",
	  .forms =
"  sockcat [options] ws://host[:port][/path]        a client (wss://: TLS)\n"
"  sockcat -l --websocket [options] [address] port  a server\n" },
	[OPTT_TLS] = { .name = "tls",
	  .summary = "TLS and DTLS, keyed by certificates or a shared code",
	  .forms =
"  sockcat --ssl [options] host port   TLS (DTLS with -u); -l: a server\n"
"  sockcat -l --secret port            TLS keyed by a code it draws\n"
"  sockcat -l --secret --via relay     the same, both behind NAT\n" },
	[OPTT_TERMINAL] = { .name = "terminal",
	  .summary = "programs on a terminal, raw terminals and line editing",
	  .forms =
"  sockcat -lk --pty -e /bin/bash port   a shell with a real terminal ...\n"
"  sockcat --raw host port               ... used from here; ~. leaves\n" },
	[OPTT_SESSIONS] = { .name = "sessions",
	  .summary = "sessions scripted, stamped, recorded and replayed",
	  .forms =
"  sockcat --expect PATTERN --send TEXT ... host port   a dialogue\n"
"  sockcat --script FILE [options] host port            its steps in FILE\n"
"  sockcat -lk --replay FILE[,speed=N] port             a recording served\n" },
	[OPTT_SOCAT] = { .name = "socat",
	  .summary = "socat's command line, read by sockcat run as socat",
	  .forms =
"  socat [options] ADDRESS ADDRESS   sockcat by the name socat (a link)\n" },
};

_Static_assert(nitems(optdefs) <= OPT_ROWS_MAX,
    "OPT_ROWS_MAX sizes getopt_long's arguments (cmdline.c)");

#ifdef SC_DEBUG
/*
 * Does every option that an address may carry too come from its one row
 * of addr-opts.h?  A row of this table that stores into struct side where
 * an address's option of another row does is the same option twice.
 */
static int
opt_rows_one(void)
{
	const struct optdef	*d;
	const char		*is;
	size_t			 side = offsetof(struct options, side);

	for (d = optdefs; d < optdefs + nitems(optdefs); d++) {
		if (d->size == 0 || d->field < side ||
		    d->field >= side + sizeof(struct side))
			continue;
		is = side_opt_member(d->field - side);
		if (is != NULL && (d->is == NULL || strcmp(d->is, is) != 0)) {
			log_warnx("--%s and an address's %s are one option: "
			    "make them one row (codec/addr-opts.h)", d->name,
			    is);
			return (0);
		}
	}
	return (1);
}
#endif

/* The table and its length. */
__startup const struct optdef *
opt_table(size_t *n)
{
#ifdef SC_DEBUG
	static int	 checked;

	/* Once: the parser and the checks ask for the table many times. */
	if (!checked) {
		checked = 1;
		DEBUG_CHECK(opt_rows_one(), "an option is written in two rows");
	}
#endif
	*n = nitems(optdefs);
	return (optdefs);
}

/* The row named name: a letter, or a long name; NULL if none. */
__startup const struct optdef *
opt_named(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(optdefs); i++) {
		if ((name[1] == '\0' && optdefs[i].letter == name[0]) ||
		    (optdefs[i].name != NULL &&
		    strcmp(optdefs[i].name, name) == 0))
			return (&optdefs[i]);
	}
	return (NULL);
}

/* The topics, by enum opt_topic (the first, OPTT_NONE, is empty). */
__shortrun const struct opttopic *
opt_topics(size_t *n)
{
	*n = nitems(opttopics);
	return (opttopics);
}

/* The topic called name, or NULL. */
const struct opttopic *
opt_topic_find(const char *name)
{
	size_t	 i;

	for (i = OPTT_CORE; i < nitems(opttopics); i++)
		if (strcmp(opttopics[i].name, name) == 0)
			return (&opttopics[i]);
	return (NULL);
}

/*
 * Topic t's manual page in buf and *section: "sockcat" (1) for the core,
 * else "sockcat-NAME" (7).
 */
void
opt_topic_page(enum opt_topic t, char *buf, size_t len, int *section)
{
	if (t == OPTT_CORE) {
		(void)snprintf(buf, len, "sockcat");
		*section = 1;
	} else {
		(void)snprintf(buf, len, "sockcat-%s", opttopics[t].name);
		*section = 7;
	}
}

/*
 * Option what's number arg, within [lo, hi].  Exits on a bad one with
 * netcat's "what errstr: arg" ("what is errstr" for ttl, minttl).
 */
long long
opt_number(const char *what, const char *arg, long long lo, long long hi)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(arg, lo, hi, &errstr);
	if (errstr == NULL)
		return (n);
	if (strcmp(what, "ttl") == 0 || strcmp(what, "minttl") == 0)
		fatalx("%s is %s", what, errstr);
	fatalx("%s %s: %s", what, errstr, arg);
}

/*
 * The place of arg (NULL: the first) among row d's words; exits on another
 * with "what invalid: arg (a, b or c)".
 */
static int
opt_word(const struct optdef *d, const char *arg)
{
	const char	*w = d->words;
	char		 list[128] = "";
	size_t		 n, len;
	int		 i;

	DEBUG_CHECK(w != NULL && d->what != NULL, "a row of words without "
	    "its words or what to call it");
	for (i = 0; *w != '\0'; i++, w += n + (w[n] == ' ')) {
		n = strcspn(w, " ");
		if (arg == NULL || (strlen(arg) == n &&
		    strncmp(arg, w, n) == 0))
			return (i);
		len = strlen(list);
		(void)snprintf(list + len, sizeof(list) - len, "%s%.*s",
		    i == 0 ? "" : w[n] == '\0' ? " or " : ", ", (int)n, w);
	}
	fatalx("%s invalid: %s (%s)", d->what, arg, list);
}

/*
 * Option what's time arg, within [min_s, max_s] seconds, in milliseconds.
 * Exits on a bad one with netcat's "what errstr: arg".
 */
long long
opt_time_value(const char *what, const char *arg, long long min_s,
    long long max_s)
{
	const char	*errstr;
	long long	 ms;

	if (parse_time(arg, min_s, max_s, &ms, &errstr) == -1)
		fatalx("%s %s: %s", what, errstr, arg);
	return (ms);
}

/* Set o to the defaults, which cmdline_parse() and opt_on() start from. */
__startup void
opt_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->side.sock.family = AF_UNSPEC;
	o->side.sock.socktype = SOCK_STREAM;
	o->side.sock.ttl = o->side.sock.minttl = o->side.sock.tos = o->side.sock.mcast_loop = -1;
	o->side.sock.mcast_ttl = o->side.sock.mtu_discover = -1;
	o->side.timeout_ms = TIME_NONE;
	o->side.dialect = &dialect_nc;
	o->flow = join_flow_plain;
	o->socat_quit_ms = SOCAT_QUIT_MS;
	o->stall_ms = TIME_NONE;
	o->side.retry_ms = TIME_NONE;
	o->side.sock.listen_fd = -1;
	side_local_defaults(&o->side);
	o->side.perm = o->side.oflags = -1;
	o->side.ws.ping_ms = TIME_NONE;
	o->side.ws.pong_ms = TIME_NONE;
	gate_init(&o->side.gate);
	o->progress = PROGRESS_NEVER;
	o->relay_conf.wait_ms = RELAY_WAIT_MS;
	o->relay_conf.per_addr = RELAY_PER_ADDR;
}

/* Does the row's field hold v, an int or a long long? */
static __startup int
field_is(const struct options *o, const struct optdef *d, long long v)
{
	const char	*p = (const char *)o + d->field;

	if (d->size == sizeof(long long))
		return (*(const long long *)p == v);
	return (d->size == sizeof(int) && *(const int *)p == v);
}

/*
 * Is row d's option in effect in o, by its field, not by whether it was
 * given (--broker sets -l's)?  1 or 0, or -1 if the row cannot say (a
 * fault of the table).  Asked once the command line is read.
 */
__startup int
opt_on(const struct options *o, const struct optdef *d)
{
	static struct options	 def;
	static int		 have_def;
	const unsigned char	*a, *b;
	size_t			 i;

	if (d->on != NULL)
		return (d->on(o, d) != 0);
	if (d->size == 0)
		return (-1);
	if (d->kind == OPTK_FLAG)
		return (field_is(o, d, d->value != 0 ? d->value : 1));
	if (!have_def) {
		opt_defaults(&def);
		have_def = 1;
	}
	/*
	 * Byte by byte, not memcmp(3): a field is 4 or 8 bytes, and that
	 * would be the only call into memcmp's window of libc's text before
	 * the first wait, 64 KiB every idle listener would then hold.
	 */
	a = (const unsigned char *)o + d->field;
	b = (const unsigned char *)&def + d->field;
	for (i = 0; i < d->size; i++)
		if (a[i] != b[i])
			return (1);
	return (0);
}

/* Store v in the row's field, an int or a long long. */
static void
opt_store(struct options *o, const struct optdef *d, long long v)
{
	char	*p = (char *)o + d->field;

	if (d->size == sizeof(long long))
		*(long long *)p = v;
	else if (d->size == sizeof(int))
		*(int *)p = (int)v;
	else
		fatalx("option --%s: a field of %u bytes", d->name,
		    (unsigned)d->size);
}

/*
 * Apply row d's option given with arg (or NULL), as the row's kind says.
 * Exits with netcat's message on a value it would refuse.
 */
__startup void
opt_apply(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		*p = (char *)o + d->field;
	size_t		 i = d - optdefs;

	/* Given: the audit asks whether a path read it (optaudit.c). */
	o->given[i / 8] |= 1 << (i % 8);
	for (i = 0; d->oneline && arg[i] != '\0'; i++)
		if ((unsigned char)arg[i] < 0x20 || arg[i] == 0x7f)
			fatalx("%s invalid: a control character is in it",
			    d->name);
	switch (d->kind) {
	case OPTK_FLAG:
		opt_store(o, d, d->value != 0 ? d->value : 1);
		break;
	case OPTK_COUNT:
		(*(int *)p)++;
		break;
	case OPTK_TIME:
		opt_store(o, d, opt_time_value(d->what, arg, d->lo, d->hi));
		break;
	case OPTK_NUMBER:
		opt_store(o, d, opt_number(d->what, arg, d->lo, d->hi));
		break;
	case OPTK_STRING:
		*(const char **)p = arg;
		break;
	case OPTK_WORD:
		opt_store(o, d, d->lo + opt_word(d, arg));
		break;
	case OPTK_CUSTOM:
		d->set(cl, d, arg);
		break;
	}
	/* Read and copied: argv keeps no secret for ps(1) to show. */
	DEBUG_CHECK(d->hide == OPTH_NONE || d->kind == OPTK_CUSTOM,
	    "opt_apply: a row that hides its argument keeps argv's bytes");
	opt_hide(d, arg);
	if (d->also == OPTA_SSL)
		o->side.tls.on = 1;
	else if (d->also == OPTA_FWD_SSL)
		o->fwd.tls.on = 1;
}
