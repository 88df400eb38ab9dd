/*
 * A side's socket options: nc's on every socket (-b -D -S -T -I -O -M -m,
 * --keepalive, --nodelay, --mcast-*, socat's alike), --reuseport, and a
 * datagram listener's buffer and multicast group.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* -S: sign segments with the side's key for family af.  -1 with errno. */
static __startup int
net_set_md5sig(const struct side *sd, int fd, int af,
    __unused const char **what)
{
	struct tcp_md5sig	 sig;
	size_t			 len;

	len = strlen(sd->sock.md5sig);
	memset(&sig, 0, sizeof(sig));
	sig.tcpm_addr.ss_family = af;
	sig.tcpm_flags = TCP_MD5SIG_FLAG_PREFIX;
	if (len > TCP_MD5SIG_MAXKEYLEN)
		len = TCP_MD5SIG_MAXKEYLEN;
	sig.tcpm_keylen = len;
	memcpy(sig.tcpm_key, sd->sock.md5sig, len);
	return (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG_EXT, &sig,
	    sizeof(sig)));
}

/*
 * --reuseport on listener fd: the same user's processes share the port.
 * Returns -1 with errno and *cause.
 */
__startup int
net_set_reuseport(const struct side *sd, int fd, char **cause)
{
	int	 on = 1;

	SIDE_TAKEN(sock.reuseport);
	if (!sd->sock.reuseport || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT,
	    &on, sizeof(on)) == 0)
		return (0);
	log_cause(cause, "set SO_REUSEPORT: %s", strerror(errno));
	return (-1);
}

/*
 * Give datagram listener fd UDP_RCVBUF unless -I chose; -vvv says what the
 * kernel granted.  Best effort.
 */
void
net_dgram_rcvbuf(const struct side *sd, int fd)
{
	int		 size = UDP_RCVBUF;
	socklen_t	 len = sizeof(size);

	if (sd->sock.rcvbuf == 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
		    sizeof(size));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) == 0)
		log_verbose(3, "receive buffer: %d bytes", size);
}

/* The index of the interface with address a, 0 if none, -1 with errno. */
static int
net_if_of6(const struct in6_addr *a)
{
	struct ifaddrs		*ifa, *i;
	struct sockaddr_in6	*sin6;
	int			 index = 0;

	if (getifaddrs(&ifa) == -1)
		return (-1);
	for (i = ifa; i != NULL && index == 0; i = i->ifa_next) {
		sin6 = (struct sockaddr_in6 *)i->ifa_addr;
		if (sin6 != NULL && sin6->sin6_family == AF_INET6 &&
		    memcmp(&sin6->sin6_addr, a, sizeof(*a)) == 0)
			index = (int)if_nametoindex(i->ifa_name);
	}
	freeifaddrs(ifa);
	return (index);
}

/*
 * For socat's UDP-SENDTO to a scopeless link-local dst: *to is dst scoped
 * to the interface fd, a socket of dst's family, is bound on.  Returns 1,
 * or 0 to use dst as it is.
 */
int
net_link_scope(int fd, const struct sockaddr *dst, struct sockaddr_in6 *to)
{
	struct sockaddr_in6	 me;
	socklen_t		 len = sizeof(me);
	int			 index;

	if (dst->sa_family != AF_INET6)
		return (0);
	memcpy(to, dst, sizeof(*to));
	if (to->sin6_scope_id != 0 || (!IN6_IS_ADDR_LINKLOCAL(&to->sin6_addr) &&
	    !IN6_IS_ADDR_MC_LINKLOCAL(&to->sin6_addr)))
		return (0);
	if (getsockname(fd, (struct sockaddr *)&me, &len) == -1)
		return (0);
	DEBUG_CHECK(me.sin6_family == AF_INET6,
	    "net_link_scope: a socket not of dst's family");
	/* Not bound to an address: no interface to say. */
	if (IN6_IS_ADDR_UNSPECIFIED(&me.sin6_addr) ||
	    (index = net_if_of6(&me.sin6_addr)) <= 0)
		return (0);
	to->sin6_scope_id = (uint32_t)index;
	return (1);
}

/*
 * The index of --mcast-if's interface, by name or address (IPv4's kept in
 * *addr).  Returns 0, or -1 with errno and *what.
 */
