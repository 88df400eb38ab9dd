#!/bin/bash
# A peer that resets the connection ends sockcat, whatever the path the
# bytes take (splice(2) straight to a pipe or through one, sendfile(2)
# from a regular file, or copying), with stdout a pipe, a file or
# /dev/null, connecting or listening: reported with status 1 where it
# cuts off what stdin gives, and with --fail-on-error; else, as nc's
# end, status 0 with everything received delivered, said with -v only.
# A reset must never leave sockcat waiting on a stdin that stays open.
# A reset after the peer's end decides the same whichever event sockcat
# takes first, a line of stdin or the reset.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3

FAULT="${TESTS_DIR:-$(dirname "$0")}/fault.py"

# How long a case may take before it counts as hung: sockcat is killed
# then (status 124), and the case fails.
HANG=8

# run_sc OUT IN ARGS...: sockcat ARGS in the background, stdin from IN,
# stdout to a pipe (read by cat into c.out), the file c.out or /dev/null
# (OUT: pipe, file, null), stderr in c.err; its status goes to rc.
run_sc() {
	_out=$1 _in=$2
	shift 2
	rm -f "$SC_TMP/rc"
	: >"$SC_TMP/c.err"
	bg bash -c '
		out=$1 in=$2 tmp=$3 hang=$4
		shift 4
		case $out in
		pipe)	timeout -k 2 "$hang" "$@" <"$in" 2>"$tmp/c.err" |
			    cat >"$tmp/c.out"
			echo "${PIPESTATUS[0]}" >"$tmp/rc" ;;
		file)	timeout -k 2 "$hang" "$@" <"$in" >"$tmp/c.out" \
			    2>"$tmp/c.err"
			echo $? >"$tmp/rc" ;;
		null)	timeout -k 2 "$hang" "$@" <"$in" >/dev/null \
			    2>"$tmp/c.err"
			echo $? >"$tmp/rc" ;;
		esac' sh "$_out" "$_in" "$SC_TMP" "$HANG" "$@" 7>&-
}

# The port sockcat -l -v listens on, once it says.
sc_port() {
	wait_for "$SC_TMP/c.err" '^Listening on ' || return 1
	sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' "$SC_TMP/c.err"
}

# fault.py listening with the given arguments; sets FPORT.
fault_listen() {
	rm -f "$SC_TMP/pf"
	bg timeout -k 2 15 python3 "$FAULT" --listen "$SC_TMP/pf" "$@" \
	    >"$SC_TMP/fault.out"
	wait_for "$SC_TMP/pf" '^[0-9]+$' || fail "fault.py did not listen"
	FPORT=$(<"$SC_TMP/pf")
}

# check_ended WHAT REGEX: sockcat ended by itself with status 1 and said
# once, on a line of its own, what REGEX says.
check_ended() {
	assertTrue "$1: ended (not hung)" "wait_for '$SC_TMP/rc' ."
	assertEquals "$1: exit status" 1 "$(<"$SC_TMP/rc")"
	assertEquals "$1: reported once: $(<"$SC_TMP/c.err")" 1 \
	    "$(grep -Ec "^sockcat: $2\$" "$SC_TMP/c.err")"
}

RECV_RESET='read from network: Connection reset by peer'
SEND_RESET='(write to|read from) network: (Connection reset by peer|Broken pipe)'

# check_nc_end WHAT N: sockcat ended by itself with status 0 (nc's end:
# nothing stdin gave was cut off), and said the reset N times (with -v,
# once).
check_nc_end() {
	assertTrue "$1: ended (not hung)" "wait_for '$SC_TMP/rc' ."
	assertEquals "$1: exit status" 0 "$(<"$SC_TMP/rc")"
	assertEquals "$1: said with -v only: $(<"$SC_TMP/c.err")" "$2" \
	    "$(grep -Ec "^sockcat: $RECV_RESET\$" "$SC_TMP/c.err")"
}

# The peer sends, then resets; stdin stays open (a FIFO this shell holds)
# and has said one line, which the peer waits for.  FLAG: --fail-on-error,
# or none (nc's end).
reset_while_receiving() {
	mode=$1 out=$2 path=$3 flag=${4:-}
	what="$mode, stdout $out, ${path:-splice}${flag:+, $flag}"
	held_stdin in 7
	if [ "$mode" = connect ]; then
		fault_listen --send-rst 200000
		run_sc "$out" "$SC_TMP/in" "$SC" $flag $path 127.0.0.1 "$FPORT"
		echo go >&7
	else
		run_sc "$out" "$SC_TMP/in" "$SC" -v $flag $path -l 127.0.0.1 0
		port=$(sc_port) || fail "$what: no listener"
		bg timeout -k 2 15 python3 "$FAULT" --connect "$port" \
		    --send-rst 200000 >"$SC_TMP/fault.out"
		echo go >&7
	fi
	if [ -n "$flag" ]; then
		check_ended "$what" "$RECV_RESET"
	else
		check_nc_end "$what" "$([ "$mode" = connect ] && echo 0 || echo 1)"
	fi
	exec 7>&-
	rm -f "$SC_TMP/in"
	sc_cleanup
}

