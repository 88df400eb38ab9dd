#!/bin/bash
# TLS with the servers that serve many clients: --broker and --room over
# TLS (sockcat and openssl s_client as clients), a client that never
# completes its handshake dropped quickly without stopping the others,
# and programs over TLS (-l -k --ssl -e).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"
sc_require openssl
sc_require_tls

# Wait until the server NAME has completed $2 TLS handshakes.
wait_tls() {
	wait_lines "$SC_TMP/$1.err" '^TLS peer sent no certificate' "$2" \
	    "${3:-$SC_WAIT}"
}

test_broker_over_tls() {
	server srv --broker --ssl -d 127.0.0.1 0 || fail "no server"
	client c1 7 -N --ssl 127.0.0.1 "$PORT"
	client c2 8 -N --ssl 127.0.0.1 "$PORT"
	wait_tls srv 2 || fail "no TLS clients"
	say 7 'secret one\n'
	assertTrue "relayed to c2" "wait_for '$SC_TMP/c2.out' '^secret one$'"
	assertTrue "on stdout" "wait_for '$SC_TMP/srv.out' '^secret one$'"
	say 8 'secret two\n'
	assertTrue "relayed to c1" "wait_for '$SC_TMP/c1.out' '^secret two$'"
	assertEquals "secret two" "$(<"$SC_TMP/c1.out")"
	# What a plain client would see: not the relayed text.
	client p 9 -N 127.0.0.1 "$PORT"
	say 9 'not a ClientHello\n'
	assertTrue "a plain client fails the handshake" \
	    "wait_for '$SC_TMP/srv.err' 'TLS handshake failed'"
	say 7 'secret three\n'
	assertTrue "wait_for '$SC_TMP/c2.out' '^secret three$'"
	assertFalse "no clear text to a plain client" \
	    "grep -q secret '$SC_TMP/p.out'"
}

test_room_over_tls_with_s_client() {
	server srv --room --ssl 127.0.0.1 0 </dev/null || fail "no server"
	client c1 7 -N --ssl 127.0.0.1 "$PORT"
	wait_tls srv 1 || fail "no TLS client"
	mkfifo "$SC_TMP/o.in"
	exec 8<>"$SC_TMP/o.in"
	timeout 15 openssl s_client -quiet -connect "127.0.0.1:$PORT" \
	    <"$SC_TMP/o.in" >"$SC_TMP/o.out" 2>/dev/null 7>&- 8>&- &
	SC_PIDS="$SC_PIDS $!"
	wait_tls srv 2 || fail "s_client did not connect"
	assertTrue "welcome over TLS" \
	    "wait_for '$SC_TMP/o.out' '^<announce> Welcome to the room, you are <user2>'"
	say 8 'hello room\n'
	assertTrue "line relayed" \
	    "wait_for '$SC_TMP/c1.out' '^<user2> hello room$'"
	say 7 'hello s_client\n'
	assertTrue "line relayed back" \
	    "wait_for '$SC_TMP/o.out' '^<user1> hello s_client$'"
	assertTrue "on stdout" \
	    "wait_for '$SC_TMP/srv.out' '^<user2> hello room$'"
}

test_stalled_handshake_is_bounded() {
	SERVER_TIMEOUT=40 server srv --broker --ssl -d -w 6 127.0.0.1 0 ||
	    fail "no server"
	# A client that connects and never says anything: its handshake
	# waits for it on the loop, holding up nobody, and ends at -w.
	client mute 7 -d 127.0.0.1 "$PORT"
	wait_clients srv 1 || fail "no client"
	client c1 8 -N --ssl 127.0.0.1 "$PORT"
	client c2 9 -N --ssl 127.0.0.1 "$PORT"
	wait_tls srv 2 15 || fail "TLS clients not served"
	say 8 'during the stall\n'
	assertTrue "wait_for '$SC_TMP/c2.out' '^during the stall$' 15"
	assertFalse "served while the stalled handshake was pending" \
	    "grep -q 'TLS handshake failed' '$SC_TMP/srv.err'"
	assertTrue "the stalled handshake gives up at -w" \
	    "wait_for '$SC_TMP/srv.err' 'TLS handshake failed: Connection timed out' 20"
	say 9 'after the stall\n'
	assertTrue "wait_for '$SC_TMP/c1.out' '^after the stall$' 10"
	assertTrue "server still running" "kill -0 $SERVER_PID"
}

test_program_over_tls() {
	server srv -l -k --ssl 127.0.0.1 0 -e /bin/cat || fail "no server"
	head -c 200000 /dev/urandom >"$SC_TMP/data"
	t 10 "$SC" -N --ssl 127.0.0.1 "$PORT" <"$SC_TMP/data" >"$SC_TMP/c1.out"
	assertEquals "client status" 0 $?
	assertTrue "echoed byte for byte" "cmp -s '$SC_TMP/data' '$SC_TMP/c1.out'"
	echo second | t 5 "$SC" -N --ssl 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	assertEquals "second" "$(<"$SC_TMP/c2.out")"
	# The bytes on the wire are not the clear text.
	echo plaintext | t 5 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/p.out" \
	    2>/dev/null
	assertFalse "no clear text echoed" "grep -q plaintext '$SC_TMP/p.out'"
	assertTrue "the listener keeps running" "kill -0 $SERVER_PID"
}

sc_run_shunit2
