#!/bin/bash
# The proxy server (-l --proxy-type socks5|http): SOCKS5 and HTTP CONNECT
# driven by sockcat's client, by a Python client that speaks each
# protocol (and sends hostile requests), and by nc.openbsd and ncat;
# credentials, a slow client, and the command line.  The proxy client is
# t-proxy.sh's; the other proxy server suites are t-proxyd-*.sh.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

# pserver args...: sockcat -l 127.0.0.1 0 as a proxy; sets PPORT, PX_PID.
pserver() {
	server px -k -l 127.0.0.1 0 "$@" || fail "no proxy server"
	PPORT=$PORT
	PX_PID=$SERVER_PID
}

test_server_socks5() {
	pserver --proxy-type socks5
	proxy_dest
	send_hello -v -x "127.0.0.1:$PPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	proxy_dest
	send_hello -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assert_delivered
	proxy_dest ::1
	send_hello -x "127.0.0.1:$PPORT" ::1 "$DPORT"
	assert_delivered
	assertContains "$(<"$SC_TMP/px.err")" "connected to ::1 port $DPORT"
	# A refused destination is SOCKS5's "Connection refused".
	send_hello -x "127.0.0.1:$PPORT" 127.0.0.1 1
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
	send_hello -x "127.0.0.1:$PPORT" 127.0.0.1 "$PPORT"
	assertEquals "client status" 1 "$STATUS"
	assertEquals "sockcat: connection failed, SOCKSv5 error: Connection not allowed by ruleset" "$ERR"
	assertTrue "still serving" "kill -0 $PX_PID"
}

# A relayed client's bytes are spliced, as every session's; with
# --no-splice, copied.  Counted by strace on the proxy server.
test_server_no_splice() {
	command -v strace >/dev/null || { sc_skip "no strace"; return; }
	local opt n
	head -c 1000000 /dev/zero >"$SC_TMP/big"
	for opt in "" --no-splice; do
		# shellcheck disable=SC2086
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		    bg timeout 60 strace -f -qq -e trace=splice \
		    -o "$SC_TMP/trace" "$SC" -v -l --proxy-type socks5 $opt \
		    127.0.0.1 0 </dev/null >/dev/null 2>"$SC_TMP/px.err"
		wait_for "$SC_TMP/px.err" "^Listening on" || fail "no proxy"
		PPORT=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' \
		    "$SC_TMP/px.err")
		proxy_dest
		t 20 "$SC" -N -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT" \
		    <"$SC_TMP/big" >/dev/null
		wait_exit "$DST_PID"
		assertEquals "$opt: delivered whole" 1000000 \
		    "$(wc -c <"$SC_TMP/dst.out")"
		stop "$BG_PID"
		wait "$BG_PID" 2>/dev/null
		n=$(grep -c 'splice(' "$SC_TMP/trace")
		case $opt in
		"") assertTrue "spliced: $n calls" "[ $n -gt 0 ]" ;;
		*) assertEquals "$opt: copied" 0 "$n" ;;
		esac
	done
}

test_server_socks5_auth() {
	pserver --proxy-type socks5 --proxy-auth user:secret
	proxy_dest
	send_hello --proxy-auth user:secret -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	send_hello --proxy-auth user:wrong -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
	send_hello -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: authentication method negotiation failed" "$ERR"
}

# Wrong SOCKS5 passwords are limited as the HTTP servers' are: after five
# from an address, its answers are refused unread (status 1, then
# closed), the right one too, until it has waited.
test_server_socks5_auth_limited() {
	pserver --proxy-type socks5 --proxy-auth user:secret
	t 60 python3 -c '
import socket, sys
port = int(sys.argv[1])
def auth(pw):
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(b"\x05\x01\x02")
    assert c.recv(2) == b"\x05\x02"
    c.sendall(b"\x01\x04user" + bytes([len(pw)]) + pw)
    r = c.recv(2)
    c.close()
    return str(r[1])
print(" ".join(auth(b"wrong") for i in range(6)), auth(b"secret"))
' "$PPORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "statuses" "1 1 1 1 1 1 1" "$(<"$SC_TMP/c.out")"
	assertEquals "said" 2 "$(grep -c 'auth: 127.0.0.1 [0-9]*: too many wrong answers: refused for [0-9]* s$' "$SC_TMP/px.err")"
	assertEquals "wrong ones said" 5 \
	    "$(grep -c 'proxy: 127.0.0.1 [0-9]*: authentication failed$' "$SC_TMP/px.err")"
}

