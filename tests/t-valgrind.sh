#!/bin/bash
# Key scenarios under valgrind's memcheck: transfers both ways, -k with
# several clients, a relay and its --via clients, a scan, -C, the
# error paths, and the fuzz targets' corpora.  Any memory error or
# definite leak fails the test.  Skipped without valgrind, and for a
# sanitizer build (the two cannot run together).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/proc.sh"
sc_require valgrind python3

if grep -aq __asan_init "$SOCKCAT" 2>/dev/null; then
	echo "sanitizer build: skipping valgrind" >&2
	exit 77
fi

FAULT="${TESTS_DIR:-$(dirname "$0")}/fault.py"
PEER="${TESTS_DIR:-$(dirname "$0")}/peer.py"
REAL=$SOCKCAT
VG_STATUS=99
# Under valgrind, on a loaded machine, a server has taken more than the
# usual 20 s to say it listens.
SC_WAIT=60

# Every sockcat of a test runs under valgrind through a wrapper; each
# process writes its report to vg.PID, empty when it is clean.
setUp() {
	sc_tmp
	cat >"$SC_TMP/vg-sockcat" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=$VG_STATUS --leak-check=full \\
    --show-leak-kinds=definite --errors-for-leak-kinds=definite \\
    --log-file="$SC_TMP/vg.%p" "$REAL" "\$@"
EOF
	chmod +x "$SC_TMP/vg-sockcat"
	SC=$SC_TMP/vg-sockcat
}

# Assert that every valgrind run of the test so far was clean.
assertClean() {
	for _f in "$SC_TMP"/vg.*; do
		[ -f "$_f" ] || continue
		assertEquals "valgrind report $(basename "$_f")" "" \
		    "$(<"$_f")"
	done
	assertTrue "valgrind ran" "ls '$SC_TMP'/vg.* >/dev/null 2>&1"
}

test_transfer_both_ways() {
	head -c 1048576 /dev/urandom >"$SC_TMP/srv.in"
	head -c 1048576 /dev/urandom >"$SC_TMP/c.in"
	server srv --half-close -l 127.0.0.1 0 ||
	    fail "no server"
	t 30 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/c.in" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID" 20
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertTrue "to server" "cmp -s '$SC_TMP/c.in' '$SC_TMP/srv.out'"
	assertTrue "to client" "cmp -s '$SC_TMP/srv.in' '$SC_TMP/c.out'"
	assertClean
}

test_keep_open_clients_then_term() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	pid=$(child_pid "$SERVER_PID")
	for i in 1 2 3; do
		echo "client $i" | t 20 "$SC" -N 127.0.0.1 "$PORT"
		assertEquals "client $i" 0 $?
		wait_for "$SC_TMP/srv.out" "^client $i\$"
	done
	# A reset client in between does not upset it.
	bg timeout 10 python3 "$FAULT" --connect "$PORT" --rst-after 0 \
	    >/dev/null
	echo after | t 20 "$SC" -N 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/srv.out" "after"
	assertContains "$(<"$SC_TMP/srv.out")" "client 3"
	kill -TERM "$pid"
	wait_exit "$SERVER_PID"
	assertEquals "ended by SIGTERM" 143 "$WAIT_STATUS"
	assertClean
}

