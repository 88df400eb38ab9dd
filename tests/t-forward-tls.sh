#!/bin/bash
# TLS at either end of a forwarder, independently: --ssl* on the listener
# terminates it, --forward-ssl* originates it to the target (verified
# against a trust file, with SNI).  Loopback only.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require openssl python3
sc_require_tls

PEER="python3 $(dirname "$0")/fwdpeer.py"

# The test certificates (make_certs) in CERTS, made once.
sc_certs

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

# A client that comes back resumes its TLS session (a TLS 1.3 ticket, on
# by default): one round trip, no certificate sent again.
test_terminating_forwarder_resumes_sessions() {
	plain_echo
	server fw -lk 127.0.0.1 0 --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" --forward "127.0.0.1:$BPORT" || return
	t 30 python3 - "$PORT" "$CERTS/ca.pem" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err" <<'EOF'
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(sys.argv[2])
sess = None
for i in range(3):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost",
                             session=sess) as s:
            s.sendall(b"again\n")
            got = b""
            while not got.endswith(b"\n"):
                b = s.recv(64)
                if not b:
                    break
                got += b
            # The tickets came before the echo: the session has them.
            print(got.decode().strip(), s.session_reused)
            sess = s.session
EOF
	assertEquals "client" 0 $?
	assertEquals "a full handshake, then resumed ones" \
	    "again False
again True
again True" "$(<"$SC_TMP/c.out")"
}

# --- When the target is dialled ---------------------------------------------
#
# A forwarder that terminates TLS dials the target as soon as it admits a
# client, while the client's handshake runs, unless it asks the client for
# a certificate (--ssl-verify, --ssl-pin) or speaks WebSocket: then only
# once the client is ready.  The target and the TLS client below say, from
# the outside, what happened when.  The TLS handshake of a listener lasts
# 10 seconds at most: each wait during one is shorter.

# early_target NAME [BANNER]: an earlypeer.py target logging to NAME.log; its
# port in TPORT.
early_target() {
	bg timeout -k 2 "$SC_SERVER_LIFE" $EARLY target "$SC_TMP/$1.port" \
	    "$SC_TMP/$1.log" ${2:+"$2"}
	wait_for "$SC_TMP/$1.port" '^[0-9]+$' 15 ||
	    { fail "no target $1"; return 1; }
	TPORT=$(<"$SC_TMP/$1.port")
}

# tls_front [options...]: a forwarder fw terminating TLS with the server
# certificate, to 127.0.0.1:TPORT.
tls_front() {
	server fw -lk 127.0.0.1 0 --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" --forward "127.0.0.1:$TPORT" "$@" ||
	    { fail "no forwarder"; return 1; }
}

test_target_dialled_during_the_handshake() {
	early_target tg || return
	tls_front || return
	# This client sends no ClientHello: its handshake cannot end.
	raw_client h 8
	assertTrue "the target is dialled while the client's handshake runs" \
	    "wait_for '$SC_TMP/tg.log' '^open 1$' 8"
	assertFalse "the client is still there" "gone $RAW_PID"
	assertFalse "nothing relayed yet" \
	    "grep -q 'forwarded to' '$SC_TMP/fw.err'"
	# It leaves: the target's connection is closed, not a byte sent to it.
	exec 8>&-
	wait_exit "$RAW_PID"
	assertTrue "the target's side closed, with nothing received" \
	    "wait_for '$SC_TMP/tg.log' '^(closed|reset) 1 0$' 10"
	assertEquals "nothing for the client" "" "$(<"$SC_TMP/h.out")"
	assertFalse "never relayed" "grep -q 'forwarded to' '$SC_TMP/fw.err'"
}

# Thirty clients that connect and say nothing get the target dialled for
# 8 of them at most; a client that then completes its handshake is
# forwarded all the same.
test_silent_clients_dial_few_targets() {
	early_target tg || return
	tls_front -n || return
	held_stdin hold 8
	bg_in "$SC_TMP/hold" t 30 python3 -c '
import socket, sys
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(30)]
sys.stdin.read()
' "$PORT"
	_holder=$BG_PID
	wait_lines "$SC_TMP/fw.err" '^Connection received on ' 30 8 ||
	    fail "the clients did not connect"
	echo "late" | t 20 "$SC" -N --ssl-verify --ssl-trustfile \
	    "$CERTS/ca.pem" localhost "$PORT" >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "echoed" "late" "$(<"$SC_TMP/c.out")"
	_n=$(grep -c '^open ' "$SC_TMP/tg.log")
	assertTrue "$_n target connections for 30 silent clients and one: \
at most 9" "[ $_n -le 9 ]"
	exec 8>&-
	wait_exit "$_holder"
}

