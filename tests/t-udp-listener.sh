#!/bin/bash
# The plain UDP listener (-u -l, without a program) honours the options
# the others do: -o logs the datagrams, --idle-timeout ends it when its
# peer goes quiet, --send-only prints nothing.  Each is run beside ncat,
# which has the same options, when ncat is installed.  -q ends it that
# long after stdin's end; --delay reads its datagrams one at a time; -C
# ends the lines it sends with CRLF.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

SERVER_TIMEOUT=60

# peer PORT ops...: a UDP client of 127.0.0.1 PORT: "send TEXT", "recv"
# (prints what came, or TIMEOUT after 10 s).
peer() {
	t 20 $UDPPEER "$@"
}

# udp_server TOOL NAME args...: sockcat, or ncat, listening on a UDP port
# of 127.0.0.1, its stdin a FIFO the test holds on fd 9; sets PORT and
# SERVER_PID.  ncat names port 0 in its report: the real one is read
# from the socket table.
udp_server() {
	_tool=$1 _name=$2
	shift 2
	held_stdin "$_name.in" 9
	if [ "$_tool" = sockcat ]; then
		SERVER_STDIN=$SC_TMP/$_name.in server "$_name" -n -u -l "$@" \
		    127.0.0.1 0 || fail "sockcat did not start"
		return
	fi
	timeout -k 2 "$SERVER_TIMEOUT" ncat -u -l "$@" 127.0.0.1 0 \
	    <"$SC_TMP/$_name.in" >"$SC_TMP/$_name.out" \
	    2>"$SC_TMP/$_name.err" &
	SERVER_PID=$!
	SC_PIDS="$SC_PIDS $SERVER_PID"
	wait_until -t 15 ncat_port || fail "ncat did not start"
}

# The UDP port ncat (SERVER_PID's child) is bound to, in PORT; false
# until it has one.
ncat_port() {
	PORT=$(ss -Hulnp 2>/dev/null | grep "pid=$(pgrep -P \
	    "$SERVER_PID" ncat)," | sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p' |
	    head -n 1)
	[ -n "$PORT" ]
}

tools() {
	echo sockcat
	command -v ncat >/dev/null 2>&1 && echo ncat
}

test_output_log() {
	for tool in $(tools); do
		udp_server "$tool" "$tool" -o "$SC_TMP/$tool.log"
		peer "$PORT" send "hello $tool" >/dev/null
		assertTrue "$tool: printed" \
		    "wait_for '$SC_TMP/$tool.out' '^hello $tool$' 10"
		assertTrue "$tool: logged" \
		    "wait_for '$SC_TMP/$tool.log' 'hello $tool' 10"
		exec 9>&-
	done
}

test_idle_timeout() {
	for tool in $(tools); do
		udp_server "$tool" "$tool" --idle-timeout 2
		peer "$PORT" send "one" >/dev/null
		assertTrue "$tool: printed" \
		    "wait_for '$SC_TMP/$tool.out' '^one$' 10"
		assertTrue "$tool: ends when the peer goes quiet" \
		    "wait_exit $SERVER_PID 20"
		exec 9>&-
	done
}

test_send_only() {
	for tool in $(tools); do
		udp_server "$tool" "$tool" --send-only
		echo fromserver >&9
		assertEquals "$tool: stdin goes to the peer" fromserver \
		    "$(peer "$PORT" send hello recv)"
		assertFalse "$tool: nothing printed" \
		    "grep -q hello '$SC_TMP/$tool.out'"
		exec 9>&-
	done
}

# -C: a line stdin gives goes to the peer ending in CRLF.
test_crlf_to_the_peer() {
	udp_server sockcat c -C
	echo reply >&9
	assertEquals "CR LF" "replyR" \
	    "$(peer "$PORT" send hello recv | tr '\r' R)"
	assertTrue "printed" "wait_for '$SC_TMP/c.out' '^hello$' 10"
	exec 9>&-
}

# -q: stdin's end is not the listener's; what stdin gave goes to the
# peer, and the listener exits that long after, status 0.
test_quit_after_stdin() {
	udp_server sockcat q -q 1
	bg t 20 $UDPPEER "$PORT" send one recv >"$SC_TMP/p.out" 9>&-
	wait_for "$SC_TMP/q.out" '^one$' 10 || fail "not printed"
	echo bye >&9
	exec 9>&-
	wait_for "$SC_TMP/p.out" '^bye$' 10 || fail "the peer got nothing"
	wait_exit "$SERVER_PID" 20 || fail "did not end after -q"
	assertEquals "status: $(<"$SC_TMP/q.err")" 0 "$WAIT_STATUS"
}

# --delay: the datagrams are read one at a time, not in batches, each
# written whole and in order.
test_delay_reads_one_at_a_time() {
	udp_server sockcat d --delay 20ms
	peer "$PORT" send one send two send three >/dev/null
	wait_lines "$SC_TMP/d.out" . 3 || fail "not all printed"
	assertEquals "in order" "one
two
three" "$(<"$SC_TMP/d.out")"
	exec 9>&-
}

# Another user cannot bind the listener's port, as it cannot bind the
# port of -u -lk -e or a DTLS listener (t-udp-exec, t-dtls).
test_port_cannot_be_taken_by_another_user() {
	for _k in "" -k; do
		udp_server sockcat "srv$_k" $_k
		_got=$(bind_as_nobody "$PORT")
		[ $? -eq 77 ] && { sc_skip "cannot run as user nobody"; return; }
		assertEquals "-u -l $_k" \
		    "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" "$_got"
		exec 9>&-
		stop "$SERVER_PID"
	done
}

tearDown() {
	exec 9>&-
	sc_remove_tmp
	endSkipping
}

sc_run_shunit2
