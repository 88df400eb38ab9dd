#!/bin/bash
# TLS at either end of a forwarder, independently: --ssl* on the listener
# terminates it, --forward-ssl* originates it to the target (verified
# against a trust file, with SNI).  Loopback only.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require openssl python3
sc_require_tls

PEER="python3 $(dirname "$0")/fwdpeer.py"

# A CA, a server certificate for localhost signed by it, and a
# self-signed one: made once.
CERTS=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-certs.XXXXXX")
oneTimeSetUp() {
	make_certs "$CERTS" ||
	    { echo "cannot make certificates" >&2; exit 1; }
}
oneTimeTearDown() {
	sc_remove_tmp
	rm -rf "$CERTS"
	sc_report
}

plain_echo() {
	bg $PEER echo "$SC_TMP/be.port"
	wait_for "$SC_TMP/be.port" '^[0-9]+$' 15 || fail "no backend"
	BPORT=$(<"$SC_TMP/be.port")
}

# A TLS echo backend: sockcat itself, with the certificate given.
tls_echo() {
	server tbe -lk 127.0.0.1 0 --ssl-cert "$CERTS/$1.pem" \
	    --ssl-key "$CERTS/$1.key" -e /bin/cat || fail "no TLS backend"
	BPORT=$PORT
}

test_terminates_tls() {
	plain_echo
	server fw -lk 127.0.0.1 0 --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" --forward "127.0.0.1:$BPORT" || return
	echo "over tls" | t 20 "$SC" -N --ssl-verify --ssl-trustfile \
	    "$CERTS/ca.pem" localhost "$PORT" >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "over tls" "$(<"$SC_TMP/c.out")"
	# A plain client is refused by the handshake, not forwarded.
	echo plain | t 10 "$SC" 127.0.0.1 "$PORT" >/dev/null 2>&1
	assertFalse "no plain client forwarded" \
	    "grep -c 'forwarded to' '$SC_TMP/fw.err' | grep -qx 2"
}

test_originates_tls_with_verification_and_sni() {
	tls_echo srv
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --forward-ssl-verify --forward-ssl-trustfile "$CERTS/ca.pem" \
	    --forward-ssl-servername localhost || return
	echo "to tls" | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "to tls" "$(<"$SC_TMP/c.out")"
	assertTrue "the backend saw the SNI" \
	    "grep -q 'TLS server name (SNI): localhost' '$SC_TMP/tbe.err'"
}

test_origination_refuses_an_unverified_target() {
	tls_echo self
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --forward-ssl-verify --forward-ssl-trustfile "$CERTS/ca.pem" || return
	echo "secret" | t 20 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c.out" 2>/dev/null
	assertEquals "nothing relayed" "" "$(<"$SC_TMP/c.out")"
	assertTrue "-v says why" \
	    "wait_for '$SC_TMP/fw.err' 'no target accepted: .*certificate verification failed' 15"
}

# Both of the forwarder's connections speak TLS here: each has
# TCP_NODELAY without --nodelay.
test_both_tls_ends_have_nodelay() {
	tls_echo srv
	server fw -lk 127.0.0.1 0 --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" --forward "127.0.0.1:$BPORT" \
	    --forward-ssl || return
	held_stdin c.in 8
	bg_in "$SC_TMP/c.in" t 20 "$SC" --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>/dev/null
	echo "nagle" >&8
	wait_for "$SC_TMP/c.out" '^nagle$' || fail "no echo"
	nodelay_of "$SERVER_PID" || return
	assertEquals "client side and target side" "1 1" \
	    "$(awk -v p="$PORT" -v b="$BPORT" '$1 == p { c = $3 }
		$2 == b { t = $3 } END { print c, t }' "$SC_TMP/nd")"
	exec 8>&-
}

test_both_ends_tls() {
	tls_echo srv
	server fw -lk 127.0.0.1 0 --ssl-cert "$CERTS/self.pem" \
	    --ssl-key "$CERTS/self.key" --forward "localhost:$BPORT" \
	    --forward-ssl-verify --forward-ssl-trustfile "$CERTS/ca.pem" || return
	head -c 300000 /dev/urandom >"$SC_TMP/data"
	t 30 "$SC" -N --ssl 127.0.0.1 "$PORT" <"$SC_TMP/data" >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "intact both ways" "$(sha256sum <"$SC_TMP/data")" \
	    "$(sha256sum <"$SC_TMP/c.out")"
}

sc_run_shunit2
