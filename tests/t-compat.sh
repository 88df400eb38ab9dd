#!/bin/bash
# Compatibility: the same command lines run by nc.openbsd and by sockcat
# must print the same messages (program name aside) and exit the same way.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
NC=${NC_OPENBSD:-/bin/nc.openbsd}
[ -x "$NC" ] || { echo "nc.openbsd not installed: skipping"; exit 77; }

# The program's name, wherever it stands, becomes PROG.
normalise() {
	sed -e "s|^$(basename "$1"): |PROG: |" -e 's|^nc: |PROG: |' \
	    -e 's|^usage: [a-z.]* |usage: PROG |'
}

# Run one program; stderr with its name replaced by PROG, port numbers in
# $PORT replaced by PORT.
run_one() {
	_prog=$1
	shift
	t 5 "$_prog" "$@" </dev/null >"$SC_TMP/o" 2>"$SC_TMP/e"
	_st=$?
	normalise "$_prog" <"$SC_TMP/e" >"$SC_TMP/e2"
	printf 'status=%s\nstdout=%s\nstderr=%s\n' "$_st" "$(cat "$SC_TMP/o")" \
	    "$(cat "$SC_TMP/e2")"
}

# compare args...: identical status, stdout and stderr.
compare() {
	_want=$(run_one "$NC" "$@")
	_got=$(run_one "$SC" "$@")
	assertEquals "sockcat $*" "$_want" "$_got"
}

test_usage_and_errors() {
	compare
	compare localhost
	compare localhost 99999
	compare localhost 0-99999
	compare localhost nosuchservice
	compare -l
	compare -k localhost 1
	compare -z -l 1
	compare -l 1 2 3
	compare -w abc localhost 1
	compare -q abc localhost 1
	compare -T foo localhost 1
	compare -M 256 localhost 1
	compare -M x localhost 1
	compare -m 300 localhost 1
	compare -I 0 localhost 1
	compare -O x localhost 1
	compare -i x localhost 1
	compare -n no-such-host 80
	compare -46 -n no-such-host 80
}

test_port_forms() {
	compare localhost 0
	compare localhost 65536
	compare localhost 0-3
	compare localhost 40350-0
	compare localhost 0-99999
	compare localhost 3-abc
	compare localhost 5-6-7
	compare localhost abc-1
	compare localhost 40161-
	compare localhost 0x10
	compare localhost 1 nosuchservice
}

test_operand_forms() {
	compare -p 1 localhost
	compare -s 127.0.0.1 localhost
	compare -l -s 127.0.0.1 5000
	compare -l -p 5000 localhost 5000
	compare -l -s 127.0.0.1
	compare -kz 1
	compare -k -z -l 1
	compare -l 127.0.0.1 1 2
}

test_value_ranges() {
	compare -w 2147484 localhost 1
	compare -w -1 localhost 1
	compare -q 99999999999 localhost 1
	compare -i 4294967296 localhost 1
	compare -i -1 localhost 1
	compare -I 1073741825 localhost 1
	compare -m -1 localhost 1
	for tos in AF11 256 0x100 -1 1e; do
		compare -T "$tos" localhost 1
	done
	compare -n -4 ::1 80
	compare -n -6 127.0.0.1 80
}

# A port that nobody listens on.
closed_port() {
	server closed -l 127.0.0.1 0 || fail "no server"
	kill "$SERVER_PID"
	wait_exit "$SERVER_PID" 5
	CLOSED=$PORT
}

test_connect_refused() {
	closed_port
	compare -v 127.0.0.1 "$CLOSED"
	compare -v localhost "$CLOSED"
	compare 127.0.0.1 "$CLOSED"
	compare -zv 127.0.0.1 "$CLOSED"
	compare -zvn 127.0.0.1 "$CLOSED"
}

test_scan_open_port() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	compare -zv 127.0.0.1 "$PORT"
	compare -zv localhost "$PORT"
	compare -zvn 127.0.0.1 "$PORT"
	compare -z 127.0.0.1 "$PORT"
	compare -zv 127.0.0.1 "$((PORT - 1))-$((PORT + 1))"
}

