#!/bin/bash
# The sessions topic.  Sessions run by a script (--expect, --send,
# --script): an SMTP-like dialogue against a server that answers, answers
# late, answers wrong and never answers; a WebSocket service from
# Python's websockets; each client of a -lk listener; a script file's
# steps, interact, a reader of stdout that leaves, what matching costs,
# the patterns' budget, and the files and command lines refused.  The
# time before each line (--timestamp) on stdout and in the logs.  The
# manual's examples as printed.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

SCRIPTPEER="${TESTS_DIR:-$(dirname "$0")}/scriptpeer.py"

# peer NAME ARGS...: scriptpeer.py in the background, its port in PPORT.
peer() {
	_n=$1
	shift
	bg t 30 python3 "$SCRIPTPEER" "$@" >"$SC_TMP/$_n.out" \
	    2>"$SC_TMP/$_n.err"
	PEER_PID=$BG_PID
	wait_for "$SC_TMP/$_n.out" '^PORT ' || fail "peer $_n: no port"
	PPORT=$(sed -n 's/^PORT //p' "$SC_TMP/$_n.out")
}

# Can the suites' python3 import Python's websockets?
have_websockets() {
	"${SC_PYTHON:-python3}" -S -c 'import sys
sys.path.append("/usr/lib/python3/dist-packages")
import websockets' 2>/dev/null
}

SMTP=(--expect '^220' --send 'HELO me\r\n' --expect '^250'
    --send 'QUIT\r\n' --expect '^221')

test_dialogue() {
	peer smtp smtp ok
	t 20 "$SC" -w 5 "${SMTP[@]}" 127.0.0.1 "$PPORT" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "what the server said, as it said it" \
	    "$(printf '220 mail.example.com ready\r\n250 hello me\r\n221 bye\r')" \
	    "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	wait_exit "$PEER_PID" 10
	assertEquals "what the server read" "$(printf 'HELO me\r\nQUIT\r')" \
	    "$(<"$SC_TMP/smtp.err")"
}

# The answer comes a second later: the expect waits for it (-w 5).
test_server_answers_late() {
	peer smtp smtp late
	start=$(now_ms)
	t 20 "$SC" -w 5 "${SMTP[@]}" 127.0.0.1 "$PPORT" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertTrue "it waited for the answer" "[ $(($(now_ms) - start)) -ge 1000 ]"
	assertEquals "the dialogue" \
	    "$(printf '220 mail.example.com ready\r\n250 hello me\r\n221 bye\r')" \
	    "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
}

test_server_answers_wrong() {
	peer smtp smtp wrong
	t 20 "$SC" -w 2 "${SMTP[@]}" 127.0.0.1 "$PPORT" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "the failure, in one line" \
	    'sockcat: expected /^250/ within 2 s, got "550 relay denied"' \
	    "$(<"$SC_TMP/err")"
	assertEquals "what came is on stdout" \
	    "$(printf '220 mail.example.com ready\r\n550 relay denied\r')" \
	    "$(<"$SC_TMP/out")"
}

# Nothing comes: -w's time, then the failure.  With -C each line is
# matched whole, so the greeting's line was taken by the first expect.
test_server_never_answers() {
	peer smtp smtp never
	start=$(now_ms)
	t 20 "$SC" -C -w 1 "${SMTP[@]}" 127.0.0.1 "$PPORT" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	took=$(($(now_ms) - start))
	assertTrue "-w's second ($took ms)" "[ $took -ge 1000 ] && [ $took -lt 8000 ]"
	assertEquals "the failure" \
	    'sockcat: expected /^250/ within 1 s, got nothing' \
	    "$(<"$SC_TMP/err")"
	assertEquals "stdout" "$(printf '220 mail.example.com ready\r')" \
	    "$(<"$SC_TMP/out")"
	# Without -C what came is matched as it came: the rest of the line.
	peer smtp smtp never
	t 20 "$SC" -w 500ms "${SMTP[@]}" 127.0.0.1 "$PPORT" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status, raw" 1 $?
	assertEquals "the failure, raw" \
	    'sockcat: expected /^250/ within 500 ms, got "... mail.example.com ready"' \
	    "$(<"$SC_TMP/err")"
}

# The peer's end leaves the expect unmatched: at once, not after -w.
test_peer_ends_before_the_match() {
	peer smtp smtp ok
	start=$(now_ms)
	t 20 "$SC" -C -w 20 --expect '^220' --send 'QUIT\r\n' \
	    --expect '^250' 127.0.0.1 "$PPORT" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertTrue "at once" "[ $(($(now_ms) - start)) -lt 10000 ]"
	assertEquals "the failure" \
	    'sockcat: expected /^250/ within 20 s, got "221 bye" and the end' \
	    "$(<"$SC_TMP/err")"
}

# A script file: comments, a timeout, a sleep, a group sent back, close.
test_script_file() {
	peer smtp smtp ok
	cat >"$SC_TMP/smtp.chat" <<-'EOF'
	# a dialogue
	timeout 5s

	expect ^220 ([a-z.]+)
	send HELO \1\r\n
	sleep 200ms
	expect ^250 hello (.*)$
	send QUIT\r\n
	close
	expect ^221
	EOF
	t 20 "$SC" -C --script "$SC_TMP/smtp.chat" 127.0.0.1 "$PPORT" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stdout" \
	    "$(printf '220 mail.example.com ready\r\n250 hello mail.example.com\r\n221 bye\r')" \
	    "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	wait_exit "$PEER_PID" 10
	assertEquals "the group went back" \
	    "$(printf 'HELO mail.example.com\r\nQUIT\r')" "$(<"$SC_TMP/smtp.err")"
}

# interact: stdin has the connection once the script is done with it.
test_interact() {
	peer smtp smtp ok
	printf 'expect ^220\nsend HELO me\\r\\n\nexpect ^250\ninteract\n' \
	    >"$SC_TMP/s"
	printf 'QUIT\r\n' >"$SC_TMP/in"
	t 20 "$SC" -w 5 --script "$SC_TMP/s" 127.0.0.1 "$PPORT" \
	    <"$SC_TMP/in" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stdout" \
	    "$(printf '220 mail.example.com ready\r\n250 hello me\r\n221 bye\r')" \
	    "$(<"$SC_TMP/out")"
	wait_exit "$PEER_PID" 10
	assertEquals "what the server read" "$(printf 'HELO me\r\nQUIT\r')" \
	    "$(<"$SC_TMP/smtp.err")"
}

