#!/bin/bash
# The proxy server is not an open proxy by default: with neither
# --proxy-auth nor --allow it listens on loopback unless given an
# address, and an open proxy on any other address warns on stderr, over
# IPv4 and IPv6.
# Only loopback traffic: the addresses are only listened on.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

WARNING="sockcat: warning: open proxy: anyone who can reach this address may relay through it; use --proxy-auth or --allow"

# listening args...: start a proxy server with -n; LISTEN is its
# "Listening on" line, without the port, and px.err its stderr.
listening() {
	server px -n "$@" || fail "no proxy server"
	LISTEN=$(sed -n 's/^\(Listening on .*\) [0-9][0-9]*$/\1/p' \
	    "$SC_TMP/px.err")
}

assert_no_warning() {
	assertFalse "no warning: $(<"$SC_TMP/px.err")" \
	    "grep -q warning '$SC_TMP/px.err'"
}

assert_warning() {
	assertEquals "one warning" 1 "$(grep -c warning "$SC_TMP/px.err")"
	assertEquals "$WARNING" "$(grep warning "$SC_TMP/px.err")"
}

test_open_socks5_defaults_to_loopback() {
	listening -l 0 --proxy-type socks5
	assertEquals "Listening on 127.0.0.1" "$LISTEN"
	assert_no_warning
}

test_open_http_defaults_to_loopback() {
	listening -l 0 --proxy-type http
	assertEquals "Listening on 127.0.0.1" "$LISTEN"
	assert_no_warning
}

test_open_and_served_on_loopback() {
	listening -l 0 --proxy-type socks5
	server dst -l 127.0.0.1 0 || fail "no destination"
	echo through | t 10 "$SC" -N -x "127.0.0.1:$(sed -n \
	    's/^Listening on .* \([0-9]*\)$/\1/p' "$SC_TMP/px.err")" \
	    127.0.0.1 "$PORT"
	assertEquals "relayed" 0 $?
	assertTrue "wait_for '$SC_TMP/dst.out' '^through$' 10"
}

test_explicit_any_address_warns() {
	listening -l 0.0.0.0 0 --proxy-type socks5
	assertEquals "Listening on 0.0.0.0" "$LISTEN"
	assert_warning
}

test_source_any_address_warns() {
	listening -l -s 0.0.0.0 -p 0 --proxy-type http
	assertEquals "Listening on 0.0.0.0" "$LISTEN"
	assert_warning
}

test_explicit_loopback_is_quiet() {
	listening -l 127.0.0.2 0 --proxy-type socks5
	assertEquals "Listening on 127.0.0.2" "$LISTEN"
	assert_no_warning
}

# The same over IPv6: ::1 by default with -6, and quietly there or on
# an IPv4 loopback address in IPv6's form; the any address warns.
test_ipv6_defaults_to_loopback() {
	listening -6 -l 0 --proxy-type socks5
	assertEquals "Listening on ::1" "$LISTEN"
	assert_no_warning
}

test_ipv6_loopback_is_quiet() {
	listening -l ::ffff:127.0.0.1 0 --proxy-type http
	assertEquals "Listening on ::ffff:127.0.0.1" "$LISTEN"
	assert_no_warning
}

test_ipv6_any_address_warns() {
	listening -l :: 0 --proxy-type socks5
	assertEquals "Listening on ::" "$LISTEN"
	assert_warning
}

# Credentials or an allow list: every address, as before, and quietly.
test_auth_listens_everywhere() {
	listening -l 0 --proxy-type socks5 --proxy-auth user:secret
	assertEquals "Listening on 0.0.0.0" "$LISTEN"
	assert_no_warning
}

test_allow_listens_everywhere() {
	listening -l 0 --proxy-type http --allow 127.0.0.1
	assertEquals "Listening on 0.0.0.0" "$LISTEN"
	assert_no_warning
}

test_allowfile_listens_everywhere() {
	printf '127.0.0.0/8\n' >"$SC_TMP/allow"
	listening -l 0 --proxy-type socks5 --allowfile "$SC_TMP/allow"
	assertEquals "Listening on 0.0.0.0" "$LISTEN"
	assert_no_warning
}

# --deny alone leaves everyone else in: still open.
test_deny_alone_is_open() {
	listening -l 0 --proxy-type socks5 --deny 10.0.0.0/8
	assertEquals "Listening on 127.0.0.1" "$LISTEN"
	listening -l 0.0.0.0 0 --proxy-type socks5 --deny 10.0.0.0/8
	assert_warning
}

sc_run_shunit2
