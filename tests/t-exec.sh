#!/bin/bash
# Programs on connections (-e, -c): data both ways byte-exact, half-close,
# fast-exiting programs, many clients at once with -k, --max-conns,
# reaping, descriptors and signals in the child, the environment, the exit
# status, and the errors.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# children_at_most PID N: PID has N children or fewer.
children_at_most() {
	[ "$(ps --ppid "$1" -o pid= | wc -l)" -le "$2" ]
}

# The pid of the sockcat that server started (SERVER_PID is timeout's).
sc_pid() {
	ps --ppid "$SERVER_PID" -o pid= | tr -d ' ' | head -n 1
}

test_echo_10mib_byte_exact() {
	head -c $((10 * 1024 * 1024)) /dev/urandom >"$SC_TMP/big"
	server srv -l 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	t 30 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/big" >"$SC_TMP/big.out"
	assertEquals "client status" 0 $?
	assertTrue "identical" "cmp -s '$SC_TMP/big' '$SC_TMP/big.out'"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	rm -f "$SC_TMP/big" "$SC_TMP/big.out"
}

test_long_option_exec() {
	server srv -l 127.0.0.1 0 --exec "/bin/echo long form" ||
	    fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "long form"
}

test_sh_exec_filters() {
	server srv -l 127.0.0.1 0 -c 'grep --line-buffered ap' ||
	    fail "no server"
	printf 'apple\nbanana\napricot\ncherry\n' |
	    t 5 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "$(printf 'apple\napricot')"
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
}

test_peer_eof_reaches_program() {
	# wc answers only at end-of-file on its stdin.
	server srv -l 127.0.0.1 0 --sh-exec 'wc -l' || fail "no server"
	printf 'a\nb\nc\n' | t 5 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals 0 $?
	assertEquals 3 "$(tr -d ' ' <"$SC_TMP/c.out")"
}

test_fast_exiting_program_output_kept() {
	server srv -k -l 127.0.0.1 0 -e '/bin/echo hi' || fail "no server"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
		assertEquals "client $i status" 0 $?
		assertFileEquals "$SC_TMP/c.out" "hi" "client $i"
	done
	# More than a pipe holds, written by a program that exits at once.
	server big -l 127.0.0.1 0 -c 'seq 1 200000' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/seq.out"
	assertEquals 0 $?
	assertEquals "$(seq 1 200000 | cksum)" "$(cksum <"$SC_TMP/seq.out")"
}

test_connect_mode() {
	printf 'ping\n' >"$SC_TMP/srv.in"
	server srv -N -l 127.0.0.1 0 || fail "no server"
	# The program answers the server: cat sends back what it gets.
	t 5 "$SC" -e /bin/cat 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertEquals "stdout unused" "" "$(<"$SC_TMP/c.out")"
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "ping"
}

test_50_concurrent_clients() {
	SERVER_TIMEOUT=90 server srv -k -l 127.0.0.1 0 \
	    -c 'read l; sleep 1; echo "re: $l"' || fail "no server"
	# Each answer takes a second: served in turn, 50 would take 50.
	start=$(date +%s)
	pids=""
	for i in $(seq 1 50); do
		echo "client $i" | timeout 40 "$SC" 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c$i.out" 2>"$SC_TMP/c$i.err" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	elapsed=$(( $(date +%s) - start ))
	bad=0
	for i in $(seq 1 50); do
		[ "$(<"$SC_TMP/c$i.out")" = "re: client $i" ] ||
		    bad=$((bad + 1))
	done
	assertEquals "clients without their own answer" 0 "$bad"
	assertTrue "served at once (took ${elapsed}s)" "[ $elapsed -le 25 ]"
	assertTrue "still listening" "kill -0 $SERVER_PID"
}

