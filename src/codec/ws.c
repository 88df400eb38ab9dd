/*
 * The WebSocket protocol (RFC 6455) as pure functions: frames, masking,
 * UTF-8, close payloads, and the HTTP upgrade of both sides.  src/ws/
 * drives it; tests/fuzz/ws.c feeds it.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

/* The GUID RFC 6455 appends to a client's key before hashing it. */
#define WS_GUID		"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/*
 * The Sec-WebSocket-Accept for key, in out (WS_ACCEPT_LEN + 1).  Returns
 * 0, or -1 if key is too long.
 */
static int
ws_accept_key(const char *key, char *out)
{
	char		 buf[128];
	unsigned char	 md[DIGEST_SHA1_LEN];
	int		 n;

	n = snprintf(buf, sizeof(buf), "%s%s", key, WS_GUID);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return (-1);
	digest(DIGEST_SHA1, buf, n, md);
	http_base64(md, sizeof(md), out);
	return (0);
}

/*
 * Parse the frame header at p into f; WS_PARSE_SERVER: the peer must mask,
 * WS_PARSE_RSV1: deflate agreed.  Returns its length (more than n: read up
 * to that and call again), or -1 with the close code in *code and *errstr.
 */
ssize_t
ws_frame_parse(const unsigned char *p, size_t n, int flags,
    struct ws_frame *f, int *code, const char **errstr)
{
	size_t		 need = 2, i;
	uint64_t	 len;
	int		 server = (flags & WS_PARSE_SERVER) != 0;

	*code = WS_CLOSE_PROTOCOL;
	if (n < 2)
		return (need);
	f->fin = (p[0] & 0x80) != 0;
	f->opcode = p[0] & 0x0f;
	f->masked = (p[1] & 0x80) != 0;
	f->rsv1 = (p[0] & 0x40) != 0;
	len = p[1] & 0x7f;
	if ((p[0] & 0x30) || (f->rsv1 && (!(flags & WS_PARSE_RSV1) ||
	    (f->opcode != WS_OP_TEXT && f->opcode != WS_OP_BINARY)))) {
		*errstr = "reserved bits set";
		return (-1);
	}
	switch (f->opcode) {
	case WS_OP_CONT:
	case WS_OP_TEXT:
	case WS_OP_BINARY:
		break;
	case WS_OP_CLOSE:
	case WS_OP_PING:
	case WS_OP_PONG:
		if (!f->fin) {
			*errstr = "fragmented control frame";
			return (-1);
		}
		if (len > WS_CTRL_MAX) {
			*errstr = "control frame longer than 125 bytes";
			return (-1);
		}
		break;
	default:
		*errstr = "unknown opcode";
		return (-1);
	}
	if (server != f->masked) {
		*errstr = server ? "unmasked frame from a client" :
		    "masked frame from a server";
		return (-1);
	}
	if (len == 126)
		need += 2;
	else if (len == 127)
		need += 8;
	if (f->masked)
		need += 4;
	if (n < need)
		return (need);
	if (len == 126)
		len = (uint64_t)p[2] << 8 | p[3];
	else if (len == 127) {
		len = 0;
		for (i = 2; i < 10; i++)
			len = len << 8 | p[i];
		if (len >> 63) {
			*errstr = "frame length over 2^63";
			return (-1);
		}
	}
	f->len = len;
	memset(f->mask, 0, sizeof(f->mask));
	if (f->masked)
		memcpy(f->mask, p + need - 4, 4);
	return (need);
}

/*
 * A frame header in out (WS_HDR_MAX), masked unless key is NULL.  Its
 * length.
 */
size_t
ws_frame_encode(unsigned char *out, int fin, int opcode, uint64_t len,
    const unsigned char *key)
{
	size_t	 i = 2;
	int	 j;

	out[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
	out[1] = key != NULL ? 0x80 : 0;
	if (len < 126)
		out[1] |= len;
	else if (len <= 0xffff) {
		out[1] |= 126;
		out[2] = len >> 8;
		out[3] = len;
		i = 4;
	} else {
		out[1] |= 127;
		for (j = 0; j < 8; j++)
			out[2 + j] = len >> (56 - 8 * j);
		i = 10;
	}
	if (key != NULL) {
		memcpy(out + i, key, 4);
		i += 4;
	}
	return (i);
}

/* XOR n bytes at p with key, off bytes into the payload. */
void
ws_mask(unsigned char *p, size_t n, const unsigned char *key, uint64_t off)
{
	unsigned char	 k[8];
	uint64_t	 kw, w;
	size_t		 i = 0;
	int		 j;

	for (j = 0; j < 8; j++)
		k[j] = key[(off + j) & 3];
	/* Bytes up to an eight-byte boundary, one at a time. */
	while (i < n && ((uintptr_t)(p + i) & 7) != 0) {
		p[i] ^= k[i & 3];
		i++;
	}
	/* The key as seen from that boundary, as a word. */
	for (j = 0; j < 8; j++)
		k[j] = key[(off + i + j) & 3];
	memcpy(&kw, k, 8);
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		w ^= kw;
		memcpy(p + i, &w, 8);
	}
	for (j = 0; i < n; i++, j++)
		p[i] ^= k[j];
}

