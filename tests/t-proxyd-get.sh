#!/bin/bash
# The HTTP proxy server (-l --proxy-type http): GET, HEAD and POST with
# absolute URIs forwarded in origin form on a connection of their own,
# Digest authentication (MD5, SHA-256) beside Basic, folded header lines
# refused, and the status codes 414, 431, 502 and 504.  ncat and curl are
# the clients where they are installed.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

# An HTTP proxy server, its port in PPORT, its process in PX_PID.
proxy() {
	server px -l --proxy-type http "$@" 127.0.0.1 0 || fail "no proxy"
	PPORT=$PORT
	PX_PID=$SERVER_PID
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

# A forwarded request's credentials are the proxy's: they go, and every
# header line after them goes on to the origin.
test_get_with_credentials_keeps_its_headers() {
	origin
	proxy --proxy-auth user:secret
	ask 'GET http://127.0.0.1:%s/ HTTP/1.1\r\nX-Before: 1\r\nProxy-Authorization: Basic dXNlcjpzZWNyZXQ=\r\nX-After: 2\r\n\r\n' "$OPORT"
	assertContains "the origin's answer" "$(<"$SC_TMP/ans")" \
	    "origin says hi"
	wait_for "$SC_TMP/origin.out" '^Connection: close' 15 ||
	    fail "no Connection: close"
	assertEquals "the origin's request" "GET / HTTP/1.1
Host: 127.0.0.1:$OPORT
X-Before: 1
X-After: 2
Connection: close" "$(tr -d '\r' <"$SC_TMP/origin.out")"
}

test_post_bodies_are_relayed() {
	origin
	proxy
	ask 'POST http://127.0.0.1:%s/form HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\nname=me' "$OPORT"
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	wait_for "$SC_TMP/origin.out" 'name=me' 15 || fail "no body"
	stop "$OPID"
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
		stop "$OPID"
		wait "$OPID" 2>/dev/null
		origin
	done
	t 20 curl -sS --proxy-digest -U alice:wrong -o /dev/null \
	    -w '%{http_code}' -x "http://127.0.0.1:$PPORT" \
	    "http://127.0.0.1:$OPORT/x" >"$SC_TMP/ans" 2>&1
	assertEquals "wrong password" 407 "$(<"$SC_TMP/ans")"
}

# -o and --hex-dump log each relayed request, its lines labelled with
# its number and the client's address; --timestamp stamps them; --delay
# paces each way: the origin's answer, in two writes, reaches curl 300 ms
# apart at least.
test_curl_logged_stamped_and_paced() {
	command -v curl >/dev/null || { sc_skip "curl not installed"; return; }
	held_stdin oin 8
	printf 'HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n' >&8
	SERVER_STDIN=$SC_TMP/oin server origin -N -l 127.0.0.1 0 ||
	    fail "no origin"
	OPORT=$PORT
	proxy --hex-dump "$SC_TMP/hex" -o "$SC_TMP/raw" --timestamp=relative \
	    --delay 300ms
	bg t 20 curl -sS -x "http://127.0.0.1:$PPORT" \
	    "http://127.0.0.1:$OPORT/x" -o "$SC_TMP/ans"
	wait_for "$SC_TMP/hex" ' > 00000000  48 54 54 50' 15 || fail "no head"
	printf 'origin says hi' >&8
	exec 8>&-
	wait_exit "$BG_PID"
	assertEquals "the origin's answer" "origin says hi" "$(<"$SC_TMP/ans")"
	wait_for "$SC_TMP/hex" ' > 00000027  6f 72 69 67' 15 || fail "no body"
	assertTrue "labelled and stamped: $(<"$SC_TMP/hex")" \
	    "grep -Eq '^[0-9]+\.[0-9]{3} #1 127\.0\.0\.1 [0-9]+ < 00000000  47 45 54 20 2f 78 ' '$SC_TMP/hex'"
	body=$(awk '$5 == ">" && $6 == "00000027" { print $1 }' "$SC_TMP/hex")
	assertTrue "the body 300 ms after the head at least: $body" \
	    "awk -v s='$body' 'BEGIN { exit !(s >= 0.299) }'"
	assertTrue "the raw log stamped: $(<"$SC_TMP/raw")" \
	    "grep -Eqx '[0-9]+\.[0-9]{3} origin says hi' '$SC_TMP/raw'"
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

# connect_py: the Python the digest clients below start with: talk(extra)
# sends a CONNECT for target with the header lines extra to the proxy on
# port (target and port are the script's own), and returns the answer
# up to the end of its head.
connect_py() {
	cat <<'EOF'
import hashlib, re, socket, sys
def talk(extra):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(("CONNECT %s HTTP/1.1\r\n%s\r\n" % (target, extra)).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    s.close()
    return data.decode("latin-1")
EOF
}

# A Digest answer computed here, for SHA-256 and MD5, and a wrong one;
# with a fourth argument "2069", RFC 2069's answer, without qop.
digest_connect() {
	{ connect_py; cat <<'EOF'; } |
port, alg, user, pw = int(sys.argv[1]), sys.argv[2], "alice", sys.argv[3]
target = "127.0.0.1:%s" % sys.argv[4]
rfc2069 = sys.argv[5] == "2069"
first = talk("")
m = re.search(r'Digest realm="([^"]*)", qop="auth", algorithm=%s, '
              r'nonce="([^"]*)"' % re.escape(alg), first)
realm, nonce = m.group(1), m.group(2)
h = (lambda x: hashlib.sha256(x.encode()).hexdigest()) if alg == "SHA-256" \
    else (lambda x: hashlib.md5(x.encode()).hexdigest())
ha1 = h("%s:%s:%s" % (user, realm, pw))
ha2 = h("CONNECT:%s" % target)
if rfc2069:
    resp = h("%s:%s:%s" % (ha1, nonce, ha2))
    qop = ""
else:
    resp = h("%s:%s:00000001:abcdef:auth:%s" % (ha1, nonce, ha2))
    qop = 'qop=auth, nc=00000001, cnonce="abcdef", '
print(talk('Proxy-Authorization: Digest username="%s", realm="%s", '
           'nonce="%s", uri="%s", algorithm=%s, %sresponse="%s"\r\n'
           % (user, realm, nonce, target, alg, qop, resp)).split("\r\n")[0])
EOF
	    t 30 python3 - "$PPORT" "$1" "$2" "$3" "${4:-}"
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

# RFC 2069's digest, without qop, from a client that knows no better: the
# answer to our challenge is checked all the same, never refused as such.
test_digest_without_qop() {
	held_stdin dst 8
	SERVER_STDIN=$SC_TMP/dst server dst -l -k 127.0.0.1 0 || fail "no dst"
	DPORT=$PORT
	proxy --proxy-auth alice:secret
	assertEquals "MD5" "HTTP/1.1 200 Connection established" \
	    "$(digest_connect MD5 secret "$DPORT" 2069)"
	assertEquals "SHA-256" "HTTP/1.1 200 Connection established" \
	    "$(digest_connect SHA-256 secret "$DPORT" 2069)"
	assertEquals "wrong password" \
	    "HTTP/1.1 407 Proxy Authentication Required" \
	    "$(digest_connect MD5 wrong "$DPORT" 2069)"
}

# digest_py STEPS [ARGS]: run, against the proxy at PPORT with credentials
# alice:secret, a Python client with talk(extra) (a CONNECT to DPORT with
# the header line extra; its answer), challenge() (a new nonce),
# answer(nonce, nc, qop=True, pw="secret") (a Digest header line) and
# status(answer) (its code, and "stale" when it says stale=true), then
# STEPS (ARGS are sys.argv[3:]); its output is in SC_TMP/digest.
digest_py() {
	{ connect_py; cat <<'EOF'; } >"$SC_TMP/digest.py"
port, target = int(sys.argv[1]), "127.0.0.1:%s" % sys.argv[2]
def challenge():
    return re.search(r'algorithm=MD5, nonce="([^"]*)"', talk("")).group(1)
def h(x):
    return hashlib.md5(x.encode()).hexdigest()
def answer(nonce, nc, qop=True, pw="secret"):
    ha1, ha2 = h("alice:sockcat:%s" % pw), h("CONNECT:%s" % target)
    if qop:
        resp = h("%s:%s:%08x:c%d:auth:%s" % (ha1, nonce, nc, nc, ha2))
        q = 'qop=auth, nc=%08x, cnonce="c%d", ' % (nc, nc)
    else:
        resp, q = h("%s:%s:%s" % (ha1, nonce, ha2)), ""
    return ('Proxy-Authorization: Digest username="alice", realm="sockcat", '
            'nonce="%s", uri="%s", algorithm=MD5, %sresponse="%s"\r\n'
            % (nonce, target, q, resp))
def status(text):
    return text.split("\r\n")[0].split(" ")[1] + \
        (" stale" if "stale=true" in text else "")
EOF
	echo "$1" >>"$SC_TMP/digest.py"
	t 60 python3 "$SC_TMP/digest.py" "$PPORT" "$DPORT" "${@:2}" \
	    >"$SC_TMP/digest" 2>&1
}

# A Digest answer is good once: each nonce's count (nc) must grow, a
# nonce without qop is used once, and a nonce long superseded is stale.
# A right answer with a spent nonce gets a 407 with stale=true (the client
# answers the new nonce without asking for the password again), a wrong
# one a plain 407.  Each line: the status, and "stale" when it says so.
test_digest_nonce_is_spent() {
	held_stdin dst 8
	SERVER_STDIN=$SC_TMP/dst server dst -l -k 127.0.0.1 0 || fail "no dst"
	DPORT=$PORT
	proxy --proxy-auth alice:secret
	digest_py '
n = challenge()
a = answer(n, 1)
print("first", status(talk(a)))
print("replayed", status(talk(a)))
print("next", status(talk(answer(n, 2))))
print("same nc", status(talk(answer(n, 2))))
print("lower nc", status(talk(answer(n, 1))))
m = challenge()
print("no qop", status(talk(answer(m, 1, qop=False))))
print("no qop again", status(talk(answer(m, 1, qop=False))))
print("wrong password", status(talk(answer(challenge(), 1, pw="wrong"))))
old = challenge()
for i in range(300):
    challenge()
print("superseded", status(talk(answer(old, 1))))
print("made up", status(talk(answer("%056x" % 1, 1))))
'
	assertEquals "$(cat <<'EXP'
first 200
replayed 407 stale
next 200
same nc 407 stale
lower nc 407 stale
no qop 200
no qop again 407 stale
wrong password 407
superseded 407 stale
made up 407
EXP
)" "$(<"$SC_TMP/digest")"
}

# A nonce lasts five minutes: the proxy's clock is moved on by libfaketime
# (Debian's faketime), which does not mix with AddressSanitizer.
test_digest_nonce_expires() {
	local real=$SC

	faketime_sockcat || return 0
	held_stdin dst 8
	SERVER_STDIN=$SC_TMP/dst server dst -l -k 127.0.0.1 0 || fail "no dst"
	DPORT=$PORT
	SC=$SC_TMP/ft-sockcat
	proxy --proxy-auth alice:secret
	SC=$real
	digest_py '
n, m = challenge(), challenge()
print("fresh", status(talk(answer(n, 1))))
open(sys.argv[3], "w").write("+6m\n")
print("six minutes on", status(talk(answer(m, 1))))
print("used again", status(talk(answer(n, 2))))
print("a new one", status(talk(answer(challenge(), 1))))
' "$SC_TMP/clock"
	assertEquals "$(cat <<'EXP'
fresh 200
six minutes on 407 stale
used again 407 stale
a new one 200
EXP
)" "$(<"$SC_TMP/digest")"
}

# ncat's HTTP proxy server, to compare with; its port in PPORT.
ncat_proxy() {
	PPORT=$(free_port) || fail "no free port"
	: >"$SC_TMP/ncat.err"
	bg t 30 ncat -v -l --proxy-type http 127.0.0.1 "$PPORT" \
	    2>"$SC_TMP/ncat.err"
	wait_for "$SC_TMP/ncat.err" 'Listening on' || fail "ncat: no proxy"
}

# A new origin server in place of the last one.
next_origin() {
	stop "$OPID"
	wait "$OPID" 2>/dev/null
	origin
}

# What the origin got after the header block, once the proxy is done.
origin_body() {
	wait_exit "$OPID" 15
	awk 'b { print } /^\r?$/ { b = 1 }' "$SC_TMP/origin.out"
}

# RFC 9110, section 7.6.1: the fields named in Connection are for this hop.
test_connection_names_fields_for_this_hop() {
	req='GET http://127.0.0.1:%s/ HTTP/1.1\r\nHost: x\r\nConnection: Two, close\r\nTwo: 2\r\nThree: 3\r\nConnection: four\r\nFour: 4\r\n\r\n'
	origin
	proxy
	ask "$req" "$OPORT"
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	wait_exit "$OPID" 15
	assertNotContains "$(<"$SC_TMP/origin.out")" "Two:"
	assertNotContains "$(<"$SC_TMP/origin.out")" "Four:"
	assertContains "$(<"$SC_TMP/origin.out")" "Three: 3"
	have_ncat || return 0
	next_origin
	ncat_proxy
	ask "$req" "$OPORT"
	assertContains "ncat" "$(<"$SC_TMP/ans")" "origin says hi"
	wait_exit "$OPID" 15
	assertNotContains "ncat" "$(<"$SC_TMP/origin.out")" "Two:"
	assertContains "ncat" "$(<"$SC_TMP/origin.out")" "Three: 3"
}

# The body is as long as Content-Length says: what follows is not the
# origin's.
test_post_body_ends_at_its_length() {
	req='POST http://127.0.0.1:%s/f HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nabc\n'
	origin
	proxy
	ask "$req" "$OPORT"
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	assertEquals "the body" "ab" "$(origin_body)"
	assertContains "the length kept" "$(<"$SC_TMP/origin.out")" \
	    "Content-Length: 2"
	# The body read as it comes, after the request has gone on: its
	# end is counted down where it falls.
	stop "$OPID"
	wait "$OPID" 2>/dev/null
	chunk_origin abcde
	ask_split 'POST http://127.0.0.1:'"$OPORT"'/f HTTP/1.1\r\nContent-Length: 5\r\n\r\nab' \
	    'cdeGET /smuggled HTTP/1.1\r\n\r\n'
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	assertEquals "in pieces" "abcde" "$(origin_body)"
	assertNotContains "$(<"$SC_TMP/origin.out")" "smuggled"
	# A GET has no body: what follows its header goes nowhere either.
	origin
	ask 'GET http://127.0.0.1:%s/ HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n' \
	    "$OPORT"
	assertEquals "after a GET" "" "$(origin_body)"
	# Two lengths, or a length and a coding: where would it end?
	ask 'POST http://127.0.0.1:9/ HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc'
	assertEquals "HTTP/1.1 400 Bad Request" \
	    "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
	ask 'POST http://127.0.0.1:9/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc'
	assertEquals "HTTP/1.1 400 Bad Request" \
	    "$(head -n 1 "$SC_TMP/ans" | tr -d '\r')"
	have_ncat || return 0
	next_origin
	ncat_proxy
	ask "$req" "$OPORT"
	assertContains "ncat" "$(<"$SC_TMP/ans")" "origin says hi"
	assertEquals "ncat's body" "ab" "$(origin_body)"
}

# ask_split FIRST REST: send FIRST to the proxy, then, once the proxy has
# reached the origin (-v says so, in a line px.err did not hold before),
# REST: the rest is read as it comes, not with the request.  The answer is
# in ans.
ask_split() {
	t 20 python3 -c '
import socket, sys, time
port, first, rest, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
seen = open(log).read().count("connected to")
c = socket.create_connection(("127.0.0.1", port), timeout=15)
c.sendall(first.encode().decode("unicode_escape").encode("latin-1"))
end = time.monotonic() + 15
while open(log).read().count("connected to") == seen and time.monotonic() < end:
    time.sleep(0.02)
c.sendall(rest.encode().decode("unicode_escape").encode("latin-1"))
r = b""
while True:
    d = c.recv(4096)
    if not d:
        break
    r += d
sys.stdout.write(r.decode("latin-1"))
' "$PPORT" "$1" "$2" "$SC_TMP/px.err" >"$SC_TMP/ans" 2>&1
}

# An origin that answers once it has read a whole chunked body (origin()
# answers at once), and then takes what else comes until the proxy
# closes: all it read is origin.out.  Its port in OPORT, its process in
# OPID.
chunk_origin() {
	: >"$SC_TMP/origin.port"
	bg t 30 python3 -c '
import socket, sys
mark = sys.argv[3].encode().decode("unicode_escape").encode("latin-1")
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
open(sys.argv[1], "w").write("%d\n" % l.getsockname()[1])
c, _ = l.accept()
got, answered = b"", False
while True:
    d = c.recv(4096)
    if not d:
        break
    got += d
    open(sys.argv[2], "wb").write(got)
    if not answered and mark in got:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\norigin says hi")
        c.shutdown(socket.SHUT_WR)
        answered = True
' "$SC_TMP/origin.port" "$SC_TMP/origin.out" "${1:-\\r\\n0\\r\\n\\r\\n}"
	OPID=$BG_PID
	wait_for "$SC_TMP/origin.port" '^[0-9]+$' || fail "no origin"
	OPORT=$(<"$SC_TMP/origin.port")
}

# The status line of the answer in ans.
status() {
	head -n 1 "$SC_TMP/ans" | tr -d '\r'
}

# A chunked body ends with its last chunk and trailers: what follows is
# not the origin's, or a request smuggled in after a body would reach it
# unseen by the proxy.
test_chunked_body_ends_at_its_last_chunk() {
	head='POST http://127.0.0.1:%s/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: %s\r\n\r\n'
	smuggled='GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'
	origin
	proxy
	ask "$head"'3\r\nabc\r\n0\r\n\r\n'"$smuggled" "$OPORT" chunked
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	assertEquals "the body" "$(printf '3\nabc\n0')" \
	    "$(origin_body | tr -d '\r')"
	assertNotContains "$(<"$SC_TMP/origin.out")" "smuggled"
	assertContains "said with -v" "$(<"$SC_TMP/px.err")" \
	    "bytes after the request's body dropped"
	# Extensions, trailers, bare LF line ends, another coding first.
	next_origin
	ask "$head"'3;a=1;b="x;y"\r\nabc\n10\r\n0123456789abcdef\r\n0\r\nX-Sum: 1\r\n\r\n'"$smuggled" \
	    "$OPORT" 'gzip, chunked'
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	assertEquals "extensions and trailers" \
	    "$(printf '3;a=1;b="x;y"\nabc\n10\n0123456789abcdef\n0\nX-Sum: 1')" \
	    "$(origin_body | tr -d '\r')"
	assertNotContains "$(<"$SC_TMP/origin.out")" "smuggled"
	# The body read as it comes, after the request has gone on.
	stop "$OPID"
	wait "$OPID" 2>/dev/null
	chunk_origin
	ask_split 'POST http://127.0.0.1:'"$OPORT"'/c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab' \
	    'cde\r\n0\r\n\r\n'"$smuggled"
	assertContains "$(<"$SC_TMP/ans")" "origin says hi"
	assertEquals "in pieces" "$(printf '5\nabcde\n0')" \
	    "$(origin_body | tr -d '\r')"
	assertNotContains "$(<"$SC_TMP/origin.out")" "smuggled"
	# Broken after the request has gone on: the connection ends.
	chunk_origin
	ask_split 'POST http://127.0.0.1:'"$OPORT"'/c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab' \
	    'cdeXY\r\n0\r\n\r\n'"$smuggled"
	assertContains "said with -v" "$(<"$SC_TMP/px.err")" \
	    "chunk data longer than its size"
	wait_exit "$OPID" 15
	assertNotContains "$(<"$SC_TMP/origin.out")" "smuggled"
	assertTrue "still serving" "kill -0 $PX_PID"
}

# A body whose end the proxy and the origin could see in different places
# is refused before it goes anywhere: 400.
test_chunked_body_refused_when_unsound() {
	proxy
	ask 'POST http://127.0.0.1:9/ HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n'
	assertEquals "chunked not last" "HTTP/1.1 400 Bad Request" "$(status)"
	ask 'POST http://127.0.0.1:9/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n'
	assertEquals "chunked twice" "HTTP/1.1 400 Bad Request" "$(status)"
	ask 'POST http://127.0.0.1:9/ HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n'
	assertEquals "not chunked" "HTTP/1.1 400 Bad Request" "$(status)"
	ask 'POST http://127.0.0.1:9/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n'
	assertEquals "in HTTP/1.0" "HTTP/1.1 400 Bad Request" "$(status)"
	ask 'POST http://127.0.0.1:9/ HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n'
	assertEquals "a blank before the colon" "HTTP/1.1 400 Bad Request" \
	    "$(status)"
	for body in 'zz\r\n' '10000000000000\r\n' '3\r\nabcd\r\n' \
	    '3\rabc\r\n0\r\n\r\n' '0\r\n X: 1\r\n\r\n'; do
		origin
		ask 'POST http://127.0.0.1:%s/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'"$body" \
		    "$OPORT"
		assertEquals "$body" "HTTP/1.1 400 Bad Request" "$(status)"
		wait_exit "$OPID" 15
		assertEquals "$body: nothing reached the origin" "" \
		    "$(<"$SC_TMP/origin.out")"
	done
}

# An absolute URI the proxy cannot take is answered 400 and said with
# -v: a query with no path, user information, a bracketed host left
# open or followed by something else than a port, no host, a port that
# is no number or too large, another scheme; a method of another kind
# is 405, a Content-Length that is no number 400.
test_bad_requests_answered() {
	proxy -k
	while IFS='|' read -r req want why; do
		n=$(grep -c ": $why\$" "$SC_TMP/px.err")
		ask "$req"
		assertEquals "$req" "$want" "$(status)"
		wait_lines "$SC_TMP/px.err" ": $why\$" $((n + 1)) ||
		    fail "$req: not said: $(tail -n 1 "$SC_TMP/px.err")"
	done <<-'EOF'
	GET http://127.0.0.1?x HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|no path before the query
	GET http://u@127.0.0.1/ HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|user information in URI
	GET http://[::1/ HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|bad host
	GET http://[::1]x/ HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|bad host
	GET http:/// HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|bad host
	GET http://h:x/ HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|bad port
	GET http://h:99999/ HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|bad port
	GET ftp://127.0.0.1:9/ HTTP/1.1\r\n\r\n|HTTP/1.1 400 Bad Request|not an absolute http URI
	PUT http://127.0.0.1:9/ HTTP/1.1\r\n\r\n|HTTP/1.1 405 Method Not Allowed|method not allowed
	POST http://127.0.0.1:9/ HTTP/1.1\r\nContent-Length: 1x\r\n\r\n|HTTP/1.1 400 Bad Request|bad Content-Length
	EOF
	stop "$PX_PID"
}

# A CR is only part of a line end (RFC 9112, section 2.2): a bare one in
# a header would end a line for some origins and not for the proxy.
test_bare_cr_in_a_header_is_400() {
	origin
	proxy
	ask 'GET http://127.0.0.1:%s/ HTTP/1.1\r\nX-A: a\rX-Injected: 1\r\n\r\n' \
	    "$OPORT"
	assertEquals "HTTP/1.1 400 Bad Request" "$(status)"
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\r\nX-A: a\r\r\n\r\n' "$OPORT"
	assertEquals "CONNECT" "HTTP/1.1 400 Bad Request" "$(status)"
	assertEquals "nothing reached the origin" "" \
	    "$(<"$SC_TMP/origin.out")"
}

# Can this host listen on ::1?
have_ipv6() {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	    2>/dev/null
}

# loop ADDR TARGET [connect]: a proxy listening on ADDR, asked (at ADDR,
# or loopback when ADDR is every address) for http://TARGET:ITS_PORT/, or
# with "connect" for a tunnel to TARGET:ITS_PORT.
loop() {
	server px -l --proxy-type http --allow 0.0.0.0/0 --allow ::/0 \
	    "$1" 0 || fail "no proxy on $1"
	to=$1
	case $1 in
	0.0.0.0) to=127.0.0.1 ;;
	::) to=::1 ;;
	esac
	_req='GET http://%s:%s/ HTTP/1.1\r\nHost: x\r\n\r\n'
	[ "${3:-}" = connect ] && _req='CONNECT %s:%s HTTP/1.1\r\n\r\n'
	# shellcheck disable=SC2059
	printf "$_req" "$2" "$PORT" |
	    t 20 "$SC" "$to" "$PORT" >"$SC_TMP/ans" 2>&1
	stop "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	head -n 1 "$SC_TMP/ans" | tr -d '\r'
}

