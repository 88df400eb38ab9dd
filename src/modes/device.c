/*
 * A terminal device joined with stdin and stdout ("sockcat serial:/dev/
 * ttyUSB0,115200 -", "sockcat pty:/tmp/ttyV0 -"), with a program
 * ("sockcat pty:/tmp/ttyV0 exec:./modem") or with another device
 * ("sockcat pty:/tmp/ttyV0 pty:/tmp/ttyV1", a null modem): each opened
 * as its address says (src/io/device.c), relayed both ways.  A device
 * paired with a socket is the forwarder's target instead.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"

struct device {
	const struct job	*j;
	struct session		*s;
	struct channel		*tx;	/* near end -> device */
	struct channel		*rx;	/* device -> near end */
	struct child		*child;	/* a program's, or NULL */
	int			 stdio;	/* the near end is stdin, stdout */
	int			 status;
};

/*
 * The relay's end, declared for the one rule (session.c): over when the
 * device has hung up and what it said is delivered (nothing is sent to a
 * line that hung up), or when the near end has ended and what it gave is
 * written: a line has no end-of-file to wait for.  stdin's end first
 * shows what the device has ready then, and with -q its answers are
 * relayed that much longer.  Without stdin (-d), until the device hangs
 * up.  The end of a program's output, once delivered, ends the relay;
 * two devices, the end of either.
 */
static int
device_declare_end(struct device *d)
{
	long long	 ms = d->j->flow->quit_ms;

	d->rx->flags |= CH_FINAL_NOW;
	if (d->tx == NULL)
		return (0);
	if (!d->stdio)
		d->tx->flags |= CH_FINAL_NOW;
	else if (ms > 0)
		return (channel_grace(d->tx, ms));
	else
		d->tx->flags |= CH_FINAL;
	return (0);
}

/* --raw: "~." was typed; leave now. */
static int
device_watch(struct session *s)
{
	struct device	*d = s->arg;

	return (d->tx != NULL && term_escaped(d->tx) ? SESSION_END :
	    SESSION_RULE);
}

static void
device_child_exited(struct child *child, void *arg)
{
	struct device	*d = arg;

	(void)child;
	if (d->s != NULL)
		session_check(d->s);
	else
		ev_break();	/* the relay was over: its status is known now */
}

static void
device_finished(struct session *s)
{
	struct device	*d = s->arg;

	if (session_report(s) != 0)
		d->status = 1;
	term_stop(d->tx);
	session_free(s);
	d->s = NULL;
	/*
	 * A program's status is sockcat's: one that has not exited yet (its
	 * output ended first) is waited for, its pipes closed now.
	 */
	if (d->child == NULL || d->child->exited)
		ev_break();
}

/*
 * Open the device of side sd (serial:, pty:) as its address says; returns
 * its descriptor, *name (what it is) and *slave (a pseudo-terminal's
 * terminal side, kept open meanwhile; -1 for a line), or -1, said.
 */
int
device_open(const struct side *sd, const char **name, int *slave)
{
	const char	*tty;
	char		*cause = NULL;
	char		 speed[32];
	int		 fd;

	*slave = -1;
	if (sd->kind == SIDE_SERIAL) {
		*name = "serial line";
		fd = serial_open(sd->path, sd->speed, sd->crtscts, &cause);
		snprintf(speed, sizeof(speed), "%lu", sd->speed);
		if (fd != -1)
			log_verbose(1, "Serial line %s raw, 8N1 at %s",
			    sd->path, sd->speed != 0 ? speed : "its own speed");
	} else {
		*name = "terminal";
		/* The terminal side stays open until exit (ptylink_open()). */
		fd = ptylink_open(sd->path, sd->local.ispeed,
		    sd->local.ospeed, slave, &tty, &cause);
		if (fd != -1)
			log_verbose(1, "Terminal %s at %s", tty, sd->path);
	}
	if (fd == -1) {
		log_warnx("%s: %s", sd->text, cause != NULL ? cause :
		    strerror(errno));
		free(cause);
	}
	return (fd);
}

/*
 * Give back the device of side sd that device_open() opened, its
 * descriptor closed by its session: a line's modes and lock, a
 * pseudo-terminal's link and terminal side (slave).
 */
