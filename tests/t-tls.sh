#!/bin/bash
# TLS: sockcat with itself and with openssl s_server / s_client, the
# certificates made here with openssl req; verification that succeeds and
# fails, client certificates, SNI, ALPN, ciphers, close_notify, a large
# transfer, and TLS through a proxy.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require openssl
sc_require_tls

# The test certificates (make_certs) in CERTS, made once.
sc_certs

# s_server NAME args...: openssl s_server on a free port, its stdin from
# NAME.in (kept open a few seconds); sets SPORT and SSRV_PID.
s_server() {
	_n=$1
	shift
	: >"$SC_TMP/$_n.out"
	bg sh -c "{ cat '$SC_TMP/$_n.in' 2>/dev/null; sleep 15; } | \
	    timeout 20 openssl s_server -accept 127.0.0.1:0 -naccept 1 $* \
	    >'$SC_TMP/$_n.out' 2>&1"
	SSRV_PID=$BG_PID
	wait_for "$SC_TMP/$_n.out" '^ACCEPT ' || fail "s_server did not start"
	SPORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$SC_TMP/$_n.out")
}

# A client that only sends, once its close_notify went at stdin's end
# (-N), awaits the server's answer within --quit-after's time, so that a
# server that writes out what it got before it answers has done so when
# the client exits.  Without a time to bound the wait, --send-only exits
# at once, as ncat's does, though the server never answers.
test_send_only_client_awaits_close() {
	printf 'to the sink\n' >"$SC_TMP/in"
	tls_sink late 1
	t 20 "$SC" --ssl --send-only -N --quit-after 10s 127.0.0.1 \
	    "$SINK_PORT" <"$SC_TMP/in" 2>"$SC_TMP/late.err"
	assertEquals "status" 0 $?
	assertEquals "nothing said" "" "$(<"$SC_TMP/late.err")"
	assertTrue "the server wrote it all before the client's exit" \
	    "cmp -s '$SC_TMP/in' '$SC_TMP/late.got'"
	tls_sink mute mute
	_start=$SECONDS
	t 20 "$SC" --ssl --send-only -N 127.0.0.1 "$SINK_PORT" \
	    <"$SC_TMP/in" 2>"$SC_TMP/mute.err"
	assertEquals "no answer, no time: status" 0 $?
	assertTrue "no answer, no time: no wait" \
	    "[ $((SECONDS - _start)) -lt 10 ]"
}

# -t answers over TLS like any byte sent: s_server asks IAC DO ECHO and
# reads IAC WONT ECHO through the TLS session.
test_telnet_answers_over_tls() {
	printf '\377\375\001hello\n' >"$SC_TMP/s.in"
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key"
	telnet_refused --ssl 127.0.0.1 "$SPORT"
}

test_sockcat_with_itself_self_signed() {
	server srv --ssl -l 127.0.0.1 0 || fail "no server"
	assertContains "$(<"$SC_TMP/srv.err")" "temporary self-signed certificate"
	echo hello | t 20 "$SC" -v -N --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "hello"
	assertContains "$(<"$SC_TMP/c.err")" "TLS protocol: TLSv1.3
TLS cipher: TLS_"
	assertContains "$(<"$SC_TMP/c.err")" \
	    "TLS peer certificate subject: /CN=sockcat"
	assertContains "$(<"$SC_TMP/srv.err")" "TLS peer sent no certificate"
}

# A Unix-domain socket: the client speaks TLS too (it once sent its
# data in the clear, and the server's handshake failed on it).
test_unix_domain_socket_both_ways() {
	printf 'from server\n' >"$SC_TMP/srv.in"
	server srv --ssl -lU "$SC_TMP/s.sock" || fail "no server"
	echo "from client" | t 20 "$SC" -v -N --ssl -U "$SC_TMP/s.sock" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "client status: $(<"$SC_TMP/c.err")" 0 "$_st"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "from client"
	assertFileEquals "$SC_TMP/c.out" "from server"
	assertContains "$(<"$SC_TMP/c.err")" "TLS protocol: TLSv1.3"
}

