#!/bin/bash
# WebSocket (RFC 6455) against Python's websockets library, both ways:
# sockcat's ws:// and wss:// client against its server, sockcat's
# --websocket servers (stdio, -e, --forward, --broker, --room) against its
# client.  Text lines and binary messages, 64 MiB each way with sha256,
# fragments, ping and pong, close codes each way, bad UTF-8, a message
# over the limit, bad upgrades, TLS with verification and with a pin,
# SOCKS5 and HTTP proxies (sockcat's own), hostile frames, a room shared
# with a plain TCP client, and a real browser when Chromium is installed.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require_websockets

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
	endSkipping
}

# A sockcat client in the background with a held stdin on fd 7.
client() {
	_n=$1
	shift
	held_stdin "$_n.fifo" 7
	bg_in "$SC_TMP/$_n.fifo" t 60 "$SC" "$@" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err"
	CLIENT_PID=$BG_PID
}

test_client_text_headers_subprotocol() {
	ws_peer p serve echo
	client c -v -N --ws-origin http://example.test --ws-header "X-Test: yes" \
	    --ws-protocol superchat "ws://127.0.0.1:$WPORT/p?q=1"
	echo "hello there" >&7
	wait_for "$SC_TMP/c.out" '^hello there$' || fail "no echo"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "client status" 0 "$WAIT_STATUS"
	ws_peer_wait
	assertEquals "one line back" "hello there" "$(<"$SC_TMP/c.out")"
	grep -q 'WebSocket: HTTP/1.1 101 Switching Protocols' \
	    "$SC_TMP/c.err" || fail "no status line: $(<"$SC_TMP/c.err")"
	grep -q 'WebSocket subprotocol: superchat' "$SC_TMP/c.err" ||
	    fail "no subprotocol line"
	grep -q '^path /p?q=1$' "$SC_TMP/p.out" || fail "path"
	grep -q '^origin http://example.test$' "$SC_TMP/p.out" || fail origin
	grep -q '^x-test yes$' "$SC_TMP/p.out" || fail "header"
	grep -q '^closed 1000$' "$SC_TMP/p.out" ||
	    fail "close code: $(<"$SC_TMP/p.out")"
}

# secs_since T0: the seconds since T0 ($EPOCHREALTIME), whole.
secs_since() {
	_now=${EPOCHREALTIME/./}
	_t0=${1/./}
	echo $(((_now - _t0) / 1000000))
}

# Issue 66: a WebSocket has no half-close, so the end of stdin is the
# client's close, as websocat's: it goes after what was sent (and a
# ping's pong, so that an echo read with the close still goes), what
# comes is delivered until the server's close, and the client exits 0.
test_client_stdin_end_closes() {
	ws_peer p serve echo
	t0=$EPOCHREALTIME
	printf 'hello\nworld\n' | t 20 "$SC" "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "the answers" "hello
world" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/c.err")"
	assertTrue "ended with the server's close" "[ $(secs_since "$t0") -lt 4 ]"
	ws_peer_wait
	assertEquals "the peer" "closed 1000" "$(grep '^closed' "$SC_TMP/p.out")"
	# Over TLS too, where the message, the ping and the close are read
	# by the server in one go.
	if sc_have_tls; then
		mkdir -p "$SC_TMP/certs"
		make_certs "$SC_TMP/certs" || fail "no certificates"
		WSPEER_CERT=$SC_TMP/certs/srv.pem WSPEER_KEY=$SC_TMP/certs/srv.key \
		    ws_peer q serve echo
		printf 'hello\n' | t 20 "$SC" --ssl-trustfile \
		    "$SC_TMP/certs/ca.pem" "wss://localhost:$WPORT/" \
		    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
		assertEquals "wss: status" 0 $?
		assertEquals "wss: the answer" "hello" "$(<"$SC_TMP/d.out")"
		ws_peer_wait
	fi
}

# A server that answers late: it has read our close with the message,
# and a server that answers a close at once (websockets does) has no
# later answer to give; the client ends with its close, status 0.
# --ws-messages and -q still say when the answers are over: they get it.
test_client_stdin_end_before_a_late_answer() {
	ws_peer p serve slowecho 1
	t0=$EPOCHREALTIME
	echo "late" | t 20 "$SC" "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "no answer before the close" "" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/c.err")"
	assertTrue "ended with the server's close" "[ $(secs_since "$t0") -lt 4 ]"
	ws_peer_wait
	ws_peer q serve slowecho 1
	echo "late" | t 20 "$SC" -1 "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "-1: status" 0 $?
	assertEquals "-1: the one answer" "late" "$(<"$SC_TMP/d.out")"
	ws_peer_wait
}

# A server that never answers our close: the client waits for it 5 s
# after the end of stdin, then closes the connection and exits 0, having
# delivered what came; -v says so.
test_client_close_unanswered() {
	ws_peer p serve noclose 30
	t0=$EPOCHREALTIME
	printf 'hello\n' | t 20 "$SC" "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "what came" "hello" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/c.err")"
	took=$(secs_since "$t0")
	assertTrue "waited 5 s: $took" "[ $took -ge 5 ] && [ $took -lt 12 ]"
	stop "$PEER_PID"
	ws_peer q serve noclose 30
	printf 'hello\n' | t 20 "$SC" -v "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "-v: status" 0 $?
	assertEquals "-v: said" "sockcat: WebSocket: the peer did not answer \
our close" "$(grep 'our close' "$SC_TMP/d.err")"
	stop "$PEER_PID"
}

