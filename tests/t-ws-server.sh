#!/bin/bash
# A --websocket server a browser can use on its own: a client of a room or
# a broker told from a plain TCP member by its first bytes, or by a short
# silence (a listen-only member is greeted, counted and announced), the
# room's own page in a headless Chromium shared with a TCP member,
# --ws-static's files (types, lengths, HEAD, 405, every way of climbing
# out of the directory and symbolic links refused, dot-files absent but
# with --ws-static-dotfiles, sockets, FIFOs and devices absent and never
# opened), a page of --ws-static echoed through -e, --ws-allow-origin and
# --ws-path, the CGI variables of -c (SERVER_NAME from any Host), and
# --ws-framed both ways against Python's websockets.

: "${TESTS_DIR:=$(cd "$(dirname "$0")" && pwd)}"
. "$TESTS_DIR/lib.sh"

sc_require curl
if ! "${SC_PYTHON:-python3}" -S -c 'import sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets' 2>/dev/null; then
	echo "python3-websockets not installed: skipping" >&2
	exit 77
fi

PEER="$TESTS_DIR/wspeer.py"

tearDown() {
	exec 6>&- 7>&- 8>&-
	sc_remove_tmp
	endSkipping
}

oneTimeTearDown() {
	browser_stop
	sc_remove_tmp
	sc_report
}

# member NAME: a plain TCP member of the room or broker on PORT, stdin
# held on fd 8, output in NAME.out.
member() {
	rm -f "$SC_TMP/$1.fifo"
	held_stdin "$1.fifo" 8
	bg_in "$SC_TMP/$1.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/$1.out" 2>"$SC_TMP/$1.err"
}

# Issue 52: a client of a room or a broker that says nothing is a plain
# member once it has been quiet a moment (a browser sends its request at
# once): one that only listens (sockcat -d) is greeted in a room and gets
# what others say, in both.
test_quiet_client_joins_to_listen() {
	for mode in --room --broker; do
		server s "$mode" --websocket 127.0.0.1 0 || fail "no $mode"
		bg t 30 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/quiet.out" \
		    2>"$SC_TMP/quiet.err"
		if [ "$mode" = --room ]; then
			wait_for "$SC_TMP/quiet.out" 'Welcome to the room' ||
			    fail "$mode: not greeted: $(<"$SC_TMP/s.err")"
		fi
		member tcp
		# Said until heard: the broker greets nobody, so nothing says
		# when the quiet client has joined.
		wait_until say_until_heard ||
		    fail "$mode: not heard: $(cat "$SC_TMP/quiet.out" \
		    "$SC_TMP/s.err")"
		exec 8>&-
		stop "$SERVER_PID"
		assertEquals "$mode: quiet's errors" "" \
		    "$(<"$SC_TMP/quiet.err")"
	done
}

# say_until_heard: the member says a line; has the quiet client got one?
say_until_heard() {
	echo "said to all" >&8
	file_matches "$SC_TMP/quiet.out" 'said to all'
}

# plain NAME FD: a plain member of the room on PORT that types nothing,
# its stdin held on FD, output in NAME.out; waits for its welcome.
plain() {
	held_stdin "$1.fifo" "$2"
	bg_in "$SC_TMP/$1.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/$1.out" 2>"$SC_TMP/$1.err"
	wait_for "$SC_TMP/$1.out" 'Welcome' ||
	    fail "$1 not greeted: $(<"$SC_TMP/s.err")"
}

# ports FILE: FILE with each 127.0.0.1:PORT as 127.0.0.1:P.
ports() {
	sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:P/' "$1"
}

# In a --websocket room a plain member that has typed nothing is a member
# from its silence on: counted in the welcome of those after it, told of
# them, announced to them and listed; a WebSocket member too, at once.
# Such a member was once greeted but neither counted nor announced until
# it typed ("0 other users are connected" while it was there).
test_silent_members_counted() {
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	plain a 6
	plain b 7
	ws_peer w client until "$PORT" "<user4>"
	wait_for "$SC_TMP/b.out" 'as <user3>\.$' ||
	    fail "the WebSocket member not announced: $(<"$SC_TMP/b.out")"
	plain d 8
	ws_peer_wait
	wait_for "$SC_TMP/a.out" '<user3> is disconnected' ||
	    fail "a: $(<"$SC_TMP/a.out")"
	wait_for "$SC_TMP/b.out" 'as <user4>\.$' || fail "b: $(<"$SC_TMP/b.out")"
	wait_for "$SC_TMP/d.out" 'Present' || fail "d: $(<"$SC_TMP/d.out")"
	assertEquals "the first, told of each" "\
<announce> Welcome to the room, you are <user1>. 0 other users are connected; type :q to leave.
<announce> 127.0.0.1:P is connected as <user2>.
<announce> 127.0.0.1:P is connected as <user3>.
<announce> 127.0.0.1:P is connected as <user4>.
<announce> <user3> is disconnected." "$(ports "$SC_TMP/a.out")"
	assertEquals "the second, which counts the first" "\
<announce> Welcome to the room, you are <user2>. 1 other user is connected; type :q to leave.
<announce> Present: <user1>.
<announce> 127.0.0.1:P is connected as <user3>.
<announce> 127.0.0.1:P is connected as <user4>." \
	    "$(ports "$SC_TMP/b.out" | grep -v '<user3> is disconnected')"
	assertEquals "the WebSocket one, which counts both" "\
msg <announce> Welcome to the room, you are <user3>. 2 other users are connected; type :q to leave.
msg <announce> Present: <user1>, <user2>.
msg <announce> 127.0.0.1:P is connected as <user4>." "$(ports "$SC_TMP/w.out")"
	assertEquals "the last, which counts all three" "\
<announce> Welcome to the room, you are <user4>. 3 other users are connected; type :q to leave.
<announce> Present: <user1>, <user2>, <user3>." \
	    "$(ports "$SC_TMP/d.out" | grep -v '<user3> is disconnected')"
	exec 6>&- 7>&- 8>&-
}

