#!/bin/bash
# The HTTPS-proxy client (-x https://host:port): TLS to the proxy, verified
# against SSL_CERT_FILE's authority, then CONNECT inside it; against
# sockcat's own HTTPS proxy server and ncat's (-l --proxy-type http --ssl)
# when ncat is installed: bytes both ways, a ws:// destination through
# it, credentials, a certificate not trusted, and what cannot be done
# (TLS inside TLS, an https:// hop after the first).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require openssl
sc_require_tls

# A certificate for 127.0.0.1 with its key, made once for the suite.
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
		server px -lk --proxy-type http --ssl-cert "$CERTDIR/cert.pem" \
		    --ssl-key "$CERTDIR/key.pem" "$@" 127.0.0.1 0 ||
		    fail "no proxy"
		PPORT=$PORT
		return
	fi
	free_port >"$SC_TMP/port"
	PPORT=$(<"$SC_TMP/port")
	timeout -k 2 "$SC_SERVER_LIFE" ncat -v -lk --proxy-type http --ssl \
	    --ssl-cert "$CERTDIR/cert.pem" --ssl-key "$CERTDIR/key.pem" \
	    "$@" 127.0.0.1 "$PPORT" </dev/null >"$SC_TMP/px.out" \
	    2>"$SC_TMP/px.err" &
	SC_PIDS="$SC_PIDS $!"
	wait_for "$SC_TMP/px.err" '^Ncat: Listening on ' 15 || fail "no ncat"
}

# through NAME args...: "hello" through the proxy to a destination that
# answers "welcome", sockcat args... given before the destination; the
# client's stdout in NAME.out, stderr in NAME.err, status in STATUS.
through() {
	_n=$1
	shift
	printf 'welcome\n' >"$SC_TMP/$_n.in"
	SERVER_STDIN=$SC_TMP/$_n.in server "$_n.dst" -l 127.0.0.1 0 ||
	    fail "no destination"
	echo hello | SSL_CERT_FILE=$CERTDIR/cert.pem t 20 "$SC" -v -N "$@" \
	    127.0.0.1 "$PORT" >"$SC_TMP/$_n.out" 2>"$SC_TMP/$_n.err"
	STATUS=$?
	DST_PID=$SERVER_PID
}

test_through_sockcats_https_proxy() {
	proxy sc
	through a -x "https://127.0.0.1:$PPORT"
	assertEquals "status" 0 "$STATUS"
	assertEquals "from the destination" "welcome" "$(<"$SC_TMP/a.out")"
	wait_exit "$DST_PID"
	assertEquals "to the destination" "hello" "$(<"$SC_TMP/a.dst.out")"
	assertContains "the proxy's TLS" "$(<"$SC_TMP/a.err")" \
	    "TLS peer certificate subject: /CN=127.0.0.1"
	assertContains "$(<"$SC_TMP/px.err")" "TLS protocol: TLSv1.3"
	assertContains "$(<"$SC_TMP/px.err")" "connected to 127.0.0.1 port"

	# Credentials, over the TLS.
	proxy sc --proxy-auth alice:s3cret
	through b -x "https://alice:s3cret@127.0.0.1:$PPORT"
	assertEquals "credentials: status" 0 "$STATUS"
	assertEquals "credentials: answer" "welcome" "$(<"$SC_TMP/b.out")"
	through c -x "https://alice:wrong@127.0.0.1:$PPORT"
	assertEquals "wrong password: status" 1 "$STATUS"
	assertContains "$(<"$SC_TMP/c.err")" "sockcat: Proxy authentication failed"
}

test_through_ncats_https_proxy() {
	command -v ncat >/dev/null || { startSkipping; return; }
	proxy ncat
	through a -x "https://127.0.0.1:$PPORT"
	assertEquals "status" 0 "$STATUS"
	assertEquals "from the destination" "welcome" "$(<"$SC_TMP/a.out")"
	wait_exit "$DST_PID"
	assertEquals "to the destination" "hello" "$(<"$SC_TMP/a.dst.out")"
}

# A ws:// destination: the upgrade and the messages inside the proxy's TLS.
test_websocket_through_it() {
	proxy sc
	SERVER_STDIN=/dev/null server ws -l -k --websocket -e cat 127.0.0.1 0 ||
	    fail "no WebSocket server"
	echo "ws hello" | SSL_CERT_FILE=$CERTDIR/cert.pem t 20 "$SC" \
	    -x "https://127.0.0.1:$PPORT" "ws://127.0.0.1:$PORT/" \
	    >"$SC_TMP/w.out" 2>"$SC_TMP/w.err"
	assertEquals "status" 0 $?
	assertEquals "the echo" "ws hello" "$(<"$SC_TMP/w.out")"
}

test_untrusted_and_refused() {
	proxy sc
	echo x | t 20 "$SC" -x "https://127.0.0.1:$PPORT" 127.0.0.1 9 \
	    >"$SC_TMP/u.out" 2>"$SC_TMP/u.err"
	assertEquals "untrusted: status" 1 $?
	assertEquals "untrusted: said" \
	    "sockcat: proxy: TLS certificate verification failed: self-signed certificate" \
	    "$(<"$SC_TMP/u.err")"
	# Its name is checked: the certificate names 127.0.0.1, not localhost.
	echo x | SSL_CERT_FILE=$CERTDIR/cert.pem t 20 "$SC" \
	    -x "https://localhost:$PPORT" 127.0.0.1 9 >"$SC_TMP/n.out" \
	    2>"$SC_TMP/n.err"
	assertEquals "wrong name: status" 1 $?
	assertContains "wrong name: said" "$(<"$SC_TMP/n.err")" \
	    "sockcat: proxy: TLS certificate verification failed"

	expect_error "proxy 1 (-x): cannot use --ssl or wss:// through an \
https:// proxy (TLS inside TLS)" --ssl -x https://h:1 127.0.0.1 9
	expect_error "proxy 1 (-x): cannot use --ssl or wss:// through an \
https:// proxy (TLS inside TLS)" -x https://h:1 wss://127.0.0.1/
	expect_error "proxy 2 (-x): only the first proxy may be https://" \
	    -x h:1 -x https://h:2 127.0.0.1 9
}

. "$SHUNIT2"