# The stderr of a listener once it has said $LISTEN_RE (by default its
# "Listening on" or, for UDP, "Bound on" line), with the port replaced.
listen_line() {
	timeout 5 "$@" 2>"$SC_TMP/l.err" </dev/null >/dev/null &
	_pid=$!
	wait_for "$SC_TMP/l.err" "${LISTEN_RE:-^(Listening|Bound) on}" 5
	kill "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	sed -e 's/ [0-9][0-9]*$/ PORT/' "$SC_TMP/l.err"
}

test_listening_lines() {
	for args in "-lv 127.0.0.1 0" "-lvn 127.0.0.1 0" "-lv 0" "-lv ::1 0" \
	    "-lv -6 0" "-lv -p 0" "-lvn -s 127.0.0.1 -p 0"; do
		# shellcheck disable=SC2086
		want=$(listen_line "$NC" $args)
		# shellcheck disable=SC2086
		got=$(listen_line "$SC" $args)
		assertEquals "$args" "$want" "$got"
	done
}

# The messages of a whole exchange: listener and client of one program.
exchange() {
	_prog=$1
	shift
	# The listener always says where it listens; the client is as told.
	case " $* " in
	*" -v"*) _lflags="$*" ;;
	*) _lflags="-v $*" ;;
	esac
	# shellcheck disable=SC2086
	timeout 5 "$_prog" $_lflags -l 127.0.0.1 0 2>"$SC_TMP/x.err" \
	    >"$SC_TMP/x.out" </dev/null &
	_pid=$!
	wait_for "$SC_TMP/x.err" '^Listening on' 10
	_port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/x.err")
	echo data | t 5 "$_prog" "$@" -N localhost "$_port" 2>"$SC_TMP/c.err"
	echo "client=$?"
	wait "$_pid"
	echo "server=$?"
	cat "$SC_TMP/x.err" "$SC_TMP/c.err" | normalise "$_prog" |
	    sed -e "s/$_port/PORT/" -e 's/ [0-9][0-9]*$/ N/' 
	cat "$SC_TMP/x.out"
}

test_exchange() {
	assertEquals "-v" "$(exchange "$NC" -v)" "$(exchange "$SC" -v)"
	assertEquals "-vn" "$(exchange "$NC" -vn)" "$(exchange "$SC" -vn)"
	assertEquals "quiet" "$(exchange "$NC")" "$(exchange "$SC")"
}

# A UDP or Unix-domain port or path nobody uses, and a stale socket file.
closed_udp_port() {
	server closed -u -l 127.0.0.1 0 || fail "no server"
	kill "$SERVER_PID"
	wait_exit "$SERVER_PID" 5
	CLOSED=$PORT
}

stale_socket() {
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])" "$1"
}

test_udp_unix_usage_and_errors() {
	long=$SC_TMP/$(printf 'a%.0s' $(seq 120))
	compare -U
	compare -U a b
	compare -lU
	compare -lU a b
	compare -U -p 5 a
	compare -U -s x a
	compare -lU -s x a
	compare -u
	compare -u -l
	compare -u -l 1 2 3
	compare -U "$SC_TMP/none"
	compare -uU "$SC_TMP/none"
	compare -zU "$SC_TMP/none"
	compare -U "$long"
	compare -lU "$long"
	compare -lU /nonexistent/dir/sock
	if command -v python3 >/dev/null; then
		stale_socket "$SC_TMP/stale"
		compare -U "$SC_TMP/stale"
		compare -vU "$SC_TMP/stale"
	fi
}

test_udp_listening_lines() {
	for args in "-ulv 127.0.0.1 0" "-ulvn 127.0.0.1 0" "-ulv 0" \
	    "-ulv ::1 0" "-ulv -6 0" "-ulvk -p 0"; do
		# shellcheck disable=SC2086
		want=$(listen_line "$NC" $args)
		# shellcheck disable=SC2086
		got=$(listen_line "$SC" $args)
		assertEquals "$args" "$want" "$got"
	done
}

