#!/bin/bash
# Faults: a peer that resets or stops reading, descriptor exhaustion,
# signals, standard descriptors closed at start, and hostile command lines
# and data.  Each test checks that data arrives intact or that the failure
# is reported, and that sockcat never hangs, spins or crashes.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/proc.sh"
sc_require python3 prlimit

FAULT="${TESTS_DIR:-$(dirname "$0")}/fault.py"
PEER="${TESTS_DIR:-$(dirname "$0")}/peer.py"

# Start fault.py as a listener with the given arguments; sets FPORT.
fault_listen() {
	bg timeout -k 2 15 python3 "$FAULT" --listen "$SC_TMP/pf" "$@" \
	    >"$SC_TMP/fault.out"
	FAULT_PID=$BG_PID
	wait_for "$SC_TMP/pf" '^[0-9]+$' || fail "fault.py did not listen"
	FPORT=$(<"$SC_TMP/pf")
}

# --- A peer that resets the connection ----------------------------------

test_reset_while_sending() {
	fault_listen --rst-after 1000000
	t 10 "$SC" -v 127.0.0.1 "$FPORT" </dev/zero >/dev/null \
	    2>"$SC_TMP/c.err"
	assertEquals "exit status" 1 $?
	# The reset shows on whichever side of the socket notices first.
	assertEquals "reported: $(<"$SC_TMP/c.err")" 1 "$(grep -Ec \
	    '^sockcat: (write to|read from) network: (Connection reset by peer|Broken pipe)$' \
	    "$SC_TMP/c.err")"
	wait_exit "$FAULT_PID"
	assertContains "$(<"$SC_TMP/fault.out")" "reset after 1000000"
}

# nc's end of the connection: nothing stdin gave was cut off, so the
# status is 0, and -v says the reset.
test_reset_while_receiving() {
	fault_listen --send-rst 200000 --save "$SC_TMP/pf.sent"
	# stdin stays open: the reset alone must end sockcat.
	bg sh -c "{ echo go; sleep 40; } | { timeout 45 '$SC' -v 127.0.0.1 \
	    $FPORT >'$SC_TMP/c.out' 2>'$SC_TMP/c.err'; echo \$? >'$SC_TMP/rc'; }"
	assertTrue "ended without waiting for stdin" "wait_for '$SC_TMP/rc' ."
	assertEquals "exit status" 0 "$(<"$SC_TMP/rc")"
	assertTrue "reported: $(<"$SC_TMP/c.err")" "grep -Eq \
	    '^sockcat: read from network: Connection reset by peer$' \
	    '$SC_TMP/c.err'"
	wait_exit "$FAULT_PID"
	assertContains "$(<"$SC_TMP/fault.out")" "reset after sending"
	# Whatever arrived before the reset is intact (a reset may discard
	# what the kernel had not handed over yet).
	n=$(wc -c <"$SC_TMP/c.out")
	assertTrue "received a prefix ($n bytes)" \
	    "cmp -s -n $n '$SC_TMP/c.out' '$SC_TMP/pf.sent'"
}

# The same on a listener; --fail-on-error makes it a failure.
test_listener_reset_by_client() {
	printf 'go\n' >"$SC_TMP/srv.in"
	server srv -l --fail-on-error 127.0.0.1 0 || fail "no server"
	t 10 python3 "$FAULT" --connect "$PORT" --send-rst 100000 \
	    >"$SC_TMP/fault.out"
	wait_exit "$SERVER_PID"
	assertEquals "exit status" 1 "$WAIT_STATUS"
	assertTrue "reported" "grep -Eq \
	    '^sockcat: read from network: Connection reset by peer$' \
	    '$SC_TMP/srv.err'"
}

# --- A receiver that stops reading ---------------------------------------

test_stalled_peer_blocks_sender() {
	fault_listen --hold --deadline 12
	# Through sh: a background command's stdin would be /dev/null.
	# Copying (--no-splice): the bytes read are then counted in rchar.
	bg sh -c 'exec timeout 15 "$1" --no-splice 127.0.0.1 "$2" </dev/zero \
	    >/dev/null' sh "$SC" "$FPORT"
	pid=$(child_pid "$BG_PID") || fail "no sockcat"
	r1=$(wait_rchar_flat "$pid" 8)
	assertTrue "stopped reading stdin" $?
	rss1=$(rss_kb "$pid")
	still_running "$pid" 1.5
	assertTrue "still running" $?
	r2=$(rchar "$pid")
	rss2=$(rss_kb "$pid")
	assertEquals "nothing more read while the peer stalls" "$r1" "$r2"
	assertTrue "memory bounded: $rss1 -> $rss2 kB" \
	    "[ $((rss2 - rss1)) -lt 1024 ]"
	assertTrue "read something, then stopped ($r1 bytes)" \
	    "[ $r1 -gt 65536 ] && [ $r1 -lt $((64 * 1024 * 1024)) ]"
}

