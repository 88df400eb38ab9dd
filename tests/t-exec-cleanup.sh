#!/bin/bash
# Programs of -e and -c, and what sockcat leaves behind: a thousand
# programs in a row for -lk -e (no zombies, flat descriptors), no shell
# without -c, and signals that must remove the Unix socket and FIFO
# sockcat made and end its programs.

. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
. "${TESTS_DIR:-$(dirname "$0")}/proc.sh"
. "${TESTS_DIR:-$(dirname "$0")}/clients.sh"
sc_require python3

# children PID: the processes whose parent is PID, one "pid stat" a line.
children() {
	ps --ppid "$1" -o pid=,stat= 2>/dev/null
}

# no_children PID: wait up to $SC_WAIT s for PID to have no child at all.
no_children() {
	wait_until childless "$1"
}
childless() {
	[ -z "$(children "$1")" ]
}

# --- Programs -------------------------------------------------------------

test_1000_exec_connections_leave_no_zombies() {
	SERVER_TIMEOUT=200 server srv -k -l 127.0.0.1 0 -e /bin/cat ||
	    fail "no server"
	pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	# Each connection sends a line, must get it back from cat, and ends.
	t 190 python3 - "$PORT" "$pid" >"$SC_TMP/seq.out" <<'PYEOF'
import os, socket, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
# The count after the first connection (the first program adds the
# SIGCHLD pipe for good), then after every 250.
counts, bad = [], 0
def fds():
    return len(os.listdir("/proc/%s/fd" % pid))
deadline = time.monotonic() + 180
for i in range(1000):
    if time.monotonic() > deadline:
        break
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    msg = b"line %d\n" % i
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        got += d
    s.close()
    if got != msg:
        bad += 1
    if i == 0:
        # The lowest seen for half a second: the program's pipes may
        # close a moment after its output ends.
        settle, n = time.monotonic() + 0.5, fds()
        while time.monotonic() < settle:
            n = min(n, fds())
            time.sleep(0.02)
        counts.append(n)
    elif (i + 1) % 250 == 0:
        # A leak is a count that stays up, not one that settles.
        settle = time.monotonic() + 2
        while True:
            n = fds()
            if n == counts[0] or time.monotonic() > settle:
                break
            time.sleep(0.02)
        counts.append(n)
print("done %d bad %d" % (i + 1, bad))
print("fds %s" % " ".join(str(c) for c in counts))
PYEOF
	assertEquals "python status" 0 $?
	assertEquals "every echo intact" "done 1000 bad 0" \
	    "$(sed -n 1p "$SC_TMP/seq.out")"
	counts=$(sed -n 's/^fds //p' "$SC_TMP/seq.out")
	first=${counts%% *}
	for c in $counts; do
		assertEquals "descriptors stay flat ($counts)" "$first" "$c"
	done
	assertTrue "no child left: $(children "$pid")" "no_children $pid"
	assertEquals "no zombie" 0 "$(ps --ppid "$pid" -o stat= | grep -c Z)"
	assertEquals "descriptors after the last" "$first" "$(fd_count "$pid")"
	assertTrue "still listening" "kill -0 $pid"
}

test_exec_never_through_a_shell() {
	server srv -l 127.0.0.1 0 -e 'echo $HOME `id` ;x' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/e.out"
	assertEquals "-e: the words as they are" '$HOME `id` ;x' \
	    "$(<"$SC_TMP/e.out")"
	wait_exit "$SERVER_PID"
	server srv2 -l 127.0.0.1 0 -c 'echo $HOME' || fail "no server"
	t 5 "$SC" -d 127.0.0.1 "$PORT" >"$SC_TMP/c.out"
	assertEquals "-c: through sh" "$HOME" "$(<"$SC_TMP/c.out")"
}

# --- Signals ------------------------------------------------------------

# sig_cleanup SIG STATUS: a -k Unix socket server and a --fifo listener,
# each ended by SIG, exit with STATUS and remove what they created.
sig_cleanup() {
	server us -k -U -l "$SC_TMP/sock" || fail "no Unix server"
	us=$SERVER_PID
	upid=$(child_pid "$us") || fail "no sockcat"
	assertTrue "socket made" "[ -S '$SC_TMP/sock' ]"
	server ff -l --fifo "$SC_TMP/fifo" 127.0.0.1 0 || fail "no FIFO server"
	fpid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	assertTrue "FIFO made" "[ -p '$SC_TMP/fifo' ]"
	kill "-$1" "$upid" "$fpid"
	wait_exit "$us"
	assertEquals "Unix server status" "$2" "$WAIT_STATUS"
	wait_exit "$SERVER_PID"
	assertEquals "FIFO server status" "$2" "$WAIT_STATUS"
	assertFalse "socket removed" "[ -e '$SC_TMP/sock' ]"
	assertFalse "FIFO removed" "[ -e '$SC_TMP/fifo' ]"
}

test_sigterm_removes_socket_and_fifo() { sig_cleanup TERM 143; }
test_sigint_removes_socket_and_fifo() { sig_cleanup INT 130; }

# sig_children SIG: a -lk -e 'sleep 30' server with a client connected;
# after SIG, neither it nor its program is left.
sig_children() {
	server srv -k -l 127.0.0.1 0 -e 'sleep 30' || fail "no server"
	pid=$(child_pid "$SERVER_PID") || fail "no sockcat"
	client c1 7 127.0.0.1 "$PORT"
	prog=$(child_pid "$pid") || fail "no program"
	wait_until runs_words "$prog" "sleep 30"
	assertEquals "the program runs" "sleep 30" "$(words_of "$prog")"
	kill "-$1" "$pid"
	wait_exit "$SERVER_PID"
	assertNotEquals "sockcat ends" timeout "$WAIT_STATUS"
	wait_until gone "$prog"
	assertFalse "program ended: $(ps -o pid=,stat=,args= -p "$prog")" \
	    "kill -0 $prog"
	hush 7
}

test_sigterm_ends_programs() { sig_children TERM; }
test_sigint_ends_programs() { sig_children INT; }

sc_run_shunit2