test_unix_listening_lines() {
	sock=$SC_TMP/l.sock
	for args in "-lvU" "-lvkU" "-ulvU"; do
		re='^Listening on'
		[ "$args" = -ulvU ] && re='^Bound on'
		rm -f "$sock"
		# shellcheck disable=SC2086
		want=$(LISTEN_RE=$re listen_line "$NC" $args "$sock")
		rm -f "$sock"
		# shellcheck disable=SC2086
		got=$(LISTEN_RE=$re listen_line "$SC" $args "$sock")
		assertEquals "$args" "$want" "$got"
	done
	want=$(LISTEN_RE='^Listening on' listen_line "$NC" -lvU @sockcat-c$$)
	got=$(LISTEN_RE='^Listening on' listen_line "$SC" -lvU @sockcat-c$$)
	assertEquals "abstract" "$want" "$got"
}

test_udp_scan() {
	server srv -u -l -k 127.0.0.1 0 || fail "no server"
	open=$PORT
	closed_udp_port
	compare -zuv 127.0.0.1 "$CLOSED"
	compare -zuvn 127.0.0.1 "$CLOSED"
	# netcat takes three seconds to call a UDP port open.
	compare -zuv 127.0.0.1 "$open"
	compare -v -u -q 0 127.0.0.1 "$open"
}

# A UDP exchange: a listener (given the options) and a quiet client, of
# one program; the statuses, the messages and what was received.
udp_exchange() {
	_prog=$1
	shift
	timeout 5 "$_prog" "$@" -u -l -q 0 127.0.0.1 0 2>"$SC_TMP/x.err" \
	    >"$SC_TMP/x.out" </dev/null &
	_pid=$!
	wait_for "$SC_TMP/x.err" '^Bound on' 5
	_port=$(sed -n 's/^Bound on .* //p' "$SC_TMP/x.err")
	echo data | t 5 "$_prog" -u -q 0 localhost "$_port" 2>"$SC_TMP/c.err"
	echo "client=$?"
	wait "$_pid"
	echo "server=$?"
	cat "$SC_TMP/x.err" "$SC_TMP/c.err" | normalise "$_prog" |
	    sed -e "s/$_port/PORT/" -e 's/ [0-9][0-9]*$/ N/'
	cat "$SC_TMP/x.out"
}

test_udp_exchange() {
	assertEquals "-v" "$(udp_exchange "$NC" -v)" "$(udp_exchange "$SC" -v)"
	assertEquals "-vn" "$(udp_exchange "$NC" -vn)" \
	    "$(udp_exchange "$SC" -vn)"
}

# A Unix-domain exchange, stream or datagram (-u), both sides with -v.
# Datagram listener and client are stopped by timeout(1): netcat's fail
# in odd ways with -q (its client closes its socket before the listener
# can lock onto it; its listener then cannot connect).  The private
# socket of a datagram client is named by each program in its own way:
# TMPSOCK.
unix_exchange() {
	_prog=$1
	shift
	_sock=$SC_TMP/x.sock
	_cflags=-N
	_st=5
	_ct=5
	if [ "$1" = -u ]; then
		_cflags=
		_st=2
		_ct=1
	fi
	rm -f "$_sock"
	timeout "$_st" "$_prog" -v "$@" -l -U "$_sock" 2>"$SC_TMP/x.err" \
	    >"$SC_TMP/x.out" </dev/null &
	_pid=$!
	wait_for "$SC_TMP/x.err" '^(Listening on|Bound on .*x.sock$)' 5
	# shellcheck disable=SC2086
	echo data | t "$_ct" "$_prog" -v "$@" $_cflags -U "$_sock" \
	    2>"$SC_TMP/c.err"
	echo "client=$?"
	wait "$_pid"
	echo "server=$?"
	# netcat, stopped by a signal, leaves its directory in /tmp.
	_dir=$(sed -n 's|^Bound on \(/tmp/nc-[A-Za-z0-9]\{6\}\)/recv\.sock$|\1|p' \
	    "$SC_TMP/c.err")
	[ -n "$_dir" ] && rm -rf "$_dir"
	cat "$SC_TMP/x.err" "$SC_TMP/c.err" | normalise "$_prog" |
	    sed -e 's|[^ ]*[-.][A-Za-z0-9]\{6\}/recv\.sock$|TMPSOCK|'
	cat "$SC_TMP/x.out"
}

test_unix_exchange() {
	assertEquals "stream" "$(unix_exchange "$NC")" "$(unix_exchange "$SC")"
	assertEquals "datagram" "$(unix_exchange "$NC" -u)" \
	    "$(unix_exchange "$SC" -u)"
}

sc_run_shunit2
