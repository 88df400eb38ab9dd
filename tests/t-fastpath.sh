#!/bin/bash
# The fast path: with nothing to rewrite, channels move bytes with
# splice(2).  Every kind of stdin and stdout (regular file, pipe, socket)
# must come out byte-exact at sizes 0, 1, 64 KiB - 1 and 100 MiB, and a
# transformation (-C) must take the copying path instead; a full pipe
# after the peer's end is waited for.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

make_input() {
	head -c "$1" /dev/urandom >"$SC_TMP/in"
}

# transfer KIND: send $SC_TMP/in to a listener; KIND says what the two
# sides' stdin and stdout are.  Sets the sender's and receiver's stderr.
transfer() {
	# Nothing of an earlier transfer may be taken for this one's.
	rm -f "$SC_TMP/srv.err" "$SC_TMP/c.err" "$SC_TMP/got" "$SC_TMP/srv.out"
	case $1 in
	file)
		server srv -vvv -l 127.0.0.1 0 ||
		    { fail "no server"; return; }
		t 30 "$SC" -vvv -N 127.0.0.1 "$PORT" <"$SC_TMP/in" \
		    2>"$SC_TMP/c.err"
		wait_exit "$SERVER_PID" 30
		cp "$SC_TMP/srv.out" "$SC_TMP/got" ;;
	pipe)
		timeout 30 sh -c "exec '$SC' -vvv -v -l 127.0.0.1 0 \
		    2>'$SC_TMP/srv.err' | cat >'$SC_TMP/got'" </dev/null &
		pid=$!
		SC_PIDS="$SC_PIDS $pid"
		wait_for "$SC_TMP/srv.err" "^Listening on" ||
		    { fail "no server"; return; }
		port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
		cat "$SC_TMP/in" | t 30 "$SC" -vvv -N 127.0.0.1 "$port" \
		    2>"$SC_TMP/c.err"
		wait_exit "$pid" 30 ;;
	socket)
		# socat gives its EXEC child socketpairs as stdin and stdout.
		server srv -vvv -l 127.0.0.1 0 ||
		    { fail "no server"; return; }
		t 30 socat -u "FILE:$SC_TMP/in" \
		    "EXEC:$SC -vvv -N 127.0.0.1 $PORT" 2>"$SC_TMP/c.err"
		wait_exit "$SERVER_PID" 30
		cp "$SC_TMP/srv.out" "$SC_TMP/got" ;;
	esac
}

check_sizes() {
	for size in 0 1 65535 104857600; do
		make_input $size
		transfer "$1"
		assertTrue "$1 $size bytes identical" \
		    "cmp -s '$SC_TMP/in' '$SC_TMP/got'"
		assertContains "$1 $size sender in the kernel" \
		    "$(<"$SC_TMP/c.err")" "send: $2"
		rm -f "$SC_TMP/in" "$SC_TMP/got" "$SC_TMP/srv.out"
	done
}

test_regular_file() {
	check_sizes file sendfile
	# The receiver wrote to a regular file through the pipe too.
	make_input 100000
	transfer file
	assertContains "$(<"$SC_TMP/srv.err")" "receive: splice"
}

test_pipe() {
	check_sizes pipe splice
}

test_socket() {
	command -v socat >/dev/null || { sc_skip "socat not installed"; return; }
	check_sizes socket splice
}

test_crlf_takes_the_copying_path() {
	printf 'one\ntwo\n' >"$SC_TMP/in"
	server srv -l 127.0.0.1 0 || fail "no server"
	t 5 "$SC" -vvv -C -N 127.0.0.1 "$PORT" <"$SC_TMP/in" 2>"$SC_TMP/c.err"
	wait_exit "$SERVER_PID"
	assertContains "$(<"$SC_TMP/c.err")" "send: copy"
	assertEquals "$(printf 'one\r\ntwo\r\n' | od -c)" \
	    "$(od -c <"$SC_TMP/srv.out")"
}

