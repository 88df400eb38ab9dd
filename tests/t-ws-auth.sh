#!/bin/bash
# Issue 56: a WebSocket server that asks who its clients are (--auth,
# --auth-file, --auth-token).  curl with Basic, Digest and a bearer token
# on --ws-static's files; Digest answers replayed (stale); Python's
# websockets upgrading with a header or ?token=, a program started only
# for the right credentials and not given them; sockcat's own client with
# a URL's credentials; a server of one client that waits past a 401; a
# room that lets nobody in without them; the room's page in a headless
# Chromium behind --auth (a screenshot kept beside the suite's log);
# htpasswd's bcrypt and SHA-2 crypt users, checked off the event loop;
# wrong answers limited per address and IPv6 /64 (429), never forgotten
# to make room, and for the whole server; the password and token hidden
# from ps, a client's too, the command line's refusals.

: "${TESTS_DIR:=$(cd "$(dirname "$0")" && pwd)}"
. "$TESTS_DIR/lib.sh"

sc_require curl
sc_require_websockets

WARN="sockcat: warning: --auth without --ssl: Basic passwords and tokens cross the network in the clear"

tearDown() {
	exec 8>&-
	sc_remove_tmp
	endSkipping
}

oneTimeTearDown() {
	browser_stop
	sc_remove_tmp
	sc_report
}

# wsclient URL [HEADER]: a websockets client of URL, with the header line
# "Name: value" when given; sends "ping" and prints "open" and the first
# message, or "status N" when the upgrade is refused.
wsclient() {
	t 20 python3 -c '
import asyncio, sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets
async def main():
    h = []
    if len(sys.argv) > 2:
        n, v = sys.argv[2].split(": ", 1)
        h.append((n, v))
    try:
        async with websockets.connect(sys.argv[1], extra_headers=h,
                                      open_timeout=10) as ws:
            print("open")
            await ws.send("ping")
            print(await asyncio.wait_for(ws.recv(), 10), end="")
    except websockets.exceptions.InvalidStatusCode as e:
        print("status", e.status_code)
asyncio.run(main())
' "$@"
}

# ws_member NAME URL BASIC: a websockets member of the room at URL with
# Basic credentials BASIC, stdin held on fd 8 (each line a message), what
# it receives in NAME.out.
ws_member() {
	held_stdin "$1.fifo" 8
	bg_in "$SC_TMP/$1.fifo" t 60 python3 -c '
import asyncio, sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets
async def main():
    async with websockets.connect(sys.argv[1], extra_headers=[
            ("Authorization", "Basic " + sys.argv[2])]) as ws:
        async def show():
            async for m in ws:
                print(m.rstrip("\n"), flush=True)
        task = asyncio.ensure_future(show())
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            await ws.send(line.rstrip("\n"))
        await asyncio.sleep(0.5)
        task.cancel()
asyncio.run(main())
' "$2" "$3" >"$SC_TMP/$1.out" 2>"$SC_TMP/$1.err"
}

# code ARGS...: the status curl gets for ARGS.
code() {
	t 20 curl -s -o "$SC_TMP/body" -D "$SC_TMP/head" -w '%{http_code}' \
	    "$@"
}

# curl with Basic, Digest and a bearer token on --ws-static's files:
# right ones read the file, wrong or none get 401 and the challenge.
test_curl_static() {
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	server s -lk --websocket --ws-static "$SC_TMP/www" \
	    --auth alice:s3cret --auth-token tok-123 127.0.0.1 0 ||
	    fail "no server"
	u="http://127.0.0.1:$PORT/index.html"
	assertEquals "no credentials" 401 "$(code "$u")"
	assertEquals "the reason" "authentication required" \
	    "$(<"$SC_TMP/body")"
	assertEquals "the challenge" "WWW-Authenticate: Digest realm=\"sockcat\", qop=\"auth\", algorithm=SHA-256
WWW-Authenticate: Digest realm=\"sockcat\", qop=\"auth\", algorithm=MD5
WWW-Authenticate: Basic realm=\"sockcat\"
WWW-Authenticate: Bearer realm=\"sockcat\"" \
	    "$(grep -i '^WWW-Authenticate' "$SC_TMP/head" | tr -d '\r' |
	    sed 's/, nonce="[0-9a-f]*"//')"
	assertEquals "Basic" 200 "$(code -u alice:s3cret "$u")"
	assertEquals "the file" "the page" "$(<"$SC_TMP/body")"
	assertEquals "Digest" 200 "$(code --digest -u alice:s3cret "$u")"
	assertEquals "the file by Digest" "the page" "$(<"$SC_TMP/body")"
	assertEquals "bearer" 200 "$(code -H 'Authorization: Bearer tok-123' "$u")"
	assertEquals "?token=" 200 "$(code "$u?token=tok-123")"
	assertEquals "wrong Basic" 401 "$(code -u alice:wrong "$u")"
	assertEquals "wrong Digest" 401 "$(code --digest -u alice:wrong "$u")"
	assertEquals "wrong user" 401 "$(code -u bob:s3cret "$u")"
	# An unknown user is answered as a known one would be (the time
	# names none), and still refused.
	assertEquals "wrong Digest user" 401 \
	    "$(code --digest -u bob:s3cret "$u")"
	assertEquals "wrong token" 401 \
	    "$(code -H 'Authorization: Bearer tok-124' "$u")"
	assertEquals "HEAD" 401 "$(code -I "$u")"
	stop "$SERVER_PID"
	assertEquals "the warning" "$WARN" "$(head -n 1 "$SC_TMP/s.err")"
	grep -q "auth: 127.0.0.1 [0-9]*: wrong Basic of alice$" \
	    "$SC_TMP/s.err" || fail "not said: $(<"$SC_TMP/s.err")"
	grep -q "auth: 127.0.0.1 [0-9]*: wrong Digest of alice$" \
	    "$SC_TMP/s.err" || fail "not said: $(<"$SC_TMP/s.err")"
	# The token never reaches the log.
	assertFalse "token logged" "grep -q tok-123 '$SC_TMP/s.err'"
}

