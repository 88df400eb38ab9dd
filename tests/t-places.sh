#!/bin/bash
# A client's place at the gate (--max-conns 1) comes back however the
# client leaves, in every stream server mode: a program's client, the
# forwarder's, the broker's and the room's, the chat's partner, the proxy
# server's, the relay's over TCP or WebSocket (gone before, during or
# after its wait), a client whose TLS handshake fails and one whose
# request is no WebSocket upgrade.  Three clients one after another are
# each served with one place: a place kept by a client that has gone
# would refuse every later one.  The listener holds the place in the client's
# netconn, and freeing it gives the place back (doc/design.md,
# "Connection set-up").

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

# Servers live as long as a test may take on a busy machine.
SERVER_TIMEOUT=90

# talk TEXT: a client of PORT sends TEXT (with \n, \r escapes), ends its
# sending and prints what it receives until the server closes, for at
# most 5 s.  A client the server refuses prints nothing.
talk() {
	t 15 python3 - "$PORT" "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
text = sys.argv[2].replace("\\r", "\r").replace("\\n", "\n")
got = b""
try:
    s.sendall(text.encode())
    s.shutdown(socket.SHUT_WR)
    s.settimeout(5)
    while True:
        b = s.recv(4096)
        if not b:
            break
        got += b
except (socket.timeout, ConnectionError):
    pass
sys.stdout.write(got.decode("latin-1"))
EOF
}

# echoes WORD: a client is served by a program that echoes (/bin/cat).
echoes() {
	[ "$(talk "$1\\n")" = "$1" ]
}

# relayed WORD: a client is served by the server: its line reaches the
# server's stdout (the broker, the room, the chat).
relayed() {
	talk "$1\\n" >/dev/null
	wait_for "$SC_TMP/srv.out" "$1\$" 3
}

# in_turn CHECK: three clients, one after another, are each served, as
# CHECK WORD says.  A client refused while the one before it is still
# leaving tries again.
in_turn() {
	for _i in 1 2 3; do
		assertTrue "client $_i served" "wait_until -t 40 $1 client$_i"
	done
}

test_exec() {
	server srv -n --max-conns 1 -lk -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	in_turn echoes
}

test_forward() {
	server dst -n -lk -e /bin/cat 127.0.0.1 0 || fail "no target"
	server srv -n --max-conns 1 -lk --forward "127.0.0.1:$PORT" \
	    127.0.0.1 0 || fail "no forwarder"
	in_turn echoes
}

test_broker() {
	server srv -n --max-conns 1 --broker --monitor 127.0.0.1 0 ||
	    fail "no server"
	in_turn relayed
}

test_room() {
	server srv -n --max-conns 1 --room 127.0.0.1 0 || fail "no server"
	in_turn relayed
}

test_chat() {
	held_stdin srv.fifo 9
	SERVER_STDIN=$SC_TMP/srv.fifo server srv -n --max-conns 1 --chat -lk \
	    127.0.0.1 0 || fail "no server"
	in_turn relayed
}

# socks_echoes WORD: a client through the SOCKS5 server on PPORT to the
# echoing target on DPORT.
socks_echoes() {
	[ "$(echo "$1" | t 10 "$SC" -N -x "127.0.0.1:$PPORT" 127.0.0.1 \
	    "$DPORT" 2>/dev/null)" = "$1" ]
}

test_proxy_server() {
	server dst -n -lk -e /bin/cat 127.0.0.1 0 || fail "no target"
	DPORT=$PORT
	server srv -n --max-conns 1 -lk --proxy-type socks5 127.0.0.1 0 ||
	    fail "no proxy server"
	PPORT=$PORT
	# One that leaves before its request, then ones relayed.
	talk ""
	in_turn socks_echoes
}

# relay_echoes WORD: two --via clients meet at the relay on PORT, one
# echoing (/bin/cat), after one that left before its request, one whose
# request was no request and one that left while it waited.
relay_echoes() {
	talk "" >/dev/null
	talk "not a request\\n" >/dev/null
	[ "$(talk "SCRV"$'\x01'" a name of thirty-two characters.")" = SCRW ] ||
	    return 1
	t 20 "$SC" -l --via "127.0.0.1:$PORT" --secret="$RELAY_CODE" -w 10 \
	    -e /bin/cat </dev/null >/dev/null 2>&1 &
	[ "$(echo "$1" | t 20 "$SC" -N --via "127.0.0.1:$PORT" \
	    --secret="$RELAY_CODE" -w 10 2>/dev/null)" = "$1" ]
}
RELAY_CODE=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK

