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

/* The only place that knows what the platform lacks (HAVE_* from configure). */

#ifndef COMPAT_H
#define COMPAT_H

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
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

#endif /* COMPAT_H */
