/*
 * Batches of datagrams: many received with one recvmmsg(2), delivered with
 * one writev(2) to a stream or one sendmmsg(2) to a datagram socket.  Each
 * datagram has a whole slot; a batch doubles up to BATCH_MAX each time a
 * receive fills it.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/sock_diag.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pump.h"

/*
 * Room for one SO_RXQ_OVFL control message per datagram; with -vv, for
 * those of socat's ancillary data too (so-timestamp, ip-pktinfo, ...).
 */
#define BATCH_CMSG	CMSG_SPACE(sizeof(uint32_t))
#define BATCH_ANC	256
#define BATCH_CMSGLEN(b) ((b)->anc ? BATCH_ANC : BATCH_CMSG)

/* Set b up for datagrams of at most slotsize bytes, holding none. */
void
batch_init(struct batch *b, size_t slotsize)
{
	memset(b, 0, sizeof(*b));
	b->slotsize = slotsize;
	b->anc = log_verbosity() >= 2;
}

/*
 * Free all b holds but its settings, so an idle peer holds no slots; the
 * next receive starts from BATCH_MIN.
 */
void
batch_free(struct batch *b)
{
	buf_pool_put(b->data, (size_t)b->cap * b->slotsize);
	free(b->msgs);
	free(b->iov);
	free(b->names);
	free(b->control);
	b->data = NULL;
	b->msgs = NULL;
	b->iov = NULL;
	b->names = NULL;
	b->control = NULL;
	b->cap = b->n = b->first = 0;
	b->off = b->bytes = 0;
	b->full = 0;
}

/* Make room for cap datagrams in empty b.  -1 with errno, b as it was. */
static int
batch_grow(struct batch *b, u_int cap)
{
	unsigned char	*data, *control;
	struct mmsghdr	*msgs;
	struct iovec	*iov;
	struct sockaddr_storage *names;

	if (cap > SIZE_MAX / b->slotsize) {
		errno = ENOMEM;
		return (-1);
	}
	if ((msgs = reallocarray(b->msgs, cap, sizeof(*msgs))) == NULL)
		return (-1);
	b->msgs = msgs;
	if ((iov = reallocarray(b->iov, cap, sizeof(*iov))) == NULL)
		return (-1);
	b->iov = iov;
	if ((names = reallocarray(b->names, cap, sizeof(*names))) == NULL)
		return (-1);
	b->names = names;
	if ((control = reallocarray(b->control, cap, BATCH_CMSGLEN(b))) ==
	    NULL)
		return (-1);
	b->control = control;
	/*
	 * The slots last, so that a failure leaves cap as it was: they come
	 * from the pool, and a peer holds them only while it uses them.
	 */
	if ((data = buf_pool_get((size_t)cap * b->slotsize)) == NULL)
		return (-1);
	buf_pool_put(b->data, (size_t)b->cap * b->slotsize);
	b->data = data;
	b->cap = cap;
	return (0);
}

/* Is every datagram delivered?  An empty datagram counts until delivered. */
int
batch_empty(const struct batch *b)
{
	return (b->first >= b->n);
}

/* Datagram i: its bytes and their length. */
unsigned char *
batch_data(const struct batch *b, u_int i)
{
	return (b->msgs[i].msg_hdr.msg_iov->iov_base);
}

size_t
batch_len(const struct batch *b, u_int i)
{
	return (b->msgs[i].msg_len);
}

/* Set datagram i's length after a rewrite. */
void
batch_set_len(struct batch *b, u_int i, size_t len)
{
	b->bytes = b->bytes - b->msgs[i].msg_len + len;
	b->msgs[i].msg_len = len;
}

/* Ask for the kernel's drop count with each datagram (SO_RXQ_OVFL). */
void
batch_count_drops(struct batch *b, int fd)
{
	int	 on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) == 0)
		b->drops_known = 1;
}

/*
 * Read the kernel's drop count on fd now (SO_MEMINFO).  Returns the drops
 * the batch did not know of.
 */
uint64_t
batch_drops_now(struct batch *b, int fd)
{
	uint32_t	 mem[SK_MEMINFO_VARS];
	socklen_t	 len = sizeof(mem);
	uint64_t	 more = 0;

	if (!b->drops_known)
		return (0);
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
	    len > SK_MEMINFO_DROPS * sizeof(mem[0]) &&
	    mem[SK_MEMINFO_DROPS] > b->drops) {
		more = mem[SK_MEMINFO_DROPS] - b->drops;
		b->drops = mem[SK_MEMINFO_DROPS];
	}
	return (more);
}

/* Note the drop counter carried by m, if any. */
static uint64_t
batch_read_drops(struct batch *b, struct msghdr *m)
{
	struct cmsghdr	*cm;
	uint32_t	 v;
	uint64_t	 more = 0;

	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SO_RXQ_OVFL)
			continue;
		memcpy(&v, CMSG_DATA(cm), sizeof(v));
		/* The counter is the socket's, from its creation on. */
		if (v > b->drops) {
			more += v - b->drops;
			b->drops = v;
		}
	}
	return (more);
}

/*
 * Receive up to max datagrams of at most want bytes each from ep into
 * empty b, with ep's recvmmsg operation if any; *dropped the kernel's new
 * drops.  Returns how many were received (0: none kept), or -1 with errno.
 */
