#!/bin/bash
# Addresses (tcp:, unix:, ws://, tcp-l:, exec:, -, ...) and "sockcat
# ADDRESS ADDRESS": each supported pair run as written against peers
# nobody here wrote (socat as the echo servers and clients, Python's
# sockets and websockets), the bytes checked with sha256 both ways; bad
# addresses and pairs not supported refused with one line and status 1;
# the README's recipes run as printed, only hosts, ports and paths
# changed.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require socat sha256sum
sc_require_tls

PEER="$TESTS_DIR/wspeer.py"
WS_OK=1
"${SC_PYTHON:-python3}" -S -c 'import sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets' 2>/dev/null || WS_OK=0

README=$(cd "$(dirname "$0")/.." && pwd)/README.md

sc_certs

# data N: N bytes of $SC_TMP/data, not all alike.
data() {
	head -c "$1" /dev/urandom >"$SC_TMP/data"
	SUM=$(sha256sum <"$SC_TMP/data" | cut -d' ' -f1)
}

# sum_of FILE: its sha256.
sum_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# tcp_up PORT: does something listen on TCP PORT of 127.0.0.1?
tcp_up() {
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# An echo server of socat's on a TCP port (in EPORT), a Unix-domain
# socket ($SC_TMP/echo.sock) or UDP (in UPORT), each client its own cat.
echo_tcp() {
	EPORT=$(free_port)
	bg t 60 socat TCP-LISTEN:"$EPORT",bind=127.0.0.1,reuseaddr,fork \
	    EXEC:cat
	wait_until tcp_up "$EPORT" || fail "no TCP echo server"
}
echo_unix() {
	bg t 60 socat UNIX-LISTEN:"$SC_TMP/echo.sock",fork EXEC:cat
	wait_until unix_listening "$SC_TMP/echo.sock" || fail "no Unix echo server"
}

# via_socat TARGET: the data sent to socat's TARGET address, what came
# back in $SC_TMP/back; the half-close tells the far end it is over.
via_socat() {
	t 30 socat -t 10 - "$1" <"$SC_TMP/data" >"$SC_TMP/back"
	assertEquals "socat's status" 0 $?
	assertEquals "the bytes back" "$SUM" "$(sum_of "$SC_TMP/back")"
}

# stream_client PORT: Python's TCP client sends the data and reads as
# many bytes back before it closes (a WebSocket's close ends both ways,
# so it must not close first); the sha256 of what came back in BACK.
stream_client() {
	BACK=$(t 30 python3 -c '
import hashlib, socket, sys, threading
data = open(sys.argv[2], "rb").read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
threading.Thread(target=s.sendall, args=(data,)).start()
h, n = hashlib.sha256(), 0
while n < len(data):
    b = s.recv(65536)
    if not b:
        break
    h.update(b)
    n += len(b)
print(h.hexdigest())
' "$1" "$SC_TMP/data")
}

# ws_peer KIND: Python's websockets serving one client (its port in
# WPORT, its lines in ws.out).
ws_peer() {
	bg t 60 python3 "$PEER" serve "$1" >"$SC_TMP/ws.out" 2>"$SC_TMP/ws.err"
	WS_PID=$BG_PID
	wait_for "$SC_TMP/ws.out" '^PORT ' || fail "no WebSocket server"
	WPORT=$(sed -n 's/^PORT //p' "$SC_TMP/ws.out")
}

test_tcp_listener_to_unix_echo() {
	echo_unix
	server fw tcp-l:127.0.0.1:0 unix:"$SC_TMP/echo.sock" || fail "no relay"
	data 300000
	via_socat TCP:127.0.0.1:"$PORT"
	# A second client, at once with a third: each its own other side.
	t 30 socat -t 10 - TCP:127.0.0.1:"$PORT" <"$SC_TMP/data" \
	    >"$SC_TMP/b2" &
	_p=$!
	via_socat TCP:127.0.0.1:"$PORT"
	wait "$_p"
	assertEquals "the second client's bytes" "$SUM" "$(sum_of "$SC_TMP/b2")"
	wait_lines "$SC_TMP/fw.err" '^Connection received on ' 3 ||
	    fail "-v lines: $(<"$SC_TMP/fw.err")"
	stop "$SERVER_PID"
}

test_udp_listener_to_tcp_echo() {
	echo_tcp
	bg t 60 "$SC" -v udp-l:127.0.0.1:0 tcp:127.0.0.1:"$EPORT" \
	    2>"$SC_TMP/fw.err"
	wait_for "$SC_TMP/fw.err" '^Bound on ' || fail "not bound"
	PORT=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' "$SC_TMP/fw.err")
	# Two peers, each getting its own datagrams back, in order.
	t 30 python3 - "$PORT" >"$SC_TMP/out" <<'EOF'
import socket, sys
port = int(sys.argv[1])
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for s in (a, b):
    s.settimeout(20)
a.sendto(b"one from a", ("127.0.0.1", port))
print("a", a.recv(100).decode())
b.sendto(b"one from b", ("127.0.0.1", port))
print("b", b.recv(100).decode())
a.sendto(b"two from a", ("127.0.0.1", port))
print("a", a.recv(100).decode())
EOF
	assertEquals "each peer's datagrams back" "a one from a
b one from b
a two from a" "$(<"$SC_TMP/out")"
	stop "$BG_PID"
}

test_tcp_listener_to_ws_echo() {
	[ "$WS_OK" = 1 ] || startSkipping
	ws_peer echo
	server fw tcp-l:127.0.0.1:0 "ws://127.0.0.1:$WPORT/feed" ||
	    fail "no relay"
	data 200000
	stream_client "$PORT"
	assertEquals "the bytes back" "$SUM" "$BACK"
	wait_for "$SC_TMP/ws.out" '^path /feed$' || fail "path: $(cat \
	    "$SC_TMP/ws.out")"
	stop "$SERVER_PID"
}

# A ws:// side with credentials and an IPv6 literal: the Host names the
# address in brackets, the credentials go as Basic (the server's program
# sees both through its CGI variables).
test_tcp_listener_to_ws_ipv6_with_credentials() {
	server ws -l --websocket \
	    -c 'echo "$HTTP_HOST $HTTP_AUTHORIZATION"; exec cat' ::1 0 ||
	    fail "no WebSocket server"
	wport=$PORT
	server fw tcp-l:127.0.0.1:0 "ws://us:pw@[::1]:$wport/" ||
	    fail "no relay"
	echo hi | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "what came back" "[::1]:$wport Basic dXM6cHc=
hi" "$(<"$SC_TMP/c.out")"
}

test_unix_listener_to_tcp_echo() {
	echo_tcp
	server fw unix-l:"$SC_TMP/front.sock" tcp:127.0.0.1:"$EPORT" ||
	    fail "no relay"
	data 300000
	via_socat UNIX-CONNECT:"$SC_TMP/front.sock"
	stop "$SERVER_PID"
}

test_two_dialled_tcp_joined() {
	data 400000
	pa=$(free_port)
	pb=$(free_port)
	# A sends its file and then its end-of-file; B keeps what it gets.
	bg t 60 socat -U TCP-LISTEN:"$pa",bind=127.0.0.1,reuseaddr \
	    OPEN:"$SC_TMP/data"
	bg t 60 socat -u TCP-LISTEN:"$pb",bind=127.0.0.1,reuseaddr \
	    CREATE:"$SC_TMP/b.out"
	_b=$BG_PID
	wait_until tcp_up "$pa" && wait_until tcp_up "$pb" ||
	    fail "no servers"
	t 30 "$SC" tcp:127.0.0.1:"$pa" tcp:127.0.0.1:"$pb" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	wait_exit "$_b"
	assertEquals "what B got" "$SUM" "$(sum_of "$SC_TMP/b.out")"
}

test_tcp_listener_exec_cat() {
	server fw tcp-l:127.0.0.1:0 exec:/bin/cat || fail "no server"
	data 300000
	via_socat TCP:127.0.0.1:"$PORT"
	via_socat TCP:127.0.0.1:"$PORT"
	stop "$SERVER_PID"
}

test_ws_listener_to_unix_echo() {
	[ "$WS_OK" = 1 ] || startSkipping
	echo_unix
	server fw ws-l:127.0.0.1:0 unix:"$SC_TMP/echo.sock" || fail "no relay"
	t 60 python3 "$PEER" client stream "$PORT" 300000 >"$SC_TMP/out"
	assertEquals "status" 0 $?
	_sent=$(sed -n 's/^sent //p' "$SC_TMP/out")
	assertNotNull "sent" "$_sent"
	assertEquals "the bytes back" "$_sent" \
	    "$(sed -n 's/^back //p' "$SC_TMP/out")"
	stop "$SERVER_PID"
}

test_tls_listener_to_tcp_echo() {
	echo_tcp
	server fw tls-l:127.0.0.1:0,cert="$CERTS/srv.pem",key="$CERTS/srv.key" \
	    tcp:127.0.0.1:"$EPORT" || fail "no relay"
	data 300000
	via_socat OPENSSL:127.0.0.1:"$PORT",cafile="$CERTS/ca.pem",commonname=localhost
	stop "$SERVER_PID"
}

# "-" with each kind: the address is the client's or the server's one
# connection, stdin and stdout its other side.
test_stdio_with_dialled_kinds() {
	data 100000
	echo_tcp
	t 30 "$SC" - tcp:127.0.0.1:"$EPORT" <"$SC_TMP/data" >"$SC_TMP/back"
	assertEquals "- tcp: status" 0 $?
	assertEquals "- tcp:" "$SUM" "$(sum_of "$SC_TMP/back")"
	# One address alone is the same as with "-".
	t 30 "$SC" tcp:127.0.0.1:"$EPORT" <"$SC_TMP/data" >"$SC_TMP/back"
	assertEquals "tcp: alone" "$SUM" "$(sum_of "$SC_TMP/back")"
	echo_unix
	t 30 "$SC" unix:"$SC_TMP/echo.sock" - <"$SC_TMP/data" >"$SC_TMP/back"
	assertEquals "unix: -" "$SUM" "$(sum_of "$SC_TMP/back")"
	tp=$(free_port)
	bg t 60 socat OPENSSL-LISTEN:"$tp",bind=127.0.0.1,reuseaddr,fork,cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
	    EXEC:cat
	wait_until tcp_up "$tp" || fail "no TLS echo server"
	t 30 "$SC" - "tls:localhost:$tp,cafile=$CERTS/ca.pem,verify=1" \
	    <"$SC_TMP/data" >"$SC_TMP/back"
	assertEquals "- tls: status" 0 $?
	assertEquals "- tls:" "$SUM" "$(sum_of "$SC_TMP/back")"
	udp_echo
	held_stdin u.in 7
	bg_in "$SC_TMP/u.in" t 30 "$SC" - udp:127.0.0.1:"$UPORT" \
	    >"$SC_TMP/back"
	_c=$BG_PID
	printf 'one datagram\n' >&7
	wait_for "$SC_TMP/back" '^one datagram$' || fail "- udp: no echo"
	# A datagram side has no end of its own: after stdin's end its
	# answers have half a second (socat's -t), then it ends.
	exec 7>&-
	wait_exit "$_c"
	assertEquals "- udp: ends: status" 0 "$WAIT_STATUS"
	assertEquals "- udp: the answer" "one datagram" "$(<"$SC_TMP/back")"
	if [ "$WS_OK" = 1 ]; then
		# Stdin held open until the echo is back: a WebSocket's close
		# (at the end of stdin with -N) ends both ways.
		ws_peer echo
		held_stdin w.in 7
		bg_in "$SC_TMP/w.in" t 30 "$SC" -N - "ws://127.0.0.1:$WPORT/x" \
		    >"$SC_TMP/back"
		_c=$BG_PID
		cat "$SC_TMP/data" >&7
		wait_size "$SC_TMP/back" 100000 || fail "- ws://: short"
		exec 7>&-
		wait_exit "$_c"
		assertEquals "- ws:// status" 0 "$WAIT_STATUS"
		assertEquals "- ws://" "$SUM" "$(sum_of "$SC_TMP/back")"
	fi
}

test_stdio_with_listeners() {
	data 100000
	cp "$SC_TMP/data" "$SC_TMP/fw.in"
	server fw tcp-l:127.0.0.1:0 - || fail "no server"
	t 30 socat -u TCP:127.0.0.1:"$PORT" - >"$SC_TMP/back"
	assertEquals "tcp-l: -" "$SUM" "$(sum_of "$SC_TMP/back")"
	wait_exit "$SERVER_PID"
	assertEquals "one client, as -l" 0 "$WAIT_STATUS"
	server fw2 - unix-l:"$SC_TMP/l.sock" || fail "no server"
	t 30 socat -u - UNIX-CONNECT:"$SC_TMP/l.sock" <"$SC_TMP/data"
	wait_exit "$SERVER_PID"
	assertEquals "- unix-l:" "$SUM" "$(sum_of "$SC_TMP/fw2.out")"
}

# udp-l: with udp: is the datagram forwarder; a program with a dialled
# address is a client running it.
test_udp_to_udp_and_program_to_tcp() {
	udp_echo "echo "
	bg t 60 "$SC" -v udp-l:127.0.0.1:0 udp:127.0.0.1:"$UPORT" \
	    2>"$SC_TMP/fw.err"
	_fw=$BG_PID
	wait_for "$SC_TMP/fw.err" '^Bound on ' || fail "not bound"
	PORT=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' "$SC_TMP/fw.err")
	udp_ping "$PORT" >"$SC_TMP/back"
	assertEquals "udp-l: udp:" "echo ping" "$(<"$SC_TMP/back")"
	stop "$_fw"
	pb=$(free_port)
	bg t 60 socat -u TCP-LISTEN:"$pb",bind=127.0.0.1,reuseaddr \
	    CREATE:"$SC_TMP/b.out"
	_b=$BG_PID
	wait_until tcp_up "$pb" || fail "no server"
	t 30 "$SC" "exec:printf 'from a program, with commas'" \
	    tcp:127.0.0.1:"$pb" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	wait_exit "$_b"
	assertEquals "what the server got" "from a program, with commas" \
	    "$(<"$SC_TMP/b.out")"
}

# An abstract Unix-domain name and an IPv6 literal in brackets.
test_abstract_name_and_ipv6() {
	_name=sockcat-addr-$$-$RANDOM
	bg t 60 socat ABSTRACT-LISTEN:"$_name",fork EXEC:cat
	wait_until grep -q "@$_name\$" /proc/net/unix ||
	    fail "no abstract echo server"
	data 50000
	t 30 "$SC" - unix:@"$_name" <"$SC_TMP/data" >"$SC_TMP/back"
	assertEquals "- unix:@name status" 0 $?
	assertEquals "- unix:@name" "$SUM" "$(sum_of "$SC_TMP/back")"
	if ! python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	    2>/dev/null; then
		sc_skip "no ::1"
		return
	fi
	server fw "tcp-l:[::1]:0" exec:/bin/cat || fail "no server on ::1"
	via_socat TCP6:[::1]:"$PORT"
	stop "$SERVER_PID"
}

# -d with an address pair: stdin is not read; what the client sends is
# printed, and nothing goes back.
test_pair_without_stdin() {
	echo fromstdin >"$SC_TMP/d.in"
	server d -d tcp-l:127.0.0.1:0 - || fail "no server"
	assertEquals "nothing from stdin" "" \
	    "$(echo fromclient | t 10 "$SC" -N 127.0.0.1 "$PORT")"
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/d.out" "fromclient"
}

# A bad address: one line naming it and what is wrong, status 1.
test_bad_addresses_refused() {
	expect_error "foo:1: unknown scheme foo:; the schemes are tcp: udp: unix: tls: dtls: ws:// wss:// vsock: tcp-l: udp-l: unix-l: tls-l: ws-l: exec: file: serial: pty: replay: socks4: socks4a: socks5:, - and socat's names" foo:1 tcp:h:1
	expect_error "tcp:h: missing port number" tcp:h tcp-l:1
	expect_error "tcp:h:70000: port number too large: 70000" \
	    tcp:h:70000 -
	expect_error "tcp-l:99999: port number too large: 99999" \
	    tcp-l:99999 tcp:h:1
	expect_error "tcp::1: missing host" tcp::1 -
	# A field too many is not an IPv6 address: said as what it is.
	expect_error "tcp:h:80:x: too many fields: HOST:PORT, an IPv6 address in brackets" \
	    tcp:h:80:x -
	expect_error "tcp:::1:80: an IPv6 address needs brackets: [addr]:port" \
	    tcp:::1:80 -
	expect_error "unix:: missing socket pathname" - unix:
	_p=$SC_TMP/$(printf '%0120d' 0)
	expect_error "unix:$SC_TMP/s,bind=$_p: option bind: socket pathname too long" \
	    unix:"$SC_TMP/s",bind="$_p" -
	expect_error "tcp:h:1,sni=x: option sni does not belong to a tcp: address" \
	    tcp:h:1,sni=x -
	# socat's own options: its spelling of the address said, if any.
	expect_error "tcp:h:1,readbytes=5: option readbytes is socat's: write the address as socat does, TCP:...,readbytes" \
	    tcp:h:1,readbytes=5 -
	expect_error "file:$SC_TMP/f,ignoreeof: option ignoreeof is socat's: write the address as socat does, FILE:...,ignoreeof" \
	    - file:"$SC_TMP/f",ignoreeof
	expect_error "ws://h/,readbytes=3: option readbytes is socat's, and socat has no ws: address" \
	    ws://h/,readbytes=3 -
	expect_error "tls-l:1,verify=yes: option verify takes 0 or 1" \
	    tls-l:1,verify=yes tcp:h:1
	expect_error "tls:h:1,sni: option sni needs a value" - tls:h:1,sni
	expect_error "ws://: missing host" - ws://
	expect_error "exec:: missing command" tcp-l:1 exec:
	expect_error "tcp:h:1-5: a target has one port, not a range" \
	    - tcp:h:1-5
	expect_error "tcp:h:: missing port number" - tcp:h:
	expect_error "tcp:[::1]]:80: an IPv6 address needs brackets: [addr]:port" \
	    - 'tcp:[::1]]:80'
	expect_error "ws://[]/: an IPv6 address needs brackets: [addr]:port" \
	    - 'ws://[]/'
	expect_error "ws://[a[b]/: an IPv6 address needs brackets: [addr]:port" \
	    - 'ws://[a[b]/'
	expect_error "ws:h/: a URL is ws://HOST[:PORT][/PATH]" - ws:h/
	expect_error "socks5::h:1: missing proxy: PROXY:HOST:PORT" - socks5::h:1
	expect_error "socks5:p: missing proxy: PROXY:HOST:PORT" - socks5:p
	_many="too many fields: PROXY:HOST:PORT (the proxy's port is socksport=, an IPv6 host in brackets)"
	expect_error "socks5:p:1080:h:1: $_many" - socks5:p:1080:h:1
	expect_error "socks4:p:h:1:x: $_many" - socks4:p:h:1:x
	expect_error "socks5:[::1]:::1:80: $_many" - 'socks5:[::1]:::1:80'
	expect_error "tcp:h:1,,x: an empty option" - tcp:h:1,,x
	expect_error "tls:h:1,sni=a,sni=b: option sni given twice" \
	    - tls:h:1,sni=a,sni=b
	expect_error "tcp:h:1,proxy=: option proxy needs a value" \
	    - tcp:h:1,proxy=
	expect_error "tcp:h:1,proxy=h: option proxy: missing port number" \
	    - tcp:h:1,proxy=h
	expect_error "tcp:h:1,proxy=[::1: option proxy: an IPv6 address needs brackets: [addr]:port" \
	    - 'tcp:h:1,proxy=[::1'
	long=unix:/$(printf 'x%.0s' $(seq 120))
	expect_error "$long: socket pathname too long" - "$long"
}

# Pairs not supported yet, and addresses with the options they replace.
test_pairs_refused() {
	expect_error "exec:a exec:b: two programs are joined as socat's only; socat's command line runs under the name socat (a link to sockcat)" \
	    exec:a exec:b
	expect_error "- exec:cat: a program on stdin and stdout is itself: run it without sockcat; socat's command line runs under the name socat (a link to sockcat)" \
	    - exec:cat
	expect_error "exec:cat -: a program on stdin and stdout is itself: run it without sockcat; socat's command line runs under the name socat (a link to sockcat)" \
	    exec:cat -
	expect_error "tcp-l:1 tcp:h:1: the addresses say what -l, -U, -u, --vsock, -e, -c and --fifo would: not with them" \
	    -l tcp-l:1 tcp:h:1
	expect_error "cannot read the certificate $SC_TMP/none: No such file or directory" \
	    tcp-l:1 "tls:h:1,cert=$SC_TMP/none"
}

# A pair is sockcat's own form: a side that cannot be dialled is said,
# without -v, where nc's "host port" stays silent as nc is.
test_refused_dial_said() {
	port=$(free_port) || fail "no free port"
	t 10 "$SC" tcp:127.0.0.1:"$port" - </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection refused" \
	    "$(<"$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	t 10 "$SC" 127.0.0.1 "$port" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "nc's status" 1 $?
	assertEquals "nc's silence" "" "$(<"$SC_TMP/err")"
	# A path has no port: it is named as nc -U names it.
	expect_error "$SC_TMP/none.sock: No such file or directory" \
	    unix:"$SC_TMP/none.sock" tcp:127.0.0.1:"$port"
	expect_error "$SC_TMP/none.sock: No such file or directory" \
	    -U "$SC_TMP/none.sock"
}

# netcat's forms are not addresses: a port has no scheme.
test_nc_forms_untouched() {
	expect_error "missing port number" localhost:80
	echo_tcp
	printf 'hi\n' | t 10 "$SC" -N 127.0.0.1 "$EPORT" >"$SC_TMP/out"
	assertEquals "host port" "hi" "$(<"$SC_TMP/out")"
}

# --forward takes the dialled addresses it relays to.
test_forward_takes_addresses() {
	echo_unix
	server fw -lk 127.0.0.1 0 --forward unix:"$SC_TMP/echo.sock" ||
	    fail "no forwarder"
	data 50000
	via_socat TCP:127.0.0.1:"$PORT"
	stop "$SERVER_PID"
	echo_tcp
	server fw2 -lk 127.0.0.1 0 --forward tcp:127.0.0.1:"$EPORT" ||
	    fail "no forwarder"
	via_socat TCP:127.0.0.1:"$PORT"
	stop "$SERVER_PID"
	expect_error "--forward exec:cat: not a target --forward dials (HOST:PORT, tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, serial:, pty:)" \
	    -l 1 --forward exec:cat
}

# A tls: target: openssl's s_server, which answers each line reversed,
# verified against the suite's authority by the name localhost.
test_forward_tls_target() {
	bg t 60 openssl s_server -accept 127.0.0.1:0 -cert "$CERTS/srv.pem" \
	    -key "$CERTS/srv.key" -rev -naccept 1 </dev/null \
	    >"$SC_TMP/ss.out" 2>&1
	wait_for "$SC_TMP/ss.out" '^ACCEPT ' || fail "no s_server"
	sport=$(sed -n 's/^ACCEPT 127\.0\.0\.1://p' "$SC_TMP/ss.out")
	server fw -lk 127.0.0.1 0 --forward \
	    "tls:localhost:$sport,cafile=$CERTS/ca.pem,verify=1" ||
	    fail "no forwarder"
	printf 'over tls\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "reversed by s_server" "slt revo" "$(<"$SC_TMP/c.out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/c.err")"
	stop "$SERVER_PID"
	expect_error "--forward tls:h:1: --forward-ssl is for HOST:PORT, tcp: and unix: targets" \
	    -lk 1 --forward tls:h:1 --forward-ssl
}

# cafile= or capath= without verify=1 is refused, as --ssl-trustfile
# without --ssl-verify: it verified nothing, and a forwarder given
# "tls:localhost:P,cafile=FILE" passed its clients' bytes to a server
# whose certificate, from the same authority, was for another name.
test_trust_without_verify_refused() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$SC_TMP/o.key" -out "$SC_TMP/o.csr" \
	    -subj "/CN=other.example" 2>/dev/null &&
	openssl x509 -req -in "$SC_TMP/o.csr" -CA "$CERTS/ca.pem" \
	    -CAkey "$CERTS/ca.key" -CAcreateserial -out "$SC_TMP/o.pem" \
	    -days 2 2>/dev/null || fail "no certificate"
	bg t 60 openssl s_server -accept 127.0.0.1:0 -cert "$SC_TMP/o.pem" \
	    -key "$SC_TMP/o.key" -rev -naccept 1 </dev/null \
	    >"$SC_TMP/ss.out" 2>&1
	wait_for "$SC_TMP/ss.out" '^ACCEPT ' || fail "no s_server"
	sport=$(sed -n 's/^ACCEPT 127\.0\.0\.1://p' "$SC_TMP/ss.out")
	# Refused, it never listens: server()'s word on that is not kept.
	SERVER_TIMEOUT=10 server fw -lk 127.0.0.1 0 --forward \
	    "tls:localhost:$sport,cafile=$CERTS/ca.pem" 2>/dev/null
	printf 'over tls\n' | t 20 "$SC" -N 127.0.0.1 "${PORT:-1}" \
	    >"$SC_TMP/c.out" 2>/dev/null
	assertEquals "nothing through" "" "$(<"$SC_TMP/c.out")"
	wait_exit "$SERVER_PID"
	assertEquals "forwarder's status" 1 "$WAIT_STATUS"
	assertEquals "forwarder's word" "sockcat: cafile= needs verify=1 (--ssl-verify): without it nothing is verified" \
	    "$(<"$SC_TMP/fw.err")"
	expect_error "capath= needs verify=1 (--ssl-verify): without it nothing is verified" \
	    - "tls:localhost:1,capath=$SC_TMP"
	expect_error "cafile= needs verify=1 (--ssl-verify): without it nothing is verified" \
	    - "tls-l:127.0.0.1:0,cafile=$CERTS/ca.pem"
}

# udp_ping PORT: one datagram "ping" to PORT, and the answer printed.
udp_ping() {
	t 30 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(20)
s.sendto(b"ping", ("127.0.0.1", int(sys.argv[1])))
print(s.recv(100).decode())
' "$1"
}

# udp_echo [PREFIX]: Python's UDP socket sending every datagram back as
# it came, after PREFIX (its port in UPORT).
udp_echo() {
	bg t 60 python3 -c '
import socket, sys
pre = sys.argv[1].encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    m, peer = s.recvfrom(65536)
    s.sendto(pre + m, peer)
' "${1:-}" >"$SC_TMP/uecho"
	wait_for "$SC_TMP/uecho" '^[0-9]+$' || fail "no UDP echo"
	UPORT=$(<"$SC_TMP/uecho")
}

# no_side ADDRESS: is no second sockcat for ADDRESS running?
no_side() {
	! pgrep -f -- "sockcat (--quit-after 500ms |-N )?- $1\$" >/dev/null
}

# lockstep PORT: Python's TCP client sends messages of 1 to 60000 bytes
# one at a time, each read back whole before the next (a datagram is
# one read of the stream), and prints the sha256 of all it got.
lockstep() {
	BACK=$(t 30 python3 -c '
import hashlib, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(20)
sent, got = hashlib.sha256(), hashlib.sha256()
for n in (1, 100, 5000, 60000, 7):
    m = os.urandom(n)
    sent.update(m)
    s.sendall(m)
    b = b""
    while len(b) < n:
        r = s.recv(65536)
        if not r:
            sys.exit("closed after %d of %d" % (len(b), n))
        b += r
    got.update(b)
print(sent.hexdigest(), got.hexdigest())
' "$1")
}

# --forward udp: from a TCP listener: each read of the stream one
# datagram to the target, each datagram back written as it came; from a
# UDP listener, the target the forwarder dials itself.
test_forward_udp_target() {
	udp_echo
	server fw -lk 127.0.0.1 0 --forward udp:127.0.0.1:"$UPORT" ||
	    fail "no forwarder"
	lockstep "$PORT"
	set -- $BACK
	assertEquals "the bytes back" "$1" "$2"
	assertNotNull "a client's sums" "$1"
	# A second client, its own datagram socket.
	lockstep "$PORT"
	set -- $BACK
	assertEquals "the second client's bytes back" "$1" "$2"
	# Each client's datagram side quits soon after its client closed.
	wait_until no_side "udp:127.0.0.1:$UPORT" ||
	    fail "a datagram side outlives its client"
	stop "$SERVER_PID"
	bg t 60 "$SC" -v -u -lk 127.0.0.1 0 --forward udp:127.0.0.1:"$UPORT" \
	    2>"$SC_TMP/fu.err"
	_fu=$BG_PID
	wait_for "$SC_TMP/fu.err" '^Bound on ' || fail "not bound"
	PORT=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' "$SC_TMP/fu.err")
	udp_ping "$PORT" >"$SC_TMP/back"
	assertEquals "-u --forward udp:" "ping" "$(<"$SC_TMP/back")"
	stop "$_fu"
}

# --forward ws:// and wss://: each read from the client one binary
# message, each message's payload back as bytes.
test_forward_ws_target() {
	[ "$WS_OK" = 1 ] || startSkipping
	ws_peer echo
	server fw -lk 127.0.0.1 0 --forward "ws://127.0.0.1:$WPORT/fw" ||
	    fail "no forwarder"
	data 200000
	stream_client "$PORT"
	assertEquals "the bytes back" "$SUM" "$BACK"
	wait_for "$SC_TMP/ws.out" '^path /fw$' || fail "path: $(cat \
	    "$SC_TMP/ws.out")"
	# The client's end closes the WebSocket: no side outlives it.
	wait_for "$SC_TMP/ws.out" '^closed 1000$' || fail "not closed: $(cat \
	    "$SC_TMP/ws.out")"
	stop "$SERVER_PID"
	WSPEER_CERT=$CERTS/srv.pem WSPEER_KEY=$CERTS/srv.key ws_peer echo
	server fw2 -lk 127.0.0.1 0 --forward \
	    "wss://localhost:$WPORT/tls,cafile=$CERTS/ca.pem" ||
	    fail "no forwarder"
	data 100000
	stream_client "$PORT"
	assertEquals "the bytes back over wss://" "$SUM" "$BACK"
	stop "$SERVER_PID"
	# verify=0: the server is not checked, no CA needed.  (A peer of
	# its own: each serves one client and ends 0.2 s after it.)
	stop "$WS_PID"
	WSPEER_CERT=$CERTS/srv.pem WSPEER_KEY=$CERTS/srv.key ws_peer echo
	data 1000
	server fw3 -lk 127.0.0.1 0 --forward \
	    "wss://localhost:$WPORT/tls,verify=0" || fail "no forwarder"
	stream_client "$PORT"
	assertEquals "verify=0: the bytes back" "$SUM" "$BACK"
	stop "$SERVER_PID"
}

# What has no meaning for a target, and what is no target, is refused.
test_forward_crossing_refused() {
	expect_error "--forward ws://h/: --send-proxy is for HOST:PORT, tcp: and unix: targets" \
	    -lk 1 --forward ws://h/ --send-proxy=v1
	expect_error "--forward udp:h:1: --forward-ssl is for HOST:PORT, tcp: and unix: targets" \
	    -lk 1 --forward udp:h:1 --forward-ssl
	expect_error "--forward tcp-l:1: not a target --forward dials (HOST:PORT, tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, serial:, pty:)" \
	    -lk 1 --forward tcp-l:1
	expect_error "--forward exec:cat: not a target --forward dials (HOST:PORT, tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, serial:, pty:)" \
	    -u -lk 1 --forward exec:cat
	# Nor a descriptor or a recording, which were taken for a line:
	# replay:PATH made a pseudo-terminal linked at PATH.
	expect_error "--forward fd:5: not a target --forward dials (HOST:PORT, tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, serial:, pty:)" \
	    -lk 1 --forward fd:5
	expect_error "--forward replay:$SC_TMP/s.rec: not a target --forward dials (HOST:PORT, tcp:, udp:, unix:, tls:, dtls:, vsock:, ws://, wss://, serial:, pty:)" \
	    -lk 1 --forward "replay:$SC_TMP/s.rec"
	assertFalse "no link made" "[ -e '$SC_TMP/s.rec' ] || [ -L '$SC_TMP/s.rec' ]"
}

# fd:N is a descriptor inherited: one that is not open is refused at once.
# Beside a listener it was opened for the first client, and by then the
# number was that client's own socket: its bytes came back to it.
test_pair_fd_not_open_refused() {
	expect_error "fd:7: Bad file descriptor" tcp-l:127.0.0.1:0 fd:7 7<&-
	expect_error "fd:7: Bad file descriptor" fd:7 udp-l:127.0.0.1:0 7<&-
	expect_error "fd:7: Bad file descriptor" unix-l:"$SC_TMP/s" fd:7 7<&-
	assertFalse "no socket made" "[ -e '$SC_TMP/s' ]"
}

# An option that makes a mode of its own is refused beside an address
# pair: -z crashed on a listener, and -z, --chat and -F ran on the first
# address, the second dropped.
test_pair_mode_options_refused() {
	_joined="an address pair is joined as its addresses say, not made a"
	expect_error "tcp-l:127.0.0.1:0 exec:cat: $_joined scan" \
	    -z tcp-l:127.0.0.1:0 exec:cat
	expect_error "udp-l:127.0.0.1:0 -: $_joined scan" -z udp-l:127.0.0.1:0
	expect_error "tcp-l:127.0.0.1:0 -: $_joined chat listener" \
	    --chat tcp-l:127.0.0.1:0 -
	expect_error "tcp:127.0.0.1:1 file:$SC_TMP/f: $_joined chat" \
	    --chat tcp:127.0.0.1:1 "file:$SC_TMP/f"
	_fd="-F passes a connection it made, with stdin and stdout"
	expect_error "tcp-l:127.0.0.1:0 -: $_fd" -F tcp-l:127.0.0.1:0 -
	expect_error "tcp:127.0.0.1:1 exec:cat: $_fd" -F tcp:127.0.0.1:1 exec:cat
}

# A script stands in for stdin: beside a program or a recording played,
# which answer the socket themselves, there is no stdin for it.
test_pair_script_needs_stdio() {
	_why="--expect, --send and --script are for a socket or a line with stdin and stdout"
	printf 'sockcat-record 1\n0 server "x"\n' >"$SC_TMP/x.rec"
	expect_error "tcp-l:127.0.0.1:0 exec:cat: $_why" \
	    --send hi tcp-l:127.0.0.1:0 exec:cat
	expect_error "tcp:127.0.0.1:1 replay:$SC_TMP/x.rec: $_why" \
	    --expect x tcp:127.0.0.1:1 "replay:$SC_TMP/x.rec"
}

# The rows keyed on -l see a pair's listening address: the server
# options its listener applies (--deny, --max-conns, ...) were refused as
# lacking -l, and -k as well, which makes it go on listening (as fork):
# stdin and stdout's clients in turn, a program's at once, a socat-named
# listener's too.
test_pair_listener_takes_server_options() {
	server srv --deny 127.0.0.1 tcp-l:127.0.0.1:0 - || fail "no server"
	echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/out" 2>&1
	wait_for "$SC_TMP/srv.err" 'denied$' ||
	    fail "not denied: $(<"$SC_TMP/srv.err")"
	assertTrue "--deny applied" "grep -Eq \
	    '^sockcat: connection from 127\.0\.0\.1 [0-9]+ denied$' \
	    '$SC_TMP/srv.err'"
	stop "$SERVER_PID"
	server k -k tcp-l:127.0.0.1:0 - || fail "-k tcp-l: -: no server"
	for _i in 1 2; do
		echo c$_i | t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
		assertEquals "-k tcp-l: -: client $_i: status" 0 $?
	done
	wait_for "$SC_TMP/k.out" '^c2$' || fail "-k tcp-l: -: one client"
	assertEquals "-k tcp-l: -: what each sent" "c1
c2" "$(<"$SC_TMP/k.out")"
	stop "$SERVER_PID"
	server kx -k TCP-LISTEN:0 exec:cat || fail "-k TCP-LISTEN: no server"
	for _i in 1 2; do
		assertEquals "-k TCP-LISTEN: exec:cat: client $_i" "c$_i" \
		    "$(echo c$_i | t 10 "$SC" -N 127.0.0.1 "$PORT" 2>&1)"
	done
	stop "$SERVER_PID"
	expect_error "must use -l with -k" -k tcp:127.0.0.1:1 -
}

# What a pair's listener, program or datagram socket does not use is
# refused as -l's, -e's and -u's rows refuse it: it was dropped.
test_pair_unused_options_refused() {
	expect_error "tls-l:127.0.0.1:0 -: --ssl-servername is the name a client asks for: a listening address takes none" \
	    --ssl-servername x --ssl tls-l:127.0.0.1:0 -
	expect_error "ws-l:127.0.0.1:0 -: --ws-header and --ws-origin are a client's request's: a listening address answers with --ws-server-header" \
	    --ws-header X:y ws-l:127.0.0.1:0 -
	expect_error "--ws-insecure is for a wss:// URL's certificate: must use one with it" \
	    --ws-insecure ws-l:127.0.0.1:0 -
	expect_error "tcp-l:127.0.0.1:0 exec:cat dials nothing: it takes no --retry or -p" \
	    --retry 1 -p 5000 tcp-l:127.0.0.1:0 exec:cat
	expect_error "exec:cat is a program in stdin and stdout's place and ends as it does: it takes no --half-close" \
	    --half-close tcp-l:127.0.0.1:0 exec:cat
	# What was given is named, not what it implies (--recv-only: -d).
	expect_error "exec:cat is a program in stdin and stdout's place and ends as it does: it takes no --recv-only" \
	    --recv-only tcp-l:127.0.0.1:0 exec:cat
	expect_error "udp-l:127.0.0.1:0 is a datagram socket: it takes no --nodelay" \
	    --nodelay udp-l:127.0.0.1:0 -
	expect_error "udp-l:127.0.0.1:0 answers its peers from the other address: it takes no --expect" \
	    --expect hi udp-l:127.0.0.1:0 -
}

# --replay stands in for stdin and stdout; an address pair's near end is
# its second address, and --replay was dropped: a client of tcp-l:P - got
# stdin's bytes, not the recording.  The address says it: replay:FILE.
test_pair_replay_option_refused() {
	printf 'sockcat-record 1\n0 server "hi\\n"\n' >"$SC_TMP/r.rec"
	_said="with address operands, give it as the address replay:$SC_TMP/r.rec"
	expect_error "--replay $SC_TMP/r.rec: $_said" \
	    --replay "$SC_TMP/r.rec" tcp-l:127.0.0.1:0 -
	expect_error "--replay $SC_TMP/r.rec: $_said" \
	    --replay "$SC_TMP/r.rec" tcp-l:127.0.0.1:0 exec:cat
	expect_error "--replay $SC_TMP/r.rec: $_said" \
	    --replay "$SC_TMP/r.rec" tcp:127.0.0.1:1
}

# pair_clients ERR A B: Python's clients of the two listeners whose -v
# lines are in ERR, A (tcp or udp) first, then B (tcp, udp or a Unix
# socket's path) once the second listens: A sends, B gets it and answers,
# A gets the answer; both close.  Prints what each got.
pair_clients() {
	t 30 python3 - "$@" <<'EOF2'
import re, socket, sys, time
err, ka, kb = sys.argv[1:4]
def lines(n):
    for _ in range(600):
        t = open(err).read()
        p = re.findall(r"^(?:Listening|Bound) on .*?(\d*)$", t, re.M)
        if len(p) >= n:
            return p
        time.sleep(0.05)
    sys.exit("no -v line %d: %s" % (n, t))
def client(k, port):
    if k == "tcp":
        s = socket.create_connection(("127.0.0.1", int(port)))
    elif k == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("127.0.0.1", int(port)))
    else:
        s = socket.socket(socket.AF_UNIX)
        s.connect(k)
    s.settimeout(20)
    return s
a = client(ka, lines(1)[0])
a.send(b"from a")
b = client(kb, lines(2)[1])
if kb == "udp":
    # A UDP listener's client is the address of its first datagram.
    b.send(b"from b")
    print("b got", b.recv(100).decode())
else:
    print("b got", b.recv(100).decode())
    b.send(b"from b")
print("a got", a.recv(100).decode())
a.close()
b.close()
EOF2
}

# Two listeners pair their first clients, each side's bytes to the
# other, half-closes passed on; the relay ends with them.
test_two_listeners_pair_first_clients() {
	bg t 60 "$SC" -v tcp-l:127.0.0.1:0 tcp-l:127.0.0.1:0 \
	    >"$SC_TMP/two.out" 2>"$SC_TMP/two.err"
	_two=$BG_PID
	t 30 python3 - "$SC_TMP/two.err" >"$SC_TMP/back" <<'EOF2'
import hashlib, os, re, socket, sys, threading, time
err = sys.argv[1]
def ports(n):
    for _ in range(600):
        p = re.findall(r"^Listening on .* (\d+)$", open(err).read(), re.M)
        if len(p) >= n:
            return p
        time.sleep(0.05)
    sys.exit("no Listening line %d" % n)
a = socket.create_connection(("127.0.0.1", int(ports(1)[0])))
b = socket.create_connection(("127.0.0.1", int(ports(2)[1])))
da, db = os.urandom(300000), os.urandom(200000)
got = {}
def side(s, d, name):
    # Sends all, half-closes, reads to the end.
    threading.Thread(target=lambda: (s.sendall(d),
        s.shutdown(socket.SHUT_WR))).start()
    h = hashlib.sha256()
    while True:
        r = s.recv(65536)
        if not r:
            break
        h.update(r)
    got[name] = h.hexdigest()
ts = [threading.Thread(target=side, args=(a, da, "a")),
      threading.Thread(target=side, args=(b, db, "b"))]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(got["a"] == hashlib.sha256(db).hexdigest(),
      got["b"] == hashlib.sha256(da).hexdigest())
EOF2
	assertEquals "the bytes each way" "True True" "$(<"$SC_TMP/back")"
	wait_exit "$_two"
	assertEquals "status" 0 "$WAIT_STATUS"
	assertEquals "stdout" "" "$(<"$SC_TMP/two.out")"
	assertEquals "two listeners, two clients" 2 \
	    "$(grep -c '^Connection received on ' "$SC_TMP/two.err")"
	for _k in udp unix; do
		if [ "$_k" = unix ]; then
			_b=unix-l:$SC_TMP/two.sock
			_c=$SC_TMP/two.sock
		else
			_b=udp-l:127.0.0.1:0
			_c=udp
		fi
		bg t 60 "$SC" -v tcp-l:127.0.0.1:0 "$_b" 2>"$SC_TMP/two.err"
		_two=$BG_PID
		pair_clients "$SC_TMP/two.err" tcp "$_c" >"$SC_TMP/back"
		assertEquals "tcp-l: $_b" "b got from a
a got from b" "$(<"$SC_TMP/back")"
		wait_exit "$_two"
		assertEquals "tcp-l: $_b's status" 0 "$WAIT_STATUS"
	done
	bg t 60 "$SC" -v udp-l:127.0.0.1:0 tcp-l:127.0.0.1:0 2>"$SC_TMP/two.err"
	_two=$BG_PID
	pair_clients "$SC_TMP/two.err" udp tcp >"$SC_TMP/back"
	assertEquals "udp-l: tcp-l:" "b got from a
a got from b" "$(<"$SC_TMP/back")"
	wait_exit "$_two"
	assertEquals "udp-l: tcp-l:'s status" 0 "$WAIT_STATUS"
}

# file: in a pair: the first address read as "<" gives it, the second
# written as ">" (or ">>", with append) makes it.
test_file_in_a_pair() {
	data 300000
	rm -f "$SC_TMP/written"
	bg t 60 "$SC" -v tcp-l:127.0.0.1:0 file:"$SC_TMP/written" \
	    >"$SC_TMP/f.out" 2>"$SC_TMP/f.err"
	_fl=$BG_PID
	wait_for "$SC_TMP/f.err" '^Listening on ' ||
	    { fail "no listener: $(<"$SC_TMP/f.err")"; return; }
	PORT=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' "$SC_TMP/f.err")
	t 30 socat -u -t 10 - TCP:127.0.0.1:"$PORT" <"$SC_TMP/data"
	wait_exit "$_fl"
	assertEquals "status" 0 "$WAIT_STATUS"
	assertEquals "stdout" "" "$(<"$SC_TMP/f.out")"
	assertEquals "the file written" "$SUM" "$(sum_of "$SC_TMP/written")"
	: >"$SC_TMP/shell-made"
	assertEquals "the file's mode, as the shell's" \
	    "$(stat -c %a "$SC_TMP/shell-made")" \
	    "$(stat -c %a "$SC_TMP/written")"
	# Truncated as ">" does, or appended to.
	for _how in "" ",append"; do
		bg t 60 "$SC" -v tcp-l:127.0.0.1:0 \
		    file:"$SC_TMP/written$_how" 2>"$SC_TMP/f.err"
		_fl=$BG_PID
		wait_for "$SC_TMP/f.err" '^Listening on ' ||
		    { fail "no listener"; return; }
		PORT=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' \
		    "$SC_TMP/f.err")
		printf 'more\n' | t 30 socat -u -t 10 - TCP:127.0.0.1:"$PORT"
		wait_exit "$_fl"
	done
	assertEquals "truncated, then appended to" "more
more" "$(<"$SC_TMP/written")"
	# A file read: its bytes sent, the answer on stdout.
	bg t 60 python3 -c '
import hashlib, socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
h = hashlib.sha256()
while True:
    b = c.recv(65536)
    if not b:
        break
    h.update(b)
c.sendall(h.hexdigest().encode() + b"\n")
c.close()
' >"$SC_TMP/fport"
	wait_for "$SC_TMP/fport" '^[0-9]+$' || { fail "no server"; return; }
	t 30 "$SC" file:"$SC_TMP/data" tcp:127.0.0.1:"$(<"$SC_TMP/fport")" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "file: tcp: status" 0 $?
	assertEquals "file: tcp: stderr" "" "$(<"$SC_TMP/err")"
	assertEquals "what the server got" "$SUM" "$(<"$SC_TMP/out")"
	# The socket comes first: the file is opened once it is connected.
	expect_error "connect to 127.0.0.1 port 1 (tcp) failed: Connection refused" \
	    file:"$SC_TMP/none" tcp:127.0.0.1:1
	expect_error "file:f,append tcp:h:1: append is for the file written, the second address" \
	    file:f,append tcp:h:1
	expect_error "- file:f: a file with stdin and stdout, or another file, is the shell's: use cat; socat's command line runs under the name socat (a link to sockcat)" \
	    - file:f
	expect_error "file:f exec:cat: a program with a file is the shell's redirection: run it without sockcat; socat's command line runs under the name socat (a link to sockcat)" \
	    file:f exec:cat
}

# file: follows a symbolic link as the shell's redirection does, but in
# a directory like /tmp not another user's link, nor another user's file
# to write to (issue 52: in a directory others can write to, a link put
# there would make sockcat write over any file it may write).  sockcat
# never removes a file: output.
test_file_links_and_sticky_dirs() {
	echo victim >"$SC_TMP/victim"
	ln -s "$SC_TMP/written" "$SC_TMP/mine"
	server srv -lk -c 'echo sent' 127.0.0.1 0 || fail "no server"
	t 10 "$SC" tcp:127.0.0.1:"$PORT" file:"$SC_TMP/mine" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "own link: status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "own link: written through" sent "$(<"$SC_TMP/written")"
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	sticky_dir d
	as_nobody sh -c "ln -s '$SC_TMP/victim' '$SC_TMP/d/link' &&
	    echo nobody >'$SC_TMP/d/file'" || fail "nobody made nothing"
	expect_error "file:$SC_TMP/d/link: a symbolic link of another user in a sticky directory, not followed" \
	    tcp:127.0.0.1:"$PORT" file:"$SC_TMP/d/link"
	expect_error "file:$SC_TMP/d/link: a symbolic link of another user in a sticky directory, not followed" \
	    file:"$SC_TMP/d/link" tcp:127.0.0.1:"$PORT"
	expect_error "file:$SC_TMP/d/file: a file of another user in a sticky directory, not written to" \
	    tcp:127.0.0.1:"$PORT" file:"$SC_TMP/d/file"
	assertEquals "the victim" victim "$(<"$SC_TMP/victim")"
	assertEquals "nobody's file" nobody "$(<"$SC_TMP/d/file")"
	# The user's own link there, and a new file, are the user's.
	ln -s "$SC_TMP/written2" "$SC_TMP/d/mine"
	for name in mine new; do
		t 10 "$SC" tcp:127.0.0.1:"$PORT" file:"$SC_TMP/d/$name" \
		    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
		_st=$?
		assertEquals "$name: status: $(<"$SC_TMP/err")" 0 "$_st"
	done
	assertEquals "through the user's link" sent "$(<"$SC_TMP/written2")"
	assertEquals "a new file" sent "$(<"$SC_TMP/d/new")"
	assertTrue "nothing removed" "[ -L '$SC_TMP/d/mine' ]"
	# The user's own file there is written over, as ">" would.
	echo "an older and longer line" >"$SC_TMP/d/own"
	t 10 "$SC" tcp:127.0.0.1:"$PORT" file:"$SC_TMP/d/own" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "own file: status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "own file: written over" sent "$(<"$SC_TMP/d/own")"
	# Another user's file is read (only writing it is refused).
	t 10 "$SC" file:"$SC_TMP/d/file" tcp:127.0.0.1:"$PORT" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "nobody's file read: status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "nobody's file read: the reply" sent "$(<"$SC_TMP/out")"
	# A file to read that is not there is said so.
	expect_error "file:$SC_TMP/d/none: No such file or directory" \
	    file:"$SC_TMP/d/none" tcp:127.0.0.1:"$PORT"
}

# unlink-early (socat's): the path is removed before it is opened, so a
# link there is replaced by the file written, never followed; a path
# that cannot be removed is said, before anything is dialled.
test_unlink_early() {
	echo victim >"$SC_TMP/victim"
	ln -s "$SC_TMP/victim" "$SC_TMP/out"
	mkdir "$SC_TMP/dir"
	server srv -lk -c 'echo sent' 127.0.0.1 0 || fail "no server"
	t 10 "$SC" tcp:127.0.0.1:"$PORT" file:"$SC_TMP/out",unlink-early \
	    </dev/null >"$SC_TMP/o" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "the link's file" victim "$(<"$SC_TMP/victim")"
	assertTrue "a file in the link's place" "[ -f '$SC_TMP/out' ] &&
	    [ ! -L '$SC_TMP/out' ]"
	assertEquals "written" sent "$(<"$SC_TMP/out")"
	expect_error "file:$SC_TMP/dir,unlink-early: unlink-early: Is a directory" \
	    tcp:127.0.0.1:"$PORT" file:"$SC_TMP/dir",unlink-early
	assertTrue "the directory stays" "[ -d '$SC_TMP/dir' ]"
}

# file:'s own creat, trunc and excl (socat's names): a file that must be
# new, or must be there, and one written over in place.
test_file_open_options() {
	server srv -lk -c 'echo sent' 127.0.0.1 0 || fail "no server"
	echo 0123456789 >"$SC_TMP/f"
	expect_error "file:$SC_TMP/f,excl: File exists" \
	    tcp:127.0.0.1:"$PORT" file:"$SC_TMP/f",excl
	assertEquals "not written" 0123456789 "$(<"$SC_TMP/f")"
	expect_error "file:$SC_TMP/none,creat=0: No such file or directory" \
	    tcp:127.0.0.1:"$PORT" file:"$SC_TMP/none",creat=0
	assertFalse "not made" "[ -e '$SC_TMP/none' ]"
	t 10 "$SC" tcp:127.0.0.1:"$PORT" file:"$SC_TMP/f",trunc=0 \
	    </dev/null >"$SC_TMP/o" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "trunc=0: status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "written over in place" "sent
56789" "$(<"$SC_TMP/f")"
	t 10 "$SC" tcp:127.0.0.1:"$PORT" file:"$SC_TMP/new",excl \
	    </dev/null >"$SC_TMP/o" 2>"$SC_TMP/err"
	_st=$?
	assertEquals "excl, new: status: $(<"$SC_TMP/err")" 0 "$_st"
	assertEquals "excl, new: written" sent "$(<"$SC_TMP/new")"
}

# The README's relay recipes, one per line, as printed.
recipes() {
	awk '/^Two addresses make a relay/ { on = 1 } on && /^```/ { n++ }
	    on && n == 1 && /^sockcat / { print } n == 2 { exit }' "$README" |
	    sed 's/  *#.*//'
}

# recipe TEXT: the recipe's command with local peers in place of the
# example's: its listener on port 0 of 127.0.0.1, the echo servers of
# this suite as its targets.
recipe() {
	printf '%s\n' "$1" | sed -e 's/\(tcp\|udp\)-l:[0-9]*/\1-l:127.0.0.1:0/' \
	    -e "s|unix:/var/run/docker.sock|unix:$SC_TMP/echo.sock|" \
	    -e "s|tcp:10.0.0.53:53|tcp:127.0.0.1:$EPORT|" \
	    -e "s|wss://stream.example.com/feed|wss://localhost:$WPORT/feed,cafile=$CERTS/ca.pem|" \
	    -e "s|tls:host:443,verify=1,sni=host|tls:127.0.0.1:$TPORT,verify=1,sni=localhost,cafile=$CERTS/ca.pem|" \
	    -e 's/^sockcat //'
}

# Each recipe is in the manual too, and runs as printed.
test_readme_recipes() {
	recipes >"$SC_TMP/recipes"
	assertEquals "recipes" 5 "$(wc -l <"$SC_TMP/recipes")"
	while IFS= read -r r; do
		case $r in
		*verify=1*) ;;
		*) in_manual "$r" || fail "not in the manual: $r" ;;
		esac
	done <"$SC_TMP/recipes"
	echo_unix
	echo_tcp
	data 100000
	TPORT=$(free_port)
	bg t 60 socat OPENSSL-LISTEN:"$TPORT",bind=127.0.0.1,reuseaddr,fork,cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
	    EXEC:cat
	wait_until tcp_up "$TPORT" || fail "no TLS echo server"
	while IFS= read -r r <&3; do
		case $r in
		*wss://*)
			[ "$WS_OK" = 1 ] || continue
			WSPEER_CERT=$CERTS/srv.pem WSPEER_KEY=$CERTS/srv.key \
			    ws_peer echo ;;
		esac
		# shellcheck disable=SC2046
		set -- $(recipe "$r")
		case $r in
		*udp-l:*)
			bg t 60 "$SC" -v "$@" 2>"$SC_TMP/r.err"
			wait_for "$SC_TMP/r.err" '^Bound on ' || fail "$r"
			_p=$(sed -n 's/^Bound on .* \([0-9]*\)$/\1/p' \
			    "$SC_TMP/r.err")
			t 30 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(20)
