#!/bin/bash
# Load: a large transfer both ways at once through one connection, with
# SHA-256 checked on both ends, thousands of connections in a row to
# one -k listener without its descriptor count growing, and what idle
# WebSocket members of a broker that compress cost it.
#
# SC_LOAD_MIB sets the size of each direction (default 1024, 1 GiB).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/proc.sh"
sc_require python3 openssl

FAULT="${TESTS_DIR:-$(dirname "$0")}/fault.py"
WSPEER="${TESTS_DIR:-$(dirname "$0")}/wspeer.py"
: "${SC_LOAD_MIB:=1024}"

# gen KEY: the reproducible pseudo-random bytes one end sends, as a
# shell command line.
gen() {
	echo "openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass pass:$1 \
	    </dev/zero 2>/dev/null | head -c $((SC_LOAD_MIB * 1024 * 1024))"
}

test_both_directions_at_once() {
	# Each end hashes what it sends (through tee) and what it receives.
	# About 25 s of CI's loaded machine: the bound, far above, is for a
	# machine busier still (a 1 GiB run beside CI's took 90 s).
	_bound=300
	bg bash -c "$(gen server) | tee >($SHA256 >'$SC_TMP/s.sent') |
	    timeout $_bound '$SC' -v --half-close -l 127.0.0.1 0 \
	    2>'$SC_TMP/s.err' | $SHA256 >'$SC_TMP/s.recv'
	    echo \${PIPESTATUS[3]} >'$SC_TMP/s.rc'"
	wait_for "$SC_TMP/s.err" '^Listening on' || fail "no listener"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/s.err")
	start=$(now_ms)
	bg bash -c "$(gen client) | tee >($SHA256 >'$SC_TMP/c.sent') |
	    timeout $_bound '$SC' -N 127.0.0.1 $port 2>'$SC_TMP/c.err' |
	    $SHA256 >'$SC_TMP/c.recv'
	    echo \${PIPESTATUS[3]} >'$SC_TMP/c.rc'"
	wait_for "$SC_TMP/c.rc" . $_bound
	wait_for "$SC_TMP/s.rc" .
	took=$(( $(now_ms) - start ))
	echo "$SC_LOAD_MIB MiB each way at once in $took ms"
	assertEquals "client status" 0 "$(<"$SC_TMP/c.rc")"
	assertEquals "server status" 0 "$(<"$SC_TMP/s.rc")"
	# tee's hashes come from a process substitution: wait for them.
	wait_for "$SC_TMP/s.sent" "$SHA256_DONE"
	wait_for "$SC_TMP/c.sent" "$SHA256_DONE"
	assertEquals "client to server" "$(<"$SC_TMP/c.sent")" \
	    "$(<"$SC_TMP/s.recv")"
	assertEquals "server to client" "$(<"$SC_TMP/s.sent")" \
	    "$(<"$SC_TMP/c.recv")"
	assertNotEquals "the directions differ" "$(<"$SC_TMP/s.sent")" \
	    "$(<"$SC_TMP/c.sent")"
}

test_10000_sequential_connections() {
	: >"$SC_TMP/srv.in"
	SERVER_TIMEOUT=200 server srv -k -l 127.0.0.1 0 || fail "no server"
	pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	t 190 python3 "$FAULT" --connect "$PORT" --sequential 10000 \
	    --watch "$pid" --deadline 180 >"$SC_TMP/seq.out"
	assertEquals "python status" 0 $?
	echo "$(tr "\n" " " <"$SC_TMP/seq.out")"
	assertEquals "all connections served" "done 10000" \
	    "$(sed -n 1p "$SC_TMP/seq.out")"
	counts=$(sed -n 's/^fds //p' "$SC_TMP/seq.out")
	first=${counts%% *}
	for c in $counts; do
		assertEquals "descriptors stay flat ($counts)" "$first" "$c"
	done
	assertEquals "after the last" "$first" "$(fd_count "$pid")"
	assertEquals "every byte arrived" 10000 "$(wc -c <"$SC_TMP/srv.out")"
	assertEquals "nothing else" "" "$(tr -d x <"$SC_TMP/srv.out")"
	assertTrue "still listening" "kill -0 $pid"
}

# The members of a broker cost little once idle, whether they compress
# or not: between messages a member holds no buffer (doc/design.md,
# "Buffers only while data moves") and no zlib state (each message is
# compressed afresh, and once for all of them).  200 members of Python's
# websockets, each of which said a line that all the others got, cost
# the server at most 16 KiB each once quiet, 8 uncompressed (3 or 4
# measured; 13 uncompressed and 164 compressed when each kept its
# buffers, its compressor and its decompressor).  Not under a
# sanitizer, whose allocator keeps what is freed.
test_idle_websocket_members_cost_little() {
	if grep -aq __asan_init "$SOCKCAT"; then
		echo "sanitizer build: skipping the memory figures" >&2
		startSkipping
		return
	fi
	if ! python3 -c 'import sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets' 2>/dev/null; then
		echo "python3-websockets not installed: skipping" >&2
		startSkipping
		return
	fi
	n=200
	for z in "" --ws-no-compress; do
		server srv --broker --websocket $z -d 127.0.0.1 0 ||
		    fail "no server"
		pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
		before=$(rss_kb "$pid")
		rm -f "$SC_TMP/crowd.in"
		held_stdin crowd.in 7
		bg_in "$SC_TMP/crowd.in" t 170 python3 "$WSPEER" crowd \
		    "$n" "$PORT" >"$SC_TMP/crowd.out" 2>"$SC_TMP/crowd.err"
		wait_for "$SC_TMP/crowd.out" '^idle$' 160 ||
		    fail "the members: $(cat "$SC_TMP/crowd.out" \
		    "$SC_TMP/crowd.err")"
		after=$(rss_kb "$pid")
		if [ -z "$z" ]; then
			want="permessage-deflate; server_no_context_takeover;"
			want="$want client_no_context_takeover"
			most=16
		else
			want=none
			most=8
		fi
		assertEquals "agreed" "extensions $want" \
		    "$(grep '^extensions ' "$SC_TMP/crowd.out")"
		per=$(( (after - before) / n ))
		echo "$n idle members ${z:-compressed}:" \
		    "$((after - before)) KiB, $per each"
		assertTrue "${z:-compressed}: $per KiB a member, at most $most" \
		    "[ $per -le $most ]"
		exec 7>&-
		wait_exit "$BG_PID" 60
		assertEquals "the members' status" 0 "$WAIT_STATUS"
		stop "$SERVER_PID"
	done
}

sc_run_shunit2