# A Digest answer is good once per nonce count: replayed, it gets 401
# with stale=true (a client with the password answers the new nonce); a
# higher count is taken; MD5 as well as SHA-256.
test_digest_replay() {
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	server s -lk --websocket --ws-static "$SC_TMP/www" \
	    --auth alice:s3cret 127.0.0.1 0 || fail "no server"
	t 20 python3 -c '
import hashlib, http.client, re, sys
port = int(sys.argv[1])
def get(auth=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/index.html", headers={"Authorization": auth} if auth else {})
    r = c.getresponse()
    r.read()
    return r.status, r.getheaders()
def answer(alg, nonce, nc):
    h = (lambda s: hashlib.new(alg, s.encode()).hexdigest())
    ha1 = h("alice:sockcat:s3cret")
    ha2 = h("GET:/index.html")
    resp = h("%s:%s:%08x:cn:auth:%s" % (ha1, nonce, nc, ha2))
    return ("Digest username=\"alice\", realm=\"sockcat\", nonce=\"%s\", "
            "uri=\"/index.html\", qop=auth, nc=%08x, cnonce=\"cn\", "
            "response=\"%s\", algorithm=%s" % (nonce, nc, resp,
            "SHA-256" if alg == "sha256" else "MD5"))
for alg in ("sha256", "md5"):
    st, hd = get()
    ch = [v for k, v in hd if k == "WWW-Authenticate" and "nonce" in v]
    nonce = re.search(r"nonce=\"([0-9a-f]+)\"", ch[0]).group(1)
    a = answer(alg, nonce, 1)
    st1, _ = get(a)
    st2, hd2 = get(a)
    st3, _ = get(answer(alg, nonce, 2))
    stale = any("stale=true" in v for k, v in hd2 if k == "WWW-Authenticate")
    print(alg, st, st1, st2, stale, st3)
' "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "answers" "sha256 401 200 401 True 200
md5 401 200 401 True 200" "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
}

# A Digest answer wanting a field, or with one wrong, gets 401: each sent
# from an address of its own (127.0.0.N), so that no limit of wrong
# answers is met; without qop (RFC 2069's form) the answer is good once.
test_digest_malformed() {
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	server s -lk --websocket --ws-static "$SC_TMP/www" \
	    --auth alice:s3cret 127.0.0.1 0 || fail "no server"
	t 30 python3 -c '
import hashlib, http.client, re, sys
port = int(sys.argv[1])
src = [10]
def get(auth=None, uri="/index.html"):
    src[0] += 1
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                   source_address=("127.0.0.%d" % src[0], 0))
    c.request("GET", uri, headers={"Authorization": auth} if auth else {})
    r = c.getresponse()
    r.read()
    return r.status
def nonce():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/index.html")
    r = c.getresponse()
    r.read()
    ch = [v for k, v in r.getheaders() if k == "WWW-Authenticate" and "nonce" in v]
    return re.search(r"nonce=\"([0-9a-f]+)\"", ch[0]).group(1)
h = lambda s: hashlib.sha256(s.encode()).hexdigest()
def fields(n, qop=True, user="alice"):
    ha1 = h(user + ":sockcat:s3cret")
    ha2 = h("GET:/index.html")
    f = {"username": "\"%s\"" % user, "realm": "\"sockcat\"",
         "nonce": "\"%s\"" % n, "uri": "\"/index.html\"",
         "algorithm": "SHA-256"}
    if qop:
        f.update(qop="auth", nc="00000001", cnonce="\"cn\"",
                 response="\"%s\"" % h("%s:%s:00000001:cn:auth:%s" % (ha1, n, ha2)))
    else:
        f["response"] = "\"%s\"" % h("%s:%s:%s" % (ha1, n, ha2))
    return f
def header(f):
    return "Digest " + ", ".join("%s=%s" % kv for kv in f.items())
n = nonce()
for name, change in (
        ("no username", {"username": None}),
        ("no uri", {"uri": None}),
        ("no response", {"response": None}),
        ("another qop", {"qop": "auth-int"}),
        ("no realm", {"realm": None}),
        ("another realm", {"realm": "\"elsewhere\""}),
        ("no nonce", {"nonce": None}),
        ("another uri", {"uri": "\"/other.html\""}),
        ("no nc", {"nc": None}),
        ("a short nc", {"nc": "0001"}),
        ("an nc not hex", {"nc": "0000000g"}),
        ("another algorithm", {"algorithm": "SHA-1"})):
    f = fields(n)
    for k, v in change.items():
        if v is None:
            del f[k]
        else:
            f[k] = v
    print(name, get(header(f)))
print("unknown user", get(header(fields(n, user="bob"))))
n = nonce()
f = fields(n, qop=False)
print("no qop", get(header(f)), get(header(f)))
' "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "answers" "no username 401
no uri 401
no response 401
another qop 401
no realm 401
another realm 401
no nonce 401
another uri 401
no nc 401
a short nc 401
an nc not hex 401
another algorithm 401
unknown user 401
no qop 200 401" "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
}

