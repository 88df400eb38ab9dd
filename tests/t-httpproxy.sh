#!/bin/bash
# The HTTP proxy server (-l --proxy-type http): GET, HEAD and POST with
# absolute URIs forwarded in origin form on a connection of their own,
# Digest authentication (MD5, SHA-256) beside Basic, folded header lines
# refused, and the status codes 414, 431, 502 and 504.  ncat and curl are
# the clients where they are installed.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

# An HTTP proxy server, its port in PPORT.
proxy() {
	server px -l --proxy-type http "$@" 127.0.0.1 0 || fail "no proxy"
	PPORT=$PORT
}

# ask TEXT: send TEXT (printf format) to the proxy; the answer is in ans.
ask() {
	# shellcheck disable=SC2059
	printf "$@" | t 20 "$SC" 127.0.0.1 "$PPORT" >"$SC_TMP/ans" 2>&1
}

test_get_is_forwarded_in_origin_form() {
	origin
	proxy
	ask 'GET http://127.0.0.1:%s/a/b?c=d HTTP/1.1\r\nHost: x\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\n\r\n' "$OPORT"
	assertContains "the origin's answer" "$(<"$SC_TMP/ans")" \
	    "origin says hi"
	wait_for "$SC_TMP/origin.out" '^Connection: close' 15 ||
	    fail "no Connection: close"
	assertEquals "request line" "GET /a/b?c=d HTTP/1.1" \
	    "$(head -n 1 "$SC_TMP/origin.out" | tr -d '\r')"
	assertNotContains "hop-by-hop headers go" \
	    "$(<"$SC_TMP/origin.out")" "keep-alive"
	assertContains "the URI's Host, not the client's" \
	    "$(<"$SC_TMP/origin.out")" "Host: 127.0.0.1:$OPORT"
	assertNotContains "$(<"$SC_TMP/origin.out")" "Host: x"
}

test_post_bodies_are_relayed() {
	origin
	proxy
	ask 'POST http://127.0.0.1:%s/form HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\nname=me' "$OPORT"
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	wait_for "$SC_TMP/origin.out" 'name=me' 15 || fail "no body"
	kill "$OPID"
	wait "$OPID" 2>/dev/null
	origin
	ask 'POST http://127.0.0.1:%s/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' "$OPORT"
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	wait_for "$SC_TMP/origin.out" '^abc' 15 || fail "no chunked body"
	assertEquals "POST /c HTTP/1.1" \
	    "$(head -n 1 "$SC_TMP/origin.out" | tr -d '\r')"
}

test_curl_through_the_proxy() {
	command -v curl >/dev/null || { sc_skip "curl not installed"; return; }
	origin
	proxy --proxy-auth alice:secret
	for how in --proxy-basic --proxy-digest; do
		t 20 curl -sS "$how" -U alice:secret -x "http://127.0.0.1:$PPORT" \
		    "http://127.0.0.1:$OPORT/x" >"$SC_TMP/ans" 2>&1
		assertEquals "$how" "origin says hi" "$(<"$SC_TMP/ans")"
		kill "$OPID"
		wait "$OPID" 2>/dev/null
		origin
	done
	t 20 curl -sS --proxy-digest -U alice:wrong -o /dev/null \
	    -w '%{http_code}' -x "http://127.0.0.1:$PPORT" \
	    "http://127.0.0.1:$OPORT/x" >"$SC_TMP/ans" 2>&1
	assertEquals "wrong password" 407 "$(<"$SC_TMP/ans")"
}

test_ncat_digest_client() {
	command -v ncat >/dev/null || { sc_skip "ncat not installed"; return; }
	held_stdin dst 8
	SERVER_STDIN=$SC_TMP/dst server dst -l 127.0.0.1 0 || fail "no dst"
	DPORT=$PORT
	proxy --proxy-auth alice:secret
	echo through | t 20 ncat --proxy-type http --proxy \
	    "127.0.0.1:$PPORT" --proxy-auth alice:secret 127.0.0.1 "$DPORT" \
	    >/dev/null 2>"$SC_TMP/ncat.err" &
	wait_for "$SC_TMP/dst.out" '^through$' 15 || fail "ncat: no tunnel"
	assertNotContains "$(<"$SC_TMP/ncat.err")" "407"
}

