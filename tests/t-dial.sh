#!/bin/bash
# Outgoing set-up as one stage with one deadline (-w): the name, each
# address, and the proxy's negotiation together, never a descriptor made
# blocking.  A proxy that answers slowly, byte by byte, is cut off at the
# deadline for the whole negotiation, not for each read.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3
PY=${SC_PYTHON:-python3}

# trickle SECS: a SOCKS5 proxy on 127.0.0.1 that sends each byte of its
# answers SECS apart; its port goes to trickle.port.
trickle() {
	bg timeout 30 "$PY" -c '
import socket, sys, time
gap = float(sys.argv[1])
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
open(sys.argv[2], "w").write("%d\n" % l.getsockname()[1])
c, _ = l.accept()
c.recv(16)
for b in b"\x05\x00":
    time.sleep(gap)
    c.sendall(bytes([b]))
c.recv(512)
for b in b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x50":
    time.sleep(gap)
    c.sendall(bytes([b]))
c.close()
' "$1" "$SC_TMP/trickle.port.tmp" 2>/dev/null
	wait_for "$SC_TMP/trickle.port.tmp" '^[0-9]+$' 20 ||
	    fail "no trickling proxy"
	TPORT=$(<"$SC_TMP/trickle.port.tmp")
}

test_whole_negotiation_bounded() {
	trickle 0.6
	start=$(now_ms)
	t 20 "$SC" -w 1 -x "127.0.0.1:$TPORT" 127.0.0.1 80 </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	status=$?
	elapsed=$(( $(now_ms) - start ))
	assertEquals "status" 1 "$status"
	assertContains "$(<"$SC_TMP/err")" "Connection timed out"
	# 12 bytes 0.6 s apart take 7.2 s: each read alone would be in time.
	assertTrue "cut off at the deadline ($elapsed ms)" \
	    "[ $elapsed -ge 900 ] && [ $elapsed -lt 5000 ]"
}

# An HTTPS proxy that takes the connection and never answers its TLS
# handshake is cut off at the deadline too, and the stage named.
test_silent_tls_proxy_bounded() {
	sc_have_tls || { sc_skip "built without TLS"; return; }
	bg timeout 30 "$PY" -c '
import socket, sys
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
open(sys.argv[1], "w").write("%d\n" % l.getsockname()[1])
c, _ = l.accept()
while c.recv(65536):
    pass
' "$SC_TMP/silent.port.tmp" 2>/dev/null
	wait_for "$SC_TMP/silent.port.tmp" '^[0-9]+$' 20 ||
	    fail "no silent proxy"
	t 20 "$SC" -w 1 -x "https://127.0.0.1:$(<"$SC_TMP/silent.port.tmp")" \
	    127.0.0.1 80 </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	assertEquals "said" "sockcat: proxy: TLS handshake: Connection timed out" \
	    "$(<"$SC_TMP/err")"
}

test_slow_but_in_time() {
	trickle 0.05
	t 20 "$SC" -w 5 -x "127.0.0.1:$TPORT" 127.0.0.1 80 </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	rc=$?
	assertEquals "status: $(<"$SC_TMP/err")" 0 "$rc"
}

# A refused connection: -v says so in nc's words, and nothing else.
test_refused_words() {
	PORT=$(free_port) || fail "no free port"
	t 10 "$SC" -v 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "sockcat: connect to 127.0.0.1 port $PORT (tcp) failed: Connection refused" \
	    "$(<"$SC_TMP/err")"
}

# The name is looked up within the deadline too, and a bad one is said.
test_unknown_name() {
	t 20 "$SC" -n nonexistent.invalid 80 </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertContains "$(<"$SC_TMP/err")" \
	    'sockcat: getaddrinfo for host "nonexistent.invalid" port 80: '
}

sc_run_shunit2
