/*
 * TLS connections: a handshake driven by the loop on a connected socket
 * (a DTLS server's stateless answer before it), and the endpoint
 * operations through SSL_read() and SSL_write().  Contexts are tls.c's.
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
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "tls-int.h"

/* A whole handshake without -w gives up after this long. */
#define TLS_HANDSHAKE_MS	(10 * 1000)

/*
 * How many times a DTLS server sends its flight again when the peer says
 * nothing: then it gives the peer up, whatever -w allows (OpenSSL doubles
 * the wait each time: the flight goes at 0, 1 and 3 s, and the peer is
 * given up at 7 s).  A peer that sent its cookie back and went away costs
 * no more, however long the handshake may take, and a lost flight still
 * has two more chances.
 */
#define DTLS_SERVER_RESENDS	2

/* Is name an IPv4 or IPv6 address? */
static int
tls_name_is_addr(const char *name)
{
	struct in6_addr	 a;

	return (inet_pton(AF_INET, name, &a) == 1 ||
	    inet_pton(AF_INET6, name, &a) == 1);
}

/* socat's check: after the chain, the commonName may be the address. */
static int
tls_verify_cn_addr(int ok, X509_STORE_CTX *x)
{
	SSL		*ssl;
	X509		*cert;
	const char	*addr;
	char		 cn[INET6_ADDRSTRLEN + 3], bracketed[sizeof(cn)];
	int		 n;

	/* Only the leaf's mismatched address is forgiven. */
	if (ok || X509_STORE_CTX_get_error(x) !=
	    X509_V_ERR_IP_ADDRESS_MISMATCH ||
	    X509_STORE_CTX_get_error_depth(x) != 0)
		return (ok);
	/* tls_set_peer_name() set the address; the leaf is the current. */
	ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	addr = SSL_get_app_data(ssl);
	cert = X509_STORE_CTX_get_current_cert(x);
	DEBUG_CHECK(addr != NULL, "tls_verify_cn_addr: no address");
	DEBUG_CHECK(cert != NULL, "tls_verify_cn_addr: no certificate");
	/*
	 * The whole name, as long as its text: a NUL in it would end the
	 * comparison early ("127.0.0.1\0.evil.example").
	 */
	n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
	    NID_commonName, cn, sizeof(cn));
	if (n <= 0 || (size_t)n >= sizeof(cn) - 1 || strlen(cn) != (size_t)n)
		return (ok);
	(void)snprintf(bracketed, sizeof(bracketed), "[%s]", addr);
	if (strcmp(cn, strchr(addr, ':') != NULL ? bracketed : addr) != 0)
		return (ok);
	X509_STORE_CTX_set_error(x, X509_V_OK);
	return (1);
}

/*
 * Set the SNI a client sends and the name it verifies (checkname,
 * commonname=, servername, host).  Returns -1 on failure.
 */
static int
tls_set_peer_name(SSL *ssl, const struct tls_conf *c, const char *host)
{
	const char	*sni, *check;

	sni = c->servername != NULL ? c->servername : c->checkname != NULL ?
	    c->checkname : host;
	check = c->checkname != NULL ? c->checkname : c->servername != NULL ?
	    c->servername : host;
	if (sni != NULL && !tls_name_is_addr(sni) &&
	    SSL_set_tlsext_host_name(ssl, sni) != 1)
		return (-1);
	if (!c->verify || check == NULL)
		return (0);
	if (tls_name_is_addr(check)) {
		if (c->cn_addr) {
			/* check is the conf's or the caller's: it outlives ssl. */
			SSL_set_app_data(ssl, (char *)check);
			SSL_set_verify(ssl, SSL_get_verify_mode(ssl),
			    tls_verify_cn_addr);
		}
		return (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    check) == 1 ? 0 : -1);
	}
	return (SSL_set1_host(ssl, check) == 1 ? 0 : -1);
}

