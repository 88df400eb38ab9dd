#!/bin/bash
# Proxy chains: -x given several times goes through each proxy in order,
# each handshake over the connection the one before made; a URL names each
# hop's type and credentials.  Through sockcat's own SOCKS5 and HTTP proxy
# servers, and through ncat's HTTP proxy as a second implementation, with
# credentials on each hop; a hop that refuses is named in the error.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# The two proxies of a chain, each with its own credentials, and the
# destination; S5, HTTP and DPORT are their ports.
proxies() {
	server s5 -n -lk --proxy-type socks5 --proxy-auth alice:s1 \
	    127.0.0.1 0 || fail "no SOCKS5 proxy"
	S5=$PORT
	server http -n -lk --proxy-type http --proxy-auth bob:s2 \
	    127.0.0.1 0 || fail "no HTTP proxy"
	HTTP=$PORT
	server dest -n -l 127.0.0.1 0 || fail "no destination"
	DPORT=$PORT
	DPID=$SERVER_PID
}

# chain NAME LINE -x ... : LINE sent through the chain; NAME.err and the
# status in STATUS.
chain() {
	local name=$1 line=$2

	shift 2
	printf '%s\n' "$line" | t 20 "$SC" -v -n -N "$@" 127.0.0.1 "$DPORT" \
	    >"$SC_TMP/$name.out" 2>"$SC_TMP/$name.err"
	STATUS=$?
}

test_socks5_then_http_with_credentials_on_each() {
	proxies
	chain c "two hops" -x "socks5://alice:s1@127.0.0.1:$S5" \
	    -x "http://bob:s2@127.0.0.1:$HTTP"
	assertEquals "status" 0 "$STATUS"
	wait_exit "$DPID"
	assertEquals "arrived" "two hops" "$(<"$SC_TMP/dest.out")"
	assertTrue "hop 1 said" "grep -qx 'sockcat: proxy 1 \
(socks5://alice@127.0.0.1:$S5): connected to 127.0.0.1 port $HTTP' \
	    '$SC_TMP/c.err'"
	assertTrue "hop 2 said" "grep -qx 'sockcat: proxy 2 \
(http://bob@127.0.0.1:$HTTP): connected to 127.0.0.1 port $DPORT' \
	    '$SC_TMP/c.err'"
	assertFalse "no password said" "grep -q 's1\\|s2' '$SC_TMP/c.err'"
}

test_socks5_then_ncats_http_proxy() {
	if ! have_ncat; then
		sc_skip "ncat not installed"
		return
	fi
	proxies
	NPORT=$(free_port) || fail "no port"
	bg t 60 ncat -l --proxy-type http --proxy-auth carol:s3 127.0.0.1 \
	    "$NPORT"
	wait_until t 2 "$SC" -z 127.0.0.1 "$NPORT" || fail "ncat did not start"
	chain c "through ncat" -x "socks5://alice:s1@127.0.0.1:$S5" \
	    -x "http://carol:s3@127.0.0.1:$NPORT"
	assertEquals "status" 0 "$STATUS"
	wait_exit "$DPID"
	assertEquals "arrived" "through ncat" "$(<"$SC_TMP/dest.out")"
}

test_a_hop_that_refuses_is_named() {
	proxies
	chain c "no" -x "socks5://alice:s1@127.0.0.1:$S5" \
	    -x "http://bob:wrong@127.0.0.1:$HTTP"
	assertEquals "status" 1 "$STATUS"
	assertEquals "hop 2 named" "sockcat: proxy 2 \
(http://bob@127.0.0.1:$HTTP): Proxy authentication failed" \
	    "$(grep -v 'connected to' "$SC_TMP/c.err")"
	chain c "no" -x "socks5://alice:wrong@127.0.0.1:$S5" \
	    -x "http://bob:s2@127.0.0.1:$HTTP"
	assertEquals "status" 1 "$STATUS"
	assertEquals "hop 1 named" "sockcat: proxy 1 \
(socks5://alice@127.0.0.1:$S5): Proxy authentication failed" \
	    "$(<"$SC_TMP/c.err")"
	assertEquals "nothing arrived" "" "$(<"$SC_TMP/dest.out")"
}

test_one_url_is_one_proxy() {
	proxies
	chain c "one hop" -x "socks5://alice:s1@127.0.0.1:$S5"
	assertEquals "status" 0 "$STATUS"
	wait_exit "$DPID"
	assertEquals "arrived" "one hop" "$(<"$SC_TMP/dest.out")"
	assertFalse "no hop line for one proxy" "grep -q '^sockcat: proxy 1' \
	    '$SC_TMP/c.err'"
}

test_percent_escapes_in_credentials() {
	server s5 -n -lk --proxy-type socks5 --proxy-auth 'a@b:p:w%' \
	    127.0.0.1 0 || fail "no SOCKS5 proxy"
	S5=$PORT
	server dest -n -l 127.0.0.1 0 || fail "no destination"
	DPORT=$PORT
	chain c "escaped" -x "socks5://a%40b:p%3Aw%25@127.0.0.1:$S5"
	assertEquals "status" 0 "$STATUS"
	wait_exit "$SERVER_PID"
	assertEquals "arrived" "escaped" "$(<"$SC_TMP/dest.out")"
}

test_forward_through_a_chain() {
	proxies
	server fwd -n -lk --forward "127.0.0.1:$DPORT" \
	    -x "socks5://alice:s1@127.0.0.1:$S5" \
	    -x "http://bob:s2@127.0.0.1:$HTTP" 127.0.0.1 0 ||
	    fail "no forwarder"
	printf 'forwarded\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" >/dev/null
	wait_exit "$DPID"
	assertEquals "arrived" "forwarded" "$(<"$SC_TMP/dest.out")"
}

test_bad_urls_and_mixed_credentials() {
	expect_error "proxy 1 (-x): unknown proxy scheme (socks4, socks4a, \
socks5, http, https)" -x ftp://h:21 host 1
	expect_error "proxy 2 (-x): bad proxy port" -x h:1 -x socks5://h:x \
	    host 1
	expect_error "proxy 1 (-x): a proxy URL has no path" \
	    -x http://h:1/path host 1
	expect_error "-P and --proxy-auth name one proxy's credentials: with \
several -x, give each in its URL (socks5://user:pass@host:port)" \
	    --proxy-auth a:b -x h:1 -x h:2 host 1
	expect_error "too many proxies (at most 8)" -x 1 -x 2 -x 3 -x 4 \
	    -x 5 -x 6 -x 7 -x 8 -x 9 host 1
	# A forwarder serves unattended: no hop may wait for a password.
	expect_error "--forward through a proxy needs its password: \
socks5://u@127.0.0.1:1" -l 127.0.0.1 0 --forward 127.0.0.1:9 \
	    -x socks5://u@127.0.0.1:1 -x socks5://127.0.0.1:2
}

sc_run_shunit2
