#!/bin/bash
# --stats, -vv, --progress (in a pseudo-terminal and forced; in tmux
# panes of 40x12 and 120x40, read as a person does: the fields that say
# least dropped first, the line kept above an error) and the sockchat name.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

PTY_RUN="python3 ${TESTS_DIR:-$(dirname "$0")}/pty-run.py"
STATS_RE='^sockcat: sent [0-9]+ bytes( \([0-9.]+ [KMG]iB\))?, received [0-9]+ bytes( \([0-9.]+ [KMG]iB\))? in [0-9]+\.[0-9]{3} seconds( \([0-9.]+ (B|[KMG]iB)/s\))?$'

# A listener that reads nothing until $SC_TMP/go exists (or the directory
# is gone), so that a client sending a large file stalls and its progress
# line has time to show.  Everything is bounded by timeout.  Sets PORT and
# SERVER_PID.
slow_server() {
	rm -f "$SC_TMP/srv.err" "$SC_TMP/go"
	bg sh -c "timeout -k 2 20 '$SC' -v -l 127.0.0.1 0 2>'$SC_TMP/srv.err' </dev/null |
	    timeout 20 sh -c 'while [ -d \"\$1\" ] && [ ! -e \"\$1/go\" ]; do
	    sleep 0.05; done; exec cat' sh '$SC_TMP' >/dev/null 2>&1"
	SERVER_PID=$BG_PID
	wait_for "$SC_TMP/srv.err" '^Listening on ' || return 1
	PORT=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' "$SC_TMP/srv.err")
}

TMUX_SOCK=sockcat-stats-$$
tm() {
	tmux -L "$TMUX_SOCK" -f /dev/null "$@"
}

# The rows of the tmux pane that show something, in the file screen.
screen_has() {
	tm capture-pane -p | grep . >"$SC_TMP/screen"
	grep -Eq -- "$1" "$SC_TMP/screen"
}

# progress_pane WxH: in a tmux pane of W columns and H rows, a client
# sends a 64 MiB file with --progress to the stalled server at PORT; the
# pane stays once it is done, its status in the file status.
progress_pane() {
	command -v tmux >/dev/null || { sc_skip "tmux not installed"; return 1; }
	truncate -s 64M "$SC_TMP/file"
	tm new-session -d -x "${1%x*}" -y "${1#*x}" "timeout 20 '$SC' \
	    --progress -N 127.0.0.1 $PORT <'$SC_TMP/file' >/dev/null; \
	    echo \$? >'$SC_TMP/status'; sleep 60" || fail "tmux"
}

# progress_fits WxH rows: a pane of that size shows the live line as the
# extended regex rows says, within its width.
progress_fits() {
	slow_server || fail "no server"
	progress_pane "$1" || return 0
	assertTrue "the line: $(cat "$SC_TMP/screen" 2>/dev/null)" \
	    "wait_until screen_has '$2'"
	assertTrue "one row" "[ $(wc -l <"$SC_TMP/screen") = 1 ]"
	assertTrue "narrower than the pane" \
	    "[ $(tail -n 1 "$SC_TMP/screen" | wc -L) -lt ${1%x*} ]"
	touch "$SC_TMP/go"
	assertTrue "done" "wait_for '$SC_TMP/status' '^0$'"
}

# Let a stalled server go before cleaning up, whatever the test did.
tearDown() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	# A server killed may still be going: the next test has its own.
	TMUX_SOCK=sockcat-stats-$$-$((++_sc_tmux))
	exec 7>&-
	[ -n "$SC_TMP" ] && touch "$SC_TMP/go"
	sc_remove_tmp
	endSkipping
}

test_stats_line_on_both_sides() {
	printf 'reply\n' >"$SC_TMP/srv.in"
	server srv --stats -l 127.0.0.1 0 || fail "no server"
	printf 'hello\n' | t 5 "$SC" --stats -N 127.0.0.1 "$PORT" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	wait_exit "$SERVER_PID"
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "one line" 1 "$(wc -l <"$SC_TMP/c.err")"
	assertTrue "client line: $(<"$SC_TMP/c.err")" \
	    "grep -Eq '$STATS_RE' '$SC_TMP/c.err'"
	assertContains "$(<"$SC_TMP/c.err")" "sent 6 bytes, received 6 bytes in"
	assertFileEquals "$SC_TMP/c.out" "reply"
	assertContains "$(tail -n 1 "$SC_TMP/srv.err")" \
	    "sockcat: sent 6 bytes, received 6 bytes in"
}

