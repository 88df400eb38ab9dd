#!/bin/bash
# A side is the unit: "sockcat ADDRESS ADDRESS" reads each address once
# into a side with its own settings and joins the two sides in this one
# process, whatever their kinds: no second sockcat, no shell, for any
# pair.  Each pair here runs against peers nobody here wrote (socat,
# openssl, ncat, Python's sockets and websockets), its bytes checked.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require socat python3
sc_require_tls

PEER="${TESTS_DIR:-$(dirname "$0")}/wspeer.py"
sc_certs

# tcp_up PORT: does something listen on TCP PORT of 127.0.0.1?
tcp_up() {
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# opened_by_others PID FILE...: is each FILE open in a process other
# than PID (which holds them all)?
opened_by_others() {
	_obo_pid=$1
	shift
	for _obo_f in "$@"; do
		fuser "$_obo_f" 2>/dev/null | tr -s ' ' '\n' |
		    grep -qvxE "($_obo_pid)?" || return 1
	done
}

# echo_tcp: socat's TCP echo server, a cat for each client (EPORT).
echo_tcp() {
	EPORT=$(free_port)
	bg t 90 socat TCP-LISTEN:"$EPORT",bind=127.0.0.1,reuseaddr,fork \
	    EXEC:cat
	wait_until tcp_up "$EPORT" || fail "no TCP echo server"
}

# tls_echo: socat's TLS echo server with the suite's server certificate
# (TPORT), a cat for each client.
tls_echo() {
	TPORT=$(free_port)
	bg t 90 socat OPENSSL-LISTEN:"$TPORT",bind=127.0.0.1,reuseaddr,fork,cert="$CERTS/srv.pem",key="$CERTS/srv.key",verify=0 \
	    EXEC:cat
	wait_until tcp_up "$TPORT" || fail "no TLS echo server"
}

# ws_echo [wss]: Python's websockets echoing every message (WPORT).
ws_echo() {
	if [ "${1:-}" = wss ]; then
		WSPEER_CERT=$CERTS/srv.pem WSPEER_KEY=$CERTS/srv.key \
		    bg t 90 python3 "$PEER" serve echo >"$SC_TMP/ws.out" \
		    2>"$SC_TMP/ws.err"
	else
		bg t 90 python3 "$PEER" serve echo >"$SC_TMP/ws.out" \
		    2>"$SC_TMP/ws.err"
	fi
	wait_for "$SC_TMP/ws.out" '^PORT ' || fail "no WebSocket server"
	WPORT=$(sed -n 's/^PORT //p' "$SC_TMP/ws.out")
}

# relay ADDRESS ADDRESS: sockcat joining them, -v, its listener's port in
# PORT (of its -v line "Listening on" or, for UDP, "Bound on"), its
# process in RELAY_PID (sockcat's own, not its timeout's).
relay() {
	bg t 90 "$SC" -v "$@" 2>"$SC_TMP/relay.err"
	wait_for "$SC_TMP/relay.err" '^(Listening|Bound) on ' ||
	    fail "no relay: $(<"$SC_TMP/relay.err")"
	PORT=$(sed -n 's/^\(Listening\|Bound\) on .* \([0-9]*\)$/\2/p' \
	    "$SC_TMP/relay.err" | head -n 1)
	RELAY_PID=$(pgrep -P "$BG_PID" -x sockcat)
}

# processes PID: PID's children and their children, one a line.
processes() {
	ps -e -o pid=,ppid= | awk -v p="$1" '
	    { parent[$1] = $2 }
	    END { for (q in parent) { r = q
		while (r in parent && r != p && r != 1) r = parent[r]
		if (r == p && q != p) print q } }'
}

# hold KIND PORT N: N clients of PORT (tcp, udp or unix), each sending a
# line and reading it back, all held open together until the file
# $SC_TMP/release appears; prints "N ok" once all have their answers.
hold() {
	t 90 python3 - "$@" "$SC_TMP/release" <<'EOF'
import os, socket, sys, time
kind, where, n, release = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
socks = []
for i in range(n):
    if kind == "tcp":
        s = socket.create_connection(("127.0.0.1", int(where)))
    elif kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(where)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("127.0.0.1", int(where)))
    s.settimeout(30)
    s.send(b"client %d\n" % i)
    socks.append(s)
ok = 0
for i, s in enumerate(socks):
    got = b""
    while not got.endswith(b"\n"):
        b = s.recv(100)
        if not b:
            break
        got += b
    ok += got == b"client %d\n" % i
print(ok, "ok", flush=True)
for _ in range(600):
    if os.path.exists(release):
        break
    time.sleep(0.05)
EOF
}