test_failed_handshake_closes_its_target_then_next_client() {
	early_target tg || return
	tls_front || return
	raw_client g 8
	assertTrue "the target is dialled while the client's handshake runs" \
	    "wait_for '$SC_TMP/tg.log' '^open 1$' 8"
	# An HTTP request where the ClientHello should be.
	printf 'GET / HTTP/1.0\r\n\r\n' >&8
	exec 8>&-
	wait_exit "$RAW_PID"
	assertTrue "-v: the handshake failed" \
	    "wait_for '$SC_TMP/fw.err' 'TLS handshake failed' 10"
	assertTrue "the target's side closed, with nothing received" \
	    "wait_for '$SC_TMP/tg.log' '^(closed|reset) 1 0$' 10"
	# The next client (-k) is forwarded end to end.
	echo "after garbage" | t 20 "$SC" -N --ssl-verify --ssl-trustfile \
	    "$CERTS/ca.pem" localhost "$PORT" >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "echoed" "after garbage" "$(<"$SC_TMP/c.out")"
	assertTrue "the target saw all of it" \
	    "wait_for '$SC_TMP/tg.log' '^closed 2 14$' 10"
	assertEquals "one forwarded" 1 \
	    "$(grep -c 'forwarded to' "$SC_TMP/fw.err")"
}

test_banner_reaches_the_client_after_its_handshake() {
	early_target tg "220 target ready" || return
	tls_front || return
	# The client starts its handshake once the target has sent its
	# banner: the forwarder holds it until the handshake is over.
	t 20 $EARLY tls-client "$PORT" "$CERTS/ca.pem" "$SC_TMP/tg.log" \
	    '^open 1$' "$SC_TMP/c" ping
	assertEquals "client" "seen
handshake ok
echoed" "$(<"$SC_TMP/c")"
	assertEquals "the banner, then the echo" "220 target ready
ping" "$(<"$SC_TMP/c.data")"
}

test_refused_target_during_the_handshake() {
	bg timeout -k 2 "$SC_SERVER_LIFE" $EARLY refused "$SC_TMP/rf.port"
	wait_for "$SC_TMP/rf.port" '^[0-9]+$' 15 || fail "no refused port"
	TPORT=$(<"$SC_TMP/rf.port")
	tls_front || return
	# -v says so as the target refuses, before the client's handshake;
	# the handshake still completes, and then the client is closed.
	t 20 $EARLY tls-client "$PORT" "$CERTS/ca.pem" "$SC_TMP/fw.err" \
	    'forward: #1 .*: no target accepted: ' "$SC_TMP/c"
	assertEquals "client" "seen
handshake ok
eof" "$(<"$SC_TMP/c")"
	assertEquals "nothing for the client" "" "$(<"$SC_TMP/c.data")"
	assertEquals "said once" 1 \
	    "$(grep -c 'no target accepted' "$SC_TMP/fw.err")"
	assertFalse "the forwarder goes on" "gone $SERVER_PID"
}

# late_dial [forwarder options...]: the forwarder asks each client for a
# certificate.  A client still in its handshake and one without a
# certificate get no target connection; one with a certificate does.
# The target accepts in order: its first connection is that client's.
late_dial() {
	early_target tg || return
	tls_front "$@" || return
	cert_clients fw
	assertEquals "the target's one connection" "open 1
closed 1 9" "$(<"$SC_TMP/tg.log")"
}

test_no_early_dial_with_ssl_verify() {
	late_dial --ssl-verify --ssl-trustfile "$CERTS/ca.pem"
}

test_no_early_dial_with_ssl_pin() {
	late_dial --ssl-pin "$(t 10 openssl x509 -in "$CERTS/cli.pem" \
	    -noout -fingerprint -sha256 | sed 's/.*=//')"
}

# ws_late_dial ws|wss: with --websocket the target is dialled after the
# upgrade, TLS or not: not for a client that sends nothing.
ws_late_dial() {
	_tls=() _cli=()
	if [ "$1" = wss ]; then
		_tls=(--ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key")
		_cli=(--ssl-verify --ssl-trustfile "$CERTS/ca.pem")
	fi
	early_target tg || return
	server fw -lk 127.0.0.1 0 --websocket "${_tls[@]}" \
	    --forward "127.0.0.1:$TPORT" || return
	raw_client h 8
	wait_for "$SC_TMP/fw.err" '^Connection received on ' 10 ||
	    fail "no connection"
	echo "upgraded" | t 20 "$SC" -N "${_cli[@]}" "$1://localhost:$PORT/" \
	    >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "echoed" "upgraded" "$(<"$SC_TMP/c.out")"
	exec 8>&-
	wait_exit "$RAW_PID"
	assertEquals "the target's one connection" 1 \
	    "$(grep -c '^open' "$SC_TMP/tg.log")"
}

test_no_early_dial_with_websocket() {
	ws_late_dial ws
}

test_no_early_dial_with_websocket_over_tls() {
	ws_late_dial wss
}

sc_run_shunit2