# A client whose sending ends before its first byte (sockcat -N with an
# empty stdin, as a browser's spare connection closed unused) is a plain
# member at once, not an HTTP client: it joins (a room greets it) and
# leaves, and the server goes on.
test_client_ending_first_is_plain() {
	for mode in --room --broker; do
		server s "$mode" --websocket -v 127.0.0.1 0 ||
		    fail "no $mode"
		t 30 "$SC" -N 127.0.0.1 "$PORT" </dev/null \
		    >"$SC_TMP/ender.out" 2>"$SC_TMP/ender.err"
		_st=$?
		assertEquals "$mode: its status: $(<"$SC_TMP/ender.err")" 0 "$_st"
		wait_for "$SC_TMP/s.err" 'not a WebSocket client: plain TCP' ||
		    fail "$mode: not taken: $(<"$SC_TMP/s.err")"
		[ "$mode" = --room ] &&
		    assertContains "$mode: greeted" "$(<"$SC_TMP/ender.out")" \
		    "Welcome to the room"
		still_running "$SERVER_PID" 0.1 || fail "$mode: the server ended"
		stop "$SERVER_PID"
	done
}

# A client that spoke first is a plain member whatever it says after, a
# GET too.
test_plain_members_decided_by_first_bytes() {
	server s --broker --monitor --websocket 127.0.0.1 0 || fail "no server"
	held_stdin talker.fifo 7
	bg_in "$SC_TMP/talker.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/talker.out" 2>"$SC_TMP/talker.err"
	echo "talker speaks" >&7
	wait_for "$SC_TMP/s.out" '^talker speaks$' || fail "talker not heard"
	member tcp
	echo "one" >&8
	wait_for "$SC_TMP/talker.out" '^one$' ||
	    fail "talker got: $(cat "$SC_TMP/talker.out" "$SC_TMP/s.err")"
	echo "GET is only a word here" >&7
	wait_for "$SC_TMP/tcp.out" '^GET is only a word here$' ||
	    fail "tcp got: $(cat "$SC_TMP/tcp.out" "$SC_TMP/s.err")"
	assertEquals "what the member got" "GET is only a word here" \
	    "$(<"$SC_TMP/tcp.out")"
	exec 7>&- 8>&-
}

# Under TLS the first bytes inside it decide: a plain TLS member joins
# with them (none lost), a browser gets the page, another method 405.
test_tls_room_first_bytes() {
	if "$SC" --ssl 127.0.0.1 1 </dev/null 2>&1 | grep -q "not built in"
	then
		startSkipping
		return
	fi
	mkdir "$SC_TMP/certs"
	make_certs "$SC_TMP/certs" || fail "no certificates"
	server s --room --websocket --ssl --ssl-cert "$SC_TMP/certs/srv.pem" \
	    --ssl-key "$SC_TMP/certs/srv.key" 127.0.0.1 0 || fail "no server"
	held_stdin tls.fifo 8
	echo "hi over tls" >&8
	bg_in "$SC_TMP/tls.fifo" t 60 "$SC" --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tls.out" 2>"$SC_TMP/tls.err"
	wait_for "$SC_TMP/s.out" '^<user1> hi over tls$' ||
	    fail "the room got: $(cat "$SC_TMP/s.out" "$SC_TMP/s.err")"
	code=$(t 20 curl -sk -o "$SC_TMP/body" -w '%{http_code}' \
	    "https://127.0.0.1:$PORT/")
	assertEquals "GET" 200 "$code"
	grep -q 'new WebSocket' "$SC_TMP/body" || fail "no page"
	code=$(t 20 curl -sk -d x -o /dev/null -w '%{http_code}' \
	    "https://127.0.0.1:$PORT/")
	assertEquals "POST" 405 "$code"
	echo "still here" >&8
	wait_for "$SC_TMP/s.out" '^<user1> still here$' ||
	    fail "the member left: $(<"$SC_TMP/s.out")"
	exec 8>&-
}

# Issue 44: the room's own page, in a browser, shares the room with a
# terminal on plain TCP, both ways.
test_room_page_in_chromium() {
	browser || return
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	member tcp
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Welcome')" ||
	    fail "the page did not join: $(<"$SC_TMP/s.err")"
	cdp eval "document.getElementById('line').value = 'hi from the page';
	    document.getElementById('f').requestSubmit(); 'sent'" >/dev/null ||
	    fail "cdp eval"
	# Not always <user2>: Chromium may open a spare connection, a plain
	# client that says nothing, which is a member too (sockcat(1),
	# --websocket).
	wait_for "$SC_TMP/tcp.out" '^<user[0-9]+> hi from the page$' ||
	    fail "tcp got: $(<"$SC_TMP/tcp.out")"
	echo "hi from tcp" >&8
	cdp wait "document.getElementById('log').textContent.includes(
	    '<user1> hi from tcp')" ||
	    fail "the page got: $(cdp eval \
	    "document.getElementById('log').textContent")"
	cdp go about:blank
	exec 8>&-
}

# page_say TEXT: type TEXT on the room's page and send it.
page_say() {
	cdp eval "document.getElementById('line').value = '$1';
	    document.getElementById('f').requestSubmit(); 'sent'" >/dev/null ||
	    fail "cdp eval"
}

# page_lines: the page's log, a line each, own lines marked "ME ".
page_lines() {
	cdp eval "Array.from(document.getElementById('log').children).map(
	    (d) => (d.className === 'me' ? 'ME ' : '') + d.textContent
	    ).join('\\n')"
}

# Issue 55: the room's page shows the lines its user sends, under the
# user's name (a /nick followed), told apart from the others' lines.
test_room_page_shows_own_lines() {
	browser || return
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	member tcp
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Present')" ||
	    fail "the page did not join"
	page_say 'my first line'
	wait_for "$SC_TMP/tcp.out" '^<user[0-9]+> my first line$' ||
	    fail "tcp got: $(<"$SC_TMP/tcp.out")"
	page=$(sed -n 's/^\(<user[0-9]*>\) my first line$/\1/p' "$SC_TMP/tcp.out")
	page_say '/nick alice'
	wait_for "$SC_TMP/tcp.out" 'is now known as <alice>' ||
	    fail "no nick: $(<"$SC_TMP/tcp.out")"
	cdp wait "document.getElementById('log').textContent.includes(
	    'is now known as <alice>')" || fail "the page saw no nick"
	page_say 'my second line'
	echo "a line from tcp" >&8
	cdp wait "document.getElementById('log').textContent.includes(
	    'a line from tcp')" || fail "the page got no tcp line"
	cdp shot "$SC_TMP/own.png" && sc_keep "$SC_TMP/own.png" own-lines.png
	page_lines >"$SC_TMP/page"
	assertEquals "the page's own lines, marked" "ME $page my first line
/nick alice
ME <alice> my second line" "$(grep -E '^ME |^/nick' "$SC_TMP/page")"
	assertEquals "the others' lines, not marked" "<user1> a line from tcp" \
	    "$(grep 'a line from tcp' "$SC_TMP/page")"
	cdp go about:blank
	exec 8>&-
}

