/*
 * TLS with OpenSSL: the context built from --ssl-* options, a handshake
 * driven by the event loop on a connected socket, and the endpoint
 * operations that let the pump move data through SSL_read() and
 * SSL_write().  Built only with OpenSSL (configure's --without-openssl
 * builds src/io/tls-none.c in its place).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <dlfcn.h>

/*
 * OpenSSL is loaded with dlopen(3) when TLS is first asked for, not linked:
 * libcrypto alone would more than double the memory of every listener
 * that never speaks TLS.  Each function used is called through a pointer
 * of its own type; the names below stand for the pointers.
 */
#define TLS_LIBSSL	"libssl.so.3"
#define TLS_LIBCRYPTO	"libcrypto.so.3"

#define TLS_FUNCTIONS \
	F(ASN1_INTEGER_set) \
	F(ASN1_TIME_to_tm) \
	F(BIO_ctrl) \
	F(BIO_new_dgram) \
	F(CRYPTO_memcmp) \
	F(CRYPTO_free) \
	F(DTLS_client_method) \
	F(DTLS_server_method) \
	F(DTLSv1_listen) \
	F(HMAC) \
	F(EVP_Digest) \
	F(X509_digest) \
	F(X509_get0_pubkey) \
	F(X509_get_issuer_name) \
	F(i2d_PUBKEY) \
	F(ERR_clear_error) \
	F(ERR_peek_error) \
	F(ERR_peek_last_error) \
	F(ERR_reason_error_string) \
	F(EVP_PKEY_Q_keygen) \
	F(EVP_PKEY_free) \
	F(EVP_sha256) \
	F(SSL_CIPHER_get_name) \
	F(SSL_CTX_check_private_key) \
	F(SSL_CTX_ctrl) \
	F(SSL_CTX_free) \
	F(SSL_CTX_load_verify_locations) \
	F(SSL_CTX_new) \
	F(SSL_CTX_set_alpn_protos) \
	F(SSL_CTX_set_alpn_select_cb) \
	F(SSL_CTX_set_cipher_list) \
	F(SSL_CTX_set_client_CA_list) \
	F(SSL_CTX_set_cookie_generate_cb) \
	F(SSL_CTX_set_cookie_verify_cb) \
	F(SSL_CTX_set_default_verify_paths) \
	F(SSL_CTX_set_options) \
	F(SSL_CTX_get_ex_data) \
	F(SSL_CTX_set_ex_data) \
	F(SSL_CTX_sess_set_new_cb) \
	F(SSL_SESSION_free) \
	F(SSL_get_SSL_CTX) \
	F(SSL_session_reused) \
	F(SSL_set_session) \
	F(SSL_CTX_set_verify) \
	F(SSL_CTX_use_PrivateKey) \
	F(SSL_CTX_use_PrivateKey_file) \
	F(SSL_CTX_use_certificate) \
	F(SSL_CTX_use_certificate_chain_file) \
	F(SSL_accept) \
	F(SSL_connect) \
	F(SSL_ctrl) \
	F(SSL_free) \
	F(SSL_get0_alpn_selected) \
	F(SSL_get0_param) \
	F(SSL_get1_peer_certificate) \
	F(SSL_get_current_cipher) \
	F(SSL_get_error) \
	F(SSL_get_rbio) \
	F(SSL_get_servername) \
	F(SSL_get_verify_result) \
	F(SSL_get_version) \
	F(SSL_is_server) \
	F(SSL_load_client_CA_file) \
	F(SSL_new) \
	F(SSL_pending) \
	F(SSL_read) \
	F(SSL_select_next_proto) \
	F(SSL_set1_host) \
	F(SSL_set_bio) \
	F(SSL_set_fd) \
	F(SSL_shutdown) \
	F(SSL_write) \
	F(TLS_client_method) \
	F(TLS_server_method) \
	F(X509_NAME_add_entry_by_txt) \
	F(X509_NAME_oneline) \
	F(X509_VERIFY_PARAM_set1_ip_asc) \
	F(X509_free) \
	F(X509_get_serialNumber) \
	F(X509_get_subject_name) \
	F(X509_getm_notAfter) \
	F(X509_getm_notBefore) \
	F(X509_gmtime_adj) \
	F(X509_new) \
	F(X509_set_issuer_name) \
	F(X509_set_pubkey) \
	F(X509_set_version) \
	F(X509_sign) \
	F(X509_verify_cert_error_string)

#define F(name)	__typeof__(name) *p_##name;
static struct {
	TLS_FUNCTIONS
} tls_fn;
#undef F

