#!/bin/bash
# The fast path: with nothing to rewrite, channels move bytes with
# splice(2).  Every kind of stdin and stdout (regular file, pipe, socket)
# must come out byte-exact at sizes 0, 1, 64 KiB - 1 and 100 MiB, and a
# transformation (-C) must take the copying path instead.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

make_input() {
	head -c "$1" /dev/urandom >"$SC_TMP/in"
}

# transfer KIND: send $SC_TMP/in to a listener; KIND says what the two
# sides' stdin and stdout are.  Sets the sender's and receiver's stderr.
transfer() {
	# Nothing of an earlier transfer may be taken for this one's.
	rm -f "$SC_TMP/srv.err" "$SC_TMP/c.err" "$SC_TMP/got" "$SC_TMP/srv.out"
	case $1 in
	file)
		server srv -vvv -l 127.0.0.1 0 ||
		    { fail "no server"; return; }
		t 30 "$SC" -vvv -N 127.0.0.1 "$PORT" <"$SC_TMP/in" \
		    2>"$SC_TMP/c.err"
		wait_exit "$SERVER_PID" 30
		cp "$SC_TMP/srv.out" "$SC_TMP/got" ;;
	pipe)
		timeout 30 sh -c "exec '$SC' -vvv -v -l 127.0.0.1 0 \
		    2>'$SC_TMP/srv.err' | cat >'$SC_TMP/got'" </dev/null &
		pid=$!
		SC_PIDS="$SC_PIDS $pid"
		wait_for "$SC_TMP/srv.err" "^Listening on" ||
		    { fail "no server"; return; }
		port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
		cat "$SC_TMP/in" | t 30 "$SC" -vvv -N 127.0.0.1 "$port" \
		    2>"$SC_TMP/c.err"
		wait_exit "$pid" 30 ;;
	socket)
		# socat gives its EXEC child socketpairs as stdin and stdout.
		server srv -vvv -l 127.0.0.1 0 ||
		    { fail "no server"; return; }
		t 30 socat -u "FILE:$SC_TMP/in" \
		    "EXEC:$SC -vvv -N 127.0.0.1 $PORT" 2>"$SC_TMP/c.err"
		wait_exit "$SERVER_PID" 30
		cp "$SC_TMP/srv.out" "$SC_TMP/got" ;;
	esac
}

check_sizes() {
	for size in 0 1 65535 104857600; do
		make_input $size
		transfer "$1"
		assertTrue "$1 $size bytes identical" \
		    "cmp -s '$SC_TMP/in' '$SC_TMP/got'"
		assertContains "$1 $size sender in the kernel" \
		    "$(<"$SC_TMP/c.err")" "send: $2"
		rm -f "$SC_TMP/in" "$SC_TMP/got" "$SC_TMP/srv.out"
	done
}

test_regular_file() {
	check_sizes file sendfile
	# The receiver wrote to a regular file through the pipe too.
	make_input 100000
	transfer file
	assertContains "$(<"$SC_TMP/srv.err")" "receive: splice"
}

test_pipe() {
	check_sizes pipe splice
}

test_socket() {
	command -v socat >/dev/null || { sc_skip "socat not installed"; return; }
	check_sizes socket splice
}

test_crlf_takes_the_copying_path() {
	printf 'one\ntwo\n' >"$SC_TMP/in"
	server srv -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -vvv -C -N 127.0.0.1 "$PORT" <"$SC_TMP/in" 2>"$SC_TMP/c.err"
	wait_exit "$SERVER_PID"
	assertContains "$(<"$SC_TMP/c.err")" "send: copy"
	assertEquals "$(printf 'one\r\ntwo\r\n' | od -c)" \
	    "$(od -c <"$SC_TMP/srv.out")"
}

# Character devices that never wait are spliced, both as the source
# (/dev/zero) and as the destination (/dev/null).
test_memory_devices_splice() {
	bg t 30 "$SC" -vvv -l 127.0.0.1 0 </dev/null >/dev/null \
	    2>"$SC_TMP/srv.err"
	srv=$BG_PID
	wait_for "$SC_TMP/srv.err" "^Listening on" || fail "no server"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
	bg_in /dev/zero t 30 "$SC" -vvv 127.0.0.1 "$port" \
	    2>"$SC_TMP/c.err"
	assertTrue "sent from /dev/zero in the kernel" \
	    "wait_for '$SC_TMP/c.err' 'send: splice'"
	assertTrue "received into /dev/null in the kernel" \
	    "wait_for '$SC_TMP/srv.err' 'receive: splice'"
	stop "$BG_PID" "$srv"
}

# A terminal is copied, both ways: a splice from it would wait in the
# kernel for the next line typed, and the loop with it.
test_terminal_is_copied() {
	on_tty tty listen:tcp accept 'expect:send: copy' \
	    'expect:receive: copy' 'send:typed\n' 'netexpect:typed\n' \
	    'netsend:back\n' 'expect:back\r\n' 'send:typed again\n' \
	    'netexpect:typed again\n' 'send:\x04' netclose exit:0 -- \
	    "$SC" -vvv 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/tty.err")" 0 "$st"
}

sc_run_shunit2
