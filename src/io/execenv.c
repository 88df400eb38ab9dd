/*
 * What a program is told of its connection: sockcat's, ncat's and socat's
 * variables and a WebSocket request's CGI ones, over what it inherits.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

extern char **environ;

/* The variables a child is given, under our names and under ncat's. */
static const char *const exec_prefixes[] = { "SOCKCAT_", "NCAT_" };
static const char *const exec_names[] = {
	"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT", "PROTO"
};
#define EXEC_NPREFIXES	(sizeof(exec_prefixes) / sizeof(exec_prefixes[0]))
#define EXEC_NNAMES	(sizeof(exec_names) / sizeof(exec_names[0]))
#define EXEC_NVARS	(EXEC_NPREFIXES * EXEC_NNAMES)
/* A WebSocket request's addresses, under CGI's names (websocketd's). */
static const char *const exec_cgi_names[] = {
	"REMOTE_ADDR", "REMOTE_PORT", "SERVER_PORT"
};
#define EXEC_NCGI_ADDR	(sizeof(exec_cgi_names) / sizeof(exec_cgi_names[0]))

/* socat's, for a program of socat's command line (exec_cmd's env_peer). */
static const char *const exec_socat_names[] = {
	"SOCAT_PEERADDR", "SOCAT_PEERPORT", "SOCAT_SOCKADDR", "SOCAT_SOCKPORT",
	"SOCAT_PID", "SOCAT_PPID"
};
#define EXEC_NSOCAT	(sizeof(exec_socat_names) / sizeof(exec_socat_names[0]))

/* Describe socket fd in ec; peer NULL or type 0: as fd says. */
void
exec_conn_socket(struct exec_conn *ec, int fd, int type,
    const struct net_peer *peer)
{
	memset(ec, 0, sizeof(*ec));
	if (type == 0 && (type = net_sock_type(fd)) == -1)
		type = SOCK_STREAM;
	ec->type = type;
	ec->local.len = sizeof(ec->local.ss);
	if (getsockname(fd, (struct sockaddr *)&ec->local.ss,
	    &ec->local.len) == -1)
		ec->local.len = 0;
	if (peer != NULL)
		ec->remote = *peer;
	else {
		ec->remote.len = sizeof(ec->remote.ss);
		if (getpeername(fd, (struct sockaddr *)&ec->remote.ss,
		    &ec->remote.len) == -1)
			ec->remote.len = 0;
	}
}

/* The address and port of a socket address as text; empty if unknown. */
static void
exec_format(const struct net_peer *np, char *host, size_t hostlen,
    char *port, size_t portlen)
{
	const struct sockaddr_un	*sun;

	host[0] = port[0] = '\0';
	if (np->len == 0)
		return;
	if (np->ss.ss_family == AF_UNIX) {
		sun = (const struct sockaddr_un *)&np->ss;
		if (np->len > offsetof(struct sockaddr_un, sun_path))
			strlcpy(host, sun->sun_path, hostlen);
		return;
	}
	net_format((const struct sockaddr *)&np->ss, np->len, 1, host,
	    hostlen, port, portlen);
}

/*
 * A socket address as socat tells programs (IPv6 in full, in brackets), the
 * port apart; empty if unknown.
 */
static void
exec_socat_format(const struct net_peer *np, char *host, size_t hostlen,
    char *port, size_t portlen)
{
	const struct sockaddr_in6	*sin6;

	if (np->len == 0 || np->ss.ss_family != AF_INET6) {
		exec_format(np, host, hostlen, port, portlen);
		return;
	}
	sin6 = (const struct sockaddr_in6 *)&np->ss;
	net_socat_in6(&sin6->sin6_addr, host, hostlen);
	snprintf(port, portlen, "%u", ntohs(sin6->sin6_port));
}

static const char *
exec_proto(const struct exec_conn *ec)
{
	if (ec->local.len != 0 && ec->local.ss.ss_family == AF_UNIX)
		return ("UNIX");
	return (ec->type == SOCK_DGRAM ? "UDP" : "TCP");
}

