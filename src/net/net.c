/*
 * Address resolution, socket set-up (options: sockopt.c), -v reports about
 * sockets, and reads and writes through a connection's TLS.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* Is error this process's own (memory, descriptors), said without -v? */
int
net_own_error(int error)
{
	return (error == EMFILE || error == ENFILE || error == ENOBUFS ||
	    error == ENOMEM);
}

/* Is error only "not now": nothing ready, or a signal came? */
static int
net_not_now(int error)
{
	return (error == EAGAIN || error == EWOULDBLOCK || error == EINTR);
}

/* "tcp", "udp" or "dccp", for nc's messages. */
__shortrun const char *
net_proto_name(const struct side *sd)
{
	if (sd->sock.socktype == SOCK_DCCP)
		return ("dccp");
	if (sd->sock.vsock)
		return ("vsock");
	return (sd->sock.socktype == SOCK_DGRAM ? "udp" : "tcp");
}

/* Is sa a multicast group's address? */
static int
net_is_multicast(const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return (IN_MULTICAST(ntohl(sin->sin_addr.s_addr)));
	if (sa->sa_family == AF_INET6)
		return (IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr));
	return (0);
}

/*
 * -F: pass fd over sock with SCM_RIGHTS and one NUL byte, waiting while
 * sock is full.  Returns sendmsg(2)'s result (1), or -1 with errno.
 */
ssize_t
net_send_fd(int sock, int fd)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct pollfd	 pfd = { .fd = sock, .events = POLLOUT };
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	char		 c = '\0';
	ssize_t		 n;

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = &c;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	for (;;) {
		if ((n = sendmsg(sock, &msg, MSG_NOSIGNAL)) != -1)
			return (n);
		if (!net_not_now(errno))
			return (-1);
		/* Set-up, before any pump runs: this one wait is fine. */
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return (-1);
	}
}

/* The service name of port for the [tcp/NAME] report, or "*". */
static const char *
net_service(const char *port, int udp)
{
	struct servent	*sv;
	const char	*errstr;
	int		 n;

	n = strtonum(port, 1, 65535, &errstr);
	if (errstr != NULL)
		return ("*");
	sv = getservbyport(htons(n), udp ? "udp" : "tcp");
	return (sv != NULL ? sv->s_name : "*");
}

/* "HOST (ADDR)" when the name given is not its address; the name escaped. */
__shortrun void
net_host_label(const char *host, const struct sockaddr *sa, socklen_t len,
    char *out, size_t outlen)
{
	char	 addr[NI_MAXHOST], port[NI_MAXSERV];
	char	 esc[LOG_ESCAPED(NI_MAXHOST)];

	net_format(sa, len, 1, addr, sizeof(addr), port, sizeof(port));
	log_escape(esc, sizeof(esc), host, strlen(host));
	if (strcmp(host, addr) == 0)
		strlcpy(out, esc, outlen);
	else
		snprintf(out, outlen, "%s (%s)", esc, addr);
}

/*
 * getaddrinfo() hints for sd: family, type, protocol, -n; passive for a
 * bind to host (NULL: any).
 */
__startup void
net_hints(const struct side *sd, int family, int passive, const char *host,
    struct addrinfo *hints)
{
	memset(hints, 0, sizeof(*hints));
	hints->ai_family = family;
	hints->ai_socktype = sd->sock.socktype;
	if (sd->sock.socktype == SOCK_DCCP)
		hints->ai_protocol = IPPROTO_DCCP;
	else
		hints->ai_protocol = sd->sock.socktype == SOCK_DGRAM ? IPPROTO_UDP :
		    IPPROTO_TCP;
	if (sd->sock.numeric)
		hints->ai_flags |= AI_NUMERICHOST;
	if (passive)
		hints->ai_flags |= AI_PASSIVE;
	/* Listening on no address in particular means IPv4, as with nc. */
	if (passive && host == NULL && hints->ai_family == AF_UNSPEC)
		hints->ai_family = AF_INET;
}

