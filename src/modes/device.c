/*
 * A terminal device with stdin and stdout ("sockcat serial:/dev/ttyUSB0,
 * 115200 -", "sockcat pty:/tmp/ttyV0 -"): the device opened as its
 * address says (src/io/device.c), relayed both ways until stdin ends.
 * A device paired with a socket is this mode too, run as the program of
 * the socket's side (src/front/pair.c), once for each connection.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"

struct device {
	const struct job	*j;
	struct session		*s;
	struct channel		*tx;	/* stdin -> device */
	struct channel		*rx;	/* device -> stdout */
	struct ev_timer		 quit;	/* -q: answers awaited after stdin */
	int			 quitting; /* the -q delay is over */
	int			 status;
};

/*
 * Over when the device has hung up and what it said is delivered, or
 * when stdin has ended and what it gave is written: a line has no
 * end-of-file to wait for.  With -q the answers are relayed that much
 * longer.  Without stdin (-d), until the device hangs up.
 */
static int
device_check(struct session *s)
{
	struct device	*d = s->arg;
	long long	 ms = d->j->flow->quit_ms;

	/* --raw: "~." was typed. */
	if (channel_ended(d->rx) || (d->tx != NULL && term_escaped(d->tx)))
		return (1);
	/* -d: until the device hangs up. */
	if (d->tx == NULL || !channel_ended(d->tx))
		return (0);
	if (ms <= 0 || d->quitting)
		return (1);
	if (!ev_timer_armed(&d->quit))
		ev_timer_arm(&d->quit, ms);
	return (0);
}

static void
device_quit_cb(void *arg)
{
	struct device	*d = arg;

	d->quitting = 1;
	if (d->s != NULL)
		session_finish(d->s);
}

static void
device_finished(struct session *s)
{
	struct device	*d = s->arg;

	if (session_report(s) != 0)
		d->status = 1;
	ev_timer_disarm(&d->quit);
	term_stop(d->tx);
	session_free(s);
	d->s = NULL;
	ev_break();
}

/* Open the device of o->device; returns its descriptor, or -1, said. */
static int
device_open(const struct job *j, const char **name)
{
	struct addr	 a;
	const char	*errstr;
	char		*cause = NULL;
	unsigned long	 bps = 0;
	int		 fd, slave;

	if (addr_parse(j->local->device, &a, &errstr) == -1) {
		log_warnx("%s: %s", j->local->device, errstr);
		return (-1);
	}
	if (a.kind == ADDR_SERIAL) {
		if (a.speed != NULL)
			bps = strtoul(a.speed, NULL, 10);
		*name = "serial line";
		fd = serial_open(a.path, bps, addr_opt(&a, "crtscts") != NULL &&
		    strcmp(addr_opt(&a, "crtscts"), "1") == 0, &cause);
		if (fd != -1)
			log_verbose(1, "Serial line %s raw, 8N1 at %s", a.path,
			    a.speed != NULL ? a.speed : "its own speed");
	} else {
		*name = "terminal";
		/* The terminal side stays open until exit (ptylink_open()). */
		fd = ptylink_open(a.path, &slave, &cause);
		if (fd != -1)
			log_verbose(1, "Terminal %s at %s", ptylink_name(),
			    a.path);
	}
	if (fd == -1) {
		log_warnx("%s: %s", j->local->device, cause != NULL ? cause :
		    strerror(errno));
		free(cause);
	}
	return (fd);
}

/*
 * Relay stdin and stdout with the device of o->device until stdin ends
 * (and -q's delay after it) or the device hangs up.  Returns the exit
 * status: 1 when the device cannot be opened or data was lost.
 */
int
device_relay(const struct job *j)
{
	struct device	 d = { .j = j };
	struct endpoint	*dev, *in, *out;
	const char	*name;
	int		 fd;

	if ((fd = device_open(j, &name)) == -1)
		return (1);
	ev_timer_init(&d.quit, device_quit_cb, &d);
	if ((d.s = session_new(device_check, device_finished, &d)) == NULL ||
	    (dev = device_endpoint(d.s, name, fd)) == NULL ||
	    (out = stdio_out(d.s)) == NULL)
		fatal("device");
	in = stdio_in(d.s, j->flow->no_stdin);
	if ((d.rx = session_channel(d.s, "receive", dev, out,
	    CH_SHUTDOWN | CH_COPY)) == NULL ||
	    (in != NULL && (d.tx = session_channel(d.s, "send", in, dev,
	    CH_COPY)) == NULL))
		fatal("device");
	if (d.tx != NULL && j->flow->crlf)
		d.tx->xform = crlf_xform;
	/* --raw: every key goes down the line; "~." leaves. */
	if (d.tx != NULL && j->local->raw && term_start_line(d.tx) == -1)
		fatal("--raw");
	if (session_start(d.s) == -1)
		fatal("device");
	if (d.s != NULL && ev_loop() == -1)
		fatal("poll");
	return (d.status);
}
