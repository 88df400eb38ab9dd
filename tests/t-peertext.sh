#!/bin/bash
# A peer's bytes never reach the operator's terminal raw (issue 52):
# each server mode, with -vv, and the clients that quote what a server
# says, are sent terminal controls (ESC ] 0 ; title BEL, ESC [ 2 J, CR;
# C1 controls where a field may hold them) in every field a peer chooses
# that a message may quote: a TLS client's SNI and certificate subject,
# the host a SOCKS5 or HTTP proxy client asks for, a WebSocket request's
# path and method and its close reason, a static file's path, a
# WebSocket server's status line and close reason, an HTTP proxy's
# status line and scheme, and the lines of room, broker and chat
# members; standard error then holds no control byte but newline, no
# byte past ASCII, and shows each field escaped (log_escape()).  And the
# static check (tests/peertext.py) that every message prints a peer's
# string only through log_escape() passes, and fails on a message
# planted to print one raw.  A name looked up for a client is
# t-reverse-dns.sh's.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3 openssl

# The controls, and how a message shows them.  The HTTP fields cannot
# hold a CR (a request with a bare CR is refused before anything is
# said), so theirs end before it.
CTRL=$'\e]0;TITLE\a\e[2J\rX'
SHOWN='\x1b]0;TITLE\x07\x1b[2J\x0dX'
CTRL_LINE=$'\e]0;TITLE\a\e[2J'
SHOWN_LINE='\x1b]0;TITLE\x07\x1b[2J'
# C1 controls: U+009B (a CSI), U+009D (an OSC), U+009C, and a raw 0x9b.
C1=$'\xc2\x9b2J\xc2\x9d0;T\xc2\x9c\x9b[H'
C1_SHOWN='\xc2\x9b2J\xc2\x9d0;T\xc2\x9c\x9b[H'
# A label of 64 bytes: the resolver refuses such a name itself, so no
# query leaves the machine for it.
LONG=$(printf 'x%.0s' {1..64})

sc_certs

# clean FILE [SHOWN...]: FILE holds no control byte but newline, nor any
# byte past ASCII (a C1 control among them), and each SHOWN as it is.
clean() {
	_f=$1
	shift
	python3 - "$_f" <<'EOF' || fail "raw controls in ${_f##*/}: $(od -c "$_f" | head -n 20)"
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(any(b < 0x20 and b != 0x0a or b >= 0x7f for b in data))
EOF
	for _s in "$@"; do
		grep -qF -- "$_s" "$_f" ||
		    fail "${_f##*/} does not show $_s: $(cat -v "$_f")"
	done
}

test_static_check() {
	out=$(t 60 python3 "$TESTS_DIR/peertext.py" "$TESTS_DIR/../src" \
	    "$TESTS_DIR/peertext.own" 2>&1)
	assertEquals "status: $out" 0 $?
	assertContains "$out" ", 0 findings"
}

# A message planted to print a peer's host raw (the SOCKS5 server's, as
# it was) is found, and so is an entry of peertext.own used no more.
test_static_check_catches_a_planted_call() {
	cp -r "$TESTS_DIR/../src" "$SC_TMP/src"
	f=$SC_TMP/src/modes/proxyd.c
	line=$(grep -n '^	log_verbose(2, "proxy: %s: connect to %s port %s"' \
	    "$f" | cut -d: -f1)
	[ -n "$line" ] || fail "nowhere to plant"
	sed -i "${line}i\\	log_verbose(2, \"asked for %s\", pc->host);" "$f"
	out=$(t 60 python3 "$TESTS_DIR/peertext.py" "$SC_TMP/src" \
	    "$TESTS_DIR/peertext.own" 2>&1)
	assertEquals "status: $out" 1 $?
	assertContains "$out" "src/modes/proxyd.c:$line: log_verbose() prints \"pc->host\" with %s"
	assertContains "$out" ", 1 findings"
	# The same through a format of %.*s, and the TLS server's old line.
	cp "$TESTS_DIR/../src/modes/proxyd.c" "$f"
	f=$SC_TMP/src/io/tlsenv.c
	line=$(grep -n 'log_info("TLS protocol: %s"' "$f" | cut -d: -f1)
	sed -i "${line}i\\	log_info(\"TLS server name (SNI): %.*s\", 8, sni);" "$f"
	out=$(t 60 python3 "$TESTS_DIR/peertext.py" "$SC_TMP/src" \
	    "$TESTS_DIR/peertext.own" 2>&1)
	assertEquals "%.*s: status: $out" 1 $?
	assertContains "$out" "src/io/tlsenv.c:$line: log_info() prints \"sni\" with %s"
	printf '*\tpc->host\t# planted\n' >>"$SC_TMP/own"
	cat "$TESTS_DIR/peertext.own" "$SC_TMP/own" >"$SC_TMP/all.own"
	out=$(t 60 python3 "$TESTS_DIR/peertext.py" "$TESTS_DIR/../src" \
	    "$SC_TMP/all.own" 2>&1)
	assertEquals "stale: status: $out" 1 $?
	assertContains "$out" '"pc->host" (*) is printed by no message any more'
}

