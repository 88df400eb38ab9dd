#!/bin/bash
# DTLS (--ssl -u): sockcat with openssl s_server -dtls and s_client -dtls,
# with socat's OPENSSL-DTLS-CLIENT and -SERVER, and with itself;
# datagrams of 1, 1,200 and 16,384 bytes (a record's most) kept whole;
# certificates refused; 20 peers at once on -u -lk; a flood of
# ClientHellos from spoofed sources that creates nothing (cookies); a
# peer gone after its cookie (no program, few flights, its cookie
# refused later); empty datagrams, spoofed or in the handshake, that end
# nothing; a port no other user can bind, a listener's or a client's
# -p; --chat over DTLS; and the
# command lines refused.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require openssl python3

if "$SOCKCAT" --ssl 127.0.0.1 1 </dev/null 2>&1 | grep -q "not built in"; then
	echo "sockcat built without TLS: skipping" >&2
	exit 77
fi

# The test certificates (make_certs) in CERTS, made once.
sc_certs
tearDown() {
	exec 7>&-
	sc_remove_tmp
	endSkipping
}

# Does socat speak DTLS?  (socat 1.7.4 does, as OPENSSL-DTLS-*.)
have_socat_dtls() {
	command -v socat >/dev/null 2>&1 &&
	    socat -h 2>/dev/null | grep -qi 'openssl-dtls-server'
}

# s_server NAME args...: openssl s_server -dtls on a free port, its stdin
# from NAME.in (kept open a while); sets SPORT.
s_server() {
	_n=$1
	shift
	: >"$SC_TMP/$_n.out"
	bg sh -c "{ cat '$SC_TMP/$_n.in' 2>/dev/null; sleep 20; } | \
	    timeout 25 openssl s_server -dtls -accept 127.0.0.1:0 \
	    -naccept 1 $* >'$SC_TMP/$_n.out' 2>&1"
	wait_for "$SC_TMP/$_n.out" '^ACCEPT ' || fail "s_server did not start"
	SPORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$SC_TMP/$_n.out")
}

# Is a UDP socket bound to port $1?
udp_bound() {
	ss -Hlun "sport = :$1" 2>/dev/null | grep -q .
}

# Files of 1, 1,200 and 16,384 bytes, each a datagram to send.
sizes() {
	printf x >"$SC_TMP/d1"
	head -c 1200 /dev/zero | tr '\0' a >"$SC_TMP/d1200"
	head -c 16384 /dev/zero | tr '\0' b >"$SC_TMP/d16384"
}

test_client_with_openssl_s_server() {
	printf 'from s_server\n' >"$SC_TMP/s.in"
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key"
	# -u -q stops reading when stdin ends: it ends once the answer came.
	{ echo "to s_server"; wait_for "$SC_TMP/c.out" "from s_server"; } |
	    t 20 "$SC" -v -u -q 1 --ssl-verify \
	    --ssl-trustfile "$CERTS/ca.pem" localhost "$SPORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "from s_server"
	assertContains "$(<"$SC_TMP/c.err")" "TLS protocol: DTLSv1.2"
	assertContains "$(<"$SC_TMP/c.err")" \
	    "TLS peer certificate subject: /CN=localhost"
	# -q sent close_notify when stdin ended: a clean end there.
	wait_for "$SC_TMP/s.out" "DONE" || fail "s_server saw no end"
	assertContains "$(<"$SC_TMP/s.out")" "to s_server"
}

# -t's answers to a DTLS peer go over DTLS, a record each, as the
# stream's go over TLS: s_server asks IAC DO ECHO and reads IAC WONT ECHO
# (a raw datagram beside DTLS it would drop).
test_telnet_answers_over_dtls() {
	printf '\377\375\001hello\n' >"$SC_TMP/s.in"
	s_server s -cert "$CERTS/srv.pem" -key "$CERTS/srv.key"
	telnet_refused - "dtls:127.0.0.1:$SPORT,verify=0"
}

test_server_with_openssl_s_client() {
	printf 'from sockcat\n' >"$SC_TMP/srv.in"
	server srv -u --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    -l 127.0.0.1 0 || fail "no server"
	assertContains "$(<"$SC_TMP/srv.err")" "Bound on "
	# s_client ends its stdin with close_notify (-no_ign_eof).
	{ echo "from s_client"; wait_for "$SC_TMP/c.out" "from sockcat"; } |
	    t 20 openssl s_client -dtls -connect "127.0.0.1:$PORT" \
	    -CAfile "$CERTS/ca.pem" -verify_return_error -quiet -no_ign_eof \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "s_client status" 0 $?
	assertContains "$(<"$SC_TMP/c.out")" "from sockcat"
	# The peer's close_notify ends a listener without -k, as TCP's end.
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "from s_client"
	assertContains "$(<"$SC_TMP/srv.err")" "Connection received on "
	assertContains "$(<"$SC_TMP/srv.err")" "TLS protocol: DTLSv1.2"
}

