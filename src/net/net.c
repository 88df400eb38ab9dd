/*
 * Copyright (c) 2026 The sockcat developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* Address resolution, socket set-up and the -v reports about sockets. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* The protocol's name in netcat's messages: "tcp", "udp" or "dccp". */
const char *
net_proto_name(const struct options *o)
{
	if (o->socktype == SOCK_DCCP)
		return ("dccp");
	return (o->socktype == SOCK_DGRAM ? "udp" : "tcp");
}

/*
 * -S: sign every segment with the key o->md5sig, for peers of any address
 * of family af.  Returns -1 with errno.
 */
static int
net_set_md5sig(const struct options *o, int fd, int af)
{
	struct tcp_md5sig	 sig;
	size_t			 len = strlen(o->md5sig);

	memset(&sig, 0, sizeof(sig));
	sig.tcpm_addr.ss_family = af;
	sig.tcpm_flags = TCP_MD5SIG_FLAG_PREFIX;
	sig.tcpm_prefixlen = 0;
	if (len > TCP_MD5SIG_MAXKEYLEN)
		len = TCP_MD5SIG_MAXKEYLEN;
	sig.tcpm_keylen = len;
	memcpy(sig.tcpm_key, o->md5sig, len);
	return (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG_EXT, &sig,
	    sizeof(sig)));
}

/* setsockopt(2) for an int value; on failure *what names it as nc does. */
static int
net_sockopt(int fd, int level, int name, int value, const char *name_text,
    const char **what)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) == -1) {
		*what = name_text;
		return (-1);
	}
	return (0);
}

/*
 * Give the datagram listener fd a receive buffer for bursts: UDP_RCVBUF
 * unless -I chose a size (net_set_options() has set it then).  The kernel
 * caps the size at net.core.rmem_max and doubles it for its bookkeeping;
 * -vvv says what it granted.  Best effort: the default is not an option
 * the user asked for.
 */
void
net_dgram_rcvbuf(const struct options *o, int fd)
{
	int		 size = UDP_RCVBUF;
	socklen_t	 len = sizeof(size);

	if (o->rcvbuf == 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
		    sizeof(size));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) == 0)
		log_verbose(3, "receive buffer: %d bytes", size);
}

/*
 * --keepalive and --nodelay on a TCP socket fd: probes after the idle
 * time, every interval, given up after count unanswered (each 0: the
 * system's value); Nagle's algorithm off.  A listening socket passes
 * them on to the connections it accepts.
 */
static int
net_set_tcp(const struct options *o, int fd, const char **what)
{
	if (o->keepalive && net_sockopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1,
	    "set keepalive", what) == -1)
		return (-1);
	if (o->keepalive && o->keepidle > 0 && net_sockopt(fd, IPPROTO_TCP,
	    TCP_KEEPIDLE, o->keepidle, "set keepalive idle time", what) == -1)
		return (-1);
	if (o->keepalive && o->keepintvl > 0 && net_sockopt(fd, IPPROTO_TCP,
	    TCP_KEEPINTVL, o->keepintvl, "set keepalive interval",
	    what) == -1)
		return (-1);
	if (o->keepalive && o->keepcnt > 0 && net_sockopt(fd, IPPROTO_TCP,
	    TCP_KEEPCNT, o->keepcnt, "set keepalive count", what) == -1)
		return (-1);
	if (o->nodelay && net_sockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1,
	    "set TCP_NODELAY", what) == -1)
		return (-1);
	return (0);
}

/*
 * Apply the socket options the command line asked for (-b -D -S -T -I -O
 * -M -m, --keepalive, --nodelay) to fd of the given address family.
 * Returns -1 with errno and *cause set to netcat's message ("set IP ToS:
 * Permission denied", or errno's text alone for -b, -D and -S).
 */
