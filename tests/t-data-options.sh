#!/bin/bash
# Options on the data of a session: logs (-o, --hex-dump, --append-output),
# --send-only, --recv-only, --no-shutdown, telnet answers (-t), pacing (-i,
# --delay), the receive limit (-W), -C across reads, passing the socket
# (-F), and the options this system lacks (-S without a tty, -V, -Z).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3
TBPEER="python3 ${TESTS_DIR:-$(dirname "$0")}/tbpeer.py"

# Start tbpeer.py in the background (chunks mode) and wait for its port:
# peer OUTFILE WANT HEX...; the result line goes to $SC_TMP/peer.res.
peer() {
	rm -f "$SC_TMP/peer.port"
	bg $TBPEER chunks "$SC_TMP/peer.port" "$@" >"$SC_TMP/peer.res"
	PEER_PID=$BG_PID
	wait_for "$SC_TMP/peer.port" '^[0-9]+$' || fail "peer did not start"
	PORT=$(<"$SC_TMP/peer.port")
}

# Hold a FIFO as stdin: the writer is fd 3 of this shell.
fifo_stdin() {
	mkfifo "$SC_TMP/stdin"
}

test_hex_dump_format() {
	fifo_stdin
	server srv -N -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -N --hex-dump "$SC_TMP/hex" 127.0.0.1 "$PORT" \
	    <"$SC_TMP/stdin" >"$SC_TMP/c.out" &
	cpid=$!
	exec 3>"$SC_TMP/stdin"
	printf 'hello world, this is a test of hex\n' >&3
	wait_for "$SC_TMP/hex" '\|ex\.\|'
	printf 'abc\n' >&3
	exec 3>&-
	wait_exit "$cpid"
	assertEquals "client status" 0 "$WAIT_STATUS"
	expected=$(cat <<'EXP'
> 00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69  |hello world, thi|
> 00000010  73 20 69 73 20 61 20 74  65 73 74 20 6f 66 20 68  |s is a test of h|
> 00000020  65 78 0a                                          |ex.|
> 00000023  61 62 63 0a                                       |abc.|
EXP
)
	assertFileEquals "$SC_TMP/hex" "$expected"
	wait_exit "$SERVER_PID"
	assertEquals "hello world, this is a test of hex
abc" "$(<"$SC_TMP/srv.out")"
}

test_hex_dump_both_directions() {
	# The peer's three pieces arrive one read each: offsets run on.
	peer "$SC_TMP/c.out" -1 6f6e650a 74776f0a ff00
	t 5 "$SC" -d --hex-dump "$SC_TMP/hex" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	expected=$(cat <<'EXP'
< 00000000  6f 6e 65 0a                                       |one.|
< 00000004  74 77 6f 0a                                       |two.|
< 00000008  ff 00                                             |..|
EXP
)
	assertFileEquals "$SC_TMP/hex" "$expected"
}

test_output_raw_both_directions() {
	printf 'from server\n' >"$SC_TMP/srv.in"
	server srv -l 127.0.0.1 0 || fail "no server"
	printf 'from client\n' | t 5 "$SC" -N -o "$SC_TMP/log" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "from server"
	# Order between the two directions depends on timing: sort.
	assertEquals "from client
from server" "$(sort "$SC_TMP/log")"
	assertEquals 24 "$(wc -c <"$SC_TMP/log")"
}

test_output_with_stdout_closed() {
	# The log must not become stdout: received data goes nowhere.
	printf 'from server\n' >"$SC_TMP/srv.in"
	server srv -l 127.0.0.1 0 || fail "no server"
	echo hi | t 5 "$SC" -N -o "$SC_TMP/log" 127.0.0.1 "$PORT" >&-
	assertEquals "client status" 0 $?
	assertEquals "from server
hi" "$(sort "$SC_TMP/log")"
}

