#!/bin/bash
# --chat: one conversation at a time, later callers turned away, :q and
# end of input from either side, the notices, the terminal view (marks,
# visible control characters) in a tmux pane, exact bytes when not on a
# terminal, and peers written by others (nc.openbsd, a Python client).

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3
NC=${NC_OPENBSD:-/bin/nc.openbsd}
TMUX_SOCK=sockcat-chat-$$

# have cmd: is cmd installed?  If not, the test is skipped.
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	sc_skip "$1 not installed"
	return 1
}

# put NAME data: NAME sends data (a printf format); never waits long,
# should NAME be gone.
put() {
	t 5 sh -c 'printf "$2" >"$1"' sh "$SC_TMP/$1.in" "$2" ||
	    fail "$1 is not reading"
}

# say NAME line: NAME types a line.
say() {
	put "$1" "$(printf '%s' "$2" | sed 's/[%\\]/&&/g')\n"
}

# hangup NAME: end NAME's input.
hangup() {
	eval "stop \$HOLD_$1"
}

# chat_server NAME args...: a sockcat --chat server on 127.0.0.1; sets PORT.
chat_server() {
	_n=$1
	shift
	party "$_n" "$SC" --chat -v -n "$@"
	if ! wait_for "$SC_TMP/$_n.err" '^Listening on '; then
		cat "$SC_TMP/$_n.err" >&2
		return 1
	fi
	PORT=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' \
	    "$SC_TMP/$_n.err")
}

# Both sides connected, saying so.
connected() {
	wait_for "$SC_TMP/$1.err" '^connected to 127\.0\.0\.1 port [0-9]+$' &&
	    wait_for "$SC_TMP/$2.err" "^connected to 127\\.0\\.0\\.1 port $PORT\$"
}

# exited NAME: wait for NAME to exit; its status is in WAIT_STATUS.
exited() {
	eval "wait_exit \$PID_$1 ${2:-5}"
}