test_stats_counts_large_transfer() {
	head -c 300000 /dev/zero >"$SC_TMP/big"
	server srv -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" --stats -N 127.0.0.1 "$PORT" <"$SC_TMP/big" 2>"$SC_TMP/c.err"
	assertEquals 0 $?
	wait_exit "$SERVER_PID"
	assertEquals 300000 "$(wc -c <"$SC_TMP/srv.out")"
	assertTrue "$(<"$SC_TMP/c.err")" "grep -Eq '$STATS_RE' '$SC_TMP/c.err'"
	assertContains "$(<"$SC_TMP/c.err")" \
	    "sent 300000 bytes (293.0 KiB), received 0 bytes in"
}

test_single_v_has_no_stats_but_vv_has() {
	server srv -l 127.0.0.1 0 || fail "no server"
	echo x | t 5 "$SC" -v -N 127.0.0.1 "$PORT" 2>"$SC_TMP/c.err"
	wait_exit "$SERVER_PID"
	# Exactly netcat's one line at -v.
	assertEquals "Connection to 127.0.0.1 $PORT port [tcp/*] succeeded!" \
	    "$(<"$SC_TMP/c.err")"
	server srv -l 127.0.0.1 0 || fail "no server"
	echo x | t 5 "$SC" -vv -N 127.0.0.1 "$PORT" 2>"$SC_TMP/c.err"
	wait_exit "$SERVER_PID"
	# -vv: the mode first, netcat's line, then the figures.
	assertEquals 3 "$(wc -l <"$SC_TMP/c.err")"
	assertEquals "sockcat: mode: client" "$(head -n 1 "$SC_TMP/c.err")"
	assertTrue "-vv line: $(<"$SC_TMP/c.err")" \
	    "tail -n 1 '$SC_TMP/c.err' | grep -Eq '$STATS_RE'"
	assertContains "$(<"$SC_TMP/c.err")" "sent 2 bytes, received 0 bytes"
}

test_stats_when_interrupted() {
	# A -k listener only ends by a signal: it still says what it moved.
	server srv --stats -k -l 127.0.0.1 0 || fail "no server"
	# Each client ends only after the server has finished with it.
	for i in 1 2; do
		printf 'hello\n' | t 5 "$SC" -N 127.0.0.1 "$PORT"
		assertEquals "client $i" 0 $?
	done
	assertEquals 2 "$(grep -c hello "$SC_TMP/srv.out")"
	# timeout passes the SIGINT on to sockcat.
	stop -INT "$SERVER_PID"
	wait_exit "$SERVER_PID"
	assertEquals "killed by SIGINT" 130 "$WAIT_STATUS"
	assertTrue "line: $(tail -n 1 "$SC_TMP/srv.err")" \
	    "tail -n 1 '$SC_TMP/srv.err' | grep -Eq '$STATS_RE'"
	assertContains "$(tail -n 1 "$SC_TMP/srv.err")" \
	    "sockcat: sent 0 bytes, received 12 bytes in"
}

test_no_stats_without_connection() {
	server srv -l 127.0.0.1 0 || fail "no server"
	stop "$SERVER_PID"
	wait_exit "$SERVER_PID"
	t 5 "$SC" --stats 127.0.0.1 "$PORT" </dev/null 2>"$SC_TMP/c.err"
	assertEquals 1 $?
	assertEquals "" "$(<"$SC_TMP/c.err")"
}

# The live line in a terminal: drawn while data moves, with the
# percentage and ETA of a regular file, and erased at the end before the
# --stats line.
test_progress_in_a_terminal() {
	truncate -s 64M "$SC_TMP/file"
	slow_server || fail "no server"
	# (Inside sh -c: a background command's stdin would be /dev/null.)
	bg sh -c "$PTY_RUN '$SC_TMP/tty' timeout 20 '$SC' --progress --stats \
	    -N 127.0.0.1 $PORT <'$SC_TMP/file' >/dev/null"
	client=$BG_PID
	assertTrue "progress line drawn" \
	    "wait_for '$SC_TMP/tty' 'sent [0-9.]+ [KMG]?i?B \([0-9]+%\)  received 0 B  .*/s  0:[0-9]{2}  ETA [0-9]+:[0-9]{2}'"
	touch "$SC_TMP/go"
	wait_exit "$client"
	assertEquals "client status" 0 "$WAIT_STATUS"
	wait_exit "$SERVER_PID"
	# The last thing drawn is an erase, then the stats line alone.
	last=$(python3 - "$SC_TMP/tty" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
head, sep, tail = data.rpartition(b"\x1b[K")
print(repr(head[-1:]), tail.decode().strip())
PY
)
	assertEquals "erased, then stats" \
	    "b'\\r' sockcat: sent 67108864 bytes (64.0 MiB), received 0 bytes in" \
	    "$(echo "$last" | sed 's/ [0-9]*\.[0-9]* seconds.*//')"
	# No drawn line is wider than the terminal (a wrapped line stays).
	wide=$(python3 - "$SC_TMP/tty" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
drawn = [d for d in data.split(b"\r") if d.endswith(b"\x1b[K") and len(d) > 3]
print(len(drawn), sum(1 for d in drawn if len(d) - 3 > 79))
PY
)
	assertTrue "lines drawn: $wide" "[ '${wide% *}' -ge 1 ]"
	assertEquals "lines wider than 79 columns" 0 "${wide#* }"
}

