/*
 * "sockcat ADDRESS ADDRESS": two addresses (src/codec/addr.c) turned into
 * the command line that already does what they say, so that the relay is
 * the modes we have: a listener with a dialled other side is -lk with
 * --forward (or -c for a program), "-" is stdin and stdout as in every
 * client and server, and a side no mode dials yet is a second sockcat,
 * started for each connection as -c starts any program.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* The operands the two addresses become (host, port, or a path). */
#define PAIR_OPERANDS_MAX	2
/* The options' values they become, at most. */
#define PAIR_VALUES_MAX		16

/* What the translation builds: options applied, operands kept. */
struct pair {
	struct cmdline	*cl;
	const char	*text[2];	/* the addresses as given */
	char		*ops[PAIR_OPERANDS_MAX + 1];
	int		 nops;
	int		 fwd;		/* the forwarder relays them, or
					   no -N is to be added */
	int		 verbose;	/* -v for the second sockcat */
	int		 half_close;	/* and --half-close */
	/*
	 * The values given to opt_apply(), which may keep them or copy
	 * them: held here for the life of the program either way.
	 */
	char		*vals[PAIR_VALUES_MAX];
	int		 nvals;
};

/* Apply the long option name (with its value, or NULL) as if given. */
static void
pair_opt(struct pair *p, const char *name, const char *value)
{
	const struct optdef	*t;
	size_t			 i, n;
	char			*v = NULL;

	t = opt_table(&n);
	for (i = 0; i < n; i++) {
		if (t[i].name != NULL && strcmp(t[i].name, name) == 0)
			break;
	}
	if (i == n)
		fatalx("no option --%s", name);
	if (value != NULL) {
		if (p->nvals == PAIR_VALUES_MAX)
			fatalx("too many options");
		if ((v = strdup(value)) == NULL)
			fatal("strdup");
		p->vals[p->nvals++] = v;
	}
	p->cl->by_long = 1;
	opt_apply(p->cl, &t[i], v);
}

/* Keep s as an operand of the command line it becomes. */
static void
pair_operand(struct pair *p, const char *s)
{
	if (p->nops == PAIR_OPERANDS_MAX)
		fatalx("too many operands");
	if ((p->ops[p->nops++] = strdup(s)) == NULL)
		fatal("strdup");
}

/* A side that is not supported yet: one line, status 1. */
static __dead void
pair_refuse(struct pair *p, const char *why)
{
	fatalx("%s %s: %s", p->text[0], p->text[1], why);
}

/*
 * The options of a TLS address as the TLS options of the command line:
 * those of the connection the address is (prefix "ssl") or those of the
 * forwarder's targets ("forward-ssl"), which have no certificate of
 * their own.
 */
static void
pair_tls_opts(struct pair *p, const struct addr *a, const char *prefix)
{
	static const struct {
		const char	*opt;
		const char	*suffix;
	} map[] = {
		{ "sni",	"servername" },
		{ "cafile",	"trustfile" },
		{ "cert",	"cert" },
		{ "key",	"key" },
	};
	const char	*v;
	char		 name[64];
	size_t		 i;
	int		 fwd = strcmp(prefix, "forward-ssl") == 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if ((v = addr_opt(a, map[i].opt)) == NULL)
			continue;
		if (fwd && (strcmp(map[i].opt, "cert") == 0 ||
		    strcmp(map[i].opt, "key") == 0))
			pair_refuse(p, "a target's own certificate is not "
			    "supported yet");
		snprintf(name, sizeof(name), "%s-%s", prefix, map[i].suffix);
		pair_opt(p, name, v);
	}
	v = addr_opt(a, "verify");
	if (a->kind == ADDR_WSS) {
		/* wss:// verifies by default, as browsers do. */
		if (v != NULL && strcmp(v, "0") == 0)
			pair_opt(p, "ws-insecure", NULL);
	} else if (v != NULL && strcmp(v, "1") == 0) {
		snprintf(name, sizeof(name), "%s-verify", prefix);
		pair_opt(p, name, NULL);
	}
}