/*
 * DTLS: did the call that returned r fail only on an empty datagram,
 * which OpenSSL takes for a failed read?  It is discarded, as RFC 6347
 * 4.1.2.7 says, and the caller waits for the next.
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

/* End the handshake h: stop watching, free it and tell its owner. */
static void
tls_hs_end(struct tls_hs *h, struct tls *t, char *cause)
{
	tls_done_cb	*done = h->done;
	void		*arg = h->arg;

	ASYNC_CALLBACK(h, "tls_hs_end", done);
	if (t != NULL)
		h->t = NULL;
	tls_handshake_cancel(h);
	done(t, cause, arg);
}

static void
tls_hs_io_cb(__unused int fd, __unused int events, void *arg)
{
	tls_hs_step(arg);
}

static void
tls_hs_deadline_cb(void *arg)
{
	struct tls_hs	*h = arg;
	char		*cause = NULL;

	log_cause(&cause, "TLS handshake failed: %s", strerror(ETIMEDOUT));
	tls_hs_end(h, NULL, cause);
}

/* DTLS: resend the last flight; a server gives up after DTLS_SERVER_RESENDS. */
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

/* Set *cause to why a --secret handshake failed. */
static void
tls_secret_failed(char **cause)
{
	unsigned long	 err = ERR_peek_error();
	int		 r = ERR_GET_REASON(err);

	if (ERR_GET_LIB(err) == ERR_LIB_SSL &&
	    (r == SSL_R_BINDER_DOES_NOT_VERIFY ||
	    r == SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER))
		log_cause(cause, "TLS handshake failed: the other side has "
		    "another code (--secret)");
	else
		log_cause(cause, "TLS handshake failed: the other side did "
		    "not use the code (--secret): %s", tls_error());
}

/*
 * Did the handshake fail as the peer's certificate failed the checks
 * asked for here?  OpenSSL checks a certificate that nobody asked it to
 * verify as well, and keeps the result: that is no failure.
 */
static int
tls_verify_failed(void)
{
	unsigned long	 e[2] = { ERR_peek_error(), ERR_peek_last_error() };
	int		 i;

	for (i = 0; i < 2; i++) {
		if (ERR_GET_LIB(e[i]) == ERR_LIB_SSL &&
		    ERR_GET_REASON(e[i]) == SSL_R_CERTIFICATE_VERIFY_FAILED)
			return (1);
	}
	return (0);
}

/* Does OpenSSL's queued error say the peer spoke no TLS (a plain port)? */
static int
tls_not_tls(void)
{
	unsigned long	 e = ERR_peek_last_error();

	if (ERR_GET_LIB(e) != ERR_LIB_SSL)
		return (0);
	switch (ERR_GET_REASON(e)) {
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
	case SSL_R_HTTP_REQUEST:
	case SSL_R_HTTPS_PROXY_REQUEST:
	case SSL_R_UNKNOWN_PROTOCOL:
	case SSL_R_RECORD_LENGTH_MISMATCH:
		return (1);
	}
	return (0);
}

/* The message for a peer on fd that did not answer TLS, with its address. */
static void
tls_not_tls_cause(int fd, char **cause)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 host[NI_MAXHOST], port[NI_MAXSERV];

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1) {
		log_cause(cause, "TLS handshake failed: the peer did not answer "
		    "TLS: is it a plain port?");
		return;
	}
	net_format((struct sockaddr *)&ss, len, 1, host, sizeof(host), port,
	    sizeof(port));
	log_cause(cause, "TLS handshake failed: the peer at %s port %s did not "
	    "answer TLS: is it a plain port?", host, port);
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
		if (tls_check_peer(h->conf, h->t, &cause) == -1)
			tls_hs_end(h, NULL, cause);
		else
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
	} else if (h->conf->secret != NULL && e == SSL_ERROR_SSL)
		tls_secret_failed(&cause);
	else if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK &&
	    tls_verify_failed())
		log_cause(&cause, "TLS certificate verification failed: %s%s",
		    X509_verify_cert_error_string(vr),
		    h->conf->verify_way != NULL ? h->conf->verify_way : "");
	/*
	 * The peer left mid-handshake: with SSL_OP_IGNORE_UNEXPECTED_EOF
	 * its end-of-file is a clean close to OpenSSL, and no error is
	 * queued to say so.
	 */
	else if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0))
		log_cause(&cause, "TLS handshake failed: %s",
		    errno != 0 ? strerror(errno) : "connection closed by peer");
	else if (!h->server && !h->t->dgram && tls_not_tls())
		tls_not_tls_cause(h->fd, &cause);
	else
		log_cause(&cause, "TLS handshake failed: %s", tls_error());
	tls_hs_end(h, NULL, cause);
}

