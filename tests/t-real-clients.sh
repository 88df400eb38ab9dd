#!/bin/bash
# Clients nobody here wrote, used as people use them, against every
# listening mode: curl (GET, HEAD, a POST with a body, HTTP/1.0, HTTP/2
# with prior knowledge), openssl s_client (a handshake, a line, then the
# end; and a ClientHello to a plain port), plain HTTP to a TLS port, the
# ws library of Node.js, and headless Chromium opening every server at
# once.  The modes: -lk, -lk -e, -lk -c, --broker, --room, --forward (to
# an echo server), the SOCKS5 and HTTP proxy servers and a --chat
# server, each plain and with --ssl, and each that takes it with
# --websocket too; the combinations refused are refused in one line.
#
# After each client the server must have answered as its mode does, or
# closed, or kept silent as a netcat does (then the test ends the client
# once the server has what it sent); and it must still be running and
# serve the next proper client of its mode, whose bytes are checked.
#
# The rows run one after another, each a few seconds, so the matrix is
# four suites that make check runs side by side: this file (the plain
# rows and the refused combinations) and t-real-clients-{tls,ws,
# browser}.sh, which set SC_RC_PART to tls (the --ssl rows), ws (the
# --websocket rows, plain and TLS) or browser (Chromium) and source it.
# SC_BROWSER=0 skips Chromium (CI's sanitizer pass: the servers there
# still meet curl, s_client and the ws library).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

sc_require curl openssl node
sc_require_tls
CHROMIUM=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROMIUM" ]; then
	echo "chromium not installed: skipping" >&2
	exit 77
fi
# The ws module: Debian's node-ws (/usr/share/nodejs), or npm's ws put
# in tests/node by "npm install --prefix tests/node ws".
NODE_PATH=${TESTS_DIR:-$(dirname "$0")}/node/node_modules:/usr/share/nodejs\
:/usr/lib/nodejs${NODE_PATH:+:$NODE_PATH}
export NODE_PATH
if ! t 20 node -e 'require("ws")' 2>/dev/null; then
	echo "the ws module of Node.js not installed" \
	    "(Debian: node-ws; npm: ws): skipping" >&2
	exit 77
fi
WSCLIENT="${TESTS_DIR:-$(dirname "$0")}/wsclient.js"
# How long a ws client lasts at most, in milliseconds: a loaded machine
# may take seconds to start one.
WSCLIENT_TIMEOUT=15000
export WSCLIENT_TIMEOUT

# wsc URL STEP...: what "node $WSCLIENT URL STEP..." does, done by the
# suite's one Node.js process (wsclient.js --serve, started by
# wsc_start): the client's events on stdout and its status.  Node.js
# takes a quarter of a second of processor time to start, and every
# proper client of a WebSocket row is one.  The client lasts
# WSCLIENT_TIMEOUT at most, the wait for it ten seconds more.
WSC_FD=3 WSC_PID="" WSC_N=0
wsc_start() {
	WSC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-wsc.XXXXXX")
	mkfifo "$WSC_DIR/requests"
	eval "exec $WSC_FD<>\"\$WSC_DIR/requests\""
	timeout -k 2 900 node "$WSCLIENT" --serve <"$WSC_DIR/requests" \
	    >"$WSC_DIR/node.out" 2>"$WSC_DIR/node.err" 3>&- 5>&- 6>&- 7>&- \
	    8>&- 9>&- &
	WSC_PID=$!
}
wsc_stop() {
	eval "exec $WSC_FD>&-"
	stop "$WSC_PID"
	wait "$WSC_PID" 2>/dev/null
	WSC_PID=""
	rm -rf "$WSC_DIR"
}
wsc() {
	_wr=$SC_TMP/wsc.$BASHPID.$((WSC_N += 1))
	printf '%s\0' "$WSCLIENT_TIMEOUT" "${WSCLIENT_CA:-}" "$@" >"$_wr"
	printf '%s\n' "$_wr" >&"$WSC_FD"
	if ! wait_until -t $((WSCLIENT_TIMEOUT / 1000 + 10)) \
	    test -f "$_wr.status"; then
		echo "no answer from $WSCLIENT --serve: $(<"$WSC_DIR/node.err")"
		return 1
	fi
	[ -s "$_wr.out" ] && printf '%s\n' "$(<"$_wr.out")"
	return "$(<"$_wr.status")"
}

