/*
 * The program endpoint (-e, -c): a child whose stdin and stdout are pipes
 * the pump moves, started with its connection described in the
 * environment, and reaped from the event loop when it exits.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

/* The shell that runs -c commands. */
#define EXEC_SHELL	"/bin/sh"

/*
 * How long a program asked to end (SIGTERM) has before it is killed
 * (SIGKILL): one that ignores the request must not outlive sockcat.
 */
#define EXEC_KILL_GRACE_MS	2000

/* Where a program is looked for when PATH is not set. */
#define EXEC_DEFPATH	"/usr/bin:/bin"

/* Children not yet reaped, whether or not anyone still cares about them. */
static TAILQ_HEAD(, child) exec_children =
    TAILQ_HEAD_INITIALIZER(exec_children);
static int	exec_reaping;	/* The SIGCHLD watcher is installed. */

/* An empty cmd that messages call text. */
static void
exec_cmd_init(struct exec_cmd *cmd, const char *text)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->text = text;
	cmd->fdin = STDIN_FILENO;
	cmd->fdout = STDOUT_FILENO;
	cmd->creds = EXEC_CREDS_OURS;
	cmd->pgid = -1;
}

/* Fill cmd from -e's text or -c's.  Returns -1 with errno and *cause. */
int
exec_cmd_parse(struct exec_cmd *cmd, const char *text, int shell,
    char **cause)
{
	char	*copy, *word, *last, **argv;
	size_t	 n = 0;

	if (shell) {
		if (exec_cmd_argv(cmd, text, (char *const []){ "sh", "-c",
		    (char *)text, NULL }, cause) == -1)
			return (-1);
		cmd->path = EXEC_SHELL;
		return (0);
	}
	exec_cmd_init(cmd, text);
	if ((copy = strdup(text)) == NULL)
		goto nomem;
	for (word = strtok_r(copy, " \t\n", &last); word != NULL;
	    word = strtok_r(NULL, " \t\n", &last)) {
		/* The words so far stay in cmd->argv, for exec_cmd_free(). */
		if ((argv = reallocarray(cmd->argv, n + 2,
		    sizeof(*argv))) != NULL)
			cmd->argv = argv;
		if (argv == NULL || (argv[n] = strdup(word)) == NULL) {
			free(copy);
			goto nomem;
		}
		cmd->argv[++n] = NULL;
	}
	free(copy);
	if (n == 0) {
		log_cause(cause, "no program to execute");
		errno = EINVAL;
		return (-1);
	}
	cmd->path = cmd->argv[0];
	return (0);

nomem:
	exec_cmd_free(cmd);
	log_cause(cause, "%s", strerror(ENOMEM));
	errno = ENOMEM;
	return (-1);
}

/*
 * Fill cmd from argv (argv[0] looked for on PATH), text its name in
 * messages.  Returns 0, or -1 with *cause set.
 */
int
exec_cmd_argv(struct exec_cmd *cmd, const char *text, char *const *argv,
    char **cause)
{
	size_t	 n;

	exec_cmd_init(cmd, text);
	for (n = 0; argv[n] != NULL; n++)
		;
	if ((cmd->argv = calloc(n + 1, sizeof(*cmd->argv))) == NULL)
		goto nomem;
	for (n = 0; argv[n] != NULL; n++) {
		if ((cmd->argv[n] = strdup(argv[n])) == NULL)
			goto nomem;
	}
	cmd->path = cmd->argv[0];
	return (0);

nomem:
	exec_cmd_free(cmd);
	log_cause(cause, "%s", strerror(errno));
	return (-1);
}

void
exec_cmd_free(struct exec_cmd *cmd)
{
	size_t	 i;

	if (cmd->argv != NULL) {
		for (i = 0; cmd->argv[i] != NULL; i++)
			free(cmd->argv[i]);
		free(cmd->argv);
	}
	cmd->argv = NULL;
}

