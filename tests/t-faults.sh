#!/bin/bash
# System calls that fail, as a busy or unusual system makes them fail,
# made to fail on demand by tests/faultinj.so (an LD_PRELOAD library:
# SC_FAULT=FUNC:WHEN:ERRNO), and what sockcat does then: a listener out
# of descriptors or memory at accept4 serves the client after its pause
# (one that left before it was taken, without a word); a client
# whose socket() fails says why; a program server (-lk -e) that cannot
# make a program's pipes or start it turns that client away, leaks no
# descriptor and serves the next; a splice(2) or sendfile(2) the kernel
# refuses, or no pipe to splice through, falls back to copying with
# every byte delivered; a refused socket option (each of them), bind,
# listen or watch of the listener is one line and status 1, for UDP,
# Unix sockets, -o and --fifo too (a FIFO made is not left); workers
# (--workers) that cannot be forked, started again or go on end them
# all, one line, status 1; the broker,
# the room, the chat, TLS, WebSocket and --pty servers out of
# descriptors, or unable to watch one client or start its program, say
# it once and serve the next (a WebSocket client is closed with 1011);
# a UDP forwarder drops the peer it has no socket for, said; a TLS
# close_notify with no room in the socket goes when there is; and
# --reconnect's refused redials are said, then it is back or gives up.
# Each fault is checked to have happened (SC_FAULT_LOG), so that no test
# passes by missing its fault.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

sc_require ldd sha256sum python3

FAULT_LIB=${SC_FAULT_LIB:-$(dirname "$SC")/tests/faultinj.so}
if [ ! -f "$FAULT_LIB" ]; then
	echo "tests/faultinj.so not built: skipping" >&2
	exit 77
fi
# A sanitizer's runtime must come first among the libraries.
ASAN_LIB=$(ldd "$SC" 2>/dev/null | awk '/libasan/ { print $3 }')
PRELOAD="${ASAN_LIB:+$ASAN_LIB }$FAULT_LIB"

# Every test: FSC, a sockcat with the library (the same process: the
# script execs it, so that timeout(1) does not take the faults), faulted
# as SC_FAULT says, each fault written to $SC_TMP/faults.
setUp() {
	sc_tmp
	FSC=$SC_TMP/faulted
	printf '#!/bin/sh\nLD_PRELOAD="%s" exec "%s" "$@"\n' "$PRELOAD" "$SC" \
	    >"$FSC"
	chmod +x "$FSC"
	export SC_FAULT_LOG=$SC_TMP/faults
	unset SC_FAULT SC_FAULT_PATH
}

# faulted LINE...: each LINE ("FUNC N ERRNO") is a fault that happened.
faulted() {
	for _f in "$@"; do
		assertContains "fault $_f happened" \
		    "$(cat "$SC_FAULT_LOG" 2>/dev/null)" "$_f"
	done
}

# fserver NAME args...: server() with the faulted sockcat; FPID is
# sockcat's own pid (server's is timeout's).
fserver() {
	SC=$FSC server "$@" || return 1
	FPID=""
	wait_until pgrep -P "$SERVER_PID" >/dev/null || return 1
	FPID=$(pgrep -P "$SERVER_PID")
}

# send_line WORD: a client sends WORD to PORT and ends (-N); its stdout,
# stderr and status in $SC_TMP/c.out, c.err, CSTATUS.
send_line() {
	echo "$1" | t 10 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	CSTATUS=$?
}