# -q waits for the answers after the end of stdin, then closes (1000):
# "echo x | sockcat -q 1 ws://..." gets an answer that comes late; -N
# closes at once.
test_client_quit_timer_waits_for_answers() {
	ws_peer p serve slowecho 0.3
	echo "late" | t 20 "$SC" -q 2 "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	assertEquals "the late answer" "late" "$(<"$SC_TMP/c.out")"
	ws_peer_wait
	assertEquals "closed when the timer ended" "closed 1000" \
	    "$(grep '^closed' "$SC_TMP/p.out")"
	ws_peer q serve slowecho 0.3
	echo "late" | t 20 "$SC" -N "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "-N: status" 0 $?
	assertEquals "-N: closed at once, no answer" "" "$(<"$SC_TMP/d.out")"
}

# The peer's close ends -q's wait: no answer can come after it, so the
# client exits then, not when the timer would have ended.
test_client_quit_timer_ends_at_peer_close() {
	server s -l --websocket -c 'head -1' 127.0.0.1 0 || fail "no server"
	echo "once" | t 5 "$SC" -q 30 "ws://127.0.0.1:$PORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "the answer" "once" "$(<"$SC_TMP/c.out")"
}

test_client_fragments_ping_peer_close() {
	ws_peer p serve script
	client c -v "ws://127.0.0.1:$WPORT/"
	wait_for "$SC_TMP/c.out" '^from server$' || fail "no first message"
	echo "to server" >&7
	wait_exit "$CLIENT_PID"
	assertEquals "client status" 0 "$WAIT_STATUS"
	exec 7>&-
	ws_peer_wait
	printf 'from server\nfragmented\n\000\001binary\n' >"$SC_TMP/want"
	cmp -s "$SC_TMP/want" "$SC_TMP/c.out" ||
	    fail "messages: $(od -c "$SC_TMP/c.out" | head)"
	grep -q '^got to server$' "$SC_TMP/p.out" || fail "line not sent"
	grep -q '^pong ok$' "$SC_TMP/p.out" || fail "no pong"
	grep -q '^closed 4001$' "$SC_TMP/p.out" || fail "close echoed"
	grep -q 'the peer closed with 4001: done here' "$SC_TMP/c.err" ||
	    fail "no close line: $(<"$SC_TMP/c.err")"
}

# --ws-ping-timeout: a peer that answers pings keeps its session; one that
# stops (SIGSTOP: its kernel still acknowledges, nothing answers) is
# closed with 1011 and said, status 1, instead of waited for for ever;
# and so is a server's client that answers no ping.
test_client_ping_timeout() {
	ws_peer p serve echo
	client c --ws-ping 200ms --ws-ping-timeout 1 "ws://127.0.0.1:$WPORT/"
	echo "hello" >&7
	wait_for "$SC_TMP/c.out" '^hello$' || fail "no echo"
	still_running "$CLIENT_PID" 2 || fail "a live peer timed out: \
$(<"$SC_TMP/c.err")"
	kill -s STOP -- "-$PEER_PID"
	wait_exit "$CLIENT_PID"
	kill -s CONT -- "-$PEER_PID"
	assertEquals "client status" 1 "$WAIT_STATUS"
	assertEquals "what it says" \
	    "sockcat: read from network: WebSocket: no pong within 1s; closed \
with 1011" \
	    "$(<"$SC_TMP/c.err")"
	exec 7>&-
	ws_peer_wait

	# Without --ws-ping, it pings every TIME itself.
	ws_peer q serve echo
	client d --ws-ping-timeout 500ms "ws://127.0.0.1:$WPORT/"
	echo "hi" >&7
	wait_for "$SC_TMP/d.out" '^hi$' || fail "no echo"
	kill -s STOP -- "-$PEER_PID"
	wait_exit "$CLIENT_PID"
	kill -s CONT -- "-$PEER_PID"
	assertEquals "alone: status" 1 "$WAIT_STATUS"
	assertEquals "alone: what it says" \
	    "sockcat: read from network: WebSocket: no pong within 500ms; \
closed with 1011" \
	    "$(<"$SC_TMP/d.err")"
	exec 7>&-
	ws_peer_wait

	# A server: a client that answers no ping is closed, that session
	# ends with status 1.
	server s -l --websocket --ws-ping 300ms --ws-ping-timeout 1 \
	    127.0.0.1 0 || fail "no server"
	ws_peer r deaf "$PORT"
	ws_peer_wait
	wait_exit "$SERVER_PID"
	assertEquals "server status" 1 "$WAIT_STATUS"
	assertContains "$(<"$SC_TMP/s.err")" \
	    "sockcat: read from network: WebSocket: no pong within 1s; closed \
with 1011"
	assertEquals "what the deaf client got" "HTTP/1.1 101 Switching Protocols
ping
close 1011 no pong within 1s" "$(uniq "$SC_TMP/r.out")"
}