/* Run DTLS on fd, a connected UDP socket.  Returns -1 on failure. */
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
 * Give t's SSL (NULL if it could not be made) fd, a client's session and
 * the names the peer must bear.  Returns -1 on failure.
 */
static int
tls_hs_ssl(struct tls_ctx *tc, struct tls *t, int fd, const char *host)
{
	const struct tls_conf	*c = tc->conf;

	if (t->ssl == NULL)
		return (-1);
	if (t->dgram ? dtls_set_fd(t->ssl, fd) != 0 :
	    SSL_set_fd(t->ssl, fd) != 1)
		return (-1);
	if (!(tc->flags & TLS_SERVER)) {
		if (tc->session != NULL)
			SSL_set_session(t->ssl, tc->session);
		return (tls_set_peer_name(t->ssl, c, host));
	}
	/* socat's commonname= on a listener: a client certificate's name. */
	if (c->verify && c->checkname != NULL &&
	    SSL_set1_host(t->ssl, c->checkname) != 1)
		return (-1);
	return (0);
}

/*
 * Start a TLS handshake on the connected non-blocking fd, as a server or
 * a client of host, within timeout_ms (TIME_NONE: TLS_HANDSHAKE_MS): with
 * a new connection of tc, or with t (NULL: none), a DTLS one that
 * tls_dtls_listen() took, freed if it cannot start.  done is called once,
 * from the loop, never before this returns: with the TLS state, or NULL
 * and a message it must free; fd stays open, unwatched.  Returns the
 * handshake for tls_handshake_cancel(), or NULL with *cause set.
 */
struct tls_hs *
tls_handshake_start(struct tls_ctx *tc, struct tls *t, int fd,
    const char *host, long long timeout_ms, tls_done_cb *done, void *arg,
    char **cause)
{
	struct tls_hs	*h;
	int		 hello = t != NULL, server = tc->flags & TLS_SERVER;

	*cause = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (t == NULL && (t = calloc(1, sizeof(*t))) == NULL)) {
		free(h);
		log_cause(cause, "TLS: %s", strerror(ENOMEM));
		return (NULL);
	}
	h->t = t;
	/* The peer's name is set and its pins checked (tls_check_peer()). */
	TLS_READ(tc, npins);
	if (!server)
		TLS_READ(tc, servername);
	if (!hello) {
		t->dgram = (tc->flags & TLS_DGRAM) != 0;
		t->ssl = SSL_new(tc->ctx);
	}
	/*
	 * A client that verifies checks a name, or the chain alone would
	 * take any certificate a trusted authority signed: a Unix socket's
	 * path is none.
	 */
	TLS_READ(tc, checkname);
	if (!server && tc->conf->verify && tc->conf->secret == NULL &&
	    host == NULL && tc->conf->servername == NULL &&
	    tc->conf->checkname == NULL) {
		log_cause(cause, "TLS: a Unix socket has no host name to "
		    "verify the certificate for: give one with "
		    "--ssl-servername (a target's: --forward-ssl-servername)");
		goto fail;
	}
	if (tls_hs_ssl(tc, t, fd, host) == -1) {
		log_cause(cause, "TLS: %s", tls_error());
		goto fail;
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
		goto fail;
	}
	ev_timer_arm(&h->deadline, timeout_ms);
	ASYNC_STARTED(h);
	return (h);