# A nonce of a peer's making whose time is sixteen f's is not ours: 401,
# and the server lives on (it overflowed a signed count, which the
# sanitizer build of the process fuzzers died of).
test_digest_forged_nonce() {
	server s -lk --websocket -e /bin/cat --auth alice:s3cret 127.0.0.1 0 ||
	    fail "no server"
	nonce=$(printf 'f%.0s' {1..16})00000001$(printf '0%.0s' {1..32})
	for n in "$nonce" "${nonce:0:55}g"; do
		t 20 curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Digest username=\"alice\", realm=\"sockcat\", nonce=\"$n\", uri=\"/\", qop=auth, nc=ffffffff, cnonce=\"c\", response=\"00\", algorithm=SHA-256" \
		    "http://127.0.0.1:$PORT/" >>"$SC_TMP/codes"
	done
	assertEquals "answers" "401
401" "$(<"$SC_TMP/codes")"
	assertTrue "still serving" "kill -0 $SERVER_PID"
}

# Python's websockets upgrades with Basic, a bearer token or ?token=; a
# client without them, or with wrong ones, gets 401, no upgrade, and the
# program is never started; the program is not given the Authorization
# header.
test_upgrade_websockets() {
	sc_tmp
	server s -lk --websocket --auth alice:s3cret --auth-token tok-123 \
	    -c "echo started >>'$SC_TMP/started';
	    echo \"\${HTTP_AUTHORIZATION-none}\" >>'$SC_TMP/env'; cat" \
	    127.0.0.1 0 ||
	    fail "no server"
	u="ws://127.0.0.1:$PORT/"
	basic=$(printf 'alice:s3cret' | base64)
	wrong=$(printf 'alice:s3creT' | base64)
	assertEquals "none" "status 401" "$(wsclient "$u")"
	assertEquals "wrong" "status 401" \
	    "$(wsclient "$u" "Authorization: Basic $wrong")"
	assertEquals "wrong token" "status 401" "$(wsclient "$u?token=x")"
	assertEquals "wrong bearer" "status 401" \
	    "$(wsclient "$u" "Authorization: Bearer tok-12")"
	assertFalse "a program started" "[ -e '$SC_TMP/started' ]"
	assertEquals "Basic" "open
ping" "$(wsclient "$u" "Authorization: Basic $basic")"
	assertEquals "bearer" "open
ping" "$(wsclient "$u" "Authorization: Bearer tok-123")"
	assertEquals "?token=" "open
ping" "$(wsclient "$u?token=tok-123")"
	wait_lines "$SC_TMP/started" started 3 || fail "programs: $(<"$SC_TMP/started")"
	# The password is not passed on to the program.
	assertEquals "Authorization withheld" "none
none
none" "$(<"$SC_TMP/env")"
	stop "$SERVER_PID"
	assertEquals "refused" 4 \
	    "$(grep -c '^sockcat: HTTP GET /?*[a-z=0-9-]*: 401$' "$SC_TMP/s.err")"
}