#define ASN1_INTEGER_set (tls_fn.p_ASN1_INTEGER_set)
#define ASN1_TIME_to_tm (tls_fn.p_ASN1_TIME_to_tm)
#define BIO_ctrl (tls_fn.p_BIO_ctrl)
#define BIO_new_dgram (tls_fn.p_BIO_new_dgram)
#define CRYPTO_memcmp (tls_fn.p_CRYPTO_memcmp)
#define CRYPTO_free (tls_fn.p_CRYPTO_free)
#define DTLS_client_method (tls_fn.p_DTLS_client_method)
#define DTLS_server_method (tls_fn.p_DTLS_server_method)
#define DTLSv1_listen (tls_fn.p_DTLSv1_listen)
#define HMAC (tls_fn.p_HMAC)
#define EVP_Digest (tls_fn.p_EVP_Digest)
#define X509_digest (tls_fn.p_X509_digest)
#define X509_get0_pubkey (tls_fn.p_X509_get0_pubkey)
#define X509_get_issuer_name (tls_fn.p_X509_get_issuer_name)
#define i2d_PUBKEY (tls_fn.p_i2d_PUBKEY)
#define ERR_clear_error (tls_fn.p_ERR_clear_error)
#define ERR_peek_error (tls_fn.p_ERR_peek_error)
#define ERR_peek_last_error (tls_fn.p_ERR_peek_last_error)
#define ERR_reason_error_string (tls_fn.p_ERR_reason_error_string)
#define EVP_PKEY_Q_keygen (tls_fn.p_EVP_PKEY_Q_keygen)
#define EVP_PKEY_free (tls_fn.p_EVP_PKEY_free)
#define EVP_sha256 (tls_fn.p_EVP_sha256)
#define SSL_CIPHER_get_name (tls_fn.p_SSL_CIPHER_get_name)
#define SSL_CTX_check_private_key (tls_fn.p_SSL_CTX_check_private_key)
#define SSL_CTX_ctrl (tls_fn.p_SSL_CTX_ctrl)
#define SSL_CTX_load_verify_locations (tls_fn.p_SSL_CTX_load_verify_locations)
#define SSL_CTX_free (tls_fn.p_SSL_CTX_free)
#define SSL_CTX_new (tls_fn.p_SSL_CTX_new)
#define SSL_CTX_set_alpn_protos (tls_fn.p_SSL_CTX_set_alpn_protos)
#define SSL_CTX_set_alpn_select_cb (tls_fn.p_SSL_CTX_set_alpn_select_cb)
#define SSL_CTX_set_cipher_list (tls_fn.p_SSL_CTX_set_cipher_list)
#define SSL_CTX_set_client_CA_list (tls_fn.p_SSL_CTX_set_client_CA_list)
#define SSL_CTX_set_cookie_generate_cb (tls_fn.p_SSL_CTX_set_cookie_generate_cb)
#define SSL_CTX_set_cookie_verify_cb (tls_fn.p_SSL_CTX_set_cookie_verify_cb)
#define SSL_CTX_set_default_verify_paths (tls_fn.p_SSL_CTX_set_default_verify_paths)
#define SSL_CTX_set_options (tls_fn.p_SSL_CTX_set_options)
#define SSL_CTX_get_ex_data (tls_fn.p_SSL_CTX_get_ex_data)
#define SSL_CTX_set_ex_data (tls_fn.p_SSL_CTX_set_ex_data)
#define SSL_CTX_sess_set_new_cb (tls_fn.p_SSL_CTX_sess_set_new_cb)
#define SSL_SESSION_free (tls_fn.p_SSL_SESSION_free)
#define SSL_get_SSL_CTX (tls_fn.p_SSL_get_SSL_CTX)
#define SSL_session_reused (tls_fn.p_SSL_session_reused)
#define SSL_set_session (tls_fn.p_SSL_set_session)
#define SSL_CTX_set_verify (tls_fn.p_SSL_CTX_set_verify)
#define SSL_CTX_use_PrivateKey (tls_fn.p_SSL_CTX_use_PrivateKey)
#define SSL_CTX_use_PrivateKey_file (tls_fn.p_SSL_CTX_use_PrivateKey_file)
#define SSL_CTX_use_certificate (tls_fn.p_SSL_CTX_use_certificate)
#define SSL_CTX_use_certificate_chain_file (tls_fn.p_SSL_CTX_use_certificate_chain_file)
#define SSL_accept (tls_fn.p_SSL_accept)
#define SSL_connect (tls_fn.p_SSL_connect)
#define SSL_ctrl (tls_fn.p_SSL_ctrl)
#define SSL_free (tls_fn.p_SSL_free)
#define SSL_get0_alpn_selected (tls_fn.p_SSL_get0_alpn_selected)
#define SSL_get0_param (tls_fn.p_SSL_get0_param)
#define SSL_get1_peer_certificate (tls_fn.p_SSL_get1_peer_certificate)
#define SSL_get_current_cipher (tls_fn.p_SSL_get_current_cipher)
#define SSL_get_error (tls_fn.p_SSL_get_error)
#define SSL_get_rbio (tls_fn.p_SSL_get_rbio)
#define SSL_get_servername (tls_fn.p_SSL_get_servername)
#define SSL_get_verify_result (tls_fn.p_SSL_get_verify_result)
#define SSL_get_version (tls_fn.p_SSL_get_version)
#define SSL_is_server (tls_fn.p_SSL_is_server)
#define SSL_load_client_CA_file (tls_fn.p_SSL_load_client_CA_file)
#define SSL_new (tls_fn.p_SSL_new)
#define SSL_pending (tls_fn.p_SSL_pending)
#define SSL_read (tls_fn.p_SSL_read)
#define SSL_select_next_proto (tls_fn.p_SSL_select_next_proto)
#define SSL_set1_host (tls_fn.p_SSL_set1_host)
#define SSL_set_bio (tls_fn.p_SSL_set_bio)
#define SSL_set_fd (tls_fn.p_SSL_set_fd)
#define SSL_shutdown (tls_fn.p_SSL_shutdown)
#define SSL_write (tls_fn.p_SSL_write)
#define TLS_client_method (tls_fn.p_TLS_client_method)
#define TLS_server_method (tls_fn.p_TLS_server_method)
#define X509_NAME_add_entry_by_txt (tls_fn.p_X509_NAME_add_entry_by_txt)
#define X509_NAME_oneline (tls_fn.p_X509_NAME_oneline)
#define X509_VERIFY_PARAM_set1_ip_asc (tls_fn.p_X509_VERIFY_PARAM_set1_ip_asc)
#define X509_free (tls_fn.p_X509_free)
#define X509_get_serialNumber (tls_fn.p_X509_get_serialNumber)
#define X509_get_subject_name (tls_fn.p_X509_get_subject_name)
#define X509_getm_notAfter (tls_fn.p_X509_getm_notAfter)
#define X509_getm_notBefore (tls_fn.p_X509_getm_notBefore)
#define X509_gmtime_adj (tls_fn.p_X509_gmtime_adj)
#define X509_new (tls_fn.p_X509_new)
#define X509_set_issuer_name (tls_fn.p_X509_set_issuer_name)
#define X509_set_pubkey (tls_fn.p_X509_set_pubkey)
#define X509_set_version (tls_fn.p_X509_set_version)
#define X509_sign (tls_fn.p_X509_sign)
#define X509_verify_cert_error_string (tls_fn.p_X509_verify_cert_error_string)

/* A whole handshake without -w gives up after this long. */
#define TLS_HANDSHAKE_MS	(10 * 1000)

/*
 * A DTLS server's cookie secret is replaced this often, and a cookie made
 * with the one before is still taken: a cookie is good for 5 to 10
 * seconds, where a peer needs it for one round trip (RFC 6347, 4.2.1).
 */
#define DTLS_SECRET_MS		(5 * 1000)