# A near miss is wrong: a prefix of the password, one longer, one with a
# NUL after the right bytes, another user with the right password (four,
# under the limit above, so that the right one is still taken).
test_server_socks5_auth_near_miss() {
	pserver --proxy-type socks5 --proxy-auth user:secret
	t 60 python3 -c '
import socket, sys
port = int(sys.argv[1])
def auth(user, pw):
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(b"\x05\x01\x02")
    assert c.recv(2) == b"\x05\x02"
    c.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(pw)]) + pw)
    r = c.recv(2)
    c.close()
    return str(r[1])
print(auth(b"user", b"secre"), auth(b"user", b"secretx"),
      auth(b"user", b"secret\x00"), auth(b"users", b"secret"),
      auth(b"user", b"secret"))
' "$PPORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 "$_st"
	assertEquals "statuses" "1 1 1 1 0" "$(<"$SC_TMP/c.out")"
}

# SOCKCAT_PROXY_AUTH gives the server its credentials, out of sight of
# ps: as --proxy-auth would.
test_server_credentials_from_the_environment() {
	SOCKCAT_PROXY_AUTH=user:secret pserver --proxy-type socks5
	proxy_dest
	send_hello --proxy-auth user:secret -x "127.0.0.1:$PPORT" 127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	send_hello -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: authentication method negotiation failed" "$ERR"
}

test_server_http() {
	pserver --proxy-type http
	proxy_dest
	send_hello -X connect -x "127.0.0.1:$PPORT" localhost "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	proxy_dest ::1
	send_hello -X connect -x "127.0.0.1:$PPORT" ::1 "$DPORT"
	assert_delivered
	send_hello -X connect -x "127.0.0.1:$PPORT" 127.0.0.1 1
	assertEquals 'sockcat: Proxy error: "HTTP/1.1 502 Bad Gateway"' "$ERR"
}