/* HOST and PORT (or PORT alone for a listener on any address). */
static void
pair_hostport(struct pair *p, const struct addr *a)
{
	if (a->host != NULL)
		pair_operand(p, a->host);
	pair_operand(p, a->port);
}

/*
 * The address a as the one connection of the command line: what a
 * client dials, or what a server listens on, with stdin and stdout (or
 * the program, or the forwarder's targets) on its other side.
 */
static void
pair_side(struct pair *p, const struct addr *a)
{
	const char	*v;

	if ((v = addr_opt(a, "proxy")) != NULL)
		pair_opt(p, "proxy", v);
	switch (a->kind) {
	case ADDR_UDP_L:
		pair_opt(p, "listen", NULL);
		/* FALLTHROUGH */
	case ADDR_UDP:
		pair_opt(p, "udp", NULL);
		pair_hostport(p, a);
		break;
	case ADDR_DTLS:
		pair_opt(p, "udp", NULL);
		/* FALLTHROUGH */
	case ADDR_TLS:
		pair_opt(p, "ssl", NULL);
		pair_tls_opts(p, a, "ssl");
		pair_hostport(p, a);
		break;
	case ADDR_TLS_L:
		pair_opt(p, "ssl", NULL);
		pair_tls_opts(p, a, "ssl");
		/* FALLTHROUGH */
	case ADDR_TCP_L:
		pair_opt(p, "listen", NULL);
		/* FALLTHROUGH */
	case ADDR_TCP:
		pair_hostport(p, a);
		break;
	case ADDR_UNIX_L:
		pair_opt(p, "listen", NULL);
		/* FALLTHROUGH */
	case ADDR_UNIX:
		pair_opt(p, "unixsock", NULL);
		pair_operand(p, a->path);
		break;
	case ADDR_WS_L:
		pair_opt(p, "listen", NULL);
		pair_opt(p, "websocket", NULL);
		pair_opt(p, "ws-binary", NULL);
		pair_hostport(p, a);
		break;
	case ADDR_WS:
	case ADDR_WSS:
		/* Bytes, each read one message: no lines to find. */
		pair_opt(p, "ws-binary", NULL);
		pair_tls_opts(p, a, "ssl");
		pair_operand(p, a->url);
		break;
	case ADDR_VSOCK:
		pair_opt(p, "vsock", NULL);
		pair_hostport(p, a);
		break;
	default:
		pair_refuse(p, "a program on stdin and stdout is itself: "
		    "run it without sockcat");
	}
}

/* Is a a WebSocket, client or server? */
static int
pair_ws(const struct addr *a)
{
	return (a->kind == ADDR_WS || a->kind == ADDR_WSS ||
	    a->kind == ADDR_WS_L);
}

/* Append s to the shell command cmd (size len), quoted for /bin/sh. */
static void
pair_quote(char *cmd, size_t len, const char *s)
{
	size_t	 n = strlen(cmd);

	/* Each byte takes four at most ("'\\''"), and two quotes. */
	if (n + 4 * strlen(s) + 3 > len)
		fatalx("%s: too long", s);
	cmd[n++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(cmd + n, "'\\''", 4);
			n += 4;
		} else
			cmd[n++] = *s;
	}
	cmd[n++] = '\'';
	cmd[n] = '\0';
}

/*
 * The address a (text) as a program for -c: this sockcat again,
 * relaying its stdin and stdout with a, one for each connection of the
 * other side.  That side's end reaches it as the end of its stdin: a
 * datagram side, which has no end to pass on, quits half a second later
 * (socat's -t), when the answers on their way are in; a WebSocket is
 * closed (-N), its answers sent before the close still coming back.
 * Otherwise a side whose peer never closes would outlive its connection.
 */
