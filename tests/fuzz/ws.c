/*
 * Fuzz target: the WebSocket codec (src/codec/ws.c).  Any bytes are parsed as
 * frames (as a server and as a client), as UTF-8 (in one piece and cut
 * in two: the same verdict), as a close payload, as an upgrade request
 * and as a server's answer, without a crash or a read past them.  A frame
 * header that parses is encoded again and parses back the same; masking
 * twice gives the bytes back, at any offset.  A permessage-deflate offer
 * a server takes gets an answer its client takes, with the same
 * parameters, and both sides afresh when the server asks for that.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_frame	 f, g;
	struct ws_req	 r;
	struct http_line	 l;
	unsigned char	 hdr[WS_HDR_MAX], *copy;
	char		*text, proto[256];
	const uint8_t	*reason;
	const char	*why;
	char		 ext[WS_EXT_MAX];
	struct ws_pmd	 p, q;
	ssize_t		 n;
	size_t		 h, cut, span, bound, reasonlen;
	int		 server, code, answer, st1, st2, v1, v2, status, fresh;

	for (server = 0; server < 2; server++) {
		n = ws_frame_parse(data, size, server, &f, &code, &why);
		if (n == -1 || (size_t)n > size)
			continue;
		h = ws_frame_encode(hdr, f.fin, f.opcode, f.len,
		    f.masked ? f.mask : NULL);
		if (ws_frame_parse(hdr, h, server, &g, &code, &why) !=
		    (ssize_t)h || g.len != f.len || g.fin != f.fin ||
		    g.opcode != f.opcode || memcmp(g.mask, f.mask, 4) != 0)
			abort();
	}

	st1 = 0;
	v1 = ws_utf8(&st1, data, size);
	cut = size > 0 ? data[0] % (size + 1) : 0;
	st2 = 0;
	v2 = ws_utf8(&st2, data, cut);
	if (v2 == 0)
		v2 = ws_utf8(&st2, data + cut, size - cut);
	if (v1 != v2 || (v1 == 0 && st1 != st2))
		abort();
	/* The span agrees, and a message cut at its bound is UTF-8. */
	st2 = 0;
	span = text_utf8_span(&st2, data, size, &bound);
	if ((span == size) != (v1 == 0) || bound > span ||
	    (v1 == 0 && st1 != st2))
		abort();
	st2 = 0;
	if (ws_utf8(&st2, data, bound) != 0 || st2 != 0)
		abort();
	st2 = 0;
	if (span < size && ws_utf8(&st2, data, span + 1) == 0)
		abort();

	/* A reason given back lies within the frame, and is UTF-8. */
	if (size <= WS_CTRL_MAX && ws_close_parse(data, size, &code, &reason,
	    &reasonlen, &answer) == 0) {
		st2 = 0;
		if (reasonlen > 0 && (reason != data + 2 ||
		    reasonlen != size - 2 ||
		    ws_utf8(&st2, reason, reasonlen) != 0 || st2 != 0))
			abort();
	}

	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	if (size >= 4) {
		ws_mask(copy + 4, size - 4, data, data[0]);
		ws_mask(copy + 4, size - 4, data, data[0]);
		if (memcmp(copy, data, size) != 0)
			abort();
	}
	free(copy);

	if ((text = malloc(size + 1)) == NULL)
		return (0);
	memcpy(text, data, size);
	text[size] = '\0';
	if (http_request_line(text, &l, &why) == 0)
		(void)ws_parse_request(text, &l, &r, &status, &why);
	(void)ws_answer_page(text);
	(void)ws_check_accept(text, "dGhlIHNhbXBsZSBub25jZQ==", "chat",
	    proto, sizeof(proto), &why);
	for (fresh = 0; fresh < 2; fresh++) {
		if (ws_pmd_choose(text, fresh, &p, ext, sizeof(ext)) == 0)
			continue;
		if (ws_pmd_answer(ext, &q, &why) == -1 ||
		    q.server_no_takeover != p.server_no_takeover ||
		    q.client_no_takeover != p.client_no_takeover ||
		    q.server_bits != p.server_bits ||
		    (fresh && (!q.server_no_takeover ||
		    !q.client_no_takeover)))
			abort();
	}
	free(text);
	return (0);
}