/* Can path be executed?  Returns 0, or -1 with errno as exec would set. */
static int
exec_usable(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		return (-1);
	if (!S_ISREG(st.st_mode) || access(path, X_OK) == -1) {
		errno = EACCES;
		return (-1);
	}
	return (0);
}

/*
 * Write the next place to look for name along *list into file (size
 * bytes), moving *list on.  Returns 1, or 0 at the end.  No allocation: a
 * vfork(2) child calls it.
 */
static int
exec_path_next(const char **list, const char *name, char *file, size_t size)
{
	const char	*p, *end;
	size_t		 dlen, nlen = strlen(name);

	while ((p = *list) != NULL) {
		end = strchrnul(p, ':');
		*list = *end == '\0' ? NULL : end + 1;
		dlen = end - p;
		if (dlen + 1 + nlen >= size)
			continue;
		memcpy(file, p, dlen);
		if (dlen > 0)
			file[dlen++] = '/';
		memcpy(file + dlen, name, nlen + 1);
		return (1);
	}
	return (0);
}

/*
 * Check that the program exists and is executable (on PATH if no slash),
 * before anything starts.  Returns -1 with *cause set.
 */
int
exec_cmd_check(const struct exec_cmd *cmd, char **cause)
{
	const char	*path;
	char		 file[PATH_MAX];
	int		 error = ENOENT;

	if (strchr(cmd->path, '/') != NULL) {
		if (exec_usable(cmd->path) == 0)
			return (0);
		error = errno;
	} else {
		if ((path = cmd->search) == NULL &&
		    (path = getenv("PATH")) == NULL)
			path = EXEC_DEFPATH;
		while (exec_path_next(&path, cmd->path, file, sizeof(file))) {
			if (exec_usable(file) == 0)
				return (0);
			if (errno == EACCES)
				error = EACCES;
		}
	}
	log_cause(cause, "exec %s: %s", cmd->path, strerror(error));
	errno = error;
	return (-1);
}

/* Send sig to c's program (its group if it leads one) while it is unreaped. */
static void
exec_signal(const struct child *c, int sig)
{
	if (c->pid <= 0)
		return;
	if (getpgid(c->pid) == c->pid)
		killpg(c->pid, sig);
	else
		kill(c->pid, sig);
}

/* Reap every child that has exited and tell whoever owns it. */
static void
exec_sigchld(__unused int sig, __unused void *arg)
{
	struct child	*c;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		TAILQ_FOREACH(c, &exec_children, entry) {
			if (c->pid == pid)
				break;
		}
		if (c == NULL)
			continue;
		TAILQ_REMOVE(&exec_children, c, entry);
		ev_timer_disarm(&c->kill);
		c->exited = 1;
		c->status = status;
		log_verbose(2, "program pid %ld exited with status %d",
		    (long)pid, exec_status(c));
		if (c->released)
			free(c);
		else {
			/* Its terminal's last output, then end-of-file. */
			pty_exited(c);
			if (c->exited_cb != NULL)
				c->exited_cb(c, c->arg);
		}
	}
}

/* The grace period of a program asked to end is over: kill it. */
static void
exec_kill_cb(void *arg)
{
	struct child	*c = arg;

	if (!c->exited && c->pid > 0) {
		log_verbose(2, "program pid %ld did not end, killed",
		    (long)c->pid);
		exec_signal(c, SIGKILL);
	}
}

/* SIGTERM c's group, SIGKILL after EXEC_KILL_GRACE_MS; reaped as usual. */
void
exec_terminate(struct child *c)
{
	if (c->exited || c->pid <= 0)
		return;
	c->terminated = 1;
	exec_signal(c, SIGTERM);
	if (!ev_timer_armed(&c->kill))
		ev_timer_arm(&c->kill, EXEC_KILL_GRACE_MS);
}

