/*
 * --room: a chat server on the broker, with names, announcements and
 * commands; lines are framed by src/codec/roomproto.c.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "modes.h"
#include "broker.h"

/* Send a message to one client only; a failure is only logged. */
static void
room_tell(struct client *c, const char *msg, size_t len)
{
	if (fanout_send_to(c->net, msg, len) == -1)
		log_warn("relay");
}

/* Relay a line with its speaker's name, escaped (text_escape()). */
static void
room_say(struct speaker *sp, const unsigned char *line, size_t len,
    int action)
{
	struct text_esc	 e = { .ascii = 0 };
	unsigned char	 out[ROOM_LINE_MAX * 4 + 64];
	size_t		 n, bound;
	int		 st = 0;

	if (action) {
		n = snprintf((char *)out, sizeof(out), "* %.*s ",
		    (int)strlen(sp->name) - 2, sp->name + 1);
	} else
		n = snprintf((char *)out, sizeof(out), "%s ", sp->name);
	if (len == ROOM_LINE_MAX &&
	    text_utf8_span(&st, line, len, &bound) == len && st != 0)
		len = bound;
	n += text_escape(&e, line, len, out + n);
	n += text_escape_end(&e, out + n);
	out[n++] = '\n';
	broker_send(sp->b, sp->except, out, n);
}

/* Tell c who else is present; nothing when nobody is. */
static void
room_who(struct broker *b, struct client *c, int newcomer)
{
	struct client	*m;
	char		*msg;
	size_t		 n = 0, size = 64, limit;
	int		 others = 0;

	/*
	 * Nothing for a member cut off, whose queue takes no more: the
	 * rest of a pasted run of /who costs no list of everyone each.
	 */
	if (fanout_error(c->net, &limit) != 0)
		return;
	TAILQ_FOREACH(m, &b->members, entry)
		size += sizeof(m->name) + 2;
	if ((msg = malloc(size)) == NULL) {
		log_warn("relay");
		return;
	}
	n = strlcpy(msg, "<announce> Present:", size);
	TAILQ_FOREACH(m, &b->members, entry) {
		if (m == c && newcomer)
			continue;
		n += snprintf(msg + n, size - n, "%s %s%s", others ? "," : "",
		    m->name, m == c ? " (you)" : "");
		others++;
	}
	if (others > 0) {
		n += snprintf(msg + n, size - n, ".\n");
		room_tell(c, msg, n);
	}
	free(msg);
}

/* Is name (bare, len bytes) taken by a member other than c? */
static int
room_name_taken(struct broker *b, struct client *c, const char *name,
    size_t len)
{
	struct client	*m;
	size_t		 mlen;

	TAILQ_FOREACH(m, &b->members, entry) {
		mlen = strlen(m->name) - 2;
		if (m != c && mlen == len &&
		    strncasecmp(m->name + 1, name, len) == 0)
			return (1);
	}
	return (0);
}

/* /nick NAME: take a valid, unreserved, unused name; the room is told. */
static void
room_nick(struct broker *b, struct client *c, const unsigned char *name,
    size_t len)
{
	char	 msg[256], old[sizeof(c->name)];
	int	 n;

	if (!roomproto_name_valid(name, len))
		n = snprintf(msg, sizeof(msg), "<announce> A name is 1 to %d "
		    "letters, digits, - or _.\n", ROOM_NAME_MAX);
	else if (roomproto_name_reserved(name, len))
		n = snprintf(msg, sizeof(msg), "<announce> The name %.*s is "
		    "reserved: announce, server and user with digits are the "
		    "server's.\n", (int)len, name);
	else if (room_name_taken(b, c, (const char *)name, len))
		n = snprintf(msg, sizeof(msg), "<announce> The name %.*s is "
		    "taken.\n", (int)len, name);
	else {
		strlcpy(old, c->name, sizeof(old));
		snprintf(c->name, sizeof(c->name), "<%.*s>", (int)len, name);
		broker_announce(b, NULL, "%s is now known as %s.", old,
		    c->name);
		return;
	}
	room_tell(c, msg, n);
}

/* What /help says. */
static const char room_help[] =
    "<announce> Commands: /who lists who is present; /nick NAME takes a "
    "name (1 to 20 letters, digits, - or _); /me TEXT says what you do; "
    "/help shows this; :q leaves.  Other lines go to everyone.\n";

/* What a member that typed ":q" is told last. */
static const char room_bye[] = "<announce> You left the room.\n";

/* What the sender of a line too long for the room is told. */
static const char room_too_long[] =
    "<announce> Your line was longer than 4096 bytes: only its first 4096 "
    "were relayed.\n";

/*
 * One line from roomproto_frame(): a client's command carried out, else
 * relayed.  Returns 1 on ":q".
 */
static int
room_line(const unsigned char *line, size_t len, void *arg)
{
	struct speaker		*sp = arg;
	struct client		*c = sp->c;
	const unsigned char	*a;
	size_t			 alen;

	if (c == NULL) {
		room_say(sp, line, len, 0);
		return (0);
	}
	switch (roomproto_parse(line, len, &a, &alen)) {
	case ROOM_QUIT:
		room_tell(c, room_bye, sizeof(room_bye) - 1);
		return (1);
	case ROOM_WHO:
		room_who(sp->b, c, 0);
		break;
	case ROOM_NICK:
		room_nick(sp->b, c, a, alen);
		break;
	case ROOM_ME:
		room_say(sp, a, alen, 1);
		break;
	case ROOM_HELP:
		room_tell(c, room_help, sizeof(room_help) - 1);
		break;
	case ROOM_TEXT:
		room_say(sp, line, len, 0);
		break;
	}
	return (0);
}