# Issue 55: a browser's visit makes no noise in the room.  Its icon is
# answered (204) and no refused request is said on the operator's
# terminal without -v.  A plain connection that says nothing (Chromium's
# spare one, opened with the page and left unused, when it opens one) is
# a silent member as a terminal's is: /who lists whom the room announced.
test_browser_visit_is_quiet() {
	browser || return
	port=$(free_port) || fail "no port"
	bg t 60 "$SC" --room --websocket 127.0.0.1 "$port" \
	    </dev/null >"$SC_TMP/s.out" 2>"$SC_TMP/s.err"
	PORT=$port
	wait_until "$SC" -z 127.0.0.1 "$PORT" || fail "no room"
	assertEquals "the icon" 204 "$(t 20 curl -s -o /dev/null \
	    -w '%{http_code}' "http://127.0.0.1:$PORT/favicon.ico")"
	member tcp
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Welcome')" ||
	    fail "the page did not join"
	cdp eval "document.getElementById('line').value = 'hi from the page';
	    document.getElementById('f').requestSubmit(); 'sent'" >/dev/null ||
	    fail "cdp eval"
	wait_for "$SC_TMP/tcp.out" '^<user[0-9]+> hi from the page$' ||
	    fail "tcp got: $(<"$SC_TMP/tcp.out")"
	# The spare connection is plain once quiet for 300 ms: long past.
	echo /who >&8
	wait_lines "$SC_TMP/tcp.out" '^<announce> Present: .* \(you\)' 2 ||
	    fail "no /who answer: $(<"$SC_TMP/tcp.out")"
	cdp shot "$SC_TMP/visit.png" && sc_keep "$SC_TMP/visit.png" visit.png
	page=$(grep 'hi from the page' "$SC_TMP/tcp.out" | cut -d' ' -f1)
	me=$(sed -n 's/.*you are \(<user[0-9]*>\).*/\1/p' "$SC_TMP/tcp.out")
	# Those announced to the terminal before /who's answer and still
	# there then, in order.
	last=$(grep -n '^<announce> Present: .* (you)' "$SC_TMP/tcp.out" |
	    tail -n 1 | cut -d: -f1)
	head -n "$last" "$SC_TMP/tcp.out" >"$SC_TMP/before"
	others=$(sed -n 's/^<announce> .* is connected as \(<user[0-9]*>\)\.$/\1/p' \
	    "$SC_TMP/before" | while read -r u; do
		grep -qF "$u is disconnected" "$SC_TMP/before" ||
		    printf ', %s' "$u"
	done)
	assertContains "the page announced" "$others" "$page"
	assertEquals "who is present" "<announce> Present: $me (you)$others." \
	    "$(tail -n 1 "$SC_TMP/before")"
	wait_for "$SC_TMP/s.out" 'hi from the page$' || fail "the operator"
	assertEquals "the operator's terminal: announcements, the line" \
	    "$page hi from the page" "$(grep -v '^<announce> ' "$SC_TMP/s.out")"
	assertEquals "nothing on stderr without -v" "" "$(<"$SC_TMP/s.err")"
	cdp go about:blank
	exec 8>&-
}

# A browser's spare connection used late (a loaded machine), after the
# room took it for a silent plain member: its HTTP request is no member's
# line.  It is let go, leaves as a member, and nothing of it reaches the
# room.
test_late_http_request_is_let_go() {
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	member tcp
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	t 20 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
got = b""
while b"Welcome" not in got:
    got += s.recv(4096)
s.sendall(b"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
while s.recv(4096):
    pass
print("let go")' "$PORT" >"$SC_TMP/late.out" 2>&1
	assertEquals "the connection" "let go" "$(<"$SC_TMP/late.out")"
	echo "after it" >&8
	wait_for "$SC_TMP/s.out" '^<user1> after it$' || fail "the room"
	assertEquals "the operator saw it come and go" "\
<announce> 127.0.0.1:P is connected as <user1>.
<announce> 127.0.0.1:P is connected as <user2>.
<announce> <user2> is disconnected.
<user1> after it" "$(ports "$SC_TMP/s.out")"
	assertFalse "no request in the room" "grep -q 'GET\|Host:' \
	    '$SC_TMP/s.out' '$SC_TMP/tcp.out'"
	exec 8>&-
}

# A room asks Chromium to compress each message afresh, both ways
# (Chromium offers to keep its context): the browser takes the answer,
# and the same line twice each way arrives twice, each inflated on its
# own (a line compressed against the one before would not be).
test_room_page_compresses_each_message_afresh() {
	browser || return
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	member tcp
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Welcome')" ||
	    fail "the page did not join: $(<"$SC_TMP/s.err")"
	grep -qx "sockcat: WebSocket: permessage-deflate; \
server_no_context_takeover; client_no_context_takeover" "$SC_TMP/s.err" ||
	    fail "not each message afresh: $(<"$SC_TMP/s.err")"
	line="the same words from the page, again and again and again"
	for i in 1 2; do
		cdp eval "document.getElementById('line').value = '$line';
		    document.getElementById('f').requestSubmit(); 'sent'" \
		    >/dev/null || fail "cdp eval"
		wait_lines "$SC_TMP/tcp.out" "^<user[0-9]+> $line\$" "$i" ||
		    fail "tcp got: $(cat "$SC_TMP/tcp.out" "$SC_TMP/s.err")"
	done
	tline="the same words from the terminal, again and again and again"
	echo "$tline" >&8
	echo "$tline" >&8
	cdp wait "document.getElementById('log').textContent.split(
	    '<user1> $tline').length === 3" ||
	    fail "the page got: $(cdp eval \
	    "document.getElementById('log').textContent")"
	cdp go about:blank
	exec 8>&-
}

# A page of --ws-static, in a browser, echoed through -e.
test_static_page_echoes_through_exec() {
	browser || return
	mkdir "$SC_TMP/www"
	cat >"$SC_TMP/www/index.html" <<'EOF'
<!DOCTYPE html><html><body><pre id="out"></pre><script>
var ws = new WebSocket("ws://" + location.host + "/echo");
ws.onopen = function () { ws.send("echo me"); };
ws.onmessage = function (e) {
	document.getElementById("out").textContent += "got " + e.data;
};
</script></body></html>
EOF
	server s -lk --websocket --ws-static "$SC_TMP/www" -e /bin/cat \
	    127.0.0.1 0 || fail "no server"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('out') !== null &&
	    document.getElementById('out').textContent === 'got echo me'" ||
	    fail "the page got: $(cdp eval \
	    "document.body.textContent") $(<"$SC_TMP/s.err")"
	grep -q 'HTTP GET /: 200' "$SC_TMP/s.err" || fail "no -v line"
	cdp go about:blank
}

