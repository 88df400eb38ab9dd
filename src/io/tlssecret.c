/*
 * --secret over TLS 1.3: the key and the rendezvous name a code makes, and
 * a context that uses the key as an external PSK on both sides.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "tls-int.h"

/*
 * --secret's labels: fixed, so that any two sockcats given one code make
 * one key, and a key made for something else never is this one.
 */
#define TLS_SECRET_SALT		"sockcat --secret v1"
#define TLS_SECRET_INFO		"sockcat TLS 1.3 external PSK"
/*
 * The rendezvous name a relay pairs two clients by (--via): expanded
 * from the same extract under a label of its own, so that the relay,
 * which sees the name, learns nothing of the key (HMAC is a PRF: one
 * output says nothing of another).
 */
#define TLS_RELAY_INFO		"sockcat relay rendezvous name"
/*
 * A code of the user's own may be guessed offline from one ClientHello
 * (its binder is a MAC under the key): each guess costs scrypt's 32 MiB
 * and about a tenth of a second first.  A drawn code, 130 random bits,
 * needs no such help.
 */
#define TLS_SCRYPT_N		(1 << 15)
#define TLS_SCRYPT_R		8
#define TLS_SCRYPT_P		1
#define TLS_SCRYPT_MAXMEM	(64 * 1024 * 1024)
/*
 * The key is a session of SHA-256's: only the suites of that hash can
 * use it, so no other is offered.
 */
#define TLS_SECRET_SUITES	"TLS_AES_128_GCM_SHA256:" \
				"TLS_CHACHA20_POLY1305_SHA256"

/*
 * Derive TLS_PSK_LEN bytes from c's code under label (HKDF-SHA-256, after
 * scrypt for a user's code).  Returns 0, or -1 with *cause set.
 */
static int
tls_secret_derive(const struct tls_conf *c, const char *label,
    unsigned char *key, char **cause)
{
	unsigned char		 ikm[TLS_PSK_LEN], prk[EVP_MAX_MD_SIZE];
	unsigned char		 okm[EVP_MAX_MD_SIZE];
	unsigned char		 info[64];
	const unsigned char	*in = (const unsigned char *)c->secret;
	size_t			 inlen = strlen(c->secret);
	size_t			 labellen = strlen(label);
	unsigned int		 len, prklen;
	int			 rv = -1;

	*cause = NULL;
	if (labellen >= sizeof(info))
		abort();
	if (tls_load(cause) == -1)
		return (-1);
	if (c->secret_own) {
		if (EVP_PBE_scrypt(c->secret, inlen,
		    (const unsigned char *)TLS_SECRET_SALT,
		    sizeof(TLS_SECRET_SALT) - 1, TLS_SCRYPT_N, TLS_SCRYPT_R,
		    TLS_SCRYPT_P, TLS_SCRYPT_MAXMEM, ikm, sizeof(ikm)) != 1)
			goto out;
		in = ikm;
		inlen = sizeof(ikm);
	}
	/* Extract, then expand's first block: the whole key. */
	len = sizeof(prk);
	if (HMAC(EVP_sha256(), TLS_SECRET_SALT, sizeof(TLS_SECRET_SALT) - 1,
	    in, inlen, prk, &len) == NULL || len < TLS_PSK_LEN)
		goto out;
	memcpy(info, label, labellen);
	info[labellen] = 0x01;
	prklen = len;
	len = sizeof(okm);
	if (HMAC(EVP_sha256(), prk, prklen, info, labellen + 1, okm,
	    &len) == NULL || len < TLS_PSK_LEN)
		goto out;
	memcpy(key, okm, TLS_PSK_LEN);
	rv = 0;
out:
	if (rv == -1)
		log_cause(cause, "--secret: cannot make the key: %s",
		    tls_error());
	explicit_bzero(ikm, sizeof(ikm));
	explicit_bzero(prk, sizeof(prk));
	explicit_bzero(okm, sizeof(okm));
	return (rv);
}

/* The TLS 1.3 key of c's --secret into key.  Returns -1 with *cause set. */
int
tls_secret_key(const struct tls_conf *c, unsigned char *key, char **cause)
{
	return (tls_secret_derive(c, TLS_SECRET_INFO, key, cause));
}

/* The relay name of c's --secret into name.  Returns -1 with *cause set. */
int
tls_secret_name(const struct tls_conf *c, unsigned char *name, char **cause)
{
	return (tls_secret_derive(c, TLS_RELAY_INFO, name, cause));
}

/*
 * The TLS 1.3 session standing for --secret's key on ssl, as RFC 8446 has an
 * external PSK.  Returns NULL if it cannot be made.
 */
static SSL_SESSION *
tls_psk_session(SSL *ssl)
{
	static const unsigned char	 aes128gcm[] = { 0x13, 0x01 };
	const SSL_CIPHER		*cipher;
	struct tls_ctx			*tc;
	SSL_SESSION			*sess;

	if ((tc = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0)) == NULL ||
	    (cipher = SSL_CIPHER_find(ssl, aes128gcm)) == NULL ||
	    (sess = SSL_SESSION_new()) == NULL)
		return (NULL);
	if (SSL_SESSION_set1_master_key(sess, tc->psk, TLS_PSK_LEN) != 1 ||
	    SSL_SESSION_set_cipher(sess, cipher) != 1 ||
	    SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION) != 1) {
		SSL_SESSION_free(sess);
		return (NULL);
	}
	return (sess);
}

/* A client offers the key, under its one name. */
static int
tls_psk_use(SSL *ssl, __unused const EVP_MD *md, const unsigned char **id,
    size_t *idlen, SSL_SESSION **sess)
{
	if ((*sess = tls_psk_session(ssl)) == NULL)
		return (0);
	*id = (const unsigned char *)TLS_PSK_IDENTITY;
	*idlen = sizeof(TLS_PSK_IDENTITY) - 1;
	return (1);
}

/* One key whatever identity the client names; without it, the binder fails. */
static int
tls_psk_find(SSL *ssl, __unused const unsigned char *id, __unused size_t idlen,
    SSL_SESSION **sess)
{
	return ((*sess = tls_psk_session(ssl)) != NULL);
}

/* With --secret a client refuses any certificate a server shows. */
static int
tls_refuse_cert(__unused int ok, __unused X509_STORE_CTX *ctx)
{
	return (0);
}

/*
 * Set ctx up for --secret: TLS 1.3, the key, no certificate or tickets,
 * psk_dhe_ke only.  Returns 0, or -1 with *cause set.
 */
int
tls_ctx_fill_secret(struct tls_ctx *tc, SSL_CTX *ctx, char **cause)
{
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (SSL_CTX_set_ciphersuites(ctx, TLS_SECRET_SUITES) != 1) {
		log_cause(cause, "TLS: %s", tls_error());
		return (-1);
	}
	SSL_CTX_set_ex_data(ctx, 0, tc);
	if (tc->flags & TLS_SERVER)
		SSL_CTX_set_psk_find_session_callback(ctx, tls_psk_find);
	else {
		SSL_CTX_set_psk_use_session_callback(ctx, tls_psk_use);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, tls_refuse_cert);
	}
	return (0);
}