# stdin is a regular file (sendfile(2), or copied with --no-splice) larger
# than the peer takes: it reads some, then resets.
reset_while_sending() {
	mode=$1 out=$2 path=$3
	what="$mode, stdout $out, ${path:-sendfile}"
	if [ "$mode" = connect ]; then
		fault_listen --rst-after 100000
		run_sc "$out" "$SC_TMP/big" "$SC" $path 127.0.0.1 "$FPORT"
	else
		run_sc "$out" "$SC_TMP/big" "$SC" -v $path -l 127.0.0.1 0
		port=$(sc_port) || fail "$what: no listener"
		bg timeout -k 2 15 python3 "$FAULT" --connect "$port" \
		    --rst-after 100000 >"$SC_TMP/fault.out"
	fi
	check_ended "$what" "$SEND_RESET"
	sc_cleanup
}

test_reset_while_receiving_connect() {
	for out in pipe file null; do
		for path in "" --no-splice; do
			reset_while_receiving connect "$out" "$path" \
			    --fail-on-error
			reset_while_receiving connect "$out" "$path"
		done
	done
}

test_reset_while_receiving_listen() {
	for out in pipe file null; do
		for path in "" --no-splice; do
			reset_while_receiving listen "$out" "$path" \
			    --fail-on-error
			reset_while_receiving listen "$out" "$path"
		done
	done
}

test_reset_while_sending_connect() {
	head -c 16777216 /dev/zero >"$SC_TMP/big"
	for out in pipe file null; do
		for path in "" --no-splice; do
			reset_while_sending connect "$out" "$path"
		done
	done
}

test_reset_while_sending_listen() {
	head -c 16777216 /dev/zero >"$SC_TMP/big"
	for out in pipe file null; do
		for path in "" --no-splice; do
			reset_while_sending listen "$out" "$path"
		done
	done
}

# Is the standard output of process $1 closed (/dev/null in its place)?
stdout_closed() {
	[ "$(readlink "/proc/$1/fd/1")" = /dev/null ]
}

# Is process $1 stopped (SIGSTOP)?
stopped() {
	[ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat")" = T ]
}

# Has no connection to port $1 been left waiting for its own close (its
# peer's end received, then a reset)?
not_closing() {
	! ss -Htn state close-wait "( dport = :$1 )" | grep -q .
}

# end_then_reset ORDER TEXT ARGS...: sockcat ARGS, in the event-order
# knob's ORDER, connects to a peer that reads 6 bytes, ends its sending
# and resets once $SC_TMP/go is there; stdin a held FIFO on 7 that has
# given TEXT.  Returns once sockcat has delivered the peer's end (closed
# its stdout), its process in SC_PID.
end_then_reset() {
	_order=$1 _text=$2
	shift 2
	held_stdin in 7
	rm -f "$SC_TMP/go" "$SC_TMP/pid"
	fault_listen --end-rst 6 --go "$SC_TMP/go"
	run_sc file "$SC_TMP/in" env SC_EVENT_ORDER="$_order" \
	    sh -c 'echo $$ >"$0"; exec "$@"' "$SC_TMP/pid" \
	    "$SC" "$@" 127.0.0.1 "$FPORT"
	printf %b "$_text" >&7
	wait_for "$SC_TMP/pid" . || fail "sockcat did not start"
	SC_PID=$(<"$SC_TMP/pid")
	assertTrue "the peer's end delivered" "wait_until stdout_closed $SC_PID"
}

# The peer reads the line stdin gave, ends its sending, then resets while
# stdin stays open: sockcat, with nothing to write, hears the reset alone
# (its hang-up watch).  It is stopped while the reset comes, with another
# line given to stdin (MORE) or without, so that its loop finds both
# ready in one round and takes them in the event-order knob's ORDER.  The
# line given then is read and cannot be delivered: said, status 1,
# whichever the loop takes first (nc.openbsd reads it and drops it,
# quietly); with nothing given, nc's end, status 0, quiet.
reset_after_the_end() {
	order=$1 more=$2
	what="${order:-kernel order}${more:+, a line with the reset}"
	end_then_reset "$order" 'hello\n'
	# Stopped, not only told to stop: else its wait could still return
	# the line alone, before the reset.
	kill -s STOP "$SC_PID"
	wait_until stopped "$SC_PID" || fail "$what: not stopped"
	[ -z "$more" ] || echo more >&7
	touch "$SC_TMP/go"
	wait_for "$SC_TMP/fault.out" '^reset'
	# The reset has reached sockcat's socket, which has left CLOSE-WAIT.
	wait_until not_closing "$FPORT" || fail "$what: no reset arrived"
	kill -s CONT "$SC_PID"
	assertEquals "$what: the peer read" "reset after its end, 6 read" \
	    "$(<"$SC_TMP/fault.out")"
	if [ -n "$more" ]; then
		check_ended "$what" "write to network: Broken pipe"
	else
		assertTrue "$what: ended (not hung)" "wait_for '$SC_TMP/rc' ."
		assertEquals "$what: exit status" 0 "$(<"$SC_TMP/rc")"
		assertEquals "$what: quiet" "" "$(<"$SC_TMP/c.err")"
	fi
	exec 7>&-
	rm -f "$SC_TMP/in"
	sc_cleanup
}

