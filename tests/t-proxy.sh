#!/bin/bash
# Proxies: the client side (-x, -X, -P, --proxy-auth) against an
# independent fake proxy (tests/authproxy.py), replies good, bad,
# truncated and garbage; and sockcat's own proxy server (-l --proxy-type)
# driven by sockcat's client and by the fake's logic in reverse.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

# fake MODE BEHAVIOUR [ADDR]: start a broken proxy of tests/authproxy.py
# (MODE socks4, socks5 or http; its BEHAVIOURs are listed there), which
# logs what it was asked to fake.log and, when told to succeed, connects
# to the destination and relays; sets FPORT.
fake() {
	rm -f "$SC_TMP/fake.port"
	: >"$SC_TMP/fake.log"
	bg timeout 20 $AUTHPROXY -b "$1" "$2" "${3:-127.0.0.1}" \
	    "$SC_TMP/fake.port" "$SC_TMP/fake.log"
	wait_for "$SC_TMP/fake.port" '^[0-9]+$' || fail "fake proxy did not start"
	FPORT=$(<"$SC_TMP/fake.port")
}

# A destination that prints what it receives; sets DPORT.
dest() {
	server dst -l "${1:-127.0.0.1}" 0 || fail "no destination"
	DPORT=$PORT
	DST_PID=$SERVER_PID
}

# client args...: send "hello" through sockcat; status in STATUS, stderr
# in ERR.
client() {
	echo hello | t 5 "$SC" -N "$@" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	STATUS=$?
	ERR=$(<"$SC_TMP/c.err")
}

# The destination got "hello" and ended.
assert_delivered() {
	wait_exit "$DST_PID"
	assertFileEquals "$SC_TMP/dst.out" "hello"
}

test_socks5_is_the_default() {
	dest
	fake socks5 ok
	client -v -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to 127.0.0.1 $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	assertEquals "$(printf 'methods 0\nconnect 1 127.0.0.1 %s' "$DPORT")" \
	    "$(<"$SC_TMP/fake.log")"
}

test_socks5_name_is_resolved_by_the_proxy() {
	dest
	fake socks5 ok
	client -v -X 5 --proxy "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to localhost $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" "connect 3 localhost $DPORT"
}

test_socks5_ipv6_proxy_and_destination() {
	dest ::1
	fake socks5 ok ::1
	client -x "[::1]:$FPORT" ::1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" "connect 4 ::1 $DPORT"
}

test_socks5_error_replies() {
	fake socks5 err1
	client -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: connection failed, SOCKSv5 error: General SOCKS server failure" "$ERR"
	for e in "2 Connection not allowed by ruleset" "3 Network unreachable" \
	    "4 Host unreachable" "5 Connection refused" "6 TTL expired" \
	    "7 Command not supported" "8 Address type not supported" \
	    "42 Unknown error"; do
		sc_cleanup
		fake socks5 "err${e%% *}"
		client -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals 1 "$STATUS"
		assertEquals "sockcat: connection failed, SOCKSv5 error: ${e#* }" "$ERR"
	done
}

test_socks5_broken_replies() {
	for b in "trunc:read failed (1/3): Broken pipe" \
	    "trunc2:read failed (3/4): Broken pipe" \
	    "nomethod:authentication method negotiation failed" \
	    "badatyp:connection failed, unsupported address type" \
	    "garbage:connection failed, not a SOCKSv5 proxy"; do
		sc_cleanup
		fake socks5 "${b%%:*}"
		client -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals "${b%%:*}" 1 "$STATUS"
		assertEquals "${b%%:*}" "sockcat: ${b#*:}" "$ERR"
	done
}

test_socks5_username_password() {
	dest
	fake socks5 auth
	client --proxy-auth user:secret -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" "methods 0 2"
	assertContains "$(<"$SC_TMP/fake.log")" "auth user secret"
	sc_cleanup
	fake socks5 auth
	client --proxy-auth user:wrong -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
	# Without credentials, only "no authentication" is offered.
	sc_cleanup
	fake socks5 auth
	client -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "sockcat: authentication method negotiation failed" "$ERR"
}

