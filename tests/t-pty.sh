#!/bin/bash
# --pty: a program on a terminal of its own (tty, stty size, session
# leader with a controlling terminal, interactive programs), end-of-file
# from the network hanging it up, its exit ending the session once its
# output is delivered, one terminal per connection with -lk, window sizes
# from the stream once the client has said it sends them (a plain client
# is sent only the program's output), UDP peers.  --raw: the local
# terminal raw and put back at exit, on fatal signals and while stopped,
# the "~." escape, the window size sent.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

# A --pty server for one connection: pty_server ARGS...
pty_server() {
	SERVER_TIMEOUT=60 server srv -l --pty "$@" 127.0.0.1 0 ||
	    fail "no server"
}

# What the side that dialled says first when it takes part in window
# sizes, and what a --pty server answers it with (a private OSC).
PTY_HELLO=$'\e]1073;naws\a'

# pty_text FILE: what a plain client of a --pty server got, without
# carriage returns; a server sends a client that said nothing no escape
# of its own (checked there).
pty_text() {
	LC_ALL=C grep -q $'\e' "$1" &&
	    fail "an escape sent: $(head -c 40 "$1" | od -c)"
	tr -d '\r' <"$1"
}

# A plain client of a --pty server (nc.openbsd) gets what the program
# wrote and nothing else: no byte the server made up.  The server once
# began with its hello, unasked.
test_plain_client_gets_only_the_program_output() {
	command -v nc.openbsd >/dev/null 2>&1 ||
	    { sc_skip "nc.openbsd not installed"; return; }
	pty_server -c 'tty; stty size'
	# -d: nc sends nothing, and ends with what the program wrote.
	t 30 nc.openbsd -d 127.0.0.1 "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "nc's status" 0 $?
	assertEquals "nc said" "" "$(<"$SC_TMP/err")"
	assertEquals "every byte" "$(printf '/dev/pts/N\r\n24 80\r\n' | od -c)" \
	    "$(sed 's|^/dev/pts/[0-9]*\r$|/dev/pts/N\r|' "$SC_TMP/out" | od -c)"
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_program_gets_a_terminal() {
	pty_server -c 'tty; stty size; [ "$(ps -o sid= -p $$)" -eq $$ ] &&
	    echo leader; exec 3</dev/tty && echo ctty'
	t 30 $PTY_DRIVE net "127.0.0.1:$PORT" eof >"$SC_TMP/out"
	assertEquals "drive" 0 $?
	assertEquals "/dev/pts/N
24 80
leader
ctty" "$(pty_text "$SC_TMP/out" | sed 's|^/dev/pts/[0-9]*$|/dev/pts/N|')"
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_cat_v_is_interactive() {
	pty_server -e 'cat -v'
	# The terminal echoes, cat -v answers, ^D on a line's start is EOF.
	t 30 $PTY_DRIVE net "127.0.0.1:$PORT" 'send:a\x01b\n' \
	    'expect:a\^Ab\r\na\^Ab\r\n' 'send:\x04' eof >"$SC_TMP/out"
	assertEquals "drive" 0 $?
	assertEquals "a^Ab
a^Ab" "$(pty_text "$SC_TMP/out")"
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_python_is_interactive() {
	pty_server -e 'python3 -q -i'
	t 40 $PTY_DRIVE net "127.0.0.1:$PORT" 'expect:>>> ' 'send:print(6*7)\n' \
	    'expect:\n42\r\n>>> ' 'send:\x04' eof >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(<"$SC_TMP/out")" 0 "$st"
}

test_network_eof_hangs_up() {
	pty_server -c "trap 'echo HUP >$SC_TMP/hup; exit 0' HUP; echo ready;
	    while :; do sleep 0.1; done"
	t 30 $PTY_DRIVE net "127.0.0.1:$PORT" expect:ready shut eof >/dev/null
	assertEquals "the session ended" 0 $?
	wait_for "$SC_TMP/hup" HUP 15
	assertEquals "the program got SIGHUP" HUP "$(<"$SC_TMP/hup")"
	wait_exit "$SERVER_PID" 15
	assertEquals "server status" 0 "$WAIT_STATUS"
}

test_program_exit_delivers_its_output() {
	pty_server -c 'seq 1 20000; exit 3'
	# The client keeps sending; the program's exit still ends it all.
	t 30 $PTY_DRIVE net "127.0.0.1:$PORT" eof >"$SC_TMP/out"
	assertEquals "drive" 0 $?
	assertEquals "every line" 20000 "$(grep -c . "$SC_TMP/out")"
	assertEquals "the last" 20000 "$(tail -n 1 "$SC_TMP/out" | tr -d '\r')"
	wait_exit "$SERVER_PID" 15
	assertEquals "the program's status" 3 "$WAIT_STATUS"
}

test_program_exit_with_a_child_left_on_the_terminal() {
	pty_server -c 'sleep 60 & echo $! >'"$SC_TMP/bg"'; echo bye'
	start=$(now_ms)
	t 30 $PTY_DRIVE net "127.0.0.1:$PORT" expect:bye eof >/dev/null
	assertEquals "ended" 0 $?
	took=$(( $(now_ms) - start ))
	assertTrue "not held up by the child: $took ms" "[ $took -lt 15000 ]"
	# The child may be gone already: that is no failure of the test.
	if [ -s "$SC_TMP/bg" ]; then
		kill "$(<"$SC_TMP/bg")" 2>/dev/null || :
	fi
}

test_lk_gives_each_connection_a_terminal() {
	pty_server -k -c 'tty; read x'
	held_stdin c1.in 7
	held_stdin c2.in 8
	bg_in "$SC_TMP/c1.in" t 30 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c1.out"
	bg_in "$SC_TMP/c2.in" t 30 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	wait_for "$SC_TMP/c1.out" '/dev/pts/[0-9]+' 15 || fail "c1"
	wait_for "$SC_TMP/c2.out" '/dev/pts/[0-9]+' 15 || fail "c2"
	assertNotEquals "two terminals" "$(<"$SC_TMP/c1.out")" \
	    "$(<"$SC_TMP/c2.out")"
	assertTrue "server still up" "kill -0 $SERVER_PID"
}

# A client that says the hello first is answered with it, after what the
# program wrote meanwhile, and its window sizes are taken.
test_window_size_from_the_stream() {
	pty_server -e /bin/sh
	# Split in two, as TCP may deliver it; nothing of it reaches sh.
	t 30 $PTY_DRIVE net "127.0.0.1:$PORT" 'send:\x1b]1073;naws\x07' \
	    'expect:\x1b\]1073;naws\x07' 'expect:[$#] ' splitnaws:30x100 \
	    'send:stty size\n' 'expect:\n30 100\r\n' 'send:exit 4\n' eof \
	    >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertEquals "no stray byte" 0 "$(LC_ALL=C grep -c $'\xff' \
	    "$SC_TMP/out")"
	assertEquals "one answer" 1 "$(LC_ALL=C grep -o $'\e' "$SC_TMP/out" |
	    wc -l)"
	wait_exit "$SERVER_PID" 15
	assertEquals "the program's status" 4 "$WAIT_STATUS"
}

# A client that said no hello has every byte it sends typed, window size
# or not: nothing is taken from a stream that did not ask.
test_window_size_needs_the_hello() {
	pty_server -c 'stty raw -echo; echo ready; head -c 9 | od -An -tu1;
	    stty size'
	t 30 $PTY_DRIVE net "127.0.0.1:$PORT" expect:ready naws:30x100 \
	    'expect:255 250 +31 +0 +100 +0 +30 255 240' 'expect:24 80' eof \
	    >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
}

test_udp_peer_gets_a_terminal() {
	SERVER_TIMEOUT=30 server srv -u -l --pty -e 'cat -v' 127.0.0.1 0 ||
	    fail "no server"
	held_stdin c.in 7
	bg_in "$SC_TMP/c.in" t 30 "$SC" -u 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	printf 'x\001y\n' >&7
	# The terminal's echo, then cat's line.
	wait_lines "$SC_TMP/c.out" 'x\^Ay' 2 15
	assertEquals "echo and cat -v" "x^Ay
x^Ay" "$(pty_text "$SC_TMP/c.out")"
}

# The second line is typed once the shell has prompted again: typed
# earlier, the terminal echoes it before the prompt.  The first, once
# the server has the window's size (-v -v says it): a busy server's
# shell can prompt before the server has read the client's hello, as a
# program can start before its window is sized (it gets SIGWINCH).
test_raw_client_is_a_remote_terminal() {
	pty_server -v -e /bin/sh
	t 40 $PTY_DRIVE tty 33x111 raw 'expect:[$#] ' \
	    "fileexpect:$SC_TMP/srv.err:window size 111x33" 'send:stty size\r' \
	    'expect:\n33 111\r\n[$#] ' resize:40x120 'send:stty size\r' \
	    'expect:\n40 120\r\n' 'send:tty\r' 'expect:/dev/pts/' \
	    'send:\r~.' exit:0 cooked -- "$SC" --raw 127.0.0.1 "$PORT" \
	    >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertFalse "no hello shown, nor typed" "grep -q ']1073;' '$SC_TMP/out'"
}

# --reconnect: each connection is a new server's, which is said the
# hello again and sized in its turn.
test_raw_reconnect_says_hello_again() {
	pty_server -v -k -e /bin/sh
	t 40 $PTY_DRIVE tty 33x111 raw 'expect:[$#] ' \
	    "fileexpect:$SC_TMP/srv.err:window size 111x33" 'send:stty size\r' \
	    'expect:\n33 111\r\n[$#] ' 'send:exit\r' \
	    'expect:exit\r\n(.*)[$#] ' resize:40x120 \
	    "fileexpect:$SC_TMP/srv.err:window size 120x40" 'send:stty size\r' \
	    'expect:\n40 120\r\n[$#] ' 'send:\r~.' exit:0 cooked -- \
	    "$SC" --raw --reconnect 127.0.0.1 "$PORT" >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertFalse "no hello shown, nor typed" "grep -q ']1073;' '$SC_TMP/out'"
}

# The same over UDP: the hello is the peer's first datagram, which starts
# its program, and the answer may come in one batch of datagrams with
# the prompt.
test_raw_udp_client_is_a_remote_terminal() {
	SERVER_TIMEOUT=60 server srv -u -l --pty -e /bin/sh 127.0.0.1 0 ||
	    fail "no server"
	t 40 $PTY_DRIVE tty 33x111 raw 'expect:[$#] ' 'send:stty size\r' \
	    'expect:\n33 111\r\n[$#] ' resize:40x120 'send:stty size\r' \
	    'expect:\n40 120\r\n' 'send:\r~.' exit:0 cooked -- \
	    "$SC" --raw -u 127.0.0.1 "$PORT" >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertFalse "no hello shown, nor typed" "grep -q ']1073;' '$SC_TMP/out'"
}

# A --pty server answers the hello after what its program wrote
# meanwhile: the client finds the answer after a prompt, takes it out and
# sends the window's size (IAC SB NAWS 111 33 IAC SE).
test_raw_client_hears_an_answer_after_a_prompt() {
	t 40 $PTY_DRIVE tty 33x111 listen:tcp accept raw \
	    'netexpect:^\x1b\]1073;naws\x07$' 'netsend:$ ' 'expect:[$] ' \
	    'netsend:\x1b]1073;naws\x07' \
	    'netexpect:\x07\xff\xfa\x1f\x00\x6f\x00\x21\xff\xf0$' \
	    'send:~.' exit:0 cooked -- "$SC" --raw 127.0.0.1 @PORT@ \
	    >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertFalse "no answer shown" "grep -q ']1073;' '$SC_TMP/out'"
}

# A --raw client says its hello first, to any server; a server that does
# not answer it (a plain one) is sent nothing else but what is typed, at
# the start or after a resize.
test_raw_client_sends_a_plain_server_nothing_else() {
	t 40 $PTY_DRIVE tty 33x111 listen:tcp "record:$SC_TMP/r" accept raw \
	    'send:hello\r' 'netexpect:hello\r' resize:40x120 'send:bye\r' \
	    'netexpect:bye\r' 'netsend:no answer\r\n' 'expect:no answer' \
	    'send:~.' exit:0 cooked -- "$SC" --raw 127.0.0.1 @PORT@ \
	    >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertEquals "what the server read" \
	    "$(printf '\033]1073;naws\007hello\rbye\r' | od -c)" \
	    "$(od -c <"$SC_TMP/r.net")"
}

# The remote program exits: the client leaves too, status 0 and the
# terminal put back, with what the program said last shown, as ssh does.
test_raw_leaves_when_the_program_exits() {
	pty_server -k -e /bin/sh
	t 40 $PTY_DRIVE tty 24x80 raw 'expect:[$#] ' 'send:echo bye; exit\r' \
	    'expect:\nbye\r\n' exit:0 cooked -- "$SC" --raw 127.0.0.1 \
	    "$PORT" >"$SC_TMP/out" 2>"$SC_TMP/err"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertEquals "nothing said" "" "$(<"$SC_TMP/err")"
	# The server (-k) serves the next one.
	t 40 $PTY_DRIVE tty 24x80 raw 'expect:[$#] ' 'send:exit\r' exit:0 \
	    cooked -- "$SC" --raw 127.0.0.1 "$PORT" >"$SC_TMP/out"
	st=$?
	assertEquals "again: $(cat -v "$SC_TMP/out")" 0 "$st"
}

# The server resets the connection: the failure is said after the
# terminal has its modes back, so that its line ends as lines do (a
# carriage return before the newline), as ssh's do, and the shell's
# prompt starts a row of its own.
test_raw_failure_said_after_the_modes() {
	on_tty rst listen:tcp accept raw 'netsend:remote$ ' \
	    'expect:remote\$ ' netreset exit:1 modes:same -- \
	    "$SC" --raw 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/rst.err")" 0 "$st"
	assertEquals "what the terminal showed" \
	    "remote\$ sockcat: read from network: Connection reset by peer<CR>" \
	    "$(sed 's/\r$/<CR>/' "$SC_TMP/rst.tty")"
}

test_raw_escape_rules() {
	pty_server -e 'cat -v'
	# "~" mid-line and "~~" at a line's start are sent; "~." leaves.
	# Each line comes back twice: the terminal's echo, then cat's.
	t 40 $PTY_DRIVE tty 24x80 raw 'send:a~b\r' 'expect:a~b\r\na~b\r\n' \
	    'send:~~c\r' 'expect:\n~c\r\n~c\r\n' 'send:~x\r' \
	    'expect:\n~x\r\n~x\r\n' 'send:~.' exit:0 cooked -- \
	    "$SC" --raw 127.0.0.1 "$PORT" >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
	assertEquals "what cat -v saw" "a~b
a~b
~c
~c
~x
~x" "$(tr -d '\r' <"$SC_TMP/out")"
}

test_raw_terminal_put_back_on_fatal_signals() {
	for sig in QUIT TERM HUP SEGV USR1; do
		pty_server -e /bin/sh
		n=$(kill -l "$sig")
		t 40 $PTY_DRIVE tty 24x80 raw 'expect:[$#] ' "signal:$sig" \
		    "exit:-$n" cooked -- "$SC" --raw 127.0.0.1 "$PORT" \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		st=$?
		assertEquals "$sig: $(<"$SC_TMP/err")" 0 "$st"
		sc_cleanup
	done
}

# Stopped (kill -TSTP: ^Z is a byte for the remote side), the terminal is
# the shell's again, cooked; continued with fg, it is raw again and
# the session goes on.  A job of "sh -m", as from an interactive shell: a
# stop signal to a process group with no shell to resume it is ignored.
test_raw_terminal_put_back_while_stopped() {
	pty_server -e /bin/sh
	t 40 $PTY_DRIVE tty 24x80 raw 'expect:[$#] ' fgsignal:TSTP cooked \
	    'send:go on\n' raw 'send:echo back\r' 'expect:\nback\r\n' \
	    'send:\r~.' 'expect:status 0' exit:0 cooked -- sh -c 'set -m
	    "$0" --raw 127.0.0.1 "$1"; read -r line; fg; echo "status $?"' \
	    "$SC" "$PORT" >"$SC_TMP/out"
	st=$?
	assertEquals "drive: $(cat -v "$SC_TMP/out")" 0 "$st"
}

# raw_listener NAME STEP...: a --raw -l on a terminal of the driver's
# (33x111), its -v lines in NAME.err; CLIENT (a command line, PORT in it
# the listener's port) is started once it listens.  The driver's status
# in DRIVE_ST.
raw_listener() {
	_rl=$1
	shift
	: >"$SC_TMP/$_rl.err"
	{
		wait_for "$SC_TMP/$_rl.err" '^Listening on ' 30 || exit 1
		PORT=$(sed -n 's/^Listening on .* \([0-9][0-9]*\)$/\1/p' \
		    "$SC_TMP/$_rl.err")
		eval "exec timeout -k 2 30 $CLIENT" >"$SC_TMP/$_rl.client" 2>&1
	} &
	t 60 $PTY_DRIVE tty 33x111 raw "$@" -- sh -c \
	    'exec "$0" -v --raw -l 127.0.0.1 0 2>"$1"' "$SC" \
	    "$SC_TMP/$_rl.err" >"$SC_TMP/$_rl.tty"
	DRIVE_ST=$?
	wait
}

# A plain shell catches no window size: nothing but what is typed reaches
# it, at the start or after a resize (sh -c 'cat > FILE' plays the shell
# of a reverse shell, bash -i >& /dev/tcp/...).
test_raw_listener_sends_a_plain_shell_nothing_else() {
	CLIENT="\"\$SC\" -c \"cat >'$SC_TMP/typed'\" 127.0.0.1 \$PORT"
	raw_listener rl "fileexpect:$SC_TMP/rl.err:Connection received" \
	    'send:hello\r' "fileexpect:$SC_TMP/typed:hello" resize:40x120 \
	    'send:bye\r' "fileexpect:$SC_TMP/typed:bye" 'send:~.' exit:0 \
	    cooked
	assertEquals "drive: $(cat -v "$SC_TMP/rl.tty")" 0 "$DRIVE_ST"
	assertEquals "what the shell read" "$(printf 'hello\rbye\r' | od -c)" \
	    "$(od -c <"$SC_TMP/typed")"
	assertEquals "client" "" "$(<"$SC_TMP/rl.client")"
}

# A --pty reverse shell says it takes window sizes: it gets the catcher's
# size at once and again after a resize.
test_raw_listener_sizes_a_pty_shell() {
	CLIENT="\"\$SC\" --pty -c /bin/sh 127.0.0.1 \$PORT"
	raw_listener rp 'expect:[$#] ' 'send:stty size\r' \
	    'expect:\n33 111\r\n[$#] ' resize:40x120 'send:stty size\r' \
	    'expect:\n40 120\r\n' 'send:exit\r' exit:0 cooked
	assertEquals "drive: $(cat -v "$SC_TMP/rp.tty")" 0 "$DRIVE_ST"
	assertFalse "no hello shown" "grep -q ']1073;' '$SC_TMP/rp.tty'"
}

test_raw_needs_a_terminal() {
	expect_error "cannot use --raw: standard input is not a terminal" \
	    --raw 127.0.0.1 1
	expect_error "cannot use --raw: standard input is not a terminal" \
	    --raw -l 1234
	expect_error "must use -e or -c with --pty" --pty -l 1234
}

sc_run_shunit2