test_append_output() {
	for i in 1 2; do
		server srv -l 127.0.0.1 0 || fail "no server"
		echo "run $i" | t 5 "$SC" -N -o "$SC_TMP/log" --append-output \
		    127.0.0.1 "$PORT" >/dev/null
		wait_exit "$SERVER_PID"
	done
	assertFileEquals "$SC_TMP/log" "run 1
run 2"
	server srv -l 127.0.0.1 0 || fail "no server"
	echo "run 3" | t 5 "$SC" -N -o "$SC_TMP/log" 127.0.0.1 "$PORT" \
	    >/dev/null
	assertFileEquals "$SC_TMP/log" "run 3" "without --append-output"
}

test_output_file_error() {
	t 5 "$SC" -o "$SC_TMP/no/such/dir" 127.0.0.1 1 </dev/null \
	    2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/no/such/dir: No such file or directory" \
	    "$(<"$SC_TMP/err")"
}

# A log that cannot be written (a full disk) stops at the first failure,
# said in one line; the session goes on, and the status is 1: what the
# log was given is lost.  --record the same.
test_log_write_error() {
	for opt in -o --hex-dump --record; do
		server srv -N -l 127.0.0.1 0 -e "/bin/echo answer" ||
		    fail "no server"
		echo hi | t 5 "$SC" -N $opt /dev/full 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/err"
		assertEquals "$opt: status" 1 $?
		assertEquals "$opt: the line" \
		    "sockcat: /dev/full: No space left on device" \
		    "$(<"$SC_TMP/err")"
		assertEquals "$opt: the session went on" answer \
		    "$(<"$SC_TMP/c.out")"
		wait_exit "$SERVER_PID"
	done
}

test_send_only() {
	# The peer sends a line and keeps the connection open: the client
	# drops the line and quits at its stdin's end all the same.
	peer "$SC_TMP/none" 0 6f6e650a
	start=$(now_ms)
	echo hi | t 10 "$SC" --send-only 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertTrue "quit at EOF" "[ $(( $(now_ms) - start )) -lt 5000 ]"
	assertEquals "nothing received" "" "$(<"$SC_TMP/c.out")"
	wait_exit "$PEER_PID"
	assertEquals "$(printf 'hi\n' | od -An -tx1 | tr -d ' \n') eof" \
	    "$(<"$SC_TMP/peer.res")"
}

test_recv_only() {
	printf 'from server\n' >"$SC_TMP/srv.in"
	server srv -N -l 127.0.0.1 0 || fail "no server"
	echo "not sent" | t 5 "$SC" --recv-only 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "from server"
	wait_exit "$SERVER_PID"
	assertEquals "server got nothing" "" "$(<"$SC_TMP/srv.out")"
}

test_no_shutdown() {
	# -q 0 alone would shut the socket down at stdin's end; the peer
	# would see EOF at once.  With --no-shutdown it must not.
	TBPEER_DEADLINE=1.5 peer "$SC_TMP/none" 0
	echo hi | t 5 "$SC" -q 0 --no-shutdown 127.0.0.1 "$PORT" >/dev/null
	assertEquals "client status" 0 $?
	wait_exit "$PEER_PID"
	assertEquals "68690a timeout" "$(<"$SC_TMP/peer.res")"
	peer "$SC_TMP/none" 0
	echo hi | t 5 "$SC" -q 0 127.0.0.1 "$PORT" >/dev/null
	wait_exit "$PEER_PID"
	assertEquals "without it" "68690a eof" "$(<"$SC_TMP/peer.res")"
}

test_telnet_split_sequences() {
	# IAC WILL 1 and IAC DO 3, cut across three reads; data is kept.
	peer "$SC_TMP/c.out" 6 61ff fb01ff fd 03620a
	t 5 "$SC" -t 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertEquals "fffe01fffc03 enough" "$(<"$SC_TMP/peer.res")"
	assertEquals "61fffb01fffd03620a" "$(od -An -tx1 "$SC_TMP/c.out" |
	    tr -d ' \n')"
}

