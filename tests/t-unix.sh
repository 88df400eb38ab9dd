#!/bin/bash
# Unix-domain sockets: stream and datagram, connect and listen, abstract
# names, the socket files a listener or a datagram client creates and
# leaves as nc does (an address's removed, as socat's), stale and live
# sockets, the error messages, and talking to
# independent (Python) Unix-domain servers.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

tearDown() {
	exec 7>&-
	sc_remove_tmp
	endSkipping
}

# A stream listener is ready once it says "Listening on".
unix_server() {
	_n=$1
	server "$@" || return 1
	wait_for "$SC_TMP/$_n.err" '^Listening on '
}

# A socket file nobody listens on, as a crashed server leaves.
stale_socket() {
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_${2:-STREAM})
s.bind(sys.argv[1])" "$1"
}

test_stream_client_to_listener() {
	sock=$SC_TMP/s.sock
	unix_server srv -l -U "$sock" || fail "no server"
	echo hello | t 5 "$SC" --unixsock -N "$sock" >"$SC_TMP/c.out"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "hello"
	assertEquals "$(printf 'Bound on %s\nListening on %s\nConnection received on %s' \
	    "$sock" "$sock" "$sock")" "$(<"$SC_TMP/srv.err")"
	assertTrue "socket file left at exit, as nc leaves it" "[ -S '$sock' ]"
}

# -l -U -s PATH listens on PATH (a stream or datagram socket), as
# nc.openbsd's does: -s names the socket of a listener given no operand.
test_listener_path_given_by_s() {
	sock=$SC_TMP/s.sock
	unix_server srv -l -U -s "$sock" || fail "no server"
	echo hello | t 5 "$SC" -N -U "$sock"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "hello"
	assertContains "$(<"$SC_TMP/srv.err")" "Listening on $sock"
	# A datagram listener's too.
	server dg -u -l -U -s "$SC_TMP/d.sock" || fail "no datagram server"
	assertEquals "Bound on $SC_TMP/d.sock" "$(<"$SC_TMP/dg.err")"
	stop "$SERVER_PID"
}

test_stream_listener_to_client() {
	sock=$SC_TMP/s.sock
	printf 'from server\n' >"$SC_TMP/srv.in"
	unix_server srv -N -l -U "$sock" || fail "no server"
	t 5 "$SC" -d -U "$sock" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "from server"
	assertEquals "a client says nothing with -v" "" "$(<"$SC_TMP/c.err")"
}

test_keep_serves_clients_in_turn() {
	sock=$SC_TMP/s.sock
	unix_server srv -k -l -U "$sock" || fail "no server"
	for i in 1 2 3; do
		echo "client $i" | t 5 "$SC" -N -U "$sock"
		assertEquals "client $i" 0 $?
		wait_for "$SC_TMP/srv.out" "^client $i\$"
	done
	assertEquals "$(printf 'client 1\nclient 2\nclient 3')" \
	    "$(<"$SC_TMP/srv.out")"
	assertTrue "still listening" "kill -0 $SERVER_PID"
}

# Ended by a signal, -U's listener leaves its socket file as nc's does; an
# address's (unix-l:) goes, as socat's does.
test_socket_file_on_signal() {
	sock=$SC_TMP/s.sock
	unix_server srv -k -l -U "$sock" || fail "no server"
	assertTrue "[ -S '$sock' ]"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	assertTrue "-U's left on SIGTERM" "[ -S '$sock' ]"
	rm "$sock"
	unix_server srv "unix-l:$sock" - || fail "no server"
	assertTrue "[ -S '$sock' ]"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	assertFalse "unix-l:'s removed on SIGTERM" "[ -e '$sock' ]"
}

test_refuses_to_replace_a_file() {
	echo precious >"$SC_TMP/file"
	t 5 "$SC" -l -U "$SC_TMP/file" </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/file: not a socket, will not replace it" \
	    "$(<"$SC_TMP/err")"
	assertFileEquals "$SC_TMP/file" "precious"
}

test_replaces_a_stale_socket() {
	sock=$SC_TMP/s.sock
	stale_socket "$sock"
	assertTrue "[ -S '$sock' ]"
	unix_server srv -l -U "$sock" || fail "stale socket not replaced"
	echo fresh | t 5 "$SC" -N -U "$sock"
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "fresh"
}