# The certificates' set-up and tear-down (sc_certs), and the WebSocket
# rows' Node.js process.
sc_certs
eval "_rc_certs_$(declare -f oneTimeSetUp)"
eval "_rc_certs_$(declare -f oneTimeTearDown)"
oneTimeSetUp() {
	_rc_certs_oneTimeSetUp
	case ${SC_RC_PART:-plain} in
	ws|browser) wsc_start ;;
	esac
}
oneTimeTearDown() {
	[ -n "$WSC_PID" ] && wsc_stop
	_rc_certs_oneTimeTearDown
}

# A row's server serves some twenty clients in turn, and test_chromium's
# thirty servers wait for the browser: more than SC_SERVER_LIFE on a
# loaded machine with the sanitizers.  tearDown ends them all.
SERVER_TIMEOUT=$((SC_SERVER_LIFE * 4))

tearDown() {
	exec 5>&- 6>&- 7>&- 8>&- 9>&-
	sc_remove_tmp
	endSkipping
}

# The -c program: a one-line web server, which answers any request with
# the path it asked for and then reads what follows until the end.
RESPONDER='read -r m p v
b="you asked for $p"
printf "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s\n" $((${#b} + 1)) "$b"
exec cat >/dev/null'

# curl's statuses for a connection closed without an answer it could
# read: HTTP/2 stream or framing errors, empty reply, send or receive
# failure (a reset).
CLOSED='^(16|18|52|55|56)$'

# start_row MODE WS SSL: start the server of a row of the matrix (and
# what it needs: the echo server behind --forward, the origin behind a
# proxy, the console of a chat), on 127.0.0.1 port 0; its port in SPORT,
# its process in SPID, its logs in s.out and s.err.
start_row() {
	MODE=$1 WS=$2 SSL=$3
	ROWARGS=()
	[ "$WS" = 1 ] && ROWARGS+=(--websocket)
	SCHEME=http WSSCHEME=ws SCTLS=() CURLTLS=()
	if [ "$SSL" = 1 ]; then
		ROWARGS+=(--ssl-cert "$CERTS/srv.pem"
		    --ssl-key "$CERTS/srv.key")
		SCHEME=https WSSCHEME=wss SCTLS=(--ssl)
		CURLTLS=(--cacert "$CERTS/ca.pem")
	fi
	N=0 OPORT=""
	case $MODE in
	sink) server s -lk "${ROWARGS[@]}" 127.0.0.1 0 ;;
	exec) server s -lk -e /bin/cat "${ROWARGS[@]}" 127.0.0.1 0 ;;
	cmd) server s -lk -c "$RESPONDER" "${ROWARGS[@]}" 127.0.0.1 0 ;;
	broker) server s --broker --monitor "${ROWARGS[@]}" 127.0.0.1 0 ;;
	room) server s --room "${ROWARGS[@]}" 127.0.0.1 0 ;;
	forward)
		server e -lk -e /bin/cat 127.0.0.1 0 || fail "no echo server"
		server s -lk --forward "127.0.0.1:$PORT" "${ROWARGS[@]}" \
		    127.0.0.1 0
		;;
	socks5|http)
		start_origin
		server s -l --proxy-type "$MODE" "${ROWARGS[@]}" 127.0.0.1 0
		;;
	chat)
		# A person at the chat's console, who never leaves: the end
		# of its input would end the chat.
		console con "$CONFD"
		server s --chat -lk "${ROWARGS[@]}" 127.0.0.1 0
		unset SERVER_STDIN
		;;
	esac || fail "no server: $(<"$SC_TMP/s.err")"
	SPORT=$PORT SPID=$SERVER_PID
	URL=$SCHEME://127.0.0.1:$SPORT/
	WSURL=$WSSCHEME://127.0.0.1:$SPORT/
	unset WSCLIENT_CA
	[ "$SSL" = 1 ] && export WSCLIENT_CA=$CERTS/ca.pem
	return 0
}

# The descriptor on which the test holds a chat's console.
CONFD=9

# An HTTP origin behind the proxies: Python's http.server, serving
# $SC_TMP/www; its port in OPORT.
start_origin() {
	mkdir -p "$SC_TMP/www"
	bg t "$SERVER_TIMEOUT" python3 -u -m http.server --bind 127.0.0.1 \
	    --directory "$SC_TMP/www" 0 >"$SC_TMP/www.out" 2>"$SC_TMP/www.err"
	# Python takes seconds to import the module on a loaded machine: a
	# minute at most, which costs nothing when it is quick.
	wait_for "$SC_TMP/www.out" '^Serving HTTP on .* port [0-9]+' 60 ||
	    fail "no origin: $(<"$SC_TMP/www.err")"
	OPORT=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' \
	    "$SC_TMP/www.out")
}

