/*
 * Invoked as "socat": socat's command line, its options mapped onto ours,
 * its addresses read in its grammar into a pair (pair.c), its messages in
 * its form.  An option we do not carry out is refused by name, status 1.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "front.h"

/*
 * socat's options that sockcat refuses: file descriptors' analysis,
 * locks, privileges, and the mixed log (stderr, then syslog) are not
 * there.
 */
static const char *const socat_refused[] = {
	"-D", "-S", "-g",
};

/*
 * The lock files taken (-L, -W, and each address's lockfile= and
 * waitlock=), removed at the end.
 */
#define SOCAT_LOCKS	5
static const char	*socat_locks[SOCAT_LOCKS];

/* The most -b takes: the pump's buffer, doubled for CRLF, is an int. */
#define SOCAT_BLOCK_MAX	(1 << 29)

/* What "socat -h" says. */
static const char socat_usage[] =
"socat's command line, run by sockcat (one process, no fork per client)\n"
"usage: socat [options] <address> <address>\n"
"   options:\n"
"      -V     print version information and exit\n"
"      -h     print this help text and exit; -hh, -hhh: also every\n"
"             option of an address, with socat's other names of each\n"
"      -d[d]  more diagnostics (socat's form: date, time, socat[pid])\n"
"      -u     one direction: from the first address to the second\n"
"      -U     one direction: from the second address to the first\n"
"      -s     go on after a client's error (always so here)\n"
"      -t <timeout>  seconds to wait for the other side after an EOF\n"
"      -T <timeout>  seconds without data either way that end it\n"
"      -b <size>     the most bytes a read or write moves\n"
"      -v     the data as text on stderr; -x  in hexadecimal\n"
"      -r <file>  append what goes from the first address to the second\n"
"      -R <file>  append what goes from the second address to the first\n"
"      -4     prefer IPv4; -6  prefer IPv6\n"
"      -lp<name>  the name messages give (socat by default)\n"
"      -lf <file> messages appended to file; -ls  to stderr (the default)\n"
"      -ly[facility]  messages to syslog (daemon by default)\n"
"      -lm[facility]  to stderr while starting, then to syslog\n"
"      -lu    the time to the microsecond; -lh  the host's name too\n"
"      -L <lockfile>  exit if it exists, else make it (removed at the end)\n"
"      -W <lockfile>  wait until it does not exist, then make it\n"
"   addresses: TCP, TCP4, TCP6, TCP-LISTEN, UDP, UDP-LISTEN,\n"
"      UDP-SENDTO, UDP-RECVFROM, UDP-RECV, UDP-DATAGRAM, UNIX-CONNECT,\n"
"      UNIX-LISTEN, UNIX-CLIENT, UNIX-SENDTO, UNIX-RECVFROM, UNIX-RECV,\n"
"      ABSTRACT-*, SOCKET-* (TCP and UDP), OPENSSL, OPENSSL-LISTEN,\n"
"      OPENSSL-DTLS-CLIENT, OPENSSL-DTLS-SERVER, PROXY, SOCKS4, SOCKS4A,\n"
"      SOCKS5-CONNECT, EXEC, SYSTEM, SHELL, PTY, STDIO, STDIN, STDOUT, -,\n"
"      READLINE, FD, ACCEPT-FD, PIPE, OPEN, CREATE, GOPEN, FILE, a path,\n"
"      R!!W, VSOCK-CONNECT\n"
"   sockcat-socat(7): a table of each kind, option group and difference.\n";

/* socat's -hh and -hhh: every address option, a line each. */
static __startup void
socat_usage_options(void)
{
	const char	*names, *w;
	size_t		 i, col, n;

	fputs("   options of addresses (each with its other names):\n",
	    stdout);
	for (i = 0; (names = addr_opt_names(i)) != NULL; i++) {
		fputs("      ", stdout);
		col = 6;
		for (w = names; *w != '\0'; w += n + (w[n] == ' ')) {
			n = strcspn(w, " ");
			if (col > 6 && col + 1 + n > 78) {
				fputs("\n        ", stdout);
				col = 8;
			} else if (col > 6) {
				putchar(' ');
				col++;
			}
			if (n == 2 && strncmp(w, "bN", 2) == 0)
				fputs("b<speed> (b9600, b115200, ...)", stdout);
			else
				fwrite(w, 1, n, stdout);
			col += n;
		}
		putchar('\n');
	}
}

