/*
 * A TLS peer after its handshake: described (-v), checked against
 * --ssl-pin and --secret, and its certificate told to a program as socat
 * does (SOCAT_OPENSSL_*).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "tls-int.h"

/*
 * Add "PREFIXNAME=value" to *env (*n entries), joined with " // " to one of
 * that name, as socat.  Returns -1 if out of memory.
 */
static int
tls_env_add(char ***env, size_t *n, const char *prefix, const char *name,
    const char *value, size_t len)
{
	char	**v, *e;
	size_t	 i, nlen;

	for (i = 0; i < *n; i++) {
		nlen = strcspn((*env)[i], "=");
		if (strlen(prefix) + strlen(name) == nlen &&
		    strncmp((*env)[i], prefix, strlen(prefix)) == 0 &&
		    strncmp((*env)[i] + strlen(prefix), name, strlen(name)) == 0)
			break;
	}
	if (i < *n) {
		if (asprintf(&e, "%s // %.*s", (*env)[i], (int)len, value) == -1)
			return (-1);
		free((*env)[i]);
		(*env)[i] = e;
		return (0);
	}
	if ((v = reallocarray(*env, *n + 2, sizeof(*v))) == NULL)
		return (-1);
	*env = v;
	if ((v[*n] = exec_env_var(prefix, name, value, len)) == NULL)
		return (-1);
	v[++*n] = NULL;
	return (0);
}

/* Add name's one-line form, as "PREFIXwhich=...", to env. */
static int
tls_env_name(char ***env, size_t *n, const char *prefix, const char *which,
    X509_NAME *name)
{
	BIO	*bio;
	char	*text;
	long	 len;
	int	 rc = -1;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return (-1);
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(bio, &text)) >= 0)
		rc = tls_env_add(env, n, prefix, which, text,
		    strnlen(text, len));
	BIO_free(bio);
	return (rc);
}

/*
 * t's peer certificate as socat tells a program: subject, issuer, and
 * each subject field (PREFIXCOMMONNAME, ...).  Returns a NULL-ended list
 * (exec_environ_free()), empty without a certificate, or NULL with errno.
 */
char **
tls_peer_env(struct tls *t, const char *prefix)
{
	X509_NAME_ENTRY	*e;
	ASN1_STRING	*data;
	X509_NAME	*subject;
	X509		*peer;
	char		**env, name[80];
	const char	*ln;
	size_t		 n = 0, k;
	int		 i, rc = 0;

	if ((env = calloc(1, sizeof(*env))) == NULL)
		return (NULL);
	if ((peer = SSL_get1_peer_certificate(t->ssl)) == NULL)
		return (env);
	subject = X509_get_subject_name(peer);
	if (tls_env_name(&env, &n, prefix, "SUBJECT", subject) == -1 ||
	    tls_env_name(&env, &n, prefix, "ISSUER",
	    X509_get_issuer_name(peer)) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < X509_NAME_entry_count(subject); i++) {
		e = X509_NAME_get_entry(subject, i);
		data = X509_NAME_ENTRY_get_data(e);
		if ((ln = OBJ_nid2ln(OBJ_obj2nid(
		    X509_NAME_ENTRY_get_object(e)))) == NULL)
			continue;
		for (k = 0; ln[k] != '\0' && k < sizeof(name) - 1; k++)
			name[k] = toupper((unsigned char)ln[k]);
		name[k] = '\0';
		rc = tls_env_add(&env, &n, prefix, name,
		    (const char *)ASN1_STRING_get0_data(data),
		    strnlen((const char *)ASN1_STRING_get0_data(data),
		    ASN1_STRING_length(data)));
	}
	X509_free(peer);
	if (rc == -1) {
		exec_environ_free(env, 0);
		return (NULL);
	}
	return (env);
}

/* A fingerprint as openssl prints it: hex bytes, upper case, colons. */
static void
tls_hex(const unsigned char *md, size_t len, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i;

	for (i = 0; i < len; i++) {
		*out++ = hex[md[i] >> 4];
		*out++ = hex[md[i] & 0xf];
		*out++ = i + 1 < len ? ':' : '\0';
	}
}

/*
 * The SHA-256 fingerprints of x and of its public key.  Returns -1 if either
 * cannot be computed.
 */
static int
tls_fingerprints(X509 *x, unsigned char cert[TLS_PIN_LEN],
    unsigned char key[TLS_PIN_LEN])
{
	unsigned char	*der = NULL;
	unsigned int	 len = TLS_PIN_LEN;
	int		 n, ok;

	if (X509_digest(x, EVP_sha256(), cert, &len) != 1 ||
	    len != TLS_PIN_LEN)
		return (-1);
	if ((n = i2d_PUBKEY(X509_get0_pubkey(x), &der)) <= 0)
		return (-1);
	len = TLS_PIN_LEN;
	ok = EVP_Digest(der, n, key, &len, EVP_sha256(), NULL) == 1 &&
	    len == TLS_PIN_LEN;
	CRYPTO_free(der, __FILE__, __LINE__);
	return (ok ? 0 : -1);
}