# sockcat's own client gives the credentials of its ws:// URL (Basic):
# right ones get the program's line, wrong or none one line and status 1.
test_sockcat_client() {
	server s -lk --websocket --auth alice:s3cret -c 'echo hi' \
	    127.0.0.1 0 || fail "no server"
	t 10 "$SC" "ws://alice:s3cret@127.0.0.1:$PORT/" </dev/null \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "the program's line" "hi" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/c.err")"
	for url in "ws://alice:bad@127.0.0.1:$PORT/" "ws://127.0.0.1:$PORT/"; do
		t 10 "$SC" "$url" </dev/null >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "status of $url" 1 $?
		assertEquals "stdout of $url" "" "$(<"$SC_TMP/c.out")"
		assertEquals "stderr of $url" "sockcat: WebSocket upgrade failed: HTTP/1.1 401 Unauthorized (the server refused the upgrade)" \
		    "$(<"$SC_TMP/c.err")"
	done
}

# A server of one client (-l without -k) answers the challenge and goes
# on waiting: the client that gives the credentials is its client.
test_one_client() {
	server s -l --websocket --auth alice:s3cret 127.0.0.1 0 ||
	    fail "no server"
	assertEquals "challenged" 401 "$(code "http://127.0.0.1:$PORT/")"
	assertEquals "wrong" 401 "$(code -u alice:x "http://127.0.0.1:$PORT/")"
	echo hello | t 10 "$SC" -N "ws://alice:s3cret@127.0.0.1:$PORT/" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID" 10
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "what the server got" "hello" "$(<"$SC_TMP/s.out")"
}

# A room behind --auth: a client without the credentials is nobody in
# the room (no join said), a plain TCP client is no member either: it
# could give no credentials.
test_room() {
	sc_tmp
	server s --room --websocket --auth alice:s3cret 127.0.0.1 0 ||
	    fail "no server"
	u="ws://127.0.0.1:$PORT/"
	basic=$(printf 'alice:s3cret' | base64)
	ws_member a "$u" "$basic"
	wait_for "$SC_TMP/a.out" 'Welcome' || fail "no welcome: $(<"$SC_TMP/a.err")"
	assertEquals "wrong" "status 401" "$(wsclient "$u" \
	    "Authorization: Basic $(printf 'alice:x' | base64)")"
	assertEquals "none" "status 401" "$(wsclient "$u")"
	echo hello | t 5 "$SC" -q 1 127.0.0.1 "$PORT" >"$SC_TMP/tcp.out" \
	    2>"$SC_TMP/tcp.err"
	# It waits for an HTTP request that never comes: no welcome.
	assertEquals "a plain client" "" "$(<"$SC_TMP/tcp.out")"
	echo /who >&8
	wait_for "$SC_TMP/a.out" 'user1' || fail "no /who: $(<"$SC_TMP/a.out")"
	exec 8>&-
	wait_exit "$BG_PID"
	assertFalse "someone else joined" \
	    "grep -q 'user[2-9]' '$SC_TMP/a.out'"
}

# The room's page in Chromium behind --auth: with the credentials in the
# URL it joins the room and sends a line; with wrong ones it shows the
# 401 and joins nothing.  The screenshot of each stays beside the log.
test_room_page_in_chromium() {
	browser || return
	server s --room --websocket --auth alice:s3cret --auth-token tok-123 \
	    127.0.0.1 0 || fail "no server"
	shots=$(pwd)
	[ -d "$shots/tests" ] && shots=$shots/tests
	ws_member a "ws://127.0.0.1:$PORT/" "$(printf 'alice:s3cret' | base64)"
	wait_for "$SC_TMP/a.out" 'Welcome' || fail "no welcome: $(<"$SC_TMP/a.err")"
	# Wrong credentials: Chromium answers the challenge with Digest, is
	# refused, and shows no room.
	cdp go "http://alice:wrong@127.0.0.1:$PORT/" || fail "cdp go"
	wait_for "$SC_TMP/s.err" 'wrong Digest of alice$' ||
	    fail "no wrong answer: $(<"$SC_TMP/s.err")"
	cdp shot "$shots/t-ws-auth-wrong.png" || fail "no screenshot"
	assertEquals "no room page" true \
	    "$(cdp eval "document.getElementById('log') === null")"
	cdp go "http://alice:s3cret@127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Welcome')" ||
	    fail "the page did not join: $(<"$SC_TMP/s.err")"
	cdp eval "document.getElementById('line').value = 'hi from the page';
	    document.getElementById('f').requestSubmit(); 'sent'" >/dev/null ||
	    fail "cdp eval"
	wait_for "$SC_TMP/a.out" '^<user[0-9]+> hi from the page$' ||
	    fail "the member got: $(<"$SC_TMP/a.out")"
	echo "hi from python" >&8
	cdp wait "document.getElementById('log').textContent.includes(
	    'hi from python')" || fail "the page got nothing"
	cdp shot "$shots/t-ws-auth-room.png" || fail "no screenshot"
	assertTrue "a PNG" "[ -s '$shots/t-ws-auth-room.png' ]"
	# The token in the page's URL: its WebSocket sends it on (another
	# origin, where the browser has no credentials to send).
	cdp go "http://localhost:$PORT/?token=tok-123" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Welcome')" ||
	    fail "the page did not join by token: $(<"$SC_TMP/s.err")"
	cdp go about:blank
	exec 8>&-
	stop "$SERVER_PID"
	# The page's own WebSocket went in with the browser's credentials.
	assertEquals "members let in" 3 \
	    "$(grep -c 'WebSocket upgrade of /$' "$SC_TMP/s.err")"
	assertFalse "token logged" "grep -q tok-123 '$SC_TMP/s.err'"
}