test_socks4() {
	dest
	fake socks4 ok
	client -v -X 4 -x "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to localhost $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	# SOCKS4 carries an IPv4 address: the name was resolved here.
	assertEquals "connect4 4 127.0.0.1 $DPORT user=" "$(<"$SC_TMP/fake.log")"
}

test_socks4a_passes_the_name() {
	dest
	fake socks4 ok
	client -X 4a -P someone -x "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertEquals "connect4 4 localhost $DPORT user=someone" "$(<"$SC_TMP/fake.log")"
}

test_socks4_errors() {
	for e in "91 Request rejected or failed" \
	    "92 SOCKS server cannot connect to identd on the client" \
	    "93 Client program and identd report different user-ids" \
	    "1 Unknown error"; do
		sc_cleanup
		fake socks4 "err${e%% *}"
		client -X 4 -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals 1 "$STATUS"
		assertEquals "sockcat: connection failed, SOCKSv4 error: ${e#* }" "$ERR"
	done
	sc_cleanup
	fake socks4 trunc
	client -X 4 -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "sockcat: read failed (2/8): Broken pipe" "$ERR"
	client -X 4 -x "127.0.0.1:$FPORT" ::1 9
	assertEquals 1 "$STATUS"
	assertContains "$ERR" 'sockcat: getaddrinfo("::1", "9"): '
}

