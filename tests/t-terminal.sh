#!/bin/bash
# sockcat typed at: each interactive mode run on a pseudo-terminal of its
# own (tests/pty-drive.py through lib.sh's on_tty), with lines typed at
# it and lines from the network in turn, two or more each way, as people
# use a netcat: a client or listener, -U, -u, a client of a room or a
# broker, of a --pty server, -C, a receiver whose user presses Enter
# during a transfer, stdin a terminal and stdout a pipe, and the reverse.
# Where nc.openbsd has the mode, it is run through the same steps and
# must show and send the same.  Every way sockcat puts its terminal in
# modes of its own, ended by each signal that ends it, leaves the
# terminal's modes as they were; the line editor, stopped, gives them
# back until continued.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require python3

NC=nc.openbsd

have_nc() {
	command -v "$NC" >/dev/null 2>&1
}

# The steps of a conversation with a command that has its peer already:
# two lines typed, each answered from the network, and what the network
# sent and the terminal showed.  The freeze this suite was written for
# came after the first typed line.
TALK=('send:typed one\n' 'netexpect:typed one\n' 'netsend:sent one\n'
    'expect:sent one\r\n' 'send:typed two\n' 'netexpect:typed two\n'
    'netsend:sent two\n' 'expect:sent two\r\n')
# The same started by the network, as a listener's conversation is.
TALK_NET=('netsend:sent one\n' 'expect:sent one\r\n' 'send:typed one\n'
    'netexpect:typed one\n' 'netsend:sent two\n' 'expect:sent two\r\n'
    'send:typed two\n' 'netexpect:typed two\n')
# What the terminal shows of either, and what the peer receives.
TALK_TTY='typed one
sent one
typed two
sent two'
TALK_TTY_NET='sent one
typed one
sent two
typed two'
TALK_NET_GOT='typed one
typed two
'
# ^D ends what is typed; the network still speaks, then closes, and the
# command ends with status 0: what nc does.
TALK_END=('send:\x04' 'netsend:after eof\n' 'expect:after eof\r\n'
    netclose exit:0)

# check NAME TTY NET: on_tty NAME passed, its terminal showed TTY and its
# peer received NET (a trailing newline of TTY is not significant).
check() {
	assertEquals "$1: steps: $(<"$SC_TMP/$1.err")" 0 "$ON_TTY_STATUS"
	assertEquals "$1: the terminal" "$2" "$(tty_text "$1")"
	# Every byte, the last newline too.
	assertEquals "$1: the network" "$3." "$(cat "$SC_TMP/$1.net"; echo .)"
}

# run NAME STEP... -- CMD...: on_tty, its status in ON_TTY_STATUS.
run() {
	on_tty "$@"
	ON_TTY_STATUS=$?
}

# both SCENARIO TTY NET: run the function SCENARIO with sockcat ("sc",
# $SC) and, where it is installed, with nc.openbsd ("nc", $NC): each
# must pass its steps, show TTY and send NET.
both() {
	"$1" sc "$SC"
	check sc "$2" "$3"
	if have_nc; then
		"$1" nc "$NC"
		check nc "$2" "$3"
	fi
}

client() {
	run "$1" listen:tcp accept "${TALK[@]}" "${TALK_END[@]}" -- \
	    "$2" 127.0.0.1 @PORT@
}

test_client() {
	both client "$TALK_TTY
after eof" "$TALK_NET_GOT"
}

listener() {
	_port=$(free_port) || fail "no port"
	run "$1" "connect:tcp:127.0.0.1:$_port" "${TALK_NET[@]}" \
	    "${TALK_END[@]}" -- "$2" -l 127.0.0.1 "$_port"
}

test_listener() {
	both listener "$TALK_TTY_NET
after eof" "$TALK_NET_GOT"
}

# -lk: a second client after the first, typed at the same way.
keep_listening() {
	_port=$(free_port) || fail "no port"
	run "$1" "connect:tcp:127.0.0.1:$_port" "${TALK_NET[@]}" netclose \
	    "connect:tcp:127.0.0.1:$_port" 'netsend:sent three\n' \
	    'expect:sent three\r\n' 'send:typed three\n' \
	    'netexpect:typed three\n' 'send:\x03' exit:-2 -- \
	    "$2" -lk 127.0.0.1 "$_port"
}