/*
 * How many times a DTLS server sends its flight again when the peer says
 * nothing: then it gives the peer up, whatever -w allows (OpenSSL doubles
 * the wait each time: the flight goes at 0, 1 and 3 s, and the peer is
 * given up at 7 s).  A peer that sent its cookie back and went away costs
 * no more, however long the handshake may take, and a lost flight still
 * has two more chances.
 */
#define DTLS_SERVER_RESENDS	2

struct tls {
	SSL	*ssl;
	int	 dgram;		/* DTLS: a record is a datagram */
};

/*
 * A side's context: made once from its settings, shared by every
 * connection of that side (OpenSSL counts its references, so a reloaded
 * context lives on in the connections made with it).
 */
struct tls_ctx {
	SSL_CTX			*ctx;
	const struct tls_conf	*conf;
	int			 flags;		/* TLS_SERVER, TLS_DGRAM */
	SSL			*listening;	/* a DTLS server's: waits for a
						   cookie, stateless */
	unsigned char		 alpn[256];	/* --ssl-alpn, wire format */
	size_t			 alpn_len;
	SSL_SESSION		*session;	/* a client's last, to resume */
};

static unsigned char	 dtls_secret[2][32]; /* a DTLS server's cookie
					   keys: now's, and the one before */
static uint64_t		 dtls_secret_at; /* when [0] was made (ev_now()) */

__startup int
tls_available(void)
{
	return (1);
}

/*
 * Load OpenSSL and find every function we call.  Returns -1 with *cause
 * set if the libraries or a function are missing.
 */
static int
tls_load(char **cause)
{
	static int	 loaded;
	void		*ssl, *crypto;

	if (loaded)
		return (0);
	if ((crypto = dlopen(TLS_LIBCRYPTO, RTLD_NOW | RTLD_GLOBAL)) == NULL ||
	    (ssl = dlopen(TLS_LIBSSL, RTLD_NOW | RTLD_GLOBAL)) == NULL) {
		log_cause(cause, "TLS: %s", dlerror());
		return (-1);
	}
#define F(name) \
	if ((tls_fn.p_##name = (__typeof__(tls_fn.p_##name))dlsym(ssl, \
	    #name)) == NULL && (tls_fn.p_##name = \
	    (__typeof__(tls_fn.p_##name))dlsym(crypto, #name)) == NULL) { \
		log_cause(cause, "TLS: %s has no %s", TLS_LIBSSL, #name); \
		return (-1); \
	}
	TLS_FUNCTIONS
#undef F
	loaded = 1;
	return (0);
}

/* The last OpenSSL error as text, or what errno says. */
static const char *
tls_error(void)
{
	unsigned long	 e;
	const char	*r;

	if ((e = ERR_peek_last_error()) != 0 &&
	    (r = ERR_reason_error_string(e)) != NULL)
		return (r);
	return (errno != 0 ? strerror(errno) : "unknown error");
}

/* The files of the command line that hold certificates and keys. */
enum tls_file {
	TLS_FILE_CERT,		/* --ssl-cert */
	TLS_FILE_KEY,		/* --ssl-key, or the key in --ssl-cert */
	TLS_FILE_TRUST,		/* --ssl-trustfile */
};

/*
 * Why OpenSSL could not load file, of the kind said: what went wrong and
 * why, in *cause.  The first error of OpenSSL's queue is the reason; those
 * after it only say where it surfaced ("system lib", "PEM lib").
 */
static void
tls_file_error(enum tls_file kind, const char *file, const char *cert,
    char **cause)
{
	static const char	*what[] = {
		[TLS_FILE_CERT] = "certificate",
		[TLS_FILE_KEY] = "private key",
		[TLS_FILE_TRUST] = "trusted certificates",
	};
	unsigned long		 e = ERR_peek_error();
	const char		*r;
	int			 lib = ERR_GET_LIB(e);

	if (e != 0 && ERR_SYSTEM_ERROR(e))
		log_cause(cause, "cannot read the %s %s: %s", what[kind], file,
		    strerror(ERR_GET_REASON(e)));
	else if (lib == ERR_LIB_X509 &&
	    ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH)
		log_cause(cause, "the key %s does not match the certificate %s",
		    file, cert);
	else if (kind == TLS_FILE_KEY && file == cert)
		log_cause(cause, "%s holds no PEM private key (give it with "
		    "--ssl-key)", file);
	else if (lib == ERR_LIB_PEM || lib == ERR_LIB_OSSL_DECODER ||
	    (lib == ERR_LIB_X509 &&
	    ERR_GET_REASON(e) == X509_R_NO_CERTIFICATE_OR_CRL_FOUND)) {
		if (kind == TLS_FILE_TRUST)
			log_cause(cause, "%s holds no PEM certificate", file);
		else
			log_cause(cause, "%s is not a PEM %s", file,
			    what[kind]);
	} else if (e != 0 && (r = ERR_reason_error_string(e)) != NULL)
		log_cause(cause, "cannot load the %s %s: %s", what[kind], file,
		    r);
	else
		log_cause(cause, "cannot load the %s %s", what[kind], file);
	ERR_clear_error();
}

/* "h2,http/1.1" into ALPN's wire format: length-prefixed names. */
static int
tls_parse_alpn(struct tls_ctx *tc, const char *list, char **cause)
{
	const char	*p = list, *comma;
	size_t		 len;

	tc->alpn_len = 0;
	while (*p != '\0') {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len > 255 ||
		    tc->alpn_len + 1 + len > sizeof(tc->alpn)) {
			log_cause(cause, "invalid ALPN list: %s", list);
			return (-1);
		}
		tc->alpn[tc->alpn_len++] = len;
		memcpy(tc->alpn + tc->alpn_len, p, len);
		tc->alpn_len += len;
		p += len;
		if (*p == ',')
			p++;
	}
	return (0);
}

/* A server picks the first of its own protocols that the client offers. */
static int
tls_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	struct tls_ctx	*tc = arg;
	unsigned char	*sel;

	(void)ssl;
	if (SSL_select_next_proto(&sel, outlen, tc->alpn, tc->alpn_len, in,
	    inlen) != OPENSSL_NPN_NEGOTIATED)
		return (SSL_TLSEXT_ERR_NOACK);
	*out = sel;
	return (SSL_TLSEXT_ERR_OK);
}

/*
 * A listener without --ssl-cert: a fresh P-256 key and a self-signed
 * certificate for it, in memory only, valid for a year.
 */
static int
tls_self_signed(SSL_CTX *ctx, char **cause)
{
	EVP_PKEY	*pkey;
	X509		*x = NULL;
	X509_NAME	*name;
	int		 ok = 0;

	if ((pkey = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL)
		goto out;
	if (!X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), arc4random() >> 1) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 365 * 86400L) == NULL ||
	    !X509_set_pubkey(x, pkey))
		goto out;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"sockcat", -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    X509_sign(x, pkey, EVP_sha256()) == 0)
		goto out;
	if (SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, pkey) != 1)
		goto out;
	ok = 1;
	log_verbose(1, "using a temporary self-signed certificate "
	    "(use --ssl-cert and --ssl-key for a permanent one)");