test_http_connect() {
	dest
	fake http ok
	client -v -X connect -x "127.0.0.1:$FPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assertEquals "Connection to localhost $DPORT port [tcp/*] succeeded!" "$ERR"
	assert_delivered
	assertEquals "hdr CONNECT localhost:$DPORT HTTP/1.0" "$(<"$SC_TMP/fake.log")"
}

# Found by the proxy fuzz target: a header line that began with a NUL
# ended the headers, and the rest of them went to stdout.
test_http_header_starting_with_nul() {
	dest
	fake http nulheader
	client -X connect -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertEquals "no header bytes on stdout" 0 "$(wc -c <"$SC_TMP/c.out")"
}

test_http_connect_ipv6_brackets() {
	dest ::1
	fake http ok
	client --proxy-type http --proxy "127.0.0.1:$FPORT" ::1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertEquals "hdr CONNECT [::1]:$DPORT HTTP/1.0" "$(<"$SC_TMP/fake.log")"
}

test_http_error_replies() {
	for b in 'status403_Forbidden:Proxy error: "HTTP/1.1 403 Forbidden"' \
	    'status407_Proxy_Authentication_Required:Proxy error: "HTTP/1.1 407 Proxy Authentication Required"' \
	    'garbage:proxy read: Broken pipe' \
	    'trunc:proxy read: Broken pipe' \
	    'longline:proxy read too long'; do
		sc_cleanup
		fake http "${b%%:*}"
		client -X connect -x "127.0.0.1:$FPORT" 127.0.0.1 9
		assertEquals "${b%%:*}" 1 "$STATUS"
		assertEquals "${b%%:*}" "sockcat: ${b#*:}" "$ERR"
	done
}

test_http_basic_auth() {
	dest
	fake http auth
	client --proxy-type http --proxy-auth user:secret \
	    --proxy "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	assertContains "$(<"$SC_TMP/fake.log")" \
	    "hdr Proxy-Authorization: Basic dXNlcjpzZWNyZXQ="
	sc_cleanup
	fake http auth
	client -X connect --proxy-auth user:wrong -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
}

test_http_password_prompt() {
	dest
	fake http auth
	# -P asks on the terminal, after a first try without a password.
	cat >"$SC_TMP/askpass.py" <<'PYEOF'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
deadline = time.time() + 5
while b"Proxy password for user@127.0.0.1: " not in out and time.time() < deadline:
    try:
        out += os.read(fd, 1024)
    except OSError:
        break
os.write(fd, b"secret\n")
try:
    while True:
        d = os.read(fd, 1024)
        if not d:
            break
        out += d
except OSError:
    pass
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(st))
PYEOF
	t 8 python3 "$SC_TMP/askpass.py" "$SC" -d -N -P user -X connect \
	    -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT" >"$SC_TMP/pty.out"
	assertEquals 0 $?
	assertContains "$(<"$SC_TMP/pty.out")" "Proxy password for user@127.0.0.1: "
	assertEquals 2 "$(grep -c '^hdr CONNECT' "$SC_TMP/fake.log")"
	assertContains "$(<"$SC_TMP/fake.log")" \
	    "hdr Proxy-Authorization: Basic dXNlcjpzZWNyZXQ="
	# SOCKS5: asked when the proxy chooses username and password.
	sc_cleanup
	dest
	fake socks5 auth
	t 8 python3 "$SC_TMP/askpass.py" "$SC" -d -N -P user \
	    -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT" >"$SC_TMP/pty.out"
	assertEquals "socks5 prompt" 0 $?
	assertContains "$(<"$SC_TMP/pty.out")" "Proxy password for user@127.0.0.1: "
	assertContains "$(<"$SC_TMP/fake.log")" "auth user secret"
	# Without a terminal there is no one to ask.
	sc_cleanup
	fake http auth
	echo x | t 5 setsid -w "$SC" -P user -X connect -x "127.0.0.1:$FPORT" \
	    127.0.0.1 9 >/dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: Unable to read proxy passphrase" "$(<"$SC_TMP/err")"
}

test_silent_proxy_and_timeout() {
	fake socks5 silent
	start=$(now_ms)
	client -w 1 -x "127.0.0.1:$FPORT" 127.0.0.1 9
	ms=$(( $(now_ms) - start ))
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: read failed (0/3): Connection timed out" "$ERR"
	# -w 1: not before the second is up, and not long after it.
	assertTrue "waited its second ($ms ms)" "[ $ms -ge 950 ]"
	assertTrue "gave up in time ($ms ms)" "[ $ms -lt 4000 ]"
}

test_proxy_unreachable() {
	fake socks5 ok
	stop "$BG_PID"
	wait_exit "$BG_PID"
	client -v -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: connect to 127.0.0.1 port $FPORT (tcp) failed: Connection refused" "$ERR"
	client -x "127.0.0.1:$FPORT" 127.0.0.1 9
	assertEquals "quiet without -v" "" "$ERR"
}

test_default_proxy_ports() {
	# Nothing is expected to listen on these; the message names the port.
	client -v -x 127.0.0.1 127.0.0.1 9
	assertContains "$ERR" "port 1080 (tcp)"
	client -v -X connect -x 127.0.0.1 127.0.0.1 9
	assertContains "$ERR" "port 3128 (tcp)"
	client -v -X 4 -x '[::1]' 127.0.0.1 9
	assertContains "$ERR" "connect to ::1 port 1080 (tcp)"
}

test_scan_through_proxy() {
	dest
	fake socks5 ok
	t 5 "$SC" -zv -x "127.0.0.1:$FPORT" 127.0.0.1 "$DPORT" 2>"$SC_TMP/err"
	assertEquals 0 $?
	assertEquals "Connection to 127.0.0.1 $DPORT port [tcp/*] succeeded!" \
	    "$(<"$SC_TMP/err")"
}

test_command_line_errors() {
	expect_error "unsupported proxy protocol" -X 7 -x 127.0.0.1 127.0.0.1 80
	expect_error "unsupported proxy protocol" --proxy-type gopher 127.0.0.1 80
	expect_error "no proxy support for listen" -l -x 127.0.0.1 5000
	expect_error "no proxy support for local source address" \
	    -s 127.0.0.1 -x 127.0.0.1 127.0.0.1 80
	expect_error "missing closing bracket in proxy" -x '[::1' 127.0.0.1 80
	expect_error "garbage proxy port delimiter" -x '[::1]x' 127.0.0.1 80
}

test_command_line_errors_match_nc() {
	NC=${NC_OPENBSD:-/bin/nc.openbsd}
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	for args in "-X 7 -x 127.0.0.1 127.0.0.1 80" "-l -x 127.0.0.1 5000" \
	    "-s 127.0.0.1 -x 127.0.0.1 127.0.0.1 80" "-x [::1 127.0.0.1 80" \
	    "-x [::1]x 127.0.0.1 80" "-X CONNECT -x 127.0.0.1:1 -v 127.0.0.1 80"; do
		# shellcheck disable=SC2086
		want=$(t 5 "$NC" $args 2>&1 </dev/null | sed 's/^[a-z.]*: //'; echo "rc=${PIPESTATUS[0]}")
		# shellcheck disable=SC2086
		got=$(t 5 "$SC" $args 2>&1 </dev/null | sed 's/^[a-z.]*: //'; echo "rc=${PIPESTATUS[0]}")
		assertEquals "$args" "$want" "$got"
	done
}

test_proxy_errors_match_nc() {
	NC=${NC_OPENBSD:-/bin/nc.openbsd}
	[ -x "$NC" ] || { sc_skip "nc.openbsd not installed"; return; }
	# The same broken proxies, nc.openbsd and sockcat: same words, status.
	for c in "socks5 err1 5" "socks5 err5 5" "socks5 err77 5" \
	    "socks5 trunc 5" "socks5 trunc2 5" "socks5 nomethod 5" \
	    "socks5 badatyp 5" "socks4 err91 4" "socks4 err93 4" \
	    "socks4 trunc 4" "http status403_Forbidden connect" \
	    "http status500_Oops connect" "http trunc connect" \
	    "http garbage connect"; do
		set -- $c
		for prog in "$NC" "$SC"; do
			sc_cleanup
			fake "$1" "$2"
			echo x | t 5 "$prog" -X "$3" -x "127.0.0.1:$FPORT" \
			    127.0.0.1 9 >/dev/null 2>"$SC_TMP/err"
			echo "status=$?" >>"$SC_TMP/err"
			sed 's/^[a-z.]*: //' "$SC_TMP/err" >"$SC_TMP/$(basename "$prog").res"
		done
		assertEquals "$c" "$(cat "$SC_TMP/$(basename "$NC").res")" \
		    "$(<"$SC_TMP/sockcat.res")"
	done
}

# --- sockcat's own proxy server -------------------------------------

# pserver args...: sockcat -l 127.0.0.1 0 as a proxy; sets PPORT, PX_PID.
pserver() {
	server px -k -l 127.0.0.1 0 "$@" || fail "no proxy server"
	PPORT=$PORT
	PX_PID=$SERVER_PID
}

test_server_socks5() {
	pserver --proxy-type socks5
	dest
	client -v -x "127.0.0.1:$PPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	dest
	client -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assert_delivered
	dest ::1
	client -x "127.0.0.1:$PPORT" ::1 "$DPORT"
	assert_delivered
	assertContains "$(<"$SC_TMP/px.err")" "connected to ::1 port $DPORT"
	# A refused destination is SOCKS5's "Connection refused".
	client -x "127.0.0.1:$PPORT" 127.0.0.1 1
	assertEquals 1 "$STATUS"
	assertEquals "sockcat: connection failed, SOCKSv5 error: Connection refused" "$ERR"
	assertTrue "still serving" "kill -0 $PX_PID"
}

# s5_self ADDR [HOST]: a SOCKS5 server listening on ADDR, asked (at
# 127.0.0.1) to connect to HOST (an address or a name) at its own port;
# prints the reply code.
s5_self() {
	server px -l --proxy-type socks5 --allow 0.0.0.0/0 "$1" 0 ||
	    fail "no proxy on $1"
	t 20 python3 -c '
import socket, sys
port, host = int(sys.argv[1]), sys.argv[2]
c = socket.create_connection(("127.0.0.1", port), timeout=10)
c.sendall(b"\x05\x01\x00")
assert c.recv(2) == b"\x05\x00"
try:
    dst = b"\x01" + socket.inet_aton(host)
except OSError:
    dst = b"\x03" + bytes([len(host)]) + host.encode()
c.sendall(b"\x05\x01\x00" + dst + port.to_bytes(2, "big"))
print(c.recv(10)[1])
' "$PORT" "${2:-$1}"
	stop "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
}

# A CONNECT to the proxy itself would nest connections for ever: refused
# as not allowed (2), however the proxy is named.
test_server_socks5_refuses_itself() {
	assertEquals "own address" 2 "$(s5_self 127.0.0.1)"
	assertEquals "own name" 2 "$(s5_self 127.0.0.1 localhost)"
	assertEquals "0.0.0.0 is this host" 2 "$(s5_self 127.0.0.1 0.0.0.0)"
	assertEquals "every address" 2 "$(s5_self 0.0.0.0 127.0.0.1)"
	assertEquals "every address, another of the host's" 2 \
	    "$(s5_self 0.0.0.0 127.0.0.2)"
	assertEquals "the same port elsewhere is not itself" 5 \
	    "$(s5_self 127.0.0.1 127.0.0.2)"
	pserver --proxy-type socks5
	client -x "127.0.0.1:$PPORT" 127.0.0.1 "$PPORT"
	assertEquals "client status" 1 "$STATUS"
	assertEquals "sockcat: connection failed, SOCKSv5 error: Connection not allowed by ruleset" "$ERR"
	assertTrue "still serving" "kill -0 $PX_PID"
}

test_server_socks5_auth() {
	pserver --proxy-type socks5 --proxy-auth user:secret
	dest
	client --proxy-auth user:secret -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	client --proxy-auth user:wrong -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
	client -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: authentication method negotiation failed" "$ERR"
}

# SOCKCAT_PROXY_AUTH gives the server its credentials, out of sight of
# ps: as --proxy-auth would.
test_server_credentials_from_the_environment() {
	SOCKCAT_PROXY_AUTH=user:secret pserver --proxy-type socks5
	dest
	client --proxy-auth user:secret -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	client -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: authentication method negotiation failed" "$ERR"
}

test_server_http() {
	pserver --proxy-type http
	dest
	client -X connect -x "127.0.0.1:$PPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	dest ::1
	client -X connect -x "127.0.0.1:$PPORT" ::1 "$DPORT"
	assert_delivered
	client -X connect -x "127.0.0.1:$PPORT" 127.0.0.1 1
	assertEquals 'sockcat: Proxy error: "HTTP/1.1 502 Bad Gateway"' "$ERR"
}

test_server_http_basic_auth() {
	pserver --proxy-type http --proxy-auth user:secret
	dest
	client -X connect --proxy-auth user:secret -x "127.0.0.1:$PPORT" \
	    127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	client -X connect --proxy-auth user:wrong -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
	client -X connect -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals 'sockcat: Proxy error: "HTTP/1.1 407 Proxy Authentication Required"' "$ERR"
}

# An independent client, byte by byte: the replies to good, hostile and
# malformed requests, and two tunnels at once.
write_probe() {
	cat >"$SC_TMP/probe.py" <<'PYEOF'
import socket, struct, sys, base64
mode, pport, dport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def conn():
    c = socket.create_connection(("127.0.0.1", pport), timeout=5)
    return c

def recvall(c):
    b = b""
    while True:
        try:
            d = c.recv(4096)
        except ConnectionResetError:
            break
        if not d:
            break
        b += d
    return b

def s5(payload):
    c = conn()
    c.sendall(payload)
    c.shutdown(socket.SHUT_WR)
    r = recvall(c)
    c.close()
    return r.hex()

def http(payload):
    c = conn()
    c.sendall(payload)
    c.shutdown(socket.SHUT_WR)
    r = recvall(c)
    c.close()
    return repr(r.split(b"\r\n")[0].decode(errors="replace"))

def tunnel_s5():
    c = conn()
    c.sendall(b"\x05\x01\x00")
    assert c.recv(2) == b"\x05\x00"
    c.sendall(b"\x05\x01\x00\x01\x7f\x00\x00\x01" + struct.pack("!H", dport))
    r = c.recv(10)
    return c, r.hex()

def tunnel_http():
    c = conn()
    c.sendall(b"CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: x\r\n\r\n" % dport)
    r = b""
    while b"\r\n\r\n" not in r:
        r += c.recv(1)
    return c, repr(r.split(b"\r\n")[0].decode())

ip = b"\x7f\x00\x00\x01" + struct.pack("!H", dport)
if mode == "socks5":
    print("nomethod", s5(b"\x05\x01\x02"))
    print("badversion", s5(b"\x04\x01\x00\x50" + ip[:4] + b"\x00"))
    print("bind", s5(b"\x05\x01\x00" + b"\x05\x02\x00\x01" + ip))
    print("udp", s5(b"\x05\x01\x00" + b"\x05\x03\x00\x01" + ip))
    print("atyp", s5(b"\x05\x01\x00" + b"\x05\x01\x00\x09" + ip))
    print("emptyname", s5(b"\x05\x01\x00" + b"\x05\x01\x00\x03\x00\x00\x50"))
    print("nxdomain", s5(b"\x05\x01\x00" + b"\x05\x01\x00\x03\x0fno-such.invalid\x00\x50"))
    print("truncated", s5(b"\x05\x01\x00" + b"\x05\x01"))
    print("empty", s5(b""))
    c1, r1 = tunnel_s5()
    c2, r2 = tunnel_s5()
    print("tunnel", r1[:8], r2[:8])
elif mode == "http":
    print("get", http(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
    print("garbage", http(b"\x00\x01\x02 \xff\r\n\r\n"))
    print("noport", http(b"CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n"))
    print("badport", http(b"CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n"))
    print("bracket", http(b"CONNECT [::1:80 HTTP/1.1\r\n\r\n"))
    # Found by the proxyd fuzz target: blanks before the port were taken,
    # and a long run of them cut the port short.
    print("blankport", http(b"CONNECT 127.0.0.1:" + b"\t" * 40 +
                            b"80 HTTP/1.1\r\n\r\n"))
    print("version", http(b"CONNECT 127.0.0.1:80 SPDY/3\r\n\r\n"))
    print("huge", http(b"CONNECT 127.0.0.1:80 HTTP/1.1\r\nX: " + b"a" * 9000))
    print("refused", http(b"CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n"))
    c1, r1 = tunnel_http()
    c2, r2 = tunnel_http()
    print("tunnel", r1, r2)
# Two tunnels at once, to one destination that echoes: each gets its own.
c1.sendall(b"one\n")
c2.sendall(b"two\n")
print("echo", c2.recv(100).decode().strip(), c1.recv(100).decode().strip())
PYEOF
}

# A destination that echoes, for the concurrent tunnels.
echo_dest() {
	cat >"$SC_TMP/echo.py" <<'PYEOF'
import socket, sys, os, threading
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(8)
open(sys.argv[1], "w").write("%d\n" % ls.getsockname()[1])
def serve(c):
    while True:
        d = c.recv(4096)
        if not d:
            break
        c.sendall(d)
    c.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PYEOF
	bg timeout 20 python3 "$SC_TMP/echo.py" "$SC_TMP/echo.port"
	wait_for "$SC_TMP/echo.port" '^[0-9]+$' || fail "no echo server"
	EPORT=$(<"$SC_TMP/echo.port")
}

test_server_socks5_hostile_requests() {
	pserver --proxy-type socks5
	echo_dest
	write_probe
	t 20 python3 "$SC_TMP/probe.py" socks5 "$PPORT" "$EPORT" >"$SC_TMP/probe.out" 2>&1
	rc=$?
	assertEquals "$(<"$SC_TMP/probe.out")" 0 "$rc"
	assertEquals "$(cat <<'EXP'
nomethod 05ff
badversion 
bind 050005070001000000000000
udp 050005070001000000000000
atyp 050005080001000000000000
emptyname 050005040001000000000000
nxdomain 050005040001000000000000
truncated 0500
empty 
tunnel 05000001 05000001
echo two one
EXP
)" "$(<"$SC_TMP/probe.out")"
	assertTrue "still serving" "kill -0 $PX_PID"
}

test_server_http_hostile_requests() {
	pserver --proxy-type http
	echo_dest
	write_probe
	t 20 python3 "$SC_TMP/probe.py" http "$PPORT" "$EPORT" >"$SC_TMP/probe.out" 2>&1
	rc=$?
	assertEquals "$(<"$SC_TMP/probe.out")" 0 "$rc"
	assertEquals "$(cat <<'EXP'
get 'HTTP/1.1 400 Bad Request'
garbage 'HTTP/1.1 400 Bad Request'
noport 'HTTP/1.1 400 Bad Request'
badport 'HTTP/1.1 400 Bad Request'
bracket 'HTTP/1.1 400 Bad Request'
blankport 'HTTP/1.1 400 Bad Request'
version 'HTTP/1.1 400 Bad Request'
huge 'HTTP/1.1 431 Request Header Fields Too Large'
refused 'HTTP/1.1 502 Bad Gateway'
tunnel 'HTTP/1.1 200 Connection established' 'HTTP/1.1 200 Connection established'
echo two one
EXP
)" "$(<"$SC_TMP/probe.out")"
	assertTrue "still serving" "kill -0 $PX_PID"
}

test_server_slow_client_times_out() {
	pserver -w 1 --proxy-type http
	# Half a request, then silence: the server answers 408 and closes.
	bg sh -c "{ printf 'CONNECT 127.0.0.1:9 HTTP/1.1\r\n'; sleep 5; } | \
	    timeout 8 '$SC' 127.0.0.1 $PPORT >'$SC_TMP/slow.out'"
	wait_for "$SC_TMP/slow.out" "408"
	assertEquals "HTTP/1.1 408 Request Timeout" "$(head -n 1 "$SC_TMP/slow.out" | tr -d '\r')"
	assertTrue "still serving" "kill -0 $PX_PID"
}

test_interop_with_other_netcats() {
	NC=${NC_OPENBSD:-/bin/nc.openbsd}
	command -v ncat >/dev/null && [ -x "$NC" ] ||
	    { sc_skip "nc.openbsd or ncat not installed"; return; }
	# Their clients through sockcat's proxies.  (ncat's own HTTP proxy
	# cannot be bound to loopback only, so it is not used here.)
	pserver --proxy-type socks5
	dest
	echo hello | t 5 "$NC" -N -X 5 -x "127.0.0.1:$PPORT" localhost "$DPORT"
	assertEquals "nc.openbsd via socks5" 0 $?
	assert_delivered
	dest
	echo hello | t 5 ncat --send-only --proxy "127.0.0.1:$PPORT" \
	    --proxy-type socks5 127.0.0.1 "$DPORT"
	assertEquals "ncat via socks5" 0 $?
	assert_delivered
	sc_cleanup
	pserver --proxy-type http --proxy-auth user:secret
	dest
	echo hello | t 5 ncat --send-only --proxy "127.0.0.1:$PPORT" \
	    --proxy-type http --proxy-auth user:secret 127.0.0.1 "$DPORT"
	assertEquals "ncat via http" 0 $?
	assert_delivered
}

test_server_command_line() {
	expect_error "a proxy server speaks socks5 or http" -l 0 --proxy-type 4
	expect_error "a proxy server needs --proxy-auth user:password" \
	    -l 127.0.0.1 0 --proxy-type http --proxy-auth user
	# -X alone does not make a proxy, as with nc: a plain listener.
	server plain -l 127.0.0.1 0 -X connect || fail "no listener"
	echo plain | t 5 "$SC" -N 127.0.0.1 "$PORT"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/plain.out" "plain"
}

sc_run_shunit2
