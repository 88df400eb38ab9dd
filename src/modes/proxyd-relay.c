/*
 * The proxy server's connected clients: tell the client, and relay it
 * with its destination as a session of its own.  Reading the request is
 * proxyd.c's.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"
#include "proxyd-int.h"

/* Pass a broken relay on as a reset each way, so no cut tunnel looks whole. */
static void
proxyd_finished(struct session *s)
{
	struct prelay		*pr = s->arg;
	const struct channel	*own;
	const char		*how = join_ended(s, 0, &own);

	if (own != NULL)
		log_warnx("proxy: %s: %s: %s", pr->peer, own->error_op,
		    strerror(own->error));
	log_verbose(2, "proxy: %s: %s", pr->peer, how);
	session_free(s);
	netconn_free(pr->nc);
	free(pr->pk);
	free(pr);
}

/* -o, --hex-dump: a relayed client's lines begin "#N HOST PORT". */
const char *
proxyd_dump_label(struct session *s)
{
	const struct prelay	*pr = s->arg;
	static char		 label[24 + sizeof(pr->peer)];

	DEBUG_CHECK(s->finished == proxyd_finished,
	    "proxyd_dump_label: a session not a relayed client's");
	(void)snprintf(label, sizeof(label), "#%lu %s", pr->serial, pr->peer);
	return (label);
}

/* A chunked body that turned out broken ends the session. */
static int
proxyd_watch(struct session *s)
{
	struct prelay	*pr = s->arg;

	return (pr->pk != NULL && pr->pk->ck.state == HC_BAD ? SESSION_END :
	    SESSION_RULE);
}

/*
 * Drop the client's bytes past a forwarded chunked body; -v says so, or why
 * the body is broken.
 */
static size_t
proxyd_chunked_xform(struct channel *ch, unsigned char *p, size_t n,
    __unused size_t space)
{
	struct prelay	*pr = ch->src->session->arg;
	struct pchunked	*pk = pr->pk;
	size_t		 k;

	k = http_chunked_scan(&pk->ck, p, n);
	if (!pk->said && (pk->ck.state == HC_BAD || k < n)) {
		log_verbose_warn(1, "proxy: %s: %s", pr->peer,
		    pk->ck.state == HC_BAD ? pk->ck.why :
		    "what follows the request's body dropped");
		pk->said = 1;
	}
	return (k);
}

/* Drop the client's bytes past a forwarded body (xstate bytes to come). */
static size_t
proxyd_body_xform(struct channel *ch, __unused unsigned char *p, size_t n,
    __unused size_t space)
{
	if ((long long)n > ch->xstate)
		n = ch->xstate;
	ch->xstate -= n;
	return (n);
}

/* Check a forwarded chunked body so far.  Returns -1 when pc is gone. */
static int
pconn_chunked(struct pconn *pc, struct prelay *pr)
{
	struct pchunked	*pk;
	size_t		 k;

	if ((pk = pr->pk = calloc(1, sizeof(*pk))) == NULL) {
		log_warn("proxy: %s", pc->peer);
		pconn_free(pc);
		return (-1);
	}
	http_chunked_init(&pk->ck);
	k = http_chunked_scan(&pk->ck, pc->in, pc->len);
	if (pk->ck.state == HC_BAD) {
		pconn_refuse(pc, -1, HTTP_BAD_REQUEST, pk->ck.why);
		return (-1);
	}
	if (k < pc->len) {
		log_verbose_warn(1, "proxy: %s: %zu bytes after the request's "
		    "body dropped", pc->peer, pc->len - k);
		pk->said = 1;
		pc->len = k;
	}
	return (0);
}

/* Say the destination is connected; a forwarded request's origin does. */
static int
pconn_connected(struct pconn *pc)
{
	struct http_answer	 a = { .status = HTTP_OK,
	    .reason = "Connection established", .length = -1 };
	char			 buf[128];
	ssize_t			 n;

	if (pc->fwd != NULL)
		return (0);
	if (!proxyd_http(pc))
		return (pconn_socks5_reply(pc, SOCKS5_REP_OK, pc->tfd));
	n = http_encode_answer(buf, sizeof(buf), &a);
	return (n == -1 ? -1 : pconn_reply(pc, buf, n));
}

