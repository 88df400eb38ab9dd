/*
 * TLS with OpenSSL: the library, loaded when first asked for, and a side's
 * context from its --ssl-* options.  Connections are tlsconn.c's, the
 * peer's check tlsenv.c's, --secret tlssecret.c's (tls-none.c without
 * OpenSSL).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "tls-int.h"

/*
 * The library tls_load() opens (tls-int.h says why).  A dlsym(3) on its
 * handle also searches the libraries it depends on, so libcrypto's
 * functions are found through it too.
 */
#define TLS_LIBSSL	"libssl.so.3"

struct tls_functions	 tls_fn;

/*
 * Every function of tls-int.h's list: its name, and where its pointer is
 * in tls_fn, for tls_load() to fill in one loop.
 */
#define F(name)	{ #name, offsetof(struct tls_functions, p_##name) },
static const struct {
	const char	*name;
	size_t		 offset;
} tls_names[] = {
	TLS_FUNCTIONS
};
#undef F

/*
 * A DTLS server's cookie secret is replaced this often, and a cookie made
 * with the one before is still taken: a cookie is good for 5 to 10
 * seconds, where a peer needs it for one round trip (RFC 6347, 4.2.1).
 */
#define DTLS_SECRET_MS		(5 * 1000)

static unsigned char	 dtls_secret[2][32]; /* a DTLS server's cookie
					   keys: now's, and the one before */
static uint64_t		 dtls_secret_at; /* when [0] was made (ev_now()) */

__startup int
tls_available(void)
{
	return (1);
}

/* Load OpenSSL and find every function we call.  Returns -1 with *cause set. */
int
tls_load(char **cause)
{
	static int	 loaded;
	void		*ssl, *fn;
	size_t		 i;

	if (loaded)
		return (0);
	if ((ssl = dlopen(TLS_LIBSSL, RTLD_NOW | RTLD_GLOBAL)) == NULL) {
		log_cause(cause, "TLS: %s", dlerror());
		return (-1);
	}
	for (i = 0; i < nitems(tls_names); i++) {
		if ((fn = dlsym(ssl, tls_names[i].name)) == NULL) {
			log_cause(cause, "TLS: %s has no %s", TLS_LIBSSL,
			    tls_names[i].name);
			return (-1);
		}
		/*
		 * POSIX makes dlsym()'s pointer usable as a function's; it is
		 * copied into the pointer of the function's own type.
		 */
		memcpy((char *)&tls_fn + tls_names[i].offset, &fn, sizeof(fn));
	}
	loaded = 1;
	return (0);
}

/* The last OpenSSL error as text, or what errno says. */
const char *
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
 * Set *cause to why OpenSSL could not load file of kind: the first error of
 * its queue, the reason.
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
	const char	*p = list;
	size_t		 len;

	tc->alpn_len = 0;
	while (*p != '\0') {
		len = strcspn(p, ",");
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

/*
 * A server picks the first of its own protocols that the client offers;
 * one that offers none of them is refused with no_application_protocol
 * (RFC 7301, 3.2), not served in a protocol the server did not name.
 */
static int
tls_alpn_select(__unused SSL *ssl, const unsigned char **out,
    unsigned char *outlen, const unsigned char *in, unsigned int inlen,
    void *arg)
{
	struct tls_ctx	*tc = arg;
	unsigned char	*sel;

	if (SSL_select_next_proto(&sel, outlen, tc->alpn, tc->alpn_len, in,
	    inlen) != OPENSSL_NPN_NEGOTIATED)
		return (SSL_TLSEXT_ERR_ALERT_FATAL);
	*out = sel;
	return (SSL_TLSEXT_ERR_OK);
}

/*
 * Give ctx a fresh P-256 key and a year's self-signed certificate, in
 * memory.  Returns -1 with *cause set.
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
tls_accept_any(__unused int ok, __unused X509_STORE_CTX *ctx)
{
	return (1);
}

/* Replace the cookie secret when DTLS_SECRET_MS old, keeping the previous. */
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
 * Make ssl's peer's cookie in md: an HMAC of its address under key (0:
 * now's, 1: the previous).  Returns 0, or -1 if the address is unknown.
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
 * Keep a client's new session for the next connection of its context to
 * resume.  Returns 1: the session is ours.
 */
static int
tls_new_session(SSL *ssl, SSL_SESSION *sess)
{
	struct tls_ctx	*tc;

	if ((tc = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0)) == NULL)
		return (0);
	SSL_SESSION_free(tc->session);
	tc->session = sess;
	return (1);
}

/* An OpenSSL context from tc.  Returns it, or NULL with *cause set. */
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
	if (!server && !(tc->flags & TLS_DGRAM) && tc->conf->secret == NULL) {
		SSL_CTX_set_ex_data(ctx, 0, tc);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
		    SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, tls_new_session);
	}
	return (ctx);
}

