/*
 * Listening sockets handed over by a supervisor: systemd's (LISTEN_PID,
 * LISTEN_FDS, LISTEN_FDNAMES), read without libsystemd, or --listen-fd's;
 * reached through net_listen() and unix_server().
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* The first descriptor the systemd protocol passes (SD_LISTEN_FDS_START). */
#define ACTIVATE_FD_FIRST	3

/*
 * Take the sockets passed the systemd way: the variables are unset, the
 * sockets made close-on-exec; another process's LISTEN_PID means none.
 * Returns the first descriptor with *name (or NULL) and *count, or -1 with
 * *cause when the variables are wrong (else NULL).  The walk stops at the
 * first closed number, so a huge LISTEN_FDS costs nothing.
 */
__startup int
activate_take(const char **name, int *count, char **cause)
{
	const char	*pid, *fds, *names, *errstr;
	char		*first = NULL;
	long long	 p, n;
	int		 fd;

	*name = NULL;
	*count = 0;
	*cause = NULL;
	pid = getenv("LISTEN_PID");
	fds = getenv("LISTEN_FDS");
	names = getenv("LISTEN_FDNAMES");
	/* Nothing passed, nothing to unset (unsetenv() would map more libc). */
	if (pid == NULL && fds == NULL && names == NULL)
		return (-1);
	if (names != NULL && names[0] != '\0' &&
	    (first = strndup(names, strcspn(names, ":"))) == NULL)
		return (-1);
	/* unsetenv() frees nothing the pointers still need: copies first. */
	p = pid != NULL ? strtonum(pid, 1, INT_MAX, &errstr) : 0;
	errstr = NULL;
	n = fds != NULL ? strtonum(fds, 0, INT_MAX - ACTIVATE_FD_FIRST,
	    &errstr) : 0;
	if (p == getpid() && errstr != NULL)
		log_cause(cause, "LISTEN_FDS is %s: %s", fds, errstr);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (p == 0 || n == 0 || p != getpid()) {
		free(first);
		return (-1);
	}
	for (fd = ACTIVATE_FD_FIRST; fd < ACTIVATE_FD_FIRST + n; fd++) {
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
			log_cause(cause, "LISTEN_FDS is %lld, but descriptor "
			    "%d is not open", n, fd);
			free(first);
			return (-1);
		}
	}
	*name = first;
	*count = (int)n;
	return (ACTIVATE_FD_FIRST);
}

/* The name of socket type v, or (family) of family v, for a message. */
static const char *
activate_name(int family, int v)
{
	static const struct {
		int		 family;
		int		 v;
		const char	*name;
	} names[] = {
		{ 0, SOCK_STREAM, "a stream" },
		{ 0, SOCK_DGRAM, "a datagram" },
		{ 0, SOCK_SEQPACKET, "a seqpacket" },
		{ 1, AF_INET, "an IPv4" },
		{ 1, AF_INET6, "an IPv6" },
		{ 1, AF_UNIX, "a Unix-domain" },
		{ 1, AF_VSOCK, "a VSOCK" },
	};
	size_t	 i;

	for (i = 0; i < nitems(names); i++) {
		if (names[i].family == family && names[i].v == v)
			return (names[i].name);
	}
	return ("an unusual");
}

/* Does a socket of family af serve the family the options ask for? */
static int
activate_family_fits(const struct side *sd, int af)
{
	if (sd->sock.family == AF_UNIX)
		return (af == AF_UNIX);
	if (sd->sock.vsock)
		return (af == AF_VSOCK);
	if (sd->sock.family == AF_INET || sd->sock.family == AF_INET6)
		return (af == sd->sock.family);
	return (af == AF_INET || af == AF_INET6);
}

/*
 * Check the side's listen_fd against the options (-u, -U, --vsock, -4, -6;
 * a stream socket must listen), make it non-blocking and say it with -v.
 * Returns it, or -1 with errno and *cause.
 */
int
activate_use(const struct side *sd, char **cause)
{
	struct stat	 st;
	int		 fd = sd->sock.listen_fd, type, af, on = 1, acc = 0;
	socklen_t	 len;

	*cause = NULL;
	if ((type = net_sock_type(fd)) == -1) {
		log_cause(cause, "passed descriptor %d: %s", fd,
		    errno == ENOTSOCK ? "not a socket" : strerror(errno));
		return (-1);
	}
	len = sizeof(af);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &af, &len) == -1) {
		log_cause(cause, "passed socket %d: %s", fd, strerror(errno));
		return (-1);
	}
	if (type != sd->sock.socktype) {
		log_cause(cause, "passed socket %d is %s socket: %s", fd,
		    activate_name(0, type), type == SOCK_DGRAM ? "use -u" :
		    "without -u");
		errno = EPROTOTYPE;
		return (-1);
	}
	if (!activate_family_fits(sd, af)) {
		log_cause(cause, "passed socket %d is %s socket%s", fd,
		    activate_name(1, af), af == AF_UNIX ? ": use -U" :
		    af == AF_VSOCK ? ": use --vsock" : sd->sock.family == AF_UNIX ?
		    ", not a Unix-domain one (-U)" : sd->sock.vsock ?
		    ", not a VSOCK one (--vsock)" : sd->sock.family == AF_INET ?
		    ", not an IPv4 one (-4)" : sd->sock.family == AF_INET6 ?
		    ", not an IPv6 one (-6)" : "");
		errno = EAFNOSUPPORT;
		return (-1);
	}
	len = sizeof(acc);
	if (type != SOCK_DGRAM && (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN,
	    &acc, &len) == -1 || !acc)) {
		log_cause(cause, "passed socket %d is not listening", fd);
		errno = EINVAL;
		return (-1);
	}
	/*
	 * A UDP peer's own socket (-u -lk -e, --ssl) shares the listener's
	 * port, with SO_REUSEPORT: only sockets of the user that made the
	 * passed one may join it.  A socket another user made (a supervisor
	 * running as root) would refuse every peer: that is said at once.
	 */
	if (type == SOCK_DGRAM && af != AF_UNIX) {
		if (sd->dgram_peers &&
		    fstat(fd, &st) == 0 && st.st_uid != geteuid()) {
			log_cause(cause, "passed socket %d is another user's: "
			    "peers' own sockets cannot share its port", fd);
			errno = EPERM;
			return (-1);
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    net_set_nonblock(fd, 1) == -1) {
		log_cause(cause, "passed socket %d: %s", fd, strerror(errno));
		return (-1);
	}
	if (sd->sock.listen_fd_name != NULL)
		log_verbose(1, "Serving passed socket %d (%s)", fd,
		    sd->sock.listen_fd_name);
	else
		log_verbose(1, "Serving passed socket %d", fd);
	return (fd);
}

/*
 * The address passed socket fd is bound to, as operands: *host (a path for
 * Unix) and *port (NULL for a path), allocated.  Returns -1 with errno.
 */
int
activate_addr(int fd, char **host, char **port)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 h[NI_MAXHOST], p[NI_MAXSERV];

	*host = *port = NULL;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return (-1);
	net_format((struct sockaddr *)&ss, len, 1, h, sizeof(h), p,
	    sizeof(p));
	if ((*host = strdup(h)) == NULL)
		return (-1);
	if (ss.ss_family != AF_UNIX && (*port = strdup(p)) == NULL) {
		free(*host);
		*host = NULL;
		return (-1);
	}
	return (0);
}
