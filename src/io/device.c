/*
 * Terminal devices as endpoints: a serial line set raw at a speed, and a
 * new pseudo-terminal named by a symbolic link, each put back at exit.
 * Two of each per process at most, in fixed tables that the clean-up on a
 * signal (cleanup_on_signals()) can walk.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "io.h"

/* The speeds termios(3) can name, in bits per second. */
static const struct {
	unsigned long	 bps;
	speed_t		 speed;
} device_speeds[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 },
	{ 150, B150 }, { 200, B200 }, { 300, B300 }, { 600, B600 },
	{ 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 },
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
#ifdef B57600
	{ 57600, B57600 },
#endif
#ifdef B115200
	{ 115200, B115200 },
#endif
#ifdef B230400
	{ 230400, B230400 },
#endif
#ifdef B460800
	{ 460800, B460800 },
#endif
#ifdef B500000
	{ 500000, B500000 },
#endif
#ifdef B576000
	{ 576000, B576000 },
#endif
#ifdef B921600
	{ 921600, B921600 },
#endif
#ifdef B1000000
	{ 1000000, B1000000 },
#endif
#ifdef B1152000
	{ 1152000, B1152000 },
#endif
#ifdef B1500000
	{ 1500000, B1500000 },
#endif
#ifdef B2000000
	{ 2000000, B2000000 },
#endif
#ifdef B2500000
	{ 2500000, B2500000 },
#endif
#ifdef B3000000
	{ 3000000, B3000000 },
#endif
#ifdef B3500000
	{ 3500000, B3500000 },
#endif
#ifdef B4000000
	{ 4000000, B4000000 },
#endif
};

/* The devices a process may have: two, joined to each other. */
#define DEVICES_MAX	2

/*
 * The terminals whose modes we changed, while we run (the serial lines,
 * the terminals given socat's modes): a descriptor held to put their own
 * modes back at exit, and those modes.
 */
static struct {
	int		 fd;		/* -1: none */
	int		 drain;		/* wait for its output at exit */
	struct termios	 saved;
} terms[DEVICES_MAX] = { { .fd = -1 }, { .fd = -1 } };

/*
 * The links to our pseudo-terminals, while they are there (path_own()):
 * each held open (O_PATH), so that its inode is not given to another.
 */
static struct {
	char		*path;		/* NULL: none */
	int		 fd;		/* O_PATH, -1: none */
} ptylinks[DEVICES_MAX] = { { .fd = -1 }, { .fd = -1 } };

/*
 * Set *speed to the termios speed of v bits per second, or with codes
 * socat's cfsetispeed(3) code too.  Returns -1 (EINVAL) when there is none.
 */
static int
device_speed(unsigned long v, int codes, speed_t *speed)
{
	size_t	 i;
	int	 pass;

	for (pass = 0; pass <= codes; pass++) {
		for (i = 0; i < nitems(device_speeds); i++) {
			if ((pass ? (unsigned long)device_speeds[i].speed :
			    device_speeds[i].bps) == v) {
				*speed = device_speeds[i].speed;
				return (0);
			}
		}
	}
	errno = EINVAL;
	return (-1);
}

/* Has the system a speed of bps bits per second for a serial line? */
int
device_has_speed(unsigned long bps)
{
	speed_t	 speed;

	return (device_speed(bps, 0, &speed) == 0);
}

/* Is v a terminal's speed, as device_speed() reads it with codes? */
int
device_is_speed(unsigned long v)
{
	speed_t	 speed;

	return (device_speed(v, 1, &speed) == 0);
}

/*
 * Give the terminals their own modes back: at exit after the output has
 * drained (unless flow control may hold it), at once on a fatal signal
 * (sig), where nothing is said (async-signal-safe).
 */
static void
term_cleanup(int sig)
{
	size_t	 i;

	for (i = 0; i < DEVICES_MAX; i++) {
		if (terms[i].fd != -1 && tcsetattr(terms[i].fd, sig == 0 &&
		    terms[i].drain ? TCSADRAIN : TCSANOW, &terms[i].saved) ==
		    -1 && sig == 0)
			log_warn("a terminal's own modes could not be put "
			    "back");
	}
}

