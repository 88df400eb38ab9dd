/*
 * Fuzz target: a WebSocket server's plain HTTP (src/codec/wshttp.c).  Any
 * bytes are sniffed, their header lines (src/codec/httphead.c, fuzzed
 * whole by tests/fuzz/http.c) made CGI variables (and SERVER_NAME, from a
 * Host), made a file's path and a --ws-framed record header without a
 * crash or a read past them; a path that is accepted never climbs out
 * and names no dot-file unless they were asked for, a CGI value holds no
 * control character, a host fits where it goes, a record header that
 * parses is written again the same.
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
	struct http_field f;
	char		*copy, path[HTTP_TARGET_MAX + 16], out[64];
	char		 val[256], again[WSH_FRAME_HDR_MAX];
	const char	*p;
	size_t		 i, n;
	uint64_t	 len, len2;
	int		 kind, kind2, dot;

	/* An exact copy, so that the sanitizer sees any read past it. */
	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	copy[size] = '\0';
	(void)wsh_sniff(copy, size < 8 ? size : 8);
	for (dot = 0; dot <= 1; dot++) {
		if (wsh_file_path(copy, dot, path, sizeof(path)) != 0)
			continue;
		if (path[0] == '/' || strchr(path, '\\') != NULL ||
		    strchr(path, '%') != NULL)
			abort();
		/* No segment is "." or "..", nor, without dot, hidden. */
		for (p = path; ; p += n + 1) {
			n = strcspn(p, "/");
			if ((n == 1 && p[0] == '.') ||
			    (n == 2 && p[0] == '.' && p[1] == '.') ||
			    (!dot && p[0] == '.'))
				abort();
			if (p[n] == '\0')
				break;
		}
	}
	for (p = copy; http_field_next(&p, &f); ) {
		if (f.nlen > 0 && wsh_cgi_name(f.name, f.nlen, out,
		    sizeof(out)) == 0)
			for (i = 0; out[i] != '\0'; i++)
				if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_", out[i]) == NULL)
					abort();
		n = wsh_cgi_value(f.value, f.vlen, val, sizeof(val));
		for (i = 0; i < n; i++)
			if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
				abort();
		/* A host name, however bracketed, fits where it goes. */
		if (wsh_server_name(val, out, sizeof(out)) >= sizeof(out) ||
		    strlen(out) >= sizeof(out) ||
		    strncmp(out, val, strlen(out)) != 0)
			abort();
	}
	if (wsh_frame_parse(copy, size, UINT64_MAX / 2, &kind, &len) == 0) {
		n = wsh_frame_encode(again, sizeof(again), kind, len);
		if (n == 0 || again[n - 1] != '\n' ||
		    wsh_frame_parse(again, n - 1, UINT64_MAX / 2, &kind2,
		    &len2) == -1 || kind2 != kind || len2 != len)
			abort();
	}
	free(copy);
	return (0);
}