test_keep_listening() {
	both keep_listening "$TALK_TTY_NET
sent three
typed three
^C" "${TALK_NET_GOT}typed three
"
}

unix_client() {
	run "$1" "listen:unix:$SC_TMP/$1.sock" accept "${TALK[@]}" \
	    "${TALK_END[@]}" -- "$2" -U "$SC_TMP/$1.sock"
}

test_unix_client() {
	both unix_client "$TALK_TTY
after eof" "$TALK_NET_GOT"
}

unix_listener() {
	run "$1" "connect:unix:$SC_TMP/$1.sock" "${TALK_NET[@]}" \
	    "${TALK_END[@]}" -- "$2" -lU "$SC_TMP/$1.sock"
}

test_unix_listener() {
	both unix_listener "$TALK_TTY_NET
after eof" "$TALK_NET_GOT"
}

# UDP: ^D ends what is typed, not the session (replies may still come),
# and ^C ends the command, by SIGINT, in both.
udp_client() {
	run "$1" listen:udp "${TALK[@]}" 'send:\x04' 'netsend:after eof\n' \
	    'expect:after eof\r\n' 'send:\x03' exit:-2 -- \
	    "$2" -u 127.0.0.1 @PORT@
}

test_udp_client() {
	both udp_client "$TALK_TTY
after eof
^C" "$TALK_NET_GOT"
}

# The first datagram must not come before the listener has bound its
# port: -v says when it has.
udp_listener() {
	_port=$(free_port udp) || fail "no port"
	run "$1" 'expect:Bound on .*\n' "connect:udp:127.0.0.1:$_port" \
	    "${TALK_NET[@]}" 'send:\x04' 'netsend:after eof\n' \
	    'expect:after eof\r\n' 'send:\x03' exit:-2 -- \
	    "$2" -nvul 127.0.0.1 "$_port"
	sed -Ei 's/^((Bound|Connection received) on 127\.0\.0\.1) [0-9]+/\1 PORT/' \
	    "$SC_TMP/$1.tty"
}

test_udp_listener() {
	both udp_listener "Bound on 127.0.0.1 PORT
Connection received on 127.0.0.1 PORT
$TALK_TTY_NET
after eof
^C" "$TALK_NET_GOT"
}

# A member of a room, typed at, with the driver a second member; ":q"
# leaves the room, which says goodbye and lets the member go for good:
# the command ends by itself, as nothing more can be said.  A room of its
# own for each command, so that both are <user1>.
room_client() {
	server "room-$1" --room 127.0.0.1 0 || fail "no room"
	run "$1" 'expect:Welcome.*\r\n' "connect:tcp:127.0.0.1:$PORT" \
	    'expect:is connected as <user2>' 'netexpect:Present' \
	    "${TALK[@]}" netclose 'expect:<user2> is disconnected' \
	    'send::q\n' 'expect:You left the room\.\r\n' exit:0 -- \
	    "$2" 127.0.0.1 "$PORT"
	sed -i 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/' "$SC_TMP/$1.tty"
}

test_room_client() {
	both room_client "<announce> Welcome to the room, you are <user1>. \
0 other users are connected; type :q to leave.
<announce> 127.0.0.1:PORT is connected as <user2>.
typed one
<user2> sent one
typed two
<user2> sent two
<announce> <user2> is disconnected.
:q
<announce> You left the room." "<announce> Welcome to the room, you are <user2>. \
1 other user is connected; type :q to leave.
<announce> Present: <user1>.
<user1> typed one
<user1> typed two
"
}

# A client of a broker, with the driver a second one: each hears the
# other.  The broker does not close: ^C ends the command.
broker_client() {
	server "broker-$1" --broker 127.0.0.1 0 || fail "no broker"
	# The broker says nothing to a new client: the driver waits until
	# its log shows both there.
	_log=$SC_TMP/broker-$1.err
	_conn='Connection received on '
	run "$1" "fileexpect:$_log:$_conn" "connect:tcp:127.0.0.1:$PORT" \
	    "fileexpect:$_log:$_conn(.|\n)*$_conn" \
	    'netsend:hello\n' \
	    'expect:hello\r\n' "${TALK[@]}" 'send:\x03' exit:-2 -- \
	    "$2" 127.0.0.1 "$PORT"
}