# A relay and its --via clients (all under valgrind): a pair whose
# limits count each chunk, one that leaves while it waits, then SIGTERM.
test_relay_pair_then_term() {
	sc_have_tls || { sc_skip "built without TLS"; return; }
	code=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK
	head -c 200000 /dev/urandom >"$SC_TMP/c.in"
	server srv -n --relay --relay-limit rate=100000000 127.0.0.1 0 ||
	    fail "no relay"
	pid=$(child_pid "$SERVER_PID")
	t 30 "$SC" -w 10 --via "127.0.0.1:$PORT" --secret="$OTHER_CODE" \
	    </dev/null >/dev/null 2>&1 &
	wait_for "$SC_TMP/srv.err" 'waits$'
	kill -TERM $! 2>/dev/null
	bg t 60 "$SC" -l -w 30 --via "127.0.0.1:$PORT" --secret="$code" \
	    -e /bin/cat
	t 60 "$SC" -N -w 30 --via "127.0.0.1:$PORT" --secret="$code" \
	    <"$SC_TMP/c.in" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertTrue "echoed" "cmp -s '$SC_TMP/c.in' '$SC_TMP/c.out'"
	wait_exit "$BG_PID"
	kill -TERM "$pid"
	wait_exit "$SERVER_PID"
	assertEquals "ended by SIGTERM" 143 "$WAIT_STATUS"
	assertClean
}
OTHER_CODE=ZNDZ-M7ED-S7MT-5EJZ-RS2Y-YSJP-K6HD

# The same through a relay reached by WebSocket (--via ws://): the
# waiting client's connection given up and made again, the bridge of
# each --via client, drained as it ends.
test_ws_relay_pair_then_term() {
	sc_have_tls || { sc_skip "built without TLS"; return; }
	code=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK
	head -c 200000 /dev/urandom >"$SC_TMP/c.in"
	server srv -n --relay --websocket 127.0.0.1 0 || fail "no relay"
	pid=$(child_pid "$SERVER_PID")
	via=ws://127.0.0.1:$PORT/
	t 30 "$SC" -w 10 --via "$via" --secret="$OTHER_CODE" \
	    </dev/null >/dev/null 2>&1 &
	wait_for "$SC_TMP/srv.err" 'waits$'
	kill -TERM $! 2>/dev/null
	bg t 60 "$SC" -l -w 30 --via "$via" --secret="$code" -e /bin/cat
	t 60 "$SC" -N -w 30 --via "$via" --secret="$code" \
	    <"$SC_TMP/c.in" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	assertTrue "echoed" "cmp -s '$SC_TMP/c.in' '$SC_TMP/c.out'"
	wait_exit "$BG_PID"
	kill -TERM "$pid"
	wait_exit "$SERVER_PID"
	assertEquals "ended by SIGTERM" 143 "$WAIT_STATUS"
	assertClean
}

test_scan() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	t 20 "$SC" -zvn 127.0.0.1 "$PORT" "$((PORT + 1))" \
	    2>"$SC_TMP/scan.err"
	assertEquals "scan status" 0 $?
	assertEquals 1 "$(grep -c succeeded "$SC_TMP/scan.err")"
	assertClean
}

test_crlf_and_quit() {
	server srv -l 127.0.0.1 0 || fail "no server"
	printf 'a\nb\r\nc\n' | t 20 "$SC" -C -q 0 127.0.0.1 "$PORT"
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "$(printf 'a\r\nb\r\nc\r\n' | od -c)" \
	    "$(od -c <"$SC_TMP/srv.out")"
	assertClean
}

# A scripted listener that stamps and records each client, one whose
# expect fails, then the recording replayed (sockcat-sessions(7)).
test_script_record_replay() {
	server srv -lk -C --timestamp --record "$SC_TMP/s-%n.rec" \
	    --expect '^HELO (.*)' --send '250 \1\r\n' --expect '^QUIT' \
	    127.0.0.1 0 || fail "no server"
	printf 'HELO a\r\nQUIT\r\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/a"
	assertEquals "client a" "$(printf '250 a\r')" "$(<"$SC_TMP/a")"
	printf 'HELO b\r\nNOOP\r\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >/dev/null
	wait_for "$SC_TMP/srv.err" 'expected /\^QUIT/' || fail "no failure"
	stop "$SERVER_PID"
	server rep -l 127.0.0.1 0 --replay "$SC_TMP/s-1.rec" || fail "no replay"
	printf 'HELO a\r\nQUIT\r\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/r"
	assertEquals "replayed" "$(printf '250 a\r')" "$(<"$SC_TMP/r")"
	wait_exit "$SERVER_PID" 20
	assertClean
}

