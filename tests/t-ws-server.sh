#!/bin/bash
# A --websocket server a browser can use on its own: a client of a room or
# a broker told from a plain TCP member by its first bytes whenever they
# come (a late upgrade is still an upgrade), the room's own page in a
# headless Chromium shared with a TCP member, --ws-static's files (types,
# lengths, HEAD, 405, every way of climbing out of the directory and
# symbolic links refused), a page of --ws-static echoed through -e,
# --ws-allow-origin and --ws-path, the CGI variables of -c (SERVER_NAME
# from any Host), and --ws-framed both ways against Python's websockets.

: "${TESTS_DIR:=$(cd "$(dirname "$0")" && pwd)}"
. "$TESTS_DIR/lib.sh"

sc_require curl
if ! "${SC_PYTHON:-python3}" -S -c 'import sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets' 2>/dev/null; then
	echo "python3-websockets not installed: skipping" >&2
	exit 77
fi

PEER="$TESTS_DIR/wspeer.py"
CDP="$TESTS_DIR/cdp.py"
CHROMIUM=$(command -v chromium || command -v chromium-browser)
BROWSER_DIR=""
BROWSER_PID=""

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
	endSkipping
}

oneTimeTearDown() {
	[ -n "$BROWSER_PID" ] && stop "$BROWSER_PID"
	[ -n "$BROWSER_DIR" ] && rm -rf "$BROWSER_DIR"
	sc_remove_tmp
	sc_report
}

# browser: the suite's one headless Chromium (started by the first test
# that needs it: a launch costs seconds), driven through cdp.py.  Returns
# 1 (the test skips) when Chromium is not installed.
browser() {
	if [ -z "$CHROMIUM" ]; then
		echo "chromium not installed: skipping" >&2
		startSkipping
		return 1
	fi
	[ -n "$BROWSER_PID" ] && return 0
	BROWSER_DIR=$(mktemp -d)
	SC_SERVER_LIFE_SAVE=$SC_SERVER_LIFE
	timeout -k 2 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --remote-debugging-port=0 --user-data-dir="$BROWSER_DIR" \
	    about:blank >"$BROWSER_DIR/out" 2>"$BROWSER_DIR/err" 8>&- &
	BROWSER_PID=$!
	wait_until -t 60 test -s "$BROWSER_DIR/DevToolsActivePort" ||
	    fail "chromium did not start: $(<"$BROWSER_DIR/err")"
}

# cdp ARGS...: cdp.py against the suite's browser.
cdp() {
	t 60 python3 "$CDP" "$BROWSER_DIR" "$@"
}

# member NAME: a plain TCP member of the room or broker on PORT, stdin
# held on fd 8, output in NAME.out.
member() {
	rm -f "$SC_TMP/$1.fifo"
	held_stdin "$1.fifo" 8
	bg_in "$SC_TMP/$1.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/$1.out" 2>"$SC_TMP/$1.err"
}

# late_upgrade PORT: a client that connects, says nothing for 1.5 s (a
# browser's connection opened ahead of its request), then asks for an
# upgrade; prints the answer's status line.
late_upgrade() {
	t 20 python3 -c '
import base64, os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
time.sleep(1.5)
key = base64.b64encode(os.urandom(16))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key +
          b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
head = b""
while b"\r\n\r\n" not in head:
    b = s.recv(1)
    if not b:
        break
    head += b
print(head.split(b"\r\n")[0].decode("latin-1"))
' "$1"
}

