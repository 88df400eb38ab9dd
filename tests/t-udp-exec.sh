#!/bin/bash
# Programs for UDP peers (-u with -e/-c): a -k listener giving each peer
# address its own program, with its environment, --max-conns and
# --idle-timeout; a listener without -k serving its first peer; a client;
# and a Unix datagram listener's program.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

# How many programs the server (under timeout) is running now.
programs() {
	_sc=$(pgrep -P "$SERVER_PID" | head -n 1)
	pgrep -P "$_sc" | wc -l
}

tearDown() {
	exec 7>&- 8>&-
	sc_remove_tmp
}

# A Python UDP client: udp_client PORT "send line" ... ; each word "send"
# sends the line after it, "recv" prints the next datagram received (or
# TIMEOUT after RECV_TIMEOUT seconds, 15 unless told: where nothing must
# come, the test says how long it watches), "port" prints its own port,
# "lines N" prints the next N lines, in as many datagrams as they came,
# "wait N" sleeps, "until FILE" waits for FILE to exist.
udp_client() {
	t 60 $UDPPEER --timeout "${RECV_TIMEOUT:-15}" "$@"
}

test_each_peer_its_own_program() {
	server srv -u -l -k 127.0.0.1 0 -c 'sed -u "s/^/Servidor UDP:/"' ||
	    fail "no server"
	held_stdin a.in 7
	held_stdin b.in 8
	bg_in "$SC_TMP/a.in" timeout 15 "$SC" -u 127.0.0.1 "$PORT" \
	    >"$SC_TMP/a.out"
	bg_in "$SC_TMP/b.in" timeout 15 "$SC" -u 127.0.0.1 "$PORT" \
	    >"$SC_TMP/b.out"
	echo a1 >&7
	assertTrue "a1" "wait_for '$SC_TMP/a.out' '^Servidor UDP:a1$'"
	echo b1 >&8
	assertTrue "b1" "wait_for '$SC_TMP/b.out' '^Servidor UDP:b1$'"
	echo a2 >&7
	assertTrue "a2" "wait_for '$SC_TMP/a.out' '^Servidor UDP:a2$'"
	echo b2 >&8
	assertTrue "b2" "wait_for '$SC_TMP/b.out' '^Servidor UDP:b2$'"
	assertEquals "A gets only its replies" \
	    "$(printf 'Servidor UDP:a1\nServidor UDP:a2')" "$(<"$SC_TMP/a.out")"
	assertEquals "B gets only its replies" \
	    "$(printf 'Servidor UDP:b1\nServidor UDP:b2')" "$(<"$SC_TMP/b.out")"
	assertEquals "each new peer reported" 2 \
	    "$(grep -c '^Connection received on localhost' "$SC_TMP/srv.err")"
	assertEquals "one program per peer" 2 \
	    "$(programs)"
	assertEquals "nothing on the listener's stdout" "" \
	    "$(<"$SC_TMP/srv.out")"
}

test_program_state_is_per_peer() {
	# A counter per program: interleaved peers each count from 1.
	server srv -u -l -k 127.0.0.1 0 \
	    -c 'n=0; while read l; do n=$((n+1)); echo "$n $l"; done' ||
	    fail "no server"
	t 20 python3 - "$PORT" >"$SC_TMP/py.out" <<'EOF'
import socket, sys
port = int(sys.argv[1])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for i in range(3)]
for s in socks:
    s.settimeout(15)
# A burst: datagrams from three peers, before any program has started.
for r in range(3):
    for i, s in enumerate(socks):
        s.sendto(b"p%d\n" % i, ("127.0.0.1", port))
for i, s in enumerate(socks):
    got = b""
    try:
        while got.count(b"\n") < 3:
            got += s.recv(65536)
    except socket.timeout:
        pass
    print(i, got.decode().replace("\n", "|"))
EOF
	assertEquals "$(printf '0 1 p0|2 p0|3 p0|\n1 1 p1|2 p1|3 p1|\n2 1 p2|2 p2|3 p2|')" \
	    "$(<"$SC_TMP/py.out")"
}

test_ipv6_and_wildcard() {
	server srv -6 -u -l -k ::1 0 -c 'sed -u "s/^/six:/"' ||
	    fail "no server"
	held_stdin a.in 7
	held_stdin b.in 8
	bg_in "$SC_TMP/a.in" timeout 15 "$SC" -u ::1 "$PORT" >"$SC_TMP/a.out"
	bg_in "$SC_TMP/b.in" timeout 15 "$SC" -u ::1 "$PORT" >"$SC_TMP/b.out"
	echo a >&7
	echo b >&8
	assertTrue "a" "wait_for '$SC_TMP/a.out' '^six:a$'"
	assertTrue "b" "wait_for '$SC_TMP/b.out' '^six:b$'"
	assertEquals "six:a" "$(<"$SC_TMP/a.out")"
	assertEquals "six:b" "$(<"$SC_TMP/b.out")"
	# No address: the listener is bound to the wildcard address.
	server any -u -l -k 0 -c 'sed -u "s/^/any:/"' || fail "no server"
	assertEquals "any:x|any:y" \
	    "$(udp_client "$PORT" send x recv send y recv | paste -sd '|')"
}

