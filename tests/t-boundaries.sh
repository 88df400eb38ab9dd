#!/bin/bash
# A WebSocket message is a datagram too: where a pair or a --forward
# target crosses between WebSocket and UDP, one message is one datagram,
# both ways, whatever arrives together.  The peers are Python's sockets
# and websockets (tests/msgpeer.py); each counts what it received one
# message at a time.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3
sc_require_websockets

MSGPEER="${TESTS_DIR:-$(dirname "$0")}/msgpeer.py"

# peer NAME args...: a msgpeer.py server in the background, its output
# in NAME.out; its port in PPORT.
peer() {
	_n=$1
	shift
	bg t 90 python3 "$MSGPEER" "$@" >"$SC_TMP/$_n.out" 2>"$SC_TMP/$_n.err"
	wait_for "$SC_TMP/$_n.out" '^PORT ' ||
	    fail "no $_n: $(cat "$SC_TMP/$_n.err")"
	PPORT=$(sed -n 's/^PORT //p' "$SC_TMP/$_n.out")
}

# relay args...: sockcat -v with these arguments, its port in PORT (of
# its "Listening on" or, for UDP, "Bound on" line).
relay() {
	bg t 90 "$SC" -v "$@" 2>"$SC_TMP/relay.err"
	wait_for "$SC_TMP/relay.err" '^(Listening|Bound) on ' ||
	    fail "no relay: $(<"$SC_TMP/relay.err")"
	PORT=$(sed -n 's/^\(Listening\|Bound\) on .* \([0-9]*\)$/\2/p' \
	    "$SC_TMP/relay.err" | head -n 1)
}

# sizes_at NAME WANT: the line of sizes peer NAME printed is WANT.
sizes_at() {
	wait_for "$SC_TMP/$1.out" '^[0-9]+( [0-9]+)*$' 30 ||
	    fail "$1 did not get them all: $(cat "$SC_TMP/$1.out")"
	assertEquals "one message, one datagram" "$2" \
	    "$(grep -E '^[0-9]+( [0-9]+)*$' "$SC_TMP/$1.out")"
}

SIZES="10 20 30 40 50"
ALL="sent 10000, back 10000, whole 10000"

# Five binary messages through ws-l: to udp: are five datagrams.
test_ws_to_udp_five_messages() {
	peer sink udp-sink 5
	relay ws-l:127.0.0.1:0 "udp:127.0.0.1:$PPORT"
	t 40 python3 "$MSGPEER" ws-send "ws://127.0.0.1:$PORT/" $SIZES &
	sizes_at sink "$SIZES"
}

# Five datagrams through udp-l: to ws:// are five messages.
test_udp_to_ws_five_datagrams() {
	peer sink ws-sink 5
	relay udp-l:127.0.0.1:0 "ws://127.0.0.1:$PPORT/"
	t 20 python3 "$MSGPEER" udp-send "$PORT" $SIZES
	sizes_at sink "$SIZES"
}

# 10,000 messages of sizes from 1 to 1,200 bytes, fifty at a time,
# through ws-l: to a UDP echo server and back: each one whole.
test_ws_udp_bursts() {
	peer echo udp-echo
	relay ws-l:127.0.0.1:0 "udp:127.0.0.1:$PPORT"
	got=$(t 120 python3 "$MSGPEER" ws-burst "ws://127.0.0.1:$PORT/" \
	    10000 50)
	assertEquals "every boundary kept" "$ALL" "$got"
}

# The same datagrams through udp-l: to a WebSocket echo server and back.
test_udp_ws_bursts() {
	peer echo ws-echo
	relay udp-l:127.0.0.1:0 "ws://127.0.0.1:$PPORT/"
	got=$(t 120 python3 "$MSGPEER" udp-burst "$PORT" 10000 50)
	assertEquals "every boundary kept" "$ALL" "$got"
}

# --websocket --forward udp: the same, as the forwarder.
test_websocket_forward_udp() {
	peer sink udp-sink 5
	relay -lk --websocket --forward "udp:127.0.0.1:$PPORT" 127.0.0.1 0
	t 40 python3 "$MSGPEER" ws-send "ws://127.0.0.1:$PORT/" $SIZES &
	sizes_at sink "$SIZES"
	peer echo udp-echo
	relay -lk --websocket --forward "udp:127.0.0.1:$PPORT" 127.0.0.1 0
	got=$(t 120 python3 "$MSGPEER" ws-burst "ws://127.0.0.1:$PORT/" \
	    10000 50)
	assertEquals "every boundary kept" "$ALL" "$got"
}

# -u --forward ws://: a UDP listener's datagrams to a WebSocket target.
test_udp_forward_websocket() {
	peer echo ws-echo
	relay -u -lk --forward "ws://127.0.0.1:$PPORT/" 127.0.0.1 0
	got=$(t 120 python3 "$MSGPEER" udp-burst "$PORT" 10000 50)
	assertEquals "every boundary kept" "$ALL" "$got"
}

# A message longer than a datagram can be is dropped whole, and said;
# the next one goes on.
test_message_longer_than_a_datagram() {
	peer sink udp-sink 1
	relay ws-l:127.0.0.1:0 "udp:127.0.0.1:$PPORT"
	t 40 python3 "$MSGPEER" ws-send "ws://127.0.0.1:$PORT/" 70000 10 &
	sizes_at sink "10"
	assertTrue "said" "wait_for '$SC_TMP/relay.err' \
	    'WebSocket: a message longer than 65507 bytes is no datagram: dropped'"
}

