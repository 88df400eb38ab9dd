/*
 * The modes, one row each: which command line a mode serves, and which
 * function of src/modes/ starts it.  The modes themselves, the -U and
 * -u -l ones included, live in src/modes/; this is only the table.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include "front.h"

static __startup int
is_device(const struct options *o)
{
	return (o->device != NULL);
}

static __startup int
is_chat_server(const struct options *o)
{
	return (o->chat && o->listen);
}

static __startup int
is_chat_client(const struct options *o)
{
	return (o->chat);
}

static __startup int
is_forward(const struct options *o)
{
	return (o->nforward > 0);
}

static __startup int
is_unix_scan(const struct options *o)
{
	return (o->family == AF_UNIX && o->zero);
}

static __startup int
is_unix_server(const struct options *o)
{
	return (o->family == AF_UNIX && o->listen);
}

static __startup int
is_unix_client(const struct options *o)
{
	return (o->family == AF_UNIX);
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
	return (o->listen && o->socktype == SOCK_DGRAM);
}

static __startup int
is_server(const struct options *o)
{
	return (o->listen);
}

static int
is_client(const struct options *o)
{
	(void)o;
	return (1);
}

/* The first row whose test holds is the mode. */
static const struct mode {
	int	(*is)(const struct options *);
	int	(*run)(const struct options *);
} modes[] = {
	{ is_device,		device_relay },
	{ is_chat_server,	chat_listen },
	{ is_chat_client,	chat_connect },
	{ is_forward,		forward_listen },
	{ is_unix_scan,		unix_scan },
	{ is_unix_server,	unix_listen },
	{ is_unix_client,	unix_connect },
	{ is_scan,		scan_ports },
	{ is_room,		room_listen },
	{ is_broker,		broker_listen },
	{ is_proxy_server,	proxyd_listen },
	{ is_dgram_server,	dgram_listen },
	{ is_server,		plain_listen },
	{ is_client,		plain_connect },
};

/* Run the mode the command line asks for.  Returns the exit status. */
__startup int
mode_run(const struct options *o)
{
	size_t	 i;

	for (i = 0; i < nitems(modes); i++) {
		if (modes[i].is(o))
			return (modes[i].run(o));
	}
	return (plain_connect(o));
}
