/*
 * --secret's code, from the option, SOCKCAT_SECRET, --secret-file or the
 * terminal, or drawn by a listener.  What the code becomes is
 * src/io/tlssecret.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "front.h"

/* The variable a bare --secret reads the code from. */
#define SECRET_ENV		"SOCKCAT_SECRET"

/*
 * A code secretcode_bits() puts under this many bits is said to be weak: one
 * recorded handshake lets anyone guess at it offline.
 */
#define SECRET_WEAK_BITS	60

/* tls_secret_name() fills a rendezvous name. */
#if RDV_NAME_LEN != TLS_PSK_LEN
#error "a rendezvous name is not of the length tls_secret_name() makes"
#endif

/* The longest code the terminal is asked for. */
#define SECRET_TYPED_MAX	256

/* What the code is kept in, for as long as the program runs. */
static char	 secret_norm[SECRET_TEXT_MAX];	/* a drawn code's symbols */
static char	 secret_drawn[SECRET_TEXT_MAX];	/* one drawn here, shown */
static char	 secret_typed[SECRET_TYPED_MAX];
static char	*secret_env;
static char	 secret_peer[sizeof(secret_drawn) + 32 + 320];
/* --via's relay: its host, and as messages say it, HOST:PORT. */
static char	 secret_relay_host[256];
static char	 secret_relay[sizeof(secret_relay_host) + 40];
static char	 secret_relay_port[32];
static char	 secret_relay_path[1024];
/* A weak code's bits, said once the command line is taken; -1: none. */
static int	 secret_weak = -1;

/*
 * Copy, blank and remove the environment variable name, so no program we
 * start sees it.  Returns the copy, or NULL when unset.
 */
__startup char *
secret_env_take(const char *name)
{
	char	*v, *copy;

	if ((v = getenv(name)) == NULL)
		return (NULL);
	if ((copy = strdup(v)) == NULL)
		fatal("strdup");
	explicit_bzero(v, strlen(v));
	if (unsetenv(name) == -1)
		fatal("unsetenv");
	return (copy);
}

/*
 * Take text as o's side's code, noting it when weak (secret_warn()); a
 * slip in a drawn one exits.
 */
static void
secret_take(struct options *o, const char *text)
{
	int	 bits;

	switch (secretcode_parse(text, secret_norm)) {
	case 0:
		o->side.tls.secret = secret_norm;
		o->side.tls.secret_own = 0;
		break;
	case 1:
		if (*text == '\0')
			fatalx("--secret: the code is empty");
		o->side.tls.secret = text;
		o->side.tls.secret_own = 1;
		break;
	default:
		fatalx("the code does not match: check it");
	}
	/* With --via, secret_via() says it, and refuses it. */
	if (o->via == NULL && (bits = secretcode_bits(o->side.tls.secret)) <
	    SECRET_WEAK_BITS)
		secret_weak = bits;
}

/*
 * Warn of a weak code, once the command line is taken: a line that
 * refuses it comes alone.
 */
__startup void
secret_warn(void)
{
	if (secret_weak != -1)
		log_warnx("--secret: a code of about %d bits can be guessed "
		    "offline from a recorded handshake; a listener given a "
		    "bare --secret draws a strong one", secret_weak);
	secret_weak = -1;
}

/*
 * --via ws:// or wss://: set sd's via and the relay's host, *port.  Returns
 * 0 when url is no such URL.
 */
static __startup int
secret_via_url(struct side *sd, const char *url, char **port)
{
	struct side	 url_side;
	char		*hostbuf, *path, *auth, *cause;

	memset(&url_side, 0, sizeof(url_side));
	if (strncasecmp(url, "ws://", 5) != 0 &&
	    strncasecmp(url, "wss://", 6) != 0)
		return (0);
	if (side_ws_url(&url_side, url, &hostbuf, port, &path, &auth,
	    &cause) == -1)
		fatalx("--via: %s", cause != NULL ? cause : strerror(errno));
	if (auth != NULL)
		fatalx("--via: %s: a relay takes no user or password", url);
	/* The port points into hostbuf, as the host does. */
	if (strlcpy(secret_relay_host, url_side.host,
	    sizeof(secret_relay_host)) >= sizeof(secret_relay_host) ||
	    strlcpy(secret_relay_port, *port, sizeof(secret_relay_port)) >=
	    sizeof(secret_relay_port))
		fatalx("--via: the relay's name is too long");
	*port = secret_relay_port;
	free(hostbuf);
	if (strlcpy(secret_relay_path, path, sizeof(secret_relay_path)) >=
	    sizeof(secret_relay_path))
		fatalx("--via: the relay's path is too long");
	free(path);
	/*
	 * The side's own WebSocket is not on: what the mode is given is the
	 * TLS with the peer, not a WebSocket.
	 */
	sd->via.ws = 1;
	sd->via.ws_path = secret_relay_path;
	sd->via.wss = url_side.tls.on;
	return (1);
}

