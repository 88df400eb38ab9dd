/*
 * A WebSocket server's plain HTTP: a non-upgrade request's answer (a
 * --ws-static file, the room page, a refusal), an upgrade's checks
 * (--ws-path, --ws-allow-origin), and CGI variables; src/ws/wshs.c sends.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ws.h"

/*
 * The page a room serves at "/" without --ws-static: a line to type and
 * the room's lines, over a WebSocket to the address the page came from,
 * with its query (where --auth-token's ?token= is).
 * Text goes in as text nodes, never as markup.
 */
static const char wsh_room_page[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width\">\n"
"<title>sockcat room</title>\n"
"<style>body{font:15px monospace;margin:0;display:flex;"
"flex-direction:column;height:100vh}#log{flex:1;overflow-y:auto;"
"margin:0;padding:8px;white-space:pre-wrap}form{display:flex}"
"#line{flex:1;font:inherit;padding:6px}"
".me{color:#05a;font-weight:bold}.cmd{color:#777}</style></head>\n"
"<body><pre id=\"log\"></pre>\n"
"<form id=\"f\"><input id=\"line\" autocomplete=\"off\" autofocus>"
"<button>Send</button></form>\n"
"<script>\n"
"const log = document.getElementById('log');\n"
"const line = document.getElementById('line');\n"
"let me = '<you>';\n"
"function show(s, cls) {\n"
"  const d = document.createElement('div');\n"
"  d.textContent = s;\n"
"  if (cls) d.className = cls;\n"
"  log.appendChild(d);\n"
"  log.scrollTop = log.scrollHeight;\n"
"}\n"
"const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' :\n"
"  'ws://') + location.host + '/' + location.search);\n"
"ws.onopen = () => show('* connected');\n"
"ws.onclose = () => show('* disconnected');\n"
"ws.onmessage = (e) => {\n"
"  if (typeof e.data !== 'string')\n"
"    return;\n"
"  e.data.split('\\n').forEach((l) => {\n"
"    if (l === '') return;\n"
"    let m = l.match(/^<announce> Welcome to the room, you are (<[^>]*>)/);\n"
"    if (m) me = m[1];\n"
"    m = l.match(/^<announce> (<[^>]*>) is now known as (<[^>]*>)\\.$/);\n"
"    if (m && m[1] === me) me = m[2];\n"
"    show(l);\n"
"  });\n"
"};\n"
"document.getElementById('f').onsubmit = (e) => {\n"
"  e.preventDefault();\n"
"  const s = line.value;\n"
"  if (ws.readyState === 1 && s !== '') {\n"
"    ws.send(s);\n"
"    if (s.startsWith('/me '))\n"
"      show('* ' + me.slice(1, -1) + ' ' + s.slice(4), 'me');\n"
"    else if (s[0] === '/' || s === ':q')\n"
"      show(s, 'cmd');\n"
"    else\n"
"      show(me + ' ' + s, 'me');\n"
"  }\n"
"  line.value = '';\n"
"};\n"
"</script></body></html>\n";

/* Open --ws-static's directory for good.  Its descriptor, or -1, *cause. */
int
ws_route_static_open(const char *dir, char **cause)
{
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_cause(cause, "ws-static: %s: %s", dir, strerror(errno));
		return (-1);
	}
	return (fd);
}

/*
 * Open path beneath directory dfd with flags, no symbolic link on the way
 * (openat2(2), else O_NOFOLLOW a segment at a time); a final link is ELOOP
 * but with O_PATH.  Returns the descriptor, or -1 with errno.
 */