/*
 * How many listed children still run, without blocking or reaping (so
 * their pids stay ours).  Safe in a signal handler.
 */
static int
exec_running_listed(void)
{
	struct child	*c;
	siginfo_t	 si;
	int		 left = 0;

	TAILQ_FOREACH(c, &exec_children, entry) {
		if (c->pid <= 0)
			continue;
		si.si_pid = 0;
		if (waitid(P_PID, c->pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
		    -1 && errno == ECHILD)
			c->pid = -1;
		else if (si.si_pid != c->pid)
			left++;
	}
	return (left);
}

static void
exec_pass_cb(int sig, __unused void *arg)
{
	struct child	*c;

	TAILQ_FOREACH(c, &exec_children, entry) {
		if (!c->exited && (c->sigpass & (1U << sig)))
			exec_signal(c, sig);
	}
}

/*
 * socat's sigint, sighup, sigquit: sig goes to each program that asked
 * for it (exec_cmd's sigpass) instead of ending us.  Returns -1 with
 * errno.
 */
int
exec_pass_signal(int sig)
{
	return (ev_signal(sig, exec_pass_cb, NULL));
}

/*
 * When sig ends us: SIGTERM every program, wait up to EXEC_KILL_GRACE_MS
 * in sigtimedwait(2), then SIGKILL their groups.  Only for a process
 * about to die; safe in a signal handler.
 */
static void
exec_kill_children(int sig)
{
	struct child	*c;
	struct timespec	 ts;
	sigset_t	 set;
	uint64_t	 start;
	long long	 left_ms;
	int		 saved = errno;

	/* At an ordinary exit the programs see end-of-file instead. */
	if (sig == 0)
		return;
	TAILQ_FOREACH(c, &exec_children, entry)
		exec_signal(c, SIGTERM);
	/* Blocked, a child's exit stays pending for sigtimedwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	start = ev_now();
	while (exec_running_listed() > 0) {
		left_ms = EXEC_KILL_GRACE_MS - (long long)(ev_now() - start);
		if (left_ms <= 0)
			break;
		ts.tv_sec = left_ms / 1000;
		ts.tv_nsec = (left_ms % 1000) * 1000000;
		(void)sigtimedwait(&set, NULL, &ts);
	}
	TAILQ_FOREACH(c, &exec_children, entry) {
		if (c->pid > 0) {
			exec_signal(c, SIGKILL);
			waitpid(c->pid, NULL, 0);
			c->pid = -1;	/* Reaped: never signalled again. */
		}
	}
	errno = saved;
}

/* How exec_child() makes a program of the child vfork(2) gave. */
struct exec_how {
	const struct exec_cmd *cmd; /* what runs, where, as whom; its path
				   without a slash looked for on search */
	const char	*search; /* PATH, or EXEC_DEFPATH */
	char *const	*envp;
	const char	*tty;	/* its terminal, else in and out */
	int		 in;	/* what goes at cmd's fdin and fdout */
	int		 out;
	int		 deathsig; /* sent it when we die, or 0 */
	sigset_t	 reset;	/* set back to their default */
	int		 err;	/* a pipe for an exec failure's errno, or -1 */
	volatile int	 shared; /* the child wrote this: memory is shared */
	volatile int	 error;	/* an exec failure's errno, when shared */
};

/*
 * Does vfork(2) lend the child our memory, as Linux's does?  Under
 * valgrind it is a fork(2).  -1 until the first start has found out;
 * until then a failure's errno comes through a pipe.
 */
static int	exec_vfork_shares = -1;

/*
 * Exec the program along how->search, as execvp(3) but with no shell fallback
 * and no allocation (a vfork(2) child runs it).  Returns only on failure,
 * with errno.
 */
