#!/bin/bash
# WebSocket conformance (RFC 6455) and permessage-deflate (RFC 7692),
# both ways: sockcat's server (-l --websocket, with -e) and its client
# (ws://) against two implementations nobody here wrote, Python's
# websockets (tests/wsconf.py py-*) and Node's ws (tests/wsconf.js), and
# against hand-made frames for what no library sends (tests/wsconf.py
# raw-*): fragments with control frames between them, pings and pongs
# with payloads, every close code, masking, reserved bits and opcodes,
# UTF-8 cut between fragments, message sizes at each length encoding's
# edge up to 16 MiB, fragments past --ws-max-message, the close under
# back-pressure, the extension's negotiation, its context takeover (kept
# by a server of one client, each message afresh in the modes of many),
# a deflate bomb, --ws-ping, a server's --ws-protocol and a text line
# that turns binary.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

if ! "${SC_PYTHON:-python3}" -S -c 'import sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets' 2>/dev/null; then
	echo "python3-websockets not installed: skipping" >&2
	exit 77
fi
sc_require node
NODE_PATH=${TESTS_DIR:-$(dirname "$0")}/node/node_modules:/usr/share/nodejs\
:/usr/lib/nodejs${NODE_PATH:+:$NODE_PATH}
export NODE_PATH
if ! node -e 'require("ws")' 2>/dev/null; then
	echo "node-ws not installed: skipping" >&2
	exit 77
fi

CONF="$TESTS_DIR/wsconf.py"
CONFJS="$TESTS_DIR/wsconf.js"
export PYTHONIOENCODING=utf-8

tearDown() {
	sc_remove_tmp
}

# sha16 STRING: what wsconf.py prints for a message holding STRING.
sha16() {
	printf '%s' "$1" | $SHA256 | cut -c1-16
}

# raw NAME ARGS...: a hand-made client of the server on PORT, its report
# in NAME.out.
raw() {
	_n=$1
	shift
	t 60 python3 "$CONF" raw-client "$PORT" "$@" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err"
}

# rawsrv NAME ARGS...: a hand-made server in the background, its report
# in NAME.out and its port in WPORT.
rawsrv() {
	_n=$1
	shift
	bg t 60 python3 "$CONF" raw-server "$@" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err"
	PEER_PID=$BG_PID
	wait_for "$SC_TMP/$_n.out" '^PORT ' || fail "peer $_n: no port"
	WPORT=$(sed -n 's/^PORT //p' "$SC_TMP/$_n.out")
}

# libsrv NAME py|node KIND [ARG]: a library's server, as rawsrv.
libsrv() {
	_n=$1
	if [ "$2" = py ]; then
		bg t 120 python3 "$CONF" py-server "$3" "${4:-}" \
		    >"$SC_TMP/$_n.out" 2>"$SC_TMP/$_n.err"
	else
		bg t 120 node "$CONFJS" server "$3" "${4:-}" \
		    >"$SC_TMP/$_n.out" 2>"$SC_TMP/$_n.err"
	fi
	PEER_PID=$BG_PID
	wait_for "$SC_TMP/$_n.out" '^PORT ' || fail "peer $_n: no port"
	WPORT=$(sed -n 's/^PORT //p' "$SC_TMP/$_n.out")
}

# libcli NAME py|node KIND [ARG]: a library's client of the server on
# PORT, its report in NAME.out.
libcli() {
	_n=$1
	if [ "$2" = py ]; then
		t 120 python3 "$CONF" py-client "ws://127.0.0.1:$PORT/" "$3" \
		    "${4:-}" >"$SC_TMP/$_n.out" 2>"$SC_TMP/$_n.err"
	else
		t 120 node "$CONFJS" client "ws://127.0.0.1:$PORT/" "$3" \
		    "${4:-}" >"$SC_TMP/$_n.out" 2>"$SC_TMP/$_n.err"
	fi
}

# has_case NAME K LINE: the report of raw NAME's case K holds LINE.
has_case() {
	awk -v k="case $2" '$0 == k { f = 1; next } /^case / { f = 0 } f' \
	    "$SC_TMP/$1.out" | grep -qxF -- "$3" ||
	    fail "$1 case $2: no \"$3\" in: $(<"$SC_TMP/$1.out")"
}

peer_wait() {
	wait_exit "$PEER_PID" 125 || fail "the peer did not end"
}

# has NAME LINE: NAME.out holds the line LINE.
has() {
	grep -qxF -- "$2" "$SC_TMP/$1.out" ||
	    fail "$1: no \"$2\" in: $(head -c 2000 "$SC_TMP/$1.out"; cat "$SC_TMP/$1.err")"
}