static void
pair_child(struct pair *p, const struct addr *a, const char *text)
{
	char		 self[PATH_MAX], cmd[PATH_MAX + ADDR_MAX * 4 + 48];
	ssize_t		 n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		fatal("/proc/self/exe");
	self[n] = '\0';
	strlcpy(cmd, "exec ", sizeof(cmd));
	pair_quote(cmd, sizeof(cmd), self);
	/* The second of two listeners (pair_translate()). */
	if (a->listen) {
		if (p->verbose > 0)
			strlcat(cmd, p->verbose > 1 ? " -vv" : " -v",
			    sizeof(cmd));
		if (p->half_close)
			strlcat(cmd, " --half-close", sizeof(cmd));
	}
	if (a->kind == ADDR_UDP || a->kind == ADDR_DTLS ||
	    a->kind == ADDR_UDP_L)
		strlcat(cmd, " --quit-after 500ms", sizeof(cmd));
	else if (a->kind == ADDR_WS || a->kind == ADDR_WSS)
		strlcat(cmd, " -N", sizeof(cmd));
	strlcat(cmd, " - ", sizeof(cmd));
	pair_quote(cmd, sizeof(cmd), text);
	pair_opt(p, "sh-exec", cmd);
}

/*
 * The other side of a listener or a dialled address: the forwarder's
 * target where it dials the kind, the program of exec:, or a sockcat of
 * its own.
 */
static void
pair_other(struct pair *p, const struct addr *l, const struct addr *a,
    const char *text)
{
	char	 target[ADDR_MAX + 8];
	int	 fwd;

	/* The forwarder dials streams from a stream, datagrams from UDP. */
	fwd = l->listen && (l->kind == ADDR_UDP_L ? a->kind == ADDR_UDP :
	    a->kind == ADDR_TCP || a->kind == ADDR_UNIX ||
	    a->kind == ADDR_TLS);
	if (a->kind == ADDR_EXEC)
		pair_opt(p, "sh-exec", a->path);
	else if (!fwd || addr_opt(a, "proxy") != NULL)
		pair_child(p, a, text);
	else {
		if (a->kind == ADDR_UNIX)
			snprintf(target, sizeof(target), "unix:%s", a->path);
		else if (strchr(a->host, ':') != NULL)
			snprintf(target, sizeof(target), "[%s]:%s", a->host,
			    a->port);
		else
			snprintf(target, sizeof(target), "%s:%s", a->host,
			    a->port);
		if (a->kind == ADDR_TLS) {
			pair_opt(p, "forward-ssl", NULL);
			pair_tls_opts(p, a, "forward-ssl");
		}
		pair_opt(p, "forward", target);
		p->fwd = 1;
	}
}

/* Is a a terminal device (serial:, pty:)? */
static int
pair_device(const struct addr *a)
{
	return (a->kind == ADDR_SERIAL || a->kind == ADDR_PTY);
}

/*
 * What can be known of the device address a (text) before it is opened:
 * a speed the system has, a serial line that is a character device.
 */
static __startup void
pair_device_check(const struct addr *a, const char *text)
{
	struct stat	 st;

	if (a->kind != ADDR_SERIAL)
		return;
	if (a->speed != NULL && !device_has_speed(strtoul(a->speed, NULL,
	    10)))
		fatalx("%s: speed %s is not one this system has", text,
		    a->speed);
	if (stat(a->path, &st) == -1)
		fatal("%s", text);
	if (!S_ISCHR(st.st_mode))
		fatalx("%s: not a terminal", text);
}

/*
 * Is a a --forward target the forwarder does not dial itself: a device
 * (serial:, pty:), or behind a stream listener (dgram 0) a datagram
 * (udp:, dtls:), a WebSocket (ws://, wss://), a TLS server of its own
 * options (tls:; --forward-ssl is the forwarder's own TLS, for all its
 * targets) or a vsock: target?
 */
