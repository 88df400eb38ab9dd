/*
 * The modes layer: what a command line runs: plain relay, datagram listener, broker
 * and room, chat, proxy server, forwarder, port scan.
 *
 * It may use the layers below it, and includes only their header.
 * The first of our headers a source file includes names its layer
 * (SC_LAYER); a lower layer's file that includes this one does not
 * compile.
 */
/* SPDX-License-Identifier: ISC */

#ifndef SC_LAYER
#define SC_LAYER	6
#endif
#if SC_LAYER < 6
#error "a lower layer includes modes/modes.h: pass a hook down instead"
#endif

#ifndef SC_MODES_H
#define SC_MODES_H

#include "net/net.h"

/* proxyd.c */
int		 proxyd_listen(const struct options *);

/* forward.c */
/* What a --forward target is, as forward_parse_target() finds it. */
enum fwd_kind {
	FWD_TCP,	/* HOST:PORT or tcp:HOST:PORT */
	FWD_UNIX,	/* unix:PATH */
	FWD_UDP,	/* udp:HOST:PORT, for a datagram listener */
};
int		 forward_listen(const struct options *);
int		 forward_parse_target(const char *, char **, char **,
		    enum fwd_kind *, const char **);
char		*forward_read_file(const char *, char ***, size_t *, char **);

/* plain.c */
int		 plain_connect(const struct options *);
int		 plain_listen(const struct options *);
int		 plain_serve(const struct options *, int);
int		 plain_relay(const struct options *, int,
		    const struct dial_how *);
int		 plain_serve_dgram(const struct options *, int);

/* dgram.c */
int		 dgram_serve(const struct options *, int);
int		 dgram_serve_socket(const struct options *, int);
int		 dgram_listen(const struct options *);

/* unix.c (the -U modes) */
int		 unix_connect(const struct options *);
int		 unix_scan(const struct options *);
int		 unix_listen(const struct options *);

/* broker.c */
int		 broker_listen(const struct options *);

/* room.c (the mode) */
int		 room_listen(const struct options *);

/* chat.c */
int		 chat_connect(const struct options *);
int		 chat_listen(const struct options *);

/* scan.c */
int		 scan_ports(const struct options *);

/* device.c */
int		 device_relay(const struct options *);

#endif /* SC_MODES_H */