/*
 * Check n bytes as UTF-8, a cut sequence carried in *state (0 at a
 * message's start; valid at its end only if 0).  Returns 0, or -1.
 */
int
ws_utf8(int *state, const unsigned char *p, size_t n)
{
	size_t	 bound;

	if (text_utf8_span(state, p, n, &bound) == n)
		return (0);
	*state = 0;
	return (-1);
}

/*
 * May a peer send code in a close frame (RFC 6455, 7.4): 1000 to 1014 but
 * the three never sent (1004 to 1006), or 3000 to 4999?
 */
static int
ws_close_code_valid(int code)
{
	if (code >= 1004 && code <= 1006)
		return (0);
	return ((code >= 1000 && code <= 1014) ||
	    (code >= 3000 && code <= 4999));
}

/*
 * A close payload in out (WS_CTRL_MAX bytes): code (0: empty) and what
 * fits of reason, cut at a character.  Returns its length.
 */
size_t
ws_close_encode(unsigned char *out, int code, const char *reason)
{
	size_t	 n;

	if (code == 0)
		return (0);
	out[0] = code >> 8;
	out[1] = code;
	n = reason != NULL ? strlen(reason) : 0;
	if (n > WS_CTRL_MAX - 2)
		n = WS_CTRL_MAX - 2;
	/* Never cut a character in two. */
	while (n > 0 && n < strlen(reason) &&
	    ((unsigned char)reason[n] & 0xc0) == 0x80)
		n--;
	memcpy(out + 2, reason, n);
	return (2 + n);
}

/*
 * Parse a close payload into *code (WS_CLOSE_NO_STATUS if empty) and its
 * UTF-8 reason (pointing into p; quote it escaped).  Returns 0, or -1 with
 * the close code to answer in *answer.
 */
int
ws_close_parse(const unsigned char *p, size_t n, int *code,
    const unsigned char **reason, size_t *reasonlen, int *answer)
{
	int	 st = 0;

	*reason = p;
	*reasonlen = 0;
	*answer = WS_CLOSE_PROTOCOL;
	if (n < 2) {
		*code = WS_CLOSE_NO_STATUS;
		return (n == 0 ? 0 : -1);
	}
	*code = p[0] << 8 | p[1];
	if (!ws_close_code_valid(*code))
		return (-1);
	if (ws_utf8(&st, p + 2, n - 2) == -1 || st != 0) {
		*answer = WS_CLOSE_BAD_DATA;
		return (-1);
	}
	*reason = p + 2;
	*reasonlen = n - 2;
	return (0);
}

/* The first offered subprotocol ours also lists, in out, or "". */
void
ws_choose_protocol(const char *offered, const char *ours, char *out,
    size_t outsz)
{
	const char	*p = offered, *e;
	size_t		 n;
	char		 tok[256];

	*out = '\0';
	while ((e = http_list_next(&p, offered + strlen(offered), &n)) !=
	    NULL) {
		if (n > 0 && n < sizeof(tok) && n < outsz) {
			memcpy(tok, e, n);
			tok[n] = '\0';
			if (http_list_has(ours, tok)) {
				memcpy(out, tok, n + 1);
				return;
			}
		}
	}
}

/*
 * ours (NULL: none) with WS_PROTO_BINARY last unless there, in out.
 * Returns 0, or -1 if it does not fit.
 */
int
ws_offer_binary(const char *ours, char *out, size_t outsz)
{
	int	 n;

	if (ours == NULL || http_list_has(ours, WS_PROTO_BINARY))
		n = snprintf(out, outsz, "%s", ours != NULL ? ours :
		    WS_PROTO_BINARY);
	else
		n = snprintf(out, outsz, "%s, %s", ours, WS_PROTO_BINARY);
	return (n < 0 || (size_t)n >= outsz ? -1 : 0);
}