/*
 * A side's TLS context from conf (which must outlive it): TLS_SERVER or a
 * client's, TLS_DGRAM for DTLS.  Returns it, or NULL with *cause set.
 */
struct tls_ctx *
tls_ctx_new(const struct tls_conf *conf, int flags, char **cause)
{
	struct tls_ctx	*tc;

	*cause = NULL;
	if (tls_load(cause) == -1)
		return (NULL);
	if (conf->secret != NULL && (flags & TLS_DGRAM)) {
		log_cause(cause, "--secret over UDP needs DTLS 1.3, which "
		    "this OpenSSL does not have");
		return (NULL);
	}
	if ((tc = calloc(1, sizeof(*tc))) == NULL) {
		log_cause(cause, "TLS: %s", strerror(errno));
		return (NULL);
	}
	tc->conf = conf;
	tc->flags = flags;
	if ((conf->secret != NULL && tls_secret_key(conf, tc->psk,
	    cause) == -1) || (tc->ctx = tls_ctx_make(tc, cause)) == NULL) {
		tls_ctx_free(tc);
		return (NULL);
	}
	return (tc);
}

#ifdef SC_DEBUG
/* Debug builds: tc applied the size bytes at off of its conf. */
void
tls_conf_read(const struct tls_ctx *tc, size_t off, size_t size)
{
	struct tls_ctx	*m = (struct tls_ctx *)tc;	/* the audit's own */
	size_t		 i;

	for (i = off; i < off + size; i++)
		m->read[i / 8] |= 1 << (i % 8);
	if (tc->taken_part != 0)
		taken(tc->taken_part - 1, tc->taken_off + off, size);
}

/*
 * Debug builds: a path uses tc, made from the conf at off of part; mark
 * there what tc applied (taken.c).  The first caller names tc's conf: a
 * forwarder's target's TLS is --forward-ssl's.
 */
void
tls_ctx_taken(const struct tls_ctx *tc, int part, size_t off)
{
	struct tls_ctx	*m = (struct tls_ctx *)tc;
	size_t		 i;

	if (tc == NULL)
		return;
	if (tc->taken_part == 0) {
		m->taken_part = part + 1;
		m->taken_off = off;
	}
	part = tc->taken_part - 1;
	off = tc->taken_off;
	for (i = 0; i < sizeof(tc->conf[0]); i++) {
		if (tc->read[i / 8] & (1 << (i % 8)))
			taken(part, off + i, 1);
	}
}
#endif

void
tls_ctx_free(struct tls_ctx *tc)
{
	if (tc == NULL)
		return;
	SSL_free(tc->listening);
	SSL_SESSION_free(tc->session);
	SSL_CTX_free(tc->ctx);
	explicit_bzero(tc->psk, sizeof(tc->psk));
	free(tc);
}

/*
 * SIGHUP: read a TLS server's certificate and key again into a new
 * context for later handshakes; connections keep the old until their
 * last goes.  Returns 1 when replaced, 0 when there was nothing to read,
 * or -1 with *cause set, the old context kept.
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
	if (path_rereadable(tc->conf->cert, cause) == -1 ||
	    (tc->conf->key != NULL && path_rereadable(tc->conf->key,
	    cause) == -1) || (ctx = tls_ctx_make(tc, cause)) == NULL)
		return (-1);
	SSL_CTX_free(tc->ctx);
	tc->ctx = ctx;
	return (1);
}

/* OpenSSL's number for our enum tls_version. */
static int
tls_proto(int v)
{
	_Static_assert(TLS1_3_VERSION - TLS1_VERSION == TLS_V13 - TLS_V10,
	    "OpenSSL's TLS versions follow each other");
	return (TLS1_VERSION + v - TLS_V10);
}

