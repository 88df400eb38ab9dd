/*
 * The parts of a side given as URLs: a proxy of a chain (-x's hops, a
 * side's proxy=) and a WebSocket address (ws://, wss://, ws+unix://),
 * read into the side that side.c parses.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "side.h"

/*
 * Fill h with one proxy of a chain: a URL with its protocol and
 * credentials, or HOST[:PORT] of protocol proto.  h owns what it holds
 * (side_proxy_hop_free()).  Returns 0, or -1 with *cause set.
 */
int
side_proxy_hop_parse(struct proxy_hop *h, int proto, const char *arg,
    char **cause)
{
	struct proxy_url	 u;
	const char		*errstr;
	char			 label[PROXY_URL_MAX];

	memset(h, 0, sizeof(*h));
	if (url_proxy_is(arg, strlen(arg))) {
		if (url_proxy_parse(arg, strlen(arg), &u, &errstr) == -1) {
			log_cause(cause, "%s", errstr);
			return (-1);
		}
		h->proto = u.proto;
		h->tls = u.tls;
		if ((h->host = strdup(u.host)) == NULL ||
		    (u.port[0] != '\0' && (h->port = strdup(u.port)) == NULL))
			goto nomem;
		if (u.has_user && ((h->user = strdup(u.user)) == NULL ||
		    (u.has_pass && (h->pass = strdup(u.pass)) == NULL)))
			goto nomem;
		h->owned = u.has_user;
		explicit_bzero(&u, sizeof(u));
	} else {
		h->proto = proto;
		if (proxy_parse_addr(arg, &h->host, &h->port, &errstr) == -1) {
			log_cause(cause, "%s", errstr);
			return (-1);
		}
	}
	if (h->port == NULL &&
	    (h->port = strdup(proxy_default_port(h->proto))) == NULL)
		goto nomem;
	/* Messages name it as a URL without its password. */
	snprintf(label, sizeof(label), strchr(h->host, ':') != NULL ?
	    "%s://%s%s[%s]:%s" : "%s://%s%s%s:%s", h->tls ? "https" :
	    url_proxy_scheme(h->proto),
	    h->user != NULL ? h->user : "", h->user != NULL ? "@" : "",
	    h->host, h->port);
	if ((h->label = strdup(label)) == NULL)
		goto nomem;
	return (0);

nomem:
	explicit_bzero(&u, sizeof(u));
	side_proxy_hop_free(h);
	log_cause(cause, "%s", strerror(ENOMEM));
	return (-1);
}

/* Free what side_proxy_hop_parse() gave h. */
void
side_proxy_hop_free(struct proxy_hop *h)
{
	free(h->host);
	free(h->port);
	free((char *)h->label);
	if (h->basic != NULL)
		freezero(h->basic, strlen(h->basic));
	if (h->owned) {
		if (h->pass != NULL)
			freezero((char *)h->pass, strlen(h->pass));
		free((char *)h->user);
	}
	memset(h, 0, sizeof(*h));
}

/* What follows the colon of a WebSocket URL short of a slash, or NULL. */
static const char *
ws_url_slashes(const char *url)
{
	size_t	 n;

	if (strncasecmp(url, "ws:", 3) == 0)
		n = 3;
	else if (strncasecmp(url, "wss:", 4) == 0)
		n = 4;
	else
		return (NULL);
	if (url[n] == '\0' || strncmp(url + n, "//", 2) == 0)
		return (NULL);
	return (url + n);
}

/*
 * Read a "ws+unix:PATH[:REQPATH]" URL's rest into sd's host (*port NULL),
 * the rest as side_ws_url().
 */
