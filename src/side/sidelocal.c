/*
 * The options of a side that is no socket, in socat's grammar: a file's,
 * a descriptor's, a program's, a terminal's (carried out by end.c).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "side.h"
#include "side-int.h"

/* The most words of a program socat splits (EXEC:). */
#define SIDE_WORDS	256

/*
 * The open(2) flags for sd's file, read (rd), written (wr) or both, as
 * socat's; sockcat's in stdin's place as "<" opens it, in stdout's as ">"
 * makes it (unless append, creat, trunc or excl say otherwise).
 */
int
side_file_flags(const struct side *sd, int rd, int wr)
{
	const struct side_local	*l = &sd->local;
	struct stat		 st;
	int			 flags;

	flags = (rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY) | O_CLOEXEC |
	    (l->nonblock ? O_NONBLOCK : 0) | (l->noatime ? O_NOATIME : 0) |
	    (l->direct ? O_DIRECT : 0);
	if (l->stdio != 0 && !wr)
		return (flags);
	if (l->stdio != 0 && sd->oflags == -1 && !rd)
		flags |= O_CREAT | (sd->append ? 0 : O_TRUNC);
	return (flags | (sd->append ? O_APPEND : 0) |
	    (sd->oflags > 0 ? sd->oflags : 0) |
	    (l->gopen ? (stat(sd->path, &st) == -1 ? O_CREAT : wr ? O_APPEND :
	    0) : 0));
}

/* Clear sd's options of a file or program (no umask=, unlink-close, ...). */
__startup void
side_local_defaults(struct side *sd)
{
	struct side_local	*l = &sd->local;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->readbytes = l->ftruncate = -1;
	l->seek = l->seek_end = SIDE_NO_SEEK;
	l->umask = l->escape = -1;
	l->tty = TTY_AS_IS;
	l->unlink_close = -1;
	l->pgid = -1;
	l->fdin = STDIN_FILENO;
	l->fdout = STDOUT_FILENO;
}

/* ispeed=, ospeed= or socat's bN.  Returns -1 with *cause set. */
int
side_opt_speed(struct side *sd, const struct side_given *o)
{
	const char	*is = o->is, *v = o->v;
	long		 speed = (long)strtoul(v, NULL, 0);

	if (!device_is_speed(speed)) {
		log_cause(o->cause, "option %s%s: %s is no terminal's speed "
		    "(bits per second, as 19200, or a termios code, as 14)",
		    strcmp(is, "speed") == 0 ? "b" : is,
		    strcmp(is, "speed") == 0 ? v : "", v);
		return (-1);
	}
	if (strcmp(is, "ospeed") != 0)
		sd->local.tty.ispeed = speed;
	if (strcmp(is, "ispeed") != 0)
		sd->local.tty.ospeed = speed;
	return (0);
}

/* sigint, sighup, sigquit: those signals go to the program. */
int
side_opt_signal(struct side *sd, const struct side_given *o)
{
	if (strcmp(o->v, "1") == 0)
		sd->local.sigpass |= 1U << (strcmp(o->is, "sigint") == 0 ?
		    SIGINT : strcmp(o->is, "sighup") == 0 ? SIGHUP : SIGQUIT);
	return (0);
}

/*
 * fdin=N: the program's descriptor read from, in stdin's place; fdout=N:
 * and the one written to, in stdout's place.
 */
int
side_opt_fd(struct side *sd, const struct side_given *o)
{
	if (strcmp(o->is, "fdin") == 0) {
		sd->local.fdin = atoi(o->v);
		sd->local.fd_given |= 1;
	} else {
		sd->local.fdout = atoi(o->v);
		sd->local.fd_given |= 2;
	}
	return (0);
}

/* How a program's address is run: by its words, by $SHELL, or by /bin/sh. */
static int
side_exec_run(const struct addr *a)
{
	if (a->kind != ADDR_EXEC)
		return (RUN_SHELL);
	if (side_flag(a, "argv"))
		return (RUN_SOCAT);
	if (side_flag(a, "shell"))
		return (RUN_ENV_SHELL);
	if (!dialect_of(a)->exec_words || a->path == NULL ||
	    a->path[strcspn(a->path, "|&;<>()$`\\\"'*?[]#~=%{}!\n")] != '\0')
		return (RUN_SHELL);
	return (RUN_WORDS);
}

/*
 * Refuse option name of a, written in sockcat's grammar, as socat's alone.
 * Returns -1 with *cause set.
 */
