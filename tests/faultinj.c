/*
 * System calls made to fail on demand, for tests/t-faults.sh: an
 * LD_PRELOAD library that makes chosen calls of a few libc functions
 * return -1 with a chosen errno instead of doing their work, so that the
 * paths a busy or unusual system takes (out of descriptors, a splice the
 * kernel refuses) run in a test.  Set in the environment:
 *
 *	SC_FAULT	comma-separated FUNC:WHEN:ERRNO, where FUNC is one of
 *			accept4, socket, socketpair, pipe2, fork, vfork,
 *			epoll_ctl, splice, sendfile, setsockopt, bind,
 *			listen, connect, open, openat, posix_openpt,
 *			tcgetattr, tcsetattr, write; WHEN
 *			is N (the Nth call only, counted from 1), N-M (the
 *			Nth to the Mth), N+ (every call from the Nth) or *
 *			(every call); ERRNO a name (EMFILE) or a number.
 *			open's calls are best bounded (N, N-M): a coverage
 *			build's runtime writes its counts at exit with
 *			open(2) too.
 *			Example: accept4:1:EMFILE,pipe2:*:ENFILE
 *	SC_FAULT_PATH	open's and openat's calls counted only when their
 *			path holds this text (a sanitizer's or the
 *			resolver's own opens are not counted then)
 *	SC_FAULT_LEN	write's calls counted only when they write this
 *			many bytes (a TLS alert's record, 24), so that the
 *			program's other writes and the log's are not
 *	SC_FAULT_LOG	a file to which each fault is appended as a line
 *			"FUNC N ERRNO", so that a test can tell that the
 *			fault it asked for happened
 *
 * Built with -DFAULT_ALLOC (tests/allocinj.so), FUNC may also be alloc:
 * the calls of malloc, calloc, realloc, reallocarray, strdup, strndup,
 * asprintf and vasprintf made by the program itself (not by a library
 * it uses), counted together and failed with ENOMEM, for a test that
 * makes each of a run's allocations fail in turn.  A separate library,
 * so that the other tests' processes keep the C library's allocator
 * untouched.
 *
 * Only the first process that loads the library is faulted: it takes
 * SC_FAULT out of its environment when loaded, so the programs it runs
 * call the real functions.  So LD_PRELOAD is given to the program under
 * test itself (a script that sets it and execs the program), never to a
 * wrapper such as timeout(1) that would take the faults for itself.  A call not faulted goes to the next
 * definition (dlsym(RTLD_NEXT)), with one exception: vfork(2) cannot be
 * wrapped (the child would return through the wrapper's frame, which the
 * parent then returns through again), so an unfaulted vfork is a fork(2),
 * as under valgrind.  Under a sanitizer its runtime comes first in
 * LD_PRELOAD; it forwards to these wrappers the same way.
 */
/* SPDX-License-Identifier: ISC */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum {
	F_ACCEPT4, F_SOCKET, F_SOCKETPAIR, F_PIPE2, F_FORK, F_VFORK,
	F_EPOLL_CTL, F_SPLICE, F_SENDFILE, F_SETSOCKOPT, F_BIND, F_LISTEN,
	F_CONNECT, F_OPEN, F_OPENAT, F_POSIX_OPENPT, F_TCGETATTR,
	F_TCSETATTR, F_WRITE, F_ALLOC, F_MAX
};

static const char *const names[F_MAX] = {
	"accept4", "socket", "socketpair", "pipe2", "fork", "vfork",
	"epoll_ctl", "splice", "sendfile", "setsockopt", "bind", "listen",
	"connect", "open", "openat", "posix_openpt", "tcgetattr", "tcsetattr",
	"write", "alloc",
};

/* What is asked of one function: fail calls first..last with error. */
struct fault {
	unsigned long	 first;		/* 0: never */
	unsigned long	 last;		/* 0: no end */
	int		 error;
	unsigned long	 calls;
};

static struct fault	 faults[F_MAX];
static const char	*log_path;
static char		*fault_path;
static long		 fault_len = -1;	/* SC_FAULT_LEN, or -1 */