# no_second_process ADDRESS ADDRESS KIND: the relay of the two addresses
# serves ten clients of KIND at once as one process, without a child.
no_second_process() {
	kind=$3
	relay "$1" "$2"
	rm -f "$SC_TMP/release"
	where=$PORT
	[ "$kind" = unix ] && where=$SC_TMP/relay.sock
	bg hold "$kind" "$where" 10 >"$SC_TMP/hold.out"
	wait_for "$SC_TMP/hold.out" 'ok$' 60 ||
	    fail "$1 $2: the clients got nothing: $(<"$SC_TMP/relay.err")"
	assertEquals "$1 $2: every client answered" "10 ok" \
	    "$(<"$SC_TMP/hold.out")"
	assertEquals "$1 $2: no process of its own" "" \
	    "$(processes "$RELAY_PID")"
	: >"$SC_TMP/release"
	stop "$RELAY_PID"
}

# Ten clients at once through each kind of pair: one process.
test_no_pair_starts_a_process() {
	ws_echo
	no_second_process tcp-l:127.0.0.1:0 "ws://127.0.0.1:$WPORT/" tcp
	echo_tcp
	no_second_process udp-l:127.0.0.1:0 "tcp:127.0.0.1:$EPORT" udp
	tls_echo
	no_second_process tcp-l:127.0.0.1:0 \
	    "tls:localhost:$TPORT,cafile=$CERTS/ca.pem,verify=1" tcp
	ws_echo wss
	no_second_process "unix-l:$SC_TMP/relay.sock" \
	    "wss://localhost:$WPORT/,cafile=$CERTS/ca.pem" unix
	# Two dialled sides are joined once: one connection, one process.
	a=$(free_port)
	b=$(free_port)
	bg t 60 socat TCP-LISTEN:"$a",bind=127.0.0.1,reuseaddr SYSTEM:'echo joined; cat'
	bg t 60 socat -u TCP-LISTEN:"$b",bind=127.0.0.1,reuseaddr CREATE:"$SC_TMP/b.got"
	wait_until tcp_up "$a" || fail "no server a"
	wait_until tcp_up "$b" || fail "no server b"
	bg t 30 "$SC" "tcp:127.0.0.1:$a" "tcp:127.0.0.1:$b" 2>"$SC_TMP/j.err"
	jpid=$(pgrep -P "$BG_PID" -x sockcat)
	wait_until test -s "$SC_TMP/b.got" || fail "nothing joined"
	assertEquals "what a said, at b" "joined" "$(<"$SC_TMP/b.got")"
	assertEquals "two dialled sides: one process" "" "$(processes "$jpid")"
}

# parent_of LISTEN-ADDRESS PROGRAM-ADDRESS: the name of the parent of
# the program a relay of the two runs for a client (a script that prints
# its parent's name), as the client reads it.
parent_of() {
	relay "$1" "$2"
	t 20 "$SC" -N 127.0.0.1 "$PORT" </dev/null
	stop "$RELAY_PID"
}