/*
 * Append path p to out, controls, spaces and non-ASCII as %XX, as curl
 * does, so it cannot end the line.  Returns the new length, or -1.
 */
static ssize_t
ws_put_path(char *out, size_t outsz, size_t used, const char *p)
{
	unsigned char	 c;

	for (; *p != '\0'; p++) {
		c = *p;
		if (c <= 0x20 || c >= 0x7f) {
			if (outsz - used < 4)
				return (-1);
			used += snprintf(out + used, 4, "%%%02X", c);
		} else {
			if (outsz - used < 2)
				return (-1);
			out[used++] = c;
		}
	}
	out[used] = '\0';
	return (used);
}

/*
 * "Authorization: Basic ..." for URL user information ui (len bytes, %XX
 * decoded), in out.  Returns 0, or -1 for a bad escape, a control, or no
 * room.
 */
int
ws_basic_auth(const char *ui, size_t len, char *out, size_t outsz)
{
	char		 plain[512];
	size_t		 i, n;
	int		 rv = -1;

	if (url_decode(ui, len, plain, sizeof(plain)) == -1)
		goto done;
	n = strlen(plain);
	for (i = 0; i < n; i++) {
		if ((unsigned char)plain[i] < 0x20 || plain[i] == 0x7f)
			goto done;
	}
	if (outsz < sizeof("Authorization: Basic ") + (n + 2) / 3 * 4)
		goto done;
	memcpy(out, "Authorization: Basic ", 21);
	http_base64((unsigned char *)plain, n, out + 21);
	rv = 0;

done:
	explicit_bzero(plain, sizeof(plain));
	return (rv);
}

/*
 * A client's upgrade request for r in out.  Returns its length, or -1 with
 * *errstr when it does not fit or a header has a line break.
 */
ssize_t
ws_encode_request(char *out, size_t outsz, const struct ws_req *r,
    const char **errstr)
{
	const char *const	 fields[][2] = {
		{ "Host", r->host },
		{ "Upgrade", "websocket" },
		{ "Connection", "Upgrade" },
		{ "Sec-WebSocket-Key", r->key },
		{ "Sec-WebSocket-Version", "13" },
		{ "Origin", r->origin },
		{ "Sec-WebSocket-Protocol", r->protocols },
		{ "Sec-WebSocket-Extensions", r->extensions },
	};
	ssize_t			 m;
	int			 n;

	*errstr = "upgrade request too long";
	if (outsz < 5)
		return (-1);
	memcpy(out, "GET ", 5);
	if ((m = ws_put_path(out, outsz, 4, r->path)) == -1)
		return (-1);
	n = snprintf(out + m, outsz - m, " HTTP/1.1\r\n");
	if (n < 0 || (size_t)n >= outsz - m)
		return (-1);
	/* Ours, then --ws-header's, then the blank line. */
	if ((m = http_put_fields(out, outsz, m + n, fields,
	    nitems(fields))) == -1 || (m = http_put_lines(out, outsz, m,
	    r->headers, r->nheaders, errstr)) == -1 || outsz - m < 3)
		return (-1);
	memcpy(out + m, "\r\n", 3);
	return (m + 2);
}

/*
 * Parse the upgrade request head h, its first line read into l, into r
 * (copies; r->path is l's).  Returns 0, or -1 with the HTTP status in
 * *status (400, 405, 426) and *errstr.
 */
