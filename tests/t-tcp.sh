#!/bin/bash
# TCP connect and listen: data both ways, -v reports, -k, scans, IPv6,
# half-close, the timers (-w, -q, and every time under a millisecond),
# -C, -d, source address and port, and a large byte-exact transfer.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

test_client_to_server() {
	printf 'hello\n' >"$SC_TMP/c.in"
	server srv -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/c.in" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "hello"
}

test_server_to_client() {
	printf 'from server\n' >"$SC_TMP/srv.in"
	server srv -N -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "from server"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_verbose_messages() {
	server srv -l 127.0.0.1 0 || fail "no server"
	assertEquals "Listening on localhost $PORT" "$(head -n 1 "$SC_TMP/srv.err")"
	t 5 "$SC" -v -N localhost "$PORT" </dev/null 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	assertEquals "Connection to localhost (127.0.0.1) $PORT port [tcp/*] succeeded!" \
	    "$(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID"
	assertTrue "connection received" \
	    "grep -Eq '^Connection received on localhost [0-9]+$' '$SC_TMP/srv.err'"
}

test_verbose_numeric() {
	server srv -n -l 127.0.0.1 0 || fail "no server"
	assertEquals "Listening on 127.0.0.1 $PORT" "$(head -n 1 "$SC_TMP/srv.err")"
	t 5 "$SC" -vn -N 127.0.0.1 "$PORT" </dev/null 2>"$SC_TMP/c.err"
	assertEquals "Connection to 127.0.0.1 $PORT port [tcp/*] succeeded!" \
	    "$(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID"
	assertTrue "grep -Eq '^Connection received on 127.0.0.1 [0-9]+$' '$SC_TMP/srv.err'"
}

test_connection_refused() {
	# Find a closed port: bind one, let it go.
	server srv -l 127.0.0.1 0 || fail "no server"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	t 5 "$SC" -v 127.0.0.1 "$PORT" </dev/null 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: connect to 127.0.0.1 port $PORT (tcp) failed: Connection refused" \
	    "$(<"$SC_TMP/c.err")"
	t 5 "$SC" 127.0.0.1 "$PORT" </dev/null 2>"$SC_TMP/c.err"
	assertEquals "quiet without -v" 1 $?
	assertEquals "" "$(<"$SC_TMP/c.err")"
}

test_keep_open_serves_clients_in_turn() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	for i in 1 2 3; do
		echo "client $i" | t 5 "$SC" -N 127.0.0.1 "$PORT"
		assertEquals "client $i" 0 $?
		wait_for "$SC_TMP/srv.out" "^client $i\$"
	done
	assertEquals "$(printf 'client 1\nclient 2\nclient 3')" \
	    "$(<"$SC_TMP/srv.out")"
	assertEquals 3 "$(grep -c '^Connection received on' "$SC_TMP/srv.err")"
	assertTrue "still listening" "kill -0 $SERVER_PID"
}

test_allow_deny_on_a_plain_listener() {
	server srv -k --deny 127.0.0.1 -l 127.0.0.1 0 || fail "no server"
	echo refused | t 5 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "" "$(<"$SC_TMP/srv.out")"
	assertTrue "still listening" "kill -0 $SERVER_PID"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	server srv2 -k --allow 127.0.0.0/8 -l 127.0.0.1 0 || fail "no server"
	echo welcome | t 5 "$SC" -N 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/srv2.out" welcome
	assertFileEquals "$SC_TMP/srv2.out" "welcome"
}

test_listen_forms() {
	for form in "-l -p 0" "-l -s 127.0.0.1 -p 0" "-l 127.0.0.1 0" "-l 0"; do
		# shellcheck disable=SC2086
		server srv $form || fail "$form did not listen"
		echo "$form" | t 5 "$SC" -N 127.0.0.1 "$PORT"
		wait_exit "$SERVER_PID"
		assertEquals "$form" "$form" "$(<"$SC_TMP/srv.out")"
	done
}

test_options_after_operands() {
	server srv -l 127.0.0.1 0 || fail "no server"
	echo late | t 5 "$SC" 127.0.0.1 "$PORT" -N
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "late"
}