/* Do the len bytes at p start with an HTTP request line, "GET / HTTP/1.1"? */
static int
room_http_request(const void *p, size_t len)
{
	struct http_line l;
	const char	*why;
	char		 line[HTTP_LINE_MAX + 1];

	if (wsh_sniff(p, len) != 1)
		return (0);
	if (len > HTTP_LINE_MAX)
		len = HTTP_LINE_MAX;
	memcpy(line, p, len);
	line[len] = '\0';
	return (http_request_line(line, &l, &why) == 0);
}

/* Frame what sp sent into lines and act on each. */
static int
room_heard(struct speaker *sp, const void *p, size_t len)
{
	int	 quit;

	/*
	 * A plain member whose first words are an HTTP request line is a
	 * browser that took its time to use its spare connection (a loaded
	 * machine), after the silence made it a member: it is let go, and
	 * leaves as a member does; the browser asks again on a new one.
	 */
	if (sp->c != NULL && sp->c->silent && len > 0) {
		sp->c->silent = 0;
		if (room_http_request(p, len)) {
			log_verbose(1, "%s: a late HTTP request, let go",
			    sp->c->addr);
			return (1);
		}
	}

	/*
	 * The line being framed is held only while a line is incomplete:
	 * a member that has nothing pending holds no line buffer.
	 */
	if (sp->rf.line == NULL &&
	    (sp->rf.line = buf_pool_get(ROOM_LINE_MAX)) == NULL) {
		log_warn("relay");
		return (sp->c != NULL);
	}
	quit = roomproto_frame(&sp->rf, p, len, room_line, sp);
	if (sp->rf.len == 0) {
		buf_pool_put(sp->rf.line, ROOM_LINE_MAX);
		sp->rf.line = NULL;
	}
	if (quit)
		return (1);
	if (sp->rf.dropped > 0) {
		sp->rf.dropped = 0;
		if (sp->c != NULL)
			room_tell(sp->c, room_too_long,
			    sizeof(room_too_long) - 1);
		else
			log_warning("stdin: a line longer than %d bytes was "
			    "cut", ROOM_LINE_MAX);
	}
	return (0);
}

/* A last line without its newline is still a line. */
static void
room_flush_speaker(struct speaker *sp)
{
	if (sp->rf.len > 0 && (sp->c == NULL || !sp->c->quit))
		roomproto_flush(&sp->rf, room_line, sp);
}

/* c joins the room.  Returns -1 with errno. */
static int
room_join(struct broker *b, struct client *c)
{
	struct client	*m;
	char		 msg[256];
	int		 others, n;

	/* Lines are framed in a buffer taken only while one is incomplete. */
	if ((c->sp = calloc(1, sizeof(*c->sp))) == NULL)
		return (-1);
	/* No member may take an id with /nick: it is never shared. */
	snprintf(c->name, sizeof(c->name), "<user%u>", ++b->next_id);
	c->sp->b = b;
	c->sp->c = c;
	c->sp->name = c->name;
	c->sp->except = c->net;
	/* The members, whom the newcomer is not yet. */
	others = 0;
	TAILQ_FOREACH(m, &b->members, entry)
		others++;
	n = snprintf(msg, sizeof(msg), "<announce> Welcome to the "
	    "room, you are %s. %d other user%s connected; type :q to "
	    "leave.\n", c->name, others, others == 1 ? " is" : "s are");
	if (!b->j->flow->recv_only && fanout_send_to(c->net, msg, n) == -1)
		return (-1);
	room_who(b, c, 1);
	/*
	 * A member from now on, typed or not: a plain client that has said
	 * nothing is a person at a terminal as much as one that has (the
	 * listener told it apart by its silence), and the others are told
	 * of it, and count it, at once.
	 */
	TAILQ_INSERT_TAIL(&b->members, c, entry);
	broker_announce(b, c->net, "%s is connected as %s.", c->addr,
	    c->name);
	return (0);
}

/* c has gone: its last line, then the others are told. */
static void
room_leave(struct broker *b, struct client *c)
{
	room_flush_speaker(c->sp);
	TAILQ_REMOVE(&b->members, c, entry);
	if (!c->cut)
		broker_announce(b, c->net, "%s is disconnected.", c->name);
}

/* c read nothing for the stall time: its last words, and the others'. */
static void
room_cut(struct broker *b, struct client *c)
{
	char	 msg[128];
	int	 n;

	n = snprintf(msg, sizeof(msg), "<announce> You are disconnected: "
	    "you read nothing for %lld ms.\n", fanout_stall_ms(b->fo));
	room_tell(c, msg, n);
	broker_announce(b, c->net, "%s is disconnected: it stopped "
	    "reading.", c->name);
}

static const struct broker_room room_hooks = {
	.join = room_join,
	.heard = room_heard,
	.flush = room_flush_speaker,
	.leave = room_leave,
	.cut = room_cut,
};

/* --room: a chat room for any number of clients.  Runs until killed. */
int
room_listen(const struct job *j)
{
	return (broker_run(j, &room_hooks));
}
