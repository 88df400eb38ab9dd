#!/bin/bash
# VSOCK (--vsock): a listener and a client over the loopback transport
# (CID 1) where the kernel has one, in the stream modes; everywhere, the
# error of a CID no transport reaches is one line naming the cause, and
# the command line's own mistakes are refused.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# Is there a loopback transport (the vsock_loopback module)?
have_loopback() {
	[ -e /sys/module/vsock_loopback ]
}

test_echo_over_the_loopback_transport() {
	if ! have_loopback; then
		sc_skip "no VSOCK loopback transport (vsock_loopback not loaded)"
		return
	fi
	server srv -lk --vsock -e /bin/cat 0 || fail "no listener"
	assertEquals "echo" "over vsock" "$(echo "over vsock" |
	    t 10 "$SC" -N --vsock 1 "$PORT")"
	assertTrue "its client" "grep -q '^Connection received on 1 ' \
	    '$SC_TMP/srv.err'"
	server b --broker --vsock 0 || fail "no broker"
	held_stdin b.in 7
	bg_in "$SC_TMP/b.in" t 20 "$SC" --vsock 1 "$PORT" >"$SC_TMP/b.out"
	wait_for "$SC_TMP/b.err" '^Connection received' || fail "no client"
	echo "to all" | t 10 "$SC" -N --vsock 1 "$PORT"
	assertTrue "relayed" "wait_for '$SC_TMP/b.out' '^to all$'"
	exec 7>&-
}

test_listening_says_where() {
	server srv -l --vsock 0 2>/dev/null
	if [ -z "$PORT" ]; then
		assertTrue "a cause" "grep -q '^sockcat: vsock: ' \
		    '$SC_TMP/srv.err'"
		return
	fi
	assertTrue "any CID" "grep -qx 'Listening on 4294967295 $PORT' \
	    '$SC_TMP/srv.err'"
}

# The error path: CID 1 without a loopback transport (or, with one, a
# port nobody listens on) fails in one line that names the cause.
test_unreachable_cid_is_one_line() {
	t 20 "$SC" --vsock -w 10 1 4000 </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "nothing out" "" "$(<"$SC_TMP/out")"
	assertEquals "one line" 1 "$(wc -l <"$SC_TMP/err")"
	assertTrue "names vsock: $(<"$SC_TMP/err")" \
	    "grep -q '^sockcat: vsock: ' '$SC_TMP/err'"
	if ! have_loopback && [ -e /dev/vsock ]; then
		assertTrue "the cause: $(<"$SC_TMP/err")" \
		    "grep -Eq 'no VSOCK transport reaches CID 1|no VSOCK support' \
		    '$SC_TMP/err'"
	fi
}

# A CID a transport reaches (here the host, CID 2) whose port has no
# listener answers with a reset: the line says that nothing listens
# there, not that a peer reset a connection.
test_no_listener_is_named() {
	t 20 "$SC" --vsock -w 10 2 4000 </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "nothing out" "" "$(<"$SC_TMP/out")"
	assertEquals "one line" 1 "$(wc -l <"$SC_TMP/err")"
	if ! grep -q 'reset by peer\|refused' "$SC_TMP/err"; then
		sc_skip "CID 2 does not answer here: $(<"$SC_TMP/err")"
		return
	fi
	assertTrue "the cause: $(<"$SC_TMP/err")" "grep -qx \
	    'sockcat: vsock: nothing listens on CID 2 port 4000 (.*)' \
	    '$SC_TMP/err'"
}

test_command_line_mistakes() {
	expect_error "vsock: CID abc: invalid (a number, or any, local, host, \
hypervisor)" --vsock abc 5000
	expect_error "cannot use --vsock with -U or -u" --vsock -u 1 5000
	expect_error "no proxy support for VSOCK" --vsock -x p:1080 1 5000
}

sc_run_shunit2