# A session --ws-ping-timeout ends ends its program as -w's idle end
# does (SIGTERM, then SIGKILL): a program that would run for ever is
# gone, and a server without -k exits with the session's failure.  It
# once waited for the program for ever.
test_ping_timeout_ends_program() {
	local k prog

	for k in -l -lk; do
		rm -f "$SC_TMP/prog.pid"
		server s "$k" --websocket --ws-ping 300ms --ws-ping-timeout 1 \
		    -c "echo \$\$ >'$SC_TMP/prog.pid'; exec sleep 1000" \
		    127.0.0.1 0 || fail "no server"
		ws_peer r deaf "$PORT"
		wait_until test -s "$SC_TMP/prog.pid" || fail "$k: no program"
		prog=$(<"$SC_TMP/prog.pid")
		ws_peer_wait
		assertEquals "$k: the client closed" "close 1011 no pong within 1s" \
		    "$(grep '^close' "$SC_TMP/r.out")"
		wait_until -t 10 gone "$prog"
		assertTrue "$k: the program is gone" "gone $prog"
		if [ "$k" = -l ]; then
			wait_exit "$SERVER_PID" 10
			assertEquals "$k: server status" 1 "$WAIT_STATUS"
		else
			assertTrue "$k: the server serves on" \
			    "still_running $SERVER_PID 0.5"
			stop "$SERVER_PID"
		fi
		assertContains "$k: said" "$(<"$SC_TMP/s.err")" \
		    "sockcat: read from network: WebSocket: no pong within 1s; closed with 1011"
	done
}

# --ws-messages N and -1 (websocat's one-message mode): the session ends
# after so many messages read, whatever stdin does; -W counts reads.
test_message_count() {
	ws_peer p serve echo
	client c --ws-messages 2 "ws://127.0.0.1:$WPORT/"
	printf 'one\ntwo\nthree\n' >&7
	wait_exit "$CLIENT_PID"
	assertEquals "client status" 0 "$WAIT_STATUS"
	assertEquals "two messages" "one
two" "$(<"$SC_TMP/c.out")"
	assertEquals "client stderr" "" "$(<"$SC_TMP/c.err")"
	exec 7>&-
	ws_peer_wait
	assertEquals "the close" "closed 1000" \
	    "$(grep '^closed' "$SC_TMP/p.out")"

	# -1: a request, its answer, the end (stdin ends first here).
	ws_peer q serve echo
	echo "ask" | t 10 "$SC" -1 "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "-1: status" 0 $?
	assertEquals "-1: the answer" "ask" "$(<"$SC_TMP/d.out")"
	ws_peer_wait

	# A server: one message from its client, then the end.
	held_stdin s.fifo 8
	SERVER_STDIN=$SC_TMP/s.fifo server s -l -1 --websocket 127.0.0.1 0 \
	    8>&- || fail "no server"
	ws_peer r client say "$PORT" "only this"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "server got" "only this" "$(<"$SC_TMP/s.out")"
	ws_peer_wait
	assertEquals "its client" "closed 1000" "$(<"$SC_TMP/r.out")"
	exec 8>&-

	t 5 "$SC" --ws-messages 0 ws://127.0.0.1:1/ >"$SC_TMP/e.out" \
	    2>"$SC_TMP/e.err"
	assertEquals "0: status" 1 $?
	assertEquals "0: said" "sockcat: ws-messages too small: 0" \
	    "$(<"$SC_TMP/e.err")"
	t 5 "$SC" -1 127.0.0.1 1 >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
	assertEquals "-1 without WebSocket: status" 1 $?
	assertEquals "-1 without WebSocket: said" \
	    "sockcat: must use --websocket, a ws:// URL or a ws:// address with --ws-* options" \
	    "$(<"$SC_TMP/e.err")"
}