/* A certificate time as "2026-01-31 23:59:59 UTC". */
static void
tls_time(const ASN1_TIME *t, char *out, size_t len)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		strlcpy(out, "unknown", len);
}

/* -v: what was negotiated and who the peer is, a fact per line, for scripts. */
static void
tls_describe(SSL *ssl, int secret, X509 *peer, const unsigned char *cert,
    const unsigned char *key)
{
	const unsigned char	*alpn;
	unsigned int		 alpn_len;
	const char		*sni;
	char			 text[512], hex[TLS_PIN_LEN * 3];
	char			 esc[LOG_ESCAPED(sizeof(text))];

	/* The peer's names are the peer's bytes: escaped. */
	if (SSL_is_server(ssl) && (sni = SSL_get_servername(ssl,
	    TLSEXT_NAMETYPE_host_name)) != NULL)
		log_info("TLS server name (SNI): %s",
		    log_escape(esc, sizeof(esc), sni, strlen(sni)));
	log_info("TLS protocol: %s", SSL_get_version(ssl));
	if (secret)
		log_info("TLS peer knows the code (--secret)");
	else if (SSL_session_reused(ssl))
		log_info("TLS session resumed");
	log_info("TLS cipher: %s", SSL_get_cipher_name(ssl));
	if (peer != NULL) {
		X509_NAME_oneline(X509_get_subject_name(peer), text,
		    sizeof(text));
		log_info("TLS peer certificate subject: %s",
		    log_escape(esc, sizeof(esc), text, strlen(text)));
		X509_NAME_oneline(X509_get_issuer_name(peer), text,
		    sizeof(text));
		log_info("TLS peer certificate issuer: %s",
		    log_escape(esc, sizeof(esc), text, strlen(text)));
		tls_time(X509_getm_notBefore(peer), text, sizeof(text));
		log_info("TLS peer certificate valid from: %s", text);
		tls_time(X509_getm_notAfter(peer), text, sizeof(text));
		log_info("TLS peer certificate valid until: %s", text);
		if (cert != NULL) {
			tls_hex(cert, TLS_PIN_LEN, hex);
			log_info("TLS peer certificate SHA-256: %s", hex);
			tls_hex(key, TLS_PIN_LEN, hex);
			log_info("TLS peer public key SHA-256: %s", hex);
		}
	} else if (!secret)
		log_info("TLS peer sent no certificate");
	SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
	if (alpn_len > 0)
		log_info("TLS ALPN protocol: %s",
		    log_escape(esc, sizeof(esc), alpn, alpn_len));
}

/*
 * After any handshake: describe the peer (-v) and check it against
 * --ssl-pin or --secret's key.  Returns 0, or -1 with *cause set.
 */
int
tls_check_peer(const struct tls_conf *c, struct tls *t, char **cause)
{
	unsigned char	 cert[TLS_PIN_LEN], key[TLS_PIN_LEN];
	char		 hex[TLS_PIN_LEN * 3];
	X509		*peer;
	size_t		 i;
	int		 known = 0, rv = 0;

	/*
	 * The fingerprints are for -v and the pins alone: OpenSSL 3 makes
	 * the public key's DER through its encoders, which costs a relay
	 * that dials TLS a seventh of its time per connection.
	 */
	if ((peer = SSL_get1_peer_certificate(t->ssl)) != NULL &&
	    (c->npins > 0 || log_verbosity() >= 1) &&
	    tls_fingerprints(peer, cert, key) == 0)
		known = 1;
	/*
	 * With --secret, the handshake used the key (TLS 1.3 says so as a
	 * resumption) or it did not prove the code: never taken.
	 */
	if (c->secret != NULL && (peer != NULL ||
	    !SSL_session_reused(t->ssl))) {
		X509_free(peer);
		log_cause(cause, "TLS peer did not use the code (--secret)");
		return (-1);
	}
	/* Its end is the stream's where the peer is known or is sockcat. */
	t->whole = c->secret != NULL || c->verify || c->npins > 0 ||
	    tls_peer_saw(t->ssl, TLS_SAW_OWN);
	if (log_verbosity() >= 1)
		tls_describe(t->ssl, c->secret != NULL, peer,
		    known ? cert : NULL, key);
	if (c->npins > 0) {
		for (i = 0; known && i < c->npins; i++) {
			if (memcmp(c->pins[i], cert, TLS_PIN_LEN) == 0 ||
			    memcmp(c->pins[i], key, TLS_PIN_LEN) == 0)
				break;
		}
		if (!known) {
			log_cause(cause, "TLS peer sent no certificate to "
			    "match --ssl-pin");
			rv = -1;
		} else if (i == c->npins) {
			tls_hex(cert, TLS_PIN_LEN, hex);
			log_cause(cause, "TLS peer certificate does not match "
			    "--ssl-pin: its SHA-256 is %s", hex);
			rv = -1;
		}
	}
	X509_free(peer);
	return (rv);
}
