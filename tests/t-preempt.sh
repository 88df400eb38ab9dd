#!/bin/bash
# Preemption as a test, not luck: the paths with handshakes (TLS client
# and server, the forwarder with TLS at both ends, the proxy client and
# server, --retry, the broker and the room with clients that leave in the
# middle of a handshake) run with their system calls delayed by
# tests/preempt.so, an LD_PRELOAD library that sleeps after write, read,
# send*, recv*, connect, accept4 and epoll_wait: at random, seeded (the
# seed is printed; SC_PREEMPT_SEED=N runs the same choices again), or,
# for the two reproductions of a use-after-free in the forwarder, 100 ms
# after every write (for --progress's live line, 300 ms after every
# write, to the terminal too).  Whatever the peer does meanwhile is
# waiting when the process goes on, as on a busy machine.  Under the
# sanitizer build a misstep is a report; in any build the processes must
# live and answer.  bench/preempt-soak runs this suite for many seeds,
# with the processors busy.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"

sc_require openssl ldd

PRELOAD_LIB=${SC_PREEMPT_LIB:-$(dirname "$SC")/tests/preempt.so}
if [ ! -f "$PRELOAD_LIB" ]; then
	echo "tests/preempt.so not built: skipping" >&2
	exit 77
fi
if "$SC" --ssl 127.0.0.1 1 </dev/null 2>&1 | grep -q "not built in"; then
	echo "sockcat built without TLS: skipping" >&2
	exit 77
fi
# A sanitizer's runtime must come first among the libraries.
ASAN_LIB=$(ldd "$SC" 2>/dev/null | awk '/libasan/ { print $3 }')
PRELOAD="${ASAN_LIB:+$ASAN_LIB }$PRELOAD_LIB"