# WebSocket over Unix-domain sockets: the client's ws+unix:///PATH:/URL
# (as node's ws and others spell it) to Python's websockets unix_serve,
# and the server's --websocket -U to node's ws client with the same URL.
test_unix_sockets() {
	WSPEER_UNIX=$SC_TMP/py.sock ws_peer p serve echo
	client c -v -N "ws+unix://$SC_TMP/py.sock:/some/path?q=1"
	echo "over unix" >&7
	wait_for "$SC_TMP/c.out" '^over unix$' ||
	    fail "no echo: $(cat "$SC_TMP/c.err" "$SC_TMP/p.err")"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "client status" 0 "$WAIT_STATUS"
	ws_peer_wait
	assertEquals "the request" "path /some/path?q=1
origin None
x-test None
subprotocol None
closed 1000" "$(grep -v '^PORT' "$SC_TMP/p.out")"

	# No path after the socket's: "/".
	WSPEER_UNIX=$SC_TMP/py2.sock ws_peer q serve echo
	echo "short" | t 10 "$SC" "ws+unix:$SC_TMP/py2.sock" \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "short form: status" 0 $?
	assertEquals "short form: echo" "short" "$(<"$SC_TMP/d.out")"
	ws_peer_wait
	assertEquals "short form: path" "path /" "$(grep '^path' \
	    "$SC_TMP/q.out")"

	t 5 "$SC" "ws+unix://" </dev/null >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
	assertEquals "no path: status" 1 $?
	assertEquals "no path: said" "sockcat: invalid URL: no socket path \
(ws+unix:///path/to/socket:/path)" "$(<"$SC_TMP/e.err")"

	export NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs
	if ! node -e 'require("ws")' 2>/dev/null; then
		echo "node's ws not installed: skipping its part" >&2
		startSkipping
	fi
	server s -l -U --websocket -e cat "$SC_TMP/sc.sock" ||
	    fail "no server"
	t 20 node "${TESTS_DIR:-$(dirname "$0")}/wsclient.js" \
	    "ws+unix://$SC_TMP/sc.sock:/node?y=2" \
	    "t:from node" r:1 close >"$SC_TMP/n.out" 2>"$SC_TMP/n.err"
	assertEquals "node: status" 0 $?
	assertEquals "node: events" "open
text from node
close 1000" "$(<"$SC_TMP/n.out")"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertContains "$(<"$SC_TMP/s.err")" "WebSocket upgrade of /node?y=2"
}

test_client_64mib_each_way() {
	head -c 67108864 /dev/urandom >"$SC_TMP/big"
	want=$($SHA256 <"$SC_TMP/big" | cut -c1-64)
	ws_peer p serve sink
	t 60 "$SC" -N --ws-binary "ws://127.0.0.1:$WPORT/" <"$SC_TMP/big" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "upload status" 0 $?
	ws_peer_wait
	assertEquals "upload sha256" "sha256 $want" \
	    "$(grep '^sha256' "$SC_TMP/p.out")"
	assertEquals "upload bytes" "bytes 67108864" \
	    "$(grep '^bytes' "$SC_TMP/p.out")"

	ws_peer q serve source 67108864
	t 60 "$SC" -d --ws-binary "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "download status" 0 $?
	ws_peer_wait
	assertEquals "download sha256" \
	    "$(sed -n 's/^sha256 //p' "$SC_TMP/q.out")" \
	    "$($SHA256 <"$SC_TMP/d.out" | cut -c1-64)"
}

test_client_bad_upgrades() {
	for kind in badaccept 404 no101; do
		ws_peer "p$kind" serve "$kind"
		t 20 "$SC" "ws://127.0.0.1:$WPORT/" </dev/null \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "$kind: status" 1 $?
		assertEquals "$kind: no output" "" "$(<"$SC_TMP/c.out")"
		case $kind in
		badaccept) line='HTTP/1.1 101 Switching Protocols .wrong Sec-WebSocket-Accept' ;;
		404) line='HTTP/1.1 404 Not Found' ;;
		no101) line='HTTP/1.1 200 OK' ;;
		esac
		grep -Eq "WebSocket upgrade failed: $line" "$SC_TMP/c.err" ||
		    fail "$kind: $(<"$SC_TMP/c.err")"
		ws_peer_wait
	done
}

test_client_bad_utf8_and_oversize() {
	ws_peer p serve badutf8
	t 20 "$SC" -v -d "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	ws_peer_wait
	grep -q '^closed 1007$' "$SC_TMP/p.out" ||
	    fail "utf-8: $(<"$SC_TMP/p.out")"
	grep -q 'WebSocket: a text message that is not UTF-8; closing with 1007' \
	    "$SC_TMP/c.err" || fail "no -v line: $(<"$SC_TMP/c.err")"

	ws_peer q serve big 2000
	t 20 "$SC" -v -d --ws-max-message 1000 "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	ws_peer_wait
	grep -q '^closed 1009$' "$SC_TMP/q.out" ||
	    fail "size: $(<"$SC_TMP/q.out")"
	grep -q 'a message longer than 1000 bytes; closing with 1009' \
	    "$SC_TMP/d.err" || fail "no -v line: $(<"$SC_TMP/d.err")"
	assertEquals "nothing of it written" "" "$(<"$SC_TMP/d.out")"
}

test_server_stdio_text() {
	held_stdin s.fifo 8
	SERVER_STDIN=$SC_TMP/s.fifo server s -l -N --websocket 127.0.0.1 0 8>&- ||
	    fail "no server"
	ws_peer p client lines "$PORT" "line one|line two"
	wait_lines "$SC_TMP/s.out" '^line (one|two)$' 2 ||
	    fail "lines: $(cat "$SC_TMP/s.out" "$SC_TMP/p.err" "$SC_TMP/s.err")"
	echo "from stdin" >&8
	exec 8>&-
	ws_peer_wait
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "client got" "msg from stdin
closed 1000" "$(<"$SC_TMP/p.out")"
	grep -q 'WebSocket upgrade of /room' "$SC_TMP/s.err" || fail "-v"
}

