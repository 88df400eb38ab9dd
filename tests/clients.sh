# Helpers for the many-client suites (t-broker.sh, t-room.sh): clients
# whose stdin is a FIFO the test writes to, so that each one speaks only
# when told.  Source after lib.sh.

# client NAME FD [sockcat args...]: connect a client to 127.0.0.1 $PORT
# with -N, so that closing its FIFO ends it (or with the args given).  The test writes to it with
# "say FD text"; its stdout is NAME.out, its stderr NAME.err.  The FIFO
# is opened read-write first, so neither side blocks opening it.
client() {
	_name=$1
	_fd=$2
	shift 2
	[ $# -eq 0 ] && set -- -N 127.0.0.1 "$PORT"
	mkfifo "$SC_TMP/$_name.in"
	eval "exec $_fd<>\"\$SC_TMP/\$_name.in\""
	# The client must not hold any FIFO open itself, or it would never
	# see end-of-file.
	timeout -k 2 "${CLIENT_TIMEOUT:-20}" "$SC" "$@" <"$SC_TMP/$_name.in" \
	    >"$SC_TMP/$_name.out" 2>"$SC_TMP/$_name.err" \
	    5>&- 6>&- 7>&- 8>&- 9>&- &
	CLIENT_PID=$!
	SC_PIDS="$SC_PIDS $CLIENT_PID"
}

# say FD text: what the client (or server) on FD sends, as printf's format.
say() {
	_fd=$1
	shift
	# shellcheck disable=SC2059
	printf "$@" >&"$_fd"
}

# hush FD...: close the FIFOs, so their readers see end-of-file.
hush() {
	for _fd in "$@"; do
		eval "exec $_fd>&-"
	done
}

# console NAME FD: a FIFO to be a server's stdin (SERVER_STDIN), held open
# read-write on FD.  The server inherits FD, so it never sees end-of-file
# there; the suites test stdin's end with /dev/null instead.
console() {
	sc_tmp
	mkfifo "$SC_TMP/$1.fifo"
	eval "exec $2<>\"\$SC_TMP/\$1.fifo\""
	SERVER_STDIN=$SC_TMP/$1.fifo
}

# Wait until the server's -v log (NAME.err) counts $2 connections, for up
# to $3 seconds (default $SC_WAIT).
wait_clients() {
	wait_lines "$SC_TMP/$1.err" '^Connection received' "$2" "${3:-$SC_WAIT}"
}

# Close every FIFO descriptor the suites use, then the usual clean-up.
tearDown() {
	hush 5 6 7 8 9 2>/dev/null
	SERVER_STDIN=
	sc_remove_tmp
	endSkipping
}