/*
 * Set the TLS versions ctx allows; TLS 1.0 and 1.1 (RFC 8996) only with
 * --ssl-legacy, at security level 0, said once.  Returns 0, or -1 with
 * *cause set.
 */
static int
tls_ctx_versions(const struct tls_conf *c, SSL_CTX *ctx, char **cause)
{
	static int	 warned;
	int		 min = c->min_version, max = c->max_version;

	if (min == 0)
		min = c->legacy ? TLS_V10 : TLS_V12;
	if ((min < TLS_V12 || (max != 0 && max < TLS_V12)) && !c->legacy) {
		log_cause(cause, "TLS 1.0 and 1.1 are broken: --ssl-legacy "
		    "allows them");
		return (-1);
	}
	if (max != 0 && max < min) {
		log_cause(cause, "TLS: no version allowed: the minimum is "
		    "above the maximum");
		return (-1);
	}
	if (c->legacy) {
		if (!warned++)
			log_warnx("warning: --ssl-legacy: TLS 1.0 and 1.1, "
			    "weak ciphers and weak keys are allowed");
		SSL_CTX_set_security_level(ctx, 0);
	}
	if (SSL_CTX_set_min_proto_version(ctx, tls_proto(min)) != 1 ||
	    (max != 0 &&
	    SSL_CTX_set_max_proto_version(ctx, tls_proto(max)) != 1)) {
		log_cause(cause, "TLS: %s", tls_error());
		return (-1);
	}
	return (0);
}

/*
 * What a stream connection saw of its peer, as bits in an SSL ex_data slot:
 * its close_notify, and the private-use extension by which two sockcats
 * know each other (TLS_EXT_OWN: empty, offered by a client, answered by a
 * server only when offered).  OpenSSL takes a socket's end of file for a
 * close_notify (SSL_OP_IGNORE_UNEXPECTED_EOF, which keeps a peer that
 * leaves mid-handshake from being sent an alert), so the alert itself is
 * watched for: an end without it is a cut stream (tls_read()).
 */
#define TLS_EXT_OWN	0xff5c
#define TLS_EXT_OWN_WHEN (SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | \
	SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS)

static int	 tls_saw_slot = -1;

/* Note what ssl saw of its peer. */
static void
tls_saw(const SSL *ssl, uintptr_t bit)
{
	uintptr_t	 saw = (uintptr_t)SSL_get_ex_data(ssl, tls_saw_slot);

	SSL_set_ex_data((SSL *)ssl, tls_saw_slot, (void *)(saw | bit));
}

static int
tls_own_add(SSL *ssl, unsigned int type, unsigned int context,
    const unsigned char **out, size_t *outlen, X509 *x, size_t chainidx,
    int *al, void *arg)
{
	static const unsigned char	 none[1];

	(void)ssl, (void)type, (void)context, (void)x, (void)chainidx;
	(void)al, (void)arg;
	*out = none;
	*outlen = 0;
	return (1);
}

static int
tls_own_parse(SSL *ssl, unsigned int type, unsigned int context,
    const unsigned char *in, size_t inlen, X509 *x, size_t chainidx,
    int *al, void *arg)
{
	(void)type, (void)context, (void)in, (void)inlen, (void)x;
	(void)chainidx, (void)al, (void)arg;
	tls_saw(ssl, TLS_SAW_OWN);
	return (1);
}

static void
tls_info(const SSL *ssl, int where, int value)
{
	if ((where & SSL_CB_READ_ALERT) &&
	    (value & 0xff) == SSL_AD_CLOSE_NOTIFY)
		tls_saw(ssl, TLS_SAW_CLOSE);
}

/* Watch a stream context's peers as above.  Returns 0, or -1. */
static int
tls_watch_peer(SSL_CTX *ctx)
{
	if (tls_saw_slot == -1 && (tls_saw_slot = CRYPTO_get_ex_new_index(
	    CRYPTO_EX_INDEX_SSL, 0, NULL, NULL, NULL, NULL)) == -1)
		return (-1);
	SSL_CTX_set_info_callback(ctx, tls_info);
	return (SSL_CTX_add_custom_ext(ctx, TLS_EXT_OWN, TLS_EXT_OWN_WHEN,
	    tls_own_add, NULL, NULL, tls_own_parse, NULL) == 1 ? 0 : -1);
}