# count_conns: how many connections the server has taken so far, in
# CONNS (a chat turns away callers while it has a partner, without a
# "Connection received" line).  The shell counts: a test waiting asks
# every few milliseconds.
count_conns() {
	CONNS=0
	while IFS= read -r _cl || [ -n "$_cl" ]; do
		case $_cl in
		"Connection received on "*|*"turned away: busy")
			CONNS=$((CONNS + 1)) ;;
		esac
	done <"$SC_TMP/s.err"
}

# chat_idle: has the chat server's partner, if any, left (it says that
# it waits once at the start and again after each partner)?
chat_idle() {
	_ci_w=0 _ci_c=0
	while IFS= read -r _cl || [ -n "$_cl" ]; do
		case $_cl in
		"waiting for someone to talk to"*) _ci_w=$((_ci_w + 1)) ;;
		"connected to "*) _ci_c=$((_ci_c + 1)) ;;
		esac
	done <"$SC_TMP/s.err"
	[ "$_ci_w" -gt "$_ci_c" ]
}

# settle: wait until the server can take the next client as a first
# one: a chat server serves one partner at a time and turns away whoever
# calls meanwhile.
settle() {
	[ "$MODE" = chat ] || return 0
	wait_until chat_idle || fail "the chat's partner never left"
}

# attempt WHAT EVIDENCE OUT ERR cmd...: run a client in the background,
# its output in OUT and ERR.  EVIDENCE empty: it must end by itself
# (within its own bound).  Otherwise the server owes it no answer (a
# netcat waiting for its console, a broker, a proxy waiting for the rest
# of a request): once the server has taken the connection and shown the
# EVIDENCE (see got_it), the client is ended.  Either way the client's
# status is in STATUS.
attempt() {
	rc_what=$1 rc_ev=$2 rc_o=$3 rc_e=$4
	shift 4
	settle
	count_conns
	rc_n0=$CONNS
	rc_s0=$(stat -c %s "$SC_TMP/s.out")
	bg t 25 "$@" >"$rc_o" 2>"$rc_e"
	rc_pid=$BG_PID
	if [ -n "$rc_ev" ]; then
		wait_until got_it "$rc_pid" "$rc_n0" "$rc_ev" "$rc_s0" ||
		    fail "$rc_what: the server never got it"
		stop "$rc_pid"
	fi
	wait_exit "$rc_pid" 30 || fail "$rc_what: did not end"
	STATUS=$WAIT_STATUS
}

# got_it PID N0 EVIDENCE S0: has the client ended, or the server taken
# its connection (more than N0) and written to s.out, past its first S0
# bytes, a line matching EVIDENCE ("grow": anything; "conn": nothing
# more is asked)?
got_it() {
	gone "$1" && return 0
	count_conns
	[ "$CONNS" -gt "$2" ] || return 1
	case $3 in
	conn) return 0 ;;
	grow) size_at_least "$SC_TMP/s.out" $(($4 + 1)) ;;
	*) tail -c +$(($4 + 1)) "$SC_TMP/s.out" | grep -Eqa -- "$3" ;;
	esac
}

# served WHAT: the server is still running and serves a proper client of
# its mode, with bytes that no client sent before.
served() {
	if gone "$SPID"; then
		wait "$SPID"
		fail "after $1: the server ended (status $?): $(tail -n 5 \
		    "$SC_TMP/s.err")"
		startSkipping
		return 1
	fi
	settle
	N=$((N + 1))
	rc_line="proper $N from $MODE"
	if [ "$WS" = 1 ]; then
		served_ws "$1"
	else
		served_"$MODE" "$1"
	fi
	settle
}

served_sink() {
	printf '%s\n' "$rc_line" | t 20 "$SC" -N "${SCTLS[@]}" 127.0.0.1 \
	    "$SPORT" \
	    >"$SC_TMP/p.out" 2>"$SC_TMP/p.err"
	assertEquals "after $1: proper client's status" 0 $?
	assertTrue "after $1: the server got it" \
	    "wait_for '$SC_TMP/s.out' '$rc_line\$'"
}

served_exec() {
	printf '%s\n' "$rc_line" | t 20 "$SC" -N "${SCTLS[@]}" 127.0.0.1 \
	    "$SPORT" \
	    >"$SC_TMP/p.out" 2>"$SC_TMP/p.err"
	assertEquals "after $1: proper client's status" 0 $?
	assertEquals "after $1: echoed" "$rc_line" "$(<"$SC_TMP/p.out")"
}

served_forward() {
	served_exec "$@"
}