# -lk's programs run at once: the lines of --hex-dump say whose, each
# connection's offsets its own, as a forwarder's.
test_programs_at_once_log_labelled() {
	server srv -lk 127.0.0.1 0 -e /bin/cat --hex-dump "$SC_TMP/hex" ||
	    { fail "no server"; return; }
	held_stdin c1in 7
	bg_in "$SC_TMP/c1in" sh -c "'$SC' 127.0.0.1 $PORT >'$SC_TMP/c1.out'"
	echo one >&7
	wait_for "$SC_TMP/c1.out" one 15 || fail "one not echoed"
	echo two | t 10 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	assertEquals "the second, while the first goes on" two \
	    "$(<"$SC_TMP/c2.out")"
	exec 7>&-
	wait_for "$SC_TMP/hex" '^#2 .* > 00000000' 10 || fail "no log of #2"
	assertTrue "labelled, offsets their own: $(<"$SC_TMP/hex")" \
	    "grep -q '^#1 127.0.0.1 [0-9]* < 00000000  6f 6e 65 0a' '$SC_TMP/hex' &&
	    grep -q '^#2 127.0.0.1 [0-9]* < 00000000  74 77 6f 0a' '$SC_TMP/hex' &&
	    grep -q '^#2 127.0.0.1 [0-9]* > 00000000  74 77 6f 0a' '$SC_TMP/hex'"
}

test_no_zombies() {
	server srv -k -l 127.0.0.1 0 -c 'echo done' || fail "no server"
	for i in 1 2 3 4 5; do
		t 5 "$SC" -d 127.0.0.1 "$PORT" >/dev/null
	done
	pid=$(sc_pid)
	assertNotNull "sockcat pid" "$pid"
	# Wait until every child is gone, or show what is left.
	wait_until children_at_most "$pid" 0
	assertEquals "children left" "" "$(ps --ppid "$pid" -o pid=,stat=,args=)"
	assertTrue "still listening" "kill -0 $SERVER_PID"
}

test_child_has_only_stdio_descriptors() {
	# The shell's own descriptors, listed by ls from outside it; sockcat
	# is given an inheritable descriptor 7 that must not get through.
	server srv -l 127.0.0.1 0 -c 'ls /proc/$$/fd' 7</dev/null ||
	    fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "$(printf '0\n1\n2')" "$(sort -n "$SC_TMP/c.out")"
	# The same seen by the program itself: /proc/self/fd while listed.
	server srv2 -l 127.0.0.1 0 -e 'ls /proc/self/fd' 7</dev/null ||
	    fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	# ls holds one more descriptor, the directory it reads.
	assertEquals "0 1 2" "$(sort -n "$SC_TMP/c2.out" | head -n 3 | xargs)"
	assertEquals 4 "$(wc -l <"$SC_TMP/c2.out")"
}

test_child_signals() {
	# SIGPIPE is not ignored and nothing is blocked in the child.
	server srv -l 127.0.0.1 0 -e 'grep -E ^Sig(Ign|Blk) /proc/self/status' ||
	    fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$SC_TMP/c.out")
	blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "$SC_TMP/c.out")
	assertNotNull "SigIgn read" "$ign"
	assertEquals "SIGPIPE ignored" 0 $(( 0x$ign & 0x1000 ))
	assertEquals "signals blocked" 0 $(( 0x$blk ))
	# So a writer into a closed pipe dies quietly.
	server srv2 -l 127.0.0.1 0 -c 'yes | head -n 1' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	assertFileEquals "$SC_TMP/c2.out" "y"
	wait_exit "$SERVER_PID"
	assertEquals "" "$(grep -v -e '^Listening' -e '^Connection' "$SC_TMP/srv2.err")"
}

test_max_conns() {
	server srv -k --max-conns 2 -l 127.0.0.1 0 \
	    -e /bin/cat || fail "no server"
	# Two clients that stay: their input is a FIFO held open here.
	for i in 1 2; do
		mkfifo "$SC_TMP/in$i"
		bg sh -c 'exec timeout 15 "$0" -N 127.0.0.1 "$1" <"$2" >"$3"' \
		    "$SC" "$PORT" "$SC_TMP/in$i" "$SC_TMP/c$i.out"
	done
	exec 7>"$SC_TMP/in1" 8>"$SC_TMP/in2"
	echo one >&7
	echo two >&8
	wait_for "$SC_TMP/c1.out" '^one$' || fail "client 1 not served"
	wait_for "$SC_TMP/c2.out" '^two$' || fail "client 2 not served"
	# A third is closed at once; without the limit it would be served
	# and wait for its peer.
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c3.out" 7>&- 8>&-
	assertEquals "third closed at once" 0 $?
	# Silently: a line would corrupt the protocol the program speaks.
	assertEquals "" "$(<"$SC_TMP/c3.out")"
	# One leaves: the next is served, the listener survived.
	exec 7>&-
	pid=$(sc_pid)
	wait_until children_at_most "$pid" 1
	echo four | t 5 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c4.out" 8>&-
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c4.out" "four"
	exec 8>&-
	assertTrue "still listening" "kill -0 $SERVER_PID"
}

