#!/bin/bash
# UDP: client and listener over IPv4 and IPv6, the -v reports, a listener
# locking onto its first peer, -k serving every peer with replies to the
# right one, -zu probes, -q and -w ending a client, whole datagrams up to
# 64 KiB, and talking to an independent (Python) UDP server and client.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
	endSkipping
}

# A UDP port nobody listens on.
closed_udp_port() {
	CLOSED=$(free_port udp) || fail "no free port"
}

test_client_to_listener() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	assertEquals "Bound on localhost $PORT" "$(head -n 1 "$SC_TMP/srv.err")"
	printf 'hello\n' | t 5 "$SC" -u -q 0 127.0.0.1 "$PORT"
	assertEquals "client status" 0 $?
	assertTrue "datagram received" "wait_for '$SC_TMP/srv.out' '^hello$'"
	assertTrue "Connection received after the first datagram" \
	    "grep -Eq '^Connection received on localhost [0-9]+$' '$SC_TMP/srv.err'"
	assertTrue "a UDP listener does not end with its peer's data" \
	    "still_running $SERVER_PID 1"
}

test_listener_replies_to_its_peer() {
	printf 'reply\n' >"$SC_TMP/srv.in"
	server srv -u -l 127.0.0.1 0 || fail "no server"
	held_stdin c.in 7
	echo ping >&7
	bg_in "$SC_TMP/c.in" timeout 5 "$SC" -u 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertTrue "reply received" "wait_for '$SC_TMP/c.out' '^reply$'"
	assertFileEquals "$SC_TMP/srv.out" "ping"
}

test_verbose_client() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	echo x | t 5 "$SC" -v -u -q 0 127.0.0.1 "$PORT" 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	assertEquals "Connection to 127.0.0.1 $PORT port [udp/*] succeeded!" \
	    "$(<"$SC_TMP/c.err")"
	# No probe bytes precede the data.
	assertTrue "wait_for '$SC_TMP/srv.out' '^x$'"
}

test_listener_locks_onto_first_peer() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	# One process, two sockets: A speaks first, then B, then A again.
	t 5 python3 - "$PORT" <<'EOF' >"$SC_TMP/py.out" 2>&1
import socket, sys, time
port = int(sys.argv[1])
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.sendto(b"a1\n", ("127.0.0.1", port))
time.sleep(0.3)
b.sendto(b"b1\n", ("127.0.0.1", port))
time.sleep(0.3)
a.sendto(b"a2\n", ("127.0.0.1", port))
EOF
	assertTrue "second datagram of A" "wait_for '$SC_TMP/srv.out' '^a2$'"
	assertEquals "only the first peer is heard" "$(printf 'a1\na2')" \
	    "$(<"$SC_TMP/srv.out")"
	assertEquals 1 "$(grep -c '^Connection received' "$SC_TMP/srv.err")"
}

# Start "sockcat -v ARGS" whose stdout, through sed, is its stdin: an echo
# server that prefixes each line with "echo:".  The FIFOs are opened in an
# order that cannot deadlock: out before loop on both sides.
echo_server() {
	mkfifo "$SC_TMP/loop" "$SC_TMP/out"
	# Not through bg(): the FIFOs must be opened by the children.
	timeout 60 "$SC" -v "$@" 2>"$SC_TMP/srv.err" >"$SC_TMP/out" \
	    <"$SC_TMP/loop" &
	SC_PIDS="$SC_PIDS $!"
	timeout 15 sed -u 's/^/echo:/' <"$SC_TMP/out" >"$SC_TMP/loop" &
	SC_PIDS="$SC_PIDS $!"
	wait_for "$SC_TMP/srv.err" '^Bound on ' || fail "no server"
	PORT=$(sed -n 's/^Bound on .* //p' "$SC_TMP/srv.err")
}

test_keep_two_clients_at_once() {
	echo_server -u -l -k 127.0.0.1 0
	held_stdin a.in 7
	held_stdin b.in 8
	bg_in "$SC_TMP/a.in" timeout 15 "$SC" -u 127.0.0.1 "$PORT" \
	    >"$SC_TMP/a.out"
	bg_in "$SC_TMP/b.in" timeout 15 "$SC" -u 127.0.0.1 "$PORT" \
	    >"$SC_TMP/b.out"
	echo a1 >&7
	assertTrue "a1" "wait_for '$SC_TMP/a.out' '^echo:a1$'"
	echo b1 >&8
	assertTrue "b1" "wait_for '$SC_TMP/b.out' '^echo:b1$'"
	echo a2 >&7
	assertTrue "a2" "wait_for '$SC_TMP/a.out' '^echo:a2$'"
	echo b2 >&8
	assertTrue "b2" "wait_for '$SC_TMP/b.out' '^echo:b2$'"
	assertEquals "A gets only its replies" "$(printf 'echo:a1\necho:a2')" \
	    "$(<"$SC_TMP/a.out")"
	assertEquals "B gets only its replies" "$(printf 'echo:b1\necho:b2')" \
	    "$(<"$SC_TMP/b.out")"
	assertEquals "each new peer reported" 2 \
	    "$(grep -c '^Connection received on localhost' "$SC_TMP/srv.err")"
}