# The suite's servers live as long as a slow machine needs.
SERVER_TIMEOUT=400

# An echo server that serves every client in turn (-k) through cat.
echo_server() {
	server s -l -k --websocket "$@" -e cat 127.0.0.1 0 || fail "no server"
}

# A server that serves every client in turn (-k) with its standard
# input and output, no program: for what ends in a close anyway.
stdio_server() {
	server s -l -k --websocket 127.0.0.1 0 || fail "no server"
}

test_server_fragments_with_control_frames_between() {
	echo_server
	raw a text/n:s:Hel ping:s:p1 cont/n:'s:lo ' pong:s:x cont:s:world \
	    wait close:c:1000
	has a "pong 7031"
	has a "message text 11 $(sha16 'Hello world')"
	has a "close 1000 "
	grep -q masked-wrong "$SC_TMP/a.out" && fail "a server's frame masked"
	# Compressed, the ping between two of the message's frames.
	raw b -z permessage-deflate text/nz:s:Hel ping:s:p2 \
	    cont/nz:'s:lo ' cont/z:s:world wait close:c:1000
	has b "extensions permessage-deflate"
	has b "pong 7032"
	has b "rsv1"
	has b "message text 11 $(sha16 'Hello world')"
	stop "$SERVER_PID"
}

test_server_ping_payloads() {
	echo_server
	raw a ping: ping:a:125 ping:x:00ff7f80 close:c:1000
	has a "pong "
	has a "pong $(printf '61%.0s' $(seq 125))"
	has a "pong 00ff7f80"
	# A control frame's payload is 125 bytes at most (5.5).
	raw b ping:a:126
	has b "close 1002 control frame longer than 125 bytes"
	raw c ping/n:s:x
	has c "close 1002 fragmented control frame"
	stop "$SERVER_PID"
}

test_server_every_close_code() {
	stdio_server
	# Codes a peer may send are answered with the same code (5.5.1).
	good="1000 1001 1002 1003 1007 1008 1009 1010 1011 1012 1013 1014 3000
	    3999 4000 4999"
	args=()
	# "--" between the cases, not after the last: an empty case would
	# wait 30 s for a close that nobody sends.
	for code in $good; do
		args+=(${args[0]+--} "close:c:$code:why $code")
	done
	raw good "${args[@]}"
	k=0
	for code in $good; do
		has_case good $k "close $code "
		k=$((k + 1))
	done
	# Codes that must never be sent, or are not defined (7.4.1, 7.4.2).
	bad="0 999 1004 1005 1006 1015 1016 2000 2999 5000 65535"
	args=()
	for code in $bad; do
		args+=(${args[0]+--} "close:c:$code")
	done
	raw bad "${args[@]}"
	k=0
	for code in $bad; do
		has_case bad $k "close 1002 bad close frame"
		k=$((k + 1))
	done
	raw empty close:
	has empty "close 1000 "
	raw one close:x:03
	has one "close 1002 bad close frame"
	# A reason that is not UTF-8 (7.1.6), one cut in the middle too.
	raw badr close:x:03e8c328
	has badr "close 1007 bad close frame"
	raw cutr close:x:03e8e282
	has cutr "close 1007 bad close frame"
	raw longr "close:c:1000:$(printf 'r%.0s' $(seq 123))"
	has longr "close 1000 "
	stop "$SERVER_PID"
	grep -q 'the peer closed with 4999: why 4999' "$SC_TMP/s.err" ||
	    fail "no -v line: $(<"$SC_TMP/s.err")"
}

test_server_masking_reserved_bits_and_opcodes() {
	stdio_server
	raw unmasked text/w:s:hi
	has unmasked "close 1002 unmasked frame from a client"
	raw rsv text/1:s:x -- text/2:s:x -- text/3:s:x -- ping/1: -- close/2:
	for k in 0 1 2 3 4; do
		has_case rsv $k "close 1002 reserved bits set"
	done
	raw op 3:s:x -- 4:s:x -- 5:s:x -- 6:s:x -- 7:s:x -- 11:s:x -- 12:s:x \
	    -- 13:s:x -- 14:s:x -- 15:s:x
	for k in 0 1 2 3 4 5 6 7 8 9; do
		has_case op $k "close 1002 unknown opcode"
	done
	# With the extension, RSV1 is for a message's first frame only.
	raw zcont -z permessage-deflate text/nz:s:a cont/1:s:b
	has zcont "close 1002 reserved bits set"
	raw zping -z permessage-deflate ping/1:s:a
	has zping "close 1002 reserved bits set"
	raw cont cont:s:x
	has cont "close 1002 a continuation frame outside a message"
	raw nested text/n:s:a text:s:b
	has nested "close 1002 a new message inside a fragmented one"
	stop "$SERVER_PID"
}