# Issue 52: the rule of every file sockcat makes.  At exit an address's
# socket file is removed only if it is still the one bound, not one put
# there since; a stale socket of another user (in a directory like /tmp)
# is not replaced.
test_socket_file_trust() {
	sock=$SC_TMP/s.sock
	unix_server srv "unix-l:$sock" - || fail "no server"
	rm "$sock"
	stale_socket "$sock"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	assertTrue "the socket put there since kept" "[ -S '$sock' ]"
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	sticky_dir d
	as_nobody /usr/bin/python3 -c "
import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$SC_TMP/d/s" ||
	    fail "nobody made no socket"
	t 5 "$SC" -l -U "$SC_TMP/d/s" </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "said" \
	    "sockcat: $SC_TMP/d/s: a socket of another user, will not replace it" \
	    "$(<"$SC_TMP/err")"
	assertEquals "nobody's socket kept" "socket nobody" \
	    "$(stat -c '%F %U' "$SC_TMP/d/s")"
}

test_live_socket_in_use() {
	sock=$SC_TMP/s.sock
	unix_server srv -l -U "$sock" || fail "no server"
	t 5 "$SC" -l -U "$sock" </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: Address already in use ($sock)" "$(<"$SC_TMP/err")"
	# The first listener saw nothing and still serves.
	echo still | t 5 "$SC" -N -U "$sock"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "still"
	assertEquals 1 "$(grep -c '^Connection received' "$SC_TMP/srv.err")"
}

test_path_too_long() {
	long=$SC_TMP/$(printf 'a%.0s' $(seq 120))
	t 5 "$SC" -U "$long" </dev/null 2>"$SC_TMP/err"
	assertEquals "connect" 1 $?
	assertEquals "sockcat: $long: File name too long" "$(<"$SC_TMP/err")"
	t 5 "$SC" -l -U "$long" </dev/null 2>"$SC_TMP/err"
	assertEquals "listen" 1 $?
	assertEquals "sockcat: File name too long ($long)" "$(<"$SC_TMP/err")"
	# An abstract name, and a datagram client's own socket under a
	# TMPDIR so long that its name cannot fit, or that is not there:
	# said after the path it was for, as nc says each failure.
	abs=@$(printf 'a%.0s' $(seq 120))
	expect_error "$abs: File name too long" -U "$abs"
	tmp=$SC_TMP/$(printf 't%.0s' $(seq 90))
	mkdir "$tmp"
	for c in "$tmp|File name too long \\($tmp/sockcat\\.[A-Za-z0-9]{6}/recv\\.sock\\)" \
	    "$SC_TMP/none|$SC_TMP/none/sockcat\\.[A-Za-z0-9]{6}: No such file or directory"; do
		TMPDIR=${c%%|*} t 5 "$SC" -u -U "$SC_TMP/d.sock" </dev/null \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "TMPDIR ${c%%|*}: status" 1 $?
		assertEquals "TMPDIR ${c%%|*}: stdout" "" "$(<"$SC_TMP/out")"
		assertTrue "TMPDIR ${c%%|*}: $(<"$SC_TMP/err")" \
		    "grep -Exq 'sockcat: $SC_TMP/d.sock: ${c#*|}' '$SC_TMP/err'"
	done
	assertEquals "nothing left" "" "$(ls "$tmp")"
}

# What a Unix-domain socket cannot do is refused in one line: nc's -F (as
# nc.openbsd refuses it) and the servers of TCP clients (as ncat refuses
# its broker and proxy over -U); -n, no lookup, is kept.  (nc's options
# for IP sockets it takes, and sets on none: t-sockopt.sh.)
test_what_a_unix_socket_cannot_do() {
	expect_error "cannot use -F and -U" -U -F "$SC_TMP/s"
	t 5 "${NC_OPENBSD:-/bin/nc.openbsd}" -U -F "$SC_TMP/s" </dev/null \
	    2>"$SC_TMP/nc.err"
	assertEquals "nc.openbsd's status" 1 $?
	assertEquals "nc.openbsd's words" "sockcat: cannot use -F and -U" \
	    "$(sed 's/^nc\.openbsd:/sockcat:/' "$SC_TMP/nc.err")"
	for o in --room --broker "-l --proxy-type socks5"; do
		# shellcheck disable=SC2086
		expect_error "--room, --broker and the proxy server serve TCP clients: cannot use them with -U" \
		    -U $o "$SC_TMP/s"
	done
	assertFalse "no socket made" "[ -e '$SC_TMP/s' ]"
	server srv -U -l -n "$SC_TMP/n.sock" || fail "no listener"
	echo over | t 5 "$SC" -U -N -n "$SC_TMP/n.sock"
	assertEquals "-n: the client's status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "-n: the server's status" 0 "$WAIT_STATUS"
	assertEquals "-n: delivered" "over" "$(<"$SC_TMP/srv.out")"
}