# A request for the proxy itself would come back to it for ever.
test_request_for_the_proxy_itself_is_403() {
	assertEquals "own address" "HTTP/1.1 403 Forbidden" \
	    "$(loop 127.0.0.1 127.0.0.1)"
	assertEquals "own name" "HTTP/1.1 403 Forbidden" \
	    "$(loop 127.0.0.1 localhost)"
	assertEquals "every address" "HTTP/1.1 403 Forbidden" \
	    "$(loop 0.0.0.0 127.0.0.1)"
	assertEquals "every address, another of the host's" \
	    "HTTP/1.1 403 Forbidden" "$(loop 0.0.0.0 127.0.0.2)"
	# The same port at another address is another server (none here).
	assertEquals "not itself" "HTTP/1.1 502 Bad Gateway" \
	    "$(loop 127.0.0.1 127.0.0.2)"
	if have_ipv6; then
		assertEquals "IPv6" "HTTP/1.1 403 Forbidden" \
		    "$(loop ::1 '[::1]')"
		assertEquals "IPv6, every address" "HTTP/1.1 403 Forbidden" \
		    "$(loop :: '[::1]')"
	else
		echo "no IPv6 loopback: IPv4 only"
	fi
	have_ncat || return 0
	ncat_proxy
	ask 'GET http://127.0.0.1:%s/ HTTP/1.1\r\n\r\n' "$PPORT"
	assertContains "ncat" "$(head -n 1 "$SC_TMP/ans")" "403"
}

