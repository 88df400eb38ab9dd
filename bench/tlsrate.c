/*
 * TLS connections per second against a TLS echo server on
 * 127.0.0.1:PORT: each connection is a full handshake (no session is
 * resumed), or with "resume" each after the first resumes the session of
 * the one before (the server's ticket), then one line sent and read back
 * whole, then close_notify and close.  The client turns Nagle's algorithm off, as curl and most TLS
 * clients do, so that what is measured is the server.  Runs for COUNT
 * connections or SECONDS, whichever is first; prints the rate and the
 * number of connections made (for a server's CPU a connection).  Every
 * answer is checked; the certificate is not (the servers use a
 * throw-away one).  Given a key in hex, the handshake is TLS 1.3 with it
 * as an external PSK instead, as sockcat --secret makes one (the key is
 * sockcat --secret=CODE --print-psk), with a fresh key exchange each time.
 * With "resume", a connection the server did not let resume is said on
 * the standard error, once, with their number.
 *
 *	tlsrate PORT COUNT SECONDS [PSK | resume]
 *
 * Build: cc -O2 -o tlsrate tlsrate.c -lssl -lcrypto
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* The PSK given, as bytes. */
static unsigned char	 psk[64];
static size_t		 psklen;

/* The client offers the PSK, as a TLS 1.3 session of its own. */
static int
use_psk(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *idlen,
    SSL_SESSION **sess)
{
	static const unsigned char	 aes128gcm[] = { 0x13, 0x01 };

	(void)md;
	if ((*sess = SSL_SESSION_new()) == NULL ||
	    !SSL_SESSION_set1_master_key(*sess, psk, psklen) ||
	    !SSL_SESSION_set_cipher(*sess, SSL_CIPHER_find(ssl, aes128gcm)) ||
	    !SSL_SESSION_set_protocol_version(*sess, TLS1_3_VERSION))
		return (0);
	*id = (const unsigned char *)"sockcat";
	*idlen = 7;
	return (1);
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	const char		 msg[] = "ping\n";
	char			 buf[64];
	double			 start, limit;
	SSL_CTX			*ctx;
	SSL			*ssl;
	SSL_SESSION		*sess = NULL;
	size_t			 got;
	int			 i, count, s, n, one = 1, resume, full = 0;

	if (argc != 4 && argc != 5)
		errx(1, "usage: tlsrate port count seconds [psk | resume]");
	resume = argc == 5 && strcmp(argv[4], "resume") == 0;
	for (i = 0; argc == 5 && !resume && argv[4][2 * i] != '\0'; i++) {
		if (i == sizeof(psk) ||
		    sscanf(argv[4] + 2 * i, "%2hhx", &psk[i]) != 1)
			errx(1, "psk: hex digits, at most %zu bytes",
			    sizeof(psk));
		psklen++;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	count = atoi(argv[2]);
	limit = atof(argv[3]);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(1, "SSL_CTX_new");
	/*
	 * Every connection a full handshake: no session is kept, though the
	 * server still sends its tickets, as it would to any client.  Or
	 * the session of each is kept, by hand, for the next.
	 */
	SSL_CTX_set_session_cache_mode(ctx, resume ? SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE : SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (psklen > 0) {
		SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
		SSL_CTX_set_psk_use_session_callback(ctx, use_psk);
	}

	start = now();
	for (i = 0; i < count && now() - start < limit; i++) {
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			err(1, "socket");
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			err(1, "connect");
		if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, s) != 1)
			errx(1, "SSL_new");
		if (sess != NULL)
			SSL_set_session(ssl, sess);
		if (SSL_connect(ssl) != 1) {
			ERR_print_errors_fp(stderr);
			errx(1, "connection %d: handshake failed", i);
		}
		if (resume && i > 0 && !SSL_session_reused(ssl))
			full++;
		if (SSL_write(ssl, msg, sizeof(msg) - 1) != sizeof(msg) - 1)
			errx(1, "connection %d: write failed", i);
		for (got = 0; got < sizeof(msg) - 1; got += n) {
			if ((n = SSL_read(ssl, buf + got, sizeof(buf) - got)) <= 0)
				break;
		}
		if (got != sizeof(msg) - 1 || memcmp(buf, msg, got) != 0)
			errx(1, "connection %d: wrong echo (%zu bytes)", i, got);
		/* TLS 1.3's tickets came after the handshake, before the echo. */
		if (resume) {
			if (sess != NULL)
				SSL_SESSION_free(sess);
			sess = SSL_get1_session(ssl);
		}
		SSL_shutdown(ssl);
		SSL_free(ssl);
		close(s);
	}
	printf("%.1f %d\n", i / (now() - start), i);
	if (full > 0)
		fprintf(stderr, "tlsrate: %d of %d connections not resumed\n",
		    full, i - 1);
	if (sess != NULL)
		SSL_SESSION_free(sess);
	SSL_CTX_free(ctx);
	return (0);
}