# A program is started by its words, as socat's EXEC: starts it: the
# program is sockcat's own child, with no shell between (dash would fork
# it), for sockcat's exec: and socat's EXEC: alike, and with -e; SYSTEM:
# and a text that needs a shell go through /bin/sh, as socat's do.
test_program_is_the_direct_child() {
	printf '#!/bin/sh\ncat "/proc/$PPID/comm"\n' >"$SC_TMP/who"
	chmod +x "$SC_TMP/who"
	assertEquals "exec:" "sockcat" "$(parent_of tcp-l:127.0.0.1:0 \
	    "exec:$SC_TMP/who")"
	assertEquals "exec: with arguments" "sockcat" "$(parent_of \
	    tcp-l:127.0.0.1:0 "exec:$SC_TMP/who a b")"
	assertEquals "socat's EXEC:" "sockcat" "$(parent_of \
	    TCP-LISTEN:0,bind=127.0.0.1 "EXEC:$SC_TMP/who 'a b'")"
	relay ws-l:127.0.0.1:0 "exec:$SC_TMP/who"
	assertEquals "ws-l: exec:" "sockcat" "$(t 20 "$SC" -N \
	    "ws://127.0.0.1:$PORT/" </dev/null)"
	stop "$RELAY_PID"
	bg t 60 "$SC" -v -l -e "$SC_TMP/who" 127.0.0.1 0 2>"$SC_TMP/e.err"
	wait_for "$SC_TMP/e.err" '^Listening on ' || fail "no -e listener"
	port=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' "$SC_TMP/e.err")
	assertEquals "-e" "sockcat" "$(t 20 "$SC" -N 127.0.0.1 "$port" \
	    </dev/null)"
	# The shell where one is asked for: its parent is the shell.
	assertEquals "SYSTEM:" "sh" "$(parent_of TCP-LISTEN:0,bind=127.0.0.1 \
	    "SYSTEM:$SC_TMP/who a")"
	assertEquals "exec: with a pipe" "sh" "$(parent_of \
	    tcp-l:127.0.0.1:0 "exec:$SC_TMP/who | cat")"
	# The real socat runs EXEC:'s words itself too.
	port=$(free_port)
	bg t 60 socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr \
	    EXEC:"$SC_TMP/who"
	wait_until tcp_up "$port" || fail "no socat"
	assertEquals "the real socat's EXEC:" "socat" "$(t 20 "$SC" -N \
	    127.0.0.1 "$port" </dev/null)"
}

# A debug build counts what addr_parse() reads: each address once,
# however many connections it serves.
test_each_address_parsed_once() {
	echo_tcp
	export SC_ADDR_COUNT=1
	relay tcp-l:127.0.0.1:0 "tcp:127.0.0.1:$EPORT"
	unset SC_ADDR_COUNT
	bg hold tcp "$PORT" 10 >"$SC_TMP/hold.out"
	wait_for "$SC_TMP/hold.out" 'ok$' 60 || fail "no answers"
	: >"$SC_TMP/release"
	kill -TERM "$RELAY_PID"
	wait_exit "$RELAY_PID" 20
	grep -q 'addresses parsed' "$SC_TMP/relay.err" ||
	    sc_skip "not a debug build: addr_parse() is not counted"
	assertEquals "two addresses, ten connections" \
	    "sockcat: addresses parsed: 2" \
	    "$(grep 'addresses parsed' "$SC_TMP/relay.err")"
}

