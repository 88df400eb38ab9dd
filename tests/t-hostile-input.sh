#!/bin/bash
# Hostile input to every listening mode: control characters and escape
# sequences to room and chat, and binary garbage to one-shot and -k
# listeners, broker, room and the proxy servers.  Each must stay up (or
# end sanely) and go on serving.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"
sc_require python3

PTY_RUN="${TESTS_DIR:-$(dirname "$0")}/pty-run.py"

# --- Hostile text to chat and room ----------------------------------------

test_hostile_text_to_room() {
	server srv --room 127.0.0.1 0 || fail "no server"
	client c1 7
	wait_for "$SC_TMP/c1.out" 'Welcome' || fail "no welcome"
	client c2 8
	wait_for "$SC_TMP/c1.out" 'as <user2>\.$' || fail "no clients"
	# Invalid UTF-8, escape sequences, a NUL; then a 100 KB line.
	say 7 '\377\376\300\200 utf8 \033[2J\033]0;t\007 \000nul\r\n'
	head -c 102400 /dev/zero | tr '\0' b >&7
	say 7 '\nafter\n'
	wait_for "$SC_TMP/c2.out" '^<user1> after$' || fail "not relayed"
	assertEquals "controls escaped" 1 "$(grep -c \
	    ' utf8 \\x1b\[2J\\x1b\]0;t\\x07 \\x00nul$' "$SC_TMP/c2.out")"
	assertEquals "bytes that are no UTF-8 escaped" 1 "$(grep -c \
	    '^<user1> \\xff\\xfe\\xc0\\x80 utf8' "$SC_TMP/c2.out")"
	assertEquals "the long line cut, its rest dropped" 1 \
	    "$(grep -Ec '^<user1> b{4096}$' "$SC_TMP/c2.out")"
	assertEquals "nothing else of it" 1 \
	    "$(grep -c '^<user1> b*$' "$SC_TMP/c2.out")"
	assertEquals "no empty message" 0 "$(grep -c '^<user1> $' \
	    "$SC_TMP/c2.out")"
	assertEquals "no raw control character" 0 "$(tr -d '\n\t' \
	    <"$SC_TMP/c2.out" | LC_ALL=C grep -c '[[:cntrl:]]')"
	# Both are still in the room, and talk.
	say 8 'still here\n'
	assertTrue "c1 hears c2" \
	    "wait_for '$SC_TMP/c1.out' '^<user2> still here$'"
	assertTrue "server alive" "kill -0 $SERVER_PID"
	hush 7 8
}

test_hostile_text_to_chat_terminal() {
	console srv 6
	server srv --chat -n -l 127.0.0.1 0 || fail "no server"
	mkfifo "$SC_TMP/c.in"
	exec 7<>"$SC_TMP/c.in"
	# Not through bg: a function run in the background reads /dev/null.
	PTY_STDOUT=1 timeout -k 2 20 python3 "$PTY_RUN" "$SC_TMP/tty" \
	    "$SC" --chat -n 127.0.0.1 "$PORT" <"$SC_TMP/c.in" 6>&- 7>&- &
	cl=$!
	SC_PIDS="$SC_PIDS $cl"
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	printf '\377\376\300\200 utf8 \033[2J\033]0;t\007 \000nul\r\n' >&6
	head -c 102400 /dev/zero | tr '\0' b >&6
	printf '\nafter\n:q\n' >&6
	wait_exit "$cl"
	assertEquals "the client ends as the peer leaves" 0 "$WAIT_STATUS"
	assertTrue "shown" "LC_ALL=C grep -q '< after' '$SC_TMP/tty'"
	assertTrue "escaped" "LC_ALL=C grep -q \
	    '< \\\\xff\\\\xfe\\\\xc0\\\\x80 utf8 \\\\x1b\\[2J\\\\x1b\\]0;t\\\\x07 \\\\x00nul' '$SC_TMP/tty'"
	assertEquals "the long line whole" 102400 "$(LC_ALL=C sed \
	    's/\\x1b//g' "$SC_TMP/tty" | tr -cd b | wc -c)"
	# Only our own marks (CR, ESC [K) are control sequences.
	assertEquals "no raw control from the peer" 0 "$(sed \
	    "s/$(printf '\033')\[K//g" "$SC_TMP/tty" | tr -d '\r\n\t' |
	    LC_ALL=C grep -c '[[:cntrl:]]')"
	exec 6>&- 7>&-
}

# A line behind bytes that are not UTF-8, as a console shows a TLS
# ClientHello and then the next caller's line: the suites' waits find it
# in any locale (bash's own regex, in a UTF-8 one, would not).
test_line_behind_bytes_not_utf8() {
	local LC_ALL=C.UTF-8
	server srv -l 127.0.0.1 0 || fail "no server"
	printf '\323\000\377line after\n' |
	    t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	assertTrue "wait_for sees it" \
	    "wait_for '$SC_TMP/srv.out' 'line after\$'"
	assertTrue "wait_lines counts it" \
	    "wait_lines '$SC_TMP/srv.out' '^.*line after\$' 1"
}