test_stalled_peer_on_the_fast_path() {
	# The same with splice(2): the kernel pipe is the bounded buffer.
	fault_listen --hold --deadline 12
	bg sh -c 'exec timeout 15 "$1" 127.0.0.1 "$2" </dev/zero >/dev/null' \
	    sh "$SC" "$FPORT"
	pid=$(child_pid "$BG_PID") || fail "no sockcat"
	still_running "$pid" 1.5
	assertTrue "still running" $?
	rss1=$(rss_kb "$pid")
	still_running "$pid" 1.5
	rss2=$(rss_kb "$pid")
	assertTrue "memory bounded: $rss1 -> $rss2 kB" \
	    "[ $((rss2 - rss1)) -lt 1024 ]"
}

test_stalled_stdout_blocks_network() {
	# The peer floods; sockcat's stdout is a pipe nobody reads.
	bg timeout -k 2 15 python3 "$PEER" --listen "$SC_TMP/pf" --flood \
	    --deadline 10
	wait_for "$SC_TMP/pf" '^[0-9]+$' || fail "no peer"
	mkfifo "$SC_TMP/fifo"
	# Through sh: a FIFO opened by this shell would block it.
	bg sh -c 'exec timeout 15 sleep 14 <"$1"' sh "$SC_TMP/fifo"
	bg sh -c 'exec timeout 15 "$1" --no-splice -d 127.0.0.1 "$2" >"$3"' sh "$SC" \
	    "$(<"$SC_TMP/pf")" "$SC_TMP/fifo"
	pid=$(child_pid "$BG_PID") || fail "no sockcat"
	r1=$(wait_rchar_flat "$pid" 8)
	assertTrue "stopped reading the network" $?
	rss1=$(rss_kb "$pid")
	still_running "$pid" 1.5
	r2=$(rchar "$pid")
	rss2=$(rss_kb "$pid")
	assertEquals "nothing more read" "$r1" "$r2"
	assertTrue "read something first ($r1 bytes)" "[ $r1 -gt 65536 ]"
	assertTrue "memory bounded: $rss1 -> $rss2 kB" \
	    "[ $((rss2 - rss1)) -lt 1024 ]"
}

# --- Descriptor exhaustion -----------------------------------------------

test_descriptor_exhaustion_backs_off() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	echo one | t 5 "$SC" -N 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/srv.out" '^one$'
	# No descriptor left for the next connection.
	python3 "$FAULT" --nofile "$pid" "$(lowest_free_fd "$pid")"
	ticks1=$(cpu_ticks "$pid")
	bg sh -c "echo two | timeout 15 '$SC' -N 127.0.0.1 $PORT"
	assertTrue "says why it waits" \
	    "wait_for '$SC_TMP/srv.err' 'accept: Too many open files'"
	still_running "$pid" 2
	assertTrue "alive while out of descriptors" $?
	ticks2=$(cpu_ticks "$pid")
	assertTrue "no spinning: $((ticks2 - ticks1)) ticks in 2 s" \
	    "[ $((ticks2 - ticks1)) -lt 40 ]"
	assertFalse "nothing accepted yet" "grep -q two '$SC_TMP/srv.out'"
	# Descriptors free up: the waiting client is served, then others.
	python3 "$FAULT" --nofile "$pid" 1024
	assertTrue "served once free" "wait_for '$SC_TMP/srv.out' '^two$'"
	echo three | t 5 "$SC" -N 127.0.0.1 "$PORT"
	assertTrue "keeps serving" "wait_for '$SC_TMP/srv.out' '^three$'"
	assertTrue "still listening" "kill -0 $pid"
}