no_programs() {
	[ "$(programs)" -eq 0 ]
}

test_peer_gone_is_no_error() {
	server srv -u -l -k 127.0.0.1 0 \
	    -c 'read l; echo "got $l"; sleep 0.5; echo later; exec cat' ||
	    fail "no server"
	# This peer goes away before the program's second reply.
	assertEquals "got gone" "$(udp_client "$PORT" send gone recv)"
	assertTrue "its program ends" \
	    "wait_for '$SC_TMP/srv.err' '^Connection received'"
	wait_until no_programs
	assertEquals "program ended with its peer" 0 "$(programs)"
	assertEquals "got here" "$(udp_client "$PORT" send here recv)"
	assertEquals "no error reported" "" \
	    "$(grep -v '^Connection received\|^Bound on' "$SC_TMP/srv.err")"
}

test_environment() {
	server srv -n -u -l -k 127.0.0.1 0 -c \
	    'echo "$SOCKCAT_PROTO $SOCKCAT_REMOTE_ADDR $SOCKCAT_REMOTE_PORT $SOCKCAT_LOCAL_ADDR $SOCKCAT_LOCAL_PORT $NCAT_PROTO"' ||
	    fail "no server"
	out=$(udp_client "$PORT" port send x recv)
	me=$(echo "$out" | head -n 1)
	assertEquals "UDP 127.0.0.1 $me 127.0.0.1 $PORT UDP" \
	    "$(echo "$out" | sed -n 2p)"
}

test_max_conns() {
	server srv -u -l -k --max-conns 1 127.0.0.1 0 -c cat ||
	    fail "no server"
	held_stdin a.in 7
	bg_in "$SC_TMP/a.in" timeout 15 "$SC" -u 127.0.0.1 "$PORT" \
	    >"$SC_TMP/a.out"
	echo a1 >&7
	assertTrue "first peer served" "wait_for '$SC_TMP/a.out' '^a1$'"
	assertEquals "second peer's datagram dropped, nothing said" \
	    "TIMEOUT" "$(RECV_TIMEOUT=3 udp_client "$PORT" send b1 recv)"
	echo a2 >&7
	assertTrue "first peer still served" "wait_for '$SC_TMP/a.out' '^a2$'"
	assertEquals "one program" 1 "$(programs)"
}

test_idle_timeout_ends_program() {
	server srv -u -l -k --idle-timeout 1 127.0.0.1 0 \
	    -c 'echo "start $$"; exec cat' || fail "no server"
	# The second datagram goes once the first program has ended, idle:
	# the same peer then gets a new one.
	udp_client "$PORT" send x1 lines 2 until "$SC_TMP/go" send x2 \
	    lines 2 >"$SC_TMP/py.out" &
	py=$!
	wait_for "$SC_TMP/py.out" '^x1$' || fail "no answer"
	wait_until no_programs || fail "the idle program did not end"
	: >"$SC_TMP/go"
	wait "$py"
	assertEquals "x1" "$(sed -n 2p "$SC_TMP/py.out")"
	assertEquals "x2" "$(sed -n 4p "$SC_TMP/py.out")"
	first=$(sed -n 1p "$SC_TMP/py.out")
	second=$(sed -n 3p "$SC_TMP/py.out")
	assertContains "$first" "start "
	assertContains "$second" "start "
	assertNotEquals "a new program after the idle one ended" \
	    "$first" "$second"
	# The idle program was sent SIGTERM and reaped: at most the second
	# is left (it too goes once idle for a second).
	assertTrue "no more than one program" "[ $(programs) -le 1 ]"
	assertTrue "listener keeps running" "still_running $SERVER_PID 0.3"
}

# Without --idle-timeout or -w a peer's program still ends when its peer
# has been quiet for a minute, as the forwarder's peer does: else every
# source port a stranger sent from would keep a process.  The minute
# passes by libfaketime (Debian's faketime), which does not mix with
# AddressSanitizer; a second peer's datagram wakes the listener.
test_quiet_peer_program_ends_after_a_minute() {
	quiet_peer_ends -u -l -k 127.0.0.1 0 -c 'echo "start $$"; exec cat'
}

