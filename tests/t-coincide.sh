#!/bin/bash
# Events made to coincide: every mode that ends a session (the plain
# client and listener, -lk -e and -c, --fifo, --chat, broker and room
# members, --forward, an address pair, socat's non-socket sides, -u both
# ways, the WebSocket server and client) with a peer that writes and
# shuts down in one go, standard input ending with the network, a
# program exiting as its peer closes; and the plain client and listener,
# a program, the forwarder (both ways), broker and room members, --chat
# and the WebSocket server and client with a peer that writes and resets
# in one go.  Each runs under the event-order knob of debug builds
# (SC_EVENT_ORDER=reverse and seed:1 to seed:8: what one round finds
# ready is handled in another order each time) and with tests/preempt.so
# sleeping after each accept4, connect and epoll_wait, so that what the
# peer did is all ready in one round.  Every byte one side wrote must
# reach the other, and sockcat end with status 0; after a reset, the
# reset must be said once, the status a failure, and what was delivered
# a start of what was sent (tests/coincide.py).  OpenBSD's
# run-tcp-server-reverse-eof case runs 200 times with both processors
# busy.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3 ldd

DRIVER=$(dirname "$0")/coincide.py
if ! sc_debug_build; then
	echo "sockcat is no debug build (no event-order knob): skipping" >&2
	exit 77
fi

PRELOAD_LIB=${SC_PREEMPT_LIB:-$(dirname "$SC")/tests/preempt.so}
PRELOAD=""
if [ -f "$PRELOAD_LIB" ]; then
	# A sanitizer's runtime must come first among the libraries.
	ASAN_LIB=$(ldd "$SC" 2>/dev/null | awk '/libasan/ { print $3 }')
	PRELOAD="${ASAN_LIB:+$ASAN_LIB }$PRELOAD_LIB"
fi

# coincide SCENARIO [ARGS]: run the scenario under every order of the
# knob (and the delays, when the library is built); its failures said.
coincide() {
	_out=$(t 240 "$SC_PYTHON" "$DRIVER" "$SC" "$@" \
	    ${PRELOAD:+--preload "$PRELOAD"} 2>&1)
	_rc=$?
	echo "$_out"
	assertEquals "$1: $(echo "$_out" | grep -v 'runs whole' | head -3)" \
	    0 "$_rc"
	assertContains "$1 ran" "$_out" "runs whole"
}

test_knob_says_a_wrong_value() {
	_err=$(SC_EVENT_ORDER=sideways t 5 "$SC" -z 127.0.0.1 1 2>&1)
	assertContains "$_err" \
	    "SC_EVENT_ORDER=sideways: not reverse or seed:N, ignored"
}

test_listener_stdin_before_the_client_end() {
	coincide listen-reverse-eof
}

test_listener_stdin_before_the_client_end_N() {
	coincide listen-reverse-eof-N
}

test_listener_both_ways_whole() {
	coincide listen-bulk
}

test_client_stdin_ends_as_the_server_does() {
	coincide client
}

test_programs_exit_as_their_peers_close() {
	coincide exec
}

test_program_answers_at_its_input_end() {
	coincide exec-shell
}

test_fifo_filter() {
	coincide fifo
}

test_chat_caller_says_and_leaves() {
	coincide chat
}

test_broker_member_says_and_leaves() {
	coincide broker
}

test_room_member_says_and_leaves() {
	coincide room
}

test_forwarder() {
	coincide forward
}

test_address_pair() {
	coincide pair
}

test_socat_stdio_and_program() {
	coincide local
}

test_udp_listener_quits_with_stdin() {
	coincide udp-listen
}

test_udp_client_answer_as_stdin_ends() {
	coincide udp-client
}

test_websocket_server_client_closes_at_once() {
	coincide ws-server
}

test_websocket_client_server_answers_and_closes() {
	coincide ws-client
}

# A peer that writes and resets in one go: the reset said once, a failed
# status, a start of what was sent delivered, a whole end never passed on
# for a cut stream.  One run of each order: the races these found showed
# in one run of two or more.
test_listener_client_resets() {
	coincide listen-reset --runs 1
}

# A server that answers and resets before the connect is seen to be made:
# the connection was made all the same, its bytes shown, then the reset.
test_client_server_answers_and_resets() {
	coincide client-reset --runs 1
}

# A program that never read what the client sent when the client resets.
test_program_unread_at_the_reset() {
	coincide exec-reset --runs 1
}

test_forwarder_client_resets() {
	coincide forward-reset --runs 1
}

test_websocket_server_client_resets() {
	coincide ws-server-reset --runs 1
}

# The client resets while frames are owed behind a full socket: the reset
# said as one, whether the read (whose flush of what is owed meets it
# first) or the write meets it.
test_websocket_server_client_resets_frames_owed() {
	if ! command -v ss >/dev/null 2>&1; then
		sc_skip "no ss(8) to see the send queue"
		return
	fi
	coincide ws-server-owed-reset --runs 1
}

# The forwarder's target answers and resets: its client must not see a
# whole end for a cut stream.
test_forwarder_target_resets() {
	coincide forward-target-reset --runs 1
}

test_websocket_client_server_resets() {
	coincide ws-client-reset --runs 1
}

# A member says a line and resets before its welcome is written: the
# others still hear the line, as ncat's chat relays it.
test_broker_member_says_and_resets() {
	coincide broker-reset --runs 1
}

test_room_member_says_and_resets() {
	coincide room-reset --runs 1
}

test_chat_caller_says_and_resets() {
	coincide chat-reset --runs 1
}

# OpenBSD's regress/usr.bin/nc run-tcp-server-reverse-eof, 200 times,
# both processors kept busy meanwhile, the orders taken in turn.  The
# loops that keep them busy are started only where the machine is not
# busy already (the CI's other suites, whose processors they would take).
test_reverse_eof_200_times_loaded() {
	_busy=""
	read -r _load _ </proc/loadavg
	if [ "${_load%.*}" -ge "$(nproc)" ]; then
		echo "# already busy (load $_load): no loops of ours"
	else
		for _i in 1 2; do
			bg t 200 sh -c 'while :; do :; done'
			_busy="$_busy $BG_PID"
		done
	fi
	_orders=reverse
	for _i in $(seq 1 9); do
		_orders="$_orders,seed:$_i"
	done
	coincide listen-reverse-eof --orders "$_orders" --runs 20
	assertContains "$_out" "200 of 200 runs whole"
	[ -z "$_busy" ] || kill $_busy 2>/dev/null
}

sc_run_shunit2 2
