#!/bin/bash
# Port forwarding (-l ... --forward): both directions at once, each ending
# on its own, resets passed on, failover and back-off, Unix-domain on
# either side, an upstream proxy, PROXY headers read by an independent
# peer (tests/fwdpeer.py), the gates and the logs.  Loopback only.
#
# Every peer and test client written in python is a thread of one
# fwdpeer.py hub for the whole suite: a python start-up costs more than
# most of these tests.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

PEER="python3 $(dirname "$0")/fwdpeer.py"

# The hub lives as long as the suite, outside SC_PIDS (which every test's
# tear-down ends).  The suite holds its FIFO open on descriptor 9, so that
# a command never blocks, even for a hub that has died: the wait for its
# answer then fails.
oneTimeSetUp() {
	HUB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockcat-hub.XXXXXX")
	mkfifo "$HUB_DIR/ctl"
	exec 9<>"$HUB_DIR/ctl"
	timeout -k 2 "${SC_HUB_LIFE:-300}" $PEER hub "$HUB_DIR/ctl" 9>&- &
	HUB_PID=$!
}

# shunit2 may run it twice.
oneTimeTearDown() {
	if [ -n "$HUB_PID" ]; then
		echo exit >&9
		exec 9>&-
		stop "$HUB_PID"
		wait "$HUB_PID" 2>/dev/null
		rm -rf "$HUB_DIR"
		HUB_PID=""
	fi
	sc_remove_tmp
	sc_report
}

# hub ROLE args...: run a fwdpeer.py role in the hub.
hub() {
	echo "$*" >&9
}

# peer NAME ROLE args...: start a fwdpeer server; PPORT is its port.
peer() {
	_n=$1
	shift
	hub "$1" "$SC_TMP/$_n.port" "${@:2}"
	wait_for "$SC_TMP/$_n.port" '^[0-9]+$' 15 || fail "peer $_n did not start"
	PPORT=$(<"$SC_TMP/$_n.port")
}

# The one port nothing listens on: bound, never listened on, held.
closed_port() {
	peer closed closed-port
	echo "$PPORT"
}

# both_ways SIZE [OPTION]: SIZE bytes each way through a -l forwarder
# (with OPTION), checked intact at both ends; the forwarder has exited.
both_ways() {
	peer be stream-backend "$1" "$SC_TMP/be.sum"
	server fw ${2:+"$2"} -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" ||
	    return 1
	hub stream-client 127.0.0.1 "$PORT" "$1" "$SC_TMP/cl.sum"
	assertTrue "client" "wait_for '$SC_TMP/cl.sum' received 60"
	wait_for "$SC_TMP/be.sum" received 30
	read -r _ bsent _ brecv bn <"$SC_TMP/be.sum"
	read -r _ csent _ crecv cn <"$SC_TMP/cl.sum"
	assertEquals "bytes to the backend" "$1" "$bn"
	assertEquals "bytes to the client" "$1" "$cn"
	assertEquals "client to backend intact" "$csent" "$brecv"
	assertEquals "backend to client intact" "$bsent" "$crecv"
	wait_exit "$SERVER_PID" 10
}

test_both_directions_64mib() {
	both_ways $((64 * 1024 * 1024)) || return
	assertEquals "a -l forwarder exits after its connection" 0 "$WAIT_STATUS"
}

# Both directions copy a short exchange (no splice set-up for a line)
# and splice a stream once it fills a buffer: the data is intact both
# ways, and -vvv says which path each took.
test_copy_first_splice_for_volume() {
	both_ways $((4 * 1024 * 1024)) -vvv || return
	err=$(<"$SC_TMP/fw.err")
	assertContains "copied first" "$err" "upstream: copy, splice if it moves more"
	assertContains "then spliced up" "$err" "upstream: splice"
	assertContains "then spliced down" "$err" "downstream: splice"

	peer be2 halfclose-backend client-first "$SC_TMP/be2.got"
	server fw2 -vvv -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" || return
	printf 'question\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "the line went both ways" "after your eof: question" \
	    "$(<"$SC_TMP/c.out")"
	wait_exit "$SERVER_PID" 10
	assertContains "a line is copied" "$(<"$SC_TMP/fw2.err")" \
	    "downstream: copy, splice if it moves more"
	assertNotContains "and never spliced" "$(<"$SC_TMP/fw2.err")" \
	    "stream: splice"
}