/*
 * Queue on up the rewritten request, then what the client sent after it, up
 * to the body's end.  Returns -1 with errno.
 */
static int
pconn_upstream(struct pconn *pc, struct prelay *pr, struct channel *up)
{
	if (pc->fwd != NULL &&
	    channel_inject(up, pc->fwd, pc->fwdlen) == -1)
		return (-1);
	if (pc->fwd != NULL && pc->body != -1) {
		if ((long long)pc->len > pc->body) {
			log_verbose_warn(1, "proxy: %s: %lld bytes after the "
			    "request's body dropped", pc->peer,
			    (long long)pc->len - pc->body);
			pc->len = pc->body;
		}
		up->xform = proxyd_body_xform;
		up->xgrow = 1;
		up->xstate = pc->body - pc->len;
	}
	if (pr->pk != NULL) {
		up->xform = proxyd_chunked_xform;
		up->xgrow = 1;
	}
	return (pc->len > 0 ? channel_inject(up, pc->in, pc->len) : 0);
}

/* Connected: say so and hand both sockets to the pump as a session. */
void
pconn_relay(struct pconn *pc)
{
	const struct job	*j = pc->pd->j;
	struct join	 jn = { .s = NULL };
	char		*cause = NULL;
	struct join_how	 how = { .flow = j->flow, .far = j->side,
	    .name = { "upstream", "downstream" },
	    .dump = j->run->dump, .sent = 1,
	    .flags = { CH_SHUTDOWN | CH_RESET, CH_SHUTDOWN | CH_RESET },
	    .idle_ms = j->side->timeout_ms,
	    .rule = pc->fwd != NULL ? JOIN_NEAR_ENDS : JOIN_SIDES };
	struct netconn	*tnc;
	struct prelay	*pr;
	char		 host[LOG_ESCAPED(sizeof(pc->host))];
	int		 rc, answered = 0, cfd = pc->nc->fd;

	log_verbose(1, "proxy: %s: connected to %s port %s", pc->peer,
	    log_escape(host, sizeof(host), pc->host, strlen(pc->host)),
	    pc->port);
	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		log_warn("proxy: %s", pc->peer);
		pconn_free(pc);
		return;
	}
	if (pc->fwd != NULL && pc->body == -1 && pconn_chunked(pc, pr) == -1) {
		free(pr->pk);
		free(pr);
		return;
	}
	strlcpy(pr->peer, pc->peer, sizeof(pr->peer));
	pr->serial = pc->serial;
	if (pconn_connected(pc) == -1)
		goto fail;
	/* Told it is connected: from now on a failure is the client's reset. */
	answered = 1;
	if (join_new(&jn, proxyd_watch, proxyd_finished, pr) == -1)
		goto fail;
	/* Each descriptor is the session's once it has an endpoint. */
	ev_timer_disarm(&pc->timer);
	ev_del(pc->nc->fd);
	ev_del(pc->tfd);
	if ((tnc = netconn_new(pc->tfd)) == NULL)
		goto fail;
	pc->tfd = -1;
	rc = end_netconn(&jn.end[0], j->side, pc->nc, jn.s, "client",
	    EP_SHUT_SOCKET, 0, 0) == -1 || end_netconn(&jn.end[1], j->side,
	    tnc, jn.s, "destination", EP_SHUT_SOCKET, 0, 0) == -1;
	netconn_free(tnc);
	if (!rc && join_ways(&jn, &how, &cause) == -1) {
		join_failed(pc->peer, cause);
		goto said;
	}
	if (rc || pconn_upstream(pc, pr, jn.way[0]) == -1)
		goto fail;
	gate_session(&j->side->gate, jn.s);
	/* The session's argument holds the client's place now. */
	pr->nc = pc->nc;
	pc->nc = NULL;
	pconn_free(pc);
	join_start(&jn);
	return;

fail:
	/* Ours is said; a client that left is -v's to say. */
	if (net_own_error(errno))
		log_warn("proxy: %s", pc->peer);
	else
		log_verbose_warn(1, "proxy: %s: %s", pc->peer,
		    strerror(errno));
said:
	if (answered)
		net_reset_at_close(cfd);
	session_free(jn.s);
	free(pr->pk);
	free(pr);
	pconn_free(pc);
}
