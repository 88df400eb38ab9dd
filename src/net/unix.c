/*
 * Unix-domain sockets (-U): stream and datagram, paths and abstract
 * "@names", and the socket files we make, removed at exit unless nc would
 * leave them.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/*
 * Is sd's socket file left at exit once it serves?  nc leaves the command
 * line's; an address's goes, as socat's (unlink-close=0: never ours).
 */
static int
unix_nc_leaves(const struct side *sd)
{
	return (sd->text == NULL);
}

/* Fill sun and len for a path or "@abstract" name.  -1 with ENAMETOOLONG. */
int
unix_addr(const char *name, struct sockaddr_un *sun, socklen_t *len)
{
	size_t	 at = name[0] == '@', n = strlen(name + at);

	/* A path's NUL, or an abstract name's leading one, is counted. */
	if (n + 1 > sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + at, name + at, n);
	*len = offsetof(struct sockaddr_un, sun_path) + 1 + n;
	return (0);
}

/*
 * The SOCK_* type bound at path per /proc/net/unix (also under its
 * realpath(3) if real), or 0 when unlisted or unreadable.
 */
static int
unix_listed(const char *path, int real)
{
	FILE		*f;
	char		*line = NULL, rp[PATH_MAX];
	size_t		 size = 0;
	unsigned int	 type;
	int		 off, found = 0;

	if ((f = fopen("/proc/net/unix", "re")) == NULL)
		return (0);
	if (!real || realpath(path, rp) == NULL)
		strlcpy(rp, path, sizeof(rp));
	while (!found && getline(&line, &size, f) != -1) {
		line[strcspn(line, "\n")] = '\0';
		/* Num RefCount Protocol Flags Type St Inode Path */
		off = -1;
		if (sscanf(line, "%*s %*s %*s %*s %x %*s %*s %n", &type,
		    &off) == 1 && off > 0 && (strcmp(line + off, path) == 0 ||
		    strcmp(line + off, rp) == 0))
			found = (int)type;
	}
	free(line);
	fclose(f);
	return (found);
}

/*
 * Is a socket bound to the file of st (its inode, as the kernel's
 * sock_diag says, not its name: a name bound relative to another
 * directory, or one unlinked since, is another file)?  1 or 0, or -1 when
 * the kernel cannot say.
 */
static int
unix_bound_at(const struct stat *st)
{
	struct {
		struct nlmsghdr		nlh;
		struct unix_diag_req	req;
	}			 q;
	struct sockaddr_nl	 nl = { .nl_family = AF_NETLINK };
	struct unix_diag_vfs	 vfs;
	struct nlmsghdr		*h;
	struct rtattr		*a;
	union {
		struct nlmsghdr	 align;
		char		 buf[16384];
	}			 u;
	ssize_t			 n;
	int			 fd, found = -1, alen;

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return (-1);
	memset(&q, 0, sizeof(q));
	q.nlh.nlmsg_len = sizeof(q);
	q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.req.sdiag_family = AF_UNIX;
	q.req.udiag_states = (uint32_t)-1;
	q.req.udiag_show = UDIAG_SHOW_VFS;
	if (sendto(fd, &q, sizeof(q), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) != (ssize_t)sizeof(q))
		goto done;
	while (found == -1) {
		if ((n = recv(fd, u.buf, sizeof(u.buf), 0)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			goto done;
		for (h = &u.align; found == -1 && NLMSG_OK(h, n);
		    h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				found = 0;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct
			    unix_diag_msg)))
				goto done;
			alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(struct
			    unix_diag_msg));
			for (a = (struct rtattr *)((char *)NLMSG_DATA(h) +
			    NLMSG_ALIGN(sizeof(struct unix_diag_msg)));
			    RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type != UNIX_DIAG_VFS ||
				    RTA_PAYLOAD(a) < (int)sizeof(vfs))
					continue;
				memcpy(&vfs, RTA_DATA(a), sizeof(vfs));
				/*
				 * The inode alone: the device is the
				 * superblock's, which stat(2) does not give on
				 * btrfs; one of another file system's at
				 * worst refuses, as before.
				 */
				if (vfs.udiag_vfs_ino == st->st_ino)
					found = 1;
			}
		}
	}
done:
	close(fd);
	return (found);
}

/*
 * Is the socket file name (of st) of type in use?  Bound is alive; else
 * only a refused connect says nobody is there; unclear counts as alive.
 */