/*
 * The value of option argv[*i] (name n bytes), attached or next (*i passes
 * it); NULL when none, said if need.
 */
static __startup const char *
socat_value(int argc, char **argv, int *i, size_t n, int need)
{
	if (argv[*i][n] != '\0')
		return (argv[*i] + n);
	if (*i + 1 < argc)
		return (argv[++*i]);
	if (need)
		fatalx("option %s requires an argument; use option \"-h\" "
		    "for help", argv[*i]);
	return (NULL);
}

/* socat's seconds ("0.5") in milliseconds, a fraction rounded up. */
static __startup long long
socat_seconds(const char *opt, const char *arg)
{
	char	*end;
	double	 d;

	if (arg == NULL)
		fatalx("option %s needs a value", opt);
	d = strtod(arg, &end);
	/* Not "d < 0 || d > 1e9": a NaN is neither. */
	if (end == arg || *end != '\0' || !(d >= 0 && d <= 1e9))
		fatalx("option %s: not a number of seconds: %s", opt, arg);
	return (parse_time_ms_up(d * 1000));
}

/* socat's -b: the most bytes a read moves; exits on a bad one. */
static __startup u_int
socat_block(const char *arg)
{
	unsigned long long	 v;
	char			*end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (end == arg || arg[0] == '-')
		fatalx("option -b: missing numerical value: %s", arg);
	if (*end != '\0')
		fatalx("option -b: trailing garbage: %s", arg);
	if (errno == ERANGE || v > (SIZE_MAX - 1) / 2)
		fatalx("buffer size option (-b) to big - %s (max is %zu)",
		    arg, (SIZE_MAX - 1) / 2);
	if (v == 0 || v > SOCAT_BLOCK_MAX)
		fatalx("option -b: from 1 to %d bytes with sockcat: %s",
		    SOCAT_BLOCK_MAX, arg);
	return ((u_int)v);
}

/* socat's syslog facilities (-ly). */
static const struct {
	const char	*name;
	int		 facility;
} socat_facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "kern", LOG_KERN }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "security", LOG_AUTH },
	{ "syslog", LOG_SYSLOG }, { "user", LOG_USER }, { "uucp", LOG_UUCP },
};

/* socat's -lf, -ls, -ly and -lm: where messages go from now on. */
static __startup void
socat_log_dest(const char *opt, const char *arg)
{
	const char	*why;
	size_t		 i;
	int		 fd, fac;

	if (opt[2] == 's') {
		(void)log_socat_dest(-1, -1);
		return;
	}
	if (opt[2] == 'y' || opt[2] == 'm') {
		for (i = 0; arg[0] != '\0' && i < nitems(socat_facilities); i++)
			if (strcasecmp(arg, socat_facilities[i].name) == 0)
				break;
		if (i == nitems(socat_facilities))
			fatalx("unknown syslog facility \"%s\"", arg);
		fac = arg[0] == '\0' ? LOG_DAEMON :
		    socat_facilities[i].facility;
		if (opt[2] == 'm')
			log_socat_mix(fac);
		else
			(void)log_socat_dest(-1, fac);
		return;
	}
	if (arg[0] == '\0')
		fatalx("option -lf requires an argument; use option \"-h\" "
		    "for help");
	if ((fd = path_open(arg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666, &why)) == -1)
		fatalx("cannot open log file \"%s\": %s", arg, why);
	/* Not 0, 1 or 2, which the sides may take as stdio. */
	if (fd <= STDERR_FILENO)
		fatalx("cannot open log file \"%s\": stdio is closed", arg);
	if (log_socat_dest(fd, -1) == -1)
		fatal("cannot open log file \"%s\"", arg);
}

/* socat's -lh: the host's name, as socat takes it. */
static __startup const char *
socat_host(void)
{
	static char	 name[256];
	const char	*env;

	if ((env = getenv("HOSTNAME")) != NULL)
		return (env);
	if (gethostname(name, sizeof(name) - 1) == -1)
		fatal("gethostname");
	return (name);
}