# probe PORT: a port probe, then a client that sends half a request and
# leaves, then one that connects and resets: none of them asked anything.
probe() {
	wait_until "$SC" -z 127.0.0.1 "$1" || fail "no server on $1"
	printf 'GET / HTTP/1.1\r\nHost: x\r\n' |
	    t 20 "$SC" -N 127.0.0.1 "$1" >/dev/null 2>&1
	python3 -c 'import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()' "$1"
}

# Issue 66: a port probe, or a client that leaves before its request is
# whole (a browser's speculative connection), is nobody: without -v a
# --websocket server says nothing of it, and one that serves one client
# (no -k) still serves the next; -v says it.
test_probes_are_quiet() {
	PORT=$(free_port) || fail "no port"
	bg t 60 "$SC" -l --websocket 127.0.0.1 "$PORT" </dev/null \
	    >"$SC_TMP/s.out" 2>"$SC_TMP/s.err"
	spid=$BG_PID
	probe "$PORT"
	t 20 python3 "$PEER" raw textclose "$PORT" >"$SC_TMP/c.out" 2>&1
	assertEquals "the client's answer" "status HTTP/1.1 101 Switching Protocols
close 1000" "$(<"$SC_TMP/c.out")"
	wait_exit "$spid"
	assertEquals "one client served: status" 0 "$WAIT_STATUS"
	assertEquals "its message" "hi" "$(<"$SC_TMP/s.out")"
	assertEquals "nothing said without -v" "" "$(<"$SC_TMP/s.err")"
	# A connection that never speaks is let go at the deadline, quietly.
	PORT=$(free_port) || fail "no port"
	bg t 60 "$SC" -lk -w 1 --websocket -e /bin/cat 127.0.0.1 "$PORT" \
	    </dev/null >"$SC_TMP/w.out" 2>"$SC_TMP/w.err"
	wpid=$BG_PID
	wait_until "$SC" -z 127.0.0.1 "$PORT" || fail "no server"
	t 20 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "the silent one let go" 0 $?
	stop "$wpid"
	assertEquals "nothing said of it" "" "$(<"$SC_TMP/w.err")"
	mkdir "$SC_TMP/www"
	echo page >"$SC_TMP/www/index.html"
	server v -lk -v --websocket --ws-static "$SC_TMP/www" 127.0.0.1 0 ||
	    fail "no server"
	probe "$PORT"
	assertEquals "a page" 200 "$(t 20 curl -s -o /dev/null \
	    -w '%{http_code}' "http://127.0.0.1:$PORT/")"
	wait_for "$SC_TMP/v.err" 'HTTP GET /: 200' || fail "no GET line"
	assertEquals "-v: each said" "sockcat: WebSocket: connection closed \
during the upgrade
sockcat: WebSocket: connection closed during the upgrade
sockcat: WebSocket: Connection reset by peer" \
	    "$(grep 'WebSocket' "$SC_TMP/v.err")"
}

# A browser opening a page of --ws-static (its speculative connections
# included) and its WebSocket: nothing on stderr without -v.
test_browser_visit_to_static_is_quiet() {
	browser || return
	mkdir "$SC_TMP/www"
	cat >"$SC_TMP/www/index.html" <<'EOF'
<!DOCTYPE html><html><body><pre id="out"></pre><script>
var ws = new WebSocket("ws://" + location.host + "/echo");
ws.onopen = function () { ws.send("echo me"); };
ws.onmessage = function (e) {
	document.getElementById("out").textContent += "got " + e.data;
	ws.close();
};
</script></body></html>
EOF
	PORT=$(free_port) || fail "no port"
	bg t 60 "$SC" -lk --websocket --ws-static "$SC_TMP/www" -e /bin/cat \
	    127.0.0.1 "$PORT" </dev/null >"$SC_TMP/s.out" 2>"$SC_TMP/s.err"
	wait_until "$SC" -z 127.0.0.1 "$PORT" || fail "no server"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('out') !== null &&
	    document.getElementById('out').textContent === 'got echo me'" ||
	    fail "the page got: $(cdp eval "document.body.textContent")"
	cdp go "http://127.0.0.1:$PORT/again" >/dev/null
	cdp go about:blank
	assertEquals "nothing on stderr" "" "$(<"$SC_TMP/s.err")"
}

# get PATH [CURL OPTIONS...]: curl's status for PATH, as sent (no
# normalising), the body in body, the headers in head.
get() {
	_p=$1
	shift
	t 20 curl -s --path-as-is -D "$SC_TMP/head" -o "$SC_TMP/body" \
	    -w '%{http_code}' "$@" "http://127.0.0.1:$PORT$_p"
}

# header NAME: a header's value in the last answer.
header() {
	sed -n "s/^$1: \\(.*\\)\\r\$/\\1/Ip" "$SC_TMP/head"
}