/* Has ssl seen bit (TLS_SAW_OWN, TLS_SAW_CLOSE) of its peer? */
int
tls_peer_saw(const SSL *ssl, uintptr_t bit)
{
	return (tls_saw_slot != -1 &&
	    ((uintptr_t)SSL_get_ex_data(ssl, tls_saw_slot) & bit) != 0);
}

/* SSLKEYLOGFILE: append each handshake secret, as NSS writes them. */
static void
tls_keylog(__unused const SSL *ssl, const char *line)
{
	static int	 fd = -2;
	const char	*path, *why;
	struct iovec	 iov[2] = {
		{ .iov_base = (void *)line, .iov_len = strlen(line) },
		{ .iov_base = "\n", .iov_len = 1 }
	};

	if (fd == -2) {
		path = getenv("SSLKEYLOGFILE");
		fd = path_open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0600, &why);
		if (fd == -1)
			log_warnx("SSLKEYLOGFILE %s: %s", path, why);
	}
	if (fd < 0)
		return;
	/* A line lost is a session a capture cannot read, nothing more. */
	if (writev(fd, iov, 2) == -1)
		log_verbose_warn(1, "SSLKEYLOGFILE: %s", strerror(errno));
}

/*
 * Set ctx's protocol: DTLS 1.2 and up with cookies, or the TLS versions.
 * Returns 0, or -1 with *cause set.
 */
static int
tls_ctx_proto(struct tls_ctx *tc, SSL_CTX *ctx, char **cause)
{
	const struct tls_conf	*c = tc->conf;
	int			 server = tc->flags & TLS_SERVER;

	TLS_READ(tc, min_version);
	TLS_READ(tc, max_version);
	TLS_READ(tc, legacy);
	if (!(tc->flags & TLS_DGRAM)) {
		if (tls_ctx_versions(c, ctx, cause) == -1)
			return (-1);
		SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
		    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
		/*
		 * One TLS 1.3 ticket after a handshake, not OpenSSL's two:
		 * a ticket of OpenSSL's may be used again, and a client
		 * (ours too) keeps the newest, so the second only costs
		 * both ends a session to encode, encrypt, send and decode
		 * on every connection.
		 */
		if (server)
			SSL_CTX_set_num_tickets(ctx, 1);
		return (0);
	}
	if (c->min_version != 0 || c->max_version != 0 || c->legacy) {
		log_cause(cause, "--ssl-min-version, --ssl-max-version and "
		    "--ssl-legacy are for TLS, not DTLS (-u)");
		return (-1);
	}
	SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
	/* A peer proves its address before the server keeps state. */
	if (server) {
		arc4random_buf(dtls_secret, sizeof(dtls_secret));
		dtls_secret_at = ev_now();
		SSL_CTX_set_cookie_generate_cb(ctx, dtls_cookie_generate);
		SSL_CTX_set_cookie_verify_cb(ctx, dtls_cookie_verify);
		SSL_CTX_set_options(ctx, SSL_OP_COOKIE_EXCHANGE);
	}
	return (0);
}

/*
 * Set who ctx is: --secret's key, the certificate and key, or one made up.
 * Returns 0, or -1 with *cause set.
 */
static int
tls_ctx_identity(struct tls_ctx *tc, SSL_CTX *ctx, char **cause)
{
	const struct tls_conf	*c = tc->conf;
	const char		*key = c->key != NULL ? c->key : c->cert;

	TLS_READ(tc, secret);
	if (c->secret != NULL)
		return (tls_ctx_fill_secret(tc, ctx, cause));
	TLS_READ(tc, cert);
	TLS_READ(tc, key);
	if (c->cert == NULL) {
		if (c->key != NULL) {
			log_cause(cause, "--ssl-key (key=) needs --ssl-cert "
			    "(cert=)");
			return (-1);
		}
		return ((tc->flags & TLS_SERVER) ? tls_self_signed(ctx,
		    cause) : 0);
	}
	ERR_clear_error();
	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert) != 1) {
		tls_file_error(TLS_FILE_CERT, c->cert, c->cert, cause);
		return (-1);
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		tls_file_error(TLS_FILE_KEY, key, c->cert, cause);
		return (-1);
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		log_cause(cause, "the key %s does not match the certificate %s",
		    key, c->cert);
		return (-1);
	}
	return (0);
}

/*
 * Set whom ctx trusts; a server with pins alone takes any certificate,
 * checked later.  Returns 0, or -1 with *cause set.
 */