# --- Binary garbage to every listening mode -------------------------------

# send_garbage PORT [unix]: 64 KiB of random bytes to 127.0.0.1 PORT (or
# the Unix socket PORT), then read what comes back until the end or 3 s
# of silence; what came back is in SC_TMP/back.
send_garbage() {
	t 15 python3 - "$1" "$SC_TMP/garbage" "$SC_TMP/back" "${2:-}" <<'PYEOF'
import socket, sys
where, data, back, kind = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
if kind == "unix":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(where)
else:
    s = socket.create_connection(("127.0.0.1", int(where)))
s.settimeout(3)
got = b""
try:
    s.sendall(open(data, "rb").read())
    s.shutdown(socket.SHUT_WR)
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
except OSError:
    pass
open(back, "wb").write(got)
PYEOF
}

# alive_after NAME: the server is still running after its garbage.
alive_after() {
	still_running "$SERVER_PID" 0.3
	assertTrue "$1 survives" $?
}

# ended_sanely NAME: the server ended by itself with status 0 or 1.
ended_sanely() {
	wait_exit "$SERVER_PID"
	assertTrue "$1 ends with 0 or 1, not $WAIT_STATUS" \
	    "[ '$WAIT_STATUS' = 0 ] || [ '$WAIT_STATUS' = 1 ]"
}

test_garbage_to_one_shot_listeners() {
	head -c 65536 /dev/urandom >"$SC_TMP/garbage"
	server srv -l 127.0.0.1 0 || fail "no server"
	send_garbage "$PORT"
	ended_sanely "-l"
	assertTrue "-l: intact" "cmp -s '$SC_TMP/garbage' '$SC_TMP/srv.out'"
	server srv -U -l "$SC_TMP/sock" || fail "no Unix server"
	send_garbage "$SC_TMP/sock" unix
	ended_sanely "-U -l"
	assertTrue "-U -l: intact" "cmp -s '$SC_TMP/garbage' '$SC_TMP/srv.out'"
	console ch 6
	server srv --chat -n -l 127.0.0.1 0 || fail "no chat server"
	send_garbage "$PORT"
	ended_sanely "--chat"
	assertTrue "--chat: intact off a terminal" \
	    "cmp -s '$SC_TMP/garbage' '$SC_TMP/srv.out'"
	exec 6>&-
}

test_garbage_to_keep_listeners() {
	head -c 65536 /dev/urandom >"$SC_TMP/garbage"
	: >"$SC_TMP/srv.in"
	server srv -k -l 127.0.0.1 0 || fail "no server"
	send_garbage "$PORT"
	alive_after "-lk"
	echo next | t 5 "$SC" -N 127.0.0.1 "$PORT"
	assertTrue "-lk serves the next" "wait_for '$SC_TMP/srv.out' 'next$'"
	rm -f "$SC_TMP/srv.in"
	server srv -k -l 127.0.0.1 0 -e /bin/cat || fail "no exec server"
	send_garbage "$PORT"
	assertTrue "-lk -e: echoed intact" \
	    "cmp -s '$SC_TMP/garbage' '$SC_TMP/back'"
	alive_after "-lk -e"
	server srv -u -k -l 127.0.0.1 0 || fail "no UDP server"
	t 10 $UDPPEER "$PORT" file "$SC_TMP/garbage" 1024 raw $'\nlast\n'
	assertTrue "-u -l -k: the last datagram too" \
	    "wait_for '$SC_TMP/srv.out' '^last$'"
	alive_after "-u -l -k"
}

test_garbage_to_broker_and_room() {
	head -c 65536 /dev/urandom >"$SC_TMP/garbage"
	for mode in --broker --room; do
		server srv "$mode" 127.0.0.1 0 || fail "no $mode server"
		client c1 7
		client c2 8
		wait_clients srv 2
		send_garbage "$PORT"
		alive_after "$mode"
		say 7 'plain words\n'
		assertTrue "$mode relays the next line" \
		    "wait_for '$SC_TMP/c2.out' 'plain words$'"
		assertTrue "c1 still there" "kill -0 $CLIENT_PID"
		hush 7 8
		rm -f "$SC_TMP/c1.in" "$SC_TMP/c2.in"
	done
}

test_garbage_to_proxy_servers() {
	head -c 65536 /dev/urandom >"$SC_TMP/garbage"
	server dst -k -l 127.0.0.1 0 || fail "no destination"
	dport=$PORT
	for type in socks5 http; do
		server px -l 127.0.0.1 0 --proxy-type "$type" ||
		    fail "no $type proxy"
		send_garbage "$PORT"
		alive_after "$type proxy"
		x=5
		[ "$type" = http ] && x=connect
		echo "through $type" | t 5 "$SC" -N -X "$x" \
		    -x "127.0.0.1:$PORT" 127.0.0.1 "$dport"
		assertTrue "$type proxy serves the next" \
		    "wait_for '$SC_TMP/dst.out' 'through $type'"
	done
}

sc_run_shunit2