test_ipv6_loopback() {
	server srv -6 -l ::1 0 || fail "no IPv6 server"
	assertEquals "Listening on ::1 $PORT" "$(head -n 1 "$SC_TMP/srv.err")"
	echo six | t 5 "$SC" -6 -N ::1 "$PORT"
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "six"
	t 5 "$SC" -6 -n 127.0.0.1 "$PORT" </dev/null 2>"$SC_TMP/err"
	assertEquals "-6 refuses an IPv4 address" 1 $?
}

test_scan() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	open=$PORT
	t 5 "$SC" -zv 127.0.0.1 "$open" 2>"$SC_TMP/scan.err"
	assertEquals "open port" 0 $?
	assertEquals "Connection to 127.0.0.1 $open port [tcp/*] succeeded!" \
	    "$(<"$SC_TMP/scan.err")"
	# A range around it: one succeeds, and the exit status says so.
	lo=$((open - 1)) hi=$((open + 1))
	t 10 "$SC" -zvn 127.0.0.1 "$lo-$hi" 2>"$SC_TMP/scan.err"
	assertEquals "range" 0 $?
	assertEquals 1 "$(grep -c succeeded "$SC_TMP/scan.err")"
	assertContains "$(<"$SC_TMP/scan.err")" "Connection to 127.0.0.1 $open port"
	# A reversed range is the same range.
	t 10 "$SC" -zn 127.0.0.1 "$hi-$lo"
	assertEquals "reversed range" 0 $?
}

test_scan_nothing_open() {
	server srv -l 127.0.0.1 0 || fail "no server"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	t 5 "$SC" -z 127.0.0.1 "$PORT" 2>"$SC_TMP/scan.err"
	assertEquals 1 $?
	assertEquals "" "$(<"$SC_TMP/scan.err")"
}

test_scan_randomized() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	t 10 "$SC" -zvr -n 127.0.0.1 "$PORT" "$PORT" 2>"$SC_TMP/scan.err"
	assertEquals 0 $?
	assertEquals 2 "$(grep -c succeeded "$SC_TMP/scan.err")"
}

# -i between the ports of a scan: three ports take two intervals at
# least.
test_scan_interval() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	start=$(now_ms)
	t 10 "$SC" -zv -n -i 1 127.0.0.1 "$PORT" "$PORT" "$PORT" \
	    2>"$SC_TMP/scan.err"
	assertEquals 0 $?
	assertEquals 3 "$(grep -c succeeded "$SC_TMP/scan.err")"
	assertTrue "two intervals: $(($(now_ms) - start)) ms" \
	    "[ $(($(now_ms) - start)) -ge 2000 ]"
}

test_scan_service_name() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	# Service names resolve; the report names the service of the port.
	t 5 "$SC" -zv 127.0.0.1 http 2>"$SC_TMP/scan.err"
	assertContains "$(<"$SC_TMP/scan.err")" "port 80 (tcp)"
}

test_crlf() {
	server srv -l 127.0.0.1 0 || fail "no server"
	printf 'a\nb\r\nc' | t 5 "$SC" -C -N 127.0.0.1 "$PORT"
	wait_exit "$SERVER_PID"
	assertEquals "$(printf 'a\r\nb\r\nc' | od -c)" "$(od -c <"$SC_TMP/srv.out")"
}

test_no_stdin() {
	server srv -l 127.0.0.1 0 || fail "no server"
	# With -d the client reads nothing: the server gets nothing.
	echo "must not be sent" | t 5 "$SC" -d -N 127.0.0.1 "$PORT"
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertEquals "" "$(<"$SC_TMP/srv.out")"
}