test_server_utf8_cut_between_fragments() {
	echo_server
	raw euro text/n:x:e282 ping:s:p cont:x:ac wait close:c:1000
	has euro "message text 3 $(sha16 '€')"
	raw bad text/n:x:e2 cont:x:28a1
	has bad "close 1007 a text message that is not UTF-8"
	raw cut text/n:x:41 cont:x:e282
	has cut "close 1007 a text message that is not UTF-8"
	raw zbad -z permessage-deflate text/nz:x:e2 cont/z:x:28
	has zbad "close 1007 a text message that is not UTF-8"
	# Binary messages are bytes: no check.
	raw bin bin/n:x:e2 cont:x:28 wait close:c:1000
	has bin "close 1000 "
	stop "$SERVER_PID"
}

test_server_sizes_with_libraries() {
	echo_server
	sizes=0,1,125,126,127,65535,65536,65537,200000
	for who in py node; do
		for z in "" nz-; do
			libcli "$who$z" "$who" "${z}sizes" "$sizes"
			for n in ${sizes//,/ }; do
				has "$who$z" "size $n ok"
			done
			has "$who$z" "closed 1000 "
		done
		has "$who" "extensions permessage-deflate"
		has "${who}nz-" "extensions none"
	done
	stop "$SERVER_PID"
}

# The extension negotiated with websockets (which offers it by default)
# and ws, and a 16 MiB text message (not ASCII, no newline) compressed
# both ways and echoed exactly.
test_server_16mib_compressed_round_trip() {
	echo_server
	t 20 python3 -c 'import asyncio, sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets
async def main():
    async with websockets.connect(sys.argv[1]) as ws:
        print(ws.response_headers["Sec-WebSocket-Extensions"])
asyncio.run(main())' "ws://127.0.0.1:$PORT/" >"$SC_TMP/neg.out"
	assertEquals "negotiated" "permessage-deflate" "$(<"$SC_TMP/neg.out")"
	libcli py py bigtext 16777216
	has py "bigtext exact"
	has py "extensions permessage-deflate"
	stop "$SERVER_PID"
	echo_server
	libcli node node bigtext 16777216
	has node "bigtext exact"
	has node "extensions permessage-deflate"
	stop "$SERVER_PID"
}

test_server_negotiation() {
	echo_server
	raw all -z "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits" \
	    close:c:1000
	has all "extensions permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10"
	# zlib has no 256-byte window: that offer is passed over.
	raw eight -z 'permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits="9"' \
	    close:c:1000
	has eight "extensions permessage-deflate; server_max_window_bits=9"
	raw bad -z "x-webkit-deflate-frame, permessage-deflate; bogus, permessage-deflate; server_max_window_bits=16, permessage-deflate; server_no_context_takeover=1, permessage-deflate; client_no_context_takeover; client_no_context_takeover" \
	    close:c:1000
	has bad "extensions none"
	# Compressed with a 1 KiB window, each message afresh: echoed right.
	raw small -z "permessage-deflate; server_max_window_bits=10; server_no_context_takeover" \
	    text/z:r:0 wait text/z:s:again wait text/z:s:again wait \
	    close:c:1000
	has small "message text 5 $(sha16 again)"
	[ "$(grep -c '^text 7 ' "$SC_TMP/small.out")" = 2 ] ||
	    fail "not afresh: $(<"$SC_TMP/small.out")"
	stop "$SERVER_PID"
	server n -l -k --websocket --ws-no-compress -e cat 127.0.0.1 0 ||
	    fail "no server"
	libcli py py sizes 1
	has py "extensions none"
	has py "size 1 ok"
	raw n -z permessage-deflate text/z:s:x
	has n "extensions none"
	has n "close 1002 reserved bits set"
	stop "$SERVER_PID"
}

# A message of 1 KiB that inflates to a MiB, past --ws-max-message: 1009
# once the limit is passed, and no more of it than the limit written.
test_server_deflate_bomb() {
	server s -l --websocket --ws-max-message 65536 127.0.0.1 0 ||
	    fail "no server"
	raw a -z permessage-deflate text/z:a:1048576
	has a "close 1009 a message longer than 65536 bytes"
	wait_exit "$SERVER_PID"
	assertEquals "status" 1 "$WAIT_STATUS"
	[ "$(stat -c %s "$SC_TMP/s.out")" -le 65536 ] ||
	    fail "wrote $(stat -c %s "$SC_TMP/s.out") bytes"
	grep -q 'read from network: WebSocket: a message longer than 65536 bytes; closed with 1009' \
	    "$SC_TMP/s.err" || fail "no message: $(<"$SC_TMP/s.err")"
	# Inflated bytes that are not deflate at all: 1007.
	server b -l --websocket 127.0.0.1 0 || fail "no server"
	raw b -z permessage-deflate text/1:x:ffffffff
	has b "close 1007 bad compressed data"
}

# A peer that closes while a program floods it, reading nothing for a
# while: the close is answered at once, no data after it, and the
# session ends, however long the program would go on.  (Before, sockcat
# answered only when the program ended: never, here.)
test_server_close_under_back_pressure() {
	server s -l --websocket --ws-binary -c 'exec cat /dev/zero' \
	    127.0.0.1 0 || fail "no server"
	raw a sleep:1 close:c:1000
	has a "close 1000 "
	has a "eof"
	# cat, whose output nobody takes any more, dies of SIGPIPE: the
	# program's status is sockcat's (128 + 13).
	wait_exit "$SERVER_PID"
	assertEquals "status" 141 "$WAIT_STATUS"
	# websockets: it waits for our close, behind the data it left.
	server p -l --websocket --ws-binary -c 'exec cat /dev/zero' \
	    127.0.0.1 0 || fail "no server"
	t 60 python3 "$CONF" py-client "ws://127.0.0.1:$PORT/" stall 1 \
	    >"$SC_TMP/pc.out" 2>"$SC_TMP/pc.err"
	grep -q '^closed 1000 ' "$SC_TMP/pc.out" ||
	    fail "websockets: $(cat "$SC_TMP/pc.out" "$SC_TMP/pc.err")"
	wait_exit "$SERVER_PID"
	assertEquals "status" 141 "$WAIT_STATUS"
	grep -q "answering the peer's close" "$SC_TMP/p.err" ||
	    fail "no -v line: $(<"$SC_TMP/p.err")"
}

# --ws-max-message bounds a message, not a frame: fragments each under
# it whose sum is over it are closed with 1009 at the frame that passes
# it, counted compressed as they come when they are (900 and 200 random
# bytes deflate to more than they are: the two pass 1000 compressed
# while the first inflates to less).
test_server_fragments_past_the_limit() {
	server s -l -k --websocket --ws-max-message 1000 -e cat 127.0.0.1 0 ||
	    fail "no server"
	raw a text/n:a:600 cont:a:600
	has a "close 1009 a message longer than 1000 bytes"
	raw b -z permessage-deflate bin/nz:r:900 \
	    "cont/z:x:$(od -An -tx1 -N200 /dev/urandom | tr -d ' \n')"
	has b "close 1009 a message longer than 1000 bytes"
	# Under the limit, the same fragments are one message echoed.
	raw c text/n:a:400 cont:a:400 wait close:c:1000
	has c "message text 800 $(sha16 "$(printf 'a%.0s' $(seq 800))")"
	stop "$SERVER_PID"
}

# --ws-protocol on a server: the first of the client's subprotocols that
# the server has is chosen and said in the answer; none in common, none
# is, and the upgrade still succeeds.
test_server_chooses_a_subprotocol() {
	server s -l -k --websocket --ws-protocol chat,superchat -e cat \
	    127.0.0.1 0 || fail "no server"
	raw a -p "v2.other, superchat, chat" text:s:hi wait close:c:1000
	has a "status 101"
	has a "protocol superchat"
	has a "message text 2 $(sha16 hi)"
	raw b -p "v2.other" text:s:hi wait close:c:1000
	has b "status 101"
	has b "protocol none"
	has b "message text 2 $(sha16 hi)"
	stop "$SERVER_PID"
	grep -q 'WebSocket upgrade of /, subprotocol superchat$' \
	    "$SC_TMP/s.err" || fail "no -v line: $(<"$SC_TMP/s.err")"
}

# --ws-ping: the client pings now and then whatever the traffic, the
# payload "sockcat", and the session goes on past the pings' pongs.
test_client_pings() {
	rawsrv p
	held_stdin c.in 7
	bg_in "$SC_TMP/c.in" t 30 "$SC" -N --ws-ping 100ms \
	    "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	pid=$BG_PID
	wait_lines "$SC_TMP/p.out" '^ping 736f636b636174$' 3 ||
	    fail "pings: $(<"$SC_TMP/p.out")"
	echo "after the pings" >&7
	wait_for "$SC_TMP/p.out" '^message text 15 ' || fail "no message"
	exec 7>&-
	wait_exit "$pid"
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$WAIT_STATUS"
	peer_wait
	has p "message text 15 $(sha16 "after the pings")"
	has p "close 1000 "
}

# Text mode: a line longer than 64 KiB goes in fragments of one text
# message while it is UTF-8; a later fragment that is not ends the text
# message at its last whole character and the line goes on as a binary
# message (the manual, "Text mode").
test_client_long_line_turns_binary() {
	rawsrv p
	{
		head -c 150000 /dev/zero | tr '\0' a
		head -c 1000 /dev/zero | tr '\0' '\377'
		head -c 100000 /dev/zero | tr '\0' c
		echo
	} >"$SC_TMP/line"
	t 30 "$SC" -N "ws://127.0.0.1:$WPORT/" <"$SC_TMP/line" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	peer_wait
	a=$(head -c 150000 "$SC_TMP/line" | $SHA256 | cut -c1-16)
	b=$(tail -c +150001 "$SC_TMP/line" | head -c 101000 | $SHA256 |
	    cut -c1-16)
	has p "message text 150000 $a"
	# Its fragments after the turn go on as binary.
	has p "message bin 101000 $b"
}

# A carriage return where a long line is cut goes with the next
# fragment (the newline may follow it): the first is 64 KiB less one.
test_client_long_line_cut_before_a_cr() {
	rawsrv p
	{
		head -c 65535 /dev/zero | tr '\0' a
		printf '\rbbbbbbbbbb\n'
	} >"$SC_TMP/line"
	t 30 "$SC" -N "ws://127.0.0.1:$WPORT/" <"$SC_TMP/line" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	peer_wait
	assertEquals "the fragments" "text 65535
cont 11" "$(grep -E '^(text|cont) ' "$SC_TMP/p.out" | cut -d' ' -f1,2)"
	has p "message text 65546 $(head -c 65546 "$SC_TMP/line" | $SHA256 |
	    cut -c1-16)"
}