test_environment() {
	server srv -n -l 127.0.0.1 0 \
	    -c 'env | grep -E "^(SOCKCAT|NCAT)_" | sort' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	wait_exit "$SERVER_PID"
	rport=$(sed -n 's/^Connection received on 127.0.0.1 //p' "$SC_TMP/srv.err")
	assertNotNull "remote port" "$rport"
	for p in NCAT SOCKCAT; do
		want="${want:+$want
}${p}_LOCAL_ADDR=127.0.0.1
${p}_LOCAL_PORT=$PORT
${p}_PROTO=TCP
${p}_REMOTE_ADDR=127.0.0.1
${p}_REMOTE_PORT=$rport"
	done
	assertEquals "$want" "$(<"$SC_TMP/c.out")"
}

# Ours replace what was inherited; a user's variables that only begin
# as ours do (another name, a longer one) are the user's, kept.
test_environment_stale_values_replaced() {
	SOCKCAT_LOCAL_ADDR=stale SOCKCAT_OTHER=kept NCAT_PROTOCOL=kept \
	    server srv -6 -l ::1 0 -c 'echo "$SOCKCAT_LOCAL_ADDR $NCAT_PROTO" \
	    "$SOCKCAT_OTHER $NCAT_PROTOCOL"' || fail "no server"
	t 5 "$SC" -6 -d ::1 "$PORT" >"$SC_TMP/c.out"
	assertFileEquals "$SC_TMP/c.out" "::1 TCP kept kept"
}

test_exit_status_is_the_programs() {
	server srv -l 127.0.0.1 0 -c 'cat; exit 7' || fail "no server"
	echo x | t 5 "$SC" -N 127.0.0.1 "$PORT" >/dev/null
	wait_exit "$SERVER_PID"
	assertEquals "exit code" 7 "$WAIT_STATUS"
	server srv -l 127.0.0.1 0 -c 'kill -TERM $$' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >/dev/null
	wait_exit "$SERVER_PID"
	assertEquals "killed by SIGTERM" 143 "$WAIT_STATUS"
	# As a client too.
	server srv -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -c 'echo hello; exit 5' 127.0.0.1 "$PORT"
	assertEquals "client" 5 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "hello"
}

# A listener's program is given the connection itself, as inetd gives
# it, where nothing of sockcat's need stand between (plain_exec_direct());
# any flag that acts on the bytes or the connection's end keeps the
# relay, the program on pipes; one that only says how the relay copies,
# or how a failure is told, does not.
test_program_given_the_connection_itself() {
	_ends='readlink /proc/self/fd/0 /proc/self/fd/1'
	server srv -lk 127.0.0.1 0 -c "$_ends" || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "the connection itself, both ways" "socket socket" \
	    "$(sed 's/:.*//' "$SC_TMP/c.out" | xargs)"
	# And it still echoes byte for byte, its end the client's end.
	server srv2 -l 127.0.0.1 0 -e /bin/cat || fail "no server"
	head -c 300000 /dev/urandom >"$SC_TMP/blob"
	t 10 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/blob" >"$SC_TMP/blob.out"
	assertTrue "identical" "cmp -s $SC_TMP/blob $SC_TMP/blob.out"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	for _flags in "-C" "-t" "-w 5" "--hex-dump $SC_TMP/dump" "--stats" \
	    "-i 10ms" "--idle-timeout 5" "-W 9" "--delay 1ms" \
	    "--record $SC_TMP/rec%n" "--no-shutdown" "-N" "--no-splice"; do
		# shellcheck disable=SC2086
		server srv3 -l $_flags 127.0.0.1 0 -c "$_ends" ||
		    { fail "no server with $_flags"; continue; }
		t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
		assertEquals "with $_flags, pipes" "pipe pipe" \
		    "$(grep -ao 'pipe:' "$SC_TMP/c.out" | tr -d : | xargs)"
	done
	# How a failure is told is nothing on the bytes.
	for _flags in "--fail-on-error"; do
		server srv4 -l "$_flags" 127.0.0.1 0 -c "$_ends" ||
		    { fail "no server with $_flags"; continue; }
		t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
		assertEquals "with $_flags, the connection" "socket socket" \
		    "$(sed 's/:.*//' "$SC_TMP/c.out" | xargs)"
	done
	rm -f "$SC_TMP/blob" "$SC_TMP/blob.out"
}