# The reader of stdout leaves ("| true", "| head -1", or before the
# greeting comes): as for nc, no error, and the script goes on, what comes
# matched and dropped.  Each order of the events that coincide.
test_stdout_reader_gone() {
	for order in kernel reverse; do
		for reader in true 'head -1' gone; do
			peer smtp smtp ok
			stdout_reader_gone "$order" "$reader"
			assertEquals "$order, $reader: status" 0 "$RC"
			assertEquals "$order, $reader: stderr" "" \
			    "$(<"$SC_TMP/err")"
			wait_exit "$PEER_PID" 10
			assertEquals "$order, $reader: what the server read" \
			    "$(printf 'HELO me\r\nQUIT\r')" \
			    "$(<"$SC_TMP/smtp.err")"
		done
	done
}

# stdout_reader_gone ORDER READER: the dialogue with stdout read by READER
# ("gone": a pipe whose reader left before sockcat started), the events
# in ORDER; its status in RC.
stdout_reader_gone() {
	set -- "$1" "$2" -C -w 5 --expect '^220' --send 'HELO me\r\n' \
	    --expect '^250' --send 'QUIT\r\n' 127.0.0.1 "$PPORT"
	_order=$1
	[ "$_order" = kernel ] && _order=
	if [ "$2" = gone ]; then
		shift 2
		SC_EVENT_ORDER=$_order t 20 python3 -c 'import os, sys
r, w = os.pipe()
os.close(r)
os.dup2(w, 1)
os.execv(sys.argv[1], sys.argv[1:])' "$SC" "$@" </dev/null 2>"$SC_TMP/err"
		RC=$?
		return
	fi
	_reader=$2
	shift 2
	SC_EVENT_ORDER=$_order t 20 "$SC" "$@" </dev/null 2>"$SC_TMP/err" |
	    $_reader >/dev/null
	RC=${PIPESTATUS[0]}
}

# A WebSocket service: each message is a line, matched whole.
test_websocket() {
	have_websockets || { sc_skip "python3-websockets"; return; }
	peer ws ws
	t 20 "$SC" -w 5 --expect '^welcome$' --send 'ping 42\n' \
	    --expect '^pong ([0-9]+)$' --send 'ping x\1\n' --expect '^pong x42$' \
	    --send 'bye\n' --expect '^ciao$' "ws://127.0.0.1:$PPORT/" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stdout" "$(printf 'welcome\npong 42\npong x42\nciao')" \
	    "$(<"$SC_TMP/out")"
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
}

# -lk: each client gets the script afresh; a client that says the wrong
# thing fails its session, and the listener goes on.
test_each_client_of_a_listener() {
	server srv -lk -C 127.0.0.1 0 --expect '^HELO (.*)' \
	    --send '250 hello \1\r\n' --expect '^QUIT' --send '221 bye\r\n' ||
	    return
	for n in alice bob; do
		t 10 python3 "$SCRIPTPEER" helo "$PORT" "$n" >"$SC_TMP/$n" \
		    2>&1
		assertEquals "$n: status" 0 $?
		assertEquals "$n: answered" "$(printf '250 hello %s\n221 bye' $n)" \
		    "$(<"$SC_TMP/$n")"
	done
	printf 'HELO carol\r\nNOOP\r\n' >"$SC_TMP/in"
	t 10 "$SC" -w 2 127.0.0.1 "$PORT" <"$SC_TMP/in" >"$SC_TMP/carol" \
	    2>&1
	wait_for "$SC_TMP/srv.err" 'expected' ||
	    fail "no failure said: $(<"$SC_TMP/srv.err")"
	assertEquals "carol's failure" \
	    'sockcat: expected /^QUIT/ within 10 s, got "NOOP" and the end' \
	    "$(grep expected "$SC_TMP/srv.err")"
	t 10 python3 "$SCRIPTPEER" helo "$PORT" dave >"$SC_TMP/dave" 2>&1
	assertEquals "the next is served" "$(printf '250 hello dave\n221 bye')" \
	    "$(<"$SC_TMP/dave")"
	assertTrue "still listening" "still_running $SERVER_PID"
}

# The pair form: a listener with fork joined with stdio serves each
# client in turn, each with the script afresh, as -lk does.
test_each_client_of_a_fork_pair() {
	server srv tcp-l:127.0.0.1:0,fork - --expect '^HELO (.*)' \
	    --send '250 hello \1\r\n' --expect '^QUIT' --send '221 bye\r\n' ||
	    return
	for n in alice bob; do
		t 10 python3 "$SCRIPTPEER" helo "$PORT" "$n" >"$SC_TMP/$n" \
		    2>&1
		assertEquals "$n: status" 0 $?
		assertEquals "$n: answered" "$(printf '250 hello %s\n221 bye' $n)" \
		    "$(<"$SC_TMP/$n")"
	done
	assertTrue "still listening" "still_running $SERVER_PID"
}