test_connect_refused_and_missing() {
	stale_socket "$SC_TMP/stale"
	t 5 "$SC" -U "$SC_TMP/stale" </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/stale: Connection refused" \
	    "$(<"$SC_TMP/err")"
	t 5 "$SC" -U "$SC_TMP/none" </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $SC_TMP/none: No such file or directory" \
	    "$(<"$SC_TMP/err")"
}

# A path's failure is said in nc's words whatever the way to it: with -v
# (whose per-address lines name no path), over TLS, in an address pair.
test_connect_failure_named_every_way() {
	_want="sockcat: $SC_TMP/none: No such file or directory"
	_ways='-v -U
-u -U'
	if "$SC" --version | grep -q '^TLS: yes'; then
		_ways="$_ways
-U --ssl
-v -U --ssl"
	fi
	while read -r _args; do
		# shellcheck disable=SC2086 # the options, split
		t 5 "$SC" $_args "$SC_TMP/none" </dev/null 2>"$SC_TMP/err"
		assertEquals "$_args: status" 1 $?
		assertEquals "$_args" "$_want" "$(<"$SC_TMP/err")"
	done <<EOF
$_ways
EOF
	t 5 "$SC" -v "unix-connect:$SC_TMP/none" tcp:127.0.0.1:1 \
	    </dev/null 2>"$SC_TMP/err"
	assertEquals "pair: status" 1 $?
	assertEquals "pair" "$_want" "$(<"$SC_TMP/err")"
	# -s's socket stays, the connect failed or not, as nc leaves it.
	t 5 "$SC" -u -s "$SC_TMP/me.sock" -U "$SC_TMP/none" </dev/null \
	    2>"$SC_TMP/err"
	assertEquals "-s: status" 1 $?
	assertEquals "-s" "$_want" "$(<"$SC_TMP/err")"
	assertTrue "-s socket left" "[ -S '$SC_TMP/me.sock' ]"
}

test_permission_denied() {
	mkdir "$SC_TMP/ro"
	chmod 555 "$SC_TMP/ro"
	run=""
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null || { sc_skip "no setpriv"; return; }
		run="setpriv --reuid=nobody --regid=nogroup --clear-groups"
		chmod 755 "$SC_TMP"
	fi
	$run timeout 5 "$SC" -l -U "$SC_TMP/ro/s.sock" </dev/null \
	    2>"$SC_TMP/err"
	assertEquals 1 $?
	# Built to count coverage (configure --enable-coverage), a process
	# run as nobody cannot write the counts, and gcc's runtime says so
	# on stderr in lines of its own, which are not sockcat's.
	assertEquals "sockcat: Permission denied ($SC_TMP/ro/s.sock)" \
	    "$(sed '/^profiling:/d' "$SC_TMP/err")"
	sock=$SC_TMP/s.sock
	unix_server srv -l -U "$sock" || fail "no server"
	# Connecting needs write permission on the socket file.
	chmod 600 "$sock"
	[ -z "$run" ] && chmod 000 "$sock"
	$run timeout 5 "$SC" -U "$sock" </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: $sock: Permission denied" \
	    "$(sed '/^profiling:/d' "$SC_TMP/err")"
}

test_dgram_both_ways() {
	sock=$SC_TMP/d.sock
	printf 'reply\n' >"$SC_TMP/srv.in"
	server srv -u -l -U "$sock" || fail "no server"
	assertEquals "Bound on $sock" "$(<"$SC_TMP/srv.err")"
	held_stdin c.in 7
	echo ping >&7
	bg_in "$SC_TMP/c.in" timeout 5 "$SC" -u -U "$sock" >"$SC_TMP/c.out"
	assertTrue "reply reached the client" \
	    "wait_for '$SC_TMP/c.out' '^reply$'"
	assertFileEquals "$SC_TMP/srv.out" "ping"
	assertEquals "$(printf 'Bound on %s\nConnection received on %s' \
	    "$sock" "$sock")" "$(<"$SC_TMP/srv.err")"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	assertTrue "datagram socket file left, as nc leaves it" "[ -S '$sock' ]"
}

test_dgram_client_private_socket() {
	sock=$SC_TMP/d.sock
	mkdir "$SC_TMP/tmp"
	server srv -u -l -U "$sock" || fail "no server"
	echo one | TMPDIR=$SC_TMP/tmp t 5 "$SC" -v -q 0 -u -U "$sock" \
	    2>"$SC_TMP/c.err"
	assertEquals 0 $?
	assertTrue "grep -Eq '^Bound on $SC_TMP/tmp/sockcat\.[A-Za-z0-9]{6}/recv\.sock\$' '$SC_TMP/c.err'"
	assertEquals "removed at exit" "" "$(ls "$SC_TMP/tmp")"
	assertTrue "wait_for '$SC_TMP/srv.out' '^one$'"
}