# held NAME UP DOWN: UP bytes from the client, DOWN from the backend,
# each end reading nothing for a second; checked intact at both ends.
held() {
	peer "be$1" held-backend "$3" "$2" 1 "$SC_TMP/be$1.sum"
	server "fw$1" -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" || return 1
	hub held-client 127.0.0.1 "$PORT" "$2" "$3" 1 "$SC_TMP/cl$1.sum"
	assertTrue "$1: client" "wait_for '$SC_TMP/cl$1.sum' received 60"
	assertTrue "$1: backend" "wait_for '$SC_TMP/be$1.sum' received 30"
	read -r _ bsent _ brecv bn <"$SC_TMP/be$1.sum"
	read -r _ csent _ crecv cn <"$SC_TMP/cl$1.sum"
	assertEquals "$1: bytes to the backend" "$2" "$bn"
	assertEquals "$1: bytes to the client" "$3" "$cn"
	assertEquals "$1: client to backend intact" "$csent" "$brecv"
	assertEquals "$1: backend to client intact" "$bsent" "$crecv"
	wait_exit "$SERVER_PID" 10
	assertEquals "$1: the forwarder exits, status 0" 0 "$WAIT_STATUS"
}

# 24 MiB one way, then the other, then both, to an end that reads
# nothing for a second: the forwarder stops reading with bytes left in
# its socket, then takes them up when the end reads, with nothing new
# arriving to wake it (its sockets are watched edge-triggered).  No
# end-of-file comes before.
test_backpressure_taken_up() {
	size=$((24 * 1024 * 1024))
	held up "$size" 0 || return
	held down 0 "$size" || return
	held both "$size" "$size"
}

# A request of more than a read's worth (the 64 KiB buffer; then the
# splice pipe), answered only once whole: nothing but its own bytes says
# the rest is there, so the forwarder reads on until a read comes short
# (its sockets are watched edge-triggered).
test_request_longer_than_a_read() {
	for size in 65537 100000 $((1024 * 1024 + 1)) $((3 * 1024 * 1024)); do
		peer "be$size" request-backend "$size"
		server "fw$size" -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" ||
		    return
		hub request-client 127.0.0.1 "$PORT" "$size" "$SC_TMP/cl$size"
		assertTrue "$size: answered" \
		    "wait_for '$SC_TMP/cl$size' answer 30"
		read -r _ sent _ got n <"$SC_TMP/cl$size"
		assertEquals "$size: all of it" "$size" "$n"
		assertEquals "$size: intact" "$sent" "$got"
		wait_exit "$SERVER_PID" 10
		assertEquals "$size: the forwarder exits, status 0" 0 \
		    "$WAIT_STATUS"
	done
}

# A forwarded connection's two sockets are each added to the loop's set
# once, edge-triggered, and never changed: neither the client's
# end-of-file, after which it is watched for its hangup alone, nor the
# end cost an epoll_ctl(2).  Counted by strace.
test_sockets_added_once() {
	command -v strace >/dev/null || { sc_skip "no strace"; return; }
	peer be echo
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    bg timeout 60 strace -f -e trace=epoll_ctl -o "$SC_TMP/trace" \
	    "$SC" -v -lk 127.0.0.1 0 --forward "127.0.0.1:$PPORT" \
	    </dev/null >/dev/null 2>"$SC_TMP/fw.err"
	wait_for "$SC_TMP/fw.err" "^Listening on" || fail "no forwarder"
	port=$(sed -n 's/^Listening on .* \([0-9]*\)$/\1/p' "$SC_TMP/fw.err")
	: >"$SC_TMP/c.out"
	for i in 1 2 3 4 5; do
		printf 'line %s\n' "$i" | t 10 "$SC" -N 127.0.0.1 "$port" \
		    >>"$SC_TMP/c.out"
	done
	assertEquals "each line echoed" "$(printf 'line %s\n' 1 2 3 4 5)" \
	    "$(<"$SC_TMP/c.out")"
	stop "$BG_PID"
	wait "$BG_PID" 2>/dev/null
	# The listener and the signal pipe are added once, before.
	calls=$(grep -c 'epoll_ctl(' "$SC_TMP/trace")
	edge=$(grep -c 'EPOLL_CTL_ADD.*EPOLLET' "$SC_TMP/trace")
	assertEquals "two sockets a connection, edge-triggered: $(cat \
	    "$SC_TMP/trace")" 10 "$edge"
	assertEquals "no other change a connection" 12 "$calls"
}