served_cmd() {
	t 20 curl -sS "${CURLTLS[@]}" "${URL}proper-$N" >"$SC_TMP/p.out" \
	    2>"$SC_TMP/p.err"
	assertEquals "after $1: curl's status" 0 $?
	assertEquals "after $1: the answer" "you asked for /proper-$N" \
	    "$(<"$SC_TMP/p.out")"
}

# A broker or room: one client says it is there, which the server shows
# (it is a member then), and gets what another sends.
served_broker() {
	rm -f "$SC_TMP/l.in"
	client l 7 -N "${SCTLS[@]}" 127.0.0.1 "$SPORT"
	rc_l=$CLIENT_PID
	say 7 'ready %s\n' "$N"
	wait_for "$SC_TMP/s.out" "ready $N\$" ||
	    fail "after $1: no member: $(tail -n 5 "$SC_TMP/s.err"); the \
member: $(<"$SC_TMP/l.err"); the server's output: $(tail -c 300 \
"$SC_TMP/s.out" | od -c | tail -n 5)"
	printf '%s\n' "$rc_line" | t 20 "$SC" -N "${SCTLS[@]}" 127.0.0.1 \
	    "$SPORT" >"$SC_TMP/p.out" 2>"$SC_TMP/p.err"
	assertEquals "after $1: the sender's status" 0 $?
	assertTrue "after $1: the member got it" \
	    "wait_for '$SC_TMP/l.out' '$rc_line\$'"
	assertTrue "after $1: the server shows it" \
	    "wait_for '$SC_TMP/s.out' '$rc_line\$'"
	hush 7
	wait_exit "$rc_l"
	assertEquals "after $1: the member's status" 0 "$WAIT_STATUS"
}

served_room() {
	served_broker "$@"
}

served_socks5() {
	printf '%s\n' "$rc_line" >"$SC_TMP/www/proper-$N"
	if [ "$SSL" = 0 ]; then
		t 20 curl -sS --socks5-hostname "127.0.0.1:$SPORT" \
		    "http://127.0.0.1:$OPORT/proper-$N" >"$SC_TMP/p.out" \
		    2>"$SC_TMP/p.err"
		assertEquals "after $1: curl's status" 0 $?
	else
		# curl speaks no SOCKS over TLS: s_client carries the
		# greeting, the CONNECT and the request at once.
		# shellcheck disable=SC2059
		rc_op=$(printf '\\%03o\\%03o' $((OPORT >> 8)) $((OPORT & 255)))
		printf "\\005\\001\\000\\005\\001\\000\\001\\177\\000\\000\\001$rc_op%s" \
		    "GET /proper-$N HTTP/1.0"$'\r\n\r\n' |
		    t 20 openssl s_client -quiet -CAfile "$CERTS/ca.pem" \
		    -verify_return_error -verify_ip 127.0.0.1 \
		    -connect "127.0.0.1:$SPORT" >"$SC_TMP/p.out" \
		    2>"$SC_TMP/p.err"
		assertEquals "after $1: s_client's status" 0 $?
	fi
	assertContains "after $1: the origin's answer" "$(tr -d '\0' \
	    <"$SC_TMP/p.out")" "$rc_line"
}

served_http() {
	printf '%s\n' "$rc_line" >"$SC_TMP/www/proper-$N"
	if [ "$SSL" = 0 ]; then
		rc_px=(-x "http://127.0.0.1:$SPORT")
	else
		rc_px=(-x "https://127.0.0.1:$SPORT"
		    --proxy-cacert "$CERTS/ca.pem")
	fi
	t 20 curl -sS "${rc_px[@]}" "http://127.0.0.1:$OPORT/proper-$N" \
	    >"$SC_TMP/p.out" 2>"$SC_TMP/p.err"
	assertEquals "after $1: curl's status" 0 $?
	assertEquals "after $1: the origin's answer" "$rc_line" \
	    "$(<"$SC_TMP/p.out")"
}

# A chat: a partner says a line, the console answers it, the partner
# leaves.
served_chat() {
	rm -f "$SC_TMP/l.in"
	client l 7 --chat "${SCTLS[@]}" 127.0.0.1 "$SPORT"
	rc_l=$CLIENT_PID
	say 7 '%s\n' "$rc_line"
	assertTrue "after $1: the console shows it" \
	    "wait_for '$SC_TMP/s.out' '$rc_line\$'"
	say "$CONFD" 'back %s\n' "$N"
	assertTrue "after $1: the partner gets the answer" \
	    "wait_for '$SC_TMP/l.out' '^back $N\$'"
	hush 7
	wait_exit "$rc_l"
	assertEquals "after $1: the partner's status" 0 "$WAIT_STATUS"
}