# The same server written as an address pair, ws-l: with -, serves its
# client as -l --websocket does: a line per message (a text one or a
# binary one), a message per line.  It once wrote the messages' bytes
# run together, "text-msgsecond".
test_server_stdio_either_spelling() {
	local how i=0

	for how in "-l -N --websocket 127.0.0.1 0" "-N ws-l:127.0.0.1:0 -"; do
		i=$((i + 1))
		held_stdin s$i.fifo 8
		# shellcheck disable=SC2086
		SERVER_STDIN=$SC_TMP/s$i.fifo server s$i $how 8>&- ||
		    fail "no server: $how"
		ws_peer p$i client lines "$PORT" "text-msg|second|bin:raw bytes"
		wait_lines "$SC_TMP/s$i.out" '.' 3 ||
		    fail "$how: $(cat "$SC_TMP/s$i.out" "$SC_TMP/s$i.err")"
		printf 'from stdin\nand more\n' >&8
		exec 8>&-
		ws_peer_wait
		wait_exit "$SERVER_PID"
		assertEquals "$how: status" 0 "$WAIT_STATUS"
		assertEquals "$how: a line per message" "text-msg
second
raw bytes" "$(<"$SC_TMP/s$i.out")"
		assertEquals "$how: a message per line" "msg from stdin
msg and more
closed 1000" "$(<"$SC_TMP/p$i.out")"
	done
}

# --ws-server-header: lines of the 101 answer, as Python's websockets
# reads them, in order, after the protocol's own; bad ones refused.
test_server_reply_headers() {
	server s -l --websocket --ws-server-header "X-Served-By: sockcat" \
	    --ws-server-header "Set-Cookie: a=1; Path=/" 127.0.0.1 0 ||
	    fail "no server"
	ws_peer p client answer "$PORT"
	ws_peer_wait
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "the answer's headers" "header upgrade websocket
header connection Upgrade
header x-served-by sockcat
header set-cookie a=1; Path=/" "$(grep -v '^header sec-websocket' \
	    "$SC_TMP/p.out")"
	for bad in "no colon" ": no name" "$(printf 'X: a\r\nY: b')"; do
		t 5 "$SC" -l --websocket --ws-server-header "$bad" 0 \
		    >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
		assertEquals "$bad: status" 1 $?
		assertEquals "$bad: said" 1 "$(grep -c \
		    '^sockcat: ws-server-header invalid: [^ ]' "$SC_TMP/e.err")"
	done
	t 5 "$SC" --ws-server-header "X: y" ws://127.0.0.1:1/ \
	    >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
	assertEquals "a client: status" 1 $?
	assertContains "a client: said" "$(<"$SC_TMP/e.err")" \
	    "must use -l --websocket with"
}

# An IPv6 literal in a URL: in brackets, connected to, and named so in
# the request's Host (the server echoes it through CGI's HTTP_HOST).
test_ipv6_url() {
	server s -l --websocket -c 'echo "$HTTP_HOST"; exec cat' ::1 0 ||
	    fail "no server"
	echo "over IPv6" | t 20 "$SC" "ws://[::1]:$PORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "what came back" "[::1]:$PORT
over IPv6" "$(<"$SC_TMP/c.out")"
}

test_server_exec_fragments_ping_close() {
	server s -l --websocket -e cat 127.0.0.1 0 || fail "no server"
	ws_peer p client script "$PORT"
	ws_peer_wait
	assertEquals "client saw" "echo text one
echo fragmented
pong ok
closed 4000" "$(<"$SC_TMP/p.out")"
	wait_exit "$SERVER_PID"
	grep -q 'the peer closed with 4000: bye' "$SC_TMP/s.err" ||
	    fail "no close line: $(<"$SC_TMP/s.err")"
}

test_server_64mib_both_ways() {
	server s -l --websocket --ws-binary -e cat 127.0.0.1 0 ||
	    fail "no server"
	ws_peer p client stream "$PORT" 67108864
	ws_peer_wait
	sent=$(sed -n 's/^sent //p' "$SC_TMP/p.out")
	assertNotEquals "sent" "" "$sent"
	assertEquals "sha256 back" "$sent" "$(sed -n 's/^back //p' "$SC_TMP/p.out")"
}

# A compressed message inflates to megabytes from one packet: what the
# socket will not announce again is read all the same, every byte of it
# forwarded, not the first 4 MiB and then nothing until the next packet.
test_server_forward_inflates_whole_message() {
	server b -lk 127.0.0.1 0 -e /bin/cat || fail "no echo"
	bport=$PORT
	server s -lk --websocket --ws-binary --forward "127.0.0.1:$bport" \
	    127.0.0.1 0 || fail "no bridge"
	ws_peer p client zeros "$PORT" 16000000
	ws_peer_wait
	assertEquals "client got" "extensions permessage-deflate
back 16000000" "$(<"$SC_TMP/p.out")"
}

