#!/bin/bash
# --broker: every client's bytes go to all other clients (and with
# --monitor to stdout), stdin goes to every client; a client that stops reading is cut off
# without slowing the others; --max-conns, allow and deny rules.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

test_relay_among_three_clients() {
	server srv --broker --monitor -d 127.0.0.1 0 || fail "no server"
	client c1 7
	client c2 8
	client c3 9
	wait_clients srv 3 || fail "clients did not connect"
	say 7 'from one\n'
	wait_for "$SC_TMP/c2.out" '^from one$' || fail "c2 did not get it"
	wait_for "$SC_TMP/c3.out" '^from one$' || fail "c3 did not get it"
	say 8 'from two\n'
	wait_for "$SC_TMP/c1.out" '^from two$' || fail "c1 did not get it"
	wait_for "$SC_TMP/c3.out" '^from two$' || fail "c3 did not get two"
	wait_for "$SC_TMP/srv.out" '^from two$' || fail "stdout"
	assertEquals "a sender does not get its own bytes" "from two" \
	    "$(<"$SC_TMP/c1.out")"
	assertEquals "$(printf 'from one\nfrom two')" "$(<"$SC_TMP/c3.out")"
	assertEquals "stdout gets every client's bytes" \
	    "$(printf 'from one\nfrom two')" "$(<"$SC_TMP/srv.out")"
}

# Issue 66: as ncat's broker, stdout gets nothing of what clients send
# unless asked (--monitor); the relay and stdin's way are the same.
test_stdout_only_when_asked() {
	console srv 6
	server srv --broker 127.0.0.1 0 || fail "no server"
	client c1 7
	client c2 8
	wait_clients srv 2 || fail "clients did not connect"
	say 7 'from one\n'
	wait_for "$SC_TMP/c2.out" '^from one$' || fail "c2 did not get it"
	say 6 'operator\n'
	wait_for "$SC_TMP/c1.out" '^operator$' || fail "c1 did not get stdin"
	say 8 'from two\n'
	wait_for "$SC_TMP/c1.out" '^from two$' || fail "c1 did not get two"
	assertEquals "stdout" "" "$(<"$SC_TMP/srv.out")"
	assertEquals "stderr" "" "$(grep '^sockcat' "$SC_TMP/srv.err")"
	# The real ncat's broker, the same clients: its stdout is empty too.
	command -v ncat >/dev/null || return 0
	port=$(free_port) || fail "no port"
	bg t 30 ncat -v -l --broker 127.0.0.1 "$port" </dev/null \
	    >"$SC_TMP/ncat.out" 2>"$SC_TMP/ncat.err"
	npid=$BG_PID
	wait_for "$SC_TMP/ncat.err" 'Listening on' || fail "no ncat"
	PORT=$port
	client n1 5
	client n2 9
	# ncat says each connection twice, the second time with its port.
	wait_lines "$SC_TMP/ncat.err" 'Connection from .*:[0-9]+\.$' 2 ||
	    fail "ncat: $(<"$SC_TMP/ncat.err")"
	say 9 'to ncat\n'
	wait_for "$SC_TMP/n1.out" '^to ncat$' || fail "ncat relayed nothing"
	stop "$npid"
	assertEquals "ncat's stdout" "" "$(<"$SC_TMP/ncat.out")"
}

test_stdin_goes_to_every_client() {
	console srv 6
	server srv --broker --monitor 127.0.0.1 0 || fail "no server"
	client c1 7
	client c2 8
	wait_clients srv 2 || fail "clients did not connect"
	say 6 'operator\n'
	wait_for "$SC_TMP/c1.out" '^operator$' || fail "c1"
	wait_for "$SC_TMP/c2.out" '^operator$' || fail "c2"
	assertEquals "stdin is not echoed to stdout" "" "$(<"$SC_TMP/srv.out")"
}

test_stdin_at_eof_ends_nothing() {
	server srv --broker 127.0.0.1 0 </dev/null || fail "no server"
	client c1 7
	client c2 8
	wait_clients srv 2 || fail "clients did not connect"
	say 7 'still here\n'
	wait_for "$SC_TMP/c2.out" '^still here$' || fail "relay after stdin EOF"
}

