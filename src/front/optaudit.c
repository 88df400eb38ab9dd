/*
 * The audit of the options given (debug builds, SC_OPT_AUDIT=1): at exit
 * each option set whose field no path read (src/base/taken.c) is said and
 * the status is 70 (doc/design.md, "An option given is applied or refused").
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

#ifdef SC_DEBUG
/* The exit status of an audit that found an option no path read. */
#define AUDIT_STATUS	70

static const struct options	*audit_o;
static int			 audit_done;

/* A part of struct options that a layer below marks as its own. */
#define AUDIT_PART(f, p) {						\
	offsetof(struct options, f), sizeof(((struct options *)0)->f), p }
static const struct audit_part {
	size_t	 off, size;
	int	 part;
} audit_parts[] = {
	AUDIT_PART(side, TAKEN_SIDE),
	AUDIT_PART(flow, TAKEN_FLOW),
	AUDIT_PART(local, TAKEN_LOCAL),
	AUDIT_PART(fwd, TAKEN_FWD),
	AUDIT_PART(relay_conf, TAKEN_RELAY),
};
_Static_assert(sizeof(struct side) <= TAKEN_BYTES_MAX &&
    sizeof(struct options) <= TAKEN_BYTES_MAX &&
    sizeof(struct runtime) <= TAKEN_BYTES_MAX,
    "a part is larger than the marks kept of it (TAKEN_BYTES_MAX)");

/*
 * Where a path marks d's option (TAKES(), else its field).  Returns -1 for a
 * row that names neither.
 */
static int
audit_key(const struct optdef *d, int *part, size_t *off, size_t *size)
{
	size_t	 i;

	if (d->taken_part != 0) {
		*part = d->taken_part - 1;
		*off = d->taken_off;
		*size = d->taken_size;
		return (0);
	}
	if (d->size == 0)
		return (-1);
	*part = TAKEN_OPTIONS;
	*off = d->field;
	*size = d->size;
	for (i = 0; i < nitems(audit_parts); i++) {
		if (d->field >= audit_parts[i].off &&
		    d->field < audit_parts[i].off + audit_parts[i].size) {
			*part = audit_parts[i].part;
			*off = d->field - audit_parts[i].off;
		}
	}
	return (0);
}

/*
 * Say each option given that no path read.  Returns 1 if there was one.
 * Only write(2): a fatal signal's handler runs it.
 */
static int
audit_say(void)
{
	const struct optdef	*t;
	char			 line[160];
	size_t			 i, n, off, size;
	int			 part, found = 0;

	if (audit_o == NULL || audit_done)
		return (0);
	audit_done = 1;
	t = opt_table(&n);
	for (i = 0; i < n; i++) {
		if (!(audit_o->given[i / 8] & (1 << (i % 8))) || t[i].exits ||
		    t[i].selects)
			continue;
		if (audit_key(&t[i], &part, &off, &size) == 0 &&
		    taken_any(part, off, size))
			continue;
		strlcpy(line, "sockcat: option ", sizeof(line));
		strlcat(line, t[i].name != NULL ? "--" : "-", sizeof(line));
		strlcat(line, t[i].name != NULL ? t[i].name :
		    (char []){ t[i].letter, '\0' }, sizeof(line));
		strlcat(line, " was given and no path read it\n",
		    sizeof(line));
		log_write_quiet(STDERR_FILENO, line, strlen(line));
		found = 1;
	}
	return (found);
}

/*
 * At exit() or a fatal signal: what opt_audit() did not say.  Not for a
 * process a signal ended before its loop began (a --workers worker still
 * setting up as the server is ended): it had not come to what it reads.
 */
static void
audit_cleanup(int sig)
{
	if (sig != 0 && !ev_started())
		return;
	(void)audit_say();
}

/*
 * Arm the audit at exit (SC_OPT_AUDIT=1) once the command line is
 * checked; SC_OPT_AUDIT_DROP=NAME, the tests' planted fault, drops every
 * mark of NAME's field.
 */
__startup void
opt_audit_arm(const struct options *o)
{
	const struct optdef	*d;
	const char		*e = getenv("SC_OPT_AUDIT"), *name;
	size_t			 off, size;
	int			 part;

	if (e == NULL || strcmp(e, "1") != 0)
		return;
	audit_o = o;
	cleanup_add(audit_cleanup);
	if ((name = getenv("SC_OPT_AUDIT_DROP")) == NULL || *name == '\0')
		return;
	if ((d = opt_named(name)) != NULL &&
	    audit_key(d, &part, &off, &size) == 0)
		taken_drop(part, off, size);
}

/* At main()'s end: status, or AUDIT_STATUS if an option was not read. */
__shortrun int
opt_audit(int status)
{
	return (audit_o != NULL && audit_say() ? AUDIT_STATUS : status);
}
#endif