# counted PORT ARGS...: five clients, one after the other, through
# "sockcat ARGS" (a listener on PORT whose target is the echo peer at
# PPORT), with getaddrinfo(3) and asprintf(3) written down by
# tests/callcount.so in $SC_TMP/calls.log, a line a call.
counted() {
	_port=$1
	shift
	_lib=${SC_CALL_LIB:-$(dirname "$SC")/tests/callcount.so}
	_asan=$(ldd "$SC" 2>/dev/null | awk '/libasan/ { print $3 }')
	rm -f "$SC_TMP/calls.log"
	SC_CALL_LOG=$SC_TMP/calls.log LD_PRELOAD="${_asan:+$_asan }$_lib" \
	    bg t 60 "$SC" "$@" </dev/null >/dev/null 2>"$SC_TMP/fw.err"
	wait_until sh -c "ss -Hltn 'sport = :$_port' | grep -q ." ||
	    fail "no forwarder: $(<"$SC_TMP/fw.err")"
	: >"$SC_TMP/c.out"
	for _i in 1 2 3 4 5; do
		printf 'line %s\n' "$_i" | t 10 "$SC" -N 127.0.0.1 "$_port" \
		    >>"$SC_TMP/c.out"
	done
	assertEquals "$*: each line echoed" \
	    "$(printf 'line %s\n' 1 2 3 4 5)" "$(<"$SC_TMP/c.out")"
	stop "$BG_PID"
}

# A target that is an address is looked up once, not for each client:
# the forwarder and the pair of addresses it serves alike.
test_address_target_looked_up_once() {
	[ -f "${SC_CALL_LIB:-$(dirname "$SC")/tests/callcount.so}" ] ||
	    { sc_skip "no tests/callcount.so (make check builds it)"; return; }
	peer be echo
	p=$(free_port)
	counted "$p" -lk 127.0.0.1 "$p" --forward "127.0.0.1:$PPORT"
	[ -s "$SC_TMP/calls.log" ] ||
	    { sc_skip "getaddrinfo not counted (a static build?)"; return; }
	assertEquals "--forward: five clients, one lookup" 1 \
	    "$(grep -cx "getaddrinfo 127.0.0.1 $PPORT" "$SC_TMP/calls.log")"
	p=$(free_port)
	counted "$p" "tcp-l:127.0.0.1:$p" "tcp:127.0.0.1:$PPORT"
	assertEquals "tcp-l: to tcp:, five clients, one lookup" 1 \
	    "$(grep -cx "getaddrinfo 127.0.0.1 $PPORT" "$SC_TMP/calls.log")"
}

# A connection's label ("#N HOST PORT") is made for a message said, not
# for every connection: five quiet clients make none, and with -v each
# is named as before.
test_label_made_only_when_said() {
	[ -f "${SC_CALL_LIB:-$(dirname "$SC")/tests/callcount.so}" ] ||
	    { sc_skip "no tests/callcount.so (make check builds it)"; return; }
	peer be echo
	p=$(free_port)
	counted "$p" -lk 127.0.0.1 "$p" --forward "127.0.0.1:$PPORT"
	[ -s "$SC_TMP/calls.log" ] ||
	    { sc_skip "calls not counted (a static build?)"; return; }
	assertEquals "quiet: no label made" 0 \
	    "$(grep -c '^asprintf #%lu' "$SC_TMP/calls.log")"
	p=$(free_port)
	counted "$p" -v -lk 127.0.0.1 "$p" --forward "127.0.0.1:$PPORT"
	assertEquals "-v: a label for each client" 5 \
	    "$(grep -c '^asprintf #%lu' "$SC_TMP/calls.log")"
	assertEquals "-v: each named" 5 "$(grep -cE \
	    '^sockcat: forward: #[1-5] 127\.0\.0\.1 [0-9]+: forwarded to' \
	    "$SC_TMP/fw.err")"
}