test_static_files() {
	mkdir -p "$SC_TMP/www/sub"
	printf '<p>home</p>\n' >"$SC_TMP/www/index.html"
	printf 'sub home\n' >"$SC_TMP/www/sub/index.html"
	for f in a.css a.js a.json a.png a.jpg a.svg a.txt favicon.ico \
	    a.wasm a.bin; do
		printf 'content of %s\n' "$f" >"$SC_TMP/www/$f"
	done
	head -c 300000 /dev/urandom >"$SC_TMP/www/big.bin"
	server s -lk --websocket --ws-static "$SC_TMP/www" 127.0.0.1 0 ||
	    fail "no server"
	assertEquals "/" 200 "$(get /)"
	assertEquals "/ body" "<p>home</p>" "$(<"$SC_TMP/body")"
	assertEquals "/ type" "text/html; charset=utf-8" "$(header \
	    Content-Type)"
	assertEquals "/ length" 12 "$(header Content-Length)"
	assertEquals "/sub/" 200 "$(get /sub/)"
	assertEquals "/sub/ body" "sub home" "$(<"$SC_TMP/body")"
	for pair in a.css:text/css a.js:text/javascript \
	    a.json:application/json a.png:image/png a.jpg:image/jpeg \
	    a.svg:image/svg+xml a.txt:text/plain favicon.ico:image/x-icon \
	    a.wasm:application/wasm a.bin:application/octet-stream; do
		f=${pair%%:*}
		assertEquals "$f" 200 "$(get "/$f")"
		assertEquals "$f body" "content of $f" "$(<"$SC_TMP/body")"
		assertEquals "$f type" "${pair#*:}" \
		    "$(header Content-Type | sed 's/;.*//')"
	done
	assertEquals "big" 200 "$(get /big.bin)"
	cmp -s "$SC_TMP/body" "$SC_TMP/www/big.bin" || fail "big.bin differs"
	assertEquals "big length" 300000 "$(header Content-Length)"
	assertEquals "HEAD" 200 "$(get /a.txt -I)"
	assertEquals "HEAD length" 17 "$(header Content-Length)"
	assertEquals "POST" 405 "$(get /a.txt -d x)"
	assertEquals "POST Allow" "GET, HEAD" "$(header Allow)"
	assertEquals "missing" 404 "$(get /nothing.html)"
	assertEquals "a directory" 404 "$(get /sub)"
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# No way out of the directory: dots, their encodings, backslashes and
# symbolic links (to a file or a directory outside, or inside).
test_static_escapes_refused() {
	mkdir -p "$SC_TMP/www/d"
	printf 'inside\n' >"$SC_TMP/www/d/in.txt"
	printf 'secret\n' >"$SC_TMP/secret.txt"
	ln -s "$SC_TMP/secret.txt" "$SC_TMP/www/out.txt"
	ln -s /etc "$SC_TMP/www/etc"
	ln -s d/in.txt "$SC_TMP/www/inlink.txt"
	server s -lk --websocket --ws-static "$SC_TMP/www" 127.0.0.1 0 ||
	    fail "no server"
	for p in /../../etc/passwd /../secret.txt /d/../../secret.txt \
	    /%2e%2e/%2e%2e/etc/passwd /%2E%2E/secret.txt \
	    /..%2f..%2fetc%2fpasswd /..%2F..%2Fsecret.txt \
	    /%252e%252e/%252e%252e/etc/passwd /%252e%252e%252fsecret.txt \
	    '/..\..\etc\passwd' /..%5c..%5csecret.txt /..%255csecret.txt \
	    /%c0%ae%c0%ae/secret.txt /./d/in.txt /d//in.txt \
	    /out.txt /etc/passwd /inlink.txt /d/in.txt%00.txt; do
		code=$(get "$p")
		case $code in
		403|404) ;;
		*) fail "$p: $code $(<"$SC_TMP/body")" ;;
		esac
		assertFalse "$p: a file's contents" \
		    "grep -Eq 'root:|secret|inside' '$SC_TMP/body'"
	done
	assertEquals "a link out" 403 "$(get /out.txt)"
	assertEquals "a directory link" 403 "$(get /etc/passwd)"
	assertEquals "a link inside" 403 "$(get /inlink.txt)"
	assertEquals "the file itself" 200 "$(get /d/in.txt)"
	assertEquals "the file" inside "$(<"$SC_TMP/body")"
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# dotfiles_tree: a served directory $SC_TMP/www holding dot-files at every
# depth, a symbolic link to a directory inside it, and $SC_TMP/wwwlink, a
# link to the directory itself (served through it).
dotfiles_tree() {
	mkdir -p "$SC_TMP/www/.git" "$SC_TMP/www/sub/deep/.ssh" \
	    "$SC_TMP/www/.hidden"
	printf 'the env\n' >"$SC_TMP/www/.env"
	printf 'the git config\n' >"$SC_TMP/www/.git/config"
	printf 'the git index\n' >"$SC_TMP/www/.git/index.html"
	printf 'the sub env\n' >"$SC_TMP/www/sub/.env"
	printf 'the key\n' >"$SC_TMP/www/sub/deep/.ssh/id"
	printf 'the hidden x\n' >"$SC_TMP/www/.hidden/x.txt"
	printf 'visible\n' >"$SC_TMP/www/a.txt"
	ln -s sub "$SC_TMP/www/lnk"
	ln -s www "$SC_TMP/wwwlink"
}

# The spellings of a dot-file, and the file each names: plain, %2e, %2E,
# escapes in mixed case, an escaped slash, deeper paths, a directory's
# trailing slash (its index.html), a query.
DOT_SERVED=(/.env:.env /%2eenv:.env /%2Eenv:.env /.git/config:.git/config
    /%2egit/config:.git/config /%2Egit/%63onfig:.git/config
    /%2e%67it/%43onfig:- /%2E%67%69%74%2f%63%6F%6e%66%69%67:.git/config
    /.git/:.git/index.html '/.git/?x:.git/index.html' /sub/.env:sub/.env
    /sub/%2eenv:sub/.env /sub/deep/.ssh/id:sub/deep/.ssh/id
    /sub/deep/%2Essh/id:sub/deep/.ssh/id /.hidden/x.txt:.hidden/x.txt
    '/.env?a=1:.env')

# Spellings refused for another reason as well (a double slash, a
# backslash, a "." or ".." segment, a symbolic link on the way): absent
# without the option, and 403 with it, as they were.
DOT_REFUSED=(//.env /.git//config /sub//.env /.git%5cconfig '/sub\.env'
    /sub%5c.env /sub%5C%2eenv /lnk/.env /./.env /../.env /sub/../.env
    /.env/..)

# Without --ws-static-dotfiles no dot-file is served, however the path
# spells it: each is 404, as if absent, with the body of a missing file,
# GET and HEAD, and through a link to the directory served.
test_static_dotfiles_absent() {
	dotfiles_tree
	for dir in www wwwlink; do
		server s -lk --websocket --ws-static "$SC_TMP/$dir" \
		    127.0.0.1 0 || fail "no server"
		for pair in "${DOT_SERVED[@]}"; do
			p=${pair%%:*}
			assertEquals "$dir $p" 404 "$(get "$p")"
			assertEquals "$dir $p body" "no such file" \
			    "$(<"$SC_TMP/body")"
			assertEquals "$dir HEAD $p" 404 "$(get "$p" -I)"
		done
		for p in "${DOT_REFUSED[@]}"; do
			assertEquals "$dir $p" 404 "$(get "$p")"
			assertEquals "$dir $p body" "no such file" \
			    "$(<"$SC_TMP/body")"
		done
		assertEquals "$dir a.txt" 200 "$(get /a.txt)"
		assertEquals "$dir a.txt body" visible "$(<"$SC_TMP/body")"
		assertTrue "$dir: said with -v" "grep -q \
		    '^sockcat: HTTP GET /%2egit/config: 404$' '$SC_TMP/s.err'"
		stop "$SERVER_PID"
	done
}