int
net_set_options(const struct options *o, int fd, int af, char **cause)
{
	const char	*what = NULL;
	int		 v6 = af == AF_INET6, error;

	if (cause != NULL)
		*cause = NULL;
	if (o->broadcast && net_sockopt(fd, SOL_SOCKET, SO_BROADCAST, 1,
	    NULL, &what) == -1)
		goto fail;
	if (o->so_debug && net_sockopt(fd, SOL_SOCKET, SO_DEBUG, 1, NULL,
	    &what) == -1)
		goto fail;
	if (o->md5sig != NULL && net_set_md5sig(o, fd, af) == -1)
		goto fail;
	if (o->tos != -1 && (af == AF_INET || v6) && net_sockopt(fd,
	    v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS,
	    o->tos, v6 ? "set IPv6 traffic class" : "set IP ToS",
	    &what) == -1)
		goto fail;
	if (o->rcvbuf > 0 && net_sockopt(fd, SOL_SOCKET, SO_RCVBUF,
	    o->rcvbuf, "set TCP receive buffer size", &what) == -1)
		goto fail;
	if (o->sndbuf > 0 && net_sockopt(fd, SOL_SOCKET, SO_SNDBUF,
	    o->sndbuf, "set TCP send buffer size", &what) == -1)
		goto fail;
	if (o->ttl != -1 && (af == AF_INET || v6) && net_sockopt(fd,
	    v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL,
	    o->ttl, v6 ? "set IPv6 unicast hops" : "set IP TTL",
	    &what) == -1)
		goto fail;
	if (o->minttl != -1 && (af == AF_INET || v6) && net_sockopt(fd,
	    v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MINHOPCOUNT : IP_MINTTL,
	    o->minttl, v6 ? "set IPv6 min hop count" : "set IP min TTL",
	    &what) == -1)
		goto fail;
	if ((af == AF_INET || v6) && o->socktype == SOCK_STREAM &&
	    net_set_tcp(o, fd, &what) == -1)
		goto fail;
	return (0);

fail:
	error = errno;
	if (what != NULL)
		log_cause(cause, "%s: %s", what, strerror(error));
	else
		log_cause(cause, "%s", strerror(error));
	errno = error;
	return (-1);
}

/*
 * -F: pass fd over the socket sock with SCM_RIGHTS, along with one NUL
 * byte, waiting while sock is full.  Returns what sendmsg(2) returned (1
 * on success), or -1 with errno.
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
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return (-1);
		/* Set-up, before any pump runs: this one wait is fine. */
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return (-1);
	}
}

/* The service name of port for the [tcp/NAME] report, or "*". */
const char *
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

/* "HOST (ADDR)" when the name given is not the address it resolved to. */
void
net_host_label(const char *host, const struct sockaddr *sa, socklen_t len,
    char *out, size_t outlen)
{
	char	 addr[NI_MAXHOST], port[NI_MAXSERV];

	net_format(sa, len, 1, addr, sizeof(addr), port, sizeof(port));
	if (strcmp(host, addr) == 0)
		strlcpy(out, host, outlen);
	else
		snprintf(out, outlen, "%s (%s)", host, addr);
}

/*
 * The getaddrinfo() hints for the options: their family, socket type and
 * protocol, -n; with passive, for a socket to bind (to host, NULL: any).
 */
void
net_hints(const struct options *o, int passive, const char *host,
    struct addrinfo *hints)
{
	memset(hints, 0, sizeof(*hints));
	hints->ai_family = o->family;
	hints->ai_socktype = o->socktype;
	if (o->socktype == SOCK_DCCP)
		hints->ai_protocol = IPPROTO_DCCP;
	else
		hints->ai_protocol = o->socktype == SOCK_DGRAM ? IPPROTO_UDP :
		    IPPROTO_TCP;
	if (o->numeric)
		hints->ai_flags |= AI_NUMERICHOST;
	if (passive)
		hints->ai_flags |= AI_PASSIVE;
	/* Listening on no address in particular means IPv4, as with nc. */
	if (passive && host == NULL && hints->ai_family == AF_UNSPEC)
		hints->ai_family = AF_INET;
}