# Issue 39: a browser whose request comes a second and a half after its
# connection is still upgraded, and the room never shows it as text.
test_late_upgrade_is_an_upgrade() {
	for mode in --room --broker; do
		server s "$mode" --websocket 127.0.0.1 0 || fail "no $mode"
		member tcp
		echo /who >&8
		if [ "$mode" = --room ]; then
			wait_for "$SC_TMP/tcp.out" 'Welcome' ||
			    fail "tcp not welcome"
		else
			wait_for "$SC_TMP/s.out" '^/who$' || fail "tcp not heard"
		fi
		assertEquals "$mode: late upgrade" \
		    "HTTP/1.1 101 Switching Protocols" \
		    "$(late_upgrade "$PORT")"
		echo "after the browser" >&8
		if [ "$mode" = --room ]; then
			wait_for "$SC_TMP/s.out" 'after the browser' ||
			    fail "$mode: the room lost its member"
		else
			wait_for "$SC_TMP/s.out" '^after the browser$' ||
			    fail "$mode: the broker lost its member"
		fi
		assertFalse "$mode: the member saw the request: $(cat \
		    "$SC_TMP/tcp.out")" "grep -q GET '$SC_TMP/tcp.out'"
		assertFalse "$mode: the room showed the request" \
		    "grep -q GET '$SC_TMP/s.out'"
		exec 8>&-
		stop "$SERVER_PID"
	done
}

# A client that has said nothing is no member yet (it could be a
# browser about to send its request): it gets nothing until it speaks,
# and one that spoke first is a plain member whatever it says after.
test_plain_members_decided_by_first_bytes() {
	server s --broker --websocket 127.0.0.1 0 || fail "no server"
	held_stdin quiet.fifo 7
	bg_in "$SC_TMP/quiet.fifo" t 60 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/quiet.out" 2>"$SC_TMP/quiet.err"
	member tcp
	echo "one" >&8
	wait_for "$SC_TMP/s.out" '^one$' || fail "one: $(<"$SC_TMP/s.err")"
	echo "quiet speaks" >&7
	wait_for "$SC_TMP/s.out" '^quiet speaks$' || fail "quiet not heard"
	echo "two" >&8
	echo "GET is only a word here" >&8
	wait_for "$SC_TMP/quiet.out" '^GET is only a word here$' ||
	    fail "quiet got: $(cat "$SC_TMP/quiet.out" "$SC_TMP/s.err")"
	assertEquals "what the quiet client got" "two
GET is only a word here" "$(<"$SC_TMP/quiet.out")"
	exec 7>&- 8>&-
}

# Under TLS the first bytes inside it decide: a plain TLS member joins
# with them (none lost), a browser gets the page, another method 405.
test_tls_room_first_bytes() {
	if "$SC" --ssl 127.0.0.1 1 </dev/null 2>&1 | grep -q "not built in"
	then
		startSkipping
		return
	fi
	mkdir "$SC_TMP/certs"
	make_certs "$SC_TMP/certs" || fail "no certificates"
	server s --room --websocket --ssl --ssl-cert "$SC_TMP/certs/srv.pem" \
	    --ssl-key "$SC_TMP/certs/srv.key" 127.0.0.1 0 || fail "no server"
	held_stdin tls.fifo 8
	echo "hi over tls" >&8
	bg_in "$SC_TMP/tls.fifo" t 60 "$SC" --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/tls.out" 2>"$SC_TMP/tls.err"
	wait_for "$SC_TMP/s.out" '^<user1> hi over tls$' ||
	    fail "the room got: $(cat "$SC_TMP/s.out" "$SC_TMP/s.err")"
	code=$(t 20 curl -sk -o "$SC_TMP/body" -w '%{http_code}' \
	    "https://127.0.0.1:$PORT/")
	assertEquals "GET" 200 "$code"
	grep -q 'new WebSocket' "$SC_TMP/body" || fail "no page"
	code=$(t 20 curl -sk -d x -o /dev/null -w '%{http_code}' \
	    "https://127.0.0.1:$PORT/")
	assertEquals "POST" 405 "$code"
	echo "still here" >&8
	wait_for "$SC_TMP/s.out" '^<user1> still here$' ||
	    fail "the member left: $(<"$SC_TMP/s.out")"
	exec 8>&-
}

