#!/bin/bash
# The HTTP proxy server and --max-conns side by side with ncat, where the
# other suites test sockcat alone: GET, HEAD and POST forwarded (with the
# URI's Host), chunked bodies, folded header lines, the status codes of a
# refused destination and an over-long target (sockcat's own where the
# manual says they differ), a full data server closing silently; and the
# full room's and chat's words, and the --denyfile manual entry.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

# serve IMPL NAME args...: a sockcat (sc) or ncat server on 127.0.0.1,
# its port in PORT; stdout NAME.out, stderr NAME.err.
serve() {
	_impl=$1
	_name=$2
	shift 2
	if [ "$_impl" = sc ]; then
		server "$_name" "$@" 127.0.0.1 0 || fail "no server"
		return
	fi
	free_port >"$SC_TMP/port"
	PORT=$(<"$SC_TMP/port")
	timeout -k 2 "$SC_SERVER_LIFE" ncat -v "$@" 127.0.0.1 "$PORT" \
	    <"${SERVER_STDIN:-/dev/null}" >"$SC_TMP/$_name.out" \
	    2>"$SC_TMP/$_name.err" &
	SERVER_PID=$!
	SC_PIDS="$SC_PIDS $SERVER_PID"
	wait_for "$SC_TMP/$_name.err" '^Ncat: Listening on ' 15 ||
	    fail "no ncat"
}

# proxy IMPL args...: an HTTP proxy server; its port in PPORT.
proxy() {
	_i=$1
	shift
	if [ "$_i" = sc ]; then
		serve sc px -l --proxy-type http "$@"
	else
		serve ncat px -lk --proxy-type http "$@"
	fi
	PPORT=$PORT
}

# ask FORMAT [args]: send what printf makes of it to the proxy; the
# answer is in ans, its status line in STATUS_LINE.
ask() {
	# shellcheck disable=SC2059
	printf "$@" | t 20 "$SC" 127.0.0.1 "$PPORT" >"$SC_TMP/ans" 2>&1
	STATUS_LINE=$(head -n 1 "$SC_TMP/ans" | tr -d '\r')
}

# The origin's request, once it has the line matching $1.
origin_got() {
	wait_for "$SC_TMP/origin.out" "$1" 15 || fail "origin: $1"
}

# forwarding IMPL: GET, HEAD and POST with Content-Length, in origin form,
# with the Host of the URI and the other headers kept.
forwarding() {
	proxy "$1"
	origin
	ask 'GET http://127.0.0.1:%s/a?b=c HTTP/1.1\r\nHost: elsewhere\r\nX-Kept: yes\r\n\r\n' "$OPORT"
	assertContains "$1: GET answered" "$(<"$SC_TMP/ans")" \
	    "origin says hi"
	origin_got '^X-Kept'
	assertContains "$1: origin form" \
	    "$(head -n 1 "$SC_TMP/origin.out")" "GET /a?b=c HTTP/1."
	assertContains "$1: the URI's Host" "$(<"$SC_TMP/origin.out")" \
	    "Host: 127.0.0.1:$OPORT"
	assertNotContains "$1: not the client's" \
	    "$(<"$SC_TMP/origin.out")" elsewhere
	assertContains "$1: other headers kept" \
	    "$(<"$SC_TMP/origin.out")" "X-Kept: yes"
	origin
	ask 'HEAD http://127.0.0.1:%s/h HTTP/1.1\r\nHost: x\r\n\r\n' "$OPORT"
	assertContains "$1: HEAD answered" "$STATUS_LINE" " 200 OK"
	origin_got '^Connection: close'
	assertContains "$1: HEAD" "$(head -n 1 "$SC_TMP/origin.out")" \
	    "HEAD /h HTTP/1."
	origin
	ask 'POST http://127.0.0.1:%s/form HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\nname=me' "$OPORT"
	assertContains "$1: POST answered" "$(<"$SC_TMP/ans")" \
	    "origin says hi"
	origin_got 'name=me'
	assertContains "$1: POST" "$(head -n 1 "$SC_TMP/origin.out")" \
	    "POST /form HTTP/1."
}

test_forwarding() {
	forwarding sc
	# A chunked body is relayed as it is; ncat refuses it (400).
	origin
	ask 'POST http://127.0.0.1:%s/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' "$OPORT"
	assertContains "chunked answered" "$(<"$SC_TMP/ans")" \
	    "origin says hi"
	origin_got '^0.?$'
	assertContains "the chunks" "$(<"$SC_TMP/origin.out")" abc
}

test_forwarding_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	forwarding ncat
	origin
	ask 'POST http://127.0.0.1:%s/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' "$OPORT"
	assertEquals "ncat refuses a chunked body" \
	    "HTTP/1.0 400 Bad Request" "$STATUS_LINE"
}

