/*
 * The room's codec (--room): lines framed, commands recognised, names
 * checked; pure functions shared by broker.c and the fuzz target.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <string.h>
#include <strings.h>

#include "codec.h"

/*
 * Call cb with each whole line in len bytes at p, without CR LF.  A line
 * is cut at ROOM_LINE_MAX, the rest to its newline dropped and counted in
 * rf->dropped; a partial line waits in rf.  Returns cb's first non-zero
 * return (the rest is dropped), else 0.
 */
int
roomproto_frame(struct room_framer *rf, const unsigned char *p, size_t len,
    room_line_cb *cb, void *arg)
{
	const unsigned char	*nl;
	size_t			 take;
	int			 rv;

	while (len > 0) {
		if (rf->cut) {
			rf->cut = 0;
			if (*p == '\n') {
				p++;
				len--;
				continue;
			}
			/* The line was longer: its tail goes. */
			rf->skip = 1;
			rf->dropped++;
		}
		if (rf->skip) {
			if ((nl = memchr(p, '\n', len)) == NULL)
				break;
			rf->skip = 0;
			len -= nl + 1 - p;
			p = nl + 1;
			continue;
		}
		nl = memchr(p, '\n', len);
		take = nl != NULL ? (size_t)(nl - p) : len;
		if (take > ROOM_LINE_MAX - rf->len)
			take = ROOM_LINE_MAX - rf->len;
		memcpy(rf->line + rf->len, p, take);
		rf->len += take;
		p += take;
		len -= take;
		if (len > 0 && *p == '\n') {
			p++;
			len--;
		} else if (rf->len < ROOM_LINE_MAX)
			break;	/* The rest of the line is still to come. */
		else
			rf->cut = 1;
		if ((rv = roomproto_flush(rf, cb, arg)) != 0)
			return (rv);
	}
	return (0);
}

/*
 * Hand what rf holds to cb as a line (the speaker is gone) and empty rf.
 * Returns cb's return, or 0 if rf was empty.
 */
int
roomproto_flush(struct room_framer *rf, room_line_cb *cb, void *arg)
{
	size_t	 len = rf->len;

	rf->len = 0;
	if (len > 0 && rf->line[len - 1] == '\r')
		len--;
	return (cb(rf->line, len, arg));
}

/* Is name 1-20 of [A-Za-z0-9_-]? */
int
roomproto_name_valid(const unsigned char *name, size_t len)
{
	size_t	 i;

	if (len < 1 || len > ROOM_NAME_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_' || name[i] == '-'))
			return (0);
	}
	return (1);
}

/*
 * Is name, in any case, the server's own ("announce", "server", or "user"
 * and digits, as its ids)?
 */
int
roomproto_name_reserved(const unsigned char *name, size_t len)
{
	static const char	*own[] = { "announce", "server" };
	size_t			 i;

	for (i = 0; i < nitems(own); i++) {
		if (len == strlen(own[i]) &&
		    strncasecmp((const char *)name, own[i], len) == 0)
			return (1);
	}
	if (len <= 4 || strncasecmp((const char *)name, "user", 4) != 0)
		return (0);
	for (i = 4; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return (0);
	}
	return (1);
}

/* The commands, as typed, and what each is. */
static const struct {
	const char	*word;
	enum room_cmd	 cmd;
} room_cmds[] = {
	{ "/who", ROOM_WHO },
	{ "/nick", ROOM_NICK },
	{ "/me", ROOM_ME },
	{ "/help", ROOM_HELP },
};

/*
 * What a client's line asks for: a command word alone or with its trimmed
 * argument in *arg and *arglen; ":q" leaves.  Anything else, an unknown
 * "/word" too, is text to relay.
 */
enum room_cmd
roomproto_parse(const unsigned char *line, size_t len,
    const unsigned char **arg, size_t *arglen)
{
	size_t	 i, w, a, e;

	*arg = line + len;
	*arglen = 0;
	if (len == 2 && memcmp(line, ":q", 2) == 0)
		return (ROOM_QUIT);
	if (len == 0 || line[0] != '/')
		return (ROOM_TEXT);
	for (w = 0; w < len && line[w] != ' '; w++)
		;
	for (i = 0; i < nitems(room_cmds); i++) {
		if (strlen(room_cmds[i].word) != w ||
		    memcmp(line, room_cmds[i].word, w) != 0)
			continue;
		for (a = w; a < len && line[a] == ' '; a++)
			;
		for (e = len; e > a && line[e - 1] == ' '; e--)
			;
		*arg = line + a;
		*arglen = e - a;
		return (room_cmds[i].cmd);
	}
	return (ROOM_TEXT);
}