/* Look up host and port to bind to.  Returns -1 with errno and *cause. */
static __startup int
net_resolve(const struct side *sd, int family, const char *host,
    const char *port, struct addrinfo **res, char **cause)
{
	struct addrinfo	 hints;
	int		 error;

	SIDE_TAKEN(sock.family);
	SIDE_TAKEN(sock.socktype);
	SIDE_TAKEN(sock.numeric);
	net_hints(sd, family, 1, host, &hints);
	if ((error = getaddrinfo(host, port, &hints, res)) != 0) {
		log_cause(cause, "getaddrinfo: %s (%s%s%s)",
		    gai_strerror(error), host != NULL ? host : "any",
		    port != NULL ? " port " : "", port != NULL ? port : "");
		errno = EADDRNOTAVAIL;
		return (-1);
	}
	return (0);
}

/*
 * " (ADDRESS port PORT)" or " (HOST: ADDRESS port PORT)", the end of nc's
 * bind failure; no port when any.
 */
static void
net_bind_label(const char *host, const struct sockaddr *sa, socklen_t len,
    char *out, size_t outlen)
{
	char	 addr[NI_MAXHOST], port[NI_MAXSERV];

	net_format(sa, len, 1, addr, sizeof(addr), port, sizeof(port));
	snprintf(out, outlen, " (%s%s%s%s%s)", host != NULL &&
	    strcmp(host, addr) != 0 ? host : "", host != NULL &&
	    strcmp(host, addr) != 0 ? ": " : "", addr,
	    strcmp(port, "0") != 0 ? " port " : "",
	    strcmp(port, "0") != 0 ? port : "");
}

/* Bind fd (family af) to -s and -p if given.  -1 with errno and *cause. */
__shortrun int
net_bind_source(const struct side *sd, int fd, int af, char **cause)
{
	struct addrinfo	*res;
	char		 label[NI_MAXHOST * 2 + 32];
	int		 error, on = 1;

	SIDE_TAKEN(sock.source);
	SIDE_TAKEN(sock.source_port);
	if (sd->sock.source == NULL && sd->sock.source_port == NULL)
		return (0);
	if (net_resolve(sd, af, sd->sock.source, sd->sock.source_port,
	    &res, cause) == -1)
		return (-1);
	/*
	 * SO_REUSEADDR lets a TCP client bind its -p again while the last
	 * connection from it waits in TIME_WAIT; a connection is known by
	 * both its ends, so nobody else's socket on the port can take its
	 * bytes.  On a datagram socket it would let any local user bind
	 * the same address and port and receive the peer's replies: a
	 * UDP or DTLS client's port is its own (doc/design.md, "Datagram
	 * sockets").
	 */
	if (net_sock_type(fd) == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (net_bind_port(sd, fd, res->ai_addr, res->ai_addrlen) == -1) {
		error = errno;
		/* nc's words, then what could not be bound. */
		net_bind_label(sd->sock.source, res->ai_addr, res->ai_addrlen,
		    label, sizeof(label));
		log_cause(cause, "bind failed: %s%s", strerror(error), label);
		freeaddrinfo(res);
		errno = error;
		return (-1);
	}
	freeaddrinfo(res);
	return (0);
}

/* Report a connection as nc -v does; through a proxy, host as given. */
__shortrun void
net_report_connect(const struct side *sd, const char *host,
    const char *port, const struct net_peer *peer)
{
	char	 label[NI_MAXHOST * 2 + 4];

	if (log_verbosity() < 1)
		return;
	if (sd->proxy.host != NULL)
		strlcpy(label, host, sizeof(label));
	else
		net_host_label(host, (const struct sockaddr *)&peer->ss,
		    peer->len, label, sizeof(label));
	log_info("Connection to %s %s port [%s/%s] succeeded!", label, port,
	    net_proto_name(sd), sd->sock.numeric ? "*" :
	    net_service(port, sd->sock.socktype == SOCK_DGRAM));
}

/*
 * Say a connect to host and port failed, in the words nc -v uses, where -v
 * has not; through a proxy, the proxy refused; to a path, as nc -U does.
 * socat's form always says it.
 */
void
net_report_refused(const struct side *sd, const char *host,
    const char *port, int error)
{
	/* The dial says nothing of a path, -v or not. */
	if (sd->sock.family == AF_UNIX) {
		log_warnx("%s: %s", host, strerror(error));
		return;
	}
	if (log_verbosity() >= 1 && !sd->dialect->refused_always)
		return;
	if (sd->proxy.host != NULL && sd->proxy.nhops > 0)
		log_warnx("connect to proxy %s failed: %s",
		    sd->proxy.hops[0].label, strerror(error));
	else
		log_warnx("connect to %s port %s (%s) failed: %s", host, port,
		    net_proto_name(sd), strerror(error));
}

/*
 * A socket for ai, bound and (stream) listening, IPV6_V6ONLY v6only (-1:
 * system's).  Returns it, -1 with errno when another address may do (label
 * says what), or -2 with errno and *cause when none may.
 */
static __startup int
net_listen_ai(const struct side *sd, const struct addrinfo *ai,
    const char *host, int v6only, char *label, size_t labelsize,
    char **cause)
{
	int	 fd, on = 1, mcast, fatal = 0, error;

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    net_protocol(sd, ai))) == -1) {
		if (!net_mptcp_missing(sd, ai, errno))
			return (-1);
		error = errno;
		log_cause(cause, "%s", net_mptcp_why(error));
		errno = error;
		return (-2);
	}
	/*
	 * SO_REUSEADDR lets a TCP listener restart past TIME_WAIT; on a UDP
	 * socket it would let two listeners share a port, unless asked for:
	 * the receivers of a group share its port, that is the point.
	 */
	mcast = ai->ai_socktype == SOCK_DGRAM && net_is_multicast(ai->ai_addr);
	if (ai->ai_socktype == SOCK_STREAM || mcast || sd->sock.reuseaddr)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ai->ai_family == AF_INET6 && v6only != -1 && setsockopt(fd,
	    IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) == -1)
		goto fail;
	/* As with nc, a socket option refused is fatal. */
	fatal = 1;
	if (net_set_reuseport(sd, fd, cause) == -1 ||
	    net_set_options(sd, fd, ai->ai_family, cause) == -1)
		goto fail;
	if (ai->ai_socktype == SOCK_DGRAM)
		net_dgram_rcvbuf(sd, fd);
	SIDE_TAKEN(sock.backlog);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    (ai->ai_socktype == SOCK_STREAM && listen(fd,
	    sd->sock.backlog > 0 ? sd->sock.backlog : 128) == -1)) {
		fatal = 0;
		error = errno;
		net_bind_label(host, ai->ai_addr, ai->ai_addrlen, label,
		    labelsize);
		errno = error;
		goto fail;
	}
	/* A group that cannot be joined is fatal: nothing comes. */
	if (mcast && net_join_group(sd, fd, ai->ai_addr, cause) == -1)
		goto fail;
	return (fd);

