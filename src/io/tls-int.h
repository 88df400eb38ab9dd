/*
 * What the files of TLS share, and nothing else includes: the OpenSSL
 * functions, called through the pointers src/io/tls.c loads, and the
 * state of a context (tls.c) and of a connection (tlsconn.c).  The rest
 * of the program sees TLS through io.h only.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_IO_H
#error "io/tls-int.h comes after io.h, in the files of TLS only"
#endif

#ifndef SC_TLS_INT_H
#define SC_TLS_INT_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/*
 * OpenSSL is loaded with dlopen(3) when TLS is first asked for, not linked:
 * libcrypto alone would more than double the memory of every listener
 * that never speaks TLS.  Each function used is called through a pointer
 * of its own type, in tls_fn (filled by tls_load()); the names below
 * stand for the pointers.
 */
#define TLS_FUNCTIONS \
	F(ASN1_INTEGER_set) \
	F(ASN1_STRING_get0_data) \
	F(ASN1_STRING_length) \
	F(ASN1_TIME_to_tm) \
	F(BIO_ctrl) \
	F(BIO_free) \
	F(BIO_new) \
	F(BIO_new_dgram) \
	F(BIO_s_mem) \
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
	F(EVP_PBE_scrypt) \
	F(SSL_CIPHER_find) \
	F(SSL_CTX_set_ciphersuites) \
	F(SSL_CTX_set_num_tickets) \
	F(SSL_CTX_set_psk_find_session_callback) \
	F(SSL_CTX_set_psk_use_session_callback) \
	F(SSL_SESSION_new) \
	F(SSL_SESSION_set1_master_key) \
	F(SSL_SESSION_set_cipher) \
	F(SSL_SESSION_set_protocol_version) \
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
	F(SSL_CTX_set_keylog_callback) \
	F(SSL_CTX_set_security_level) \
	F(SSL_CTX_set_options) \
	F(SSL_CTX_add_custom_ext) \
	F(CRYPTO_get_ex_new_index) \
	F(SSL_get_shutdown) \
	F(SSL_has_pending) \
	F(SSL_CTX_set_info_callback) \
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
	F(SSL_get_ex_data) \
	F(SSL_set_ex_data) \
	F(SSL_get_verify_mode) \
	F(SSL_set_verify) \
	F(SSL_get_ex_data_X509_STORE_CTX_idx) \
	F(X509_STORE_CTX_get_error) \
	F(X509_STORE_CTX_get_error_depth) \
	F(X509_STORE_CTX_get_ex_data) \
	F(X509_STORE_CTX_get_current_cert) \
	F(X509_STORE_CTX_set_error) \
	F(X509_NAME_get_text_by_NID) \
	F(SSL_set_bio) \
	F(SSL_set_fd) \
	F(SSL_shutdown) \
	F(SSL_write) \
	F(TLS_client_method) \
	F(TLS_server_method) \
	F(OBJ_nid2ln) \
	F(OBJ_obj2nid) \
	F(X509_NAME_ENTRY_get_data) \
	F(X509_NAME_ENTRY_get_object) \
	F(X509_NAME_add_entry_by_txt) \
	F(X509_NAME_entry_count) \
	F(X509_NAME_get_entry) \
	F(X509_NAME_oneline) \
	F(X509_NAME_print_ex) \
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
struct tls_functions {
	TLS_FUNCTIONS
};
#undef F
extern struct tls_functions	 tls_fn;