static int
tls_ctx_trust(struct tls_ctx *tc, SSL_CTX *ctx, char **cause)
{
	const struct tls_conf	*c = tc->conf;
	int			 server = tc->flags & TLS_SERVER;

	TLS_READ(tc, verify);
	TLS_READ(tc, trustfile);
	/*
	 * As the command line refuses --ssl-trustfile without --ssl-verify,
	 * an address's cafile= or capath= without verify=1: its authorities
	 * would be trusted by nobody, and the peer not verified at all.
	 * socat takes them with verify=0 (its own suite does).
	 */
	if (!c->verify && c->secret == NULL && !c->trust_socat &&
	    (c->trustfile != NULL || c->capath != NULL)) {
		log_cause(cause, "%s needs verify=1 (--ssl-verify): without it "
		    "nothing is verified", c->trustfile != NULL ? "cafile=" :
		    "capath=");
		return (-1);
	}
	if (!c->verify || c->secret != NULL) {
		if (!c->verify && c->npins > 0 && server)
			SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, tls_accept_any);
		return (0);
	}
	if (c->trustfile != NULL) {
		ERR_clear_error();
		if (SSL_CTX_load_verify_locations(ctx, c->trustfile,
		    NULL) != 1) {
			tls_file_error(TLS_FILE_TRUST, c->trustfile, c->cert,
			    cause);
			return (-1);
		}
		if (server)
			SSL_CTX_set_client_CA_list(ctx,
			    SSL_load_client_CA_file(c->trustfile));
	}
	if (c->capath != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, NULL, c->capath) != 1) {
			log_cause(cause, "capath %s: %s", c->capath,
			    tls_error());
			return (-1);
		}
	} else if (c->trustfile == NULL) {
		/*
		 * A server's clients are those of the operator's authorities:
		 * the system's sign certificates for strangers (socat takes
		 * them all the same).
		 */
		if (server && !c->trust_socat) {
			log_cause(cause, "a listener's --ssl-verify needs "
			    "--ssl-trustfile (cafile=): the authorities whose "
			    "clients are let in");
			return (-1);
		}
		SSL_CTX_set_default_verify_paths(ctx);
	}
	SSL_CTX_set_verify(ctx, server ? SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER, NULL);
	return (0);
}

/* Set ctx up as tc's settings ask.  Returns 0, or -1 with *cause set. */
static int
tls_ctx_fill(struct tls_ctx *tc, SSL_CTX *ctx, char **cause)
{
	const struct tls_conf	*c = tc->conf;
	const char		*keylog;
	int			 server = tc->flags & TLS_SERVER;

	if (tls_ctx_proto(tc, ctx, cause) == -1)
		return (-1);
	/* A peer that just closes is end-of-file to OpenSSL: see above. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (!(tc->flags & TLS_DGRAM) && tls_watch_peer(ctx) == -1) {
		log_cause(cause, "TLS: %s", tls_error());
		return (-1);
	}
	if ((keylog = getenv("SSLKEYLOGFILE")) != NULL && *keylog != '\0')
		SSL_CTX_set_keylog_callback(ctx, tls_keylog);
	/*
	 * A cipher list may name DHE suites (socat's default does, the only
	 * ones of a DSA key): a server's parameters are OpenSSL's, sized to
	 * its key.
	 */
	TLS_READ(tc, ciphers);
	TLS_READ(tc, alpn);
	if (server && c->ciphers != NULL)
		SSL_CTX_set_dh_auto(ctx, 1);
	if (c->ciphers != NULL &&
	    SSL_CTX_set_cipher_list(ctx, c->ciphers) != 1) {
		log_cause(cause, "invalid cipher list: %s", c->ciphers);
		return (-1);
	}
	if (tls_ctx_identity(tc, ctx, cause) == -1 ||
	    tls_ctx_trust(tc, ctx, cause) == -1)
		return (-1);
	if (c->alpn == NULL)
		return (0);
	if (tls_parse_alpn(tc, c->alpn, cause) == -1)
		return (-1);
	if (server)
		SSL_CTX_set_alpn_select_cb(ctx, tls_alpn_select, tc);
	else if (SSL_CTX_set_alpn_protos(ctx, tc->alpn, tc->alpn_len) != 0) {
		log_cause(cause, "TLS: %s", tls_error());
		return (-1);
	}
	return (0);
}
