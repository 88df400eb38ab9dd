/*
 * A UDP sender for the benchmarks: COUNT datagrams of SIZE bytes to
 * 127.0.0.1 PORT, as fast as it can (RATE 0) or RATE datagrams a second,
 * sent in small groups with sendmmsg(2) on an absolute clock.  Each
 * datagram starts with its sequence number.  Prints the rate it achieved
 * (datagrams per second) on stdout.
 *
 *	udpblast PORT COUNT SIZE [RATE]
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Datagrams handed to the kernel in one call. */
#define GROUP	16

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct mmsghdr		 msgs[GROUP];
	struct iovec		 iov[GROUP];
	struct timespec		 ts;
	unsigned char		*bufs;
	uint64_t		 start, next, seq, v;
	long			 count, size, rate = 0, i, n, done = 0;
	int			 fd, k;

	if (argc < 4 || argc > 5)
		errx(1, "usage: udpblast port count size [rate]");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	count = atol(argv[2]);
	size = atol(argv[3]);
	if (argc == 5)
		rate = atol(argv[4]);
	if (count <= 0 || size < 8 || size > 65507 || rate < 0)
		errx(1, "bad count, size or rate");
	if ((bufs = calloc(GROUP, size)) == NULL)
		err(1, "calloc");
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect");

	start = next = now_ns();
	for (seq = 0; done < count; ) {
		n = count - done < GROUP ? count - done : GROUP;
		for (i = 0; i < n; i++) {
			v = seq + i;
			memcpy(bufs + i * size, &v, sizeof(v));
			memset(bufs + i * size + 8, 'a' + (int)(v % 26),
			    size - 8);
			iov[i].iov_base = bufs + i * size;
			iov[i].iov_len = size;
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		if (rate > 0) {
			ts.tv_sec = next / 1000000000;
			ts.tv_nsec = next % 1000000000;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
			    NULL);
			next += (uint64_t)n * 1000000000 / rate;
		}
		if ((k = sendmmsg(fd, msgs, n, 0)) == -1) {
			/* The loopback queue is full: try the same again. */
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == EINTR || errno == ECONNREFUSED)
				continue;
			err(1, "sendmmsg");
		}
		done += k;
		seq += k;
	}
	printf("%.0f\n", (double)count * 1e9 / (double)(now_ns() - start));
	return (0);
}