test_small_limit_at_start() {
	# Five descriptors: 0, 1, 2, the event loop's and the listening
	# socket; none for a name lookup (hence -n), none for a client until
	# the limit is raised.  The soft limit is set by prlimit(1) for
	# sockcat alone: a shell needs descriptors of its own for its
	# redirections.
	bg sh -c 'exec timeout 90 prlimit --nofile=5: "$1" -vn -k -l 127.0.0.1 \
	    0 </dev/null >"$2" 2>"$3"' sh "$SC" "$SC_TMP/l.out" "$SC_TMP/l.err"
	wait_for "$SC_TMP/l.err" '^Listening on' || fail "no listener"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/l.err")
	pid=$(child_pid "$BG_PID") || fail "no sockcat"
	ticks1=$(cpu_ticks "$pid")
	bg sh -c "echo first | timeout 60 '$SC' -N 127.0.0.1 $port"
	assertTrue "says why it waits" \
	    "wait_for '$SC_TMP/l.err' 'accept: Too many open files'"
	still_running "$pid" 2
	assertTrue "alive with no descriptor to spare" $?
	ticks2=$(cpu_ticks "$pid")
	assertTrue "no spinning: $((ticks2 - ticks1)) ticks in 2 s" \
	    "[ $((ticks2 - ticks1)) -lt 40 ]"
	python3 "$FAULT" --nofile "$pid" 64
	assertTrue "served once the limit allows" \
	    "wait_for '$SC_TMP/l.out' '^first$'"
}

# --- Signals -------------------------------------------------------------

# sig_test SIG STATUS: sockcat listening with a pipe as stdin, killed by
# SIG: it exits at once with STATUS.  Its stdin is non-blocking, in a
# description of its own: the pipe the shell shares with it stays
# blocking meanwhile, and after it, also when SIGKILL leaves it no time
# to put anything back.
sig_test() {
	exec 7< <(exec sleep 30)
	bg sh -c 'exec timeout 10 "$1" -v -l 127.0.0.1 0 <&7 2>"$2"' sh \
	    "$SC" "$SC_TMP/l.err"
	wait_for "$SC_TMP/l.err" '^Listening on' || fail "no listener"
	pid=$(child_pid "$BG_PID")
	assertTrue "its stdin non-blocking" "pid_fd_nonblocking $pid 0"
	assertFalse "the shell's blocking meanwhile" "fd_nonblocking 7"
	kill "-$1" "$pid"
	wait_exit "$BG_PID"
	assertEquals "SIG$1 ends it" "$2" "$WAIT_STATUS"
	assertFalse "the shell's blocking after it" "fd_nonblocking 7"
	exec 7>&-
}

test_sigterm() { sig_test TERM 143; }
test_sigint() { sig_test INT 130; }
test_sighup() { sig_test HUP 129; }
test_sigkill() { sig_test KILL 137; }

# A named pipe as stdin is not opened again (its writers' end would not
# be told): its flags are changed, and put back at the end.
test_named_pipe_stdin_restored() {
	mkfifo "$SC_TMP/in"
	exec 7<>"$SC_TMP/in"
	bg sh -c 'exec timeout 10 "$1" -v -l 127.0.0.1 0 <&7 2>"$2"' sh \
	    "$SC" "$SC_TMP/l.err"
	wait_for "$SC_TMP/l.err" '^Listening on' || fail "no listener"
	pid=$(child_pid "$BG_PID")
	assertTrue "non-blocking while it runs" "fd_nonblocking 7"
	kill -TERM "$pid"
	wait_exit "$BG_PID"
	assertFalse "blocking again after it" "fd_nonblocking 7"
	exec 7>&-
}

# A named pipe whose writer is gone before sockcat starts still ends:
# what it held is sent, then the end (-N).
test_named_pipe_ended_before() {
	mkfifo "$SC_TMP/in"
	server srv -l 127.0.0.1 0 || fail "no server"
	bg sh -c 'exec 3>"$1"; echo early >&3' sh "$SC_TMP/in"
	t 10 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/in" \
	    >/dev/null 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	wait_until file_matches "$SC_TMP/srv.out" '^early$' ||
	    fail "not sent: $(<"$SC_TMP/srv.out")"
}

