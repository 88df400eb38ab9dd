#!/bin/bash
# --workers: a server of many clients run by several processes under one
# parent, and --backlog.  The clients spread evenly over the workers
# (each one's share of 10,000 connections within a tenth of even, counted
# by their -v lines); a worker killed is started again and its programs
# end with it; SIGTERM to the parent, or SIGKILL, leaves no process of
# theirs; the parent passes its signals on; -lk -e runs programs in every
# worker, a pair that forwards and the proxy server serve in theirs;
# what must be one process's is refused in one line.  The
# listening queue's length is what ss(8) shows as its Send-Q.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/proc.sh"

sc_require python3 ss

PEER="python3 $(dirname "$0")/fwdpeer.py"

# workers_of NAME: the pids of the workers of server NAME (SERVER_PID,
# its timeout), once there are $2 of them, in PARENT and WORKERS.
workers_of() {
	PARENT=$(child_pid "$SERVER_PID") || return 1
	wait_until has_workers "$PARENT" "$1" || return 1
	WORKERS=$(cat "/proc/$PARENT/task/$PARENT/children")
}
has_workers() {
	_want=$2
	# shellcheck disable=SC2046
	set -- $(cat "/proc/$1/task/$1/children" 2>/dev/null)
	[ $# -eq "$_want" ]
}

# looping PID...: has each of them started its event loop (it holds an
# epoll instance), and so taken the signals it handles from the loop?
looping() {
	for _p; do
		for _f in "/proc/$_p/fd/"*; do
			[ "$(readlink "$_f")" = "anon_inode:[eventpoll]" ] &&
			    continue 2
		done
		return 1
	done
}

# alive PID: does PID run (a zombie does not: it has ended)?
alive() {
	[ -r "/proc/$1/stat" ] &&
	    [ "$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
none_alive() {
	for _p; do
		alive "$_p" && return 1
	done
	return 0
}

# cats_of PID...: the pids of the programs (cat) those processes run, on
# one line.
cats_of() {
	for _p; do
		cat "/proc/$_p/task/$_p/children" 2>/dev/null
	done | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}

# held N: N clients of the server on PORT, kept until the test ends,
# once the workers (WORKERS) run a program for each.
held() {
	for _i in $(seq "$1"); do
		bg t 30 sh -c 'sleep 25 | "$0" 127.0.0.1 "$1" >/dev/null' \
		    "$SC" "$PORT"
	done
	wait_until programs "$1"
}
programs() {
	# shellcheck disable=SC2046
	set -- "$1" $(cats_of $WORKERS)
	[ $# -eq $(($1 + 1)) ]
}

# share NAME N: the number of -v lines of worker N of server NAME that
# received a connection.
share() {
	grep -c "^worker $2: Connection received on " "$SC_TMP/$1.err"
}

# A target that refuses: bound, never listened on, held by the peer.
closed_port() {
	bg $PEER closed-port "$SC_TMP/closed.port"
	wait_for "$SC_TMP/closed.port" '^[0-9]+$' || fail "no closed port"
	CPORT=$(<"$SC_TMP/closed.port")
}

test_spread_evenly() {
	closed_port
	# Each client is ended by the forwarder, whose target refuses: no
	# port of this host is left waiting (TIME_WAIT) by the 10,000.
	server srv -lkn --workers 4 127.0.0.1 0 --forward "127.0.0.1:$CPORT" ||
	    fail "no server"
	workers_of 4 || fail "not 4 workers"
	t 120 $PEER ended-clients 127.0.0.1 "$PORT" 10000 16 "$SC_TMP/ended"
	assertEquals "every client served" 10000 "$(<"$SC_TMP/ended")"
	wait_lines "$SC_TMP/srv.err" 'Connection received on ' 10000
	total=0
	for w in 1 2 3 4; do
		n=$(share srv "$w")
		total=$((total + n))
		assertTrue "worker $w: $n of 10000, within 10 % of 2500" \
		    "[ $n -ge 2250 ] && [ $n -le 2750 ]"
	done
	assertEquals "each line a worker's" 10000 "$total"
	assertEquals "said once, by the parent" 1 \
	    "$(grep -c '^Listening on 127.0.0.1 ' "$SC_TMP/srv.err")"
}

test_exec_in_every_worker() {
	server srv -lkn --workers 2 127.0.0.1 0 -e /bin/cat || fail "no server"
	t 30 $PEER many 127.0.0.1 "$PORT" 64 "$SC_TMP/echoed"
	assertEquals "every line echoed by a program" 64 \
	    "$(<"$SC_TMP/echoed")"
	# 64 clients all on one worker: 2 in 2^64.
	assertTrue "worker 1 served" "[ $(share srv 1) -gt 0 ]"
	assertTrue "worker 2 served" "[ $(share srv 2) -gt 0 ]"
	assertEquals "a line each" 64 $(($(share srv 1) + $(share srv 2)))
}

test_pair_and_proxy_server() {
	server be -lkn 127.0.0.1 0 -e /bin/cat || fail "no backend"
	bport=$PORT
	# A pair that forwards: the forwarder's workers.
	server srv -n --workers 2 tcp-l:0,bind=127.0.0.1 \
	    "tcp:127.0.0.1:$bport" || fail "no pair"
	t 30 $PEER many 127.0.0.1 "$PORT" 64 "$SC_TMP/echoed"
	assertEquals "every line through the pair" 64 "$(<"$SC_TMP/echoed")"
	assertTrue "worker 1 served" "[ $(share srv 1) -gt 0 ]"
	assertTrue "worker 2 served" "[ $(share srv 2) -gt 0 ]"
	# The proxy server: each client's CONNECT in one of its workers.
	server px -ln --proxy-type http --workers 2 127.0.0.1 0 ||
	    fail "no proxy server"
	for i in 1 2 3 4; do
		echo "line $i" | t 10 "$SC" -N -X connect -x "127.0.0.1:$PORT" \
		    127.0.0.1 "$bport" >>"$SC_TMP/px.got"
	done
	assertEquals "through the proxy" "line 1
line 2
line 3
line 4" "$(<"$SC_TMP/px.got")"
	assertEquals "each a worker's line" 4 $(($(share px 1) + $(share px 2)))
}

test_killed_worker_started_again() {
	server srv -lkn --workers 2 127.0.0.1 0 -e /bin/cat || fail "no server"
	workers_of 2 || fail "not 2 workers"
	held 4 || fail "no programs"
	# The first worker with a program.
	for w in $WORKERS; do
		cats=$(cats_of "$w")
		[ -n "$cats" ] && break
	done
	assertNotNull "a worker runs programs" "$cats"
	kill -KILL "$w"
	assertTrue "its programs end with it" "wait_until none_alive $cats"
	assertTrue "started again" \
	    "wait_for '$SC_TMP/srv.err' '^sockcat: worker [12] died of signal 9 \(Killed\): started again$'"
	num=$(sed -n 's/^sockcat: worker \([12]\) died of signal 9.*/\1/p' \
	    "$SC_TMP/srv.err")
	assertTrue "two workers again" "wait_until has_workers $PARENT 2"
	new=$(cat "/proc/$PARENT/task/$PARENT/children")
	case " $new " in
	*" $w "*) fail "the killed one is still a worker" ;;
	esac
	before=$(share srv "$num")
	t 30 $PEER many 127.0.0.1 "$PORT" 64 "$SC_TMP/echoed"
	assertEquals "served after" 64 "$(<"$SC_TMP/echoed")"
	assertTrue "the new worker $num serves" \
	    "[ $(share srv "$num") -gt $before ]"
	assertTrue "the server runs on" "alive $PARENT"
}

test_sigterm_ends_everything() {
	server srv -lkn --workers 3 127.0.0.1 0 -e /bin/cat || fail "no server"
	workers_of 3 || fail "not 3 workers"
	held 6 || fail "no programs"
	cats=$(cats_of $WORKERS)
	assertEquals "six programs" 6 "$(echo "$cats" | wc -w)"
	kill -TERM "$PARENT"
	wait_exit "$SERVER_PID"
	assertEquals "died of SIGTERM, as one process does" 143 "$WAIT_STATUS"
	assertTrue "no worker left" "wait_until none_alive $WORKERS"
	assertTrue "no program left" "wait_until none_alive $cats"
	assertEquals "no complaint" "" \
	    "$(grep -v -e '^Listening on ' -e 'Connection received on ' \
	    "$SC_TMP/srv.err")"
}

test_parent_killed() {
	server srv -lkn --workers 2 127.0.0.1 0 -e /bin/cat || fail "no server"
	workers_of 2 || fail "not 2 workers"
	held 4 || fail "no programs"
	cats=$(cats_of $WORKERS)
	kill -KILL "$PARENT"
	wait_exit "$SERVER_PID"
	assertEquals "killed" 137 "$WAIT_STATUS"
	assertTrue "the workers end with it" "wait_until none_alive $WORKERS"
	assertTrue "and their programs" "wait_until none_alive $cats"
}

test_signals_passed_on() {
	echo "127.0.0.1:1" >"$SC_TMP/targets"
	server srv -lkn --workers 2 127.0.0.1 0 \
	    --forward-file "$SC_TMP/targets" || fail "no server"
	workers_of 2 || fail "not 2 workers"
	wait_until looping $WORKERS || fail "no loop"
	kill -HUP "$PARENT"
	assertTrue "each reads its file again" \
	    "wait_lines '$SC_TMP/srv.err' '^sockcat: worker [12]: forward: 1 targets read again$' 2"
	kill -USR1 "$PARENT"
	assertTrue "each says its figures" \
	    "wait_lines '$SC_TMP/srv.err' '^sockcat: worker [12]: sent 0 bytes, received 0 bytes' 2"
	for w in 1 2; do
		assertEquals "worker $w's" 2 "$(grep -c "^sockcat: worker $w: " \
		    "$SC_TMP/srv.err")"
	done
	assertTrue "both still there" "has_workers $PARENT 2"
	kill -INT "$PARENT"
	wait_exit "$SERVER_PID"
	assertEquals "died of SIGINT" 130 "$WAIT_STATUS"
}

test_workers_that_end_their_work() {
	# socat's accept-timeout=: each worker ends when no client came in
	# its time, with 0, and the command with the last.
	server srv -n --workers 2 tcp-l:0,bind=127.0.0.1,fork,accept-timeout=1 \
	    exec:/bin/cat || fail "no server"
	wait_exit "$SERVER_PID"
	assertEquals "status" 0 "$WAIT_STATUS"
	assertEquals "each said why" 2 \
	    "$(grep -c '^sockcat: worker [12]: accept: Connection timed out$' \
	    "$SC_TMP/srv.err")"
}

test_one_worker_keeps_nc_lines() {
	# auto: the processors it may run on, here one.
	server srv -lkn --workers auto 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/out"
	assertEquals "echoed" hi "$(<"$SC_TMP/out")"
	n=$(nproc)
	if [ "$n" -gt 1 ]; then
		assertTrue "a worker a processor" "workers_of $n"
	fi
	# Confined to one processor by taskset(1): one, in this process.
	printf '#!/bin/sh\nexec taskset -c 0 %s "$@"\n' "$SC" >"$SC_TMP/one"
	chmod +x "$SC_TMP/one"
	SC=$SC_TMP/one server one -lkn --workers auto 127.0.0.1 0 \
	    -e /bin/cat || fail "no server"
	echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null
	assertTrue "nc's line" \
	    "wait_for '$SC_TMP/one.err' '^Connection received on 127.0.0.1 [0-9]+$'"
	one=$(child_pid "$SERVER_PID")
	assertEquals "no other process" "" \
	    "$(cat "/proc/$one/task/$one/children")"
}

test_refusals() {
	many="--workers is for a server of many TCP clients at once: -lk with"
	many="$many -e, -c or --forward, or a proxy server"
	expect_error "$many" --workers 2 127.0.0.1 9
	expect_error "$many" -l --workers 2 0 -e /bin/cat
	expect_error "$many" -lk --workers 2 0
	expect_error "$many" -lku --workers 2 0 -e /bin/cat
	expect_error "$many" -lkU --workers 2 "$SC_TMP/s" -e /bin/cat
	expect_error "$many" -l --workers 2 0 --forward 127.0.0.1:9
	expect_error "$many" --workers 2 unix-l:"$SC_TMP/s",fork exec:/bin/cat
	expect_error "--workers: a broker's clients are held in one process" \
	    --broker --workers 2 0
	expect_error "--workers: a room's members are held in one process" \
	    --room --workers 2 0
	expect_error "--workers: the relay pairs the clients it holds in one process" \
	    --relay --workers 2
	expect_error "--workers: --max-conns (max-children=) counts the clients of one process" \
	    -lk --workers 2 --max-conns 3 0 -e /bin/cat
	expect_error "--workers: --max-conns (max-children=) counts the clients of one process" \
	    --workers 2 tcp-l:0,fork,max-children=3 exec:/bin/cat
	expect_error "--workers: --auth and --proxy-auth count wrong passwords in one process" \
	    -l --proxy-type http --proxy-auth a:b --workers 2 0
	expect_error "--workers: --record numbers the sessions of one process" \
	    -lk --workers 2 --record "$SC_TMP/r%n" 0 -e /bin/cat
	expect_error "--workers: --progress draws one process's line" \
	    -lk --workers 2 --progress=always 0 -e /bin/cat
	expect_error "workers too small: 0" -lk --workers 0 0 -e /bin/cat
	expect_error "workers invalid: many" -lk --workers many 0 -e /bin/cat
	expect_error "workers too large: 1025" -lk --workers 1025 0 -e /bin/cat
	expect_error "must use -l with --backlog" --backlog 5 127.0.0.1 9
	expect_error "cannot use --backlog with -u" -lu --backlog 5 0
	expect_error "backlog too small: 0" -lk --backlog 0 0
}

test_auth_refused() {
	t 5 "$SC" -lk --websocket --workers 2 --auth a:b 0 -e /bin/cat \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "the refusal, after the warning of any --auth" \
	    "sockcat: --workers: --auth and --proxy-auth count wrong passwords in one process" \
	    "$(tail -n 1 "$SC_TMP/err")"
}

test_program_missing_said_once() {
	t 10 "$SC" -lk --workers 3 127.0.0.1 0 -e "$SC_TMP/none" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "one line, before any worker" \
	    "sockcat: exec $SC_TMP/none: No such file or directory" \
	    "$(<"$SC_TMP/err")"
}

# backlog NAME: the listening queue's length of server NAME's port
# (each socket's, with workers), as ss shows it.
backlog() {
	ss -Hltn "sport = :$PORT" | awk '{ print $3 }' | tr '\n' ' ' |
	    sed 's/ $//'
}

test_backlog() {
	most=$(</proc/sys/net/core/somaxconn)
	server a -lk 127.0.0.1 0 -e /bin/cat || fail "no server"
	assertEquals "many clients at once: the most" "$most" "$(backlog)"
	server b -lk --backlog 7 127.0.0.1 0 -e /bin/cat || fail "no server"
	assertEquals "--backlog" 7 "$(backlog)"
	server c -lk 127.0.0.1 0 || fail "no server"
	assertEquals "one at a time: 128" 128 "$(backlog)"
	server d -lk --backlog 5 127.0.0.1 0 || fail "no server"
	assertEquals "--backlog, one at a time" 5 "$(backlog)"
	server e tcp-l:0,bind=127.0.0.1,fork,backlog=9 exec:/bin/cat ||
	    fail "no server"
	assertEquals "socat's backlog=, the same field" 9 "$(backlog)"
	server f -lkn --workers 2 --backlog 11 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	assertEquals "each worker's socket" "11 11" "$(backlog)"
}

sc_run_shunit2