test_server_http_basic_auth() {
	pserver --proxy-type http --proxy-auth user:secret
	proxy_dest
	send_hello -X connect --proxy-auth user:secret -x "127.0.0.1:$PPORT" \
	    127.0.0.1 "$DPORT"
	assertEquals 0 "$STATUS"
	assert_delivered
	send_hello -X connect --proxy-auth user:wrong -x "127.0.0.1:$PPORT" 127.0.0.1 9
	assertEquals "sockcat: Proxy authentication failed" "$ERR"
	send_hello -X connect -x "127.0.0.1:$PPORT" 127.0.0.1 9
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
    # A label of 64 bytes: the resolver refuses the name itself, with no
    # query sent anywhere (".invalid" alone would go to the nameserver).
    bad = b"x" * 64 + b".invalid"
    print("nxdomain", s5(b"\x05\x01\x00" + b"\x05\x01\x00\x03" +
                         bytes([len(bad)]) + bad + b"\x00\x50"))
    print("truncated", s5(b"\x05\x01\x00" + b"\x05\x01"))
    print("reqversion", s5(b"\x05\x01\x00" + b"\x04\x01\x00\x01" + ip))
    print("empty", s5(b""))
    c1, r1 = tunnel_s5()
    c2, r2 = tunnel_s5()
    print("tunnel", r1[:8], r2[:8])
elif mode == "socks5auth":
    # Username and password (RFC 1929) of another version, or empty.
    print("authversion", s5(b"\x05\x01\x02" + b"\x02\x01u\x01p"))
    print("emptyuser", s5(b"\x05\x01\x02" + b"\x01\x00\x01p"))
    sys.exit(0)
elif mode == "http":
    print("get", http(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
    print("garbage", http(b"\x00\x01\x02 \xff\r\n\r\n"))
    print("noport", http(b"CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n"))
    print("badport", http(b"CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n"))
    print("bracket", http(b"CONNECT [::1:80 HTTP/1.1\r\n\r\n"))
    print("longhost", http(b"CONNECT " + b"h" * 1025 + b":80 HTTP/1.1\r\n\r\n"))
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

# A destination that breaks its connection (a reset) after 100000 bytes:
# the client of the tunnel is reset too, after all that came, never
# given a clean end it would take for the whole answer.
test_server_passes_a_reset_on() {
	pserver --proxy-type http
	t 30 python3 -c '
import socket, struct, sys, threading
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
def dest():
    c, _ = ls.accept()
    c.sendall(b"x" * 100000)
    c.recv(1)  # the client has it all
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
threading.Thread(target=dest).start()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"CONNECT 127.0.0.1:%d HTTP/1.1\r\n\r\n" % ls.getsockname()[1])
buf = b""
while b"\r\n\r\n" not in buf:
    buf += s.recv(1)
print(buf.split(b"\r\n")[0].decode())
n = 0
while n < 100000:
    n += len(s.recv(65536))
s.sendall(b".")
try:
    while s.recv(65536):
        n += 1
    print(n, "then a clean end")
except ConnectionResetError:
    print(n, "then a reset")
' "$PPORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status: $(cat "$SC_TMP/err")" 0 $?
	assertEquals "what the client saw" "HTTP/1.1 200 Connection established
100000 then a reset" "$(<"$SC_TMP/out")"
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
reqversion 0500
empty 
tunnel 05000001 05000001
echo two one
EXP
)" "$(<"$SC_TMP/probe.out")"
	assertTrue "still serving" "kill -0 $PX_PID"
}

# Credentials of another version of the sub-negotiation are refused as
# wrong ones are, and said with -v.
test_server_socks5_hostile_auth() {
	pserver --proxy-type socks5 --proxy-auth u:p
	write_probe
	t 20 python3 "$SC_TMP/probe.py" socks5auth "$PPORT" 0 \
	    >"$SC_TMP/probe.out" 2>&1
	_st=$?
	assertEquals "$(<"$SC_TMP/probe.out")" 0 "$_st"
	assertEquals "authversion 05020101
emptyuser 05020101" "$(<"$SC_TMP/probe.out")"
	assertContains "said" "$(<"$SC_TMP/px.err")" \
	    ": bad authentication version"
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
longhost 'HTTP/1.1 400 Bad Request'
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
	held_stdin slow.in 7
	printf 'CONNECT 127.0.0.1:9 HTTP/1.1\r\n' >&7
	bg_in "$SC_TMP/slow.in" t 8 "$SC" 127.0.0.1 "$PPORT" \
	    >"$SC_TMP/slow.out"
	_cpid=$BG_PID
	wait_for "$SC_TMP/slow.out" "408"
	assertEquals "HTTP/1.1 408 Request Timeout" "$(head -n 1 "$SC_TMP/slow.out" | tr -d '\r')"
	assertTrue "still serving" "kill -0 $PX_PID"
	# The client, its stdin ended, ends too.
	exec 7>&-
	wait_exit "$_cpid"
	assertEquals "the client's status" 0 "$WAIT_STATUS"
}

test_interop_with_other_netcats() {
	NC=${NC_OPENBSD:-/bin/nc.openbsd}
	command -v ncat >/dev/null && [ -x "$NC" ] ||
	    { sc_skip "nc.openbsd or ncat not installed"; return; }
	# Their clients through sockcat's proxies.  (ncat's own HTTP proxy
	# cannot be bound to loopback only, so it is not used here.)
	pserver --proxy-type socks5
	proxy_dest
	echo hello | t 5 "$NC" -N -X 5 -x "127.0.0.1:$PPORT" localhost "$DPORT"
	assertEquals "nc.openbsd via socks5" 0 $?
	assert_delivered
	proxy_dest
	echo hello | t 5 ncat --send-only --proxy "127.0.0.1:$PPORT" \
	    --proxy-type socks5 127.0.0.1 "$DPORT"
	assertEquals "ncat via socks5" 0 $?
	assert_delivered
	sc_cleanup
	pserver --proxy-type http --proxy-auth user:secret
	proxy_dest
	echo hello | t 5 ncat --send-only --proxy "127.0.0.1:$PPORT" \
	    --proxy-type http --proxy-auth user:secret 127.0.0.1 "$DPORT"
	assertEquals "ncat via http" 0 $?
	assert_delivered
}

test_server_command_line() {
	expect_error "a proxy server speaks socks5 or http" -l 0 --proxy-type 4
	expect_error "a proxy server needs --proxy-auth user:password" \
	    -l 127.0.0.1 0 --proxy-type http --proxy-auth user
	expect_error "a proxy server needs --proxy-auth user:password" \
	    -l 127.0.0.1 0 --proxy-type socks5 -P user
	# Where its clients' names are looked up is theirs to say.
	expect_error "--proxy-dns is where a proxy's client has names looked up: a proxy server takes none" \
	    -l 127.0.0.1 0 --proxy-type socks5 --proxy-dns local
	# Credentials longer than SOCKS5 and HTTP carry.
	expect_error "Proxy username/password too long" -l 127.0.0.1 0 \
	    --proxy-type socks5 --proxy-auth "$(printf '%0256d' 0):p"
	# -X is -x's protocol: a listener has no proxy, and is none.
	expect_error "-X is the protocol of -x's proxy, which a listener has none of: --proxy-type socks5 or http makes it a proxy server" \
	    -l 127.0.0.1 0 -X 5
	server plain -l 127.0.0.1 0 || fail "no listener"
	# Its port taken: the proxy server cannot listen there.
	expect_error "Address already in use (127.0.0.1 port $PORT)" \
	    -l 127.0.0.1 "$PORT" --proxy-type http
	echo plain | t 5 "$SC" -N 127.0.0.1 "$PORT"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/plain.out" "plain"
}

sc_run_shunit2