/* --via: dial the relay instead; a code a relay could guess offline exits. */
static __startup void
secret_via(struct options *o)
{
	struct side	*sd = &o->side;
	char		*host, *port = NULL, *p, *cause = NULL;
	char		 err[256];
	int		 bits;

	if ((bits = secretcode_bits(sd->tls.secret)) < SECRET_STRONG_BITS)
		fatalx("--via: a code of about %d bits could be guessed offline "
		    "by the relay; give -l or --chat a bare --secret to draw "
		    "one of %d bits", bits, SECRET_SYMBOLS * 5);
	if (strlcpy(secret_relay_host, o->via, sizeof(secret_relay_host)) >=
	    sizeof(secret_relay_host))
		fatalx("--via: the relay's name is too long");
	host = secret_relay_host;
	if (secret_via_url(sd, o->via, &port)) {
		/* Messages name the relay by its URL. */
		strlcpy(secret_relay, o->via, sizeof(secret_relay));
		goto ports;
	}
	if (*host == '[' && (p = strchr(host, ']')) != NULL) {
		*p++ = '\0';
		host++;
		if (*p == ':')
			port = p + 1;
		else if (*p != '\0')
			fatalx("--via: %s is not HOST[:PORT]", o->via);
	} else if ((p = strchr(host, ':')) != NULL && strchr(p + 1, ':') ==
	    NULL) {
		*p = '\0';
		port = p + 1;
	}
	if (*host == '\0' || (port != NULL && *port == '\0'))
		fatalx("--via: %s is not HOST[:PORT]", o->via);
	if (port == NULL)
		port = RDV_PORT;
	snprintf(secret_relay, sizeof(secret_relay), "%s%s%s:%s",
	    strchr(host, ':') != NULL ? "[" : "", host,
	    strchr(host, ':') != NULL ? "]" : "", port);
ports:
	parse_ports_free(sd->ports, sd->nports);
	sd->ports = NULL;
	sd->nports = 0;
	if (parse_ports(port, 0, 1, &sd->ports, &sd->nports, err,
	    sizeof(err)) == -1 || sd->nports != 1)
		fatalx("--via: %s", sd->nports > 1 ? "one port" : err);
	sd->host = host;
	sd->listen = 0;
	sd->via.on = 1;
	sd->via.relay = secret_relay;
	sd->via.wait_ms = sd->timeout_ms != TIME_NONE && sd->timeout_ms > 0 ?
	    sd->timeout_ms : RELAY_WAIT_MS;
	if (tls_secret_name(&sd->tls, sd->via.name, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
}

/*
 * A step of cmdline_check(): find --secret's code (SOCKCAT_SECRET, a
 * listener's drawn one, or the terminal) and check it.
 */
__startup void
secret_find(struct cmdline *cl)
{
	struct options	*o = cl->o;
	const char	*text = o->side.tls.secret;

	if (secret_env == NULL)
		secret_env = secret_env_take(SECRET_ENV);
	if (text == NULL)
		return;
	if (cl->secret_bare) {
		if (secret_env != NULL && *secret_env != '\0')
			text = secret_env;
		else if ((o->side.listen || (o->via != NULL && o->chat)) &&
		    !o->print_psk) {
			secretcode_draw(secret_drawn);
			text = secret_drawn;
			snprintf(secret_peer, sizeof(secret_peer),
			    "sockcat%s%s%s --secret=%s", o->chat ? " --chat" :
			    "", o->via != NULL ? " --via " : "",
			    o->via != NULL ? o->via : "", secret_drawn);
			o->side.tls.secret_peer = secret_peer;
		} else if ((text = readpassphrase("Code (--secret): ",
		    secret_typed, sizeof(secret_typed),
		    RPP_REQUIRE_TTY)) == NULL)
			fatalx("--secret: no code given and no terminal to ask "
			    "for it on (--secret=CODE, SOCKCAT_SECRET or "
			    "--secret-file)");
	}
	secret_take(o, text);
	if (o->via != NULL)
		secret_via(o);
}

/* --print-psk: print the key --secret's code makes, in hex, and exit. */
__dead void
secret_print_psk(struct cmdline *cl)
{
	unsigned char	 key[TLS_PSK_LEN];
	char		*cause;
	size_t		 i;

	if (cl->o->side.tls.secret == NULL)
		fatalx("must use --secret with --print-psk");
	secret_find(cl);
	secret_warn();
	if (tls_secret_key(&cl->o->side.tls, key, &cause) == -1)
		fatalx("%s", cause != NULL ? cause : strerror(errno));
	for (i = 0; i < sizeof(key); i++)
		printf("%02x", key[i]);
	printf("\n");
	explicit_bzero(key, sizeof(key));
	if (fflush(stdout) == EOF || ferror(stdout))
		fatal("stdout");
	exit(0);
}