static int
side_socat_only(const struct addr *a, const char *name, char **cause)
{
	char	 kind[ADDR_NAME_MAX + 1];
	size_t	 j;

	/* socat's spelling of the address: its name in capitals. */
	if (!addr_socat_named(a->name)) {
		log_cause(cause, "option %s is socat's, and socat has no %s: "
		    "address", name, a->name);
		return (-1);
	}
	strlcpy(kind, a->name, sizeof(kind));
	for (j = 0; kind[j] != '\0'; j++)
		kind[j] = toupper((unsigned char)kind[j]);
	log_cause(cause, "option %s is socat's: write the address as socat "
	    "does, %s:...,%s", name, kind, name);
	return (-1);
}

/*
 * Read what a non-socket address says besides its options (fd number, file
 * flags, what socat's name implies).  Returns -1 with *cause set.
 */
int
side_local_kind(struct side *sd, const struct addr *a, char **cause)
{
	static const char *const socat_only[] = { "ignoreeof", "readbytes",
	    "ftruncate", "umask", "nonblock", "escape", "setsid", "user",
	    "group", "unlink-close", "ispeed", "ospeed", "speed", "noatime",
	    "fs-noatime", "cool-write", "seek", "seek-end", "su", "su-d",
	    "setuid", "setgid", "chroot", "setlk", "setlkw", "setlk-rd",
	    "setlkw-rd", "flock-ex", "flock-ex-nb", "flock-sh", "flock-sh-nb",
	    "path", "history", "noprompt", "prompt", "noecho", "lockfile",
	    "waitlock", "setpgid" };
	const struct dialect	*g = dialect_of(a);
	struct side_local	*l = &sd->local;
	size_t			 i;

	side_local_defaults(sd);
	for (i = 0; !g->local_opts && i < nitems(socat_only); i++) {
		if (addr_opt(a, socat_only[i]) != NULL)
			return (side_socat_only(a, socat_only[i], cause));
	}
	if (a->kind == ADDR_FD)
		l->fd = atoi(a->path);
	sd->oflags = -1;
	if (a->kind == ADDR_FILE && g->oflags_said)
		sd->oflags = (side_flag(a, "creat") ? O_CREAT : 0) |
		    (side_flag(a, "trunc") ? O_TRUNC : 0) |
		    (side_flag(a, "excl") ? O_EXCL : 0);
	else if (a->kind == ADDR_FILE && (addr_opt(a, "creat") != NULL ||
	    addr_opt(a, "trunc") != NULL || addr_opt(a, "excl") != NULL))
		sd->oflags = (!side_flag(a, "append") && (addr_opt(a,
		    "trunc") == NULL || side_flag(a, "trunc")) ? O_TRUNC : 0) |
		    (addr_opt(a, "creat") == NULL || side_flag(a, "creat") ?
		    O_CREAT : 0) | (side_flag(a, "excl") ? O_EXCL : 0);
	l->fifo = side_flag(a, "fifo");
	l->gopen = side_flag(a, "gopen");
	l->readline = side_flag(a, "readline");
	l->loop = side_flag(a, "loop");
	l->run = side_exec_run(a);
	return (0);
}

/* socat's names of the locks, by their SIDE_LOCK_* bits but _ON. */
static const char *const side_locks[] = { "setlk", "flock-ex-nb",
    "setlk-rd", "flock-sh-nb", "setlkw", "flock-ex", "setlkw-rd", "flock-sh" };

/* The name of the lock a side takes (lock is not 0). */
const char *
side_lock_name(int lock)
{
	return (side_locks[lock >> 1]);
}

/* socat's setlk* and flock-*: the one lock the file takes once open. */
int
side_opt_lock(struct side *sd, const struct side_given *o)
{
	const char	*is = o->is;
	size_t		 i;

	if (strcmp(o->v, "1") != 0)
		return (0);
	for (i = 0; i < nitems(side_locks); i++) {
		if (strcmp(side_locks[i], is) == 0)
			break;
	}
	DEBUG_CHECK(i < nitems(side_locks), "side_opt_lock: a row of "
	    "addr-opts.h names a lock side_locks[] does not");
	if (sd->local.lock != 0) {
		log_cause(o->cause, "%s and %s: one lock at most",
		    side_lock_name(sd->local.lock), is);
		return (-1);
	}
	sd->local.lock = SIDE_LOCK_ON | (int)i << 1;
	return (0);
}

