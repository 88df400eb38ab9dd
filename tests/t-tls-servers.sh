#!/bin/bash
# TLS with the servers that serve many clients: --broker and --room over
# TLS (sockcat and openssl s_client as clients), a client that never
# completes its handshake dropped quickly without stopping the others,
# and programs over TLS (-l -k --ssl -e), started while the handshake
# runs.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"
sc_require openssl python3
sc_require_tls

# The test certificates (make_certs) in CERTS, made once.
sc_certs

# Wait until the server NAME has completed $2 TLS handshakes.
wait_tls() {
	wait_lines "$SC_TMP/$1.err" '^TLS peer sent no certificate' "$2" \
	    "${3:-$SC_WAIT}"
}

test_broker_over_tls() {
	server srv --broker --monitor --ssl -d 127.0.0.1 0 || fail "no server"
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
	SERVER_TIMEOUT=40 server srv --broker --monitor --ssl -d -w 6 \
	    127.0.0.1 0 ||
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

# --- When a program starts ---------------------------------------------
#
# A TLS server starts a client's program when it admits the client, as
# it does without TLS, so that the program starts while the handshake
# runs; it gives the program nothing before the handshake has succeeded.
# Not when it asks the client for a certificate (--ssl-verify,
# --ssl-pin).  The programs below log to L what they do, and the TLS
# client of earlypeer.py starts its handshake once the log says so.

# tls_program COMMAND [options...]: a server srv with the test certificate
# running COMMAND (sh -c) for each client, L set to $SC_TMP/prog.log.
tls_program() {
	_cmd=$1
	shift
	server srv -lk --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    "$@" 127.0.0.1 0 -c "L='$SC_TMP/prog.log'; $_cmd" ||
	    { fail "no server"; return 1; }
}

test_program_started_during_the_handshake() {
	tls_program 'echo start >>"$L"; tee -a "$L"; echo end >>"$L"' ||
	    return
	# This client sends no ClientHello: its handshake cannot end.
	raw_client h 8
	assertTrue "the program starts while the client's handshake runs" \
	    "wait_for '$SC_TMP/prog.log' '^start$' 8"
	assertFalse "the client is still there" "gone $RAW_PID"
	# An HTTP request where the ClientHello should be: the handshake
	# fails, and the program sees end-of-file, not the request.
	printf 'GET / HTTP/1.0\r\n\r\n' >&8
	exec 8>&-
	wait_exit "$RAW_PID"
	assertTrue "-v: the handshake failed" \
	    "wait_for '$SC_TMP/srv.err' 'TLS handshake failed' 10"
	assertTrue "the program sees end-of-file" \
	    "wait_for '$SC_TMP/prog.log' '^end$' 10"
	assertEquals "given nothing" "start
end" "$(<"$SC_TMP/prog.log")"
	assertEquals "nothing for the client" "" "$(<"$SC_TMP/h.out")"
	assertFalse "the listener goes on" "gone $SERVER_PID"
}

test_program_output_waits_for_the_handshake() {
	tls_program 'echo 220 ready; echo start >>"$L"; exec cat' || return
	# The client starts its handshake once the program has written its
	# banner: the server holds it until the handshake is over.
	t 20 $EARLY tls-client "$PORT" "$CERTS/ca.pem" "$SC_TMP/prog.log" \
	    '^start$' "$SC_TMP/c" ping
	assertEquals "client" "seen
handshake ok
echoed" "$(<"$SC_TMP/c")"
	assertEquals "the banner, then the echo" "220 ready
ping" "$(<"$SC_TMP/c.data")"
}

test_program_that_exits_during_the_handshake() {
	# -vv says when the program has exited: before the handshake.
	tls_program 'echo bye' -v || return
	t 20 $EARLY tls-client "$PORT" "$CERTS/ca.pem" "$SC_TMP/srv.err" \
	    'program pid [0-9]+ exited with status 0$' "$SC_TMP/c"
	assertEquals "client" "seen
handshake ok
eof" "$(<"$SC_TMP/c")"
	assertEquals "what it wrote is delivered" "bye" "$(<"$SC_TMP/c.data")"
}

# How many programs the server (under timeout) is running now.
programs() {
	_sc=$(pgrep -P "$SERVER_PID" | head -n 1)
	pgrep -P "$_sc" | wc -l
}

# Thirty clients that connect and say nothing get 8 programs at most
# between them (each got one, and kept it until its handshake's end);
# a client that then completes its handshake gets its own all the same.
test_silent_clients_start_few_programs() {
	tls_program 'exec cat' -n || return
	held_stdin hold 8
	bg_in "$SC_TMP/hold" t 30 python3 -c '
import socket, sys
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(30)]
sys.stdin.read()
' "$PORT"
	_holder=$BG_PID
	wait_lines "$SC_TMP/srv.err" '^Connection received on ' 30 ||
	    fail "the clients did not connect"
	_n=$(programs)
	assertTrue "$_n programs for 30 silent clients: at most 8" \
	    "[ $_n -le 8 ]"
	echo "late" | t 20 "$SC" -N --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client" 0 $?
	assertEquals "echoed" "late" "$(<"$SC_TMP/c.out")"
	exec 8>&-
	wait_exit "$_holder"
	assertTrue "their programs end with them" \
	    "wait_until [ \"\$(programs)\" -eq 0 ]"
}

# late_program [server options...]: the server asks each client for a
# certificate.  Neither a client still in its handshake nor one without a
# certificate gets a program; one with a certificate does.
late_program() {
	tls_program 'echo start >>"$L"; exec cat' "$@" || return
	cert_clients srv
	assertEquals "one program, the verified client's" "start" \
	    "$(<"$SC_TMP/prog.log")"
}

test_no_early_program_with_ssl_verify() {
	late_program --ssl-verify --ssl-trustfile "$CERTS/ca.pem"
}

test_no_early_program_with_ssl_pin() {
	late_program --ssl-pin "$(t 10 openssl x509 -in "$CERTS/cli.pem" \
	    -noout -fingerprint -sha256 | sed 's/.*=//')"
}

sc_run_shunit2