/* Remove the lock files: at exit, or from a fatal signal's handler. */
static void
socat_unlock(__unused int sig)
{
	size_t	 i;

	for (i = 0; i < SOCAT_LOCKS; i++) {
		if (socat_locks[i] != NULL)
			unlink(socat_locks[i]);
	}
}

/*
 * Take the lock file path as socat does (a link, atomic).  Returns 0 when
 * taken, 1 when held, or -1 with errno.
 */
static __startup int
socat_lock_try(const char *path)
{
	struct stat	 st;
	char		 tmp[PATH_MAX], pid[24];
	int		 fd, n, rc = 0;

	if (lstat(path, &st) == 0)
		return (1);
	if (errno != ENOENT)
		return (-1);
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = mkstemp(tmp)) == -1)
		return (-1);
	n = snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (write(fd, pid, n) != n)
		rc = -1;
	close(fd);
	if (rc == 0 && link(tmp, path) == -1)
		rc = errno == EEXIST ? 1 : -1;
	n = errno;
	unlink(tmp);
	errno = n;
	return (rc);
}

/*
 * socat's -L, lockfile= (wait 0), -W, waitlock= (1): take path, or exit 1
 * when held; -W waits.  Removed at exit.
 */
__startup void
socat_lock(const char *path, int wait)
{
	size_t	 i;
	int	 rc, said = 0;

	while ((rc = socat_lock_try(path)) == 1 && wait) {
		if (!said++)
			log_verbose(1, "waiting for lock \"%s\"", path);
		sleep(1);
	}
	if (rc == -1)
		fatal("lock \"%s\"", path);
	if (rc == 1)
		fatalx("could not obtain lock \"%s\"", path);
	for (i = 0; i < SOCAT_LOCKS && socat_locks[i] != NULL; i++)
		;
	/* -L or -W, and each address's two: never more. */
	if (i == SOCAT_LOCKS) {
		unlink(path);
		fatalx("lock \"%s\": more than %d lock files", path,
		    SOCAT_LOCKS);
	}
	socat_locks[i] = path;
	cleanup_add(socat_unlock);
}

/* What socat's command line says besides struct options. */
struct socat_cl {
	int		 nd;		/* -d, counted */
	const char	*lock;		/* -L's or -W's lock file */
	int		 lock_wait;	/* -W */
};

/* -h, -hh, -hhh (or as many ?s): how many; else 0. */
static __startup size_t
socat_help_level(const char *arg)
{
	size_t	 n = strlen(arg + 1);

	if (n > 3 || (arg[1] != 'h' && arg[1] != '?'))
		return (0);
	return (strspn(arg + 1, arg[1] == 'h' ? "h" : "?") == n ? n : 0);
}