# A peer that has sent its last bytes and ended, while the stdout pipe
# they are spliced to is full: sockcat waits for the pipe to take more,
# not for the socket, whose end is readable at every wait (a busy loop).
# The pipe is cut to one page, which the one splice of 1000 bytes fills.
test_full_pipe_after_the_end_waits_for_it() {
	t 30 python3 - "$SC" <<'EOF' >"$SC_TMP/py.out" 2>&1
import fcntl, os, socket, subprocess, sys, time
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
r, w = os.pipe()
p = subprocess.Popen([sys.argv[1], "127.0.0.1", str(ls.getsockname()[1])],
    stdin=subprocess.DEVNULL, stdout=w)
os.close(w)
c, _ = ls.accept()
fcntl.fcntl(r, 1031, 4096)      # F_SETPIPE_SZ: one page
data = os.urandom(1000)
c.sendall(data)
c.close()
def in_pipe():
    return int.from_bytes(fcntl.ioctl(r, 0x541B, b"\0" * 4), "little")
def waits_for_stdout():
    # Its epoll set: stdout (1) watched for EPOLLOUT (4), nothing for
    # EPOLLIN (1).
    for fd in os.listdir("/proc/%d/fd" % p.pid):
        if os.readlink("/proc/%d/fd/%s" % (p.pid, fd)).endswith(
                "[eventpoll]"):
            rows = [l.split() for l in open("/proc/%d/fdinfo/%s" %
                (p.pid, fd)) if l.startswith("tfd:")]
            return [(int(x[1]), int(x[3], 16) & 5) for x in rows
                if int(x[3], 16) & 5] == [(1, 4)]
    return False
end = time.time() + 10
# All is in the pipe, which is full (one page, one splice): only the
# peer's end is left in the socket.
while in_pipe() < len(data) and time.time() < end:
    time.sleep(0.01)
while not waits_for_stdout() and time.time() < end:
    time.sleep(0.01)
print("waits for stdout" if waits_for_stdout() else "busy")
got = b""
while True:
    d = os.read(r, 65536)
    if not d:
        break
    got += d
print("status %d, %s" % (p.wait(), "all" if got == data else len(got)))
EOF
	assertEquals "waits for stdout
status 0, all" "$(<"$SC_TMP/py.out")"
}

# Character devices that never wait are spliced, both as the source
# (/dev/zero) and as the destination (/dev/null).
test_memory_devices_splice() {
	bg t 30 "$SC" -vvv -l 127.0.0.1 0 </dev/null >/dev/null \
	    2>"$SC_TMP/srv.err"
	srv=$BG_PID
	wait_for "$SC_TMP/srv.err" "^Listening on" || fail "no server"
	port=$(sed -n 's/^Listening on .* //p' "$SC_TMP/srv.err")
	bg_in /dev/zero t 30 "$SC" -vvv 127.0.0.1 "$port" \
	    2>"$SC_TMP/c.err"
	assertTrue "sent from /dev/zero in the kernel" \
	    "wait_for '$SC_TMP/c.err' 'send: splice'"
	assertTrue "received into /dev/null in the kernel" \
	    "wait_for '$SC_TMP/srv.err' 'receive: splice'"
	stop "$BG_PID" "$srv"
}

# A terminal is copied, both ways: a splice from it would wait in the
# kernel for the next line typed, and the loop with it.
test_terminal_is_copied() {
	on_tty tty listen:tcp accept 'expect:send: copy' \
	    'expect:receive: copy' 'send:typed\n' 'netexpect:typed\n' \
	    'netsend:back\n' 'expect:back\r\n' 'send:typed again\n' \
	    'netexpect:typed again\n' 'send:\x04' netclose exit:0 -- \
	    "$SC" -vvv 127.0.0.1 @PORT@
	st=$?
	assertEquals "steps: $(<"$SC_TMP/tty.err")" 0 "$st"
}

sc_run_shunit2