# --auth-file: htpasswd's bcrypt ($2y$) and SHA-2 crypt ($5$, $6$) users
# by Basic; Digest is not offered (a hash cannot answer it); any other
# hash, a line that is no user and hash and a file without users are
# refused in one line.
test_auth_file() {
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	{
		echo "# users"
		python3 -c 'import crypt; print("ann:" + crypt.crypt("pw-a", "$2y$05$abcdefghijklmnopqrstuu"))' 2>/dev/null
		echo "bob:$(openssl passwd -5 pw-b)"
		echo "cy:$(openssl passwd -6 pw-c)"
	} >"$SC_TMP/users"
	grep -q '^ann:\$2y\$05\$' "$SC_TMP/users" || fail "no bcrypt hash"
	server s -lk --websocket --ws-static "$SC_TMP/www" --ssl \
	    --auth-file "$SC_TMP/users" 127.0.0.1 0 || fail "no server"
	u="https://127.0.0.1:$PORT/index.html"
	assertEquals "none" 401 "$(code -k "$u")"
	assertEquals "Basic only" 'WWW-Authenticate: Basic realm="sockcat"' \
	    "$(grep -i '^WWW-Authenticate' "$SC_TMP/head" | tr -d '\r')"
	assertEquals "bcrypt" 200 "$(code -k -u ann:pw-a "$u")"
	assertEquals "the file" "the page" "$(<"$SC_TMP/body")"
	assertEquals "sha256" 200 "$(code -k -u bob:pw-b "$u")"
	assertEquals "sha512" 200 "$(code -k -u cy:pw-c "$u")"
	assertEquals "wrong bcrypt" 401 "$(code -k -u ann:pw-b "$u")"
	assertEquals "wrong sha512" 401 "$(code -k -u cy:pw-a "$u")"
	stop "$SERVER_PID"
	assertFalse "warned over TLS" "grep -q warning '$SC_TMP/s.err'"
	echo 'dee:$apr1$abcdefgh$0123456789abcdefghijkl' >>"$SC_TMP/users"
	expect_error "auth-file: $SC_TMP/users, line 5: unsupported hash (use htpasswd -B, or a \$5\$ or \$6\$ crypt)" \
	    -l --websocket --auth-file "$SC_TMP/users" 0
	expect_error "auth-file: $SC_TMP/none: No such file or directory" \
	    -l --websocket --auth-file "$SC_TMP/none" 0
	# A line that is no user:hash, a user too long, a file of none.
	for bad in "ann" ":$(openssl passwd -5 pw)" \
	    "$(printf '%0300d' 0):$(openssl passwd -5 pw)"; do
		printf '# users\r\n\n%s\n' "$bad" >"$SC_TMP/bad"
		case $bad in
		0*) why="user too long" ;;
		*) why="not user:hash" ;;
		esac
		expect_error "auth-file: $SC_TMP/bad, line 3: $why" \
		    -l --websocket --auth-file "$SC_TMP/bad" 0
	done
	printf '# nobody\n\n' >"$SC_TMP/bad"
	expect_error "auth-file: $SC_TMP/bad: no users" \
	    -l --websocket --auth-file "$SC_TMP/bad" 0
}

