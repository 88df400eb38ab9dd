#!/bin/bash
# Terminals as endpoints, driven as people use them: serial:DEVICE,SPEED
# on a stand-in line (two pseudo-terminals joined by socat), its modes
# seen with stty -F while open and put back after, on SIGTERM and when a
# server's client leaves, a board answering what is typed, the line
# locked against a second sockcat; pty:LINK, a program opening the link
# raw and talking to a TCP echo server through it, the link gone at
# exit, a link as a --forward target made for each client, -C and -q
# with stdio, two terminals without a link named by -v; --raw -l, the
# local terminal raw while a client is connected and its own again
# after, on a normal end, a reset and SIGTERM, and the reverse shell of
# a --pty client typed at; each refusal one line with status 1.  The README's recipes run as printed,
# only hosts, ports and paths changed.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
sc_require python3 socat stty ss

README=$(cd "$(dirname "$0")/.." && pwd)/README.md

setUp() {
	sc_tmp
}

# The README's device recipes, one per line, as printed.
recipes() {
	awk '/^Serial lines, pseudo-terminals/ { on = 1 } on && /^```/ { n++ }
	    on && n == 1 && /^sockcat / { print } n == 2 { exit }' "$README" |
	    sed 's/  *#.*//'
}

# recipe N: the arguments of the Nth recipe with this test's peers: the
# stand-in line for the devices, the link in $SC_TMP, the echo server on
# EPORT, the listener on 127.0.0.1 (port 0 when the server() helper reads
# it, else LPORT).
recipe() {
	recipes | sed -n "${1}p" | sed -e "s|/dev/tty[A-Z]*0|$SC_TMP/a|" \
	    -e "s|/tmp/ttyV0|$SC_TMP/ttyV0|" \
	    -e "s|tcp:host:2000|tcp:127.0.0.1:${EPORT:-}|" \
	    -e 's|-lk 2000|-lk 127.0.0.1 0|' \
	    -e "s|-l 4444|-l 127.0.0.1 ${LPORT:-}|" \
	    -e "s|host 4444|127.0.0.1 ${LPORT:-}|" -e 's/^sockcat //'
}