/* The errno named s (EMFILE or a number), or 0. */
static int
parse_errno(const char *s, size_t len)
{
	const char	*name;
	char		*end;
	long		 n;
	int		 e;

	n = strtol(s, &end, 10);
	if (end == s + len && n > 0)
		return ((int)n);
	for (e = 1; e < 200; e++)
		if ((name = strerrorname_np(e)) != NULL &&
		    strlen(name) == len && strncmp(name, s, len) == 0)
			return (e);
	return (0);
}

/* One FUNC:WHEN:ERRNO of SC_FAULT, len bytes at s. */
static void
parse_one(const char *s, size_t len)
{
	const char	*c1, *c2, *end = s + len;
	struct fault	*f;
	char		*p;
	int		 i;

	if ((c1 = memchr(s, ':', len)) == NULL ||
	    (c2 = memchr(c1 + 1, ':', end - c1 - 1)) == NULL)
		goto bad;
	for (i = 0; i < F_MAX; i++)
		if (strlen(names[i]) == (size_t)(c1 - s) &&
		    strncmp(names[i], s, c1 - s) == 0)
			break;
	if (i == F_MAX)
		goto bad;
	f = &faults[i];
	if (c1[1] == '*') {
		f->first = 1;
		f->last = 0;
	} else {
		f->first = strtoul(c1 + 1, &p, 10);
		f->last = *p == '+' ? 0 : f->first;
		if (*p == '-') {
			f->last = strtoul(p + 1, &p, 10);
			if (f->last < f->first || p != c2)
				goto bad;
		}
		if (f->first == 0 || (p != c2 && !(*p == '+' && p + 1 == c2)))
			goto bad;
	}
	if ((f->error = parse_errno(c2 + 1, end - c2 - 1)) == 0)
		goto bad;
	return;
bad:
	fprintf(stderr, "faultinj: bad SC_FAULT entry: %.*s\n", (int)len, s);
	_exit(125);
}

#ifdef FAULT_ALLOC
static void	alloc_setup(void);
#endif

/* Read SC_FAULT once, at load, and take it out of the environment. */
__attribute__((constructor)) static void
setup(void)
{
	const char	*s, *comma;

	if ((s = getenv("SC_FAULT")) == NULL)
		return;
	for (; *s != '\0'; s = *comma == ',' ? comma + 1 : comma) {
		comma = strchrnul(s, ',');
		if (comma > s)
			parse_one(s, comma - s);
	}
	log_path = getenv("SC_FAULT_LOG");
	if (getenv("SC_FAULT_PATH") != NULL)
		fault_path = strdup(getenv("SC_FAULT_PATH"));
	if (getenv("SC_FAULT_LEN") != NULL)
		fault_len = strtol(getenv("SC_FAULT_LEN"), NULL, 10);
	unsetenv("SC_FAULT_PATH");
	unsetenv("SC_FAULT_LEN");
	unsetenv("SC_FAULT");
	unsetenv("SC_FAULT_LOG");
#ifdef FAULT_ALLOC
	alloc_setup();
#else
	if (faults[F_ALLOC].first != 0) {
		fprintf(stderr, "faultinj: alloc: use tests/allocinj.so\n");
		_exit(125);
	}
#endif
}

#ifdef FAULT_ALLOC
static uintptr_t	 prog_base;	/* the program's load address */
static uintptr_t	 prog_lo, prog_hi; /* the program's text */
static uintptr_t	 alloc_caller;	/* where the faulted call returns */

/* "alloc N ERRNO 0xCALLER": where, as the program's offset. */
static int
alloc_where(char *line, size_t size, unsigned long n, const char *error)
{
	return (snprintf(line, size, "alloc %lu %s 0x%lx\n", n, error,
	    (unsigned long)(alloc_caller - prog_base)));
}
#endif

/* Should this call of function i fail?  Then errno is set. */
static int
fault(int i)
{
	struct fault	*f = &faults[i];
	unsigned long	 n;
	char		 line[128];
	int		 fd, len;

	if (f->first == 0)
		return (0);
	n = __atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED);
	if (n < f->first || (f->last != 0 && n > f->last))
		return (0);
	/* Not open(2), which may be the faulted one. */
	if (log_path != NULL &&
	    (fd = syscall(SYS_openat, AT_FDCWD, log_path,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) != -1) {
		len = snprintf(line, sizeof(line), "%s %lu %s\n", names[i], n,
		    strerrorname_np(f->error));
#ifdef FAULT_ALLOC
		/* An allocation says where (addr2line -e sockcat). */
		if (i == F_ALLOC && len > 0)
			len = alloc_where(line, sizeof(line), n,
			    strerrorname_np(f->error));
#endif
		/* Not write(2) either, which may be faulted too. */
		if (len > 0 && syscall(SYS_write, fd, line, len) != len)
			len = 0;	/* The log is a help, not the test. */
		close(fd);
	}
	errno = f->error;
	return (1);
}