/* Is environment entry e variable name (up to its end or its '=')? */
static int
exec_is_var(const char *e, const char *name)
{
	size_t	 n = strcspn(name, "=");

	return (strncmp(e, name, n) == 0 && e[n] == '=');
}

/* Is the inherited entry e one the request cgi sets, or any HTTP_*? */
static int
exec_cgi_ours(const char *e, char *const *cgi)
{
	size_t	 i;

	if (cgi == NULL)
		return (0);
	if (strncmp(e, "HTTP_", 5) == 0)
		return (1);
	for (i = 0; i < EXEC_NCGI_ADDR; i++) {
		if (exec_is_var(e, exec_cgi_names[i]))
			return (1);
	}
	for (i = 0; cgi[i] != NULL; i++) {
		if (exec_is_var(e, cgi[i]))
			return (1);
	}
	return (0);
}

/* Is inherited e one of ec's extra, or a SOCAT_OPENSSL_* a peer gives? */
static int
exec_extra_ours(const char *e, const struct exec_cmd *cmd,
    const struct exec_conn *ec)
{
	size_t	 i;

	if (cmd->env_peer && strncmp(e, "SOCAT_OPENSSL_", 14) == 0)
		return (1);
	for (i = 0; ec->extra != NULL && ec->extra[i] != NULL; i++) {
		if (exec_is_var(e, ec->extra[i]))
			return (1);
	}
	return (0);
}

/* Is inherited e a variable of ec's datagram under prefix? */
static int
exec_anc_ours(const char *e, const char *prefix, const struct exec_conn *ec)
{
	size_t		 np = strlen(prefix);
	u_int		 i;

	if (ec->anc == NULL || strncmp(e, prefix, np) != 0)
		return (0);
	for (i = 0; i < ec->anc->n; i++) {
		if (exec_is_var(e + np, ec->anc->item[i].var))
			return (1);
	}
	return (0);
}

/*
 * Is inherited e one of the variables the child gets from us instead: ours,
 * PATH with socat's path=, or one of ec's?
 */
static int
exec_ours(const char *e, const struct exec_cmd *cmd,
    const struct exec_conn *ec)
{
	size_t	 i, j, n;

	if (cmd->search != NULL && exec_is_var(e, "PATH"))
		return (1);
	for (i = 0; i < EXEC_NSOCAT; i++) {
		if (exec_is_var(e, exec_socat_names[i]))
			return (1);
	}
	for (i = 0; i < EXEC_NPREFIXES; i++) {
		n = strlen(exec_prefixes[i]);
		if (strncmp(e, exec_prefixes[i], n) != 0)
			continue;
		for (j = 0; j < EXEC_NNAMES; j++) {
			if (exec_is_var(e + n, exec_names[j]))
				return (1);
		}
	}
	return (exec_cgi_ours(e, ec->cgi) || exec_extra_ours(e, cmd, ec) ||
	    exec_anc_ours(e, cmd->env_prefix, ec));
}

/*
 * Free env's strings from first on, and env: from exec_environ(), or (first
 * 0) tls_peer_env()'s or CGI's.
 */