out:
	if (!ok)
		log_cause(cause, "cannot make a certificate: %s", tls_error());
	X509_free(x);
	EVP_PKEY_free(pkey);
	return (ok ? 0 : -1);
}

/* With --ssl-pin alone, a server asks for any client certificate. */
static int
tls_accept_any(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	return (1);
}

/*
 * Replace the cookie secret when it is DTLS_SECRET_MS old, keeping the
 * one it replaces; both are new when the last was made two periods ago
 * or more (nothing was asked of them meanwhile).
 */
static void
dtls_secret_turn(void)
{
	uint64_t	 now = ev_now();

	if (now - dtls_secret_at < DTLS_SECRET_MS)
		return;
	if (now - dtls_secret_at < 2 * DTLS_SECRET_MS)
		memcpy(dtls_secret[1], dtls_secret[0], sizeof(dtls_secret[1]));
	else
		arc4random_buf(dtls_secret[1], sizeof(dtls_secret[1]));
	arc4random_buf(dtls_secret[0], sizeof(dtls_secret[0]));
	dtls_secret_at = now;
}

/*
 * A DTLS server's cookie for the peer of ssl: an HMAC of its address and
 * port under the secret key (0: now's, 1: the one before), so that the
 * server keeps nothing for a peer until it has proved it receives at the
 * address it sends from.  Returns 0, or -1 if the peer's address cannot
 * be known.
 */
static int
dtls_cookie(SSL *ssl, int key, unsigned char *md, unsigned int *len)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	unsigned char		 buf[2 + 2 + 16];
	size_t			 n;

	/* A BIO_ADDR is a union of the sockaddrs: a storage holds one. */
	memset(&ss, 0, sizeof(ss));
	if (BIO_dgram_get_peer(SSL_get_rbio(ssl), &ss) <= 0)
		return (-1);
	memcpy(buf, &ss.ss_family, 2);
	switch (ss.ss_family) {
	case AF_INET:
		memcpy(buf + 2, &sin->sin_port, 2);
		memcpy(buf + 4, &sin->sin_addr, 4);
		n = 8;
		break;
	case AF_INET6:
		memcpy(buf + 2, &sin6->sin6_port, 2);
		memcpy(buf + 4, &sin6->sin6_addr, 16);
		n = 20;
		break;
	default:
		return (-1);
	}
	if (HMAC(EVP_sha256(), dtls_secret[key], sizeof(dtls_secret[key]),
	    buf, n, md, len) == NULL)
		return (-1);
	return (0);
}

static int
dtls_cookie_generate(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
	dtls_secret_turn();
	return (dtls_cookie(ssl, 0, cookie, len) == 0);
}

/* A cookie is good if either secret made it. */
static int
dtls_cookie_verify(SSL *ssl, const unsigned char *cookie, unsigned int len)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	int		 key;

	dtls_secret_turn();
	for (key = 0; key < 2; key++) {
		mdlen = sizeof(md);
		if (dtls_cookie(ssl, key, md, &mdlen) == 0 && len == mdlen &&
		    CRYPTO_memcmp(md, cookie, len) == 0)
			return (1);
	}
	return (0);
}

static int	tls_ctx_fill(struct tls_ctx *, SSL_CTX *, char **);

/*
 * A client's new session (TLS 1.3 sends its tickets after the handshake):
 * kept, in place of the one before, for the next connection of the same
 * context to resume: one round trip and no certificate to check again.
 * Returns 1: the session is ours.
 */
static int
tls_new_session(SSL *ssl, SSL_SESSION *sess)
{
	struct tls_ctx	*tc;

	if ((tc = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0)) == NULL)
		return (0);
	if (tc->session != NULL)
		SSL_SESSION_free(tc->session);
	tc->session = sess;
	return (1);
}

/*
 * An OpenSSL context made from tc's settings: a server's or a client's,
 * TLS or DTLS as its flags say.  Returns it, or NULL with *cause set.
 */
static SSL_CTX *
tls_ctx_make(struct tls_ctx *tc, char **cause)
{
	SSL_CTX		*ctx;
	int		 server = tc->flags & TLS_SERVER;

	if (tc->flags & TLS_DGRAM)
		ctx = SSL_CTX_new(server ? DTLS_server_method() :
		    DTLS_client_method());
	else
		ctx = SSL_CTX_new(server ? TLS_server_method() :
		    TLS_client_method());
	if (ctx == NULL) {
		log_cause(cause, "TLS: %s", tls_error());
		return (NULL);
	}
	if (tls_ctx_fill(tc, ctx, cause) == -1) {
		SSL_CTX_free(ctx);
		return (NULL);
	}
	/*
	 * A TLS client resumes: each side has its context, so the session
	 * kept is the one server's.  A server's cache and tickets are
	 * OpenSSL's own, on by default.
	 */
	if (!server && !(tc->flags & TLS_DGRAM)) {
		SSL_CTX_set_ex_data(ctx, 0, tc);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
		    SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, tls_new_session);
	}
	return (ctx);
}

/*
 * The context of a side whose TLS conf says: a server's (TLS_SERVER) or
 * a client's, over datagrams (TLS_DGRAM: DTLS) or a stream.  conf must
 * outlive it.  Returns it, or NULL with *cause set.
 */
