/*
 * What the datagram modes share: comparing senders, filtered receives,
 * socat's UDP-RECV:, a socket per listener peer, and the -zu probe.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* How long a -zu probe waits for a refusal when -w does not say. */
#define UDP_PROBE_MS		1000

/* Are a and b the same sender (IP: address and port; else all bytes)? */
__shortrun int
udp_addr_equal(const struct sockaddr_storage *a, socklen_t alen,
    const struct sockaddr_storage *b, socklen_t blen)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->ss_family)
		return (0);
	switch (a->ss_family) {
	case AF_INET:
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return (a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr);
	case AF_INET6:
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return (a6->sin6_port == b6->sin6_port &&
		    a6->sin6_scope_id == b6->sin6_scope_id &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof(a6->sin6_addr)) == 0);
	default:
		return (alen == blen && memcmp(a, b, alen) == 0);
	}
}

/*
 * An unconnected socket bound to UDP listener lfd's address with
 * SO_REUSEPORT (same user only, unlike SO_REUSEADDR), non-blocking,
 * close-on-exec, with the options.  Returns -1 with errno.
 */
int
udp_twin_socket(const struct side *sd, int lfd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss), vlen;
	int			 fd, on = 1, v6only;

	if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1)
		return (-1);
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	/* An IPv6 socket shares the port only with the same v6only. */
	vlen = sizeof(v6only);
	if (ss.ss_family == AF_INET6 && getsockopt(lfd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &v6only, &vlen) == 0)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		    sizeof(v6only));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1 ||
	    net_set_options(sd, fd, ss.ss_family, NULL) == -1)
		goto fail;
	/* A peer's own socket takes its bursts as the listener would. */
	net_dgram_rcvbuf(sd, fd);
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		goto fail;
	return (fd);

fail:
	return (net_close_err(fd));
}

/*
 * A twin of lfd connected to peer, so the kernel gives it that peer's
 * datagrams.  Returns -1 with errno.
 */
int
udp_peer_socket(const struct side *sd, int lfd, const struct net_peer *peer)
{
	int	 fd;

	if ((fd = udp_twin_socket(sd, lfd)) == -1)
		return (-1);
	if (connect(fd, (const struct sockaddr *)&peer->ss, peer->len) == -1)
		return (net_close_err(fd));
	return (fd);
}

struct udp_probe {
	int		 fd;
	int		 refused;
	struct ev_timer	 timer;
};

static void
udp_probe_done(void *arg)
{
	struct udp_probe	*up = arg;

	ev_del(up->fd);
	ev_timer_disarm(&up->timer);
	ev_break();
}

static void
udp_probe_read_cb(int fd, __unused int events, void *arg)
{
	struct udp_probe	*up = arg;
	char			 c;

	if (recv(fd, &c, sizeof(c), 0) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		up->refused = 1;
	}
	udp_probe_done(up);
}

/*
 * Probe connected UDP fd: send "X" as nc does and wait wait_ms for an ICMP
 * refusal.  Returns 0 if open (silence or answer), -1 with errno.
 */
int
udp_probe(int fd, long long wait_ms)
{
	struct udp_probe	 up = { .fd = fd };

	if (wait_ms == TIME_NONE)
		wait_ms = UDP_PROBE_MS;
	if (send(fd, "X", 1, 0) == -1)
		return (-1);
	ev_timer_init(&up.timer, udp_probe_done, &up);
	if (ev_set(fd, EV_READ, udp_probe_read_cb, &up) == -1)
		return (-1);
	ev_timer_arm(&up.timer, wait_ms);
	if (ev_loop() == -1) {
		udp_probe_done(&up);
		return (-1);
	}
	if (up.refused) {
		errno = ECONNREFUSED;
		return (-1);
	}
	return (0);
}

/* Has the sender no address (an unbound Unix socket), so no answer? */
int
udp_unnamed(const struct sockaddr_storage *ss, socklen_t len)
{
	return (len <= offsetof(struct sockaddr_un, sun_path) ||
	    ss->ss_family == AF_UNSPEC);
}

/*
 * Receive one datagram ep->ops->keep accepts (given ep->data), noting its
 * sender; -vv logs its control messages.
 */
ssize_t
udp_recv_kept(struct endpoint *ep, void *p, size_t size)
{
	struct sockaddr_storage	 ss;
	unsigned char		 control[256];
	struct iovec		 iov = { .iov_base = p, .iov_len = size };
	struct msghdr		 m;
	ssize_t			 n;

	for (;;) {
		memset(&ss, 0, sizeof(ss));
		memset(&m, 0, sizeof(m));
		m.msg_name = &ss;
		m.msg_namelen = sizeof(ss);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		if (log_verbosity() >= 2) {
			m.msg_control = control;
			m.msg_controllen = sizeof(control);
		}
		n = recvmsg(ep->rfd, &m, 0);
		if (n == -1) {
			/*
			 * An earlier reply was refused: that peer has gone,
			 * which ends nothing for a listener.
			 */
			if (errno == ECONNREFUSED)
				continue;
			return (-1);
		}
		if (!ep->ops->keep(ep->data, &ss, m.msg_namelen))
			continue;
		anc_log_msg(&m);
		return (n);
	}
}

/* Receive up to vlen datagrams that ep->ops->keep accepts, in order. */
int
udp_recvmmsg_kept(struct endpoint *ep, struct mmsghdr *msgs, u_int vlen)
{
	int	 n;

	/* A refused earlier reply ends nothing (see udp_recv_kept()). */
	while ((n = recvmmsg(ep->rfd, msgs, vlen, MSG_DONTWAIT, NULL)) == -1 &&
	    errno == ECONNREFUSED)
		continue;
	if (n <= 0)
		return (n);
	return (batch_filter(msgs, n, ep->ops->keep, ep->data));
}