int
ws_parse_request(const char *h, const struct http_line *l, struct ws_req *r,
    int *status, const char **errstr)
{
	char	 v[512];

	memset(r, 0, sizeof(*r));
	*status = HTTP_BAD_METHOD;
	if (strcmp(l->method, "GET") != 0) {
		*errstr = "not a GET request";
		return (-1);
	}
	*status = HTTP_BAD_REQUEST;
	if (l->minor != 1) {
		*errstr = "not HTTP/1.1";
		return (-1);
	}
	r->path = l->target;
	if (!http_field_lists(h, "Upgrade", "websocket")) {
		*status = HTTP_UPGRADE_REQUIRED;
		*errstr = "no Upgrade: websocket";
		return (-1);
	}
	if (!http_field_lists(h, "Connection", "upgrade")) {
		*errstr = "no Connection: Upgrade";
		return (-1);
	}
	if (http_field_get(h, "Sec-WebSocket-Version", v, sizeof(v)) != 1 ||
	    strcmp(v, "13") != 0) {
		*status = HTTP_UPGRADE_REQUIRED;
		*errstr = "not WebSocket version 13";
		return (-1);
	}
	if (http_field_get(h, "Sec-WebSocket-Key", r->keybuf,
	    sizeof(r->keybuf)) != 1 || strlen(r->keybuf) != WS_KEY_LEN ||
	    strcmp(r->keybuf + WS_KEY_LEN - 2, "==") != 0) {
		*errstr = "bad Sec-WebSocket-Key";
		return (-1);
	}
	r->key = r->keybuf;
	if (http_field_get(h, "Sec-WebSocket-Protocol", r->protobuf,
	    sizeof(r->protobuf)) == 1)
		r->protocols = r->protobuf;
	if (http_field_get(h, "Origin", r->originbuf,
	    sizeof(r->originbuf)) == 1)
		r->origin = r->originbuf;
	return (0);
}

/*
 * The 101 answer for key in out, with protocol and ext when not empty and
 * nheaders extra lines.  Returns its length, or -1.
 */
ssize_t
ws_encode_accept(char *out, size_t outsz, const char *key,
    const char *protocol, const char *ext, char *const *headers,
    size_t nheaders)
{
	struct http_answer	 a = {
		.status = HTTP_SWITCHING,
		.length = -1,
	};
	char			 accept[WS_ACCEPT_LEN + 1];
	char			 fields[HTTP_HEAD_MAX];
	const char *const	 f[][2] = {
		{ "Upgrade", "websocket" },
		{ "Connection", "Upgrade" },
		{ "Sec-WebSocket-Accept", accept },
		{ "Sec-WebSocket-Protocol", *protocol != '\0' ? protocol : NULL },
		{ "Sec-WebSocket-Extensions", *ext != '\0' ? ext : NULL },
	};
	ssize_t			 n;

	if (ws_accept_key(key, accept) == -1 || (n = http_put_fields(fields,
	    sizeof(fields), 0, f, nitems(f))) == -1 || http_put_lines(fields,
	    sizeof(fields), n, headers, nheaders, NULL) == -1)
		return (-1);
	a.fields = fields;
	return (http_encode_answer(out, outsz, &a));
}

/*
 * Is answer h a web page (a page, a redirect, a 404) rather than an
 * upgrade or its refusal?
 */
int
ws_answer_page(const char *h)
{
	int	 minor, st = http_status_line(h, &minor);

	return ((st >= 200 && st < 400) || st == HTTP_NOT_FOUND);
}

/*
 * Check the answer h to a request with key offering protocols (NULL:
 * none); the chosen one in protocol (protosz; "" if none).  Returns 0, or
 * -1 with *errstr.
 */
int
ws_check_accept(const char *h, const char *key, const char *protocols,
    char *protocol, size_t protosz, const char **errstr)
{
	char	 v[512], want[WS_ACCEPT_LEN + 1];
	int	 minor, st;

	*protocol = '\0';
	if ((st = http_status_line(h, &minor)) != HTTP_SWITCHING) {
		*errstr = st == -1 ? "not an HTTP answer" :
		    "the server refused the upgrade";
		return (-1);
	}
	if (!http_field_lists(h, "Upgrade", "websocket")) {
		*errstr = "no Upgrade: websocket in the answer";
		return (-1);
	}
	if (!http_field_lists(h, "Connection", "upgrade")) {
		*errstr = "no Connection: Upgrade in the answer";
		return (-1);
	}
	if (ws_accept_key(key, want) == -1 ||
	    http_field_get(h, "Sec-WebSocket-Accept", v, sizeof(v)) != 1 ||
	    strcmp(v, want) != 0) {
		*errstr = "wrong Sec-WebSocket-Accept";
		return (-1);
	}
	switch (http_field_get(h, "Sec-WebSocket-Protocol", v, sizeof(v))) {
	case 0:
		break;
	case 1:
		/* One token: no element of a list holds a comma. */
		if (!http_list_has(protocols, v) || strlen(v) >= protosz) {
			*errstr = "a subprotocol that was not offered";
			return (-1);
		}
		strlcpy(protocol, v, protosz);
		break;
	default:
		*errstr = "bad Sec-WebSocket-Protocol";
		return (-1);
	}
	return (0);
}