fail:
	tls_free(t);
	free(h);
	return (NULL);
}

/*
 * A DTLS server's accept: answer one datagram on lfd statelessly
 * (DTLSv1_listen()), keeping nothing until a cookie comes back.  Returns
 * 1 then, with peer and *tp for tls_handshake_start(); 0 when answered
 * or dropped; -1 with errno (EAGAIN: none waiting).
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

/*
 * The socket ended without close_notify: errno EBADMSG where t's end is
 * the stream's (tls_cut_why() says it), else an end, said with -v.
 */
static ssize_t
tls_cut(struct tls *t)
{
	t->cut = 1;
	/* The answer to our close_notify: nothing it ends is ours to lose. */
	if (t->ending)
		return (0);
	if (t->whole) {
		errno = EBADMSG;
		return (-1);
	}
	log_verbose(1, "TLS: %s; taken for its end (--ssl-verify makes it "
	    "an error)", tls_cut_why(t));
	return (0);
}

/* Map an SSL_read/SSL_write failure r onto errno and *want. */
static ssize_t
tls_fail(struct tls *t, int r, int *want)
{
	switch (SSL_get_error(t->ssl, r)) {
	case SSL_ERROR_ZERO_RETURN:
		if (!t->dgram && !tls_peer_saw(t->ssl, TLS_SAW_CLOSE))
			return (tls_cut(t));
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
		/* The peer's alert, or what broke in its records. */
		if (t->broke == NULL)
			t->broke = ERR_reason_error_string(
			    ERR_peek_last_error());
		errno = EPROTO;
		return (-1);
	}
}

/*
 * Read up to n bytes of plaintext into p without blocking.  Returns the
 * count, 0 at close_notify, or -1 with errno (EAGAIN: retry when ready
 * for *want).  Once only the answer to our close_notify is awaited
 * (tls_ep_await_end()), whatever ends the read is that answer: 0.
 */
ssize_t
tls_read(struct tls *t, void *p, size_t n, int *want)
{
	ssize_t	 rv;
	int	 r;

	ERR_clear_error();
	errno = 0;
	*want = 0;
	if ((r = SSL_read(t->ssl, p, n > INT_MAX ? INT_MAX : (int)n)) > 0) {
		t->got += r;
		return (r);
	}
	if (dtls_empty_datagram(t, r)) {
		*want = EV_READ;
		errno = EAGAIN;
		return (-1);
	}
	if ((rv = tls_fail(t, r, want)) == -1 && t->ending &&
	    errno != EAGAIN) {
		log_verbose(2, "TLS: the wait for the peer's close_notify "
		    "ended: %s", strerror(errno));
		return (0);
	}
	return (rv);
}

/*
 * Write up to n bytes of p without blocking.  Returns the count, or -1
 * with errno (EAGAIN: retry the same bytes when ready for *want).
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

/* The line saying t's stream was cut, and how much came before; else NULL. */
const char *
tls_cut_why(struct tls *t)
{
	static char	 why[96];

	if (t == NULL || !t->cut)
		return (NULL);
	(void)snprintf(why, sizeof(why), "the stream was cut before its end "
	    "(%llu bytes came)", t->got);
	return (why);
}

/*
 * Send close_notify once, not after the peer's stream was cut; again, the
 * rest of one the socket had no room for.  Returns -1 with errno EAGAIN
 * while some of it waits for room (t->owed), else 0: sent, or failed
 * (nothing more can go).
 */