test_keep_holds_stdin_until_a_peer() {
	printf 'early\n' >"$SC_TMP/srv.in"
	server srv -u -l -k 127.0.0.1 0 || fail "no server"
	t 5 $UDPPEER --timeout 4 "$PORT" send hi recv >"$SC_TMP/py.out" 2>&1
	assertEquals "stdin sent to the first peer" "early" \
	    "$(<"$SC_TMP/py.out")"
}

test_python_echo_server() {
	bg timeout 10 $UDPPEER --timeout 8 --serve "$SC_TMP/py.port" upper 2
	wait_for "$SC_TMP/py.port" '^[0-9]+$' || fail "no python server"
	port=$(<"$SC_TMP/py.port")
	held_stdin c.in 7
	bg_in "$SC_TMP/c.in" timeout 10 "$SC" -u 127.0.0.1 "$port" >"$SC_TMP/c.out"
	echo one >&7
	assertTrue "wait_for '$SC_TMP/c.out' '^ONE$'"
	echo two >&7
	assertTrue "wait_for '$SC_TMP/c.out' '^TWO$'"
	assertEquals "$(printf 'ONE\nTWO')" "$(<"$SC_TMP/c.out")"
}

test_python_client_to_keep_listener() {
	server srv -u -l -k 127.0.0.1 0 || fail "no server"
	t 5 $UDPPEER "$PORT" send "peer 0" new send "peer 1" new send "peer 2"
	assertTrue "wait_for '$SC_TMP/srv.out' '^peer 2$'"
	assertEquals "$(printf 'peer 0\npeer 1\npeer 2')" \
	    "$(<"$SC_TMP/srv.out")"
}

test_large_datagrams_whole() {
	head -c 60000 /dev/urandom >"$SC_TMP/big"
	# sockcat sends the file as one datagram; Python counts it.
	bg timeout 10 $UDPPEER --timeout 8 --serve "$SC_TMP/py.port" \
	    count "$SC_TMP/py.out"
	wait_for "$SC_TMP/py.port" '^[0-9]+$' || fail "no python server"
	t 5 "$SC" -u -q 0 127.0.0.1 "$(<"$SC_TMP/py.port")" <"$SC_TMP/big"
	assertTrue "wait_for '$SC_TMP/py.out' '^[0-9]+$'"
	assertEquals "one datagram of 60000 bytes" 60000 "$(<"$SC_TMP/py.out")"

	# And a listener writes a 65507-byte datagram out whole.
	server srv -u -l 127.0.0.1 0 || fail "no server"
	t 5 $UDPPEER "$PORT" big 65507
	wait_size "$SC_TMP/srv.out" 65507
	assertEquals 65507 "$(stat -c %s "$SC_TMP/srv.out")"
}

test_empty_datagram_is_not_eof() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	t 5 $UDPPEER "$PORT" raw "" send after
	assertTrue "wait_for '$SC_TMP/srv.out' '^after$'"
	assertTrue "still serving" "kill -0 $SERVER_PID"
}

test_ipv6() {
	server srv -6 -u -l ::1 0 || fail "no IPv6 server"
	assertEquals "Bound on ::1 $PORT" "$(head -n 1 "$SC_TMP/srv.err")"
	echo six | t 5 "$SC" --ipv6 --udp -q 0 ::1 "$PORT"
	assertEquals 0 $?
	assertTrue "wait_for '$SC_TMP/srv.out' '^six$'"
	assertTrue "grep -Eq '^Connection received on ::1 [0-9]+$' '$SC_TMP/srv.err'"
}

test_ipv6_keep_replies() {
	echo_server -6 -u -l -k ::1 0
	held_stdin c.in 7
	echo v6 >&7
	bg_in "$SC_TMP/c.in" timeout 10 "$SC" -6 -u ::1 "$PORT" >"$SC_TMP/c.out"
	assertTrue "wait_for '$SC_TMP/c.out' '^echo:v6$'"
}

test_scan() {
	server srv -u -l -k 127.0.0.1 0 || fail "no server"
	open=$PORT
	t 5 "$SC" -zuv -w 300ms 127.0.0.1 "$open" 2>"$SC_TMP/scan.err"
	assertEquals "open port" 0 $?
	assertEquals "Connection to 127.0.0.1 $open port [udp/*] succeeded!" \
	    "$(<"$SC_TMP/scan.err")"
	closed_udp_port
	t 5 "$SC" -zuv 127.0.0.1 "$CLOSED" 2>"$SC_TMP/scan.err"
	assertEquals "closed port" 1 $?
	assertEquals "a refused port is not reported" "" \
	    "$(<"$SC_TMP/scan.err")"
	t 5 "$SC" -zun -v -w 300ms 127.0.0.1 "$CLOSED" "$open" \
	    2>"$SC_TMP/scan.err"
	assertEquals "one of two open" 0 $?
	assertEquals "Connection to 127.0.0.1 $open port [udp/*] succeeded!" \
	    "$(<"$SC_TMP/scan.err")"
}