/* The next definition of name, looked up once. */
#define NEXT(var, name) do {						\
	if ((var) == NULL)						\
		*(void **)&(var) = dlsym(RTLD_NEXT, (name));		\
} while (0)

int
accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	static int	(*next)(int, struct sockaddr *, socklen_t *, int);

	if (fault(F_ACCEPT4))
		return (-1);
	NEXT(next, "accept4");
	return (next(fd, sa, len, flags));
}

int
socket(int domain, int type, int protocol)
{
	static int	(*next)(int, int, int);

	if (fault(F_SOCKET))
		return (-1);
	NEXT(next, "socket");
	return (next(domain, type, protocol));
}

int
socketpair(int domain, int type, int protocol, int sv[2])
{
	static int	(*next)(int, int, int, int[2]);

	if (fault(F_SOCKETPAIR))
		return (-1);
	NEXT(next, "socketpair");
	return (next(domain, type, protocol, sv));
}

int
pipe2(int fds[2], int flags)
{
	static int	(*next)(int[2], int);

	if (fault(F_PIPE2))
		return (-1);
	NEXT(next, "pipe2");
	return (next(fds, flags));
}

pid_t
fork(void)
{
	static pid_t	(*next)(void);

	if (fault(F_FORK))
		return (-1);
	NEXT(next, "fork");
	return (next());
}

pid_t
vfork(void)
{
	static pid_t	(*next)(void);

	if (fault(F_VFORK))
		return (-1);
	NEXT(next, "fork");
	return (next());
}

int
epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	static int	(*next)(int, int, int, struct epoll_event *);

	if (fault(F_EPOLL_CTL))
		return (-1);
	NEXT(next, "epoll_ctl");
	return (next(epfd, op, fd, ev));
}

ssize_t
splice(int in, loff_t *inoff, int out, loff_t *outoff, size_t len,
    unsigned int flags)
{
	static ssize_t	(*next)(int, loff_t *, int, loff_t *, size_t,
			    unsigned int);

	if (fault(F_SPLICE))
		return (-1);
	NEXT(next, "splice");
	return (next(in, inoff, out, outoff, len, flags));
}

ssize_t
sendfile(int out, int in, off_t *off, size_t len)
{
	static ssize_t	(*next)(int, int, off_t *, size_t);

	if (fault(F_SENDFILE))
		return (-1);
	NEXT(next, "sendfile");
	return (next(out, in, off, len));
}

/* Only writes of SC_FAULT_LEN bytes, if given. */
ssize_t
write(int fd, const void *p, size_t len)
{
	static ssize_t	(*next)(int, const void *, size_t);

	if ((fault_len < 0 || len == (size_t)fault_len) && fault(F_WRITE))
		return (-1);
	NEXT(next, "write");
	return (next(fd, p, len));
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	static int	(*next)(int, int, int, const void *, socklen_t);

	if (fault(F_SETSOCKOPT))
		return (-1);
	NEXT(next, "setsockopt");
	return (next(fd, level, name, val, len));
}

int
bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int	(*next)(int, const struct sockaddr *, socklen_t);

	if (fault(F_BIND))
		return (-1);
	NEXT(next, "bind");
	return (next(fd, sa, len));
}

int
listen(int fd, int backlog)
{
	static int	(*next)(int, int);

	if (fault(F_LISTEN))
		return (-1);
	NEXT(next, "listen");
	return (next(fd, backlog));
}

int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int	(*next)(int, const struct sockaddr *, socklen_t);

	if (fault(F_CONNECT))
		return (-1);
	NEXT(next, "connect");
	return (next(fd, sa, len));
}

/* The mode argument of open(2) and openat(2), there when flags need it. */
#define OPEN_MODE(flags, mode, last) do {				\
	va_list	 ap;							\
									\
	(mode) = 0;							\
	if ((flags) & (O_CREAT | O_TMPFILE)) {				\
		va_start(ap, last);					\
		(mode) = va_arg(ap, mode_t);				\
		va_end(ap);						\
	}								\
} while (0)