static int
pair_forward_child(const struct addr *a, int dgram)
{
	if (pair_device(a))
		return (1);
	return (!dgram && (a->kind == ADDR_UDP || a->kind == ADDR_WS ||
	    a->kind == ADDR_WSS || a->kind == ADDR_TLS ||
	    a->kind == ADDR_DTLS || a->kind == ADDR_VSOCK));
}

/*
 * A --forward target the forwarder does not dial (pair_forward_child())
 * is given to each client through a sockcat of its own, as an address
 * pair's other side is: a device's lock lets one client have it at a
 * time, and a datagram or WebSocket target crosses kinds by the pairs'
 * rule, each read from the client one datagram or one binary message.
 * It is then the only target: there is no other to fail over to, and
 * the header of --send-proxy has no place in what it sends.
 */
__startup void
pair_forward_device(struct cmdline *cl)
{
	static struct pair	 p;
	static struct addr	 a;
	struct options		*o = cl->o;
	const char		*errstr;
	size_t			 i;
	int			 dgram = o->socktype == SOCK_DGRAM;

	for (i = 0; i < o->nforward; i++) {
		if (addr_is(o->forward[i]) && addr_parse(o->forward[i], &a,
		    &errstr) == 0 && pair_forward_child(&a, dgram))
			break;
	}
	if (i == o->nforward)
		return;
	p.cl = cl;
	p.text[0] = "--forward";
	p.text[1] = o->forward[i];
	if (o->nforward > 1 || o->forward_file != NULL || o->round_robin)
		pair_refuse(&p, pair_device(&a) ? "a device is the only "
		    "target of its listener" : "a udp:, dtls:, tls:, vsock: "
		    "or WebSocket target is the only target of its "
		    "listener");
	if (o->exec != NULL)
		pair_refuse(&p, "--forward is a mode of its own: it takes no "
		    "-e or -c");
	if (o->send_proxy != 0)
		pair_refuse(&p, "--send-proxy is for the targets the "
		    "forwarder dials itself (HOST:PORT, tcp:, unix:)");
	if (o->fwd_ssl && !pair_device(&a))
		pair_refuse(&p, "--forward-ssl is for HOST:PORT, tcp: and "
		    "unix: targets: tls: and wss:// have TLS of their own");
	pair_device_check(&a, o->forward[i]);
	o->nforward = 0;
	pair_child(&p, &a, o->forward[i]);
}

/*
 * Open path as the shell's redirection would (flags and mode as for
 * open(2)), following a symbolic link, but not what another user put in
 * a directory like /tmp (sticky and writable by everyone): there a link
 * is followed, and an existing file written to (O_CREAT), only if it is
 * the user's or the directory owner's.  That is the rule of Linux's
 * fs.protected_symlinks and fs.protected_regular, kept whatever the
 * system sets them to.  A name that changes between the look and the
 * open is looked at again.  Returns the descriptor, or -1 with errno and,
 * for a refusal, *why.
 */
static int
pair_open(const char *path, int flags, mode_t mode, const char **why)
{
	struct stat	 dst, st, fst;
	char		 dir[PATH_MAX];
	char		*slash;
	int		 fd, tries;

	*why = NULL;
	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else
		slash[slash == dir ? 1 : 0] = '\0';
	if (stat(dir, &dst) == -1 || !(dst.st_mode & S_ISVTX) ||
	    !(dst.st_mode & S_IWOTH))
		return (open(path, flags, mode));
	for (tries = 0; tries < 3; tries++) {
		if (lstat(path, &st) == -1) {
			if (errno != ENOENT || !(flags & O_CREAT))
				return (-1);
			/* Made here, or nothing: no link planted meanwhile. */
			if ((fd = open(path, flags | O_EXCL | O_NOFOLLOW,
			    mode)) != -1 || errno != EEXIST)
				return (fd);
			continue;
		}
		if (st.st_uid != geteuid() && st.st_uid != dst.st_uid &&
		    (S_ISLNK(st.st_mode) || (flags & O_CREAT))) {
			*why = S_ISLNK(st.st_mode) ? "a symbolic link of "
			    "another user in a sticky directory, not followed" :
			    "a file of another user in a sticky directory, not "
			    "written to";
			errno = EPERM;
			return (-1);
		}
		/* The user's link, which no one else can replace there. */
		if (S_ISLNK(st.st_mode))
			return (open(path, flags, mode));
		if ((fd = open(path, flags | O_NOFOLLOW, mode)) == -1) {
			if (errno == ELOOP)
				continue;
			return (-1);
		}
		if (fstat(fd, &fst) == 0 && fst.st_dev == st.st_dev &&
		    fst.st_ino == st.st_ino)
			return (fd);
		close(fd);
	}
	errno = EAGAIN;
	return (-1);
}