tearDown() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	# A server killed may still be going: the next test has its own.
	TMUX_SOCK=sockcat-chat-$$-$((++_sc_tmux))
	# What the parties said, to understand a failure.
	if [ "${__shunit_testSuccess:-0}" != 0 ] && [ -n "$SC_TMP" ]; then
		for _f in "$SC_TMP"/*.err; do
			[ -f "$_f" ] && sed "s|^|$(basename "$_f"): |" "$_f"
		done
	fi
	sc_remove_tmp
	endSkipping
}

test_conversation_with_busy_caller_turned_away() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv a || fail "not connected"
	say srv "hello a"
	assertTrue "server to client" "wait_for '$SC_TMP/a.out' '^hello a$'"
	say a "hello srv"
	assertTrue "client to server" "wait_for '$SC_TMP/srv.out' '^hello srv$'"

	# A second caller, sending at once: turned away with one line, then
	# an end, not a reset (lingerpeer.py).
	t 30 python3 "${TESTS_DIR:-$(dirname "$0")}/lingerpeer.py" refused \
	    "$PORT" >"$SC_TMP/b.out"
	assertEquals "sockcat: busy, already chatting; try later
eof" "$(<"$SC_TMP/b.out")"
	# One with sockcat: the same line, and it ends at once.
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "second caller" 0 $?
	assertEquals "sockcat: busy, already chatting; try later" \
	    "$(<"$SC_TMP/c.out")"
	assertTrue "notice" "wait_for '$SC_TMP/srv.err' \
	    '^127\.0\.0\.1 port [0-9]+ turned away: busy$'"
	assertEquals 2 "$(grep -c 'turned away: busy' "$SC_TMP/srv.err")"

	# The conversation goes on, both ways, undisturbed.
	say srv "still here"
	assertTrue "wait_for '$SC_TMP/a.out' '^still here$'"
	say a "me too"
	assertTrue "wait_for '$SC_TMP/srv.out' '^me too$'"
	assertEquals "$(printf 'hello srv\nme too')" "$(<"$SC_TMP/srv.out")"
	assertEquals "$(printf 'hello a\nstill here')" "$(<"$SC_TMP/a.out")"
	assertTrue "still running" "kill -0 $PID_srv"
	assertTrue "still running" "kill -0 $PID_a"
}

test_quit_from_client() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv a || fail "not connected"
	say a "bye"
	say a ":q"
	exited a
	assertEquals "client status" 0 "$WAIT_STATUS"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertTrue "server notice" "grep -Eq '^127\.0\.0\.1 port [0-9]+ left$' \
	    '$SC_TMP/srv.err'"
	assertEquals "you left 127.0.0.1 port $PORT" "$(tail -n 1 "$SC_TMP/a.err")"
	# Not a terminal: the bytes as they came; the :q line stayed with
	# its typist (the connection's end says it).
	assertEquals "bye" "$(<"$SC_TMP/srv.out")"
}

test_quit_from_server() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv a || fail "not connected"
	say srv ":q"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	exited a
	assertEquals "client status" 0 "$WAIT_STATUS"
	assertEquals "127.0.0.1 port $PORT left" "$(tail -n 1 "$SC_TMP/a.err")"
	assertTrue "grep -Eq '^you left 127\.0\.0\.1 port [0-9]+$' '$SC_TMP/srv.err'"
}

test_quit_needs_a_line_of_its_own() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv a || fail "not connected"
	say a "x:q"
	say a ":qq"
	say a " :q"
	say a "end"
	assertTrue "wait_for '$SC_TMP/srv.out' '^end$'"
	assertTrue "still running" "kill -0 $PID_srv"
	assertTrue "still running" "kill -0 $PID_a"
}

test_end_of_input_ends_the_chat() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv a || fail "not connected"
	say a "last words"
	hangup a
	exited a
	assertEquals "client status" 0 "$WAIT_STATUS"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/srv.out" "last words"
	assertTrue "grep -Eq '^127\.0\.0\.1 port [0-9]+ left$' '$SC_TMP/srv.err'"
	# Server side: end of input there ends it too.
	chat_server srv2 -l 127.0.0.1 0 || fail "no server"
	party b "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv2 b || fail "not connected"
	hangup srv2
	exited srv2
	assertEquals "server status" 0 "$WAIT_STATUS"
	exited b
	assertEquals "client status" 0 "$WAIT_STATUS"
	assertEquals "127.0.0.1 port $PORT left" "$(tail -n 1 "$SC_TMP/b.err")"
}

test_notices() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv a || fail "not connected"
	say a ":q"
	exited srv
	exited a
	cport=$(sed -n 's/^Connection received on 127.0.0.1 //p' \
	    "$SC_TMP/srv.err")
	assertEquals "server" "$(printf '%s\n' \
	    "Listening on 127.0.0.1 $PORT" \
	    "waiting for someone to talk to on port $PORT" \
	    "Connection received on 127.0.0.1 $cport" \
	    "connected to 127.0.0.1 port $cport" \
	    "127.0.0.1 port $cport left")" "$(<"$SC_TMP/srv.err")"
	assertEquals "client" "$(printf '%s\n' \
	    "connected to 127.0.0.1 port $PORT" \
	    "you left 127.0.0.1 port $PORT")" "$(<"$SC_TMP/a.err")"
}

# --idle-timeout: the server's partner, quiet that long, has left (and the
# server goes on); a caller's conversation ends with nc's line, status 1.
test_idle_timeout() {
	chat_server srv -l --idle-timeout 1 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	connected srv a || fail "not connected"
	exited srv 15
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertTrue "server: $(tail -n 1 "$SC_TMP/srv.err")" \
	    "grep -Eq '^127\.0\.0\.1 port [0-9]+ left \(idle timeout\)$' '$SC_TMP/srv.err'"
	chat_server srv2 -l 127.0.0.1 0 || fail "no server"
	party b "$SC" --chat -n --idle-timeout 1 127.0.0.1 "$PORT"
	connected srv2 b || fail "not connected"
	exited b 15
	assertEquals "client status" 1 "$WAIT_STATUS"
	assertEquals "client" "sockcat: idle timeout expired" \
	    "$(tail -n 1 "$SC_TMP/b.err")"
	exited srv2
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_keep_waits_for_the_next_partner() {
	chat_server srv -k -l 127.0.0.1 0 || fail "no server"
	for who in a b; do
		party $who "$SC" --chat -n 127.0.0.1 "$PORT"
		wait_for "$SC_TMP/$who.err" '^connected' || fail "$who"
		say $who "I am $who"
		assertTrue "wait_for '$SC_TMP/srv.out' '^I am $who$'"
		say srv "hi $who"
		assertTrue "wait_for '$SC_TMP/$who.out' '^hi $who$'"
		hangup $who
		exited $who
		assertEquals "$who status" 0 "$WAIT_STATUS"
	done
	assertTrue "server stays" "kill -0 $PID_srv"
	assertEquals 2 "$(grep -c ' left$' "$SC_TMP/srv.err")"
	assertEquals "hi b" "$(<"$SC_TMP/b.out")"
}

test_not_a_terminal_moves_exact_bytes() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	printf 'a\033[31m\001b\r\n\177\000no newline' >"$SC_TMP/bytes"
	t 5 "$SC" --chat -n 127.0.0.1 "$PORT" <"$SC_TMP/bytes" \
	    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	assertEquals "client status" 0 $?
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "$(od -c <"$SC_TMP/bytes")" "$(od -c <"$SC_TMP/srv.out")"
}

test_listens_on_ipv4_and_ipv6() {
	chat_server srv -k -l 0 || fail "no server"
	assertEquals "Listening on :: $PORT" "$(head -n 1 "$SC_TMP/srv.err")"
	echo four | t 5 "$SC" --chat -n 127.0.0.1 "$PORT" >/dev/null 2>&1
	assertTrue "wait_for '$SC_TMP/srv.out' '^four$'"
	echo six | t 5 "$SC" --chat -n ::1 "$PORT" >/dev/null 2>&1
	assertTrue "wait_for '$SC_TMP/srv.out' '^six$'"
	# An IPv4 caller is named by its IPv4 address.
	assertTrue "grep -Eq '^connected to 127\.0\.0\.1 port [0-9]+$' '$SC_TMP/srv.err'"
	assertTrue "grep -Eq '^connected to ::1 port [0-9]+$' '$SC_TMP/srv.err'"
}

test_default_port() {
	t 5 "$SC" --chat -v -n 127.0.0.1 </dev/null >/dev/null \
	    2>"$SC_TMP/c.err"
	assertTrue "client" "grep -Eq '127\.0\.0\.1 (port )?5000 ' '$SC_TMP/c.err'"
	party srv "$SC" --chat -v -n
	if ! wait_for "$SC_TMP/srv.err" '^Listening on |in use'; then
		fail "server did not start"
	elif grep -q 'in use' "$SC_TMP/srv.err"; then
		sc_skip "port 5000 is in use"
	else
		assertEquals "Listening on :: 5000" \
		    "$(head -n 1 "$SC_TMP/srv.err")"
	fi
}

test_command_line() {
	t 5 "$SC" --chat -z 127.0.0.1 </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: cannot use -z and --chat" "$(<"$SC_TMP/err")"
	t 5 "$SC" --chat 127.0.0.1 1-3 </dev/null 2>"$SC_TMP/err"
	assertEquals 1 $?
	assertEquals "sockcat: cannot chat on more than one port" \
	    "$(<"$SC_TMP/err")"
	t 5 "$SC" --chat -k 127.0.0.1 </dev/null 2>"$SC_TMP/err"
	assertEquals "sockcat: must use -l with -k" "$(<"$SC_TMP/err")"
	t 5 "$SC" --chat -n 127.0.0.1 1 </dev/null 2>"$SC_TMP/err"
	assertEquals "refused" 1 $?
	assertEquals "sockcat: connect to 127.0.0.1 port 1 (tcp) failed: Connection refused" \
	    "$(<"$SC_TMP/err")"
}

test_nc_as_client() {
	have "$NC" || return 0
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$NC" -N 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	say a "from nc"
	assertTrue "wait_for '$SC_TMP/srv.out' '^from nc$'"
	say srv "to nc"
	assertTrue "wait_for '$SC_TMP/a.out' '^to nc$'"
	hangup a
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	exited a
	assertEquals "nc status" 0 "$WAIT_STATUS"
	assertTrue "grep -Eq '^127\.0\.0\.1 port [0-9]+ left$' '$SC_TMP/srv.err'"
}

test_chat_over_tls() {
	if t 5 "$SC" --ssl -z 127.0.0.1 1 2>&1 | grep -q "not built in"; then
		sc_skip "built without TLS"
		return
	fi
	chat_server srv --ssl -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat --ssl -n 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	say a "secret hello"
	assertTrue "wait_for '$SC_TMP/srv.out' '^secret hello$'"
	say srv "secret answer"
	assertTrue "wait_for '$SC_TMP/a.out' '^secret answer$'"
	hangup a
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_chat_through_a_proxy() {
	server proxy -k -l 127.0.0.1 0 --proxy-type socks5 || fail "no proxy"
	pport=$PORT
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" --chat -x "127.0.0.1:$pport" -X 5 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	say a "via socks"
	assertTrue "wait_for '$SC_TMP/srv.out' '^via socks$'"
	say srv "back"
	assertTrue "wait_for '$SC_TMP/a.out' '^back$'"
	hangup a
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_nc_as_server() {
	have "$NC" || return 0
	party srv "$NC" -lvn 127.0.0.1 0
	wait_for "$SC_TMP/srv.err" '^Listening on ' || fail "no nc server"
	PORT=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' \
	    "$SC_TMP/srv.err")
	party a "$SC" --chat -n 127.0.0.1 "$PORT"
	wait_for "$SC_TMP/a.err" '^connected to' || fail "not connected"
	say srv "from nc"
	assertTrue "wait_for '$SC_TMP/a.out' '^from nc$'"
	say a "to nc"
	assertTrue "wait_for '$SC_TMP/srv.out' '^to nc$'"
	# nc's user leaves: sockcat says so and ends well.
	stop "$PID_srv"
	exited a
	assertEquals "client status" 0 "$WAIT_STATUS"
	assertEquals "127.0.0.1 port $PORT left" "$(tail -n 1 "$SC_TMP/a.err")"
}

test_python_client() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	bg python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
f = s.makefile("rb")
s.sendall(b"hi from python\n")
print(f.readline().decode().rstrip("\n"))
s.sendall(b":q\n")
print(repr(f.read()))
' "$PORT" >"$SC_TMP/py.out" 2>&1
	PID_py=$BG_PID
	wait_for "$SC_TMP/srv.out" '^hi from python$' || fail "nothing received"
	say srv "hi from sockcat"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	exited py
	assertEquals "python status" 0 "$WAIT_STATUS"
	assertEquals "$(printf "hi from sockcat\nb''")" "$(<"$SC_TMP/py.out")"
	assertTrue "grep -Eq '^127\.0\.0\.1 port [0-9]+ left$' '$SC_TMP/srv.err'"
}

test_peer_reset() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	# A partner whose connection is reset rather than closed.
	python3 -c '
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"going\n")
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.recv(1)
s.close()
' "$PORT" &
	PID_py=$!
	SC_PIDS="$SC_PIDS $PID_py"
	wait_for "$SC_TMP/srv.out" '^going$' || fail "nothing received"
	say srv "wait"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertTrue "grep -Eq '^127\.0\.0\.1 port [0-9]+ left \(Connection reset by peer\)$' \
	    '$SC_TMP/srv.err'"
}

# A stdout that cannot be written, or a stdin that cannot be read, ends
# the chat with one line and status 1.
test_stdio_errors() {
	server srv -l 127.0.0.1 0 -c 'echo hello; exec cat' || fail "no server"
	t 10 "$SC" --chat 127.0.0.1 "$PORT" </dev/zero >/dev/full \
	    2>"$SC_TMP/full.err"
	assertEquals "stdout full: status" 1 $?
	assertEquals "stdout full" "sockcat: write to stdout: No space left on device" \
	    "$(grep '^sockcat: ' "$SC_TMP/full.err")"
	stop "$SERVER_PID"
	server srv -l 127.0.0.1 0 -c 'exec cat' || fail "no server"
	t 10 "$SC" --chat 127.0.0.1 "$PORT" </ >"$SC_TMP/dir.out" \
	    2>"$SC_TMP/dir.err"
	assertEquals "stdin a directory: status" 1 $?
	assertEquals "stdin a directory" "sockcat: read from stdin: Is a directory" \
	    "$(grep '^sockcat: ' "$SC_TMP/dir.err")"
}

test_crlf() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	printf 'a\nb\n:q\nnot sent\n' >"$SC_TMP/c.in"
	t 5 "$SC" --chat -C -n 127.0.0.1 "$PORT" <"$SC_TMP/c.in" >/dev/null \
	    2>&1
	assertEquals "client status" 0 $?
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertEquals "$(printf 'a\r\nb\r\n' | od -c)" \
	    "$(od -c <"$SC_TMP/srv.out")"
	assertTrue "grep -Eq ' left$' '$SC_TMP/srv.err'"
}

# udp_server NAME args...: a sockcat -u --chat server; sets PORT.
udp_server() {
	_n=$1
	shift
	party "$_n" "$SC" -u --chat -v -n "$@"
	if ! wait_for "$SC_TMP/$_n.err" '^Bound on '; then
		cat "$SC_TMP/$_n.err" >&2
		return 1
	fi
	PORT=$(sed -n 's/^Bound on .* \([0-9][0-9]*\)$/\1/p' "$SC_TMP/$_n.err")
}

# udp_send PORT text: one datagram from a fresh socket.
udp_send() {
	t 10 $UDPPEER "$1" send "$2"
}

test_udp_locks_onto_the_first_peer() {
	udp_server srv -k -l 127.0.0.1 0 || fail "no server"
	# The partner: speaks first, then waits for an answer and leaves.
	bg $UDPPEER --timeout 8 "$PORT" send "hello from a" recv send :q \
	    >"$SC_TMP/a.out"
	PID_a=$BG_PID
	assertTrue "wait_for '$SC_TMP/srv.out' '^hello from a$'"
	assertTrue "wait_for '$SC_TMP/srv.err' '^connected to 127\.0\.0\.1 port'"
	# Anyone else is not heard, and -v says so.
	udp_send "$PORT" "intruder"
	assertTrue "dropped" "wait_for '$SC_TMP/srv.err' \
	    '^127\.0\.0\.1 port [0-9]+ dropped: not the partner$'"
	say srv "hi a"
	exited a
	assertEquals "partner status" 0 "$WAIT_STATUS"
	assertFileEquals "$SC_TMP/a.out" "hi a"
	assertTrue "left" "wait_for '$SC_TMP/srv.err' ' left$'"
	assertEquals "$(printf 'hello from a\n:q')" "$(<"$SC_TMP/srv.out")"
	# With -k the next one to speak is the new partner.
	udp_send "$PORT" "now me"
	assertTrue "wait_for '$SC_TMP/srv.out' '^now me$'"
	assertEquals 2 "$(grep -c '^connected to' "$SC_TMP/srv.err")"
}

test_udp_both_sides() {
	udp_server srv -l 127.0.0.1 0 || fail "no server"
	party a "$SC" -u --chat -n 127.0.0.1 "$PORT"
	say a "first"
	assertTrue "wait_for '$SC_TMP/srv.out' '^first$'"
	say srv "back"
	assertTrue "wait_for '$SC_TMP/a.out' '^back$'"
	say a ":q"
	exited a
	assertEquals "client status" 0 "$WAIT_STATUS"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
	assertTrue "grep -Eq '^127\.0\.0\.1 port [0-9]+ left$' '$SC_TMP/srv.err'"
}

# In a tmux pane: tm cmd...
tm() {
	tmux -L "$TMUX_SOCK" -f /dev/null "$@"
}

# What a pane's sockcat runs under: bounded, and killed if it will not
# end (a sanitizer's exit that hangs with every signal blocked), in the
# terminal's foreground.
BOUND="timeout --foreground -k 2 60"

# wait_screen regex: wait until the pane shows a line matching regex; the
# screen is left in the file screen.
wait_screen() {
	wait_until screen_shows "$1"
}
screen_shows() {
	tm capture-pane -p >"$SC_TMP/screen"
	grep -Eq -- "$1" "$SC_TMP/screen"
}

# screen_lines_are text: the lines shown, blank ones left out, are text.
screen_lines_are() {
	tm capture-pane -p >"$SC_TMP/screen"
	[ "$(grep . "$SC_TMP/screen")" = "$1" ]
}

# wait_screen_last text: wait until the last line shown is text.
wait_screen_last() {
	wait_until screen_ends_with "$1"
}
screen_ends_with() {
	tm capture-pane -p >"$SC_TMP/screen"
	[ "$(grep . "$SC_TMP/screen" | tail -n 1)" = "$1" ]
}

# Start a sockcat chat client in a tmux pane, its raw output logged to
# pane.raw; the pane's exit status goes to pane.status.
tty_client() {
	have tmux || return 1
	: >"$SC_TMP/pane.raw"
	tm new-session -d -x 80 -y 12 "read go; $BOUND $SC --chat -n $*; \
	    echo \$? >'$SC_TMP/pane.status'" || fail "tmux"
	tm pipe-pane -o "cat >>'$SC_TMP/pane.raw'"
	tm send-keys Enter
}

test_terminal_marks_lines_and_shows_controls() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	tty_client 127.0.0.1 "$PORT" || return 0
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	assertTrue "notice" \
	    "wait_for '$SC_TMP/pane.raw' 'connected to 127\.0\.0\.1 port $PORT'"
	# A line in three pieces, then one with control characters.
	put srv 'one, '
	wait_for "$SC_TMP/pane.raw" 'one, ' || fail "first piece"
	put srv 'two, '
	wait_for "$SC_TMP/pane.raw" 'two, ' || fail "second piece"
	put srv 'three\n\033[31mred\007\r\n'
	wait_for "$SC_TMP/pane.raw" 'red' || fail "control line"
	# The user types a line of their own.
	tm send-keys "my line" Enter
	assertTrue "wait_for '$SC_TMP/srv.out' '^my line$'"
	tm capture-pane -p >"$SC_TMP/screen"
	assertContains "$(<"$SC_TMP/screen")" "< one, two, three"
	assertContains "$(<"$SC_TMP/screen")" '< \x1b[31mred\x07'
	assertEquals "one mark per line" 2 "$(grep -c '^< ' "$SC_TMP/screen")"
	# What reached the terminal: no raw ESC or BEL from the peer.
	assertFalse "raw ESC" "grep -q \"$(printf '\033')\\[31m\" '$SC_TMP/pane.raw'"
	assertFalse "raw BEL" "grep -q \"$(printf '\007')\" '$SC_TMP/pane.raw'"
	# The peer leaves; the terminal says so.
	say srv ":q"
	assertTrue "left" "wait_for '$SC_TMP/pane.status' '^0$'"
	assertTrue "grep -q '127.0.0.1 port $PORT left' '$SC_TMP/pane.raw'"
}

test_terminal_message_while_typing() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	tty_client 127.0.0.1 "$PORT" || return 0
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	wait_for "$SC_TMP/pane.raw" 'connected to' || fail "no notice"
	tm send-keys "half typ"
	wait_for "$SC_TMP/pane.raw" 'half typ' || fail "no echo"
	say srv "incoming"
	# The message has a line of its own, and what was typed comes back
	# below it (waited for whole: the typing alone is on the screen
	# before the message is).
	want=$(printf '%s\n' "connected to 127.0.0.1 port $PORT" \
	    "< incoming" "half typ")
	wait_until screen_lines_are "$want"
	assertEquals "$want" "$(grep . "$SC_TMP/screen")"
	# It is sent whole with the rest of the line.
	tm send-keys "ed" Enter
	assertTrue "wait_for '$SC_TMP/srv.out' '^half typed$'"
	# A peer's line cut short by typing goes on without a second mark.
	put srv 'partial '
	wait_screen '^< partial ?$' || fail "no partial line"
	tm send-keys "x"
	wait_screen '^x$' || fail "typing not shown"
	say srv "rest"
	assertTrue "continued" "wait_screen '^  rest$'"
	assertEquals 2 "$(grep -c '^< ' "$SC_TMP/screen")"
	# And the typing is shown again under it.
	assertTrue "typing redrawn" "wait_screen_last x"
	tm send-keys C-u ":q" Enter
	assertTrue "wait_for '$SC_TMP/pane.status' '^0$'"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_terminal_line_editing() {
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	tty_client 127.0.0.1 "$PORT" || return 0
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	tm send-keys "hellp" BSpace "o" Enter
	assertTrue "erase" "wait_for '$SC_TMP/srv.out' '^hello$'"
	tm send-keys "junk" C-u "clean" Enter
	assertTrue "kill line" "wait_for '$SC_TMP/srv.out' '^clean$'"
	tm send-keys "one two" C-w "2" Enter
	assertTrue "erase word" "wait_for '$SC_TMP/srv.out' '^one 2$'"
	tm send-keys "ab" Left "c" Enter
	assertTrue "arrows move" "wait_for '$SC_TMP/srv.out' '^acb$'"
	assertEquals "$(printf 'hello\nclean\none 2\nacb')" \
	    "$(<"$SC_TMP/srv.out")"
	# ^D on an empty line leaves; the terminal gets its modes back.
	tm send-keys C-d
	assertTrue "wait_for '$SC_TMP/pane.status' '^0$'"
	exited srv
	assertEquals "server status" 0 "$WAIT_STATUS"
}

# A pasted line longer than any buffer arrives whole, with no newline the
# user did not type: 3,000 characters, then 70,000 (sent in pieces as it
# is typed, past 64 KiB).
test_terminal_long_lines_sent_whole() {
	sc_require python3
	long_lines
	on_tty ll listen:tcp accept "send:$L1\n" \
	    'netexpect:^[0-9]{3000}\n$' "send:$L2\n" \
	    'netexpect:\n[0-9]{70000}\n$' 'send::q\n' neteof exit:0 -- \
	    "$SC" --chat 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/ll.err")" 0 "$st"
	printf '%s\n%s\n' "$L1" "$L2" >"$SC_TMP/want"
	cmp "$SC_TMP/want" "$SC_TMP/ll.net" ||
	    fail "not whole: $(wc -lc <"$SC_TMP/ll.net")"
}

# Issue 66: the line that leaves is not sent: typed at a terminal, ":q"
# stays with its typist, and the partner sees the connection end.  Over
# UDP, which has no end to see, it goes, and a partner on a terminal
# does not show it.
test_terminal_quit_line_not_sent() {
	sc_require python3
	on_tty q listen:tcp accept 'send:bye\n' 'netexpect:^bye\n$' \
	    'send::q\n' neteof exit:0 -- "$SC" --chat 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/q.err")" 0 "$st"
	assertEquals "what the partner got" "bye" "$(<"$SC_TMP/q.net")"
	assertContains "the typist's terminal" "$(tty_text q)" \
	    "you left 127.0.0.1 port"
	on_tty u listen:udp 'send:hi\n' 'netexpect:^hi\n$' \
	    'netsend:back\n:q\n' 'expect:port [0-9]+ left' exit:0 -- \
	    "$SC" -u --chat 127.0.0.1 @PORT@
	st=$?
	assertEquals "udp steps: $(<"$SC_TMP/u.err")" 0 "$st"
	assertContains "udp: the line shown" "$(tty_text u)" "< back"
	assertNotContains "udp: not the :q" "$(tty_text u)" ":q"
}

# Issue 80: every control reaches the terminal escaped, C1 too (U+009B,
# a CSI; U+009D, an OSC; U+009C, its end) and the raw byte 0x9b, which is
# no UTF-8; characters past ASCII stay as they are.
test_terminal_escapes_c1_controls() {
	sc_require python3
	on_tty c1 listen:tcp accept \
	    'netsend:a\x1b[2J b\x07 c\x7f d\xc2\x9b2J e\xc2\x9d0;T\xc2\x9c f\x9b[H g\xc3\xa9\xe2\x82\xac end\n' \
	    'expect:end' 'send::q\n' neteof exit:0 -- \
	    "$SC" --chat 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/c1.err")" 0 "$st"
	assertContains "shown" "$(tty_text c1)" \
	    '< a\x1b[2J b\x07 c\x7f d\xc2\x9b2J e\xc2\x9d0;T\xc2\x9c f\x9b[H gé€ end'
	# Nothing of the peer's raw: no C1, as a character or a byte.
	assertEquals "raw C1" 0 "$(LC_ALL=C grep -c \
	    "$(printf '\302[\200-\237]\\|[\233\235\234]')" "$SC_TMP/c1.tty")"
	assertEquals "raw ESC [2J" 0 "$(LC_ALL=C grep -c \
	    "$(printf '\033')\\[2J" "$SC_TMP/c1.tty")"
}

test_terminal_output_is_safe_whatever_the_input() {
	have tmux || return 0
	chat_server srv -l 127.0.0.1 0 || fail "no server"
	: >"$SC_TMP/pane.raw"
	# stdin a pipe, stdout the terminal.
	tm new-session -d -x 80 -y 12 "read go; sleep 8 | $BOUND $SC --chat -n \
	    127.0.0.1 $PORT" || fail "tmux"
	tm pipe-pane -o "cat >>'$SC_TMP/pane.raw'"
	tm send-keys Enter
	wait_for "$SC_TMP/srv.err" '^connected to' || fail "not connected"
	put srv 'x\033]0;title\007y\n'
	want='< x\\x1b\]0;title\\x07y'
	assertTrue "escaped" "wait_for '$SC_TMP/pane.raw' '$want'"
	assertFalse "raw ESC" "grep -q \"$(printf '\033')\\]0\" '$SC_TMP/pane.raw'"
}

# "--chat 6000" would call the address 0.0.23.112: a port alone is
# refused with the command that waits on it, under either name.
test_port_alone_is_not_a_host() {
	expect_error "6000 is a port, not a host: to wait for a call on it, sockcat --chat -l 6000" \
	    --chat 6000
	ln -s "$SC" "$SC_TMP/sockchat"
	t 5 "$SC_TMP/sockchat" 6000 </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "sockchat status" 1 $?
	assertEquals "sockchat stdout" "" "$(<"$SC_TMP/out")"
	assertEquals "sockchat: 6000 is a port, not a host: to wait for a call on it, sockchat -l 6000" \
	    "$(<"$SC_TMP/err")"
}

# A refused call says so, without -v.
test_refused_call_is_said() {
	p=$(free_port) || fail "no free port"
	expect_error "connect to 127.0.0.1 port $p (tcp) failed: Connection refused" \
	    --chat 127.0.0.1 "$p"
}

sc_run_shunit2