test_client_fragments_with_control_frames_between() {
	rawsrv a text/n:s:Hel ping:s:p1 cont/n:'s:lo ' pong:s:x cont:s:world \
	    close:c:1000
	t 30 "$SC" -d "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "message" "Hello world" "$(<"$SC_TMP/c.out")"
	peer_wait
	has a "offer permessage-deflate; client_max_window_bits"
	has a "pong 7031"
	has a "close 1000 "
	grep -q masked-wrong "$SC_TMP/a.out" && fail "a client's frame unmasked"
	rawsrv b -z permessage-deflate text/nz:s:Hel ping:s:p2 \
	    cont/nz:'s:lo ' cont/z:s:world close:c:1000
	t 30 "$SC" -d "ws://127.0.0.1:$WPORT/" >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "compressed: status" 0 $?
	assertEquals "compressed: message" "Hello world" "$(<"$SC_TMP/d.out")"
	peer_wait
	has b "pong 7032"
}

test_client_masking_reserved_bits_opcodes_utf8() {
	for f in text/w:s:hi text/1:s:x 11:s:x text/n:x:e2,cont:x:28a1 \
	    ping:a:126 close:c:1004; do
		rawsrv a ${f//,/ }
		t 30 "$SC" -d -v "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
		    2>"$SC_TMP/c.err"
		assertEquals "$f: status" 1 $?
		peer_wait
		case $f in
		*e2*|*c328) want=1007 ;;
		*) want=1002 ;;
		esac
		grep -q "^close $want " "$SC_TMP/a.out" ||
		    fail "$f: $(cat "$SC_TMP/a.out" "$SC_TMP/c.err")"
		grep -q "closing with $want" "$SC_TMP/c.err" ||
		    fail "$f: $(<"$SC_TMP/c.err")"
	done
	rawsrv e text/n:x:e282 cont:x:ac close:c:1000
	t 30 "$SC" -d "ws://127.0.0.1:$WPORT/" >"$SC_TMP/ce.out" \
	    2>"$SC_TMP/ce.err"
	assertEquals "€ status" 0 $?
	assertEquals "€" "€" "$(<"$SC_TMP/ce.out")"
	peer_wait
}