# tcp_up PORT: does something listen on TCP PORT of 127.0.0.1?
tcp_up() {
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# The stand-in for a serial line: two pseudo-terminals joined by socat,
# $SC_TMP/a the line's end sockcat opens, set as a shell leaves a
# terminal (cooked, 38400 bit/s; its settings in SAVED), and $SC_TMP/b
# the board's end, raw.
line() {
	bg t 60 socat PTY,link="$SC_TMP/a",raw PTY,link="$SC_TMP/b",raw
	wait_until test -e "$SC_TMP/a" -a -e "$SC_TMP/b" || fail "no line"
	stty -F "$SC_TMP/a" sane 38400
	stty -F "$SC_TMP/b" raw -echo
	SAVED=$(stty -F "$SC_TMP/a" -g)
}

# The line's modes: what stty -F says of it, and whether they are those
# it had before sockcat opened it.
modes() {
	stty -F "$SC_TMP/a" -a
}
put_back() {
	[ "$(stty -F "$SC_TMP/a" -g)" = "$SAVED" ]
}
speed_is() {
	modes | grep -q "^speed $1 baud"
}

# A board on the line's far end (or on the terminal PATH): it answers
# each line it reads with "board got: LINE", CR LF, as a board's
# firmware would.
board() {
	bg t 60 python3 -c '
import os, sys, termios, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
# Not TCSAFLUSH, the default: what came before it is for the board too.
tty.setraw(fd, termios.TCSANOW)
buf = b""
while True:
    b = os.read(fd, 100)
    if not b:
        break
    buf += b
    while b"\n" in buf:
        l, buf = buf.split(b"\n", 1)
        os.write(fd, b"board got: " + l.rstrip(b"\r") + b"\r\n")
' "${1:-$SC_TMP/b}" 2>/dev/null
}

# The recipes are five, and each is in the manual as printed too.
test_recipes_in_the_manual() {
	recipes >"$SC_TMP/recipes"
	assertEquals "recipes" 5 "$(wc -l <"$SC_TMP/recipes")"
	while IFS= read -r r; do
		in_manual -x "$r" || fail "not in the manual: $r"
	done <"$SC_TMP/recipes"
}

# A terminal to a board: lines typed go down the line, the board's
# answers are shown; ^D ends it, status 0, the line's modes put back.
test_terminal_to_a_board() {
	line
	board
	# shellcheck disable=SC2046
	on_tty typed 'send:hello board\n' 'expect:board got: hello board\r' \
	    'send:second line\n' 'expect:board got: second line\r' \
	    'send:\x04' exit:0 -- "$SC" $(recipe 1)
	st=$?
	assertEquals "steps: $(<"$SC_TMP/typed.err")" 0 "$st"
	assertEquals "what the terminal showed" "hello board
board got: hello board
second line
board got: second line" "$(tty_text typed | sed '/^$/d')"
	assertTrue "the line's modes put back: $(modes)" put_back
}

# A script talks to a board on the line in stdin's place, as to a socket:
# each answer awaited, then the next command; the line's modes put back.
# An answer that does not come fails in -w's time, status 1.
test_script_to_a_board() {
	line
	board
	t 20 "$SC" -C --send 'AT\n' --expect '^board got: AT$' \
	    --send 'ATI\n' --expect '^board got: ATI$' "serial:$SC_TMP/a,9600" \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status: $(<"$SC_TMP/err")" 0 $?
	assertEquals "the answers" "board got: AT
board got: ATI" "$(tr -d '\r' <"$SC_TMP/out")"
	assertTrue "the line's modes put back: $(modes)" put_back
	t 20 "$SC" -C -w 1 --send 'AT\n' --expect '^OK$' \
	    "serial:$SC_TMP/a,9600" >/dev/null 2>"$SC_TMP/err"
	assertEquals "no OK: status" 1 $?
	assertEquals "no OK: said" \
	    "sockcat: expected /^OK\$/ within 1 s, got \"board got: AT\"" \
	    "$(<"$SC_TMP/err")"
}

# --raw with a line: every key goes down it (^C too), no window size is
# sent, "~." leaves; the terminal and the line have their modes back.
test_raw_terminal_to_a_line() {
	line
	bg t 60 cat "$SC_TMP/b" >"$SC_TMP/b.out" 2>/dev/null
	t 60 $PTY_DRIVE tty 24x80 "record:$SC_TMP/r" raw 'send:ab\x03cd\r' \
	    "fileexpect:$SC_TMP/b.out:cd" 'send:~.' exit:0 cooked -- \
	    "$SC" --raw "serial:$SC_TMP/a,9600" - >"$SC_TMP/r.tty" \
	    2>"$SC_TMP/r.err"
	st=$?
	assertEquals "steps: $(<"$SC_TMP/r.err")" 0 "$st"
	assertEquals "down the line" "$(printf 'ab\003cd\r' | od -c)" \
	    "$(od -c <"$SC_TMP/b.out")"
	assertTrue "the line put back: $(modes)" put_back
}

# While open, the line is raw 8N1 at the speed asked, without flow
# control (or with RTS/CTS when asked), and carries bytes both ways;
# stdin's end ends it, status 0, and its modes are put back.
test_line_raw_at_the_speed_asked() {
	line
	bg t 30 cat "$SC_TMP/b" >"$SC_TMP/b.out" 2>/dev/null
	for opts in 115200 "4800,crtscts"; do
		held_stdin "in.$opts" 8
		bg_in "$SC_TMP/in.$opts" t 60 "$SC" -v "serial:$SC_TMP/a,$opts" \
		    - >"$SC_TMP/out" 2>"$SC_TMP/err"
		pid=$BG_PID
		wait_for "$SC_TMP/err" "raw, 8N1 at ${opts%,*}$" ||
		    fail "not open: $(<"$SC_TMP/err")"
		modes >"$SC_TMP/stty"
		assertTrue "speed ${opts%,*}: $(<"$SC_TMP/stty")" \
		    "speed_is ${opts%,*}"
		flow=-crtscts
		[ "$opts" = "${opts%,crtscts}" ] || flow=crtscts
		for w in -icanon -echo -isig -icrnl -opost cs8 -parenb -cstopb \
		    -ixon -ixoff clocal "$flow"; do
			grep -qw -- "$w" "$SC_TMP/stty" || fail "$opts: not $w"
		done
		printf 'from the board %s\r\n' "$opts" >"$SC_TMP/b"
		wait_for "$SC_TMP/out" "from the board $opts" ||
		    fail "nothing from the board"
		printf 'to the board %s\0\3\n' "$opts" >&8
		wait_for "$SC_TMP/b.out" "to the board $opts" ||
		    fail "nothing to the board"
		exec 8>&-
		wait_exit "$pid" 20
		assertEquals "status" 0 "$WAIT_STATUS"
		assertEquals "nothing else said" \
		    "sockcat: Serial line $SC_TMP/a raw, 8N1 at ${opts%,*}" \
		    "$(<"$SC_TMP/err")"
		assertTrue "put back: $(modes)" put_back
	done
	assertEquals "the bytes sent, as sent" "$(printf 'to the board 115200\0\3\nto the board 4800,crtscts\0\3\n' | od -c)" \
	    "$(od -c <"$SC_TMP/b.out")"
}

# Ended by SIGTERM, the line has its modes back too.
test_line_put_back_on_sigterm() {
	line
	held_stdin in 8
	bg_in "$SC_TMP/in" t 60 "$SC" "serial:$SC_TMP/a,57600" - \
	    >"$SC_TMP/out" 2>"$SC_TMP/err"
	pid=$BG_PID
	wait_until speed_is 57600 || fail "not set: $(modes)"
	kill -TERM "$pid"
	wait_exit "$pid" 20
	assertEquals "status" 143 "$WAIT_STATUS"
	assertTrue "put back: $(modes)" put_back
	exec 8>&-
}

# The line on the network: the first client has it, a second one while
# it does is closed and the server says why; when the first leaves, the
# line's modes are put back and the next client has it.
test_serial_to_network_one_client_at_a_time() {
	line
	bg t 60 cat "$SC_TMP/b" >"$SC_TMP/b.out" 2>/dev/null
	# shellcheck disable=SC2046
	server fwd $(recipe 2) || fail "no server"
	raw_client c1 8
	printf 'client one\n' >&8
	wait_for "$SC_TMP/b.out" "client one" || fail "nothing down the line"
	assertTrue "115200 while connected: $(modes)" "speed_is 115200"
	printf 'to client one\n' >"$SC_TMP/b"
	wait_for "$SC_TMP/c1.out" "to client one" || fail "nothing up the line"
	printf 'client two\n' | t 20 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c2.out"
	assertEquals "the second client got nothing" "" "$(<"$SC_TMP/c2.out")"
	wait_for "$SC_TMP/fwd.err" "in use" || fail "nothing said"
	assertEquals "what the server said" "sockcat: serial:$SC_TMP/a,115200: in use by another client (one client at a time)" \
	    "$(grep -v '^Listening on\|^Connection received\|^sockcat: forward: \|^sockcat: Serial line ' "$SC_TMP/fwd.err")"
	exec 8>&-
	wait_exit "$RAW_PID" 20
	wait_until put_back || fail "not put back: $(modes)"
	printf 'client three\n' | t 20 "$SC" -N 127.0.0.1 "$PORT" \
	    >/dev/null
	wait_for "$SC_TMP/b.out" "client three" || fail "no third client"
	assertEquals "down the line, in order" "client one
client three" "$(<"$SC_TMP/b.out")"
	stop "$SERVER_PID"
}

# A second sockcat on a line one has open is refused: the line is
# locked, and the first goes on with it.
test_line_locked_against_another_sockcat() {
	line
	board
	held_stdin one.in 8
	bg_in "$SC_TMP/one.in" t 60 "$SC" -v "serial:$SC_TMP/a" - \
	    >"$SC_TMP/one.out" 2>"$SC_TMP/one.err"
	one=$BG_PID
	wait_for "$SC_TMP/one.err" '^sockcat: Serial line ' ||
	    fail "not open: $(<"$SC_TMP/one.err")"
	expect_error "serial:$SC_TMP/a: in use by another sockcat (one client at a time)" \
	    "serial:$SC_TMP/a" -
	printf 'still mine\n' >&8
	wait_for "$SC_TMP/one.out" '^board got: still mine' ||
	    fail "the first lost the line: $(<"$SC_TMP/one.out")"
	exec 8>&-
	wait_exit "$one"
	assertEquals "the first's status" 0 "$WAIT_STATUS"
}

# A pty: link as a --forward target: made for each client (a board on it
# answers), removed when the client leaves, made again for the next.
test_pty_link_as_forward_target() {
	server fw -lk 127.0.0.1 0 --forward "pty:$SC_TMP/v" || fail "no server"
	for n in 1 2; do
		held_stdin "c$n.in" 8
		bg_in "$SC_TMP/c$n.in" t 30 "$SC" -N 127.0.0.1 "$PORT" \
		    >"$SC_TMP/c$n.out" 2>"$SC_TMP/c$n.err"
		cpid=$BG_PID
		wait_until test -L "$SC_TMP/v" ||
		    fail "client $n: no link: $(<"$SC_TMP/fw.err")"
		board "$SC_TMP/v" 8>&-
		printf 'hello %s\n' $n >&8
		wait_for "$SC_TMP/c$n.out" "^board got: hello $n" ||
		    fail "client $n: no answer: $(<"$SC_TMP/c$n.out")"
		exec 8>&-
		wait_exit "$cpid"
		assertEquals "client $n: status" 0 "$WAIT_STATUS"
		wait_until test ! -L "$SC_TMP/v" || fail "client $n: link left"
	done
	stop "$SERVER_PID"
}

# With stdin and stdout: -C sends a line's end as CR LF, and -q waits
# that long after stdin's end for the answers, which a plain end would
# not (a line has no end-of-file of its own).
test_pty_link_crlf_and_quit_delay() {
	held_stdin in 8
	bg_in "$SC_TMP/in" t 30 "$SC" -C -q 2 "pty:$SC_TMP/w" - \
	    >"$SC_TMP/w.out" 2>"$SC_TMP/w.err"
	pid=$BG_PID
	wait_until test -L "$SC_TMP/w" || fail "no link: $(<"$SC_TMP/w.err")"
	bg t 30 python3 -c '
import os, sys, termios, time, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd, termios.TCSANOW)
got = b""
while not got.endswith(b"\n"):
    got += os.read(fd, 100)
open(sys.argv[2], "wb").write(got)
# The answer comes after the end of stdin, within -q.
while os.path.exists(sys.argv[3]):
    time.sleep(0.01)
os.write(fd, b"late answer\r\n")
' "$SC_TMP/w" "$SC_TMP/got" "$SC_TMP/in" 8>&-
	printf 'hi\n' >&8
	wait_until test -s "$SC_TMP/got" || fail "nothing on the link"
	assertEquals "CR LF on the link" "$(printf 'hi\r\n' | od -An -c)" \
	    "$(od -An -c <"$SC_TMP/got")"
	exec 8>&-
	rm -f "$SC_TMP/in"
	wait_exit "$pid"
	assertEquals "status: $(<"$SC_TMP/w.err")" 0 "$WAIT_STATUS"
	assertEquals "the late answer" "$(printf 'late answer\r\n' | od -An -c)" \
	    "$(od -An -c <"$SC_TMP/w.out")"
}

