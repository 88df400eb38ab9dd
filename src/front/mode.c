/*
 * The modes, one row each: its name (said with -vv as it starts), which
 * command line it serves, and which function of src/modes/ runs it.  The
 * modes themselves, the -U and -u -l ones included, live in src/modes/;
 * this is only the table.  A server mode's function opens its socket
 * with listen_open() and gives it, with its own row of the listener
 * (struct listen_ops: the function that receives each ready connection),
 * to listener_run(): the listener admits, names, runs the TLS handshake
 * and the WebSocket upgrade, and the connection it hands over gives its
 * place at the gate back when the mode frees it.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "front.h"

static __startup int
is_join(const struct options *o)
{
	return (o->joinmode);
}

static __startup int
is_chat_server(const struct options *o)
{
	return (o->chat && o->sd->listen);
}

static __startup int
is_chat_client(const struct options *o)
{
	return (o->chat);
}

static __startup int
is_forward(const struct options *o)
{
	return (o->fwd.n > 0 || o->pairfwd.n > 0);
}

static __startup int
is_unix_scan(const struct options *o)
{
	return (o->sd->sock.family == AF_UNIX && o->zero);
}

static __startup int
is_unix_server(const struct options *o)
{
	return (o->sd->sock.family == AF_UNIX && o->sd->listen);
}

static __startup int
is_unix_client(const struct options *o)
{
	return (o->sd->sock.family == AF_UNIX && !o->sd->tls.on);
}

static __startup int
is_scan(const struct options *o)
{
	return (o->zero);
}

static __startup int
is_room(const struct options *o)
{
	return (o->room);
}

static __startup int
is_broker(const struct options *o)
{
	return (o->broker);
}

static __startup int
is_proxy_server(const struct options *o)
{
	return (o->proxy_serve);
}

static __startup int
is_dgram_server(const struct options *o)
{
	return (o->sd->listen && o->sd->sock.socktype == SOCK_DGRAM);
}

static __startup int
is_server(const struct options *o)
{
	return (o->sd->listen);
}

static int
is_client(const struct options *o)
{
	(void)o;
	return (1);
}

/*
 * The modes of sockcat's own (not netcat's) that run the whole command
 * line: each is selected by one fact (an option, or a condition of the
 * conflict table: "proxy-server"), takes no other mode and no near end
 * (others), and uses no option of unused.  cmdline-check.c refuses a command
 * line that names one of them with any of the rest, in one line, and the
 * completions learn from the same rows what excludes what.  netcat's own
 * modes keep netcat's ways: an option they do not use is ignored.
 */
#define MODE_SERVER_UNUSED						\
	"-t -i --delay -W -N --no-shutdown --quit-after --half-close "	\
	"--pty --raw --retry --retry-interval --reconnect "		\
	"--on-connect -F -r"
/* What only edits lines typed to a person: a chat's, a room's. */
#define MODE_NOT_TYPED_AT	"--readline --readline-history "
static const struct mode_rule mode_rules[] = {
	{ .fact = "--chat",
	  .others = "-e -c --fifo --broker --room proxy-server --forward",
	  .unused = "-t -W --delay --half-close --no-splice --pty "
	  "--reconnect --on-connect -F -o --hex-dump --send-only "
	  "--recv-only" },
	{ .fact = "--forward",
	  .others = "-e -c --fifo --broker --room --chat proxy-server",
	  .unused = "-C -d --send-only --recv-only " MODE_NOT_TYPED_AT
	  MODE_SERVER_UNUSED,
	  .why = "relays bytes unchanged" },
	{ .fact = "--room",
	  .others = "-e -c --fifo --broker --chat --forward proxy-server",
	  .unused = "-C --no-splice -o --hex-dump " MODE_SERVER_UNUSED },
	{ .fact = "--broker",
	  .others = "-e -c --fifo --room --chat --forward proxy-server",
	  .unused = "-C --no-splice -o --hex-dump " MODE_NOT_TYPED_AT
	  MODE_SERVER_UNUSED },
	{ .fact = "proxy-server",
	  .others = "-e -c --fifo --broker --room --chat --forward",
	  .unused = "-C -d --send-only --recv-only --no-splice -o "
	  "--hex-dump " MODE_NOT_TYPED_AT MODE_SERVER_UNUSED },
};

/* The rows above, for cmdline-check.c. */
__startup const struct mode_rule *
mode_rule_table(size_t *n)
{
	*n = nitems(mode_rules);
	return (mode_rules);
}

/* The first row whose test holds is the mode. */
static const struct mode {
	const char	*name;
	int		(*is)(const struct options *);
	int		(*run)(const struct job *);
} modes[] = {
	{ "join",		is_join,		join_run },
	{ "chat listener",	is_chat_server,		chat_listen },
	{ "chat",		is_chat_client,		chat_connect },
	{ "forward",		is_forward,		forward_listen },
	{ "unix scan",		is_unix_scan,		unix_scan },
	{ "unix listener",	is_unix_server,		unix_listen },
	{ "unix",		is_unix_client,		unix_connect },
	{ "scan",		is_scan,		scan_ports },
	{ "room",		is_room,		room_listen },
	{ "broker",		is_broker,		broker_listen },
	{ "proxy server",	is_proxy_server,	proxyd_listen },
	{ "datagram listener",	is_dgram_server,	dgram_listen },
	{ "listener",		is_server,		plain_listen },
	{ "client",		is_client,		plain_connect },
};

/*
 * The TLS context of side sd, when it speaks TLS: a server's for a
 * listener, DTLS's over datagrams.  Exits with one line if it cannot be
 * made.
 */
static __startup void
mode_tls(struct side *sd)
{
	char	*cause;
	int	 flags = 0;

	if (!sd->tls.on || sd->tls.ctx != NULL)
		return;
	if (sd->listen)
		flags |= TLS_SERVER;
	if (sd->sock.socktype == SOCK_DGRAM)
		flags |= TLS_DGRAM;
	if ((sd->tls.ctx = tls_ctx_new(&sd->tls, flags, &cause)) == NULL)
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
		.randomize = o->randomize,
		.stats = o->stats,
		.room = o->room,
		.run = o->run,
	};
	size_t	 i;

	for (i = 0; i < nitems(modes) - 1; i++) {
		if (modes[i].is(o))
			break;
	}
	/*
	 * Asked here, not by log_verbose(): an idle server runs only
	 * start-up code (see "The idle footprint" in doc/design.md).
	 */
	if (o->verbose >= 2)
		log_verbose(2, "mode: %s", modes[i].name);
	if (!o->zero)
		mode_tls(o->sd);
	if (o->pairfwd.n > 0)
		j.fwd = &o->pairfwd;
	if (o->joinmode)
		j.peer = o->peer;
	return (modes[i].run(&j));
}