test_client_close_codes() {
	for code in 1000 3000 4999 1002 1011; do
		rawsrv a "close:c:$code:bye"
		t 30 "$SC" -d "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
		    2>"$SC_TMP/c.err"
		st=$?
		peer_wait
		has a "close $code "
		# A code that reports a failure is an error, the others not.
		case $code in
		1000|3000|4999) assertEquals "$code: status" 0 $st ;;
		*) assertEquals "$code: status" 1 $st
			grep -q "the peer closed with $code: bye" "$SC_TMP/c.err" ||
			    fail "$code: $(<"$SC_TMP/c.err")" ;;
		esac
	done
}

test_client_sizes_and_16mib_with_libraries() {
	for n in 0 1 125 126 127 65535 65536 65537; do
		printf 'z%.0s' $(seq "$n") >>"$SC_TMP/lines"
		echo >>"$SC_TMP/lines"
	done
	# The servers close after the last echo: the client ends then
	# (stdin's end sends no close, -N would: the peer would stop).
	for who in py node; do
		libsrv "$who" "$who" echo 8
		t 60 "$SC" "ws://127.0.0.1:$WPORT/" <"$SC_TMP/lines" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "$who: status" 0 $?
		cmp -s "$SC_TMP/lines" "$SC_TMP/c.out" || fail "$who: sizes differ"
		peer_wait
		grep -q '^extensions permessage-deflate' "$SC_TMP/$who.out" ||
		    fail "$who: $(<"$SC_TMP/$who.out")"
	done
	# 16 MiB of text in one line, compressed both ways.
	python3 "$CONF" text 16777215 >"$SC_TMP/big"
	echo >>"$SC_TMP/big"
	for who in py node; do
		libsrv "$who" "$who" echo 1
		t 120 "$SC" "ws://127.0.0.1:$WPORT/" <"$SC_TMP/big" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "$who 16 MiB: status" 0 $?
		cmp -s "$SC_TMP/big" "$SC_TMP/c.out" ||
		    fail "$who 16 MiB: differs ($(stat -c %s "$SC_TMP/c.out"))"
		peer_wait
	done
}

