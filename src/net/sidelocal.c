/*
 * The options of a side that is no socket, in socat's grammar: a file's
 * (how it is opened), and those of a file, a descriptor, a program or a
 * terminal that its opener carries out (src/net/end.c).  side.c reads
 * the rest of an address.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* The most words of a program socat splits (EXEC:). */
#define SIDE_WORDS	256

/*
 * A file's options: socat's OPEN: opens as its options say (creat,
 * trunc, excl, append; mode= for one created), where sockcat's file:
 * creates and truncates the file it writes.  unlink-early for a file, a
 * Unix listener's socket or a pty's link.
 */
int
side_file_opts(struct side *sd, const struct addr *a, char **cause)
{
	const char	*v;

	(void)cause;
	if ((v = addr_opt(a, "append")) != NULL)
		sd->append = strcmp(v, "1") == 0;
	sd->oflags = -1;
	if (a->kind == ADDR_FILE && a->socat)
		sd->oflags = (side_flag(a, "creat") ? O_CREAT : 0) |
		    (side_flag(a, "trunc") ? O_TRUNC : 0) |
		    (side_flag(a, "excl") ? O_EXCL : 0);
	else if (a->kind == ADDR_FILE && (addr_opt(a, "creat") != NULL ||
	    addr_opt(a, "trunc") != NULL || addr_opt(a, "excl") != NULL))
		sd->oflags = (!side_flag(a, "append") && (addr_opt(a,
		    "trunc") == NULL || side_flag(a, "trunc")) ? O_TRUNC : 0) |
		    (addr_opt(a, "creat") == NULL || side_flag(a, "creat") ?
		    O_CREAT : 0) | (side_flag(a, "excl") ? O_EXCL : 0);
	sd->perm = (v = addr_opt(a, "mode")) != NULL ?
	    (int)strtol(v, NULL, 8) : -1;
	sd->unlink_early = side_flag(a, "unlink-early");
	sd->crlf = side_flag(a, "crlf");
	return (0);
}

/*
 * The flags of open(2) for the file of sd read (rd), written (wr) or
 * both, as socat opens it: GOPEN creates a file that is not there and
 * appends to one that is; OPEN as its options say (creat, trunc, excl,
 * append).
 */
int
side_file_flags(const struct side *sd, int rd, int wr)
{
	const struct side_local	*l = &sd->local;
	struct stat		 st;

	return ((rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY) | O_CLOEXEC |
	    (l->gopen ? (stat(sd->path, &st) == -1 ? O_CREAT : wr ? O_APPEND :
	    0) : 0) |
	    (sd->append ? O_APPEND : 0) | (sd->oflags > 0 ? sd->oflags : 0) |
	    (l->nonblock ? O_NONBLOCK : 0) | (l->noatime ? O_NOATIME : 0));
}

/*
 * sd without socat's options of a file or a program (no umask=,
 * unlink-close, ...): the command line's side, or before an address's
 * are read.
 */
__startup void
side_local_defaults(struct side *sd)
{
	struct side_local	*l = &sd->local;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->readbytes = l->ftruncate = -1;
	l->umask = l->rawer = l->echo = l->opost = l->escape = -1;
	l->ispeed = l->ospeed = -1;
	l->unlink_close = -1;
	l->fdin = STDIN_FILENO;
	l->fdout = STDOUT_FILENO;
}

/*
 * A terminal's speed, socat's option name of a (ispeed=, ospeed=), into
 * *speed: bits per second or socat's termios code (device_is_speed()),
 * -1 without it.  Returns -1 with *cause set.
 */
static int
side_local_speed(const struct addr *a, const char *name, long *speed,
    char **cause)
{
	const char	*v;

	if ((v = addr_opt(a, name)) == NULL)
		return (0);
	*speed = (long)strtoul(v, NULL, 0);
	if (!device_is_speed(*speed)) {
		log_cause(cause, "option %s: %s is no terminal's speed (bits "
		    "per second, as 19200, or a termios code, as 14)", name,
		    v);
		return (-1);
	}
	return (0);
}

/*
 * How the text of a program's address is run: socat's EXEC: by its words
 * as socat splits them, its SHELL: by $SHELL, its SYSTEM: by /bin/sh;
 * sockcat's exec: by its words unless it needs a shell (what a shell
 * would read differently from words split on blanks).
 */
