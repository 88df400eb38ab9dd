/*
 * permessage-deflate (RFC 7692) for src/ws/wsconn.c: zlib loaded on first
 * need, a spare compressor and decompressor, frames deflated when queued
 * and inflated when read.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "ws-int.h"

/*
 * zlib is loaded with dlopen(3) when a WebSocket first offers or takes
 * permessage-deflate, as OpenSSL is when TLS is first asked for: linked,
 * it cost every idle listener 84 KiB (bench/RESULTS.md, set M).  Each
 * function used is called through a pointer of its own type; the names
 * below stand for the pointers.  A static build, which cannot load it,
 * links it (SC_ZLIB_LINKED).
 */
#ifndef SC_ZLIB_LINKED
#define WS_LIBZ		"libz.so.1"

#define WS_Z_FUNCTIONS \
	F(deflateInit2_) \
	F(deflate) \
	F(deflateReset) \
	F(deflateTune) \
	F(deflateEnd) \
	F(inflateInit2_) \
	F(inflate) \
	F(inflateReset) \
	F(inflateEnd)

#define F(name) static __typeof__(&name) ws_z_##name;
WS_Z_FUNCTIONS
#undef F

/* Load zlib and its functions once.  -1 if it cannot (said with -v). */
static int
ws_z_load(void)
{
	static int	 state;		/* 1 loaded, -1 failed */
	void		*lib;

	if (state != 0)
		return (state == 1 ? 0 : -1);
	state = -1;
	if ((lib = dlopen(WS_LIBZ, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_verbose_warn(1, "WebSocket: no compression: %s", dlerror());
		return (-1);
	}
#define F(name) \
	if ((ws_z_##name = (__typeof__(ws_z_##name))dlsym(lib, \
	    #name)) == NULL) { \
		log_verbose_warn(1, "WebSocket: no compression: %s has no %s", \
		    WS_LIBZ, #name); \
		return (-1); \
	}
	WS_Z_FUNCTIONS
#undef F
	state = 1;
	return (0);
}

#define deflateInit2_	(*ws_z_deflateInit2_)
#define deflate		(*ws_z_deflate)
#define deflateReset	(*ws_z_deflateReset)
#define deflateTune	(*ws_z_deflateTune)
#define deflateEnd	(*ws_z_deflateEnd)
#define inflateInit2_	(*ws_z_inflateInit2_)
#define inflate		(*ws_z_inflate)
#define inflateReset	(*ws_z_inflateReset)
#define inflateEnd	(*ws_z_inflateEnd)
#else
static int
ws_z_load(void)
{
	return (0);
}
#endif

/* What a message's compressed data lacks at its end (RFC 7692, 7.2.1). */
const unsigned char ws_z_tail[4] = { 0x00, 0x00, 0xff, 0xff };

/*
 * The process's spare compressor (for windows of ws_zspare_bits) and
 * decompressor.  A side that starts each message afresh (RFC 7692's
 * no_context_takeover) needs zlib's state only while a message is being
 * compressed or inflated: it takes the spare, or makes one, when a
 * message starts, and gives it back, reset, when the message ends, so
 * that an idle connection holds none (a compressor at window 15 is
 * about 260 KiB, a decompressor 40 KiB) and a fan-out to many members
 * goes through one.  A side that keeps its context keeps its state.
 */
static z_stream	*ws_zspare_out;
static int	 ws_zspare_bits;
static z_stream	*ws_zspare_in;

/*
 * How hard the compressor looks for matches.  zlib's levels 4 to 9
 * (default 6) match lazily and hash every byte of a match: a run of one
 * byte or a short pattern costs as much as text, and comes out as
 * matches one byte back that the peer inflates a byte at a time (zeros:
 * 400 MB/s deflated, 575 inflated).  Levels 1 to 3 match greedily and
 * skip inside a long match (1 GB/s deflated, over 10 GB/s inflated).
 * Greedy with level 6's search (deflateTune(); a match over 32 bytes is
 * not hashed) makes text about 3 % larger (the manual: 34.7 % against
 * 33.8 %; C source 30.3 against 29.4; afresh each 64 KiB, 36.7 against
 * 35.6) and deflates it half as fast again.  deflateInit2() and
 * deflateReset() restore the level's tuning: it is set after each.
 */
#define WS_Z_LEVEL	3
#define WS_Z_TUNE(z)	deflateTune((z), 8, 32, 128, 128)

/* A compressor for a 2^bits window: the spare, or a new one. */
static z_stream *
ws_zout_get(int bits)
{
	z_stream	*z;

	if (ws_zspare_out != NULL && ws_zspare_bits == bits) {
		z = ws_zspare_out;
		ws_zspare_out = NULL;
		return (z);
	}
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return (NULL);
	if (deflateInit2(z, WS_Z_LEVEL, Z_DEFLATED, -bits, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return (NULL);
	}
	/* deflateTune() fails only on a stream that was never made. */
	(void)WS_Z_TUNE(z);
	return (z);
}

/* Give back z (NULL: none) of ws_zout_get(bits): kept as the spare or ended. */
void
ws_zout_put(z_stream *z, int bits)
{
	if (z == NULL)
		return;
	if (ws_zspare_out == NULL && deflateReset(z) == Z_OK &&
	    WS_Z_TUNE(z) == Z_OK) {
		ws_zspare_out = z;
		ws_zspare_bits = bits;
		return;
	}
	(void)deflateEnd(z);
	free(z);
}

/* A decompressor for any window: the spare, or a new one. */
static z_stream *
ws_zin_get(void)
{
	z_stream	*z;

	if ((z = ws_zspare_in) != NULL) {
		ws_zspare_in = NULL;
		return (z);
	}
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return (NULL);
	if (inflateInit2(z, -15) != Z_OK) {
		free(z);
		return (NULL);
	}
	return (z);
}

/* Give back z (NULL: none) of ws_zin_get(): kept as the spare or ended. */
void
ws_zin_put(z_stream *z)
{
	if (z == NULL)
		return;
	if (ws_zspare_in == NULL && inflateReset(z) == Z_OK) {
		ws_zspare_in = z;
		return;
	}
	(void)inflateEnd(z);
	free(z);
}

/* Our side's window, as bits. */
int
ws_zbits(const struct ws *w)
{
	int	 bits = w->server ? w->pmdp.server_bits : w->pmdp.client_bits;

	return (bits > 0 ? bits : 15);
}

/* Does our side (the peer's if peer) start each message afresh? */
int
ws_zfresh(const struct ws *w, int peer)
{
	return (w->server != peer ? w->pmdp.server_no_takeover :
	    w->pmdp.client_no_takeover);
}

/*
 * Deflate n bytes at p into dst (cap, per WS_Z_BOUND()) as the next frame,
 * flushed to a byte, the last without its four tail bytes (RFC 7692,
 * 7.2.1); no_context_takeover gives the compressor back at the message's
 * end.  Returns the length, or -1.
 */
ssize_t
ws_deflate(struct ws *w, int fin, unsigned char *dst, size_t cap,
    const unsigned char *p, size_t n)
{
	z_stream	*z;
	int		 ret;

	if (w->zout == NULL && (w->zout = ws_zout_get(ws_zbits(w))) == NULL)
		return (-1);
	z = w->zout;
	z->next_out = dst;
	z->avail_out = cap;
	z->next_in = (Bytef *)(uintptr_t)p;
	z->avail_in = n;
	if (n > 0 && deflate(z, Z_NO_FLUSH) != Z_OK)
		return (-1);
	/* A flush right after a flush has nothing to add: Z_BUF_ERROR. */
	ret = deflate(z, Z_SYNC_FLUSH);
	if ((ret != Z_OK && ret != Z_BUF_ERROR) || z->avail_in != 0 ||
	    z->avail_out == 0)
		return (-1);
	n = cap - z->avail_out;
	if (fin) {
		if (n >= sizeof(ws_z_tail) && memcmp(dst + n -
		    sizeof(ws_z_tail), ws_z_tail, sizeof(ws_z_tail)) == 0)
			n -= sizeof(ws_z_tail);
		else {
			/*
			 * Nothing since the last frame's flush: the empty
			 * block the peer completes must still begin here,
			 * its header's byte, or the tail it adds would be
			 * read as the start of one and the next message
			 * with it.
			 */
			dst[n++] = 0x00;
		}
		if (ws_zfresh(w, 0)) {
			ws_zout_put(z, ws_zbits(w));
			w->zout = NULL;
		}
	}
	return (n);
}

/*
 * Inflate the message being read into dst (cap bytes): the frame held in
 * in (unmasked once), then the tail after its last frame.  Never more than
 * a byte past the longest message is made (1009 then).  Returns the bytes,
 * 0 when more input is needed or the frame is done, -1 after answering bad
 * data.
 */
ssize_t
ws_inflate(struct ws *w, unsigned char *dst, size_t cap)
{
	z_stream	*z;
	size_t		 avail, used, made;
	int		 ret, tail = 0;
	char		 why[128];

	if (w->zin == NULL && (w->zin = ws_zin_get()) == NULL) {
		(void)ws_fail_error(w, WS_CLOSE_INTERNAL, "out of memory",
		    ENOMEM);
		return (-1);
	}
	z = w->zin;
	if (cap > w->max - w->msg_len + 1)
		cap = w->max - w->msg_len + 1;
	avail = w->left < w->inlen ? w->left : w->inlen;
	if (avail > 0) {
		if (w->f.masked && avail > w->zmasked) {
			ws_mask(w->in + w->inoff + w->zmasked,
			    avail - w->zmasked, w->f.mask, w->off + w->zmasked);
			w->zmasked = avail;
		}
		z->next_in = w->in + w->inoff;
		z->avail_in = avail;
	} else if (ws_ztail_due(w)) {
		z->next_in = (Bytef *)(uintptr_t)(ws_z_tail + w->ztail);
		z->avail_in = avail = sizeof(ws_z_tail) - w->ztail;
		tail = 1;
	} else if (w->zfull) {
		z->next_in = dst;
		z->avail_in = 0;
	} else
		return (0);
	z->next_out = dst;
	z->avail_out = cap;
	ret = inflate(z, Z_SYNC_FLUSH);
	used = avail - z->avail_in;
	if (tail)
		w->ztail += used;
	else {
		w->inoff += used;
		w->inlen -= used;
		w->left -= used;
		w->off += used;
		w->zmasked -= used;
	}
	/* A final block: what follows starts a new stream. */
	if (ret == Z_STREAM_END)
		(void)inflateReset(z);
	else if (ret != Z_OK && ret != Z_BUF_ERROR) {
		(void)ws_fail(w, WS_CLOSE_BAD_DATA, "bad compressed data");
		return (-1);
	}
	made = cap - z->avail_out;
	w->zfull = z->avail_out == 0;
	if (made > w->max - w->msg_len) {
		(void)snprintf(why, sizeof(why), "a message longer than %llu "
		    "bytes", (unsigned long long)w->max);
		(void)ws_fail(w, WS_CLOSE_TOO_BIG, why);
		return (-1);
	}
	w->msg_len += made;
	return (made);
}

/*
 * Is the tail the peer left off its message's last frame (RFC 7692,
 * 7.2.2) still to give inflate()?
 */
int
ws_ztail_due(const struct ws *w)
{
	return (w->left == 0 && w->f.fin && w->ztail < (int)sizeof(ws_z_tail));
}

/*
 * May permessage-deflate be offered or taken?  Not with --ws-no-compress,
 * --ws-framed (records give a length first), to a relay (TLS records do
 * not compress), or without zlib (loaded here).
 */
int
ws_compresses(const struct side *sd)
{
	SIDE_TAKEN(ws.no_compress);
	return (!sd->ws.no_compress && !sd->ws.framed && !sd->via.ws &&
	    ws_z_load() == 0);
}