# A stdout that cannot be written is said once and left; the clients
# go on relaying among themselves.
test_stdout_failing_ends_nothing() {
	timeout -k 2 60 "$SC" -v --broker --monitor 127.0.0.1 0 </dev/null >/dev/full \
	    2>"$SC_TMP/srv.err" 5>&- 6>&- 7>&- 8>&- 9>&- &
	SERVER_PID=$!
	SC_PIDS="$SC_PIDS $SERVER_PID"
	wait_for "$SC_TMP/srv.err" '^Listening on ' || fail "no server"
	PORT=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
	client c1 7
	client c2 8
	wait_clients srv 2 || fail "clients did not connect"
	say 7 'first\n'
	wait_for "$SC_TMP/c2.out" '^first$' || fail "c2 did not get it"
	wait_for "$SC_TMP/srv.err" 'write to stdout' || fail "not said"
	say 7 'second\n'
	wait_for "$SC_TMP/c2.out" '^second$' || fail "c2 did not get more"
	assertEquals "said once" \
	    "sockcat: write to stdout: No space left on device" \
	    "$(grep '^sockcat: ' "$SC_TMP/srv.err")"
	still_running "$SERVER_PID" 0.1 || fail "the broker ended"
}

test_client_leaving_is_dropped_alone() {
	server srv --broker --monitor -d 127.0.0.1 0 || fail "no server"
	client c1 7
	c1=$CLIENT_PID
	client c2 8
	wait_clients srv 2 || fail "clients did not connect"
	# c1 closes its sending side: the broker closes it, the client ends.
	hush 7
	wait_exit "$c1"
	assertEquals "client ended" 0 "$WAIT_STATUS"
	say 8 'alone\n'
	wait_for "$SC_TMP/srv.out" '^alone$' || fail "broker stopped"
	assertTrue "broker runs on" "kill -0 $SERVER_PID"
}

test_stalled_client_is_cut_off() {
	command -v python3 >/dev/null || { sc_skip "no python3"; return; }
	# -O keeps the kernel's share of a client's backlog small (128 KiB),
	# so the queue fills; the others wait for the stalled one 1 s only.
	server srv --broker --monitor -d -O 65536 --write-timeout 1 127.0.0.1 0 ||
	    fail "no server"
	# A client that never reads, with a small receive buffer.
	bg timeout -k 2 20 python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
time.sleep(20)' "$PORT"
	client reader 8
	client talker 7
	wait_clients srv 3 || { fail "clients did not connect"; return; }
	# The talker keeps talking: 2 MB in pieces, far more than the stalled
	# client's buffers and queue hold.  Each piece waits for the reader to
	# have the one before: a reader slowed by a busy machine must not be
	# taken for a stalled one.
	for i in $(seq 20); do
		t 10 head -c 100000 /dev/zero >&7
		wait_size "$SC_TMP/reader.out" $((i * 100000)) ||
		    { fail "the reader fell behind"; return; }
	done
	size=2000000
	wait_size "$SC_TMP/reader.out" $size
	assertEquals "the reader got everything" $size \
	    "$(stat -c %s "$SC_TMP/reader.out")"
	wait_size "$SC_TMP/srv.out" $size
	assertEquals "stdout got everything" $size \
	    "$(stat -c %s "$SC_TMP/srv.out")"
	wait_for "$SC_TMP/srv.err" 'read nothing' 15
	assertTrue "notice" "grep -Eq '^sockcat: 127.0.0.1:[0-9]+: read nothing for 1000 ms, disconnected$' '$SC_TMP/srv.err'"
	assertEquals "only the stalled client is cut off" 1 \
	    "$(grep -c 'disconnected' "$SC_TMP/srv.err")"
	# The broker and the others carry on.
	say 7 'after\n'
	wait_for "$SC_TMP/reader.out" 'after$' || fail "relay after the cut"
	client late 9
	wait_clients srv 4 || fail "no new client"
	say 9 'late\n'
	wait_for "$SC_TMP/reader.out" '^late$' || fail "relay from a newcomer"
}

test_max_conns() {
	server srv --broker -d --max-conns 2 127.0.0.1 0 || fail "no server"
	client c1 7
	c1=$CLIENT_PID
	client c2 8
	wait_clients srv 2 || fail "clients did not connect"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c3.out"
	assertEquals "the third is closed" 0 $?
	assertEquals "silently" "" "$(<"$SC_TMP/c3.out")"
	assertTrue "refusal logged" \
	    "grep -Eq '^sockcat: connection from 127.0.0.1 [0-9]+ refused: server full$' '$SC_TMP/srv.err'"
	# One leaves: there is room again.
	hush 7
	wait_exit "$c1"
	client c4 9
	wait_clients srv 3 || fail "c4 not accepted"
	say 9 'four\n'
	wait_for "$SC_TMP/c2.out" '^four$' || fail "c4 not relayed"
}

