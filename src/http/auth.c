/*
 * The credentials every HTTP-speaking server asks for: Basic, Digest (RFC
 * 7616) with our own nonces, a bearer token, --auth-file users checked off
 * the loop, and the challenge; limits are src/http/authlimit.c's.  Every
 * secret is compared in constant time.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "auth-int.h"

/*
 * A Digest nonce (one for each challenge) is its issue time (seconds of
 * the monotonic clock: nonces live in this process only) and serial
 * number in hex, then a MAC of both under a secret of the process: it
 * lasts AUTH_NONCE_LIFE seconds, and while it is one of the last
 * AUTH_NONCES issued, its nonce count (nc) must grow with each use.
 */
#define AUTH_SECRET_BYTES	16	/* four arc4random() words */
#define AUTH_NONCE_LIFE		300
#define AUTH_NONCES		256	/* nonces whose nc is kept */
#define AUTH_MAC_HEX		32	/* hex digits of the MAC kept */
#define AUTH_NONCE_LEN		(16 + 8 + AUTH_MAC_HEX)

/* The last nonce count seen of the nonce with that serial number. */
struct auth_nonce {
	uint32_t	 serial;
	uint32_t	 nc;
	int		 issued;
};

/*
 * What the checks change as the program runs: one set for the process,
 * which serves one set of credentials (a server's, or a proxy's).
 */
static struct {
	int			 ready;
	char			 secret[2 * AUTH_SECRET_BYTES + 1];
	uint32_t		 serial;	/* the last nonce's */
	struct auth_nonce	 nonces[AUTH_NONCES]; /* by serial */
} auth_state;

/*
 * Are the len bytes at a the string b?  Compares their SHA-256 with
 * timingsafe_bcmp(3), so the time says nothing of where they differ or
 * their lengths.
 */
int
auth_same(const void *a, size_t len, const char *b)
{
	unsigned char	 ha[32], hb[32];
	int		 same;

	digest(DIGEST_SHA256, a, len, ha);
	digest(DIGEST_SHA256, b, strlen(b), hb);
	same = timingsafe_bcmp(ha, hb, sizeof(ha)) == 0;
	explicit_bzero(ha, sizeof(ha));
	explicit_bzero(hb, sizeof(hb));
	return (same);
}

/* Are strings a and b equal, as auth_same() compares? */
static int
auth_equal(const char *a, const char *b)
{
	return (auth_same(a, strlen(a), b));
}

/* Does c ask for anything? */
__startup int
auth_on(const struct auth_conf *c)
{
	return (c->nusers > 0 || c->token != NULL);
}

/* Has c a user with a password, whom Digest can check? */
static int
auth_digestible(const struct auth_conf *c)
{
	size_t	 i;

	for (i = 0; i < c->nusers; i++) {
		if (c->users[i].pass != NULL)
			return (1);
	}
	return (0);
}

/* Add a user to c, copying name and password or hash.  -1 on failure. */
static int
auth_user_add(struct auth_conf *c, const char *name, size_t nlen,
    const char *pass, const char *hash)
{
	struct auth_user	*u;

	if ((u = reallocarray(c->users, c->nusers + 1,
	    sizeof(*c->users))) == NULL)
		return (-1);
	c->users = u;
	u = &c->users[c->nusers];
	memset(u, 0, sizeof(*u));
	if ((u->name = strndup(name, nlen)) == NULL ||
	    (pass != NULL && (u->pass = strdup(pass)) == NULL) ||
	    (hash != NULL && (u->hash = strdup(hash)) == NULL)) {
		free(u->name);
		free(u->pass);
		return (-1);
	}
	c->nusers++;
	return (0);
}