/* Refuse conflicting options of a non-socket side.  Returns -1 with *cause. */
int
side_local_check(const struct side *sd, const struct addr *a, char **cause)
{
	static const char *const readline_only[] = { "history", "noprompt",
	    "prompt", "noecho" };
	const struct side_local	*l = &sd->local;
	regex_t			 re;
	char			 msg[256];
	size_t			 i;
	int			 error;

	/* A terminal's modes of its own (io.h's ops) are socat's too. */
	if (!dialect_of(a)->local_opts && l->tty.nops > 0)
		return (side_socat_only(a, tty_want_name(&l->tty), cause));
	for (i = 0; a->kind == ADDR_PTY && i < (size_t)l->tty.nops; i++) {
		if ((l->tty.ops[i].field != TTY_RAW &&
		    l->tty.ops[i].field != TTY_RAWER &&
		    l->tty.ops[i].field != TTY_CFMAKERAW) ||
		    l->tty.ops[i].bits != 0)
			continue;
		log_cause(cause, "a pty is made raw: raw=0, rawer=0 and "
		    "cfmakeraw=0 are not supported (sane gives it a new "
		    "terminal's modes)");
		return (-1);
	}
	for (i = 0; !l->readline && i < nitems(readline_only); i++) {
		if (addr_opt(a, readline_only[i]) != NULL) {
			log_cause(cause, "%s is READLINE's", readline_only[i]);
			return (-1);
		}
	}
	if (l->prompt != NULL && strlen(l->prompt) > EDIT_PROMPT_MAX) {
		log_cause(cause, "prompt= is %d bytes at most",
		    EDIT_PROMPT_MAX);
		return (-1);
	}
	if (l->noecho != NULL && (error = regcomp(&re, l->noecho,
	    REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(error, &re, msg, sizeof(msg));
		log_cause(cause, "noecho: %s", msg);
		return (-1);
	}
	if (l->noecho != NULL)
		regfree(&re);
	if (a->kind != ADDR_EXEC)
		return (0);
	if (!l->pty && tty_want_any(&l->tty)) {
		log_cause(cause, "%s is a terminal's: the program's needs pty",
		    tty_want_name(&l->tty));
		return (-1);
	}
	if (!l->pty && side_flag(a, "ctty")) {
		log_cause(cause, "ctty is a terminal's: the program's needs "
		    "pty");
		return (-1);
	}
	if (l->pty && side_flag(a, "pipes")) {
		log_cause(cause, "pipes or pty, not both");
		return (-1);
	}
	if (l->pty && (l->fdin != STDIN_FILENO || l->fdout != STDOUT_FILENO)) {
		log_cause(cause, "fdin and fdout are for pipes, not a pty");
		return (-1);
	}
	/* One descriptor both ways is a socket pair's (exec_spawn()). */
	if (l->fdin == l->fdout && side_flag(a, "pipes")) {
		log_cause(cause, "fdin=%d and fdout=%d are one descriptor, "
		    "which a pipe cannot be read and written as: not with "
		    "pipes", l->fdin, l->fdout);
		return (-1);
	}
	/* As socat's: a shell that runs a command is no login shell. */
	if (l->login && l->run != RUN_SOCAT) {
		log_cause(cause, "login is EXEC:'s, not a shell command's");
		return (-1);
	}
	return (0);
}

/* Fill cmd with sd's program for exec_spawn().  Returns -1 with *cause set. */
int
side_exec_cmd(const struct side *sd, struct exec_cmd *cmd, char **cause)
{
	const struct side_local	*l = &sd->local;
	char			 words[ADDR_MAX + 1], *argv[SIDE_WORDS], *login;

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
	/* socat's login: "-" before argv[0], the path looked for after it. */
	if (l->login) {
		if (asprintf(&login, "-%s", cmd->argv[0]) == -1) {
			log_cause(cause, "%s", strerror(errno));
			exec_cmd_free(cmd);
			return (-1);
		}
		if (cmd->path == cmd->argv[0])
			cmd->path = login + 1;
		free(cmd->argv[0]);
		cmd->argv[0] = login;
	}
	cmd->pty = l->pty;
	cmd->tty = &l->tty;
	cmd->fdin = l->fdin;
	cmd->fdout = l->fdout;
	cmd->errout = l->stderr_out || (l->pty && sd->dialect->pty_stderr);
	cmd->env_prefix = sd->dialect->env_prefix;
	cmd->env_peer = sd->dialect->env_peer;
	cmd->setsid = l->setsid;
	cmd->sigpass = l->sigpass;
	cmd->pgid = l->pgid;
	cmd->chroot = l->chroot;
	cmd->search = l->search;
	/* Looked up here, before the child's chroot=: su= as su-d=. */
	if (side_creds(l, &cmd->creds, cause) == -1) {
		exec_cmd_free(cmd);
		return (-1);
	}
	return (0);
}

/* socat's sigint, sighup, sigquit: pass them on.  Returns -1 with errno. */
int
side_exec_signals(const struct side_local *l)
{
	if (((l->sigpass & (1U << SIGINT)) && exec_pass_signal(SIGINT) == -1) ||
	    ((l->sigpass & (1U << SIGHUP)) && exec_pass_signal(SIGHUP) == -1) ||
	    ((l->sigpass & (1U << SIGQUIT)) &&
	    exec_pass_signal(SIGQUIT) == -1))
		return (-1);
	return (0);
}
