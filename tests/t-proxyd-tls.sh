#!/bin/bash
# The proxy server with TLS on its clients' side (-l --proxy-type http
# --ssl, and socks5): curl reaches it as an HTTPS proxy for CONNECT and
# for a GET with an absolute URI, beside ncat -l --proxy-type http --ssl
# when ncat is installed; --ssl-cert, --ssl-verify and Digest over TLS;
# a client stalled in its handshake stops no one else; a full TLS server
# (the proxy, a room) sends no plain-text line.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require curl openssl
sc_require_tls

# A certificate for 127.0.0.1 with its key, made once for the suite:
# the server's, the client's and the one trusted.
oneTimeSetUp() {
	CERTDIR=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-cert.XXXXXX")
	t 20 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 \
	    -keyout "$CERTDIR/key.pem" -out "$CERTDIR/cert.pem" \
	    >/dev/null 2>&1
}

oneTimeTearDown() {
	rm -rf "$CERTDIR"
	sc_remove_tmp
	sc_report
}

# proxy IMPL args...: sockcat's (sc) or ncat's HTTP proxy server over
# TLS on 127.0.0.1, with the suite's certificate; its port in PPORT.
proxy() {
	_impl=$1
	shift
	if [ "$_impl" = sc ]; then
		server px -l --ssl --ssl-cert "$CERTDIR/cert.pem" \
		    --ssl-key "$CERTDIR/key.pem" "$@" 127.0.0.1 0 ||
		    fail "no proxy"
		PPORT=$PORT
		return
	fi
	free_port >"$SC_TMP/port"
	PPORT=$(<"$SC_TMP/port")
	timeout -k 2 "$SC_SERVER_LIFE" ncat -v -l --ssl \
	    --ssl-cert "$CERTDIR/cert.pem" --ssl-key "$CERTDIR/key.pem" \
	    "$@" 127.0.0.1 "$PPORT" </dev/null >"$SC_TMP/px.out" \
	    2>"$SC_TMP/px.err" &
	SC_PIDS="$SC_PIDS $!"
	wait_for "$SC_TMP/px.err" '^Ncat: Listening on ' 15 || fail "no ncat"
}

# curlx args...: curl through the proxy over TLS, trusting the suite's
# certificate; stdout in ans, stderr in cerr, status in STATUS.
curlx() {
	t 20 curl -sS --proxy "https://127.0.0.1:$PPORT" \
	    --proxy-cacert "$CERTDIR/cert.pem" "$@" >"$SC_TMP/ans" \
	    2>"$SC_TMP/cerr"
	STATUS=$?
}

# connect_and_get IMPL: a CONNECT tunnel, then a GET forwarded.
connect_and_get() {
	proxy "$1" --proxy-type http
	origin
	curlx -p "http://127.0.0.1:$OPORT/tunnelled"
	assertEquals "$1: CONNECT status" 0 "$STATUS"
	assertEquals "$1: the origin's answer" "origin says hi" \
	    "$(<"$SC_TMP/ans")"
	# The origin answers before it is asked, and ends: ncat's tunnel
	# ends with it, and the request may be lost on the way.
	if [ "$1" = sc ]; then
		wait_for "$SC_TMP/origin.out" '^Accept' 15 ||
		    fail "no request"
		assertEquals "through the tunnel" "GET /tunnelled HTTP/1.1" \
		    "$(head -n 1 "$SC_TMP/origin.out" | tr -d '\r')"
	fi
	wait_exit "$OPID" 15
	origin
	curlx "http://127.0.0.1:$OPORT/forwarded?x=1"
	assertEquals "$1: GET status" 0 "$STATUS"
	assertEquals "$1: the origin's answer" "origin says hi" \
	    "$(<"$SC_TMP/ans")"
	wait_for "$SC_TMP/origin.out" '^Host' 15 || fail "$1: no GET"
	assertContains "$1: origin form" \
	    "$(head -n 1 "$SC_TMP/origin.out")" "GET /forwarded?x=1 HTTP/1."
}

test_connect_and_get() {
	connect_and_get sc
	assertContains "TLS said with -v" "$(<"$SC_TMP/px.err")" \
	    "TLS protocol"
	# A refusal is the proxy's answer over TLS too: the origin is gone.
	wait_exit "$OPID" 15
	curlx -p "http://127.0.0.1:$OPORT/"
	assertNotEquals "a refusal" 0 "$STATUS"
	assertContains "curl read the 502" "$(<"$SC_TMP/cerr")" 502
}

test_connect_and_get_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	connect_and_get ncat
}

# The temporary certificate a listener makes when given none.
test_temporary_certificate() {
	server px -l --ssl --proxy-type http 127.0.0.1 0 || fail "no proxy"
	PPORT=$PORT
	origin
	t 20 curl -sS --proxy "https://127.0.0.1:$PPORT" --proxy-insecure \
	    "http://127.0.0.1:$OPORT/" >"$SC_TMP/ans" 2>"$SC_TMP/cerr"
	assertEquals "status" 0 $?
	assertEquals "origin says hi" "$(<"$SC_TMP/ans")"
	# Not trusted without --proxy-insecure: it is curl that checks.
	origin
	curlx "http://127.0.0.1:$OPORT/"
	assertNotEquals "an untrusted proxy" 0 "$STATUS"
}