test_server_forward_bridge() {
	held_stdin o.fifo 8
	SERVER_STDIN=$SC_TMP/o.fifo server o -N -l 127.0.0.1 0 8>&- ||
	    fail "no origin"
	oport=$PORT
	opid=$SERVER_PID
	server s -l -k --websocket --forward "127.0.0.1:$oport" 127.0.0.1 0 \
	    8>&- || fail "no bridge"
	ws_peer p client lines "$PORT" "to the origin"
	wait_for "$SC_TMP/o.out" 'to the origin' || fail "not bridged"
	echo "back again" >&8
	exec 8>&-
	ws_peer_wait
	# The origin's end of file is the bridge's close.
	assertEquals "client got" "msg b'back again\\n'
closed 1000" "$(<"$SC_TMP/p.out")"
	# Its stdin done and its client gone, the origin ends.
	wait_exit "$opid"
	assertEquals "origin status" 0 "$WAIT_STATUS"
}

# Issue 52: a side that moves bytes (--ws-binary, an address pair's
# ws:// side) offers the subprotocol "binary", and a text-mode server
# then serves it bytes, not lines: nothing added, nothing taken out.
test_binary_side_through_text_server() {
	server s -lk --websocket -e /bin/cat 127.0.0.1 0 || fail "no server"
	sport=$PORT
	head -c 1000000 /dev/urandom >"$SC_TMP/r1m"
	t 30 "$SC" --ws-binary "ws://127.0.0.1:$sport/" <"$SC_TMP/r1m" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	assertEquals "--ws-binary status" 0 $?
	assertEquals "--ws-binary stderr" "" "$(<"$SC_TMP/b.err")"
	cmp "$SC_TMP/r1m" "$SC_TMP/b.out" ||
	    fail "--ws-binary: $(wc -c <"$SC_TMP/b.out") bytes back"
	grep -q 'WebSocket upgrade of /, subprotocol binary' "$SC_TMP/s.err" ||
	    fail "not agreed: $(<"$SC_TMP/s.err")"
	# The README's relay in front of the manual's echo server.
	server fw tcp-l:127.0.0.1:0 "ws://127.0.0.1:$sport/" || fail "no relay"
	printf 'l1\nl2\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/r.out" 2>"$SC_TMP/r.err"
	assertEquals "relay status" 0 $?
	assertEquals "relay stderr" "" "$(<"$SC_TMP/r.err")"
	assertEquals "through the relay" "$(printf 'l1\nl2\n.')" \
	    "$(cat "$SC_TMP/r.out"; echo .)"
}

# Issue 52: text mode makes the same messages of the same bytes, wherever
# reads end: a CR before the newline is dropped when the newline comes
# in the next read, and a line is one message whatever its parts turn
# out to be.  (The pauses make separate reads; a loaded machine that
# merged them would only make this test easier.)
test_text_lines_whatever_the_reads() {
	ws_peer p serve kinds
	{ printf 'ab\r'; sleep 0.3; printf '\ncd'; sleep 0.3
	  printf 'ef\ngh'; sleep 0.3; printf '\377\nlast'; } |
	    t 20 "$SC" -N "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	assertEquals "client output" "" "$(cat "$SC_TMP/c.out" "$SC_TMP/c.err")"
	ws_peer_wait
	assertEquals "what the peer got" "got text 'ab'
got text 'cdef'
got binary b'gh\\xff'
got text 'last'
closed 1000" "$(grep -v '^PORT ' "$SC_TMP/p.out")"
	# A program's output, the same way.
	server s -l --websocket -c "printf 'ab\\r'; sleep 0.3; printf '\\ncd';
	    sleep 0.3; printf 'ef\\ngh'; sleep 0.3; printf '\\377\\nlast'" \
	    127.0.0.1 0 || fail "no server"
	ws_peer q client say "$PORT" hi
	ws_peer_wait
	assertEquals "what the client got" "msg ab
msg cdef
msg b'gh\\xff'
msg last
closed 1000" "$(<"$SC_TMP/q.out")"
}

test_server_oversize() {
	server s -l -k --websocket --ws-max-message 1000 -e cat 127.0.0.1 0 ||
	    fail "no server"
	ws_peer p client big "$PORT" 2000
	ws_peer_wait
	assertEquals "close code" "closed 1009" "$(<"$SC_TMP/p.out")"
	grep -q 'a message longer than 1000 bytes; closing with 1009' \
	    "$SC_TMP/s.err" || fail "no -v line"
}