fail:
	net_close_err(fd);
	return (fatal ? -2 : -1);
}

/*
 * A socket of family (AF_UNSPEC: any) bound to host (NULL: any) and port,
 * listening if stream; the first address that binds wins, as nc.  dual:
 * IPv6 takes IPv4 unless ipv6only=.  Returns -1 with errno and *cause.
 */
static __startup int
net_listen_dual(const struct side *sd, int family, const char *host,
    const char *port, int dual, char **cause)
{
	struct addrinfo	*res, *ai;
	char		 label[NI_MAXHOST * 2 + 32];
	int		 fd = -1, error = 0, v6only;

	/* Not "= \"\"": that zeroes all of it, a page of stack at start. */
	label[0] = '\0';
	*cause = NULL;
	/* A socket passed to us is served instead. */
	if (sd->sock.listen_fd != -1)
		return (activate_use(sd, cause));
	if (sd->sock.vsock)
		return (vsock_listen(sd, host, port, cause));
	if (net_resolve(sd, family, host, port, &res, cause) == -1)
		return (-1);
	v6only = sd->sock.v6only != 0 ? sd->sock.v6only == 1 : dual ? 0 : -1;
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		if ((fd = net_listen_ai(sd, ai, host, v6only, label,
		    sizeof(label), cause)) < 0)
			error = errno;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return (net_set_nonblock(fd, 1) == 0 ? fd : net_close_err(fd));
	/* nc's words, then the address and port that could not be had. */
	if (fd == -1)
		log_cause(cause, "%s%s", strerror(error), label);
	errno = error;
	return (-1);
}

