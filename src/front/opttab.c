/*
 * The option table: one row per option, saying how it is spelled, what
 * its argument is called, its --help line, how it fills struct options and
 * what a shell may complete for it.  cmdline.c makes getopt's arguments,
 * --help and the table dump (from which the completions are made) out of
 * these rows; the functions here are the options that need code of their
 * own.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <readpassphrase.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* The longest TCP MD5 key Linux takes (TCP_MD5SIG_MAXKEYLEN). */
#define MD5SIG_KEY_MAX	80

/* Where a row's value goes: the field's offset and size. */
#define FIELD(f)	.field = offsetof(struct options, f),		\
			.size = sizeof(((struct options *)0)->f)
_Static_assert(sizeof(struct options) <= USHRT_MAX,
    "optdef.field holds an offset into struct options");

static void	opt_exec(struct cmdline *, const struct optdef *, char *);
static void	opt_help(struct cmdline *, const struct optdef *, char *);
static void	opt_version(struct cmdline *, const struct optdef *, char *);
static void	opt_dump(struct cmdline *, const struct optdef *, char *);
static void	opt_quit(struct cmdline *, const struct optdef *, char *);
static void	opt_md5sig(struct cmdline *, const struct optdef *, char *);
static void	opt_tos(struct cmdline *, const struct optdef *, char *);
static void	opt_rtable(struct cmdline *, const struct optdef *, char *);
static void	opt_proxy(struct cmdline *, const struct optdef *, char *);
static void	opt_listen_fd(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_proxy_type(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_proxy_user(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_proxy_auth(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_proxy_dns(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_gate(struct cmdline *, const struct optdef *, char *);
static void	opt_auth(struct cmdline *, const struct optdef *, char *);
static void	opt_progress(struct cmdline *, const struct optdef *, char *);
static void	opt_retry(struct cmdline *, const struct optdef *, char *);
static void	opt_retry_interval(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_keepalive(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_reconnect(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_ssl_pin(struct cmdline *, const struct optdef *, char *);
static void	opt_secret(struct cmdline *, const struct optdef *, char *);
static void	opt_secret_file(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_ssl_version(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_forward(struct cmdline *, const struct optdef *, char *);
static void	opt_forward_file(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_send_proxy(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_mcast_loop(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_ws_list(struct cmdline *, const struct optdef *,
		    char *);
static void	opt_ws_header(struct cmdline *, const struct optdef *,
		    char *);
static int	on_exec(const struct options *, const struct optdef *);
static int	on_gate(const struct options *, const struct optdef *);
static int	on_auth(const struct options *, const struct optdef *);

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
	  .kind = OPTK_FLAG, FIELD(side.sock.family), .value = AF_INET,
	  .help = "IPv4 only" },
	{ .letter = '6', .name = "ipv6", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(side.sock.family), .value = AF_INET6,
	  .help = "IPv6 only" },
	{ .letter = 'l', .name = "listen", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(side.listen),
	  .help = "listen for a connection" },
	{ .letter = 'k', .name = "keep-open", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(side.keep),
	  .help = "with -l, go on listening (with -u: every peer)" },
	{ .letter = 'u', .name = "udp", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(side.sock.socktype), .value = SOCK_DGRAM,
	  .help = "UDP (with -U: Unix datagram sockets)" },
	{ .letter = 'U', .name = "unixsock", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(side.sock.family), .value = AF_UNIX,
	  .help = "Unix-domain socket: a path, or @name" },
	{ .letter = 'n', .name = "nodns", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(side.sock.numeric),
	  .help = "no name or service lookups" },
	{ .letter = 'p', .name = "source-port", .arg = "PORT",
	  .group = OPTG_CONN, .kind = OPTK_STRING, FIELD(side.sock.source_port),
	  .comp = OPTC_PORT, .help = "local port (to listen on, with -l)" },
	{ .letter = 's', .name = "source", .arg = "ADDRESS",
	  .group = OPTG_CONN, .kind = OPTK_STRING, FIELD(side.sock.source),
	  .comp = OPTC_HOST,
	  .help = "local address (with -uU: our own socket's path)" },
	{ .letter = 'z', .name = "zero", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(zero),
	  .help = "scan: report which ports accept, send nothing" },
	{ .letter = 'r', .name = "randomize", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(randomize),
	  .help = "ports in random order" },
	{ .letter = 'i', .name = "interval", .arg = "INTERVAL",
	  .group = OPTG_CONN, .kind = OPTK_TIME, FIELD(flow.interval_ms),
	  .lo = 0, .hi = UINT_MAX, .what = "interval",
	  .help = "pause after each line sent, and between ports" },
	{ .name = "retry", .arg = "N|forever", .group = OPTG_CONN,
	  .set = opt_retry, FIELD(side.retries), .comp = OPTC_WORDS,
	  .words = "forever",
	  .help = "try connecting again while refused or unreachable" },
	{ .name = "retry-interval", .arg = "TIME", .group = OPTG_CONN,
	  .set = opt_retry_interval, FIELD(side.retry_ms),
	  .help = "pause between tries (default 1s)" },
	{ .name = "reconnect", .arg = "MAX", .has_arg = optional_argument,
	  .group = OPTG_CONN, .set = opt_reconnect, FIELD(side.reconnect),
	  .help = "dial again each time the connection ends, MAX times" },
	{ .name = "on-connect", .arg = "TEXT", .group = OPTG_CONN,
	  .kind = OPTK_STRING, FIELD(flow.on_connect),
	  .help = "send TEXT and a newline first (@FILE: the file)" },
	{ .name = "listen-fd", .arg = "FD", .group = OPTG_CONN,
	  .set = opt_listen_fd, FIELD(side.sock.listen_fd),
	  .help = "with -l: serve this inherited listening socket" },
	{ .name = "mptcp", .group = OPTG_CONN, .kind = OPTK_FLAG,
	  FIELD(side.sock.mptcp), .help = "Multipath TCP (falls back to TCP)" },
	{ .name = "vsock", .group = OPTG_CONN, .kind = OPTK_FLAG,
	  FIELD(side.sock.vsock), .help = "VSOCK: the host is a CID (VM and host)" },
	{ .letter = 'F', .name = "pass-fd", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(flow.fdpass),
	  .help = "pass the connected socket on stdout and exit" },
	{ .letter = 'Z', .name = "dccp", .group = OPTG_CONN,
	  .kind = OPTK_FLAG, FIELD(side.sock.dccp),
	  .help = "DCCP (where the system has it)" },
	{ .letter = 'V', .name = "rtable", .arg = "RTABLE",
	  .group = OPTG_CONN, .set = opt_rtable,
	  .help = "alternate routing table (not on this system)" },

	/* Data and end of file. */
	{ .letter = 'C', .name = "crlf", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.crlf),
	  .help = "send line feeds from stdin as CRLF" },
	{ .letter = 'd', .name = "no-stdin", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.no_stdin),
	  .help = "do not read stdin" },
	{ .name = "send-only", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.send_only),
	  .line = "only send, quit at EOF; or only receive",
	  .help = "only send; ignore what comes back, quit at EOF" },
	{ .name = "recv-only", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.recv_only), .joins = 1,
	  .help = "only receive; never read stdin" },
	{ .letter = 't', .name = "telnet", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.telnet),
	  .help = "refuse the peer's telnet option negotiations" },
	{ .letter = 'W', .name = "recv-limit", .arg = "RECVLIMIT",
	  .group = OPTG_DATA, .kind = OPTK_NUMBER, FIELD(flow.recv_limit),
	  .lo = 1, .hi = INT_MAX, .what = "receive limit",
	  .help = "end after RECVLIMIT reads from the network" },
	{ .name = "delay", .arg = "TIME", .group = OPTG_DATA,
	  .kind = OPTK_TIME, FIELD(flow.delay_ms), .lo = 0, .hi = INT_MAX / 1000,
	  .what = "delay", .help = "pause after each write, both directions" },
	{ .letter = 'N', .name = "shutdown", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.shut_net),
	  .help = "at stdin EOF, shut down the socket's sending side" },
	{ .name = "no-shutdown", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.no_shutdown),
	  .help = "never shut down the sending side (beats -N, -q)" },
	{ .letter = 'q', .name = "quit", .arg = "SECONDS", .group = OPTG_DATA,
	  .set = opt_quit,
	  .help = "after stdin EOF, quit SECONDS later (-1: never)" },
	{ .name = "quit-after", .arg = "TIME", .group = OPTG_DATA,
	  .kind = OPTK_TIME, FIELD(flow.deadline_ms), .lo = 0, .hi = INT_MAX,
	  .what = "quit timer",
	  .help = "after stdin EOF, quit within TIME, come what may" },
	{ .name = "half-close", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.half_close),
	  .help = "each direction ends on its own; exit after both" },
	{ .letter = 'w', .name = "wait", .arg = "TIMEOUT", .group = OPTG_DATA,
	  .kind = OPTK_TIME, FIELD(side.timeout_ms), .lo = 0, .hi = INT_MAX / 1000,
	  .what = "timeout", .help = "connect and idle timeout" },
	{ .name = "no-splice", .group = OPTG_DATA,
	  .kind = OPTK_FLAG, FIELD(flow.no_splice),
	  .help = "always copy through user space" },

	/* Programs, FIFOs, chat and servers. */
	{ .letter = 'e', .name = "exec", .arg = "PROGRAM", .group = OPTG_PROG,
	  .set = opt_exec, .on = on_exec, .comp = OPTC_COMMAND,
	  .help = "run PROGRAM for each connection or UDP peer" },
	{ .letter = 'c', .name = "sh-exec", .arg = "COMMAND",
	  .group = OPTG_PROG, .set = opt_exec, .value = 1, .on = on_exec,
	  .comp = OPTC_COMMAND,
	  .help = "run COMMAND with /bin/sh -c for each connection" },
	{ .name = "pty", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(local.pty),
	  .help = "run the program on a terminal of its own" },
	{ .name = "raw", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(local.raw),
	  .help = "raw terminal for a --pty peer (also -l); ~. leaves" },
	{ .name = "readline", .group = OPTG_PROG, .kind = OPTK_FLAG,
	  FIELD(local.readline),
	  .line = "edit typed lines; Up, Down: history",
	  .help = "edit the lines typed on a terminal; Up, Down: history" },
	{ .name = "readline-history", .arg = "FILE", .group = OPTG_PROG,
	  .kind = OPTK_STRING, FIELD(local.history), .comp = OPTC_FILE,
	  .joins = 1,
	  .help = "keep the lines typed in FILE (--readline, --chat, --room)" },
	{ .name = "fifo", .arg = "PATH", .group = OPTG_PROG,
	  .kind = OPTK_STRING, FIELD(local.fifo), .comp = OPTC_FILE,
	  .help = "send what is written to the FIFO PATH" },
	{ .name = "chat", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(chat),
	  .help = "talk with one person, :q leaves (ncat's: --room)" },
	{ .name = "broker", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(broker),
	  .help = "relay what each client sends to all the others" },
	{ .name = "room", .group = OPTG_PROG, .kind = OPTK_FLAG, FIELD(room),
	  .help = "chat room: user ids, announcements, prefixes" },
	{ .name = "max-conns", .arg = "N", .group = OPTG_PROG,
	  .kind = OPTK_NUMBER, FIELD(side.gate.max_conns), .lo = 1, .hi = INT_MAX,
	  .what = "max-conns", .help = "serve at most N clients at once" },
	{ .name = "allow", .arg = "ADDRESS", .group = OPTG_PROG,
	  .set = opt_gate, .value = 0, .on = on_gate, .comp = OPTC_HOST,
	  .repeat = 1, .line = "accept only these clients",
	  .help = "accept only these clients (address, CIDR, name)" },
	{ .name = "allowfile", .arg = "FILE", .group = OPTG_PROG,
	  .set = opt_gate, .value = 2, .on = on_gate, .comp = OPTC_FILE,
	  .repeat = 1, .joins = 1,
	  .help = "--allow for each line of FILE" },
	{ .name = "deny", .arg = "ADDRESS", .group = OPTG_PROG,
	  .set = opt_gate, .value = 1, .on = on_gate, .comp = OPTC_HOST,
	  .repeat = 1,
	  .help = "refuse these clients (deny wins)" },
	{ .name = "denyfile", .arg = "FILE", .group = OPTG_PROG,
	  .set = opt_gate, .value = 3, .on = on_gate, .comp = OPTC_FILE,
	  .repeat = 1, .joins = 1,
	  .help = "--deny for each line of FILE" },
	{ .name = "idle-timeout", .arg = "TIME", .group = OPTG_PROG,
	  .kind = OPTK_TIME, FIELD(side.gate.idle_ms), .lo = 0, .hi = INT_MAX,
	  .what = "idle timeout",
	  .help = "drop a client idle for TIME; without -l: quit" },
	{ .name = "write-timeout", .arg = "TIME", .group = OPTG_PROG,
	  .kind = OPTK_TIME, FIELD(stall_ms), .lo = 0, .hi = INT_MAX,
	  .what = "write timeout",
	  .help = "drop a client that reads nothing for TIME (10s)" },
	{ .name = "forward", .arg = "TARGET", .group = OPTG_PROG,
	  .set = opt_forward, FIELD(fwd.n), .repeat = 1,
	  .help = "with -l: relay to host:port, unix:, udp:, ws://" },
	{ .name = "forward-file", .arg = "FILE", .group = OPTG_PROG,
	  .set = opt_forward_file, FIELD(fwd.file), .comp = OPTC_FILE,
	  .help = "--forward for each line of FILE (SIGHUP reads it)" },
	{ .name = "round-robin", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(fwd.round_robin),
	  .help = "spread clients over the --forward targets" },
	{ .name = "send-proxy", .arg = "VERSION", .group = OPTG_PROG,
	  .set = opt_send_proxy, FIELD(fwd.send_proxy), .comp = OPTC_WORDS,
	  .words = "v1 v2",
	  .help = "send the target a PROXY header, v1 or v2" },
	{ .name = "websocket", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(side.ws.on),
	  .help = "with -l: take WebSocket upgrades (ws://, wss://)" },
	{ .name = "ws-binary", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(side.ws.binary),
	  .help = "WebSocket binary messages, not a line each" },
	{ .name = "ws-header", .arg = "HEADER", .group = OPTG_PROG,
	  .set = opt_ws_header, FIELD(side.ws.nheaders), .repeat = 1,
	  .line = "request line; reply (-l)",
	  .help = "add \"Name: value\" to the upgrade request" },
	{ .name = "ws-server-header", .arg = "HEADER", .group = OPTG_PROG,
	  .set = opt_ws_header, FIELD(side.ws.nserver_headers), .repeat = 1,
	  .joins = 1, .value = 1,
	  .help = "with -l: add \"Name: value\" to the upgrade reply" },
	{ .name = "ws-origin", .arg = "ORIGIN", .group = OPTG_PROG,
	  .kind = OPTK_STRING, FIELD(side.ws.origin),
	  .line = "Origin; subprotocols (-l: taken)",
	  .help = "the upgrade request's Origin" },
	{ .name = "ws-protocol", .arg = "LIST", .group = OPTG_PROG,
	  .kind = OPTK_STRING, FIELD(side.ws.protocol), .joins = 1,
	  .help = "subprotocols offered, or accepted with -l" },
	{ .name = "ws-ping", .arg = "TIME", .group = OPTG_PROG,
	  .kind = OPTK_TIME, FIELD(side.ws.ping_ms), .lo = 0, .hi = INT_MAX,
	  .what = "ws-ping", .line = "ping; close if no pong in TIME",
	  .help = "send a WebSocket ping every TIME" },
	{ .name = "ws-ping-timeout", .arg = "TIME", .group = OPTG_PROG,
	  .kind = OPTK_TIME, FIELD(side.ws.pong_ms), .lo = 0, .hi = INT_MAX,
	  .what = "ws-ping-timeout", .joins = 1,
	  .help = "close (1011) a peer whose pong is TIME late; exit 1" },
	{ .name = "ws-max-message", .arg = "BYTES", .group = OPTG_PROG,
	  .kind = OPTK_NUMBER, FIELD(side.ws.max_message), .lo = 1,
	  .hi = LLONG_MAX / 2, .what = "ws-max-message",
	  .help = "close (1009) on a longer message (16 MiB)" },
	{ .name = "ws-messages", .arg = "N", .group = OPTG_PROG,
	  .kind = OPTK_NUMBER, FIELD(side.ws.messages), .lo = 1,
	  .hi = INT_MAX, .what = "ws-messages",
	  .line = "end after N messages read; -1: one",
	  .help = "end the session after N messages read" },
	{ .letter = '1', .group = OPTG_PROG, .kind = OPTK_FLAG,
	  FIELD(side.ws.messages), .value = 1, .joins = 1,
	  .help = "end after one message read (--ws-messages 1)" },
	{ .name = "ws-insecure", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(side.ws.insecure),
	  .help = "wss://: accept any certificate and name" },
	{ .name = "ws-static", .arg = "DIR", .group = OPTG_PROG,
	  .kind = OPTK_STRING, FIELD(side.ws.static_dir), .comp = OPTC_DIR,
	  .line = "serve DIR to GETs; dot-files too",
	  .help = "with --websocket: serve plain GETs from DIR" },
	{ .name = "ws-static-dotfiles", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(side.ws.static_dotfiles), .joins = 1,
	  .help = "--ws-static: serve names that begin with a dot too" },
	{ .name = "ws-allow-origin", .arg = "ORIGIN", .group = OPTG_PROG,
	  .set = opt_ws_list, FIELD(side.ws.nallow_origins), .repeat = 1,
	  .line = "refuse other Origins and paths",
	  .help = "refuse (403) upgrades from any other Origin" },
	{ .name = "ws-path", .arg = "PATH", .group = OPTG_PROG,
	  .set = opt_ws_list, FIELD(side.ws.npaths), .repeat = 1, .joins = 1,
	  .help = "take upgrades only at PATH (404 elsewhere)" },
	{ .name = "auth", .arg = "USER:PASSWORD", .group = OPTG_PROG,
	  .set = opt_auth, .value = 0, .on = on_auth, .repeat = 1,
	  .line = "ask who clients are",
	  .help = "-l --websocket: let in only this user (401)" },
	{ .name = "auth-file", .arg = "FILE", .group = OPTG_PROG,
	  .set = opt_auth, .value = 1, .on = on_auth, .comp = OPTC_FILE,
	  .repeat = 1, .joins = 1,
	  .help = "--auth for htpasswd's bcrypt, $5$, $6$ users" },
	{ .name = "auth-token", .arg = "TOKEN", .group = OPTG_PROG,
	  .set = opt_auth, .value = 2, .on = on_auth,
	  .help = "let in Authorization: Bearer TOKEN, or ?token=" },
	{ .name = "ws-framed", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(side.ws.framed),
	  .line = "\"T len\"/\"B len\" records; no deflate",
	  .help = "messages as \"T len\" or \"B len\" lines and payload" },
	{ .name = "ws-no-compress", .group = OPTG_PROG,
	  .kind = OPTK_FLAG, FIELD(side.ws.no_compress), .joins = 1,
	  .help = "neither offer nor accept permessage-deflate" },

	/* Proxies and TLS. */
	{ .letter = 'x', .name = "proxy", .arg = "PROXY_ADDRESS[:PORT]",
	  .group = OPTG_PROXY, .set = opt_proxy, .comp = OPTC_HOST,
	  .repeat = 1,
	  .help = "via this proxy; repeat: a chain; or a URL" },
	{ .letter = 'X', .name = "proxy-type", .arg = "PROXY_PROTOCOL",
	  .group = OPTG_PROXY, .set = opt_proxy_type, .comp = OPTC_WORDS,
	  .words = "4 4a 5 connect socks4 socks4a socks5 http",
	  .help = "4, 4a, 5 (default), connect; -l: 5, http" },
	{ .letter = 'P', .arg = "PROXY_USERNAME", .group = OPTG_PROXY,
	  .set = opt_proxy_user, .comp = OPTC_USER,
	  .help = "proxy user; the password is asked for" },
	{ .name = "proxy-auth", .arg = "USER:PASSWORD", .group = OPTG_PROXY,
	  .set = opt_proxy_auth, .help = "proxy credentials" },
	{ .name = "proxy-dns", .arg = "WHERE", .group = OPTG_PROXY,
	  .set = opt_proxy_dns, .comp = OPTC_WORDS,
	  .words = "local remote both none",
	  .help = "who resolves the target: local, remote, both, none" },
	{ .name = "ssl", .group = OPTG_PROXY, .kind = OPTK_FLAG, FIELD(side.tls.on),
	  .help = "TLS (every --ssl-* option implies it)" },
	{ .name = "ssl-cert", .arg = "FILE", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(side.tls.cert), .also = OPTA_SSL,
	  .comp = OPTC_FILE, .line = "PEM certificate and key (-l makes one)",
	  .help = "PEM certificate (a listener makes one if none)" },
	{ .name = "ssl-key", .arg = "FILE", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(side.tls.key), .also = OPTA_SSL,
	  .comp = OPTC_FILE, .joins = 1,
	  .help = "PEM private key of --ssl-cert" },
	{ .name = "ssl-verify", .group = OPTG_PROXY,
	  .kind = OPTK_FLAG, FIELD(side.tls.verify), .also = OPTA_SSL,
	  .line = "verify the peer (against FILE's CAs)",
	  .help = "verify the peer's certificate and name" },
	{ .name = "ssl-trustfile", .arg = "FILE", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(side.tls.trustfile), .also = OPTA_SSL,
	  .comp = OPTC_FILE, .joins = 1,
	  .help = "PEM certificates to trust" },
	{ .name = "ssl-pin", .arg = "SHA256", .group = OPTG_PROXY,
	  .set = opt_ssl_pin, FIELD(side.tls.npins), .also = OPTA_SSL,
	  .repeat = 1,
	  .help = "accept only this certificate or key fingerprint" },
	{ .name = "ssl-ciphers", .arg = "LIST", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(side.tls.ciphers), .also = OPTA_SSL,
	  .line = "OpenSSL ciphers; TLS 1.0, 1.1 (warned)",
	  .help = "OpenSSL cipher list" },
	{ .name = "ssl-legacy", .group = OPTG_PROXY, .kind = OPTK_FLAG,
	  FIELD(side.tls.legacy), .also = OPTA_SSL, .joins = 1,
	  .help = "allow TLS 1.0 and 1.1, weak ciphers and keys (warned)" },
	{ .name = "ssl-min-version", .arg = "VER", .group = OPTG_PROXY,
	  .set = opt_ssl_version, FIELD(side.tls.min_version),
	  .also = OPTA_SSL, .comp = OPTC_WORDS, .words = "1.0 1.1 1.2 1.3",
	  .line = "TLS versions, 1.0 to 1.3",
	  .help = "the oldest TLS version allowed (1.2)" },
	{ .name = "ssl-max-version", .arg = "VER", .group = OPTG_PROXY,
	  .set = opt_ssl_version, FIELD(side.tls.max_version),
	  .also = OPTA_SSL, .comp = OPTC_WORDS, .words = "1.0 1.1 1.2 1.3",
	  .joins = 1, .help = "the newest TLS version allowed (1.3)" },
	{ .name = "ssl-servername", .arg = "NAME", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(side.tls.servername), .also = OPTA_SSL,
	  .comp = OPTC_HOST, .line = "SNI to send and check; ALPN",
	  .help = "server name to send (SNI) and check" },
	{ .name = "ssl-alpn", .arg = "LIST", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(side.tls.alpn), .also = OPTA_SSL,
	  .joins = 1, .help = "ALPN protocols, comma-separated" },
	{ .name = "secret", .arg = "CODE", .has_arg = optional_argument,
	  .group = OPTG_PROXY, .set = opt_secret, FIELD(side.tls.secret),
	  .also = OPTA_SSL, .line = "TLS 1.3 keyed by a code",
	  .help = "TLS 1.3 keyed by a shared code, no certificate" },
	{ .name = "secret-file", .arg = "FILE", .group = OPTG_PROXY,
	  .set = opt_secret_file, FIELD(side.tls.secret), .also = OPTA_SSL,
	  .comp = OPTC_FILE, .joins = 1,
	  .help = "--secret's code, read from FILE" },
	{ .name = "print-psk", .group = OPTG_PROXY, .kind = OPTK_FLAG,
	  FIELD(print_psk),
	  .help = "print the key --secret makes (openssl's -psk), exit" },
	{ .name = "forward-ssl", .group = OPTG_PROXY,
	  .kind = OPTK_FLAG, FIELD(fwd.tls.on),
	  .help = "TLS to the --forward target (as do the next three)" },
	{ .name = "forward-ssl-verify", .group = OPTG_PROXY,
	  .kind = OPTK_FLAG, FIELD(fwd.tls.verify), .also = OPTA_FWD_SSL,
	  .help = "verify the target's certificate and name" },
	{ .name = "forward-ssl-trustfile", .arg = "FILE", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(fwd.tls.trustfile),
	  .also = OPTA_FWD_SSL, .comp = OPTC_FILE,
	  .help = "PEM certificates to trust there" },
	{ .name = "forward-ssl-servername", .arg = "NAME",
	  .group = OPTG_PROXY, .kind = OPTK_STRING,
	  FIELD(fwd.tls.servername), .also = OPTA_FWD_SSL,
	  .help = "SNI and name to check there" },
	{ .letter = 'o', .name = "output", .arg = "FILE", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(output), .comp = OPTC_FILE,
	  .help = "log the data of both directions to FILE, raw" },
	{ .name = "hex-dump", .arg = "FILE", .group = OPTG_PROXY,
	  .kind = OPTK_STRING, FIELD(hex_dump), .comp = OPTC_FILE,
	  .help = "log it to FILE as a hex dump (< received, > sent)" },
	{ .name = "append-output", .group = OPTG_PROXY,
	  .kind = OPTK_FLAG, FIELD(append_output),
	  .help = "append to the log files rather than truncate them" },

	/* Socket options. */
	{ .letter = 'b', .name = "broadcast", .group = OPTG_SOCK,
	  .kind = OPTK_FLAG, FIELD(side.sock.broadcast), .help = "allow broadcast" },
	{ .letter = 'D', .name = "debug", .group = OPTG_SOCK,
	  .kind = OPTK_FLAG, FIELD(side.sock.so_debug), .help = "SO_DEBUG" },
	{ .letter = 'I', .name = "recv-buf", .arg = "LENGTH",
	  .group = OPTG_SOCK, .kind = OPTK_NUMBER, FIELD(side.sock.rcvbuf),
	  .lo = 1, .hi = 65536 * 1024, .what = "TCP receive window",
	  .help = "socket receive buffer size (TCP, UDP)" },
	{ .letter = 'O', .name = "send-buf", .arg = "LENGTH",
	  .group = OPTG_SOCK, .kind = OPTK_NUMBER, FIELD(side.sock.sndbuf),
	  .lo = 1, .hi = 65536 * 1024, .what = "TCP send window",
	  .help = "TCP send buffer size" },
	{ .letter = 'S', .name = "md5sig", .group = OPTG_SOCK,
	  .set = opt_md5sig,
	  .help = "TCP MD5 signatures (the key is read from the tty)" },
	{ .letter = 'M', .name = "ttl", .arg = "TTL", .group = OPTG_SOCK,
	  .kind = OPTK_NUMBER, FIELD(side.sock.ttl), .lo = 0, .hi = 255, .what = "ttl",
	  .help = "outgoing TTL / hop limit" },
	{ .letter = 'm', .name = "min-ttl", .arg = "MINTTL",
	  .group = OPTG_SOCK, .kind = OPTK_NUMBER, FIELD(side.sock.minttl),
	  .lo = 0, .hi = 255, .what = "minttl",
	  .help = "minimum incoming TTL / hop limit" },
	{ .letter = 'T', .name = "tos", .arg = "KEYWORD", .group = OPTG_SOCK,
	  .set = opt_tos, .comp = OPTC_TOS,
	  .help = "TOS: lowdelay, throughput, ef, af11, cs1, ... or 0-255" },
	{ .name = "keepalive", .arg = "IDLE,INTERVAL,COUNT",
	  .has_arg = optional_argument, .group = OPTG_SOCK,
	  .set = opt_keepalive, FIELD(side.sock.keepalive),
	  .help = "TCP keepalive (probe times, count)" },
	{ .name = "nodelay", .group = OPTG_SOCK,
	  .kind = OPTK_FLAG, FIELD(side.sock.nodelay),
	  .line = "TCP_NODELAY; -l sharing its port",
	  .help = "TCP_NODELAY: small writes go out at once" },
	{ .name = "reuseport", .group = OPTG_SOCK,
	  .kind = OPTK_FLAG, FIELD(side.sock.reuseport), .joins = 1,
	  .help = "with -l: SO_REUSEPORT, a listener per processor" },
	{ .name = "mcast-if", .arg = "INTERFACE", .group = OPTG_SOCK,
	  .kind = OPTK_STRING, FIELD(side.sock.mcast_if),
	  .help = "multicast interface (name or address), -u" },
	{ .name = "mcast-loop", .arg = "on|off", .group = OPTG_SOCK,
	  .set = opt_mcast_loop, FIELD(side.sock.mcast_loop), .comp = OPTC_WORDS,
	  .words = "on off",
	  .help = "whether this host hears what it sends to a group" },

	/* Information. */
	{ .letter = 'v', .name = "verbose", .group = OPTG_INFO,
	  .kind = OPTK_COUNT, FIELD(verbose),
	  .help = "report connections (twice: also --stats)" },
	{ .name = "stats", .group = OPTG_INFO, .kind = OPTK_FLAG, FIELD(stats),
	  .help = "show bytes and datagrams moved at the end" },
	{ .name = "progress", .arg = "WHEN", .has_arg = optional_argument,
	  .group = OPTG_INFO, .set = opt_progress, .comp = OPTC_WORDS,
	  .words = "auto always never",
	  .help = "live progress on stderr: auto, always, never" },
	{ .letter = 'h', .name = "help", .group = OPTG_INFO,
	  .set = opt_help, .exits = 1, .help = "this help" },
	{ .name = "version", .group = OPTG_INFO, .set = opt_version,
	  .exits = 1, .help = "the version" },

	/* Not for users: the tables, for the completions' maker, tests. */
	{ .name = "dump-options", .group = OPTG_HIDDEN, .set = opt_dump,
	  .exits = 1, .help = "print the option table" },
	{ .name = "dump-modes", .group = OPTG_HIDDEN, .set = opt_dump,
	  .value = 1, .exits = 1, .help = "print the modes' refusals" },
};

/* The table and its length. */
__startup const struct optdef *
opt_table(size_t *n)
{
	*n = sizeof(optdefs) / sizeof(optdefs[0]);
	return (optdefs);
}

/*
 * A number option within [lo, hi].  The message is netcat's: "what errstr:
 * arg", or "what is errstr" for the options where it says so.
 */
static long long
number(const char *what, const char *arg, long long lo, long long hi)
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
 * A time option within [min_s, max_s] seconds, in milliseconds; netcat's
 * "what errstr: arg" for anything bad.
 */
static long long
time_value(const char *what, const char *arg, long long min_s,
    long long max_s)
{
	const char	*errstr;
	long long	 ms;

	if (parse_time(arg, min_s, max_s, &ms, &errstr) == -1)
		fatalx("%s %s: %s", what, errstr, arg);
	return (ms);
}

/*
 * The options before the command line is read: what opt_on() compares a
 * field with, and what cmdline_parse() starts from.
 */
__startup void
opt_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->side.sock.family = AF_UNSPEC;
	o->side.sock.socktype = SOCK_STREAM;
	o->side.sock.ttl = o->side.sock.minttl = o->side.sock.tos = o->side.sock.mcast_loop = -1;
	o->side.timeout_ms = TIME_NONE;
	o->flow.quit_ms = TIME_NONE;
	o->flow.deadline_ms = TIME_NONE;
	o->stall_ms = TIME_NONE;
	o->side.retry_ms = TIME_NONE;
	o->side.sock.listen_fd = -1;
	o->side.ws.ping_ms = TIME_NONE;
	o->side.ws.pong_ms = TIME_NONE;
	gate_init(&o->side.gate);
	o->progress = PROGRESS_NEVER;
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
 * Is the option of row d in effect in o, as the conflict rows ask once
 * the command line is read: 1 or 0, or -1 when the row cannot say (no
 * field and no function), which is a fault of the table.  What counts
 * is the field, not whether the option was given: --broker also sets
 * -l's field, and of -4 and -U the last one given wins.
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
 * Apply one option given on the command line, with its argument (or
 * NULL): the row's kind says how, and a custom row runs its function.
 * Exits with netcat's message on a value it would refuse.
 */
__startup void
opt_apply(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		*p = (char *)o + d->field;

	switch (d->kind) {
	case OPTK_FLAG:
		opt_store(o, d, d->value != 0 ? d->value : 1);
		break;
	case OPTK_COUNT:
		(*(int *)p)++;
		break;
	case OPTK_TIME:
		opt_store(o, d, time_value(d->what, arg, d->lo, d->hi));
		break;
	case OPTK_NUMBER:
		opt_store(o, d, number(d->what, arg, d->lo, d->hi));
		break;
	case OPTK_STRING:
		*(const char **)p = arg;
		break;
	case OPTK_CUSTOM:
		d->set(cl, d, arg);
		break;
	}
	if (d->also == OPTA_SSL)
		o->side.tls.on = 1;
	else if (d->also == OPTA_FWD_SSL)
		o->fwd.tls.on = 1;
}

/* -e, -c: the program; only one of the two forms. */
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

/*
 * --allow, --deny and their files: in effect when there is a rule, of
 * either kind; the rules are one list, which the conflicts ask about
 * whole ("cannot use --allow or --deny with -U").
 */
static __startup int
on_gate(const struct options *o, const struct optdef *d)
{
	(void)d;
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

/* -h, --help. */
static void
opt_help(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	(void)arg;
	/* The parser prints it: the text is made from this table. */
	cl->action = CL_HELP;
}

/*
 * --version: the version, then what was built in, for a bug report or to
 * know whether --ssl can work here.
 */
static void
opt_version(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)cl;
	(void)d;
	(void)arg;
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	printf("TLS: %s\n", tls_available() ?
	    "yes, OpenSSL 3 (loaded when first used)" : "no");
	printf("event backend: %s\n", ev_backend());
	/* The pump always has them; --no-splice turns them off. */
	printf("splice: yes (and sendfile)\n");
	exit(0);
}

/*
 * --dump-options: the table, for completions/gen.py and the tests;
 * --dump-modes, what each mode of sockcat's own refuses, for the tests.
 */
static void
opt_dump(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)arg;
	cl->action = d->value ? CL_DUMP_MODES : CL_DUMP;
}

/*
 * -q: Debian's meaning: a negative value is "never"; any other also shuts
 * the socket down at stdin EOF.
 */
static void
opt_quit(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;

	(void)d;
	o->flow.quit_ms = time_value("quit timer", arg, INT_MIN, INT_MAX);
	if (o->flow.quit_ms < 0)
		o->flow.quit_ms = TIME_NONE;
}

/*
 * -S: read the TCP MD5 key from the terminal, as netcat does when it sees
 * the option; without a terminal there is no key to read.
 */
static void
opt_md5sig(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		 key[MD5SIG_KEY_MAX + 1];

	(void)d;
	(void)arg;
	if (readpassphrase("TCP MD5SIG password: ", key, sizeof(key),
	    RPP_REQUIRE_TTY) == NULL)
		fatalx("Unable to read TCP MD5SIG password");
	free(o->side.sock.md5sig);
	if ((o->side.sock.md5sig = strdup(key)) == NULL)
		fatal("strdup");
	explicit_bzero(key, sizeof(key));
}

/* -T: a keyword of parse_tos_name() or a number. */
static void
opt_tos(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if (parse_tos(arg, &cl->o->side.sock.tos) == -1)
		fatalx("illegal tos value %s", arg);
}

/* -V: routing tables are an OpenBSD feature. */
static void
opt_rtable(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)cl;
	(void)d;
	(void)arg;
	fatalx("no alternate routing table support available");
}

/* -x: the proxy's address, parsed once the protocol is known. */
static void
opt_proxy(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if (cl->nproxy == PROXY_HOPS_MAX)
		fatalx("too many proxies (at most %d)", PROXY_HOPS_MAX);
	/* nc has -x alone, and no URL: the rest is sockcat's. */
	if (cl->by_long || proxy_url_is(arg, strlen(arg)))
		cl->proxy_own = 1;
	cl->proxy[cl->nproxy++] = arg;
}

/* --listen-fd: a listening socket an inetd-like supervisor left open. */
static void
opt_listen_fd(struct cmdline *cl, const struct optdef *d, char *arg)
{
	const char	*errstr;

	(void)d;
	cl->o->side.sock.listen_fd = strtonum(arg, 0, INT_MAX, &errstr);
	if (errstr != NULL)
		fatalx("listen-fd %s: %s", errstr, arg);
	cl->listen_fd = 1;
}

/* -X, --proxy-type: only the long name makes a listener a proxy. */
static void
opt_proxy_type(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if ((cl->o->side.proxy.proto = proxy_parse_proto(arg)) == -1)
		fatalx("unsupported proxy protocol: %s (use 4, 4a, 5 or "
		    "connect)", arg);
	if (cl->by_long)
		cl->proxy_type = 1;
}

/* -P: the proxy user, whose password is asked for. */
static void
opt_proxy_user(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	cl->o->side.proxy.user = arg;
	cl->o->side.proxy.pass = NULL;
	cl->auth_nopass = 0;
}

/*
 * Overwrite the len bytes of a secret at s, a command-line argument, in
 * place, once it has been copied: every user can read a command line
 * (ps(1), /proc/PID/cmdline), and what the kernel shows is argv's own
 * memory.  Its length stays, as curl leaves it.
 */
void
opt_hide_secret(char *s, size_t len)
{
	memset(s, '*', len);
}

/*
 * An address given on the command line (arg, argv's own memory) whose
 * secret= option is blanked there, as --secret's code is: returns a copy
 * to read it from, or arg itself when it has none.
 */
char *
opt_hide_address_secret(char *arg)
{
	char	*copy;

	if (strstr(arg, ",secret=") == NULL)
		return (arg);
	if ((copy = strdup(arg)) == NULL)
		fatal("strdup");
	addr_hide_secret(arg);
	return (copy);
}

/*
 * Overwrite the password of url, a ws:// or wss:// URL of the command
 * line ("ws://user:password@host/"), once it has been read, as
 * opt_hide_secret() does; the rest stays as given, so that ps(1) shows
 * it and pgrep -f finds it.  A URL without one is left alone.
 */
void
opt_hide_url_password(char *url)
{
	char	*p, *at, *colon;

	if (strncasecmp(url, "ws://", 5) != 0 &&
	    strncasecmp(url, "wss://", 6) != 0)
		return;
	p = url + strcspn(url, ":") + 3;
	if ((at = memrchr(p, '@', strcspn(p, "/?#"))) != NULL &&
	    (colon = memchr(p, ':', at - p)) != NULL)
		opt_hide_secret(colon + 1, at - colon - 1);
}

/*
 * The proxy credentials are s, "user:pass" or "user" (the password then
 * asked for on the terminal), which is kept and cut in two in place.
 */
void
opt_credentials(struct cmdline *cl, char *s)
{
	char	*colon;

	cl->o->side.proxy.user = s;
	cl->o->side.proxy.pass = NULL;
	cl->auth_nopass = 1;
	if ((colon = strchr(s, ':')) == NULL)
		return;
	*colon = '\0';
	cl->o->side.proxy.pass = colon + 1;
	cl->auth_nopass = 0;
}

/*
 * --proxy-auth user:pass; without a colon, the password is asked for on
 * the terminal.
 */
static void
opt_proxy_auth(struct cmdline *cl, const struct optdef *d, char *arg)
{
	static char	*copy;
	char		*colon;

	(void)d;
	/* A copy, kept to the end: the password in argv is hidden. */
	if (copy != NULL) {
		explicit_bzero(copy, strlen(copy));
		free(copy);
	}
	if ((copy = strdup(arg)) == NULL)
		fatal("strdup");
	if ((colon = strchr(arg, ':')) != NULL)
		opt_hide_secret(colon + 1, strlen(colon + 1));
	opt_credentials(cl, copy);
}

/* --proxy-dns: local, remote, both or none. */
static void
opt_proxy_dns(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if ((cl->o->side.proxy.dns = proxy_parse_dns(arg)) == -1)
		fatalx("proxy DNS invalid: %s (local, remote, both or none)",
		    arg);
}

/* --mcast-loop: on or off. */
static void
opt_mcast_loop(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if (strcmp(arg, "on") == 0)
		cl->o->side.sock.mcast_loop = 1;
	else if (strcmp(arg, "off") == 0)
		cl->o->side.sock.mcast_loop = 0;
	else
		fatalx("multicast loop invalid: %s (on or off)", arg);
}

/*
 * --allow, --deny (value bit 1) and their files (value bit 2): a rule,
 * or a file of them; exits on a bad one.
 */
static void
opt_gate(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct gate	*g = &cl->o->side.gate;
	char		*cause;
	int		 rc, deny = d->value & 1;

	if (d->value & 2)
		rc = gate_add_file(g, deny, arg, &cause);
	else
		rc = gate_add(g, deny, arg, &cause);
	if (rc == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/*
 * --auth user:password, --auth-file (value 1), --auth-token (value 2): a
 * user, a file of them, or the token; exits on a bad one.  A password or
 * token in argv is hidden from ps(1), as --proxy-auth's is.
 */
static void
opt_auth(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct auth_conf	*c = &cl->o->side.auth;
	char			*cause, *colon, *token;
	int			 rc = 0;

	switch (d->value) {
	case 0:
		rc = auth_add(c, arg, &cause);
		if ((colon = strchr(arg, ':')) != NULL)
			opt_hide_secret(colon + 1, strlen(colon + 1));
		break;
	case 1:
		rc = auth_file_read(c, arg, &cause);
		break;
	default:
		if (*arg == '\0' || strlen(arg) > HTTP_CRED_MAX ||
		    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		    "qrstuvwxyz0123456789-._~+/=") != strlen(arg))
			fatalx("auth-token invalid: letters, digits and "
			    "-._~+/= only, up to %d", HTTP_CRED_MAX);
		/* A copy, kept to the end: the token in argv is hidden. */
		if ((token = strdup(arg)) == NULL)
			fatal("strdup");
		free((char *)c->token);
		c->token = token;
		opt_hide_secret(arg, strlen(arg));
		break;
	}
	if (rc == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/* --progress[=WHEN]: auto (the default), always or never. */
static void
opt_progress(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if (arg == NULL || strcmp(arg, "auto") == 0)
		cl->o->progress = PROGRESS_AUTO;
	else if (strcmp(arg, "always") == 0)
		cl->o->progress = PROGRESS_ALWAYS;
	else if (strcmp(arg, "never") == 0)
		cl->o->progress = PROGRESS_NEVER;
	else
		fatalx("progress invalid: %s (auto, always or never)", arg);
}

/* --retry N or forever: how many tries after the first. */
static void
opt_retry(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if (strcmp(arg, "forever") == 0)
		cl->o->side.retries = RETRY_FOREVER;
	else
		cl->o->side.retries = number("retry count", arg, 0, INT_MAX);
}

/*
 * --reconnect[=MAX]: dial again after a loss, up to MAX attempts each
 * time (none: for ever).
 */
static void
opt_reconnect(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	cl->o->side.reconnect = 1;
	cl->o->side.reconnect_max = arg == NULL ? 0 :
	    number("reconnect count", arg, 1, INT_MAX);
}

/*
 * --retry-interval TIME, at least RETRY_MIN_MS: tries that follow each
 * other without a pause would only spin the processor.
 */
static void
opt_retry_interval(struct cmdline *cl, const struct optdef *d, char *arg)
{
	long long	 ms;

	(void)d;
	if ((ms = time_value("retry interval", arg, 0, INT_MAX / 1000)) <
	    RETRY_MIN_MS)
		fatalx("retry interval too small: %s (at least %dms)", arg,
		    RETRY_MIN_MS);
	cl->o->side.retry_ms = ms;
}

/*
 * A --keepalive time in whole seconds, rounded up: "0.2" is a second, not
 * the system's value.  Zero is refused: TCP has no keepalive time of 0,
 * and a probe every second is not what "0" says.
 */
static int
keepalive_time(const char *what, const char *arg)
{
	long long	 ms;

	if ((ms = time_value(what, arg, 0, 32767)) == 0)
		fatalx("%s too small: %s", what, arg);
	return ((ms + 999) / 1000);
}

/*
 * --keepalive=IDLE[,INTERVAL[,COUNT]]: times in whole seconds (rounded
 * up) as TCP takes them, a count of probes; an empty or missing field
 * keeps the system's value.
 */
static void
opt_keepalive(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		*copy, *field, *rest;
	int		 i;

	(void)d;
	o->side.sock.keepalive = 1;
	if (arg == NULL)
		return;
	if ((copy = strdup(arg)) == NULL)
		fatal("strdup");
	rest = copy;
	for (i = 0; (field = strsep(&rest, ",")) != NULL; i++) {
		if (i > 2)
			fatalx("keepalive invalid: %s (IDLE,INTERVAL,COUNT)",
			    arg);
		if (*field == '\0')
			continue;
		if (i == 0)
			o->side.sock.keepidle = keepalive_time("keepalive idle time",
			    field);
		else if (i == 1)
			o->side.sock.keepintvl = keepalive_time("keepalive interval",
			    field);
		else
			o->side.sock.keepcnt = number("keepalive count", field, 1, 127);
	}
	free(copy);
}

/* The value of a hex digit, or -1. */
static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* --ssl-min-version, --ssl-max-version: "1.0" to "1.3". */
static void
opt_ssl_version(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct tls_conf	*c = &cl->o->side.tls;
	int		 v;

	if ((v = tls_version_parse(arg)) == -1)
		fatalx("%s invalid: %s (1.0, 1.1, 1.2 or 1.3)", d->name, arg);
	if (strcmp(d->name, "ssl-min-version") == 0)
		c->min_version = v;
	else
		c->max_version = v;
}

/*
 * --ssl-pin: a SHA-256 fingerprint in hex, 64 digits, with or without
 * colons between the bytes (as openssl x509 -fingerprint prints it).
 */
static void
opt_ssl_pin(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	unsigned char	 pin[TLS_PIN_LEN];
	const char	*p = arg;
	size_t		 n = 0;
	int		 hi, lo;

	(void)d;
	while (*p != '\0' && n < sizeof(pin)) {
		if (*p == ':' && n > 0) {
			p++;
			continue;
		}
		if ((hi = hex_digit(p[0])) == -1 || p[1] == '\0' ||
		    (lo = hex_digit(p[1])) == -1)
			break;
		pin[n++] = hi << 4 | lo;
		p += 2;
	}
	if (n != sizeof(pin) || *p != '\0')
		fatalx("ssl-pin invalid: %s (64 hex digits of a SHA-256 "
		    "fingerprint)", arg);
	if ((o->side.tls.pins = reallocarray(o->side.tls.pins, o->side.tls.npins + 1,
	    sizeof(*o->side.tls.pins))) == NULL)
		fatal("reallocarray");
	memcpy(o->side.tls.pins[o->side.tls.npins++], pin, sizeof(pin));
}

/*
 * --secret[=CODE]: the code, copied and blanked in argv as a password is
 * (opt_hide_secret()); without one, step_secret() finds it.  Until then
 * the field holds "", which says the option is in effect.
 */
static void
opt_secret(struct cmdline *cl, const struct optdef *d, char *arg)
{
	static char	*copy;

	(void)d;
	if (copy != NULL) {
		explicit_bzero(copy, strlen(copy));
		free(copy);
		copy = NULL;
	}
	cl->secret_bare = arg == NULL;
	if (arg == NULL) {
		cl->o->side.tls.secret = "";
		return;
	}
	if ((copy = strdup(arg)) == NULL)
		fatal("strdup");
	opt_hide_secret(arg, strlen(arg));
	cl->o->side.tls.secret = copy;
}

/* --secret-file: the code is the file's first line. */
static void
opt_secret_file(struct cmdline *cl, const struct optdef *d, char *arg)
{
	static char	*line;
	size_t		 size = 0;
	ssize_t		 n;
	FILE		*f;

	(void)d;
	if ((f = fopen(arg, "r")) == NULL)
		fatal("--secret-file %s", arg);
	if (line != NULL)
		explicit_bzero(line, strlen(line));
	if ((n = getline(&line, &size, f)) == -1) {
		if (ferror(f))
			fatal("--secret-file %s", arg);
		fatalx("--secret-file %s: the file is empty", arg);
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	cl->secret_bare = 0;
	cl->o->side.tls.secret = line;
}

/* --forward: one more target, in order. */
static void
opt_forward(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;

	(void)d;
	o->fwd.targets = reallocarray(o->fwd.targets, o->fwd.n + 1,
	    sizeof(*o->fwd.targets));
	if (o->fwd.targets == NULL)
		fatal("reallocarray");
	if (o->fwd.lines != NULL && (o->fwd.lines = recallocarray(o->fwd.lines,
	    o->fwd.n, o->fwd.n + 1, sizeof(*o->fwd.lines))) == NULL)
		fatal("recallocarray");
	o->fwd.targets[o->fwd.n++] = opt_hide_address_secret(arg);
}

/*
 * --forward-file: the file's targets join the --forward ones where it
 * stands on the command line; SIGHUP reads it again.
 */
static void
opt_forward_file(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		*cause, **targets;
	size_t		*lines, n, i;

	(void)d;
	if (o->fwd.file != NULL)
		fatalx("--forward-file given twice: one file holds the "
		    "targets");
	if ((o->fwd.text = forward_read_file(arg, &targets, &lines, &n,
	    &cause)) == NULL)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	o->fwd.file = arg;
	o->fwd.targets = reallocarray(o->fwd.targets, o->fwd.n + n,
	    sizeof(*o->fwd.targets));
	o->fwd.lines = recallocarray(o->fwd.lines, o->fwd.n, o->fwd.n + n,
	    sizeof(*o->fwd.lines));
	if (o->fwd.targets == NULL || o->fwd.lines == NULL)
		fatal("reallocarray");
	memcpy(o->fwd.targets + o->fwd.n, targets, n * sizeof(*targets));
	for (i = 0; i < n; i++)
		o->fwd.lines[o->fwd.n + i] = lines[i];
	o->fwd.file_at = o->fwd.n;
	o->fwd.n += n;
	o->fwd.nfile = n;
	free(targets);
	free(lines);
}

/* --send-proxy: v1 or v2. */
static void
opt_send_proxy(struct cmdline *cl, const struct optdef *d, char *arg)
{
	(void)d;
	if ((cl->o->fwd.send_proxy = proxyproto_version(arg)) == -1)
		fatalx("send-proxy invalid: %s (v1 or v2)", arg);
}

/*
 * --ws-allow-origin, --ws-path: one more of a list.  Neither may hold a
 * control character, which no request line or header could match.
 */
static void
opt_ws_list(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		***list;
	size_t		*n;
	const char	*p;

	if (strcmp(d->name, "ws-path") == 0) {
		list = &o->side.ws.paths;
		n = &o->side.ws.npaths;
		if (*arg != '/')
			fatalx("ws-path invalid: %s (a path starts with /)",
			    arg);
	} else {
		list = &o->side.ws.allow_origins;
		n = &o->side.ws.nallow_origins;
	}
	for (p = arg; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fatalx("%s invalid: %s", d->name, arg);
	}
	*list = reallocarray(*list, *n + 1, sizeof(**list));
	if (*list == NULL)
		fatal("reallocarray");
	(*list)[(*n)++] = arg;
}

/*
 * --ws-header: one more line of the upgrade request; --ws-server-header
 * (d->value 1): of the server's answer.
 */
static void
opt_ws_header(struct cmdline *cl, const struct optdef *d, char *arg)
{
	struct options	*o = cl->o;
	char		***list = &o->side.ws.headers;
	size_t		*n = &o->side.ws.nheaders, i, total;

	if (d->value == 1) {
		list = &o->side.ws.server_headers;
		n = &o->side.ws.nserver_headers;
	}
	if (strchr(arg, ':') == NULL || *arg == ':' ||
	    strpbrk(arg, "\r\n") != NULL)
		fatalx("%s invalid: %s (Name: value)", d->name, arg);
	/* Half the header block at most: the rest is the protocol's. */
	total = strlen(arg) + 2;
	for (i = 0; i < *n; i++)
		total += strlen((*list)[i]) + 2;
	if (total > WS_HEAD_MAX / 2)
		fatalx("%s: the headers are longer than %d bytes", d->name,
		    WS_HEAD_MAX / 2);
	*list = reallocarray(*list, *n + 1, sizeof(**list));
	if (*list == NULL)
		fatal("reallocarray");
	(*list)[(*n)++] = arg;
}