struct tls_ctx *
tls_ctx_new(const struct tls_conf *conf, int flags, char **cause)
{
	struct tls_ctx	*tc;

	*cause = NULL;
	if (tls_load(cause) == -1)
		return (NULL);
	if ((tc = calloc(1, sizeof(*tc))) == NULL) {
		log_cause(cause, "TLS: %s", strerror(errno));
		return (NULL);
	}
	tc->conf = conf;
	tc->flags = flags;
	if ((tc->ctx = tls_ctx_make(tc, cause)) == NULL) {
		free(tc);
		return (NULL);
	}
	return (tc);
}

void
tls_ctx_free(struct tls_ctx *tc)
{
	if (tc == NULL)
		return;
	SSL_free(tc->listening);
	if (tc->session != NULL)
		SSL_SESSION_free(tc->session);
	SSL_CTX_free(tc->ctx);
	free(tc);
}

/*
 * Read the certificate and key of a TLS server again (SIGHUP): a new
 * OpenSSL context takes the place of the old one for the handshakes that
 * start from now on.  A connection made with the old one keeps it, as
 * OpenSSL counts the context's references: the old one goes with the
 * last of them.  A server without a certificate of its own (made up at
 * start) has nothing to read.  Returns 1 when the context was replaced,
 * 0 when there was nothing to do, or -1 with *cause set, and then the
 * old context stays.
 */
int
tls_ctx_reload(struct tls_ctx *tc, char **cause)
{
	SSL_CTX	*ctx;

	*cause = NULL;
	if (tc == NULL || !(tc->flags & TLS_SERVER) || tc->conf->cert == NULL)
		return (0);
	/* A DTLS server's waiting connection is the old context's. */
	if (tc->flags & TLS_DGRAM)
		return (0);
	if ((ctx = tls_ctx_make(tc, cause)) == NULL)
		return (-1);
	SSL_CTX_free(tc->ctx);
	tc->ctx = ctx;
	return (1);
}

/* Set ctx up as tc's settings ask.  Returns 0, or -1 with *cause set. */
static int
tls_ctx_fill(struct tls_ctx *tc, SSL_CTX *ctx, char **cause)
{
	const struct tls_conf	*c = tc->conf;
	const char		*key;
	int			 server = tc->flags & TLS_SERVER;

	if (tc->flags & TLS_DGRAM) {
		SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
		/* A peer proves its address before the server keeps state. */
		if (server) {
			arc4random_buf(dtls_secret, sizeof(dtls_secret));
			dtls_secret_at = ev_now();
			SSL_CTX_set_cookie_generate_cb(ctx,
			    dtls_cookie_generate);
			SSL_CTX_set_cookie_verify_cb(ctx, dtls_cookie_verify);
			SSL_CTX_set_options(ctx, SSL_OP_COOKIE_EXCHANGE);
		}
	} else {
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
		SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
		    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	}
	/* A peer that just closes is end-of-file, as netcat sees it. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (c->ciphers != NULL &&
	    SSL_CTX_set_cipher_list(ctx, c->ciphers) != 1) {
		log_cause(cause, "invalid cipher list: %s", c->ciphers);
		return (-1);
	}
	if (c->cert != NULL) {
		/* Without --ssl-key, the key is in the certificate's file. */
		key = c->key != NULL ? c->key : c->cert;
		ERR_clear_error();
		if (SSL_CTX_use_certificate_chain_file(ctx, c->cert) != 1) {
			tls_file_error(TLS_FILE_CERT, c->cert, c->cert, cause);
			return (-1);
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, key,
		    SSL_FILETYPE_PEM) != 1) {
			tls_file_error(TLS_FILE_KEY, key, c->cert, cause);
			return (-1);
		}
		if (SSL_CTX_check_private_key(ctx) != 1) {
			log_cause(cause, "the key %s does not match the "
			    "certificate %s", key, c->cert);
			return (-1);
		}
	} else if (c->key != NULL) {
		log_cause(cause, "--ssl-key needs --ssl-cert");
		return (-1);
	} else if (server && tls_self_signed(ctx, cause) == -1)
		return (-1);
	if (c->verify) {
		if (c->trustfile != NULL) {
			ERR_clear_error();
			if (SSL_CTX_load_verify_locations(ctx,
			    c->trustfile, NULL) != 1) {
				tls_file_error(TLS_FILE_TRUST, c->trustfile,
				    c->cert, cause);
				return (-1);
			}
			if (server)
				SSL_CTX_set_client_CA_list(ctx,
				    SSL_load_client_CA_file(c->trustfile));
		} else
			SSL_CTX_set_default_verify_paths(ctx);
		SSL_CTX_set_verify(ctx, server ? SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER, NULL);
	}
	/* Pins alone: the peer's certificate is checked after the handshake. */
	if (!c->verify && c->npins > 0 && server)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, tls_accept_any);
	if (c->alpn != NULL) {
		if (tls_parse_alpn(tc, c->alpn, cause) == -1)
			return (-1);
		if (server)
			SSL_CTX_set_alpn_select_cb(ctx, tls_alpn_select, tc);
		else if (SSL_CTX_set_alpn_protos(ctx, tc->alpn,
		    tc->alpn_len) != 0) {
			log_cause(cause, "TLS: %s", tls_error());
			return (-1);
		}
	}
	return (0);
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
	if (len == 0)
		*out = '\0';
}

/*
 * The SHA-256 fingerprints of certificate x (of its DER form) and of its
 * public key (of the DER SubjectPublicKeyInfo, as key pins are).
 * Returns -1 if either cannot be computed.
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

/*
 * -v: what was negotiated and who the peer says it is, one fact per line
 * in a format scripts may rely on.
 */
static void
tls_describe(SSL *ssl, X509 *peer, const unsigned char *cert,
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
	if (SSL_session_reused(ssl))
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
	} else
		log_info("TLS peer sent no certificate");
	SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
	if (alpn_len > 0)
		log_info("TLS ALPN protocol: %s",
		    log_escape(esc, sizeof(esc), alpn, alpn_len));
}

/*
 * After a handshake: describe the peer (-v) and check it against the
 * pins (--ssl-pin), its certificate's or its public key's SHA-256
 * fingerprint.  Kept apart from the handshake itself so that any way of
 * driving one ends with the same check.  Returns 0, or -1 with *cause set
 * when the peer is not one of those pinned.
 */