# A Unix-domain client bound to a path is named by it, IPv6 clients by
# their address: the address kept for the label is no sockaddr_storage.
test_label_of_unix_and_ipv6_clients() {
	peer be echo
	server fw -lk -U "$SC_TMP/fw.sock" --forward "127.0.0.1:$PPORT" ||
	    return
	assertEquals "unix client" "named" "$(echo named | t 20 socat - \
	    UNIX-CONNECT:"$SC_TMP/fw.sock",bind="$SC_TMP/client-with-a-long-name.sock")"
	wait_for "$SC_TMP/fw.err" 'forwarded to' ||
	    fail "no label: $(<"$SC_TMP/fw.err")"
	assertContains "named by its path" "$(<"$SC_TMP/fw.err")" \
	    "forward: #1 $SC_TMP/client-with-a-long-name.sock: forwarded to"
	stop "$SERVER_PID"
	server fw6 -lk ::1 0 --forward "127.0.0.1:$PPORT" || return
	assertEquals "IPv6 client" "six" "$(echo six | t 20 "$SC" -N ::1 "$PORT")"
	wait_for "$SC_TMP/fw6.err" 'forwarded to' ||
	    fail "no label: $(<"$SC_TMP/fw6.err")"
	assertContains "named by its address" "$(<"$SC_TMP/fw6.err")" \
	    "forward: #1 ::1 "
}

test_halfclose_client_first() {
	peer be halfclose-backend client-first "$SC_TMP/be.got"
	server fw -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" || return
	printf 'question\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "client" 0 $?
	assertEquals "the backend saw EOF, then answered" \
	    "after your eof: question" "$(<"$SC_TMP/c.out")"
}

test_halfclose_backend_first() {
	peer be halfclose-backend backend-first "$SC_TMP/be.got"
	server fw -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" || return
	held_stdin cin 7
	bg_in "$SC_TMP/cin" sh -c "'$SC' 127.0.0.1 $PORT >'$SC_TMP/c.out'"
	assertTrue "backend's words arrive" \
	    "wait_for '$SC_TMP/c.out' 'backend speaks first' 15"
	# The client's direction is still open after the backend's EOF.
	echo "still talking" >&7
	exec 7>&-
	assertTrue "the backend got the client's late words" \
	    "wait_for '$SC_TMP/be.got' 'still talking' 15"
}

test_failover_to_second_target() {
	dead=$(closed_port)
	peer be echo
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$dead" \
	    --forward "127.0.0.1:$PPORT" || return
	start=$(now_ms)
	for i in 1 2; do
		echo "hello $i" | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c$i.out"
		assertEquals "hello $i" "$(<"$SC_TMP/c$i.out")"
	done
	took=$(($(now_ms) - start))
	assertTrue "-v names the refusal" \
	    "grep -q '#1 .*127.0.0.1 $dead: Connection refused' '$SC_TMP/fw.err'"
	assertTrue "-v names the target used" \
	    "grep -q '#1 .*forwarded to 127.0.0.1 $PPORT' '$SC_TMP/fw.err'"
	# The refusing target is in its back-off, 1 s from #1's refusal, so
	# not tried for #2.  Only a machine that took longer than that for
	# both clients may have reached #2 after the back-off.
	if [ "$took" -lt 1000 ]; then
		assertFalse "a down target is not hammered" \
		    "grep -q '#2 .*127.0.0.1 $dead:' '$SC_TMP/fw.err'"
	else
		echo "both clients took $took ms: the back-off is not checked"
	fi
}

test_round_robin() {
	peer a echo
	pa=$PPORT
	peer b echo
	pb=$PPORT
	server fw -lk 127.0.0.1 0 --round-robin --forward "127.0.0.1:$pa" \
	    --forward "127.0.0.1:$pb" || return
	for i in 1 2 3 4; do
		echo "rr $i" | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
		assertEquals "rr $i" "$(<"$SC_TMP/c.out")"
	done
	assertEquals "two to a" 2 "$(grep -c "forwarded to 127.0.0.1 $pa\$" "$SC_TMP/fw.err")"
	assertEquals "two to b" 2 "$(grep -c "forwarded to 127.0.0.1 $pb\$" "$SC_TMP/fw.err")"
}