test_client_negotiation_and_context_takeover() {
	# Each message afresh: the same line twice compresses the same.
	rawsrv a -z "permessage-deflate; client_no_context_takeover; server_max_window_bits=9"
	printf 'same line, twice over\nsame line, twice over\n' |
	    t 30 "$SC" -v "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	peer_wait
	[ "$(grep -c '^text 23 ' "$SC_TMP/a.out")" = 2 ] ||
	    fail "not afresh: $(<"$SC_TMP/a.out")"
	grep -q 'WebSocket: permessage-deflate; client_no_context_takeover' \
	    "$SC_TMP/c.err" || fail "-v: $(<"$SC_TMP/c.err")"
	# With the context kept, the second costs a few bytes.
	rawsrv b -z permessage-deflate
	printf 'same line, twice over\nsame line, twice over\n' |
	    t 30 "$SC" "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	peer_wait
	[ "$(grep -c '^text 23 ' "$SC_TMP/b.out")" = 1 ] ||
	    fail "context not kept: $(<"$SC_TMP/b.out")"
	has b "message text 21 $(sha16 'same line, twice over')"
	# --ws-no-compress offers nothing, and takes no answer with it.
	rawsrv n -Z permessage-deflate
	t 30 "$SC" -d --ws-no-compress "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	peer_wait
	has n "offer none"
	grep -q 'WebSocket upgrade failed: HTTP/1.1 101 Switching Protocols (an extension that was not offered)' \
	    "$SC_TMP/c.err" || fail "$(<"$SC_TMP/c.err")"
	for ans in "permessage-deflate; client_max_window_bits=8" \
	    "permessage-deflate; client_max_window_bits" \
	    "permessage-deflate, permessage-deflate" "x-other"; do
		rawsrv m -z "$ans"
		t 30 "$SC" -d "ws://127.0.0.1:$WPORT/" >"$SC_TMP/c.out" \
		    2>"$SC_TMP/c.err"
		assertEquals "$ans: status" 1 $?
		peer_wait
		grep -q 'WebSocket upgrade failed' "$SC_TMP/c.err" ||
		    fail "$ans: $(<"$SC_TMP/c.err")"
	done
}

test_client_deflate_bomb() {
	rawsrv a -z permessage-deflate text/z:a:1048576
	t 30 "$SC" -d --ws-max-message 65536 "ws://127.0.0.1:$WPORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	peer_wait
	has a "close 1009 a message longer than 65536 bytes"
	[ "$(stat -c %s "$SC_TMP/c.out")" -le 65536 ] ||
	    fail "wrote $(stat -c %s "$SC_TMP/c.out") bytes"
	grep -q 'a message longer than 65536 bytes; closed with 1009' \
	    "$SC_TMP/c.err" || fail "$(<"$SC_TMP/c.err")"
}