# A program opens the link, finds it raw and speaks through it to a TCP
# echo server: every byte value comes back as sent, also after it closed
# and opened it again.  SIGTERM removes the link.
test_pty_link_to_tcp_echo() {
	EPORT=$(free_port)
	bg t 60 socat TCP-LISTEN:"$EPORT",bind=127.0.0.1,reuseaddr,fork EXEC:cat
	wait_until tcp_up "$EPORT" || fail "no echo server"
	# shellcheck disable=SC2046
	bg t 60 "$SC" $(recipe 3) 2>"$SC_TMP/err"
	pid=$BG_PID
	wait_until test -L "$SC_TMP/ttyV0" || fail "no link: $(<"$SC_TMP/err")"
	t 30 python3 -c '
import os, select, sys, termios
data = bytes(range(256)) * 4
for n in (1, 2):
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
    i, o, c, l = termios.tcgetattr(fd)[:4]
    if l & (termios.ICANON | termios.ECHO | termios.ISIG) or \
       o & termios.OPOST or i & (termios.ICRNL | termios.IXON):
        sys.exit("open %d: not raw" % n)
    os.write(fd, data)
    got = b""
    while len(got) < len(data):
        if not select.select([fd], [], [], 20)[0]:
            sys.exit("open %d: %d bytes back" % (n, len(got)))
        got += os.read(fd, 4096)
    if got != data:
        sys.exit("open %d: not the bytes sent" % n)
    os.close(fd)
    print("open %d: %d bytes back" % (n, len(got)))
' "$SC_TMP/ttyV0" >"$SC_TMP/prog" 2>&1
	assertEquals "the program" "open 1: 1024 bytes back
open 2: 1024 bytes back" "$(<"$SC_TMP/prog")"
	assertEquals "the link's target" /dev/pts \
	    "$(dirname "$(readlink "$SC_TMP/ttyV0")")"
	stop "$pid"
	assertFalse "the link removed" "[ -L '$SC_TMP/ttyV0' ]"
	assertEquals "nothing said" "" "$(<"$SC_TMP/err")"
}