# A program given the connection that exits without reading what the
# client still sends: the client has its words and a clean end, not a
# reset that throws them away (a lingering close, as the relay's).
test_program_given_the_connection_ends_without_reset() {
	server srv -lk 127.0.0.1 0 -e '/bin/echo hi' || fail "no server"
	head -c 1000000 /dev/zero >"$SC_TMP/zeros"
	for _i in 1 2 3; do
		t 10 "$SC" 127.0.0.1 "$PORT" <"$SC_TMP/zeros" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "client $_i: status, words, end" "0 hi " \
		    "$? $(<"$SC_TMP/c.out") $(<"$SC_TMP/c.err")"
	done
	# And a listener of one client, which exits after it, once the
	# client's close is over: here the client is still sending (more
	# than the kernel's buffers take while nothing reads) when the
	# program exits.
	head -c 16777216 /dev/zero >"$SC_TMP/zeros"
	server srv2 -l 127.0.0.1 0 -e '/bin/echo hi' || fail "no server"
	t 10 "$SC" 127.0.0.1 "$PORT" <"$SC_TMP/zeros" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "one client: status, words, end" "0 hi " \
	    "$? $(<"$SC_TMP/c.out") $(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	rm -f "$SC_TMP/zeros"
}

# The same on pipes (--stats keeps sockcat between): the program's last
# words, more than the kernel's buffers hold, all reach a client still
# sending, with a clean end, not a reset that throws the rest away.
test_program_on_pipes_ends_without_reset() {
	head -c 16777216 /dev/zero >"$SC_TMP/zeros"
	server srv -l --stats 127.0.0.1 0 -c 'head -c 3000000 /dev/zero' ||
	    fail "no server"
	t 10 "$SC" 127.0.0.1 "$PORT" <"$SC_TMP/zeros" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "status, words, end" "0 3000000 " \
	    "$? $(wc -c <"$SC_TMP/c.out") $(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	rm -f "$SC_TMP/zeros" "$SC_TMP/c.out"
}

test_idle_timeout_ends_program() {
	server srv -w 1 -l 127.0.0.1 0 -c 'exec sleep 30' || fail "no server"
	# An idle client: it sends nothing and waits for the server.
	bg timeout 8 "$SC" -d 127.0.0.1 "$PORT"
	client=$BG_PID
	wait_exit "$SERVER_PID"
	assertEquals "ended after 1s idle, program killed" 143 "$WAIT_STATUS"
	wait_exit "$client"
	assertEquals "client sees the end" 0 "$WAIT_STATUS"
}

test_crlf_applies_to_program_output() {
	server srv -C -l 127.0.0.1 0 -c 'printf "a\nb\n"' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "$(printf 'a\r\nb\r\n' | od -c)" "$(od -c <"$SC_TMP/c.out")"
}