test_reset_after_the_end() {
	sc_debug_build || { sc_skip "no event-order knob"; return; }
	for order in "" reverse seed:1 seed:2; do
		reset_after_the_end "$order" more
		reset_after_the_end "$order" ""
	done
}

# The same with the second line read already, waiting for the pause after
# the first (-i, longer than a case may take) when the reset comes: it is
# lost, and said.
test_reset_after_the_end_with_a_line_paused() {
	end_then_reset "" 'hello\nmore\n' -i $((HANG + 2))
	touch "$SC_TMP/go"
	check_ended "-i" "write to network: Broken pipe"
	exec 7>&-
	rm -f "$SC_TMP/in"
}

# A program that has not read what the peer sent when the peer resets:
# the reset closes the program's output, the program exits (here as soon
# as its output is closed), and the bytes queued for it cannot be written.
# The reset is still said, not hidden by that write's error, with or
# without splice(2).  -w keeps the connection in the pump (a program given
# the socket itself sees the reset on its own).  96 KiB: more than the
# program's pipe holds (64 KiB), less than that and the channel's buffer,
# so that the socket is still read when the reset comes.
test_reset_before_program_reads() {
	cat >"$SC_TMP/prog.py" <<-'EOF'
	import os, select
	os.write(1, b"r")
	p = select.poll()
	p.register(1, 0)
	p.poll()
	EOF
	for path in "" --no-splice; do
		run_sc null /dev/null "$SC" -v -w 10 $path -l \
		    -c "exec python3 $SC_TMP/prog.py" 127.0.0.1 0
		port=$(sc_port) || fail "${path:-splice}: no listener"
		bg timeout -k 2 15 python3 "$FAULT" --connect "$port" \
		    --send-rst 98304 >"$SC_TMP/fault.out"
		check_ended "program, ${path:-splice}" "$RECV_RESET"
		sc_cleanup
	done
}

# A pair forwarded (a dialled socket with a device) is one session: a
# reset is said and ends it with status 1, as the pair with stdin and
# stdout says it.  Under socat's name a reset read is an end, as socat's
# (status 0, nothing said).
test_reset_on_a_forwarded_pair() {
	# The peer answers a byte typed on the pty, then resets: the reset
	# comes once connected.
	fault_listen --send-rst 1
	run_sc null /dev/null "$SC" "tcp:127.0.0.1:$FPORT" "pty:$SC_TMP/link"
	wait_until test -e "$SC_TMP/link" || fail "no pty"
	printf x >"$SC_TMP/link"
	check_ended "a forwarded pair" \
	    "read from tcp:127\\.0\\.0\\.1:$FPORT: Connection reset by peer"
	assertFalse "the link is gone" "[ -e '$SC_TMP/link' ]"
	sc_cleanup
	ln -s "$SC" "$SC_TMP/socat"
	for s in "$SC_TMP/socat" socat; do
		command -v "$s" >/dev/null || continue
		fault_listen --send-rst 1
		run_sc null /dev/null "$s" "tcp:127.0.0.1:$FPORT" \
		    "pty,link=$SC_TMP/link,raw,echo=0"
		wait_until test -e "$SC_TMP/link" || fail "$s: no pty"
		printf x >"$SC_TMP/link"
		assertTrue "$s: ended" "wait_for '$SC_TMP/rc' ."
		assertEquals "$s: status" 0 "$(<"$SC_TMP/rc")"
		assertEquals "$s: nothing said" "" "$(<"$SC_TMP/c.err")"
		sc_cleanup
	done
}

# The first case of the issue, beside ncat: `ncat host port | cat` with
# stdin open, and the peer resets.  ncat ends with status 1 and says so,
# and so does sockcat with --fail-on-error (without it, as nc).
test_reset_in_a_pipeline_as_ncat() {
	have_ncat || { sc_skip "ncat not installed"; return; }
	held_stdin in 7
	fault_listen --send-rst 200000
	run_sc pipe "$SC_TMP/in" ncat 127.0.0.1 "$FPORT"
	echo go >&7
	assertTrue "ncat ended" "wait_for '$SC_TMP/rc' ."
	assertEquals "ncat's exit status" 1 "$(<"$SC_TMP/rc")"
	assertContains "ncat says: $(<"$SC_TMP/c.err")" \
	    "$(<"$SC_TMP/c.err")" "Connection reset by peer"
	exec 7>&-
	rm -f "$SC_TMP/in"
	sc_cleanup
	reset_while_receiving connect pipe "" --fail-on-error
}

sc_run_shunit2