static int
side_exec_run(const struct addr *a)
{
	if (a->kind != ADDR_EXEC)
		return (RUN_SHELL);
	if (side_flag(a, "argv"))
		return (RUN_SOCAT);
	if (side_flag(a, "shell"))
		return (RUN_ENV_SHELL);
	if (a->socat || a->path == NULL ||
	    a->path[strcspn(a->path, "|&;<>()$`\\\"'*?[]#~=%{}!\n")] != '\0')
		return (RUN_SHELL);
	return (RUN_WORDS);
}

/*
 * socat's options of a file, a descriptor or a program (struct
 * side_local), read where two sides that are not sockets are joined;
 * sockcat's own file: has none of them.
 */
int
side_local_opts(struct side *sd, const struct addr *a, char **cause)
{
	static const char *const socat_only[] = { "ignoreeof", "readbytes",
	    "ftruncate", "umask", "nonblock", "escape", "setsid", "user",
	    "unlink-close", "raw", "rawer", "echo", "opost", "noatime",
	    "fs-noatime", "ispeed", "ospeed", "cool-write" };
	struct side_local	*l = &sd->local;
	const char		*v;
	size_t			 i;

	side_local_defaults(sd);
	for (i = 0; !a->socat && i < sizeof(socat_only) /
	    sizeof(socat_only[0]); i++) {
		if (addr_opt(a, socat_only[i]) != NULL) {
			log_cause(cause, "option %s is socat's: write the "
			    "address as socat does (OPEN:PATH,%s)",
			    socat_only[i], socat_only[i]);
			return (-1);
		}
	}
	if (a->kind == ADDR_FD)
		l->fd = atoi(a->path);
	l->escape = (v = addr_opt(a, "escape")) != NULL ?
	    (int)strtol(v, NULL, 0) : -1;
	l->setsid = side_flag(a, "setsid");
	l->fifo = side_flag(a, "fifo");
	l->nonblock = side_flag(a, "nonblock");
	l->noatime = side_flag(a, "noatime");
	l->fs_noatime = side_flag(a, "fs-noatime");
	l->gopen = side_flag(a, "gopen");
	l->run = side_exec_run(a);
	l->loop = side_flag(a, "loop");
	l->ignoreeof = side_flag(a, "ignoreeof");
	l->cool_write = side_flag(a, "cool-write");
	if ((v = addr_opt(a, "readbytes")) != NULL)
		l->readbytes = strtoll(v, NULL, 10);
	if ((v = addr_opt(a, "ftruncate")) != NULL)
		l->ftruncate = strtoll(v, NULL, 10);
	if ((v = addr_opt(a, "umask")) != NULL)
		l->umask = (int)strtol(v, NULL, 8);
	l->user = addr_opt(a, "user");
	l->unlink_close = (v = addr_opt(a, "unlink-close")) != NULL ?
	    strcmp(v, "1") == 0 : -1;
	/*
	 * A terminal's modes: a program's, a terminal opened by path, or
	 * the one on stdin.
	 */
	if (a->kind == ADDR_EXEC || a->kind == ADDR_FILE ||
	    a->kind == ADDR_STDIO) {
		if ((v = addr_opt(a, "rawer")) != NULL ||
		    (v = addr_opt(a, "raw")) != NULL)
			l->rawer = strcmp(v, "1") == 0;
		if ((v = addr_opt(a, "echo")) != NULL)
			l->echo = strcmp(v, "1") == 0;
		if ((v = addr_opt(a, "opost")) != NULL)
			l->opost = strcmp(v, "1") == 0;
	}
	if (side_local_speed(a, "ispeed", &l->ispeed, cause) == -1 ||
	    side_local_speed(a, "ospeed", &l->ospeed, cause) == -1)
		return (-1);
	/* sockcat's pty: always raw, opost=1 would not be. */
	if (a->kind == ADDR_PTY && side_flag(a, "opost")) {
		log_cause(cause, "a pty is raw: opost=1 is not supported");
		return (-1);
	}
	if (a->kind != ADDR_EXEC)
		return (0);
	l->pty = side_flag(a, "pty");
	/*
	 * ctty and sane: the terminal is the program's controlling one,
	 * in the modes a new one has: what pty gives it anyway.
	 */
	if (!l->pty && (l->rawer != -1 || l->echo != -1 || l->opost != -1 ||
	    l->ispeed != -1 || l->ospeed != -1)) {
		log_cause(cause, "raw, rawer, echo, opost, ispeed and ospeed "
		    "are a terminal's: the program's needs pty");
		return (-1);
	}
	if (!l->pty && (side_flag(a, "ctty") || side_flag(a, "sane"))) {
		log_cause(cause, "ctty and sane are a terminal's: the "
		    "program's needs pty");
		return (-1);
	}
	l->sigpass = (side_flag(a, "sigint") ? SIGPASS_INT : 0) |
	    (side_flag(a, "sighup") ? SIGPASS_HUP : 0) |
	    (side_flag(a, "sigquit") ? SIGPASS_QUIT : 0);
	if (l->pty && side_flag(a, "pipes")) {
		log_cause(cause, "pipes or pty, not both");
		return (-1);
	}
	l->stderr_out = side_flag(a, "stderr");
	l->nofork = side_flag(a, "nofork");
	if ((v = addr_opt(a, "fdin")) != NULL) {
		l->fdin = atoi(v);
		l->fd_given |= 1;
	}
	if ((v = addr_opt(a, "fdout")) != NULL) {
		l->fdout = atoi(v);
		l->fd_given |= 2;
	}
	if (l->pty && (l->fdin != STDIN_FILENO || l->fdout != STDOUT_FILENO)) {
		log_cause(cause, "fdin and fdout are for pipes, not a pty");
		return (-1);
	}
	return (0);
}