# Issue 44: the room's own page, in a browser, shares the room with a
# terminal on plain TCP, both ways.
test_room_page_in_chromium() {
	browser || return
	server s --room --websocket 127.0.0.1 0 || fail "no server"
	member tcp
	echo /who >&8
	wait_for "$SC_TMP/tcp.out" 'Welcome' || fail "tcp not welcome"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('log') !== null &&
	    document.getElementById('log').textContent.includes('Welcome')" ||
	    fail "the page did not join: $(<"$SC_TMP/s.err")"
	cdp eval "document.getElementById('line').value = 'hi from the page';
	    document.getElementById('f').requestSubmit(); 'sent'" >/dev/null ||
	    fail "cdp eval"
	# Not always <user2>: Chromium may open a spare connection and close
	# it unused, a plain client that ended without a byte, which joins
	# and leaves first (sockcat(1), --websocket).
	wait_for "$SC_TMP/tcp.out" '^<user[0-9]+> hi from the page$' ||
	    fail "tcp got: $(<"$SC_TMP/tcp.out")"
	echo "hi from tcp" >&8
	cdp wait "document.getElementById('log').textContent.includes(
	    '<user1> hi from tcp')" ||
	    fail "the page got: $(cdp eval \
	    "document.getElementById('log').textContent")"
	cdp go about:blank
	exec 8>&-
}

# A page of --ws-static, in a browser, echoed through -e.
test_static_page_echoes_through_exec() {
	browser || return
	mkdir "$SC_TMP/www"
	cat >"$SC_TMP/www/index.html" <<'EOF'
<!DOCTYPE html><html><body><pre id="out"></pre><script>
var ws = new WebSocket("ws://" + location.host + "/echo");
ws.onopen = function () { ws.send("echo me"); };
ws.onmessage = function (e) {
	document.getElementById("out").textContent += "got " + e.data;
};
</script></body></html>
EOF
	server s -lk --websocket --ws-static "$SC_TMP/www" -e /bin/cat \
	    127.0.0.1 0 || fail "no server"
	cdp go "http://127.0.0.1:$PORT/" || fail "cdp go"
	cdp wait "document.getElementById('out') !== null &&
	    document.getElementById('out').textContent === 'got echo me'" ||
	    fail "the page got: $(cdp eval \
	    "document.body.textContent") $(<"$SC_TMP/s.err")"
	grep -q 'HTTP GET /: 200' "$SC_TMP/s.err" || fail "no -v line"
	cdp go about:blank
}

# get PATH [CURL OPTIONS...]: curl's status for PATH, as sent (no
# normalising), the body in body, the headers in head.
get() {
	_p=$1
	shift
	t 20 curl -s --path-as-is -D "$SC_TMP/head" -o "$SC_TMP/body" \
	    -w '%{http_code}' "$@" "http://127.0.0.1:$PORT$_p"
}

# header NAME: a header's value in the last answer.
header() {
	sed -n "s/^$1: \\(.*\\)\\r\$/\\1/Ip" "$SC_TMP/head"
}