#define ASN1_INTEGER_set (tls_fn.p_ASN1_INTEGER_set)
#define ASN1_STRING_get0_data (tls_fn.p_ASN1_STRING_get0_data)
#define ASN1_STRING_length (tls_fn.p_ASN1_STRING_length)
#define ASN1_TIME_to_tm (tls_fn.p_ASN1_TIME_to_tm)
#define BIO_ctrl (tls_fn.p_BIO_ctrl)
#define BIO_free (tls_fn.p_BIO_free)
#define BIO_new (tls_fn.p_BIO_new)
#define BIO_new_dgram (tls_fn.p_BIO_new_dgram)
#define BIO_s_mem (tls_fn.p_BIO_s_mem)
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
#define EVP_PBE_scrypt (tls_fn.p_EVP_PBE_scrypt)
#define SSL_CIPHER_find (tls_fn.p_SSL_CIPHER_find)
#define SSL_CTX_set_ciphersuites (tls_fn.p_SSL_CTX_set_ciphersuites)
#define SSL_CTX_set_num_tickets (tls_fn.p_SSL_CTX_set_num_tickets)
#define SSL_CTX_set_psk_find_session_callback (tls_fn.p_SSL_CTX_set_psk_find_session_callback)
#define SSL_CTX_set_psk_use_session_callback (tls_fn.p_SSL_CTX_set_psk_use_session_callback)
#define SSL_SESSION_new (tls_fn.p_SSL_SESSION_new)
#define SSL_SESSION_set1_master_key (tls_fn.p_SSL_SESSION_set1_master_key)
#define SSL_SESSION_set_cipher (tls_fn.p_SSL_SESSION_set_cipher)
#define SSL_SESSION_set_protocol_version (tls_fn.p_SSL_SESSION_set_protocol_version)
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
#define SSL_CTX_set_keylog_callback (tls_fn.p_SSL_CTX_set_keylog_callback)
#define SSL_CTX_set_security_level (tls_fn.p_SSL_CTX_set_security_level)
#define SSL_CTX_set_default_verify_paths (tls_fn.p_SSL_CTX_set_default_verify_paths)
#define SSL_CTX_set_options (tls_fn.p_SSL_CTX_set_options)
#define SSL_CTX_add_custom_ext (tls_fn.p_SSL_CTX_add_custom_ext)
#define CRYPTO_get_ex_new_index (tls_fn.p_CRYPTO_get_ex_new_index)
#define SSL_get_shutdown (tls_fn.p_SSL_get_shutdown)
#define SSL_has_pending (tls_fn.p_SSL_has_pending)
#define SSL_CTX_set_info_callback (tls_fn.p_SSL_CTX_set_info_callback)
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
#define SSL_get_ex_data (tls_fn.p_SSL_get_ex_data)
#define SSL_set_ex_data (tls_fn.p_SSL_set_ex_data)
#define SSL_get_verify_mode (tls_fn.p_SSL_get_verify_mode)
#define SSL_set_verify (tls_fn.p_SSL_set_verify)
#define SSL_get_ex_data_X509_STORE_CTX_idx (tls_fn.p_SSL_get_ex_data_X509_STORE_CTX_idx)
#define X509_STORE_CTX_get_error (tls_fn.p_X509_STORE_CTX_get_error)
#define X509_STORE_CTX_get_error_depth (tls_fn.p_X509_STORE_CTX_get_error_depth)
#define X509_STORE_CTX_get_ex_data (tls_fn.p_X509_STORE_CTX_get_ex_data)
#define X509_STORE_CTX_get_current_cert (tls_fn.p_X509_STORE_CTX_get_current_cert)
#define X509_STORE_CTX_set_error (tls_fn.p_X509_STORE_CTX_set_error)
#define X509_NAME_get_text_by_NID (tls_fn.p_X509_NAME_get_text_by_NID)
#define SSL_set_bio (tls_fn.p_SSL_set_bio)
#define SSL_set_fd (tls_fn.p_SSL_set_fd)
#define SSL_shutdown (tls_fn.p_SSL_shutdown)
#define SSL_write (tls_fn.p_SSL_write)
#define TLS_client_method (tls_fn.p_TLS_client_method)
#define TLS_server_method (tls_fn.p_TLS_server_method)
#define X509_NAME_add_entry_by_txt (tls_fn.p_X509_NAME_add_entry_by_txt)
#define X509_NAME_oneline (tls_fn.p_X509_NAME_oneline)
#define X509_NAME_print_ex (tls_fn.p_X509_NAME_print_ex)
#define X509_NAME_ENTRY_get_data (tls_fn.p_X509_NAME_ENTRY_get_data)
#define X509_NAME_ENTRY_get_object (tls_fn.p_X509_NAME_ENTRY_get_object)
#define X509_NAME_entry_count (tls_fn.p_X509_NAME_entry_count)
#define X509_NAME_get_entry (tls_fn.p_X509_NAME_get_entry)
#define OBJ_nid2ln (tls_fn.p_OBJ_nid2ln)
#define OBJ_obj2nid (tls_fn.p_OBJ_obj2nid)
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

struct tls {
	SSL		*ssl;
	int		 dgram;	/* DTLS: a record is a datagram */
	int		 whole;	/* an end without close_notify is an
				   error, not an end (tls_check_peer()) */
	int		 cut;	/* so it ended: tls_cut_why() */
	const char	*broke;	/* OpenSSL's reason an SSL_read() or
				   SSL_write() failed (EPROTO), or NULL */
	int		 ending; /* only the peer's answer to our
				   close_notify is read (tls_read()) */
	int		 owed;	/* our close_notify begun, not all in the
				   socket yet (tls_close_notify()) */
	unsigned long long got;	/* plaintext bytes read */
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
	unsigned char		 psk[TLS_PSK_LEN]; /* --secret's key */
#ifdef SC_DEBUG
	/* The bytes of conf it applied, for the audit (tls_ctx_taken()). */
	unsigned char		 read[(sizeof(struct tls_conf) + 7) / 8];
	int			 taken_part; /* where they are marked, + 1 */
	size_t			 taken_off;
#endif
};
#ifdef SC_DEBUG
void		 tls_conf_read(const struct tls_ctx *, size_t, size_t);
#define TLS_READ(tc, f)						\
	tls_conf_read((tc), offsetof(struct tls_conf, f),		\
	    sizeof(((struct tls_conf *)0)->f))
#else
#define TLS_READ(tc, f)	((void)(tc))
#endif

/* tls.c */
int		 tls_load(char **);
const char	*tls_error(void);
int		 tls_peer_saw(const SSL *, uintptr_t);
#define TLS_SAW_OWN	0x1	/* the peer is a sockcat */
#define TLS_SAW_CLOSE	0x2	/* it sent its close_notify */

/* tlssecret.c */
int		 tls_ctx_fill_secret(struct tls_ctx *, SSL_CTX *, char **);

#endif /* SC_TLS_INT_H */