/*
 * A file (a, the i-th address) in a pair is one direction of standard
 * input and output, as the shell's redirections make it: the first
 * address is read, as "<" would give it (its bytes sent, what comes
 * back on standard output), the second written, created or truncated
 * as ">" would (or appended to, with "append"), with what standard
 * input gives sent the other way.  It is then "-".
 */
static __startup void
pair_file(struct pair *p, struct addr *a, const struct addr *other, int i)
{
	const char	*v, *why;
	int		 fd, append;

	if (other->kind == ADDR_FILE || other->kind == ADDR_STDIO)
		pair_refuse(p, "a file with stdin and stdout, or another "
		    "file, is the shell's: use cat");
	if (other->kind == ADDR_EXEC)
		pair_refuse(p, "a program with a file is the shell's "
		    "redirection: run it without sockcat");
	v = addr_opt(a, "append");
	append = v != NULL && strcmp(v, "0") != 0;
	if (i == 0 && append)
		pair_refuse(p, "append is for the file written, the second "
		    "address");
	if (i == 0)
		fd = pair_open(a->path, O_RDONLY | O_CLOEXEC, 0, &why);
	else
		fd = pair_open(a->path, O_WRONLY | O_CREAT | O_CLOEXEC |
		    (append ? O_APPEND : O_TRUNC), 0666, &why);
	if (fd == -1 && why != NULL)
		fatalx("%s: %s", p->text[i], why);
	if (fd == -1)
		fatal("%s", p->text[i]);
	if (dup2(fd, i == 0 ? STDIN_FILENO : STDOUT_FILENO) == -1)
		fatal("dup2");
	close(fd);
	a->kind = ADDR_STDIO;
}

/*
 * Are the operands an address pair: two, each an address ("-" or with a
 * scheme: netcat's "host port" never is, a port having none), not both
 * "-"; or one address of a kind we know other than a URL (which the
 * WebSocket client takes itself) or "-"?
 */
__startup int
pair_is(const struct options *o, int argc, char **argv)
{
	if (argc == 2)
		return (addr_looks(argv[0]) && addr_looks(argv[1]) &&
		    (strcmp(argv[0], "-") != 0 || strcmp(argv[1], "-") != 0));
	return (argc == 1 && !o->listen && !o->chat && o->family != AF_UNIX &&
	    addr_is(argv[0]) && strcmp(argv[0], "-") != 0 &&
	    strncasecmp(argv[0], "ws", 2) != 0);
}

/*
 * Turn the address operands into options and the operands of the command
 * line that does what they say; *argcp and *argvp are replaced.  A bad
 * address, or a pair not supported yet, exits with one line.
 */