test_errors() {
	expect_error "exec /no/such/prog: No such file or directory" \
	    -l 127.0.0.1 0 -e /no/such/prog
	expect_error "exec no-such-prog-xyz: No such file or directory" \
	    -e 'no-such-prog-xyz arg' 127.0.0.1 1
	expect_error "exec /etc/passwd: Permission denied" \
	    -l 127.0.0.1 0 -e /etc/passwd
	expect_error "no program to execute" -l 127.0.0.1 0 -e ' '
	expect_error "cannot use -e and -z" -z -e /bin/cat 127.0.0.1 1
	expect_error "cannot use -c and -z" -z -c cat 127.0.0.1 1
	expect_error "cannot use -e and -c" -e /bin/cat -c cat 127.0.0.1 1
	expect_error "cannot use -e and --fifo" -e /bin/cat --fifo x 127.0.0.1 1
	# What is about stdin would be dropped: a program's ends are its own.
	_own="program is in stdin and stdout's place and ends as it does"
	_own="$_own: it takes no"
	expect_error "-e's $_own -q" -q 1 -e /bin/cat 127.0.0.1 1
	expect_error "-e's $_own -d or --send-only" -d --send-only -e /bin/cat \
	    127.0.0.1 1
	expect_error "-c's $_own --half-close" -l --half-close -c cat \
	    127.0.0.1 0
	expect_error "must use -l with --max-conns" --max-conns 2 127.0.0.1 1
	expect_error "max-conns too small: 0" -l --max-conns 0 127.0.0.1 1
	# A name found on PATH only as a file that cannot be executed.
	mkdir "$SC_TMP/bin"
	: >"$SC_TMP/bin/sc-not-executable"
	PATH=$SC_TMP/bin:$PATH expect_error "exec sc-not-executable: Permission denied" \
	    -l 127.0.0.1 0 -e sc-not-executable
}

# --no-shutdown: the end of what a program writes is not passed on; the
# connection ends when the program does.
test_no_shutdown_keeps_a_program_connection_open() {
	server srv -lk --no-shutdown 127.0.0.1 0 \
	    -c 'echo hi; exec >&-; read x; echo "got $x" >&2' ||
	    fail "no server"
	t 20 python3 - "$PORT" >"$SC_TMP/c.out" <<'PY'
import socket
import sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
got = b""
while not got.endswith(b"\n"):
    got += s.recv(100)
# Its output closed, the program still reads: no end for a second.
s.settimeout(1)
try:
    print("early end" if s.recv(100) == b"" else "more")
except socket.timeout:
    print("held")
s.settimeout(10)
s.sendall(b"bye\n")
print("end" if s.recv(100) == b"" else "more")
PY
	assertEquals "held until the program ended" "held
end" "$(<"$SC_TMP/c.out")"
	assertTrue "the program read on" "wait_for '$SC_TMP/srv.err' '^got bye'"
}

# Without PATH, a name is looked for where the system's programs are.
test_name_found_without_path() {
	bg t 20 env -u PATH "$SC" -v -l -e cat 127.0.0.1 0 2>"$SC_TMP/srv.err"
	srv=$BG_PID
	wait_for "$SC_TMP/srv.err" '^Listening on ' || fail "no server"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
	assertEquals "cat answered" "via the default path" \
	    "$(echo "via the default path" | t 10 "$SC" -N 127.0.0.1 "$port")"
	wait_exit "$srv"
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_program_gone_at_connection() {
	printf '#!/bin/sh\necho ok\n' >"$SC_TMP/prog"
	chmod +x "$SC_TMP/prog"
	server srv -l 127.0.0.1 0 -e "$SC_TMP/prog" || fail "no server"
	rm "$SC_TMP/prog"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "connection closed, nothing sent" "" "$(<"$SC_TMP/c.out")"
	wait_exit "$SERVER_PID"
	assertEquals 1 "$WAIT_STATUS"
	assertEquals "sockcat: exec $SC_TMP/prog: No such file or directory" \
	    "$(sed -n 3p "$SC_TMP/srv.err")"
	assertEquals 3 "$(wc -l <"$SC_TMP/srv.err")"
}

# The first start learns its failure through a pipe, the later ones from
# the memory vfork(2) shares (a fork under valgrind: the pipe each time):
# every connection's failure is reported, and -k goes on listening.
test_exec_failure_on_every_connection() {
	printf 'no program\0\1' >"$SC_TMP/junk"
	chmod +x "$SC_TMP/junk"
	server srv -lk 127.0.0.1 0 -e "$SC_TMP/junk" || fail "no server"
	for i in 1 2 3; do
		t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c$i.out"
		assertEquals "client $i: closed, nothing sent" "" \
		    "$(<"$SC_TMP/c$i.out")"
		wait_lines "$SC_TMP/srv.err" "Exec format error" "$i" ||
		    fail "failure $i not reported"
	done
	assertEquals 3 "$(grep -c \
	    "^sockcat: exec $SC_TMP/junk: Exec format error\$" \
	    "$SC_TMP/srv.err")"
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
	stop "$SERVER_PID"
}

sc_run_shunit2
