#!/bin/bash
# The command line: usage, help, and every error message and exit status
# that needs no network, in netcat-openbsd's words.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# run args...: capture stdout, stderr and the status of one sockcat run.
run() {
	t 5 "$SC" "$@" >"$SC_TMP/out" 2>"$SC_TMP/err" </dev/null
	STATUS=$?
	OUT=$(<"$SC_TMP/out")
	ERR=$(<"$SC_TMP/err")
}

test_no_arguments_prints_usage() {
	run
	assertEquals 1 "$STATUS"
	assertEquals "" "$OUT"
	assertContains "$ERR" "usage: sockcat [-46"
}

test_help_goes_to_stdout_and_exits_0() {
	for h in -h --help; do
		run $h
		assertEquals "$h status" 0 "$STATUS"
		assertContains "$h" "$OUT" "usage: sockcat"
		assertContains "$h" "$OUT" "--listen"
		assertEquals "$h stderr" "" "$ERR"
	done
}

test_version() {
	run --version
	assertEquals 0 "$STATUS"
	assertContains "$OUT" "sockcat "
}

test_unknown_option() {
	run --no-such-option
	assertEquals 1 "$STATUS"
	assertContains "$ERR" "unrecognized option"
	assertContains "$ERR" "usage: sockcat"
}

test_port_errors() {
	expect_error "port number too large: 99999" localhost 99999
	expect_error "port number invalid: nosuchservice" localhost nosuchservice
	expect_error "port number too large: 70000" localhost 1-70000
	expect_error "missing port number" localhost
	expect_error "missing port number" -l
}

test_conflicts() {
	expect_error "must use -l with -k" -k localhost 1
	expect_error "cannot use -z and -l" -z -l 1
}

test_time_errors() {
	expect_error "timeout invalid: abc" -w abc localhost 1
	expect_error "quit timer invalid: abc" -q abc localhost 1
	expect_error "timeout invalid: 5x" -w 5x localhost 1
}

test_number_errors() {
	expect_error "ttl is too large" -M 256 localhost 1
	expect_error "minttl is invalid" -m x localhost 1
	expect_error "illegal tos value foo" -T foo localhost 1
}

test_getaddrinfo_error() {
	expect_error 'getaddrinfo for host "no-such-host" port 80: Name or service not known' \
	    -n no-such-host 80
}

test_program_name_from_argv0() {
	ln -s "$SC" "$SC_TMP/nc"
	t 5 "$SC_TMP/nc" -k localhost 1 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "nc: must use -l with -k" "$(<"$SC_TMP/err")"
}

test_usage_for_extra_listen_operands() {
	run -l 1 2 3
	assertEquals 1 "$STATUS"
	assertContains "$ERR" "usage: sockcat"
}

sc_run_shunit2