test_server_hostile_frames() {
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	held_stdin tcp.fifo 8
	bg_in "$SC_TMP/tcp.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tcp.out" 2>"$SC_TMP/tcp.err"
	# A plain member joins with its first bytes (/who: none here).
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	for c in unmasked:1002 len63:1002 bigctrl:1002 fragctrl:1002 \
	    badutf8:1007 reserved:1002; do
		t 20 python3 "$WSPEER" raw "${c%%:*}" "$PORT" >"$SC_TMP/r.out"
		assertEquals "${c%%:*}" "status HTTP/1.1 101 Switching Protocols
close ${c#*:}" "$(<"$SC_TMP/r.out")"
	done
	grep -q 'unmasked frame from a client; closing with 1002' \
	    "$SC_TMP/s.err" || fail "-v: $(<"$SC_TMP/s.err")"
	grep -q 'frame length over 2^63; closing with 1002' "$SC_TMP/s.err" ||
	    fail "-v 2^63"
	grep -q 'control frame longer than 125 bytes; closing with 1002' \
	    "$SC_TMP/s.err" || fail "-v control"
	grep -q 'fragmented control frame; closing with 1002' \
	    "$SC_TMP/s.err" || fail "-v fragmented"
	# Everyone else is still served.
	ws_peer p client hello "$PORT" Welcome
	ws_peer_wait
	grep -q '^msg <announce> Welcome to the room' "$SC_TMP/p.out" ||
	    fail "no welcome: $(<"$SC_TMP/p.out")"
	echo "still here" >&8
	still_running "$SERVER_PID" 0.2 || fail "server ended"
	exec 8>&-
}

test_room_two_websocket_one_tcp() {
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	held_stdin tcp.fifo 8
	bg_in "$SC_TMP/tcp.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tcp.out" 2>"$SC_TMP/tcp.err"
	# A plain member joins with its first bytes (/who: none here).
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	ws_peer a client roomie "$PORT" "hello from A"
	apid=$PEER_PID
	wait_lines "$SC_TMP/tcp.out" 'is connected as' 1 || fail "A"
	ws_peer b client roomie "$PORT" "hello from B"
	bpid=$PEER_PID
	wait_lines "$SC_TMP/tcp.out" 'is connected as' 2 || fail "B"
	echo "hello from tcp" >&8
	wait_exit "$apid" 65
	wait_exit "$bpid" 65
	wait_lines "$SC_TMP/tcp.out" '^<user[23]> hello from [AB]$' 2 ||
	    fail "tcp saw: $(<"$SC_TMP/tcp.out")"
	grep -q '^msg <user1> hello from tcp$' "$SC_TMP/a.out" ||
	    fail "A saw: $(<"$SC_TMP/a.out")"
	grep -q '^msg <user3> hello from B$' "$SC_TMP/a.out" ||
	    fail "A did not see B: $(<"$SC_TMP/a.out")"
	grep -q '^msg <user2> hello from A$' "$SC_TMP/b.out" ||
	    fail "B did not see A: $(<"$SC_TMP/b.out")"
	grep -q '^msg <user1> hello from tcp$' "$SC_TMP/b.out" ||
	    fail "B saw: $(<"$SC_TMP/b.out")"
	exec 8>&-
}

test_wss_verify_and_pin() {
	sc_have_tls || startSkipping
	mkdir -p "$SC_TMP/certs"
	make_certs "$SC_TMP/certs" || fail "no certificates"
	server s -l -k --websocket --ssl-cert "$SC_TMP/certs/srv.pem" \
	    --ssl-key "$SC_TMP/certs/srv.key" -e cat 127.0.0.1 0 ||
	    fail "no server"
	# Python's client verifies sockcat's server ...
	WSPEER_CA=$SC_TMP/certs/ca.pem ws_peer p client script "$PORT"
	ws_peer_wait
	grep -q '^echo fragmented$' "$SC_TMP/p.out" ||
	    fail "wss client: $(<"$SC_TMP/p.out") $(<"$SC_TMP/p.err")"
	# ... and sockcat's client verifies, or pins, the same server.
	client c -N --ssl-verify --ssl-trustfile "$SC_TMP/certs/ca.pem" \
	    "wss://localhost:$PORT/"
	echo verified >&7
	wait_for "$SC_TMP/c.out" '^verified$' || fail "verify: $(<"$SC_TMP/c.err")"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "verified status" 0 "$WAIT_STATUS"
	pin=$(openssl x509 -in "$SC_TMP/certs/srv.pem" -noout -fingerprint \
	    -sha256 | sed 's/.*=//')
	client d -N --ssl-pin "$pin" "wss://127.0.0.1:$PORT/"
	echo pinned >&7
	wait_for "$SC_TMP/d.out" '^pinned$' || fail "pin: $(<"$SC_TMP/d.err")"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "pinned status" 0 "$WAIT_STATUS"
	# A wrong pin is refused before any upgrade (its last byte changed:
	# one certificate in 256 ends in 00).
	wrong=${pin%??}00
	[ "$wrong" = "$pin" ] && wrong=${pin%??}01
	t 20 "$SC" --ssl-pin "$wrong" "wss://127.0.0.1:$PORT/" \
	    </dev/null >"$SC_TMP/e.out" 2>"$SC_TMP/e.err"
	assertEquals "wrong pin" 1 $?
}

# A self-signed wss:// server: the refusal names the ways out, in one
# line; --insecure (websocat's and curl's spelling of --ws-insecure) is
# one of them.
test_wss_self_signed_names_the_way_out() {
	sc_have_tls || startSkipping
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$SC_TMP/self.key" -out "$SC_TMP/self.pem" -days 2 \
	    -subj /CN=localhost 2>/dev/null || fail "no certificate"
	WSPEER_CERT=$SC_TMP/self.pem WSPEER_KEY=$SC_TMP/self.key \
	    ws_peer p serve echo
	echo refused | t 20 "$SC" "wss://localhost:$WPORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "refused: status" 1 $?
	assertEquals "refused: stdout" "" "$(<"$SC_TMP/c.out")"
	assertEquals "refused: stderr" "sockcat: TLS certificate verification \
failed: self-signed certificate (--ws-insecure accepts any certificate, \
--ssl-trustfile FILE trusts its CA)" "$(<"$SC_TMP/c.err")"
	client d -N --insecure "wss://localhost:$WPORT/"
	echo accepted >&7
	wait_for "$SC_TMP/d.out" '^accepted$' || fail "--insecure: $(<"$SC_TMP/d.err")"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "--insecure: status" 0 "$WAIT_STATUS"
	assertEquals "--insecure: stderr" "" "$(<"$SC_TMP/d.err")"
	ws_peer_wait
	# Either spelling, trusting the issuer instead: no refusal.
	WSPEER_CERT=$SC_TMP/self.pem WSPEER_KEY=$SC_TMP/self.key \
	    ws_peer q serve echo
	client e -N --ssl-trustfile "$SC_TMP/self.pem" "wss://localhost:$WPORT/"
	echo trusted >&7
	wait_for "$SC_TMP/e.out" '^trusted$' || fail "trusted: $(<"$SC_TMP/e.err")"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "trusted: status" 0 "$WAIT_STATUS"
	ws_peer_wait
}

test_through_socks5_and_http_proxies() {
	ws_peer p serve echo
	server x5 -l -k --proxy-type socks5 127.0.0.1 0 || fail "no socks"
	p5=$PORT
	server xh -l -k --proxy-type http 127.0.0.1 0 || fail "no http"
	ph=$PORT
	client c -N -x "127.0.0.1:$p5" -X 5 "ws://127.0.0.1:$WPORT/"
	echo "via socks" >&7
	wait_for "$SC_TMP/c.out" '^via socks$' || fail "socks: $(<"$SC_TMP/c.err")"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "socks status" 0 "$WAIT_STATUS"
	ws_peer_wait
	ws_peer q serve echo
	client d -N -x "127.0.0.1:$ph" -X connect "ws://127.0.0.1:$WPORT/"
	echo "via http" >&7
	wait_for "$SC_TMP/d.out" '^via http$' || fail "http: $(<"$SC_TMP/d.err")"
	exec 7>&-
	wait_exit "$CLIENT_PID"
	assertEquals "http status" 0 "$WAIT_STATUS"
}

test_command_line() {
	expect_error "must use -l with --websocket (a client takes a ws:// URL)" \
	    --websocket 127.0.0.1 80
	expect_error "must use --websocket, a ws:// URL or a ws:// address with --ws-* options" \
	    --ws-binary 127.0.0.1 80
	expect_error "--websocket takes no -u" \
	    -l -u --websocket 0
	# A text message is a line without its end: -C would change nothing.
	expect_error "-C ends lines with CRLF, and a WebSocket text message is a line without its end: use --ws-binary to send the bytes" \
	    -C ws://127.0.0.1:80/
	expect_error "-C ends lines with CRLF, and a WebSocket text message is a line without its end: use --ws-binary to send the bytes" \
	    -l -C --websocket 0
	# A slash short: a URL meant, not a host name without a port.
	expect_error "invalid URL: ws:/127.0.0.1:80/x: did you mean ws://127.0.0.1:80/x?" \
	    ws:/127.0.0.1:80/x
	expect_error "invalid URL: wss:host: did you mean wss://host?" wss:host
}

test_browser_joins_room() {
	browser=$(command -v chromium || command -v chromium-browser)
	if [ -z "$browser" ]; then
		echo "chromium not installed: skipping the browser" >&2
		startSkipping
		return
	fi
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	held_stdin tcp.fifo 8
	bg_in "$SC_TMP/tcp.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tcp.out" 2>"$SC_TMP/tcp.err"
	# A plain member joins with its first bytes (/who: none here).
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	# The page joins, says a line, and says again every line that
	# mentions the plain client, so that the plain client sees it came.
	cat >"$SC_TMP/page.html" <<EOF
<html><body><script>
var ws = new WebSocket("ws://127.0.0.1:$PORT/");
ws.onopen = function () { ws.send("hello from the browser"); };
ws.onmessage = function (e) {
	if (e.data.indexOf("from tcp") >= 0)
		ws.send("the browser got: " + e.data);
};
</script></body></html>
EOF
	bg t 60 "$browser" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$SC_TMP/chromium" "file://$SC_TMP/page.html" \
	    >"$SC_TMP/browser.out" 2>"$SC_TMP/browser.err"
	bpid=$BG_PID
	wait_for "$SC_TMP/tcp.out" '^<user2> hello from the browser$' 60 ||
	    fail "browser line: $(<"$SC_TMP/tcp.out")"
	echo "hello from tcp" >&8
	wait_for "$SC_TMP/tcp.out" \
	    '^<user2> the browser got: <user1> hello from tcp$' ||
	    fail "the page did not get the line: $(<"$SC_TMP/tcp.out")"
	stop "$bpid"
	wait_exit "$bpid" 65
	exec 8>&-
}

. "$SHUNIT2"