# --ssl-verify over a Unix-domain socket: the path names no host, so the
# name to check is given (--ssl-servername); without one, the client
# refuses rather than take any certificate its authorities signed (it
# once took a certificate for evil.example as it took any).
test_unix_domain_socket_verify_needs_a_name() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$SC_TMP/evil.key" -out "$SC_TMP/evil.csr" \
	    -subj "/CN=evil.example" 2>/dev/null &&
	printf 'subjectAltName=DNS:evil.example\n' >"$SC_TMP/evil.ext" &&
	openssl x509 -req -in "$SC_TMP/evil.csr" -CA "$CERTS/ca.pem" \
	    -CAkey "$CERTS/ca.key" -CAcreateserial -out "$SC_TMP/evil.pem" \
	    -days 2 -extfile "$SC_TMP/evil.ext" 2>/dev/null ||
	    fail "no certificate"
	printf 'secret\n' >"$SC_TMP/srv.in"
	server srv --ssl-cert "$SC_TMP/evil.pem" --ssl-key "$SC_TMP/evil.key" \
	    -lU "$SC_TMP/v.sock" || fail "no server"
	t 20 "$SC" --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    -U "$SC_TMP/v.sock" </dev/null >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "no name: status" 1 $?
	assertEquals "no name: said" "sockcat: $SC_TMP/v.sock: TLS: a Unix socket has no host name to verify the certificate for: give one with --ssl-servername (a target's: --forward-ssl-servername)" \
	    "$(<"$SC_TMP/c.err")"
	assertEquals "no name: nothing read" "" "$(<"$SC_TMP/c.out")"
	wait_exit "$SERVER_PID"
	# A name given is checked.
	server srv2 --ssl-cert "$SC_TMP/evil.pem" --ssl-key "$SC_TMP/evil.key" \
	    -lU "$SC_TMP/v2.sock" || fail "no server"
	t 20 "$SC" --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    --ssl-servername localhost -U "$SC_TMP/v2.sock" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "another name: status" 1 $?
	assertEquals "another name: said" "sockcat: $SC_TMP/v2.sock: TLS certificate verification failed: hostname mismatch" \
	    "$(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID"
	cp "$SC_TMP/srv.in" "$SC_TMP/srv3.in"
	server srv3 -N --ssl-cert "$SC_TMP/evil.pem" \
	    --ssl-key "$SC_TMP/evil.key" -lU "$SC_TMP/v3.sock" ||
	    fail "no server"
	t 20 "$SC" -d --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    --ssl-servername evil.example -U "$SC_TMP/v3.sock" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "its name: status: $(<"$SC_TMP/c.err")" 0 $?
	assertFileEquals "$SC_TMP/c.out" "secret" "its name: read"
	wait_exit "$SERVER_PID"
}

test_sockcat_server_to_client() {
	printf 'from server\n' >"$SC_TMP/srv.in"
	server srv -N --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    -l 127.0.0.1 0 || fail "no server"
	t 20 "$SC" -d --ssl-verify --ssl-trustfile "$CERTS/ca.pem" localhost \
	    "$PORT" >"$SC_TMP/c.out"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "from server"
}

test_client_with_openssl_s_server() {
	printf 'from s_server\n' >"$SC_TMP/s.in"
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key"
	echo "to s_server" | t 20 "$SC" -v -N --ssl-verify \
	    --ssl-trustfile "$CERTS/ca.pem" localhost "$SPORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "from s_server"
	assertContains "$(<"$SC_TMP/c.err")" \
	    "TLS peer certificate subject: /CN=localhost"
	wait_for "$SC_TMP/s.out" "DONE"
	assertContains "$(<"$SC_TMP/s.out")" "to s_server"
	# -N ended with close_notify: s_server saw a clean end.
	assertContains "$(<"$SC_TMP/s.out")" "DONE"
	assertNotContains "$(<"$SC_TMP/s.out")" "unexpected eof"
}