# A TLS server with -v names the client's SNI and certificate subject.
test_tls_server_sni_and_subject() {
	sc_have_tls || { sc_skip "sockcat built without TLS"; return; }
	(cd "$SC_TMP" &&
	    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout evil.key -out evil.csr -subj "/CN=a${CTRL_LINE}b" &&
	    openssl x509 -req -in evil.csr -CA "$CERTS/ca.pem" \
	    -CAkey "$CERTS/ca.key" -CAcreateserial -out evil.pem -days 2) \
	    >/dev/null 2>&1 || fail "no certificate"
	server srv -vv -lk --ssl --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" --ssl-verify \
	    --ssl-trustfile "$CERTS/ca.pem" -c "head -n 1" 127.0.0.1 0 ||
	    fail "no server"
	echo hi | t 20 openssl s_client -quiet -connect 127.0.0.1:"$PORT" \
	    -servername "$CTRL" -cert "$SC_TMP/evil.pem" \
	    -key "$SC_TMP/evil.key" >"$SC_TMP/c.out" 2>/dev/null
	assertTrue "echoed" "wait_for '$SC_TMP/c.out' '^hi'"
	wait_for "$SC_TMP/srv.err" 'certificate subject' ||
	    fail "no subject: $(cat -v "$SC_TMP/srv.err")"
	clean "$SC_TMP/srv.err" "TLS server name (SNI): $SHOWN" \
	    'TLS peer certificate subject: /CN=a\x1B]0;TITLE\x07\x1B[2Jb'
}

# socks5_ask PORT HOST: a SOCKS5 client asks the proxy at PORT for HOST,
# port 80, and prints the reply's code.
socks5_ask() {
	t 30 python3 - "$1" "$2" <<'EOF'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
host = os.fsencode(sys.argv[2])
s.sendall(b"\x05\x01\x00")
s.recv(2)
s.sendall(b"\x05\x01\x00\x03" + bytes([len(host)]) + host + b"\x00\x50")
print(s.recv(10)[1])
EOF
}

# The proxy server names, with -vv, the host a client asks for, and the
# failure to reach it.
test_socks5_server_host() {
	server px -vv -lk --proxy-type socks5 127.0.0.1 0 || fail "no proxy"
	socks5_ask "$PORT" "${CTRL}${C1}.$LONG.invalid" >"$SC_TMP/c.out"
	assertEquals "refused" 4 "$(<"$SC_TMP/c.out")"
	wait_for "$SC_TMP/px.err" 'connect to' || fail "nothing said"
	clean "$SC_TMP/px.err" \
	    "connect to $SHOWN$C1_SHOWN.$LONG.invalid port 80"
}

test_http_proxy_server_host() {
	server px -vv -lk --proxy-type http 127.0.0.1 0 || fail "no proxy"
	for req in "CONNECT ${CTRL_LINE}.$LONG.invalid:80 HTTP/1.1" \
	    "GET http://${CTRL_LINE}.$LONG.invalid/${CTRL_LINE} HTTP/1.1"; do
		t 30 python3 - "$PORT" "$req" <<'EOF' >>"$SC_TMP/c.out"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(sys.argv[2].encode() + b"\r\nHost: x\r\n\r\n")
print(s.recv(100).split(b"\r\n")[0].decode())
EOF
	done
	assertEquals "refused" "HTTP/1.1 502 Bad Gateway
HTTP/1.1 502 Bad Gateway" "$(<"$SC_TMP/c.out")"
	clean "$SC_TMP/px.err" "connect to $SHOWN_LINE.$LONG.invalid port 80"
}

# ws_raw PORT HEAD [CLOSE_REASON]: send the request head HEAD (lines
# without their CR LF; Host, Upgrade... added for an upgrade), then,
# upgraded, a close frame with CLOSE_REASON; print the status line.
WS_RAW='
import socket, struct, sys
port, head = int(sys.argv[1]), sys.argv[2]
reason = sys.argv[3].encode() if len(sys.argv) > 3 else None
s = socket.create_connection(("127.0.0.1", port), timeout=20)
lines = head.split("\n") + ["Host: x"]
if reason is not None:
    lines += ["Upgrade: websocket", "Connection: Upgrade",
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
              "Sec-WebSocket-Version: 13"]
s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
got = b""
while b"\r\n\r\n" not in got:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(got.split(b"\r\n")[0].decode())
if reason is not None:
    payload = struct.pack("!H", 1000) + reason
    mask = b"\x01\x02\x03\x04"
    s.sendall(bytes([0x88, 0x80 | len(payload)]) + mask +
              bytes(c ^ mask[i % 4] for i, c in enumerate(payload)))
    while s.recv(4096):
        pass
'