# The same listener written as an address pair: its peers were never
# forgotten.
test_quiet_peer_program_ends_pair() {
	quiet_peer_ends udp-l:127.0.0.1:0,fork \
	    'system:echo "start $$"; exec cat'
}

# quiet_peer_ends ARGS...: the listener of ARGS under faketime forgets a
# program whose peer is quiet for 80 seconds, not one of 40.
quiet_peer_ends() {
	local real=$SC

	faketime_sockcat || return 0
	SC=$SC_TMP/ft-sockcat
	server srv "$@" || fail "no server"
	SC=$real
	first=$(udp_client "$PORT" send x1 lines 2 | head -n 1)
	assertContains "$first" "start "
	assertEquals "one program" 1 "$(programs)"
	echo "+40" >"$SC_TMP/clock"
	second=$(udp_client "$PORT" send y1 lines 2 | head -n 1)
	assertEquals "40 seconds: both run" 2 "$(programs)"
	echo "+80" >"$SC_TMP/clock"
	third=$(udp_client "$PORT" send z1 lines 2 | head -n 1)
	assertContains "$third" "start "
	wait_until -t 10 two_programs
	assertEquals "80 seconds: the first has ended" "" \
	    "$(pgrep -P "$(pgrep -P "$SERVER_PID" | head -n 1)" |
	    grep -x "${first#start }")"
}

two_programs() {
	[ "$(programs)" -eq 2 ]
}

# Another user cannot bind the listener's port, neither before a peer has
# a socket of its own nor after: the peers' sockets share it with
# SO_REUSEPORT, which the kernel grants to this user's sockets only.
# With SO_REUSEADDR, user nobody could bind it too and take datagrams
# of new peers.
test_port_cannot_be_taken_by_another_user() {
	server srv -n -u -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	_got=$(bind_as_nobody "$PORT")
	[ $? -eq 77 ] && { sc_skip "cannot run as user nobody"; return; }
	assertEquals "before a peer" \
	    "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" "$_got"
	assertEquals "echoed" "hi" "$(udp_client "$PORT" send hi recv)"
	assertEquals "beside a peer's socket" \
	    "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" \
	    "$(bind_as_nobody "$PORT")"
}

test_without_keep_first_peer_only() {
	server srv -u -l 127.0.0.1 0 -c 'sed -u 2q' || fail "no server"
	udp_client "$PORT" send a1 recv send a2 recv >"$SC_TMP/a.out" &
	apid=$!
	assertTrue "first peer's program" "wait_for '$SC_TMP/a.out' '^a1$'"
	wait "$apid"
	wait_exit "$SERVER_PID"
	assertEquals "exits with its program" 0 "$WAIT_STATUS"
	assertEquals "$(printf 'a1\na2')" "$(<"$SC_TMP/a.out")"
	assertEquals "one peer" 1 \
	    "$(grep -c '^Connection received on' "$SC_TMP/srv.err")"
}

# -W counts the peer's first datagram, which the listener read and gave
# the program, as the peer's own reads are counted: the second ends the
# reads, and the third is not the program's.  (It was a third read.)
test_recv_limit_counts_the_first_datagram() {
	server srv -u -l -W 2 127.0.0.1 0 -c "exec cat >>'$SC_TMP/got'" ||
	    fail "no server"
	udp_client "$PORT" send d1 send d2 send d3
	wait_exit "$SERVER_PID"
	assertEquals "ends with its program" 0 "$WAIT_STATUS"
	assertEquals "two datagrams read" "d1 d2" "$(echo $(<"$SC_TMP/got"))"
}

test_client_runs_program() {
	server srv -u -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -u 127.0.0.1 "$PORT" -c 'echo "hi $SOCKCAT_PROTO"'
	assertEquals "client status" 0 $?
	assertTrue "program output sent" "wait_for '$SC_TMP/srv.out' '^hi UDP$'"
}

test_unix_datagram_listener_program() {
	sock=$SC_TMP/d.sock
	bg timeout 60 "$SC" -U -u -l "$sock" -c 'echo "$SOCKCAT_PROTO"; cat'
	srv=$BG_PID
	wait_until test -S "$sock"
	held_stdin c.in 7
	echo ping >&7
	bg_in "$SC_TMP/c.in" timeout 10 "$SC" -U -u "$sock" >"$SC_TMP/c.out"
	assertTrue "program answers" "wait_for '$SC_TMP/c.out' '^ping$'"
	assertEquals "$(printf 'UNIX\nping')" "$(<"$SC_TMP/c.out")"
	stop "$srv"
}

test_unix_datagram_keep_refused() {
	t 5 "$SC" -U -u -l -k "$SC_TMP/x.sock" -e cat 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: cannot use -e and -k with -U -u" \
	    "$(<"$SC_TMP/err")"
}

sc_run_shunit2