void
pair_translate(struct cmdline *cl, int *argcp, char ***argvp)
{
	static struct pair	 p;
	static struct addr	 a[2];
	const char		*errstr;
	struct addr		*l, *other;
	int			 i;

	p.cl = cl;
	cl->pair = 1;
	p.text[0] = (*argvp)[0];
	p.text[1] = *argcp == 2 ? (*argvp)[1] : "-";
	for (i = 0; i < 2; i++) {
		if (addr_parse(p.text[i], &a[i], &errstr) == -1)
			fatalx("%s: %s", p.text[i], errstr);
	}
	if (cl->o->listen || cl->o->family == AF_UNIX ||
	    cl->o->socktype == SOCK_DGRAM || cl->o->vsock ||
	    cl->o->exec != NULL || cl->o->nforward > 0)
		pair_refuse(&p, "the addresses say what -l, -U, -u, --vsock, "
		    "-e, -c and --forward would: not with them");
	for (i = 0; i < 2; i++) {
		if (a[i].kind == ADDR_FILE)
			pair_file(&p, &a[i], &a[1 - i], i);
	}
	for (i = 0; i < 2; i++) {
		if (pair_device(&a[i]))
			pair_device_check(&a[i], p.text[i]);
	}
	if (pair_device(&a[0]) && pair_device(&a[1]))
		pair_refuse(&p, "two devices cannot be joined yet");
	if ((pair_device(&a[0]) || pair_device(&a[1])) &&
	    (a[0].kind == ADDR_EXEC || a[1].kind == ADDR_EXEC))
		pair_refuse(&p, "a device and a program cannot be joined yet");
	/* A device with stdin and stdout is a mode of its own. */
	if (pair_device(&a[0]) || pair_device(&a[1])) {
		i = pair_device(&a[1]);
		if (a[1 - i].kind == ADDR_STDIO) {
			cl->o->device = p.text[i];
			*argcp = 0;
			return;
		}
	}
	/*
	 * The listener, or "-"'s other side, or the first dialled; of two
	 * listeners the first, which waits for its client before the
	 * second listens, as socat opens its addresses in order.
	 */
	i = (a[1].listen && !a[0].listen) || a[0].kind == ADDR_STDIO ||
	    pair_device(&a[0]) || (a[0].kind == ADDR_EXEC &&
	    a[1].kind != ADDR_STDIO) ? 1 : 0;
	l = &a[i];
	other = &a[1 - i];
	if (a[0].kind == ADDR_EXEC && a[1].kind == ADDR_EXEC)
		pair_refuse(&p, "two programs cannot be joined");
	pair_side(&p, l);
	if (other->listen) {
		/*
		 * Two listeners pair their first clients, once: the second
		 * is a sockcat of its own, with -v for its "Listening on".
		 * Between streams each direction ends on its own
		 * (--half-close), the relay when both have.  A datagram
		 * has no end: a udp-l: side quits half a second after its
		 * stream's end (pair_child()), and a stream behind a
		 * udp-l: ends the relay with its client's end, as a
		 * listener does without --half-close.
		 */
		if (other->kind == ADDR_WS_L || l->kind == ADDR_WS_L)
			pair_refuse(&p, "a WebSocket listener with another "
			    "listener is not supported yet");
		p.verbose = cl->o->verbose;
		if (l->kind != ADDR_UDP_L)
			pair_opt(&p, "half-close", NULL);
		p.half_close = l->kind != ADDR_UDP_L &&
		    other->kind != ADDR_UDP_L;
		pair_child(&p, other, p.text[1 - i]);
		p.fwd = 1;
	} else if (other->kind != ADDR_STDIO) {
		/* A listener serves every client at once, each its own. */
		if (l->listen)
			pair_opt(&p, "keep-open", NULL);
		pair_other(&p, l, other, p.text[1 - i]);
	}
	/*
	 * An end-of-file is passed on as a shutdown, as the forwarder
	 * passes it, so that the far side's answer is the last word; but
	 * not to a WebSocket, whose close ends both ways (the answers
	 * still on their way would be lost).
	 */
	if (!p.fwd && !pair_ws(&a[0]) && !pair_ws(&a[1]))
		pair_opt(&p, "shutdown", NULL);
	*argcp = p.nops;
	*argvp = p.ops;
}
