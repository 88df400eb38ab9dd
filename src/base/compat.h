/*
 * What the C library or its headers may lack, in one place: the only file
 * that reads configure's HAVE_* results.  sockcat runs on Linux only
 * (configure refuses a system without epoll(7)); what differs is the C
 * library and the age of the kernel headers.
 */
/* SPDX-License-Identifier: ISC */

#ifndef COMPAT_H
#define COMPAT_H

#include <unistd.h>

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

/*
 * A parameter a callback need not use, marked where the function is defined.
 * libbsd's <sys/cdefs.h> leaves it out, as some Linux headers name a struct
 * member so (<linux/icmp.h>, <asm/stat.h>): include those before this one.
 */
#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

#ifndef _PATH_DEVNULL
#define _PATH_DEVNULL	"/dev/null"
#endif

#ifndef nitems
#define nitems(a)	(sizeof((a)) / sizeof((a)[0]))
#endif

/*
 * DCCP (-Z): where the headers lack it, ask for Linux's socket type anyway and
 * let socket(2) refuse it with a clear error.
 */
#ifndef SOCK_DCCP
#define SOCK_DCCP	6
#endif

/*
 * Multipath TCP (--mptcp): Linux's number for the option that says whether a
 * connection is one, for headers older than the kernel; getsockopt(2) refuses
 * it where the kernel has none.
 */
#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP	43
#endif

/*
 * cloexec_from(lo): mark every descriptor from lo up close-on-exec, in one
 * call (close_range(2) with CLOSE_RANGE_CLOEXEC: glibc 2.34, Linux 5.11).
 * Where the C library lacks the call it does nothing, and a program
 * started by -e or -c also gets what sockcat inherited without the flag;
 * a kernel that lacks it refuses the call, with the same result.
 */
#if defined(HAVE_CLOSE_RANGE) && defined(CLOSE_RANGE_CLOEXEC)
#define cloexec_from(lo)	((void)close_range((lo), ~0U, CLOSE_RANGE_CLOEXEC))
#else
#define cloexec_from(lo)	((void)0)
#endif

/*
 * timingsafe_bcmp(3): OpenBSD's, which libbsd has from 0.11.8 on (Debian
 * 12 ships 0.11.7).  Where it lacks, the same loop: its time depends on
 * len only, never on where the bytes differ.
 */
#ifndef HAVE_TIMINGSAFE_BCMP
#include <stddef.h>
static inline int
timingsafe_bcmp(const void *b1, const void *b2, size_t n)
{
	const volatile unsigned char	*p1 = b1, *p2 = b2;
	int				 ret = 0;

	for (; n > 0; n--)
		ret |= *p1++ ^ *p2++;
	return (ret != 0);
}
#endif

#endif /* COMPAT_H */