# With --ws-static-dotfiles every spelling serves its file; the paths
# refused for another reason are refused as before.
test_static_dotfiles_served() {
	dotfiles_tree
	for dir in www wwwlink; do
		server s -lk --websocket --ws-static "$SC_TMP/$dir" \
		    --ws-static-dotfiles 127.0.0.1 0 || fail "no server"
		for pair in "${DOT_SERVED[@]}"; do
			p=${pair%%:*}
			f=${pair#*:}
			if [ "$f" = - ]; then
				# %43onfig is "Config": no such file.
				assertEquals "$dir $p" 404 "$(get "$p")"
				continue
			fi
			assertEquals "$dir $p" 200 "$(get "$p")"
			assertEquals "$dir $p body" "$(<"$SC_TMP/www/$f")" \
			    "$(<"$SC_TMP/body")"
		done
		for p in "${DOT_REFUSED[@]}"; do
			assertEquals "$dir $p" 403 "$(get "$p")"
		done
		stop "$SERVER_PID"
	done
	expect_error "must use --ws-static with --ws-static-dotfiles" \
	    -l --websocket --ws-static-dotfiles 127.0.0.1 0
}

# A socket, a FIFO and a device in the directory are absent, with or
# without --ws-static-dotfiles, and none is opened: a writer waiting for
# the FIFO's reader goes on waiting.
test_static_special_files_absent() {
	mkdir -p "$SC_TMP/www"
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])' "$SC_TMP/www/sock" ||
	    fail "no socket file"
	mkfifo "$SC_TMP/www/fifo"
	mknod "$SC_TMP/www/null" c 1 3 2>/dev/null
	bg t 30 sh -c "echo written >'$SC_TMP/www/fifo'"
	writer=$BG_PID
	for opt in "" --ws-static-dotfiles; do
		server s -lk --websocket --ws-static "$SC_TMP/www" $opt \
		    127.0.0.1 0 || fail "no server"
		for f in sock fifo null; do
			[ -e "$SC_TMP/www/$f" ] || continue
			assertEquals "$f $opt" 404 "$(get "/$f")"
			assertEquals "$f $opt body" "no such file" \
			    "$(<"$SC_TMP/body")"
		done
		stop "$SERVER_PID"
	done
	still_running "$writer" 0.5 ||
	    fail "the FIFO was opened: its writer went on"
	stop "$writer"
}

# A program per connection gets the request as CGI variables.
test_cgi_variables() {
	server s -lk --websocket -c 'echo "$QUERY_STRING"' 127.0.0.1 0 ||
	    fail "no server"
	out=$(t 20 "$SC" -d "ws://127.0.0.1:$PORT/x?a=1&b=2" 2>"$SC_TMP/c.err")
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "QUERY_STRING" "a=1&b=2" "$out"
	stop "$SERVER_PID"

	# A header with an escape, a URI with one encoded: never raw.
	server s -lk --websocket -c 'printf "%s|%s|%s|%s|%s|%s|%s\n" \
	    "$REQUEST_URI" "$PATH_INFO" "$HTTP_X_TEST" "$HTTP_USER_AGENT" \
	    "$REMOTE_ADDR" "$SERVER_PORT" "$HTTP_ORIGIN"' 127.0.0.1 0 ||
	    fail "no server"
	out=$(HTTP_X_TEST=inherited t 20 "$SC" -d \
	    --ws-header "X-Test: a$(printf '\033')[31mb;\$(id)" \
	    --ws-header "User-Agent: test agent" --ws-origin http://o.example \
	    "ws://127.0.0.1:$PORT/p%41th%1b?q" 2>"$SC_TMP/c.err")
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "variables" \
	    "/p%41th%1b?q|/pAth|a[31mb;\$(id)|test agent|127.0.0.1|$PORT|http://o.example" \
	    "$out"
}

# The server's own environment never speaks for a request: an inherited
# HTTP_* the request did not send is gone, one it did send is the
# request's, and the addresses are the connection's.
test_cgi_variables_not_inherited() {
	HTTP_X_TEST=inherited HTTP_X_GONE=inherited REMOTE_ADDR=192.0.2.1 \
	    REMOTE_PORT=1 SERVER_PORT=2 QUERY_STRING=inherited \
	    server s -lk --websocket -c 'printf "%s|%s|%s|%s|%s|%s\n" \
	    "$HTTP_X_TEST" "${HTTP_X_GONE-unset}" "$REMOTE_ADDR" \
	    "${REMOTE_PORT:+a port}" "$SERVER_PORT" "$QUERY_STRING"' \
	    127.0.0.1 0 || fail "no server"
	out=$(t 20 "$SC" -d --ws-header "X-Test: sent" \
	    "ws://127.0.0.1:$PORT/x?q=1" 2>"$SC_TMP/c.err")
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "variables" "sent|unset|127.0.0.1|a port|$PORT|q=1" "$out"
}

# SERVER_NAME is the Host without its port, an IPv6 address in its
# brackets; a Host that opens a bracket and never closes it, 4,096 bytes
# and more, is taken whole (issue 52: its copy was written one byte past
# its end).  Every upgrade is answered and the server serves on.
test_cgi_server_name() {
	server s -lk --websocket -c 'printf "%s\n" "$SERVER_NAME"' \
	    127.0.0.1 0 || fail "no server"
	for host in example.org:8080 example.org '[::1]:80' '[::1' \
	    "[$(printf '%05000d' 0)" "[$(printf '%04095d' 0)"; do
		t 20 python3 - "$PORT" "$host" >"$SC_TMP/c.out" \
		    2>"$SC_TMP/c.err" <<'EOF2'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET / HTTP/1.1\r\nHost: " + sys.argv[2].encode() +
          b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          b"Sec-WebSocket-Version: 13\r\n\r\n")
got = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
head, _, rest = got.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode())
# One unmasked text frame: its length, then the line.
n = rest[1] & 0x7f
off = 2 if n < 126 else 4
if n == 126:
    n = int.from_bytes(rest[2:4], "big")