# A datagram client that dials again (--retry) binds a socket each time,
# all in its one private directory, which goes at exit with them.
test_dgram_client_retries_leave_nothing() {
	mkdir "$SC_TMP/tmp"
	TMPDIR=$SC_TMP/tmp t 20 "$SC" -v -u -U "$SC_TMP/none" --retry 3 \
	    --retry-interval 100ms </dev/null 2>"$SC_TMP/c.err"
	assertEquals "status" 1 $?
	assertEquals "a socket each try: $(<"$SC_TMP/c.err")" 4 \
	    "$(grep -Ec "^Bound on $SC_TMP/tmp/sockcat\.[A-Za-z0-9]{6}/recv(\.[0-9]+)?\.sock\$" \
	    "$SC_TMP/c.err")"
	assertEquals "in one directory" 1 "$(sed -n 's|^Bound on \(.*\)/recv.*|\1|p' \
	    "$SC_TMP/c.err" | sort -u | wc -l)"
	assertEquals "removed at exit" "" "$(ls "$SC_TMP/tmp")"
}

test_dgram_client_removes_socket_on_signals() {
	sock=$SC_TMP/d.sock
	mkdir "$SC_TMP/tmp"
	server srv -k -u -l -U "$sock" || fail "no server"
	held_stdin c.in 7
	for sig in TERM INT; do
		: >"$SC_TMP/c.err"
		TMPDIR=$SC_TMP/tmp bg_in "$SC_TMP/c.in" timeout 5 "$SC" -v \
		    -u -U "$sock" 2>"$SC_TMP/c.err"
		wait_for "$SC_TMP/c.err" '^Bound on '
		assertNotEquals "$sig: created" "" "$(ls "$SC_TMP/tmp")"
		stop -"$sig" "$BG_PID"
		wait_exit "$BG_PID"
		assertEquals "$sig: removed" "" "$(ls "$SC_TMP/tmp")"
	done
}

test_dgram_source_path() {
	sock=$SC_TMP/d.sock
	printf 'back\n' >"$SC_TMP/srv.in"
	server srv -u -l -U "$sock" || fail "no server"
	held_stdin c.in 7
	echo out >&7
	bg_in "$SC_TMP/c.in" timeout 5 "$SC" -v -u -s "$SC_TMP/me.sock" \
	    -U "$sock" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertTrue "wait_for '$SC_TMP/c.out' '^back$'"
	assertEquals "Bound on $SC_TMP/me.sock" "$(<"$SC_TMP/c.err")"
	assertTrue "[ -S '$SC_TMP/me.sock' ]"
	stop "$BG_PID"
	wait_exit "$BG_PID"
	assertTrue "-s socket left, as nc leaves it" "[ -S '$SC_TMP/me.sock' ]"
}

test_dgram_unnamed_sender() {
	sock=$SC_TMP/d.sock
	server srv -u -l -U "$sock" || fail "no server"
	t 5 $UDPPEER --unix "$sock" send anonymous
	assertTrue "wait_for '$SC_TMP/srv.out' '^anonymous$'"
	assertTrue "an unnamed sender is not fatal" "kill -0 $SERVER_PID"
	echo named | t 5 "$SC" -q 0 -u -U "$sock"
	assertTrue "then a named peer" "wait_for '$SC_TMP/srv.out' '^named$'"
}

test_dgram_locks_onto_first_peer() {
	sock=$SC_TMP/d.sock
	server srv -u -l -U "$sock" || fail "no server"
	held_stdin c.in 7
	echo first >&7
	bg_in "$SC_TMP/c.in" timeout 5 "$SC" -u -U "$sock"
	wait_for "$SC_TMP/srv.out" '^first$'
	echo second | t 5 "$SC" -q 0 -u -U "$sock" 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "sockcat: $sock: Operation not permitted" \
	    "$(<"$SC_TMP/c.err")"
	echo third >&7
	assertTrue "wait_for '$SC_TMP/srv.out' '^third$'"
	assertEquals "$(printf 'first\nthird')" "$(<"$SC_TMP/srv.out")"
}