static int
unix_alive(int type, const char *name, const struct stat *st,
    const struct sockaddr_un *sun, socklen_t len)
{
	int	 fd, alive;

	if ((alive = unix_bound_at(st)) == 1 || (alive == -1 &&
	    unix_listed(name, 1) != 0))
		return (1);
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return (1);
	alive = connect(fd, (const struct sockaddr *)sun, len) == 0 ||
	    (errno != ECONNREFUSED && errno != ENOENT);
	close(fd);
	return (alive);
}

/*
 * Bind fd of type to name, replacing a dead socket file of the user's own,
 * never a live one, another's or a non-socket; removed at exit unless keep
 * (unlink-close=0).  Returns -1 with errno and *cause (nc's words).
 */
static int
unix_bind(int fd, int type, const char *name, int keep, char **cause)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	socklen_t		 len;

	/* netcat's words, then the path. */
	*cause = NULL;
	if (unix_addr(name, &sun, &len) == -1) {
		log_cause(cause, "%s (%s)", strerror(errno), name);
		return (-1);
	}
	if (name[0] != '@' && lstat(name, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_cause(cause, "%s: not a socket, will not replace "
			    "it", name);
			errno = EEXIST;
			return (-1);
		}
		/*
		 * A stale socket is replaced only if it is the user's own:
		 * another user's is theirs (and with a directory others can
		 * write to, the name is theirs to take).
		 */
		if (!unix_alive(type, name, &st, &sun, len)) {
			if (st.st_uid != geteuid()) {
				log_cause(cause, "%s: a socket of another "
				    "user, will not replace it", name);
				errno = EEXIST;
				return (-1);
			}
			if (unlink(name) == -1 && errno != ENOENT) {
				log_cause(cause, "%s (%s)", strerror(errno),
				    name);
				return (-1);
			}
		}
	}
	if (bind(fd, (struct sockaddr *)&sun, len) == -1) {
		log_cause(cause, "%s (%s)", strerror(errno), name);
		return (-1);
	}
	if (!keep && name[0] != '@' && lstat(name, &st) == 0)
		(void)path_own(name, S_IFSOCK, &st);
	return (0);
}

/*
 * Bind datagram client fd to a new file, its name in name: recv.sock, then
 * recv.2.sock, ..., in one private directory of $TMPDIR, made at first
 * need and removed at exit with what it holds.  Returns -1 with errno and
 * *cause.
 */
static int
unix_bind_temp(int fd, char *name, size_t namelen, char **cause)
{
	static char	 dir[PATH_MAX];
	static u_int	 n;
	struct stat	 st;
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (dir[0] == '\0' && (size_t)snprintf(dir, sizeof(dir),
	    "%s/sockcat.XXXXXX", tmp) >= sizeof(dir)) {
		dir[0] = '\0';
		errno = ENAMETOOLONG;
		log_cause(cause, "%s: %s", tmp, strerror(errno));
		return (-1);
	}
	if (n == 0 && mkdtemp(dir) == NULL) {
		log_cause(cause, "%s: %s", dir, strerror(errno));
		dir[0] = '\0';
		return (-1);
	}
	if (n == 0 && (lstat(dir, &st) == -1 ||
	    path_own(dir, S_IFDIR, &st) == -1)) {
		log_cause(cause, "%s: %s", dir, strerror(errno));
		(void)rmdir(dir);
		dir[0] = '\0';
		return (-1);
	}
	n++;
	if ((size_t)snprintf(name, namelen, n == 1 ? "%s/recv.sock" :
	    "%s/recv.%u.sock", dir, n) >= namelen) {
		errno = ENAMETOOLONG;
		log_cause(cause, "%s", strerror(errno));
		return (-1);
	}
	/* The directory's clean-up takes it. */
	return (unix_bind(fd, SOCK_DGRAM, name, 1, cause));
}

/* The type bound at path, SOCK_STREAM or SOCK_DGRAM, or 0. */
__startup int
unix_peer_type(const char *path)
{
	int	 type = unix_listed(path, 0);

	return (type == SOCK_STREAM || type == SOCK_DGRAM ? type : 0);
}

/*
 * Bind client fd, about to connect, as sd says: a stream socket to its
 * bind= (socat's UNIX-CONNECT:PATH,bind=), if any; a datagram socket,
 * whose peer answers to its name, to -s (left at exit as nc leaves it,
 * an address's removed) or a new file of its own, said with -v.  Returns
 * -1 with errno and *cause.
 */