print(rest[off:off + n].decode())
EOF2
		_st=$?
		assertEquals "${host:0:20}: status: $(<"$SC_TMP/c.err")" 0 "$_st"
		case $host in
		'[::1]:80') want='[::1]' ;;
		'['*) want=$host ;;
		*) want=${host%%:*} ;;
		esac
		# A value is cut at 4,096 bytes, as every CGI value is.
		want=${want:0:4096}
		assertEquals "${host:0:20}: answer" "HTTP/1.1 101 Switching Protocols" \
		    "$(head -n 1 "$SC_TMP/c.out")"
		assertEquals "${host:0:20}: SERVER_NAME" "$want" \
		    "$(sed -n 2p "$SC_TMP/c.out")"
	done
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# --ws-allow-origin and --ws-path: 403 and 404 before any upgrade.
test_origin_and_path() {
	server s -lk --websocket --ws-allow-origin http://good.example \
	    --ws-allow-origin http://also.example --ws-path /chat \
	    --ws-path /other -e /bin/cat 127.0.0.1 0 || fail "no server"
	out=$(echo hi | t 20 "$SC" -N --ws-origin http://good.example \
	    "ws://127.0.0.1:$PORT/chat?room=1" 2>"$SC_TMP/c.err")
	assertEquals "allowed: $(<"$SC_TMP/c.err")" hi "$out"
	out=$(echo hi | t 20 "$SC" -N "ws://127.0.0.1:$PORT/other" \
	    2>"$SC_TMP/c.err")
	assertEquals "no Origin: $(<"$SC_TMP/c.err")" hi "$out"
	echo hi | t 20 "$SC" -N --ws-origin http://evil.example \
	    "ws://127.0.0.1:$PORT/chat" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "bad origin: status" 1 $?
	grep -q '403 Forbidden' "$SC_TMP/c.err" ||
	    fail "bad origin: $(<"$SC_TMP/c.err")"
	echo hi | t 20 "$SC" -N --ws-origin http://good.example \
	    "ws://127.0.0.1:$PORT/elsewhere" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "bad path: status" 1 $?
	grep -q '404 Not Found' "$SC_TMP/c.err" ||
	    fail "bad path: $(<"$SC_TMP/c.err")"
	grep -q 'origin not allowed (403)' "$SC_TMP/s.err" ||
	    fail "server: $(<"$SC_TMP/s.err")"
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# --ws-framed: records both ways, text and binary, against Python's
# websockets, in the client and for a program of the server.
test_framed_client() {
	bg t 30 python3 "$PEER" serve echo >"$SC_TMP/p.out" 2>"$SC_TMP/p.err"
	wait_for "$SC_TMP/p.out" "^PORT " || fail "no peer: $(<"$SC_TMP/p.err")"
	wport=$(sed -n 's/^PORT //p' "$SC_TMP/p.out")
	printf 'T 5\nhelloB 3\n\000\001\377T 0\n' >"$SC_TMP/in"
	t 20 "$SC" --ws-framed "ws://127.0.0.1:$wport/" \
	    <"$SC_TMP/in" >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/err")" 0 "$_st"
	cmp -s "$SC_TMP/in" "$SC_TMP/out" ||
	    fail "echoed: $(od -c "$SC_TMP/out")"
}

# A program of the server sees each message's kind: cat sends each back
# as it came, where without --ws-framed a binary message that is UTF-8
# would come back as text.
test_framed_server_program() {
	server s -lk --websocket --ws-framed -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	t 20 python3 "$PEER" client kinds "$PORT" >"$SC_TMP/p.out" \
	    2>"$SC_TMP/p.err"
	assertEquals "kinds: $(<"$SC_TMP/p.err")" \
	    "binary b'\\xff\\xfe\\x00bin'
text 'héllo €'
binary b'plain'
closed 1000" "$(<"$SC_TMP/p.out")"
}

# A client's close at the end of its input: the program's answer that
# goes on flowing after it is sent whole (here 15 lines, one each tenth
# of a second: a second and a half), within WS_CLOSE_WAIT_MS; an answer
# that stops flowing for a second has the close answered then, and what
# it writes later is dropped, as the peer would drop it.
test_answer_after_the_close() {
	server flow -lk --websocket -c 'read -r l; for i in $(seq 15); do
	    echo "$l $i"; sleep 0.1; done' 127.0.0.1 0 || fail "no server"
	_o=$(echo line | t 20 "$SC" "ws://127.0.0.1:$PORT/")
	assertEquals "flowing: status" 0 $?
	assertEquals "flowing: whole" "$(for i in $(seq 15); do
	    echo "line $i"; done)" "$_o"
	server stall -lk --websocket -c 'read -r l; echo first; sleep 4;
	    echo later' 127.0.0.1 0 || fail "no server"
	_o=$(echo line | t 20 "$SC" "ws://127.0.0.1:$PORT/")
	assertEquals "stalled: status" 0 $?
	# Answered a second after "first", before "later" (4 s).
	assertEquals "stalled: what came before" "first" "$_o"
}

# A server whose socket is full when its client's close ends the session
# (a small send buffer, a client slow to read): what it had framed and
# not yet sent, and its answer to the close, go as the socket takes them,
# before its end.  Before, they were dropped at once: the client met the
# end without a close frame (status 1) and without the rest.  (How much
# of its stdin the server has read by then is nc's rule's: the client's
# end ends it; what came is the start of it.)
test_last_frames_wait_for_room() {
	head -c 300000 /dev/urandom >"$SC_TMP/down"
	head -c 1000000 /dev/urandom >"$SC_TMP/up"
	cp "$SC_TMP/down" "$SC_TMP/full.in"
	server full -l --websocket --ws-binary --send-buf 4096 127.0.0.1 0 ||
	    fail "no server"
	t 20 "$SC" --ws-binary --recv-buf 8192 "ws://127.0.0.1:$PORT/" \
	    <"$SC_TMP/up" >"$SC_TMP/got" 2>"$SC_TMP/c.err"
	assertEquals "the client" "0 " "$? $(<"$SC_TMP/c.err")"
	assertTrue "the server's bytes, from the start" "[ -s '$SC_TMP/got' ] &&
	    cmp -s -n $(stat -c %s "$SC_TMP/got") '$SC_TMP/down' '$SC_TMP/got'"
	wait_exit "$SERVER_PID"
	assertEquals "the server's status" 0 "$WAIT_STATUS"
	assertTrue "the client's bytes, whole" \
	    "cmp -s '$SC_TMP/up' '$SC_TMP/full.out'"
}

# The same, made certain: a raw client that reads nothing until the
# server's socket is full (its send queue, as ss(8) shows it, past the
# 4096 bytes asked) and the server has read the client's close, then
# reads it all.  What came must be the start of the server's stdin and
# end in the server's close.  (The test above lets the client read as
# it likes, so the socket is full at the close in most runs, not all.)
test_last_frames_wait_for_room_held() {
	if ! command -v ss >/dev/null 2>&1; then
		sc_skip "no ss(8) to see the send queue"
		return
	fi
	head -c 300000 /dev/urandom >"$SC_TMP/held.in"
	server held -l --websocket --ws-binary --send-buf 4096 127.0.0.1 0 ||
	    fail "no server"
	t 40 python3 - "$PORT" "$SC_TMP/held.err" "$SC_TMP/got" \
	    >"$SC_TMP/c.out" 2>&1 <<'PY'
import base64, os, socket, struct, subprocess, sys, time
port, log, got = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) +
    b"\r\n\r\n")