# --ssl-verify: only clients with a certificate the trust file signs.
# (ncat's server takes every client with --ssl-verify.)
test_ssl_verify() {
	proxy sc --proxy-type http --ssl-verify \
	    --ssl-trustfile "$CERTDIR/cert.pem"
	origin
	curlx "http://127.0.0.1:$OPORT/nocert"
	assertNotEquals "no client certificate, no service" 0 "$STATUS"
	curlx --proxy-cert "$CERTDIR/cert.pem" \
	    --proxy-key "$CERTDIR/key.pem" "http://127.0.0.1:$OPORT/cert"
	assertEquals "with the certificate" 0 "$STATUS"
	assertEquals "answer" "origin says hi" "$(<"$SC_TMP/ans")"
	assertNotContains "the first never reached the origin" \
	    "$(<"$SC_TMP/origin.out")" nocert
}

# Digest credentials, asked for and given over TLS.
digest() {
	proxy "$1" --proxy-type http --proxy-auth alice:secret
	origin
	curlx --proxy-digest --proxy-user alice:secret \
	    "http://127.0.0.1:$OPORT/d"
	assertEquals "$1: status" 0 "$STATUS"
	assertEquals "$1: answer" "origin says hi" "$(<"$SC_TMP/ans")"
	curlx --proxy-digest --proxy-user alice:wrong -o /dev/null \
	    -w '%{http_code}' "http://127.0.0.1:$OPORT/d"
	assertEquals "$1: wrong password" 407 "$(<"$SC_TMP/ans")"
}

test_digest_over_tls() {
	digest sc
}

test_digest_over_tls_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	digest ncat
}

# The port as two octal escapes for printf, high byte first.
port_bytes() {
	printf '\\%03o\\%03o' $(($1 >> 8)) $(($1 & 255))
}

# SOCKS5 over TLS: greeting, CONNECT and data in one go.
test_socks5_over_tls() {
	proxy sc --proxy-type socks5
	printf 'pong\n' >"$SC_TMP/dst.in"
	server dst -N -l 127.0.0.1 0 || fail "no destination"
	DPID=$SERVER_PID
	# shellcheck disable=SC2059
	printf "\\005\\001\\000\\005\\001\\000\\001\\177\\000\\000\\001$(port_bytes "$PORT")ping\\n" |
	    t 20 "$SC" -N --ssl 127.0.0.1 "$PPORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	assertEquals "the replies, then the destination's words" \
	    "05 00 05 00 00 01 7f 00 00 01" \
	    "$(head -c 10 "$SC_TMP/c.out" | od -An -tx1 | xargs)"
	assertEquals "pong" "$(tail -c 5 "$SC_TMP/c.out")"
	wait_exit "$DPID" 15
	assertEquals "what the destination got" "ping" "$(<"$SC_TMP/dst.out")"
}

# A client that connects and never says hello holds no one up, and is
# let go at the -w deadline.
test_stalled_handshake() {
	proxy sc --proxy-type http -w 3
	# -d: it sends nothing, and ends when the proxy lets it go.
	bg t 30 "$SC" -d 127.0.0.1 "$PPORT"
	QPID=$BG_PID
	wait_for "$SC_TMP/px.err" '^Connection received' 15 ||
	    fail "not connected"
	origin
	start=$(now_ms)
	curlx "http://127.0.0.1:$OPORT/meanwhile"
	elapsed=$(( $(now_ms) - start ))
	assertEquals "served meanwhile" "origin says hi" "$(<"$SC_TMP/ans")"
	assertTrue "at once ($elapsed ms)" "[ $elapsed -lt 2500 ]"
	wait_exit "$QPID" 20
	assertNotEquals "the stalled one was let go" timeout "$WAIT_STATUS"
	assertContains "and said so" "$(<"$SC_TMP/px.err")" \
	    "TLS handshake failed"
}

# Full (--max-conns): a TLS client, not yet through its handshake, is let
# go without a plain-text line it would take for a broken handshake; the
# room's line is not sent over TLS either.
test_full_over_tls_is_silent() {
	proxy sc --proxy-type http --max-conns 1
	bg t 30 "$SC" -d 127.0.0.1 "$PPORT"
	wait_for "$SC_TMP/px.err" '^Connection received' 15 ||
	    fail "not connected"
	origin
	curlx "http://127.0.0.1:$OPORT/full"
	assertNotEquals "not served" 0 "$STATUS"
	assertNotContains "no plain 503" "$(<"$SC_TMP/cerr")" "version"
	server room --room --ssl --max-conns 1 127.0.0.1 0 || fail "no room"
	bg t 30 "$SC" -d 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/room.err" '^Connection received' 15 ||
	    fail "not in the room"
	t 10 "$SC" --ssl -d 127.0.0.1 "$PORT" >/dev/null 2>"$SC_TMP/r.err"
	assertNotContains "no plain line" "$(<"$SC_TMP/r.err")" "version"
}

sc_run_shunit2