# libcrypt is loaded when an --auth-file is read (src/http/authcrypt.c):
# one that cannot be loaded, or has no crypt_r, is said in one line
# before anything listens.
test_auth_file_without_libcrypt() {
	objdump -p "$SC" 2>/dev/null | grep -q 'NEEDED' ||
	    { sc_skip "a static build links libcrypt"; return; }
	sc_tmp
	echo "bob:$(openssl passwd -5 pw-b)" >"$SC_TMP/users"
	md=$(ldconfig -p 2>/dev/null |
	    sed -n 's/^[[:space:]]*libmd\.so\.0 (.*) => //p' | head -n 1)
	mkdir "$SC_TMP/lib"
	: >"$SC_TMP/lib/libcrypt.so.1"
	LD_LIBRARY_PATH=$SC_TMP/lib expect_error "auth-file: cannot check passwords: $SC_TMP/lib/libcrypt.so.1: file too short" \
	    -l --websocket --auth-file "$SC_TMP/users" 127.0.0.1 0
	[ -f "$md" ] || { sc_skip "libmd.so.0 not found"; return; }
	# Another library in its place has no crypt_r.
	ln -sf "$md" "$SC_TMP/lib/libcrypt.so.1"
	LD_LIBRARY_PATH=$SC_TMP/lib expect_error "auth-file: cannot check passwords: libcrypt.so.1 has no crypt_r" \
	    -l --websocket --auth-file "$SC_TMP/users" 127.0.0.1 0
}

# Wrong answers from an address are limited: after five, 429 with
# Retry-After, whatever it sends; its credentials are not even looked at.
# A request without any costs nothing.
test_rate_limit() {
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	server s -lk --websocket --ws-static "$SC_TMP/www" \
	    --auth alice:s3cret 127.0.0.1 0 || fail "no server"
	u="http://127.0.0.1:$PORT/index.html"
	for i in 1 2 3 4 5 6 7 8; do
		assertEquals "none $i" 401 "$(code "$u")"
	done
	got=""
	for i in 1 2 3 4 5 6; do
		got="$got $(code -u "$(printf 'al\033ice'):x$i" "$u")"
	done
	# The sixth came within a second or two of the first: no credit yet.
	assertEquals "wrong ones" " 401 401 401 401 401 429" "$got"
	assertEquals "right, but limited" 429 "$(code -u alice:s3cret "$u")"
	grep -q '^Retry-After: [12]' "$SC_TMP/head" ||
	    fail "no Retry-After: $(<"$SC_TMP/head")"
	assertEquals "429's reason" "too many wrong answers" "$(<"$SC_TMP/body")"
	wait_until -t 10 eval "[ \"\$(code -u alice:s3cret '$u')\" = 200 ]" ||
	    fail "never let in again"
	stop "$SERVER_PID"
	# The user's bytes are escaped in the log.
	grep -q 'wrong Basic of al\\x1bice$' "$SC_TMP/s.err" ||
	    fail "not escaped: $(<"$SC_TMP/s.err")"
	grep -q 'too many wrong answers: refused for [12] s' "$SC_TMP/s.err" ||
	    fail "the limit not said: $(<"$SC_TMP/s.err")"
}

# guesses PORT PLAN...: wrong Basic answers to the server on PORT, one
# request each, from the loopback addresses a step names: a step is ADDR:N
# (N from ADDR) or FIRST-LAST (one from each of 127.0.0.FIRST to
# 127.0.0.LAST).  Prints each step's statuses on a line, then the
# milliseconds from the first request to the end of the last.
guesses() {
	t 60 python3 -c '
import base64, http.client, sys, time
port = int(sys.argv[1])
def get(src, cred):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20,
                                   source_address=(src, 0))
    h = {"Authorization": "Basic " + base64.b64encode(cred.encode()).decode()}
    c.request("GET", "/index.html", headers=h)
    r = c.getresponse()
    r.read()
    c.close()
    return str(r.status)
start = time.monotonic()
for step in sys.argv[2:]:
    if "-" in step:
        a, b = step.split("-")
        got = [get("127.0.0.%d" % i, "alice:x%d" % i)
               for i in range(int(a), int(b) + 1)]
    else:
        src, n = step.split(":")
        got = [get(src, "alice:x") for i in range(int(n))]
    print(" ".join(got), flush=True)
print(int((time.monotonic() - start) * 1000))
' "$@"
}

# count WORD LINE: how many times WORD is in LINE.
count() {
	local n=0 w

	for w in $2; do
		[ "$w" = "$1" ] && n=$((n + 1))
	done
	echo "$n"
}

# A penalised address is never forgotten to make room for others: after
# a hundred other addresses have each been wrong, it still gets no more
# tries than two seconds each buy it.
test_rate_limit_not_forgotten() {
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	server s -lkn --websocket --ws-static "$SC_TMP/www" \
	    --auth alice:s3cret 127.0.0.1 0 || fail "no server"
	guesses "$PORT" 127.0.0.1:6 2-101 127.0.0.1:5 \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	mapfile -t got <"$SC_TMP/out"
	assertEquals "its five, then 429" "401 401 401 401 401 429" "${got[0]}"
	# Each two seconds since its first wrong answer buy one more.
	assertTrue "tries again: ${got[2]} in ${got[3]} ms" \
	    "[ $(count 401 "${got[2]}") -le $((got[3] / 2000)) ]"
	stop "$SERVER_PID"
}

