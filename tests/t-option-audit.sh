#!/bin/bash
# An option given is applied or refused, never dropped (doc/design.md,
# "An option given is applied or refused"): every option of the table on
# every path (a client, -l, -lk, -lk -e, -lk -c, --forward, a forwarding
# pair, --relay, -u -l, --chat, --room, the pairs tls-l: -, ws-l: -,
# udp-l: -, tcp-l: exec:cat and tcp: -, -u, -u -lk alone, with -e and
# with --forward, -U -l, -U, the proxy server, a --chat caller, -z, -c
# connecting, the pairs tcp-l: file: and tcp-l: pty:, two sides the
# relay opens, a line with stdio and two lines), each run once by
# optaudit.py with the debug build's audit on; and the audit itself,
# which must find an option that a path ignores.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3 openssl

# The audit is a debug build's (SC_OPT_AUDIT): others have nothing to say.
if ! sc_debug_build; then
	echo "not a debug build: no option audit" >&2
	exit 77
fi

OPTAUDIT="python3 ${TESTS_DIR:-$(dirname "$0")}/optaudit.py"

# optaudit ARGS...: the driver over the suite's certificates, its report
# in $SC_TMP/audit.out, its status in AUDIT_STATUS.
optaudit() {
	mkdir -p "$SC_TMP/d"
	[ -f "$SC_TMP/d/ca.pem" ] || make_certs "$SC_TMP/d" ||
	    { fail "cannot make certificates"; return 1; }
	SOCKCAT=$SC t 600 $OPTAUDIT "$@" "$SC_TMP/d" >"$SC_TMP/audit.out" \
	    2>"$SC_TMP/audit.err"
	AUDIT_STATUS=$?
}

# Every option on every path: refused in one line, or read by the path.
test_every_option_on_every_path_is_applied_or_refused() {
	optaudit
	assertEquals "what no path read: $(grep FAIL "$SC_TMP/audit.out")
$(cat "$SC_TMP/audit.err")" 0 "$AUDIT_STATUS"
	assertContains "the summary" "$(tail -n 1 "$SC_TMP/audit.out")" \
	    " 0 failed"
	# Some cases ran, some were refused: the paths were walked.
	assertTrue "a case ran" "grep -q ': ran ' '$SC_TMP/audit.out'"
	assertTrue "a case was refused" \
	    "grep -q ': refused: sockcat: ' '$SC_TMP/audit.out'"
}

# A path that ignores an option is caught: SC_OPT_AUDIT_DROP=NAME drops
# every mark of NAME's field, as a path that never read it would.
test_a_planted_drop_is_caught() {
	SC_OPT_AUDIT_DROP=ttl optaudit --paths client,keep \
	    --options ttl,nodelay
	_said="FAIL: sockcat: option --ttl was given and no path read it"
	assertEquals "status" 1 "$AUDIT_STATUS"
	assertEquals "the client" "client ttl: $_said" \
	    "$(grep '^client ttl: ' "$SC_TMP/audit.out" | sed 's/ \[.*//')"
	assertEquals "the -lk server, ended by SIGTERM" "keep ttl: $_said" \
	    "$(grep '^keep ttl: ' "$SC_TMP/audit.out" | sed 's/ \[.*//')"
	assertContains "another option is still read" \
	    "$(grep '^client nodelay: ' "$SC_TMP/audit.out")" ": ran "
}

# The audit's own contract: status 70 at a normal exit, one line for each
# option no path read; nothing without SC_OPT_AUDIT=1, nor for an option
# that was refused.
test_audit_says_each_option_and_exits_70() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	echo hi | SC_OPT_AUDIT=1 SC_OPT_AUDIT_DROP=nodelay t 10 "$SC" -N \
	    --nodelay -M 64 127.0.0.1 "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 70 $?
	assertEquals "the line" \
	    "sockcat: option --nodelay was given and no path read it" \
	    "$(<"$SC_TMP/err")"
	assertEquals "the session was served" "hi" "$(<"$SC_TMP/out")"
	echo hi | SC_OPT_AUDIT_DROP=nodelay t 10 "$SC" -N --nodelay \
	    127.0.0.1 "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "no audit asked: status" 0 $?
	assertEquals "no audit asked: nothing said" "" "$(<"$SC_TMP/err")"
	SC_OPT_AUDIT=1 t 10 "$SC" -F -l 127.0.0.1 0 </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "refused: status" 1 $?
	assertEquals "refused: one line" \
	    "sockcat: -F passes a connection it made: -l takes no -F" \
	    "$(<"$SC_TMP/err")"
}

sc_run_shunit2