test_client_keeps_datagrams_whole_to_socat() {
	have_socat_dtls || { sc_skip "socat has no DTLS"; return; }
	sizes
	_p=$(free_port) || fail "no port"
	bg timeout 30 socat -u -b 20000 -v \
	    "OPENSSL-DTLS-SERVER:$_p,bind=127.0.0.1,cert=$CERTS/srv.pem,key=$CERTS/srv.key,verify=0" \
	    "CREATE:$SC_TMP/socat.out" 2>"$SC_TMP/socat.err"
	_socat=$BG_PID
	wait_until udp_bound "$_p" || fail "socat did not start"
	# socat -v logs each read: one per datagram.
	held_stdin in 7
	bg_in "$SC_TMP/in" timeout 30 "$SC" -u --ssl-verify \
	    --ssl-trustfile "$CERTS/ca.pem" \
	    localhost "$_p" 2>"$SC_TMP/c.err"
	for _n in 1 1200 16384; do
		cat "$SC_TMP/d$_n" >&7
		wait_until grep -aq "length=$_n from" "$SC_TMP/socat.err" ||
		    fail "no datagram of $_n bytes: $(<"$SC_TMP/c.err")"
	done
	assertEquals "reads" "length=1 length=1200 length=16384" \
	    "$(grep -ao 'length=[0-9]*' "$SC_TMP/socat.err" | paste -sd ' ')"
	wait_size "$SC_TMP/socat.out" 17585
	assertEquals "bytes" 17585 "$(stat -c %s "$SC_TMP/socat.out")"
	stop "$_socat"
}

test_server_keeps_datagrams_whole_from_socat() {
	have_socat_dtls || { sc_skip "socat has no DTLS"; return; }
	sizes
	server srv -u --stats --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" -l 127.0.0.1 0 || fail "no server"
	held_stdin in 7
	bg_in "$SC_TMP/in" timeout 30 socat -u -b 20000 - \
	    "OPENSSL-DTLS-CLIENT:127.0.0.1:$PORT,cafile=$CERTS/ca.pem,commonname=localhost"
	_total=0
	for _n in 1 1200 16384; do
		cat "$SC_TMP/d$_n" >&7
		_total=$((_total + _n))
		wait_size "$SC_TMP/srv.out" "$_total" ||
		    fail "no datagram of $_n bytes"
	done
	# socat's end of input is close_notify: the server ends, and counts.
	exec 7>&-
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "bytes" 17585 "$(stat -c %s "$SC_TMP/srv.out")"
	assertContains "$(<"$SC_TMP/srv.err")" "datagrams: 0 sent, 3 received"
}

test_sockcat_with_itself_program_per_peer() {
	server srv -u -lk --ssl -e /bin/cat 127.0.0.1 0 || fail "no server"
	echo "echo me" | t 10 "$SC" -u --ssl -W 1 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "echo me"
}

# The same over IPv6: a peer's cookie is made of its IPv6 address.
test_sockcat_with_itself_over_ipv6() {
	if ! python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' \
	    2>/dev/null; then
		sc_skip "no ::1"
		return
	fi
	server srv -u -lk --ssl -e /bin/cat ::1 0 || fail "no server"
	echo "echo me" | t 10 "$SC" -u --ssl -W 1 ::1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "echo me"
}

test_twenty_peers_at_once() {
	server srv -u -lk --ssl -e /bin/cat 127.0.0.1 0 || fail "no server"
	_pids=""
	for _i in $(seq 1 20); do
		echo "peer $_i" | t 30 "$SC" -u --ssl -W 1 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c$_i.out" 2>"$SC_TMP/c$_i.err" &
		_pids="$_pids $!"
	done
	_bad=0
	for _p in $_pids; do
		wait "$_p" || _bad=$((_bad + 1))
	done
	assertEquals "clients failed" 0 "$_bad"
	for _i in $(seq 1 20); do
		assertFileEquals "$SC_TMP/c$_i.out" "peer $_i"
	done
	assertEquals "sessions" 20 \
	    "$(grep -c 'Connection received on' "$SC_TMP/srv.err")"
}

