#!/bin/bash
# Socket activation: listeners serve the socket a supervisor passed them
# the systemd way (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES) instead of
# binding their own: -lk -e, --broker, a UDP listener and a Unix-domain
# one, under Debian's systemd-socket-activate where it is installed, else
# under tests/activate.py, which does the same at once.  Sockets meant for
# another process are ignored, the variables are not passed on, a socket
# of the wrong kind is refused, and --listen-fd names one explicitly.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
: "${TESTS_DIR:=$(dirname "$0")}"
ACTIVATE="python3 $TESTS_DIR/activate.py"

# Debian's launcher, or the helper in its place (said once).
if command -v systemd-socket-activate >/dev/null 2>&1; then
	SSA=systemd-socket-activate
else
	SSA=""
	echo "systemd-socket-activate not installed: tests/activate.py instead"
fi

# launch NAME [-d] [-U PATH] -- sockcat args...: sockcat under the
# launcher, its stdout and stderr in NAME.out and NAME.err, its stdin
# SERVER_STDIN or /dev/null; APORT is the passed socket's port (or path),
# LPID the launcher's process, which becomes sockcat.
launch() {
	local name=$1 dgram="" path="" addr

	shift
	while [ "$1" != -- ]; do
		case $1 in
		-d) dgram=-d ;;
		-U) path=$2; shift ;;
		esac
		shift
	done
	shift
	: >"$SC_TMP/$name.err"
	if [ -n "$SSA" ]; then
		if [ -n "$path" ]; then
			addr=$path
			APORT=$path
		else
			APORT=$(free_port) || fail "no free port"
			addr=127.0.0.1:$APORT
		fi
		timeout -k 2 60 "$SSA" $dgram -l "$addr" "$SC" "$@" \
		    <"${SERVER_STDIN:-/dev/null}" >"$SC_TMP/$name.out" \
		    2>"$SC_TMP/$name.err" &
		LPID=$!
		SC_PIDS="$SC_PIDS $LPID"
		wait_for "$SC_TMP/$name.err" "^Listening on .* as 3\\.$" ||
		    fail "$SSA did not start"
	else
		timeout -k 2 60 $ACTIVATE $dgram ${path:+-U} "$SC_TMP/$name.port" \
		    "${path:-127.0.0.1}" "$SC" "$@" <"${SERVER_STDIN:-/dev/null}" \
		    >"$SC_TMP/$name.out" 2>"$SC_TMP/$name.err" &
		LPID=$!
		SC_PIDS="$SC_PIDS $LPID"
		wait_for "$SC_TMP/$name.port" '.' || fail "activate.py did not start"
		APORT=$(<"$SC_TMP/$name.port")
	fi
}

# echo_through PORT LINE: LINE sent to an echo service comes back.
echo_through() {
	assertEquals "echo of $2" "$2" \
	    "$(printf '%s\n' "$2" | t 10 "$SC" -N 127.0.0.1 "$1")"
}

test_lk_exec_serves_the_passed_socket() {
	launch srv -- -v -n -lk -e /bin/cat
	echo_through "$APORT" one
	echo_through "$APORT" two
	assertTrue "said so" "grep -qx 'sockcat: Serving passed socket 3' \
	    '$SC_TMP/srv.err'"
	assertTrue "its address" "grep -qx 'Listening on 127.0.0.1 $APORT' \
	    '$SC_TMP/srv.err'"
	assertTrue "still serving" "still_running $LPID 0.2"
}

test_children_do_not_inherit_the_variables() {
	launch srv -- -n -lk -e /usr/bin/env
	t 10 "$SC" -d 127.0.0.1 "$APORT" >"$SC_TMP/env"
	assertTrue "the program ran" "grep -q '^PATH=' '$SC_TMP/env'"
	assertFalse "no LISTEN_*" "grep -q '^LISTEN_' '$SC_TMP/env'"
}

test_broker_serves_the_passed_socket() {
	launch srv -- -v -n --broker
	held_stdin b.in 7
	bg_in "$SC_TMP/b.in" t 20 "$SC" 127.0.0.1 "$APORT" >"$SC_TMP/b.out"
	wait_for "$SC_TMP/srv.err" '^Connection received' ||
	    fail "no first client"
	printf 'to everyone\n' | t 10 "$SC" -N 127.0.0.1 "$APORT"
	assertTrue "relayed" "wait_for '$SC_TMP/b.out' '^to everyone$'"
	exec 7>&-
}