# Digest credentials from curl, the proxy's challenge answered; sockcat's
# side, with SHA-256 too, is in t-proxyd-get.sh.
test_digest_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	command -v curl >/dev/null || { sc_skip "curl not installed"; return; }
	for impl in sc ncat; do
		proxy "$impl" --proxy-auth alice:secret
		origin
		t 20 curl -sS --proxy-digest -U alice:secret \
		    -x "http://127.0.0.1:$PPORT" "http://127.0.0.1:$OPORT/d" \
		    >"$SC_TMP/ans" 2>&1
		assertEquals "$impl: Digest" "origin says hi" \
		    "$(<"$SC_TMP/ans")"
		t 20 curl -sS --proxy-digest -U alice:wrong -o /dev/null \
		    -w '%{http_code}' -x "http://127.0.0.1:$PPORT" \
		    "http://127.0.0.1:$OPORT/d" >"$SC_TMP/ans" 2>&1
		assertEquals "$impl: wrong password" 407 "$(<"$SC_TMP/ans")"
		# The origin has gone already; the proxy goes now.
		stop "$SERVER_PID" "$OPID"
	done
}

# folded IMPL: credentials folded onto a second line.
folded() {
	proxy "$1" --proxy-auth alice:secret
	origin
	# YWxpY2U6c2VjcmV0 is alice:secret.
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\r\nProxy-Authorization: Basic\r\n YWxpY2U6c2VjcmV0\r\n\r\n' "$OPORT"
}

test_folded_header_refused() {
	folded sc
	assertEquals "refused whole" "HTTP/1.1 400 Bad Request" \
	    "$STATUS_LINE"
}

test_folded_header_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	folded ncat
	assertEquals "ncat unfolds" "HTTP/1.0 200 OK" "$STATUS_LINE"
}

# statuses IMPL REFUSED LONG: the status lines for a refused destination
# and for a request target longer than any buffer.
statuses() {
	GONE=$(free_port) || fail "no free port"
	proxy "$1"
	ask 'CONNECT 127.0.0.1:%s HTTP/1.1\r\n\r\n' "$GONE"
	assertEquals "$1: refused" "$2" "$STATUS_LINE"
	ask 'GET http://127.0.0.1:9/%s HTTP/1.1\r\n\r\n' \
	    "$(head -c 9000 /dev/zero | tr '\0' a)"
	assertEquals "$1: target too long" "$3" "$STATUS_LINE"
}

test_statuses() {
	statuses sc "HTTP/1.1 502 Bad Gateway" "HTTP/1.1 414 URI Too Long"
}

test_statuses_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	statuses ncat "HTTP/1.0 504 Gateway Timeout" \
	    "HTTP/1.0 413 Request Entity Too Large"
}

# full IMPL: a data server (-lk -e cat) with --max-conns 1 closes the one
# more without a word.
full() {
	serve "$1" srv -lk -e /bin/cat --max-conns 1
	held_stdin first 7
	bg_in "$SC_TMP/first" t 20 "$SC" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/first.out" 2>/dev/null
	echo one >&7
	wait_for "$SC_TMP/first.out" '^one$' 15 || fail "$1: first not served"
	echo two | t 10 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/two.out" \
	    2>/dev/null
	assertEquals "$1: the one more is told nothing" "" \
	    "$(<"$SC_TMP/two.out")"
	exec 7>&-
}

test_full_data_server_is_silent() {
	full sc
}

test_full_data_server_is_silent_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	full ncat
}

# A person is told, with the plural right.
test_full_room_and_chat_say_so() {
	held_stdin r1 7
	held_stdin r2 8
	server room --room --max-conns 2 127.0.0.1 0 || fail "no room"
	bg_in "$SC_TMP/r1" t 20 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/r1.out"
	bg_in "$SC_TMP/r2" t 20 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/r2.out"
	# Both in: the two start at once, and either may be the first.
	wait_for "$SC_TMP/r1.out" Welcome 15 || fail "no first"
	wait_for "$SC_TMP/r2.out" Welcome 15 || fail "no second"
	t 10 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/r3.out"
	assertEquals \
	    "sockcat: the server is full (2 connections); try again later." \
	    "$(<"$SC_TMP/r3.out")"
	exec 7>&- 8>&-
	held_stdin c1 7
	held_stdin op 8
	SERVER_STDIN=$SC_TMP/op server chat --chat -l --max-conns 1 \
	    127.0.0.1 0 || fail "no chat"
	bg_in "$SC_TMP/c1" t 20 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c1.out"
	wait_for "$SC_TMP/chat.err" '^Connection received' 15 ||
	    fail "no chatter"
	t 10 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	assertEquals \
	    "sockcat: the server is full (1 connection); try again later." \
	    "$(<"$SC_TMP/c2.out")"
	exec 7>&- 8>&-
}

# The --denyfile entry speaks of deny rules only (a sentence about UDP
# probes once strayed there from -z).
test_denyfile_manual_entry() {
	# shellcheck disable=SC2046
	sed -n '/^\.It Fl -denyfile/,/^\.It /p' $(manual_pages) >"$SC_TMP/entry"
	assertContains "the entry" "$(<"$SC_TMP/entry")" "-deny"
	assertNotContains "no probes" "$(<"$SC_TMP/entry")" probe
	assertNotContains "no -u" "$(<"$SC_TMP/entry")" "Fl u"
}

sc_run_shunit2