static int
net_mcast_ifindex(const char *name, int *index, struct in_addr *addr,
    const char **what)
{
	static char	 text[IF_NAMESIZE + 64];
	struct in6_addr	 a6;

	*index = 0;
	addr->s_addr = htonl(INADDR_ANY);
	if (inet_pton(AF_INET, name, addr) == 1)
		return (0);
	if (inet_pton(AF_INET6, name, &a6) == 1) {
		if ((*index = net_if_of6(&a6)) == -1) {
			*what = "--mcast-if";
			return (-1);
		}
	} else
		*index = if_nametoindex(name);
	if (*index == 0) {
		snprintf(text, sizeof(text), "--mcast-if %.*s",
		    IF_NAMESIZE + 32, name);
		*what = text;
		errno = ENODEV;
		return (-1);
	}
	return (0);
}

/* --mcast-if: the interface fd sends to groups on.  -1 with errno, *what. */
static __startup int
net_set_mcast_if(const struct side *sd, int fd, int af, const char **what)
{
	struct ip_mreqn	 mreq;
	int		 index;

	memset(&mreq, 0, sizeof(mreq));
	if (net_mcast_ifindex(sd->sock.mcast_if, &index, &mreq.imr_address,
	    what) == -1)
		return (-1);
	mreq.imr_ifindex = index;
	*what = "set multicast interface";
	if (af == AF_INET6)
		return (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index,
		    sizeof(index)));
	return (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq,
	    sizeof(mreq)));
}

/* socat's linger=0: a reset at close.  Returns -1 with errno. */
static __startup int
net_set_linger(const struct side *sd, int fd, __unused int af,
    const char **what)
{
	struct linger	 l = { .l_onoff = 1, .l_linger = 0 };

	*what = "set linger";
	return (sd->sock.reset_close ? setsockopt(fd, SOL_SOCKET, SO_LINGER,
	    &l, sizeof(l)) : 0);
}

/*
 * -M on a UDP socket sets the multicast hop limit too (socat's ttl= does
 * not).  Returns -1 with errno.
 */
static __startup int
net_set_ttl_hops(const struct side *sd, int fd, int af, const char **what)
{
	int	 v = sd->sock.ttl;

	if (v < 0 || sd->sock.ttl_only)
		return (0);
	if (af == AF_INET6) {
		*what = "set IPv6 multicast hops";
		return (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &v,
		    sizeof(v)));
	}
	*what = "set IP multicast TTL";
	return (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof(v)));
}

/* socat's bindtodevice=NAME.  Returns -1 with errno. */
static __startup int
net_set_device(const struct side *sd, int fd, __unused int af,
    const char **what)
{
	*what = "bind to device";
	return (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, sd->sock.device,
	    strlen(sd->sock.device) + 1));
}

/* socat's ip-options= and setsockopt=, as given.  Returns -1 with errno. */
static __startup int
net_set_sockopt(const struct side *sd, int fd, int af, const char **what)
{
	*what = "set IP_OPTIONS";
	if (af != AF_UNIX && sd->sock.ip_options_len > 0 && setsockopt(fd,
	    IPPROTO_IP, IP_OPTIONS, sd->sock.ip_options,
	    sd->sock.ip_options_len) == -1)
		return (-1);
	*what = "setsockopt";
	return (sd->sock.sockopt_on ? setsockopt(fd, sd->sock.sockopt[0],
	    sd->sock.sockopt[1], &sd->sock.sockopt[2], sizeof(int)) : 0);
}

/*
 * -u -l GROUP: fd, bound to group sa, joins it on --mcast-if or the
 * routes' interface; said with -v.  Returns 0, or -1 with errno and
 * *cause.
 */