test_telnet_answers_are_logged() {
	peer "$SC_TMP/c.out" 3 fffd18
	t 5 "$SC" -t --hex-dump "$SC_TMP/hex" 127.0.0.1 "$PORT" </dev/null \
	    >/dev/null
	assertEquals "fffc18 enough" "$(<"$SC_TMP/peer.res")"
	expected=$(cat <<'EXP'
< 00000000  ff fd 18                                          |...|
> 00000000  ff fc 18                                          |...|
EXP
)
	assertFileEquals "$SC_TMP/hex" "$expected"
}

# A peer that asks while the way to it is full (it reads nothing until
# then) gets every answer, whole, after the data: none is dropped ("Write
# Error!") or cut into the stream, as a non-blocking send(2) did.  -O
# makes the send buffer small: a large one took the answers whole on an
# idle machine even before.
test_telnet_answers_wait_for_room() {
	rm -f "$SC_TMP/peer.port"
	TBPEER_DEADLINE=30 bg $TBPEER owed "$SC_TMP/peer.port" 5000 \
	    >"$SC_TMP/peer.res"
	PEER_PID=$BG_PID
	wait_for "$SC_TMP/peer.port" '^[0-9]+$' || fail "peer did not start"
	yes abcdefghijklmnopqrstuvwxyz | tr -d '\n' | head -c 8000000 |
	    t 40 "$SC" -N -t -O 4096 127.0.0.1 "$(<"$SC_TMP/peer.port")" \
	    >/dev/null 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	wait_exit "$PEER_PID"
	assertEquals "answers=5000 data=8000000 eof" "$(<"$SC_TMP/peer.res")"
	assertEquals "said" "" "$(<"$SC_TMP/c.err")"
}

test_telnet_off_by_default() {
	# Nothing comes back within the peer's second.
	TBPEER_DEADLINE=1 peer "$SC_TMP/c.out" 0 fffb01
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	wait_exit "$PEER_PID"
	assertEquals " timeout" "$(<"$SC_TMP/peer.res")"
}

test_telnet_escaped_iac() {
	# IAC IAC is a data byte: the WILL after it is not a command, the DO
	# that follows is.
	peer "$SC_TMP/c.out" 3 fffffb01fffd05
	t 5 "$SC" -t -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "fffc05 enough" "$(<"$SC_TMP/peer.res")"
}

test_interval_paces_lines() {
	server srv -l 127.0.0.1 0 || fail "no server"
	start=$(now_ms)
	printf 'a\nb\nc\n' | t 10 "$SC" -N -i 300ms 127.0.0.1 "$PORT"
	assertEquals "client status" 0 $?
	elapsed=$(( $(now_ms) - start ))
	assertTrue "three pauses, took $elapsed ms" "[ $elapsed -ge 850 ]"
	assertTrue "not much more, took $elapsed ms" "[ $elapsed -lt 5000 ]"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "a
b
c"
}

test_delay_between_writes() {
	server srv -l 127.0.0.1 0 || fail "no server"
	start=$(now_ms)
	printf 'abc' | t 5 "$SC" -N --delay 600ms 127.0.0.1 "$PORT"
	elapsed=$(( $(now_ms) - start ))
	assertTrue "paused, took $elapsed ms" "[ $elapsed -ge 550 ]"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "abc"
}

test_recv_limit() {
	peer "$SC_TMP/c.out" 0 6f6e650a 74776f0a 74687265650a
	t 5 "$SC" -W 2 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "one
two"
	wait_exit "$PEER_PID"
	assertEquals " eof" "$(<"$SC_TMP/peer.res")"
}