# pty:A pty:B is a null modem: what a program writes on one link, the
# other reads, every byte value, raw, both ways (socat on each link).
test_pty_null_modem() {
	bg t 60 "$SC" -v "pty:$SC_TMP/ttyA" "pty:$SC_TMP/ttyB" \
	    2>"$SC_TMP/nm.err"
	nm=$BG_PID
	wait_until pgrep -P "$nm" -x sockcat >/dev/null
	nm=$(pgrep -P "$nm" -x sockcat)
	wait_until test -L "$SC_TMP/ttyA" -a -L "$SC_TMP/ttyB" ||
	    fail "no links: $(<"$SC_TMP/nm.err")"
	head -c 4096 /dev/urandom >"$SC_TMP/ab"
	head -c 4096 /dev/urandom >"$SC_TMP/ba"
	bg t 30 socat -u "OPEN:$SC_TMP/ttyB,rdonly,raw,echo=0" \
	    "SYSTEM:head -c 4096 >$SC_TMP/ab.got"
	bg t 30 socat -u "OPEN:$SC_TMP/ttyA,rdonly,raw,echo=0" \
	    "SYSTEM:head -c 4096 >$SC_TMP/ba.got"
	# Both readers have their links open before a byte goes.
	wait_until opened_by_others "$nm" "$SC_TMP/ttyA" "$SC_TMP/ttyB" ||
	    fail "the readers did not open the links"
	t 20 socat -u "$SC_TMP/ab" "OPEN:$SC_TMP/ttyA,wronly,raw,echo=0"
	t 20 socat -u "$SC_TMP/ba" "OPEN:$SC_TMP/ttyB,wronly,raw,echo=0"
	wait_until cmp -s "$SC_TMP/ab" "$SC_TMP/ab.got" ||
	    fail "A to B: $(cmp "$SC_TMP/ab" "$SC_TMP/ab.got" 2>&1)"
	wait_until cmp -s "$SC_TMP/ba" "$SC_TMP/ba.got" ||
	    fail "B to A: $(cmp "$SC_TMP/ba" "$SC_TMP/ba.got" 2>&1)"
	assertEquals "one process" "" "$(processes "$nm")"
	# Not a job of ours (its timeout is): stop() only signals it, so
	# its exit, links removed, is waited for here.
	stop "$nm"
	wait_until gone "$nm" || fail "still running after SIGTERM"
	assertFalse "links removed" "[ -L '$SC_TMP/ttyA' -o -L '$SC_TMP/ttyB' ]"
}