/* --auth "user:password": add a user to c.  Returns 0, or -1 with *cause. */
int
auth_add(struct auth_conf *c, const char *s, char **cause)
{
	const char	*colon;

	if ((colon = strchr(s, ':')) == NULL || colon == s) {
		log_cause(cause, "auth invalid: %s (USER:PASSWORD)", s);
		return (-1);
	}
	if ((size_t)(colon - s) > HTTP_CRED_MAX ||
	    strlen(colon + 1) > HTTP_CRED_MAX) {
		log_cause(cause, "auth invalid: user or password too long");
		return (-1);
	}
	if (auth_user_add(c, s, colon - s, colon + 1, NULL) == -1) {
		log_cause(cause, "auth: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* Free c's users and token, secrets overwritten first. */
void
auth_free(struct auth_conf *c)
{
	struct auth_user	*u;
	size_t			 i;

	for (i = 0; i < c->nusers; i++) {
		u = &c->users[i];
		if (u->pass != NULL)
			explicit_bzero(u->pass, strlen(u->pass));
		free(u->name);
		free(u->pass);
		free(u->hash);
	}
	free(c->users);
	if (c->token != NULL) {
		explicit_bzero((char *)c->token, strlen(c->token));
		free((char *)c->token);
	}
	memset(c, 0, sizeof(*c));
}

/* Is h a crypt(3) hash of a form htpasswd writes that we check? */
static int
auth_hash_known(const char *h)
{
	static const char	*known[] = { "$2y$", "$2b$", "$5$", "$6$" };
	size_t			 i;

	for (i = 0; i < nitems(known); i++) {
		if (strncmp(h, known[i], strlen(known[i])) == 0)
			return (1);
	}
	return (0);
}

/*
 * --auth-file: read path's "user:hash" lines (htpasswd(1)'s bcrypt or
 * SHA-2 crypt; blank and '#' lines skipped).  Weaker hashes are refused.
 * Returns 0, or -1 with *cause.
 */
int
auth_file_read(struct auth_conf *c, const char *path, char **cause)
{
	FILE		*f;
	char		*line = NULL, *colon;
	const char	*why = NULL;
	size_t		 size = 0, n = 0;
	ssize_t		 len;
	int		 rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		log_cause(cause, "auth-file: %s: %s", path, strerror(errno));
		return (-1);
	}
	while ((len = getline(&line, &size, f)) != -1) {
		n++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || *line == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			why = "not user:hash";
		else if (!auth_hash_known(colon + 1))
			why = "unsupported hash (use htpasswd -B, or a $5$ or "
			    "$6$ crypt)";
		else if ((size_t)(colon - line) > HTTP_CRED_MAX)
			why = "user too long";
		if (why != NULL) {
			log_cause(cause, "auth-file: %s, line %zu: %s", path, n,
			    why);
			goto out;
		}
		if (auth_user_add(c, line, colon - line, NULL, colon + 1) ==
		    -1) {
			log_cause(cause, "auth-file: %s", strerror(errno));
			goto out;
		}
	}
	if (ferror(f)) {
		log_cause(cause, "auth-file: %s: %s", path, strerror(errno));
		goto out;
	}
	if (c->nusers == 0) {
		log_cause(cause, "auth-file: %s: no users", path);
		goto out;
	}
	if (authcrypt_load(cause) == -1)
		goto out;
	rc = 0;
out:
	free(line);
	fclose(f);
	return (rc);
}

/* The MAC of a nonce's time and serial (24 hex digits), in mac. */
static void
auth_nonce_mac(const char *ts, char mac[DIGEST_HEX_MAX])
{
	char	 s[2 * AUTH_SECRET_BYTES + 32];

	snprintf(s, sizeof(s), "%s:%.24s", auth_state.secret, ts);
	digest_hex(DIGEST_SHA256, s, mac);
	explicit_bzero(s, sizeof(s));
}

/*
 * The value of n (<= 16) hex digits at p, or -1 when not all hex or too
 * large for a long long (a peer's sixteen f's).
 */
static long long
auth_hex(const char *p, size_t n)
{
	unsigned long long	 v = 0;
	size_t			 i;
	int			 c;

	if (n > 16)
		return (-1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + c - '0';
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + c - 'a' + 10;
		else
			return (-1);
	}
	return (v > LLONG_MAX ? -1 : (long long)v);
}

/*
 * The slot of our nonce n (NULL: none), or NULL if it is not ours (or its
 * MAC is wrong); *stale if ours but too old or out of the last AUTH_NONCES.
 * Its time and serial are hex once the MAC says we wrote them.
 */
static struct auth_nonce *
auth_nonce_find(const char *n, int *stale)
{
	struct auth_nonce	*pn;
	char			 mac[DIGEST_HEX_MAX];
	long long		 t, serial;

	*stale = 0;
	if (!auth_state.ready || n == NULL || strlen(n) != AUTH_NONCE_LEN)
		return (NULL);
	auth_nonce_mac(n, mac);
	if (timingsafe_bcmp(mac, n + 24, AUTH_MAC_HEX) != 0)
		return (NULL);
	t = auth_hex(n, 16);
	serial = auth_hex(n + 16, 8);
	DEBUG_CHECK(t != -1 && serial != -1, "auth_nonce_find: a nonce of "
	    "ours is not hex");
	pn = &auth_state.nonces[serial % AUTH_NONCES];
	if ((uint64_t)t + AUTH_NONCE_LIFE < ev_now() / 1000 ||
	    !pn->issued || pn->serial != (uint32_t)serial)
		*stale = 1;
	return (pn);
}

/* Is the string s, which a peer may have left out (NULL), want? */
static int
auth_is(const char *s, const char *want)
{
	return (s != NULL && want != NULL && strcmp(s, want) == 0);
}

/*
 * Check Digest credentials v (after "Digest ", parsed in place) for a: our
 * realm and nonce, this target, a user with a password, the right response
 * (RFC 7616 qop=auth, or RFC 2069 without qop).  A right answer is stale
 * when its nonce is old or unknown or its count not above the last (a
 * replay); a qop-less nonce is used once.  *user: the user named, escaped.
 */
static enum auth_verdict
auth_digest(const struct auth_conf *c, char *v, const struct auth_ask *a,
    char *user, size_t usize)
{
	struct auth_nonce	*pn;
	struct http_digest	 d;
	const struct auth_user	*u = NULL, *as = NULL;
	char			 want[DIGEST_HEX_MAX];
	long long		 nc = 1;
	size_t			 i;
	int			 ok = 0, stale;

	if (http_digest_parse(v, &d) == -1 || d.username == NULL ||
	    d.response == NULL)
		return (AUTH_WRONG);
	/* A hash and a qop we know. */
	if (d.alg == -1 || (d.qop != NULL && strcasecmp(d.qop, "auth") != 0))
		return (AUTH_WRONG);
	/* Our realm and nonce, for this target in either form. */
	if (!auth_is(d.realm, AUTH_REALM) ||
	    (pn = auth_nonce_find(d.nonce, &stale)) == NULL)
		return (AUTH_WRONG);
	if (!auth_is(d.uri, a->uri) && !auth_is(d.uri, a->uri2))
		return (AUTH_WRONG);
	log_escape(user, usize, d.username, strlen(d.username));
	/* RFC 7616, section 3.4: nc is 8 hex digits. */
	if (d.qop != NULL && (d.nc == NULL || strlen(d.nc) != 8 ||
	    (nc = auth_hex(d.nc, 8)) == -1))
		return (AUTH_WRONG);
	/*
	 * Every user is looked at, and an unknown one is answered as the
	 * first user who can be (auth_digestible()), so that the time
	 * names none.
	 */
	for (i = 0; i < c->nusers; i++) {
		if (c->users[i].pass == NULL)
			continue;
		if (as == NULL)
			as = &c->users[i];
		if (auth_equal(d.username, c->users[i].name) && u == NULL)
			u = &c->users[i];
	}
	if (as != NULL && http_digest_response(&d, (u != NULL ? u : as)->name,
	    (u != NULL ? u : as)->pass, a->method, d.uri, want) == 0) {
		ok = auth_equal(d.response, want) && u != NULL;
		explicit_bzero(want, sizeof(want));
	}
	if (!ok)
		return (AUTH_WRONG);
	if (stale || (uint32_t)nc <= pn->nc)
		return (AUTH_STALE);
	pn->nc = d.qop != NULL ? (uint32_t)nc : UINT32_MAX;
	return (AUTH_OK);
}

/*
 * Check Basic credentials v of the client of slot s; *user: the user
 * named, escaped.  --auth-file users (and unknown ones, checked as the
 * first user so the time names none) go to crypt(3) off the loop:
 * AUTH_PENDING with *job, or AUTH_LIMITED with *retry (auth_crypt()).
 */
static enum auth_verdict
auth_basic(const struct auth_conf *c, const char *v, char *user,
    size_t usize, struct auth_slot *s, const struct auth_ask *a, int *retry,
    struct auth_job **job)
{
	unsigned char		 cred[HTTP_BASIC_MAX];
	const struct auth_user	*u = NULL, *as;
	enum auth_verdict	 r;
	char			*colon;
	ssize_t			 n;
	size_t			 i;

	if ((n = http_unbase64(v, cred, sizeof(cred))) == -1 ||
	    memchr(cred, '\0', n) != NULL ||
	    (colon = strchr((char *)cred, ':')) == NULL) {
		explicit_bzero(cred, sizeof(cred));
		return (AUTH_WRONG);
	}
	*colon = '\0';
	log_escape(user, usize, cred, colon - (char *)cred);
	for (i = 0; i < c->nusers; i++) {
		if (auth_equal((char *)cred, c->users[i].name) && u == NULL)
			u = &c->users[i];
	}
	/* An unknown user costs what a known one does. */
	as = u != NULL ? u : &c->users[0];
	if (as->hash != NULL)
		r = auth_crypt(s, colon + 1, as->hash, u != NULL, user, a,
		    retry, job);
	else
		r = auth_equal(colon + 1, as->pass) && u != NULL ? AUTH_OK :
		    AUTH_WRONG;
	explicit_bzero(cred, sizeof(cred));
	return (r);
}

/*
 * Is request a let in by c?  Returns AUTH_MISSING (no credentials),
 * AUTH_WRONG (both client and server lose credit, said with -v),
 * AUTH_STALE (right Digest, spent nonce), AUTH_LIMITED (wrong too often or
 * table full; *retry seconds, nothing checked) or AUTH_PENDING: the
 * verdict comes later from the loop, never in this call, as a->cb(verdict,
 * retry, a->arg), unless auth_cancel(*job) first.  Without --auth-file
 * users it never pends and a->cb may be NULL.
 */
enum auth_verdict
auth_check(const struct auth_conf *c, const struct auth_ask *a, int *retry,
    struct auth_job **job)
{
	char			 v[HTTP_LINE_MAX * 4], user[LOG_ESCAPED(64)];
	const char		*how = "credentials";
	struct auth_slot	*s;
	enum auth_verdict	 r;

	*retry = 0;
	*job = NULL;
	*user = '\0';
	SIDE_TAKEN(auth.users);
	SIDE_TAKEN(auth.token);
	if (!auth_on(c))
		return (AUTH_OK);
	if (a->value == NULL && a->token == NULL)
		return (AUTH_MISSING);
	if ((s = auth_admit(a->peer, a->who, retry)) == NULL)
		return (AUTH_LIMITED);
	r = AUTH_WRONG;
	if (a->value != NULL && strlcpy(v, a->value, sizeof(v)) < sizeof(v)) {
		if (strncasecmp(v, "Basic ", 6) == 0 && c->nusers > 0) {
			how = "Basic";
			r = auth_basic(c, v + 6, user, sizeof(user), s, a,
			    retry, job);
		} else if (strncasecmp(v, "Digest ", 7) == 0 &&
		    auth_digestible(c)) {
			how = "Digest";
			r = auth_digest(c, v + 7, a, user, sizeof(user));
		} else if (strncasecmp(v, "Bearer ", 7) == 0 &&
		    c->token != NULL) {
			how = "token";
			r = auth_equal(v + 7, c->token) ? AUTH_OK : AUTH_WRONG;
		}
		explicit_bzero(v, sizeof(v));
	} else if (a->value == NULL && c->token != NULL) {
		how = "token";
		r = auth_equal(a->token, c->token) ? AUTH_OK : AUTH_WRONG;
	}
	/* A check by crypt(3) settles when it ends (src/http/authlimit.c). */
	if (r != AUTH_PENDING && r != AUTH_LIMITED)
		auth_settle(s, r, a->who, how, user);
	return (r);
}

/*
 * c's challenge header lines (WWW-Authenticate, or Proxy-Authenticate if
 * proxy), CR LF ended, in buf: Digest SHA-256 and MD5 with a new nonce
 * (stale: the client may answer without the password), Basic, Bearer.
 * SHA-256 comes first (RFC 7616, 3.7), but MD5 to a proxy's client, as
 * ncat takes only a first MD5.  Returns 0, or -1 when buf is too small.
 */
int
auth_challenge(const struct auth_conf *c, int proxy, int stale, char *buf,
    size_t size)
{
	struct auth_nonce	*pn;
	const char		*h = proxy ? "Proxy-Authenticate" :
				    "WWW-Authenticate";
	const char		*st = stale ? ", stale=true" : "";
	const char *const	 more[][2] = {
		{ h, c->nusers > 0 ? "Basic realm=\"" AUTH_REALM "\"" : NULL },
		{ h, c->token != NULL ? "Bearer realm=\"" AUTH_REALM "\"" :
		    NULL },
	};
	char			 nonce[AUTH_NONCE_LEN + 1];
	char			 mac[DIGEST_HEX_MAX];
	int			 n;
	size_t			 used = 0;

	*buf = '\0';
	if (auth_digestible(c)) {
		/* The nonces' MAC secret, made on first need. */
		if (!auth_state.ready) {
			snprintf(auth_state.secret, sizeof(auth_state.secret),
			    "%08x%08x%08x%08x", arc4random(), arc4random(),
			    arc4random(), arc4random());
			auth_state.serial = arc4random();
			auth_state.ready = 1;
		}
		auth_state.serial++;
		snprintf(nonce, sizeof(nonce), "%016llx%08x",
		    (unsigned long long)(ev_now() / 1000),
		    (unsigned)auth_state.serial);
		auth_nonce_mac(nonce, mac);
		memcpy(nonce + 24, mac, AUTH_MAC_HEX);
		nonce[AUTH_NONCE_LEN] = '\0';
		/* An older nonce in the same slot is forgotten: stale now. */
		pn = &auth_state.nonces[auth_state.serial % AUTH_NONCES];
		pn->serial = auth_state.serial;
		pn->nc = 0;
		pn->issued = 1;
		n = snprintf(buf, size,
		    "%s: Digest realm=\"%s\", qop=\"auth\", "
		    "algorithm=%s, nonce=\"%s\"%s\r\n"
		    "%s: Digest realm=\"%s\", qop=\"auth\", "
		    "algorithm=%s, nonce=\"%s\"%s\r\n",
		    h, AUTH_REALM, proxy ? "MD5" : "SHA-256", nonce, st,
		    h, AUTH_REALM, proxy ? "SHA-256" : "MD5", nonce, st);
		if (n < 0 || (size_t)n >= size)
			return (-1);
		used = n;
	}
	return (http_put_fields(buf, size, used, more, nitems(more)) == -1 ?
	    -1 : 0);
}

/*
 * The "token" query parameter of target t (before '#'), as it is, in out
 * (outsz bytes); NULL if none or it does not fit.
 */
const char *
auth_query_token(const char *t, char *out, size_t outsz)
{
	const char	*q, *e;
	size_t		 len;

	if ((q = strchr(t, '?')) == NULL)
		return (NULL);
	e = q + strcspn(q, "#");
	for (q++; q < e; q += len + (q + len < e)) {
		len = strcspn(q, "&#");
		if (len >= 6 && strncmp(q, "token=", 6) == 0) {
			if (len - 6 >= outsz)
				return (NULL);
			memcpy(out, q + 6, len - 6);
			out[len - 6] = '\0';
			return (out);
		}
	}
	return (NULL);
}