test_static_files() {
	mkdir -p "$SC_TMP/www/sub"
	printf '<p>home</p>\n' >"$SC_TMP/www/index.html"
	printf 'sub home\n' >"$SC_TMP/www/sub/index.html"
	for f in a.css a.js a.json a.png a.jpg a.svg a.txt favicon.ico \
	    a.wasm a.bin; do
		printf 'content of %s\n' "$f" >"$SC_TMP/www/$f"
	done
	head -c 300000 /dev/urandom >"$SC_TMP/www/big.bin"
	server s -lk --websocket --ws-static "$SC_TMP/www" 127.0.0.1 0 ||
	    fail "no server"
	assertEquals "/" 200 "$(get /)"
	assertEquals "/ body" "<p>home</p>" "$(<"$SC_TMP/body")"
	assertEquals "/ type" "text/html; charset=utf-8" "$(header \
	    Content-Type)"
	assertEquals "/ length" 12 "$(header Content-Length)"
	assertEquals "/sub/" 200 "$(get /sub/)"
	assertEquals "/sub/ body" "sub home" "$(<"$SC_TMP/body")"
	for pair in a.css:text/css a.js:text/javascript \
	    a.json:application/json a.png:image/png a.jpg:image/jpeg \
	    a.svg:image/svg+xml a.txt:text/plain favicon.ico:image/x-icon \
	    a.wasm:application/wasm a.bin:application/octet-stream; do
		f=${pair%%:*}
		assertEquals "$f" 200 "$(get "/$f")"
		assertEquals "$f body" "content of $f" "$(<"$SC_TMP/body")"
		assertEquals "$f type" "${pair#*:}" \
		    "$(header Content-Type | sed 's/;.*//')"
	done
	assertEquals "big" 200 "$(get /big.bin)"
	cmp -s "$SC_TMP/body" "$SC_TMP/www/big.bin" || fail "big.bin differs"
	assertEquals "big length" 300000 "$(header Content-Length)"
	assertEquals "HEAD" 200 "$(get /a.txt -I)"
	assertEquals "HEAD length" 17 "$(header Content-Length)"
	assertEquals "POST" 405 "$(get /a.txt -d x)"
	assertEquals "POST Allow" "GET, HEAD" "$(header Allow)"
	assertEquals "missing" 404 "$(get /nothing.html)"
	assertEquals "a directory" 404 "$(get /sub)"
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# No way out of the directory: dots, their encodings, backslashes and
# symbolic links (to a file or a directory outside, or inside).
test_static_escapes_refused() {
	mkdir -p "$SC_TMP/www/d"
	printf 'inside\n' >"$SC_TMP/www/d/in.txt"
	printf 'secret\n' >"$SC_TMP/secret.txt"
	ln -s "$SC_TMP/secret.txt" "$SC_TMP/www/out.txt"
	ln -s /etc "$SC_TMP/www/etc"
	ln -s d/in.txt "$SC_TMP/www/inlink.txt"
	server s -lk --websocket --ws-static "$SC_TMP/www" 127.0.0.1 0 ||
	    fail "no server"
	for p in /../../etc/passwd /../secret.txt /d/../../secret.txt \
	    /%2e%2e/%2e%2e/etc/passwd /%2E%2E/secret.txt \
	    /..%2f..%2fetc%2fpasswd /..%2F..%2Fsecret.txt \
	    /%252e%252e/%252e%252e/etc/passwd /%252e%252e%252fsecret.txt \
	    '/..\..\etc\passwd' /..%5c..%5csecret.txt /..%255csecret.txt \
	    /%c0%ae%c0%ae/secret.txt /./d/in.txt /d//in.txt \
	    /out.txt /etc/passwd /inlink.txt /d/in.txt%00.txt; do
		code=$(get "$p")
		case $code in
		403|404) ;;
		*) fail "$p: $code $(<"$SC_TMP/body")" ;;
		esac
		assertFalse "$p: a file's contents" \
		    "grep -Eq 'root:|secret|inside' '$SC_TMP/body'"
	done
	assertEquals "a link out" 403 "$(get /out.txt)"
	assertEquals "a directory link" 403 "$(get /etc/passwd)"
	assertEquals "a link inside" 403 "$(get /inlink.txt)"
	assertEquals "the file itself" 200 "$(get /d/in.txt)"
	assertEquals "the file" inside "$(<"$SC_TMP/body")"
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# A program per connection gets the request as CGI variables.
test_cgi_variables() {
	server s -lk --websocket -c 'echo "$QUERY_STRING"' 127.0.0.1 0 ||
	    fail "no server"
	out=$(t 20 "$SC" -d "ws://127.0.0.1:$PORT/x?a=1&b=2" 2>"$SC_TMP/c.err")
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 $?
	assertEquals "QUERY_STRING" "a=1&b=2" "$out"
	stop "$SERVER_PID"

	# A header with an escape, a URI with one encoded: never raw.
	server s -lk --websocket -c 'printf "%s|%s|%s|%s|%s|%s|%s\n" \
	    "$REQUEST_URI" "$PATH_INFO" "$HTTP_X_TEST" "$HTTP_USER_AGENT" \
	    "$REMOTE_ADDR" "$SERVER_PORT" "$HTTP_ORIGIN"' 127.0.0.1 0 ||
	    fail "no server"
	out=$(HTTP_X_TEST=inherited t 20 "$SC" -d \
	    --ws-header "X-Test: a$(printf '\033')[31mb;\$(id)" \
	    --ws-header "User-Agent: test agent" --ws-origin http://o.example \
	    "ws://127.0.0.1:$PORT/p%41th%1b?q" 2>"$SC_TMP/c.err")
	assertEquals "status: $(<"$SC_TMP/c.err")" 0 $?
	assertEquals "variables" \
	    "/p%41th%1b?q|/pAth|a[31mb;\$(id)|test agent|127.0.0.1|$PORT|http://o.example" \
	    "$out"
}