test_no_target_closes_client_promptly() {
	dead=$(closed_port)
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$dead" || return
	start=$(now_ms)
	echo x | t 10 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertTrue "closed within 5 s" "[ $(($(now_ms) - start)) -lt 5000 ]"
	assertEquals "nothing relayed" "" "$(<"$SC_TMP/c.out")"
	assertTrue "-v says why" \
	    "wait_for '$SC_TMP/fw.err' 'no target accepted: 127.0.0.1 $dead: Connection refused' 10"
	# In its back-off, the next clients are told so at once: a few
	# clients in a row cost the target far fewer connection attempts.
	for i in 1 2 3 4 5; do
		echo x | t 10 "$SC" 127.0.0.1 "$PORT" >/dev/null 2>&1
	done
	assertTrue "-v says it is down" \
	    "wait_for '$SC_TMP/fw.err' 'no target accepted: .*down, retried later' 10"
	tries=$(grep -c ": 127.0.0.1 $dead: Connection refused" "$SC_TMP/fw.err")
	assertTrue "not hammered: $tries tries for 6 clients" "[ $tries -lt 6 ]"
	# Once its back-off is over it is tried again (a second failure in
	# a row, which makes the next back-off longer).
	assertTrue "tried again after its back-off" \
	    "wait_until retried $dead $((tries + 1))"
}

# retried PORT N: one more client of the forwarder on PORT; have N of
# them met the dead target's refusal?
retried() {
	echo x | t 10 "$SC" 127.0.0.1 "$PORT" >/dev/null 2>&1
	[ "$(grep -c ": 127.0.0.1 $1: Connection refused" "$SC_TMP/fw.err")" \
	    -ge "$2" ]
}

test_target_not_answering() {
	peer hole blackhole
	hole=$PPORT
	# If the queue did not fill (syncookies, say), the test says nothing.
	hub try-connect "$hole" "$SC_TMP/try"
	wait_for "$SC_TMP/try" . 15
	if [ "$(<"$SC_TMP/try")" = connected ]; then
		sc_skip "cannot make a port that never answers here"
		return
	fi
	peer be echo
	server fw -lk -w 1 127.0.0.1 0 --forward "127.0.0.1:$hole" \
	    --forward "127.0.0.1:$PPORT" || return
	echo late | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "failed over after the time-out" "late" "$(<"$SC_TMP/c.out")"
	assertTrue "-v says it timed out" \
	    "grep -q '127.0.0.1 $hole: Connection timed out' '$SC_TMP/fw.err'"
}

test_client_reset_is_passed_on() {
	peer be reset-backend "$SC_TMP/be.got"
	server fw -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" || return
	hub reset-client 127.0.0.1 "$PORT" "$SC_TMP/be.got.data"
	assertTrue "the backend saw the reset" \
	    "wait_for '$SC_TMP/be.got' '^reset$' 20"
	assertEquals "reset" "$(<"$SC_TMP/be.got")"
}

test_thousand_concurrent_clients() {
	peer be echo
	SERVER_TIMEOUT=120 server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$PPORT" || return
	hub many 127.0.0.1 "$PORT" 1000 "$SC_TMP/many.out"
	wait_for "$SC_TMP/many.out" . 90
	assertEquals "every client got its line back" 1000 "$(<"$SC_TMP/many.out")"
}

test_unix_listener_and_unix_target() {
	peer be echo
	server fw1 -U -lk "$SC_TMP/front.sock" --forward "127.0.0.1:$PPORT" || return
	server fw2 -lk 127.0.0.1 0 --forward "unix:$SC_TMP/front.sock" || return
	echo "two hops" | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "tcp -> unix -> tcp" "two hops" "$(<"$SC_TMP/c.out")"
	server fw3 -U -lk "$SC_TMP/back.sock" --forward "unix:$SC_TMP/front.sock" || return
	echo "unix both" | t 20 "$SC" -N -U "$SC_TMP/back.sock" >"$SC_TMP/c.out"
	assertEquals "unix -> unix" "unix both" "$(<"$SC_TMP/c.out")"
}