test_server_with_openssl_s_client() {
	printf 'from sockcat\n' >"$SC_TMP/srv.in"
	server srv -N --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    -l 127.0.0.1 0 || fail "no server"
	t 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" \
	    -CAfile "$CERTS/ca.pem" -verify_return_error -servername localhost \
	    </dev/null >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "from sockcat"
	wait_exit "$SERVER_PID"
	assertContains "$(<"$SC_TMP/srv.err")" "TLS server name (SNI): localhost"
	# And the other way: what s_client sends reaches stdout.
	server srv2 --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    -l 127.0.0.1 0 || fail "no server"
	echo "from s_client" | t 20 openssl s_client -quiet -no_ign_eof \
	    -connect "127.0.0.1:$PORT" >/dev/null 2>&1
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv2.out" "from s_client"
}

# A TLS 1.3 listener sends one session ticket after a full handshake,
# not OpenSSL's two: a client keeps the newest, and the second would cost
# both ends a session to make and read on every connection.
test_listener_sends_one_ticket() {
	server srv --ssl -l 127.0.0.1 0 -c 'echo hi' || fail "no server"
	echo x | t 20 openssl s_client -msg -ign_eof \
	    -connect "127.0.0.1:$PORT" >"$SC_TMP/c.out" 2>&1
	assertEquals 0 $?
	assertTrue "the answer came" "grep -qx hi '$SC_TMP/c.out'"
	assertEquals "tickets" 1 "$(grep -c NewSessionTicket "$SC_TMP/c.out")"
	wait_exit "$SERVER_PID"
	assertEquals 0 "$WAIT_STATUS"
}

test_verification_fails_on_self_signed() {
	s_server s -cert "$CERTS/self.pem" -key "$CERTS/self.key"
	echo x | t 20 "$SC" --ssl-verify localhost "$SPORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: TLS certificate verification failed: self-signed certificate" \
	    "$(<"$SC_TMP/c.err")"
	assertEquals "" "$(<"$SC_TMP/c.out")"
}

test_verification_fails_on_unknown_ca() {
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key"
	echo x | t 20 "$SC" --ssl-verify --ssl-trustfile "$CERTS/self.pem" \
	    localhost "$SPORT" >/dev/null 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: TLS certificate verification failed: unable to get local issuer certificate" \
	    "$(<"$SC_TMP/c.err")"
}

test_verification_checks_the_name() {
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key"
	echo x | t 20 "$SC" --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    --ssl-servername other.example 127.0.0.1 "$SPORT" \
	    >/dev/null 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: TLS certificate verification failed: hostname mismatch" \
	    "$(<"$SC_TMP/c.err")"
	# The address is in the certificate too.
	s_server s2 -cert "$CERTS/srv.pem" -key "$CERTS/srv.key"
	echo x | t 20 "$SC" -N --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    127.0.0.1 "$SPORT" >/dev/null 2>"$SC_TMP/c.err"
	assertEquals "address verified" 0 $?
}

test_without_verify_anything_goes() {
	s_server s -cert "$CERTS/self.pem" -key "$CERTS/self.key"
	echo x | t 20 "$SC" -N --ssl localhost "$SPORT" >/dev/null 2>&1
	assertEquals 0 $?
}

# A client that verifies nothing is not told that a verification failed:
# OpenSSL checks the certificate all the same and keeps the result, and
# a handshake that failed for another reason (a TLS 1.2 server that
# wants a client certificate) was said to fail on a self-signed one.
test_unverified_failure_is_no_verification() {
	s_server s -tls1_2 -cert "$CERTS/self.pem" -key "$CERTS/self.key" \
	    -Verify 1
	echo x | t 20 "$SC" --ssl localhost "$SPORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: TLS handshake failed: sslv3 alert handshake failure" \
	    "$(<"$SC_TMP/c.err")"
	assertEquals "" "$(<"$SC_TMP/c.out")"
}

# TLS that breaks after the handshake says why, as OpenSSL does, not
# "Protocol error": a TLS 1.3 server that wants a client certificate
# says so in an alert that comes after the client's handshake is over.
test_broken_stream_says_why() {
	s_server s -tls1_3 -cert "$CERTS/self.pem" -key "$CERTS/self.key" \
	    -Verify 1
	t 20 "$SC" --ssl localhost "$SPORT" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: read from network: TLS: tlsv13 alert certificate required" \
	    "$(<"$SC_TMP/c.err")"
}