# A device with a program: what is written on the link, the program
# reads; what it writes comes back on the link.
test_pty_with_program() {
	bg t 60 "$SC" "pty:$SC_TMP/ttyP" "exec:stdbuf -o0 tr a-z A-Z" \
	    2>"$SC_TMP/p.err"
	wait_until test -L "$SC_TMP/ttyP" || fail "no link: $(<"$SC_TMP/p.err")"
	got=$(t 20 python3 -c '
import os, select, sys, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
os.write(fd, b"shout\n")
got = b""
while not got.endswith(b"\n") and select.select([fd], [], [], 15)[0]:
    got += os.read(fd, 100)
print(got.decode().strip())
' "$SC_TMP/ttyP")
	assertEquals "the program's answer on the link" "SHOUT" "$got"
}

# The program's end is the relay's: its status is sockcat's, also when
# it closes its pipes some time before it exits; the link goes.
test_pty_program_status() {
	bg t 60 "$SC" "pty:$SC_TMP/ttyS" \
	    "exec:read l; echo \"\$l\" >$SC_TMP/read; exec >&- <&-; sleep 1; exit 3" \
	    2>"$SC_TMP/p.err"
	pid=$BG_PID
	wait_until test -L "$SC_TMP/ttyS" || fail "no link: $(<"$SC_TMP/p.err")"
	printf 'shout\n' | t 20 python3 -c '
import os, sys, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
os.write(fd, sys.stdin.buffer.read())
' "$SC_TMP/ttyS"
	wait_exit "$pid"
	assertEquals "the program's status: $(<"$SC_TMP/p.err")" 3 "$WAIT_STATUS"
	assertEquals "what the program read" "shout" "$(<"$SC_TMP/read")"
	assertFalse "the link gone" "[ -L '$SC_TMP/ttyS' ]"
}

# Each side its own TLS: the listener's certificate for openssl's
# s_client, the dialled side verified against another authority (the
# suite's) for socat's TLS echo.  Verified against the wrong one, the
# dialled side fails and says so.
test_tls_settings_per_side() {
	tls_echo
	relay "tls-l:127.0.0.1:0,cert=$CERTS/self.pem,key=$CERTS/self.key" \
	    "tls:localhost:$TPORT,cafile=$CERTS/ca.pem,verify=1"
	got=$( (echo "each its own"; sleep 2) | t 20 openssl s_client -quiet \
	    -no_ign_eof -connect "127.0.0.1:$PORT" -CAfile "$CERTS/self.pem" \
	    -verify_return_error 2>"$SC_TMP/sc.err")
	assertEquals "through both TLS" "each its own" "$got"
	# The next connection resumes the dialled side's session.
	got=$( (echo "again"; sleep 1) | t 20 openssl s_client -quiet \
	    -no_ign_eof -connect "127.0.0.1:$PORT" 2>/dev/null)
	assertEquals "again" "again" "$got"
	assertTrue "the dialled side resumed" \
	    "wait_for '$SC_TMP/relay.err' '^TLS session resumed' 10"
	stop "$RELAY_PID"
	relay "tls-l:127.0.0.1:0,cert=$CERTS/self.pem,key=$CERTS/self.key" \
	    "tls:localhost:$TPORT,cafile=$CERTS/self.pem,verify=1"
	got=$( (echo "wrong authority"; sleep 2) | t 20 openssl s_client \
	    -quiet -no_ign_eof -connect "127.0.0.1:$PORT" 2>/dev/null)
	assertEquals "nothing through" "" "$got"
	assertTrue "the relay says why: $(<"$SC_TMP/relay.err")" \
	    "wait_for '$SC_TMP/relay.err' 'certificate verification failed' 20"
}

# Each dialled side through a proxy of its own: ncat's HTTP proxies, one
# for each; what the first side's server sends reaches the second's.
test_proxy_per_side() {
	sc_require ncat
	p1=$(free_port)
	p2=$(free_port)
	bg t 60 ncat -4 -vvv -l --proxy-type http 127.0.0.1 "$p1" \
	    2>"$SC_TMP/p1.err"
	bg t 60 ncat -4 -vvv -l --proxy-type http 127.0.0.1 "$p2" \
	    2>"$SC_TMP/p2.err"
	wait_until tcp_up "$p1" || fail "no proxy 1"
	wait_until tcp_up "$p2" || fail "no proxy 2"
	a=$(free_port)
	b=$(free_port)
	bg t 60 socat TCP-LISTEN:"$a",bind=127.0.0.1,reuseaddr SYSTEM:'echo from a'
	bg t 60 socat -u TCP-LISTEN:"$b",bind=127.0.0.1,reuseaddr CREATE:"$SC_TMP/b.got"
	wait_until tcp_up "$a" || fail "no server a"
	wait_until tcp_up "$b" || fail "no server b"
	t 30 "$SC" "tcp:127.0.0.1:$a,proxy=http://127.0.0.1:$p1" \
	    "tcp:127.0.0.1:$b,proxy=http://127.0.0.1:$p2" 2>"$SC_TMP/j.err"
	_st=$?
	assertEquals "status: $(<"$SC_TMP/j.err")" 0 "$_st"
	wait_until test -s "$SC_TMP/b.got" || fail "nothing at b"
	assertEquals "a's line at b" "from a" "$(<"$SC_TMP/b.got")"
	assertTrue "a through proxy 1" \
	    "grep -q 'CONNECT to 127.0.0.1:$a\\.' '$SC_TMP/p1.err'"
	assertTrue "b through proxy 2" \
	    "grep -q 'CONNECT to 127.0.0.1:$b\\.' '$SC_TMP/p2.err'"
}

# udp-l: to wss://: each peer's datagrams to Python's websockets over
# TLS and back, each peer with its own connection.
test_udp_listener_to_wss() {
	ws_echo wss
	relay udp-l:127.0.0.1:0 "wss://localhost:$WPORT/,cafile=$CERTS/ca.pem"
	got=$(t 30 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(20)
out = []
for m in (b"one", b"two", b"three"):
    s.sendto(m, ("127.0.0.1", int(sys.argv[1])))
    out.append(s.recv(100).decode())
print(" ".join(out))
' "$PORT")
	assertEquals "each datagram back" "one two three" "$got"
}

# A new kind is a table row and its side: socks5:PROXY:HOST:PORT, through
# a SOCKS5 proxy to socat's echo server.
test_socks5_address() {
	echo_tcp
	server px -lk 127.0.0.1 0 --proxy-type socks5 || fail "no proxy"
	got=$(echo "through socks" | t 20 "$SC" \
	    "socks5:127.0.0.1:127.0.0.1:$EPORT,socksport=$PORT" - 2>&1)
	assertEquals "through the proxy" "through socks" "$got"
	assertTrue "the proxy relayed it" "wait_for '$SC_TMP/px.err' \
	    'connected to 127.0.0.1 port $EPORT' 10"
	expect_error "socks5:proxy:h: missing port number" socks5:proxy:h -
	expect_error "socks4a:[::1:h:1: an IPv6 address needs brackets: [addr]:port" \
	    "socks4a:[::1:h:1" -
	expect_error "socks5:p:h:1,socksport=0: option socksport: port number too small: 0" \
	    socks5:p:h:1,socksport=0 -
}

# A port that is a name must be a service of its protocol: said at the
# start, in netcat's words, not as a resolver's error at the first client
# (a listener would wait for one first).
test_pair_port_names_checked_at_start() {
	expect_error "ws://127.0.0.1:x/: port number invalid: x" \
	    tcp-l:127.0.0.1:0 ws://127.0.0.1:x/
	expect_error "tcp:127.0.0.1:nosuch: port number invalid: nosuch" \
	    tcp-l:127.0.0.1:0 tcp:127.0.0.1:nosuch
	expect_error "udp:127.0.0.1:nosuch: port number invalid: nosuch" \
	    udp-l:127.0.0.1:0 udp:127.0.0.1:nosuch
	# A service is a port: the pair listens, and its first client is
	# relayed to the service (echo, whose port 7 refuses here).
	server s -v tcp-l:127.0.0.1:0 tcp:127.0.0.1:echo ||
	    fail "a service refused"
	echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	assertTrue "dialled the service: $(<"$SC_TMP/s.err")" \
	    "wait_for '$SC_TMP/s.err' \
	    'no target accepted: 127.0.0.1 echo: Connection refused' 10"
}

# socks4:PROXY:HOST:PORT and socks4a:, through a SOCKS4 proxy of
# authproxy.py to socat's echo server: an IPv4 address asked for as it
# is, a name passed on for the proxy to resolve (SOCKS4a).
test_socks4_addresses() {
	echo_tcp
	for kind in socks4 socks4a; do
		dest=127.0.0.1
		[ $kind = socks4a ] && dest=localhost
		rm -f "$SC_TMP/px.port"
		: >"$SC_TMP/px.log"
		bg t 20 $AUTHPROXY -b socks4 ok 127.0.0.1 "$SC_TMP/px.port" \
		    "$SC_TMP/px.log"
		wait_for "$SC_TMP/px.port" '^[0-9]+$' || fail "no proxy"
		got=$(echo "through $kind" | t 20 "$SC" -N \
		    "$kind:127.0.0.1:$dest:$EPORT,socksport=$(<"$SC_TMP/px.port")" \
		    - 2>&1)
		assertEquals "$kind: through the proxy" "through $kind" "$got"
		assertEquals "$kind: what the proxy was asked" \
		    "connect4 4 $dest $EPORT user=" "$(<"$SC_TMP/px.log")"
	done
}

# A dialled WebSocket side of a relay (many connections) offers to
# compress each message afresh both ways, so that a connection holds
# zlib's state only while a message is on its way.
test_relay_ws_side_offers_fresh_compression() {
	bg t 60 python3 "$PEER" serve capture >"$SC_TMP/cap.out" 2>&1
	wait_for "$SC_TMP/cap.out" '^PORT ' || fail "no capturing server"
	cport=$(sed -n 's/^PORT //p' "$SC_TMP/cap.out")
	relay tcp-l:127.0.0.1:0 "ws://127.0.0.1:$cport/"
	echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_for "$SC_TMP/cap.out" '^header sec-websocket-extensions ' ||
	    fail "no offer: $(<"$SC_TMP/cap.out")"
	assertEquals "the offer" "header sec-websocket-extensions permessage-deflate; client_max_window_bits; client_no_context_takeover; server_no_context_takeover" \
	    "$(grep '^header sec-websocket-extensions ' "$SC_TMP/cap.out")"
}

sc_run_shunit2