# A ClientHello as openssl s_client sends it first (without a cookie),
# caught by a UDP socket that answers nothing; printed in hex.
client_hello() {
	t 20 python3 - <<'EOF'
import socket, subprocess, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(15)
p = subprocess.Popen(["openssl", "s_client", "-dtls", "-connect",
    "127.0.0.1:%d" % s.getsockname()[1]], stdin=subprocess.PIPE,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
data, _ = s.recvfrom(65536)
p.kill()
p.wait()
print(data.hex())
EOF
}

test_spoofed_flood_creates_nothing() {
	server srv -u -lk --ssl -e /bin/cat 127.0.0.1 0 || fail "no server"
	_sc=$(pgrep -P "$SERVER_PID" | head -n 1)
	_sc=${_sc:-$SERVER_PID}
	_hello=$(client_hello)
	assertNotEquals "a ClientHello" "" "$_hello"
	_fds=$(ls "/proc/$_sc/fd" | wc -l)
	# 300 ClientHellos from 300 source ports that never answer the
	# HelloVerifyRequest, as a spoofed source cannot.
	t 30 python3 - "$PORT" "$_hello" <<'EOF'
import socket, sys
port, hello = int(sys.argv[1]), bytes.fromhex(sys.argv[2])
socks = []
for i in range(300):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.sendto(hello, ("127.0.0.1", port))
    socks.append(s)
# Each was answered with a cookie, and nothing else.
answered = 0
for s in socks:
    s.settimeout(10)
    try:
        if s.recv(65536)[13] == 3:	# HelloVerifyRequest
            answered += 1
    except socket.timeout:
        pass
print(answered)
EOF
	assertEquals "no sessions" 0 \
	    "$(grep -c 'Connection received on' "$SC_TMP/srv.err")"
	assertEquals "no descriptors" "$_fds" "$(ls "/proc/$_sc/fd" | wc -l)"
	# A real peer still gets through.
	echo "real" | t 10 "$SC" -u --ssl -W 1 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "real"
	assertEquals "one session" 1 \
	    "$(grep -c 'Connection received on' "$SC_TMP/srv.err")"
}

# spoof FROM TO: an empty UDP datagram to 127.0.0.1 port TO that says it
# comes from 127.0.0.1 port FROM, forged through a raw socket, as anyone
# who knows the address pair of a session can send it.  Returns 77 when
# raw sockets are not allowed here.
spoof() {
	t 10 python3 - "$1" "$2" <<'EOF'
import socket, struct, sys
src, dst = int(sys.argv[1]), int(sys.argv[2])
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
except PermissionError:
    sys.exit(77)
# The UDP header alone (no checksum, which IPv4 allows): no payload.
s.sendto(struct.pack("!HHHH", src, dst, 8, 0), ("127.0.0.1", 0))
EOF
}

test_spoofed_empty_datagram_ends_nothing() {
	server srv -n -u -lk --ssl -e /bin/cat 127.0.0.1 0 || fail "no server"
	held_stdin cin 7
	bg_in "$SC_TMP/cin" t 30 "$SC" -u --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	_c=$BG_PID
	echo one >&7
	wait_for "$SC_TMP/c.out" '^one$' || fail "no echo: $(<"$SC_TMP/c.err")"
	_cport=$(sed -n 's/^Connection received on 127\.0\.0\.1 //p' \
	    "$SC_TMP/srv.err")
	# To the server's socket for the peer: its program's session goes on.
	spoof "$_cport" "$PORT"
	[ $? -eq 77 ] && { sc_skip "no raw sockets here"; return; }
	echo two >&7
	assertTrue "the server's end goes on" "wait_for '$SC_TMP/c.out' '^two$'"
	# To the client, as from the server: the client goes on.
	spoof "$PORT" "$_cport"
	echo three >&7
	assertTrue "the client's end goes on" \
	    "wait_for '$SC_TMP/c.out' '^three$'"
	assertFalse "the client is still there" "gone $_c"
	assertEquals "the client says nothing" "" "$(<"$SC_TMP/c.err")"
	assertEquals "one session" 1 \
	    "$(grep -c 'Connection received on' "$SC_TMP/srv.err")"
	assertFalse "the server reports no error" \
	    "grep -q 'network' '$SC_TMP/srv.err'"
}

# The same through a whole session, handshake included: a relay passes
# every datagram on after an empty one, both ways (no raw socket needed).
test_empty_datagrams_in_the_handshake_end_nothing() {
	server srv -n -u -lk --ssl -e /bin/cat 127.0.0.1 0 || fail "no server"
	bg t 60 python3 "${TESTS_DIR:-$(dirname "$0")}/dtlspeer.py" \
	    --empties "$PORT" "$SC_TMP/relay"
	wait_for "$SC_TMP/relay" '^[0-9]+$' || fail "no relay"
	{ echo "through empties"; wait_for "$SC_TMP/c.out" "through"; } |
	    t 20 "$SC" -u --ssl -W 1 127.0.0.1 "$(<"$SC_TMP/relay")" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/c.err")"
	assertFileEquals "$SC_TMP/c.out" "through empties"
	assertFalse "the server reports no error" \
	    "grep -q 'failed\\|network' '$SC_TMP/srv.err'"
}

# Two records in one datagram (a relay joins the client's first two):
# both are read, the second as soon as the first, not when the next
# datagram comes (it waited, and with none to come was never written).
test_records_of_one_datagram_all_read() {
	server srv -u -l --ssl 127.0.0.1 0 || fail "no server"
	bg t 60 python3 "${TESTS_DIR:-$(dirname "$0")}/dtlspeer.py" \
	    --coalesce "$PORT" "$SC_TMP/relay" "$SC_TMP/relay.log"
	wait_for "$SC_TMP/relay" '^[0-9]+$' || fail "no relay"
	{
		echo one
		wait_for "$SC_TMP/relay.log" '^held$' || exit
		echo two
		wait_for "$SC_TMP/srv.out" '^two$' && : >"$SC_TMP/came"
	} | t 60 "$SC" -u --ssl -N 127.0.0.1 "$(<"$SC_TMP/relay")" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "joined" "sent both" "$(tail -n 1 "$SC_TMP/relay.log")"
	assertTrue "the second came while the client stayed" \
	    "[ -e '$SC_TMP/came' ]"
	wait_for "$SC_TMP/srv.out" '^two$'
	assertFileEquals "$SC_TMP/srv.out" "one
two"
}

# Another user cannot bind the listener's port: the peers' own sockets
# share it with SO_REUSEPORT, which the kernel grants to this user's
# sockets only (with SO_REUSEADDR, user nobody could bind it too and
# answer new ClientHellos with its own certificate).
test_port_cannot_be_taken_by_another_user() {
	server srv -u -lk --ssl -e /bin/cat 127.0.0.1 0 || fail "no server"
	_got=$(bind_as_nobody "$PORT")
	[ $? -eq 77 ] && { sc_skip "cannot run as user nobody"; return; }
	assertEquals "before a peer" \
	    "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" "$_got"
	echo "echo me" | t 10 "$SC" -u --ssl -W 1 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertFileEquals "$SC_TMP/c.out" "echo me"
	assertEquals "after a peer" \
	    "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" \
	    "$(bind_as_nobody "$PORT")"
}

# Nor can another user bind a DTLS client's -p port, with -s or without
# (issue 52: bound with SO_REUSEADDR, it could, and then receive the
# server's records instead of the client).
test_client_port_cannot_be_taken_by_another_user() {
	local src
	server srv -u -lk --ssl -e /bin/cat 127.0.0.1 0 || fail "no server"
	for src in "" 127.0.0.1; do
		_p=$(free_port udp) || fail "no port"
		rm -f "$SC_TMP/c.in"
		held_stdin c.in 7
		bg_in "$SC_TMP/c.in" t 30 "$SC" -u --ssl -q 0 -p "$_p" \
		    ${src:+-s "$src"} 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
		    2>"$SC_TMP/c.err"
		echo "echo me" >&7
		assertTrue "${src:-any}: echoed" \
		    "wait_for '$SC_TMP/c.out' '^echo me\$'"
		_got=$(bind_as_nobody "$_p")
		[ $? -eq 77 ] && { sc_skip "cannot run as user nobody"; return; }
		assertEquals "${src:-any}: another user" \
		    "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" "$_got"
		exec 7>&-
		wait_exit "$BG_PID"
	done
}

# A peer that sends its cookie back and goes away (tests/dtlspeer.py)
# gets no program, gets the server's flight three times at most, not as
# long as the handshake may last, and is given up; and the cookie it was
# given is refused 11 s later, the secret having changed twice since (a
# new HelloVerifyRequest comes instead of a ServerHello).
test_peer_gone_after_its_cookie_costs_little() {
	server srv -n -u -lk --ssl -w 30 \
	    -c "echo started >>'$SC_TMP/prog.log'; exec cat" 127.0.0.1 0 ||
	    fail "no server"
	bg t 90 python3 "${TESTS_DIR:-$(dirname "$0")}/dtlspeer.py" "$PORT" \
	    "$SC_TMP/peer.log" 11
	wait_for "$SC_TMP/peer.log" '^replay ' 80 ||
	    fail "the peer did not finish: $(<"$SC_TMP/peer.log")"
	assertTrue "the cookie went back" "grep -qx cookie '$SC_TMP/peer.log'"
	_n=$(sed -n 's/^flights //p' "$SC_TMP/peer.log")
	assertTrue "the flight came, $_n times: at most 3" \
	    "[ '$_n' -ge 1 ] && [ '$_n' -le 3 ]"
	assertTrue "given up" "wait_for '$SC_TMP/srv.err' \
	    '^sockcat: TLS handshake failed: Connection timed out$' 10"
	assertFalse "no program" "[ -e '$SC_TMP/prog.log' ]"
	assertEquals "the old cookie" "replay hello-verify" \
	    "$(tail -n 1 "$SC_TMP/peer.log")"
}

test_client_refuses_bad_certificate() {
	s_server s -cert "$CERTS/self.pem" -key "$CERTS/self.key"
	echo hi | t 10 "$SC" -u --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    localhost "$SPORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	assertEquals "stderr" \
	    "sockcat: TLS certificate verification failed: self-signed certificate" \
	    "$(<"$SC_TMP/c.err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/c.out")"
}

test_server_refuses_bad_client_certificate() {
	server srv -u -lk --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    --ssl-cert "$CERTS/srv.pem" --ssl-key "$CERTS/srv.key" \
	    -e /bin/cat -l 127.0.0.1 0 || fail "no server"
	echo hi | t 10 "$SC" -u --ssl-cert "$CERTS/self.pem" \
	    --ssl-key "$CERTS/self.key" -W 1 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertNotEquals "status" 0 $?
	assertEquals "stdout" "" "$(<"$SC_TMP/c.out")"
	wait_for "$SC_TMP/srv.err" "certificate verification failed" ||
	    fail "server did not refuse: $(<"$SC_TMP/srv.err")"
	# A certificate of the CA's is taken.
	echo ok | t 10 "$SC" -u --ssl-cert "$CERTS/cli.pem" \
	    --ssl-key "$CERTS/cli.key" -W 1 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c2.out" 2>"$SC_TMP/c2.err"
	assertEquals "status" 0 $?
	assertFileEquals "$SC_TMP/c2.out" "ok"
}

test_pin_over_dtls() {
	server srv -u -lk --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" -e /bin/cat -l 127.0.0.1 0 ||
	    fail "no server"
	_fp=$(openssl x509 -in "$CERTS/srv.pem" -noout -fingerprint -sha256 |
	    sed 's/.*=//')
	echo pinned | t 10 "$SC" -u --ssl-pin "$_fp" -W 1 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "status" 0 $?
	assertFileEquals "$SC_TMP/c.out" "pinned"
	_other=$(openssl x509 -in "$CERTS/self.pem" -noout -fingerprint \
	    -sha256 | sed 's/.*=//')
	echo no | t 10 "$SC" -u --ssl-pin "$_other" 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c2.out" 2>"$SC_TMP/c2.err"
	assertEquals "status" 1 $?
	assertContains "$(<"$SC_TMP/c2.err")" "does not match --ssl-pin"
}

test_chat_over_dtls() {
	held_stdin srvin 7
	SERVER_STDIN=$SC_TMP/srvin server srv --chat -u --ssl -l 127.0.0.1 0 ||
	    fail "no server"
	{ echo "hi from the caller"; wait_for "$SC_TMP/c.out" "hi back"; } |
	    t 20 "$SC" --chat -u --ssl 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err" &
	_c=$!
	wait_for "$SC_TMP/srv.out" "hi from the caller" ||
	    fail "server heard nothing: $(<"$SC_TMP/srv.err")"
	echo "hi back" >&7
	wait "$_c"
	assertEquals "caller status" 0 $?
	assertContains "$(<"$SC_TMP/c.out")" "hi back"
	assertContains "$(<"$SC_TMP/srv.err")" "TLS protocol: DTLSv1.2"
}

test_refused_command_lines() {
	expect_error "cannot use --ssl with -U -u" --ssl -U -u "$SC_TMP/s"
	expect_error "cannot use --ssl with -u and --forward" \
	    --ssl -u -l 127.0.0.1 0 --forward 127.0.0.1:1
	expect_error \
	    "--room and --broker serve TCP clients: cannot use them with -u" \
	    --ssl -u --broker -l 0
}

sc_time_tests
. "$SHUNIT2"
