/*
 * A datagram's control messages (socat's ancillary data) as text in
 * socat's words, for -d's lines and a program's environment.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base.h"

/*
 * Add an item of type and names to anc.  Returns its value's buffer for
 * the caller to fill; when anc is full, one whose value is dropped.
 */
static char *
anc_add(struct sock_anc *anc, const char *type, const char *name,
    const char *var)
{
	static char	 dropped[ANC_VALUE_MAX];
	struct anc_item	*it;

	if (anc->n == ANC_MAX)
		return (dropped);
	it = &anc->item[anc->n++];
	it->type = type;
	it->name = name;
	it->var = var;
	it->value[0] = '\0';
	return (it->value);
}

/* data as socat's hexadecimal ("x01000000"), cut to fit. */
static void
anc_hex(const unsigned char *data, size_t len, char *out)
{
	size_t	 i;

	*out++ = 'x';
	for (i = 0; i < len && 2 * i + 3 < ANC_VALUE_MAX; i++)
		snprintf(out + 2 * i, 3, "%02x", data[i]);
	out[2 * i] = '\0';
}

/* The name of interface i, or "" (out holds IF_NAMESIZE). */
static void
anc_ifname(unsigned int i, char *out)
{
	if (if_indextoname(i, out) == NULL)
		out[0] = '\0';
}

/* A timestamp as socat writes it: ctime(3)'s, then its microseconds. */
static void
anc_time(const struct timeval *tv, char *out)
{
	struct tm	 tm;
	time_t		 t = tv->tv_sec;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, ANC_VALUE_MAX, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		out[0] = '\0';
	snprintf(out + strlen(out), ANC_VALUE_MAX - strlen(out),
	    ", %06ld usecs", (long)tv->tv_usec);
}

/* An IPv4 or IPv6 control message of length len at data. */
static void
anc_ip(struct sock_anc *anc, int level, int type, const unsigned char *data,
    size_t len)
{
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;
	int			 i;

	if (level == IPPROTO_IP && type == IP_PKTINFO && len >= sizeof(pi)) {
		memcpy(&pi, data, sizeof(pi));
		anc_ifname(pi.ipi_ifindex, anc_add(anc, "IP_PKTINFO", "if",
		    "IP_IF"));
		inet_ntop(AF_INET, &pi.ipi_spec_dst, anc_add(anc, "IP_PKTINFO",
		    "locaddr", "IP_LOCADDR"), ANC_VALUE_MAX);
		inet_ntop(AF_INET, &pi.ipi_addr, anc_add(anc, "IP_PKTINFO",
		    "dstaddr", "IP_DSTADDR"), ANC_VALUE_MAX);
	} else if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO &&
	    len >= sizeof(pi6)) {
		memcpy(&pi6, data, sizeof(pi6));
		net_socat_in6(&pi6.ipi6_addr, anc_add(anc, "IPV6_PKTINFO",
		    "dstaddr", "IPV6_DSTADDR"), ANC_VALUE_MAX);
		anc_ifname(pi6.ipi6_ifindex, anc_add(anc, "IPV6_PKTINFO", "if",
		    "IPV6_IF"));
	} else if (level == IPPROTO_IP && type == IP_TOS && len >= 1)
		snprintf(anc_add(anc, "IP_TOS", "tos", "IP_TOS"),
		    ANC_VALUE_MAX, "%u", data[0]);
	else if (level == IPPROTO_IP && type == IP_TTL && len >= sizeof(i)) {
		memcpy(&i, data, sizeof(i));
		snprintf(anc_add(anc, "IP_TTL", "ttl", "IP_TTL"),
		    ANC_VALUE_MAX, "%d", i);
	} else if (level == IPPROTO_IP && (type == IP_OPTIONS ||
	    type == IP_RECVOPTS))
		anc_hex(data, len, anc_add(anc, "IP_OPTIONS", "options",
		    "IP_OPTIONS"));
	else if (level == IPPROTO_IPV6 && type == IPV6_HOPOPTS)
		anc_hex(data, len, anc_add(anc, "IPV6_HOPOPTS", "hopopts",
		    "IPV6_HOPOPTS"));
	else if (level == IPPROTO_IPV6 && type == IPV6_HOPLIMIT &&
	    len >= sizeof(i)) {
		memcpy(&i, data, sizeof(i));
		snprintf(anc_add(anc, "IPV6_HOPLIMIT", "hoplimit",
		    "IPV6_HOPLIMIT"), ANC_VALUE_MAX, "%d", i);
	} else if (level == IPPROTO_IPV6 && type == IPV6_TCLASS &&
	    len >= sizeof(i)) {
		/* socat's dump of the class as a 32-bit big-endian number. */
		memcpy(&i, data, sizeof(i));
		snprintf(anc_add(anc, "IPV6_TCLASS", "tclass", "IPV6_TCLASS"),
		    ANC_VALUE_MAX, "x%08x", (unsigned int)i);
	}
}

/*
 * Read into anc the control messages of m (from recvmsg(2)) that socat
 * reads; others are passed over.  Returns how many items anc holds.
 */
u_int
anc_parse(struct msghdr *m, struct sock_anc *anc)
{
	struct cmsghdr	*cm;
	struct timeval	 tv;
	size_t		 len;

	anc->n = 0;
	if (m->msg_controllen == 0)
		return (0);
	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_len < CMSG_LEN(0))
			break;
		len = cm->cmsg_len - CMSG_LEN(0);
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMP && len >= sizeof(tv)) {
			memcpy(&tv, CMSG_DATA(cm), sizeof(tv));
			anc_time(&tv, anc_add(anc, "SCM_TIMESTAMP",
			    "timestamp", "TIMESTAMP"));
		} else if (cm->cmsg_level == IPPROTO_IP ||
		    cm->cmsg_level == IPPROTO_IPV6)
			anc_ip(anc, cm->cmsg_level, cm->cmsg_type,
			    CMSG_DATA(cm), len);
	}
	return (anc->n);
}

/* Log each item on a line of its own, as socat's info (-vv). */
void
anc_log(const struct sock_anc *anc)
{
	u_int	 i;

	for (i = 0; i < anc->n; i++)
		log_verbose(2, "ancillary message: %s: %s=%s",
		    anc->item[i].type, anc->item[i].name, anc->item[i].value);
}

/* Read and log m's control messages, for a datagram that keeps none. */
void
anc_log_msg(struct msghdr *m)
{
	struct sock_anc	 anc;

	if (anc_parse(m, &anc) > 0)
		anc_log(&anc);
}