int
net_join_group(const struct side *sd, int fd, const struct sockaddr *sa,
    char **cause)
{
	struct ip_mreqn	 mreq;
	struct ipv6_mreq mreq6;
	char		 group[NI_MAXHOST];
	const char	*what = NULL;
	int		 index = 0, error;

	if (getnameinfo(sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), group,
	    sizeof(group), NULL, 0, NI_NUMERICHOST) != 0)
		strlcpy(group, "?", sizeof(group));
	memset(&mreq, 0, sizeof(mreq));
	if (sd->sock.mcast_if != NULL && net_mcast_ifindex(sd->sock.mcast_if, &index,
	    &mreq.imr_address, &what) == -1) {
		log_cause(cause, "cannot join group %s: %s: %s", group, what,
		    strerror(errno));
		return (-1);
	}
	if (sa->sa_family == AF_INET6) {
		memset(&mreq6, 0, sizeof(mreq6));
		mreq6.ipv6mr_multiaddr =
		    ((const struct sockaddr_in6 *)sa)->sin6_addr;
		mreq6.ipv6mr_interface = index;
		/* A scoped group (ff02::1%eth0) names its interface. */
		if (index == 0)
			mreq6.ipv6mr_interface =
			    ((const struct sockaddr_in6 *)sa)->sin6_scope_id;
		error = setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq6,
		    sizeof(mreq6));
	} else {
		mreq.imr_multiaddr = ((const struct sockaddr_in *)sa)->sin_addr;
		mreq.imr_ifindex = index;
		error = setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
		    sizeof(mreq));
	}
	if (error == -1) {
		log_cause(cause, "cannot join group %s%s%s: %s", group,
		    sd->sock.mcast_if != NULL ? " on " : "",
		    sd->sock.mcast_if != NULL ? sd->sock.mcast_if : "",
		    errno == ENODEV ? "no route to the group (use --mcast-if)" :
		    strerror(errno));
		return (-1);
	}
	log_verbose(1, "Joined group %s%s%s", group,
	    sd->sock.mcast_if != NULL ? " on " : "",
	    sd->sock.mcast_if != NULL ? sd->sock.mcast_if : "");
	return (0);
}

/* Which sockets an option of net_opts is for. */
#define NO_IP		0x1	/* IPv4 and IPv6 ones */
#define NO_TCP		0x2	/* IPv4 and IPv6 stream ones */
#define NO_UDP		0x4	/* IPv4 and IPv6 datagram ones */
#define NO_KEEP		0x8	/* with --keepalive only */
#define NO_UNIX		0x10	/* Unix-domain ones too (no other is set there) */
#define NO_UNIX_ONLY	0x20	/* and no others */

/*
 * The socket options of a side (struct sock_conf), in the order netcat
 * sets them: the member whose int value is set when it is min or more,
 * the sockets it is for, its level and name (an IPPROTO_IP one is
 * IPPROTO_IPV6's name6 on an IPv6 socket) and netcat's words for its
 * failure (NULL: errno's text alone), what6 an IPv6 socket's; or the
 * function that sets it, called only when the text member at off is set
 * (NFT), or always (NF).
 */