static int
net_resolve(const struct options *o, const char *host, const char *port,
    int passive, struct addrinfo **res, char **cause)
{
	struct addrinfo	 hints;
	int		 error;

	net_hints(o, passive, host, &hints);
	if ((error = getaddrinfo(host, port, &hints, res)) != 0) {
		if (!passive)
			log_cause(cause, "getaddrinfo for host \"%s\" port "
			    "%s: %s", host, port, gai_strerror(error));
		else
			log_cause(cause, "getaddrinfo: %s",
			    gai_strerror(error));
		errno = EADDRNOTAVAIL;
		return (-1);
	}
	return (0);
}

/*
 * Bind fd, a socket of family af, to the -s address and -p port of the
 * command line, if any.  Returns -1 with errno and *cause set.
 */
int
net_bind_source(const struct options *o, int fd, int af, char **cause)
{
	struct options	 so = *o;
	struct addrinfo	*res;
	int		 error, on = 1;

	if (o->source == NULL && o->source_port == NULL)
		return (0);
	so.family = af;
	if (net_resolve(&so, o->source, o->source_port, 1, &res, cause) == -1)
		return (-1);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		error = errno;
		log_cause(cause, "bind failed: %s", strerror(errno));
		freeaddrinfo(res);
		errno = error;
		return (-1);
	}
	freeaddrinfo(res);
	return (0);
}

/*
 * Report a successful connection as netcat does with -v.  Through a proxy
 * the destination's address is unknown: the host is named as given.
 */
void
net_report_connect(const struct options *o, const char *host,
    const char *port, const struct net_peer *peer)
{
	char	 label[NI_MAXHOST * 2 + 4];

	if (o->verbose < 1)
		return;
	if (o->proxy_host != NULL)
		strlcpy(label, host, sizeof(label));
	else
		net_host_label(host, (const struct sockaddr *)&peer->ss,
		    peer->len, label, sizeof(label));
	log_info("Connection to %s %s port [%s/%s] succeeded!", label, port,
	    net_proto_name(o), o->numeric ? "*" :
	    net_service(port, o->socktype == SOCK_DGRAM));
}

/*
 * Returns a socket bound to host (NULL for any) and port, listening if it
 * is a stream socket.  The first address that can be bound wins, as with
 * netcat.  With dual, an IPv6 socket also takes IPv4 (IPV6_V6ONLY off).
 * Returns -1 with errno and *cause set on failure.
 */
static int
net_listen_dual(const struct options *o, const char *host, const char *port,
    int dual, char **cause)
{
	struct addrinfo	*res, *ai;
	int		 fd = -1, error = 0, on = 1, off = 0;

	if (cause != NULL)
		*cause = NULL;
	if (net_resolve(o, host, port, 1, &res, cause) == -1)
		return (-1);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1) {
			error = errno;
			continue;
		}
		/*
		 * SO_REUSEADDR lets a TCP listener restart past TIME_WAIT;
		 * on a UDP socket it would let two listeners share a port.
		 */
		if (ai->ai_socktype == SOCK_STREAM)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
			    sizeof(on));
		/* --chat listens on IPv4 and IPv6 with one socket. */
		if (dual && ai->ai_family == AF_INET6 &&
		    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off)) == -1) {
			error = errno;
			close(fd);
			fd = -1;
			continue;
		}
		/* As with nc, a socket option refused is fatal. */
		if (net_set_options(o, fd, ai->ai_family, cause) == -1) {
			error = errno;
			close(fd);
			freeaddrinfo(res);
			errno = error;
			return (-1);
		}
		if (ai->ai_socktype == SOCK_DGRAM)
			net_dgram_rcvbuf(o, fd);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			error = errno;
			close(fd);
			fd = -1;
			continue;
		}
		if (ai->ai_socktype == SOCK_STREAM && listen(fd, 128) == -1) {
			error = errno;
			close(fd);
			fd = -1;
			continue;
		}
		break;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		log_cause(cause, "%s", strerror(error));
		errno = error;
		return (-1);
	}
	if (net_set_nonblock(fd, 1) == -1) {
		error = errno;
		close(fd);
		errno = error;
		return (-1);
	}
	return (fd);
}