SEED=${SC_PREEMPT_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "# preempt seed: $SEED (SC_PREEMPT_SEED=$SEED runs it again)"

# The test certificates (make_certs) in CERTS, made once.
sc_certs

# Every test: delays at random, and DSC, a sockcat whose calls are
# delayed (the same process: the script execs it), for what is started
# with SC=$DSC.  Only sockcat is delayed, never a program it runs.
setUp() {
	sc_tmp
	export SC_DELAY_SEED=$SEED SC_DELAY_US=20000 SC_DELAY_PCT=30
	export SC_DELAY_FIXED=0
	unset SC_DELAY_CALLS SC_DELAY_STDERR
	DSC=$SC_TMP/delayed
	printf '#!/bin/sh\nLD_PRELOAD="%s" exec "%s" "$@"\n' "$PRELOAD" "$SC" \
	    >"$DSC"
	chmod +x "$DSC"
}

# The forwarder's writes take 100 ms each, as with strace -e
# inject=write,sendto,sendmsg:delay_exit=100000: its peer's whole answer
# is waiting when it reads.
slow_writes() {
	export SC_DELAY_CALLS=write,send,sendto,sendmsg SC_DELAY_US=100000
	export SC_DELAY_PCT=100 SC_DELAY_FIXED=1
}

# A TLS echo backend, not delayed, with the certificate given; BPORT.
tls_echo() {
	server tbe -lk 127.0.0.1 0 --ssl-cert "$CERTS/$1.pem" \
	    --ssl-key "$CERTS/$1.key" -e /bin/cat || fail "no TLS backend"
	BPORT=$PORT
}

# alive PID WHAT: the process still runs, and no sanitizer spoke on its
# stderr (NAME.err).
alive() {
	assertTrue "$2 lives" "kill -0 $1"
	assertNotContains "$2 is clean" "$(<"$SC_TMP/$2.err")" "Sanitizer"
	assertNotContains "$2 kept its contract" "$(<"$SC_TMP/$2.err")" \
	    "before it returned"
}

# The first reproduction: the backend's whole TLS 1.3 answer is waiting
# when the forwarder reads after its ClientHello, so the handshake could
# finish inside its start function; the handshake was freed, its pointer
# stored, and freed again when the client left.
test_forward_verified_tls_with_slow_writes() {
	tls_echo srv
	slow_writes
	SC=$DSC server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --forward-ssl-verify --forward-ssl-trustfile "$CERTS/ca.pem" \
	    --forward-ssl-servername localhost || return
	for i in 1 2; do
		echo "to tls $i" | t 30 "$SC" -N 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c$i.out"
		assertEquals "client $i" "to tls $i" "$(<"$SC_TMP/c$i.out")"
		assertTrue "connection $i over" \
		    "wait_lines '$SC_TMP/fw.err' ': closed$' $i"
	done
	alive "$SERVER_PID" fw
}

# The second: the handshake failed (a certificate that does not verify)
# inside the start function, which freed the client's connection, and
# the forwarder then wrote into it.
test_forward_unverified_tls_with_slow_writes() {
	tls_echo self
	slow_writes
	SC=$DSC server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" \
	    --forward-ssl-verify --forward-ssl-trustfile "$CERTS/ca.pem" ||
	    return
	for i in 1 2; do
		echo "secret $i" | t 30 "$SC" 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c$i.out" 2>/dev/null
		assertEquals "nothing relayed to $i" "" "$(<"$SC_TMP/c$i.out")"
		assertTrue "client $i refused" "wait_lines '$SC_TMP/fw.err' \
		    'no target accepted: ' $i"
	done
	# The second finds the target in its back-off.
	assertTrue "the first says why" "grep -q 'no target accepted: .*\
certificate verification failed' '$SC_TMP/fw.err'"
	alive "$SERVER_PID" fw
}

# A TLS server and client, both delayed at random, data both ways.
test_tls_client_and_server() {
	head -c 200000 /dev/urandom >"$SC_TMP/up"
	echo "hello from the server" >"$SC_TMP/srv.in"
	SC=$DSC server srv -l 127.0.0.1 0 --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" || return
	t 60 "$DSC" -N --ssl-verify --ssl-trustfile "$CERTS/ca.pem" \
	    localhost "$PORT" <"$SC_TMP/up" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client" 0 $?
	wait_exit "$SERVER_PID" 30
	assertEquals "server" 0 "$WAIT_STATUS"
	assertEquals "up intact" "$(sha256sum <"$SC_TMP/up")" \
	    "$(sha256sum <"$SC_TMP/srv.out")"
	assertEquals "down" "hello from the server" "$(<"$SC_TMP/c.out")"
}

# The forwarder with TLS at both ends, delayed at random, three TLS
# clients at once, also delayed.
test_forward_tls_both_ends() {
	tls_echo srv
	SC=$DSC server fw -lk 127.0.0.1 0 --ssl-cert "$CERTS/self.pem" \
	    --ssl-key "$CERTS/self.key" --forward "localhost:$BPORT" \
	    --forward-ssl-verify --forward-ssl-trustfile "$CERTS/ca.pem" ||
	    return
	FW=$SERVER_PID
	head -c 100000 /dev/urandom >"$SC_TMP/data"
	pids=""
	for i in 1 2 3; do
		t 60 "$DSC" -N --ssl 127.0.0.1 "$PORT" <"$SC_TMP/data" \
		    >"$SC_TMP/c$i.out" 2>"$SC_TMP/c$i.err" &
		pids="$pids $!"
	done
	i=0
	for p in $pids; do
		i=$((i + 1))
		wait "$p"
		assertEquals "client $i" 0 $?
		assertEquals "client $i intact" "$(sha256sum <"$SC_TMP/data")" \
		    "$(sha256sum <"$SC_TMP/c$i.out")"
	done
	alive "$FW" fw
}

# The proxy server and client, both delayed: SOCKS5, then HTTP CONNECT.
test_proxy_client_and_server() {
	for proto in socks5:5 http:connect; do
		SC=$DSC server px -k -l 127.0.0.1 0 \
		    --proxy-type "${proto%%:*}" || return
		PX=$SERVER_PID PPORT=$PORT
		server dst -l 127.0.0.1 0 || return
		echo "through ${proto%%:*}" | t 30 "$DSC" -N -X "${proto#*:}" \
		    -x "127.0.0.1:$PPORT" 127.0.0.1 "$PORT" >/dev/null
		assertEquals "client over ${proto%%:*}" 0 $?
		wait_exit "$SERVER_PID"
		assertEquals "delivered over ${proto%%:*}" \
		    "through ${proto%%:*}" "$(<"$SC_TMP/dst.out")"
		alive "$PX" px
		stop "$PX"
		wait "$PX" 2>/dev/null
	done
	return 0
}

# --retry, delayed: a TLS client that starts before its server, which
# comes up once the client has been refused.
test_retry_until_a_tls_server_comes() {
	p=$(free_port) || fail "no port"
	echo "late but there" >"$SC_TMP/in"
	timeout -k 2 60 "$DSC" -v -N --retry 200 --retry-interval 50ms \
	    --ssl-verify --ssl-trustfile "$CERTS/ca.pem" localhost "$p" \
	    <"$SC_TMP/in" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err" &
	CL=$!
	SC_PIDS="$SC_PIDS $CL"
	wait_for "$SC_TMP/c.err" 'Connection refused' || fail "no try"
	SC=$DSC server srv -l 127.0.0.1 "$p" --ssl-cert "$CERTS/srv.pem" \
	    --ssl-key "$CERTS/srv.key" || return
	wait_exit "$CL" 30
	assertEquals "client" 0 "$WAIT_STATUS"
	wait_exit "$SERVER_PID" 30
	assertEquals "delivered" "late but there" "$(<"$SC_TMP/srv.out")"
}

# leavers PORT N: N clients that leave in the middle of a TLS handshake,
# all at once: half send the start of a ClientHello and close, half are
# delayed TLS clients killed after a few milliseconds, seeded.
leavers() {
	# A subshell, whose stderr does not get the shell's "Killed" lines.
	( leavers_run "$@" ) 2>/dev/null
}
leavers_run() {
	_pids=""
	for _i in $(seq "$2"); do
		if [ $((_i % 2)) -eq 0 ]; then
			printf '\026\003\001\002\000\001\000\001\374\003\003' |
			    t 10 "$SC" -N 127.0.0.1 "$1" >/dev/null 2>&1 &
		else
			timeout -s KILL "0.0$(((SEED + _i * 7) % 9 + 1))" \
			    "$DSC" --ssl 127.0.0.1 "$1" </dev/null \
			    >/dev/null 2>&1 &
		fi
		_pids="$_pids $!"
	done
	for _p in $_pids; do
		wait "$_p"
	done
}

# A TLS broker or room (args), delayed, serving two TLS clients while
# others leave in the middle of their handshakes.
fanout_with_leavers() {
	SC=$DSC server srv "$@" --ssl 127.0.0.1 0 </dev/null || return
	SRV=$SERVER_PID
	SC=$DSC client c1 7 -N --ssl 127.0.0.1 "$PORT"
	SC=$DSC client c2 8 -N --ssl 127.0.0.1 "$PORT"
	wait_lines "$SC_TMP/srv.err" '^TLS peer sent no certificate' 2 ||
	    fail "no TLS clients"
	leavers "$PORT" 8
	say 7 'after the leavers\n'
	assertTrue "relayed to c2" \
	    "wait_for '$SC_TMP/c2.out' 'after the leavers$'"
	leavers "$PORT" 8
	say 8 'and again\n'
	assertTrue "relayed to c1" "wait_for '$SC_TMP/c1.out' 'and again$'"
	alive "$SRV" srv
}

# --progress's live line is erased when SIGINT ends the client, even when
# the signal comes right after the line was written: every write here is
# followed by 300 ms asleep, so that is where the signal lands.  The flag
# that says the line is on the screen must be set by then (it was set
# after the write, and the handler left the line).
test_progress_erased_when_interrupted_after_its_write() {
	truncate -s 64M "$SC_TMP/file"
	# A listener whose output nobody reads: the client soon stalls.
	bg sh -c "timeout 30 '$SC' -v -l 127.0.0.1 0 </dev/null \
	    2>'$SC_TMP/srv.err' | timeout 30 sleep 30"
	wait_for "$SC_TMP/srv.err" '^Listening on ' || fail "no listener"
	PORT=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' "$SC_TMP/srv.err")
	export SC_DELAY_CALLS=write SC_DELAY_US=300000 SC_DELAY_PCT=100
	export SC_DELAY_FIXED=1 SC_DELAY_STDERR=1
	progress_interrupted "$DSC" "$SC_TMP/file"
}

test_broker_clients_leave_mid_handshake() {
	fanout_with_leavers --broker -d
}

test_room_clients_leave_mid_handshake() {
	fanout_with_leavers --room
}

sc_run_shunit2