static const struct net_opt {
	size_t		 off;
	int		 min;
	int		 flags;
	int		 level;
	int		 name;
	int		 name6;
	const char	*what;
	const char	*what6;
	int		(*set)(const struct side *, int, int, const char **);
	int		 text;	/* set only when the text at off is given */
} net_opts[] = {
#define NO(m, min, fl, lv, nm, nm6, w, w6) \
	{ offsetof(struct sock_conf, m), min, fl, lv, nm, nm6, w, w6, NULL, 0 }
#define NF(fl, fn)	{ 0, 0, fl, 0, 0, 0, NULL, NULL, fn, 0 }
#define NFT(m, fl, fn) \
	{ offsetof(struct sock_conf, m), 0, fl, 0, 0, 0, NULL, NULL, fn, 1 }
	NO(broadcast, 1, 0, SOL_SOCKET, SO_BROADCAST, 0, NULL, NULL),
	NO(so_debug, 1, 0, SOL_SOCKET, SO_DEBUG, 0, NULL, NULL),
	NFT(md5sig, 0, net_set_md5sig),
	NO(tos, 0, NO_IP, IPPROTO_IP, IP_TOS, IPV6_TCLASS, "set IP ToS",
	    "set IPv6 traffic class"),
	NO(rcvbuf, 1, NO_UNIX, SOL_SOCKET, SO_RCVBUF, 0,
	    "set TCP receive buffer size", NULL),
	NO(sndbuf, 1, NO_UNIX, SOL_SOCKET, SO_SNDBUF, 0,
	    "set TCP send buffer size", NULL),
	NO(ttl, 0, NO_IP, IPPROTO_IP, IP_TTL, IPV6_UNICAST_HOPS, "set IP TTL",
	    "set IPv6 unicast hops"),
	NO(minttl, 0, NO_IP, IPPROTO_IP, IP_MINTTL, IPV6_MINHOPCOUNT,
	    "set IP min TTL", "set IPv6 min hop count"),
	/* A listening socket passes these on to what it accepts. */
	NO(keepalive, 1, NO_TCP | NO_UNIX, SOL_SOCKET, SO_KEEPALIVE, 0,
	    "set keepalive", NULL),
	NO(keepidle, 1, NO_TCP | NO_KEEP, IPPROTO_TCP, TCP_KEEPIDLE, 0,
	    "set keepalive idle time", NULL),
	NO(keepintvl, 1, NO_TCP | NO_KEEP, IPPROTO_TCP, TCP_KEEPINTVL, 0,
	    "set keepalive interval", NULL),
	NO(keepcnt, 1, NO_TCP | NO_KEEP, IPPROTO_TCP, TCP_KEEPCNT, 0,
	    "set keepalive count", NULL),
	NO(nodelay, 1, NO_TCP, IPPROTO_TCP, TCP_NODELAY, 0, "set TCP_NODELAY",
	    NULL),
	NO(mss, 1, NO_TCP, IPPROTO_TCP, TCP_MAXSEG, 0, "set TCP_MAXSEG", NULL),
	NO(cork, 1, NO_TCP, IPPROTO_TCP, TCP_CORK, 0, "set TCP_CORK", NULL),
	NO(quickack, 1, NO_TCP, IPPROTO_TCP, TCP_QUICKACK, 0,
	    "set TCP_QUICKACK", NULL),
	NO(defer_accept, 1, NO_TCP, IPPROTO_TCP, TCP_DEFER_ACCEPT, 0,
	    "set TCP_DEFER_ACCEPT", NULL),
	NO(syncnt, 1, NO_TCP, IPPROTO_TCP, TCP_SYNCNT, 0, "set TCP_SYNCNT",
	    NULL),
	NO(window_clamp, 1, NO_TCP, IPPROTO_TCP, TCP_WINDOW_CLAMP, 0,
	    "set TCP_WINDOW_CLAMP", NULL),
	NO(priority, 1, NO_IP | NO_UNIX, SOL_SOCKET, SO_PRIORITY, 0,
	    "set priority", NULL),
	NO(dontroute, 1, NO_IP | NO_UNIX, SOL_SOCKET, SO_DONTROUTE, 0,
	    "set dontroute", NULL),
	NO(oobinline, 1, NO_IP | NO_UNIX, SOL_SOCKET, SO_OOBINLINE, 0,
	    "set SO_OOBINLINE", NULL),
	NO(rcvlowat, 1, NO_IP | NO_UNIX, SOL_SOCKET, SO_RCVLOWAT, 0,
	    "set SO_RCVLOWAT", NULL),
	NO(linger2, 1, NO_TCP, IPPROTO_TCP, TCP_LINGER2, 0, "set TCP_LINGER2",
	    NULL),
	NO(mtu_discover, 0, NO_IP, IPPROTO_IP, IP_MTU_DISCOVER,
	    IPV6_MTU_DISCOVER, "set IP_MTU_DISCOVER", "set IPV6_MTU_DISCOVER"),
	NO(freebind, 1, NO_IP, IPPROTO_IP, IP_FREEBIND, IPV6_FREEBIND,
	    "set IP_FREEBIND", "set IPV6_FREEBIND"),
	NO(transparent, 1, NO_IP, IPPROTO_IP, IP_TRANSPARENT,
	    IPV6_TRANSPARENT, "set IP_TRANSPARENT", "set IPV6_TRANSPARENT"),
	NF(NO_IP | NO_UNIX, net_set_linger),
	NFT(device, NO_IP | NO_UNIX, net_set_device),
	/* An IP socket's is set as it is made (net_socket()). */
	NO(reuseaddr, 1, NO_UNIX | NO_UNIX_ONLY, SOL_SOCKET, SO_REUSEADDR, 0,
	    "set reuseaddr", NULL),
	/* What is sent to a group: -M sets the hop limit of both. */
	NF(NO_UDP, net_set_ttl_hops),
	NO(mcast_ttl, 0, NO_UDP, IPPROTO_IP, IP_MULTICAST_TTL,
	    IPV6_MULTICAST_HOPS, "set IP multicast TTL",
	    "set IPv6 multicast hops"),
	NO(mcast_loop, 0, NO_UDP, IPPROTO_IP, IP_MULTICAST_LOOP,
	    IPV6_MULTICAST_LOOP, "set multicast loop", NULL),
	NFT(mcast_if, NO_UDP, net_set_mcast_if),
	/* socat's ancillary data: each datagram's control messages. */
	NO(timestamp, 1, NO_UDP, SOL_SOCKET, SO_TIMESTAMP, 0,
	    "set SO_TIMESTAMP", NULL),
	NO(pktinfo, 1, NO_UDP, IPPROTO_IP, IP_PKTINFO, IPV6_RECVPKTINFO,
	    "set IP_PKTINFO", "set IPV6_RECVPKTINFO"),
	NO(recvttl, 1, NO_UDP, IPPROTO_IP, IP_RECVTTL, IPV6_RECVHOPLIMIT,
	    "set IP_RECVTTL", "set IPV6_RECVHOPLIMIT"),
	NO(recvtos, 1, NO_UDP, IPPROTO_IP, IP_RECVTOS, IPV6_RECVTCLASS,
	    "set IP_RECVTOS", "set IPV6_RECVTCLASS"),
	NO(recvopts, 1, NO_UDP, IPPROTO_IP, IP_RECVOPTS, IPV6_RECVHOPOPTS,
	    "set IP_RECVOPTS", "set IPV6_RECVHOPOPTS"),
	NF(NO_UNIX, net_set_sockopt),
#undef NFT
#undef NF
#undef NO
};