# With stdin and stdout: stdin's end ends it, status 0, link removed.
# A link a killed sockcat left behind (to a pseudo-terminal that has
# gone) is taken over.
test_pty_link_with_stdio() {
	ln -s /dev/pts/999999 "$SC_TMP/v"
	held_stdin in 8
	bg_in "$SC_TMP/in" t 60 "$SC" -v "pty:$SC_TMP/v" >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	pid=$BG_PID
	wait_for "$SC_TMP/err" "^sockcat: Terminal /dev/pts/" || fail "no terminal"
	printf 'to the program\n' >&8
	t 20 python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
got = b""
while b"\n" not in got:
    got += os.read(fd, 100)
os.write(fd, b"program got: " + got)
' "$SC_TMP/v"
	wait_for "$SC_TMP/out" "program got" || fail "no answer"
	exec 8>&-
	wait_exit "$pid" 20
	assertEquals "status" 0 "$WAIT_STATUS"
	assertEquals "out" "program got: to the program" "$(<"$SC_TMP/out")"
	assertFalse "the link removed" "[ -L '$SC_TMP/v' ]"
}

# socat's null modem under sockcat's name, two terminals without a link:
# -v names each terminal alone (its link was a NULL said as "(null)").
test_pty_pair_without_links_named() {
	bg t 60 "$SC" -v pty,raw,echo=0 pty,raw,echo=0 >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	wait_lines "$SC_TMP/err" "Terminal" 2 || fail "no terminals"
	stop "$BG_PID"
	assertEquals "two lines" 2 "$(wc -l <"$SC_TMP/err")"
	assertEquals "each named alone" "" \
	    "$(grep -Ev '^sockcat: Terminal /dev/pts/[0-9]+$' "$SC_TMP/err")"
}

