#!/bin/bash
# Datagram forwarding (-u -l ... --forward): each client peer gets its own
# socket towards the target, replies go back to that peer alone, and a
# quiet peer's session ends after the idle time-out.  Loopback only.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

PEER="python3 $(dirname "$0")/fwdpeer.py"

udp_echo() {
	bg $PEER udp-echo "$SC_TMP/be.port"
	wait_for "$SC_TMP/be.port" '^[0-9]+$' 15 || fail "no UDP backend"
	BPORT=$(<"$SC_TMP/be.port")
}

# send_dgram PORT TEXT: one datagram from a fresh socket; prints the reply.
send_dgram() {
	t 15 $UDPPEER "$1" raw "$2" recv | cut -d: -f2-
}

test_two_peers_get_their_own_replies() {
	udp_echo
	server fw -u -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" || return
	t 30 $PEER udp-clients 127.0.0.1 "$PORT" "$SC_TMP/got"
	assertEquals "clients" 0 $?
	assertEquals "a got only its own" "from-a-0 from-a-1 from-a-2" \
	    "$(awk '$1 == "a" { printf "%s%s", s, $2; s = " " }' "$SC_TMP/got")"
	assertEquals "b got only its own" "from-b-0 from-b-1 from-b-2" \
	    "$(awk '$1 == "b" { printf "%s%s", s, $2; s = " " }' "$SC_TMP/got")"
	# The backend saw one socket per peer: one port for a, another for b.
	pa=$(awk '$1 == "a" { print $3 }' "$SC_TMP/got" | sort -u)
	pb=$(awk '$1 == "b" { print $3 }' "$SC_TMP/got" | sort -u)
	assertEquals "one upstream socket for a" 1 "$(echo "$pa" | wc -l)"
	assertEquals "one upstream socket for b" 1 "$(echo "$pb" | wc -l)"
	assertNotEquals "a socket each" "$pa" "$pb"
	assertEquals "two sessions" 2 "$(grep -c 'forwarded to' "$SC_TMP/fw.err")"
}

test_idle_timeout_ends_a_session() {
	udp_echo
	server fw -u -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --idle-timeout 1 --stats || return
	assertEquals "relayed" "hello" "$(send_dgram "$PORT" hello)"
	assertTrue "the quiet peer is forgotten" \
	    "wait_for '$SC_TMP/fw.err' ': idle, 5 bytes up, [0-9]+ bytes down' 15"
	assertEquals "a new peer is served again" "again" "$(send_dgram "$PORT" again)"
}

test_without_k_one_peer() {
	udp_echo
	server fw -u -l 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --idle-timeout 1 || return
	assertEquals "relayed" "once" "$(send_dgram "$PORT" once)"
	wait_exit "$SERVER_PID" 15
	assertEquals "exits when its one peer's session ends" 0 "$WAIT_STATUS"
}

# A datagram the target refuses (nothing is there yet: ICMP) is lost, as
# datagrams are, and ends nothing: the peer's next one gets through, in
# the same session, once the target is up.
test_a_refusal_ends_nothing() {
	bport=$(free_port)
	server fw -u -lk 127.0.0.1 0 --forward "127.0.0.1:$bport" || return
	bg t 40 $UDPPEER "$PORT" send one quiet until "$SC_TMP/b.port" \
	    send two recv >"$SC_TMP/got"
	assertTrue "refused" "wait_for '$SC_TMP/got' '^TIMEOUT$' 15"
	bg t 30 $UDPPEER --serve "$SC_TMP/b.port" --bind "127.0.0.1:$bport" \
	    echo 1
	assertTrue "answered" "wait_for '$SC_TMP/got' '^two$' 20"
	assertEquals "one session" 1 "$(grep -c 'forwarded to' "$SC_TMP/fw.err")"
	assertNotContains "nothing reset" "$(<"$SC_TMP/fw.err")" ": reset"
}

# A stream target (here a Unix-domain one): each peer gets a connection
# of its own, each datagram relayed as it came, and what comes back sent
# to that peer.
test_unix_stream_target() {
	bg t 60 "$SC" -lkU "$SC_TMP/echo.sock" -e /bin/cat
	wait_until unix_listening "$SC_TMP/echo.sock" || fail "no echo socket"
	server fw -u -lk 127.0.0.1 0 --forward "unix:$SC_TMP/echo.sock" ||
	    return
	assertEquals "one peer" "hello" "$(send_dgram "$PORT" hello)"
	assertEquals "another" "again" "$(send_dgram "$PORT" again)"
	assertEquals "two sessions" 2 "$(grep -c 'forwarded to' "$SC_TMP/fw.err")"
}

sc_run_shunit2