static void
exec_search(const struct exec_how *how)
{
	char		 file[PATH_MAX];
	const char	*list = how->search;
	int		 eacces = 0;

	while (exec_path_next(&list, how->cmd->path, file, sizeof(file))) {
		execve(file, how->cmd->argv, how->envp);
		/* As execvp(3): a name not there is looked for further on. */
		switch (errno) {
		case EACCES:
			eacces = 1;
			break;
		case ENOENT:
		case ENOTDIR:
		case ENAMETOOLONG:
		case ELOOP:
			break;
		default:
			return;
		}
	}
	errno = eacces ? EACCES : ENOENT;
}

/* dup2(2), or, onto itself, what dup2(2) would leave: no close-on-exec. */
static int
exec_child_dup(int from, int to)
{
	if (from == to)
		return (fcntl(to, F_SETFD, 0));
	return (dup2(from, to));
}

/*
 * Put the child's pipes at their places (0 and 1, or fdin and fdout; errout:
 * stderr too).  System calls only.
 */
static int
exec_child_fds(struct exec_how *how)
{
	const struct exec_cmd	*cmd = how->cmd;
	int			 low = (cmd->fdin > cmd->fdout ? cmd->fdin :
				    cmd->fdout) + 1;
	int			 in = how->in, out = how->out;

	if (cmd->fdin != STDIN_FILENO || cmd->fdout != STDOUT_FILENO) {
		if ((in = fcntl(in, F_DUPFD_CLOEXEC, low)) == -1 ||
		    (out = fcntl(out, F_DUPFD_CLOEXEC, low)) == -1)
			return (-1);
	}
	if (exec_child_dup(in, cmd->fdin) == -1 ||
	    exec_child_dup(out, cmd->fdout) == -1 ||
	    (cmd->errout && exec_child_dup(out, STDERR_FILENO) == -1))
		return (-1);
	return (0);
}

/*
 * A session of its own, where opening the terminal makes it the controlling
 * one, on stdin and stdout unless kept, and stderr with errout.  System
 * calls only.
 */
static int
exec_child_tty(const struct exec_how *how)
{
	int	 to[] = { how->cmd->keep_in ? -1 : STDIN_FILENO,
	    how->cmd->keep_out ? -1 : STDOUT_FILENO,
	    how->cmd->errout ? STDERR_FILENO : -1 };
	int	 fd;
	size_t	 i;

	if (setsid() == -1 || (fd = open(how->tty, O_RDWR)) == -1)
		return (-1);
	for (i = 0; i < nitems(to); i++) {
		if (to[i] != -1 && exec_child_dup(fd, to[i]) == -1)
			return (-1);
	}
	return (0);
}

/*
 * Would the child be stopped for using the terminal from a group of its own?
 * Then it stays in ours.  System calls only.
 */
static int
exec_child_on_tty(void)
{
	struct termios	 t;
	int		 fd;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (tcgetattr(fd, &t) == 0 &&
		    (fd == STDIN_FILENO || (t.c_lflag & TOSTOP)))
			return (1);
	}
	return (0);
}

/*
 * The child's root, groups, group and user, as socat sets them; raw system
 * calls, since libc's reach every thread of the parent.
 */
static int
exec_child_creds(const struct exec_how *how)
{
	const struct exec_creds	*c = &how->cmd->creds;

	if (how->cmd->chroot != NULL && (chroot(how->cmd->chroot) == -1 ||
	    chdir("/") == -1))
		return (-1);
	if (c->ngroups != -1 &&
	    syscall(SYS_setgroups, c->ngroups, c->groups) == -1)
		return (-1);
	if (c->gid != (gid_t)-1 &&
	    syscall(SYS_setresgid, c->gid, c->gid, c->gid) == -1)
		return (-1);
	if (c->uid != (uid_t)-1 &&
	    syscall(SYS_setresuid, c->uid, c->uid, c->uid) == -1)
		return (-1);
	return (0);
}

/*
 * The child of exec_start(), sharing our memory until its exec: system
 * calls only.  Resets our signal dispositions before unblocking, takes
 * its descriptors and execs; a failure goes in how->error (and how->err).
 */
