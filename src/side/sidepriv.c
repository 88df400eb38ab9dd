/*
 * Who a side's process runs as, and where: socat's su=, su-d=, setuid=,
 * setgid= and chroot=, given up by a listener once its socket is bound,
 * and by a program before its exec.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "side.h"

/*
 * The user name or number as a passwd entry (a number without an entry too,
 * as socat takes it), or NULL with *cause set.
 */
static struct passwd *
side_user(const char *name, char **cause)
{
	static struct passwd	 num;
	struct passwd		*pw;
	const char		*errstr;

	if ((pw = getpwnam(name)) != NULL)
		return (pw);
	num.pw_uid = strtonum(name, 0, UINT_MAX - 1, &errstr);
	if (errstr != NULL) {
		log_cause(cause, "unknown user \"%s\"", name);
		return (NULL);
	}
	if ((pw = getpwuid(num.pw_uid)) != NULL)
		return (pw);
	num.pw_gid = num.pw_uid;
	num.pw_name = NULL;
	return (&num);
}

/* Fill *c from l's su=, su-d=, setuid=, setgid=.  Returns -1 with *cause. */
int
side_creds(const struct side_local *l, struct exec_creds *c, char **cause)
{
	const char	*su = l->su_d != NULL ? l->su_d : l->su;
	struct passwd	*pw;
	struct group	*gr;
	const char	*errstr;

	*c = EXEC_CREDS_OURS;
	if (su != NULL) {
		if ((pw = side_user(su, cause)) == NULL)
			return (-1);
		c->uid = pw->pw_uid;
		c->gid = pw->pw_gid;
		c->ngroups = nitems(c->groups);
		if (pw->pw_name == NULL) {
			c->groups[0] = c->gid;
			c->ngroups = 1;
		} else if (getgrouplist(pw->pw_name, c->gid, c->groups,
		    &c->ngroups) == -1) {
			log_cause(cause, "user \"%s\": more than %d groups",
			    su, (int)nitems(c->groups));
			return (-1);
		}
	}
	if (l->setuid != NULL) {
		if ((pw = side_user(l->setuid, cause)) == NULL)
			return (-1);
		c->uid = pw->pw_uid;
	}
	if (l->setgid != NULL) {
		if ((gr = getgrnam(l->setgid)) != NULL)
			c->gid = gr->gr_gid;
		else {
			c->gid = strtonum(l->setgid, 0, UINT_MAX - 1, &errstr);
			if (errstr != NULL) {
				log_cause(cause, "unknown group \"%s\"",
				    l->setgid);
				return (-1);
			}
		}
	}
	return (0);
}

/* Does l ask for a user, a group or a root of its own? */
static __startup int
side_privs(const struct side_local *l)
{
	return (l->su != NULL || l->su_d != NULL || l->setuid != NULL ||
	    l->setgid != NULL || l->chroot != NULL);
}

/*
 * Give up what socat's listener does after its bind: chroot=, groups,
 * group, user (su-d= looked up before the chroot, su= after).  Returns -1
 * with *cause set; the process may then have changed in part.
 */
__startup int
side_drop(const struct side *sd, char **cause)
{
	const struct side_local	*l = &sd->local;
	struct exec_creds	 c = EXEC_CREDS_OURS;

	if (!side_privs(l))
		return (0);
	if (l->su_d != NULL && side_creds(l, &c, cause) == -1)
		return (-1);
	if (l->chroot != NULL && (chroot(l->chroot) == -1 ||
	    chdir("/") == -1)) {
		log_cause(cause, "chroot \"%s\": %s", l->chroot,
		    strerror(errno));
		return (-1);
	}
	if (l->su_d == NULL && side_creds(l, &c, cause) == -1)
		return (-1);
	if ((c.ngroups != -1 && setgroups(c.ngroups, c.groups) == -1) ||
	    (c.gid != (gid_t)-1 && setresgid(c.gid, c.gid, c.gid) == -1) ||
	    (c.uid != (uid_t)-1 && setresuid(c.uid, c.uid, c.uid) == -1)) {
		log_cause(cause, "giving up privileges: %s", strerror(errno));
		return (-1);
	}
	return (0);
}