test_upstream_proxy() {
	peer be echo
	server px -lk 127.0.0.1 0 --proxy-type socks5 --proxy-auth u:p || return
	pp=$PORT
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$PPORT" \
	    -x "127.0.0.1:$pp" --proxy-auth u:p || return
	echo "via socks" | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "via socks" "$(<"$SC_TMP/c.out")"
	assertTrue "the proxy relayed it" \
	    "grep -q 'connected to 127.0.0.1 port $PPORT' '$SC_TMP/px.err'"
}

test_proxy_header_v1() {
	peer be proxy-backend "$SC_TMP/be.got"
	server fw -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" --send-proxy v1 || return
	echo payload | t 20 "$SC" -N -p 0 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "ok" "$(<"$SC_TMP/c.out")"
	cport=$(sed -n 's/^Connection received on .* \([0-9]*\)$/\1/p' "$SC_TMP/fw.err")
	assertEquals "v1 TCP4 127.0.0.1 127.0.0.1 $cport $PORT
payload" "$(<"$SC_TMP/be.got")"
}

test_proxy_header_v2() {
	peer be proxy-backend "$SC_TMP/be.got"
	server fw -l 127.0.0.1 0 --forward "127.0.0.1:$PPORT" --send-proxy v2 || return
	echo payload | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "ok" "$(<"$SC_TMP/c.out")"
	cport=$(sed -n 's/^Connection received on .* \([0-9]*\)$/\1/p' "$SC_TMP/fw.err")
	assertEquals "v2 TCP4 127.0.0.1 127.0.0.1 $cport $PORT
payload" "$(<"$SC_TMP/be.got")"
}

# An address pair that forwards each client sends the header too, as
# --forward does; a pair that forwards nothing refuses it.
test_proxy_header_pair() {
	peer be proxy-backend "$SC_TMP/be.got"
	server fw --send-proxy v1 tcp-l:127.0.0.1:0 "tcp:127.0.0.1:$PPORT" ||
	    return
	echo payload | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "ok" "$(<"$SC_TMP/c.out")"
	cport=$(sed -n 's/^Connection received on .* \([0-9]*\)$/\1/p' "$SC_TMP/fw.err")
	assertEquals "v1 TCP4 127.0.0.1 127.0.0.1 $cport $PORT
payload" "$(<"$SC_TMP/be.got")"
	expect_error "tcp-l:127.0.0.1:0 -: --send-proxy is for a stream listener whose clients are forwarded to a stream socket" \
	    --send-proxy v1 tcp-l:127.0.0.1:0 -
}

# The header of every kind of client: IPv6 (TCP6 in either version), an
# IPv4 client of an IPv6 socket (its mapped address written as IPv4),
# and a Unix-domain client, which has no address to give (UNKNOWN in
# version 1, the LOCAL command in version 2).
test_proxy_header_families() {
	for v in v1 v2; do
		peer be6$v proxy-backend "$SC_TMP/be6$v.got"
		server fw6$v -l ::1 0 --forward "127.0.0.1:$PPORT" --send-proxy $v ||
		    return
		echo payload | t 20 "$SC" -N ::1 "$PORT" >"$SC_TMP/c.out"
		assertEquals "$v IPv6: answer" "ok" "$(<"$SC_TMP/c.out")"
		cport=$(sed -n 's/^Connection received on .* \([0-9]*\)$/\1/p' \
		    "$SC_TMP/fw6$v.err")
		assertEquals "$v IPv6" "$v TCP6 ::1 ::1 $cport $PORT
payload" "$(<"$SC_TMP/be6$v.got")"

		peer bem$v proxy-backend "$SC_TMP/bem$v.got"
		server fwm$v -l ::ffff:127.0.0.1 0 --forward "127.0.0.1:$PPORT" \
		    --send-proxy $v || return
		echo payload | t 20 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
		assertEquals "$v mapped: answer" "ok" "$(<"$SC_TMP/c.out")"
		cport=$(sed -n 's/^Connection received on .* \([0-9]*\)$/\1/p' \
		    "$SC_TMP/fwm$v.err")
		assertEquals "$v mapped" "$v TCP4 127.0.0.1 127.0.0.1 $cport $PORT
payload" "$(<"$SC_TMP/bem$v.got")"

		peer beu$v proxy-backend "$SC_TMP/beu$v.got"
		server fwu$v -l -U "$SC_TMP/fw$v.sock" \
		    --forward "127.0.0.1:$PPORT" --send-proxy $v || return
		echo payload | t 20 "$SC" -N -U "$SC_TMP/fw$v.sock" \
		    >"$SC_TMP/c.out"
		assertEquals "$v Unix: answer" "ok" "$(<"$SC_TMP/c.out")"
		case $v in
		v1) want="v1 UNKNOWN" ;;
		v2) want="v2 LOCAL" ;;
		esac
		assertEquals "$v Unix" "$want
