#!/bin/bash
# Programs over Unix-domain stream sockets: a -k listener running one
# program per client at once, the environment they see, and a client
# running a program.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
}

test_keep_program_per_client_at_once() {
	sock=$SC_TMP/s.sock
	server srv -U -l -k "$sock" -c 'sed -u "s/^/[$$] /"' ||
	    fail "no server"
	held_stdin a.in 7
	held_stdin b.in 8
	bg_in "$SC_TMP/a.in" timeout 15 "$SC" -N -U "$sock" >"$SC_TMP/a.out"
	bg_in "$SC_TMP/b.in" timeout 15 "$SC" -U "$sock" >"$SC_TMP/b.out"
	echo a1 >&7
	echo b1 >&8
	assertTrue "a1" "wait_for '$SC_TMP/a.out' '\] a1$'"
	assertTrue "b1" "wait_for '$SC_TMP/b.out' '\] b1$'"
	echo a2 >&7
	echo b2 >&8
	assertTrue "a2" "wait_for '$SC_TMP/a.out' '\] a2$'"
	assertTrue "b2" "wait_for '$SC_TMP/b.out' '\] b2$'"
	apid=$(sed -n 's/^\[\([0-9]*\)\] a1$/\1/p' "$SC_TMP/a.out")
	bpid=$(sed -n 's/^\[\([0-9]*\)\] b1$/\1/p' "$SC_TMP/b.out")
	assertNotNull "$apid"
	assertNotEquals "a program each" "$apid" "$bpid"
	assertEquals "$(printf '[%s] a1\n[%s] a2' "$apid" "$apid")" \
	    "$(<"$SC_TMP/a.out")"
	assertEquals "$(printf '[%s] b1\n[%s] b2' "$bpid" "$bpid")" \
	    "$(<"$SC_TMP/b.out")"
	# One client leaving ends its program only.
	exec 7>&-
	assertTrue "its program ended" "wait_exit $apid"
	echo b3 >&8
	assertTrue "b3" "wait_for '$SC_TMP/b.out' '\] b3$'"
	assertTrue "listener keeps running" "still_running $SERVER_PID 0.2"
}

test_environment() {
	sock=$SC_TMP/s.sock
	server srv -U -l "$sock" \
	    -c 'env | grep -E "^(SOCKCAT|NCAT)_" | sort' || fail "no server"
	t 5 "$SC" -d -U "$sock" >"$SC_TMP/c.out"
	assertEquals 0 $?
	for p in NCAT SOCKCAT; do
		want="${want:+$want
}${p}_LOCAL_ADDR=$sock
${p}_LOCAL_PORT=
${p}_PROTO=UNIX
${p}_REMOTE_ADDR=
${p}_REMOTE_PORT="
	done
	assertEquals "$want" "$(<"$SC_TMP/c.out")"
	wait_exit "$SERVER_PID"
	assertEquals "listener exits with its program" 0 "$WAIT_STATUS"
	assertTrue "socket file left, as nc leaves it" "[ -S '$sock' ]"
}

test_client_runs_program() {
	sock=$SC_TMP/s.sock
	server srv -U -l "$sock" || fail "no server"
	t 5 "$SC" -U "$sock" -c 'echo "hi $SOCKCAT_PROTO $SOCKCAT_REMOTE_ADDR"'
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "hi UNIX $sock" "$(<"$SC_TMP/srv.out")"
}

sc_run_shunit2