test_refused() {
	printf 'expect ^220\nsend HELO\nexpct ^250\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 3: no such step \"expct\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	printf 'expect (\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 1: Unmatched ( or \\( \"(\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	printf 'send x\ninteract\nsend y\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 3: a step after interact: \"send\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	printf 'sleep soon\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 1: not a time: \"soon\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	printf 'close now\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 1: takes no argument: \"now\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	printf 'send\n' >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 1: an argument is missing after \"send\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	expect_error "--script $SC_TMP/none: No such file or directory" \
	    --script "$SC_TMP/none" 127.0.0.1 1
	expect_error '--expect: Invalid preceding regular expression "*"' \
	    --expect '*' 127.0.0.1 1
	expect_error '--send: an escape printf(1) has not "\q"' \
	    --send '\q' 127.0.0.1 1
	expect_error "--expect is for one peer wired to stdin and stdout: it takes no -e" \
	    --expect x -e /bin/cat 127.0.0.1 1
	expect_error "--script is for one peer wired to stdin and stdout: it takes no -d" \
	    --script /dev/null -d 127.0.0.1 1
	# Refused before anything is compiled: a pattern that would not
	# compile is not reached, given before -z or after.
	printf 'expect (\n' >"$SC_TMP/bad"
	expect_error "--script is for one peer wired to stdin and stdout: it takes no -z" \
	    --script "$SC_TMP/bad" -z 127.0.0.1 1
	expect_error "--expect is for one peer wired to stdin and stdout: it takes no -z" \
	    -z --expect '(' 127.0.0.1 1
	expect_error "--broker is a mode of its own: it takes no --send" \
	    --broker --send x -l 1
}

# What a script's parser refuses, each its own way, and what it takes:
# times in every unit, blank and comment lines, a CR before the line's
# end, a tab after the word; patterns that would cost too much, alone
# or together; texts whose escapes are not printf(1)'s.
test_refused_in_detail() {
	printf '%s\n' 'timeout 1m' 'timeout 1.25' 'timeout 90s' \
	    'timeout 500ms' 'timeout 0.1234567' '  # a comment' '' \
	    'send	x' 'sleep 0' 'timeout 99999999' | sed '8s/$/\r/' \
	    >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 10: not a time: \"99999999\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	for time in 86401 1441m . 3x; do
		printf 'timeout %s\n' "$time" >"$SC_TMP/bad"
		expect_error "$SC_TMP/bad: line 1: not a time: \"$time\"" \
		    --script "$SC_TMP/bad" 127.0.0.1 1
	done
	yes 'send x' | head -n 4097 >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 4097: too many steps" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	long=$(head -c 4097 /dev/zero | tr '\0' y)
	printf 'send %s\n' "$long" >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 1: longer than a step may be: \"${long:0:44}...\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	printf 'send %s\n' "$long$long" >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 1: longer than a step may be" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	expect_error "--send: longer than a step may be: \"${long:0:44}...\"" \
	    --send "$long" 127.0.0.1 1
	# {N,} of a count past 2^63: strtoll(3)'s most, plus one, overflowed
	# (a sanitizer build's report, the end of its run).
	expect_error '--expect: a repetition of more than 255 "a{99999999999999999999,}"' \
	    --expect 'a{99999999999999999999,}' 127.0.0.1 1
	truncate -s 1048577 "$SC_TMP/bad"
	expect_error "--script $SC_TMP/bad: longer than 1048576 bytes" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	for i in 1 2 3 4 5 6 7; do
		echo 'expect (a{100}){150}'
	done >"$SC_TMP/bad"
	expect_error "$SC_TMP/bad: line 7: the patterns together would take too much memory: \"(a{100}){150}\"" \
	    --script "$SC_TMP/bad" 127.0.0.1 1
	expect_error '--send: \x without a hex digit "\xg"' --send '\xg' \
	    127.0.0.1 1
	expect_error '--send: a \ at the end "a\"' --send 'a\' 127.0.0.1 1
	expect_error '--send: an escape printf(1) has not "a?\q"' \
	    --send "$(printf 'a\001')\\q" 127.0.0.1 1
	nest=$(printf '(%.0s' $(seq 33))a$(printf ')%.0s' $(seq 33))
	for re in 'a{2:a repetition not closed' \
	    'a{256}:a repetition of more than 255' \
	    'a{2,300}:a repetition of more than 255' \
	    '(.{2}){,7255}:a repetition of more than 255' \
	    '(a{200}){,200}:a pattern that would take too much memory' \
	    'a{2,}{3}:a repetition of a repetition' \
	    'a*+:a repetition of a repetition' \
	    '[^]a]{2}?:a repetition of a repetition' \
	    '(a{200}){200}:a pattern that would take too much memory' \
	    '((a{100}){100}){100}:a pattern that would take too much memory' \
	    "$nest:groups nested too deep"; do
		shown=${re%:*}
		[ ${#shown} -gt 44 ] && shown=${shown:0:44}...
		expect_error "--expect: ${re##*:} \"$shown\"" \
		    --expect "${re%:*}" 127.0.0.1 1
	done
}

# What a text's escapes stand for, sent: printf(1)'s, octal and hex, and
# a group: nothing before a match, what it matched after one.  Patterns
# with bracket classes, alternatives and back-references compile.
test_escapes_sent() {
	echo zz >"$SC_TMP/sink.in"
	server sink -l 127.0.0.1 0 || return
	t 10 "$SC" -N --send 'a\1' \
	    --expect '[[:alpha:]]*x[[.a.]]|[[=b=]][]a][^]b]|(x|yy|z)\1\b' \
	    --send '\\\"\a\b\e\f\t\v\0101\x41\x4g\1\n' 127.0.0.1 "$PORT" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stdout" "zz" "$(<"$SC_TMP/out")"
	wait_exit "$SERVER_PID" 10
	assertEquals "the bytes sent" \
	    '61 5c 22 07 08 1b 0c 09 0b 41 41 04 67 7a 0a' \
	    "$(od -An -tx1 "$SC_TMP/sink.out" | tr -s ' \n' '  ' |
	    sed 's/^ //; s/ $//')"
}

# Under -C a line is matched once it ends, but a prompt never ends: a
# line not ended is tried as it stands, as expect(1) tries what came, and
# what follows the match is no line's start ("^welcome" is the next line).
test_prompt_without_line_end() {
	peer prompt prompt
	t 20 "$SC" -w 5 -C --expect 'login: $' --send 'me\r\n' \
	    --expect '^welcome$' 127.0.0.1 "$PPORT" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	wait_exit "$PEER_PID" 10
	assertEquals "what the server read" "$(printf 'me\r')" \
	    "$(<"$SC_TMP/prompt.err")"
	# What follows the prompt's match is the rest of its line, where a
	# pattern for a line's start does not match.
	peer prompt prompt
	t 20 "$SC" -w 2 -C --expect 'login: ' --send 'me\r\n' \
	    --expect '^$' 127.0.0.1 "$PPORT" </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "a line's start: status" 1 $?
	assertEquals "a line's start: stderr" \
	    "sockcat: expected /^\$/ within 2 s, got \"welcome\"" \
	    "$(<"$SC_TMP/err")"
}

# What an expect costs follows what came, not what it keeps: 64 KiB that
# does not match, then 2000 bytes a packet, then the match.  A debug
# build counts the bytes the expects looked at (SC_EXPECT_COUNT): at most
# four times what came (67543 bytes), where looking at the whole window
# for each packet counted 130 million.  Raw, each packet is tried with
# the bytes before it that a match could start in ("xyyy" spans four
# packets); with -C each line is looked for once and tried once, whole.
test_expect_cost_follows_what_came() {
	for how in raw -C; do
		peer trickle trickle
		set -- --expect 'xy{3}' --expect 'foo|bar'
		[ $how = -C ] && set -- -C --expect '^x*y+$' --expect '^foo'
		SC_EXPECT_COUNT=1 t 60 "$SC" -w 30 "$@" --send 'done\r\n' \
		    127.0.0.1 "$PPORT" </dev/null >"$SC_TMP/out" \
		    2>"$SC_TMP/err"
		assertEquals "$how: status" 0 $?
		assertEquals "$how: all that came is on stdout" 67543 \
		    "$(wc -c <"$SC_TMP/out")"
		wait_exit "$PEER_PID" 10
		assertEquals "$how: the send went" "$(printf 'done\r')" \
		    "$(<"$SC_TMP/trickle.err")"
		sc_debug_build ||
		    { sc_skip "not a debug build: expects are not counted"; return; }
		looked=$(sed -n 's/^sockcat: bytes the expects looked at: //p' \
		    "$SC_TMP/err")
		assertTrue "$how: ${looked:-no} bytes looked at for 67543" \
		    "[ ${looked:-999999999} -le $((4 * 67543)) ]"
	done
}

# A pattern, and a script's patterns together, have a budget (the atoms
# repetitions make), weighed before anything is compiled: 300 patterns of
# the most one may cost (6 KB) would take 800 MB; refused at the sixth,
# in one line, within a quarter of that (ulimit -v, but for a sanitizer's
# build, which reserves terabytes).  Five fit.
test_script_budget() {
	for _i in $(seq 300); do
		echo 'expect (.{255}){78}'
	done >"$SC_TMP/big"
	(
		grep -aq __asan_init "$SC" || ulimit -v 262144
		t 10 "$SC" --script "$SC_TMP/big" 127.0.0.1 1
	) </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "refused in one line" \
	    "sockcat: $SC_TMP/big: line 6: the patterns together would take too much memory: \"(.{255}){78}\"" \
	    "$(<"$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	expect_error '--expect: a pattern that would take too much memory "(.{255}){79}"' \
	    --expect '(.{255}){79}' 127.0.0.1 1
	expect_error '--expect: a pattern that would take too much memory "((x{150}){100})((x{150}){100})"' \
	    --expect '((x{150}){100})((x{150}){100})' 127.0.0.1 1
	# Five are compiled, and the client goes on to dial.
	head -5 "$SC_TMP/big" >"$SC_TMP/five"
	_port=$(free_port)
	t 10 "$SC" -v --script "$SC_TMP/five" 127.0.0.1 "$_port" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "five: status" 1 $?
	assertEquals "five: dialled" \
	    "sockcat: connect to 127.0.0.1 port $_port (tcp) failed: Connection refused" \
	    "$(<"$SC_TMP/err")"
}

# --timestamp=relative: each line after the seconds since the session's
# start; -o and --hex-dump have them too, both ways; the wire has none.
test_timestamp_relative() {
	peer talk talk
	printf 'hi\n' >"$SC_TMP/in"
	t 20 "$SC" -N --timestamp=relative -o "$SC_TMP/raw" \
	    --hex-dump "$SC_TMP/hex" 127.0.0.1 "$PPORT" <"$SC_TMP/in" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	assertTrue "the first line: $(<"$SC_TMP/out")" \
	    "grep -Eqx '[0-9]+\.[0-9]{3} one' '$SC_TMP/out'"
	two=$(sed -n 's/^\([0-9]*\)\.\([0-9]*\) two$/\1\2/p' "$SC_TMP/out")
	assertTrue "the second, half a second later: $(<"$SC_TMP/out")" \
	    "[ -n '$two' ] && [ $((10#$two)) -ge 450 ] && [ $((10#$two)) -lt 5000 ]"
	assertEquals "two lines" 2 "$(wc -l <"$SC_TMP/out")"
	wait_exit "$PEER_PID" 10
	assertEquals "the peer read no stamp" "hi" "$(<"$SC_TMP/talk.err")"
	assertTrue "-o: what was sent, stamped" \
	    "grep -Eqx '[0-9]+\.[0-9]{3} hi' '$SC_TMP/raw'"
	assertTrue "-o: what came, stamped" \
	    "grep -Eqx '[0-9]+\.[0-9]{3} two' '$SC_TMP/raw'"
	assertEquals "-o: three lines" 3 "$(wc -l <"$SC_TMP/raw")"
	assertTrue "--hex-dump: each line stamped" \
	    "grep -Eq '^[0-9]+\.[0-9]{3} > 00000000  68 69 0a ' '$SC_TMP/hex'"
	assertEquals "--hex-dump: no line without" "" \
	    "$(grep -Ev '^[0-9]+\.[0-9]{3} [<>] ' "$SC_TMP/hex")"
}

# The wall clock, ISO 8601 with milliseconds and the offset from UTC;
# a strftime(3) format; a WebSocket's messages, a line each.
test_timestamp_wall_clock() {
	peer talk talk
	before=$(date +%s)
	echo hi | TZ=UTC t 20 "$SC" -N --timestamp 127.0.0.1 "$PPORT" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 0 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	assertEquals "two lines, ISO 8601: $(<"$SC_TMP/out")" 2 \
	    "$(grep -Ec '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+00:00 (one|two)$' "$SC_TMP/out")"
	when=$(date -u -d "$(head -n 1 "$SC_TMP/out" | cut -c1-19)" +%s)
	assertTrue "the time of the run" \
	    "[ $when -ge $((before - 1)) ] && [ $when -le $(($(date +%s) + 1)) ]"
	peer talk talk
	echo hi | TZ=UTC t 20 "$SC" -N --timestamp='[%Y]' 127.0.0.1 "$PPORT" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "strftime" "$(printf '[%s] one\n[%s] two' \
	    "$(date -u +%Y)" "$(date -u +%Y)")" "$(<"$SC_TMP/out")"
	have_websockets || { sc_skip "python3-websockets"; return; }
	peer ws ws
	t 20 "$SC" --timestamp=relative --expect '^welcome$' --send 'ping\n' \
	    --expect '^pong$' "ws://127.0.0.1:$PPORT/" </dev/null \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "websocket: status" 0 $?
	assertEquals "websocket: a message a line: $(<"$SC_TMP/out")" 2 \
	    "$(grep -Ec '^[0-9]+\.[0-9]{3} (welcome|pong)$' "$SC_TMP/out")"
}

test_timestamp_refused() {
	expect_error "--timestamp: no such format: soon (iso, relative or a strftime(3) format)" \
	    --timestamp=soon 127.0.0.1 1
	# A stamp longer than its buffer was made empty on every line.
	expect_error "--timestamp: %c %c %c: its stamps would be longer than 62 bytes" \
	    --timestamp='%c %c %c' 127.0.0.1 1
	expect_error "--timestamp: %A %B %d %A %B %d %A %B %d: its stamps would be longer than 62 bytes" \
	    '--timestamp=%A %B %d %A %B %d %A %B %d' 127.0.0.1 1
	expect_error "--timestamp: $(printf '%%Y%.0s' {1..16}): a format is at most 31 bytes" \
	    "--timestamp=$(printf '%%Y%.0s' {1..16})" 127.0.0.1 1
	# Without a log, nothing of a program's or a forwarder's to stamp.
	expect_error "--timestamp stamps what a peer sends to stdout, and the lines of -o and --hex-dump: without a log it takes no -e" \
	    --timestamp -e /bin/cat 127.0.0.1 1
	expect_error "tcp-l:1 tcp:127.0.0.1:1 reads no stdin and writes no stdout: it takes no --timestamp without -o or --hex-dump" \
	    --timestamp tcp-l:1 tcp:127.0.0.1:1
	expect_error "--forward reads no stdin and writes no stdout: it takes no --timestamp without -o or --hex-dump" \
	    --timestamp -l 1 --forward 127.0.0.1:1
	expect_error "-l --proxy-type is a mode of its own: it takes no --timestamp without -o or --hex-dump" \
	    --timestamp -l --proxy-type http 1
	expect_error "exec:cat is a program in stdin and stdout's place and ends as it does: it takes no --timestamp without -o or --hex-dump" \
	    --timestamp tcp-l:1 exec:cat
	expect_error "--relay pairs clients and sees nothing: it takes no --timestamp" \
	    --timestamp --relay 1
}

# A program's session writes no stdout, but its log's lines are stamped:
# -e's, and an address pair's exec: (a program for each client at once,
# whose lines are labelled).
test_timestamp_stamps_a_programs_log() {
	local args lab
	for args in "-l 127.0.0.1 0 -e /bin/cat" "tcp-l:127.0.0.1:0 exec:cat"; do
		lab=
		case $args in tcp-l*) lab='#1 127\.0\.0\.1 [0-9]+ ' ;; esac
		rm -f "$SC_TMP/hex"
		# shellcheck disable=SC2086
		server e --timestamp=relative --hex-dump "$SC_TMP/hex" $args ||
		    { fail "no server: $args"; continue; }
		echo hi | t 10 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
		assertEquals "$args: echoed" hi "$(<"$SC_TMP/c.out")"
		wait_for "$SC_TMP/hex" ' > 00000000' 10 || fail "$args: no log"
		stop "$SERVER_PID"
		assertTrue "$args: stamped: $(<"$SC_TMP/hex")" \
		    "grep -Eq '^[0-9]+\.[0-9]{3} $lab< 00000000  68 69 0a ' '$SC_TMP/hex' &&
		    grep -Eq '^[0-9]+\.[0-9]{3} $lab> 00000000  68 69 0a ' '$SC_TMP/hex'"
	done
}

# What a datagram listener writes to stdout: a line each, stamped; and
# its peers' datagrams recorded.
test_datagram_listener_stamped_and_recorded() {
	server u -u -l --timestamp=relative --record "$SC_TMP/u.rec" \
	    127.0.0.1 0 || { fail "no server"; return; }
	printf 'one\ntwo\n' | t 10 "$SC" -u -q 0 127.0.0.1 "$PORT" \
	    >/dev/null 2>&1
	wait_lines "$SC_TMP/u.out" 'two$' 1 || fail "nothing stamped"
	assertTrue "each line stamped: $(<"$SC_TMP/u.out")" \
	    "grep -Eqx '[0-9]+\.[0-9]{3} one' '$SC_TMP/u.out' &&
	    grep -Eqx '[0-9]+\.[0-9]{3} two' '$SC_TMP/u.out'"
	wait_for "$SC_TMP/u.rec" 'client "two' || fail "nothing recorded"
	assertTrue "the recording: $(cat "$SC_TMP/u.rec")" \
	    "grep -q '^[0-9]* client \"one' '$SC_TMP/u.rec'"
}

# A forwarded pair and --forward record each session with a web server,
# which a listener then plays to curl: the same bytes.  And the relay
# records each pair it joins.
test_record_forwarded_sessions() {
	command -v curl >/dev/null || { sc_skip "curl"; return; }
	mkdir "$SC_TMP/www"
	echo 'hello through a forwarder' >"$SC_TMP/www/index.html"
	bg t 60 python3 -m http.server --bind 127.0.0.1 --directory \
	    "$SC_TMP/www" 0 >"$SC_TMP/http.out" 2>&1
	wait_for "$SC_TMP/http.out" 'port [0-9]+' || fail "no web server"
	hp=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$SC_TMP/http.out" | head -n 1)
	t 20 curl -s -0 --raw -D - "http://127.0.0.1:$hp/" \
	    >"$SC_TMP/direct" 2>&1
	for way in pair forward; do
		if [ $way = pair ]; then
			server fw --record "$SC_TMP/$way-%n.rec" \
			    tcp-l:127.0.0.1:0,fork "tcp:127.0.0.1:$hp" || { fail "no server"; return; }
		else
			server fw -lk --record "$SC_TMP/$way-%n.rec" \
			    127.0.0.1 0 --forward "127.0.0.1:$hp" || { fail "no server"; return; }
		fi
		for n in 1 2; do
			t 20 curl -s -0 --raw -D - "http://127.0.0.1:$PORT/" \
			    >"$SC_TMP/fwd" 2>&1
			assertEquals "$way $n: through it" \
			    "$(sed '/^Date:/d' "$SC_TMP/direct")" \
			    "$(sed '/^Date:/d' "$SC_TMP/fwd")"
			wait_for "$SC_TMP/$way-$n.rec" 'through a forwarder' ||
			    fail "$way: no recording $n"
		done
		stop "$SERVER_PID"
		server srv -l 127.0.0.1 0 --replay "$SC_TMP/$way-2.rec" || { fail "no server"; return; }
		t 20 curl -s -0 --raw -D - "http://127.0.0.1:$PORT/" \
		    >"$SC_TMP/replayed" 2>&1
		assertEquals "$way: replayed to curl" 0 $?
		assertTrue "$way: the same bytes" \
		    "cmp '$SC_TMP/fwd' '$SC_TMP/replayed'"
	done
	server relay --relay --record "$SC_TMP/relay-%n.rec" 127.0.0.1 0 ||
	    { fail \"no server\"; return; }
	echo "from a" >"$SC_TMP/a.in"
	bg_in "$SC_TMP/a.in" t 20 "$SC" -N -l --via "127.0.0.1:$PORT" \
	    --secret=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK >"$SC_TMP/a.out" \
	    2>/dev/null
	echo "from b" | t 20 "$SC" -N --via "127.0.0.1:$PORT" \
	    --secret=8RF3-PGE0-SJNV-7XJW-Q426-XT28-RJJK >"$SC_TMP/b.out" \
	    2>/dev/null
	assertEquals "through the relay" "from a" "$(<"$SC_TMP/b.out")"
	wait_for "$SC_TMP/relay-1.rec" '^[0-9]+ (client|server) ' ||
	    fail "the relay recorded nothing"
	assertNotContains "the relay records what it sees, not the text" \
	    "$(cat "$SC_TMP/relay-1.rec")" "from a"
}

# A session with Python's web server recorded (its format checked), then
# played back by a -lk listener to curl, twice, byte for byte.
test_record_and_replay_web() {
	command -v curl >/dev/null || { sc_skip "curl"; return; }
	mkdir "$SC_TMP/www"
	echo 'hello from a web server' >"$SC_TMP/www/index.html"
	bg t 60 python3 -m http.server --bind 127.0.0.1 --directory \
	    "$SC_TMP/www" 0 >"$SC_TMP/http.out" 2>&1
	wait_for "$SC_TMP/http.out" 'port [0-9]+' || fail "no web server"
	hp=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$SC_TMP/http.out" | head -n 1)
	printf 'GET / HTTP/1.0\r\n\r\n' >"$SC_TMP/req"
	t 20 "$SC" -N --record "$SC_TMP/web.rec" 127.0.0.1 "$hp" \
	    <"$SC_TMP/req" >"$SC_TMP/direct" 2>"$SC_TMP/err"
	assertEquals "recorded: status" 0 $?
	assertEquals "recorded: stderr" "" "$(<"$SC_TMP/err")"
	assertEquals "its first line" "sockcat-record 1" \
	    "$(head -n 1 "$SC_TMP/web.rec")"
	assertTrue "the request, the client's: $(cat "$SC_TMP/web.rec")" \
	    "grep -Eqx '[0-9]+ client \"GET / HTTP/1.0\\\\r\\\\n\"' '$SC_TMP/web.rec'"
	assertTrue "the page, the server's" \
	    "grep -Eqx '[0-9]+ server \"hello from a web server\\\\n\"' '$SC_TMP/web.rec'"
	server srv -lk 127.0.0.1 0 --replay "$SC_TMP/web.rec" || return
	for n in 1 2; do
		t 20 curl -s -0 --raw -D - "http://127.0.0.1:$PORT/" \
		    >"$SC_TMP/replayed" 2>&1
		assertEquals "curl $n: status" 0 $?
		assertTrue "curl $n: the same bytes" \
		    "cmp '$SC_TMP/direct' '$SC_TMP/replayed'"
	done
	# The address pair: a listener that plays it to each client.
	server pair "tcp-l:127.0.0.1:0" "replay:$SC_TMP/web.rec" || return
	for n in 1 2; do
		t 20 curl -s -0 --raw -D - "http://127.0.0.1:$PORT/" \
		    >"$SC_TMP/replayed" 2>&1
		assertEquals "pair, curl $n: status" 0 $?
		assertTrue "pair, curl $n: the same bytes" \
		    "cmp '$SC_TMP/direct' '$SC_TMP/replayed'"
	done
}

# A device's recording, edited by hand: a line, then two more 1.5 s
# apart.  At speed=2 the whole takes half the time (within 10 %).
test_replay_speed() {
	printf '%s\n' 'sockcat-record 1' '# a device that counts' \
	    '0 server "one\n"' '1500 server "two\n"' '3000 server "three\n"' \
	    >"$SC_TMP/dev.rec"
	for sp in 1 2; do
		server dev$sp -lk 127.0.0.1 0 --replay "$SC_TMP/dev.rec,speed=$sp" ||
		    return
		start=$(now_ms)
		t 20 "$SC" 127.0.0.1 "$PORT" </dev/null >"$SC_TMP/out$sp" \
		    2>"$SC_TMP/err"
		assertEquals "speed $sp: status" 0 $?
		eval "took$sp=$(($(now_ms) - start))"
		assertEquals "speed $sp: the lines" "$(printf 'one\ntwo\nthree')" \
		    "$(<"$SC_TMP/out$sp")"
		stop "$SERVER_PID"
	done
	# A timer is never early; a loaded machine only makes the client's
	# start and its reads late.  So: at least the recording's time, and
	# at speed 2 short of speed 1's 3 s by a margin load cannot eat.
	# shellcheck disable=SC2154
	assertTrue "speed 1 took 3 s: $took1 ms" \
	    "[ $took1 -ge 3000 ] && [ $took1 -lt 4500 ]"
	# shellcheck disable=SC2154
	assertTrue "speed 2 took half of 3 s: $took2 ms" \
	    "[ $took2 -ge 1500 ] && [ $took2 -lt 2250 ]"
}

# A client's dialogue recorded, then replayed as the client: to the same
# server all is well; to one that answers otherwise, the first byte that
# differs is named, with its line in the recording.
test_replay_checks_a_changed_server() {
	peer smtp smtp ok
	t 20 "$SC" -w 5 "${SMTP[@]}" --record "$SC_TMP/smtp.rec" 127.0.0.1 \
	    "$PPORT" </dev/null >/dev/null 2>"$SC_TMP/err"
	assertEquals "recorded" 0 $?
	assertEquals "the recording" "$(printf '%s\n' \
	    '0 server "220 mail.example.com ready\r\n"' \
	    '0 client "HELO me\r\n"' '0 server "250 hello me\r\n"' \
	    '0 client "QUIT\r\n"' '0 server "221 bye\r\n"')" \
	    "$(grep -v '^#' "$SC_TMP/smtp.rec" | sed 1d | sed 's/^[0-9]* /0 /')"
	peer smtp smtp ok
	t 20 "$SC" --replay "$SC_TMP/smtp.rec,side=client" 127.0.0.1 \
	    "$PPORT" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "the same server: status" 0 $?
	assertEquals "the same server: stderr" "" "$(<"$SC_TMP/err")"
	wait_exit "$PEER_PID" 10
	assertEquals "what it heard" "$(printf 'HELO me\r\nQUIT\r')" \
	    "$(<"$SC_TMP/smtp.err")"
	peer smtp smtp wrong
	t 20 "$SC" "replay:$SC_TMP/smtp.rec,side=client" "tcp:127.0.0.1:$PPORT" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "a changed server: status" 1 $?
	assertEquals "where it differs" "sockcat: write to replay:$SC_TMP/smtp.rec,side=client: line 6, byte 1: the peer sent \"550 relay denied\\x0d\\x0a\" where the recording has \"250 hello me\\x0d\\x0a\"" \
	    "$(<"$SC_TMP/err")"
}

# -lk: a file for each session, its number in its name, made for its
# owner's eyes alone (what was said may be a password, even under TLS).
test_record_each_session() {
	_umask=$(umask)
	umask 022
	server srv -lk -C 127.0.0.1 0 --record "$SC_TMP/s-%n.rec" \
	    --expect '^HELO (.*)' --send '250 hello \1\r\n' --expect '^QUIT' \
	    --send '221 bye\r\n'
	_st=$?
	umask "$_umask"
	[ "$_st" -eq 0 ] || return
	for n in alice bob; do
		t 10 python3 "$SCRIPTPEER" helo "$PORT" "$n" >/dev/null 2>&1
		assertEquals "$n: status" 0 $?
	done
	wait_until test -s "$SC_TMP/s-2.rec" || fail "no second recording"
	assertTrue "the first, alice's" \
	    "grep -q 'client \"HELO alice' '$SC_TMP/s-1.rec'"
	assertTrue "the first, its answer, the server's" \
	    "grep -q 'server \"250 hello alice' '$SC_TMP/s-1.rec'"
	assertTrue "the second, bob's" \
	    "grep -q 'client \"HELO bob' '$SC_TMP/s-2.rec'"
	assertEquals "the owner's alone, umask 022" "600 600" \
	    "$(stat -c %a "$SC_TMP/s-1.rec" "$SC_TMP/s-2.rec" | tr '\n' ' ' |
	    sed 's/ $//')"
	expect_error "--record x.rec: with -k, a file for each session: put %n (its number) in its name" \
	    -lk --record x.rec 1
	# %%n is a '%' and an 'n': one file, each session over the last.
	expect_error "--record x%%n.rec: with -k, a file for each session: put %n (its number) in its name" \
	    -lk --record x%%n.rec 127.0.0.1 0
	# Every server of many sessions, however it is written: a pair's
	# listener that forwards each client, one with a program for each,
	# fork, the relay.
	_l=tcp-l:127.0.0.1:0
	for _p in "$_l tcp:127.0.0.1:1" "tcp:127.0.0.1:1 $_l" "$_l exec:cat" \
	    "$_l,fork -"; do
		_s=$_l
		[ "${_p#*,fork}" = "$_p" ] || _s=$_l,fork
		# shellcheck disable=SC2086 # the two addresses
		expect_error "--record x.rec: with $_s, a file for each session: put %n (its number) in its name" \
		    --record x.rec $_p
	done
	expect_error "--record x.rec: with --relay, a file for each session: put %n (its number) in its name" \
	    --relay --record x.rec 127.0.0.1 0
}

# A listener reads its recording again for each client: one replaced by
# a named pipe since the start is refused as at the start, in one line,
# not waited for in open(2) with every client held up behind it.
test_replay_replaced_by_a_named_pipe() {
	printf 'sockcat-record 1\n0 server "hi\\n"\n' >"$SC_TMP/r.rec"
	server srv -lk --replay "$SC_TMP/r.rec" 127.0.0.1 0 ||
	    fail "no replaying server"
	assertEquals "the first client" hi \
	    "$(t 10 "$SC" 127.0.0.1 "$PORT" </dev/null 2>&1)"
	rm "$SC_TMP/r.rec"
	mkfifo "$SC_TMP/r.rec"
	t 10 "$SC" 127.0.0.1 "$PORT" </dev/null >/dev/null 2>&1
	wait_exit "$SERVER_PID" 10
	assertEquals "the listener's status" 1 "$WAIT_STATUS"
	assertEquals "the listener's line" \
	    "sockcat: $SC_TMP/r.rec: not a regular file: a recording is read again for each session" \
	    "$(grep -v '^Listening on\|^Connection received on' "$SC_TMP/srv.err")"
}

# -o or --hex-dump and --record on one file: each wrote over the other's
# bytes, and the recording lost its first line.  Refused, by any name.
test_record_and_log_one_file_refused() {
	expect_error "-o and --record name the same file: $SC_TMP/f" \
	    -o "$SC_TMP/f" --record "$SC_TMP/f" 127.0.0.1 1
	expect_error "--hex-dump and --record name the same file: $SC_TMP/./f" \
	    --hex-dump "$SC_TMP/f" --record "$SC_TMP/./f" 127.0.0.1 1
	: >"$SC_TMP/g"
	ln -s g "$SC_TMP/h"
	expect_error "-o and --record name the same file: $SC_TMP/h" \
	    -o "$SC_TMP/g" --record "$SC_TMP/h" 127.0.0.1 1
	expect_error "-o and --record name the same file: $SC_TMP/f" \
	    -o "$SC_TMP/f" --record "$SC_TMP/f" - tcp:127.0.0.1:1
	expect_error "-o and --record name the same file: $SC_TMP/%%f" \
	    -o "$SC_TMP/%f" --record "$SC_TMP/%%f" 127.0.0.1 1
}

test_recording_refused() {
	printf 'sockcat-record 1\n0 server "a"\n5 client no quotes\n' \
	    >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 3: no quoted bytes" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	printf 'sockcat-record 1\n10 server "a"\n5 client "b"\n' \
	    >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 3: a time before the line's above" \
	    "replay:$SC_TMP/bad.rec" tcp-l:1
	printf 'GET / HTTP/1.0\n' >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 1: not \"sockcat-record 1\": no recording" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	printf 'sockcat-record 1\n0 server "\\q"\n' >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 2: an escape that is none of \\\\ \\\" \\r \\n \\t \\xHH" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	# Issue 80: a time the replay cannot wait for is refused (2^64 less a
	# little was played at once, and at speed=0.01 overflowed a double's
	# conversion); 10^12 ms is the last taken, at any speed.
	printf 'sockcat-record 1\n0 server "a"\n18446744073709551600 server "b"\n' \
	    >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 3: a time past 10^12 ms (31 years), which no replay can play" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	printf 'sockcat-record 1\n1000000000001 server "b"\n' >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 2: a time past 10^12 ms (31 years), which no replay can play" \
	    "replay:$SC_TMP/bad.rec,speed=0.01" tcp-l:1
	printf 'sockcat-record 1\n1000000000000 server "b"\n' >"$SC_TMP/max.rec"
	server max -l --replay "$SC_TMP/max.rec,speed=0.01" 127.0.0.1 0 ||
	    fail "the latest time refused"
	stop "$SERVER_PID"
	# Each way a chunk's line can be wrong, after a header ended by CRLF,
	# a comment and a blank line; a file empty or too long.
	for bad in 'x server "a":no time (milliseconds) first' \
	    '5:no time (milliseconds) first' \
	    '5 nobody "a":no "client" or "server" after the time' \
	    '5 client a:no quoted bytes' '5 client "a:no closing quote' \
	    "5 client \"$(printf 'a\001')\":a control byte not escaped" \
	    '5 client "a\:a \ at the end' \
	    '5 client "\xg1":\x without two hex digits' \
	    '5 client "\x4":\x without two hex digits' \
	    '5 client "a" b:more after the closing quote' \
	    '5 client "":no bytes'; do
		printf 'sockcat-record 1\r\n# c\n  \n%s\n' "${bad%:*}" \
		    >"$SC_TMP/bad.rec"
		expect_error "$SC_TMP/bad.rec: line 4: ${bad##*:}" \
		    -l 1 --replay "$SC_TMP/bad.rec"
	done
	# A datagram's lines: "+" goes on, with the same time and party.
	_more="another time or party than the line above, whose message goes on (+)"
	for bad in "6 client \"b\":$_more" "5 server \"b\":$_more" \
	    '5 client "":no bytes'; do
		printf 'sockcat-record 1\n# c\n  \n5 client "a" +\n%s\n' \
		    "${bad%%:*}" >"$SC_TMP/bad.rec"
		expect_error "$SC_TMP/bad.rec: line 5: ${bad#*:}" \
		    -l 1 --replay "$SC_TMP/bad.rec"
	done
	printf 'sockcat-record 1\n5 client "a" + b\n' >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 2: more after the closing quote" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	# A message is a datagram's: 1,093 lines of 60 bytes are too long.
	{
		echo 'sockcat-record 1'
		for _i in $(seq 1093); do
			printf '5 client "%060d" +\n' 0
		done
		echo '5 client "y"'
	} >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 1094: a message (+) longer than a datagram, 65535 bytes" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	printf 'sockcat-record 1\n5 client "a" +\n# the end\n' >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: line 3: a message that goes on (+) to no line" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	: >"$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: empty: no recording" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	truncate -s 65M "$SC_TMP/bad.rec"
	expect_error "$SC_TMP/bad.rec: longer than a recording may be" \
	    -l 1 --replay "$SC_TMP/bad.rec"
	# Each session reads the recording again: a directory, a pipe is
	# none (the pipe's would be played once, then be "empty").
	mkdir "$SC_TMP/dir.rec"
	expect_error "$SC_TMP/dir.rec: not a regular file: a recording is read again for each session" \
	    -l 1 --replay "$SC_TMP/dir.rec"
	mkfifo "$SC_TMP/fifo.rec"
	expect_error "$SC_TMP/fifo.rec: not a regular file: a recording is read again for each session" \
	    -l 1 --replay "$SC_TMP/fifo.rec"
	expect_error "$SC_TMP/fifo.rec: not a regular file: a recording is read again for each session" \
	    "replay:$SC_TMP/fifo.rec" tcp-l:1
	printf 'sockcat-record 1\n' >"$SC_TMP/ok.rec"
	expect_error "replay:$SC_TMP/ok.rec,side=both: side=both: client or server" \
	    -l 1 --replay "$SC_TMP/ok.rec,side=both"
	expect_error "replay:$SC_TMP/ok.rec,speed=0: speed=0: from 0.01 to 1000" \
	    -l 1 --replay "$SC_TMP/ok.rec,speed=0"
	expect_error "replay:$SC_TMP/ok.rec -: a recording is played to a socket" \
	    "replay:$SC_TMP/ok.rec" -
	_said="--replay plays a recording in stdin and stdout's place: it takes no"
	expect_error "$_said -e" -l 1 --replay "$SC_TMP/ok.rec" -e /bin/cat
	# Its end is the recording's: stdin's quit timer has none to time.
	expect_error "$_said -q" --replay "$SC_TMP/ok.rec" -q 1 127.0.0.1 1
	expect_error "$_said --quit-after" -u --replay "$SC_TMP/ok.rec" \
	    --quit-after 1 127.0.0.1 1
}

# sockcat-sessions(7)'s examples, as printed, against local peers.
test_manual_examples() {
	peer smtp smtp ok
	cat >"$SC_TMP/smtp.chat" <<-'EOF'
	expect ^220
	send HELO me\r\n
	expect ^250
	send QUIT\r\n
	expect ^221
	EOF
	while IFS= read -r l; do
		# The manual writes a backslash as roff's \e.
		in_manual -x "${l//\\/\\e}" || fail "not in the manual: $l"
	done <"$SC_TMP/smtp.chat"
	in_manual 'sockcat -C --script smtp.chat mail.example.com 25' ||
	    fail "the first example is not in the manual"
	(cd "$SC_TMP" && t 20 "$SC" -C --script smtp.chat 127.0.0.1 "$PPORT" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err")
	assertEquals "first: status" 0 $?
	assertEquals "first: stdout" \
	    "$(printf '220 mail.example.com ready\r\n250 hello me\r\n221 bye\r')" \
	    "$(<"$SC_TMP/out")"

	in_manual "sockcat -lk -C --expect '^HELO (.*)' --send '250 hello \\e1\\er\\en' 2525" ||
	    fail "the second example is not in the manual"
	server srv -lk -C --expect '^HELO (.*)' --send '250 hello \1\r\n' 0 ||
	    return
	printf 'HELO me\r\n' >"$SC_TMP/in"
	t 10 "$SC" -N -w 5 127.0.0.1 "$PORT" <"$SC_TMP/in" >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "second: stdout" "$(printf '250 hello me\r')" \
	    "$(<"$SC_TMP/out")"

	in_manual 'sockcat -l --timestamp=relative 9000' ||
	    fail "the timestamp example is not in the manual"
	server ts -l --timestamp=relative 0 || return
	printf 'one\n' | t 10 "$SC" -N 127.0.0.1 "$PORT" >/dev/null 2>&1
	wait_exit "$SERVER_PID" 10
	assertTrue "stamped: $(<"$SC_TMP/ts.out")" \
	    "grep -Eqx '[0-9]+\.[0-9]{3} one' '$SC_TMP/ts.out'"

	in_manual "sockcat --expect '^welcome' --send 'ping\\en' --expect '^pong' \\e" ||
	    fail "the third example is not in the manual"
	have_websockets || { sc_skip "python3-websockets"; return; }
	peer ws ws
	t 20 "$SC" --expect '^welcome' --send 'ping\n' --expect '^pong' \
	    "ws://127.0.0.1:$PPORT/" </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "third: status" 0 $?
	assertEquals "third: stdout" "$(printf 'welcome\npong')" \
	    "$(<"$SC_TMP/out")"
}

sc_run_shunit2