# SERVER_NAME is the Host without its port, an IPv6 address in its
# brackets; a Host that opens a bracket and never closes it, 4,096 bytes
# and more, is taken whole (issue 52: its copy was written one byte past
# its end).  Every upgrade is answered and the server serves on.
test_cgi_server_name() {
	server s -lk --websocket -c 'printf "%s\n" "$SERVER_NAME"' \
	    127.0.0.1 0 || fail "no server"
	for host in example.org:8080 example.org '[::1]:80' '[::1' \
	    "[$(printf '%05000d' 0)" "[$(printf '%04095d' 0)"; do
		t 20 python3 - "$PORT" "$host" >"$SC_TMP/c.out" \
		    2>"$SC_TMP/c.err" <<'EOF2'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET / HTTP/1.1\r\nHost: " + sys.argv[2].encode() +
          b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          b"Sec-WebSocket-Version: 13\r\n\r\n")
got = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
head, _, rest = got.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode())
# One unmasked text frame: its length, then the line.
n = rest[1] & 0x7f
off = 2 if n < 126 else 4
if n == 126:
    n = int.from_bytes(rest[2:4], "big")
print(rest[off:off + n].decode())
EOF2
		assertEquals "${host:0:20}: status: $(<"$SC_TMP/c.err")" 0 $?
		case $host in
		'[::1]:80') want='[::1]' ;;
		'['*) want=$host ;;
		*) want=${host%%:*} ;;
		esac
		# A value is cut at 4,096 bytes, as every CGI value is.
		want=${want:0:4096}
		assertEquals "${host:0:20}: answer" "HTTP/1.1 101 Switching Protocols" \
		    "$(head -n 1 "$SC_TMP/c.out")"
		assertEquals "${host:0:20}: SERVER_NAME" "$want" \
		    "$(sed -n 2p "$SC_TMP/c.out")"
	done
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# --ws-allow-origin and --ws-path: 403 and 404 before any upgrade.
test_origin_and_path() {
	server s -lk --websocket --ws-allow-origin http://good.example \
	    --ws-allow-origin http://also.example --ws-path /chat \
	    --ws-path /other -e /bin/cat 127.0.0.1 0 || fail "no server"
	out=$(echo hi | t 20 "$SC" -N --ws-origin http://good.example \
	    "ws://127.0.0.1:$PORT/chat?room=1" 2>"$SC_TMP/c.err")
	assertEquals "allowed: $(<"$SC_TMP/c.err")" hi "$out"
	out=$(echo hi | t 20 "$SC" -N "ws://127.0.0.1:$PORT/other" \
	    2>"$SC_TMP/c.err")
	assertEquals "no Origin: $(<"$SC_TMP/c.err")" hi "$out"
	echo hi | t 20 "$SC" -N --ws-origin http://evil.example \
	    "ws://127.0.0.1:$PORT/chat" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "bad origin: status" 1 $?
	grep -q '403 Forbidden' "$SC_TMP/c.err" ||
	    fail "bad origin: $(<"$SC_TMP/c.err")"
	echo hi | t 20 "$SC" -N --ws-origin http://good.example \
	    "ws://127.0.0.1:$PORT/elsewhere" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "bad path: status" 1 $?
	grep -q '404 Not Found' "$SC_TMP/c.err" ||
	    fail "bad path: $(<"$SC_TMP/c.err")"
	grep -q 'origin not allowed (403)' "$SC_TMP/s.err" ||
	    fail "server: $(<"$SC_TMP/s.err")"
	still_running "$SERVER_PID" 0.2 || fail "the server ended"
}