/* Does l set any of a terminal's modes (raw, echo, a speed, ...)? */
int
side_tty_opts(const struct side_local *l)
{
	return (l->rawer != -1 || l->echo != -1 || l->opost != -1 ||
	    l->ispeed != -1 || l->ospeed != -1);
}

/* The name of the first terminal's option l sets, for a refusal. */
const char *
side_tty_opt_name(const struct side_local *l)
{
	if (l->rawer != -1)
		return ("raw");
	if (l->echo != -1)
		return ("echo");
	if (l->opost != -1)
		return ("opost");
	return (l->ispeed != -1 ? "ispeed" : "ospeed");
}

/*
 * The program of sd (socat's EXEC: or SYSTEM:) as exec_spawn() takes it:
 * its words as socat splits them, or a shell's command, with its own
 * options (its terminal and the terminal's modes, fdin=, fdout=, stderr,
 * setsid), whatever it is joined with.  Returns -1 with *cause set.
 */
int
side_exec_cmd(const struct side *sd, struct exec_cmd *cmd, char **cause)
{
	const struct side_local	*l = &sd->local;
	char			 words[ADDR_MAX + 1], *argv[SIDE_WORDS];

	if (l->run == RUN_SOCAT) {
		if (strlcpy(words, sd->path, sizeof(words)) >= sizeof(words) ||
		    addr_socat_words(words, argv, nitems(argv)) < 1) {
			log_cause(cause, "%s: not a command socat would run",
			    sd->path);
			return (-1);
		}
		if (exec_cmd_argv(cmd, sd->path, argv, cause) == -1)
			return (-1);
	} else if (l->run == RUN_ENV_SHELL) {
		argv[0] = getenv("SHELL") != NULL && *getenv("SHELL") != '\0' ?
		    getenv("SHELL") : "/bin/sh";
		argv[1] = "-c";
		argv[2] = (char *)sd->path;
		argv[3] = NULL;
		if (exec_cmd_argv(cmd, sd->path, argv, cause) == -1)
			return (-1);
	} else if (exec_cmd_parse(cmd, sd->path, l->run == RUN_SHELL,
	    cause) == -1)
		return (-1);
	cmd->pty = l->pty;
	cmd->raw = l->rawer == 1;
	cmd->echo = l->echo == -1 ? 0 : l->echo ? 1 : 2;
	cmd->opost = l->opost == -1 ? 0 : l->opost ? 1 : 2;
	cmd->ispeed = l->ispeed != -1 ? l->ispeed : 0;
	cmd->ospeed = l->ospeed != -1 ? l->ospeed : 0;
	cmd->fdin = l->fdin;
	cmd->fdout = l->fdout;
	cmd->errout = l->stderr_out;
	cmd->setsid = l->setsid;
	return (0);
}

/*
 * socat's sigint, sighup, sigquit of a program: those signals go to the
 * programs.  Returns -1 with errno.
 */
int
side_exec_signals(const struct side_local *l)
{
	if (((l->sigpass & SIGPASS_INT) && exec_pass_signal(SIGINT) == -1) ||
	    ((l->sigpass & SIGPASS_HUP) && exec_pass_signal(SIGHUP) == -1) ||
	    ((l->sigpass & SIGPASS_QUIT) && exec_pass_signal(SIGQUIT) == -1))
		return (-1);
	return (0);
}