payload" "$(<"$SC_TMP/beu$v.got")"
	done
}

test_deny() {
	peer be echo
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$PPORT" --deny 127.0.0.1 || return
	echo denied | t 10 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c.out" 2>/dev/null
	assertEquals "a denied client gets nothing" "" "$(<"$SC_TMP/c.out")"
	assertTrue "-v says so" "wait_for '$SC_TMP/fw.err' 'refused|denied|not allowed' 10"
	assertFalse "and it is not forwarded" "grep -q forwarded '$SC_TMP/fw.err'"
}

test_max_conns_idle_stats_and_logs() {
	peer be echo
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$PPORT" --max-conns 1 \
	    --idle-timeout 2 --stats -o "$SC_TMP/raw" --hex-dump "$SC_TMP/hex" || return
	held_stdin cin 7
	bg_in "$SC_TMP/cin" sh -c "'$SC' 127.0.0.1 $PORT >'$SC_TMP/c1.out'"
	echo first >&7
	wait_for "$SC_TMP/c1.out" first 15 || fail "first client not served"
	echo second | t 10 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c2.out" 2>/dev/null
	assertEquals "over --max-conns: closed" "" "$(<"$SC_TMP/c2.out")"
	# The first, idle, is ended by --idle-timeout; --stats counts it.
	assertTrue "idle client ended, bytes counted" \
	    "wait_for '$SC_TMP/fw.err' '#1 .*: idle, 6 bytes up, 6 bytes down' 15"
	exec 7>&-
	assertTrue "hex dump labelled" \
	    "grep -q '^#1 127.0.0.1 [0-9]* < 00000000  66 69 72 73 74 0a' '$SC_TMP/hex'"
	assertTrue "hex dump both ways" \
	    "grep -q '^#1 127.0.0.1 [0-9]* > 00000000  66 69 72 73 74 0a' '$SC_TMP/hex'"
	assertEquals "raw log" "first
first" "$(<"$SC_TMP/raw")"
}

# --delay paces each way of a forwarded connection: its second line goes
# up 300 ms after its first at least; --timestamp stamps the labelled
# lines of --hex-dump, each from its connection's start.
test_paced_and_stamped_log() {
	peer be echo
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$PPORT" --delay 300ms \
	    --timestamp=relative --hex-dump "$SC_TMP/hex" || return
	held_stdin cin 7
	bg_in "$SC_TMP/cin" sh -c "'$SC' 127.0.0.1 $PORT >'$SC_TMP/c.out'"
	echo one >&7
	wait_for "$SC_TMP/c.out" one 15 || fail "one not echoed"
	echo two >&7
	wait_for "$SC_TMP/c.out" two 15 || fail "two not echoed"
	exec 7>&-
	assertTrue "stamped and labelled: $(<"$SC_TMP/hex")" \
	    "grep -Eq '^[0-9]+\.[0-9]{3} #1 127\.0\.0\.1 [0-9]+ < 00000000  6f 6e 65 0a ' '$SC_TMP/hex'"
	two=$(awk '$5 == "<" && $6 == "00000004" { print $1 }' "$SC_TMP/hex")
	assertTrue "two went up 300 ms after one at least: $two" \
	    "awk -v s='$two' 'BEGIN { exit !(s >= 0.299) }'"
}