# A listener's --ssl-verify lets in the clients of the authorities the
# operator names: without --ssl-trustfile it would take those of the
# system's store, which certify strangers (SSL_CERT_FILE stands for the
# store here: before, the client below was let in).  Refused at start,
# on the command line and in an address; socat's grammar keeps socat's
# way (t-socat).
test_listener_verify_needs_trustfile() {
	_said="sockcat: a listener's --ssl-verify needs --ssl-trustfile (cafile=): the authorities whose clients are let in"
	SSL_CERT_FILE="$CERTS/ca.pem" t 20 "$SC" -l --ssl-verify \
	    --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    127.0.0.1 0 </dev/null >"$SC_TMP/s.out" 2>"$SC_TMP/s.err"
	assertEquals "status" 1 $?
	assertEquals "said" "$_said" "$(<"$SC_TMP/s.err")"
	SSL_CERT_FILE="$CERTS/ca.pem" t 20 "$SC" \
	    "tls-l:127.0.0.1:0,cert=$CERTS/srv.pem,key=$CERTS/srv.key,verify=1" \
	    - </dev/null >"$SC_TMP/s.out" 2>"$SC_TMP/s.err"
	assertEquals "address: status" 1 $?
	assertEquals "address: said" "$_said" "$(<"$SC_TMP/s.err")"
	assertEquals "nothing read" "" "$(<"$SC_TMP/s.out")"
}

test_client_certificate() {
	server srv --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    -l 127.0.0.1 0 || fail "no server"
	echo "with cert" | t 20 "$SC" -N --ssl-cert "$CERTS/cli.pem" \
	    --ssl-key "$CERTS/cli.key" 127.0.0.1 "$PORT"
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "with cert"
	assertContains "$(<"$SC_TMP/srv.err")" \
	    "TLS peer certificate subject: /CN=test client"
	# Without one, the server refuses: one line, status 1.
	server srv2 --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    -l 127.0.0.1 0 || fail "no server"
	echo x | t 20 "$SC" -N --ssl 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_exit "$SERVER_PID"
	assertEquals 1 "$WAIT_STATUS"
	assertContains "$(tail -n 1 "$SC_TMP/srv2.err")" "sockcat: TLS handshake failed: "
}

test_sni_and_alpn() {
	server srv --ssl-alpn h2,http/1.1 -l 127.0.0.1 0 || fail "no server"
	echo x | t 20 "$SC" -v -N --ssl-servername name.example \
	    --ssl-alpn foo,http/1.1 127.0.0.1 "$PORT" 2>"$SC_TMP/c.err" >/dev/null
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertContains "$(<"$SC_TMP/srv.err")" "TLS server name (SNI): name.example"
	assertContains "$(<"$SC_TMP/srv.err")" "TLS ALPN protocol: http/1.1"
	assertContains "$(<"$SC_TMP/c.err")" "TLS ALPN protocol: http/1.1"
	# ALPN with openssl s_server.
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key" -alpn zz,h2
	echo x | t 20 "$SC" -v -N --ssl-alpn h2 127.0.0.1 "$SPORT" \
	    2>"$SC_TMP/c.err" >/dev/null
	assertContains "$(<"$SC_TMP/c.err")" "TLS ALPN protocol: h2"
}

# A client that offers none of the server's protocols is refused (RFC
# 7301), not served in one the server did not name; one that offers no
# ALPN at all is served.  Before, the first was served without ALPN.
test_alpn_without_overlap() {
	server srv -k --ssl-alpn h2 -l 127.0.0.1 0 -c 'echo served' ||
	    fail "no server"
	t 20 "$SC" --ssl-alpn foo,http/1.1 127.0.0.1 "$PORT" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	assertEquals "said" "sockcat: TLS handshake failed: tlsv1 alert no application protocol" \
	    "$(<"$SC_TMP/c.err")"
	assertEquals "not served" "" "$(<"$SC_TMP/c.out")"
	t 20 "$SC" --ssl 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "no ALPN: status" 0 $?
	assertEquals "no ALPN: served" "served" "$(<"$SC_TMP/c.out")"
	t 20 openssl s_client -alpn http/1.1 -connect "127.0.0.1:$PORT" \
	    </dev/null >"$SC_TMP/o.out" 2>&1
	assertNotEquals "openssl: status" 0 $?
	assertContains "openssl: said" "$(<"$SC_TMP/o.out")" \
	    "no application protocol"
	stop "$SERVER_PID"
	assertContains "the server said why" "$(<"$SC_TMP/srv.err")" \
	    "sockcat: TLS handshake failed: no application protocol"
}