s.sendto(b"a query", ("127.0.0.1", int(sys.argv[1])))
print(s.recv(100).decode())
' "$_p" >"$SC_TMP/back"
			assertEquals "$r" "a query" "$(<"$SC_TMP/back")"
			stop "$BG_PID" ;;
		*exec:/usr/bin/bc*)
			server r "$@" || fail "$r"
			printf '6*7\n' | t 30 socat -t 10 - TCP:127.0.0.1:"$PORT" \
			    >"$SC_TMP/back"
			assertEquals "$r" 42 "$(<"$SC_TMP/back")"
			stop "$SERVER_PID" ;;
		*wss://*)
			server r "$@" || fail "$r"
			stream_client "$PORT"
			assertEquals "$r" "$SUM" "$BACK"
			stop "$SERVER_PID" ;;
		sockcat\ -\ *)
			t 30 "$SC" "$@" <"$SC_TMP/data" >"$SC_TMP/back"
			assertEquals "$r: status" 0 $?
			assertEquals "$r" "$SUM" "$(sum_of "$SC_TMP/back")" ;;
		*)
			server r "$@" || fail "$r"
			via_socat TCP:127.0.0.1:"$PORT"
			stop "$SERVER_PID" ;;
		esac
	done 3<"$SC_TMP/recipes"
}

sc_run_shunit2