/* A free place in terms[], or DEVICES_MAX. */
static size_t
term_slot(void)
{
	size_t	 i;

	for (i = 0; i < DEVICES_MAX && terms[i].fd != -1; i++)
		;
	return (i);
}

/* Does w change any of a terminal's modes? */
__shortrun int
tty_want_any(const struct tty_want *w)
{
	return (w->nops > 0 || w->ispeed != -1 || w->ospeed != -1);
}

/*
 * Add one change to w: field's mask bits set to bits (TTY_CC: c_cc[mask] =
 * bits).  Returns -1 with errno (E2BIG: full).
 */
int
tty_want_add(struct tty_want *w, enum tty_field field, unsigned int mask,
    unsigned int bits, const char *name)
{
	if (w->nops == TTY_OPS_MAX) {
		errno = E2BIG;
		return (-1);
	}
	if (w->nops == 0)
		w->first = name;
	w->ops[w->nops].field = field;
	w->ops[w->nops].mask = mask;
	w->ops[w->nops].bits = bits;
	w->nops++;
	return (0);
}

/* The name of the first option w says, for a refusal. */
const char *
tty_want_name(const struct tty_want *w)
{
	static char	 b[24];

	if (w->nops > 0)
		return (w->first);
	if (w->ispeed != -1 && w->ispeed == w->ospeed) {
		(void)snprintf(b, sizeof(b), "b%ld", w->ispeed);
		return (b);
	}
	return (w->ispeed != -1 ? "ispeed" : "ospeed");
}

/*
 * socat's composite modes (raw, rawer, cfmakeraw, sane), as measured on
 * socat; unlike socat's, rawer keeps the speeds and CREAD, without which
 * a serial line hangs up or reads nothing.
 */