# The server closes while our client floods it and reads nothing: the
# client answers and ends, status 0, within its bound.
test_client_close_under_back_pressure() {
	libsrv p py stall 1
	t 60 "$SC" --ws-binary "ws://127.0.0.1:$WPORT/" </dev/zero \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	peer_wait
	grep -q '^closed 1000 ' "$SC_TMP/p.out" ||
	    fail "$(cat "$SC_TMP/p.out" "$SC_TMP/p.err")"
	libsrv q node close 4000:done
	t 60 "$SC" --ws-binary "ws://127.0.0.1:$WPORT/" </dev/zero \
	    >"$SC_TMP/d.out" 2>"$SC_TMP/d.err"
	assertEquals "node: status" 0 $?
	peer_wait
	has q "closed 4000 "
}

# The modes that hold many clients at once (--broker, --room, --forward)
# answer every offer with both sides compressing each message afresh,
# whatever it asked (RFC 7692, 7.1.1.1 and 7.1.1.2 allow the answer
# unasked), so that no member keeps a window between messages: the same
# message twice is compressed the same twice, and Python's websockets
# takes the answer and streams through it, each of its messages
# inflated afresh (the room below: Node's ws and websockets).
test_many_client_modes_compress_each_message_afresh() {
	afresh="permessage-deflate; server_no_context_takeover"
	afresh="$afresh; client_no_context_takeover"
	for mode in --broker --room; do
		server s "$mode" --websocket 127.0.0.1 0 || fail "no server"
		# Chromium's offer, and the plainest.
		raw chromium -z "permessage-deflate; client_max_window_bits" \
		    close:c:1000
		has chromium "extensions $afresh"
		raw plain -z permessage-deflate close:c:1000
		has plain "extensions $afresh"
		raw small -z "permessage-deflate; server_max_window_bits=10" \
		    close:c:1000
		has small "extensions $afresh; server_max_window_bits=10"
		stop "$SERVER_PID"
	done
	server e -lk -e cat 127.0.0.1 0 || fail "no echo"
	server s -lk --websocket --forward "127.0.0.1:$PORT" 127.0.0.1 0 ||
	    fail "no forwarder"
	# --forward relays bytes: a message goes as it is, and comes back
	# from the echo as a binary one.
	line="a line of text, said twice, compressed twice the same way"
	raw f -z "permessage-deflate; client_max_window_bits" \
	    "text/z:s:$line" wait "text/z:s:$line" wait close:c:1000
	has f "extensions $afresh"
	assertEquals "both whole: $(<"$SC_TMP/f.out")" 2 \
	    "$(grep -cxF "message bin ${#line} $(sha16 "$line")" \
	    "$SC_TMP/f.out")"
	assertEquals "both compressed: $(<"$SC_TMP/f.out")" 2 \
	    "$(grep -cx rsv1 "$SC_TMP/f.out")"
	assertEquals "compressed the same: $(<"$SC_TMP/f.out")" 1 \
	    "$(grep '^bin ' "$SC_TMP/f.out" | sort -u | wc -l)"
	# Python's websockets: a megabyte of messages compressed both ways.
	t 60 python3 "$TESTS_DIR/wspeer.py" client stream "$PORT" 1000000 \
	    >"$SC_TMP/py.out" 2>"$SC_TMP/py.err"
	assertEquals "python: $(cat "$SC_TMP/py.out" "$SC_TMP/py.err")" \
	    "$(sed -n 's/^sent //p' "$SC_TMP/py.out")" \
	    "$(sed -n 's/^back //p' "$SC_TMP/py.out")"
	assertEquals "python took the answer: $(<"$SC_TMP/s.err")" 2 \
	    "$(grep -c "WebSocket: $afresh" "$SC_TMP/s.err")"
}

