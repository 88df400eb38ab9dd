/*
 * Every file sockcat makes or writes by name is opened here, by the rule
 * for directories others can write to (doc/design.md, "Names others may
 * write to"); such a file's owner set by name (user=, group=); and a
 * small file read whole.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/*
 * The names removed at exit, or when a signal ends us, each only if it is
 * still the file made (doc/design.md, "Names others may write to"): a
 * --fifo FIFO, a socket file bound, a pty: link, a file of unlink-close, a
 * private directory and what it holds.  A fixed table, which a signal's
 * handler reads; an entry's name is written first byte last, so a handler
 * never sees half of one.
 */
#define PATH_OWNED_MAX	12
static struct {
	char		 path[PATH_MAX];	/* "": none */
	dev_t		 dev;
	ino_t		 ino;
	mode_t		 type;	/* S_IFSOCK, ...; S_IFDIR: emptied too */
}			 path_owned[PATH_OWNED_MAX];

/*
 * Is path, not followed, still the file at dev and ino, of type (S_IFSOCK,
 * ..., 0 for any)?  Async-signal-safe.
 */
int
path_is(const char *path, mode_t type, dev_t dev, ino_t ino)
{
	struct stat	 st;

	if (lstat(path, &st) == -1 || (type != 0 && (st.st_mode & S_IFMT) !=
	    type))
		return (0);
	return (st.st_dev == dev && st.st_ino == ino);
}

/*
 * Empty the private directory dirfd (made by mkdtemp(3), mode 0700: only
 * what we put there), with getdents64(2), as no libc directory reader is
 * async-signal-safe.
 */
static void
path_empty(int dirfd)
{
	char		 buf[2048];
	struct dirent64	*d;
	long		 n, k;

	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
		for (k = 0; k < n; k += d->d_reclen) {
			d = (struct dirent64 *)(buf + k);
			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0)
				(void)unlinkat(dirfd, d->d_name, 0);
		}
	}
}

/*
 * Remove entry i's name if it is still ours (a directory with what it
 * holds); forget it.  Async-signal-safe.
 */
static void
path_owned_remove(size_t i)
{
	const char	*path = path_owned[i].path;
	struct stat	 st;
	int		 fd;

	if (path[0] == '\0')
		return;
	if (path_owned[i].type != S_IFDIR) {
		if (path_is(path, path_owned[i].type, path_owned[i].dev,
		    path_owned[i].ino))
			(void)unlink(path);
	} else if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1) {
		if (fstat(fd, &st) == 0 && st.st_dev == path_owned[i].dev &&
		    st.st_ino == path_owned[i].ino) {
			path_empty(fd);
			(void)rmdir(path);
		}
		close(fd);
	}
	path_owned[i].path[0] = '\0';
}

/* Remove every name still ours. */
static void
path_cleanup(__unused int sig)
{
	size_t	 i;

	for (i = 0; i < PATH_OWNED_MAX; i++)
		path_owned_remove(i);
}

/* The entry for path, or -1. */
static int
path_owned_find(const char *path)
{
	size_t	 i;

	for (i = 0; i < PATH_OWNED_MAX; i++) {
		if (path_owned[i].path[0] != '\0' &&
		    strcmp(path_owned[i].path, path) == 0)
			return ((int)i);
	}
	return (-1);
}

/*
 * Make path, now the file of st (lstat(2)'s) and of type (0: any), ours to
 * remove at exit if it is still that file; made again, the file it is now.
 * Returns -1 with errno (ENOSPC: the table is full).
 */