# fds PID: how many descriptors the process has open.
fds() {
	_n=0
	for _fd in /proc/"$1"/fd/*; do
		_n=$((_n + 1))
	done
	echo "$_n"
}

# fds_at_most PID N: the process has N descriptors open or fewer.
fds_at_most() {
	[ "$(fds "$1")" -le "$2" ]
}

# accept_fault ERRNO MESSAGE: a -k listener whose first accept4 fails
# with ERRNO says MESSAGE (none: nothing) once, and serves the client
# that waited in the backlog, and the next.
accept_fault() {
	export SC_FAULT=accept4:1:$1
	fserver s -lk -n 127.0.0.1 0 || fail "no server"
	send_line one
	assertEquals "first client's status" 0 "$CSTATUS"
	send_line two
	assertEquals "second client's status" 0 "$CSTATUS"
	wait_lines "$SC_TMP/s.out" . 2
	assertFileEquals "$SC_TMP/s.out" "one
two"
	assertEquals "said once" "$2" \
	    "$(grep -v -e '^Listening on' -e '^Connection received' \
	    "$SC_TMP/s.err" | sed 's/^sockcat: //')"
	assertEquals "both clients received" 2 \
	    "$(grep -c '^Connection received' "$SC_TMP/s.err")"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "accept4 1 $1"
}

# Out of descriptors, or of memory: the listener pauses, then goes on.
test_accept_emfile() {
	accept_fault EMFILE "accept: Too many open files"
}

test_accept_enfile() {
	accept_fault ENFILE "accept: Too many open files in system"
}

test_accept_enobufs() {
	accept_fault ENOBUFS "accept: No buffer space available"
}

test_accept_enomem() {
	accept_fault ENOMEM "accept: Cannot allocate memory"
}

# A client that left before it was accepted: nothing to say.
test_accept_econnaborted() {
	accept_fault ECONNABORTED ""
}

# A client that cannot have a socket says why, -v or not, and ends with
# status 1 (the next address would fare no better).
test_client_socket_emfile() {
	for v in "" -v; do
		: >"$SC_FAULT_LOG"
		SC_FAULT=socket:1:EMFILE t 10 "$FSC" $v 127.0.0.1 1 \
		    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "status ($v)" 1 $?
		assertEquals "stderr ($v)" "sockcat: socket: Too many open files" \
		    "$(<"$SC_TMP/err")"
		assertEquals "stdout ($v)" "" "$(<"$SC_TMP/out")"
		faulted "socket 1 EMFILE"
	done
}

# Neither is an address family the kernel lacks: the next address is
# tried (here none: the refusal is what a client without -v says, nothing).
test_client_socket_eafnosupport() {
	SC_FAULT=socket:1:EAFNOSUPPORT t 10 "$FSC" 127.0.0.1 1 \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "stderr" "" "$(<"$SC_TMP/err")"
	faulted "socket 1 EAFNOSUPPORT"
}

# exec_server FAULT MESSAGE [FLAG...]: a -lk -e server whose second
# client meets FAULT; the first, second and third client each send a
# word.  The second is turned away with one line, no descriptor is left
# behind, the third is served.
exec_server() {
	export SC_FAULT=$1
	_msg=$2
	shift 2
	fserver s -lk -n "$@" 127.0.0.1 0 -e /bin/cat || fail "no server"
	send_line one
	assertEquals "first echoed" one "$(<"$SC_TMP/c.out")"
	# The first client's descriptors are closed before it sees the end.
	_before=$(fds "$FPID")
	send_line two
	assertEquals "second turned away: nothing echoed" "" \
	    "$(<"$SC_TMP/c.out")"
	# Closed on it: its line unread, a reset when the line came first.
	case $CSTATUS:$(<"$SC_TMP/c.err") in
	0:|"1:sockcat: read from network: Connection reset by peer") ;;
	*) fail "second client: $CSTATUS $(<"$SC_TMP/c.err")" ;;
	esac
	send_line three
	assertEquals "third echoed" three "$(<"$SC_TMP/c.out")"
	assertEquals "one line for the client turned away" 1 \
	    "$(grep -c "^sockcat: exec /bin/cat: $_msg\$" "$SC_TMP/s.err")"
	assertEquals "no other complaint" "" \
	    "$(grep -v -e '^Listening on' -e '^Connection received' \
	    -e "^sockcat: exec /bin/cat: $_msg\$" "$SC_TMP/s.err")"
	wait_until fds_at_most "$FPID" "$_before" ||
	    fail "descriptors left: $(ls -l /proc/"$FPID"/fd)"
	still_running "$SERVER_PID" || fail "the server ended"
}

# A program on pipes, which a connection whose bytes sockcat counts
# keeps (-W; without, the program is given the socket itself).  The
# first pipe is the loop's for signals, made for the first program; then
# each start makes three (the program's stdin, its stdout, and one that
# says whether the exec worked, as every start does when vfork is a
# fork): the second client's are the fifth, sixth and seventh.
test_exec_pipe_stdin() {
	exec_server pipe2:5:EMFILE "Too many open files" -W 1000
	faulted "pipe2 5 EMFILE"
}

test_exec_pipe_stdout() {
	exec_server pipe2:6:ENFILE "Too many open files in system" -W 1000
	faulted "pipe2 6 ENFILE"
}

test_exec_pipe_status() {
	exec_server pipe2:7:EMFILE "Too many open files" -W 1000
	faulted "pipe2 7 EMFILE"
}

# No process to be had (RLIMIT_NPROC): EAGAIN from vfork.
test_exec_vfork() {
	exec_server vfork:2:EAGAIN "Resource temporarily unavailable"
	faulted "vfork 2 EAGAIN"
}

# make_data: 3 MiB of random bytes in $SC_TMP/data, its hash in SUM.
make_data() {
	head -c 3145728 /dev/urandom >"$SC_TMP/data"
	SUM=$(sha256sum <"$SC_TMP/data")
}

# sink: a server that keeps what it receives in sink.out; SINK its port.
sink() {
	server sink -l 127.0.0.1 0 || fail "no sink"
	SINK=$PORT
	SINK_PID=$SERVER_PID
}

# assert_sunk: the sink got every byte and ended.
assert_sunk() {
	wait_exit "$SINK_PID"
	assertEquals "sink's status" 0 "$WAIT_STATUS"
	assertEquals "every byte delivered" "$SUM" \
	    "$(sha256sum <"$SC_TMP/sink.out")"
}

# forward FAULT: 3 MiB through a forwarder whose FAULT happens.
forward() {
	make_data
	sink
	export SC_FAULT=$1
	fserver fw -l 127.0.0.1 0 --forward "127.0.0.1:$SINK" ||
	    fail "no forwarder"
	unset SC_FAULT
	t 20 "$SC" -N 127.0.0.1 "$PORT" <"$SC_TMP/data" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "client's status" 0 $?
	assertEquals "client's stderr" "" "$(<"$SC_TMP/c.err")"
	assert_sunk
	wait_exit "$SERVER_PID"
	assertEquals "forwarder's status" 0 "$WAIT_STATUS"
	assertEquals "forwarder's stderr" "" \
	    "$(grep -v -e '^Listening on' -e '^Connection received' \
	    -e '^sockcat: forward: #1 .*: \(forwarded to .*\|closed\)$' \
	    "$SC_TMP/fw.err")"
}

# The first splice into the pipe is refused: copying from the start.
test_forward_splice_refused() {
	forward splice:*:EINVAL
	faulted "splice 1 EINVAL"
}

# The bytes are in the pipe when the splice out of it is refused: they
# go on by copying, none lost.
test_forward_splice_refused_midway() {
	forward splice:2+:EINVAL
	faulted "splice 2 EINVAL"
}

# No pipe to splice through (out of descriptors): copying.
test_forward_no_pipe() {
	forward pipe2:*:EMFILE
	faulted "EMFILE"
}

# A forwarder with no descriptor for a client's target connection turns
# that client away, saying why; its target is not down for that, and the
# next client reaches it.
test_forward_target_socket_emfile() {
	server be -lk -n 127.0.0.1 0 || fail "no target"
	BPORT=$PORT
	# The first socket is the forwarder's listener.
	export SC_FAULT=socket:2:EMFILE
	fserver fw -lk -n 127.0.0.1 0 --forward "127.0.0.1:$BPORT" ||
	    fail "no forwarder"
	send_line one
	assertEquals "first client's stdout" "" "$(<"$SC_TMP/c.out")"
	send_line two
	assertEquals "second client's status" 0 "$CSTATUS"
	wait_lines "$SC_TMP/be.out" . 1
	assertFileEquals "$SC_TMP/be.out" "two"
	assertEquals "the forwarder's words" \
	    "sockcat: forward: #1 127.0.0.1 PORT: no target accepted: 127.0.0.1 $BPORT: socket: Too many open files" \
	    "$(grep -v -e '^Listening on' -e '^Connection received' \
	    -e '^sockcat: forward: #2 .*: \(forwarded to .*\|closed\)$' \
	    "$SC_TMP/fw.err" | sed 's/127.0.0.1 [0-9]*: no/127.0.0.1 PORT: no/')"
	faulted "socket 2 EMFILE"
}

# client FAULT: 3 MiB sent by a faulted client from stdin ($1: file or
# pipe), with FAULT.
client() {
	make_data
	sink
	if [ "$1" = file ]; then
		SC_FAULT=$2 t 20 "$FSC" -N 127.0.0.1 "$SINK" <"$SC_TMP/data" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	else
		t 20 cat "$SC_TMP/data" | SC_FAULT=$2 t 20 "$FSC" -N \
		    127.0.0.1 "$SINK" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
	fi
	assertEquals "client's status" 0 $?
	assertEquals "client's stderr" "" "$(<"$SC_TMP/c.err")"
	assert_sunk
}

# sendfile(2) from a file refused: copying from where it was.
test_sendfile_refused() {
	client file sendfile:*:EINVAL
	faulted "sendfile 1 EINVAL"
}

test_sendfile_refused_midway() {
	client file sendfile:2+:EINVAL
	faulted "sendfile 2 EINVAL"
}

# splice(2) from a pipe refused: copying.
test_splice_direct_refused() {
	client pipe splice:*:EINVAL
	faulted "splice 1 EINVAL"
}

test_splice_direct_refused_midway() {
	client pipe splice:3+:EOPNOTSUPP
	faulted "splice 3 EOPNOTSUPP"
}

# An option asked for that the kernel refuses is one line, status 1.
test_setsockopt_refused() {
	SC_FAULT=setsockopt:*:ENOPROTOOPT t 10 "$FSC" --keepalive \
	    127.0.0.1 1 </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "stderr" "sockcat: set keepalive: Protocol not available" \
	    "$(<"$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	faulted "setsockopt 1 ENOPROTOOPT"
}

# Each option that reaches setsockopt(2), refused (EPERM), in a client
# and a listener: one line naming it (in nc's words: -b and -D name
# nothing, as nc's do not), nothing on stdout, status 1.
test_each_option_refused() {
	while IFS=: read -r opt msg; do
		for l in "" -l; do
			[ -z "$l" ] && [ "$opt" = --reuseport ] && continue
			: >"$SC_FAULT_LOG"
			SC_FAULT=setsockopt:*:EPERM t 10 "$FSC" $l $opt \
			    127.0.0.1 $([ -n "$l" ] && echo 0 || echo 1) \
			    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
			assertEquals "status ($l $opt)" 1 $?
			assertEquals "stderr ($l $opt)" \
			    "sockcat: ${msg:+$msg: }Operation not permitted" \
			    "$(<"$SC_TMP/err")"
			assertEquals "stdout ($l $opt)" "" "$(<"$SC_TMP/out")"
			faulted "setsockopt 1 EPERM"
		done
	done <<-EOF
	--keepalive:set keepalive
	--nodelay:set TCP_NODELAY
	-T lowdelay:set IP ToS
	-I 65536:set TCP receive buffer size
	-O 65536:set TCP send buffer size
	-M 5:set IP TTL
	-b:
	-D:
	--reuseport:set SO_REUSEPORT
	EOF
}

# --workers: a worker that cannot be started (fork(2) refused) ends
# those started, one line and status 1; a worker that cannot go on
# (exits with 1) ends the others, with its status; one killed that
# cannot be started again ends the rest, status 1.
test_worker_not_started() {
	SC_FAULT=fork:2:EAGAIN t 10 "$FSC" -lkv --workers 3 127.0.0.1 0 \
	    -e /bin/cat </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "stderr" "sockcat: worker 2: fork: Resource temporarily unavailable" \
	    "$(grep -v '^Listening on ' "$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	faulted "fork 2 EAGAIN"
}

test_worker_fails() {
	SC_FAULT=epoll_ctl:1:ENOSPC t 10 "$FSC" -lkv --workers 2 127.0.0.1 0 \
	    -e /bin/cat </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "one line for the whole" 1 "$(grep -c \
	    '^sockcat: worker [12] exited with status 1: the others are ended$' \
	    "$SC_TMP/err")"
	# Its first watch: the signals of a server that goes on.
	assertTrue "the worker's own line" "grep -q \
	    '^sockcat: worker [12]: SIGHUP and SIGUSR1: No space left on device$' \
	    '$SC_TMP/err'"
	faulted "epoll_ctl 1 ENOSPC"
}

test_worker_not_started_again() {
	export SC_FAULT=fork:3:EAGAIN
	fserver s -lkn --workers 2 127.0.0.1 0 -e /bin/cat || fail "no server"
	unset SC_FAULT
	wait_until [ "$(wc -w <"/proc/$FPID/task/$FPID/children")" -eq 2 ] ||
	    fail "not 2 workers"
	read -r w1 w2 <"/proc/$FPID/task/$FPID/children"
	kill -KILL "$w1"
	wait_exit "$SERVER_PID"
	assertEquals "status" 1 "$WAIT_STATUS"
	assertContains "said" "$(<"$SC_TMP/s.err")" \
	    "died of signal 9 (Killed), not started again: fork: Resource temporarily unavailable"
	assertTrue "the other ended" "wait_until gone $w2"
	faulted "fork 3 EAGAIN"
}

# A listener the loop cannot watch (no room for another watch): one
# line, status 1.
test_listener_unwatched() {
	SC_FAULT=epoll_ctl:1:ENOSPC t 10 "$FSC" -l 127.0.0.1 0 \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "status" 1 $?
	assertEquals "stderr" "sockcat: listener: No space left on device" \
	    "$(<"$SC_TMP/err")"
	assertEquals "stdout" "" "$(<"$SC_TMP/out")"
	faulted "epoll_ctl 1 ENOSPC"
}

# A connection the loop cannot watch (no room for another watch) is
# said, in one line, and the -k listener serves the next client: its
# bytes are never taken in silence.
test_connection_unwatched() {
	export SC_FAULT=epoll_ctl:3:ENOSPC
	fserver s -lk -n 127.0.0.1 0 || fail "no server"
	send_line one
	send_line two
	assertEquals "second client's status" 0 "$CSTATUS"
	wait_lines "$SC_TMP/s.out" . 1
	assertFileEquals "$SC_TMP/s.out" "two"
	wait_until grep -q 'No space left on device' "$SC_TMP/s.err"
	assertEquals "said once" \
	    "sockcat: read from network: No space left on device" \
	    "$(grep -v -e '^Listening on' -e '^Connection received' \
	    "$SC_TMP/s.err")"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "epoll_ctl 3 ENOSPC"
}

# A listener that cannot bind or listen: one line, status 1.
test_listen_refused() {
	for f in bind listen; do
		SC_FAULT=$f:1:EACCES t 10 "$FSC" -l 127.0.0.1 0 \
		    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
		assertEquals "status ($f)" 1 $?
		assertEquals "stderr ($f)" \
		    "sockcat: Permission denied (127.0.0.1)" "$(<"$SC_TMP/err")"
		assertEquals "stdout ($f)" "" "$(<"$SC_TMP/out")"
		faulted "$f 1 EACCES"
	done
}

# refused FAULT STDERR ARGS...: a faulted sockcat with ARGS, whose FAULT
# happens, says STDERR, writes nothing and ends with status 1.
refused() {
	_f=$1 _e=$2
	shift 2
	: >"$SC_FAULT_LOG"
	SC_FAULT=$_f t 10 "$FSC" "$@" </dev/null >"$SC_TMP/out" \
	    2>"$SC_TMP/err"
	assertEquals "status ($_f $*)" 1 $?
	assertEquals "stderr ($_f $*)" "$_e" "$(<"$SC_TMP/err")"
	assertEquals "stdout ($_f $*)" "" "$(<"$SC_TMP/out")"
	faulted "$(echo "$_f" | sed -e 's/:[*]:/:1:/' \
	    -e 's/:\([0-9]*\)[-+0-9]*:/ \1 /')"
}

# A UDP listener or client without a socket, or a listener that cannot
# bind: one line, status 1.
test_udp_refused() {
	refused socket:1:EMFILE "sockcat: Too many open files" \
	    -u -l 127.0.0.1 0
	refused bind:1:EACCES "sockcat: Permission denied (127.0.0.1)" \
	    -u -l 127.0.0.1 0
	refused socket:1:EMFILE "sockcat: socket: Too many open files" \
	    -u 127.0.0.1 9
	refused socket:1:EMFILE "sockcat: socket: Too many open files" \
	    -v -u 127.0.0.1 9
}

# A UDP client whose connect(2) is refused says so with -v, as nc does
# (without, nothing), and ends with status 1.
test_udp_client_connect_refused() {
	refused connect:1:ENETUNREACH \
	    "sockcat: connect to 127.0.0.1 port 9 (udp) failed: Network is unreachable" \
	    -v -u 127.0.0.1 9
	refused connect:1:ENETUNREACH "" -u 127.0.0.1 9
}

# A Unix socket listener or client without its socket, bind, listen or
# connect: one line naming what failed, status 1, no socket file left.
test_unix_refused() {
	_s=$SC_TMP/sock
	refused socket:1:EMFILE "sockcat: socket: Too many open files" \
	    -U -l "$_s"
	refused bind:1:EACCES "sockcat: Permission denied ($_s)" -U -l "$_s"
	refused listen:1:EADDRINUSE "sockcat: listen: Address already in use" \
	    -U -l "$_s"
	assertFalse "no socket file left" "[ -e '$_s' ]"
	refused socket:1:EMFILE "sockcat: $_s: socket: Too many open files" \
	    -U "$_s"
	refused connect:1:ECONNREFUSED "sockcat: $_s: Connection refused" \
	    -U "$_s"
}

# An output file (-o) that cannot be opened: one line, status 1, before
# any connection.
test_output_file_refused() {
	export SC_FAULT_PATH=$SC_TMP/o
	refused open:1:EACCES "sockcat: $SC_TMP/o: Permission denied" \
	    -o "$SC_TMP/o" 127.0.0.1 1
	assertFalse "no file made" "[ -e '$SC_TMP/o' ]"
}

# A FIFO (--fifo) that cannot be opened: one line, status 1, and the
# FIFO sockcat made is removed; one that is gone each time it is looked
# at (ENOENT) is made again a few times, then said.
test_fifo_refused() {
	export SC_FAULT_PATH=$SC_TMP/f
	refused open:1:EACCES "sockcat: $SC_TMP/f: Permission denied" \
	    --fifo "$SC_TMP/f" 127.0.0.1 1
	assertFalse "FIFO removed" "[ -e '$SC_TMP/f' ]"
	# Made, then looked at four times (bounded: a coverage build's
	# runtime opens its files at exit).
	refused open:1-4:ENOENT "sockcat: $SC_TMP/f: No such file or directory" \
	    --fifo "$SC_TMP/f" 127.0.0.1 1
	assertFalse "FIFO removed" "[ -e '$SC_TMP/f' ]"
}

# A FIFO gone once when it is opened is looked at again, what is written
# to it is sent, and the FIFO sockcat made is removed at exit.
test_fifo_gone_once() {
	server s -l -n 127.0.0.1 0 || fail "no server"
	SC_FAULT_PATH=$SC_TMP/f SC_FAULT=open:1:ENOENT t 10 "$FSC" -N \
	    --fifo "$SC_TMP/f" 127.0.0.1 \
	    "$PORT" >"$SC_TMP/c.out" 2>"$SC_TMP/c.err" &
	_cpid=$!
	wait_until test -p "$SC_TMP/f" || fail "no FIFO"
	echo hello >"$SC_TMP/f"
	wait "$_cpid"
	assertEquals "client's status" 0 $?
	assertEquals "client's stderr" "" "$(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID"
	assertFileEquals "$SC_TMP/s.out" "hello"
	assertFalse "FIFO removed at exit" "[ -e '$SC_TMP/f' ]"
	faulted "open 1 ENOENT"
}

# said: what the server s said beyond its connections, without "sockcat: ".
said() {
	grep -v -e '^Listening on' -e '^Connection received' "$SC_TMP/s.err" |
	    sed 's/^sockcat: //'
}

# The broker out of descriptors at accept4 serves the waiting client
# after its pause, and the next: both relayed (--monitor: to stdout).
test_broker_accept_emfile() {
	export SC_FAULT=accept4:1:EMFILE
	fserver s --broker --monitor 127.0.0.1 0 || fail "no server"
	send_line one
	assertEquals "first client's status" 0 "$CSTATUS"
	send_line two
	assertEquals "second client's status" 0 "$CSTATUS"
	wait_lines "$SC_TMP/s.out" . 2
	assertFileEquals "$SC_TMP/s.out" "one
two"
	assertEquals "said once" "accept: Too many open files" "$(said)"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "accept4 1 EMFILE"
}

# A member the broker cannot watch is said, in one line, and the next
# client is served (the listener's watch is the second: the first is the
# loop's own).
test_broker_member_unwatched() {
	export SC_FAULT=epoll_ctl:3:ENOSPC
	fserver s --broker --monitor 127.0.0.1 0 || fail "no server"
	send_line one
	send_line two
	assertEquals "second client's status" 0 "$CSTATUS"
	wait_lines "$SC_TMP/s.out" . 1
	assertFileEquals "$SC_TMP/s.out" "two"
	assertEquals "said once" \
	    "127.0.0.1:PORT: read: No space left on device" \
	    "$(said | sed 's/^127.0.0.1:[0-9]*:/127.0.0.1:PORT:/')"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "epoll_ctl 3 ENOSPC"
}

# The room too: out of descriptors at accept4, then both served.
test_room_accept_emfile() {
	export SC_FAULT=accept4:1:EMFILE
	fserver s --room 127.0.0.1 0 || fail "no server"
	send_line one
	assertEquals "first client's status" 0 "$CSTATUS"
	send_line two
	assertEquals "second client's status" 0 "$CSTATUS"
	wait_for "$SC_TMP/s.out" '^<user2> two$' || fail "two not said"
	assertEquals "both members said their line" "<user1> one
<user2> two" "$(grep '^<user' "$SC_TMP/s.out")"
	assertEquals "said once" "accept: Too many open files" "$(said)"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "accept4 1 EMFILE"
}

# A member the room cannot watch is said, by its name, in one line; the
# next joins and is heard.
test_room_member_unwatched() {
	export SC_FAULT=epoll_ctl:3:ENOSPC
	fserver s --room 127.0.0.1 0 || fail "no server"
	send_line one
	send_line two
	assertEquals "second client's status" 0 "$CSTATUS"
	assertContains "second welcomed" "$(<"$SC_TMP/c.out")" \
	    "Welcome to the room, you are <user2>."
	wait_for "$SC_TMP/s.out" '^<user2> two$' || fail "two not said"
	assertEquals "only the second heard" "<user2> two" \
	    "$(grep '^<user' "$SC_TMP/s.out")"
	assertEquals "said once" "<user1>: read: No space left on device" \
	    "$(said)"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "epoll_ctl 3 ENOSPC"
}

# A broker or room whose listener cannot be watched: one line, status 1.
test_broker_listener_unwatched() {
	for m in --broker --room; do
		refused epoll_ctl:2:ENOSPC \
		    "sockcat: listener: No space left on device" $m 127.0.0.1 0
	done
}

# The chat server out of descriptors at accept4 talks with the caller
# after its pause.
test_chat_accept_emfile() {
	held_stdin in 7
	export SC_FAULT=accept4:1:EMFILE
	SERVER_STDIN=$SC_TMP/in fserver s --chat -l 127.0.0.1 0 ||
	    fail "no server"
	send_line one
	assertEquals "caller's status" 0 "$CSTATUS"
	wait_lines "$SC_TMP/s.out" . 1
	assertFileEquals "$SC_TMP/s.out" "one"
	assertEquals "said once" "accept: Too many open files" \
	    "$(said | grep -v -e '^waiting for someone' -e '^connected to' \
	    -e ' left$')"
	exec 7>&-
	faulted "accept4 1 EMFILE"
}

# A chat whose stdout cannot be watched says so, in one line, and ends
# with status 1.
test_chat_stdout_unwatched() {
	held_stdin in 7
	export SC_FAULT=epoll_ctl:2:ENOSPC
	SERVER_STDIN=$SC_TMP/in fserver s --chat -l 127.0.0.1 0 ||
	    fail "no server"
	send_line one
	wait_exit "$SERVER_PID"
	assertEquals "status" 1 "$WAIT_STATUS"
	assertEquals "said once" "write to stdout: No space left on device" \
	    "$(said | grep -v -e '^waiting for someone' -e '^connected to')"
	exec 7>&-
	faulted "epoll_ctl 2 ENOSPC"
}

# A WebSocket program server (--websocket -lk -e) whose pipes or vfork
# fail for its second client: that client, which has had its 101, is
# told so by a close with 1011 (not the 1000 of a normal end) and ends
# with status 1; the server says it in one line, leaks no descriptor and
# echoes the third.
ws_exec_server() {
	export SC_FAULT=$1
	fserver s --websocket -lk -n 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	for w in one two three; do
		if [ "$w" = two ]; then
			# Its stdin held: a client whose own close (-N, at
			# its stdin's end) went first would take the server's
			# as the answer to it.
			rm -f "$SC_TMP/w.in"
			held_stdin w.in 7
			bg_in "$SC_TMP/w.in" t 10 "$SC" -N \
			    "ws://127.0.0.1:$PORT/" >"$SC_TMP/$w.out" \
			    2>"$SC_TMP/$w.err"
			echo "$w" >&7
			wait_exit "$BG_PID"
			st_two=$WAIT_STATUS
			exec 7>&-
			continue
		fi
		echo "$w" | t 10 "$SC" -N "ws://127.0.0.1:$PORT/" \
		    >"$SC_TMP/$w.out" 2>"$SC_TMP/$w.err"
		eval "st_$w=\$?"
		[ "$w" = one ] && _before=$(fds "$FPID")
	done
	assertEquals "first echoed" "0 one" "$st_one $(<"$SC_TMP/one.out")"
	assertEquals "second turned away" \
	    "1 sockcat: read from network: WebSocket: the peer closed with 1011: no program" \
	    "$st_two $(<"$SC_TMP/two.out")$(<"$SC_TMP/two.err")"
	assertEquals "third echoed" "0 three" \
	    "$st_three $(<"$SC_TMP/three.out")"
	assertEquals "one line for the client turned away" \
	    "exec /bin/cat: $2" \
	    "$(said | grep -v -e '^WebSocket upgrade of' -e '^WebSocket: perm' \
	    -e '^WebSocket: the peer closed with 1000$' \
	    -e '^WebSocket: the peer did not answer our close$')"
	wait_until fds_at_most "$FPID" "$_before" ||
	    fail "descriptors left: $(ls -l /proc/"$FPID"/fd)"
	still_running "$SERVER_PID" || fail "the server ended"
}

test_ws_exec_pipe() {
	ws_exec_server pipe2:6:EMFILE "Too many open files"
	faulted "pipe2 6 EMFILE"
}

test_ws_exec_vfork() {
	ws_exec_server vfork:2:EAGAIN "Resource temporarily unavailable"
	faulted "vfork 2 EAGAIN"
}

# tls_said: what the TLS server s said beyond its connections and -v's
# words about TLS.
tls_said() {
	said | grep -v -e '^using a temporary self-signed certificate' \
	    -e '^TLS protocol: ' -e '^TLS cipher: ' \
	    -e '^TLS peer sent no certificate$'
}

# tls_send WORD: send_line over TLS.
tls_send() {
	echo "$1" | t 10 "$SC" -N --ssl 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	CSTATUS=$?
}

# A TLS listener out of descriptors at accept4 serves the waiting client
# after its pause, and the next.
test_tls_accept_emfile() {
	export SC_FAULT=accept4:1:EMFILE
	fserver s --ssl -lk 127.0.0.1 0 || fail "no server"
	tls_send one
	assertEquals "first client" "0 " "$CSTATUS $(<"$SC_TMP/c.err")"
	tls_send two
	assertEquals "second client" "0 " "$CSTATUS $(<"$SC_TMP/c.err")"
	wait_lines "$SC_TMP/s.out" . 2
	assertFileEquals "$SC_TMP/s.out" "one
two"
	assertEquals "said once" "accept: Too many open files" "$(tls_said)"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "accept4 1 EMFILE"
}

# A TLS client whose handshake the server cannot watch: the server says
# so in one line, the client is told the handshake failed, and the next
# client is served.
test_tls_handshake_unwatched() {
	export SC_FAULT=epoll_ctl:3:ENOSPC
	fserver s --ssl -lk 127.0.0.1 0 || fail "no server"
	tls_send one
	# Closed on it: a reset when its bytes were there unread.
	case $CSTATUS:$(<"$SC_TMP/c.err") in
	"1:sockcat: TLS handshake failed: connection closed by peer") ;;
	"1:sockcat: TLS handshake failed: Connection reset by peer") ;;
	*) fail "first client: $CSTATUS $(<"$SC_TMP/c.err")" ;;
	esac
	tls_send two
	assertEquals "second client" "0 " "$CSTATUS $(<"$SC_TMP/c.err")"
	wait_lines "$SC_TMP/s.out" . 1
	assertFileEquals "$SC_TMP/s.out" "two"
	assertEquals "said once" "TLS: No space left on device" "$(tls_said)"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "epoll_ctl 3 ENOSPC"
}

# A TLS client's close_notify that finds no room in its socket (its write
# says EAGAIN, as when the peer is slow to read what came before: the
# 24 bytes of the alert's record) goes once there is room, and only then
# the socket's end: the server takes the stream whole, and so does the
# client the server's.  Before, the end went without it: both said the
# stream was cut, status 1.
test_tls_close_notify_waits_for_room() {
	export SC_FAULT=write:1:EAGAIN SC_FAULT_LEN=24
	server s --ssl -l 127.0.0.1 0 || fail "no server"
	echo one | t 10 "$FSC" -N --ssl 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	assertEquals "the client" "0 " "$? $(<"$SC_TMP/c.err")"
	wait_exit "$SERVER_PID"
	assertEquals "the server's status" 0 "$WAIT_STATUS"
	assertEquals "the server's output" "one" "$(<"$SC_TMP/s.out")"
	assertEquals "the server said" "" "$(tls_said)"
	faulted "write 1 EAGAIN"
}

# The WebSocket server out of descriptors at accept4 serves the waiting
# client after its pause, and the next.
test_ws_accept_emfile() {
	export SC_FAULT=accept4:1:EMFILE
	fserver s --websocket -lk -n 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	for w in one two; do
		echo "$w" | t 10 "$SC" -N "ws://127.0.0.1:$PORT/" \
		    >"$SC_TMP/c.out" 2>"$SC_TMP/c.err"
		assertEquals "$w echoed" "0 $w" "$? $(<"$SC_TMP/c.out")"
		assertEquals "$w's stderr" "" "$(<"$SC_TMP/c.err")"
	done
	assertEquals "said once" "accept: Too many open files" \
	    "$(said | grep -v -e '^WebSocket upgrade of' \
	    -e '^WebSocket: perm' -e '^WebSocket: the peer closed with 1000$')"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "accept4 1 EMFILE"
}

# pty_send WORD [echo]: a client of the server on PORT sends WORD and,
# with echo, waits for it to come back from the terminal before its
# stdin ends (at once, a terminal's peer hangs up before the echo); its
# stdout, stderr and status in $SC_TMP/c.out, c.err, CSTATUS.
pty_send() {
	rm -f "$SC_TMP/p.in"
	held_stdin p.in 7
	bg_in "$SC_TMP/p.in" t 10 "$SC" -N 127.0.0.1 "$PORT" >"$SC_TMP/c.out" \
	    2>"$SC_TMP/c.err"
	echo "$1" >&7
	[ "$2" = echo ] && { wait_for "$SC_TMP/c.out" "$1" || fail "no $1"; }
	exec 7>&-
	wait_exit "$BG_PID"
	CSTATUS=$WAIT_STATUS
}

# A program server on a terminal (--pty -lk -e) that gets no terminal
# for its second client (posix_openpt: EAGAIN, none left) turns that
# client away with one line, leaks nothing, and serves the third.
test_pty_no_terminal() {
	export SC_FAULT=posix_openpt:2:EAGAIN
	fserver s --pty -lk -n 127.0.0.1 0 -e /bin/cat || fail "no server"
	pty_send one echo
	assertEquals "first client's status" 0 "$CSTATUS"
	_before=$(fds "$FPID")
	pty_send two
	assertEquals "second turned away: nothing echoed" "" \
	    "$(<"$SC_TMP/c.out")"
	case $CSTATUS:$(<"$SC_TMP/c.err") in
	0:|"1:sockcat: read from network: Connection reset by peer") ;;
	*) fail "second client: $CSTATUS $(<"$SC_TMP/c.err")" ;;
	esac
	pty_send three echo
	assertEquals "third client's status" 0 "$CSTATUS"
	assertEquals "one line for the client turned away" \
	    "exec /bin/cat: Resource temporarily unavailable" "$(said)"
	wait_until fds_at_most "$FPID" "$_before" ||
	    fail "descriptors left: $(ls -l /proc/"$FPID"/fd)"
	still_running "$SERVER_PID" || fail "the server ended"
	faulted "posix_openpt 2 EAGAIN"
}

# udp_forward FAULT: a UDP backend echoing (BPORT), and a UDP forwarder
# to it (PORT) whose FAULT happens; peers one and two each send a
# datagram from a socket of their own: one's is dropped, two gets its
# echo.
udp_forward() {
	bg t 30 python3 "$(dirname "$0")/fwdpeer.py" udp-echo "$SC_TMP/be.port"
	wait_for "$SC_TMP/be.port" '^[0-9]+$' 15 || fail "no UDP backend"
	BPORT=$(<"$SC_TMP/be.port")
	export SC_FAULT=$1
	fserver fw -u -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" ||
	    fail "no forwarder"
	# One's datagram is dropped: no answer within a second.
	t 15 $UDPPEER --timeout 1 "$PORT" raw one recv >"$SC_TMP/one.out" \
	    2>/dev/null
	assertEquals "one dropped" TIMEOUT "$(<"$SC_TMP/one.out")"
	t 15 $UDPPEER "$PORT" raw two recv 2>/dev/null | cut -d: -f2- \
	    >"$SC_TMP/two.out"
	assertEquals "two echoed" two "$(<"$SC_TMP/two.out")"
	still_running "$SERVER_PID" || fail "the forwarder ended"
}

# A UDP forwarder without a socket for a new peer says so (-v or not),
# and the next peer is served.
test_forward_udp_peer_socket() {
	udp_forward socket:2:EMFILE
	assertEquals "said once" "socket for a peer: Too many open files" \
	    "$(grep -v -e '^Bound on' -e '^Connection received' \
	    -e '^sockcat: forward: #1 .*: forwarded to .*$' \
	    "$SC_TMP/fw.err" | sed 's/^sockcat: //')"
	faulted "socket 2 EMFILE"
}

# A UDP forwarder out of descriptors while many new peers send (a
# stranger's flood of source ports) says so once, not a line a datagram;
# the first peer after it gets its socket and is served.
test_forward_udp_peer_socket_flood() {
	bg t 30 python3 "$(dirname "$0")/fwdpeer.py" udp-echo "$SC_TMP/be.port"
	wait_for "$SC_TMP/be.port" '^[0-9]+$' 15 || fail "no UDP backend"
	BPORT=$(<"$SC_TMP/be.port")
	export SC_FAULT=socket:2-21:EMFILE
	fserver fw -u -lk 127.0.0.1 0 --forward "127.0.0.1:$BPORT" ||
	    fail "no forwarder"
	_steps=""
	for _i in $(seq 20); do
		_steps="$_steps raw p$_i new"
	done
	# shellcheck disable=SC2086 # the steps are words
	t 15 $UDPPEER "$PORT" $_steps raw last recv 2>/dev/null |
	    cut -d: -f2- >"$SC_TMP/last.out"
	assertEquals "the next peer echoed" last "$(<"$SC_TMP/last.out")"
	assertEquals "said once" "socket for a peer: Too many open files" \
	    "$(grep -v -e '^Bound on' -e '^Connection received' \
	    -e '^sockcat: forward: #1 .*: forwarded to .*$' \
	    "$SC_TMP/fw.err" | sed 's/^sockcat: //')"
	still_running "$SERVER_PID" || fail "the forwarder ended"
	faulted "socket 2 EMFILE" "socket 21 EMFILE"
}

# A UDP forwarder without a socket towards the target for a peer says
# why (-v), and the next peer is served.
test_forward_udp_target_socket() {
	udp_forward socket:3:EMFILE
	assertEquals "said once" \
	    "forward: #1 127.0.0.1 PORT: no target accepted: udp:127.0.0.1 $BPORT: socket: Too many open files" \
	    "$(grep -v -e '^Bound on' -e '^Connection received' \
	    -e '^sockcat: forward: #2 .*: forwarded to .*$' \
	    "$SC_TMP/fw.err" | sed -e 's/^sockcat: //' \
	    -e 's/127.0.0.1 [0-9]*: no/127.0.0.1 PORT: no/')"
	faulted "socket 3 EMFILE"
}

# reconnect FAULT MAX: a server that says "from-server" to each client
# and closes, and a faulted client (--reconnect=MAX) of it whose stdin is
# held on fd 7, its output in r.out and r.err, its process RPID.
reconnect() {
	server be -lk -n 127.0.0.1 0 -c 'echo from-server' || fail "no server"
	rm -f "$SC_TMP/r.in"
	held_stdin r.in 7
	SC_FAULT=$1 bg_in "$SC_TMP/r.in" t 20 "$FSC" -v --reconnect="$2" \
	    --retry-interval 100ms 127.0.0.1 "$PORT" >"$SC_TMP/r.out" \
	    2>"$SC_TMP/r.err"
	RPID=$BG_PID
}

# A redial refused twice is said each time, and the third comes back.
test_reconnect_refused_then_back() {
	reconnect connect:2-3:ECONNREFUSED 3
	wait_lines "$SC_TMP/r.out" '^from-server$' 2 ||
	    fail "not back: $(<"$SC_TMP/r.err")"
	exec 7>&-
	wait_exit "$RPID"
	assertEquals "status" 0 "$WAIT_STATUS"
	assertEquals "what the client said" \
	    "Connection to 127.0.0.1 PORT port [tcp/*] succeeded!
Connection to 127.0.0.1 PORT lost: closed by the peer
sockcat: connect to 127.0.0.1 port PORT (tcp) failed: Connection refused
sockcat: connect to 127.0.0.1 port PORT (tcp) failed: Connection refused
Reconnected to 127.0.0.1 PORT (attempt 3)" \
	    "$(head -5 "$SC_TMP/r.err" | sed "s/ $PORT / PORT /")"
	faulted "connect 2 ECONNREFUSED" "connect 3 ECONNREFUSED"
}

# Refused MAX times, the client gives up: one line, status 1.
test_reconnect_gives_up() {
	reconnect connect:2-9:ECONNREFUSED 3
	wait_exit "$RPID"
	exec 7>&-
	assertEquals "status" 1 "$WAIT_STATUS"
	assertEquals "what the server said, once" from-server \
	    "$(<"$SC_TMP/r.out")"
	assertEquals "the last line" \
	    "sockcat: gave up reconnecting to 127.0.0.1 $PORT after 3 attempts" \
	    "$(tail -1 "$SC_TMP/r.err")"
	assertEquals "each refusal said" 3 \
	    "$(grep -c 'failed: Connection refused$' "$SC_TMP/r.err")"
	faulted "connect 4 ECONNREFUSED"
}

# Unix datagram sockets (-uU) too: a listener or client without its
# socket, bind or connect is one line and status 1; the client's own
# receiving socket, in a directory of its own, is not left behind.
test_unix_dgram_refused() {
	_s=$SC_TMP/dsock
	refused socket:1:EMFILE "sockcat: socket: Too many open files" \
	    -uU -l "$_s"
	refused bind:1:EACCES "sockcat: Permission denied ($_s)" -uU -l "$_s"
	assertFalse "no socket file left" "[ -e '$_s' ]"
	refused socket:1:EMFILE "sockcat: $_s: socket: Too many open files" \
	    -uU "$_s"
	refused connect:1:ECONNREFUSED "sockcat: $_s: Connection refused" \
	    -uU "$_s"
	: >"$SC_FAULT_LOG"
	SC_FAULT=bind:1:EACCES TMPDIR=$SC_TMP t 10 "$FSC" -uU "$_s" \
	    </dev/null >"$SC_TMP/out" 2>"$SC_TMP/err"
	assertEquals "client bind: status" 1 $?
	assertEquals "client bind: stderr" \
	    "sockcat: $_s: Permission denied ($SC_TMP/sockcat.XXXXXX/recv.sock)" \
	    "$(sed 's|/sockcat\.[^/]*/|/sockcat.XXXXXX/|' "$SC_TMP/err")"
	assertEquals "its directory removed" "" \
	    "$(ls -d "$SC_TMP"/sockcat.* 2>/dev/null)"
	faulted "bind 1 EACCES"
}

sc_run_shunit2