test_crlf_split_across_reads() {
	fifo_stdin
	server srv -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -N -C 127.0.0.1 "$PORT" <"$SC_TMP/stdin" &
	cpid=$!
	exec 3>"$SC_TMP/stdin"
	printf 'a\r' >&3
	wait_for "$SC_TMP/srv.out" 'a'
	printf '\nb\nc\r\n' >&3
	exec 3>&-
	wait_exit "$cpid"
	assertEquals "client status" 0 "$WAIT_STATUS"
	wait_exit "$SERVER_PID"
	assertEquals "610d0a620d0a630d0a" \
	    "$(od -An -tx1 "$SC_TMP/srv.out" | tr -d ' \n')"
}

test_crlf_only_on_stdin_data() {
	printf 'x\ny\n' >"$SC_TMP/srv.in"
	server srv -N -l 127.0.0.1 0 || fail "no server"
	printf 'p\n' | t 5 "$SC" -N -C 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "78 0a 79 0a" "$(od -An -tx1 "$SC_TMP/c.out" | sed 's/^ //')"
	wait_exit "$SERVER_PID"
	assertEquals "70 0d 0a" "$(od -An -tx1 "$SC_TMP/srv.out" | sed 's/^ //')"
}

test_pass_fd() {
	server srv -l 127.0.0.1 0 || fail "no server"
	res=$(t 8 $TBPEER recvfd "$SC" -F 127.0.0.1 "$PORT")
	assertEquals "status=0 byte=00" "$res"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "through the passed socket"
}

test_pass_fd_needs_a_socket() {
	server srv -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -F 127.0.0.1 "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: sendmsg: Socket operation on non-socket" \
	    "$(<"$SC_TMP/err")"
}

test_md5sig_without_tty() {
	sc_require setsid
	t 5 setsid "$SC" -S 127.0.0.1 1 </dev/null >/dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: Unable to read TCP MD5SIG password" \
	    "$(<"$SC_TMP/err")"
}

test_rtable() {
	t 5 "$SC" -V 1 127.0.0.1 1 </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: no alternate routing table support available" \
	    "$(<"$SC_TMP/err")"
}

test_dccp() {
	if python3 -c 'import socket; socket.socket(socket.AF_INET, 6, 33)' \
	    2>/dev/null; then
		sc_skip "this system has DCCP"
		return
	fi
	t 5 "$SC" -Z -l 127.0.0.1 0 </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: Socket type not supported" "$(<"$SC_TMP/err")"
	t 5 "$SC" -vZ 127.0.0.1 1 </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "" "$(<"$SC_TMP/err")"
}

test_option_errors() {
	t 5 "$SC" -W 0 127.0.0.1 1 </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: receive limit too small: 0" "$(<"$SC_TMP/err")"
	t 5 "$SC" --delay 2x 127.0.0.1 1 </dev/null 2>"$SC_TMP/err"
	assertEquals "sockcat: delay invalid: 2x" "$(<"$SC_TMP/err")"
	t 5 "$SC" --send-only --recv-only 127.0.0.1 1 </dev/null \
	    2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: cannot use --send-only and --recv-only" \
	    "$(<"$SC_TMP/err")"
}

test_documented_everywhere() {
	comp=${COMPLETION:-$(dirname "$SC")/completions/sockcat}
	help=$("$SC" --help)
	for opt in -o --output --hex-dump --append-output --send-only \
	    --recv-only --no-shutdown -t --telnet -i --interval -W \
	    --recv-limit --delay -S --md5sig -F --pass-fd -Z --dccp -V \
	    --rtable; do
		assertContains "--help has $opt" "$help" " $opt"
		assertTrue "man page has $opt" "grep -q -- 'Fl ${opt#-}' $(manual_pages | tr '\n' ' ')"
	done
	# t-docs.sh checks that every option is completed; here, that those
	# taking a value are known to.
	for opt in -o --output --hex-dump -W --recv-limit --delay -V \
	    --rtable -i --interval; do
		assertTrue "completion knows $opt takes a value" \
		    "grep -Eq -- '(^|[ |(])$opt( |\\))' '$comp'"
	done
}

sc_run_shunit2