int
tls_check_peer(const struct tls_conf *c, struct tls *t, char **cause)
{
	unsigned char	 cert[TLS_PIN_LEN], key[TLS_PIN_LEN];
	char		 hex[TLS_PIN_LEN * 3];
	X509		*peer;
	size_t		 i;
	int		 known = 0, rv = 0;

	if ((peer = SSL_get1_peer_certificate(t->ssl)) != NULL &&
	    tls_fingerprints(peer, cert, key) == 0)
		known = 1;
	if (log_verbosity() >= 1)
		tls_describe(t->ssl, peer, known ? cert : NULL, key);
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

/*
 * The name the client expects and sends as SNI (servername, else host),
 * checked when verify is set: never an address.
 */
static int
tls_set_peer_name(SSL *ssl, const char *servername, int verify,
    const char *host)
{
	struct in6_addr	 a;
	const char	*name;

	name = servername != NULL ? servername : host;
	if (name == NULL)
		return (0);
	if (inet_pton(AF_INET, name, &a) == 1 ||
	    inet_pton(AF_INET6, name, &a) == 1) {
		if (verify && X509_VERIFY_PARAM_set1_ip_asc(
		    SSL_get0_param(ssl), name) != 1)
			return (-1);
		return (0);
	}
	if (SSL_set_tlsext_host_name(ssl, name) != 1)
		return (-1);
	if (verify && SSL_set1_host(ssl, name) != 1)
		return (-1);
	return (0);
}

/*
 * DTLS: did the call that returned r fail only because it read an empty
 * datagram?  The datagram BIO returns 0 for one, which OpenSSL takes for
 * a failed read (SSL_ERROR_SYSCALL with no errno and nothing queued)
 * although the connection is intact.  Anyone who knows the address pair
 * can send one, and a record that is not valid is silently discarded
 * (RFC 6347, 4.1.2.7): the datagram is gone, and the caller waits for
 * the next one.  A real failure of the socket leaves its errno.
 */
static int
dtls_empty_datagram(struct tls *t, int r)
{
	return (t->dgram && errno == 0 && ERR_peek_error() == 0 &&
	    SSL_get_error(t->ssl, r) == SSL_ERROR_SYSCALL);
}

/*
 * A handshake in progress.  It is a state machine driven by the event
 * loop: the socket is watched for what OpenSSL needs next (a read or a
 * write), never switched to blocking mode, and one timer bounds the whole
 * handshake, however slowly the peer trickles its bytes.
 */
struct tls_hs {
	const struct tls_conf	*conf;
	struct tls		*t;
	int			 fd;
	int			 server;
	struct ev_timer		 deadline;
	struct ev_timer		 resend;   /* DTLS: a flight is lost */
	int			 resends; /* DTLS: times it was sent again */
	tls_done_cb		*done;
	void			*arg;
	const char		*starting; /* ASYNC_START() */
};

static void	tls_hs_step(struct tls_hs *);
static void	tls_hs_deadline_cb(void *);

/* End the handshake h: stop watching, free it and tell its owner. */
static void
tls_hs_end(struct tls_hs *h, struct tls *t, char *cause)
{
	tls_done_cb	*done = h->done;
	void		*arg = h->arg;

	ASYNC_CALLBACK(h, "tls_hs_end", done);
	ev_timer_disarm(&h->deadline);
	ev_timer_disarm(&h->resend);
	ev_del(h->fd);
	if (t == NULL)
		tls_free(h->t);
	free(h);
	done(t, cause, arg);
}

static void
tls_hs_io_cb(int fd, int events, void *arg)
{
	(void)fd;
	(void)events;
	tls_hs_step(arg);
}

/*
 * DTLS: no answer to the last flight in time.  It is sent again (OpenSSL
 * doubles the wait each time), and the handshake goes on; a server that
 * has sent it DTLS_SERVER_RESENDS times again gives the peer up.
 */
static void
tls_hs_resend_cb(void *arg)
{
	struct tls_hs	*h = arg;

	if (h->server && h->resends++ == DTLS_SERVER_RESENDS) {
		tls_hs_deadline_cb(h);
		return;
	}
	ERR_clear_error();
	if (DTLSv1_handle_timeout(h->t->ssl) < 0) {
		char	*cause = NULL;

		log_cause(&cause, "TLS handshake failed: %s", tls_error());
		tls_hs_end(h, NULL, cause);
		return;
	}
	tls_hs_step(h);
}

/* DTLS: wake up when the flight in the air is due to be sent again. */
static void
tls_hs_arm_resend(struct tls_hs *h)
{
	struct timeval	 tv;
	long long	 ms;

	ev_timer_disarm(&h->resend);
	if (!h->t->dgram || DTLSv1_get_timeout(h->t->ssl, &tv) <= 0)
		return;
	ms = (long long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
	ev_timer_arm(&h->resend, ms > 0 ? ms : 1);
}

static void
tls_hs_deadline_cb(void *arg)
{
	struct tls_hs	*h = arg;
	char		*cause = NULL;

	log_cause(&cause, "TLS handshake failed: %s", strerror(ETIMEDOUT));
	tls_hs_end(h, NULL, cause);
}

/* Take the handshake as far as the bytes at hand allow. */
static void
tls_hs_step(struct tls_hs *h)
{
	SSL	*ssl = h->t->ssl;
	char	*cause = NULL;
	long	 vr;
	int	 r, e;

	ERR_clear_error();
	errno = 0;
	r = h->server ? SSL_accept(ssl) : SSL_connect(ssl);
	if (r == 1) {
		/* What the peer is, with -v, and --ssl-pin. */
		if (tls_check_peer(h->conf, h->t, &cause) == -1) {
			tls_hs_end(h, NULL, cause);
			return;
		}
		tls_hs_end(h, h->t, NULL);
		return;
	}
	e = SSL_get_error(ssl, r);
	/* An empty datagram is no answer: the next one may be. */
	if (dtls_empty_datagram(h->t, r))
		e = SSL_ERROR_WANT_READ;
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		if (ev_set(h->fd, e == SSL_ERROR_WANT_READ ? EV_READ :
		    EV_WRITE, tls_hs_io_cb, h) == 0) {
			tls_hs_arm_resend(h);
			return;
		}
		log_cause(&cause, "TLS handshake failed: %s",
		    strerror(errno));
	} else if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK)
		log_cause(&cause, "TLS certificate verification failed: %s",
		    X509_verify_cert_error_string(vr));
	/*
	 * The peer left mid-handshake: with SSL_OP_IGNORE_UNEXPECTED_EOF
	 * its end-of-file is a clean close to OpenSSL, and no error is
	 * queued to say so.
	 */
	else if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0))
		log_cause(&cause, "TLS handshake failed: %s",
		    errno != 0 ? strerror(errno) : "connection closed by peer");
	else
		log_cause(&cause, "TLS handshake failed: %s", tls_error());
	tls_hs_end(h, NULL, cause);
}