test_broker_client() {
	both broker_client "hello
$TALK_TTY
^C" "$TALK_NET_GOT"
}

# A plain client (no --raw) of a --pty server, its terminal cooked: the
# remote terminal echoes each line too, and the program's answer follows.
pty_client() {
	SERVER_TIMEOUT=60 server "pty-$1" -l --pty -c \
	    'read a; echo "got $a"; read b; echo "got $b"' 127.0.0.1 0 ||
	    fail "no server"
	run "$1" 'send:typed one\n' 'expect:got typed one\r+\n' \
	    'send:typed two\n' 'expect:got typed two\r+\n' 'send:\x04' \
	    exit:0 -- \
	    "$2" 127.0.0.1 "$PORT"
	# A client that said nothing is sent nothing of the server's own:
	# no hello, no escape at all.
	assertFalse "$1: an escape shown" "LC_ALL=C grep -q $'\e' \
	    '$SC_TMP/$1.tty'"
}

test_pty_server_client() {
	both pty_client "typed one
typed one
got typed one
typed two
typed two
got typed two" ""
}

# -C: each typed line goes as CRLF.
crlf_client() {
	run "$1" listen:tcp accept 'send:typed one\n' \
	    'netexpect:typed one\r\n' 'netsend:sent one\n' \
	    'expect:sent one\r\n' 'send:typed two\n' \
	    'netexpect:typed two\r\n' 'netsend:sent two\n' \
	    'expect:sent two\r\n' "${TALK_END[@]}" -- \
	    "$2" -C 127.0.0.1 @PORT@
}

test_crlf_client() {
	both crlf_client "$TALK_TTY
after eof" "typed one"$'\r'"
typed two"$'\r\n'
}

# --crlf, -C's long name, on a listener (nc has only -C).
crlf_listener() {
	_port=$(free_port) || fail "no port"
	_opt=--crlf
	[ "$2" = "$NC" ] && _opt=-C
	run "$1" "connect:tcp:127.0.0.1:$_port" 'netsend:sent one\n' \
	    'expect:sent one\r\n' 'send:typed one\n' \
	    'netexpect:typed one\r\n' 'netsend:sent two\n' \
	    'expect:sent two\r\n' 'send:typed two\n' \
	    'netexpect:typed two\r\n' "${TALK_END[@]}" -- \
	    "$2" "$_opt" -l 127.0.0.1 "$_port"
}

test_crlf_listener() {
	both crlf_listener "$TALK_TTY_NET
after eof" "typed one"$'\r'"
typed two"$'\r\n'
}

# A receiver on a terminal, its output a file: its user presses Enter
# half way through a transfer of 24 MiB, more than the sockets' buffers
# hold, so that the rest comes only if the receiver still reads.  The
# file is whole, the typed line went to the sender, and the receiver
# ends when the sender closes, as nc's does.
receiver() {
	_port=$(free_port) || fail "no port"
	run "$1" "stdout:file:$SC_TMP/$1.file" \
	    "connect:tcp:127.0.0.1:$_port" \
	    "netsendfile:$SC_TMP/data:0:8388608" 'send:\n' 'netexpect:^\n$' \
	    "netsendfile:$SC_TMP/data:8388608:25165824" netclose exit:0 -- \
	    "$2" -l 127.0.0.1 "$_port"
}

test_enter_during_a_transfer() {
	head -c 25165824 /dev/urandom >"$SC_TMP/data"
	both receiver "" "
"
	assertTrue "sockcat: the file whole" "cmp '$SC_TMP/data' '$SC_TMP/sc.file'"
	if have_nc; then
		assertTrue "nc: the file whole" \
		    "cmp '$SC_TMP/data' '$SC_TMP/nc.file'"
	fi
}

