#!/bin/bash
# The cost of an idle forwarded connection: its two sockets, no splice
# pipes.  A pipe is held by a direction only while bytes are in it, then
# goes back to a small pool shared by the process.  Counted from the
# outside, in /proc/PID/fd of the forwarder.  Loopback only.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
[ -d /proc/self/fd ] || { echo "no /proc: skipping" >&2; exit 77; }

PEER="python3 $(dirname "$0")/fwdpeer.py"
N=50

# The forwarder's own pid: server() starts it under timeout(1).
forwarder_pid() {
	cat "/proc/$SERVER_PID/task/$SERVER_PID/children" 2>/dev/null |
	    awk '{ print $1 }'
}

# Descriptors process $1 has open.
fds() {
	ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# Wait until process $1 has at most $2 descriptors open.
fds_at_most() {
	[ "$(fds "$1")" -le "$2" ]
}

# round K SIZE: ask the clients for echo round K of SIZE bytes each; wait
# for its answer.
round() {
	echo "round $2" >&7
	wait_lines "$SC_TMP/cl.out" '^ok ' "$1" 20
}

test_idle_connections_hold_only_their_sockets() {
	bg $PEER echo "$SC_TMP/be.port"
	wait_for "$SC_TMP/be.port" '^[0-9]+$' 15 || fail "no backend"
	server fw -lk 127.0.0.1 0 --forward "127.0.0.1:$(<"$SC_TMP/be.port")" ||
	    return
	pid=$(forwarder_pid)
	assertNotNull "the forwarder's pid" "$pid"
	base=$(fds "$pid")

	held_stdin cin 7
	bg_in "$SC_TMP/cin" sh -c "exec $PEER idle-clients 127.0.0.1 $PORT $N \
	    >'$SC_TMP/cl.out'"
	round 1 4096
	assertEquals "every connection echoed, both ways" "ok $N" \
	    "$(sed -n 1p "$SC_TMP/cl.out")"

	# Each connection: two sockets.  A constant on top: descriptors the
	# forwarder opens for itself, and the pool's few empty pipes.
	assertTrue "idle: about 2 descriptors a connection ($(fds "$pid") - $base)" \
	    "wait_until -t 10 fds_at_most $pid $((base + 2 * N + 8))"
	assertTrue "and all the sockets are there" \
	    "[ $(fds "$pid") -ge $((base + 2 * N)) ]"

	# Idle connections take a pipe again when they move data.
	round 2 65536
	assertEquals "a second round, larger" "ok $N" \
	    "$(sed -n 2p "$SC_TMP/cl.out")"
	assertTrue "idle again: about 2 a connection ($(fds "$pid") - $base)" \
	    "wait_until -t 10 fds_at_most $pid $((base + 2 * N + 8))"

	echo close >&7
	wait_for "$SC_TMP/cl.out" '^closed$' 20
	assertTrue "all closed: back to the start, plus the pool" \
	    "wait_until -t 20 fds_at_most $pid $((base + 8))"
	exec 7>&-
}

sc_run_shunit2