test_source_port() {
	# A free port to connect from.
	src=$(free_port) || fail "no free port"
	server srv -l 127.0.0.1 0 || fail "no server"
	echo x | t 5 "$SC" -N -p "$src" -s 127.0.0.1 127.0.0.1 "$PORT"
	wait_exit "$SERVER_PID"
	assertEquals "Connection received on localhost $src" \
	    "$(sed -n 2p "$SC_TMP/srv.err")"
	# The client closed first: its end waits in TIME_WAIT, and a TCP
	# client binds its -p again all the same (SO_REUSEADDR, kept for
	# TCP where a UDP client's port is its own: t-udp.sh).
	server srv2 -l 127.0.0.1 0 || fail "no second server"
	echo y | t 5 "$SC" -N -p "$src" -s 127.0.0.1 127.0.0.1 "$PORT" \
	    2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "again: $(<"$SC_TMP/c.err")" 0 "$_st"
	wait_exit "$SERVER_PID"
	assertEquals "again from $src" "Connection received on localhost $src" \
	    "$(sed -n 2p "$SC_TMP/srv2.err")"
}

test_idle_timeout() {
	server srv -w 1 -l 127.0.0.1 0 || fail "no server"
	# An idle client: its stdin stays open but never sends.
	bg sh -c "sleep 40 | timeout 45 '$SC' 127.0.0.1 $PORT"
	wait_exit "$SERVER_PID"
	assertEquals "server ends after 1s idle" 0 "$WAIT_STATUS"
}

test_quit_zero_ends_at_stdin_eof() {
	server srv -l 127.0.0.1 0 || fail "no server"
	echo bye | t 5 "$SC" -q 0 127.0.0.1 "$PORT"
	assertEquals "-q 0 exits at once although the server stays" 0 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "bye"
}

test_quit_implies_shutdown_then_delay() {
	server srv -l 127.0.0.1 0 || fail "no server"
	# -q sends EOF (as -N does); the server then ends, and the client
	# quits 1s after that.
	start=$(now_ms)
	echo bye | t 6 "$SC" -q 1 127.0.0.1 "$PORT"
	assertEquals 0 $?
	took=$(( $(now_ms) - start ))
	assertTrue "waited the delay ($took ms)" "[ $took -ge 900 ]"
	assertTrue "not much more ($took ms)" "[ $took -lt 4000 ]"
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "bye"
}

test_quit_after_is_a_hard_deadline() {
	SERVER_STDIN=/dev/zero
	server srv -l 127.0.0.1 0 || fail "no server"
	SERVER_STDIN=
	# The server never stops sending; --quit-after ends the client anyway.
	start=$(now_ms)
	t 6 "$SC" --quit-after 500ms 127.0.0.1 "$PORT" </dev/null >/dev/null
	assertEquals 0 $?
	took=$(( $(now_ms) - start ))
	assertTrue "ended in time ($took ms)" "[ $took -lt 3000 ]"
}

