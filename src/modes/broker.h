/*
 * What the broker (broker.c) and the room built on it (room.c) share: the
 * server, its clients, and the hooks through which a room frames and
 * carries out what is said.  Private to the two files.
 */
/* SPDX-License-Identifier: ISC */

#ifndef BROKER_H
#define BROKER_H

#include <netdb.h>

/*
 * A source of room lines: a client or the operator.  Bytes are framed
 * into lines (roomproto.c), with state, so that a line arriving in pieces, or
 * several in one read, gets exactly one prefix each.
 */
struct speaker {
	struct broker	*b;
	struct client	*c;		/* NULL: the operator. */
	const char	*name;		/* "<user3>", "<server>" */
	struct endpoint	*except;	/* Member not to send to (itself). */
	struct room_framer rf;
};

/*
 * An unfinished line a sender holds back (--broker --websocket, where a
 * line is a message), allocated only while one is: at most BROKER_LINE_MAX
 * bytes, so its counts are 32 bits (every client has one).
 */
struct broker_part {
	unsigned char	*buf;
	uint32_t	 len;
	uint32_t	 size;
};

/*
 * A client, with its address: 128 bytes with the allocator's header for
 * an IPv4 one.  An idle broker client costs about a kilobyte all told
 * (bench/broker-scale): each field here counts ten thousand times.
 */
struct client {
	struct broker	*b;
	struct endpoint	*net;
	struct netconn	*nc;		/* Its place at the gate. */
	struct channel	*rx;		/* net -> relay */
	struct speaker	*sp;		/* In a room only. */
	struct broker_part part;	/* A plain broker's line mode. */
	TAILQ_ENTRY(client) entry;	/* In the room's members. */
	char		 name[ROOM_NAME_MAX + 3]; /* "<user3>" */
	unsigned char	 quit:1;	/* ":q" was read */
	unsigned char	 cut:1;		/* Cut off for not reading; told so. */
	unsigned char	 silent:1;	/* A room's plain client of
					   --websocket that has said nothing
					   yet: a member, but maybe a
					   browser's spare connection. */
	char		 addr[];	/* HOST:PORT, as long as it is */
};

struct broker {
	const struct job	*j;
	const struct broker_room *room;	/* NULL: a plain broker */
	struct fanout	*fo;
	struct endpoint	*console;	/* stdout, NULL once it failed */
	struct speaker	 server;	/* The operator, in a room. */
	struct broker_part console_part; /* Its unfinished line. */
	/*
	 * A room's operator typing on a terminal, shown on one: the line
	 * is edited here (src/io/edit.c) and what the room says is drawn
	 * above it.
	 */
	struct edit	 ed;
	unsigned int	 next_id;	/* Room ids are never reused. */
	TAILQ_HEAD(, client) members;	/* The room's clients, in order. */
};

/*
 * What a room adds to the broker, called by it: the broker never calls
 * room.c by name, so the room sits above it.
 */
struct broker_room {
	/* c joins; -1 refuses it. */
	int	(*join)(struct broker *, struct client *);
	/* Bytes from a speaker; 1 when a client asked to leave (":q"). */
	int	(*heard)(struct speaker *, const void *, size_t);
	/* The speaker's stream ended: what is left is a last line. */
	void	(*flush)(struct speaker *);
	/* c has gone. */
	void	(*leave)(struct broker *, struct client *);
	/* c was cut off for not reading: tell it, and the others. */
	void	(*cut)(struct broker *, struct client *);
};

void	 broker_send(struct broker *, struct endpoint *, const void *,
	    size_t);
void	 broker_announce(struct broker *, struct endpoint *, const char *,
	    ...) __attribute__((format(printf, 3, 4)));
int	 broker_run(const struct job *, const struct broker_room *);

#endif /* BROKER_H */