test_ciphers() {
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key" -tls1_2
	echo x | t 20 "$SC" -v -N --ssl-ciphers ECDHE-ECDSA-AES128-GCM-SHA256 \
	    127.0.0.1 "$SPORT" 2>"$SC_TMP/c.err" >/dev/null
	assertEquals 0 $?
	assertContains "$(<"$SC_TMP/c.err")" \
	    "TLS protocol: TLSv1.2
TLS cipher: ECDHE-ECDSA-AES128-GCM-SHA256"
	t 20 "$SC" --ssl-ciphers no-such-cipher 127.0.0.1 9 </dev/null \
	    2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: invalid cipher list: no-such-cipher" \
	    "$(<"$SC_TMP/c.err")"
}

# A TLS client that reaches a plain port (an SSH or HTTP server answers
# first, or answers the ClientHello with text) is told so, with the
# peer's address, not OpenSSL's "wrong version number".
test_plain_port_is_named() {
	for banner in 'SSH-2.0-OpenSSH_9.2\r\n' 'HTTP/1.1 400 Bad Request\r\n\r\n'; do
		printf "$banner" >"$SC_TMP/p.in"
		server p -l 127.0.0.1 0 || fail "no server"
		t 20 "$SC" --ssl 127.0.0.1 "$PORT" </dev/null \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "status" 1 $?
		assertEquals "nothing out" "" "$(<"$SC_TMP/c.out")"
		assertEquals "the message" "sockcat: TLS handshake failed: the peer at 127.0.0.1 port $PORT did not answer TLS: is it a plain port?" \
		    "$(<"$SC_TMP/c.err")"
		stop "$SERVER_PID"
		rm -f "$SC_TMP/p.in"
	done
}

test_bad_certificate_files() {
	t 20 "$SC" --ssl-cert "$SC_TMP/none.pem" -l 127.0.0.1 0 </dev/null \
	    2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: cannot read the certificate $SC_TMP/none.pem: No such file or directory" \
	    "$(<"$SC_TMP/err")"
	t 20 "$SC" --ssl-key "$CERTS/srv.key" -l 127.0.0.1 0 </dev/null \
	    2>"$SC_TMP/err"
	assertEquals "sockcat: --ssl-key (key=) needs --ssl-cert (cert=)" \
	    "$(<"$SC_TMP/err")"
	# An address says it in its own words too.
	t 20 "$SC" "tls-l:127.0.0.1:0,key=$CERTS/srv.key" - </dev/null \
	    2>"$SC_TMP/err"
	assertEquals "address: status" 1 $?
	assertEquals "sockcat: --ssl-key (key=) needs --ssl-cert (cert=)" \
	    "$(<"$SC_TMP/err")"
	# A key of another certificate, a key file that holds no key.
	t 20 "$SC" --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/cli.key" \
	    -l 127.0.0.1 0 </dev/null 2>"$SC_TMP/err"
	assertEquals "another's key: status" 1 $?
	assertEquals "sockcat: the key $CERTS/cli.key does not match the certificate $CERTS/srv.pem" \
	    "$(<"$SC_TMP/err")"
	echo garbage >"$SC_TMP/bad.key"
	t 20 "$SC" --ssl-cert "$CERTS/srv.pem" --ssl-key "$SC_TMP/bad.key" \
	    -l 127.0.0.1 0 </dev/null 2>"$SC_TMP/err"
	assertEquals "no key: status" 1 $?
	assertEquals "sockcat: $SC_TMP/bad.key is not a PEM private key" \
	    "$(<"$SC_TMP/err")"
	# An ALPN list with an empty name, a server's and a client's.
	for l in "-l 127.0.0.1 0" "127.0.0.1 1"; do
		t 20 "$SC" --ssl-alpn 'h2,,x' $l </dev/null 2>"$SC_TMP/err"
		assertEquals "ALPN, $l: status" 1 $?
		assertEquals "ALPN, $l" "sockcat: invalid ALPN list: h2,,x" \
		    "$(<"$SC_TMP/err")"
	done
}