# Every option that takes a time, given a time under a millisecond
# ("0.3ms", which was rounded down to 0: "none" to most of them): a time
# of a millisecond, never none, each seen where it acts.  The options are
# the rows of --dump-options whose argument is a time, so that a new one
# must be walked here too.
test_times_under_a_millisecond() {
	for _c in strace python3; do
		command -v "$_c" >/dev/null || { sc_skip "no $_c"; return; }
	done
	_v=0.3ms
	"$SC" --dump-options | awk -F'\t' '$2 == "keepalive" ||
	    $4 ~ /^(TIME|TIMEOUT|INTERVAL|SECONDS)$/ { print $2 }' |
	    sort >"$SC_TMP/rows"
	assertEquals "the options that take a time" "delay idle-timeout \
interval keepalive quit quit-after retry-interval wait write-timeout \
ws-ping ws-ping-timeout" "$(echo $(<"$SC_TMP/rows"))"
	SERVER_TIMEOUT=60 server echo -lk -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	_echo=$PORT
	# -i: a pause after each line, so each line is a datagram of its own.
	bg t 20 $UDPPEER --timeout 2 --serve "$SC_TMP/u.port" record \
	    "$SC_TMP/u.rec"
	wait_until test -s "$SC_TMP/u.port" || fail "no UDP peer"
	printf 'a\nb\nc\n' | t 10 "$SC" -u -q 1 -i "$_v" 127.0.0.1 \
	    "$(<"$SC_TMP/u.port")"
	assertEquals "-i: status" 0 $?
	wait_exit "$BG_PID"
	assertEquals "-i: a datagram a line" "b'a\\n' b'b\\n' b'c\\n'" \
	    "$(echo $(<"$SC_TMP/u.rec"))"
	# --delay: a pause after each write, which only the copying path
	# takes: no splice(2) or sendfile(2), as without --delay.
	# (LeakSanitizer cannot work under ptrace.)
	head -c 1000000 /dev/zero >"$SC_TMP/big"
	t 30 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=splice,sendfile -o "$SC_TMP/trace" \
	    "$SC" -N --delay "$_v" 127.0.0.1 "$_echo" <"$SC_TMP/big" \
	    >"$SC_TMP/big.out"
	assertEquals "--delay: status" 0 $?
	assertEquals "--delay: echoed whole" 1000000 \
	    "$(wc -c <"$SC_TMP/big.out")"
	assertEquals "--delay: paced, not spliced" 0 \
	    "$(grep -cE 'splice|sendfile' "$SC_TMP/trace")"
	# -q, --quit-after, -w: a millisecond, as 0 would be: what was sent
	# arrives, and the client ends at once.
	for _o in -q --quit-after -w; do
		echo "$_o" | t 10 "$SC" "$_o" "$_v" 127.0.0.1 "$_echo" \
		    >/dev/null 2>"$SC_TMP/e"
		assertNotEquals "$_o: ended" 124 $?
		assertEquals "$_o: nothing said" "" "$(<"$SC_TMP/e")"
	done
	# --idle-timeout: said with its time.
	(sleep 5; echo late) | t 10 "$SC" --idle-timeout "$_v" 127.0.0.1 \
	    "$_echo" >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "--idle-timeout: status" 1 $?
	assertEquals "--idle-timeout: said" \
	    "sockcat: idle timeout expired (1 ms)" "$(<"$SC_TMP/e")"
	# --keepalive: whole seconds, rounded up: 1, not "too small".
	echo ka | t 10 "$SC" -N --keepalive="$_v,$_v" 127.0.0.1 "$_echo" \
	    >"$SC_TMP/o" 2>"$SC_TMP/e"
	assertEquals "--keepalive: status" 0 $?
	assertEquals "--keepalive: echoed" "ka" "$(<"$SC_TMP/o")"
	assertEquals "--keepalive: nothing said" "" "$(<"$SC_TMP/e")"
	# --retry-interval: a millisecond, below its least, said so.
	expect_error "retry interval too small: $_v (at least 10ms)" \
	    --retry 1 --retry-interval "$_v" 127.0.0.1 "$_echo"
	stop "$SERVER_PID"
	# --write-timeout: a broker's stdout that takes nothing is stopped
	# after a millisecond, not never.
	bg t 30 sh -c '"$@" | sleep 30' _ "$SC" -v --broker --monitor -l \
	    --write-timeout "$_v" 127.0.0.1 0 2>"$SC_TMP/b.err"
	_b=$BG_PID
	wait_for "$SC_TMP/b.err" '^Listening on ' || fail "no broker"
	_p=$(sed -n 's/^Listening on .* //p' "$SC_TMP/b.err")
	head -c 3000000 /dev/zero | t 20 "$SC" -N 127.0.0.1 "$_p"
	assertEquals "--write-timeout: the client's bytes taken" 0 $?
	assertTrue "--write-timeout: said: $(<"$SC_TMP/b.err")" \
	    "wait_for '$SC_TMP/b.err' 'nothing written for 1 ms'"
	stop "$_b"
	# --ws-ping and --ws-ping-timeout, against a server that never
	# answers a ping: pings every millisecond, and the end for want of
	# a pong.
	for _o in --ws-ping --ws-ping-timeout; do
		bg t 30 python3 "${TESTS_DIR:-$(dirname "$0")}/wsconf.py" raw-server \
		    >"$SC_TMP/w.out" 2>"$SC_TMP/w.err"
		_w=$BG_PID
		wait_for "$SC_TMP/w.out" '^PORT ' || fail "no WebSocket peer"
		bg_in /dev/zero t 20 "$SC" "$_o" "$_v" \
		    "ws://127.0.0.1:$(sed -n 's/^PORT //p' "$SC_TMP/w.out")/" \
		    >/dev/null 2>"$SC_TMP/c.err"
		_c=$BG_PID
		assertTrue "$_o: pings" \
		    "wait_for '$SC_TMP/w.out' '^ping '"
		if [ "$_o" = --ws-ping-timeout ]; then
			wait_exit "$_c"
			assertEquals "$_o: status" 1 "$WAIT_STATUS"
			assertContains "$_o: said" "$(<"$SC_TMP/c.err")" \
			    "no pong within 1ms"
		fi
		stop "$_c" "$_w"
	done
}