void
exec_environ_free(char **env, size_t first)
{
	size_t	 i;

	if (env == NULL)
		return;
	for (i = first; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/* An allocated "PREFIXNAME=value" of value's first len bytes, or NULL. */
char *
exec_env_var(const char *prefix, const char *name, const char *value,
    size_t len)
{
	size_t	 np = strlen(prefix), nn = strlen(name);
	char	*v;

	if ((v = malloc(np + nn + len + 2)) == NULL)
		return (NULL);
	memcpy(v, prefix, np);
	memcpy(v + np, name, nn);
	v[np + nn] = '=';
	memcpy(v + np + nn + 1, value, len);
	v[np + nn + 1 + len] = '\0';
	return (v);
}

/* Add socat's variables of ec at env[*k].  Returns -1 if out of memory. */
static int
exec_environ_socat(const struct exec_conn *ec, char **env, size_t *k)
{
	char		 addr[2][NI_MAXHOST], port[2][NI_MAXSERV];
	char		 pid[24];
	const char	*values[EXEC_NSOCAT] = { addr[0], port[0], addr[1],
	    port[1], pid, pid };
	size_t		 i;

	exec_socat_format(&ec->remote, addr[0], sizeof(addr[0]), port[0],
	    sizeof(port[0]));
	exec_socat_format(&ec->local, addr[1], sizeof(addr[1]), port[1],
	    sizeof(port[1]));
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	for (i = 0; i < EXEC_NSOCAT; i++) {
		if (values[i][0] == '\0')
			continue;
		if ((env[(*k)++] = exec_env_var("", exec_socat_names[i],
		    values[i], strlen(values[i]))) == NULL)
			return (-1);
	}
	return (0);
}

/*
 * cmd's child's environment: ours less stale connection variables (and
 * PATH when socat's path= is given), then ec's.  The strings from *first
 * on are allocated (exec_environ_free()).  Returns NULL on failure.
 */
char **
exec_environ(const struct exec_cmd *cmd, const struct exec_conn *ec,
    size_t *first)
{
	char		 raddr[NI_MAXHOST], rport[NI_MAXSERV];
	char		 laddr[NI_MAXHOST], lport[NI_MAXSERV];
	const char	*values[EXEC_NNAMES] = { raddr, rport, laddr, lport,
	    exec_proto(ec) };
	const char	*cgiv[EXEC_NCGI_ADDR] = { raddr, rport, lport };
	char		**env;
	size_t		 n = 0, ncgi = 0, nextra = 0, nanc, i, j, k;

	exec_format(&ec->remote, raddr, sizeof(raddr), rport, sizeof(rport));
	exec_format(&ec->local, laddr, sizeof(laddr), lport, sizeof(lport));

	while (environ[n] != NULL)
		n++;
	while (ec->cgi != NULL && ec->cgi[ncgi] != NULL)
		ncgi++;
	while (ec->extra != NULL && ec->extra[nextra] != NULL)
		nextra++;
	nanc = ec->anc != NULL ? ec->anc->n : 0;
	if ((env = calloc(n + EXEC_NVARS + ncgi + EXEC_NCGI_ADDR + EXEC_NSOCAT +
	    nextra + nanc + 2, sizeof(*env))) == NULL)
		return (NULL);
	for (i = 0, k = 0; i < n; i++) {
		if (!exec_ours(environ[i], cmd, ec))
			env[k++] = environ[i];
	}
	*first = k;
	/*
	 * A WebSocket request's CGI variables, as websocketd gives them:
	 * the request's (ws layer) and the addresses under CGI's names.
	 */
	for (i = 0; i < ncgi; i++) {
		if ((env[k++] = strdup(ec->cgi[i])) == NULL)
			goto fail;
	}
	for (i = 0; ec->cgi != NULL && i < EXEC_NCGI_ADDR; i++) {
		if ((env[k++] = exec_env_var("", exec_cgi_names[i], cgiv[i],
		    strlen(cgiv[i]))) == NULL)
			goto fail;
	}
	for (i = 0; i < EXEC_NPREFIXES; i++) {
		for (j = 0; j < EXEC_NNAMES; j++) {
			if ((env[k++] = exec_env_var(exec_prefixes[i],
			    exec_names[j], values[j], strlen(values[j]))) ==
			    NULL)
				goto fail;
		}
	}
	if (cmd->env_peer && exec_environ_socat(ec, env, &k) == -1)
		goto fail;
	for (i = 0; i < nextra; i++) {
		if ((env[k++] = strdup(ec->extra[i])) == NULL)
			goto fail;
	}
	/* What its first datagram's control messages said, as socat's. */
	for (i = 0; i < nanc; i++) {
		if ((env[k++] = exec_env_var(cmd->env_prefix,
		    ec->anc->item[i].var, ec->anc->item[i].value,
		    strlen(ec->anc->item[i].value))) == NULL)
			goto fail;
	}
	if (cmd->search != NULL && (env[k++] = exec_env_var("", "PATH",
	    cmd->search, strlen(cmd->search))) == NULL)
		goto fail;
	env[k] = NULL;
	return (env);

fail:
	exec_environ_free(env, *first);
	return (NULL);
}