# A WebSocket server: the client of each mode, from the ws library.
served_ws() {
	case $MODE in
	sink)
		wsc "$WSURL" "t:$rc_line" close \
		    >"$SC_TMP/p.out" 2>&1
		rc_st=$?
		assertEquals "after $1: ws client: $(<"$SC_TMP/p.out")" 0 "$rc_st"
		assertTrue "after $1: the server got it" \
		    "wait_for '$SC_TMP/s.out' '$rc_line\$'"
		;;
	exec|forward)
		wsc "$WSURL" "t:$rc_line" "w:$rc_line" close \
		    >"$SC_TMP/p.out" 2>&1
		rc_st=$?
		assertEquals "after $1: ws client: $(<"$SC_TMP/p.out")" 0 "$rc_st"
		assertTrue "after $1: echoed: $(<"$SC_TMP/p.out")" \
		    "grep -Eq '^(text|binary) $rc_line\$' '$SC_TMP/p.out'"
		;;
	cmd)
		wsc "$WSURL" "t:GET /proper-$N HTTP/1.0
" "w:you asked for /proper-$N" close >"$SC_TMP/p.out" 2>&1
		rc_st=$?
		assertEquals "after $1: ws client: $(<"$SC_TMP/p.out")" 0 "$rc_st"
		;;
	broker|room)
		WSCLIENT_TIMEOUT=25000 bg wsc "$WSURL" \
		    "t:ready $N" "w:$rc_line" close >"$SC_TMP/l.out" 2>&1
		rc_l=$BG_PID
		wait_for "$SC_TMP/s.out" "ready $N\$" ||
		    fail "after $1: no member: $(<"$SC_TMP/l.out")"
		wsc "$WSURL" "t:$rc_line" close \
		    >"$SC_TMP/p.out" 2>&1
		rc_st=$?
		assertEquals "after $1: ws sender: $(<"$SC_TMP/p.out")" 0 "$rc_st"
		wait_exit "$rc_l" 35
		assertEquals "after $1: ws member: $(<"$SC_TMP/l.out")" 0 \
		    "$WAIT_STATUS"
		grep -Eq "^text (<user[0-9]+> )?$rc_line\$" "$SC_TMP/l.out" ||
		    fail "after $1: the member got: $(<"$SC_TMP/l.out")"
		;;
	esac
}

# What each client gets from each row: a curl answer is an HTTP status
# ("426"), "x1" (curl's status 1: bytes that are not HTTP, such as an
# echo or a room's welcome), "closed" (see CLOSED), or "silent:EVIDENCE"
# (no answer is owed; see attempt).  Sets EXPECT.
expect_curl() {
	rc_req=$1	# get head post http10 h2
	case $rc_req in
	get) rc_first='^GET / HTTP/1\.1' ;;
	head) rc_first='^HEAD / HTTP/1\.1' ;;
	post) rc_first='a=1&b=2' ;;
	http10) rc_first='^GET / HTTP/1\.0' ;;
	h2) rc_first='^PRI \* HTTP/2\.0' ;;
	esac
	if [ "$WS" = 1 ]; then
		# A broker or room takes a plain client whose first word is
		# no HTTP method as it is (under TLS too: the first bytes
		# inside it).  A room serves its page at "/"; HEAD is
		# answered as GET, other methods 405.
		case $MODE:$SSL:$rc_req in
		broker:*:h2) EXPECT=silent:$rc_first ;;
		room:*:get|room:*:head|room:*:http10) EXPECT=200 ;;
		*:get|*:head) EXPECT=426 ;;
		*:post) EXPECT=405 ;;
		*:http10) EXPECT=400 ;;
		*:h2) EXPECT=closed ;;
		esac
		return
	fi
	case $MODE:$rc_req in
	*:h2)
		case $MODE in
		sink|broker|chat) EXPECT=silent:$rc_first ;;
		*) EXPECT=closed ;;
		esac
		;;
	sink:*|broker:*|chat:*) EXPECT=silent:$rc_first ;;
	exec:*|forward:*|room:*) EXPECT=x1 ;;
	cmd:*) EXPECT=200 ;;
	socks5:*) EXPECT=closed ;;
	http:*) EXPECT=400 ;;
	esac
}