# Many addresses together are held to the server's ceiling: 64 wrong
# answers in a row, then one each quarter of a second; beyond, every
# address is answered 429, though none of them was ever wrong before.
test_rate_limit_server_ceiling() {
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	server s -lkn --websocket --ws-static "$SC_TMP/www" \
	    --auth alice:s3cret 127.0.0.1 0 || fail "no server"
	guesses "$PORT" 2-101 >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	mapfile -t got <"$SC_TMP/out"
	wrong=$(count 401 "${got[0]}")
	assertTrue "the ceiling: $wrong wrong answers in ${got[1]} ms" \
	    "[ $wrong -le $((64 + got[1] / 250)) ]"
	assertEquals "the others" $((100 - wrong)) "$(count 429 "${got[0]}")"
	stop "$SERVER_PID"
	grep -q 'auth: 127.0.0.[0-9]* [0-9]*: too many wrong answers to this server: refused for [0-9]* s$' \
	    "$SC_TMP/s.err" || fail "the ceiling not said: $(<"$SC_TMP/s.err")"
}

# An IPv6 client is its /64: its addresses share one limit, and another
# /64's are not held by it.  In a network namespace of its own, where
# loopback has the addresses.
test_rate_limit_ipv6_prefix() {
	sc_have_netns || { sc_skip "no network namespace"; return; }
	sc_tmp
	mkdir "$SC_TMP/www"
	echo "the page" >"$SC_TMP/www/index.html"
	SC=$SC W=$SC_TMP/www sc_netns 60 bash -c '
	for a in 2001:db8:1::1 2001:db8:1::2 2001:db8:1::3 2001:db8:1::4 \
	    2001:db8:1::5 2001:db8:1::6 2001:db8:1::7 2001:db8:2::2; do
		ip -6 addr add "$a/64" dev lo nodad || exit 1
	done
	timeout 50 "$SC" -v -lk --websocket --ws-static "$W" \
	    --auth alice:s3cret 2001:db8:1::1 0 2>"$1/s.err" &
	for i in $(seq 300); do
		grep -q "^Listening on" "$1/s.err" && break
		sleep 0.1
	done
	port=$(sed -n "s/^Listening on .* \([0-9]*\)$/\1/p" "$1/s.err")
	python3 -c "
import base64, http.client, sys
def get(src):
    c = http.client.HTTPConnection(\"2001:db8:1::1\", int(sys.argv[1]),
                                   timeout=20, source_address=(src, 0))
    c.request(\"GET\", \"/index.html\", headers={\"Authorization\":
              \"Basic \" + base64.b64encode(b\"alice:x\").decode()})
    r = c.getresponse()
    r.read()
    return str(r.status)
print(\" \".join(get(\"2001:db8:1::%d\" % i) for i in range(2, 8)))
print(get(\"2001:db8:2::2\"))
" "$port"
	kill %1
	' sh "$SC_TMP" >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "one /64, one limit; another /64 its own" \
	    "401 401 401 401 401 429
401" "$(<"$SC_TMP/out")"
}

# bcrypt_room COST: a room behind --auth-file whose user ann has a bcrypt
# hash of COST; the test skipped where Python's crypt makes none.
bcrypt_room() {
	sc_tmp
	python3 -c 'import crypt, sys; print("ann:" + crypt.crypt("pw-a", "$2y$%s$abcdefghijklmnopqrstuu" % sys.argv[1]))' \
	    "$1" >"$SC_TMP/users" 2>/dev/null
	grep -q "^ann:\\\$2y\\\$$1\\\$" "$SC_TMP/users" ||
	    { sc_skip "no bcrypt in Python's crypt"; return 1; }
	server s --room --websocket --auth-file "$SC_TMP/users" \
	    127.0.0.1 0 || fail "no server"
}

# Python's request(cred) to the server at sys.argv[1]: a GET, with
# cred's Basic answer unless it is None.
REQUEST='
import base64, socket, sys
port = int(sys.argv[1])
def request(cred):
    c = socket.create_connection(("127.0.0.1", port), timeout=30)
    h = "GET / HTTP/1.1\r\nHost: x\r\n"
    if cred:
        h += "Authorization: Basic %s\r\n" % base64.b64encode(cred).decode()
    c.sendall((h + "\r\n").encode())
    return c
'

# A password checked by bcrypt is checked off the event loop: while a
# bcrypt of cost 13 runs for one client's answer, another client is
# answered.  The server has read the first request (its socket's receive
# queue is empty) before the second is sent; the second's answer comes
# first.
test_bcrypt_off_the_loop() {
	bcrypt_room 13 || return
	t 60 python3 -c '
'"$REQUEST"'
import select
def unread(peer):
    # The server end of the connection from port peer: its receive queue.
    for line in open("/proc/net/tcp").readlines()[1:]:
        f = line.split()
        if f[1].endswith(":%04X" % port) and f[2].endswith(":%04X" % peer):
            return int(f[4].split(":")[1], 16)
    return -1
a = request(b"ann:wrong")
while unread(a.getsockname()[1]) != 0:
    select.select([], [], [], 0.005)
b = request(None)
order, left = [], {a: "A", b: "B"}
while left:
    for s in select.select(list(left), [], [], 30)[0]:
        if s.recv(4096):
            continue
        order.append(left.pop(s))
print(" ".join(order))
' "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "the other first" "B A" "$(<"$SC_TMP/out")"
	stop "$SERVER_PID"
	grep -q 'auth: 127.0.0.1 [0-9]*: wrong Basic of ann$' "$SC_TMP/s.err" ||
	    fail "not said: $(<"$SC_TMP/s.err")"
}

# A browser asks for a page's files at once: a client's Basic answers
# checked by bcrypt wait behind the one being checked, at most 8 of them
# (more are refused at once), and once the client has been wrong 5 times
# the answers still waiting are refused unchecked: five 401s, the rest
# 429, whatever the order the server read them in.
test_answers_at_once() {
	bcrypt_room 11 || return
	t 60 python3 -c '
'"$REQUEST"'
cs = [request(b"ann:wrong%d" % i) for i in range(11)]
request(b"ann:gone").close()
codes = []
for c in cs:
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = c.recv(4096)
        if not d:
            break
        buf += d
    codes.append(buf.split(b" ")[1].decode())
print(" ".join(sorted(codes)))
' "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "the answers" "401 401 401 401 401 429 429 429 429 429 429" \
	    "$(<"$SC_TMP/out")"
	wait_until eval '[ $(grep -c ": 429$" "$SC_TMP/s.err") -eq 7 ]' ||
	    fail "not all refusals said: $(<"$SC_TMP/s.err")"
	stop "$SERVER_PID"
	assertEquals "checked" 5 \
	    "$(grep -c 'auth: 127.0.0.1 [0-9]*: wrong Basic of ann$' "$SC_TMP/s.err")"
}

# The password and the token are hidden from ps; the command line's
# refusals.
test_command_line() {
	sc_tmp
	server s -l --websocket --auth alice:s3cret --auth-token tok-123 \
	    127.0.0.1 0 || fail "no server"
	# The server's process is timeout(1)'s child.
	pid=$(pgrep -P "$SERVER_PID")
	args=$(tr '\0' ' ' </proc/"$pid"/cmdline)
	case $args in
	*"--auth alice:"*) ;;
	*) fail "not sockcat's: $args" ;;
	esac
	case $args in
	*s3cret* | *tok-123*) fail "in ps: $args" ;;
	esac
	stop "$SERVER_PID"
	# A client's credentials: a header that carries them (its name in
	# any case), a URL's password and ?token=.
	server s -l 127.0.0.1 0 || fail "no server"
	bg t 20 "$SC" --ws-header 'authorization: Bearer tok-9' \
	    --ws-header 'X-Seen: yes' \
	    "ws://alice:pw-10@127.0.0.1:$PORT/p?a=1&token=tok-11#x" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	wait_for "$SC_TMP/s.err" '^Connection received on ' ||
	    fail "the client did not come"
	args=$(tr '\0' ' ' </proc/"$(pgrep -P "$BG_PID" | head -n 1)"/cmdline)
	assertContains "blanked: $args" "$args" \
	    "--ws-header authorization:************* --ws-header X-Seen: yes ws://alice:*****@127.0.0.1:$PORT/p?a=1&token=******#x"
	sc_cleanup
	expect_error "must use -l --websocket with --auth, --auth-file and --auth-token (a proxy server takes --proxy-auth)" \
	    --auth a:b -l 0
	expect_error "must use -l --websocket with --auth, --auth-file and --auth-token (a proxy server takes --proxy-auth)" \
	    --auth-token x ws://127.0.0.1:1/
	expect_error "auth invalid: alice (USER:PASSWORD)" \
	    -l --websocket --auth alice 0
	expect_error "auth invalid: user or password too long" \
	    -l --websocket --auth "$(printf '%0256d' 0):pw" 0
	expect_error "auth-token invalid: letters, digits and -._~+/= only, up to 255" \
	    -l --websocket --auth-token 'a b' 0
}

sc_run_shunit2
