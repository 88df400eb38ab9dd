/*
 * A side's path opened as its options say, for end.c's openers: its mode,
 * owner and umask=, a named pipe made for it, seek=, size and lock
 * (socat's setlk, flock-ex, ...), the name removed at the end if asked
 * (path_own()).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "side.h"
#include "end-int.h"

/*
 * Set (on) or clear flag (O_NONBLOCK, O_NOATIME) on fd's open file
 * description.  Returns -1 with errno.
 */
int
end_fl_set(int fd, int flag, int on)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return (-1);
	return (fcntl(fd, F_SETFL, on ? flags | flag : flags & ~flag));
}

/*
 * Connect to the Unix socket at path (GOPEN:), of whichever type it is.
 * Returns the descriptor, or -1 with errno.
 */
static int
end_unix(const char *path)
{
	static const int	 types[] = { SOCK_STREAM, SOCK_SEQPACKET,
	    SOCK_DGRAM };
	struct sockaddr_un	 sun;
	size_t			 i;
	int			 fd, error = EPROTOTYPE;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (i = 0; i < nitems(types); i++) {
		if ((fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0)) == -1)
			return (-1);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return (fd);
		error = errno;
		close(fd);
		if (error != EPROTOTYPE)
			break;
	}
	errno = error;
	return (-1);
}

/*
 * Make sd's named pipe (PIPE:PATH), owned as user= and group= say, removed
 * at the end unless unlink-close=0.  Returns 1 if made, 0 if one was
 * there, or -1 with errno.
 */
static int
end_mkfifo(const struct side *sd)
{
	const struct side_local	*l = &sd->local;
	struct stat		 st;
	sigset_t		 all, old;
	int			 rc = 1, error = 0;

	/* No signal before it is among what goes at the end: it would stay. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (mkfifo(sd->path, sd->perm != -1 ? sd->perm : 0666) == -1) {
		error = errno;
		rc = error == EEXIST ? 0 : -1;
	} else if (path_chown(-1, sd->path, l->user, l->group, NULL) == -1) {
		/* Its owner before any wait for its other end. */
		error = errno;
		(void)unlink(sd->path);
		rc = -1;
	} else if (l->unlink_close != 0 && lstat(sd->path, &st) == 0)
		/* Made for us, it goes with us, as socat's, also on a signal. */
		(void)path_own(sd->path, 0, &st);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = error;
	return (rc);
}

/*
 * Lock fd's whole file as lock says (socat's setlk, flock-ex, ...), held
 * while it is open; one held by another is waited for (SIDE_LOCK_WAIT) or
 * fails (EAGAIN).  Returns -1 with errno.
 */
int
end_lock(int fd, int lock)
{
	struct flock	 fl = { .l_type = (lock & SIDE_LOCK_READ) ? F_RDLCK :
			    F_WRLCK, .l_whence = SEEK_SET };

	if (lock & SIDE_LOCK_FLOCK)
		return (flock(fd, ((lock & SIDE_LOCK_READ) ? LOCK_SH :
		    LOCK_EX) | ((lock & SIDE_LOCK_WAIT) ? 0 : LOCK_NB)));
	return (fcntl(fd, (lock & SIDE_LOCK_WAIT) ? F_SETLKW : F_SETLK, &fl));
}

/*
 * Apply sd's options to fd, just opened (made: a named pipe made for it):
 * fs-noatime, owner, ftruncate=, lock, then seek= and seek-end= as socat.
 * Returns -1 with errno.
 */
static int
end_file_opts(const struct side *sd, int fd, int made)
{
	const struct side_local	*l = &sd->local;
	int			 flags;

	if (l->fs_noatime && (ioctl(fd, FS_IOC_GETFLAGS, &flags) == -1 ||
	    (flags |= FS_NOATIME_FL, ioctl(fd, FS_IOC_SETFLAGS, &flags)) ==
	    -1))
		return (-1);
	if (!made && path_chown(fd, NULL, l->user, l->group, NULL) == -1)
		return (-1);
	if (l->ftruncate >= 0 && ftruncate(fd, l->ftruncate) == -1)
		return (-1);
	if (l->lock != 0 && end_lock(fd, l->lock) == -1)
		return (-1);
	if (l->seek != SIDE_NO_SEEK && lseek(fd, l->seek, SEEK_SET) == -1)
		return (-1);
	if (l->seek_end != SIDE_NO_SEEK &&
	    lseek(fd, l->seek_end, SEEK_END) == -1)
		return (-1);
	return (0);
}

/*
 * Open sd's file, named pipe or socket with flags, as path_open() does,
 * and apply its options; *made says if a named pipe was made.  Returns the
 * descriptor, or -1 with errno and, where path_open() failed, *why.
 */
int
end_open_path(const struct side *sd, int flags, int *made, const char **why)
{
	const struct side_local	*l = &sd->local;
	struct stat		 st;
	mode_t			 old = 0;
	int			 fd = -1, error = 0;

	if (l->umask != -1)
		old = umask(l->umask);
	*made = 0;
	*why = NULL;
	if (l->fifo && (*made = end_mkfifo(sd)) == -1)
		error = errno;
	else if (stat(sd->path, &st) == 0 && S_ISSOCK(st.st_mode))
		fd = end_unix(sd->path);
	else
		fd = path_open(sd->path, flags, sd->perm != -1 ? sd->perm :
		    0666, why);
	if (error == 0)
		error = errno;
	if (l->umask != -1)
		umask(old);
	/*
	 * A named pipe opened one way waits there for its other end, as
	 * socat's does (nonblock says not); then it is the pump's, which
	 * does not wait.
	 */
	if (fd != -1 && ((fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    end_fl_set(fd, O_NONBLOCK, 1) == -1) ||
	    end_file_opts(sd, fd, *made) == -1)) {
		error = errno;
		close(fd);
		fd = -1;
	}
	/* The name opened: a link of the user's is what goes, not its file. */
	if (fd != -1 && l->unlink_close == 1 && !*made &&
	    lstat(sd->path, &st) == 0)
		(void)path_own(sd->path, 0, &st);
	errno = error;
	return (fd);
}