# A tunnel to the proxy itself nests one connection in another, each
# holding two descriptors, for as long as the client likes.
test_connect_to_the_proxy_itself_is_403() {
	assertEquals "own address" "HTTP/1.1 403 Forbidden" \
	    "$(loop 127.0.0.1 127.0.0.1 connect)"
	assertEquals "own name" "HTTP/1.1 403 Forbidden" \
	    "$(loop 127.0.0.1 localhost connect)"
	assertEquals "0.0.0.0 is this host" "HTTP/1.1 403 Forbidden" \
	    "$(loop 127.0.0.1 0.0.0.0 connect)"
	assertEquals "every address" "HTTP/1.1 403 Forbidden" \
	    "$(loop 0.0.0.0 127.0.0.1 connect)"
	assertEquals "every address, another of the host's" \
	    "HTTP/1.1 403 Forbidden" "$(loop 0.0.0.0 127.0.0.2 connect)"
	assertContains "said with -v" "$(<"$SC_TMP/px.err")" \
	    "request loop: the target is this proxy"
	assertEquals "not itself" "HTTP/1.1 502 Bad Gateway" \
	    "$(loop 127.0.0.1 127.0.0.2 connect)"
	if have_ipv6; then
		assertEquals "IPv6" "HTTP/1.1 403 Forbidden" \
		    "$(loop ::1 '[::1]' connect)"
		assertEquals "IPv6, every address" "HTTP/1.1 403 Forbidden" \
		    "$(loop :: '[::1]' connect)"
	fi
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
	GONE=$(free_port) || fail "no free port"
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