# stdout on the same terminal: the line is drawn, erased before received
# data is shown, and not drawn over a line still being received.
# Has the progress line been drawn on the terminal since text $1?
drawn_after() {
	python3 - "$SC_TMP/tty" "$1" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
i = d.find(sys.argv[2].encode())
sys.exit(0 if i >= 0 and b"ETA" in d[i:] else 1)
PY
}

test_progress_shares_the_terminal_with_stdout() {
	truncate -s 64M "$SC_TMP/file"
	held_stdin srv.in 7
	rm -f "$SC_TMP/go"
	# A server that sends what is written to fd 7 and reads nothing
	# until $SC_TMP/go exists, so that the client stalls sending.
	bg sh -c "timeout 30 '$SC' -v -l 127.0.0.1 0 2>'$SC_TMP/srv.err' \
	    <'$SC_TMP/srv.in' 7>&- | timeout 30 sh -c 'while [ -d \"\$1\" ] &&
	    [ ! -e \"\$1/go\" ]; do sleep 0.05; done; exec cat' sh '$SC_TMP' \
	    >/dev/null 2>&1"
	SERVER_PID=$BG_PID
	wait_for "$SC_TMP/srv.err" '^Listening on ' 20 || fail "no server"
	PORT=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' "$SC_TMP/srv.err")
	bg sh -c "PTY_STDOUT=1 $PTY_RUN '$SC_TMP/tty' timeout 30 '$SC' \
	    --progress -N 127.0.0.1 $PORT <'$SC_TMP/file' 7>&-"
	client=$BG_PID
	assertTrue "drawn" "wait_for '$SC_TMP/tty' 'ETA' 20"
	echo "hello from the server" >&7
	assertTrue "data shown" "wait_for '$SC_TMP/tty' 'hello from the server' 20"
	# The next refresh draws the line again below the data.
	assertTrue "drawn again" \
	    "wait_until -t 20 drawn_after 'hello from the server'"
	printf 'half a line' >&7
	assertTrue "half a line shown" "wait_for '$SC_TMP/tty' 'half a line' 20"
	# Four refreshes would have drawn over it.
	assertTrue "client running" "still_running $client 1"
	checks=$(python3 - "$SC_TMP/tty" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
i = data.index(b"hello from the server")
j = data.index(b"half a line")
print(data[i - 4:i] == b"\r\x1b[K",
      b"ETA" in data[i:j],
      b"\r" not in data[j:])
PY
)
	assertEquals "erased before data, drawn again after the line, not \
over half a line" "True True True" "$checks"
	touch "$SC_TMP/go"
	exec 7>&-
	wait_exit "$client" 20
	assertEquals 0 "$WAIT_STATUS"
}

test_progress_erased_when_interrupted() {
	truncate -s 64M "$SC_TMP/file"
	slow_server || fail "no server"
	progress_interrupted "$SC" "$SC_TMP/file"
}

test_progress_only_on_a_terminal_unless_forced() {
	truncate -s 64M "$SC_TMP/file"
	slow_server || fail "no server"
	bg sh -c "timeout 20 '$SC' --progress -N 127.0.0.1 $PORT \
	    <'$SC_TMP/file' >/dev/null 2>'$SC_TMP/auto.err'"
	client=$BG_PID
	# Give it time to draw, were it to draw: a refresh is 250ms.
	assertTrue "client running" "still_running $client 1"
	touch "$SC_TMP/go"
	wait_exit "$client"
	assertEquals 0 "$WAIT_STATUS"
	assertEquals "nothing when stderr is a file" "" "$(<"$SC_TMP/auto.err")"

	wait_exit "$SERVER_PID"
	slow_server || fail "no server"
	bg sh -c "timeout 20 '$SC' --progress=always -N 127.0.0.1 $PORT \
	    <'$SC_TMP/file' >/dev/null 2>'$SC_TMP/always.err'"
	client=$BG_PID
	assertTrue "forced line drawn" \
	    "wait_for '$SC_TMP/always.err' 'sent .*%'"
	touch "$SC_TMP/go"
	wait_exit "$client"
	assertEquals 0 "$WAIT_STATUS"
	assertEquals "ends with an erase" "$(printf '\r\033[K' | od -An -c)" \
	    "$(tail -c 4 "$SC_TMP/always.err" | od -An -c)"
}

test_progress_without_size_has_no_percentage() {
	slow_server || fail "no server"
	bg sh -c "head -c 67108864 /dev/zero | timeout 20 '$SC' \
	    --progress=always -N 127.0.0.1 $PORT >/dev/null 2>'$SC_TMP/p.err'"
	client=$BG_PID
	assertTrue "line drawn" "wait_for '$SC_TMP/p.err' 'sent [^ ]+ [^ ]+  received'"
	touch "$SC_TMP/go"
	wait_exit "$client"
	assertEquals 0 "$WAIT_STATUS"
	assertFalse "no percentage for a pipe" "grep -q '%' '$SC_TMP/p.err'"
	assertFalse "no ETA for a pipe" "grep -q 'ETA' '$SC_TMP/p.err'"
}

# A narrow terminal loses "received 0 B" and the time so far (and the
# count sent, when the rate takes more room), never the rate and the time
# left; a wide one shows it all.
test_progress_narrow_terminal_keeps_rate_and_eta() {
	progress_fits 40x12 \
	    '^(sent [0-9.]+ [KMG]?i?B \([0-9]+%\)  )?[0-9.]+ [KMG]?i?B/s  ETA [0-9]+:[0-9]{2}$'
}

test_progress_wide_terminal_shows_all() {
	progress_fits 120x40 \
	    '^sent [0-9.]+ [KMG]?i?B \([0-9]+%\)  received 0 B  [0-9.]+ [KMG]?i?B/s  0:[0-9]{2}  ETA [0-9]+:[0-9]{2}$'
}

# An error leaves the last live line on the screen, with what had moved,
# and the message below it.
test_progress_kept_on_an_error() {
	command -v tmux >/dev/null || { sc_skip "tmux not installed"; return 0; }
	# A server that takes nothing, then resets the connection.
	bg python3 -c 'import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1] + "/port.tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + "/port.tmp", sys.argv[1] + "/port")
c, _ = s.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
while os.path.isdir(sys.argv[1]) and not os.path.exists(sys.argv[1] + "/go"):
    time.sleep(0.05)
c.close()' "$SC_TMP"
	wait_for "$SC_TMP/port" '^[0-9]+$' || fail "no server"
	PORT=$(<"$SC_TMP/port")
	progress_pane 40x12 || return 0
	assertTrue "drawn" "wait_until screen_has 'ETA'"
	touch "$SC_TMP/go"
	assertTrue "failed" "wait_for '$SC_TMP/status' '^1$'"
	# The pane's command wrote the status after sockcat was done.
	screen_has .
	assertTrue "the line kept: $(<"$SC_TMP/screen")" \
	    "grep -Eq '^sent [0-9.]+ [KMG]?i?B \([0-9]+%\) .*ETA' '$SC_TMP/screen'"
	assertTrue "then the message: $(<"$SC_TMP/screen")" "sed -n '/ETA/,\$p' \
	    '$SC_TMP/screen' | sed 1d | tr -d '\n' | grep -Eqx \
	    'sockcat: (read from|write to) network: Connection reset by peer'"
}

test_progress_bad_value() {
	t 5 "$SC" --progress=sometimes 127.0.0.1 1 </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: progress invalid: sometimes (auto, always or never)" \
	    "$(<"$SC_TMP/err")"
}

test_sockchat_link() {
	ln -s "$SC" "$SC_TMP/sockchat"
	# Invoked as sockchat, it is sockcat --chat: a chat server here.
	# Its stdin stays open: end of input would end the chat.
	bg bash -c "exec timeout 10 '$SC_TMP/sockchat' -v -l 127.0.0.1 0 \
	    < <(sleep 9) >'$SC_TMP/chat.out' 2>'$SC_TMP/chat.err'"
	chat=$BG_PID
	wait_for "$SC_TMP/chat.err" '^Listening on ' || fail "no chat server"
	port=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' "$SC_TMP/chat.err")
	echo hello | t 5 "$SC" -N 127.0.0.1 "$port" >/dev/null
	wait_exit "$chat"
	assertEquals "chat ended with its partner" 0 "$WAIT_STATUS"
	assertEquals "hello" "$(<"$SC_TMP/chat.out")"
	assertContains "$(<"$SC_TMP/chat.err")" "left"
	t 5 "$SC_TMP/sockchat" -h >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "help status" 0 $?
	assertContains "$(head -n 1 "$SC_TMP/out")" "usage: sockchat "
	# Under its own name sockcat is not in chat mode.
	ln -s "$SC" "$SC_TMP/sockcat"
	t 5 "$SC_TMP/sockcat" </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertContains "$(<"$SC_TMP/err")" "usage: sockcat"
}

sc_run_shunit2