test_bad_command_lines() {
	expect_error "must use -l with --forward" --forward 127.0.0.1:1 host 1
	expect_error "--forward nowhere: missing port number" -l 1 --forward nowhere
	expect_error "--forward ::1:80: an IPv6 address needs brackets: [addr]:port" \
	    -l 1 --forward ::1:80
	expect_error "must use --forward with --round-robin" -l 1 --round-robin
	# An address pair's forwarder has one target: not "use --forward",
	# which a pair refuses.
	expect_error "--round-robin takes --forward's targets in turn: an address pair forwards to its one address" \
	    --round-robin tcp-l:127.0.0.1:0 tcp:127.0.0.1:1
	# Not "must use -l", which the pair then refused as what its
	# address says.
	printf '127.0.0.1:9\n' >"$SC_TMP/targets"
	for opt in "--forward 127.0.0.1:9" "--forward-file $SC_TMP/targets" \
	    "-l --forward 127.0.0.1:9"; do
		# shellcheck disable=SC2086
		expect_error "--forward and --forward-file name the targets of a listener (-l): an address pair forwards to its one address" \
		    $opt tcp-l:127.0.0.1:0 tcp:127.0.0.1:1
	done
	# Nor "must use --forward" where the pair has no listener.
	expect_error "--send-proxy is for a stream listener whose clients are forwarded to a stream socket: this pair has no listening address" \
	    --send-proxy v1 tcp:127.0.0.1:1 tcp:127.0.0.1:2
	expect_error "send-proxy invalid: v3 (v1 or v2)" -l 1 --forward h:1 --send-proxy v3
	expect_error "--forward is a mode of its own: it takes no -e" \
	    -l 1 --forward h:1 -e /bin/cat
	expect_error "cannot use --send-proxy or --forward-ssl with -u" \
	    -u -l 1 --forward h:1 --send-proxy v1
}

# A target's port is checked at start-up like any other: 70000 once went
# to port 4464, and 0 or a range failed only for each client.
test_target_ports_checked_at_start() {
	expect_error "--forward 127.0.0.1:70000: port number too large: 70000" \
	    -l 1 --forward 127.0.0.1:70000
	expect_error "--forward h:0: port number too small: 0" \
	    -l 1 --forward h:0
	expect_error "--forward h:1-5: a target has one port, not a range" \
	    -l 1 --forward h:1-5
	expect_error "--forward h:no-such-service: port number invalid: no-such-service" \
	    -l 1 --forward h:1 --forward h:no-such-service
	expect_error "--forward [::1]:+80: port number invalid: +80" \
	    -l 1 --forward [::1]:+80
	expect_error "--forward h:99999: port number too large: 99999" \
	    -u -l 1 --forward h:99999
}

# An address of the other family than -4 or -6 asks for cannot be
# reached: refused at start-up, not for every client.
test_target_family_checked_at_start() {
	expect_error "--forward 127.0.0.1:80: an IPv4 address, with -6" \
	    -6 -l 1 --forward 127.0.0.1:80
	expect_error "--forward [::1]:80: an IPv6 address, with -4" \
	    -4 -l 1 --forward [::1]:80
	expect_error "--forward 192.0.2.1:80: an IPv4 address, with -6" \
	    -6 -u -l 1 --forward [::1]:80 --forward 192.0.2.1:80
}

# -C and -t would change the bytes of a forwarder that relays them as they
# are; they were silently ignored.  What is stdin's or a client's dial's
# is refused for that reason.
test_crlf_and_telnet_refused() {
	expect_error "--forward relays bytes unchanged, each way to its end: it takes no -C" \
	    -l 1 --forward h:1 -C
	expect_error "--forward relays bytes unchanged, each way to its end: it takes no -t" \
	    -l 1 --forward h:1 -t
	expect_error "--forward reads no stdin and writes no stdout: it takes no -q or -N" \
	    -l 1 --forward h:1 -q 1 -N
	expect_error "--forward tries each target once, in order or in turn: it takes no --retry" \
	    -l 1 --forward h:1 --retry 3
	expect_error "--forward is a mode of its own: it takes no --pty" \
	    -l 1 --forward h:1 --pty
}

# The port a number names is the one connected to, written in decimal.
test_target_port_in_decimal() {
	peer be echo
	server fw -l --forward "127.0.0.1:0$PPORT" 127.0.0.1 0 ||
	    fail "no forwarder"
	printf 'ping\n' | t 10 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/out"
	assertEquals "relayed" "ping" "$(<"$SC_TMP/out")"
}

sc_run_shunit2
