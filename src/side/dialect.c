/*
 * The dialects sockcat speaks, one row each: nc's, under its own name,
 * and socat's, invoked as socat (front/socat.c).  What the two do
 * differently is read from here, by what it does (struct dialect).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include "side.h"

const struct dialect dialect_nc = {
	.parse = addr_parse,
	.exec_words = 1,
	.pty_stderr = 1,
	.env_prefix = "SOCKCAT_",
};

const struct dialect dialect_socat = {
	.parse = addr_parse_socat,
	.dual = addr_socat_dual,
	.listen_once = 1,
	.ttl_alone = 1,
	.local_opts = 1,
	.oflags_said = 1,
	/* When cipher= gives none (TLS 1.2 and older). */
	.tls_ciphers = "HIGH:-NULL:-PSK:-aNULL",
	.tls_cn_addr = 1,
	.tls_trust_socat = 1,
	.refused_always = 1,
	.dial_each = 1,
	.child_said = 1,
	.self_by_source = 1,
	.proxy_auth = "Proxy-authorization",
	.proxy_spaces = 1,
	.pty_named = 1,
	.reset_is_end = 1,
	.pipe_said = 1,
	.oneway_alone = 1,
	.eof_notice = 1,
	.env_prefix = "SOCAT_",
	.env_peer = 1,
	.env_tls = "SOCAT_OPENSSL_X509_",
};

/* The grammar row address a is written in (sockcat's or socat's). */
const struct dialect *
dialect_of(const struct addr *a)
{
	return (a->socat ? &dialect_socat : &dialect_nc);
}