# check_curl WHAT: the outcome of a curl run by attempt against EXPECT.
check_curl() {
	rc_code=$(<"$SC_TMP/code")
	case $EXPECT in
	silent:*) ;;
	x1)
		assertEquals "$1: curl's status: $(<"$SC_TMP/cerr")" 1 "$STATUS"
		;;
	closed)
		rc_err=$(<"$SC_TMP/cerr")
		assertTrue "$1: closed, but curl's status is $STATUS: $rc_err" \
		    "[[ $STATUS =~ $CLOSED ]]"
		assertEquals "$1: no status" 000 "$rc_code"
		;;
	*)
		assertEquals "$1: curl's status: $(<"$SC_TMP/cerr")" 0 "$STATUS"
		assertEquals "$1: HTTP status" "$EXPECT" "$rc_code"
		;;
	esac
	if [ "$EXPECT" = 200 ] && [ "$rc_req" != head ]; then
		if [ "$WS:$MODE" = 1:room ]; then
			assertTrue "$1: the room's page: $(<"$SC_TMP/body")" \
			    "grep -q 'new WebSocket' '$SC_TMP/body'"
		else
			assertEquals "$1: the answer" "you asked for /" \
			    "$(<"$SC_TMP/body")"
		fi
	fi
}

# curl_battery: curl's five ways, each followed by a proper client.
curl_battery() {
	for rc_req in get head post http10 h2; do
		case $rc_req in
		get) rc_opt=() ;;
		head) rc_opt=(-I) ;;
		post) rc_opt=(-d 'a=1&b=2') ;;
		http10) rc_opt=(-0) ;;
		h2) rc_opt=(--http2-prior-knowledge) ;;
		esac
		expect_curl "$rc_req"
		rc_ev=""
		case $EXPECT in silent:*) rc_ev=${EXPECT#silent:} ;; esac
		: >"$SC_TMP/body"
		attempt "curl $rc_req" "$rc_ev" "$SC_TMP/code" "$SC_TMP/cerr" \
		    curl -sS -m 15 "${CURLTLS[@]}" "${rc_opt[@]}" \
		    -o "$SC_TMP/body" -w '%{http_code}' "$URL"
		check_curl "curl $rc_req"
		served "curl $rc_req" || return
	done
}

# s_client against a plain port: a ClientHello where nobody speaks TLS.
# It ends by itself where the server answers (an echo, a room's
# welcome) or closes; a server that owes it nothing shows the bytes
# (grow) or has the connection (conn, where an answer may come or not:
# a program or a proxy waiting for a line end that random bytes may
# hold).
sclient_plain() {
	case $WS:$MODE in
	*:broker|0:sink|0:chat) rc_ev=grow ;;
	*:room|0:exec|0:forward|0:socks5) rc_ev="" ;;
	*) rc_ev=conn ;;
	esac
	attempt "s_client to a plain port" "$rc_ev" "$SC_TMP/o" "$SC_TMP/e" \
	    openssl s_client -quiet -connect "127.0.0.1:$SPORT"
	if [ -z "$rc_ev" ]; then
		assertEquals "s_client to a plain port: its status" 1 "$STATUS"
	fi
	served "s_client to a plain port"
}

# tls_protocols: how many handshakes the server has reported.
tls_protocols() {
	grep -c '^TLS protocol: ' "$SC_TMP/s.err"
}

# s_client against a TLS port: a verified handshake, a line, then the
# end of its input, which it passes on (close_notify) and exits.
sclient_tls() {
	settle
	rc_h0=$(tls_protocols)
	held_stdin sc.in 8
	bg_in "$SC_TMP/sc.in" t 25 openssl s_client -quiet -no_ign_eof \
	    -CAfile "$CERTS/ca.pem" -verify_return_error -verify_ip 127.0.0.1 \
	    -connect "127.0.0.1:$SPORT" >"$SC_TMP/o" 2>"$SC_TMP/e"
	rc_pid=$BG_PID
	wait_until eval '[ "$(tls_protocols)" -gt "$rc_h0" ]' ||
	    fail "s_client: no handshake: $(<"$SC_TMP/e")"
	printf 'tls line %s\n' "$N" >&8
	rc_f="" rc_re=""
	if [ "$WS" = 0 ]; then
		case $MODE in
		sink|broker|chat) rc_f=s.out rc_re="tls line $N\$" ;;
		room) rc_f=s.out rc_re="> tls line $N\$" ;;
		exec|forward) rc_f=o rc_re="^tls line $N\$" ;;
		cmd) rc_f=o rc_re='^you asked for line$' ;;
		esac
	fi
	if [ -n "$rc_f" ]; then
		assertTrue "s_client's line: $(tail -c 300 "$SC_TMP/$rc_f" |
		    tr -d '\0')" \
		    "wait_for '$SC_TMP/$rc_f' '$rc_re'"
	fi
	if [ "$MODE:$WS" = socks5:0 ]; then
		# Not SOCKS5: the proxy closes at once, and says so in TLS
		# (close_notify) as after its other refusals: s_client
		# reports an end without it as an error.
		wait_exit "$rc_pid" 30
		assertEquals "s_client ended: $(<"$SC_TMP/e")" 0 "$WAIT_STATUS"
		exec 8>&-
	else
		exec 8>&-
		wait_exit "$rc_pid" 30
		assertEquals "s_client's status: $(<"$SC_TMP/e")" 0 \
		    "$WAIT_STATUS"
	fi
	served "s_client"
}