/* Bind as netcat does: an IPv6 socket keeps the system's IPv6-only rule. */
int
net_listen(const struct options *o, const char *host, const char *port,
    char **cause)
{
	return (net_listen_dual(o, host, port, 0, cause));
}

/*
 * Returns a socket bound to port on every address, IPv4 and IPv6 alike:
 * one IPv6 socket that takes IPv4 too, or an IPv4 one where IPv6 is not
 * available; -4 and -6 keep to their family.  Returns -1 with errno and
 * *cause set on failure.
 */
int
net_listen_all(const struct options *o, const char *port, char **cause)
{
	struct options	 o2 = *o;
	int		 fd;

	if (o->family != AF_UNSPEC)
		return (net_listen_dual(o, NULL, port, 0, cause));
	o2.family = AF_INET6;
	if ((fd = net_listen_dual(&o2, NULL, port, 1, cause)) != -1)
		return (fd);
	if (errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT &&
	    errno != EADDRNOTAVAIL)
		return (-1);
	if (cause != NULL) {
		free(*cause);
		*cause = NULL;
	}
	o2.family = AF_INET;
	return (net_listen_dual(&o2, NULL, port, 0, cause));
}

/* Report the bound address of a listening socket, as netcat does. */
void
net_report_listen(const struct options *o, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 host[NI_MAXHOST], port[NI_MAXSERV];

	if (o->verbose < 1)
		return;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	net_format((struct sockaddr *)&ss, len, o->numeric, host, sizeof(host),
	    port, sizeof(port));
	log_info("%s on %s %s", o->socktype == SOCK_DGRAM ? "Bound" :
	    "Listening", host, port);
}

/*
 * Accept a connection on the non-blocking listening socket fd.  Returns the
 * new non-blocking socket, or -1 with errno (EAGAIN when none is waiting).
 */
int
net_accept(int fd, struct net_peer *peer)
{
	int	 s;

	peer->len = sizeof(peer->ss);
	s = accept4(fd, (struct sockaddr *)&peer->ss, &peer->len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	return (s);
}

/*
 * Accept a connection on the listening socket lfd, which the event loop
 * watches.  Returns the new socket, or -1 with errno when there is none
 * to serve now: nothing is waiting, or the process is out of descriptors.
 * In that case the connection stays queued in the kernel, lfd is no
 * longer watched and backoff (whose callback watches it again) is armed,
 * so that the listener neither spins nor dies; the caller says so.  Any
 * other error is fatal.
 */
int
net_accept_or_wait(int lfd, struct net_peer *peer, struct ev_timer *backoff)
{
	int	 fd, error;

	if ((fd = net_accept(lfd, peer)) != -1)
		return (fd);
	if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
	    errno == ENOMEM) {
		error = errno;
		ev_del(lfd);
		ev_timer_arm(backoff, NET_ACCEPT_BACKOFF_MS);
		errno = error;
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    errno != ECONNABORTED && errno != EPROTO)
		fatal("accept");
	return (-1);
}

/* Report an accepted connection as netcat does with -v. */
void
net_report_accept(const struct options *o, const struct net_peer *peer)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV];

	if (o->verbose < 1)
		return;
	/*
	 * A Unix-domain client is usually unnamed: netcat names the socket
	 * it was received on instead.
	 */
	if (peer->ss.ss_family == AF_UNIX) {
		log_info("Connection received on %s", o->host);
		return;
	}
	net_format((const struct sockaddr *)&peer->ss, peer->len, o->numeric,
	    host, sizeof(host), port, sizeof(port));
	log_info("Connection received on %s %s", host, port);
}