static int
side_ws_unix_url(struct side *sd, const char *rest, char **hostbuf,
    char **port, char **path, char **cause)
{
	char	*colon;

	/* "//" and no host: the path starts after it, as in file:///. */
	if (strncmp(rest, "//", 2) == 0)
		rest += 2;
	if (*rest == '\0' || *rest == ':') {
		log_cause(cause, "invalid URL: no socket path (ws+unix:"
		    "///path/to/socket:/path)");
		return (-1);
	}
	if ((*hostbuf = strdup(rest)) == NULL)
		goto nomem;
	if ((colon = strchr(*hostbuf, ':')) != NULL)
		*colon++ = '\0';
	if (asprintf(path, "%s%.*s", colon == NULL || *colon != '/' ? "/" :
	    "", colon == NULL ? 0 : (int)strcspn(colon, "#"),
	    colon == NULL ? "" : colon) == -1) {
		*path = NULL;
		goto nomem;
	}
	*port = NULL;
	sd->host = *hostbuf;
	sd->sock.family = AF_UNIX;
	sd->ws.on = 1;
	sd->ws.path = *path;
	return (0);

nomem:
	log_cause(cause, "%s", strerror(errno));
	free(*hostbuf);
	*hostbuf = NULL;
	return (-1);
}

/*
 * Read a ws:// or wss:// URL for sd: host, *port (80, 443), *path ("/"),
 * user information as a Basic header in *auth (or NULL); wss:// verifies
 * unless insecure or pinned.  The host points into *hostbuf; *hostbuf,
 * *path and *auth are the caller's to free.  Returns 0, or -1 with *cause
 * set (NULL when url is no WebSocket URL).
 */
int
side_ws_url(struct side *sd, const char *url, char **hostbuf, char **port,
    char **path, char **auth, char **cause)
{
	const char	*rest;
	char		*h, *e, *at, *p, line[1024];
	int		 secure;

	*cause = NULL;
	*hostbuf = *path = *auth = NULL;
	if (strncasecmp(url, "ws+unix:", 8) == 0)
		return (side_ws_unix_url(sd, url + 8, hostbuf, port, path,
		    cause));
	if (strncasecmp(url, "ws://", 5) == 0)
		secure = 0;
	else if (strncasecmp(url, "wss://", 6) == 0)
		secure = 1;
	else if ((rest = ws_url_slashes(url)) != NULL) {
		/* "ws:/host", "wss:host": a slash short, not a host name. */
		log_cause(cause, "invalid URL: %s: did you mean %.*s//%s?",
		    url, (int)(strchr(url, ':') + 1 - url), url,
		    rest + strspn(rest, "/"));
		return (-1);
	} else
		return (-1);
	if ((*hostbuf = strdup(url + (secure ? 6 : 5))) == NULL)
		goto nomem;
	h = *hostbuf;
	p = h + strcspn(h, "/?#");
	if (asprintf(path, "%s%.*s", *p == '/' ? "" : "/",
	    (int)strcspn(p, "#"), p) == -1) {
		*path = NULL;
		goto nomem;
	}
	*p = '\0';
	if ((at = strrchr(h, '@')) != NULL) {
		if (ws_basic_auth(h, at - h, line, sizeof(line)) == -1) {
			log_cause(cause, "invalid URL: bad user information");
			goto fail;
		}
		*auth = strdup(line);
		explicit_bzero(line, sizeof(line));
		if (*auth == NULL)
			goto nomem;
		h = at + 1;
	}
	*port = secure ? "443" : "80";
	if (*h == '[') {
		if ((e = strchr(h, ']')) == NULL)
			goto bad;
		*e++ = '\0';
		h++;
	} else
		e = strchr(h, ':');
	if (e != NULL && *e == ':') {
		*e++ = '\0';
		*port = e;
	} else if (e != NULL && *e != '\0')
		goto bad;
	if (*h == '\0') {
		log_cause(cause, "invalid URL: no host");
		goto fail;
	}
	sd->host = h;
	sd->ws.on = 1;
	sd->ws.path = *path;
	if (secure) {
		SIDE_TAKEN(ws.insecure);
		sd->tls.on = 1;
		if (!sd->ws.insecure && sd->tls.npins == 0)
			sd->tls.verify = 1;
		/* What websocat's and curl's users look for: the way out. */
		if (sd->tls.verify)
			sd->tls.verify_way = " (--ws-insecure accepts any "
			    "certificate, --ssl-trustfile FILE trusts its CA)";
	}
	return (0);

bad:
	log_cause(cause, "invalid URL: %s", url);
	goto fail;
nomem:
	log_cause(cause, "%s", strerror(ENOMEM));
fail:
	free(*hostbuf);
	free(*path);
	free(*auth);
	*hostbuf = *path = *auth = NULL;
	return (-1);
}