int
unix_bind_client(const struct side *sd, int fd, char **cause)
{
	char	 local[PATH_MAX];

	*cause = NULL;
	if (sd->sock.socktype != SOCK_DGRAM) {
		if (sd->sock.source == NULL)
			return (0);
		return (unix_bind(fd, sd->sock.socktype, sd->sock.source,
		    sd->sock.unix_keep, cause));
	}
	if (sd->sock.source != NULL) {
		strlcpy(local, sd->sock.source, sizeof(local));
		if (unix_bind(fd, SOCK_DGRAM, local, sd->sock.unix_keep,
		    cause) == -1)
			return (-1);
		if (unix_nc_leaves(sd))
			path_disown(local);
	} else if (unix_bind_temp(fd, local, sizeof(local), cause) == -1)
		return (-1);
	if (log_verbosity() > 0)
		log_info("Bound on %s", local);
	return (0);
}

/*
 * unix_bind() to sd's path under umask=, then perm= and user=, kept with
 * unlink-close=0.  Returns -1 with errno and *cause.
 */
static int
unix_bind_entry(const struct side *sd, int fd, char **cause)
{
	const struct side_local	*l = &sd->local;
	const char		*unknown = "user";
	mode_t			 old = 0;
	int			 rc, mask;

	/*
	 * perm=: made so (a umask of its complement), so that no one finds
	 * it with other modes before the chmod(2) below.
	 */
	mask = sd->perm != -1 ? ~sd->perm & 0777 : l->umask;
	if (mask != -1)
		old = umask(mask);
	rc = unix_bind(fd, sd->sock.socktype, sd->host, sd->sock.unix_keep ||
	    l->unlink_close == 0, cause);
	if (mask != -1)
		umask(old);
	if (rc == -1 || sd->host[0] == '@')
		return (rc);
	/*
	 * By name, in a directory that others may write to: a link put in
	 * the socket's place is not followed (EOPNOTSUPP), nor by the owner
	 * set next (lchown(2)).
	 */
	if (sd->perm != -1 && fchmodat(AT_FDCWD, sd->host, sd->perm,
	    AT_SYMLINK_NOFOLLOW) == -1) {
		log_cause(cause, "perm: %s (%s)", strerror(errno), sd->host);
		return (-1);
	}
	if (path_chown(-1, sd->host, l->user, l->group, &unknown) == -1) {
		if (errno == EINVAL && strcmp(unknown, "user") == 0)
			log_cause(cause, "user %s: unknown", l->user);
		else if (errno == EINVAL)
			log_cause(cause, "group %s: unknown", l->group);
		else
			log_cause(cause, "owner: %s (%s)", strerror(errno),
			    sd->host);
		return (-1);
	}
	return (0);
}

/*
 * The command line's -U socket, bound, listening if stream, non-blocking,
 * said with -v as nc; its file left as nc leaves it, else removed at exit.
 * Returns -1 with errno and *cause, the file removed at exit.
 */
int
unix_server(const struct side *sd, char **cause)
{
	int	 fd;

	*cause = NULL;
	/* A socket passed to us is served instead, and its file is kept. */
	if (sd->sock.listen_fd != -1) {
		if ((fd = activate_use(sd, cause)) != -1 && log_verbosity() > 0)
			log_info("%s on %s", sd->sock.socktype == SOCK_STREAM ?
			    "Listening" : "Bound", sd->host);
		return (fd);
	}
	if ((fd = socket(AF_UNIX, (sd->sock.seqpacket ? SOCK_SEQPACKET :
	    sd->sock.socktype) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1) {
		log_cause(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	if (net_set_options(sd, fd, AF_UNIX, cause) == -1 ||
	    unix_bind_entry(sd, fd, cause) == -1)
		goto fail;
	if (log_verbosity() > 0)
		log_info("Bound on %s", sd->host);
	if (sd->sock.socktype == SOCK_STREAM) {
		SIDE_TAKEN(sock.backlog);
		if (listen(fd, sd->sock.backlog > 0 ? sd->sock.backlog :
		    128) == -1) {
			log_cause(cause, "listen: %s", strerror(errno));
			goto fail;
		}
		if (log_verbosity() > 0)
			log_info("Listening on %s", sd->host);
		/* A code drawn here: the other side's command. */
		if (sd->tls.secret_peer != NULL)
			log_info("On the other side, run: %s -U %s",
			    sd->tls.secret_peer, sd->host);
	}
	if (unix_nc_leaves(sd))
		path_disown(sd->host);
	return (fd);

fail:
	return (net_close_err(fd));
}
