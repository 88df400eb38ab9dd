#!/bin/bash
# Compatibility: the same command lines run by nc.openbsd and by sockcat
# must print the same messages (program name aside) and exit the same way.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
NC=${NC_OPENBSD:-/bin/nc.openbsd}
[ -x "$NC" ] || { echo "nc.openbsd not installed: skipping"; exit 77; }

# The program's name, wherever it stands, becomes PROG: normalise PROG
# filters, normalise_lines PROG [CUT] puts the lines read in the array
# NL, the last one that of nc's usage (sockcat adds its own after it)
# where CUT is given.  The shell does it: it runs for every command line
# compared.
normalise() {
	normalise_lines "$1"
	[ "${#NL[@]}" -eq 0 ] || printf '%s\n' "${NL[@]}"
}
normalise_lines() {
	_np=${1##*/}
	NL=()
	while IFS= read -r _nl || [ -n "$_nl" ]; do
		case $_nl in
		"$_np: "*) _nl="PROG: ${_nl#"$_np: "}" ;;
		"nc: "*) _nl="PROG: ${_nl#nc: }" ;;
		esac
		[[ $_nl =~ ^usage:\ [a-z.]*\ (.*)$ ]] &&
		    _nl="usage: PROG ${BASH_REMATCH[1]}"
		NL+=("$_nl")
		[ -n "${2:-}" ] && [ "$_nl" = $'\t  [destination] [port]' ] &&
		    break
	done
	return 0
}

# Run one program, stdin from $RUN_IN (or /dev/null); stderr with its name
# replaced by PROG, port numbers in $PORT replaced by PORT.  Its files are
# named after TAG, so that two can run at once: run_one TAG PROG args...
run_one() {
	_tag=$1 _prog=$2
	shift 2
	t 10 "$_prog" "$@" <"${RUN_IN:-/dev/null}" >"$SC_TMP/$_tag.o" \
	    2>"$SC_TMP/$_tag.e"
	_st=$?
	# sockcat's usage has nc's lines, then one of its own that says
	# why (t-cli checks it): the lines compared are nc's.
	_cut=1
	[ "$_prog" = "$NC" ] && _cut=""
	normalise_lines "$_prog" "$_cut" <"$SC_TMP/$_tag.e"
	printf -v _err '%s\n' "${NL[@]}"
	while [[ $_err == *$'\n' ]]; do
		_err=${_err%$'\n'}
	done
	printf 'status=%s\nstdout=%s\nstderr=%s\n' "$_st" \
	    "$(<"$SC_TMP/$_tag.o")" "$_err"
}

# compare args...: identical status, stdout and stderr.  Both programs
# run at once, unless SERIAL is set: a UDP server answers the one peer.
compare() {
	if [ -n "${SERIAL:-}" ]; then
		run_one nc "$NC" "$@" >"$SC_TMP/want"
	else
		run_one nc "$NC" "$@" >"$SC_TMP/want" &
	fi
	_pid=$!
	run_one sc "$SC" "$@" >"$SC_TMP/got"
	[ -n "${SERIAL:-}" ] || wait "$_pid"
	assertEquals "sockcat $*" "$(<"$SC_TMP/want")" "$(<"$SC_TMP/got")"
}

# compare_named NAME args...: as compare, where sockcat's message is
# netcat's followed by " (NAME)", the address or path that could not be
# had: netcat's words, then what failed.
compare_named() {
	_name=$1
	shift
	run_one nc "$NC" "$@" >"$SC_TMP/want"
	run_one sc "$SC" "$@" >"$SC_TMP/got"
	assertEquals "sockcat $*" "$(<"$SC_TMP/want") ($_name)" \
	    "$(<"$SC_TMP/got")"
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
	CLOSED=$(free_port) || fail "no free port"
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
	# nc's letters for a session's bytes are taken and have nothing to do.
	compare -zv -d -C -t -q 1 -N -W 1 127.0.0.1 "$PORT"
	# sockcat's own options for them are refused.
	for o in --ssl --half-close "-o $SC_TMP/o.log"; do
		# shellcheck disable=SC2086
		expect_error "-z only connects: it takes no ${o%% *}" \
		    -z $o 127.0.0.1 "$PORT"
	done
	expect_error "-z only connects: it takes no --delay or --hex-dump" \
	    -z --delay 1 --hex-dump "$SC_TMP/h" 127.0.0.1 "$PORT"
	compare -zv localhost "$PORT"
	compare -zvn 127.0.0.1 "$PORT"
	compare -z 127.0.0.1 "$PORT"
	compare -zv 127.0.0.1 "$((PORT - 1))-$((PORT + 1))"
}