test_client_without_q_stays() {
	# bg() runs it with stdin from /dev/null.
	server srv -u -l 127.0.0.1 0 || fail "no server"
	bg timeout 5 "$SC" -u 127.0.0.1 "$PORT"
	assertTrue "stdin EOF does not end a UDP client" \
	    "still_running $BG_PID 1"
}

test_quit_after_eof() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	start=$(date +%s%N)
	echo q | t 10 "$SC" -u -q 1 127.0.0.1 "$PORT"
	assertEquals 0 $?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assertTrue "-q 1 waited about a second ($ms ms)" \
	    "[ $ms -ge 900 ] && [ $ms -lt 5000 ]"
	assertTrue "wait_for '$SC_TMP/srv.out' '^q$'"
}

test_wait_idle() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	held_stdin c.in 7
	start=$(date +%s%N)
	t 10 "$SC" -u -w 500ms 127.0.0.1 "$PORT" <"$SC_TMP/c.in"
	assertEquals 0 $?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	# Not before its 500 ms, and well before timeout(1)'s 10 s (which
	# a loaded machine may bring to a few seconds).
	assertTrue "-w ended an idle client ($ms ms)" \
	    "[ $ms -ge 400 ] && [ $ms -lt 6000 ]"
}

# A port that refuses ends the client: as nc, with status 0 and nothing
# said (nothing stdin gave was lost), -v says it; --fail-on-error fails.
test_refused() {
	closed_udp_port
	echo x | t 5 "$SC" -u 127.0.0.1 "$CLOSED" 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	assertEquals "" "$(<"$SC_TMP/c.err")"
	echo x | t 5 "$SC" -u --fail-on-error 127.0.0.1 "$CLOSED" \
	    2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: read from network: Connection refused" \
	    "$(<"$SC_TMP/c.err")"
}

test_port_in_use() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -u -l 127.0.0.1 "$PORT" </dev/null 2>"$SC_TMP/err"
	assertEquals "a second listener fails" 1 $?
	assertEquals "sockcat: Address already in use (127.0.0.1 port $PORT)" \
	    "$(<"$SC_TMP/err")"
}

test_source_port() {
	local i sport
	server srv -u -l 127.0.0.1 0 || fail "no server"
	sport=$PORT
	# A port that was free a moment ago may have been taken since by a
	# suite running beside this one: then another is tried.
	for i in 1 2 3; do
		closed_udp_port
		echo src | t 5 "$SC" -vn -u -q 0 -p "$CLOSED" 127.0.0.1 \
		    "$sport" 2>"$SC_TMP/c.err"
		grep -q "Address already in use" "$SC_TMP/c.err" || break
	done
	assertEquals "client said" "" "$(grep -v '^Connection to' "$SC_TMP/c.err")"
	assertTrue "wait_for '$SC_TMP/srv.out' '^src$'"
	assertTrue "sent from the -p port" \
	    "grep -q '^Connection received on localhost $CLOSED\$' '$SC_TMP/srv.err'"
}

# A UDP client's -p port is its own (issue 52): another user (nobody)
# can bind it neither with SO_REUSEADDR nor with SO_REUSEPORT, with -s or
# without.  Bound with SO_REUSEADDR, it let nobody bind the same address
# and port, connect to the same peer and receive the peer's replies.
test_source_port_is_ours() {
	local src
	server srv -u -lk 127.0.0.1 0 || fail "no server"
	for src in "" 127.0.0.1; do
		closed_udp_port
		rm -f "$SC_TMP/c.in"
		held_stdin c.in 8
		bg_in "$SC_TMP/c.in" t 30 "$SC" -u -q 0 -p "$CLOSED" \
		    ${src:+-s "$src"} 127.0.0.1 "$PORT" 2>"$SC_TMP/c.err"
		echo "from${src:+ $src}" >&8
		assertTrue "${src:-any}: sent" \
		    "wait_for '$SC_TMP/srv.out' '^from${src:+ $src}\$'"
		_got=$(bind_as_nobody "$CLOSED")
		[ $? -eq 77 ] && { sc_skip "cannot run as user nobody"; return; }
		assertEquals "${src:-any}: another user" \
		    "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" "$_got"
		exec 8>&-
		wait_exit "$BG_PID"
		assertEquals "${src:-any}: client" 0 "$WAIT_STATUS"
	done
}

sc_run_shunit2