/* Bind as nc does: IPv6 keeps the system's IPv6-only rule. */
__startup int
net_listen(const struct side *sd, const char *host, const char *port,
    char **cause)
{
	return (net_listen_dual(sd, sd->sock.family, host, port, 0, cause));
}

/*
 * A socket bound to port on every address, one IPv6 socket taking IPv4
 * (IPv4 alone without IPv6); -4 and -6 keep to theirs.  Returns -1 with
 * errno and *cause.
 */
int
net_listen_all(const struct side *sd, const char *port, char **cause)
{
	int		 fd;

	if (sd->sock.family != AF_UNSPEC)
		return (net_listen(sd, NULL, port, cause));
	if ((fd = net_listen_dual(sd, AF_INET6, NULL, port, 1, cause)) != -1)
		return (fd);
	if (errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT &&
	    errno != EADDRNOTAVAIL)
		return (-1);
	free(*cause);
	*cause = NULL;
	return (net_listen_dual(sd, AF_INET, NULL, port, 0, cause));
}

/* This host's name, or "localhost". */
static const char *
net_hostname(void)
{
	static char	 name[HOST_NAME_MAX + 1];

	if (gethostname(name, sizeof(name)) == -1 || name[0] == '\0')
		return ("localhost");
	name[sizeof(name) - 1] = '\0';
	return (name);
}

/*
 * Report a listening socket's address as nc does, and for a --secret drawn
 * here what the other side runs.
 */