# Every message a datagram can hold (65507 bytes over UDP) is one, back
# to back or 50 ms apart, compressed as websockets sends it: n bytes
# inflated once said "longer than n" and dropped the largest.  Only the
# longer ones are dropped, each said once.
test_largest_messages_that_fit() {
	peer sink udp-sink 7
	relay ws-l:127.0.0.1:0 "udp:127.0.0.1:$PPORT"
	t 40 python3 "$MSGPEER" ws-send "ws://127.0.0.1:$PORT/" \
	    1 65490 65507 65507 65508 70000 +50 65490 +50 65507 +50 10 &
	sizes_at sink "1 65490 65507 65507 65490 65507 10"
	assertEquals "the two longer ones said" 2 \
	    "$(grep -c 'WebSocket: a message longer than 65507 bytes is no datagram: dropped' \
	    "$SC_TMP/relay.err")"
}

# A message of 65507 bytes whose last fragment is empty is whole when
# that fragment comes: only a byte more would make it too long.
test_full_message_empty_last_fragment() {
	peer sink udp-sink 2
	relay ws-l:127.0.0.1:0 "udp:127.0.0.1:$PPORT"
	t 40 python3 "${TESTS_DIR:-$(dirname "$0")}/wsconf.py" raw-client \
	    "$PORT" bin/n:a:65507 cont: bin:a:3 close:c:1000 \
	    >"$SC_TMP/raw.out" 2>&1
	sizes_at sink "65507 3"
	assertNotContains "nothing dropped" "$(<"$SC_TMP/relay.err")" \
	    "no datagram"
}

# A message whose fragments come apart, with time between them, is one
# datagram all the same: what came of it is held until the rest does.
test_fragments_apart_one_datagram() {
	peer sink udp-sink 1
	relay ws-l:127.0.0.1:0 "udp:127.0.0.1:$PPORT"
	t 40 python3 "${TESTS_DIR:-$(dirname "$0")}/wsconf.py" raw-client \
	    "$PORT" bin/n:s:part1 sleep:0.5 cont:s:part2 sleep:0.5 \
	    close:c:1000 >"$SC_TMP/raw.out" 2>&1
	sizes_at sink "10"
}

# A datagram listener's recording keeps each datagram whole: its lines
# (cut after each line feed and every 64 bytes) say which go on ("+"),
# and a replay sends each as one datagram again, not as the bytes a pipe
# runs together.
test_udp_recorded_and_replayed_whole() {
	bg t 90 "$SC" -v -u -l --record "$SC_TMP/u.rec" 127.0.0.1 0 \
	    </dev/null >/dev/null 2>"$SC_TMP/relay.err"
	wait_for "$SC_TMP/relay.err" '^Bound on ' ||
	    fail "no listener: $(<"$SC_TMP/relay.err")"
	PORT=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' "$SC_TMP/relay.err")
	# 10 line feeds, 20 bytes 0x14, 100 'd', 5 bytes 0x05.
	t 20 python3 "$MSGPEER" udp-send "$PORT" 10 20 100 5
	wait_for "$SC_TMP/u.rec" 'client "(\\x05){5}"$' ||
	    fail "not recorded: $(cat "$SC_TMP/u.rec")"
	assertEquals "a line ends each datagram: $(cat "$SC_TMP/u.rec")" 4 \
	    "$(grep -c '"$' "$SC_TMP/u.rec")"
	assertEquals "the others go on" 10 "$(grep -c '" +$' "$SC_TMP/u.rec")"
	peer sink udp-sink 4
	bg t 60 "$SC" -u --replay "$SC_TMP/u.rec" 127.0.0.1 "$PPORT" \
	    </dev/null >/dev/null 2>&1
	sizes_at sink "10 20 100 5"
}

# A datagram listener's replay: with -k each peer is played the
# recording afresh on a socket of its own (as each has its own program),
# without it the first peer alone; the server's message of two lines is
# one datagram.  The nc form and the address pair alike.
test_udp_replay_for_each_peer() {
	printf '%s\n' 'sockcat-record 1' '0 client "\x02\x02"' \
	    '0 server "a" +' '0 server "b"' '0 server "ccc"' >"$SC_TMP/s.rec"
	for form in nc pair; do
		if [ $form = nc ]; then
			set -- -u -lk --replay "$SC_TMP/s.rec" 127.0.0.1 0
		else
			set -- udp-l:127.0.0.1:0,fork "replay:$SC_TMP/s.rec"
		fi
		bg t 90 "$SC" -v "$@" </dev/null >/dev/null \
		    2>"$SC_TMP/relay.err"
		wait_for "$SC_TMP/relay.err" '^Bound on ' ||
		    fail "$form: no listener: $(<"$SC_TMP/relay.err")"
		PORT=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' \
		    "$SC_TMP/relay.err")
		for n in 1 2; do
			assertEquals "$form: peer $n" "2 3" \
			    "$(t 40 python3 "$MSGPEER" udp-ask "$PORT" 2 2)"
		done
		stop "$BG_PID"
	done
	bg t 90 "$SC" -v -u -l --replay "$SC_TMP/s.rec" 127.0.0.1 0 \
	    </dev/null >/dev/null 2>"$SC_TMP/relay.err"
	wait_for "$SC_TMP/relay.err" '^Bound on ' ||
	    fail "no listener: $(<"$SC_TMP/relay.err")"
	PORT=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' "$SC_TMP/relay.err")
	assertEquals "without -k" "2 3" \
	    "$(t 40 python3 "$MSGPEER" udp-ask "$PORT" 2 2)"
}

. shunit2