# A socket as stdin cannot be opened again: its flags are changed and
# put back at the end.
test_socket_stdin_restored() {
	bg env E="$SC_TMP/py.err" sh -c 'exec timeout 10 python3 -c "
import fcntl, os, socket, subprocess, sys, time
a, b = socket.socketpair()
p = subprocess.Popen(sys.argv[1:], stdin=a, stderr=open(os.environ[\"E\"], \"w\"))
while \"Listening\" not in open(os.environ[\"E\"]).read():
    time.sleep(0.02)
print(\"during\", bool(fcntl.fcntl(a, fcntl.F_GETFL) & os.O_NONBLOCK), flush=True)
p.terminate()
p.wait()
print(\"after\", bool(fcntl.fcntl(a, fcntl.F_GETFL) & os.O_NONBLOCK), flush=True)
" "$1" -v -l 127.0.0.1 0 >"$2"' sh "$SC" "$SC_TMP/py.out"
	wait_exit "$BG_PID"
	assertEquals "non-blocking while it runs, blocking after" \
	    "during True
after False" "$(cat "$SC_TMP/py.out")"
}

test_sigint_mid_transfer() {
	SERVER_STDIN=/dev/zero server srv -l 127.0.0.1 0 || fail "no server"
	# Copying, so that rchar counts what the client has read.
	bg sh -c 'exec timeout 10 "$1" --no-splice -d 127.0.0.1 "$2" >/dev/null' \
	    sh "$SC" "$PORT"
	pid=$(child_pid "$BG_PID")
	wait_until rchar_at_least "$pid" 1000000
	kill -INT "$pid"
	wait_exit "$BG_PID"
	assertEquals "client ends" 130 "$WAIT_STATUS"
	# The server sees its peer vanish, says so and ends.
	wait_exit "$SERVER_PID"
	assertEquals "server ends with an error" 1 "$WAIT_STATUS"
	assertTrue "server reports: $(<"$SC_TMP/srv.err")" "grep -Eq \
	    '^sockcat: (write to|read from) network: ' '$SC_TMP/srv.err'"
}

# --- Standard descriptors closed at start --------------------------------

test_stdin_closed_at_start() {
	bg sh -c 'exec timeout 10 "$1" -v -l 127.0.0.1 0 <&- >"$2" 2>"$3"' \
	    sh "$SC" "$SC_TMP/l.out" "$SC_TMP/l.err"
	wait_for "$SC_TMP/l.err" '^Listening on' || fail "no listener"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/l.err")
	pid=$(child_pid "$BG_PID")
	assertEquals "fd 0 taken by /dev/null" /dev/null \
	    "$(readlink "/proc/$pid/fd/0")"
	echo hello | t 5 "$SC" -N 127.0.0.1 "$port" >"$SC_TMP/c.out"
	wait_exit "$BG_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/l.out" hello
	assertEquals "nothing sent back" "" "$(<"$SC_TMP/c.out")"
}

test_stdout_closed_at_start() {
	bg sh -c 'exec timeout 10 "$1" -v -l 127.0.0.1 0 </dev/null >&- \
	    2>"$2"' sh "$SC" "$SC_TMP/l.err"
	wait_for "$SC_TMP/l.err" '^Listening on' || fail "no listener"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/l.err")
	pid=$(child_pid "$BG_PID")
	assertEquals "fd 1 taken by /dev/null" /dev/null \
	    "$(readlink "/proc/$pid/fd/1")"
	# Were the socket fd 1, the data would come straight back.
	echo hello | t 5 "$SC" -N 127.0.0.1 "$port" >"$SC_TMP/c.out"
	assertEquals 0 $?
	wait_exit "$BG_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertEquals "nothing echoed" "" "$(<"$SC_TMP/c.out")"
}

test_stderr_closed_at_start() {
	bg timeout -k 2 10 python3 "$PEER" --listen "$SC_TMP/pf" --read \
	    "$SC_TMP/p.out" --deadline 8 >/dev/null
	wait_for "$SC_TMP/pf" '^[0-9]+$' || fail "no peer"
	# Were the socket fd 2, -v's report would go to the peer.
	echo data | t 5 "$SC" -v -N 127.0.0.1 "$(<"$SC_TMP/pf")" 2>&-
	assertEquals 0 $?
	wait_exit "$BG_PID"
	assertFileEquals "$SC_TMP/p.out" data
}

# --- Hostile command lines -----------------------------------------------

# one_line_error args...: status 1, exactly one line on stderr starting
# with "sockcat: ", nothing on stdout.
one_line_error() {
	t 10 "$SC" "$@" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	_what=$(printf '%.60s' "$*")
	assertEquals "status of $_what" 1 "$_st"
	assertEquals "one line from $_what" 1 "$(wc -l <"$SC_TMP/err")"
	assertTrue "prefixed: $_what" "grep -q '^sockcat: ' '$SC_TMP/err'"
	assertEquals "stdout of $_what" 0 "$(wc -c <"$SC_TMP/out")"
}

test_unknown_options() {
	for opt in -Y --bogus --listen=yes -@; do
		t 5 "$SC" $opt 127.0.0.1 1 </dev/null >"$SC_TMP/out" \
		    2>"$SC_TMP/err"
		st=$?
		assertEquals "$opt status" 1 "$st"
		assertTrue "$opt: error first" "head -n 1 '$SC_TMP/err' | \
		    grep -Eq '(invalid|unrecognized) option|doesn.t allow'"
		assertContains "$opt: usage" "$(<"$SC_TMP/err")" "usage:"
	done
}

test_out_of_range_numbers() {
	one_line_error -w 99999999999999999999 127.0.0.1 1
	one_line_error -w -5 127.0.0.1 1
	one_line_error -q 99999999999999999999 127.0.0.1 1
	one_line_error -I 0 127.0.0.1 1
	one_line_error -I 99999999999 127.0.0.1 1
	one_line_error -O -1 127.0.0.1 1
	one_line_error -M 256 127.0.0.1 1
	one_line_error -m -1 127.0.0.1 1
	one_line_error -T 256 127.0.0.1 1
	one_line_error -T 0x100 127.0.0.1 1
	one_line_error -i 99999999999 127.0.0.1 1
	one_line_error 127.0.0.1 65536
	one_line_error 127.0.0.1 0
	one_line_error 127.0.0.1 1-99999999999999999999
	one_line_error -l 127.0.0.1 65536
}

test_100kb_arguments() {
	big=$(head -c 102400 /dev/zero | tr '\0' 7)
	junk=$(head -c 102400 /dev/zero | tr '\0' a)
	one_line_error 127.0.0.1 "$big"
	one_line_error 127.0.0.1 "1-$big"
	one_line_error -w "$big" 127.0.0.1 1
	one_line_error -T "$junk" 127.0.0.1 1
	one_line_error -n "$junk" 1
	one_line_error -n -s "$junk" 127.0.0.1 1
	one_line_error -n -l "$junk" 1
	one_line_error 127.0.0.1 "$junk"
	# Resolving a 100 KB name fails at once, without a crash.
	t 10 "$SC" "$junk" 1 </dev/null >/dev/null 2>"$SC_TMP/err"
	st=$?
	assertEquals "100 KB host name" 1 "$st"
	assertTrue "message is bounded" "[ $(wc -c <"$SC_TMP/err") -le 4096 ]"
}

test_control_characters_in_arguments() {
	one_line_error 127.0.0.1 "$(printf '\001\033[2J\377')"
	one_line_error -T "$(printf 'a\tb')" 127.0.0.1 1
}

# --- Hostile data --------------------------------------------------------

test_binary_garbage_to_listener() {
	head -c 1048576 /dev/urandom >"$SC_TMP/garbage"
	server srv -l 127.0.0.1 0 || fail "no server"
	t 10 python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $PORT))
s.sendall(open(sys.argv[1], 'rb').read())
s.shutdown(socket.SHUT_WR)
while s.recv(4096): pass
" "$SC_TMP/garbage"
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertTrue "delivered intact" "cmp -s '$SC_TMP/garbage' '$SC_TMP/srv.out'"
}

test_binary_garbage_to_keep_open_listener() {
	head -c 65536 /dev/urandom >"$SC_TMP/g1"
	printf '\000\377\r\n\033\000' >"$SC_TMP/g2"
	head -c 300000 /dev/urandom >"$SC_TMP/g3"
	server srv -k -l 127.0.0.1 0 || fail "no server"
	for g in g1 g2 g3; do
		t 5 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/$g"
		assertEquals "$g sent" 0 $?
	done
	want=$(cat "$SC_TMP/g1" "$SC_TMP/g2" "$SC_TMP/g3" | wc -c)
	wait_size "$SC_TMP/srv.out" "$want"
	assertTrue "every byte, in order" "cat '$SC_TMP/g1' '$SC_TMP/g2' \
	    '$SC_TMP/g3' | cmp -s - '$SC_TMP/srv.out'"
	assertTrue "still serving" "kill -0 $SERVER_PID"
	echo after | t 5 "$SC" -N 127.0.0.1 "$PORT"
	assertTrue "serves the next" "wait_for '$SC_TMP/srv.out' after"
}

test_garbage_then_reset_keeps_listener_serving() {
	printf 'go\n' >"$SC_TMP/srv.in"
	server srv -k -l 127.0.0.1 0 || fail "no server"
	t 10 python3 "$FAULT" --connect "$PORT" --send-rst 50000 >/dev/null
	assertTrue "reported" "wait_for '$SC_TMP/srv.err' 'Connection reset'"
	echo next | t 5 "$SC" -N 127.0.0.1 "$PORT"
	# After the garbage, not necessarily on a line of its own.
	assertTrue "serves the next client" \
	    "wait_for '$SC_TMP/srv.out' 'next$'"
	assertTrue "still listening" "kill -0 $SERVER_PID"
}

sc_run_shunit2