/*
 * Apply sd's socket options to fd of family af; on a Unix socket only
 * socat's (NO_UNIX: nc sets none).  Returns -1 with errno and *cause in
 * nc's words ("set IP ToS: Permission denied").
 */
__startup int
net_set_options(const struct side *sd, int fd, int af, char **cause)
{
	const struct net_opt	*o;
	const char		*what;
	int			 ip = af == AF_INET || af == AF_INET6;
	int			 level, name, value;

	if (cause != NULL)
		*cause = NULL;
	for (o = net_opts; o < net_opts + nitems(net_opts); o++) {
		what = o->what;
		/* Not one of the family's, ... */
		if (af == AF_UNIX ? !(o->flags & NO_UNIX) :
		    (o->flags & NO_UNIX_ONLY) || ((o->flags & ~NO_UNIX) != 0 &&
		    !ip))
			continue;
		/* ... or of another socket type, or without --keepalive. */
		if (((o->flags & NO_TCP) && sd->sock.socktype != SOCK_STREAM) ||
		    ((o->flags & NO_UDP) && sd->sock.socktype != SOCK_DGRAM) ||
		    ((o->flags & NO_KEEP) && !sd->sock.keepalive))
			continue;
		/* Applied here, for the audit of the options (taken.c). */
		if (o->set == NULL || o->text)
			TAKEN_AT(TAKEN_SIDE, offsetof(struct side, sock) +
			    o->off, o->text ? sizeof(char *) : sizeof(int));
		if (o->text && *(const char *const *)((const char *)&sd->sock +
		    o->off) == NULL)
			continue;
		if (o->set != NULL) {
			if (o->set(sd, fd, af, &what) == -1)
				goto fail;
			continue;
		}
		if ((value = *(const int *)((const char *)&sd->sock +
		    o->off)) < o->min)
			continue;
		level = o->level;
		name = o->name;
		if (af == AF_INET6 && level == IPPROTO_IP) {
			level = IPPROTO_IPV6;
			name = o->name6;
			if (o->what6 != NULL)
				what = o->what6;
		}
		if (setsockopt(fd, level, name, &value, sizeof(value)) == -1)
			goto fail;
	}
	return (0);

fail:
	if (what != NULL)
		log_cause(cause, "%s: %s", what, strerror(errno));
	else
		log_cause(cause, "%s", strerror(errno));
	return (-1);
}