int
path_own(const char *path, mode_t type, const struct stat *st)
{
	size_t	 len = strlen(path);
	int	 i;

	if (len == 0 || len >= sizeof(path_owned[0].path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((i = path_owned_find(path)) == -1) {
		for (i = 0; i < PATH_OWNED_MAX; i++) {
			if (path_owned[i].path[0] == '\0')
				break;
		}
		if (i == PATH_OWNED_MAX) {
			errno = ENOSPC;
			return (-1);
		}
	}
	cleanup_add(path_cleanup);
	/* In this order for a signal's handler, which may come between. */
	path_owned[i].path[0] = '\0';
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	path_owned[i].dev = st->st_dev;
	path_owned[i].ino = st->st_ino;
	path_owned[i].type = type;
	memcpy(path_owned[i].path + 1, path + 1, len);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	path_owned[i].path[0] = path[0];
	return (0);
}

/* path is no longer ours to remove (nc leaves a socket file that serves). */
void
path_disown(const char *path)
{
	int	 i;

	if ((i = path_owned_find(path)) != -1)
		path_owned[i].path[0] = '\0';
}

/* Remove path now, if it is ours and still the file made. */
void
path_unown(const char *path)
{
	int	 i;

	if ((i = path_owned_find(path)) != -1)
		path_owned_remove(i);
}

/*
 * path_open() in a sticky, world-writable directory (dst its stat).
 * Returns the descriptor, or -1 with errno and, for a refusal, *why.
 */
static int
path_open_sticky(const char *path, const struct stat *dst, int flags,
    mode_t mode, const char **why)
{
	struct stat	 st, fst;
	int		 fd, tries;

	for (tries = 0; tries < 3; tries++) {
		if (lstat(path, &st) == -1) {
			if (errno != ENOENT || !(flags & O_CREAT))
				return (-1);
			/* Made here, or nothing: no link planted meanwhile. */
			if ((fd = open(path, flags | O_EXCL | O_NOFOLLOW,
			    mode)) != -1 || errno != EEXIST)
				return (fd);
			continue;
		}
		if (st.st_uid != geteuid() && st.st_uid != dst->st_uid &&
		    (S_ISLNK(st.st_mode) || (flags & O_CREAT))) {
			*why = S_ISLNK(st.st_mode) ? "a symbolic link of "
			    "another user in a sticky directory, not followed" :
			    "a file of another user in a sticky directory, not "
			    "written to";
			errno = EPERM;
			return (-1);
		}
		/*
		 * A hard link to a file of the user's, which anyone may
		 * make there where fs.protected_hardlinks is 0: its
		 * owner is no sign of whose name it is.
		 */
		if (S_ISREG(st.st_mode) && st.st_nlink > 1 &&
		    (flags & O_CREAT)) {
			*why = "a file with another name (a hard link) in a "
			    "sticky directory, not written to";
			errno = EPERM;
			return (-1);
		}
		/* The user's link, which no one else can replace there. */
		if (S_ISLNK(st.st_mode))
			return (open(path, flags, mode));
		if ((fd = open(path, flags | O_NOFOLLOW, mode)) == -1) {
			if (errno == ELOOP)
				continue;
			return (-1);
		}
		if (fstat(fd, &fst) == 0 && fst.st_dev == st.st_dev &&
		    fst.st_ino == st.st_ino)
			return (fd);
		close(fd);
	}
	errno = EAGAIN;
	return (-1);
}

/*
 * open(2) as a shell redirection does, but in a sticky world-writable
 * directory (/tmp) follow a link or write an existing file only if it is
 * the user's or the directory owner's, as Linux's fs.protected_symlinks
 * and fs.protected_regular, whatever they are set to; nor, made with
 * O_CREAT, an existing file with a hard link, which anyone may have made
 * where fs.protected_hardlinks is 0.  Returns the descriptor, or -1 with
 * errno and *why (a refusal or strerror(errno)).
 */
int
path_open(const char *path, int flags, mode_t mode, const char **why)
{
	struct stat	 dst;
	char		 dir[PATH_MAX];
	char		*slash;
	int		 fd;

	*why = NULL;
	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		fd = -1;
	} else {
		if ((slash = strrchr(dir, '/')) == NULL)
			strlcpy(dir, ".", sizeof(dir));
		else
			slash[slash == dir ? 1 : 0] = '\0';
		if (stat(dir, &dst) == -1 || !(dst.st_mode & S_ISVTX) ||
		    !(dst.st_mode & S_IWOTH))
			fd = open(path, flags, mode);
		else
			fd = path_open_sticky(path, &dst, flags, mode, why);
	}
	if (fd == -1 && *why == NULL)
		*why = strerror(errno);
	return (fd);
}

/*
 * Read the file at path to its end (a FIFO as it comes), NUL-terminated,
 * its length in *len.  Returns the text, which the caller frees, or NULL
 * with errno: EFBIG for one longer than max bytes.
 */
char *
path_read(const char *path, size_t max, size_t *len)
{
	char	*text = NULL, *p;
	size_t	 size = 0;
	ssize_t	 n;
	int	 fd, saved;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	for (;;) {
		if (*len == size) {
			if (size > max) {
				errno = EFBIG;
				break;
			}
			size = size == 0 ? 4096 : size * 2;
			if (size > max)
				size = max + 1;
			if ((p = realloc(text, size + 1)) == NULL)
				break;
			text = p;
		}
		if ((n = read(fd, text + *len, size - *len)) == 0) {
			close(fd);
			text[*len] = '\0';
			return (text);
		}
		if (n > 0)
			*len += n;
		else if (errno != EINTR)
			break;
	}
	saved = errno;
	close(fd);
	free(text);
	errno = saved;
	return (NULL);
}

/*
 * May the file at path be read again, as a server's files are on SIGHUP:
 * is it a regular file?  A pipe's writer (a shell's <(...)) has gone
 * after the first read, so that it would read as empty (a deny list
 * without its rules), and a FIFO's may never come, holding up the loop.
 * Returns -1 with *cause set if not.
 */
int
path_rereadable(const char *path, char **cause)
{
	struct stat	 st;

	if (stat(path, &st) == -1) {
		log_cause(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		log_cause(cause, "%s: not a regular file: read once, at start",
		    path);
		return (-1);
	}
	return (0);
}

/* The id of user (group: group) name, or its number. */
static int
path_id(const char *name, int group, id_t *id)
{
	struct passwd	*pw;
	struct group	*gr;
	const char	*errstr;

	if (!group && (pw = getpwnam(name)) != NULL)
		*id = pw->pw_uid;
	else if (group && (gr = getgrnam(name)) != NULL)
		*id = gr->gr_gid;
	else {
		*id = (id_t)strtonum(name, 0, UINT_MAX - 1, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	return (0);
}

/*
 * Set the owner and group of fd (-1: of path, a name just made, never
 * through a symbolic link put in its place) to user and group, names or
 * numbers; NULL leaves one as it is.  Returns -1 with errno (EINVAL for an
 * unknown one, its option's name in *unknown if not NULL).
 */
int
path_chown(int fd, const char *path, const char *user, const char *group,
    const char **unknown)
{
	id_t		 uid = (id_t)-1, gid = (id_t)-1;
	const char	*bad = NULL;

	if (user == NULL && group == NULL)
		return (0);
	if (user != NULL && path_id(user, 0, &uid) == -1)
		bad = "user";
	else if (group != NULL && path_id(group, 1, &gid) == -1)
		bad = "group";
	if (bad != NULL) {
		if (unknown != NULL)
			*unknown = bad;
		errno = EINVAL;
		return (-1);
	}
	if (fd == -1)
		return (lchown(path, (uid_t)uid, (gid_t)gid));
	return (fchown(fd, (uid_t)uid, (gid_t)gid));
}