# A broker compresses a message it sends every member once for all the
# members that compress with the same window, and on its own for each
# other window or none: each member inflates with the window it agreed
# (wsconf.py), so that a message compressed for a larger one would not
# inflate.  A line repeats itself beyond the smaller windows; the lines
# come in one write, and one of them is not UTF-8.
test_broker_compresses_once_for_each_window() {
	server s --broker --websocket 127.0.0.1 0 || fail "no server"
	pids=""
	i=0
	for offer in permessage-deflate permessage-deflate \
	    "permessage-deflate; server_max_window_bits=10" \
	    "permessage-deflate; server_max_window_bits=9" ""; do
		i=$((i + 1))
		bg t 60 python3 "$CONF" raw-client "$PORT" \
		    ${offer:+-z "$offer"} wait wait wait close:c:1000 \
		    >"$SC_TMP/m$i.out" 2>"$SC_TMP/m$i.err"
		pids="$pids $BG_PID"
		# The answer sent, the member has joined.
		wait_for "$SC_TMP/m$i.out" '^extensions ' ||
		    fail "member $i: $(cat "$SC_TMP/m$i.out" "$SC_TMP/m$i.err")"
	done
	python3 -c 'import random, sys
r = random.Random(58)
half = "".join(r.choice("abcdefghij klmnop") for _ in range(1500))
sys.stdout.buffer.write((half + half + "\nshort\n").encode() +
    b"\xff\xfe not text\n")' >"$SC_TMP/lines"
	t 20 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/lines" >/dev/null ||
	    fail "the sender"
	for p in $pids; do
		wait_exit "$p" 60 || fail "a member did not end"
	done
	has m1 "message text 3000 $(head -n 1 "$SC_TMP/lines" | tr -d '\n' |
	    $SHA256 | cut -c1-16)"
	has m1 "message text 5 $(sha16 short)"
	assertEquals "compressed, each" 3 "$(grep -cx rsv1 "$SC_TMP/m1.out")"
	for i in 2 3 4 5; do
		assertEquals "member $i: $(<"$SC_TMP/m$i.err")" \
		    "$(grep '^message ' "$SC_TMP/m1.out")" \
		    "$(grep '^message ' "$SC_TMP/m$i.out")"
	done
	assertEquals "the same window, the same frames" \
	    "$(<"$SC_TMP/m1.out")" "$(<"$SC_TMP/m2.out")"
	assertEquals "none compressed without the extension" 0 \
	    "$(grep -cx rsv1 "$SC_TMP/m5.out")"
	# The long line's frame: a window of 2^15, 2^10 and 2^9.
	assertEquals "each window its own" 3 "$(for i in 1 3 4; do
		grep -m 1 '^text ' "$SC_TMP/m$i.out"; done | sort -u | wc -l)"
}

# A room shared by a client of each library and a plain TCP member: each
# sees the others' lines, each WebSocket client with permessage-deflate
# as its library offers it by default.
test_room_node_ws_python_websockets_and_tcp() {
	server s -v --room --websocket 127.0.0.1 0 || fail "no server"
	held_stdin tcp.fifo 8
	bg_in "$SC_TMP/tcp.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tcp.out" 2>"$SC_TMP/tcp.err"
	# A plain member joins with its first bytes.
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	ws_peer py client roomie "$PORT" "hello from python"
	pypid=$PEER_PID
	wait_lines "$SC_TMP/tcp.out" 'is connected as' 1 || fail "python"
	WSCLIENT_TIMEOUT=60000 bg t 65 node "$TESTS_DIR/wsclient.js" \
	    "ws://127.0.0.1:$PORT/" "w:hello from tcp" "t:hello from node" \
	    "w:hello from python" close >"$SC_TMP/node.out" \
	    2>"$SC_TMP/node.err"
	nodepid=$BG_PID
	wait_lines "$SC_TMP/tcp.out" 'is connected as' 2 || fail "node"
	echo "hello from tcp" >&8
	wait_exit "$pypid" 65
	wait_exit "$nodepid" 65
	assertEquals "node's status: $(<"$SC_TMP/node.out")" 0 \
	    "$WAIT_STATUS"
	wait_lines "$SC_TMP/tcp.out" \
	    '^<user[23]> hello from (python|node)$' 2 ||
	    fail "tcp saw: $(<"$SC_TMP/tcp.out")"
	grep -q '^msg <user1> hello from tcp$' "$SC_TMP/py.out" ||
	    fail "python saw: $(<"$SC_TMP/py.out")"
	grep -q '^msg <user3> hello from node$' "$SC_TMP/py.out" ||
	    fail "python did not see node: $(<"$SC_TMP/py.out")"
	grep -q '^text <user2> hello from python$' "$SC_TMP/node.out" ||
	    fail "node did not see python: $(<"$SC_TMP/node.out")"
	grep -q '^text <user1> hello from tcp$' "$SC_TMP/node.out" ||
	    fail "node saw: $(<"$SC_TMP/node.out")"
	afresh="permessage-deflate; server_no_context_takeover"
	afresh="$afresh; client_no_context_takeover"
	assertEquals "both compressed, each message afresh" 2 \
	    "$(grep -cx "sockcat: WebSocket: $afresh" "$SC_TMP/s.err")"
	exec 8>&-
}

sc_run_shunit2