static __dead void
exec_child(struct exec_how *how)
{
	const struct exec_cmd *cmd = how->cmd;
	struct sigaction sa;
	sigset_t	 none;
	int		 sig, error, group = 0;

	how->shared = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(&how->reset, sig) == 1)
			(void)sigaction(sig, &sa, NULL);
	}
	if (how->tty != NULL) {
		if (exec_child_tty(how) == -1)
			goto fail;
	} else if (cmd->setsid) {
		if (setsid() == -1)
			goto fail;
	} else if (cmd->pgid != -1) {
		if (setpgid(0, cmd->pgid) == -1)
			goto fail;
	} else
		group = !cmd->keep_in;
	if (how->deathsig != 0 && prctl(PR_SET_PDEATHSIG, how->deathsig) == -1)
		goto fail;
	/*
	 * Also what sockcat inherited without close-on-exec, and the
	 * terminal's first descriptor: marked so rather than closed, which
	 * would close how->err too.  A kernel without the flag (before 5.11)
	 * leaves them; ours are marked.  The pipes are given after, as they
	 * may go to descriptors above 2 (socat's fdin=, fdout=).
	 */
	cloexec_from(STDERR_FILENO + 1);
	if (how->tty == NULL && exec_child_fds(how) == -1)
		goto fail;
	/*
	 * Where none was chosen above, a group of its own, which ends with it
	 * (exec_signal()); one that reads our stdin is of our job, where
	 * socat keeps it too.
	 */
	if (group && !exec_child_on_tty() && setpgid(0, 0) == -1)
		goto fail;
	if (exec_child_creds(how) == -1)
		goto fail;
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (strchr(cmd->path, '/') != NULL)
		execve(cmd->path, cmd->argv, how->envp);
	else
		exec_search(how);
fail:
	error = errno;
	how->error = error;
	if (how->err != -1)
		log_write_quiet(how->err, &error, sizeof(error));
	_exit(127);
}

/*
 * Start the program how describes with vfork(2), as posix_spawn(3) but
 * resetting only our own signal dispositions.  Returns the pid, or -1
 * with errno (the exec's own); every signal is still blocked and *old
 * holds the mask, so the caller lists the child before a fatal signal can
 * come (exec_kill_children()).
 */
static pid_t
exec_start(struct exec_how *how, sigset_t *old)
{
	sigset_t	 all;
	ssize_t		 n;
	pid_t		 pid;
	int		 ep[2] = { -1, -1 }, error;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, old);
	if (exec_vfork_shares != 1 && pipe2(ep, O_CLOEXEC) == -1)
		return (-1);
	how->err = ep[1];
	how->shared = how->error = 0;
	cleanup_sigset(&how->reset);
	if ((pid = vfork()) == 0)
		exec_child(how);
	error = errno;
	net_close(&ep[1]);
	if (pid == -1) {
		net_close(&ep[0]);
		errno = error;
		return (-1);
	}
	if (ep[0] == -1)
		error = how->error;
	else {
		/* End-of-file: the exec closed the pipe, the program runs. */
		while ((n = read(ep[0], &error, sizeof(error))) == -1 &&
		    errno == EINTR)
			continue;
		close(ep[0]);
		if (n != sizeof(error))
			error = 0;
		exec_vfork_shares = how->shared;
	}
	if (error != 0) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			continue;
		errno = error;
		return (-1);
	}
	return (pid);
}

/*
 * Reap children from the loop (SIGCHLD), set up once.  Returns -1 with
 * errno.
 */
static int
exec_reap_start(void)
{
	if (exec_reaping)
		return (0);
	if (ev_signal(SIGCHLD, exec_sigchld, NULL) == -1)
		return (-1);
	exec_reaping = 1;
	cleanup_add(exec_kill_children);
	return (0);
}

