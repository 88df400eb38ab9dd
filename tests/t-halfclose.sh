#!/bin/bash
# Half-close: the matrix of role (client, server) x direction (stdin ->
# socket, socket -> stdout) x state of the other direction (quiet,
# back-pressured, finished).  In each cell one side sends 10 lines and then
# end-of-file; the test checks that the lines and the EOF arrive.  The far
# end is tests/peer.py, an independent implementation.
#
# --half-close must deliver data and EOF in every cell.  The default and -N
# keep netcat-openbsd's exit rules: data is delivered wherever nc delivers
# it, stdout always gets EOF, and stdin's EOF reaches the socket only when
# the options ask for it.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3
PEER="python3 ${TESTS_DIR:-$(dirname "$0")}/peer.py"
# The peer holds on longer than the test waits for stdout's EOF, so that
# the EOF cannot come from the peer giving up.  A peer that reads waits
# for the EOF as long as any wait (it ends as soon as the EOF comes), but
# only PEER_NO_EOF seconds where the cell expects none: that is what the
# cell asserts, no EOF for that long.
PEER_DEADLINE=$SC_WAIT
PEER_NO_EOF=3
EOF_WAIT=$SC_WAIT
PEER_HOLD=$((EOF_WAIT + 10))
SC_LIFE=$((PEER_HOLD + 10))

lines() {
	i=0
	while [ $i -lt 10 ]; do
		echo "$1 line $i"
		i=$((i + 1))
	done
}

# Feed sockcat's stdin: 10 lines, once file $1 holds text $2 if given.
# The FIFO is opened first: sockcat cannot start until it is.
feeder() {
	exec 3>"$D/stdin"
	[ -n "$2" ] && wait_for "$1" "$2"
	lines sockcat >&3
	exec 3>&-
}

# cell MODE ROLE DIR OTHER: run one cell, setting DATA_OK and EOF_OK.
cell() {
	mode=$1 role=$2 dir=$3 other=$4
	D=$SC_TMP/cell
	mkdir -p "$D"
	mkfifo "$D/stdin"
	DATA_OK=no EOF_OK=no

	# sockcat's stdout.
	out=$D/got
	if [ "$dir" = in ]; then
		mkfifo "$D/stdout"
		bg sh -c "cat '$D/stdout' >'$D/got'; echo eof >'$D/flag'"
		out=$D/stdout
	elif [ "$other" = pressed ]; then
		# A reader that never reads: the pipe fills up.
		mkfifo "$D/stdout"
		bg sh -c "exec sleep $SC_LIFE 3<'$D/stdout'"
		out=$D/stdout
	fi

	# sockcat's stdin, and what the peer does.
	peer_args="--deadline $PEER_HOLD"
	if [ "$dir" = out ]; then
		peer_args="--deadline $PEER_DEADLINE"
		set -- $(expect "$mode" "$role" "$dir" "$other")
		[ "$2" = no ] && peer_args="--deadline $PEER_NO_EOF"
		peer_args="$peer_args --read $D/peer.got"
		case $other in
		quiet)
			bg feeder ;;
		pressed)
			bg feeder
			peer_args="$peer_args --flood" ;;
		done)
			bg feeder "$D/got" "peer line 9"
			peer_args="$peer_args --send 10" ;;
		esac
	else
		peer_args="$peer_args --send 10"
		case $other in
		quiet)
			bg sh -c "exec sleep $SC_LIFE 3>'$D/stdin'"
			peer_args="$peer_args --read $D/peer.got" ;;
		pressed)
			bg sh -c "exec cat /dev/zero >'$D/stdin'" ;;
		done)
			bg sh -c ": >'$D/stdin'"
			peer_args="$peer_args --read $D/peer.got" ;;
		esac
	fi

	if [ "$role" = server ]; then
		# Not through bg(): redirections on a function call are opened by
		# this shell, which would then hold the FIFOs.
		# sockcat alone holds its stdout: timeout(1) must not.
		timeout $SC_LIFE sh -c "exec '$SC' $mode -v -l 127.0.0.1 0 \
		    <'$D/stdin' >'$out' 2>'$D/err'" &
		SC_PIDS="$SC_PIDS $!"
		wait_for "$D/err" "^Listening on" || { fail "no listener"; return; }
		port=$(sed -n 's/^Listening on .* //p' "$D/err")
		# shellcheck disable=SC2086
		bg sh -c "exec $PEER --connect $port $peer_args >'$D/peer.res'"
	else
		# shellcheck disable=SC2086
		bg sh -c "exec $PEER --listen '$D/port' $peer_args >'$D/peer.res'"
		wait_for "$D/port" . || { fail "no peer"; return; }
		timeout $SC_LIFE sh -c "exec '$SC' $mode 127.0.0.1 $(<"$D/port") \
		    <'$D/stdin' >'$out' 2>'$D/err'" &
		SC_PIDS="$SC_PIDS $!"
	fi

	if [ "$dir" = out ]; then
		wait_for "$D/peer.res" '^(eof|timeout|error)$' $((PEER_DEADLINE + 10))
		[ "$(cat "$D/peer.got" 2>/dev/null)" = "$(lines sockcat)" ] &&
		    DATA_OK=yes
		grep -q '^eof$' "$D/peer.res" && EOF_OK=yes
	else
		wait_for "$D/flag" eof $EOF_WAIT && EOF_OK=yes
		[ "$(cat "$D/got" 2>/dev/null)" = "$(lines peer)" ] &&
		    DATA_OK=yes
	fi
	return 0
}

# The expectations, per mode: "data eof" for each cell.
expect() {
	mode=$1 role=$2 dir=$3 other=$4
	case "$mode $dir" in
	"--half-close "*)
		echo "yes yes" ;;
	*" in")
		echo "yes yes" ;;
	"-N out")
		if [ "$role $other" = "server done" ]; then
			# nc's listener ends as soon as its client has finished
			# sending: stdin that comes later is not sent.
			echo "- -"
		else
			echo "yes yes"
		fi ;;
	" out")
		if [ "$role $other" = "server done" ]; then
			echo "- -"
		elif [ "$role $other" = "client done" ]; then
			# Both directions are over: sockcat exits, closing.
			echo "yes yes"
		else
			# Without -N the socket is never shut down (nc).
			echo "yes no"
		fi ;;
	esac
}

check_cell() {
	cell "$@"
	set -- $(expect "$@")
	[ "$1" = - ] || assertEquals "data" "$1" "$DATA_OK"
	[ "$2" = - ] || assertEquals "eof" "$2" "$EOF_OK"
	if [ "$1" != "$DATA_OK" ] && [ -f "$D/err" ]; then
		cat "$D/err"
	fi
}

suite() {
	for mode in default N half; do
		for role in client server; do
			for dir in out in; do
				for other in quiet pressed done; do
					case $mode in
					default) flag="" ;;
					N) flag="-N" ;;
					half) flag="--half-close" ;;
					esac
					name="test_${mode}_${role}_${dir}_${other}"
					eval "$name() { check_cell '$flag' $role $dir $other; }"
					suite_addTest "$name"
				done
			done
		done
	done
}

sc_run_shunit2