head = b""
while not head.endswith(b"\r\n\r\n"):
    c = s.recv(1)
    if not c:
        sys.exit("no answer")
    head += c
def until(what, cond):
    end = time.time() + 20
    while not cond():
        if time.time() > end:
            sys.exit(what)
        time.sleep(0.02)
def send_q():
    out = subprocess.run(["ss", "-tnH", "state", "established", "sport",
        "= :%d" % port], capture_output=True, text=True).stdout
    return max([int(l.split()[1]) for l in out.splitlines()] or [0])
until("the server's socket never filled", lambda: send_q() >= 4096)
s.sendall(b"\x88\x82abcd" + bytes(a ^ b for a, b in
    zip(struct.pack("!H", 1000), b"ab")))
until("the close not read", lambda: "peer closed" in open(log).read())
data = b""
s.settimeout(20)
while True:
    c = s.recv(65536)
    if not c:
        break
    data += c
out, i, end = b"", 0, "no close"
while i < len(data):
    op, n = data[i] & 0x0f, data[i + 1] & 0x7f
    i += 2
    if n == 126:
        n, i = struct.unpack("!H", data[i:i + 2])[0], i + 2
    elif n == 127:
        n, i = struct.unpack("!Q", data[i:i + 8])[0], i + 8
    if op == 8:
        end = "close"
    elif op in (0, 2):
        out += data[i:i + n]
    i += n
open(got, "wb").write(out)
print(end)
PY
	assertEquals "the client" "close" "$(<"$SC_TMP/c.out")"
	assertTrue "the server's bytes, from the start" "[ -s '$SC_TMP/got' ] &&
	    cmp -s -n $(stat -c %s "$SC_TMP/got" 2>/dev/null || echo 0) \
	    '$SC_TMP/held.in' '$SC_TMP/got'"
	wait_exit "$SERVER_PID"
	assertEquals "the server's status" 0 "$WAIT_STATUS"
}

test_framed_malformed() {
	server s -lk --websocket -e /bin/cat 127.0.0.1 0 || fail "no server"
	# A text part then a binary record in its message, a header line
	# with no end in sight.  Each ends the client at once: our close
	# goes with the error and the server answers it (not the 5 seconds
	# a close unanswered is given).
	long="T $(printf '%0100d' 7)"
	for bad in 'X 5\nhello' 'T five\nhello' 'T 5 \nhello' 'T -1\n' \
	    'T 99999999999999999999\n' 'T 2\n\377\376' 'T 2\nab\n' \
	    't 2\nabB 1\nc' "$long"; do
		printf "$bad" | t 4 "$SC" --ws-framed \
		    "ws://127.0.0.1:$PORT/" >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$bad: status" 1 $?
		assertEquals "$bad: one line: $(<"$SC_TMP/err")" 1 \
		    "$(wc -l <"$SC_TMP/err")"
		grep -q -- '--ws-framed: ' "$SC_TMP/err" ||
		    fail "$bad: $(<"$SC_TMP/err")"
	done
	grep -q -- '--ws-framed: a header line too long: "T 0000' \
	    "$SC_TMP/err" || fail "long header: $(<"$SC_TMP/err")"
	# A length past a --ws-max-message under 9 in one digit: not sent.
	printf 'T 7\nhelloab' | t 4 "$SC" --ws-framed --ws-max-message 5 \
	    "ws://127.0.0.1:$PORT/" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "past a small max: status" 1 $?
	assertEquals "past a small max" \
	    'sockcat: write to network: --ws-framed: not a record header ("T length" or "B length"): "T 7"' \
	    "$(<"$SC_TMP/err")"
	# The records before a bad one go, and what the server answers to
	# them is shown.
	printf 'T 2\nokX 5\nhello' | t 4 "$SC" --ws-framed \
	    "ws://127.0.0.1:$PORT/" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "after good records: status" 1 $?
	assertEquals "the good records answered" "T 2
ok" "$(<"$SC_TMP/out")"
	printf 't 2\nabB 1\nc' | t 20 "$SC" --ws-framed -q 1 \
	    "ws://127.0.0.1:$PORT/" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "a record of another kind" \
	    'sockcat: write to network: --ws-framed: a record of another kind inside a message: "B 1"' \
	    "$(<"$SC_TMP/err")"
	# An input that ends inside a record: its part went, and the client
	# says so at once and exits 1, with -N, -q or neither (nothing else
	# would end it), never 0 as if the message had gone whole.
	for f in -N "-q 1" ""; do
		# shellcheck disable=SC2086
		printf 'T 5\nhel' | t 20 "$SC" --ws-framed $f \
		    "ws://127.0.0.1:$PORT/" >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "ended inside a record ($f): status" 1 $?
		assertEquals "ended inside a record ($f)" \
		    "sockcat: write to network: --ws-framed: the input ended inside a record" \
		    "$(<"$SC_TMP/err")"
	done
}

test_command_line() {
	expect_error "must use -l --websocket with --ws-static, \
--ws-allow-origin, --ws-path and --ws-server-header" \
	    --ws-static . 127.0.0.1 80
	expect_error "must use --websocket or a ws:// URL with --ws-* options" \
	    -l --ws-path /x 0
	expect_error "ws-path invalid: x (a path starts with /)" \
	    -l --websocket --ws-path x 0
	# A value that goes into the upgrade's lines is one line: a line
	# break would add a header of its own to the request.
	for opt in ws-protocol ws-origin; do
		expect_error "$opt invalid: a control character is in it" \
		    "--$opt" "$(printf 'chat\r\nX-Evil: 1')" ws://127.0.0.1:1/
	done
	for opt in ws-path ws-allow-origin; do
		expect_error "$opt invalid: a control character is in it" \
		    -l --websocket "--$opt" "$(printf '/a\001')" 0
	done
	expect_error "cannot use --ws-framed with --ws-binary" \
	    --ws-framed --ws-binary ws://127.0.0.1:1/
	expect_error "ws-static: $SC_TMP/none: No such file or directory" \
	    -l --websocket --ws-static "$SC_TMP/none" 0
}

sc_run_shunit2