# Under valgrind vfork(2) is a fork(2): a program's start and its
# failure are reported through the pipe every time.
test_programs_started_and_refused() {
	server srv -lk 127.0.0.1 0 -e /bin/cat || fail "no server"
	for i in 1 2; do
		assertEquals "echo $i" "line $i" \
		    "$(echo "line $i" | t 20 "$SC" -N 127.0.0.1 "$PORT")"
	done
	stop "$SERVER_PID"
	printf 'no program\0\1' >"$SC_TMP/junk"
	chmod +x "$SC_TMP/junk"
	server bad -lk 127.0.0.1 0 -e "$SC_TMP/junk" || fail "no server"
	for i in 1 2; do
		t 20 "$SC" -d 127.0.0.1 "$PORT" >/dev/null
		wait_lines "$SC_TMP/bad.err" "Exec format error" "$i" ||
		    fail "failure $i not reported"
	done
	stop "$SERVER_PID"
	assertClean
}

test_error_paths() {
	t 20 "$SC" -w 99999999999 127.0.0.1 1 </dev/null 2>/dev/null
	assertEquals "bad number" 1 $?
	t 20 "$SC" --no-such-option 2>/dev/null
	assertEquals "bad option" 1 $?
	t 20 "$SC" 127.0.0.1 1-99999 2>/dev/null
	assertEquals "bad range" 1 $?
	t 20 "$SC" -n nonsense.invalid 1 </dev/null 2>/dev/null
	assertEquals "bad host" 1 $?
	# Refused, then a peer that resets mid-transfer.
	t 20 "$SC" -v 127.0.0.1 1 </dev/null 2>/dev/null
	assertEquals "refused" 1 $?
	# The peer waits as long as sockcat under valgrind may take to
	# start on a loaded machine.
	bg timeout -k 2 60 python3 "$FAULT" --listen "$SC_TMP/pf" \
	    --send-rst 100000 --deadline 50 >/dev/null
	wait_for "$SC_TMP/pf" '^[0-9]+$' || fail "no peer"
	echo go | t 50 "$SC" --fail-on-error -q -1 127.0.0.1 \
	    "$(<"$SC_TMP/pf")" >/dev/null 2>"$SC_TMP/err"
	assertEquals "reset" 1 $?
	assertContains "$(<"$SC_TMP/err")" "Connection reset by peer"
	assertClean
}

# Names looked up by the resolver's threads (a proxy and its target),
# the proxy refusing: the threads' lookups leave nothing behind at exit.
test_lookups_in_resolver_threads() {
	free_port >"$SC_TMP/port" || fail "no port"
	t 20 "$SC" -v -X 5 -x "localhost:$(<"$SC_TMP/port")" localhost 80 \
	    </dev/null 2>"$SC_TMP/err"
	assertEquals "refused" 1 $?
	assertContains "$(<"$SC_TMP/err")" "Connection refused"
	assertClean
}

# Every fuzz target's corpus (t-fuzz-corpus.sh's replays) under memcheck,
# which sees what the sanitizers of .ci/test do not: a read of memory
# never written, whose bytes make a check pass or abort by chance.
test_fuzz_corpora() {
	for d in "${TESTS_DIR:-$(dirname "$0")}"/fuzz/corpus/*/; do
		target=$(basename "$d")
		replay=$(dirname "$REAL")/tests/fuzz/$target-replay
		[ -x "$replay" ] || fail "$replay not built"
		t 120 valgrind -q --error-exitcode=$VG_STATUS \
		    --log-file="$SC_TMP/vg.$target" "$replay" "$d" \
		    >/dev/null 2>"$SC_TMP/$target.err"
		_st=$?
		assertEquals "$target: status ($(head -c 500 \
		    "$SC_TMP/$target.err"))" 0 "$_st"
	done
	assertClean
}

sc_run_shunit2
