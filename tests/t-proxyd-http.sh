#!/bin/bash
# The HTTP CONNECT proxy server (-l --proxy-type http) and the line ends
# of its clients: CR LF or a bare LF (as ncat takes them), with the size
# limit of a request's header kept either way; wrong credentials limited
# per address.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# pserver args...: sockcat's proxy server; sets PPORT.
pserver() {
	server px -l 127.0.0.1 0 --proxy-type http "$@" ||
	    fail "no proxy server"
	PPORT=$PORT
}

# dest: a destination that says "pong" and writes what it gets to
# dst.out; sets DPORT and DST_PID.
dest() {
	printf 'pong\n' >"$SC_TMP/dst.in"
	server dst -N -l 127.0.0.1 0 || fail "no destination"
	DPORT=$PORT
	DST_PID=$SERVER_PID
}

# ask FORMAT: send the request printf makes of FORMAT (%s is the
# destination port) and "ping", to the proxy; its answer goes to c.out.
ask() {
	# shellcheck disable=SC2059
	printf "$1ping\\n" "$DPORT" |
	    t 10 "$SC" -N 127.0.0.1 "$PPORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	STATUS=$?
}

# The request is served: 200, the destination's words, and ours to it.
assert_relayed() {
	assertEquals "client status" 0 "$STATUS"
	assertEquals "status line" "HTTP/1.1 200 Connection established" \
	    "$(head -n 1 "$SC_TMP/c.out" | tr -d '\r')"
	assertEquals "what the destination said" "pong" \
	    "$(tail -n 1 "$SC_TMP/c.out")"
	wait_exit "$DST_PID" 10
	assertEquals "what the destination got" "ping" \
	    "$(<"$SC_TMP/dst.out")"
}

test_bare_lf() {
	pserver
	dest
	start=$(now_ms)
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\nHost: x\n\n'
	assert_relayed
	elapsed=$(( $(now_ms) - start ))
	# It used to wait for a CR LF CR LF until the 30 s request time-out.
	assertTrue "answered at once ($elapsed ms)" "[ $elapsed -lt 5000 ]"
}

test_bare_lf_no_headers() {
	pserver
	dest
	ask 'CONNECT 127.0.0.1:%s HTTP/1.0\n\n'
	assert_relayed
}

test_mixed_line_ends() {
	pserver
	dest
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\r\nHost: x\n\r\n'
	assert_relayed
}

test_crlf_still() {
	pserver
	dest
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\r\nHost: x\r\n\r\n'
	assert_relayed
}

test_bare_lf_credentials() {
	pserver --proxy-auth user:secret
	dest
	# dXNlcjpzZWNyZXQ= is user:secret.
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\nProxy-Authorization: Basic dXNlcjpzZWNyZXQ=\n\n'
	assert_relayed
}

test_bare_lf_wrong_credentials() {
	pserver --proxy-auth user:secret
	dest
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\nProxy-Authorization: Basic d3Jvbmc6d3Jvbmc=\n\n'
	assertEquals "407" "HTTP/1.1 407 Proxy Authentication Required" \
	    "$(head -n 1 "$SC_TMP/c.out" | tr -d '\r')"
	assertFalse "nothing relayed" "grep -q ping '$SC_TMP/dst.out'"
}

# Issue 56: the proxy's credentials are checked as a WebSocket server's
# are (src/http/auth.c): after five wrong answers from an address, 429
# with Retry-After, even for the right ones, until it has waited.
test_wrong_credentials_limited() {
	pserver --proxy-auth user:secret
	dest
	got=""
	for i in 1 2 3 4 5 6 7; do
		ask 'CONNECT 127.0.0.1:%s HTTP/1.1\nProxy-Authorization: Basic d3Jvbmc6d3Jvbmc=\n\n'
		got="$got $(head -n 1 "$SC_TMP/c.out" | tr -d '\r' | cut -d' ' -f2)"
	done
	assertEquals "statuses" " 407 407 407 407 407 429 429" "$got"
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\nProxy-Authorization: Basic dXNlcjpzZWNyZXQ=\n\n'
	assertEquals "right, but limited" "HTTP/1.1 429 Too Many Requests" \
	    "$(head -n 1 "$SC_TMP/c.out" | tr -d '\r')"
	grep -q '^Retry-After: [0-9]' "$SC_TMP/c.out" ||
	    fail "no Retry-After: $(<"$SC_TMP/c.out")"
	assertFalse "nothing relayed" "grep -q ping '$SC_TMP/dst.out'"
	grep -q 'auth: 127.0.0.1 [0-9]*: wrong Basic of wrong$' \
	    "$SC_TMP/px.err" || fail "not said: $(<"$SC_TMP/px.err")"
}

test_bare_lf_bad_request() {
	pserver
	dest
	# A GET is forwarded only with an absolute URI.
	ask 'GET / HTTP/1.1\nHost: x\n\n'
	assertEquals "origin form: 400" "HTTP/1.1 400 Bad Request" \
	    "$(head -n 1 "$SC_TMP/c.out" | tr -d '\r')"
	ask 'CONNECT 127.0.0.1 HTTP/1.1\n\n'
	assertEquals "no port: 400" "HTTP/1.1 400 Bad Request" \
	    "$(head -n 1 "$SC_TMP/c.out" | tr -d '\r')"
}

# A header of more than 8 KiB is refused, whatever its line ends.
test_header_limit() {
	pserver
	dest
	for eol in '\n' '\r\n'; do
		{
			printf "CONNECT 127.0.0.1:%s HTTP/1.1$eol" "$DPORT"
			for i in $(seq 1 300); do
				printf "X-Filler-%03d: 0123456789abcdef$eol" "$i"
			done
			printf "$eol"
		} | t 10 "$SC" 127.0.0.1 "$PPORT" >"$SC_TMP/c.out" 2>/dev/null
		assertEquals "431 with ${eol}" \
		    "HTTP/1.1 431 Request Header Fields Too Large" \
		    "$(head -n 1 "$SC_TMP/c.out" | tr -d '\r')"
	done
	assertFalse "nothing relayed" "grep -q . '$SC_TMP/dst.out'"
}

sc_run_shunit2