# The stderr of a listener once it has said $LISTEN_RE (by default its
# "Listening on" or, for UDP, "Bound on" line), with the port replaced.
listen_line() {
	# Emptied first: the wait below must not see the last run's.
	: >"$SC_TMP/l.err"
	timeout 5 "$@" 2>"$SC_TMP/l.err" </dev/null >/dev/null &
	_pid=$!
	wait_for "$SC_TMP/l.err" "${LISTEN_RE:-^(Listening|Bound) on}"
	stop "$_pid"
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
	# Emptied first: the wait below must not see the last run's.
	: >"$SC_TMP/x.err"
	timeout 30 "$_prog" $_lflags -l 127.0.0.1 0 2>"$SC_TMP/x.err" \
	    >"$SC_TMP/x.out" </dev/null &
	_pid=$!
	wait_for "$SC_TMP/x.err" '^Listening on'
	_port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/x.err")
	# With -n the client is given the address: "localhost" is not one
	# (test_numeric_name_refused compares that refusal).
	_host=localhost
	case " $* " in
	*" -"*n*) _host=127.0.0.1 ;;
	esac
	echo data | t 20 "$_prog" "$@" -N "$_host" "$_port" 2>"$SC_TMP/c.err"
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

# A name where -n wants an address: refused before anything is dialled.
test_numeric_name_refused() {
	compare -n localhost 9
	compare -vn -N localhost 9
	compare_named "localhost port 9" -ln localhost 9
}

# A UDP or Unix-domain port or path nobody uses, and a stale socket file.
closed_udp_port() {
	CLOSED=$(free_port udp) || fail "no free port"
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
	compare_named "$long" -lU "$long"
	compare_named /nonexistent/dir/sock -lU /nonexistent/dir/sock
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
	SERIAL=1
	compare -zuv 127.0.0.1 "$CLOSED"
	compare -zuvn 127.0.0.1 "$CLOSED"
	# -N, which a habit adds, has nothing to do: nc takes it.
	compare -zuvN 127.0.0.1 "$CLOSED"
	# netcat takes three seconds to call a UDP port open.
	compare -zuv 127.0.0.1 "$open"
	compare -v -u -q 0 127.0.0.1 "$open"
	SERIAL=
}

# The scans compared in a namespace of their own, each "FLAGS PORTS...":
# ranges and lists whose last port is open and whose last is closed.
NS_SCANS=("-zuv 5001-5002" "-zuv 5002-5003" "-zuv 5001-5004"
    "-zuv 5004-5005" "-zuv 5003 5002" "-zuv 5002 5003" "-zv 5001-5002"
    "-zv 5002-5003" "-zv 5001-5004" "-zv 5004-5005" "-zv 5003 5002"
    "-zv 5002 5003" "-z 5001-5002" "-z 5004-5005")
# Without -v, nc.openbsd does not probe a UDP port, and calls every port
# open; sockcat's -zu always probes (the manual says so): its status is
# that of nc's -zuv.
NS_PROBES=("5001-5002" "5002-5003" "5004-5005" "5003 5002")