# Issue 52: at exit the link is removed only if it is still the one made
# (same device and inode), not one put there since, even to the same
# terminal; a dangling link of another user is not taken over.
test_pty_link_trust() {
	held_stdin in 8
	bg_in "$SC_TMP/in" t 60 "$SC" -v "pty:$SC_TMP/v" >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	pid=$BG_PID
	wait_for "$SC_TMP/err" "^sockcat: Terminal /dev/pts/" || fail "no terminal"
	target=$(readlink "$SC_TMP/v")
	rm "$SC_TMP/v"
	ln -s "$target" "$SC_TMP/v"
	exec 8>&-
	wait_exit "$pid" 20
	assertEquals "status" 0 "$WAIT_STATUS"
	assertEquals "the link put there since kept" "$target" \
	    "$(readlink "$SC_TMP/v")"
	can_be_nobody || { sc_skip "cannot run as user nobody"; return; }
	sticky_dir d
	as_nobody ln -s /dev/pts/999999 "$SC_TMP/d/w" || fail "no link"
	expect_error "pty:$SC_TMP/d/w: it exists and is not a link this sockcat made" \
	    "pty:$SC_TMP/d/w" -
	assertEquals "nobody's link kept" /dev/pts/999999 \
	    "$(readlink "$SC_TMP/d/w")"
}