__startup void
net_report_listen(const struct side *sd, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 host[NI_MAXHOST], port[NI_MAXSERV];

	if ((log_verbosity() < 1 && sd->tls.secret_peer == NULL) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	/* The port is a number either way; the host is named for -v alone. */
	net_format((struct sockaddr *)&ss, len, sd->sock.numeric ||
	    log_verbosity() < 1, host, sizeof(host), port, sizeof(port));
	/*
	 * A code drawn here: the other side's command, with this host's
	 * name unless the listener has an address of its own.
	 */
	if (sd->tls.secret_peer != NULL)
		log_info("On the other side, run: %s %s %s",
		    sd->tls.secret_peer, sd->host != NULL ? sd->host :
		    net_hostname(), port);
	if (log_verbosity() < 1)
		return;
	log_info("%s on %s %s", sd->sock.socktype == SOCK_DGRAM ? "Bound" :
	    "Listening", host, port);
}

/*
 * Accept on watched listener lfd.  Returns the socket, or -1 with errno
 * when none can be served now; out of descriptors, lfd is unwatched and
 * backoff (which watches it again) armed, and the caller says so.  Other
 * errors are fatal.
 */
int
net_accept_or_wait(int lfd, struct net_peer *peer, struct ev_timer *backoff)
{
	int	 fd, error;

	peer->len = sizeof(peer->ss);
	if ((fd = accept4(lfd, (struct sockaddr *)&peer->ss, &peer->len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1)
		return (fd);
	if (net_own_error(errno)) {
		error = errno;
		ev_del(lfd);
		ev_timer_arm(backoff, NET_ACCEPT_BACKOFF_MS);
		errno = error;
	} else if (!net_not_now(errno) && errno != ECONNABORTED &&
	    errno != EPROTO)
		fatal("accept");
	return (-1);
}

/*
 * The protocol of a socket for ai: IPPROTO_MPTCP for TCP with --mptcp
 * (falls back to TCP), else ai's.
 */
__shortrun int
net_protocol(const struct side *sd, const struct addrinfo *ai)
{
	SIDE_TAKEN(sock.mptcp);
	if (sd->sock.mptcp && ai->ai_socktype == SOCK_STREAM &&
	    (ai->ai_family == AF_INET || ai->ai_family == AF_INET6))
		return (IPPROTO_MPTCP);
	return (ai->ai_protocol);
}

/* Did socket() fail with error because the kernel has no MPTCP? */
int
net_mptcp_missing(const struct side *sd, const struct addrinfo *ai,
    int error)
{
	return (net_protocol(sd, ai) == IPPROTO_MPTCP &&
	    (error == EPROTONOSUPPORT || error == ENOPROTOOPT ||
	    error == EINVAL || error == EAFNOSUPPORT));
}

/* Why socket() gave no MPTCP: none in the kernel, or net.mptcp.enabled 0. */
const char *
net_mptcp_why(int error)
{
	static char	 msg[256];
	FILE		*f;
	int		 on = -1;

	if ((f = fopen("/proc/sys/net/mptcp/enabled", "r")) != NULL) {
		if (fscanf(f, "%d", &on) != 1)
			on = -1;
		fclose(f);
	}
	if (on == 0)
		snprintf(msg, sizeof(msg), "--mptcp: Multipath TCP is turned "
		    "off (sysctl net.mptcp.enabled is 0)");
	else
		snprintf(msg, sizeof(msg), "--mptcp: this kernel has no "
		    "Multipath TCP (%s)", strerror(error));
	return (msg);
}

/* With --mptcp -v, say whether fd is MPTCP or fell back (TCP_IS_MPTCP). */
__shortrun void
net_report_mptcp(const struct side *sd, int fd)
{
	socklen_t	 len = sizeof(int);
	int		 on = 0;

	if (!sd->sock.mptcp || log_verbosity() < 1)
		return;
	if (getsockopt(fd, IPPROTO_TCP, TCP_IS_MPTCP, &on, &len) == -1)
		log_info("MPTCP: unknown (%s)", strerror(errno));
	else if (on)
		log_info("MPTCP: yes, Multipath TCP");
	else
		log_info("MPTCP: no, the peer fell back to TCP");
}

/*
 * Report an accepted client as nc -v does, by name (NULL: address), looked
 * up off the loop; nothing waits here.
 */
void
net_report_named(const struct side *sd, const struct net_peer *peer,
    const char *name)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];
	char	 esc[LOG_ESCAPED(NI_MAXHOST)];

	if (log_verbosity() < 1)
		return;
	/*
	 * A Unix-domain client is usually unnamed: netcat names the socket
	 * it was received on instead.
	 */
	if (peer->ss.ss_family == AF_UNIX) {
		log_info("Connection received on %s", sd->host);
		return;
	}
	net_format((const struct sockaddr *)&peer->ss, peer->len, 1,
	    host, sizeof(host), port, sizeof(port));
	/* The name is what a resolver said, which may be anything. */
	if (name != NULL)
		log_escape(esc, sizeof(esc), name, strlen(name));
	log_info("Connection received on %s %s", name != NULL ? esc : host,
	    port);
}

/*
 * Report an accepted client as nc -v does, its name looked up now: only
 * for a server of one datagram peer, where nobody waits.
 */
void
net_report_accept(const struct side *sd, const struct net_peer *peer)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];

	if (!net_report_needs_name(sd, peer)) {
		net_report_named(sd, peer, NULL);
		return;
	}
	net_format((const struct sockaddr *)&peer->ss, peer->len, 0,
	    host, sizeof(host), port, sizeof(port));
	net_report_named(sd, peer, host);
}

/* Does the -v line for peer need a lookup (-v, no -n, not Unix)? */
int
net_report_needs_name(const struct side *sd, const struct net_peer *peer)
{
	return (log_verbosity() >= 1 && !sd->sock.numeric &&
	    (peer->ss.ss_family == AF_INET || peer->ss.ss_family == AF_INET6));
}

/*
 * Read from a connection, through its TLS if any, retrying EINTR.  Returns
 * what read(2) would; *want the events a later read needs (0: readable).
 */
ssize_t
net_read(int fd, struct tls *tls, void *p, size_t n, int *want)
{
	ssize_t	 r;

	*want = 0;
	if (tls != NULL)
		return (tls_read(tls, p, n, want));
	while ((r = read(fd, p, n)) == -1 && errno == EINTR)
		;
	return (r);
}

/* Write as net_read() reads; no SIGPIPE. */
ssize_t
net_write(int fd, struct tls *tls, const void *p, size_t n, int *want)
{
	ssize_t	 r;

	*want = 0;
	if (tls != NULL)
		return (tls_write(tls, p, n, want));
	while ((r = send(fd, p, n, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	return (r);
}