# stdin a terminal, stdout a pipe: typed lines go out, what comes in
# goes down the pipe.
tty_to_pipe() {
	run "$1" stdout:pipe listen:tcp accept 'send:typed one\n' \
	    'netexpect:typed one\n' 'netsend:sent one\n' \
	    'outexpect:sent one\n' 'send:typed two\n' \
	    'netexpect:typed two\n' 'netsend:sent two\n' \
	    'outexpect:sent two\n' 'send:\x04' netclose exit:0 -- \
	    "$2" 127.0.0.1 @PORT@
}

test_stdin_terminal_stdout_pipe() {
	both tty_to_pipe "typed one
typed two" "$TALK_NET_GOT"
	assertEquals "sockcat: the pipe" "sent one
sent two" "$(<"$SC_TMP/sc.out")"
	if have_nc; then
		assertEquals "nc: the pipe" "sent one
sent two" "$(<"$SC_TMP/nc.out")"
	fi
}

# stdout a terminal, stdin a pipe.
pipe_to_tty() {
	run "$1" stdin:pipe listen:tcp accept 'insend:piped one\n' \
	    'netexpect:piped one\n' 'netsend:sent one\n' \
	    'expect:sent one\r\n' 'insend:piped two\n' \
	    'netexpect:piped two\n' 'netsend:sent two\n' \
	    'expect:sent two\r\n' inclose 'netsend:after eof\n' \
	    'expect:after eof\r\n' netclose exit:0 -- \
	    "$2" 127.0.0.1 @PORT@
}

test_stdout_terminal_stdin_pipe() {
	both pipe_to_tty "sent one
sent two
after eof" "piped one
piped two
"
}

# modes_case NAME: one way sockcat puts its terminal in modes of its own:
# the driver's steps until the modes have changed, with the peer they
# need, in STEPS, and the command in CMD.  $SC_TMP/bin/socat is sockcat
# under socat's name, FP a free port.
modes_case() {
	case $1 in
	raw)
		STEPS=(listen:tcp accept)
		CMD=("$SC" --raw 127.0.0.1 @PORT@) ;;
	raw-listener)
		STEPS=("connect:tcp:127.0.0.1:$FP")
		CMD=("$SC" --raw -l 127.0.0.1 "$FP") ;;
	readline)
		STEPS=(listen:tcp accept)
		CMD=("$SC" --readline 127.0.0.1 @PORT@) ;;
	chat)
		STEPS=(listen:tcp accept)
		CMD=("$SC" --chat -n 127.0.0.1 @PORT@) ;;
	room-operator)
		STEPS=()
		CMD=("$SC" --room -l 127.0.0.1 0) ;;
	socat-stdio)
		STEPS=(listen:tcp accept)
		CMD=("$SC_TMP/bin/socat" STDIO,raw,echo=0 TCP:127.0.0.1:@PORT@) ;;
	socat-file)
		STEPS=(listen:tcp accept)
		CMD=("$SC_TMP/bin/socat" FILE:/dev/tty,raw,echo=0
		    TCP:127.0.0.1:@PORT@) ;;
	serial)
		STEPS=(listen:tcp accept)
		CMD=("$SC" serial:/dev/tty tcp:127.0.0.1:@PORT@) ;;
	esac
	STEPS+=(modes:changed)
}

# Every way sockcat puts a terminal in modes of its own (--raw as a client
# and as a listener; the line editor of --readline, --chat and a room's
# operator; socat's STDIO,raw,echo=0 and a terminal opened with those
# options; a serial: line, its own terminal here), each ended by each
# signal that ends it: sockcat dies of that signal, and every field of
# the terminal's modes is what it was before.  socat's STDIO,raw,echo=0
# was left raw by SIGQUIT and SIGABRT.  (SIGPIPE is ignored: it never
# ends sockcat.)
test_modes_put_back_on_every_fatal_signal() {
	mkdir "$SC_TMP/bin" &&
	    ln -s "$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")" \
	    "$SC_TMP/bin/socat" || fail "no link"
	FP=$(free_port)
	for mode in raw raw-listener readline chat room-operator socat-stdio \
	    socat-file serial; do
		modes_case "$mode"
		for sig in HUP INT TERM QUIT ABRT ALRM USR1 USR2; do
			# No core file of SIGQUIT's or SIGABRT's.
			(ulimit -c 0 && exec timeout -k 2 60 $PTY_DRIVE tty \
			    24x80 "${STEPS[@]}" "signal:$sig" \
			    "exit:-$(kill -l "$sig")" modes:same -- "${CMD[@]}") \
			    >"$SC_TMP/out" 2>"$SC_TMP/err"
			st=$?
			assertEquals "$mode, SIG$sig: $(<"$SC_TMP/err")" 0 "$st"
		done
	done
}