test_refusals() {
	expect_error "serial:/dev/null: not a terminal" serial:/dev/null -
	# A line joins no socket: a socket's options and netcat's end of a
	# connection were dropped without a word; -C is the line's.
	expect_error "pty:$SC_TMP/l - joins no socket: it takes no -N, --nodelay or -w" \
	    -N -w 1 --nodelay "pty:$SC_TMP/l" -
	expect_error "pty:$SC_TMP/l pty:$SC_TMP/m joins two lines, no stdin or stdout: it takes no -d, -q or --timestamp without -o or --hex-dump" \
	    -d -q 1 --timestamp "pty:$SC_TMP/l" "pty:$SC_TMP/m"
	expect_error "pty:$SC_TMP/l file:$SC_TMP/f joins a line without -: it takes no -d" \
	    -d "pty:$SC_TMP/l" "file:$SC_TMP/f"
	expect_error "stdio,ignoreeof exec:cat joins no socket or line: it takes no -C" \
	    -C stdio,ignoreeof exec:cat
	expect_error "stdio,ignoreeof exec:cat joins no socket: it takes no -4 or -n" \
	    -n -4 stdio,ignoreeof exec:cat
	expect_error "stdio,ignoreeof exec:cat: --expect, --send and --script are for a socket or a line with stdin and stdout" \
	    --expect x stdio,ignoreeof exec:cat
	# Not even a device: a file.
	: >"$SC_TMP/plain"
	expect_error "serial:$SC_TMP/plain: not a terminal" serial:"$SC_TMP/plain" -
	expect_error "serial:/dev/null,12345: speed 12345 is not one this system has" \
	    serial:/dev/null,12345 -
	expect_error "serial:/dev/null,0: speed 0: not a number of bits per second from 1 to 4000000" \
	    - serial:/dev/null,0
	expect_error "serial:/dev/null,9600,parity: sockcat has no option parity" \
	    serial:/dev/null,9600,parity
	expect_error "serial:: missing device name" serial: -
	expect_error "serial:$SC_TMP/none: No such file or directory" \
	    "serial:$SC_TMP/none" -
	long=$SC_TMP/$(printf 'x%.0s' $(seq 300))
	expect_error "pty:$long: File name too long" "pty:$long" -
	expect_error "pty:: missing link name" pty:
	expect_error "--forward serial:/dev/null,12345: speed 12345 is not one this system has" \
	    -lk 2000 --forward serial:/dev/null,12345
	expect_error "serial:/dev/null: not a terminal" serial:/dev/null pty:x
	# Beside a datagram side: the cause, once, as a refusing target's.
	expect_error "forward: #1 127.0.0.1 9: no target accepted: serial:/dev/null: not a terminal" \
	    serial:/dev/null udp:127.0.0.1:9
	: >"$SC_TMP/file"
	expect_error "pty:$SC_TMP/file: it exists and is not a link this sockcat made" \
	    "pty:$SC_TMP/file" -
	assertTrue "the file left alone" "[ -f '$SC_TMP/file' ]"
	ln -s /etc/hostname "$SC_TMP/link"
	expect_error "pty:$SC_TMP/link: it exists and is not a link this sockcat made" \
	    "pty:$SC_TMP/link"
	assertEquals "the link left alone" /etc/hostname \
	    "$(readlink "$SC_TMP/link")"
	# A listener opens the device when a client comes: it says why not.
	server null -lk 127.0.0.1 0 --forward serial:/dev/null || fail "no server"
	printf 'x\n' | t 20 "$SC" 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "the client got nothing" "" "$(<"$SC_TMP/c.out")"
	wait_for "$SC_TMP/null.err" "not a terminal" || fail "nothing said"
	assertEquals "what the server said" "sockcat: serial:/dev/null: not a terminal" \
	    "$(grep -v '^Listening on\|^Connection received\|^sockcat: forward: ' "$SC_TMP/null.err")"
	stop "$SERVER_PID"
	expect_error "--raw -l serves one stream client at a time: it takes no -u" \
	    --raw -u -l 2000
}

# drive SIZE STEP... -- CMD...: CMD on a terminal of SIZE, pty-drive.py
# taking the steps (its recording in r.*); every step must hold.
drive() {
	_size=$1
	shift
	t 60 $PTY_DRIVE tty "$_size" "record:$SC_TMP/r" "$@" \
	    >"$SC_TMP/r.tty" 2>"$SC_TMP/r.err"
	_st=$?
	assertEquals "steps: $(<"$SC_TMP/r.err")" 0 "$_st"
}