# A WebSocket server with -v names the path of an upgrade and the reason
# of a close; with --ws-static, the method and path of a request.
test_websocket_server_path_and_reason() {
	server srv -vv -lk --websocket -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	t 30 python3 -c "$WS_RAW" "$PORT" "GET /${CTRL_LINE}?q HTTP/1.1" \
	    "bye $CTRL" >"$SC_TMP/c.out"
	assertEquals "upgraded" "HTTP/1.1 101 Switching Protocols" \
	    "$(<"$SC_TMP/c.out")"
	wait_for "$SC_TMP/srv.err" 'peer closed' || fail "no close said"
	clean "$SC_TMP/srv.err" "WebSocket upgrade of /$SHOWN_LINE?q" \
	    "the peer closed with 1000: bye $SHOWN"
	mkdir "$SC_TMP/www"
	server st -vv -lk --websocket --ws-static "$SC_TMP/www" 127.0.0.1 0 ||
	    fail "no static server"
	t 30 python3 -c "$WS_RAW" "$PORT" "GET /${CTRL_LINE} HTTP/1.1" \
	    >"$SC_TMP/c.out"
	t 30 python3 -c "$WS_RAW" "$PORT" "HEAD /a${CTRL_LINE} HTTP/1.0" \
	    >>"$SC_TMP/c.out"
	assertEquals "refused" "HTTP/1.1 403 Forbidden
HTTP/1.1 403 Forbidden" "$(<"$SC_TMP/c.out")"
	wait_for "$SC_TMP/st.err" 'HTTP HEAD' || fail "nothing said"
	clean "$SC_TMP/st.err" "HTTP GET /$SHOWN_LINE: 403" \
	    "HTTP HEAD /a$SHOWN_LINE: 403"
}

# fake_server NAME ANSWER: a TCP server that reads a request head, sends
# ANSWER (a Python bytes literal, where ACCEPT stands for the answer to
# a WebSocket key) and keeps the connection until the client leaves;
# its port in FPORT.
fake_server() {
	bg t 60 python3 -c '
import base64, hashlib, re, socket, sys
answer = eval(sys.argv[1])
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(4)
print(l.getsockname()[1], flush=True)
while True:
    c, _ = l.accept()
    got = b""
    while b"\r\n\r\n" not in got:
        b = c.recv(4096)
        if not b:
            break
        got += b
    key = re.search(rb"Sec-WebSocket-Key: *(\S+)", got)
    accept = base64.b64encode(hashlib.sha1(
        (key.group(1) if key else b"") +
        b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    c.sendall(answer.replace(b"ACCEPT", accept))
    while c.recv(4096):
        pass
    c.close()
' "$2" >"$SC_TMP/$1.port"
	wait_for "$SC_TMP/$1.port" '^[0-9]+$' || fail "no fake server"
	FPORT=$(<"$SC_TMP/$1.port")
}

# The clients quote what a server says: a WebSocket server's status line
# and close reason, an HTTP proxy's status line and authentication
# scheme.
test_clients_quote_servers_escaped() {
	fake_server ws 'b"HTTP/1.1 101 \x1b]0;TITLE\x07\x1b[2J\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ACCEPT\r\n\r\n\x88\x0e\x03\xe8bye \x1b]0;T\x07\r!"'
	t 20 "$SC" -v ws://127.0.0.1:"$FPORT"/ </dev/null >/dev/null \
	    2>"$SC_TMP/ws.err"
	clean "$SC_TMP/ws.err" "WebSocket: HTTP/1.1 101 $SHOWN_LINE" \
	    'closed with 1000: bye \x1b]0;T\x07\x0d!'
	fake_server px 'b"HTTP/1.1 403 \x1b]0;TITLE\x07\x1b[2J\r\n\r\n"'
	t 20 "$SC" -X connect -x 127.0.0.1:"$FPORT" 127.0.0.1 1 </dev/null \
	    >/dev/null 2>"$SC_TMP/px.err"
	assertEquals "refused" 1 $?
	clean "$SC_TMP/px.err" "Proxy error: \"HTTP/1.1 403 $SHOWN_LINE\""
	fake_server auth 'b"HTTP/1.1 407 Auth\r\nProxy-Authenticate: \x1b]0;T\x07 realm=x\r\n\r\n"'
	t 20 "$SC" -X connect -x 127.0.0.1:"$FPORT" --proxy-auth user:pw \
	    127.0.0.1 1 </dev/null >/dev/null 2>"$SC_TMP/auth.err"
	clean "$SC_TMP/auth.err" 'scheme not supported: \x1b]0;T\x07'
}

# The many-client modes, -vv, their members' lines full of controls:
# whatever they say of it is escaped.
test_member_lines() {
	for mode in --room --broker "--chat -l" "-lk -e /bin/cat"; do
		# shellcheck disable=SC2086
		server m -vv $mode 127.0.0.1 0 || fail "$mode: no server"
		printf '%s\n/nick %s\n%s\n' "$CTRL" "$CTRL$C1" "$CTRL$C1" |
		    t 10 "$SC" -q 1 127.0.0.1 "$PORT" >/dev/null 2>&1
		stop "$SERVER_PID"
		clean "$SC_TMP/m.err"
	done
}

sc_run_shunit2