test_listener_quit_zero_ends_at_stdin_eof() {
	server srv -k -q 0 -l 127.0.0.1 0 || fail "no server"
	# stdin is empty: once a client is there, the listener is done, and
	# -q switches -k off.
	bg sh -c "sleep 40 | exec timeout 45 '$SC' 127.0.0.1 $PORT"
	wait_exit "$SERVER_PID"
	assertEquals "listener ended" 0 "$WAIT_STATUS"
}

test_without_quit_client_waits_for_server() {
	server srv -l 127.0.0.1 0 || fail "no server"
	bg sh -c "timeout 8 '$SC' 127.0.0.1 $PORT </dev/null; echo \$? >'$SC_TMP/rc'"
	client=$BG_PID
	wait_for "$SC_TMP/srv.err" "^Connection received"
	# stdin is at EOF, yet the connection stays until the server ends.
	assertTrue "client ended early" "still_running $client 1"
	stop "$SERVER_PID"
	wait_exit "$client"
	assertEquals 0 "$(<"$SC_TMP/rc")"
}

test_halfclose_client_sends_then_reads_reply() {
	printf 'reply\n' >"$SC_TMP/srv.in"
	server srv --half-close -l 127.0.0.1 0 || fail "no server"
	echo question | t 5 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "reply"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "question"
}

test_stdout_closed_when_peer_finishes() {
	printf 'data\n' >"$SC_TMP/srv.in"
	server srv -N --half-close -l 127.0.0.1 0 || fail "no server"
	# The client's stdin stays open; its stdout must still see EOF when
	# the server has sent everything.  Only sockcat holds the FIFO open.
	mkfifo "$SC_TMP/fifo"
	bg sh -c "cat '$SC_TMP/fifo' >'$SC_TMP/c.out'; echo eof >'$SC_TMP/flag'"
	bg timeout 45 sh -c "sleep 40 | exec '$SC' 127.0.0.1 $PORT >'$SC_TMP/fifo'"
	assertTrue "stdout got EOF" "wait_for '$SC_TMP/flag' eof"
	assertFileEquals "$SC_TMP/c.out" "data"
}

test_listener_ends_when_client_finishes() {
	# "sockcat -l > file" must end with its client, stdin still open.
	bg bash -c "timeout 45 '$SC' -v -l 127.0.0.1 0 < <(sleep 40) \
	    >'$SC_TMP/l.out' 2>'$SC_TMP/l.err'; echo \$? >'$SC_TMP/rc'"
	wait_for "$SC_TMP/l.err" "^Listening on" || fail "no listener"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/l.err")
	echo payload | t 5 "$SC" -N 127.0.0.1 "$port"
	assertTrue "listener ended" "wait_for '$SC_TMP/rc' ."
	assertEquals 0 "$(<"$SC_TMP/rc")"
	assertFileEquals "$SC_TMP/l.out" "payload"
}

test_100mib_byte_exact() {
	head -c $((100 * 1024 * 1024)) /dev/urandom >"$SC_TMP/big"
	server srv -l 127.0.0.1 0 || fail "no server"
	t 60 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/big"
	assertEquals 0 $?
	wait_exit "$SERVER_PID" 30
	assertEquals 0 "$WAIT_STATUS"
	assertTrue "identical" "cmp -s '$SC_TMP/big' '$SC_TMP/srv.out'"
	rm -f "$SC_TMP/big" "$SC_TMP/srv.out"
}

sc_run_shunit2