test_relay() {
	sc_have_tls || { sc_skip "built without TLS"; return; }
	# A pair holds two places.
	server srv -n --max-conns 2 --relay 127.0.0.1 0 || fail "no relay"
	in_turn relay_echoes
}

# relay_ws_echoes WORD: two --via ws:// clients meet at the relay on PORT,
# one echoing, after a plain TCP one that left before its request, an
# HTTP request that is no upgrade, and a WebSocket client that left while
# it waited (its connection given up meanwhile).
relay_ws_echoes() {
	talk "" >/dev/null
	talk "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n" >/dev/null
	t 5 "$SC" -w 2 --via "ws://127.0.0.1:$PORT/" --secret="$OTHER_CODE" \
	    </dev/null >/dev/null 2>&1
	t 20 "$SC" -l --via "ws://127.0.0.1:$PORT/" --secret="$RELAY_CODE" \
	    -w 10 -e /bin/cat </dev/null >/dev/null 2>&1 &
	[ "$(echo "$1" | t 20 "$SC" -N --via "ws://127.0.0.1:$PORT/" \
	    --secret="$RELAY_CODE" -w 10 2>/dev/null)" = "$1" ]
}
OTHER_CODE=ZNDZ-M7ED-S7MT-5EJZ-RS2Y-YSJP-K6HD

test_ws_relay() {
	sc_have_tls || { sc_skip "built without TLS"; return; }
	server srv -n --max-conns 2 --relay --websocket 127.0.0.1 0 ||
	    fail "no relay"
	in_turn relay_ws_echoes
}

# junk_then_tls WORD: a client that speaks no TLS fails its handshake;
# then a TLS client is served.
junk_then_tls() {
	talk "not a handshake\\n" >/dev/null
	[ "$(echo "$1" | t 10 "$SC" -N --ssl 127.0.0.1 "$PORT" \
	    2>/dev/null)" = "$1" ]
}

test_tls_handshake_failed() {
	sc_have_tls || { sc_skip "built without TLS"; return; }
	server srv -n --max-conns 1 -lk --ssl -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	in_turn junk_then_tls
}

# http_answered WORD: a request that is no WebSocket upgrade is answered,
# and not as a full server (503).
http_answered() {
	_a=$(talk "GET /$1 HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
	case $_a in
	"HTTP/1.1 503"* | "") return 1 ;;
	"HTTP/1.1 "*) return 0 ;;
	esac
	return 1
}

test_websocket_not_an_upgrade() {
	server srv -n --max-conns 1 -lk --websocket -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	in_turn http_answered
}

# mode_said NAME ARGS...: a server started with -vv ARGS says, once, which
# mode runs; with -v alone it does not.
mode_said() {
	_m=$1
	shift
	server srv -vv "$@" 127.0.0.1 0 || fail "no server for $*"
	assertEquals "-vv names the mode once: $*" 1 \
	    "$(grep -cx "sockcat: mode: $_m" "$SC_TMP/srv.err")"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
}

test_mode_named() {
	mode_said broker --broker
	mode_said room --room
	mode_said listener -lk -e /bin/cat
	mode_said "proxy server" -l --proxy-type socks5
	mode_said forward -lk --forward 127.0.0.1:9
	mode_said listener -u -l
	mode_said relay --relay
	server srv --broker --monitor 127.0.0.1 0 || fail "no server"
	assertFalse "-v alone does not" "grep -q 'mode:' '$SC_TMP/srv.err'"
	assertEquals "a scan too" "sockcat: mode: scan" \
	    "$(t 10 "$SC" -vv -z 127.0.0.1 "$PORT" 2>&1 | grep 'mode:')"
	assertEquals "and a client" "sockcat: mode: client" \
	    "$(t 10 "$SC" -vv -N 127.0.0.1 "$PORT" </dev/null 2>&1 |
	    grep 'mode:')"
}

tearDown() {
	exec 9>&-
	sc_remove_tmp
	endSkipping
}

sc_run_shunit2