/* Is path one whose opens are counted (SC_FAULT_PATH)? */
static int
path_asked(const char *path)
{
	return (fault_path == NULL || (path != NULL &&
	    strstr(path, fault_path) != NULL));
}

int
open(const char *path, int flags, ...)
{
	static int	(*next)(const char *, int, ...);
	mode_t		 mode;

	OPEN_MODE(flags, mode, flags);
	if (path_asked(path) && fault(F_OPEN))
		return (-1);
	NEXT(next, "open");
	return (next(path, flags, mode));
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	static int	(*next)(int, const char *, int, ...);
	mode_t		 mode;

	OPEN_MODE(flags, mode, flags);
	if (path_asked(path) && fault(F_OPENAT))
		return (-1);
	NEXT(next, "openat");
	return (next(dirfd, path, flags, mode));
}

int
posix_openpt(int flags)
{
	static int	(*next)(int);

	if (fault(F_POSIX_OPENPT))
		return (-1);
	NEXT(next, "posix_openpt");
	return (next(flags));
}

int
tcgetattr(int fd, struct termios *t)
{
	static int	(*next)(int, struct termios *);

	if (fault(F_TCGETATTR))
		return (-1);
	NEXT(next, "tcgetattr");
	return (next(fd, t));
}

int
tcsetattr(int fd, int how, const struct termios *t)
{
	static int	(*next)(int, int, const struct termios *);

	if (fault(F_TCSETATTR))
		return (-1);
	NEXT(next, "tcsetattr");
	return (next(fd, how, t));
}

#ifdef FAULT_ALLOC
/*
 * The allocations of the program itself: a call is counted when it
 * returns into the program's own text, [prog_lo, prog_hi).  The C
 * library's allocator is reached by dlsym(RTLD_NEXT); what the lookup
 * itself asks for, before it is known, comes from a small arena that is
 * never given back (the lookup keeps what it asks for).
 */
static void		*(*next_malloc)(size_t);
static void		*(*next_calloc)(size_t, size_t);
static void		*(*next_realloc)(void *, size_t);
static int		 (*next_vasprintf)(char **, const char *, va_list);
static unsigned char	 arena[16384] __attribute__((aligned(16)));
static size_t		 arena_used;
static int		 resolving;

static void *
arena_take(size_t n)
{
	void	*p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(arena) - arena_used)
		return (NULL);
	p = arena + arena_used;
	arena_used += n;
	return (p);
}

/*
 * A coverage build's runtime (libgcov, linked into the program) writes
 * its counts at exit and on a fatal signal, and does not survive an
 * allocation that fails: its functions' spans, read
 * from the program's symbol table (the local symbols of its objects,
 * grouped under their file's name, and the global ones named for it),
 * is never faulted.
 */
#define GCOV_SPANS	256
static struct {
	uintptr_t	 lo, hi;
}			 gcov[GCOV_SPANS];
static int		 ngcov;

static void
gcov_span(void)
{
	const Elf64_Ehdr	*eh;
	const Elf64_Shdr	*sh, *symsh = NULL;
	const Elf64_Sym		*sym;
	const char		*str, *name;
	struct stat		 st;
	void			*map;
	size_t			 i, n;
	int			 fd, in_gcov = 0;

	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st) == -1 || (map = mmap(NULL, st.st_size, PROT_READ,
	    MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return;
	}
	close(fd);
	eh = map;
	sh = (const Elf64_Shdr *)((const char *)map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_SYMTAB)
			symsh = &sh[i];
	if (symsh == NULL)
		goto out;
	sym = (const Elf64_Sym *)((const char *)map + symsh->sh_offset);
	str = (const char *)map + sh[symsh->sh_link].sh_offset;
	n = symsh->sh_size / sizeof(*sym);
	for (i = 0; i < n; i++) {
		name = str + sym[i].st_name;
		if (ELF64_ST_TYPE(sym[i].st_info) == STT_FILE) {
			in_gcov = strstr(name, "gcov") != NULL;
			continue;
		}
		if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC ||
		    sym[i].st_value == 0)
			continue;
		if (ELF64_ST_BIND(sym[i].st_info) != STB_LOCAL)
			in_gcov = 0;
		if ((!in_gcov && strstr(name, "gcov") == NULL) ||
		    ngcov == GCOV_SPANS)
			continue;
		/* Each function apart: a part may lie far (".cold"). */
		gcov[ngcov].lo = prog_base + sym[i].st_value;
		gcov[ngcov].hi = gcov[ngcov].lo + sym[i].st_size;
		ngcov++;
	}