# A Digest answer computed here, for SHA-256 and MD5, and a wrong one.
digest_connect() {
	t 30 python3 - "$PPORT" "$1" "$2" "$3" <<'EOF'
import hashlib, re, socket, sys
port, alg, user, pw = int(sys.argv[1]), sys.argv[2], "alice", sys.argv[3]
target = "127.0.0.1:%s" % sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1:9"
def talk(extra):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("CONNECT %s HTTP/1.1\r\n%s\r\n" % (target, extra)).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    s.close()
    return data.decode("latin-1")
first = talk("")
m = re.search(r'Digest realm="([^"]*)", qop="auth", algorithm=%s, '
              r'nonce="([^"]*)"' % re.escape(alg), first)
realm, nonce = m.group(1), m.group(2)
h = (lambda x: hashlib.sha256(x.encode()).hexdigest()) if alg == "SHA-256" \
    else (lambda x: hashlib.md5(x.encode()).hexdigest())
ha1 = h("%s:%s:%s" % (user, realm, pw))
ha2 = h("CONNECT:%s" % target)
resp = h("%s:%s:00000001:abcdef:auth:%s" % (ha1, nonce, ha2))
print(talk('Proxy-Authorization: Digest username="%s", realm="%s", '
           'nonce="%s", uri="%s", algorithm=%s, qop=auth, nc=00000001, '
           'cnonce="abcdef", response="%s"\r\n'
           % (user, realm, nonce, target, alg, resp)).split("\r\n")[0])
EOF
}

test_digest_sha256_and_md5() {
	held_stdin dst 8
	SERVER_STDIN=$SC_TMP/dst server dst -l -k 127.0.0.1 0 || fail "no dst"
	DPORT=$PORT
	proxy --proxy-auth alice:secret
	assertEquals "SHA-256" "HTTP/1.1 200 Connection established" \
	    "$(digest_connect SHA-256 secret "$DPORT")"
	assertEquals "MD5" "HTTP/1.1 200 Connection established" \
	    "$(digest_connect MD5 secret "$DPORT")"
	assertEquals "wrong password" \
	    "HTTP/1.1 407 Proxy Authentication Required" \
	    "$(digest_connect SHA-256 wrong "$DPORT")"
}

test_folded_headers_are_refused() {
	proxy --proxy-auth alice:secret
	ask 'CONNECT 127.0.0.1:9 HTTP/1.1\r\nProxy-Authorization: Basic\r\n YWxpY2U6c2VjcmV0\r\n\r\n'
	assertEquals "HTTP/1.1 400 Bad Request" \
	    "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
	ask 'CONNECT 127.0.0.1:9 HTTP/1.1\r\nProxy-Authorization: Basic YWxpY2U6c2VjcmV0\r\n extra\r\n\r\n'
	assertEquals "a partial value is never taken" \
	    "HTTP/1.1 400 Bad Request" "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
}

test_status_414_and_431() {
	proxy
	ask 'GET http://127.0.0.1:9/%s HTTP/1.1\r\n\r\n' \
	    "$(head -c 9000 /dev/zero | tr '\0' a)"
	assertEquals "HTTP/1.1 414 URI Too Long" \
	    "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
	ask 'CONNECT 127.0.0.1:9 HTTP/1.1\r\nX: %s\r\n\r\n' \
	    "$(head -c 9000 /dev/zero | tr '\0' a)"
	assertEquals "HTTP/1.1 431 Request Header Fields Too Large" \
	    "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
}

test_status_502_refused() {
	server gone -l 127.0.0.1 0 || fail "no server"
	GONE=$PORT
	kill "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	proxy
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\r\n\r\n' "$GONE"
	assertEquals "HTTP/1.1 502 Bad Gateway" \
	    "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
}

test_status_504_no_answer() {
	# A listener whose backlog is full: the kernel drops further SYNs,
	# so a connection to it is never answered.
	: >"$SC_TMP/full.port"
	bg t 40 python3 -c '
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)
fill = []
for i in range(3):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(l.getsockname())
    fill.append(c)
time.sleep(0.5)
print(l.getsockname()[1], flush=True)
time.sleep(40)' >"$SC_TMP/full.port"
	wait_for "$SC_TMP/full.port" '^[0-9]+$' 30 || fail "no full listener"
	proxy -w 2
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\r\n\r\n' "$(<"$SC_TMP/full.port")"
	assertEquals "HTTP/1.1 504 Gateway Timeout" \
	    "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
}

sc_run_shunit2