/*
 * Are cmd's input and output one descriptor (socat's fdin=N,fdout=N), both
 * ours to make (a pty's are 0 and 1)?  It is then one end of a socket
 * pair, read and written, as socat's.
 */
static int
exec_one_fd(const struct exec_cmd *cmd)
{
	if (cmd->keep_in || cmd->keep_out)
		return (0);
	return (cmd->fdin == cmd->fdout);
}

/*
 * c has started: keep our ends of its pipes (in[1], out[0]; in[1] alone for
 * a socket pair) or pt.  Returns -1 with errno and *cause set, c released.
 */
static int
exec_started(struct child *c, const struct exec_cmd *cmd, int *in, int *out,
    struct pty *pt, char **cause)
{
	int	 error;

	ev_timer_init(&c->kill, exec_kill_cb, c);
	if (cmd->pty) {
		/*
		 * The terminal side stays open here until the program exits,
		 * so that the master never reads EIO before the program has
		 * opened it.
		 */
		c->in = c->out = -1;
		c->pty = pt->master;
		c->pty_slave = pt->slave;
		log_verbose(2, "program pid %ld started on %s: %s",
		    (long)c->pid, pt->path, cmd->text);
		return (0);
	}
	net_close(&in[0]);
	net_close(&out[1]);
	c->in = in[1];
	c->out = exec_one_fd(cmd) ? in[1] : out[0];
	/* New pipes: no status flag to keep, one call each. */
	if ((c->in != -1 && fcntl(c->in, F_SETFL, O_NONBLOCK) == -1) ||
	    (c->out != -1 && fcntl(c->out, F_SETFL, O_NONBLOCK) == -1)) {
		error = errno;
		exec_release(c);
		log_cause(cause, "fcntl: %s", strerror(error));
		errno = error;
		return (-1);
	}
	log_verbose(2, "program pid %ld started: %s", (long)c->pid, cmd->text);
	return (0);
}

/*
 * Start cmd with pipes for stdin and stdout (or ec->fd as both, made
 * blocking), our stderr, default signals, ec in its environment, leading
 * a process group.  It is reaped from the loop, which then calls the
 * exited_cb the caller sets.  Returns NULL with errno and *cause set,
 * also when the program cannot be executed.
 */
struct child *
exec_spawn(const struct exec_cmd *cmd, const struct exec_conn *ec,
    char **cause)
{
	/*
	 * A worker's programs (--workers) end with it, even when it dies
	 * with no time to end them (SIGKILL): its parent starts another
	 * worker, not these.
	 */
	struct exec_how	 how = { .cmd = cmd,
	    .deathsig = worker_number() != 0 ? SIGKILL : 0 };
	struct child	*c = NULL;
	char		**env = NULL;
	size_t		 first = 0, i;
	struct pty	 pt = { .master = -1, .slave = -1 };
	sigset_t	 mask;
	int		 in[2] = { -1, -1 }, out[2] = { -1, -1 }, error;

	if (cause != NULL)
		*cause = NULL;
	if (exec_reap_start() == -1 || (c = calloc(1, sizeof(*c))) == NULL ||
	    (env = exec_environ(cmd, ec, &first)) == NULL)
		goto fail;
	c->pty = c->pty_slave = -1;
	c->sigpass = cmd->sigpass;
	/* Every descriptor of ours is close-on-exec: only 0-2 get through. */
	if (cmd->pty) {
		if (pty_open(&pt) == -1 ||
		    (cmd->tty != NULL && tty_modes_apply(pt.slave, cmd->tty) ==
		    -1))
			goto fail;
		how.tty = pt.path;
	} else if (ec->on_fd) {
		/* The connection is the program's: blocking, as it expects. */
		if (net_set_nonblock(ec->fd, 0) == -1)
			goto fail;
		how.in = how.out = ec->fd;
	} else if (exec_one_fd(cmd)) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		    in) == -1)
			goto fail;
		how.in = how.out = in[0];
	} else {
		if ((!cmd->keep_in && pipe2(in, O_CLOEXEC) == -1) ||
		    (!cmd->keep_out && pipe2(out, O_CLOEXEC) == -1))
			goto fail;
		how.in = cmd->keep_in ? STDIN_FILENO : in[0];
		how.out = cmd->keep_out ? STDOUT_FILENO : out[1];
	}
	if ((how.search = cmd->search) == NULL &&
	    (how.search = getenv("PATH")) == NULL)
		how.search = EXEC_DEFPATH;
	how.envp = env;
	cleanup_spawning();
	error = (c->pid = exec_start(&how, &mask)) == -1 ? errno : 0;
	if (error == 0)
		TAILQ_INSERT_TAIL(&exec_children, c, entry);
	/* Only our stdin or terminal or setpgid=PGID keeps it from a group. */
	DEBUG_CHECK(error != 0 || cmd->pgid > 0 || cmd->keep_in ||
	    getpgid(c->pid) == c->pid || isatty(STDIN_FILENO) ||
	    isatty(STDOUT_FILENO) || isatty(STDERR_FILENO),
	    "exec_spawn: a program that leads no process group");
	sigprocmask(SIG_SETMASK, &mask, NULL);
	exec_environ_free(env, first);
	env = NULL;
	if (error == 0)
		return (exec_started(c, cmd, in, out, &pt, cause) == 0 ? c :
		    NULL);
	errno = error;