/* s trimmed of spaces and tabs, in place. */
static char *
ws_trim(char *s)
{
	char	*e;

	s += strspn(s, " \t");
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	return (s);
}

/*
 * Parse one Sec-WebSocket-Extensions element (len bytes at s) into p.
 * Returns 1 for a valid permessage-deflate, 0 for another extension, -1
 * for bad parameters.  A bare client_max_window_bits is -1 in
 * p->client_bits.
 */
static int
ws_pmd_parse(const char *s, size_t len, struct ws_pmd *p)
{
	static const char *const params[] = { "server_no_context_takeover",
	    "client_no_context_takeover", "server_max_window_bits",
	    "client_max_window_bits" };
	/* Whether each has a value (1), has none (0) or may (-1). */
	static const int valued[] = { 0, 0, 1, -1 };
	int	*field[] = { &p->server_no_takeover, &p->client_no_takeover,
	    &p->server_bits, &p->client_bits };
	char	 item[WS_EXT_MAX], *next, *q, *v;
	size_t	 vl, i;
	int	 seen = 0, bits;

	memset(p, 0, sizeof(*p));
	if (len >= sizeof(item))
		return (-1);
	memcpy(item, s, len);
	item[len] = '\0';
	next = item;
	q = ws_trim(strsep(&next, ";"));
	if (strcasecmp(q, "permessage-deflate") != 0)
		return (0);
	while ((q = strsep(&next, ";")) != NULL) {
		if ((v = strchr(q, '=')) != NULL) {
			*v++ = '\0';
			v = ws_trim(v);
			/* A quoted-string is allowed for the value too. */
			vl = strlen(v);
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v[vl - 1] = '\0';
				v++;
			}
		}
		q = ws_trim(q);
		for (i = 0; i < nitems(params) &&
		    strcasecmp(q, params[i]) != 0; i++)
			;
		if (i == nitems(params) || (seen & 1 << i))
			return (-1);
		seen |= 1 << i;
		/* A window is 8 to 15, no leading zero; a bare one is -1. */
		bits = v != NULL && v[0] != '0' && addr_decimal(v, 2, 8, 15) ?
		    atoi(v) : -1;
		if (v == NULL ? valued[i] == 1 : (valued[i] == 0 || bits == -1))
			return (-1);
		*field[i] = valued[i] == 0 ? 1 : bits;
	}
	return (1);
}

/*
 * A server's choice of the client's permessage-deflate offers in ext, into
 * p and answer (anssz bytes); a 256-byte window is passed over (zlib's
 * least is 512).  fresh adds both no_context_takeover, as RFC 7692 allows
 * unasked.  Returns 1, or 0 with an empty answer.
 */
int
ws_pmd_choose(const char *ext, int fresh, struct ws_pmd *p, char *answer,
    size_t anssz)
{
	const char	*s = ext, *e;
	size_t		 n;
	int		 len;

	*answer = '\0';
	while ((e = http_list_next(&s, ext + strlen(ext), &n)) != NULL) {
		if (ws_pmd_parse(e, n, p) == 1 && p->server_bits != 8) {
			/* Our inflater takes any window: no client limit. */
			p->client_bits = 0;
			if (fresh)
				p->server_no_takeover = p->client_no_takeover =
				    1;
			len = snprintf(answer, anssz, "permessage-deflate%s%s",
			    p->server_no_takeover ?
			    "; server_no_context_takeover" : "",
			    p->client_no_takeover ?
			    "; client_no_context_takeover" : "");
			if (len < 0 || (size_t)len >= anssz)
				break;
			if (p->server_bits > 0 && (size_t)snprintf(answer + len,
			    anssz - len, "; server_max_window_bits=%d",
			    p->server_bits) >= anssz - len)
				break;
			return (1);
		}
	}
	memset(p, 0, sizeof(*p));
	*answer = '\0';
	return (0);
}

/* Check the answer ext to WS_PMD_OFFER into p.  -1 with *errstr if bad. */
int
ws_pmd_answer(const char *ext, struct ws_pmd *p, const char **errstr)
{
	if (strchr(ext, ',') != NULL || ws_pmd_parse(ext, strlen(ext),
	    p) != 1) {
		*errstr = "an extension that was not offered";
		return (-1);
	}
	if (p->client_bits == -1) {
		*errstr = "client_max_window_bits without a value";
		return (-1);
	}
	if (p->client_bits == 8) {
		*errstr = "a compression window of 256 bytes";
		return (-1);
	}
	return (0);
}