int
tls_close_notify(struct tls *t)
{
	int	 r;

	if (t->cut || (!t->owed &&
	    (SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN)))
		return (0);
	ERR_clear_error();
	r = SSL_shutdown(t->ssl);
	t->owed = r < 0 && SSL_get_error(t->ssl, r) == SSL_ERROR_WANT_WRITE;
	if (t->owed) {
		errno = EAGAIN;
		return (-1);
	}
	return (0);
}

/*
 * Does t hold bytes that no poll of its socket announces: decrypted, or
 * with DTLS, records of a datagram read whole (RFC 6347 4.1.1: a
 * datagram may carry several)?  A TLS stream's are a record's part.
 */
int
tls_pending(struct tls *t)
{
	if (t->dgram)
		return (SSL_has_pending(t->ssl));
	return (SSL_pending(t->ssl) > 0);
}

/*
 * The rest of our close_notify, if owed, then the end ep declared; until
 * then its reader waits for room too (tls_ep_shutdown()).  Keeps errno.
 */
static void
tls_ep_owed(struct endpoint *ep)
{
	struct tls	*t = ep->data;
	int		 saved = errno;

	if (!t->owed)
		return;
	if (tls_close_notify(t) == 0)
		ep_shutdown(ep, 0);
	else
		ep->rwant = (ep->rwant != 0 ? ep->rwant : EV_READ) | EV_WRITE;
	errno = saved;
}

static ssize_t
tls_ep_read(struct endpoint *ep, void *p, size_t n)
{
	ssize_t	 r;
	int	 want = ep->rwant;

	/* DTLS's close_notify is an end, where a datagram has none. */
	r = tls_read(ep->data, p, n, &want);
	ep->rwant = want;
	tls_ep_owed(ep);
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
	return (tls_pending(ep->data));
}

/*
 * close_notify before the socket's end.  A socket with no room for it
 * (a peer slow to read what came before) takes it later: its reader waits
 * for room, and its read sends the rest first, then ends the socket
 * (tls_ep_owed()).  The end is not said before close_notify: the peer
 * would take it for a cut.
 */
static int
tls_ep_shutdown(struct endpoint *ep)
{
	if (tls_close_notify(ep->data) == 0)
		return (0);
	ep->rwant = (ep->rwant != 0 ? ep->rwant : EV_READ) | EV_WRITE;
	ep_update(ep);
	return (-1);
}

/*
 * Our close_notify went and ends the session: a client awaits the
 * server's, or its end, as socat's does, so that a server that writes out
 * what it got before it answers has done so when we exit (within the
 * session's grace, socat's -t).  A server, or DTLS, awaits nothing.
 */
static int
tls_ep_await_end(struct endpoint *ep)
{
	struct tls	*t = ep->data;
	int		 sd;

	if (t->dgram || t->cut || SSL_is_server(t->ssl))
		return (0);
	sd = SSL_get_shutdown(t->ssl);
	if (!(sd & SSL_SENT_SHUTDOWN) || (sd & SSL_RECEIVED_SHUTDOWN))
		return (0);
	t->ending = 1;
	return (1);
}

static const char *
tls_ep_why(struct endpoint *ep, int error)
{
	static char	 why[128];
	struct tls	*t = ep->data;

	if (error == EPROTO && t != NULL && t->broke != NULL) {
		(void)snprintf(why, sizeof(why), "TLS: %s", t->broke);
		return (why);
	}
	return (error == EBADMSG ? tls_cut_why(t) : NULL);
}

/* The session is over: close_notify if it ended whole, else a cut. */
static void
tls_ep_free(struct endpoint *ep)
{
	if (ep->flags & EP_WHOLE)
		tls_close_notify(ep->data);
	tls_free(ep->data);
	ep->data = NULL;
}

static const struct ep_ops tls_ops = {
	.read = tls_ep_read,
	.write = tls_ep_write,
	.pending = tls_ep_pending,
	.shutdown = tls_ep_shutdown,
	.await_end = tls_ep_await_end,
	.why = tls_ep_why,
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
