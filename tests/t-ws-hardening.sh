#!/bin/bash
# WebSocket servers and clients used as people use them, and as an
# adversary would: curl and raw HTTP/1.0 against every --websocket server
# mode (each must answer, keep running and serve the next proper client),
# a client that resets with data unread, binary messages echoed by a
# text-mode program, bytes that are not UTF-8 relayed to WebSocket
# members, a bridge whose target is down, peers that close with an error,
# wss:// verification, a URL that would inject headers or carries a
# password, escape sequences from peers, a full server, how many writes
# a text stream takes, upgrades that stall or never end their header,
# requests too long to send, and a member streaming empty frames, which
# must hold no other member back.  The independent peers are curl and
# Python's websockets (tests/wspeer.py).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require_websockets
sc_require curl

# The peers print what they get as UTF-8, whatever the locale.
export PYTHONIOENCODING=utf-8

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
	endSkipping
}

# has_esc FILE: does FILE hold an ESC or BEL byte?
has_esc() {
	LC_ALL=C grep -q "$(printf '[\033\007]')" "$1"
}

# real_clients: curl's GET, HEAD, POST, HTTP/2 and HTTP/1.0 against the
# --websocket server on PORT (PID SERVER_PID, stderr in s.err), which
# must answer and keep running; the caller then serves a WebSocket
# client.  $1 is the mode: "room" serves its page at "/", the others
# ask for an upgrade (426); HEAD is answered as GET is, other methods 405.
real_clients() {
	want=426
	[ "$1" = room ] && want=200
	code=$(t 20 curl -s -o "$SC_TMP/get.body" -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/")
	assertEquals "curl GET" $want "$code"
	if [ "$1" = room ]; then
		grep -q 'new WebSocket' "$SC_TMP/get.body" ||
		    fail "GET body: $(<"$SC_TMP/get.body")"
	else
		grep -q 'no Upgrade: websocket' "$SC_TMP/get.body" ||
		    fail "GET body: $(<"$SC_TMP/get.body")"
	fi
	code=$(t 20 curl -s -I -o /dev/null -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/")
	assertEquals "curl HEAD" $want "$code"
	code=$(t 20 curl -s -d x -o /dev/null -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/")
	assertEquals "curl POST" 405 "$code"
	# HTTP/2 with prior knowledge: no HTTP/1.1 GET, answered or not.
	t 20 curl -s -m 5 --http2-prior-knowledge "http://127.0.0.1:$PORT/" \
	    >/dev/null 2>&1
	printf 'GET / HTTP/1.0\r\nHost: x\r\n\r\n' | t 20 "$SC" -N 127.0.0.1 \
	    "$PORT" >"$SC_TMP/h10.out" 2>"$SC_TMP/h10.err"
	if [ "$1" = room ]; then
		assertEquals "HTTP/1.0: the answer" "HTTP/1.1 200 OK" \
		    "$(head -n 1 "$SC_TMP/h10.out" | tr -d '\r')"
	else
		assertEquals "HTTP/1.0: the answer" \
		    "HTTP/1.1 400 Bad Request" \
		    "$(head -n 1 "$SC_TMP/h10.out" | tr -d '\r')"
		grep -q '^not HTTP/1.1$' "$SC_TMP/h10.out" ||
		    fail "HTTP/1.0 body: $(<"$SC_TMP/h10.out")"
	fi
	still_running "$SERVER_PID" 0.2 ||
	    fail "the server ended: $(<"$SC_TMP/s.err")"
	if grep -Eq 'double free|AddressSanitizer|runtime error' \
	    "$SC_TMP/s.err"; then
		fail "server: $(<"$SC_TMP/s.err")"
	fi
}

test_refused_upgrades_keep_every_mode_serving() {
	# -lk -e: the next client gets its echo.
	server s -lk --websocket -e /bin/cat 127.0.0.1 0 || fail "no server"
	real_clients plain
	ws_peer p client lines "$PORT" "still served"
	wait_for "$SC_TMP/p.out" '^msg still served$' ||
	    fail "-e: $(cat "$SC_TMP/p.out" "$SC_TMP/s.err")"
	stop "$PEER_PID"
	stop "$SERVER_PID"

	# --broker and --room: the next client is relayed to, or welcomed.
	for mode in --broker --room; do
		server s "$mode" --websocket 127.0.0.1 0 || fail "no $mode"
		real_clients "${mode#--}"
		ws_peer p client say "$PORT" "hello after curl"
		ppid=$PEER_PID
		ws_peer q client until "$PORT" "from the other"
		wait_until lines_at_least "$SC_TMP/s.err" \
		    'WebSocket upgrade of' 2 || fail "$mode: no second client"
		echo "from the other" | t 20 "$SC" -N \
		    "ws://127.0.0.1:$PORT/" >/dev/null 2>&1
		ws_peer_wait
		grep -q 'from the other' "$SC_TMP/q.out" ||
		    fail "$mode: $(cat "$SC_TMP/q.out" "$SC_TMP/s.err")"
		stop "$ppid"
		stop "$SERVER_PID"
	done

	# --forward: the next client reaches the target.
	held_stdin o.fifo 8
	SERVER_STDIN=$SC_TMP/o.fifo server o -lk 127.0.0.1 0 8>&- ||
	    fail "no target"
	oport=$PORT
	server s -lk --websocket --forward "127.0.0.1:$oport" 127.0.0.1 0 \
	    8>&- || fail "no bridge"
	real_clients plain
	ws_peer p client lines "$PORT" "to the target"
	wait_for "$SC_TMP/o.out" 'to the target' ||
	    fail "--forward: $(cat "$SC_TMP/o.out" "$SC_TMP/s.err")"
	exec 8>&-
}

# A client that resets with a program's output unread, after sending more
# than the program's pipe holds (it never reads), ends the session as a
# reset ends it over TCP: the server exits, its program too.
test_reset_ends_session() {
	server s -l --websocket -c yes 127.0.0.1 0 || fail "no server"
	t 20 python3 "$WSPEER" reset "$PORT" >"$SC_TMP/r.out" 2>"$SC_TMP/r.err"
	assertEquals "the peer" "status HTTP/1.1 101 Switching Protocols
reset" "$(<"$SC_TMP/r.out")"
	wait_exit "$SERVER_PID" 20 || fail "the session hangs after a reset"
	grep -q 'Connection reset by peer' "$SC_TMP/s.err" ||
	    fail "not said: $(<"$SC_TMP/s.err")"
}

# A text-mode program echoing binary messages: what is not UTF-8 comes
# back as a binary message, never as an invalid text message, and the
# session ends normally.
test_echoed_binary_stays_valid() {
	server s -lk --websocket -e /bin/cat 127.0.0.1 0 || fail "no server"
	ws_peer p client kinds "$PORT"
	ws_peer_wait
	assertEquals "the kinds back" "binary b'\\xff\\xfe\\x00bin'
text 'héllo €'
text 'plain'
closed 1000" "$(<"$SC_TMP/p.out")"
}

# stdin's lines that are not UTF-8 go as binary messages: the peer takes
# them all, and the client exits 0.
test_client_sends_non_utf8_as_binary() {
	ws_peer p serve kinds
	printf 'ok\n\377\376 latin\nb\303\251\n' | t 20 "$SC" -N \
	    "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	assertEquals "client stderr" "" "$(<"$SC_TMP/c.err")"
	ws_peer_wait
	assertEquals "what the peer got" "got text 'ok'
got binary b'\\xff\\xfe latin'
got text 'bé'
closed 1000" "$(grep -v '^PORT ' "$SC_TMP/p.out")"
}

# A client that drops a message (a text message that is not UTF-8)
# says so without -v and exits 1, --ws-binary or not.
test_client_protocol_error_exits_1() {
	for mode in --ws-binary --ws-max-message=1000000; do
		ws_peer p serve badutf8
		t 20 "$SC" -d "$mode" "ws://127.0.0.1:$WPORT/" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "$mode: status" 1 $?
		assertEquals "$mode: stderr" "sockcat: read from network: WebSocket: a text message that is not UTF-8; closed with 1007" \
		    "$(<"$SC_TMP/c.err")"
		assertEquals "$mode: stdout" "" "$(<"$SC_TMP/c.out")"
		ws_peer_wait
		grep -q '^closed 1007$' "$SC_TMP/p.out" ||
		    fail "$mode: $(<"$SC_TMP/p.out")"
	done
}

# A peer that closes with an error code (1011): said, status 1.
test_peer_error_close_exits_1() {
	ws_peer p serve close1011
	t 20 "$SC" -d "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	assertEquals "stderr" "sockcat: read from network: WebSocket: the peer closed with 1011: boom" \
	    "$(<"$SC_TMP/c.err")"
	ws_peer_wait
}

# A bridge whose target is down gives its client no empty session: a
# close 1011 that sockcat's client reports, and Python's sees.
test_bridge_target_down() {
	closed=$(free_port)
	server s -lk --websocket --forward "127.0.0.1:$closed" 127.0.0.1 0 ||
	    fail "no bridge"
	# stdin held: its end would be the client's close, which the bridge
	# answers at once, before its target has refused.
	held_stdin c.in 7
	bg_in "$SC_TMP/c.in" t 20 "$SC" "ws://127.0.0.1:$PORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	cpid=$BG_PID
	echo hi >&7
	wait_exit "$cpid"
	exec 7>&-
	assertEquals "status" 1 "$WAIT_STATUS"
	assertEquals "stderr" "sockcat: read from network: WebSocket: the peer closed with 1011: no target accepted" \
	    "$(<"$SC_TMP/c.err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/c.out")"
	ws_peer p client lines "$PORT" "anyone"
	ws_peer_wait
	assertEquals "python" "closed 1011" "$(<"$SC_TMP/p.out")"
}

# A room relays a TCP member's line that is not UTF-8, and a long line of
# many-byte characters it cuts, to WebSocket members as valid text: none
# of them is thrown out (1007).
test_room_text_stays_utf8() {
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	ws_peer a client until "$PORT" "the end"
	apid=$PEER_PID
	wait_for "$SC_TMP/s.err" 'WebSocket upgrade of' || fail "no member"
	euros=$(python3 -c 'print("\u20ac" * 2000)')
	ws_peer b client say "$PORT" "$euros"
	bpid=$PEER_PID
	wait_for "$SC_TMP/b.out" 'only its first 4096 were relayed' ||
	    fail "no cut: $(<"$SC_TMP/b.out")"
	printf 'bad \377 byte\nthe end\n' | t 20 "$SC" -N 127.0.0.1 \
	    "$PORT" >/dev/null 2>&1
	wait_exit "$apid" 65
	want="<user2> $(python3 -c 'print("\u20ac" * 1365)')"
	grep -qxF "msg $want" "$SC_TMP/a.out" ||
	    fail "the cut line: $(grep -c . "$SC_TMP/a.out")"
	grep -qxF 'msg <user3> bad \xff byte' "$SC_TMP/a.out" ||
	    fail "the bad line: $(<"$SC_TMP/a.out")"
	grep -qxF 'msg <user3> the end' "$SC_TMP/a.out" ||
	    fail "thrown out: $(tail -n 3 "$SC_TMP/a.out")"
	stop "$bpid"
}

# --broker --websocket: a member's unfinished line waits for its end; it
# does not swallow another member's message.
test_broker_unfinished_line() {
	server s --broker --monitor --websocket 127.0.0.1 0 || fail "no server"
	ws_peer b client until "$PORT" "ial"
	bpid=$PEER_PID
	wait_for "$SC_TMP/s.err" 'WebSocket upgrade of' || fail "no member"
	held_stdin tcp.fifo 8
	bg_in "$SC_TMP/tcp.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tcp.out" 2>"$SC_TMP/tcp.err"
	printf 'first\npart' >&8
	wait_for "$SC_TMP/s.out" '^first' || fail "first line"
	echo "hello" | t 20 "$SC" -N "ws://127.0.0.1:$PORT/" \
	    >/dev/null 2>&1
	wait_for "$SC_TMP/b.out" 'hello' || fail "no hello"
	printf 'ial\n' >&8
	wait_exit "$bpid" 65
	assertEquals "what the member got" "msg first
msg hello
msg partial" "$(<"$SC_TMP/b.out")"
	exec 8>&-
}

# EMPTYFLOOD WSPEER PORT: two plain members of the broker at PORT, b and
# c; then a WebSocket member that begins a message and streams empty
# continuation frames (which carry nothing) as fast as it can for 15
# seconds (wspeer.py flood).  Each of b's ten lines meanwhile must reach
# c within 3 seconds: reading those frames must not hold the server from
# its other members.  (A server that reads them all at once holds its
# members only while the flood outpaces its reading: not every line is
# late then, and in about one run of six none is; t-relay-ws's ping
# flood catches such a server every time.)
EMPTYFLOOD='
import socket, subprocess, sys, time
wspeer, port = sys.argv[1], int(sys.argv[2])
def plain(first):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(first)
    return s
def until(s, text, limit):
    got, end = b"", time.monotonic() + limit
    while text not in got:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            more = s.recv(65536)
        except socket.timeout:
            return False
        if not more:
            return False
        got += more
    return True
b = plain(b"b is here\n")
c = plain(b"c is here\n")
if not until(b, b"c is here", 20):
    sys.exit("no members")
f = subprocess.Popen([sys.executable, wspeer, "flood", str(port),
    "028000000000", "008000000000"], stdout=subprocess.PIPE)
if f.stdout.readline() != b"flooding\n":
    sys.exit("no flood")
late = [i for i in range(10)
    if b.sendall(b"mark%d\n" % i) or not until(c, b"mark%d\n" % i, 3)]
f.kill()
f.wait()
print("late:", late)
'

test_empty_frames_hold_no_one() {
	server s --broker --websocket 127.0.0.1 0 || fail "no server"
	t 60 python3 -c "$EMPTYFLOOD" "$WSPEER" "$PORT" >"$SC_TMP/py.out" \
	    2>"$SC_TMP/py.err"
	assertEquals "python: $(cat "$SC_TMP/py.err")" 0 $?
	assertEquals "each line in time" "late: []" "$(<"$SC_TMP/py.out")"
}

# A WebSocket client turned away by --max-conns gets HTTP 503; a plain
# client of the room still gets the room's line, also one that says
# nothing; a server of programs answers 503 alone.
test_max_conns_503() {
	server s --room --websocket --max-conns 1 127.0.0.1 0 ||
	    fail "no server"
	held_stdin tcp.fifo 8
	bg_in "$SC_TMP/tcp.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tcp.out" 2>"$SC_TMP/tcp.err"
	# A plain member joins with its first bytes (/who: none here).
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "first not welcome"
	t 20 python3 "$WSPEER" upgrade "$PORT" / >"$SC_TMP/u.out" \
	    2>"$SC_TMP/u.err"
	assertEquals "the WebSocket client" \
	    "status HTTP/1.1 503 Service Unavailable" "$(<"$SC_TMP/u.out")"
	code=$(t 20 curl -s -o "$SC_TMP/full.body" -w '%{http_code}' \
	    -H 'Upgrade: websocket' -H 'Connection: Upgrade' \
	    "http://127.0.0.1:$PORT/")
	assertEquals "curl" 503 "$code"
	echo "hi" | t 20 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/p.out" \
	    2>/dev/null
	grep -q 'the server is full (1 connection)' "$SC_TMP/p.out" ||
	    fail "plain: $(<"$SC_TMP/p.out")"
	# A plain client that says nothing is told after a second of it.
	held_stdin quiet.fifo 7
	bg_in "$SC_TMP/quiet.fifo" t 20 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/q.out" 2>"$SC_TMP/q.err"
	wait_for "$SC_TMP/q.out" 'the server is full \(1 connection\)' ||
	    fail "silent: $(<"$SC_TMP/q.out")"
	exec 7>&- 8>&-
	# A --websocket server of one program at a time says 503 alone.
	stop "$SERVER_PID"
	server e -lk --websocket --max-conns 1 -e cat 127.0.0.1 0 ||
	    fail "no server"
	held_stdin ws.fifo 8
	bg_in "$SC_TMP/ws.fifo" t 60 "$SC" -N "ws://127.0.0.1:$PORT/" \
	    >"$SC_TMP/ws.out" 2>"$SC_TMP/ws.err"
	echo "in" >&8
	wait_for "$SC_TMP/ws.out" '^in$' || fail "first not served"
	t 20 python3 "$WSPEER" upgrade "$PORT" / >"$SC_TMP/u2.out" \
	    2>"$SC_TMP/u2.err"
	assertEquals "the second WebSocket client" \
	    "status HTTP/1.1 503 Service Unavailable" "$(<"$SC_TMP/u2.out")"
	exec 8>&-
}

# A URL's path cannot add headers: controls and spaces go as %XX.
test_url_path_cannot_inject() {
	ws_peer p serve capture
	t 20 "$SC" $'ws://127.0.0.1:'"$WPORT"$'/x\r\nEvil: 1 y' </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	ws_peer_wait
	assertEquals "request line" "line b'GET /x%0D%0AEvil:%201%20y HTTP/1.1'" \
	    "$(grep '^line' "$SC_TMP/p.out")"
	grep -qi '^header evil' "$SC_TMP/p.out" &&
	    fail "a header was injected: $(<"$SC_TMP/p.out")"
	return 0
}

# ws://user:pass@host/ sends Basic credentials; the password is never in
# a message.
test_url_userinfo() {
	ws_peer p serve capture
	t 20 "$SC" "ws://us%40er:s3cret@127.0.0.1:$WPORT/" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	ws_peer_wait
	assertEquals "credentials" "header authorization Basic $(printf 'us@er:s3cret' | base64)" \
	    "$(grep '^header authorization' "$SC_TMP/p.out")"
	grep -q s3cret "$SC_TMP/c.err" && fail "echoed: $(<"$SC_TMP/c.err")"
	grep -q 'WebSocket upgrade failed: HTTP/1.1 404 Not Found' \
	    "$SC_TMP/c.err" || fail "$(<"$SC_TMP/c.err")"
	t 5 "$SC" "ws://user:s3cret%zz@127.0.0.1:1/" </dev/null \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "bad escape: status" 1 $?
	assertEquals "bad escape: stderr" \
	    "sockcat: invalid URL: bad user information" "$(<"$SC_TMP/d.err")"
}

# An address pair's ws:// side with a password: the credentials go, and
# the command line ps(1) shows keeps the rest of the URL, so that pgrep -f
# finds it, with the password blanked.
test_pair_url_password_hidden() {
	ws_peer p serve capture
	server pr tcp-l:127.0.0.1:0 "ws://us:s3cret@127.0.0.1:$WPORT/x" ||
	    fail "no pair"
	pid=$(pgrep -f "^$SC -v tcp-l:127.0.0.1:0 ws://us:\*\*\*\*\*\*@127.0.0.1:$WPORT/x\$")
	assertNotNull "pgrep -f finds the URL: $(pgrep -af "^$SC -v tcp-l")" "$pid"
	echo hi | t 20 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	ws_peer_wait
	assertEquals "credentials" "header authorization Basic $(printf 'us:s3cret' | base64)" \
	    "$(grep '^header authorization' "$SC_TMP/p.out")"
	# Nor does -v say it, where it names the target (the capture ends
	# the upgrade: the target is named in the failure).
	wait_for "$SC_TMP/pr.err" 'ws://us:' || fail "no -v line"
	assertContains "$(<"$SC_TMP/pr.err")" \
	    "ws://us:******@127.0.0.1:$WPORT/x"
	assertNotContains "$(<"$SC_TMP/pr.err")" "s3cret"
	stop "$SERVER_PID"
}

# Escape sequences from a peer never reach the operator's terminal: a
# request path in the server's -v line, a status line in the client's
# error.
test_peer_escapes_are_escaped() {
	server s -lk --websocket -e /bin/cat 127.0.0.1 0 || fail "no server"
	t 20 python3 "$WSPEER" upgrade "$PORT" $'/a\e]0;owned\a\e[2Jb' \
	    >"$SC_TMP/u.out" 2>"$SC_TMP/u.err"
	assertEquals "upgraded" "status HTTP/1.1 101 Switching Protocols" \
	    "$(<"$SC_TMP/u.out")"
	wait_for "$SC_TMP/s.err" 'WebSocket upgrade of' || fail "no -v line"
	grep -qF 'WebSocket upgrade of /a\x1b]0;owned\x07\x1b[2Jb' \
	    "$SC_TMP/s.err" || fail "server: $(cat -v "$SC_TMP/s.err")"
	has_esc "$SC_TMP/s.err" && fail "server: raw escapes"
	ws_peer p serve capture-esc
	t 20 "$SC" -v "ws://127.0.0.1:$WPORT/" </dev/null >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	ws_peer_wait
	grep -qF 'WebSocket upgrade failed: HTTP/1.1 404 \x1b]0;owned\x07\x1b[2JNot Found' \
	    "$SC_TMP/c.err" || fail "client: $(cat -v "$SC_TMP/c.err")"
	has_esc "$SC_TMP/c.err" && fail "client: raw escapes"
	return 0
}

# wss:// verifies the certificate and the name by default; --ws-insecure
# skips it; a trusted CA and the right name pass.
test_wss_verifies_by_default() {
	sc_have_tls || { sc_skip "TLS not built in"; return; }
	mkdir -p "$SC_TMP/certs"
	make_certs "$SC_TMP/certs" || fail "no certificates"
	server s -lk --websocket --ssl-cert "$SC_TMP/certs/self.pem" \
	    --ssl-key "$SC_TMP/certs/self.key" -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	echo "trusted?" | t 20 "$SC" -N "wss://localhost:$PORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "untrusted: status" 1 $?
	assertEquals "untrusted: nothing through" "" "$(<"$SC_TMP/c.out")"
	grep -qi 'certificate' "$SC_TMP/c.err" ||
	    fail "untrusted: $(<"$SC_TMP/c.err")"
	# The certificate trusted, but not for that name.
	echo "name?" | t 20 "$SC" -N --ssl-trustfile "$SC_TMP/certs/self.pem" \
	    "wss://127.0.0.1:$PORT/" >"$SC_TMP/n.out" 2>"$SC_TMP/n.err"
	assertEquals "wrong name: status" 1 $?
	assertEquals "wrong name: nothing through" "" "$(<"$SC_TMP/n.out")"
	echo "trusted" | t 20 "$SC" -N --ssl-trustfile \
	    "$SC_TMP/certs/self.pem" "wss://localhost:$PORT/" \
	    >"$SC_TMP/v.out" 2>"$SC_TMP/v.err"
	assertEquals "trusted: status" 0 $?
	assertEquals "trusted: echo" "trusted" "$(<"$SC_TMP/v.out")"
	echo "insecure" | t 20 "$SC" -N --ws-insecure \
	    "wss://localhost:$PORT/" >"$SC_TMP/i.out" 2>"$SC_TMP/i.err"
	assertEquals "--ws-insecure: status" 0 $?
	assertEquals "--ws-insecure: echo" "insecure" "$(<"$SC_TMP/i.out")"
	# An address pair's wss:// side takes --ws-insecure too.
	server pr --ws-insecure tcp-l:127.0.0.1:0 "wss://localhost:$PORT/" ||
	    fail "no pair: $(<"$SC_TMP/pr.err")"
	echo "paired" | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/pr.out2" 2>"$SC_TMP/pr.err2"
	assertEquals "pair --ws-insecure: echo" "paired" "$(<"$SC_TMP/pr.out2")"
	stop "$SERVER_PID"
	PORT=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' "$SC_TMP/s.err")
	# --ssl with a host and port keeps ncat's way: no verification.
	printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | t 20 "$SC" -N \
	    --ssl 127.0.0.1 "$PORT" >"$SC_TMP/l.out" 2>"$SC_TMP/l.err"
	grep -q '^HTTP/1.1 426' "$SC_TMP/l.out" ||
	    fail "--ssl: $(cat "$SC_TMP/l.out" "$SC_TMP/l.err")"
}

# Text mode sends the lines of one read together, not one send() each,
# and a client writes the messages of one read together.
test_text_lines_gathered() {
	sc_require strace
	# LeakSanitizer cannot work under ptrace.
	nolsan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	bg t 60 env ASAN_OPTIONS="$nolsan" strace -f -qq \
	    -e trace=sendto,write -o "$SC_TMP/trace" "$SC" -v -l --websocket \
	    -c 'seq 1 20000' 127.0.0.1 0 2>"$SC_TMP/s.err" >/dev/null
	spid=$BG_PID
	wait_for "$SC_TMP/s.err" '^Listening on ' ||
	    fail "no server: $(<"$SC_TMP/s.err")"
	port=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' \
	    "$SC_TMP/s.err")
	t 30 env ASAN_OPTIONS="$nolsan" strace -qq -e trace=write \
	    -o "$SC_TMP/ctrace" "$SC" -d "ws://127.0.0.1:$port/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	assertEquals "every line" 20000 "$(wc -l <"$SC_TMP/c.out")"
	assertEquals "the last" 20000 "$(tail -n 1 "$SC_TMP/c.out")"
	wait_exit "$spid" 30
	sends=$(grep -c 'sendto(' "$SC_TMP/trace")
	[ "$sends" -lt 1000 ] || fail "$sends sends for 20000 lines"
	# ... and the client writes them out a buffer at a time.
	writes=$(grep -c '^write(1,' "$SC_TMP/ctrace")
	[ "$writes" -lt 1000 ] || fail "$writes writes for 20000 lines"
}

# A message and the close after it, in one segment: the close is
# answered at once, as when it comes alone, not when the client gives up
# and drops the connection; the server then takes the next client.
test_close_after_data_answered() {
	server s -lk --websocket 127.0.0.1 0 || fail "no server"
	for n in 1 2; do
		t 20 python3 "$WSPEER" raw textclose "$PORT" >"$SC_TMP/r.out" \
		    2>"$SC_TMP/r.err"
		assertEquals "client $n: status" 0 $?
		assertEquals "client $n" "status HTTP/1.1 101 Switching Protocols
close 1000" "$(cat "$SC_TMP/r.out" "$SC_TMP/r.err")"
	done
	assertEquals "the server got" "hi
hi" "$(<"$SC_TMP/s.out")"
}

# A client that starts an upgrade and stalls is dropped at the deadline
# (-w), said on the server, which serves the next client: a request line
# alone to an echo server; a method cut short ("GE") to a broker, which
# takes plain clients too and so looks at a client's first bytes again
# until they tell.
test_stalled_upgrade_times_out() {
	for mode in "-e cat" --broker; do
		case $mode in
		--broker) first='GE' ;;
		*) first='GET / HTTP/1.1\r\n' ;;
		esac
		server s -lk --websocket -w 1 $mode 127.0.0.1 0 ||
		    fail "no server"
		held_stdin c.in 8
		bg_in "$SC_TMP/c.in" t 20 "$SC" 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		cpid=$BG_PID
		printf "$first" >&8
		# At -w's second, well before the default's ten.
		wait_for "$SC_TMP/s.err" '^sockcat: WebSocket upgrade timed out$' 7 ||
		    fail "$mode: not dropped: $(<"$SC_TMP/s.err")"
		# The server has closed: the client's own end is its last.
		exec 8>&-
		wait_exit "$cpid" 10 || fail "$mode: the client still connected"
		[ "$WAIT_STATUS" = 124 ] && fail "$mode: the client timed out"
		assertEquals "$mode: the client got" "" "$(<"$SC_TMP/c.out")"
		rm -f "$SC_TMP/c.in"
		if [ "$mode" != --broker ]; then
			echo "next" | t 20 "$SC" "ws://127.0.0.1:$PORT/" \
			    >"$SC_TMP/n.out" 2>"$SC_TMP/n.err"
			assertEquals "the next client" next "$(<"$SC_TMP/n.out")"
		fi
		still_running "$SERVER_PID" 0.1 || fail "$mode: the server ended"
		stop "$SERVER_PID"
	done
}

# An upgrade whose head passes 8 KiB without its end is refused, as the
# proxy server refuses one (431), and said; the server serves the next
# client.
test_upgrade_header_too_long() {
	server s -lk --websocket -e cat 127.0.0.1 0 || fail "no server"
	{
		printf 'GET / HTTP/1.1\r\nX-Long: '
		head -c 9000 /dev/zero | tr '\0' a
	} | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "the client got" \
	    "HTTP/1.1 431 Request Header Fields Too Large" \
	    "$(head -n 1 "$SC_TMP/c.out" | tr -d '\r')"
	wait_for "$SC_TMP/s.err" '^sockcat: WebSocket upgrade refused: request too large \(431\)$' ||
	    fail "not said: $(<"$SC_TMP/s.err")"
	echo "next" | t 20 "$SC" "ws://127.0.0.1:$PORT/" \
	    >"$SC_TMP/n.out" 2>"$SC_TMP/n.err"
	assertEquals "the next client" next "$(<"$SC_TMP/n.out")"
	stop "$SERVER_PID"
}

# A head that two readers could read apart (a folded line, a bare CR, a
# NUL, a line with no name) is refused with 400 and a line saying why,
# byte for byte as the HTTP proxy server refuses it; the WebSocket server
# serves the next client.
test_unsound_head_refused_as_the_proxy_does() {
	server s -lk --websocket -e cat 127.0.0.1 0 || fail "no server"
	WPORT=$PORT
	server px -l --proxy-type http 127.0.0.1 0 || fail "no proxy"
	for req in 'X-A: 1\r\n X-Folded: 2|folded header line' \
	    'X-A: 1\rX-B: 2|bare CR in request' \
	    'X-A: \0002|NUL in request' 'X-A 1|bad header line'; do
		why=${req#*|}
		for p in "$WPORT" "$PORT"; do
			printf "GET / HTTP/1.1\r\nHost: x\r\n${req%|*}\r\n\r\n" |
			    t 20 "$SC" -N 127.0.0.1 "$p" >"$SC_TMP/$p.out"
		done
		assertEquals "$why: the WebSocket server" "HTTP/1.1 400 Bad Request
Content-Type: text/plain; charset=utf-8
Content-Length: $((${#why} + 1))
Connection: close

$why" "$(tr -d '\r' <"$SC_TMP/$WPORT.out")"
		cmp -s "$SC_TMP/$WPORT.out" "$SC_TMP/$PORT.out" ||
		    fail "$why: the proxy server: $(<"$SC_TMP/$PORT.out")"
	done
	echo "next" | t 20 "$SC" "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/n.out" 2>"$SC_TMP/n.err"
	assertEquals "the next client" next "$(<"$SC_TMP/n.out")"
}

# An upgrade request that would not fit (--ws-header, --ws-protocol) is
# never sent in part: one line, status 1, nothing reaches the server.
test_client_request_too_long() {
	server s -lk 127.0.0.1 0 || fail "no server"
	long=$(printf 'p%.0s' $(seq 300))
	huge=$(printf 'h%.0s' $(seq 9000))
	for args in "--ws-binary --ws-protocol $long" \
	    "--ws-header X-Big:$huge" "--ws-protocol $huge"; do
		t 20 "$SC" $args "ws://127.0.0.1:$PORT/" </dev/null \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "${args:0:30}: status" 1 $?
		case $args in
		--ws-binary*) want="sockcat: WebSocket: --ws-protocol too long" ;;
		# Headers too long for any request are refused at once.
		--ws-header*) want="sockcat: ws-header: the headers are longer than 4096 bytes" ;;
		*) want="sockcat: WebSocket: upgrade request too long" ;;
		esac
		assertEquals "${args:0:30}" "$want" "$(<"$SC_TMP/c.err")"
		assertEquals "${args:0:30}: stdout" "" "$(<"$SC_TMP/c.out")"
	done
	stop "$SERVER_PID"
	assertEquals "the server got" "" "$(<"$SC_TMP/s.out")"
}

sc_run_shunit2