static int
wsh_open_beneath(int dfd, const char *path, int flags)
{
	struct open_how	 how;
	char		 seg[NAME_MAX + 1];
	const char	*p = path;
	size_t		 n;
	int		 fd, next;

	memset(&how, 0, sizeof(how));
	how.flags = flags | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	if (fd != -1 || errno != ENOSYS)
		return (fd);
	/* wsh_file_path() let no "." or ".." segment through. */
	if ((fd = dup(dfd)) == -1)
		return (-1);
	for (;;) {
		n = strcspn(p, "/");
		if (n == 0 || n >= sizeof(seg)) {
			close(fd);
			errno = ENOENT;
			return (-1);
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		next = openat(fd, seg, p[n] == '/' ? O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK | O_DIRECTORY : flags | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (next == -1)
			return (-1);
		fd = next;
		if (p[n] == '\0')
			return (fd);
		p += n + 1;
	}
}

/*
 * A refusal of status in out with what it calls for (Allow on 405, the
 * version on 426) and a line why; flags as http_encode_refusal().  Returns
 * its length, or -1.
 */
ssize_t
ws_route_refusal(char *out, size_t outsz, int status, const char *why,
    int flags)
{
	return (http_encode_refusal(out, outsz, status,
	    status == HTTP_BAD_METHOD ? "Allow: GET, HEAD\r\n" :
	    status == HTTP_UPGRADE_REQUIRED ? "Sec-WebSocket-Version: 13\r\n" :
	    NULL, why, flags));
}

/* Start a's answer of status, its head n bytes (-1: none). */
static void
wsh_head(struct wsh_answer *a, int status, ssize_t n)
{
	a->status = status;
	a->headlen = n > 0 ? n : 0;
}

/*
 * Start an answer of status with a body saying why (not sent to HEAD,
 * though its length is).
 */
static void
wsh_refuse(struct wsh_answer *a, int status, const char *why)
{
	a->why = why;
	wsh_head(a, status, ws_route_refusal(a->head, sizeof(a->head), status,
	    why, a->head_only ? HTTP_HEAD_ONLY : 0));
}

/* The head of a 200 of len bytes of type. */
static void
wsh_ok(struct wsh_answer *a, const char *type, off_t len)
{
	struct http_answer	 ok = {
		.status = HTTP_OK,
		.fields = "X-Content-Type-Options: nosniff\r\n"
		    "Cache-Control: no-cache\r\n",
		.type = type,
		.length = len,
		.flags = HTTP_CLOSE,
	};

	wsh_head(a, HTTP_OK, http_encode_answer(a->head, sizeof(a->head),
	    &ok));
}

/*
 * Refuse a --ws-static file that failed to open with error: a link or a
 * way up is 403, the rest 404.
 */
static void
wsh_static_refuse(struct wsh_answer *a, int error)
{
	if (error == EXDEV || error == ELOOP || error == EACCES)
		wsh_refuse(a, HTTP_FORBIDDEN, "forbidden path");
	else
		wsh_refuse(a, HTTP_NOT_FOUND, "no such file");
}

/*
 * The --ws-static file for target, or the refusal; dot-files absent unless
 * --ws-static-dotfiles.  Only a regular file is ever opened (O_PATH looks
 * first); the rest is absent.
 */
static void
wsh_static(const struct side *sd, const char *target,
    struct wsh_answer *a)
{
	char		 path[HTTP_TARGET_MAX + 16];
	struct stat	 st, st2;
	int		 fd;

	switch (wsh_file_path(target, sd->ws.static_dotfiles, path,
	    sizeof(path))) {
	case 0:
		break;
	case WSH_PATH_HIDDEN:
		wsh_refuse(a, HTTP_NOT_FOUND, "no such file");
		return;
	default:
		wsh_refuse(a, HTTP_FORBIDDEN, "forbidden path");
		return;
	}
	if ((fd = wsh_open_beneath(sd->ws.static_fd, path, O_PATH)) == -1) {
		wsh_static_refuse(a, errno);
		return;
	}
	if (fstat(fd, &st) == -1)
		st.st_mode = 0;
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		wsh_static_refuse(a, S_ISLNK(st.st_mode) ? ELOOP : ENOENT);
		return;
	}
	/* The same file, or it changed in between: then it is absent. */
	if ((fd = wsh_open_beneath(sd->ws.static_fd, path, O_RDONLY |
	    O_NONBLOCK | O_NOCTTY)) == -1) {
		wsh_static_refuse(a, errno);
		return;
	}
	if (fstat(fd, &st2) == -1 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		close(fd);
		wsh_refuse(a, HTTP_NOT_FOUND, "no such file");
		return;
	}
	wsh_ok(a, wsh_content_type(path), st2.st_size);
	if (a->head_only) {
		close(fd);
		return;
	}
	a->fd = fd;
	a->left = st2.st_size;
}

/* Is target's path (before its query) one of --ws-path's? */
static int
wsh_path_allowed(const struct side *sd, const char *target)
{
	size_t	 i, n = strcspn(target, "?#");

	if (sd->ws.npaths == 0)
		return (1);
	for (i = 0; i < sd->ws.npaths; i++) {
		if (strlen(sd->ws.paths[i]) == n &&
		    strncmp(sd->ws.paths[i], target, n) == 0)
			return (1);
	}
	return (0);
}

/* Is the Origin one of --ws-allow-origin's?  None passes: no browser's. */
static int
wsh_origin_allowed(const struct side *sd, const char *head)
{
	char	 v[512];
	size_t	 i;

	if (sd->ws.nallow_origins == 0 ||
	    http_field_get(head, "Origin", v, sizeof(v)) != 1)
		return (1);
	for (i = 0; i < sd->ws.nallow_origins; i++) {
		if (strcasecmp(sd->ws.allow_origins[i], v) == 0)
			return (1);
	}
	return (0);
}

/* Start answer a to the request of line l. */
static void
wsh_answer_init(struct wsh_answer *a, const struct http_line *l)
{
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->head_only = strcmp(l->method, "HEAD") == 0;
}

/*
 * Decide what request head (line l) gets.  Returns WSH_UPGRADE (the
 * upgrade stage checks and answers it) or WSH_ANSWER with a's head and
 * then a file (a->fd, a->left) or the room page (a->body).
 */
int
ws_route(const struct side *sd, const char *head, const struct http_line *l,
    struct wsh_answer *a)
{
	int		 upgrade;

	wsh_answer_init(a, l);
	SIDE_TAKEN(ws.npaths);
	SIDE_TAKEN(ws.nallow_origins);
	SIDE_TAKEN(ws.static_dir);
	if (sd->ws.static_dir != NULL)
		SIDE_TAKEN(ws.static_dotfiles);
	upgrade = http_field_lists(head, "Upgrade", "websocket");
	/* What is no request for a page is an upgrade refused. */
	a->refusal = 1;
	if (upgrade) {
		if (!wsh_path_allowed(sd, l->target))
			wsh_refuse(a, HTTP_NOT_FOUND, "no WebSocket here");
		else if (!wsh_origin_allowed(sd, head))
			wsh_refuse(a, HTTP_FORBIDDEN, "origin not allowed");
		else
			return (WSH_UPGRADE);
		return (WSH_ANSWER);
	}
	if (strcmp(l->method, "GET") != 0 && !a->head_only) {
		wsh_refuse(a, HTTP_BAD_METHOD, "only GET and HEAD");
		return (WSH_ANSWER);
	}
	a->refusal = 0;
	if (sd->ws.static_dir != NULL) {
		wsh_static(sd, l->target, a);
		return (WSH_ANSWER);
	}
	if (sd->ws.room_page && strcspn(l->target, "?#") == 1) {
		wsh_ok(a, "text/html; charset=utf-8",
		    sizeof(wsh_room_page) - 1);
		if (!a->head_only) {
			a->body = wsh_room_page;
			a->left = sizeof(wsh_room_page) - 1;
		}
		return (WSH_ANSWER);
	}
	/*
	 * A browser asks for an icon with every page: "none", not a
	 * refusal.
	 */
	if (strncmp(l->target, "/favicon.ico", 12) == 0 &&
	    strchr("?#", l->target[12]) != NULL) {
		wsh_head(a, HTTP_NO_CONTENT, http_encode_answer(a->head,
		    sizeof(a->head), &(struct http_answer){
		    .status = HTTP_NO_CONTENT, .length = -1,
		    .fields = "Cache-Control: max-age=86400\r\n",
		    .flags = HTTP_CLOSE }));
		return (WSH_ANSWER);
	}
	/* No page here: a GET that is no upgrade is the upgrade's 426. */
	if (!a->head_only)
		return (WSH_UPGRADE);
	a->refusal = 1;
	wsh_refuse(a, HTTP_UPGRADE_REQUIRED, "no Upgrade: websocket");
	return (WSH_ANSWER);
}

/*
 * The answer for credential verdict v (retry: AUTH_LIMITED's seconds).
 * Returns WSH_AUTH_OK, or WSH_AUTH_REFUSED with 401 and challenge, or 429,
 * in a.
 */
int
ws_route_auth_answer(const struct side *sd, const struct http_line *l,
    enum auth_verdict v, int retry, struct wsh_answer *a)
{
	if (v == AUTH_OK)
		return (WSH_AUTH_OK);
	wsh_answer_init(a, l);
	/*
	 * An answer, not a refused upgrade: a challenge is how HTTP
	 * authentication starts (a browser, curl --digest ask first without
	 * credentials), so a server of one client (-l without -k) goes on
	 * waiting for the one that answers it, as after a page.
	 */
	a->status = v == AUTH_LIMITED ? HTTP_TOO_MANY : HTTP_UNAUTHORIZED;
	wsh_head(a, a->status, listen_http_refusal(&sd->auth, 0, v, retry,
	    a->head_only ? HTTP_HEAD_ONLY : 0, a->head, sizeof(a->head),
	    &a->why));
	return (WSH_AUTH_REFUSED);
}

/* Add "name=value" to *env of *n.  Returns -1 on failure. */
static int
wsh_env_add(char ***env, size_t *n, const char *name, const char *value)
{
	char	**e;

	if ((e = reallocarray(*env, *n + 2, sizeof(**env))) == NULL)
		return (-1);
	*env = e;
	/* A failure leaves NULL there: the end, still. */
	if ((e[*n] = exec_env_var("", name, value, strlen(value))) == NULL)
		return (-1);
	e[++*n] = NULL;
	return (0);
}

/* Is name set in env? */
static int
wsh_env_has(char **env, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; env != NULL && env[i] != NULL; i++) {
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return (1);
	}
	return (0);
}