# ns_scans: each line read ("PROG FLAGS PORTS...", PROG nc or sc, FLAGS
# one word) run with -w 1 in a network namespace the test makes,
# where 5001 and 5003 are open (a TCP listener and a bound UDP socket
# each, Python's) and 5002, 5004 and 5005 are not; the Nth line's
# stdout, stderr and status in $SC_TMP/N.o, N.e and N.st.  Two lines at
# a time (nc's and sockcat's, side by side).
ns_scans() {
	# The last run's sign that its peer was ready is no sign for this one.
	rm -f "$SC_TMP/ready"
	SC=$SC NC=$NC T=$SC_TMP sc_netns 120 bash -c '
python3 -c "
import socket, sys, time
held = []
for port in (5001, 5003):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        s.bind((\"127.0.0.1\", port))
        if kind == socket.SOCK_STREAM:
            s.listen(8)
        held.append(s)
open(sys.argv[1], \"w\").close()
time.sleep(110)
" "$T/ready" &
peer=$!
for _i in $(seq 600); do
	[ -e "$T/ready" ] && break
	sleep 0.05
done
[ -e "$T/ready" ] || exit 3
i=0
pids=
while read -r p flags ports; do
	i=$((i + 1))
	[ "$p" = nc ] && prog=$NC || prog=$SC
	# -w 1: nc.openbsd would wait three seconds on an open UDP port.
	{
		timeout 20 "$prog" -w 1 $flags 127.0.0.1 $ports </dev/null \
		    >"$T/$i.o" 2>"$T/$i.e"
		echo $? >"$T/$i.st"
	} &
	pids="$pids $!"
	if [ $((i % 2)) -eq 0 ]; then
		wait $pids
		pids=
	fi
done
# Not "wait" alone: that would wait for the peer too.
[ -z "$pids" ] || wait $pids
kill $peer
exit 0
'
}

# Scans over ranges and lists of ports, TCP and UDP, where which ports
# are open is known (ns_scans): nc.openbsd and sockcat side by side print
# the same -v lines, letter for letter, and exit the same: over TCP 0
# when any port accepted, over UDP with the last port's status, 1 when
# it was refused (sockcat said 0 for -zuv 5001-5002).
test_scan_ranges_in_a_namespace() {
	sc_have_netns || { sc_skip "unshare -n refused: no namespace"; return; }
	for scan in "${NS_SCANS[@]}"; do
		printf 'nc %s\nsc %s\n' "$scan" "$scan"
	done | ns_scans
	assertEquals "the namespace's script" 0 $?
	i=0
	for scan in "${NS_SCANS[@]}"; do
		for prog in "$NC" "$SC"; do
			i=$((i + 1))
			printf 'status=%s\nstdout=%s\nstderr=%s\n' \
			    "$(<"$SC_TMP/$i.st")" "$(<"$SC_TMP/$i.o")" \
			    "$(normalise "$prog" <"$SC_TMP/$i.e")" >"$SC_TMP/r.$i"
		done
		assertEquals "$scan" "$(<"$SC_TMP/r.$((i - 1))")" \
		    "$(<"$SC_TMP/r.$i")"
	done
	for ports in "${NS_PROBES[@]}"; do
		printf 'nc -zuv %s\nsc -zu %s\n' "$ports" "$ports"
	done | ns_scans
	assertEquals "the namespace's script" 0 $?
	i=0
	for ports in "${NS_PROBES[@]}"; do
		i=$((i + 2))
		assertEquals "-zu $ports: the status of nc's -zuv" \
		    "$(<"$SC_TMP/$((i - 1)).st")" "$(<"$SC_TMP/$i.st")"
		assertEquals "-zu $ports: nothing said" "" \
		    "$(cat "$SC_TMP/$i.o" "$SC_TMP/$i.e")"
	done
}

# A UDP exchange: a listener (given the options) and a quiet client, of
# one program; the statuses, the messages and what was received.
udp_exchange() {
	_prog=$1
	shift
	# Emptied first: the wait below must not see the last run's.
	: >"$SC_TMP/x.err"
	timeout 5 "$_prog" "$@" -u -l -q 0 127.0.0.1 0 2>"$SC_TMP/x.err" \
	    >"$SC_TMP/x.out" </dev/null &
	_pid=$!
	wait_for "$SC_TMP/x.err" '^Bound on'
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

# udp_idle PROG [-k]: a UDP listener with -v -w 1, and a peer that sends a
# line, lets 3 seconds pass and sends another; whether the listener is
# still there a second later or how it ended, what it wrote, and its
# messages (with -k, less sockcat's report of each peer: the manual's).
udp_idle() {
	_prog=$1
	shift
	: >"$SC_TMP/k.err"
	timeout 30 "$_prog" -v "$@" -u -l -w 1 127.0.0.1 0 </dev/null \
	    >"$SC_TMP/k.out" 2>"$SC_TMP/k.err" &
	_pid=$!
	wait_for "$SC_TMP/k.err" '^Bound on'
	_port=$(sed -n 's/^Bound on .* //p' "$SC_TMP/k.err")
	t 10 $UDPPEER "$_port" send one wait 3 send two
	if still_running "$_pid" 1; then
		wait_for "$SC_TMP/k.out" '^two$'
		echo "listening on"
		stop "$_pid"
		wait "$_pid"
	else
		wait "$_pid"
		echo "status=$?"
	fi
	cat "$SC_TMP/k.out"
	normalise "$_prog" <"$SC_TMP/k.err" | sed -e "s/ $_port$/ PORT/" \
	    -e 's/ [0-9][0-9]*$/ N/' -e "${1:+/^Connection received/d}"
}

# -w on a UDP listener: with -k it listens on, as nc's loop does, and
# writes out what comes after the idle time (sockcat ended, losing it);
# without -k it ends the listener quietly, -v or not (sockcat said "idle
# timeout expired").
test_udp_listener_wait() {
	want=$(udp_idle "$NC" -k)
	assertEquals "nc's -k" "listening on
one
two
Bound on localhost PORT" "$want"
	assertEquals "-k" "$want" "$(udp_idle "$SC" -k)"
	want=$(udp_idle "$NC")
	assertEquals "nc's" "status=0
one
Bound on localhost PORT
Connection received on localhost N" "$want"
	assertEquals "without -k" "$want" "$(udp_idle "$SC")"
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
	_st=30
	_ct=20
	# A stream socket is bound, then listened on: a client between the
	# two is refused.  A datagram socket receives once bound.
	_ready='^Listening on'
	if [ "$1" = -u ]; then
		_cflags=
		# Neither ends by itself: the timeouts end them, the server
		# last, long enough for a loaded machine to start both.
		_st=5
		_ct=3
		_ready='^Bound on .*x\.sock$'
	fi
	rm -f "$_sock"
	# Emptied first: the wait below must not see the last run's.
	: >"$SC_TMP/x.err"
	timeout "$_st" "$_prog" -v "$@" -l -U "$_sock" 2>"$SC_TMP/x.err" \
	    >"$SC_TMP/x.out" </dev/null &
	_pid=$!
	wait_for "$SC_TMP/x.err" "$_ready"
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

FAULT="${TESTS_DIR:-$(dirname "$0")}/fault.py"

# reset_run PROG ARGS...: PROG ARGS 127.0.0.1 PORT as run_one prints it,
# against a server (fault.py) that waits for the client's end, answers
# one line and resets; its port written PORT.
reset_run() {
	rm -f "$SC_TMP/pf"
	bg t 20 python3 "$FAULT" --listen "$SC_TMP/pf" --answer-rst answer \
	    >"$SC_TMP/fault.out"
	wait_for "$SC_TMP/pf" '^[0-9]+$' || fail "fault.py did not listen"
	_fport=$(<"$SC_TMP/pf")
	run_one "${1##*/}" "$@" 127.0.0.1 "$_fport" | sed "s/ $_fport / PORT /"
	wait "$BG_PID"
}

# A read error from the network that cuts off nothing stdin gave is nc's
# end of the connection: status 0, nothing said (statsd's port closed: a
# refusal; a server that answers and resets); sockcat says it with -v, and
# fails with --fail-on-error.  What was read is delivered either way (nc's own stdout
# is not compared: it drops what came with the reset when both are there
# at its poll).
test_read_error_after_stdin() {
	want=$(reset_run "$NC" -N | grep -v '^stdout=')
	assertEquals "nc's" "status=0
stderr=" "$want"
	got=$(reset_run "$SC" -N)
	assertEquals "reset" "status=0
stdout=answer
stderr=" "$got"
	assertEquals "reset, beside nc" "$want" "$(grep -v '^stdout=' <<<"$got")"
	assertEquals "reset, -v" "$(reset_run "$NC" -v -N | grep -v '^stdout=')
PROG: read from network: Connection reset by peer" \
	    "$(reset_run "$SC" -v -N | grep -v '^stdout=')"
	assertEquals "reset, --fail-on-error" "status=1
stdout=answer
stderr=PROG: read from network: Connection reset by peer" \
	    "$(reset_run "$SC" --fail-on-error -N)"
	closed_udp_port
	printf 'deploys:1|c' >"$SC_TMP/stat.in"
	RUN_IN=$SC_TMP/stat.in compare -u -w1 127.0.0.1 "$CLOSED"
	assertEquals "refused" "status=0
stdout=
stderr=" "$(<"$SC_TMP/got")"
	assertEquals "refused, --fail-on-error" "status=1
stdout=
stderr=PROG: read from network: Connection refused" \
	    "$(RUN_IN=$SC_TMP/stat.in run_one sc "$SC" --fail-on-error -u \
	    -w1 127.0.0.1 "$CLOSED")"
}

# Where it cuts off what stdin gives (16 MiB, more than the kernels' buffers
# hold, to a peer that resets after 100,000 bytes), nc is silent and exits
# 0; sockcat says it and exits 1: data given to send was lost.
test_read_error_before_stdin_ends() {
	head -c 16777216 /dev/zero >"$SC_TMP/big"
	for prog in "$NC" "$SC"; do
		rm -f "$SC_TMP/pf"
		bg t 20 python3 "$FAULT" --listen "$SC_TMP/pf" --rst-after 100000 \
		    >"$SC_TMP/fault.out"
		wait_for "$SC_TMP/pf" '^[0-9]+$' || fail "fault.py did not listen"
		t 20 "$prog" 127.0.0.1 "$(<"$SC_TMP/pf")" <"$SC_TMP/big" \
		    >/dev/null 2>"$SC_TMP/${prog##*/}.e"
		echo "status=$?" >>"$SC_TMP/${prog##*/}.e"
		wait "$BG_PID"
	done
	assertEquals "nc's" "status=0" "$(<"$SC_TMP/nc.openbsd.e")"
	# The reset shows on whichever side of the socket notices first.
	said='sockcat: (read from|write to) network:'
	said="$said (Connection reset by peer|Broken pipe)"
	assertTrue "sockcat's: $(<"$SC_TMP/sockcat.e")" \
	    "grep -Eqx '$said' '$SC_TMP/sockcat.e'"
	assertEquals "sockcat's status" "status=1" \
	    "$(tail -n 1 "$SC_TMP/sockcat.e")"
}

# OpenBSD's own suite (regress/usr.bin/nc, run-unix-probe): a Unix
# listener serves its one client; then its socket file is left, so a
# second client is refused, and one to the file removed finds none.
unix_probe() {
	_prog=$1
	_sock=$SC_TMP/p.sock
	rm -f "$_sock"
	: >"$SC_TMP/x.err"
	echo greeting >"$SC_TMP/x.in"
	timeout 20 "$_prog" -U -n -v -l "$_sock" <"$SC_TMP/x.in" \
	    >"$SC_TMP/x.out" 2>"$SC_TMP/x.err" &
	_pid=$!
	wait_for "$SC_TMP/x.err" '^Listening on'
	t 10 "$_prog" -N -U -v "$_sock" </dev/null 2>&1
	echo "first=$?"
	wait "$_pid"
	echo "server=$?"
	[ -S "$_sock" ] && echo "socket file left"
	t 10 "$_prog" -N -U -v "$_sock" </dev/null 2>&1 | normalise "$_prog"
	echo "second=${PIPESTATUS[0]}"
	rm -f "$_sock"
	t 10 "$_prog" -N -U -v "$_sock" </dev/null 2>&1 | normalise "$_prog"
	echo "third=${PIPESTATUS[0]}"
	normalise "$_prog" <"$SC_TMP/x.err"
}

test_unix_probe() {
	want=$(unix_probe "$NC")
	assertContains "$want" "socket file left"
	assertEquals "$want" "$(unix_probe "$SC")"
}

test_toolbox_messages() {
	compare -i 500x localhost 1
	compare -i 4294967296 localhost 1
	compare -W 0 localhost 1
	compare -W x localhost 1
	compare -W 2147483648 localhost 1
	compare -V 1 localhost 1
	compare -V 1 -w x localhost 1
	compare -w x -V 1 localhost 1
	compare -Z -l 127.0.0.1 0
	compare -vZ 127.0.0.1 1
	if command -v setsid >/dev/null 2>&1; then
		compare_setsid -S localhost 1
		compare_setsid -S localhost 99999
		compare_setsid -S -w x localhost 1
	fi
}

# compare, with no controlling terminal (-S needs one to read its key).
compare_setsid() {
	_want=$(run_one nc setsid "$NC" "$@" | sed 's/^stderr=nc.openbsd: /stderr=PROG: /')
	_got=$(run_one sc setsid "$SC" "$@" | sed 's/^stderr=sockcat: /stderr=PROG: /')
	assertEquals "sockcat $*" "$_want" "$_got"
}

# elapsed CMD...: run it, print "status=S ms=MS".
elapsed() {
	_s=$(now_ms)
	"$@"
	_st=$?
	echo "status=$_st ms=$(( $(now_ms) - _s ))"
}

# within LO HI "status=S ms=MS": is MS within [LO, HI)?
within() {
	_ms=${3##*ms=}
	[ "$_ms" -ge "$1" ] && [ "$_ms" -lt "$2" ]
}

# -i: a pause after each line sent, the last one included, before -N's
# shutdown.
test_interval_timing() {
	for prog in "$NC" "$SC"; do
		server srv -l 127.0.0.1 0 || fail "no server"
		# Two pauses of 2 s, not three: 4 s, not 6, with room for a
		# loaded machine's start-up between the two.
		r=$(printf 'a\nb\n' | elapsed t 15 "$prog" -N -i 2 127.0.0.1 "$PORT")
		assertContains "$prog -i 2: $r" "$r" "status=0 "
		assertTrue "$prog -i 2 took two pauses: $r" "within 3900 5800 '$r'"
		wait_exit "$SERVER_PID"
		assertFileEquals "$SC_TMP/srv.out" "a
b"
	done
}

# -u -i: one datagram per line, as syslog over UDP wants it, by both.
test_udp_interval_datagram_per_line() {
	for prog in "$NC" "$SC"; do
		tag=${prog##*/}
		rm -f "$SC_TMP/$tag.port"
		bg t 20 $UDPPEER --timeout 4 --serve "$SC_TMP/$tag.port" record \
		    "$SC_TMP/$tag.got"
		wait_for "$SC_TMP/$tag.port" . || fail "no receiver"
		port=$(<"$SC_TMP/$tag.port")
		{ printf 'one\ntwo\nthree\n' | t 15 "$prog" -u -q 1 -i 1 \
		    127.0.0.1 "$port" >"$SC_TMP/$tag.out" 2>"$SC_TMP/$tag.err"
		    echo $? >"$SC_TMP/$tag.st"; } &
	done
	wait
	for tag in nc.openbsd sockcat; do
		assertEquals "$tag: status" 0 "$(<"$SC_TMP/$tag.st")"
		assertEquals "$tag: output" "" \
		    "$(cat "$SC_TMP/$tag.out" "$SC_TMP/$tag.err")"
	done
	assertEquals "nc.openbsd" "b'one\\n'
b'two\\n'
b'three\\n'" "$(<"$SC_TMP/nc.openbsd.got")"
	assertEquals "sockcat, as nc.openbsd" "$(<"$SC_TMP/nc.openbsd.got")" \
	    "$(<"$SC_TMP/sockcat.got")"
}

# -w: an idle connection ends after the timeout, status 0.
test_idle_timeout_timing() {
	for prog in "$NC" "$SC"; do
		server srv -l 127.0.0.1 0 || fail "no server"
		# stdin stays open and quiet: only -w can end this.
		rm -f "$SC_TMP/quiet"
		mkfifo "$SC_TMP/quiet"
		exec 3<>"$SC_TMP/quiet"
		r=$(elapsed t 8 "$prog" -w 1 127.0.0.1 "$PORT" <"$SC_TMP/quiet")
		exec 3>&-
		assertContains "$prog -w 1: $r" "$r" "status=0 "
		assertTrue "$prog -w 1 ended when idle: $r" "within 900 4500 '$r'"
		stop "$SERVER_PID"
		wait_exit "$SERVER_PID"
	done
}

# -q: after stdin's end and the peer's, wait that long, then exit 0.
test_quit_timing() {
	for prog in "$NC" "$SC"; do
		server srv -l 127.0.0.1 0 || fail "no server"
		r=$(echo x | elapsed t 8 "$prog" -q 1 127.0.0.1 "$PORT")
		assertContains "$prog -q 1: $r" "$r" "status=0 "
		assertTrue "$prog -q 1 waited: $r" "within 900 4500 '$r'"
		wait_exit "$SERVER_PID"
		assertFileEquals "$SC_TMP/srv.out" "x"
	done
}

TBPEER="python3 ${TESTS_DIR:-$(dirname "$0")}/tbpeer.py"

# Run a tbpeer.py chunks peer for program $1 (-W, -t), the rest being
# the client's options; print the client's status, stdout and the peer's
# result.
peer_run() {
	_prog=$1
	_want=$2
	_pieces=$3
	shift 3
	rm -f "$SC_TMP/peer.port" "$SC_TMP/c.out"
	# shellcheck disable=SC2086
	bg $TBPEER chunks "$SC_TMP/peer.port" "$SC_TMP/c.out" "$_want" \
	    $_pieces >"$SC_TMP/peer.res"
	wait_for "$SC_TMP/peer.port" '^[0-9]+$'
	t 5 "$_prog" "$@" 127.0.0.1 "$(<"$SC_TMP/peer.port")" \
	    </dev/null >"$SC_TMP/c.out"
	echo "status=$?"
	wait_exit "$BG_PID"
	od -An -tx1 "$SC_TMP/c.out" | tr -d ' \n'
	echo
	cat "$SC_TMP/peer.res"
}

# -W: the client ends after that many reads from the network.
test_recv_limit_behaviour() {
	command -v python3 >/dev/null || { sc_skip "no python3"; return; }
	pieces="6f6e650a 74776f0a 74687265650a"
	assertEquals "-W 2" "$(peer_run "$NC" 0 "$pieces" -W 2)" \
	    "$(peer_run "$SC" 0 "$pieces" -W 2)"
	assertEquals "-W 1" "$(peer_run "$NC" 0 "$pieces" -W 1)" \
	    "$(peer_run "$SC" 0 "$pieces" -W 1)"
}

# -t: the same answers to a whole negotiation in one read.
test_telnet_answers() {
	command -v python3 >/dev/null || { sc_skip "no python3"; return; }
	want=$(peer_run "$NC" 6 "fffb01fffd03 0a" -t)
	assertContains "$want" "fffe01fffc03 enough"
	assertEquals "$want" "$(peer_run "$SC" 6 "fffb01fffd03 0a" -t)"
}

# -F: stdout that is not a socket, or a terminal.
test_pass_fd_errors() {
	server srv -k -l 127.0.0.1 0 || fail "no server"
	compare -F 127.0.0.1 "$PORT"
	# -z's socket too: nc hands over the first port that connects.
	compare -zF 127.0.0.1 "$PORT"
	compare -zvF 127.0.0.1 "$((PORT - 1))-$PORT"
	command -v python3 >/dev/null || { sc_skip "no python3"; return; }
	want=$(t 5 $TBPEER ontty "$NC" -F 127.0.0.1 "$PORT" |
	    sed 's/^nc.openbsd: /PROG: /')
	got=$(t 5 $TBPEER ontty "$SC" -F 127.0.0.1 "$PORT" |
	    sed 's/^sockcat: /PROG: /')
	assertEquals "PROG: Cannot pass file descriptor to tty status=1" "$want"
	assertEquals "$want" "$got"
}

sc_run_shunit2