static void
tty_composite(struct termios *t, enum tty_field what)
{
	switch (what) {
	case TTY_RAW:
		t->c_iflag &= ~(IGNBRK | BRKINT | IGNPAR | PARMRK | INPCK |
		    ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IUCLC |
		    IXANY | IMAXBEL);
		t->c_oflag &= ~OPOST;
		t->c_lflag &= ~(ISIG | ICANON | XCASE);
		break;
	case TTY_RAWER:
		t->c_iflag = t->c_oflag = t->c_lflag = 0;
		t->c_cflag = (t->c_cflag & (CBAUD | CBAUDEX | CIBAUD)) | CS8 |
		    CREAD;
		break;
	case TTY_CFMAKERAW:
		cfmakeraw(t);
		break;
	default:	/* TTY_SANE */
		t->c_iflag &= ~(IGNBRK | INLCR | IGNCR | IXOFF | IUCLC | IXANY);
		t->c_iflag |= BRKINT | ICRNL | IMAXBEL;
		t->c_oflag &= ~(OLCUC | OCRNL | ONOCR | ONLRET | OFILL | OFDEL |
		    NLDLY | CRDLY | TABDLY | BSDLY | VTDLY | FFDLY);
		t->c_oflag |= OPOST | ONLCR;
		t->c_cflag |= CREAD;
		t->c_lflag &= ~(ECHONL | NOFLSH | XCASE | TOSTOP | ECHOPRT);
		t->c_lflag |= ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK |
		    ECHOCTL | ECHOKE;
		return;
	}
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

/* Apply w's changes to t, then the speeds.  Returns -1 with errno. */
int
tty_modes(struct termios *t, const struct tty_want *w)
{
	tcflag_t		*flags[] = { &t->c_iflag, &t->c_oflag,
				    &t->c_cflag, &t->c_lflag };
	const struct tty_op	*op;
	speed_t			 speed;

	for (op = w->ops; op < w->ops + w->nops; op++) {
		switch (op->field) {
		case TTY_CC:
			t->c_cc[op->mask] = (cc_t)op->bits;
			break;
		case TTY_RAW:
		case TTY_RAWER:
		case TTY_CFMAKERAW:
		case TTY_SANE:
			if (op->bits)
				tty_composite(t, op->field);
			break;
		default:
			*flags[op->field] = (*flags[op->field] & ~op->mask) |
			    op->bits;
			break;
		}
	}
	/* The speeds as device_speed() reads them with codes; -1: as is. */
	if (w->ispeed != -1 && (device_speed(w->ispeed, 1, &speed) == -1 ||
	    cfsetispeed(t, speed) == -1))
		return (-1);
	if (w->ospeed != -1 && (device_speed(w->ospeed, 1, &speed) == -1 ||
	    cfsetospeed(t, speed) == -1))
		return (-1);
	return (0);
}

/*
 * Put the terminal fd in w's modes, its own not kept.  Returns -1 with
 * errno.
 */
int
tty_modes_apply(int fd, const struct tty_want *w)
{
	struct termios	 t;

	if (!tty_want_any(w))
		return (0);
	if (tcgetattr(fd, &t) == -1 || tty_modes(&t, w) == -1)
		return (-1);
	return (tcsetattr(fd, TCSANOW, &t));
}

/*
 * Put the terminal fd in w's modes; its own come back at exit (after its
 * output, with drain) and on a fatal signal, through a descriptor of ours
 * held in terms[]: the session closes fd.  Returns -1 with errno (EBUSY:
 * two held already), its own modes put back.
 */
static int
term_hold(int fd, const struct tty_want *w, int drain)
{
	struct termios	 t;
	size_t		 i;
	int		 error;

	if ((i = term_slot()) == DEVICES_MAX) {
		errno = EBUSY;
		return (-1);
	}
	if (tcgetattr(fd, &terms[i].saved) == -1)
		return (-1);
	t = terms[i].saved;
	if (tty_modes(&t, w) == -1 ||
	    (terms[i].fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return (-1);
	terms[i].drain = drain;
	cleanup_add(term_cleanup);
	cleanup_on_signals();
	if (tcsetattr(fd, TCSANOW, &t) == -1) {
		/* Some of the modes may have been set all the same. */
		error = errno;
		tcsetattr(fd, TCSANOW, &terms[i].saved);
		net_close(&terms[i].fd);
		errno = error;
		return (-1);
	}
	return (0);
}

/*
 * Put the terminal fd in w's modes; its own come back at exit, once shown,
 * and on a fatal signal, as socat does.  Two terminals per process at most.
 * Returns -1 with errno (ENOTTY: fd is no terminal).
 */
int
tty_modes_set(int fd, const struct tty_want *w)
{
	return (tty_want_any(w) ? term_hold(fd, w, 1) : 0);
}

/*
 * Open the serial line path for us alone (flock(2)), never as controlling
 * terminal, raw 8N1 at bps (0: as it is), RTS/CTS if crtscts; its modes
 * come back at exit.  Returns a non-blocking descriptor, or -1 with *cause
 * (to free).
 */
int
serial_open(const char *path, unsigned long bps, int crtscts, char **cause)
{
	struct tty_want	 w = TTY_AS_IS;
	int		 fd, error;

	*cause = NULL;
	if (term_slot() == DEVICES_MAX) {
		log_cause(cause, "two serial lines a process at most");
		return (-1);
	}
	if (bps != 0 && !device_has_speed(bps)) {
		log_cause(cause, "speed %lu is not one this system has", bps);
		return (-1);
	}
	/* Non-blocking: a line with no carrier must not hold open() up. */
	if ((fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) ==
	    -1) {
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	if (!isatty(fd)) {
		close(fd);
		log_cause(cause, "not a terminal");
		return (-1);
	}
	/* Raw 8N1, no flow control but RTS/CTS if asked for. */
	(void)tty_want_add(&w, TTY_CFMAKERAW, 0, 1, NULL);
	(void)tty_want_add(&w, TTY_CFLAG, CSIZE | PARENB | CSTOPB | CRTSCTS |
	    CLOCAL | CREAD, CS8 | CLOCAL | CREAD | (crtscts ? CRTSCTS : 0),
	    NULL);
	(void)tty_want_add(&w, TTY_IFLAG, IXON | IXOFF | IXANY, 0, NULL);
	if (bps != 0)
		w.ispeed = w.ospeed = bps;
	/* With flow control, the output may never drain at exit. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 ||
	    term_hold(fd, &w, !crtscts) == -1) {
		error = errno;
		close(fd);
		log_cause(cause, "%s", error == EWOULDBLOCK ? "in use by "
		    "another sockcat (one client at a time)" : strerror(error));
		return (-1);
	}
	return (fd);
}

/*
 * Give path back: its modes once the output drained, and its lock.  The
 * descriptor is the session's to close.
 */
void
serial_release(const char *path)
{
	struct stat	 st, mine;
	size_t		 i;

	if (stat(path, &st) == -1)
		return;
	for (i = 0; i < DEVICES_MAX; i++) {
		if (terms[i].fd == -1 || fstat(terms[i].fd, &mine) == -1 ||
		    mine.st_rdev != st.st_rdev)
			continue;
		if (tcsetattr(terms[i].fd, terms[i].drain ? TCSADRAIN :
		    TCSANOW, &terms[i].saved) == -1)
			log_warn("%s: its own modes could not be put back",
			    path);
		net_close(&terms[i].fd);
	}
}

/*
 * Remove the link path (or NULL) and close slave (or -1), so its readers see
 * end-of-file; the master is the session's.
 */
void
ptylink_release(const char *path, int slave)
{
	size_t	 i;

	/* -1: none kept (pty-wait-slave's). */
	if (slave != -1)
		close(slave);
	if (path == NULL)
		return;
	for (i = 0; i < DEVICES_MAX; i++) {
		if (ptylinks[i].path != NULL &&
		    strcmp(ptylinks[i].path, path) == 0) {
			path_unown(path);
			free(ptylinks[i].path);
			ptylinks[i].path = NULL;
			net_close(&ptylinks[i].fd);
		}
	}
}

/* A wait for a pseudo-terminal's terminal side (ptylink_wait_slave()). */
struct pty_wait {
	struct ev_timer	 timer;
	int		 master;
	long long	 interval_ms;
	int		 done;		/* 1: opened; -1: failed, error */
	int		 error;
};

static void
pty_wait_cb(void *arg)
{
	struct pty_wait	*w = arg;
	struct pollfd	 pfd = { .fd = w->master, .events = 0 };

	if (poll(&pfd, 1, 0) == -1) {
		if (errno == EINTR) {
			ev_timer_arm(&w->timer, 0);
			return;
		}
		w->error = errno;
		w->done = -1;
	} else if ((pfd.revents & POLLNVAL) != 0) {
		w->error = EBADF;
		w->done = -1;
	} else if ((pfd.revents & POLLHUP) == 0)
		w->done = 1;
	else {
		ev_timer_arm(&w->timer, w->interval_ms);
		return;
	}
	ev_break();
}

/*
 * Run the loop until a process opens the terminal side of master fd,
 * polling every interval_ms, as socat's pty-wait-slave.  Not from a loop
 * callback.  Returns 0, or -1 with errno.
 */
int
ptylink_wait_slave(int fd, long long interval_ms)
{
	struct pty_wait	 w = { .master = fd, .interval_ms = interval_ms };

	ev_timer_init(&w.timer, pty_wait_cb, &w);
	ev_timer_arm(&w.timer, 0);
	while (w.done == 0) {
		if (ev_loop() == -1) {
			w.error = errno;
			w.done = -1;
		}
	}
	ev_timer_disarm(&w.timer);
	if (w.done == -1) {
		errno = w.error;
		return (-1);
	}
	return (0);
}

/*
 * May the link path be made?  A stale link of the user's own to a gone pty
 * is removed; anything else refuses.
 */
static int
ptylink_free(const char *path)
{
	struct stat	 st;
	char		 target[64];
	ssize_t		 n;

	if (lstat(path, &st) == -1)
		return (errno == ENOENT ? 0 : -1);
	if (S_ISLNK(st.st_mode) && st.st_uid == geteuid() &&
	    (n = readlink(path, target, sizeof(target) - 1)) != -1) {
		target[n] = '\0';
		if (strncmp(target, "/dev/pts/", 9) == 0 &&
		    stat(path, &st) == -1 && errno == ENOENT)
			return (unlink(path));
	}
	errno = EEXIST;
	return (-1);
}

/* Make a new pty into pt in w's modes.  Returns -1 with errno, nothing open. */
static int
ptylink_make(struct pty *pt, const struct tty_want *w)
{
	struct termios	 t;

	if (pty_open(pt) == -1)
		return (-1);
	if (tcgetattr(pt->slave, &t) == -1)
		goto fail;
	tty_composite(&t, TTY_CFMAKERAW);
	if (tty_modes(&t, w) == -1 || tcsetattr(pt->slave, TCSANOW, &t) == -1)
		goto fail;
	return (0);

fail:
	(void)net_close_err(pt->master);
	return (net_close_err(pt->slave));
}

/*
 * Make a new pseudo-terminal in w's modes, named by a link at path (NULL:
 * none) removed at exit.  The terminal side stays open (*slave) so its
 * modes last; its name goes in name (namesz bytes).  Returns the master,
 * non-blocking, or -1 with *cause (to free).
 */
int
ptylink_open(const char *path, const struct tty_want *w, int *slave,
    char *name, size_t namesz, char **cause)
{
	struct pty	 pt;
	struct stat	 st;
	size_t		 i;
	int		 error;

	*cause = NULL;
	if (path == NULL) {
		if (ptylink_make(&pt, w) == -1)
			goto fail;
		*slave = pt.slave;
		strlcpy(name, pt.path, namesz);
		return (pt.master);
	}
	for (i = 0; i < DEVICES_MAX && ptylinks[i].path != NULL; i++)
		;
	if (i == DEVICES_MAX) {
		log_cause(cause, "two pty: links a process at most");
		return (-1);
	}
	if (strlen(path) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (ptylink_free(path) == -1) {
		if (errno == EEXIST) {
			log_cause(cause, "it exists and is not a link this "
			    "sockcat made");
			return (-1);
		}
		goto fail;
	}
	if (ptylink_make(&pt, w) == -1)
		goto fail;
	cleanup_on_signals();
	/*
	 * The link itself stays open (O_PATH), so that its inode number
	 * cannot be given to a link put in its place: at exit the same
	 * device and inode are the same link.
	 */
	if (symlink(pt.path, path) == -1 ||
	    (ptylinks[i].fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1 || fstat(ptylinks[i].fd, &st) == -1)
		error = errno;
	else if (!S_ISLNK(st.st_mode))
		error = ESTALE;	/* put in its place at once */
	else if ((ptylinks[i].path = strdup(path)) == NULL ||
	    path_own(path, S_IFLNK, &st) == -1) {
		error = errno;
		if (path_is(path, S_IFLNK, st.st_dev, st.st_ino))
			(void)unlink(path);
	} else
		error = 0;
	if (error != 0) {
		free(ptylinks[i].path);
		ptylinks[i].path = NULL;
		net_close(&ptylinks[i].fd);
		errno = error;
		goto fail_pty;
	}
	*slave = pt.slave;
	strlcpy(name, pt.path, namesz);
	return (pt.master);

fail_pty:
	(void)net_close_err(pt.master);
	(void)net_close_err(pt.slave);
fail:
	log_cause(cause, "%s", strerror(errno));
	return (-1);
}

/* Read from a terminal device; EIO (hung up) is end-of-file. */
static ssize_t
device_read(struct endpoint *ep, void *p, size_t len)
{
	ssize_t	 n;

	if ((n = read(ep->rfd, p, len)) == -1 && errno == EIO)
		return (0);
	return (n);
}

static const struct ep_ops device_ops = {
	.read = device_read,
};

/*
 * Add the terminal fd to s as endpoint name, which owns it; it never ends
 * writing.
 */
struct endpoint *
device_endpoint(struct session *s, const char *name, int fd)
{
	struct endpoint	*ep;

	if ((ep = session_endpoint(s, name, fd, fd, EP_SHUT_NONE, 0)) ==
	    NULL)
		return (NULL);
	ep->ops = &device_ops;
	return (ep);
}
