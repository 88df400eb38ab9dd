#!/bin/bash
# TLS certificate facts and pinning: -v prints the peer certificate's
# subject, issuer, validity, SHA-256 fingerprints, the protocol and the
# cipher, one per line, as openssl computes them; --ssl-pin (repeatable,
# certificate or public key) admits only that peer, without a trust file,
# on a client and on a server; bad pins are refused on the command line.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require openssl
sc_require_tls

# A self-signed server certificate and a client one, with their SHA-256
# fingerprints (certificate, public key) as openssl gives them.
CERTS=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-pins.XXXXXX")
oneTimeSetUp() {
	for n in srv cli; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$CERTS/$n.key" -out "$CERTS/$n.pem" \
		    -days 2 -subj "/CN=pin $n/O=sockcat tests" 2>/dev/null ||
		    { echo "cannot make certificates" >&2; exit 1; }
	done
	SRV_FP=$(cert_fp "$CERTS/srv.pem")
	SRV_KEY_FP=$(key_fp "$CERTS/srv.pem")
	CLI_FP=$(cert_fp "$CERTS/cli.pem")
}
oneTimeTearDown() {
	sc_remove_tmp
	rm -rf "$CERTS"
	sc_report
}

cert_fp() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'
}

key_fp() {
	openssl x509 -in "$1" -noout -pubkey |
	    openssl pkey -pubin -outform der |
	    openssl dgst -sha256 -hex | sed 's/.*= *//' |
	    sed 's/../&:/g; s/:$//' | tr a-f A-F
}

# A TLS server with the self-signed certificate, for one client.
tls_server() {
	server srv -l --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    "$@" 127.0.0.1 0 || fail "no server"
}

test_verbose_certificate_facts() {
	tls_server
	echo hello | t 15 "$SC" -v -N --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	from=$(openssl x509 -in "$CERTS/srv.pem" -noout -startdate |
	    sed 's/^notBefore=//')
	until=$(openssl x509 -in "$CERTS/srv.pem" -noout -enddate |
	    sed 's/^notAfter=//')
	from=$(date -u -d "$from" '+%Y-%m-%d %H:%M:%S UTC')
	until=$(date -u -d "$until" '+%Y-%m-%d %H:%M:%S UTC')
	grep '^TLS ' "$SC_TMP/c.err" | sed 's/^\(TLS cipher: \).*/\1X/' \
	    >"$SC_TMP/facts"
	assertEquals "one fact per line" "TLS protocol: TLSv1.3
TLS cipher: X
TLS peer certificate subject: /CN=pin srv/O=sockcat tests
TLS peer certificate issuer: /CN=pin srv/O=sockcat tests
TLS peer certificate valid from: $from
TLS peer certificate valid until: $until
TLS peer certificate SHA-256: $SRV_FP
TLS peer public key SHA-256: $SRV_KEY_FP" "$(<"$SC_TMP/facts")"
	assertTrue "a cipher" "grep -Eq '^TLS cipher: TLS_[A-Z0-9_]+$' \
	    '$SC_TMP/c.err'"
}

test_right_pin_needs_no_trust_file() {
	tls_server
	echo hello | t 15 "$SC" -N --ssl-pin "$SRV_FP" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "nothing said" "" "$(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/srv.out" "hello"
}

test_key_pin_and_several_pins() {
	tls_server
	# Lower case without colons, after a pin that does not match.
	pin=$(echo "$SRV_KEY_FP" | tr -d : | tr A-F a-f)
	echo hello | t 15 "$SC" -N --ssl-pin "$CLI_FP" --ssl-pin "$pin" \
	    127.0.0.1 "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	rc=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$rc"
	wait_exit "$SERVER_PID" 15
	assertFileEquals "$SC_TMP/srv.out" "hello"
}

test_wrong_pin_fails() {
	tls_server
	echo secret | t 15 "$SC" -N --ssl-pin "$CLI_FP" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	assertEquals "one clear line" "sockcat: TLS peer certificate does not match --ssl-pin: its SHA-256 is $SRV_FP" \
	    "$(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID" 15
	assertEquals "nothing sent" "" "$(<"$SC_TMP/srv.out")"
}

test_server_pins_client_certificates() {
	tls_server -k --ssl-pin "$CLI_FP"
	echo good | t 15 "$SC" -N --ssl-cert "$CERTS/cli.pem" \
	    --ssl-key "$CERTS/cli.key" 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/srv.out" '^good$' 15 || fail "pinned client refused"
	# No certificate, or another one: refused, and the server goes on.
	echo bad1 | t 15 "$SC" -N --ssl 127.0.0.1 "$PORT" >/dev/null 2>&1
	echo bad2 | t 15 "$SC" -N --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/srv.err" 'does not match --ssl-pin' 15 ||
	    fail "no refusal: $(<"$SC_TMP/srv.err")"
	echo good2 | t 15 "$SC" -N --ssl-cert "$CERTS/cli.pem" \
	    --ssl-key "$CERTS/cli.key" 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/srv.out" '^good2$' 15 || fail "server gone"
	assertEquals "only the pinned client got through" "good
good2" "$(<"$SC_TMP/srv.out")"
}

test_bad_pins() {
	expect_error "ssl-pin invalid: abc (64 hex digits of a SHA-256 fingerprint)" \
	    --ssl-pin abc 127.0.0.1 1
	expect_error "ssl-pin invalid: ${SRV_FP}:00 (64 hex digits of a SHA-256 fingerprint)" \
	    --ssl-pin "$SRV_FP:00" 127.0.0.1 1
	expect_error "ssl-pin invalid: :$SRV_FP (64 hex digits of a SHA-256 fingerprint)" \
	    --ssl-pin ":$SRV_FP" 127.0.0.1 1
}

sc_run_shunit2