test_udp_listener_serves_the_passed_socket() {
	launch srv -d -- -v -n -u -l
	t 10 $UDPPEER "$APORT" send ping >/dev/null 2>&1
	assertTrue "received" "wait_for '$SC_TMP/srv.out' '^ping$'"
	assertTrue "bound on it" "grep -qx 'Bound on 127.0.0.1 $APORT' \
	    '$SC_TMP/srv.err'"
}

test_unix_listener_serves_the_passed_socket() {
	launch srv -U "$SC_TMP/sock" -- -v -U -lk -e /bin/cat
	assertEquals "echo" "over unix" \
	    "$(printf 'over unix\n' | t 10 "$SC" -N -U "$SC_TMP/sock")"
	assertTrue "its path" "grep -qx 'Listening on $SC_TMP/sock' \
	    '$SC_TMP/srv.err'"
}

test_sockets_for_another_process_are_ignored() {
	timeout -k 2 30 $ACTIVATE --pid 1 "$SC_TMP/p" 127.0.0.1 \
	    "$SC" -v -n -l 127.0.0.1 0 >/dev/null 2>"$SC_TMP/srv.err" &
	LPID=$!
	SC_PIDS="$SC_PIDS $LPID"
	wait_for "$SC_TMP/srv.err" '^Listening on' || fail "no listener"
	assertFalse "not served" "grep -q 'passed' '$SC_TMP/srv.err'"
	assertFalse "its own port" "grep -qx 'Listening on 127.0.0.1 \
	    $(<"$SC_TMP/p")' '$SC_TMP/srv.err'"
}

# A client dials as ever: a socket passed to it is not its to serve,
# nor one of the wrong kind its to refuse.
test_a_client_ignores_a_passed_socket() {
	server srv -lk -e /bin/cat 127.0.0.1 0 || fail "no server"
	for kind in "" -d; do
		printf 'hello\n' | t 10 $ACTIVATE $kind "$SC_TMP/p$kind" \
		    127.0.0.1 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/out" \
		    2>"$SC_TMP/err"
		_st=$?
		assertEquals "$kind status: $(<"$SC_TMP/err")" 0 "$_st"
		assertEquals "$kind echoed" hello "$(<"$SC_TMP/out")"
		assertEquals "$kind nothing said" "" "$(<"$SC_TMP/err")"
	done
}

test_wrong_kind_of_socket_is_refused() {
	$ACTIVATE "$SC_TMP/p" 127.0.0.1 "$SC" -u -l </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "message" \
	    "sockcat: passed socket 3 is a stream socket: without -u" \
	    "$(<"$SC_TMP/err")"
	$ACTIVATE -d "$SC_TMP/p" 127.0.0.1 "$SC" -lk -e /bin/cat </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "message" \
	    "sockcat: passed socket 3 is a datagram socket: use -u" \
	    "$(<"$SC_TMP/err")"
	$ACTIVATE -U "$SC_TMP/p" "$SC_TMP/s" "$SC" -l </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "message" \
	    "sockcat: passed socket 3 is a Unix-domain socket: use -U" \
	    "$(<"$SC_TMP/err")"
	# Another family than -4, -6 or -U asks for; a socket that does
	# not listen.
	while IFS='|' read -r how addr opt want; do
		$ACTIVATE $how "$SC_TMP/p" "$addr" "$SC" $opt -l </dev/null \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "$addr $opt: status" 1 $?
		assertEquals "$addr $opt" "sockcat: passed socket 3 $want" \
		    "$(<"$SC_TMP/err")"
	done <<-EOF
	|127.0.0.1|-6|is an IPv4 socket, not an IPv6 one (-6)
	|127.0.0.1|-U|is an IPv4 socket, not a Unix-domain one (-U)
	|::1|-4|is an IPv6 socket, not an IPv4 one (-4)
	--unlistened|127.0.0.1||is not listening
	EOF
}

# A passed IPv6 socket serves, and -v names its address.
test_ipv6_socket_serves() {
	bg t 30 $ACTIVATE "$SC_TMP/p" ::1 "$SC" -v -l -N </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	wait_for "$SC_TMP/err" '^Listening on ::1 [0-9]+$' ||
	    fail "not serving: $(<"$SC_TMP/err")"
	echo "over v6" | t 10 "$SC" -N ::1 "$(<"$SC_TMP/p")"
	wait_for "$SC_TMP/out" '^over v6$' || fail "nothing came"
}

