#!/bin/bash
# --retry N|forever and --retry-interval: a client that starts before its
# server gets through; -z waits for a port; -v says each failed try, plain
# mode says nothing; the count is kept; errors that are not "not there
# yet" are not retried; a connection that met itself is a refusal; and
# the command-line checks.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

# Start a listener on port $1 in $2 seconds, output to NAME $3.
late_listener() {
	bg bash -c "sleep $2; exec timeout -k 2 30 '$SC' -l 127.0.0.1 $1 \
	    </dev/null >'$SC_TMP/$3.out' 2>'$SC_TMP/$3.err'"
}

test_client_waits_for_a_late_listener() {
	p=$(free_port)
	late_listener "$p" 1.5 srv
	printf 'hello\n' >"$SC_TMP/in"
	t 30 "$SC" -N --retry 100 --retry-interval 100ms 127.0.0.1 "$p" \
	    <"$SC_TMP/in" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	wait_exit "$BG_PID" 15
	assertEquals "the data arrived" "hello" "$(<"$SC_TMP/srv.out")"
	assertEquals "plain mode is silent" "" "$(<"$SC_TMP/err")"
}

# A Unix socket whose file is not made yet is waited for as a late
# listener is (ENOENT, where TCP's is a refusal).
test_unix_client_waits_for_its_socket() {
	bg bash -c "sleep 1.5; exec timeout -k 2 30 '$SC' -lU '$SC_TMP/s' \
	    </dev/null >'$SC_TMP/srv.out' 2>'$SC_TMP/srv.err'"
	printf 'hello\n' >"$SC_TMP/in"
	t 30 "$SC" -N --retry 100 --retry-interval 100ms -U "$SC_TMP/s" \
	    <"$SC_TMP/in" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	wait_exit "$BG_PID" 15
	assertEquals "the data arrived" "hello" "$(<"$SC_TMP/srv.out")"
	assertEquals "silent" "" "$(<"$SC_TMP/err")"
}

# With nothing listening, a connect given the port it dials as its own
# meets itself (TCP's simultaneous open) and would read its own words
# back: a client retrying for a late listener on a port in the kernel's
# range for local ports can be given it by chance; -p gives it here.
test_connection_to_itself_is_a_refusal() {
	p=$(free_port)
	printf 'hello\n' >"$SC_TMP/in"
	t 10 "$SC" -v -N -p "$p" 127.0.0.1 "$p" <"$SC_TMP/in" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "nothing read back" "" "$(<"$SC_TMP/out")"
	assertEquals "said as a refusal" \
	    "sockcat: connect to 127.0.0.1 port $p (tcp) failed: Connection refused" \
	    "$(<"$SC_TMP/err")"
	# And retried as a refusal is.
	t 10 "$SC" -v -N -p "$p" --retry 2 --retry-interval 50ms \
	    127.0.0.1 "$p" <"$SC_TMP/in" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "retried: status" 1 $?
	assertEquals "retried: nothing read back" "" "$(<"$SC_TMP/out")"
	assertEquals "retried: three refusals" 3 \
	    "$(grep -c "^sockcat: connect to 127.0.0.1 port $p (tcp) failed: Connection refused$" "$SC_TMP/err")"
}

test_zero_waits_for_a_port() {
	p=$(free_port)
	late_listener "$p" 1.5 srv
	t 30 "$SC" -z -v --retry forever --retry-interval 200ms 127.0.0.1 \
	    "$p" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertTrue "succeeded at last" "grep -q 'succeeded!$' '$SC_TMP/err'"
	# At 200 ms for 1.5 s: a few failed tries, each said on one line.
	n=$(grep -c 'failed: Connection refused$' "$SC_TMP/err")
	assertTrue "failed tries reported: $n" "[ $n -ge 2 ] && [ $n -le 20 ]"
}

test_count_is_kept() {
	p=$(free_port)
	t 20 "$SC" -v --retry 3 --retry-interval 50ms 127.0.0.1 "$p" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "one first try, three more" 4 \
	    "$(grep -c "^sockcat: connect to 127.0.0.1 port $p (tcp) failed: Connection refused$" \
	    "$SC_TMP/err")"
	assertEquals "nothing else" 4 "$(wc -l <"$SC_TMP/err")"
	t 20 "$SC" --retry 2 --retry-interval 50ms 127.0.0.1 "$p" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status without -v" 1 $?
	assertEquals "silent without -v" "" "$(<"$SC_TMP/err")"
}

test_interval_is_waited() {
	p=$(free_port)
	start=$(now_ms)
	t 20 "$SC" --retry 2 --retry-interval 400ms 127.0.0.1 "$p" \
	    </dev/null >/dev/null 2>&1
	took=$(( $(now_ms) - start ))
	assertTrue "two pauses of 400 ms: $took ms" "[ $took -ge 800 ]"
}

test_a_name_that_does_not_resolve_is_final() {
	start=$(now_ms)
	t 20 "$SC" --retry forever --retry-interval 2s no-such-host.invalid \
	    80 </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	took=$(( $(now_ms) - start ))
	assertTrue "no retry: $took ms" "[ $took -lt 1900 ]"
	assertEquals "one line" 1 "$(wc -l <"$SC_TMP/err")"
}

test_errors() {
	expect_error "retry count invalid: x" --retry x host 1
	expect_error "retry count too small: -2" --retry -2 host 1
	expect_error "must use --retry or --reconnect with --retry-interval" \
	    --retry-interval 1s host 1
	expect_error "cannot use --retry with -l" --retry 3 -l 1234
	expect_error "retry interval invalid: soon" --retry 1 \
	    --retry-interval soon host 1
}

# Tries without a pause between them only spin the processor (97 % of
# it with "--retry forever --retry-interval 0"): 10 ms at least.
test_interval_has_a_minimum() {
	expect_error "retry interval too small: 0 (at least 10ms)" \
	    --retry forever --retry-interval 0 host 1
	expect_error "retry interval too small: 9ms (at least 10ms)" \
	    --retry 3 --retry-interval 9ms host 1
	p=$(free_port)
	t 20 "$SC" -z --retry 2 --retry-interval 10ms 127.0.0.1 "$p" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "10ms is taken; the port stays closed" 1 $?
}

sc_run_shunit2