test_deny_wins_over_allow() {
	server srv --broker --monitor -d --allow 127.0.0.0/8 --deny 127.0.0.1 \
	    127.0.0.1 0 || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "denied client closed" 0 $?
	wait_for "$SC_TMP/srv.err" 'denied$' || fail "no denial"
	assertTrue "grep -Eq '^sockcat: connection from 127.0.0.1 [0-9]+ denied$' '$SC_TMP/srv.err'"
	assertEquals "nothing relayed" "" "$(<"$SC_TMP/srv.out")"
}

# A client holds a read buffer only while bytes are in it: once every
# client is idle, none is held and those used wait in the pool (-vvv adds
# the counts to the statistics line).
test_idle_clients_hold_no_buffer() {
	server srv -vv --broker --monitor -d 127.0.0.1 0 || fail "no server"
	client c1 7
	client c2 8
	wait_clients srv 2 || fail "clients did not connect"
	say 7 'from one\n'
	wait_for "$SC_TMP/c2.out" '^from one$' || fail "c2 did not get it"
	say 8 'from two\n'
	wait_for "$SC_TMP/c1.out" '^from two$' || fail "c1 did not get it"
	wait_for "$SC_TMP/srv.out" '^from two$' || fail "stdout"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	assertContains "none held, the used ones pooled" \
	    "$(tail -n 1 "$SC_TMP/srv.err")" "; buffers: 0 held, "
	assertTrue "some were used: $(tail -n 1 "$SC_TMP/srv.err")" \
	    "tail -n 1 '$SC_TMP/srv.err' | grep -Eq 'buffers: 0 held, [1-9]'"
}

test_command_line_errors() {
	expect_error "cannot use --broker and --room" --broker --room 0
	expect_error "must use --broker with --monitor" --monitor -l 0
	expect_error "must use -l with --max-conns" --max-conns 2 127.0.0.1 1
	expect_error "must use -l with --allow and --deny" \
	    --allow 127.0.0.1 127.0.0.1 1
	expect_error "max-conns too small: 0" --broker --max-conns 0 0
	expect_error "max-conns invalid: x" --broker --max-conns x 0
	expect_error "idle timeout invalid: soon" --broker --idle-timeout soon 0
	expect_error "invalid address or range: 127.0.0.1/33" --broker \
	    --allow 127.0.0.1/33 0
	expect_error "invalid address or range: ::1/129" --broker --deny ::1/129 0
	expect_error "$SC_TMP/none: No such file or directory" --broker \
	    --allowfile "$SC_TMP/none" 0
	expect_error "missing port number" --broker
	# They serve TCP clients: over UDP their listener took the first
	# datagram for a DTLS handshake it had no context for, and crashed.
	for _m in --broker --room; do
		expect_error "--room and --broker serve TCP clients: cannot use \
them with -u" "$_m" -u 127.0.0.1 0
	done
}

test_descriptor_limit_raised() {
	# A low soft limit is raised to the hard one, silently.
	(
		ulimit -Sn 64
		exec timeout -k 2 60 "$SC" -v --broker -d 127.0.0.1 0 \
		    </dev/null >/dev/null 2>"$SC_TMP/srv.err"
	) &
	SERVER_PID=$!
	SC_PIDS="$SC_PIDS $SERVER_PID"
	wait_for "$SC_TMP/srv.err" '^Listening on' || fail "no server"
	pid=$(pgrep -P "$SERVER_PID" -x sockcat)
	assertEquals "soft limit raised to the hard one" "$(ulimit -Hn)" \
	    "$(awk '/^Max open files/ { print $4 }' "/proc/$pid/limits")"
	assertFalse "no warning" "grep -q 'descriptor limit' '$SC_TMP/srv.err'"
}

test_descriptor_limit_too_low() {
	(
		ulimit -n 100
		exec timeout -k 2 60 "$SC" -v --broker -d --max-conns 1000 \
		    127.0.0.1 0 </dev/null >/dev/null 2>"$SC_TMP/srv.err"
	) &
	SC_PIDS="$SC_PIDS $!"
	wait_for "$SC_TMP/srv.err" '^Listening on' || fail "no server"
	assertEquals "sockcat: descriptor limit is 100 (hard limit 100): at most about 68 clients; raise it with ulimit -Hn to serve 1000" \
	    "$(head -n 1 "$SC_TMP/srv.err")"
}

sc_run_shunit2