# Plain HTTP to a TLS port: the handshake fails, the connection closes.
http_to_tls() {
	attempt "plain HTTP to TLS" "" "$SC_TMP/code" "$SC_TMP/cerr" \
	    curl -sS -m 15 -o "$SC_TMP/body" -w '%{http_code}' \
	    "http://127.0.0.1:$SPORT/"
	rc_err=$(<"$SC_TMP/cerr")
	assertTrue "plain HTTP to TLS: closed, but curl's status is $STATUS: $rc_err" \
	    "[[ $STATUS =~ $CLOSED ]]"
	assertContains "said" "$(<"$SC_TMP/s.err")" \
	    "TLS handshake failed: http request"
	served "plain HTTP to TLS"
}

# The ws library: an upgrade where none is taken, or a client that
# drops its connection without a close frame where one is.
ws_battery() {
	if [ "$WS" = 1 ]; then
		attempt "ws client that drops" "" "$SC_TMP/w.out" \
		    "$SC_TMP/w.err" \
		    node "$WSCLIENT" "$WSURL" "t:dropping" drop
		assertEquals "ws client that drops: $(cat "$SC_TMP/w.out" \
		    "$SC_TMP/w.err")" 0 "$STATUS"
		served "ws client that drops"
		return
	fi
	case $MODE in
	sink|broker|chat) rc_ev='^Upgrade: websocket' rc_re="" ;;
	exec|forward|room|socks5) rc_ev="" rc_re='^error ' ;;
	cmd) rc_ev="" rc_re='^http 200$' ;;
	http) rc_ev="" rc_re='^http 400$' ;;
	esac
	attempt "ws client" "$rc_ev" "$SC_TMP/w.out" \
	    "$SC_TMP/w.err" node "$WSCLIENT" "$WSURL" "t:hello" close
	if [ -n "$rc_re" ]; then
		assertEquals "ws client's status" 1 "$STATUS"
		assertTrue "ws client: $(cat "$SC_TMP/w.out" "$SC_TMP/w.err")" \
		    "grep -Eq '$rc_re' '$SC_TMP/w.out'"
	fi
	served "ws client"
}

# One row of the matrix: every client in turn.
row() {
	start_row "$@"
	served "nothing" || return
	curl_battery
	if [ "$SSL" = 1 ]; then
		sclient_tls
		http_to_tls
	else
		sclient_plain
	fi
	ws_battery
}

# The rows' tests, test_MODE[_ws][_ssl], made here: shunit2 finds only
# the tests written out in the file, so suite() names them all.
# SC_RC_PART (see the top) chooses the rows of this suite.
SC_ROWS=""
for _m in sink exec cmd broker room forward socks5 http chat; do
	for _s in 0 1; do
		_sfx=""
		[ "$_s" = 1 ] && _sfx=_ssl
		eval "test_$_m$_sfx() { row $_m 0 $_s; }"
		case ${SC_RC_PART:-plain}:$_s in
		plain:0|tls:1) SC_ROWS="$SC_ROWS test_$_m$_sfx" ;;
		esac
		case $_m in
		socks5|http|chat) ;;
		*)
			eval "test_${_m}_ws$_sfx() { row $_m 1 $_s; }"
			[ "${SC_RC_PART:-plain}" = ws ] &&
			    SC_ROWS="$SC_ROWS test_${_m}_ws$_sfx"
			;;
		esac
	done
done
case ${SC_RC_PART:-plain} in
plain) SC_ROWS="$SC_ROWS test_refused_combinations" ;;
browser) SC_ROWS=test_chromium ;;
esac
suite() {
	for _t in $SC_ROWS; do
		suite_addTest "$_t"
	done
}