/* Read socat's option argv[*i] into cl or sc, *i past its value. */
static __startup void
socat_option(struct cmdline *cl, struct socat_cl *sc, int argc, char **argv,
    int *i)
{
	struct options	*o = cl->o;
	const char	*arg = argv[*i];
	size_t		 j;

	if (strspn(arg + 1, "d") == strlen(arg + 1))
		sc->nd += strlen(arg + 1);
	else if ((j = socat_help_level(arg)) > 0) {
		fputs(socat_usage, stdout);
		if (j > 1)
			socat_usage_options();
		exit(0);
	} else if (strcmp(arg, "-V") == 0) {
		printf("sockcat %s, running socat's command line (that of "
		    "socat 1.7.4)\n", PACKAGE_VERSION);
		exit(0);
	} else if (strncmp(arg, "-lp", 3) == 0)
		/* The name its messages give, as socat's. */
		log_socat_name(socat_value(argc, argv, i, 3, 1));
	else if (strncmp(arg, "-lf", 3) == 0 || strcmp(arg, "-ls") == 0 ||
	    strncmp(arg, "-ly", 3) == 0 || strncmp(arg, "-lm", 3) == 0)
		/* Where messages go. */
		socat_log_dest(arg, arg[3] == '\0' && arg[2] == 'f' &&
		    *i + 1 < argc ? argv[++*i] : arg + 3);
	else if (strcmp(arg, "-lu") == 0 || strcmp(arg, "-lh") == 0)
		/* What their lines show. */
		log_socat_detail(arg[2] == 'u', arg[2] == 'h' ? socat_host() :
		    NULL);
	else if (strcmp(arg, "-u") == 0 || strcmp(arg, "-U") == 0)
		o->socat_dir = arg[1] == 'u' ? 1 : -1;
	else if (strcmp(arg, "-s") == 0) {
		/*
		 * -s: go on after an error socat would end on.  Those of
		 * ours that concern one client (turned away by range= or
		 * sourceport=, its connection or program failed) end its
		 * session alone, -s or not: a listener goes on.
		 */
	} else if (strcmp(arg, "-4") == 0 || strcmp(arg, "-6") == 0)
		o->side.sock.family = arg[1] == '4' ? AF_INET : AF_INET6;
	/* The data dumps: to stderr (-v, -x), each way's (-r, -R). */
	else if (strcmp(arg, "-v") == 0 || strcmp(arg, "-x") == 0)
		o->socat_dump |= arg[1] == 'v' ? DUMP_SOCAT_TEXT :
		    DUMP_SOCAT_HEX;
	else if (strncmp(arg, "-r", 2) == 0)
		o->socat_ltor = socat_value(argc, argv, i, 2, 1);
	else if (strncmp(arg, "-R", 2) == 0)
		o->socat_rtol = socat_value(argc, argv, i, 2, 1);
	else if (strncmp(arg, "-L", 2) == 0 || strncmp(arg, "-W", 2) == 0) {
		if (sc->lock != NULL)
			fatalx("only one -L and -W option allowed");
		sc->lock_wait = arg[1] == 'W';
		sc->lock = socat_value(argc, argv, i, 2, 1);
	} else if (strncmp(arg, "-b", 2) == 0)
		o->flow.block = socat_block(socat_value(argc, argv, i, 2, 1));
	else if (strncmp(arg, "-t", 2) == 0) {
		o->socat_quit_ms = socat_seconds("-t", socat_value(argc, argv,
		    i, 2, 0));
	} else if (strncmp(arg, "-T", 2) == 0) {
		/* -T: the pump's idle timer; 0 is socat's "none". */
		o->flow.idle_ms = socat_seconds("-T", socat_value(argc, argv,
		    i, 2, 0));
		if (o->flow.idle_ms == 0)
			o->flow.idle_ms = TIME_NONE;
	} else {
		/* Named as socat's, its value attached or not (-T1). */
		for (j = 0; j < nitems(socat_refused); j++) {
			if (strncmp(arg, socat_refused[j],
			    strlen(socat_refused[j])) == 0)
				fatalx("socat's option %s is not supported by "
				    "sockcat", socat_refused[j]);
		}
		fatalx("unknown option \"%s\"; use option \"-h\" for help",
		    arg);
	}
}

/* Read socat's command line into cl.  Returns its first address's index. */
__startup int
socat_cmdline(struct cmdline *cl, int argc, char **argv)
{
	struct options	*o = cl->o;
	struct socat_cl	 sc = { .nd = 0 };
	char		 pid[24];
	int		 i;

	log_socat_form();
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
	    argv[i][1] != ',' && argv[i][1] != '!'; i++)
		socat_option(cl, &sc, argc, argv, &i);
	if (argc - i != 2)
		fatalx("exactly 2 addresses required (there are %d); use "
		    "option \"-h\" for help", argc - i);
	/* socat's rule: -d shows warnings, -d -d notices, and so on. */
	o->verbose = sc.nd >= 2 ? sc.nd - 1 : 0;
	log_socat_debug(sc.nd);
	if (sc.lock != NULL) {
		/* Its notice is -d -d's, as socat's. */
		log_init(o->verbose);
		socat_lock(sc.lock, sc.lock_wait);
		o->socat_locked = 1;
	}
	o->socat = 1;
	o->side.dialect = &dialect_socat;
	/*
	 * socat's own process id, in the environment every program it runs
	 * inherits (those of sockets have theirs again, exec.c).
	 */
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (setenv("SOCAT_PID", pid, 1) == -1 ||
	    setenv("SOCAT_PPID", pid, 1) == -1)
		fatal("setenv");
	cl->pair = 1;
	return (i);
}