# --raw -l on a terminal: cooked until a client comes, raw while it is
# connected (the window size sent to a client that says it takes one, as
# a --pty side does first, ^C passed through as a byte), cooked again
# when it leaves; status 0.
test_raw_listener_normal_end() {
	LPORT=$(free_port)
	# shellcheck disable=SC2046
	drive 33x111 cooked "connect:tcp:127.0.0.1:$LPORT" raw \
	    'netsend:\x1b]1073;naws\x07' \
	    'netexpect:\xff\xfa\x1f\x00\x6f\x00\x21\xff\xf0' \
	    'send:\x03\x1a~x' 'netexpect:\x03\x1a~x' 'netsend:hello\r\n' \
	    'expect:hello\r\n' netclose exit:0 cooked -- \
	    "$SC" $(recipe 4)
	assertEquals "what the client got" "$(printf '\377\372\037\000o\000!\377\360\003\032~x' | od -c)" \
	    "$(od -c <"$SC_TMP/r.net")"
}

# -k: the terminal is its own between clients, raw for each; "~." leaves.
test_raw_listener_between_clients() {
	LPORT=$(free_port)
	drive 24x80 cooked "connect:tcp:127.0.0.1:$LPORT" raw \
	    'netsend:one\r\n' 'expect:one' netclose cooked \
	    "connect:tcp:127.0.0.1:$LPORT" raw 'netsend:two\r\n' 'expect:two' \
	    'send:typed\r~.' exit:0 cooked -- \
	    "$SC" --raw -lk 127.0.0.1 "$LPORT"
	# What the client got after its window size: what was typed, the
	# escape kept back.
	assertEquals "typed, not the escape" "typed" \
	    "$(tr -d '\000' <"$SC_TMP/r.net" | tail -c 6 | tr -d '\r')"
	assertFalse "the escape sent" "grep -q '~' '$SC_TMP/r.net'"
}

# The client resets the connection: the terminal is put back, the loss
# said, status 1.
test_raw_listener_peer_reset() {
	LPORT=$(free_port)
	drive 24x80 "connect:tcp:127.0.0.1:$LPORT" raw 'netsend:hi\r\n' \
	    'expect:hi' netreset 'expect:Connection reset by peer' exit:1 \
	    cooked -- "$SC" --raw -l 127.0.0.1 "$LPORT"
}

# SIGTERM while a client is connected: the terminal is put back.
test_raw_listener_sigterm() {
	LPORT=$(free_port)
	drive 24x80 "connect:tcp:127.0.0.1:$LPORT" raw 'netsend:hi\r\n' \
	    'expect:hi' signal:TERM exit:-15 cooked -- \
	    "$SC" --raw -l 127.0.0.1 "$LPORT"
}

# The reverse shell: a --pty client runs bash for the listener's
# terminal, which is raw; the shell sees the listener's window size and
# its changes, ^C interrupts the remote command, not the listener; the
# shell's exit ends both, the terminal put back.
test_reverse_shell() {
	LPORT=$(free_port)
	# shellcheck disable=SC2046
	set -- $(recipe 5)
	bg t 60 sh -c 'until ss -Hltn "sport = :$0" | grep -q .; do
	    sleep 0.05; done; exec "$@"' "$LPORT" "$SC" "$@" 2>"$SC_TMP/client.err"
	client=$BG_PID
	# shellcheck disable=SC2046
	t 60 $PTY_DRIVE tty 33x111 "record:$SC_TMP/r" cooked raw \
	    'expect:[$#] ' 'send:stty size\r' 'expect:[\r\n]33 111\r\n' \
	    "send:bash -c 'echo started; exec sleep 60'\r" \
	    'expect:[\r\n]started\r\n' \
	    'send:\x03' 'send:echo after $?\r' \
	    'expect:[\r\n]after 130\r\n' resize:40x120 'send:stty size\r' \
	    'expect:[\r\n]40 120\r\n' 'send:exit\r' exit:0 cooked -- \
	    "$SC" $(recipe 4) >"$SC_TMP/r.tty" 2>"$SC_TMP/r.err"
	st=$?
	assertEquals "steps: $(cat "$SC_TMP/r.err"; cat -v "$SC_TMP/r.tty")" \
	    0 "$st"
	wait_exit "$client" 20
	assertEquals "the client's status: $(<"$SC_TMP/client.err")" 0 "$WAIT_STATUS"
}

sc_run_shunit2