/*
 * DTLS runs on fd, a UDP socket connected to its peer: a datagram BIO
 * for ssl, which says the peer is fixed.  Returns -1 on failure.
 */
static int
dtls_set_fd(SSL *ssl, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	BIO			*bio;

	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    (bio = BIO_new_dgram(fd, BIO_NOCLOSE)) == NULL)
		return (-1);
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &ss);
	/* The BIO it replaces, the listener's (tls_dtls_listen()), is freed. */
	SSL_set_bio(ssl, bio, bio);
	return (0);
}

/*
 * Start a handshake on fd with a new connection of tc, as a server or as
 * a client checking its servername (or host) when it verifies; or, with
 * t, go on with the DTLS connection a listener took a ClientHello for.
 */
static struct tls_hs *
tls_hs_begin(struct tls_ctx *tc, struct tls *t, int fd, const char *host,
    long long timeout_ms, tls_done_cb *done, void *arg, char **cause)
{
	struct tls_hs	*h;
	int		 hello = t != NULL, ok, server = tc->flags & TLS_SERVER;

	*cause = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (t == NULL && (t = calloc(1, sizeof(*t))) == NULL)) {
		free(h);
		log_cause(cause, "TLS: %s", strerror(ENOMEM));
		return (NULL);
	}
	h->t = t;
	if (!hello) {
		t->dgram = (tc->flags & TLS_DGRAM) != 0;
		t->ssl = SSL_new(tc->ctx);
	}
	if (t->ssl == NULL)
		ok = 0;
	else if (t->dgram)
		ok = dtls_set_fd(t->ssl, fd) == 0;
	else
		ok = SSL_set_fd(t->ssl, fd) == 1;
	if (ok && !server && tc->session != NULL)
		SSL_set_session(t->ssl, tc->session);
	if (!ok || (!server && tls_set_peer_name(t->ssl,
	    tc->conf->servername, tc->conf->verify, host) == -1)) {
		log_cause(cause, "TLS: %s", tls_error());
		tls_free(t);
		free(h);
		return (NULL);
	}
	/*
	 * TLS writes whole records, so Nagle's algorithm has nothing to
	 * gather; it only holds a small answer back behind the session
	 * tickets until the peer's delayed acknowledgement, 40 ms a time.
	 * So every TLS connection has TCP_NODELAY, whatever --nodelay says;
	 * a socket that is not TCP (Unix-domain) refuses, which is fine.
	 */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
	    sizeof(int));
	h->conf = tc->conf;
	h->fd = fd;
	h->server = server;
	h->done = done;
	h->arg = arg;
	ASYNC_START(h, "tls_handshake_start");
	if (timeout_ms == TIME_NONE)
		timeout_ms = TLS_HANDSHAKE_MS;
	ev_timer_init(&h->deadline, tls_hs_deadline_cb, h);
	ev_timer_init(&h->resend, tls_hs_resend_cb, h);
	ev_timer_arm(&h->deadline, timeout_ms);
	/*
	 * A client speaks first, a server waits for the ClientHello; either
	 * way the first step is the loop's, never this call's (a connected
	 * socket is writable at once).  A step taken here could finish the
	 * handshake, or fail it, and call done before the caller has the
	 * handle: done frees the handshake, and may free the caller's own
	 * object, which the caller then writes the handle into.  A DTLS
	 * server that has the ClientHello already answers it at once.
	 */
	if (ev_set(fd, server && !hello ? EV_READ : EV_WRITE, tls_hs_io_cb,
	    h) == -1) {
		log_cause(cause, "TLS: %s", strerror(errno));
		ev_timer_disarm(&h->deadline);
		tls_free(t);
		free(h);
		return (NULL);
	}
	ASYNC_STARTED(h);
	return (h);
}

/*
 * Start the TLS handshake on the connected non-blocking socket fd, with
 * a new connection of tc: as a server, or as a client of host.  The
 * whole handshake may take timeout_ms (TIME_NONE: TLS_HANDSHAKE_MS).
 * done is called once, from the loop (never before this returns), with
 * the TLS state to attach to fd's endpoint, or with NULL and a message
 * that it must free; fd stays open either way and its watcher is
 * removed.  Returns the handshake, which tls_handshake_cancel()
 * abandons, or NULL with *cause set when it cannot even start.
 */
struct tls_hs *
tls_handshake_start(struct tls_ctx *tc, int fd, const char *host,
    long long timeout_ms, tls_done_cb *done, void *arg, char **cause)
{
	return (tls_hs_begin(tc, NULL, fd, host, timeout_ms, done, arg,
	    cause));
}

/*
 * A DTLS server's accept: read one datagram waiting on the bound UDP
 * socket lfd and answer it statelessly (DTLSv1_listen()).  A ClientHello
 * without a valid cookie is answered with a HelloVerifyRequest carrying
 * one, and nothing is kept: a flood from spoofed addresses costs no
 * memory.  Returns 1 when a ClientHello came back with its cookie: peer
 * is its sender and *tp the connection, to be moved to a socket of the
 * peer's own and taken on with tls_dtls_accept_start().  Returns 0 when
 * the datagram was answered or dropped, -1 with errno when none is
 * waiting (EAGAIN) or on failure.
 */
int
tls_dtls_listen(struct tls_ctx *tc, int lfd, struct net_peer *peer,
    struct tls **tp)
{
	struct tls	*t;
	BIO		*bio;
	char		 b;
	int		 r;