# The modes that take no WebSocket say so at once, in one line.
test_refused_combinations() {
	rc_msg="--websocket takes no"
	expect_error "$rc_msg --chat" --chat -lk --websocket 127.0.0.1 0
	expect_error "$rc_msg proxy server" -l --proxy-type socks5 --websocket \
	    127.0.0.1 0
	expect_error "$rc_msg proxy server" -l --proxy-type http --websocket \
	    127.0.0.1 0
	expect_error "$rc_msg proxy server" -l --proxy-type http --websocket \
	    --ssl 127.0.0.1 0
}

# row_save NAME, row_load NAME: keep a row's state in its directory, and
# take it back, for a test that runs many rows at once.
ROW_VARS="MODE WS SSL SPORT SPID URL WSURL SCHEME WSSCHEME SCTLS CURLTLS N
OPORT CONFD"
row_save() {
	# shellcheck disable=SC2086
	declare -p $ROW_VARS | sed 's/^declare -/declare -g -/' \
	    >"$SC_TMP/row.state"
	echo "$SC_TMP" >"$ROWS_DIR/$1.dir"
}
row_load() {
	SC_TMP=$(<"$ROWS_DIR/$1.dir")
	# shellcheck disable=SC1091
	. "$SC_TMP/row.state"
	unset WSCLIENT_CA
	[ "$SSL" = 1 ] && export WSCLIENT_CA=$CERTS/ca.pem
	return 0
}

# browser_reached: has the page reached the server of the row loaded:
# both its requests taken (only one for -lk, which takes one client at a
# time), and, where the server takes WebSocket, the upgrade made and,
# but in a broker or a room, the plain request refused?  (These take a
# connection that says nothing for a second as a plain client, and a
# browser that opens many at once, on a busy machine, may be that slow
# to send its request on one.)
browser_reached() {
	if [ "$MODE" = sink ]; then
		count_conns
		[ "$CONNS" -ge 1 ] || return 1
	else
		count_conns
		[ "$CONNS" -ge 2 ] || return 1
	fi
	[ "$WS" = 1 ] && [ "$MODE" != sink ] || return 0
	file_matches "$SC_TMP/s.err" '^sockcat: WebSocket upgrade of /' ||
	    return 1
	case $MODE in
	broker|room) return 0 ;;
	esac
	file_matches "$SC_TMP/s.err" '^sockcat: WebSocket upgrade refused'
}

# Chromium opens a page that loads every row's address in a frame and
# opens a WebSocket to it, which says a line once open: every server
# still serves its proper client afterwards.
test_chromium() {
	if [ "${SC_BROWSER:-1}" = 0 ]; then
		sc_skip "SC_BROWSER=0"
		return
	fi
	ROWS_DIR=$SC_TMP
	rows=""
	printf '<html><body>\n' >"$ROWS_DIR/page.html"
	confd=4
	for m in sink exec cmd broker room forward socks5 http chat; do
		for w in 0 1; do
			case $w:$m in
			1:socks5|1:http|1:chat) continue ;;
			esac
			for s in 0 1; do
				name=$m.$w.$s
				SC_TMP=$ROWS_DIR/$name
				mkdir "$SC_TMP"
				if [ "$m" = chat ]; then
					confd=$((confd + 1))
					CONFD=$confd
				fi
				start_row "$m" "$w" "$s"
				row_save "$name"
				rows="$rows $name"
				cat >>"$ROWS_DIR/page.html" <<-EOF
				<iframe src="$URL"></iframe>
				<script>
				(function () {
					var ws = new WebSocket("$WSURL");
					ws.onopen = function () {
						ws.send("browser $name");
					};
				})();
				</script>
				EOF
			done
		done
	done
	SC_TMP=$ROWS_DIR
	printf '</body></html>\n' >>"$ROWS_DIR/page.html"
	# The page loads every row at once: on a loaded machine, under the
	# sanitizers, the last rows may be reached long after the first.
	bg t 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --ignore-certificate-errors --user-data-dir="$ROWS_DIR/chromium" \
	    "file://$ROWS_DIR/page.html" >"$ROWS_DIR/browser.out" \
	    2>"$ROWS_DIR/browser.err"
	bpid=$BG_PID
	for name in $rows; do
		row_load "$name"
		# Its sockets too, if it was not: did the browser connect at
		# all, and did the server take the connections?
		wait_until -t 150 browser_reached ||
		    fail "chromium did not reach $name: $(<"$SC_TMP/s.err")
$(ss -tanH "( sport = :$SPORT or dport = :$SPORT )" 2>&1)"
	done
	SC_TMP=$ROWS_DIR
	stop "$bpid"
	wait_exit "$bpid" 30
	for name in $rows; do
		row_load "$name"
		served chromium
	done
	SC_TMP=$ROWS_DIR
}

sc_run_shunit2