int
batch_recv(struct batch *b, struct endpoint *ep, u_int max, size_t want,
    uint64_t *dropped)
{
	struct msghdr	*m;
	u_int		 i, vlen;
	int		 n;

	*dropped = 0;
	b->n = b->first = 0;
	b->off = b->bytes = 0;
	/*
	 * The last receive filled the batch: a flood, take more at once.
	 * Without the memory, the batch stays as it is.
	 */
	if (b->cap == 0 || (b->full && b->cap < BATCH_MAX)) {
		if (batch_grow(b, b->cap == 0 ? BATCH_MIN : b->cap * 2) == -1 &&
		    b->cap == 0)
			return (-1);
	}
	vlen = max < b->cap ? max : b->cap;
	if (want > b->slotsize)
		want = b->slotsize;
	for (i = 0; i < vlen; i++) {
		b->iov[i].iov_base = b->data + (size_t)i * b->slotsize;
		b->iov[i].iov_len = want;
		m = &b->msgs[i].msg_hdr;
		memset(m, 0, sizeof(*m));
		m->msg_iov = &b->iov[i];
		m->msg_iovlen = 1;
		m->msg_name = &b->names[i];
		m->msg_namelen = sizeof(b->names[i]);
		if (b->drops_known || b->anc) {
			m->msg_control = b->control + (size_t)i *
			    BATCH_CMSGLEN(b);
			m->msg_controllen = BATCH_CMSGLEN(b);
		}
		b->msgs[i].msg_len = 0;
	}
	if (ep->ops != NULL && ep->ops->recvmmsg != NULL)
		n = ep->ops->recvmmsg(ep, b->msgs, vlen);
	else {
		n = recvmmsg(ep->rfd, b->msgs, vlen, MSG_DONTWAIT, NULL);
		/* EP_DEAF: the refusal is gone once reported. */
		if (n == -1 && errno == ECONNREFUSED && (ep->flags & EP_DEAF))
			n = recvmmsg(ep->rfd, b->msgs, vlen, MSG_DONTWAIT,
			    NULL);
	}
	if (n == -1)
		return (-1);
	b->full = (u_int)n == b->cap;
	b->n = n;
	for (i = 0; i < (u_int)n; i++) {
		b->bytes += b->msgs[i].msg_len;
		if (b->drops_known)
			*dropped += batch_read_drops(b, &b->msgs[i].msg_hdr);
		if (b->anc)
			anc_log_msg(&b->msgs[i].msg_hdr);
	}
	return (n);
}

/*
 * Keep, in order, the datagrams of msgs[0..n) that keep() accepts; each
 * header keeps its buffer.  Returns how many are kept.
 */
int
batch_filter(struct mmsghdr *msgs, int n,
    int (*keep)(void *, const struct sockaddr_storage *, socklen_t),
    void *arg)
{
	struct mmsghdr	 tmp;
	int		 i, kept = 0;

	for (i = 0; i < n; i++) {
		if (!keep(arg, msgs[i].msg_hdr.msg_name,
		    msgs[i].msg_hdr.msg_namelen))
			continue;
		if (i != kept) {
			tmp = msgs[kept];
			msgs[kept] = msgs[i];
			msgs[i] = tmp;
		}
		kept++;
	}
	return (kept);
}

/*
 * Mark n bytes delivered to a stream, calling each(arg, p, len) for every
 * piece; empty datagrams on the way are passed over.
 */
void
batch_consume(struct batch *b, size_t n,
    void (*each)(void *, const unsigned char *, size_t), void *arg)
{
	size_t	 len, take;

	while (b->first < b->n) {
		len = batch_len(b, b->first) - b->off;
		take = n < len ? n : len;
		if (take == 0 && len > 0)
			break;
		if (take > 0)
			each(arg, batch_data(b, b->first) + b->off, take);
		n -= take;
		b->bytes -= take;
		if (take < len) {
			b->off += take;
			break;
		}
		b->first++;
		b->off = 0;
	}
}

/* Mark the first k datagrams delivered, calling each(arg, p, len) on each. */
void
batch_sent(struct batch *b, u_int k,
    void (*each)(void *, const unsigned char *, size_t), void *arg)
{
	size_t	 len;

	for (; k > 0 && b->first < b->n; k--) {
		len = batch_len(b, b->first) - b->off;
		each(arg, batch_data(b, b->first) + b->off, len);
		b->bytes -= len;
		b->first++;
		b->off = 0;
	}
}

/* Write every datagram's bytes to stream fd in one writev(2), its result. */
ssize_t
batch_writev(struct batch *b, int fd)
{
	struct iovec	 iov[BATCH_MAX];
	u_int		 i, n = 0;
	size_t		 off = b->off;

	for (i = b->first; i < b->n && n < nitems(iov); i++) {
		if (batch_len(b, i) > off) {
			iov[n].iov_base = batch_data(b, i) + off;
			iov[n].iov_len = batch_len(b, i) - off;
			n++;
		}
		off = 0;
	}
	if (n == 0)
		return (0);
	return (writev(fd, iov, n));
}

/*
 * Send each datagram whole to connected datagram socket fd in one
 * sendmmsg(2).  Returns how many were sent, or -1 with errno.
 */
int
batch_sendmmsg(struct batch *b, int fd)
{
	struct mmsghdr	 msgs[BATCH_MAX];
	struct iovec	 iov[BATCH_MAX];
	u_int		 i, n = 0;

	for (i = b->first; i < b->n && n < nitems(msgs); i++, n++) {
		iov[n].iov_base = batch_data(b, i);
		iov[n].iov_len = batch_len(b, i);
		memset(&msgs[n], 0, sizeof(msgs[n]));
		msgs[n].msg_hdr.msg_iov = &iov[n];
		msgs[n].msg_hdr.msg_iovlen = 1;
	}
	if (n == 0)
		return (0);
	return (sendmmsg(fd, msgs, n, MSG_DONTWAIT | MSG_NOSIGNAL));
}