/*
 * The CGI/1.1 variables of upgrade request head (line l), as websocketd
 * gives them, no control in any value; the addresses are exec.c's.  With
 * withhold (--auth checked) Authorization is not passed, as a web server
 * keeps it from CGI.  Returns a NULL-terminated list, or NULL.
 */
char **
ws_route_cgi_env(const char *head, const struct http_line *l, int withhold)
{
	struct http_field	 f;
	char			**env = NULL;
	char			 name[128], val[HTTP_TARGET_MAX + 1];
	char			 raw[HTTP_TARGET_MAX + 1];
	const char		*p, *q;
	const char		*fixed[][2] = {
		{ "GATEWAY_INTERFACE", "CGI/1.1" },
		{ "SERVER_SOFTWARE", "sockcat" },
		{ "SERVER_PROTOCOL", l->minor == 0 ? "HTTP/1.0" : "HTTP/1.1" },
		{ "REQUEST_METHOD", "GET" },
		{ "REQUEST_URI", val },
		{ "SCRIPT_NAME", "" },
	};
	size_t			 i, n = 0;

	wsh_cgi_value(l->target, strlen(l->target), val, sizeof(val));
	for (i = 0; i < nitems(fixed); i++)
		if (wsh_env_add(&env, &n, fixed[i][0], fixed[i][1]) == -1)
			goto fail;
	if (wsh_decode_path(l->target, raw, sizeof(raw)) == -1)
		strlcpy(raw, l->target, strcspn(l->target, "?#") + 1);
	wsh_cgi_value(raw, strlen(raw), val, sizeof(val));
	if (wsh_env_add(&env, &n, "PATH_INFO", val) == -1)
		goto fail;
	q = strchr(l->target, '?');
	wsh_cgi_value(q != NULL ? q + 1 : "", q != NULL ?
	    strcspn(q + 1, "#") : 0, val, sizeof(val));
	if (wsh_env_add(&env, &n, "QUERY_STRING", val) == -1)
		goto fail;
	for (p = http_fields(head); http_field_next(&p, &f); ) {
		if (wsh_cgi_name(f.name, f.nlen, name, sizeof(name)) == -1 ||
		    (withhold && strcmp(name, "HTTP_AUTHORIZATION") == 0))
			continue;
		wsh_cgi_value(f.value, f.vlen, val, sizeof(val));
		if (strcmp(name, "HTTP_HOST") == 0) {
			(void)wsh_server_name(val, raw, sizeof(raw));
			if (wsh_env_add(&env, &n, "SERVER_NAME", raw) == -1)
				goto fail;
		}
		if (!wsh_env_has(env, name) &&
		    wsh_env_add(&env, &n, name, val) == -1)
			goto fail;
	}
	return (env);

fail:
	exec_environ_free(env, 0);
	return (NULL);
}