test_listen_fd_names_the_socket() {
	timeout -k 2 30 $ACTIVATE --no-env "$SC_TMP/p" 127.0.0.1 \
	    "$SC" -v -n -lk --listen-fd 3 -e /bin/cat >/dev/null \
	    2>"$SC_TMP/srv.err" &
	LPID=$!
	SC_PIDS="$SC_PIDS $LPID"
	wait_for "$SC_TMP/srv.err" '^Listening on' || fail "no listener"
	echo_through "$(<"$SC_TMP/p")" "by number"
	assertTrue "said so" "grep -qx 'sockcat: Serving passed socket 3' \
	    '$SC_TMP/srv.err'"
	expect_error "must use -l with --listen-fd" --listen-fd 3 host 1
	expect_error "passed descriptor 0: not a socket" -l --listen-fd 0
	expect_error "passed descriptor 0: not a socket" -lk --listen-fd 0 \
	    -e /bin/cat
	expect_error "passed descriptor 999: Bad file descriptor" \
	    -l --listen-fd 999
}

test_fdnames_is_said() {
	timeout -k 2 30 $ACTIVATE --name web "$SC_TMP/p" 127.0.0.1 \
	    "$SC" -v -n -lk --forward "127.0.0.1:1" >/dev/null \
	    2>"$SC_TMP/srv.err" &
	LPID=$!
	SC_PIDS="$SC_PIDS $LPID"
	assertTrue "named" "wait_for '$SC_TMP/srv.err' \
	    '^sockcat: Serving passed socket 3 \\(web\\)$'"
}

# A passed UDP socket whose peers get sockets of their own (-u -lk -e)
# shares its port with this user's sockets only (SO_REUSEPORT): user
# nobody cannot bind it.
test_passed_udp_port_cannot_be_taken_by_another_user() {
	launch srv -d -- -v -n -u -lk -e /bin/cat
	assertEquals "echoed" "hi" "$(t 20 $UDPPEER "$APORT" send hi recv)"
	_got=$(bind_as_nobody "$APORT")
	[ $? -eq 77 ] && { sc_skip "cannot run as user nobody"; return; }
	assertEquals "refused" "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE" \
	    "$_got"
}

# A passed UDP socket made by another user (a supervisor running as
# root) could not share its port with its peers' sockets: refused at
# once, in one line, rather than every peer later.  Without a program,
# it is served.
test_passed_udp_socket_of_another_user() {
	_as_nobody=(setpriv --reuid=nobody --regid="$(id -g nobody 2>/dev/null)"
	    --clear-groups)
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
	    t 10 "${_as_nobody[@]}" "$SC" -h >/dev/null 2>&1 ||
	    { sc_skip "cannot run sockcat as user nobody"; return; }
	t 10 $ACTIVATE -d "$SC_TMP/p" 127.0.0.1 "${_as_nobody[@]}" \
	    "$SC" -u -lk -e /bin/cat </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	# Built to count coverage, a process of nobody's cannot write the
	# counts, and gcc's runtime says so in lines of its own.
	assertEquals "message" "sockcat: passed socket 3 is another user's: \
peers' own sockets cannot share its port" \
	    "$(sed '/^profiling:/d' "$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	bg t 30 $ACTIVATE -d "$SC_TMP/p2" 127.0.0.1 "${_as_nobody[@]}" \
	    "$SC" -v -n -u -l >"$SC_TMP/l.out" 2>"$SC_TMP/l.err"
	wait_for "$SC_TMP/l.err" '^Bound on ' || fail "not served"
	t 10 $UDPPEER "$(<"$SC_TMP/p2")" send ping >/dev/null 2>&1
	assertTrue "received" "wait_for '$SC_TMP/l.out' '^ping$'"
}

# LISTEN_FDS names descriptors from 3 on.  One that is not open ends the
# walk: a hundred million is refused at once, in one line, by a listener,
# and a client (which leaves passed sockets alone) runs as usual, where
# each number up to it was once tried in turn, for minutes.
test_listen_fds_past_the_open_descriptors() {
	t 10 $ACTIVATE "$SC_TMP/p" 127.0.0.1 env LISTEN_FDS=100000000 \
	    "$SC" -l </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "message" \
	    "sockcat: LISTEN_FDS is 100000000, but descriptor 4 is not open" \
	    "$(<"$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	t 10 $ACTIVATE "$SC_TMP/p" 127.0.0.1 env LISTEN_FDS=lots \
	    "$SC" -lk -e /bin/cat </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "message" "sockcat: LISTEN_FDS is lots: invalid" \
	    "$(<"$SC_TMP/err")"
	server srv -n -l 127.0.0.1 0 || fail "no server"
	echo "from a client" | t 10 $ACTIVATE "$SC_TMP/p" 127.0.0.1 \
	    env LISTEN_FDS=100000000 "$SC" -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "client status" 0 $?
	assertEquals "client stderr" "" "$(<"$SC_TMP/err")"
	assertTrue "sent" "wait_for '$SC_TMP/srv.out' '^from a client$'"
}

sc_run_shunit2
