/*
 * Terminal devices as endpoints: a serial line (serial:DEVICE,SPEED) set
 * to raw 8N1 at a speed and put back as it was at exit, and a new
 * pseudo-terminal (pty:LINK) whose terminal side a symbolic link names
 * for a program that wants a serial port, the link removed at exit.
 * One of each per process: the clean-up at exit and on a fatal signal
 * knows them by heart, with no list to walk in a signal handler.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* The serial line, while it is ours: its descriptor and its own modes. */
static int		 serial_fd = -1;
static int		 serial_drain;	/* wait for its output at exit */
static struct termios	 serial_saved;

/* The link to our pseudo-terminal, while it is there. */
static char		 ptylink_path[PATH_MAX];
static char		 ptylink_target[64];
static dev_t		 ptylink_dev;	/* The link made, and removed. */
static ino_t		 ptylink_ino;
static int		 ptylink_fd = -1; /* holds it: its inode is not reused */

/*
 * The termios speed of bps bits per second, or -1 (errno EINVAL) when
 * the system has none by that number.
 */
static int
device_speed(unsigned long bps, speed_t *speed)
{
	size_t	 i;

	for (i = 0; i < nitems(device_speeds); i++) {
		if (device_speeds[i].bps == bps) {
			*speed = device_speeds[i].speed;
			return (0);
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

	return (device_speed(bps, &speed) == 0);
}

/*
 * Give the line its own modes back; at exit after what we wrote has
 * gone out, unless the line may be held up by its flow control (then,
 * and on a fatal signal, at once).  Async-signal-safe.
 */
static void
serial_cleanup(int sig)
{
	if (serial_fd == -1)
		return;
	tcsetattr(serial_fd, sig == 0 && serial_drain ? TCSADRAIN : TCSANOW,
	    &serial_saved);
}

/*
 * Open the serial line path (never our controlling terminal), for us
 * alone (flock(2): a second sockcat on it is refused), and make it raw
 * 8N1 at bps bits per second (0: its speed as it is), the modem's lines
 * ignored, with RTS/CTS flow control if crtscts and none otherwise; its
 * own modes come back at exit.  Returns a descriptor, non-blocking, or
 * -1 with *cause (to free) saying why, without the address.
 */
int
serial_open(const char *path, unsigned long bps, int crtscts, char **cause)
{
	struct termios	 t;
	speed_t		 speed = B0;
	int		 fd, dup, error;

	*cause = NULL;
	DEBUG_CHECK(serial_fd == -1, "serial_open: one serial line a process");
	if (bps != 0 && device_speed(bps, &speed) == -1) {
		if (asprintf(cause, "speed %lu is not one this system has",
		    bps) == -1)
			*cause = NULL;
		return (-1);
	}
	/* Non-blocking: a line with no carrier must not hold open() up. */
	if ((fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) ==
	    -1) {
		if (asprintf(cause, "%s", strerror(errno)) == -1)
			*cause = NULL;
		return (-1);
	}
	if (!isatty(fd)) {
		close(fd);
		if (asprintf(cause, "not a terminal") == -1)
			*cause = NULL;
		return (-1);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		error = errno;
		close(fd);
		if (asprintf(cause, "%s", error == EWOULDBLOCK ? "in use by "
		    "another sockcat (one client at a time)" :
		    strerror(error)) == -1)
			*cause = NULL;
		return (-1);
	}
	if (tcgetattr(fd, &serial_saved) == -1)
		goto fail;
	t = serial_saved;
	cfmakeraw(&t);
	t.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
	t.c_cflag |= CS8 | CLOCAL | CREAD | (crtscts ? CRTSCTS : 0);
	t.c_iflag &= ~(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (bps != 0 && (cfsetispeed(&t, speed) == -1 ||
	    cfsetospeed(&t, speed) == -1))
		goto fail;
	/*
	 * The endpoint gets a descriptor of its own, which the session
	 * closes; this one stays open until exit, to put the modes back.
	 */
	if ((dup = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		goto fail;
	serial_fd = fd;
	serial_drain = !crtscts;
	cleanup_add(serial_cleanup);
	if (tcsetattr(fd, TCSANOW, &t) == -1) {
		/* Some of the modes may have been set all the same. */
		error = errno;
		tcsetattr(fd, TCSANOW, &serial_saved);
		serial_fd = -1;
		close(dup);
		errno = error;
		goto fail;
	}
	return (dup);

fail:
	error = errno;
	close(fd);
	if (asprintf(cause, "%s", strerror(error)) == -1)
		*cause = NULL;
	return (-1);
}

/*
 * Remove the link to our pseudo-terminal, if it is still the one we
 * made (same device and inode), not one put there since.
 * Async-signal-safe.
 */
static void
ptylink_cleanup(int sig)
{
	struct stat	 st;

	(void)sig;
	if (ptylink_path[0] == '\0')
		return;
	if (lstat(ptylink_path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    st.st_dev == ptylink_dev && st.st_ino == ptylink_ino)
		unlink(ptylink_path);
	ptylink_path[0] = '\0';
}

/*
 * May the link path be made?  Not when something is there, unless it is
 * a link of the user's own to a pseudo-terminal that has gone (left by a
 * sockcat that was killed), which is removed: another user's link is
 * theirs.
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

/*
 * Make a new pseudo-terminal, raw, its terminal side named by a symbolic
 * link at path, removed at exit.  The terminal side stays open here too,
 * so that its modes last while programs open and close it, and the
 * master never reads end-of-file.  Returns the master, non-blocking, and
 * sets *slave; or -1 with *cause (to free).
 */
int
ptylink_open(const char *path, int *slave, char **cause)
{
	struct pty	 pt;
	struct termios	 t;
	struct stat	 st;
	int		 error;

	*cause = NULL;
	DEBUG_CHECK(ptylink_path[0] == '\0',
	    "ptylink_open: one pty: link a process");
	if (strlen(path) >= sizeof(ptylink_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (ptylink_free(path) == -1) {
		if (errno == EEXIST) {
			if (asprintf(cause, "it exists and is not a link this "
			    "sockcat made") == -1)
				*cause = NULL;
			return (-1);
		}
		goto fail;
	}
	if (pty_open(&pt) == -1)
		goto fail;
	if (tcgetattr(pt.slave, &t) == -1)
		goto fail_pty;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(pt.slave, TCSANOW, &t) == -1)
		goto fail_pty;
	strlcpy(ptylink_target, pt.path, sizeof(ptylink_target));
	strlcpy(ptylink_path, path, sizeof(ptylink_path));
	cleanup_add(ptylink_cleanup);
	/*
	 * The link itself stays open (O_PATH), so that its inode number
	 * cannot be given to a link put in its place: at exit the same
	 * device and inode are the same link.
	 */
	if (symlink(pt.path, path) == -1) {
		ptylink_path[0] = '\0';
		goto fail_pty;
	}
	if ((ptylink_fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1 || fstat(ptylink_fd, &st) == -1)
		error = errno;
	else if (!S_ISLNK(st.st_mode))
		error = ESTALE;	/* put in its place at once */
	else
		error = 0;
	if (error != 0) {
		ptylink_path[0] = '\0';
		if (ptylink_fd != -1)
			close(ptylink_fd);
		ptylink_fd = -1;
		errno = error;
		goto fail_pty;
	}
	ptylink_dev = st.st_dev;
	ptylink_ino = st.st_ino;
	*slave = pt.slave;
	return (pt.master);

fail_pty:
	error = errno;
	close(pt.master);
	close(pt.slave);
	errno = error;
fail:
	if (asprintf(cause, "%s", strerror(errno)) == -1)
		*cause = NULL;
	return (-1);
}

/* The terminal side of the pseudo-terminal that ptylink_open() made. */
const char *
ptylink_name(void)
{
	return (ptylink_target);
}

/*
 * Read from a terminal device: EIO (the far side of a pseudo-terminal
 * closed, a line hung up) is its end-of-file.
 */
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
 * Add the terminal device fd (serial_open(), ptylink_open()) to s as the
 * endpoint name, which owns it from now on.  Its writing side never ends:
 * a line has no end-of-file to send.
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