# --ws-framed: records both ways, text and binary, against Python's
# websockets, in the client and for a program of the server.
test_framed_client() {
	bg t 30 python3 "$PEER" serve echo >"$SC_TMP/p.out" 2>"$SC_TMP/p.err"
	wait_for "$SC_TMP/p.out" "^PORT " || fail "no peer: $(<"$SC_TMP/p.err")"
	wport=$(sed -n 's/^PORT //p' "$SC_TMP/p.out")
	printf 'T 5\nhelloB 3\n\000\001\377T 0\n' >"$SC_TMP/in"
	t 20 "$SC" --ws-framed -q 2 "ws://127.0.0.1:$wport/" \
	    <"$SC_TMP/in" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status: $(<"$SC_TMP/err")" 0 $?
	cmp -s "$SC_TMP/in" "$SC_TMP/out" ||
	    fail "echoed: $(od -c "$SC_TMP/out")"
}

# A program of the server sees each message's kind: cat sends each back
# as it came, where without --ws-framed a binary message that is UTF-8
# would come back as text.
test_framed_server_program() {
	server s -lk --websocket --ws-framed -e /bin/cat 127.0.0.1 0 ||
	    fail "no server"
	t 20 python3 "$PEER" client kinds "$PORT" >"$SC_TMP/p.out" \
	    2>"$SC_TMP/p.err"
	assertEquals "kinds: $(<"$SC_TMP/p.err")" \
	    "binary b'\\xff\\xfe\\x00bin'
text 'héllo €'
binary b'plain'
closed 1000" "$(<"$SC_TMP/p.out")"
}

test_framed_malformed() {
	server s -lk --websocket -e /bin/cat 127.0.0.1 0 || fail "no server"
	for bad in 'X 5\nhello' 'T five\nhello' 'T 5 \nhello' 'T -1\n' \
	    'T 99999999999999999999\n' 'T 2\n\377\376' 'T 2\nab\n'; do
		printf "$bad" | t 20 "$SC" --ws-framed -q 1 \
		    "ws://127.0.0.1:$PORT/" >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$bad: status" 1 $?
		assertEquals "$bad: one line: $(<"$SC_TMP/err")" 1 \
		    "$(wc -l <"$SC_TMP/err")"
		grep -q -- '--ws-framed: ' "$SC_TMP/err" ||
		    fail "$bad: $(<"$SC_TMP/err")"
	done
}

test_command_line() {
	expect_error "must use -l --websocket with --ws-static, --ws-allow-origin and --ws-path" \
	    --ws-static . 127.0.0.1 80
	expect_error "must use --websocket or a ws:// URL with --ws-* options" \
	    -l --ws-path /x 0
	expect_error "ws-path invalid: x (a path starts with /)" \
	    -l --websocket --ws-path x 0
	expect_error "cannot use --ws-framed with --ws-binary" \
	    --ws-framed --ws-binary ws://127.0.0.1:1/
	expect_error "ws-static: $SC_TMP/none: No such file or directory" \
	    -l --websocket --ws-static "$SC_TMP/none" 0
}

sc_run_shunit2