	*tp = NULL;
	/* An earlier answer was refused: that ends nothing. */
	while (recv(lfd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == -1) {
		if (errno != ECONNREFUSED)
			return (-1);
	}
	if (tc->listening == NULL) {
		if ((tc->listening = SSL_new(tc->ctx)) == NULL)
			goto nomem;
		if ((bio = BIO_new_dgram(lfd, BIO_NOCLOSE)) == NULL) {
			SSL_free(tc->listening);
			tc->listening = NULL;
			goto nomem;
		}
		SSL_set_bio(tc->listening, bio, bio);
	}
	memset(peer, 0, sizeof(*peer));
	ERR_clear_error();
	/* A BIO_ADDR is a union of the sockaddrs: a storage holds one. */
	r = DTLSv1_listen(tc->listening, (BIO_ADDR *)&peer->ss);
	if (r <= 0) {
		/* Broken by what it read: the next one starts afresh. */
		if (r < 0) {
			log_verbose(2, "DTLS: %s", tls_error());
			SSL_free(tc->listening);
			tc->listening = NULL;
		}
		ERR_clear_error();
		return (0);
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		goto nomem;
	peer->len = peer->ss.ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	t->ssl = tc->listening;
	t->dgram = 1;
	tc->listening = NULL;
	*tp = t;
	return (1);

nomem:
	errno = ENOMEM;
	return (-1);
}

/*
 * tls_handshake_start() for a DTLS connection tls_dtls_listen() took a
 * ClientHello for: on fd, the peer's own connected socket; t is the
 * handshake's (freed if it cannot start).
 */
struct tls_hs *
tls_dtls_accept_start(struct tls_ctx *tc, struct tls *t, int fd,
    long long timeout_ms, tls_done_cb *done, void *arg, char **cause)
{
	return (tls_hs_begin(tc, t, fd, NULL, timeout_ms, done, arg, cause));
}

/* Abandon a handshake in progress; its done callback is not called. */
void
tls_handshake_cancel(struct tls_hs *h)
{
	if (h == NULL)
		return;
	ev_timer_disarm(&h->deadline);
	ev_timer_disarm(&h->resend);
	ev_del(h->fd);
	tls_free(h->t);
	free(h);
}

/* Map an SSL_read/SSL_write failure onto errno and the events it needs. */
static ssize_t
tls_fail(struct tls *t, int r, int *want)
{
	switch (SSL_get_error(t->ssl, r)) {
	case SSL_ERROR_ZERO_RETURN:
		return (0);
	case SSL_ERROR_WANT_READ:
		*want = EV_READ;
		errno = EAGAIN;
		return (-1);
	case SSL_ERROR_WANT_WRITE:
		*want = EV_WRITE;
		errno = EAGAIN;
		return (-1);
	case SSL_ERROR_SYSCALL:
		if (errno == 0)
			errno = EPIPE;
		return (-1);
	default:
		errno = EPROTO;
		return (-1);
	}
}

/*
 * Read up to n bytes of t's plaintext into p, without blocking.  Returns
 * the count, 0 at the peer's close_notify, or -1 with errno (EAGAIN: try
 * again when the socket is ready for *want, EV_READ or EV_WRITE).
 */
ssize_t
tls_read(struct tls *t, void *p, size_t n, int *want)
{
	int	 r;

	ERR_clear_error();
	errno = 0;
	*want = 0;
	if ((r = SSL_read(t->ssl, p, n > INT_MAX ? INT_MAX : (int)n)) > 0)
		return (r);
	if (dtls_empty_datagram(t, r)) {
		*want = EV_READ;
		errno = EAGAIN;
		return (-1);
	}
	return (tls_fail(t, r, want));
}

/*
 * Write up to n bytes of p over t, without blocking.  Returns the count
 * taken, or -1 with errno (EAGAIN: try again, with the same bytes, when
 * the socket is ready for *want).
 */
ssize_t
tls_write(struct tls *t, const void *p, size_t n, int *want)
{
	int	 r;

	ERR_clear_error();
	errno = 0;
	*want = 0;
	/* A DTLS record holds no more; the rest of a datagram is lost. */
	if (t->dgram && n > DTLS_MAXPAYLOAD)
		n = DTLS_MAXPAYLOAD;
	if ((r = SSL_write(t->ssl, p, n > INT_MAX ? INT_MAX : (int)n)) > 0)
		return (r);
	if (tls_fail(t, r, want) == 0)
		errno = EPIPE;
	return (-1);
}

/* Send close_notify, best effort: the socket's own shutdown follows. */
void
tls_close_notify(struct tls *t)
{
	ERR_clear_error();
	SSL_shutdown(t->ssl);
}

/* Does t hold decrypted bytes that no poll of its socket announces? */
int
tls_pending(struct tls *t)
{
	return (SSL_pending(t->ssl) > 0);
}

static ssize_t
tls_ep_read(struct endpoint *ep, void *p, size_t n)
{
	ssize_t	 r;
	int	 want = ep->rwant;

	/* DTLS's close_notify is an end, where a datagram has none. */
	r = tls_read(ep->data, p, n, &want);
	ep->rwant = want;
	if (r == 0)
		ep->flags |= EP_DGRAM_FIN;
	return (r);
}

static ssize_t
tls_ep_write(struct endpoint *ep, const void *p, size_t n)
{
	ssize_t	 r;
	int	 want = ep->wwant;

	r = tls_write(ep->data, p, n, &want);
	ep->wwant = want;
	return (r);
}

static int
tls_ep_pending(struct endpoint *ep)
{
	struct tls	*t = ep->data;

	return (SSL_pending(t->ssl) > 0);
}

static void
tls_ep_shutdown(struct endpoint *ep)
{
	tls_close_notify(ep->data);
}

static void
tls_ep_free(struct endpoint *ep)
{
	tls_free(ep->data);
	ep->data = NULL;
}

static const struct ep_ops tls_ops = {
	.read = tls_ep_read,
	.write = tls_ep_write,
	.pending = tls_ep_pending,
	.shutdown = tls_ep_shutdown,
	.free = tls_ep_free,
};

/* Make ep, the endpoint of the socket t runs on, speak TLS; it owns t. */
void
tls_attach(struct endpoint *ep, struct tls *t)
{
	ep->ops = &tls_ops;
	ep->data = t;
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl);
	free(t);
}