fail:
	error = errno;
	for (i = 0; i < 2; i++) {
		net_close(&in[i]);
		net_close(&out[i]);
	}
	if (pt.master != -1) {
		close(pt.master);
		close(pt.slave);
	}
	exec_environ_free(env, first);
	free(c);
	log_cause(cause, "exec %s: %s", cmd->path, strerror(error));
	errno = error;
	return (NULL);
}

/*
 * Add c to s as an endpoint (its stdout read, its stdin written and closed
 * at the end); s owns the pipes.
 */
struct endpoint *
exec_endpoint(struct session *s, struct child *c)
{
	struct endpoint	*ep;

	if (c->pty != -1)
		return (pty_endpoint(s, c));
	if ((ep = session_endpoint(s, "program", c->out, c->in,
	    c->in == c->out ? EP_SHUT_SOCKET : EP_SHUT_CLOSE,
	    c->in == c->out ? EP_RESET_END : 0)) == NULL)
		return (NULL);
	c->in = c->out = -1;
	return (ep);
}

/*
 * Let go of c: freed now if it exited, else when reaped; its pipes not yet
 * given to a session are closed.
 */
void
exec_release(struct child *c)
{
	if (c == NULL)
		return;
	/* A socket pair's end is both: closed once. */
	if (c->out == c->in)
		c->out = -1;
	net_close(&c->in);
	net_close(&c->out);
	pty_release(c);
	c->exited_cb = NULL;
	if (c->exited)
		free(c);
	else
		c->released = 1;
}

/*
 * Did c, exited, fail by itself (not told to end by us)?  Then say so in
 * socat's words.  Returns 1 if so, else 0.
 */
int
exec_failed_said(const struct child *c)
{
	if (!c->exited || c->terminated || exec_status(c) == 0)
		return (0);
	if (WIFSIGNALED(c->status))
		log_warnx("waitpid(): child %ld exited on signal %d",
		    (long)c->pid, WTERMSIG(c->status));
	else
		log_warnx("waitpid(): child %ld exited with status %d",
		    (long)c->pid, exec_status(c));
	return (1);
}

/* c's exit status as a shell reports it (128 + the signal when killed). */
int
exec_status(const struct child *c)
{
	if (WIFEXITED(c->status))
		return (WEXITSTATUS(c->status));
	if (WIFSIGNALED(c->status))
		return (128 + WTERMSIG(c->status));
	return (1);
}