# The line editor (--readline, --chat) in a job of "sh -m", stopped by ^Z
# typed and by kill -TSTP: while stopped the terminal has its modes back
# (the shell's, echo on), and continued with fg it is the editor's
# again, the half typed line (wider than the terminal) drawn anew whole
# on the shell's last row, no row above it wiped, and typed on.  ^Z was
# off, and kill -TSTP left the terminal without echo.
test_line_editor_stopped_and_continued() {
	x=$(printf 'x%.0s' {1..100})
	for mode in --readline --chat; do
		# Each key read before the ^Z, whose signal is sent as it is
		# typed: echoed, the line wraps.
		run "stop$mode" listen:tcp accept 'send:one\n' 'netexpect:one\n' \
		    "send:$x" 'expect:x{80}\r+\nx{20}' 'send:\x1a' \
		    'expect:stopped 1\r' modes:same 'send:fg\n' modes:changed \
		    'expect:fg\r\n[^\r\n]*\r\n\r\x1b\[Kx{100}' 'send:y\n' \
		    "netexpect:\\n${x}y\\n" fgsignal:TSTP 'expect:stopped 2\r' \
		    modes:same 'send:fg\n' modes:changed 'send:three\n' \
		    'netexpect:\nthree\n' 'send:\x04' netclose \
		    'expect:status 0' exit:0 modes:same -- sh -c 'set -m
		    "$0" "$1" 127.0.0.1 "$2"
		    st=$? n=0
		    while [ "$st" = 148 ]; do
			n=$((n + 1))
			echo "stopped $n"
			read -r line
			fg
			st=$?
		    done
		    echo "status $st"' "$SC" "$mode" @PORT@
		assertEquals "$mode: steps: $(<"$SC_TMP/stop$mode.err")" 0 \
		    "$ON_TTY_STATUS"
		assertEquals "$mode: what the peer got" "one
${x}y
three" "$(<"$SC_TMP/stop$mode.net")"
	done
}

# ^C at a line half typed: the line editor (--readline, --chat), whose
# echo is off, shows it as the terminal shows it for nc, "^C" after what
# was typed, and nothing of the line is sent.
test_interrupt_shown_as_typed() {
	for cmd in "$SC --readline" "$SC --chat -n" "$NC"; do
		[ "$cmd" = "$NC" ] && ! have_nc && continue
		run intr listen:tcp accept 'send:half' 'expect:half' \
		    'send:\x03' exit:-2 modes:same -- $cmd 127.0.0.1 @PORT@
		assertEquals "$cmd: steps: $(<"$SC_TMP/intr.err")" 0 \
		    "$ON_TTY_STATUS"
		assertEquals "$cmd: the last line shown" "half^C" \
		    "$(tty_text intr | tail -n 1 | sed 's/.*\x1b\[K//')"
		assertEquals "$cmd: nothing sent" "" "$(<"$SC_TMP/intr.net")"
	done
}

# A pty: link, made for a program, is gone when a signal ends sockcat.
test_pty_link_removed_on_every_fatal_signal() {
	for sig in HUP INT TERM QUIT ABRT ALRM USR1 USR2; do
		(ulimit -c 0 && exec timeout -k 2 60 $PTY_DRIVE tty 24x80 \
		    listen:tcp accept 'expect:Terminal /dev/pts/' \
		    "signal:$sig" "exit:-$(kill -l "$sig")" -- "$SC" -v \
		    "pty:$SC_TMP/link" tcp:127.0.0.1:@PORT@) \
		    >"$SC_TMP/out" 2>"$SC_TMP/err"
		st=$?
		assertEquals "SIG$sig: $(<"$SC_TMP/err")" 0 "$st"
		assertFalse "SIG$sig: the link is gone" "[ -L '$SC_TMP/link' ]"
	done
}

sc_run_shunit2