test_keep_listening_after_a_failed_handshake() {
	server srv -k --ssl -l 127.0.0.1 0 || fail "no server"
	# A client without TLS: the handshake fails, the listener stays.
	echo "plain text" | t 20 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/srv.err" "TLS handshake failed"
	assertTrue "still listening" "kill -0 $SERVER_PID"
	echo "secure" | t 20 "$SC" -N --ssl 127.0.0.1 "$PORT" >/dev/null
	assertEquals 0 $?
	wait_for "$SC_TMP/srv.out" "^secure$"
	assertFileEquals "$SC_TMP/srv.out" "secure"
}

test_large_transfer_both_ways() {
	head -c $((8 * 1024 * 1024)) /dev/urandom >"$SC_TMP/up"
	head -c $((8 * 1024 * 1024)) /dev/urandom >"$SC_TMP/srv.in"
	server srv --half-close --ssl -l 127.0.0.1 0 || fail "no server"
	# The reader of the download stalls a while: back-pressure with
	# TLS records half read.
	t 30 "$SC" --half-close --ssl 127.0.0.1 "$PORT" <"$SC_TMP/up" | \
	    { sleep 1; cat; } >"$SC_TMP/down"
	assertEquals 0 "${PIPESTATUS[0]}"
	wait_exit "$SERVER_PID" 20
	assertEquals 0 "$WAIT_STATUS"
	assertTrue "upload identical" "cmp -s '$SC_TMP/up' '$SC_TMP/srv.out'"
	assertTrue "download identical" "cmp -s '$SC_TMP/srv.in' '$SC_TMP/down'"
}

# TLS writes whole records: Nagle's algorithm would only delay a short
# answer behind the session tickets, so both ends turn it off without
# --nodelay, while a plain connection keeps the system's default.
test_tls_connections_have_nodelay() {
	server srv --ssl -l 127.0.0.1 0 || fail "no server"
	held_stdin c.in 8
	bg_in "$SC_TMP/c.in" t 20 "$SC" -N --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	cpid=$BG_PID
	echo hello >&8
	wait_for "$SC_TMP/srv.out" '^hello$' || fail "nothing came through"
	nodelay_of "$SERVER_PID" || return
	assertEquals "server's connection" "$PORT 1" \
	    "$(cut -d' ' -f1,3 "$SC_TMP/nd")"
	nodelay_of "$cpid" || return
	assertEquals "client's connection" "1" \
	    "$(awk -v p="$PORT" '$2 == p { print $3 }' "$SC_TMP/nd")"
	exec 8>&-
	wait_exit "$SERVER_PID"

	server srv -l 127.0.0.1 0 || fail "no server"
	held_stdin p.in 7
	bg_in "$SC_TMP/p.in" t 20 "$SC" 127.0.0.1 "$PORT" >/dev/null 2>&1
	echo plain >&7
	wait_for "$SC_TMP/srv.out" '^plain$' || fail "nothing came through"
	nodelay_of "$SERVER_PID" || return
	assertEquals "a plain connection is left alone" "$PORT 0" \
	    "$(cut -d' ' -f1,3 "$SC_TMP/nd")"
	exec 7>&-
}

test_tls_through_a_proxy() {
	server srv --ssl -l 127.0.0.1 0 || fail "no server"
	dport=$PORT
	dpid=$SERVER_PID
	server px -k -l 127.0.0.1 0 --proxy-type socks5 || \
	    { sc_skip "no proxy server"; return; }
	echo "tunnelled" | t 20 "$SC" -N --ssl -x "127.0.0.1:$PORT" \
	    127.0.0.1 "$dport"
	assertEquals 0 $?
	wait_exit "$dpid"
	assertFileEquals "$SC_TMP/srv.out" "tunnelled"
}

sc_run_shunit2
