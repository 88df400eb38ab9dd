#!/bin/bash
# The proxy server (-l --proxy-type) under the server controls:
# --max-conns refusing in the protocol's words, --allow, --deny and their
# file forms, --idle-timeout; and a program (-e) whose connection goes
# through sockcat's own SOCKS5 server.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

# pserver args...: sockcat's proxy server; sets PPORT and PSRV_PID.
pserver() {
	server px -l 127.0.0.1 0 "$@" || fail "no proxy server"
	PPORT=$PORT
	PSRV_PID=$SERVER_PID
}

# dest args...: a -k listener the proxy connects to; sets DPORT.
dest() {
	server dst -k -l 127.0.0.1 0 "$@" || fail "no destination"
	DPORT=$PORT
}

test_max_conns_socks5() {
	pserver --proxy-type socks5 --max-conns 1
	dest
	client a 7 -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	say 7 'first\n'
	assertTrue "first client relayed" \
	    "wait_for '$SC_TMP/dst.out' '^first$'"
	echo second | t 5 "$SC" -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT" \
	    >"$SC_TMP/b.out" 2>"$SC_TMP/b.err"
	assertEquals "second client refused" 1 $?
	assertEquals "sockcat: authentication method negotiation failed" \
	    "$(<"$SC_TMP/b.err")"
	assertTrue "reported" \
	    "grep -q 'refused: server full' '$SC_TMP/px.err'"
	# The first one leaving frees its place.
	stop "$CLIENT_PID"
	wait_exit "$CLIENT_PID"
	wait_until send_third
	assertTrue "a place again" "wait_for '$SC_TMP/dst.out' '^third$'"
	assertFalse "the refused one never got through" \
	    "grep -q second '$SC_TMP/dst.out'"
}

# The third client of test_max_conns_socks5, once there is room for it.
send_third() {
	echo third | t 5 "$SC" -N -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT" \
	    2>/dev/null
}

test_max_conns_http() {
	pserver --proxy-type http --max-conns 1
	dest
	client a 7 --proxy-type http -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	say 7 'first\n'
	assertTrue "wait_for '$SC_TMP/dst.out' '^first$'"
	printf 'CONNECT 127.0.0.1:%s HTTP/1.1\r\n\r\n' "$DPORT" |
	    t 5 "$SC" 127.0.0.1 "$PPORT" >"$SC_TMP/b.out" 2>/dev/null
	assertEquals "503 for the second" "HTTP/1.1 503 Service Unavailable" \
	    "$(head -n 1 "$SC_TMP/b.out" | tr -d '\r')"
}

test_deny_and_allow() {
	pserver --proxy-type socks5 --deny 127.0.0.0/8
	dest
	echo denied | t 5 "$SC" -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT" \
	    2>/dev/null
	assertEquals "denied client fails" 1 $?
	assertTrue "reported" \
	    "grep -q 'connection from 127.0.0.1 [0-9]* denied' '$SC_TMP/px.err'"
	stop "$PSRV_PID"
	wait_exit "$PSRV_PID"
	pserver --proxy-type socks5 --allow 10.0.0.0/8
	echo denied | t 5 "$SC" -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT" \
	    2>/dev/null
	assertEquals "not on the allow list" 1 $?
	stop "$PSRV_PID"
	wait_exit "$PSRV_PID"
	printf '# who\n10.0.0.0/8\n127.0.0.1\n' >"$SC_TMP/allow"
	printf '::1\n' >"$SC_TMP/deny"
	pserver --proxy-type socks5 --allowfile "$SC_TMP/allow" \
	    --denyfile "$SC_TMP/deny"
	echo allowed | t 5 "$SC" -N -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assertEquals "allowed by the file" 0 $?
	assertTrue "wait_for '$SC_TMP/dst.out' '^allowed$'"
	assertFalse "nothing denied got through" \
	    "grep -q denied '$SC_TMP/dst.out'"
}

test_idle_timeout() {
	pserver --proxy-type socks5 --idle-timeout 1
	dest
	# A client that sends nothing (-d) and waits for the other side.
	start=$(now_ms)
	bg timeout 10 "$SC" -d -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assertTrue "relayed" "wait_for '$SC_TMP/px.err' 'connected to 127.0.0.1'"
	wait_exit "$BG_PID"
	assertEquals "an idle client is disconnected" 0 "$WAIT_STATUS"
	elapsed=$(( $(now_ms) - start ))
	assertTrue "not before it was idle ($elapsed ms)" "[ $elapsed -ge 900 ]"
	assertTrue "the proxy keeps serving" "kill -0 $PSRV_PID"
	echo again | t 5 "$SC" -N -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assertTrue "wait_for '$SC_TMP/dst.out' '^again$'"
}

test_program_through_socks5() {
	pserver --proxy-type socks5
	printf 'ping\n' >"$SC_TMP/dst.in"
	server dst -N -l 127.0.0.1 0 || fail "no destination"
	DPORT=$PORT
	dst=$SERVER_PID
	t 10 "$SC" -x "127.0.0.1:$PPORT" -X 5 127.0.0.1 "$DPORT" -e /bin/cat
	assertEquals "client status" 0 $?
	wait_exit "$dst"
	assertEquals "destination status" 0 "$WAIT_STATUS"
	assertEquals "the program echoed through the proxy" "ping" \
	    "$(<"$SC_TMP/dst.out")"
	assertTrue "through the proxy" \
	    "grep -q 'connected to 127.0.0.1 port $DPORT' '$SC_TMP/px.err'"
}

sc_run_shunit2