out:
	munmap(map, st.st_size);
}

/* The first object dl_iterate_phdr() gives is the program. */
static int
prog_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	int	 i;

	(void)size;
	(void)arg;
	prog_base = info->dlpi_addr;
	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type == PT_LOAD &&
		    (info->dlpi_phdr[i].p_flags & PF_X)) {
			prog_lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			prog_hi = prog_lo + info->dlpi_phdr[i].p_memsz;
		}
	}
	return (1);
}

static void
alloc_resolve(void)
{
	if (next_malloc != NULL || resolving)
		return;
	resolving = 1;
	*(void **)&next_calloc = dlsym(RTLD_NEXT, "calloc");
	*(void **)&next_realloc = dlsym(RTLD_NEXT, "realloc");
	*(void **)&next_vasprintf = dlsym(RTLD_NEXT, "vasprintf");
	*(void **)&next_malloc = dlsym(RTLD_NEXT, "malloc");
	resolving = 0;
}

static void
alloc_setup(void)
{
	alloc_resolve();
	if (faults[F_ALLOC].first != 0) {
		dl_iterate_phdr(prog_text, NULL);
		gcov_span();
	}
}

/* Should this allocation, returning to caller, fail? */
static int
alloc_fault(const void *caller)
{
	int	 i;

	if (faults[F_ALLOC].first == 0 || (uintptr_t)caller < prog_lo ||
	    (uintptr_t)caller >= prog_hi)
		return (0);
	for (i = 0; i < ngcov; i++)
		if ((uintptr_t)caller >= gcov[i].lo &&
		    (uintptr_t)caller < gcov[i].hi)
			return (0);
	alloc_caller = (uintptr_t)caller;
	return (fault(F_ALLOC));
}

void *
malloc(size_t n)
{
	if (alloc_fault(__builtin_return_address(0)))
		return (NULL);
	alloc_resolve();
	if (next_malloc == NULL)
		return (arena_take(n));
	return (next_malloc(n));
}

void *
calloc(size_t n, size_t size)
{
	if (alloc_fault(__builtin_return_address(0)))
		return (NULL);
	alloc_resolve();
	if (next_calloc == NULL) {
		if (size != 0 && n > SIZE_MAX / size)
			return (NULL);
		return (arena_take(n * size));	/* zeroed: static */
	}
	return (next_calloc(n, size));
}

void *
realloc(void *p, size_t n)
{
	if (alloc_fault(__builtin_return_address(0)))
		return (NULL);
	alloc_resolve();
	return (next_realloc(p, n));
}

void *
reallocarray(void *p, size_t n, size_t size)
{
	if (alloc_fault(__builtin_return_address(0)))
		return (NULL);
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return (NULL);
	}
	alloc_resolve();
	return (next_realloc(p, n * size));
}

char *
strdup(const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p;

	if (alloc_fault(__builtin_return_address(0)))
		return (NULL);
	alloc_resolve();
	if ((p = next_malloc(n)) != NULL)
		memcpy(p, s, n);
	return (p);
}

char *
strndup(const char *s, size_t max)
{
	size_t	 n = strnlen(s, max);
	char	*p;

	if (alloc_fault(__builtin_return_address(0)))
		return (NULL);
	alloc_resolve();
	if ((p = next_malloc(n + 1)) != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return (p);
}

int
vasprintf(char **ret, const char *fmt, va_list ap)
{
	if (alloc_fault(__builtin_return_address(0)))
		return (-1);
	alloc_resolve();
	return (next_vasprintf(ret, fmt, ap));
}

int
asprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (alloc_fault(__builtin_return_address(0)))
		return (-1);
	alloc_resolve();
	va_start(ap, fmt);
	n = next_vasprintf(ret, fmt, ap);
	va_end(ap);
	return (n);
}
#endif