void
device_close(const struct side *sd, int slave)
{
	if (sd->kind == SIDE_SERIAL)
		serial_release(sd->path);
	else
		ptylink_release(sd->path, slave);
}

/*
 * The near end of the relay, as endpoints of d's session: the other
 * device, the program (-e, -c, exec:), or stdin and stdout.  Returns -1
 * when it cannot be opened (said).
 */
static int
device_near(struct device *d, struct endpoint **in, struct endpoint **out)
{
	const struct job	*j = d->j;
	struct exec_cmd		 cmd;
	struct exec_conn	 ec;
	const char		*name;
	char			*cause;
	int			 fd, slave;

	if (j->peer != NULL) {
		if ((fd = device_open(j->peer, &name, &slave)) == -1)
			return (-1);
		if ((*in = device_endpoint(d->s, name, fd)) == NULL)
			fatal("device");
		*out = *in;
		return (0);
	}
	if (j->local->exec != NULL) {
		memset(&ec, 0, sizeof(ec));
		ec.type = SOCK_STREAM;
		if (exec_cmd_parse(&cmd, j->local->exec, j->local->exec_shell,
		    &cause) == -1 || exec_cmd_check(&cmd, &cause) == -1 ||
		    (d->child = exec_spawn(&cmd, &ec, &cause)) == NULL) {
			log_warnx("%s", cause != NULL ? cause :
			    strerror(errno));
			free(cause);
			exec_cmd_free(&cmd);
			return (-1);
		}
		exec_cmd_free(&cmd);
		d->child->exited_cb = device_child_exited;
		d->child->arg = d;
		if ((*in = exec_endpoint(d->s, d->child)) == NULL)
			fatal("device");
		*out = *in;
		return (0);
	}
	d->stdio = 1;
	if ((*out = stdio_out(d->s)) == NULL)
		fatal("device");
	*in = stdio_in(d->s, j->flow->no_stdin);
	return (0);
}

/*
 * Relay the device of the job's side with its near end: stdin and
 * stdout until stdin ends (and -q's delay after it) or the device hangs
 * up; a program until it ends; another device until either hangs up.
 * Returns the exit status: 1 when a device cannot be opened or data was
 * lost.
 */
int
device_relay(const struct job *j)
{
	struct device	 d = { .j = j };
	struct endpoint	*dev, *in, *out;
	const char	*name;
	int		 fd, slave;

	if ((fd = device_open(j->side, &name, &slave)) == -1)
		return (1);
	if ((d.s = session_new(device_watch, device_finished, &d)) == NULL ||
	    (dev = device_endpoint(d.s, name, fd)) == NULL)
		fatal("device");
	if (device_near(&d, &in, &out) == -1) {
		session_free(d.s);
		return (1);
	}
	if ((d.rx = session_channel(d.s, "receive", dev, out,
	    CH_SHUTDOWN | CH_COPY)) == NULL ||
	    (in != NULL && (d.tx = session_channel(d.s, "send", in, dev,
	    CH_COPY)) == NULL))
		fatal("device");
	if (d.stdio && d.tx != NULL && j->flow->crlf)
		d.tx->xform = crlf_xform;
	/* --raw: every key goes down the line; "~." leaves. */
	if (d.stdio && d.tx != NULL && j->local->raw &&
	    term_start_line(d.tx) == -1)
		fatal("--raw");
	/* socat's -T: nothing either way for so long ends the relay. */
	if (j->flow->idle_ms != TIME_NONE)
		session_set_idle(d.s, j->flow->idle_ms);
	/* socat's -v, -x, -r, -R, as -o and --hex-dump. */
	if (j->run->dump != NULL && (channel_tap(d.rx, dump_received,
	    j->run->dump) == -1 || (d.tx != NULL && channel_tap(d.tx,
	    dump_sent, j->run->dump) == -1)))
		fatal("device");
	/* socat's -b. */
	if (j->flow->block != 0) {
		channel_block(d.rx, j->flow->block);
		if (d.tx != NULL)
			channel_block(d.tx, j->flow->block);
	}
	if (device_declare_end(&d) == -1 || session_start(d.s) == -1)
		fatal("device");
	if (d.s != NULL && ev_loop() == -1)
		fatal("poll");
	if (d.child != NULL) {
		if (d.status == 0 && d.child->exited)
			d.status = exec_status(d.child);
		exec_release(d.child);
	}
	return (d.status);
}