test_dgram_keep_two_peers() {
	sock=$SC_TMP/d.sock
	server srv -k -u -l -U "$sock" || fail "no server"
	for i in 1 2; do
		echo "peer $i" | t 5 "$SC" -q 0 -u -U "$sock"
		assertEquals 0 $?
	done
	assertTrue "wait_for '$SC_TMP/srv.out' '^peer 2$'"
	assertEquals "$(printf 'peer 1\npeer 2')" "$(<"$SC_TMP/srv.out")"
}

test_abstract_names() {
	name=@sockcat-test-$$-$RANDOM
	unix_server srv -l -U "$name" || fail "no server"
	assertEquals "Bound on $name" "$(head -n 1 "$SC_TMP/srv.err")"
	echo abstract | t 5 "$SC" -N -U "$name"
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/srv.out" "abstract"
	assertFalse "no file created" "[ -e '$SC_TMP/$name' ] || [ -e '$name' ]"

	server dsrv -u -l -U "$name-d" || fail "no datagram server"
	echo dgram | t 5 "$SC" -q 0 -u -U "$name-d"
	assertTrue "wait_for '$SC_TMP/dsrv.out' '^dgram$'"
}

test_python_stream_server() {
	sock=$SC_TMP/py.sock
	timeout 10 python3 - "$sock" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
s.settimeout(8)
c, _ = s.accept()
data = b""
while True:
    d = c.recv(4096)
    if not d:
        break
    data += d
c.sendall(data.upper())
c.close()
EOF
	SC_PIDS="$SC_PIDS $!"
	wait_until unix_listening "$sock"
	printf 'shout\n' | t 5 "$SC" -N -U "$sock" >"$SC_TMP/c.out"
	assertEquals 0 $?
	assertFileEquals "$SC_TMP/c.out" "SHOUT"
}

test_python_dgram_server() {
	sock=$SC_TMP/py.sock
	timeout 10 python3 - "$sock" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(8)
data, peer = s.recvfrom(70000)
s.sendto(data.upper(), peer)
EOF
	SC_PIDS="$SC_PIDS $!"
	wait_until test -S "$sock"
	held_stdin c.in 7
	echo whisper >&7
	bg_in "$SC_TMP/c.in" timeout 5 "$SC" -u -U "$sock" >"$SC_TMP/c.out"
	assertTrue "the reply reached our private socket" \
	    "wait_for '$SC_TMP/c.out' '^WHISPER$'"
}

test_scan() {
	sock=$SC_TMP/s.sock
	unix_server srv -k -l -U "$sock" || fail "no server"
	t 5 "$SC" -z -U "$sock" 2>"$SC_TMP/err"
	assertEquals "listening" 0 $?
	assertEquals "" "$(<"$SC_TMP/err")"
	t 5 "$SC" -z -U "$SC_TMP/none" 2>"$SC_TMP/err"
	assertEquals "missing" 1 $?
	assertEquals "sockcat: $SC_TMP/none: No such file or directory" \
	    "$(<"$SC_TMP/err")"
}

# A listener whose backlog is full (one connection queued, none accepted):
# a client waits for room, as netcat's blocking connect does, and gets in
# once the listener accepts; with -w it gives up at the deadline.
test_full_backlog_waited_out() {
	sock=$SC_TMP/full.sock
	timeout 20 python3 - "$sock" "$SC_TMP/full.ready" "$SC_TMP/full.go" \
	    >"$SC_TMP/full.out" <<'EOF' &
import os, socket, sys, time
path, ready, go = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(0)
filler = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
filler.connect(path)
open(ready, "w").write("ready\n")
while not os.path.exists(go):
    time.sleep(0.01)
s.settimeout(10)
filler.close()
for c in (s.accept()[0], s.accept()[0]):
    c.settimeout(10)
    data = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        data += d
    if data:
        print(data.decode().strip(), flush=True)
    c.close()
EOF
	SC_PIDS="$SC_PIDS $!"
	wait_for "$SC_TMP/full.ready" '^ready$' || fail "no listener"
	t 10 "$SC" -w 1 -U "$sock" </dev/null 2>"$SC_TMP/w.err"
	assertEquals "-w: gave up" 1 $?
	assertEquals "-w: said why" "sockcat: $sock: Connection timed out" \
	    "$(<"$SC_TMP/w.err")"
	printf 'waited\n' >"$SC_TMP/w.in"
	bg_in "$SC_TMP/w.in" t 20 "$SC" -N -U "$sock"
	client=$BG_PID
	touch "$SC_TMP/full.go"
	wait_exit "$client" 15
	assertEquals "client status" 0 "$WAIT_STATUS"
	wait_for "$SC_TMP/full.out" '^waited$' ||
	    fail "not delivered: $(<"$SC_TMP/full.out")"
}

sc_run_shunit2
